#include "unit.h"

int unit_passed, unit_failed;

int main(void)
{
	test_conf();
	test_dhcp();
	test_disk();
	test_misc();
	test_log_ring();
	test_plan();
	test_seccomp();
	test_order();
	test_jsonfmt();
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
