/* emit: the plan writer (hostd-build's emit.c) on compose files read from
 * memory and images made by hand. Above all: a value the plan cannot
 * carry, whether from .env through interpolation, the compose file or an
 * image's config, fails the plan with the service and the key named, and
 * no line break ever reaches the text (a second plan line: `volume
 * /:/hostroot`). Every plan that is written parses back. */
#include <string.h>

#include "build/build.h"
#include "build/emit.h"
#include "build/compose/compose.h"
#include "build/compose/envfile.h"
#include "common/plan.h"
#include "unit.h"

#define F "tests/compose/valid/t.yml"

static struct compose c;
static char text[65536], err[1024];
static size_t len;
static struct plan back;
static int quiet;		/* a compose error is what the test wants */

/* .env for these tests: what an attacker who controls one value sets. */
static const char *const vars[][2] = {
	{"NL", "x\nvolume /:/hostroot"},
	{"NLNAME", "t\nsecret x"},
	{"CR", "x\rvolume /:/hostroot"},
	{"ESC", "x\033[2J"},
	{"TAB", "a\tb"},
	{"LOGIN", "wil"},
	{"EMPTY", ""},
};

static const char *get(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strlen(vars[i][0]) == n && !strncmp(vars[i][0], name, n))
			return vars[i][1];
	return NULL;
}

static const struct env_lookup env = { get, NULL, NULL };

static const char *env_from_file(void *ctx, const char *name, size_t n)
{
	char key[128];

	if (n >= sizeof(key))
		return NULL;
	memcpy(key, name, n);
	key[n] = '\0';
	return envfile_get(ctx, key);
}
static const struct emit_opts opts = {
	.out_dir = "/nonexistent", .layers_at = "/images/layers",
	.secrets_at = "/etc/hostd/secrets", .volume_root = "/home/wil/data",
};

/* An image as the builder leaves it: web:1.0, one layer, CMD, ENV. */
static char *lk[] = { "0123abcd", NULL };
static char *im_cmd[] = { "busybox", "httpd", "-f", NULL };
static char *im_env[] = { "PATH=/usr/bin:/bin", "GREETING=hello", NULL };
static char *none[] = { NULL };

static struct image image(void)
{
	struct image im = {
		.name = "web:1.0", .layer_keys = { .v = lk, .n = 1, .cap = 2 },
		.cmd = { .v = im_cmd, .n = 3, .cap = 4 }, .env = { .v = im_env, .n = 2, .cap = 3 },
		.entrypoint = { .v = none, .n = 0, .cap = 1 },
		.health_test = { .v = none, .n = 0, .cap = 1 },
		.health = HEALTH_UNSET, .health_retries = -1, .health_start_ms = -1,
	};

	return im;
}

/* Emit service "web" of yaml, with image im and options o. 1 if the plan
 * is written and parses back. */
static int emit_with(const char *yaml, const struct image *im, const struct emit_opts *o)
{
	char perr[512];
	const struct compose_service *s;

	err[0] = '\0';
	compose_free(&c);
	if (compose_parse(&c, F, yaml, strlen(yaml), &env, err, sizeof(err)) < 0) {
		if (!quiet)
			fprintf(stderr, "  compose: %s\n", err);
		return 0;
	}
	if (!(s = compose_service(&c, "web")))
		return 0;
	if (emit_plan(&c, s, im, o, text, sizeof(text), &len, err, sizeof(err)) < 0)
		return 0;
	if (plan_parse(&back, text, len, "web.plan", perr, sizeof(perr)) < 0) {
		fprintf(stderr, "  the plan does not parse back: %s\n%s", perr, text);
		return 0;
	}
	return 1;
}

static int emit(const char *yaml)
{
	struct image im = image();

	return emit_with(yaml, &im, &opts);
}

/* The plan must be refused with exactly msg, and nothing of the value
 * may be in the text. */
static int refused(const char *yaml, const struct image *im, const char *msg)
{
	struct image def = image();

	if (emit_with(yaml, im ? im : &def, &opts)) {
		fprintf(stderr, "  written, want: %s\n%s", msg, text);
		return 0;
	}
	if (strcmp(err, msg)) {
		fprintf(stderr, "  got:  %s\n  want: %s\n", err, msg);
		return 0;
	}
	return !strstr(text, "hostroot") && !strchr(err, '\n');
}

#define WEB "services:\n  web:\n    image: web:1.0\n"

static void written(void)
{
	/* The image's ENV, the service's value in place, its own keys after. */
	CHECK(emit(WEB "    environment:\n      GREETING: hi\n      EXTRA: \"1\"\n"
		   "    working_dir: /srv//www/\n    cap_add: [net_admin, ALL]\n"
		   "    cap_drop: [CAP_SYS_ADMIN]\n    userns_mode: host\n"));
	CHECK(strstr(text, "\nenv PATH=/usr/bin:/bin\nenv GREETING=hi\nenv EXTRA=1\n") != NULL);
	/* (whatever the layers' file extension) */
	CHECK(strstr(text, "\nlayer /images/layers/0123abcd.") &&
	      strstr(text, "\ncmd busybox\ncmd httpd\ncmd -f\nenv "));
	CHECK(strstr(text, "\nworkdir /srv/www\n") && strstr(text, "\nuserns host\n"));
	CHECK(strstr(text, "\ncap_add NET_ADMIN\ncap_add ALL\ncap_drop SYS_ADMIN\n"));
	CHECK(back.cap_add == (PLAN_CAP_ALL & ~(UINT64_C(1) << 21)) && back.userns_host);
	CHECK(back.nenv == 3 && !strcmp(back.env[1], "GREETING=hi"));
	/* A trailing '/' in an option's directory is cleaned away. */
	{
		struct image im = image();
		struct emit_opts o = opts;

		o.layers_at = "/var/cache/inception/layers/";
		o.secrets_at = "/out//secrets/";
		CHECK(emit_with(WEB "    secrets: [tok]\nsecrets:\n  tok:\n    file: /dev/null\n", &im,
				&o));
		CHECK(strstr(text, "\nlayer /var/cache/inception/layers/0123abcd.") &&
		      strstr(text, "\nsecret tok:/out/secrets/tok\n"));
	}
	/* The image's WORKDIR is cleaned too; its STOPSIGNAL and USER kept. */
	{
		struct image im = image();

		im.workdir = "/srv/www/";
		im.user = "www-data";
		im.stop_signal = "SIGQUIT";
		CHECK(emit_with(WEB, &im, &opts));
		CHECK(strstr(text, "\nuser www-data\nworkdir /srv/www\n") &&
		      strstr(text, "\nstop_signal SIGQUIT\n"));
	}
	/* A string command split as Compose splits it: the line break is
	 * white space between words there, so no value holds one. */
	CHECK(emit(WEB "    command: sh -c ${NL}\n"));
	CHECK(back.ncmd == 5 && !strcmp(back.cmd[4], "/:/hostroot") && back.nmounts == 0);
}

static void from_compose(void)
{
	/* Each key that reaches a plan, from .env through interpolation. */
	CHECK(refused(WEB "    command: [\"busybox\", \"${NL}\"]\n", NULL,
		      F ":4: service web: command[1]: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    command: \"sh -c '${CR}'\"\n", NULL,
		      F ":4: service web: command[2]: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    entrypoint:\n      - \"${NL}\"\n", NULL,
		      F ":5: service web: entrypoint[0]: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    environment:\n      A: ok\n      B: \"${NL}\"\n", NULL,
		      F ":6: service web: environment.B: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    environment:\n      - B=${NL}\n", NULL,
		      F ":5: service web: environment.B: a line break cannot be carried in a plan value"));
	/* A key is not interpolated, but YAML can spell a line break in it. */
	CHECK(refused(WEB "    environment:\n      \"A\\nvolume /:/hostroot\": x\n", NULL,
		      F ":5: service web: environment.A\\nvolume /:/hostroot: a line break cannot be "
		      "carried in a plan value"));
	CHECK(refused(WEB "    environment:\n      GREETING: \"${NL}\"\n", NULL,
		      F ":5: service web: environment.GREETING: a line break cannot be carried in a plan "
		      "value"));
	CHECK(refused(WEB "    user: \"www-data${NL}\"\n", NULL,
		      F ":4: service web: user: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    working_dir: \"/srv/${NL}\"\n", NULL,
		      F ":4: service web: working_dir: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    healthcheck:\n      test: [\"CMD\", \"true\", \"${NL}\"]\n", NULL,
		      F ":4: service web: healthcheck.test[2]: a line break cannot be carried in a plan "
		      "value"));
	CHECK(refused(WEB "    healthcheck:\n      test: \"true ${NL}\"\n", NULL,
		      F ":4: service web: healthcheck.test: a line break cannot be carried in a plan "
		      "value"));
	/* (In the short syntax, the ':' of the value already fails it.) */
	CHECK(refused(WEB "    volumes:\n      - type: bind\n        source: \"/srv/${NL}\"\n"
		      "        target: /data\n", NULL,
		      F ":5: service web: volumes[0]: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    volumes:\n      - /srv:/data\n      - type: bind\n        source: /srv/b\n"
		      "        target: \"/b${CR}\"\n", NULL,
		      F ":6: service web: volumes[1]: a line break cannot be carried in a plan value"));
	CHECK(refused(WEB "    volumes: [\"site:/data\"]\nvolumes:\n  site:\n    driver_opts:\n"
		      "      type: none\n      o: bind\n      device: \"/home/${NL}/data\"\n", NULL,
		      F ":6: service web: volumes.site.driver_opts.device: a line break cannot be "
		      "carried in a plan value"));
	CHECK(refused(WEB "    secrets:\n      - source: tok\n        target: \"${NLNAME}\"\n"
		      "secrets:\n  tok:\n    file: /dev/null\n", NULL,
		      F ":5: service web: secrets[0]: a line break cannot be carried in a plan value"));
	/* The keys whose values compose checks against a pattern cannot carry
	 * one: refused there, at the key, before any plan is written. */
	{
		static const char *const keys[][2] = {
			{ "hostname", "services.web.hostname" }, { "restart", "services.web.restart" },
			{ "stop_signal", "services.web.stop_signal" },
			{ "userns_mode", "services.web.userns_mode" },
			{ "container_name", "services.web.container_name" },
			{ "pull_policy", "services.web.pull_policy" },
		};
		static char yaml[256], want[256];
		int all = 1;

		quiet = 1;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			snprintf(yaml, sizeof(yaml), WEB "    %s: \"${NL}\"\n", keys[i][0]);
			snprintf(want, sizeof(want), F ":4: %s: ", keys[i][1]);
			if (emit(yaml) || strncmp(err, want, strlen(want)) || strchr(err, '\n')) {
				fprintf(stderr, "  %s: %s\n", keys[i][0], err);
				all = 0;
			}
		}
		CHECK(all);
		CHECK(!emit("services:\n  web:\n    image: \"web:1.0${NL}\"\n") &&
		      !strncmp(err, F ":3: services.web.image: ", strlen(F ":3: services.web.image: ")));
		CHECK(!emit(WEB "    depends_on: [\"${NL}\"]\n") &&
		      strstr(err, "services.web.depends_on"));
		CHECK(!emit(WEB "    cap_drop: [\"${NL}\"]\n") &&
		      !strncmp(err, F ":4: services.web.cap_drop: ", strlen(F ":4: services.web.cap_drop: ")));
		quiet = 0;
	}
	/* Other control bytes, and what a line cannot hold at all. */
	CHECK(refused(WEB "    command: [\"echo\", \"${ESC}\"]\n", NULL,
		      F ":4: service web: command[1]: a control character cannot be carried in a plan "
		      "value"));
	CHECK(refused(WEB "    environment:\n      T: \"${TAB}\"\n", NULL,
		      F ":5: service web: environment.T: a control character cannot be carried in a "
		      "plan value"));
	CHECK(refused(WEB "    command: [\"echo\", \"${EMPTY}\"]\n", NULL,
		      F ":4: service web: command[1]: an empty value cannot be carried in a plan line"));
	{
		static char yaml[4096];

		snprintf(yaml, sizeof(yaml), WEB "    environment:\n      BIG: %01100d\n", 0);
		CHECK(refused(yaml, NULL, F ":5: service web: environment.BIG: too long for a plan line "
			      "(at most 1023 bytes with its key)"));
	}
}

static void from_image(void)
{
	static char *nl_cmd[] = { "sh", "x\nvolume /:/hostroot", NULL };
	static char *nl_env[] = { "PATH=/bin", "A=x\nvolume /:/hostroot", NULL };
	struct image im;

	/* A Dockerfile line (CMD ["sh", "x\nvolume ..."], ENV, USER $ARG ...). */
	im = image();
	im.cmd = (struct strv){ .v = nl_cmd, .n = 2, .cap = 3 };
	CHECK(refused(WEB, &im, F ":2: service web: CMD[1] of image web:1.0: a line break cannot "
		      "be carried in a plan value"));
	/* The service's command replaces it: nothing of it is written. */
	CHECK(emit_with(WEB "    command: [\"true\"]\n", &im, &opts));
	im = image();
	im.entrypoint = (struct strv){ .v = nl_cmd, .n = 2, .cap = 3 };
	CHECK(refused(WEB, &im, F ":2: service web: ENTRYPOINT[1] of image web:1.0: a line break "
		      "cannot be carried in a plan value"));
	im = image();
	im.env = (struct strv){ .v = nl_env, .n = 2, .cap = 3 };
	CHECK(refused(WEB, &im, F ":2: service web: ENV A of image web:1.0: a line break cannot "
		      "be carried in a plan value"));
	/* The service's value for that key replaces the image's. */
	CHECK(emit_with(WEB "    environment: {A: fine}\n", &im, &opts) &&
	      strstr(text, "\nenv A=fine\n"));
	im = image();
	im.user = "www-data\nvolume /:/hostroot";
	CHECK(refused(WEB, &im, F ":2: service web: USER of image web:1.0: a line break cannot be "
		      "carried in a plan value"));
	im = image();
	im.workdir = "/srv\nvolume /:/hostroot";
	CHECK(refused(WEB, &im, F ":2: service web: WORKDIR of image web:1.0: a line break cannot "
		      "be carried in a plan value"));
	im = image();
	im.stop_signal = "TERM\nvolume /:/hostroot";
	CHECK(refused(WEB, &im, F ":2: service web: STOPSIGNAL of image web:1.0: a line break "
		      "cannot be carried in a plan value"));
	im = image();
	im.health = HEALTH_CMD;
	im.health_test = (struct strv){ .v = nl_cmd, .n = 2, .cap = 3 };
	CHECK(refused(WEB, &im, F ":2: service web: HEALTHCHECK CMD[1] of image web:1.0: a line "
		      "break cannot be carried in a plan value"));
	im.health = HEALTH_SHELL;
	im.health_test = (struct strv){ .v = nl_cmd + 1, .n = 1, .cap = 2 };
	CHECK(refused(WEB, &im, F ":2: service web: HEALTHCHECK CMD-SHELL of image web:1.0: a "
		      "line break cannot be carried in a plan value"));
	/* And a line written without a value check (the layers): put()
	 * refuses it all the same, naming the plan key. */
	{
		struct emit_opts o = opts;

		im = image();
		o.layers_at = "/images\nvolume /:/hostroot";
		CHECK(!emit_with(WEB, &im, &o) &&
		      !strcmp(err, F ":2: service web: plan line 'layer': a line break or control "
			      "character cannot be carried in a plan value") &&
		      !strstr(text, "hostroot"));
	}
}

/* What the writer writes but the parser refuses fails the build at the
 * read back: the VM's own files as a source. */
static void read_back(void)
{
	char perr[512];
	struct image im = image();
	const struct compose_service *s;
	const char *yaml = WEB "    volumes:\n      - /:/hostroot\n";

	compose_free(&c);
	CHECK(compose_parse(&c, F, yaml, strlen(yaml), &env, err, sizeof(err)) == 0);
	CHECK((s = compose_service(&c, "web")) &&
	      emit_plan(&c, s, &im, &opts, text, sizeof(text), &len, err, sizeof(err)) == 0);
	CHECK(plan_parse(&back, text, len, "web.plan", perr, sizeof(perr)) < 0 &&
	      strstr(perr, "volume '/:/hostroot': / is the VM's own: no container gets it"));
}

/* The Inception stack itself (stack/docker-compose.yml, with its
 * .env.example): every service's plan, on a stand-in image, reads back
 * with the stricter parser (its volumes on the data disk, the monitor's
 * read-only metrics socket, its secrets). */
static void the_stack(void)
{
	static char buf[8192];
	struct envfile ef;
	struct env_lookup el = { env_from_file, NULL, &ef };
	struct image im = image();
	char why[256], perr[512];
	FILE *f = fopen("stack/.env.example", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	int ok = 1;

	if (f)
		fclose(f);
	CHECK(n > 0 && envfile_parse(&ef, "stack/.env.example", buf, n, NULL, why, sizeof(why)) == 0);
	compose_free(&c);
	CHECK(compose_load(&c, "stack/docker-compose.yml", &el, err, sizeof(err)) == 0);
	for (int i = 0; i < c.nservices; i++) {
		if (emit_plan(&c, &c.services[i], &im, &opts, text, sizeof(text), &len, err,
			      sizeof(err)) < 0 ||
		    plan_parse(&back, text, len, "stack.plan", perr, sizeof(perr)) < 0) {
			fprintf(stderr, "  %s: %s%s\n", c.services[i].name, err, perr);
			ok = 0;
		}
	}
	CHECK(ok && c.nservices >= 3);
	envfile_free(&ef);
}

void test_emit(void)
{
	written();
	from_compose();
	from_image();
	read_back();
	the_stack();
	compose_free(&c);
}
