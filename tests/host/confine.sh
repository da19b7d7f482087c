#!/bin/sh
# The escape suite. From inside a container, as root, it tries what an
# attacker would: make and read a block device, open a device node it
# should not have, write kernel settings, read the VM's memory, mount,
# load a module, signal or trace another container, use hostd's control
# socket, raw sockets, keyrings, bpf, userfaultfd, perf, a new user
# namespace, the VM's namespaces, another service's file in a shared
# volume. Each attempt must be refused in a container as hostd makes it,
# and must work (or fail for another reason) in one started by a test
# build of hostd with every protection off (`hostd run --unconfined`,
# out/hostd-unconfined): a check that cannot fail proves nothing.
#
# Host mode, as root (make test-host). The QEMU tier runs the same file
# inside the appliance (tests/e2e/boot.sh), with HOSTD=/init and the
# other binaries copied in: HOSTD, HOSTD_UNCONFINED, PAYLOAD, BUSYBOX,
# LIB (tests/lib.sh) and CONFINE_TMP (a directory on a filesystem that
# can be id-mapped: ext4, not the VM's tmpfs) say where things are.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
hostd=${HOSTD:-$top/out/hostd}
unc=${HOSTD_UNCONFINED:-$top/out/hostd-unconfined}
payload=${PAYLOAD:-$top/out/payload}
busybox=${BUSYBOX:-/bin/busybox}
work=$(mktemp -d "${CONFINE_TMP:-/tmp}/hostd-confine.XXXXXX")
. "${LIB:-$top/tests/lib.sh}"
loopdev=
daemon=
victim=
runner=
cleanup() {
	[ -n "$victim" ] && kill -9 "$victim" 2>/dev/null
	[ -n "$runner" ] && kill "$runner" 2>/dev/null && wait "$runner" 2>/dev/null
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	[ -n "$loopdev" ] && losetup -d "$loopdev" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "the escape suite needs root (namespaces, mounts, a loop device)" >&2
	exit 1
fi
for b in "$hostd" "$unc" "$payload" "$busybox"; do
	[ -x "$b" ] || { echo "confine: $b is missing (make out/hostd out/hostd-unconfined out/payload)" >&2; exit 1; }
done

rfs=$work/rootfs
mkdir -p "$rfs/bin" "$rfs/mnt" "$rfs/tmp" "$rfs/etc"
cp "$busybox" "$rfs/bin/busybox"
cp "$payload" "$rfs/bin/payload"
for a in sh cat echo id stat ls chmod sleep; do ln -s busybox "$rfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$rfs/etc/passwd"
echo 'root:x:0:' >"$rfs/etc/group"

# A block device of the test's own: a loop device over a file of known
# bytes (the one a container must not be able to read or make).
dd if=/dev/zero of="$work/disk" bs=1024 count=1024 2>/dev/null
echo "the disk's first sector" | dd of="$work/disk" conv=notrunc 2>/dev/null
# (losetup -f then attach: busybox's losetup has no --show.)
loopdev=$(losetup -f) && losetup "$loopdev" "$work/disk" || { echo "confine: losetup failed" >&2; exit 1; }
loopmaj=$(stat -c %t "$loopdev")
loopmin=$(stat -c %T "$loopdev")
loopmaj=$((0x$loopmaj))
loopmin=$((0x$loopmin))

# run BIN OPTS NAME ARGS...: one escape attempt in a container of BIN
# (the unconfined build gets --unconfined).
run() {
	bin=$1 opts=$2
	shift 2
	[ "$bin" = "$unc" ] && opts="--unconfined $opts"
	# shellcheck disable=SC2086
	"$bin" run $opts --rootfs "$rfs" -- payload escape "$@" 2>&1
}

# attempt DESCRIPTION OPTS NAME ARGS...: refused in a confined container,
# works with every protection off.
attempt() {
	d=$1 opts=$2
	shift 2
	conf=$(run "$hostd" "$opts" "$@")
	free=$(run "$unc" "$opts" "$@")
	case $conf in
	"$1: ok" | "")
		bad "$d: NOT refused in a container (${conf:-no output})"
		return
		;;
	"$1: "*) ;;
	*)
		bad "$d: the container did not run the attempt: $conf"
		return
		;;
	esac
	if [ "$free" = "$1: ok" ]; then
		ok "$d: refused (${conf#"$1: "}); works without the protection"
	else
		bad "$d: refused (${conf#"$1: "}), but it fails without the protection too ($free): the check proves nothing"
	fi
}

# attempt_kernel: as attempt, for a kernel feature the kernel may not have
# built in (the appliance has no keyrings or userfaultfd): without the
# protection the call then reaches the kernel and fails with ENOSYS, where
# the filter answered EPERM before it — the filter is what refused.
attempt_kernel() {
	d=$1 opts=$2
	shift 2
	conf=$(run "$hostd" "$opts" "$@")
	free=$(run "$unc" "$opts" "$@")
	if [ "$conf" = "$1: Operation not permitted" ] && [ "$free" = "$1: ok" ]; then
		ok "$d: refused (Operation not permitted); works without the protection"
	elif [ "$conf" = "$1: Operation not permitted" ] && [ "$free" = "$1: Function not implemented" ]; then
		ok "$d: refused (Operation not permitted) before the kernel, which has none (ENOSYS without the protection)"
	else
		bad "$d: confined: '$conf'; without the protection: '$free'"
	fi
}

# attempt_differs: as attempt, for what cannot succeed anyway (a module
# load with no module in it): refused with EPERM when confined, refused
# for another reason without the protection.
attempt_differs() {
	d=$1 opts=$2
	shift 2
	conf=$(run "$hostd" "$opts" "$@")
	free=$(run "$unc" "$opts" "$@")
	if [ "$conf" = "$1: Operation not permitted" ] && [ "$free" != "$conf" ] &&
		case $free in "$1: "*) true ;; *) false ;; esac then
		ok "$d: refused (Operation not permitted); without the protection the kernel gets further (${free#"$1: "})"
	else
		bad "$d: confined: '$conf'; without the protection: '$free'"
	fi
}

echo "== who the container's root is"
check "its root is a VM id of a range of its own, not the VM's root" sh -c "test \"\$($hostd run --rootfs $rfs -- cat /proc/self/uid_map | awk '{print \$1, (\$2 >= 131072), \$3}')\" = '0 1 65536'"
mkdir -p "$work/open" && chmod 1777 "$work/open"
check "a file it makes in a VM directory belongs to that VM id" sh -c "$hostd run --userns 2621440 --volume $work/open:/open --rootfs $rfs -- sh -c 'echo x >/open/mine' && test \"\$(stat -c %u $work/open/mine)\" = 2621440"
check "without the protection it would be the VM's root (the check can fail)" sh -c "$unc run --unconfined --volume $work/open:/open --rootfs $rfs -- sh -c 'echo x >/open/free' && test \"\$(stat -c %u $work/open/free)\" = 0"

echo "== devices"
attempt "mknod + read of a block device" "" mknod_block "$loopmaj" "$loopmin"
attempt "mknod + read of a block device, CAP_MKNOD given back, no user namespace (the device program alone)" "--userns host --cap-add MKNOD" mknod_block "$loopmaj" "$loopmin"
attempt "opening a device node not on the list (the loop device bound in)" "--volume $loopdev:/dev/disk" open_dev /dev/disk
attempt "the same without a user namespace (the device program alone)" "--userns host --volume $loopdev:/dev/disk" open_dev /dev/disk

echo "== /proc and /sys"
attempt "write vm.min_free_kbytes (the whole VM's memory reserve)" "" proc_sys_write /proc/sys/vm/min_free_kbytes
attempt "write kernel.randomize_va_space (ASLR, hostd's too)" "" proc_sys_write /proc/sys/kernel/randomize_va_space
attempt "the same without a user namespace (read-only /proc/sys alone)" "--userns host" proc_sys_write /proc/sys/kernel/randomize_va_space
if [ -e /proc/sysrq-trigger ]; then
	attempt "open /proc/sysrq-trigger for writing" "" sysrq_open
	attempt "the same without a user namespace (read-only alone)" "--userns host" sysrq_open
else
	check "this kernel has no /proc/sysrq-trigger, and a container has none either" sh -c "test \"\$($hostd run --rootfs $rfs -- payload escape sysrq_open)\" = 'sysrq_open: No such file or directory'"
fi
if [ -e /proc/kcore ]; then
	attempt "read /proc/kcore (the VM's memory)" "--userns host" read_file /proc/kcore
else
	check "this kernel has no /proc/kcore, and a container has none either" sh -c "test \"\$($hostd run --rootfs $rfs -- payload escape read_file /proc/kcore)\" = 'read_file: No such file or directory'"
fi
for f in /proc/interrupts /proc/keys /proc/timer_list /proc/sched_debug; do
	[ -e "$f" ] && attempt "read $f (masked)" "--userns host" read_file "$f"
done
for d in /sys/firmware /proc/acpi; do
	[ -n "$(ls -A "$d" 2>/dev/null)" ] && attempt "list $d (masked)" "--userns host" list_dir "$d"
done

echo "== kernel interfaces"
attempt "mount a filesystem" "" mount
attempt_differs "load a kernel module" "" module_load
attempt "a raw IP socket" "" raw_socket
attempt "a packet socket (sniff or forge frames)" "" packet_socket
attempt_kernel "keyctl: add a key" "" keyctl
attempt_kernel "bpf: create a map" "" bpf
attempt_kernel "userfaultfd" "" userfaultfd
attempt_kernel "perf_event_open" "" perf_event_open
attempt "unshare a new user namespace (full capabilities in it)" "" unshare_user
# PID 1 in the appliance; in host mode a process of the host's own
# namespaces (this shell), since a sandbox may keep even root off PID 1.
attempt "setns into the mount namespace of the VM's PID ${SETNS_TARGET:-$$}" "" setns_mnt "${SETNS_TARGET:-$$}"

echo "== other containers and hostd"
"$hostd" run --rootfs "$rfs" -- payload wait victim >"$work/victim.out" 2>&1 &
runner=$!
i=0
# Its PID 1, the runner's child (busybox has no pgrep -P).
until victim=$(grep -l "^PPid:[[:space:]]*$runner\$" /proc/[0-9]*/status 2>/dev/null | head -1 | cut -d/ -f3) &&
	[ -n "$victim" ] || [ $i -ge 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
if [ -n "$victim" ]; then
	attempt "signal another container's process (its VM pid $victim)" "" signal "$victim"
	attempt "ptrace another container's process" "" ptrace "$victim"
	kill -9 "$victim" 2>/dev/null
	wait "$runner" 2>/dev/null
	victim= runner=
else
	bad "a victim container for the signal and ptrace attempts started"
fi
mkdir -p "$work/noplans" "$work/ctl" "$work/m"
"$hostd" daemon --plans "$work/noplans" --state "$work/dstate" --socket "$work/ctl/hostd.sock" \
	--metrics "$work/m/metrics.sock" >"$work/daemon.log" 2>&1 &
daemon=$!
poll 10 test -S "$work/ctl/hostd.sock"
attempt "hostd's control socket, even bound into the container" "--volume $work/ctl:/ctl:ro" connect_unix /ctl/hostd.sock
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
daemon=

echo "== shared volumes"
mkdir -p "$work/shared" && chmod 1777 "$work/shared"
"$hostd" run --userns 2621440 --volume "$work/shared:/shared" --rootfs "$rfs" -- sh -c 'echo b >/shared/b-file' >/dev/null 2>&1
check "service B wrote its file into the shared directory, as its own VM id" test "$(stat -c %u "$work/shared/b-file" 2>/dev/null)" = 2621440
attempt "service A's root writes service B's file in a shared volume" "--volume $work/shared:/shared" write_file /shared/b-file
mkdir -p "$work/vol"
echo outside >"$work/vol/foreign" && chown 70000:70000 "$work/vol/foreign" && chmod 644 "$work/vol/foreign"
attempt "an id-mapped volume: a file whose owner the container does not map" "--volume $work/vol:/vol:idmap" write_file /vol/foreign

summary
