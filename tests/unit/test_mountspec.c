/* common/mountspec: the one SRC:DST[:OPTS] parser, in both of its
 * callers' ways (the plan's one word, hostd run's list). */
#include <string.h>

#include "common/mountspec.h"
#include "unit.h"

static int is(const char *p, size_t n, const char *want)
{
	return strlen(want) == n && !memcmp(p, want, n);
}

#define PLAN (MOUNTSPEC_RO | MOUNTSPEC_RW)
#define RUN (MOUNTSPEC_RO | MOUNTSPEC_RW | MOUNTSPEC_IDMAP)

void test_mountspec(void)
{
	struct mountspec m;

	/* The split. */
	CHECK(mountspec_parse("/a:/b", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_OK);
	CHECK(is(m.src, m.src_len, "/a") && is(m.dst, m.dst_len, "/b") && m.flags == 0);
	CHECK(mountspec_parse("/a/x:/b/y:ro", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_OK);
	CHECK(is(m.src, m.src_len, "/a/x") && is(m.dst, m.dst_len, "/b/y"));
	CHECK(m.flags == MOUNTSPEC_RO);
	CHECK(mountspec_parse("/a:/b:rw", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_OK &&
	      m.flags == MOUNTSPEC_RW);
	CHECK(mountspec_parse("/a", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_NO_COLON);
	CHECK(mountspec_parse("", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_NO_COLON);
	/* Empty paths are the caller's to refuse. */
	CHECK(mountspec_parse(":", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_OK);
	CHECK(m.src_len == 0 && m.dst_len == 0);

	/* One word: exactly ro or rw. */
	CHECK(mountspec_parse("/a:/b:", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:RO", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:ro,rw", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:ro:x", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:idmap", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:r", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:rox", PLAN, MOUNTSPEC_ONE_WORD, &m) == MOUNTSPEC_BAD_OPT);

	/* A list: comma-separated, empty items skipped, not an empty whole. */
	CHECK(mountspec_parse("/a:/b:ro,idmap", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_OK);
	CHECK(m.flags == (MOUNTSPEC_RO | MOUNTSPEC_IDMAP));
	CHECK(is(m.dst, m.dst_len, "/b"));
	CHECK(mountspec_parse("/a:/b:idmap", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_OK &&
	      m.flags == MOUNTSPEC_IDMAP);
	CHECK(mountspec_parse("/a:/b:ro,,rw", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_OK &&
	      m.flags == (MOUNTSPEC_RO | MOUNTSPEC_RW));
	CHECK(mountspec_parse("/a:/b:,", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_OK && m.flags == 0);
	CHECK(mountspec_parse("/a:/b:", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:ro,x", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:ro:idmap", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_BAD_OPT);
	CHECK(mountspec_parse("/a:/b:idma", RUN, MOUNTSPEC_LIST, &m) == MOUNTSPEC_BAD_OPT);
	/* A word the caller does not accept is refused. */
	CHECK(mountspec_parse("/a:/b:idmap", MOUNTSPEC_RO, MOUNTSPEC_LIST, &m) ==
	      MOUNTSPEC_BAD_OPT);
}
