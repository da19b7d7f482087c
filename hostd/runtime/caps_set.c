/* caps_set: the default capability sets of caps.h (Docker's, and a
 * container's here), as bit masks. Numbers only: it never calls capset,
 * prctl or anything else of the kernel's (caps.c applies a set).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "runtime/caps.h"

#include <linux/capability.h>

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

uint64_t caps_container_default(void)
{
	return caps_docker_default() & ~(1ULL << CAP_MKNOD);
}
