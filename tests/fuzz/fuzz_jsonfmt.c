/* jsonfmt (hostd/jsonfmt.c): hostctl's --format templates and tables over
 * hostd's JSON, and the readers hostctl uses on its replies. The template
 * is the user's (the command line), the JSON holds names and values from
 * the stack. Input: a mode byte, an output-size byte, then template NUL
 * json NUL key. Output buffers are malloc'd at their exact size, from
 * one byte to hostctl's 64 KB. Mode 4 checks that jb_str's escaping reads
 * back through jsonfmt_field unchanged. */
#include <stdio.h>

#include "fuzz.h"
#include "ctl/jsonfmt.h"

static void roundtrip(const char *s)
{
	static char json[70000], back[70000];
	struct jbuf b;

	jb_init(&b, json, sizeof(json));
	jb_printf(&b, "{\"k\": ");
	jb_str(&b, s);
	jb_printf(&b, "}");
	if (b.overflow)
		return;
	if (jsonfmt_field(json, "k", back, sizeof(back)) < 0 || strcmp(back, s)) {
		fprintf(stderr, "jb_str then jsonfmt_field: '%s' came back as '%s'\n", s, back);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *part[3], *out, *strs[17];
	size_t len[3], olen;
	int mode, rc = -1;

	if (size < 2)
		return 0;
	mode = data[0] % 5;
	olen = data[1] == 255 ? 65536 : 1 + (size_t)data[1] * 8;
	fz_split(data + 2, size - 2, part, len, 3);
	if (!part[1])
		part[1] = fz_str((const uint8_t *)"", 0);
	if (!part[2])
		part[2] = fz_str((const uint8_t *)"Name", 4);
	out = malloc(olen);
	if (!out)
		abort();
	memset(out, 'x', olen);
	switch (mode) {
	case 0:
		jsonfmt_format(part[0], part[1], out, olen);
		rc = 0;
		break;
	case 1:
		jsonfmt_rows(part[0], part[1], out, olen);
		rc = 0;
		break;
	case 2:
		rc = jsonfmt_field(part[1], part[2], out, olen);
		break;
	case 3:
		jsonfmt_strings(part[1], part[2], out, olen, strs, 1 + data[1] % 17);
		break;
	case 4:
		roundtrip(part[0]);
		break;
	}
	if (rc == 0 && !memchr(out, '\0', olen))
		abort();	/* a result is a C string, even cut short */
	free(out);
	fz_free_parts(part, 3);
	return 0;
}
