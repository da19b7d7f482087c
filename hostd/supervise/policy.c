/* policy: see policy.h.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "supervise/policy.h"

#include <sys/wait.h>

int policy_should_restart(enum plan_restart policy, int max_retries,
			  int status, int restarts, int stopped_by_hand)
{
	if (stopped_by_hand)
		return 0;
	switch (policy) {
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		return 1;
	case RESTART_ON_FAILURE:
		/* A kill by signal counts as a failure, as with Docker (137). */
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return 0;
		return max_retries == 0 || restarts < max_retries;
	case RESTART_NO:
		break;
	}
	return 0;
}

int policy_start_at_boot(enum plan_restart policy, int stopped_by_hand_before)
{
	/* Compose starts every service on `up`; of the policies, only
	 * unless-stopped remembers a manual stop across a restart of the
	 * engine. */
	if (policy == RESTART_UNLESS_STOPPED && stopped_by_hand_before)
		return 0;
	return 1;
}

long long svc_next_backoff(long long prev_ms, long long uptime_ms)
{
	long long next;

	if (uptime_ms >= SVC_STABLE_MS)
		return SVC_BACKOFF_MIN_MS;
	next = prev_ms < SVC_BACKOFF_MIN_MS ? SVC_BACKOFF_MIN_MS : prev_ms * 2;
	return next > SVC_BACKOFF_MAX_MS ? SVC_BACKOFF_MAX_MS : next;
}
