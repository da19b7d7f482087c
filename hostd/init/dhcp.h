/* dhcp: an IPv4 DHCP client for eth0 (RFC 2131), enough for QEMU's user
 * network and VirtualBox's NAT: DISCOVER, OFFER, REQUEST, ACK, renewal at
 * T1, and a fresh start on NAK or expiry. The packet codec is pure (buffers
 * in and out) and unit-tested; the client runs inside hostd's event loop
 * with a UDP socket bound to the interface and never blocks. */
#ifndef HOSTD_DHCP_H
#define HOSTD_DHCP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "supervise/loop.h"

enum dhcp_msg {
	DHCP_DISCOVER = 1, DHCP_OFFER, DHCP_REQUEST, DHCP_DECLINE,
	DHCP_ACK, DHCP_NAK, DHCP_RELEASE, DHCP_INFORM
};

struct dhcp_lease {
	int type;			/* enum dhcp_msg of the packet */
	struct in_addr addr;		/* yiaddr */
	struct in_addr mask, router, server, dns[3];
	int ndns;
	uint32_t lease_s, t1_s;
};

#define DHCP_PKT_MAX 576

/* Build a DISCOVER or REQUEST; ciaddr/req/server may be 0. Returns the
 * length written into buf (at least DHCP_PKT_MAX bytes). */
size_t dhcp_build(uint8_t *buf, int type, uint32_t xid, const uint8_t mac[6],
		  struct in_addr ciaddr, struct in_addr req,
		  struct in_addr server);
/* Parse a server's reply to xid from mac. Returns 0, or -1 if it is not a
 * well-formed reply for us (then it is ignored). */
int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid,
	       const uint8_t mac[6], struct dhcp_lease *out);

enum dhcp_state { DHCP_IDLE, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND,
		  DHCP_RENEWING };

struct dhcp_client {
	char ifname[16];
	uint8_t mac[6];
	uint32_t xid;
	enum dhcp_state state;
	struct watch sock;
	struct timer timer;
	int tries;
	long long expire_ms;
	struct dhcp_lease offer, lease;
	void (*on_bound)(struct dhcp_client *c);	/* first lease only */
	int bound_once;
};

int dhcp_start(struct dhcp_client *c, const char *ifname,
	       void (*on_bound)(struct dhcp_client *c));

#endif
