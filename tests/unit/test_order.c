#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "common/order.h"
#include "supervise/policy.h"
#include "unit.h"

static struct plan plans[6];
static const struct plan *ptrs[6];

/* services: "name:dep,dep name:..." */
static int setup(const char *spec)
{
	char buf[256], *save = NULL, *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char text[512], *colon = strchr(tok, ':'), err[256];
		size_t len;

		*colon = '\0';
		len = (size_t)snprintf(text, sizeof(text),
				       "version 1\nservice %s\nimage %s:1\nlayer /l\ncmd x\n",
				       tok, tok);
		for (char *d = strtok(colon + 1, ","); d; d = strtok(NULL, ","))
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"depends_on %s service_started\n", d);
		if (plan_parse(&plans[n], text, len, "t.plan", err, sizeof(err)) < 0) {
			fprintf(stderr, "setup: %s\n", err);
			return -1;
		}
		ptrs[n] = &plans[n];
		n++;
	}
	return n;
}

static const char *names(const int *order, int n)
{
	static char out[256];
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? " " : "",
					plans[order[i]].service);
	return out;
}

void test_order(void)
{
	int order[6], n;
	char err[256];

	/* The Inception stack: dependencies first, compose order otherwise. */
	n = setup("nginx:wordpress wordpress:mariadb,redis mariadb: redis: ftp:wordpress");
	CHECK(n == 5);
	CHECK(order_services(ptrs, n, order, err, sizeof(err)) == 0);
	CHECK(!strcmp(names(order, n), "mariadb redis wordpress nginx ftp"));

	n = setup("a: b: c:");
	CHECK(order_services(ptrs, n, order, err, sizeof(err)) == 0);
	CHECK(!strcmp(names(order, n), "a b c"));

	n = setup("a:b b:c c:a");
	CHECK(order_services(ptrs, n, order, err, sizeof(err)) < 0);
	CHECK(!strcmp(err, "dependency cycle: a -> b -> c -> a"));
	CHECK(order_culprit() == 0);

	n = setup("x: a:b b:a");
	CHECK(order_services(ptrs, n, order, err, sizeof(err)) < 0);
	CHECK(!strcmp(err, "dependency cycle: a -> b -> a"));

	n = setup("web:db");
	CHECK(order_services(ptrs, n, order, err, sizeof(err)) < 0);
	CHECK(!strcmp(err, "web depends on db, which is not in the stack"));
	CHECK(order_culprit() == 0);

	n = setup("a: a:");
	CHECK(order_services(ptrs, n, order, err, sizeof(err)) < 0);
	CHECK(!strcmp(err, "service a is defined twice"));
	CHECK(order_culprit() == -1);

	/* Restart policies, Docker's way. */
	{
		int ok0 = 0, fail1 = 1 << 8, killed9 = 9;	/* wait statuses */

		CHECK(WIFEXITED(ok0) && WEXITSTATUS(fail1) == 1 && WIFSIGNALED(killed9));
		CHECK(!policy_should_restart(RESTART_NO, 0, fail1, 0, 0));
		CHECK(policy_should_restart(RESTART_ALWAYS, 0, ok0, 0, 0));
		CHECK(policy_should_restart(RESTART_ALWAYS, 0, killed9, 50, 0));
		CHECK(!policy_should_restart(RESTART_ALWAYS, 0, killed9, 0, 1));
		CHECK(policy_should_restart(RESTART_UNLESS_STOPPED, 0, ok0, 0, 0));
		CHECK(!policy_should_restart(RESTART_UNLESS_STOPPED, 0, killed9, 0, 1));
		CHECK(!policy_should_restart(RESTART_ON_FAILURE, 0, ok0, 0, 0));
		CHECK(policy_should_restart(RESTART_ON_FAILURE, 0, fail1, 99, 0));
		CHECK(policy_should_restart(RESTART_ON_FAILURE, 0, killed9, 0, 0));
		CHECK(policy_should_restart(RESTART_ON_FAILURE, 3, fail1, 2, 0));
		CHECK(!policy_should_restart(RESTART_ON_FAILURE, 3, fail1, 3, 0));
		CHECK(!policy_should_restart(RESTART_ON_FAILURE, 3, fail1, 0, 1));
		CHECK(policy_start_at_boot(RESTART_ALWAYS, 1));
		CHECK(policy_start_at_boot(RESTART_NO, 0));
		CHECK(!policy_start_at_boot(RESTART_UNLESS_STOPPED, 1));
		CHECK(policy_start_at_boot(RESTART_UNLESS_STOPPED, 0));
	}
}
