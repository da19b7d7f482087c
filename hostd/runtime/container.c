/* container: see container.h. */
#include "runtime/container.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/openat2.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/cgroup.h"
#include "runtime/devices.h"
#include "common/layer.h"
#include "runtime/masks.h"
#include "runtime/net.h"
#include "runtime/seccomp.h"
#include "common/userns.h"
#include "common/util.h"

#ifdef HOSTD_TEST_UNCONFINED
#define UNCONFINED(s) ((s)->unconfined)
#else
#define UNCONFINED(s) 0
#endif

/* A failed step: its name and errno, or (err 0) the whole reason. */
struct child_err {
	char step[512];
	int err;
};

struct child_args {
	const struct container_spec *s;
	int errfd;
	int sync[2];	/* the parent writes one byte once eth0 is ours */
	int userns_fd;	/* the container's user namespace, or -1 */
};

/* Report a failed step to the parent and die; the parent prints it. */
static void __attribute__((noreturn)) child_fail(int fd, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Attach a layer file to a free loop device (read-only, freed by the
 * kernel when its last mount goes) and mount it on dir, id-mapped to the
 * container's user namespace when it has one. */
static void mount_layer_file(const char *file, const char *dir, int userns_fd, int efd)
{
	char why[600];

	if (layer_mount(file, dir, userns_fd, why, sizeof(why)) < 0)
		child_fail(efd, errno, "%s", why);
}

/* Bind dir on target (a directory), id-mapped through userns_fd. */
static void bind_idmapped(const char *what, const char *dir, const char *target, int userns_fd,
			  int efd)
{
	int tfd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (tfd < 0)
		child_fail(efd, errno, "open %s", target);
	if (userns_bind(dir, tfd, userns_fd, 0) < 0)
		child_fail(efd, errno, errno == EINVAL ? "%s %s: its filesystem cannot be "
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
			child_fail(efd, errno, "layer %s", s->layers[i]);
		if (S_ISDIR(st.st_mode) && userns_fd < 0) {
			snprintf(dirs[i], sizeof(dirs[i]), "%s", s->layers[i]);
			continue;
		}
		snprintf(dirs[i], sizeof(dirs[i]), "%s/lower%d", s->state, i);
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST)
			child_fail(efd, errno, "mkdir %s", dirs[i]);
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
			child_fail(efd, errno, "chown %s to the container's root", upper);
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
		child_fail(efd, ENAMETOOLONG, "overlay options for %d layers", s->nlayers);
	if (mount("overlay", root, "overlay", 0, opts) < 0)
		child_fail(efd, errno, "mount overlay of %d layers on %s", s->nlayers, root);
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
			child_fail(efd, errno, "secret %s from %s", s->secrets[i].name,
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
		child_fail(efd, errno, "volume %s", m->src);
	if (make_in_root(rootfd, m->dst, !S_ISDIR(st.st_mode)) < 0)
		child_fail(efd, errno, "volume %s: create %s in the container", m->src, m->dst);
	tfd = open_in_root(rootfd, m->dst, O_PATH);
	if (tfd < 0)
		child_fail(efd, errno, "volume %s: open %s in the container", m->src, m->dst);
	if (userns_fd >= 0 && m->idmap) {
		if (userns_bind(m->src, tfd, userns_fd, m->ro) == 0) {
			close(tfd);
			return;
		}
		if (errno != EINVAL || !m->ro)
			child_fail(efd, errno, errno == EINVAL ? "volume %s: its filesystem "
				   "cannot be id-mapped by this kernel; mount it read-only, keep "
				   "it on ext4, or give the service userns_mode: host" :
				   "volume %s: id-mapped bind", m->src);
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", tfd);
	if (mount(m->src, fdpath, NULL, MS_BIND | MS_REC, NULL) < 0)
		child_fail(efd, errno, "bind volume %s on %s", m->src, m->dst);
	close(tfd);
	if (m->ro) {
		/* Reopen: the path now leads to the new mount. */
		tfd = open_in_root(rootfd, m->dst, O_PATH);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", tfd);
		if (tfd < 0 || mount(NULL, fdpath, NULL,
				     MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
			child_fail(efd, errno, "make volume %s read-only", m->dst);
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
		child_fail(efd, errno, "open %s", root);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (make_in_root(rootfd, dirs[i], 0) < 0)
			child_fail(efd, errno, "mkdir %s in %s", dirs[i], root);
	for (int i = 0; i < s->nmounts; i++) {
		struct stat st;

		if (stat(s->mounts[i].src, &st) < 0)
			child_fail(efd, errno, "volume %s", s->mounts[i].src);
		if (make_in_root(rootfd, s->mounts[i].dst, !S_ISDIR(st.st_mode)) < 0)
			child_fail(efd, errno, "volume %s: create %s in the container",
				   s->mounts[i].src, s->mounts[i].dst);
	}
	for (size_t i = 0; s->state && i < ARRAY_SIZE(etc_files); i++) {
		char dst[64];

		snprintf(dst, sizeof(dst), "/etc/%s", etc_files[i]);
		if (make_in_root(rootfd, dst, 1) < 0)
			child_fail(efd, errno, "create %s in the container", dst);
	}
	if (s->nsecrets && make_in_root(rootfd, "/run/secrets", 0) < 0)
		child_fail(efd, errno, "mkdir /run/secrets in %s", root);
	close(rootfd);
}

static void mount_volumes(const struct container_spec *s, int userns_fd, int efd)
{
	int rootfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		child_fail(efd, errno, "open the container root");
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
static void mount_secrets(const struct container_spec *s, int efd)
{
	static char buf[65536];
	char opts[96];
	uid_t root = (uid_t)s->userns_base;

	if (!s->nsecrets)
		return;
	if (mkdir_p("/run/secrets", 0755) < 0)
		child_fail(efd, errno, "mkdir /run/secrets");
	snprintf(opts, sizeof(opts), "mode=0755,size=1024k,uid=%u,gid=%u", (unsigned)root,
		 (unsigned)root);
	if (mount("secrets", "/run/secrets", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
		child_fail(efd, errno, "mount tmpfs on /run/secrets");
	for (int i = 0; i < s->nsecrets; i++) {
		char path[300];
		ssize_t n;
		int out;

		snprintf(path, sizeof(path), "/run/secrets/%s", s->secrets[i].name);
		out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
		if (out < 0)
			child_fail(efd, errno, "create %s", path);
		if (root && fchown(out, root, (gid_t)root) < 0)
			child_fail(efd, errno, "chown %s to the container's root", path);
		while ((n = read(secret_fds[i], buf, sizeof(buf))) > 0)
			if (write_all(out, buf, (size_t)n) < 0)
				child_fail(efd, errno, "write %s", path);
		if (n < 0)
			child_fail(efd, errno, "read secret %s", s->secrets[i].src);
		close(out);
		close(secret_fds[i]);
	}
	if (mount(NULL, "/run/secrets", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID |
		  MS_NODEV | MS_NOEXEC, opts) < 0)
		child_fail(efd, errno, "make /run/secrets read-only");
}


static void child_fail(int fd, int err, const char *fmt, ...)
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
		child_fail(efd, errno, "mount tmpfs on /dev");
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
			child_fail(efd, errno, "create /%s", p);
		close(fd);
		if (mount(src, p, NULL, MS_BIND, NULL) < 0)
			child_fail(efd, errno, "bind %s on /%s", src, p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		char p[64];

		snprintf(p, sizeof(p), "dev/%s", links[i][1]);
		if (symlink(links[i][0], p) < 0)
			child_fail(efd, errno, "symlink /%s", p);
	}
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 01777) < 0)
		child_fail(efd, errno, "mkdir /dev/pts, /dev/shm");
	if (mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		child_fail(efd, errno, "mount devpts on /dev/pts");
	snprintf(opts, sizeof(opts), "mode=1777,size=65536k,uid=%lu,gid=%lu", s->userns_base,
		 s->userns_base);
	if (mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
		child_fail(efd, errno, "mount tmpfs on /dev/shm");
}

/* Read a file the image provides: a regular file only, opened without
 * blocking, so a FIFO or a device there cannot stall the start (hostd
 * waits for it). Returns the length, NUL-terminated, or -1 with errno
 * (EINVAL: not a regular file; EFBIG: cap bytes or more). */
static ssize_t read_image_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), e = 0;
	struct stat st;
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if (st.st_size >= (off_t)cap)
		e = EFBIG;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return (ssize_t)got;
}

/* The container's user, resolved in its own /etc/passwd and /etc/group:
 * called after pivot_root, so a volume bound over them counts too. */
static void resolve_user(const struct container_spec *s, struct container_user *u, int efd)
{
	static char pw[1 << 20], gr[1 << 20];
	static const char *const files[] = {"/etc/passwd", "/etc/group"};
	char *bufs[] = {pw, gr}, spec[32], why[300];
	const char *user = s->user;
	ssize_t n[2];

	if (!user) {
		if (s->uid || s->gid)
			snprintf(spec, sizeof(spec), "%u:%u", (unsigned)s->uid, (unsigned)s->gid);
		else
			snprintf(spec, sizeof(spec), "0");	/* root, with its groups */
		user = spec;
	}
	for (int i = 0; i < 2; i++) {
		n[i] = read_image_file(files[i], bufs[i], sizeof(pw));
		if (n[i] < 0 && errno == EINVAL)
			child_fail(efd, 0, "resolve user '%s': %s is not a regular file", user,
				   files[i]);
		if (n[i] < 0 && errno != ENOENT)
			child_fail(efd, errno, "resolve user '%s': read %s", user, files[i]);
	}
	if (container_user_resolve(user, n[0] < 0 ? NULL : pw, n[1] < 0 ? NULL : gr, u,
				   why, sizeof(why)) < 0)
		child_fail(efd, 0, "resolve user '%s': %s", user, why);
}

/* The environment with HOME added when it has none: the passwd entry's
 * home, as Docker does, else /root for root and / for anyone else. */
static char *const *env_with_home(const struct container_spec *s, const struct container_user *u)
{
	static const char *env[CONTAINER_MAX_ENV + 2];
	static char home[sizeof(u->home) + 8];
	int n = 0;

	for (int i = 0; i < s->nenv; i++) {
		if (!strncmp(s->env[i], "HOME=", 5))
			return (char *const *)s->env;
		env[n++] = s->env[i];
	}
	snprintf(home, sizeof(home), "HOME=%s", u->home[0] ? u->home : u->uid ? "/" : "/root");
	env[n++] = home;
	env[n] = NULL;
	return (char *const *)env;
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
			child_fail(efd, errno, "write '%s' to /%s", kv[i][1], kv[i][0]);
}

/* A pipe or socket the command gets as stdin, stdout or stderr belongs
 * to whoever made it (the VM's root: hostd, or hostctl's caller), which
 * the container's user namespace does not map; reopening it through
 * /proc/self/fd/N (php-fpm's error_log, a check writing /dev/stderr)
 * would be refused. Give it to the container's root, as runc does.
 * Files and terminals are left alone. Returns 0, or -1 with errno. */
static int own_stdio(int out_fd, unsigned long base)
{
	int fds[] = {0, 1, 2, out_fd};

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		struct stat st;

		if (fds[i] < 0 || fstat(fds[i], &st) < 0)
			continue;
		if (!(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) || st.st_uid == (uid_t)base)
			continue;
		if (fchown(fds[i], (uid_t)base, (gid_t)base) < 0)
			return -1;
	}
	return 0;
}

/* Become the container's root in its user namespace: joined last, so
 * every mount, namespace and the cgroup above were made with the VM's
 * root's rights and belong to namespaces the container's root does not
 * own (it can change none of them, capabilities or not). */
static void enter_userns(int userns_fd, int efd)
{
	if (setns(userns_fd, CLONE_NEWUSER) < 0)
		child_fail(efd, errno, "join the container's user namespace");
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		child_fail(efd, errno, "become root in the container's user namespace");
}

static int child_main(void *arg)
{
	const struct child_args *a = arg;
	const struct container_spec *s = a->s;
	int efd = a->errfd, confined = !UNCONFINED(s);
	const char *step = NULL, *root = s->rootfs;
	struct container_user u;
	sigset_t none;
	char why[600];

	close(a->sync[1]);
	/* Signals: hostd blocks them all for its signalfd; the container's
	 * PID 1 must start with a clean mask and default dispositions. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Nothing we mount may leak back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(efd, errno, "make mounts private");
	open_secrets(s, efd);
	if (s->nlayers) {
		root = setup_overlay(s, a->userns_fd, efd);
	} else if (a->userns_fd >= 0) {
		/* pivot_root needs the new root to be a mount point. */
		make_mount_points(s, root, efd);
		bind_idmapped("rootfs", root, root, a->userns_fd, efd);
	} else if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0) {
		child_fail(efd, errno, "bind %s", root);
	}
	if (chdir(root) < 0)
		child_fail(efd, errno, "chdir %s", root);
	if (mkdir("proc", 0555) < 0 && errno != EEXIST)
		child_fail(efd, errno, "mkdir /proc");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail(efd, errno, "mount proc on /proc");
	if (!s->host_net)
		set_net_sysctls(efd);
	if (mkdir("sys", 0555) < 0 && errno != EEXIST)
		child_fail(efd, errno, "mkdir /sys");
	/* sysfs belongs to the network namespace; with the host's network
	 * it can only be a read-only bind of the host's. */
	if (s->host_net ? mount("/sys", "sys", NULL, MS_BIND | MS_REC, NULL) :
			  mount("sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL))
		child_fail(efd, errno, "mount sysfs on /sys");
	if (s->host_net && mount(NULL, "sys", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail(efd, errno, "remount /sys read-only");
	if (mkdir("dev", 0755) < 0 && errno != EEXIST)
		child_fail(efd, errno, "mkdir /dev");
	setup_dev(s, efd);
	if (confined && masks_apply(".", why, sizeof(why)) < 0)
		child_fail(efd, errno, "%s", why);
	mount_volumes(s, a->userns_fd, efd);
	/* Join the cgroup once the mounts are made (its device program
	 * refuses the loop devices the layers needed), then make it the root
	 * of a new cgroup namespace: inside, /proc/self/cgroup reads "0::/"
	 * as under Docker. */
	if (s->cgroup) {
		char procs[512];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", s->cgroup);
		if (write_file(procs, "0", 1, 0644) < 0)
			child_fail(efd, errno, "join cgroup %s", s->cgroup);
	}
	if (unshare(CLONE_NEWCGROUP) < 0)
		child_fail(efd, errno, "new cgroup namespace");
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * lazy unmount then drops it from this namespace entirely. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		child_fail(efd, errno, "pivot_root %s", root);
	if (umount2(".", MNT_DETACH) < 0)
		child_fail(efd, errno, "detach the old root");
	if (chdir("/") < 0)
		child_fail(efd, errno, "chdir /");
	mount_secrets(s, efd);
	resolve_user(s, &u, efd);
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		child_fail(efd, errno, "sethostname %s", s->hostname);
	if (!s->host_net && net_link_up("lo") < 0)
		child_fail(efd, errno, "bring lo up");
	if (s->bridge) {
		char b;

		if (read(a->sync[0], &b, 1) != 1)
			child_fail(efd, EPIPE, "wait for the parent to wire eth0");
		if (net_link_up("eth0") < 0 || net_addr_add("eth0", s->ip, s->prefix) < 0)
			child_fail(efd, errno, "configure eth0");
		if (s->gw.s_addr && net_route_default("eth0", s->gw) < 0)
			child_fail(efd, errno, "add the default route");
	}
	if (s->workdir && chdir(s->workdir) < 0)
		child_fail(efd, errno, "chdir %s", s->workdir);
	if (a->userns_fd >= 0 && own_stdio(s->out_fd, s->userns_base) < 0)
		child_fail(efd, errno, "give stdout and stderr to the container's root");
	if (a->userns_fd >= 0)
		enter_userns(a->userns_fd, efd);
	if (confined && caps_bound(s->caps, &step) < 0)
		child_fail(efd, errno, "%s", step);
	if (setgroups((size_t)u.ngroups, u.groups) < 0 || setgid(u.gid) < 0 || setuid(u.uid) < 0)
		child_fail(efd, errno, "switch to user %u:%u", (unsigned)u.uid, (unsigned)u.gid);
	if (confined && caps_limit(s->caps, &step) < 0)
		child_fail(efd, errno, "%s", step);
	if (s->out_fd >= 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(s->out_fd, 1) < 0 ||
		    dup2(s->out_fd, 2) < 0)
			child_fail(efd, errno, "connect stdout and stderr");
	}
	if (cloexec_from(3) < 0)
		child_fail(efd, errno, "close inherited descriptors");
	if (confined && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(efd, errno, "set no_new_privs");
	/* Last: from here on the filter applies to us too, and execve is
	 * the only call left. */
	if (confined && seccomp_install(s->caps) < 0)
		child_fail(efd, errno, "install the seccomp filter");
	execvpe(s->argv[0], s->argv, env_with_home(s, &u));
	child_fail(efd, errno, "exec %s", s->argv[0]);
}

pid_t container_start(const struct container_spec *s, const char *prefix,
		      int *exec_failed)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
	int p[2];
	struct child_args a = {.s = s, .userns_fd = -1};
	struct child_err ce;
	pid_t pid;
	ssize_t n;

	if (!s->host_net)
		flags |= CLONE_NEWNET;
	if (UNCONFINED(s))
		flags &= ~CLONE_NEWPID;
	if (s->state) {
		char err[4200];

		if (container_write_etc(s, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", prefix, err);
			return -1;
		}
	}
	if (s->userns_base && !UNCONFINED(s)) {
		char why[300];

		a.userns_fd = userns_open(s->userns_base, USERNS_SIZE, why, sizeof(why));
		if (a.userns_fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", prefix, why, strerror(errno));
			return -1;
		}
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", prefix, strerror(errno));
		if (a.userns_fd >= 0)
			close(a.userns_fd);
		return -1;
	}
	a.errfd = p[1];
	if (pipe2(a.sync, O_CLOEXEC) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", prefix, strerror(errno));
		close(p[0]);
		close(p[1]);
		if (a.userns_fd >= 0)
			close(a.userns_fd);
		return -1;
	}
	pid = clone(child_main, stack + sizeof(stack), flags, &a);
	if (a.userns_fd >= 0)
		close(a.userns_fd);	/* the child has its own copy */
	if (pid < 0) {
		fprintf(stderr, "%s: clone into new namespaces: %s\n", prefix,
			strerror(errno));
		close(p[0]);
		close(p[1]);
		close(a.sync[0]);
		close(a.sync[1]);
		return -1;
	}
	close(p[1]);
	close(a.sync[0]);
	if (s->bridge) {
		char host_if[16];
		unsigned char mac[6];

		/* The host end is named for the container's pid, so it is
		 * unique and easy to trace back. */
		snprintf(host_if, sizeof(host_if), "hd%d", (int)pid);
		net_mac_for(s->ip, mac);
		if (net_veth_add(host_if, "eth0", pid, mac) < 0 ||
		    net_link_set_master(host_if, s->bridge) < 0 || net_link_up(host_if) < 0) {
			fprintf(stderr, "%s: wire the container to bridge %s (see above)\n",
				prefix, s->bridge);
			kill(pid, SIGKILL);
			close(a.sync[1]);
			close(p[0]);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		if (write(a.sync[1], "", 1) != 1)
			fprintf(stderr, "%s: signal the container: %s\n", prefix, strerror(errno));
	}
	close(a.sync[1]);
	do
		n = read(p[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(ce)) {
		ce.step[sizeof(ce.step) - 1] = '\0';
		if (ce.err)
			fprintf(stderr, "%s: %s: %s\n", prefix, ce.step, strerror(ce.err));
		else
			fprintf(stderr, "%s: %s\n", prefix, ce.step);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (exec_failed)
			*exec_failed = !strncmp(ce.step, "exec ", 5);
		errno = ce.err ? ce.err : EINVAL;
		return -1;
	}
	return pid;
}

/* ---- joining a running container ------------------------------------------- */

static const char *const ns_names[] = {"ipc", "uts", "net", "cgroup", "pid", "mnt"};

static int read_env(pid_t pid, char *buf, size_t len, char **env, int max)
{
	char path[64];
	ssize_t n;
	int k = 0;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	n = read_file(path, buf, len);
	if (n < 0)
		return -1;
	for (char *p = buf; p < buf + n && k < max; p += strlen(p) + 1)
		if (*p)
			env[k++] = p;
	env[k] = NULL;
	return k;
}

/* The ids of pid's user namespace for ids as we see them. */
static int to_inside(pid_t pid, const char *which, unsigned long id, unsigned long *in)
{
	if (userns_inside(pid, which, id, in) == 0)
		return 0;
	*in = 65534;	/* unmapped: the kernel's overflow id, nobody */
	return errno == ERANGE ? 0 : -1;
}

/* The user pid runs as, from /proc/<pid>/status: its real uid and gid
 * and its supplementary groups, i.e. the container's user as start
 * resolved it, as ids of its own user namespace; and its bounding set,
 * the capabilities it was given. Returns 0, or -1 with errno set
 * (EINVAL: unreadable). */
static int read_user(pid_t pid, struct container_user *u, uint64_t *caps)
{
	static char buf[16384];
	char path[64], *p;
	unsigned long v;
	int seen = 0;

	memset(u, 0, sizeof(*u));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *e;

		if (!strncmp(p, "Uid:", 4) && (v = strtoul(p + 4, &e, 10), e > p + 4)) {
			u->uid = (uid_t)v;
			seen |= 1;
		} else if (!strncmp(p, "Gid:", 4) && (v = strtoul(p + 4, &e, 10), e > p + 4)) {
			u->gid = (gid_t)v;
			seen |= 2;
		} else if (!strncmp(p, "Groups:", 7)) {
			for (p += 7; u->ngroups < CONTAINER_MAX_GROUPS; p = e) {
				p += strspn(p, " \t");	/* not past the line's end */
				v = strtoul(p, &e, 10);
				if (e == p)
					break;
				u->groups[u->ngroups++] = (gid_t)v;
			}
			seen |= 4;
		} else if (!strncmp(p, "CapBnd:", 7)) {
			*caps = strtoull(p + 7, &e, 16);
			seen |= 8;
		}
	}
	if (seen != 15) {
		errno = EINVAL;
		return -1;
	}
	/* /proc shows the ids as our namespace sees them: the VM's, for a
	 * container with a user namespace of its own. */
	if (to_inside(pid, "uid_map", u->uid, &v) < 0)
		return -1;
	u->uid = (uid_t)v;
	if (to_inside(pid, "gid_map", u->gid, &v) < 0)
		return -1;
	u->gid = (gid_t)v;
	for (int i = 0; i < u->ngroups; i++) {
		if (to_inside(pid, "gid_map", u->groups[i], &v) < 0)
			return -1;
		u->groups[i] = (gid_t)v;
	}
	return 0;
}

/* pid's capability bounding set (what its container was given). */
static int read_caps(pid_t pid, uint64_t *caps)
{
	struct container_user u;

	return read_user(pid, &u, caps);
}

/* Our user namespace's descriptor when pid's is another one (then the
 * exec child joins it), else -1 with errno 0. */
static int other_userns(pid_t pid)
{
	char path[64];
	struct stat mine, theirs;
	int fd;

	errno = 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (stat("/proc/self/ns/user", &mine) < 0 || stat(path, &theirs) < 0)
		return -1;
	if (mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) {
		errno = 0;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd;
}

/* Send fd over the unix socket sock (SCM_RIGHTS), with one byte of data. */
static int send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = "t", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* In the exec child, inside the container's mount namespace: a new pty
 * from the container's own devpts (/dev/ptmx leads to its pts/ptmx), the
 * slave as controlling terminal and stdin/out/err, owned by the user, at
 * the size of the terminal on our stdin; the master goes to sock. */
static void exec_tty(int sock, const struct container_user *u, const char *prefix)
{
	struct winsize ws;
	struct stat st;
	int master, slave;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0) {
		fprintf(stderr, "%s: open /dev/ptmx in the container: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	/* The container's root may have replaced it: only a pty multiplexer
	 * (5:2, devpts' own ptmx) gets our keys. */
	if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 ||
	    minor(st.st_rdev) != 2) {
		fprintf(stderr, "%s: /dev/ptmx in the container is not a pty multiplexer\n", prefix);
		_exit(126);
	}
	if (unlockpt(master) < 0) {
		fprintf(stderr, "%s: unlockpt /dev/ptmx: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	/* The slave through the master itself: no path to look up. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0) {
		char name[64];

		if (ptsname_r(master, name, sizeof(name)) != 0 ||
		    (slave = open(name, O_RDWR | O_NOCTTY)) < 0) {
			fprintf(stderr, "%s: open the pty slave: %s\n", prefix, strerror(errno));
			_exit(126);
		}
	}
	if (fchown(slave, u->uid, (gid_t)-1) < 0) {
		fprintf(stderr, "%s: chown the pty slave to uid %u: %s\n", prefix,
			(unsigned)u->uid, strerror(errno));
		_exit(126);
	}
	if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ioctl(slave, TIOCSWINSZ, &ws) < 0) {
		fprintf(stderr, "%s: set the pty's window size: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		fprintf(stderr, "%s: make the pty the controlling terminal: %s\n", prefix,
			strerror(errno));
		_exit(126);
	}
	if (send_fd(sock, master) < 0) {
		fprintf(stderr, "%s: send the pty master to hostctl: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	close(master);
	close(sock);
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
		fprintf(stderr, "%s: make the pty stdin, stdout and stderr: %s\n", prefix,
			strerror(errno));
		_exit(126);
	}
	if (slave > 2)
		close(slave);
}

/* A terminal's type in env (NULL-terminated, room for max entries): the
 * caller's when it has one, else the container's, else xterm (Docker's
 * default with -t). */
static void set_term(char **env, int max, const char *caller)
{
	static char term[256];
	int k = 0;

	while (env[k] && strncmp(env[k], "TERM=", 5))
		k++;
	if (env[k] && !(caller && caller[0]))
		return;
	snprintf(term, sizeof(term), "TERM=%s", caller && caller[0] ? caller : "xterm");
	if (env[k]) {
		env[k] = term;
	} else if (k + 1 < max) {
		env[k] = term;
		env[k + 1] = NULL;
	}
}

pid_t container_exec_start(pid_t target, char *const argv[], const char *prefix,
			   const struct container_exec *x)
{
	static char envbuf[65536], cwd[4096];
	static char *env[256];
	char path[128], line[256], cg[512] = "";
	struct container_user u;
	int fds[6], tty_sock = x ? x->tty_sock : -1, userns_fd;
	unsigned long userns_base = 0;
	uint64_t caps;
	ssize_t n;
	pid_t child;
	FILE *f;

	/* The container's user, environment, working directory and cgroup,
	 * read before we leave the host's view. */
	if (x && x->user) {
		static char pw[65536], gr[65536];
		char uerr[256];
		int havepw, havegr;

		snprintf(path, sizeof(path), "/proc/%d/root/etc/passwd", (int)target);
		havepw = read_file(path, pw, sizeof(pw)) >= 0;
		snprintf(path, sizeof(path), "/proc/%d/root/etc/group", (int)target);
		havegr = read_file(path, gr, sizeof(gr)) >= 0;
		if (container_user_resolve(x->user, havepw ? pw : NULL, havegr ? gr : NULL, &u,
					   uerr, sizeof(uerr)) < 0) {
			fprintf(stderr, "%s: user %s: %s\n", prefix, x->user, uerr);
			return -1;
		}
	} else if (read_user(target, &u, &caps) < 0) {
		fprintf(stderr, "%s: read the user of pid %d from /proc/%d/status: %s\n", prefix,
			(int)target, (int)target, strerror(errno));
		return -1;
	}
	if (read_caps(target, &caps) < 0) {
		fprintf(stderr, "%s: read the capabilities of pid %d from /proc/%d/status: %s\n",
			prefix, (int)target, (int)target, strerror(errno));
		return -1;
	}
	userns_fd = other_userns(target);
	if (userns_fd < 0 && errno) {
		fprintf(stderr, "%s: open the user namespace of pid %d: %s\n", prefix,
			(int)target, strerror(errno));
		return -1;
	}
	/* Its root's VM id: whom 0 inside maps to. */
	if (userns_fd >= 0) {
		char map[256];

		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)target);
		unsigned long inside;

		if (read_file(path, map, sizeof(map)) < 0 ||
		    sscanf(map, "%lu %lu", &inside, &userns_base) != 2) {
			fprintf(stderr, "%s: read %s: %s\n", prefix, path, strerror(errno));
			close(userns_fd);
			return -1;
		}
	}
	if (x && x->env) {
		static char home[sizeof(u.home) + 8];
		int k = 0, has_home = 0;

		while (x->env[k] && k < 253) {
			has_home |= !strncmp(x->env[k], "HOME=", 5);
			env[k] = x->env[k];
			k++;
		}
		/* HOME as start gives it (env_with_home), for this user. */
		if (!has_home) {
			snprintf(home, sizeof(home), "HOME=%s",
				 u.home[0] ? u.home : u.uid ? "/" : "/root");
			env[k++] = home;
		}
		env[k] = NULL;
	} else if (read_env(target, envbuf, sizeof(envbuf), env, 254) < 0) {
		fprintf(stderr, "%s: read the container's environment: %s\n", prefix, strerror(errno));
		return -1;
	}
	if (tty_sock >= 0)
		set_term(env, 256, x->term);
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)target);
	n = readlink(path, cwd, sizeof(cwd) - 1);
	if (n > 0)
		cwd[n] = '\0';
	else
		snprintf(cwd, sizeof(cwd), "/");
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)target);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "0::", 3)) {
				line[strcspn(line, "\n")] = '\0';
				if (cgroup_v2_root())
					snprintf(cg, sizeof(cg), "%s%s/cgroup.procs",
						 cgroup_v2_root(), line + 3);
			}
		fclose(f);
	}
	for (int k = 0; k < 6; k++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)target, ns_names[k]);
		if ((fds[k] = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			fprintf(stderr, "%s: open %s: %s\n", prefix, path, strerror(errno));
			while (k-- > 0)
				close(fds[k]);
			return -1;
		}
	}
	/* The container's cgroup, and with it its device program: a command
	 * that could not join it would escape the device policy. */
	if (cg[0] && write_file(cg, "0", 1, 0644) < 0) {
		fprintf(stderr, "%s: join cgroup %s: %s\n", prefix, cg, strerror(errno));
		for (int k = 0; k < 6; k++)
			close(fds[k]);
		if (userns_fd >= 0)
			close(userns_fd);
		return -1;
	}
	for (int k = 0; k < 6; k++) {
		if (setns(fds[k], 0) < 0) {
			fprintf(stderr, "%s: join the container's %s namespace: %s\n",
				prefix, ns_names[k], strerror(errno));
			for (; k < 6; k++)
				close(fds[k]);
			if (userns_fd >= 0)
				close(userns_fd);
			return -1;
		}
		close(fds[k]);
	}
	/* The pid namespace applies to children: the command runs in one. */
	child = fork();
	if (child < 0) {
		fprintf(stderr, "%s: fork: %s\n", prefix, strerror(errno));
		if (userns_fd >= 0)
			close(userns_fd);
		return -1;
	}
	if (child > 0 && userns_fd >= 0)
		close(userns_fd);
	if (child == 0) {
		const char *step = NULL;
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (chdir(cwd) < 0 && chdir("/") < 0) {
			fprintf(stderr, "%s: chdir %s in the container: %s\n", prefix, cwd,
				strerror(errno));
			_exit(126);
		}
		/* Docker's exec gives the command 0-2 only, not what hostctl
		 * inherited from the shell that ran it. */
		if (cloexec_from(3) < 0) {
			fprintf(stderr, "%s: exec: close inherited descriptors: %s\n", prefix,
				strerror(errno));
			_exit(126);
		}
		/* Last of the namespaces, as at start: the container's root
		 * in its user namespace, then its user. */
		if (userns_fd >= 0 && own_stdio(-1, userns_base) < 0) {
			fprintf(stderr, "%s: exec: give stdin, stdout and stderr to the container's "
				"root: %s\n", prefix, strerror(errno));
			_exit(126);
		}
		if (userns_fd >= 0 && (setns(userns_fd, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 ||
				       setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
			fprintf(stderr, "%s: exec: join the container's user namespace: %s\n",
				prefix, strerror(errno));
			_exit(126);
		}
		if (tty_sock >= 0)
			exec_tty(tty_sock, &u, prefix);
		if (caps_bound(caps, &step) < 0 ||
		    setgroups((size_t)u.ngroups, u.groups) < 0 || setgid(u.gid) < 0 ||
		    setuid(u.uid) < 0 || caps_limit(caps, &step) < 0 ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    (step = "install the seccomp filter", seccomp_install(caps)) < 0) {
			fprintf(stderr, "%s: exec: %s: %s\n", prefix, step ? step : "drop privileges",
				strerror(errno));
			_exit(126);
		}
		execvpe(argv[0], argv, env);
		fprintf(stderr, "%s: exec %s: %s\n", prefix, argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	return child;
}

int container_exec_in(pid_t target, char *const argv[], const char *prefix)
{
	return container_exec_in_env(target, argv, prefix, NULL);
}

int container_exec_in_env(pid_t target, char *const argv[], const char *prefix,
			  char *const *env)
{
	struct container_exec x = {.tty_sock = -1, .env = env};
	pid_t child = container_exec_start(target, argv, prefix, &x);
	int status;

	if (child < 0)
		return 1;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "%s: wait for %s: %s\n", prefix, argv[0], strerror(errno));
			return 1;
		}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
