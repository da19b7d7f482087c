/* seccomp: see seccomp.h. The rows of seccomp_table.c that apply to a
 * capability set give each syscall number a verdict; consecutive numbers
 * with one verdict merge into runs (66 for Docker's default set), and a
 * balanced tree of jge over the runs' first numbers finds a syscall's run
 * in ceil(log2(runs)) comparisons, where a list of jeq would take up to one
 * per allowed syscall, each interpreted. Nothing is allocated: the plan
 * lives on the stack (about 2 KiB), the program in the caller's buffer.
 * It never installs the filter (seccomp_install.c does).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "runtime/seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "runtime/seccomp_int.h"

_Static_assert(SECCOMP_MAX_INSNS <= BPF_MAXINSNS, "the kernel takes at most BPF_MAXINSNS");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ARG0_LO assumes the low word of an argument comes first");

#define LD(off) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JMP(op, k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf)))
#define JA(k) ((struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (k)))
#define RET(v) ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v)))
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/* The low 32 bits of the first argument: all the kernel reads of clone's
 * flags (lower_32_bits in kernel/fork.c), personality's unsigned int and
 * socket's int family. Checking only them leaves no way round a rule by
 * setting high bits the kernel drops. */
#define ARG0_LO offsetof(struct seccomp_data, args[0])

/* The 2^32 syscall numbers cut into runs of one verdict: run r is
 * [start[r], start[r + 1]), the last one going on to 2^32 - 1. Numbers
 * from SECCOMP_NR_SPAN on (x32's, with bit 30 set, among them) are in the
 * last, EPERM, run. */
struct plan {
	size_t nruns;
	uint16_t start[SECCOMP_NR_SPAN + 1];
	uint8_t verdict[SECCOMP_NR_SPAN + 1];
};

static int plan_make(struct plan *p, const struct seccomp_rule *rules, size_t nrules,
		     uint64_t caps)
{
	uint8_t v[SECCOMP_NR_SPAN] = {0};	/* SECCOMP_V_EPERM */

	for (size_t i = 0; i < nrules; i++) {
		const struct seccomp_rule *r = &rules[i];

		if (r->nr >= SECCOMP_NR_SPAN || r->cap >= 64)
			return -1;
		if (r->cap >= 0 && !(caps & (1ULL << r->cap)))
			continue;
		if (r->verdict > v[r->nr])
			v[r->nr] = r->verdict;
	}
	p->nruns = 0;
	for (unsigned nr = 0; nr <= SECCOMP_NR_SPAN; nr++) {
		uint8_t verdict = nr < SECCOMP_NR_SPAN ? v[nr] : SECCOMP_V_EPERM;

		if (p->nruns == 0 || p->verdict[p->nruns - 1] != verdict) {
			p->start[p->nruns] = (uint16_t)nr;
			p->verdict[p->nruns] = verdict;
			p->nruns++;
		}
	}
	return 0;
}

/* A verdict that depends on the first argument: a match with any of vals
 * (by op: jeq, or jset for a mask) returns hit, no match returns miss. */
struct arg_rule {
	unsigned op;
	const uint32_t *vals;
	size_t nvals;
	uint32_t hit, miss;
};

static int arg_rule(unsigned verdict, struct arg_rule *a)
{
	switch (verdict) {
	case SECCOMP_V_CLONE:
		*a = (struct arg_rule){BPF_JSET, &seccomp_clone_ns_flags, 1, ERRNO(EPERM),
				       SECCOMP_RET_ALLOW};
		return 1;
	case SECCOMP_V_PERSONALITY:
		*a = (struct arg_rule){BPF_JEQ, seccomp_personas, seccomp_npersonas,
				       SECCOMP_RET_ALLOW, ERRNO(EPERM)};
		return 1;
	case SECCOMP_V_SOCKET:
		*a = (struct arg_rule){BPF_JEQ, seccomp_refused_families,
				       seccomp_nrefused_families, ERRNO(EPERM), SECCOMP_RET_ALLOW};
		return 1;
	}
	return 0;
}

static uint32_t plain_ret(unsigned verdict)
{
	return verdict == SECCOMP_V_ALLOW ? SECCOMP_RET_ALLOW :
	       verdict == SECCOMP_V_ENOSYS ? ERRNO(ENOSYS) : ERRNO(EPERM);
}

/* A leaf: ld; one test per value, each jumping to the last ret; ret miss;
 * ret hit. Or a single ret. */
static size_t leaf_len(unsigned verdict)
{
	struct arg_rule a;

	return arg_rule(verdict, &a) ? 1 + a.nvals + 2 : 1;
}

static size_t emit_leaf(struct sock_filter *f, size_t i, unsigned verdict)
{
	struct arg_rule a;

	if (!arg_rule(verdict, &a)) {
		f[i++] = RET(plain_ret(verdict));
		return i;
	}
	f[i++] = LD(ARG0_LO);
	for (size_t k = 0; k < a.nvals; k++, i++)
		f[i] = JMP(a.op, a.vals[k], (unsigned char)(a.nvals - k), 0);
	f[i++] = RET(a.miss);
	f[i++] = RET(a.hit);
	return i;
}

/* Runs lo..hi-1 as a subtree: a leaf, or "jge start[mid]" over the lower
 * half (which follows it) and the upper half (after that). A jump's true
 * offset has 8 bits: past 255, the jge skips to a BPF_JA (32 bits) that
 * skips the lower half. */
static size_t tree_len(const struct plan *p, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2, left;

	if (hi - lo == 1)
		return leaf_len(p->verdict[lo]);
	left = tree_len(p, lo, mid);
	return 1 + (left > 255) + left + tree_len(p, mid, hi);
}

static size_t emit_tree(struct sock_filter *f, size_t i, const struct plan *p, size_t lo,
			size_t hi)
{
	size_t mid = lo + (hi - lo) / 2, left;

	if (hi - lo == 1)
		return emit_leaf(f, i, p->verdict[lo]);
	left = tree_len(p, lo, mid);
	if (left <= 255) {
		f[i++] = JMP(BPF_JGE, p->start[mid], (unsigned char)left, 0);
	} else {
		f[i++] = JMP(BPF_JGE, p->start[mid], 0, 1);
		f[i++] = JA((uint32_t)left);
	}
	i = emit_tree(f, i, p, lo, mid);
	return emit_tree(f, i, p, mid, hi);
}

size_t seccomp_build_from(struct sock_filter *f, const struct seccomp_rule *rules,
			 size_t nrules, uint64_t caps)
{
	struct plan p;
	size_t i = 0;

	/* An argument rule's jumps are 8-bit too. */
	if (seccomp_npersonas > 255 || seccomp_nrefused_families > 255 ||
	    plan_make(&p, rules, nrules, caps) < 0 ||
	    4 + tree_len(&p, 0, p.nruns) > SECCOMP_MAX_INSNS)
		return 0;
	/* Another architecture is killed: its numbers mean other calls. */
	f[i++] = LD(offsetof(struct seccomp_data, arch));
	f[i++] = JMP(BPF_JEQ, AUDIT_ARCH_X86_64, 1, 0);
	f[i++] = RET(SECCOMP_RET_KILL_PROCESS);
	f[i++] = LD(offsetof(struct seccomp_data, nr));
	return emit_tree(f, i, &p, 0, p.nruns);
}

size_t seccomp_build(struct sock_filter *f, uint64_t caps)
{
	return seccomp_build_from(f, seccomp_rules, seccomp_nrules, caps);
}

int seccomp_fprog(struct sock_fprog *fp, struct sock_filter *prog, uint64_t caps)
{
	size_t n = seccomp_build(prog, caps);

	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	fp->len = (unsigned short)n;
	fp->filter = prog;
	return 0;
}
