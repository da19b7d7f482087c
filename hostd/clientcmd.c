/* clientcmd: see clientcmd.h. */
#include "clientcmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "jsonfmt.h"
#include "util.h"

/* ---- logs ------------------------------------------------------------------- */

static int copy_from(int fd, off_t from)
{
	char buf[65536];
	ssize_t n;

	if (lseek(fd, from, SEEK_SET) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write_all(1, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

/* Where the last `tail` lines of fd start. */
static off_t tail_start(int fd, long tail)
{
	char buf[4096];
	off_t pos = lseek(fd, 0, SEEK_END);
	long lines = 0;
	int first = 1;

	while (pos > 0) {
		size_t chunk = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;

		pos -= (off_t)chunk;
		if (pread(fd, buf, chunk, pos) != (ssize_t)chunk)
			return 0;
		for (size_t i = chunk; i-- > 0;) {
			if (buf[i] != '\n')
				continue;
			if (first && pos + (off_t)i == lseek(fd, 0, SEEK_END) - 1) {
				first = 0;	/* the file's final newline */
				continue;
			}
			first = 0;
			if (++lines == tail)
				return pos + (off_t)i + 1;
		}
	}
	return 0;
}

int clientcmd_logs(int argc, char **argv, const char *inspect_json)
{
	char path[512], old[520];
	long tail = -1;
	int follow = 0, fd, ino;

	for (int i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow"))
			follow = 1;
		else if (!strcmp(argv[i], "--tail") && i + 1 < argc - 1) {
			char *end;

			tail = strtol(argv[++i], &end, 10);
			if (*end || tail < 0) {
				fprintf(stderr, "hostctl: --tail '%s': want a number\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "hostctl: logs: unknown option '%s'\n"
				"usage: hostctl logs [-f] [--tail N] NAME\n", argv[i]);
			return 2;
		}
	}
	if (jsonfmt_field(inspect_json, "LogPath", path, sizeof(path)) < 0) {
		fprintf(stderr, "hostctl: hostd did not say where the log is\n");
		return 1;
	}
	/* Everything: the rotated part first. */
	snprintf(old, sizeof(old), "%s.1", path);
	if (tail < 0 && (fd = open(old, O_RDONLY | O_CLOEXEC)) >= 0) {
		copy_from(fd, 0);
		close(fd);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hostctl: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (copy_from(fd, tail < 0 ? 0 : tail == 0 ? lseek(fd, 0, SEEK_END) : tail_start(fd, tail)) < 0) {
		fprintf(stderr, "hostctl: read %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!follow)
		return 0;
	/* Follow: new lines as hostd writes them, and across a rotation
	 * (the file is renamed to .1 and a new one starts). */
	ino = inotify_init1(IN_CLOEXEC);
	if (ino < 0 || inotify_add_watch(ino, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF) < 0) {
		fprintf(stderr, "hostctl: watch %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		char ev[4096] __attribute__((aligned(8)));
		ssize_t n = read(ino, ev, sizeof(ev));

		if (n <= 0)
			return n < 0 && errno != EINTR;
		for (char *p = ev; p < ev + n;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->mask & IN_MODIFY) {
				char buf[65536];
				ssize_t r;

				while ((r = read(fd, buf, sizeof(buf))) > 0)
					if (write_all(1, buf, (size_t)r) < 0)
						return 1;
			}
			if (e->mask & (IN_MOVE_SELF | IN_DELETE_SELF)) {
				int nfd;

				close(fd);
				/* hostd creates the new file right after the rename. */
				for (int tries = 0; (nfd = open(path, O_RDONLY | O_CLOEXEC)) < 0 &&
				     tries < 50; tries++)
					usleep(20000);
				if (nfd < 0)
					return 0;
				fd = nfd;
				close(ino);
				ino = inotify_init1(IN_CLOEXEC);
				if (ino < 0 || inotify_add_watch(ino, path, IN_MODIFY | IN_MOVE_SELF |
								 IN_DELETE_SELF) < 0)
					return 1;
				copy_from(fd, 0);
				break;
			}
			p += sizeof(*e) + e->len;
		}
	}
}

/* ---- exec ------------------------------------------------------------------- */

int clientcmd_exec(int argc, char **argv, const char *inspect_json)
{
	char pidtxt[16];
	int i = 1;
	pid_t target;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-t") || !strcmp(argv[i], "-it") || !strcmp(argv[i], "-ti")) {
			fprintf(stderr, "hostctl: exec -t (a terminal) is not supported yet; "
				"use exec -i, or make ssh and run the command there\n");
			return 2;
		}
		if (strcmp(argv[i], "-i")) {
			fprintf(stderr, "hostctl: exec: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	i++;	/* the container's name */
	if (i >= argc) {
		fprintf(stderr, "usage: hostctl exec [-i] NAME CMD [ARG...]\n");
		return 2;
	}
	if (jsonfmt_field(inspect_json, "Pid", pidtxt, sizeof(pidtxt)) < 0 ||
	    (target = (pid_t)atoi(pidtxt)) <= 0) {
		fprintf(stderr, "hostctl: the container is not running\n");
		return 1;
	}
	return container_exec_in(target, argv + i, "hostctl");
}

/* ---- top -------------------------------------------------------------------- */

int clientcmd_top(const char *inspect_json)
{
	char pidtxt[16], path[300], want[64], ns[64];
	struct dirent *de;
	pid_t target;
	DIR *d;

	if (jsonfmt_field(inspect_json, "Pid", pidtxt, sizeof(pidtxt)) < 0 ||
	    (target = (pid_t)atoi(pidtxt)) <= 0) {
		fprintf(stderr, "hostctl: the container is not running\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)target);
	if (readlink(path, want, sizeof(want)) < 0) {
		fprintf(stderr, "hostctl: read %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!(d = opendir("/proc"))) {
		perror("hostctl: /proc");
		return 1;
	}
	printf("%-8s %-8s %s\n", "PID", "UID", "CMD");
	while ((de = readdir(d))) {
		char cmd[4096], status[2048], *uid;
		ssize_t n;
		ssize_t l;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		l = readlink(path, ns, sizeof(ns));
		if (l < 0 || (size_t)l != strlen(want) || strncmp(ns, want, (size_t)l))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		n = read_file(path, cmd, sizeof(cmd));
		for (ssize_t i = 0; i + 1 < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		if (read_file(path, status, sizeof(status)) < 0 || !(uid = strstr(status, "Uid:\t")))
			continue;
		printf("%-8s %-8d %s\n", de->d_name, atoi(uid + 5), n > 0 ? cmd : "");
	}
	closedir(d);
	return 0;
}
