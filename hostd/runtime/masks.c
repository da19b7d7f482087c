/* masks: see masks.h. Applies the table of masks_table.c to a container's
 * root: a path hidden (/dev/null or an empty tmpfs over it) or made read-only. */
#include "runtime/masks.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common/util.h"

static int hide(const char *root, const char *path, char *why, size_t whylen)
{
	struct stat st;
	char null[4096];

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : (snprintf(why, whylen, "stat %s", path), -1);
	if (S_ISDIR(st.st_mode)) {
		if (mount("masked", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=0,mode=0555") < 0) {
			snprintf(why, whylen, "mount an empty tmpfs over %s", path);
			return -1;
		}
		return 0;
	}
	snprintf(null, sizeof(null), "%s/dev/null", root);
	if (mount(null, path, NULL, MS_BIND, NULL) < 0) {
		snprintf(why, whylen, "bind /dev/null over %s", path);
		return -1;
	}
	return 0;
}

static int readonly(const char *path, char *why, size_t whylen)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : (snprintf(why, whylen, "stat %s", path), -1);
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, NULL) < 0) {
		snprintf(why, whylen, "make %s read-only", path);
		return -1;
	}
	return 0;
}

static int apply(const char *root, const struct mask *m, const char *path, char *why,
		 size_t whylen)
{
	return m->kind == MASK_HIDE ? hide(root, path, why, whylen) : readonly(path, why, whylen);
}

/* Whether name matches pat, where pat holds one '*' for any run of
 * characters (a name of /sys, never '/' in it). */
static int match(const char *pat, const char *name)
{
	const char *star = strchr(pat, '*');
	size_t pre, suf, n = strlen(name);

	if (!star)
		return !strcmp(pat, name);
	pre = (size_t)(star - pat);
	suf = strlen(star + 1);
	return n >= pre + suf && !strncmp(name, pat, pre) && !strcmp(name + n - suf, star + 1);
}

/* A path with one component holding '*': each existing match. */
static int apply_glob(const char *root, const struct mask *m, char *why, size_t whylen)
{
	char dir[4096], pat[256], path[4096];
	const char *star = strchr(m->path, '*');
	const char *start = star, *end = strchr(star, '/');
	struct dirent *de;
	DIR *d;
	int r = 0;

	while (start > m->path && start[-1] != '/')
		start--;
	snprintf(dir, sizeof(dir), "%s%.*s", root, (int)(start - m->path), m->path);
	snprintf(pat, sizeof(pat), "%.*s", (int)(end ? end - start : (long)strlen(start)), start);
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : (snprintf(why, whylen, "open %s", dir), -1);
	while (r == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !match(pat, de->d_name))
			continue;
		if (snprintf(path, sizeof(path), "%s%s%s", dir, de->d_name, end ? end : "") >=
		    (int)sizeof(path)) {
			errno = ENAMETOOLONG;
			snprintf(why, whylen, "mask %s%s", dir, de->d_name);
			r = -1;
			break;
		}
		r = apply(root, m, path, why, whylen);
	}
	closedir(d);
	return r;
}

int masks_apply(const char *root, char *why, size_t whylen)
{
	size_t n;
	const struct mask *table = masks_table(&n);

	for (size_t i = 0; i < n; i++) {
		char path[4096];
		int r;

		if (strchr(table[i].path, '*')) {
			r = apply_glob(root, &table[i], why, whylen);
		} else {
			snprintf(path, sizeof(path), "%s%s", root, table[i].path);
			r = apply(root, &table[i], path, why, whylen);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}
