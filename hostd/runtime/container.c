/* container: start a container — clone() into new namespaces, and the
 * child's steps from its root (container_fs.c) through pivot_root, its
 * user, network, capabilities and seccomp filter to the exec of its
 * command; the parent wires its veth and reads the failed step, if any,
 * from the CLOEXEC pipe. Never used for hostd itself; it never waits for
 * the container (the caller does) and never joins a running one
 * (container_exec.c). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/container_int.h"
#include "runtime/net.h"
#include "runtime/seccomp.h"
#include "common/userns.h"
#include "common/util.h"

struct child_args {
	const struct container_spec *s;
	int errfd;
	int sync[2];	/* the parent writes one byte once eth0 is ours */
	int userns_fd;	/* the container's user namespace, or -1 */
};

/* Read a file the image provides: a regular file only, opened without
 * blocking, so a FIFO or a device there cannot stall the start (hostd
 * waits for it). Returns the length, NUL-terminated, or -1 with errno
 * (EINVAL: not a regular file; EFBIG: cap bytes or more). */
static ssize_t read_image_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), e = 0;
	struct stat st;
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if (st.st_size >= (off_t)cap)
		e = EFBIG;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return (ssize_t)got;
}

/* The container's user, resolved in its own /etc/passwd and /etc/group:
 * called after pivot_root, so a volume bound over them counts too. */
static void resolve_user(const struct container_spec *s, struct container_user *u, int efd)
{
	static char pw[1 << 20], gr[1 << 20];
	static const char *const files[] = {"/etc/passwd", "/etc/group"};
	char *bufs[] = {pw, gr}, spec[32], why[300];
	const char *user = s->user;
	ssize_t n[2];

	if (!user) {
		if (s->uid || s->gid)
			snprintf(spec, sizeof(spec), "%u:%u", (unsigned)s->uid, (unsigned)s->gid);
		else
			snprintf(spec, sizeof(spec), "0");	/* root, with its groups */
		user = spec;
	}
	for (int i = 0; i < 2; i++) {
		n[i] = read_image_file(files[i], bufs[i], sizeof(pw));
		if (n[i] < 0 && errno == EINVAL)
			container_fail(efd, 0, "resolve user '%s': %s is not a regular file", user,
				   files[i]);
		if (n[i] < 0 && errno != ENOENT)
			container_fail(efd, errno, "resolve user '%s': read %s", user, files[i]);
	}
	if (container_user_resolve(user, n[0] < 0 ? NULL : pw, n[1] < 0 ? NULL : gr, u,
				   why, sizeof(why)) < 0)
		container_fail(efd, 0, "resolve user '%s': %s", user, why);
}

/* The environment with HOME added when it has none: the passwd entry's
 * home, as Docker does, else /root for root and / for anyone else. */
static char *const *env_with_home(const struct container_spec *s, const struct container_user *u)
{
	static const char *env[CONTAINER_MAX_ENV + 2];
	static char home[sizeof(u->home) + 8];
	int n = 0;

	for (int i = 0; i < s->nenv; i++) {
		if (!strncmp(s->env[i], "HOME=", 5))
			return (char *const *)s->env;
		env[n++] = s->env[i];
	}
	snprintf(home, sizeof(home), "HOME=%s", u->home[0] ? u->home : u->uid ? "/" : "/root");
	env[n++] = home;
	env[n] = NULL;
	return (char *const *)env;
}

/* A pipe or socket the command gets as stdin, stdout or stderr belongs
 * to whoever made it (the VM's root: hostd, or hostctl's caller), which
 * the container's user namespace does not map; reopening it through
 * /proc/self/fd/N (php-fpm's error_log, a check writing /dev/stderr)
 * would be refused. Give it to the container's root, as runc does.
 * Files and terminals are left alone. Returns 0, or -1 with errno. */
int container_own_stdio(int out_fd, unsigned long base)
{
	int fds[] = {0, 1, 2, out_fd};

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		struct stat st;

		if (fds[i] < 0 || fstat(fds[i], &st) < 0)
			continue;
		if (!(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) || st.st_uid == (uid_t)base)
			continue;
		if (fchown(fds[i], (uid_t)base, (gid_t)base) < 0)
			return -1;
	}
	return 0;
}

/* Become the container's root in its user namespace: joined last, so
 * every mount, namespace and the cgroup above were made with the VM's
 * root's rights and belong to namespaces the container's root does not
 * own (it can change none of them, capabilities or not). */
static void enter_userns(int userns_fd, int efd)
{
	if (setns(userns_fd, CLONE_NEWUSER) < 0)
		container_fail(efd, errno, "join the container's user namespace");
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		container_fail(efd, errno, "become root in the container's user namespace");
}

static int child_main(void *arg)
{
	const struct child_args *a = arg;
	const struct container_spec *s = a->s;
	int efd = a->errfd, confined = !UNCONFINED(s);
	const char *step = NULL, *root;
	struct container_user u;
	sigset_t none;

	close(a->sync[1]);
	/* Signals: hostd blocks them all for its signalfd; the container's
	 * PID 1 must start with a clean mask and default dispositions. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	root = container_make_root(s, a->userns_fd, efd);
	/* Join the cgroup once the mounts are made (its device program
	 * refuses the loop devices the layers needed), then make it the root
	 * of a new cgroup namespace: inside, /proc/self/cgroup reads "0::/"
	 * as under Docker. */
	if (s->cgroup) {
		char procs[512];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", s->cgroup);
		if (write_file(procs, "0", 1, 0644) < 0)
			container_fail(efd, errno, "join cgroup %s", s->cgroup);
	}
	if (unshare(CLONE_NEWCGROUP) < 0)
		container_fail(efd, errno, "new cgroup namespace");
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * lazy unmount then drops it from this namespace entirely. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		container_fail(efd, errno, "pivot_root %s", root);
	if (umount2(".", MNT_DETACH) < 0)
		container_fail(efd, errno, "detach the old root");
	if (chdir("/") < 0)
		container_fail(efd, errno, "chdir /");
	container_mount_secrets(s, efd);
	resolve_user(s, &u, efd);
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		container_fail(efd, errno, "sethostname %s", s->hostname);
	if (!s->host_net && net_link_up("lo") < 0)
		container_fail(efd, errno, "bring lo up");
	if (s->bridge) {
		char b;

		if (read(a->sync[0], &b, 1) != 1)
			container_fail(efd, EPIPE, "wait for the parent to wire eth0");
		if (net_link_up("eth0") < 0 || net_addr_add("eth0", s->ip, s->prefix) < 0)
			container_fail(efd, errno, "configure eth0");
		if (s->gw.s_addr && net_route_default("eth0", s->gw) < 0)
			container_fail(efd, errno, "add the default route");
	}
	if (s->workdir && chdir(s->workdir) < 0)
		container_fail(efd, errno, "chdir %s", s->workdir);
	if (a->userns_fd >= 0 && container_own_stdio(s->out_fd, s->userns_base) < 0)
		container_fail(efd, errno, "give stdout and stderr to the container's root");
	if (a->userns_fd >= 0)
		enter_userns(a->userns_fd, efd);
	if (confined && caps_bound(s->caps, &step) < 0)
		container_fail(efd, errno, "%s", step);
	if (setgroups((size_t)u.ngroups, u.groups) < 0 || setgid(u.gid) < 0 || setuid(u.uid) < 0)
		container_fail(efd, errno, "switch to user %u:%u", (unsigned)u.uid, (unsigned)u.gid);
	if (confined && caps_limit(s->caps, &step) < 0)
		container_fail(efd, errno, "%s", step);
	if (s->out_fd >= 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(s->out_fd, 1) < 0 ||
		    dup2(s->out_fd, 2) < 0)
			container_fail(efd, errno, "connect stdout and stderr");
	}
	if (cloexec_from(3) < 0)
		container_fail(efd, errno, "close inherited descriptors");
	if (confined && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		container_fail(efd, errno, "set no_new_privs");
	/* Last: from here on the filter applies to us too, and execve is
	 * the only call left. */
	if (confined && seccomp_install(s->caps) < 0)
		container_fail(efd, errno, "install the seccomp filter");
	execvpe(s->argv[0], s->argv, env_with_home(s, &u));
	container_fail(efd, errno, "exec %s", s->argv[0]);
}

pid_t container_start(const struct container_spec *s, const char *prefix,
		      int *exec_failed)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
	int p[2];
	struct child_args a = {.s = s, .userns_fd = -1};
	struct child_err ce;
	pid_t pid;
	ssize_t n;

	if (!s->host_net)
		flags |= CLONE_NEWNET;
	if (UNCONFINED(s))
		flags &= ~CLONE_NEWPID;
	if (s->state) {
		char err[4200];

		if (container_write_etc(s, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", prefix, err);
			return -1;
		}
	}
	if (s->userns_base && !UNCONFINED(s)) {
		char why[300];

		a.userns_fd = userns_open(s->userns_base, USERNS_SIZE, why, sizeof(why));
		if (a.userns_fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", prefix, why, strerror(errno));
			return -1;
		}
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", prefix, strerror(errno));
		if (a.userns_fd >= 0)
			close(a.userns_fd);
		return -1;
	}
	a.errfd = p[1];
	if (pipe2(a.sync, O_CLOEXEC) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", prefix, strerror(errno));
		close(p[0]);
		close(p[1]);
		if (a.userns_fd >= 0)
			close(a.userns_fd);
		return -1;
	}
	pid = clone(child_main, stack + sizeof(stack), flags, &a);
	if (a.userns_fd >= 0)
		close(a.userns_fd);	/* the child has its own copy */
	if (pid < 0) {
		fprintf(stderr, "%s: clone into new namespaces: %s\n", prefix,
			strerror(errno));
		close(p[0]);
		close(p[1]);
		close(a.sync[0]);
		close(a.sync[1]);
		return -1;
	}
	close(p[1]);
	close(a.sync[0]);
	if (s->bridge) {
		char host_if[16];
		unsigned char mac[6];

		/* The host end is named for the container's pid, so it is
		 * unique and easy to trace back. */
		snprintf(host_if, sizeof(host_if), "hd%d", (int)pid);
		net_mac_for(s->ip, mac);
		if (net_veth_add(host_if, "eth0", pid, mac) < 0 ||
		    net_link_set_master(host_if, s->bridge) < 0 || net_link_up(host_if) < 0) {
			fprintf(stderr, "%s: wire the container to bridge %s (see above)\n",
				prefix, s->bridge);
			kill(pid, SIGKILL);
			close(a.sync[1]);
			close(p[0]);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		if (write(a.sync[1], "", 1) != 1)
			fprintf(stderr, "%s: signal the container: %s\n", prefix, strerror(errno));
	}
	close(a.sync[1]);
	do
		n = read(p[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(ce)) {
		ce.step[sizeof(ce.step) - 1] = '\0';
		if (ce.err)
			fprintf(stderr, "%s: %s: %s\n", prefix, ce.step, strerror(ce.err));
		else
			fprintf(stderr, "%s: %s\n", prefix, ce.step);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (exec_failed)
			*exec_failed = !strncmp(ce.step, "exec ", 5);
		errno = ce.err ? ce.err : EINVAL;
		return -1;
	}
	return pid;
}
