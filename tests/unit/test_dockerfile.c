#include <stdlib.h>
#include <string.h>

#include "build/dockerfile/dockerfile.h"
#include "unit.h"

static struct dockerfile df;
static char err[512];

static int parse(const char *text)
{
	return df_parse(&df, "Dockerfile", text, strlen(text), err, sizeof(err));
}

/* The Dockerfile must fail with exactly this message. */
static int fails_with(const char *text, const char *msg)
{
	if (parse(text) == 0) {
		fprintf(stderr, "  parsed, want: %s\n", msg);
		df_free(&df);
		return 0;
	}
	if (strcmp(err, msg)) {
		fprintf(stderr, "  got: %s\n want: %s\n", err, msg);
		return 0;
	}
	return df.ninst == 0 && df.inst == NULL;
}

/* Parse, check one instruction (the i-th) against its arguments, free. */
static int args_are(const struct df_inst *in, const char *const *want)
{
	int n = 0;

	for (; want[n]; n++)
		if (n >= in->nargs || strcmp(in->args[n], want[n])) {
			fprintf(stderr, "  arg %d: got [%s] want [%s]\n", n,
				n < in->nargs ? in->args[n] : "(none)", want[n]);
			return 0;
		}
	return n == in->nargs && in->args[n] == NULL;
}

#define ARGS(in, ...) args_are((in), (const char *const[]){__VA_ARGS__, NULL})

static const char *const vars[] = {
	"HOME=/root", "EMPTY=", "FOO=foobarbaz", "SP=a b", "X=x",
	"U=\xc3\xa9-\xe2\x82\xac\nz", NULL,
};

static const char *lookup(void *ctx, const char *name, size_t len)
{
	const char *const *v = ctx;

	for (; *v; v++)
		if (!strncmp(*v, name, len) && (*v)[len] == '=')
			return *v + len + 1;
	return NULL;
}

static int expands_esc(const char *word, char esc, const char *want)
{
	char *out;
	int ok;

	if (df_expand(word, esc, lookup, (void *)vars, &out, err, sizeof(err)) < 0) {
		fprintf(stderr, "  %s: %s\n", word, err);
		return 0;
	}
	ok = !strcmp(out, want);
	if (!ok)
		fprintf(stderr, "  %s: got [%s] want [%s]\n", word, out, want);
	free(out);
	return ok;
}

static int expands(const char *word, const char *want)
{
	return expands_esc(word, '\\', want);
}

static int expand_fails(const char *word, const char *msg)
{
	char *out = (char *)"x";

	if (df_expand(word, '\\', lookup, (void *)vars, &out, err, sizeof(err)) == 0) {
		fprintf(stderr, "  %s: expanded to [%s]\n", word, out);
		free(out);
		return 0;
	}
	if (strcmp(err, msg)) {
		fprintf(stderr, "  got: %s\n want: %s\n", err, msg);
		return 0;
	}
	return out == NULL;
}

/* A whole Dockerfile as the stack writes them. */
static void test_full(void)
{
	const char *text =
		"# syntax=docker/dockerfile:1\n"
		"\n"
		"ARG DEBIAN=bookworm\n"
		"FROM debian:${DEBIAN} AS Base\n"
		"  run apt-get update && \\\n"
		"    # the web server\n"
		"    apt-get install -y nginx \\\n"
		"  && rm -rf /var/lib/apt/lists/*\n"
		"ENV LANG=C.UTF-8 TITLE=\"Inception and more\" DIR=/var/www\\ html\n"
		"COPY --chown=www-data:www-data --chmod=0644 conf/nginx.conf /etc/nginx/\n"
		"COPY [\"tools/a b.sh\", \"/usr/local/bin/\"]\n"
		"EXPOSE 443/tcp\n"
		"HEALTHCHECK --interval=5s --timeout=2s --start-period=1m30s --start-interval=500ms \\\n"
		"    --retries=3 CMD curl -fsk https://localhost/ || exit 1\n"
		"USER www-data\n"
		"WORKDIR /var/www\n"
		"STOPSIGNAL SIGQUIT\n"
		"ENTRYPOINT [\"/usr/local/bin/entry.sh\"]\n"
		"CMD [\"nginx\", \"-g\", \"daemon off;\"]\n";
	const struct df_inst *in;

	CHECK(parse(text) == 0);
	CHECK(df.ninst == 13 && df.escape == '\\' && df.nwarnings == 0);
	CHECK(df.syntax && !strcmp(df.syntax, "docker/dockerfile:1") && !df.check);
	in = &df.inst[0];
	CHECK(in->kind == DF_ARG && in->line == 3 && in->nkv == 1 &&
	      !strcmp(in->kv[0].key, "DEBIAN") && !strcmp(in->kv[0].value, "bookworm"));
	in = &df.inst[1];
	CHECK(in->kind == DF_FROM && ARGS(in, "debian:${DEBIAN}", "AS", "base") &&
	      !strcmp(in->image, "debian:${DEBIAN}") && !strcmp(in->stage, "base"));
	/* Continuation lines keep their leading blanks; the comment line is
	 * gone; the instruction spans lines 5 to 8. */
	in = &df.inst[2];
	CHECK(in->kind == DF_RUN && in->line == 5 && in->end_line == 8 && !in->json &&
	      ARGS(in, "apt-get update &&     apt-get install -y nginx   && rm -rf /var/lib/apt/lists/*"));
	CHECK(!strcmp(in->text, "run apt-get update &&     apt-get install -y nginx   && "
		      "rm -rf /var/lib/apt/lists/*"));
	in = &df.inst[3];
	CHECK(in->kind == DF_ENV && in->nkv == 3 && in->nargs == 0 &&
	      !strcmp(in->kv[0].key, "LANG") && !strcmp(in->kv[0].value, "C.UTF-8") &&
	      !strcmp(in->kv[1].value, "\"Inception and more\"") &&
	      !strcmp(in->kv[2].value, "/var/www\\ html"));
	in = &df.inst[4];
	CHECK(in->kind == DF_COPY && ARGS(in, "conf/nginx.conf", "/etc/nginx/") &&
	      in->nflags == 2 && !strcmp(in->flags[0], "--chown=www-data:www-data") &&
	      !strcmp(in->chown, "www-data:www-data") && !strcmp(in->chmod, "0644"));
	in = &df.inst[5];
	CHECK(in->kind == DF_COPY && in->json && ARGS(in, "tools/a b.sh", "/usr/local/bin/") &&
	      !in->chown && !in->chmod);
	CHECK(df.inst[6].kind == DF_EXPOSE && ARGS(&df.inst[6], "443/tcp"));
	in = &df.inst[7];
	CHECK(in->kind == DF_HEALTHCHECK && !in->health_none && !in->json &&
	      in->line == 13 && in->end_line == 14 &&
	      in->interval_ns == 5000000000LL && in->timeout_ns == 2000000000LL &&
	      in->start_period_ns == 90000000000LL && in->start_interval_ns == 500000000LL &&
	      in->retries == 3 && ARGS(in, "curl -fsk https://localhost/ || exit 1"));
	CHECK(df.inst[8].kind == DF_USER && ARGS(&df.inst[8], "www-data"));
	CHECK(df.inst[9].kind == DF_WORKDIR && ARGS(&df.inst[9], "/var/www"));
	CHECK(df.inst[10].kind == DF_STOPSIGNAL && ARGS(&df.inst[10], "SIGQUIT"));
	CHECK(df.inst[11].kind == DF_ENTRYPOINT && df.inst[11].line == 18 && df.inst[11].json &&
	      ARGS(&df.inst[11], "/usr/local/bin/entry.sh"));
	in = &df.inst[12];
	CHECK(in->kind == DF_CMD && in->json && ARGS(in, "nginx", "-g", "daemon off;") &&
	      in->line == 19 && !strcmp(in->text, "CMD [\"nginx\", \"-g\", \"daemon off;\"]"));
	df_free(&df);
	CHECK(df.ninst == 0 && df.inst == NULL && df.mem.head == NULL);
}

/* Parser directives: only at the very top, each once. */
static void test_directives(void)
{
	/* escape=` : the backtick continues lines and escapes; \ is literal. */
	CHECK(parse("# escape=`\nFROM scratch\nCOPY a c:\\dir\\ `\n  /x\n") == 0 &&
	      df.escape == '`' && df.ninst == 2 && ARGS(&df.inst[1], "a", "c:\\dir\\", "/x") &&
	      df.inst[1].end_line == 4);
	df_free(&df);
	/* Blanks around the key and the '=' are allowed; the key's case is not
	 * significant; syntax and check are recorded and otherwise ignored. */
	CHECK(parse("#\tESCAPE = `\n#syntax=docker/dockerfile:1.7\n# check = skip=all\n"
		    "FROM scratch\n") == 0 &&
	      df.escape == '`' && !strcmp(df.syntax, "docker/dockerfile:1.7") &&
	      !strcmp(df.check, "skip=all"));
	df_free(&df);
	/* Leading blanks before the '#', and a UTF-8 byte-order mark. */
	CHECK(parse("\xEF\xBB\xBF  # escape=`\nFROM scratch\n") == 0 && df.escape == '`');
	df_free(&df);
	/* After a comment, a blank line, an instruction or an unknown
	 * directive, a directive is just a comment. */
	CHECK(parse("# About this file\n# escape=`\nFROM scratch\n") == 0 && df.escape == '\\');
	df_free(&df);
	CHECK(parse("\n# escape=`\nFROM scratch\n") == 0 && df.escape == '\\');
	df_free(&df);
	CHECK(parse("FROM scratch\n# escape=`\n") == 0 && df.escape == '\\');
	df_free(&df);
	CHECK(parse("# unknowndirective=value\n# escape=`\nFROM scratch\n") == 0 &&
	      df.escape == '\\');
	df_free(&df);
	/* No value, no directive (a comment). */
	CHECK(parse("# escape=\n# syntax=x\nFROM scratch\n") == 0 && df.escape == '\\' &&
	      !df.syntax);
	df_free(&df);
	CHECK(fails_with("# escape=`\n# escape=\\\nFROM scratch\n",
			 "Dockerfile:2: only one escape parser directive can be used"));
	CHECK(fails_with("# syntax=a\n# SYNTAX=b\nFROM scratch\n",
			 "Dockerfile:2: only one syntax parser directive can be used"));
	CHECK(fails_with("# escape=x\nFROM scratch\n",
			 "Dockerfile:1: invalid escape token 'x' does not match ` or \\"));
}

/* Comments, continuations, blank lines, line endings. */
static void test_lines(void)
{
	/* '#' only starts a comment at the start of a line. */
	CHECK(parse("FROM scratch\n    # indented comment\nRUN echo 'a # b'\n") == 0 &&
	      df.ninst == 2 && ARGS(&df.inst[1], "echo 'a # b'") && df.inst[1].line == 3);
	df_free(&df);
	/* A comment line inside a continuation vanishes, even indented; a
	 * blank one too, with BuildKit's warning; the instruction goes on. */
	CHECK(parse("FROM scratch\nRUN a \\\n  # note\n\n   \n  b\nRUN c\n") == 0 &&
	      df.ninst == 3 && ARGS(&df.inst[1], "a   b") && df.inst[1].line == 2 &&
	      df.inst[1].end_line == 6 && ARGS(&df.inst[2], "c") && df.nwarnings == 1 &&
	      !strcmp(df.warnings[0], "Dockerfile:2: RUN: empty continuation line (Docker "
		      "warns; it will become an error)"));
	df_free(&df);
	/* Blanks after the escape character still continue the line. */
	CHECK(parse("FROM scratch\nRUN a \\  \t\nb\n") == 0 && ARGS(&df.inst[1], "a b"));
	df_free(&df);
	/* An escaped escape character at the end does not continue. */
	CHECK(parse("FROM scratch\nRUN echo \\\\\nRUN b\n") == 0 && df.ninst == 3 &&
	      ARGS(&df.inst[1], "echo \\\\"));
	df_free(&df);
	/* A line that is only the escape character joins the next. */
	CHECK(parse("FROM scratch\nRUN a \\\n\\\nb\n") == 0 && ARGS(&df.inst[1], "a b") &&
	      df.inst[1].end_line == 4);
	df_free(&df);
	/* A comment cannot be continued. */
	CHECK(parse("FROM scratch\n# comment \\\nRUN b\n") == 0 && df.ninst == 2 &&
	      ARGS(&df.inst[1], "b"));
	df_free(&df);
	/* The file may end inside a continuation. */
	CHECK(parse("FROM scratch\nRUN a \\") == 0 && ARGS(&df.inst[1], "a") &&
	      !strcmp(df.inst[1].text, "RUN a "));
	df_free(&df);
	/* CRLF line endings; leading blanks; keywords in any case. */
	CHECK(parse("from scratch\r\n   Run a \\\r\n b\r\n\r\ncmd x\r\n") == 0 && df.ninst == 3 &&
	      df.inst[0].kind == DF_FROM && ARGS(&df.inst[1], "a  b") &&
	      !strcmp(df.inst[1].text, "Run a  b") && df.inst[2].kind == DF_CMD &&
	      df.inst[2].line == 5);
	df_free(&df);
	CHECK(fails_with("", "Dockerfile:1: file with no instructions"));
	CHECK(fails_with("# only\n\n# comments\n", "Dockerfile:3: file with no instructions"));
	CHECK(fails_with("ARG A=1\nARG B\n",
			 "Dockerfile:2: no FROM instruction: a Dockerfile must start a build stage"));
	{
		static const char nul[] = "FROM scratch\nRUN a\0b\n";

		CHECK(df_parse(&df, "Dockerfile", nul, sizeof(nul) - 1, err, sizeof(err)) < 0 &&
		      !strcmp(err, "Dockerfile:2: NUL byte in the file"));
	}
	{
		size_t n = 13 + 65536 + 1;
		char *big = malloc(n + 1);

		memcpy(big, "FROM scratch\n", 13);
		memset(big + 13, 'a', 65536);
		memcpy(big + 13, "RUN ", 4);
		big[n - 1] = '\n';
		big[n] = '\0';
		CHECK(fails_with(big, "Dockerfile:2: line greater than max allowed size of 65535"));
		big[13 + 65535] = '\n';
		CHECK(parse(big) == 0 && df.ninst == 2);
		df_free(&df);
		free(big);
	}
	CHECK(fails_with("FROM scratch\nFOO bar\n", "Dockerfile:2: unknown instruction: FOO"));
	CHECK(fails_with("FROM scratch\nRUNX a\n", "Dockerfile:2: unknown instruction: RUNX"));
	/* Only ARG may come before the first FROM. */
	CHECK(fails_with("ARG A\nRUN make\nFROM scratch\n",
			 "Dockerfile:2: RUN before the first FROM (no build stage in current context)"));
}

/* Exec form (a JSON string array) and shell form. */
static void test_forms(void)
{
	CHECK(parse("FROM scratch\n"
		    "RUN [ \"echo\", \"a\\\"b\", \"\\u00e9\\ud83d\\ude00\", \"c:\\\\x\", \"\" ]\n"
		    "RUN ['echo', 'a']\n"
		    "RUN [\"echo\"] && ls\n"
		    "RUN [\"echo\", \"unterminated]\n"
		    "CMD []\n"
		    "CMD\n"
		    "ENTRYPOINT exec nginx -g 'daemon off;'\n"
		    "SHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n"
		    "RUN [\"\\ud800\", \"x\\/y\"]\n") == 0 && df.ninst == 10);
	CHECK(df.inst[1].json && ARGS(&df.inst[1], "echo", "a\"b", "\xC3\xA9\xF0\x9F\x98\x80", "c:\\x", ""));
	/* Not JSON (single quotes, trailing text, unterminated): shell form. */
	CHECK(!df.inst[2].json && ARGS(&df.inst[2], "['echo', 'a']"));
	CHECK(!df.inst[3].json && ARGS(&df.inst[3], "[\"echo\"] && ls"));
	CHECK(!df.inst[4].json && ARGS(&df.inst[4], "[\"echo\", \"unterminated]"));
	CHECK(df.inst[5].json && df.inst[5].nargs == 0);
	CHECK(!df.inst[6].json && df.inst[6].nargs == 0);
	CHECK(!df.inst[7].json && ARGS(&df.inst[7], "exec nginx -g 'daemon off;'"));
	CHECK(df.inst[8].kind == DF_SHELL && ARGS(&df.inst[8], "/bin/bash", "-eo", "pipefail", "-c"));
	/* A lone surrogate is U+FFFD, as Go decodes it. */
	CHECK(ARGS(&df.inst[9], "\xEF\xBF\xBD", "x/y"));
	df_free(&df);
	CHECK(fails_with("FROM scratch\nRUN [\"a\", 1]\n",
			 "Dockerfile:2: RUN: when using JSON array syntax, arrays must be "
			 "comprised of strings only"));
	CHECK(fails_with("FROM scratch\nCMD [\"a\", [\"b\"], {\"c\": null}]\n",
			 "Dockerfile:2: CMD: when using JSON array syntax, arrays must be "
			 "comprised of strings only"));
	CHECK(fails_with("FROM scratch\nCMD [\"a\\u0000\"]\n",
			 "Dockerfile:2: CMD: a JSON string may not contain \\u0000"));
	CHECK(fails_with("FROM scratch\nRUN\n", "Dockerfile:2: RUN requires at least one argument"));
	CHECK(fails_with("FROM scratch\nSHELL /bin/bash -c\n",
			 "Dockerfile:2: SHELL requires the arguments to be in JSON form"));
	CHECK(fails_with("FROM scratch\nSHELL []\n",
			 "Dockerfile:2: SHELL requires at least one argument"));
	/* Every instruction takes leading --flags, even CMD: a shell-form
	 * command that starts with "--" is taken for a flag. */
	CHECK(fails_with("FROM scratch\nCMD --help\n", "Dockerfile:2: CMD: unknown flag: --help"));
	CHECK(fails_with("FROM scratch\nENV --x=1 A=b\n", "Dockerfile:2: ENV: unknown flag: --x"));
	CHECK(fails_with("FROM scratch\nRUN --mount=type=cache,target=/root/.cache make\n",
			 "Dockerfile:2: RUN --mount is not supported by this builder"));
	CHECK(fails_with("FROM scratch\nRUN --network=none make\n",
			 "Dockerfile:2: RUN --network is not supported by this builder"));
	/* Heredocs are BuildKit's; this builder refuses them. */
	CHECK(fails_with("FROM scratch\nRUN <<EOF\necho hi\nEOF\n",
			 "Dockerfile:2: RUN: heredocs (<<EOF) are not supported by this builder"));
	CHECK(fails_with("FROM scratch\nRUN cat <<-'EOT' > /x\n",
			 "Dockerfile:2: RUN: heredocs (<<EOF) are not supported by this builder"));
	CHECK(fails_with("FROM scratch\nCOPY <<EOF /etc/x\n",
			 "Dockerfile:2: COPY: heredocs (<<EOF) are not supported by this builder"));
	/* Not heredocs: quoted, a here-string, exec form, another instruction. */
	CHECK(parse("FROM scratch\nRUN echo \"<<EOF\" '<<X'\nRUN cat <<< hi\n"
		    "RUN [\"cat\", \"<<EOF\"]\nLABEL a=<<EOF\n") == 0 && df.ninst == 5);
	df_free(&df);
}

/* ENV, LABEL, ARG: words keep their quotes and escapes for df_expand. */
static void test_env(void)
{
	const struct df_inst *in;
	char *v;

	CHECK(parse("ARG A B=2 C= \"D\"=\"x y\" E=a\\ b\n"
		    "FROM scratch\n"
		    "ENV k1=v1 k2=\"two words\" k3='$lit' k4=a\\ b k5= k6=\"\"\n"
		    "ENV OLD   the rest  \"of the\" line\n"
		    "ENV  OLD2=x\n"
		    "LABEL org.opencontainers.image.title=\"web\" maintainer=me\n"
		    "LABEL description This is the web server\n") == 0 && df.ninst == 7);
	in = &df.inst[0];
	CHECK(in->kind == DF_ARG && in->nkv == 5 && in->nargs == 0 &&
	      !strcmp(in->kv[0].key, "A") && in->kv[0].value == NULL &&
	      !strcmp(in->kv[1].key, "B") && !strcmp(in->kv[1].value, "2") &&
	      !strcmp(in->kv[2].key, "C") && !strcmp(in->kv[2].value, "") &&
	      !strcmp(in->kv[3].key, "\"D\"") && !strcmp(in->kv[3].value, "\"x y\"") &&
	      !strcmp(in->kv[4].value, "a\\ b"));
	in = &df.inst[2];
	CHECK(in->kind == DF_ENV && in->nkv == 6 &&
	      !strcmp(in->kv[1].value, "\"two words\"") && !strcmp(in->kv[2].value, "'$lit'") &&
	      !strcmp(in->kv[3].value, "a\\ b") && !strcmp(in->kv[4].value, "") &&
	      !strcmp(in->kv[5].value, "\"\""));
	/* What the builder does with them: expand each word. */
	CHECK(df_expand(in->kv[1].value, df.escape, NULL, NULL, &v, err, sizeof(err)) == 0 &&
	      !strcmp(v, "two words"));
	free(v);
	CHECK(df_expand(in->kv[2].value, df.escape, NULL, NULL, &v, err, sizeof(err)) == 0 &&
	      !strcmp(v, "$lit"));
	free(v);
	CHECK(df_expand(in->kv[3].value, df.escape, NULL, NULL, &v, err, sizeof(err)) == 0 &&
	      !strcmp(v, "a b"));
	free(v);
	/* The legacy form: the first word is the key, the rest of the line
	 * (inner blanks and quotes included) the value. */
	in = &df.inst[3];
	CHECK(in->nkv == 1 && !strcmp(in->kv[0].key, "OLD") &&
	      !strcmp(in->kv[0].value, "the rest  \"of the\" line"));
	CHECK(df.inst[4].nkv == 1 && !strcmp(df.inst[4].kv[0].value, "x"));
	in = &df.inst[5];
	CHECK(in->kind == DF_LABEL && in->nkv == 2 &&
	      !strcmp(in->kv[0].key, "org.opencontainers.image.title") &&
	      !strcmp(in->kv[0].value, "\"web\""));
	/* LABEL has the legacy form too. */
	CHECK(df.inst[6].nkv == 1 && !strcmp(df.inst[6].kv[0].key, "description") &&
	      !strcmp(df.inst[6].kv[0].value, "This is the web server"));
	df_free(&df);
	CHECK(fails_with("FROM scratch\nENV\n", "Dockerfile:2: ENV requires at least one argument"));
	CHECK(fails_with("FROM scratch\nENV ALONE\n", "Dockerfile:2: ENV must have two arguments"));
	CHECK(fails_with("FROM scratch\nENV A=1 B\n",
			 "Dockerfile:2: ENV: Syntax error - can't find = in \"B\". Must be of "
			 "the form: name=value"));
	CHECK(fails_with("FROM scratch\nENV =x\n", "Dockerfile:2: ENV names can not be blank"));
	CHECK(fails_with("FROM scratch\nLABEL\n", "Dockerfile:2: LABEL requires at least one argument"));
	CHECK(fails_with("FROM scratch\nLABEL a=1 =2\n", "Dockerfile:2: LABEL names can not be blank"));
	CHECK(parse("FROM scratch\nARG ODD=\x01\n") == 0 && df.inst[1].kv[0].value &&
	      !strcmp(df.inst[1].kv[0].value, "\x01"));
	df_free(&df);
	CHECK(fails_with("FROM scratch\nARG\n", "Dockerfile:2: ARG requires at least one argument"));
	CHECK(fails_with("FROM scratch\nARG =1\n", "Dockerfile:2: ARG names can not be blank"));
}

static void test_from(void)
{
	CHECK(parse("FROM debian:bookworm\nFROM web:1.0 as Final-Stage.2\n") == 0 &&
	      df.ninst == 2 && !strcmp(df.inst[0].image, "debian:bookworm") &&
	      !df.inst[0].stage && !strcmp(df.inst[1].stage, "final-stage.2"));
	df_free(&df);
	CHECK(fails_with("FROM\n", "Dockerfile:1: FROM requires either one or three arguments"));
	CHECK(fails_with("FROM a b\n", "Dockerfile:1: FROM requires either one or three arguments"));
	CHECK(fails_with("FROM a AS b c\n", "Dockerfile:1: FROM requires either one or three arguments"));
	CHECK(fails_with("FROM a AS 1st\n",
			 "Dockerfile:1: FROM: invalid name for build stage: \"1st\", name can't "
			 "start with a number or contain symbols"));
	CHECK(fails_with("FROM --platform=linux/arm64 debian:bookworm\n",
			 "Dockerfile:1: FROM --platform is not supported by this builder"));
}

static void test_copy(void)
{
	const struct df_inst *in;

	CHECK(parse("FROM scratch\n"
		    "COPY --chown=\"www data\" --chmod=755 a b /dst/\n"
		    "ADD --chown=1000:1000 site.tar.gz /var/www/\n"
		    "COPY --link=false --chmod=$MODE -- --odd-name /x\n"
		    "COPY [\"with space\", \"--not-a-flag\", \"/d e/\"]\n"
		    "COPY --chmod= --chown= a /b\n") == 0 && df.ninst == 6);
	in = &df.inst[1];
	CHECK(ARGS(in, "a", "b", "/dst/") && !strcmp(in->chown, "www data") &&
	      !strcmp(in->chmod, "755") && !strcmp(in->flags[0], "--chown=www data"));
	in = &df.inst[2];
	CHECK(in->kind == DF_ADD && ARGS(in, "site.tar.gz", "/var/www/") &&
	      !strcmp(in->chown, "1000:1000") && !in->chmod);
	/* A flag set to false is no flag; "--" ends the flags; a variable
	 * in --chmod is the builder's to check after expansion. */
	in = &df.inst[3];
	CHECK(ARGS(in, "--odd-name", "/x") && !strcmp(in->chmod, "$MODE") && in->nflags == 2);
	CHECK(df.inst[4].json && ARGS(&df.inst[4], "with space", "--not-a-flag", "/d e/"));
	/* An empty value is no value. */
	CHECK(!df.inst[5].chmod && !df.inst[5].chown);
	df_free(&df);
	CHECK(fails_with("FROM scratch\nCOPY onlyone\n",
			 "Dockerfile:2: COPY requires at least two arguments, but only one was "
			 "provided. Destination could not be determined"));
	CHECK(fails_with("FROM scratch\nADD\n",
			 "Dockerfile:2: ADD requires at least two arguments, but only one was "
			 "provided. Destination could not be determined"));
	CHECK(fails_with("FROM scratch\nCOPY --from=build /app /app\n",
			 "Dockerfile:2: COPY --from is not supported by this builder: copy from "
			 "the build context, or build that stage as an image of its own and FROM it"));
	CHECK(fails_with("FROM scratch\nADD https://example.com/a.tgz /x/\n",
			 "Dockerfile:2: ADD https://example.com/a.tgz: remote sources are not "
			 "supported by this builder (it builds offline): put the file in the "
			 "build context"));
	CHECK(fails_with("FROM scratch\nADD [\"git@github.com:a/b.git\", \"/src\"]\n",
			 "Dockerfile:2: ADD git@github.com:a/b.git: remote sources are not "
			 "supported by this builder (it builds offline): put the file in the "
			 "build context"));
	CHECK(fails_with("FROM scratch\nCOPY http://example.com/a /x\n",
			 "Dockerfile:2: COPY: source can't be a URL for COPY"));
	CHECK(fails_with("FROM scratch\nCOPY --link a /b\n",
			 "Dockerfile:2: COPY --link is not supported by this builder"));
	CHECK(fails_with("FROM scratch\nCOPY --parents=true a /b\n",
			 "Dockerfile:2: COPY --parents is not supported by this builder"));
	CHECK(fails_with("FROM scratch\nCOPY --exclude=*.md . /b\n",
			 "Dockerfile:2: COPY --exclude is not supported by this builder"));
	CHECK(fails_with("FROM scratch\nADD --checksum=sha256:00 a /b\n",
			 "Dockerfile:2: ADD --checksum is not supported by this builder"));
	CHECK(fails_with("FROM scratch\nCOPY --link=maybe a /b\n",
			 "Dockerfile:2: COPY: expecting boolean value for flag --link, not: maybe"));
	CHECK(fails_with("FROM scratch\nCOPY --link= a /b\n",
			 "Dockerfile:2: COPY: missing a value on flag: --link"));
	CHECK(fails_with("FROM scratch\nCOPY --chown a /b\n",
			 "Dockerfile:2: COPY: missing a value on flag: --chown"));
	CHECK(fails_with("FROM scratch\nCOPY --chown=a --chown=b x /y\n",
			 "Dockerfile:2: COPY: duplicate flag specified: --chown"));
	CHECK(fails_with("FROM scratch\nCOPY --owner=a x /y\n",
			 "Dockerfile:2: COPY: unknown flag: --owner"));
	CHECK(fails_with("FROM scratch\nCOPY --chmod=u+x a /b\n",
			 "Dockerfile:2: COPY --chmod=u+x: only octal modes are supported"));
	CHECK(fails_with("FROM scratch\nADD --chmod=07777 a /b\n",
			 "Dockerfile:2: ADD --chmod=07777: only octal modes are supported"));
}

static void test_expose_volume(void)
{
	CHECK(parse("FROM scratch\nEXPOSE 80 443/tcp 53/UDP 8000-8010 ${PORT}/tcp\n"
		    "VOLUME /var/lib/mysql \"/quoted\"\nVOLUME [\" /data \"]\n") == 0 &&
	      ARGS(&df.inst[1], "80", "443/tcp", "53/UDP", "8000-8010", "${PORT}/tcp") &&
	      ARGS(&df.inst[2], "/var/lib/mysql", "\"/quoted\"") && df.inst[3].json &&
	      ARGS(&df.inst[3], "/data"));
	df_free(&df);
	CHECK(fails_with("FROM scratch\nEXPOSE\n", "Dockerfile:2: EXPOSE requires at least one argument"));
	CHECK(fails_with("FROM scratch\nEXPOSE http\n", "Dockerfile:2: EXPOSE: invalid port \"http\""));
	CHECK(fails_with("FROM scratch\nEXPOSE 132/sctp\n",
			 "Dockerfile:2: EXPOSE: unsupported protocol in \"132/sctp\" (tcp or udp)"));
	CHECK(fails_with("FROM scratch\nVOLUME\n", "Dockerfile:2: VOLUME requires at least one argument"));
	CHECK(fails_with("FROM scratch\nVOLUME [\"/a\", \" \"]\n",
			 "Dockerfile:2: VOLUME specified can not be an empty string"));
}

static void test_healthcheck(void)
{
	const struct df_inst *in;

	CHECK(parse("FROM scratch\n"
		    "HEALTHCHECK CMD [\"mysqladmin\", \"ping\", \"-h\", \"localhost\"]\n"
		    "healthcheck --interval=0 --timeout=1.5s --retries=+0 cmd pgrep php-fpm\n"
		    "HEALTHCHECK none\n") == 0 && df.ninst == 4);
	in = &df.inst[1];
	CHECK(in->json && !in->health_none && ARGS(in, "mysqladmin", "ping", "-h", "localhost") &&
	      in->interval_ns == 0 && in->retries == -1);
	in = &df.inst[2];
	CHECK(!in->json && ARGS(in, "pgrep php-fpm") && in->timeout_ns == 1500000000LL &&
	      in->interval_ns == 0 && in->retries == 0);
	in = &df.inst[3];
	CHECK(in->health_none && in->nargs == 0);
	df_free(&df);
	CHECK(fails_with("FROM scratch\nHEALTHCHECK\n",
			 "Dockerfile:2: HEALTHCHECK requires at least one argument"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK NONE please\n",
			 "Dockerfile:2: HEALTHCHECK NONE takes no arguments"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --interval=1s NONE\n",
			 "Dockerfile:2: HEALTHCHECK NONE takes no options"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK CMD\n",
			 "Dockerfile:2: HEALTHCHECK: Missing command after HEALTHCHECK CMD"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK CMD []\n",
			 "Dockerfile:2: HEALTHCHECK: Missing command after HEALTHCHECK CMD"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK cmd-shell true\n",
			 "Dockerfile:2: HEALTHCHECK: Unknown type \"CMD-SHELL\" in HEALTHCHECK (try CMD)"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --interval=5 CMD true\n",
			 "Dockerfile:2: HEALTHCHECK --interval: invalid duration \"5\""));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --timeout=5x CMD true\n",
			 "Dockerfile:2: HEALTHCHECK --timeout: invalid duration \"5x\""));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --start-period=500us CMD true\n",
			 "Dockerfile:2: HEALTHCHECK --start-period cannot be less than 1ms"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --interval=-1s CMD true\n",
			 "Dockerfile:2: HEALTHCHECK --interval cannot be less than 1ms"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --retries=-1 CMD true\n",
			 "Dockerfile:2: HEALTHCHECK --retries cannot be negative (-1)"));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --retries=three CMD true\n",
			 "Dockerfile:2: HEALTHCHECK --retries: invalid number \"three\""));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --retries=9999999999 CMD true\n",
			 "Dockerfile:2: HEALTHCHECK --retries: invalid number \"9999999999\""));
	CHECK(fails_with("FROM scratch\nHEALTHCHECK --period=1s CMD true\n",
			 "Dockerfile:2: HEALTHCHECK: unknown flag: --period"));
	/* Go's duration syntax: units may be combined, fractions, µs. */
	CHECK(parse("FROM scratch\nHEALTHCHECK --interval=1h2m3.5s --timeout=2000\xC2\xB5s "
		    "--start-period=.5s CMD true\n") == 0 &&
	      df.inst[1].interval_ns == 3723500000000LL && df.inst[1].timeout_ns == 2000000LL &&
	      df.inst[1].start_period_ns == 500000000LL);
	df_free(&df);
}

static void test_misc_instructions(void)
{
	const struct df_inst *in;

	CHECK(parse("FROM scratch\nUSER www-data:www-data\nWORKDIR /srv/my site\n"
		    "STOPSIGNAL 3\nMAINTAINER Jane <jane@example.com>\n"
		    "ONBUILD COPY --chown=app . /app\nonbuild  run make\n") == 0 && df.ninst == 7);
	CHECK(ARGS(&df.inst[1], "www-data:www-data") && ARGS(&df.inst[2], "/srv/my site") &&
	      ARGS(&df.inst[3], "3") && df.inst[4].kind == DF_MAINTAINER &&
	      ARGS(&df.inst[4], "Jane <jane@example.com>"));
	in = &df.inst[5];
	CHECK(in->kind == DF_ONBUILD && ARGS(in, "COPY --chown=app . /app") && in->trigger &&
	      in->trigger->kind == DF_COPY && ARGS(in->trigger, ".", "/app") &&
	      !strcmp(in->trigger->chown, "app") && in->trigger->line == 6);
	in = &df.inst[6];
	CHECK(ARGS(in, "run make") && in->trigger->kind == DF_RUN && ARGS(in->trigger, "make"));
	df_free(&df);
	CHECK(fails_with("FROM scratch\nUSER\n", "Dockerfile:2: USER requires exactly one argument"));
	CHECK(fails_with("FROM scratch\nWORKDIR\n", "Dockerfile:2: WORKDIR requires exactly one argument"));
	CHECK(fails_with("FROM scratch\nSTOPSIGNAL\n",
			 "Dockerfile:2: STOPSIGNAL requires exactly one argument"));
	CHECK(fails_with("FROM scratch\nMAINTAINER\n",
			 "Dockerfile:2: MAINTAINER requires exactly one argument"));
	CHECK(fails_with("FROM scratch\nONBUILD\n", "Dockerfile:2: ONBUILD requires at least one argument"));
	CHECK(fails_with("FROM scratch\nONBUILD ONBUILD RUN x\n",
			 "Dockerfile:2: ONBUILD: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"));
	CHECK(fails_with("FROM scratch\nONBUILD FROM x\n",
			 "Dockerfile:2: ONBUILD: FROM isn't allowed as an ONBUILD trigger"));
	CHECK(fails_with("FROM scratch\nONBUILD maintainer me\n",
			 "Dockerfile:2: ONBUILD: MAINTAINER isn't allowed as an ONBUILD trigger"));
	CHECK(fails_with("FROM scratch\nONBUILD BOGUS x\n", "Dockerfile:2: unknown instruction: BOGUS"));
	CHECK(fails_with("FROM scratch\nONBUILD ADD http://x/y /z\n",
			 "Dockerfile:2: ADD http://x/y: remote sources are not supported by this "
			 "builder (it builds offline): put the file in the build context"));
	CHECK(fails_with("FROM scratch\nUSER --name=x www-data\n",
			 "Dockerfile:2: USER: unknown flag: --name"));
	/* As in BuildKit, the argument count is checked before the flags. */
	CHECK(fails_with("FROM scratch\nUSER --name=x\n",
			 "Dockerfile:2: USER requires exactly one argument"));
	CHECK(!strcmp(df_kind_name(DF_HEALTHCHECK), "HEALTHCHECK") &&
	      !strcmp(df_kind_name(DF_ONBUILD), "ONBUILD"));
	CHECK(df_kind_expands(DF_COPY) && df_kind_expands(DF_ENV) && df_kind_expands(DF_ARG) &&
	      df_kind_expands(DF_WORKDIR) && !df_kind_expands(DF_RUN) &&
	      !df_kind_expands(DF_CMD) && !df_kind_expands(DF_HEALTHCHECK));
}

static void test_expand(void)
{
	char *v;

	CHECK(expands("$HOME", "/root") && expands("${HOME}", "/root") &&
	      expands("${HOME}_x", "/root_x") && expands("$HOME_x", "") &&
	      expands("pre-$X-post", "pre-x-post"));
	/* Quotes go; nothing is special in '...'; in "..." only \" \$ \\. */
	CHECK(expands("'$HOME'", "$HOME") && expands("\"$HOME\"", "/root") &&
	      expands("\"a\\\"b\"", "a\"b") && expands("\"a\\b\"", "a\\b") &&
	      expands("\"\\$X\"", "$X") && expands("a\\ b", "a b") && expands("\\$HOME", "$HOME") &&
	      expands("\\${HOME}", "${HOME}") && expands("'a'\"b\"c", "abc") &&
	      expands("\"$SP\"", "a b") && expands("abc\\", "abc"));
	CHECK(expands("${NOPE:-def}", "def") && expands("${EMPTY:-def}", "def") &&
	      expands("${EMPTY-def}", "") && expands("${NOPE-def}", "def") &&
	      expands("${HOME:-def}", "/root") && expands("${HOME:+alt}", "alt") &&
	      expands("${EMPTY:+alt}", "") && expands("${EMPTY+alt}", "alt") &&
	      expands("${NOPE+alt}", "") && expands("${NOPE:-$HOME/x}", "/root/x") &&
	      expands("${NOPE:-\"a  b\"}", "a  b") && expands("${NOPE:-a\\}b}", "a}b") &&
	      expands("${EMPTY?}", "") && expands("${HOME:?}", "/root"));
	CHECK(expands("${FOO#f*b}", "arbaz") && expands("${FOO##f*b}", "az") &&
	      expands("${FOO%b*}", "foobar") && expands("${FOO%%b*}", "foo") &&
	      expands("${FOO#x}", "foobarbaz") && expands("${FOO#?o}", "obarbaz") &&
	      expands("${FOO/ba/fo}", "fooforbaz") && expands("${FOO//ba/fo}", "fooforfoz") &&
	      expands("${FOO/b*/X}", "fooX") && expands("${NOPE/a/b}", ""));
	/* $$ is the shell's PID there: an unset variable, so "". $1 too. */
	CHECK(expands("$$", "") && expands("$1x", "x") && expands("$", "$") &&
	      expands("a$", "a$") && expands("$/", "$/") && expands("${#}", ""));
	CHECK(expands_esc("`$HOME", '`', "$HOME") && expands_esc("c:\\dir", '`', "c:\\dir") &&
	      expands_esc("\"a`\"b\"", '`', "a\"b"));
	CHECK(expand_fails("${NOPE:?must be set}",
			   "failed to process \"${NOPE:?must be set}\": NOPE: must be set"));
	CHECK(expand_fails("${NOPE?}",
			   "failed to process \"${NOPE?}\": NOPE: is not allowed to be unset"));
	CHECK(expand_fails("${EMPTY:?}",
			   "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty"));
	CHECK(expand_fails("${", "failed to process \"${\": syntax error: missing '}'"));
	CHECK(expand_fails("${}", "failed to process \"${}\": syntax error: bad substitution"));
	CHECK(expand_fails("${:x}", "failed to process \"${:x}\": syntax error: bad substitution"));
	CHECK(expand_fails("${HOME", "failed to process \"${HOME\": syntax error: missing '}'"));
	CHECK(expand_fails("${HOME:-x", "failed to process \"${HOME:-x\": syntax error: missing '}'"));
	CHECK(expand_fails("${HOME:=x}",
			   "failed to process \"${HOME:=x}\": unsupported modifier (:=) in substitution"));
	CHECK(expand_fails("${HOME^}",
			   "failed to process \"${HOME^}\": unsupported modifier (^) in substitution"));
	CHECK(expand_fails("${FOO/a}", "failed to process \"${FOO/a}\": syntax error: missing '/' in ${}"));
	CHECK(expand_fails("${FOO#\\a}",
			   "failed to process \"${FOO#\\a}\": invalid pattern (\\a) in substitution: "
			   "invalid escape '\\a'"));
	CHECK(expand_fails("\"abc", "failed to process \"\"abc\": unexpected end of statement "
			   "while looking for matching double-quote"));
	CHECK(expand_fails("'abc", "failed to process \"'abc\": unexpected end of statement "
			   "while looking for matching single-quote"));
	/* One line, whatever the word holds. */
	CHECK(expand_fails("a\n${", "failed to process \"a\\n${\": syntax error: missing '}'"));
	/* No lookup: nothing is set. */
	CHECK(df_expand("[$HOME]", '\\', NULL, NULL, &v, err, sizeof(err)) == 0 && !strcmp(v, "[]"));
	free(v);
	/* ${ nesting is bounded: 50000 levels (300 KB of word) ran out of
	 * stack. At most 100 deep. */
	{
		static char deep[4 * 50000 + 1 + 50000 + 1], why[1024];
		char *o;

		for (int i = 0; i < 50000; i++)
			memcpy(deep + 4 * i, "${A-", 4);
		deep[200000] = 'x';
		memset(deep + 200001, '}', 50000);
		deep[250001] = '\0';
		CHECK(df_expand(deep, '\\', NULL, NULL, &o, why, sizeof(why)) < 0);
		/* 100 is fine, 101 is not. */
		memmove(deep, deep + 4 * (50000 - 100), 4 * 100 + 1);
		memset(deep + 401, '}', 100);
		deep[501] = '\0';
		CHECK(df_expand(deep, '\\', NULL, NULL, &o, why, sizeof(why)) == 0 && !strcmp(o, "x"));
		free(o);
		memmove(deep + 4, deep, 502);
		memcpy(deep, "${A-", 4);
		deep[505] = '}';
		deep[506] = '\0';
		CHECK(df_expand(deep, '\\', NULL, NULL, &o, why, sizeof(why)) < 0 &&
		      strstr(why, "nested more than 100 deep"));
	}
}

static const char *long_lookup(void *ctx, const char *name, size_t len)
{
	(void)name, (void)len;
	return ctx;
}

/* The patterns of # % / (df_glob.c): * and ? take a character (UTF-8),
 * not a newline; a part that ends inside a character sees it cut there. */
static void test_expand_patterns(void)
{
	static char big[3001];
	char *o;

	CHECK(expands("${U#?}", "\xa9-\xe2\x82\xac\nz") && expands("${U##?}", "-\xe2\x82\xac\nz") &&
	      expands("${U#??}", "\xe2\x82\xac\nz") && expands("${U%?}", "\xc3\xa9-\xe2\x82\xac\n") &&
	      expands("${U%%?*}", "\xc3\xa9-\xe2\x82\xac\n") && expands("${U%?z}", "\xc3\xa9-\xe2\x82\xac\nz") &&
	      expands("${U#*}", "\xc3\xa9-\xe2\x82\xac\nz") && expands("${U##*}", "\nz") &&
	      expands("${U%%*}", "\xc3\xa9-\xe2\x82\xac\n"));
	CHECK(expands("${U/?/X}", "X-\xe2\x82\xac\nz") && expands("${U//?/X}", "XXX\nX") &&
	      expands("${U//*/X}", "X\nX") && expands("${U//-*/X}", "\xc3\xa9X\nz") &&
	      expands("${U//\\*/X}", "\xc3\xa9-\xe2\x82\xac\nz") && expands("${U/*-/}", "\xe2\x82\xac\nz"));
	CHECK(expands("${FOO//o/}", "fbarbaz") && expands("${FOO//*a/_}", "_z") &&
	      expands("${FOO//b?/}", "foorz") && expands("${FOO//x*/y}", "foobarbaz") &&
	      expands("${FOO//\\?/y}", "foobarbaz") && expands("${EMPTY//?/y}", "") &&
	      expands("${NOPE//*/y}", "y"));
	/* A long value, no match: one pass a start, not one a part (this
	 * took seconds). */
	for (int i = 0; i < 3000; i++)
		big[i] = "abc/"[i % 4];
	CHECK(df_expand("${V//b*z/x}", '\\', long_lookup, big, &o, err, sizeof(err)) == 0 &&
	      !strcmp(o, big));
	free(o);
	CHECK(df_expand("${V%%/*}", '\\', long_lookup, big, &o, err, sizeof(err)) == 0 &&
	      !strcmp(o, "abc"));
	free(o);
	CHECK(df_expand("${V##*/}", '\\', long_lookup, big, &o, err, sizeof(err)) == 0 &&
	      !strcmp(o, ""));
	free(o);
}

static int words_are(const char *word, const char *const *want)
{
	char **w;
	int n, i;

	if (df_expand_words(word, '\\', lookup, (void *)vars, &w, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "  %s: %s\n", word, err);
		return 0;
	}
	for (i = 0; want[i]; i++)
		if (i >= n || strcmp(w[i], want[i])) {
			fprintf(stderr, "  %s: word %d: got [%s] want [%s]\n", word, i,
				i < n ? w[i] : "(none)", want[i]);
			free(w);
			return 0;
		}
	i = i == n && w[n] == NULL;
	free(w);
	return i;
}

#define WORDS(word, ...) words_are((word), (const char *const[]){__VA_ARGS__, NULL})

/* EXPOSE's expansion splits into words. */
static void test_expand_words(void)
{
	char **w;
	int n;

	CHECK(WORDS("80", "80") && WORDS("$SP/tcp", "a", "b/tcp") &&
	      WORDS("\"$SP\"", "a b") && WORDS("a\\ b c", "a b", "c") &&
	      WORDS("  x   y  ", "x", "y") && WORDS("'' x", "x") &&
	      WORDS("${NOPE:-1 2}", "1", "2") && WORDS("pre$SP", "prea", "b"));
	CHECK(df_expand_words("$EMPTY", '\\', lookup, (void *)vars, &w, &n, err, sizeof(err)) == 0 &&
	      n == 0 && w[0] == NULL);
	free(w);
	/* An unset variable first: nothing in the result yet (tests/fuzz found
	 * a NULL + 0 there; make test-unit-san checks it). */
	CHECK(df_expand_words("$NOPE", '\\', lookup, (void *)vars, &w, &n, err, sizeof(err)) == 0 &&
	      n == 0 && w[0] == NULL);
	free(w);
	CHECK(WORDS("$NOPE${NOPE}80 $NOPE", "80"));
	CHECK(df_expand_words("${X", '\\', lookup, (void *)vars, &w, &n, err, sizeof(err)) < 0 &&
	      w == NULL && !strcmp(err, "failed to process \"${X\": syntax error: missing '}'"));
}

static void test_port(void)
{
	struct df_port p;

	CHECK(df_port("80", &p, err, sizeof(err)) == 0 && p.lo == 80 && p.hi == 80 && !p.udp);
	CHECK(df_port("53/UDP", &p, err, sizeof(err)) == 0 && p.lo == 53 && p.udp);
	CHECK(df_port("8000-8010/tcp", &p, err, sizeof(err)) == 0 && p.lo == 8000 && p.hi == 8010);
	CHECK(df_port("65535", &p, err, sizeof(err)) == 0 && p.lo == 65535);
	CHECK(df_port("0", &p, err, sizeof(err)) < 0 && !strcmp(err, "invalid port \"0\""));
	CHECK(df_port("65536", &p, err, sizeof(err)) < 0);
	CHECK(df_port("10-5", &p, err, sizeof(err)) < 0);
	CHECK(df_port("", &p, err, sizeof(err)) < 0);
	CHECK(df_port("80-", &p, err, sizeof(err)) < 0);
	CHECK(df_port("80/sctp", &p, err, sizeof(err)) < 0 &&
	      !strcmp(err, "unsupported protocol in \"80/sctp\" (tcp or udp)"));
}

void test_dockerfile(void)
{
	test_full();
	test_directives();
	test_lines();
	test_forms();
	test_env();
	test_from();
	test_copy();
	test_expose_volume();
	test_healthcheck();
	test_misc_instructions();
	test_expand();
	test_expand_patterns();
	test_expand_words();
	test_port();
}
