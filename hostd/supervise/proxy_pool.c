/* proxy_pool: the TCP pool's limits (see proxy.h): how many connections
 * one client address holds, which idle connection gives its slot to a
 * newcomer when the pool or the address is full, and when a connection is
 * reset for silence or idleness (the sweep, woken only when the next one
 * is due; HOSTD_PROXY_TIMEOUTS replaces the limits). It decides and
 * closes; it never relays a byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/log.h"
#include "supervise/loop.h"
#include "supervise/proxy_int.h"
#include "common/util.h"

static struct proxy_tables *const pt = &proxy_tables;
static long long silent_ms = SILENT_MS, idle_ms = IDLE_MS, done_ms = DONE_MS;
static void sweep(struct timer *t);
static struct timer sweep_timer = {.cb = sweep};

/* Nothing to wait for on c: it has never carried a byte, or the container
 * has closed its side. Such a connection is judged alone, under a short
 * limit, and goes first when room is made. */
static int conn_hopeless(const struct conn *c)
{
	return !c->carried || c->down.shut;
}

/* When c last moved a byte; for one in use, also when its address last
 * moved one through another port of the same container: FTP's control
 * connection is quiet while its data connection carries a transfer of any
 * length. Not through the same port: one busy connection must not keep
 * its address's idle others on that port. */
static long long conn_last(const struct conn *c)
{
	long long t = c->last;

	if (conn_hopeless(c))
		return t;
	for (int i = 0; i < pt->nlisteners; i++)
		if (&pt->listeners[i] != c->l && pt->listeners[i].dst.s_addr == c->l->dst.s_addr &&
		    c->peer->last[i] > t)
			t = c->peer->last[i];
	return t;
}

static long long conn_limit(const struct conn *c)
{
	if (!c->carried)
		return silent_ms;
	return c->down.shut ? done_ms : idle_ms;
}

/* When c is to be reset if nothing moves before. */
long long proxy_conn_due(const struct conn *c)
{
	if (!c->connected)
		return c->since + CONNECT_MS;
	return conn_last(c) + conn_limit(c);
}

/* Which of the limits above applies to c: when it changes, c's due time
 * may come sooner than the sweep was set for. */
int proxy_conn_stage(const struct conn *c)
{
	return !c->connected ? 0 : !c->carried ? 1 : c->down.shut ? 2 : 3;
}

/* Have the sweep run by due at the latest. */
void proxy_sweep_at(long long due)
{
	if (!sweep_timer.deadline || due < sweep_timer.deadline)
		timer_arm(&sweep_timer, due - now_ms());
}

/* Reset the connections past their limit (proxy_conn_due); wake again for the
 * next one due, and only then: no polling. */
static void sweep(struct timer *t)
{
	long long now = now_ms(), next = -1;

	(void)t;
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &pt->conns[i];
		long long due;

		if (!c->used)
			continue;
		due = proxy_conn_due(c);
		if (now >= due) {
			if (!c->connected)
				proxy_warn("%s: port %u: connect to %s:%u: no answer in %d ms",
					     c->l->svc, c->l->host_port, inet_ntoa(c->l->dst),
					     c->l->port, CONNECT_MS);
			proxy_conn_close(c, 1);
		} else if (next < 0 || due < next) {
			next = due;
		}
	}
	if (next >= 0)
		timer_arm(&sweep_timer, next - now);
}

/* HOSTD_PROXY_TIMEOUTS=SILENT,IDLE,DONE (milliseconds, 100 to a day each)
 * replaces the three limits: for the tests, which cannot wait minutes, and
 * for an operator with other needs (in the appliance as a word of the
 * kernel command line, which the kernel hands to /init, hostd, as its
 * environment). */
void proxy_load_timeouts(void)
{
	const char *v = getenv("HOSTD_PROXY_TIMEOUTS"), *s = v;
	long long ms[3];
	char *end;

	if (!v)
		return;
	for (int i = 0; i < 3; i++, s = end + 1) {
		errno = 0;
		ms[i] = strtoll(s, &end, 10);
		if (errno || end == s || ms[i] < 100 || ms[i] > 86400000 ||
		    *end != (i < 2 ? ',' : '\0')) {
			log_warn("HOSTD_PROXY_TIMEOUTS=%s: want SILENT,IDLE,DONE in ms (100 to "
				 "86400000); keeping %d,%d,%d", v, SILENT_MS, IDLE_MS, DONE_MS);
			return;
		}
	}
	silent_ms = ms[0];
	idle_ms = ms[1];
	done_ms = ms[2];
	log_info("published ports: connections reset after %lld ms silent, %lld ms idle, "
		 "%lld ms once the container is done (HOSTD_PROXY_TIMEOUTS)", silent_ms, idle_ms,
		 done_ms);
}

static struct peer *peer_find(struct in_addr a)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (pt->peers[i].n && pt->peers[i].addr.s_addr == a.s_addr)
			return &pt->peers[i];
	return NULL;
}

/* a's entry, or a new one: there are as many entries as connections, and
 * the caller holds a free connection, so one is free. */
struct peer *proxy_peer_get(struct in_addr a)
{
	struct peer *p = peer_find(a);

	for (int i = 0; !p && i < MAX_CONNS; i++)
		if (!pt->peers[i].n) {
			p = &pt->peers[i];
			memset(p, 0, sizeof(*p));
			p->addr = a;
		}
	return p;
}

/* Whether c should go before best (NULL: nothing chosen yet) to make
 * room: one idle for RECLAIM_MS first, a reconnection costs its client
 * little; then the address holding more, the likeliest to be flooding;
 * then one with nothing to wait for (conn_hopeless); then the one idle
 * longer, the least likely to be missed. */
static int goes_before(const struct conn *c, long long idle, const struct conn *best,
		       long long best_idle)
{
	if (!best)
		return 1;
	if ((idle >= RECLAIM_MS) != (best_idle >= RECLAIM_MS))
		return idle >= RECLAIM_MS;
	if (c->peer->n != best->peer->n)
		return c->peer->n > best->peer->n;
	if (conn_hopeless(c) != conn_hopeless(best))
		return conn_hopeless(c);
	return idle > best_idle;
}

/* A new connection from p (NULL: an address with none yet) finds p at its
 * cap or the pool full: the connection to reset for it, or NULL to refuse
 * it. Refusing a newcomer while the pool holds connections idle for
 * minutes would let whoever came first keep everyone else out, so an idle
 * one goes instead, as nginx closes its idle keep-alive connections when
 * it runs out. Once p is at its cap, one of p's own; otherwise one from
 * the address holding the most, never one holding fewer than p.
 *
 * A connection in use (idle less than RECLAIM_MS) goes only to a newcomer
 * whose address holds at least two fewer, so that the exchange never
 * leaves it holding more than the address it took from: otherwise two
 * addresses opening connections without a pause, each at its cap with none
 * of them ever idle, would keep everyone else out. An address is never
 * cut for its own newcomer while in use: it is refused instead. */
static struct conn *make_room(const struct peer *p, long long *idle)
{
	int own = p ? p->n : 0;
	long long now = now_ms();
	struct conn *best = NULL;

	*idle = 0;
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &pt->conns[i];
		long long quiet;

		if (!c->used || (own >= PER_CLIENT && c->peer != p) || c->peer->n < own)
			continue;
		quiet = now - conn_last(c);
		if ((quiet >= RECLAIM_MS || c->peer->n >= own + 2) &&
		    goes_before(c, quiet, best, *idle)) {
			best = c;
			*idle = quiet;
		}
	}
	return best;
}

/* A free slot for a new connection from a, made if need be (make_room);
 * NULL (said in the log) if a is refused. */
struct conn *proxy_conn_slot(const struct listener *l, struct in_addr a)
{
	struct peer *p = peer_find(a);
	struct conn *c = NULL;
	char who[INET_ADDRSTRLEN], whose[INET_ADDRSTRLEN];
	long long idle;

	if (!p || p->n < PER_CLIENT)
		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (!pt->conns[i].used)
				c = &pt->conns[i];
	if (c)
		return c;
	inet_ntop(AF_INET, &a, who, sizeof(who));
	c = make_room(p, &idle);
	if (!c) {
		if (p && p->n >= PER_CLIENT)
			proxy_warn("%s: port %u: %s holds %d connections, the most one address "
				     "may, all in use; refusing one", l->svc, l->host_port, who,
				     PER_CLIENT);
		else
			proxy_warn("%s: port %u: %d connections already, none that may make "
				     "room for %s; refusing one", l->svc, l->host_port, MAX_CONNS,
				     who);
		return NULL;
	}
	inet_ntop(AF_INET, &c->peer->addr, whose, sizeof(whose));
	if (c->peer == p)
		proxy_warn("%s: port %u: %s holds %d connections%s; making room: resetting its "
			     "connection to port %u idle for %lld ms", l->svc, l->host_port, who,
			     p->n, p->n >= PER_CLIENT ? ", the most one address may" : " of the pool",
			     c->l->host_port, idle);
	else
		proxy_warn("%s: port %u: %d connections already; making room for %s: resetting "
			     "a connection of %s (of its %d) to port %u idle for %lld ms", l->svc,
			     l->host_port, MAX_CONNS, who, whose, c->peer->n, c->l->host_port, idle);
	proxy_conn_close(c, 1);
	return c;
}
