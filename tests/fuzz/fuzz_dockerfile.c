/* df_parse (hostd/build/dockerfile/) on a Dockerfile, then what the builder
 * does with it: every word of an instruction Docker substitutes in
 * through df_expand (EXPOSE through df_expand_words and df_port), with
 * the file's escape character and a few variables set. */
#include <stdio.h>

#include "build/dockerfile/dockerfile.h"
#include "fuzz.h"

static const char *lookup(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return fz_var(name, len);
}

static void expand(const char *word, const struct dockerfile *df, int words)
{
	char err[512], *out = NULL, **w = NULL;
	int n = 0;

	if (!word)
		return;
	if (df_expand(word, df->escape, lookup, NULL, &out, err, sizeof(err)) == 0)
		free(out);
	if (!words)
		return;
	if (df_expand_words(word, df->escape, lookup, NULL, &w, &n, err, sizeof(err)) == 0) {
		for (int i = 0; i < n; i++) {
			struct df_port port;

			df_port(w[i], &port, err, sizeof(err));
		}
		if (w[n])
			abort();
		free(w);
	}
}

static void inst(const struct df_inst *in, const struct dockerfile *df)
{
	fz_touch(in->text), fz_touch(in->image), fz_touch(in->stage);
	for (int i = 0; i < in->nflags; i++)
		fz_touch(in->flags[i]);
	if (in->args && in->args[in->nargs])
		abort();
	if (in->kind == DF_ONBUILD && in->trigger)
		inst(in->trigger, df);
	if (!df_kind_expands(in->kind))
		return;
	for (int i = 0; i < in->nargs; i++)
		expand(in->args[i], df, in->kind == DF_EXPOSE);
	for (int i = 0; i < in->nkv; i++) {
		expand(in->kv[i].key, df, 0);
		expand(in->kv[i].value, df, 0);
	}
	expand(in->chown, df, 0);
	expand(in->chmod, df, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dockerfile df;
	char err[512];

	if (df_parse(&df, "Dockerfile", (const char *)data, size, err, sizeof(err)) == 0) {
		for (int i = 0; i < df.ninst; i++)
			inst(&df.inst[i], &df);
		for (int i = 0; i < df.nwarnings; i++)
			fz_touch(df.warnings[i]);
		fz_touch(df.syntax), fz_touch(df.check);
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	df_free(&df);
	return 0;
}
