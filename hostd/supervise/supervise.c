/* supervise: the service state machine (see supervise.h). A service goes
 * created -> starting -> running -> (restarting | stopping) -> exited, or
 * disabled when it cannot run at all; this file moves it between those
 * states on its dependencies, its exits (restart policy, backoff), hostctl's
 * verbs and the stop of the whole stack, writes its output to its capped
 * log, and tells once when the stack is ready. Loading is load.c's, health
 * checks health.c's, the container spec spec.c's. All storage is static
 * and sized at start: nothing is allocated while the stack runs. It never
 * exits and never blocks. */
#include "supervise/supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "runtime/log.h"
#include "supervise/loop.h"
#include "runtime/net.h"
#include "common/plan.h"
#include "supervise/policy.h"
#include "supervise/proc.h"
#include "supervise/supervise_int.h"
#include "common/util.h"

struct supervisor supervise_state;
static struct supervisor *const sv = &supervise_state;
static void (*stop_done)(void);

static const char *const state_names[] = {
	"created", "starting", "running", "restarting", "stopping", "exited",
	"disabled",
};

const char *ctr_state_name(enum ctr_state s)
{
	return state_names[s];
}

struct ctr *supervise_find(const char *name)
{
	for (int i = 0; i < sv->nctrs; i++)
		if (!strcmp(sv->ctrs[i].plan.service, name))
			return &sv->ctrs[i];
	return NULL;
}

/* ---- logs ---------------------------------------------------------------- */

static void log_sink(struct proc *p, const char *line)
{
	struct ctr *c = (struct ctr *)((char *)p - offsetof(struct ctr, proc));
	size_t n = strlen(line);
	char old[520];

	if (c->log_fd < 0)
		return;
	if (c->log_size + n + 1 > LOG_CAP) {
		snprintf(old, sizeof(old), "%s.1", c->log_path);
		if (rename(c->log_path, old) == 0) {
			int fd = open(c->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
				      O_CLOEXEC, 0640);

			if (fd >= 0) {
				close(c->log_fd);
				c->log_fd = fd;
				c->log_size = 0;
			}
		}
	}
	if (write_all(c->log_fd, line, n) == 0 && write_all(c->log_fd, "\n", 1) == 0)
		c->log_size += n + 1;
}

/* ---- starting --------------------------------------------------------------- */

static void start_ctr(struct ctr *c);

static int deps_ready(const struct ctr *c)
{
	for (int d = 0; d < c->plan.ndeps; d++) {
		const struct ctr *dep = supervise_find(c->plan.deps[d].service);

		if (!dep || dep->state == CTR_DISABLED)
			return -1;
		switch (c->plan.deps[d].cond) {
		case DEP_STARTED:
			if (dep->state != CTR_RUNNING)
				return 0;
			break;
		case DEP_HEALTHY:
			if (!health_configured(dep)) {
				log_err("%s waits for %s to be healthy, but %s has no health check",
					c->plan.service, dep->plan.service, dep->plan.service);
				return -1;
			}
			if (dep->state != CTR_RUNNING || dep->health != H_HEALTHY)
				return 0;
			break;
		case DEP_COMPLETED:
			if (!(dep->state == CTR_EXITED && dep->has_run &&
			      WIFEXITED(dep->last_status) && WEXITSTATUS(dep->last_status) == 0))
				return 0;
			break;
		}
	}
	return 1;
}

static void exited(struct proc *p, int status);

static void schedule_restart(struct ctr *c)
{
	c->backoff_ms = svc_next_backoff(c->backoff_ms, now_ms() - c->started_ms);
	c->state = CTR_RESTARTING;
	timer_arm(&c->timer, c->backoff_ms);
}

void supervise_timer_due(struct timer *t)
{
	struct ctr *c = (struct ctr *)((char *)t - offsetof(struct ctr, timer));

	if (c->state == CTR_RESTARTING) {
		c->restarts++;
		start_ctr(c);
	} else if (c->state == CTR_STOPPING && c->proc.pid) {
		log_warn("%s did not stop within %ld ms; killing it", c->plan.service,
			 c->plan.stop_grace_ms);
		kill(c->proc.pid, SIGKILL);
	}
}

static void start_ctr(struct ctr *c)
{
	struct container_spec spec;
	struct cgroup_limits lim;
	char bridge[16], why[600];
	int outp[2], exec_failed = 0, r;
	pid_t pid;

	/* No image, no container (Docker's "No such image"): a missing
	 * layer disables the service instead of a restart loop. */
	for (int i = 0; i < c->plan.nlayers; i++)
		if (access(c->plan.layers[i], R_OK) < 0) {
			log_sys("%s: image %s: layer %s", c->plan.service,
				c->plan.image ? c->plan.image : "?", c->plan.layers[i]);
			log_err("%s: its image is not here; service disabled", c->plan.service);
			c->state = CTR_DISABLED;
			return;
		}
	if (supervise_build_spec(c, &spec, bridge, sizeof(bridge), why, sizeof(why)) < 0) {
		log_err("%s: %s; service disabled", c->plan.service, why);
		c->state = CTR_DISABLED;
		return;
	}
	if (spec.bridge && (r = net_bridge_add(spec.bridge)) >= 0 && r == 0) {
		/* The bridge is new: it carries the network's gateway. */
		if (net_addr_add(spec.bridge, spec.gw, spec.prefix) < 0 ||
		    net_link_up(spec.bridge) < 0)
			log_err("%s: bridge %s is not usable", c->plan.service, spec.bridge);
	}
	lim.memory_max = c->plan.memory_max;
	lim.cpu_quota_us = c->plan.cpu_quota_us;
	lim.cpu_period_us = c->plan.cpu_period_us;
	lim.pids_max = c->plan.pids_max;
	r = cgroup_create(c->plan.service, &lim, c->cgroup, sizeof(c->cgroup), why, sizeof(why));
	if (r > 0)
		log_warn("%s: running without limits: %s", c->plan.service, why);
	spec.cgroup = c->cgroup;
	c->started_ms = now_ms();
	c->state = CTR_STARTING;
	if (r < 0) {
		/* No container without its device policy. */
		log_sys("%s: %s; not started", c->plan.service, why);
		c->cgroup[0] = '\0';
		pid = -1;
	} else if (pipe2(outp, O_CLOEXEC) < 0) {
		log_sys("%s: pipe", c->plan.service);
		schedule_restart(c);
		return;
	} else {
		spec.out_fd = outp[1];
		pid = container_start(&spec, c->plan.service, &exec_failed);
		close(outp[1]);
		if (pid < 0)
			close(outp[0]);
	}
	if (pid < 0) {
		c->last_status = (exec_failed ? (errno == ENOENT ? 127 : 126) : 125) << 8;
		c->finished_ms = now_ms();
		c->has_run = 1;
		if (!sv->stopping_all && policy_should_restart(c->plan.restart, c->plan.restart_max,
							   c->last_status, c->restarts, 0))
			schedule_restart(c);
		else
			c->state = CTR_EXITED;
		return;
	}
	c->proc.name = c->plan.service;
	c->proc.on_exit = exited;
	c->proc.sink = log_sink;
	if (proc_adopt(&c->proc, pid, outp[0]) < 0) {
		kill(pid, SIGKILL);
		close(outp[0]);
	}
	c->state = CTR_RUNNING;
	c->has_run = 1;
	c->oom_killed = 0;
	c->started_wall_ms = wall_ms();
	log_info("%s started, pid %d", c->plan.service, (int)pid);
	health_start(c);
	supervise_start_pending();
	supervise_check_ready();
}

/* Start whatever is waiting for its dependencies and may go now. */
void supervise_start_pending(void)
{
	if (sv->stopping_all)
		return;
	for (int k = 0; k < sv->norder; k++) {
		struct ctr *c = &sv->ctrs[sv->order[k]];
		int ready;

		if (c->state != CTR_CREATED || c->stopped_by_hand)
			continue;
		ready = deps_ready(c);
		if (ready < 0) {
			log_err("%s: a dependency cannot be met; service disabled", c->plan.service);
			c->state = CTR_DISABLED;
		} else if (ready) {
			start_ctr(c);
		}
	}
}

/* ---- stopping ---------------------------------------------------------------- */

static void stop_next(void);
static void remember_stop(const struct ctr *c, int stopped);

/* How many times the OOM killer struck in a container's cgroup
 * (memory.events oom_kill); 0 when it cannot be read. */
static long oom_kills(const char *cgroup)
{
	char path[600], buf[512], *k;

	snprintf(path, sizeof(path), "%s/memory.events", cgroup);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(k = strstr(buf, "oom_kill ")))
		return 0;
	return strtol(k + 9, NULL, 10);
}

static void exited(struct proc *p, int status)
{
	struct ctr *c = (struct ctr *)((char *)p - offsetof(struct ctr, proc));
	char how[64];

	proc_status_str(status, how, sizeof(how));
	health_stop(c);
	c->last_status = status;
	c->finished_ms = now_ms();
	c->finished_wall_ms = wall_ms();
	c->oom_killed = c->has_run && c->cgroup[0] && oom_kills(c->cgroup) > 0;
	if (c->oom_killed)
		snprintf(how + strlen(how), sizeof(how) - strlen(how), ", out of memory");
	if (c->has_run && c->cgroup[0] && cgroup_remove(c->cgroup) < 0 && errno != EBUSY)
		log_sys("%s: remove cgroup %s", c->plan.service, c->cgroup);
	if (c->state == CTR_STOPPING || sv->stopping_all) {
		timer_cancel(&c->timer);
		c->state = CTR_EXITED;
		log_info("%s stopped (%s)", c->plan.service, how);
		if (sv->stopping_all) {
			stop_next();
		} else if (c->restart_asked) {
			c->restart_asked = 0;
			c->stopped_by_hand = 0;
			remember_stop(c, 0);
			c->state = CTR_CREATED;
			c->backoff_ms = 0;
			supervise_start_pending();
		}
		return;
	}
	if (policy_should_restart(c->plan.restart, c->plan.restart_max, status,
				  c->restarts, c->stopped_by_hand)) {
		schedule_restart(c);
		log_warn("%s %s; restart %d in %lld ms", c->plan.service, how,
			 c->restarts + 1, c->backoff_ms);
	} else {
		c->state = CTR_EXITED;
		log_info("%s %s; not restarted (restart: %s)", c->plan.service, how,
			 c->plan.restart == RESTART_NO ? "no" : "policy says no");
	}
	supervise_start_pending();
}

static void stop_ctr(struct ctr *c)
{
	timer_cancel(&c->timer);
	if (c->state == CTR_RUNNING && c->proc.pid) {
		c->state = CTR_STOPPING;
		if (kill(c->proc.pid, c->plan.stop_signal) < 0)
			log_sys("%s: signal %d", c->plan.service, c->plan.stop_signal);
		timer_arm(&c->timer, c->plan.stop_grace_ms);
	} else if (c->state == CTR_RESTARTING || c->state == CTR_CREATED) {
		c->state = CTR_EXITED;
	}
}

/* Stop the last running service in start order; on its exit, the next. */
static void stop_next(void)
{
	for (int k = sv->norder - 1; k >= 0; k--) {
		struct ctr *c = &sv->ctrs[sv->order[k]];

		if (c->state == CTR_STOPPING)
			return;		/* wait for it */
		if (c->state == CTR_RUNNING || c->state == CTR_RESTARTING ||
		    c->state == CTR_CREATED) {
			stop_ctr(c);
			if (c->state == CTR_STOPPING)
				return;
		}
	}
	if (stop_done) {
		void (*done)(void) = stop_done;

		stop_done = NULL;
		done();
	}
}

int supervise_stopping(void)
{
	return sv->stopping_all;
}

void supervise_stop_all(void (*done)(void))
{
	sv->stopping_all = 1;
	stop_done = done;
	log_info("stopping %d services in reverse order", sv->norder);
	stop_next();
}

void supervise_start_all(void)
{
	supervise_start_pending();
	supervise_check_ready();
}

/* ---- readiness: every service up (and healthy, where it has a check) ---- */

static void (*ready_cb)(const char *summary);
static int ready_told;

void supervise_on_ready(void (*cb)(const char *summary))
{
	ready_cb = cb;
	ready_told = 0;
}

/* "3 services up" or "2 of 3 services up; disabled: x" (size: summary). */
int supervise_summary(char *buf, size_t len)
{
	int up = 0, all = 0, waiting = 0;
	size_t n;

	buf[0] = '\0';
	for (int i = 0; i < sv->nctrs; i++) {
		const struct ctr *c = &sv->ctrs[i];

		if (c->stopped_by_hand)
			continue;
		all++;
		if (c->state == CTR_RUNNING && (!health_configured(c) || c->health == H_HEALTHY))
			up++;
		else if (c->state == CTR_CREATED || c->state == CTR_STARTING ||
			 c->state == CTR_RESTARTING ||
			 (c->state == CTR_RUNNING && c->health == H_STARTING))
			waiting = 1;
	}
	if (up == all)
		n = (size_t)snprintf(buf, len, "%d service%s up", up, up == 1 ? "" : "s");
	else
		n = (size_t)snprintf(buf, len, "%d of %d services up", up, all);
	for (int i = 0, first = 1; i < sv->nctrs && n < len; i++) {
		const struct ctr *c = &sv->ctrs[i];

		if (c->stopped_by_hand || (c->state == CTR_RUNNING &&
					   (!health_configured(c) || c->health == H_HEALTHY)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s %s", first ? "; not up: " : ", ",
				      c->plan.service, c->state == CTR_RUNNING ?
				      supervise_health_names[c->health] : ctr_state_name(c->state));
		first = 0;
	}
	return waiting;
}

void supervise_check_ready(void)
{
	char sum[512];

	if (!ready_cb || ready_told || sv->stopping_all)
		return;
	if (supervise_summary(sum, sizeof(sum)))
		return;
	ready_told = 1;
	ready_cb(sum);
}

/* ---- hostctl's verbs -------------------------------------------------------- */

/* The container a hostctl verb names, or NULL with the reason in err. */
struct ctr *supervise_lookup(const char *name, int enabled_only, char *err, size_t errlen)
{
	struct ctr *c = supervise_find(name);

	if (!c)
		snprintf(err, errlen, "no such container: %s", name);
	else if (enabled_only && c->state == CTR_DISABLED)
		snprintf(err, errlen, "%s is disabled (see hostd's log)", name);
	else
		return c;
	return NULL;
}

/* Remember (or forget) a manual stop in sv->keep_root/<service>.stopped. A
 * failure is logged: the service itself is not affected by it. */
static void remember_stop(const struct ctr *c, int stopped)
{
	char path[600];
	int fd;

	if (!sv->keep_root[0])
		return;
	snprintf(path, sizeof(path), "%s/%s.stopped", sv->keep_root, c->plan.service);
	if (!stopped) {
		if (unlink(path) < 0 && errno != ENOENT)
			log_sys("forget the manual stop of %s: unlink %s", c->plan.service, path);
		return;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		log_sys("remember the manual stop of %s: create %s", c->plan.service, path);
		return;
	}
	if (fsync(fd) < 0)
		log_sys("fsync %s", path);
	close(fd);
}

int supervise_stop(const char *name, char *err, size_t errlen)
{
	struct ctr *c = supervise_lookup(name, 0, err, errlen);

	if (!c)
		return -1;
	c->stopped_by_hand = 1;
	remember_stop(c, 1);
	if (c->state == CTR_RUNNING || c->state == CTR_RESTARTING || c->state == CTR_CREATED)
		stop_ctr(c);
	return 0;
}

int supervise_start(const char *name, char *err, size_t errlen)
{
	struct ctr *c = supervise_lookup(name, 1, err, errlen);

	if (!c)
		return -1;
	c->stopped_by_hand = 0;
	remember_stop(c, 0);
	if (c->state == CTR_EXITED || c->state == CTR_CREATED) {
		c->state = CTR_CREATED;
		c->backoff_ms = 0;
		if (deps_ready(c) > 0)
			start_ctr(c);
	}
	return 0;
}

int supervise_restart(const char *name, char *err, size_t errlen)
{
	struct ctr *c = supervise_lookup(name, 1, err, errlen);

	if (!c)
		return -1;
	if (c->state == CTR_RUNNING) {
		c->restart_asked = 1;
		stop_ctr(c);
		return 0;
	}
	return supervise_start(name, err, errlen);
}

int supervise_kill(const char *name, int sig, char *err, size_t errlen)
{
	struct ctr *c = supervise_lookup(name, 0, err, errlen);

	if (!c)
		return -1;
	if (!c->proc.pid || (c->state != CTR_RUNNING && c->state != CTR_STOPPING)) {
		snprintf(err, errlen, "container %s is not running", name);
		return -1;
	}
	if (sig == SIGKILL) {
		c->stopped_by_hand = 1;
		remember_stop(c, 1);
	}
	if (kill(c->proc.pid, sig) < 0) {
		snprintf(err, errlen, "kill %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}
