/* strbuf: see strbuf.h.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int str_put(struct str *s, const char *p, size_t n)
{
	if (s->n + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64;
		char *np;

		while (cap < s->n + n + 1)
			cap *= 2;
		if (!(np = realloc(s->p, cap)))
			return -1;
		s->p = np;
		s->cap = cap;
	}
	memcpy(s->p + s->n, p, n);
	s->n += n;
	s->p[s->n] = '\0';
	return 0;
}

int str_putc(struct str *s, char c)
{
	return str_put(s, &c, 1);
}

/* Copy src into dst (size dn) on one line: a newline, a carriage return
 * or another control character in quoted input shows as \n, \r, \xNN. */
void str_oneline(char *dst, size_t dn, const char *src)
{
	size_t o = 0;

	for (; *src && o + 5 < dn; src++) {
		unsigned char c = (unsigned char)*src;

		if (c == '\n' || c == '\r')
			o += (size_t)snprintf(dst + o, dn - o, "\\%c", c == '\n' ? 'n' : 'r');
		else if (c < 0x20 && c != '\t')
			o += (size_t)snprintf(dst + o, dn - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	if (dn)
		dst[o < dn ? o : dn - 1] = '\0';
}
