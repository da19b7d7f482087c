/* seccomp: see seccomp.h. */
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "util.h"

/* Denied with EPERM, whatever their arguments. */
static const int denied[] = {
	SYS_acct, SYS_add_key, SYS_bpf, SYS_clock_adjtime, SYS_clock_settime,
	SYS_create_module, SYS_delete_module, SYS_finit_module,
	SYS_get_kernel_syms, SYS_get_mempolicy, SYS_init_module, SYS_ioperm,
	SYS_iopl, SYS_kcmp, SYS_kexec_file_load, SYS_kexec_load, SYS_keyctl,
	SYS_lookup_dcookie, SYS_mbind, SYS_mount, SYS_move_pages,
	SYS_name_to_handle_at, SYS_nfsservctl, SYS_open_by_handle_at,
	SYS_perf_event_open, SYS_pivot_root, SYS_process_vm_readv,
	SYS_process_vm_writev, SYS_ptrace, SYS_query_module, SYS_quotactl,
	SYS_reboot, SYS_request_key, SYS_set_mempolicy, SYS_setns,
	SYS_settimeofday, SYS_swapon, SYS_swapoff, SYS_sysfs, SYS__sysctl,
	SYS_umount2, SYS_unshare, SYS_uselib, SYS_userfaultfd, SYS_ustat,
	SYS_syslog, SYS_vhangup, SYS_io_uring_setup, SYS_io_uring_enter,
	SYS_io_uring_register, SYS_open_tree, SYS_move_mount, SYS_fsopen,
	SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_mount_setattr,
};

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP(code, k, jt, jf))

size_t seccomp_build(struct sock_filter *f)
{
	/* Layout, jumps only forward:
	 *   arch check, load nr, x32 check, clone, clone3, denied list,
	 *   ja ALLOW, CLONE: flags check, ALLOW, EPERM, ENOSYS, KILL */
	const size_t nden = ARRAY_SIZE(denied);
	const size_t list = 6;			/* first denied jeq */
	const size_t ja = list + nden;
	const size_t clone_blk = ja + 1;	/* ld args[0]; jset; */
	const size_t allow = clone_blk + 2;
	const size_t eperm = allow + 1, enosys = eperm + 1, kill = enosys + 1;
	size_t i = 0;

#define TO(target) ((unsigned char)((target) - (i + 1)))
	f[i] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	i++;
	f[i] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, TO(kill));
	i++;
	f[i] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	i++;
	f[i] = JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, TO(eperm), 0);
	i++;
	f[i] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, TO(clone_blk), 0);
	i++;
	f[i] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, TO(enosys), 0);
	i++;
	for (size_t k = 0; k < nden; k++, i++)
		f[i] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[k], TO(eperm), 0);
	f[i] = STMT(BPF_JMP | BPF_JA, (unsigned)(allow - (i + 1)));
	i++;
	/* clone(flags, ...): the low 32 bits of the first argument. */
	f[i] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
	i++;
	f[i] = JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, TO(eperm), 0);
	i++;
	f[i++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[i++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	f[i++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	f[i++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#undef TO
	return i;
}

int seccomp_install(void)
{
	static struct sock_filter prog[SECCOMP_MAX_INSNS];
	struct sock_fprog fp;

	fp.len = (unsigned short)seccomp_build(prog);
	fp.filter = prog;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0);
}
