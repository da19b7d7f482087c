/* build: the image builder's model, shared by build.c (which runs the
 * Dockerfiles) and emit.c (which writes the plans). Build host only. */
#ifndef HOSTD_BUILD_H
#define HOSTD_BUILD_H

#include <stddef.h>

#include "common/strv.h"


enum health_kind { HEALTH_UNSET, HEALTH_NONE, HEALTH_CMD, HEALTH_SHELL };

/* An image as the builder leaves it: its layers (bottom first) and its
 * config, as Docker's image config has them. */
struct image {
	char *name;			/* "nginx:1.0" */
	char key[65];			/* the last step's cache key */
	struct strv layers;		/* EROFS files in the cache */
	struct strv layer_keys;		/* their keys (file names) */
	struct strv env;		/* KEY=VALUE */
	struct strv cmd, entrypoint;	/* exec form (shell form made exec) */
	struct strv shell;		/* SHELL, default /bin/sh -c */
	char *user, *workdir, *stop_signal;
	struct strv exposed;		/* "443/tcp" */
	struct strv labels;		/* KEY=VALUE */
	enum health_kind health;
	struct strv health_test;	/* CMD: argv; SHELL: [command] */
	long long health_interval_ms, health_timeout_ms, health_start_ms;
	int health_retries;		/* -1: default */
	int steps, steps_run;		/* instructions; those not from the cache */
};

void image_free(struct image *im);

/* snprintf for paths: a path that does not fit ends the build with a
 * message, rather than being cut short silently. */
void pathf(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Options that reach the plan emitter. */
struct emit_opts {
	const char *out_dir;		/* plans go to out_dir/plans */
	const char *layers_at;		/* where the layers are in the appliance */
	const char *secrets_at;		/* where the secret files are in the appliance */
	const char *volume_root;	/* plain named volumes: volume_root/NAME */
};

struct compose;
struct compose_service;
/* Write one plan per service of c into opts->out_dir/plans, and its
 * secrets into opts->out_dir/secrets, from the compose file and the
 * images built for it (nimages of them). 0, or -1 with a "<file>:<line>:
 * <what>" message printed; then nothing was changed (unless writing the
 * files themselves failed). */
int emit_plans(const struct compose *c, struct image *images, int nimages,
	       const struct emit_opts *opts);
/* The plan of service s, whose image is im, into text (size bytes,
 * NUL-terminated; *len its length). Pure: nothing is written or printed.
 * 0, or -1 with a one-line "<file>:<line>: service S: <what>: <why>" (or
 * another "<file>:<line>: ..." refusal) in err. */
int emit_plan(const struct compose *c, const struct compose_service *s, const struct image *im,
	      const struct emit_opts *opts, char *text, size_t size, size_t *len, char *err,
	      size_t errlen);

#endif
