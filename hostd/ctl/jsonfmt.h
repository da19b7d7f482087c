/* jsonfmt: see jsonfmt.c. */
#ifndef HOSTD_JSONFMT_H
#define HOSTD_JSONFMT_H

#include <stddef.h>

/* A JSON text being written into a fixed buffer; overflow is remembered
 * (the text is then cut short) instead of running past the end. */
struct jbuf {
	char *buf;
	size_t len, n;
	int overflow;
};

void jb_init(struct jbuf *b, char *buf, size_t len);
void jb_printf(struct jbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s as a JSON string: quoted, with quotes, backslashes and control
 * characters escaped. NULL is written as "". */
void jb_str(struct jbuf *b, const char *s);

/* The value of the first "key": in a JSON text: a string unescaped and
 * without its quotes, anything else as written. Returns 0 or -1. */
int jsonfmt_field(const char *json, const char *key, char *out, size_t len);
/* The strings of the array that is the first "key"'s value, unescaped,
 * NUL-separated in buf, pointed to from out (NULL-terminated, at most
 * max - 1). Returns their count, or -1 (no such array, not all strings,
 * too many or too long). */
int jsonfmt_strings(const char *json, const char *key, char *buf, size_t len,
		    char **out, int max);
/* Expand a Docker-style template ("{{.State.Pid}}", "{{json .}}",
 * "{{json .Mounts}}", with text around them; "json" alone is "{{json .}}")
 * against one object. Returns 0, or -1 with the reason in out for a
 * template it cannot evaluate. */
int jsonfmt_format(const char *tmpl, const char *json, char *out, size_t len);
/* Format rows (one JSON object per line) with a template, as Docker's
 * --format for list verbs: "table ..." prints a header of column titles
 * and aligns tab-separated ("\t") columns. Returns 0 or -1 with the
 * reason in out. */
int jsonfmt_rows(const char *tmpl, const char *rows, char *out, size_t len);

#endif
