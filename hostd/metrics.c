/* metrics: see metrics.h. */
#include "metrics.h"

#include <errno.h>
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

static struct watch listener = {.fd = -1};
static char snap[SNAP_MAX];
static size_t snap_len;
static long long snap_ms, started_ms;

static void accept_ready(struct watch *w, uint32_t events)
{
	int fd;

	(void)events;
	for (int i = 0; i < PER_WAKE; i++) {
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
		close(fd);
	}
}

int metrics_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof(sa.sun_path)], *slash;
	int fd;

	started_ms = now_ms();
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
