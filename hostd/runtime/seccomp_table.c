/* seccomp_table: Docker's default seccomp profile for x86_64, as data —
 * which syscalls a container may make, under which capability, and the
 * argument rules of clone, clone3, personality and socket. Read from
 * moby/profiles seccomp/default.json (commit cd3bed8, 2026-06-30; the
 * version moby vendors at b985e23) and kept in its order, so the two can be
 * compared group by group. seccomp.c turns it into BPF; nothing here is
 * code, and nothing is allowed that Docker's profile does not allow.
 *
 * How Docker's profile reads on our appliance:
 *  - "arches" entries: only those naming amd64 apply (arch_prctl,
 *    modify_ldt); the arm, ppc64le, s390 and riscv64 ones do not. The
 *    i386 and x32 ABIs, which Docker maps in as sub-architectures, are
 *    refused before this table is consulted (seccomp.c).
 *  - "minKernel" entries are applied as on our 6.1 kernel: ptrace and
 *    process_vm_readv/writev (minKernel 4.8) are allowed.
 *  - "includes": {"caps"} entries are rows with a cap: they apply when the
 *    container's capability set holds it (Docker looks at the bounding
 *    set, which is what hostd keeps). A syscall in two groups (syslog,
 *    bpf, perf_event_open, ptrace ...) has a row for each.
 *  - Names in the profile with no x86_64 number are not here (they exist
 *    for i386 or other architectures only): chown32, clock_adjtime64,
 *    clock_getres_time64, clock_gettime64, clock_nanosleep_time64,
 *    fadvise64_64, fchown32, fcntl64, fstat64, fstatat64, fstatfs64,
 *    ftruncate64, futex_time64, getegid32, geteuid32, getgid32,
 *    getgroups32, getresgid32, getresuid32, getuid32,
 *    io_pgetevents_time64, ipc, lchown32, _llseek, lstat64, mmap2,
 *    mq_timedreceive_time64, mq_timedsend_time64, _newselect,
 *    ppoll_time64, pselect6_time64, recv, recvmmsg_time64, riscv_hwprobe,
 *    rt_sigtimedwait_time64, sched_rr_get_interval_time64,
 *    semtimedop_time64, send, sendfile64, setfsgid32, setfsuid32,
 *    setgid32, setgroups32, setregid32, setresgid32, setresuid32,
 *    setreuid32, setuid32, sigprocmask, sigreturn, socketcall, stat64,
 *    statfs64, timer_gettime64, timer_settime64, timerfd_gettime64,
 *    timerfd_settime64, truncate64, ugetrlimit, utimensat_time64, waitpid
 *    (of the first group); umount (CAP_SYS_ADMIN group) and stime,
 *    clock_settime64 (CAP_SYS_TIME group); and the other architectures'
 *    own calls in their "arches" groups.
 * Numbers come from the kernel's own header (<asm/unistd.h>, through
 * -isystem out/build/kinc under musl): the same numbers for the static
 * musl hostd and the glibc unit tests, where musl 1.2.3's SYS_ list stops
 * at 442.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "runtime/seccomp_int.h"

#include <asm/unistd.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "common/util.h"

/* Allowed by Docker's profile but newer than our 6.1 kernel headers; the
 * numbers are from the kernel's arch/x86/entry/syscalls/syscall_64.tbl. The
 * 6.1 kernel answers ENOSYS for them, as under Docker on a 6.1 host (libseccomp
 * knows the names whatever the kernel), so a libc that tries one falls back
 * instead of failing on EPERM. */
#ifndef __NR_uretprobe
#define __NR_uretprobe 335
#endif
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_map_shadow_stack
#define __NR_map_shadow_stack 453
#endif
#ifndef __NR_futex_wake
#define __NR_futex_wake 454
#endif
#ifndef __NR_futex_wait
#define __NR_futex_wait 455
#endif
#ifndef __NR_futex_requeue
#define __NR_futex_requeue 456
#endif
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif
#ifndef __NR_lsm_get_self_attr
#define __NR_lsm_get_self_attr 459
#endif
#ifndef __NR_lsm_set_self_attr
#define __NR_lsm_set_self_attr 460
#endif
#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules 461
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_getxattrat
#define __NR_getxattrat 464
#endif
#ifndef __NR_listxattrat
#define __NR_listxattrat 465
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif

#define ROW(n, v, c) {#n, __NR_##n, v, c}
#define A(n) ROW(n, SECCOMP_V_ALLOW, -1)		/* allowed */
#define CAP(n, c) ROW(n, SECCOMP_V_ALLOW, c)		/* allowed with c */

const struct seccomp_rule seccomp_rules[] = {
	/* Docker's first group: allowed whatever the capabilities. */
	A(accept), A(accept4), A(access), A(adjtimex), A(alarm), A(bind), A(brk),
	A(cachestat), A(capget), A(capset), A(chdir), A(chmod), A(chown),
	A(clock_adjtime), A(clock_getres), A(clock_gettime), A(clock_nanosleep),
	A(close), A(close_range), A(connect), A(copy_file_range), A(creat), A(dup),
	A(dup2), A(dup3), A(epoll_create), A(epoll_create1), A(epoll_ctl),
	A(epoll_ctl_old), A(epoll_pwait), A(epoll_pwait2), A(epoll_wait),
	A(epoll_wait_old), A(eventfd), A(eventfd2), A(execve), A(execveat),
	A(exit), A(exit_group), A(faccessat), A(faccessat2), A(fadvise64),
	A(fallocate), A(fanotify_mark), A(fchdir), A(fchmod), A(fchmodat),
	A(fchmodat2), A(fchown), A(fchownat), A(fcntl), A(fdatasync), A(fgetxattr),
	A(flistxattr), A(flock), A(fork), A(fremovexattr), A(fsetxattr), A(fstat),
	A(fstatfs), A(fsync), A(ftruncate), A(futex), A(futex_requeue),
	A(futex_wait), A(futex_waitv), A(futex_wake), A(futimesat), A(getcpu),
	A(getcwd), A(getdents), A(getdents64), A(getegid), A(geteuid), A(getgid),
	A(getgroups), A(getitimer), A(getpeername), A(getpgid), A(getpgrp),
	A(getpid), A(getppid), A(getpriority), A(getrandom), A(getresgid),
	A(getresuid), A(getrlimit), A(get_robust_list), A(getrusage), A(getsid),
	A(getsockname), A(getsockopt), A(get_thread_area), A(gettid),
	A(gettimeofday), A(getuid), A(getxattr), A(getxattrat),
	A(inotify_add_watch), A(inotify_init), A(inotify_init1),
	A(inotify_rm_watch), A(io_cancel), A(ioctl), A(io_destroy),
	A(io_getevents), A(io_pgetevents), A(ioprio_get), A(ioprio_set),
	A(io_setup), A(io_submit), A(kill), A(landlock_add_rule),
	A(landlock_create_ruleset), A(landlock_restrict_self), A(lchown),
	A(lgetxattr), A(link), A(linkat), A(listen), A(listmount), A(listxattr),
	A(listxattrat), A(llistxattr), A(lremovexattr), A(lseek), A(lsetxattr),
	A(lstat), A(madvise), A(map_shadow_stack), A(membarrier), A(memfd_create),
	A(memfd_secret), A(mincore), A(mkdir), A(mkdirat), A(mknod), A(mknodat),
	A(mlock), A(mlock2), A(mlockall), A(mmap), A(mprotect), A(mq_getsetattr),
	A(mq_notify), A(mq_open), A(mq_timedreceive), A(mq_timedsend),
	A(mq_unlink), A(mremap), A(mseal), A(msgctl), A(msgget), A(msgrcv),
	A(msgsnd), A(msync), A(munlock), A(munlockall), A(munmap),
	A(name_to_handle_at), A(nanosleep), A(newfstatat), A(open), A(openat),
	A(openat2), A(pause), A(pidfd_open), A(pidfd_send_signal), A(pipe),
	A(pipe2), A(pkey_alloc), A(pkey_free), A(pkey_mprotect), A(poll), A(ppoll),
	A(prctl), A(pread64), A(preadv), A(preadv2), A(prlimit64),
	A(process_mrelease), A(pselect6), A(pwrite64), A(pwritev), A(pwritev2),
	A(read), A(readahead), A(readlink), A(readlinkat), A(readv), A(recvfrom),
	A(recvmmsg), A(recvmsg), A(remap_file_pages), A(removexattr),
	A(removexattrat), A(rename), A(renameat), A(renameat2), A(restart_syscall),
	A(rmdir), A(rseq), A(rt_sigaction), A(rt_sigpending), A(rt_sigprocmask),
	A(rt_sigqueueinfo), A(rt_sigreturn), A(rt_sigsuspend), A(rt_sigtimedwait),
	A(rt_tgsigqueueinfo), A(sched_getaffinity), A(sched_getattr),
	A(sched_getparam), A(sched_get_priority_max), A(sched_get_priority_min),
	A(sched_getscheduler), A(sched_rr_get_interval), A(sched_setaffinity),
	A(sched_setattr), A(sched_setparam), A(sched_setscheduler), A(sched_yield),
	A(seccomp), A(select), A(semctl), A(semget), A(semop), A(semtimedop),
	A(sendfile), A(sendmmsg), A(sendmsg), A(sendto), A(setfsgid), A(setfsuid),
	A(setgid), A(setgroups), A(setitimer), A(setpgid), A(setpriority),
	A(setregid), A(setresgid), A(setresuid), A(setreuid), A(setrlimit),
	A(set_robust_list), A(setsid), A(setsockopt), A(set_thread_area),
	A(set_tid_address), A(setuid), A(setxattr), A(setxattrat), A(shmat),
	A(shmctl), A(shmdt), A(shmget), A(shutdown), A(sigaltstack), A(signalfd),
	A(signalfd4), A(socketpair), A(splice), A(stat), A(statfs), A(statmount),
	A(statx), A(symlink), A(symlinkat), A(sync), A(sync_file_range), A(syncfs),
	A(sysinfo), A(tee), A(tgkill), A(time), A(timer_create), A(timer_delete),
	A(timer_getoverrun), A(timer_gettime), A(timer_settime), A(timerfd_create),
	A(timerfd_gettime), A(timerfd_settime), A(times), A(tkill), A(truncate),
	A(umask), A(uname), A(unlink), A(unlinkat), A(uretprobe), A(utime),
	A(utimensat), A(utimes), A(vfork), A(vmsplice), A(wait4), A(waitid),
	A(write), A(writev),
	/* minKernel 4.8: from 4.8 on, ptrace cannot be used to slip past
	 * seccomp, so Docker allows these without CAP_SYS_PTRACE. */
	A(process_vm_readv), A(process_vm_writev), A(ptrace),
	/* Argument rules (seccomp.c checks the argument). */
	ROW(socket, SECCOMP_V_SOCKET, -1),
	ROW(personality, SECCOMP_V_PERSONALITY, -1),
	/* "arches": amd64 (arch_prctl also x32; modify_ldt also x32, x86). */
	A(arch_prctl), A(modify_ldt),
	/* Gated by a capability, in Docker's order. */
	CAP(open_by_handle_at, CAP_DAC_READ_SEARCH),
	CAP(bpf, CAP_SYS_ADMIN), CAP(clone, CAP_SYS_ADMIN),
	CAP(clone3, CAP_SYS_ADMIN), CAP(fanotify_init, CAP_SYS_ADMIN),
	CAP(fsconfig, CAP_SYS_ADMIN), CAP(fsmount, CAP_SYS_ADMIN),
	CAP(fsopen, CAP_SYS_ADMIN), CAP(fspick, CAP_SYS_ADMIN),
	CAP(lookup_dcookie, CAP_SYS_ADMIN), CAP(lsm_get_self_attr, CAP_SYS_ADMIN),
	CAP(lsm_list_modules, CAP_SYS_ADMIN), CAP(lsm_set_self_attr, CAP_SYS_ADMIN),
	CAP(mount, CAP_SYS_ADMIN), CAP(mount_setattr, CAP_SYS_ADMIN),
	CAP(move_mount, CAP_SYS_ADMIN), CAP(open_tree, CAP_SYS_ADMIN),
	CAP(perf_event_open, CAP_SYS_ADMIN), CAP(quotactl, CAP_SYS_ADMIN),
	CAP(quotactl_fd, CAP_SYS_ADMIN), CAP(setdomainname, CAP_SYS_ADMIN),
	CAP(sethostname, CAP_SYS_ADMIN), CAP(setns, CAP_SYS_ADMIN),
	CAP(syslog, CAP_SYS_ADMIN), CAP(umount2, CAP_SYS_ADMIN),
	CAP(unshare, CAP_SYS_ADMIN),
	/* Without CAP_SYS_ADMIN ("excludes" in Docker's profile, outranked
	 * by the rows above here): clone without namespace flags, and clone3,
	 * whose flags sit in memory a filter cannot read, answers ENOSYS so
	 * that libc falls back to clone. */
	ROW(clone, SECCOMP_V_CLONE, -1),
	ROW(clone3, SECCOMP_V_ENOSYS, -1),
	CAP(reboot, CAP_SYS_BOOT),
	/* In Docker's default set: vsftpd's chroot works. */
	CAP(chroot, CAP_SYS_CHROOT),
	CAP(delete_module, CAP_SYS_MODULE), CAP(init_module, CAP_SYS_MODULE),
	CAP(finit_module, CAP_SYS_MODULE),
	CAP(acct, CAP_SYS_PACCT),
	CAP(kcmp, CAP_SYS_PTRACE), CAP(pidfd_getfd, CAP_SYS_PTRACE),
	CAP(process_madvise, CAP_SYS_PTRACE), CAP(process_vm_readv, CAP_SYS_PTRACE),
	CAP(process_vm_writev, CAP_SYS_PTRACE), CAP(ptrace, CAP_SYS_PTRACE),
	CAP(iopl, CAP_SYS_RAWIO), CAP(ioperm, CAP_SYS_RAWIO),
	CAP(settimeofday, CAP_SYS_TIME), CAP(clock_settime, CAP_SYS_TIME),
	CAP(vhangup, CAP_SYS_TTY_CONFIG),
	CAP(get_mempolicy, CAP_SYS_NICE), CAP(mbind, CAP_SYS_NICE),
	CAP(set_mempolicy, CAP_SYS_NICE), CAP(set_mempolicy_home_node, CAP_SYS_NICE),
	CAP(syslog, CAP_SYSLOG),
	CAP(bpf, CAP_BPF),
	CAP(perf_event_open, CAP_PERFMON),
};
const size_t seccomp_nrules = ARRAY_SIZE(seccomp_rules);

/* clone: Docker's SCMP_CMP_MASKED_EQ 0x7e020000 == 0 on the flags. */
const uint32_t seccomp_clone_ns_flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
					CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
					CLONE_NEWCGROUP;

/* personality: Docker allows these five values, nothing else (not
 * READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE ...). 0xffffffff only asks for the
 * current persona. */
const uint32_t seccomp_personas[] = {
	PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, 0xffffffffu,
};
const size_t seccomp_npersonas = ARRAY_SIZE(seccomp_personas);

/* socket: Docker allows family < 38, == 39 and > 40, that is every family
 * but AF_ALG (the kernel crypto API, refused since moby/profiles dec315c)
 * and AF_VSOCK (the host-guest channel). */
const uint32_t seccomp_refused_families[] = {AF_ALG, AF_VSOCK};
const size_t seccomp_nrefused_families = ARRAY_SIZE(seccomp_refused_families);
