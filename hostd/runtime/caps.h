/* caps: a container's capability set. Called in a container's init just
 * before exec; root inside keeps only what it is given: Docker's default
 * set less CAP_MKNOD (no CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_NET_ADMIN ...),
 * plus what a service's cap_add asks for. */
#ifndef HOSTD_CAPS_H
#define HOSTD_CAPS_H

#include <stdint.h>

#include "common/plan.h"

/* The highest capability number this code knows (6.1's CAP_LAST_CAP). */
#define CAPS_LAST PLAN_CAP_LAST

/* Docker's default capability set, as a bit mask of CAP_* numbers. */
uint64_t caps_docker_default(void);
/* A container's default here: Docker's without CAP_MKNOD (no device node
 * a container could make would be usable: devices.h), unless cap_add
 * asks for it. */
uint64_t caps_container_default(void);
/* The number of a capability named with or without "CAP_", any case
 * ("net_admin", "CAP_NET_ADMIN"); -1 if unknown. */
int caps_from_name(const char *name);
/* Its name without the prefix ("NET_ADMIN"), or NULL. */
const char *caps_name(int cap);
/* First, while the process may still change its user: drop every
 * capability outside keep from the bounding set and clear the ambient
 * set. Returns 0 or -1 with errno; *step names what failed. */
int caps_bound(uint64_t keep, const char **step);
/* Then, after the switch to the container's user: reduce the permitted,
 * effective and inheritable sets to keep (a user other than root already
 * lost them when it became that user, as under Docker). Returns 0 or -1
 * with errno; *step names what failed. */
int caps_limit(uint64_t keep, const char **step);

#endif
