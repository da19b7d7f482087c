/* report: what hostctl's read-only verbs show — ps, inspect, stats,
 * images, network ls|inspect — formatted from the supervisor's state
 * (supervise_int.h) into a buffer. Never changes that state. */
#include "report.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "supervise_int.h"
#include "util.h"

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

size_t report_ps(char *buf, size_t len, int all)
{
	size_t n = (size_t)snprintf(buf, len, "%-14s %-18s %-30s %7s %s\n", "NAMES",
				    "IMAGE", "STATUS", "PID", "RESTARTS");

	for (int k = 0; k < norder && n < len; k++) {
		const struct ctr *c = &ctrs[order[k]];
		char st[64];

		if (!all && c->state != CTR_RUNNING && c->state != CTR_RESTARTING)
			continue;
		status_text(c, st, sizeof(st));
		n += (size_t)snprintf(buf + n, len - n, "%-14s %-18s %-30s %7d %d\n",
				      c->plan.service, c->plan.image, st, (int)c->proc.pid,
				      c->restarts);
	}
	return n < len ? n : len - 1;
}

int report_inspect(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	const struct ctr *c = supervise_lookup(name, 0, err, errlen);
	int code;

	if (!c)
		return -1;
	code = WIFEXITED(c->last_status) ? WEXITSTATUS(c->last_status) :
	       128 + WTERMSIG(c->last_status);
	return snprintf(buf, len,
			"[{\"Name\": \"%s\", \"State\": {\"Status\": \"%s\", \"Running\": %s, "
			"\"Pid\": %d, \"ExitCode\": %d, \"Health\": {\"Status\": \"%s\", "
			"\"FailingStreak\": %d}}, \"RestartCount\": %d, "
			"\"Config\": {\"Image\": \"%s\"}, \"LogPath\": \"%s\"}]\n",
			c->plan.service, ctr_state_name(c->state),
			c->state == CTR_RUNNING ? "true" : "false", (int)c->proc.pid, code,
			supervise_health_names[c->health], c->failing, c->restarts, c->plan.image,
			c->log_path);
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

	for (int k = 0; k < norder && n < len; k++) {
		const struct ctr *c = &ctrs[order[k]];
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
	size_t n = (size_t)snprintf(buf, len, "%-20s %-12s %7s %10s\n", "REPOSITORY", "TAG",
				    "LAYERS", "SIZE");

	for (int i = 0; i < nctrs && n < len; i++) {
		const struct plan *p = &ctrs[i].plan;
		const char *colon = strrchr(p->image, ':');
		long long bytes = 0;
		int dup = 0;

		for (int j = 0; j < i; j++)
			dup |= !strcmp(ctrs[j].plan.image, p->image);
		if (dup || !colon)
			continue;
		for (int l = 0; l < p->nlayers; l++)
			bytes += layer_bytes(p->layers[l]);
		n += (size_t)snprintf(buf + n, len - n, "%-20.*s %-12s %7d %9.1fMB\n",
				      (int)(colon - p->image), p->image, colon + 1, p->nlayers,
				      (double)bytes / 1e6);
	}
	return n < len ? n : len - 1;
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
	size_t n = (size_t)snprintf(buf, len, "%-16s %-16s %-8s %s\n", "NAME", "BRIDGE",
				    "DRIVER", "SUBNET");

	for (int i = 0; i < nctrs && n < len; i++) {
		const struct plan *p = &ctrs[i].plan;
		char br[16], sub[32], gw[20];
		int dup = 0;

		if (!p->network)
			continue;
		for (int j = 0; j < i; j++)
			dup |= ctrs[j].plan.network && !strcmp(ctrs[j].plan.network, p->network);
		if (dup)
			continue;
		supervise_bridge_name(p->network, br, sizeof(br));
		subnet_of(p->address, sub, sizeof(sub), gw, sizeof(gw));
		n += (size_t)snprintf(buf + n, len - n, "%-16s %-16s %-8s %s\n", p->network, br,
				      "bridge", sub);
	}
	return n < len ? n : len - 1;
}

int report_network_inspect(const char *name, char *buf, size_t len, char *err,
			      size_t errlen)
{
	char br[16], sub[32] = "", gw[20] = "";
	size_t n;
	int found = 0;

	for (int i = 0; i < nctrs && !found; i++)
		if (ctrs[i].plan.network && !strcmp(ctrs[i].plan.network, name)) {
			subnet_of(ctrs[i].plan.address, sub, sizeof(sub), gw, sizeof(gw));
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
	for (int i = 0, first = 1; i < nctrs && n < len; i++) {
		const struct ctr *c = &ctrs[i];

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
