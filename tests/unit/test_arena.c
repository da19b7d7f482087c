/* common/arena: alignment, copies, pieces larger than a chunk, many
 * chunks, and free leaving an empty arena that works again. */
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "unit.h"

void test_arena(void);

void test_arena(void)
{
	struct arena a = {0};
	char *s, *big, *p[2000];
	int ok = 1;

	CHECK(a.head == NULL);
	s = arena_strndup(&a, "hello, world", 5);
	CHECK(s && !strcmp(s, "hello") && ((uintptr_t)s & 15) == 0);
	CHECK(a.head != NULL);
	/* larger than a chunk: a chunk of its own; earlier pieces stay */
	big = arena_alloc(&a, 100000);
	CHECK(big && ((uintptr_t)big & 15) == 0);
	if (big)
		memset(big, 'x', 100000);
	CHECK(!strcmp(s, "hello"));
	/* many small pieces across chunks: each distinct, each kept */
	for (int i = 0; i < 2000; i++) {
		char t[16];

		snprintf(t, sizeof(t), "piece%d", i);
		if (!(p[i] = arena_strndup(&a, t, strlen(t))) || ((uintptr_t)p[i] & 15))
			ok = 0;
	}
	for (int i = 0; ok && i < 2000; i++) {
		char t[16];

		snprintf(t, sizeof(t), "piece%d", i);
		ok = !strcmp(p[i], t);
	}
	CHECK(ok);
	CHECK(arena_alloc(&a, SIZE_MAX) == NULL);
	CHECK(arena_strndup(&a, "", SIZE_MAX) == NULL);
	CHECK(arena_alloc(&a, 0) != NULL);
	arena_free(&a);
	CHECK(a.head == NULL);
	s = arena_strndup(&a, "again", 5);
	CHECK(s && !strcmp(s, "again"));
	arena_free(&a);
	arena_free(&a);
	CHECK(a.head == NULL);
}
