/* envfile_parse (hostd/envfile.c): a stack's .env (and a service's
 * env_file), with a few variables set outside it; then every key looked
 * up again. */
#include <stdio.h>

#include "build/compose/envfile.h"
#include "fuzz.h"

static const char *get(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return fz_var(name, len);
}

static void unset(void *ctx, const char *name, size_t len)
{
	(void)ctx, (void)name, (void)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct env_lookup env = {get, unset, NULL};
	struct envfile ef;
	char err[512];

	if (envfile_parse(&ef, ".env", (const char *)data, size, (size & 1) ? NULL : &env, err,
			  sizeof(err)) == 0) {
		for (int i = 0; i < ef.nvars; i++)
			if (!envfile_get(&ef, ef.vars[i].key) || !ef.vars[i].value)
				abort();
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	envfile_free(&ef);
	return 0;
}
