/* df_check: one instruction's own rules (BuildKit's instructions
 * package), on the words its line parser produced: how many arguments,
 * FROM's stage name, COPY/ADD sources, EXPOSE ports and VOLUME paths
 * written literally, HEALTHCHECK's type word. One checker a rule set,
 * named in the per-kind table of df_inst.c; a checker may tidy the words
 * it checked (trim, lowercase, drop HEALTHCHECK's type) and fills the
 * ARG pairs. Reads no flag (df_flags.c) and no other instruction.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdlib.h>
#include <string.h>

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

/* ENV LABEL: at least one pair, no blank name. */
int df_check_kv(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	const char *what = df_kind_name(in->kind);

	if (!l->kvs.n)
		return df_fail(c, "%s requires at least one argument", what);
	for (int i = 0; i < l->kvs.n; i += 2)
		if (!l->kvs.v[i][0])
			return df_fail(c, "%s names can not be blank", what);
	return 0;
}

/* ARG: "NAME" (no default) or "NAME=default", split at the first '='
 * into in->kv; the words go. */
int df_check_arg(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	struct dockerfile *df = c->df;
	int n = l->words.n;

	if (!n)
		return df_fail(c, "ARG requires at least one argument");
	if (!(in->kv = arena_alloc(&df->mem, sizeof(*in->kv) * (size_t)n)))
		return df_oom(c);
	for (int i = 0; i < n; i++) {
		const char *w = l->words.v[i], *eq = strchr(w, '=');

		if (eq == w)
			return df_fail(c, "ARG names can not be blank");
		in->kv[i].key = arena_strndup(&df->mem, w, eq ? (size_t)(eq - w) : strlen(w));
		in->kv[i].value = eq ? arena_strndup(&df->mem, eq + 1, strlen(eq + 1)) : NULL;
		if (!in->kv[i].key || (eq && !in->kv[i].value))
			return df_oom(c);
	}
	in->nkv = n;
	strv_free(&l->words);
	return 0;
}

/* FROM image [AS name]: the name lowercased. */
int df_check_from(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	int n = l->words.n;

	(void)in;
	if (n == 3 && df_eqi(l->words.v[1], strlen(l->words.v[1]), "as")) {
		char *st = l->words.v[2];

		for (char *p = st; *p; p++)
			*p = df_lower(*p);
		if (!stage_name_ok(st))
			return df_fail(c, "FROM: invalid name for build stage: \"%s\", name can't "
				       "start with a number or contain symbols", st);
	} else if (n != 1) {
		return df_fail(c, "FROM requires either one or three arguments");
	}
	return 0;
}

/* COPY ADD: sources and a destination; no URL, no remote source. */
int df_check_copy(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	int n = l->words.n;

	if (n < 2)
		return df_fail(c, "%s requires at least two arguments, but only one was provided. "
			       "Destination could not be determined", df_kind_name(in->kind));
	for (int i = 0; i < n - 1; i++) {
		const char *src = l->words.v[i];

		if (in->kind == DF_COPY && (!strncmp(src, "http://", 7) ||
					    !strncmp(src, "https://", 8)))
			return df_fail(c, "COPY: source can't be a URL for COPY");
		if (in->kind == DF_ADD && is_remote(src))
			return df_fail(c, "ADD %s: remote sources are not supported by this "
				       "builder (it builds offline): put the file in the build "
				       "context", src);
	}
	return 0;
}

/* RUN ONBUILD (and the start of others): at least one argument. */
int df_check_some(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	if (!l->words.n)
		return df_fail(c, "%s requires at least one argument", df_kind_name(in->kind));
	return 0;
}

int df_check_shell(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	if (df_check_some(c, l, in) < 0)
		return -1;
	if (!l->json)
		return df_fail(c, "SHELL requires the arguments to be in JSON form");
	return 0;
}

/* CMD ENTRYPOINT: anything, even nothing. */
int df_check_none(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	(void)c, (void)l, (void)in;
	return 0;
}

/* EXPOSE: a port written literally must be one. */
int df_check_expose(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	if (df_check_some(c, l, in) < 0)
		return -1;
	for (int i = 0; i < l->words.n; i++) {
		struct df_port p;
		char why[128];

		if (df_literal(l->words.v[i], c->df->escape) &&
		    df_port(l->words.v[i], &p, why, sizeof(why)) < 0)
			return df_fail(c, "EXPOSE: %s", why);
	}
	return 0;
}

/* VOLUME: each path trimmed, none empty. */
int df_check_volume(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	if (df_check_some(c, l, in) < 0)
		return -1;
	for (int i = 0; i < l->words.n; i++) {
		const char *v = l->words.v[i];
		size_t vn = strlen(v);

		df_ltrim(&v, &vn);
		df_rtrim(v, &vn);
		if (!vn)
			return df_fail(c, "VOLUME specified can not be an empty string");
		memmove(l->words.v[i], v, vn);
		l->words.v[i][vn] = '\0';
	}
	return 0;
}

/* WORKDIR USER STOPSIGNAL MAINTAINER: the rest of the line, one word. */
int df_check_one(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	if (l->words.n != 1)
		return df_fail(c, "%s requires exactly one argument", df_kind_name(in->kind));
	return 0;
}

/* HEALTHCHECK NONE | CMD command: the type word goes. */
int df_check_health(struct df_ctx *c, struct df_line *l, struct df_inst *in)
{
	int n = l->words.n;
	const char *typ;

	if (df_check_some(c, l, in) < 0)
		return -1;
	typ = l->words.v[0];
	if (df_eqi(typ, strlen(typ), "none")) {
		if (n != 1)
			return df_fail(c, "HEALTHCHECK NONE takes no arguments");
		if (l->flags.n)
			return df_fail(c, "HEALTHCHECK NONE takes no options");
		in->health_none = 1;
	} else if (df_eqi(typ, strlen(typ), "cmd")) {
		if (n == 1)
			return df_fail(c, "HEALTHCHECK: Missing command after HEALTHCHECK CMD");
	} else {
		char up[64];
		size_t k;

		for (k = 0; typ[k] && k < sizeof(up) - 1; k++)
			up[k] = typ[k] >= 'a' && typ[k] <= 'z' ? (char)(typ[k] - 32) : typ[k];
		up[k] = '\0';
		return df_fail(c, "HEALTHCHECK: Unknown type \"%s\" in HEALTHCHECK (try CMD)", up);
	}
	/* Words and the NULL after them, one place to the left. */
	free(l->words.v[0]);
	memmove(l->words.v, l->words.v + 1, sizeof(char *) * (size_t)n);
	l->words.n--;
	return 0;
}
