/* net_addr: see net_addr.h. The address arithmetic of a container's
 * network: a MAC from an IPv4 address, a netmask's prefix length. Values
 * in, values out: it never opens a socket or talks netlink (net.c does).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "runtime/net_addr.h"

#include <arpa/inet.h>
#include <string.h>

void net_mac_for(struct in_addr ip, unsigned char mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x42;
	memcpy(mac + 2, &ip.s_addr, 4);	/* network order: a.b.c.d */
}

int net_mask_prefix(struct in_addr mask)
{
	unsigned m = ntohl(mask.s_addr);
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m << n))
		return -1;
	return n;
}
