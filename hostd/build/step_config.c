/* step_config: the instructions that only set the image's config (step.c's
 * table): ENV ARG LABEL MAINTAINER USER EXPOSE STOPSIGNAL CMD ENTRYPOINT
 * SHELL HEALTHCHECK, and the two this builder refuses (VOLUME, ONBUILD).
 * Each returns STEP_CONFIG with what it says in what (the engine moves
 * the key on with it), or -1 with "DOCKERFILE:LINE: INSTRUCTION: what" in
 * b->err. Nothing here touches a file or a layer; never exits. */
#include "build/build_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose.h"

#define KIND(in) df_kind_name((in)->kind)

/* ENV / LABEL pairs, substituted with the variables before the
 * instruction, appended to out as key, value, key, value ... */
static int expand_pairs(struct bctx *b, const struct df_inst *in, struct strv *out)
{
	for (int i = 0; i < in->nkv; i++) {
		char *k = NULL, *v = NULL;

		if (expand(b, in, in->kv[i].key, &k, 0) < 0 ||
		    expand(b, in, in->kv[i].value ? in->kv[i].value : "", &v, 0) < 0) {
			free(k);
			return -1;
		}
		strv_add(out, k);
		strv_add(out, v);
		free(k);
		free(v);
	}
	return strv_failed(out) ? build_oom() : 0;
}

/* The instruction's one word, substituted, into *dst. */
static int expand_set(struct bctx *b, const struct df_inst *in, char **dst)
{
	char *v = NULL;
	int r;

	if (expand(b, in, in->args[0], &v, 0) < 0)
		return -1;
	r = image_set(dst, v);
	free(v);
	return r < 0 ? build_oom() : STEP_CONFIG;
}

/* CMD / ENTRYPOINT's argv: exec form as is; shell form through the
 * image's SHELL. */
static void as_exec(struct bctx *b, const struct df_inst *in, struct strv *out)
{
	strv_clear(out);
	if (in->json) {
		for (int i = 0; i < in->nargs; i++)
			strv_add(out, in->args[i]);
		return;
	}
	if (!in->nargs)
		return;
	for (int i = 0; i < b->im->shell.n; i++)
		strv_add(out, b->im->shell.v[i]);
	strv_add(out, in->args[0]);
}

/* ENV: each pair sees the variables before the instruction. */
int step_env(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	if (expand_pairs(b, in, what) < 0)
		return -1;
	for (int i = 0; i + 1 < what->n; i += 2)
		strv_setenv(&b->im->env, what->v[i], what->v[i + 1]);
	return STEP_CONFIG;
}

/* The value of a build arg from the compose file, if it gives one. */
static const char *build_arg(const struct bctx *b, const char *name)
{
	for (int i = b->nbuild_args - 1; i >= 0; i--)
		if (!strcmp(b->build_args[i].key, name))
			return b->build_args[i].value;
	return NULL;
}

/* One ARG's value: the compose file's, the global one's (after FROM), or
 * its default substituted. *v NULL: none. */
static int arg_value(struct bctx *b, const struct df_inst *in, const struct df_kv *kv, char **v)
{
	int after_from = b->im->layers.n > 0;
	const char *given = build_arg(b, kv->key);
	const char *global = after_from ? strv_getenv(&b->global_args, kv->key,
						      strlen(kv->key)) : NULL;

	*v = NULL;
	if (given || global)
		return (*v = strdup(given ? given : global)) ? 0 : build_oom();
	if (kv->value && expand(b, in, kv->value, v, !after_from) < 0)
		return -1;
	return 0;
}

int step_arg(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	struct strv *scope = b->im->layers.n ? &b->args : &b->global_args;

	for (int i = 0; i < in->nkv; i++) {
		char *v;

		if (arg_value(b, in, &in->kv[i], &v) < 0)
			return -1;
		if (v) {
			strv_setenv(scope, in->kv[i].key, v);
			free(v);
		}
		strv_add(what, in->kv[i].key);
	}
	/* Before FROM: only FROM sees it. */
	return b->im->layers.n ? STEP_CONFIG : 0;
}

int step_label(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	struct strv kv = {0};

	(void)what;
	if (expand_pairs(b, in, &kv) < 0) {
		strv_free(&kv);
		return -1;
	}
	for (int i = 0; i + 1 < kv.n; i += 2)
		strv_setenv(&b->im->labels, kv.v[i], kv.v[i + 1]);
	strv_free(&kv);
	return STEP_CONFIG;
}

int step_maintainer(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	strv_setenv(&b->im->labels, "maintainer", in->args[0]);
	return STEP_CONFIG;
}

int step_user(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	return expand_set(b, in, &b->im->user);
}

int step_stopsignal(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	return expand_set(b, in, &b->im->stop_signal);
}

/* EXPOSE: Docker splits after substitution: "$PORTS" may be two. */
int step_expose(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	for (int i = 0; i < in->nargs; i++) {
		char **words = NULL, why[512];
		int nwords = 0;

		if (df_expand_words(in->args[i], b->df.escape, lookup, b, &words, &nwords, why,
				    sizeof(why)) < 0)
			return errctx_fail_at(&b->ec, in->line, "%s: %s", KIND(in), why);
		for (int w = 0; w < nwords; w++) {
			struct df_port port;
			char buf[32];

			if (df_port(words[w], &port, why, sizeof(why)) < 0) {
				errctx_fail_at(&b->ec, in->line, "%s: %s: %s", KIND(in), words[w], why);
				free(words);
				return -1;
			}
			for (unsigned q = port.lo; q <= port.hi; q++) {
				snprintf(buf, sizeof(buf), "%u/%s", q, port.udp ? "udp" : "tcp");
				strv_add(&b->im->exposed, buf);
			}
		}
		free(words);
	}
	return STEP_CONFIG;
}

int step_cmd(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	as_exec(b, in, &b->im->cmd);
	return STEP_CONFIG;
}

int step_entrypoint(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	as_exec(b, in, &b->im->entrypoint);
	/* Docker: setting ENTRYPOINT resets the CMD of the base. */
	strv_clear(&b->im->cmd);
	return STEP_CONFIG;
}

int step_shell(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	if (!in->json || !in->nargs)
		return errctx_fail_at(&b->ec, in->line, "%s: SHELL takes the JSON form: SHELL "
				      "[\"executable\", \"param\"]", KIND(in));
	strv_clear(&b->im->shell);
	for (int i = 0; i < in->nargs; i++)
		strv_add(&b->im->shell, in->args[i]);
	return STEP_CONFIG;
}

int step_healthcheck(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	struct image *im = b->im;

	(void)what;
	strv_clear(&im->health_test);
	if (in->health_none) {
		im->health = HEALTH_NONE;
		return STEP_CONFIG;
	}
	if (in->json) {
		im->health = HEALTH_CMD;
		for (int i = 0; i < in->nargs; i++)
			strv_add(&im->health_test, in->args[i]);
	} else {
		im->health = HEALTH_SHELL;
		strv_add(&im->health_test, in->nargs ? in->args[0] : "");
	}
	/* ns to ms; -1: not given (the default applies). */
	im->health_interval_ms = in->interval_ns > 0 ? in->interval_ns / 1000000 : -1;
	im->health_timeout_ms = in->timeout_ns > 0 ? in->timeout_ns / 1000000 : -1;
	im->health_start_ms = in->start_period_ns > 0 ? in->start_period_ns / 1000000 : -1;
	im->health_retries = in->retries;
	return STEP_CONFIG;
}

int step_volume(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	return errctx_fail_at(&b->ec, in->line, "%s: VOLUME makes anonymous volumes, which hostd "
			      "does not create; declare a named volume in docker-compose.yml "
			      "instead", KIND(in));
}

int step_onbuild(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	(void)what;
	return errctx_fail_at(&b->ec, in->line, "%s: ONBUILD triggers are not supported by "
			      "this builder", KIND(in));
}
