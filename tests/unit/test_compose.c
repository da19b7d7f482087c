/* compose: the fixtures in tests/compose/valid (which docker-compose 1.29
 * also accepts, see tests/compose/validate.sh) read into the model; the
 * spec-only fixtures (which 1.29 rejects) read too; every error with its
 * exact message. Runs from the repository's top directory. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/compose/compose.h"
#include "build/compose/envfile.h"
#include "unit.h"

#define VALID "tests/compose/valid/"
#define T "tests/compose/valid/t.yml:"

static struct compose c;
static char err[1024], cwd[PATH_MAX];
static struct envfile vars;		/* fixture.env: what stack/.env is to the stack */
static char unset_seen[256];		/* "NAME," for each unset variable told of */

static const char *get(void *ctx, const char *name, size_t len)
{
	char key[128];

	(void)ctx;
	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	return envfile_get(&vars, key);
}

static void unset(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	strncat(unset_seen, name, len);
	strcat(unset_seen, ",");
}

static const struct env_lookup env = { get, unset, NULL };

static int load(const char *path)
{
	unset_seen[0] = '\0';
	compose_free(&c);
	if (compose_load(&c, path, &env, err, sizeof(err)) == 0)
		return 1;
	fprintf(stderr, "  %s\n", err);
	return 0;
}

static int parse(const char *yaml)
{
	unset_seen[0] = '\0';
	compose_free(&c);
	return compose_parse(&c, VALID "t.yml", yaml, strlen(yaml), &env, err, sizeof(err)) == 0;
}

/* The text must fail with exactly msg, and leave the model empty. */
static int fails_with(const char *yaml, const char *msg)
{
	if (parse(yaml)) {
		fprintf(stderr, "  parsed, want: %s\n", msg);
		return 0;
	}
	if (strcmp(err, msg)) {
		fprintf(stderr, "  got:  %s\n  want: %s\n", err, msg);
		return 0;
	}
	return c.nservices == 0 && c.services == NULL && c.mem.head == NULL && c.path == NULL;
}

/* An absolute path under the top directory. */
static const char *abs_of(const char *rel)
{
	static char buf[PATH_MAX + 256];

	snprintf(buf, sizeof(buf), "%s/%s", cwd, rel);
	return buf;
}

static const struct compose_service *svc(const char *name)
{
	const struct compose_service *s = compose_service(&c, name);

	if (!s)
		fprintf(stderr, "  no service %s\n", name);
	return s;
}

/* The effective environment's value of key, or NULL. */
static const char *env_of(const struct compose_service *s, const char *key)
{
	for (int i = 0; s && i < s->nenvironment; i++)
		if (!strcmp(s->environment[i].key, key))
			return s->environment[i].value;
	return NULL;
}

static int env_is(const struct compose_service *s, const char *key, const char *want)
{
	const char *v = env_of(s, key);

	if (v && !strcmp(v, want))
		return 1;
	fprintf(stderr, "  %s: %s=%s, want %s\n", s ? s->name : "?", key, v ? v : "(unset)", want);
	return 0;
}

/* argv equals the NULL-terminated list of strings that follows. */
static int argv_is(const char **argv, ...)
{
	va_list ap;
	const char *w;
	int i = 0, ok = argv != NULL;

	va_start(ap, argv);
	for (; ok && (w = va_arg(ap, const char *)); i++)
		ok = argv[i] && !strcmp(argv[i], w);
	va_end(ap);
	return ok && !argv[i];
}

static const struct compose_port *port(const struct compose_service *s, int i)
{
	static const struct compose_port none;

	return s && i < s->nports ? &s->ports[i] : &none;
}

static int port_is(const struct compose_port *p, const char *ip, int published, int target,
		   int udp)
{
	return (ip ? p->host_ip && !strcmp(p->host_ip, ip) : !p->host_ip) &&
	       p->published == published && p->target == target && p->udp == udp;
}

static int mount_is(const struct compose_mount *m, enum compose_mount_type type,
		    const char *source, const char *target, int ro)
{
	if (m->type == type && !strcmp(m->source, source) && !strcmp(m->target, target) &&
	    m->read_only == ro)
		return 1;
	fprintf(stderr, "  mount %s:%s, want %s:%s\n", m->source, m->target, source, target);
	return 0;
}

static void values(void)
{
	CHECK(compose_duration_ms("1m30s") == 90000);
	CHECK(compose_duration_ms("10s") == 10000);
	CHECK(compose_duration_ms("500ms") == 500);
	CHECK(compose_duration_ms("1h") == 3600000);
	CHECK(compose_duration_ms("1h5m30s20ms") == 3930020);
	CHECK(compose_duration_ms("1.5s") == 1500);
	CHECK(compose_duration_ms("2500us") == 2);
	CHECK(compose_duration_ms("3000000ns") == 3);
	CHECK(compose_duration_ms("0") == 0);
	CHECK(compose_duration_ms("0s") == 0);
	CHECK(compose_duration_ms("10") == -1);
	CHECK(compose_duration_ms("") == -1);
	CHECK(compose_duration_ms("s") == -1);
	CHECK(compose_duration_ms("-1s") == -1);
	CHECK(compose_duration_ms("1d") == -1);
	CHECK(compose_duration_ms("1s ") == -1);
	CHECK(compose_duration_ms("99999999999999999999h") == -1);
	CHECK(compose_duration_ms("9999999999h") == -1);
	CHECK(compose_duration_ms(NULL) == -1);
	/* Fractions of large units: no overflow (tests/fuzz: 0.999999999999m
	 * was UB), exact for hours too (3.6e12 ns is not a multiple of 10^12). */
	CHECK(compose_duration_ms("0.999999999999m") == 59999);
	CHECK(compose_duration_ms("0.999999999999h") == 3599999);
	CHECK(compose_duration_ms("0.123456789012h") == 444444);
	CHECK(compose_duration_ms("22222222.2222224444222244444s") == 22222222222);
	CHECK(compose_duration_ms("1.5h0.25m") == 5415000);
	CHECK(compose_duration_ms("2562047h47m16.854775807s") == 9223372036854);
	CHECK(compose_duration_ms("2562047h47m16.854775808s") == -1);
	CHECK(compose_duration_ms("2562047h47m16.8547758079s") == 9223372036854);

	CHECK(compose_bytes("512m") == 512LL << 20);
	CHECK(compose_bytes("1g") == 1LL << 30);
	CHECK(compose_bytes("1048576") == 1048576);
	CHECK(compose_bytes("1.5g") == 3LL << 29);
	CHECK(compose_bytes("2b") == 2);
	CHECK(compose_bytes("1024kb") == 1LL << 20);
	CHECK(compose_bytes("300M") == 300LL << 20);
	CHECK(compose_bytes("1GiB") == 1LL << 30);
	CHECK(compose_bytes("1 k") == 1024);
	CHECK(compose_bytes("2t") == 2LL << 40);
	CHECK(compose_bytes("0") == 0);
	CHECK(compose_bytes("") == -1);
	CHECK(compose_bytes("k") == -1);
	CHECK(compose_bytes("-1m") == -1);
	CHECK(compose_bytes("1x") == -1);
	CHECK(compose_bytes("1ib") == -1);
	CHECK(compose_bytes("1mbb") == -1);
	CHECK(compose_bytes("99999999p") == -1);
	CHECK(compose_bytes("1.2.3") == -1);
	CHECK(compose_bytes(NULL) == -1);
}

static void stack(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "stack.yml"));
	CHECK(!strcmp(c.path, VALID "stack.yml"));
	CHECK(!strcmp(c.dir, abs_of("tests/compose/valid")));
	CHECK(!strcmp(c.name, "valid"));
	CHECK(c.nwarnings == 0 && !unset_seen[0]);
	CHECK(c.nservices == 5);
	CHECK(!strcmp(c.services[0].name, "nginx") && !strcmp(c.services[4].name, "site"));

	CHECK(c.nvolumes == 3);
	CHECK(!strcmp(c.volumes[0].name, "wordpress") &&
	      !strcmp(c.volumes[0].device, "/home/wil/data/wordpress") && c.volumes[0].line == 101);
	CHECK(!strcmp(c.volumes[1].device, "/home/wil/data/mariadb"));
	CHECK(!strcmp(c.volumes[2].name, "site") && c.volumes[2].device == NULL);
	/* inception only: no service is on "default". */
	CHECK(c.nnetworks == 1 && !strcmp(c.networks[0].name, "inception") &&
	      c.networks[0].subnet == NULL && c.networks[0].line == 112);
	CHECK(c.nsecrets == 3);
	CHECK(!strcmp(c.secrets[0].name, "db_password") &&
	      !strcmp(c.secrets[0].file, abs_of("tests/compose/credentials/db_password.txt")));
	CHECK(!strcmp(c.secrets[1].file, abs_of(VALID "credentials/db_root_password.txt")));
	CHECK(!strcmp(c.secrets[2].file, abs_of(VALID "credentials/wp_admin_password.txt")));

	CHECK((s = svc("nginx")) != NULL);
	if (s) {
		CHECK(s->line == 17 && !strcmp(s->image, "nginx:1.0") && s->has_build);
		CHECK(!strcmp(s->build_context, abs_of(VALID "requirements/nginx")));
		CHECK(!strcmp(s->build_dockerfile, abs_of(VALID "requirements/nginx/Dockerfile")));
		/* From the x-service merge. */
		CHECK(!strcmp(s->restart, "unless-stopped"));
		CHECK(s->nnetworks == 1 && !strcmp(s->networks[0].name, "inception") &&
		      s->networks[0].aliases[0] == NULL && s->networks[0].ipv4_address == NULL);
		CHECK(s->nports == 1 && port_is(port(s, 0), NULL, 8443, 443, 0) && s->ports[0].line == 22);
		CHECK(s->nmounts == 2);
		CHECK(mount_is(&s->mounts[0], COMPOSE_VOLUME, "wordpress", "/var/www/html", 1));
		CHECK(s->mounts[0].line == 24);
		CHECK(s->ndepends_on == 2 && !strcmp(s->depends_on[0].service, "wordpress") &&
		      s->depends_on[0].condition == COMPOSE_HEALTHY && s->depends_on[0].line == 27);
		CHECK(s->depends_on[1].condition == COMPOSE_STARTED);
		CHECK(s->health.kind == COMPOSE_HC_CMD && argv_is(s->health.test, "nginx", "-t", NULL));
		CHECK(s->health.interval_ms == 5000 && s->health.timeout_ms == 3000 &&
		      s->health.retries == 5 && s->health.start_period_ms == -1);
		CHECK(s->health.line == 31);
		CHECK(s->command == NULL && s->entrypoint == NULL && s->nenvironment == 0);
		CHECK(s->user == NULL && s->working_dir == NULL && s->stop_signal == NULL);
		CHECK(s->stop_grace_ms == -1 && s->mem_limit == 0 && s->cpus == 0 && s->pids_limit == 0);
		CHECK(!s->init && s->container_name == NULL && s->hostname == NULL);
	}
	CHECK((s = svc("wordpress")) != NULL);
	if (s) {
		CHECK(s->nbuild_args == 2 && !strcmp(s->build_args[0].key, "PHP_VERSION") &&
		      !strcmp(s->build_args[0].value, "8.2") && s->build_args[0].line == 41);
		/* Not in fixture.env: NULL, the Dockerfile's ARG default applies. */
		CHECK(!strcmp(s->build_args[1].key, "WP_LOCALE") && s->build_args[1].value == NULL);
		/* env_file first, environment over it, in place. */
		CHECK(s->nenvironment == 6);
		CHECK(!strcmp(s->environment[0].key, "WP_TITLE") && env_is(s, "WP_TITLE", "Inception of wil"));
		CHECK(s->environment[0].line == 46);
		CHECK(!strcmp(s->environment[1].key, "WP_LANG") && s->environment[1].line == 43);
		CHECK(env_is(s, "DB_HOST", "mariadb:3306") && env_is(s, "DOMAIN_NAME", "wil.42.fr"));
		CHECK(env_is(s, "WP_DEBUG", "0"));
		/* A key without a value: the variable's. */
		CHECK(env_is(s, "DB_NAME", "wordpress"));
		CHECK(s->nsecrets == 2 && !strcmp(s->secrets[0].source, "db_password") &&
		      !strcmp(s->secrets[0].target, "db_password") && s->secrets[0].line == 50);
		CHECK(!strcmp(s->secrets[1].source, "wp_admin_password") &&
		      !strcmp(s->secrets[1].target, "wp_admin"));
		CHECK(s->health.kind == COMPOSE_HC_SHELL &&
		      argv_is(s->health.test, "php-fpm8.2 -t 2>/dev/null", NULL));
		CHECK(s->health.start_period_ms == 60000 && s->health.retries == 5);
		CHECK(argv_is(s->command, "php-fpm8.2", "-F", NULL));
		CHECK(s->mem_limit == 512LL << 20);
	}
	CHECK((s = svc("mariadb")) != NULL);
	if (s) {
		CHECK(s->nsecrets == 2 && !strcmp(s->secrets[1].target, "db_root_password"));
		CHECK(s->health.kind == COMPOSE_HC_SHELL &&
		      argv_is(s->health.test, "mariadb-admin ping --silent", NULL));
		CHECK(s->health.interval_ms == 2000 && s->health.timeout_ms == -1 &&
		      s->health.retries == -1);
		CHECK(s->stop_grace_ms == 30000 && !strcmp(s->stop_signal, "SIGQUIT"));
		CHECK(s->mem_limit == 1LL << 30 && s->cpus == 1.5);
	}
	CHECK((s = svc("redis")) != NULL);
	if (s)
		CHECK(argv_is(s->command, "redis-server", "--protected-mode", "no", "--save", "", NULL));
	/* The explicit key wins over the merged one. */
	CHECK((s = svc("site")) != NULL && !strcmp(s->restart, "always"));
	CHECK(compose_service(&c, "nope") == NULL);
}

static void ports(void)
{
	static const char third[] = VALID "ports.yml:18: services.web.ports: 'target: 3000' has no "
				    "host port:";
	const struct compose_service *s;

	CHECK(load(VALID "ports.yml"));
	CHECK((s = svc("web")) != NULL);
	if (!s)
		return;
	CHECK(s->nports == 8);
	CHECK(port_is(port(s, 0), NULL, 443, 443, 0));
	CHECK(port_is(port(s, 1), "127.0.0.1", 8080, 80, 0));
	CHECK(port_is(port(s, 2), NULL, 5353, 53, 1));		/* 0.0.0.0 is all addresses */
	CHECK(port_is(port(s, 3), NULL, 0, 9000, 0));
	CHECK(port_is(port(s, 4), NULL, 0, 9001, 0));
	CHECK(port_is(port(s, 5), NULL, 2121, 21, 0) && s->ports[5].line == 11);
	CHECK(port_is(port(s, 6), NULL, 8125, 8125, 1));
	CHECK(port_is(port(s, 7), NULL, 0, 3000, 0));
	/* Compose would publish these on random host ports; hostd says so. */
	CHECK(c.nwarnings == 4);
	CHECK(c.nwarnings == 4 && !strcmp(c.warnings[0], VALID "ports.yml:9: services.web.ports: '9000' "
					  "has no host port: Compose would publish it on a random host "
					  "port, hostd only exposes it (write HOST:CONTAINER to publish it)"));
	CHECK(c.nwarnings == 4 && !strncmp(c.warnings[2], third, strlen(third)));
	CHECK(s->nexpose == 3 && s->expose[0] == 3306 && s->expose[1] == 9002 && s->expose[2] == 6379);
	/* Ranges: one entry per port, host and container ports side by side. */
	CHECK((s = svc("ftp")) != NULL);
	if (!s)
		return;
	CHECK(s->nports == 8);
	CHECK(port_is(port(s, 0), NULL, 21, 21, 0));
	CHECK(port_is(port(s, 1), NULL, 21000, 21100, 0) && s->ports[1].line == 27);
	CHECK(port_is(port(s, 3), NULL, 21002, 21102, 0) && s->ports[3].line == 27);
	CHECK(port_is(port(s, 4), "127.0.0.1", 4000, 4000, 1));
	CHECK(port_is(port(s, 5), "127.0.0.1", 4001, 4001, 1));
	CHECK(port_is(port(s, 6), NULL, 0, 7000, 0) && port_is(port(s, 7), NULL, 0, 7001, 0));
	CHECK(c.nwarnings == 4 && strstr(c.warnings[3], "'7000-7001' has no host port"));
}

static void volumes(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "volumes.yml"));
	CHECK(c.nvolumes == 2 && c.volumes[0].device == NULL);
	/* A relative device is resolved against the compose file's directory. */
	CHECK(!strcmp(c.volumes[1].device, abs_of(VALID "logs")));
	CHECK((s = svc("app")) != NULL);
	if (!s || s->nmounts != 9) {
		CHECK(!"9 mounts");
		return;
	}
	CHECK(mount_is(&s->mounts[0], COMPOSE_VOLUME, "data", "/data", 0));
	CHECK(mount_is(&s->mounts[1], COMPOSE_VOLUME, "data", "/data-ro", 1));
	CHECK(mount_is(&s->mounts[2], COMPOSE_BIND, abs_of(VALID "site"), "/var/www/site", 0));
	CHECK(mount_is(&s->mounts[3], COMPOSE_BIND, "/etc/localtime", "/etc/localtime", 1));
	CHECK(mount_is(&s->mounts[4], COMPOSE_BIND, abs_of("tests/compose/shared"), "/shared", 0));
	CHECK(mount_is(&s->mounts[5], COMPOSE_BIND, abs_of(VALID "labelled"), "/labelled", 0));
	CHECK(mount_is(&s->mounts[6], COMPOSE_VOLUME, "logs", "/var/log/app", 0));
	CHECK(mount_is(&s->mounts[7], COMPOSE_BIND, abs_of(VALID "conf"), "/etc/app", 1));
	CHECK(mount_is(&s->mounts[8], COMPOSE_VOLUME, "data", "/backup", 0));
	CHECK(s->mounts[6].line == 13);
	/* Paths, sources and targets, are cleaned lexically: trailing slashes,
	 * "..", up to the root. */
	CHECK(parse("services:\n  a:\n    image: a:1\n    volumes:\n      - ./site//:/x/\n"
		    "      - /..:/y\n      - ../../../../../../../../../../../..:/z\n"));
	CHECK((s = svc("a")) && s->nmounts == 3);
	if (s && s->nmounts == 3) {
		CHECK(mount_is(&s->mounts[0], COMPOSE_BIND, abs_of(VALID "site"), "/x", 0));
		CHECK(mount_is(&s->mounts[1], COMPOSE_BIND, "/", "/y", 0));
		CHECK(mount_is(&s->mounts[2], COMPOSE_BIND, "/", "/z", 0));
	}
}

static void networks(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "networks.yml"));
	/* Declared ones in order, then "default" for the service without networks. */
	CHECK(c.nnetworks == 3);
	CHECK(c.nnetworks == 3 && !strcmp(c.networks[0].name, "frontend") &&
	      !c.networks[0].subnet && !strcmp(c.networks[1].name, "backend") &&
	      !strcmp(c.networks[1].subnet, "172.28.0.0/16") &&
	      !strcmp(c.networks[1].gateway, "172.28.0.1") && !strcmp(c.networks[2].name, "default"));
	CHECK((s = svc("front")) != NULL);
	if (s)
		CHECK(s->nnetworks == 2 && !strcmp(s->networks[1].name, "backend") &&
		      s->networks[1].line == 8 && !s->networks[1].aliases[0]);
	CHECK((s = svc("db")) != NULL);
	if (s && s->nnetworks == 2) {
		CHECK(!strcmp(s->networks[0].name, "backend") && s->networks[0].line == 12);
		CHECK(argv_is(s->networks[0].aliases, "database", "mysql.local", NULL));
		CHECK(!strcmp(s->networks[0].ipv4_address, "172.28.0.10"));
		CHECK(!strcmp(s->networks[1].name, "frontend") && !s->networks[1].ipv4_address &&
		      !s->networks[1].aliases[0]);
	}
	CHECK((s = svc("lonely")) != NULL);
	if (s)
		CHECK(s->nnetworks == 1 && !strcmp(s->networks[0].name, "default") &&
		      s->networks[0].line == s->line && !s->networks[0].aliases[0]);
}

static void health(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "health.yml"));
	CHECK((s = svc("exec")) && s->health.kind == COMPOSE_HC_CMD &&
	      argv_is(s->health.test, "curl", "-fsS", "http://localhost/", NULL));
	CHECK(s && s->health.interval_ms == 90000 && s->health.timeout_ms == 500 &&
	      s->health.start_period_ms == 3600000 && s->health.retries == 3 && s->health.line == 5);
	CHECK((s = svc("shell")) && s->health.kind == COMPOSE_HC_SHELL &&
	      argv_is(s->health.test, "pg_isready -U postgres || exit 1", NULL));
	CHECK((s = svc("string")) && s->health.kind == COMPOSE_HC_SHELL &&
	      argv_is(s->health.test, "test -S /run/php.sock", NULL));
	CHECK((s = svc("none")) && s->health.kind == COMPOSE_HC_NONE);
	CHECK((s = svc("disabled")) && s->health.kind == COMPOSE_HC_NONE);
	CHECK((s = svc("timings")) && s->health.kind == COMPOSE_HC_INHERIT && !s->health.test &&
	      s->health.interval_ms == 10000 && s->health.retries == 0 && s->health.timeout_ms == -1);
	CHECK((s = svc("inherit")) && s->health.kind == COMPOSE_HC_INHERIT &&
	      s->health.timeout_ms == 1500);
	CHECK((s = svc("waiter")) && s->health.kind == COMPOSE_HC_UNSET && s->ndepends_on == 3);
	if (s && s->ndepends_on == 3) {
		CHECK(!strcmp(s->depends_on[0].service, "exec") &&
		      s->depends_on[0].condition == COMPOSE_HEALTHY);
		CHECK(s->depends_on[1].condition == COMPOSE_STARTED);
		CHECK(!strcmp(s->depends_on[2].service, "none") &&
		      s->depends_on[2].condition == COMPOSE_COMPLETED && s->depends_on[2].line == 43);
	}
	CHECK((s = svc("lister")) && s->ndepends_on == 2 &&
	      !strcmp(s->depends_on[1].service, "waiter") &&
	      s->depends_on[1].condition == COMPOSE_STARTED && s->depends_on[1].line == 49);
}

static void environment(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "env.yml"));
	/* UNDEFINED_VAR has defaults wherever it is used: no warning. */
	CHECK(c.nwarnings == 0 && !unset_seen[0]);
	CHECK((s = svc("mapped")) != NULL);
	if (s) {
		/* wordpress.env, then override.env (interpolated), then environment. */
		CHECK(s->nenvironment == 11);
		CHECK(!strcmp(s->environment[0].key, "WP_TITLE") && env_is(s, "WP_TITLE", "wil's site"));
		CHECK(!strcmp(s->environment[1].key, "DB_HOST") && env_is(s, "DB_HOST", "mariadb:3306"));
		CHECK(!strcmp(s->environment[2].key, "EXTRA") && env_is(s, "EXTRA", "wil-extra"));
		CHECK(s->environment[2].line == 8);
		/* YAML numbers and quoted booleans keep their text. */
		CHECK(env_is(s, "PORT", "8080") && env_is(s, "RATIO", "0.5") && env_is(s, "ENABLED", "true"));
		CHECK(env_is(s, "EMPTY", "") && env_is(s, "LOGIN", "wil"));
		/* Unset: dropped, and WP_LANG from the env_files with it. */
		CHECK(!env_of(s, "NOT_SET") && !env_of(s, "WP_LANG"));
		CHECK(env_is(s, "PRICE", "$5") && env_is(s, "DEFAULTED", "fallback"));
		CHECK(env_is(s, "NESTED", "wil"));
	}
	CHECK((s = svc("listed")) != NULL);
	if (s) {
		CHECK(s->nenvironment == 6);
		CHECK(env_is(s, "WP_TITLE", "From the env_file") && env_is(s, "WP_LANG", "en_US"));
		CHECK(!strcmp(s->environment[2].key, "DB_HOST") && env_is(s, "DB_HOST", "db:3306"));
		CHECK(s->environment[2].line == 25);
		CHECK(env_is(s, "EQUALS", "a=b=c") && env_is(s, "BLANK", "") && env_is(s, "LOGIN", "wil"));
		CHECK(!env_of(s, "NOT_SET"));
	}
}

static void command(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "command.yml"));
	CHECK((s = svc("split")) &&
	      argv_is(s->entrypoint, "/docker-entrypoint.sh", "--verbose", NULL) &&
	      argv_is(s->command, "sh", "-c", "echo \"$HOME\" && exec nginx -g \"daemon off;\"",
		      "two words", "back slash", NULL));
	CHECK((s = svc("split")) && s->entrypoint_line == 6 && s->command_line == 7);
	CHECK((s = svc("listed")) && argv_is(s->entrypoint, "/bin/tini", "--", NULL) &&
	      argv_is(s->command, "mariadbd", "--user=mysql", "--port=3306", "", NULL));
	/* Explicitly empty: not NULL (the image's), an empty list. */
	CHECK((s = svc("emptied")) && argv_is(s->entrypoint, NULL) && argv_is(s->command, NULL));
	/* In "...", a backslash escapes only " and itself (Python's shlex). */
	CHECK(parse("services:\n  a:\n    image: a:1\n"
		    "    command: 'echo \"a\\\"b\" \"c\\\\d\" \"e\\f\" g\\h'\n"));
	CHECK((s = svc("a")) && argv_is(s->command, "echo", "a\"b", "c\\d", "e\\f", "gh", NULL));
}

static void misc(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "misc.yml"));
	CHECK((s = svc("full")) != NULL);
	if (s) {
		CHECK(!strcmp(s->image, "registry.example:5000/team/full:1.2.3-rc_1"));
		CHECK(!strcmp(s->build_context, abs_of(VALID "requirements/site")));
		CHECK(!strcmp(s->build_dockerfile, abs_of(VALID "requirements/site/Dockerfile")));
		CHECK(s->nbuild_args == 3 && !strcmp(s->build_args[0].value, "1.2.3") &&
		      !strcmp(s->build_args[1].key, "DB_NAME") &&
		      !strcmp(s->build_args[1].value, "wordpress") && !s->build_args[2].value);
		CHECK(!strcmp(s->pull_policy, "never") && !strcmp(s->container_name, "full-container"));
		CHECK(!strcmp(s->hostname, "full.example") && !strcmp(s->restart, "on-failure:5"));
		CHECK(s->init && !strcmp(s->stop_signal, "SIGQUIT") && s->stop_grace_ms == 90000);
		CHECK(!strcmp(s->user, "1000:1000") && !strcmp(s->working_dir, "/srv/app"));
		CHECK(s->user_line == 19 && s->working_dir_line == 20);
	}
	/* working_dir is cleaned, as Docker cleans it. */
	CHECK(parse("services:\n  a:\n    image: a:1\n    working_dir: /srv//app/./x/../\n"));
	CHECK((s = svc("a")) && !strcmp(s->working_dir, "/srv/app"));
	CHECK(load(VALID "misc.yml") && (s = svc("full")) != NULL);
	if (s) {
		CHECK(s->mem_limit == 256LL << 20 && s->cpus == 0.25 && s->pids_limit == 100);
		CHECK(s->ndepends_on == 1 && !strcmp(s->depends_on[0].service, "other"));
	}
	CHECK((s = svc("other")) != NULL);
	if (s) {
		CHECK(!strcmp(s->restart, "no") && !strcmp(s->stop_signal, "9"));
		CHECK(s->pids_limit == 0 && s->mem_limit == 1LL << 30 && s->cpus == 0);
		CHECK(!strcmp(s->build_context, abs_of("tests/compose/valid")));
		CHECK(!strcmp(s->build_dockerfile, abs_of(VALID "Dockerfile")));
	}
}

/* cap_add, cap_drop, userns_mode, and confinement keys that change
 * nothing (confine.yml, which docker-compose 1.29 accepts too). */
static void confine(void)
{
	const struct compose_service *s;

	CHECK(load(VALID "confine.yml"));
	CHECK((s = svc("tuned")) != NULL);
	if (s) {
		/* Plan names, each once, in file order. */
		CHECK(argv_is(s->cap_drop, "ALL", NULL));
		CHECK(argv_is(s->cap_add, "NET_BIND_SERVICE", "SYS_PTRACE", "CHOWN", NULL));
		CHECK(s->userns_host == 1);
	}
	CHECK((s = svc("everything")) != NULL);
	if (s) {
		CHECK(argv_is(s->cap_add, "ALL", NULL) && argv_is(s->cap_drop, "SYS_ADMIN", "SYS_MODULE", NULL));
		CHECK(s->userns_host == 0);
	}
	CHECK(parse("services:\n  a:\n    image: a:1\n"));
	CHECK((s = svc("a")) && !s->cap_add && !s->cap_drop && !s->userns_host);
}

/* Valid for the Compose specification and for hostd; docker-compose 1.29
 * rejects them (validate.sh checks that it still does). */
static void spec_only(void)
{
	const struct compose_service *s;

	CHECK(load("tests/compose/spec-only/name.yml") && !strcmp(c.name, "inception"));
	CHECK(load("tests/compose/spec-only/deploy_pids.yml") && (s = svc("web")) &&
	      s->pids_limit == 100);
	CHECK(load("tests/compose/spec-only/depends_required.yml") && (s = svc("web")) &&
	      s->ndepends_on == 1 && s->depends_on[0].condition == COMPOSE_STARTED);
	CHECK(load("tests/compose/spec-only/depends_restart.yml") && (s = svc("web")) &&
	      s->depends_on[0].condition == COMPOSE_HEALTHY);
	CHECK(load("tests/compose/spec-only/port_host_ip.yml") && (s = svc("web")) &&
	      port_is(port(s, 0), "127.0.0.1", 8443, 443, 0));
	CHECK(load("tests/compose/spec-only/env_file_long.yml") && (s = svc("web")) &&
	      s->nenvironment == 3 && env_is(s, "WP_LANG", "en_US"));
	CHECK(load("tests/compose/spec-only/pull_missing.yml") && (s = svc("web")) &&
	      !strcmp(s->pull_policy, "missing"));
	CHECK(load("tests/compose/spec-only/restart_no.yml") && (s = svc("web")) &&
	      !strcmp(s->restart, "no"));
	CHECK(load("tests/compose/spec-only/env_bool.yml") && (s = svc("web")) &&
	      env_is(s, "DEBUG", "true"));
	CHECK(load("tests/compose/spec-only/command_null.yml") && (s = svc("web")) && !s->command);
	CHECK(load("tests/compose/spec-only/interpolation_alt.yml") && (s = svc("web")) &&
	      env_is(s, "TLS", "on"));
	CHECK(load("tests/compose/spec-only/health_inherit.yml") && (s = svc("web")) &&
	      s->health.kind == COMPOSE_HC_INHERIT && s->health.interval_ms == 5000);
}

static void merges(void)
{
	const struct compose_service *s;

	/* Own keys win; among "<<: [*a, *b]" the earlier source wins; a
	 * merged mapping may merge in turn; merges work in any mapping. */
	CHECK(parse("x-a: &a {image: a:1, restart: always, user: a}\n"
		    "x-b: &b {image: b:1, user: b, working_dir: /b}\n"
		    "x-c: &c\n  <<: *a\n  user: c\n"
		    "x-env: &env {A: '1', B: '2'}\n"
		    "services:\n"
		    "  one:\n    <<: [*a, *b]\n    user: own\n"
		    "  two:\n    <<: *c\n    environment:\n      <<: *env\n      B: three\n"
		    "  three:\n    user: first\n    <<: *b\n"));
	CHECK((s = svc("one")) && !strcmp(s->image, "a:1") && !strcmp(s->user, "own") &&
	      !strcmp(s->working_dir, "/b") && !strcmp(s->restart, "always"));
	CHECK((s = svc("two")) && !strcmp(s->image, "a:1") && !strcmp(s->user, "c") &&
	      s->nenvironment == 2 && env_is(s, "A", "1") && env_is(s, "B", "three"));
	CHECK((s = svc("three")) && !strcmp(s->user, "first") && !strcmp(s->image, "b:1"));
	/* An alias of a whole service; x- keys anywhere are ignored. */
	CHECK(parse("services:\n  a: &svc\n    image: a:1\n    x-note: [any, thing]\n  b: *svc\n"));
	CHECK(c.nservices == 2 && !strcmp(c.services[1].image, "a:1"));
	CHECK(fails_with("services:\n  w: &w\n    image: a:1\n    <<: *w\n",
			 T "2: services.w: merge keys nested too deeply"));
	CHECK(fails_with("services:\n  web:\n    <<: 1\n    image: a:1\n",
			 T "3: services.web: a merge key (<<) takes a mapping or a list of mappings"));
	CHECK(fails_with("services:\n  web:\n    <<: [1]\n    image: a:1\n",
			 T "3: services.web: a merge key (<<) takes a mapping or a list of mappings"));
	/* Aliases of aliases, ten at each of seven levels: ten million keys to
	 * merge (tests/fuzz ran out of memory), refused after 10000. */
	{
		static char yaml[2048];
		size_t n = (size_t)snprintf(yaml, sizeof(yaml), "x-l0: &l0 {a: 1}\n");

		for (int i = 1; i < 8; i++) {
			n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "x-l%d: &l%d\n  <<: [", i, i);
			for (int k = 0; k < 10; k++)
				n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%s*l%d", k ? ", " : "",
						      i - 1);
			n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "]\n");
		}
		snprintf(yaml + n, sizeof(yaml) - n, "services:\n  web:\n    image: a:1\n    <<: *l7\n");
		CHECK(fails_with(yaml, T "18: services.web: merge keys (<<) expand to more than 10000 keys"));
	}
}

static void interpolation(void)
{
	static const char bare[] = "services:\n  a:\n    image: a:${T:-2}\n    environment: [X]\n";
	const struct compose_service *s;

	/* Keys are not interpolated, values are; an unset variable is blank
	 * and warns once, at its first use, and the caller is told. */
	CHECK(parse("services:\n  web:\n    image: web:${TAG:-1.0}\n    environment:\n"
		    "      ${KEY}: $LOGIN\n      A: ${NOPE}x\n      B: ${NOPE}y\n"
		    "    working_dir: /${NEITHER}srv\n"));
	CHECK((s = svc("web")) && !strcmp(s->image, "web:1.0") && env_is(s, "${KEY}", "wil") &&
	      env_is(s, "A", "x") && env_is(s, "B", "y") && !strcmp(s->working_dir, "/srv"));
	CHECK(c.nwarnings == 2);
	CHECK(c.nwarnings == 2 && !strcmp(c.warnings[0], T "6: The NOPE variable is not set. "
					  "Defaulting to a blank string."));
	CHECK(c.nwarnings == 2 && !strcmp(c.warnings[1], T "8: The NEITHER variable is not set. "
					  "Defaulting to a blank string."));
	/* The caller hears of each use (environment is read last). */
	CHECK(!strcmp(unset_seen, "NEITHER,NOPE,NOPE,"));
	/* Without any env lookup: everything unset. */
	compose_free(&c);
	CHECK(compose_parse(&c, "t.yml", bare, strlen(bare), NULL, err, sizeof(err)) == 0);
	CHECK(c.nservices == 1 && !strcmp(c.services[0].image, "a:2") && c.services[0].nenvironment == 0);
	CHECK(fails_with("services:\n  web:\n    image: ${TAG:?give a tag}\n",
			 T "3: services.web.image: required variable TAG is missing a value: give a tag"));
	CHECK(fails_with("services:\n  web:\n    image: \"a:${\"\n",
			 T "3: services.web.image: Invalid template: \"a:${\""));
}

static void file_errors(void)
{
	static const char one[] = "services: {a: {image: 'a:1'}}";
	char want[PATH_MAX + 512], why[512];
	struct envfile ef;

	compose_free(&c);
	CHECK(compose_load(&c, "tests/compose/none.yml", &env, err, sizeof(err)) < 0);
	CHECK(!strcmp(err, "tests/compose/none.yml: cannot read: No such file or directory"));
	CHECK(compose_load(&c, "tests/compose", &env, err, sizeof(err)) < 0);
	CHECK(!strcmp(err, "tests/compose: cannot read: Is a directory"));
	CHECK(c.mem.head == NULL);
	compose_free(&c);
	compose_free(&c);

	snprintf(want, sizeof(want), T "4: services.web.env_file: %s: No such file or directory",
		 abs_of(VALID "missing.env"));
	CHECK(fails_with("services:\n  web:\n    image: a:1\n    env_file: missing.env\n", want));
	/* The env file's own error, as envfile_parse words it. */
	CHECK(envfile_parse(&ef, abs_of("tests/compose/bad.env"), "OK=1\nNOEQUALS\n", 13, NULL, why,
			    sizeof(why)) < 0);
	snprintf(want, sizeof(want), T "4: services.web.env_file: %s", why);
	CHECK(fails_with("services:\n  web:\n    image: a:1\n    env_file: [../bad.env]\n", want));
	/* An optional env file may be missing. */
	CHECK(parse("services:\n  web:\n    image: a:1\n    env_file:\n"
		    "      - {path: missing.env, required: false}\n"));
	compose_free(&c);
	CHECK(compose_parse(&c, "/tmp/!!/t.yml", one, strlen(one), &env, err,
			    sizeof(err)) < 0);
	CHECK(!strcmp(err, "/tmp/!!/t.yml:1: no project name can be made of the directory '/tmp/!!': "
		      "add a top-level name"));
	CHECK(compose_parse(&c, "/t.yml", one, strlen(one), &env, err,
			    sizeof(err)) < 0);
	CHECK(!strcmp(err, "/t.yml:1: no project name can be made of the directory '/': add a "
		      "top-level name"));
	CHECK(compose_parse(&c, "/srv/My Stack!/t.yml", one, strlen(one), &env,
			    err, sizeof(err)) == 0);
	CHECK(!strcmp(c.name, "mystack") && !strcmp(c.dir, "/srv/My Stack!"));
	compose_free(&c);
}

struct bad {
	const char *yaml, *msg;
};

#define SVC "services:\n  web:\n    image: a:1\n"
#define SVC2 "services:\n  web:\n    image: a:1\n  db:\n    image: b:1\n"

static const struct bad bad[] = {
	/* The document and its mappings. */
	{ "", T "1: empty file: no services" },
	{ "# nothing\n", T "1: empty file: no services" },
	{ "x: [\n", T "2: while parsing a flow node, did not find expected node content" },
	{ SVC "---\nfoo: 1\n", T "4: a second YAML document: a compose file is one document" },
	{ SVC "---\n[\n", T "6: did not find expected node content" },
	{ "- a\n", T "1: the top level: expected a mapping, not a list" },
	{ "? [a]\n: 1\n", T "1: the top level: a key must be a string, not a list" },
	{ "\"a\\0b\": 1\n", T "1: the top level: a key holds a NUL character" },
	{ SVC "    image: b:1\n", T "4: services.web: duplicate key 'image'" },
	{ "configs: {}\n", T "1: unsupported top-level key 'configs'" },
	{ "version: [3]\n" SVC, T "1: version: expected a string, not a list" },
	{ "name: Web\n" SVC, T "1: name: 'Web': a project name is lower-case letters, digits, '_' "
	  "and '-', starting with a letter or digit" },
	{ "name: -web\n" SVC, T "1: name: '-web': a project name is lower-case letters, digits, '_' "
	  "and '-', starting with a letter or digit" },
	{ "volumes: {}\n", T "1: services: the file defines no service" },
	{ "services:\n", T "1: services: the file defines no service" },
	{ "services: {}\n", T "1: services: the file defines no service" },
	{ "services: [a]\n", T "1: services: expected a mapping, not a list" },
	{ "services:\n  web: 1\n", T "2: services.web: expected a mapping, not a scalar" },
	{ "services:\n  \"we b\":\n    image: a:1\n", T "2: services.we b: bad service name "
	  "(letters, digits, '.', '_', '-')" },
	{ "services:\n  web:\n    user: x\n", T "2: services.web: no image: name the image name:tag "
	  "(the Inception rules want the service's name and a tag other than latest)" },
	{ SVC "    labels: [a]\n", T "4: services.web: unsupported key 'labels'" },
	{ SVC "    image: [a]\n", T "4: services.web: duplicate key 'image'" },
	{ "services:\n  web:\n    image: [a]\n", T "3: services.web.image: expected a string, not a list" },
	{ "services:\n  web:\n    image: \"a:1\\0\"\n", T "3: services.web.image: the value holds a "
	  "NUL character" },

	/* image */
	{ "services:\n  web:\n    image: nginx\n", T "3: services.web.image: 'nginx': no tag, which "
	  "means latest: name the image name:tag (the Inception rules forbid the latest tag)" },
	{ "services:\n  web:\n    image: reg:5000/nginx\n", T "3: services.web.image: 'reg:5000/nginx': "
	  "no tag, which means latest: name the image name:tag (the Inception rules forbid the "
	  "latest tag)" },
	{ "services:\n  web:\n    image: nginx:latest\n", T "3: services.web.image: 'nginx:latest': "
	  "the Inception rules forbid the latest tag" },
	{ "services:\n  web:\n    image: \"\"\n", T "3: services.web.image: '': empty image name" },
	{ "services:\n  web:\n    image: nginx@sha256:abc\n", T "3: services.web.image: "
	  "'nginx@sha256:abc': image digests are not supported: name the image name:tag" },
	{ "services:\n  web:\n    image: \"nginx:\"\n", T "3: services.web.image: 'nginx:': bad tag "
	  "(letters, digits, '_', '.', '-'; at most 128)" },
	{ "services:\n  web:\n    image: nginx:-1\n", T "3: services.web.image: 'nginx:-1': bad tag "
	  "(letters, digits, '_', '.', '-'; at most 128)" },
	{ "services:\n  web:\n    image: Nginx:1\n", T "3: services.web.image: 'Nginx:1': bad image "
	  "name (lower-case letters, digits, '.', '_', '-', '/')" },
	/* Whatever the YAML holds, the message is one line. */
	{ "services:\n  web:\n    image: \"a:1\\nb\"\n", T "3: services.web.image: 'a:1 b': bad tag "
	  "(letters, digits, '_', '.', '-'; at most 128)" },
	{ "services:\n  web:\n    image: a//b:1\n", T "3: services.web.image: 'a//b:1': bad image "
	  "name" },
	{ "services:\n  web:\n    image: \":1\"\n", T "3: services.web.image: ':1': bad image name" },

	/* Simple keys. */
	{ SVC "    build: {context: ., target: prod}\n", T "4: services.web.build: unsupported key "
	  "'target'" },
	{ SVC "    build: \"\"\n", T "4: services.web.build: empty path" },
	{ SVC "    build: ~/src\n", T "4: services.web.build: '~/src': ~ paths are not supported: "
	  "write the path relative to the compose file or absolute" },
	{ SVC "    build: {dockerfile: \"\"}\n", T "4: services.web.build.dockerfile: empty path" },
	{ SVC "    build: {args: [A=1, A=2]}\n", T "4: services.web.build.args: 'A' is set twice" },
	{ SVC "    pull_policy: daily\n", T "4: services.web.pull_policy: 'daily': expected always, "
	  "never, missing, build or if_not_present" },
	{ SVC "    container_name: a\n", T "4: services.web.container_name: 'a': expected "
	  "[a-zA-Z0-9][a-zA-Z0-9_.-]+" },
	{ SVC "    container_name: _ab\n", T "4: services.web.container_name: '_ab': expected "
	  "[a-zA-Z0-9][a-zA-Z0-9_.-]+" },
	{ SVC "    hostname: a_b\n", T "4: services.web.hostname: 'a_b' is not a valid host name "
	  "(RFC 1123)" },
	{ SVC "    hostname: a1234567890123456789012345678901234567890123456789012345678901234\n",
	  T "4: services.web.hostname: 'a1234567890123456789012345678901234567890123456789012345678901234' "
	  "is not a valid host name (RFC 1123)" },
	{ SVC "    hostname: a-.b\n", T "4: services.web.hostname: 'a-.b' is not a valid host name "
	  "(RFC 1123)" },
	{ SVC "    restart: sometimes\n", T "4: services.web.restart: 'sometimes': expected no, "
	  "always, on-failure[:N] or unless-stopped" },
	{ SVC "    restart: on-failure:-1\n", T "4: services.web.restart: 'on-failure:-1': expected "
	  "no, always, on-failure[:N] or unless-stopped" },
	{ SVC "    stop_signal: SIGNOPE\n", T "4: services.web.stop_signal: 'SIGNOPE' is not a signal" },
	{ SVC "    stop_signal: 65\n", T "4: services.web.stop_signal: '65' is not a signal" },
	{ SVC "    stop_grace_period: 10\n", T "4: services.web.stop_grace_period: '10' is not a "
	  "duration (e.g. 1m30s, 10s, 500ms)" },
	{ SVC "    user: \"\"\n", T "4: services.web.user: empty user" },
	{ SVC "    working_dir: srv\n", T "4: services.web.working_dir: 'srv' is not an absolute path" },
	{ SVC "    init: yes\n", T "4: services.web.init: expected true or false, not 'yes'" },
	{ SVC "    network_mode: host\n", T "4: services.web: network_mode: host is refused: the "
	  "Inception rules forbid host networking (use a bridge network)" },
	{ SVC "    network_mode: none\n", T "4: services.web: network_mode is not supported (use "
	  "networks)" },
	{ SVC2 "    links: [web]\n", T "6: services.db: links are refused: the Inception rules "
	  "forbid links (services reach each other by name on their network)" },

	/* Confinement: what hostd takes, and what it refuses with the reason. */
	{ SVC "    cap_add: NET_ADMIN\n", T "4: services.web.cap_add: expected a list, not a scalar" },
	{ SVC "    cap_drop:\n      - CHOWN\n      - CAP_ALL\n", T "6: services.web.cap_drop: "
	  "'CAP_ALL' is not a capability (capabilities(7): NET_ADMIN or CAP_NET_ADMIN, any case, "
	  "or ALL)" },
	{ SVC "    cap_add: [CAP_NET_ADMINS]\n", T "4: services.web.cap_add: 'CAP_NET_ADMINS' is not a "
	  "capability (capabilities(7): NET_ADMIN or CAP_NET_ADMIN, any case, or ALL)" },
	{ SVC "    cap_add: [\"NET_ADMIN\\nvolume /:/hostroot\"]\n", T "4: services.web.cap_add: "
	  "'NET_ADMIN volume /:/hostroot' is not a capability (capabilities(7): NET_ADMIN or "
	  "CAP_NET_ADMIN, any case, or ALL)" },
	{ SVC "    userns_mode: \"remap\"\n", T "4: services.web.userns_mode: 'remap': only host is "
	  "supported (the service then runs without a user namespace of its own)" },
	{ SVC "    privileged: true\n", T "4: services.web: privileged: true is refused: it would "
	  "give the container every capability and device of the VM (name the capability it "
	  "needs in cap_add)" },
	{ SVC "    devices: [\"/dev/kvm:/dev/kvm\"]\n", T "4: services.web: devices are refused: a "
	  "container gets none of the VM's devices" },
	{ SVC "    sysctls: {net.core.somaxconn: 1024}\n", T "4: services.web: sysctls are refused: "
	  "hostd sets no kernel parameter for a container" },
	{ SVC "    sysctls: [net.ipv4.ip_forward=1]\n", T "4: services.web: sysctls are refused: "
	  "hostd sets no kernel parameter for a container" },
	{ SVC "    security_opt: [\"seccomp=unconfined\"]\n", T "4: services.web.security_opt: "
	  "'seccomp=unconfined' is refused: every container runs with hostd's seccomp filter and "
	  "no_new_privs, which cannot be changed (no-new-privileges alone is accepted: it is "
	  "always on)" },
	{ SVC "    security_opt:\n      - no-new-privileges\n      - no-new-privileges:false\n",
	  T "6: services.web.security_opt: 'no-new-privileges:false' is refused: every container "
	  "runs with hostd's seccomp filter and no_new_privs, which cannot be changed "
	  "(no-new-privileges alone is accepted: it is always on)" },
	{ SVC "    pid: host\n", T "4: services.web: pid: host is refused: the container would see "
	  "and signal the VM's processes, hostd's among them" },
	{ SVC2 "    pid: \"service:web\"\n", T "6: services.db: pid: 'service:web' is not supported "
	  "(each container has a process namespace of its own)" },
	{ SVC "    ipc: host\n", T "4: services.web: ipc: host is refused: the container would share "
	  "the VM's System V IPC and POSIX message queues" },
	{ SVC "    ipc: \"container:x\"\n", T "4: services.web: ipc: 'container:x' is not supported "
	  "(each container has an IPC namespace of its own)" },
	{ SVC "    cgroup_parent: machine.slice\n", T "4: services.web: cgroup_parent is refused: "
	  "hostd puts each container in a cgroup of its own under hostd's (limit it with "
	  "mem_limit, cpus and pids_limit)" },

	/* Resources. */
	{ SVC "    mem_limit: lots\n", T "4: services.web.mem_limit: 'lots' is not a byte value "
	  "(e.g. 512m, 1g)" },
	{ SVC "    cpus: -1\n", T "4: services.web.cpus: '-1' is not a number of CPUs (e.g. 0.5)" },
	{ SVC "    cpus: half\n", T "4: services.web.cpus: 'half' is not a number of CPUs (e.g. 0.5)" },
	{ SVC "    cpus: 1e300\n", T "4: services.web.cpus: 1e300 CPUs is more than cgroup cpu.max "
	  "takes" },
	{ SVC "    deploy: {resources: {limits: {cpus: '175921861'}}}\n", T "4: services.web.deploy."
	  "resources.limits.cpus: 175921861 CPUs is more than cgroup cpu.max takes" },
	{ SVC "    pids_limit: -2\n", T "4: services.web.pids_limit: -2 is out of range (-1 to "
	  "2147483647)" },
	{ SVC "    pids_limit: many\n", T "4: services.web.pids_limit: expected an integer, not "
	  "'many'" },
	{ SVC "    deploy: {replicas: 2}\n", T "4: services.web.deploy: unsupported key 'replicas' "
	  "(only resources.limits is supported)" },
	{ SVC "    deploy: {resources: {reservations: {}}}\n", T "4: services.web.deploy.resources: "
	  "unsupported key 'reservations' (only limits is supported)" },
	{ SVC "    deploy: {resources: {limits: {devices: []}}}\n", T "4: services.web.deploy."
	  "resources.limits: unsupported key 'devices'" },
	{ SVC "    mem_limit: 1g\n    deploy: {resources: {limits: {memory: 2g}}}\n",
	  T "5: services.web: mem_limit and deploy.resources.limits.memory disagree" },
	{ SVC "    cpus: 1\n    deploy: {resources: {limits: {cpus: '2'}}}\n",
	  T "5: services.web: cpus and deploy.resources.limits.cpus disagree" },
	{ SVC "    pids_limit: 10\n    deploy: {resources: {limits: {pids: 20}}}\n",
	  T "5: services.web: pids_limit and deploy.resources.limits.pids disagree" },

	/* command, environment, env_file */
	{ SVC "    command: echo 'unterminated\n", T "4: services.web.command: no closing quotation "
	  "in \"echo 'unterminated\"" },
	{ SVC "    entrypoint: \"echo \\\\\"\n", T "4: services.web.entrypoint: no escaped character "
	  "after the final backslash in \"echo \\\"" },
	{ SVC "    command: [a, [b]]\n", T "4: services.web.command: expected a string, not a list" },
	{ SVC "    environment: A=1\n", T "4: services.web.environment: expected a mapping or a list "
	  "of KEY=VALUE, not a scalar" },
	{ SVC "    environment: [A=1, A=2]\n", T "4: services.web.environment: 'A' is set twice" },
	{ SVC "    environment: [=1]\n", T "4: services.web.environment: empty variable name" },
	{ SVC "    environment: {\"\": 1}\n", T "4: services.web.environment: empty variable name" },
	{ SVC "    environment: {A: [1]}\n", T "4: services.web.environment.A: expected a string, not "
	  "a list" },
	{ SVC "    env_file: [{required: false}]\n", T "4: services.web.env_file: the path is missing" },
	{ SVC "    env_file: [{path: a.env, format: raw}]\n", T "4: services.web.env_file: "
	  "unsupported key 'format'" },
	{ SVC "    env_file: \"\"\n", T "4: services.web.env_file: empty path" },

	/* ports and expose */
	{ SVC "    ports: \"80:80\"\n", T "4: services.web.ports: expected a list, not a scalar" },
	{ SVC "    ports: [\"8000-8001:80\"]\n", T "4: services.web.ports: '8000-8001:80': the host "
	  "range has 2 ports and the container range 1 (hostd publishes ranges port by port; it does "
	  "not pick random host ports)" },
	{ SVC "    ports: [\"21010-21000:21010-21000\"]\n", T "4: services.web.ports: "
	  "'21010-21000:21010-21000': the range 21010-21000 ends before it starts" },
	{ SVC "    ports: [\"1-100:1-100\"]\n", T "4: services.web.ports: '1-100:1-100': a range may "
	  "hold at most 32 ports, not 100" },
	{ SVC "    ports: [\"65535:65534-65535\"]\n", T "4: services.web.ports: '65535:65534-65535': "
	  "the host range has 1 ports and the container range 2 (hostd publishes ranges port by "
	  "port; it does not pick random host ports)" },
	{ SVC "    ports: [\"21000-21001:21000-21001\", \"21001:80\"]\n", T "4: services.web.ports: "
	  "host port 21001/tcp is published twice" },
	{ SVC "    ports: [\"80:80-\"]\n", T "4: services.web.ports: '80:80-': '' is not a port (1 to "
	  "65535)" },
	{ SVC "    ports: [\"70000:80\"]\n", T "4: services.web.ports: '70000:80': '70000' is not a "
	  "port (1 to 65535)" },
	{ SVC "    ports: [\"80:0\"]\n", T "4: services.web.ports: '80:0': '0' is not a port (1 to "
	  "65535)" },
	{ SVC "    ports: [\"80:80/sctp\"]\n", T "4: services.web.ports: '80:80/sctp': protocol 'sctp' "
	  "is not supported (tcp or udp)" },
	{ SVC "    ports: [\"localhost:80:80\"]\n", T "4: services.web.ports: 'localhost:80:80': the host "
	  "address 'localhost' is not an IPv4 address" },
	{ SVC "    ports:\n      - 21:21\n", T "5: services.web.ports: quote \"21:21\": YAML 1.1 "
	  "(docker-compose v1) reads it as a base-60 number" },
	{ SVC "    ports: [\"[::1]:80:80\"]\n", T "4: services.web.ports: '[::1]:80:80': IPv6 host "
	  "addresses are not supported" },
	{ SVC "    ports: [\"::1:80:80\"]\n", T "4: services.web.ports: '::1:80:80': IPv6 host "
	  "addresses are not supported" },
	{ SVC "    ports: [\"127.0.0.1::80\"]\n", T "4: services.web.ports: '127.0.0.1::80': give the "
	  "host port (hostd does not pick random host ports)" },
	{ SVC "    ports: [{target: 80, mode: global}]\n", T "4: services.web.ports.mode: 'global': "
	  "expected host or ingress" },
	{ SVC "    ports: [{published: 80}]\n", T "4: services.web.ports: the target port is missing" },
	{ SVC "    ports: [{target: 80, name: web}]\n", T "4: services.web.ports: unsupported key 'name'" },
	{ SVC "    ports: [{target: \"1-2\", published: 8}]\n", T "4: services.web.ports.target: '1-2': "
	  "port ranges are not supported" },
	{ SVC "    ports: [{target: 80, published: 8, host_ip: \"::\"}]\n", T "4: services.web.ports."
	  "host_ip: '::': the host address '::' is not an IPv4 address" },
	{ SVC "    ports: [{target: 80, protocol: sctp}]\n", T "4: services.web.ports.protocol: 'sctp': "
	  "protocol 'sctp' is not supported (tcp or udp)" },
	{ SVC "    ports: [\"80:80\", \"0.0.0.0:80:80/tcp\"]\n", T "4: services.web.ports: host port "
	  "80/tcp is published twice" },
	{ SVC "    ports: [\"127.0.0.1:80:80\", \"80:81\"]\n", T "4: services.web.ports: host port "
	  "80/tcp is published twice" },
	{ SVC "    ports: [\"9000\", {target: 9000}]\n", T "4: services.web.ports: port 9000 is listed "
	  "twice" },
	{ SVC2 "    ports: [\"127.0.0.1:80:81\"]\n    expose: [1]\n" "  x:\n    image: c:1\n"
	  "    ports: [\"80:80\"]\n", T "10: services.x.ports: host port 80/tcp is already published "
	  "by service db (line 6)" },
	{ SVC "    expose: 80\n", T "4: services.web.expose: expected a list, not a scalar" },
	{ SVC "    expose: [\"53/udp\"]\n", T "4: services.web.expose: '53/udp': only tcp ports can be "
	  "exposed" },
	{ SVC "    expose: [\"80-81\"]\n", T "4: services.web.expose: '80-81': port ranges are not "
	  "supported" },

	/* volumes */
	{ SVC "    volumes: /data\n", T "4: services.web.volumes: expected a list, not a scalar" },
	{ SVC "    volumes: [\"a:/b:ro:x\"]\n", T "4: services.web.volumes: 'a:/b:ro:x': expected "
	  "SOURCE:TARGET[:MODE]" },
	{ SVC "    volumes: [/data]\n", T "4: services.web.volumes: '/data': anonymous volumes are not "
	  "supported: name the volume (NAME:/data) and declare it under the top-level volumes" },
	{ SVC "    volumes: [\"./d:/d:nocopy\"]\n", T "4: services.web.volumes: './d:/d:nocopy': "
	  "unsupported mount option 'nocopy' (ro or rw)" },
	{ SVC "    volumes: [\"~/d:/d\"]\n", T "4: services.web.volumes: '~/d': ~ paths are not "
	  "supported: write the path relative to the compose file or absolute" },
	{ SVC "    volumes: [\"./d:d\"]\n", T "4: services.web.volumes: the target 'd' is not an "
	  "absolute path" },
	{ SVC "    volumes: [\"data:/d\"]\n", T "4: services.web.volumes: undefined volume 'data' "
	  "(declare it under the top-level volumes)" },
	{ SVC "    volumes: [\"./a:/d\", \"./b:/d:ro\"]\n", T "4: services.web.volumes: two mounts on "
	  "/d" },
	{ SVC "    volumes: [{type: tmpfs, target: /t}]\n", T "4: services.web.volumes.type: 'tmpfs': "
	  "only volume and bind mounts are supported" },
	{ SVC "    volumes: [{source: ./a, target: /t}]\n", T "4: services.web.volumes: the type is "
	  "missing (volume or bind)" },
	{ SVC "    volumes: [{type: bind, source: ./a}]\n", T "4: services.web.volumes: the target is "
	  "missing" },
	{ SVC "    volumes: [{type: volume, target: /t}]\n", T "4: services.web.volumes: anonymous "
	  "volumes are not supported: give the volume's name as source" },
	{ SVC "    volumes: [{type: bind, target: /t}]\n", T "4: services.web.volumes: the source is "
	  "missing" },
	{ SVC "    volumes: [{type: bind, source: ., target: /t, bind: {propagation: shared}}]\n",
	  T "4: services.web.volumes: unsupported key 'bind'" },
	{ SVC "    volumes: [{type: bind, source: ., target: /t, read_only: 1}]\n",
	  T "4: services.web.volumes.read_only: expected true or false, not '1'" },

	/* secrets */
	{ SVC "    secrets: pw\n", T "4: services.web.secrets: expected a list, not a scalar" },
	{ SVC "    secrets: [pw]\n", T "4: services.web.secrets: undefined secret 'pw' (declare it "
	  "under the top-level secrets)" },
	{ SVC "    secrets: [{target: pw}]\n", T "4: services.web.secrets: the source is missing" },
	{ SVC "    secrets: [{source: pw, uid: '103'}]\n", T "4: services.web.secrets: uid is not "
	  "supported: a secret is mounted with its default owner and mode (Docker Compose ignores "
	  "uid, gid and mode for file secrets too)" },
	{ SVC "    secrets: [{source: pw, mode: 0440}]\n", T "4: services.web.secrets: mode is not "
	  "supported: a secret is mounted with its default owner and mode (Docker Compose ignores "
	  "uid, gid and mode for file secrets too)" },
	{ SVC "    secrets: [{source: pw, name: x}]\n", T "4: services.web.secrets: unsupported key "
	  "'name'" },
	{ SVC "    secrets: [{source: pw, target: a/b}]\nsecrets: {pw: {file: ./pw}}\n",
	  T "4: services.web.secrets: target 'a/b': a secret is a file directly under /run/secrets" },
	{ SVC "    secrets: [{source: pw, target: /etc/pw}]\nsecrets: {pw: {file: ./pw}}\n",
	  T "4: services.web.secrets: target '/etc/pw': a secret is a file directly under "
	  "/run/secrets" },
	{ SVC "    secrets: [pw, {source: pw, target: /run/secrets/pw}]\nsecrets: {pw: {file: ./pw}}\n",
	  T "4: services.web.secrets: two secrets at /run/secrets/pw" },
	{ "secrets:\n  \"p w\": {file: ./pw}\n" SVC, T "2: secrets.p w: bad secret name (letters, "
	  "digits, '.', '_', '-')" },
	{ "secrets:\n  pw:\n    environment: PW\n" SVC, T "3: secrets.pw: secrets from the "
	  "environment are not supported: give the secret a file" },
	{ "secrets:\n  pw:\n    external: true\n" SVC, T "3: secrets.pw: external secrets are not "
	  "supported: give the secret a file" },
	{ "secrets:\n  pw:\n    file: ./pw\n    name: x\n" SVC, T "4: secrets.pw: unsupported key "
	  "'name'" },
	{ "secrets:\n  pw: {}\n" SVC, T "2: secrets.pw: the file is missing (a secret is a file)" },
	{ "secrets:\n  pw:\n" SVC, T "2: secrets.pw: expected a mapping, not a scalar" },

	/* Top-level volumes. */
	{ "volumes:\n  \"a b\":\n" SVC, T "2: volumes.a b: bad volume name (letters, digits, '.', "
	  "'_', '-')" },
	{ "volumes:\n  v:\n    driver: nfs\n" SVC, T "3: volumes.v.driver: 'nfs': only the local "
	  "driver is supported" },
	{ "volumes:\n  v:\n    external: true\n" SVC, T "3: volumes.v: external volumes are not "
	  "supported: the appliance creates every volume it mounts" },
	{ "volumes:\n  v:\n    name: x\n" SVC, T "3: volumes.v: unsupported key 'name'" },
	{ "volumes:\n  v:\n    driver_opts: {type: none, o: bind, device: /d, size: 1}\n" SVC,
	  T "3: volumes.v.driver_opts: unsupported option 'size' (only type: none, o: bind, device: "
	  "DIR)" },
	{ "volumes:\n  v:\n    driver_opts: {type: nfs, o: addr=1, device: \":/x\"}\n" SVC,
	  T "3: volumes.v.driver_opts: only a bind-backed volume is supported (type: none, o: bind, "
	  "device: DIR)" },
	{ "volumes:\n  v:\n    driver_opts: {type: none, o: bind}\n" SVC,
	  T "3: volumes.v.driver_opts: only a bind-backed volume is supported (type: none, o: bind, "
	  "device: DIR)" },
	{ "volumes:\n  v:\n    driver_opts: {type: none, o: bind, device: \"\"}\n" SVC,
	  T "3: volumes.v.driver_opts.device: empty path" },

	/* Top-level networks and a service's. */
	{ "networks:\n  \"a b\":\n" SVC, T "2: networks.a b: bad network name (letters, digits, '.', "
	  "'_', '-')" },
	{ "networks:\n  n:\n    driver: host\n" SVC, T "3: networks.n.driver: 'host': only the "
	  "bridge driver is supported (the Inception rules forbid host networking)" },
	{ "networks:\n  n:\n    driver: overlay\n" SVC, T "3: networks.n.driver: 'overlay': only the "
	  "bridge driver is supported" },
	{ "networks:\n  n:\n    external: true\n" SVC, T "3: networks.n: external networks are not "
	  "supported: the appliance creates every network it uses" },
	{ "networks:\n  n:\n    internal: true\n" SVC, T "3: networks.n: unsupported key 'internal'" },
	{ "networks:\n  n:\n    ipam: {driver: other}\n" SVC, T "3: networks.n.ipam.driver: 'other': "
	  "only the default IPAM driver is supported" },
	{ "networks:\n  n:\n    ipam: {config: []}\n" SVC, T "3: networks.n.ipam.config: expected a "
	  "list of one subnet" },
	{ "networks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0}]}\n" SVC, T "3: networks.n.ipam."
	  "config.subnet: '10.0.0.0': expected an IPv4 subnet a.b.c.d/N (N from 1 to 30)" },
	{ "networks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0/31}]}\n" SVC, T "3: networks.n."
	  "ipam.config.subnet: '10.0.0.0/31': expected an IPv4 subnet a.b.c.d/N (N from 1 to 30)" },
	{ "networks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0/8, gateway: x}]}\n" SVC,
	  T "3: networks.n.ipam.config.gateway: 'x' is not an IPv4 address" },
	{ "networks:\n  n:\n    ipam: {config: [{gateway: 10.0.0.1}]}\n" SVC,
	  T "3: networks.n.ipam.config: the subnet is missing" },
	{ "networks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0/24, gateway: 10.1.0.1}]}\n" SVC,
	  T "3: networks.n.ipam.config: the gateway 10.1.0.1 is outside the subnet 10.0.0.0/24" },
	{ "networks:\n  n:\n    ipam: {config: [{subnet: 10.0.0.0/24, ip_range: x}]}\n" SVC,
	  T "3: networks.n.ipam.config: unsupported key 'ip_range'" },
	{ "networks:\n  n:\n    ipam: {options: {}}\n" SVC, T "3: networks.n.ipam: unsupported key "
	  "'options'" },
	{ SVC "    networks: [n]\n", T "4: services.web.networks: undefined network 'n' (declare it "
	  "under the top-level networks)" },
	{ "networks: {n: }\n" SVC "    networks: [n, n]\n", T "5: services.web.networks: network 'n' "
	  "is listed twice" },
	{ "networks: {n: }\n" SVC "    networks:\n      n:\n        aliases: [a_b]\n",
	  T "7: services.web.networks.n.aliases: 'a_b' is not a valid host name" },
	{ "networks: {n: }\n" SVC "    networks:\n      n:\n        aliases: a\n",
	  T "7: services.web.networks.n.aliases: expected a list, not a scalar" },
	{ "networks: {n: }\n" SVC "    networks:\n      n:\n        ipv4_address: 10.0.0.300\n",
	  T "7: services.web.networks.n.ipv4_address: '10.0.0.300' is not an IPv4 address" },
	{ "networks: {n: }\n" SVC "    networks:\n      n:\n        priority: 1\n",
	  T "7: services.web.networks.n: unsupported key 'priority'" },
	{ "networks: {n: }\n" SVC "    networks:\n      n:\n        ipv4_address: 10.0.0.2\n",
	  T "6: services.web.networks: an ipv4_address needs the network's subnet "
	  "(networks.n.ipam.config)" },
	{ "networks: {n: {ipam: {config: [{subnet: 10.0.0.0/24}]}}}\n" SVC "    networks:\n"
	  "      n: {ipv4_address: 10.0.1.2}\n", T "6: services.web.networks: 10.0.1.2 is outside "
	  "the subnet 10.0.0.0/24 of network 'n'" },
	{ "networks: {n: {ipam: {config: [{subnet: 10.0.0.0/24}]}}}\n" SVC "    networks:\n"
	  "      n: {ipv4_address: 10.0.0.2}\n  db:\n    image: b:1\n    networks:\n"
	  "      n: {ipv4_address: 10.0.0.2}\n", T "10: services.db.networks.n: 10.0.0.2 is already "
	  "service web's" },

	/* depends_on */
	{ SVC "    depends_on: [db]\n", T "4: services.web.depends_on: undefined service 'db'" },
	{ SVC "    depends_on: [web]\n", T "4: services.web.depends_on: a service cannot depend on "
	  "itself" },
	{ SVC2 "    depends_on: [web, web]\n", T "6: services.db.depends_on: 'web' is listed twice" },
	{ SVC2 "    depends_on: {web: {condition: service_ready}}\n", T "6: services.db.depends_on."
	  "web.condition: 'service_ready': expected service_started, service_healthy or "
	  "service_completed_successfully" },
	{ SVC2 "    depends_on: {web: {}}\n", T "6: services.db.depends_on.web: the condition is "
	  "missing (the long syntax requires it)" },
	{ SVC2 "    depends_on: {web: }\n", T "6: services.db.depends_on.web: expected a mapping, "
	  "not a scalar" },
	{ SVC2 "    depends_on: {web: {condition: service_started, required: false}}\n",
	  T "6: services.db.depends_on.web.required: optional dependencies (required: false) are "
	  "not supported" },
	{ SVC2 "    depends_on: {web: {condition: service_started, restart: true}}\n",
	  T "6: services.db.depends_on.web.restart: restart: true is not supported (hostd does not "
	  "restart a dependent when its dependency is recreated)" },
	{ SVC2 "    depends_on: {web: {condition: service_started, wait: 1}}\n",
	  T "6: services.db.depends_on.web: unsupported key 'wait'" },
	{ SVC "    healthcheck: {disable: true}\n  db:\n    image: b:1\n"
	  "    depends_on: {web: {condition: service_healthy}}\n", T "7: services.db.depends_on: 'web' "
	  "has its healthcheck disabled, so it can never be service_healthy" },
	{ SVC "    container_name: same\n  db:\n    image: b:1\n    container_name: same\n",
	  T "5: services.db.container_name: 'same' is already service web's" },

	/* healthcheck */
	{ SVC "    healthcheck: {test: \"\"}\n", T "4: services.web.healthcheck.test: empty test" },
	{ SVC "    healthcheck: {test: [NONE, x]}\n", T "4: services.web.healthcheck.test: NONE takes "
	  "nothing else" },
	{ SVC "    healthcheck: {test: [CMD]}\n", T "4: services.web.healthcheck.test: CMD takes a "
	  "command" },
	{ SVC "    healthcheck: {test: [CMD-SHELL, a, b]}\n", T "4: services.web.healthcheck.test: "
	  "CMD-SHELL takes exactly one command string" },
	{ SVC "    healthcheck: {test: [curl, x]}\n", T "4: services.web.healthcheck.test: 'curl': a "
	  "test list starts with CMD, CMD-SHELL or NONE" },
	{ SVC "    healthcheck: {disable: true, interval: 1s}\n", T "4: services.web.healthcheck: "
	  "disable: true cannot be combined with other keys" },
	{ SVC "    healthcheck: {start_interval: 1s}\n", T "4: services.web.healthcheck: unsupported "
	  "key 'start_interval'" },
	{ SVC "    healthcheck: {retries: -1}\n", T "4: services.web.healthcheck.retries: -1 is out of "
	  "range (0 to 2147483647)" },
	{ SVC "    healthcheck: {timeout: 5}\n", T "4: services.web.healthcheck.timeout: '5' is not a "
	  "duration (e.g. 1m30s, 10s, 500ms)" },
	{ SVC "    healthcheck: [CMD, true]\n", T "4: services.web.healthcheck: expected a mapping, not "
	  "a list" },
};

static void errors(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ok = fails_with(bad[i].yaml, bad[i].msg);

		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  (bad[%zu])\n", i);
	}
}

void test_compose(void)
{
	char why[512];
	static char buf[4096];
	FILE *f = fopen(VALID "fixture.env", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	CHECK(n > 0 && envfile_parse(&vars, VALID "fixture.env", buf, n, NULL, why, sizeof(why)) == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	values();
	stack();
	ports();
	volumes();
	networks();
	health();
	environment();
	command();
	misc();
	confine();
	spec_only();
	merges();
	interpolation();
	file_errors();
	errors();
	compose_free(&c);
	envfile_free(&vars);
}
