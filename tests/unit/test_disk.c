#include <string.h>

#include "init/disk.h"
#include "unit.h"

static uint8_t buf[4096];

void test_disk(void)
{
	char label[17];

	memset(buf, 0, sizeof(buf));
	CHECK(disk_is_blank(buf, sizeof(buf)));
	CHECK(!disk_ext_label(buf, sizeof(buf), label, sizeof(label)));

	/* An ext4 superblock: magic 0xEF53 at 1024+0x38, label at +0x78. */
	buf[1024 + 0x38] = 0x53;
	buf[1024 + 0x39] = 0xEF;
	memcpy(buf + 1024 + 0x78, "inception-data", 14);
	CHECK(!disk_is_blank(buf, sizeof(buf)));
	CHECK(disk_ext_label(buf, sizeof(buf), label, sizeof(label)));
	CHECK(!strcmp(label, "inception-data"));
	/* A full 16-byte label has no NUL in the superblock. */
	memcpy(buf + 1024 + 0x78, "0123456789abcdef", 16);
	CHECK(disk_ext_label(buf, sizeof(buf), label, sizeof(label)));
	CHECK(!strcmp(label, "0123456789abcdef"));
	/* Too short to hold a superblock. */
	CHECK(!disk_ext_label(buf, 1100, label, sizeof(label)));
	buf[1024 + 0x38] = 0;
	CHECK(!disk_ext_label(buf, sizeof(buf), label, sizeof(label)));
	buf[0] = 1;
	memset(buf + 1024, 0, 200);
	CHECK(!disk_is_blank(buf, sizeof(buf)));
}
