/* metrics: see metrics.h. */
#include "ctl/metrics.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervise/loop.h"
#include "ctl/report.h"
#include "ctl/usock.h"
#include "common/util.h"

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

static struct watch listener = {.fd = -1};
static struct usock_conn conns[MAX_CONNS];
static char snap[SNAP_MAX], scratch[4096];
static size_t snap_len;
static long long snap_ms, started_ms;

/* What a reader sends is dropped unread (never parsed: the socket has no
 * requests); its EOF ends the connection. */
static void conn_readable(struct watch *w, uint32_t events)
{
	struct usock_conn *c = (struct usock_conn *)((char *)w - offsetof(struct usock_conn, w));
	ssize_t n = 0;

	(void)events;
	for (int k = 0; k < 16 && (n = recv(w->fd, scratch, sizeof(scratch), MSG_DONTWAIT)) > 0; k++)
		;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		usock_conn_close(c);
}

static void accept_ready(struct watch *w, uint32_t events)
{
	int fd;

	(void)events;
	for (int i = 0; i < PER_WAKE; i++) {
		struct usock_conn *c = NULL;

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
		usock_conn_open(c, fd, conn_readable, LINGER_MS);
	}
}

int metrics_listen(const char *path)
{
	started_ms = now_ms();
	for (int i = 0; i < MAX_CONNS; i++)
		conns[i].w.fd = -1;
	listener.cb = accept_ready;
	return usock_listen(&listener, path, 0755, 0666, "metrics socket");
}
