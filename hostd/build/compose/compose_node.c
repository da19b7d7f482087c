/* compose_node: the mechanics every compose file reads the YAML with
 * (build host only; see compose_int.h): memory that hangs off struct
 * compose, the error and warning messages, mappings with merge keys
 * ("<<") expanded, typed scalars (string, bool, integer, string list)
 * interpolated, and paths made absolute against the compose file's
 * directory.
 *
 * It never reads a file and never walks the Compose schema itself:
 * compose.c reads the document, compose_service.c and compose_attach.c a
 * service, compose_value.c the value syntaxes.
 *
 * pure: computation only (tests/layout/check.sh holds it to that). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose_int.h"
#include "common/errctx.h"


/* ---- memory and messages ----------------------------------------------- */

int compose_oom(struct ctx *x)
{
	if (!x->oom)
		snprintf(x->err, x->errlen, "%s: out of memory", x->path);
	x->oom = 1;
	return -1;
}

void *compose_alloc(struct ctx *x, size_t n)
{
	void *p = arena_alloc(&x->c->mem, n);

	if (!p) {
		compose_oom(x);
		return NULL;
	}
	return memset(p, 0, n);
}

char *compose_dupn(struct ctx *x, const char *s, size_t n)
{
	char *d = alloc(x, n + 1);

	if (d)
		memcpy(d, s, n);
	return d;
}

const char *compose_fmt(struct ctx *x, const char *f, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (n < 0 || !(s = alloc(x, (size_t)n + 1)))
		return "";
	va_start(ap, f);
	vsnprintf(s, (size_t)n + 1, f, ap);
	va_end(ap);
	return s;
}

int compose_fail_at(struct ctx *x, int line, const char *f, ...)
{
	struct errctx e = { .file = x->path, .buf = x->err, .len = x->errlen };
	char msg[800];
	va_list ap;

	if (x->oom)
		return -1;
	va_start(ap, f);
	vsnprintf(msg, sizeof(msg), f, ap);
	va_end(ap);
	/* One line, whatever the YAML held: a line break reads as a space. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return errctx_fail_at(&e, line, "%s", msg);
}

/* Warnings stay in line order, whatever order the keys are read in. */
int compose_warn(struct ctx *x, int line, const char *what)
{
	struct compose *c = x->c;
	size_t n = (size_t)c->nwarnings;
	const char **w = alloc(x, sizeof(*w) * (n + 2));
	int *lines = alloc(x, sizeof(*lines) * (n + 1));
	size_t at = n;

	if (!w || !lines)
		return -1;
	while (at > 0 && x->warn_lines[at - 1] > line)
		at--;
	if (n) {
		memcpy(w, c->warnings, sizeof(*w) * at);
		memcpy(w + at + 1, c->warnings + at, sizeof(*w) * (n - at));
		memcpy(lines, x->warn_lines, sizeof(*lines) * at);
		memcpy(lines + at + 1, x->warn_lines + at, sizeof(*lines) * (n - at));
	}
	w[at] = fmt(x, "%s:%d: %s", x->path, line, what);
	lines[at] = line;
	c->warnings = w;
	x->warn_lines = lines;
	c->nwarnings++;
	return 0;
}


/* ---- mappings, with merge keys ------------------------------------------ */

yaml_node_t *compose_node(struct ctx *x, int i)
{
	return yaml_document_get_node(x->doc, i);
}

#define MERGE_DEPTH 16
/* Aliases make merges a graph: "<<: [*a, *a, ...]" ten times over at
 * seven levels is ten million keys to visit (PyYAML runs out of memory
 * on it too). Visits are counted, and a mapping that needs more than this
 * is refused. */
#define MERGE_VISITS 10000

static int is_merge_key(const yaml_node_t *k)
{
	return is_scalar(k) && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       !strcmp(text(k), "<<");
}

/* An upper bound of the pairs a mapping yields once merges are expanded;
 * each pair and merge source visited takes one from *budget, which ends
 * below 0 when there were too many. */
static int pairs_bound(struct ctx *x, yaml_node_t *m, int depth, int *budget)
{
	int n = 0;

	if (depth > MERGE_DEPTH || !is_map(m))
		return 0;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top && --*budget >= 0; p++) {
		yaml_node_t *k = compose_node(x, p->key), *v = compose_node(x, p->value);

		if (!is_merge_key(k))
			n++;
		else if (is_map(v))
			n += pairs_bound(x, v, depth + 1, budget);
		else if (is_seq(v))
			for (int i = 0; i < seq_len(v) && --*budget >= 0; i++)
				n += pairs_bound(x, seq_at(x, v, i), depth + 1, budget);
	}
	return n;
}

static int find_item(const struct item *it, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(it[i].name, name))
			return i;
	return -1;
}

static int bad_merge(struct ctx *x, yaml_node_t *n, const char *where)
{
	return fail(x, n, "%s: a merge key (<<) takes a mapping or a list of mappings", where);
}

/* Expand m into out (room for pairs_bound entries) by YAML's merge key
 * rules: the mapping's own keys win over merged ones, and in
 * "<<: [*a, *b]" the earlier source wins. Merged keys take the place of
 * their "<<" in the order. A duplicate key is an error (PyYAML silently
 * takes the last one; Compose v2 refuses it). */
static int expand_map(struct ctx *x, yaml_node_t *m, const char *where, struct item *out,
		      int *n, int depth)
{
	yaml_node_pair_t *p, *start = m->data.mapping.pairs.start, *top = m->data.mapping.pairs.top;
	struct item *own;
	int first = *n, nown = 0, next = 0;

	if (depth > MERGE_DEPTH)
		return fail(x, m, "%s: merge keys nested too deeply", where);
	if (!(own = alloc(x, sizeof(*own) * (size_t)(top - start + 1))))
		return -1;
	for (p = start; p < top; p++) {
		yaml_node_t *k = compose_node(x, p->key);

		if (is_merge_key(k))
			continue;
		if (!is_scalar(k))
			return fail(x, k, "%s: a key must be a string, not %s", where, kind_name(k));
		if (strlen(text(k)) != k->data.scalar.length)
			return fail(x, k, "%s: a key holds a NUL character", where);
		if (find_item(own, nown, text(k)) >= 0)
			return fail(x, k, "%s: duplicate key '%s'", where, text(k));
		/* The key's text outlives the YAML document: the model keeps it. */
		own[nown] = (struct item){ k, compose_node(x, p->value), sdup(x, text(k)) };
		if (!own[nown++].name)
			return -1;
	}
	for (p = start; p < top; p++) {
		yaml_node_t *k = compose_node(x, p->key), *v = compose_node(x, p->value);
		int nsrc = is_map(v) ? 1 : is_seq(v) ? seq_len(v) : 0;

		if (!is_merge_key(k)) {
			out[(*n)++] = own[next++];
			continue;
		}
		if (!nsrc)
			return bad_merge(x, v, where);
		for (int i = 0; i < nsrc; i++) {
			yaml_node_t *src = is_map(v) ? v : seq_at(x, v, i);
			struct item *sub;
			int ns = 0, budget = MERGE_VISITS;	/* a part of what compose_items counted */

			if (!is_map(src))
				return bad_merge(x, src, where);
			if (!(sub = alloc(x, sizeof(*sub) *
					      ((size_t)pairs_bound(x, src, depth + 1, &budget) + 1))) ||
			    expand_map(x, src, where, sub, &ns, depth + 1) < 0)
				return -1;
			for (int j = 0; j < ns; j++)
				if (find_item(own, nown, sub[j].name) < 0 &&
				    find_item(out + first, *n - first, sub[j].name) < 0)
					out[(*n)++] = sub[j];
		}
	}
	return 0;
}

int compose_items(struct ctx *x, yaml_node_t *m, const char *where, struct item **out, int *n)
{
	int budget = MERGE_VISITS, bound;

	*n = 0;
	if (!is_map(m))
		return fail(x, m, "%s: expected a mapping, not %s", where, kind_name(m));
	bound = pairs_bound(x, m, 0, &budget);
	if (budget < 0)
		return fail(x, m, "%s: merge keys (<<) expand to more than %d keys", where,
			    MERGE_VISITS);
	if (!(*out = alloc(x, sizeof(**out) * ((size_t)bound + 1))))
		return -1;
	return expand_map(x, m, where, *out, n, 0);
}

int compose_attrs(struct ctx *x, yaml_node_t *m, const char *where, struct item **out, int *n)
{
	int kept = 0;

	if (items(x, m, where, out, n) < 0)
		return -1;
	for (int i = 0; i < *n; i++)
		if (strncmp((*out)[i].name, "x-", 2))
			(*out)[kept++] = (*out)[i];
	*n = kept;
	return 0;
}

int compose_unsupported(struct ctx *x, const struct item *it, const char *where)
{
	return fail(x, it->key, "%s: unsupported key '%s'", where, it->name);
}

/* ---- scalars: interpolated, then typed ----------------------------------- */

int compose_str(struct ctx *x, yaml_node_t *n, const char *where, const char **out)
{
	char e[512], *s;

	if (!is_scalar(n))
		return fail(x, n, "%s: expected a string, not %s", where, kind_name(n));
	if (strlen(text(n)) != n->data.scalar.length)
		return fail(x, n, "%s: the value holds a NUL character", where);
	x->line = line_of(n);
	if (env_interpolate(text(n), &x->lookup, &s, e, sizeof(e)) < 0)
		return fail(x, n, "%s: %s", where, e);
	*out = sdup(x, s);
	free(s);
	return *out && !x->oom ? 0 : -1;
}

int compose_bool(struct ctx *x, yaml_node_t *n, const char *where, int *out)
{
	const char *s;

	if (str(x, n, where, &s) < 0)
		return -1;
	/* YAML 1.2's booleans only: yes/no/on/off are booleans to PyYAML
	 * (docker-compose v1) but strings to Compose v2. */
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		*out = 0;
	else
		return fail(x, n, "%s: expected true or false, not '%s'", where, s);
	return 0;
}

int compose_int(struct ctx *x, yaml_node_t *n, const char *where, long long min,
		long long max, long long *out)
{
	const char *s;

	if (str(x, n, where, &s) < 0)
		return -1;
	if (parse_ll(s, out) < 0)
		return fail(x, n, "%s: expected an integer, not '%s'", where, s);
	if (*out < min || *out > max)
		return fail(x, n, "%s: %lld is out of range (%lld to %lld)", where, *out, min, max);
	return 0;
}

int compose_strlist(struct ctx *x, yaml_node_t *n, const char *where, const char ***out)
{
	int len;

	if (!is_seq(n))
		return fail(x, n, "%s: expected a list, not %s", where, kind_name(n));
	len = seq_len(n);
	if (!(*out = alloc(x, sizeof(**out) * ((size_t)len + 1))))
		return -1;
	for (int i = 0; i < len; i++)
		if (str(x, seq_at(x, n, i), where, &(*out)[i]) < 0)
			return -1;
	return 0;
}

/* ---- paths ---------------------------------------------------------------- */

char *compose_join(struct ctx *x, const char *base, const char *rel)
{
	char *out = alloc(x, strlen(base) + strlen(rel) + 3);

	if (out)
		compose_join_path(out, base, rel);
	return out;
}

int compose_path(struct ctx *x, yaml_node_t *n, const char *where, const char *p,
		 const char **out)
{
	if (!*p)
		return fail(x, n, "%s: empty path", where);
	if (p[0] == '~')
		return fail(x, n, "%s: '%s': ~ paths are not supported: write the path relative to "
			    "the compose file or absolute", where, p);
	*out = compose_join(x, x->c->dir, p);
	return *out ? 0 : -1;
}
