/* masks: see masks.h. */
#include "runtime/masks.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common/util.h"

static const struct mask table[] = {
	{"/proc/acpi", MASK_HIDE, "ACPI tables and events of the VM's firmware"},
	{"/proc/asound", MASK_HIDE, "sound cards: device state of the VM"},
	{"/proc/interrupts", MASK_HIDE,
	 "per-CPU interrupt counts: a side channel on other tenants' activity"},
	{"/proc/kcore", MASK_HIDE, "the VM's whole physical memory as an ELF core"},
	{"/proc/keys", MASK_HIDE, "every key of the kernel's keyrings visible to the reader"},
	{"/proc/latency_stats", MASK_HIDE, "kernel stacks and timings of every process"},
	{"/proc/sched_debug", MASK_HIDE, "every task of the VM, with names and pids"},
	{"/proc/scsi", MASK_HIDE, "SCSI devices, and a file that adds or removes them"},
	{"/proc/timer_list", MASK_HIDE, "every timer of the VM, with its owner's name and pid"},
	{"/proc/timer_stats", MASK_HIDE, "timer usage of every process (older kernels)"},
	{"/sys/devices/virtual/powercap", MASK_HIDE,
	 "RAPL energy counters: a side channel on what other code computes"},
	{"/sys/firmware", MASK_HIDE, "ACPI tables, EFI variables and memory maps of the VM"},
	{"/sys/devices/system/cpu/cpu*/thermal_throttle", MASK_HIDE,
	 "throttle counters: a side channel, as the powercap counters"},
	{"/proc/bus", MASK_READONLY, "PCI configuration space of the VM's devices"},
	{"/proc/fs", MASK_READONLY, "filesystem tunables that are the VM's, not the container's"},
	{"/proc/irq", MASK_READONLY, "interrupt affinity of the VM's devices"},
	{"/proc/sys", MASK_READONLY,
	 "kernel settings: most are the whole VM's (vm.*, kernel.pid_max, "
	 "kernel.randomize_va_space)"},
	{"/proc/sysrq-trigger", MASK_READONLY, "one write reboots or crashes the VM"},
};

const struct mask *masks_table(size_t *n)
{
	*n = ARRAY_SIZE(table);
	return table;
}

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
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
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
