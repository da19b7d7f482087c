/* conf_parse (hostd/conf.c): /etc/hostd/appliance.conf. Every field must
 * stay NUL-terminated inside its array, valid or not. */
#include "init/conf.h"
#include "fuzz.h"

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	char err[256];

	conf_defaults(&c);
	if (conf_parse(&c, (const char *)data, size, "appliance.conf", err, sizeof(err)) < 0) {
		if (!TERMINATED(err))
			abort();
		return 0;
	}
	if (!TERMINATED(c.login) || !TERMINATED(c.hostname) || !TERMINATED(c.data_label) ||
	    !TERMINATED(c.images_label) || !TERMINATED(c.ssh_port))
		abort();
	if (c.login[0] && !conf_valid_login(c.login))
		abort();
	return 0;
}
