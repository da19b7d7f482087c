/* df_arena: the memory a struct dockerfile owns. Everything a parse keeps
 * (instruction texts, words, pairs, warnings) is carved out of df->mem,
 * a common/arena; df_free() gives it back at once with df's arrays.
 * Never frees a single piece.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdlib.h>
#include <string.h>

void df_free(struct dockerfile *df)
{
	arena_free(&df->mem);
	free(df->inst);
	free(df->warnings);
	memset(df, 0, sizeof(*df));
	df->escape = '\\';
}

const char **df_keep(struct dockerfile *df, const struct strv *v)
{
	const char **a = arena_alloc(&df->mem, sizeof(*a) * (size_t)(v->n + 1));

	if (!a)
		return NULL;
	for (int i = 0; i < v->n; i++)
		if (!(a[i] = arena_strndup(&df->mem, v->v[i], strlen(v->v[i]))))
			return NULL;
	a[v->n] = NULL;
	return a;
}
