/* dockerfile_int: what the parts of the Dockerfile parser share, private
 * to hostd/build/dockerfile/ (the builder sees only dockerfile.h).
 *
 * The parts, each a file of its own:
 *   df_arena.c   the memory a struct dockerfile owns (chunks)
 *   df_chars.c   character classes and case-insensitive compares
 *   df_json.c    the exec (JSON) form: a string array as Go decodes it
 *   df_words.c   BuildKit's word splitters (words, flags, heredocs)
 *   df_value.c   values checked at parse time (durations, ports)
 *   df_flags.c   an instruction's --flags: the table and their rules
 *   df_inst.c    one instruction: the per-kind table and the line parsers
 *   df_check.c   one instruction's own rules (the table's checkers)
 *   dockerfile.c the file: directives, continuation lines, df_parse
 *   df_expand.c  variable substitution (BuildKit's shell lexer)
 *   df_glob.c    the patterns of ${VAR#pat} ${VAR%pat} ${VAR/pat/rep}
 * All of them are pure: no I/O, no global state. */
#ifndef HOSTD_DOCKERFILE_INT_H
#define HOSTD_DOCKERFILE_INT_H

#include <stddef.h>

#include "build/dockerfile/dockerfile.h"
#include "common/errctx.h"
#include "common/strbuf.h"
#include "common/strv.h"

#define DF_MAX_LINE 65535	/* BuildKit's scanner: "line greater than max allowed size" */

/* ---- df_arena.c: memory that lives as long as the struct dockerfile
 * (df->mem, a common/arena: arena_alloc, arena_strndup) ---- */

/* A NULL-terminated copy of v in the dockerfile's memory; NULL when out
 * of memory. */
const char **df_keep(struct dockerfile *df, const struct strv *v);

/* ---- df_chars.c ---- */

/* Go's unicode.IsSpace at s: the length of the white-space character
 * there (1-3 bytes of UTF-8), or 0. */
size_t df_uspace(const char *s, size_t n);
void df_ltrim(const char **s, size_t *n);
void df_rtrim(const char *s, size_t *n);
/* BuildKit's reWhitespace, [\t\v\f\r ]. */
int df_wsre(char c);
/* unicode.IsSpace(rune(byte)). */
int df_bspace(unsigned char c);
/* memmem for two bytes. */
const char *df_find2(const char *s, size_t n, const char *two);
char df_lower(char c);
/* a[0..an) equals the C string b, ignoring ASCII case. */
int df_eqi(const char *a, size_t an, const char *b);

/* ---- parse context (dockerfile.c) ---- */

struct df_ctx {
	struct dockerfile *df;
	struct errctx e;	/* the file's name and the current line */
};

/* "<file>:<line>: <what>" through errctx, the message cut at 511
 * characters and the line at 599 as it always was; returns -1. */
int df_fail(struct df_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int df_oom(struct df_ctx *c);
/* A warning "<file>:<line>: <what>" into df->warnings; 0 or -1. */
int df_warn(struct df_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- df_json.c ---- */

/* BuildKit's parseJSON: 1: a JSON string array, decoded into v; 0: not a
 * JSON array (the shell form applies); -1: a JSON array with something
 * else than strings in it; -2: out of memory; -3: a string holds \u0000. */
int df_json_array(const char *s, size_t n, struct strv *v);

/* ---- df_words.c (0, or -1 when out of memory) ---- */

int df_parse_words(const char *s, size_t n, char esc, struct strv *out);
int df_split_ws(const char *s, size_t n, struct strv *out);
int df_extract_flags(const char *s, size_t n, struct strv *flags,
		     const char **rest, size_t *restn);
/* Whether a word of the line is a heredoc (<<EOF). */
int df_has_heredoc(const char *s, size_t n);

/* ---- df_value.c ---- */

/* Go's time.ParseDuration, in nanoseconds; 0 or -1. */
int df_go_duration(const char *s, long long *out);
/* A word with nothing for df_expand to do: no $, quotes or escapes. */
int df_literal(const char *s, char esc);

/* ---- df_flags.c ---- */

/* BuildKit's BFlags.Parse for in's flags, then this builder's refusals. */
int df_parse_flags(struct df_ctx *c, struct df_inst *in);

/* ---- df_inst.c / df_check.c: one instruction ---- */

/* The line as the line parser leaves it for the checker. */
struct df_line {
	const char *text;	/* the logical line as df_parse_inst got it */
	size_t textn;
	const char *cmd, *args;	/* the keyword; the arguments after the flags */
	size_t cmdn, argsn;
	struct strv flags, words;
	struct strv kvs;	/* ENV, LABEL: key, value, key, value ... */
	int json;
};

/* One logical line into *in. nested: an ONBUILD trigger. */
int df_parse_inst(struct df_ctx *c, const char *text, size_t textn, struct df_inst *in,
		  int nested);

/* The checkers of the per-kind table (df_inst.c): BuildKit's
 * instructions package on the words the line parser produced. */
int df_check_kv(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_arg(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_from(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_copy(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_some(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_shell(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_none(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_expose(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_volume(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_one(struct df_ctx *c, struct df_line *l, struct df_inst *in);
int df_check_health(struct df_ctx *c, struct df_line *l, struct df_inst *in);

/* ---- df_expand.c / df_glob.c: the shell lexer of one word ---- */

struct df_lex {
	const char *s;
	size_t n, i;
	char esc;
	df_lookup_fn lookup;
	void *ctx;
	char why[256];
	int depth;	/* ${ inside ${ ...: each one a call (lx_dollar) */
};

/* Sets L->why; returns -1. */
int df_lx_fail(struct df_lex *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat} (op '#' or '%'). */
int df_lx_trim(struct df_lex *L, int op, const char *v, const char *pat, size_t pn,
	       struct str *out);
/* ${VAR/pat/rep} and ${VAR//pat/rep}. */
int df_lx_replace(struct df_lex *L, int all, const char *v, const char *pat, size_t pn,
		  const char *rep, size_t rn, struct str *out);

#endif
