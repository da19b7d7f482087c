/* hostd-build: the stack's Dockerfiles into image layers, and its
 * docker-compose.yml into hostd's plans, on the build host, without any
 * container engine. This file is its main: the options (a table), the
 * .env, and the phases of a run: load the compose file, generate missing
 * secrets, set up (root, hostd, a private mount namespace, the cache and
 * scratch space), build each image (step.c), write the plans (emit) and
 * the image configs. It never exits from below main; every failure is
 * printed where it happens and ends the run with status 1 (2: usage).
 *
 *   FROM debian:bookworm   the base: mmdebstrap (minbase) from the host's
 *                          own apt sources, cached by what went into it
 *   RUN                    `hostd run` over the layers so far
 *   COPY / ADD / WORKDIR   done in an overlay of the layers so far
 *   everything else        image config only
 *
 * (build_int.h lists the parts.) */
#include "build/build_int.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/compose/compose.h"
#include "build/compose/envfile.h"
#include "build/emit.h"
#include "build/path.h"
#include "common/util.h"

struct builder B;

static const char usage[] =
	"usage: hostd-build [--out DIR] [--cache DIR] [--hostd PATH] [--env FILE]\n"
	"                   [--layers-at DIR] [--secrets-at DIR] [--volume-root DIR]\n"
	"                   [--check] [-v] COMPOSE_FILE\n";

/* The command line. */
struct cli {
	struct emit_opts eo;
	const char *cache, *hostd, *envpath, *file;
	int check, verbose;
};

enum opt_kind { OPT_FLAG, OPT_HELP, OPT_VALUE };

/* Every option: a flag (an int set to 1), help, or one taking a value (a
 * string, the next argument). */
static const struct option {
	const char *name;
	enum opt_kind kind;
	size_t off;		/* into struct cli */
} options[] = {
	{"-v", OPT_FLAG, offsetof(struct cli, verbose)},
	{"--check", OPT_FLAG, offsetof(struct cli, check)},
	{"-h", OPT_HELP, 0},
	{"--help", OPT_HELP, 0},
	{"--out", OPT_VALUE, offsetof(struct cli, eo.out_dir)},
	{"--cache", OPT_VALUE, offsetof(struct cli, cache)},
	{"--hostd", OPT_VALUE, offsetof(struct cli, hostd)},
	{"--env", OPT_VALUE, offsetof(struct cli, envpath)},
	{"--layers-at", OPT_VALUE, offsetof(struct cli, eo.layers_at)},
	{"--secrets-at", OPT_VALUE, offsetof(struct cli, eo.secrets_at)},
	{"--volume-root", OPT_VALUE, offsetof(struct cli, eo.volume_root)},
};

static const struct option *find_option(const char *a)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (!strcmp(options[i].name, a))
			return &options[i];
	return NULL;
}

/* -1: go on; otherwise the exit status (0: --help; 2: a usage error). */
static int parse_args(struct cli *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const struct option *opt = find_option(a);

		if (opt && opt->kind == OPT_FLAG) {
			*(int *)((char *)o + opt->off) = 1;
		} else if (opt && opt->kind == OPT_HELP) {
			fputs(usage, stdout);
			return 0;
		} else if (a[0] == '-' && a[1] == '-' && !v) {
			fprintf(stderr, "hostd-build: %s needs a value\n%s", a, usage);
			return 2;
		} else if (opt) {
			*(const char **)((char *)o + opt->off) = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "hostd-build: unknown option '%s'\n%s", a, usage);
			return 2;
		} else if (o->file) {
			fprintf(stderr, "hostd-build: one compose file only\n%s", usage);
			return 2;
		} else {
			o->file = a;
		}
	}
	if (!o->file) {
		fputs(usage, stderr);
		return 2;
	}
	return -1;
}

struct envctx {
	struct envfile ef;
	int loaded;
};

/* Compose: the process environment wins over .env. */
static const char *env_get(void *ctx, const char *name, size_t len)
{
	struct envctx *e = ctx;
	char key[256];

	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	if (getenv(key))
		return getenv(key);
	return e->loaded ? envfile_get(&e->ef, key) : NULL;
}

static void env_unset(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	fprintf(stderr, "hostd-build: warning: the %.*s variable is not set; defaulting to a "
		"blank string\n", (int)len, name);
}

/* First build: .env from the committed .env.example. */
static int env_from_example(const char *envpath)
{
	char *text = NULL, example[PATH_MAX];
	size_t len;
	struct stat st;

	if (pathf(example, sizeof(example), "%s.example", envpath) < 0)
		return -1;
	if (stat(envpath, &st) == 0 || errno != ENOENT || read_whole(example, &text, &len) < 0)
		return 0;
	if (write_file(envpath, text, len, 0600) < 0) {
		fprintf(stderr, "hostd-build: write %s: %s\n", envpath, strerror(errno));
		free(text);
		return -1;
	}
	printf("created %s from %s\n", envpath, example);
	free(text);
	return 0;
}

/* The .env (next to the compose file unless --env), as Compose reads it. */
static int load_env(struct cli *o, struct envctx *envc)
{
	static char envdefault[PATH_MAX];
	char *text = NULL, err[1024];
	size_t len;

	if (!o->envpath) {
		const char *slash = strrchr(o->file, '/');

		if (pathf(envdefault, sizeof(envdefault), "%.*s.env",
			  slash ? (int)(slash - o->file + 1) : 0, o->file) < 0)
			return -1;
		o->envpath = envdefault;
	}
	if (!o->check && env_from_example(o->envpath) < 0)
		return -1;
	if (read_whole(o->envpath, &text, &len) == 0) {
		int r = envfile_parse(&envc->ef, o->envpath, text, len, NULL, err, sizeof(err));

		free(text);
		if (r < 0) {
			fprintf(stderr, "hostd-build: %s\n", err);
			return -1;
		}
		envc->loaded = 1;
	} else if (errno != ENOENT) {
		fprintf(stderr, "hostd-build: read %s: %s\n", o->envpath, strerror(errno));
		return -1;
	}
	return 0;
}

/* The hostd that runs the RUN steps: --hostd, or the one next to us. */
static int find_hostd(void)
{
	static char self[PATH_MAX], hostd_default[PATH_MAX];

	if (!B.hostd) {
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char *slash;

		self[l > 0 ? l : 0] = '\0';
		slash = strrchr(self, '/');
		if (pathf(hostd_default, sizeof(hostd_default), "%.*s/hostd",
			  slash ? (int)(slash - self) : 1, slash ? self : ".") < 0)
			return -1;
		B.hostd = hostd_default;
	}
	if (access(B.hostd, X_OK) < 0) {
		fprintf(stderr, "hostd-build: %s (runs the RUN steps): %s\n", B.hostd, strerror(errno));
		return -1;
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	cache_cleanup();
	_exit(130);
}

/* Root, hostd, a private mount namespace, the cache and this run's
 * scratch directory. */
static int set_up(void)
{
	char layers[PATH_MAX];

	if (geteuid() != 0) {
		fprintf(stderr, "hostd-build: building needs root (mounts, mmdebstrap, containers)\n");
		return -1;
	}
	if (find_hostd() < 0)
		return -1;
	/* Mounts made while building stay in a namespace of our own. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "hostd-build: a private mount namespace: %s\n", strerror(errno));
		return -1;
	}
	if (pathf(layers, sizeof(layers), "%s/layers", B.cache) < 0)
		return -1;
	if (mkdir_p(layers, 0755) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", layers, strerror(errno));
		return -1;
	}
	if (pathf(B.tmp, sizeof(B.tmp), "%s/tmp/build.%d", B.cache, (int)getpid()) < 0)
		return -1;
	if (mkdir_p(B.tmp, 0700) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", B.tmp, strerror(errno));
		B.tmp[0] = '\0';
		return -1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	return 0;
}

/* Images in file order; one built by an earlier service is reused. The
 * number built in *n (each to be freed, even on failure). */
static int build_images(const struct compose *c, struct image *images, int max, int *n)
{
	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *s = &c->services[i];
		int have = 0;

		for (int k = 0; k < *n; k++)
			have |= !strcmp(images[k].name, s->image);
		if (!s->has_build || have)
			continue;
		if (*n >= max) {
			fprintf(stderr, "hostd-build: too many images\n");
			return -1;
		}
		if (build_image(s, &images[*n], images, *n) < 0) {
			image_free(&images[*n]);
			return -1;
		}
		++*n;
	}
	return 0;
}

/* Build, then write the plans and the image configs. */
static int build_stack(const struct compose *c, const struct emit_opts *eo, double t0)
{
	static struct image images[64];
	int nimages = 0, rc = -1;

	if (make_secrets(c) < 0 || set_up() < 0 ||
	    build_images(c, images, (int)(sizeof(images) / sizeof(images[0])), &nimages) < 0)
		goto out;
	for (int i = 0; i < nimages; i++)
		if (image_failed(&images[i])) {
			build_oom();
			goto out;
		}
	if (emit_plans(c, images, nimages, eo) < 0 ||
	    write_image_configs(images, nimages, eo->out_dir) < 0)
		goto out;
	printf("built %d images: %d steps, %d run (the others from the cache or config only), "
	       "in %.1f s; plans in %s/plans\n", nimages, B.steps_total, B.steps_run, now_s() - t0,
	       eo->out_dir);
	rc = 0;
out:
	cache_cleanup();
	for (int i = 0; i < nimages; i++)
		image_free(&images[i]);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli o = {.eo = {.out_dir = "out/stack", .layers_at = "/images/layers",
			       .secrets_at = "/etc/hostd/secrets", .volume_root = NULL}};
	struct envctx envc = {0};
	struct env_lookup el = {.get = env_get, .unset = env_unset, .ctx = &envc};
	struct compose c = {0};
	char err[1024];
	double t0 = now_s();
	int rc = 1;

	o.cache = getenv("INCEPTION_CACHE") ? getenv("INCEPTION_CACHE") : "/var/cache/inception";
	if ((rc = parse_args(&o, argc, argv)) >= 0)
		return rc;
	rc = 1;
	B.cache = o.cache;
	B.hostd = o.hostd;
	B.verbose = o.verbose;
	if (load_env(&o, &envc) < 0)
		goto out;
	if (compose_load(&c, o.file, &el, err, sizeof(err)) < 0) {
		fprintf(stderr, "hostd-build: %s\n", err);
		goto out;
	}
	for (int i = 0; i < c.nwarnings; i++)
		fprintf(stderr, "hostd-build: warning: %s\n", c.warnings[i]);
	if (o.check) {
		printf("%s: %d services, valid\n", o.file, c.nservices);
		rc = 0;
	} else if (build_stack(&c, &o.eo, t0) == 0) {
		rc = 0;
	}
out:
	compose_free(&c);
	if (envc.loaded)
		envfile_free(&envc.ef);
	return rc;
}
