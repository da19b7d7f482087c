/* Runs the filter hostd installs through a small classic-BPF evaluator, so
 * its verdicts are checked without root or a kernel: every row of the
 * table, the refused calls, the argument rules, the capability gates, the
 * program's shape and its cost per syscall. Then the kernel itself takes
 * the program (no_new_privs, no root) in a child that tries a few calls.
 * Syscall numbers here come from <sys/syscall.h>, not from the table's
 * <asm/unistd.h>, so a wrong number in the table shows. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/seccomp.h"
#include "runtime/seccomp_int.h"
#include "unit.h"
#include "common/util.h"

#define A64 AUDIT_ARCH_X86_64
#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_ (SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_ (SECCOMP_RET_ERRNO | ENOSYS)
#define KILL SECCOMP_RET_KILL_PROCESS
#define BAD_INSN 0xdead0000u	/* an instruction the filter should not hold */
#define FELL_OFF 0xbeef0000u	/* ran past the end: the kernel refuses that */

static struct sock_filter prog[SECCOMP_MAX_INSNS];

/* Runs the program; *cmps counts the conditional jumps taken or not. */
static uint32_t run(const struct sock_filter *f, size_t n, const struct seccomp_data *d,
		    unsigned *cmps)
{
	uint32_t a = 0;

	*cmps = 0;
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k % 4 || i->k + 4 > sizeof(*d))
				return BAD_INSN;
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			++*cmps;
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			++*cmps;
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			++*cmps;
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return BAD_INSN;
		}
	}
	return FELL_OFF;
}

static uint32_t verdict(const struct sock_filter *f, size_t n, uint32_t arch, uint32_t nr,
			uint64_t arg0)
{
	struct seccomp_data d;
	unsigned cmps;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = (int)nr;
	d.args[0] = arg0;
	return run(f, n, &d, &cmps);
}

/* The shape the kernel's checker insists on: known instructions only,
 * every jump (both ways, JA's 32 bits included) forward and inside the
 * program, loads aligned inside seccomp_data, and a return last, so every
 * path ends in a return. Returns the number of faults. */
static int bad_shape(const struct sock_filter *f, size_t n)
{
	int bad = 0;

	if (n == 0 || n > BPF_MAXINSNS)
		return 1;
	for (size_t i = 0; i < n; i++) {
		switch (f[i].code) {
		case BPF_LD | BPF_W | BPF_ABS:
			bad += f[i].k % 4 || f[i].k + 4 > sizeof(struct seccomp_data);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			bad += i + 1 + f[i].jt >= n || i + 1 + f[i].jf >= n;
			break;
		case BPF_JMP | BPF_JA:
			bad += f[i].k >= n - i - 1;
			break;
		case BPF_RET | BPF_K:
			break;
		default:
			bad++;
		}
	}
	return bad + (f[n - 1].code != (BPF_RET | BPF_K));
}

static uint64_t bit(int cap)
{
	return 1ULL << cap;
}

/* What the table says for nr under caps: the highest verdict of the rows
 * that apply (the spec the builder follows; checked below against the
 * program for every number). */
static unsigned expect(uint32_t nr, uint64_t caps)
{
	unsigned v = SECCOMP_V_EPERM;

	for (size_t i = 0; i < seccomp_nrules; i++) {
		const struct seccomp_rule *r = &seccomp_rules[i];

		if (r->nr == nr && (r->cap < 0 || (caps & bit(r->cap))) && r->verdict > v)
			v = r->verdict;
	}
	return v;
}

/* One argument for each verdict that the verdict allows, and one it
 * refuses (0 where there is none). */
static void probe_args(unsigned v, uint64_t *ok, uint64_t *no)
{
	*ok = 0;
	*no = 0;
	if (v == SECCOMP_V_CLONE) {
		*ok = SIGCHLD;
		*no = CLONE_NEWUSER | SIGCHLD;
	} else if (v == SECCOMP_V_PERSONALITY) {
		*no = READ_IMPLIES_EXEC;
	} else if (v == SECCOMP_V_SOCKET) {
		*ok = AF_INET;
		*no = AF_VSOCK;
	}
}

/* Every number (and x32's, and some far ones) against expect(): returns
 * the mismatches, naming the first few. Also the most comparisons a
 * syscall with no argument rule costs, and the runs the table makes. */
static int sweep(const struct sock_filter *f, size_t n, uint64_t caps, unsigned *max_cmps,
		 unsigned *runs)
{
	static const uint32_t far[] = {1000, 0x3fffffff, 0x40000000, 0x40000000 | 39,
				       0x40000000 | 512, 0x7fffffff, 0x80000000, 0xffffffff};
	int bad = 0;
	unsigned prev = 99;

	*max_cmps = 0;
	*runs = 0;
	for (uint32_t k = 0; k < SECCOMP_NR_SPAN + 16 + ARRAY_SIZE(far); k++) {
		uint32_t nr = k < SECCOMP_NR_SPAN + 16 ? k : far[k - SECCOMP_NR_SPAN - 16];
		unsigned v = nr < SECCOMP_NR_SPAN ? expect(nr, caps) : SECCOMP_V_EPERM;
		uint32_t want_ok, want_no, got_ok, got_no;
		uint64_t ok, no;
		struct seccomp_data d;
		unsigned cmps;

		if (nr <= SECCOMP_NR_SPAN && v != prev)
			++*runs;
		prev = v;
		probe_args(v, &ok, &no);
		want_ok = v == SECCOMP_V_EPERM ? EPERM_ : v == SECCOMP_V_ENOSYS ? ENOSYS_ : ALLOW;
		want_no = v == SECCOMP_V_EPERM || v == SECCOMP_V_CLONE ||
				  v == SECCOMP_V_PERSONALITY || v == SECCOMP_V_SOCKET ?
			  EPERM_ :
			  want_ok;
		memset(&d, 0, sizeof(d));
		d.arch = A64;
		d.nr = (int)nr;
		d.args[0] = ok;
		got_ok = run(f, n, &d, &cmps);
		if (v < SECCOMP_V_CLONE || v == SECCOMP_V_ALLOW)
			*max_cmps = cmps > *max_cmps ? cmps : *max_cmps;
		d.args[0] = no;
		got_no = run(f, n, &d, &cmps);
		if (got_ok != want_ok || got_no != want_no) {
			if (bad++ < 5)
				fprintf(stderr, "seccomp: nr %#x under caps %#llx: got %#x/%#x, want %#x/%#x\n",
					nr, (unsigned long long)caps, got_ok, got_no, want_ok, want_no);
		}
	}
	return bad;
}

static unsigned ceil_log2(unsigned x)
{
	unsigned l = 0;

	while ((1u << l) < x)
		l++;
	return l;
}

/* Structure, every number, and the cost per syscall, for one caps set. */
static void check_caps(uint64_t caps)
{
	size_t n = seccomp_build(prog, caps);
	unsigned max_cmps, runs;

	CHECK(n > 0 && n <= SECCOMP_MAX_INSNS);
	CHECK(bad_shape(prog, n) == 0);
	CHECK(sweep(prog, n, caps, &max_cmps, &runs) == 0);
	/* The arch check, then a balanced tree over the runs. */
	CHECK(max_cmps <= 1 + ceil_log2(runs));
}

/* Each row allows its syscall once its capability is there (clone3
 * answers ENOSYS unless CAP_SYS_ADMIN allows it outright). */
static void check_rows(void)
{
	for (size_t i = 0; i < seccomp_nrules; i++) {
		const struct seccomp_rule *r = &seccomp_rules[i];
		uint64_t caps = caps_docker_default() | (r->cap >= 0 ? bit(r->cap) : 0);
		size_t n = seccomp_build(prog, caps);
		uint64_t ok, no;
		uint32_t got;

		probe_args(r->verdict, &ok, &no);
		got = verdict(prog, n, A64, r->nr, ok);
		CHECK(got == (r->verdict == SECCOMP_V_ENOSYS ? ENOSYS_ : ALLOW));
		if (got != (r->verdict == SECCOMP_V_ENOSYS ? ENOSYS_ : ALLOW))
			fprintf(stderr, "     row %zu: %s (%u)\n", i, r->name, r->nr);
		CHECK(r->nr < SECCOMP_NR_SPAN && r->cap < 64);
	}
}

/* What the stack's daemons (nginx, php-fpm, mariadb, redis, vsftpd) and
 * their libcs call, whatever the table says, and the size of the allow
 * list: 306 syscalls under Docker's default capabilities (its first group,
 * ptrace and process_vm_* by minKernel, arch_prctl, modify_ldt, chroot),
 * plus clone, personality and socket by their arguments. A row lost or
 * added changes the count: re-read Docker's profile and change both. */
static void check_needed(void)
{
	static const uint32_t needed[] = {
		SYS_read, SYS_write, SYS_openat, SYS_close, SYS_mmap, SYS_munmap, SYS_brk,
		SYS_epoll_wait, SYS_epoll_pwait, SYS_epoll_ctl, SYS_accept4, SYS_sendfile,
		SYS_setsockopt, SYS_bind, SYS_listen, SYS_connect, SYS_chroot, SYS_setgroups,
		SYS_setresuid, SYS_setuid, SYS_setgid, SYS_prctl, SYS_arch_prctl,
		SYS_set_robust_list, SYS_rseq, SYS_execve, SYS_wait4, SYS_futex,
		SYS_getrandom, SYS_io_setup, SYS_io_submit, SYS_io_getevents, SYS_fsync,
		SYS_fdatasync, SYS_pread64, SYS_pwrite64, SYS_fallocate, SYS_statx,
		SYS_newfstatat, SYS_getdents64, SYS_capget, SYS_capset, SYS_faccessat2,
		SYS_close_range, SYS_clone3 /* ENOSYS, see check_args */,
	};
	size_t n = seccomp_build(prog, caps_docker_default());
	unsigned allowed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(needed); i++)
		CHECK(verdict(prog, n, A64, needed[i], 0) ==
		      (needed[i] == SYS_clone3 ? ENOSYS_ : ALLOW));
	/* With 0 as first argument, clone, personality and socket pass too. */
	for (uint32_t nr = 0; nr < SECCOMP_NR_SPAN; nr++)
		allowed += verdict(prog, n, A64, nr, 0) == ALLOW;
	CHECK(allowed == 306 + 3);
}

/* Refused whatever the arguments under Docker's default capabilities:
 * not in Docker's profile at all, or gated by a capability it lacks. */
static void check_refused(void)
{
	static const uint32_t refused[] = {
		SYS_quotactl_fd, SYS_quotactl, SYS_kexec_load, SYS_kexec_file_load,
		SYS_open_by_handle_at, SYS_bpf, SYS_add_key, SYS_keyctl, SYS_request_key,
		SYS_userfaultfd, SYS_perf_event_open, SYS_mount, SYS_umount2, SYS_unshare,
		SYS_setns, SYS_pivot_root, SYS_init_module, SYS_finit_module,
		SYS_delete_module, SYS_reboot, SYS_swapon, SYS_swapoff, SYS_io_uring_setup,
		SYS_io_uring_enter, SYS_io_uring_register, SYS_fsopen, SYS_fsconfig,
		SYS_fsmount, SYS_fspick, SYS_open_tree, SYS_move_mount, SYS_mount_setattr,
		SYS_sethostname, SYS_setdomainname, SYS_acct, SYS_iopl, SYS_ioperm,
		SYS_settimeofday, SYS_clock_settime, SYS_vhangup, SYS_mbind,
		SYS_set_mempolicy, SYS_get_mempolicy, SYS_set_mempolicy_home_node,
		SYS_move_pages, SYS_migrate_pages, SYS_kcmp, SYS_pidfd_getfd,
		SYS_process_madvise, SYS_syslog, SYS_lookup_dcookie, SYS_fanotify_init,
		SYS_uselib, SYS_ustat, SYS_sysfs, SYS__sysctl, SYS_nfsservctl,
		SYS_create_module, SYS_get_kernel_syms, SYS_query_module, SYS_vserver,
		SYS_afs_syscall, SYS_tuxcall, SYS_security, SYS_getpmsg, SYS_putpmsg,
		336 /* uprobe */, 459 /* lsm_get_self_attr: CAP_SYS_ADMIN */,
		467 /* open_tree_attr, newer than the profile */, 470, 511, 512, 547,
		1000, 0x40000000 | SYS_getpid, 0x40000000 | 520 /* x32 execve */,
		0x40000000 | SYS_keyctl, 0xffffffff,
	};
	size_t n = seccomp_build(prog, caps_docker_default());

	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		CHECK(verdict(prog, n, A64, refused[i], 0) == EPERM_);
		if (verdict(prog, n, A64, refused[i], 0) != EPERM_)
			fprintf(stderr, "     refused[%zu] = %#x\n", i, refused[i]);
	}
	/* Whatever the capabilities: no Docker row names these. */
	n = seccomp_build(prog, ~0ULL);
	CHECK(verdict(prog, n, A64, SYS_keyctl, 0) == EPERM_);
	CHECK(verdict(prog, n, A64, SYS_add_key, 0) == EPERM_);
	CHECK(verdict(prog, n, A64, SYS_kexec_load, 0) == EPERM_);
	CHECK(verdict(prog, n, A64, SYS_userfaultfd, 0) == EPERM_);
	CHECK(verdict(prog, n, A64, SYS_io_uring_setup, 0) == EPERM_);
	CHECK(verdict(prog, n, A64, SYS_pivot_root, 0) == EPERM_);
	CHECK(verdict(prog, n, A64, 0x40000000 | SYS_getpid, 0) == EPERM_);
}

static void check_args(void)
{
	static const uint64_t ns[] = {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
				      CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};
	static const uint64_t forks[] = {
		0, SIGCHLD, CLONE_VM | CLONE_VFORK | SIGCHLD, /* posix_spawn */
		CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
			CLONE_CHILD_CLEARTID, /* pthread_create */
		0xffffffff00000000ULL | SIGCHLD, /* high bits the kernel drops */
	};
	static const uint64_t personas_ok[] = {0, 8, 0x20000, 0x20008, 0xffffffff};
	static const uint64_t personas_no[] = {
		ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, PER_LINUX | ADDR_NO_RANDOMIZE,
		PER_LINUX32 | READ_IMPLIES_EXEC, MMAP_PAGE_ZERO, ADDR_COMPAT_LAYOUT,
		ADDR_LIMIT_3GB, STICKY_TIMEOUTS, PER_BSD, PER_SVR4, 1, 0xfffffffe,
		0x100000000ULL | READ_IMPLIES_EXEC,
	};
	static const uint64_t families_ok[] = {AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK,
					       AF_PACKET, 37, 39, 41, 44, 45, 0xffffffff};
	static const uint64_t families_no[] = {AF_VSOCK, AF_ALG, 0x100000000ULL | AF_VSOCK,
					       0xffffffff00000000ULL | AF_ALG};
	uint64_t def = caps_docker_default();
	size_t n = seccomp_build(prog, def);

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		CHECK(verdict(prog, n, A64, SYS_clone, ns[i]) == EPERM_);
		CHECK(verdict(prog, n, A64, SYS_clone, ns[i] | SIGCHLD | CLONE_VM) == EPERM_);
	}
	for (size_t i = 0; i < ARRAY_SIZE(forks); i++)
		CHECK(verdict(prog, n, A64, SYS_clone, forks[i]) == ALLOW);
	CHECK(verdict(prog, n, A64, SYS_clone3, 0) == ENOSYS_);
	for (size_t i = 0; i < ARRAY_SIZE(personas_ok); i++)
		CHECK(verdict(prog, n, A64, SYS_personality, personas_ok[i]) == ALLOW);
	for (size_t i = 0; i < ARRAY_SIZE(personas_no); i++)
		CHECK(verdict(prog, n, A64, SYS_personality, personas_no[i]) == EPERM_);
	for (size_t i = 0; i < ARRAY_SIZE(families_ok); i++)
		CHECK(verdict(prog, n, A64, SYS_socket, families_ok[i]) == ALLOW);
	for (size_t i = 0; i < ARRAY_SIZE(families_no); i++)
		CHECK(verdict(prog, n, A64, SYS_socket, families_no[i]) == EPERM_);
	/* socketpair has no family rule in Docker's profile. */
	CHECK(verdict(prog, n, A64, SYS_socketpair, AF_VSOCK) == ALLOW);
	/* With CAP_SYS_ADMIN, Docker allows clone and clone3 outright. */
	n = seccomp_build(prog, def | bit(CAP_SYS_ADMIN));
	CHECK(verdict(prog, n, A64, SYS_clone, CLONE_NEWNS | CLONE_NEWUSER) == ALLOW);
	CHECK(verdict(prog, n, A64, SYS_clone3, 0) == ALLOW);
	/* ... but personality and socket keep their rules. */
	CHECK(verdict(prog, n, A64, SYS_personality, READ_IMPLIES_EXEC) == EPERM_);
	CHECK(verdict(prog, n, A64, SYS_socket, AF_VSOCK) == EPERM_);
}

/* A syscall gated by a capability is allowed only when the set holds it. */
static void check_gates(void)
{
	static const struct {
		uint32_t nr;
		int cap;
	} gated[] = {
		{SYS_chroot, CAP_SYS_CHROOT}, {SYS_mount, CAP_SYS_ADMIN},
		{SYS_umount2, CAP_SYS_ADMIN}, {SYS_unshare, CAP_SYS_ADMIN},
		{SYS_setns, CAP_SYS_ADMIN}, {SYS_sethostname, CAP_SYS_ADMIN},
		{SYS_quotactl_fd, CAP_SYS_ADMIN}, {SYS_bpf, CAP_SYS_ADMIN}, {SYS_bpf, CAP_BPF},
		{SYS_perf_event_open, CAP_SYS_ADMIN}, {SYS_perf_event_open, CAP_PERFMON},
		{SYS_syslog, CAP_SYS_ADMIN}, {SYS_syslog, CAP_SYSLOG},
		{SYS_open_by_handle_at, CAP_DAC_READ_SEARCH}, {SYS_reboot, CAP_SYS_BOOT},
		{SYS_init_module, CAP_SYS_MODULE}, {SYS_acct, CAP_SYS_PACCT},
		{SYS_kcmp, CAP_SYS_PTRACE}, {SYS_pidfd_getfd, CAP_SYS_PTRACE},
		{SYS_iopl, CAP_SYS_RAWIO}, {SYS_settimeofday, CAP_SYS_TIME},
		{SYS_clock_settime, CAP_SYS_TIME}, {SYS_vhangup, CAP_SYS_TTY_CONFIG},
		{SYS_mbind, CAP_SYS_NICE},
	};
	uint64_t def = caps_docker_default() & ~bit(CAP_SYS_CHROOT);

	for (size_t i = 0; i < ARRAY_SIZE(gated); i++) {
		size_t n = seccomp_build(prog, def);

		CHECK(verdict(prog, n, A64, gated[i].nr, 0) == EPERM_);
		n = seccomp_build(prog, def | bit(gated[i].cap));
		CHECK(verdict(prog, n, A64, gated[i].nr, 0) == ALLOW);
	}
	/* chroot is in Docker's default set (vsftpd needs it). */
	CHECK(verdict(prog, seccomp_build(prog, caps_docker_default()), A64, SYS_chroot, 0) ==
	      ALLOW);
	CHECK(verdict(prog, seccomp_build(prog, 0), A64, SYS_chroot, 0) == EPERM_);
	/* Allowed without CAP_SYS_PTRACE since kernel 4.8, as by Docker. */
	CHECK(verdict(prog, seccomp_build(prog, 0), A64, SYS_ptrace, 0) == ALLOW);
}

/* A table that alternates allow and refuse over 500 numbers needs jumps
 * past 255 instructions: the tree takes them with BPF_JA. */
static void check_long_jumps(void)
{
	static struct seccomp_rule alt[SECCOMP_NR_SPAN / 2];
	size_t n, nja = 0;
	int wrong = 0;

	for (size_t i = 0; i < ARRAY_SIZE(alt); i++)
		alt[i] = (struct seccomp_rule){"even", (uint16_t)(2 * i), SECCOMP_V_ALLOW, -1};
	n = seccomp_build_from(prog, alt, ARRAY_SIZE(alt), 0);
	CHECK(n > 512 && bad_shape(prog, n) == 0);
	for (size_t i = 0; i < n; i++)
		nja += prog[i].code == (BPF_JMP | BPF_JA);
	CHECK(nja > 0);
	for (uint32_t nr = 0; nr < SECCOMP_NR_SPAN + 8; nr++)
		wrong += verdict(prog, n, A64, nr, 0) !=
			 (nr < SECCOMP_NR_SPAN && nr % 2 == 0 ? ALLOW : EPERM_);
	CHECK(wrong == 0);
	/* A row past the x86_64 range is refused, not mis-built. */
	alt[0].nr = SECCOMP_NR_SPAN;
	CHECK(seccomp_build_from(prog, alt, ARRAY_SIZE(alt), 0) == 0);
}

/* The kernel takes the program and agrees with the evaluator. The child
 * sets no_new_privs (no root needed), installs the filter, tries calls and
 * exits with the first that went wrong. */
static int in_kernel(void)
{
	static struct sock_filter prog[SECCOMP_MAX_INSNS];
	struct sock_fprog fp;
	long r;

	/* seccomp_install's steps (seccomp_install.c is not linked here: the
	 * unit tests link pure files only). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    seccomp_fprog(&fp, prog, caps_docker_default()) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) < 0)
		return 1;
	if (syscall(SYS_getpid) != getpid())
		return 2;
	r = syscall(SYS_personality, READ_IMPLIES_EXEC);
	if (r != -1 || errno != EPERM)
		return 3;
	r = syscall(SYS_personality, 0xffffffffUL);
	if (r == -1)
		return 4;
	r = syscall(SYS_socket, AF_VSOCK, SOCK_STREAM, 0);
	if (r != -1 || errno != EPERM)
		return 5;
	r = syscall(SYS_socket, 0x100000000UL | AF_VSOCK, SOCK_STREAM, 0);
	if (r != -1 || errno != EPERM)
		return 6;
	r = syscall(SYS_clone3, NULL, 0);
	if (r != -1 || errno != ENOSYS)
		return 7;
	r = syscall(SYS_keyctl, 0, -3, 0);
	if (r != -1 || errno != EPERM)
		return 8;
	r = syscall(0x40000000 | SYS_getpid);
	if (r != -1 || errno != EPERM)
		return 9;
	r = syscall(1000);
	if (r != -1 || errno != EPERM)
		return 10;
	return 0;
}

static void check_kernel(void)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0)
		_exit(in_kernel());
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fprintf(stderr, "     seccomp in the kernel: step %d failed (status %#x)\n",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1, st);
}

void test_seccomp(void)
{
	uint64_t def = caps_docker_default();
	size_t n = seccomp_build(prog, def);

	/* Another architecture is killed, whatever the number. */
	CHECK(verdict(prog, n, AUDIT_ARCH_I386, SYS_getpid, 0) == KILL);
	CHECK(verdict(prog, n, AUDIT_ARCH_I386, 20 /* i386 getpid */, 0) == KILL);
	CHECK(verdict(prog, n, AUDIT_ARCH_AARCH64, SYS_read, 0) == KILL);
	CHECK(verdict(prog, n, 0, SYS_read, 0) == KILL);
	CHECK(verdict(prog, n, A64, SYS_read, 0) == ALLOW);
	CHECK(verdict(prog, n, A64, SYS_execve, 0) == ALLOW);
	check_caps(def);
	check_caps(0);
	check_caps(~0ULL);
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		check_caps(def | bit(c));
	check_rows();
	check_needed();
	check_refused();
	check_args();
	check_gates();
	check_long_jumps();
	check_kernel();
}
