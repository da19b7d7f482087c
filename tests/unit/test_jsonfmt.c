#include <string.h>

#include "ctl/jsonfmt.h"
#include "unit.h"

/* An object as report_inspect writes it. */
static const char obj[] =
	"{\"Name\": \"db\", \"State\": {\"Status\": \"running\", \"Running\": true, "
	"\"Pid\": 4242, \"ExitCode\": 0, \"Health\": {\"Status\": \"healthy\", "
	"\"FailingStreak\": 0}}, \"RestartCount\": 3, \"Config\": {\"Image\": \"db:1.0\"}, "
	"\"LogPath\": \"/run/hostd/logs/db.log\"}]\n";

void test_jsonfmt(void)
{
	char out[512];

	CHECK(jsonfmt_field(obj, "Pid", out, sizeof(out)) == 0 && !strcmp(out, "4242"));
	CHECK(jsonfmt_field(obj, "Image", out, sizeof(out)) == 0 && !strcmp(out, "db:1.0"));
	CHECK(jsonfmt_field(obj, "Nope", out, sizeof(out)) < 0);
	{
		char *v[4];
		const char *j = "{\"Config\": {\"Env\": [\"A=1\", \"Q=say \\\"hi\\\"\", \"E=\"], \"X\": 1}}";

		CHECK(jsonfmt_strings(j, "Env", out, sizeof(out), v, 4) == 3);
		CHECK(!strcmp(v[0], "A=1") && !strcmp(v[1], "Q=say \"hi\"") && !strcmp(v[2], "E=") && !v[3]);
		CHECK(jsonfmt_strings(j, "Env", out, sizeof(out), v, 3) < 0);	/* too many */
		CHECK(jsonfmt_strings(j, "X", out, sizeof(out), v, 4) < 0);	/* not an array */
		CHECK(jsonfmt_strings("{\"Env\": []}", "Env", out, sizeof(out), v, 4) == 0 && !v[0]);
		CHECK(jsonfmt_strings("{\"Env\": [1, 2]}", "Env", out, sizeof(out), v, 4) < 0);
		CHECK(jsonfmt_strings(j, "Env", out, 5, v, 4) < 0);	/* too long */
	}
	CHECK(jsonfmt_format("{{.State.Pid}}", obj, out, sizeof(out)) == 0 && !strcmp(out, "4242"));
	CHECK(jsonfmt_format("{{.State.Status}}", obj, out, sizeof(out)) == 0 &&
	      !strcmp(out, "running"));
	/* The same key name deeper down: the path decides. */
	CHECK(jsonfmt_format("{{ .State.Health.Status }}", obj, out, sizeof(out)) == 0 &&
	      !strcmp(out, "healthy"));
	CHECK(jsonfmt_format("pid={{.State.Pid}} restarts={{.RestartCount}}", obj, out,
			     sizeof(out)) == 0 && !strcmp(out, "pid=4242 restarts=3"));
	CHECK(jsonfmt_format("{{.Config.Image}}", obj, out, sizeof(out)) == 0 &&
	      !strcmp(out, "db:1.0"));
	CHECK(jsonfmt_format("{{json .}}", obj, out, sizeof(out)) == 0 && out[0] == '{' &&
	      out[strlen(out) - 1] == '}');
	CHECK(jsonfmt_format("{{.State.Nope}}", obj, out, sizeof(out)) < 0 &&
	      !strcmp(out, "template: cannot evaluate '{{.State.Nope}}'"));
	CHECK(jsonfmt_format("{{range .Mounts}}", obj, out, sizeof(out)) < 0);
	CHECK(jsonfmt_format("{{.State.Pid", obj, out, sizeof(out)) < 0 &&
	      strstr(out, "no closing }}"));
	CHECK(jsonfmt_format("plain text", obj, out, sizeof(out)) == 0 &&
	      !strcmp(out, "plain text"));

	/* Escaped strings are read back whole and unescaped. */
	{
		static const char esc[] = "{\"Env\": [\"A=\\\"Pid\\\": 1\"], \"Cmd\": \"say \\\"hi\\\"\\\\n\\u0001\", "
					  "\"Pid\": 7, \"Mounts\": [{\"Type\": \"volume\", \"Name\": \"wp\"}]}";
		CHECK(jsonfmt_field(esc, "Pid", out, sizeof(out)) == 0 && !strcmp(out, "7"));
		CHECK(jsonfmt_field(esc, "Cmd", out, sizeof(out)) == 0 &&
		      !strcmp(out, "say \"hi\"\\n\001"));
		CHECK(jsonfmt_format("{{json .Mounts}}", esc, out, sizeof(out)) == 0 &&
		      !strcmp(out, "[{\"Type\": \"volume\", \"Name\": \"wp\"}]"));
		CHECK(jsonfmt_format("{{json .Env}}", esc, out, sizeof(out)) == 0 &&
		      !strcmp(out, "[\"A=\\\"Pid\\\": 1\"]"));
		CHECK(jsonfmt_format("json", esc, out, sizeof(out)) == 0 && !strcmp(out, esc));
	}
	/* Writing: escapes, and overflow is caught, not overrun. */
	{
		char small[8];
		struct jbuf b;

		jb_init(&b, out, sizeof(out));
		jb_printf(&b, "{\"S\": ");
		jb_str(&b, "a\"b\\c\nd\te\x01");
		jb_printf(&b, "}");
		CHECK(!b.overflow && !strcmp(out, "{\"S\": \"a\\\"b\\\\c\\nd\\te\\u0001\"}"));
		CHECK(jsonfmt_field(out, "S", small, sizeof(small)) < 0);	/* too long */
		jb_init(&b, small, sizeof(small));
		jb_str(&b, "0123456789");
		CHECK(b.overflow && strlen(small) < sizeof(small));
	}
	/* Rows: templates, json lines and aligned tables with titles. */
	{
		static const char rows[] =
			"{\"Names\": \"db\", \"Image\": \"db:1.0\", \"RestartCount\": 2, \"RunningFor\": \"1 s\"}\n"
			"{\"Names\": \"wordpress\", \"Image\": \"wp:1\", \"RestartCount\": 0, \"RunningFor\": \"2 s\"}\n";
		char big[1024];

		CHECK(jsonfmt_rows("{{.Names}}", rows, big, sizeof(big)) == 0 &&
		      !strcmp(big, "db\nwordpress\n"));
		CHECK(jsonfmt_rows("json", rows, big, sizeof(big)) == 0 && !strcmp(big, rows));
		CHECK(jsonfmt_rows("table {{.Names}}\\t{{.RestartCount}}\\t{{.RunningFor}}", rows,
				   big, sizeof(big)) == 0 &&
		      !strcmp(big, "NAMES       RESTARTS   RUNNING FOR\n"
				   "db          2          1 s\n"
				   "wordpress   0          2 s\n"));
		CHECK(jsonfmt_rows("table", "", big, sizeof(big)) == 0 && !strcmp(big, "\n"));
		CHECK(jsonfmt_rows("{{.Nope}}", rows, big, sizeof(big)) < 0 &&
		      !strcmp(big, "template: cannot evaluate '{{.Nope}}'"));
	}
	/* Output cut short at the buffer's end, never past it, however the
	 * template's text and values fall (tests/fuzz: text after a value
	 * that filled the buffer was written beyond it). */
	{
		struct {
			char out[16], guard[32];
		} g;
		static const char obj[] = "{\"A\": \"abcdefghij\"}";
		char rows[3 * 64], big[64];

		memset(g.guard, 'G', sizeof(g.guard));
		CHECK(jsonfmt_format("{{.A}}0123456789{{.A}}", obj, g.out, sizeof(g.out)) == 0 &&
		      !strcmp(g.out, "abcdefghij01234"));
		CHECK(jsonfmt_format("0123456789abcdefghij{{.A}}", obj, g.out, sizeof(g.out)) == 0 &&
		      !strcmp(g.out, "0123456789abcde"));
		CHECK(jsonfmt_format("{{.A}}{{.A}}", obj, g.out, 1) == 0 && g.out[0] == '\0');
		CHECK(g.guard[0] == 'G' && !memcmp(g.guard, g.guard + 1, sizeof(g.guard) - 1));
		snprintf(rows, sizeof(rows), "%s\n%s\n%s\n", obj, obj, obj);
		CHECK(jsonfmt_rows("table {{.A}}\\t{{.A}}", rows, big, 40) == 0 && strlen(big) == 39);
		CHECK(jsonfmt_rows("{{.A}} x {{.A}}", rows, big, 30) == 0 &&
		      !strcmp(big, "abcdefghij x abcdefghij\nabcde"));
	}
}
