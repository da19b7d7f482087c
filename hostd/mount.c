/* mount: see mount.h. Never removes anything but the files it has just
 * copied out of rootfs. */
#include "mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define RAMFS_MAGIC_ 0x858458f6
#define TMPFS_MAGIC_ 0x01021994
#define NEWROOT "/.newroot"

static char copybuf[65536];

static int copy_file(int sfd, int dfd, const char *name, const struct stat *st)
{
	int in = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int out, ret = 0;

	if (in < 0)
		return -1;
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		     st->st_mode & 07777);
	if (out < 0) {
		close(in);
		return -1;
	}
	for (;;) {
		ssize_t n = read(in, copybuf, sizeof(copybuf));

		if (n == 0)
			break;
		if (n < 0 || write_all(out, copybuf, (size_t)n) < 0) {
			ret = -1;
			break;
		}
	}
	if (ret == 0 && (fchown(out, st->st_uid, st->st_gid) < 0 ||
			 fchmod(out, st->st_mode & 07777) < 0))
		ret = -1;
	close(in);
	if (close(out) < 0)
		ret = -1;
	return ret;
}

/* Move the contents of directory sfd into dfd: copy, then unlink the
 * source, so rootfs memory is given back as we go. Entries on another
 * device (the new tmpfs itself) are skipped. */
static int move_tree(int sfd, int dfd, dev_t rootdev, const char *path)
{
	DIR *d;
	struct dirent *de;
	int failed = 0;
	int fd = dup(sfd);

	if (fd < 0 || !(d = fdopendir(fd))) {
		log_sys("leave rootfs: open %s", path);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		char sub[1024];
		struct stat st;
		int r = 0;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", strcmp(path, "/") ? path : "", n);
		if (fstatat(sfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			log_sys("leave rootfs: stat %s", sub);
			failed++;
			continue;
		}
		if (st.st_dev != rootdev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int s2, d2;

			if (mkdirat(dfd, n, st.st_mode & 07777) < 0 && errno != EEXIST) {
				log_sys("leave rootfs: mkdir %s", sub);
				failed++;
				continue;
			}
			s2 = openat(sfd, n, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			d2 = openat(dfd, n, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (s2 < 0 || d2 < 0) {
				log_sys("leave rootfs: open %s", sub);
				failed++;
			} else {
				failed += move_tree(s2, d2, rootdev, sub);
				if (fchown(d2, st.st_uid, st.st_gid) < 0 ||
				    fchmod(d2, st.st_mode & 07777) < 0) {
					log_sys("leave rootfs: chown %s", sub);
					failed++;
				}
			}
			if (s2 >= 0)
				close(s2);
			if (d2 >= 0)
				close(d2);
			r = unlinkat(sfd, n, AT_REMOVEDIR);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlinkat(sfd, n, target, sizeof(target) - 1);

			if (len < 0 || (target[len] = '\0',
					symlinkat(target, dfd, n) < 0) ||
			    fchownat(dfd, n, st.st_uid, st.st_gid,
				     AT_SYMLINK_NOFOLLOW) < 0) {
				log_sys("leave rootfs: symlink %s", sub);
				failed++;
				continue;
			}
			r = unlinkat(sfd, n, 0);
		} else if (S_ISREG(st.st_mode)) {
			if (copy_file(sfd, dfd, n, &st) < 0) {
				log_sys("leave rootfs: copy %s", sub);
				failed++;
				continue;
			}
			r = unlinkat(sfd, n, 0);
		} else {
			if (mknodat(dfd, n, st.st_mode, st.st_rdev) < 0) {
				log_sys("leave rootfs: mknod %s", sub);
				failed++;
				continue;
			}
			r = unlinkat(sfd, n, 0);
		}
		/* Not fatal: the copy is in place; rootfs keeps a few bytes. */
		if (r < 0)
			log_sys("leave rootfs: free %s", sub);
	}
	closedir(d);
	return failed;
}

int mount_leave_rootfs(void)
{
	struct statfs sfs;
	struct stat st;
	int sfd, dfd, failed;

	if (statfs("/", &sfs) < 0) {
		log_sys("statfs /");
		return -1;
	}
	if ((unsigned long)sfs.f_type != RAMFS_MAGIC_ &&
	    (unsigned long)sfs.f_type != TMPFS_MAGIC_)
		return 0;
	if (stat("/", &st) < 0) {
		log_sys("stat /");
		return -1;
	}
	if (mkdir(NEWROOT, 0755) < 0 && errno != EEXIST) {
		log_sys("mkdir %s", NEWROOT);
		return -1;
	}
	if (mount("root", NEWROOT, "tmpfs", 0, "mode=0755") < 0) {
		log_sys("mount tmpfs on %s", NEWROOT);
		return -1;
	}
	sfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dfd = open(NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || dfd < 0) {
		log_sys("open / or %s", NEWROOT);
		return -1;
	}
	failed = move_tree(sfd, dfd, st.st_dev, "/");
	close(sfd);
	close(dfd);
	if (failed)
		log_err("leave rootfs: %d entries could not be moved", failed);
	/* The switch_root dance: make the tmpfs the root of our namespace. */
	if (chdir(NEWROOT) < 0) {
		log_sys("chdir %s", NEWROOT);
		return -1;
	}
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0) {
		log_sys("move %s to /", NEWROOT);
		return -1;
	}
	if (chroot(".") < 0 || chdir("/") < 0) {
		log_sys("chroot into the new root");
		return -1;
	}
	return 0;
}

struct early_mount {
	const char *src, *dst, *type;
	unsigned long flags;
	const char *data;
	mode_t mode;
};

static const struct early_mount early[] = {
	{"proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0555},
	{"sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0555},
	{"devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", 0755},
	{"devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	 "newinstance,ptmxmode=0666,mode=0620,gid=5", 0755},
	{"shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", 01777},
	{"run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", 0755},
	{"tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", 01777},
	{"cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	 "nsdelegate", 0555},
};

static const char *const dev_links[][2] = {
	{"/dev/fd", "/proc/self/fd"},
	{"/dev/stdin", "/proc/self/fd/0"},
	{"/dev/stdout", "/proc/self/fd/1"},
	{"/dev/stderr", "/proc/self/fd/2"},
};

int mount_early(void)
{
	int failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(early); i++) {
		const struct early_mount *m = &early[i];

		if (mkdir(m->dst, m->mode) < 0 && errno != EEXIST) {
			log_sys("mkdir %s", m->dst);
			failed++;
			continue;
		}
		if (mount(m->src, m->dst, m->type, m->flags, m->data) < 0) {
			/* The kernel may have mounted devtmpfs already. */
			if (errno == EBUSY && !strcmp(m->type, "devtmpfs"))
				continue;
			log_sys("mount %s on %s", m->type, m->dst);
			failed++;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlink(dev_links[i][1], dev_links[i][0]) < 0 && errno != EEXIST)
			log_sys("symlink %s", dev_links[i][0]);
	return failed;
}

int mount_teardown(const char *data_dir)
{
	int busy = 0;

	sync();
	if (umount2(data_dir, 0) < 0 && errno != EINVAL && errno != ENOENT) {
		log_sys("unmount %s", data_dir);
		/* Nothing else can write now; make the filesystem clean at
		 * least by remounting it read-only. */
		if (mount(NULL, data_dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
			log_sys("remount %s read-only", data_dir);
		busy++;
	}
	sync();
	return busy;
}
