/* proxy: see proxy.h. */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "util.h"

#define MAX_LISTEN 32
#define MAX_CONNS 128
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

struct conn {
	struct end client, upstream;
	struct half up, down;	/* client->upstream, upstream->client */
	const struct listener *l;
	long long since;	/* now_ms() when the connection to the container began */
	int used, connected;
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
static struct flow flows[MAX_FLOWS];
static int idle_pipes[MAX_IDLE_PIPES][2];
static int nidle;
static struct timer resume_timer, expire_timer, connect_timer;
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
}

/* What relay() failed at, for the log. */
static const char *relay_err;

/* Move what can be moved from in to out through h without blocking;
 * readable: epoll said so of in. Returns -1 (relay_err and errno say why)
 * when the connection must end. */
static int relay(int in, int out, struct half *h, int readable, const char *from,
		 const char *to)
{
	ssize_t n;

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
	return 0;
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
	if (c->connected &&
	    (relay(c->client.w.fd, c->upstream.w.fd, &c->up, cev & EPOLLIN,
		   "splice from the client", "splice to the container") < 0 ||
	     relay(c->upstream.w.fd, c->client.w.fd, &c->down, uev & EPOLLIN,
		   "splice from the container", "splice to the client") < 0)) {
		if (!quiet_errno(errno))
			warn_limited("%s: port %u: %s: %s", c->l->svc, c->l->host_port, relay_err,
				     strerror(errno));
		conn_close(c, 1);
		return;
	}
	if (c->up.shut && c->down.shut) {
		conn_close(c, 0);
		return;
	}
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
	}
	end_event(c, &c->upstream, events);
}

/* Reset the clients whose container has not answered in CONNECT_MS; wake
 * again for the next one. */
static void connect_expire(struct timer *t)
{
	long long now = now_ms(), next = -1;

	(void)t;
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (!c->used || c->connected)
			continue;
		if (now - c->since >= CONNECT_MS) {
			warn_limited("%s: port %u: connect to %s:%u: no answer in %d ms", c->l->svc,
				     c->l->host_port, inet_ntoa(c->l->dst), c->l->port, CONNECT_MS);
			conn_close(c, 1);
		} else if (next < 0 || c->since + CONNECT_MS < next) {
			next = c->since + CONNECT_MS;
		}
	}
	if (next >= 0)
		timer_arm(&connect_timer, next - now);
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
		struct conn *c = NULL;
		int one = 1, fd, up;

		fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN)
				return;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			pause_listener(l, "accept");
			return;
		}
		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (!conns[i].used)
				c = &conns[i];
		if (!c) {
			warn_limited("%s: port %u: %d connections already; refusing one", l->svc,
				     l->host_port, MAX_CONNS);
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
		c->since = now_ms();
		if (update(c) < 0) {
			conn_close(c, 1);
			continue;
		}
		if (!connect_timer.deadline)
			timer_arm(&connect_timer, CONNECT_MS);
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
	struct listener *l;
	int one = 1, fd;

	if (nlisteners >= MAX_LISTEN) {
		log_err("%s: publish %u%s: too many published ports (at most %d)", svc, host_port,
			proto, MAX_LISTEN);
		return -1;
	}
	resume_timer.cb = resume;
	expire_timer.cb = expire;
	connect_timer.cb = connect_expire;
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
