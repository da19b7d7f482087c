/* load: the stack's plans into the supervisor's state (supervise_load,
 * see supervise.h). It reads every *.plan of the plans directory in name
 * order, disables a plan that does not parse or names a service twice,
 * remembers which services were stopped by hand, makes each service's
 * state directories and log, orders the services by their dependencies
 * (dropping one that cannot be ordered, then what needs it), and opens the
 * published ports' listeners. It starts nothing: supervise_start_all does.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/log.h"
#include "common/order.h"
#include "common/plan.h"
#include "supervise/policy.h"
#include "supervise/proxy.h"
#include "supervise/supervise_int.h"
#include "common/util.h"

static struct supervisor *const sv = &supervise_state;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.plan names of plans_dir (at most MAX_CTRS), sorted, into sorted;
 * returns how many, or -1 if the directory cannot be read (logged). */
static int list_plans(const char *plans_dir, char *sorted[MAX_CTRS])
{
	static char names[MAX_CTRS][256];
	struct dirent *de;
	DIR *d = opendir(plans_dir);
	int nnames = 0;

	if (!d) {
		log_sys("open plans directory %s", plans_dir);
		return -1;
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
	return nnames;
}

/* Parse path into c->plan; -1 (logged) if it cannot be the service's. */
static int read_plan(struct ctr *c, const char *path)
{
	static char text[65536];
	char err[400];
	ssize_t n = read_file(path, text, sizeof(text));

	if (n < 0) {
		log_sys("read %s", path);
		return -1;
	}
	if (plan_parse(&c->plan, text, (size_t)n, path, err, sizeof(err)) < 0) {
		log_err("%s; that service is disabled", err);
		return -1;
	}
	if (supervise_find(c->plan.service)) {
		log_err("%s: service %s is defined twice; this one is disabled",
			path, c->plan.service);
		return -1;
	}
	return 0;
}

/* An unless-stopped service stopped with hostctl stays down. */
static void recall_manual_stop(struct ctr *c)
{
	char path[600];
	struct stat st;

	if (!sv->keep_root[0])
		return;
	snprintf(path, sizeof(path), "%s/%s.stopped", sv->keep_root, c->plan.service);
	if (stat(path, &st) == 0 && !policy_start_at_boot(c->plan.restart, 1)) {
		c->stopped_by_hand = 1;
		log_info("%s stays stopped: it was stopped by hand (restart: "
			 "unless-stopped); hostctl start %s starts it", c->plan.service,
			 c->plan.service);
	}
}

/* The service's state directories (upper, work, root) and its log. */
static void prepare_ctr(struct ctr *c, const char *state_dir)
{
	char path[600];

	c->log_fd = -1;
	c->timer.cb = supervise_timer_due;
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
}

/* Order what loaded; drop a service whose dependencies cannot be met
 * (and so, on the next pass, what depends on it) until the rest works. */
static void order_loaded(void)
{
	const struct plan *ptrs[MAX_CTRS];
	int map[MAX_CTRS];
	char err[400];

	for (;;) {
		int n = 0;

		for (int i = 0; i < sv->nctrs; i++)
			if (sv->ctrs[i].state != CTR_DISABLED) {
				map[n] = i;
				ptrs[n++] = &sv->ctrs[i].plan;
			}
		if (order_services(ptrs, n, sv->order, err, sizeof(err)) == 0) {
			for (int k = 0; k < n; k++)
				sv->order[k] = map[sv->order[k]];
			sv->norder = n;
			return;
		}
		if (order_culprit() < 0) {
			log_err("stack: %s; nothing started", err);
			sv->norder = 0;
			return;
		}
		log_err("stack: %s; %s is disabled", err, ptrs[order_culprit()]->service);
		sv->ctrs[map[order_culprit()]].state = CTR_DISABLED;
	}
}

/* Published ports: listeners live as long as hostd; a connection
 * while the container is down is refused. */
static void publish_ports(void)
{
	for (int k = 0; k < sv->norder; k++) {
		const struct plan *p = &sv->ctrs[sv->order[k]].plan;
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
}

int supervise_load(const char *plans_dir, const char *state_dir, const char *keep_dir)
{
	char *sorted[MAX_CTRS], path[600];
	int nnames;

	if (keep_dir && mkdir_p(keep_dir, 0700) < 0)
		log_sys("mkdir %s (manual stops will not outlive this run)", keep_dir);
	else if (keep_dir)
		snprintf(sv->keep_root, sizeof(sv->keep_root), "%s", keep_dir);
	if ((nnames = list_plans(plans_dir, sorted)) < 0)
		return 0;
	for (int i = 0; i < nnames; i++) {
		struct ctr *c = &sv->ctrs[sv->nctrs];

		snprintf(path, sizeof(path), "%s/%s", plans_dir, sorted[i]);
		if (read_plan(c, path) < 0)
			continue;
		recall_manual_stop(c);
		prepare_ctr(c, state_dir);
		sv->nctrs++;
	}
	order_loaded();
	publish_ports();
	log_info("stack: %d services loaded from %s", sv->norder, plans_dir);
	return sv->norder;
}
