/* container: see container.h. */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "net.h"
#include "seccomp.h"
#include "util.h"

struct child_err {
	char step[200];
	int err;
};

struct child_args {
	const struct container_spec *s;
	int errfd;
};

/* Report a failed step to the parent and die; the parent prints it. */
static void __attribute__((noreturn)) child_fail(int fd, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void child_fail(int fd, int err, const char *fmt, ...)
{
	struct child_err ce;
	va_list ap;

	memset(&ce, 0, sizeof(ce));
	va_start(ap, fmt);
	vsnprintf(ce.step, sizeof(ce.step), fmt, ap);
	va_end(ap);
	ce.err = err;
	if (write(fd, &ce, sizeof(ce)) < 0)
		_exit(127);
	_exit(127);
}

static const struct {
	const char *name;
	mode_t mode;
	int major, minor;
} devices[] = {
	{"null", 0666, 1, 3}, {"zero", 0666, 1, 5}, {"full", 0666, 1, 7},
	{"random", 0666, 1, 8}, {"urandom", 0666, 1, 9}, {"tty", 0666, 5, 0},
};

/* A minimal /dev, as Docker gives: the usual character devices, devpts
 * with its own ptmx, /dev/shm, and the fd links. */
static void setup_dev(int efd)
{
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
		{"pts/ptmx", "ptmx"},
	};

	if (mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
		child_fail(efd, errno, "mount tmpfs on /dev");
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		char p[64];

		snprintf(p, sizeof(p), "dev/%s", devices[i].name);
		if (mknod(p, S_IFCHR | devices[i].mode,
			  makedev(devices[i].major, devices[i].minor)) < 0)
			child_fail(efd, errno, "mknod /%s", p);
		if (chmod(p, devices[i].mode) < 0)	/* umask */
			child_fail(efd, errno, "chmod /%s", p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		char p[64];

		snprintf(p, sizeof(p), "dev/%s", links[i][1]);
		if (symlink(links[i][0], p) < 0)
			child_fail(efd, errno, "symlink /%s", p);
	}
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 01777) < 0)
		child_fail(efd, errno, "mkdir /dev/pts, /dev/shm");
	if (mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		child_fail(efd, errno, "mount devpts on /dev/pts");
	if (mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=65536k") < 0)
		child_fail(efd, errno, "mount tmpfs on /dev/shm");
}

static int child_main(void *arg)
{
	const struct child_args *a = arg;
	const struct container_spec *s = a->s;
	int efd = a->errfd;
	const char *step = NULL;
	sigset_t none;

	/* Signals: hostd blocks them all for its signalfd; the container's
	 * PID 1 must start with a clean mask and default dispositions. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Nothing we mount may leak back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(efd, errno, "make mounts private");
	/* pivot_root needs the new root to be a mount point. */
	if (mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		child_fail(efd, errno, "bind %s", s->rootfs);
	if (chdir(s->rootfs) < 0)
		child_fail(efd, errno, "chdir %s", s->rootfs);
	if (mkdir("proc", 0555) < 0 && errno != EEXIST)
		child_fail(efd, errno, "mkdir /proc");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail(efd, errno, "mount proc on /proc");
	if (mkdir("sys", 0555) < 0 && errno != EEXIST)
		child_fail(efd, errno, "mkdir /sys");
	/* sysfs belongs to the network namespace; with the host's network
	 * it can only be a read-only bind of the host's. */
	if (s->host_net ? mount("/sys", "sys", NULL, MS_BIND | MS_REC, NULL) :
			  mount("sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL))
		child_fail(efd, errno, "mount sysfs on /sys");
	if (s->host_net && mount(NULL, "sys", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail(efd, errno, "remount /sys read-only");
	if (mkdir("dev", 0755) < 0 && errno != EEXIST)
		child_fail(efd, errno, "mkdir /dev");
	setup_dev(efd);
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * lazy unmount then drops it from this namespace entirely. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		child_fail(efd, errno, "pivot_root %s", s->rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		child_fail(efd, errno, "detach the old root");
	if (chdir("/") < 0)
		child_fail(efd, errno, "chdir /");
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		child_fail(efd, errno, "sethostname %s", s->hostname);
	if (!s->host_net && net_link_up("lo") < 0)
		child_fail(efd, errno, "bring lo up");
	if (s->workdir && chdir(s->workdir) < 0)
		child_fail(efd, errno, "chdir %s", s->workdir);
	if (caps_limit(caps_docker_default(), &step) < 0)
		child_fail(efd, errno, "%s", step);
	if (setgroups(0, NULL) < 0 || setgid(s->gid) < 0 || setuid(s->uid) < 0)
		child_fail(efd, errno, "switch to user %u:%u", (unsigned)s->uid,
			   (unsigned)s->gid);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(efd, errno, "set no_new_privs");
	/* Last: from here on the filter applies to us too, and execve is
	 * the only call left. */
	if (seccomp_install() < 0)
		child_fail(efd, errno, "install the seccomp filter");
	execvpe(s->argv[0], s->argv, (char *const *)s->env);
	child_fail(efd, errno, "exec %s", s->argv[0]);
}

pid_t container_start(const struct container_spec *s, const char *prefix,
		      int *exec_failed)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWCGROUP | SIGCHLD;
	int p[2];
	struct child_args a = {.s = s};
	struct child_err ce;
	pid_t pid;
	ssize_t n;

	if (!s->host_net)
		flags |= CLONE_NEWNET;
	if (pipe2(p, O_CLOEXEC) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", prefix, strerror(errno));
		return -1;
	}
	a.errfd = p[1];
	pid = clone(child_main, stack + sizeof(stack), flags, &a);
	if (pid < 0) {
		fprintf(stderr, "%s: clone into new namespaces: %s\n", prefix,
			strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	do
		n = read(p[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(ce)) {
		ce.step[sizeof(ce.step) - 1] = '\0';
		fprintf(stderr, "%s: %s: %s\n", prefix, ce.step, strerror(ce.err));
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (exec_failed)
			*exec_failed = !strncmp(ce.step, "exec ", 5);
		errno = ce.err;
		return -1;
	}
	return pid;
}
