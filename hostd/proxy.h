/* proxy: published ports. For each `publish HOST:PORT` of a service, hostd
 * listens on HOST in its own network namespace (the VM's eth0 and
 * loopback) and relays every TCP connection to the container's address
 * and PORT, as docker-proxy does. Nothing else from outside reaches a
 * container. Connections and buffers come from a fixed pool: no
 * allocation, and the event loop never blocks on a slow peer. */
#ifndef HOSTD_PROXY_H
#define HOSTD_PROXY_H

#include <netinet/in.h>

/* Start relaying host_port to dst:port for service svc. Returns 0 or -1
 * (logged: the port is taken, too many listeners ...). */
int proxy_publish(const char *svc, unsigned short host_port, struct in_addr dst,
		  unsigned short port);

#endif
