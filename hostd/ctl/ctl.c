/* ctl: the control socket's server (see ctl.h). Each connection brings
 * one request line; ctl_handle reads it (ctl_req.c), runs its verb from
 * the verb table below (a report of report.c, or an action of the
 * supervisor) and writes the reply; then the connection is closed. It
 * never blocks on a client and never exits. hostctl, the client, is
 * hostctl.c. */
#include "ctl/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervise/loop.h"
#include "ctl/report.h"
#include "supervise/supervise.h"
#include "ctl/usock.h"

#define MAX_CONNS 8

struct conn {
	struct usock_conn u;
	char req[CTL_REQ_MAX];
	size_t len;
};

static struct watch listener = {.fd = -1};
static struct conn conns[MAX_CONNS];
static char reply[CTL_REPLY_MAX];

/* What each verb does, by the kind of reply it gives (one field set). */
static const struct verb {
	/* A list: "0", then the list (list_all: ps, with -a or not). */
	size_t (*list)(char *out, size_t len);
	size_t (*list_all)(char *out, size_t len, int all);
	/* One thing shown: "0", then it; or "1" and why not. */
	int (*show)(const char *name, char *out, size_t len, char *err, size_t errlen);
	/* An action on a container (signal: kill's, with its signal): "0" and
	 * its name; or "1" and why not. */
	int (*act)(const char *name, char *err, size_t errlen);
	int (*signal)(const char *name, int sig, char *err, size_t errlen);
} verbs[] = {
	[CTL_PS] = {.list_all = report_ps},
	[CTL_IMAGES] = {.list = report_images},
	[CTL_NETWORK_LS] = {.list = report_networks},
	[CTL_VOLUME_LS] = {.list = report_volumes},
	[CTL_STATS] = {.list = report_stats},
	[CTL_INSPECT] = {.show = report_inspect},
	[CTL_NETWORK_INSPECT] = {.show = report_network_inspect},
	[CTL_VOLUME_INSPECT] = {.show = report_volume_inspect},
	[CTL_KILL] = {.signal = supervise_kill},
	[CTL_RESTART] = {.act = supervise_restart},
	[CTL_STOP] = {.act = supervise_stop},
	[CTL_START] = {.act = supervise_start},
};

size_t ctl_handle(const char *req, char *out, size_t len)
{
	const struct verb *v;
	struct ctl_req r;
	char err[300];
	size_t n;
	int ok;

	if (ctl_parse(req, &r, err, sizeof(err)) < 0)
		return (size_t)snprintf(out, len, "1\n%s\n", err);
	v = &verbs[r.verb];
	n = (size_t)snprintf(out, len, "0\n");
	if (v->list)
		return n + v->list(out + n, len - n);
	if (v->list_all)
		return n + v->list_all(out + n, len - n, r.all);
	if (v->show) {
		if (v->show(r.name, out + n, len - n, err, sizeof(err)) >= 0)
			return strlen(out);
		return (size_t)snprintf(out, len, "1\n%s\n", err);
	}
	ok = v->act ? v->act(r.name, err, sizeof(err)) : v->signal(r.name, r.sig, err, sizeof(err));
	if (ok < 0)
		return (size_t)snprintf(out, len, "1\n%s\n", err);
	return (size_t)snprintf(out, len, "0\n%s\n", r.name);
}

/* ---- the socket ------------------------------------------------------------- */

static void conn_readable(struct watch *w, uint32_t events)
{
	struct conn *c = (struct conn *)((char *)w - offsetof(struct conn, u.w));
	ssize_t n = read(w->fd, c->req + c->len, sizeof(c->req) - 1 - c->len);
	char *nl;
	size_t rlen;

	(void)events;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		usock_conn_close(&c->u);
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	nl = memchr(c->req, '\n', c->len);
	if (!nl && c->len < sizeof(c->req) - 1)
		return;		/* wait for the rest of the line */
	if (nl)
		*nl = '\0';
	if (!nl || memchr(c->req, '\0', (size_t)(nl - c->req)))
		rlen = (size_t)snprintf(reply, sizeof(reply), "1\nrequest too long or not text\n");
	else
		rlen = ctl_handle(c->req, reply, sizeof(reply));
	/* Replies are small; the socket buffer takes them whole. A client
	 * that does not read loses the rest: hostd does not wait for it. */
	if (write(w->fd, reply, rlen) < 0 && errno != EAGAIN)
		log_sys("control socket: reply");
	usock_conn_close(&c->u);
}

static void accept_ready(struct watch *w, uint32_t events)
{
	int fd;

	(void)events;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct conn *c = NULL;

		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (conns[i].u.w.fd < 0)
				c = &conns[i];
		if (!c) {	/* all busy: refuse rather than wait */
			close(fd);
			continue;
		}
		c->len = 0;
		usock_conn_open(&c->u, fd, conn_readable, 2000);
	}
}

int ctl_listen(const char *path)
{
	for (int i = 0; i < MAX_CONNS; i++)
		conns[i].u.w.fd = -1;
	listener.cb = accept_ready;
	return usock_listen(&listener, path, 0700, 0600, "control socket");
}
