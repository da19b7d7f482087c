/* net: see net.h. */
#include "runtime/net.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "runtime/log.h"

struct nlreq {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rt;
	};
	char attrs[256];
};

static void add_attr(struct nlreq *r, unsigned short type, const void *data,
		     size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)r +
					       NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void add_str(struct nlreq *r, unsigned short type, const char *s)
{
	add_attr(r, type, s, strlen(s) + 1);
}

/* Nested attributes: open with nest_start, close with nest_end. */
static struct rtattr *nest_start(struct nlreq *r, unsigned short type)
{
	struct rtattr *nest = (struct rtattr *)((char *)r +
						NLMSG_ALIGN(r->nh.nlmsg_len));

	add_attr(r, type, NULL, 0);
	return nest;
}

static void nest_end(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)r + r->nh.nlmsg_len - (char *)nest);
}

static void nl_begin(struct nlreq *r, unsigned short type, unsigned short flags,
		     size_t hdrlen)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = (unsigned)NLMSG_LENGTH(hdrlen);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
}

/* Send one request and wait for its ack; returns 0 or -1 with errno. */
static int nl_talk(struct nlreq *r)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char buf[1024];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int ret = -EIO;
	ssize_t n;

	if (fd < 0)
		return -1;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		n = -1;
	else
		do
			n = recv(fd, buf, sizeof(buf), 0);
		while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n >= sizeof(struct nlmsghdr) + sizeof(struct nlmsgerr)) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (h->nlmsg_type == NLMSG_ERROR)
			ret = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	close(fd);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static int ifindex(const char *ifname)
{
	unsigned idx = if_nametoindex(ifname);

	if (!idx)
		log_sys("find interface %s", ifname);
	return (int)idx;
}

int net_link_up(const char *ifname)
{
	struct nlreq r;
	int idx = ifindex(ifname);

	if (!idx)
		return -1;
	nl_begin(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = idx;
	r.ifi.ifi_flags = IFF_UP;
	r.ifi.ifi_change = IFF_UP;
	if (nl_talk(&r) < 0) {
		log_sys("bring %s up", ifname);
		return -1;
	}
	return 0;
}

int net_addr_add(const char *ifname, struct in_addr addr, int prefix)
{
	struct nlreq r;
	struct in_addr brd;
	int idx = ifindex(ifname);

	if (!idx)
		return -1;
	nl_begin(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE,
		 sizeof(struct ifaddrmsg));
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = (unsigned char)prefix;
	r.ifa.ifa_index = (unsigned)idx;
	add_attr(&r, IFA_LOCAL, &addr, sizeof(addr));
	add_attr(&r, IFA_ADDRESS, &addr, sizeof(addr));
	brd.s_addr = addr.s_addr |
		     (prefix >= 32 ? 0 : htonl(0xffffffffu >> prefix));
	add_attr(&r, IFA_BROADCAST, &brd, sizeof(brd));
	if (nl_talk(&r) < 0) {
		log_sys("add address %s/%d to %s", inet_ntoa(addr), prefix, ifname);
		return -1;
	}
	return 0;
}

int net_route_default(const char *ifname, struct in_addr gw)
{
	struct nlreq r;
	int idx = ifindex(ifname);

	if (!idx)
		return -1;
	nl_begin(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
		 sizeof(struct rtmsg));
	r.rt.rtm_family = AF_INET;
	r.rt.rtm_table = RT_TABLE_MAIN;
	r.rt.rtm_protocol = RTPROT_DHCP;
	r.rt.rtm_scope = RT_SCOPE_UNIVERSE;
	r.rt.rtm_type = RTN_UNICAST;
	add_attr(&r, RTA_GATEWAY, &gw, sizeof(gw));
	add_attr(&r, RTA_OIF, &idx, sizeof(idx));
	if (nl_talk(&r) < 0) {
		log_sys("add default route via %s on %s", inet_ntoa(gw), ifname);
		return -1;
	}
	return 0;
}

int net_bridge_add(const char *name)
{
	struct nlreq r;
	struct rtattr *info;

	nl_begin(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	r.ifi.ifi_family = AF_UNSPEC;
	add_str(&r, IFLA_IFNAME, name);
	info = nest_start(&r, IFLA_LINKINFO);
	add_str(&r, IFLA_INFO_KIND, "bridge");
	nest_end(&r, info);
	if (nl_talk(&r) < 0) {
		if (errno == EEXIST)
			return 1;
		log_sys("create bridge %s", name);
		return -1;
	}
	return 0;
}

/* peer_mac: the container end's address, or NULL for a random one. */
int net_veth_add(const char *host_if, const char *peer_if, pid_t peer_pid,
		 const unsigned char *peer_mac)
{
	struct nlreq r;
	struct rtattr *info, *data, *peer;
	struct ifinfomsg *pi;
	unsigned pid = (unsigned)peer_pid;

	nl_begin(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	r.ifi.ifi_family = AF_UNSPEC;
	add_str(&r, IFLA_IFNAME, host_if);
	info = nest_start(&r, IFLA_LINKINFO);
	add_str(&r, IFLA_INFO_KIND, "veth");
	data = nest_start(&r, IFLA_INFO_DATA);
	peer = nest_start(&r, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of its own. */
	pi = (struct ifinfomsg *)((char *)&r + r.nh.nlmsg_len);
	memset(pi, 0, sizeof(*pi));
	r.nh.nlmsg_len += (unsigned)NLMSG_ALIGN(sizeof(*pi));
	add_str(&r, IFLA_IFNAME, peer_if);
	if (peer_mac)
		add_attr(&r, IFLA_ADDRESS, peer_mac, 6);
	add_attr(&r, IFLA_NET_NS_PID, &pid, sizeof(pid));
	nest_end(&r, peer);
	nest_end(&r, data);
	nest_end(&r, info);
	if (nl_talk(&r) < 0) {
		log_sys("create veth %s (peer %s in pid %d's network)", host_if, peer_if,
			(int)peer_pid);
		return -1;
	}
	return 0;
}

int net_link_set_master(const char *ifname, const char *master)
{
	struct nlreq r;
	int idx = ifindex(ifname), midx = ifindex(master);

	if (!idx || !midx)
		return -1;
	nl_begin(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = idx;
	add_attr(&r, IFLA_MASTER, &midx, sizeof(midx));
	if (nl_talk(&r) < 0) {
		log_sys("attach %s to bridge %s", ifname, master);
		return -1;
	}
	return 0;
}
