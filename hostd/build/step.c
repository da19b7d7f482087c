/* step: the step engine. One service's Dockerfile, parsed, run one
 * instruction at a time through a table of handlers indexed by the
 * instruction's kind (step_layer.c: the steps that make layers;
 * step_config.c: those that only set config).
 *
 * Each step has a key: the SHA-256 of the previous step's key and what
 * the step does (its words after substitution, the config it runs with,
 * and for COPY the bytes, names and modes of what it copies). A layer is
 * kept in the cache as <key>.erofs (lz4hc); a step whose key is there is
 * not run again, and neither is anything before it.
 *
 * A step's error is "DOCKERFILE:LINE: INSTRUCTION: what" (errctx); the
 * engine prints it once. Never exits. */
#include "build/build_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose.h"
#include "build/digest.h"
#include "build/path.h"

const char *lookup(void *ctx, const char *name, size_t len)
{
	struct bctx *b = ctx;
	const char *v = strv_getenv(&b->im->env, name, len);

	return v ? v : strv_getenv(&b->args, name, len);
}

static const char *lookup_global(void *ctx, const char *name, size_t len)
{
	return strv_getenv(&((struct bctx *)ctx)->global_args, name, len);
}

int expand(struct bctx *b, const struct df_inst *in, const char *word, char **out, int global)
{
	char why[512];

	if (df_expand(word, b->df.escape, global ? lookup_global : lookup, b, out, why,
		      sizeof(why)) < 0)
		return errctx_fail_at(&b->ec, in->line, "%s: %s", df_kind_name(in->kind), why);
	return 0;
}

int step_key(struct image *im, const struct strv *what)
{
	struct digest d;

	if (strv_failed(what) || digest_init(&d) < 0)
		return build_oom();
	digest_str(&d, im->key);
	for (int i = 0; i < what->n; i++)
		digest_str(&d, what->v[i]);
	digest_hex(&d, im->key);
	return 0;
}

void key_config(struct bctx *b, struct strv *what)
{
	strv_add(what, "env");
	for (int i = 0; i < b->im->env.n; i++)
		strv_add(what, b->im->env.v[i]);
	strv_add(what, "args");
	for (int i = 0; i < b->args.n; i++)
		strv_add(what, b->args.v[i]);
	strv_add(what, b->im->user ? b->im->user : "");
	strv_add(what, b->im->workdir ? b->im->workdir : "/");
}

void progress(struct bctx *b, const struct df_inst *in, const char *state, double secs)
{
	const char *t = in->text;
	int l = (int)strcspn(t, "\n");

	if (secs >= 0)
		printf("[%s %d/%d] %-6s %.*s%s  %s %.1f s\n", b->service, b->stepno,
		       b->df.ninst, state, l > 60 ? 57 : l, t, l > 60 ? "..." : "", "", secs);
	else
		printf("[%s %d/%d] %-6s %.*s%s\n", b->service, b->stepno, b->df.ninst, state,
		       l > 60 ? 57 : l, t, l > 60 ? "..." : "");
	fflush(stdout);
}

int step_built(struct bctx *b, const char *dir)
{
	char upper[PATH_MAX];

	if (pathf(upper, sizeof(upper), "%s/upper", dir) < 0 || keep_layer(b->im, upper) < 0)
		return -1;
	B.steps_run++;
	b->im->steps_run++;
	return 0;
}

/* Every instruction's handler, by kind. */
static step_fn *const handlers[] = {
	[DF_FROM] = step_from,
	[DF_RUN] = step_run,
	[DF_CMD] = step_cmd,
	[DF_ENTRYPOINT] = step_entrypoint,
	[DF_SHELL] = step_shell,
	[DF_ENV] = step_env,
	[DF_ARG] = step_arg,
	[DF_LABEL] = step_label,
	[DF_WORKDIR] = step_workdir,
	[DF_USER] = step_user,
	[DF_EXPOSE] = step_expose,
	[DF_STOPSIGNAL] = step_stopsignal,
	[DF_HEALTHCHECK] = step_healthcheck,
	[DF_COPY] = step_copy,
	[DF_ADD] = step_copy,
	[DF_VOLUME] = step_volume,
	[DF_MAINTAINER] = step_maintainer,
	[DF_ONBUILD] = step_onbuild,
};

/* One instruction: its handler; a config step's key moves on with what
 * it says. */
static int step(struct bctx *b, const struct df_inst *in)
{
	struct strv what = {0}, k = {0};
	int rc;

	if (in->kind != DF_FROM && in->kind != DF_ARG && !b->im->layers.n)
		return errctx_fail_at(&b->ec, in->line, "%s: comes before FROM",
				      df_kind_name(in->kind));
	if ((size_t)in->kind >= sizeof(handlers) / sizeof(handlers[0]) || !handlers[in->kind])
		return errctx_fail_at(&b->ec, in->line, "%s: not supported by this builder",
				      df_kind_name(in->kind));
	rc = handlers[in->kind](b, in, &what);
	if (rc == STEP_CONFIG) {
		strv_add(&k, df_kind_name(in->kind));
		strv_add(&k, in->text);
		for (int i = 0; i < what.n; i++)
			strv_add(&k, what.v[i]);
		rc = strv_failed(&what) ? build_oom() : step_key(b->im, &k);
		if (rc == 0)
			progress(b, in, "config", -1);
	}
	strv_free(&k);
	strv_free(&what);
	return rc;
}

/* The service's Dockerfile, parsed into b->df (its warnings shown), and
 * its context's .dockerignore into b->ig. */
static int load(struct bctx *b, const struct compose_service *svc)
{
	char *text = NULL, igpath[PATH_MAX];
	size_t len = 0;

	if (read_whole(svc->build_dockerfile, &text, &len) < 0) {
		fprintf(stderr, "hostd-build: %s: read %s: %s\n", svc->name, svc->build_dockerfile,
			strerror(errno));
		return -1;
	}
	if (df_parse(&b->df, svc->build_dockerfile, text, len, b->err, sizeof(b->err)) < 0) {
		fprintf(stderr, "hostd-build: %s\n", b->err);
		free(text);
		return -1;
	}
	free(text);
	for (int i = 0; i < b->df.nwarnings; i++)
		fprintf(stderr, "hostd-build: warning: %s\n", b->df.warnings[i]);
	if (pathf(igpath, sizeof(igpath), "%s/.dockerignore", svc->build_context) < 0)
		return -1;
	text = NULL;
	if (read_whole(igpath, &text, &len) == 0) {
		int r = ignore_parse(&b->ig, text, len);

		free(text);
		if (r < 0) {
			fprintf(stderr, "hostd-build: %s: out of memory\n", igpath);
			return -1;
		}
	} else if (errno != ENOENT) {
		fprintf(stderr, "hostd-build: read %s: %s\n", igpath, strerror(errno));
		return -1;
	}
	return 0;
}

/* Every instruction in order; the first that fails ends the image. */
static int run_steps(struct bctx *b)
{
	for (int i = 0; i < b->df.ninst; i++) {
		b->stepno = i + 1;
		b->err[0] = '\0';
		if (step(b, &b->df.inst[i]) < 0) {
			if (b->err[0])
				fprintf(stderr, "hostd-build: %s\n", b->err);
			return -1;
		}
		/* The image's config and the ARGs, filled: whole? */
		if (image_failed(b->im) || strv_failed(&b->args) || strv_failed(&b->global_args))
			return build_oom();
	}
	return 0;
}

int build_image(const struct compose_service *svc, struct image *im, struct image *built,
		int nbuilt)
{
	struct bctx b = {.service = svc->name, .dockerfile = svc->build_dockerfile,
			 .context = svc->build_context, .im = im, .built = built,
			 .nbuilt = nbuilt, .build_args = svc->build_args,
			 .nbuild_args = svc->nbuild_args};
	double t0 = now_s();
	int rc = -1;

	b.ec = (struct errctx){.file = b.dockerfile, .buf = b.err, .len = sizeof(b.err)};
	if (load(&b, svc) < 0 || run_steps(&b) < 0)
		goto out;
	if (!im->layers.n) {
		fprintf(stderr, "hostd-build: %s: %s has no FROM\n", svc->name, svc->build_dockerfile);
		goto out;
	}
	if (!(im->name = strdup(svc->image))) {
		build_oom();
		goto out;
	}
	im->steps = b.df.ninst;
	B.steps_total += b.df.ninst;
	printf("[%s] image %s: %d steps, %d run, %d layers, %.1f s\n", svc->name, svc->image,
	       im->steps, im->steps_run, im->layers.n, now_s() - t0);
	rc = 0;
out:
	df_free(&b.df);
	ignore_free(&b.ig);
	strv_free(&b.args);
	strv_free(&b.global_args);
	return rc;
}
