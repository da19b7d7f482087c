/* proxy: see proxy.h. */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

#define MAX_LISTEN 32
#define MAX_CONNS 128
#define BUF 16384

struct listener {
	struct watch w;
	struct in_addr dst;
	unsigned short port, host_port;
	char svc[64];
};

/* One direction of a relayed connection: what was read from one side and
 * not yet written to the other. */
struct half {
	char buf[BUF];
	size_t len, off;
	int eof, shut;
};

struct conn {
	struct watch client, upstream;
	struct half up, down;	/* client->upstream, upstream->client */
	int used, connected;
};

static struct listener listeners[MAX_LISTEN];
static int nlisteners;
static struct conn conns[MAX_CONNS];

static void conn_close(struct conn *c)
{
	if (c->client.fd >= 0) {
		loop_del(&c->client);
		close(c->client.fd);
	}
	if (c->upstream.fd >= 0) {
		loop_del(&c->upstream);
		close(c->upstream.fd);
	}
	c->client.fd = c->upstream.fd = -1;
	c->used = 0;
}

/* Move what can be moved from in to out through h without blocking.
 * Returns -1 when the connection must end. */
static int relay(int in, int out, struct half *h)
{
	if (!h->eof && h->len == 0) {
		ssize_t n = read(in, h->buf, sizeof(h->buf));

		if (n > 0) {
			h->len = (size_t)n;
			h->off = 0;
		} else if (n == 0) {
			h->eof = 1;
		} else if (errno != EAGAIN && errno != EINTR) {
			return -1;
		}
	}
	while (h->off < h->len) {
		ssize_t n = write(out, h->buf + h->off, h->len - h->off);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		h->off += (size_t)n;
	}
	if (h->off == h->len)
		h->len = h->off = 0;
	/* The reader is done and all it sent is through: pass the FIN on. */
	if (h->eof && !h->len && !h->shut) {
		shutdown(out, SHUT_WR);
		h->shut = 1;
	}
	return 0;
}

static void update(struct conn *c)
{
	uint32_t ce = 0, ue = 0;

	/* Until the container answers, leave the client's bytes queued in
	 * the kernel rather than spin on them. */
	if (c->connected && !c->up.eof && !c->up.len)
		ce |= EPOLLIN;
	if (c->down.len)
		ce |= EPOLLOUT;
	if (!c->down.eof && !c->down.len)
		ue |= EPOLLIN;
	if (c->up.len || !c->connected)
		ue |= EPOLLOUT;
	loop_mod(&c->client, ce);
	loop_mod(&c->upstream, ue);
}

static void pump(struct conn *c)
{
	if (c->connected &&
	    (relay(c->client.fd, c->upstream.fd, &c->up) < 0 ||
	     relay(c->upstream.fd, c->client.fd, &c->down) < 0)) {
		conn_close(c);
		return;
	}
	if (c->up.shut && c->down.shut) {
		conn_close(c);
		return;
	}
	update(c);
}

static void client_event(struct watch *w, uint32_t events)
{
	struct conn *c = (struct conn *)((char *)w - offsetof(struct conn, client));

	if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
		conn_close(c);
		return;
	}
	pump(c);
}

static void upstream_event(struct watch *w, uint32_t events)
{
	struct conn *c = (struct conn *)((char *)w - offsetof(struct conn, upstream));

	if (!c->connected) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			/* The container is down or not listening: refuse the client. */
			conn_close(c);
			return;
		}
		c->connected = 1;
	} else if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
		conn_close(c);
		return;
	}
	pump(c);
}

static void accept_event(struct watch *w, uint32_t events)
{
	struct listener *l = (struct listener *)((char *)w - offsetof(struct listener, w));
	int fd;

	(void)events;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(l->port),
					 .sin_addr = l->dst};
		struct conn *c = NULL;
		int up;

		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (!conns[i].used)
				c = &conns[i];
		if (!c) {
			log_warn("port %u: %d connections already; refusing one", l->host_port,
				 MAX_CONNS);
			close(fd);
			continue;
		}
		up = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (up < 0 || (connect(up, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
			       errno != EINPROGRESS)) {
			if (up >= 0)
				close(up);
			close(fd);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->used = 1;
		c->client.fd = fd;
		c->client.cb = client_event;
		c->upstream.fd = up;
		c->upstream.cb = upstream_event;
		if (loop_add(&c->client, 0) < 0 || loop_add(&c->upstream, EPOLLOUT) < 0) {
			conn_close(c);
			continue;
		}
	}
}

int proxy_publish(const char *svc, unsigned short host_port, struct in_addr dst,
		  unsigned short port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(host_port),
				 .sin_addr.s_addr = htonl(INADDR_ANY)};
	struct listener *l;
	int one = 1, fd;

	if (nlisteners >= MAX_LISTEN) {
		log_err("%s: publish %u: too many published ports (at most %d)", svc,
			host_port, MAX_LISTEN);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		log_sys("%s: publish port %u", svc, host_port);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	l = &listeners[nlisteners];
	l->w.fd = fd;
	l->w.cb = accept_event;
	l->dst = dst;
	l->port = port;
	l->host_port = host_port;
	snprintf(l->svc, sizeof(l->svc), "%s", svc);
	if (loop_add(&l->w, EPOLLIN) < 0) {
		close(fd);
		return -1;
	}
	nlisteners++;
	log_info("%s: port %u published to %s:%u", svc, host_port, inet_ntoa(dst), port);
	return 0;
}
