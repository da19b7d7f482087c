/* boot: see boot.h. Phases that need a child process (fsck, mkfs, sshd) or
 * the network (DHCP) run as event-loop steps, each one starting the next
 * from its completion callback, so hostd keeps reaping and answering
 * signals the whole time. Nothing here exits: a failed phase is logged and
 * boot goes on with what works. */
#include "init/boot.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "init/conf.h"
#include "ctl/ctl.h"
#include "init/dhcp.h"
#include "init/disk.h"
#include "runtime/log.h"
#include "ctl/metrics.h"
#include "supervise/loop.h"
#include "init/mount.h"
#include "runtime/net.h"
#include "init/power.h"
#include "supervise/proc.h"
#include "supervise/supervise.h"
#include "supervise/svc.h"
#include "common/util.h"

#define DISK_WAIT_MS 10000
#define STOP_GRACE_MS 5000

static struct conf conf;
static char stack_summary[512] = "not started";
static char data_dir[128];
static char data_dev[64];

enum boot_step { STEP_NET = 1, STEP_DISK = 2, STEP_SSH = 4, STEP_STACK = 8 };
#define ALL_STEPS (STEP_NET | STEP_DISK | STEP_SSH | STEP_STACK)
static int steps_done;
static int data_mounted, data_read_only;

static struct watch sigw;
static struct dhcp_client dhcp;
static struct proc disk_job;
static struct timer disk_deadline;
static struct watch uevents = {.fd = -1};
static struct svc sshd;

static int stopping;
static struct timer stop_timer;
static const char *stop_deferred;	/* why, while a disk job finishes */

static void shutdown_begin(const char *why);
static void stop_the_rest(void);
static void phase_ssh(void);


static double uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void step_done(int step)
{
	if (steps_done & step)
		return;
	steps_done |= step;
	if (steps_done != ALL_STEPS || stopping)
		return;
	log_info("ready in %.2f s: %s.42.fr, eth0 %s, ssh on port %s, data disk %s, stack: %s",
		 uptime(), conf.login,
		 dhcp.bound_once ? inet_ntoa(dhcp.lease.addr) : "WITHOUT ADDRESS",
		 conf.ssh_port,
		 data_mounted ? data_dev : "MISSING (nothing persists this boot)",
		 stack_summary);
}

/* ---- phase 3: names and network ---------------------------------------- */

int boot_hosts_file(char *buf, int len, const char *login, const char *hostname)
{
	return snprintf(buf, (size_t)len,
			"127.0.0.1\tlocalhost\n"
			"127.0.1.1\t%s\n"
			"127.0.0.1\t%s.42.fr\n",
			hostname, login);
}

#define DHCP_READY_MS 15000
static struct timer dhcp_slow;

static void net_bound(struct dhcp_client *c)
{
	(void)c;
	timer_cancel(&dhcp_slow);
	step_done(STEP_NET);
}

/* Boot does not wait forever for a lease: after DHCP_READY_MS it reports
 * ready without one, and the client keeps asking in the background. */
static void dhcp_too_slow(struct timer *t)
{
	(void)t;
	log_err("dhcp: no lease on eth0 after %d ms; going on without network "
		"(still asking)", DHCP_READY_MS);
	step_done(STEP_NET);
}

static void phase_network(void)
{
	char hosts[512];
	int n = boot_hosts_file(hosts, sizeof(hosts), conf.login, conf.hostname);

	if (sethostname(conf.hostname, strlen(conf.hostname)) < 0)
		log_sys("set hostname %s", conf.hostname);
	if (write_file_atomic("/etc/hosts", hosts, (size_t)n, 0644) < 0)
		log_sys("write /etc/hosts");
	if (net_link_up("lo") < 0)
		log_err("loopback is down: local services will not answer");
	if (net_link_up("eth0") < 0 || dhcp_start(&dhcp, "eth0", net_bound) < 0) {
		log_err("eth0 is not configured: the VM is unreachable from outside");
		step_done(STEP_NET);
		return;
	}
	dhcp_slow.cb = dhcp_too_slow;
	if (!(steps_done & STEP_NET))
		timer_arm(&dhcp_slow, DHCP_READY_MS);
}

/* ---- phase 6: ssh ------------------------------------------------------- */

/* dropbear has no readiness notification, so ssh counts as up once a TCP
 * connect to its port succeeds: a non-blocking connect watched by the
 * loop, retried every 20 ms, for at most SSH_PROBE_MS. */
#define SSH_PROBE_MS 10000
static struct watch ssh_conn = {.fd = -1};
static struct timer ssh_retry;
static long long ssh_probe_start;

static void ssh_probe(struct timer *t);

/* One probe ended with err (0: connected): ready, retry, or give up. */
static void ssh_probe_end(int err)
{
	if (ssh_conn.fd >= 0) {
		close(ssh_conn.fd);
		ssh_conn.fd = -1;
	}
	if (err == 0) {
		log_info("ssh is accepting connections on port %s", conf.ssh_port);
		step_done(STEP_SSH);
	} else if (now_ms() - ssh_probe_start >= SSH_PROBE_MS) {
		errno = err;
		log_sys("ssh not accepting connections on port %s after %d ms",
			conf.ssh_port, SSH_PROBE_MS);
		step_done(STEP_SSH);
	} else {
		timer_arm(&ssh_retry, 20);
	}
}

static void ssh_probe_result(struct watch *w, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	(void)events;
	if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	loop_del(w);
	ssh_probe_end(err);
}

static void ssh_probe(struct timer *t)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(conf.ssh_port)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd;

	(void)t;
	ssh_retry.cb = ssh_probe;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_sys("ssh probe: socket");
		step_done(STEP_SSH);
		return;
	}
	ssh_conn.fd = fd;
	ssh_conn.cb = ssh_probe_result;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		ssh_probe_end(0);
	} else if (errno != EINPROGRESS) {
		ssh_probe_end(errno);
	} else if (loop_add(&ssh_conn, EPOLLOUT) < 0) {
		ssh_probe_end(EIO);
	}
}

static void phase_ssh(void)
{
	static char *argv[] = {"/usr/sbin/dropbear", "-F", "-E", "-R", "-s",
			       "-p", NULL, NULL};
	char keydir[192];

	argv[6] = conf.ssh_port;
	/* Host keys live on the data disk so the VM keeps its identity
	 * across boots; without the disk they are made anew in /run. */
	if (data_mounted)
		snprintf(keydir, sizeof(keydir), "%s/.appliance/dropbear", data_dir);
	else
		snprintf(keydir, sizeof(keydir), "/run/dropbear");
	if (mkdir_p(keydir, 0700) < 0)
		log_sys("mkdir %s", keydir);
	if (unlink("/etc/dropbear") < 0 && errno != ENOENT)
		log_sys("remove /etc/dropbear");
	if (symlink(keydir, "/etc/dropbear") < 0)
		log_sys("link /etc/dropbear to %s", keydir);
	svc_init(&sshd, "dropbear", argv);
	svc_start(&sshd);
	ssh_probe_start = now_ms();
	ssh_probe(NULL);
}

/* ---- phase 4: the data disk --------------------------------------------- */

/* The disk phase has ended (mounted or not): a power-off that came in
 * while e2fsck or mke2fs was running can go ahead now. */
/* Phase 7: the stack. Its layers are on the images disk, mounted
 * read-only at /images; its volumes live on the data disk, so it comes
 * after the disk phase; container state is per boot, in /run/hostd. Boot
 * is ready when every service is up (healthy, where it has a check), or
 * after STACK_READY_MS with what is up by then. */
#define STACK_READY_MS 600000
static struct timer stack_deadline;

static void stack_ready(const char *summary)
{
	timer_cancel(&stack_deadline);
	snprintf(stack_summary, sizeof(stack_summary), "%s", summary);
	step_done(STEP_STACK);
}

static void stack_too_slow(struct timer *t)
{
	(void)t;
	supervise_summary(stack_summary, sizeof(stack_summary));
	log_err("stack: not up after %d s: %s", STACK_READY_MS / 1000, stack_summary);
	step_done(STEP_STACK);
}

static void mount_images(void)
{
	char dev[64];

	if (disk_find("/sys", conf.images_label, dev, sizeof(dev)) != DISK_LABELED) {
		log_err("no images disk (an ext4 filesystem labelled %s): the stack's "
			"containers have no layers this boot", conf.images_label);
		return;
	}
	if (mkdir_p("/images", 0755) < 0)
		log_sys("mkdir /images");
	else if (mount(dev, "/images", "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		log_sys("mount %s on /images (read-only)", dev);
	else
		log_info("images disk %s mounted read-only on /images", dev);
}

static void phase_stack(void)
{
	char keep[200];

	mount_images();
	/* Manual stops are remembered on the data disk, when there is one. */
	snprintf(keep, sizeof(keep), "%s/.appliance/hostd", data_dir);
	if (ctl_listen(CTL_SOCKET_DEFAULT) < 0)
		log_err("no control socket: hostctl will not work this boot");
	if (metrics_listen(METRICS_SOCKET_DEFAULT) < 0)
		log_err("no metrics socket: the monitor will show nothing this boot");
	supervise_load(PLANS_DIR, "/run/hostd", data_mounted && !data_read_only ? keep : NULL);
	stack_deadline.cb = stack_too_slow;
	timer_arm(&stack_deadline, STACK_READY_MS);
	supervise_on_ready(stack_ready);
	supervise_start_all();
}

static void disk_phase_over(void)
{
	step_done(STEP_DISK);
	if (stop_deferred) {
		shutdown_begin(stop_deferred);
		return;
	}
	phase_ssh();
	phase_stack();
}

static void disk_mount(int read_only)
{
	unsigned long flags = MS_NOSUID | MS_NODEV | (read_only ? MS_RDONLY : 0);

	if (mkdir_p(data_dir, 0755) < 0) {
		log_sys("mkdir %s", data_dir);
	} else if (mount(data_dev, data_dir, "ext4", flags, NULL) < 0) {
		log_sys("mount %s on %s", data_dev, data_dir);
	} else {
		data_mounted = 1;
		data_read_only = read_only;
		log_info("data disk %s mounted on %s%s", data_dev, data_dir,
			 read_only ? " READ-ONLY" : "");
	}
	disk_phase_over();
}

static void mkfs_done(struct proc *p, int status)
{
	char how[64];

	(void)p;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_info("formatted %s as ext4 (label %s)", data_dev, conf.data_label);
		disk_mount(0);
		return;
	}
	proc_status_str(status, how, sizeof(how));
	log_err("mke2fs %s %s: no data disk this boot", data_dev, how);
	disk_phase_over();
}

static void fsck_done(struct proc *p, int status)
{
	char how[64];
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	(void)p;
	/* e2fsck: 0 clean, 1 errors fixed, 2 fixed and reboot wanted (only
	 * for a mounted root), 4 and up left uncorrected or failed. */
	if (code >= 0 && code < 4) {
		if (code)
			log_warn("e2fsck fixed errors on %s", data_dev);
		disk_mount(0);
		return;
	}
	proc_status_str(status, how, sizeof(how));
	log_err("e2fsck %s %s: errors left; mounting read-only to keep the data",
		data_dev, how);
	disk_mount(1);
}

/* Look for the data disk; if found, start checking or formatting it and
 * return 1. */
static int disk_try(void)
{
	enum disk_found f = disk_find("/sys", conf.data_label, data_dev,
				      sizeof(data_dev));
	static char *fsck_argv[] = {"/sbin/e2fsck", "-p", NULL, NULL};
	static char *mkfs_argv[] = {"/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-L",
				    NULL, NULL, NULL};

	disk_job.out.fd = -1;
	if (f == DISK_LABELED) {
		disk_job.name = "e2fsck";
		disk_job.on_exit = fsck_done;
		fsck_argv[2] = data_dev;
		log_info("data disk: %s (label %s); checking", data_dev, conf.data_label);
		if (proc_spawn(&disk_job, fsck_argv) < 0)
			disk_mount(1);
		return 1;
	}
	if (f == DISK_BLANK) {
		disk_job.name = "mke2fs";
		disk_job.on_exit = mkfs_done;
		mkfs_argv[6] = conf.data_label;
		mkfs_argv[7] = data_dev;
		log_info("data disk: %s is blank; formatting it", data_dev);
		if (proc_spawn(&disk_job, mkfs_argv) < 0)
			disk_phase_over();
		return 1;
	}
	return 0;
}

static void disk_stop_waiting(void)
{
	timer_cancel(&disk_deadline);
	if (uevents.fd >= 0) {
		loop_del(&uevents);
		close(uevents.fd);
		uevents.fd = -1;
	}
}

/* A kernel uevent: look again when a block device has been added (its
 * /dev node exists by then: devtmpfs makes it before the event is sent). */
static void disk_uevent(struct watch *w, uint32_t events)
{
	char buf[4096];
	ssize_t n;
	int block_added = 0;

	(void)events;
	while ((n = recv(w->fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		if (strncmp(buf, "add@", 4))
			continue;
		for (char *v = buf; v < buf + n; v += strlen(v) + 1)
			if (!strcmp(v, "SUBSYSTEM=block"))
				block_added = 1;
	}
	if (block_added && disk_try())
		disk_stop_waiting();
}

static void disk_give_up(struct timer *t)
{
	(void)t;
	disk_stop_waiting();
	log_err("no data disk: no ext4 filesystem labelled %s and no blank disk; "
		"nothing written under %s will persist", conf.data_label, data_dir);
	if (mkdir_p(data_dir, 0755) < 0)
		log_sys("mkdir %s", data_dir);
	disk_phase_over();
}

static void phase_disk(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};

	snprintf(data_dir, sizeof(data_dir), "/home/%s/data", conf.login);
	if (disk_try())
		return;
	/* Disks on slow controllers may still be appearing: wait for the
	 * kernel to announce block devices, for at most DISK_WAIT_MS. */
	log_info("data disk: none yet; waiting up to %d ms for one", DISK_WAIT_MS);
	disk_deadline.cb = disk_give_up;
	timer_arm(&disk_deadline, DISK_WAIT_MS);
	uevents.cb = disk_uevent;
	uevents.fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    NETLINK_KOBJECT_UEVENT);
	if (uevents.fd < 0 || bind(uevents.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    loop_add(&uevents, EPOLLIN) < 0) {
		log_sys("listen for kernel uevents (new disks will not be noticed)");
		if (uevents.fd >= 0)
			close(uevents.fd);
		uevents.fd = -1;
	}
	/* A disk that appeared between the look and the socket. */
	if (disk_try())
		disk_stop_waiting();
}

/* ---- phase 9: power-off ------------------------------------------------- */

static void power_off_now(void)
{
	int status;
	long long until = now_ms() + 1000;

	/* Everything still alive is killed; collect them (bounded). */
	if (kill(-1, SIGKILL) < 0 && errno != ESRCH)
		log_sys("kill remaining processes");
	/* Bounded: a process stuck in the kernel must not stop the power-off. */
	while (now_ms() < until) {
		pid_t r = waitpid(-1, &status, WNOHANG);

		if (r < 0 && errno == ECHILD)
			break;
		if (r <= 0) {
			struct timespec ts = {0, 10 * 1000 * 1000};

			nanosleep(&ts, NULL);
		}
	}
	if (data_mounted) {
		if (mount_teardown(data_dir) == 0)
			log_info("data disk unmounted cleanly");
	} else {
		sync();
	}
	log_info("power off");
	reboot(RB_POWER_OFF);
	log_sys("power off");
	for (;;)
		pause();	/* PID 1 must not return */
}

static void stop_grace_over(struct timer *t)
{
	(void)t;
	log_warn("processes still running after %d ms; killing them", STOP_GRACE_MS);
	power_off_now();
}

/* Everything but PID 1 gets SIGTERM; power-off follows as soon as no child
 * is left or the grace period ends. */
static void shutdown_begin(const char *why)
{
	if (stopping)
		return;
	/* Killing mke2fs or e2fsck halfway could ruin the data disk: let it
	 * finish (it is bounded by the disk's size), then power off. */
	if (disk_job.pid) {
		if (!stop_deferred)
			log_info("power-off requested (%s): waiting for %s on %s first",
				 why, disk_job.name, data_dev);
		stop_deferred = why;
		return;
	}
	stopping = 1;
	log_info("power-off requested (%s): stopping services", why);
	disk_stop_waiting();
	/* The stack first, in reverse dependency order, each with its own
	 * stop signal and grace period; then everything else. */
	supervise_stop_all(stop_the_rest);
}

static void stop_the_rest(void)
{
	svc_stop(&sshd, 0);	/* the SIGTERM to everyone below reaches it */
	if (kill(-1, SIGTERM) < 0) {
		if (errno == ESRCH)
			power_off_now();	/* nothing to wait for */
		log_sys("signal processes to stop");
	}
	stop_timer.cb = stop_grace_over;
	timer_arm(&stop_timer, STOP_GRACE_MS);
}

static void power_button(void)
{
	shutdown_begin("ACPI power button");
}

static void signal_readable(struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			break;
		case SIGINT:	/* the kernel's ctrl-alt-del, see RB_DISABLE_CAD */
			shutdown_begin("ctrl-alt-del");
			break;
		case SIGTERM:
		case SIGPWR:
		case SIGUSR1:	/* busybox halt */
		case SIGUSR2:	/* busybox poweroff */
			shutdown_begin(strsignal((int)si.ssi_signo));
			break;
		default:	/* SIGHUP, SIGWINCH (kbrequest), SIGPIPE ...: ignored */
			break;
		}
	}
	if (proc_reap() && stopping) {
		timer_cancel(&stop_timer);
		power_off_now();
	}
}

/* ---- phases 1-2: mounts, console, signals -------------------------------- */

static void setup_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return;	/* keep whatever the kernel gave us */
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
}

static int setup_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS &&
		    s != SIGFPE && s != SIGILL && s < SIGRTMIN)
			sigaddset(&set, s);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		log_sys("block signals");
		return -1;
	}
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		log_sys("signalfd");
		return -1;
	}
	sigw.fd = fd;
	sigw.cb = signal_readable;
	return loop_add(&sigw, EPOLLIN);
}

static void load_conf(void)
{
	char buf[4096], err[256];
	ssize_t n;

	conf_defaults(&conf);
	n = read_file(APPLIANCE_CONF, buf, sizeof(buf));
	if (n < 0) {
		log_sys("read %s; using defaults", APPLIANCE_CONF);
		return;
	}
	if (conf_parse(&conf, buf, (size_t)n, APPLIANCE_CONF, err, sizeof(err)) < 0)
		log_err("%s; using defaults", err);
}

void boot_main(void)
{
	int failed;

	/* Phase 1: a root that containers can pivot_root away from, then the
	 * API filesystems. */
	if (mount_leave_rootfs() < 0)
		log_err("still on rootfs: containers will not be able to pivot_root");
	failed = mount_early();
	setup_console();
	/* Phase 2: our log, quiet kernel console, ctrl-alt-del as SIGINT. */
	log_open_file("/run/hostd.log", 1 << 20);
	log_info("hostd %s starting as PID 1 (kernel handed over at %.3f s)",
		 HOSTD_VERSION, uptime());
	if (failed)
		log_err("%d early mounts failed (see above)", failed);
	if (klogctl(8, NULL, 4) < 0)	/* SYSLOG_ACTION_CONSOLE_LEVEL */
		log_sys("set the kernel console log level");
	if (reboot(RB_DISABLE_CAD) < 0)
		log_sys("route ctrl-alt-del to hostd");
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	if (chdir("/") < 0)
		log_sys("chdir /");
	umask(022);

	if (loop_init() < 0 || setup_signals() < 0)
		log_err("no event loop: hostd cannot supervise anything");
	load_conf();
	if (cgroup_enable_controllers("/sys/fs/cgroup"))
		log_err("some cgroup controllers are missing: limits will not apply");
	if (power_watch_button(power_button) == 0)
		log_warn("no ACPI power button found: use SIGTERM to power off");
	phase_network();
	phase_disk();
	for (;;)
		loop_once();
}
