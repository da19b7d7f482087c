/* caps: see caps.h. Raw capset(2): no libcap in a static PID 1. */
#include "caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

uint64_t caps_docker_default(void)
{
	/* moby's oci/caps/defaults.go, in kernel numbering. */
	static const int docker[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
		CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
		CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
	};
	uint64_t m = 0;

	for (unsigned i = 0; i < sizeof(docker) / sizeof(docker[0]); i++)
		m |= 1ULL << docker[i];
	return m;
}

int caps_limit(uint64_t keep, const char **step)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	int last = CAP_LAST_CAP;

	/* Bounding set first: it needs CAP_SETPCAP, which we still have. */
	for (int c = 0; c <= last; c++) {
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
	data[0].effective = data[0].permitted = data[0].inheritable = (uint32_t)keep;
	data[1].effective = data[1].permitted = data[1].inheritable =
		(uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0) {
		*step = "capset";
		return -1;
	}
	return 0;
}
