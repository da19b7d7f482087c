/* ctl_req: a control-socket request line read into a struct ctl_req
 * (see ctl.h). Pure, so that the unit tests and tests/fuzz cover it
 * without a supervisor; ctl.c runs what it returns. Never trusts the
 * line: words are bounded, a bad one is an error reply, not a guess.
 * The verbs are a table: each one's words and the shapes it takes.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "ctl/ctl.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/plan.h"

/* The words of a line: n of them (1 to 3). */
struct words {
	const char *verb, *arg, *extra;
	int n;
};

/* A verb's shapes. Each returns 0 (r filled), -1 (the error in err), or 1:
 * not a shape of it (then it is an unknown request). */
struct verb_def {
	const char *word;
	enum ctl_verb verb, inspect;	/* inspect: network|volume inspect */
	int (*parse)(const struct verb_def *d, const struct words *w, struct ctl_req *r,
		     char *err, size_t errlen);
};

/* ps [-a] */
static int parse_ps(const struct verb_def *d, const struct words *w, struct ctl_req *r,
		    char *err, size_t errlen)
{
	(void)err, (void)errlen;
	if (!(w->n == 1 || (w->n == 2 && !strcmp(w->arg, "-a"))))
		return 1;
	r->verb = d->verb;
	r->all = w->n == 2;
	r->name[0] = '\0';
	return 0;
}

/* images, stats: the verb alone. */
static int parse_bare(const struct verb_def *d, const struct words *w, struct ctl_req *r,
		      char *err, size_t errlen)
{
	(void)err, (void)errlen;
	if (w->n != 1)
		return 1;
	r->verb = d->verb;
	return 0;
}

/* network|volume ls, network|volume inspect NAME */
static int parse_object(const struct verb_def *d, const struct words *w, struct ctl_req *r,
			char *err, size_t errlen)
{
	if (w->n < 2)
		return 1;
	r->name[0] = '\0';
	if (!strcmp(w->arg, "ls") && w->n == 2) {
		r->verb = d->verb;
		return 0;
	}
	if (!strcmp(w->arg, "inspect") && w->n == 3) {
		r->verb = d->inspect;
		snprintf(r->name, sizeof(r->name), "%s", w->extra);
		return 0;
	}
	snprintf(err, errlen, "%s takes ls, or inspect NAME", w->verb);
	return -1;
}

/* kill NAME [SIGNAL] */
static int parse_kill(const struct verb_def *d, const struct words *w, struct ctl_req *r,
		      char *err, size_t errlen)
{
	if (w->n < 2 || (w->n == 3 && (r->sig = plan_signal(w->extra)) < 0)) {
		snprintf(err, errlen, "kill takes a container name and an optional signal "
			 "(KILL, TERM, HUP, 9 ...)");
		return -1;
	}
	r->verb = d->verb;
	return 0;
}

/* restart|stop|start|inspect NAME */
static int parse_one(const struct verb_def *d, const struct words *w, struct ctl_req *r,
		     char *err, size_t errlen)
{
	if (w->n != 2) {
		snprintf(err, errlen, "%s takes one container name", w->verb);
		return -1;
	}
	r->verb = d->verb;
	return 0;
}

static const struct verb_def verbs[] = {
	{"ps", CTL_PS, CTL_PS, parse_ps},
	{"images", CTL_IMAGES, CTL_IMAGES, parse_bare},
	{"network", CTL_NETWORK_LS, CTL_NETWORK_INSPECT, parse_object},
	{"volume", CTL_VOLUME_LS, CTL_VOLUME_INSPECT, parse_object},
	{"stats", CTL_STATS, CTL_STATS, parse_bare},
	{"kill", CTL_KILL, CTL_KILL, parse_kill},
	{"restart", CTL_RESTART, CTL_RESTART, parse_one},
	{"stop", CTL_STOP, CTL_STOP, parse_one},
	{"start", CTL_START, CTL_START, parse_one},
	{"inspect", CTL_INSPECT, CTL_INSPECT, parse_one},
};

int ctl_parse(const char *line, struct ctl_req *r, char *err, size_t errlen)
{
	char verb[32] = "", arg[256] = "", extra[64] = "", more[8] = "";
	int n = sscanf(line, "%31s %255s %63s %7s", verb, arg, extra, more);
	struct words w = {verb, arg, extra, n};

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
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i].word)) {
			int rc = verbs[i].parse(&verbs[i], &w, r, err, errlen);

			if (rc <= 0)
				return rc;
			break;
		}
	snprintf(err, errlen, "unknown request '%.40s'", verb);
	return -1;
}
