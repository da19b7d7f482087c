#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "common/plan.h"
#include "unit.h"

static struct plan p;
static char err[256];

static int parse(const char *text)
{
	return plan_parse(&p, text, strlen(text), "nginx.plan", err, sizeof(err));
}

#define MIN "version 1\nservice nginx\nimage nginx:1.0\nlayer /images/base.erofs\ncmd nginx\n"

/* The plan must fail with exactly this message. */
static int fails_with(const char *text, const char *msg)
{
	if (parse(text) == 0)
		return 0;
	if (strcmp(err, msg)) {
		fprintf(stderr, "  got: %s\n want: %s\n", err, msg);
		return 0;
	}
	return 1;
}

void test_plan(void)
{
	const char *full =
		"# written by the compose compiler\n"
		"version 1\n"
		"service wordpress\n"
		"image wordpress:1.0\n"
		"layer /images/l/base.erofs\n"
		"layer /images/l/php.erofs\n"
		"entrypoint /usr/local/bin/entry.sh\n"
		"cmd php-fpm8.2\n"
		"cmd -F\n"
		"cmd --fpm-config /etc/php/8.2/fpm/php-fpm.conf\n"
		"env WP_TITLE=Inception and more\n"
		"env EMPTY=\n"
		"user www-data\n"
		"workdir /var/www/html\n"
		"hostname wordpress\n"
		"volume wp_data /home/wil/data/wordpress:/var/www/html\n"
		"volume /run/hostd-metrics:/run/hostd-metrics:ro\n"
		"secret db_password:/etc/hostd/secrets/db_password\n"
		"network inception 172.18.0.3/16\n"
		"publish 443:443\n"
		"publish 21000:21000/udp\n"
		"restart on-failure:5\n"
		"depends_on mariadb service_healthy\n"
		"depends_on redis service_started\n"
		"health_shell php-fpm8.2 -t && test -S /run/php.sock || exit 1\n"
		"health_interval 5000\n"
		"health_timeout 2000\n"
		"health_retries 10\n"
		"health_start_period 60000\n"
		"stop_signal SIGQUIT\n"
		"stop_grace 20000\n"
		"memory_max 536870912\n"
		"cpu_max 50000 100000\n"
		"pids_max 256\r\n";

	CHECK(parse(full) == 0);
	CHECK(!strcmp(p.service, "wordpress") && !strcmp(p.image, "wordpress:1.0"));
	CHECK(p.nlayers == 2 && !strcmp(p.layers[1], "/images/l/php.erofs"));
	CHECK(p.nentrypoint == 1 && p.entrypoint[1] == NULL);
	/* One argv element per line, spaces kept verbatim. */
	CHECK(p.ncmd == 3 && !strcmp(p.cmd[2], "--fpm-config /etc/php/8.2/fpm/php-fpm.conf"));
	CHECK(p.cmd[3] == NULL);
	CHECK(p.nenv == 2 && !strcmp(p.env[0], "WP_TITLE=Inception and more"));
	CHECK(!strcmp(p.env[1], "EMPTY="));
	CHECK(!strcmp(p.user, "www-data") && !strcmp(p.workdir, "/var/www/html"));
	CHECK(p.nmounts == 2 && !p.mounts[0].ro && p.mounts[1].ro);
	CHECK(!strcmp(p.mounts[0].src, "/home/wil/data/wordpress"));
	CHECK(!strcmp(p.mounts[0].name, "wp_data") && p.mounts[1].name == NULL);
	CHECK(!strcmp(p.mounts[0].dst, "/var/www/html"));
	CHECK(p.nsecrets == 1 && !strcmp(p.secrets[0].name, "db_password"));
	CHECK(!strcmp(p.network, "inception") && !strcmp(p.address, "172.18.0.3/16"));
	CHECK(p.npublish == 2 && p.publish[0].host_port == 443 && !p.publish[0].udp);
	CHECK(p.publish[1].udp && p.publish[1].port == 21000);
	CHECK(p.restart == RESTART_ON_FAILURE && p.restart_max == 5);
	CHECK(p.ndeps == 2 && p.deps[0].cond == DEP_HEALTHY && p.deps[1].cond == DEP_STARTED);
	CHECK(!strcmp(p.health_shell, "php-fpm8.2 -t && test -S /run/php.sock || exit 1"));
	CHECK(p.health_interval_ms == 5000 && p.health_timeout_ms == 2000);
	CHECK(p.health_retries == 10 && p.health_start_ms == 60000);
	CHECK(p.stop_signal == SIGQUIT && p.stop_grace_ms == 20000);
	CHECK(p.memory_max == 536870912LL);
	CHECK(p.cpu_quota_us == 50000 && p.cpu_period_us == 100000);
	CHECK(p.pids_max == 256);

	/* Defaults: Docker's. */
	CHECK(parse(MIN) == 0);
	CHECK(p.restart == RESTART_NO && p.stop_signal == SIGTERM);
	CHECK(p.stop_grace_ms == 10000 && p.health_retries == 3);
	CHECK(p.memory_max == 0 && p.cpu_quota_us == 0 && p.pids_max == 0);
	CHECK(parse(MIN "restart unless-stopped\n") == 0 && p.restart == RESTART_UNLESS_STOPPED);
	CHECK(parse(MIN "restart always\n") == 0 && p.restart == RESTART_ALWAYS);
	CHECK(parse(MIN "stop_signal 3\n") == 0 && p.stop_signal == 3);
	CHECK(parse(MIN "stop_signal TERM\n") == 0 && p.stop_signal == SIGTERM);

	/* Every error names the file and line. */
	CHECK(fails_with("", "nginx.plan:1: empty plan (the first line must be 'version 1')"));
	CHECK(fails_with("service nginx\n", "nginx.plan:1: the first line must be 'version 1'"));
	CHECK(fails_with("version 2\n", "nginx.plan:1: plan version '2' is not supported (this hostd reads 1)"));
	CHECK(fails_with(MIN "bogus 1\n", "nginx.plan:6: unknown key 'bogus'"));
	CHECK(fails_with(MIN "restart\n", "nginx.plan:6: 'restart' has no value"));
	CHECK(fails_with(MIN " cmd x\n", "nginx.plan:6: line starts with white space"));
	CHECK(fails_with(MIN "service again\n", "nginx.plan:6: service given twice"));
	CHECK(fails_with("version 1\nservice nginx\nimage nginx:latest\n",
			 "nginx.plan:3: image 'nginx:latest': want NAME:TAG with a tag other than latest"));
	CHECK(fails_with("version 1\nservice nginx\nimage nginx\n",
			 "nginx.plan:3: image 'nginx': want NAME:TAG with a tag other than latest"));
	CHECK(fails_with("version 1\nservice Nginx\n",
			 "nginx.plan:2: service 'Nginx': want a-z, 0-9, '_', '.', '-' (at most 63)"));
	CHECK(fails_with(MIN "restart sometimes\n",
			 "nginx.plan:6: restart 'sometimes': want no, always, on-failure[:N] or unless-stopped"));
	CHECK(fails_with(MIN "volume data:/var/lib\n",
			 "nginx.plan:6: volume 'data:/var/lib': paths must be absolute and normalized (no '.', '..' or empty component, no trailing '/')"));
	CHECK(fails_with(MIN "volume /a/../etc:/x\n",
			 "nginx.plan:6: volume '/a/../etc:/x': paths must be absolute and normalized (no '.', '..' or empty component, no trailing '/')"));
	CHECK(fails_with(MIN "volume /a:/b:rx\n", "nginx.plan:6: volume '/a:/b:rx': mode must be ro or rw"));
	CHECK(fails_with(MIN "volume /a\n", "nginx.plan:6: volume '/a': want [NAME ]SRC:DST[:ro]"));
	CHECK(fails_with(MIN "volume Bad! /a:/b\n",
			 "nginx.plan:6: volume 'Bad! /a:/b': a volume name is a-z 0-9 _ . -"));
	CHECK(fails_with(MIN "volume wp /a\n", "nginx.plan:6: volume '/a': want [NAME ]SRC:DST[:ro]"));
	CHECK(fails_with(MIN "publish 80\n", "nginx.plan:6: publish '80': want HOSTPORT:PORT[/tcp|/udp]"));
	CHECK(fails_with(MIN "publish 70000:80\n", "nginx.plan:6: publish '70000:80': want HOSTPORT:PORT[/tcp|/udp]"));
	CHECK(fails_with(MIN "publish 80:80/sctp\n", "nginx.plan:6: publish '80:80/sctp': want HOSTPORT:PORT[/tcp|/udp]"));
	CHECK(fails_with(MIN "network inception 172.18.0.3\n",
			 "nginx.plan:6: network 'inception 172.18.0.3': want NAME A.B.C.D/PREFIX"));
	CHECK(fails_with(MIN "network a 10.0.0.2/16\nnetwork b 10.1.0.2/16\n",
			 "nginx.plan:7: network given twice (one network per service)"));
	CHECK(fails_with(MIN "depends_on db sometime\n",
			 "nginx.plan:6: depends_on condition 'sometime': want service_started, service_healthy or service_completed_successfully"));
	CHECK(fails_with(MIN "depends_on nginx service_started\n", "nginx.plan:7: nginx depends on itself"));
	CHECK(fails_with(MIN "env =x\n", "nginx.plan:6: env '=x': want KEY=VALUE"));
	CHECK(fails_with(MIN "stop_signal SIGFOO\n", "nginx.plan:6: stop_signal 'SIGFOO': unknown signal"));
	CHECK(fails_with(MIN "memory_max -1\n",
			 "nginx.plan:6: memory_max '-1': want a whole number of bytes from 0 to 1125899906842624"));
	CHECK(fails_with(MIN "pids_max 99999999999999999999\n",
			 "nginx.plan:6: pids_max '99999999999999999999': want a whole number of processes from 0 to 4194304"));
	CHECK(fails_with(MIN "cpu_max 50000\n",
			 "nginx.plan:6: cpu_max '50000': want QUOTA_US PERIOD_US (each at least 1000)"));
	CHECK(fails_with(MIN "health_cmd true\nhealth_shell true\n",
			 "nginx.plan:8: both health_cmd and health_shell given"));
	CHECK(fails_with("version 1\nservice nginx\nimage nginx:1.0\ncmd nginx\n",
			 "nginx.plan:5: no 'layer' line: an image needs at least one layer"));
	CHECK(fails_with("version 1\nservice nginx\nimage nginx:1.0\nlayer /l\n",
			 "nginx.plan:5: nothing to run: no 'entrypoint' or 'cmd' line"));
	CHECK(fails_with("version 1\nimage nginx:1.0\n", "nginx.plan:3: no 'service' line"));

	/* Limits are errors, not overflows: MIN has one cmd, so the 64th
	 * added (line 69) is one too many. */
	{
		static char big[PLAN_MAX_ARGS * 8 + 200];
		size_t n = (size_t)snprintf(big, sizeof(big), "%s", MIN);

		for (int i = 0; i < PLAN_MAX_ARGS; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "cmd x\n");
		CHECK(fails_with(big, "nginx.plan:69: too many cmd entries (at most 64)"));
	}
	{
		static char huge[PLAN_ARENA * 2];
		size_t n = (size_t)snprintf(huge, sizeof(huge), "%s", MIN);

		while (n + 1100 < sizeof(huge)) {
			n += (size_t)snprintf(huge + n, sizeof(huge) - n, "env A=");
			memset(huge + n, 'x', 1000);
			n += 1000;
			huge[n++] = '\n';
		}
		huge[n] = '\0';
		CHECK(parse(huge) < 0 && strstr(err, "plan too large"));
	}
	{
		char line[1100];

		memset(line, 'a', sizeof(line));
		memcpy(line, "version 1\ncmd ", 14);
		line[sizeof(line) - 1] = '\0';
		CHECK(fails_with(line, "nginx.plan:2: line longer than 1023 bytes"));
	}
	/* What a writer that let a line break through would have written, and
	 * what no writer writes: each is refused, with its line named. */
	CHECK(fails_with(MIN "cmd a\x1b[2Jb\n",
			 "nginx.plan:6: control character 0x1b in the line (a plan value holds none)"));
	CHECK(fails_with(MIN "env A=x\ty\n",
			 "nginx.plan:6: control character 0x09 in the line (a plan value holds none)"));
	CHECK(fails_with(MIN "health_shell true\rvolume /:/x\n",
			 "nginx.plan:6: control character 0x0d in the line (a plan value holds none)"));
	CHECK(fails_with(MIN "user www\x7f\n",
			 "nginx.plan:6: control character 0x7f in the line (a plan value holds none)"));
	CHECK(fails_with(MIN "volume /:/hostroot\n",
			 "nginx.plan:6: volume '/:/hostroot': / is the VM's own: no container gets it"));
	CHECK(fails_with(MIN "volume /proc/sys:/x\n",
			 "nginx.plan:6: volume '/proc/sys:/x': /proc is the VM's own (the kernel's processes and settings): no container gets it"));
	CHECK(fails_with(MIN "volume /sys:/x\n",
			 "nginx.plan:6: volume '/sys:/x': /sys is the VM's own (the kernel's devices and cgroups): no container gets it"));
	CHECK(fails_with(MIN "volume /dev/vda:/disk\n",
			 "nginx.plan:6: volume '/dev/vda:/disk': /dev is the VM's own (its devices): no container gets it"));
	CHECK(fails_with(MIN "volume /run/hostd/hostd.sock:/ctl.sock\n",
			 "nginx.plan:6: volume '/run/hostd/hostd.sock:/ctl.sock': /run is the VM's own (hostd's state and control socket, the SSH server's): no container gets it"));
	CHECK(fails_with(MIN "volume /var/run/hostd:/x\n",
			 "nginx.plan:6: volume '/var/run/hostd:/x': /var/run is the VM's own (hostd's state and control socket, the SSH server's): no container gets it"));
	CHECK(fails_with(MIN "volume plans /etc/hostd/plans:/x\n",
			 "nginx.plan:6: volume 'plans /etc/hostd/plans:/x': /etc is the VM's own (hostd's plans and secrets, the accounts): no container gets it"));
	CHECK(fails_with(MIN "volume /usr/sbin:/x\n",
			 "nginx.plan:6: volume '/usr/sbin:/x': /usr is the VM's own (the programs hostd runs as root): no container gets it"));
	CHECK(fails_with(MIN "volume /run/hostd-metrics:/m\n",
			 "nginx.plan:6: volume '/run/hostd-metrics:/m': /run/hostd-metrics (the metrics socket) is shared read-only only"));
	CHECK(fails_with(MIN "volume /home/wil/data:/data\n",
			 "nginx.plan:6: volume '/home/wil/data:/data': /home/wil/data holds the appliance's own data (its .appliance directory: SSH host keys, hostd's state): no container gets it"));
	CHECK(fails_with(MIN "volume keys /home/wil/data/.appliance/dropbear:/k\n",
			 "nginx.plan:6: volume 'keys /home/wil/data/.appliance/dropbear:/k': /home/wil/data/.appliance/dropbear holds the appliance's own data (its .appliance directory: SSH host keys, hostd's state): no container gets it"));
	CHECK(fails_with(MIN "volume /srv//a:/x\n",
			 "nginx.plan:6: volume '/srv//a:/x': paths must be absolute and normalized (no '.', '..' or empty component, no trailing '/')"));
	CHECK(fails_with(MIN "volume /srv/./a:/x\n",
			 "nginx.plan:6: volume '/srv/./a:/x': paths must be absolute and normalized (no '.', '..' or empty component, no trailing '/')"));
	CHECK(fails_with(MIN "volume /srv/a/:/x\n",
			 "nginx.plan:6: volume '/srv/a/:/x': paths must be absolute and normalized (no '.', '..' or empty component, no trailing '/')"));
	CHECK(fails_with(MIN "volume /srv/a:/x/..\n",
			 "nginx.plan:6: volume '/srv/a:/x/..': paths must be absolute and normalized (no '.', '..' or empty component, no trailing '/')"));
	CHECK(fails_with(MIN "volume /srv/a:/\n",
			 "nginx.plan:6: volume '/srv/a:/': a volume cannot cover the container's /"));
	CHECK(fails_with(MIN "secret shadow:/etc/shadow\n",
			 "nginx.plan:6: secret 'shadow:/etc/shadow': the source must be a file directly in a directory named secrets"));
	CHECK(fails_with(MIN "secret x:/etc/hostd/secrets/../../shadow\n",
			 "nginx.plan:6: secret 'x:/etc/hostd/secrets/../../shadow': the source must be an absolute, normalized path"));
	CHECK(fails_with(MIN "secret ../x:/etc/hostd/secrets/x\n",
			 "nginx.plan:6: secret '../x:/etc/hostd/secrets/x': a secret's name is A-Z a-z 0-9 _ . - (not . or ..)"));
	CHECK(fails_with(MIN "secret a b:/etc/hostd/secrets/x\n",
			 "nginx.plan:6: secret 'a b:/etc/hostd/secrets/x': a secret's name is A-Z a-z 0-9 _ . - (not . or ..)"));
	CHECK(fails_with(MIN "secret x:/proc/1/root/secrets/x\n",
			 "nginx.plan:6: secret 'x:/proc/1/root/secrets/x': /proc is the VM's own (the kernel's processes and settings): no container gets it"));
	CHECK(fails_with(MIN "layer /\n",
			 "nginx.plan:6: layer '/': / is the VM's own: no container gets it"));
	CHECK(fails_with(MIN "layer /images//l.sqfs\n",
			 "nginx.plan:6: layer '/images//l.sqfs': want an absolute, normalized path"));
	CHECK(fails_with(MIN "workdir /srv/www/\n",
			 "nginx.plan:6: workdir '/srv/www/': want an absolute, normalized path"));
	CHECK(fails_with(MIN "user www-data:www-data:x\n",
			 "nginx.plan:6: user 'www-data:www-data:x': want NAME or UID, then :GROUP or :GID (A-Z a-z 0-9 _ . -)"));
	CHECK(fails_with(MIN "user root root\n",
			 "nginx.plan:6: user 'root root': want NAME or UID, then :GROUP or :GID (A-Z a-z 0-9 _ . -)"));
	CHECK(fails_with(MIN "restart always\nrestart no\n", "nginx.plan:7: restart given twice"));
	CHECK(fails_with(MIN "stop_signal TERM\nstop_signal KILL\n", "nginx.plan:7: stop_signal given twice"));
	CHECK(fails_with(MIN "memory_max 1\nmemory_max 2\n", "nginx.plan:7: memory_max given twice"));
	CHECK(fails_with(MIN "cpu_max 1000 100000\ncpu_max 2000 100000\n", "nginx.plan:7: cpu_max given twice"));
	CHECK(fails_with(MIN "cpu_max 50000  100000\n",
			 "nginx.plan:6: cpu_max '50000  100000': want QUOTA_US PERIOD_US (each at least 1000)"));
	CHECK(fails_with(MIN "publish  80:80\n", "nginx.plan:6: publish ' 80:80': want HOSTPORT:PORT[/tcp|/udp]"));
	CHECK(fails_with(MIN "publish +80:80\n", "nginx.plan:6: publish '+80:80': want HOSTPORT:PORT[/tcp|/udp]"));
	CHECK(fails_with(MIN "network n 172.+18.0.3/16\n", "nginx.plan:6: network 'n 172.+18.0.3/16': want NAME A.B.C.D/PREFIX"));
	CHECK(fails_with(MIN "network n 172.18.0.3/16 \n", "nginx.plan:6: network 'n 172.18.0.3/16 ': want NAME A.B.C.D/PREFIX"));
	CHECK(fails_with("version 1\nservice nginx\nimage nginx:1.0 x\n",
			 "nginx.plan:3: image 'nginx:1.0 x': want NAME:TAG with a tag other than latest"));
	CHECK(fails_with("version 1\nservice nginx\nimage Nginx:1.0\n",
			 "nginx.plan:3: image 'Nginx:1.0': want NAME:TAG with a tag other than latest"));
	/* What the appliance's own stack does is still fine. */
	CHECK(parse(MIN "volume /run/hostd-metrics:/run/hostd-metrics:ro\n"
		    "volume wordpress /home/wil/data/wordpress:/var/www/html\n"
		    "secret DB.password_2:/etc/hostd/secrets/db_password\n"
		    "user 33:www-data\nworkdir /\n") == 0);
	CHECK(p.nmounts == 2 && p.mounts[0].ro && !strcmp(p.secrets[0].name, "DB.password_2"));
	/* A component's name, not a prefix: these are nobody's own. */
	CHECK(parse(MIN "volume /runner/x:/x\nvolume /etcetera:/y\nvolume /home/wil/database:/z\n"
		    "volume /run/hostd-metrics/metrics.sock:/m.sock:ro\n") == 0 && p.nmounts == 4);

	/* A control byte in any key's line, whatever the key: refused before
	 * the key is looked at. */
	{
		static const char *const keys[] = {
			"service", "image", "layer", "entrypoint", "cmd", "env", "user", "workdir",
			"hostname", "volume", "secret", "network", "publish", "restart", "depends_on",
			"health_cmd", "health_shell", "health_interval", "health_timeout",
			"health_start_period", "health_retries", "stop_signal", "stop_grace",
			"memory_max", "pids_max", "cpu_max", "cap_add", "cap_drop", "userns", "#",
		};
		int all = 1;

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			for (int ch = 1; ch < 0x20; ch++) {
				char text[256];

				if (ch == '\n')
					continue;
				snprintf(text, sizeof(text), MIN "%s /a%cb\n", keys[i], ch);
				if (ch == '\r')	/* a CR ends a line only at its end */
					snprintf(text, sizeof(text), MIN "%s /a\rb\n", keys[i]);
				if (parse(text) == 0 || !strstr(err, "nginx.plan:6: control character 0x")) {
					fprintf(stderr, "  %s with 0x%02x: %s\n", keys[i], ch, err);
					all = 0;
				}
			}
		CHECK(all);
		CHECK(fails_with(MIN "userns host\x7f\n",
				 "nginx.plan:6: control character 0x7f in the line (a plan value holds none)"));
	}

	/* Capabilities and the user namespace; Docker's ALL rules resolved. */
	CHECK(parse(MIN) == 0 && p.cap_add == 0 && p.cap_drop == 0 && p.userns_host == 0);
	CHECK(parse(MIN "cap_add NET_ADMIN\ncap_drop CHOWN\ncap_drop MKNOD\nuserns host\n") == 0);
	CHECK(p.cap_add == (UINT64_C(1) << 12) && p.cap_drop == ((UINT64_C(1) << 0) | (UINT64_C(1) << 27)));
	CHECK(p.userns_host == 1);
	CHECK(parse(MIN "cap_add ALL\ncap_drop SYS_ADMIN\n") == 0);
	CHECK(p.cap_add == (PLAN_CAP_ALL & ~(UINT64_C(1) << 21)) && p.cap_drop == (UINT64_C(1) << 21));
	CHECK(parse(MIN "cap_add NET_BIND_SERVICE\ncap_drop ALL\n") == 0);
	CHECK(p.cap_drop == PLAN_CAP_ALL && p.cap_add == (UINT64_C(1) << 10));
	CHECK(parse(MIN "cap_drop ALL\ncap_add ALL\n") == 0 && p.cap_add == PLAN_CAP_ALL && p.cap_drop == 0);
	CHECK(PLAN_CAP_ALL == 0x1ffffffffffULL);
	CHECK(fails_with(MIN "cap_add net_admin\n",
			 "nginx.plan:6: cap_add 'net_admin': not a capability (upper case, without CAP_: CHOWN, NET_ADMIN ...)"));
	CHECK(fails_with(MIN "cap_drop CAP_CHOWN\n",
			 "nginx.plan:6: cap_drop 'CAP_CHOWN': not a capability (upper case, without CAP_: CHOWN, NET_ADMIN ...)"));
	CHECK(fails_with(MIN "cap_drop CHOWN\ncap_drop CHOWN\n", "nginx.plan:7: cap_drop CHOWN given twice"));
	CHECK(fails_with(MIN "cap_add ALL\ncap_add ALL\n", "nginx.plan:7: cap_add ALL given twice"));
	CHECK(fails_with(MIN "userns private\n",
			 "nginx.plan:6: userns 'private': want host (the service runs without a user namespace of its own)"));
	CHECK(fails_with(MIN "userns host\nuserns host\n", "nginx.plan:7: userns given twice"));
	CHECK(plan_cap_number("CHOWN") == 0 && plan_cap_number("SYS_ADMIN") == 21);
	CHECK(plan_cap_number("CHECKPOINT_RESTORE") == 40 && plan_cap_number("chown") == -1);
	CHECK(plan_cap_number("ALL") == -1 && plan_cap_name(41) == NULL && plan_cap_name(-1) == NULL);
	{
		int all_named = 1;

		for (int i = 0; i <= PLAN_CAP_LAST; i++)
			all_named &= plan_cap_name(i) && plan_cap_number(plan_cap_name(i)) == i;
		CHECK(all_named);
	}

	/* The writer's test of a value: what would not come back as written. */
	CHECK(plan_value_problem("cmd", "nginx -g daemon off;") == NULL);
	CHECK(!strcmp(plan_value_problem("cmd", "x\nvolume /:/hostroot"),
		      "a line break cannot be carried in a plan value"));
	CHECK(!strcmp(plan_value_problem("cmd", "x\r"), "a line break cannot be carried in a plan value"));
	CHECK(!strcmp(plan_value_problem("env", "A=\tb"), "a control character cannot be carried in a plan value"));
	CHECK(!strcmp(plan_value_problem("env", "A=\x7f"), "a control character cannot be carried in a plan value"));
	CHECK(!strcmp(plan_value_problem("cmd", ""), "an empty value cannot be carried in a plan line"));
	{
		char big[PLAN_LINE_MAX + 2];

		memset(big, 'x', sizeof(big) - 1);
		big[PLAN_LINE_MAX - 4] = '\0';	/* "cmd " + 1019 = 1023: fits */
		CHECK(plan_value_problem("cmd", big) == NULL);
		{	/* and the parser takes that line back */
			static char text[sizeof(MIN) + PLAN_LINE_MAX + 8];

			snprintf(text, sizeof(text), MIN "cmd %s\n", big);
			CHECK(parse(text) == 0 && p.ncmd == 2 && strlen(p.cmd[1]) == PLAN_LINE_MAX - 4);
		}
		big[PLAN_LINE_MAX - 4] = 'x';
		big[PLAN_LINE_MAX - 3] = '\0';
		CHECK(!strcmp(plan_value_problem("cmd", big),
			      "too long for a plan line (at most 1023 bytes with its key)"));
	}

	CHECK(plan_signal("SIGKILL") == SIGKILL && plan_signal("0") == -1);
	CHECK(plan_signal("65") == -1 && plan_signal("9x") == -1);
}
