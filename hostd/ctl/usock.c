/* usock: see usock.h. */
#include "ctl/usock.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/log.h"
#include "common/util.h"

int usock_listen(struct watch *w, const char *path, mode_t dirmode, mode_t mode,
		 const char *what)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof(sa.sun_path)], *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("%s path too long: %s", what, path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, dirmode) < 0) {
			log_sys("%s: mkdir %s", what, dir);
			return -1;
		}
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		log_sys("%s: socket", what);
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_sys("%s: remove the old %s", what, path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, mode) < 0 ||
	    listen(fd, 16) < 0) {
		log_sys("%s %s", what, path);
		close(fd);
		return -1;
	}
	w->fd = fd;
	if (loop_add(w, EPOLLIN) < 0) {
		close(fd);
		w->fd = -1;
		return -1;
	}
	return 0;
}

void usock_conn_close(struct usock_conn *c)
{
	timer_cancel(&c->t);
	loop_del(&c->w);
	close(c->w.fd);
	c->w.fd = -1;
}

static void conn_timeout(struct timer *t)
{
	usock_conn_close((struct usock_conn *)((char *)t - offsetof(struct usock_conn, t)));
}

int usock_conn_open(struct usock_conn *c, int fd, void (*cb)(struct watch *w, uint32_t events),
		    long long ms)
{
	c->w.fd = fd;
	c->w.cb = cb;
	c->t.cb = conn_timeout;
	if (loop_add(&c->w, EPOLLIN) < 0) {
		close(fd);
		c->w.fd = -1;
		return -1;
	}
	timer_arm(&c->t, ms);
	return 0;
}
