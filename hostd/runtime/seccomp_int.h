/* seccomp_int: the data behind the container seccomp filter, shared by
 * seccomp_table.c (Docker's default profile for x86_64, as rows), seccomp.c
 * (which turns the rows that apply to a capability set into BPF) and the
 * unit tests (which check every row). Not for any other file. */
#ifndef HOSTD_SECCOMP_INT_H
#define HOSTD_SECCOMP_INT_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* Every native x86_64 syscall number is below 512, where the x32 ABI's own
 * numbers begin; nothing at or above it is ever allowed. */
#define SECCOMP_NR_SPAN 512

/* What a row gives its syscall, in increasing order of permission: when
 * several rows apply to one number, the highest wins. That is how Docker's
 * "excludes": {"caps": ["CAP_SYS_ADMIN"]} on the clone and clone3 rules
 * reads here: with CAP_SYS_ADMIN the plain ALLOW row outranks them. */
enum seccomp_verdict {
	SECCOMP_V_EPERM,	/* no row: Docker's defaultAction, errno 1 */
	SECCOMP_V_ENOSYS,	/* clone3: libc falls back to clone */
	SECCOMP_V_CLONE,	/* allowed unless a CLONE_NEW* flag is set */
	SECCOMP_V_PERSONALITY,	/* allowed for seccomp_personas only */
	SECCOMP_V_SOCKET,	/* allowed except seccomp_refused_families */
	SECCOMP_V_ALLOW,
};

struct seccomp_rule {
	const char *name;
	uint16_t nr;		/* x86_64 number, below SECCOMP_NR_SPAN */
	uint8_t verdict;	/* enum seccomp_verdict */
	int8_t cap;		/* CAP_* the container must hold, or -1 */
};

extern const struct seccomp_rule seccomp_rules[];
extern const size_t seccomp_nrules;

/* The argument rules, on the low 32 bits of the first argument: the part
 * the kernel reads for clone's flags, personality's persona and socket's
 * family. */
extern const uint32_t seccomp_clone_ns_flags;
extern const uint32_t seccomp_personas[];
extern const size_t seccomp_npersonas;
extern const uint32_t seccomp_refused_families[];
extern const size_t seccomp_nrefused_families;

/* seccomp_build() on any rows: the unit tests give it tables that need
 * long jumps, which Docker's does not. */
size_t seccomp_build_from(struct sock_filter *prog, const struct seccomp_rule *rules,
			  size_t nrules, uint64_t caps);

#endif
