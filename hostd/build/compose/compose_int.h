/* compose_int: what the compose reader's files share (compose.c: the top
 * level and the document; compose_node.c: memory, messages, mappings and
 * typed scalars; compose_service.c and compose_attach.c: a service's keys;
 * compose_confine.c: cap_add, cap_drop, userns_mode; compose_value.c:
 * value syntaxes as pure functions; compose_file.c: the file system,
 * behind struct compose_io). Not for any other file: the model in
 * compose.h is the interface. */
#ifndef HOSTD_COMPOSE_INT_H
#define HOSTD_COMPOSE_INT_H

#include <stddef.h>
#include <string.h>
#include <yaml.h>

#include "build/compose/compose.h"

/* One key/value pair of a mapping, after merge keys are expanded. */
struct item {
	yaml_node_t *key, *val;
	const char *name;	/* the key's text */
};

/* The file system, as the pure reader reaches it: compose_file.c's for
 * hostd-build, the tests' own stand-ins for the unit tests and fuzzers. */
struct compose_io {
	/* A whole regular file, NUL-terminated (free() it), or NULL with errno. */
	char *(*slurp)(const char *path, size_t *len);
	/* The current directory into buf, or NULL with errno set. */
	char *(*cwd)(char *buf, size_t len);
};

/* One read of a compose file. */
struct ctx {
	struct compose *c;
	yaml_document_t *doc;
	const char *path;		/* for messages, as given */
	const struct env_lookup *env;	/* the caller's; may be NULL */
	const struct compose_io *io;	/* the file system */
	struct env_lookup lookup;	/* forwards to env, records warnings */
	int line;			/* of the scalar being interpolated */
	int oom;
	const char **warned;		/* variables already warned about */
	int nwarned;
	int *warn_lines;		/* of c->warnings */
	char *err;
	size_t errlen;
};

/* ---- compose_node.c: the mechanics -------------------------------------- */

/* Zeroed memory that lives as long as the struct compose; NULL (with the
 * error set) when out of memory. */
void *compose_alloc(struct ctx *x, size_t n);
/* Record "FILE: out of memory" (once); returns -1. */
int compose_oom(struct ctx *x);
char *compose_dupn(struct ctx *x, const char *s, size_t n);
/* A formatted string for messages; "" when out of memory (the read then
 * fails at its end). */
const char *compose_fmt(struct ctx *x, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
/* Set "<file>:<line>: <what>" and return -1. */
int compose_fail_at(struct ctx *x, int line, const char *f, ...)
	__attribute__((format(printf, 3, 4)));
int compose_warn(struct ctx *x, int line, const char *what);
yaml_node_t *compose_node(struct ctx *x, int i);
/* A mapping's pairs, merge keys expanded; attrs also drops "x-" keys
 * (for mappings of Compose attributes, not of user-chosen names). */
int compose_items(struct ctx *x, yaml_node_t *m, const char *where, struct item **out, int *n);
int compose_attrs(struct ctx *x, yaml_node_t *m, const char *where, struct item **out, int *n);
int compose_unsupported(struct ctx *x, const struct item *it, const char *where);
/* A scalar value, interpolated; then typed. */
int compose_str(struct ctx *x, yaml_node_t *n, const char *where, const char **out);
int compose_bool(struct ctx *x, yaml_node_t *n, const char *where, int *out);
int compose_int(struct ctx *x, yaml_node_t *n, const char *where, long long min,
		long long max, long long *out);
int compose_strlist(struct ctx *x, yaml_node_t *n, const char *where, const char ***out);
/* A host path made absolute against the compose file's directory. */
int compose_path(struct ctx *x, yaml_node_t *n, const char *where, const char *p,
		 const char **out);
char *compose_join(struct ctx *x, const char *base, const char *rel);

/* ---- compose.c: the document -------------------------------------------- */

/* compose_parse and compose_load (compose.h) with the file system given:
 * compose_file.c's compose_parse and compose_load pass the real one. */
int compose_parse_io(struct compose *c, const char *path, const char *buf, size_t len,
		     const struct env_lookup *env, const struct compose_io *io, char *err,
		     size_t errlen);
int compose_load_io(struct compose *c, const char *path, const struct env_lookup *env,
		    const struct compose_io *io, char *err, size_t errlen);

/* ---- compose_service.c, compose_attach.c --------------------------------- */

int compose_parse_service(struct ctx *x, const struct item *it, struct compose_service *s);
int compose_ports(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s);
int compose_expose(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s);
int compose_volumes(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s);
int compose_secrets(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s);
int compose_networks(struct ctx *x, yaml_node_t *n, const char *w, struct compose_service *s);

/* ---- compose_confine.c ------------------------------------------------------ */

/* cap_add, cap_drop, userns_mode, and the keys refused for confinement;
 * *done = 0 if it->name is none of them. sw: "services.NAME", w: sw.key. */
int compose_confinement(struct ctx *x, const struct item *it, const char *sw, const char *w,
			struct compose_service *s, int *done);

/* ---- compose_value.c: pure ---------------------------------------------- */

int compose_parse_ll(const char *s, long long *v);
/* Split s as POSIX shlex does into buf (strlen(s) + 1 bytes) and argv
 * (strlen(s) / 2 + 2 slots, NULL-terminated); -1 with *why on a bad
 * quote or escape. */
int compose_split(const char *s, char *buf, const char **argv, const char **why);
/* Why an image reference is refused, or NULL. */
const char *compose_image_problem(const char *img);
int compose_valid_name(const char *s);
int compose_valid_hostname(const char *s);
int compose_valid_ipv4(const char *s);
int compose_valid_subnet(const char *s);
int compose_in_subnet(const char *addr, const char *subnet);
int compose_valid_restart(const char *s);
/* "SIGQUIT" for SIGQUIT or QUIT; NULL if not a signal name. */
const char *compose_signal(const char *s);
/* compose_join_path: in compose.h (the plan writer cleans paths with it). */

/* ---- short names inside the compose files -------------------------------- */

#define alloc(...) compose_alloc(__VA_ARGS__)
#define dupn(...) compose_dupn(__VA_ARGS__)
#define sdup(x, s) compose_dupn((x), (s), strlen(s))
#define fmt(...) compose_fmt(__VA_ARGS__)
#define fail_at(...) compose_fail_at(__VA_ARGS__)
#define fail(x, node, ...) compose_fail_at((x), line_of(node), __VA_ARGS__)
#define items(...) compose_items(__VA_ARGS__)
#define attrs(...) compose_attrs(__VA_ARGS__)
#define unsupported(...) compose_unsupported(__VA_ARGS__)
#define str(...) compose_str(__VA_ARGS__)
#define boolean(...) compose_bool(__VA_ARGS__)
#define integer(...) compose_int(__VA_ARGS__)
#define strlist(...) compose_strlist(__VA_ARGS__)
#define parse_ll(...) compose_parse_ll(__VA_ARGS__)
#define abs_path(...) compose_path(__VA_ARGS__)

static inline int line_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 1;
}

static inline const char *text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static inline int is_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE;
}

static inline int is_map(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE;
}

static inline int is_seq(const yaml_node_t *n)
{
	return n->type == YAML_SEQUENCE_NODE;
}

/* YAML's null: an empty plain scalar (key: with nothing after), ~, null. */
static inline int is_null(const yaml_node_t *n)
{
	const char *s;

	if (!is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = text(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

static inline int seq_len(const yaml_node_t *n)
{
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static inline yaml_node_t *seq_at(struct ctx *x, const yaml_node_t *n, int i)
{
	return compose_node(x, n->data.sequence.items.start[i]);
}

static inline const char *kind_name(const yaml_node_t *n)
{
	return is_map(n) ? "a mapping" : is_seq(n) ? "a list" : "a scalar";
}

/* Do two published ports' host addresses overlap (NULL: all of them)? */
static inline int same_address(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

static inline const struct compose_volume *find_volume(const struct compose *c, const char *name)
{
	for (int i = 0; i < c->nvolumes; i++)
		if (!strcmp(c->volumes[i].name, name))
			return &c->volumes[i];
	return NULL;
}

static inline const struct compose_network *find_network(const struct compose *c,
							 const char *name)
{
	for (int i = 0; i < c->nnetworks; i++)
		if (!strcmp(c->networks[i].name, name))
			return &c->networks[i];
	return NULL;
}

static inline const struct compose_secret *find_secret(const struct compose *c, const char *name)
{
	for (int i = 0; i < c->nsecrets; i++)
		if (!strcmp(c->secrets[i].name, name))
			return &c->secrets[i];
	return NULL;
}

#endif
