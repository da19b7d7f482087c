/* dockerfile: see dockerfile.h. (Stub: the parser lands in the next commits.) */
#include "dockerfile.h"

#include <stdio.h>
#include <string.h>

int df_parse(struct dockerfile *df, const char *name, const char *buf,
	     size_t len, char *err, size_t errlen)
{
	(void)buf;
	(void)len;
	memset(df, 0, sizeof(*df));
	df->escape = '\\';
	snprintf(err, errlen, "%s:1: not implemented yet", name);
	return -1;
}

void df_free(struct dockerfile *df)
{
	memset(df, 0, sizeof(*df));
}
