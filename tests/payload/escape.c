/* escape: what an attacker who is root in a container tries, one attempt
 * per name (`payload escape NAME [ARG...]`). Prints "NAME: ok" when the
 * attempt worked — the container is not confined against it — and
 * "NAME: <error>" when it was refused. tests/host/confine.sh runs each in
 * a confined container (it must fail) and in one with every protection
 * off (it must work, or fail differently), so no check passes vacuously.
 * Nothing here changes the machine: written values are the ones read,
 * sysrq-trigger is only opened, a module load is given no module. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "escape.h"

static int fail_errno(void)
{
	return -1;
}

/* Read up to len bytes of path (opened without blocking); the count, or
 * -1 with errno. */
static ssize_t read_some(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	e = errno;
	close(fd);
	errno = e;
	return n;
}

/* mknod a block device and read its first sector. */
static int mknod_block(int argc, char **argv)
{
	static const char node[] = "/dev/escape-blk";
	char buf[512];
	int fd, e;
	ssize_t n;

	if (argc < 2)
		return errno = EINVAL, -1;
	unlink(node);
	if (mknod(node, S_IFBLK | 0600, makedev(atoi(argv[0]), atoi(argv[1]))) < 0)
		return fail_errno();
	fd = open(node, O_RDONLY | O_CLOEXEC);
	e = errno;
	unlink(node);
	if (fd < 0)
		return errno = e, -1;
	n = read(fd, buf, sizeof(buf));
	e = errno;
	close(fd);
	return n == (ssize_t)sizeof(buf) ? 0 : (errno = n < 0 ? e : EIO, -1);
}

/* Open an existing device node and read from it. */
static int open_dev(int argc, char **argv)
{
	char buf[512];
	ssize_t n;

	if (argc < 1)
		return errno = EINVAL, -1;
	n = read_some(argv[0], buf, sizeof(buf));
	return n > 0 ? 0 : (n == 0 ? (errno = EIO, -1) : -1);
}

/* Write a kernel setting: its own value back (nothing changes). */
static int proc_sys_write(int argc, char **argv)
{
	char val[256];
	ssize_t n;
	int fd, e;

	if (argc < 1)
		return errno = EINVAL, -1;
	n = read_some(argv[0], val, sizeof(val));
	if (n <= 0)
		return n == 0 ? (errno = EIO, -1) : -1;
	fd = open(argv[0], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, (size_t)n);
	e = errno;
	close(fd);
	return n > 0 ? 0 : (errno = e, -1);
}

/* Only open it for writing: one byte written would act on the machine. */
static int sysrq_open(int argc, char **argv)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	(void)argc;
	(void)argv;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Read a file: ok when it gives bytes (a masked file gives none). For
 * /proc/kcore, ok only for an ELF header. */
static int read_file(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;

	if (argc < 1)
		return errno = EINVAL, -1;
	n = read_some(argv[0], buf, sizeof(buf));
	if (n < 0)
		return -1;
	if (n == 0)
		return errno = ENODATA, -1;	/* "No data available": masked */
	if (strstr(argv[0], "kcore") && (n < 4 || memcmp(buf, "\177ELF", 4)))
		return errno = EINVAL, -1;
	return 0;
}

/* List a directory: ok when it has entries (a masked one is empty). */
static int list_dir(int argc, char **argv)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (argc < 1)
		return errno = EINVAL, -1;
	if (!(d = opendir(argv[0])))
		return -1;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n ? 0 : (errno = ENODATA, -1);
}

static int mount_any(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mkdir("/escape-mnt", 0755);
	if (mount("escape", "/escape-mnt", "tmpfs", 0, NULL) < 0)
		return -1;
	umount("/escape-mnt");
	return 0;
}

/* A module load with our own binary as the module: no kernel takes it,
 * but the error says who refused (EPERM: the container's confinement). */
static int module_load(int argc, char **argv)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	long r;

	(void)argc;
	(void)argv;
	if (fd < 0)
		return -1;
	r = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return r < 0 ? -1 : 0;
}

static int signal_pid(int argc, char **argv)
{
	if (argc < 1)
		return errno = EINVAL, -1;
	return kill((pid_t)atoi(argv[0]), 0);
}

static int ptrace_pid(int argc, char **argv)
{
	pid_t pid;

	if (argc < 1)
		return errno = EINVAL, -1;
	pid = (pid_t)atoi(argv[0]);
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return -1;
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}

static int connect_unix(int argc, char **argv)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s, r, e;

	if (argc < 1 || strlen(argv[0]) >= sizeof(a.sun_path))
		return errno = EINVAL, -1;
	strcpy(a.sun_path, argv[0]);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	r = connect(s, (struct sockaddr *)&a, sizeof(a));
	e = errno;
	close(s);
	return r < 0 ? (errno = e, -1) : 0;
}

static int open_socket(int family, int type, int proto)
{
	int s = socket(family, type | SOCK_CLOEXEC, proto);

	if (s < 0)
		return -1;
	close(s);
	return 0;
}

static int raw_socket(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return open_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
}

static int packet_socket(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return open_socket(AF_PACKET, SOCK_RAW, 0);
}

static int keyctl(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return syscall(SYS_add_key, "user", "escape", "x", 1, -3 /* session */) < 0 ? -1 : 0;
}

/* A real request (an array map), so that without seccomp it works. */
static int bpf(int argc, char **argv)
{
	union bpf_attr a;
	long fd;

	(void)argc;
	(void)argv;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return -1;
	close((int)fd);
	return 0;
}

static int userfaultfd(int argc, char **argv)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);

	(void)argc;
	(void)argv;
	if (fd < 0)
		return -1;
	close((int)fd);
	return 0;
}

static int perf(int argc, char **argv)
{
	struct perf_event_attr a;
	long fd;

	(void)argc;
	(void)argv;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.disabled = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		return -1;
	close((int)fd);
	return 0;
}

/* A new user namespace: root with every capability over it. */
static int unshare_user(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return unshare(CLONE_NEWUSER);
}

/* Join the mount namespace (and so the root) of a process of the VM:
 * PID 1 by default. */
static int setns_pid(int argc, char **argv)
{
	char path[64];
	int fd, r, e;

	snprintf(path, sizeof(path), "/proc/%s/ns/mnt", argc >= 1 ? argv[0] : "1");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = setns(fd, CLONE_NEWNS);
	e = errno;
	close(fd);
	return r < 0 ? (errno = e, -1) : 0;
}

/* Open a file for writing (nothing is written). */
static int write_file(int argc, char **argv)
{
	int fd;

	if (argc < 1)
		return errno = EINVAL, -1;
	fd = open(argv[0], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} probes[] = {
	{"mknod_block", mknod_block}, {"open_dev", open_dev},
	{"proc_sys_write", proc_sys_write}, {"sysrq_open", sysrq_open},
	{"read_file", read_file}, {"list_dir", list_dir}, {"mount", mount_any},
	{"module_load", module_load}, {"signal", signal_pid}, {"ptrace", ptrace_pid},
	{"connect_unix", connect_unix}, {"raw_socket", raw_socket},
	{"packet_socket", packet_socket}, {"keyctl", keyctl}, {"bpf", bpf},
	{"userfaultfd", userfaultfd}, {"perf_event_open", perf},
	{"unshare_user", unshare_user}, {"setns_mnt", setns_pid},
	{"write_file", write_file},
};

int escape_main(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: payload escape NAME [ARG...]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (strcmp(argv[0], probes[i].name))
			continue;
		errno = 0;
		if (probes[i].fn(argc - 1, argv + 1) == 0)
			printf("%s: ok\n", argv[0]);
		else
			printf("%s: %s\n", argv[0], strerror(errno));
		return 0;
	}
	fprintf(stderr, "payload: unknown escape '%s'\n", argv[0]);
	return 2;
}
