/* hostd: the Inception appliance's PID 1 and container host.
 * Run as PID 1 it boots the machine (boot.c). Other modes (the host-mode
 * daemon, hostctl) arrive with the container runtime. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "init/boot.h"
#include "runtime/container.h"
#include "ctl/ctl.h"
#include "init/host.h"
#include "supervise/supervise.h"

static int usage(FILE *to)
{
	fprintf(to,
		"usage: hostd            (as PID 1: boot the appliance)\n"
		"       hostd run --rootfs DIR [options] -- CMD...   (one container)\n"
		"       hostd daemon --plans DIR --state DIR [--socket PATH]   (host mode)\n"
		"       hostctl VERB ...  (or hostd ctl VERB ...)\n"
		"       hostd --version\n");
	return to == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (getpid() == 1)
		boot_main();
	if (!strcmp(base, "hostctl"))
		return ctl_client_main(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "ctl"))
		return ctl_client_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "daemon"))
		return host_main(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return container_run_main(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("hostd %s\n", HOSTD_VERSION);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout);
	if (argc == 1) {
		fprintf(stderr, "hostd: not PID 1; for host mode use: hostd daemon --plans DIR --state DIR\n");
		return 2;
	}
	fprintf(stderr, "hostd: unknown argument '%s'\n", argv[1]);
	return usage(stderr);
}
