/* masks: the parts of /proc and /sys a container must not see or change,
 * as data (masks_table.c: a path, what is done to it, and why), and the mounts
 * that apply them inside a container's new root.
 *
 * Hidden: a file gets the container's /dev/null bound over it (reads
 * return nothing), a directory an empty read-only tmpfs. Read-only: the
 * path is bound on itself and made read-only. Docker's default lists
 * (MaskedPaths and ReadonlyPaths of its default spec) are all here; a
 * path this kernel does not have is skipped. The container cannot undo
 * a mask: the mounts belong to a mount namespace its user namespace does
 * not own, it has no CAP_SYS_ADMIN, and seccomp refuses umount. */
#ifndef HOSTD_MASKS_H
#define HOSTD_MASKS_H

#include <stddef.h>

enum mask_kind { MASK_HIDE, MASK_READONLY };

struct mask {
	const char *path;	/* absolute, inside the container; '*' matches one name */
	enum mask_kind kind;
	const char *why;
};

const struct mask *masks_table(size_t *n);

/* Apply every mask under root (the container's root directory, with its
 * /proc, /sys and /dev mounted), before pivot_root. Returns 0, or -1 with
 * errno and the failing path in why. */
int masks_apply(const char *root, char *why, size_t whylen);

#endif
