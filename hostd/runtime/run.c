/* run: `hostd run`, the one-shot container. Creates a container from a
 * root directory, runs CMD in it as PID 1, waits, and exits with its
 * status the way `docker run` does: the command's code, 128+N for a
 * signal, 125 when the container could not be set up, 126 when the
 * command could not be run, 127 when it was not found. The image builder's
 * RUN steps and the runtime benchmark use it. */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ftw.h>

#include <arpa/inet.h>
#include <stdint.h>

#include "runtime/caps.h"
#include "runtime/cgroup.h"
#include "runtime/net.h"
#include "runtime/container.h"
#include "common/mountspec.h"
#include "common/userns.h"
#include "common/util.h"

/* "64m", "512k", "1g", "1048576" into bytes; -1 if malformed. */
static long long parse_size(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10), mul = 1;

	if (end == s || v <= 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024LL * 1024 * 1024, end++;
	if (*end || v > (1LL << 50) / mul)
		return -1;
	return v * mul;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* SRC:DST[:OPT[,OPT]] into m, OPT ro, rw or idmap (podman's word: the
 * mount is id-mapped to the container's user namespace); both paths
 * absolute. Cuts v in place (the paths end where ':' was). */
static int parse_volume(char *v, struct container_mount *m)
{
	struct mountspec ms;
	char *dst;

	if (mountspec_parse(v, MOUNTSPEC_RO | MOUNTSPEC_RW | MOUNTSPEC_IDMAP, MOUNTSPEC_LIST,
			    &ms) != MOUNTSPEC_OK)
		return -1;
	dst = v + (ms.dst - v);
	v[ms.src_len] = '\0';
	dst[ms.dst_len] = '\0';
	m->src = v;
	m->dst = dst;
	m->ro = !!(ms.flags & MOUNTSPEC_RO);
	m->idmap = !!(ms.flags & MOUNTSPEC_IDMAP);
	return m->src[0] == '/' && m->dst[0] == '/' ? 0 : -1;
}

static const char usage[] =
	"usage: hostd run (--rootfs DIR | --layer DIR|FILE... [--state DIR])\n"
	"                 [--volume SRC:DST[:ro|rw][,idmap]]... [--secret NAME:FILE]...\n"
	"                 [--hostname NAME] [--env KEY=VALUE]... [--workdir DIR]\n"
	"                 [--user USER[:GROUP]] [--net none|host|BRIDGE --ip A.B.C.D/N [--gateway IP]]\n"
	"                 [--add-host NAME:IP]... [--memory BYTES[k|m|g]] [--cpus N.N]\n"
	"                 [--pids N] [--userns host|auto|FIRST_ID] [--cap-add CAP]...\n"
	"                 [--cap-drop CAP]...\n"
#ifdef HOSTD_TEST_UNCONFINED
	"                 [--unconfined]   (test build: every protection off)\n"
#endif
	"                 -- CMD [ARG...]\n";

static volatile pid_t child;
static volatile sig_atomic_t forwarded;

/* The container's PID 1 ignores signals it has no handler for, as any
 * init does: the first ctrl-C is passed on, a second one kills. */
static void forward(int sig)
{
	if (child > 0)
		kill(child, forwarded++ ? SIGKILL : sig);
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "hostd run: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage);
	return 125;
}

/* USER[:GROUP], each a name or a number: the shape only. Names are
 * looked up inside the container, which says what it cannot find. */
static int valid_user(const char *s)
{
	const char *colon = strchr(s, ':');

	return *s && *s != ':' && (!colon || (colon[1] && !strchr(colon + 1, ':')));
}

static int has_env(const struct container_spec *s, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < s->nenv; i++)
		if (!strncmp(s->env[i], key, n) && s->env[i][n] == '=')
			return 1;
	return 0;
}

/* What the options fill in. */
struct run_opts {
	struct container_spec s;
	struct cgroup_limits lim;
};

/* An option's handler: val is its argument (NULL for a flag), which it
 * may cut up in place. Returns 0, or 125 after printing why (bad). */
typedef int (*run_opt_fn)(struct run_opts *o, const char *opt, char *val);

static int opt_layer(struct run_opts *o, const char *opt, char *val)
{
	(void)opt;
	if (o->s.nlayers >= CONTAINER_MAX_LAYERS)
		return bad("too many --layer (at most %s)", "32");
	o->s.layers[o->s.nlayers++] = val;
	return 0;
}

static int opt_volume(struct run_opts *o, const char *opt, char *val)
{
	char copy[512];

	(void)opt;
	if (o->s.nmounts >= CONTAINER_MAX_MOUNTS)
		return bad("too many --volume (at most %s)", "16");
	snprintf(copy, sizeof(copy), "%s", val);
	if (parse_volume(val, &o->s.mounts[o->s.nmounts]) < 0)
		return bad("--volume '%s': want /SRC:/DST[:ro|rw][,idmap]", copy);
	o->s.nmounts++;
	return 0;
}

static int opt_secret(struct run_opts *o, const char *opt, char *val)
{
	char *colon = strchr(val, ':');

	(void)opt;
	if (o->s.nsecrets >= CONTAINER_MAX_SECRETS)
		return bad("too many --secret (at most %s)", "16");
	if (!colon || colon == val || strchr(val, '/') < colon || colon[1] != '/')
		return bad("--secret '%s': want NAME:/FILE", val);
	*colon = '\0';
	o->s.secrets[o->s.nsecrets].name = val;
	o->s.secrets[o->s.nsecrets].src = colon + 1;
	o->s.nsecrets++;
	return 0;
}

static int opt_user(struct run_opts *o, const char *opt, char *val)
{
	(void)opt;
	if (!valid_user(val))
		return bad("--user '%s': want USER[:GROUP], each a name or a number", val);
	o->s.user = val;
	return 0;
}

static int opt_memory(struct run_opts *o, const char *opt, char *val)
{
	(void)opt;
	if ((o->lim.memory_max = parse_size(val)) < 0)
		return bad("--memory '%s': want BYTES with k, m or g", val);
	return 0;
}

static int opt_cpus(struct run_opts *o, const char *opt, char *val)
{
	char *end;
	double c = strtod(val, &end);

	(void)opt;
	if (end == val || *end || c < 0.01 || c > 1024)
		return bad("--cpus '%s': want a number from 0.01 to 1024", val);
	o->lim.cpu_quota_us = (long)(c * (double)o->lim.cpu_period_us);
	return 0;
}

static int opt_pids(struct run_opts *o, const char *opt, char *val)
{
	char *end;
	long n = strtol(val, &end, 10);

	(void)opt;
	if (end == val || *end || n < 1 || n > 4194304)
		return bad("--pids '%s': want a whole number from 1", val);
	o->lim.pids_max = n;
	return 0;
}

static int opt_net(struct run_opts *o, const char *opt, char *val)
{
	(void)opt;
	if (!strcmp(val, "host"))
		o->s.host_net = 1;
	else if (strcmp(val, "none")) {
		if (strlen(val) > 15 || strchr(val, '/') || strchr(val, ' '))
			return bad("--net '%s': want none, host or a bridge name (at most 15 characters)", val);
		o->s.bridge = val;
	}
	return 0;
}

static int opt_ip(struct run_opts *o, const char *opt, char *val)
{
	char a[32], *slash, *end;
	long pre;

	(void)opt;
	snprintf(a, sizeof(a), "%s", val);
	slash = strchr(a, '/');
	if (!slash)
		return bad("--ip '%s': want A.B.C.D/PREFIX", val);
	*slash = '\0';
	pre = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, a, &o->s.ip) != 1 || *end || pre < 8 || pre > 30)
		return bad("--ip '%s': want A.B.C.D/PREFIX (prefix 8-30)", val);
	o->s.prefix = (int)pre;
	return 0;
}

static int opt_add_host(struct run_opts *o, const char *opt, char *val)
{
	char *colon = strrchr(val, ':');

	(void)opt;
	if (o->s.nhosts >= CONTAINER_MAX_HOSTS)
		return bad("too many --add-host (at most %s)", "32");
	if (!colon || colon == val || inet_pton(AF_INET, colon + 1, &o->s.hosts[o->s.nhosts].ip) != 1)
		return bad("--add-host '%s': want NAME:A.B.C.D", val);
	*colon = '\0';
	o->s.hosts[o->s.nhosts++].name = val;
	return 0;
}

static int opt_gateway(struct run_opts *o, const char *opt, char *val)
{
	(void)opt;
	if (inet_pton(AF_INET, val, &o->s.gw) != 1)
		return bad("--gateway '%s': want A.B.C.D", val);
	return 0;
}

static int opt_userns(struct run_opts *o, const char *opt, char *val)
{
	char *end;
	unsigned long b;

	(void)opt;
	if (!strcmp(val, "host")) {
		o->s.userns_base = 0;
	} else if (!strcmp(val, "auto")) {
		o->s.userns_base = 1;
	} else {
		b = strtoul(val, &end, 10);
		if (end == val || *end || b < USERNS_FIRST_BASE ||
		    b > 0xfffffffeUL - USERNS_SIZE || b % USERNS_SIZE)
			return bad("--userns '%s': want host, auto, or the first VM id of "
				   "a range (a multiple of 65536, from 131072)", val);
		o->s.userns_base = b;
	}
	return 0;
}

/* --cap-add and --cap-drop. */
static int opt_cap(struct run_opts *o, const char *opt, char *val)
{
	int cap = caps_from_name(val);
	uint64_t bits = !strcasecmp(val, "ALL") ? ~0ULL >> (63 - CAPS_LAST) :
			cap >= 0 ? 1ULL << cap : 0;

	if (!bits)
		return bad("%s: unknown capability", val);
	if (opt[6] == 'a')
		o->s.caps |= bits;
	else
		o->s.caps &= ~bits;
	return 0;
}

static int opt_env(struct run_opts *o, const char *opt, char *val)
{
	(void)opt;
	if (!strchr(val, '=') || val[0] == '=')
		return bad("--env '%s': want KEY=VALUE", val);
	if (o->s.nenv >= CONTAINER_MAX_ENV - 3)
		return bad("too many --env (at most %s)", "125");
	o->s.env[o->s.nenv++] = val;
	return 0;
}

#ifdef HOSTD_TEST_UNCONFINED
static int opt_unconfined(struct run_opts *o, const char *opt, char *val)
{
	(void)opt;
	(void)val;
	o->s.unconfined = 1;
	return 0;
}
#endif

/* The options of `hostd run` (crun's commands[] way): a handler, or
 * (fn NULL) the container_spec string field the value goes to. */
static const struct run_option {
	const char *name;
	int takes_arg;
	run_opt_fn fn;
	size_t field;
} run_options[] = {
#ifdef HOSTD_TEST_UNCONFINED
	{"--unconfined", 0, opt_unconfined, 0},
#endif
	{"--rootfs", 1, NULL, offsetof(struct container_spec, rootfs)},
	{"--layer", 1, opt_layer, 0},
	{"--state", 1, NULL, offsetof(struct container_spec, state)},
	{"--volume", 1, opt_volume, 0},
	{"--secret", 1, opt_secret, 0},
	{"--hostname", 1, NULL, offsetof(struct container_spec, hostname)},
	{"--workdir", 1, NULL, offsetof(struct container_spec, workdir)},
	{"--user", 1, opt_user, 0},
	{"--memory", 1, opt_memory, 0},
	{"--cpus", 1, opt_cpus, 0},
	{"--pids", 1, opt_pids, 0},
	{"--net", 1, opt_net, 0},
	{"--ip", 1, opt_ip, 0},
	{"--add-host", 1, opt_add_host, 0},
	{"--gateway", 1, opt_gateway, 0},
	{"--userns", 1, opt_userns, 0},
	{"--cap-add", 1, opt_cap, 0},
	{"--cap-drop", 1, opt_cap, 0},
	{"--env", 1, opt_env, 0},
};

static const struct run_option *find_option(const char *name)
{
	for (size_t k = 0; k < ARRAY_SIZE(run_options); k++)
		if (!strcmp(run_options[k].name, name))
			return &run_options[k];
	return NULL;
}

/* The options up to "--" into o; *cmd: the index of "--" (or argc).
 * Returns 0, or 125 after printing why. */
static int parse_options(struct run_opts *o, int argc, char **argv, int *cmd)
{
	int i, rc;

	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		const char *opt = argv[i];
		char *val = i + 1 < argc ? argv[i + 1] : NULL;
		const struct run_option *ro = find_option(opt);

		if (ro && !ro->takes_arg) {
			ro->fn(o, opt, NULL);
			continue;
		}
		if (!val || !strcmp(val, "--"))
			return bad("%s needs a value", opt);
		if (!ro)
			return bad("unknown option '%s'", opt);
		if (!ro->fn)
			*(const char **)((char *)&o->s + ro->field) = val;
		else if ((rc = ro->fn(o, opt, val)))
			return rc;
		i++;
	}
	*cmd = i;
	return 0;
}

/* What the options say together, the network's bridge and gateway, the
 * user namespace's range, the root, and the environment's defaults.
 * Returns 0, or 125 after printing why. */
static int settle_spec(struct container_spec *s, int argc, char **argv, int i)
{
	static char host_env[80];
	struct stat st;

	if (i >= argc - 1)
		return bad("%s", "no command: put it after --");
	if (!s->rootfs == !s->nlayers)
		return bad("%s", "give either --rootfs or --layer");
	if (!!s->bridge != !!s->prefix)
		return bad("%s", "--ip goes with --net BRIDGE, and a bridge needs --ip");
	if (s->bridge && !s->gw.s_addr) {
		/* Docker's default: the first address of the subnet. */
		uint32_t mask = 0xffffffffu << (32 - s->prefix);

		s->gw.s_addr = htonl((ntohl(s->ip.s_addr) & mask) + 1);
	}
	if (s->bridge && s->gw.s_addr == s->ip.s_addr)
		return bad("--ip '%s' is the gateway's address", inet_ntoa(s->ip));
	if (s->bridge) {
		/* Like `docker network create`: a missing bridge is made, with
		 * the gateway address on it. */
		int r = net_bridge_add(s->bridge);

		if (r < 0)
			return 125;
		if (r == 0 && (net_addr_add(s->bridge, s->gw, s->prefix) < 0 ||
			       net_link_up(s->bridge) < 0))
			return 125;
	}
#ifdef HOSTD_TEST_UNCONFINED
	if (s->unconfined)
		s->userns_base = 0;
#endif
	/* auto: a range of its own, from the pid (distinct for runs at the
	 * same time), clear of the services' ranges from the first. */
	if (s->userns_base == 1)
		s->userns_base = USERNS_FIRST_BASE + USERNS_SIZE * (1024 + (unsigned long)getpid() % 30000);
	if (s->rootfs && (stat(s->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)))
		return bad("--rootfs '%s' is not a directory", s->rootfs);
	for (int l = 0; l < s->nlayers; l++)
		if (stat(s->layers[l], &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			return bad("--layer '%s' is not a directory or a layer file (EROFS, squashfs)",
				   s->layers[l]);
	s->argv = argv + i + 1;
	/* Docker's defaults for what the image and the user did not set. */
	if (!has_env(s, "PATH"))
		s->env[s->nenv++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if (!has_env(s, "HOSTNAME") && s->hostname) {
		snprintf(host_env, sizeof(host_env), "HOSTNAME=%s", s->hostname);
		s->env[s->nenv++] = host_env;
	}
	/* HOME, when not given, comes from the container's /etc/passwd. */
	s->env[s->nenv] = NULL;
	return 0;
}

/* The state directory holds the overlay's writable part and the
 * generated /etc files: a fresh one (*own_state set), removed
 * afterwards, unless --state names one to keep. Returns 0, or 125 after
 * printing why. */
static int make_state(struct container_spec *s, int *own_state)
{
	static char state[64];

	if (!s->state) {
		snprintf(state, sizeof(state), "/tmp/hostd-run.XXXXXX");
		if (!mkdtemp(state)) {
			fprintf(stderr, "hostd run: mkdtemp %s: %s\n", state, strerror(errno));
			return 125;
		}
		s->state = state;
		*own_state = 1;
	}
	if (s->nlayers) {
		static const char *const sub[] = {"upper", "work", "root"};

		for (size_t k = 0; k < ARRAY_SIZE(sub); k++) {
			char d[4096];

			snprintf(d, sizeof(d), "%s/%s", s->state, sub[k]);
			if (mkdir_p(d, 0755) < 0) {
				fprintf(stderr, "hostd run: mkdir %s: %s\n", d, strerror(errno));
				return 125;
			}
		}
	}
	return 0;
}

/* Always a cgroup: it carries the device program, and the limits where
 * this machine's cgroup v2 has the controllers. Returns 0, or 125 after
 * printing why (and removing a state directory of our own). */
static int make_cgroup(struct container_spec *s, const struct cgroup_limits *lim, int own_state)
{
	static char cg[512];
	char why[600], name[32];
	int r;

#ifdef HOSTD_TEST_UNCONFINED
	if (s->unconfined)
		return 0;
#endif
	snprintf(name, sizeof(name), "run-%d", (int)getpid());
	r = cgroup_create(name, lim, cg, sizeof(cg), why, sizeof(why));
	if (r < 0) {
		fprintf(stderr, "hostd run: %s: %s\n", why, strerror(errno));
		if (own_state)
			nftw(s->state, remove_one, 16, FTW_DEPTH | FTW_PHYS);
		return 125;
	}
	if (r > 0)
		fprintf(stderr, "hostd run: cannot apply limits on this machine: %s\n", why);
	s->cgroup = cg;
	return 0;
}

/* Start the container, pass signals on, wait: its status as a shell
 * reports it, or 125-127. */
static int run_and_wait(const struct container_spec *s)
{
	struct sigaction sa;
	int status, exec_failed = 0, rc;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pid = container_start(s, "hostd run", &exec_failed);
	if (pid < 0)
		return exec_failed ? (errno == ENOENT ? 127 : 126) : 125;
	child = pid;
	while ((rc = (int)waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		perror("hostd run: waitpid");
		return 125;
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int container_run_main(int argc, char **argv)
{
	struct run_opts o;
	int i, own_state = 0, rc;

	memset(&o, 0, sizeof(o));
	o.lim.cpu_period_us = 100000;
	o.s.out_fd = -1;
	o.s.caps = caps_container_default();
	o.s.userns_base = 1;	/* auto, decided below */
	if ((rc = parse_options(&o, argc, argv, &i)) || (rc = settle_spec(&o.s, argc, argv, i)) ||
	    (rc = make_state(&o.s, &own_state)) || (rc = make_cgroup(&o.s, &o.lim, own_state)))
		return rc;
	rc = run_and_wait(&o.s);
	/* What was left in it is killed; give it a second to be gone. */
	for (int tries = 0; o.s.cgroup; tries++) {
		if (cgroup_remove(o.s.cgroup) == 0)
			break;
		if (errno != EBUSY || tries >= 50) {
			fprintf(stderr, "hostd run: remove cgroup %s: %s\n", o.s.cgroup, strerror(errno));
			break;
		}
		usleep(20000);
	}
	if (own_state && nftw(o.s.state, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "hostd run: remove %s: %s\n", o.s.state, strerror(errno));
	return rc;
}
