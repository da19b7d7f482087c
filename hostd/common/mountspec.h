/* mountspec: the one parser of a mount's "SRC:DST[:OPTS]" text, used by
 * the plan's `volume` lines (plan.c) and `hostd run --volume` (run.c).
 * It splits and reads the options; what a caller then asks of the paths
 * (absolute, normalized, not the VM's own) and how it words a refusal
 * stay the caller's. Never allocates, never writes into the text. */
#ifndef HOSTD_MOUNTSPEC_H
#define HOSTD_MOUNTSPEC_H

#include <stddef.h>

/* The options a caller accepts, and those a spec gave. */
#define MOUNTSPEC_RO 1u
#define MOUNTSPEC_RW 2u
#define MOUNTSPEC_IDMAP 4u

/* As a caller asks: OPTS is one word (the plan: "ro" or "rw"), or a
 * comma-separated list whose empty items are skipped (hostd run:
 * "ro,idmap"). Either way an empty OPTS after the second ':' is refused. */
enum mountspec_opts { MOUNTSPEC_ONE_WORD, MOUNTSPEC_LIST };

/* Why a spec was refused. */
enum mountspec_err {
	MOUNTSPEC_OK = 0,
	MOUNTSPEC_NO_COLON,	/* no ':' between SRC and DST */
	MOUNTSPEC_BAD_OPT,	/* OPTS empty, or a word the caller does not accept */
};

struct mountspec {
	const char *src, *dst;	/* into the text, not NUL-terminated */
	size_t src_len, dst_len;
	unsigned flags;		/* MOUNTSPEC_* the options named */
};

/* Split spec at its first ':' (SRC) and its second (DST, then OPTS: the
 * whole rest, which may hold more ':'), and read OPTS as `how` says,
 * accepting the words of `accept`. Returns MOUNTSPEC_OK with m filled,
 * or why not. SRC and DST may be empty: the caller checks them. */
enum mountspec_err mountspec_parse(const char *spec, unsigned accept, enum mountspec_opts how,
				   struct mountspec *m);

#endif
