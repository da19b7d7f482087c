/* devices_prog: the one table of devices.h (which device nodes a container
 * gets) and the cgroup device program built from it. Tables and
 * instructions in memory only: it never calls bpf(2) or touches a cgroup
 * (devices.c loads and attaches the program).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "runtime/devices.h"

#include <string.h>

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
