/* build: the image builder's model, shared by the step engine (which
 * runs the Dockerfiles into it) and emit (which writes the plans from it).
 * Build host only. The model and its functions (image.c) are pure: no
 * file, no process, no message. */
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

/* Give back everything im holds and zero it. */
void image_free(struct image *im);
/* dst = the same image a second time (FROM a local image): key, layers
 * and config; its name stays dst's. 0, or -1 out of memory. */
int image_copy(struct image *dst, const struct image *src);
/* *dst = a copy of v (NULL: none). 0, or -1 out of memory. */
int image_set(char **dst, const char *v);
/* Whether adding to one of im's vectors ran out of memory. */
int image_failed(const struct image *im);

#endif
