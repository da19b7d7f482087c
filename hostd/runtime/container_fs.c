/* container_fs: the container's root filesystem, made by its child in
 * its new mount namespace before pivot_root — the overlay of the image's
 * layers (id-mapped to its user namespace when it has one), /proc, /sys,
 * a minimal /dev, the masks, the volumes (opened inside the root with
 * RESOLVE_IN_ROOT, so an image's symlink cannot lead out) and the
 * secrets — and the /etc files hostd writes into its state directory.
 * Every failure goes to the parent as a step (container_fail); it never
 * prints, never runs in hostd itself (only in the clone()d child), and
 * never touches a namespace but the child's own mount namespace. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/container_int.h"
#include "runtime/devices.h"
#include "runtime/masks.h"
#include "common/layer.h"
#include "common/userns.h"
#include "common/util.h"

/* container_fail: see container_int.h. */
void container_fail(int fd, int err, const char *fmt, ...)
{
	struct child_err ce;
	va_list ap;

	memset(&ce, 0, sizeof(ce));
	va_start(ap, fmt);
	vsnprintf(ce.step, sizeof(ce.step), fmt, ap);
	va_end(ap);
	ce.err = err;
	if (write(fd, &ce, sizeof(ce)) < 0)
		_exit(127);
	_exit(127);
}

/* Attach a layer file to a free loop device (read-only, freed by the
 * kernel when its last mount goes) and mount it on dir, id-mapped to the
 * container's user namespace when it has one. */
static void mount_layer_file(const char *file, const char *dir, int userns_fd, int efd)
{
	char why[600];

	if (layer_mount(file, dir, userns_fd, why, sizeof(why)) < 0)
		container_fail(efd, errno, "%s", why);
}

/* Bind dir on target (a directory), id-mapped through userns_fd. */
static void bind_idmapped(const char *what, const char *dir, const char *target, int userns_fd,
			  int efd)
{
	int tfd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (tfd < 0)
		container_fail(efd, errno, "open %s", target);
	if (userns_bind(dir, tfd, userns_fd, 0) < 0)
		container_fail(efd, errno, errno == EINVAL ? "%s %s: its filesystem cannot be "
			   "id-mapped by this kernel (ext4 and EROFS can; tmpfs cannot before 6.3)"
			   : "%s %s: id-mapped bind", what, dir);
	close(tfd);
}

/* Mount the overlay of the layers as <state>/root; returns that path.
 * A layer is a directory, or a layer file mounted at <state>/lowerN; with
 * a user namespace each is id-mapped there, so the image's files belong
 * to the container's ids (overlayfs takes id-mapped lower layers since
 * 5.19). The upper directory is not id-mapped: what the container
 * writes is stored with its VM ids, which is what they are. */
static const char *setup_overlay(const struct container_spec *s, int userns_fd, int efd)
{
	static char root[4096], opts[4096], dirs[CONTAINER_MAX_LAYERS][4096];
	size_t n = 0;

	for (int i = 0; i < s->nlayers; i++) {
		struct stat st;

		if (stat(s->layers[i], &st) < 0)
			container_fail(efd, errno, "layer %s", s->layers[i]);
		if (S_ISDIR(st.st_mode) && userns_fd < 0) {
			snprintf(dirs[i], sizeof(dirs[i]), "%s", s->layers[i]);
			continue;
		}
		snprintf(dirs[i], sizeof(dirs[i]), "%s/lower%d", s->state, i);
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST)
			container_fail(efd, errno, "mkdir %s", dirs[i]);
		if (S_ISDIR(st.st_mode))
			bind_idmapped("layer", s->layers[i], dirs[i], userns_fd, efd);
		else
			mount_layer_file(s->layers[i], dirs[i], userns_fd, efd);
	}
	/* The merged root's owner is the upper directory's: the container's
	 * root, not a VM id it cannot map (it could not write to /). */
	if (userns_fd >= 0) {
		char upper[4200];

		snprintf(upper, sizeof(upper), "%s/upper", s->state);
		if (chown(upper, (uid_t)s->userns_base, (gid_t)s->userns_base) < 0)
			container_fail(efd, errno, "chown %s to the container's root", upper);
	}
	snprintf(root, sizeof(root), "%s/root", s->state);
	/* overlayfs lists lower layers top first. */
	n += (size_t)snprintf(opts + n, sizeof(opts) - n, "lowerdir=");
	for (int i = s->nlayers - 1; i >= 0 && n < sizeof(opts); i--)
		n += (size_t)snprintf(opts + n, sizeof(opts) - n, "%s%s", dirs[i],
				      i ? ":" : "");
	if (n < sizeof(opts))
		n += (size_t)snprintf(opts + n, sizeof(opts) - n,
				      ",upperdir=%s/upper,workdir=%s/work", s->state,
				      s->state);
	if (n >= sizeof(opts))
		container_fail(efd, ENAMETOOLONG, "overlay options for %d layers", s->nlayers);
	if (mount("overlay", root, "overlay", 0, opts) < 0)
		container_fail(efd, errno, "mount overlay of %d layers on %s", s->nlayers, root);
	return root;
}

/* Secrets are opened before pivot_root, while their host paths are
 * visible, and copied into the container's /run/secrets after it. */
static int secret_fds[CONTAINER_MAX_SECRETS];

static void open_secrets(const struct container_spec *s, int efd)
{
	for (int i = 0; i < s->nsecrets; i++) {
		secret_fds[i] = open(s->secrets[i].src, O_RDONLY | O_CLOEXEC);
		if (secret_fds[i] < 0)
			container_fail(efd, errno, "secret %s from %s", s->secrets[i].name,
				   s->secrets[i].src);
	}
}

/* Open path inside the root rootfd, resolving every symlink as if rootfd
 * were / (openat2 RESOLVE_IN_ROOT): an image's symlink cannot lead out. */
static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
}

/* mkdir -p inside the root, each step resolved inside it; the last
 * component is a directory, or an empty file when as_file is set. */
static int make_in_root(int rootfd, const char *path, int as_file)
{
	char buf[4096], *p;
	int fd;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; ; p++) {
		int last = (*p == '\0');

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		fd = open_in_root(rootfd, buf, O_PATH);
		if (fd < 0) {
			char *slash = strrchr(buf, '/');
			int parent;

			if (errno != ENOENT)
				return -1;
			*slash = '\0';
			parent = open_in_root(rootfd, buf[0] ? buf : "/", O_PATH | O_DIRECTORY);
			*slash = '/';
			if (parent < 0)
				return -1;
			if (last && as_file)
				fd = openat(parent, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			else
				fd = mkdirat(parent, slash + 1, 0755);
			close(parent);
			if (fd < 0 && errno != EEXIST)
				return -1;
		}
		if (fd > 0)
			close(fd);
		if (last)
			return 0;
		*p = '/';
	}
}

/* Bind src onto dst, found inside the root (the current directory) before
 * pivot_root; the mount goes through the descriptor of what we resolved
 * (move_mount, or /proc/self/fd), not a fresh lookup of the path.
 *
 * A named volume (m->idmap) of a container with a user namespace is
 * id-mapped to it: its files keep their owners as the container knows
 * them (www-data 33 is 33 on the disk, for the VM and for every service
 * mounting it), while the container's processes run as VM ids of their
 * own range. A filesystem the kernel cannot id-map is refused for a
 * read-write volume (the container's writes would land with VM ids
 * nobody else maps) and bound as it is for a read-only one (unmapped
 * owners show as nobody; nothing can be written). Any other bind is a
 * window on the VM's own files and is never id-mapped: what the VM's root
 * owns there stays out of the container root's reach. */
static void bind_in_root(int rootfd, const struct container_mount *m, int userns_fd, int efd)
{
	char fdpath[64];
	struct stat st;
	int tfd;

	if (stat(m->src, &st) < 0)
		container_fail(efd, errno, "volume %s", m->src);
	if (make_in_root(rootfd, m->dst, !S_ISDIR(st.st_mode)) < 0)
		container_fail(efd, errno, "volume %s: create %s in the container", m->src, m->dst);
	tfd = open_in_root(rootfd, m->dst, O_PATH);
	if (tfd < 0)
		container_fail(efd, errno, "volume %s: open %s in the container", m->src, m->dst);
	if (userns_fd >= 0 && m->idmap) {
		if (userns_bind(m->src, tfd, userns_fd, m->ro) == 0) {
			close(tfd);
			return;
		}
		if (errno != EINVAL || !m->ro)
			container_fail(efd, errno, errno == EINVAL ? "volume %s: its filesystem "
				   "cannot be id-mapped by this kernel; mount it read-only, keep "
				   "it on ext4, or give the service userns_mode: host" :
				   "volume %s: id-mapped bind", m->src);
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", tfd);
	if (mount(m->src, fdpath, NULL, MS_BIND | MS_REC, NULL) < 0)
		container_fail(efd, errno, "bind volume %s on %s", m->src, m->dst);
	close(tfd);
	if (m->ro) {
		/* Reopen: the path now leads to the new mount. */
		tfd = open_in_root(rootfd, m->dst, O_PATH);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", tfd);
		if (tfd < 0 || mount(NULL, fdpath, NULL,
				     MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
			container_fail(efd, errno, "make volume %s read-only", m->dst);
		close(tfd);
	}
}

static const char *const etc_files[] = {"hosts", "hostname", "resolv.conf"};

/* A root directory id-mapped as it is (--rootfs with a user namespace)
 * takes no new file from the VM's root: its id cannot be stored through
 * the mapping (EOVERFLOW). So every mount point is made first, in the
 * directory itself, before it is bound. */
static void make_mount_points(const struct container_spec *s, const char *root, int efd)
{
	static const char *const dirs[] = {"/proc", "/sys", "/dev"};
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		container_fail(efd, errno, "open %s", root);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (make_in_root(rootfd, dirs[i], 0) < 0)
			container_fail(efd, errno, "mkdir %s in %s", dirs[i], root);
	for (int i = 0; i < s->nmounts; i++) {
		struct stat st;

		if (stat(s->mounts[i].src, &st) < 0)
			container_fail(efd, errno, "volume %s", s->mounts[i].src);
		if (make_in_root(rootfd, s->mounts[i].dst, !S_ISDIR(st.st_mode)) < 0)
			container_fail(efd, errno, "volume %s: create %s in the container",
				   s->mounts[i].src, s->mounts[i].dst);
	}
	for (size_t i = 0; s->state && i < ARRAY_SIZE(etc_files); i++) {
		char dst[64];

		snprintf(dst, sizeof(dst), "/etc/%s", etc_files[i]);
		if (make_in_root(rootfd, dst, 1) < 0)
			container_fail(efd, errno, "create %s in the container", dst);
	}
	if (s->nsecrets && make_in_root(rootfd, "/run/secrets", 0) < 0)
		container_fail(efd, errno, "mkdir /run/secrets in %s", root);
	close(rootfd);
}

static void mount_volumes(const struct container_spec *s, int userns_fd, int efd)
{
	int rootfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		container_fail(efd, errno, "open the container root");
	for (int i = 0; i < s->nmounts; i++)
		bind_in_root(rootfd, &s->mounts[i], userns_fd, efd);
	for (size_t i = 0; s->state && i < ARRAY_SIZE(etc_files); i++) {
		char src[4096], dst[64];
		struct container_mount m = {.src = src, .dst = dst};

		snprintf(src, sizeof(src), "%s/%s", s->state, etc_files[i]);
		snprintf(dst, sizeof(dst), "/etc/%s", etc_files[i]);
		/* Files of the state directory (tmpfs in the appliance): not
		 * id-mapped; container_write_etc made them the container
		 * root's. */
		if (access(src, F_OK) == 0)
			bind_in_root(rootfd, &m, -1, efd);
	}
	close(rootfd);
}

int container_write_etc(const struct container_spec *s, char *err, size_t errlen)
{
	char buf[8192], path[4096];
	int n;
	ssize_t r;

	n = snprintf(buf, sizeof(buf), "127.0.0.1\tlocalhost\n");
	if (s->bridge && s->hostname)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s\t%s\n",
			      inet_ntoa(s->ip), s->hostname);
	for (int i = 0; i < s->nhosts && (size_t)n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s\t%s\n",
			      inet_ntoa(s->hosts[i].ip), s->hosts[i].name);
	if ((size_t)n >= sizeof(buf)) {
		snprintf(err, errlen, "/etc/hosts for the container: too long");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/hosts", s->state);
	if (write_file(path, buf, (size_t)n, 0644) < 0)
		goto fail;
	if (s->hostname) {
		n = snprintf(buf, sizeof(buf), "%s\n", s->hostname);
		snprintf(path, sizeof(path), "%s/hostname", s->state);
		if (write_file(path, buf, (size_t)n, 0644) < 0)
			goto fail;
	}
	/* The host's resolvers; there are none inside the appliance's
	 * restricted network, and then the file is empty. */
	r = read_file("/etc/resolv.conf", buf, sizeof(buf));
	snprintf(path, sizeof(path), "%s/resolv.conf", s->state);
	if (write_file(path, buf, r > 0 ? (size_t)r : 0, 0644) < 0)
		goto fail;
	/* As Docker's userns-remap does: the container's root owns them. */
	for (size_t i = 0; s->userns_base && i < ARRAY_SIZE(etc_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", s->state, etc_files[i]);
		if (chown(path, (uid_t)s->userns_base, (gid_t)s->userns_base) < 0 &&
		    errno != ENOENT)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "write %s: %s", path, strerror(errno));
	return -1;
}

/* Secrets belong to the container's root (0400): its VM id when it has a
 * user namespace. */
void container_mount_secrets(const struct container_spec *s, int efd)
{
	static char buf[65536];
	char opts[96];
	uid_t root = (uid_t)s->userns_base;

	if (!s->nsecrets)
		return;
	if (mkdir_p("/run/secrets", 0755) < 0)
		container_fail(efd, errno, "mkdir /run/secrets");
	snprintf(opts, sizeof(opts), "mode=0755,size=1024k,uid=%u,gid=%u", (unsigned)root,
		 (unsigned)root);
	if (mount("secrets", "/run/secrets", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
		container_fail(efd, errno, "mount tmpfs on /run/secrets");
	for (int i = 0; i < s->nsecrets; i++) {
		char path[300];
		ssize_t n;
		int out;

		snprintf(path, sizeof(path), "/run/secrets/%s", s->secrets[i].name);
		out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
		if (out < 0)
			container_fail(efd, errno, "create %s", path);
		if (root && fchown(out, root, (gid_t)root) < 0)
			container_fail(efd, errno, "chown %s to the container's root", path);
		while ((n = read(secret_fds[i], buf, sizeof(buf))) > 0)
			if (write_all(out, buf, (size_t)n) < 0)
				container_fail(efd, errno, "write %s", path);
		if (n < 0)
			container_fail(efd, errno, "read secret %s", s->secrets[i].src);
		close(out);
		close(secret_fds[i]);
	}
	if (mount(NULL, "/run/secrets", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID |
		  MS_NODEV | MS_NOEXEC, opts) < 0)
		container_fail(efd, errno, "make /run/secrets read-only");
}

/* A minimal /dev, as Docker gives: the character devices of devices.c,
 * devpts with its own ptmx, /dev/shm, and the fd links. The tmpfs is
 * nodev: the device nodes in it are binds of the VM's own (a bind keeps
 * its source mount's flags), so a node made there by anyone cannot be
 * opened — and the cgroup's device program refuses mknod anyway. */
static void setup_dev(const struct container_spec *s, int efd)
{
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
		{"pts/ptmx", "ptmx"},
	};
	const struct device_rule *dev;
	unsigned long flags = MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_STRICTATIME;
	char opts[96];
	size_t ndev;

	if (UNCONFINED(s))
		flags &= ~(unsigned long)MS_NODEV;
	snprintf(opts, sizeof(opts), "mode=755,size=65536k,uid=%lu,gid=%lu", s->userns_base,
		 s->userns_base);
	if (mount("tmpfs", "dev", "tmpfs", flags, opts) < 0)
		container_fail(efd, errno, "mount tmpfs on /dev");
	dev = devices_table(&ndev);
	for (size_t i = 0; i < ndev; i++) {
		char p[64], src[64];
		int fd;

		if (!dev[i].node)
			continue;
		snprintf(p, sizeof(p), "dev/%s", dev[i].node);
		snprintf(src, sizeof(src), "/dev/%s", dev[i].node);
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			container_fail(efd, errno, "create /%s", p);
		close(fd);
		if (mount(src, p, NULL, MS_BIND, NULL) < 0)
			container_fail(efd, errno, "bind %s on /%s", src, p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		char p[64];

		snprintf(p, sizeof(p), "dev/%s", links[i][1]);
		if (symlink(links[i][0], p) < 0)
			container_fail(efd, errno, "symlink /%s", p);
	}
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 01777) < 0)
		container_fail(efd, errno, "mkdir /dev/pts, /dev/shm");
	if (mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		container_fail(efd, errno, "mount devpts on /dev/pts");
	snprintf(opts, sizeof(opts), "mode=1777,size=65536k,uid=%lu,gid=%lu", s->userns_base,
		 s->userns_base);
	if (mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
		container_fail(efd, errno, "mount tmpfs on /dev/shm");
}

/* Settings of the container's own network namespace, as Docker makes
 * them: any port may be bound (its root has no CAP_NET_BIND_SERVICE over
 * a namespace the VM's root owns: nginx's 443, vsftpd's 21), and ping
 * works through ICMP sockets rather than raw ones. Written through the
 * container's /proc before its /proc/sys becomes read-only. */
static void set_net_sysctls(int efd)
{
	static const char *const kv[][2] = {
		{"proc/sys/net/ipv4/ip_unprivileged_port_start", "0"},
		{"proc/sys/net/ipv4/ping_group_range", "0 2147483647"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(kv); i++)
		if (write_file(kv[i][0], kv[i][1], strlen(kv[i][1]), 0644) < 0)
			container_fail(efd, errno, "write '%s' to /%s", kv[i][1], kv[i][0]);
}

/* container_make_root: see container_int.h. */
const char *container_make_root(const struct container_spec *s, int userns_fd, int efd)
{
	const char *root = s->rootfs;
	char why[600];

	/* Nothing we mount may leak back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		container_fail(efd, errno, "make mounts private");
	open_secrets(s, efd);
	if (s->nlayers) {
		root = setup_overlay(s, userns_fd, efd);
	} else if (userns_fd >= 0) {
		/* pivot_root needs the new root to be a mount point. */
		make_mount_points(s, root, efd);
		bind_idmapped("rootfs", root, root, userns_fd, efd);
	} else if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0) {
		container_fail(efd, errno, "bind %s", root);
	}
	if (chdir(root) < 0)
		container_fail(efd, errno, "chdir %s", root);
	if (mkdir("proc", 0555) < 0 && errno != EEXIST)
		container_fail(efd, errno, "mkdir /proc");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		container_fail(efd, errno, "mount proc on /proc");
	if (!s->host_net)
		set_net_sysctls(efd);
	if (mkdir("sys", 0555) < 0 && errno != EEXIST)
		container_fail(efd, errno, "mkdir /sys");
	/* sysfs belongs to the network namespace; with the host's network
	 * it can only be a read-only bind of the host's. */
	if (s->host_net ? mount("/sys", "sys", NULL, MS_BIND | MS_REC, NULL) :
			  mount("sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL))
		container_fail(efd, errno, "mount sysfs on /sys");
	if (s->host_net && mount(NULL, "sys", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		container_fail(efd, errno, "remount /sys read-only");
	if (mkdir("dev", 0755) < 0 && errno != EEXIST)
		container_fail(efd, errno, "mkdir /dev");
	setup_dev(s, efd);
	if (!UNCONFINED(s) && masks_apply(".", why, sizeof(why)) < 0)
		container_fail(efd, errno, "%s", why);
	mount_volumes(s, userns_fd, efd);
	return root;
}
