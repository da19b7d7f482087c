/* plan_parse (hostd/plan.c): a plan file as hostd reads it at boot. On
 * success every string it returns is walked, so a pointer outside the
 * plan's arena or an unterminated string shows under ASan. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "common/plan.h"

static struct plan p;	/* 20 KB: not on the stack */

static void touch_argv(const char *const *v, int n)
{
	for (int i = 0; i < n; i++)
		fz_touch(v[i]);
	if (v[n])
		abort();	/* argv lists are NULL-terminated */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	if (plan_parse(&p, (const char *)data, size, "fuzz.plan", err, sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)))
			abort();
		return 0;
	}
	fz_touch(p.service), fz_touch(p.image), fz_touch(p.user), fz_touch(p.workdir);
	fz_touch(p.hostname), fz_touch(p.network), fz_touch(p.address), fz_touch(p.health_shell);
	if (p.nlayers > PLAN_MAX_LAYERS || p.nentrypoint > PLAN_MAX_ARGS ||
	    p.ncmd > PLAN_MAX_ARGS || p.nenv > PLAN_MAX_ENV || p.nmounts > PLAN_MAX_MOUNTS ||
	    p.nsecrets > PLAN_MAX_SECRETS || p.npublish > PLAN_MAX_PUBLISH ||
	    p.ndeps > PLAN_MAX_DEPS || p.nhealth_cmd > PLAN_MAX_ARGS || p.used > PLAN_ARENA)
		abort();
	for (int i = 0; i < p.nlayers; i++)
		fz_touch(p.layers[i]);
	touch_argv(p.entrypoint, p.nentrypoint);
	touch_argv(p.cmd, p.ncmd);
	touch_argv(p.env, p.nenv);
	touch_argv(p.health_cmd, p.nhealth_cmd);
	for (int i = 0; i < p.nmounts; i++)
		fz_touch(p.mounts[i].name), fz_touch(p.mounts[i].src), fz_touch(p.mounts[i].dst);
	for (int i = 0; i < p.nsecrets; i++)
		fz_touch(p.secrets[i].name), fz_touch(p.secrets[i].src);
	for (int i = 0; i < p.ndeps; i++)
		fz_touch(p.deps[i].service);
	return 0;
}
