/* df_arena: the memory a struct dockerfile owns. Everything a parse keeps
 * (instruction texts, words, pairs, warnings) is carved out of chunks
 * that hang off df->mem; df_free() gives them back at once. Never frees a
 * single piece, never touches anything but the chunks and df's arrays.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdlib.h>
#include <string.h>

struct df_chunk {
	struct df_chunk *next;
	size_t used, cap;
};

#define CHUNK_HDR ((sizeof(struct df_chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN 16384

void *df_alloc(struct dockerfile *df, size_t n)
{
	struct df_chunk *c = df->mem;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;

		if (!(c = malloc(CHUNK_HDR + cap)))
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = df->mem;
		df->mem = c;
	}
	c->used += n;
	return (char *)c + CHUNK_HDR + c->used - n;
}

char *df_strndup(struct dockerfile *df, const char *s, size_t n)
{
	char *d = df_alloc(df, n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

void df_free(struct dockerfile *df)
{
	struct df_chunk *c = df->mem, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	free(df->inst);
	free(df->warnings);
	memset(df, 0, sizeof(*df));
	df->escape = '\\';
}

const char **df_keep(struct dockerfile *df, const struct strv *v)
{
	const char **a = df_alloc(df, sizeof(*a) * (size_t)(v->n + 1));

	if (!a)
		return NULL;
	for (int i = 0; i < v->n; i++)
		if (!(a[i] = df_strndup(df, v->v[i], strlen(v->v[i]))))
			return NULL;
	a[v->n] = NULL;
	return a;
}
