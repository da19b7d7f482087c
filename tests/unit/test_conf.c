#include <string.h>

#include "init/conf.h"
#include "unit.h"

static int parse(struct conf *c, const char *text, char *err)
{
	return conf_parse(c, text, strlen(text), "appliance.conf", err, 256);
}

void test_conf(void)
{
	struct conf c;
	char err[256];

	conf_defaults(&c);
	CHECK(!strcmp(c.login, "wil") && !strcmp(c.data_label, "inception-data"));
	CHECK(!strcmp(c.images_label, "inception-images"));
	CHECK(parse(&c, "images_label imgs\n", err) == 0 && !strcmp(c.images_label, "imgs"));
	CHECK(parse(&c, "images_label 12345678901234567\n", err) < 0);

	CHECK(parse(&c, "# comment\n\nlogin  jdoe \nhostname vm-1\nssh_port 2200\n",
		    err) == 0);
	CHECK(!strcmp(c.login, "jdoe"));
	CHECK(!strcmp(c.hostname, "vm-1"));
	CHECK(!strcmp(c.ssh_port, "2200"));

	/* Errors name file and line, and change nothing. */
	conf_defaults(&c);
	CHECK(parse(&c, "login alice\nbogus 1\n", err) < 0);
	CHECK(!strcmp(err, "appliance.conf:2: unknown key 'bogus'"));
	CHECK(!strcmp(c.login, "wil"));
	CHECK(parse(&c, "login Bad!\n", err) < 0);
	CHECK(strstr(err, "appliance.conf:1: bad login 'Bad!'") == err);
	CHECK(parse(&c, "login abcdefghijabcdefghijabcdefghijabc\n", err) < 0);
	CHECK(parse(&c, "login -x\n", err) < 0);
	CHECK(parse(&c, "ssh_port 0\n", err) < 0);
	CHECK(parse(&c, "ssh_port 65536\n", err) < 0);
	CHECK(parse(&c, "ssh_port 22x\n", err) < 0);
	CHECK(parse(&c, "data_label 12345678901234567\n", err) < 0);
	CHECK(parse(&c, "login\n", err) < 0);
	CHECK(parse(&c, "login a\r\n", err) == 0 && !strcmp(c.login, "a"));

	CHECK(conf_valid_login("wil"));
	CHECK(conf_valid_login("a_b-9"));
	CHECK(!conf_valid_login(""));
	CHECK(!conf_valid_login("UPPER"));
}
