/* compose_attach: what a service attaches to, each in Compose's short and
 * long syntax: ports and expose, volumes (named volumes and bind mounts),
 * secrets, networks. A reference to an undefined volume, secret or
 * network is an error at the referencing line; so is anything two entries
 * of one service would share (a mount point, a secret file, a port).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose_int.h"

static const char *const no_aliases[] = { NULL };

/* ---- ports and expose ------------------------------------------------------ */

/* One port number, 1 to 65535; ranges are refused. whole: for messages. */
static int port_number(struct ctx *x, yaml_node_t *n, const char *w, const char *whole,
		       const char *s, unsigned short *out)
{
	long long v;

	if (strchr(s, '-'))
		return fail(x, n, "%s: '%s': port ranges are not supported", w, whole);
	if (parse_ll(s, &v) < 0 || v < 1 || v > 65535)
		return fail(x, n, "%s: '%s': '%s' is not a port (1 to 65535)", w, whole, s);
	*out = (unsigned short)v;
	return 0;
}

/* The most ports one range may name: hostd's proxy listens on each. */
#define MAX_PORT_SPAN 32

/* "PORT" or "LOW-HIGH" (the short syntax's ranges): the first port and how
 * many. s is modified (the '-' cut). */
static int port_span(struct ctx *x, yaml_node_t *n, const char *w, const char *whole, char *s,
		     unsigned short *lo, int *count)
{
	char *dash = strchr(s, '-');
	unsigned short hi;

	*count = 1;
	if (!dash)
		return port_number(x, n, w, whole, s, lo);
	*dash = '\0';
	if (port_number(x, n, w, whole, s, lo) < 0 || port_number(x, n, w, whole, dash + 1, &hi) < 0)
		return -1;
	if (hi < *lo)
		return fail(x, n, "%s: '%s': the range %s-%s ends before it starts", w, whole, s,
			    dash + 1);
	if (hi - *lo + 1 > MAX_PORT_SPAN)
		return fail(x, n, "%s: '%s': a range may hold at most %d ports, not %d", w, whole,
			    MAX_PORT_SPAN, hi - *lo + 1);
	*count = hi - *lo + 1;
	return 0;
}

static int protocol(struct ctx *x, yaml_node_t *n, const char *w, const char *whole,
		    const char *proto, int *udp)
{
	if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
		return fail(x, n, "%s: '%s': protocol '%s' is not supported (tcp or udp)", w, whole,
			    proto);
	*udp = !strcmp(proto, "udp");
	return 0;
}

static int host_ip(struct ctx *x, yaml_node_t *n, const char *w, const char *whole,
		   const char *ip, const char **out)
{
	if (!compose_valid_ipv4(ip))
		return fail(x, n, "%s: '%s': the host address '%s' is not an IPv4 address", w, whole,
			    ip);
	*out = strcmp(ip, "0.0.0.0") ? ip : NULL;
	return 0;
}

/* Compose publishes a port given without a host port on an ephemeral host
 * port; the appliance's forwarded ports are fixed, so hostd does not. */
static int unpublished(struct ctx *x, yaml_node_t *n, const char *w, const char *whole)
{
	return compose_warn(x, line_of(n), fmt(x, "%s: '%s' has no host port: Compose would "
					       "publish it on a random host port, hostd only "
					       "exposes it (write HOST:CONTAINER to publish it)",
					       w, whole));
}

/* "[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]", each port also as a range
 * LOW-HIGH (the host range as long as the container's: Compose's other
 * form, a host range for one container port, picks a free port at random,
 * which hostd does not). *span: how many ports, from p->published and
 * p->target up. */
static int port_short(struct ctx *x, yaml_node_t *n, const char *w, struct compose_port *p,
		      int *span)
{
	const char *s, *last;
	char *buf, *slash, *c1, *c2;
	int colons = 0, hspan;

	if (str(x, n, w, &s) < 0 || !(buf = sdup(x, s)))
		return -1;
	/* PyYAML (YAML 1.1, docker-compose v1) reads an unquoted 21:21 as a
	 * base-60 number: refuse what the two would read differently. */
	last = strrchr(s, ':');
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && last &&
	    strspn(s, "0123456789:") == strlen(s) && strlen(last + 1) <= 2 && atoi(last + 1) < 60)
		return fail(x, n, "%s: quote \"%s\": YAML 1.1 (docker-compose v1) reads it as a "
			    "base-60 number", w, s);
	if ((slash = strchr(buf, '/'))) {
		*slash = '\0';
		if (protocol(x, n, w, s, slash + 1, &p->udp) < 0)
			return -1;
	}
	for (const char *q = buf; *q; q++)
		colons += *q == ':';
	if (buf[0] == '[' || colons > 2)
		return fail(x, n, "%s: '%s': IPv6 host addresses are not supported", w, s);
	if (!(c2 = strrchr(buf, ':')))
		return port_span(x, n, w, s, buf, &p->target, span) < 0 ? -1 : unpublished(x, n, w, s);
	*c2 = '\0';
	if (port_span(x, n, w, s, c2 + 1, &p->target, span) < 0)
		return -1;
	if ((c1 = strrchr(buf, ':'))) {
		*c1 = '\0';
		if (host_ip(x, n, w, s, buf, &p->host_ip) < 0)
			return -1;
		if (!c1[1])
			return fail(x, n, "%s: '%s': give the host port (hostd does not pick random "
				    "host ports)", w, s);
		buf = c1 + 1;
	}
	if (port_span(x, n, w, s, buf, &p->published, &hspan) < 0)
		return -1;
	if (hspan != *span)
		return fail(x, n, "%s: '%s': the host range has %d ports and the container range %d "
			    "(hostd publishes ranges port by port; it does not pick random host "
			    "ports)", w, s, hspan, *span);
	if (p->published + *span - 1 > 65535)
		return fail(x, n, "%s: '%s': the range passes port 65535", w, s);
	return 0;
}

static int port_long(struct ctx *x, yaml_node_t *n, const char *w, struct compose_port *p)
{
	struct item *f;
	int nf, has_target = 0;
	const char *s;

	if (attrs(x, n, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);
		yaml_node_t *v = f[i].val;

		if (!strcmp(f[i].name, "target")) {
			if (str(x, v, ww, &s) < 0 || port_number(x, v, ww, s, s, &p->target) < 0)
				return -1;
			has_target = 1;
		} else if (!strcmp(f[i].name, "published")) {
			if (str(x, v, ww, &s) < 0 || port_number(x, v, ww, s, s, &p->published) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "host_ip")) {
			if (str(x, v, ww, &s) < 0 || host_ip(x, v, ww, s, s, &p->host_ip) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "protocol")) {
			if (str(x, v, ww, &s) < 0 || protocol(x, v, ww, s, s, &p->udp) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "mode")) {
			/* One host: host and ingress publish alike. */
			if (str(x, v, ww, &s) < 0)
				return -1;
			if (strcmp(s, "host") && strcmp(s, "ingress"))
				return fail(x, v, "%s: '%s': expected host or ingress", ww, s);
		} else {
			return unsupported(x, &f[i], w);
		}
	}
	if (!has_target)
		return fail(x, n, "%s: the target port is missing", w);
	return p->published ? 0 : unpublished(x, n, w, fmt(x, "target: %u", p->target));
}

int compose_ports(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s)
{
	int cap;

	if (!is_seq(n))
		return fail(x, n, "%s: expected a list, not %s", w, kind_name(n));
	cap = seq_len(n) + 1;
	if (!(s->ports = alloc(x, sizeof(*s->ports) * (size_t)cap)))
		return -1;
	for (int i = 0; i < seq_len(n); i++) {
		yaml_node_t *e = seq_at(x, n, i);
		struct compose_port one = { .line = line_of(e) };
		int span = 1;

		if ((is_map(e) ? port_long(x, e, w, &one) : port_short(x, e, w, &one, &span)) < 0)
			return -1;
		if (s->nports + span + 1 > cap) {	/* a range: room for its ports */
			struct compose_port *more;

			cap = s->nports + span + seq_len(n) - i + 1;
			if (!(more = alloc(x, sizeof(*more) * (size_t)cap)))
				return -1;
			memcpy(more, s->ports, sizeof(*more) * (size_t)s->nports);
			s->ports = more;
		}
		for (int k = 0; k < span; k++) {
			struct compose_port *p = &s->ports[s->nports];

			*p = one;
			p->target = (unsigned short)(one.target + k);
			if (one.published)
				p->published = (unsigned short)(one.published + k);
			for (int j = 0; j < s->nports; j++) {
				const struct compose_port *q = &s->ports[j];

				if (p->published && q->published == p->published && q->udp == p->udp &&
				    same_address(q->host_ip, p->host_ip))
					return fail(x, e, "%s: host port %u/%s is published twice", w,
						    p->published, p->udp ? "udp" : "tcp");
				if (!p->published && !q->published && q->target == p->target &&
				    q->udp == p->udp)
					return fail(x, e, "%s: port %u is listed twice", w, p->target);
			}
			s->nports++;
		}
	}
	return 0;
}

int compose_expose(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s)
{
	if (!is_seq(n))
		return fail(x, n, "%s: expected a list, not %s", w, kind_name(n));
	if (!(s->expose = alloc(x, sizeof(*s->expose) * ((size_t)seq_len(n) + 1))))
		return -1;
	for (int i = 0; i < seq_len(n); i++) {
		yaml_node_t *e = seq_at(x, n, i);
		const char *v;
		char *buf, *slash;

		if (str(x, e, w, &v) < 0 || !(buf = sdup(x, v)))
			return -1;
		if ((slash = strchr(buf, '/'))) {
			*slash = '\0';
			if (strcmp(slash + 1, "tcp"))
				return fail(x, e, "%s: '%s': only tcp ports can be exposed", w, v);
		}
		if (port_number(x, e, w, v, buf, &s->expose[s->nexpose++]) < 0)
			return -1;
	}
	return 0;
}

/* ---- volumes ------------------------------------------------------------------ */

/* "SOURCE:TARGET[:MODE]": a source starting with / . or ~ is a host path
 * (Compose's rule), anything else names a volume. */
static int volume_short(struct ctx *x, yaml_node_t *n, const char *w, struct compose_mount *m)
{
	const char *s;
	char *buf, *save, *parts[4] = { 0 };
	int np = 0;

	if (str(x, n, w, &s) < 0 || !(buf = sdup(x, s)))
		return -1;
	for (char *p = buf; np < 4; ) {
		parts[np++] = p;
		if (!(p = strchr(p, ':')))
			break;
		*p++ = '\0';
	}
	if (np == 4)
		return fail(x, n, "%s: '%s': expected SOURCE:TARGET[:MODE]", w, s);
	if (np == 1)
		return fail(x, n, "%s: '%s': anonymous volumes are not supported: name the volume "
			    "(NAME:%s) and declare it under the top-level volumes", w, s, s);
	for (char *o = np == 3 ? strtok_r(parts[2], ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		if (!strcmp(o, "ro") || !strcmp(o, "rw"))
			m->read_only = !strcmp(o, "ro");
		else if (strcmp(o, "z") && strcmp(o, "Z"))	/* SELinux labels: no SELinux here */
			return fail(x, n, "%s: '%s': unsupported mount option '%s' (ro or rw)", w, s, o);
	}
	m->target = parts[1];
	if (parts[0][0] == '/' || parts[0][0] == '.' || parts[0][0] == '~') {
		m->type = COMPOSE_BIND;
		return abs_path(x, n, w, parts[0], &m->source);
	}
	m->type = COMPOSE_VOLUME;
	m->source = parts[0];
	return 0;
}

static int volume_long(struct ctx *x, yaml_node_t *n, const char *w, struct compose_mount *m)
{
	const char *type = NULL, *src = NULL;
	struct item *f;
	int nf;

	if (attrs(x, n, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);
		yaml_node_t *v = f[i].val;

		if (!strcmp(f[i].name, "type")) {
			if (str(x, v, ww, &type) < 0)
				return -1;
			if (strcmp(type, "volume") && strcmp(type, "bind"))
				return fail(x, v, "%s: '%s': only volume and bind mounts are supported", ww,
					    type);
			m->type = strcmp(type, "bind") ? COMPOSE_VOLUME : COMPOSE_BIND;
		} else if (!strcmp(f[i].name, "source")) {
			if (str(x, v, ww, &src) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "target")) {
			if (str(x, v, ww, &m->target) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "read_only")) {
			if (boolean(x, v, ww, &m->read_only) < 0)
				return -1;
		} else {
			return unsupported(x, &f[i], w);
		}
	}
	if (!type)
		return fail(x, n, "%s: the type is missing (volume or bind)", w);
	if (!m->target)
		return fail(x, n, "%s: the target is missing", w);
	if (!src || !*src)
		return fail(x, n, m->type == COMPOSE_VOLUME ? "%s: anonymous volumes are not "
			    "supported: give the volume's name as source" : "%s: the source is missing",
			    w);
	if (m->type == COMPOSE_BIND)
		return abs_path(x, n, w, src, &m->source);
	m->source = src;
	return 0;
}

int compose_volumes(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s)
{
	if (!is_seq(n))
		return fail(x, n, "%s: expected a list, not %s", w, kind_name(n));
	if (!(s->mounts = alloc(x, sizeof(*s->mounts) * ((size_t)seq_len(n) + 1))))
		return -1;
	for (int i = 0; i < seq_len(n); i++) {
		yaml_node_t *e = seq_at(x, n, i);
		struct compose_mount *m = &s->mounts[s->nmounts++];

		m->line = line_of(e);
		if ((is_map(e) ? volume_long(x, e, w, m) : volume_short(x, e, w, m)) < 0)
			return -1;
		if (m->target[0] != '/')
			return fail(x, e, "%s: the target '%s' is not an absolute path", w, m->target);
		/* Cleaned as Docker cleans it ("/data/" is "/data"): the plan
		 * takes normalized paths, and two mounts on one place are found. */
		if (!(m->target = compose_join(x, "/", m->target)))
			return -1;
		/* Compose's rule: a named volume is declared at the top level. */
		if (m->type == COMPOSE_VOLUME && !find_volume(x->c, m->source))
			return fail(x, e, "%s: undefined volume '%s' (declare it under the top-level "
				    "volumes)", w, m->source);
		for (int j = 0; j < i; j++)
			if (!strcmp(s->mounts[j].target, m->target))
				return fail(x, e, "%s: two mounts on %s", w, m->target);
	}
	return 0;
}

/* ---- secrets ---------------------------------------------------------------- */

static int secret_long(struct ctx *x, yaml_node_t *n, const char *w, struct compose_secret_ref *r,
		       yaml_node_t **tnode)
{
	struct item *f;
	int nf;

	if (attrs(x, n, w, &f, &nf) < 0)
		return -1;
	for (int j = 0; j < nf; j++) {
		const char *ww = fmt(x, "%s.%s", w, f[j].name);

		if (!strcmp(f[j].name, "source")) {
			if (str(x, f[j].val, ww, &r->source) < 0)
				return -1;
		} else if (!strcmp(f[j].name, "target")) {
			if (str(x, f[j].val, ww, &r->target) < 0)
				return -1;
			*tnode = f[j].val;
		} else if (!strcmp(f[j].name, "uid") || !strcmp(f[j].name, "gid") ||
			   !strcmp(f[j].name, "mode")) {
			return fail(x, f[j].key, "%s: %s is not supported: a secret is mounted with "
				    "its default owner and mode (Docker Compose ignores uid, gid and "
				    "mode for file secrets too)", w, f[j].name);
		} else {
			return unsupported(x, &f[j], w);
		}
	}
	return r->source ? 0 : fail(x, n, "%s: the source is missing", w);
}

int compose_secrets(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s)
{
	if (!is_seq(n))
		return fail(x, n, "%s: expected a list, not %s", w, kind_name(n));
	if (!(s->secrets = alloc(x, sizeof(*s->secrets) * ((size_t)seq_len(n) + 1))))
		return -1;
	for (int i = 0; i < seq_len(n); i++) {
		yaml_node_t *e = seq_at(x, n, i), *tnode = e;
		struct compose_secret_ref *r = &s->secrets[s->nsecrets++];

		r->line = line_of(e);
		if ((is_map(e) ? secret_long(x, e, w, r, &tnode) : str(x, e, w, &r->source)) < 0)
			return -1;
		if (!find_secret(x->c, r->source))
			return fail(x, e, "%s: undefined secret '%s' (declare it under the top-level "
				    "secrets)", w, r->source);
		if (!r->target)
			r->target = r->source;
		else if (!strncmp(r->target, "/run/secrets/", 13))
			r->target += 13;
		if (!*r->target || strchr(r->target, '/') || !strcmp(r->target, ".") ||
		    !strcmp(r->target, ".."))
			return fail(x, tnode, "%s: target '%s': a secret is a file directly under "
				    "/run/secrets", w, r->target);
		for (int j = 0; j < i; j++)
			if (!strcmp(s->secrets[j].target, r->target))
				return fail(x, e, "%s: two secrets at /run/secrets/%s", w, r->target);
	}
	return 0;
}

/* ---- networks ----------------------------------------------------------------- */

static int network_attrs(struct ctx *x, yaml_node_t *n, const char *w, struct compose_net_ref *r)
{
	struct item *g;
	int ng;

	if (is_null(n))
		return 0;
	if (attrs(x, n, w, &g, &ng) < 0)
		return -1;
	for (int j = 0; j < ng; j++) {
		const char *ww = fmt(x, "%s.%s", w, g[j].name);

		if (!strcmp(g[j].name, "aliases")) {
			if (strlist(x, g[j].val, ww, &r->aliases) < 0)
				return -1;
			for (int k = 0; r->aliases[k]; k++)
				if (!compose_valid_hostname(r->aliases[k]))
					return fail(x, g[j].val, "%s: '%s' is not a valid host name", ww,
						    r->aliases[k]);
		} else if (!strcmp(g[j].name, "ipv4_address")) {
			if (str(x, g[j].val, ww, &r->ipv4_address) < 0)
				return -1;
			if (!compose_valid_ipv4(r->ipv4_address))
				return fail(x, g[j].val, "%s: '%s' is not an IPv4 address", ww,
					    r->ipv4_address);
		} else {
			return unsupported(x, &g[j], w);
		}
	}
	return 0;
}

/* A list of network names, or a mapping of them to null or to aliases and
 * ipv4_address. An address needs the network's subnet, as in Compose. */
int compose_networks(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s)
{
	struct item *f = NULL;
	int count;

	if (is_seq(n))
		count = seq_len(n);
	else if (items(x, n, w, &f, &count) < 0)
		return -1;
	if (!(s->networks = alloc(x, sizeof(*s->networks) * ((size_t)count + 1))))
		return -1;
	for (int i = 0; i < count; i++) {
		struct compose_net_ref *r = &s->networks[s->nnetworks++];
		const struct compose_network *net;

		if (f) {
			r->name = f[i].name;
			r->line = line_of(f[i].key);
			if (network_attrs(x, f[i].val, fmt(x, "%s.%s", w, r->name), r) < 0)
				return -1;
		} else {
			r->line = line_of(seq_at(x, n, i));
			if (str(x, seq_at(x, n, i), w, &r->name) < 0)
				return -1;
		}
		if (!r->aliases)
			r->aliases = (const char **)no_aliases;
		net = find_network(x->c, r->name);
		if (!net && strcmp(r->name, "default"))
			return fail_at(x, r->line, "%s: undefined network '%s' (declare it under the "
				       "top-level networks)", w, r->name);
		if (r->ipv4_address && (!net || !net->subnet))
			return fail_at(x, r->line, "%s: an ipv4_address needs the network's subnet "
				       "(networks.%s.ipam.config)", w, r->name);
		if (r->ipv4_address && !compose_in_subnet(r->ipv4_address, net->subnet))
			return fail_at(x, r->line, "%s: %s is outside the subnet %s of network '%s'", w,
				       r->ipv4_address, net->subnet, r->name);
		for (int j = 0; j < i; j++)
			if (!strcmp(s->networks[j].name, r->name))
				return fail_at(x, r->line, "%s: network '%s' is listed twice", w, r->name);
	}
	return 0;
}
