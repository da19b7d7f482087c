/* order: see order.h. Depth-first topological sort; the stack is small
 * (a dozen services), so plain arrays and repeated name lookups are fine.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/order.h"

#include <stdio.h>
#include <string.h>

enum mark { WHITE, GREY, BLACK };

static int culprit = -1;

int order_culprit(void)
{
	return culprit;
}

struct walk {
	const struct plan *const *plans;
	int n;
	int *order, done;
	enum mark mark[ORDER_MAX];
	int stack[ORDER_MAX], depth;	/* the current path, for cycle messages */
	char *err;
	size_t errlen;
};

static int find(const struct walk *w, const char *name)
{
	for (int i = 0; i < w->n; i++)
		if (!strcmp(w->plans[i]->service, name))
			return i;
	return -1;
}

static int visit(struct walk *w, int i)
{
	const struct plan *p = w->plans[i];

	if (w->mark[i] == BLACK)
		return 0;
	if (w->mark[i] == GREY) {
		/* i is on the current path: print the path from i back to i. */
		size_t len = (size_t)snprintf(w->err, w->errlen, "dependency cycle:");
		int from = 0;

		while (from < w->depth && w->stack[from] != i)
			from++;
		for (int k = from; k < w->depth && len < w->errlen; k++)
			len += (size_t)snprintf(w->err + len, w->errlen - len, " %s ->",
						w->plans[w->stack[k]]->service);
		if (len < w->errlen)
			snprintf(w->err + len, w->errlen - len, " %s", p->service);
		culprit = i;
		return -1;
	}
	w->mark[i] = GREY;
	w->stack[w->depth++] = i;
	for (int d = 0; d < p->ndeps; d++) {
		int j = find(w, p->deps[d].service);

		if (j < 0) {
			snprintf(w->err, w->errlen, "%s depends on %s, which is not in the stack",
				 p->service, p->deps[d].service);
			culprit = i;
			return -1;
		}
		if (visit(w, j) < 0)
			return -1;
	}
	w->depth--;
	w->mark[i] = BLACK;
	w->order[w->done++] = i;
	return 0;
}

int order_services(const struct plan *const *plans, int n, int *order,
		   char *err, size_t errlen)
{
	struct walk w = {.plans = plans, .n = n, .order = order, .err = err,
			 .errlen = errlen};

	culprit = -1;
	if (n > ORDER_MAX) {
		snprintf(err, errlen, "too many services (%d; at most %d)", n, ORDER_MAX);
		return -1;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(plans[i]->service, plans[j]->service)) {
				snprintf(err, errlen, "service %s is defined twice",
					 plans[i]->service);
				return -1;
			}
	/* Visiting in the given order keeps independent services in the
	 * order the compose file lists them. */
	for (int i = 0; i < n; i++)
		if (visit(&w, i) < 0)
			return -1;
	return 0;
}
