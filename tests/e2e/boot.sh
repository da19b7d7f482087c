#!/bin/sh
# End to end, from outside the VM only: boot the built image under QEMU on a
# fresh data disk, log in over ssh, check what hostd set up, then power off
# three ways (ACPI button, ctrl-alt-del, SIGTERM to PID 1) and check that
# data written before survives each. Waits on hostd's console lines, never
# on fixed sleeps. Ends with "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/out
work=$(mktemp -d "$out/e2e.XXXXXX")
login=$("$top/scripts/config.sh" LOGIN)

. "$top/tests/lib.sh"
. "$top/tests/e2e/guest.sh"
# hostd itself, without the stack (tests/e2e/stack.sh boots it with one).
export IMAGES_IMG=none
guest_init 1G

# Wait (bounded) for QEMU to exit after a shutdown request.
powered_off() {
	# QEMU removes its pid file when it exits.
	[ -f "$work/qemu.pid" ] || return 0
	pid=$(cat "$work/qemu.pid")
	deadline=$(($(date +%s) + 60))
	while kill -0 "$pid" 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
	rm -f "$work/qemu.pid"
}
# expect_poweroff WHY DESCRIPTION N: QEMU ends, and the console of boot N
# shows hostd's clean power-off for WHY; the log is kept as console.N.log.
expect_poweroff() {
	if powered_off && grep -q "hostd: power-off requested ($1)" "$con" &&
		grep -q 'hostd: data disk unmounted cleanly' "$con" &&
		grep -q 'hostd: power off' "$con"; then
		ok "$2: clean unmount and power-off in $(($(date +%s) - start_s)) s"
	else
		bad "$2"
		tail -n 15 "$con"
	fi
	mv "$con" "$work/console.$3.log"
}

echo "== boot 1: blank data disk"
if ! vm start; then
	bad "boot 1 reaches hostd's ready line"
	summary
	exit 1
fi
ok "boot 1 reaches hostd's ready line"
check "blank data disk was formatted" grep -q 'hostd: data disk: /dev/vda is blank; formatting it' "$con"
check "PID 1 is hostd" on_vm 'test "$(cat /proc/1/comm)" = init && grep -q "hostd .* starting as PID 1" /run/hostd.log'
check "cgroup2 mounted at /sys/fs/cgroup" on_vm 'grep -q "^cgroup2 /sys/fs/cgroup cgroup2 " /proc/mounts'
check "cpu memory pids io enabled for children" on_vm 'for c in cpu memory pids io; do grep -qw $c /sys/fs/cgroup/cgroup.subtree_control || exit 1; done'
check "/etc/hosts maps $login.42.fr to 127.0.0.1" on_vm "grep -Eq '^127\\.0\\.0\\.1[[:space:]]+$login\\.42\\.fr\$' /etc/hosts"
check "data disk is ext4 on /home/$login/data" on_vm "grep -q '^/dev/vda /home/$login/data ext4 rw' /proc/mounts"
check "pivot_root works in a new mount namespace (root is off rootfs)" on_vm 'unshare -m sh -c "mkdir -p /tmp/nr && mount -t tmpfs nr /tmp/nr && mkdir /tmp/nr/old && cd /tmp/nr && pivot_root . old"'
check "eth0 got an address by DHCP" on_vm 'ip -4 addr show eth0 | grep -q "inet 10.0.2.15/24"'
check "hostd log file in /run" on_vm 'grep -q "hostd: ready" /run/hostd.log'
check "hostd's supervisor is up: hostctl answers" on_vm 'hostctl ps -a | head -1 | grep -q "^NAMES "'
check "its control socket is root's only (0600)" on_vm 'test "$(stat -c %a /run/hostd/hostd.sock)" = 600'
check "hostctl names an unknown container in one line" on_vm 'test "$(hostctl stop nope 2>&1)" = "hostctl: no such container: nope"'
# Limits can only be checked here: the build machine's cgroup v2 has no
# controllers. A busybox root and the static test payload, made in the VM
# on the data disk: a container's root is id-mapped to its user namespace,
# which 6.1 can do on ext4 but not on the VM's tmpfs (/tmp/r links there).
check "a busybox root for test containers" on_vm "mkdir -p /home/$login/data/r/bin && ln -s /home/$login/data/r /tmp/r && cp /bin/busybox /tmp/r/bin/ && for a in sh cat sleep stat; do ln -s busybox /tmp/r/bin/\$a; done"
check "a root on the VM's tmpfs is refused with a user namespace, and says why" on_vm 'mkdir -p /tmp/tr/bin && cp /bin/busybox /tmp/tr/bin/sh && /init run --rootfs /tmp/tr -- sh -c true 2>&1 | grep -q "its filesystem cannot be id-mapped by this kernel"'
check "... and runs without one (--userns host)" on_vm '/init run --userns host --rootfs /tmp/tr -- sh -c "exit 0"'
check "the test payload copied in" sh -c "'$top/qemu/vm.sh' ssh 'cat >/tmp/r/bin/payload && chmod 755 /tmp/r/bin/payload' <'$out/payload'"
check "memory.max: allocating past it gets the container OOM-killed (137)" on_vm '/init run --rootfs /tmp/r --memory 32m -- payload alloc 64 >/dev/null; test $? = 137'
check "memory.max: within it, the container runs to the end" on_vm 'test "$(/init run --rootfs /tmp/r --memory 32m -- payload alloc 8)" = "allocated 8 MiB"'
check "pids.max: forks stop at the limit" on_vm 'test "$(/init run --rootfs /tmp/r --pids 5 -- payload fork 10)" = "forked 4 of 10"'
check "cpu.max is applied" on_vm '/init run --rootfs /tmp/r --cpus 0.5 -- sleep 5 & i=0; until cat /sys/fs/cgroup/hostd/run-*/cpu.max 2>/dev/null | grep -qx "50000 100000"; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.1; done; kill %1; wait'
check "inside, the container's cgroup is 0::/" on_vm 'test "$(/init run --rootfs /tmp/r --memory 64m -- cat /proc/self/cgroup)" = "0::/"'
# The supervisor with limits from a plan: a second `hostd daemon` in the
# VM, with its own plans and socket (PID 1's stack is left alone).
check "plans for a supervised memory hog and fork bomb" on_vm 'mkdir -p /tmp/op && printf "version 1\nservice hog\nimage hog:1.0\nlayer /tmp/r\ncmd payload\ncmd alloc\ncmd 64\nrestart on-failure:2\nmemory_max 33554432\n" >/tmp/op/hog.plan && printf "version 1\nservice forker\nimage forker:1.0\nlayer /tmp/r\ncmd payload\ncmd fork\ncmd 10\npids_max 5\n" >/tmp/op/forker.plan'
check "hostd daemon runs them" on_vm 'setsid /init daemon --plans /tmp/op --state /tmp/os --socket /tmp/os.sock >/tmp/os.log 2>&1 </dev/null & i=0; until HOSTD_SOCKET=/tmp/os.sock hostctl ps -a >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done'
check "the hog is OOM-killed, restarted twice (on-failure:2), inspect says OOMKilled" on_vm 'i=0; until HOSTD_SOCKET=/tmp/os.sock hostctl inspect --format "{{.State.Status}} {{.RestartCount}} {{.State.OOMKilled}} {{.State.ExitCode}}" hog | grep -qx "exited 2 true 137"; do i=$((i+1)); [ $i -lt 150 ] || { HOSTD_SOCKET=/tmp/os.sock hostctl inspect hog; cat /tmp/os.log; exit 1; }; sleep 0.2; done'
check "its log line says out of memory" on_vm 'grep -Eq "hog killed by signal 9 \(.*\), out of memory; restart 1 " /tmp/os.log'
check "the forker stops at pids_max" on_vm 'i=0; until grep -qx "forked 4 of 10" /tmp/os/logs/forker.log 2>/dev/null; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done'
check "the second daemon stops on SIGTERM and removes its cgroups" on_vm 'pkill -TERM -f "init daemon --plans /tmp/op"; i=0; while pgrep -f "init daemon --plans /tmp/op" >/dev/null; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.2; done; ! test -e /sys/fs/cgroup/hostd/hog && ! test -e /sys/fs/cgroup/hostd/forker'
# The appliance kernel's loop, EROFS (lz4) and overlayfs, as image layers
# use them: id-mapped, so the layer's root-owned files are the container's
# root's.
sq=$work/layer
mkdir -p "$sq/bin" && cp "$out/payload" "$sq/bin/" && mkfs.erofs -zlz4hc --quiet "$work/layer.erofs" "$sq" >/dev/null
check "an EROFS layer copied in" sh -c "'$top/qemu/vm.sh' ssh 'cat >/tmp/layer.erofs' <'$work/layer.erofs'"
check "a container from an EROFS layer over a directory layer" on_vm 'test "$(/init run --layer /tmp/r --layer /tmp/layer.erofs -- payload try getpid)" = "getpid: ok"'
check "the layer's files are its root's, through the id-mapped mount" on_vm 'test "$(/init run --layer /tmp/r --layer /tmp/layer.erofs -- stat -c %u:%g /bin/payload)" = 0:0'
check "and its root is a VM id from 131072 up, not the VM's root" on_vm 'test "$(/init run --layer /tmp/r --layer /tmp/layer.erofs -- cat /proc/self/uid_map | awk "{print \$1, (\$2 >= 131072), \$3}")" = "0 1 65536"'
# The escape suite (tests/host/confine.sh) on the appliance's own kernel,
# against /init and a test build with every protection off.
check "the escape suite and its binaries copied in" sh -c "tar -C '$top' -cf - tests/host/confine.sh tests/lib.sh out/payload out/hostd-unconfined | '$top/qemu/vm.sh' ssh 'mkdir -p /tmp/confine && tar -C /tmp/confine -xf -'"
on_vm "HOSTD=/init HOSTD_UNCONFINED=/tmp/confine/out/hostd-unconfined PAYLOAD=/tmp/confine/out/payload BUSYBOX=/bin/busybox LIB=/tmp/confine/tests/lib.sh CONFINE_TMP=/home/$login/data SETNS_TARGET=1 sh /tmp/confine/tests/host/confine.sh" >"$work/confine.log" 2>&1
sed 's/^/     /' "$work/confine.log"
check "the escape suite passes in the appliance" sh -c "tail -1 '$work/confine.log' | grep -Eq '^[0-9]+ passed, 0 failed\$'"
check "each container's cgroup is removed after it" on_vm 'test -z "$(ls -d /sys/fs/cgroup/hostd/run-* 2>/dev/null)"'
check "orphaned processes are reaped by PID 1" on_vm 'setsid sh -c "sleep 0.2 & echo \$! >/tmp/orphan"; p=$(cat /tmp/orphan); i=0; while [ -e /proc/$p ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; [ ! -e /proc/$p ]'
check "dropbear is supervised: killed, it comes back" on_vm 'kill -9 $(pidof dropbear | tr " " "\n" | sort -n | head -1)'
check "dropbear restarted by hostd" sh -c "i=0; until grep -q 'hostd: dropbear started' '$con' && [ \$(grep -c 'hostd: dropbear started' '$con') -ge 2 ]; do i=\$((i+1)); [ \$i -lt 100 ] || exit 1; sleep 0.1; done"
check "ssh answers again after the restart" sh -c "i=0; until '$top/qemu/vm.sh' ssh true 2>/dev/null; do i=\$((i+1)); [ \$i -lt 50 ] || exit 1; sleep 0.2; done"
token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
check "write a file to the data disk" on_vm "echo $token > /home/$login/data/e2e-marker"

# Password login must be refused by the server: it must not even offer it.
ssh -v -p "$SSH_PORT" -o BatchMode=yes -o PubkeyAuthentication=no \
	-o PreferredAuthentications=password,keyboard-interactive \
	-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	root@127.0.0.1 true >"$work/pw.log" 2>&1
pw=$?
if [ "$pw" != 0 ] && tr -d '\r' <"$work/pw.log" | grep -q 'Authentications that can continue: publickey$'; then
	ok "password login refused (server offers publickey only)"
else
	bad "password login refused (ssh exit $pw)"
	sed 's/^/     /' "$work/pw.log" | tail -5
fi

echo "== power-off 1: ACPI power button"
start_s=$(date +%s)
vm stop >/dev/null
expect_poweroff "ACPI power button" "ACPI power-down" 1

echo "== boot 2: the data disk is kept"
if vm start >/dev/null; then ok "boot 2 reaches ready"; else bad "boot 2 reaches ready"; fi
check "boot 2 checks the disk instead of formatting it" sh -c "grep -q 'data disk: /dev/vda (label inception-data); checking' '$con' && ! grep -q formatting '$con'"
check "the file written before power-off is still there" on_vm "test \"\$(cat /home/$login/data/e2e-marker)\" = $token"

echo "== power-off 2: ctrl-alt-del"
# The key reaches hostd only once the kernel has probed the keyboard
# (atkbd on i8042), which can come after hostd's ready line under TCG.
poll 30 on_vm "grep -q 'AT Translated Set 2 keyboard' /proc/bus/input/devices" ||
	bad "the guest's keyboard appeared (for ctrl-alt-del)"
start_s=$(date +%s)
vm monitor "sendkey ctrl-alt-delete"
expect_poweroff "ctrl-alt-del" "ctrl-alt-del" 2

echo "== boot 3, power-off 3: SIGTERM to PID 1"
if vm start >/dev/null; then ok "boot 3 reaches ready"; else bad "boot 3 reaches ready"; fi
check "the file survives a second power cycle" on_vm "test \"\$(cat /home/$login/data/e2e-marker)\" = $token"
start_s=$(date +%s)
on_vm 'kill -TERM 1' >/dev/null 2>&1
expect_poweroff "Terminated" "SIGTERM to PID 1" 3

echo "== boot 4: a disk with foreign data is never formatted"
export DATA_IMG="$work/foreign.img"
truncate -s 64M "$DATA_IMG"
dd if=/dev/urandom of="$DATA_IMG" bs=1M count=1 conv=notrunc status=none
before=$(sha256sum <"$DATA_IMG")
# Without its data disk the VM has fresh host keys: a new identity.
rm -f "$work/known_hosts"
if BOOT_TIMEOUT=120 vm start >/dev/null; then ok "boot 4 reaches ready without a data disk"; else bad "boot 4 reaches ready without a data disk"; fi
check "the ready line says the data disk is missing" grep -q 'hostd: ready .*data disk MISSING' "$con"
check "the missing disk is logged with the reason" grep -q 'hostd: error: no data disk: no ext4 filesystem labelled inception-data and no blank disk' "$con"
check "ssh still works without a data disk" on_vm true
vm stop >/dev/null
check "the foreign disk is unchanged" test "$(sha256sum <"$DATA_IMG")" = "$before"

summary && rm -rf "$work"
