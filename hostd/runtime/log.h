/* log: hostd's own log. Every line carries the time since boot and goes to
 * the console (stderr) and to a size-capped ring file once /run exists.
 * Logging must never fail loudly or block for long: errors writing the log
 * are dropped, because there is nowhere left to report them. */
#ifndef HOSTD_LOG_H
#define HOSTD_LOG_H

#include <stddef.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_open_file(const char *path, size_t cap);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* log_sys: like log_msg at LOG_ERR, with ": strerror(errno)" appended. */
void log_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Format one log line into buf (no trailing newline); pure, for tests. */
size_t log_format(char *buf, size_t len, double uptime, enum log_level lvl,
		  const char *msg);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)

#endif
