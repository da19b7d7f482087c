/* hostd: the Inception appliance's PID 1 and container host.
 * Run as PID 1 it boots the machine (boot.c). Other modes (the host-mode
 * daemon, hostctl) arrive with the container runtime. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "container.h"

static int usage(FILE *to)
{
	fprintf(to,
		"usage: hostd            (as PID 1: boot the appliance)\n"
		"       hostd run --rootfs DIR [options] -- CMD...   (one container)\n"
		"       hostd --version\n");
	return to == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		boot_main();
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return container_run_main(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("hostd %s\n", HOSTD_VERSION);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout);
	if (argc == 1) {
		fprintf(stderr, "hostd: not PID 1; the host-mode daemon is not built yet\n");
		return 2;
	}
	fprintf(stderr, "hostd: unknown argument '%s'\n", argv[1]);
	return usage(stderr);
}
