#include <string.h>

#include <arpa/inet.h>

#include "runtime/log.h"
#include "runtime/net.h"
#include "supervise/svc.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include "unit.h"

void test_misc(void)
{
	char line[128];

	/* Restart backoff: 1 s, doubling on quick deaths, capped at 30 s,
	 * back to 1 s after a stable run. */
	CHECK(svc_next_backoff(0, 0) == 1000);
	CHECK(svc_next_backoff(1000, 200) == 2000);
	CHECK(svc_next_backoff(16000, 200) == 30000);
	CHECK(svc_next_backoff(30000, 200) == 30000);
	CHECK(svc_next_backoff(30000, SVC_STABLE_MS) == 1000);

	log_format(line, sizeof(line), 1.5, LOG_INFO, "ready");
	CHECK(!strcmp(line, "[     1.500] hostd: ready"));
	log_format(line, sizeof(line), 12.25, LOG_ERR, "mount x: EIO");
	CHECK(!strcmp(line, "[    12.250] hostd: error: mount x: EIO"));
	/* Truncation keeps the line within the buffer. */
	CHECK(log_format(line, 10, 1.0, LOG_INFO, "long message") == 9);

	/* A container's MAC follows its address, so a restart keeps it. */
	{
		struct in_addr ip;
		unsigned char mac[6];
		static const unsigned char want[6] = { 0x02, 0x42, 172, 18, 0, 9 };

		inet_pton(AF_INET, "172.18.0.9", &ip);
		net_mac_for(ip, mac);
		CHECK(!memcmp(mac, want, 6));
	}
}

/* The test's own read of a whole (small) file, NUL-terminated: the unit
 * tests link pure files only, so not common/util.c's read_file. */
static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t got;

	if (!f)
		return -1;
	got = fread(buf, 1, cap - 1, f);
	buf[got] = '\0';
	fclose(f);
	return (ssize_t)got;
}

/* The ring file stays under its cap: the old part moves to <path>.1. */
void test_log_ring(void)
{
	char dir[] = "/tmp/hostd-unit.XXXXXX", path[64], old[64], buf[4096];
	struct stat st;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/hostd.log", dir);
	snprintf(old, sizeof(old), "%s/hostd.log.1", dir);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	dup2(null, 2);	/* the console copy of these lines is noise here */
	log_open_file(path, 300);
	for (int i = 0; i < 20; i++)
		log_info("ring line %d", i);
	dup2(saved, 2);
	close(saved);
	close(null);
	CHECK(stat(path, &st) == 0 && st.st_size <= 300);
	CHECK(stat(old, &st) == 0 && st.st_size <= 300);
	CHECK(slurp(path, buf, sizeof(buf)) > 0 && strstr(buf, "ring line 19"));
	log_open_file("/dev/null", 0);
	unlink(path);
	unlink(old);
	rmdir(dir);
}
