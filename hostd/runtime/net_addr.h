/* net_addr: the address arithmetic of a container's network (pure; the
 * netlink side is net.h, which includes this). */
#ifndef HOSTD_NET_ADDR_H
#define HOSTD_NET_ADDR_H

#include <netinet/in.h>

/* A container address's MAC: 02:42 then the address's four bytes (the
 * scheme Docker's bridge driver made familiar). The same address keeps the same MAC across restarts, so the
 * neighbours' ARP caches stay right and a restarted service is reachable
 * at once, not after their stale entries time out. */
void net_mac_for(struct in_addr ip, unsigned char mac[6]);

/* Count of leading one bits in a netmask, or -1 if it is not contiguous. */
int net_mask_prefix(struct in_addr mask);

#endif
