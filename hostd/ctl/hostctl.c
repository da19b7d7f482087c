/* hostctl: the control socket's client (see ctl.h), `hostctl VERB ...`
 * or `hostd ctl VERB ...`. A verb of the table below is shaped here: the
 * lists and inspect are formatted from hostd's JSON as Docker shows them,
 * stats is sampled twice a second apart, logs, exec and top ask hostd
 * where the container is and do the rest themselves (clientcmd.c); any
 * other verb goes to hostd as typed, and stop and restart then wait until
 * it is done. It never changes anything but through hostd's socket. */
#include "ctl/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl/clientcmd.h"
#include "ctl/jsonfmt.h"
#include "common/util.h"

static char reply[CTL_REPLY_MAX];

static const char usage[] =
	"usage: hostctl ps [-a] [-q] [--format F] | start NAME | stop NAME | restart NAME\n"
	"               kill [-s SIGNAL] NAME | inspect [--format F] NAME...\n"
	"               logs [-f] [--tail N] NAME | exec [-i] [-t] [-u USER] NAME CMD...\n"
	"               top NAME | stats [--no-stream] [--format F] | images [--format F]\n"
	"               network ls [--format F] | network inspect [--format F] NAME...\n"
	"               volume ls [-q] [--format F] | volume inspect [--format F] NAME...\n"
	"  F: a Docker template ('{{.Names}} {{.Status}}', 'table {{.Names}}\\t{{.Image}}')"
	" or json\n";

/* One request, its reply in reply[]; returns the status (0 or 1), or -1
 * when hostd could not be reached (already reported). */
static int request(const char *path, const char *req, size_t n)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	ssize_t r;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hostctl: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "hostctl: cannot reach hostd at %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (write_all(fd, req, n) < 0) {
		fprintf(stderr, "hostctl: send to %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	n = 0;
	while ((r = read(fd, reply + n, sizeof(reply) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	reply[n] = '\0';
	if (n < 2 || reply[1] != '\n' || (reply[0] != '0' && reply[0] != '1')) {
		fprintf(stderr, "hostctl: no reply from hostd\n");
		return -1;
	}
	return reply[0] - '0';
}

/* One sample of every running container's figures, into rows. */
struct srow {
	char name[64];
	double cpu, mem, lim, pids, rx, tx;	/* -1: not available */
};

static int sample(const char *path, struct srow *rows, int max)
{
	static const char req[] = "stats\n";
	int n = 0;

	if (request(path, req, sizeof(req) - 1) != 0)
		return -1;
	for (char *line = reply + 2; *line && n < max;) {
		char *nl = strchr(line, '\n'), f[6][32];
		struct srow *r = &rows[n];

		if (nl)
			*nl = '\0';
		if (sscanf(line, "%63s %31s %31s %31s %31s %31s %31s", r->name, f[0], f[1], f[2],
			   f[3], f[4], f[5]) == 7) {
			double *v[6] = {&r->cpu, &r->mem, &r->lim, &r->pids, &r->rx, &r->tx};

			for (int k = 0; k < 6; k++)
				*v[k] = (f[k][0] >= '0' && f[k][0] <= '9') ? strtod(f[k], NULL) : -1;
			n++;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return n;
}

static void human(double b, char *out, size_t len)
{
	static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int i = 0;

	if (b < 0) {
		snprintf(out, len, "-");
		return;
	}
	while (b >= 1024 && i < 4)
		b /= 1024, i++;
	snprintf(out, len, i ? "%.2f%s" : "%.0f%s", b, u[i]);
}

/* `hostctl stats [--no-stream]`: CPU % over one second, as docker stats. */
static int stats_main(const char *path, int argc, char **argv)
{
	static char rows[64 * 512], out[CTL_REPLY_MAX];
	const char *fmt = "table {{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t"
			  "{{.PIDs}}\\t{{.NetIO}}";
	int stream = isatty(1), nb;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--no-stream"))
			stream = 0;
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			fmt = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			fmt = argv[i] + 9;
		else {
			fprintf(stderr, "hostctl: stats: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	do {
		struct srow a[64], b[64];
		int na = sample(path, a, 64);
		struct jbuf jb;

		if (na < 0)
			return 1;
		sleep(1);
		if ((nb = sample(path, b, 64)) < 0)
			return 1;
		jb_init(&jb, rows, sizeof(rows));
		for (int i = 0; i < nb; i++) {
			char mem[16], lim[16], rx[16], tx[16], cpu[16] = "-", pct[16] = "-",
			     pids[16] = "-";

			for (int j = 0; j < na; j++)
				if (!strcmp(a[j].name, b[i].name) && a[j].cpu >= 0 && b[i].cpu >= 0)
					snprintf(cpu, sizeof(cpu), "%.2f%%", (b[i].cpu - a[j].cpu) / 1e4);
			human(b[i].mem, mem, sizeof(mem));
			if (b[i].lim < 0)
				snprintf(lim, sizeof(lim), "%s", b[i].mem < 0 ? "-" : "max");
			else
				human(b[i].lim, lim, sizeof(lim));
			if (b[i].mem >= 0 && b[i].lim > 0)
				snprintf(pct, sizeof(pct), "%.2f%%", 100 * b[i].mem / b[i].lim);
			if (b[i].pids >= 0)
				snprintf(pids, sizeof(pids), "%.0f", b[i].pids);
			human(b[i].rx, rx, sizeof(rx));
			human(b[i].tx, tx, sizeof(tx));
			/* Docker's field names, so the same --format works. */
			jb_printf(&jb, "{\"Name\": ");
			jb_str(&jb, b[i].name);
			jb_printf(&jb, ", \"CPUPerc\": \"%s\", \"MemUsage\": \"%s / %s\", "
				  "\"MemPerc\": \"%s\", \"PIDs\": \"%s\", \"NetIO\": \"%s / %s\"}\n",
				  cpu, mem, lim, pct, pids, rx, tx);
		}
		if (jsonfmt_rows(fmt, rows, out, sizeof(out)) < 0) {
			fprintf(stderr, "hostctl: stats: %s\n", out);
			return 2;
		}
		if (stream)
			printf("\033[2J\033[H");
		fputs(out, stdout);
		fflush(stdout);
	} while (stream);
	return 0;
}

/* ps, images, network ls, volume ls: hostd sends one JSON object per
 * line; they are shown as Docker shows them: a table by default, or
 * --format TEMPLATE | json | "table TEMPLATE"; -q: names only. */
static int list_main(const char *path, int argc, char **argv)
{
	static const struct {
		const char *verb, *table, *quiet;
	} views[] = {
		{"ps", "table {{.Names}}\\t{{.Image}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Pid}}\\t"
		       "{{.RestartCount}}", "{{.Names}}"},
		{"images", "table {{.Repository}}\\t{{.Tag}}\\t{{.Layers}}\\t{{.Size}}",
		 "{{.Repository}}:{{.Tag}}"},
		{"network", "table {{.Name}}\\t{{.Bridge}}\\t{{.Driver}}\\t{{.Subnet}}", "{{.Name}}"},
		{"volume", "table {{.Driver}}\\t{{.Name}}\\t{{.Mountpoint}}", "{{.Name}}"},
	};
	static char out[CTL_REPLY_MAX * 2];
	const char *fmt = NULL;
	int v = 0, all = 0, quiet = 0, k = 2, status;
	char req[32];

	while (strcmp(views[v].verb, argv[1]))
		v++;
	if (v >= 2)	/* network ls, volume ls */
		k = 3;
	for (; k < argc; k++) {
		if (v == 0 && (!strcmp(argv[k], "-a") || !strcmp(argv[k], "--all")))
			all = 1;
		else if (!strcmp(argv[k], "-q") || !strcmp(argv[k], "--quiet"))
			quiet = 1;
		else if (!strcmp(argv[k], "--format") && k + 1 < argc)
			fmt = argv[++k];
		else if (!strncmp(argv[k], "--format=", 9))
			fmt = argv[k] + 9;
		else {
			fprintf(stderr, "hostctl: %s: unknown option '%s'%s\n", argv[1], argv[k],
				!strcmp(argv[k], "--format") ? " (it needs a value)" : "");
			return 2;
		}
	}
	snprintf(req, sizeof(req), "%s%s\n", v >= 2 ? (v == 2 ? "network ls" : "volume ls") :
		 argv[1], all ? " -a" : "");
	status = request(path, req, strlen(req));
	if (status != 0) {
		if (status > 0)
			fprintf(stderr, "hostctl: %s", reply + 2);
		return 1;
	}
	if (quiet)
		fmt = views[v].quiet;
	if (jsonfmt_rows(fmt ? fmt : views[v].table, reply + 2, out, sizeof(out)) < 0) {
		fprintf(stderr, "hostctl: %s: %s\n", argv[1], out);
		return 2;
	}
	fputs(out, stdout);
	return 0;
}

/* inspect, network inspect, volume inspect [--format TEMPLATE] NAME...:
 * hostd's JSON arrays joined into one, as Docker prints them, or the
 * template (Docker's syntax for fields, {{json .X}}, or "json") applied to
 * each object, one line each. An unknown name is reported and the others
 * are still shown; the exit status is then 1, as Docker's. */
#define INSPECT_MAX_NAMES 32
static int inspect_main(const char *path, int argc, char **argv)
{
	static char out[CTL_REPLY_MAX];
	int k = !strcmp(argv[1], "inspect") ? 2 : 3, status, rc = 0, nnames = 0, shown = 0;
	const char *fmt = NULL, *names[INSPECT_MAX_NAMES];
	char req[CTL_REQ_MAX];

	for (; k < argc; k++) {
		if ((!strcmp(argv[k], "-f") || !strcmp(argv[k], "--format")) && k + 1 < argc)
			fmt = argv[++k];
		else if (!strncmp(argv[k], "--format=", 9))
			fmt = argv[k] + 9;
		else if (argv[k][0] == '-') {
			fprintf(stderr, "hostctl: %s: unknown option '%s'\n", argv[1], argv[k]);
			return 2;
		} else if (nnames == INSPECT_MAX_NAMES || strlen(argv[k]) > 200) {
			fprintf(stderr, "hostctl: %s: at most %d names of at most 200 characters\n",
				argv[1], INSPECT_MAX_NAMES);
			return 2;
		} else {
			names[nnames++] = argv[k];
		}
	}
	if (!nnames) {
		fprintf(stderr, "usage: hostctl %s%s [--format TEMPLATE] NAME...\n", argv[1],
			strcmp(argv[1], "inspect") ? " inspect" : "");
		return 2;
	}
	for (int i = 0; i < nnames; i++) {
		snprintf(req, sizeof(req), "%s%s %s\n", argv[1],
			 !strcmp(argv[1], "inspect") ? "" : " inspect", names[i]);
		status = request(path, req, strlen(req));
		if (status != 0) {
			if (status > 0)
				fprintf(stderr, "hostctl: %s", reply + 2);
			if (status < 0)
				return 1;
			rc = 1;
			continue;
		}
		if (fmt) {
			if (jsonfmt_format(fmt, reply + 2, out, sizeof(out)) < 0) {
				fprintf(stderr, "hostctl: %s\n", out);
				return 2;
			}
			printf("%s\n", out);
			continue;
		}
		/* "[{...}]\n" each: one array for all. */
		{
			char *body = reply + 2, *end = body + strlen(body);

			while (end > body && (end[-1] == '\n' || end[-1] == ' '))
				end--;
			if (end - body < 2 || body[0] != '[' || end[-1] != ']') {
				fputs(body, stdout);
				continue;
			}
			printf("%s%.*s", shown ? ", " : "[", (int)(end - body - 2), body + 1);
			shown++;
		}
	}
	if (!fmt && shown)
		printf("]\n");
	else if (!fmt && !shown && rc)
		printf("[]\n");
	return rc;
}

/* After stop (restart): wait until the container is down (up again),
 * polling its state, bounded by WAIT_SETTLED_MS. Returns 0, or 1 with a
 * line saying what it is doing instead. */
#define WAIT_SETTLED_MS 120000
static int wait_settled(const char *path, const char *name, int up)
{
	static char st[256];
	char req[CTL_REQ_MAX];
	int n = snprintf(req, sizeof(req), "inspect %s\n", name);

	for (long long waited = 0;; waited += 100) {
		struct timespec ts = {0, 100 * 1000 * 1000};

		if (request(path, req, (size_t)n) != 0 ||
		    jsonfmt_format("{{.State.Status}}", reply + 2, st, sizeof(st)) < 0)
			return 1;
		if (up ? strcmp(st, "restarting") && strcmp(st, "stopping") &&
			 strcmp(st, "starting") && strcmp(st, "created")
		       : strcmp(st, "running") && strcmp(st, "stopping"))
			return up && strcmp(st, "running") ? 1 : 0;
		if (waited >= WAIT_SETTLED_MS) {
			fprintf(stderr, "hostctl: %s is still %s after %d s\n", name, st,
				WAIT_SETTLED_MS / 1000);
			return 1;
		}
		nanosleep(&ts, NULL);
	}
}

/* logs, exec, top: ask hostd where the container is; the rest happens
 * here. */
static int local_main(const char *path, int argc, char **argv)
{
	int logs = !strcmp(argv[1], "logs"), k = 2, status;
	const char *name;
	char req[CTL_REQ_MAX];
	size_t n;

	if (logs || !strcmp(argv[1], "top"))
		name = argv[argc - 1];
	else {
		while (k < argc && argv[k][0] == '-')
			k += (!strcmp(argv[k], "-u") || !strcmp(argv[k], "--user")) ? 2 : 1;
		name = k < argc ? argv[k] : NULL;
	}
	if (argc < 3 || !name || name[0] == '-' || strlen(name) > 200) {
		fputs(usage, stderr);
		return 2;
	}
	n = (size_t)snprintf(req, sizeof(req), "inspect %s\n", name);
	status = request(path, req, n);
	if (status != 0) {
		if (status > 0)
			fprintf(stderr, "hostctl: %s", reply + 2);
		return 1;
	}
	if (!strcmp(argv[1], "top"))
		return clientcmd_top(reply + 2);
	return logs ? clientcmd_logs(argc - 1, argv + 1, reply + 2) :
		      clientcmd_exec(argc - 1, argv + 1, reply + 2);
}

/* Any other verb: the words to hostd as typed, its reply shown. */
static int send_main(const char *path, int argc, char **argv)
{
	char req[CTL_REQ_MAX];
	size_t n = 0;
	int status;

	if (!strcmp(argv[1], "kill") && argc == 5 &&
	    (!strcmp(argv[2], "-s") || !strcmp(argv[2], "--signal"))) {
		/* Docker's order (kill -s SIG NAME) to the request's (kill NAME SIG). */
		char *sig = argv[3];

		argv[2] = argv[4];
		argv[3] = sig;
		argc = 4;
	}
	for (int i = 1; i < argc; i++) {
		int w = snprintf(req + n, sizeof(req) - n, "%s%s", i > 1 ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(req) - n - 1 || strchr(argv[i], '\n')) {
			fprintf(stderr, "hostctl: request too long\n");
			return 2;
		}
		n += (size_t)w;
	}
	req[n++] = '\n';
	status = request(path, req, n);
	if (status < 0)
		return 1;
	if (status) {
		fprintf(stderr, "hostctl: %s", reply + 2);
		return status;
	}
	fputs(reply + 2, stdout);
	/* Like docker stop and restart, return once it is done. */
	if (argc == 3 && (!strcmp(argv[1], "stop") || !strcmp(argv[1], "restart")))
		return wait_settled(path, argv[2], !strcmp(argv[1], "restart"));
	return 0;
}

/* The verbs shaped here: argv[1], and argv[2] where sub is set. */
static const struct {
	const char *verb, *sub;
	int (*run)(const char *path, int argc, char **argv);
} client_verbs[] = {
	{"stats", NULL, stats_main},
	{"ps", NULL, list_main},
	{"images", NULL, list_main},
	{"network", "ls", list_main},
	{"volume", "ls", list_main},
	{"inspect", NULL, inspect_main},
	{"network", "inspect", inspect_main},
	{"volume", "inspect", inspect_main},
	{"logs", NULL, local_main},
	{"exec", NULL, local_main},
	{"top", NULL, local_main},
};

int ctl_client_main(int argc, char **argv)
{
	const char *path = getenv("HOSTD_SOCKET");

	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!path)
		path = CTL_SOCKET_DEFAULT;
	for (size_t i = 0; i < sizeof(client_verbs) / sizeof(client_verbs[0]); i++)
		if (!strcmp(argv[1], client_verbs[i].verb) &&
		    (!client_verbs[i].sub || (argc > 2 && !strcmp(argv[2], client_verbs[i].sub))))
			return client_verbs[i].run(path, argc, argv);
	return send_main(path, argc, argv);
}
