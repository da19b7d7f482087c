/* report: what hostctl's read-only verbs show — ps, inspect, stats,
 * images, network ls|inspect — formatted from the supervisor's state
 * (supervise/state.h) into a buffer. Never changes that state. */
#include "ctl/report.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl/jsonfmt.h"
#include "supervise/state.h"
#include "common/util.h"

static const struct supervisor *const sv = &supervise_state;

static void age(long long ms, char *buf, size_t len)
{
	long long s = ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%lld second%s", s, s == 1 ? "" : "s");
	else if (s < 3600)
		snprintf(buf, len, "%lld minute%s", s / 60, s / 60 == 1 ? "" : "s");
	else
		snprintf(buf, len, "%lld hours", s / 3600);
}

static void status_text(const struct ctr *c, char *buf, size_t len)
{
	char t[32];
	int code = WIFEXITED(c->last_status) ? WEXITSTATUS(c->last_status) :
		   128 + WTERMSIG(c->last_status);

	switch (c->state) {
	case CTR_RUNNING:
		age(now_ms() - c->started_ms, t, sizeof(t));
		snprintf(buf, len, "Up %s%s", t,
			 c->health == H_HEALTHY ? " (healthy)" :
			 c->health == H_UNHEALTHY ? " (unhealthy)" :
			 c->health == H_STARTING ? " (health: starting)" : "");
		break;
	case CTR_RESTARTING:
		age(now_ms() - c->finished_ms, t, sizeof(t));
		snprintf(buf, len, "Restarting (%d) %s ago", code, t);
		break;
	case CTR_EXITED:
		if (!c->has_run) {
			snprintf(buf, len, "Created");
			break;
		}
		age(now_ms() - c->finished_ms, t, sizeof(t));
		snprintf(buf, len, "Exited (%d) %s ago", code, t);
		break;
	default:
		snprintf(buf, len, "%s", ctr_state_name(c->state));
	}
}

static void subnet_of(const char *address, char *out, size_t len, char *gw, size_t gwlen);

static int exit_code(const struct ctr *c)
{
	return WIFEXITED(c->last_status) ? WEXITSTATUS(c->last_status) :
	       128 + WTERMSIG(c->last_status);
}

/* "0.0.0.0:8443->443/tcp, ..." as docker ps shows published ports, a run
 * of consecutive ports as one range ("0.0.0.0:21000-21009->21000-21009/tcp"). */
static void ports_text(const struct plan *p, struct jbuf *b)
{
	for (int i = 0, j; i < p->npublish; i = j + 1) {
		const struct plan_publish *a = &p->publish[i];

		for (j = i; j + 1 < p->npublish; j++) {
			const struct plan_publish *q = &p->publish[j], *n = &p->publish[j + 1];

			if (n->udp != a->udp || n->host_port != q->host_port + 1 || n->port != q->port + 1)
				break;
		}
		if (j == i)
			jb_printf(b, "%s0.0.0.0:%u->%u/%s", i ? ", " : "", a->host_port, a->port,
				  a->udp ? "udp" : "tcp");
		else
			jb_printf(b, "%s0.0.0.0:%u-%u->%u-%u/%s", i ? ", " : "", a->host_port,
				  p->publish[j].host_port, a->port, p->publish[j].port,
				  a->udp ? "udp" : "tcp");
	}
}

size_t report_ps(char *buf, size_t len, int all)
{
	struct jbuf b;

	jb_init(&b, buf, len);
	for (int k = 0; k < sv->norder && !b.overflow; k++) {
		const struct ctr *c = &sv->ctrs[sv->order[k]];
		const struct plan *p = &c->plan;
		char st[64], t[32], ports[256], cmd[512];
		struct jbuf pb, cb;

		if (!all && c->state != CTR_RUNNING && c->state != CTR_RESTARTING)
			continue;
		status_text(c, st, sizeof(st));
		jb_init(&pb, ports, sizeof(ports));
		ports_text(p, &pb);
		jb_init(&cb, cmd, sizeof(cmd));
		for (int i = 0; i < p->nentrypoint; i++)
			jb_printf(&cb, "%s%s", cb.n ? " " : "", p->entrypoint[i]);
		for (int i = 0; i < p->ncmd; i++)
			jb_printf(&cb, "%s%s", cb.n ? " " : "", p->cmd[i]);
		jb_printf(&b, "{\"Names\": ");
		jb_str(&b, p->service);
		jb_printf(&b, ", \"Image\": ");
		jb_str(&b, p->image);
		jb_printf(&b, ", \"Command\": ");
		jb_str(&b, cmd);
		jb_printf(&b, ", \"State\": \"%s\", \"Status\": ", ctr_state_name(c->state));
		jb_str(&b, st);
		if (c->has_run)
			age(now_ms() - c->started_ms, t, sizeof(t));
		jb_printf(&b, ", \"RunningFor\": \"%s%s\", \"Ports\": ", c->has_run ? t : "never",
			  c->has_run ? " ago" : "");
		jb_str(&b, ports);
		jb_printf(&b, ", \"Networks\": ");
		jb_str(&b, p->network ? p->network : "none");
		jb_printf(&b, ", \"Pid\": %d, \"RestartCount\": %d}\n", (int)c->proc.pid,
			  c->restarts);
	}
	return b.n;
}

static void str_array(struct jbuf *b, const char *const *v, int n)
{
	jb_printf(b, "[");
	for (int i = 0; i < n; i++) {
		jb_printf(b, "%s", i ? ", " : "");
		jb_str(b, v[i]);
	}
	jb_printf(b, "]");
}

/* A capability mask as Docker's inspect lists it: ["CAP_NET_ADMIN", ...]. */
static void caps_json(struct jbuf *b, uint64_t mask)
{
	int first = 1;

	if (mask == PLAN_CAP_ALL) {
		jb_printf(b, "\"ALL\"");
		return;
	}
	for (int c = 0; c <= PLAN_CAP_LAST; c++)
		if (mask & (UINT64_C(1) << c)) {
			jb_printf(b, "%s\"CAP_%s\"", first ? "" : ", ", plan_cap_name(c));
			first = 0;
		}
}

static const char *restart_name(enum plan_restart r)
{
	return r == RESTART_ALWAYS ? "always" : r == RESTART_ON_FAILURE ? "on-failure" :
	       r == RESTART_UNLESS_STOPPED ? "unless-stopped" : "no";
}

static void inspect_health(const struct ctr *c, struct jbuf *b)
{
	int first = c->hlog_n > HLOG_KEEP ? c->hlog_n - HLOG_KEEP : 0;

	jb_printf(b, "\"Health\": {\"Status\": \"%s\", \"FailingStreak\": %d, \"Log\": [",
		  supervise_health_names[c->health], c->failing);
	for (int i = first; i < c->hlog_n; i++) {
		const struct hcheck *h = &c->hlog[i % HLOG_KEEP];
		char t0[40], t1[40];

		rfc3339(h->start_wall_ms, t0, sizeof(t0));
		rfc3339(h->end_wall_ms, t1, sizeof(t1));
		jb_printf(b, "%s{\"Start\": \"%s\", \"End\": \"%s\", \"ExitCode\": %d, \"Output\": ",
			  i > first ? ", " : "", t0, t1, h->exit_code);
		jb_str(b, h->output);
		jb_printf(b, "}");
	}
	jb_printf(b, "]}");
}

static void inspect_network(const struct ctr *c, struct jbuf *b)
{
	const struct plan *p = &c->plan;
	char sub[32] = "", gw[20] = "", ip[32] = "";
	int prefix = 0;

	jb_printf(b, "\"NetworkSettings\": {\"Ports\": {");
	for (int i = 0; i < p->npublish; i++)
		jb_printf(b, "%s\"%u/%s\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"%u\"}]",
			  i ? ", " : "", p->publish[i].port, p->publish[i].udp ? "udp" : "tcp",
			  p->publish[i].host_port);
	jb_printf(b, "}");
	if (p->network && p->address) {
		subnet_of(p->address, sub, sizeof(sub), gw, sizeof(gw));
		snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(p->address, "/"), p->address);
		if (strchr(p->address, '/'))
			prefix = atoi(strchr(p->address, '/') + 1);
	}
	jb_printf(b, ", \"IPAddress\": \"%s\", \"IPPrefixLen\": %d, \"Gateway\": \"%s\", "
		  "\"Networks\": {", ip, prefix, gw);
	if (p->network) {
		jb_str(b, p->network);
		jb_printf(b, ": {\"IPAddress\": \"%s\", \"IPPrefixLen\": %d, \"Gateway\": \"%s\", "
			  "\"Aliases\": [", ip, prefix, gw);
		jb_str(b, p->service);
		jb_printf(b, "]}");
	}
	jb_printf(b, "}}");
}

int report_inspect(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	const struct ctr *c = supervise_lookup(name, 0, err, errlen);
	const struct plan *p;
	char t0[40], t1[40];
	struct jbuf b;

	if (!c)
		return -1;
	p = &c->plan;
	rfc3339(c->has_run ? c->started_wall_ms : 0, t0, sizeof(t0));
	rfc3339(c->finished_wall_ms, t1, sizeof(t1));
	jb_init(&b, buf, len);
	jb_printf(&b, "[{\"Name\": ");
	jb_str(&b, p->service);
	jb_printf(&b, ", \"State\": {\"Status\": \"%s\", \"Running\": %s, \"Restarting\": %s, "
		  "\"OOMKilled\": %s, \"Pid\": %d, \"ExitCode\": %d, \"StartedAt\": \"%s\", "
		  "\"FinishedAt\": \"%s\", ",
		  ctr_state_name(c->state), c->state == CTR_RUNNING ? "true" : "false",
		  c->state == CTR_RESTARTING ? "true" : "false", c->oom_killed ? "true" : "false",
		  (int)c->proc.pid, c->has_run ? exit_code(c) : 0, t0, t1);
	inspect_health(c, &b);
	jb_printf(&b, "}, \"RestartCount\": %d, \"Path\": ", c->restarts);
	jb_str(&b, p->nentrypoint ? p->entrypoint[0] : p->ncmd ? p->cmd[0] : "");
	jb_printf(&b, ", \"Config\": {\"Image\": ");
	jb_str(&b, p->image);
	jb_printf(&b, ", \"Hostname\": ");
	jb_str(&b, p->hostname ? p->hostname : p->service);
	jb_printf(&b, ", \"User\": ");
	jb_str(&b, p->user ? p->user : "");
	jb_printf(&b, ", \"WorkingDir\": ");
	jb_str(&b, p->workdir ? p->workdir : "");
	jb_printf(&b, ", \"Entrypoint\": ");
	str_array(&b, p->entrypoint, p->nentrypoint);
	jb_printf(&b, ", \"Cmd\": ");
	str_array(&b, p->cmd, p->ncmd);
	jb_printf(&b, ", \"Env\": ");
	str_array(&b, p->env, p->nenv);
	jb_printf(&b, ", \"StopSignal\": \"%d\", \"StopTimeout\": %ld}, ", p->stop_signal,
		  p->stop_grace_ms / 1000);
	jb_printf(&b, "\"HostConfig\": {\"RestartPolicy\": {\"Name\": \"%s\", "
		  "\"MaximumRetryCount\": %d}, \"Memory\": %lld, \"CpuQuota\": %ld, "
		  "\"CpuPeriod\": %ld, \"PidsLimit\": %ld, ", restart_name(p->restart),
		  p->restart_max, p->memory_max, p->cpu_quota_us, p->cpu_period_us, p->pids_max);
	/* Docker's names: "" is a user namespace of its own (here the
	 * default), "host" none. */
	jb_printf(&b, "\"UsernsMode\": \"%s\", \"CapAdd\": [", p->userns_host ? "host" : "");
	caps_json(&b, p->cap_add);
	jb_printf(&b, "], \"CapDrop\": [");
	caps_json(&b, p->cap_drop);
	jb_printf(&b, "]}, ");
	jb_printf(&b, "\"Mounts\": [");
	for (int i = 0; i < p->nmounts; i++) {
		const struct plan_mount *m = &p->mounts[i];

		jb_printf(&b, "%s{\"Type\": \"%s\", ", i ? ", " : "", m->name ? "volume" : "bind");
		if (m->name) {
			jb_printf(&b, "\"Name\": ");
			jb_str(&b, m->name);
			jb_printf(&b, ", \"Driver\": \"local\", ");
		}
		jb_printf(&b, "\"Source\": ");
		jb_str(&b, m->src);
		jb_printf(&b, ", \"Destination\": ");
		jb_str(&b, m->dst);
		jb_printf(&b, ", \"Mode\": \"%s\", \"RW\": %s}", m->ro ? "ro" : "rw",
			  m->ro ? "false" : "true");
	}
	jb_printf(&b, "], ");
	inspect_network(c, &b);
	jb_printf(&b, ", \"LogPath\": ");
	jb_str(&b, c->log_path);
	jb_printf(&b, "}]\n");
	if (b.overflow) {
		snprintf(err, errlen, "inspect %s: the reply does not fit in %zu bytes", name, len);
		return -1;
	}
	return (int)b.n;
}

/* One number from a cgroup or sysfs file: the whole file, or the value
 * after "key " in a flat keyed file; "-" when it cannot be read. */
static void figure(const char *path, const char *key, char *out, size_t len)
{
	char buf[2048], *p = buf;

	snprintf(out, len, "-");
	if (read_file(path, buf, sizeof(buf)) < 0)
		return;
	if (key) {
		size_t k = strlen(key);
		char *line = buf;

		p = NULL;
		while (line && *line) {
			if (!strncmp(line, key, k) && line[k] == ' ') {
				p = line + k + 1;
				break;
			}
			if ((line = strchr(line, '\n')))
				line++;
		}
		if (!p)
			return;
	}
	snprintf(out, len, "%.*s", (int)strcspn(p, " \n"), p);
	if (!out[0])
		snprintf(out, len, "-");
}

size_t report_stats(char *buf, size_t len)
{
	size_t n = 0;

	for (int k = 0; k < sv->norder && n < len; k++) {
		const struct ctr *c = &sv->ctrs[sv->order[k]];
		char cpu[32], mem[32], lim[32], pids[32], rx[32], tx[32], path[600];

		if (c->state != CTR_RUNNING)
			continue;
		snprintf(path, sizeof(path), "%s/cpu.stat", c->cgroup);
		figure(c->cgroup[0] ? path : "", "usage_usec", cpu, sizeof(cpu));
		snprintf(path, sizeof(path), "%s/memory.current", c->cgroup);
		figure(c->cgroup[0] ? path : "", NULL, mem, sizeof(mem));
		snprintf(path, sizeof(path), "%s/memory.max", c->cgroup);
		figure(c->cgroup[0] ? path : "", NULL, lim, sizeof(lim));
		snprintf(path, sizeof(path), "%s/pids.current", c->cgroup);
		figure(c->cgroup[0] ? path : "", NULL, pids, sizeof(pids));
		/* The host end of the veth: what it receives, the container sent. */
		snprintf(path, sizeof(path), "/sys/class/net/hd%d/statistics/tx_bytes", (int)c->proc.pid);
		figure(path, NULL, rx, sizeof(rx));
		snprintf(path, sizeof(path), "/sys/class/net/hd%d/statistics/rx_bytes", (int)c->proc.pid);
		figure(path, NULL, tx, sizeof(tx));
		n += (size_t)snprintf(buf + n, len - n, "%s %s %s %s %s %s %s\n", c->plan.service,
				      cpu, mem, lim, pids, rx, tx);
	}
	return n < len ? n : len - 1;
}

static long long layer_bytes(const char *path)
{
	struct stat st;

	/* A squashfs file's size; a directory layer counts as 0 here. */
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
}

size_t report_images(char *buf, size_t len)
{
	struct jbuf b;

	jb_init(&b, buf, len);
	for (int i = 0; i < sv->nctrs && !b.overflow; i++) {
		const struct plan *p = &sv->ctrs[i].plan;
		const char *colon = strrchr(p->image, ':');
		long long bytes = 0;
		int dup = 0;

		for (int j = 0; j < i; j++)
			dup |= !strcmp(sv->ctrs[j].plan.image, p->image);
		if (dup || !colon)
			continue;
		for (int l = 0; l < p->nlayers; l++)
			bytes += layer_bytes(p->layers[l]);
		jb_printf(&b, "{\"Repository\": \"%.*s\", \"Tag\": \"%s\", \"Layers\": %d, "
			  "\"Size\": \"%.1fMB\"}\n", (int)(colon - p->image), p->image, colon + 1,
			  p->nlayers, (double)bytes / 1e6);
	}
	return b.n;
}

/* The subnet of an address/prefix, as text. */
static void subnet_of(const char *address, char *out, size_t len, char *gw, size_t gwlen)
{
	struct in_addr ip, net, g;
	int prefix;
	uint32_t mask;

	if (supervise_parse_address(address, &ip, &prefix) < 0 || prefix < 1 || prefix > 32) {
		snprintf(out, len, "-");
		snprintf(gw, gwlen, "-");
		return;
	}
	mask = 0xffffffffu << (32 - prefix);
	net.s_addr = htonl(ntohl(ip.s_addr) & mask);
	g.s_addr = htonl((ntohl(ip.s_addr) & mask) + 1);
	snprintf(out, len, "%s/%d", inet_ntoa(net), prefix);
	snprintf(gw, gwlen, "%s", inet_ntoa(g));
}

size_t report_networks(char *buf, size_t len)
{
	struct jbuf b;

	jb_init(&b, buf, len);
	for (int i = 0; i < sv->nctrs && !b.overflow; i++) {
		const struct plan *p = &sv->ctrs[i].plan;
		char br[16], sub[32], gw[20];
		int dup = 0;

		if (!p->network)
			continue;
		for (int j = 0; j < i; j++)
			dup |= sv->ctrs[j].plan.network && !strcmp(sv->ctrs[j].plan.network, p->network);
		if (dup)
			continue;
		supervise_bridge_name(p->network, br, sizeof(br));
		subnet_of(p->address, sub, sizeof(sub), gw, sizeof(gw));
		jb_printf(&b, "{\"Name\": ");
		jb_str(&b, p->network);
		jb_printf(&b, ", \"Bridge\": \"%s\", \"Driver\": \"bridge\", \"Scope\": \"local\", "
			  "\"Subnet\": \"%s\", \"Gateway\": \"%s\"}\n", br, sub, gw);
	}
	return b.n;
}

/* Each named volume once, with what uses it; the first mount that names
 * it gives its source. */
static const struct plan_mount *volume_first(const char *name, int *ctr_index)
{
	for (int i = 0; i < sv->nctrs; i++)
		for (int m = 0; m < sv->ctrs[i].plan.nmounts; m++)
			if (sv->ctrs[i].plan.mounts[m].name &&
			    !strcmp(sv->ctrs[i].plan.mounts[m].name, name)) {
				if (ctr_index)
					*ctr_index = i;
				return &sv->ctrs[i].plan.mounts[m];
			}
	return NULL;
}

size_t report_volumes(char *buf, size_t len)
{
	struct jbuf b;

	jb_init(&b, buf, len);
	for (int i = 0; i < sv->nctrs && !b.overflow; i++)
		for (int m = 0; m < sv->ctrs[i].plan.nmounts; m++) {
			const struct plan_mount *v = &sv->ctrs[i].plan.mounts[m];
			int at;

			if (!v->name || volume_first(v->name, &at) != v)
				continue;
			jb_printf(&b, "{\"Driver\": \"local\", \"Name\": ");
			jb_str(&b, v->name);
			jb_printf(&b, ", \"Mountpoint\": ");
			jb_str(&b, v->src);
			jb_printf(&b, ", \"Scope\": \"local\"}\n");
		}
	return b.n;
}

int report_volume_inspect(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	const struct plan_mount *v = volume_first(name, NULL);
	struct jbuf b;
	int first = 1;

	if (!v) {
		snprintf(err, errlen, "no such volume: %s", name);
		return -1;
	}
	jb_init(&b, buf, len);
	jb_printf(&b, "[{\"Name\": ");
	jb_str(&b, v->name);
	jb_printf(&b, ", \"Driver\": \"local\", \"Mountpoint\": ");
	jb_str(&b, v->src);
	jb_printf(&b, ", \"Options\": {\"type\": \"none\", \"o\": \"bind\", \"device\": ");
	jb_str(&b, v->src);
	jb_printf(&b, "}, \"Scope\": \"local\", \"UsedBy\": [");
	for (int i = 0; i < sv->nctrs; i++)
		for (int m = 0; m < sv->ctrs[i].plan.nmounts; m++)
			if (sv->ctrs[i].plan.mounts[m].name &&
			    !strcmp(sv->ctrs[i].plan.mounts[m].name, name)) {
				jb_printf(&b, "%s{\"Container\": ", first ? "" : ", ");
				jb_str(&b, sv->ctrs[i].plan.service);
				jb_printf(&b, ", \"Destination\": ");
				jb_str(&b, sv->ctrs[i].plan.mounts[m].dst);
				jb_printf(&b, "}");
				first = 0;
			}
	jb_printf(&b, "]}]\n");
	if (b.overflow) {
		snprintf(err, errlen, "volume inspect %s: the reply does not fit", name);
		return -1;
	}
	return (int)b.n;
}

int report_network_inspect(const char *name, char *buf, size_t len, char *err,
			      size_t errlen)
{
	char br[16], sub[32] = "", gw[20] = "";
	size_t n;
	int found = 0;

	for (int i = 0; i < sv->nctrs && !found; i++)
		if (sv->ctrs[i].plan.network && !strcmp(sv->ctrs[i].plan.network, name)) {
			subnet_of(sv->ctrs[i].plan.address, sub, sizeof(sub), gw, sizeof(gw));
			found = 1;
		}
	if (!found) {
		snprintf(err, errlen, "no such network: %s", name);
		return -1;
	}
	supervise_bridge_name(name, br, sizeof(br));
	n = (size_t)snprintf(buf, len, "[{\"Name\": \"%s\", \"Driver\": \"bridge\", "
			     "\"Bridge\": \"%s\", \"IPAM\": {\"Config\": [{\"Subnet\": \"%s\", "
			     "\"Gateway\": \"%s\"}]}, \"Containers\": {", name, br, sub, gw);
	for (int i = 0, first = 1; i < sv->nctrs && n < len; i++) {
		const struct ctr *c = &sv->ctrs[i];

		if (!c->plan.network || strcmp(c->plan.network, name))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s\"%s\": {\"IPv4Address\": \"%s\", "
				      "\"State\": \"%s\"}", first ? "" : ", ", c->plan.service,
				      c->plan.address, ctr_state_name(c->state));
		first = 0;
	}
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "}}]\n");
	return (int)(n < len ? n : len - 1);
}

/* ---- Prometheus text for the monitor (metrics.c serves it) --------------- */

/* A label value with Prometheus's three escapes (\\, \", \n). */
static void label(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 3 < len; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			out[n++] = '\\';
			out[n++] = *s == '\n' ? 'n' : *s;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
}

/* One figure of a file as a number, or -1 (no cgroup v2, no such file). */
static long long number(const char *path, const char *key)
{
	char v[32], *end;
	long long x;

	figure(path, key, v, sizeof(v));
	x = strtoll(v, &end, 10);
	return end != v && !*end && x >= 0 ? x : -1;
}

struct family {
	const char *name, *type, *help;
};

static const struct family families[] = {
	{ "hostd_container_info", "gauge", "A container hostd runs: image, state, health (value 1)." },
	{ "hostd_container_running", "gauge", "1 when the container is running, else 0." },
	{ "hostd_container_restarts_total", "counter",
	  "Restarts by the restart policy (docker inspect's RestartCount)." },
	{ "hostd_container_start_time_seconds", "gauge",
	  "When the container's current or last run started, Unix time." },
	{ "container_cpu_usage_seconds_total", "counter",
	  "CPU time of the container's cgroup (cpu.stat usage_usec)." },
	{ "container_memory_usage_bytes", "gauge", "The cgroup's memory.current." },
	{ "container_spec_memory_limit_bytes", "gauge", "The cgroup's memory.max, when set." },
	{ "container_pids", "gauge", "Tasks in the cgroup (pids.current)." },
	{ "container_network_receive_bytes_total", "counter",
	  "Bytes the container received (its veth's host end sent them)." },
	{ "container_network_transmit_bytes_total", "counter",
	  "Bytes the container sent (its veth's host end received them)." },
};

size_t report_metrics(char *buf, size_t len, double uptime_s)
{
	size_t n = 0;

#define OUT(...) do { \
		if (n < len) \
			n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); \
	} while (0)
	OUT("# HELP hostd_uptime_seconds Seconds since hostd opened this socket (as PID 1: after the disks, before the stack).\n"
	    "# TYPE hostd_uptime_seconds gauge\nhostd_uptime_seconds %.3f\n", uptime_s);
	/* hostd's own memory, Prometheus' usual name for an exporter's. */
	{
		char statm[128];
		long pages = 0, resident = 0;

		if (read_file("/proc/self/statm", statm, sizeof(statm)) > 0 &&
		    sscanf(statm, "%ld %ld", &pages, &resident) == 2)
			OUT("# HELP process_resident_memory_bytes hostd's resident memory.\n"
			    "# TYPE process_resident_memory_bytes gauge\n"
			    "process_resident_memory_bytes %ld\n", resident * sysconf(_SC_PAGESIZE));
	}
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		OUT("# HELP %s %s\n# TYPE %s %s\n", families[f].name, families[f].help,
		    families[f].name, families[f].type);
		for (int k = 0; k < sv->norder; k++) {
			const struct ctr *c = &sv->ctrs[sv->order[k]];
			int up = c->state == CTR_RUNNING;
			char name[160], image[300], path[600];
			long long v = -1;

			label(c->plan.service, name, sizeof(name));
			switch (f) {
			case 0:
				label(c->plan.image, image, sizeof(image));
				OUT("%s{name=\"%s\",image=\"%s\",state=\"%s\",health=\"%s\"} 1\n",
				    families[f].name, name, image,
				    c->state == CTR_EXITED && !c->has_run ? "created" :
				    ctr_state_name(c->state), supervise_health_names[c->health]);
				continue;
			case 1:
				OUT("%s{name=\"%s\"} %d\n", families[f].name, name, up);
				continue;
			case 2:
				OUT("%s{name=\"%s\"} %d\n", families[f].name, name, c->restarts);
				continue;
			case 3:
				if (c->has_run)
					OUT("%s{name=\"%s\"} %.3f\n", families[f].name, name,
					    (double)c->started_wall_ms / 1000);
				continue;
			}
			/* The rest: running containers only, from the kernel. */
			if (!up)
				continue;
			switch (f) {
			case 4:
				snprintf(path, sizeof(path), "%s/cpu.stat", c->cgroup);
				if (c->cgroup[0] && (v = number(path, "usage_usec")) >= 0)
					OUT("%s{name=\"%s\"} %lld.%06lld\n", families[f].name, name,
					    v / 1000000, v % 1000000);
				continue;
			case 5: case 6: case 7:
				snprintf(path, sizeof(path), "%s/%s", c->cgroup, f == 5 ? "memory.current" :
					 f == 6 ? "memory.max" : "pids.current");
				if (c->cgroup[0] && (v = number(path, NULL)) >= 0)
					OUT("%s{name=\"%s\"} %lld\n", families[f].name, name, v);
				continue;
			default:
				snprintf(path, sizeof(path), "/sys/class/net/hd%d/statistics/%s",
					 (int)c->proc.pid, f == 8 ? "tx_bytes" : "rx_bytes");
				if ((v = number(path, NULL)) >= 0)
					OUT("%s{name=\"%s\",interface=\"eth0\"} %lld\n", families[f].name,
					    name, v);
			}
		}
	}
#undef OUT
	return n < len ? n : len - 1;
}
