#include <string.h>
#include <time.h>

#include "build/ignore.h"
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

/* s, n times, then end, into out. */
static void repeat(char *out, const char *s, int n, const char *end)
{
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(out, s);
	strcat(out, end);
}

static long ms(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
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
	/* Empty segments, a trailing "/", a leading one (its parent is ""). */
	CHECK(excluded("a/*/b\n", "a//b") == 1 && excluded("a/b\n", "a//b") == 0);
	CHECK(excluded("a\n", "a/") == 1 && excluded("*/x\n", "/x") == 1 &&
	      excluded("*\n", "/x") == 0);
	CHECK(excluded("**\n", "") == 1 && excluded("x\n", "") == 0);
	CHECK(excluded("**/b/**\n", "a/b") == 1 && excluded("**/b/**/c\n", "b/c/d") == 1);
	/* "**" in polynomial time: 8 of them against a 30-segment path took
	 * seconds when each way to spend them was tried (tests/fuzz). */
	{
		static char path[4096], many[256];
		struct timespec t0, t1;
		int r, r2;

		repeat(path, "a/", 29, "a");
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = excluded("**/**/**/**/**/**/**/**/x\n", path);
		r2 = excluded("**/a/**/**/a/**/**/a/**/**/a\n", path);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(r == 0 && r2 == 1);
		CHECK(ms(t0, t1) < 50);
		/* And 40 of them against 2000 segments. */
		repeat(many, "**/", 40, "y\n");
		repeat(path, "a/", 1999, "y");
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = excluded(many, path);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(r == 1);
		CHECK(ms(t0, t1) < 500);
	}
}
