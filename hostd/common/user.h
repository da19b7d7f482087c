/* user: a user spec (Dockerfile USER, compose user:, --chown) resolved
 * against an image's /etc/passwd and /etc/group text, as Docker (runc)
 * does. Pure; used by the runtime in the container and by the builder. */
#ifndef HOSTD_USER_H
#define HOSTD_USER_H

#include <stddef.h>
#include <sys/types.h>

#define CONTAINER_MAX_GROUPS 256

struct container_user {
	uid_t uid;
	gid_t gid;
	gid_t groups[CONTAINER_MAX_GROUPS];	/* supplementary */
	int ngroups;
	char home[1024];		/* from /etc/passwd; "" when no entry */
};

/* Resolve a user spec (see container_spec.user) against the text of the
 * container's /etc/passwd and /etc/group (NULL for a missing file), the
 * way Docker (runc) does: a number is a uid (gid), looked up but valid
 * without an entry; a name must have one. Without a group, the gid is the
 * passwd entry's (0 with no entry) and the supplementary groups are those
 * of /etc/group that list the user's name; with one, there are none.
 * Pure: returns 0, or -1 with the reason in err ("no such user in
 * /etc/passwd"). */
int container_user_resolve(const char *spec, const char *passwd, const char *group,
			   struct container_user *u, char *err, size_t errlen);

#endif
