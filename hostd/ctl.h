/* ctl: hostd's control socket and hostctl, its client. The protocol is
 * one request line ("ps -a", "stop nginx", ...) and one reply: a status
 * line, "0" or "1", then the body (output, or a one-line error). The
 * server never blocks: connections are non-blocking, a request must fit in
 * 512 bytes and arrive within 2 s, and garbage gets an error reply. */
#ifndef HOSTD_CTL_H
#define HOSTD_CTL_H

#include <stddef.h>

/* Listen on path (mode 0600). Returns 0 or -1 (logged). */
int ctl_listen(const char *path);
/* hostctl VERB [ARGS]: returns the exit status. */
int ctl_client_main(int argc, char **argv);
/* Pure: run one request line against the supervisor, writing the reply
 * (status line and body) into out. Returns the reply's length. */
size_t ctl_handle(const char *req, char *out, size_t len);

#define CTL_SOCKET_DEFAULT "/run/hostd/hostd.sock"

#endif
