/* Runs the filter hostd installs through a small classic-BPF evaluator, so
 * its verdicts are checked without root or a kernel. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "caps.h"
#include "seccomp.h"
#include "unit.h"

static unsigned run(const struct sock_filter *f, size_t n,
		    const struct seccomp_data *d)
{
	unsigned a = 0;

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0xdead;	/* an instruction we did not expect */
		}
	}
	return 0xbeef;			/* fell off the end: invalid */
}

static unsigned verdict(const struct sock_filter *f, size_t n, unsigned arch,
			int nr, unsigned long arg0)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = nr;
	d.args[0] = arg0;
	return run(f, n, &d);
}

void test_seccomp(void)
{
	struct sock_filter f[SECCOMP_MAX_INSNS];
	size_t n = seccomp_build(f, caps_docker_default());
	const unsigned A = AUDIT_ARCH_X86_64, EP = SECCOMP_RET_ERRNO | EPERM;

	CHECK(n > 10 && n <= SECCOMP_MAX_INSNS);
	/* Every jump lands inside the program. */
	for (size_t i = 0; i < n; i++)
		if (BPF_CLASS(f[i].code) == BPF_JMP)
			CHECK(i + 1 + (BPF_OP(f[i].code) == BPF_JA ? f[i].k :
				       (f[i].jt > f[i].jf ? f[i].jt : f[i].jf)) < n);
	CHECK(verdict(f, n, A, SYS_read, 0) == SECCOMP_RET_ALLOW);
	CHECK(verdict(f, n, A, SYS_execve, 0) == SECCOMP_RET_ALLOW);
	CHECK(verdict(f, n, A, SYS_mount, 0) == EP);
	CHECK(verdict(f, n, A, SYS_init_module, 0) == EP);
	CHECK(verdict(f, n, A, SYS_finit_module, 0) == EP);
	CHECK(verdict(f, n, A, SYS_reboot, 0) == EP);
	CHECK(verdict(f, n, A, SYS_unshare, 0) == EP);
	CHECK(verdict(f, n, A, SYS_setns, 0) == EP);
	CHECK(verdict(f, n, A, SYS_keyctl, 0) == EP);
	CHECK(verdict(f, n, A, SYS_kexec_load, 0) == EP);
	CHECK(verdict(f, n, A, SYS_io_uring_setup, 0) == EP);
	CHECK(verdict(f, n, A, SYS_mount_setattr, 0) == EP);
	CHECK(verdict(f, n, A, SYS_clone3, 0) == (SECCOMP_RET_ERRNO | ENOSYS));
	/* clone: threads and forks pass, new namespaces do not. */
	CHECK(verdict(f, n, A, SYS_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND) ==
	      SECCOMP_RET_ALLOW);
	CHECK(verdict(f, n, A, SYS_clone, 17 /* SIGCHLD */) == SECCOMP_RET_ALLOW);
	CHECK(verdict(f, n, A, SYS_clone, CLONE_NEWNS | 17) == EP);
	CHECK(verdict(f, n, A, SYS_clone, CLONE_NEWUSER) == EP);
	CHECK(verdict(f, n, A, SYS_clone, CLONE_NEWNET) == EP);
	/* The x32 ABI and other architectures. */
	CHECK(verdict(f, n, A, 0x40000000 | SYS_read, 0) == EP);
	CHECK(verdict(f, n, AUDIT_ARCH_I386, SYS_read, 0) == SECCOMP_RET_KILL_PROCESS);
}
