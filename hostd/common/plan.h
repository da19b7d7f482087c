/* plan: what hostd runs for one service, as the compose compiler writes it
 * (one <service>.plan file per service). The format is line-oriented so
 * that PID 1 can read it without any library: each line is a key, one
 * space, and a value that runs to the end of the line, taken verbatim
 * (spaces included). Repeatable keys (layer, entrypoint, cmd, env, ...)
 * append, so an argv element is one line and needs no quoting. '#' starts
 * a comment line. DEV_DOC.md documents every key.
 *
 * Nothing in a value is escaped, so the writer (emit.c) must refuse a
 * value it cannot carry (plan_value_problem: a line break would be a
 * second plan line), and the parser refuses what no writer writes: a
 * control byte anywhere, a path that is not absolute and normalized, a
 * bind mount, volume, layer or secret from the VM's own files (plan.c,
 * "The VM's own"), a key given twice that is not repeatable.
 *
 * Parsing is pure: a buffer in, a struct out, or "<file>:<line>: <what>"
 * and the service stays disabled. All storage is inside struct plan: no allocation. */
#ifndef HOSTD_PLAN_H
#define HOSTD_PLAN_H

#include <stddef.h>
#include <stdint.h>

#define PLAN_VERSION 1
#define PLAN_MAX_LAYERS 32
#define PLAN_MAX_ARGS 64
#define PLAN_MAX_ENV 128
#define PLAN_MAX_MOUNTS 16
#define PLAN_MAX_SECRETS 16
#define PLAN_MAX_PUBLISH 16
#define PLAN_MAX_DEPS 16
#define PLAN_ARENA 16384
/* The longest line, its key and the space included (without the '\n'). */
#define PLAN_LINE_MAX 1023
/* Capabilities the plan can name: CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE
 * (40), as linux/capability.h numbers them (Linux 5.9 to 6.1 and later). */
#define PLAN_CAP_LAST 40
#define PLAN_CAP_ALL ((UINT64_C(1) << (PLAN_CAP_LAST + 1)) - 1)

enum plan_restart { RESTART_NO, RESTART_ALWAYS, RESTART_ON_FAILURE,
		    RESTART_UNLESS_STOPPED };
enum plan_condition { DEP_STARTED, DEP_HEALTHY, DEP_COMPLETED };

struct plan_mount {
	const char *name;	/* a named volume's name; NULL for a bind mount */
	const char *src, *dst;
	int ro;
};

struct plan_secret {
	const char *name, *src;
};

struct plan_publish {
	unsigned short host_port, port;
	int udp;
};

struct plan_dep {
	const char *service;
	enum plan_condition cond;
};

struct plan {
	const char *service, *image, *user, *workdir, *hostname;
	const char *network, *address;	/* address: a.b.c.d/prefix */
	const char *layers[PLAN_MAX_LAYERS];
	int nlayers;
	const char *entrypoint[PLAN_MAX_ARGS + 1];
	int nentrypoint;
	const char *cmd[PLAN_MAX_ARGS + 1];
	int ncmd;
	const char *env[PLAN_MAX_ENV + 1];
	int nenv;
	struct plan_mount mounts[PLAN_MAX_MOUNTS];
	int nmounts;
	struct plan_secret secrets[PLAN_MAX_SECRETS];
	int nsecrets;
	struct plan_publish publish[PLAN_MAX_PUBLISH];
	int npublish;
	struct plan_dep deps[PLAN_MAX_DEPS];
	int ndeps;
	enum plan_restart restart;
	int restart_max;		/* on-failure:N; 0 = unlimited */
	const char *health_cmd[PLAN_MAX_ARGS + 1];	/* exec form */
	int nhealth_cmd;
	const char *health_shell;	/* CMD-SHELL form */
	long health_interval_ms, health_timeout_ms, health_start_ms;
	int health_retries;
	int stop_signal;
	long stop_grace_ms;
	long long memory_max;		/* bytes; 0 = no limit */
	long cpu_quota_us, cpu_period_us;	/* quota 0 = no limit */
	long pids_max;			/* 0 = no limit */
	/* cap_add / cap_drop, bit N = capability N (linux/capability.h), with
	 * Docker's ALL rules already applied: the container's capabilities
	 * are exactly (hostd's default set & ~cap_drop) | cap_add. "cap_add
	 * ALL" gives every one not named by a cap_drop line; "cap_drop ALL"
	 * (without cap_add ALL) gives cap_drop == PLAN_CAP_ALL. */
	uint64_t cap_add, cap_drop;
	int userns_host;		/* "userns host": no user namespace of its own */

	char arena[PLAN_ARENA];
	size_t used;
};

/* Parse buf (len bytes) named name into p. Returns 0, or -1 with a
 * "<name>:<line>: <what>" message in err; then p holds nothing usable and
 * the service it describes stays disabled (the caller keeps any plan it
 * already had in another struct). */
int plan_parse(struct plan *p, const char *buf, size_t len, const char *name,
	       char *err, size_t errlen);

/* Signal number of "SIGTERM", "TERM" or "15"; -1 if unknown. */
int plan_signal(const char *s);

/* Why the line "key value" cannot be written into a plan, or NULL: a line
 * break (it would start another plan line), another control byte, an
 * empty value, a line longer than PLAN_LINE_MAX. For the writer: the
 * parser refuses each of these too (an empty value, a control byte), or
 * would read the line as something else. */
const char *plan_value_problem(const char *key, const char *v);

/* A capability's number from its plan name ("CHOWN", "SYS_ADMIN": upper
 * case, no CAP_ prefix); -1 if there is none. plan_cap_name: the reverse,
 * NULL outside 0..PLAN_CAP_LAST. */
int plan_cap_number(const char *name);
const char *plan_cap_name(int num);

#endif
