/* envfile: see envfile.h. (Stub: the parser lands in the next commits.) */
#include "envfile.h"

#include <stdio.h>
#include <string.h>

int envfile_parse(struct envfile *ef, const char *name, const char *buf,
		  size_t len, const struct env_lookup *env, char *err,
		  size_t errlen)
{
	(void)buf;
	(void)len;
	(void)env;
	memset(ef, 0, sizeof(*ef));
	snprintf(err, errlen, "%s:1: not implemented yet", name);
	return -1;
}

void envfile_free(struct envfile *ef)
{
	memset(ef, 0, sizeof(*ef));
}
