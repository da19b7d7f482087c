/* cache: the layer cache (B.cache/layers: <key>.erofs, or <key>.empty
 * for a step that changed nothing) and the views of it a step works in:
 * the layers mounted under this run's scratch space, an overlay of them
 * with a fresh upper directory, and that upper directory packed as the
 * next layer. Never removes a cached layer; never exits. */
#include "build/build_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "build/path.h"
#include "common/layer.h"
#include "common/util.h"

/* EROFS with lz4hc, because the appliance's 6.1 kernel can id-map an
 * EROFS mount for a container's user namespace and cannot a squashfs one
 * (layer.h), and lz4 decompresses fastest under emulation. Written
 * aside, then renamed. The UUID comes from the key, so the same layer is
 * the same bytes. */
int pack_layer(const char *dir, const char *key, char *out, size_t outlen)
{
	char tmp[PATH_MAX], log[PATH_MAX], uuid[48];
	char *const argv[] = {"mkfs.erofs", "-zlz4hc", "--quiet", "--preserve-mtime", uuid,
			      tmp, (char *)dir, NULL};

	snprintf(uuid, sizeof(uuid), "-U%.8s-%.4s-%.4s-%.4s-%.12s", key, key + 8, key + 12,
		 key + 16, key + 20);
	if (pathf(out, outlen, "%s/layers/%s.erofs", B.cache, key) < 0 ||
	    pathf(tmp, sizeof(tmp), "%s/layers/.%s.erofs.%d", B.cache, key, (int)getpid()) < 0 ||
	    pathf(log, sizeof(log), "%s/mkfs.erofs.log", B.tmp) < 0)
		return -1;
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

int layer_dir(const char *file, const char *key, char *out, size_t len)
{
	char err[600];
	struct stat st;

	if (pathf(out, len, "%s/mnt/%s", B.tmp, key) < 0)
		return -1;
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

int cached(struct image *im)
{
	char path[PATH_MAX];
	struct stat st;

	if (pathf(path, sizeof(path), "%s/layers/%s.erofs", B.cache, im->key) < 0)
		return -1;
	if (stat(path, &st) == 0) {
		strv_add(&im->layers, path);
		strv_add(&im->layer_keys, im->key);
		return 1;
	}
	if (pathf(path, sizeof(path), "%s/layers/%s.empty", B.cache, im->key) < 0)
		return -1;
	return stat(path, &st) == 0 ? 2 : 0;
}

int keep_layer(struct image *im, const char *upper)
{
	char path[PATH_MAX];

	if (dir_empty(upper)) {
		if (pathf(path, sizeof(path), "%s/layers/%s.empty", B.cache, im->key) < 0)
			return -1;
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

int step_dirs(const char *service, int stepno, char *dir, size_t len)
{
	static const char *const sub[] = {"upper", "work", "root", "empty"};

	if (pathf(dir, len, "%s/step-%s-%d", B.tmp, service, stepno) < 0 || rm_rf(dir) < 0)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		char p[PATH_MAX];

		if (pathf(p, sizeof(p), "%s/%s", dir, sub[i]) < 0)
			return -1;
		if (mkdir_p(p, 0755) < 0) {
			fprintf(stderr, "hostd-build: mkdir %s: %s\n", p, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int mount_view(struct image *im, const char *dir)
{
	static char opts[65536];
	char root[PATH_MAX];
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
	if (pathf(root, sizeof(root), "%s/root", dir) < 0)
		return -1;
	if (mount("overlay", root, "overlay", 0, opts) < 0) {
		fprintf(stderr, "hostd-build: mount the image's overlay on %s: %s\n", root,
			strerror(errno));
		return -1;
	}
	return 0;
}

void umount_view(const char *dir)
{
	char root[PATH_MAX];

	if (pathf(root, sizeof(root), "%s/root", dir) < 0)
		return;
	if (umount2(root, MNT_DETACH) < 0)
		fprintf(stderr, "hostd-build: unmount %s: %s\n", root, strerror(errno));
}

/* The overlay keeps bookkeeping of its own in the upper directory; none
 * of it belongs in a layer. */
void scrub_upper(const char *dir)
{
	char p[PATH_MAX];

	if (pathf(p, sizeof(p), "%s/upper", dir) < 0)
		return;
	if (removexattr(p, "trusted.overlay.origin") < 0 && errno != ENODATA)
		(void)0;
	if (removexattr(p, "trusted.overlay.impure") < 0 && errno != ENODATA)
		(void)0;
}

/* Detach every layer mounted in this (private) namespace. */
static void unmount_layers(void)
{
	char mnt[PATH_MAX];
	DIR *d;
	struct dirent *de;

	if (pathf(mnt, sizeof(mnt), "%s/mnt", B.tmp) < 0 || !(d = opendir(mnt)))
		return;
	while ((de = readdir(d))) {
		char p[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (pathf(p, sizeof(p), "%s/%s", mnt, de->d_name) == 0)
			umount2(p, MNT_DETACH);
	}
	closedir(d);
}

void cache_cleanup(void)
{
	if (!B.tmp[0])
		return;
	if (B.mounted)
		unmount_layers();
	rm_rf(B.tmp);
	B.tmp[0] = '\0';
}
