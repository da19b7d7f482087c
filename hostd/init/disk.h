/* disk: finding the data disk. It is the ext4 filesystem whose label is
 * the configured one (a partition or a whole disk); failing that, a whole
 * disk that is entirely blank, which hostd may then format. A disk with
 * anything on it (a partition table, any filesystem) is never formatted. */
#ifndef HOSTD_DISK_H
#define HOSTD_DISK_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a device the checks below need: its first 1 MiB. */
#define DISK_PROBE_BYTES (1024 * 1024)

/* Pure: if buf (from offset 0 of a device) holds an ext2/3/4 superblock,
 * copy its label into label and return 1; else 0. */
int disk_ext_label(const uint8_t *buf, size_t len, char *label, size_t cap);
/* Pure: 1 when every byte is zero. */
int disk_is_blank(const uint8_t *buf, size_t len);

enum disk_found { DISK_NONE, DISK_LABELED, DISK_BLANK };
/* Scan /sys/class/block (sysroot for tests) and /dev. */
enum disk_found disk_find(const char *sysroot, const char *label, char *dev,
			  size_t cap);

#endif
