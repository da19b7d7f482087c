/* devices: which device nodes a container may use, and the kernel's
 * enforcement of it.
 *
 * One table (devices_prog.c) says what a container gets: the character devices
 * Docker's default gives (null, zero, full, random, urandom, tty, console,
 * ptmx and the pty slaves of its own devpts) with read and write access,
 * and nothing else: no block device, no mknod of anything. From it come
 * (1) the nodes bound into the container's /dev (a nodev tmpfs, so a node
 * made there by other means cannot be opened) and (2) a cgroup v2 device
 * program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the container's cgroup,
 * which the kernel runs on every open and mknod of a device node by any
 * process of that cgroup, whatever its capabilities or its mounts.
 *
 * Docker's default differs in one way: it allows mknod ("c *:* m",
 * "b *:* m") and keeps CAP_MKNOD; here mknod is refused for every device. */
#ifndef HOSTD_DEVICES_H
#define HOSTD_DEVICES_H

#include <linux/bpf.h>
#include <stddef.h>

#define DEVICES_ANY_MINOR (-1)

struct device_rule {
	const char *node;	/* name under /dev bound from the host's, or NULL */
	int major, minor;	/* character device; minor may be DEVICES_ANY_MINOR */
	const char *why;
};

/* The table, and its length in *n. */
const struct device_rule *devices_table(size_t *n);

/* Room for the program devices_build writes. */
#define DEVICES_MAX_INSNS 64

/* Write the device program for the table into prog; returns its length
 * in instructions. Pure: the unit tests run it in a small interpreter. */
size_t devices_build(struct bpf_insn *prog);

/* Load the program (once per process; the descriptor is kept) and attach
 * it to the cgroup v2 directory cgroup_dir, alongside any program its
 * ancestors have (BPF_F_ALLOW_MULTI: every one must allow). Returns 0, or
 * -1 with errno and the failing step (with the verifier's words when the
 * load fails) in why. */
int devices_attach(const char *cgroup_dir, char *why, size_t whylen);

/* How many device programs the cgroup has (BPF_PROG_QUERY), or -1 with
 * errno: a cgroup kept from an earlier start has ours already. */
int devices_attached(const char *cgroup_dir);

#endif
