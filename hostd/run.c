/* run: `hostd run`, the one-shot container. Creates a container from a
 * root directory, runs CMD in it as PID 1, waits, and exits with its
 * status the way `docker run` does: the command's code, 128+N for a
 * signal, 125 when the container could not be set up, 126 when the
 * command could not be run, 127 when it was not found. The image builder's
 * RUN steps and the runtime benchmark use it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"

static const char usage[] =
	"usage: hostd run --rootfs DIR [--hostname NAME] [--env KEY=VALUE]...\n"
	"                 [--workdir DIR] [--user UID[:GID]] [--net none|host]\n"
	"                 -- CMD [ARG...]\n";

static volatile pid_t child;
static volatile sig_atomic_t forwarded;

/* The container's PID 1 ignores signals it has no handler for, as any
 * init does: the first ctrl-C is passed on, a second one kills. */
static void forward(int sig)
{
	if (child > 0)
		kill(child, forwarded++ ? SIGKILL : sig);
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "hostd run: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage);
	return 125;
}

static int parse_user(const char *s, uid_t *uid, gid_t *gid)
{
	char *end;
	unsigned long u = strtoul(s, &end, 10), g;

	if (end == s || (*end && *end != ':') || u > 65535)
		return -1;
	g = u;
	if (*end == ':') {
		char *e2;

		g = strtoul(end + 1, &e2, 10);
		if (e2 == end + 1 || *e2 || g > 65535)
			return -1;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

static int has_env(const struct container_spec *s, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < s->nenv; i++)
		if (!strncmp(s->env[i], key, n) && s->env[i][n] == '=')
			return 1;
	return 0;
}

int container_run_main(int argc, char **argv)
{
	static char host_env[80];
	struct container_spec s;
	struct sigaction sa;
	struct stat st;
	int i, status, exec_failed = 0;
	pid_t pid;

	memset(&s, 0, sizeof(s));
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val || !strcmp(val, "--"))
			return bad("%s needs a value", opt);
		if (!strcmp(opt, "--rootfs"))
			s.rootfs = val;
		else if (!strcmp(opt, "--hostname"))
			s.hostname = val;
		else if (!strcmp(opt, "--workdir"))
			s.workdir = val;
		else if (!strcmp(opt, "--user")) {
			if (parse_user(val, &s.uid, &s.gid) < 0)
				return bad("--user '%s': want UID[:GID] (numbers)", val);
		} else if (!strcmp(opt, "--net")) {
			if (strcmp(val, "none") && strcmp(val, "host"))
				return bad("--net '%s': want none or host", val);
			s.host_net = !strcmp(val, "host");
		} else if (!strcmp(opt, "--env")) {
			if (!strchr(val, '=') || val[0] == '=')
				return bad("--env '%s': want KEY=VALUE", val);
			if (s.nenv >= CONTAINER_MAX_ENV - 3)
				return bad("too many --env (at most %s)", "125");
			s.env[s.nenv++] = val;
		} else
			return bad("unknown option '%s'", opt);
		i++;
	}
	if (i >= argc - 1)
		return bad("%s", "no command: put it after --");
	if (!s.rootfs)
		return bad("%s", "--rootfs is required");
	if (stat(s.rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
		return bad("--rootfs '%s' is not a directory", s.rootfs);
	s.argv = argv + i + 1;
	/* Docker's defaults for what the image and the user did not set. */
	if (!has_env(&s, "PATH"))
		s.env[s.nenv++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if (!has_env(&s, "HOSTNAME") && s.hostname) {
		snprintf(host_env, sizeof(host_env), "HOSTNAME=%s", s.hostname);
		s.env[s.nenv++] = host_env;
	}
	if (!has_env(&s, "HOME"))
		s.env[s.nenv++] = s.uid ? "HOME=/" : "HOME=/root";
	s.env[s.nenv] = NULL;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pid = container_start(&s, "hostd run", &exec_failed);
	if (pid < 0)
		return exec_failed ? (errno == ENOENT ? 127 : 126) : 125;
	child = pid;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("hostd run: waitpid");
			return 125;
		}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
