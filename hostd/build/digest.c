/* digest: see digest.h. */
#include "build/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

int digest_init(struct digest *d)
{
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(d->ctx);
		d->ctx = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void digest_add(struct digest *d, const void *buf, size_t len)
{
	EVP_DigestUpdate(d->ctx, buf, len);
}

void digest_str(struct digest *d, const char *s)
{
	static const char null_marker[] = "\xff(null)";

	if (!s)
		digest_add(d, null_marker, sizeof(null_marker));
	else
		digest_add(d, s, __builtin_strlen(s) + 1);
}

void digest_hex(struct digest *d, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int n = 0;

	EVP_DigestFinal_ex(d->ctx, md, &n);
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

int digest_file(const char *path, char out[65])
{
	char buf[65536];
	struct digest d;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0)
		return -1;
	if (digest_init(&d) < 0) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		digest_add(&d, buf, (size_t)n);
	e = errno;
	close(fd);
	digest_hex(&d, out);
	if (n < 0) {
		errno = e;
		return -1;
	}
	return 0;
}
