/* host: see host.h. The wiring of host mode, next to boot.c's: signals
 * into the event loop, the control socket, the metrics socket (without it
 * the stack still runs), then the supervisor. It never forks and owns
 * nothing but its two sockets, which it removes on the way out. */
#include "init/host.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "ctl/metrics.h"
#include "runtime/log.h"
#include "supervise/loop.h"
#include "supervise/proc.h"
#include "supervise/supervise.h"
#include "common/util.h"

static const char usage[] =
	"usage: hostd daemon --plans DIR --state DIR [--socket PATH] [--keep DIR]\n"
	"                    [--metrics PATH]\n";

static struct watch sig_w;
static const char *sock_path, *metrics_path;

static void all_stopped(void)
{
	log_info("all services stopped; exiting");
	unlink(sock_path);
	if (metrics_path)
		unlink(metrics_path);
	exit(0);
}

static void daemon_signal(struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			if (!supervise_stopping())
				supervise_stop_all(all_stopped);
		}
	proc_reap();
}

static void daemon_ready(const char *summary)
{
	log_info("stack ready: %s", summary);
}

int host_main(int argc, char **argv)
{
	const char *plans = NULL, *state = NULL, *sock = NULL, *keep = NULL;
	const char *metrics = METRICS_SOCKET_DEFAULT;
	char defsock[300];
	sigset_t set;

	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc) {
			fprintf(stderr, "hostd daemon: %s needs a value\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "--plans"))
			plans = argv[++i];
		else if (!strcmp(argv[i], "--state"))
			state = argv[++i];
		else if (!strcmp(argv[i], "--socket"))
			sock = argv[++i];
		else if (!strcmp(argv[i], "--keep"))
			keep = argv[++i];
		else if (!strcmp(argv[i], "--metrics"))
			metrics = argv[++i];
		else {
			fprintf(stderr, "hostd daemon: unknown option '%s'\n%s", argv[i], usage);
			return 2;
		}
	}
	if (!plans || !state) {
		fputs(usage, stderr);
		return 2;
	}
	if (!sock) {
		snprintf(defsock, sizeof(defsock), "%s/hostd.sock", state);
		sock = defsock;
	}
	sock_path = sock;
	if (mkdir_p(state, 0700) < 0) {
		fprintf(stderr, "hostd daemon: mkdir %s: %s\n", state, strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || loop_init() < 0 ||
	    (sig_w.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		perror("hostd daemon: signals");
		return 1;
	}
	sig_w.cb = daemon_signal;
	if (loop_add(&sig_w, EPOLLIN) < 0 || ctl_listen(sock) < 0)
		return 1;
	/* Without it the monitor has nothing to show; the stack still runs. */
	if (metrics_listen(metrics) == 0)
		metrics_path = metrics;
	else
		log_err("no metrics socket at %s: the monitor will show nothing", metrics);
	log_info("hostd daemon: plans %s, state %s, control socket %s, metrics %s", plans, state,
		 sock, metrics_path ? metrics_path : "none");
	supervise_load(plans, state, keep);
	supervise_on_ready(daemon_ready);
	supervise_start_all();
	for (;;)
		loop_once();
}
