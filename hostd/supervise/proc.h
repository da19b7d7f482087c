/* proc: starting child processes and reaping every child. A child's
 * stdout and stderr come back through a pipe and become log lines prefixed
 * with its name. If exec fails, the child reports errno over a CLOEXEC pipe
 * so the parent logs "exec /x: No such file or directory", not "exit 1".
 * hostd is PID 1, so orphans are reparented to it: proc_reap collects them
 * too and ignores those no struct proc asked for. */
#ifndef HOSTD_PROC_H
#define HOSTD_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "supervise/loop.h"

struct proc {
	const char *name;
	pid_t pid;		/* 0 when not running */
	struct watch out;	/* read end of the output pipe */
	char line[512];
	size_t linelen;
	void (*on_exit)(struct proc *p, int status);
	/* Where output lines go; NULL: hostd's log, as "<name>: <line>". */
	void (*sink)(struct proc *p, const char *line);
};

int proc_spawn(struct proc *p, char *const argv[]);
/* Like proc_spawn, but the child runs fn(arg) and exits with its value. */
int proc_spawn_fn(struct proc *p, int (*fn)(void *), void *arg);
/* Register a child started some other way (a container), with the read
 * end of its output pipe (or -1), so that proc_reap reports its end. */
int proc_adopt(struct proc *p, pid_t pid, int out_fd);
/* Reap every exited child without blocking; call owners' on_exit.
 * Returns 1 when no child at all is left. */
int proc_reap(void);
/* Describe a wait status: "exited 0", "killed by signal 9". */
void proc_status_str(int status, char *buf, size_t len);

#endif
