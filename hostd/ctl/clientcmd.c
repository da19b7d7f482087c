/* clientcmd: see clientcmd.h. */
#include "ctl/clientcmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/container.h"
#include "ctl/jsonfmt.h"
#include "common/util.h"

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

/* The command's status as a shell reports it. */
static int wait_status(pid_t child, const char *what)
{
	int status;

	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "hostctl: wait for %s: %s\n", what, strerror(errno));
			return 1;
		}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* The pty master the exec child sends over sock (SCM_RIGHTS); -1 when it
 * sent none (it failed, and said why, or took longer than 10 s). */
static int recv_master(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct pollfd pfd = {.fd = sock, .events = POLLIN};
	struct cmsghdr *c;
	ssize_t n;
	int fd, r;

	while ((r = poll(&pfd, 1, 10000)) < 0 && errno == EINTR)
		;
	if (r <= 0) {
		fprintf(stderr, "hostctl: exec -t: no terminal from the container: %s\n",
			r < 0 ? strerror(errno) : "timed out after 10 s");
		return -1;
	}
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		fprintf(stderr, "hostctl: exec -t: receive the terminal: %s\n", strerror(errno));
		return -1;
	}
	c = CMSG_FIRSTHDR(&msg);
	if (n != 1 || !c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;	/* the child failed before sending it, and said so */
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* Our terminal (stdin) in raw mode while a terminal command runs, and its
 * settings put back on every way out. */
static struct termios saved_tio;
static int tio_saved;

/* Saves the settings the first time only: after a stop, the terminal
 * may be raw or the shell's, and what we restore stays the original. */
static int tty_raw(void)
{
	struct termios raw;

	if (!tio_saved && tcgetattr(0, &saved_tio) < 0) {
		fprintf(stderr, "hostctl: exec -t: read the terminal's settings: %s\n", strerror(errno));
		return -1;
	}
	tio_saved = 1;
	raw = saved_tio;
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSADRAIN, &raw) < 0) {
		fprintf(stderr, "hostctl: exec -t: put the terminal in raw mode: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void tty_restore(void)
{
	if (tio_saved && tcsetattr(0, TCSADRAIN, &saved_tio) < 0)
		fprintf(stderr, "hostctl: exec -t: restore the terminal's settings: %s\n",
			strerror(errno));
	tio_saved = 0;
}

static void copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ioctl(master, TIOCSWINSZ, &ws) < 0)
		fprintf(stderr, "hostctl: exec -t: set the window size: %s\r\n", strerror(errno));
}

/* Hang the command up (our terminal or we are going away): SIGHUP, as a
 * closing terminal would, then SIGKILL if it is still there after 2 s. */
static void hang_up(pid_t child, int sfd)
{
	long long until = now_ms() + 2000;
	struct pollfd p = {.fd = sfd, .events = POLLIN};
	int status;

	if (kill(child, SIGHUP) < 0 && errno != ESRCH)
		fprintf(stderr, "hostctl: exec -t: hang up pid %d: %s\n", (int)child, strerror(errno));
	while (waitpid(child, &status, WNOHANG) == 0) {
		struct signalfd_siginfo si;

		if (now_ms() >= until) {
			kill(child, SIGKILL);
			wait_status(child, "the command");
			return;
		}
		if (poll(&p, 1, 100) > 0 && read(sfd, &si, sizeof(si)) < 0 && errno != EAGAIN)
			break;
	}
}

/* Relay between our terminal and the command's until the command ends:
 * keys (with -i) to the master, its output to our stdout, SIGWINCH as the
 * new window size. A signal meant to end us (TERM, HUP, INT, QUIT) or a
 * failing stdout hangs the command up. Returns the command's status. */
static int tty_relay(pid_t child, int master, int sfd, int interactive)
{
	char in[4096], out[65536];
	size_t inlen = 0;
	int in_open = interactive, master_open = 1, status = 0, done = 0, rc = -1;
	long long drain_until = 0;

	copy_winsize(master);
	while (rc < 0) {
		struct pollfd p[3] = {
			{.fd = sfd, .events = POLLIN},
			{.fd = master_open ? master : -1, .events = POLLIN | (inlen ? POLLOUT : 0)},
			{.fd = in_open && !inlen && !done ? 0 : -1, .events = POLLIN},
		};
		struct signalfd_siginfo si;
		int timeout = -1, r;
		ssize_t n;

		if (done) {
			/* The command has ended: what it wrote last, until the pty
			 * closes or is quiet for 100 ms (something it left running
			 * may hold it open), 1 s at most. */
			long long left = drain_until - now_ms();

			if (!master_open || left <= 0)
				break;
			timeout = left < 100 ? (int)left : 100;
		}
		r = poll(p, 3, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "hostctl: exec -t: poll: %s\r\n", strerror(errno));
			if (!done)
				hang_up(child, sfd);
			rc = 1;
			break;
		}
		if (r == 0)
			break;	/* quiet after the end */
		if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGWINCH) {
				copy_winsize(master);
			} else if (si.ssi_signo == SIGCONT) {
				/* Back from a stop: a shell may have reset the terminal. */
				if (interactive && tty_raw() < 0) {
					hang_up(child, sfd);
					rc = 1;
				}
			} else if (si.ssi_signo == SIGCHLD) {
				if (!done && waitpid(child, &status, WNOHANG) == child) {
					done = 1;
					drain_until = now_ms() + 1000;
				}
			} else {
				if (!done)
					hang_up(child, sfd);
				rc = 128 + (int)si.ssi_signo;
			}
			continue;
		}
		if (master_open && (p[1].revents & POLLOUT) && inlen) {
			n = write(master, in, inlen);
			if (n > 0) {
				memmove(in, in + n, inlen - (size_t)n);
				inlen -= (size_t)n;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				inlen = 0;	/* the pty is closing: the read side sees it */
			}
		}
		if (master_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = read(master, out, sizeof(out));
			if (n > 0 && write_all(1, out, (size_t)n) < 0) {
				/* Our terminal is gone: the command's goes too. */
				if (!done)
					hang_up(child, sfd);
				rc = 1;
			} else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				master_open = 0;	/* EIO: every slave is closed */
			}
		}
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(0, in, sizeof(in));
			if (n > 0)
				inlen = (size_t)n;
			else if (n == 0 || errno != EINTR)
				in_open = 0;
		}
	}
	if (rc < 0)
		rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	return rc;
}

/* `exec -t`: the command on a terminal of its own in the container, ours
 * in raw mode (with -i) relaying to it, as `docker exec -it`. */
static int exec_tty(pid_t target, char **argv, int interactive, const char *user,
		    char **env)
{
	struct container_exec x = {.term = getenv("TERM"), .user = user, .env = env};
	sigset_t sigs, old;
	int sv[2], master, sfd, rc;
	pid_t child;

	if (!isatty(0)) {
		fprintf(stderr, "hostctl: exec -t: the input device is not a TTY\n");
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, "hostctl: exec -t: socketpair: %s\n", strerror(errno));
		return 1;
	}
	/* Signals through a signalfd from before the fork on, so none is
	 * missed; a blocked SIGPIPE turns a closed stdout into EPIPE. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGWINCH);
	sigaddset(&sigs, SIGCONT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGQUIT);
	sigaddset(&sigs, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &sigs, &old) < 0 ||
	    (sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		fprintf(stderr, "hostctl: exec -t: signalfd: %s\n", strerror(errno));
		return 1;
	}
	x.tty_sock = sv[1];
	child = container_exec_start(target, argv, "hostctl", &x);
	close(sv[1]);
	if (child < 0)
		return 1;
	master = recv_master(sv[0]);
	close(sv[0]);
	if (master < 0) {
		/* The child said why; its status tells the rest. */
		hang_up(child, sfd);
		return 126;
	}
	if (fcntl(master, F_SETFL, O_NONBLOCK) < 0) {
		fprintf(stderr, "hostctl: exec -t: make the pty non-blocking: %s\n", strerror(errno));
		rc = 1;
		hang_up(child, sfd);
	} else if (interactive && tty_raw() < 0) {
		rc = 1;
		hang_up(child, sfd);
	} else {
		rc = tty_relay(child, master, sfd, interactive);
	}
	tty_restore();
	close(master);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int clientcmd_exec(int argc, char **argv, const char *inspect_json)
{
	static char user[256], envbuf[65536];
	static char *env[256];
	char pidtxt[16];
	int i = 1, tty = 0, interactive = 0;
	const char *user_opt = NULL;
	pid_t target;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if ((!strcmp(o, "-u") || !strcmp(o, "--user")) && i + 1 < argc) {
			user_opt = argv[++i];
		} else if (!strncmp(o, "--user=", 7)) {
			user_opt = o + 7;
		} else if (!strcmp(o, "--tty")) {
			tty = 1;
		} else if (!strcmp(o, "--interactive")) {
			interactive = 1;
		} else if (o[1] && o[1] != '-' && strspn(o + 1, "it") == strlen(o + 1)) {
			tty |= strchr(o, 't') != NULL;
			interactive |= strchr(o, 'i') != NULL;
		} else {
			fprintf(stderr, "hostctl: exec: unknown option '%s'\n", o);
			return 2;
		}
	}
	i++;	/* the container's name */
	if (i >= argc) {
		fprintf(stderr, "usage: hostctl exec [-i] [-t] [-u USER] NAME CMD [ARG...]\n");
		return 2;
	}
	if (jsonfmt_field(inspect_json, "Pid", pidtxt, sizeof(pidtxt)) < 0 ||
	    (target = (pid_t)atoi(pidtxt)) <= 0) {
		fprintf(stderr, "hostctl: the container is not running\n");
		return 1;
	}
	/* Docker's rule: -u, else the container's configured user, else
	 * root — not whatever PID 1 has since switched to (mariadbd runs as
	 * mysql, yet `exec mariadb sh` is a root shell). */
	/* The configured environment, as docker exec gives it (PID 1's
	 * /proc/PID/environ may have been overwritten, as nginx's is). */
	if (jsonfmt_strings(inspect_json, "Env", envbuf, sizeof(envbuf), env, 256) < 0) {
		fprintf(stderr, "hostctl: exec: the container's environment is not in its inspect\n");
		return 1;
	}
	if (user_opt)
		snprintf(user, sizeof(user), "%s", user_opt);
	else if (jsonfmt_field(inspect_json, "User", user, sizeof(user)) < 0 || !user[0])
		snprintf(user, sizeof(user), "0");
	if (tty)
		return exec_tty(target, argv + i, interactive, user, env);
	/* docker exec without -i gives the command no input: it reads EOF,
	 * not whatever hostctl's own stdin holds. */
	if (!interactive) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0) {
			fprintf(stderr, "hostctl: exec: /dev/null as stdin: %s\n", strerror(errno));
			return 1;
		}
		close(null);
	}
	{
		struct container_exec x = {.tty_sock = -1, .user = user, .env = env};
		pid_t child = container_exec_start(target, argv + i, "hostctl", &x);
		int status;

		if (child < 0)
			return 1;
		while (waitpid(child, &status, 0) < 0)
			if (errno != EINTR) {
				fprintf(stderr, "hostctl: wait for %s: %s\n", argv[i], strerror(errno));
				return 1;
			}
		return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	}
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
