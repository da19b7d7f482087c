/* loop: hostd's event loop — one epoll set for every fd (signalfd, child
 * output pipes, DHCP, the power button) and a small table of one-shot
 * timers whose nearest deadline becomes epoll_wait's timeout. Watches and
 * timers live in their owners' structs: the loop allocates nothing. */
#ifndef HOSTD_LOOP_H
#define HOSTD_LOOP_H

#include <stdint.h>

struct watch {
	int fd;
	void (*cb)(struct watch *w, uint32_t events);
};

struct timer {
	long long deadline;	/* now_ms() value; 0 when not armed */
	void (*cb)(struct timer *t);
};

int loop_init(void);
int loop_add(struct watch *w, uint32_t events);
void loop_del(struct watch *w);
/* Change the events a watched fd is waited for. */
int loop_mod(struct watch *w, uint32_t events);
/* Arm (or re-arm) t to fire once, ms milliseconds from now. */
int timer_arm(struct timer *t, long long ms);
void timer_cancel(struct timer *t);
/* Wait for and dispatch one round of events and due timers. */
void loop_once(void);

#endif
