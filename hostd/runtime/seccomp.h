/* seccomp: the syscall filter every container's process runs under: an
 * allow list equal to Docker's default profile for x86_64
 * (seccomp_table.c), built for the container's capability set as Docker
 * builds it, so that a capability added later brings the syscalls Docker
 * would add (chroot comes with CAP_SYS_CHROOT, mount with CAP_SYS_ADMIN).
 * Anything else answers EPERM, as under Docker: modules, kexec, keyrings,
 * userfaultfd, io_uring, quotactl_fd, unknown numbers. Argument rules as
 * Docker's: clone without CLONE_NEW* flags, clone3 answers ENOSYS (so libc
 * falls back to clone, whose flags a filter can see), personality for
 * Docker's five values, socket for every family but AF_ALG and AF_VSOCK.
 * Stricter than Docker: another architecture (i386) is killed, and the x32
 * ABI answers EPERM, where Docker allows both. Written as classic BPF, a
 * balanced decision tree over syscall numbers: no libseccomp in a static
 * PID 1, no JIT in the appliance kernel, and no allocation. */
#ifndef HOSTD_SECCOMP_H
#define HOSTD_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* Room for the longest program the kernel accepts. */
#define SECCOMP_MAX_INSNS BPF_MAXINSNS

/* Build the filter for capability set caps (a mask of 1 << CAP_*) into
 * prog (room for SECCOMP_MAX_INSNS); returns the number of instructions,
 * or 0 if the table cannot be made into a program (a row numbered past
 * the x86_64 range, or too long a program). Pure, for the unit tests. */
size_t seccomp_build(struct sock_filter *prog, uint64_t caps);
/* The filter as the kernel takes it: fp pointed at the program built into
 * prog (room for SECCOMP_MAX_INSNS). Returns 0, or -1 with errno EINVAL if
 * it could not be built. Pure, as seccomp_build. */
int seccomp_fprog(struct sock_fprog *fp, struct sock_filter *prog, uint64_t caps);
/* Build it and install it on the calling thread (no_new_privs must be
 * set). Returns 0 or -1 with errno (EINVAL if it could not be built). */
int seccomp_install(uint64_t caps);

#endif
