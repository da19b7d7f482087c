/* proc: see proc.h. */
#include "supervise/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/log.h"
#include "common/util.h"

#define MAX_PROCS 64

static struct proc *procs[MAX_PROCS];
extern char **environ;

static void out_flush(struct proc *p)
{
	if (p->linelen) {
		p->line[p->linelen] = '\0';
		if (p->sink)
			p->sink(p, p->line);
		else
			log_info("%s: %s", p->name, p->line);
		p->linelen = 0;
	}
}

static void out_close(struct proc *p)
{
	if (p->out.fd >= 0) {
		out_flush(p);
		loop_del(&p->out);
		close(p->out.fd);
		p->out.fd = -1;
	}
}

/* Read one chunk of output; returns what read(2) returned. */
static ssize_t out_read(struct proc *p)
{
	char buf[1024];
	ssize_t n = read(p->out.fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return n;
	if (n <= 0) {
		out_close(p);
		return n;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || p->linelen == sizeof(p->line) - 1) {
			out_flush(p);
			if (buf[i] == '\n')
				continue;
		}
		if (buf[i] != '\r')
			p->line[p->linelen++] = buf[i];
	}
	return n;
}

static void out_ready(struct watch *w, uint32_t events)
{
	(void)events;
	out_read((struct proc *)((char *)w - offsetof(struct proc, out)));
}

/* In the child: undo what PID 1 set up for itself, then exec. Only
 * async-signal-safe calls from here on. */
static void child_reset(int out)
{
	sigset_t all;
	int null = open("/dev/null", O_RDWR);

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setsid();
	if (null >= 0)
		dup2(null, 0);
	dup2(out, 1);
	dup2(out, 2);
}

static void child(char *const argv[], int out, int errw)
{
	int e;

	child_reset(out);
	execve(argv[0], argv, environ);
	e = errno;
	if (write(errw, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int proc_register(struct proc *p)
{
	for (size_t i = 0; i < MAX_PROCS; i++)
		if (procs[i] == p)
			return 0;
	for (size_t i = 0; i < MAX_PROCS; i++)
		if (!procs[i]) {
			procs[i] = p;
			return 0;
		}
	log_err("%s: process table full", p->name);
	return -1;
}

static void proc_unregister(struct proc *p)
{
	for (size_t i = 0; i < MAX_PROCS; i++)
		if (procs[i] == p)
			procs[i] = NULL;
}

static void watch_output(struct proc *p, int fd)
{
	p->linelen = 0;
	p->out.fd = fd;
	p->out.cb = out_ready;
	if (fd >= 0 && (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || loop_add(&p->out, EPOLLIN) < 0)) {
		log_sys("%s: watch output", p->name);
		close(fd);
		p->out.fd = -1;
	}
}

int proc_adopt(struct proc *p, pid_t pid, int out_fd)
{
	if (proc_register(p) < 0)
		return -1;
	p->pid = pid;
	watch_output(p, out_fd);
	return 0;
}

/* A slot and an output pipe for a child about to be forked: a child we
 * could not track must not exist. */
static int spawn_begin(struct proc *p, int outp[2])
{
	if (proc_register(p) < 0)
		return -1;
	if (pipe2(outp, O_CLOEXEC) < 0) {
		log_sys("start %s: pipe", p->name);
		proc_unregister(p);
		return -1;
	}
	return 0;
}

/* Undo spawn_begin after a failed fork. */
static void spawn_abort(struct proc *p, int outp[2])
{
	log_sys("start %s: fork", p->name);
	close(outp[0]);
	close(outp[1]);
	proc_unregister(p);
}

int proc_spawn_fn(struct proc *p, int (*fn)(void *), void *arg)
{
	int outp[2];
	pid_t pid;

	if (spawn_begin(p, outp) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		spawn_abort(p, outp);
		return -1;
	}
	if (pid == 0) {
		child_reset(outp[1]);
		_exit(fn(arg));
	}
	close(outp[1]);
	p->pid = pid;
	watch_output(p, outp[0]);
	return 0;
}

int proc_spawn(struct proc *p, char *const argv[])
{
	int outp[2], errp[2], e = 0;
	pid_t pid;
	ssize_t n;

	if (spawn_begin(p, outp) < 0)
		return -1;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		log_sys("start %s: pipe", p->name);
		close(outp[0]);
		close(outp[1]);
		proc_unregister(p);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		spawn_abort(p, outp);	/* first: it reports fork's errno */
		close(errp[0]);
		close(errp[1]);
		return -1;
	}
	if (pid == 0)
		child(argv, outp[1], errp[1]);
	close(outp[1]);
	close(errp[1]);
	/* Returns at once: EOF when exec succeeded (CLOEXEC), errno if not. */
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);

	p->pid = pid;
	watch_output(p, outp[0]);
	if (n == (ssize_t)sizeof(e)) {
		errno = e;
		log_sys("start %s: exec %s", p->name, argv[0]);
		/* The child exits 127; proc_reap delivers that to on_exit. */
	}
	return 0;
}

void proc_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
}

int proc_reap(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0) {
			if (pid < 0 && errno == EINTR)
				continue;
			return pid < 0 && errno == ECHILD;
		}
		for (size_t i = 0; i < MAX_PROCS; i++) {
			struct proc *p = procs[i];

			if (!p || p->pid != pid)
				continue;
			procs[i] = NULL;
			p->pid = 0;
			/* Drain what it wrote before dying, then report. */
			while (p->out.fd >= 0 && out_read(p) > 0)
				;
			out_close(p);
			if (p->on_exit)
				p->on_exit(p, status);
			break;
		}
	}
}
