/* host: `hostd daemon`, host mode: hostd as an ordinary process on a Linux
 * host (not PID 1), supervising one stack of plans until SIGTERM or
 * SIGINT, with the same control and metrics sockets the appliance wires
 * in boot.c. Returns only on a usage or setup error; after a stop it exits
 * 0 once every service is down. */
#ifndef HOSTD_HOST_H
#define HOSTD_HOST_H

/* `hostd daemon --plans DIR --state DIR [--socket PATH] [--keep DIR]
 * [--metrics PATH]`: returns 2 on a usage error, 1 on a setup error. */
int host_main(int argc, char **argv);

#endif
