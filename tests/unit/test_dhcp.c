#include <arpa/inet.h>
#include <string.h>

#include "init/dhcp.h"
#include "runtime/net.h"
#include "unit.h"

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* A reply as a server would send it, built by hand from RFC 2131. */
static size_t reply(uint8_t *b, uint32_t xid, int type, const uint8_t *opts,
		    size_t olen)
{
	uint32_t nx = htonl(xid);
	uint8_t yi[4] = {10, 0, 2, 15};

	memset(b, 0, 600);
	b[0] = 2, b[1] = 1, b[2] = 6;
	memcpy(b + 4, &nx, 4);
	memcpy(b + 16, yi, 4);
	memcpy(b + 28, mac, 6);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
	b[240] = 53, b[241] = 1, b[242] = (uint8_t)type;
	memcpy(b + 243, opts, olen);
	b[243 + olen] = 255;
	return 244 + olen;
}

void test_dhcp(void)
{
	uint8_t b[600];
	struct in_addr none = {0}, req, srv;
	struct dhcp_lease l;
	size_t n;
	static const uint8_t opts[] = {
		1, 4, 255, 255, 255, 0,		/* mask */
		3, 4, 10, 0, 2, 2,		/* router */
		6, 8, 10, 0, 2, 3, 1, 1, 1, 1,	/* two dns */
		51, 4, 0, 1, 81, 128,		/* lease 86400 */
		54, 4, 10, 0, 2, 2,		/* server id */
		0,				/* a pad */
	};

	/* DISCOVER: BOOTREQUEST, broadcast flag, our xid and MAC, type 1. */
	n = dhcp_build(b, DHCP_DISCOVER, 0xdeadbeef, mac, none, none, none);
	CHECK(n >= 300);
	CHECK(b[0] == 1 && b[10] == 0x80);
	CHECK(b[4] == 0xde && b[7] == 0xef);
	CHECK(!memcmp(b + 28, mac, 6));
	CHECK(b[240] == 53 && b[241] == 1 && b[242] == DHCP_DISCOVER);

	/* REQUEST carries the requested address (50) and server id (54). */
	inet_aton("10.0.2.15", &req);
	inet_aton("10.0.2.2", &srv);
	n = dhcp_build(b, DHCP_REQUEST, 1, mac, none, req, srv);
	CHECK(b[242] == DHCP_REQUEST);
	CHECK(b[243] == 50 && b[244] == 4 && !memcmp(b + 245, &req, 4));
	CHECK(b[249] == 54 && !memcmp(b + 251, &srv, 4));
	/* Renewing: ciaddr set, no broadcast flag. */
	n = dhcp_build(b, DHCP_REQUEST, 1, mac, req, none, none);
	CHECK(b[10] == 0 && !memcmp(b + 12, &req, 4));

	n = reply(b, 7, DHCP_ACK, opts, sizeof(opts));
	CHECK(dhcp_parse(b, n, 7, mac, &l) == 0);
	CHECK(l.type == DHCP_ACK);
	CHECK(!strcmp(inet_ntoa(l.addr), "10.0.2.15"));
	CHECK(!strcmp(inet_ntoa(l.router), "10.0.2.2"));
	CHECK(!strcmp(inet_ntoa(l.server), "10.0.2.2"));
	CHECK(l.ndns == 2 && !strcmp(inet_ntoa(l.dns[1]), "1.1.1.1"));
	CHECK(l.lease_s == 86400 && l.t1_s == 43200);
	CHECK(net_mask_prefix(l.mask) == 24);

	/* Not for us: wrong xid, wrong MAC, a request, a truncated option. */
	CHECK(dhcp_parse(b, n, 8, mac, &l) < 0);
	b[33] ^= 1;
	CHECK(dhcp_parse(b, n, 7, mac, &l) < 0);
	b[33] ^= 1;
	b[0] = 1;
	CHECK(dhcp_parse(b, n, 7, mac, &l) < 0);
	b[0] = 2;
	CHECK(dhcp_parse(b, 250, 7, mac, &l) < 0);
	CHECK(dhcp_parse(b, 100, 7, mac, &l) < 0);

	/* Defaults: no lease time, no mask. */
	n = reply(b, 9, DHCP_OFFER, (const uint8_t *)"", 0);
	CHECK(dhcp_parse(b, n, 9, mac, &l) == 0);
	CHECK(l.type == DHCP_OFFER && l.lease_s == 3600 && l.t1_s == 1800);
	CHECK(net_mask_prefix(l.mask) == 24);

	inet_aton("255.255.0.0", &req);
	CHECK(net_mask_prefix(req) == 16);
	inet_aton("255.0.255.0", &req);
	CHECK(net_mask_prefix(req) == -1);
	inet_aton("255.255.255.255", &req);
	CHECK(net_mask_prefix(req) == 32);
}
