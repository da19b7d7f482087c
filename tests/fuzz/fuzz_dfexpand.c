/* df_expand, df_expand_words and df_port (hostd/build/dockerfile/) on one
 * word, the way the builder calls them, with a few variables set. The
 * first byte picks the escape character (odd: a backquote). */
#include <stdio.h>

#include "build/dockerfile/dockerfile.h"
#include "fuzz.h"

static const char *lookup(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return fz_var(name, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *out = NULL, **w = NULL, *word, esc;
	struct df_port port;
	int n = 0;

	if (!size)
		return 0;
	esc = (data[0] & 1) ? '`' : '\\';
	word = fz_str(data + 1, size - 1);
	if (df_expand(word, esc, lookup, NULL, &out, err, sizeof(err)) == 0) {
		df_port(out, &port, err, sizeof(err));
		free(out);
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	if (df_expand_words(word, esc, lookup, NULL, &w, &n, err, sizeof(err)) == 0) {
		for (int i = 0; i < n; i++)
			if (!*w[i])
				abort();	/* empty words are dropped */
		if (w[n])
			abort();
		free(w);
	}
	df_port(word, &port, err, sizeof(err));
	free(word);
	return 0;
}
