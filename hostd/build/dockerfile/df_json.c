/* df_json: the exec form of RUN CMD ENTRYPOINT SHELL HEALTHCHECK COPY ADD
 * VOLUME, a JSON string array, validated and decoded the way Go's
 * encoding/json does it (BuildKit's parseJSON): a whole valid JSON value
 * first, then its strings, with invalid UTF-8 and lone surrogates as
 * U+FFFD. Decides nothing about instructions; never fails on a value
 * that is not an array (that is the shell form).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "build/dockerfile/dockerfile_int.h"

#include <stdlib.h>
#include <string.h>

#define JSON_DEPTH 1000

struct json {
	const char *p, *end;
	int depth, nul;		/* nul: a \u0000 was seen */
};

static void json_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = df_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int json_hex4(struct json *j, unsigned *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(j->p[i]);

		if (h < 0)
			return -1;
		*v = *v * 16 + (unsigned)h;
	}
	j->p += 4;
	return 0;
}

static int put_utf8(struct str *s, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return str_put(s, b, n);
}

/* The length of a valid UTF-8 sequence at p (as Go decodes it), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		return n >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		return n >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
		       (p[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* A JSON string at j->p (the opening quote). Decoded into out when out is
 * not NULL. 0, -1 syntax error, -2 out of memory. */
static int json_string(struct json *j, struct str *out)
{
	j->p++;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '"') {
			j->p++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			unsigned cp, lo;
			char e;

			if (++j->p >= j->end)
				return -1;
			e = *j->p++;
			switch (e) {
			case '"': case '\\': case '/': cp = (unsigned char)e; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (json_hex4(j, &cp) < 0)
					return -1;
				if (cp >= 0xD800 && cp < 0xDC00) {
					/* A pair makes one character; a lone half is U+FFFD. */
					struct json save = *j;

					if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
						j->p += 2;
						if (json_hex4(j, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
							cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
							break;
						}
					}
					*j = save;
					cp = 0xFFFD;
				} else if (cp >= 0xDC00 && cp < 0xE000) {
					cp = 0xFFFD;
				}
				break;
			default:
				return -1;
			}
			if (cp == 0) {
				j->nul = 1;
				continue;
			}
			if (out && put_utf8(out, cp) < 0)
				return -2;
			continue;
		}
		/* Raw bytes; invalid UTF-8 becomes U+FFFD, as Go decodes it. */
		size_t k = utf8_len((const unsigned char *)j->p, (size_t)(j->end - j->p));

		if (!k) {
			if (out && put_utf8(out, 0xFFFD) < 0)
				return -2;
			j->p++;
		} else {
			if (out && str_put(out, j->p, k) < 0)
				return -2;
			j->p += k;
		}
	}
	return -1;
}

static int json_value(struct json *j);

static int json_digits(struct json *j)
{
	const char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : -1;
}

static int json_number(struct json *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (json_digits(j) < 0)
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (json_digits(j) < 0)
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (json_digits(j) < 0)
			return -1;
	}
	return 0;
}

static int json_word(struct json *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return -1;
	j->p += n;
	return 0;
}

/* Skip one value; -1 on a syntax error (-2 out of memory cannot happen). */
static int json_value(struct json *j)
{
	json_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '"':
		return json_string(j, NULL);
	case '[': case '{': {
		char close = *j->p == '[' ? ']' : '}';
		int obj = close == '}';

		if (++j->depth > JSON_DEPTH)
			return -1;
		j->p++;
		json_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return 0;
		}
		for (;;) {
			if (obj) {
				json_ws(j);
				if (j->p >= j->end || *j->p != '"' || json_string(j, NULL) == -1)
					return -1;
				json_ws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return -1;
			}
			if (json_value(j) < 0)
				return -1;
			json_ws(j);
			if (j->p >= j->end)
				return -1;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return -1;
			j->depth--;
			return 0;
		}
	}
	case 't':
		return json_word(j, "true");
	case 'f':
		return json_word(j, "false");
	case 'n':
		return json_word(j, "null");
	default:
		return json_number(j);
	}
}

/* BuildKit's parseJSON: rest (after leading blanks) must be exactly one
 * valid JSON value that is an array; its elements must all be strings.
 * 1: a string array, decoded into v; 0: not a JSON array (the shell form
 * applies); -1: a JSON array with something else than strings in it; -2:
 * out of memory; -3: a string holds \u0000. */
int df_json_array(const char *s, size_t n, struct strv *v)
{
	struct json j = {s, s + n, 0, 0};

	df_ltrim(&j.p, &n);
	if (j.p >= j.end || *j.p != '[')
		return 0;
	if (json_value(&j) < 0)
		return 0;
	json_ws(&j);
	if (j.p != j.end)
		return 0;
	if (j.nul)
		return -3;
	/* Valid: now decode, element by element. */
	j.p = s;
	while (*j.p != '[')
		j.p++;
	j.p++;
	for (;;) {
		struct str e = {0};
		int r;

		json_ws(&j);
		if (*j.p == ']')
			return 1;
		if (*j.p == ',') {
			j.p++;
			json_ws(&j);
		}
		if (*j.p != '"')
			return -1;
		r = json_string(&j, &e);
		if (r == 0 && strv_addn(v, e.p ? e.p : "", e.n) < 0)
			r = -2;
		free(e.p);
		if (r < 0)
			return r;
	}
}
