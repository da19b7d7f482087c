/* util: small file helpers shared by every part of hostd. Each returns -1
 * with errno set on failure and logs nothing: the caller names the context. */
#ifndef HOSTD_UTIL_H
#define HOSTD_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int write_file(const char *path, const char *data, size_t len, mode_t mode);
int write_file_atomic(const char *path, const char *data, size_t len,
		      mode_t mode);
/* Read at most cap-1 bytes and NUL-terminate; returns the length. */
ssize_t read_file(const char *path, char *buf, size_t cap);
int mkdir_p(const char *path, mode_t mode);
/* Mark every descriptor from lowfd up close-on-exec: what a command runs
 * with is 0-2 only, never a descriptor hostd (or whoever started it)
 * happened to hold. Returns 0, or -1 with errno. */
int cloexec_from(int lowfd);
int write_all(int fd, const void *buf, size_t len);
/* Monotonic milliseconds since an arbitrary origin. */
long long now_ms(void);
/* Wall-clock milliseconds since the epoch. */
long long wall_ms(void);
/* ms since the epoch as RFC 3339 UTC ("2026-11-27T05:10:55.123Z"), as
 * Docker's inspect shows times; "0001-01-01T00:00:00Z" for 0 (never). */
void rfc3339(long long ms, char *buf, size_t len);

#endif
