/* The confinement tables and their pure parts: the device program (run in
 * a small eBPF interpreter for the instructions devices.c emits), the
 * masks table, user namespace maps, layer types. */
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>

#include "runtime/devices.h"
#include "common/layer.h"
#include "runtime/masks.h"
#include "common/userns.h"
#include "unit.h"

/* Run prog on ctx: 1 allow, 0 deny, -1 an instruction this interpreter
 * does not know or a jump out of the program (a bug in the program). */
static int run(const struct bpf_insn *p, size_t n, const struct bpf_cgroup_dev_ctx *ctx)
{
	uint64_t r[11] = {0};
	size_t pc = 0;

	for (int steps = 0; pc < n && steps < 1000; steps++) {
		const struct bpf_insn *i = &p[pc++];
		uint32_t k = (uint32_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			if (i->src_reg != 1 || i->off < 0 || (size_t)i->off + 4 > sizeof(*ctx))
				return -1;
			{
				uint32_t v;

				memcpy(&v, (const char *)ctx + i->off, 4);
				r[i->dst_reg] = v;
			}
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			r[i->dst_reg] = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] & k;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> k;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			if (r[i->dst_reg] & (uint64_t)(int64_t)i->imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -1;
}

static int dev(const struct bpf_insn *p, size_t n, int type, int access, int major, int minor)
{
	struct bpf_cgroup_dev_ctx c = {.access_type = (uint32_t)(access << 16 | type),
				       .major = (uint32_t)major, .minor = (uint32_t)minor};

	return run(p, n, &c);
}

static void test_devices(void)
{
	struct bpf_insn p[DEVICES_MAX_INSNS];
	size_t n = devices_build(p), nt;
	const struct device_rule *t = devices_table(&nt);
	const int rw = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	const int C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK, M = BPF_DEVCG_ACC_MKNOD;

	CHECK(n > 8 && n <= DEVICES_MAX_INSNS);
	CHECK(p[n - 1].code == (BPF_JMP | BPF_EXIT));
	/* Every rule of the table: read and write allowed, mknod not. */
	for (size_t i = 0; i < nt; i++) {
		int minor = t[i].minor == DEVICES_ANY_MINOR ? 7 : t[i].minor;

		CHECK(dev(p, n, C, rw, t[i].major, minor) == 1);
		CHECK(dev(p, n, C, BPF_DEVCG_ACC_READ, t[i].major, minor) == 1);
		CHECK(dev(p, n, C, M, t[i].major, minor) == 0);
		CHECK(dev(p, n, C, M | rw, t[i].major, minor) == 0);
		CHECK(dev(p, n, B, rw, t[i].major, minor) == 0);
		CHECK(t[i].why && t[i].why[0]);
	}
	/* Docker's list, by number. */
	CHECK(dev(p, n, C, rw, 1, 3) == 1);	/* null */
	CHECK(dev(p, n, C, rw, 1, 9) == 1);	/* urandom */
	CHECK(dev(p, n, C, rw, 5, 2) == 1);	/* ptmx */
	CHECK(dev(p, n, C, rw, 136, 0) == 1 && dev(p, n, C, rw, 136, 4095) == 1);
	/* What a container must never open. */
	CHECK(dev(p, n, B, BPF_DEVCG_ACC_READ, 254, 0) == 0);	/* virtio disk */
	CHECK(dev(p, n, B, BPF_DEVCG_ACC_READ, 8, 0) == 0);	/* sda */
	CHECK(dev(p, n, B, BPF_DEVCG_ACC_READ, 7, 0) == 0);	/* loop0 */
	CHECK(dev(p, n, C, rw, 1, 1) == 0);	/* /dev/mem */
	CHECK(dev(p, n, C, rw, 1, 2) == 0);	/* /dev/kmem */
	CHECK(dev(p, n, C, rw, 1, 11) == 0);	/* /dev/kmsg */
	CHECK(dev(p, n, C, rw, 10, 237) == 0);	/* loop-control */
	CHECK(dev(p, n, C, rw, 10, 229) == 0);	/* fuse */
	CHECK(dev(p, n, C, rw, 10, 200) == 0);	/* tun */
	CHECK(dev(p, n, C, rw, 4, 1) == 0);	/* tty1, the VM's console */
	CHECK(dev(p, n, C, rw, 5, 3) == 0);
	CHECK(dev(p, n, C, rw, 13, 64) == 0);	/* input/event0 */
	CHECK(dev(p, n, C, M, 1, 3) == 0);	/* mknod even of null */
}

static void test_masks(void)
{
	size_t n;
	const struct mask *m = masks_table(&n);
	static const char *const docker_hidden[] = {
		"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
		"/proc/timer_stats", "/sys/devices/virtual/powercap", "/sys/firmware",
	};
	static const char *const docker_ro[] = {
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	};

	for (size_t i = 0; i < sizeof(docker_hidden) / sizeof(docker_hidden[0]); i++) {
		int found = 0;

		for (size_t k = 0; k < n; k++)
			found |= !strcmp(m[k].path, docker_hidden[i]) && m[k].kind == MASK_HIDE;
		CHECK(found);
	}
	for (size_t i = 0; i < sizeof(docker_ro) / sizeof(docker_ro[0]); i++) {
		int found = 0;

		for (size_t k = 0; k < n; k++)
			found |= !strcmp(m[k].path, docker_ro[i]) && m[k].kind == MASK_READONLY;
		CHECK(found);
	}
	for (size_t k = 0; k < n; k++)
		CHECK(m[k].path[0] == '/' && m[k].why && m[k].why[0]);
}

static void test_userns_maps(void)
{
	unsigned long in = 0;

	CHECK(userns_map_inside("         0     131072      65536\n", 131072 + 33, &in) == 0 &&
	      in == 33);
	CHECK(userns_map_inside("0 131072 65536\n", 131072, &in) == 0 && in == 0);
	CHECK(userns_map_inside("0 131072 65536\n", 131072 + 65536, &in) < 0);
	CHECK(userns_map_inside("0 131072 65536\n", 0, &in) < 0);
	CHECK(userns_map_inside("0 0 4294967295\n", 1000, &in) == 0 && in == 1000);
	CHECK(userns_map_inside("0 1000 1\n1 200000 100\n", 200005, &in) == 0 && in == 6);
	CHECK(userns_map_inside("", 5, &in) < 0);
	CHECK(userns_map_inside("garbage", 5, &in) < 0);
	CHECK(USERNS_FIRST_BASE >= 65536 * 2 && USERNS_FIRST_BASE % USERNS_SIZE == 0);
}

static void test_layer_type(void)
{
	static unsigned char head[1100];

	CHECK(layer_type(head, sizeof(head)) == NULL);
	memcpy(head, "hsqs", 4);
	CHECK(!strcmp(layer_type(head, sizeof(head)), "squashfs"));
	memset(head, 0, 4);
	head[1024] = 0xe2, head[1025] = 0xe1, head[1026] = 0xf5, head[1027] = 0xe0;
	CHECK(!strcmp(layer_type(head, sizeof(head)), "erofs"));
	CHECK(layer_type(head, 1027) == NULL);	/* too short to hold the magic */
}

void test_confine(void)
{
	test_devices();
	test_masks();
	test_userns_maps();
	test_layer_type();
}
