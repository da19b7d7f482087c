/* errctx: see errctx.h.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/errctx.h"
#include "common/strbuf.h"

#include <stdio.h>

int errctx_vfail_at(struct errctx *e, int line, const char *fmt, va_list ap)
{
	char msg[800], full[1000];

	if (!e->buf || !e->len)
		return -1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%d: %s", e->file ? e->file : "?", line, msg);
	else
		snprintf(full, sizeof(full), "%s: %s", e->file ? e->file : "?", msg);
	str_oneline(e->buf, e->len, full);
	return -1;
}

int errctx_fail_at(struct errctx *e, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errctx_vfail_at(e, line, fmt, ap);
	va_end(ap);
	return -1;
}

int errctx_fail(struct errctx *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errctx_vfail_at(e, e->line, fmt, ap);
	va_end(ap);
	return -1;
}
