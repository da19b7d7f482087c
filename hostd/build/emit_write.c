/* emit_write: every service's plan rendered (emit.c), read back with
 * hostd's own parser and ordered with hostd's own ordering, then written
 * with the stack's secrets into OUT/plans and OUT/secrets (emit.h). A
 * plan the appliance would refuse fails the build before anything is
 * written: a refused build leaves the last plans and secrets as they
 * were. Never exits; every failure is printed once and returned. */
#include "build/emit.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build.h"
#include "build/compose/compose.h"
#include "build/path.h"
#include "common/order.h"
#include "common/plan.h"
#include "common/util.h"

#define PLAN_TEXT 65536

static const struct image *find_image(const struct image *images, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (images[i].name && !strcmp(images[i].name, name))
			return &images[i];
	return NULL;
}

/* What a build writes, all of it in memory first. */
struct staged {
	char dir[PATH_MAX], sdir[PATH_MAX];	/* OUT/plans, OUT/secrets */
	char *texts;				/* PLAN_TEXT bytes a service */
	size_t lens[64];
	char **secrets;				/* each secret's bytes */
	ssize_t *slens;
};

/* Every plan, in memory: rendered, read back with hostd's parser, and
 * ordered with hostd's ordering. */
static int render_plans(const struct compose *c, struct image *images, int nimages,
			const struct emit_opts *o, struct staged *st)
{
	static struct plan plans[64];
	const struct plan *ptrs[64];
	char path[PATH_MAX], err[1024];
	int order[64];

	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *s = &c->services[i];
		const struct image *im = find_image(images, nimages, s->image);
		char *text = st->texts + (size_t)i * PLAN_TEXT;

		if (!im) {
			fprintf(stderr, "hostd-build: %s:%d: %s: image %s is not built by this stack "
				"(no build: for it) and cannot be pulled: there is no registry\n",
				c->path, s->line, s->name, s->image);
			return -1;
		}
		if (emit_plan(c, s, im, o, text, PLAN_TEXT, &st->lens[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "hostd-build: %s\n", err);
			return -1;
		}
		if (pathf(path, sizeof(path), "%s/%s.plan", st->dir, s->name) < 0)
			return -1;
		if (plan_parse(&plans[i], text, st->lens[i], path, err, sizeof(err)) < 0) {
			fprintf(stderr, "hostd-build: %s: the plan written for it does not parse: %s\n",
				s->name, err);
			return -1;
		}
		ptrs[i] = &plans[i];
	}
	if (order_services(ptrs, c->nservices, order, err, sizeof(err)) < 0) {
		fprintf(stderr, "hostd-build: %s: %s\n", c->path, err);
		return -1;
	}
	return 0;
}

/* The secrets too: read before anything is removed. */
static int read_secrets(const struct compose *c, struct staged *st)
{
	static char buf[1 << 20];

	for (int i = 0; i < c->nsecrets; i++) {
		const struct compose_secret *sec = &c->secrets[i];

		if ((st->slens[i] = read_file(sec->file, buf, sizeof(buf))) < 0) {
			fprintf(stderr, "hostd-build: %s:%d: secret %s: read %s: %s\n", c->path,
				sec->line, sec->name, sec->file, strerror(errno));
			return -1;
		}
		if (!(st->secrets[i] = malloc((size_t)st->slens[i] + 1))) {
			fprintf(stderr, "hostd-build: out of memory\n");
			return -1;
		}
		memcpy(st->secrets[i], buf, (size_t)st->slens[i]);
	}
	return 0;
}

/* Plans of services that are gone, and old secrets, go first. */
static void clear_dir(const char *dd)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (!(d = opendir(dd)))
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			if (pathf(path, sizeof(path), "%s/%s", dd, de->d_name) == 0 &&
			    unlink(path) < 0)
				fprintf(stderr, "hostd-build: remove %s: %s\n", path, strerror(errno));
		}
	closedir(d);
}

/* The secrets (copied for the appliance: 0400, root's), then the plans. */
static int write_staged(const struct compose *c, const struct staged *st)
{
	char path[PATH_MAX];

	if (mkdir_p(st->dir, 0755) < 0 || mkdir_p(st->sdir, 0700) < 0 || chmod(st->sdir, 0700) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", st->dir, strerror(errno));
		return -1;
	}
	clear_dir(st->dir);
	clear_dir(st->sdir);
	for (int i = 0; i < c->nsecrets; i++) {
		if (pathf(path, sizeof(path), "%s/%s", st->sdir, c->secrets[i].name) < 0)
			return -1;
		if (write_file(path, st->secrets[i], (size_t)st->slens[i], 0400) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	for (int i = 0; i < c->nservices; i++) {
		if (pathf(path, sizeof(path), "%s/%s.plan", st->dir, c->services[i].name) < 0)
			return -1;
		if (write_file(path, st->texts + (size_t)i * PLAN_TEXT, st->lens[i], 0644) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int emit_plans(const struct compose *c, struct image *images, int nimages,
	       const struct emit_opts *opts)
{
	static struct staged st;
	int rc = -1;

	if (c->nservices > 64) {
		fprintf(stderr, "hostd-build: %s: more than 64 services\n", c->path);
		return -1;
	}
	memset(&st, 0, sizeof(st));
	if (pathf(st.dir, sizeof(st.dir), "%s/plans", opts->out_dir) < 0 ||
	    pathf(st.sdir, sizeof(st.sdir), "%s/secrets", opts->out_dir) < 0)
		return -1;
	st.texts = malloc((size_t)(c->nservices ? c->nservices : 1) * PLAN_TEXT);
	st.secrets = calloc((size_t)c->nsecrets + 1, sizeof(*st.secrets));
	st.slens = calloc((size_t)c->nsecrets + 1, sizeof(*st.slens));
	if (!st.texts || !st.secrets || !st.slens) {
		fprintf(stderr, "hostd-build: out of memory\n");
		goto out;
	}
	/* A refusal before write_staged leaves the last build's files as
	 * they were. */
	if (render_plans(c, images, nimages, opts, &st) == 0 && read_secrets(c, &st) == 0 &&
	    write_staged(c, &st) == 0)
		rc = 0;
out:
	for (int i = 0; st.secrets && i < c->nsecrets; i++)
		free(st.secrets[i]);
	free(st.secrets);
	free(st.slens);
	free(st.texts);
	return rc;
}
