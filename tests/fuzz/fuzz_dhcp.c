/* dhcp_parse (hostd/dhcp.c): a packet off the wire, from any host on the
 * link (hostd reads up to 1500 bytes). The transaction id and the
 * client's MAC are taken from the packet itself for even sizes, so the
 * fuzzer gets past those checks to the options; odd sizes keep fixed
 * ones. What a lease promises the client code is checked. */
#include <arpa/inet.h>

#include "init/dhcp.h"
#include "fuzz.h"
#include "runtime/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t fixed_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	uint8_t *pkt = malloc(size ? size : 1), mac[6];
	struct dhcp_lease l;
	uint32_t xid = 0x12345678;

	if (!pkt)
		abort();
	memcpy(pkt, data, size);
	memcpy(mac, fixed_mac, sizeof(mac));
	if (size >= 34 && !(size & 1)) {
		memcpy(&xid, pkt + 4, 4);
		xid = ntohl(xid);
		memcpy(mac, pkt + 28, 6);
	}
	if (dhcp_parse(pkt, size, xid, mac, &l) == 0 &&
	    (l.ndns < 0 || l.ndns > 3 || l.type < DHCP_DISCOVER || l.type > DHCP_INFORM ||
	     !l.lease_s || l.t1_s > l.lease_s || net_mask_prefix(l.mask) < 0))
		abort();
	free(pkt);
	return 0;
}
