/* log: see log.h. Delivers hostd's log lines (formatted by log_format.c) to
 * the console and the ring file; never allocates, never exits. */
#include "runtime/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static size_t log_cap;
static size_t log_size;
static char log_path[256];

void log_open_file(const char *path, size_t cap)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

	if (fd < 0) {
		log_sys("open log file %s", path);
		return;
	}
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	log_cap = cap;
	log_size = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
	snprintf(log_path, sizeof(log_path), "%s", path);
}

/* Keep the file under its cap: the current file becomes <path>.1 (the
 * previous .1 is dropped) and a fresh file starts. */
static void log_rotate(void)
{
	char old[sizeof(log_path) + 2];
	int fd;

	snprintf(old, sizeof(old), "%s.1", log_path);
	if (rename(log_path, old) < 0)
		return;
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
		  0640);
	if (fd < 0)
		return;
	close(log_fd);
	log_fd = fd;
	log_size = 0;
}

static void log_emit(enum log_level lvl, const char *msg)
{
	char line[1024];
	struct timespec ts;
	size_t n;
	ssize_t w;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	n = log_format(line, sizeof(line) - 1,
		       (double)ts.tv_sec + (double)ts.tv_nsec / 1e9, lvl, msg);
	line[n++] = '\n';
	w = write(STDERR_FILENO, line, n);
	(void)w;
	if (log_fd >= 0) {
		if (log_cap && log_size + n > log_cap)
			log_rotate();
		if (write(log_fd, line, n) > 0)
			log_size += n;
	}
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_emit(lvl, msg);
	errno = saved;
}

void log_sys(const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	int saved = errno;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
			 strerror(saved));
	log_emit(LOG_ERR, msg);
	errno = saved;
}
