/* compose_value: the value syntaxes of a compose file, as pure functions
 * of strings (durations, byte values, shell-like words, image references,
 * names, addresses, paths). No YAML, no allocation, no messages beyond a
 * reason: the callers in compose*.c say where.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build/compose/compose_int.h"

int compose_parse_ll(const char *s, long long *v)
{
	char *end;

	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* Go's time.ParseDuration grammar, which Compose uses: one or more
 * <number><unit>, number with an optional fraction, unit ns us ms s m h;
 * "0" alone. */
long long compose_duration_ms(const char *s)
{
	static const struct { const char *u; long long ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000LL },
		{ "m", 60000000000LL }, { "h", 3600000000000LL },
	};
	long long total = 0;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "0"))
		return 0;
	while (*s) {
		long long whole = 0, frac = 0, scale = 1, unit = 0;
		int digits = 0;
		size_t ul = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			if (whole > (LLONG_MAX - 9) / 10)
				return -1;
			whole = whole * 10 + (*s - '0');
		}
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++, digits++)
				if (scale < 1000000000000LL) {
					frac = frac * 10 + (*s - '0');
					scale *= 10;
				}
		if (!digits)
			return -1;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].u);

			/* Longest match: "ms" before "m". */
			if (!strncmp(s, units[i].u, l) && l > ul) {
				ul = l;
				unit = units[i].ns;
			}
		}
		if (!ul)
			return -1;
		s += ul;
		if (whole > LLONG_MAX / unit)
			return -1;
		whole *= unit;
		/* frac/scale of a unit, in ns, exactly and without overflow: the
		 * units are 1, 6 or 36 times a power of ten, so once the tens
		 * they share with scale are divided out, frac * unit is below
		 * 36 * 10^12 (frac < scale <= 10^12). */
		while (scale > 1 && unit % 10 == 0) {
			unit /= 10;
			scale /= 10;
		}
		if (frac * unit / scale > LLONG_MAX - whole)
			return -1;
		whole += frac * unit / scale;
		if (total > LLONG_MAX - whole)
			return -1;
		total += whole;
	}
	return total / 1000000;
}

/* Docker's RAMInBytes grammar: a number, an optional space, an optional
 * unit b k m g t p (any case, powers of 1024), optional "i" and "b". */
long long compose_bytes(const char *s)
{
	const char *p = s;
	double v, mult = 1;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end != p)
		return -1;
	if (*p == ' ')
		p++;
	switch (*p | 0x20) {
	case 'k': mult = 1024.0; break;
	case 'm': mult = 1024.0 * 1024; break;
	case 'g': mult = 1024.0 * 1024 * 1024; break;
	case 't': mult = 1024.0 * 1024 * 1024 * 1024; break;
	case 'p': mult = 1024.0 * 1024 * 1024 * 1024 * 1024; break;
	default: break;
	}
	if (mult > 1) {
		p++;
		if ((*p | 0x20) == 'i')
			p++;
	}
	if ((*p | 0x20) == 'b')
		p++;
	if (*p)
		return -1;
	v *= mult;
	if (!(v < 9.2e18))
		return -1;
	return (long long)v;
}

/* POSIX shlex (Python's shlex.split, which docker-compose uses for a
 * command given as a string): blanks separate words; '...' is literal; in
 * "..." a backslash escapes only " and \; elsewhere it escapes any
 * character; quotes join to the word around them. No expansion. */
int compose_split(const char *s, char *p, const char **argv, const char **why)
{
	size_t i = 0;
	int nw = 0;

	for (;;) {
		while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			i++;
		if (!s[i])
			break;
		argv[nw++] = p;
		while (s[i] && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
			if (s[i] == '\'' || s[i] == '"') {
				char q = s[i++];

				for (; s[i] && s[i] != q; *p++ = s[i++])
					if (q == '"' && s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\'))
						i++;
				if (!s[i]) {
					*why = "no closing quotation";
					return -1;
				}
				i++;
			} else if (s[i] == '\\') {
				if (!s[++i]) {
					*why = "no escaped character after the final backslash";
					return -1;
				}
				*p++ = s[i++];
			} else {
				*p++ = s[i++];
			}
		}
		*p++ = '\0';
	}
	argv[nw] = NULL;
	return 0;
}

/* "name:tag" with an optional registry host[:port] and path before the
 * name. No tag means latest to Docker, so both are refused with the
 * Inception rule as the reason. */
const char *compose_image_problem(const char *img)
{
	const char *slash = strrchr(img, '/'), *first = strchr(img, '/'), *colon, *tag;
	size_t tl;

	if (!*img)
		return "empty image name";
	if (strchr(img, '@'))
		return "image digests are not supported: name the image name:tag";
	colon = strrchr(slash ? slash : img, ':');
	if (!colon)
		return "no tag, which means latest: name the image name:tag (the Inception rules "
		       "forbid the latest tag)";
	tag = colon + 1;
	if (!strcmp(tag, "latest"))
		return "the Inception rules forbid the latest tag";
	tl = strlen(tag);
	if (!tl || tl > 128 || tag[0] == '.' || tag[0] == '-' ||
	    strspn(tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != tl)
		return "bad tag (letters, digits, '_', '.', '-'; at most 128)";
	if (img[0] == '/' || colon == img || colon[-1] == '/' || strstr(img, "//"))
		return "bad image name";
	for (const char *p = img; p < colon; p++)
		/* Lower-case path components; a registry host may carry a port. */
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || *p == '/' || (first && p < first && *p == ':')))
			return "bad image name (lower-case letters, digits, '.', '_', '-', '/')";
	return NULL;
}

/* Names of services, volumes, networks and secrets: Compose's pattern. */
int compose_valid_name(const char *s)
{
	size_t n = strlen(s);

	return n && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* RFC 1123: dot-separated labels of letters, digits and inner hyphens. */
int compose_valid_hostname(const char *s)
{
	size_t total = strlen(s), label = 0;

	if (!total || total > 253)
		return 0;
	for (const char *p = s; ; p++) {
		if (!*p || *p == '.') {
			if (!label || label > 63 || p[-1] == '-')
				return 0;
			if (!*p)
				return 1;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || (*p == '-' && label)))
			return 0;
		label++;
	}
}

int compose_valid_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

/* "a.b.c.d/N" into its address and prefix length. */
static int subnet_parts(const char *s, struct in_addr *a, int *bits)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	long long b;

	if (!slash || (size_t)(slash - s) >= sizeof(addr) || compose_parse_ll(slash + 1, &b) < 0 ||
	    b < 1 || b > 30)
		return -1;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	*bits = (int)b;
	return inet_pton(AF_INET, addr, a) == 1 ? 0 : -1;
}

/* An IPv4 subnet with room for hosts: a.b.c.d/N, N from 1 to 30. */
int compose_valid_subnet(const char *s)
{
	struct in_addr a;
	int bits;

	return subnet_parts(s, &a, &bits) == 0;
}

int compose_in_subnet(const char *addr, const char *subnet)
{
	struct in_addr a, net;
	int bits;
	uint32_t mask;

	if (subnet_parts(subnet, &net, &bits) < 0 || inet_pton(AF_INET, addr, &a) != 1)
		return 0;
	mask = ~(uint32_t)0 << (32 - bits);
	return (ntohl(a.s_addr) & mask) == (ntohl(net.s_addr) & mask);
}

int compose_valid_restart(const char *s)
{
	long long n;

	return !strcmp(s, "no") || !strcmp(s, "always") || !strcmp(s, "unless-stopped") ||
	       !strcmp(s, "on-failure") ||
	       (!strncmp(s, "on-failure:", 11) && s[11] >= '0' && s[11] <= '9' &&
		compose_parse_ll(s + 11, &n) == 0);
}

const char *compose_signal(const char *s)
{
	static const char *const names[] = {
		"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
		"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
		"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
		"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
		"SIGIO", "SIGPWR", "SIGSYS",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]) || !strcmp(s, names[i] + 3))
			return names[i];
	return NULL;
}

/* As Go's filepath.Join: ".", ".." and "//" resolved lexically; no
 * symlink is followed. */
void compose_join_path(char *out, const char *base, const char *rel)
{
	char *o = out;
	const char *parts[2] = { rel[0] == '/' ? "" : base, rel };

	for (int k = 0; k < 2; k++)
		for (const char *p = parts[k]; *p; ) {
			size_t l;

			while (*p == '/')
				p++;
			if (!*p)
				break;
			l = strcspn(p, "/");
			if (l == 2 && p[0] == '.' && p[1] == '.') {
				while (o > out && *--o != '/')
					;
			} else if (!(l == 1 && p[0] == '.')) {
				*o++ = '/';
				memcpy(o, p, l);
				o += l;
			}
			p += l;
		}
	if (o == out)
		*o++ = '/';
	*o = '\0';
}
