/* user: see user.h.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/user.h"

#include <stdio.h>
#include <string.h>

/* ---- users: /etc/passwd and /etc/group, as runc reads them --------------- */

/* A uid or gid written as a number: digits only, 0 to 2^31-1 (runc's
 * range). Returns 0 and the value, or -1. */
static int parse_id(const char *p, size_t n, unsigned long *v)
{
	unsigned long x = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (unsigned long)(p[i] - '0');
	}
	if (x > 2147483647UL)
		return -1;
	*v = x;
	return 0;
}

/* The fields of one line of a colon-separated file: up to max of them,
 * each a pointer and a length (not NUL-terminated). Returns how many. */
static int split_line(const char *line, size_t len, const char *f[], size_t fl[], int max)
{
	int n = 0;
	const char *p = line, *end = line + len;

	while (n < max) {
		const char *c = memchr(p, ':', (size_t)(end - p));

		f[n] = p;
		fl[n] = (size_t)((c ? c : end) - p);
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

static int field_is(const char *f, size_t fl, const char *s, size_t sl)
{
	return fl == sl && !memcmp(f, s, sl);
}

/* Calls each(line fields) for every line of text with at least min
 * fields; stops when it returns non-zero and passes that on. */
typedef int (*line_fn)(const char *f[], size_t fl[], int n, void *ctx);

static int each_line(const char *text, int min, int max, line_fn each, void *ctx)
{
	const char *f[8];
	size_t fl[8];

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int n = split_line(p, len, f, fl, max), r;

		if (n >= min && (r = each(f, fl, n, ctx)))
			return r;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

struct user_query {
	const char *name;	/* the user or group as given, and its length */
	size_t len;
	int numeric;
	unsigned long id;
	/* passwd: what matched */
	unsigned long uid, gid;
	const char *pw_name, *home;
	size_t pw_name_len, home_len;
	struct container_user *u;
	int overflow;
};

/* passwd: name:password:uid:gid:gecos:home:shell. */
static int passwd_match(const char *f[], size_t fl[], int n, void *ctx)
{
	struct user_query *q = ctx;
	unsigned long uid, gid;

	if (parse_id(f[2], fl[2], &uid) < 0 || parse_id(f[3], fl[3], &gid) < 0)
		return 0;	/* a malformed line names nobody */
	if (q->numeric ? uid != q->id : !field_is(f[0], fl[0], q->name, q->len))
		return 0;
	q->uid = uid;
	q->gid = gid;
	q->pw_name = f[0];
	q->pw_name_len = fl[0];
	q->home = n > 5 ? f[5] : "";
	q->home_len = n > 5 ? fl[5] : 0;
	return 1;
}

/* group: name:password:gid:member,member. Finds one group by name or gid. */
static int group_match(const char *f[], size_t fl[], int n, void *ctx)
{
	struct user_query *q = ctx;
	unsigned long gid;

	(void)n;
	if (parse_id(f[2], fl[2], &gid) < 0)
		return 0;
	if (q->numeric ? gid != q->id : !field_is(f[0], fl[0], q->name, q->len))
		return 0;
	q->gid = gid;
	return 1;
}

/* Adds every group whose member list names the user. */
static int group_lists_user(const char *f[], size_t fl[], int n, void *ctx)
{
	struct user_query *q = ctx;
	struct container_user *u = q->u;
	const char *m, *end;
	unsigned long gid;

	if (n < 4 || parse_id(f[2], fl[2], &gid) < 0)
		return 0;
	for (m = f[3], end = f[3] + fl[3]; m < end;) {
		const char *c = memchr(m, ',', (size_t)(end - m));
		size_t ml = (size_t)((c ? c : end) - m);
		int seen = 0;

		if (field_is(m, ml, q->pw_name, q->pw_name_len)) {
			for (int i = 0; i < u->ngroups; i++)
				seen |= u->groups[i] == (gid_t)gid;
			if (!seen && u->ngroups >= CONTAINER_MAX_GROUPS) {
				q->overflow = 1;
				return 1;
			}
			if (!seen)
				u->groups[u->ngroups++] = (gid_t)gid;
			break;
		}
		m = c ? c + 1 : end;
	}
	return 0;
}

int container_user_resolve(const char *spec, const char *passwd, const char *group,
			   struct container_user *u, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':'), *grp = colon ? colon + 1 : NULL;
	struct user_query q = {.name = spec, .len = colon ? (size_t)(colon - spec) : strlen(spec), .u = u};
	int found;

	memset(u, 0, sizeof(*u));
	if (!q.len || (grp && (!*grp || strchr(grp, ':')))) {
		snprintf(err, errlen, "want USER[:GROUP], each a name or a number");
		return -1;
	}
	q.numeric = parse_id(q.name, q.len, &q.id) == 0;
	if (!q.numeric && strspn(q.name, "0123456789") == q.len) {
		snprintf(err, errlen, "uid out of range (0 to 2147483647)");
		return -1;
	}
	found = passwd && each_line(passwd, 4, 7, passwd_match, &q);
	if (found) {
		u->uid = (uid_t)q.uid;
		u->gid = (gid_t)q.gid;
		if (q.home_len >= sizeof(u->home)) {
			snprintf(err, errlen, "its home directory in /etc/passwd is too long");
			return -1;
		}
		memcpy(u->home, q.home, q.home_len);
		u->home[q.home_len] = '\0';
	} else if (q.numeric) {
		u->uid = (uid_t)q.id;	/* a uid with no entry: gid 0, no groups */
	} else {
		snprintf(err, errlen, passwd ? "no such user in /etc/passwd" :
			 "no such user (the container has no /etc/passwd)");
		return -1;
	}
	if (grp) {
		struct user_query g = {.name = grp, .len = strlen(grp)};

		g.numeric = parse_id(g.name, g.len, &g.id) == 0;
		if (!g.numeric && strspn(g.name, "0123456789") == g.len) {
			snprintf(err, errlen, "gid out of range (0 to 2147483647)");
			return -1;
		}
		if (group && each_line(group, 3, 4, group_match, &g))
			u->gid = (gid_t)g.gid;
		else if (g.numeric)
			u->gid = (gid_t)g.id;
		else {
			snprintf(err, errlen, group ? "no such group '%s' in /etc/group" :
				 "no such group '%s' (the container has no /etc/group)", grp);
			return -1;
		}
	} else if (found && group) {
		/* Supplementary groups: only in the implicit form, as runc. */
		each_line(group, 4, 4, group_lists_user, &q);
		if (q.overflow) {
			snprintf(err, errlen, "member of more than %d groups in /etc/group",
				 CONTAINER_MAX_GROUPS);
			return -1;
		}
	}
	return 0;
}
