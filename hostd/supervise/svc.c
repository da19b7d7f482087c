/* svc: see svc.h. */
#include "supervise/svc.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "runtime/log.h"
#include "common/util.h"

static void restart_due(struct timer *t)
{
	struct svc *s = (struct svc *)((char *)t -
				       offsetof(struct svc, restart_timer));

	if (s->want_up && !s->proc.pid)
		svc_start(s);
}

static void svc_exited(struct proc *p, int status)
{
	struct svc *s = (struct svc *)((char *)p - offsetof(struct svc, proc));
	long long up = now_ms() - s->started_ms;
	char how[64];

	proc_status_str(status, how, sizeof(how));
	if (!s->want_up) {
		log_info("%s stopped (%s)", p->name, how);
		if (s->on_down)
			s->on_down(s);
		return;
	}
	s->backoff_ms = svc_next_backoff(s->backoff_ms, up);
	s->restarts++;
	log_warn("%s %s after %lld ms; restart %d in %lld ms", p->name, how, up,
		 s->restarts, s->backoff_ms);
	timer_arm(&s->restart_timer, s->backoff_ms);
}

void svc_init(struct svc *s, const char *name, char *const argv[])
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->proc.name = name;
	s->proc.out.fd = -1;
	s->proc.on_exit = svc_exited;
	s->restart_timer.cb = restart_due;
	for (i = 0; i + 1 < SVC_MAX_ARGS && argv[i]; i++)
		s->argv[i] = argv[i];
	s->argv[i] = NULL;
}

void svc_start(struct svc *s)
{
	s->want_up = 1;
	if (s->proc.pid)
		return;
	s->started_ms = now_ms();
	if (proc_spawn(&s->proc, s->argv) < 0) {
		/* fork itself failed: try again later, like a quick death. */
		s->backoff_ms = svc_next_backoff(s->backoff_ms, 0);
		timer_arm(&s->restart_timer, s->backoff_ms);
		return;
	}
	log_info("%s started, pid %d", s->proc.name, (int)s->proc.pid);
}

void svc_stop(struct svc *s, int sig)
{
	s->want_up = 0;
	timer_cancel(&s->restart_timer);
	if (sig && s->proc.pid && kill(s->proc.pid, sig) < 0)
		log_sys("stop %s: kill %d", s->proc.name, (int)s->proc.pid);
}
