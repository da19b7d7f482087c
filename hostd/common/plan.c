/* plan: see plan.h. Pure: no files, no allocation, no logging.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/plan.h"

#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errctx.h"
#include "common/mountspec.h"
#include "common/util.h"

struct ctx {
	struct plan *p;
	struct errctx e;		/* the file, the line, the caller's buffer */
	unsigned once;			/* bits of once_keys[] seen */
	uint64_t cap_add, cap_drop;	/* the capabilities named */
	int cap_add_all, cap_drop_all;
};

static int fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "FILE:LINE: message" (errctx), the message cut at 199 bytes as the
 * plan's messages always were. */
static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return errctx_fail(&c->e, "%s", msg);
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

/* linux/capability.h's names, without CAP_. */
_Static_assert(CAP_CHECKPOINT_RESTORE == PLAN_CAP_LAST, "PLAN_CAP_LAST is the last capability");
static const char *const cap_names[PLAN_CAP_LAST + 1] = {
	[CAP_CHOWN] = "CHOWN", [CAP_DAC_OVERRIDE] = "DAC_OVERRIDE",
	[CAP_DAC_READ_SEARCH] = "DAC_READ_SEARCH", [CAP_FOWNER] = "FOWNER",
	[CAP_FSETID] = "FSETID", [CAP_KILL] = "KILL", [CAP_SETGID] = "SETGID",
	[CAP_SETUID] = "SETUID", [CAP_SETPCAP] = "SETPCAP",
	[CAP_LINUX_IMMUTABLE] = "LINUX_IMMUTABLE", [CAP_NET_BIND_SERVICE] = "NET_BIND_SERVICE",
	[CAP_NET_BROADCAST] = "NET_BROADCAST", [CAP_NET_ADMIN] = "NET_ADMIN",
	[CAP_NET_RAW] = "NET_RAW", [CAP_IPC_LOCK] = "IPC_LOCK", [CAP_IPC_OWNER] = "IPC_OWNER",
	[CAP_SYS_MODULE] = "SYS_MODULE", [CAP_SYS_RAWIO] = "SYS_RAWIO",
	[CAP_SYS_CHROOT] = "SYS_CHROOT", [CAP_SYS_PTRACE] = "SYS_PTRACE",
	[CAP_SYS_PACCT] = "SYS_PACCT", [CAP_SYS_ADMIN] = "SYS_ADMIN", [CAP_SYS_BOOT] = "SYS_BOOT",
	[CAP_SYS_NICE] = "SYS_NICE", [CAP_SYS_RESOURCE] = "SYS_RESOURCE",
	[CAP_SYS_TIME] = "SYS_TIME", [CAP_SYS_TTY_CONFIG] = "SYS_TTY_CONFIG",
	[CAP_MKNOD] = "MKNOD", [CAP_LEASE] = "LEASE", [CAP_AUDIT_WRITE] = "AUDIT_WRITE",
	[CAP_AUDIT_CONTROL] = "AUDIT_CONTROL", [CAP_SETFCAP] = "SETFCAP",
	[CAP_MAC_OVERRIDE] = "MAC_OVERRIDE", [CAP_MAC_ADMIN] = "MAC_ADMIN",
	[CAP_SYSLOG] = "SYSLOG", [CAP_WAKE_ALARM] = "WAKE_ALARM",
	[CAP_BLOCK_SUSPEND] = "BLOCK_SUSPEND", [CAP_AUDIT_READ] = "AUDIT_READ",
	[CAP_PERFMON] = "PERFMON", [CAP_BPF] = "BPF",
	[CAP_CHECKPOINT_RESTORE] = "CHECKPOINT_RESTORE",
};

int plan_cap_number(const char *name)
{
	for (int i = 0; i <= PLAN_CAP_LAST; i++)
		if (cap_names[i] && !strcmp(cap_names[i], name))
			return i;
	return -1;
}

const char *plan_cap_name(int num)
{
	return num >= 0 && num <= PLAN_CAP_LAST ? cap_names[num] : NULL;
}

#define STR_(x) #x
#define STR(x) STR_(x)

const char *plan_value_problem(const char *key, const char *v)
{
	if (!*v)
		return "an empty value cannot be carried in a plan line";
	if (strpbrk(v, "\n\r"))
		return "a line break cannot be carried in a plan value";
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return "a control character cannot be carried in a plan value";
	if (strlen(key) + 1 + strlen(v) > PLAN_LINE_MAX)
		return "too long for a plan line (at most " STR(PLAN_LINE_MAX) " bytes with its key)";
	return NULL;
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

/* Absolute and normalized, as the writer cleans every path it writes: no
 * empty, "." or ".." component, no trailing '/' (but "/" itself); and
 * neither of the plan's separators, ':' and the blank. */
static int valid_path(const char *s)
{
	if (*s != '/' || strpbrk(s, ": "))
		return 0;
	if (!s[1])
		return 1;
	for (const char *c = s; *c;) {
		size_t l = strcspn(++c, "/");

		if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		c += l;
	}
	return 1;
}

/* p is q or below it (both normalized). */
static int under(const char *p, const char *q)
{
	size_t n = strlen(q);

	return !strncmp(p, q, n) && (p[n] == '/' || !p[n]);
}

/* The VM's own: what no bind mount, volume, layer or secret may come from.
 * hostd is PID 1 and the containers' files are the VM's files: a container
 * given /proc or /sys could change the kernel's settings, one given /dev
 * the disks, one given /run hostd's control socket (start a container
 * with any plan, stop the stack), one given /etc hostd's plans and
 * secrets, /usr or /bin the programs hostd runs as root. A plan is
 * compiled from the student's compose file, whose paths may come from
 * .env (`device: /home/${LOGIN}/data/x` with LOGIN=../../proc); hostd-build
 * reads each plan back with this parser, so such a stack does not build,
 * and a plan from anywhere else is refused here, at boot. Docker would
 * bind these (its containers' owner is root on the host anyway); an
 * appliance whose PID 1 runs the containers must not. The check is
 * lexical, on normalized paths: a symbolic link on the VM's side is the
 * runtime's to refuse when it opens the source. */
static const struct {
	const char *path, *what;
	int secrets;		/* hostd's secrets live here (/etc/hostd/secrets) */
} vm_own[] = {
	{"/proc", "the kernel's processes and settings", 0},
	{"/sys", "the kernel's devices and cgroups", 0},
	{"/dev", "its devices", 0},
	{"/run", "hostd's state and control socket, the SSH server's", 0},
	{"/var/run", "hostd's state and control socket, the SSH server's", 0},
	{"/etc", "hostd's plans and secrets, the accounts", 1},
	{"/root", "root's home", 0},
	{"/boot", "the kernel", 0},
	{"/bin", "the programs hostd runs as root", 0},
	{"/sbin", "the programs hostd runs as root", 0},
	{"/lib", "the programs hostd runs as root", 0},
	{"/lib64", "the programs hostd runs as root", 0},
	{"/usr", "the programs hostd runs as root", 0},
};

/* The one directory of /run made to be shared: the metrics socket's, which
 * the monitor service reads (hostd's control socket is elsewhere). */
#define METRICS_DIR "/run/hostd-metrics"

/* The data disk's private directory, /home/<login>/data/.appliance (SSH
 * host keys, hostd's record of manual stops): neither it nor a directory
 * above it may be shared. */
static int holds_appliance_data(const char *p)
{
	size_t n = strlen(p);
	const char *c;

	if (strstr(p, "/.appliance/") || (n >= 11 && !strcmp(p + n - 11, "/.appliance")))
		return 1;
	if (!under(p, "/home"))
		return 0;
	/* "/home", "/home/<login>", "/home/<login>/data" */
	if (!*(c = p + 5))
		return 1;
	c += strcspn(c + 1, "/") + 1;
	return !*c || !strcmp(c, "/data");
}

/* Refuse src (a normalized path) from the line "key v" if it is the VM's
 * own. ro: the mount is read-only; secret: it is a secret's source. */
static int own_source(struct ctx *c, const char *key, const char *v, const char *src, int ro,
		      int secret)
{
	if (!strcmp(src, "/"))
		return fail(c, "%s '%s': / is the VM's own: no container gets it", key, v);
	if (under(src, METRICS_DIR) && !secret)
		return ro ? 0 : fail(c, "%s '%s': " METRICS_DIR " (the metrics socket) is shared "
				     "read-only only", key, v);
	for (size_t i = 0; i < ARRAY_SIZE(vm_own); i++)
		if (under(src, vm_own[i].path) && !(secret && vm_own[i].secrets))
			return fail(c, "%s '%s': %s is the VM's own (%s): no container gets it", key,
				    v, vm_own[i].path, vm_own[i].what);
	if (holds_appliance_data(src))
		return fail(c, "%s '%s': %s holds the appliance's own data (its .appliance "
			    "directory: SSH host keys, hostd's state): no container gets it", key, v,
			    src);
	return 0;
}

/* Secret names: Compose's file names under /run/secrets. */
static int valid_secret_name(const char *s, size_t n)
{
	if (!n || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* "NAME|UID[:GROUP|GID]", as USER and compose's user: take them. */
static int valid_user(const char *s)
{
	for (int part = 0; part < 2; part++) {
		size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789_.-");

		if (!n || s[0] == '-')
			return 0;
		s += n;
		if (!*s)
			return 1;
		if (*s++ != ':')
			return 0;
	}
	return 0;
}

/* NAME:TAG, as compose.c checks an image (lower-case name, a registry
 * port before the first '/'), the tag not latest. */
static int valid_image(const char *s)
{
	const char *colon = strrchr(s, ':'), *first = strchr(s, '/');
	size_t tl;

	if (!colon || colon == s || (first && colon < first) || !strcmp(colon + 1, "latest"))
		return 0;
	tl = strlen(colon + 1);
	if (!tl || tl > 128 || strspn(colon + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_.-") != tl)
		return 0;
	for (const char *c = s; c < colon; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '_' || *c == '-' || *c == '/' || (first && c < first && *c == ':')))
			return 0;
	return 1;
}

/* Decimal digits (at least one) up to max, strictly: no sign, no blank.
 * The rest of s, or NULL. */
static const char *digits(const char *s, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (unsigned)(*s - '0')) > max)
			return NULL;
	*out = (unsigned)v;
	return s;
}

/* A.B.C.D/PREFIX, strictly (what the writer prints). */
static int valid_address(const char *s)
{
	unsigned v;

	for (int i = 0; i < 4; i++)
		if (!(s = digits(s, 255, &v)) || *s++ != (i < 3 ? '.' : '/'))
			return 0;
	return (s = digits(s, 30, &v)) && !*s && v >= 8;
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
 * volume whose data lives at SRC); paths absolute and normalized, the
 * source not the VM's own. */
static int parse_mount(struct ctx *c, const char *line)
{
	struct plan *p = c->p;
	const char *sp, *v = line;
	struct plan_mount *m;
	struct mountspec ms;

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
	switch (mountspec_parse(v, MOUNTSPEC_RO | MOUNTSPEC_RW, MOUNTSPEC_ONE_WORD, &ms)) {
	case MOUNTSPEC_NO_COLON:
		return fail(c, "volume '%s': want [NAME ]SRC:DST[:ro]", v);
	case MOUNTSPEC_BAD_OPT:
		return fail(c, "volume '%s': mode must be ro or rw", v);
	case MOUNTSPEC_OK:
		break;
	}
	m->ro = !!(ms.flags & MOUNTSPEC_RO);
	m->src = keep(p, ms.src, ms.src_len);
	m->dst = keep(p, ms.dst, ms.dst_len);
	if (!m->src || !m->dst)
		return fail(c, "plan too large");
	if (!valid_path(m->src) || !valid_path(m->dst))
		return fail(c, "volume '%s': paths must be absolute and normalized (no '.', '..' or "
			    "empty component, no trailing '/')", v);
	if (!strcmp(m->dst, "/"))
		return fail(c, "volume '%s': a volume cannot cover the container's /", v);
	if (own_source(c, "volume", line, m->src, m->ro, 0) < 0)
		return -1;
	p->nmounts++;
	return 0;
}

/* "NAME:SOURCE": the file /run/secrets/NAME, copied from SOURCE, which is
 * a file directly in a directory named secrets: hostd-build writes
 * --secrets-at/<secret> and nothing else, so a source such as /etc/shadow
 * is no secret. */
static int parse_secret(struct ctx *c, const char *v)
{
	struct plan *p = c->p;
	const char *colon = strchr(v, ':'), *base;
	struct plan_secret *s;

	if (p->nsecrets >= PLAN_MAX_SECRETS)
		return fail(c, "too many secret entries (at most %d)", PLAN_MAX_SECRETS);
	if (!colon)
		return fail(c, "secret '%s': want NAME:SOURCE", v);
	if (!valid_secret_name(v, (size_t)(colon - v)))
		return fail(c, "secret '%s': a secret's name is A-Z a-z 0-9 _ . - (not . or ..)", v);
	s = &p->secrets[p->nsecrets];
	s->name = keep(p, v, (size_t)(colon - v));
	s->src = keep(p, colon + 1, strlen(colon + 1));
	if (!s->name || !s->src)
		return fail(c, "plan too large");
	if (!valid_path(s->src))
		return fail(c, "secret '%s': the source must be an absolute, normalized path", v);
	if (own_source(c, "secret", v, s->src, 1, 1) < 0)
		return -1;
	base = strrchr(s->src, '/');
	if (base - s->src < 8 || strncmp(base - 8, "/secrets", 8) ||
	    !valid_secret_name(base + 1, strlen(base + 1)))
		return fail(c, "secret '%s': the source must be a file directly in a directory named "
			    "secrets", v);
	p->nsecrets++;
	return 0;
}

/* "HOSTPORT:PORT[/tcp|/udp]", strictly. */
static int parse_publish(struct ctx *c, const char *v)
{
	struct plan *p = c->p;
	unsigned hp, cp;
	const char *s;

	if (p->npublish >= PLAN_MAX_PUBLISH)
		return fail(c, "too many publish entries (at most %d)", PLAN_MAX_PUBLISH);
	if (!(s = digits(v, 65535, &hp)) || *s++ != ':' || !(s = digits(s, 65535, &cp)) ||
	    !hp || !cp || (*s && strcmp(s, "/tcp") && strcmp(s, "/udp")))
		return fail(c, "publish '%s': want HOSTPORT:PORT[/tcp|/udp]", v);
	p->publish[p->npublish].host_port = (unsigned short)hp;
	p->publish[p->npublish].port = (unsigned short)cp;
	p->publish[p->npublish].udp = !strcmp(s, "/udp");
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

/* Keys a plan gives at most once (network says so itself): a second one
 * is no writer's, so it is refused rather than left to win. */
static const char *const once_keys[] = {
	"service", "image", "user", "workdir", "hostname", "health_shell", "restart",
	"stop_signal", "cpu_max", "userns", "health_interval", "health_timeout",
	"health_start_period", "health_retries", "stop_grace", "memory_max", "pids_max",
};

/* "cap_add NAME" / "cap_drop NAME": a plan name (upper case, no CAP_) or
 * ALL; resolved into the masks at the end (plan_parse). */
static int parse_cap(struct ctx *c, const char *key, const char *v)
{
	int add = !strcmp(key, "cap_add"), n;
	uint64_t *named = add ? &c->cap_add : &c->cap_drop;
	int *all = add ? &c->cap_add_all : &c->cap_drop_all;

	if (!strcmp(v, "ALL")) {
		if (*all)
			return fail(c, "%s ALL given twice", key);
		*all = 1;
		return 0;
	}
	if ((n = plan_cap_number(v)) < 0)
		return fail(c, "%s '%s': not a capability (upper case, without CAP_: CHOWN, "
			    "NET_ADMIN ...)", key, v);
	if (*named & (UINT64_C(1) << n))
		return fail(c, "%s %s given twice", key, v);
	*named |= UINT64_C(1) << n;
	return 0;
}

static int parse_line(struct ctx *c, const char *key, const char *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(once_keys); i++)
		if (!strcmp(key, once_keys[i])) {
			if (c->once & (1u << i))
				return fail(c, "%s given twice", key);
			c->once |= 1u << i;
		}
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
		if (!valid_image(v))
			return fail(c, "image '%s': want NAME:TAG with a tag other than latest", v);
		return set_once(c, &p->image, key, v);
	}
	if (!strcmp(key, "layer")) {
		if (!valid_path(v))
			return fail(c, "layer '%s': want an absolute, normalized path", v);
		if (own_source(c, "layer", v, v, 1, 0) < 0)
			return -1;
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
	if (!strcmp(key, "user")) {
		if (!valid_user(v))
			return fail(c, "user '%s': want NAME or UID, then :GROUP or :GID "
				    "(A-Z a-z 0-9 _ . -)", v);
		return set_once(c, &p->user, key, v);
	}
	if (!strcmp(key, "workdir")) {
		if (!valid_path(v))
			return fail(c, "workdir '%s': want an absolute, normalized path", v);
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
		const char *sp = strchr(v, ' ');
		long long q, per;
		char a[24];

		if (!sp || (size_t)(sp - v) >= sizeof(a))
			return fail(c, "cpu_max '%s': want QUOTA_US PERIOD_US (each at least 1000)", v);
		memcpy(a, v, (size_t)(sp - v));
		a[sp - v] = '\0';
		if (number(a, 1LL << 40, &q) || number(sp + 1, 1000000, &per) || per < 1000 ||
		    q < 1000)
			return fail(c, "cpu_max '%s': want QUOTA_US PERIOD_US (each at least 1000)", v);
		p->cpu_quota_us = (long)q;
		p->cpu_period_us = (long)per;
		return 0;
	}
	if (!strcmp(key, "cap_add") || !strcmp(key, "cap_drop"))
		return parse_cap(c, key, v);
	if (!strcmp(key, "userns")) {
		if (strcmp(v, "host"))
			return fail(c, "userns '%s': want host (the service runs without a user "
				    "namespace of its own)", v);
		p->userns_host = 1;
		return 0;
	}
	return fail(c, "unknown key '%s'", key);
}

int plan_parse(struct plan *p, const char *buf, size_t len, const char *name,
	       char *err, size_t errlen)
{
	struct ctx c = {.p = p, .e = {.file = name, .buf = err, .len = errlen}};
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
		char line[PLAN_LINE_MAX + 1], *v;
		size_t n;

		if (!eol)
			eol = end;
		c.e.line++;
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
		/* No writer writes one (plan_value_problem): whatever put it
		 * there could have put a line break as well. */
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				return fail(&c, "control character 0x%02x in the line (a plan value "
					    "holds none)", (unsigned char)line[i]);
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
	c.e.line++;
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
	/* Docker's order: cap_add ALL gives all but the ones dropped by name;
	 * else cap_drop ALL leaves only the ones added; else drop, then add. */
	p->cap_drop = c.cap_drop;
	p->cap_add = c.cap_add;
	if (c.cap_add_all)
		p->cap_add = PLAN_CAP_ALL & ~c.cap_drop;
	else if (c.cap_drop_all)
		p->cap_drop = PLAN_CAP_ALL;
	return 0;
}
