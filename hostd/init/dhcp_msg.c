/* dhcp_msg: the DHCP packet codec of dhcp.h (RFC 2131, 2132): a DISCOVER
 * or REQUEST built into a buffer, a server's reply read from one. Buffers
 * in and out: it never touches a socket, and a reply that is not well
 * formed, or not for our xid and MAC, is refused, never guessed at.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "init/dhcp.h"

#include <arpa/inet.h>
#include <string.h>

#include "runtime/net_addr.h"

#define OFF_OP 0
#define OFF_XID 4
#define OFF_FLAGS 10
#define OFF_CIADDR 12
#define OFF_YIADDR 16
#define OFF_CHADDR 28
#define OFF_MAGIC 236
#define OFF_OPTS 240
static const uint8_t magic[4] = {99, 130, 83, 99};

size_t dhcp_build(uint8_t *buf, int type, uint32_t xid, const uint8_t mac[6],
		  struct in_addr ciaddr, struct in_addr req,
		  struct in_addr server)
{
	static const uint8_t params[] = {1, 3, 6, 15, 51, 54, 58};
	uint8_t *o = buf + OFF_OPTS;
	uint32_t nxid = htonl(xid);

	memset(buf, 0, DHCP_PKT_MAX);
	buf[OFF_OP] = 1;	/* BOOTREQUEST */
	buf[1] = 1;		/* ethernet */
	buf[2] = 6;
	memcpy(buf + OFF_XID, &nxid, 4);
	/* Ask for broadcast replies: we have no address to receive on yet. */
	if (!ciaddr.s_addr)
		buf[OFF_FLAGS] = 0x80;
	memcpy(buf + OFF_CIADDR, &ciaddr, 4);
	memcpy(buf + OFF_CHADDR, mac, 6);
	memcpy(buf + OFF_MAGIC, magic, 4);
	*o++ = 53, *o++ = 1, *o++ = (uint8_t)type;
	if (req.s_addr) {
		*o++ = 50, *o++ = 4;
		memcpy(o, &req, 4), o += 4;
	}
	if (server.s_addr) {
		*o++ = 54, *o++ = 4;
		memcpy(o, &server, 4), o += 4;
	}
	*o++ = 55, *o++ = sizeof(params);
	memcpy(o, params, sizeof(params)), o += sizeof(params);
	*o++ = 255;
	/* Some servers drop packets shorter than a BOOTP minimum of 300. */
	return (size_t)(o - buf) < 300 ? 300 : (size_t)(o - buf);
}

int dhcp_parse(const uint8_t *buf, size_t len, uint32_t xid,
	       const uint8_t mac[6], struct dhcp_lease *out)
{
	uint32_t nxid = htonl(xid);
	size_t i = OFF_OPTS;

	if (len < OFF_OPTS || buf[OFF_OP] != 2 || memcmp(buf + OFF_XID, &nxid, 4) ||
	    memcmp(buf + OFF_CHADDR, mac, 6) || memcmp(buf + OFF_MAGIC, magic, 4))
		return -1;
	memset(out, 0, sizeof(*out));
	memcpy(&out->addr, buf + OFF_YIADDR, 4);
	while (i < len && buf[i] != 255) {
		uint8_t code = buf[i], olen;
		const uint8_t *v;

		if (code == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + buf[i + 1] > len)
			return -1;	/* an option runs past the packet */
		olen = buf[i + 1];
		v = buf + i + 2;
		switch (code) {
		case 53:
			if (olen >= 1)
				out->type = v[0];
			break;
		case 1:
			if (olen >= 4)
				memcpy(&out->mask, v, 4);
			break;
		case 3:
			if (olen >= 4)
				memcpy(&out->router, v, 4);
			break;
		case 6:
			for (int k = 0; k + 4 <= olen && out->ndns < 3; k += 4)
				memcpy(&out->dns[out->ndns++], v + k, 4);
			break;
		case 51:
			if (olen >= 4)
				out->lease_s = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
					       (uint32_t)v[2] << 8 | v[3];
			break;
		case 54:
			if (olen >= 4)
				memcpy(&out->server, v, 4);
			break;
		case 58:
			if (olen >= 4)
				out->t1_s = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
					    (uint32_t)v[2] << 8 | v[3];
			break;
		}
		i += 2u + olen;
	}
	if (out->type < DHCP_DISCOVER || out->type > DHCP_INFORM)
		return -1;
	if ((out->type == DHCP_OFFER || out->type == DHCP_ACK) && !out->addr.s_addr)
		return -1;
	if (!out->lease_s)
		out->lease_s = 3600;
	if (!out->t1_s || out->t1_s >= out->lease_s)
		out->t1_s = out->lease_s / 2;
	if (!out->mask.s_addr || net_mask_prefix(out->mask) < 0)
		out->mask.s_addr = htonl(0xffffff00u);
	return 0;
}
