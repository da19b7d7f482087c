/* conf: the appliance configuration the build writes into the initramfs
 * (/etc/hostd/appliance.conf): "key value" lines, '#' comments. Parsing is
 * pure (buffer in, struct out) so the unit tests cover every error. */
#ifndef HOSTD_CONF_H
#define HOSTD_CONF_H

#include <stddef.h>

struct conf {
	char login[33];
	char hostname[65];
	char data_label[17];	/* ext4 labels are at most 16 bytes */
	char images_label[17];	/* the read-only image layers, mounted at /images */
	char ssh_port[6];
};

void conf_defaults(struct conf *c);
/* Returns 0, or -1 with "<name>:<line>: <what>" in err. */
int conf_parse(struct conf *c, const char *buf, size_t len, const char *name,
	       char *err, size_t errlen);
/* A 42 login: 1-32 of [a-z0-9_-], not starting with '-'. */
int conf_valid_login(const char *s);

#endif
