/* path: see path.h. Writes its one message to stderr; nothing else. */
#include "build/path.h"

#include <stdarg.h>
#include <stdio.h>

int pathf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "hostd-build: a path is too long (%.60s...)\n", out);
		if (len)
			out[0] = '\0';	/* never half a path */
		return -1;
	}
	return 0;
}
