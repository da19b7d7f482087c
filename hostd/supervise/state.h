/* state: the supervisor's state, one struct. supervise.c, load.c and
 * health.c change it; ctl/report.c only reads it, for hostctl. Nothing
 * else touches it. */
#ifndef HOSTD_SUPERVISE_STATE_H
#define HOSTD_SUPERVISE_STATE_H

#include <netinet/in.h>
#include <stddef.h>

#include "supervise/loop.h"
#include "common/plan.h"
#include "supervise/proc.h"
#include "supervise/supervise.h"

#define MAX_CTRS 32
#define LOG_CAP (1 << 20)

enum health { H_NONE, H_STARTING, H_HEALTHY, H_UNHEALTHY };

/* One health check's result, as Docker keeps them (the last HLOG_KEEP). */
#define HLOG_KEEP 5
struct hcheck {
	long long start_wall_ms, end_wall_ms;
	int exit_code;
	char output[256];
	size_t outlen;
};

struct ctr {
	struct plan plan;
	enum ctr_state state;
	/* Health: a probe runs inside the container every interval. */
	enum health health;
	int failing;
	struct proc probe;
	struct hcheck hlog[HLOG_KEEP], hcur;	/* hlog: a ring, hlog_n results */
	int hlog_n;
	struct timer htimer, hkill;
	struct proc proc;
	int restarts, stopped_by_hand, last_status, has_run, restart_asked;
	long long started_ms, finished_ms, backoff_ms;
	long long started_wall_ms, finished_wall_ms;	/* CLOCK_REALTIME */
	int oom_killed;			/* the last exit was the OOM killer's */
	struct timer timer;		/* restart pause or stop grace */
	int log_fd;
	size_t log_size;
	char log_path[512], dir[512], cgroup[512];
};

struct supervisor {
	struct ctr ctrs[MAX_CTRS];	/* every plan loaded, sorted by name */
	int nctrs;
	int order[MAX_CTRS];		/* start order: indexes into ctrs */
	int norder;
	char keep_root[256];		/* where manual stops are kept, or "" */
	int stopping_all;		/* supervise_stop_all has begun */
};

extern struct supervisor supervise_state;
extern const char *const supervise_health_names[];

/* The container a hostctl verb names, or NULL with the reason in err. */
struct ctr *supervise_lookup(const char *name, int enabled_only, char *err, size_t errlen);
/* "hd-<network>": the bridge of a compose network. */
void supervise_bridge_name(const char *net, char *buf, size_t len);
int supervise_parse_address(const char *a, struct in_addr *ip, int *prefix);

#endif
