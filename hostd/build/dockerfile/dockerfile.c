/* dockerfile: see dockerfile.h. Pure: no files, no logging, no global
 * state; memory comes from the struct dockerfile's chunks (df_free) and,
 * for df_expand, from one malloc'd result.
 *
 * The rules below are BuildKit's (frontend/dockerfile/parser and
 * instructions), as its reference documentation and behaviour describe
 * them; where a rule is surprising the comment says so.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

#define MAX_LINE 65535		/* BuildKit's scanner: "line greater than max allowed size" */
#define JSON_DEPTH 1000

/* ---- memory: chunks owned by struct dockerfile ---- */

struct df_chunk {
	struct df_chunk *next;
	size_t used, cap;
};

#define CHUNK_HDR ((sizeof(struct df_chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN 16384

static void *df_alloc(struct dockerfile *df, size_t n)
{
	struct df_chunk *c = df->mem;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;

		if (!(c = malloc(CHUNK_HDR + cap)))
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = df->mem;
		df->mem = c;
	}
	c->used += n;
	return (char *)c + CHUNK_HDR + c->used - n;
}

static char *df_strndup(struct dockerfile *df, const char *s, size_t n)
{
	char *d = df_alloc(df, n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

void df_free(struct dockerfile *df)
{
	struct df_chunk *c = df->mem, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	free(df->inst);
	free(df->warnings);
	memset(df, 0, sizeof(*df));
	df->escape = '\\';
}

/* ---- growable strings and string lists (temporary, malloc) ---- */


struct vec {
	char **v;
	int n, cap;
};

/* Takes a copy of p[0..n). */
static int vec_push(struct vec *v, const char *p, size_t n)
{
	char *d;

	if (v->n == v->cap) {
		int cap = v->cap ? v->cap * 2 : 8;
		char **nv = realloc(v->v, sizeof(*nv) * (size_t)cap);

		if (!nv)
			return -1;
		v->v = nv;
		v->cap = cap;
	}
	if (!(d = malloc(n + 1)))
		return -1;
	memcpy(d, p, n);
	d[n] = '\0';
	v->v[v->n++] = d;
	return 0;
}

static void vec_free(struct vec *v)
{
	for (int i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

/* A NULL-terminated copy of v in the dockerfile's memory. */
static const char **vec_keep(struct dockerfile *df, const struct vec *v)
{
	const char **a = df_alloc(df, sizeof(*a) * (size_t)(v->n + 1));

	if (!a)
		return NULL;
	for (int i = 0; i < v->n; i++)
		if (!(a[i] = df_strndup(df, v->v[i], strlen(v->v[i]))))
			return NULL;
	a[v->n] = NULL;
	return a;
}

/* ---- characters ---- */

/* Go's unicode.IsSpace at s: the length of the white-space character
 * there (1-3 bytes of UTF-8), or 0. */
static size_t uspace(const char *s, size_t n)
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

static void ltrim_u(const char **s, size_t *n)
{
	size_t k;

	while ((k = uspace(*s, *n))) {
		*s += k;
		*n -= k;
	}
}

static void rtrim_u(const char *s, size_t *n)
{
	for (;;) {
		if (*n >= 1 && uspace(s + *n - 1, 1))
			*n -= 1;
		else if (*n >= 2 && uspace(s + *n - 2, 2) == 2)
			*n -= 2;
		else if (*n >= 3 && uspace(s + *n - 3, 3) == 3)
			*n -= 3;
		else
			return;
	}
}

/* BuildKit's reWhitespace, [\t\v\f\r ]: what separates words in FROM,
 * EXPOSE, shell-form COPY/ADD/VOLUME and the legacy "ENV k v". */
static int wsre(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* unicode.IsSpace(rune(byte)): the byte-wise test BuildKit uses for flags
 * and HEALTHCHECK's type word. */
static int bspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
}

/* memmem for two bytes (memmem is a GNU extension). */
static const char *find2(const char *s, size_t n, const char *two)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == two[0] && s[i + 1] == two[1])
			return s + i;
	return NULL;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int eqi(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);

	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

/* ---- instruction table ---- */

static const struct {
	const char *name;
	enum df_kind kind;
} kinds[] = {
	{"from", DF_FROM}, {"run", DF_RUN}, {"cmd", DF_CMD},
	{"entrypoint", DF_ENTRYPOINT}, {"shell", DF_SHELL}, {"env", DF_ENV},
	{"arg", DF_ARG}, {"label", DF_LABEL}, {"workdir", DF_WORKDIR},
	{"user", DF_USER}, {"expose", DF_EXPOSE}, {"stopsignal", DF_STOPSIGNAL},
	{"healthcheck", DF_HEALTHCHECK}, {"copy", DF_COPY}, {"add", DF_ADD},
	{"volume", DF_VOLUME}, {"maintainer", DF_MAINTAINER},
	{"onbuild", DF_ONBUILD},
};

static const char *const names[] = {
	[DF_FROM] = "FROM", [DF_RUN] = "RUN", [DF_CMD] = "CMD",
	[DF_ENTRYPOINT] = "ENTRYPOINT", [DF_SHELL] = "SHELL", [DF_ENV] = "ENV",
	[DF_ARG] = "ARG", [DF_LABEL] = "LABEL", [DF_WORKDIR] = "WORKDIR",
	[DF_USER] = "USER", [DF_EXPOSE] = "EXPOSE", [DF_STOPSIGNAL] = "STOPSIGNAL",
	[DF_HEALTHCHECK] = "HEALTHCHECK", [DF_COPY] = "COPY", [DF_ADD] = "ADD",
	[DF_VOLUME] = "VOLUME", [DF_MAINTAINER] = "MAINTAINER",
	[DF_ONBUILD] = "ONBUILD",
};

const char *df_kind_name(enum df_kind kind)
{
	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

int df_kind_expands(enum df_kind kind)
{
	switch (kind) {
	case DF_ADD: case DF_COPY: case DF_ENV: case DF_EXPOSE: case DF_FROM:
	case DF_LABEL: case DF_STOPSIGNAL: case DF_USER: case DF_VOLUME:
	case DF_WORKDIR: case DF_ARG:
		return 1;
	default:
		return 0;
	}
}

/* The flags Docker knows per instruction. ok = 0: valid Docker that this
 * builder does not implement; refused by name (a boolean one only when
 * set true). */
enum { F_BOOL, F_STR, F_STRS };

static const struct {
	enum df_kind kind;
	const char *name;
	int type, ok;
} flagdefs[] = {
	{DF_FROM, "platform", F_STR, 0},
	{DF_RUN, "mount", F_STRS, 0}, {DF_RUN, "network", F_STR, 0},
	{DF_RUN, "security", F_STR, 0}, {DF_RUN, "device", F_STRS, 0},
	{DF_COPY, "chown", F_STR, 1}, {DF_COPY, "chmod", F_STR, 1},
	{DF_COPY, "from", F_STR, 0}, {DF_COPY, "link", F_BOOL, 0},
	{DF_COPY, "parents", F_BOOL, 0}, {DF_COPY, "exclude", F_STRS, 0},
	{DF_ADD, "chown", F_STR, 1}, {DF_ADD, "chmod", F_STR, 1},
	{DF_ADD, "link", F_BOOL, 0}, {DF_ADD, "keep-git-dir", F_BOOL, 0},
	{DF_ADD, "checksum", F_STR, 0}, {DF_ADD, "exclude", F_STRS, 0},
	{DF_ADD, "unpack", F_BOOL, 0},
	{DF_HEALTHCHECK, "interval", F_STR, 1}, {DF_HEALTHCHECK, "timeout", F_STR, 1},
	{DF_HEALTHCHECK, "start-period", F_STR, 1},
	{DF_HEALTHCHECK, "start-interval", F_STR, 1},
	{DF_HEALTHCHECK, "retries", F_STR, 1},
};

/* ---- parse context and errors ---- */

struct ctx {
	struct dockerfile *df;
	const char *name;
	int line;
	char *err;
	size_t errlen;
};


static int fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[512], line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%d: %s", c->name, c->line, msg);
	str_oneline(c->err, c->errlen, line);
	return -1;
}

static int oom(struct ctx *c)
{
	return fail(c, "out of memory");
}

static int warn(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int warn(struct ctx *c, const char *fmt, ...)
{
	struct dockerfile *df = c->df;
	char msg[512], line[640];
	va_list ap;
	const char *w;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%d: %s", c->name, c->line, msg);
	if (df->nwarnings == df->capwarn) {
		int cap = df->capwarn ? df->capwarn * 2 : 4;
		const char **nw = realloc(df->warnings, sizeof(*nw) * (size_t)cap);

		if (!nw)
			return oom(c);
		df->warnings = nw;
		df->capwarn = cap;
	}
	if (!(w = df_strndup(df, line, strlen(line))))
		return oom(c);
	df->warnings[df->nwarnings++] = w;
	return 0;
}

/* ---- JSON (exec form): Go's encoding/json, as far as a string array ---- */

struct json {
	const char *p, *end;
	int depth, nul;		/* nul: a \u0000 was seen */
};

static void json_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int json_hex4(struct json *j, unsigned *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(j->p[i]);

		if (h < 0)
			return -1;
		*v = *v * 16 + (unsigned)h;
	}
	j->p += 4;
	return 0;
}

static int put_utf8(struct str *s, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return str_put(s, b, n);
}

/* The length of a valid UTF-8 sequence at p (as Go decodes it), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		return n >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		return n >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
		       (p[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* A JSON string at j->p (the opening quote). Decoded into out when out is
 * not NULL. 0, -1 syntax error, -2 out of memory. */
static int json_string(struct json *j, struct str *out)
{
	j->p++;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '"') {
			j->p++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			unsigned cp, lo;
			char e;

			if (++j->p >= j->end)
				return -1;
			e = *j->p++;
			switch (e) {
			case '"': case '\\': case '/': cp = (unsigned char)e; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (json_hex4(j, &cp) < 0)
					return -1;
				if (cp >= 0xD800 && cp < 0xDC00) {
					/* A pair makes one character; a lone half is U+FFFD. */
					struct json save = *j;

					if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
						j->p += 2;
						if (json_hex4(j, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
							cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
							break;
						}
					}
					*j = save;
					cp = 0xFFFD;
				} else if (cp >= 0xDC00 && cp < 0xE000) {
					cp = 0xFFFD;
				}
				break;
			default:
				return -1;
			}
			if (cp == 0) {
				j->nul = 1;
				continue;
			}
			if (out && put_utf8(out, cp) < 0)
				return -2;
			continue;
		}
		/* Raw bytes; invalid UTF-8 becomes U+FFFD, as Go decodes it. */
		size_t k = utf8_len((const unsigned char *)j->p, (size_t)(j->end - j->p));

		if (!k) {
			if (out && put_utf8(out, 0xFFFD) < 0)
				return -2;
			j->p++;
		} else {
			if (out && str_put(out, j->p, k) < 0)
				return -2;
			j->p += k;
		}
	}
	return -1;
}

static int json_value(struct json *j);

static int json_digits(struct json *j)
{
	const char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : -1;
}

static int json_number(struct json *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (json_digits(j) < 0)
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (json_digits(j) < 0)
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (json_digits(j) < 0)
			return -1;
	}
	return 0;
}

static int json_word(struct json *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return -1;
	j->p += n;
	return 0;
}

/* Skip one value; -1 on a syntax error (-2 out of memory cannot happen). */
static int json_value(struct json *j)
{
	json_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '"':
		return json_string(j, NULL);
	case '[': case '{': {
		char close = *j->p == '[' ? ']' : '}';
		int obj = close == '}';

		if (++j->depth > JSON_DEPTH)
			return -1;
		j->p++;
		json_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return 0;
		}
		for (;;) {
			if (obj) {
				json_ws(j);
				if (j->p >= j->end || *j->p != '"' || json_string(j, NULL) == -1)
					return -1;
				json_ws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return -1;
			}
			if (json_value(j) < 0)
				return -1;
			json_ws(j);
			if (j->p >= j->end)
				return -1;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return -1;
			j->depth--;
			return 0;
		}
	}
	case 't':
		return json_word(j, "true");
	case 'f':
		return json_word(j, "false");
	case 'n':
		return json_word(j, "null");
	default:
		return json_number(j);
	}
}

/* BuildKit's parseJSON: rest (after leading blanks) must be exactly one
 * valid JSON value that is an array; its elements must all be strings.
 * 1: a string array, decoded into v; 0: not a JSON array (the shell form
 * applies); -1: a JSON array with something else than strings in it; -2:
 * out of memory; -3: a string holds \u0000. */
static int json_array(const char *s, size_t n, struct vec *v)
{
	struct json j = {s, s + n, 0, 0};

	ltrim_u(&j.p, &n);
	if (j.p >= j.end || *j.p != '[')
		return 0;
	if (json_value(&j) < 0)
		return 0;
	json_ws(&j);
	if (j.p != j.end)
		return 0;
	if (j.nul)
		return -3;
	/* Valid: now decode, element by element. */
	j.p = s;
	while (*j.p != '[')
		j.p++;
	j.p++;
	for (;;) {
		struct str e = {0};
		int r;

		json_ws(&j);
		if (*j.p == ']')
			return 1;
		if (*j.p == ',') {
			j.p++;
			json_ws(&j);
		}
		if (*j.p != '"')
			return -1;
		r = json_string(&j, &e);
		if (r == 0 && vec_push(v, e.p ? e.p : "", e.n) < 0)
			r = -2;
		free(e.p);
		if (r < 0)
			return r;
	}
}

/* ---- BuildKit's word splitters ---- */

/* parseWords (ENV, LABEL, ARG): words split at unquoted white space; quotes
 * and escapes stay in the words (they go when the word is expanded). An
 * escape character at the very end is dropped. */
static int parse_words(const char *s, size_t n, char esc, struct vec *out)
{
	enum { SP, WORD, QUOTE } ph = SP;
	struct str w = {0};
	char q = 0;
	int blank_ok = 0, r = -1;
	size_t pos = 0;

	for (;;) {
		size_t sp = pos < n ? uspace(s + pos, n - pos) : 0;
		char ch;

		if (ph == SP) {
			if (pos == n)
				break;
			if (sp) {
				pos += sp;
				continue;
			}
			ph = WORD;
		}
		if (pos == n) {
			if ((blank_ok || w.n) && vec_push(out, w.p ? w.p : "", w.n) < 0)
				goto out;
			break;
		}
		ch = s[pos];
		if (ph == WORD) {
			if (sp) {
				ph = SP;
				if ((blank_ok || w.n) && vec_push(out, w.p ? w.p : "", w.n) < 0)
					goto out;
				w.n = 0;
				blank_ok = 0;
				pos += sp;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				q = ch;
				blank_ok = 1;
				ph = QUOTE;
			}
			if (ch == esc) {
				if (pos + 1 == n) {
					pos++;
					continue;
				}
				if (str_putc(&w, ch) < 0)
					goto out;
				ch = s[++pos];
			}
			if (str_putc(&w, ch) < 0)
				goto out;
			pos++;
			continue;
		}
		if (ch == q)
			ph = WORD;
		if (ch == esc && q != '\'') {
			if (pos + 1 == n) {
				ph = WORD;
				pos++;
				continue;
			}
			if (str_putc(&w, ch) < 0)
				goto out;
			ch = s[++pos];
		}
		if (str_putc(&w, ch) < 0)
			goto out;
		pos++;
	}
	r = 0;
out:
	free(w.p);
	return r;
}

/* reWhitespace.Split: FROM, EXPOSE, shell-form COPY/ADD/VOLUME. */
static int split_ws(const char *s, size_t n, struct vec *out)
{
	size_t i = 0;

	if (!n)
		return 0;
	for (;;) {
		size_t st = i;

		while (i < n && !wsre(s[i]))
			i++;
		if (vec_push(out, s + st, i - st) < 0)
			return -1;
		if (i == n)
			return 0;
		while (i < n && wsre(s[i]))
			i++;
	}
}

/* extractBuilderFlags: the leading words that start with "--", quotes
 * removed and backslash escapes applied (always '\', whatever the escape
 * directive says); a bare "--" ends them. *rest is what follows. */
static int extract_flags(const char *s, size_t n, struct vec *flags,
			 const char **rest, size_t *restn)
{
	enum { SP, WORD, QUOTE } ph = SP;
	struct str w = {0};
	char q = 0;
	int blank_ok = 0, r = -1;
	size_t pos;

	*rest = s + n;
	*restn = 0;
	for (pos = 0; pos <= n; pos++) {
		char ch = pos < n ? s[pos] : 0;

		if (ph == SP) {
			if (pos == n)
				break;
			if (bspace((unsigned char)ch))
				continue;
			if (ch != '-' || pos + 1 == n || s[pos + 1] != '-') {
				*rest = s + pos;
				*restn = n - pos;
				break;
			}
			ph = WORD;
		}
		if (pos == n) {
			if (!(w.n == 2 && !memcmp(w.p, "--", 2)) && (blank_ok || w.n) &&
			    vec_push(flags, w.p ? w.p : "", w.n) < 0)
				goto out;
			break;
		}
		if (ph == WORD) {
			if (bspace((unsigned char)ch)) {
				ph = SP;
				if (w.n == 2 && !memcmp(w.p, "--", 2)) {
					*rest = s + pos;
					*restn = n - pos;
					break;
				}
				if ((blank_ok || w.n) && vec_push(flags, w.p ? w.p : "", w.n) < 0)
					goto out;
				w.n = 0;
				blank_ok = 0;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				q = ch;
				blank_ok = 1;
				ph = QUOTE;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == n)
					continue;
				ch = s[++pos];
			}
			if (str_putc(&w, ch) < 0)
				goto out;
			continue;
		}
		if (ch == q) {
			ph = WORD;
			continue;
		}
		if (ch == '\\') {
			if (pos + 1 == n) {
				ph = WORD;
				continue;
			}
			ch = s[++pos];
		}
		if (str_putc(&w, ch) < 0)
			goto out;
	}
	r = 0;
out:
	free(w.p);
	return r;
}

/* ---- values checked at parse time ---- */

/* Go's time.ParseDuration, in nanoseconds. */
static int go_duration(const char *s, long long *out)
{
	static const struct {
		const char *u;
		long long ns;
	} units[] = {
		{"ns", 1}, {"us", 1000}, {"\xC2\xB5s", 1000}, {"\xCE\xBCs", 1000},
		{"ms", 1000000}, {"s", 1000000000LL}, {"m", 60000000000LL},
		{"h", 3600000000000LL},
	};
	long long d = 0;
	int neg = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		unsigned long long v = 0, f = 0;
		double scale = 1;
		int pre = 0, post = 0;
		long long unit = 0;
		size_t ul = 0;

		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, pre = 1) {
			if (v > (unsigned long long)LLONG_MAX / 10)
				return -1;
			v = v * 10 + (unsigned)(*s - '0');
			if (v > (unsigned long long)LLONG_MAX)
				return -1;
		}
		if (*s == '.') {
			for (s++; *s >= '0' && *s <= '9'; s++, post = 1) {
				if (f > (unsigned long long)LLONG_MAX / 10)
					continue;	/* Go drops digits past precision too */
				f = f * 10 + (unsigned)(*s - '0');
				scale *= 10;
			}
		}
		if (!pre && !post)
			return -1;
		while (s[ul] && s[ul] != '.' && !(s[ul] >= '0' && s[ul] <= '9'))
			ul++;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].u) == ul && !memcmp(units[i].u, s, ul))
				unit = units[i].ns;
		if (!unit)
			return -1;
		s += ul;
		if (v > (unsigned long long)(LLONG_MAX / unit))
			return -1;
		v *= (unsigned long long)unit;
		if (f) {
			v += (unsigned long long)((double)f * ((double)unit / scale));
			if (v > (unsigned long long)LLONG_MAX)
				return -1;
		}
		if ((unsigned long long)d + v > (unsigned long long)LLONG_MAX)
			return -1;
		d += (long long)v;
	}
	*out = neg ? -d : d;
	return 0;
}

int df_port(const char *spec, struct df_port *port, char *err, size_t errlen)
{
	unsigned long lo = 0, hi;
	const char *s = spec, *slash = strchr(spec, '/');
	size_t plen = slash ? (size_t)(slash - spec) : strlen(spec);
	int digits = 0;

	memset(port, 0, sizeof(*port));
	for (; s < spec + plen && *s >= '0' && *s <= '9' && lo <= 65535; s++, digits++)
		lo = lo * 10 + (unsigned)(*s - '0');
	hi = lo;
	if (digits && s < spec + plen && *s == '-') {
		hi = 0;
		digits = 0;
		for (s++; s < spec + plen && *s >= '0' && *s <= '9' && hi <= 65535; s++, digits++)
			hi = hi * 10 + (unsigned)(*s - '0');
	}
	if (!digits || s != spec + plen || lo < 1 || lo > 65535 || hi > 65535 || hi < lo) {
		snprintf(err, errlen, "invalid port \"%s\"", spec);
		return -1;
	}
	if (slash && !eqi(slash + 1, strlen(slash + 1), "tcp")) {
		if (!eqi(slash + 1, strlen(slash + 1), "udp")) {
			snprintf(err, errlen, "unsupported protocol in \"%s\" (tcp or udp)", spec);
			return -1;
		}
		port->udp = 1;
	}
	port->lo = (unsigned short)lo;
	port->hi = (unsigned short)hi;
	return 0;
}

/* A word with nothing for df_expand to do: no $, quotes or escapes. */
static int literal(const char *s, char esc)
{
	return !strpbrk(s, "$'\"") && !strchr(s, esc) && !strchr(s, '\\');
}

/* ---- one instruction ---- */

struct line {
	const char *cmd, *args;	/* the keyword; the arguments after the flags */
	size_t cmdn, argsn;
	struct vec flags, words;
	struct vec kvs;		/* ENV, LABEL: key, value, key, value ... */
	int json;
};

static void line_free(struct line *l)
{
	vec_free(&l->flags);
	vec_free(&l->words);
	vec_free(&l->kvs);
}

/* parseNameVal: ENV and LABEL. The legacy form "ENV key value" (the first
 * word has no '=') takes the rest of the line as the value, spaces and
 * quotes included. */
static int name_val(struct ctx *c, struct line *l, const char *what)
{
	struct vec w = {0};
	int r = -1;

	if (parse_words(l->args, l->argsn, c->df->escape, &w) < 0) {
		oom(c);
		goto out;
	}
	if (!w.n) {
		r = 0;
		goto out;
	}
	if (!strchr(w.v[0], '=')) {
		size_t i = 0, j;

		while (i < l->argsn && !wsre(l->args[i]))
			i++;
		if (i == l->argsn) {
			fail(c, "%s must have two arguments", what);
			goto out;
		}
		for (j = i; j < l->argsn && wsre(l->args[j]); j++)
			;
		if (vec_push(&l->kvs, l->args, i) < 0 ||
		    vec_push(&l->kvs, l->args + j, l->argsn - j) < 0) {
			oom(c);
			goto out;
		}
		r = 0;
		goto out;
	}
	for (int i = 0; i < w.n; i++) {
		char *eq = strchr(w.v[i], '=');

		if (!eq) {
			fail(c, "%s: Syntax error - can't find = in \"%s\". Must be of the form: name=value",
			     what, w.v[i]);
			goto out;
		}
		if (vec_push(&l->kvs, w.v[i], (size_t)(eq - w.v[i])) < 0 ||
		    vec_push(&l->kvs, eq + 1, strlen(eq + 1)) < 0) {
			oom(c);
			goto out;
		}
	}
	r = 0;
out:
	vec_free(&w);
	return r;
}

/* parseMaybeJSON (RUN CMD ENTRYPOINT SHELL, HEALTHCHECK's command): a JSON
 * string array, else the whole text as one shell command line. */
static int maybe_json(struct ctx *c, const char *what, const char *s, size_t n,
		      struct vec *out, int *json)
{
	int r;

	*json = 0;
	if (!n)
		return 0;
	r = json_array(s, n, out);
	if (r == 1) {
		*json = 1;
		return 0;
	}
	if (r == -1)
		return fail(c, "%s: when using JSON array syntax, arrays must be comprised of strings only", what);
	if (r == -3)
		return fail(c, "%s: a JSON string may not contain \\u0000", what);
	if (r == -2 || vec_push(out, s, n) < 0)
		return oom(c);
	return 0;
}

/* parseMaybeJSONToList (COPY ADD VOLUME): a JSON string array, else words
 * split at white space (so a shell-form path cannot hold a space). */
static int maybe_json_list(struct ctx *c, const char *what, const char *s, size_t n,
			   struct vec *out, int *json)
{
	int r = json_array(s, n, out);

	*json = r == 1;
	if (r == 1)
		return 0;
	if (r == -1)
		return fail(c, "%s: when using JSON array syntax, arrays must be comprised of strings only", what);
	if (r == -3)
		return fail(c, "%s: a JSON string may not contain \\u0000", what);
	if (r == -2 || split_ws(s, n, out) < 0)
		return oom(c);
	return 0;
}

/* BuildKit reads a heredoc (<<EOF ... EOF) after RUN, COPY and ADD when a
 * word of the line is one; this builder does not take them. A word here is
 * split as the shell lexer splits it, quotes kept. */
static int has_heredoc(const char *s, size_t n)
{
	size_t i = 0;

	if (n < 3 || !find2(s, n, "<<"))
		return 0;
	while (i < n) {
		size_t st;
		char q = 0;

		while (i < n && bspace((unsigned char)s[i]))
			i++;
		st = i;
		while (i < n && (q || !bspace((unsigned char)s[i]))) {
			if (q) {
				if (s[i] == q)
					q = 0;
				else if (s[i] == '\\' && q == '"' && i + 1 < n)
					i++;
			} else if (s[i] == '\'' || s[i] == '"') {
				q = s[i];
			} else if (s[i] == '\\' && i + 1 < n) {
				i++;
			}
			i++;
		}
		/* ^[0-9]*<<-?[^<]+$ */
		size_t k = st;

		while (k < i && s[k] >= '0' && s[k] <= '9')
			k++;
		if (i - k >= 3 && s[k] == '<' && s[k + 1] == '<') {
			k += 2;
			if (k < i && s[k] == '-')
				k++;
			if (k < i && !memchr(s + k, '<', i - k))
				return 1;
		}
	}
	return 0;
}

static int stage_name_ok(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static int is_remote(const char *src)
{
	return strstr(src, "://") || !strncmp(src, "git@", 4);
}

/* BuildKit's BFlags.Parse for this instruction's flags, then this
 * builder's refusals. */
static int parse_flags(struct ctx *c, struct df_inst *in)
{
	const char *what = df_kind_name(in->kind);
	unsigned used = 0;

	for (int i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i] + 2, *eq = strchr(f, '=');
		size_t nl = eq ? (size_t)(eq - f) : strlen(f);
		const char *val = eq ? eq + 1 : "";
		int d = -1;

		for (size_t k = 0; k < sizeof(flagdefs) / sizeof(flagdefs[0]); k++)
			if (flagdefs[k].kind == in->kind && strlen(flagdefs[k].name) == nl &&
			    !memcmp(flagdefs[k].name, f, nl))
				d = (int)k;
		if (d < 0)
			return fail(c, "%s: unknown flag: --%.*s", what, (int)nl, f);
		if ((used & 1u << d) && flagdefs[d].type != F_STRS)
			return fail(c, "%s: duplicate flag specified: --%s", what, flagdefs[d].name);
		used |= 1u << d;
		if (flagdefs[d].type == F_BOOL) {
			int on;

			if (eq && !*val)
				return fail(c, "%s: missing a value on flag: --%s", what, flagdefs[d].name);
			if (!*val || eqi(val, strlen(val), "true"))
				on = 1;
			else if (eqi(val, strlen(val), "false"))
				on = 0;
			else
				return fail(c, "%s: expecting boolean value for flag --%s, not: %s",
					    what, flagdefs[d].name, val);
			if (on && !flagdefs[d].ok)
				return fail(c, "%s --%s is not supported by this builder", what,
					    flagdefs[d].name);
			continue;
		}
		if (!eq)
			return fail(c, "%s: missing a value on flag: --%s", what, flagdefs[d].name);
		if (!flagdefs[d].ok) {
			if (in->kind == DF_COPY && !strcmp(flagdefs[d].name, "from"))
				return fail(c, "COPY --from is not supported by this builder: copy from the "
					    "build context, or build that stage as an image of its own and "
					    "FROM it");
			return fail(c, "%s --%s is not supported by this builder", what,
				    flagdefs[d].name);
		}
		if (!*val)
			continue;	/* Docker: an empty value is no value */
		if (!strcmp(flagdefs[d].name, "chown")) {
			in->chown = val;
		} else if (!strcmp(flagdefs[d].name, "chmod")) {
			if (literal(val, c->df->escape) &&
			    (strlen(val) > 4 || strspn(val, "01234567") != strlen(val)))
				return fail(c, "%s --chmod=%s: only octal modes are supported", what, val);
			in->chmod = val;
		} else if (!strcmp(flagdefs[d].name, "retries")) {
			char *end;
			long long r;

			/* strconv.ParseInt(v, 10, 32): an optional sign, digits. */
			errno = 0;
			r = strtoll(val, &end, 10);
			if (*end || end == val || errno || r > INT_MAX || r < INT_MIN ||
			    (val[0] != '-' && val[0] != '+' && !(val[0] >= '0' && val[0] <= '9')))
				return fail(c, "HEALTHCHECK --retries: invalid number \"%s\"", val);
			if (r < 0)
				return fail(c, "HEALTHCHECK --retries cannot be negative (%lld)", r);
			in->retries = (int)r;
		} else {
			long long ns, *to = !strcmp(flagdefs[d].name, "interval") ? &in->interval_ns :
					    !strcmp(flagdefs[d].name, "timeout") ? &in->timeout_ns :
					    !strcmp(flagdefs[d].name, "start-period") ?
					    &in->start_period_ns : &in->start_interval_ns;

			if (go_duration(val, &ns) < 0)
				return fail(c, "HEALTHCHECK --%s: invalid duration \"%s\"",
					    flagdefs[d].name, val);
			if (ns != 0 && ns < 1000000)
				return fail(c, "HEALTHCHECK --%s cannot be less than 1ms",
					    flagdefs[d].name);
			*to = ns;
		}
	}
	return 0;
}

static int heredoc_kind(enum df_kind k)
{
	return k == DF_RUN || k == DF_COPY || k == DF_ADD;
}

/* The instruction's own rules (BuildKit's instructions package), on the
 * words the line parser produced. */
static int check_inst(struct ctx *c, struct line *l, struct df_inst *in)
{
	struct dockerfile *df = c->df;
	const char *what = df_kind_name(in->kind);
	int n = l->words.n;

	switch (in->kind) {
	case DF_ENV: case DF_LABEL:
		if (!l->kvs.n)
			return fail(c, "%s requires at least one argument", what);
		for (int i = 0; i < l->kvs.n; i += 2)
			if (!l->kvs.v[i][0])
				return fail(c, "%s names can not be blank", what);
		break;
	case DF_ARG:
		if (!n)
			return fail(c, "ARG requires at least one argument");
		/* "NAME" (no default) or "NAME=default", split at the first '='. */
		if (!(in->kv = df_alloc(df, sizeof(*in->kv) * (size_t)n)))
			return oom(c);
		for (int i = 0; i < n; i++) {
			const char *w = l->words.v[i], *eq = strchr(w, '=');

			if (eq == w)
				return fail(c, "ARG names can not be blank");
			in->kv[i].key = df_strndup(df, w, eq ? (size_t)(eq - w) : strlen(w));
			in->kv[i].value = eq ? df_strndup(df, eq + 1, strlen(eq + 1)) : NULL;
			if (!in->kv[i].key || (eq && !in->kv[i].value))
				return oom(c);
		}
		in->nkv = n;
		vec_free(&l->words);
		break;
	case DF_FROM:
		if (n == 3 && eqi(l->words.v[1], strlen(l->words.v[1]), "as")) {
			char *st = l->words.v[2];

			for (char *p = st; *p; p++)
				*p = lower(*p);
			if (!stage_name_ok(st))
				return fail(c, "FROM: invalid name for build stage: \"%s\", name can't "
					    "start with a number or contain symbols", st);
		} else if (n != 1) {
			return fail(c, "FROM requires either one or three arguments");
		}
		break;
	case DF_COPY: case DF_ADD:
		if (n < 2)
			return fail(c, "%s requires at least two arguments, but only one was provided. "
				    "Destination could not be determined", what);
		for (int i = 0; i < n - 1; i++) {
			const char *src = l->words.v[i];

			if (in->kind == DF_COPY && (!strncmp(src, "http://", 7) ||
						    !strncmp(src, "https://", 8)))
				return fail(c, "COPY: source can't be a URL for COPY");
			if (in->kind == DF_ADD && is_remote(src))
				return fail(c, "ADD %s: remote sources are not supported by this "
					    "builder (it builds offline): put the file in the build "
					    "context", src);
		}
		break;
	case DF_RUN:
		if (!n)
			return fail(c, "RUN requires at least one argument");
		break;
	case DF_SHELL:
		if (!n)
			return fail(c, "SHELL requires at least one argument");
		if (!l->json)
			return fail(c, "SHELL requires the arguments to be in JSON form");
		break;
	case DF_CMD: case DF_ENTRYPOINT:
		break;
	case DF_EXPOSE:
		if (!n)
			return fail(c, "EXPOSE requires at least one argument");
		for (int i = 0; i < n; i++) {
			struct df_port p;
			char why[128];

			if (literal(l->words.v[i], df->escape) &&
			    df_port(l->words.v[i], &p, why, sizeof(why)) < 0)
				return fail(c, "EXPOSE: %s", why);
		}
		break;
	case DF_VOLUME:
		if (!n)
			return fail(c, "VOLUME requires at least one argument");
		for (int i = 0; i < n; i++) {
			const char *v = l->words.v[i];
			size_t vn = strlen(v);

			ltrim_u(&v, &vn);
			rtrim_u(v, &vn);
			if (!vn)
				return fail(c, "VOLUME specified can not be an empty string");
			memmove(l->words.v[i], v, vn);
			l->words.v[i][vn] = '\0';
		}
		break;
	case DF_WORKDIR: case DF_USER: case DF_STOPSIGNAL: case DF_MAINTAINER:
		if (n != 1)
			return fail(c, "%s requires exactly one argument", what);
		break;
	case DF_HEALTHCHECK: {
		const char *typ;

		if (!n)
			return fail(c, "HEALTHCHECK requires at least one argument");
		typ = l->words.v[0];
		if (eqi(typ, strlen(typ), "none")) {
			if (n != 1)
				return fail(c, "HEALTHCHECK NONE takes no arguments");
			if (l->flags.n)
				return fail(c, "HEALTHCHECK NONE takes no options");
			in->health_none = 1;
		} else if (eqi(typ, strlen(typ), "cmd")) {
			if (n == 1)
				return fail(c, "HEALTHCHECK: Missing command after HEALTHCHECK CMD");
		} else {
			char up[64];
			size_t k;

			for (k = 0; typ[k] && k < sizeof(up) - 1; k++)
				up[k] = typ[k] >= 'a' && typ[k] <= 'z' ? (char)(typ[k] - 32) : typ[k];
			up[k] = '\0';
			return fail(c, "HEALTHCHECK: Unknown type \"%s\" in HEALTHCHECK (try CMD)", up);
		}
		free(l->words.v[0]);
		memmove(l->words.v, l->words.v + 1, sizeof(char *) * (size_t)(n - 1));
		l->words.n--;
		break;
	}
	case DF_ONBUILD:
		if (!n)
			return fail(c, "ONBUILD requires at least one argument");
		break;
	}
	if (heredoc_kind(in->kind) && !l->json && has_heredoc(l->args, l->argsn))
		return fail(c, "%s: heredocs (<<EOF) are not supported by this builder", what);
	return 0;
}

/* One logical line into *in. nested: an ONBUILD trigger. */
static int parse_inst(struct ctx *c, const char *text, size_t textn, struct df_inst *in,
		      int nested)
{
	struct dockerfile *df = c->df;
	struct line l = {0};
	const char *t = text, *what;
	size_t tn = textn, i, k;
	int r = -1, found = 0;

	memset(in, 0, sizeof(*in));
	in->retries = -1;
	in->line = in->end_line = c->line;
	if (!(in->text = df_strndup(df, text, textn)))
		return oom(c);
	/* splitCommand: the keyword, then the flags, then the arguments. */
	ltrim_u(&t, &tn);
	rtrim_u(t, &tn);
	for (i = 0; i < tn && !wsre(t[i]); i++)
		;
	l.cmd = t;
	l.cmdn = i;
	l.args = t + tn;
	if (i < tn) {
		while (i < tn && wsre(t[i]))
			i++;
		if (extract_flags(t + i, tn - i, &l.flags, &l.args, &l.argsn) < 0) {
			oom(c);
			goto out;
		}
		ltrim_u(&l.args, &l.argsn);
		rtrim_u(l.args, &l.argsn);
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && !found; k++)
		if (eqi(l.cmd, l.cmdn, kinds[k].name)) {
			in->kind = kinds[k].kind;
			found = 1;
		}
	if (!found) {
		fail(c, "unknown instruction: %.*s", (int)l.cmdn, l.cmd);
		goto out;
	}
	what = df_kind_name(in->kind);
	if (nested && in->kind == DF_ONBUILD) {
		fail(c, "ONBUILD: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
		goto out;
	}
	if (nested && (in->kind == DF_FROM || in->kind == DF_MAINTAINER)) {
		fail(c, "ONBUILD: %s isn't allowed as an ONBUILD trigger", what);
		goto out;
	}

	/* The line parser BuildKit dispatches to for this keyword. */
	switch (in->kind) {
	case DF_ADD: case DF_COPY: case DF_VOLUME:
		if (maybe_json_list(c, what, l.args, l.argsn, &l.words, &l.json) < 0)
			goto out;
		break;
	case DF_ARG:
		if (parse_words(l.args, l.argsn, df->escape, &l.words) < 0) {
			oom(c);
			goto out;
		}
		break;
	case DF_CMD: case DF_ENTRYPOINT: case DF_RUN: case DF_SHELL:
		if (maybe_json(c, what, l.args, l.argsn, &l.words, &l.json) < 0)
			goto out;
		break;
	case DF_ENV: case DF_LABEL:
		if (name_val(c, &l, what) < 0)
			goto out;
		break;
	case DF_EXPOSE: case DF_FROM:
		if (split_ws(l.args, l.argsn, &l.words) < 0) {
			oom(c);
			goto out;
		}
		break;
	case DF_HEALTHCHECK: {
		size_t sep = 0, next;

		while (sep < l.argsn && !bspace((unsigned char)l.args[sep]))
			sep++;
		for (next = sep; next < l.argsn && bspace((unsigned char)l.args[next]); next++)
			;
		if (!sep)
			break;
		if (vec_push(&l.words, l.args, sep) < 0) {
			oom(c);
			goto out;
		}
		if (maybe_json(c, what, l.args + next, l.argsn - next, &l.words, &l.json) < 0)
			goto out;
		break;
	}
	case DF_MAINTAINER: case DF_STOPSIGNAL: case DF_USER: case DF_WORKDIR:
		if (l.argsn && vec_push(&l.words, l.args, l.argsn) < 0) {
			oom(c);
			goto out;
		}
		break;
	case DF_ONBUILD: {
		/* The trigger is parsed as an instruction of its own; the
		 * expression kept is the line without "ONBUILD". */
		const char *e = in->text + (l.cmd - text) + l.cmdn;

		if (!l.argsn)
			break;
		if (!(in->trigger = df_alloc(df, sizeof(*in->trigger)))) {
			oom(c);
			goto out;
		}
		if (parse_inst(c, l.args, l.argsn, in->trigger, 1) < 0)
			goto out;
		while (*e == ' ' || (*e >= '\t' && *e <= '\r' && *e != '\v'))
			e++;
		if (vec_push(&l.words, e, strlen(e)) < 0) {
			oom(c);
			goto out;
		}
		break;
	}
	}

	if (check_inst(c, &l, in) < 0)
		goto out;
	if (!(in->flags = vec_keep(df, &l.flags)) || !(in->args = vec_keep(df, &l.words))) {
		oom(c);
		goto out;
	}
	in->nflags = l.flags.n;
	in->nargs = l.words.n;
	in->json = l.json;
	if (parse_flags(c, in) < 0)
		goto out;
	if (l.kvs.n) {
		in->nkv = l.kvs.n / 2;
		if (!(in->kv = df_alloc(df, sizeof(*in->kv) * (size_t)in->nkv))) {
			oom(c);
			goto out;
		}
		for (int e = 0; e < in->nkv; e++) {
			const char *k = l.kvs.v[2 * e], *v = l.kvs.v[2 * e + 1];

			in->kv[e].key = df_strndup(df, k, strlen(k));
			in->kv[e].value = df_strndup(df, v, strlen(v));
			if (!in->kv[e].key || !in->kv[e].value) {
				oom(c);
				goto out;
			}
		}
	}
	if (in->kind == DF_FROM) {
		in->image = in->args[0];
		in->stage = in->nargs == 3 ? in->args[2] : NULL;
	}
	r = 0;
out:
	line_free(&l);
	return r;
}

/* A parser directive line (leading blanks already gone)? 1 when it is one
 * (and handled), 0 when not (directives are over), -1 on error. Known:
 * escape, syntax, check; "#  key = value", key case-insensitive. */
static int directive(struct ctx *c, const char *s, size_t n, unsigned *seen)
{
	static const char *const known[] = {"escape", "syntax", "check"};
	const char *key, *val;
	size_t kn, vn, i = 1;
	int which = -1;

	if (!n || s[0] != '#')
		return 0;
	while (i < n && uspace(s + i, n - i))
		i += uspace(s + i, n - i);
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
		if (eqi(key, kn, known[k]))
			which = (int)k;
	if (which < 0)
		return 0;
	if (*seen & 1u << which)
		return fail(c, "only one %s parser directive can be used", known[which]);
	*seen |= 1u << which;
	if (which == 0) {
		if (vn != 1 || (val[0] != '\\' && val[0] != '`'))
			return fail(c, "invalid escape token '%.*s' does not match ` or \\",
				    (int)vn, val);
		c->df->escape = val[0];
	} else if (!(*(which == 1 ? &c->df->syntax : &c->df->check) =
			     df_strndup(c->df, val, vn))) {
		return oom(c);
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

static int add_inst(struct ctx *c, const struct df_inst *in)
{
	struct dockerfile *df = c->df;

	if (df->ninst == df->capinst) {
		int cap = df->capinst ? df->capinst * 2 : 16;
		struct df_inst *ni = realloc(df->inst, sizeof(*ni) * (size_t)cap);

		if (!ni)
			return oom(c);
		df->inst = ni;
		df->capinst = cap;
	}
	df->inst[df->ninst++] = *in;
	return 0;
}

int df_parse(struct dockerfile *df, const char *name, const char *buf,
	     size_t len, char *err, size_t errlen)
{
	struct ctx c = {df, name, 1, err, errlen};
	struct str line = {0};
	const char *s, *nul;
	size_t pos = 0, n;
	unsigned seen = 0;
	int lineno = 0, done = 0, have_from = 0;

	memset(df, 0, sizeof(*df));
	df->escape = '\\';
	if ((nul = memchr(buf, '\0', len))) {
		for (const char *p = buf; p < nul; p++)
			c.line += *p == '\n';
		fail(&c, "NUL byte in the file");
		goto fail;
	}
	while (next_line(buf, len, &pos, &s, &n)) {
		struct df_inst in;
		int cont, empty = 0;

		c.line = ++lineno;
		if (n > MAX_LINE) {
			fail(&c, "line greater than max allowed size of %d", MAX_LINE);
			goto fail;
		}
		if (lineno == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
			s += 3;
			n -= 3;
		}
		ltrim_u(&s, &n);
		if (!done) {
			int d = directive(&c, s, n, &seen);

			if (d < 0)
				goto fail;
			done = !d;
		}
		if (n && s[0] == '#')
			n = 0;		/* a comment; it does not continue */
		cont = continues(df->escape, s, &n);
		if (!cont && !n)
			continue;
		line.n = 0;
		if (str_put(&line, s, n) < 0)
			goto nomem;
		/* Continuation lines keep their leading blanks; comment lines
		 * in between vanish, blank ones too (BuildKit warns). */
		while (cont && next_line(buf, len, &pos, &s, &n)) {
			const char *t = s;
			size_t tn = n;

			lineno++;
			if (n > MAX_LINE) {
				c.line = lineno;
				fail(&c, "line greater than max allowed size of %d", MAX_LINE);
				goto fail;
			}
			ltrim_u(&t, &tn);
			if (tn && t[0] == '#')
				continue;
			if (!tn) {
				empty = 1;
				continue;
			}
			cont = continues(df->escape, s, &n);
			if (str_put(&line, s, n) < 0)
				goto nomem;
		}
		if (parse_inst(&c, line.p, line.n, &in, 0) < 0)
			goto fail;
		in.end_line = lineno;
		if (empty && warn(&c, "%s: empty continuation line (Docker warns; it will become "
				  "an error)", df_kind_name(in.kind)) < 0)
			goto fail;
		if (in.kind == DF_FROM)
			have_from = 1;
		else if (!have_from && in.kind != DF_ARG) {
			fail(&c, "%s before the first FROM (no build stage in current context)",
			     df_kind_name(in.kind));
			goto fail;
		}
		if (add_inst(&c, &in) < 0)
			goto fail;
	}
	c.line = lineno ? lineno : 1;
	if (!df->ninst) {
		fail(&c, "file with no instructions");
		goto fail;
	}
	if (!have_from) {
		fail(&c, "no FROM instruction: a Dockerfile must start a build stage");
		goto fail;
	}
	free(line.p);
	return 0;
nomem:
	oom(&c);
fail:
	free(line.p);
	df_free(df);
	return -1;
}

/* ---- variable substitution: BuildKit's shell lexer, one word ---- */

struct lex {
	const char *s;
	size_t n, i;
	char esc;
	df_lookup_fn lookup;
	void *ctx;
	char why[256];
	int depth;	/* ${ inside ${ ...: each one a call (lx_dollar) */
};

/* Deeper than any real word, well short of the stack's end. */
#define LX_MAX_NEST 100

static int lx_peek(const struct lex *L)
{
	return L->i < L->n ? (unsigned char)L->s[L->i] : -1;
}

static int lx_next(struct lex *L)
{
	return L->i < L->n ? (unsigned char)L->s[L->i++] : -1;
}

static int lx_fail(struct lex *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int lx_fail(struct lex *L, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(L->why, sizeof(L->why), fmt, ap);
	va_end(ap);
	return -1;
}

static int lx_oom(struct lex *L)
{
	return lx_fail(L, "out of memory");
}

static const char *lx_get(struct lex *L, const char *name, size_t n)
{
	return L->lookup ? L->lookup(L->ctx, name, n) : NULL;
}

struct words;
static int lx_stop(struct lex *L, int stop, int raw, struct str *out, struct words *W);

/* '...': everything literal up to the next quote. */
static int lx_single(struct lex *L, struct str *out)
{
	int ch;

	lx_next(L);
	for (;;) {
		ch = lx_next(L);
		if (ch < 0)
			return lx_fail(L, "unexpected end of statement while looking for matching single-quote");
		if (ch == '\'')
			return 0;
		if (str_putc(out, (char)ch) < 0)
			return lx_oom(L);
	}
}

static int lx_dollar(struct lex *L, struct str *out);

/* "...": $ expands; the escape character escapes only " $ and itself. */
static int lx_double(struct lex *L, int raw, struct str *out)
{
	lx_next(L);
	for (;;) {
		int ch = lx_peek(L);

		if (ch < 0)
			return lx_fail(L, "unexpected end of statement while looking for matching double-quote");
		if (ch == '"') {
			lx_next(L);
			return 0;
		}
		if (ch == '$') {
			if (lx_dollar(L, out) < 0)
				return -1;
			continue;
		}
		ch = lx_next(L);
		if (ch == L->esc) {
			int nx = lx_peek(L);

			if (raw && str_putc(out, (char)ch) < 0)
				return lx_oom(L);
			if (nx < 0)
				continue;
			if (nx == '"' || nx == '$' || nx == L->esc)
				ch = lx_next(L);
		}
		if (str_putc(out, (char)ch) < 0)
			return lx_oom(L);
	}
}

static int name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* processName: digits (a positional parameter), one special parameter
 * character (@ * # ? - $ !), or letters, digits and _. */
static void lx_name(struct lex *L, const char **name, size_t *len)
{
	int ch = lx_peek(L);

	*name = L->s + L->i;
	if (ch >= '0' && ch <= '9') {
		while ((ch = lx_peek(L)) >= '0' && ch <= '9')
			lx_next(L);
	} else if (ch >= 0 && strchr("@*#?-$!", ch)) {
		lx_next(L);
	} else {
		while (name_char(lx_peek(L)))
			lx_next(L);
	}
	*len = (size_t)(L->s + L->i - *name);
}

/* Shell patterns for # % and /: * and ? (not across a newline, like Go's
 * regexp '.'), \* \? \\ literal, \} and \/ are } and /. */
struct glob {
	int *t;
	size_t n;
};

#define G_STAR (-1)
#define G_ANY (-2)

static int glob_compile(struct lex *L, const char *p, size_t n, struct glob *g)
{
	g->n = 0;
	if (!(g->t = malloc(sizeof(int) * (n + 1))))
		return lx_oom(L);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '*') {
			g->t[g->n++] = G_STAR;
		} else if (p[i] == '?') {
			g->t[g->n++] = G_ANY;
		} else if (p[i] == '\\') {
			if (i + 1 < n && (p[i + 1] == '}' || p[i + 1] == '/'))
				continue;
			if (i + 1 >= n || !strchr("*?\\", p[i + 1])) {
				lx_fail(L, "invalid pattern (%.*s) in substitution: invalid escape '\\%c'",
					(int)n, p, i + 1 < n ? p[i + 1] : ' ');
				free(g->t);
				return -1;
			}
			g->t[g->n++] = (unsigned char)p[++i];
		} else {
			g->t[g->n++] = (unsigned char)p[i];
		}
	}
	return 0;
}

static size_t rune_len(const char *s, size_t n)
{
	size_t k = 1;

	while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
		k++;
	return k;
}

/* Whether g matches all of s[0..n). A table over (token, position). */
static int glob_match(const struct glob *g, const char *s, size_t n)
{
	size_t w = n + 1;
	unsigned char *m = calloc((g->n + 1) * w, 1);
	int r;

	if (!m)
		return 0;
	m[g->n * w + n] = 1;
	for (size_t ti = g->n; ti-- > 0;) {
		for (size_t j = n + 1; j-- > 0;) {
			int t = g->t[ti], ok = 0;
			size_t rl = j < n ? rune_len(s + j, n - j) : 0;

			if (t == G_STAR)
				ok = m[(ti + 1) * w + j] || (j < n && s[j] != '\n' && m[ti * w + j + rl]);
			else if (t == G_ANY)
				ok = j < n && s[j] != '\n' && m[(ti + 1) * w + j + rl];
			else
				ok = j < n && (unsigned char)s[j] == t && m[(ti + 1) * w + j + 1];
			m[ti * w + j] = (unsigned char)ok;
		}
	}
	r = m[0];
	free(m);
	return r;
}

/* ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat}. */
static int lx_trim(struct lex *L, int op, const char *v, const char *pat, size_t pn,
		   struct str *out)
{
	struct glob g;
	size_t n = strlen(v), keep_from = 0, keep_to = n;
	int greedy = pn && pat[0] == op, r = 0;

	if (greedy) {
		pat++;
		pn--;
	}
	if (glob_compile(L, pat, pn, &g) < 0)
		return -1;
	if (op == '#') {
		for (size_t k = 0; k <= n; k++) {
			size_t kk = greedy ? n - k : k;

			if (glob_match(&g, v, kk)) {
				keep_from = kk;
				break;
			}
		}
	} else {
		for (size_t k = 0; k <= n; k++) {
			size_t kk = greedy ? k : n - k;

			if (glob_match(&g, v + kk, n - kk)) {
				keep_to = kk;
				break;
			}
		}
	}
	free(g.t);
	if (str_put(out, v + keep_from, keep_to - keep_from) < 0)
		r = lx_oom(L);
	return r;
}

/* ${VAR/pat/rep} and ${VAR//pat/rep}: the leftmost match, longest at
 * that place; rep is taken literally. */
static int lx_replace(struct lex *L, int all, const char *v, const char *pat, size_t pn,
		      const char *rep, size_t rn, struct str *out)
{
	struct glob g;
	size_t n = strlen(v), i = 0, copied = 0;
	int last_end = -1;

	if (glob_compile(L, pat, pn, &g) < 0)
		return -1;
	while (i <= n) {
		size_t e;
		int found = 0;

		for (e = n + 1; e-- > i;)
			if (glob_match(&g, v + i, e - i)) {
				found = 1;
				break;
			}
		if (found && !(e == i && (int)i == last_end)) {
			if (str_put(out, v + copied, i - copied) < 0 || str_put(out, rep, rn) < 0)
				goto nomem;
			copied = e;
			last_end = (int)e;
			if (!all)
				break;
			if (e > i) {
				i = e;
				continue;
			}
		}
		if (i == n)
			break;
		i += rune_len(v + i, n - i);
	}
	free(g.t);
	if (str_put(out, v + copied, n - copied) < 0)
		return lx_oom(L);
	return 0;
nomem:
	free(g.t);
	return lx_oom(L);
}

/* processDollar: at '$'. */
static int lx_dollar_in(struct lex *L, struct str *out);

static int lx_dollar(struct lex *L, struct str *out)
{
	int r;

	if (L->depth >= LX_MAX_NEST)
		return lx_fail(L, "syntax error: ${...} nested more than %d deep", LX_MAX_NEST);
	L->depth++;
	r = lx_dollar_in(L, out);
	L->depth--;
	return r;
}

static int lx_dollar_in(struct lex *L, struct str *out)
{
	const char *name, *val;
	size_t nl;
	int ch, colon = 0, r = -1;
	struct str word = {0}, rep = {0};

	lx_next(L);
	if (lx_peek(L) != '{') {
		lx_name(L, &name, &nl);
		if (!nl)
			return str_putc(out, '$') < 0 ? lx_oom(L) : 0;
		val = lx_get(L, name, nl);
		return val && str_put(out, val, strlen(val)) < 0 ? lx_oom(L) : 0;
	}
	lx_next(L);
	ch = lx_peek(L);
	if (ch < 0)
		return lx_fail(L, "syntax error: missing '}'");
	if (ch == '{' || ch == '}' || ch == ':')
		return lx_fail(L, "syntax error: bad substitution");
	lx_name(L, &name, &nl);
	ch = lx_next(L);
	val = lx_get(L, name, nl);
	switch (ch) {
	case -1:
		return lx_fail(L, "syntax error: missing '}'");
	case '}':
		return val && str_put(out, val, strlen(val)) < 0 ? lx_oom(L) : 0;
	case ':':
		colon = 1;
		ch = lx_next(L);
		if (ch < 0)
			return lx_fail(L, "syntax error: missing '}'");
		if (ch != '-' && ch != '+' && ch != '?')
			return lx_fail(L, "unsupported modifier (:%c) in substitution", ch);
		/* fall through */
	case '-': case '+': case '?': case '#': case '%':
		if (lx_stop(L, '}', ch == '#' || ch == '%', &word, NULL) < 0) {
			if (lx_peek(L) < 0)
				lx_fail(L, "syntax error: missing '}'");
			goto out;
		}
		if (!word.p && str_put(&word, "", 0) < 0) {
			lx_oom(L);
			goto out;
		}
		if (ch == '-') {
			const char *use = (!val || (colon && !*val)) ? word.p : val;

			r = str_put(out, use, strlen(use)) < 0 ? lx_oom(L) : 0;
		} else if (ch == '+') {
			r = (val && !(colon && !*val) && str_put(out, word.p, word.n) < 0) ? lx_oom(L) : 0;
		} else if (ch == '?') {
			if (!val)
				lx_fail(L, "%.*s: %s", (int)nl, name,
					word.n ? word.p : "is not allowed to be unset");
			else if (colon && !*val)
				lx_fail(L, "%.*s: %s", (int)nl, name,
					word.n ? word.p : "is not allowed to be empty");
			else
				r = str_put(out, val, strlen(val)) < 0 ? lx_oom(L) : 0;
		} else {
			r = lx_trim(L, ch, val ? val : "", word.p, word.n, out);
		}
		goto out;
	case '/': {
		int all = lx_peek(L) == '/';

		if (all)
			lx_next(L);
		if (lx_stop(L, '/', 1, &word, NULL) < 0) {
			if (lx_peek(L) < 0)
				lx_fail(L, "syntax error: missing '/' in ${}");
			goto out;
		}
		if (lx_stop(L, '}', 1, &rep, NULL) < 0) {
			if (lx_peek(L) < 0)
				lx_fail(L, "syntax error: missing '}'");
			goto out;
		}
		r = lx_replace(L, all, val ? val : "", word.p ? word.p : "", word.n,
			       rep.p ? rep.p : "", rep.n, out);
		goto out;
	}
	default:
		return lx_fail(L, "unsupported modifier (%c) in substitution", ch);
	}
out:
	free(word.p);
	free(rep.p);
	return r;
}

/* ProcessWords' word splitting: text from variables splits at white
 * space, quoted and escaped text does not; empty words are dropped. */
struct words {
	struct vec v;
	struct str w;
	int in;
};

static int words_end(struct words *W)
{
	if (W->w.n && vec_push(&W->v, W->w.p, W->w.n) < 0)
		return -1;
	W->w.n = 0;
	W->in = 0;
	return 0;
}

static int words_raw(struct words *W, const char *p, size_t n)
{
	W->in = 1;
	return n ? str_put(&W->w, p, n) : 0;
}

/* Split text (from a variable, or plain characters) at white space. */
static int words_split(struct words *W, const char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t sp = uspace(p + i, n - i);

		if (sp) {
			if (W->in && W->w.n && words_end(W) < 0)
				return -1;
			i += sp;
		} else {
			if (words_raw(W, p + i, 1) < 0)
				return -1;
			i++;
		}
	}
	return 0;
}

/* processStopOn: up to stop (consumed) or, with stop -1, the end. raw:
 * escapes are kept in the result (for patterns). W: the top level of
 * df_expand_words, NULL otherwise. */
static int lx_stop(struct lex *L, int stop, int raw, struct str *out, struct words *W)
{
	for (;;) {
		int ch = lx_peek(L);
		size_t before = out->n, sp;
		int r;

		if (ch < 0)
			break;
		if (stop >= 0 && ch == stop) {
			lx_next(L);
			return 0;
		}
		if (ch == '$' || ch == '\'' || ch == '"') {
			const char *added;

			r = ch == '$' ? lx_dollar(L, out) : ch == '\'' ? lx_single(L, out) :
			    lx_double(L, raw, out);
			if (r < 0)
				return -1;
			/* Nothing put yet (an unset $X first): out->p is still NULL. */
			added = out->p ? out->p + before : "";
			if (W && (ch == '$' ? words_split(W, added, out->n - before) :
				  words_raw(W, added, out->n - before)) < 0)
				return lx_oom(L);
			continue;
		}
		if (W && ch != L->esc && (sp = uspace(L->s + L->i, L->n - L->i)) > 0) {
			/* Plain white space (perhaps a multi-byte one). */
			if (str_put(out, L->s + L->i, sp) < 0 ||
			    words_split(W, L->s + L->i, sp) < 0)
				return lx_oom(L);
			L->i += sp;
			continue;
		}
		ch = lx_next(L);
		if (ch == L->esc) {
			if (raw && str_putc(out, (char)ch) < 0)
				return lx_oom(L);
			ch = lx_next(L);
			if (ch < 0)
				break;
			if (str_putc(out, (char)ch) < 0 || (W && words_raw(W, out->p + out->n - 1, 1) < 0))
				return lx_oom(L);
			continue;
		}
		if (str_putc(out, (char)ch) < 0 || (W && words_raw(W, out->p + out->n - 1, 1) < 0))
			return lx_oom(L);
	}
	if (stop >= 0)
		return lx_fail(L, "unexpected end of statement while looking for matching %c", stop);
	return 0;
}

int df_expand(const char *word, char escape, df_lookup_fn lookup, void *ctx,
	      char **out, char *err, size_t errlen)
{
	struct lex L = {word, strlen(word), 0, escape, lookup, ctx, {0}, 0};
	struct str res = {0};

	*out = NULL;
	if (lx_stop(&L, -1, 0, &res, NULL) < 0) {
		free(res.p);
		char msg[600];

		snprintf(msg, sizeof(msg), "failed to process \"%s\": %s", word, L.why);
		str_oneline(err, errlen, msg);
		return -1;
	}
	if (!res.p && !(res.p = calloc(1, 1))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = res.p;
	return 0;
}

int df_expand_words(const char *word, char escape, df_lookup_fn lookup, void *ctx,
		    char ***words, int *nwords, char *err, size_t errlen)
{
	struct lex L = {word, strlen(word), 0, escape, lookup, ctx, {0}, 0};
	struct str res = {0};
	struct words W = {{0}, {0}, 0};
	size_t size;
	char **a, *p;
	int r = -1;

	*words = NULL;
	*nwords = 0;
	if (lx_stop(&L, -1, 0, &res, &W) < 0) {
		char msg[600];

		snprintf(msg, sizeof(msg), "failed to process \"%s\": %s", word, L.why);
		str_oneline(err, errlen, msg);
		goto out;
	}
	if (words_end(&W) < 0)
		goto nomem;
	size = sizeof(char *) * (size_t)(W.v.n + 1);
	for (int i = 0; i < W.v.n; i++)
		size += strlen(W.v.v[i]) + 1;
	if (!(a = malloc(size)))
		goto nomem;
	p = (char *)(a + W.v.n + 1);
	for (int i = 0; i < W.v.n; i++) {
		size_t n = strlen(W.v.v[i]) + 1;

		a[i] = memcpy(p, W.v.v[i], n);
		p += n;
	}
	a[W.v.n] = NULL;
	*words = a;
	*nwords = W.v.n;
	r = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	free(res.p);
	free(W.w.p);
	vec_free(&W.v);
	return r;
}
