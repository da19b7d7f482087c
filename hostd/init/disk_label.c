/* disk_label: what the first bytes of a device say, for disk.c: the
 * label of an ext2/3/4 superblock, or that it is entirely blank. It reads
 * a buffer only; the device is disk.c's to read.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "init/disk.h"

#define SB_OFF 1024
#define SB_MAGIC 0x38	/* le16 0xEF53 */
#define SB_LABEL 0x78	/* char[16] */

int disk_ext_label(const uint8_t *buf, size_t len, char *label, size_t cap)
{
	const uint8_t *sb = buf + SB_OFF;
	size_t n = 0;

	if (len < SB_OFF + SB_LABEL + 16 || sb[SB_MAGIC] != 0x53 ||
	    sb[SB_MAGIC + 1] != 0xEF)
		return 0;
	while (n < 16 && sb[SB_LABEL + n] && n + 1 < cap) {
		label[n] = (char)sb[SB_LABEL + n];
		n++;
	}
	if (cap)
		label[n] = '\0';
	return 1;
}

int disk_is_blank(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i])
			return 0;
	return 1;
}
