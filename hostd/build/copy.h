/* copy: COPY and ADD of local files from a build context into an image,
 * with Docker's rules (build host only).
 *
 * Sources are paths or globs relative to the context; what .dockerignore
 * excludes does not exist for them; nothing outside the context can be
 * named. A directory source copies its contents; a file goes to DEST, or
 * into DEST when DEST ends with "/" or is a directory in the image; more
 * than one source needs a DEST ending with "/". Modes and times are kept,
 * owners become 0:0 or --chown's, --chmod (octal) replaces modes. ADD
 * unpacks a local tar archive (plain, gzip, bzip2, xz) into DEST. */
#ifndef HOSTD_COPY_H
#define HOSTD_COPY_H

#include <stddef.h>

#include "build/digest.h"
#include "build/ignore.h"
#include "common/strv.h"

/* Expand the sources (srcs[0..n-1], as written after variable expansion)
 * into context-relative paths ("." for the context itself), sorted. 0, or
 * -1 with Docker's kind of message in err; err empty: reported already (a
 * path too long), or out of memory (out is marked failed). */
int copy_sources(const char *context, const struct ignore *ig, const char *const *srcs,
		 int n, struct strv *out, char *err, size_t errlen);

/* Feed the sources' names, types, modes, sizes, link targets and bytes
 * (what .dockerignore leaves of them) into d: the COPY's cache key. 0, or
 * -1 with the reason in err (empty: reported already). */
int copy_digest(const char *context, const struct ignore *ig, const struct strv *paths,
		struct digest *d, char *err, size_t errlen);

struct copy_opts {
	const char *chown;	/* USER[:GROUP] (names looked up in the image), or NULL */
	const char *chmod;	/* octal, or NULL */
	int add;		/* ADD: unpack tar archives */
};

/* Copy the sources into the image whose root is mounted at root, DEST
 * absolute (WORKDIR already applied; a trailing "/" kept). Runs in a
 * child chrooted into root, so the image's own symlinks cannot lead
 * outside it. 0, or -1 with the reason in err. */
int copy_into(const char *root, const char *context, const struct ignore *ig,
	      const struct strv *paths, const char *dest, const struct copy_opts *o,
	      char *err, size_t errlen);

#endif
