/* jsonfmt: writing hostd's JSON replies (escaped), reading them back in
 * hostctl, and Docker-style --format templates and tables over them.
 * Pure: strings in, strings out. Not a general JSON parser: it relies on
 * the ordered objects hostd writes (report.c), where a key is found by
 * searching after the previous one.
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "ctl/jsonfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- writing ----------------------------------------------------------------- */

void jb_init(struct jbuf *b, char *buf, size_t len)
{
	b->buf = buf;
	b->len = len;
	b->n = 0;
	b->overflow = 0;
	if (len)
		buf[0] = '\0';
}

static void jb_putc(struct jbuf *b, char ch)
{
	if (b->n + 1 >= b->len) {
		b->overflow = 1;
		return;
	}
	b->buf[b->n++] = ch;
	b->buf[b->n] = '\0';
}

void jb_printf(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->n >= b->len) {
		b->overflow = 1;
		return;
	}
	va_start(ap, fmt);
	w = vsnprintf(b->buf + b->n, b->len - b->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= b->len - b->n) {
		b->overflow = 1;
		b->n = b->len ? b->len - 1 : 0;
		return;
	}
	b->n += (size_t)w;
}

void jb_str(struct jbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	jb_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			jb_putc(b, '\\');
			jb_putc(b, (char)ch);
		} else if (ch == '\n') {
			jb_putc(b, '\\');
			jb_putc(b, 'n');
		} else if (ch == '\t') {
			jb_putc(b, '\\');
			jb_putc(b, 't');
		} else if (ch < 0x20 || ch == 0x7f) {
			jb_printf(b, "\\u00%c%c", hex[ch >> 4], hex[ch & 15]);
		} else {
			jb_putc(b, (char)ch);
		}
	}
	jb_putc(b, '"');
}

/* ---- reading ----------------------------------------------------------------- */

/* The end of the JSON value starting at p (a string, object, array or
 * literal), or NULL when it does not end. */
static const char *value_end(const char *p)
{
	int depth = 0, in_str = 0;

	if (*p != '"' && *p != '{' && *p != '[')
		return p + strcspn(p, ",}]\n");
	for (; *p; p++) {
		if (in_str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"') {
				in_str = 0;
				if (!depth)
					return p + 1;
			}
		} else if (*p == '"') {
			in_str = 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if ((*p == '}' || *p == ']') && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/* Copy the value at p into out: a string unescaped and without quotes,
 * anything else as written (raw JSON). */
static int copy_value(const char *p, int raw, char *out, size_t len)
{
	const char *end = value_end(p);
	size_t n = 0;

	if (!end || !len)
		return -1;
	if (raw || *p != '"') {
		if ((size_t)(end - p) >= len)
			return -1;
		memcpy(out, p, (size_t)(end - p));
		out[end - p] = '\0';
		return 0;
	}
	for (p++; p < end - 1; p++) {
		char ch = *p;

		if (ch == '\\') {
			ch = *++p;
			if (ch == 'n')
				ch = '\n';
			else if (ch == 't')
				ch = '\t';
			else if (ch == 'u') {
				unsigned v = 0;

				for (int i = 1; i <= 4 && p[i]; i++)
					v = v * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' :
								(p[i] | 0x20) - 'a' + 10);
				p += 4;
				ch = (char)(v < 0x80 ? v : '?');
			}
		}
		if (n + 1 >= len)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

/* Where the value of "key" starts, searching from p; NULL if absent. The
 * pattern cannot match inside an escaped string ("\"key\": "). */
static const char *find_key(const char *p, const char *key)
{
	char pat[80];
	const char *hit;

	if (snprintf(pat, sizeof(pat), "\"%s\": ", key) >= (int)sizeof(pat))
		return NULL;
	for (hit = strstr(p, pat); hit; hit = strstr(hit + 1, pat))
		if (hit == p || hit[-1] != '\\')
			return hit + strlen(pat);
	return NULL;
}

int jsonfmt_field(const char *json, const char *key, char *out, size_t len)
{
	const char *p = find_key(json, key);

	return p ? copy_value(p, 0, out, len) : -1;
}

int jsonfmt_strings(const char *json, const char *key, char *buf, size_t len,
		    char **out, int max)
{
	const char *p = find_key(json, key), *end;
	size_t used = 0;
	int n = 0;

	if (!p || *p != '[' || max < 1 || !(end = value_end(p)))
		return -1;
	for (p++; p < end;) {
		const char *e;

		p += strspn(p, " ,\n");
		if (*p == ']')
			break;
		if (*p != '"' || n + 1 >= max || !(e = value_end(p)) ||
		    copy_value(p, 0, buf + used, len - used) < 0)
			return -1;
		out[n++] = buf + used;
		used += strlen(buf + used) + 1;
		p = e;
	}
	out[n] = NULL;
	return n;
}

/* Follow a dotted path (".State.Health.Status") through the JSON, each
 * key after the previous one; "." alone is the whole object. */
static int json_path(const char *json, const char *path, int raw, char *out, size_t len)
{
	char key[64];
	const char *p = json;

	while (*p == ' ' || *p == '[')
		p++;
	if (!strcmp(path, "."))
		return copy_value(p, 1, out, len);
	while (*path == '.') {
		size_t k = strcspn(path + 1, ".");

		if (k == 0 || k >= sizeof(key))
			return -1;
		memcpy(key, path + 1, k);
		key[k] = '\0';
		path += 1 + k;
		if (!(p = find_key(p, key)))
			return -1;
		if (!*path)	/* the last key: its value */
			return copy_value(p, raw, out, len);
	}
	return -1;
}

/* printf at out + n (len bytes in all, len > n): the new length, cut at
 * len - 1 when the text does not fit, so that the next call still writes
 * inside out. */
static size_t add(char *out, size_t len, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t add(char *out, size_t len, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(out + n, len - n, fmt, ap);
	va_end(ap);
	if (w < 0)
		return n;
	return (size_t)w >= len - n ? len - 1 : n + (size_t)w;
}

int jsonfmt_format(const char *tmpl, const char *json, char *out, size_t len)
{
	static char val[16384];
	size_t n = 0;

	if (len)
		out[0] = '\0';
	if (!strcmp(tmpl, "json"))	/* --format json: the object itself */
		tmpl = "{{json .}}";
	while (*tmpl && n + 1 < len) {
		const char *open = strstr(tmpl, "{{"), *close, *x;
		char expr[128];
		size_t e;

		if (!open) {
			n = add(out, len, n, "%s", tmpl);
			break;
		}
		n = add(out, len, n, "%.*s", (int)(open - tmpl), tmpl);
		if (!(close = strstr(open, "}}")) || (e = (size_t)(close - open - 2)) >= sizeof(expr)) {
			snprintf(out, len, "template '%s': no closing }}", tmpl);
			return -1;
		}
		memcpy(expr, open + 2, e);
		expr[e] = '\0';
		while (e && expr[e - 1] == ' ')	/* trim spaces inside the braces */
			expr[--e] = '\0';
		x = expr + strspn(expr, " ");
		if (!strncmp(x, "json ", 5) && json_path(json, x + 5 + strspn(x + 5, " "), 1, val,
							  sizeof(val)) == 0) {
			n = add(out, len, n, "%s", val);
		} else if (x[0] == '.' && json_path(json, x, 0, val, sizeof(val)) == 0) {
			n = add(out, len, n, "%s", val);
		} else {
			snprintf(out, len, "template: cannot evaluate '{{%s}}'", x);
			return -1;
		}
		tmpl = close + 2;
	}
	return 0;
}

/* ---- tables ------------------------------------------------------------------ */

/* The column title Docker prints for a field: its name in capitals, words
 * split where the case changes ("RunningFor" -> "RUNNING FOR"). */
static void title_of(const char *field, size_t flen, char *out, size_t len)
{
	static const struct {
		const char *field, *title;
	} known[] = {{"RestartCount", "RESTARTS"}, {"Pid", "PID"}, {"ID", "CONTAINER ID"},
		     {"CPUPerc", "CPU %"}, {"MemUsage", "MEM USAGE / LIMIT"}, {"MemPerc", "MEM %"},
		     {"NetIO", "NET I/O"}, {"BlockIO", "BLOCK I/O"}, {"PIDs", "PIDS"}};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].field) == flen && !strncmp(field, known[i].field, flen)) {
			snprintf(out, len, "%s", known[i].title);
			return;
		}
	for (size_t i = 0; i < flen && n + 2 < len; i++) {
		char ch = field[i];

		if (i && ch >= 'A' && ch <= 'Z' && field[i - 1] >= 'a' && field[i - 1] <= 'z')
			out[n++] = ' ';
		out[n++] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
	}
	out[n] = '\0';
}

/* The template with Docker's "\t" escape turned into a tab. */
static void untab(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 1 < len; in++) {
		if (in[0] == '\\' && in[1] == 't') {
			out[n++] = '\t';
			in++;
		} else {
			out[n++] = *in;
		}
	}
	out[n] = '\0';
}

#define TMAX_COLS 16
#define TMAX_ROWS 130

int jsonfmt_rows(const char *tmpl, const char *rows, char *out, size_t len)
{
	static char t[1024], cells[TMAX_ROWS][2048];
	size_t width[TMAX_COLS] = {0}, n = 0;
	int nrows = 0, table = 0;

	if (len)
		out[0] = '\0';
	if (!strncmp(tmpl, "table", 5) && (tmpl[5] == ' ' || !tmpl[5])) {
		table = 1;
		tmpl += 5 + strspn(tmpl + 5, " ");
	}
	untab(tmpl, t, sizeof(t));
	if (table) {
		/* The header row: the title of each {{.Field}}, text kept. */
		const char *p = t;
		size_t h = 0;

		cells[0][0] = '\0';

		while (*p && h + 1 < sizeof(cells[0])) {
			const char *open = strstr(p, "{{"), *close, *f;

			if (!open || !(close = strstr(open, "}}"))) {
				h = add(cells[0], sizeof(cells[0]), h, "%s", p);
				break;
			}
			h = add(cells[0], sizeof(cells[0]), h, "%.*s", (int)(open - p), p);
			f = open + 2 + strspn(open + 2, " ");
			if (!strncmp(f, "json ", 5))
				f += 5 + strspn(f + 5, " ");
			if (*f == '.') {
				const char *last = f, *end = f + strcspn(f, " }");
				char title[64];

				for (const char *q = f; q < end; q++)
					if (*q == '.')
						last = q + 1;
				title_of(last, (size_t)(end - last), title, sizeof(title));
				h = add(cells[0], sizeof(cells[0]), h, "%s", title);
			}
			p = close + 2;
		}
		nrows = 1;
	}
	while (*rows && nrows < TMAX_ROWS) {
		size_t l = strcspn(rows, "\n");
		static char line[16384];

		if (l >= sizeof(line)) {
			snprintf(out, len, "a row too long to format");
			return -1;
		}
		memcpy(line, rows, l);
		line[l] = '\0';
		rows += l + (rows[l] == '\n');
		if (!l)
			continue;
		if (jsonfmt_format(t, line, cells[nrows], sizeof(cells[0])) < 0) {
			snprintf(out, len, "%s", cells[nrows]);
			return -1;
		}
		nrows++;
	}
	/* Align tab-separated cells, three spaces apart, as Docker's tabwriter. */
	for (int r = 0; r < nrows; r++) {
		const char *c = cells[r];

		for (int col = 0; col < TMAX_COLS; col++) {
			size_t w = strcspn(c, "\t");

			if (!c[w])
				break;
			if (w > width[col])
				width[col] = w;
			c += w + 1;
		}
	}
	for (int r = 0; r < nrows && n + 1 < len; r++) {
		const char *c = cells[r];

		for (int col = 0;; col++) {
			size_t w = strcspn(c, "\t");

			if (!c[w] || col >= TMAX_COLS) {
				n = add(out, len, n, "%s\n", c);
				break;
			}
			n = add(out, len, n, "%-*.*s   ", (int)width[col], (int)w, c);
			c += w + 1;
			if (n + 1 >= len)
				break;
		}
	}
	return 0;
}
