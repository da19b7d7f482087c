/* jsonfmt: reading hostd's own JSON replies in hostctl, and Docker-style
 * --format templates over them. Pure: strings in, strings out. Not a
 * general JSON parser: it relies on the flat, ordered objects hostd
 * writes (report.c). */
#include "jsonfmt.h"

#include <stdio.h>
#include <string.h>

int jsonfmt_field(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p, *end;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	if (!(p = strstr(json, pat)))
		return -1;
	p += strlen(pat);
	if (*p == '"') {
		p++;
		end = strchr(p, '"');
	} else {
		end = p + strcspn(p, ",}");
	}
	if (!end || (n = (size_t)(end - p)) >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Follow a dotted path (".State.Health.Status") through the JSON: each
 * key is looked for after the previous one, which fits the flat,
 * ordered objects hostd writes. */
static int json_path(const char *json, const char *path, char *out, size_t len)
{
	char key[64];
	const char *p = json;

	while (*path == '.') {
		size_t k = strcspn(path + 1, ".");
		char pat[80];

		if (k == 0 || k >= sizeof(key))
			return -1;
		memcpy(key, path + 1, k);
		key[k] = '\0';
		path += 1 + k;
		snprintf(pat, sizeof(pat), "\"%s\": ", key);
		if (!(p = strstr(p, pat)))
			return -1;
		if (!*path)	/* the last key: its value */
			return jsonfmt_field(p, key, out, len);
		p += strlen(pat);
	}
	return -1;
}

int jsonfmt_format(const char *tmpl, const char *json, char *out, size_t len)
{
	size_t n = 0;

	while (*tmpl && n + 1 < len) {
		const char *open = strstr(tmpl, "{{"), *close;
		char expr[128], val[512];
		size_t e;

		if (!open) {
			n += (size_t)snprintf(out + n, len - n, "%s", tmpl);
			break;
		}
		n += (size_t)snprintf(out + n, len - n, "%.*s", (int)(open - tmpl), tmpl);
		if (!(close = strstr(open, "}}")) || (e = (size_t)(close - open - 2)) >= sizeof(expr)) {
			snprintf(out, len, "template '%s': no closing }}", tmpl);
			return -1;
		}
		memcpy(expr, open + 2, e);
		expr[e] = '\0';
		/* trim spaces inside the braces */
		while (e && expr[e - 1] == ' ')
			expr[--e] = '\0';
		{
			const char *x = expr + strspn(expr, " ");

			if (!strcmp(x, "json .")) {
				size_t jl = strcspn(json, "\n");

				if (jl && json[jl - 1] == ']')	/* the array's end */
					jl--;

				n += (size_t)snprintf(out + n, len - n, "%.*s", (int)jl, json);
			} else if (x[0] == '.' && json_path(json, x, val, sizeof(val)) == 0) {
				n += (size_t)snprintf(out + n, len - n, "%s", val);
			} else {
				snprintf(out, len, "template: cannot evaluate '{{%s}}'", x);
				return -1;
			}
		}
		tmpl = close + 2;
	}
	return 0;
}

