/* digest: SHA-256 for the builder's cache keys (build host; OpenSSL). */
#ifndef HOSTD_DIGEST_H
#define HOSTD_DIGEST_H

#include <stddef.h>

struct digest {
	void *ctx;	/* EVP_MD_CTX */
};

/* 0, or -1 (out of memory). */
int digest_init(struct digest *d);
void digest_add(struct digest *d, const void *buf, size_t len);
/* A string and its terminating NUL, so that ("ab","c") and ("a","bc")
 * differ. NULL is hashed as a distinct marker. */
void digest_str(struct digest *d, const char *s);
/* The hex digest (65 bytes with the NUL); frees the context. */
void digest_hex(struct digest *d, char out[65]);
/* The digest of a file's bytes; -1 with errno if it cannot be read. */
int digest_file(const char *path, char out[65]);

#endif
