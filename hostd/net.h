/* net: the VM's own network: loopback, eth0's address and default route,
 * all over raw rtnetlink (no ip binary, no libnl), as bubblewrap brings
 * loopback up. Each call is one request and its acknowledgement; the kernel
 * answers at once, so these never wait on the network. */
#ifndef HOSTD_NET_H
#define HOSTD_NET_H

#include <netinet/in.h>

int net_link_up(const char *ifname);
int net_addr_add(const char *ifname, struct in_addr addr, int prefix);
int net_route_default(const char *ifname, struct in_addr gw);
/* Count of leading one bits in a netmask, or -1 if it is not contiguous. */
int net_mask_prefix(struct in_addr mask);

#endif
