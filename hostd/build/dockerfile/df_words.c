/* df_words: BuildKit's word splitters, on the text of one logical line:
 * parseWords (ENV LABEL ARG: quotes and escapes kept), reWhitespace.Split
 * (FROM EXPOSE, shell-form COPY ADD VOLUME), extractBuilderFlags (the
 * leading --flags, quotes removed), and the heredoc test of RUN COPY ADD.
 * Splits only; what the words mean is df_inst.c's and df_check.c's.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdlib.h>
#include <string.h>

/* The escape character at s[*pos] and what it escapes, both kept (the
 * word is expanded later); one at the very end is dropped. */
static int put_escape(struct str *w, const char *s, size_t n, size_t *pos)
{
	if (*pos + 1 == n) {
		++*pos;
		return 0;
	}
	if (str_putc(w, s[*pos]) < 0 || str_putc(w, s[*pos + 1]) < 0)
		return -1;
	*pos += 2;
	return 0;
}

/* parseWords (ENV, LABEL, ARG): words split at unquoted white space; quotes
 * and escapes stay in the words (they go when the word is expanded). An
 * escape character at the very end is dropped. */
int df_parse_words(const char *s, size_t n, char esc, struct strv *out)
{
	enum { SP, WORD, QUOTE } ph = SP;
	struct str w = {0};
	char q = 0;
	int blank_ok = 0, r = -1;
	size_t pos = 0;

	for (;;) {
		size_t sp = pos < n ? df_uspace(s + pos, n - pos) : 0;
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
			if ((blank_ok || w.n) && strv_addn(out, w.p ? w.p : "", w.n) < 0)
				goto out;
			break;
		}
		ch = s[pos];
		if (ph == WORD) {
			if (sp) {
				ph = SP;
				if ((blank_ok || w.n) && strv_addn(out, w.p ? w.p : "", w.n) < 0)
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
		} else if (ch == q) {
			ph = WORD;
		}
		/* Escapes count outside quotes and inside "..." only. */
		if (ch == esc && (ph == WORD || q != '\'')) {
			if (pos + 1 == n)
				ph = WORD;
			if (put_escape(&w, s, n, &pos) < 0)
				goto out;
			continue;
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
int df_split_ws(const char *s, size_t n, struct strv *out)
{
	size_t i = 0;

	if (!n)
		return 0;
	for (;;) {
		size_t st = i;

		while (i < n && !df_wsre(s[i]))
			i++;
		if (strv_addn(out, s + st, i - st) < 0)
			return -1;
		if (i == n)
			return 0;
		while (i < n && df_wsre(s[i]))
			i++;
	}
}

/* extractBuilderFlags: the leading words that start with "--", quotes
 * removed and backslash escapes applied (always '\', whatever the escape
 * directive says); a bare "--" ends them. *rest is what follows. */
int df_extract_flags(const char *s, size_t n, struct strv *flags,
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
			if (df_bspace((unsigned char)ch))
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
			    strv_addn(flags, w.p ? w.p : "", w.n) < 0)
				goto out;
			break;
		}
		if (ph == WORD) {
			if (df_bspace((unsigned char)ch)) {
				ph = SP;
				if (w.n == 2 && !memcmp(w.p, "--", 2)) {
					*rest = s + pos;
					*restn = n - pos;
					break;
				}
				if ((blank_ok || w.n) && strv_addn(flags, w.p ? w.p : "", w.n) < 0)
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

/* BuildKit reads a heredoc (<<EOF ... EOF) after RUN, COPY and ADD when a
 * word of the line is one; this builder does not take them. A word here is
 * split as the shell lexer splits it, quotes kept. */
int df_has_heredoc(const char *s, size_t n)
{
	size_t i = 0;

	if (n < 3 || !df_find2(s, n, "<<"))
		return 0;
	while (i < n) {
		size_t st;
		char q = 0;

		while (i < n && df_bspace((unsigned char)s[i]))
			i++;
		st = i;
		while (i < n && (q || !df_bspace((unsigned char)s[i]))) {
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
