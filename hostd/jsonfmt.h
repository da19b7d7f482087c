/* jsonfmt: see jsonfmt.c. */
#ifndef HOSTD_JSONFMT_H
#define HOSTD_JSONFMT_H

#include <stddef.h>

/* The value of "key": in a flat JSON text, as text (numbers and strings
 * without quotes). Returns 0 or -1. */
int jsonfmt_field(const char *json, const char *key, char *out, size_t len);
/* Expand a Docker-style template ("{{.State.Pid}}", "{{json .}}", with
 * text around them) against an inspect object. Returns 0, or -1 with the
 * reason in out for a template it cannot evaluate. */
int jsonfmt_format(const char *tmpl, const char *json, char *out, size_t len);

#endif
