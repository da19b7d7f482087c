#include <string.h>

#include "ignore.h"
#include "unit.h"

static int excluded(const char *rules, const char *path)
{
	struct ignore ig;
	int r;

	if (ignore_parse(&ig, rules, strlen(rules)) < 0)
		return -1;
	r = ignore_match(&ig, path);
	ignore_free(&ig);
	return r;
}

void test_ignore(void)
{
	static const char rules[] = "# comment\n\n  *.md  \r\n!README.md\n/secrets/\n./tmp//x\n";
	struct ignore ig;

	CHECK(ignore_parse(&ig, rules, sizeof(rules) - 1) == 0);
	CHECK(ig.nrules == 4 && !strcmp(ig.rules[2].pattern, "secrets") &&
	      !strcmp(ig.rules[3].pattern, "tmp/x") && ig.rules[1].except);
	ignore_free(&ig);
	/* Plain names, globs per path segment, the last match decides. */
	CHECK(excluded("*.md\n!README.md\n", "NOTES.md") == 1);
	CHECK(excluded("*.md\n!README.md\n", "README.md") == 0);
	CHECK(excluded("*.md\n", "docs/a.md") == 0);	/* * does not cross "/" */
	CHECK(excluded("*/*.md\n", "docs/a.md") == 1);
	/* ** crosses any number of directories, none included. */
	CHECK(excluded("**/*.log\n", "a.log") == 1);
	CHECK(excluded("**/*.log\n", "x/y/z/a.log") == 1);
	CHECK(excluded("x/**\n", "x/y/z") == 1);
	CHECK(excluded("x/**/z\n", "x/z") == 1);
	CHECK(excluded("x/**/z\n", "x/a/b/z") == 1);
	CHECK(excluded("x/**/z\n", "y/a/z") == 0);
	/* A directory's pattern excludes what is below it. */
	CHECK(excluded("secrets\n", "secrets/db.txt") == 1);
	CHECK(excluded("/secrets/\n", "secrets/db.txt") == 1);
	CHECK(excluded("secrets\n!secrets/public.txt\n", "secrets/public.txt") == 0);
	CHECK(excluded("sec?ets\n", "secrets") == 1);
	CHECK(excluded("[a-c].txt\n", "b.txt") == 1 && excluded("[a-c].txt\n", "d.txt") == 0);
	CHECK(excluded("../outside\n", "outside") == 1);	/* cleaned as Go's Clean */
	CHECK(excluded("", "anything") == 0);
}
