/* usock: what hostd's two unix sockets (ctl.c's control socket, metrics.c's
 * metrics socket) share: a listening socket in the event loop, and
 * connections closed after a time limit if their peer has not finished by
 * then. */
#ifndef HOSTD_USOCK_H
#define HOSTD_USOCK_H

#include <sys/types.h>

#include "supervise/loop.h"

struct usock_conn {
	struct watch w;		/* w.fd < 0: the slot is free */
	struct timer t;
};

/* Listen on path; w->cb (set by the caller) is called when connections
 * wait. A missing directory is made with dirmode (an existing one is left
 * as it is); a socket left by an earlier run is replaced; the socket gets
 * mode. what names the socket in messages. Returns 0, or -1 logged. */
int usock_listen(struct watch *w, const char *path, mode_t dirmode, mode_t mode,
		 const char *what);
/* Take the accepted fd into the free slot c (c->w.fd < 0): watched for
 * input (cb), closed after ms. Returns 0, or -1 with fd closed and c
 * still free. */
int usock_conn_open(struct usock_conn *c, int fd, void (*cb)(struct watch *w, uint32_t events),
		    long long ms);
void usock_conn_close(struct usock_conn *c);

#endif
