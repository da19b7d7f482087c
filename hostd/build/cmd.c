/* cmd: the builder's hands on the build host: running a tool with its
 * output in a log (mkfs.erofs, mmdebstrap, `hostd run`, rm), showing a
 * log's tail, the clock, reading a whole file, and the one out-of-memory
 * message. Knows nothing of images or steps. */
#include "build/build_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

int build_oom(void)
{
	fprintf(stderr, "hostd-build: out of memory\n");
	return -1;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int run_cmd(char *const argv[], const char *log)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "hostd-build: fork for %s: %s\n", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (log && !B.verbose) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "hostd-build: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "hostd-build: wait for %s: %s\n", argv[0], strerror(errno));
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void show_tail(const char *log, int lines)
{
	static char buf[1 << 16];
	ssize_t n = read_file(log, buf, sizeof(buf));
	int seen = 0;
	ssize_t i;

	if (n <= 0)
		return;
	for (i = n - 1; i > 0; i--)
		if (buf[i - 1] == '\n' && ++seen >= lines)
			break;
	for (char *l = buf + i; *l;) {
		char *nl = strchr(l, '\n');

		fprintf(stderr, "    | %.*s\n", (int)(nl ? nl - l : (long)strlen(l)), l);
		if (!nl)
			break;
		l = nl + 1;
	}
}

int rm_rf(const char *path)
{
	char *const argv[] = {"rm", "-rf", "--one-file-system", (char *)path, NULL};

	return run_cmd(argv, NULL) == 0 ? 0 : -1;
}

int dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int read_whole(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!(*buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	n = read(fd, *buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(*buf);
		return -1;
	}
	(*buf)[n] = '\0';
	*len = (size_t)n;
	return 0;
}
