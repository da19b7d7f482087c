/* arena: memory that a parse result owns as a whole — the one arena of
 * both programs. Pieces are carved out of chunks (16-byte aligned) and
 * never freed one by one; arena_free() gives every chunk back at once.
 * Out of memory: a call returns NULL and the arena stays as it was.
 * An all-zero struct arena is an empty arena. */
#ifndef HOSTD_ARENA_H
#define HOSTD_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* private: newest chunk first */
};

/* n bytes (not zeroed), or NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n), or NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Give back every chunk; the arena is empty again. */
void arena_free(struct arena *a);

#endif
