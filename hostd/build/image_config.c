/* image_config: OUT/images/<name>.json, each image's config as docker
 * image inspect's .Config has it, and its layers (the keys): for people
 * and tests to read; hostd never reads it. Writes those files only. */
#include "build/build_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "build/path.h"
#include "common/util.h"

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if ((unsigned char)*p < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void str_list(FILE *f, const struct strv *v)
{
	fputc('[', f);
	for (int i = 0; i < v->n; i++) {
		fputs(i ? ", " : "", f);
		jstr(f, v->v[i]);
	}
	fputc(']', f);
}

/* The config's plain fields, in docker image inspect's order: a list
 * (struct strv) or a string (char *) of struct image. */
static const struct field {
	const char *key;
	int list;
	size_t off;
} fields[] = {
	{"Env", 1, offsetof(struct image, env)},
	{"Entrypoint", 1, offsetof(struct image, entrypoint)},
	{"Cmd", 1, offsetof(struct image, cmd)},
	{"User", 0, offsetof(struct image, user)},
	{"WorkingDir", 0, offsetof(struct image, workdir)},
	{"StopSignal", 0, offsetof(struct image, stop_signal)},
	{"ExposedPorts", 1, offsetof(struct image, exposed)},
	{"Labels", 1, offsetof(struct image, labels)},
};

static void image_json(FILE *f, const struct image *im)
{
	fprintf(f, "{\"Name\": ");
	jstr(f, im->name);
	fprintf(f, ", \"Config\": ");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *at = (const char *)im + fields[i].off;

		fprintf(f, "%s\"%s\": ", i ? ", " : "{", fields[i].key);
		if (fields[i].list)
			str_list(f, (const struct strv *)at);
		else
			jstr(f, *(char *const *)at);
	}
	fprintf(f, ", \"Healthcheck\": {\"Kind\": \"%s\", \"Test\": ",
		im->health == HEALTH_CMD ? "CMD" : im->health == HEALTH_SHELL ? "CMD-SHELL" :
		im->health == HEALTH_NONE ? "NONE" : "");
	str_list(f, &im->health_test);
	fprintf(f, ", \"IntervalMs\": %lld, \"TimeoutMs\": %lld, \"StartPeriodMs\": %lld, "
		"\"Retries\": %d}}, \"Layers\": ", im->health_interval_ms,
		im->health_timeout_ms, im->health_start_ms, im->health_retries);
	str_list(f, &im->layer_keys);
	fprintf(f, "}\n");
}

int write_image_configs(const struct image *images, int n, const char *out)
{
	char dir[PATH_MAX];

	if (pathf(dir, sizeof(dir), "%s/images", out) < 0)
		return -1;
	if (mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "hostd-build: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct image *im = &images[i];
		char path[PATH_MAX];
		FILE *f;

		if (pathf(path, sizeof(path), "%s/%s.json", dir, im->name) < 0)
			return -1;
		if (!(f = fopen(path, "w"))) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			return -1;
		}
		image_json(f, im);
		if (fclose(f) != 0) {
			fprintf(stderr, "hostd-build: write %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}
