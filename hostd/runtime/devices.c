/* devices: see devices.h. Loads the device program devices_prog.c builds
 * (eBPF written by hand; no libbpf in a static PID 1) and attaches it. */
#include "runtime/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"

static long bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* One load per process: every container's cgroup gets the same program. */
static int prog_fd = -1;

static int load(char *why, size_t whylen)
{
	static struct bpf_insn prog[DEVICES_MAX_INSNS];
	static char log[4096];
	union bpf_attr a;
	size_t n;

	if (prog_fd >= 0)
		return prog_fd;
	n = devices_build(prog);
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (unsigned long)prog;
	a.insn_cnt = (unsigned)n;
	/* No helper is called, so the licence gates nothing. */
	a.license = (unsigned long)"GPL";
	a.log_buf = (unsigned long)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	log[0] = '\0';
	prog_fd = (int)bpf(BPF_PROG_LOAD, &a);
	if (prog_fd < 0) {
		int e = errno;

		log[strcspn(log, "\n")] = '\0';
		snprintf(why, whylen, "load the device program (%zu instructions)%s%s", n,
			 log[0] ? ": verifier: " : "", log);
		errno = e;
		return -1;
	}
	if (fcntl(prog_fd, F_SETFD, FD_CLOEXEC) < 0) {
		snprintf(why, whylen, "mark the device program close-on-exec");
		return -1;
	}
	return prog_fd;
}

int devices_attached(const char *cgroup_dir)
{
	union bpf_attr a;
	int cg, e;
	long r;

	cg = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.query.target_fd = (unsigned)cg;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	r = bpf(BPF_PROG_QUERY, &a);
	e = errno;
	close(cg);
	if (r < 0) {
		errno = e;
		return -1;
	}
	return (int)a.query.prog_cnt;
}

int devices_attach(const char *cgroup_dir, char *why, size_t whylen)
{
	union bpf_attr a;
	int cg, e;
	long r;

	if (load(why, whylen) < 0)
		return -1;
	cg = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		snprintf(why, whylen, "open cgroup %s", cgroup_dir);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (unsigned)cg;
	a.attach_bpf_fd = (unsigned)prog_fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	r = bpf(BPF_PROG_ATTACH, &a);
	e = errno;
	close(cg);
	if (r < 0) {
		snprintf(why, whylen, "attach the device program to cgroup %s", cgroup_dir);
		errno = e;
		return -1;
	}
	return 0;
}
