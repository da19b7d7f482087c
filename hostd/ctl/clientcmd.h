/* clientcmd: the hostctl verbs that act on this machine directly once
 * hostd has told them where a container is: `logs` reads the service's
 * log file, `exec` joins the container's namespaces and cgroup. Both run
 * in the hostctl process (root), never inside hostd. */
#ifndef HOSTD_CLIENTCMD_H
#define HOSTD_CLIENTCMD_H

#include <stddef.h>

/* argv[0] is the verb. inspect_json is hostd's `inspect` reply. */
int clientcmd_logs(int argc, char **argv, const char *inspect_json);
int clientcmd_exec(int argc, char **argv, const char *inspect_json);
/* `hostctl top NAME`: the processes in the container's pid namespace. */
int clientcmd_top(const char *inspect_json);

#endif
