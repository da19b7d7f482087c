/* order: the start order of a stack's services from their depends_on, as
 * Compose computes it: every service after the ones it depends on; stop
 * order is the reverse. A dependency on a service that does not exist, or
 * a cycle, is an error that names the services involved. Pure. */
#ifndef HOSTD_ORDER_H
#define HOSTD_ORDER_H

#include <stddef.h>

#include "common/plan.h"

#define ORDER_MAX 64

/* Fill order[] with indexes into plans[] (n of them) in start order.
 * Returns 0, or -1 with err saying what is wrong ("wordpress depends on
 * db, which is not in the stack" / "dependency cycle: a -> b -> a"). */
int order_services(const struct plan *const *plans, int n, int *order,
		   char *err, size_t errlen);
/* After a failure: the index of the service to disable so that the rest
 * can be ordered (the dependent of a missing service, or the service that
 * closes a cycle); -1 when the failure is not about one service. */
int order_culprit(void);

#endif
