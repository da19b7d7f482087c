/* mount: the first thing PID 1 does. Moves the root off the initramfs's
 * rootfs (pivot_root(2) refuses rootfs, and every container needs
 * pivot_root later), then mounts the API filesystems. Required
 * mounts that fail are logged and boot goes on with what works. */
#ifndef HOSTD_MOUNT_H
#define HOSTD_MOUNT_H

/* Make / a mount that pivot_root(2) accepts (a bind of rootfs moved on
 * top of it) and chroot into it. Returns 0 when done or not needed. */
int mount_leave_rootfs(void);
/* proc, sys, devtmpfs, devpts, /dev/shm, /run, /tmp, cgroup2. Returns the
 * number of mounts that failed. */
int mount_early(void);
/* Unmount everything below /home and the data disk, for power-off.
 * Returns the number of mounts that stayed busy. */
int mount_teardown(const char *data_dir);

#endif
