/* logring: drives hostd's own file logger (runtime/log.c, as PID 1 uses
 * it for /run/hostd.log) for tests/host/run.sh, which checks the files:
 *   logring PATH CAP N
 * opens PATH as the log file with a cap of CAP bytes and logs the lines
 * "ring line 0" .. "ring line N-1" (their console copy goes to stderr). */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/log.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: logring PATH CAP N\n");
		return 2;
	}
	log_open_file(argv[1], (size_t)strtoul(argv[2], NULL, 10));
	for (long i = 0, n = strtol(argv[3], NULL, 10); i < n; i++)
		log_info("ring line %ld", i);
	return 0;
}
