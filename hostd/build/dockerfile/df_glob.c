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

/* g against parts of s[0..n), every part at once, in time g->n times the
 * part's length (not once per part). A * or ? takes one rune: the byte
 * and the continuation bytes after it, cut at the part's end (so a part
 * that ends inside a rune sees a shorter rune there). */
struct gm {
	const struct glob *g;
	const char *s;
	size_t n, w;		/* w = g->n + 1, a row of T */
	unsigned char *T;	/* T[j * w + t]: token t at position j */
	unsigned char *tail;	/* tail[t]: tokens t.. are all stars */
	size_t *rl;		/* the rune length at j, to the end of s */
	int *cut;		/* gm_from: ends reached inside a rune (differences) */
	unsigned char *end;	/* gm_from: end[e]: g matches s[i..e);
				 * gm_suffix: end[j]: g matches s[j..n) */
};

static void gm_free(struct gm *m)
{
	free(m->T);
	free(m->tail);
	free(m->rl);
	free(m->cut);
	free(m->end);
}

static int gm_init(struct gm *m, const struct glob *g, const char *s, size_t n)
{
	m->g = g;
	m->s = s;
	m->n = n;
	m->w = g->n + 1;
	m->T = malloc((n + 1) * m->w);
	m->tail = malloc(m->w);
	m->rl = malloc(sizeof(*m->rl) * (n + 1));
	m->cut = malloc(sizeof(*m->cut) * (n + 2));
	m->end = malloc(n + 1);
	if (!m->T || !m->tail || !m->rl || !m->cut || !m->end) {
		gm_free(m);
		return -1;
	}
	m->tail[g->n] = 1;
	for (size_t t = g->n; t-- > 0;)
		m->tail[t] = m->tail[t + 1] && g->t[t] == G_STAR;
	for (size_t j = n; j-- > 0;)
		m->rl[j] = j + 1 < n && ((unsigned char)s[j + 1] & 0xC0) == 0x80 ? m->rl[j + 1] + 1 : 1;
	return 0;
}

/* The steps out of position j (its row closed over the stars). */
static void gm_step(struct gm *m, size_t j)
{
	const unsigned char *row = m->T + j * m->w;
	size_t k = m->rl[j];

	for (size_t t = 0; t < m->g->n; t++) {
		int tok = m->g->t[t];

		if (!row[t])
			continue;
		if (tok >= 0) {
			if ((unsigned char)m->s[j] == tok)
				m->T[(j + 1) * m->w + t + 1] = 1;
			continue;
		}
		if (m->s[j] == '\n')
			continue;
		m->T[(j + k) * m->w + (tok == G_STAR ? t : t + 1)] = 1;
		/* A part that ends inside this rune: the rune is cut there,
		 * then the tokens after this one must match nothing. */
		if (k > 1 && m->tail[t + 1]) {
			m->cut[j + 1]++;
			m->cut[j + k]--;
		}
	}
}

/* m->end[e] for the parts s[i..e), e from i to n. */
static void gm_from(struct gm *m, size_t i)
{
	int cut = 0;

	memset(m->T + i * m->w, 0, (m->n + 1 - i) * m->w);
	memset(m->cut + i, 0, sizeof(*m->cut) * (m->n + 2 - i));
	m->T[i * m->w] = 1;
	for (size_t j = i; j <= m->n; j++) {
		unsigned char *row = m->T + j * m->w;

		for (size_t t = 0; t < m->g->n; t++)
			if (row[t] && m->g->t[t] == G_STAR)
				row[t + 1] = 1;
		cut += m->cut[j];
		m->end[j] = row[m->g->n] || cut > 0;
		if (j < m->n)
			gm_step(m, j);
	}
}

/* m->end[j] for the parts s[j..n): a table over (position, token), from
 * the end. */
static void gm_suffix(struct gm *m)
{
	size_t n = m->n, w = m->w;

	for (size_t j = 0; j <= n; j++)
		m->T[j * w + m->g->n] = j == n;
	for (size_t t = m->g->n; t-- > 0;) {
		for (size_t j = n + 1; j-- > 0;) {
			int tok = m->g->t[t], ok;
			size_t rl = j < n ? m->rl[j] : 0;

			if (tok == G_STAR)
				ok = m->T[j * w + t + 1] || (j < n && m->s[j] != '\n' && m->T[(j + rl) * w + t]);
			else if (tok == G_ANY)
				ok = j < n && m->s[j] != '\n' && m->T[(j + rl) * w + t + 1];
			else
				ok = j < n && (unsigned char)m->s[j] == tok && m->T[(j + 1) * w + t + 1];
			m->T[j * w + t] = (unsigned char)ok;
		}
	}
	for (size_t j = 0; j <= n; j++)
		m->end[j] = m->T[j * w];
}

/* ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat}. */
int df_lx_trim(struct df_lex *L, int op, const char *v, const char *pat, size_t pn,
	       struct str *out)
{
	struct glob g;
	struct gm m;
	size_t n = strlen(v), keep_from = 0, keep_to = n;
	int greedy = pn && pat[0] == op, r = 0;

	if (greedy) {
		pat++;
		pn--;
	}
	if (glob_compile(L, pat, pn, &g) < 0)
		return -1;
	if (gm_init(&m, &g, v, n) < 0) {
		free(g.t);
		return lx_oom(L);
	}
	if (op == '#')
		gm_from(&m, 0);		/* end[k]: a match of v[0..k) */
	else
		gm_suffix(&m);		/* end[k]: a match of v[k..n) */
	for (size_t k = 0; k <= n; k++) {
		size_t kk = (op == '#') == greedy ? n - k : k;

		if (m.end[kk]) {
			*(op == '#' ? &keep_from : &keep_to) = kk;
			break;
		}
	}
	gm_free(&m);
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
	struct gm m;
	size_t n = strlen(v), i = 0, copied = 0;
	int last_end = -1, r = 0;

	if (glob_compile(L, pat, pn, &g) < 0)
		return -1;
	if (gm_init(&m, &g, v, n) < 0) {
		free(g.t);
		return lx_oom(L);
	}
	while (i <= n) {
		size_t e;
		int found = 0;

		gm_from(&m, i);
		for (e = n + 1; e-- > i;)
			if (m.end[e]) {
				found = 1;
				break;
			}
		if (found && !(e == i && (int)i == last_end)) {
			if (str_put(out, v + copied, i - copied) < 0 || str_put(out, rep, rn) < 0) {
				r = -1;
				break;
			}
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
		i += m.rl[i];
	}
	gm_free(&m);
	free(g.t);
	if (r < 0 || str_put(out, v + copied, n - copied) < 0)
		return lx_oom(L);
	return 0;
}
