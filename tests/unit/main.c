#include "unit.h"

int unit_passed, unit_failed;

void test_arena(void);
void test_dockerfile(void);
void test_envfile(void);
void test_ignore(void);

int main(void)
{
	test_conf();
	test_dhcp();
	test_disk();
	test_misc();
	test_plan();
	test_seccomp();
	test_order();
	test_jsonfmt();
	test_arena();
	test_dockerfile();
	test_envfile();
	test_ignore();
	test_compose();
	test_confine();
	test_emit();
	test_ctl();
	test_mountspec();
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
