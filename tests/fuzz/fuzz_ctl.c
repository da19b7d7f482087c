/* ctl_parse (hostd/ctl_req.c): a request line on the control socket, as
 * ctl.c hands it over: at most 511 bytes, cut at the newline, none with a
 * NUL byte (those get "request too long or not text" before parsing). */
#include <stdio.h>

#include "ctl/ctl.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct ctl_req r;
	char *line, err[300];

	if (nl)
		size = (size_t)(nl - data);
	if (size > 511 || memchr(data, '\0', size))
		return 0;
	line = fz_str(data, size);
	if (ctl_parse(line, &r, err, sizeof(err)) == 0) {
		/* A name is one bounded word: it reaches the supervisor as is. */
		size_t l = strnlen(r.name, sizeof(r.name));

		if (l == sizeof(r.name) || strpbrk(r.name, " \t\n\v\f\r") ||
		    (r.verb > CTL_STATS && !l) || r.sig < 1 || r.sig >= 65)
			abort();
	} else if (!memchr(err, '\0', sizeof(err)) || strchr(err, '\n')) {
		abort();
	}
	free(line);
	return 0;
}
