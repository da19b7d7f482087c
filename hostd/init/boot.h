/* boot: hostd as the appliance's PID 1 — the boot phases of DESIGN.md in
 * order, then the event loop, then power-off. Never returns. */
#ifndef HOSTD_BOOT_H
#define HOSTD_BOOT_H

#define HOSTD_VERSION "0.1.0"
#define APPLIANCE_CONF "/etc/hostd/appliance.conf"
#define PLANS_DIR "/etc/hostd/plans"

void boot_main(void) __attribute__((noreturn));

/* Pure: the /etc/hosts the VM gets. Returns the length written. */
int boot_hosts_file(char *buf, int len, const char *login,
		    const char *hostname);

#endif
