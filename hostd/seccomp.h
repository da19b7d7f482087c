/* seccomp: the syscall filter every container's process runs under,
 * blocking what Docker's default profile blocks: kernel modules, kexec,
 * reboot, mount and the new mount API, namespace creation (unshare, setns,
 * clone with CLONE_NEW*), keyrings, bpf, perf, ptrace-like process access,
 * clock setting, swap, quotas, io_uring, and the x32 ABI. clone3 answers
 * ENOSYS (as under Docker) so libc falls back to clone, whose flags a
 * filter can see. Written as classic BPF: no libseccomp in a static PID 1.
 * Docker's profile is an allow list; this is the equivalent deny list for
 * x86_64, which also lets new harmless syscalls through. */
#ifndef HOSTD_SECCOMP_H
#define HOSTD_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>

#define SECCOMP_MAX_INSNS 128

/* Build the filter into prog (room for SECCOMP_MAX_INSNS); returns the
 * number of instructions. Pure, for the unit tests. */
size_t seccomp_build(struct sock_filter *prog);
/* Install it on the calling thread (no_new_privs must be set). Returns 0
 * or -1 with errno. */
int seccomp_install(void);

#endif
