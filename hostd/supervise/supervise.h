/* supervise: hostd's container supervisor. It loads the stack's plans,
 * starts the services in dependency order, keeps them running by their
 * restart policies (Docker's semantics, policy.c) with bounded backoff,
 * writes each service's output to its own size-capped log, and stops them
 * in reverse order (stop signal, then SIGKILL after the grace period).
 * A bad plan disables that service only. It never exits on its own. */
#ifndef HOSTD_SUPERVISE_H
#define HOSTD_SUPERVISE_H

#include <stddef.h>
#include <sys/types.h>

enum ctr_state { CTR_CREATED, CTR_STARTING, CTR_RUNNING, CTR_RESTARTING,
		 CTR_STOPPING, CTR_EXITED, CTR_DISABLED };

/* Load every *.plan in plans_dir; state_dir holds logs and container
 * state (per boot). keep_dir (or NULL) is where manual stops are
 * remembered across restarts of hostd, so that an unless-stopped service
 * stopped with hostctl stays down after a reboot, as Docker's does.
 * Returns the number of services loaded. */
int supervise_load(const char *plans_dir, const char *state_dir, const char *keep_dir);
/* Start every service that should run, in dependency order. */
void supervise_start_all(void);
/* cb(summary) is called once, when every service that should run is
 * running and, where it has a health check, healthy (disabled ones aside),
 * e.g. summary = "3 services up". */
void supervise_on_ready(void (*cb)(const char *summary));
/* The same summary at any time ("2 of 3 services up; not up: nginx
 * starting"); returns 1 while some service is still on its way. */
int supervise_summary(char *buf, size_t len);
/* Stop every service in reverse order; done() is called when all are
 * down (or killed after their grace period). */
void supervise_stop_all(void (*done)(void));
/* 1 once supervise_stop_all has begun. */
int supervise_stopping(void);

/* For hostctl: act on one service by name. Return 0, or -1 with a
 * one-line reason in err. */
int supervise_stop(const char *name, char *err, size_t errlen);
int supervise_start(const char *name, char *err, size_t errlen);
/* Stop gracefully, then start again (hostctl restart). */
int supervise_restart(const char *name, char *err, size_t errlen);
/* Send sig to the container's PID 1; SIGKILL also counts as a manual stop,
 * as `docker kill` does. */
int supervise_kill(const char *name, int sig, char *err, size_t errlen);

const char *ctr_state_name(enum ctr_state s);

#endif
