/* proxy_udp: UDP on published ports (see proxy.h). Each client address
 * gets a socket connected to the container, kept while used and forgotten
 * after UDP_IDLE_MS of silence (the longest silent one when all MAX_FLOWS
 * are taken); answers go back from the address the client sent to. A
 * datagram that cannot be sent at once is dropped. Never blocks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "supervise/loop.h"
#include "supervise/proxy_int.h"
#include "common/util.h"

static struct flow flows[MAX_FLOWS];
static char dgram[65536];
static void expire(struct timer *t);
static struct timer expire_timer = {.cb = expire};

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
			if (errno == EINTR || proxy_quiet_errno(errno))
				continue;
			proxy_warn("%s: port %u/udp: receive from %s:%u: %s", f->l->svc,
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
		    errno != EAGAIN && !proxy_quiet_errno(errno))
			proxy_warn("%s: port %u/udp: send to %s:%u: %s", f->l->svc,
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
		proxy_warn("%s: port %u/udp: %d clients already; forgetting the longest "
			     "silent one, %s:%u", l->svc, l->host_port, MAX_FLOWS,
			     inet_ntoa(oldest->peer.sin_addr), ntohs(oldest->peer.sin_port));
		flow_close(oldest);
		f = oldest;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		proxy_warn("%s: port %u/udp: socket for the container: %s", l->svc,
			     l->host_port, strerror(errno));
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		proxy_warn("%s: port %u/udp: connect to %s:%u: %s", l->svc, l->host_port,
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

void proxy_datagram_event(struct watch *w, uint32_t events)
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
			proxy_pause_listener(l, "receive");
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
		    errno != EAGAIN && !proxy_quiet_errno(errno))
			proxy_warn("%s: port %u/udp: send to %s:%u: %s", l->svc, l->host_port,
				     inet_ntoa(l->dst), l->port, strerror(errno));
	}
}
