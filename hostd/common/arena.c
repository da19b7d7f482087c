/* arena: see arena.h. Chunks of at least 16 KiB (a larger request gets a
 * chunk of its own size), linked newest first; only the newest is carved.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
};

#define CHUNK_HDR ((sizeof(struct arena_chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN 16384

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;

	if (n > SIZE_MAX - CHUNK_HDR - 15)
		return NULL;
	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;

		if (!(c = malloc(CHUNK_HDR + cap)))
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	c->used += n;
	return (char *)c + CHUNK_HDR + c->used - n;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d;

	if (n == SIZE_MAX || !(d = arena_alloc(a, n + 1)))
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}
