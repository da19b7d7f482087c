/* hostd: the Inception appliance's PID 1 and container host.
 * Run as PID 1 it boots the machine (boot.c). Other modes (the host-mode
 * daemon, hostctl, one container) are a table of argv[1]. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "init/boot.h"
#include "runtime/container.h"
#include "ctl/ctl.h"
#include "init/host.h"

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

static int ctl_mode(int argc, char **argv)
{
	return ctl_client_main(argc - 1, argv + 1);
}

static int version(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("hostd %s\n", HOSTD_VERSION);
	return 0;
}

static int help(int argc, char **argv)
{
	(void)argc, (void)argv;
	return usage(stdout);
}

/* The modes, by argv[1]; alone: only as the one argument. */
static const struct {
	const char *arg;
	int alone;
	int (*run)(int argc, char **argv);
} modes[] = {
	{"ctl", 0, ctl_mode},
	{"daemon", 0, host_main},
	{"run", 0, container_run_main},
	{"--version", 1, version},
	{"--help", 1, help},
	{"-h", 1, help},
};

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (getpid() == 1)
		boot_main();
	if (!strcmp(base, "hostctl"))
		return ctl_client_main(argc, argv);
	for (size_t i = 0; argc >= 2 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].arg) && (!modes[i].alone || argc == 2))
			return modes[i].run(argc, argv);
	if (argc == 1) {
		fprintf(stderr, "hostd: not PID 1; for host mode use: hostd daemon --plans DIR --state DIR\n");
		return 2;
	}
	fprintf(stderr, "hostd: unknown argument '%s'\n", argv[1]);
	return usage(stderr);
}
