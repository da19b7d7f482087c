/* compose: the docker-compose.yml reader (build host only; see compose.h).
 *
 * libyaml's document API loads the file (it resolves anchors and aliases);
 * these files walk the node tree with the Compose schema in hand: merge
 * keys ("<<") are expanded here, every scalar value is interpolated (keys
 * are not) and then typed, and every key the reader does not know is an
 * error, never ignored ("x-" extension keys excepted, as Compose ignores
 * them). Nothing is written anywhere: the image builder and the plan
 * emitter read the model.
 *
 * This file reads the document: the top-level volumes, networks and
 * secrets, the checks across services, and the project. compose_node.c
 * holds the mechanics every file shares (memory, messages, mappings,
 * typed scalars, paths); compose_service.c and compose_attach.c read a
 * service; compose_value.c the value syntaxes; compose_file.c is the only
 * one that touches the file system (reading a file, the current
 * directory), and never parses.
 *
 * Errors are one line, "<file>:<line>: <where>: <what>", where <where> is
 * the Compose path of the value (services.web.ports). The first error
 * stops the read. All memory hangs off struct compose (one malloc per
 * object, chained), so the error paths free nothing.
 *
 * pure: computation only (tests/layout/check.sh holds it to that). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose_int.h"


/* ---- the env lookup, as interpolation sees it --------------------------- */

static const char *lookup_get(void *ctx, const char *name, size_t len)
{
	struct ctx *x = ctx;

	return x->env && x->env->get ? x->env->get(x->env->ctx, name, len) : NULL;
}

/* Compose warns once per unset variable; so does this, at its first use. */
static void lookup_unset(void *ctx, const char *name, size_t len)
{
	struct ctx *x = ctx;
	const char **w;
	char *v;

	if (x->env && x->env->unset)
		x->env->unset(x->env->ctx, name, len);
	for (int i = 0; i < x->nwarned; i++)
		if (strlen(x->warned[i]) == len && !memcmp(x->warned[i], name, len))
			return;
	v = dupn(x, name, len);
	w = alloc(x, sizeof(*w) * ((size_t)x->nwarned + 1));
	if (!v || !w)
		return;
	if (x->nwarned)
		memcpy(w, x->warned, sizeof(*w) * (size_t)x->nwarned);
	w[x->nwarned++] = v;
	x->warned = w;
	compose_warn(x, x->line, fmt(x, "The %s variable is not set. Defaulting to a blank string.",
				     v));
}

/* ---- top level: volumes, networks, secrets -------------------------------- */

/* driver_opts of a local volume: only the bind-backed kind (type none,
 * o bind, device DIR), how an Inception stack puts its volumes under
 * /home/<login>/data. */
static int driver_opts(struct ctx *x, yaml_node_t *n, const char *w, struct compose_volume *v)
{
	const char *type = NULL, *o = NULL, *dev = NULL;
	yaml_node_t *devnode = n;
	struct item *d;
	int nd;

	if (items(x, n, w, &d, &nd) < 0)
		return -1;
	for (int j = 0; j < nd; j++) {
		const char *ww = fmt(x, "%s.%s", w, d[j].name);

		if (!strcmp(d[j].name, "type")) {
			if (str(x, d[j].val, ww, &type) < 0)
				return -1;
		} else if (!strcmp(d[j].name, "o")) {
			if (str(x, d[j].val, ww, &o) < 0)
				return -1;
		} else if (!strcmp(d[j].name, "device")) {
			if (str(x, d[j].val, ww, &dev) < 0)
				return -1;
			devnode = d[j].val;
		} else {
			return fail(x, d[j].key, "%s: unsupported option '%s' (only type: none, o: bind, "
				    "device: DIR)", w, d[j].name);
		}
	}
	if (!type || strcmp(type, "none") || !o || strcmp(o, "bind") || !dev)
		return fail(x, n, "%s: only a bind-backed volume is supported (type: none, o: bind, "
			    "device: DIR)", w);
	/* Compose resolves a relative device of a local bind volume against
	 * the compose file's directory (docker-compose 1.28+, compose-go). */
	return abs_path(x, devnode, fmt(x, "%s.device", w), dev, &v->device);
}

static int parse_volume(struct ctx *x, const struct item *it, struct compose_volume *v)
{
	const char *w = fmt(x, "volumes.%s", it->name), *s;
	struct item *f;
	int nf;

	v->name = it->name;
	v->line = line_of(it->key);
	if (!compose_valid_name(it->name))
		return fail(x, it->key, "%s: bad volume name (letters, digits, '.', '_', '-')", w);
	if (is_null(it->val))
		return 0;
	if (attrs(x, it->val, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);

		if (!strcmp(f[i].name, "driver")) {
			if (str(x, f[i].val, ww, &s) < 0)
				return -1;
			if (strcmp(s, "local"))
				return fail(x, f[i].val, "%s: '%s': only the local driver is supported", ww, s);
		} else if (!strcmp(f[i].name, "driver_opts")) {
			if (driver_opts(x, f[i].val, ww, v) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "external")) {
			return fail(x, f[i].key, "%s: external volumes are not supported: the appliance "
				    "creates every volume it mounts", w);
		} else {
			return unsupported(x, &f[i], w);
		}
	}
	return 0;
}

/* ipam: the default driver and one IPv4 subnet, with an optional gateway. */
static int parse_ipam(struct ctx *x, yaml_node_t *n, const char *w, struct compose_network *net)
{
	struct item *f, *g;
	int nf, ng;
	const char *s;

	if (attrs(x, n, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);

		if (!strcmp(f[i].name, "driver")) {
			if (str(x, f[i].val, ww, &s) < 0)
				return -1;
			if (strcmp(s, "default"))
				return fail(x, f[i].val, "%s: '%s': only the default IPAM driver is "
					    "supported", ww, s);
			continue;
		}
		if (strcmp(f[i].name, "config"))
			return unsupported(x, &f[i], w);
		if (!is_seq(f[i].val) || seq_len(f[i].val) != 1)
			return fail(x, f[i].val, "%s: expected a list of one subnet", ww);
		if (attrs(x, seq_at(x, f[i].val, 0), ww, &g, &ng) < 0)
			return -1;
		for (int j = 0; j < ng; j++) {
			const char *www = fmt(x, "%s.%s", ww, g[j].name);

			if (!strcmp(g[j].name, "subnet")) {
				if (str(x, g[j].val, www, &net->subnet) < 0)
					return -1;
				if (!compose_valid_subnet(net->subnet))
					return fail(x, g[j].val, "%s: '%s': expected an IPv4 subnet a.b.c.d/N "
						    "(N from 1 to 30)", www, net->subnet);
			} else if (!strcmp(g[j].name, "gateway")) {
				if (str(x, g[j].val, www, &net->gateway) < 0)
					return -1;
				if (!compose_valid_ipv4(net->gateway))
					return fail(x, g[j].val, "%s: '%s' is not an IPv4 address", www,
						    net->gateway);
			} else {
				return unsupported(x, &g[j], ww);
			}
		}
		if (!net->subnet)
			return fail(x, f[i].val, "%s: the subnet is missing", ww);
		if (net->gateway && !compose_in_subnet(net->gateway, net->subnet))
			return fail(x, f[i].val, "%s: the gateway %s is outside the subnet %s", ww,
				    net->gateway, net->subnet);
	}
	return 0;
}

static int parse_network(struct ctx *x, const struct item *it, struct compose_network *net)
{
	const char *w = fmt(x, "networks.%s", it->name), *s;
	struct item *f;
	int nf;

	net->name = it->name;
	net->line = line_of(it->key);
	if (!compose_valid_name(it->name))
		return fail(x, it->key, "%s: bad network name (letters, digits, '.', '_', '-')", w);
	if (is_null(it->val))
		return 0;
	if (attrs(x, it->val, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);

		if (!strcmp(f[i].name, "driver")) {
			if (str(x, f[i].val, ww, &s) < 0)
				return -1;
			if (strcmp(s, "bridge"))
				return fail(x, f[i].val, "%s: '%s': only the bridge driver is supported%s",
					    ww, s, strcmp(s, "host") ? "" :
					    " (the Inception rules forbid host networking)");
		} else if (!strcmp(f[i].name, "ipam")) {
			if (parse_ipam(x, f[i].val, ww, net) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "external")) {
			return fail(x, f[i].key, "%s: external networks are not supported: the appliance "
				    "creates every network it uses", w);
		} else {
			return unsupported(x, &f[i], w);
		}
	}
	return 0;
}

static int parse_secret(struct ctx *x, const struct item *it, struct compose_secret *sec)
{
	const char *w = fmt(x, "secrets.%s", it->name), *s;
	struct item *f;
	int nf;

	sec->name = it->name;
	sec->line = line_of(it->key);
	if (!compose_valid_name(it->name))
		return fail(x, it->key, "%s: bad secret name (letters, digits, '.', '_', '-')", w);
	if (attrs(x, it->val, w, &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *ww = fmt(x, "%s.%s", w, f[i].name);

		if (!strcmp(f[i].name, "file")) {
			if (str(x, f[i].val, ww, &s) < 0 || abs_path(x, f[i].val, ww, s, &sec->file) < 0)
				return -1;
		} else if (!strcmp(f[i].name, "environment")) {
			return fail(x, f[i].key, "%s: secrets from the environment are not supported: "
				    "give the secret a file", w);
		} else if (!strcmp(f[i].name, "external")) {
			return fail(x, f[i].key, "%s: external secrets are not supported: give the secret "
				    "a file", w);
		} else {
			return unsupported(x, &f[i], w);
		}
	}
	if (!sec->file)
		return fail(x, it->key, "%s: the file is missing (a secret is a file)", w);
	return 0;
}

/* The pairs of a top-level mapping m (absent or null: none), and an
 * array for them with a spare slot; NULL on error. */
static void *top_level(struct ctx *x, yaml_node_t *m, const char *what, size_t size,
		       struct item **f, int *nf)
{
	*nf = 0;
	if (m && !is_null(m) && items(x, m, what, f, nf) < 0)
		return NULL;
	return alloc(x, size * (size_t)(*nf + 1));
}

/* ---- across services -------------------------------------------------------- */

static int check_deps(struct ctx *x, const struct compose_service *s)
{
	for (int j = 0; j < s->ndepends_on; j++) {
		const struct compose_dep *d = &s->depends_on[j];
		const struct compose_service *t = compose_service(x->c, d->service);

		if (!t)
			return fail_at(x, d->line, "services.%s.depends_on: undefined service '%s'",
				       s->name, d->service);
		if (t == s)
			return fail_at(x, d->line, "services.%s.depends_on: a service cannot depend on "
				       "itself", s->name);
		if (d->condition == COMPOSE_HEALTHY && t->health.kind == COMPOSE_HC_NONE)
			return fail_at(x, d->line, "services.%s.depends_on: '%s' has its healthcheck "
				       "disabled, so it can never be service_healthy", s->name, d->service);
	}
	return 0;
}

/* What two services cannot share: a container name, a host port, an
 * address on a network. */
static int check_pair(struct ctx *x, const struct compose_service *s,
		      const struct compose_service *o)
{
	if (s->container_name && o->container_name && !strcmp(s->container_name, o->container_name))
		return fail_at(x, s->line, "services.%s.container_name: '%s' is already service %s's",
			       s->name, s->container_name, o->name);
	for (int p = 0; p < s->nports; p++)
		for (int q = 0; q < o->nports; q++) {
			const struct compose_port *a = &s->ports[p], *b = &o->ports[q];

			if (a->published && a->published == b->published && a->udp == b->udp &&
			    same_address(a->host_ip, b->host_ip))
				return fail_at(x, a->line, "services.%s.ports: host port %u/%s is already "
					       "published by service %s (line %d)", s->name,
					       a->published, a->udp ? "udp" : "tcp", o->name, b->line);
		}
	for (int p = 0; p < s->nnetworks; p++)
		for (int q = 0; q < o->nnetworks; q++) {
			const struct compose_net_ref *a = &s->networks[p], *b = &o->networks[q];

			if (a->ipv4_address && b->ipv4_address && !strcmp(a->name, b->name) &&
			    !strcmp(a->ipv4_address, b->ipv4_address))
				return fail_at(x, a->line, "services.%s.networks.%s: %s is already service "
					       "%s's", s->name, a->name, a->ipv4_address, o->name);
		}
	return 0;
}

static int check_services(struct ctx *x, yaml_node_t *services)
{
	struct compose *c = x->c;
	int uses_default = 0;

	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *s = &c->services[i];

		if (check_deps(x, s) < 0)
			return -1;
		for (int j = 0; j < s->nnetworks; j++)
			uses_default |= !strcmp(s->networks[j].name, "default");
		for (int k = 0; k < i; k++)
			if (check_pair(x, s, &c->services[k]) < 0)
				return -1;
	}
	if (uses_default && !find_network(c, "default"))
		c->networks[c->nnetworks++] = (struct compose_network){
			.name = "default", .line = line_of(services),
		};
	return 0;
}

/* ---- the document -------------------------------------------------------- */

/* The top-level name, or Compose's default: the directory's name,
 * lower-cased, every character but [a-z0-9_-] dropped. */
static int project_name(struct ctx *x, yaml_node_t *n)
{
	struct compose *c = x->c;
	const char *base = strrchr(c->dir, '/') + 1, *s;
	char *name;
	size_t o = 0;

	if (n) {
		if (str(x, n, "name", &s) < 0)
			return -1;
		if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')) ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(s))
			return fail(x, n, "name: '%s': a project name is lower-case letters, digits, '_' "
				    "and '-', starting with a letter or digit", s);
		c->name = s;
		return 0;
	}
	if (!(name = alloc(x, strlen(base) + 1)))
		return -1;
	for (const char *p = base; *p; p++) {
		char ch = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 'a' - 'A') : *p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')
			name[o++] = ch;
	}
	if (!o)
		return fail_at(x, 1, "no project name can be made of the directory '%s': add a "
			       "top-level name", c->dir);
	c->name = name;
	return 0;
}

static int parse_root(struct ctx *x, yaml_node_t *root)
{
	struct compose *c = x->c;
	yaml_node_t *services = NULL, *volumes = NULL, *networks = NULL, *secrets = NULL;
	yaml_node_t *name = NULL;
	struct item *f;
	int nf;

	if (attrs(x, root, "the top level", &f, &nf) < 0)
		return -1;
	for (int i = 0; i < nf; i++) {
		const char *k = f[i].name;

		if (!strcmp(k, "version")) {
			/* Obsolete: Compose ignores it. */
			if (!is_scalar(f[i].val))
				return fail(x, f[i].val, "version: expected a string, not %s",
					    kind_name(f[i].val));
		} else if (!strcmp(k, "name")) {
			name = f[i].val;
		} else if (!strcmp(k, "services")) {
			services = f[i].val;
		} else if (!strcmp(k, "volumes")) {
			volumes = f[i].val;
		} else if (!strcmp(k, "networks")) {
			networks = f[i].val;
		} else if (!strcmp(k, "secrets")) {
			secrets = f[i].val;
		} else {
			return fail(x, f[i].key, "unsupported top-level key '%s'", k);
		}
	}
	if (project_name(x, name) < 0)
		return -1;
	/* Resources first, so that services can refer to them. */
	if (!(c->volumes = top_level(x, volumes, "volumes", sizeof(*c->volumes), &f, &nf)))
		return -1;
	for (c->nvolumes = 0; c->nvolumes < nf; c->nvolumes++)
		if (parse_volume(x, &f[c->nvolumes], &c->volumes[c->nvolumes]) < 0)
			return -1;
	/* The spare slot: "default", added when a service is on it. */
	if (!(c->networks = top_level(x, networks, "networks", sizeof(*c->networks), &f, &nf)))
		return -1;
	for (c->nnetworks = 0; c->nnetworks < nf; c->nnetworks++)
		if (parse_network(x, &f[c->nnetworks], &c->networks[c->nnetworks]) < 0)
			return -1;
	if (!(c->secrets = top_level(x, secrets, "secrets", sizeof(*c->secrets), &f, &nf)))
		return -1;
	for (c->nsecrets = 0; c->nsecrets < nf; c->nsecrets++)
		if (parse_secret(x, &f[c->nsecrets], &c->secrets[c->nsecrets]) < 0)
			return -1;
	if (!services || is_null(services))
		return fail(x, services ? services : root, "services: the file defines no service");
	if (!(c->services = top_level(x, services, "services", sizeof(*c->services), &f, &nf)))
		return -1;
	if (!nf)
		return fail(x, services, "services: the file defines no service");
	for (c->nservices = 0; c->nservices < nf; c->nservices++)
		if (compose_parse_service(x, &f[c->nservices], &c->services[c->nservices]) < 0)
			return -1;
	return check_services(x, services);
}

/* path as given, and its directory made absolute (lexically). */
static int set_paths(struct ctx *x, const char *path)
{
	struct compose *c = x->c;
	const char *slash = strrchr(path, '/');
	char cwd[PATH_MAX], *dir;

	if (!(c->path = sdup(x, path)))
		return -1;
	if (!(dir = dupn(x, path, slash ? (size_t)(slash - path) : 0)))
		return -1;
	if (slash == path)
		c->dir = "/";
	else if (dir[0] == '/')
		c->dir = compose_join(x, "/", dir);
	else if (!x->io->cwd(cwd, sizeof(cwd)))
		return fail_at(x, 1, "cannot get the current directory: %s", strerror(errno));
	else
		c->dir = compose_join(x, cwd, *dir ? dir : ".");
	return c->dir ? 0 : -1;
}

static int load(struct ctx *x, yaml_parser_t *parser, const char *buf, size_t len)
{
	yaml_document_t doc, more;
	yaml_node_t *root;
	int ret = -1;

	yaml_parser_set_input_string(parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(parser, &doc))
		return fail_at(x, (int)parser->problem_mark.line + 1, "%s%s%s",
			       parser->context ? parser->context : "", parser->context ? ", " : "",
			       parser->problem ? parser->problem : "bad YAML");
	x->doc = &doc;
	if (!(root = yaml_document_get_root_node(&doc))) {
		fail_at(x, 1, "empty file: no services");
	} else if (parse_root(x, root) == 0) {
		/* Compose reads one document; a second one would be ignored. */
		if (!yaml_parser_load(parser, &more)) {
			fail_at(x, (int)parser->problem_mark.line + 1, "%s",
				parser->problem ? parser->problem : "bad YAML");
		} else {
			if (yaml_document_get_root_node(&more))
				fail_at(x, (int)more.start_mark.line + 1, "a second YAML document: a "
					"compose file is one document");
			else
				ret = 0;
			yaml_document_delete(&more);
		}
	}
	yaml_document_delete(&doc);
	x->doc = NULL;
	return ret;
}

int compose_parse_io(struct compose *c, const char *path, const char *buf, size_t len,
		     const struct env_lookup *env, const struct compose_io *io, char *err,
		     size_t errlen)
{
	struct ctx x = {
		.c = c, .path = path, .env = env, .io = io, .err = err, .errlen = errlen,
		.lookup = { .get = lookup_get, .unset = lookup_unset },
	};
	yaml_parser_t parser;
	int ret = -1;

	x.lookup.ctx = &x;
	memset(c, 0, sizeof(*c));
	if (errlen)
		err[0] = '\0';
	if (set_paths(&x, path) == 0) {
		if (!yaml_parser_initialize(&parser)) {
			compose_oom(&x);
		} else {
			ret = load(&x, &parser, buf, len);
			yaml_parser_delete(&parser);
		}
	}
	if (x.oom)
		ret = -1;
	if (ret < 0)
		compose_free(c);
	return ret;
}


int compose_load_io(struct compose *c, const char *path, const struct env_lookup *env,
		    const struct compose_io *io, char *err, size_t errlen)
{
	size_t len;
	char *buf = io->slurp(path, &len);
	int ret;

	if (!buf) {
		memset(c, 0, sizeof(*c));
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	ret = compose_parse_io(c, path, buf, len, env, io, err, errlen);
	free(buf);
	return ret;
}

void compose_free(struct compose *c)
{
	arena_free(&c->mem);
	memset(c, 0, sizeof(*c));
}

const struct compose_service *compose_service(const struct compose *c, const char *name)
{
	for (int i = 0; i < c->nservices; i++)
		if (!strcmp(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}

