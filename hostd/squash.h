/* squash: mount a squashfs image file read-only through a free loop
 * device (autoclear: the device goes when the mount does). Used by the
 * runtime for image layers and by the builder. */
#ifndef HOSTD_SQUASH_H
#define HOSTD_SQUASH_H

#include <stddef.h>

/* 0, or -1 with errno and the failing step in err ("attach layer F to
 * /dev/loopN"). */
int squash_mount(const char *file, const char *dir, char *err, size_t errlen);

#endif
