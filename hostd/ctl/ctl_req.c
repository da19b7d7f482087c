/* ctl_req: a control-socket request line read into a struct ctl_req
 * (see ctl.h). Pure, so that the unit tests and tests/fuzz cover it
 * without a supervisor; ctl.c runs what it returns. Never trusts the
 * line: words are bounded, a bad one is an error reply, not a guess.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "ctl/ctl.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/plan.h"

int ctl_parse(const char *line, struct ctl_req *r, char *err, size_t errlen)
{
	char verb[32] = "", arg[256] = "", extra[64] = "", more[8] = "";
	int n = sscanf(line, "%31s %255s %63s %7s", verb, arg, extra, more);

	memset(r, 0, sizeof(*r));
	r->sig = SIGKILL;
	if (n < 1) {
		snprintf(err, errlen, "empty request");
		return -1;
	}
	if (n > 3) {
		snprintf(err, errlen, "too many words in '%.40s'", line);
		return -1;
	}
	snprintf(r->name, sizeof(r->name), "%s", arg);
	if (!strcmp(verb, "ps") && (n == 1 || (n == 2 && !strcmp(arg, "-a")))) {
		r->verb = CTL_PS;
		r->all = n == 2;
		r->name[0] = '\0';
		return 0;
	}
	if (!strcmp(verb, "images") && n == 1) {
		r->verb = CTL_IMAGES;
		return 0;
	}
	if ((!strcmp(verb, "network") || !strcmp(verb, "volume")) && n >= 2) {
		int net = verb[0] == 'n';

		r->name[0] = '\0';
		if (!strcmp(arg, "ls") && n == 2) {
			r->verb = net ? CTL_NETWORK_LS : CTL_VOLUME_LS;
			return 0;
		}
		if (!strcmp(arg, "inspect") && n == 3) {
			r->verb = net ? CTL_NETWORK_INSPECT : CTL_VOLUME_INSPECT;
			snprintf(r->name, sizeof(r->name), "%s", extra);
			return 0;
		}
		snprintf(err, errlen, "%s takes ls, or inspect NAME", verb);
		return -1;
	}
	if (!strcmp(verb, "stats") && n == 1) {
		r->verb = CTL_STATS;
		return 0;
	}
	if (!strcmp(verb, "kill")) {
		/* kill NAME [SIGNAL] */
		if (n < 2 || (n == 3 && (r->sig = plan_signal(extra)) < 0)) {
			snprintf(err, errlen, "kill takes a container name and an optional signal "
				 "(KILL, TERM, HUP, 9 ...)");
			return -1;
		}
		r->verb = CTL_KILL;
		return 0;
	}
	if (!strcmp(verb, "restart") || !strcmp(verb, "stop") || !strcmp(verb, "start") ||
	    !strcmp(verb, "inspect")) {
		if (n != 2) {
			snprintf(err, errlen, "%s takes one container name", verb);
			return -1;
		}
		r->verb = verb[0] == 'r' ? CTL_RESTART : verb[0] == 'i' ? CTL_INSPECT :
			  !strcmp(verb, "stop") ? CTL_STOP : CTL_START;
		return 0;
	}
	snprintf(err, errlen, "unknown request '%.40s'", verb);
	return -1;
}
