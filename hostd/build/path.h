/* path: the builder's one path formatter (build host only).
 *
 * A path that does not fit its buffer is never cut short silently: it is
 * refused with one message on stderr, and the caller gives up the step
 * (the build then ends with exit status 1). Never exits, never allocates. */
#ifndef HOSTD_BUILD_PATH_H
#define HOSTD_BUILD_PATH_H

#include <stddef.h>

/* snprintf into out (len bytes). 0, or -1 after "hostd-build: a path is
 * too long (<its first 60 bytes>...)" on stderr, out then empty (never a
 * path cut short, which could name another file). */
int pathf(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), warn_unused_result));

#endif
