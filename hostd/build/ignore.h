/* ignore: a build context's .dockerignore, matched as Docker matches it
 * (patterns in Go's filepath.Match syntax plus "**" for any number of
 * directories, "!" exceptions, the last matching line decides, a pattern
 * that matches a directory excludes what is below it). Pure. */
#ifndef HOSTD_IGNORE_H
#define HOSTD_IGNORE_H

#include <stddef.h>

struct ignore_rule {
	char *pattern;	/* cleaned: no leading "/", no "./", no trailing "/" */
	int except;	/* "!pattern" */
};

struct ignore {
	struct ignore_rule *rules;
	int nrules;
};

/* Parse a .dockerignore text (buf, len bytes). 0, or -1 (out of memory). */
int ignore_parse(struct ignore *ig, const char *buf, size_t len);
void ignore_free(struct ignore *ig);
/* Whether path (relative to the context, "/"-separated, no leading "/")
 * is excluded. */
int ignore_match(const struct ignore *ig, const char *path);

#endif
