/* container_int: what the three files of the container runtime share —
 * container.c (start: clone, the child's steps, the parent's wiring),
 * container_fs.c (the child's root filesystem, /dev, volumes, secrets)
 * and container_exec.c (running a command in a running container).
 * Never included outside runtime/container*.c. */
#ifndef HOSTD_CONTAINER_INT_H
#define HOSTD_CONTAINER_INT_H

#include "runtime/container.h"

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

/* In the child: report a failed step to the parent over fd and die
 * (exit 127); the parent prints it. */
void container_fail(int fd, int err, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/* In the child, in its new mount namespace: make the container's root
 * (the overlay of its layers, or its rootfs bound on itself), chdir into
 * it and mount /proc, /sys, /dev, the masks and the volumes there; open
 * the secrets while their host paths are visible. Returns the root's
 * path; a failure goes to efd (container_fail). */
const char *container_make_root(const struct container_spec *s, int userns_fd, int efd);

/* In the child, after pivot_root: copy the secrets opened by
 * container_make_root into a read-only tmpfs on /run/secrets. */
void container_mount_secrets(const struct container_spec *s, int efd);

/* Give the pipes and sockets on 0-2 and out_fd to the container's root
 * (base: its VM id). Returns 0, or -1 with errno. */
int container_own_stdio(int out_fd, unsigned long base);

#endif
