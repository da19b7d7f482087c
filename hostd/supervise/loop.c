/* loop: see loop.h. Never blocks anywhere but in epoll_wait. */
#include "supervise/loop.h"

#include <errno.h>
#include <stddef.h>
#include <sys/epoll.h>

#include "runtime/log.h"
#include "common/util.h"

#define MAX_TIMERS 128

static int epfd = -1;
static struct timer *timers[MAX_TIMERS];

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		log_sys("epoll_create1");
		return -1;
	}
	return 0;
}

int loop_add(struct watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
		log_sys("epoll_ctl add fd %d", w->fd);
		return -1;
	}
	return 0;
}

int loop_mod(struct watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0) {
		log_sys("epoll_ctl mod fd %d", w->fd);
		return -1;
	}
	return 0;
}

void loop_del(struct watch *w)
{
	/* Closing the fd removes it too; a failure here means it is gone. */
	epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

int timer_arm(struct timer *t, long long ms)
{
	size_t free_slot = MAX_TIMERS;

	for (size_t i = 0; i < MAX_TIMERS; i++) {
		if (timers[i] == t) {
			t->deadline = now_ms() + (ms > 0 ? ms : 0) + 1;
			return 0;
		}
		if (!timers[i] && free_slot == MAX_TIMERS)
			free_slot = i;
	}
	if (free_slot == MAX_TIMERS) {
		log_err("timer table full (%d timers)", MAX_TIMERS);
		return -1;
	}
	timers[free_slot] = t;
	t->deadline = now_ms() + (ms > 0 ? ms : 0) + 1;
	return 0;
}

void timer_cancel(struct timer *t)
{
	for (size_t i = 0; i < MAX_TIMERS; i++)
		if (timers[i] == t)
			timers[i] = NULL;
	t->deadline = 0;
}

static int next_timeout(void)
{
	long long now = now_ms(), best = -1;

	for (size_t i = 0; i < MAX_TIMERS; i++) {
		long long left;

		if (!timers[i])
			continue;
		left = timers[i]->deadline - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	if (best > 60000)
		best = 60000;
	return (int)best;
}

static void run_due_timers(void)
{
	long long now = now_ms();

	for (size_t i = 0; i < MAX_TIMERS; i++) {
		struct timer *t = timers[i];

		if (!t || t->deadline > now)
			continue;
		/* Unregister before the call: the callback may re-arm. */
		timers[i] = NULL;
		t->deadline = 0;
		t->cb(t);
	}
}

void loop_once(void)
{
	struct epoll_event evs[16];
	int n = epoll_wait(epfd, evs, (int)ARRAY_SIZE(evs), next_timeout());

	if (n < 0 && errno != EINTR)
		log_sys("epoll_wait");
	for (int i = 0; i < n; i++) {
		struct watch *w = evs[i].data.ptr;

		w->cb(w, evs[i].events);
	}
	run_due_timers();
}
