/* fuzz: what the libFuzzer harnesses share. Each harness is one
 * tests/fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput; the input is
 * copied into a malloc'd buffer of exactly its size (plus the NUL a C
 * string needs) so that AddressSanitizer sees a read one byte too far.
 * No file or network I/O: the parsers take buffers. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data[0..size) as a malloc'd C string (it stops at the first NUL). */
static inline char *fz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Split data at its first NUL bytes into at most max parts, each its own
 * malloc'd C string (exact size) in part[] and its length in len[];
 * missing parts are NULL. Returns how many there are. fz_free_parts()
 * releases them. */
static inline int fz_split(const uint8_t *data, size_t size, char **part, size_t *len,
			   int max)
{
	int n = 0;

	for (int i = 0; i < max; i++)
		part[i] = NULL, len[i] = 0;
	while (n < max) {
		const uint8_t *z = n < max - 1 ? memchr(data, '\0', size) : NULL;
		size_t l = z ? (size_t)(z - data) : size;

		part[n] = fz_str(data, l);
		len[n++] = l;
		if (!z)
			break;
		data += l + 1;
		size -= l + 1;
	}
	return n;
}

static inline void fz_free_parts(char **part, int max)
{
	for (int i = 0; i < max; i++)
		free(part[i]);
}

/* Touch every byte of a C string, so a dangling or unterminated result
 * shows up under ASan. */
static inline size_t fz_touch(const char *s)
{
	return s ? strlen(s) : 0;
}

/* A fixed set of variables for the harnesses that interpolate: set,
 * empty, with spaces and with characters that need quoting. */
static inline const char *fz_var(const char *name, size_t len)
{
	static const char *const vars[][2] = {
		{"LOGIN", "jdoe"}, {"DOMAIN_NAME", "jdoe.42.fr"}, {"EMPTY", ""},
		{"PORTS", "80 443/tcp"}, {"HTTPS_PORT", "443"}, {"SPACE", " a  b "},
		{"QUOTE", "'\"\\$`"}, {"HOME", "/root"}, {"V", "v"},
		{"PATH", "/usr/local/bin:/usr/bin:/bin"},
	};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strlen(vars[i][0]) == len && !memcmp(vars[i][0], name, len))
			return vars[i][1];
	return NULL;
}

#endif
