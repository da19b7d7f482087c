/* compose_value.c's value syntaxes, straight: durations
 * (stop_grace_period, healthcheck), byte values (mem_limit), a command
 * string split as shlex does, image names, names, host names, addresses,
 * subnets, restart policies, signals and path joins. Reaching them
 * through YAML (fuzz_compose) is slower; these are where numbers
 * overflow. The input is one value; the first byte picks a base path. */
#include <stdio.h>

#include "build/compose/compose_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bases[] = {"/", "/fuzz/stack", "/a/b/../c"};
	const char *base, *why, **argv;
	char *s, *buf, *joined;
	long long v;

	if (!size)
		return 0;
	base = bases[data[0] % 3];
	s = fz_str(data + 1, size - 1);
	if (compose_duration_ms(s) < -1 || compose_bytes(s) < -1)
		abort();
	compose_parse_ll(s, &v);
	/* As argv_value sizes them: a word is at least a byte and a blank. */
	buf = malloc(strlen(s) + 1);
	argv = malloc(sizeof(*argv) * (strlen(s) / 2 + 2));
	if (!buf || !argv)
		abort();
	compose_split(s, buf, argv, &why);
	free(buf);
	free(argv);
	compose_image_problem(s);
	compose_valid_name(s);
	compose_valid_hostname(s);
	compose_valid_ipv4(s);
	compose_valid_subnet(s);
	compose_in_subnet(s, "172.18.0.0/16");
	compose_in_subnet("172.18.0.5", s);
	compose_valid_restart(s);
	compose_signal(s);
	/* As compose_join sizes it. */
	if (!(joined = malloc(strlen(base) + strlen(s) + 3)))
		abort();
	compose_join_path(joined, base, s);
	free(joined);
	free(s);
	return 0;
}
