/* ignore_parse and ignore_match (hostd/ignore.c): a build context's
 * .dockerignore, then paths matched against it. Input: the .dockerignore
 * text, a NUL, then one path a line. */
#include "fuzz.h"
#include "build/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *part[2];
	size_t len[2];
	struct ignore ig;

	fz_split(data, size, part, len, 2);
	if (ignore_parse(&ig, part[0], len[0]) == 0) {
		for (char *p = part[1], *nl; p; p = nl ? nl + 1 : NULL) {
			if ((nl = strchr(p, '\n')))
				*nl = '\0';
			ignore_match(&ig, p);
		}
		ignore_free(&ig);
	}
	fz_free_parts(part, 2);
	return 0;
}
