/* ignore: see ignore.h. */
#include "ignore.h"

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

/* Match pattern segments against path segments; "**" takes any number. */
static int match_segs(const char *pat, const char *path)
{
	char ps[4096], xs[4096];
	size_t pl = strcspn(pat, "/"), xl = strcspn(path, "/");

	if (!*pat)
		return !*path;
	if (pl == 2 && !strncmp(pat, "**", 2)) {
		const char *rest = pat[2] ? pat + 3 : "", *q = path;

		for (;;) {
			const char *slash;

			if (match_segs(rest, q))
				return 1;
			if (!*q)
				return 0;
			slash = strchr(q, '/');
			q = slash ? slash + 1 : q + strlen(q);
		}
	}
	if (!*path || pl >= sizeof(ps) || xl >= sizeof(xs))
		return 0;
	memcpy(ps, pat, pl);
	ps[pl] = '\0';
	memcpy(xs, path, xl);
	xs[xl] = '\0';
	if (fnmatch(ps, xs, 0) != 0)
		return 0;
	return match_segs(pat[pl] ? pat + pl + 1 : pat + pl, path[xl] ? path + xl + 1 : path + xl);
}

/* The pattern matches the path or one of its parent directories. */
static int matches(const char *pat, const char *path)
{
	char buf[4096];
	size_t l = strlen(path);

	if (l >= sizeof(buf))
		return 0;
	memcpy(buf, path, l + 1);
	for (;;) {
		char *slash;

		if (match_segs(pat, buf))
			return 1;
		if (!(slash = strrchr(buf, '/')))
			return 0;
		*slash = '\0';
	}
}

int ignore_match(const struct ignore *ig, const char *path)
{
	int excluded = 0;

	for (int i = 0; i < ig->nrules; i++)
		if (matches(ig->rules[i].pattern, path))
			excluded = !ig->rules[i].except;
	return excluded;
}
