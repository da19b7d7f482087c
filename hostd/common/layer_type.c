/* layer_type: see layer.h. Which filesystem a layer file holds, from its
 * first bytes: bytes in, a name out; it never opens or reads the file
 * (layer.c does, and mounts it).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/layer.h"

#include <string.h>

const char *layer_type(const unsigned char *head, size_t len)
{
	/* EROFS: its superblock at 1024, magic 0xE0F5E1E2 little-endian. */
	if (len >= 1028 && head[1024] == 0xe2 && head[1025] == 0xe1 && head[1026] == 0xf5 &&
	    head[1027] == 0xe0)
		return "erofs";
	if (len >= 4 && !memcmp(head, "hsqs", 4))
		return "squashfs";
	return NULL;
}
