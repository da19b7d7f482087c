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

