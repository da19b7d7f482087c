/* proxy_int: what the published ports' files share (proxy.c: listeners;
 * proxy_tcp.c: the TCP relay; proxy_pool.c: the pool's limits per client
 * and the idle sweep; proxy_udp.c: UDP flows). The limits below are the
 * contract of proxy.h in numbers. Not for any other file. */
#ifndef HOSTD_PROXY_INT_H
#define HOSTD_PROXY_INT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "supervise/loop.h"


#define MAX_LISTEN 32
/* The pool. A relayed connection holds two sockets and, while bytes wait
 * for a slow reader, a pipe each way: 6 fds at worst, so 128 of them take
 * 768 of the 1024 fds PID 1 starts with (RLIMIT_NOFILE, which every
 * container inherits: not raised here), and hostd keeps the rest for its
 * own work (about 20 fds plus a few per service). A bigger pool would need
 * that limit raised, and the stack's services take fewer anyway (vsftpd
 * 10 sessions). One address may hold half of it (PER_CLIENT): the other
 * half is always there for everyone else, and once two addresses fill the
 * pool, reclaiming decides (make_room). */
#define MAX_CONNS 128
#define PER_CLIENT 64
/* A connection that moved a byte (it, or its address through another port
 * of the same container: conn_last) less than this ago is in use: it is
 * reclaimed last, and only for an address holding fewer (make_room). */
#define RECLAIM_MS 1000
/* Idle limits (see conn_limit), HOSTD_PROXY_TIMEOUTS=SILENT,IDLE,DONE (ms)
 * otherwise. Silent: a connection that has carried no byte either way.
 * A TLS client sends its ClientHello at once and an FTP server its banner,
 * so a legitimate one carries bytes within a round trip; 10 s is that
 * plus retransmissions, and what Chromium gives a preconnected socket it
 * has not used before closing it itself. Nothing has been relayed, so
 * cutting it loses nothing: it is the slowloris case. */
#define SILENT_MS 10000
/* Idle: nothing either way on a connection in use. nginx's stream proxy
 * waits 10 minutes by default (proxy_timeout); the services close their
 * own idle clients first, and the relay passes that on: vsftpd after 300 s
 * (idle_session_timeout), nginx after 65 s (keepalive_timeout). So this
 * catches only what they do not: a service without a limit of its own, a
 * client gone without a word. FTP's control connection says nothing during
 * a transfer of any length: conn_last counts its data connection's bytes. */
#define IDLE_MS 600000
/* Done: the container has closed its side, and the client neither sends
 * nor closes its own. Linux forgets an orphaned connection in FIN_WAIT2
 * after a minute (tcp_fin_timeout); so does the relay, without which a
 * client could keep every connection vsftpd answered "421 too many users"
 * and closed. */
#define DONE_MS 60000
#define MAX_FLOWS 64
/* Empty pipes kept open for the next connection; the rest are closed. */
#define MAX_IDLE_PIPES 16
/* A pipe's size, and so the most one splice moves: 64 KiB (the default)
 * moves half as much per wake-up; 1 MiB no more (bench/ports). */
#define PIPE_SIZE (256 << 10)
/* Work done for one wake-up of a listener, so one busy port cannot hold
 * hostd's loop. */
#define BURST 64
#define UDP_IDLE_MS 30000
#define PAUSE_MS 100
/* A container on the bridge answers a SYN in well under a millisecond; one
 * that has not in 5 s (two retransmissions) is down or gone, and a client
 * waiting on it holds a slot of the pool. */
#define CONNECT_MS 5000

#define OWNER(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct listener {
	struct watch w;
	struct in_addr dst;
	unsigned short port, host_port;
	int paused;
	char svc[64];
};

/* One socket of a relayed connection and what epoll waits for on it. */
struct end {
	struct watch w;
	uint32_t ev;
	int in_loop;
	/* The socket reported EPOLLHUP: epoll reports that for as long as it
	 * holds, so the socket leaves the epoll set whenever it has nothing
	 * to wait for. */
	int hup;
};

/* One direction of a connection: bytes read from one side and not yet
 * written to the other wait in a pipe borrowed for as long as it holds
 * any. */
struct half {
	int pipe[2];
	size_t len;
	int eof, shut;
	/* The last splice into the pipe found no room: read again once it
	 * has been emptied, not when the socket is readable. */
	int full;
};

/* A client address with connections in the pool. */
struct peer {
	struct in_addr addr;
	int n;			/* its connections in the pool; 0: the entry is free */
	long long last[MAX_LISTEN];	/* now_ms() of its last byte through each listener */
};

struct conn {
	struct end client, upstream;
	struct half up, down;	/* client->upstream, upstream->client */
	const struct listener *l;
	struct peer *peer;
	long long since;	/* now_ms() when the connection to the container began */
	long long last;		/* now_ms() of its last byte either way (since, until one) */
	int used, connected;
	int carried;		/* a byte has moved, either way */
};

/* A UDP client of a published port and its socket connected to the
 * container. */
struct flow {
	struct watch w;
	const struct listener *l;
	struct sockaddr_in peer;
	struct in_addr local;	/* where the client sent to: replies leave from it */
	long long last;		/* now_ms() of the last datagram either way */
	int used;
};

/* The listeners and the TCP pool: proxy.c defines them. */
struct proxy_tables {
	struct listener listeners[MAX_LISTEN];
	int nlisteners;
	struct conn conns[MAX_CONNS];
	struct peer peers[MAX_CONNS];
};

extern struct proxy_tables proxy_tables;

/* proxy.c. A warning a peer can provoke at will: at most one a second. */
void proxy_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A peer resetting or going away is how connections end, not news. */
int proxy_quiet_errno(int e);
/* accept(2) or recvmsg(2) failed for lack of fds or memory: stop waiting
 * on l for a moment (the reason is errno's). */
void proxy_pause_listener(struct listener *l, const char *what);

/* proxy_tcp.c: a TCP listener's event; closing a connection (reset: RST,
 * not FIN). */
void proxy_accept_event(struct watch *w, uint32_t events);
void proxy_conn_close(struct conn *c, int reset);

/* proxy_pool.c: the slot for a new connection from a to l (room made if
 * need be), or NULL; its address's entry; when c is due to be reset and
 * which limit applies; have the sweep run by due; HOSTD_PROXY_TIMEOUTS. */
struct conn *proxy_conn_slot(const struct listener *l, struct in_addr a);
struct peer *proxy_peer_get(struct in_addr a);
long long proxy_conn_due(const struct conn *c);
int proxy_conn_stage(const struct conn *c);
void proxy_sweep_at(long long due);
void proxy_load_timeouts(void);

/* proxy_udp.c: a UDP listener's event. */
void proxy_datagram_event(struct watch *w, uint32_t events);

#endif
