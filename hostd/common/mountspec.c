/* mountspec: see mountspec.h.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "common/mountspec.h"

#include <string.h>

static const struct {
	const char *word;
	unsigned flag;
} words[] = {
	{"ro", MOUNTSPEC_RO},
	{"rw", MOUNTSPEC_RW},
	{"idmap", MOUNTSPEC_IDMAP},
};

/* The flag of the n bytes at w if accept has it, else 0. */
static unsigned word_flag(const char *w, size_t n, unsigned accept)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((accept & words[i].flag) && strlen(words[i].word) == n &&
		    !memcmp(words[i].word, w, n))
			return words[i].flag;
	return 0;
}

static enum mountspec_err read_opts(const char *o, unsigned accept, enum mountspec_opts how,
				    unsigned *flags)
{
	size_t len = strlen(o);

	if (!len)
		return MOUNTSPEC_BAD_OPT;
	if (how == MOUNTSPEC_ONE_WORD) {
		*flags = word_flag(o, len, accept);
		return *flags ? MOUNTSPEC_OK : MOUNTSPEC_BAD_OPT;
	}
	while (*o) {
		size_t n = strcspn(o, ",");
		unsigned f;

		if (n) {
			if (!(f = word_flag(o, n, accept)))
				return MOUNTSPEC_BAD_OPT;
			*flags |= f;
		}
		o += n;
		if (*o == ',')
			o++;
	}
	return MOUNTSPEC_OK;
}

enum mountspec_err mountspec_parse(const char *spec, unsigned accept, enum mountspec_opts how,
				   struct mountspec *m)
{
	const char *c1 = strchr(spec, ':'), *c2;

	memset(m, 0, sizeof(*m));
	if (!c1)
		return MOUNTSPEC_NO_COLON;
	c2 = strchr(c1 + 1, ':');
	m->src = spec;
	m->src_len = (size_t)(c1 - spec);
	m->dst = c1 + 1;
	m->dst_len = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	return c2 ? read_opts(c2 + 1, accept, how, &m->flags) : MOUNTSPEC_OK;
}
