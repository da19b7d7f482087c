#include "envfile.h"
#include "unit.h"

void test_envfile(void)
{
}
