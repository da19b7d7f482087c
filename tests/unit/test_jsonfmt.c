#include <string.h>

#include "jsonfmt.h"
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
}
