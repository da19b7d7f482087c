/* layer: see layer.h. Mounts a layer file (its type from layer_type.c). */
#include "common/layer.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/userns.h"

int layer_mount(const char *file, const char *dir, int userns_fd, char *err, size_t errlen)
{
	struct loop_config cfg;
	unsigned char head[1028];
	const char *type;
	char dev[32];
	int ctl = -1, nr, lfd = -1, ffd, e;
	ssize_t got;

	if ((ffd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "open layer %s", file);
		return -1;
	}
	got = pread(ffd, head, sizeof(head), 0);
	if (got < 0) {
		snprintf(err, errlen, "read layer %s", file);
		goto fail;
	}
	type = layer_type(head, (size_t)got);
	if (!type) {
		errno = EINVAL;
		snprintf(err, errlen, "layer %s is neither an EROFS nor a squashfs image", file);
		goto fail;
	}
	if (userns_fd >= 0 && !strcmp(type, "squashfs")) {
		errno = EINVAL;
		snprintf(err, errlen, "layer %s is squashfs, which this kernel cannot id-map for "
			 "a user namespace (EROFS layers can be)", file);
		goto fail;
	}
	/* Another process may take the free device first: try again then. */
	for (int tries = 0;; tries++) {
		if ((ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) < 0) {
			snprintf(err, errlen, "open /dev/loop-control for layer %s", file);
			goto fail;
		}
		nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		e = errno;
		close(ctl);
		if (nr < 0) {
			errno = e;
			snprintf(err, errlen, "find a free loop device for layer %s", file);
			goto fail;
		}
		snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
		if ((lfd = open(dev, O_RDONLY | O_CLOEXEC)) < 0) {
			snprintf(err, errlen, "open %s for layer %s", dev, file);
			goto fail;
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = (unsigned)ffd;
		cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
			break;
		e = errno;
		close(lfd);
		lfd = -1;
		errno = e;
		if (e != EBUSY || tries >= 8) {
			snprintf(err, errlen, "attach layer %s to %s", file, dev);
			goto fail;
		}
	}
	if (userns_fd >= 0 ? userns_mount_dev(dev, type, dir, userns_fd) :
			     mount(dev, dir, type, MS_RDONLY | MS_NODEV | MS_NOSUID, NULL)) {
		e = errno;
		snprintf(err, errlen, "mount layer %s (%s, %s%s) on %s", file, dev, type,
			 userns_fd >= 0 ? ", id-mapped" : "", dir);
		close(lfd);
		close(ffd);
		errno = e;
		return -1;
	}
	/* The mount holds the device now; autoclear frees it after. */
	close(lfd);
	close(ffd);
	return 0;
fail:
	e = errno;
	close(ffd);
	errno = e;
	return -1;
}
