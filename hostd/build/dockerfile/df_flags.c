/* df_flags: an instruction's leading --flags, as BuildKit's BFlags.Parse
 * takes them (known per instruction, no duplicates but for the list ones,
 * booleans with an optional =true/=false, the rest with a value), then
 * this builder's refusals: valid Docker flags it does not implement are
 * refused by name. The ones it implements (COPY/ADD --chown --chmod,
 * HEALTHCHECK's durations and --retries) are checked and stored in the
 * struct df_inst. Never looks at the instruction's arguments.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { F_BOOL, F_STR, F_STRS };

struct flagdef;
typedef int (*flag_set_fn)(struct df_ctx *c, struct df_inst *in, const struct flagdef *d,
			   const char *val);

/* The flags Docker knows per instruction. set NULL: valid Docker that this
 * builder does not implement; refused by name (a boolean one only when
 * set true). off: where set stores the value. */
struct flagdef {
	enum df_kind kind;
	const char *name;
	int type;
	flag_set_fn set;
	size_t off;
};

static int set_chown(struct df_ctx *c, struct df_inst *in, const struct flagdef *d,
		     const char *val)
{
	(void)c, (void)d;
	in->chown = val;
	return 0;
}

static int set_chmod(struct df_ctx *c, struct df_inst *in, const struct flagdef *d,
		     const char *val)
{
	(void)d;
	if (df_literal(val, c->df->escape) &&
	    (strlen(val) > 4 || strspn(val, "01234567") != strlen(val)))
		return df_fail(c, "%s --chmod=%s: only octal modes are supported",
			       df_kind_name(in->kind), val);
	in->chmod = val;
	return 0;
}

static int set_retries(struct df_ctx *c, struct df_inst *in, const struct flagdef *d,
		       const char *val)
{
	char *end;
	long long r;

	(void)d;
	/* strconv.ParseInt(v, 10, 32): an optional sign, digits. */
	errno = 0;
	r = strtoll(val, &end, 10);
	if (*end || end == val || errno || r > INT_MAX || r < INT_MIN ||
	    (val[0] != '-' && val[0] != '+' && !(val[0] >= '0' && val[0] <= '9')))
		return df_fail(c, "HEALTHCHECK --retries: invalid number \"%s\"", val);
	if (r < 0)
		return df_fail(c, "HEALTHCHECK --retries cannot be negative (%lld)", r);
	in->retries = (int)r;
	return 0;
}

static int set_duration(struct df_ctx *c, struct df_inst *in, const struct flagdef *d,
			const char *val)
{
	long long ns;

	if (df_go_duration(val, &ns) < 0)
		return df_fail(c, "HEALTHCHECK --%s: invalid duration \"%s\"", d->name, val);
	if (ns != 0 && ns < 1000000)
		return df_fail(c, "HEALTHCHECK --%s cannot be less than 1ms", d->name);
	*(long long *)((char *)in + d->off) = ns;
	return 0;
}

#define HC_DURATION(name, field) \
	{DF_HEALTHCHECK, name, F_STR, set_duration, offsetof(struct df_inst, field)}

static const struct flagdef flagdefs[] = {
	{DF_FROM, "platform", F_STR, NULL, 0},
	{DF_RUN, "mount", F_STRS, NULL, 0}, {DF_RUN, "network", F_STR, NULL, 0},
	{DF_RUN, "security", F_STR, NULL, 0}, {DF_RUN, "device", F_STRS, NULL, 0},
	{DF_COPY, "chown", F_STR, set_chown, 0}, {DF_COPY, "chmod", F_STR, set_chmod, 0},
	{DF_COPY, "from", F_STR, NULL, 0}, {DF_COPY, "link", F_BOOL, NULL, 0},
	{DF_COPY, "parents", F_BOOL, NULL, 0}, {DF_COPY, "exclude", F_STRS, NULL, 0},
	{DF_ADD, "chown", F_STR, set_chown, 0}, {DF_ADD, "chmod", F_STR, set_chmod, 0},
	{DF_ADD, "link", F_BOOL, NULL, 0}, {DF_ADD, "keep-git-dir", F_BOOL, NULL, 0},
	{DF_ADD, "checksum", F_STR, NULL, 0}, {DF_ADD, "exclude", F_STRS, NULL, 0},
	{DF_ADD, "unpack", F_BOOL, NULL, 0},
	HC_DURATION("interval", interval_ns), HC_DURATION("timeout", timeout_ns),
	HC_DURATION("start-period", start_period_ns),
	HC_DURATION("start-interval", start_interval_ns),
	{DF_HEALTHCHECK, "retries", F_STR, set_retries, 0},
};

/* The index of flag f[0..nl) of kind in flagdefs, or -1. */
static int flag_find(enum df_kind kind, const char *f, size_t nl)
{
	int d = -1;

	for (size_t k = 0; k < sizeof(flagdefs) / sizeof(flagdefs[0]); k++)
		if (flagdefs[k].kind == kind && strlen(flagdefs[k].name) == nl &&
		    !memcmp(flagdefs[k].name, f, nl))
			d = (int)k;
	return d;
}

/* A boolean flag: "--link", "--link=true", "--link=false". eq: whether
 * an '=' was written. */
static int flag_bool(struct df_ctx *c, const char *what, const struct flagdef *d, int eq,
		     const char *val)
{
	int on;

	if (eq && !*val)
		return df_fail(c, "%s: missing a value on flag: --%s", what, d->name);
	if (!*val || df_eqi(val, strlen(val), "true"))
		on = 1;
	else if (df_eqi(val, strlen(val), "false"))
		on = 0;
	else
		return df_fail(c, "%s: expecting boolean value for flag --%s, not: %s",
			       what, d->name, val);
	if (on && !d->set)
		return df_fail(c, "%s --%s is not supported by this builder", what, d->name);
	return 0;
}

/* A flag with a value. */
static int flag_value(struct df_ctx *c, struct df_inst *in, const char *what,
		      const struct flagdef *d, int eq, const char *val)
{
	if (!eq)
		return df_fail(c, "%s: missing a value on flag: --%s", what, d->name);
	if (!d->set) {
		if (in->kind == DF_COPY && !strcmp(d->name, "from"))
			return df_fail(c, "COPY --from is not supported by this builder: copy from the "
				       "build context, or build that stage as an image of its own and "
				       "FROM it");
		return df_fail(c, "%s --%s is not supported by this builder", what, d->name);
	}
	if (!*val)
		return 0;	/* Docker: an empty value is no value */
	return d->set(c, in, d, val);
}

int df_parse_flags(struct df_ctx *c, struct df_inst *in)
{
	const char *what = df_kind_name(in->kind);
	unsigned used = 0;

	for (int i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i] + 2, *eq = strchr(f, '=');
		size_t nl = eq ? (size_t)(eq - f) : strlen(f);
		const char *val = eq ? eq + 1 : "";
		int d = flag_find(in->kind, f, nl), r;

		if (d < 0)
			return df_fail(c, "%s: unknown flag: --%.*s", what, (int)nl, f);
		if ((used & 1u << d) && flagdefs[d].type != F_STRS)
			return df_fail(c, "%s: duplicate flag specified: --%s", what, flagdefs[d].name);
		used |= 1u << d;
		if (flagdefs[d].type == F_BOOL)
			r = flag_bool(c, what, &flagdefs[d], eq != NULL, val);
		else
			r = flag_value(c, in, what, &flagdefs[d], eq != NULL, val);
		if (r < 0)
			return -1;
	}
	return 0;
}
