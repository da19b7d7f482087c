/* net: the VM's own network: loopback, eth0's address and default route,
 * all over raw rtnetlink (no ip binary, no libnl), as bubblewrap brings
 * loopback up. Each call is one request and its acknowledgement; the kernel
 * answers at once, so these never wait on the network. */
#ifndef HOSTD_NET_H
#define HOSTD_NET_H

#include <netinet/in.h>
#include <sys/types.h>

#include "runtime/net_addr.h"

int net_link_up(const char *ifname);
int net_addr_add(const char *ifname, struct in_addr addr, int prefix);
int net_route_default(const char *ifname, struct in_addr gw);
/* Create a bridge; returns 0, 1 if it already existed, or -1. */
int net_bridge_add(const char *name);
/* Create a veth pair: host_if here, peer_if in the network namespace of
 * process peer_pid. */
int net_veth_add(const char *host_if, const char *peer_if, pid_t peer_pid,
		 const unsigned char *peer_mac);
int net_link_set_master(const char *ifname, const char *master);

#endif
