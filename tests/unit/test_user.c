/* container_user_resolve: a Dockerfile USER / compose `user:` against a
 * container's /etc/passwd and /etc/group text, with runc's rules. */
#include <string.h>

#include "runtime/container.h"
#include "unit.h"

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"# not a user\n"
	"broken:x:notanumber:1:::\n"
	"www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	"app:x:1000:1000:App User:/home/app:/bin/sh\n"
	"twin:x:1000:7:second entry for 1000:/twin:/bin/sh\n"
	"short:x:2000:2000\n"
	"last:x:3000:3000::/home/last:/bin/sh";	/* no final newline */

static const char group[] =
	"root:x:0:root\n"
	"www-data:x:33:\n"
	"staff:x:50:app,www-data\n"
	"users:x:100:app\n"
	"wheel:x:10:root,app,app\n"
	"app:x:1000:\n"
	"nogroup:x:65534:\n"
	"appish:x:60:apple,ap,app2\n"
	"bad:x:nan:app\n";

static int has_group(const struct container_user *u, gid_t g)
{
	for (int i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g)
			return 1;
	return 0;
}

static int resolve(const char *spec, struct container_user *u, char *err)
{
	return container_user_resolve(spec, passwd, group, u, err, 200);
}

void test_user(void)
{
	struct container_user u;
	char err[200];

	/* A name: uid, gid and home from passwd, groups that list it. */
	CHECK(resolve("app", &u, err) == 0 && u.uid == 1000 && u.gid == 1000 &&
	      !strcmp(u.home, "/home/app"));
	CHECK(u.ngroups == 3 && has_group(&u, 50) && has_group(&u, 100) && has_group(&u, 10));
	/* Members are whole names: "apple", "ap", "app2" are not "app". */
	CHECK(!has_group(&u, 60));
	CHECK(resolve("nobody", &u, err) == 0 && u.uid == 65534 && u.gid == 65534 &&
	      u.ngroups == 0 && !strcmp(u.home, "/nonexistent"));
	CHECK(resolve("www-data", &u, err) == 0 && u.uid == 33 && u.gid == 33 &&
	      u.ngroups == 1 && u.groups[0] == 50);
	/* name:group and name:gid: that gid, and no supplementary groups. */
	CHECK(resolve("www-data:users", &u, err) == 0 && u.uid == 33 && u.gid == 100 &&
	      u.ngroups == 0 && !strcmp(u.home, "/var/www"));
	CHECK(resolve("app:50", &u, err) == 0 && u.uid == 1000 && u.gid == 50 && u.ngroups == 0);
	/* A gid with no group entry is taken as it is. */
	CHECK(resolve("app:4242", &u, err) == 0 && u.gid == 4242);
	/* A uid with an entry is that entry (the first one wins). */
	CHECK(resolve("1000", &u, err) == 0 && u.uid == 1000 && u.gid == 1000 &&
	      !strcmp(u.home, "/home/app") && u.ngroups == 3);
	CHECK(resolve("1000:1000", &u, err) == 0 && u.uid == 1000 && u.gid == 1000 &&
	      u.ngroups == 0);
	CHECK(resolve("0", &u, err) == 0 && u.uid == 0 && u.gid == 0 && !strcmp(u.home, "/root") &&
	      u.ngroups == 2 && has_group(&u, 0) && has_group(&u, 10));
	/* A uid with no entry: gid 0 unless given, no groups, no home. */
	CHECK(resolve("4242", &u, err) == 0 && u.uid == 4242 && u.gid == 0 && u.ngroups == 0 &&
	      u.home[0] == '\0');
	CHECK(resolve("4242:4343", &u, err) == 0 && u.uid == 4242 && u.gid == 4343);
	CHECK(resolve("4242:users", &u, err) == 0 && u.uid == 4242 && u.gid == 100);
	/* Entries missing fields, or without a final newline. */
	CHECK(resolve("short", &u, err) == 0 && u.uid == 2000 && u.home[0] == '\0');
	CHECK(resolve("last", &u, err) == 0 && u.uid == 3000 && !strcmp(u.home, "/home/last"));
	/* A malformed line names nobody. */
	CHECK(resolve("broken", &u, err) < 0);

	/* Errors say what was not found. */
	CHECK(resolve("foo", &u, err) < 0 && !strcmp(err, "no such user in /etc/passwd"));
	CHECK(resolve("app:nope", &u, err) < 0 && !strcmp(err, "no such group 'nope' in /etc/group"));
	CHECK(resolve("foo:users", &u, err) < 0 && !strcmp(err, "no such user in /etc/passwd"));
	CHECK(resolve("4294967296", &u, err) < 0 && strstr(err, "out of range"));
	CHECK(resolve("1:99999999999", &u, err) < 0 && strstr(err, "gid out of range"));
	CHECK(resolve("", &u, err) < 0 && !strcmp(err, "want USER[:GROUP], each a name or a number"));
	CHECK(resolve(":100", &u, err) < 0);
	CHECK(resolve("app:", &u, err) < 0);
	CHECK(resolve("app:users:x", &u, err) < 0);
	/* A container without the files: numbers work, names do not. */
	CHECK(container_user_resolve("1000:1001", NULL, NULL, &u, err, sizeof(err)) == 0 &&
	      u.uid == 1000 && u.gid == 1001 && u.ngroups == 0);
	CHECK(container_user_resolve("root", NULL, NULL, &u, err, sizeof(err)) < 0 &&
	      !strcmp(err, "no such user (the container has no /etc/passwd)"));
	CHECK(container_user_resolve("app:users", passwd, NULL, &u, err, sizeof(err)) < 0 &&
	      !strcmp(err, "no such group 'users' (the container has no /etc/group)"));
	CHECK(container_user_resolve("app", passwd, NULL, &u, err, sizeof(err)) == 0 &&
	      u.uid == 1000 && u.ngroups == 0);
}

/* main.c lists the other suites; this one runs itself before main. */
__attribute__((constructor)) static void run_test_user(void)
{
	test_user();
}
