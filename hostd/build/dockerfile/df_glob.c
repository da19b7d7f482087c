/* df_glob: the shell patterns of ${VAR#pat} ${VAR##pat} ${VAR%pat}
 * ${VAR%%pat}, ${VAR/pat/rep} and ${VAR//pat/rep}, as BuildKit's shell
 * lexer turns them into Go regular expressions: * and ? (not across a
 * newline, like Go's regexp '.'), \* \? \\ literal, \} and \/ are } and
 * /. The value and the pattern come from df_expand.c; this file only
 * matches and writes the result into out.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdlib.h>
#include <string.h>

static int lx_oom(struct df_lex *L)
{
	return df_lx_fail(L, "out of memory");
}

/* Shell patterns for # % and /: * and ? (not across a newline, like Go's
 * regexp '.'), \* \? \\ literal, \} and \/ are } and /. */
struct glob {
	int *t;
	size_t n;
};

#define G_STAR (-1)
#define G_ANY (-2)

static int glob_compile(struct df_lex *L, const char *p, size_t n, struct glob *g)
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
				df_lx_fail(L, "invalid pattern (%.*s) in substitution: invalid escape '\\%c'",
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
int df_lx_trim(struct df_lex *L, int op, const char *v, const char *pat, size_t pn,
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
int df_lx_replace(struct df_lex *L, int all, const char *v, const char *pat, size_t pn,
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

