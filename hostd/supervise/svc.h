/* svc: the appliance's own long-running daemons (dropbear now), kept up
 * the way s6 keeps a service up: restarted whenever it dies unless it was
 * asked to stop, never more than once a second, with a doubling pause up
 * to 30 s after quick deaths, reset once it has stayed up for a while. */
#ifndef HOSTD_SVC_H
#define HOSTD_SVC_H

#include "supervise/loop.h"
#include "supervise/policy.h"
#include "supervise/proc.h"

#define SVC_MAX_ARGS 24

struct svc {
	struct proc proc;
	char *argv[SVC_MAX_ARGS];
	int want_up;
	int restarts;
	long long started_ms;
	long long backoff_ms;
	struct timer restart_timer;
	void (*on_down)(struct svc *s);	/* called when it exits while !want_up */
};

void svc_init(struct svc *s, const char *name, char *const argv[]);
void svc_start(struct svc *s);
/* Ask it to stop with sig (0: mark it stopped, send nothing); it is not
 * restarted after. */
void svc_stop(struct svc *s, int sig);

#endif
