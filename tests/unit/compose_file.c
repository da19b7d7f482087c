/* The unit tests' compose_file: hostd/build/compose/compose_file.c is the
 * compose reader's file system seam and is not linked here (the unit tests
 * link only pure files), so compose_parse and compose_load hand the pure
 * reader a file reader written with stdio instead. Same contract: a whole
 * regular file, NUL-terminated, or NULL with errno. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/compose/compose_int.h"

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	FILE *f;
	char *buf;
	size_t n;

	if (stat(path, &st) < 0)
		return NULL;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return NULL;
	}
	if (!(f = fopen(path, "rb")))
		return NULL;
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
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
