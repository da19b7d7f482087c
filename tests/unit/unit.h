/* A minimal test harness: CHECK records a failure with file:line and goes
 * on; main prints "N passed, M failed" and exits non-zero on any failure. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>

extern int unit_passed, unit_failed;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (cond) {                                                \
			unit_passed++;                                     \
		} else {                                                   \
			unit_failed++;                                     \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__,      \
				__LINE__, #cond);                          \
		}                                                          \
	} while (0)

void test_conf(void);
void test_dhcp(void);
void test_disk(void);
void test_misc(void);
void test_plan(void);
void test_seccomp(void);
void test_order(void);
void test_jsonfmt(void);
void test_compose(void);
void test_confine(void);
void test_emit(void);
void test_ctl(void);
void test_mountspec(void);

#endif
