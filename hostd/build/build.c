/* hostd-build: the stack's Dockerfiles into image layers, and its
 * docker-compose.yml into hostd's plans, on the build host, without any
 * container engine.
 *
 *   FROM debian:bookworm   the base: mmdebstrap (minbase) from the host's
 *                          own apt sources, cached by what went into it
 *   RUN                    `hostd run` over the layers so far, with the
 *                          host's network; its upper directory (whiteouts
 *                          and opaque directories kept) is the new layer
 *   COPY / ADD / WORKDIR   done in an overlay of the layers so far,
 *                          mounted in a private mount namespace; the
 *                          overlay's upper directory is the new layer
 *   everything else        image config only
 *
 * Each step has a key: the SHA-256 of the previous step's key and what
 * the step does (its words after substitution, the config it runs with,
 * and for COPY the bytes, names and modes of what it copies). A layer is
 * kept in the cache as <key>.erofs (lz4hc); a step whose key is there is not
 * run again, and neither is anything before it. */
#include "build/build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "build/compose/compose.h"
#include "build/copy.h"
#include "build/digest.h"
#include "build/dockerfile/dockerfile.h"
#include "build/compose/envfile.h"
#include "build/ignore.h"
#include "common/layer.h"
#include "common/util.h"

#define BASE_IMAGE "debian:bookworm"
/* Bump when the builder's output for the same input changes. */
#define BUILDER_VERSION "hostd-build 1"

/* ---- string vectors ----------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "hostd-build: out of memory\n");
		exit(1);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "hostd-build: out of memory\n");
		exit(1);
	}
	return d;
}

void image_free(struct image *im)
{
	free(im->name);
	free(im->user);
	free(im->workdir);
	free(im->stop_signal);
	strv_free(&im->layers);
	strv_free(&im->layer_keys);
	strv_free(&im->env);
	strv_free(&im->cmd);
	strv_free(&im->entrypoint);
	strv_free(&im->shell);
	strv_free(&im->exposed);
	strv_free(&im->labels);
	strv_free(&im->health_test);
	memset(im, 0, sizeof(*im));
}

void pathf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "hostd-build: a path is too long (%.60s...)\n", out);
		exit(1);
	}
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? xstrdup(v) : NULL;
}

/* The same image, a second time (FROM a local image). */
static void image_copy(struct image *dst, const struct image *src)
{
	memcpy(dst->key, src->key, sizeof(dst->key));
	strv_copy(&dst->layers, &src->layers);
	strv_copy(&dst->layer_keys, &src->layer_keys);
	strv_copy(&dst->env, &src->env);
	strv_copy(&dst->cmd, &src->cmd);
	strv_copy(&dst->entrypoint, &src->entrypoint);
	strv_copy(&dst->shell, &src->shell);
	strv_copy(&dst->exposed, &src->exposed);
	strv_copy(&dst->labels, &src->labels);
	strv_copy(&dst->health_test, &src->health_test);
	set_str(&dst->user, src->user);
	set_str(&dst->workdir, src->workdir);
	set_str(&dst->stop_signal, src->stop_signal);
	dst->health = src->health;
	dst->health_interval_ms = src->health_interval_ms;
	dst->health_timeout_ms = src->health_timeout_ms;
	dst->health_start_ms = src->health_start_ms;
	dst->health_retries = src->health_retries;
}

/* ---- the build's settings and scratch space ------------------------------------- */

static struct {
	const char *cache;		/* the cache's root */
	const char *hostd;		/* the hostd binary for RUN */
	char tmp[PATH_MAX];		/* this run's scratch directory */
	int verbose;
	int mounted;			/* layers mounted under tmp/mnt */
	char base_key[65];
	char base_layer[PATH_MAX];
	int steps_total, steps_run;
} B;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv; its output goes to log (a file path) or, verbose, to ours.
 * Returns its exit status as a shell reports it, or -1. */
static int run_cmd(char *const argv[], const char *log)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "hostd-build: fork for %s: %s\n", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (log && !B.verbose) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "hostd-build: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "hostd-build: wait for %s: %s\n", argv[0], strerror(errno));
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last lines of a log, indented, for a failed step. */
static void show_tail(const char *log, int lines)
{
	static char buf[1 << 16];
	ssize_t n = read_file(log, buf, sizeof(buf));
	int seen = 0;
	ssize_t i;

	if (n <= 0)
		return;
	for (i = n - 1; i > 0; i--)
		if (buf[i - 1] == '\n' && ++seen >= lines)
			break;
	for (char *l = buf + i; *l;) {
		char *nl = strchr(l, '\n');

		fprintf(stderr, "    | %.*s\n", (int)(nl ? nl - l : (long)strlen(l)), l);
		if (!nl)
			break;
		l = nl + 1;
	}
}

static int rm_rf(const char *path)
{
	char *const argv[] = {"rm", "-rf", "--one-file-system", (char *)path, NULL};

	return run_cmd(argv, NULL) == 0 ? 0 : -1;
}

static int dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/* Pack dir into the cache as <key>.erofs (written aside, then renamed):
 * EROFS with lz4hc, because the appliance's 6.1 kernel can id-map an
 * EROFS mount for a container's user namespace and cannot a squashfs one
 * (layer.h), and lz4 decompresses fastest under emulation. The UUID comes
 * from the key, so the same layer is the same bytes. */
static int pack_layer(const char *dir, const char *key, char *out, size_t outlen)
{
	char tmp[PATH_MAX], log[PATH_MAX], uuid[48];
	char *const argv[] = {"mkfs.erofs", "-zlz4hc", "--quiet", "--preserve-mtime", uuid,
			      tmp, (char *)dir, NULL};

	snprintf(uuid, sizeof(uuid), "-U%.8s-%.4s-%.4s-%.4s-%.12s", key, key + 8, key + 12,
		 key + 16, key + 20);
	pathf(out, outlen, "%s/layers/%s.erofs", B.cache, key);
	pathf(tmp, sizeof(tmp), "%s/layers/.%s.erofs.%d", B.cache, key, (int)getpid());
	pathf(log, sizeof(log), "%s/mkfs.erofs.log", B.tmp);
	if (run_cmd(argv, log) != 0) {
		fprintf(stderr, "hostd-build: mkfs.erofs %s failed:\n", dir);
		show_tail(log, 10);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, out) < 0) {
		fprintf(stderr, "hostd-build: rename %s to %s: %s\n", tmp, out, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The mount point of a cached layer in this run (mounted on first use). */
static int layer_dir(const char *file, const char *key, char *out, size_t len)
{
	char err[600];
	struct stat st;

	pathf(out, len, "%s/mnt/%s", B.tmp, key);
	if (stat(out, &st) == 0)
		return 0;
	if (mkdir_p(out, 0755) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", out, strerror(errno));
		return -1;
	}
	if (layer_mount(file, out, -1, err, sizeof(err)) < 0) {
		fprintf(stderr, "hostd-build: %s: %s\n", err, strerror(errno));
		rmdir(out);
		return -1;
	}
	B.mounted = 1;
	return 0;
}

/* ---- the base: debian:bookworm from the host's apt sources ---------------------- */

/* The host's apt sources (every .list and .sources file) as mmdebstrap
 * arguments, and into the key. */
static int host_sources(struct strv *files, struct digest *d)
{
	static const char *const dirs[] = {"/etc/apt/sources.list", "/etc/apt/sources.list.d"};

	for (size_t i = 0; i < 2; i++) {
		struct dirent **list;
		struct stat st;
		int n;

		if (stat(dirs[i], &st) < 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			char hex[65];

			if (st.st_size == 0 || digest_file(dirs[i], hex) < 0)
				continue;
			strv_add(files, dirs[i]);
			digest_str(d, hex);
			continue;
		}
		n = scandir(dirs[i], &list, NULL, alphasort);
		for (int k = 0; k < n; k++) {
			const char *nm = list[k]->d_name;
			size_t l = strlen(nm);
			char path[PATH_MAX], hex[65];

			if ((l > 5 && !strcmp(nm + l - 5, ".list")) ||
			    (l > 8 && !strcmp(nm + l - 8, ".sources"))) {
				pathf(path, sizeof(path), "%s/%s", dirs[i], nm);
				if (digest_file(path, hex) == 0) {
					strv_add(files, path);
					digest_str(d, path);
					digest_str(d, hex);
				}
			}
			free(list[k]);
		}
		if (n >= 0)
			free(list);
	}
	if (!files->n) {
		fprintf(stderr, "hostd-build: the host has no apt sources (/etc/apt/sources.list, "
			"/etc/apt/sources.list.d/*.sources|*.list): the base image comes from them\n");
		return -1;
	}
	return 0;
}

/* The host's apt options that decide whether its mirror can be used at all
 * (a snapshot mirror's Valid-Until, a proxy), handed to mmdebstrap. */
static void host_apt_options(struct strv *opts, struct digest *d)
{
	static const char *const keys[] = {"Acquire::Check-Valid-Until", "Acquire::Check-Date",
					   "Acquire::http::Proxy", "Acquire::https::Proxy"};
	FILE *f = popen("apt-config dump 2>/dev/null", "r");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i]);

			if (!strncmp(line, keys[i], kl) && line[kl] == ' ') {
				char *semi = strrchr(line, ';');

				if (semi)
					*semi = '\0';
				strv_add(opts, line);
				digest_str(d, line);
			}
		}
	}
	pclose(f);
}

/* Files mmdebstrap copies from the build host that have no place in an
 * image: the runtime provides them per container. */
static int tidy_base(const char *root)
{
	static const char *const etc[] = {"hostname", "hosts", "resolv.conf"};

	for (size_t i = 0; i < 3; i++) {
		char p[PATH_MAX];

		pathf(p, sizeof(p), "%s/etc/%s", root, etc[i]);
		if ((unlink(p) < 0 && errno != ENOENT) || write_file(p, "", 0, 0644) < 0 ||
		    chmod(p, 0644) < 0) {
			fprintf(stderr, "hostd-build: reset %s: %s\n", p, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int ensure_base(void)
{
	struct strv files = {0}, opts = {0};
	char dir[PATH_MAX], root[PATH_MAX], log[PATH_MAX], hex[65];
	struct digest d;
	struct stat st;
	double t0 = now_s();
	int rc = -1;

	if (B.base_key[0])
		return 0;
	if (digest_init(&d) < 0)
		return -1;
	digest_str(&d, BUILDER_VERSION " base: mmdebstrap --variant=minbase bookworm");
	if (host_sources(&files, &d) < 0) {
		digest_hex(&d, hex);
		return -1;
	}
	host_apt_options(&opts, &d);
	digest_hex(&d, B.base_key);
	pathf(B.base_layer, sizeof(B.base_layer), "%s/layers/%s.erofs", B.cache, B.base_key);
	if (stat(B.base_layer, &st) == 0) {
		printf("[base] debian:bookworm: cached (%.12s)\n", B.base_key);
		rc = 0;
		goto out;
	}
	printf("[base] debian:bookworm: mmdebstrap --variant=minbase from the host's apt "
	       "sources ...\n");
	fflush(stdout);
	pathf(dir, sizeof(dir), "%s/base", B.tmp);
	pathf(root, sizeof(root), "%s/base/rootfs", B.tmp);
	pathf(log, sizeof(log), "%s/base/mmdebstrap.log", B.tmp);
	if (mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
		goto out;
	}
	{
		struct strv argv = {0};
		int r;

		strv_add(&argv, "mmdebstrap");
		strv_add(&argv, "--variant=minbase");
		strv_add(&argv, "--quiet");
		for (int i = 0; i < opts.n; i++) {
			char o[1100];

			snprintf(o, sizeof(o), "--aptopt=%s", opts.v[i]);
			strv_add(&argv, o);
		}
		strv_add(&argv, "bookworm");
		strv_add(&argv, root);
		for (int i = 0; i < files.n; i++)
			strv_add(&argv, files.v[i]);
		r = run_cmd(argv.v, log);
		strv_free(&argv);
		if (r != 0) {
			fprintf(stderr, "hostd-build: mmdebstrap failed (exit %d); its last lines:\n", r);
			show_tail(log, 15);
			goto out;
		}
	}
	if (tidy_base(root) < 0 || pack_layer(root, B.base_key, B.base_layer,
					     sizeof(B.base_layer)) < 0)
		goto out;
	rm_rf(root);
	printf("[base] debian:bookworm: built in %.1f s (%.12s)\n", now_s() - t0, B.base_key);
	rc = 0;
out:
	strv_free(&files);
	strv_free(&opts);
	if (rc < 0)
		B.base_key[0] = '\0';
	return rc;
}

/* ---- one image ------------------------------------------------------------------- */

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
	char err[1024];
};

/* Variables for substitution: ENV first, then ARGs in scope. */
static const char *lookup(void *ctx, const char *name, size_t len)
{
	struct bctx *b = ctx;
	const char *v = strv_getenv(&b->im->env, name, len);

	return v ? v : strv_getenv(&b->args, name, len);
}

static const char *lookup_global(void *ctx, const char *name, size_t len)
{
	return strv_getenv(&((struct bctx *)ctx)->global_args, name, len);
}

static int expand(struct bctx *b, const struct df_inst *in, const char *word, char **out,
		  int global)
{
	char why[512];

	if (df_expand(word, b->df.escape, global ? lookup_global : lookup, b, out, why,
		      sizeof(why)) < 0) {
		snprintf(b->err, sizeof(b->err), "%s:%d: %s: %s", b->dockerfile, in->line,
			 df_kind_name(in->kind), why);
		return -1;
	}
	return 0;
}

static int fail(struct bctx *b, const struct df_inst *in, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct bctx *b, const struct df_inst *in, const char *fmt, ...)
{
	char msg[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(b->err, sizeof(b->err), "%s:%d: %s: %s", b->dockerfile, in->line,
		 df_kind_name(in->kind), msg);
	return -1;
}

/* The value of a build arg from the compose file, if it gives one. */
static const char *build_arg(const struct bctx *b, const char *name)
{
	for (int i = b->nbuild_args - 1; i >= 0; i--)
		if (!strcmp(b->build_args[i].key, name))
			return b->build_args[i].value;
	return NULL;
}

/* The step key: the previous key and the step's description. */
static void step_key(struct image *im, const struct strv *what)
{
	struct digest d;

	if (digest_init(&d) < 0) {
		fprintf(stderr, "hostd-build: out of memory\n");
		exit(1);
	}
	digest_str(&d, im->key);
	for (int i = 0; i < what->n; i++)
		digest_str(&d, what->v[i]);
	digest_hex(&d, im->key);
}

/* What a RUN sees of the config, in the key: env, user, workdir, args. */
static void key_config(struct bctx *b, struct strv *what)
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

static void progress(struct bctx *b, const struct df_inst *in, const char *state, double secs)
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

/* The cached layer for the image's current key, if there is one: 1 (a
 * layer, appended), 2 (the step changed nothing), 0 (not cached). */
static int cached(struct image *im)
{
	char path[PATH_MAX];
	struct stat st;

	pathf(path, sizeof(path), "%s/layers/%s.erofs", B.cache, im->key);
	if (stat(path, &st) == 0) {
		strv_add(&im->layers, path);
		strv_add(&im->layer_keys, im->key);
		return 1;
	}
	pathf(path, sizeof(path), "%s/layers/%s.empty", B.cache, im->key);
	return stat(path, &st) == 0 ? 2 : 0;
}

/* A step's result: upper becomes the layer for the current key. */
static int keep_layer(struct image *im, const char *upper)
{
	char path[PATH_MAX];

	if (dir_empty(upper)) {
		pathf(path, sizeof(path), "%s/layers/%s.empty", B.cache, im->key);
		if (write_file(path, "", 0, 0644) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (pack_layer(upper, im->key, path, sizeof(path)) < 0)
		return -1;
	strv_add(&im->layers, path);
	strv_add(&im->layer_keys, im->key);
	return 0;
}

/* A fresh scratch directory for one step: upper, work, root (the
 * overlay) and an empty directory. */
static int step_dirs(struct bctx *b, char *dir, size_t len)
{
	static const char *const sub[] = {"upper", "work", "root", "empty"};

	pathf(dir, len, "%s/step-%s-%d", B.tmp, b->service, b->stepno);
	if (rm_rf(dir) < 0)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		char p[PATH_MAX];

		pathf(p, sizeof(p), "%s/%s", dir, sub[i]);
		if (mkdir_p(p, 0755) < 0) {
			fprintf(stderr, "hostd-build: mkdir %s: %s\n", p, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Mount the overlay of the image's layers with dir/upper on dir/root. */
static int mount_view(struct image *im, const char *dir)
{
	static char opts[65536];
	size_t n = 0;

	n += (size_t)snprintf(opts + n, sizeof(opts) - n, "lowerdir=");
	for (int i = im->layers.n - 1; i >= 0; i--) {
		char ld[PATH_MAX];

		if (layer_dir(im->layers.v[i], im->layer_keys.v[i], ld, sizeof(ld)) < 0)
			return -1;
		n += (size_t)snprintf(opts + n, sizeof(opts) - n, "%s%s", ld, i ? ":" : "");
	}
	n += (size_t)snprintf(opts + n, sizeof(opts) - n, ",upperdir=%s/upper,workdir=%s/work",
			      dir, dir);
	if (n >= sizeof(opts)) {
		fprintf(stderr, "hostd-build: overlay options too long\n");
		return -1;
	}
	{
		char root[PATH_MAX];

		pathf(root, sizeof(root), "%s/root", dir);
		if (mount("overlay", root, "overlay", 0, opts) < 0) {
			fprintf(stderr, "hostd-build: mount the image's overlay on %s: %s\n", root,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void umount_view(const char *dir)
{
	char root[PATH_MAX];

	pathf(root, sizeof(root), "%s/root", dir);
	if (umount2(root, MNT_DETACH) < 0)
		fprintf(stderr, "hostd-build: unmount %s: %s\n", root, strerror(errno));
}

/* The overlay keeps bookkeeping of its own in the upper directory; none
 * of it belongs in a layer. */
static void scrub_upper(const char *dir)
{
	char p[PATH_MAX];

	pathf(p, sizeof(p), "%s/upper", dir);
	if (removexattr(p, "trusted.overlay.origin") < 0 && errno != ENODATA)
		(void)0;
	if (removexattr(p, "trusted.overlay.impure") < 0 && errno != ENODATA)
		(void)0;
}

static int do_run(struct bctx *b, const struct df_inst *in)
{
	struct strv argv = {0}, what = {0}, cmd = {0};
	char dir[PATH_MAX], log[PATH_MAX], state[PATH_MAX];
	double t0 = now_s();
	int r, rc = -1;

	if (in->json) {
		for (int i = 0; i < in->nargs; i++)
			strv_add(&cmd, in->args[i]);
	} else {
		for (int i = 0; i < b->im->shell.n; i++)
			strv_add(&cmd, b->im->shell.v[i]);
		strv_add(&cmd, in->nargs ? in->args[0] : "");
	}
	if (!cmd.n) {
		strv_free(&cmd);
		return fail(b, in, "nothing to run");
	}
	strv_add(&what, "RUN");
	for (int i = 0; i < cmd.n; i++)
		strv_add(&what, cmd.v[i]);
	key_config(b, &what);
	step_key(b->im, &what);
	strv_free(&what);
	if ((r = cached(b->im))) {
		progress(b, in, "cached", -1);
		strv_free(&cmd);
		return 0;
	}
	if (step_dirs(b, dir, sizeof(dir)) < 0)
		goto out;
	pathf(log, sizeof(log), "%s.log", dir);
	pathf(state, sizeof(state), "%s/state", dir);
	strv_add(&argv, B.hostd);
	strv_add(&argv, "run");
	for (int i = 0; i < b->im->layers.n; i++) {
		char ld[PATH_MAX];

		if (layer_dir(b->im->layers.v[i], b->im->layer_keys.v[i], ld, sizeof(ld)) < 0)
			goto out;
		strv_add(&argv, "--layer");
		strv_add(&argv, ld);
	}
	strv_add(&argv, "--state");
	strv_add(&argv, state);
	strv_add(&argv, "--net");
	strv_add(&argv, "host");
	/* As docker build: the step's root is the build host's root, so what
	 * it installs keeps the owners the image says (a user namespace
	 * would store its own VM ids in the layer). Every other protection
	 * stays: devices, masks, capabilities, seccomp. */
	strv_add(&argv, "--userns");
	strv_add(&argv, "host");
	strv_add(&argv, "--hostname");
	strv_add(&argv, "buildkitsandbox");
	if (b->im->workdir) {
		strv_add(&argv, "--workdir");
		strv_add(&argv, b->im->workdir);
	}
	if (b->im->user) {
		strv_add(&argv, "--user");
		strv_add(&argv, b->im->user);
	}
	for (int i = 0; i < b->im->env.n; i++) {
		strv_add(&argv, "--env");
		strv_add(&argv, b->im->env.v[i]);
	}
	/* Build args reach RUN as environment, below ENV of the same name. */
	for (int i = 0; i < b->args.n; i++) {
		size_t kl = strcspn(b->args.v[i], "=");

		if (!strv_getenv(&b->im->env, b->args.v[i], kl)) {
			strv_add(&argv, "--env");
			strv_add(&argv, b->args.v[i]);
		}
	}
	strv_add(&argv, "--");
	for (int i = 0; i < cmd.n; i++)
		strv_add(&argv, cmd.v[i]);
	progress(b, in, "run", -1);
	r = run_cmd(argv.v, log);
	if (r != 0) {
		fail(b, in, "the command exited %d", r);
		if (!B.verbose) {
			fprintf(stderr, "hostd-build: %s; its last output lines:\n", b->err);
			show_tail(log, 20);
			b->err[0] = '\0';
		}
		goto out;
	}
	{
		char upper[PATH_MAX];

		pathf(upper, sizeof(upper), "%s/upper", state);
		if (keep_layer(b->im, upper) < 0)
			goto out;
	}
	B.steps_run++;
	b->im->steps_run++;
	progress(b, in, "built", now_s() - t0);
	rc = 0;
out:
	strv_free(&argv);
	strv_free(&cmd);
	if (rc == 0 || !B.verbose)
		rm_rf(dir);
	return rc;
}

/* COPY / ADD; WORKDIR also comes here (to create the directory). */
static int do_copy(struct bctx *b, const struct df_inst *in, const char *workdir_only)
{
	struct strv srcs = {0}, paths = {0}, what = {0};
	struct copy_opts o = {.add = in->kind == DF_ADD};
	char dir[PATH_MAX] = "", dest[PATH_MAX], root[PATH_MAX], *chown = NULL, *chmod_ = NULL;
	double t0 = now_s();
	int rc = -1;

	if (workdir_only) {
		pathf(dest, sizeof(dest), "%s", workdir_only);
		strv_add(&what, "WORKDIR");
		strv_add(&what, dest);
	} else {
		char *d = NULL;

		for (int i = 0; i + 1 < in->nargs; i++) {
			char *s = NULL;

			if (expand(b, in, in->args[i], &s, 0) < 0)
				goto out;
			if (strstr(s, "://")) {
				free(s);
				fail(b, in, "%s: only local files can be added (no URLs)", in->args[i]);
				goto out;
			}
			strv_add(&srcs, s);
			free(s);
		}
		if (expand(b, in, in->args[in->nargs - 1], &d, 0) < 0)
			goto out;
		if (d[0] == '/')
			pathf(dest, sizeof(dest), "%s", d);
		else	/* relative to WORKDIR */
			pathf(dest, sizeof(dest), "%s/%s",
				 b->im->workdir && strcmp(b->im->workdir, "/") ? b->im->workdir : "",
				 d);
		free(d);
		if ((in->chown && expand(b, in, in->chown, &chown, 0) < 0) ||
		    (in->chmod && expand(b, in, in->chmod, &chmod_, 0) < 0))
			goto out;
		o.chown = chown;
		o.chmod = chmod_;
		{
			char why[800];

			if (copy_sources(b->context, &b->ig, (const char *const *)srcs.v, srcs.n,
					 &paths, why, sizeof(why)) < 0) {
				fail(b, in, "%s", why);
				goto out;
			}
		}
		strv_add(&what, df_kind_name(in->kind));
		strv_add(&what, dest);
		strv_add(&what, chown ? chown : "");
		strv_add(&what, chmod_ ? chmod_ : "");
		{
			struct digest d2;
			char hex[65], why[800];

			if (digest_init(&d2) < 0)
				goto out;
			if (copy_digest(b->context, &b->ig, &paths, &d2, why, sizeof(why)) < 0) {
				digest_hex(&d2, hex);
				fail(b, in, "%s", why);
				goto out;
			}
			digest_hex(&d2, hex);
			strv_add(&what, hex);
		}
	}
	step_key(b->im, &what);
	if (cached(b->im)) {
		if (!workdir_only)
			progress(b, in, "cached", -1);
		rc = 0;
		goto out;
	}
	if (step_dirs(b, dir, sizeof(dir)) < 0 || mount_view(b->im, dir) < 0)
		goto out;
	pathf(root, sizeof(root), "%s/root", dir);
	if (workdir_only) {
		struct strv none = {0};
		struct copy_opts wo = {0};
		char empty[PATH_MAX], why[800];

		/* Copy an empty directory's contents to the path: that makes
		 * the directory and its missing parents, inside the image's
		 * chroot, and nothing else. */
		pathf(empty, sizeof(empty), "%s/empty", dir);
		strv_add(&none, ".");
		if (copy_into(root, empty, &b->ig, &none, dest, &wo, why, sizeof(why)) < 0) {
			strv_free(&none);
			umount_view(dir);
			fail(b, in, "create %s: %s", dest, why);
			goto out;
		}
		strv_free(&none);
	} else {
		char why[800];

		if (copy_into(root, b->context, &b->ig, &paths, dest, &o, why, sizeof(why)) < 0) {
			umount_view(dir);
			fail(b, in, "%s", why);
			goto out;
		}
	}
	umount_view(dir);
	scrub_upper(dir);
	{
		char upper[PATH_MAX];

		pathf(upper, sizeof(upper), "%s/upper", dir);
		if (keep_layer(b->im, upper) < 0)
			goto out;
	}
	B.steps_run++;
	b->im->steps_run++;
	if (!workdir_only)
		progress(b, in, "built", now_s() - t0);
	rc = 0;
out:
	if (dir[0])
		rm_rf(dir);
	free(chown);
	free(chmod_);
	strv_free(&srcs);
	strv_free(&paths);
	strv_free(&what);
	return rc;
}

/* CMD / ENTRYPOINT / HEALTHCHECK CMD's argv: exec form as is; shell form
 * through the image's SHELL. */
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

static int do_from(struct bctx *b, const struct df_inst *in)
{
	struct strv what = {0};
	char *img = NULL;

	if (expand(b, in, in->image, &img, 1) < 0)
		return -1;
	image_free(b->im);
	b->im->shell.n = 0;
	strv_add(&b->im->shell, "/bin/sh");
	strv_add(&b->im->shell, "-c");
	b->im->health_retries = -1;
	strv_clear(&b->args);
	if (!strcmp(img, BASE_IMAGE)) {
		if (ensure_base() < 0) {
			free(img);
			return fail(b, in, "the base image could not be made");
		}
		memcpy(b->im->key, B.base_key, sizeof(b->im->key));
		strv_add(&b->im->layers, B.base_layer);
		strv_add(&b->im->layer_keys, B.base_key);
		/* What Docker's debian image says about itself. */
		strv_setenv(&b->im->env, "PATH",
			    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		strv_add(&b->im->cmd, "bash");
	} else {
		int found = 0;

		for (int i = 0; i < b->nbuilt; i++)
			if (b->built[i].name && !strcmp(b->built[i].name, img)) {
				image_copy(b->im, &b->built[i]);
				found = 1;
				break;
			}
		if (!found) {
			fail(b, in, "%s: only %s or an image this stack builds (built before "
			     "this one) can be a base: there is no registry to pull from", img,
			     BASE_IMAGE);
			free(img);
			return -1;
		}
	}
	strv_add(&what, "FROM");
	strv_add(&what, img);
	step_key(b->im, &what);
	strv_free(&what);
	progress(b, in, "base", -1);
	free(img);
	return 0;
}

/* The instruction's one word, substituted, into *dst. */
static int expand_set(struct bctx *b, const struct df_inst *in, char **dst)
{
	char *v = NULL;

	if (expand(b, in, in->args[0], &v, 0) < 0)
		return -1;
	set_str(dst, v);
	free(v);
	return 0;
}

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
	return 0;
}

/* One instruction. */
static int step(struct bctx *b, const struct df_inst *in)
{
	struct image *im = b->im;
	struct strv what = {0};
	int rc = 0;

	if (in->kind != DF_FROM && in->kind != DF_ARG && !im->layers.n)
		return fail(b, in, "comes before FROM");
	switch (in->kind) {
	case DF_FROM:
		return do_from(b, in);
	case DF_RUN:
		return do_run(b, in);
	case DF_COPY:
	case DF_ADD:
		return do_copy(b, in, NULL);
	case DF_WORKDIR: {
		char *w = NULL, p[PATH_MAX];

		if (expand(b, in, in->args[0], &w, 0) < 0)
			return -1;
		if (w[0] == '/')
			pathf(p, sizeof(p), "%s", w);
		else
			pathf(p, sizeof(p), "%s/%s",
				 im->workdir && strcmp(im->workdir, "/") ? im->workdir : "", w);
		free(w);
		set_str(&im->workdir, p);
		progress(b, in, "config", -1);
		return do_copy(b, in, p);
	}
	case DF_ENV:
		/* Each pair sees the variables before the instruction. */
		if (expand_pairs(b, in, &what) < 0)
			return -1;
		for (int i = 0; i + 1 < what.n; i += 2)
			strv_setenv(&im->env, what.v[i], what.v[i + 1]);
		break;
	case DF_ARG:
		for (int i = 0; i < in->nkv; i++) {
			const char *given = build_arg(b, in->kv[i].key);
			struct strv *scope = im->layers.n ? &b->args : &b->global_args;
			char *v = NULL;

			if (given)
				v = xstrdup(given);
			else if (im->layers.n && strv_getenv(&b->global_args, in->kv[i].key,
							     strlen(in->kv[i].key)))
				v = xstrdup(strv_getenv(&b->global_args, in->kv[i].key,
							strlen(in->kv[i].key)));
			else if (in->kv[i].value &&
				 expand(b, in, in->kv[i].value, &v, !im->layers.n) < 0)
				return -1;
			if (v) {
				strv_setenv(scope, in->kv[i].key, v);
				free(v);
			}
			strv_add(&what, in->kv[i].key);
		}
		if (!im->layers.n)
			return 0;	/* before FROM: only FROM sees it */
		break;
	case DF_LABEL: {
		struct strv kv = {0};

		if (expand_pairs(b, in, &kv) < 0) {
			strv_free(&kv);
			return -1;
		}
		for (int i = 0; i + 1 < kv.n; i += 2)
			strv_setenv(&im->labels, kv.v[i], kv.v[i + 1]);
		strv_free(&kv);
		break;
	}
	case DF_MAINTAINER:
		strv_setenv(&im->labels, "maintainer", in->args[0]);
		break;
	case DF_USER:
		if (expand_set(b, in, &im->user) < 0)
			return -1;
		break;
	case DF_EXPOSE:
		for (int i = 0; i < in->nargs; i++) {
			char **words = NULL, why[512];
			int nwords = 0;

			/* Docker splits after substitution: "$PORTS" may be two. */
			if (df_expand_words(in->args[i], b->df.escape, lookup, b, &words, &nwords,
					    why, sizeof(why)) < 0)
				return fail(b, in, "%s", why);
			for (int w = 0; w < nwords; w++) {
				struct df_port port;
				char buf[32];

				if (df_port(words[w], &port, why, sizeof(why)) < 0) {
					fail(b, in, "%s: %s", words[w], why);
					free(words);
					return -1;
				}
				for (unsigned q = port.lo; q <= port.hi; q++) {
					snprintf(buf, sizeof(buf), "%u/%s", q, port.udp ? "udp" : "tcp");
					strv_add(&im->exposed, buf);
				}
			}
			free(words);
		}
		break;
	case DF_STOPSIGNAL:
		if (expand_set(b, in, &im->stop_signal) < 0)
			return -1;
		break;
	case DF_CMD:
		as_exec(b, in, &im->cmd);
		break;
	case DF_ENTRYPOINT:
		as_exec(b, in, &im->entrypoint);
		/* Docker: setting ENTRYPOINT resets the CMD of the base. */
		strv_clear(&im->cmd);
		break;
	case DF_SHELL:
		if (!in->json || !in->nargs)
			return fail(b, in, "SHELL takes the JSON form: SHELL [\"executable\", \"param\"]");
		strv_clear(&im->shell);
		for (int i = 0; i < in->nargs; i++)
			strv_add(&im->shell, in->args[i]);
		break;
	case DF_HEALTHCHECK:
		if (in->health_none) {
			im->health = HEALTH_NONE;
			strv_clear(&im->health_test);
			break;
		}
		strv_clear(&im->health_test);
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
		break;
	case DF_VOLUME:
		return fail(b, in, "VOLUME makes anonymous volumes, which hostd does not create; "
			    "declare a named volume in docker-compose.yml instead");
	case DF_ONBUILD:
		return fail(b, in, "ONBUILD triggers are not supported by this builder");
	}
	/* A config step: the key moves on with what it says. */
	{
		struct strv k = {0};

		strv_add(&k, df_kind_name(in->kind));
		strv_add(&k, in->text);
		for (int i = 0; i < what.n; i++)
			strv_add(&k, what.v[i]);
		step_key(im, &k);
		strv_free(&k);
	}
	progress(b, in, "config", -1);
	strv_free(&what);
	return rc;
}

static int read_whole(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*buf = xrealloc(NULL, (size_t)st.st_size + 1);
	n = read(fd, *buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(*buf);
		return -1;
	}
	(*buf)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/* Build one service's image into *im. 0 or -1 (reported). */
static int build_image(const struct compose_service *svc, struct image *im,
		       struct image *built, int nbuilt)
{
	struct bctx b = {.service = svc->name, .dockerfile = svc->build_dockerfile,
			 .context = svc->build_context, .im = im, .built = built,
			 .nbuilt = nbuilt, .build_args = svc->build_args,
			 .nbuild_args = svc->nbuild_args};
	char *text = NULL, igpath[PATH_MAX];
	size_t len = 0;
	double t0 = now_s();
	int rc = -1;

	if (read_whole(svc->build_dockerfile, &text, &len) < 0) {
		fprintf(stderr, "hostd-build: %s: read %s: %s\n", svc->name, svc->build_dockerfile,
			strerror(errno));
		return -1;
	}
	if (df_parse(&b.df, svc->build_dockerfile, text, len, b.err, sizeof(b.err)) < 0) {
		fprintf(stderr, "hostd-build: %s\n", b.err);
		free(text);
		return -1;
	}
	free(text);
	for (int i = 0; i < b.df.nwarnings; i++)
		fprintf(stderr, "hostd-build: warning: %s\n", b.df.warnings[i]);
	pathf(igpath, sizeof(igpath), "%s/.dockerignore", svc->build_context);
	text = NULL;
	if (read_whole(igpath, &text, &len) == 0) {
		if (ignore_parse(&b.ig, text, len) < 0) {
			fprintf(stderr, "hostd-build: %s: out of memory\n", igpath);
			free(text);
			goto out;
		}
		free(text);
	} else if (errno != ENOENT) {
		fprintf(stderr, "hostd-build: read %s: %s\n", igpath, strerror(errno));
		goto out;
	}
	for (int i = 0; i < b.df.ninst; i++) {
		b.stepno = i + 1;
		if (step(&b, &b.df.inst[i]) < 0) {
			if (b.err[0])
				fprintf(stderr, "hostd-build: %s\n", b.err);
			goto out;
		}
	}
	if (!im->layers.n) {
		fprintf(stderr, "hostd-build: %s: %s has no FROM\n", svc->name, svc->build_dockerfile);
		goto out;
	}
	im->name = xstrdup(svc->image);
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

/* ---- the stack ------------------------------------------------------------------- */

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

static void cleanup(void)
{
	if (B.tmp[0]) {
		if (B.mounted) {
			/* Detach every layer mounted in this (private) namespace. */
			char mnt[PATH_MAX];
			DIR *d;
			struct dirent *de;

			pathf(mnt, sizeof(mnt), "%s/mnt", B.tmp);
			if ((d = opendir(mnt))) {
				while ((de = readdir(d))) {
					char p[PATH_MAX];

					if (de->d_name[0] == '.')
						continue;
					pathf(p, sizeof(p), "%s/%s", mnt, de->d_name);
					umount2(p, MNT_DETACH);
				}
				closedir(d);
			}
		}
		rm_rf(B.tmp);
		B.tmp[0] = '\0';
	}
}

static void on_signal(int sig)
{
	(void)sig;
	cleanup();
	_exit(130);
}

/* A secret the stack declares whose file is missing gets one: 32 random
 * letters and digits, 0600, in a 0700 directory. The value is never
 * printed. */
static int make_secrets(const struct compose *c)
{
	static const char alnum[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	for (int i = 0; i < c->nsecrets; i++) {
		const char *file = c->secrets[i].file;
		unsigned char rnd[32];
		char val[34], dir[PATH_MAX], *slash;
		struct stat st;
		int fd;

		if (stat(file, &st) == 0)
			continue;
		pathf(dir, sizeof(dir), "%s", file);
		if ((slash = strrchr(dir, '/')) && slash != dir) {
			*slash = '\0';
			if (stat(dir, &st) < 0 && mkdir_p(dir, 0700) < 0) {
				fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
				return -1;
			}
		}
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
			fprintf(stderr, "hostd-build: read /dev/urandom: %s\n", strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		for (size_t k = 0; k < sizeof(rnd); k++)
			val[k] = alnum[rnd[k] % (sizeof(alnum) - 1)];
		val[32] = '\n';
		val[33] = '\0';
		if (write_file(file, val, 33, 0600) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", file, strerror(errno));
			return -1;
		}
		printf("generated secret %s in %s (32 random characters)\n", c->secrets[i].name, file);
	}
	return 0;
}

/* OUT/images/<name>.json: each image's config, as docker image inspect's
 * .Config has it, and its layers. */
static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if ((unsigned char)*p < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void str_list(FILE *f, const struct strv *v)
{
	fputc('[', f);
	for (int i = 0; i < v->n; i++) {
		fputs(i ? ", " : "", f);
		jstr(f, v->v[i]);
	}
	fputc(']', f);
}

static int write_image_configs(const struct image *images, int n, const char *out)
{
	char dir[PATH_MAX];

	pathf(dir, sizeof(dir), "%s/images", out);
	if (mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct image *im = &images[i];
		char path[PATH_MAX];
		FILE *f;

		pathf(path, sizeof(path), "%s/%s.json", dir, im->name);
		if (!(f = fopen(path, "w"))) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			return -1;
		}
		fprintf(f, "{\"Name\": ");
		jstr(f, im->name);
		fprintf(f, ", \"Config\": {\"Env\": ");
		str_list(f, &im->env);
		fprintf(f, ", \"Entrypoint\": ");
		str_list(f, &im->entrypoint);
		fprintf(f, ", \"Cmd\": ");
		str_list(f, &im->cmd);
		fprintf(f, ", \"User\": ");
		jstr(f, im->user);
		fprintf(f, ", \"WorkingDir\": ");
		jstr(f, im->workdir);
		fprintf(f, ", \"StopSignal\": ");
		jstr(f, im->stop_signal);
		fprintf(f, ", \"ExposedPorts\": ");
		str_list(f, &im->exposed);
		fprintf(f, ", \"Labels\": ");
		str_list(f, &im->labels);
		fprintf(f, ", \"Healthcheck\": {\"Kind\": \"%s\", \"Test\": ",
			im->health == HEALTH_CMD ? "CMD" : im->health == HEALTH_SHELL ? "CMD-SHELL" :
			im->health == HEALTH_NONE ? "NONE" : "");
		str_list(f, &im->health_test);
		fprintf(f, ", \"IntervalMs\": %lld, \"TimeoutMs\": %lld, \"StartPeriodMs\": %lld, "
			"\"Retries\": %d}}, \"Layers\": ", im->health_interval_ms,
			im->health_timeout_ms, im->health_start_ms, im->health_retries);
		str_list(f, &im->layer_keys);
		fprintf(f, "}\n");
		if (fclose(f) != 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static const char usage[] =
	"usage: hostd-build [--out DIR] [--cache DIR] [--hostd PATH] [--env FILE]\n"
	"                   [--layers-at DIR] [--secrets-at DIR] [--volume-root DIR]\n"
	"                   [--check] [-v] COMPOSE_FILE\n";

int main(int argc, char **argv)
{
	static struct image images[64];
	struct envctx envc = {0};
	struct env_lookup el = {.get = env_get, .unset = env_unset, .ctx = &envc};
	struct emit_opts eo = {.out_dir = "out/stack", .layers_at = "/images/layers",
			       .secrets_at = "/etc/hostd/secrets", .volume_root = NULL};
	const char *file = NULL, *envpath = NULL;
	char err[1024], self[PATH_MAX], hostd_default[PATH_MAX], envdefault[PATH_MAX];
	struct compose c = {0};
	int check = 0, nimages = 0, rc = 1;
	double t0 = now_s();

	B.cache = getenv("INCEPTION_CACHE") ? getenv("INCEPTION_CACHE") : "/var/cache/inception";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-v"))
			B.verbose = 1;
		else if (!strcmp(a, "--check"))
			check = 1;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (a[0] == '-' && a[1] == '-' && !v) {
			fprintf(stderr, "hostd-build: %s needs a value\n%s", a, usage);
			return 2;
		} else if (!strcmp(a, "--out"))
			eo.out_dir = argv[++i];
		else if (!strcmp(a, "--cache"))
			B.cache = argv[++i];
		else if (!strcmp(a, "--hostd"))
			B.hostd = argv[++i];
		else if (!strcmp(a, "--env"))
			envpath = argv[++i];
		else if (!strcmp(a, "--layers-at"))
			eo.layers_at = argv[++i];
		else if (!strcmp(a, "--secrets-at"))
			eo.secrets_at = argv[++i];
		else if (!strcmp(a, "--volume-root"))
			eo.volume_root = argv[++i];
		else if (a[0] == '-') {
			fprintf(stderr, "hostd-build: unknown option '%s'\n%s", a, usage);
			return 2;
		} else if (file) {
			fprintf(stderr, "hostd-build: one compose file only\n%s", usage);
			return 2;
		} else
			file = a;
	}
	if (!file) {
		fputs(usage, stderr);
		return 2;
	}
	/* .env next to the compose file, as Compose reads it. */
	if (!envpath) {
		const char *slash = strrchr(file, '/');

		pathf(envdefault, sizeof(envdefault), "%.*s.env",
			 slash ? (int)(slash - file + 1) : 0, file);
		envpath = envdefault;
	}
	{
		char *text = NULL, example[PATH_MAX];
		size_t len;
		struct stat st;

		/* First build: .env from the committed .env.example. */
		pathf(example, sizeof(example), "%s.example", envpath);
		if (!check && stat(envpath, &st) < 0 && errno == ENOENT &&
		    read_whole(example, &text, &len) == 0) {
			if (write_file(envpath, text, len, 0600) < 0) {
				fprintf(stderr, "hostd-build: write %s: %s\n", envpath, strerror(errno));
				free(text);
				return 1;
			}
			printf("created %s from %s\n", envpath, example);
			free(text);
			text = NULL;
		}
		if (read_whole(envpath, &text, &len) == 0) {
			if (envfile_parse(&envc.ef, envpath, text, len, NULL, err, sizeof(err)) < 0) {
				fprintf(stderr, "hostd-build: %s\n", err);
				free(text);
				return 1;
			}
			envc.loaded = 1;
			free(text);
		} else if (errno != ENOENT) {
			fprintf(stderr, "hostd-build: read %s: %s\n", envpath, strerror(errno));
			return 1;
		}
	}
	if (compose_load(&c, file, &el, err, sizeof(err)) < 0) {
		fprintf(stderr, "hostd-build: %s\n", err);
		goto out;
	}
	for (int i = 0; i < c.nwarnings; i++)
		fprintf(stderr, "hostd-build: warning: %s\n", c.warnings[i]);
	if (check) {
		printf("%s: %d services, valid\n", file, c.nservices);
		rc = 0;
		goto out;
	}
	if (make_secrets(&c) < 0)
		goto out;
	if (geteuid() != 0) {
		fprintf(stderr, "hostd-build: building needs root (mounts, mmdebstrap, containers)\n");
		goto out;
	}
	if (!B.hostd) {
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char *slash;

		self[l > 0 ? l : 0] = '\0';
		slash = strrchr(self, '/');
		pathf(hostd_default, sizeof(hostd_default), "%.*s/hostd",
			 slash ? (int)(slash - self) : 1, slash ? self : ".");
		B.hostd = hostd_default;
	}
	if (access(B.hostd, X_OK) < 0) {
		fprintf(stderr, "hostd-build: %s (runs the RUN steps): %s\n", B.hostd, strerror(errno));
		goto out;
	}
	/* Mounts made while building stay in a namespace of our own. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "hostd-build: a private mount namespace: %s\n", strerror(errno));
		goto out;
	}
	pathf(err, sizeof(err), "%s/layers", B.cache);
	if (mkdir_p(err, 0755) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", err, strerror(errno));
		goto out;
	}
	pathf(B.tmp, sizeof(B.tmp), "%s/tmp/build.%d", B.cache, (int)getpid());
	if (mkdir_p(B.tmp, 0700) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", B.tmp, strerror(errno));
		B.tmp[0] = '\0';
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* Images in file order; one built by an earlier service is reused. */
	for (int i = 0; i < c.nservices; i++) {
		const struct compose_service *s = &c.services[i];
		int have = 0;

		for (int k = 0; k < nimages; k++)
			have |= !strcmp(images[k].name, s->image);
		if (!s->has_build || have)
			continue;
		if (nimages >= (int)(sizeof(images) / sizeof(images[0]))) {
			fprintf(stderr, "hostd-build: too many images\n");
			goto out;
		}
		if (build_image(s, &images[nimages], images, nimages) < 0) {
			image_free(&images[nimages]);
			goto out;
		}
		nimages++;
	}
	if (emit_plans(&c, images, nimages, &eo) < 0 ||
	    write_image_configs(images, nimages, eo.out_dir) < 0)
		goto out;
	printf("built %d images: %d steps, %d run (the others from the cache or config only), "
	       "in %.1f s; plans in %s/plans\n", nimages, B.steps_total, B.steps_run, now_s() - t0,
	       eo.out_dir);
	rc = 0;
out:
	cleanup();
	for (int i = 0; i < nimages; i++)
		image_free(&images[i]);
	compose_free(&c);
	if (envc.loaded)
		envfile_free(&envc.ef);
	return rc;
}
