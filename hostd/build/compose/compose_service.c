/* compose_service: one service's keys (compose_attach.c reads its ports,
 * volumes, secrets and networks): image and build, the effective
 * environment (env_file, then environment), the command line, restart,
 * healthcheck, depends_on, stop and resource limits (compose_confine.c:
 * capabilities, the user namespace, the keys refused for confinement).
 * network_mode: host and links are refused with the Inception rule as the
 * reason; so is an image without a tag or tagged latest. An env_file is
 * read through the caller's struct compose_io, never here.
 * pure: computation only (tests/layout/check.sh holds it to that). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose_int.h"

/* What the checks that need several keys of a service keep. */
struct svc_raw {
	yaml_node_t *environment, *env_file, *mem_limit, *cpus, *pids_limit;
	yaml_node_t *deploy_memory, *deploy_cpus, *deploy_pids;
	long long deploy_mem;
	double deploy_cpu;
	long deploy_pid;
};

/* ---- typed values ---------------------------------------------------------- */

static int duration(struct ctx *x, yaml_node_t *n, const char *w, long long *out)
{
	const char *s;

	if (str(x, n, w, &s) < 0)
		return -1;
	if ((*out = compose_duration_ms(s)) < 0)
		return fail(x, n, "%s: '%s' is not a duration (e.g. 1m30s, 10s, 500ms)", w, s);
	return 0;
}

static int bytes_value(struct ctx *x, yaml_node_t *n, const char *w, long long *out)
{
	const char *s;

	if (str(x, n, w, &s) < 0)
		return -1;
	if ((*out = compose_bytes(s)) < 0)
		return fail(x, n, "%s: '%s' is not a byte value (e.g. 512m, 1g)", w, s);
	return 0;
}

static int cpus_value(struct ctx *x, yaml_node_t *n, const char *w, double *out)
{
	const char *s;
	char *end;

	if (str(x, n, w, &s) < 0)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || !(*s >= '0' && *s <= '9') || !isfinite(*out))
		return fail(x, n, "%s: '%s' is not a number of CPUs (e.g. 0.5)", w, s);
	/* The plan's cpu_max is cpus * 100000 us per 100000 us, and the kernel
	 * takes a quota below 2^44 us: refused here, before that product
	 * overflows a long in the plan emitter. */
	if (*out * 100000 > 17592186044415.0)
		return fail(x, n, "%s: %s CPUs is more than cgroup cpu.max takes", w, s);
	return 0;
}

static int pids_value(struct ctx *x, yaml_node_t *n, const char *w, long *out)
{
	long long v;

	if (integer(x, n, w, -1, INT_MAX, &v) < 0)
		return -1;
	*out = v < 0 ? 0 : (long)v;	/* -1: unlimited, which is 0 here */
	return 0;
}

/* command / entrypoint: null (the image's), a list, or a string split as
 * docker-compose splits it (shlex). */
static int argv_value(struct ctx *x, yaml_node_t *n, const char *w, const char ***out)
{
	const char *s, *why;
	char *buf;

	if (is_null(n)) {
		*out = NULL;
		return 0;
	}
	if (is_seq(n))
		return strlist(x, n, w, out);
	if (str(x, n, w, &s) < 0 || !(buf = alloc(x, strlen(s) + 1)) ||
	    !(*out = alloc(x, sizeof(**out) * (strlen(s) / 2 + 2))))
		return -1;
	if (compose_split(s, buf, *out, &why) < 0)
		return fail(x, n, "%s: %s in \"%s\"", w, why, s);
	return 0;
}

/* KEY=VALUE pairs of a mapping, or of a list of "KEY=VALUE" and "KEY"
 * (environment, build args). A mapping's null value and a bare "KEY" give
 * a NULL value; numbers and booleans keep their YAML text. */
static int kv_list(struct ctx *x, yaml_node_t *n, const char *w, struct compose_kv **out,
		   int *nout)
{
	struct item *f = NULL;
	int count;

	if (is_seq(n))
		count = seq_len(n);
	else if (!is_map(n))
		return fail(x, n, "%s: expected a mapping or a list of KEY=VALUE, not %s", w,
			    kind_name(n));
	else if (items(x, n, w, &f, &count) < 0)
		return -1;
	if (!(*out = alloc(x, sizeof(**out) * ((size_t)count + 1))))
		return -1;
	for (*nout = 0; *nout < count; (*nout)++) {
		struct compose_kv *kv = &(*out)[*nout];
		yaml_node_t *e = f ? f[*nout].key : seq_at(x, n, *nout);
		const char *s, *eq;

		kv->line = line_of(e);
		if (f) {
			kv->key = f[*nout].name;
			if (!is_null(f[*nout].val) &&
			    str(x, f[*nout].val, fmt(x, "%s.%s", w, kv->key), &kv->value) < 0)
				return -1;
		} else {
			if (str(x, e, w, &s) < 0)
				return -1;
			eq = strchr(s, '=');
			kv->key = eq ? dupn(x, s, (size_t)(eq - s)) : s;
			kv->value = eq ? eq + 1 : NULL;
			if (!kv->key)
				return -1;
			for (int j = 0; j < *nout; j++)
				if (!strcmp((*out)[j].key, kv->key))
					return fail(x, e, "%s: '%s' is set twice", w, kv->key);
		}
		if (!*kv->key)
			return fail(x, e, "%s: empty variable name", w);
	}
	return 0;
}

/* ---- image and build ---------------------------------------------------------- */

static int parse_build(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s)
{
	const char *dir = ".", *dockerfile = "Dockerfile";
	yaml_node_t *dirnode = n, *dfnode = n;
	struct item *f;
	int nf;

	s->has_build = 1;
	if (is_scalar(n)) {
		if (str(x, n, w, &dir) < 0)
			return -1;
	} else {
		if (attrs(x, n, w, &f, &nf) < 0)
			return -1;
		for (int i = 0; i < nf; i++) {
			const char *ww = fmt(x, "%s.%s", w, f[i].name);

			if (!strcmp(f[i].name, "context")) {
				if (str(x, f[i].val, ww, &dir) < 0)
					return -1;
				dirnode = f[i].val;
			} else if (!strcmp(f[i].name, "dockerfile")) {
				if (str(x, f[i].val, ww, &dockerfile) < 0)
					return -1;
				dfnode = f[i].val;
			} else if (!strcmp(f[i].name, "args")) {
				if (kv_list(x, f[i].val, ww, &s->build_args, &s->nbuild_args) < 0)
					return -1;
			} else {
				return unsupported(x, &f[i], w);
			}
		}
	}
	/* The context is relative to the compose file, the Dockerfile to the
	 * context. */
	if (abs_path(x, dirnode, w, dir, &s->build_context) < 0)
		return -1;
	if (!*dockerfile)
		return fail(x, dfnode, "%s.dockerfile: empty path", w);
	if (!(s->build_dockerfile = compose_join(x, s->build_context, dockerfile)))
		return -1;
	/* A build arg without a value takes the env lookup's; unset, it stays
	 * NULL and the Dockerfile's ARG default applies. */
	for (int i = 0; i < s->nbuild_args; i++) {
		struct compose_kv *kv = &s->build_args[i];

		if (!kv->value && x->env && x->env->get)
			kv->value = x->env->get(x->env->ctx, kv->key, strlen(kv->key));
		if (kv->value && !(kv->value = sdup(x, kv->value)))
			return -1;
	}
	return 0;
}

/* ---- environment ------------------------------------------------------------ */

/* Set key in the effective environment (n entries): a later value
 * replaces an earlier one in place. */
static void env_set(struct compose_kv *env, int *n, const struct compose_kv *kv)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(env[i].key, kv->key)) {
			env[i] = *kv;
			return;
		}
	env[(*n)++] = *kv;
}

static void env_unset(struct compose_kv *env, int *n, const char *key)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(env[i].key, key)) {
			memmove(&env[i], &env[i + 1], sizeof(*env) * (size_t)(*n - i - 1));
			(*n)--;
			return;
		}
}

/* One env_file entry, a path or {path, required}, into ef; *skip when it
 * is an optional file that is missing. */
static int env_file(struct ctx *x, yaml_node_t *e, const char *w, struct envfile *ef, int *skip)
{
	const char *path = NULL, *abs;
	yaml_node_t *pnode = e;
	int required = 1;
	size_t len;
	char *buf, why[512];
	struct item *f;
	int nf;

	if (is_map(e)) {
		if (attrs(x, e, w, &f, &nf) < 0)
			return -1;
		for (int j = 0; j < nf; j++) {
			const char *ww = fmt(x, "%s.%s", w, f[j].name);

			if (!strcmp(f[j].name, "path")) {
				if (str(x, f[j].val, ww, &path) < 0)
					return -1;
				pnode = f[j].val;
			} else if (!strcmp(f[j].name, "required")) {
				if (boolean(x, f[j].val, ww, &required) < 0)
					return -1;
			} else {
				return unsupported(x, &f[j], w);
			}
		}
		if (!path)
			return fail(x, e, "%s: the path is missing", w);
	} else if (str(x, e, w, &path) < 0) {
		return -1;
	}
	if (abs_path(x, pnode, w, path, &abs) < 0)
		return -1;
	if (!(buf = x->io->slurp(abs, &len))) {
		if (errno == ENOENT && !required) {
			*skip = 1;
			return 0;
		}
		return fail(x, pnode, "%s: %s: %s", w, abs, strerror(errno));
	}
	/* Its variables are interpolated too; an unset one warns here. */
	x->line = line_of(pnode);
	if (envfile_parse(ef, abs, buf, len, &x->lookup, why, sizeof(why)) < 0) {
		free(buf);
		return fail(x, pnode, "%s: %s", w, why);
	}
	free(buf);
	return 0;
}

/* The env_file entries (a path or a list) into env, in order. */
static int env_files(struct ctx *x, yaml_node_t *n, const char *w, struct compose_kv **env,
		     int *nenv)
{
	int count = is_seq(n) ? seq_len(n) : 1;

	for (int i = 0; i < count; i++) {
		yaml_node_t *e = is_seq(n) ? seq_at(x, n, i) : n;
		struct envfile ef;
		struct compose_kv *grown;
		int skip = 0, ret = 0;

		if (env_file(x, e, w, &ef, &skip) < 0)
			return -1;
		if (skip)
			continue;
		/* Room for this file's variables on top of what is there. */
		if (!(grown = alloc(x, sizeof(*grown) * ((size_t)*nenv + (size_t)ef.nvars + 1))))
			ret = -1;
		else if (*nenv)
			memcpy(grown, *env, sizeof(*grown) * (size_t)*nenv);
		for (int j = 0; !ret && j < ef.nvars; j++) {
			struct compose_kv kv = {
				.key = sdup(x, ef.vars[j].key),
				.value = sdup(x, ef.vars[j].value),
				.line = line_of(e),
			};

			if (!kv.key || !kv.value)
				ret = -1;
			else
				env_set(grown, nenv, &kv);
		}
		envfile_free(&ef);
		if (ret < 0)
			return -1;
		*env = grown;
	}
	return 0;
}

/* The effective environment, as Compose computes it: env_file entries in
 * order, then environment; a later key replaces an earlier one; a key
 * without a value takes the env lookup's, or is removed (an env_file's
 * value too) when that is unset. */
static int environment(struct ctx *x, const char *w, struct svc_raw *raw,
		       struct compose_service *s)
{
	struct compose_kv *own = NULL, *env = NULL, *all;
	int nown = 0;

	if (raw->env_file && !is_null(raw->env_file) &&
	    env_files(x, raw->env_file, fmt(x, "%s.env_file", w), &env, &s->nenvironment) < 0)
		return -1;
	if (raw->environment && !is_null(raw->environment) &&
	    kv_list(x, raw->environment, fmt(x, "%s.environment", w), &own, &nown) < 0)
		return -1;
	if (!(all = alloc(x, sizeof(*all) * ((size_t)s->nenvironment + (size_t)nown + 1))))
		return -1;
	if (s->nenvironment)
		memcpy(all, env, sizeof(*all) * (size_t)s->nenvironment);
	for (int i = 0; i < nown; i++) {
		struct compose_kv kv = own[i];

		if (!kv.value && x->env && x->env->get)
			kv.value = x->env->get(x->env->ctx, kv.key, strlen(kv.key));
		if (!kv.value) {
			env_unset(all, &s->nenvironment, kv.key);
			continue;
		}
		if (!(kv.value = sdup(x, kv.value)))
			return -1;
		env_set(all, &s->nenvironment, &kv);
	}
	s->environment = all;
	return 0;
}

/* ---- lifecycle ------------------------------------------------------------------ */

static int parse_depends(struct ctx *x, yaml_node_t *n, const char *w, struct compose_dep *d,
			 const struct item *it)
{
	struct item *g;
	int ng, has_cond = 0, b;
	const char *ww = fmt(x, "%s.%s", w, it->name), *v;

	d->service = it->name;
	d->line = line_of(it->key);
	if (attrs(x, n, ww, &g, &ng) < 0)
		return -1;
	for (int j = 0; j < ng; j++) {
		const char *www = fmt(x, "%s.%s", ww, g[j].name);
		yaml_node_t *val = g[j].val;

		if (!strcmp(g[j].name, "condition")) {
			if (str(x, val, www, &v) < 0)
				return -1;
			if (!strcmp(v, "service_started"))
				d->condition = COMPOSE_STARTED;
			else if (!strcmp(v, "service_healthy"))
				d->condition = COMPOSE_HEALTHY;
			else if (!strcmp(v, "service_completed_successfully"))
				d->condition = COMPOSE_COMPLETED;
			else
				return fail(x, val, "%s: '%s': expected service_started, service_healthy "
					    "or service_completed_successfully", www, v);
			has_cond = 1;
		} else if (!strcmp(g[j].name, "required")) {
			if (boolean(x, val, www, &b) < 0)
				return -1;
			if (!b)
				return fail(x, val, "%s: optional dependencies (required: false) are not "
					    "supported", www);
		} else if (!strcmp(g[j].name, "restart")) {
			if (boolean(x, val, www, &b) < 0)
				return -1;
			if (b)
				return fail(x, val, "%s: restart: true is not supported (hostd does not "
					    "restart a dependent when its dependency is recreated)", www);
		} else {
			return unsupported(x, &g[j], ww);
		}
	}
	if (!has_cond)
		return fail(x, it->key, "%s: the condition is missing (the long syntax requires it)",
			    ww);
	return 0;
}

/* A list of services (service_started), or a mapping of them to
 * condition (and required: true, restart: false, which change nothing). */
static int depends_on(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s)
{
	struct item *f = NULL;
	int count;

	if (is_seq(n))
		count = seq_len(n);
	else if (items(x, n, w, &f, &count) < 0)
		return -1;
	if (!(s->depends_on = alloc(x, sizeof(*s->depends_on) * ((size_t)count + 1))))
		return -1;
	for (int i = 0; i < count; i++) {
		struct compose_dep *d = &s->depends_on[s->ndepends_on++];

		if (f) {
			if (parse_depends(x, f[i].val, w, d, &f[i]) < 0)
				return -1;
		} else {
			d->line = line_of(seq_at(x, n, i));
			d->condition = COMPOSE_STARTED;
			if (str(x, seq_at(x, n, i), w, &d->service) < 0)
				return -1;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(s->depends_on[j].service, d->service))
				return fail_at(x, d->line, "%s: '%s' is listed twice", w, d->service);
	}
	return 0;
}

/* test: a string (CMD-SHELL), or ["CMD", argv...], ["CMD-SHELL", cmd],
 * ["NONE"], [] (the image's). */
static int health_test(struct ctx *x, yaml_node_t *t, const char *w, struct compose_health *h)
{
	const char **argv;
	int argc = 0;

	if (is_scalar(t)) {
		if (!(argv = alloc(x, sizeof(*argv) * 2)) || str(x, t, w, &argv[0]) < 0)
			return -1;
		if (!*argv[0])
			return fail(x, t, "%s: empty test", w);
		h->kind = COMPOSE_HC_SHELL;
		h->test = argv;
		return 0;
	}
	if (strlist(x, t, w, &argv) < 0)
		return -1;
	while (argv[argc])
		argc++;
	if (!argc)
		h->kind = COMPOSE_HC_INHERIT;
	else if (!strcmp(argv[0], "NONE") && argc == 1)
		h->kind = COMPOSE_HC_NONE;
	else if (!strcmp(argv[0], "CMD") && argc >= 2)
		h->kind = COMPOSE_HC_CMD;
	else if (!strcmp(argv[0], "CMD-SHELL") && argc == 2)
		h->kind = COMPOSE_HC_SHELL;
	else if (!strcmp(argv[0], "NONE") || !strcmp(argv[0], "CMD") ||
		 !strcmp(argv[0], "CMD-SHELL"))
		return fail(x, t, "%s: %s takes %s", w, argv[0], argv[0][0] == 'N' ? "nothing else" :
			    argv[0][3] ? "exactly one command string" : "a command");
	else
		return fail(x, t, "%s: '%s': a test list starts with CMD, CMD-SHELL or NONE", w,
			    argv[0]);
	h->test = argc ? argv + 1 : NULL;
	return 0;
}

static int healthcheck(struct ctx *x, yaml_node_t *n, const char *w, struct compose_health *h)
{
	struct item *f;
	int nf, disable = 0;
	long long v;

	h->kind = COMPOSE_HC_INHERIT;
	if (attrs(x, n, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);
		yaml_node_t *t = f[i].val;

		if (!strcmp(f[i].name, "test")) {
			if (health_test(x, t, ww, h) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "interval")) {
			if (duration(x, t, ww, &h->interval_ms) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "timeout")) {
			if (duration(x, t, ww, &h->timeout_ms) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "start_period")) {
			if (duration(x, t, ww, &h->start_period_ms) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "retries")) {
			if (integer(x, t, ww, 0, INT_MAX, &v) < 0)
				return -1;
			h->retries = (int)v;
		} else if (!strcmp(f[i].name, "disable")) {
			if (boolean(x, t, ww, &disable) < 0)
				return -1;
		} else {
			return unsupported(x, &f[i], w);
		}
	}
	if (disable && nf > 1)
		return fail(x, n, "%s: disable: true cannot be combined with other keys", w);
	if (disable)
		h->kind = COMPOSE_HC_NONE;
	return 0;
}

/* ---- resources --------------------------------------------------------------- */

static int deploy_limits(struct ctx *x, yaml_node_t *n, const char *w, struct svc_raw *raw)
{
	struct item *l;
	int nl;

	if (attrs(x, n, w, &l, &nl) < 0)
		return -1;
	for (int k = 0; k < nl; k++) {
		const char *ww = fmt(x, "%s.%s", w, l[k].name);

		if (!strcmp(l[k].name, "memory")) {
			raw->deploy_memory = l[k].val;
			if (bytes_value(x, l[k].val, ww, &raw->deploy_mem) < 0)
				return -1;
		} else if (!strcmp(l[k].name, "cpus")) {
			raw->deploy_cpus = l[k].val;
			if (cpus_value(x, l[k].val, ww, &raw->deploy_cpu) < 0)
				return -1;
		} else if (!strcmp(l[k].name, "pids")) {
			raw->deploy_pids = l[k].val;
			if (pids_value(x, l[k].val, ww, &raw->deploy_pid) < 0)
				return -1;
		} else {
			return unsupported(x, &l[k], w);
		}
	}
	return 0;
}

/* deploy: resources.limits only (the rest is Swarm's). */
static int deploy(struct ctx *x, yaml_node_t *n, const char *w, struct svc_raw *raw)
{
	struct item *f, *g;
	int nf, ng;

	if (attrs(x, n, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);

		if (strcmp(f[i].name, "resources"))
			return fail(x, f[i].key, "%s: unsupported key '%s' (only resources.limits is "
				    "supported)", w, f[i].name);
		if (attrs(x, f[i].val, ww, &g, &ng) < 0)
			return -1;
		for (int j = 0; j < ng; j++) {
			if (strcmp(g[j].name, "limits"))
				return fail(x, g[j].key, "%s: unsupported key '%s' (only limits is "
					    "supported)", ww, g[j].name);
			if (deploy_limits(x, g[j].val, fmt(x, "%s.limits", ww), raw) < 0)
				return -1;
		}
	}
	return 0;
}

/* mem_limit and deploy.resources.limits.memory (cpus, pids alike) may both
 * be given only if they agree (Compose's rule). */
static int limits(struct ctx *x, const char *w, struct svc_raw *raw, struct compose_service *s)
{
	if (raw->deploy_memory && raw->mem_limit && s->mem_limit != raw->deploy_mem)
		return fail(x, raw->deploy_memory, "%s: mem_limit and deploy.resources.limits.memory "
			    "disagree", w);
	if (raw->deploy_cpus && raw->cpus && s->cpus != raw->deploy_cpu)
		return fail(x, raw->deploy_cpus, "%s: cpus and deploy.resources.limits.cpus disagree",
			    w);
	if (raw->deploy_pids && raw->pids_limit && s->pids_limit != raw->deploy_pid)
		return fail(x, raw->deploy_pids, "%s: pids_limit and deploy.resources.limits.pids "
			    "disagree", w);
	if (raw->deploy_memory)
		s->mem_limit = raw->deploy_mem;
	if (raw->deploy_cpus)
		s->cpus = raw->deploy_cpu;
	if (raw->deploy_pids)
		s->pids_limit = raw->deploy_pid;
	return 0;
}

/* ---- the service ---------------------------------------------------------------- */

/* The keys that only take a string (and a check of it). */
static int string_key(struct ctx *x, const struct item *it, const char *w,
		      struct compose_service *s, int *done)
{
	const char *k = it->name, *v;
	yaml_node_t *n = it->val;

	*done = 1;
	if (!strcmp(k, "image")) {
		const char *why;

		if (str(x, n, w, &s->image) < 0)
			return -1;
		if ((why = compose_image_problem(s->image)))
			return fail(x, n, "%s: '%s': %s", w, s->image, why);
	} else if (!strcmp(k, "pull_policy")) {
		if (str(x, n, w, &v) < 0)
			return -1;
		if (strcmp(v, "always") && strcmp(v, "never") && strcmp(v, "missing") &&
		    strcmp(v, "build") && strcmp(v, "if_not_present"))
			return fail(x, n, "%s: '%s': expected always, never, missing, build or "
				    "if_not_present", w, v);
		s->pull_policy = v;
	} else if (!strcmp(k, "container_name")) {
		if (str(x, n, w, &v) < 0)
			return -1;
		if (strlen(v) < 2 || !compose_valid_name(v) || !((v[0] >= 'a' && v[0] <= 'z') ||
		    (v[0] >= 'A' && v[0] <= 'Z') || (v[0] >= '0' && v[0] <= '9')))
			return fail(x, n, "%s: '%s': expected [a-zA-Z0-9][a-zA-Z0-9_.-]+", w, v);
		s->container_name = v;
	} else if (!strcmp(k, "hostname")) {
		if (str(x, n, w, &s->hostname) < 0)
			return -1;
		if (!compose_valid_hostname(s->hostname))
			return fail(x, n, "%s: '%s' is not a valid host name (RFC 1123)", w, s->hostname);
	} else if (!strcmp(k, "restart")) {
		if (str(x, n, w, &s->restart) < 0)
			return -1;
		if (!compose_valid_restart(s->restart))
			return fail(x, n, "%s: '%s': expected no, always, on-failure[:N] or "
				    "unless-stopped", w, s->restart);
	} else if (!strcmp(k, "stop_signal")) {
		long long num;
		const char *sig;

		if (str(x, n, w, &v) < 0)
			return -1;
		sig = parse_ll(v, &num) == 0 ? (num >= 1 && num <= 64 ? v : NULL) : compose_signal(v);
		if (!sig)
			return fail(x, n, "%s: '%s' is not a signal", w, v);
		s->stop_signal = sig;
	} else if (!strcmp(k, "user")) {
		s->user_line = line_of(n);
		if (str(x, n, w, &s->user) < 0)
			return -1;
		if (!*s->user)
			return fail(x, n, "%s: empty user", w);
	} else if (!strcmp(k, "working_dir")) {
		s->working_dir_line = line_of(n);
		if (str(x, n, w, &v) < 0)
			return -1;
		if (v[0] != '/')
			return fail(x, n, "%s: '%s' is not an absolute path", w, v);
		/* Cleaned as Docker cleans it: the plan takes normalized paths. */
		if (!(s->working_dir = compose_join(x, "/", v)))
			return -1;
	} else {
		*done = 0;
	}
	return 0;
}

static int service_key(struct ctx *x, const struct item *it, const char *sw, const char *w,
		       struct compose_service *s, struct svc_raw *raw)
{
	const char *k = it->name, *m;
	yaml_node_t *n = it->val;
	int done;

	if (string_key(x, it, w, s, &done) < 0)
		return -1;
	if (done)
		return 0;
	if (!strcmp(k, "build"))
		return parse_build(x, n, w, s);
	/* Read once all keys are: env_file comes first, whatever the order. */
	if (!strcmp(k, "environment")) {
		raw->environment = n;
		return 0;
	}
	if (!strcmp(k, "env_file")) {
		raw->env_file = n;
		return 0;
	}
	if (!strcmp(k, "secrets"))
		return compose_secrets(x, n, w, s);
	if (!strcmp(k, "volumes"))
		return compose_volumes(x, n, w, s);
	if (!strcmp(k, "networks"))
		return compose_networks(x, n, w, s);
	if (!strcmp(k, "ports"))
		return compose_ports(x, n, w, s);
	if (!strcmp(k, "expose"))
		return compose_expose(x, n, w, s);
	if (!strcmp(k, "depends_on"))
		return depends_on(x, n, w, s);
	if (!strcmp(k, "healthcheck")) {
		s->health.line = line_of(it->key);
		return healthcheck(x, n, w, &s->health);
	}
	if (!strcmp(k, "init"))
		return boolean(x, n, w, &s->init);
	if (!strcmp(k, "stop_grace_period"))
		return duration(x, n, w, &s->stop_grace_ms);
	if (!strcmp(k, "mem_limit")) {
		raw->mem_limit = n;
		return bytes_value(x, n, w, &s->mem_limit);
	}
	if (!strcmp(k, "cpus")) {
		raw->cpus = n;
		return cpus_value(x, n, w, &s->cpus);
	}
	if (!strcmp(k, "pids_limit")) {
		raw->pids_limit = n;
		return pids_value(x, n, w, &s->pids_limit);
	}
	if (!strcmp(k, "deploy"))
		return deploy(x, n, w, raw);
	if (!strcmp(k, "command")) {
		s->command_line = line_of(n);
		return argv_value(x, n, w, &s->command);
	}
	if (!strcmp(k, "entrypoint")) {
		s->entrypoint_line = line_of(n);
		return argv_value(x, n, w, &s->entrypoint);
	}
	if (compose_confinement(x, it, sw, w, s, &done) < 0)
		return -1;
	if (done)
		return 0;
	if (!strcmp(k, "network_mode")) {
		if (str(x, n, w, &m) < 0)
			return -1;
		return fail(x, it->key, strcmp(m, "host") ?
			    "%s: network_mode is not supported (use networks)" :
			    "%s: network_mode: host is refused: the Inception rules forbid host "
			    "networking (use a bridge network)", sw);
	}
	if (!strcmp(k, "links"))
		return fail(x, it->key, "%s: links are refused: the Inception rules forbid links "
			    "(services reach each other by name on their network)", sw);
	return unsupported(x, it, sw);
}

int compose_parse_service(struct ctx *x, const struct item *it, struct compose_service *s)
{
	const char *w = fmt(x, "services.%s", it->name);
	struct svc_raw raw = { 0 };
	struct item *f;
	int nf;

	s->name = it->name;
	s->line = line_of(it->key);
	s->health.interval_ms = s->health.timeout_ms = s->health.start_period_ms = -1;
	s->health.retries = -1;
	s->stop_grace_ms = -1;
	if (!compose_valid_name(s->name))
		return fail(x, it->key, "%s: bad service name (letters, digits, '.', '_', '-')", w);
	if (attrs(x, it->val, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++)
		if (service_key(x, &f[i], w, fmt(x, "%s.%s", w, f[i].name), s, &raw) < 0)
			return -1;
	if (!s->image)
		return fail(x, it->key, "%s: no image: name the image name:tag (the Inception rules "
			    "want the service's name and a tag other than latest)", w);
	if (limits(x, w, &raw, s) < 0 || environment(x, w, &raw, s) < 0)
		return -1;
	if (!s->nnetworks) {
		/* No networks (or an empty list): the service is on "default". */
		static const char *const none[] = { NULL };

		if (!(s->networks = alloc(x, sizeof(*s->networks))))
			return -1;
		s->networks[0] = (struct compose_net_ref){
			.name = "default", .aliases = (const char **)none, .line = s->line,
		};
		s->nnetworks = 1;
	}
	return 0;
}
