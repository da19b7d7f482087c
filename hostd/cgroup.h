/* cgroup: the cgroup v2 hierarchy at /sys/fs/cgroup. For now: enable the
 * cpu, memory, pids and io controllers for children of the root group. */
#ifndef HOSTD_CGROUP_H
#define HOSTD_CGROUP_H

/* Returns the number of wanted controllers that could not be enabled. */
int cgroup_enable_controllers(const char *root);

#endif
