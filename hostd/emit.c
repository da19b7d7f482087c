/* emit: the compose file and the images built for it, as one plan per
 * service (the format hostd reads; DEV_DOC.md, "The plan format").
 *
 * Compose's rules decide what wins: the service's command/entrypoint over
 * the image's (an entrypoint given in compose clears the image's CMD),
 * its environment over the image's ENV, its user, working_dir,
 * healthcheck, stop_signal over the image's. Each compose network is a
 * bridge with a /16 of its own, 172.(18+N).0.0 in the order the file
 * declares them (as Docker numbers user networks); a service gets the
 * next address in file order unless it asks for one. Every plan written
 * is read back with hostd's own parser, and the services are ordered with
 * hostd's own ordering, so a plan the appliance would refuse fails the
 * build instead. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compose.h"
#include "order.h"
#include "plan.h"
#include "util.h"

struct pbuf {
	char text[65536];
	size_t n;
	int overflow;
};

static void put(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->text + b->n, sizeof(b->text) - b->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(b->text) - b->n)
		b->overflow = 1;
	else
		b->n += (size_t)w;
}

/* A value that must fit on one plan line. */
static int one_line(const struct compose *c, int line, const char *svc, const char *what,
		    const char *v)
{
	if (v && strchr(v, '\n')) {
		fprintf(stderr, "hostd-build: %s:%d: %s: %s contains a line break, which a plan "
			"line cannot hold\n", c->path, line, svc, what);
		return -1;
	}
	return 0;
}

static const struct image *find_image(const struct image *images, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (images[i].name && !strcmp(images[i].name, name))
			return &images[i];
	return NULL;
}

static const struct compose_volume *find_volume(const struct compose *c, const char *name)
{
	for (int i = 0; i < c->nvolumes; i++)
		if (!strcmp(c->volumes[i].name, name))
			return &c->volumes[i];
	return NULL;
}

static int network_index(const struct compose *c, const char *name)
{
	for (int i = 0; i < c->nnetworks; i++)
		if (!strcmp(c->networks[i].name, name))
			return i;
	return -1;
}

/* A network's subnet: its ipam subnet, or 172.(18+N).0.0/16 by its
 * place in the file (as Docker numbers user networks). The gateway is the
 * subnet's first address: hostd's bridge takes that one. */
static int subnet_of(const struct compose *c, int ni, uint32_t *net, int *prefix)
{
	const struct compose_network *n = &c->networks[ni];
	unsigned a, b, cc, d;
	int p;

	if (!n->subnet) {
		if (ni > 200) {
			fprintf(stderr, "hostd-build: %s: too many networks\n", c->path);
			return -1;
		}
		*net = (172u << 24) | ((18u + (unsigned)ni) << 16);
		*prefix = 16;
		return 0;
	}
	if (sscanf(n->subnet, "%u.%u.%u.%u/%d", &a, &b, &cc, &d, &p) != 5 || a > 255 ||
	    b > 255 || cc > 255 || d > 255 || p < 8 || p > 30) {
		fprintf(stderr, "hostd-build: %s:%d: network %s: subnet %s: want a.b.c.d/8..30\n",
			c->path, n->line, n->name, n->subnet);
		return -1;
	}
	*prefix = p;
	*net = ((a << 24) | (b << 16) | (cc << 8) | d) & (0xffffffffu << (32 - p));
	if (n->gateway) {
		uint32_t g = *net + 1;
		char want[20];

		snprintf(want, sizeof(want), "%u.%u.%u.%u", g >> 24, (g >> 16) & 255,
			 (g >> 8) & 255, g & 255);
		if (strcmp(n->gateway, want)) {
			fprintf(stderr, "hostd-build: %s:%d: network %s: gateway %s: hostd's bridge "
				"is the subnet's first address, %s\n", c->path, n->line, n->name,
				n->gateway, want);
			return -1;
		}
	}
	return 0;
}

static uint32_t ip_of(const char *s)
{
	unsigned a, b, c, d;

	if (!s || sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
		return 0;
	return (a << 24) | (b << 16) | (c << 8) | d;
}

/* The service's address on its network: asked for, or the next free one
 * in file order (fixed addresses are skipped). */
static int address_of(const struct compose *c, const struct compose_service *s,
		      char *out, size_t len)
{
	const char *net = s->nnetworks ? s->networks[0].name : "default";
	int ni = network_index(c, net), prefix;
	uint32_t base, ip, size;

	if (ni < 0) {
		fprintf(stderr, "hostd-build: %s:%d: %s: network %s is not declared\n", c->path,
			s->line, s->name, net);
		return -1;
	}
	if (subnet_of(c, ni, &base, &prefix) < 0)
		return -1;
	size = prefix >= 32 ? 1 : 1u << (32 - prefix);
	if (s->nnetworks && s->networks[0].ipv4_address) {
		snprintf(out, len, "%s/%d", s->networks[0].ipv4_address, prefix);
		return 0;
	}
	ip = base + 2;
	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *o = &c->services[i];
		const char *on = o->nnetworks ? o->networks[0].name : "default";
		int taken;

		if (o == s)
			break;
		if (strcmp(on, net) || (o->nnetworks && o->networks[0].ipv4_address))
			continue;
		/* o took ip: move past it and any fixed address after it. */
		do {
			ip++;
			taken = 0;
			for (int k = 0; k < c->nservices; k++) {
				const struct compose_service *f = &c->services[k];

				if (f->nnetworks && !strcmp(f->networks[0].name, net) &&
				    ip_of(f->networks[0].ipv4_address) == ip)
					taken = 1;
			}
		} while (taken);
	}
	for (int moved = 1; moved;) {	/* ip itself must not be someone's fixed one */
		moved = 0;
		for (int k = 0; k < c->nservices; k++) {
			const struct compose_service *f = &c->services[k];

			if (f->nnetworks && !strcmp(f->networks[0].name, net) &&
			    ip_of(f->networks[0].ipv4_address) == ip) {
				ip++;
				moved = 1;
			}
		}
	}
	if (ip >= base + size - 1) {
		fprintf(stderr, "hostd-build: %s: no address left for %s on network %s\n", c->path,
			s->name, net);
		return -1;
	}
	snprintf(out, len, "%u.%u.%u.%u/%d", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
		 ip & 255, prefix);
	return 0;
}

/* Copy a secret's file for the appliance (0400, root). */
static int copy_secret(const struct compose *c, const struct compose_secret *sec,
		       const char *dir)
{
	static char buf[1 << 20];
	char dst[PATH_MAX];
	ssize_t n = read_file(sec->file, buf, sizeof(buf));

	if (n < 0) {
		fprintf(stderr, "hostd-build: %s:%d: secret %s: read %s: %s\n", c->path, sec->line,
			sec->name, sec->file, strerror(errno));
		return -1;
	}
	pathf(dst, sizeof(dst), "%s/%s", dir, sec->name);
	unlink(dst);
	if (write_file(dst, buf, (size_t)n, 0400) < 0) {
		fprintf(stderr, "hostd-build: write %s: %s\n", dst, strerror(errno));
		return -1;
	}
	return 0;
}

static int emit_one(const struct compose *c, const struct compose_service *s,
		    const struct image *im, const struct emit_opts *o, struct pbuf *b)
{
	const struct strv *cmd = &im->cmd, *ep = &im->entrypoint;
	const char *user = s->user ? s->user : im->user;
	const char *workdir = s->working_dir ? s->working_dir : im->workdir;
	const char *stop = s->stop_signal ? s->stop_signal : im->stop_signal;
	char addr[64];
	const char *net = s->nnetworks ? s->networks[0].name : "default";

	if (s->container_name && strcmp(s->container_name, s->name)) {
		fprintf(stderr, "hostd-build: %s:%d: %s: container_name must be the service's name "
			"(hostd names each container after its service, which is also its "
			"name on the network)\n", c->path, s->line, s->name);
		return -1;
	}
	if (s->nnetworks > 1) {
		fprintf(stderr, "hostd-build: %s:%d: %s: one network per service is supported\n",
			c->path, s->networks[1].line, s->name);
		return -1;
	}
	if (s->init) {
		fprintf(stderr, "hostd-build: %s:%d: %s: init: true is not supported: the "
			"service's own program runs as PID 1 of its container\n", c->path,
			s->line, s->name);
		return -1;
	}
	put(b, "version %d\n# %s, service %s: written by hostd-build\n", PLAN_VERSION, c->path,
	    s->name);
	put(b, "service %s\nimage %s\n", s->name, s->image);
	for (int i = 0; i < im->layer_keys.n; i++)
		put(b, "layer %s/%s.erofs\n", o->layers_at, im->layer_keys.v[i]);
	/* Compose: an entrypoint given here clears the image's CMD. */
	if (s->entrypoint) {
		for (int i = 0; s->entrypoint[i]; i++)
			put(b, "entrypoint %s\n", s->entrypoint[i]);
		if (s->command)
			for (int i = 0; s->command[i]; i++)
				put(b, "cmd %s\n", s->command[i]);
	} else {
		for (int i = 0; i < ep->n; i++)
			put(b, "entrypoint %s\n", ep->v[i]);
		if (s->command)
			for (int i = 0; s->command[i]; i++)
				put(b, "cmd %s\n", s->command[i]);
		else
			for (int i = 0; i < cmd->n; i++)
				put(b, "cmd %s\n", cmd->v[i]);
	}
	{
		struct strv env = {0};

		strv_copy(&env, &im->env);
		for (int i = 0; i < s->nenvironment; i++)
			if (s->environment[i].value)
				strv_setenv(&env, s->environment[i].key, s->environment[i].value);
		for (int i = 0; i < env.n; i++) {
			if (one_line(c, s->line, s->name, "an environment value", env.v[i]) < 0) {
				strv_clear(&env);
				free(env.v);
				return -1;
			}
			put(b, "env %s\n", env.v[i]);
		}
		strv_clear(&env);
		free(env.v);
	}
	if (user && *user)
		put(b, "user %s\n", user);
	if (workdir && *workdir)
		put(b, "workdir %s\n", workdir);
	put(b, "hostname %s\n", s->hostname ? s->hostname : s->name);
	for (int i = 0; i < s->nmounts; i++) {
		const struct compose_mount *m = &s->mounts[i];
		const char *mode = m->read_only ? ":ro" : "";

		if (m->type == COMPOSE_VOLUME) {
			const struct compose_volume *v = find_volume(c, m->source);

			if (!v) {
				fprintf(stderr, "hostd-build: %s:%d: %s: volume %s is not declared\n",
					c->path, m->line, s->name, m->source);
				return -1;
			}
			if (v->device)
				put(b, "volume %s %s:%s%s\n", v->name, v->device, m->target, mode);
			else if (o->volume_root)
				put(b, "volume %s %s/%s:%s%s\n", v->name, o->volume_root, v->name,
				    m->target, mode);
			else {
				fprintf(stderr, "hostd-build: %s:%d: %s: volume %s has no driver_opts "
					"device and no --volume-root was given\n", c->path, v->line,
					s->name, v->name);
				return -1;
			}
		} else {
			size_t dl = strlen(c->dir);

			if (!strncmp(m->source, c->dir, dl) && (m->source[dl] == '/' || !m->source[dl])) {
				fprintf(stderr, "hostd-build: %s:%d: %s: a bind mount of the build "
					"host's %s cannot exist in the appliance: COPY it in the "
					"Dockerfile, or use a named volume\n", c->path, m->line, s->name,
					m->source);
				return -1;
			}
			put(b, "volume %s:%s%s\n", m->source, m->target, mode);
		}
	}
	for (int i = 0; i < s->nsecrets; i++)
		put(b, "secret %s:%s/%s\n", s->secrets[i].target, o->secrets_at,
		    s->secrets[i].source);
	if (address_of(c, s, addr, sizeof(addr)) < 0)
		return -1;
	put(b, "network %s %s\n", net, addr);
	for (int i = 0; i < s->nports; i++) {
		const struct compose_port *p = &s->ports[i];

		if (!p->published)
			continue;
		if (p->host_ip && strcmp(p->host_ip, "0.0.0.0")) {
			fprintf(stderr, "hostd-build: %s:%d: %s: ports published on one address "
				"(%s) are not supported: hostd publishes on all of the VM's\n",
				c->path, p->line, s->name, p->host_ip);
			return -1;
		}
		put(b, "publish %u:%u%s\n", p->published, p->target, p->udp ? "/udp" : "");
	}
	put(b, "restart %s\n", s->restart ? s->restart : "no");
	for (int i = 0; i < s->ndepends_on; i++)
		put(b, "depends_on %s %s\n", s->depends_on[i].service,
		    s->depends_on[i].condition == COMPOSE_HEALTHY ? "service_healthy" :
		    s->depends_on[i].condition == COMPOSE_COMPLETED ?
		    "service_completed_successfully" : "service_started");
	{
		const struct compose_health *h = &s->health;
		enum health_kind kind = im->health;
		char *const *test = im->health_test.v;
		int ntest = im->health_test.n;
		long long iv = im->health_interval_ms, to = im->health_timeout_ms,
			  sp = im->health_start_ms;
		int retries = im->health_retries;

		if (h->kind == COMPOSE_HC_NONE)
			kind = HEALTH_NONE;
		else if (h->kind == COMPOSE_HC_CMD || h->kind == COMPOSE_HC_SHELL) {
			kind = h->kind == COMPOSE_HC_CMD ? HEALTH_CMD : HEALTH_SHELL;
			test = (char *const *)h->test;
			for (ntest = 0; h->test && h->test[ntest]; ntest++)
				;
		}
		if (h->kind != COMPOSE_HC_UNSET && h->kind != COMPOSE_HC_NONE) {
			if (h->interval_ms >= 0)
				iv = h->interval_ms;
			if (h->timeout_ms >= 0)
				to = h->timeout_ms;
			if (h->start_period_ms >= 0)
				sp = h->start_period_ms;
			if (h->retries >= 0)
				retries = h->retries;
		}
		if (h->kind == COMPOSE_HC_INHERIT && kind != HEALTH_CMD && kind != HEALTH_SHELL) {
			fprintf(stderr, "hostd-build: %s:%d: %s: healthcheck gives timings but no "
				"test, and image %s has no HEALTHCHECK\n", c->path, h->line, s->name,
				s->image);
			return -1;
		}
		if ((kind == HEALTH_CMD || kind == HEALTH_SHELL) && ntest) {
			if (kind == HEALTH_CMD)
				for (int i = 0; i < ntest; i++)
					put(b, "health_cmd %s\n", test[i]);
			else
				put(b, "health_shell %s\n", test[0]);
			if (iv > 0)
				put(b, "health_interval %lld\n", iv);
			if (to > 0)
				put(b, "health_timeout %lld\n", to);
			if (sp >= 0)
				put(b, "health_start_period %lld\n", sp);
			if (retries >= 0)
				put(b, "health_retries %d\n", retries ? retries : 3);
		}
	}
	if (stop && *stop)
		put(b, "stop_signal %s\n", stop);
	if (s->stop_grace_ms >= 0)
		put(b, "stop_grace %lld\n", s->stop_grace_ms);
	if (s->mem_limit > 0)
		put(b, "memory_max %lld\n", s->mem_limit);
	if (s->cpus > 0)
		put(b, "cpu_max %ld 100000\n", (long)(s->cpus * 100000 + 0.5));
	if (s->pids_limit > 0)
		put(b, "pids_max %ld\n", s->pids_limit);
	if (b->overflow) {
		fprintf(stderr, "hostd-build: %s:%d: %s: the plan is too large\n", c->path, s->line,
			s->name);
		return -1;
	}
	return 0;
}

int emit_plans(const struct compose *c, struct image *images, int nimages,
	       const struct emit_opts *o)
{
	static struct pbuf b;
	static struct plan plans[64];
	const struct plan *ptrs[64];
	char dir[PATH_MAX], sdir[PATH_MAX], path[PATH_MAX], err[600];
	int order[64];
	DIR *d;
	struct dirent *de;

	if (c->nservices > 64) {
		fprintf(stderr, "hostd-build: %s: more than 64 services\n", c->path);
		return -1;
	}
	pathf(dir, sizeof(dir), "%s/plans", o->out_dir);
	pathf(sdir, sizeof(sdir), "%s/secrets", o->out_dir);
	if (mkdir_p(dir, 0755) < 0 || mkdir_p(sdir, 0700) < 0 || chmod(sdir, 0700) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	/* Plans of services that are gone, and old secrets, go first. */
	for (int pass = 0; pass < 2; pass++) {
		const char *dd = pass ? sdir : dir;

		if (!(d = opendir(dd)))
			continue;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				pathf(path, sizeof(path), "%s/%s", dd, de->d_name);
				if (unlink(path) < 0)
					fprintf(stderr, "hostd-build: remove %s: %s\n", path,
						strerror(errno));
			}
		closedir(d);
	}
	for (int i = 0; i < c->nsecrets; i++)
		if (copy_secret(c, &c->secrets[i], sdir) < 0)
			return -1;
	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *s = &c->services[i];
		const struct image *im = find_image(images, nimages, s->image);
		char name[PATH_MAX];

		if (!im) {
			fprintf(stderr, "hostd-build: %s:%d: %s: image %s is not built by this stack "
				"(no build: for it) and cannot be pulled: there is no registry\n",
				c->path, s->line, s->name, s->image);
			return -1;
		}
		b.n = 0;
		b.overflow = 0;
		if (emit_one(c, s, im, o, &b) < 0)
			return -1;
		pathf(name, sizeof(name), "%s/%s.plan", dir, s->name);
		if (plan_parse(&plans[i], b.text, b.n, name, err, sizeof(err)) < 0) {
			fprintf(stderr, "hostd-build: %s: the plan written for it does not parse: %s\n",
				s->name, err);
			return -1;
		}
		ptrs[i] = &plans[i];
		if (write_file(name, b.text, b.n, 0644) < 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", name, strerror(errno));
			return -1;
		}
	}
	if (order_services(ptrs, c->nservices, order, err, sizeof(err)) < 0) {
		fprintf(stderr, "hostd-build: %s: %s\n", c->path, err);
		return -1;
	}
	return 0;
}
