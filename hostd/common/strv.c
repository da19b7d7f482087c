/* strv: see strv.h.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/strv.h"

#include <stdlib.h>
#include <string.h>

static int grow(struct strv *s)
{
	char **v;
	int cap;

	if (s->n + 2 <= s->cap)
		return 0;
	if (s->cap > (1 << 28))
		return -1;
	cap = s->cap ? 2 * s->cap : 8;
	v = realloc(s->v, (size_t)cap * sizeof(*v));
	if (!v)
		return -1;
	s->v = v;
	s->cap = cap;
	return 0;
}

int strv_addn(struct strv *s, const char *str, size_t len)
{
	char *d;

	if (s->failed || grow(s) < 0 || !(d = malloc(len + 1))) {
		s->failed = 1;
		return -1;
	}
	memcpy(d, str, len);
	d[len] = '\0';
	s->v[s->n++] = d;
	s->v[s->n] = NULL;
	return 0;
}

int strv_add(struct strv *s, const char *str)
{
	return strv_addn(s, str ? str : "", str ? strlen(str) : 0);
}

void strv_clear(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
	s->failed = 0;
	if (s->v)
		s->v[0] = NULL;
}

void strv_free(struct strv *s)
{
	strv_clear(s);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int strv_copy(struct strv *dst, const struct strv *src)
{
	strv_clear(dst);
	for (int i = 0; i < src->n; i++)
		if (strv_add(dst, src->v[i]) < 0)
			return -1;
	return 0;
}

const char *strv_getenv(const struct strv *s, const char *key, size_t keylen)
{
	for (int i = s->n - 1; i >= 0; i--)
		if (!strncmp(s->v[i], key, keylen) && s->v[i][keylen] == '=')
			return s->v[i] + keylen + 1;
	return NULL;
}

int strv_setenv(struct strv *s, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);
	char *kv;

	if (s->failed || !(kv = malloc(kl + vl + 2))) {
		s->failed = 1;
		return -1;
	}
	memcpy(kv, key, kl);
	kv[kl] = '=';
	memcpy(kv + kl + 1, value, vl + 1);
	for (int i = 0; i < s->n; i++)
		if (!strncmp(s->v[i], key, kl) && s->v[i][kl] == '=') {
			free(s->v[i]);
			s->v[i] = kv;
			return 0;
		}
	if (strv_addn(s, kv, kl + vl + 1) < 0) {
		free(kv);
		return -1;
	}
	free(kv);
	return 0;
}

int strv_failed(const struct strv *s)
{
	return s->failed;
}
