/* container_user_resolve (hostd/user.c): a user spec (Dockerfile USER,
 * compose user:, --chown) against an image's /etc/passwd and /etc/group,
 * which the image's author wrote. Input: spec NUL passwd NUL group; a
 * missing part is a missing file (NULL). */
#include "fuzz.h"
#include "common/user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *part[3], err[256];
	size_t len[3];
	struct container_user *u = malloc(sizeof(*u));

	if (!u)
		abort();
	fz_split(data, size, part, len, 3);
	if (container_user_resolve(part[0], part[1], part[2], u, err, sizeof(err)) == 0) {
		if (u->ngroups < 0 || u->ngroups > CONTAINER_MAX_GROUPS ||
		    !memchr(u->home, '\0', sizeof(u->home)))
			abort();
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	fz_free_parts(part, 3);
	free(u);
	return 0;
}
