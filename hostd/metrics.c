/* metrics: see metrics.h. */
#include "metrics.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "report.h"
#include "util.h"

/* A snapshot serves every reader within this many ms, so a container
 * connecting in a loop costs hostd one snapshot per period, not one each. */
#define FRESH_MS 250
/* Connections answered per wake-up, so a busy reader cannot hold the loop. */
#define PER_WAKE 16
#define SNAP_MAX (128 << 10)

/* A reader is held open after its answer, until it closes or LINGER_MS
 * pass: closing with what it sent still unread would reset its connection
 * before it has read the answer. */
#define MAX_CONNS 8
#define LINGER_MS 2000

struct conn {
	struct watch w;
	struct timer t;
};

static struct watch listener = {.fd = -1};
static struct conn conns[MAX_CONNS];
static char snap[SNAP_MAX], scratch[4096];
static size_t snap_len;
static long long snap_ms, started_ms;

static void conn_close(struct conn *c)
{
	timer_cancel(&c->t);
	loop_del(&c->w);
	close(c->w.fd);
	c->w.fd = -1;
}

static void conn_timeout(struct timer *t)
{
	conn_close((struct conn *)((char *)t - offsetof(struct conn, t)));
}

/* What a reader sends is dropped unread (never parsed: the socket has no
 * requests); its EOF ends the connection. */
static void conn_readable(struct watch *w, uint32_t events)
{
	struct conn *c = (struct conn *)((char *)w - offsetof(struct conn, w));
	ssize_t n = 0;

	(void)events;
	for (int k = 0; k < 16 && (n = recv(w->fd, scratch, sizeof(scratch), MSG_DONTWAIT)) > 0; k++)
		;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		conn_close(c);
}

static void accept_ready(struct watch *w, uint32_t events)
{
	int fd;

	(void)events;
	for (int i = 0; i < PER_WAKE; i++) {
		struct conn *c = NULL;

		if ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_sys("metrics socket: accept");
			return;
		}
		if (!snap_ms || now_ms() - snap_ms >= FRESH_MS) {
			snap_len = report_metrics(snap, sizeof(snap),
						  (double)(now_ms() - started_ms) / 1000);
			snap_ms = now_ms();
		}
		/* One non-blocking send: the text fits a unix socket's buffer;
		 * a reader that cannot take it gets what fitted, then EOF. */
		if (send(fd, snap, snap_len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EPIPE &&
		    errno != ECONNRESET)
			log_sys("metrics socket: send");
		for (int k = 0; k < MAX_CONNS && !c; k++)
			if (conns[k].w.fd < 0)
				c = &conns[k];
		if (!c || shutdown(fd, SHUT_WR) < 0) {	/* all busy: EOF now */
			close(fd);
			continue;
		}
		c->w.fd = fd;
		c->w.cb = conn_readable;
		c->t.cb = conn_timeout;
		if (loop_add(&c->w, EPOLLIN) < 0) {
			close(fd);
			c->w.fd = -1;
			continue;
		}
		timer_arm(&c->t, LINGER_MS);
	}
}

int metrics_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof(sa.sun_path)], *slash;
	int fd;

	started_ms = now_ms();
	for (int i = 0; i < MAX_CONNS; i++)
		conns[i].w.fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("metrics socket path too long: %s", path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0755) < 0 || chmod(dir, 0755) < 0) {
			log_sys("metrics socket directory %s", dir);
			return -1;
		}
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		log_sys("metrics socket");
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_sys("metrics socket: remove the old %s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0666) < 0 ||
	    listen(fd, 16) < 0) {
		log_sys("metrics socket %s", path);
		close(fd);
		return -1;
	}
	listener.fd = fd;
	listener.cb = accept_ready;
	if (loop_add(&listener, EPOLLIN) < 0) {
		close(fd);
		listener.fd = -1;
		return -1;
	}
	return 0;
}
