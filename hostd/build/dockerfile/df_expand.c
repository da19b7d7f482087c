/* df_expand: variable substitution in one word, BuildKit's shell lexer
 * (ProcessWord / ProcessWords): quotes, the escape character, $VAR and
 * ${VAR...} with their modifiers (the patterns are df_glob.c's), and the
 * word splitting of df_expand_words. Values come only from the caller's
 * lookup; the result is one malloc'd string (or block). Nothing of the
 * struct dockerfile is used.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any real word, well short of the stack's end. */
#define LX_MAX_NEST 100

static int lx_peek(const struct df_lex *L)
{
	return L->i < L->n ? (unsigned char)L->s[L->i] : -1;
}

static int lx_next(struct df_lex *L)
{
	return L->i < L->n ? (unsigned char)L->s[L->i++] : -1;
}

int df_lx_fail(struct df_lex *L, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(L->why, sizeof(L->why), fmt, ap);
	va_end(ap);
	return -1;
}

static int lx_oom(struct df_lex *L)
{
	return df_lx_fail(L, "out of memory");
}

static const char *lx_get(struct df_lex *L, const char *name, size_t n)
{
	return L->lookup ? L->lookup(L->ctx, name, n) : NULL;
}

struct words;
static int lx_stop(struct df_lex *L, int stop, int raw, struct str *out, struct words *W);

/* '...': everything literal up to the next quote. */
static int lx_single(struct df_lex *L, struct str *out)
{
	int ch;

	lx_next(L);
	for (;;) {
		ch = lx_next(L);
		if (ch < 0)
			return df_lx_fail(L, "unexpected end of statement while looking for matching single-quote");
		if (ch == '\'')
			return 0;
		if (str_putc(out, (char)ch) < 0)
			return lx_oom(L);
	}
}

static int lx_dollar(struct df_lex *L, struct str *out);

/* "...": $ expands; the escape character escapes only " $ and itself. */
static int lx_double(struct df_lex *L, int raw, struct str *out)
{
	lx_next(L);
	for (;;) {
		int ch = lx_peek(L);

		if (ch < 0)
			return df_lx_fail(L, "unexpected end of statement while looking for matching double-quote");
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
static void lx_name(struct df_lex *L, const char **name, size_t *len)
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

/* processDollar: at '$'. */
static int lx_dollar_in(struct df_lex *L, struct str *out);

static int lx_dollar(struct df_lex *L, struct str *out)
{
	int r;

	if (L->depth >= LX_MAX_NEST)
		return df_lx_fail(L, "syntax error: ${...} nested more than %d deep", LX_MAX_NEST);
	L->depth++;
	r = lx_dollar_in(L, out);
	L->depth--;
	return r;
}

static int lx_dollar_in(struct df_lex *L, struct str *out)
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
		return df_lx_fail(L, "syntax error: missing '}'");
	if (ch == '{' || ch == '}' || ch == ':')
		return df_lx_fail(L, "syntax error: bad substitution");
	lx_name(L, &name, &nl);
	ch = lx_next(L);
	val = lx_get(L, name, nl);
	switch (ch) {
	case -1:
		return df_lx_fail(L, "syntax error: missing '}'");
	case '}':
		return val && str_put(out, val, strlen(val)) < 0 ? lx_oom(L) : 0;
	case ':':
		colon = 1;
		ch = lx_next(L);
		if (ch < 0)
			return df_lx_fail(L, "syntax error: missing '}'");
		if (ch != '-' && ch != '+' && ch != '?')
			return df_lx_fail(L, "unsupported modifier (:%c) in substitution", ch);
		/* fall through */
	case '-': case '+': case '?': case '#': case '%':
		if (lx_stop(L, '}', ch == '#' || ch == '%', &word, NULL) < 0) {
			if (lx_peek(L) < 0)
				df_lx_fail(L, "syntax error: missing '}'");
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
				df_lx_fail(L, "%.*s: %s", (int)nl, name,
					word.n ? word.p : "is not allowed to be unset");
			else if (colon && !*val)
				df_lx_fail(L, "%.*s: %s", (int)nl, name,
					word.n ? word.p : "is not allowed to be empty");
			else
				r = str_put(out, val, strlen(val)) < 0 ? lx_oom(L) : 0;
		} else {
			r = df_lx_trim(L, ch, val ? val : "", word.p, word.n, out);
		}
		goto out;
	case '/': {
		int all = lx_peek(L) == '/';

		if (all)
			lx_next(L);
		if (lx_stop(L, '/', 1, &word, NULL) < 0) {
			if (lx_peek(L) < 0)
				df_lx_fail(L, "syntax error: missing '/' in ${}");
			goto out;
		}
		if (lx_stop(L, '}', 1, &rep, NULL) < 0) {
			if (lx_peek(L) < 0)
				df_lx_fail(L, "syntax error: missing '}'");
			goto out;
		}
		r = df_lx_replace(L, all, val ? val : "", word.p ? word.p : "", word.n,
			       rep.p ? rep.p : "", rep.n, out);
		goto out;
	}
	default:
		return df_lx_fail(L, "unsupported modifier (%c) in substitution", ch);
	}
out:
	free(word.p);
	free(rep.p);
	return r;
}

/* ProcessWords' word splitting: text from variables splits at white
 * space, quoted and escaped text does not; empty words are dropped. */
struct words {
	struct strv v;
	struct str w;
	int in;
};

static int words_end(struct words *W)
{
	if (W->w.n && strv_addn(&W->v, W->w.p, W->w.n) < 0)
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
		size_t sp = df_uspace(p + i, n - i);

		if (sp) {
			if (W->in && W->w.n && words_end(W) < 0)
				return -1;
			i += sp;
		} else {
			size_t run = 1;	/* up to the next white space, at once */

			while (i + run < n && !df_uspace(p + i + run, n - i - run))
				run++;
			if (words_raw(W, p + i, run) < 0)
				return -1;
			i += run;
		}
	}
	return 0;
}

/* processStopOn: up to stop (consumed) or, with stop -1, the end. raw:
 * escapes are kept in the result (for patterns). W: the top level of
 * df_expand_words, NULL otherwise. */
static int lx_stop(struct df_lex *L, int stop, int raw, struct str *out, struct words *W)
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
		if (W && ch != L->esc && (sp = df_uspace(L->s + L->i, L->n - L->i)) > 0) {
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
		return df_lx_fail(L, "unexpected end of statement while looking for matching %c", stop);
	return 0;
}

int df_expand(const char *word, char escape, df_lookup_fn lookup, void *ctx,
	      char **out, char *err, size_t errlen)
{
	struct df_lex L = {word, strlen(word), 0, escape, lookup, ctx, {0}, 0};
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
	struct df_lex L = {word, strlen(word), 0, escape, lookup, ctx, {0}, 0};
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
	strv_free(&W.v);
	return r;
}
