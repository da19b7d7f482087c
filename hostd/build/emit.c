/* emit: the compose file and the images built for it, as one plan per
 * service (the format hostd reads; DEV_DOC.md, "The plan format").
 *
 * Compose's rules decide what wins: the service's command/entrypoint over
 * the image's (an entrypoint given in compose clears the image's CMD),
 * its environment over the image's ENV, its user, working_dir,
 * healthcheck, stop_signal over the image's. Each compose network is a
 * bridge with a /16 of its own, 172.(18+N).0.0 in the order the file
 * declares them (as Docker numbers user networks); a service gets the
 * next address in file order unless it asks for one.
 *
 * A plan value is taken verbatim to the end of its line, so a value with a
 * line break would write a second line of the writer's choosing (`volume
 * /:/hostroot` from a command interpolated from .env): every value goes
 * through plan_value_problem() first and one it cannot carry fails the
 * build, naming the service and the key it came from; put() refuses any
 * line with a control byte as well, whatever wrote it. Every plan is then
 * read back with hostd's own parser, and the services are ordered with
 * hostd's own ordering, so a plan the appliance would refuse fails the
 * build instead. Nothing is written until every plan has passed: a
 * refused build leaves the last plans and secrets as they were.
 *
 * This file renders one plan's text (emit_plan); emit_write.c checks
 * them all and writes them. Nothing here writes or prints.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/emit.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/build.h"
#include "build/compose/compose.h"
#include "common/errctx.h"
#include "common/plan.h"

/* One plan being written, and the first reason it cannot be. */
struct pbuf {
	char *text;
	size_t size, n;
	int overflow;
	const struct compose *c;
	const struct compose_service *s;
	struct errctx ec;	/* the compose file (shown on one line), the message */
	char file[512];
	int failed;
};

/* A name for a message: printf into one static buffer, used at once. */
static const char *nm(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *nm(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* s for a one-line message: control bytes as \n, \r, \t or \xHH. */
static const char *shown(char *dst, size_t n, const char *s)
{
	size_t k = 0;

	for (; *s && k + 5 < n; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch != 0x7f)
			dst[k++] = (char)ch;
		else
			k += (size_t)snprintf(dst + k, n - k, ch == '\n' ? "\\n" : ch == '\r' ?
					      "\\r" : ch == '\t' ? "\\t" : "\\x%02x", ch);
	}
	dst[k] = '\0';
	return dst;
}

/* The plan fails with "<compose file>:<line>: <fmt's message>" (errctx;
 * line 0: no line); only the first reason is kept. */
static int fail(struct pbuf *b, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct pbuf *b, int line, const char *fmt, ...)
{
	va_list ap;

	if (!b->failed) {
		va_start(ap, fmt);
		errctx_vfail_at(&b->ec, line, fmt, ap);
		va_end(ap);
	}
	b->failed = 1;
	return -1;
}

/* A value the plan cannot carry: "<file>:<line>: service S: <what>:
 * <why>", the file and what shown on one line. */
static int refuse(struct pbuf *b, int line, const char *what, const char *why)
{
	char w[512];

	return fail(b, line, "service %s: %s: %s", b->s->name, shown(w, sizeof(w), what), why);
}

/* Whole lines, as many as fmt has '\n's. A value with a line break would
 * make more of them, and one with another control byte a line the parser
 * refuses: either fails the plan, naming the key of the line. Every value
 * is checked before (line()); this holds for the lines that have no
 * check, and for any value whose check was missed. */
static void put(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *out = b->text + b->n;
	int w, lines = 0;

	if (b->overflow || b->failed)
		return;
	va_start(ap, fmt);
	w = vsnprintf(out, b->size - b->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= b->size - b->n) {
		b->overflow = 1;
		return;
	}
	for (const char *f = fmt; *f; f++)
		lines += *f == '\n';
	for (int i = 0; i < w; i++)
		if ((out[i] == '\n' && --lines < 0) ||
		    (out[i] != '\n' && ((unsigned char)out[i] < 0x20 || out[i] == 0x7f))) {
			refuse(b, b->s->line, nm("plan line '%.*s'", (int)strcspn(out, " \n"), out),
			       "a line break or control character cannot be carried in a plan value");
			*out = '\0';
			return;
		}
	b->n += (size_t)w;
}

/* The line "KEY VALUE", the value formatted from fmt: checked first
 * (plan_value_problem), and refused as what (the compose key or image
 * field it came from, at line) if the plan cannot carry it. */
static int line(struct pbuf *b, int at, const char *what, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int line(struct pbuf *b, int at, const char *what, const char *key, const char *fmt, ...)
{
	static char v[8192];	/* longer than any line: cut short, still too long */
	const char *why;
	va_list ap;

	if (b->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	if ((why = plan_value_problem(key, v)))
		return refuse(b, at, what, why);
	put(b, "%s %s\n", key, v);
	return b->failed ? -1 : 0;
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
static int subnet_of(struct pbuf *b, const struct compose *c, int ni, uint32_t *net, int *prefix)
{
	const struct compose_network *n = &c->networks[ni];
	unsigned a, bb, cc, d;
	int p;

	if (!n->subnet) {
		if (ni > 200)
			return fail(b, 0, "too many networks");
		*net = (172u << 24) | ((18u + (unsigned)ni) << 16);
		*prefix = 16;
		return 0;
	}
	if (sscanf(n->subnet, "%u.%u.%u.%u/%d", &a, &bb, &cc, &d, &p) != 5 || a > 255 ||
	    bb > 255 || cc > 255 || d > 255 || p < 8 || p > 30)
		return fail(b, n->line, "network %s: subnet %s: want a.b.c.d/8..30", n->name,
			    n->subnet);
	*prefix = p;
	*net = ((a << 24) | (bb << 16) | (cc << 8) | d) & (0xffffffffu << (32 - p));
	if (n->gateway) {
		uint32_t g = *net + 1;
		char want[20];

		snprintf(want, sizeof(want), "%u.%u.%u.%u", g >> 24, (g >> 16) & 255,
			 (g >> 8) & 255, g & 255);
		if (strcmp(n->gateway, want))
			return fail(b, n->line, "network %s: gateway %s: hostd's bridge is the subnet's "
				    "first address, %s", n->name, n->gateway, want);
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
static int address_of(struct pbuf *b, const struct compose *c, const struct compose_service *s,
		      char *out, size_t len)
{
	const char *net = s->nnetworks ? s->networks[0].name : "default";
	int ni = network_index(c, net), prefix = 0;
	uint32_t base = 0, ip, size;

	if (ni < 0)
		return fail(b, s->line, "%s: network %s is not declared", s->name, net);
	if (subnet_of(b, c, ni, &base, &prefix) < 0)
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
	if (ip >= base + size - 1)
		return fail(b, 0, "no address left for %s on network %s", s->name, net);
	snprintf(out, len, "%u.%u.%u.%u/%d", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
		 ip & 255, prefix);
	return 0;
}

/* One part of a line's value that comes from elsewhere (a named volume's
 * device, from the top-level volumes): checked alone, so that a refusal
 * names where it was written. */
static int value(struct pbuf *b, int at, const char *what, const char *v)
{
	const char *why = plan_value_problem("", v);

	return why ? refuse(b, at, what, why) : 0;
}

/* The service's environment entry for key (klen bytes), if it sets one. */
static const struct compose_kv *env_of(const struct compose_service *s, const char *key,
				       size_t klen)
{
	for (int i = 0; i < s->nenvironment; i++)
		if (s->environment[i].value && strlen(s->environment[i].key) == klen &&
		    !strncmp(s->environment[i].key, key, klen))
			return &s->environment[i];
	return NULL;
}

static int image_sets(const struct image *im, const char *key)
{
	size_t kl = strlen(key);

	for (int i = 0; i < im->env.n; i++)
		if (!strncmp(im->env.v[i], key, kl) && im->env.v[i][kl] == '=')
			return 1;
	return 0;
}

/* What this writer refuses of a service, whatever its values. */
static int refusals(struct pbuf *b, const struct compose_service *s)
{
	if (s->container_name && strcmp(s->container_name, s->name))
		return fail(b, s->line, "%s: container_name must be the service's name (hostd "
			    "names each container after its service, which is also its name on "
			    "the network)", s->name);
	if (s->nnetworks > 1)
		return fail(b, s->networks[1].line, "%s: one network per service is supported",
			    s->name);
	if (s->init)
		return fail(b, s->line, "%s: init: true is not supported: the service's own "
			    "program runs as PID 1 of its container", s->name);
	return 0;
}

/* entrypoint and cmd. Compose: an entrypoint given here clears the
 * image's CMD. */
static void exec_lines(struct pbuf *b, const struct compose_service *s, const struct image *im)
{
	const struct strv *cmd = &im->cmd, *ep = &im->entrypoint;

	if (s->entrypoint) {
		for (int i = 0; s->entrypoint[i]; i++)
			line(b, s->entrypoint_line, nm("entrypoint[%d]", i), "entrypoint", "%s",
			     s->entrypoint[i]);
	} else {
		for (int i = 0; i < ep->n; i++)
			line(b, s->line, nm("ENTRYPOINT[%d] of image %s", i, im->name), "entrypoint",
			     "%s", ep->v[i]);
	}
	if (s->command)
		for (int i = 0; s->command[i]; i++)
			line(b, s->command_line, nm("command[%d]", i), "cmd", "%s", s->command[i]);
	else if (!s->entrypoint)
		for (int i = 0; i < cmd->n; i++)
			line(b, s->line, nm("CMD[%d] of image %s", i, im->name), "cmd", "%s", cmd->v[i]);
}

/* The image's ENV, a key the service sets taking its value in place,
 * then the service's other keys in its order (as Compose merges). */
static void env_lines(struct pbuf *b, const struct compose_service *s, const struct image *im)
{
	for (int i = 0; i < im->env.n; i++) {
		const char *kv = im->env.v[i];
		size_t kl = strcspn(kv, "=");
		const struct compose_kv *e = env_of(s, kv, kl);

		if (e)
			line(b, e->line, nm("environment.%s", e->key), "env", "%s=%s", e->key, e->value);
		else
			line(b, s->line, nm("ENV %.*s of image %s", (int)kl, kv, im->name), "env", "%s",
			     kv);
	}
	for (int i = 0; i < s->nenvironment; i++) {
		const struct compose_kv *e = &s->environment[i];

		if (e->value && !image_sets(im, e->key))
			line(b, e->line, nm("environment.%s", e->key), "env", "%s=%s", e->key, e->value);
	}
}

/* user and workdir: the service's, else the image's. */
static void user_lines(struct pbuf *b, const struct compose_service *s, const struct image *im)
{
	const char *user = s->user ? s->user : im->user;
	const char *workdir = s->working_dir ? s->working_dir : im->workdir;

	if (user && *user)
		line(b, s->user ? s->user_line : s->line,
		     s->user ? "user" : nm("USER of image %s", im->name), "user", "%s", user);
	if (workdir && *workdir) {
		/* Cleaned, as Docker cleans it: the plan takes normalized paths. */
		char clean[PLAN_LINE_MAX + 8];

		if (workdir[0] == '/' && strlen(workdir) + 3 <= sizeof(clean)) {
			compose_join_path(clean, "/", workdir);
			workdir = clean;
		}
		line(b, s->working_dir ? s->working_dir_line : s->line,
		     s->working_dir ? "working_dir" : nm("WORKDIR of image %s", im->name), "workdir",
		     "%s", workdir);
	}
}

/* One of the service's volumes: a named volume at its device (or under
 * --volume-root), or a bind mount of an appliance path. */
static int mount_line(struct pbuf *b, const struct compose *c, const struct compose_service *s,
		      int i, const struct emit_opts *o)
{
	const struct compose_mount *m = &s->mounts[i];
	const char *mode = m->read_only ? ":ro" : "";
	size_t dl = strlen(c->dir);

	if (m->type == COMPOSE_VOLUME) {
		const struct compose_volume *v = find_volume(c, m->source);

		if (!v)
			return fail(b, m->line, "%s: volume %s is not declared", s->name, m->source);
		if (v->device) {
			value(b, v->line, nm("volumes.%s.driver_opts.device", v->name), v->device);
			line(b, m->line, nm("volumes[%d]", i), "volume", "%s %s:%s%s", v->name,
			     v->device, m->target, mode);
		} else if (o->volume_root) {
			line(b, m->line, nm("volumes[%d]", i), "volume", "%s %s/%s:%s%s", v->name,
			     o->volume_root, v->name, m->target, mode);
		} else {
			return fail(b, v->line, "%s: volume %s has no driver_opts device and no "
				    "--volume-root was given", s->name, v->name);
		}
		return 0;
	}
	if (!strncmp(m->source, c->dir, dl) && (m->source[dl] == '/' || !m->source[dl]))
		return fail(b, m->line, "%s: a bind mount of the build host's %s cannot exist in "
			    "the appliance: COPY it in the Dockerfile, or use a named volume",
			    s->name, m->source);
	line(b, m->line, nm("volumes[%d]", i), "volume", "%s:%s%s", m->source, m->target, mode);
	return 0;
}

/* Volumes, secrets, the network address and the published ports. */
static int attach_lines(struct pbuf *b, const struct compose *c, const struct compose_service *s,
			const struct emit_opts *o)
{
	const char *net = s->nnetworks ? s->networks[0].name : "default";
	char addr[64];

	for (int i = 0; i < s->nmounts; i++)
		if (mount_line(b, c, s, i, o) < 0)
			return -1;
	for (int i = 0; i < s->nsecrets; i++)
		line(b, s->secrets[i].line, nm("secrets[%d]", i), "secret", "%s:%s/%s",
		     s->secrets[i].target, o->secrets_at, s->secrets[i].source);
	if (address_of(b, c, s, addr, sizeof(addr)) < 0)
		return -1;
	line(b, s->nnetworks ? s->networks[0].line : s->line, nm("networks.%s", net), "network",
	     "%s %s", net, addr);
	for (int i = 0; i < s->nports; i++) {
		const struct compose_port *p = &s->ports[i];

		if (!p->published)
			continue;
		if (p->host_ip && strcmp(p->host_ip, "0.0.0.0"))
			return fail(b, p->line, "%s: ports published on one address (%s) are not "
				    "supported: hostd publishes on all of the VM's", s->name, p->host_ip);
		put(b, "publish %u:%u%s\n", p->published, p->target, p->udp ? "/udp" : "");
	}
	return 0;
}

/* The health check: the service's test and timings over the image's. */
static int health_lines(struct pbuf *b, const struct compose_service *s, const struct image *im)
{
	const struct compose_health *h = &s->health;
	enum health_kind kind = im->health;
	char *const *test = im->health_test.v;
	int ntest = im->health_test.n, mine = 0;
	long long iv = im->health_interval_ms, to = im->health_timeout_ms,
		  sp = im->health_start_ms;
	int retries = im->health_retries;

	if (h->kind == COMPOSE_HC_NONE)
		kind = HEALTH_NONE;
	else if (h->kind == COMPOSE_HC_CMD || h->kind == COMPOSE_HC_SHELL) {
		kind = h->kind == COMPOSE_HC_CMD ? HEALTH_CMD : HEALTH_SHELL;
		test = (char *const *)h->test;
		mine = 1;
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
	if (h->kind == COMPOSE_HC_INHERIT && kind != HEALTH_CMD && kind != HEALTH_SHELL)
		return fail(b, h->line, "%s: healthcheck gives timings but no test, and image %s "
			    "has no HEALTHCHECK", s->name, s->image);
	if ((kind != HEALTH_CMD && kind != HEALTH_SHELL) || !ntest)
		return 0;
	if (kind == HEALTH_CMD)
		for (int i = 0; i < ntest; i++)
			line(b, mine ? h->line : s->line, mine ? nm("healthcheck.test[%d]", i + 1) :
			     nm("HEALTHCHECK CMD[%d] of image %s", i, im->name), "health_cmd", "%s",
			     test[i]);
	else
		line(b, mine ? h->line : s->line, mine ? "healthcheck.test" :
		     nm("HEALTHCHECK CMD-SHELL of image %s", im->name), "health_shell", "%s", test[0]);
	if (iv > 0)
		put(b, "health_interval %lld\n", iv);
	if (to > 0)
		put(b, "health_timeout %lld\n", to);
	if (sp >= 0)
		put(b, "health_start_period %lld\n", sp);
	if (retries >= 0)
		put(b, "health_retries %d\n", retries ? retries : 3);
	return 0;
}

/* Stopping, limits and privileges. */
static void limit_lines(struct pbuf *b, const struct compose_service *s, const struct image *im)
{
	const char *stop = s->stop_signal ? s->stop_signal : im->stop_signal;

	if (stop && *stop)
		line(b, s->line, s->stop_signal ? "stop_signal" : nm("STOPSIGNAL of image %s", im->name),
		     "stop_signal", "%s", stop);
	if (s->stop_grace_ms >= 0)
		put(b, "stop_grace %lld\n", s->stop_grace_ms);
	if (s->mem_limit > 0)
		put(b, "memory_max %lld\n", s->mem_limit);
	if (s->cpus > 0)
		put(b, "cpu_max %ld 100000\n", (long)(s->cpus * 100000 + 0.5));
	if (s->pids_limit > 0)
		put(b, "pids_max %ld\n", s->pids_limit);
	for (int i = 0; s->cap_add && s->cap_add[i]; i++)
		line(b, s->line, nm("cap_add[%d]", i), "cap_add", "%s", s->cap_add[i]);
	for (int i = 0; s->cap_drop && s->cap_drop[i]; i++)
		line(b, s->line, nm("cap_drop[%d]", i), "cap_drop", "%s", s->cap_drop[i]);
	if (s->userns_host)
		put(b, "userns host\n");
}

/* The plan of service s, in the plan's order of keys. Every value
 * through line() (or value()), so that each one the plan cannot carry is
 * refused with where it came from: the compose key and its line, or the
 * image's field. A refusal is kept in b and the rest writes nothing. */
static int emit_one(const struct compose *c, const struct compose_service *s,
		    const struct image *im, const struct emit_opts *o, struct pbuf *b)
{
	if (refusals(b, s) < 0)
		return -1;
	put(b, "version %d\n", PLAN_VERSION);
	line(b, s->line, "the compose file's name", "#", "%s, service %s: written by hostd-build",
	     c->path, s->name);
	line(b, s->line, "the service's name", "service", "%s", s->name);
	line(b, s->line, "image", "image", "%s", s->image);
	for (int i = 0; i < im->layer_keys.n; i++)
		put(b, "layer %s/%s.erofs\n", o->layers_at, im->layer_keys.v[i]);
	exec_lines(b, s, im);
	env_lines(b, s, im);
	user_lines(b, s, im);
	line(b, s->line, "hostname", "hostname", "%s", s->hostname ? s->hostname : s->name);
	if (attach_lines(b, c, s, o) < 0)
		return -1;
	line(b, s->line, "restart", "restart", "%s", s->restart ? s->restart : "no");
	for (int i = 0; i < s->ndepends_on; i++)
		line(b, s->depends_on[i].line, nm("depends_on.%s", s->depends_on[i].service),
		     "depends_on", "%s %s", s->depends_on[i].service,
		     s->depends_on[i].condition == COMPOSE_HEALTHY ? "service_healthy" :
		     s->depends_on[i].condition == COMPOSE_COMPLETED ?
		     "service_completed_successfully" : "service_started");
	if (health_lines(b, s, im) < 0)
		return -1;
	limit_lines(b, s, im);
	if (b->overflow)
		return fail(b, s->line, "%s: the plan is too large", s->name);
	return b->failed ? -1 : 0;
}

/* An option's directory as a plan path: an absolute one cleaned (a
 * trailing '/' in --layers-at or $INCEPTION_CACHE would make every layer
 * path hold "//", which the plan refuses); a relative one as given, for
 * the plan to refuse. */
static const char *clean_dir(const char *d, char *buf, size_t len)
{
	if (!d || d[0] != '/' || strlen(d) + 3 > len)
		return d;
	compose_join_path(buf, "/", d);
	return buf;
}

int emit_plan(const struct compose *c, const struct compose_service *s, const struct image *im,
	      const struct emit_opts *o, char *text, size_t size, size_t *len, char *err,
	      size_t errlen)
{
	struct pbuf b = {
		.text = text, .size = size, .c = c, .s = s, .ec = {.buf = err, .len = errlen},
	};
	char layers_at[PATH_MAX], secrets_at[PATH_MAX], volume_root[PATH_MAX];
	struct emit_opts oc = *o;

	oc.layers_at = clean_dir(o->layers_at, layers_at, sizeof(layers_at));
	oc.secrets_at = clean_dir(o->secrets_at, secrets_at, sizeof(secrets_at));
	oc.volume_root = clean_dir(o->volume_root, volume_root, sizeof(volume_root));
	b.ec.file = shown(b.file, sizeof(b.file), c->path);
	text[0] = '\0';
	if (emit_one(c, s, im, &oc, &b) < 0)
		return -1;
	*len = b.n;
	return 0;
}
