/* cgroup: see cgroup.h. */
#include "cgroup.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

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
