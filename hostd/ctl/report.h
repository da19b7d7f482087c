/* report: the read-only views hostctl asks hostd for. Each writes its
 * output into buf and returns the length (or -1 with err, for a name that
 * does not exist). */
#ifndef HOSTD_REPORT_H
#define HOSTD_REPORT_H

#include <stddef.h>

/* The list verbs write one JSON object per line (hostctl formats them
 * as a table, a template or JSON): `ps` (all: `ps -a`). */
size_t report_ps(char *buf, size_t len, int all);
/* `inspect NAME`: Docker-shaped JSON. */
int report_inspect(const char *name, char *buf, size_t len, char *err, size_t errlen);
/* Raw figures for `hostctl stats`: one line per running container,
 * "NAME CPU_USEC MEM_BYTES MEM_LIMIT PIDS NET_RX NET_TX", "-" where a
 * figure is not available (no cgroup v2 here). */
size_t report_stats(char *buf, size_t len);
/* `images`: each image the stack uses, with its layers' total size.
 * `network ls`: each compose network once. */
size_t report_images(char *buf, size_t len);
/* `network ls` and `network inspect NAME` (JSON: bridge, subnet, gateway,
 * and each container on it with its address). */
size_t report_networks(char *buf, size_t len);
int report_network_inspect(const char *name, char *buf, size_t len, char *err,
			   size_t errlen);
/* `volume ls` (each named volume once) and `volume inspect NAME`. */
size_t report_volumes(char *buf, size_t len);
int report_volume_inspect(const char *name, char *buf, size_t len, char *err, size_t errlen);
/* The monitor's view: Prometheus text (exposition format 0.0.4) with
 * each container's state, health, restarts and start time from hostd, and
 * for running ones CPU, memory, pids (cgroup v2) and network bytes (its
 * veth). Truncated at len (never more than len - 1 bytes). */
size_t report_metrics(char *buf, size_t len, double uptime_s);

#endif
