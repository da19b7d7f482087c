/* compose_confine: what a service says about its confinement. Taken:
 * cap_add and cap_drop (Docker's capability names, in any case, with or
 * without CAP_, and ALL) and userns_mode: host. Refused with the reason:
 * the keys that would undo what hostd does to every container and that it
 * cannot honour: privileged, devices, security_opt, sysctls, pid, ipc:
 * host, cgroup_parent. A value that changes nothing hostd does anyway is
 * taken (privileged: false, an empty devices or sysctls, ipc: private,
 * security_opt: no-new-privileges), so a file written for Docker still
 * reads. Never a silent ignore.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include <string.h>

#include "build/compose/compose_int.h"
#include "common/plan.h"

/* A capability as Docker takes it ("net_admin", "CAP_NET_ADMIN", "ALL")
 * into the plan's name ("NET_ADMIN", "ALL"), or NULL if there is none.
 * Docker upper-cases, then adds CAP_ unless the name is ALL: "CAP_ALL"
 * is unknown to it too. */
static const char *cap_name(struct ctx *x, const char *s)
{
	char *u = sdup(x, s);

	if (!u)
		return NULL;
	for (char *c = u; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	if (!strcmp(u, "ALL"))
		return u;
	if (!strncmp(u, "CAP_", 4) && plan_cap_number(u + 4) >= 0)
		return u + 4;
	return plan_cap_number(u) >= 0 ? u : "";
}

/* cap_add / cap_drop: a list of names; each once in the model (Docker
 * takes "chown" and "CHOWN" both, and means one capability). */
static int cap_list(struct ctx *x, yaml_node_t *n, const char *w, const char ***out)
{
	int len, k = 0;

	if (!is_seq(n))
		return fail(x, n, "%s: expected a list, not %s", w, kind_name(n));
	len = seq_len(n);
	if (!(*out = alloc(x, sizeof(**out) * ((size_t)len + 1))))
		return -1;
	for (int i = 0; i < len; i++) {
		yaml_node_t *e = seq_at(x, n, i);
		const char *v, *name;
		int dup = 0;

		if (str(x, e, w, &v) < 0 || !(name = cap_name(x, v)))
			return -1;
		if (!*name)
			return fail(x, e, "%s: '%s' is not a capability (capabilities(7): NET_ADMIN "
				    "or CAP_NET_ADMIN, any case, or ALL)", w, v);
		for (int j = 0; j < k; j++)
			dup |= !strcmp((*out)[j], name);
		if (!dup)
			(*out)[k++] = name;
	}
	return 0;
}

/* An empty list or mapping (or null): the key says nothing. */
static int empty(const yaml_node_t *n)
{
	return is_null(n) || (is_seq(n) && seq_len(n) == 0) ||
	       (is_map(n) && n->data.mapping.pairs.top == n->data.mapping.pairs.start);
}

/* security_opt: only what hostd does to every container anyway. */
static int security_opt(struct ctx *x, yaml_node_t *n, const char *w)
{
	if (!is_seq(n))
		return fail(x, n, "%s: expected a list, not %s", w, kind_name(n));
	for (int i = 0; i < seq_len(n); i++) {
		yaml_node_t *e = seq_at(x, n, i);
		const char *v;

		if (str(x, e, w, &v) < 0)
			return -1;
		if (strcmp(v, "no-new-privileges") && strcmp(v, "no-new-privileges:true") &&
		    strcmp(v, "no-new-privileges=true"))
			return fail(x, e, "%s: '%s' is refused: every container runs with hostd's "
				    "seccomp filter and no_new_privs, which cannot be changed "
				    "(no-new-privileges alone is accepted: it is always on)", w, v);
	}
	return 0;
}

int compose_confinement(struct ctx *x, const struct item *it, const char *sw, const char *w,
			struct compose_service *s, int *done)
{
	const char *k = it->name, *v;
	yaml_node_t *n = it->val;
	int b;

	*done = 1;
	if (!strcmp(k, "cap_add"))
		return cap_list(x, n, w, &s->cap_add);
	if (!strcmp(k, "cap_drop"))
		return cap_list(x, n, w, &s->cap_drop);
	if (!strcmp(k, "userns_mode")) {
		if (str(x, n, w, &v) < 0)
			return -1;
		if (strcmp(v, "host"))
			return fail(x, n, "%s: '%s': only host is supported (the service then runs "
				    "without a user namespace of its own)", w, v);
		s->userns_host = 1;
		return 0;
	}
	if (!strcmp(k, "privileged")) {
		if (boolean(x, n, w, &b) < 0)
			return -1;
		return !b ? 0 : fail(x, it->key, "%s: privileged: true is refused: it would give "
				     "the container every capability and device of the VM (name "
				     "the capability it needs in cap_add)", sw);
	}
	if (!strcmp(k, "devices"))
		return empty(n) ? 0 : fail(x, it->key, "%s: devices are refused: a container gets "
					   "none of the VM's devices", sw);
	if (!strcmp(k, "sysctls"))
		return empty(n) ? 0 : fail(x, it->key, "%s: sysctls are refused: hostd sets no "
					   "kernel parameter for a container", sw);
	if (!strcmp(k, "security_opt"))
		return security_opt(x, n, w);
	if (!strcmp(k, "pid")) {
		if (str(x, n, w, &v) < 0)
			return -1;
		if (!strcmp(v, "host"))
			return fail(x, it->key, "%s: pid: host is refused: the container would see "
				    "and signal the VM's processes, hostd's among them", sw);
		return fail(x, it->key, "%s: pid: '%s' is not supported (each container has a "
			    "process namespace of its own)", sw, v);
	}
	if (!strcmp(k, "ipc")) {
		if (str(x, n, w, &v) < 0)
			return -1;
		/* Each container has an IPC namespace of its own, which no other
		 * joins: what private asks, and all shareable needs here. */
		if (!strcmp(v, "private") || !strcmp(v, "shareable"))
			return 0;
		if (!strcmp(v, "host"))
			return fail(x, it->key, "%s: ipc: host is refused: the container would share "
				    "the VM's System V IPC and POSIX message queues", sw);
		return fail(x, it->key, "%s: ipc: '%s' is not supported (each container has an "
			    "IPC namespace of its own)", sw, v);
	}
	if (!strcmp(k, "cgroup_parent"))
		return fail(x, it->key, "%s: cgroup_parent is refused: hostd puts each container in "
			    "a cgroup of its own under hostd's (limit it with mem_limit, cpus and "
			    "pids_limit)", sw);
	*done = 0;
	return 0;
}
