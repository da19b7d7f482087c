/* masks_table: the one table of masks.h, the paths of /proc and /sys a
 * container never sees or never writes, each with its reason. Data only:
 * it never mounts anything (masks.c applies the table).
 * pure: computation only (tests/layout/check.sh holds it to that).
 */
#include "runtime/masks.h"

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
