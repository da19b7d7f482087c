/* proxy: see proxy.h. This file holds the listeners: it opens a published
 * port, hands its events to the TCP relay (proxy_tcp.c) or to UDP's flows
 * (proxy_udp.c), pauses a listener that cannot take more for a moment, and
 * rate-limits the warnings a peer can provoke. It relays nothing itself. */
#include "supervise/proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervise/loop.h"
#include "supervise/proxy_int.h"
#include "common/util.h"

struct proxy_tables proxy_tables;
static struct proxy_tables *const pt = &proxy_tables;

void proxy_warn(const char *fmt, ...)
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
int proxy_quiet_errno(int e)
{
	return e == ECONNRESET || e == EPIPE || e == ETIMEDOUT || e == EHOSTUNREACH ||
	       e == ENETUNREACH || e == ECONNREFUSED;
}

static void resume(struct timer *t)
{
	int again = 0;

	for (int i = 0; i < pt->nlisteners; i++)
		if (pt->listeners[i].paused) {
			if (loop_mod(&pt->listeners[i].w, EPOLLIN) == 0)
				pt->listeners[i].paused = 0;
			else
				again = 1;
		}
	if (again)
		timer_arm(t, PAUSE_MS);
}

static struct timer resume_timer = {.cb = resume};

/* accept(2) or recvmsg(2) fails for lack of fds or memory: the listener
 * stays readable, so stop waiting on it for a moment instead of spinning. */
void proxy_pause_listener(struct listener *l, const char *what)
{
	proxy_warn("%s: port %u: %s: %s; pausing it for %d ms", l->svc, l->host_port,
		     what, strerror(errno), PAUSE_MS);
	if (loop_mod(&l->w, 0) == 0)
		l->paused = 1;
	timer_arm(&resume_timer, PAUSE_MS);
}

static int publish(const char *svc, unsigned short host_port, struct in_addr dst,
		   unsigned short port, int udp)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(host_port),
				 .sin_addr.s_addr = htonl(INADDR_ANY)};
	const char *proto = udp ? "/udp" : "";
	static int timeouts_loaded;
	struct listener *l;
	int one = 1, fd;

	if (pt->nlisteners >= MAX_LISTEN) {
		log_err("%s: publish %u%s: too many published ports (at most %d)", svc, host_port,
			proto, MAX_LISTEN);
		return -1;
	}
	if (!timeouts_loaded) {
		proxy_load_timeouts();
		timeouts_loaded = 1;
	}
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
	l = &pt->listeners[pt->nlisteners];
	memset(l, 0, sizeof(*l));
	l->w.fd = fd;
	l->w.cb = udp ? proxy_datagram_event : proxy_accept_event;
	l->dst = dst;
	l->port = port;
	l->host_port = host_port;
	snprintf(l->svc, sizeof(l->svc), "%s", svc);
	if (loop_add(&l->w, EPOLLIN) < 0) {
		close(fd);
		return -1;
	}
	pt->nlisteners++;
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
