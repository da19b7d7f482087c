/* container_exec: run a command in a running container, as `docker
 * exec` does — read its PID 1's user, capabilities, environment, working
 * directory and cgroup from /proc, join its cgroup and namespaces, fork
 * (the pid namespace applies to children), optionally give the command a
 * pty of the container's devpts, drop to the same user, capabilities and
 * seccomp filter, and exec. Changes the calling process's namespaces:
 * never called in hostd itself, only in a child of it. Never starts or
 * stops a container. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/cgroup.h"
#include "runtime/container_int.h"
#include "runtime/seccomp.h"
#include "common/userns.h"
#include "common/util.h"

static const char *const ns_names[] = {"ipc", "uts", "net", "cgroup", "pid", "mnt"};

/* PID 1's environment from /proc/<pid>/environ into env (max entries,
 * NULL-terminated), pointing into buf. Returns the count or -1. */
static int read_env(pid_t pid, char *buf, size_t len, char **env, int max)
{
	char path[64];
	ssize_t n;
	int k = 0;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	n = read_file(path, buf, len);
	if (n < 0)
		return -1;
	for (char *p = buf; p < buf + n && k < max; p += strlen(p) + 1)
		if (*p)
			env[k++] = p;
	env[k] = NULL;
	return k;
}

/* The ids of pid's user namespace for ids as we see them. */
static int to_inside(pid_t pid, const char *which, unsigned long id, unsigned long *in)
{
	if (userns_inside(pid, which, id, in) == 0)
		return 0;
	*in = 65534;	/* unmapped: the kernel's overflow id, nobody */
	return errno == ERANGE ? 0 : -1;
}

/* The user pid runs as, from /proc/<pid>/status: its real uid and gid
 * and its supplementary groups, i.e. the container's user as start
 * resolved it, as ids of its own user namespace; and its bounding set,
 * the capabilities it was given. Returns 0, or -1 with errno set
 * (EINVAL: unreadable). */
static int read_user(pid_t pid, struct container_user *u, uint64_t *caps)
{
	static char buf[16384];
	char path[64], *p;
	unsigned long v;
	int seen = 0;

	memset(u, 0, sizeof(*u));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *e;

		if (!strncmp(p, "Uid:", 4) && (v = strtoul(p + 4, &e, 10), e > p + 4)) {
			u->uid = (uid_t)v;
			seen |= 1;
		} else if (!strncmp(p, "Gid:", 4) && (v = strtoul(p + 4, &e, 10), e > p + 4)) {
			u->gid = (gid_t)v;
			seen |= 2;
		} else if (!strncmp(p, "Groups:", 7)) {
			for (p += 7; u->ngroups < CONTAINER_MAX_GROUPS; p = e) {
				p += strspn(p, " \t");	/* not past the line's end */
				v = strtoul(p, &e, 10);
				if (e == p)
					break;
				u->groups[u->ngroups++] = (gid_t)v;
			}
			seen |= 4;
		} else if (!strncmp(p, "CapBnd:", 7)) {
			*caps = strtoull(p + 7, &e, 16);
			seen |= 8;
		}
	}
	if (seen != 15) {
		errno = EINVAL;
		return -1;
	}
	/* /proc shows the ids as our namespace sees them: the VM's, for a
	 * container with a user namespace of its own. */
	if (to_inside(pid, "uid_map", u->uid, &v) < 0)
		return -1;
	u->uid = (uid_t)v;
	if (to_inside(pid, "gid_map", u->gid, &v) < 0)
		return -1;
	u->gid = (gid_t)v;
	for (int i = 0; i < u->ngroups; i++) {
		if (to_inside(pid, "gid_map", u->groups[i], &v) < 0)
			return -1;
		u->groups[i] = (gid_t)v;
	}
	return 0;
}

/* pid's capability bounding set (what its container was given). */
static int read_caps(pid_t pid, uint64_t *caps)
{
	struct container_user u;

	return read_user(pid, &u, caps);
}

/* Our user namespace's descriptor when pid's is another one (then the
 * exec child joins it), else -1 with errno 0. */
static int other_userns(pid_t pid)
{
	char path[64];
	struct stat mine, theirs;
	int fd;

	errno = 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (stat("/proc/self/ns/user", &mine) < 0 || stat(path, &theirs) < 0)
		return -1;
	if (mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) {
		errno = 0;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd;
}

/* Send fd over the unix socket sock (SCM_RIGHTS), with one byte of data. */
static int send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = "t", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* In the exec child, inside the container's mount namespace: a new pty
 * from the container's own devpts (/dev/ptmx leads to its pts/ptmx), the
 * slave as controlling terminal and stdin/out/err, owned by the user, at
 * the size of the terminal on our stdin; the master goes to sock. */
static void exec_tty(int sock, const struct container_user *u, const char *prefix)
{
	struct winsize ws;
	struct stat st;
	int master, slave;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0) {
		fprintf(stderr, "%s: open /dev/ptmx in the container: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	/* The container's root may have replaced it: only a pty multiplexer
	 * (5:2, devpts' own ptmx) gets our keys. */
	if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 ||
	    minor(st.st_rdev) != 2) {
		fprintf(stderr, "%s: /dev/ptmx in the container is not a pty multiplexer\n", prefix);
		_exit(126);
	}
	if (unlockpt(master) < 0) {
		fprintf(stderr, "%s: unlockpt /dev/ptmx: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	/* The slave through the master itself: no path to look up. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0) {
		char name[64];

		if (ptsname_r(master, name, sizeof(name)) != 0 ||
		    (slave = open(name, O_RDWR | O_NOCTTY)) < 0) {
			fprintf(stderr, "%s: open the pty slave: %s\n", prefix, strerror(errno));
			_exit(126);
		}
	}
	if (fchown(slave, u->uid, (gid_t)-1) < 0) {
		fprintf(stderr, "%s: chown the pty slave to uid %u: %s\n", prefix,
			(unsigned)u->uid, strerror(errno));
		_exit(126);
	}
	if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ioctl(slave, TIOCSWINSZ, &ws) < 0) {
		fprintf(stderr, "%s: set the pty's window size: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		fprintf(stderr, "%s: make the pty the controlling terminal: %s\n", prefix,
			strerror(errno));
		_exit(126);
	}
	if (send_fd(sock, master) < 0) {
		fprintf(stderr, "%s: send the pty master to hostctl: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	close(master);
	close(sock);
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
		fprintf(stderr, "%s: make the pty stdin, stdout and stderr: %s\n", prefix,
			strerror(errno));
		_exit(126);
	}
	if (slave > 2)
		close(slave);
}

/* A terminal's type in env (NULL-terminated, room for max entries): the
 * caller's when it has one, else the container's, else xterm (Docker's
 * default with -t). */
static void set_term(char **env, int max, const char *caller)
{
	static char term[256];
	int k = 0;

	while (env[k] && strncmp(env[k], "TERM=", 5))
		k++;
	if (env[k] && !(caller && caller[0]))
		return;
	snprintf(term, sizeof(term), "TERM=%s", caller && caller[0] ? caller : "xterm");
	if (env[k]) {
		env[k] = term;
	} else if (k + 1 < max) {
		env[k] = term;
		env[k + 1] = NULL;
	}
}

/* What container_exec_start reads of the target before it joins it. */
struct exec_ctx {
	pid_t target;
	const char *prefix;
	struct container_user u;
	uint64_t caps;
	int userns_fd;			/* its user namespace if not ours, else -1 */
	unsigned long userns_base;	/* its root's VM id */
	char **env;
	const char *cwd;
	char cg[512];			/* its cgroup.procs, or "" */
	int tty_sock;
};

/* The user the command runs as: x->user resolved in the container's own
 * /etc/passwd and /etc/group, else the one PID 1 runs as; and the
 * capabilities PID 1 was given. Returns 0, or -1 after printing why. */
static int exec_read_user(struct exec_ctx *c, const struct container_exec *x)
{
	char path[128];

	if (x && x->user) {
		static char pw[65536], gr[65536];
		char uerr[256];
		int havepw, havegr;

		snprintf(path, sizeof(path), "/proc/%d/root/etc/passwd", (int)c->target);
		havepw = read_file(path, pw, sizeof(pw)) >= 0;
		snprintf(path, sizeof(path), "/proc/%d/root/etc/group", (int)c->target);
		havegr = read_file(path, gr, sizeof(gr)) >= 0;
		if (container_user_resolve(x->user, havepw ? pw : NULL, havegr ? gr : NULL, &c->u,
					   uerr, sizeof(uerr)) < 0) {
			fprintf(stderr, "%s: user %s: %s\n", c->prefix, x->user, uerr);
			return -1;
		}
	} else if (read_user(c->target, &c->u, &c->caps) < 0) {
		fprintf(stderr, "%s: read the user of pid %d from /proc/%d/status: %s\n", c->prefix,
			(int)c->target, (int)c->target, strerror(errno));
		return -1;
	}
	if (read_caps(c->target, &c->caps) < 0) {
		fprintf(stderr, "%s: read the capabilities of pid %d from /proc/%d/status: %s\n",
			c->prefix, (int)c->target, (int)c->target, strerror(errno));
		return -1;
	}
	return 0;
}

/* The target's user namespace when it is not ours, and the VM id its
 * root (0 inside) maps to. Returns 0, or -1 after printing why. */
static int exec_read_userns(struct exec_ctx *c)
{
	char path[128], map[256];
	unsigned long inside;

	c->userns_fd = other_userns(c->target);
	if (c->userns_fd < 0 && errno) {
		fprintf(stderr, "%s: open the user namespace of pid %d: %s\n", c->prefix,
			(int)c->target, strerror(errno));
		return -1;
	}
	if (c->userns_fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)c->target);
	if (read_file(path, map, sizeof(map)) < 0 ||
	    sscanf(map, "%lu %lu", &inside, &c->userns_base) != 2) {
		fprintf(stderr, "%s: read %s: %s\n", c->prefix, path, strerror(errno));
		close(c->userns_fd);
		c->userns_fd = -1;
		return -1;
	}
	return 0;
}

/* The command's environment: x->env with HOME as start gives it
 * (env_with_home), for this user, else PID 1's; TERM with a terminal.
 * Returns 0, or -1 after printing why. */
static int exec_read_env(struct exec_ctx *c, const struct container_exec *x)
{
	static char envbuf[65536];
	static char *env[256];

	c->env = env;
	if (x && x->env) {
		static char home[sizeof(c->u.home) + 8];
		int k = 0, has_home = 0;

		while (x->env[k] && k < 253) {
			has_home |= !strncmp(x->env[k], "HOME=", 5);
			env[k] = x->env[k];
			k++;
		}
		if (!has_home) {
			snprintf(home, sizeof(home), "HOME=%s",
				 c->u.home[0] ? c->u.home : c->u.uid ? "/" : "/root");
			env[k++] = home;
		}
		env[k] = NULL;
	} else if (read_env(c->target, envbuf, sizeof(envbuf), env, 254) < 0) {
		fprintf(stderr, "%s: read the container's environment: %s\n", c->prefix,
			strerror(errno));
		return -1;
	}
	if (c->tty_sock >= 0)
		set_term(env, 256, x->term);
	return 0;
}

/* PID 1's working directory ("/" if unreadable) and cgroup. */
static void exec_read_cwd_cgroup(struct exec_ctx *c)
{
	static char cwd[4096];
	char path[128], line[256];
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)c->target);
	n = readlink(path, cwd, sizeof(cwd) - 1);
	if (n > 0)
		cwd[n] = '\0';
	else
		snprintf(cwd, sizeof(cwd), "/");
	c->cwd = cwd;
	c->cg[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)c->target);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "0::", 3)) {
				line[strcspn(line, "\n")] = '\0';
				if (cgroup_v2_root())
					snprintf(c->cg, sizeof(c->cg), "%s%s/cgroup.procs",
						 cgroup_v2_root(), line + 3);
			}
		fclose(f);
	}
}

/* Join the target's cgroup (and with it its device program: a command
 * that could not join it would escape the device policy) and its
 * namespaces but the user's. Returns 0, or -1 after printing why. */
static int exec_join(struct exec_ctx *c)
{
	char path[128];
	int fds[6];

	for (int k = 0; k < 6; k++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)c->target, ns_names[k]);
		if ((fds[k] = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			fprintf(stderr, "%s: open %s: %s\n", c->prefix, path, strerror(errno));
			while (k-- > 0)
				close(fds[k]);
			return -1;
		}
	}
	if (c->cg[0] && write_file(c->cg, "0", 1, 0644) < 0) {
		fprintf(stderr, "%s: join cgroup %s: %s\n", c->prefix, c->cg, strerror(errno));
		for (int k = 0; k < 6; k++)
			close(fds[k]);
		return -1;
	}
	for (int k = 0; k < 6; k++) {
		if (setns(fds[k], 0) < 0) {
			fprintf(stderr, "%s: join the container's %s namespace: %s\n",
				c->prefix, ns_names[k], strerror(errno));
			for (; k < 6; k++)
				close(fds[k]);
			return -1;
		}
		close(fds[k]);
	}
	return 0;
}

/* In the forked command: its directory and descriptors, the container's
 * user namespace (last of the namespaces, as at start), its terminal,
 * its user, capabilities and seccomp filter; then exec. */
static void __attribute__((noreturn)) exec_child(const struct exec_ctx *c, char *const argv[])
{
	const char *step = NULL, *prefix = c->prefix;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (chdir(c->cwd) < 0 && chdir("/") < 0) {
		fprintf(stderr, "%s: chdir %s in the container: %s\n", prefix, c->cwd,
			strerror(errno));
		_exit(126);
	}
	/* Docker's exec gives the command 0-2 only, not what hostctl
	 * inherited from the shell that ran it. */
	if (cloexec_from(3) < 0) {
		fprintf(stderr, "%s: exec: close inherited descriptors: %s\n", prefix,
			strerror(errno));
		_exit(126);
	}
	if (c->userns_fd >= 0 && container_own_stdio(-1, c->userns_base) < 0) {
		fprintf(stderr, "%s: exec: give stdin, stdout and stderr to the container's "
			"root: %s\n", prefix, strerror(errno));
		_exit(126);
	}
	if (c->userns_fd >= 0 && (setns(c->userns_fd, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 ||
				  setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
		fprintf(stderr, "%s: exec: join the container's user namespace: %s\n",
			prefix, strerror(errno));
		_exit(126);
	}
	if (c->tty_sock >= 0)
		exec_tty(c->tty_sock, &c->u, prefix);
	if (caps_bound(c->caps, &step) < 0 ||
	    setgroups((size_t)c->u.ngroups, c->u.groups) < 0 || setgid(c->u.gid) < 0 ||
	    setuid(c->u.uid) < 0 || caps_limit(c->caps, &step) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (step = "install the seccomp filter", seccomp_install(c->caps)) < 0) {
		fprintf(stderr, "%s: exec: %s: %s\n", prefix, step ? step : "drop privileges",
			strerror(errno));
		_exit(126);
	}
	execvpe(argv[0], argv, c->env);
	fprintf(stderr, "%s: exec %s: %s\n", prefix, argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

pid_t container_exec_start(pid_t target, char *const argv[], const char *prefix,
			   const struct container_exec *x)
{
	struct exec_ctx c;
	pid_t child;

	memset(&c, 0, sizeof(c));
	c.target = target;
	c.prefix = prefix;
	c.userns_fd = -1;
	c.tty_sock = x ? x->tty_sock : -1;
	/* The container's user, environment, working directory and cgroup,
	 * read before we leave the host's view. */
	if (exec_read_user(&c, x) < 0 || exec_read_userns(&c) < 0)
		return -1;
	if (exec_read_env(&c, x) < 0)
		goto fail;
	exec_read_cwd_cgroup(&c);
	if (exec_join(&c) < 0)
		goto fail;
	/* The pid namespace applies to children: the command runs in one. */
	child = fork();
	if (child < 0) {
		fprintf(stderr, "%s: fork: %s\n", prefix, strerror(errno));
		goto fail;
	}
	if (child == 0)
		exec_child(&c, argv);
	if (c.userns_fd >= 0)
		close(c.userns_fd);
	return child;
fail:
	if (c.userns_fd >= 0)
		close(c.userns_fd);
	return -1;
}

int container_exec_in(pid_t target, char *const argv[], const char *prefix)
{
	return container_exec_in_env(target, argv, prefix, NULL);
}

int container_exec_in_env(pid_t target, char *const argv[], const char *prefix,
			  char *const *env)
{
	struct container_exec x = {.tty_sock = -1, .env = env};
	pid_t child = container_exec_start(target, argv, prefix, &x);
	int status;

	if (child < 0)
		return 1;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "%s: wait for %s: %s\n", prefix, argv[0], strerror(errno));
			return 1;
		}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
