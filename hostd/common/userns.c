/* userns: see userns.h. Raw syscalls: musl has no wrappers for the new
 * mount API, and <linux/mount.h> is included instead of <sys/mount.h>
 * (the two define the same names). */
#include "common/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct holder {
	int rd, wr;
};

/* The namespace's first member: it only has to exist until the parent
 * has written the maps and opened /proc/<pid>/ns/user, so it waits for
 * its pipe to close. */
static int hold(void *arg)
{
	const struct holder *h = arg;
	char b;

	close(h->wr);
	while (read(h->rd, &b, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int write_map(pid_t pid, const char *which, unsigned long base, unsigned long count,
		     char *why, size_t whylen)
{
	char path[64], line[64];
	int n = snprintf(line, sizeof(line), "0 %lu %lu\n", base, count);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	if (write_file(path, line, (size_t)n, 0644) < 0) {
		snprintf(why, whylen, "write '0 %lu %lu' to %s", base, count, path);
		return -1;
	}
	return 0;
}

int userns_open(unsigned long base, unsigned long count, char *why, size_t whylen)
{
	static char stack[16384] __attribute__((aligned(16)));
	struct holder h;
	char path[64];
	int p[2], fd = -1, e = 0;
	pid_t pid;

	if (!count || base > 0xfffffffeUL - count) {
		snprintf(why, whylen, "user namespace range %lu+%lu", base, count);
		errno = ERANGE;
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe for a new user namespace");
		return -1;
	}
	h.rd = p[0];
	h.wr = p[1];
	pid = clone(hold, stack + sizeof(stack), CLONE_NEWUSER | SIGCHLD, &h);
	if (pid < 0) {
		e = errno;
		snprintf(why, whylen, "clone a new user namespace");
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (write_map(pid, "uid_map", base, count, why, whylen) < 0 ||
	    write_map(pid, "gid_map", base, count, why, whylen) < 0) {
		e = errno;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		snprintf(why, whylen, "open %s", path);
	}
out:
	close(p[0]);
	close(p[1]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	errno = e;
	return fd;
}

static int setattr(int mfd, unsigned flags, int userns_fd, int ro)
{
	struct mount_attr a;

	memset(&a, 0, sizeof(a));
	if (ro)
		a.attr_set |= MOUNT_ATTR_RDONLY;
	if (userns_fd >= 0) {
		a.attr_set |= MOUNT_ATTR_IDMAP;
		a.userns_fd = (unsigned)userns_fd;
	}
	if (!a.attr_set)
		return 0;
	return (int)syscall(SYS_mount_setattr, mfd, "", AT_EMPTY_PATH | flags, &a, sizeof(a));
}

int userns_bind(const char *src, int target, int userns_fd, int ro)
{
	int mfd, r, e;

	mfd = (int)syscall(SYS_open_tree, AT_FDCWD, src,
			   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (mfd < 0)
		return -1;
	r = setattr(mfd, AT_RECURSIVE, userns_fd, ro);
	if (r == 0)
		r = (int)syscall(SYS_move_mount, mfd, "", target, "",
				 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	e = errno;
	close(mfd);
	errno = e;
	return r;
}

int userns_mount_dev(const char *dev, const char *fstype, const char *target, int userns_fd)
{
	int fs, mfd = -1, r = -1, e;

	fs = (int)syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", dev, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto out;
	mfd = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mfd < 0)
		goto out;
	if (setattr(mfd, 0, userns_fd, 0) < 0)
		goto out;
	r = (int)syscall(SYS_move_mount, mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
out:
	e = errno;
	if (mfd >= 0)
		close(mfd);
	close(fs);
	errno = e;
	return r;
}

int userns_inside(pid_t pid, const char *which, unsigned long id, unsigned long *inside)
{
	char path[64], map[1024];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	if (read_file(path, map, sizeof(map)) < 0)
		return -1;
	return userns_map_inside(map, id, inside);
}
