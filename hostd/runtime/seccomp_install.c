/* seccomp_install: see seccomp.h. Builds the filter (seccomp.c) and hands
 * it to the kernel for the calling thread: the one system call of the
 * container seccomp filter, kept apart so the builder stays pure. */
#include "runtime/seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#include "runtime/seccomp_int.h"

int seccomp_install(uint64_t caps)
{
	static struct sock_filter prog[SECCOMP_MAX_INSNS];
	struct sock_fprog fp;
	size_t n = seccomp_build(prog, caps);

	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	fp.len = (unsigned short)n;
	fp.filter = prog;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0);
}
