/* seccomp_install: see seccomp.h. Builds the filter (seccomp.c) and hands
 * it to the kernel for the calling thread: the one system call of the
 * container seccomp filter, kept apart so the builder stays pure. */
#include "runtime/seccomp.h"

#include <linux/seccomp.h>
#include <sys/prctl.h>

int seccomp_install(uint64_t caps)
{
	static struct sock_filter prog[SECCOMP_MAX_INSNS];
	struct sock_fprog fp;

	if (seccomp_fprog(&fp, prog, caps) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0);
}
