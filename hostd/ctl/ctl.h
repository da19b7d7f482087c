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
/* Run one request line against the supervisor, writing the reply (status
 * line and body) into out. Returns the reply's length. */
size_t ctl_handle(const char *req, char *out, size_t len);

/* A request line, read (ctl_req.c). */
enum ctl_verb {
	CTL_PS, CTL_IMAGES, CTL_NETWORK_LS, CTL_NETWORK_INSPECT, CTL_VOLUME_LS,
	CTL_VOLUME_INSPECT, CTL_STATS, CTL_KILL, CTL_RESTART, CTL_STOP, CTL_START,
	CTL_INSPECT,
};

struct ctl_req {
	enum ctl_verb verb;
	int all;		/* ps -a */
	int sig;		/* kill: the signal, SIGKILL by default */
	char name[256];		/* the container, network or volume; "" for lists */
};

/* Pure: one request line (without its newline) into r. Returns 0, or -1
 * with the error reply's one line in err ("empty request", "kill takes
 * ..."). */
int ctl_parse(const char *line, struct ctl_req *r, char *err, size_t errlen);

#define CTL_SOCKET_DEFAULT "/run/hostd/hostd.sock"
/* A request line's room (with its newline), and a reply's. */
#define CTL_REQ_MAX 512
#define CTL_REPLY_MAX 65536

#endif
