/* emit: the compose file and the images built for it, as one plan per
 * service (build host only). emit.c renders a plan's text (pure);
 * emit_write.c checks every plan and writes them with the secrets. */
#ifndef HOSTD_BUILD_EMIT_H
#define HOSTD_BUILD_EMIT_H

#include <stddef.h>

struct compose;
struct compose_service;
struct image;

/* Options that reach the plan emitter. */
struct emit_opts {
	const char *out_dir;		/* plans go to out_dir/plans */
	const char *layers_at;		/* where the layers are in the appliance */
	const char *secrets_at;		/* where the secret files are in the appliance */
	const char *volume_root;	/* plain named volumes: volume_root/NAME */
};

/* Write one plan per service of c into opts->out_dir/plans, and its
 * secrets into opts->out_dir/secrets, from the compose file and the
 * images built for it (nimages of them). 0, or -1 with a "<file>:<line>:
 * <what>" message printed; then nothing was changed (unless writing the
 * files themselves failed). */
int emit_plans(const struct compose *c, struct image *images, int nimages,
	       const struct emit_opts *opts);
/* The plan of service s, whose image is im, into text (size bytes,
 * NUL-terminated; *len its length). Pure: nothing is written or printed.
 * 0, or -1 with a one-line "<file>:<line>: service S: <what>: <why>" (or
 * another "<file>:<line>: ..." refusal) in err. */
int emit_plan(const struct compose *c, const struct compose_service *s, const struct image *im,
	      const struct emit_opts *opts, char *text, size_t size, size_t *len, char *err,
	      size_t errlen);

#endif
