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

int emit_plans(const struct compose *c, struct image *images, int nimages,
	       const struct emit_opts *opts)
{
	static struct plan plans[64];
	static char buf[1 << 20];
	const struct plan *ptrs[64];
	const struct emit_opts o = *opts;
	char dir[PATH_MAX], sdir[PATH_MAX], path[PATH_MAX], err[1024];
	char *texts = NULL, **secrets = NULL;
	size_t lens[64];
	ssize_t *slens = NULL;
	int order[64], rc = -1;
	DIR *d;
	struct dirent *de;

	if (c->nservices > 64) {
		fprintf(stderr, "hostd-build: %s: more than 64 services\n", c->path);
		return -1;
	}
	if (pathf(dir, sizeof(dir), "%s/plans", o.out_dir) < 0 ||
	    pathf(sdir, sizeof(sdir), "%s/secrets", o.out_dir) < 0)
		return -1;
	texts = malloc((size_t)(c->nservices ? c->nservices : 1) * PLAN_TEXT);
	secrets = calloc((size_t)c->nsecrets + 1, sizeof(*secrets));
	slens = calloc((size_t)c->nsecrets + 1, sizeof(*slens));
	if (!texts || !secrets || !slens) {
		fprintf(stderr, "hostd-build: out of memory\n");
		goto out;
	}
	/* Every plan first, in memory: written, read back with hostd's parser,
	 * ordered. A refusal here leaves the last build's files as they were. */
	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *s = &c->services[i];
		const struct image *im = find_image(images, nimages, s->image);
		char *text = texts + (size_t)i * PLAN_TEXT;

		if (!im) {
			fprintf(stderr, "hostd-build: %s:%d: %s: image %s is not built by this stack "
				"(no build: for it) and cannot be pulled: there is no registry\n",
				c->path, s->line, s->name, s->image);
			goto out;
		}
		if (emit_plan(c, s, im, &o, text, PLAN_TEXT, &lens[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "hostd-build: %s\n", err);
			goto out;
		}
		if (pathf(path, sizeof(path), "%s/%s.plan", dir, s->name) < 0)
			goto out;
		if (plan_parse(&plans[i], text, lens[i], path, err, sizeof(err)) < 0) {
			fprintf(stderr, "hostd-build: %s: the plan written for it does not parse: %s\n",
				s->name, err);
			goto out;
		}
		ptrs[i] = &plans[i];
	}
	if (order_services(ptrs, c->nservices, order, err, sizeof(err)) < 0) {
		fprintf(stderr, "hostd-build: %s: %s\n", c->path, err);
		goto out;
	}
	/* The secrets too: read before anything is removed. */
	for (int i = 0; i < c->nsecrets; i++) {
		const struct compose_secret *sec = &c->secrets[i];

		if ((slens[i] = read_file(sec->file, buf, sizeof(buf))) < 0) {
			fprintf(stderr, "hostd-build: %s:%d: secret %s: read %s: %s\n", c->path,
				sec->line, sec->name, sec->file, strerror(errno));
			goto out;
		}
		if (!(secrets[i] = malloc((size_t)slens[i] + 1))) {
			fprintf(stderr, "hostd-build: out of memory\n");
			goto out;
		}
		memcpy(secrets[i], buf, (size_t)slens[i]);
	}
	if (mkdir_p(dir, 0755) < 0 || mkdir_p(sdir, 0700) < 0 || chmod(sdir, 0700) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
		goto out;
	}
	/* Plans of services that are gone, and old secrets, go first. */
	for (int pass = 0; pass < 2; pass++) {
		const char *dd = pass ? sdir : dir;

		if (!(d = opendir(dd)))
			continue;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				if (pathf(path, sizeof(path), "%s/%s", dd, de->d_name) == 0 &&
				    unlink(path) < 0)
					fprintf(stderr, "hostd-build: remove %s: %s\n", path,
						strerror(errno));
			}
		closedir(d);
	}
	/* Copied for the appliance: 0400, root's. */
	for (int i = 0; i < c->nsecrets; i++) {
		if (pathf(path, sizeof(path), "%s/%s", sdir, c->secrets[i].name) < 0)
			goto out;
		if (write_file(path, secrets[i], (size_t)slens[i], 0400) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			goto out;
		}
	}
	for (int i = 0; i < c->nservices; i++) {
		if (pathf(path, sizeof(path), "%s/%s.plan", dir, c->services[i].name) < 0)
			goto out;
		if (write_file(path, texts + (size_t)i * PLAN_TEXT, lens[i], 0644) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	for (int i = 0; secrets && i < c->nsecrets; i++)
		free(secrets[i]);
	free(secrets);
	free(slens);
	free(texts);
	return rc;
}
