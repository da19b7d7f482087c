#include "dockerfile.h"
#include "unit.h"

void test_dockerfile(void)
{
}
