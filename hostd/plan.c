/* plan: see plan.h. Pure: no files, no allocation, no logging. */
#include "plan.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct ctx {
	struct plan *p;
	const char *name;
	int line;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%d: %s", c->name, c->line, msg);
	return -1;
}

/* Copy s into the plan's arena; NULL when it is full. */
static const char *keep(struct plan *p, const char *s, size_t n)
{
	char *d;

	if (p->used + n + 1 > sizeof(p->arena))
		return NULL;
	d = p->arena + p->used;
	memcpy(d, s, n);
	d[n] = '\0';
	p->used += n + 1;
	return d;
}

static const struct {
	const char *name;
	int num;
} signals[] = {
	{"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
	{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"TERM", SIGTERM},
	{"WINCH", SIGWINCH}, {"PWR", SIGPWR}, {"STOP", SIGSTOP},
};

int plan_signal(const char *s)
{
	char *end;
	long n;

	if (*s >= '0' && *s <= '9') {
		n = strtol(s, &end, 10);
		return (*end || n < 1 || n >= NSIG) ? -1 : (int)n;
	}
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (!strcmp(signals[i].name, s))
			return signals[i].num;
	return -1;
}

/* A non-negative decimal integer that fits in a long long. */
static int number(const char *s, long long max, long long *out)
{
	long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

/* Absolute, no ".." component, no ':' or blanks (the plan's separators). */
static int valid_path(const char *s)
{
	if (*s != '/')
		return 0;
	for (const char *c = s; *c; c++) {
		if (*c == ':' || *c == ' ' || *c == '\t')
			return 0;
		if (c[0] == '/' && c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3]))
			return 0;
	}
	return 1;
}

static int valid_address(const char *s)
{
	unsigned a, b, c, d, pre;
	char tail;

	return sscanf(s, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &pre, &tail) == 5 &&
	       a < 256 && b < 256 && c < 256 && d < 256 && pre >= 8 && pre <= 30;
}

static int append(struct ctx *c, const char **arr, int *n, int max,
		  const char *what, const char *v)
{
	if (*n >= max)
		return fail(c, "too many %s entries (at most %d)", what, max);
	if (!(arr[*n] = keep(c->p, v, strlen(v))))
		return fail(c, "plan too large");
	arr[++*n] = NULL;
	return 0;
}

static int set_once(struct ctx *c, const char **field, const char *key,
		    const char *v)
{
	if (*field)
		return fail(c, "%s given twice", key);
	if (!(*field = keep(c->p, v, strlen(v))))
		return fail(c, "plan too large");
	return 0;
}

/* "SRC:DST[:ro|:rw]" (a bind mount) or "NAME SRC:DST[:ro|:rw]" (a named
 * volume whose data lives at SRC); paths absolute. */
static int parse_mount(struct ctx *c, const char *v)
{
	struct plan *p = c->p;
	const char *c1, *c2, *sp;
	struct plan_mount *m;

	if (p->nmounts >= PLAN_MAX_MOUNTS)
		return fail(c, "too many volume entries (at most %d)", PLAN_MAX_MOUNTS);
	m = &p->mounts[p->nmounts];
	m->name = NULL;
	if (v[0] != '/' && (sp = strchr(v, ' '))) {
		if (!(m->name = keep(p, v, (size_t)(sp - v))))
			return fail(c, "plan too large");
		if (!valid_name(m->name))
			return fail(c, "volume '%s': a volume name is a-z 0-9 _ . -", v);
		v = sp + 1;
	}
	if (!(c1 = strchr(v, ':')))
		return fail(c, "volume '%s': want [NAME ]SRC:DST[:ro]", v);
	c2 = strchr(c1 + 1, ':');
	m->ro = 0;
	if (c2) {
		if (!strcmp(c2 + 1, "ro"))
			m->ro = 1;
		else if (strcmp(c2 + 1, "rw"))
			return fail(c, "volume '%s': mode must be ro or rw", v);
	}
	m->src = keep(p, v, (size_t)(c1 - v));
	m->dst = keep(p, c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1));
	if (!m->src || !m->dst)
		return fail(c, "plan too large");
	if (!valid_path(m->src) || !valid_path(m->dst))
		return fail(c, "volume '%s': paths must be absolute, without '..'", v);
	p->nmounts++;
	return 0;
}

static int parse_secret(struct ctx *c, const char *v)
{
	struct plan *p = c->p;
	const char *colon = strchr(v, ':');
	struct plan_secret *s;

	if (p->nsecrets >= PLAN_MAX_SECRETS)
		return fail(c, "too many secret entries (at most %d)", PLAN_MAX_SECRETS);
	if (!colon)
		return fail(c, "secret '%s': want NAME:SOURCE", v);
	s = &p->secrets[p->nsecrets];
	s->name = keep(p, v, (size_t)(colon - v));
	s->src = keep(p, colon + 1, strlen(colon + 1));
	if (!s->name || !s->src)
		return fail(c, "plan too large");
	if (!valid_name(s->name) || !valid_path(s->src))
		return fail(c, "secret '%s': want NAME:/absolute/source", v);
	p->nsecrets++;
	return 0;
}

static int parse_publish(struct ctx *c, const char *v)
{
	struct plan *p = c->p;
	unsigned hp, cp;
	char proto[8] = "tcp", tail;
	int n = sscanf(v, "%u:%u/%7[a-z]%c", &hp, &cp, proto, &tail);

	if (p->npublish >= PLAN_MAX_PUBLISH)
		return fail(c, "too many publish entries (at most %d)", PLAN_MAX_PUBLISH);
	if ((n != 2 && n != 3) || (n == 2 && strchr(v, '/')) || !hp || hp > 65535 ||
	    !cp || cp > 65535 || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
		return fail(c, "publish '%s': want HOSTPORT:PORT[/tcp|/udp]", v);
	p->publish[p->npublish].host_port = (unsigned short)hp;
	p->publish[p->npublish].port = (unsigned short)cp;
	p->publish[p->npublish].udp = !strcmp(proto, "udp");
	p->npublish++;
	return 0;
}

static int parse_restart(struct ctx *c, const char *v)
{
	long long n;

	if (!strcmp(v, "no"))
		c->p->restart = RESTART_NO;
	else if (!strcmp(v, "always"))
		c->p->restart = RESTART_ALWAYS;
	else if (!strcmp(v, "unless-stopped"))
		c->p->restart = RESTART_UNLESS_STOPPED;
	else if (!strcmp(v, "on-failure"))
		c->p->restart = RESTART_ON_FAILURE;
	else if (!strncmp(v, "on-failure:", 11) && number(v + 11, 1000000, &n) == 0) {
		c->p->restart = RESTART_ON_FAILURE;
		c->p->restart_max = (int)n;
	} else
		return fail(c, "restart '%s': want no, always, on-failure[:N] or unless-stopped", v);
	return 0;
}

static int parse_dep(struct ctx *c, const char *v)
{
	struct plan *p = c->p;
	const char *sp = strchr(v, ' ');
	struct plan_dep *d;
	const char *cond;

	if (p->ndeps >= PLAN_MAX_DEPS)
		return fail(c, "too many depends_on entries (at most %d)", PLAN_MAX_DEPS);
	if (!sp)
		return fail(c, "depends_on '%s': want SERVICE CONDITION", v);
	d = &p->deps[p->ndeps];
	d->service = keep(p, v, (size_t)(sp - v));
	if (!d->service)
		return fail(c, "plan too large");
	cond = sp + 1;
	if (!strcmp(cond, "service_started"))
		d->cond = DEP_STARTED;
	else if (!strcmp(cond, "service_healthy"))
		d->cond = DEP_HEALTHY;
	else if (!strcmp(cond, "service_completed_successfully"))
		d->cond = DEP_COMPLETED;
	else
		return fail(c, "depends_on condition '%s': want service_started, "
			    "service_healthy or service_completed_successfully", cond);
	if (!valid_name(d->service))
		return fail(c, "depends_on: bad service name '%s'", d->service);
	p->ndeps++;
	return 0;
}

static int parse_network(struct ctx *c, const char *v)
{
	const char *sp = strchr(v, ' ');

	if (c->p->network)
		return fail(c, "network given twice (one network per service)");
	if (!sp || !valid_address(sp + 1))
		return fail(c, "network '%s': want NAME A.B.C.D/PREFIX", v);
	c->p->network = keep(c->p, v, (size_t)(sp - v));
	c->p->address = keep(c->p, sp + 1, strlen(sp + 1));
	if (!c->p->network || !c->p->address)
		return fail(c, "plan too large");
	if (!valid_name(c->p->network))
		return fail(c, "network: bad name '%s'", c->p->network);
	return 0;
}

/* Integer keys: where they go and their bounds. */
struct num_key {
	const char *key, *unit;
	long long max;
	size_t off;
	size_t size;	/* sizeof the field: int, long or long long */
};

#define NUM(k, u, m, f) {k, u, m, offsetof(struct plan, f), sizeof(((struct plan *)0)->f)}
static const struct num_key num_keys[] = {
	NUM("health_interval", "milliseconds", 86400000, health_interval_ms),
	NUM("health_timeout", "milliseconds", 86400000, health_timeout_ms),
	NUM("health_start_period", "milliseconds", 86400000, health_start_ms),
	NUM("health_retries", "tries", 1000, health_retries),
	NUM("stop_grace", "milliseconds", 86400000, stop_grace_ms),
	NUM("memory_max", "bytes", 1LL << 50, memory_max),
	NUM("pids_max", "processes", 4194304, pids_max),
};

static int parse_number(struct ctx *c, const struct num_key *k, const char *v)
{
	long long n;
	char *f = (char *)c->p + k->off;

	if (number(v, k->max, &n) < 0)
		return fail(c, "%s '%s': want a whole number of %s from 0 to %lld",
			    k->key, v, k->unit, k->max);
	if (k->size == sizeof(int))
		*(int *)f = (int)n;
	else if (k->size == sizeof(long))
		*(long *)f = (long)n;
	else
		*(long long *)f = n;
	return 0;
}

static int parse_line(struct ctx *c, const char *key, const char *v)
{
	struct plan *p = c->p;

	for (size_t i = 0; i < ARRAY_SIZE(num_keys); i++)
		if (!strcmp(key, num_keys[i].key))
			return parse_number(c, &num_keys[i], v);
	if (!strcmp(key, "service")) {
		if (!valid_name(v))
			return fail(c, "service '%s': want a-z, 0-9, '_', '.', '-' (at most 63)", v);
		return set_once(c, &p->service, key, v);
	}
	if (!strcmp(key, "image")) {
		const char *colon = strrchr(v, ':');

		if (!colon || colon == v || !colon[1] || !strcmp(colon + 1, "latest"))
			return fail(c, "image '%s': want NAME:TAG with a tag other than latest", v);
		return set_once(c, &p->image, key, v);
	}
	if (!strcmp(key, "layer")) {
		if (!valid_path(v))
			return fail(c, "layer '%s': want an absolute path", v);
		if (p->nlayers >= PLAN_MAX_LAYERS)
			return fail(c, "too many layer entries (at most %d)", PLAN_MAX_LAYERS);
		if (!(p->layers[p->nlayers] = keep(p, v, strlen(v))))
			return fail(c, "plan too large");
		p->nlayers++;
		return 0;
	}
	if (!strcmp(key, "entrypoint"))
		return append(c, p->entrypoint, &p->nentrypoint, PLAN_MAX_ARGS, key, v);
	if (!strcmp(key, "cmd"))
		return append(c, p->cmd, &p->ncmd, PLAN_MAX_ARGS, key, v);
	if (!strcmp(key, "health_cmd"))
		return append(c, p->health_cmd, &p->nhealth_cmd, PLAN_MAX_ARGS, key, v);
	if (!strcmp(key, "env")) {
		const char *eq = strchr(v, '=');

		if (!eq || eq == v)
			return fail(c, "env '%s': want KEY=VALUE", v);
		return append(c, p->env, &p->nenv, PLAN_MAX_ENV, key, v);
	}
	if (!strcmp(key, "user"))
		return set_once(c, &p->user, key, v);
	if (!strcmp(key, "workdir")) {
		if (!valid_path(v))
			return fail(c, "workdir '%s': want an absolute path", v);
		return set_once(c, &p->workdir, key, v);
	}
	if (!strcmp(key, "hostname")) {
		if (!valid_name(v))
			return fail(c, "hostname '%s': want a-z, 0-9, '_', '.', '-'", v);
		return set_once(c, &p->hostname, key, v);
	}
	if (!strcmp(key, "health_shell"))
		return set_once(c, &p->health_shell, key, v);
	if (!strcmp(key, "volume"))
		return parse_mount(c, v);
	if (!strcmp(key, "secret"))
		return parse_secret(c, v);
	if (!strcmp(key, "publish"))
		return parse_publish(c, v);
	if (!strcmp(key, "restart"))
		return parse_restart(c, v);
	if (!strcmp(key, "depends_on"))
		return parse_dep(c, v);
	if (!strcmp(key, "network"))
		return parse_network(c, v);
	if (!strcmp(key, "stop_signal")) {
		int sig = plan_signal(v);

		if (sig < 0)
			return fail(c, "stop_signal '%s': unknown signal", v);
		p->stop_signal = sig;
		return 0;
	}
	if (!strcmp(key, "cpu_max")) {
		long long q, per;
		char a[24], b[24], tail;

		if (sscanf(v, "%23s %23s%c", a, b, &tail) != 2 || number(a, 1LL << 40, &q) ||
		    number(b, 1000000, &per) || per < 1000 || q < 1000)
			return fail(c, "cpu_max '%s': want QUOTA_US PERIOD_US (each at least 1000)", v);
		p->cpu_quota_us = (long)q;
		p->cpu_period_us = (long)per;
		return 0;
	}
	return fail(c, "unknown key '%s'", key);
}

int plan_parse(struct plan *p, const char *buf, size_t len, const char *name,
	       char *err, size_t errlen)
{
	struct ctx c = {.p = p, .name = name, .err = err, .errlen = errlen};
	const char *s = buf, *end = buf + len;
	int seen_version = 0;

	memset(p, 0, sizeof(*p));
	p->restart = RESTART_NO;
	p->stop_signal = SIGTERM;
	p->stop_grace_ms = 10000;
	p->health_interval_ms = 30000;
	p->health_timeout_ms = 30000;
	p->health_retries = 3;
	p->cpu_period_us = 100000;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		char line[1024], *v;
		size_t n;

		if (!eol)
			eol = end;
		c.line++;
		n = (size_t)(eol - s);
		if (n && s[n - 1] == '\r')
			n--;
		if (n >= sizeof(line))
			return fail(&c, "line longer than %zu bytes", sizeof(line) - 1);
		memcpy(line, s, n);
		line[n] = '\0';
		s = eol + 1;
		if (memchr(line, '\0', n))
			return fail(&c, "NUL byte in line");
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t')
			return fail(&c, "line starts with white space");
		v = strchr(line, ' ');
		if (!v || !v[1])
			return fail(&c, "'%s' has no value", line);
		*v++ = '\0';
		if (!seen_version) {
			if (strcmp(line, "version"))
				return fail(&c, "the first line must be 'version %d'", PLAN_VERSION);
			if (strcmp(v, "1"))
				return fail(&c, "plan version '%s' is not supported (this hostd reads %d)",
					    v, PLAN_VERSION);
			seen_version = 1;
			continue;
		}
		if (parse_line(&c, line, v) < 0)
			return -1;
	}
	c.line++;
	if (!seen_version)
		return fail(&c, "empty plan (the first line must be 'version %d')", PLAN_VERSION);
	if (!p->service)
		return fail(&c, "no 'service' line");
	if (!p->image)
		return fail(&c, "no 'image' line");
	if (!p->nlayers)
		return fail(&c, "no 'layer' line: an image needs at least one layer");
	if (!p->nentrypoint && !p->ncmd)
		return fail(&c, "nothing to run: no 'entrypoint' or 'cmd' line");
	if (p->nhealth_cmd && p->health_shell)
		return fail(&c, "both health_cmd and health_shell given");
	for (int i = 0; i < p->ndeps; i++)
		if (!strcmp(p->deps[i].service, p->service))
			return fail(&c, "%s depends on itself", p->service);
	return 0;
}
