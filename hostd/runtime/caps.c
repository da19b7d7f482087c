/* caps: see caps.h. Raw capset(2): no libcap in a static PID 1. */
#include "runtime/caps.h"

#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <stddef.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/plan.h"

/* The names are the plan format's (plan.c), the one table of them. */
int caps_from_name(const char *name)
{
	char up[32];
	size_t i;

	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (i = 0; name[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	if (name[i])
		return -1;
	up[i] = '\0';
	return plan_cap_number(up);
}

const char *caps_name(int cap)
{
	return plan_cap_name(cap);
}

int caps_bound(uint64_t keep, const char **step)
{
	/* The bounding set needs CAP_SETPCAP, which we still have. */
	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) {
			*step = "drop capability from the bounding set";
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL) {
		*step = "clear ambient capabilities";
		return -1;
	}
	return 0;
}

int caps_limit(uint64_t keep, const char **step)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	uint64_t have;

	if (syscall(SYS_capget, &hdr, data) < 0) {
		*step = "capget";
		return -1;
	}
	have = data[0].permitted | (uint64_t)data[1].permitted << 32;
	keep &= have;
	data[0].effective = data[0].permitted = data[0].inheritable = (uint32_t)keep;
	data[1].effective = data[1].permitted = data[1].inheritable =
		(uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0) {
		*step = "capset";
		return -1;
	}
	return 0;
}
