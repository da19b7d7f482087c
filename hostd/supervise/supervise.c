/* supervise: see supervise.h. All storage is static and sized at start:
 * nothing is allocated while the stack runs. */
#include "supervise/supervise.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "ctl/ctl.h"
#include "runtime/log.h"
#include "ctl/metrics.h"
#include "supervise/loop.h"
#include "runtime/net.h"
#include "common/order.h"
#include "common/plan.h"
#include "supervise/policy.h"
#include "supervise/proc.h"
#include "supervise/proxy.h"
#include "supervise/supervise_int.h"
#include "supervise/svc.h"
#include "common/userns.h"
#include "common/util.h"

struct ctr supervise_ctrs[MAX_CTRS];
int supervise_nctrs, supervise_order[MAX_CTRS], supervise_norder;
static char state_root[256], keep_root[256];
static int stopping_all;
static void (*stop_done)(void);

static const char *const state_names[] = {
	"created", "starting", "running", "restarting", "stopping", "exited",
	"disabled",
};

const char *ctr_state_name(enum ctr_state s)
{
	return state_names[s];
}

static struct ctr *find(const char *name)
{
	for (int i = 0; i < nctrs; i++)
		if (!strcmp(ctrs[i].plan.service, name))
			return &ctrs[i];
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
static void start_pending(void);
static void check_ready(void);
static int has_health(const struct ctr *c);

/* "hd-<network>": a bridge per compose network (names at most 15 bytes). */
void supervise_bridge_name(const char *net, char *buf, size_t len)
{
	snprintf(buf, len, "hd-%.12s", net);
}

int supervise_parse_address(const char *a, struct in_addr *ip, int *prefix)
{
	char tmp[32], *slash;

	snprintf(tmp, sizeof(tmp), "%s", a);
	slash = strchr(tmp, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	*prefix = atoi(slash + 1);
	return inet_pton(AF_INET, tmp, ip) == 1 ? 0 : -1;
}

static int deps_ready(const struct ctr *c)
{
	for (int d = 0; d < c->plan.ndeps; d++) {
		const struct ctr *dep = find(c->plan.deps[d].service);

		if (!dep || dep->state == CTR_DISABLED)
			return -1;
		switch (c->plan.deps[d].cond) {
		case DEP_STARTED:
			if (dep->state != CTR_RUNNING)
				return 0;
			break;
		case DEP_HEALTHY:
			if (!has_health(dep)) {
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

/* ---- health checks ----------------------------------------------------------- */

const char *const supervise_health_names[] = {"none", "starting", "healthy", "unhealthy"};

static int has_health(const struct ctr *c)
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

static void health_stop(struct ctr *c)
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
			start_pending();
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
		check_ready();
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

static void health_start(struct ctr *c)
{
	if (!has_health(c))
		return;
	c->health = H_STARTING;
	c->failing = 0;
	c->htimer.cb = probe_due;
	/* The first check runs soon after start, then every interval. */
	timer_arm(&c->htimer, c->plan.health_interval_ms < 1000 ? c->plan.health_interval_ms : 1000);
}

static int build_spec(struct ctr *c, struct container_spec *s, char *bridge,
		      size_t blen, char *why, size_t whylen)
{
	const struct plan *p = &c->plan;
	static char *argv[2 * PLAN_MAX_ARGS + 1];
	int n = 0;

	memset(s, 0, sizeof(*s));
	s->out_fd = -1;
	for (int i = 0; i < p->nlayers; i++)
		s->layers[s->nlayers++] = p->layers[i];
	s->state = c->dir;
	for (int i = 0; i < p->nentrypoint; i++)
		argv[n++] = (char *)p->entrypoint[i];
	for (int i = 0; i < p->ncmd; i++)
		argv[n++] = (char *)p->cmd[i];
	argv[n] = NULL;
	s->argv = argv;
	for (int i = 0; i < p->nenv && i < CONTAINER_MAX_ENV - 2; i++)
		s->env[s->nenv++] = p->env[i];
	s->env[s->nenv] = NULL;
	s->hostname = p->hostname ? p->hostname : p->service;
	s->workdir = p->workdir;
	/* Docker's rule: the default set, less cap_drop, plus cap_add (the
	 * parser has resolved ALL into the masks). */
	s->caps = (caps_container_default() & ~p->cap_drop) | p->cap_add;
	/* Each service's ids are a range of the VM's of their own, by its
	 * place among the plans (sorted by name): the same on every boot of
	 * the same stack. userns_mode: host keeps the VM's. */
	s->userns_base = p->userns_host ? 0 :
		USERNS_FIRST_BASE + USERNS_SIZE * (unsigned long)(c - ctrs);
	s->user = p->user;	/* resolved in the container's /etc/passwd at start */
	for (int i = 0; i < p->nmounts; i++) {
		struct stat vst;

		/* A named volume's directory is made on first use (in the
		 * appliance the data disk starts empty). */
		if (p->mounts[i].name && stat(p->mounts[i].src, &vst) < 0 && errno == ENOENT) {
			if (mkdir_p(p->mounts[i].src, 0755) < 0) {
				snprintf(why, whylen, "volume %s: mkdir %s: %s", p->mounts[i].name,
					 p->mounts[i].src, strerror(errno));
				return -1;
			}
			log_info("volume %s: created %s", p->mounts[i].name, p->mounts[i].src);
		}
		s->mounts[i].src = p->mounts[i].src;
		s->mounts[i].dst = p->mounts[i].dst;
		s->mounts[i].ro = p->mounts[i].ro;
		s->mounts[i].idmap = p->mounts[i].name != NULL;
	}
	s->nmounts = p->nmounts;
	for (int i = 0; i < p->nsecrets; i++) {
		s->secrets[i].name = p->secrets[i].name;
		s->secrets[i].src = p->secrets[i].src;
	}
	s->nsecrets = p->nsecrets;
	if (p->network) {
		uint32_t mask;

		supervise_bridge_name(p->network, bridge, blen);
		s->bridge = bridge;
		if (supervise_parse_address(p->address, &s->ip, &s->prefix) < 0) {
			snprintf(why, whylen, "address '%s'", p->address);
			return -1;
		}
		mask = 0xffffffffu << (32 - s->prefix);
		s->gw.s_addr = htonl((ntohl(s->ip.s_addr) & mask) + 1);
		/* Every other service on the same network, by name. */
		for (int i = 0; i < nctrs; i++) {
			const struct plan *o = &ctrs[i].plan;

			if (&ctrs[i] == c || !o->network || strcmp(o->network, p->network) ||
			    s->nhosts >= CONTAINER_MAX_HOSTS)
				continue;
			if (supervise_parse_address(o->address, &s->hosts[s->nhosts].ip, &(int){0}) == 0)
				s->hosts[s->nhosts++].name = o->service;
		}
	}
	return 0;
}

static void schedule_restart(struct ctr *c)
{
	c->backoff_ms = svc_next_backoff(c->backoff_ms, now_ms() - c->started_ms);
	c->state = CTR_RESTARTING;
	timer_arm(&c->timer, c->backoff_ms);
}

static void restart_due(struct timer *t)
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
	if (build_spec(c, &spec, bridge, sizeof(bridge), why, sizeof(why)) < 0) {
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
		if (!stopping_all && policy_should_restart(c->plan.restart, c->plan.restart_max,
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
	start_pending();
	check_ready();
}

/* Start whatever is waiting for its dependencies and may go now. */
static void start_pending(void)
{
	if (stopping_all)
		return;
	for (int k = 0; k < norder; k++) {
		struct ctr *c = &ctrs[order[k]];
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
	if (c->state == CTR_STOPPING || stopping_all) {
		timer_cancel(&c->timer);
		c->state = CTR_EXITED;
		log_info("%s stopped (%s)", c->plan.service, how);
		if (stopping_all) {
			stop_next();
		} else if (c->restart_asked) {
			c->restart_asked = 0;
			c->stopped_by_hand = 0;
			remember_stop(c, 0);
			c->state = CTR_CREATED;
			c->backoff_ms = 0;
			start_pending();
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
	start_pending();
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
	for (int k = norder - 1; k >= 0; k--) {
		struct ctr *c = &ctrs[order[k]];

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

void supervise_stop_all(void (*done)(void))
{
	stopping_all = 1;
	stop_done = done;
	log_info("stopping %d services in reverse order", norder);
	stop_next();
}

void supervise_start_all(void)
{
	start_pending();
	check_ready();
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
	for (int i = 0; i < nctrs; i++) {
		const struct ctr *c = &ctrs[i];

		if (c->stopped_by_hand)
			continue;
		all++;
		if (c->state == CTR_RUNNING && (!has_health(c) || c->health == H_HEALTHY))
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
	for (int i = 0, first = 1; i < nctrs && n < len; i++) {
		const struct ctr *c = &ctrs[i];

		if (c->stopped_by_hand || (c->state == CTR_RUNNING &&
					   (!has_health(c) || c->health == H_HEALTHY)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s %s", first ? "; not up: " : ", ",
				      c->plan.service, c->state == CTR_RUNNING ?
				      supervise_health_names[c->health] : ctr_state_name(c->state));
		first = 0;
	}
	return waiting;
}

static void check_ready(void)
{
	char sum[512];

	if (!ready_cb || ready_told || stopping_all)
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
	struct ctr *c = find(name);

	if (!c)
		snprintf(err, errlen, "no such container: %s", name);
	else if (enabled_only && c->state == CTR_DISABLED)
		snprintf(err, errlen, "%s is disabled (see hostd's log)", name);
	else
		return c;
	return NULL;
}

/* Remember (or forget) a manual stop in keep_root/<service>.stopped. A
 * failure is logged: the service itself is not affected by it. */
static void remember_stop(const struct ctr *c, int stopped)
{
	char path[600];
	int fd;

	if (!keep_root[0])
		return;
	snprintf(path, sizeof(path), "%s/%s.stopped", keep_root, c->plan.service);
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

/* ---- loading ---------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int supervise_load(const char *plans_dir, const char *state_dir, const char *keep_dir)
{
	static char names[MAX_CTRS][256], text[65536];
	char *sorted[MAX_CTRS], path[600], err[400];
	const struct plan *ptrs[MAX_CTRS];
	struct dirent *de;
	DIR *d = opendir(plans_dir);
	int nnames = 0, map[MAX_CTRS];

	snprintf(state_root, sizeof(state_root), "%s", state_dir);
	if (keep_dir && mkdir_p(keep_dir, 0700) < 0)
		log_sys("mkdir %s (manual stops will not outlive this run)", keep_dir);
	else if (keep_dir)
		snprintf(keep_root, sizeof(keep_root), "%s", keep_dir);
	if (!d) {
		log_sys("open plans directory %s", plans_dir);
		return 0;
	}
	while ((de = readdir(d)) && nnames < MAX_CTRS) {
		size_t l = strlen(de->d_name);

		if (l > 5 && l < sizeof(names[0]) && !strcmp(de->d_name + l - 5, ".plan")) {
			snprintf(names[nnames], sizeof(names[0]), "%s", de->d_name);
			sorted[nnames] = names[nnames];
			nnames++;
		}
	}
	closedir(d);
	qsort(sorted, (size_t)nnames, sizeof(sorted[0]), by_name);
	for (int i = 0; i < nnames; i++) {
		struct ctr *c = &ctrs[nctrs];
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", plans_dir, sorted[i]);
		n = read_file(path, text, sizeof(text));
		if (n < 0) {
			log_sys("read %s", path);
			continue;
		}
		if (plan_parse(&c->plan, text, (size_t)n, path, err, sizeof(err)) < 0) {
			log_err("%s; that service is disabled", err);
			continue;
		}
		if (find(c->plan.service)) {
			log_err("%s: service %s is defined twice; this one is disabled",
				path, c->plan.service);
			continue;
		}
		if (keep_root[0]) {
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s.stopped", keep_root, c->plan.service);
			if (stat(path, &st) == 0 && !policy_start_at_boot(c->plan.restart, 1)) {
				c->stopped_by_hand = 1;
				log_info("%s stays stopped: it was stopped by hand (restart: "
					 "unless-stopped); hostctl start %s starts it", c->plan.service,
					 c->plan.service);
			}
		}
		c->log_fd = -1;
		c->timer.cb = restart_due;
		c->proc.out.fd = -1;
		c->probe.out.fd = -1;
		snprintf(c->dir, sizeof(c->dir), "%s/containers/%s", state_dir, c->plan.service);
		snprintf(c->log_path, sizeof(c->log_path), "%s/logs/%s.log", state_dir,
			 c->plan.service);
		if (mkdir_p(c->dir, 0700) < 0)
			log_sys("mkdir %s", c->dir);
		for (const char *sub = "upper"; sub; sub = !strcmp(sub, "upper") ? "work" :
						   !strcmp(sub, "work") ? "root" : NULL) {
			char p2[600];

			snprintf(p2, sizeof(p2), "%s/%s", c->dir, sub);
			if (mkdir_p(p2, 0755) < 0)
				log_sys("mkdir %s", p2);
		}
		snprintf(path, sizeof(path), "%s/logs", state_dir);
		if (mkdir_p(path, 0755) < 0)
			log_sys("mkdir %s", path);
		c->log_fd = open(c->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (c->log_fd < 0)
			log_sys("open %s", c->log_path);
		nctrs++;
	}
	/* Order what loaded; drop a service whose dependencies cannot be met
	 * (and so, on the next pass, what depends on it) until the rest works. */
	for (;;) {
		int n = 0;

		for (int i = 0; i < nctrs; i++)
			if (ctrs[i].state != CTR_DISABLED) {
				map[n] = i;
				ptrs[n++] = &ctrs[i].plan;
			}
		if (order_services(ptrs, n, order, err, sizeof(err)) == 0) {
			for (int k = 0; k < n; k++)
				order[k] = map[order[k]];
			norder = n;
			break;
		}
		if (order_culprit() < 0) {
			log_err("stack: %s; nothing started", err);
			norder = 0;
			break;
		}
		log_err("stack: %s; %s is disabled", err, ptrs[order_culprit()]->service);
		ctrs[map[order_culprit()]].state = CTR_DISABLED;
	}
	/* Published ports: listeners live as long as hostd; a connection
	 * while the container is down is refused. */
	for (int k = 0; k < norder; k++) {
		const struct plan *p = &ctrs[order[k]].plan;
		struct in_addr ip;
		int prefix;

		for (int i = 0; i < p->npublish; i++) {
			if (!p->network || supervise_parse_address(p->address, &ip, &prefix) < 0) {
				log_err("%s: publish %u needs the service on a network", p->service,
					p->publish[i].host_port);
				continue;
			}
			if (p->publish[i].udp)
				proxy_publish_udp(p->service, p->publish[i].host_port, ip,
						  p->publish[i].port);
			else
				proxy_publish(p->service, p->publish[i].host_port, ip,
					      p->publish[i].port);
		}
	}
	log_info("stack: %d services loaded from %s", norder, plans_dir);
	return norder;
}

/* ---- host mode -------------------------------------------------------------- */

static struct watch sig_w;
static const char *sock_path, *metrics_path;

static void all_stopped(void)
{
	log_info("all services stopped; exiting");
	unlink(sock_path);
	if (metrics_path)
		unlink(metrics_path);
	exit(0);
}

static void daemon_signal(struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			if (!stopping_all)
				supervise_stop_all(all_stopped);
		}
	proc_reap();
}

static void daemon_ready(const char *summary)
{
	log_info("stack ready: %s", summary);
}

int supervise_main(int argc, char **argv)
{
	const char *plans = NULL, *state = NULL, *sock = NULL, *keep = NULL;
	const char *metrics = METRICS_SOCKET_DEFAULT;
	char defsock[300];
	sigset_t set;

	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc) {
			fprintf(stderr, "hostd daemon: %s needs a value\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "--plans"))
			plans = argv[++i];
		else if (!strcmp(argv[i], "--state"))
			state = argv[++i];
		else if (!strcmp(argv[i], "--socket"))
			sock = argv[++i];
		else if (!strcmp(argv[i], "--keep"))
			keep = argv[++i];
		else if (!strcmp(argv[i], "--metrics"))
			metrics = argv[++i];
		else {
			fprintf(stderr, "hostd daemon: unknown option '%s'\n"
				"usage: hostd daemon --plans DIR --state DIR [--socket PATH] [--keep DIR]\n"
				"                    [--metrics PATH]\n", argv[i]);
			return 2;
		}
	}
	if (!plans || !state) {
		fprintf(stderr, "usage: hostd daemon --plans DIR --state DIR [--socket PATH] [--keep DIR]\n"
			"                    [--metrics PATH]\n");
		return 2;
	}
	if (!sock) {
		snprintf(defsock, sizeof(defsock), "%s/hostd.sock", state);
		sock = defsock;
	}
	sock_path = sock;
	if (mkdir_p(state, 0700) < 0) {
		fprintf(stderr, "hostd daemon: mkdir %s: %s\n", state, strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || loop_init() < 0 ||
	    (sig_w.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		perror("hostd daemon: signals");
		return 1;
	}
	sig_w.cb = daemon_signal;
	if (loop_add(&sig_w, EPOLLIN) < 0 || ctl_listen(sock) < 0)
		return 1;
	/* Without it the monitor has nothing to show; the stack still runs. */
	if (metrics_listen(metrics) == 0)
		metrics_path = metrics;
	else
		log_err("no metrics socket at %s: the monitor will show nothing", metrics);
	log_info("hostd daemon: plans %s, state %s, control socket %s, metrics %s", plans, state,
		 sock, metrics_path ? metrics_path : "none");
	supervise_load(plans, state, keep);
	supervise_on_ready(daemon_ready);
	supervise_start_all();
	for (;;)
		loop_once();
}
