/* mount: see mount.h. Never removes anything but its own mount point. */
#include "init/mount.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/log.h"
#include "common/util.h"

#define RAMFS_MAGIC_ 0x858458f6
#define TMPFS_MAGIC_ 0x01021994
#define NEWROOT "/.root"

int mount_leave_rootfs(void)
{
	struct statfs sfs;

	if (statfs("/", &sfs) < 0) {
		log_sys("statfs /");
		return -1;
	}
	if ((unsigned long)sfs.f_type != RAMFS_MAGIC_ &&
	    (unsigned long)sfs.f_type != TMPFS_MAGIC_)
		return 0;
	/* pivot_root(2) refuses a root mount that has no parent, and rootfs
	 * is the one mount that never has one. A bind mount of rootfs moved
	 * on top of it does have one (rootfs itself): the switch_root dance,
	 * without copying a byte. */
	if (mkdir(NEWROOT, 0755) < 0 && errno != EEXIST) {
		log_sys("mkdir %s", NEWROOT);
		return -1;
	}
	if (mount("/", NEWROOT, NULL, MS_BIND | MS_REC, NULL) < 0) {
		log_sys("bind / on %s", NEWROOT);
		return -1;
	}
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
	/* The bind showed the (empty) mount point too: drop it. */
	if (rmdir(NEWROOT) < 0)
		log_sys("rmdir %s", NEWROOT);
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
