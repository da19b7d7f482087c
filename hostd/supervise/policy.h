/* policy: Docker's restart policies, as a pure decision. Users expect
 * exactly Docker's behaviour: a container that dies on its own is
 * restarted under always and unless-stopped, and under on-failure only for
 * a non-zero exit and while the retry budget lasts; a container stopped by
 * hand (hostctl stop) is never restarted. The pause before a restart is
 * svc_next_backoff's (1 s doubling to 30 s, reset after 10 s of uptime). */
#ifndef HOSTD_POLICY_H
#define HOSTD_POLICY_H

#include "common/plan.h"

/* Should a container that just ended be started again? status is its
 * wait status; restarts is how many times it was restarted already. */
int policy_should_restart(enum plan_restart policy, int max_retries,
			  int status, int restarts, int stopped_by_hand);
/* At boot (or hostd start): should this container start at all? */
int policy_start_at_boot(enum plan_restart policy, int stopped_by_hand_before);

/* Pure: the pause before the next start, given the previous pause and how
 * long the last run lasted. */
long long svc_next_backoff(long long prev_ms, long long uptime_ms);

#define SVC_BACKOFF_MIN_MS 1000
#define SVC_BACKOFF_MAX_MS 30000
#define SVC_STABLE_MS 10000

#endif
