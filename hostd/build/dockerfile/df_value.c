/* df_value: the values this parser checks when they are written literally
 * (a value with a variable in it is checked by the builder after
 * df_expand): Go's time.ParseDuration for HEALTHCHECK's durations, an
 * EXPOSE port (df_port, public), and whether a word has anything for
 * df_expand to do at all. Keeps nothing; formats only into err.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Go's time.ParseDuration, in nanoseconds. */
int df_go_duration(const char *s, long long *out)
{
	static const struct {
		const char *u;
		long long ns;
	} units[] = {
		{"ns", 1}, {"us", 1000}, {"\xC2\xB5s", 1000}, {"\xCE\xBCs", 1000},
		{"ms", 1000000}, {"s", 1000000000LL}, {"m", 60000000000LL},
		{"h", 3600000000000LL},
	};
	long long d = 0;
	int neg = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		unsigned long long v = 0, f = 0;
		double scale = 1;
		int pre = 0, post = 0;
		long long unit = 0;
		size_t ul = 0;

		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, pre = 1) {
			if (v > (unsigned long long)LLONG_MAX / 10)
				return -1;
			v = v * 10 + (unsigned)(*s - '0');
			if (v > (unsigned long long)LLONG_MAX)
				return -1;
		}
		if (*s == '.') {
			for (s++; *s >= '0' && *s <= '9'; s++, post = 1) {
				if (f > (unsigned long long)LLONG_MAX / 10)
					continue;	/* Go drops digits past precision too */
				f = f * 10 + (unsigned)(*s - '0');
				scale *= 10;
			}
		}
		if (!pre && !post)
			return -1;
		while (s[ul] && s[ul] != '.' && !(s[ul] >= '0' && s[ul] <= '9'))
			ul++;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].u) == ul && !memcmp(units[i].u, s, ul))
				unit = units[i].ns;
		if (!unit)
			return -1;
		s += ul;
		if (v > (unsigned long long)(LLONG_MAX / unit))
			return -1;
		v *= (unsigned long long)unit;
		if (f) {
			v += (unsigned long long)((double)f * ((double)unit / scale));
			if (v > (unsigned long long)LLONG_MAX)
				return -1;
		}
		if ((unsigned long long)d + v > (unsigned long long)LLONG_MAX)
			return -1;
		d += (long long)v;
	}
	*out = neg ? -d : d;
	return 0;
}

int df_port(const char *spec, struct df_port *port, char *err, size_t errlen)
{
	unsigned long lo = 0, hi;
	const char *s = spec, *slash = strchr(spec, '/');
	size_t plen = slash ? (size_t)(slash - spec) : strlen(spec);
	int digits = 0;

	memset(port, 0, sizeof(*port));
	for (; s < spec + plen && *s >= '0' && *s <= '9' && lo <= 65535; s++, digits++)
		lo = lo * 10 + (unsigned)(*s - '0');
	hi = lo;
	if (digits && s < spec + plen && *s == '-') {
		hi = 0;
		digits = 0;
		for (s++; s < spec + plen && *s >= '0' && *s <= '9' && hi <= 65535; s++, digits++)
			hi = hi * 10 + (unsigned)(*s - '0');
	}
	if (!digits || s != spec + plen || lo < 1 || lo > 65535 || hi > 65535 || hi < lo) {
		snprintf(err, errlen, "invalid port \"%s\"", spec);
		return -1;
	}
	if (slash && !df_eqi(slash + 1, strlen(slash + 1), "tcp")) {
		if (!df_eqi(slash + 1, strlen(slash + 1), "udp")) {
			snprintf(err, errlen, "unsupported protocol in \"%s\" (tcp or udp)", spec);
			return -1;
		}
		port->udp = 1;
	}
	port->lo = (unsigned short)lo;
	port->hi = (unsigned short)hi;
	return 0;
}

/* A word with nothing for df_expand to do: no $, quotes or escapes. */
int df_literal(const char *s, char esc)
{
	return !strpbrk(s, "$'\"") && !strchr(s, esc) && !strchr(s, '\\');
}
