/* build_int: what the parts of hostd-build's image builder share (build
 * host only; not the model, which is build.h):
 *
 *   build.c        main: options, the .env, the phases of a run
 *   base.c         FROM debian:bookworm: the mmdebstrap base
 *   cache.c        the layer cache and the overlay views of it
 *   cmd.c          the tools it runs, the scratch space, reading a file
 *   step.c         the step engine: one image, a table of handlers
 *   step_layer.c   the steps that make layers: FROM RUN COPY ADD WORKDIR
 *   step_config.c  the steps that only set config: ENV ARG LABEL ...
 *   secrets.c      the stack's missing secrets, generated
 *   image_config.c OUT/images/<name>.json
 *
 * One out-of-memory policy: nothing exits. A part that runs out of
 * memory says "hostd-build: out of memory" (build_oom) once and fails
 * the step; the build then ends with exit status 1. */
#ifndef HOSTD_BUILD_INT_H
#define HOSTD_BUILD_INT_H

#include <limits.h>
#include <stddef.h>

#include "build/build.h"
#include "build/dockerfile/dockerfile.h"
#include "build/ignore.h"
#include "common/errctx.h"

#define BASE_IMAGE "debian:bookworm"
/* Bump when the builder's output for the same input changes. */
#define BUILDER_VERSION "hostd-build 1"

/* The build's settings and scratch space (one run, one builder). */
struct builder {
	const char *cache;		/* the cache's root */
	const char *hostd;		/* the hostd binary for RUN */
	char tmp[PATH_MAX];		/* this run's scratch directory */
	int verbose;
	int mounted;			/* layers mounted under tmp/mnt */
	char base_key[65];
	char base_layer[PATH_MAX];
	int steps_total, steps_run;
};
extern struct builder B;

/* ---- cmd.c ---- */
/* "hostd-build: out of memory" on stderr; -1. */
int build_oom(void);
double now_s(void);
/* Run argv; its output goes to log (a file path) or, verbose, to ours.
 * Returns its exit status as a shell reports it, or -1. */
int run_cmd(char *const argv[], const char *log);
/* The last lines of a log, indented, for a failed step. */
void show_tail(const char *log, int lines);
int rm_rf(const char *path);
int dir_empty(const char *path);
/* A whole file into a malloc'd, NUL-terminated *buf. 0, or -1 with errno
 * (ENOMEM: out of memory). */
int read_whole(const char *path, char **buf, size_t *len);

/* ---- cache.c ---- */
/* Pack dir into the cache as <key>.erofs; its path into out. */
int pack_layer(const char *dir, const char *key, char *out, size_t outlen);
/* The mount point of a cached layer in this run (mounted on first use). */
int layer_dir(const char *file, const char *key, char *out, size_t len);
/* The cached layer for the image's current key, if there is one: 1 (a
 * layer, appended), 2 (the step changed nothing), 0 (not cached), -1. */
int cached(struct image *im);
/* A step's result: upper becomes the layer for the current key. */
int keep_layer(struct image *im, const char *upper);
/* A fresh scratch directory for one step (upper, work, root, empty). */
int step_dirs(const char *service, int stepno, char *dir, size_t len);
/* The overlay of the image's layers with dir/upper, on dir/root. */
int mount_view(struct image *im, const char *dir);
void umount_view(const char *dir);
/* Drop the overlay's own bookkeeping from dir/upper. */
void scrub_upper(const char *dir);
/* Detach every layer this run mounted, and remove the scratch space. */
void cache_cleanup(void);

/* ---- base.c ---- */
/* The base image's layer in B.base_key / B.base_layer (made or cached). */
int ensure_base(void);

/* ---- step.c: one image being built ---- */
struct compose_kv;
struct compose_service;

struct bctx {
	const char *service;		/* for messages */
	const char *dockerfile;		/* its path */
	const char *context;
	struct ignore ig;
	struct dockerfile df;
	const struct compose_kv *build_args;
	int nbuild_args;
	struct strv args;		/* ARG NAME=VALUE in scope (after FROM) */
	struct strv global_args;	/* ARG before the first FROM */
	struct image *im;
	struct image *built;		/* images built so far, to FROM */
	int nbuilt;
	int stepno;
	struct errctx ec;		/* the Dockerfile; its messages go to err */
	char err[1024];
};

/* A step handler: -1 (failed: the message in b->err, or already printed
 * with b->err empty), 0 (done), STEP_CONFIG (a config step: the engine
 * moves the key on with what, and shows it). */
#define STEP_CONFIG 1
typedef int step_fn(struct bctx *b, const struct df_inst *in, struct strv *what);
step_fn step_from, step_run, step_copy, step_workdir;
step_fn step_env, step_arg, step_label, step_maintainer, step_user, step_expose,
	step_stopsignal, step_cmd, step_entrypoint, step_shell, step_healthcheck, step_volume,
	step_onbuild;

/* Substitute variables in word (global: the ARGs before FROM only). */
int expand(struct bctx *b, const struct df_inst *in, const char *word, char **out, int global);
/* Variables for substitution: ENV first, then ARGs in scope. */
const char *lookup(void *ctx, const char *name, size_t len);
/* Move the image's key on: the previous key and what. 0, or -1 (out of
 * memory, reported). */
int step_key(struct image *im, const struct strv *what);
/* What a RUN sees of the config, in the key: env, user, workdir, args. */
void key_config(struct bctx *b, struct strv *what);
void progress(struct bctx *b, const struct df_inst *in, const char *state, double secs);
/* A step that made upper (dir/upper): its layer kept, counted. */
int step_built(struct bctx *b, const char *dir);
/* Build one service's image into *im. 0 or -1 (reported). */
int build_image(const struct compose_service *svc, struct image *im, struct image *built,
		int nbuilt);

/* ---- secrets.c, image_config.c ---- */
struct compose;
int make_secrets(const struct compose *c);
int write_image_configs(const struct image *images, int n, const char *out);

#endif
