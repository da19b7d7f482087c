/* metrics: the monitor's read-only window on hostd. A second unix socket,
 * apart from the control socket (which no container ever sees): whoever
 * connects gets the Prometheus text of report_metrics() and EOF; what it
 * sends is never read, so the socket can only be read from. Its directory
 * is bind-mounted read-only into the monitor container. */
#ifndef HOSTD_METRICS_H
#define HOSTD_METRICS_H

/* Where the socket lives unless `hostd daemon --metrics PATH` says
 * otherwise; the compose file binds its directory. */
#define METRICS_SOCKET_DEFAULT "/run/hostd-metrics/metrics.sock"

/* Listen on path (its directory made 0755, the socket 0666: the monitor
 * runs as an ordinary user). Returns 0, or -1 logged. */
int metrics_listen(const char *path);

#endif
