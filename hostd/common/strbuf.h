/* strbuf: a growable string (malloc), for the build host's parsers. */
#ifndef HOSTD_STRBUF_H
#define HOSTD_STRBUF_H

#include <stddef.h>

struct str {
	char *p;	/* NUL-terminated once anything is put; free() it */
	size_t n, cap;
};

/* Append n bytes (or one char); 0, or -1 when out of memory. */
int str_put(struct str *s, const char *p, size_t n);
int str_putc(struct str *s, char c);

/* Copy src into dst (size dn) on one line, for an error message: a
 * newline, a carriage return or another control character shows as \n,
 * \r, \xNN. */
void str_oneline(char *dst, size_t dn, const char *src);

#endif
