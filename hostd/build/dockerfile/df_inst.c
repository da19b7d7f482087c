/* df_inst: one logical line into a struct df_inst. The keyword picks a
 * row of the per-kind table: its name, whether Docker substitutes
 * variables in it, the line parser BuildKit dispatches to for it (JSON or
 * shell form, words, name=value pairs, the rest of the line, ONBUILD's
 * trigger), its checker (df_check.c) and whether a heredoc is refused.
 * Then the flags (df_flags.c), and what is kept goes into the
 * dockerfile's memory. Knows nothing of lines around this one.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <string.h>

/* parseNameVal: ENV and LABEL. The legacy form "ENV key value" (the first
 * word has no '=') takes the rest of the line as the value, spaces and
 * quotes included. */
static int name_val(struct df_ctx *c, struct df_line *l, const char *what)
{
	struct strv w = {0};
	int r = -1;

	if (df_parse_words(l->args, l->argsn, c->df->escape, &w) < 0) {
		df_oom(c);
		goto out;
	}
	if (!w.n) {
		r = 0;
		goto out;
	}
	if (!strchr(w.v[0], '=')) {
		size_t i = 0, j;

		while (i < l->argsn && !df_wsre(l->args[i]))
			i++;
		if (i == l->argsn) {
			df_fail(c, "%s must have two arguments", what);
			goto out;
		}
		for (j = i; j < l->argsn && df_wsre(l->args[j]); j++)
			;
		if (strv_addn(&l->kvs, l->args, i) < 0 ||
		    strv_addn(&l->kvs, l->args + j, l->argsn - j) < 0) {
			df_oom(c);
			goto out;
		}
		r = 0;
		goto out;
	}
	for (int i = 0; i < w.n; i++) {
		char *eq = strchr(w.v[i], '=');

		if (!eq) {
			df_fail(c, "%s: Syntax error - can't find = in \"%s\". Must be of the form: name=value",
			     what, w.v[i]);
			goto out;
		}
		if (strv_addn(&l->kvs, w.v[i], (size_t)(eq - w.v[i])) < 0 ||
		    strv_addn(&l->kvs, eq + 1, strlen(eq + 1)) < 0) {
			df_oom(c);
			goto out;
		}
	}
	r = 0;
out:
	strv_free(&w);
	return r;
}

/* parseMaybeJSON (RUN CMD ENTRYPOINT SHELL, HEALTHCHECK's command): a JSON
 * string array, else the whole text as one shell command line. With list
 * (parseMaybeJSONToList: COPY ADD VOLUME), else words split at white
 * space (so a shell-form path cannot hold a space). */
static int maybe_json(struct df_ctx *c, const char *what, const char *s, size_t n,
		      struct strv *out, int *json, int list)
{
	int r;

	*json = 0;
	if (!n && !list)
		return 0;
	r = df_json_array(s, n, out);
	if (r == 1) {
		*json = 1;
		return 0;
	}
	if (r == -1)
		return df_fail(c, "%s: when using JSON array syntax, arrays must be comprised of strings only", what);
	if (r == -3)
		return df_fail(c, "%s: a JSON string may not contain \\u0000", what);
	if (r == -2 || (list ? df_split_ws(s, n, out) : strv_addn(out, s, n)) < 0)
		return df_oom(c);
	return 0;
}

/* ---- the line parsers of the table: the words of l from l->args ---- */

/* COPY ADD VOLUME */
static int line_list(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	return maybe_json(c, df_kind_name(in->kind), l->args, l->argsn, &l->words, &l->json, 1);
}

/* ARG */
static int line_words(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	(void)in;
	if (df_parse_words(l->args, l->argsn, c->df->escape, &l->words) < 0)
		return df_oom(c);
	return 0;
}

/* CMD ENTRYPOINT RUN SHELL */
static int line_json(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	return maybe_json(c, df_kind_name(in->kind), l->args, l->argsn, &l->words, &l->json, 0);
}

/* ENV LABEL */
static int line_kv(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	return name_val(c, l, df_kind_name(in->kind));
}

/* EXPOSE FROM */
static int line_split(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	(void)in;
	if (df_split_ws(l->args, l->argsn, &l->words) < 0)
		return df_oom(c);
	return 0;
}

/* HEALTHCHECK: the type word, then (CMD) the command. */
static int line_health(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	size_t sep = 0, next;

	while (sep < l->argsn && !df_bspace((unsigned char)l->args[sep]))
		sep++;
	for (next = sep; next < l->argsn && df_bspace((unsigned char)l->args[next]); next++)
		;
	if (!sep)
		return 0;
	if (strv_addn(&l->words, l->args, sep) < 0)
		return df_oom(c);
	return maybe_json(c, df_kind_name(in->kind), l->args + next, l->argsn - next,
			  &l->words, &l->json, 0);
}

/* MAINTAINER STOPSIGNAL USER WORKDIR: the rest of the line. */
static int line_rest(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	(void)in;
	if (l->argsn && strv_addn(&l->words, l->args, l->argsn) < 0)
		return df_oom(c);
	return 0;
}

/* ONBUILD: the trigger is parsed as an instruction of its own; the
 * expression kept is the line without "ONBUILD". */
static int line_onbuild(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	const char *e = in->text + (l->cmd - l->text) + l->cmdn;

	if (!l->argsn)
		return 0;
	if (!(in->trigger = arena_alloc(&c->df->mem, sizeof(*in->trigger))))
		return df_oom(c);
	if (df_parse_inst(c, l->args, l->argsn, in->trigger, 1) < 0)
		return -1;
	while (*e == ' ' || (*e >= '\t' && *e <= '\r' && *e != '\v'))
		e++;
	if (strv_addn(&l->words, e, strlen(e)) < 0)
		return df_oom(c);
	return 0;
}

/* ---- the per-kind table ---- */

typedef int (*inst_fn)(struct df_ctx *c, struct df_line *l, struct df_inst *in);

static const struct kind {
	const char *name;
	int expands;	/* Docker substitutes variables in its words */
	int heredoc;	/* BuildKit would read a heredoc after it; refused */
	inst_fn line, check;
} kinds[] = {
	[DF_FROM] = {"FROM", 1, 0, line_split, df_check_from},
	[DF_RUN] = {"RUN", 0, 1, line_json, df_check_some},
	[DF_CMD] = {"CMD", 0, 0, line_json, df_check_none},
	[DF_ENTRYPOINT] = {"ENTRYPOINT", 0, 0, line_json, df_check_none},
	[DF_SHELL] = {"SHELL", 0, 0, line_json, df_check_shell},
	[DF_ENV] = {"ENV", 1, 0, line_kv, df_check_kv},
	[DF_ARG] = {"ARG", 1, 0, line_words, df_check_arg},
	[DF_LABEL] = {"LABEL", 1, 0, line_kv, df_check_kv},
	[DF_WORKDIR] = {"WORKDIR", 1, 0, line_rest, df_check_one},
	[DF_USER] = {"USER", 1, 0, line_rest, df_check_one},
	[DF_EXPOSE] = {"EXPOSE", 1, 0, line_split, df_check_expose},
	[DF_STOPSIGNAL] = {"STOPSIGNAL", 1, 0, line_rest, df_check_one},
	[DF_HEALTHCHECK] = {"HEALTHCHECK", 0, 0, line_health, df_check_health},
	[DF_COPY] = {"COPY", 1, 1, line_list, df_check_copy},
	[DF_ADD] = {"ADD", 1, 1, line_list, df_check_copy},
	[DF_VOLUME] = {"VOLUME", 1, 0, line_list, df_check_volume},
	[DF_MAINTAINER] = {"MAINTAINER", 0, 0, line_rest, df_check_one},
	[DF_ONBUILD] = {"ONBUILD", 0, 0, line_onbuild, df_check_some},
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *df_kind_name(enum df_kind kind)
{
	return (unsigned)kind < NKINDS ? kinds[kind].name : "?";
}

int df_kind_expands(enum df_kind kind)
{
	return (unsigned)kind < NKINDS && kinds[kind].expands;
}

/* ---- one instruction ---- */

static void line_free(struct df_line *l)
{
	strv_free(&l->flags);
	strv_free(&l->words);
	strv_free(&l->kvs);
}

/* splitCommand: the keyword, then the flags, then the arguments; the
 * keyword's kind into in->kind. */
static int split_command(struct df_ctx *c, struct df_line *l, struct df_inst *in, int nested)
{
	const char *t = l->text;
	size_t tn = l->textn, i;
	int found = 0;

	df_ltrim(&t, &tn);
	df_rtrim(t, &tn);
	for (i = 0; i < tn && !df_wsre(t[i]); i++)
		;
	l->cmd = t;
	l->cmdn = i;
	l->args = t + tn;
	if (i < tn) {
		while (i < tn && df_wsre(t[i]))
			i++;
		if (df_extract_flags(t + i, tn - i, &l->flags, &l->args, &l->argsn) < 0)
			return df_oom(c);
		df_ltrim(&l->args, &l->argsn);
		df_rtrim(l->args, &l->argsn);
	}
	for (size_t k = 0; k < NKINDS && !found; k++)
		if (df_eqi(l->cmd, l->cmdn, kinds[k].name)) {
			in->kind = (enum df_kind)k;
			found = 1;
		}
	if (!found)
		return df_fail(c, "unknown instruction: %.*s", (int)l->cmdn, l->cmd);
	if (nested && in->kind == DF_ONBUILD)
		return df_fail(c, "ONBUILD: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	if (nested && (in->kind == DF_FROM || in->kind == DF_MAINTAINER))
		return df_fail(c, "ONBUILD: %s isn't allowed as an ONBUILD trigger",
			       df_kind_name(in->kind));
	return 0;
}

/* What the line parser and the checker left, into the dockerfile's
 * memory. */
static int keep(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	struct dockerfile *df = c->df;

	if (!(in->flags = df_keep(df, &l->flags)) || !(in->args = df_keep(df, &l->words)))
		return df_oom(c);
	in->nflags = l->flags.n;
	in->nargs = l->words.n;
	in->json = l->json;
	if (df_parse_flags(c, in) < 0)
		return -1;
	if (l->kvs.n) {
		in->nkv = l->kvs.n / 2;
		if (!(in->kv = arena_alloc(&df->mem, sizeof(*in->kv) * (size_t)in->nkv)))
			return df_oom(c);
		for (int e = 0; e < in->nkv; e++) {
			const char *k = l->kvs.v[2 * e], *v = l->kvs.v[2 * e + 1];

			in->kv[e].key = arena_strndup(&df->mem, k, strlen(k));
			in->kv[e].value = arena_strndup(&df->mem, v, strlen(v));
			if (!in->kv[e].key || !in->kv[e].value)
				return df_oom(c);
		}
	}
	if (in->kind == DF_FROM) {
		in->image = in->args[0];
		in->stage = in->nargs == 3 ? in->args[2] : NULL;
	}
	return 0;
}

int df_parse_inst(struct df_ctx *c, const char *text, size_t textn, struct df_inst *in,
		  int nested)
{
	struct df_line l = {0};
	const struct kind *k;
	int r = -1;

	memset(in, 0, sizeof(*in));
	in->retries = -1;
	in->line = in->end_line = c->e.line;
	if (!(in->text = arena_strndup(&c->df->mem, text, textn)))
		return df_oom(c);
	l.text = text;
	l.textn = textn;
	if (split_command(c, &l, in, nested) < 0)
		goto out;
	k = &kinds[in->kind];
	if (k->line(c, &l, in) < 0 || k->check(c, &l, in) < 0)
		goto out;
	if (k->heredoc && !l.json && df_has_heredoc(l.args, l.argsn)) {
		df_fail(c, "%s: heredocs (<<EOF) are not supported by this builder", k->name);
		goto out;
	}
	r = keep(c, &l, in);
out:
	line_free(&l);
	return r;
}
