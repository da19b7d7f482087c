/* cgroup: see cgroup.h. Never touches a group it did not create. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/devices.h"

#include "runtime/log.h"
#include "common/util.h"

static const char *const wanted[] = {"cpu", "memory", "pids", "io"};

int cgroup_enable_controllers(const char *root)
{
	char path[256], have[256], enabled[64] = "";
	int missing = 0;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	if (read_file(path, have, sizeof(have)) < 0) {
		log_sys("read %s", path);
		return (int)ARRAY_SIZE(wanted);
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		char cmd[16];
		int n = snprintf(cmd, sizeof(cmd), "+%s", wanted[i]);

		/* One write per controller: a missing one must not stop the
		 * others from being enabled. */
		if (write_file(path, cmd, (size_t)n, 0644) < 0) {
			log_sys("enable cgroup controller %s in %s", wanted[i], path);
			missing++;
			continue;
		}
		strncat(enabled, " ", sizeof(enabled) - strlen(enabled) - 1);
		strncat(enabled, wanted[i], sizeof(enabled) - strlen(enabled) - 1);
	}
	have[strcspn(have, "\n")] = '\0';
	log_info("cgroup2: controllers available: %s; enabled for children:%s",
		 have, enabled);
	return missing;
}

static int write_attr(const char *dir, const char *attr, const char *val,
		      char *why, size_t whylen)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	if (write_file(p, val, strlen(val), 0644) < 0) {
		snprintf(why, whylen, "write '%s' to %s", val, p);
		return -1;
	}
	return 0;
}

const char *cgroup_v2_root(void)
{
	static const char *const where[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	struct statfs st;

	for (size_t i = 0; i < ARRAY_SIZE(where); i++)
		if (statfs(where[i], &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
			return where[i];
	return NULL;
}

static int apply_limits(const char *path, const struct cgroup_limits *l, char *why,
			size_t whylen)
{
	char val[64];

	snprintf(val, sizeof(val), "%lld", l->memory_max);
	if (l->memory_max) {
		char swap[512];

		if (write_attr(path, "memory.max", val, why, whylen) < 0)
			return -1;
		/* Docker's mem_limit also caps swap; the file exists only
		 * on kernels with swap support. */
		snprintf(swap, sizeof(swap), "%s/memory.swap.max", path);
		if (access(swap, F_OK) == 0 &&
		    write_attr(path, "memory.swap.max", "0", why, whylen) < 0)
			return -1;
	}
	snprintf(val, sizeof(val), "%ld %ld", l->cpu_quota_us, l->cpu_period_us);
	if (l->cpu_quota_us && write_attr(path, "cpu.max", val, why, whylen) < 0)
		return -1;
	snprintf(val, sizeof(val), "%ld", l->pids_max);
	if (l->pids_max && write_attr(path, "pids.max", val, why, whylen) < 0)
		return -1;
	return 0;
}

int cgroup_create(const char *name, const struct cgroup_limits *l,
		  char *path, size_t len, char *why, size_t whylen)
{
	const char *root = cgroup_v2_root();
	char have[256] = "", parent[256];
	int controllers = 1, existed = 0;

	if (!root) {
		snprintf(why, whylen, "no cgroup v2 hierarchy (at /sys/fs/cgroup or "
			 "/sys/fs/cgroup/unified) to attach the device policy to");
		errno = ENOENT;
		return -1;
	}
	snprintf(parent, sizeof(parent), "%s/cgroup.controllers", root);
	if (read_file(parent, have, sizeof(have)) < 0)
		have[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++)
		if (!strstr(have, wanted[i]))
			controllers = 0;
	/* hostd's own subtree, with every controller passed down to it. */
	snprintf(parent, sizeof(parent), "%s/hostd", root);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
		snprintf(why, whylen, "mkdir %s", parent);
		return -1;
	}
	if (controllers &&
	    (write_attr(root, "cgroup.subtree_control", "+cpu +memory +pids +io", why, whylen) < 0 ||
	     write_attr(parent, "cgroup.subtree_control", "+cpu +memory +pids +io", why, whylen) < 0))
		return -1;
	snprintf(path, len, "%s/%s", parent, name);
	if (mkdir(path, 0755) < 0) {
		if (errno != EEXIST) {
			snprintf(why, whylen, "mkdir %s", path);
			return -1;
		}
		/* Kept from the last start (its processes were still going
		 * when it was to be removed): used again, with the device
		 * program it already has. */
		existed = 1;
	}
	if ((!existed || devices_attached(path) <= 0) && devices_attach(path, why, whylen) < 0) {
		int e = errno;

		if (!existed)
			rmdir(path);
		errno = e;
		return -1;
	}
	if (!(l->memory_max || l->cpu_quota_us || l->pids_max))
		return 0;
	if (!controllers) {
		snprintf(why, whylen, "%s lacks the cpu, memory, pids or io controller "
			 "(it has: %s)", root, have[0] ? strtok(have, "\n") : "none");
		return 1;
	}
	return apply_limits(path, l, why, whylen);
}

int cgroup_remove(const char *path)
{
	char kill[512];

	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return -1;
	/* Processes are still in it (a pid namespace dies child by child):
	 * kill what is left (cgroup.kill, 5.14+), then try once more. The
	 * next start reuses the group if it is still there. */
	snprintf(kill, sizeof(kill), "%s/cgroup.kill", path);
	write_file(kill, "1", 1, 0644);
	return rmdir(path);
}
