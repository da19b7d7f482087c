/* conf: see conf.h. Never touches files; the caller reads the buffer.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "init/conf.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->login, sizeof(c->login), "%s", "wil");
	snprintf(c->hostname, sizeof(c->hostname), "%s", "inception");
	snprintf(c->data_label, sizeof(c->data_label), "%s", "inception-data");
	snprintf(c->images_label, sizeof(c->images_label), "%s", "inception-images");
	snprintf(c->ssh_port, sizeof(c->ssh_port), "%s", "22");
}

int conf_valid_login(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int valid_hostname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static int valid_port(const char *s)
{
	long v = 0;

	if (!*s || strlen(s) > 5)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v >= 1 && v <= 65535;
}

struct key {
	const char *name;
	size_t off, size;
	int (*valid)(const char *);
	const char *rule;
};

static int valid_label(const char *s)
{
	return *s != '\0';
}

static const struct key keys[] = {
	{"login", offsetof(struct conf, login), sizeof(((struct conf *)0)->login),
	 conf_valid_login, "1-32 characters of a-z, 0-9, '_' or '-'"},
	{"hostname", offsetof(struct conf, hostname),
	 sizeof(((struct conf *)0)->hostname), valid_hostname,
	 "1-63 letters, digits or '-'"},
	{"data_label", offsetof(struct conf, data_label),
	 sizeof(((struct conf *)0)->data_label), valid_label,
	 "1-16 characters"},
	{"images_label", offsetof(struct conf, images_label),
	 sizeof(((struct conf *)0)->images_label), valid_label,
	 "1-16 characters"},
	{"ssh_port", offsetof(struct conf, ssh_port),
	 sizeof(((struct conf *)0)->ssh_port), valid_port, "1-65535"},
};

int conf_parse(struct conf *c, const char *buf, size_t len, const char *name,
	       char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;
	int lineno = 0;
	struct conf tmp = *c;	/* a bad file changes nothing */

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char line[256], *k, *v, *e;
		size_t n;
		const struct key *key = NULL;

		if (!eol)
			eol = end;
		lineno++;
		n = (size_t)(eol - p);
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long", name, lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol + 1;

		for (k = line; *k == ' ' || *k == '\t'; k++)
			;
		if (*k == '\0' || *k == '#')
			continue;
		for (v = k; *v && *v != ' ' && *v != '\t'; v++)
			;
		if (*v)
			*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t' ||
						  e[-1] == '\r');)
			*--e = '\0';
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(keys[i].name, k) == 0)
				key = &keys[i];
		if (!key) {
			snprintf(err, errlen, "%s:%d: unknown key '%s'", name,
				 lineno, k);
			return -1;
		}
		if (strlen(v) >= key->size || !key->valid(v)) {
			snprintf(err, errlen, "%s:%d: bad %s '%s' (want %s)", name,
				 lineno, k, v, key->rule);
			return -1;
		}
		memcpy((char *)&tmp + key->off, v, strlen(v) + 1);
	}
	*c = tmp;
	return 0;
}
