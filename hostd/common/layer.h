/* layer: mount an image layer file read-only through a free loop device
 * (autoclear: the device goes when the mount does). A layer is an EROFS
 * image (what hostd-build makes) or a squashfs one, told apart by their
 * magic numbers. Used by the runtime and by the builder.
 *
 * With a user namespace descriptor the mount is id-mapped through it, so
 * the layer's root-owned files show as the container's root. The 6.1
 * kernel can id-map EROFS but not squashfs: a squashfs layer is then
 * refused with that reason. */
#ifndef HOSTD_LAYER_H
#define HOSTD_LAYER_H

#include <stddef.h>

/* Mount file on dir (userns_fd -1: not id-mapped). Returns 0, or -1 with
 * errno and the failing step in err ("attach layer F to /dev/loopN"). */
int layer_mount(const char *file, const char *dir, int userns_fd, char *err, size_t errlen);

/* The filesystem type of a layer file's first bytes (at least 1028 of
 * them, or fewer for a short file): "erofs", "squashfs" or NULL. Pure. */
const char *layer_type(const unsigned char *head, size_t len);

#endif
