/* devices: see devices.h. The program is eBPF written by hand, a few
 * dozen instructions; no libbpf in a static PID 1. */
#include "runtime/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"

static const struct device_rule table[] = {
	{"null", 1, 3, "discards writes; every program expects it"},
	{"zero", 1, 5, "reads zeroes (mmap of anonymous memory, dd)"},
	{"full", 1, 7, "a full disk, for tests of write errors"},
	{"random", 1, 8, "the kernel's random numbers"},
	{"urandom", 1, 9, "the kernel's random numbers, never blocking"},
	{"tty", 5, 0, "the process's controlling terminal (exec -t)"},
	{NULL, 5, 1, "the console: a container's own pty when it has one"},
	{NULL, 5, 2, "ptmx: new ptys, from the container's own devpts"},
	{NULL, 136, DEVICES_ANY_MINOR, "pty slaves of the container's own devpts"},
};

const struct device_rule *devices_table(size_t *n)
{
	*n = ARRAY_SIZE(table);
	return table;
}

static struct bpf_insn insn(unsigned char code, unsigned char dst, unsigned char src,
			    short off, int imm)
{
	struct bpf_insn i;

	memset(&i, 0, sizeof(i));
	i.code = code;
	i.dst_reg = dst & 0xf;
	i.src_reg = src & 0xf;
	i.off = off;
	i.imm = imm;
	return i;
}

/* Registers: r1 the context, r2 the access bits, r3 the type, r4 the
 * major, r5 the minor. */
size_t devices_build(struct bpf_insn *p)
{
	const unsigned char ldxw = BPF_LDX | BPF_W | BPF_MEM;
	size_t n = 0, deny_jumps[2 * ARRAY_SIZE(table) + 2], nd = 0;

	p[n++] = insn(ldxw, 2, 1, (short)offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
	p[n++] = insn(BPF_ALU | BPF_AND | BPF_K, 3, 0, 0, 0xffff);
	p[n++] = insn(BPF_ALU | BPF_RSH | BPF_K, 2, 0, 0, 16);
	p[n++] = insn(ldxw, 4, 1, (short)offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	p[n++] = insn(ldxw, 5, 1, (short)offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
	/* Block devices, and mknod of anything: never. */
	deny_jumps[nd++] = n;
	p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, 3, 0, 0, BPF_DEVCG_DEV_CHAR);
	deny_jumps[nd++] = n;
	p[n++] = insn(BPF_JMP | BPF_JSET | BPF_K, 2, 0, 0, BPF_DEVCG_ACC_MKNOD);
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		int any = table[i].minor == DEVICES_ANY_MINOR;
		/* Skip to the next rule: past this one's remaining checks and
		 * its allow (mov, exit). */
		short skip = (short)(any ? 2 : 3);

		p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, skip, table[i].major);
		if (!any)
			p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 2, table[i].minor);
		p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
		p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	for (size_t k = 0; k < nd; k++)
		p[deny_jumps[k]].off = (short)(n - deny_jumps[k] - 1);
	p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

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
