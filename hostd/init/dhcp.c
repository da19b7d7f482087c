/* dhcp: see dhcp.h. The client in the event loop; the packet codec is
 * dhcp_msg.c. */
#include "init/dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/net.h"
#include "common/util.h"

static void dhcp_send(struct dhcp_client *c, int type)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(67),
				 .sin_addr.s_addr = INADDR_BROADCAST};
	uint8_t pkt[DHCP_PKT_MAX];
	struct in_addr none = {0}, ci = none, req = none, srv = none;
	size_t len;

	if (type == DHCP_REQUEST && c->state == DHCP_REQUESTING) {
		req = c->offer.addr;
		srv = c->offer.server;
	} else if (type == DHCP_REQUEST) {	/* renewing */
		ci = c->lease.addr;
	}
	len = dhcp_build(pkt, type, c->xid, c->mac, ci, req, srv);
	if (sendto(c->sock.fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		log_sys("dhcp: send on %s", c->ifname);
}

/* Retransmit with 1, 2, 4, 8, 8, ... seconds between tries. */
static long long retry_ms(int tries)
{
	return tries >= 3 ? 8000 : 1000LL << tries;
}

static void dhcp_restart(struct dhcp_client *c)
{
	uint32_t x;

	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != sizeof(x))
		x = (uint32_t)now_ms() ^ (uint32_t)c->mac[5] << 24;
	c->xid = x;
	c->state = DHCP_SELECTING;
	c->tries = 0;
	dhcp_send(c, DHCP_DISCOVER);
	timer_arm(&c->timer, retry_ms(c->tries));
}

static void dhcp_apply(struct dhcp_client *c)
{
	struct dhcp_lease *l = &c->lease;
	char resolv[256];
	int n = 0, prefix = net_mask_prefix(l->mask);
	char addr[16], gw[16];

	snprintf(addr, sizeof(addr), "%s", inet_ntoa(l->addr));
	/* QEMU's restricted user network offers no router: say so. */
	snprintf(gw, sizeof(gw), "%s", l->router.s_addr ? inet_ntoa(l->router) : "none");
	if (net_addr_add(c->ifname, l->addr, prefix) < 0)
		return;
	if (l->router.s_addr && net_route_default(c->ifname, l->router) < 0)
		return;
	for (int i = 0; i < l->ndns; i++)
		n += snprintf(resolv + n, sizeof(resolv) - (size_t)n,
			      "nameserver %s\n", inet_ntoa(l->dns[i]));
	if (n && write_file_atomic("/etc/resolv.conf", resolv, (size_t)n, 0644) < 0)
		log_sys("write /etc/resolv.conf");
	log_info("dhcp: %s is %s/%d, gateway %s, lease %u s", c->ifname, addr,
		 prefix, gw, l->lease_s);
	if (!c->bound_once) {
		c->bound_once = 1;
		if (c->on_bound)
			c->on_bound(c);
	}
}

static void dhcp_timeout(struct timer *t)
{
	struct dhcp_client *c = (struct dhcp_client *)((char *)t -
						       offsetof(struct dhcp_client, timer));

	switch (c->state) {
	case DHCP_SELECTING:
	case DHCP_REQUESTING:
		c->tries++;
		if (c->tries == 4)
			log_warn("dhcp: no answer on %s yet; still asking", c->ifname);
		if (c->state == DHCP_REQUESTING && c->tries >= 4) {
			dhcp_restart(c);	/* the offer went stale */
			return;
		}
		dhcp_send(c, c->state == DHCP_SELECTING ? DHCP_DISCOVER : DHCP_REQUEST);
		timer_arm(&c->timer, retry_ms(c->tries));
		break;
	case DHCP_BOUND:
		c->state = DHCP_RENEWING;
		c->tries = 0;
		/* fall through */
	case DHCP_RENEWING:
		if (now_ms() >= c->expire_ms) {
			log_warn("dhcp: lease on %s expired; starting over", c->ifname);
			dhcp_restart(c);
			return;
		}
		dhcp_send(c, DHCP_REQUEST);
		timer_arm(&c->timer, 10000);
		break;
	case DHCP_IDLE:
		break;
	}
}

static void dhcp_readable(struct watch *w, uint32_t events)
{
	struct dhcp_client *c = (struct dhcp_client *)((char *)w -
						       offsetof(struct dhcp_client, sock));
	uint8_t buf[1500];
	struct dhcp_lease l;
	ssize_t n;

	(void)events;
	while ((n = recv(w->fd, buf, sizeof(buf), 0)) >= 0) {
		if (dhcp_parse(buf, (size_t)n, c->xid, c->mac, &l) < 0)
			continue;
		if (c->state == DHCP_SELECTING && l.type == DHCP_OFFER) {
			c->offer = l;
			c->state = DHCP_REQUESTING;
			c->tries = 0;
			dhcp_send(c, DHCP_REQUEST);
			timer_arm(&c->timer, retry_ms(0));
		} else if ((c->state == DHCP_REQUESTING || c->state == DHCP_RENEWING) &&
			   l.type == DHCP_ACK) {
			c->lease = l;
			c->state = DHCP_BOUND;
			c->expire_ms = now_ms() + (long long)l.lease_s * 1000;
			timer_arm(&c->timer, (long long)l.t1_s * 1000);
			dhcp_apply(c);
		} else if ((c->state == DHCP_REQUESTING || c->state == DHCP_RENEWING) &&
			   l.type == DHCP_NAK) {
			log_warn("dhcp: server refused the lease on %s; starting over",
				 c->ifname);
			dhcp_restart(c);
		}
	}
	if (errno != EAGAIN && errno != EINTR)
		log_sys("dhcp: receive on %s", c->ifname);
}

int dhcp_start(struct dhcp_client *c, const char *ifname,
	       void (*on_bound)(struct dhcp_client *c))
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(68)};
	struct ifreq ifr;
	int one = 1, fd;

	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	c->on_bound = on_bound;
	c->timer.cb = dhcp_timeout;
	c->sock.cb = dhcp_readable;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		log_sys("dhcp: socket");
		return -1;
	}
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		log_sys("dhcp: read the MAC address of %s", ifname);
		close(fd);
		return -1;
	}
	memcpy(c->mac, ifr.ifr_hwaddr.sa_data, 6);
	/* Bound to the device, a socket can broadcast and hear broadcast
	 * replies before the interface has any address. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname) + 1) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		log_sys("dhcp: set up the socket on %s", ifname);
		close(fd);
		return -1;
	}
	c->sock.fd = fd;
	if (loop_add(&c->sock, EPOLLIN) < 0) {
		close(fd);
		return -1;
	}
	dhcp_restart(c);
	return 0;
}
