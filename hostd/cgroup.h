/* cgroup: the cgroup v2 hierarchy at /sys/fs/cgroup. For now: enable the
 * cpu, memory, pids and io controllers for children of the root group. */
#ifndef HOSTD_CGROUP_H
#define HOSTD_CGROUP_H

#include <stddef.h>

/* Returns the number of wanted controllers that could not be enabled. */
int cgroup_enable_controllers(const char *root);

struct cgroup_limits {
	long long memory_max;		/* bytes; 0 = none */
	long cpu_quota_us, cpu_period_us;	/* quota 0 = none */
	long pids_max;			/* 0 = none */
};

/* Create <root>/hostd/<name> with the limits applied; its path goes to
 * path. Returns 0, 1 when this machine has no usable cgroup v2 hierarchy
 * (nothing created, reason in why), or -1 with errno and why naming the
 * step that failed. */
int cgroup_create(const char *root, const char *name, const struct cgroup_limits *l,
		  char *path, size_t len, char *why, size_t whylen);
/* Remove a cgroup made by cgroup_create (its processes must be gone). */
int cgroup_remove(const char *path);

#endif
