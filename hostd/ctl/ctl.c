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

/* ---- the verbs -------------------------------------------------------------- */

static size_t list_ps(const struct ctl_req *r, char *out, size_t len)
{
	return report_ps(out, len, r->all);
}

static size_t list_images(const struct ctl_req *r, char *out, size_t len)
{
	(void)r;
	return report_images(out, len);
}

static size_t list_networks(const struct ctl_req *r, char *out, size_t len)
{
	(void)r;
	return report_networks(out, len);
}

static size_t list_volumes(const struct ctl_req *r, char *out, size_t len)
{
	(void)r;
	return report_volumes(out, len);
}

static size_t list_stats(const struct ctl_req *r, char *out, size_t len)
{
	(void)r;
	return report_stats(out, len);
}

static int act_kill(const struct ctl_req *r, char *err, size_t errlen)
{
	return supervise_kill(r->name, r->sig, err, errlen);
}

static int act_restart(const struct ctl_req *r, char *err, size_t errlen)
{
	return supervise_restart(r->name, err, errlen);
}

static int act_stop(const struct ctl_req *r, char *err, size_t errlen)
{
	return supervise_stop(r->name, err, errlen);
}

static int act_start(const struct ctl_req *r, char *err, size_t errlen)
{
	return supervise_start(r->name, err, errlen);
}

/* What each verb does, by the kind of reply it gives (one of the three). */
static const struct verb {
	/* A list: "0", then the list. */
	size_t (*list)(const struct ctl_req *r, char *out, size_t len);
	/* One thing shown: "0", then it; or "1" and why not. */
	int (*show)(const char *name, char *out, size_t len, char *err, size_t errlen);
	/* An action on a container: "0" and its name; or "1" and why not. */
	int (*act)(const struct ctl_req *r, char *err, size_t errlen);
} verbs[] = {
	[CTL_PS] = {.list = list_ps},
	[CTL_IMAGES] = {.list = list_images},
	[CTL_NETWORK_LS] = {.list = list_networks},
	[CTL_VOLUME_LS] = {.list = list_volumes},
	[CTL_STATS] = {.list = list_stats},
	[CTL_INSPECT] = {.show = report_inspect},
	[CTL_NETWORK_INSPECT] = {.show = report_network_inspect},
	[CTL_VOLUME_INSPECT] = {.show = report_volume_inspect},
	[CTL_KILL] = {.act = act_kill},
	[CTL_RESTART] = {.act = act_restart},
	[CTL_STOP] = {.act = act_stop},
	[CTL_START] = {.act = act_start},
};

size_t ctl_handle(const char *req, char *out, size_t len)
{
	const struct verb *v;
	struct ctl_req r;
	char err[300];
	size_t n;

	if (ctl_parse(req, &r, err, sizeof(err)) < 0)
		return (size_t)snprintf(out, len, "1\n%s\n", err);
	v = &verbs[r.verb];
	n = (size_t)snprintf(out, len, "0\n");
	if (v->list)
		return n + v->list(&r, out + n, len - n);
	if (v->show) {
		if (v->show(r.name, out + n, len - n, err, sizeof(err)) >= 0)
			return strlen(out);
	} else if (v->act(&r, err, sizeof(err)) >= 0) {
		return (size_t)snprintf(out, len, "0\n%s\n", r.name);
	}
	return (size_t)snprintf(out, len, "1\n%s\n", err);
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
