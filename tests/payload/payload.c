/* payload: the containers' test program, static so it runs in any root.
 *   payload try NAME...   attempt each syscall and print "NAME: ok" or
 *                         "NAME: <error>" (add_key, keyctl, unshare, mount,
 *                         clone_newns, clone_plain, clone3, getpid,
 *                         perf_event_open, bpf, userfaultfd; persona_linux
 *                         and persona_noaslr: personality(PER_LINUX) and
 *                         (ADDR_NO_RANDOMIZE); inet, vsock, alg: a socket
 *                         of that family; chroot to /)
 *   payload alloc MIB     allocate and touch MIB MiB, then print "allocated"
 *   payload fork N        try to fork N children that wait; print how many
 *                         forks succeeded ("forked K of N")
 *   payload wait [WORD]   print "ready WORD", then wait; exit 0 on SIGTERM
 *                         (a well-behaved daemon, even as a namespace's PID 1)
 *   payload escape NAME [ARG...]
 *                         one escape attempt (escape.c); "NAME: ok" if it
 *                         worked
 * It never relies on a shell inside the container. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "escape.h"

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static long try_clone(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid;
}

static long attempt(const char *name)
{
	static char buf[64];

	if (!strcmp(name, "add_key"))
		return syscall(SYS_add_key, "user", "payload", "x", 1, -3 /* session */);
	if (!strcmp(name, "keyctl"))
		return syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 1);
	if (!strcmp(name, "unshare"))
		return syscall(SYS_unshare, CLONE_NEWUTS);
	if (!strcmp(name, "mount"))
		return syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL);
	if (!strcmp(name, "clone_newns"))
		return try_clone(CLONE_NEWNS);
	if (!strcmp(name, "clone_plain"))
		return try_clone(0);
	if (!strcmp(name, "clone3"))
		return syscall(SYS_clone3, buf, 0);
	if (!strcmp(name, "getpid"))
		return syscall(SYS_getpid);
	if (!strcmp(name, "perf_event_open"))
		return syscall(SYS_perf_event_open, buf, 0, -1, -1, 0);
	if (!strcmp(name, "bpf"))
		return syscall(SYS_bpf, 0, buf, 0);
	if (!strcmp(name, "userfaultfd"))
		return syscall(SYS_userfaultfd, 0);
	if (!strcmp(name, "persona_linux"))
		return syscall(SYS_personality, PER_LINUX);
	if (!strcmp(name, "persona_noaslr"))
		return syscall(SYS_personality, ADDR_NO_RANDOMIZE);
	if (!strcmp(name, "inet"))
		return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (!strcmp(name, "vsock"))
		return syscall(SYS_socket, AF_VSOCK, SOCK_STREAM, 0);
	if (!strcmp(name, "alg"))
		return syscall(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0);
	if (!strcmp(name, "chroot"))
		return syscall(SYS_chroot, "/");
	errno = EINVAL;
	fprintf(stderr, "payload: unknown syscall name '%s'\n", name);
	return -2;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "try")) {
		for (int i = 2; i < argc; i++) {
			long r = attempt(argv[i]);

			if (r == -2)
				return 2;
			printf("%s: %s\n", argv[i], r >= 0 ? "ok" : strerror(errno));
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "alloc")) {
		long mib = atol(argv[2]);

		for (long i = 0; i < mib; i++) {
			char *p = malloc(1 << 20);

			if (!p) {
				printf("malloc failed after %ld MiB\n", i);
				return 1;
			}
			memset(p, 1, 1 << 20);	/* touch it: only then is it charged */
		}
		printf("allocated %ld MiB\n", mib);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "fork")) {
		int n = atoi(argv[2]), k = 0, p[2];

		if (pipe(p) < 0)
			return 1;
		for (; k < n; k++) {
			pid_t c = fork();

			if (c < 0)
				break;
			if (c == 0) {	/* wait until the parent is done */
				char b;

				close(p[1]);
				if (read(p[0], &b, 1) < 0)
					_exit(1);
				_exit(0);
			}
		}
		close(p[1]);
		while (wait(NULL) > 0)
			;
		printf("forked %d of %d\n", k, n);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "escape"))
		return escape_main(argc - 2, argv + 2);
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "wait")) {
		signal(SIGTERM, on_term);
		printf("ready %s\n", argc == 3 ? argv[2] : "");
		fflush(stdout);
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: payload try SYSCALL... | alloc MIB | fork N | wait [WORD] | "
		"escape NAME [ARG...]\n");
	return 2;
}
