/* compose_parse (hostd/compose*.c over libyaml): a docker-compose.yml,
 * interpolated with a few variables set, into the model; then every
 * string of the model walked. Input: the YAML, a NUL, then the text every
 * env_file: gets. compose_file.c (the reader's file system, not pure) is
 * not linked here: the harness hands compose_parse_io a reader of its own,
 * so that env_file reads that text instead of a file (a path with
 * "missing" in it is a missing file). */
#include <errno.h>
#include <stdio.h>

#include "build/compose/compose_int.h"
#include "fuzz.h"

static const char *env_text;
static size_t env_len;

/* The compose file's path is absolute: no current directory is needed. */
static char *cwd(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	errno = ENOENT;
	return NULL;
}

static char *slurp(const char *path, size_t *len)
{
	char *buf;

	if (!env_text || strstr(path, "missing")) {
		errno = ENOENT;
		return NULL;
	}
	buf = fz_str((const uint8_t *)env_text, env_len);
	*len = env_len;
	return buf;
}

static const char *get(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return fz_var(name, len);
}

static void unset(void *ctx, const char *name, size_t len)
{
	(void)ctx, (void)name, (void)len;
}

static void touch_list(const char *const *v)
{
	for (; v && *v; v++)
		fz_touch(*v);
}

static void walk(const struct compose *c)
{
	fz_touch(c->path), fz_touch(c->dir), fz_touch(c->name);
	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *s = &c->services[i];

		fz_touch(s->name), fz_touch(s->image), fz_touch(s->build_context);
		fz_touch(s->build_dockerfile), fz_touch(s->pull_policy);
		fz_touch(s->container_name), fz_touch(s->hostname), fz_touch(s->restart);
		fz_touch(s->stop_signal), fz_touch(s->user), fz_touch(s->working_dir);
		for (int k = 0; k < s->nbuild_args; k++)
			fz_touch(s->build_args[k].key), fz_touch(s->build_args[k].value);
		for (int k = 0; k < s->nenvironment; k++)
			fz_touch(s->environment[k].key), fz_touch(s->environment[k].value);
		for (int k = 0; k < s->nsecrets; k++)
			fz_touch(s->secrets[k].source), fz_touch(s->secrets[k].target);
		for (int k = 0; k < s->nmounts; k++)
			fz_touch(s->mounts[k].source), fz_touch(s->mounts[k].target);
		for (int k = 0; k < s->nnetworks; k++) {
			fz_touch(s->networks[k].name), fz_touch(s->networks[k].ipv4_address);
			touch_list(s->networks[k].aliases);
		}
		for (int k = 0; k < s->nports; k++)
			fz_touch(s->ports[k].host_ip);
		for (int k = 0; k < s->ndepends_on; k++)
			fz_touch(s->depends_on[k].service);
		touch_list(s->health.test);
		touch_list(s->command);
		touch_list(s->entrypoint);
		if (compose_service(c, s->name) == NULL)
			abort();
	}
	for (int i = 0; i < c->nvolumes; i++)
		fz_touch(c->volumes[i].name), fz_touch(c->volumes[i].device);
	for (int i = 0; i < c->nnetworks; i++)
		fz_touch(c->networks[i].name), fz_touch(c->networks[i].subnet),
		fz_touch(c->networks[i].gateway);
	for (int i = 0; i < c->nsecrets; i++)
		fz_touch(c->secrets[i].name), fz_touch(c->secrets[i].file);
	for (int i = 0; i < c->nwarnings; i++)
		fz_touch(c->warnings[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct env_lookup env = {get, unset, NULL};
	static const struct compose_io io = {slurp, cwd};
	const uint8_t *z = memchr(data, '\0', size);
	size_t ylen = z ? (size_t)(z - data) : size;
	char *yaml = fz_str(data, ylen), err[1024];
	struct compose c;

	env_text = z ? (const char *)z + 1 : NULL;
	env_len = z ? size - ylen - 1 : 0;
	if (compose_parse_io(&c, "/fuzz/stack/docker-compose.yml", yaml, ylen, &env, &io, err,
			     sizeof(err)) == 0)
		walk(&c);
	else if (!memchr(err, '\0', sizeof(err)))
		abort();
	compose_free(&c);
	free(yaml);
	return 0;
}
