#include <stdlib.h>
#include <string.h>

#include "build/compose/envfile.h"
#include "unit.h"

static struct envfile ef;
static char err[512];

/* The caller's variables ("the environment"), and the unset ones it was
 * told of, as "NAME," each. */
static const char *const outside[] = {"HOME=/root", "EMPTY=", "A=outside", NULL};
static char unset_seen[256];

static const char *get(void *ctx, const char *name, size_t len)
{
	const char *const *v = ctx;

	for (; *v; v++)
		if (!strncmp(*v, name, len) && (*v)[len] == '=')
			return *v + len + 1;
	return NULL;
}

static void unset(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	strncat(unset_seen, name, len);
	strcat(unset_seen, ",");
}

static const struct env_lookup env = {get, unset, (void *)outside};

static int parse_with(const char *text, const struct env_lookup *e)
{
	unset_seen[0] = '\0';
	return envfile_parse(&ef, ".env", text, strlen(text), e, err, sizeof(err));
}

static int parse(const char *text)
{
	return parse_with(text, NULL);
}

static int fails_with(const char *text, const char *msg)
{
	if (parse(text) == 0) {
		fprintf(stderr, "  parsed, want: %s\n", msg);
		envfile_free(&ef);
		return 0;
	}
	if (strcmp(err, msg)) {
		fprintf(stderr, "  got: %s\n want: %s\n", err, msg);
		return 0;
	}
	return ef.nvars == 0 && ef.vars == NULL;
}

static int is(const char *key, const char *want)
{
	const char *v = envfile_get(&ef, key);

	if (!v || strcmp(v, want)) {
		fprintf(stderr, "  %s: got [%s] want [%s]\n", key, v ? v : "(unset)", want);
		return 0;
	}
	return 1;
}

static int interpolates(const char *s, const char *want)
{
	char *out;
	int ok;

	unset_seen[0] = '\0';
	if (env_interpolate(s, &env, &out, err, sizeof(err)) < 0) {
		fprintf(stderr, "  %s: %s\n", s, err);
		return 0;
	}
	ok = !strcmp(out, want);
	if (!ok)
		fprintf(stderr, "  %s: got [%s] want [%s]\n", s, out, want);
	free(out);
	return ok;
}

static int interpolate_fails(const char *s, const char *msg)
{
	char *out = (char *)"x";

	if (env_interpolate(s, &env, &out, err, sizeof(err)) == 0) {
		fprintf(stderr, "  %s: gave [%s]\n", s, out);
		free(out);
		return 0;
	}
	if (strcmp(err, msg)) {
		fprintf(stderr, "  got: %s\n want: %s\n", err, msg);
		return 0;
	}
	return out == NULL;
}

static void test_syntax(void)
{
	CHECK(parse("# the stack's settings\n"
		    "\n"
		    "DOMAIN=wil.42.fr\n"
		    "  SPACED = around  \n"
		    "export EXPORTED=1\n"
		    "export\tTABBED=2\n"
		    "exportNAME=3\n"
		    "\t# indented comment\n"
		    "EMPTY=\n"
		    "DOTS.and-dashes[0]=ok\n"
		    "YAML: style\n"
		    "URL=postgres://db:5432/x?ssl=off\n"
		    "EQ=a=b\n"
		    "CRLF=yes\r\n"
		    "LAST=no newline") == 0);
	CHECK(ef.nvars == 12 && !strcmp(ef.vars[0].key, "DOMAIN") && ef.vars[0].line == 3 &&
	      !strcmp(ef.vars[11].key, "LAST") && ef.vars[11].line == 15);
	CHECK(is("DOMAIN", "wil.42.fr") && is("SPACED", "around") && is("EXPORTED", "1") &&
	      is("TABBED", "2") && is("exportNAME", "3") && is("EMPTY", "") &&
	      is("DOTS.and-dashes[0]", "ok") && is("YAML", "style") &&
	      is("URL", "postgres://db:5432/x?ssl=off") && is("EQ", "a=b") && is("CRLF", "yes") &&
	      is("LAST", "no newline"));
	CHECK(envfile_get(&ef, "NOPE") == NULL);
	envfile_free(&ef);
	CHECK(ef.nvars == 0 && ef.mem.head == NULL);
	CHECK(parse("") == 0 && ef.nvars == 0);
	envfile_free(&ef);
	CHECK(parse("\n  \n# nothing\n") == 0 && ef.nvars == 0);
	envfile_free(&ef);
}

/* Values: unquoted, single- and double-quoted, as Compose documents them. */
static void test_values(void)
{
	CHECK(parse("C1=VAL # comment\n"
		    "C2=VAL# not a comment\n"
		    "C3=#x\n"
		    "C4=a\t# tab then hash\n"
		    "Q1=\"VAL # not a comment\"\n"
		    "Q2=\"VAL\" # comment\n"
		    "Q3='VAL'   \n"
		    "S1='$OTHER'\n"
		    "S2='${OTHER}'\n"
		    "S3='Let\\'s go!'\n"
		    "S4='some\\tvalue'\n"
		    "D1=\"{\\\"hello\\\": \\\"json\\\"}\"\n"
		    "D2=\"some\\tvalue\"\n"
		    "D3=\"a\\nb\\rc\\\\d\"\n"
		    "D4=\"cost \\$5\"\n"
		    "D5=\"\\0101\\q\\c\\012\"\n"
		    "D6=\"ends with backslash\\\\\"\n"
		    "U1=some\\tvalue\n"
		    "U2=$$literal\n"
		    "E1=''\n"
		    "E2=\"\"\n") == 0);
	CHECK(is("C1", "VAL") && is("C2", "VAL# not a comment") && is("C3", "#x") &&
	      is("C4", "a\t# tab then hash"));
	CHECK(is("Q1", "VAL # not a comment") && is("Q2", "VAL") && is("Q3", "VAL"));
	CHECK(is("S1", "$OTHER") && is("S2", "${OTHER}") && is("S3", "Let's go!") &&
	      is("S4", "some\\tvalue"));
	CHECK(is("D1", "{\"hello\": \"json\"}") && is("D2", "some\tvalue") &&
	      is("D3", "a\nb\rc\\d") && is("D4", "cost $5") && is("D5", "A\\q\\c\\012") &&
	      is("D6", "ends with backslash\\"));
	CHECK(is("U1", "some\\tvalue") && is("U2", "$literal") && is("E1", "") && is("E2", ""));
	envfile_free(&ef);
	/* Quoted values may span lines; line numbers stay right after them. */
	CHECK(parse("KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nNEXT='a\nb'\nLAST=1\n") == 0 &&
	      is("KEY", "-----BEGIN KEY-----\nabc\n-----END KEY-----") && is("NEXT", "a\nb") &&
	      ef.vars[0].line == 1 && ef.vars[1].line == 4 && ef.vars[2].line == 6);
	envfile_free(&ef);
	/* A later definition wins; the first one's place is kept. */
	CHECK(parse("A=1\nB=2\nA=3\n") == 0 && ef.nvars == 2 && !strcmp(ef.vars[0].key, "A") &&
	      is("A", "3") && ef.vars[0].line == 3);
	envfile_free(&ef);
}

/* Interpolation inside the file: the caller's variables first, then the
 * keys above. Single-quoted values are left alone. */
static void test_file_interpolation(void)
{
	CHECK(parse_with("B=2\nA=inside\nAB=$A-${B}\nDEF=${NOPE:-fallback}\nQ=\"$B and $HOME\"\n"
			 "S='$B'\nU=[$NOPE][${NOPE2}][${NOPE3:-x}]\nSELF=$SELF\n", &env) == 0);
	CHECK(is("AB", "outside-2") && is("DEF", "fallback") && is("Q", "2 and /root") &&
	      is("S", "$B") && is("U", "[][][x]") && is("SELF", ""));
	/* Unset variables without a default are reported, once each time. */
	CHECK(!strcmp(unset_seen, "NOPE,NOPE2,SELF,"));
	envfile_free(&ef);
	/* Without outside variables: only the file's own. */
	CHECK(parse("A=1\nB=${A}${A}\n") == 0 && is("B", "11"));
	envfile_free(&ef);
}

static void test_errors(void)
{
	CHECK(fails_with("OK=1\nMY KEY=1\n", ".env:2: MY KEY: key cannot contain a space"));
	CHECK(fails_with("MY\tKEY=1\n", ".env:1: MY\tKEY: key cannot contain a space"));
	CHECK(fails_with("A=1\n\nJUSTAKEY\nB=2\n", ".env:3: JUSTAKEY: missing '=' (KEY=VALUE)"));
	CHECK(fails_with("LAST", ".env:1: LAST: missing '=' (KEY=VALUE)"));
	CHECK(fails_with("=value\n", ".env:1: missing variable name before '='"));
	CHECK(fails_with("  : value\n", ".env:1: missing variable name before ':'"));
	CHECK(fails_with("A$B=1\n", ".env:1: unexpected character '$' in variable name"));
	CHECK(fails_with("\xC3\xA9T\xC3\xA9=1\n",
			 ".env:1: unexpected character \\xc3 in variable name"));
	CHECK(fails_with("A=1\nB=\"never closed\nC=3\n", ".env:2: B: unterminated quoted value"));
	CHECK(fails_with("B='x\\'\n", ".env:1: B: unterminated quoted value"));
	CHECK(fails_with("A=\"x\" y\n", ".env:1: A: unexpected text after the closing quote"));
	CHECK(fails_with("A='x'B=1\n", ".env:1: A: unexpected text after the closing quote"));
	CHECK(fails_with("A=\"1\n2\"\nB C=1\n", ".env:3: B C: key cannot contain a space"));
	CHECK(fails_with("PASS=${DB_PASS:?set DB_PASS in .env}\n",
			 ".env:1: PASS: required variable DB_PASS is missing a value: set DB_PASS in .env"));
	CHECK(fails_with("A=${B\n", ".env:1: A: Invalid template: \"${B\""));
	CHECK(fails_with("A=\"\\0000\"\n", ".env:1: A: a \\0000 (NUL) in the value"));
	/* An error stays on one line, whatever the value holds. */
	CHECK(fails_with("A=\"x\n${B\"\n", ".env:1: A: Invalid template: \"x\\n${B\""));
	{
		static const char nul[] = "A=1\nB=x\0y\n";

		CHECK(envfile_parse(&ef, ".env", nul, sizeof(nul) - 1, NULL, err, sizeof(err)) < 0 &&
		      !strcmp(err, ".env:2: NUL byte in the file"));
	}
}

/* Compose interpolation of a string. */
static void test_interpolate(void)
{
	CHECK(interpolates("$HOME", "/root") && interpolates("${HOME}", "/root") &&
	      interpolates("${HOME}/data", "/root/data") && interpolates("$HOME_DIR", "") &&
	      interpolates("a$A-b", "aoutside-b"));
	CHECK(interpolates("plain text", "plain text") && interpolates("", ""));
	/* $$ is a literal $ and stops interpolation. */
	CHECK(interpolates("$$HOME", "$HOME") && interpolates("$$$HOME", "$/root") &&
	      interpolates("$${HOME}", "${HOME}"));
	CHECK(interpolates("${NOPE:-def}", "def") && interpolates("${EMPTY:-def}", "def") &&
	      interpolates("${EMPTY-def}", "") && interpolates("${NOPE-def}", "def") &&
	      interpolates("${HOME:-def}", "/root") && interpolates("${HOME-def}", "/root"));
	CHECK(interpolates("${HOME:+alt}", "alt") && interpolates("${EMPTY:+alt}", "") &&
	      interpolates("${EMPTY+alt}", "alt") && interpolates("${NOPE+alt}", "") &&
	      interpolates("${NOPE:+alt}", ""));
	CHECK(interpolates("${EMPTY?}", "") && interpolates("${HOME:?err}", "/root"));
	/* Nesting. */
	CHECK(interpolates("${NOPE:-${HOME}}", "/root") &&
	      interpolates("${NOPE:-${NOPE2:-deep}}", "deep") &&
	      interpolates("${NOPE:-a ${HOME} b}x", "a /root bx") &&
	      interpolates("${HOME:+[${A}]}", "[outside]") &&
	      interpolates("${NOPE:-$${X}}", "${X}"));
	/* A $ that starts no variable stays. */
	CHECK(interpolates("$1", "$1") && interpolates("100% $", "100% $") &&
	      interpolates("a $ b", "a $ b") && interpolates("$-x", "$-x"));
	/* Names: letters, digits, _; any case. */
	CHECK(interpolates("$a_B9x", "") && interpolates("${_}", ""));
	/* Unset without a default is reported; with one, it is not. */
	CHECK(interpolates("$U1 ${U2} ${U3:-d} ${U4-d} ${U5:+a}", "  d d ") &&
	      !strcmp(unset_seen, "U1,U2,"));
	CHECK(interpolate_fails("${NOPE:?need it}", "required variable NOPE is missing a value: need it"));
	CHECK(interpolate_fails("${EMPTY:?}", "required variable EMPTY is missing a value"));
	CHECK(interpolate_fails("${NOPE?$HOME is set}",
				"required variable NOPE is missing a value: /root is set"));
	CHECK(interpolate_fails("${1}", "Invalid template: \"${1}\""));
	CHECK(interpolate_fails("x ${HOME", "Invalid template: \"x ${HOME\""));
	CHECK(interpolate_fails("${HOME:x}", "Invalid template: \"${HOME:x}\""));
	CHECK(interpolate_fails("${}", "Invalid template: \"${}\""));
	CHECK(interpolate_fails("${HOME/a/b}", "Invalid template: \"${HOME/a/b}\""));
	CHECK(interpolate_fails("${NOPE:-${HOME}", "Invalid template: \"${NOPE:-${HOME}\""));
	/* An error in a default is an error even when the default is not
	 * used, as in Compose (it interpolates the default first). */
	CHECK(interpolate_fails("${HOME:-${NOPE:?inner}}",
				"required variable NOPE is missing a value: inner"));
	{
		char *out;

		CHECK(env_interpolate("[$HOME]", NULL, &out, err, sizeof(err)) == 0 &&
		      !strcmp(out, "[]"));
		free(out);
	}
	/* ${ nesting is bounded: 50000 levels (300 KB of value) ran out of
	 * stack. At most 100 deep. */
	{
		static char deep[4 * 50000 + 1 + 50000 + 1], why[1024];
		char *o;

		for (int i = 0; i < 50000; i++)
			memcpy(deep + 4 * i, "${A-", 4);
		deep[200000] = 'x';
		memset(deep + 200001, '}', 50000);
		deep[250001] = '\0';
		CHECK(env_interpolate(deep, NULL, &o, why, sizeof(why)) < 0);
		/* 100 is fine, 101 is not. */
		memmove(deep, deep + 4 * (50000 - 100), 4 * 100 + 1);
		memset(deep + 401, '}', 100);
		deep[501] = '\0';
		CHECK(env_interpolate(deep, NULL, &o, why, sizeof(why)) == 0 && !strcmp(o, "x"));
		free(o);
		memmove(deep + 4, deep, 502);
		memcpy(deep, "${A-", 4);
		deep[505] = '}';
		deep[506] = '\0';
		CHECK(env_interpolate(deep, NULL, &o, why, sizeof(why)) < 0 &&
		      strstr(why, "nested more than 100 deep"));
	}
}

void test_envfile(void)
{
	test_syntax();
	test_values();
	test_file_interpolation();
	test_errors();
	test_interpolate();
}
