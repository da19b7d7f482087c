/* df_chars: the character classes BuildKit's Dockerfile parser uses (Go's
 * unicode.IsSpace on UTF-8 and on single bytes, its reWhitespace) and
 * ASCII case-insensitive compares. Reads the bytes it is given, nothing
 * else; allocates nothing.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <string.h>

/* Go's unicode.IsSpace at s: the length of the white-space character
 * there (1-3 bytes of UTF-8), or 0. */
size_t df_uspace(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!n)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (n >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
		return 3;
	if (u[0] == 0xE2 && u[1] == 0x80 &&
	    (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF) && u[2] >= 0x80)
		return 3;
	if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
		return 3;
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

void df_ltrim(const char **s, size_t *n)
{
	size_t k;

	while ((k = df_uspace(*s, *n))) {
		*s += k;
		*n -= k;
	}
}

void df_rtrim(const char *s, size_t *n)
{
	for (;;) {
		if (*n >= 1 && df_uspace(s + *n - 1, 1))
			*n -= 1;
		else if (*n >= 2 && df_uspace(s + *n - 2, 2) == 2)
			*n -= 2;
		else if (*n >= 3 && df_uspace(s + *n - 3, 3) == 3)
			*n -= 3;
		else
			return;
	}
}

/* BuildKit's reWhitespace, [\t\v\f\r ]: what separates words in FROM,
 * EXPOSE, shell-form COPY/ADD/VOLUME and the legacy "ENV k v". */
int df_wsre(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* unicode.IsSpace(rune(byte)): the byte-wise test BuildKit uses for flags
 * and HEALTHCHECK's type word. */
int df_bspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
}

/* memmem for two bytes (memmem is a GNU extension). */
const char *df_find2(const char *s, size_t n, const char *two)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == two[0] && s[i + 1] == two[1])
			return s + i;
	return NULL;
}

char df_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int df_eqi(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);

	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (df_lower(a[i]) != df_lower(b[i]))
			return 0;
	return 1;
}
