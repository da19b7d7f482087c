/* errctx: where a parser is, and the one way every parser says what is
 * wrong there: "FILE:LINE: message" on one line (a control character in
 * the message shows as \n, \xNN), written into the caller's buffer.
 * Used by the plan, Dockerfile, .env, compose and build-step parsers. */
#ifndef HOSTD_ERRCTX_H
#define HOSTD_ERRCTX_H

#include <stdarg.h>
#include <stddef.h>

struct errctx {
	const char *file;	/* what the user calls the input */
	int line;		/* 1-based; 0: no line ("FILE: message") */
	char *buf;		/* the caller's message buffer */
	size_t len;
};

/* Write the message at e->line into e->buf; always returns -1, so a
 * parser can `return errctx_fail(...)`. */
int errctx_fail(struct errctx *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same at another line (the line of a node the parser points to). */
int errctx_fail_at(struct errctx *e, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int errctx_vfail_at(struct errctx *e, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
