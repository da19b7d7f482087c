/* proxy: see proxy.h. */
#include "supervise/proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervise/loop.h"
#include "common/util.h"

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

static struct listener listeners[MAX_LISTEN];
static int nlisteners;
static struct conn conns[MAX_CONNS];
static struct peer peers[MAX_CONNS];
static struct flow flows[MAX_FLOWS];
static int idle_pipes[MAX_IDLE_PIPES][2];
static int nidle;
static struct timer resume_timer, expire_timer, sweep_timer;
static long long silent_ms = SILENT_MS, idle_ms = IDLE_MS, done_ms = DONE_MS;
static char dgram[65536];

/* A warning a peer can provoke at will: at most one a second. */
static void warn_limited(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn_limited(const char *fmt, ...)
{
	static long long last;
	static int dropped;
	long long now = now_ms();
	char msg[600];
	va_list ap;

	if (last && now - last < 1000) {
		dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (dropped)
		log_warn("%s (and %d more warnings from published ports)", msg, dropped);
	else
		log_warn("%s", msg);
	last = now;
	dropped = 0;
}

/* A peer resetting or going away is how connections end, not news. */
static int quiet_errno(int e)
{
	return e == ECONNRESET || e == EPIPE || e == ETIMEDOUT || e == EHOSTUNREACH ||
	       e == ENETUNREACH || e == ECONNREFUSED;
}

/* ---- TCP ------------------------------------------------------------------- */

static int pipe_get(int p[2])
{
	if (nidle > 0) {
		nidle--;
		p[0] = idle_pipes[nidle][0];
		p[1] = idle_pipes[nidle][1];
		return 0;
	}
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) {
		p[0] = p[1] = -1;
		return -1;
	}
	/* A smaller pipe still works: each splice moves less. */
	if (fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE) < 0)
		warn_limited("published port: pipe of %d KiB: %s; keeping the default size",
			     PIPE_SIZE >> 10, strerror(errno));
	return 0;
}

/* Give a pipe back; one still holding bytes is closed, never reused. */
static void pipe_put(int p[2], int empty)
{
	if (p[0] < 0)
		return;
	if (empty && nidle < MAX_IDLE_PIPES) {
		idle_pipes[nidle][0] = p[0];
		idle_pipes[nidle][1] = p[1];
		nidle++;
	} else {
		close(p[0]);
		close(p[1]);
	}
	p[0] = p[1] = -1;
}

static void end_close(struct end *e, int reset)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	if (e->w.fd < 0)
		return;
	/* A reset, not a FIN: the peer must not take a cut-off stream for a
	 * complete one. */
	if (reset && setsockopt(e->w.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		log_sys("published port: SO_LINGER on fd %d", e->w.fd);
	if (e->in_loop)
		loop_del(&e->w);
	close(e->w.fd);
	e->w.fd = -1;
	e->in_loop = 0;
}

static void conn_close(struct conn *c, int reset)
{
	end_close(&c->client, reset);
	end_close(&c->upstream, reset);
	pipe_put(c->up.pipe, !c->up.len);
	pipe_put(c->down.pipe, !c->down.len);
	c->used = 0;
	if (c->peer)
		c->peer->n--;
	c->peer = NULL;
}

/* ---- idle connections ------------------------------------------------------ */

/* Nothing to wait for on c: it has never carried a byte, or the container
 * has closed its side. Such a connection is judged alone, under a short
 * limit, and goes first when room is made. */
static int conn_hopeless(const struct conn *c)
{
	return !c->carried || c->down.shut;
}

/* When c last moved a byte; for one in use, also when its address last
 * moved one through another port of the same container: FTP's control
 * connection is quiet while its data connection carries a transfer of any
 * length. Not through the same port: one busy connection must not keep
 * its address's idle others on that port. */
static long long conn_last(const struct conn *c)
{
	long long t = c->last;

	if (conn_hopeless(c))
		return t;
	for (int i = 0; i < nlisteners; i++)
		if (&listeners[i] != c->l && listeners[i].dst.s_addr == c->l->dst.s_addr &&
		    c->peer->last[i] > t)
			t = c->peer->last[i];
	return t;
}

static long long conn_limit(const struct conn *c)
{
	if (!c->carried)
		return silent_ms;
	return c->down.shut ? done_ms : idle_ms;
}

/* When c is to be reset if nothing moves before. */
static long long conn_due(const struct conn *c)
{
	if (!c->connected)
		return c->since + CONNECT_MS;
	return conn_last(c) + conn_limit(c);
}

/* Which of the limits above applies to c: when it changes, c's due time
 * may come sooner than the sweep was set for. */
static int conn_stage(const struct conn *c)
{
	return !c->connected ? 0 : !c->carried ? 1 : c->down.shut ? 2 : 3;
}

/* Have the sweep run by due at the latest. */
static void sweep_at(long long due)
{
	if (!sweep_timer.deadline || due < sweep_timer.deadline)
		timer_arm(&sweep_timer, due - now_ms());
}

/* Reset the connections past their limit (conn_due); wake again for the
 * next one due, and only then: no polling. */
static void sweep(struct timer *t)
{
	long long now = now_ms(), next = -1;

	(void)t;
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];
		long long due;

		if (!c->used)
			continue;
		due = conn_due(c);
		if (now >= due) {
			if (!c->connected)
				warn_limited("%s: port %u: connect to %s:%u: no answer in %d ms",
					     c->l->svc, c->l->host_port, inet_ntoa(c->l->dst),
					     c->l->port, CONNECT_MS);
			conn_close(c, 1);
		} else if (next < 0 || due < next) {
			next = due;
		}
	}
	if (next >= 0)
		timer_arm(&sweep_timer, next - now);
}

/* HOSTD_PROXY_TIMEOUTS=SILENT,IDLE,DONE (milliseconds, 100 to a day each)
 * replaces the three limits: for the tests, which cannot wait minutes, and
 * for an operator with other needs (in the appliance as a word of the
 * kernel command line, which the kernel hands to /init, hostd, as its
 * environment). */
static void load_timeouts(void)
{
	const char *v = getenv("HOSTD_PROXY_TIMEOUTS"), *s = v;
	long long ms[3];
	char *end;

	if (!v)
		return;
	for (int i = 0; i < 3; i++, s = end + 1) {
		errno = 0;
		ms[i] = strtoll(s, &end, 10);
		if (errno || end == s || ms[i] < 100 || ms[i] > 86400000 ||
		    *end != (i < 2 ? ',' : '\0')) {
			log_warn("HOSTD_PROXY_TIMEOUTS=%s: want SILENT,IDLE,DONE in ms (100 to "
				 "86400000); keeping %d,%d,%d", v, SILENT_MS, IDLE_MS, DONE_MS);
			return;
		}
	}
	silent_ms = ms[0];
	idle_ms = ms[1];
	done_ms = ms[2];
	log_info("published ports: connections reset after %lld ms silent, %lld ms idle, "
		 "%lld ms once the container is done (HOSTD_PROXY_TIMEOUTS)", silent_ms, idle_ms,
		 done_ms);
}

/* ---- relaying ---------------------------------------------------------------- */

/* What relay() failed at, for the log. */
static const char *relay_err;

/* Move what can be moved from in to out through h without blocking;
 * readable: epoll said so of in. Returns the bytes moved into and out of
 * the pipe, or -1 (relay_err and errno say why) when the connection must
 * end. */
static ssize_t relay(int in, int out, struct half *h, int readable, const char *from,
		     const char *to)
{
	ssize_t n, moved = 0;

	if (!h->eof && !h->full) {
		if (h->pipe[0] < 0 && pipe_get(h->pipe) < 0) {
			relay_err = "pipe";
			return -1;
		}
		n = splice(in, NULL, h->pipe[1], NULL, PIPE_SIZE, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0 && errno == EAGAIN && !h->len && readable) {
			/* Readable, and yet splice moves nothing: TCP's urgent
			 * mark, which splice never reads past (it would spin
			 * us for as long as the peer likes). recv does, and the
			 * urgent byte is inline (SO_OOBINLINE) like the rest. */
			char b[1024];

			n = recv(in, b, sizeof(b), MSG_DONTWAIT);
			if (n > 0 && write(h->pipe[1], b, (size_t)n) != n) {
				relay_err = "write to a pipe";
				return -1;
			}
		}
		if (n > 0) {
			h->len += (size_t)n;
			moved += n;
		} else if (n == 0) {
			h->eof = 1;
		} else if (errno == EAGAIN) {
			/* The socket is empty, or the pipe is full. */
			h->full = h->len > 0;
		} else if (errno != EINTR) {
			relay_err = from;
			return -1;
		}
	}
	while (h->len) {
		n = splice(h->pipe[0], NULL, out, NULL, h->len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			if (n == 0)
				errno = EPIPE;
			relay_err = to;
			return -1;
		}
		h->len -= (size_t)n;
		moved += n;
	}
	if (!h->len) {
		h->full = 0;
		pipe_put(h->pipe, 1);
	}
	/* The reader is done and all it sent is through: pass the FIN on. */
	if (h->eof && !h->len && !h->shut) {
		if (shutdown(out, SHUT_WR) < 0 && errno != ENOTCONN) {
			relay_err = "shutdown";
			return -1;
		}
		h->shut = 1;
	}
	return moved;
}

static int end_set(struct end *e, uint32_t ev)
{
	if (e->hup && !ev) {
		if (e->in_loop) {
			loop_del(&e->w);
			e->in_loop = 0;
		}
		return 0;
	}
	if (!e->in_loop) {
		if (loop_add(&e->w, ev) < 0)
			return -1;
		e->in_loop = 1;
	} else if (ev != e->ev && loop_mod(&e->w, ev) < 0) {
		return -1;
	}
	e->ev = ev;
	return 0;
}

static int update(struct conn *c)
{
	uint32_t ce = 0, ue = 0;

	if (!c->connected) {
		/* Until the container answers, leave the client's bytes queued in
		 * the kernel rather than spin on them. */
		ue = EPOLLOUT;
	} else {
		if (!c->up.eof && !c->up.full)
			ce |= EPOLLIN;
		if (c->down.len)
			ce |= EPOLLOUT;
		if (!c->down.eof && !c->down.full)
			ue |= EPOLLIN;
		if (c->up.len)
			ue |= EPOLLOUT;
	}
	return end_set(&c->client, ce) < 0 || end_set(&c->upstream, ue) < 0 ? -1 : 0;
}

/* Move what can be moved both ways; cev and uev are what epoll said of the
 * client and of the upstream socket. */
static void pump(struct conn *c, uint32_t cev, uint32_t uev)
{
	ssize_t up = 0, down = 0;
	int stage = conn_stage(c);

	if (c->connected &&
	    ((up = relay(c->client.w.fd, c->upstream.w.fd, &c->up, cev & EPOLLIN,
			 "splice from the client", "splice to the container")) < 0 ||
	     (down = relay(c->upstream.w.fd, c->client.w.fd, &c->down, uev & EPOLLIN,
			   "splice from the container", "splice to the client")) < 0)) {
		if (!quiet_errno(errno))
			warn_limited("%s: port %u: %s: %s", c->l->svc, c->l->host_port, relay_err,
				     strerror(errno));
		conn_close(c, 1);
		return;
	}
	if (up > 0 || down > 0) {
		c->last = now_ms();
		c->carried = 1;
		c->peer->last[c->l - listeners] = c->last;
	}
	if (c->up.shut && c->down.shut) {
		conn_close(c, 0);
		return;
	}
	if (conn_stage(c) != stage)
		sweep_at(conn_due(c));
	if (update(c) < 0)
		conn_close(c, 1);
}

/* epoll hands out events in batches, so an event may be for the socket a
 * slot held before it was closed and reused: events are hints, and what
 * ends a connection is checked on the socket itself. */
static int has_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	errno = err;
	return err != 0;
}

static int hung_up(int fd)
{
	struct pollfd p = {.fd = fd};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

static void end_event(struct conn *c, struct end *e, uint32_t events)
{
	if ((events & EPOLLERR) && has_error(e->w.fd)) {
		conn_close(c, 1);
		return;
	}
	if ((events & EPOLLHUP) && hung_up(e->w.fd))
		e->hup = 1;
	if (e == &c->client)
		pump(c, events, 0);
	else
		pump(c, 0, events);
}

static void client_event(struct watch *w, uint32_t events)
{
	struct conn *c = OWNER(w, struct conn, client.w);

	if (c->used)
		end_event(c, &c->client, events);
}

static void upstream_event(struct watch *w, uint32_t events)
{
	struct conn *c = OWNER(w, struct conn, upstream.w);
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (!c->used)
		return;
	if (!c->connected) {
		if (has_error(w->fd)) {
			/* The container is down or not listening: reset the client. */
			warn_limited("%s: port %u: connect to %s:%u: %s", c->l->svc,
				     c->l->host_port, inet_ntoa(c->l->dst), c->l->port,
				     strerror(errno));
			conn_close(c, 1);
			return;
		}
		if (getpeername(w->fd, (struct sockaddr *)&sa, &len) < 0)
			return;	/* still connecting */
		c->connected = 1;
		sweep_at(conn_due(c));
	}
	end_event(c, &c->upstream, events);
}

/* ---- room in the pool -------------------------------------------------------- */

static struct peer *peer_find(struct in_addr a)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (peers[i].n && peers[i].addr.s_addr == a.s_addr)
			return &peers[i];
	return NULL;
}

/* a's entry, or a new one: there are as many entries as connections, and
 * the caller holds a free connection, so one is free. */
static struct peer *peer_get(struct in_addr a)
{
	struct peer *p = peer_find(a);

	for (int i = 0; !p && i < MAX_CONNS; i++)
		if (!peers[i].n) {
			p = &peers[i];
			memset(p, 0, sizeof(*p));
			p->addr = a;
		}
	return p;
}

/* Whether c should go before best (NULL: nothing chosen yet) to make
 * room: one idle for RECLAIM_MS first, a reconnection costs its client
 * little; then the address holding more, the likeliest to be flooding;
 * then one with nothing to wait for (conn_hopeless); then the one idle
 * longer, the least likely to be missed. */
static int goes_before(const struct conn *c, long long idle, const struct conn *best,
		       long long best_idle)
{
	if (!best)
		return 1;
	if ((idle >= RECLAIM_MS) != (best_idle >= RECLAIM_MS))
		return idle >= RECLAIM_MS;
	if (c->peer->n != best->peer->n)
		return c->peer->n > best->peer->n;
	if (conn_hopeless(c) != conn_hopeless(best))
		return conn_hopeless(c);
	return idle > best_idle;
}

/* A new connection from p (NULL: an address with none yet) finds p at its
 * cap or the pool full: the connection to reset for it, or NULL to refuse
 * it. Refusing a newcomer while the pool holds connections idle for
 * minutes would let whoever came first keep everyone else out, so an idle
 * one goes instead, as nginx closes its idle keep-alive connections when
 * it runs out. Once p is at its cap, one of p's own; otherwise one from
 * the address holding the most, never one holding fewer than p.
 *
 * A connection in use (idle less than RECLAIM_MS) goes only to a newcomer
 * whose address holds at least two fewer, so that the exchange never
 * leaves it holding more than the address it took from: otherwise two
 * addresses opening connections without a pause, each at its cap with none
 * of them ever idle, would keep everyone else out. An address is never
 * cut for its own newcomer while in use: it is refused instead. */
static struct conn *make_room(const struct peer *p, long long *idle)
{
	int own = p ? p->n : 0;
	long long now = now_ms();
	struct conn *best = NULL;

	*idle = 0;
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];
		long long quiet;

		if (!c->used || (own >= PER_CLIENT && c->peer != p) || c->peer->n < own)
			continue;
		quiet = now - conn_last(c);
		if ((quiet >= RECLAIM_MS || c->peer->n >= own + 2) &&
		    goes_before(c, quiet, best, *idle)) {
			best = c;
			*idle = quiet;
		}
	}
	return best;
}

/* A free slot for a new connection from a, made if need be (make_room);
 * NULL (said in the log) if a is refused. */
static struct conn *conn_slot(const struct listener *l, struct in_addr a)
{
	struct peer *p = peer_find(a);
	struct conn *c = NULL;
	char who[INET_ADDRSTRLEN], whose[INET_ADDRSTRLEN];
	long long idle;

	if (!p || p->n < PER_CLIENT)
		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (!conns[i].used)
				c = &conns[i];
	if (c)
		return c;
	inet_ntop(AF_INET, &a, who, sizeof(who));
	c = make_room(p, &idle);
	if (!c) {
		if (p && p->n >= PER_CLIENT)
			warn_limited("%s: port %u: %s holds %d connections, the most one address "
				     "may, all in use; refusing one", l->svc, l->host_port, who,
				     PER_CLIENT);
		else
			warn_limited("%s: port %u: %d connections already, none that may make "
				     "room for %s; refusing one", l->svc, l->host_port, MAX_CONNS,
				     who);
		return NULL;
	}
	inet_ntop(AF_INET, &c->peer->addr, whose, sizeof(whose));
	if (c->peer == p)
		warn_limited("%s: port %u: %s holds %d connections%s; making room: resetting its "
			     "connection to port %u idle for %lld ms", l->svc, l->host_port, who,
			     p->n, p->n >= PER_CLIENT ? ", the most one address may" : " of the pool",
			     c->l->host_port, idle);
	else
		warn_limited("%s: port %u: %d connections already; making room for %s: resetting "
			     "a connection of %s (of its %d) to port %u idle for %lld ms", l->svc,
			     l->host_port, MAX_CONNS, who, whose, c->peer->n, c->l->host_port, idle);
	conn_close(c, 1);
	return c;
}

static void refuse(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		log_sys("published port: SO_LINGER on fd %d", fd);
	close(fd);
}

static void resume(struct timer *t)
{
	int again = 0;

	for (int i = 0; i < nlisteners; i++)
		if (listeners[i].paused) {
			if (loop_mod(&listeners[i].w, EPOLLIN) == 0)
				listeners[i].paused = 0;
			else
				again = 1;
		}
	if (again)
		timer_arm(t, PAUSE_MS);
}

/* accept(2) or recvmsg(2) fails for lack of fds or memory: the listener
 * stays readable, so stop waiting on it for a moment instead of spinning. */
static void pause_listener(struct listener *l, const char *what)
{
	warn_limited("%s: port %u: %s: %s; pausing it for %d ms", l->svc, l->host_port,
		     what, strerror(errno), PAUSE_MS);
	if (loop_mod(&l->w, 0) == 0)
		l->paused = 1;
	timer_arm(&resume_timer, PAUSE_MS);
}

static void accept_event(struct watch *w, uint32_t events)
{
	struct listener *l = OWNER(w, struct listener, w);

	(void)events;
	for (int burst = 0; burst < BURST; burst++) {
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(l->port),
					 .sin_addr = l->dst};
		struct sockaddr_in from = {0};
		socklen_t len = sizeof(from);
		struct conn *c;
		int one = 1, fd, up;

		fd = accept4(w->fd, (struct sockaddr *)&from, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN)
				return;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			pause_listener(l, "accept");
			return;
		}
		c = conn_slot(l, from.sin_addr);
		if (!c) {
			refuse(fd);
			continue;
		}
		up = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (up < 0) {
			refuse(fd);
			pause_listener(l, "socket for the container");
			return;
		}
		if (connect(up, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
			warn_limited("%s: port %u: connect to %s:%u: %s", l->svc, l->host_port,
				     inet_ntoa(l->dst), l->port, strerror(errno));
			close(up);
			refuse(fd);
			continue;
		}
		/* Segments go on as they come: the peers chose their own
		 * batching, and Nagle here would hold a reply's last bytes
		 * for an ACK the other side may delay. */
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
		    setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)) < 0 ||
		    setsockopt(up, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)) < 0)
			warn_limited("%s: port %u: setsockopt: %s", l->svc, l->host_port,
				     strerror(errno));
		memset(c, 0, sizeof(*c));
		c->used = 1;
		c->l = l;
		c->client.w.fd = fd;
		c->client.w.cb = client_event;
		c->upstream.w.fd = up;
		c->upstream.w.cb = upstream_event;
		c->up.pipe[0] = c->up.pipe[1] = c->down.pipe[0] = c->down.pipe[1] = -1;
		c->peer = peer_get(from.sin_addr);
		c->peer->n++;
		c->since = c->last = now_ms();
		if (update(c) < 0) {
			conn_close(c, 1);
			continue;
		}
		sweep_at(conn_due(c));
	}
}

/* ---- UDP ------------------------------------------------------------------- */

static void flow_close(struct flow *f)
{
	loop_del(&f->w);
	close(f->w.fd);
	f->w.fd = -1;
	f->used = 0;
}

/* Forget the flows silent for UDP_IDLE_MS; wake again for the next one. */
static void expire(struct timer *t)
{
	long long now = now_ms(), next = -1;

	(void)t;
	for (int i = 0; i < MAX_FLOWS; i++) {
		struct flow *f = &flows[i];

		if (!f->used)
			continue;
		if (now - f->last >= UDP_IDLE_MS)
			flow_close(f);
		else if (next < 0 || f->last + UDP_IDLE_MS < next)
			next = f->last + UDP_IDLE_MS;
	}
	if (next >= 0)
		timer_arm(&expire_timer, next - now);
}

/* The container's answers to one client go back through the listener,
 * from the address the client sent to. */
static void flow_event(struct watch *w, uint32_t events)
{
	struct flow *f = OWNER(w, struct flow, w);

	(void)events;
	for (int burst = 0; burst < BURST; burst++) {
		char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))] = {0};
		struct iovec iov = {.iov_base = dgram};
		struct msghdr mh = {.msg_name = &f->peer, .msg_namelen = sizeof(f->peer),
				    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		struct in_pktinfo pi = {.ipi_spec_dst = f->local};
		ssize_t n = recv(w->fd, dgram, sizeof(dgram), 0);

		if (n < 0) {
			if (errno == EAGAIN)
				return;
			/* An ICMP error for an earlier datagram (nothing listens
			 * there, the container is down): UDP loses those. */
			if (errno == EINTR || quiet_errno(errno))
				continue;
			warn_limited("%s: port %u/udp: receive from %s:%u: %s", f->l->svc,
				     f->l->host_port, inet_ntoa(f->l->dst), f->l->port,
				     strerror(errno));
			return;
		}
		iov.iov_len = (size_t)n;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		f->last = now_ms();
		/* A full send buffer drops the datagram, as the network may. */
		if (sendmsg(f->l->w.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && !quiet_errno(errno))
			warn_limited("%s: port %u/udp: send to %s:%u: %s", f->l->svc,
				     f->l->host_port, inet_ntoa(f->peer.sin_addr),
				     ntohs(f->peer.sin_port), strerror(errno));
	}
}

static struct flow *flow_for(const struct listener *l, const struct sockaddr_in *peer,
			     struct in_addr local)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(l->port),
				 .sin_addr = l->dst};
	struct flow *f = NULL, *oldest = NULL;
	int fd;

	for (int i = 0; i < MAX_FLOWS; i++) {
		struct flow *g = &flows[i];

		if (!g->used) {
			if (!f)
				f = g;
			continue;
		}
		if (g->l == l && g->peer.sin_addr.s_addr == peer->sin_addr.s_addr &&
		    g->peer.sin_port == peer->sin_port) {
			g->local = local;
			return g;
		}
		if (!oldest || g->last < oldest->last)
			oldest = g;
	}
	if (!f) {
		warn_limited("%s: port %u/udp: %d clients already; forgetting the longest "
			     "silent one, %s:%u", l->svc, l->host_port, MAX_FLOWS,
			     inet_ntoa(oldest->peer.sin_addr), ntohs(oldest->peer.sin_port));
		flow_close(oldest);
		f = oldest;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		warn_limited("%s: port %u/udp: socket for the container: %s", l->svc,
			     l->host_port, strerror(errno));
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		warn_limited("%s: port %u/udp: connect to %s:%u: %s", l->svc, l->host_port,
			     inet_ntoa(l->dst), l->port, strerror(errno));
		close(fd);
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	f->w.fd = fd;
	f->w.cb = flow_event;
	if (loop_add(&f->w, EPOLLIN) < 0) {
		close(fd);
		f->w.fd = -1;
		return NULL;
	}
	f->used = 1;
	f->l = l;
	f->peer = *peer;
	f->local = local;
	f->last = now_ms();
	if (!expire_timer.deadline)
		timer_arm(&expire_timer, UDP_IDLE_MS);
	return f;
}

static void datagram_event(struct watch *w, uint32_t events)
{
	struct listener *l = OWNER(w, struct listener, w);

	(void)events;
	for (int burst = 0; burst < BURST; burst++) {
		char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct sockaddr_in peer;
		struct iovec iov = {.iov_base = dgram, .iov_len = sizeof(dgram)};
		struct msghdr mh = {.msg_name = &peer, .msg_namelen = sizeof(peer),
				    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		struct in_addr local = {.s_addr = htonl(INADDR_ANY)};
		struct flow *f;
		ssize_t n = recvmsg(w->fd, &mh, 0);

		if (n < 0) {
			if (errno == EAGAIN)
				return;
			if (errno == EINTR)
				continue;
			pause_listener(l, "receive");
			return;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				local = pi.ipi_spec_dst;
			}
		f = flow_for(l, &peer, local);
		if (!f)
			continue;
		f->last = now_ms();
		if (send(f->w.fd, dgram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && !quiet_errno(errno))
			warn_limited("%s: port %u/udp: send to %s:%u: %s", l->svc, l->host_port,
				     inet_ntoa(l->dst), l->port, strerror(errno));
	}
}

/* ---- listeners -------------------------------------------------------------- */

static int publish(const char *svc, unsigned short host_port, struct in_addr dst,
		   unsigned short port, int udp)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(host_port),
				 .sin_addr.s_addr = htonl(INADDR_ANY)};
	const char *proto = udp ? "/udp" : "";
	static int timeouts_loaded;
	struct listener *l;
	int one = 1, fd;

	if (nlisteners >= MAX_LISTEN) {
		log_err("%s: publish %u%s: too many published ports (at most %d)", svc, host_port,
			proto, MAX_LISTEN);
		return -1;
	}
	if (!timeouts_loaded) {
		load_timeouts();
		timeouts_loaded = 1;
	}
	resume_timer.cb = resume;
	expire_timer.cb = expire;
	sweep_timer.cb = sweep;
	fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_sys("%s: publish port %u%s: socket", svc, host_port, proto);
		return -1;
	}
	if ((udp ? setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one))
		 : setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || (!udp && listen(fd, 64) < 0)) {
		log_sys("%s: publish port %u%s", svc, host_port, proto);
		close(fd);
		return -1;
	}
	l = &listeners[nlisteners];
	memset(l, 0, sizeof(*l));
	l->w.fd = fd;
	l->w.cb = udp ? datagram_event : accept_event;
	l->dst = dst;
	l->port = port;
	l->host_port = host_port;
	snprintf(l->svc, sizeof(l->svc), "%s", svc);
	if (loop_add(&l->w, EPOLLIN) < 0) {
		close(fd);
		return -1;
	}
	nlisteners++;
	log_info("%s: port %u%s published to %s:%u", svc, host_port, proto, inet_ntoa(dst),
		 port);
	return 0;
}

int proxy_publish(const char *svc, unsigned short host_port, struct in_addr dst,
		  unsigned short port)
{
	return publish(svc, host_port, dst, port, 0);
}

int proxy_publish_udp(const char *svc, unsigned short host_port, struct in_addr dst,
		      unsigned short port)
{
	return publish(svc, host_port, dst, port, 1);
}
