/* envfile: see envfile.h. Pure: no files, no logging, no global state;
 * memory comes from the struct envfile's arena (envfile_free) and, for
 * env_interpolate, from one malloc'd result.
 *
 * The rules are Docker Compose's, as its documentation states them (the
 * .env syntax page and the interpolation page); where Compose's own parser
 * quietly accepts a broken line, this one says so instead (see envfile.h).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/compose/envfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/errctx.h"
#include "common/strbuf.h"

/* ---- memory ---- */

void envfile_free(struct envfile *ef)
{
	arena_free(&ef->mem);
	free(ef->vars);
	memset(ef, 0, sizeof(*ef));
}

const char *envfile_get(const struct envfile *ef, const char *key)
{
	for (int i = 0; i < ef->nvars; i++)
		if (!strcmp(ef->vars[i].key, key))
			return ef->vars[i].value;
	return NULL;
}


/* ---- interpolation ---- */

/* ${...} inside a default inside a default ... each level is a call:
 * deep enough, a long value would run out of stack. */
#define MAX_NEST 100

struct interp {
	const struct env_lookup *env;
	const char *whole;	/* for "Invalid template" */
	char *err;
	size_t errlen;
	int depth;
};

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static const char *get(const struct interp *I, const char *name, size_t n)
{
	return I->env && I->env->get ? I->env->get(I->env->ctx, name, n) : NULL;
}


static int invalid(struct interp *I)
{
	char msg[600];

	snprintf(msg, sizeof(msg), "Invalid template: \"%s\"", I->whole);
	str_oneline(I->err, I->errlen, msg);
	return -1;
}

static int nomem(struct interp *I)
{
	snprintf(I->err, I->errlen, "out of memory");
	return -1;
}

/* A plain $VAR or ${VAR}: unset is "" (and the caller hears of it). */
static int plain(struct interp *I, const char *name, size_t n, struct str *out)
{
	const char *v = get(I, name, n);

	if (!v) {
		if (I->env && I->env->unset)
			I->env->unset(I->env->ctx, name, n);
		return 0;
	}
	return str_put(out, v, strlen(v)) < 0 ? nomem(I) : 0;
}

static int interp(struct interp *I, const char *s, size_t n, struct str *out)
{
	size_t i = 0;

	while (i < n) {
		size_t j, k, ns, nl;
		int colon = 0, depth = 1, r;
		char op;
		const char *v;
		struct str w = {0};

		if (s[i] != '$') {
			if (str_putc(out, s[i++]) < 0)
				return nomem(I);
			continue;
		}
		if (i + 1 < n && s[i + 1] == '$') {
			if (str_putc(out, '$') < 0)
				return nomem(I);
			i += 2;
			continue;
		}
		if (i + 1 < n && name_start(s[i + 1])) {
			for (j = i + 1; j < n && name_char(s[j]); j++)
				;
			if (plain(I, s + i + 1, j - i - 1, out) < 0)
				return -1;
			i = j;
			continue;
		}
		if (i + 1 >= n || s[i + 1] != '{') {
			/* Not a variable: Compose leaves the $ alone. */
			if (str_putc(out, '$') < 0)
				return nomem(I);
			i++;
			continue;
		}
		ns = j = i + 2;
		if (j >= n || !name_start(s[j]))
			return invalid(I);
		while (j < n && name_char(s[j]))
			j++;
		nl = j - ns;
		if (j >= n)
			return invalid(I);
		if (s[j] == '}') {
			if (plain(I, s + ns, nl, out) < 0)
				return -1;
			i = j + 1;
			continue;
		}
		if (s[j] == ':') {
			colon = 1;
			j++;
		}
		if (j >= n || (s[j] != '-' && s[j] != '+' && s[j] != '?'))
			return invalid(I);
		op = s[j++];
		/* The matching brace: every "${" opens one, as Compose counts. */
		for (k = j; k < n; k++) {
			if (s[k] == '}' && --depth == 0)
				break;
			if (s[k] == '$' && k + 1 < n && s[k + 1] == '{') {
				depth++;
				k++;
			}
		}
		if (k >= n)
			return invalid(I);
		/* The default / alternative / message, itself interpolated. */
		if (I->depth >= MAX_NEST) {
			char msg[600];

			snprintf(msg, sizeof(msg), "Invalid template: \"%s\": ${...} nested more "
				 "than %d deep", I->whole, MAX_NEST);
			str_oneline(I->err, I->errlen, msg);
			return -1;
		}
		I->depth++;
		r = interp(I, s + j, k - j, &w);
		I->depth--;
		if (r < 0) {
			free(w.p);
			return -1;
		}
		v = get(I, s + ns, nl);
		r = 0;
		if (op == '-') {
			if (!v || (colon && !*v))
				r = w.n && str_put(out, w.p, w.n) < 0 ? nomem(I) : 0;
			else
				r = str_put(out, v, strlen(v)) < 0 ? nomem(I) : 0;
		} else if (op == '+') {
			if (v && !(colon && !*v))
				r = w.n && str_put(out, w.p, w.n) < 0 ? nomem(I) : 0;
		} else if (!v || (colon && !*v)) {
			char msg[600];

			snprintf(msg, sizeof(msg), "required variable %.*s is missing a value%s%s",
				 (int)nl, s + ns, w.n ? ": " : "", w.n ? w.p : "");
			str_oneline(I->err, I->errlen, msg);
			r = -1;
		} else {
			r = str_put(out, v, strlen(v)) < 0 ? nomem(I) : 0;
		}
		free(w.p);
		if (r < 0)
			return -1;
		i = k + 1;
	}
	return 0;
}

int env_interpolate(const char *s, const struct env_lookup *env, char **out,
		    char *err, size_t errlen)
{
	struct interp I = {env, s, err, errlen, 0};
	struct str res = {0};

	*out = NULL;
	if (interp(&I, s, strlen(s), &res) < 0) {
		free(res.p);
		return -1;
	}
	if (!res.p && !(res.p = calloc(1, 1)))
		return nomem(&I);
	*out = res.p;
	return 0;
}

/* ---- the .env file ---- */

struct parse {
	struct envfile *ef;
	const struct env_lookup *env;	/* the caller's, may be NULL */
	struct errctx e;		/* the file's name, the line, the caller's buffer */
};

/* Inside the file, a variable is the caller's first, then one defined
 * above (Compose: the environment wins over the .env file). */
static const char *file_get(void *ctx, const char *name, size_t n)
{
	const struct parse *p = ctx;
	const char *v = NULL;

	if (p->env && p->env->get)
		v = p->env->get(p->env->ctx, name, n);
	for (int i = 0; !v && i < p->ef->nvars; i++)
		if (strlen(p->ef->vars[i].key) == n && !memcmp(p->ef->vars[i].key, name, n))
			v = p->ef->vars[i].value;
	return v;
}

static void file_unset(void *ctx, const char *name, size_t n)
{
	const struct parse *p = ctx;

	if (p->env && p->env->unset)
		p->env->unset(p->env->ctx, name, n);
}

static int set(struct parse *p, const char *key, size_t kn, const char *val, size_t vn)
{
	struct envfile *ef = p->ef;
	const char *v = arena_strndup(&ef->mem, val, vn);
	int i;

	if (!v)
		return errctx_fail(&p->e, "out of memory");
	for (i = 0; i < ef->nvars; i++)
		if (strlen(ef->vars[i].key) == kn && !memcmp(ef->vars[i].key, key, kn)) {
			ef->vars[i].value = v;
			ef->vars[i].line = p->e.line;
			return 0;
		}
	if (ef->nvars == ef->cap) {
		int cap = ef->cap ? ef->cap * 2 : 16;
		struct env_var *nv = realloc(ef->vars, sizeof(*nv) * (size_t)cap);

		if (!nv)
			return errctx_fail(&p->e, "out of memory");
		ef->vars = nv;
		ef->cap = cap;
	}
	if (!(ef->vars[i].key = arena_strndup(&ef->mem, key, kn)))
		return errctx_fail(&p->e, "out of memory");
	ef->vars[i].value = v;
	ef->vars[i].line = p->e.line;
	ef->nvars++;
	return 0;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static int key_char(char c)
{
	return name_char(c) || c == '.' || c == '-' || c == '[' || c == ']';
}

/* The escapes of a double-quoted value; \$ becomes $$ so that the
 * interpolation after it leaves a literal $. -1: a \0000. */
static int unescape_double(const char *s, size_t n, struct str *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		char c;

		if (s[i] != '\\' || i + 1 >= n) {
			if (str_putc(out, s[i]) < 0)
				return -2;
			continue;
		}
		switch (s[i + 1]) {
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'v': c = '\v'; break;
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case '$': rep = "$$"; c = 0; break;
		case '0': {
			/* \0 and exactly three octal digits up to 377; else as is. */
			size_t d = 0;
			unsigned v = 0;

			while (d < 3 && i + 2 + d < n && s[i + 2 + d] >= '0' && s[i + 2 + d] <= '7')
				v = v * 8 + (unsigned)(s[i + 2 + d++] - '0');
			if (d == 3 && v <= 0377) {
				if (!v)
					return -1;
				if (str_putc(out, (char)v) < 0)
					return -2;
				i += 4;
				continue;
			}
			rep = "";
			c = 0;
			break;
		}
		default:
			rep = "";
			c = 0;
		}
		if (rep && !*rep) {
			/* Not an escape: both characters stay. */
			if (str_put(out, s + i, 2) < 0)
				return -2;
		} else if (rep) {
			if (str_put(out, rep, strlen(rep)) < 0)
				return -2;
		} else if (str_putc(out, c) < 0) {
			return -2;
		}
		i++;
	}
	return 0;
}

/* KEY= at *at (after an optional "export"): the key's bounds into *ks,
 * *ke, and *at past the '=' and the blanks after it. */
static int read_key(struct parse *p, const char *buf, size_t len, size_t *at, size_t *ks,
		    size_t *ke)
{
	size_t i = *at, s, e;

	if (len - i > 6 && !memcmp(buf + i, "export", 6) && (buf[i + 6] == ' ' || buf[i + 6] == '\t'))
		for (i += 6; i < len && blank(buf[i]); i++)
			;
	for (s = i; i < len && buf[i] != '=' && buf[i] != ':' && buf[i] != '\n'; i++)
		if (!key_char(buf[i]) && !blank(buf[i])) {
			unsigned char c = (unsigned char)buf[i];

			if (c >= 0x20 && c < 0x7F)
				return errctx_fail(&p->e, "unexpected character '%c' in variable name", c);
			return errctx_fail(&p->e, "unexpected character \\x%02x in variable name", c);
		}
	for (e = i; e > s && blank(buf[e - 1]); e--)
		;
	if (i >= len || buf[i] == '\n')
		return errctx_fail(&p->e, "%.*s: missing '=' (KEY=VALUE)", (int)(e - s), buf + s);
	if (e == s)
		return errctx_fail(&p->e, "missing variable name before '%c'", buf[i]);
	for (size_t k = s; k < e; k++)
		if (blank(buf[k]))
			return errctx_fail(&p->e, "%.*s: key cannot contain a space", (int)(e - s),
					   buf + s);
	for (i++; i < len && blank(buf[i]); i++)
		;
	*at = i;
	*ks = s;
	*ke = e;
	return 0;
}

/* A quoted value at *at (on its quote), up to the end of its line: a
 * single-quoted one into val as it is, a double-quoted one into raw with
 * its escapes undone (it is interpolated after). */
static int read_quoted(struct parse *p, const char *buf, size_t len, size_t *at, const char *key,
		       int kn, struct str *raw, struct str *val)
{
	size_t i = *at, vs;
	char q = buf[i++];
	int r = 0;

	for (vs = i; i < len && buf[i] != q; i++)
		if (buf[i] == '\\' && i + 1 < len && (q == '"' || buf[i + 1] == '\''))
			i++;
	if (i >= len)
		return errctx_fail(&p->e, "%.*s: unterminated quoted value", kn, key);
	if (q == '\'') {
		for (size_t k = vs; k < i && !r; k++) {
			if (buf[k] == '\\' && k + 1 < i && buf[k + 1] == '\'')
				k++;
			r = str_putc(val, buf[k]);
		}
	} else if ((r = unescape_double(buf + vs, i - vs, raw)) == -1) {
		return errctx_fail(&p->e, "%.*s: a \\0000 (NUL) in the value", kn, key);
	}
	for (i++; i < len && blank(buf[i]); i++)
		;
	if (i < len && buf[i] == '#')
		while (i < len && buf[i] != '\n')
			i++;
	if (i < len && buf[i] != '\n')
		return errctx_fail(&p->e, "%.*s: unexpected text after the closing quote", kn, key);
	*at = i;
	return r < 0 ? errctx_fail(&p->e, "out of memory") : 0;
}

/* An unquoted value at *at, up to the end of its line (a " #" starts a
 * comment; blanks at its end go), into raw. */
static int read_plain(struct parse *p, const char *buf, size_t len, size_t *at, struct str *raw)
{
	const char *hash;
	size_t i = *at, vs, ve;

	for (vs = i; i < len && buf[i] != '\n'; i++)
		;
	ve = i;
	for (hash = buf + vs; hash + 1 < buf + ve; hash++)
		if (hash[0] == ' ' && hash[1] == '#') {
			ve = (size_t)(hash - buf);
			break;
		}
	while (ve > vs && (blank(buf[ve - 1])))
		ve--;
	*at = i;
	return str_put(raw, buf + vs, ve - vs) < 0 ? errctx_fail(&p->e, "out of memory") : 0;
}

/* One KEY=VALUE at *at: read, interpolated, set; *at and the line move
 * past it. */
static int read_entry(struct parse *p, struct interp *I, const char *buf, size_t len, size_t *at)
{
	struct str raw = {0}, val = {0};
	size_t ks = 0, ke = 0, i = *at;
	int r, kn;

	if (read_key(p, buf, len, &i, &ks, &ke) < 0)
		return -1;
	kn = (int)(ke - ks);
	if (i < len && (buf[i] == '"' || buf[i] == '\''))
		r = read_quoted(p, buf, len, &i, buf + ks, kn, &raw, &val);
	else
		r = read_plain(p, buf, len, &i, &raw);
	if (!r && raw.p) {
		I->whole = raw.p;
		if (interp(I, raw.p, raw.n, &val) < 0)
			r = errctx_fail(&p->e, "%.*s: %s", kn, buf + ks, I->err);
	}
	if (!r)
		r = set(p, buf + ks, ke - ks, val.p ? val.p : "", val.n);
	free(raw.p);
	free(val.p);
	if (r < 0)
		return -1;
	/* back to where the scan is */
	for (size_t k = ks; k < i; k++)
		p->e.line += buf[k] == '\n';
	*at = i;
	return 0;
}

int envfile_parse(struct envfile *ef, const char *name, const char *buf,
		  size_t len, const struct env_lookup *env, char *err,
		  size_t errlen)
{
	struct parse p = {ef, env, {name, 1, err, errlen}};
	struct env_lookup inner = {file_get, file_unset, &p};
	struct interp I = {&inner, NULL, NULL, 0, 0};
	char why[512];
	size_t i = 0;

	memset(ef, 0, sizeof(*ef));
	I.err = why;
	I.errlen = sizeof(why);
	if (memchr(buf, '\0', len)) {
		for (const char *c = buf; *c; c++)
			p.e.line += *c == '\n';
		errctx_fail(&p.e, "NUL byte in the file");
		goto fail;
	}
	for (;;) {
		while (i < len && (blank(buf[i]) || buf[i] == '\n'))
			p.e.line += buf[i++] == '\n';
		if (i >= len)
			break;
		if (buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		if (read_entry(&p, &I, buf, len, &i) < 0)
			goto fail;
	}
	return 0;
fail:
	envfile_free(ef);
	return -1;
}
