/* log_format: see log.h. One log line's text from its time, level and
 * message, into the caller's buffer; it never writes anywhere (log.c
 * delivers the line to the console and the ring file).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "runtime/log.h"

#include <stdio.h>

static const char *const level_names[] = {"error", "warn", "info", "debug"};

size_t log_format(char *buf, size_t len, double uptime, enum log_level lvl,
		  const char *msg)
{
	int n;

	if (lvl == LOG_INFO)
		n = snprintf(buf, len, "[%10.3f] hostd: %s", uptime, msg);
	else
		n = snprintf(buf, len, "[%10.3f] hostd: %s: %s", uptime,
			     level_names[lvl], msg);
	if (n < 0)
		return 0;
	return (size_t)n >= len ? len - 1 : (size_t)n;
}
