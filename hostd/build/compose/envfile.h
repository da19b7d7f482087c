/* envfile: Docker Compose's .env file and its variable interpolation, for
 * the compose compiler on the build host.
 *
 * .env: KEY=VALUE lines (also "KEY: VALUE", Compose's YAML style), blank
 * lines, '#' comment lines and an optional "export " prefix. A value is
 *   unquoted: up to the end of the line, cut at the first " #" (an inline
 *     comment needs the space), trailing blanks dropped, interpolated;
 *   '...': literal, may span lines, \' is a quote;
 *   "...": may span lines, \n \r \t \\ \" \$ (a literal $), \a \b \f \v
 *     and \0ooo are escapes, then interpolated.
 * After a closing quote only blanks and a # comment may follow. A key is
 * letters, digits and _ . - [ ]. Interpolation inside the file sees the
 * caller's variables first (Compose: the process environment wins), then
 * the keys defined above it. A later duplicate key replaces the earlier
 * value.
 *
 * Errors are one line, "<file>:<line>: <what>": a key with a space, a bad
 * character in a key, a line without '=' (Compose would silently take such
 * a bare KEY from the environment; here it is a mistake), an empty key, an
 * unterminated quote, text after a closing quote, a failed ${VAR:?msg}.
 *
 * Memory: everything hangs off struct envfile; envfile_free() releases it.
 * No global state. */
#ifndef HOSTD_ENVFILE_H
#define HOSTD_ENVFILE_H

#include <stddef.h>

#include "common/arena.h"

/* Where interpolation takes variables from. get returns a variable's value
 * or NULL when it is unset (name is not NUL-terminated). unset, if not
 * NULL, is told of each $VAR / ${VAR} that expanded to "" because VAR is
 * unset and had no default: Compose warns "The VAR variable is not set.
 * Defaulting to a blank string." */
struct env_lookup {
	const char *(*get)(void *ctx, const char *name, size_t len);
	void (*unset)(void *ctx, const char *name, size_t len);
	void *ctx;
};

struct env_var {
	const char *key, *value;
	int line;		/* where the key was (last) defined */
};


struct envfile {
	struct env_var *vars;	/* in file order (first definition) */
	int nvars;
	int cap;		/* private */
	struct arena mem;	/* private: what the parse keeps */
};

/* Parse buf (len bytes). env may be NULL (no outside variables). 0 on
 * success; -1 with err set and *ef left empty (envfile_free is safe). */
int envfile_parse(struct envfile *ef, const char *name, const char *buf,
		  size_t len, const struct env_lookup *env, char *err,
		  size_t errlen);
void envfile_free(struct envfile *ef);
/* The value of key, or NULL. */
const char *envfile_get(const struct envfile *ef, const char *key);

/* Compose interpolation of s: $$ is a literal $; $VAR and ${VAR} expand
 * (VAR: [A-Za-z_][A-Za-z0-9_]*; an unset one expands to ""); in braces
 * ${VAR:-default} (unset or empty), ${VAR-default} (unset),
 * ${VAR:+alt} (set and non-empty), ${VAR+alt} (set), ${VAR:?msg} (error
 * when unset or empty), ${VAR?msg} (error when unset); defaults, alts and
 * messages may nest ${...}. A $ followed by anything else stays as it is.
 * env may be NULL. On success *out is a malloc'd string (free() it) and 0
 * is returned; on error -1 with err set: 'required variable VAR is missing
 * a value: msg' or 'Invalid template: "<s>"'. */
int env_interpolate(const char *s, const struct env_lookup *env, char **out,
		    char *err, size_t errlen);

#endif
