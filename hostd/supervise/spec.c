/* spec: what a service's plan makes of its container: the container
 * spec (layers, command, environment, capabilities, user namespace range,
 * mounts, secrets, its network's bridge and address, the other services
 * on that network by name), and the bridge and address rules shared with
 * the load and with hostctl's network reports. It makes a named volume's
 * directory on first use and nothing else: it never starts anything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/caps.h"
#include "runtime/log.h"
#include "common/plan.h"
#include "supervise/supervise_int.h"
#include "common/userns.h"
#include "common/util.h"

static struct supervisor *const sv = &supervise_state;


/* "hd-<network>": a bridge per compose network (names at most 15 bytes). */
void supervise_bridge_name(const char *net, char *buf, size_t len)
{
	snprintf(buf, len, "hd-%.12s", net);
}

int supervise_parse_address(const char *a, struct in_addr *ip, int *prefix)
{
	char tmp[32], *slash;

	snprintf(tmp, sizeof(tmp), "%s", a);
	slash = strchr(tmp, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	*prefix = atoi(slash + 1);
	return inet_pton(AF_INET, tmp, ip) == 1 ? 0 : -1;
}
int supervise_build_spec(struct ctr *c, struct container_spec *s, char *bridge, size_t blen,
			 char *why, size_t whylen)
{
	const struct plan *p = &c->plan;
	static char *argv[2 * PLAN_MAX_ARGS + 1];
	int n = 0;

	memset(s, 0, sizeof(*s));
	s->out_fd = -1;
	for (int i = 0; i < p->nlayers; i++)
		s->layers[s->nlayers++] = p->layers[i];
	s->state = c->dir;
	for (int i = 0; i < p->nentrypoint; i++)
		argv[n++] = (char *)p->entrypoint[i];
	for (int i = 0; i < p->ncmd; i++)
		argv[n++] = (char *)p->cmd[i];
	argv[n] = NULL;
	s->argv = argv;
	for (int i = 0; i < p->nenv && i < CONTAINER_MAX_ENV - 2; i++)
		s->env[s->nenv++] = p->env[i];
	s->env[s->nenv] = NULL;
	s->hostname = p->hostname ? p->hostname : p->service;
	s->workdir = p->workdir;
	/* Docker's rule: the default set, less cap_drop, plus cap_add (the
	 * parser has resolved ALL into the masks). */
	s->caps = (caps_container_default() & ~p->cap_drop) | p->cap_add;
	/* Each service's ids are a range of the VM's of their own, by its
	 * place among the plans (sorted by name): the same on every boot of
	 * the same stack. userns_mode: host keeps the VM's. */
	s->userns_base = p->userns_host ? 0 :
		USERNS_FIRST_BASE + USERNS_SIZE * (unsigned long)(c - sv->ctrs);
	s->user = p->user;	/* resolved in the container's /etc/passwd at start */
	for (int i = 0; i < p->nmounts; i++) {
		struct stat vst;

		/* A named volume's directory is made on first use (in the
		 * appliance the data disk starts empty). */
		if (p->mounts[i].name && stat(p->mounts[i].src, &vst) < 0 && errno == ENOENT) {
			if (mkdir_p(p->mounts[i].src, 0755) < 0) {
				snprintf(why, whylen, "volume %s: mkdir %s: %s", p->mounts[i].name,
					 p->mounts[i].src, strerror(errno));
				return -1;
			}
			log_info("volume %s: created %s", p->mounts[i].name, p->mounts[i].src);
		}
		s->mounts[i].src = p->mounts[i].src;
		s->mounts[i].dst = p->mounts[i].dst;
		s->mounts[i].ro = p->mounts[i].ro;
		s->mounts[i].idmap = p->mounts[i].name != NULL;
	}
	s->nmounts = p->nmounts;
	for (int i = 0; i < p->nsecrets; i++) {
		s->secrets[i].name = p->secrets[i].name;
		s->secrets[i].src = p->secrets[i].src;
	}
	s->nsecrets = p->nsecrets;
	if (p->network) {
		uint32_t mask;

		supervise_bridge_name(p->network, bridge, blen);
		s->bridge = bridge;
		if (supervise_parse_address(p->address, &s->ip, &s->prefix) < 0) {
			snprintf(why, whylen, "address '%s'", p->address);
			return -1;
		}
		mask = 0xffffffffu << (32 - s->prefix);
		s->gw.s_addr = htonl((ntohl(s->ip.s_addr) & mask) + 1);
		/* Every other service on the same network, by name. */
		for (int i = 0; i < sv->nctrs; i++) {
			const struct plan *o = &sv->ctrs[i].plan;

			if (&sv->ctrs[i] == c || !o->network || strcmp(o->network, p->network) ||
			    s->nhosts >= CONTAINER_MAX_HOSTS)
				continue;
			if (supervise_parse_address(o->address, &s->hosts[s->nhosts].ip, &(int){0}) == 0)
				s->hosts[s->nhosts++].name = o->service;
		}
	}
	return 0;
}
