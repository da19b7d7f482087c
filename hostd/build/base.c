/* base: FROM debian:bookworm, the one base image, made by mmdebstrap
 * (minbase) from the build host's own apt sources and options, without
 * the files the runtime provides per container, and cached by what went
 * into it (the sources' bytes, the options, the builder's version). Made
 * at most once a run (B.base_key / B.base_layer); never pulls from a
 * registry; never exits. */
#include "build/build_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/digest.h"
#include "build/path.h"
#include "common/util.h"

/* The .list and .sources files of an apt sources directory, in order. */
static int host_sources_dir(const char *dir, struct strv *files, struct digest *d)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort), rc = 0;

	for (int k = 0; k < n; k++) {
		const char *nm = list[k]->d_name;
		size_t l = strlen(nm);
		char path[PATH_MAX], hex[65];

		if (rc == 0 && ((l > 5 && !strcmp(nm + l - 5, ".list")) ||
				(l > 8 && !strcmp(nm + l - 8, ".sources")))) {
			if (pathf(path, sizeof(path), "%s/%s", dir, nm) < 0)
				rc = -1;
			else if (digest_file(path, hex) == 0) {
				strv_add(files, path);
				digest_str(d, path);
				digest_str(d, hex);
			}
		}
		free(list[k]);
	}
	if (n >= 0)
		free(list);
	return rc;
}

/* The host's apt sources (every .list and .sources file) as mmdebstrap
 * arguments, and into the key. */
static int host_sources(struct strv *files, struct digest *d)
{
	static const char *const dirs[] = {"/etc/apt/sources.list", "/etc/apt/sources.list.d"};

	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		char hex[65];

		if (stat(dirs[i], &st) < 0)
			continue;
		if (!S_ISREG(st.st_mode)) {
			if (host_sources_dir(dirs[i], files, d) < 0)
				return -1;
			continue;
		}
		if (st.st_size == 0 || digest_file(dirs[i], hex) < 0)
			continue;
		strv_add(files, dirs[i]);
		digest_str(d, hex);
	}
	if (strv_failed(files))
		return build_oom();
	if (!files->n) {
		fprintf(stderr, "hostd-build: the host has no apt sources (/etc/apt/sources.list, "
			"/etc/apt/sources.list.d/*.sources|*.list): the base image comes from them\n");
		return -1;
	}
	return 0;
}

/* The host's apt options that decide whether its mirror can be used at all
 * (a snapshot mirror's Valid-Until, a proxy), handed to mmdebstrap. */
static int host_apt_options(struct strv *opts, struct digest *d)
{
	static const char *const keys[] = {"Acquire::Check-Valid-Until", "Acquire::Check-Date",
					   "Acquire::http::Proxy", "Acquire::https::Proxy"};
	FILE *f = popen("apt-config dump 2>/dev/null", "r");
	char line[1024];

	if (!f)
		return 0;
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
	return strv_failed(opts) ? build_oom() : 0;
}

/* Files mmdebstrap copies from the build host that have no place in an
 * image: the runtime provides them per container. */
static int tidy_base(const char *root)
{
	static const char *const etc[] = {"hostname", "hosts", "resolv.conf"};

	for (size_t i = 0; i < 3; i++) {
		char p[PATH_MAX];

		if (pathf(p, sizeof(p), "%s/etc/%s", root, etc[i]) < 0)
			return -1;
		if ((unlink(p) < 0 && errno != ENOENT) || write_file(p, "", 0, 0644) < 0 ||
		    chmod(p, 0644) < 0) {
			fprintf(stderr, "hostd-build: reset %s: %s\n", p, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* mmdebstrap into root, its output in log. */
static int mmdebstrap(const struct strv *files, const struct strv *opts, const char *root,
		      const char *log)
{
	struct strv argv = {0};
	int r;

	strv_add(&argv, "mmdebstrap");
	strv_add(&argv, "--variant=minbase");
	strv_add(&argv, "--quiet");
	for (int i = 0; i < opts->n; i++) {
		char o[1100];

		snprintf(o, sizeof(o), "--aptopt=%s", opts->v[i]);
		strv_add(&argv, o);
	}
	strv_add(&argv, "bookworm");
	strv_add(&argv, root);
	for (int i = 0; i < files->n; i++)
		strv_add(&argv, files->v[i]);
	if (strv_failed(&argv)) {
		strv_free(&argv);
		return build_oom();
	}
	r = run_cmd(argv.v, log);
	strv_free(&argv);
	if (r != 0) {
		fprintf(stderr, "hostd-build: mmdebstrap failed (exit %d); its last lines:\n", r);
		show_tail(log, 15);
		return -1;
	}
	return 0;
}

/* Make the base (not cached): mmdebstrap, tidied, packed. */
static int make_base(const struct strv *files, const struct strv *opts)
{
	char dir[PATH_MAX], root[PATH_MAX], log[PATH_MAX];
	double t0 = now_s();

	printf("[base] debian:bookworm: mmdebstrap --variant=minbase from the host's apt "
	       "sources ...\n");
	fflush(stdout);
	if (pathf(dir, sizeof(dir), "%s/base", B.tmp) < 0 ||
	    pathf(root, sizeof(root), "%s/base/rootfs", B.tmp) < 0 ||
	    pathf(log, sizeof(log), "%s/base/mmdebstrap.log", B.tmp) < 0)
		return -1;
	if (mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (mmdebstrap(files, opts, root, log) < 0 || tidy_base(root) < 0 ||
	    pack_layer(root, B.base_key, B.base_layer, sizeof(B.base_layer)) < 0)
		return -1;
	rm_rf(root);
	printf("[base] debian:bookworm: built in %.1f s (%.12s)\n", now_s() - t0, B.base_key);
	return 0;
}

int ensure_base(void)
{
	struct strv files = {0}, opts = {0};
	char hex[65];
	struct digest d;
	struct stat st;
	int rc = -1;

	if (B.base_key[0])
		return 0;
	if (digest_init(&d) < 0)
		return -1;
	digest_str(&d, BUILDER_VERSION " base: mmdebstrap --variant=minbase bookworm");
	if (host_sources(&files, &d) < 0 || host_apt_options(&opts, &d) < 0) {
		digest_hex(&d, hex);
		goto out;
	}
	digest_hex(&d, B.base_key);
	if (pathf(B.base_layer, sizeof(B.base_layer), "%s/layers/%s.erofs", B.cache,
		  B.base_key) < 0)
		goto out;
	if (stat(B.base_layer, &st) == 0) {
		printf("[base] debian:bookworm: cached (%.12s)\n", B.base_key);
		rc = 0;
	} else {
		rc = make_base(&files, &opts);
	}
out:
	strv_free(&files);
	strv_free(&opts);
	if (rc < 0)
		B.base_key[0] = '\0';
	return rc;
}
