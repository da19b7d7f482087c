/* cgroup: the cgroup v2 hierarchy: at /sys/fs/cgroup in the appliance, at
 * /sys/fs/cgroup/unified on a host with the hybrid layout (no controllers
 * there, but a device program can still be attached). Enables the cpu,
 * memory, pids and io controllers for children of the root group, and
 * makes one group per container under <root>/hostd. */
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

/* Where cgroup v2 is mounted (/sys/fs/cgroup, else /sys/fs/cgroup/unified),
 * or NULL when it is not. */
const char *cgroup_v2_root(void);

/* Create <v2 root>/hostd/<name>, with the limits applied where the
 * controllers are available, and the device program (devices.h) attached;
 * its path goes to path. Returns 0; 1 when created without the limits,
 * which this machine cannot apply (l asked for some; why says what is
 * missing); or -1 with errno and why naming the step that failed (no
 * cgroup v2 at all is such a failure: a container without its device
 * policy is not started). */
int cgroup_create(const char *name, const struct cgroup_limits *l,
		  char *path, size_t len, char *why, size_t whylen);
/* Remove a cgroup made by cgroup_create: processes left in it are killed
 * (cgroup.kill). Returns 0, or -1 with errno (EBUSY: they are still
 * dying; cgroup_create reuses the group). */
int cgroup_remove(const char *path);

#endif
