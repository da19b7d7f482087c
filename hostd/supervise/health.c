/* health: a service's health checks, as Docker runs them. A probe (the
 * plan's test) runs inside the running container every interval, more
 * often in the start period until its first success; the last HLOG_KEEP
 * results are kept for inspect; retries failures in a row, outside the
 * start period, make the service unhealthy. A success wakes what waits for
 * the service to be healthy. It never restarts a service on its own (as
 * Docker does not) and never blocks: the probe is a child process.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/wait.h>

#include "runtime/container.h"
#include "runtime/log.h"
#include "supervise/loop.h"
#include "supervise/proc.h"
#include "supervise/supervise_int.h"
#include "common/util.h"

const char *const supervise_health_names[] = {"none", "starting", "healthy", "unhealthy"};

int health_configured(const struct ctr *c)
{
	return c->plan.nhealth_cmd || c->plan.health_shell;
}

/* In a child of hostd: run the check inside the container. */
static int probe_main(void *arg)
{
	const struct ctr *c = arg;
	char *argv[PLAN_MAX_ARGS + 1];

	if (c->plan.health_shell) {
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = (char *)c->plan.health_shell;
		argv[3] = NULL;
	} else {
		for (int i = 0; i <= c->plan.nhealth_cmd; i++)
			argv[i] = (char *)c->plan.health_cmd[i];
	}
	/* The configured environment, as Docker gives its checks. */
	return container_exec_in_env(c->proc.pid, argv, "health check", (char *const *)c->plan.env);
}

/* A check's output, kept (cut at sizeof output) for inspect's Health.Log. */
static void probe_sink(struct proc *p, const char *line)
{
	struct ctr *c = (struct ctr *)((char *)p - offsetof(struct ctr, probe));
	struct hcheck *h = &c->hcur;
	int w = snprintf(h->output + h->outlen, sizeof(h->output) - h->outlen, "%s\n", line);

	if (w > 0)
		h->outlen += (size_t)w < sizeof(h->output) - h->outlen ? (size_t)w :
			     sizeof(h->output) - 1 - h->outlen;
}

static int in_start_period(const struct ctr *c)
{
	return now_ms() - c->started_ms < c->plan.health_start_ms;
}

/* Until its first success in the start period, a service is checked every
 * START_CHECK_MS (or its interval, if shorter), as Docker's start_interval
 * does, so that what waits for it goes as soon as it is up; then every
 * interval. */
#define START_CHECK_MS 2000
static long long next_check_ms(const struct ctr *c)
{
	if (c->health == H_STARTING && in_start_period(c) &&
	    c->plan.health_interval_ms > START_CHECK_MS)
		return START_CHECK_MS;
	return c->plan.health_interval_ms;
}

static void hlog_push(struct ctr *c, int status)
{
	c->hcur.end_wall_ms = wall_ms();
	c->hcur.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	c->hlog[c->hlog_n % HLOG_KEEP] = c->hcur;
	c->hlog_n++;
}

void health_stop(struct ctr *c)
{
	timer_cancel(&c->htimer);
	timer_cancel(&c->hkill);
	if (c->probe.pid)
		kill(c->probe.pid, SIGKILL);
	c->health = H_NONE;
	c->failing = 0;
}

static void probe_exited(struct proc *p, int status)
{
	struct ctr *c = (struct ctr *)((char *)p - offsetof(struct ctr, probe));
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	timer_cancel(&c->hkill);
	if (c->state != CTR_RUNNING || c->health == H_NONE)
		return;
	hlog_push(c, status);
	if (ok) {
		c->failing = 0;
		if (c->health != H_HEALTHY) {
			log_info("%s is healthy", c->plan.service);
			c->health = H_HEALTHY;
			supervise_start_pending();
		}
	} else if (!in_start_period(c) || c->health == H_HEALTHY) {
		/* Failures in the start period do not count (Docker's rule). */
		if (++c->failing >= c->plan.health_retries && c->health != H_UNHEALTHY) {
			char how[64];

			proc_status_str(status, how, sizeof(how));
			log_warn("%s is unhealthy: its check %s %d times in a row",
				 c->plan.service, how, c->failing);
			c->health = H_UNHEALTHY;
		}
	}
	timer_arm(&c->htimer, next_check_ms(c));
	if (ok)
		supervise_check_ready();
}

static void probe_too_slow(struct timer *t)
{
	struct ctr *c = (struct ctr *)((char *)t - offsetof(struct ctr, hkill));

	if (c->probe.pid)
		kill(c->probe.pid, SIGKILL);	/* counted as a failure on exit */
}

static void probe_due(struct timer *t)
{
	struct ctr *c = (struct ctr *)((char *)t - offsetof(struct ctr, htimer));

	if (c->state != CTR_RUNNING || !c->proc.pid)
		return;
	if (c->probe.pid) {	/* the last one is still running */
		timer_arm(&c->htimer, c->plan.health_interval_ms);
		return;
	}
	c->probe.name = c->plan.service;
	c->hcur.start_wall_ms = wall_ms();
	c->hcur.outlen = 0;
	c->hcur.output[0] = '\0';
	c->probe.on_exit = probe_exited;
	c->probe.sink = probe_sink;
	c->hkill.cb = probe_too_slow;
	if (proc_spawn_fn(&c->probe, probe_main, c) < 0) {
		timer_arm(&c->htimer, c->plan.health_interval_ms);
		return;
	}
	timer_arm(&c->hkill, c->plan.health_timeout_ms);
}

void health_start(struct ctr *c)
{
	if (!health_configured(c))
		return;
	c->health = H_STARTING;
	c->failing = 0;
	c->htimer.cb = probe_due;
	/* The first check runs soon after start, then every interval. */
	timer_arm(&c->htimer, c->plan.health_interval_ms < 1000 ? c->plan.health_interval_ms : 1000);
}
