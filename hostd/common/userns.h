/* userns: a container's user namespace and the id-mapped mounts that go
 * with it.
 *
 * A container with its own user namespace sees ids 0..count-1; on the VM
 * they are base..base+count-1 (uids and gids alike), so its root is an
 * ordinary, unprivileged id outside. The namespace is made by a child
 * that lives only while the caller writes its maps (clone with
 * CLONE_NEWUSER, then /proc/<child>/uid_map and gid_map); the caller
 * keeps a descriptor of it, id-maps mounts with it (mount_setattr's
 * MOUNT_ATTR_IDMAP: a layer or a volume then shows its files' owners as
 * the container's ids) and hands it to the container's process, which
 * joins it last, after every privileged step of its set-up (container.c).
 *
 * Never changes the caller's own ids or namespaces. The mount helpers use
 * the new mount API only (open_tree, fsopen, mount_setattr, move_mount):
 * they fail with EINVAL where the kernel cannot id-map that filesystem
 * (on 6.1: tmpfs, squashfs, proc, sysfs; ext4 and EROFS can). */
#ifndef HOSTD_USERNS_H
#define HOSTD_USERNS_H

#include <stddef.h>
#include <sys/types.h>

/* Each container's range: 65536 ids, as Docker's userns-remap and
 * subuid ranges give (every id a Debian image uses, nobody included). */
#define USERNS_SIZE 65536UL
/* The VM's own ids stay below the first range. */
#define USERNS_FIRST_BASE (2 * USERNS_SIZE)

/* A new user namespace mapping 0..count-1 to base..base+count-1. Returns
 * its descriptor (close-on-exec), or -1 with errno and the failing step
 * in why. */
int userns_open(unsigned long base, unsigned long count, char *why, size_t whylen);

/* Clone the mount tree at src (recursively), id-map it through userns_fd
 * when that is >= 0, make it read-only when ro, and attach it on the
 * directory or file target (an O_PATH descriptor). Returns 0 or -1 with
 * errno (EINVAL: this filesystem cannot be id-mapped here). */
int userns_bind(const char *src, int target, int userns_fd, int ro);

/* Mount the block device dev (filesystem fstype, read-only, nodev,
 * nosuid) id-mapped through userns_fd on the directory target. Returns 0
 * or -1 with errno. */
int userns_mount_dev(const char *dev, const char *fstype, const char *target, int userns_fd);

/* The id inside pid's user namespace of id as this process sees it
 * (which: "uid_map" or "gid_map"), from /proc/<pid>/<which>. Returns 0,
 * or -1 (errno ERANGE: that namespace does not map id). */
int userns_inside(pid_t pid, const char *which, unsigned long id, unsigned long *inside);

/* Parse one map ("inside outside count" lines) for userns_inside: pure,
 * for the unit tests. */
int userns_map_inside(const char *map, unsigned long id, unsigned long *inside);

#endif
