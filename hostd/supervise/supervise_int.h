/* supervise_int: what the supervisor's files (supervise.c, health.c,
 * load.c, spec.c) call in each other. Not for any other file: the rest of
 * hostd goes through supervise.h (and ctl/report.c reads state.h). */
#ifndef HOSTD_SUPERVISE_INT_H
#define HOSTD_SUPERVISE_INT_H

#include <stddef.h>

#include "runtime/container.h"
#include "supervise/state.h"

/* supervise.c: the service by name, or NULL. */
struct ctr *supervise_find(const char *name);
/* Start whatever is waiting for its dependencies and may go now. */
void supervise_start_pending(void);
/* Tell the readiness callback once everything is up. */
void supervise_check_ready(void);
/* The restart pause or the stop grace of c->timer is over. */
void supervise_timer_due(struct timer *t);

/* health.c: a service's health checks. */
int health_configured(const struct ctr *c);
void health_start(struct ctr *c);
void health_stop(struct ctr *c);

/* spec.c: the container spec of a service's plan (bridge: its bridge's
 * name, blen >= 16). Returns 0, or -1 with the reason in why. */
int supervise_build_spec(struct ctr *c, struct container_spec *s, char *bridge, size_t blen,
			 char *why, size_t whylen);

#endif
