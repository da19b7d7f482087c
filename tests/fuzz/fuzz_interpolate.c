/* env_interpolate (hostd/envfile.c): Compose's ${...} on one value (every
 * scalar of a compose file goes through it), with a few variables set. */
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
	char *s = fz_str(data, size), *out = NULL, err[512];

	if (env_interpolate(s, &env, &out, err, sizeof(err)) == 0)
		free(out);
	else if (!memchr(err, '\0', sizeof(err)))
		abort();
	free(s);
	return 0;
}
