/* userns_map: see userns.h. An id's number inside a user namespace, from
 * the text of its uid_map or gid_map: text in, a number out; it never
 * reads /proc (userns.c does).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/userns.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int userns_map_inside(const char *map, unsigned long id, unsigned long *inside)
{
	const char *p = map;

	while (p && *p) {
		unsigned long in, out, count;
		char *e;

		in = strtoul(p, &e, 10);
		if (e == p)
			break;
		p = e;
		out = strtoul(p, &e, 10);
		if (e == p)
			break;
		p = e;
		count = strtoul(p, &e, 10);
		if (e == p)
			break;
		if (id >= out && id - out < count) {
			*inside = in + (id - out);
			return 0;
		}
		p = strchr(e, '\n');
		if (p)
			p++;
	}
	errno = ERANGE;
	return -1;
}
