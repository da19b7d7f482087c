/* step_layer: the steps that make layers, or start from them (step.c's
 * table):
 *
 *   FROM debian:bookworm   the base (base.c); FROM an image this stack
 *                          built before: a copy of it
 *   RUN                    `hostd run` over the layers so far, with the
 *                          host's network; its upper directory (whiteouts
 *                          and opaque directories kept) is the new layer
 *   COPY / ADD / WORKDIR   done in an overlay of the layers so far,
 *                          mounted in a private mount namespace; the
 *                          overlay's upper directory is the new layer
 *
 * A step whose key is cached is not run. Never exits; a failure is
 * "DOCKERFILE:LINE: INSTRUCTION: what" in b->err, or printed already. */
#include "build/build_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/copy.h"
#include "build/digest.h"
#include "build/path.h"

#define KIND(in) df_kind_name((in)->kind)

/* FROM debian:bookworm: the base layer and what Docker's image says. */
static int from_base(struct bctx *b, const struct df_inst *in)
{
	if (ensure_base() < 0)
		return errctx_fail_at(&b->ec, in->line, "%s: the base image could not be made",
				      KIND(in));
	memcpy(b->im->key, B.base_key, sizeof(b->im->key));
	strv_add(&b->im->layers, B.base_layer);
	strv_add(&b->im->layer_keys, B.base_key);
	strv_setenv(&b->im->env, "PATH",
		    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	strv_add(&b->im->cmd, "bash");
	return 0;
}

/* FROM an image this stack built before this one. */
static int from_built(struct bctx *b, const struct df_inst *in, const char *img)
{
	for (int i = 0; i < b->nbuilt; i++)
		if (b->built[i].name && !strcmp(b->built[i].name, img))
			return image_copy(b->im, &b->built[i]) < 0 ? build_oom() : 0;
	return errctx_fail_at(&b->ec, in->line, "%s: %s: only %s or an image this stack builds "
			      "(built before this one) can be a base: there is no registry to "
			      "pull from", KIND(in), img, BASE_IMAGE);
}

int step_from(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	char *img = NULL;
	int rc;

	if (expand(b, in, in->image, &img, 1) < 0)
		return -1;
	image_free(b->im);
	strv_add(&b->im->shell, "/bin/sh");
	strv_add(&b->im->shell, "-c");
	b->im->health_retries = -1;
	strv_clear(&b->args);
	rc = !strcmp(img, BASE_IMAGE) ? from_base(b, in) : from_built(b, in, img);
	if (rc == 0) {
		strv_add(what, "FROM");
		strv_add(what, img);
		rc = step_key(b->im, what);
	}
	if (rc == 0)
		progress(b, in, "base", -1);
	free(img);
	return rc;
}

/* `hostd run`'s arguments for the command cmd, its state in state. */
static int run_argv(struct bctx *b, const struct strv *cmd, const char *state, struct strv *argv)
{
	const struct image *im = b->im;

	strv_add(argv, B.hostd);
	strv_add(argv, "run");
	for (int i = 0; i < im->layers.n; i++) {
		char ld[PATH_MAX];

		if (layer_dir(im->layers.v[i], im->layer_keys.v[i], ld, sizeof(ld)) < 0)
			return -1;
		strv_add(argv, "--layer");
		strv_add(argv, ld);
	}
	strv_add(argv, "--state");
	strv_add(argv, state);
	strv_add(argv, "--net");
	strv_add(argv, "host");
	/* As docker build: the step's root is the build host's root, so what
	 * it installs keeps the owners the image says (a user namespace
	 * would store its own VM ids in the layer). Every other protection
	 * stays: devices, masks, capabilities, seccomp. */
	strv_add(argv, "--userns");
	strv_add(argv, "host");
	strv_add(argv, "--hostname");
	strv_add(argv, "buildkitsandbox");
	if (im->workdir) {
		strv_add(argv, "--workdir");
		strv_add(argv, im->workdir);
	}
	if (im->user) {
		strv_add(argv, "--user");
		strv_add(argv, im->user);
	}
	for (int i = 0; i < im->env.n; i++) {
		strv_add(argv, "--env");
		strv_add(argv, im->env.v[i]);
	}
	/* Build args reach RUN as environment, below ENV of the same name. */
	for (int i = 0; i < b->args.n; i++) {
		size_t kl = strcspn(b->args.v[i], "=");

		if (!strv_getenv(&im->env, b->args.v[i], kl)) {
			strv_add(argv, "--env");
			strv_add(argv, b->args.v[i]);
		}
	}
	strv_add(argv, "--");
	for (int i = 0; i < cmd->n; i++)
		strv_add(argv, cmd->v[i]);
	return strv_failed(argv) ? build_oom() : 0;
}

/* Run cmd in a container over the image's layers; its upper directory
 * becomes the layer. */
static int run_in(struct bctx *b, const struct df_inst *in, const struct strv *cmd)
{
	struct strv argv = {0};
	char dir[PATH_MAX] = "", log[PATH_MAX], state[PATH_MAX];
	double t0 = now_s();
	int r, rc = -1;

	if (step_dirs(b->service, b->stepno, dir, sizeof(dir)) < 0 ||
	    pathf(log, sizeof(log), "%s.log", dir) < 0 ||
	    pathf(state, sizeof(state), "%s/state", dir) < 0 ||
	    run_argv(b, cmd, state, &argv) < 0)
		goto out;
	progress(b, in, "run", -1);
	r = run_cmd(argv.v, log);
	if (r != 0) {
		errctx_fail_at(&b->ec, in->line, "%s: the command exited %d", KIND(in), r);
		if (!B.verbose) {
			fprintf(stderr, "hostd-build: %s; its last output lines:\n", b->err);
			show_tail(log, 20);
			b->err[0] = '\0';
		}
		goto out;
	}
	if (step_built(b, state) < 0)
		goto out;
	progress(b, in, "built", now_s() - t0);
	rc = 0;
out:
	strv_free(&argv);
	if (dir[0] && (rc == 0 || !B.verbose))
		rm_rf(dir);
	return rc;
}

int step_run(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	struct strv cmd = {0};
	int r, rc = -1;

	if (in->json) {
		for (int i = 0; i < in->nargs; i++)
			strv_add(&cmd, in->args[i]);
	} else {
		for (int i = 0; i < b->im->shell.n; i++)
			strv_add(&cmd, b->im->shell.v[i]);
		strv_add(&cmd, in->nargs ? in->args[0] : "");
	}
	if (strv_failed(&cmd)) {
		rc = build_oom();
		goto out;
	}
	if (!cmd.n) {
		rc = errctx_fail_at(&b->ec, in->line, "%s: nothing to run", KIND(in));
		goto out;
	}
	strv_add(what, "RUN");
	for (int i = 0; i < cmd.n; i++)
		strv_add(what, cmd.v[i]);
	key_config(b, what);
	if (step_key(b->im, what) < 0 || (r = cached(b->im)) < 0)
		goto out;
	if (r) {
		progress(b, in, "cached", -1);
		rc = 0;
	} else {
		rc = run_in(b, in, &cmd);
	}
out:
	strv_free(&cmd);
	return rc;
}

/* What a COPY, ADD or WORKDIR step copies, and where. */
struct copy_job {
	struct strv srcs, paths;	/* as written (substituted); context-relative */
	char dest[PATH_MAX];
	char *chown, *chmod_;
	struct copy_opts o;
	int workdir;			/* WORKDIR: an empty directory to dest */
};

static void copy_job_free(struct copy_job *j)
{
	strv_free(&j->srcs);
	strv_free(&j->paths);
	free(j->chown);
	free(j->chmod_);
}

/* A copy's failure: why (after the "INSTRUCTION: " prefix), or reported
 * already when why is empty, or out of memory. */
static int copy_failed(struct bctx *b, const struct df_inst *in, const struct copy_job *j,
		       const char *why)
{
	if (strv_failed(&j->paths))
		return build_oom();
	if (!why[0])
		return -1;
	if (j->workdir)
		return errctx_fail_at(&b->ec, in->line, "%s: create %s: %s", KIND(in), j->dest, why);
	return errctx_fail_at(&b->ec, in->line, "%s: %s", KIND(in), why);
}

/* The sources and DEST of a COPY or ADD, substituted; DEST absolute. */
static int copy_words(struct bctx *b, const struct df_inst *in, struct copy_job *j)
{
	const char *wd = b->im->workdir && strcmp(b->im->workdir, "/") ? b->im->workdir : "";
	char *d = NULL;
	int r;

	for (int i = 0; i + 1 < in->nargs; i++) {
		char *s = NULL;

		if (expand(b, in, in->args[i], &s, 0) < 0)
			return -1;
		if (strstr(s, "://")) {
			free(s);
			return errctx_fail_at(&b->ec, in->line, "%s: %s: only local files can be "
					      "added (no URLs)", KIND(in), in->args[i]);
		}
		r = strv_add(&j->srcs, s);
		free(s);
		if (r < 0)
			return build_oom();
	}
	if (expand(b, in, in->args[in->nargs - 1], &d, 0) < 0)
		return -1;
	if (d[0] == '/')
		r = pathf(j->dest, sizeof(j->dest), "%s", d);
	else	/* relative to WORKDIR */
		r = pathf(j->dest, sizeof(j->dest), "%s/%s", wd, d);
	free(d);
	if (r < 0 || (in->chown && expand(b, in, in->chown, &j->chown, 0) < 0) ||
	    (in->chmod && expand(b, in, in->chmod, &j->chmod_, 0) < 0))
		return -1;
	j->o.chown = j->chown;
	j->o.chmod = j->chmod_;
	return 0;
}

/* A COPY or ADD: its sources found, and its key (what it copies: names,
 * types, modes, bytes) into what. */
static int copy_prepare(struct bctx *b, const struct df_inst *in, struct copy_job *j,
			struct strv *what)
{
	struct digest d;
	char hex[65], why[800] = "";

	if (copy_words(b, in, j) < 0)
		return -1;
	if (copy_sources(b->context, &b->ig, (const char *const *)j->srcs.v, j->srcs.n,
			 &j->paths, why, sizeof(why)) < 0)
		return copy_failed(b, in, j, why);
	strv_add(what, KIND(in));
	strv_add(what, j->dest);
	strv_add(what, j->chown ? j->chown : "");
	strv_add(what, j->chmod_ ? j->chmod_ : "");
	if (digest_init(&d) < 0)
		return build_oom();
	if (copy_digest(b->context, &b->ig, &j->paths, &d, why, sizeof(why)) < 0) {
		digest_hex(&d, hex);
		return copy_failed(b, in, j, why);
	}
	digest_hex(&d, hex);
	strv_add(what, hex);
	return 0;
}

/* The copy itself, in an overlay of the image's layers on dir/root. */
static int copy_in_view(struct bctx *b, const struct df_inst *in, struct copy_job *j,
			const char *dir)
{
	char root[PATH_MAX], empty[PATH_MAX], why[800] = "";
	const char *from = b->context;
	int r;

	if (pathf(root, sizeof(root), "%s/root", dir) < 0 ||
	    pathf(empty, sizeof(empty), "%s/empty", dir) < 0)
		return -1;
	/* WORKDIR: copy an empty directory's contents to the path: that
	 * makes the directory and its missing parents, inside the image's
	 * chroot, and nothing else. */
	if (j->workdir) {
		from = empty;
		if (strv_add(&j->paths, ".") < 0)
			return build_oom();
	}
	if (mount_view(b->im, dir) < 0)
		return -1;
	r = copy_into(root, from, &b->ig, &j->paths, j->dest, &j->o, why, sizeof(why));
	umount_view(dir);
	if (r < 0)
		return copy_failed(b, in, j, why);
	scrub_upper(dir);
	return 0;
}

/* A COPY, ADD or WORKDIR step keyed by what: from the cache, or done. */
static int copy_step(struct bctx *b, const struct df_inst *in, struct copy_job *j,
		     const struct strv *what)
{
	char dir[PATH_MAX] = "";
	double t0 = now_s();
	int r, rc = -1;

	if (step_key(b->im, what) < 0 || (r = cached(b->im)) < 0)
		return -1;
	if (r) {
		if (!j->workdir)
			progress(b, in, "cached", -1);
		return 0;
	}
	if (step_dirs(b->service, b->stepno, dir, sizeof(dir)) < 0 ||
	    copy_in_view(b, in, j, dir) < 0 || step_built(b, dir) < 0)
		goto out;
	if (!j->workdir)
		progress(b, in, "built", now_s() - t0);
	rc = 0;
out:
	if (dir[0])
		rm_rf(dir);
	return rc;
}

int step_copy(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	struct copy_job j = {.o = {.add = in->kind == DF_ADD}};
	int rc = copy_prepare(b, in, &j, what);

	if (rc == 0)
		rc = copy_step(b, in, &j, what);
	copy_job_free(&j);
	return rc;
}

/* WORKDIR: config, and the directory made in the image (a layer). */
int step_workdir(struct bctx *b, const struct df_inst *in, struct strv *what)
{
	struct copy_job j = {0};
	const char *wd = b->im->workdir && strcmp(b->im->workdir, "/") ? b->im->workdir : "";
	char *w = NULL;
	int rc;

	if (expand(b, in, in->args[0], &w, 0) < 0)
		return -1;
	if (w[0] == '/')
		rc = pathf(j.dest, sizeof(j.dest), "%s", w);
	else
		rc = pathf(j.dest, sizeof(j.dest), "%s/%s", wd, w);
	free(w);
	if (rc < 0)
		return -1;
	if (image_set(&b->im->workdir, j.dest) < 0)
		return build_oom();
	progress(b, in, "config", -1);
	j.workdir = 1;
	strv_add(what, "WORKDIR");
	strv_add(what, j.dest);
	rc = copy_step(b, in, &j, what);
	copy_job_free(&j);
	return rc;
}
