/* dockerfile: a Dockerfile parsed the way Docker's BuildKit frontend parses
 * it, for the image builder on the build host.
 *
 * Parsing follows BuildKit line for line: parser directives at the top
 * (escape, syntax, check), comment lines, continuation lines with the escape
 * character (comment lines inside a continuation are dropped, blank ones are
 * dropped with a warning), case-insensitive keywords, leading "--flag=value"
 * words, exec (JSON) vs shell form, and the per-instruction argument rules
 * (ENV/LABEL "k=v ..." and the legacy "k v", ARG with or without default,
 * FROM [AS name], HEALTHCHECK, ONBUILD ...). Quotes and escapes inside ENV,
 * LABEL and ARG words are kept as written: Docker removes them only when it
 * substitutes variables, so the builder must pass every such word (and every
 * argument of an instruction for which df_kind_expands() is true) through
 * df_expand() with the variables in effect *before* that instruction.
 *
 * What this builder cannot do is refused here with one clear line rather
 * than half-done later: COPY --from, remote ADD sources (URLs, git),
 * heredocs, and Docker flags it does not implement (--link, --mount,
 * --platform, ...). VOLUME, MAINTAINER, SHELL and ONBUILD are valid Docker
 * and are recorded for the builder to decide; an unknown keyword is an error.
 *
 * Every error is one line, "<file>:<line>: <what>", naming the instruction.
 * Memory: everything hangs off struct dockerfile; df_free() releases it.
 * No global state. */
#ifndef HOSTD_DOCKERFILE_H
#define HOSTD_DOCKERFILE_H

#include <stddef.h>

#include "common/arena.h"

enum df_kind {
	DF_FROM, DF_RUN, DF_CMD, DF_ENTRYPOINT, DF_SHELL, DF_ENV, DF_ARG,
	DF_LABEL, DF_WORKDIR, DF_USER, DF_EXPOSE, DF_STOPSIGNAL,
	DF_HEALTHCHECK, DF_COPY, DF_ADD, DF_VOLUME, DF_MAINTAINER, DF_ONBUILD,
};

/* ENV and LABEL pairs, and ARG declarations. Both words are raw (quotes
 * and escapes as written). value is NULL only for an ARG without a
 * default ("ARG NAME"); "ARG NAME=" has the empty default. */
struct df_kv {
	const char *key, *value;
};

struct df_inst {
	enum df_kind kind;
	int line, end_line;	/* first and last physical line, from 1 */
	/* The logical line as BuildKit keeps it ("Original"): leading blanks
	 * and the continuation characters removed, continuation lines joined
	 * (their own leading blanks kept), comment lines dropped. */
	const char *text;
	/* Leading --flags as written, quotes removed ("--chown=www-data").
	 * Only flags this builder implements get past the parser (and
	 * boolean ones that are off: "--link=false"). */
	const char **flags;
	int nflags;
	/* Arguments, NULL-terminated:
	 *   RUN CMD ENTRYPOINT SHELL, HEALTHCHECK CMD: exec form (json = 1):
	 *     the argv; shell form: one string, the command line (or none for
	 *     a bare "CMD").
	 *   COPY ADD: the sources, then the destination (nargs >= 2).
	 *   FROM: the image, or image "AS" name (the name lowercased).
	 *   EXPOSE VOLUME: one word each (VOLUME may be a JSON array).
	 *   WORKDIR USER STOPSIGNAL MAINTAINER: exactly one, the rest of the
	 *     line (spaces included).
	 *   ONBUILD: one, the trigger expression ("RUN make").
	 *   ENV LABEL ARG: none; see kv. */
	const char **args;
	int nargs;
	int json;
	struct df_kv *kv;	/* ENV, LABEL, ARG */
	int nkv;
	const char *image;	/* FROM: args[0] */
	const char *stage;	/* FROM ... AS name: the name, lowercased; else NULL */
	const char *chown;	/* COPY/ADD --chown / --chmod values, else NULL */
	const char *chmod;
	/* HEALTHCHECK. none: HEALTHCHECK NONE. Durations in nanoseconds, 0 =
	 * not given (Docker's defaults apply: 30s, 30s, 0s, 5s); retries -1 =
	 * not given (default 3). */
	int health_none;
	long long interval_ns, timeout_ns, start_period_ns, start_interval_ns;
	int retries;
	struct df_inst *trigger;	/* ONBUILD: the trigger, parsed */
};

struct dockerfile {
	char escape;		/* '\\' or '`' (the escape directive) */
	const char *syntax;	/* "# syntax=" value, recorded and ignored; or NULL */
	const char *check;	/* "# check=" value, recorded and ignored; or NULL */
	struct df_inst *inst;	/* in file order; ARGs before the first FROM first */
	int ninst;
	/* Non-fatal findings, each "<file>:<line>: <what>", as BuildKit warns
	 * (empty continuation lines). */
	const char **warnings;
	int nwarnings;
	struct arena mem;	/* private: what the parse keeps */
	int capinst, capwarn;	/* private */
};

/* Parse buf (len bytes, need not be NUL-terminated). name is the file name
 * used in messages. 0 on success; -1 with err set ("<name>:<line>: <what>")
 * and *df left empty (df_free is still safe). */
int df_parse(struct dockerfile *df, const char *name, const char *buf,
	     size_t len, char *err, size_t errlen);
void df_free(struct dockerfile *df);

/* "FROM", "RUN", ... */
const char *df_kind_name(enum df_kind kind);
/* Whether Docker substitutes variables in this instruction's words: ADD
 * COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR, and ARG
 * (ONBUILD: the trigger decides). RUN, CMD, ENTRYPOINT, SHELL and
 * HEALTHCHECK leave it to the shell. Flag values (--chown, --chmod) are
 * substituted too. */
int df_kind_expands(enum df_kind kind);

/* A variable's value, or NULL when it is not set. name is not
 * NUL-terminated. */
typedef const char *(*df_lookup_fn)(void *ctx, const char *name, size_t len);

/* Variable substitution of one word as Docker does it (its shell lexer's
 * ProcessWord): single and double quotes are removed (nothing is special
 * inside '...'; inside "..." the escape character escapes only " $ and
 * itself), the escape character escapes any other character, and $VAR,
 * ${VAR}, ${VAR:-word} ${VAR-word} ${VAR:+word} ${VAR+word} ${VAR:?msg}
 * ${VAR?msg}, ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat},
 * ${VAR/pat/rep} and ${VAR//pat/rep} expand (pat: * and ? globs; rep is
 * literal). An unset variable expands to "". Unlike Compose, $$ is not a
 * literal $: it is the shell's special parameter, unset, so "" (write \$).
 * escape is the file's escape character; lookup may be NULL (nothing is
 * set). On success *out is a malloc'd string (free() it) and 0 is
 * returned; on error -1 and err holds Docker's message, on one line:
 * 'failed to process "<word>": <why>'. */
int df_expand(const char *word, char escape, df_lookup_fn lookup, void *ctx,
	      char **out, char *err, size_t errlen);

/* df_expand, then the result split into words as Docker does for EXPOSE
 * (its ProcessWords): text that came from a variable or plain text splits
 * at white space, quoted or escaped text does not, and empty words are
 * dropped ("$PORTS" with PORTS="80 443" is two words; '"a b"' is one).
 * *words is one malloc'd block, a NULL-terminated array of *nwords
 * strings: free(*words) releases it all. */
int df_expand_words(const char *word, char escape, df_lookup_fn lookup, void *ctx,
		    char ***words, int *nwords, char *err, size_t errlen);

/* An EXPOSE word after substitution: "80", "80/tcp", "53/udp",
 * "8000-8010/tcp" (protocol case-insensitive, tcp by default). 0 on
 * success; -1 with a message ("invalid port", "unsupported protocol"). */
struct df_port {
	unsigned short lo, hi;
	int udp;
};
int df_port(const char *spec, struct df_port *port, char *err, size_t errlen);

#endif
