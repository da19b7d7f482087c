/* dockerfile: see dockerfile.h. This file reads the file as a whole:
 * physical lines (NUL bytes and over-long lines refused), the parser
 * directives at the top, comment lines, continuation lines joined into
 * logical ones, the rule that FROM comes first, and the error and warning
 * lines of the whole parser. One logical line is df_inst.c's; the other
 * parts are listed in dockerfile_int.h. Pure: no files, no logging, no
 * global state; memory comes from the struct dockerfile's chunks
 * (df_arena.c, df_free) and, for df_expand, from one malloc'd result.
 *
 * The rules are BuildKit's (frontend/dockerfile/parser and
 * instructions), as its reference documentation and behaviour describe
 * them; where a rule is surprising the comment says so.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors and warnings ---- */

int df_fail(struct df_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int pre;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* "<file>:<line>: <msg>" was cut at 599 characters: still is. */
	pre = snprintf(NULL, 0, "%s:%d: ", c->e.file, c->e.line);
	if (pre >= 0 && pre < 599 && strlen(msg) > (size_t)(599 - pre))
		msg[599 - pre] = '\0';
	return errctx_fail(&c->e, "%s", msg);
}

int df_oom(struct df_ctx *c)
{
	return df_fail(c, "out of memory");
}

int df_warn(struct df_ctx *c, const char *fmt, ...)
{
	struct dockerfile *df = c->df;
	char msg[512], line[640];
	va_list ap;
	const char *w;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%d: %s", c->e.file, c->e.line, msg);
	if (df->nwarnings == df->capwarn) {
		int cap = df->capwarn ? df->capwarn * 2 : 4;
		const char **nw = realloc(df->warnings, sizeof(*nw) * (size_t)cap);

		if (!nw)
			return df_oom(c);
		df->warnings = nw;
		df->capwarn = cap;
	}
	if (!(w = arena_strndup(&df->mem, line, strlen(line))))
		return df_oom(c);
	df->warnings[df->nwarnings++] = w;
	return 0;
}

/* ---- lines ---- */

/* A parser directive line (leading blanks already gone)? 1 when it is one
 * (and handled), 0 when not (directives are over), -1 on error. Known:
 * escape, syntax, check; "#  key = value", key case-insensitive. */
static int directive(struct df_ctx *c, const char *s, size_t n, unsigned *seen)
{
	static const char *const known[] = {"escape", "syntax", "check"};
	const char *key, *val;
	size_t kn, vn, i = 1;
	int which = -1;

	if (!n || s[0] != '#')
		return 0;
	while (i < n && df_uspace(s + i, n - i))
		i += df_uspace(s + i, n - i);
	key = s + i;
	if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		return 0;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			 (s[i] >= '0' && s[i] <= '9')))
		i++;
	kn = (size_t)(s + i - key);
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == '\r'))
		i++;
	if (i >= n || s[i] != '=')
		return 0;
	for (i++; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == '\r'); i++)
		;
	val = s + i;
	vn = n - i;
	while (vn && (val[vn - 1] == ' ' || val[vn - 1] == '\t' || val[vn - 1] == '\f' ||
		      val[vn - 1] == '\r'))
		vn--;
	if (!vn)
		return 0;
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (df_eqi(key, kn, known[k]))
			which = (int)k;
	if (which < 0)
		return 0;
	if (*seen & 1u << which)
		return df_fail(c, "only one %s parser directive can be used", known[which]);
	*seen |= 1u << which;
	if (which == 0) {
		if (vn != 1 || (val[0] != '\\' && val[0] != '`'))
			return df_fail(c, "invalid escape token '%.*s' does not match ` or \\",
				    (int)vn, val);
		c->df->escape = val[0];
	} else if (!(*(which == 1 ? &c->df->syntax : &c->df->check) =
			     arena_strndup(&c->df->mem, val, vn))) {
		return df_oom(c);
	}
	return 1;
}

/* A line that goes on on the next one: it ends with the escape character
 * (then only blanks) that is not itself escaped. Cuts it off. */
static int continues(char esc, const char *s, size_t *n)
{
	size_t e = *n;

	while (e && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e && s[e - 1] == esc && (e == 1 || s[e - 2] != esc)) {
		*n = e - 1;
		return 1;
	}
	return 0;
}

/* The next physical line: up to '\n', trailing '\r's dropped. */
static int next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*s = buf + *pos;
	nl = memchr(*s, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *s) : len - *pos;
	*pos += *n + (nl ? 1 : 0);
	while (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static int add_inst(struct df_ctx *c, const struct df_inst *in)
{
	struct dockerfile *df = c->df;

	if (df->ninst == df->capinst) {
		int cap = df->capinst ? df->capinst * 2 : 16;
		struct df_inst *ni = realloc(df->inst, sizeof(*ni) * (size_t)cap);

		if (!ni)
			return df_oom(c);
		df->inst = ni;
		df->capinst = cap;
	}
	df->inst[df->ninst++] = *in;
	return 0;
}

/* Where the reading is. */
struct reader {
	const char *buf;
	size_t len, pos;
	int lineno;		/* the last physical line read */
	unsigned seen;		/* the directives met */
	int done;		/* directives are over */
};

/* The rest of a logical line that goes on (cont) after its first
 * physical line, into line: continuation lines keep their leading
 * blanks; comment lines in between vanish, blank ones too (*empty: then
 * BuildKit warns). */
static int gather(struct df_ctx *c, struct reader *r, int cont, struct str *line, int *empty)
{
	const char *s;
	size_t n;

	while (cont && next_line(r->buf, r->len, &r->pos, &s, &n)) {
		const char *t = s;
		size_t tn = n;

		r->lineno++;
		if (n > DF_MAX_LINE) {
			c->e.line = r->lineno;
			return df_fail(c, "line greater than max allowed size of %d", DF_MAX_LINE);
		}
		df_ltrim(&t, &tn);
		if (tn && t[0] == '#')
			continue;
		if (!tn) {
			*empty = 1;
			continue;
		}
		cont = continues(c->df->escape, s, &n);
		if (str_put(line, s, n) < 0)
			return df_oom(c);
	}
	return 0;
}

/* The next logical line into line: 1, 0 at the end of the file, -1 on
 * error. c->e.line is its first physical line. */
static int logical(struct df_ctx *c, struct reader *r, struct str *line, int *empty)
{
	const char *s;
	size_t n;
	int cont;

	while (next_line(r->buf, r->len, &r->pos, &s, &n)) {
		c->e.line = ++r->lineno;
		if (n > DF_MAX_LINE)
			return df_fail(c, "line greater than max allowed size of %d", DF_MAX_LINE);
		if (r->lineno == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
			s += 3;
			n -= 3;
		}
		df_ltrim(&s, &n);
		if (!r->done) {
			int d = directive(c, s, n, &r->seen);

			if (d < 0)
				return -1;
			r->done = !d;
		}
		if (n && s[0] == '#')
			n = 0;		/* a comment; it does not continue */
		cont = continues(c->df->escape, s, &n);
		if (!cont && !n)
			continue;
		line->n = 0;
		*empty = 0;
		if (str_put(line, s, n) < 0)
			return df_oom(c);
		return gather(c, r, cont, line, empty) < 0 ? -1 : 1;
	}
	return 0;
}

/* One logical line: the instruction, in order. */
static int instruction(struct df_ctx *c, struct reader *r, const struct str *line, int empty,
		       int *have_from)
{
	struct df_inst in;

	if (df_parse_inst(c, line->p, line->n, &in, 0) < 0)
		return -1;
	in.end_line = r->lineno;
	if (empty && df_warn(c, "%s: empty continuation line (Docker warns; it will become "
			     "an error)", df_kind_name(in.kind)) < 0)
		return -1;
	if (in.kind == DF_FROM)
		*have_from = 1;
	else if (!*have_from && in.kind != DF_ARG)
		return df_fail(c, "%s before the first FROM (no build stage in current context)",
			       df_kind_name(in.kind));
	return add_inst(c, &in);
}

int df_parse(struct dockerfile *df, const char *name, const char *buf,
	     size_t len, char *err, size_t errlen)
{
	struct df_ctx c = {df, {name, 1, err, errlen}};
	struct reader r = {buf, len, 0, 0, 0, 0};
	struct str line = {0};
	const char *nul;
	int have_from = 0, empty = 0, got;

	memset(df, 0, sizeof(*df));
	df->escape = '\\';
	if ((nul = memchr(buf, '\0', len))) {
		for (const char *p = buf; p < nul; p++)
			c.e.line += *p == '\n';
		df_fail(&c, "NUL byte in the file");
		goto fail;
	}
	while ((got = logical(&c, &r, &line, &empty)) > 0)
		if (instruction(&c, &r, &line, empty, &have_from) < 0)
			goto fail;
	if (got < 0)
		goto fail;
	c.e.line = r.lineno ? r.lineno : 1;
	if (!df->ninst) {
		df_fail(&c, "file with no instructions");
		goto fail;
	}
	if (!have_from) {
		df_fail(&c, "no FROM instruction: a Dockerfile must start a build stage");
		goto fail;
	}
	free(line.p);
	return 0;
fail:
	free(line.p);
	df_free(df);
	return -1;
}
