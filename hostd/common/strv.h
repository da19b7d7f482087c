/* strv: a growable, NULL-terminated vector of malloc'd strings — the one
 * string vector of both programs.
 *
 * One out-of-memory policy: nothing exits. A call that cannot get memory
 * returns -1, leaves the vector as it was, and marks it failed; every
 * later add then fails too, so a caller may add many and check once with
 * strv_failed() (or check each return). strv_clear() and strv_free() reset
 * the mark. */
#ifndef HOSTD_STRV_H
#define HOSTD_STRV_H

#include <stddef.h>

struct strv {
	char **v;	/* v[n] is NULL once anything was added */
	int n, cap;
	int failed;	/* an add ran out of memory */
};

/* Append a copy of str (or of str[0..len)); 0, or -1 when out of memory. */
int strv_add(struct strv *s, const char *str);
int strv_addn(struct strv *s, const char *str, size_t len);
/* Empty it (keeps the array). */
void strv_clear(struct strv *s);
/* Empty it and give back its memory. */
void strv_free(struct strv *s);
/* dst = a copy of src; 0 or -1. */
int strv_copy(struct strv *dst, const struct strv *src);
/* Set KEY=VALUE in an environment list, replacing KEY's earlier value. */
int strv_setenv(struct strv *s, const char *key, const char *value);
/* The value of key[0..keylen) in a KEY=VALUE list (the last), or NULL. */
const char *strv_getenv(const struct strv *s, const char *key, size_t keylen);
/* Whether an add ran out of memory since the last clear. */
int strv_failed(const struct strv *s);

#endif
