/* strbuf: see strbuf.h. */
#include "strbuf.h"

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
