/* compose_file: the compose reader's only contact with the file system
 * (build host only): compose_parse and compose_load (compose.h) hand the
 * pure reader (compose.c) a struct compose_io that reads a whole regular
 * file into memory (the compose file itself and every env_file:) and gets
 * the current directory a relative compose path is resolved against.
 *
 * It never parses anything. tests/unit and tests/fuzz do not link it
 * (they link only pure files): they pass stand-in readers of their own. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/compose/compose_int.h"

/* A whole regular file, NUL-terminated, or NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;
	struct stat st;
	char *buf;
	size_t n = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		e = errno;
	else
		e = S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ? EINVAL :
		    st.st_size > (64 << 20) ? EFBIG : 0;
	if (e) {
		close(fd);
		errno = e;
		return NULL;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const struct compose_io io = { slurp, getcwd };

int compose_parse(struct compose *c, const char *path, const char *buf, size_t len,
		  const struct env_lookup *env, char *err, size_t errlen)
{
	return compose_parse_io(c, path, buf, len, env, &io, err, errlen);
}

int compose_load(struct compose *c, const char *path, const struct env_lookup *env,
		 char *err, size_t errlen)
{
	return compose_load_io(c, path, env, &io, err, errlen);
}
