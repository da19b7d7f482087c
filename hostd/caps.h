/* caps: reduce a process's capabilities to Docker's default set. Called in
 * a container's init just before exec; root inside keeps only what Docker
 * grants (no CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_NET_ADMIN ...). */
#ifndef HOSTD_CAPS_H
#define HOSTD_CAPS_H

#include <stdint.h>

/* Docker's default capability set, as a bit mask of CAP_* numbers. */
uint64_t caps_docker_default(void);
/* Drop every capability outside keep from the bounding, permitted,
 * effective and inheritable sets, and clear the ambient set. Returns 0 or
 * -1 with errno; *step names what failed. */
int caps_limit(uint64_t keep, const char **step);

#endif
