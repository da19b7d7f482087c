/* container: create one container and exec its command as PID 1 inside.
 * The child does every step of the setup itself (mounts, pivot_root,
 * hostname, loopback, capabilities, user) and, if a step fails, sends the
 * step's name and errno back to the parent over a CLOEXEC pipe, so the
 * parent can say "pivot_root /x: Invalid argument" rather than "exit 127"
 * (crun's approach). Never used for hostd itself: only in children. */
#ifndef HOSTD_CONTAINER_H
#define HOSTD_CONTAINER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/user.h"

#define CONTAINER_MAX_ENV 128
#define CONTAINER_MAX_LAYERS 32
#define CONTAINER_MAX_MOUNTS 16
#define CONTAINER_MAX_SECRETS 16
#define CONTAINER_MAX_HOSTS 32

struct container_mount {
	const char *src, *dst;	/* host path, path inside the container */
	int ro;
	/* Id-mapped to the container's user namespace (a named volume: its
	 * files keep the owners the container gives them); otherwise a
	 * window on the VM's own files, which keep the VM's owners. */
	int idmap;
};

struct container_secret {
	const char *name, *src;	/* shown as /run/secrets/<name>, mode 0400 */
};

struct container_spec {
	/* The root: either one directory used as it is, or read-only layers
	 * (bottom first) under an overlay whose upper/, work/ and root/ live
	 * in the state directory. */
	const char *rootfs;
	const char *layers[CONTAINER_MAX_LAYERS];
	int nlayers;
	const char *state;
	struct container_mount mounts[CONTAINER_MAX_MOUNTS];
	int nmounts;
	struct container_secret secrets[CONTAINER_MAX_SECRETS];
	int nsecrets;
	char *const *argv;		/* argv[0] looked up in the container's PATH */
	const char *env[CONTAINER_MAX_ENV + 1];
	int nenv;
	const char *hostname;
	const char *workdir;
	/* The user, as a Dockerfile USER or compose `user:` gives it (name,
	 * name:group, uid, uid:gid, name:gid, uid:group), resolved inside the
	 * container's root; NULL: the numeric uid and gid below (0:0 counts
	 * as no user given, i.e. root as /etc/passwd describes it). */
	const char *user;
	uid_t uid;
	gid_t gid;
	int host_net;			/* share the host's network namespace */
	/* With a bridge: a veth pair, "eth0" inside with ip/prefix and a
	 * default route via gw (0: none), the other end on the bridge. */
	const char *bridge;
	struct in_addr ip, gw;
	int prefix;
	/* Extra /etc/hosts lines: other services by name. */
	struct {
		const char *name;
		struct in_addr ip;
	} hosts[CONTAINER_MAX_HOSTS];
	int nhosts;
	const char *cgroup;		/* cgroup v2 directory to run in, or NULL */
	int out_fd;			/* stdout and stderr; -1: inherit ours */
	/* Capabilities kept (kernel numbering; caps.h): the bounding,
	 * permitted, effective and inheritable sets, and what seccomp lets
	 * through follows them. */
	uint64_t caps;
	/* A user namespace of its own: container ids 0..USERNS_SIZE-1 are
	 * the VM's userns_base.. (userns.h); its layers, root and volumes
	 * are id-mapped to it. 0: none, the container's root is the VM's
	 * (the builder's RUN steps; compose's userns_mode: host). */
	unsigned long userns_base;
#ifdef HOSTD_TEST_UNCONFINED
	/* Test builds only (tests/host/confine.sh): every protection off, as
	 * `docker run --privileged --pid host` would be, to show that each
	 * escape attempt of the suite works without them. */
	int unconfined;
#endif
};

/* Write the container's /etc/hosts, /etc/hostname and /etc/resolv.conf
 * into its state directory (they are bound over the image's at start, as
 * Docker does). Returns 0 or -1 with the failing path in err. Pure file
 * work: also used by the unit tests. */
int container_write_etc(const struct container_spec *s, char *err, size_t errlen);

/* Start the container; returns its pid (in our namespace) or -1 with the
 * failing step printed to stderr as "<prefix>: <step>: <error>", errno
 * set to the child's error and *exec_failed (if given) telling whether
 * it was the final exec that failed. */
pid_t container_start(const struct container_spec *s, const char *prefix,
		      int *exec_failed);

/* Run argv inside the running container whose PID 1 is target (host pid):
 * its cgroup and namespaces, user, environment and working directory, the
 * same capabilities and seccomp filter. Forks once (the pid namespace
 * applies to children) and returns the command's status as a shell
 * would, 125-127 for failures (printed as "<prefix>: ..."). Changes the
 * calling process's namespaces: call it in a child, never in hostd. */
int container_exec_in(pid_t target, char *const argv[], const char *prefix);
/* The same with the environment given (NULL-terminated). */
int container_exec_in_env(pid_t target, char *const argv[], const char *prefix,
			  char *const *env);

/* How container_exec_start runs the command. */
struct container_exec {
	/* >= 0: give the command a terminal, as crun's console socket does:
	 * it opens a pty in the container's own devpts (its /dev/ptmx),
	 * makes the slave its controlling terminal and stdin/out/err, takes
	 * the window size of our stdin, and sends the master over this
	 * socket (SCM_RIGHTS) before it execs. */
	int tty_sock;
	const char *term;	/* TERM with a terminal; NULL: the container's, else xterm */
	/* The environment (NULL-terminated), as the container was configured;
	 * NULL: PID 1's /proc/<pid>/environ, which a daemon that rewrites its
	 * process title (nginx) may have overwritten. */
	char *const *env;
	/* A user spec (name or uid[:group]) resolved in the container's own
	 * /etc/passwd and /etc/group, as `docker exec` uses the image's USER
	 * or its -u; NULL: the ids PID 1 runs as now. */
	const char *user;
};

/* container_exec_in's first half: join the container and start argv in
 * it; returns the command's pid (our child) or -1 after printing why.
 * The caller waits for it. x may be NULL (no terminal). */
pid_t container_exec_start(pid_t target, char *const argv[], const char *prefix,
			   const struct container_exec *x);

/* `hostd run [options] -- CMD...`: run one container to completion and
 * return its exit status the way a shell reports it (128+signal). */
int container_run_main(int argc, char **argv);

#endif
