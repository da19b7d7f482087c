/* disk: see disk.h. Reads devices; never writes them. What their first
 * bytes say is disk_label.c's. */
#include "init/disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/log.h"
#include "common/util.h"

static uint8_t probe[DISK_PROBE_BYTES];

/* Read the first bytes of /dev/<name>; returns the count read or -1. */
static ssize_t read_head(const char *name)
{
	char path[300];
	size_t got = 0;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (got < sizeof(probe)) {
		ssize_t n = read(fd, probe + got, sizeof(probe) - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return (ssize_t)got;
}

static long sys_long(const char *sysroot, const char *name, const char *attr)
{
	char path[512], buf[32];

	snprintf(path, sizeof(path), "%s/class/block/%s/%s", sysroot, name, attr);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static int has_partitions(const char *sysroot, const char *disk)
{
	char path[512];
	DIR *d;
	struct dirent *de;
	size_t n = strlen(disk);
	int found = 0;

	snprintf(path, sizeof(path), "%s/class/block/%s", sysroot, disk);
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, disk, n) && de->d_name[n])
			found = 1;
	closedir(d);
	return found;
}

enum disk_found disk_find(const char *sysroot, const char *label, char *dev,
			  size_t cap)
{
	char path[512], blank[64] = "";
	DIR *d;
	struct dirent *de;
	enum disk_found ret = DISK_NONE;

	snprintf(path, sizeof(path), "%s/class/block", sysroot);
	if (!(d = opendir(path))) {
		log_sys("open %s", path);
		return DISK_NONE;
	}
	while ((de = readdir(d)) && ret == DISK_NONE) {
		const char *n = de->d_name;
		char got[17];
		ssize_t len;
		int is_part;

		if (n[0] == '.' || !strncmp(n, "loop", 4) || !strncmp(n, "ram", 3) ||
		    !strncmp(n, "sr", 2) || sys_long(sysroot, n, "size") <= 0)
			continue;
		if ((len = read_head(n)) < 0)
			continue;
		if (disk_ext_label(probe, (size_t)len, got, sizeof(got))) {
			if (!strcmp(got, label)) {
				snprintf(dev, cap, "/dev/%s", n);
				ret = DISK_LABELED;
			}
			continue;
		}
		is_part = sys_long(sysroot, n, "partition") > 0;
		if (!is_part && !blank[0] && sys_long(sysroot, n, "ro") == 0 &&
		    !has_partitions(sysroot, n) && len == DISK_PROBE_BYTES &&
		    disk_is_blank(probe, (size_t)len))
			snprintf(blank, sizeof(blank), "/dev/%s", n);
	}
	closedir(d);
	if (ret == DISK_NONE && blank[0]) {
		snprintf(dev, cap, "%s", blank);
		ret = DISK_BLANK;
	}
	return ret;
}
