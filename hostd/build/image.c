/* image: the builder's model (build.h): freeing, copying and setting an
 * image. Never prints, never exits: out of memory is -1 (or a vector's
 * failed mark) for the caller to report.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/build.h"

#include <stdlib.h>
#include <string.h>

void image_free(struct image *im)
{
	free(im->name);
	free(im->user);
	free(im->workdir);
	free(im->stop_signal);
	strv_free(&im->layers);
	strv_free(&im->layer_keys);
	strv_free(&im->env);
	strv_free(&im->cmd);
	strv_free(&im->entrypoint);
	strv_free(&im->shell);
	strv_free(&im->exposed);
	strv_free(&im->labels);
	strv_free(&im->health_test);
	memset(im, 0, sizeof(*im));
}

int image_set(char **dst, const char *v)
{
	char *d = NULL;

	if (v && !(d = strdup(v)))
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

int image_copy(struct image *dst, const struct image *src)
{
	int rc = 0;

	memcpy(dst->key, src->key, sizeof(dst->key));
	rc |= strv_copy(&dst->layers, &src->layers);
	rc |= strv_copy(&dst->layer_keys, &src->layer_keys);
	rc |= strv_copy(&dst->env, &src->env);
	rc |= strv_copy(&dst->cmd, &src->cmd);
	rc |= strv_copy(&dst->entrypoint, &src->entrypoint);
	rc |= strv_copy(&dst->shell, &src->shell);
	rc |= strv_copy(&dst->exposed, &src->exposed);
	rc |= strv_copy(&dst->labels, &src->labels);
	rc |= strv_copy(&dst->health_test, &src->health_test);
	rc |= image_set(&dst->user, src->user);
	rc |= image_set(&dst->workdir, src->workdir);
	rc |= image_set(&dst->stop_signal, src->stop_signal);
	dst->health = src->health;
	dst->health_interval_ms = src->health_interval_ms;
	dst->health_timeout_ms = src->health_timeout_ms;
	dst->health_start_ms = src->health_start_ms;
	dst->health_retries = src->health_retries;
	return rc ? -1 : 0;
}

int image_failed(const struct image *im)
{
	const struct strv *v[] = {&im->layers, &im->layer_keys, &im->env, &im->cmd,
				  &im->entrypoint, &im->shell, &im->exposed, &im->labels,
				  &im->health_test};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strv_failed(v[i]))
			return 1;
	return 0;
}
