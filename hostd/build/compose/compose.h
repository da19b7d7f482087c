/* compose: a docker-compose.yml read with libyaml into the model the image
 * builder and the plan emitter use (build host only; hostd as PID 1 never
 * reads YAML).
 *
 * Supported, with Compose's semantics (everything an Inception stack
 * uses): top-level name, services, volumes, networks, secrets (and the
 * obsolete top-level version, accepted and ignored); per service: image,
 * build (a context string, or context / dockerfile / args), pull_policy,
 * container_name, hostname, restart, environment (map or list), env_file,
 * secrets (short and long form), volumes (short and long form: named
 * volumes and bind mounts), networks (list or map, with ipv4_address and
 * aliases), ports (short and long form), expose, depends_on (list, or map
 * with condition), healthcheck, init, stop_signal, stop_grace_period,
 * mem_limit, cpus, pids_limit, deploy.resources.limits (memory, cpus,
 * pids), command and entrypoint (string or list), user, working_dir,
 * cap_add, cap_drop, userns_mode: host (compose_confine.c).
 * Values are interpolated from the env lookup (stack/.env) first, as
 * Compose does, then typed.
 *
 * Anything else is an error "<file>:<line>: <what>" naming the key:
 * an unknown or unsupported key (never silently ignored); network_mode:
 * host and links are refused with the Inception rule as the reason;
 * privileged, devices, security_opt, sysctls, pid, ipc: host and
 * cgroup_parent with the confinement they would undo; an
 * image tagged latest or untagged; a reference to an undefined volume,
 * network, secret or service; a dependency cycle is the plan's business
 * (order.c), not this file's.
 *
 * Memory: everything hangs off struct compose; compose_free() releases it.
 * Strings are NUL-terminated, lists NULL-terminated where noted. */
#ifndef HOSTD_COMPOSE_H
#define HOSTD_COMPOSE_H

#include <stddef.h>

#include "common/arena.h"
#include "build/compose/envfile.h"

struct compose_kv {
	const char *key, *value;	/* value NULL: "KEY" without a value */
	int line;
};

enum compose_mount_type { COMPOSE_VOLUME, COMPOSE_BIND };

struct compose_mount {
	enum compose_mount_type type;
	const char *source;	/* a volume name, or a host path made absolute
				 * against the compose file's directory */
	const char *target;	/* absolute path in the container */
	int read_only;
	int line;
};

struct compose_port {
	const char *host_ip;	/* NULL: all addresses (also for 0.0.0.0) */
	/* published 0: not published. Compose would publish "80" (or a long
	 * form without published) on a random host port; hostd's forwarded
	 * ports are fixed, so it only exposes it, and compose_load warns. */
	unsigned short published, target;
	int udp;
	int line;
};

struct compose_secret_ref {
	const char *source;	/* the top-level secret's name */
	const char *target;	/* the file name under /run/secrets (default: source;
				 * "/run/secrets/x" is taken as "x") */
	int line;
};

struct compose_net_ref {
	const char *name;	/* a top-level network, or "default" */
	const char *ipv4_address;	/* NULL: allocated by the plan emitter */
	const char **aliases;	/* NULL-terminated, may be empty */
	int line;
};

enum compose_cond { COMPOSE_STARTED, COMPOSE_HEALTHY, COMPOSE_COMPLETED };

struct compose_dep {
	const char *service;
	enum compose_cond condition;
	int line;
};

enum compose_health_kind {
	COMPOSE_HC_UNSET,	/* no healthcheck key: the image's applies */
	COMPOSE_HC_NONE,	/* test: ["NONE"] or disable: true */
	COMPOSE_HC_CMD,		/* test: ["CMD", argv...] */
	COMPOSE_HC_SHELL,	/* test: ["CMD-SHELL", cmd] or a string */
	COMPOSE_HC_INHERIT,	/* only timings given, or test: []: the image's test */
};

struct compose_health {
	enum compose_health_kind kind;
	const char **test;	/* CMD: argv; SHELL: test[0] is the command */
	/* Milliseconds; -1 = not given (the image's value or the default). */
	long long interval_ms, timeout_ms, start_period_ms;
	int retries;		/* -1 = not given */
	int line;		/* the healthcheck key's */
};

struct compose_service {
	const char *name;
	int line;
	const char *image;		/* "name:tag"; required, tag not latest */
	int has_build;
	const char *build_context;	/* absolute */
	const char *build_dockerfile;	/* absolute; default context/Dockerfile */
	struct compose_kv *build_args;	/* a value-less arg takes the env lookup's
					 * value; unset, it stays NULL (the
					 * Dockerfile's ARG default applies) */
	int nbuild_args;
	const char *pull_policy;	/* NULL, or always|never|missing|build|if_not_present */
	const char *container_name;	/* NULL: the service name */
	const char *hostname;		/* NULL: the service name */
	const char *restart;		/* NULL (= "no"), no, always, on-failure[:N], unless-stopped */
	/* environment: env_file entries first (in file order), then the
	 * environment key, later ones replacing earlier ones: the effective
	 * list, as Compose computes it. A "KEY" without a value takes the
	 * value from the env lookup, or is dropped when unset (removing an
	 * env_file value too). An entry's line is the environment item's, or
	 * for an env_file entry the line naming that file. */
	struct compose_kv *environment;
	int nenvironment;
	struct compose_secret_ref *secrets;
	int nsecrets;
	struct compose_mount *mounts;
	int nmounts;
	struct compose_net_ref *networks;	/* none given: one ref to "default" */
	int nnetworks;
	struct compose_port *ports;
	int nports;
	unsigned short *expose;
	int nexpose;
	struct compose_dep *depends_on;
	int ndepends_on;
	struct compose_health health;
	int init;			/* init: true */
	const char *stop_signal;	/* NULL: the image's; "SIGQUIT" (for SIGQUIT or QUIT) or
					 * a number, as given */
	long long stop_grace_ms;	/* -1: not given (10 s) */
	long long mem_limit;		/* bytes; 0: none */
	double cpus;			/* 0: none */
	long pids_limit;		/* 0: none (also for -1) */
	/* NULL-terminated; NULL: not given or null (the image's); an empty
	 * list ('' or []): explicitly empty. Given as a string, it is split
	 * as Compose splits it (POSIX shlex words, no shell, no expansion
	 * beyond interpolation). */
	const char **command, **entrypoint;
	const char *user, *working_dir;	/* NULL: the image's; working_dir cleaned */
	/* The lines of those four keys (0: not given), for messages. */
	int command_line, entrypoint_line, user_line, working_dir_line;
	/* cap_add / cap_drop: plan names (upper case, no CAP_, or ALL), each
	 * once, NULL-terminated; NULL: not given. */
	const char **cap_add, **cap_drop;
	int userns_host;		/* userns_mode: host */
};

struct compose_volume {
	const char *name;
	/* driver: local only. driver_opts type none, o bind, device DIR: the
	 * volume's data is DIR (how an Inception stack puts its volumes under
	 * /home/<login>/data). device NULL: no driver_opts. */
	const char *device;
	int line;
};

struct compose_network {
	const char *name;		/* the key */
	int line;			/* driver: bridge only */
	/* ipam.config's one IPv4 subnet "a.b.c.d/N" and its gateway, or
	 * NULL: the plan emitter picks them. Compose (and Docker) take a
	 * service's ipv4_address only on a network with a subnet. */
	const char *subnet, *gateway;
};

struct compose_secret {
	const char *name;
	const char *file;		/* absolute */
	int line;
};

struct compose {
	const char *path;		/* the file, as given */
	const char *dir;		/* its directory, absolute */
	const char *name;		/* top-level name, or the directory's name */
	struct compose_service *services;	/* in file order */
	int nservices;
	struct compose_volume *volumes;
	int nvolumes;
	struct compose_network *networks;	/* "default" added when used */
	int nnetworks;
	struct compose_secret *secrets;
	int nsecrets;
	/* Non-fatal findings, "<file>:<line>: <what>" (an unset variable
	 * defaulting to a blank string, as Compose warns). */
	const char **warnings;
	int nwarnings;
	struct arena mem;	/* private: what the parse keeps */
};

/* Read and check the compose file at path; variables come from env (may
 * be NULL). 0, or -1 with err "<file>:<line>: <what>" and *c empty
 * (compose_free is still safe). */
int compose_load(struct compose *c, const char *path, const struct env_lookup *env,
		 char *err, size_t errlen);
/* The same from a buffer (tests); path is used for messages and to
 * resolve relative paths. */
int compose_parse(struct compose *c, const char *path, const char *buf, size_t len,
		  const struct env_lookup *env, char *err, size_t errlen);
void compose_free(struct compose *c);

const struct compose_service *compose_service(const struct compose *c, const char *name);

/* rel against base (unless absolute), cleaned lexically, into out
 * (strlen(base) + strlen(rel) + 3 bytes): no ".", ".." or empty component,
 * no trailing '/'. */
void compose_join_path(char *out, const char *base, const char *rel);
/* "1m30s", "10s", "500ms", "1h" (Compose durations) in ms; -1 if bad. */
long long compose_duration_ms(const char *s);
/* "512m", "1g", "1048576", "1.5g" (Compose byte values) in bytes; -1 if bad. */
long long compose_bytes(const char *s);

#endif
