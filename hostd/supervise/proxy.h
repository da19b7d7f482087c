/* proxy: published ports. For each `publish HOST:PORT[/udp]` of a service,
 * hostd listens on HOST in its own network namespace (the VM's eth0 and
 * loopback) and relays to the container's address and PORT, as
 * docker-proxy does. Nothing else from outside reaches a container.
 *
 * TCP: each connection is relayed with splice(2) through a pipe, so the
 * bytes never pass through hostd's memory (bench/ports: twice the
 * throughput of read/write at a third of the CPU). Half-closes are passed
 * on, urgent data goes inline, and a client is reset, not left hanging,
 * when the container refuses or has not answered in 5 s (down, or gone).
 * 128 connections at once across all ports, 64 of them from one address
 * at most. Past either limit the newcomer takes the place of an idle
 * connection (its own address's at its cap, else the address holding the
 * most), or is reset if none is idle. A connection is reset after 10 s
 * without a byte either way, 10 minutes idle (counting its address's bytes
 * through another port of the same container: FTP's data connections),
 * or a minute idle once the container has closed its side
 * (HOSTD_PROXY_TIMEOUTS=SILENT,IDLE,DONE in ms replaces these three).
 *
 * UDP: each client address gets a socket connected to the container, kept
 * while it is used and forgotten after 30 s of silence (64 clients at
 * once; past that the longest silent is forgotten); answers go back from
 * the address the client sent to. A datagram that cannot be sent at once
 * is dropped, as the network may.
 *
 * Connections, flows and pipes come from fixed tables: no allocation, and
 * the event loop never blocks on a slow peer. Warnings a peer can provoke
 * are logged once a second at most. */
#ifndef HOSTD_PROXY_H
#define HOSTD_PROXY_H

#include <netinet/in.h>

/* Start relaying TCP host_port to dst:port for service svc. Returns 0 or
 * -1 (logged: the port is taken, too many listeners ...). */
int proxy_publish(const char *svc, unsigned short host_port, struct in_addr dst,
		  unsigned short port);
/* The same for UDP datagrams. */
int proxy_publish_udp(const char *svc, unsigned short host_port, struct in_addr dst,
		      unsigned short port);

#endif
