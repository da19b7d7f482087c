/* ctl_parse: the control socket's request lines, and the error replies
 * hostctl shows for bad ones. */
#include <signal.h>
#include <string.h>

#include "ctl/ctl.h"
#include "unit.h"

static struct ctl_req r;
static char err[300];

static int ok(const char *line)
{
	err[0] = '\0';
	return ctl_parse(line, &r, err, sizeof(err)) == 0;
}

static int bad(const char *line, const char *why)
{
	if (ctl_parse(line, &r, err, sizeof(err)) == 0)
		return 0;
	if (strcmp(err, why)) {
		fprintf(stderr, "  got '%s'\n", err);
		return 0;
	}
	return 1;
}

void test_ctl(void)
{
	char longname[400];

	CHECK(ok("ps") && r.verb == CTL_PS && !r.all);
	CHECK(ok("ps -a") && r.verb == CTL_PS && r.all);
	CHECK(ok("  images  ") && r.verb == CTL_IMAGES);
	CHECK(ok("network ls") && r.verb == CTL_NETWORK_LS);
	CHECK(ok("network inspect inception") && r.verb == CTL_NETWORK_INSPECT &&
	      !strcmp(r.name, "inception"));
	CHECK(ok("volume ls") && r.verb == CTL_VOLUME_LS);
	CHECK(ok("volume inspect db") && r.verb == CTL_VOLUME_INSPECT && !strcmp(r.name, "db"));
	CHECK(ok("stats") && r.verb == CTL_STATS);
	CHECK(ok("kill nginx") && r.verb == CTL_KILL && r.sig == SIGKILL &&
	      !strcmp(r.name, "nginx"));
	CHECK(ok("kill nginx HUP") && r.sig == SIGHUP);
	CHECK(ok("kill nginx 15") && r.sig == SIGTERM);
	CHECK(ok("restart wordpress") && r.verb == CTL_RESTART && !strcmp(r.name, "wordpress"));
	CHECK(ok("stop a") && r.verb == CTL_STOP);
	CHECK(ok("start a") && r.verb == CTL_START);
	CHECK(ok("inspect a\t") && r.verb == CTL_INSPECT && !strcmp(r.name, "a"));

	CHECK(bad("", "empty request"));
	CHECK(bad(" \t ", "empty request"));
	CHECK(bad("stop a b c", "too many words in 'stop a b c'"));
	CHECK(bad("ps -q", "unknown request 'ps'"));
	CHECK(bad("images -a", "unknown request 'images'"));
	CHECK(bad("network", "unknown request 'network'"));
	CHECK(bad("network rm x", "network takes ls, or inspect NAME"));
	CHECK(bad("volume inspect", "volume takes ls, or inspect NAME"));
	CHECK(bad("kill", "kill takes a container name and an optional signal "
		  "(KILL, TERM, HUP, 9 ...)"));
	CHECK(bad("kill a NOPE", "kill takes a container name and an optional signal "
		  "(KILL, TERM, HUP, 9 ...)"));
	CHECK(bad("restart", "restart takes one container name"));
	CHECK(bad("stop a b", "stop takes one container name"));
	CHECK(bad("inspect", "inspect takes one container name"));
	CHECK(bad("frobnicate x", "unknown request 'frobnicate'"));
	/* Words are bounded (verb 31 characters, name 255): the rest of a
	 * longer one is read as the next word. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(bad(longname, "too many words in 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'"));
	longname[40] = '\0';
	CHECK(bad(longname, "unknown request 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'"));
}
