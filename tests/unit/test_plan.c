#include <signal.h>
#include <string.h>

#include "plan.h"
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
		"volume /etc/localtime:/etc/localtime:ro\n"
		"secret db_password:/run/hostd/secrets/db_password\n"
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
			 "nginx.plan:6: volume 'data:/var/lib': paths must be absolute, without '..'"));
	CHECK(fails_with(MIN "volume /a/../etc:/x\n",
			 "nginx.plan:6: volume '/a/../etc:/x': paths must be absolute, without '..'"));
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
	CHECK(plan_signal("SIGKILL") == SIGKILL && plan_signal("0") == -1);
	CHECK(plan_signal("65") == -1 && plan_signal("9x") == -1);
}
