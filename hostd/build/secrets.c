/* secrets: a secret the stack declares whose file is missing gets one:
 * 32 random letters and digits, 0600, in a 0700 directory. The value is
 * never printed; an existing file is never touched. */
#include "build/build_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/compose/compose.h"
#include "build/path.h"
#include "common/util.h"

/* 32 random letters and digits and a newline into val (34 bytes). */
static int random_value(char val[34])
{
	static const char alnum[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[32];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
		fprintf(stderr, "hostd-build: read /dev/urandom: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	for (size_t k = 0; k < sizeof(rnd); k++)
		val[k] = alnum[rnd[k] % (sizeof(alnum) - 1)];
	val[32] = '\n';
	val[33] = '\0';
	return 0;
}

int make_secrets(const struct compose *c)
{
	for (int i = 0; i < c->nsecrets; i++) {
		const char *file = c->secrets[i].file;
		char val[34], dir[PATH_MAX], *slash;
		struct stat st;

		if (stat(file, &st) == 0)
			continue;
		if (pathf(dir, sizeof(dir), "%s", file) < 0)
			return -1;
		if ((slash = strrchr(dir, '/')) && slash != dir) {
			*slash = '\0';
			if (stat(dir, &st) < 0 && mkdir_p(dir, 0700) < 0) {
				fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
				return -1;
			}
		}
		if (random_value(val) < 0)
			return -1;
		if (write_file(file, val, 33, 0600) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", file, strerror(errno));
			return -1;
		}
		printf("generated secret %s in %s (32 random characters)\n", c->secrets[i].name, file);
	}
	return 0;
}
