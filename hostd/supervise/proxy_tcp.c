/* proxy_tcp: the TCP relay of published ports (see proxy.h). It accepts
 * a client, connects to the container, and moves bytes both ways with
 * splice(2) through pipes borrowed from a small cache, passing half-closes
 * on; a socket error or a stuck relay resets both sides. Where a
 * connection's slot comes from and when an idle one is reset are
 * proxy_pool.c's. It never blocks and never allocates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervise/loop.h"
#include "supervise/proxy_int.h"
#include "common/util.h"

static struct proxy_tables *const pt = &proxy_tables;
static int idle_pipes[MAX_IDLE_PIPES][2];
static int nidle;

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
		proxy_warn("published port: pipe of %d KiB: %s; keeping the default size",
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

void proxy_conn_close(struct conn *c, int reset)
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
	int stage = proxy_conn_stage(c);

	if (c->connected &&
	    ((up = relay(c->client.w.fd, c->upstream.w.fd, &c->up, cev & EPOLLIN,
			 "splice from the client", "splice to the container")) < 0 ||
	     (down = relay(c->upstream.w.fd, c->client.w.fd, &c->down, uev & EPOLLIN,
			   "splice from the container", "splice to the client")) < 0)) {
		if (!proxy_quiet_errno(errno))
			proxy_warn("%s: port %u: %s: %s", c->l->svc, c->l->host_port, relay_err,
				     strerror(errno));
		proxy_conn_close(c, 1);
		return;
	}
	if (up > 0 || down > 0) {
		c->last = now_ms();
		c->carried = 1;
		c->peer->last[c->l - pt->listeners] = c->last;
	}
	if (c->up.shut && c->down.shut) {
		proxy_conn_close(c, 0);
		return;
	}
	if (proxy_conn_stage(c) != stage)
		proxy_sweep_at(proxy_conn_due(c));
	if (update(c) < 0)
		proxy_conn_close(c, 1);
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
		proxy_conn_close(c, 1);
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
			proxy_warn("%s: port %u: connect to %s:%u: %s", c->l->svc,
				     c->l->host_port, inet_ntoa(c->l->dst), c->l->port,
				     strerror(errno));
			proxy_conn_close(c, 1);
			return;
		}
		if (getpeername(w->fd, (struct sockaddr *)&sa, &len) < 0)
			return;	/* still connecting */
		c->connected = 1;
		proxy_sweep_at(proxy_conn_due(c));
	}
	end_event(c, &c->upstream, events);
}

static void refuse(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		log_sys("published port: SO_LINGER on fd %d", fd);
	close(fd);
}

void proxy_accept_event(struct watch *w, uint32_t events)
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
			proxy_pause_listener(l, "accept");
			return;
		}
		c = proxy_conn_slot(l, from.sin_addr);
		if (!c) {
			refuse(fd);
			continue;
		}
		up = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (up < 0) {
			refuse(fd);
			proxy_pause_listener(l, "socket for the container");
			return;
		}
		if (connect(up, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
			proxy_warn("%s: port %u: connect to %s:%u: %s", l->svc, l->host_port,
				     inet_ntoa(l->dst), l->port, strerror(errno));
			close(up);
			refuse(fd);
			continue;
		}
		/* Segments go on as they come: the pt->peers chose their own
		 * batching, and Nagle here would hold a reply's last bytes
		 * for an ACK the other side may delay. */
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
		    setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)) < 0 ||
		    setsockopt(up, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)) < 0)
			proxy_warn("%s: port %u: setsockopt: %s", l->svc, l->host_port,
				     strerror(errno));
		memset(c, 0, sizeof(*c));
		c->used = 1;
		c->l = l;
		c->client.w.fd = fd;
		c->client.w.cb = client_event;
		c->upstream.w.fd = up;
		c->upstream.w.cb = upstream_event;
		c->up.pipe[0] = c->up.pipe[1] = c->down.pipe[0] = c->down.pipe[1] = -1;
		c->peer = proxy_peer_get(from.sin_addr);
		c->peer->n++;
		c->since = c->last = now_ms();
		if (update(c) < 0) {
			proxy_conn_close(c, 1);
			continue;
		}
		proxy_sweep_at(proxy_conn_due(c));
	}
}
