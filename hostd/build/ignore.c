/* ignore: see ignore.h.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/ignore.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* Clean a pattern in place as Go's filepath.Clean does, for the cases a
 * .dockerignore line has: leading "/" and "./", repeated and trailing "/",
 * "." segments, ".." going up a segment. */
static void clean(char *p)
{
	char *seg[256], *out = p, *s = p;
	int n = 0;

	while (*s) {
		char *e;

		while (*s == '/')
			s++;
		if (!*s)
			break;
		e = s + strcspn(s, "/");
		if (*e)
			*e++ = '\0';
		else
			e = s + strlen(s);
		if (!strcmp(s, "."))
			;
		else if (!strcmp(s, "..")) {
			if (n)
				n--;
		} else if (n < 256) {
			seg[n++] = s;
		}
		s = e;
	}
	for (int i = 0; i < n; i++) {
		size_t l = strlen(seg[i]);

		if (i)
			*out++ = '/';
		memmove(out, seg[i], l);
		out += l;
	}
	*out = '\0';
}

int ignore_parse(struct ignore *ig, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	ig->rules = NULL;
	ig->nrules = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line, *t;
		struct ignore_rule *r;
		int except = 0;

		line = strndup(p, l);
		p += l + (nl != NULL);
		if (!line)
			goto oom;
		t = line;
		/* Comments are whole lines; blanks around a pattern go. */
		while (*t == ' ' || *t == '\t' || *t == '\r')
			t++;
		for (size_t k = strlen(t); k && strchr(" \t\r", t[k - 1]); k--)
			t[k - 1] = '\0';
		if (!*t || *t == '#') {
			free(line);
			continue;
		}
		if (*t == '!') {
			except = 1;
			t++;
			while (*t == ' ' || *t == '\t')
				t++;
		}
		clean(t);
		if (!*t) {
			free(line);
			continue;
		}
		memmove(line, t, strlen(t) + 1);
		r = realloc(ig->rules, (size_t)(ig->nrules + 1) * sizeof(*r));
		if (!r) {
			free(line);
			goto oom;
		}
		ig->rules = r;
		r[ig->nrules].pattern = line;
		r[ig->nrules].except = except;
		ig->nrules++;
	}
	return 0;
oom:
	ignore_free(ig);
	return -1;
}

void ignore_free(struct ignore *ig)
{
	for (int i = 0; i < ig->nrules; i++)
		free(ig->rules[i].pattern);
	free(ig->rules);
	ig->rules = NULL;
	ig->nrules = 0;
}

/* Matching is over segments: a path or pattern split at "/" (a trailing
 * empty segment dropped: "a/" is "a", "" is none; an empty one inside,
 * "a//b", is a segment). A pattern segment matches one path segment as
 * fnmatch does; "**" matches any number of them, none included. The
 * pattern matches when it matches the path or one of its parents.
 *
 * Trying each way to spend each "**" takes exponential time (8 of them
 * against a 30-segment path: seconds per file). Instead, a row of flags
 * over the path's segment positions is carried through the pattern, one
 * segment at a time: reach[j] says the pattern so far matches the first
 * j segments. That is P x N fnmatch calls for P pattern and N path
 * segments, and every parent is read off the last row. */
#define MAX_PATH 4096
#define MAX_SEGS MAX_PATH	/* "////...": one more than the slashes */

static int matches(const char *pat, const char *path)
{
	char buf[MAX_PATH], ps[MAX_PATH];
	const char *seg[MAX_SEGS];	/* 32 KB of stack: the builder's */
	unsigned char reach[MAX_SEGS + 1];
	size_t l = strlen(path);
	int n = 0;

	if (l >= sizeof(buf))
		return 0;
	memcpy(buf, path, l + 1);
	seg[n++] = buf;
	for (char *s = buf; (s = strchr(s, '/'));) {
		*s++ = '\0';
		seg[n++] = s;
	}
	memset(reach, 0, (size_t)n + 1);
	reach[0] = 1;
	for (const char *p = pat; *p;) {
		size_t pl = strcspn(p, "/");
		int any = 0;

		if (pl == 2 && p[0] == '*' && p[1] == '*') {
			/* Any number of segments: reach j if any j' <= j was. */
			for (int j = 1; j <= n; j++)
				reach[j] |= reach[j - 1];
			any = 1;
		} else if (pl >= sizeof(ps)) {
			return 0;
		} else {
			memcpy(ps, p, pl);
			ps[pl] = '\0';
			for (int j = n; j > 0; j--) {
				reach[j] = reach[j - 1] && fnmatch(ps, seg[j - 1], 0) == 0;
				any |= reach[j];
			}
			reach[0] = 0;
		}
		if (!any)
			return 0;
		p += pl + (p[pl] == '/');
	}
	/* The path and each parent: its first m segments, m = n .. 1, a
	 * trailing empty one not counted ("a/" is "a"). */
	for (int m = 1; m <= n; m++)
		if (reach[m - (seg[m - 1][0] == '\0')])
			return 1;
	return 0;
}

int ignore_match(const struct ignore *ig, const char *path)
{
	int excluded = 0;

	for (int i = 0; i < ig->nrules; i++)
		if (matches(ig->rules[i].pattern, path))
			excluded = !ig->rules[i].except;
	return excluded;
}
