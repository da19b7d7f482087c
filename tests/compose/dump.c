/* compose-dump: read a compose file as the appliance's builder does and
 * print the model, one fact a line, or the one-line error (exit 1).
 * Warnings go to stderr. Variables come from the process environment,
 * then from the .env file given with -e (Compose's order).
 *
 *   compose-dump [-e stack/.env] stack/docker-compose.yml */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose.h"
#include "build/compose/envfile.h"

static const char *get(void *ctx, const char *name, size_t len)
{
	const struct envfile *ef = ctx;
	char key[256];
	const char *v;

	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	if ((v = getenv(key)))
		return v;
	return ef ? envfile_get(ef, key) : NULL;
}

static void argv_line(const char *what, const char **argv)
{
	if (!argv)
		return;
	printf("  %s", what);
	for (int i = 0; argv[i]; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
}

static void dump(const struct compose *c)
{
	static const char *const cond[] = { "service_started", "service_healthy",
					    "service_completed_successfully" };
	static const char *const hc[] = { "unset", "none", "cmd", "shell", "inherit" };

	printf("name %s\ndir %s\n", c->name, c->dir);
	for (int i = 0; i < c->nvolumes; i++)
		printf("volume %s%s%s\n", c->volumes[i].name, c->volumes[i].device ? " device " : "",
		       c->volumes[i].device ? c->volumes[i].device : "");
	for (int i = 0; i < c->nnetworks; i++)
		printf("network %s%s%s\n", c->networks[i].name, c->networks[i].subnet ? " subnet " : "",
		       c->networks[i].subnet ? c->networks[i].subnet : "");
	for (int i = 0; i < c->nsecrets; i++)
		printf("secret %s file %s\n", c->secrets[i].name, c->secrets[i].file);
	for (int i = 0; i < c->nservices; i++) {
		const struct compose_service *s = &c->services[i];

		printf("service %s (line %d)\n  image %s\n", s->name, s->line, s->image);
		if (s->has_build)
			printf("  build %s %s\n", s->build_context, s->build_dockerfile);
		for (int j = 0; j < s->nbuild_args; j++)
			printf("  arg %s=%s\n", s->build_args[j].key,
			       s->build_args[j].value ? s->build_args[j].value : "(unset)");
		if (s->restart)
			printf("  restart %s\n", s->restart);
		for (int j = 0; j < s->nenvironment; j++)
			printf("  env %s=%s\n", s->environment[j].key, s->environment[j].value);
		for (int j = 0; j < s->nmounts; j++)
			printf("  mount %s %s:%s%s\n", s->mounts[j].type == COMPOSE_BIND ? "bind" : "volume",
			       s->mounts[j].source, s->mounts[j].target, s->mounts[j].read_only ? ":ro" : "");
		for (int j = 0; j < s->nsecrets; j++)
			printf("  secret %s as %s\n", s->secrets[j].source, s->secrets[j].target);
		for (int j = 0; j < s->nnetworks; j++) {
			printf("  network %s", s->networks[j].name);
			if (s->networks[j].ipv4_address)
				printf(" %s", s->networks[j].ipv4_address);
			for (int k = 0; s->networks[j].aliases[k]; k++)
				printf(" alias %s", s->networks[j].aliases[k]);
			printf("\n");
		}
		for (int j = 0; j < s->nports; j++)
			printf("  port %s:%u:%u/%s\n", s->ports[j].host_ip ? s->ports[j].host_ip : "*",
			       s->ports[j].published, s->ports[j].target, s->ports[j].udp ? "udp" : "tcp");
		for (int j = 0; j < s->nexpose; j++)
			printf("  expose %u\n", s->expose[j]);
		for (int j = 0; j < s->ndepends_on; j++)
			printf("  depends_on %s %s\n", s->depends_on[j].service,
			       cond[s->depends_on[j].condition]);
		if (s->health.kind != COMPOSE_HC_UNSET) {
			printf("  health %s interval %lld timeout %lld start %lld retries %d\n",
			       hc[s->health.kind], s->health.interval_ms, s->health.timeout_ms,
			       s->health.start_period_ms, s->health.retries);
			argv_line("health_test", s->health.test);
		}
		argv_line("entrypoint", s->entrypoint);
		argv_line("command", s->command);
		if (s->user)
			printf("  user %s\n", s->user);
		if (s->working_dir)
			printf("  working_dir %s\n", s->working_dir);
		if (s->init)
			printf("  init\n");
		if (s->stop_signal)
			printf("  stop_signal %s\n", s->stop_signal);
		if (s->stop_grace_ms >= 0)
			printf("  stop_grace_ms %lld\n", s->stop_grace_ms);
		if (s->mem_limit || s->cpus || s->pids_limit)
			printf("  limits memory %lld cpus %g pids %ld\n", s->mem_limit, s->cpus,
			       s->pids_limit);
		argv_line("cap_add", s->cap_add);
		argv_line("cap_drop", s->cap_drop);
		if (s->userns_host)
			printf("  userns host\n");
	}
}

int main(int argc, char **argv)
{
	struct envfile ef = { 0 };
	struct env_lookup env = { .get = get, .ctx = NULL };
	struct compose c;
	char err[1024];
	int ret;

	if (argc == 4 && !strcmp(argv[1], "-e")) {
		FILE *f = fopen(argv[2], "r");
		char buf[65536];
		size_t n;

		if (!f) {
			perror(argv[2]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (envfile_parse(&ef, argv[2], buf, n, NULL, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		env.ctx = &ef;
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: compose-dump [-e ENVFILE] COMPOSE_FILE\n");
		return 2;
	}
	ret = compose_load(&c, argv[1], &env, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
	} else {
		for (int i = 0; i < c.nwarnings; i++)
			fprintf(stderr, "warning: %s\n", c.warnings[i]);
		dump(&c);
	}
	compose_free(&c);
	envfile_free(&ef);
	return ret < 0;
}
