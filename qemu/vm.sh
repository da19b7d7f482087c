#!/bin/sh
# Drive the appliance VM under QEMU: start (in the background, waiting for
# hostd's "ready" line), stop (ACPI power button, waiting for power-off),
# ssh, status. The guest reaches nothing outside (restrict=on); only the
# forwarded ports on 127.0.0.1 reach it.
#   OUT        build outputs (default: out/ next to this script's parent)
#   VM_STATE   pid file, monitor socket and console log (default: $OUT/vm)
#   BOOT       disk (default): boot $OUT/inception.img by itself, the disk
#              handed over (its data partition holds the site's data);
#              kernel: -kernel/-initrd with separate disks, for the tests:
#   DATA_IMG   the data disk (BOOT=kernel; default: $OUT/data.img)
#   IMAGES_IMG the stack's layers (BOOT=kernel; default: $OUT/images.img;
#              "none": no images disk, so no stack: hostd-only tests)
#   HTTPS_FWD  host port forwarded to the guest's published https port
#              (HTTPS_PORT in stack/.env); default: that same port
#   SSH_PORT   host port forwarded to the guest's ssh (default 2222)
#   FTP_FWD    host port forwarded to the guest's FTP port 21 (default 21)
#   FTP_PASV   the FTP passive ports 21000-21009, forwarded with the same
#              numbers (the server names them to the client): yes
#              (default) or no, to boot beside another VM that has them
#   VM_MEM     guest memory in MiB (default 1024)
#   ACCEL      kvm, tcg or auto (default): KVM when it really runs a guest
#   BOOT_TIMEOUT, STOP_TIMEOUT   seconds (default 900, 60)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$top/out}
state=${VM_STATE:-$out/vm}
data=${DATA_IMG:-$out/data.img}
images=${IMAGES_IMG:-$out/images.img}
guest_https=$("$top/scripts/config.sh" HTTPS_PORT)
https=${HTTPS_FWD:-$guest_https}
sshp=${SSH_PORT:-2222}
ftpp=${FTP_FWD:-21}
pidf=$state/qemu.pid
mon=$state/monitor.sock
con=$state/console.log

running() { [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; }

monitor() {
	python3 - "$mon" "$1" <<'PY'
import socket, sys, time
# The banner before the command, its echo after: a command on a
# connection closed at once can be lost.
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(10)
def until(word):
    got, deadline = b"", time.time() + 10
    while word not in got and time.time() < deadline:
        try:
            more = s.recv(4096)
        except socket.timeout:
            return
        if not more:
            return
        got += more
until(b"(qemu)")
s.sendall(sys.argv[2].encode() + b"\n")
until(sys.argv[2].split()[0].encode())
PY
}

# Wait (bounded) until PATTERN shows in the console log; fail early if QEMU
# dies first.
wait_console() {
	deadline=$(($(date +%s) + $2))
	until grep -q "$1" "$con" 2>/dev/null; do
		if ! running; then
			echo "vm: QEMU exited before '$1'; console log ($con):" >&2
			tail -n 30 "$con" >&2 || true
			return 1
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "vm: no '$1' within $2 s; console log ($con):" >&2
			tail -n 30 "$con" >&2 || true
			return 1
		fi
		sleep 0.1
	done
}

# /dev/kvm can exist and still not run a Linux guest (seen on nested build
# machines: QEMU starts, the guest never prints a line). So "auto" boots our
# kernel once under KVM with no initramfs: a working KVM reaches the
# expected "Kernel panic" in about a second. The verdict is cached per
# machine, QEMU and kernel.
pick_accel() {
	case ${ACCEL:-auto} in
	kvm | tcg) echo "$ACCEL"; return ;;
	auto) ;;
	*) echo "vm: ACCEL must be kvm, tcg or auto, not '$ACCEL'" >&2; exit 2 ;;
	esac
	if [ ! -w /dev/kvm ]; then echo tcg; return; fi
	cache=${INCEPTION_CACHE:-/var/cache/inception}
	key=$( { cat /etc/machine-id 2>/dev/null; uname -a; qemu-system-x86_64 --version; sha256sum <"$out/bzImage"; } | sha256sum | cut -c1-16)
	if [ -f "$cache/accel.$key" ]; then cat "$cache/accel.$key"; return; fi
	probe=$(mktemp)
	timeout 10 qemu-system-x86_64 -M q35 -accel kvm -m 256 -display none \
		-no-reboot -nodefaults -serial "file:$probe" -kernel "$out/bzImage" \
		-append "console=ttyS0 panic=-1 quiet" >/dev/null 2>&1 || true
	verdict=tcg
	grep -q 'Kernel panic' "$probe" && verdict=kvm
	rm -f "$probe"
	mkdir -p "$cache" && echo "$verdict" >"$cache/accel.$key"
	[ "$verdict" = kvm ] || echo "vm: /dev/kvm does not run guests here; using TCG" >&2
	echo "$verdict"
}

start() {
	if running; then
		echo "vm: already running (pid $(cat "$pidf"))"
		return 0
	fi
	mkdir -p "$state"
	rm -f "$con" "$mon"
	accel=$(pick_accel)
	imgdrive=
	[ "$images" = none ] || imgdrive="-drive file=$images,format=raw,if=virtio,readonly=on"
	case ${BOOT:-disk} in
	disk)
		# The VM's ssh host keys live on its data partition: a new
		# disk is a new identity, so forget the old one.
		p2=$(sfdisk -d "$out/inception.img" 2>/dev/null | sed -n 's/.*img2 : start= *\([0-9]*\),.*/\1/p')
		id=$(blkid -p -O $((${p2:-0} * 512)) -s UUID -o value "$out/inception.img" 2>/dev/null || true)
		if [ "$id" != "$(cat "$state/disk-id" 2>/dev/null)" ]; then
			rm -f "$state/known_hosts"
			echo "$id" >"$state/disk-id"
		fi
		set -- -drive "file=$out/inception.img,format=raw,if=virtio" ;;
	kernel) set -- -kernel "$out/bzImage" -initrd "$out/initramfs.img" \
		-append "console=ttyS0 quiet panic=-1" \
		-drive "file=$data,format=raw,if=virtio" $imgdrive ;;
	*) echo "vm: BOOT must be disk or kernel, not '$BOOT'" >&2; exit 2 ;;
	esac
	pasv=
	case ${FTP_PASV:-yes} in
	yes) for p in $(seq 21000 21009); do pasv="$pasv,hostfwd=tcp:127.0.0.1:$p-:$p"; done ;;
	no) ;;
	*) echo "vm: FTP_PASV must be yes or no, not '$FTP_PASV'" >&2; exit 2 ;;
	esac
	qemu-system-x86_64 -M q35 -accel "$accel" -m "${VM_MEM:-1024}" -smp 2 \
		-nodefaults -display none -no-reboot -daemonize -pidfile "$pidf" \
		-serial "file:$con" -monitor "unix:$mon,server,nowait" "$@" \
		-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$https-:$guest_https,hostfwd=tcp:127.0.0.1:$sshp-:22,hostfwd=tcp:127.0.0.1:$ftpp-:21$pasv" \
		-device virtio-net-pci,netdev=n0 -device virtio-rng-pci
	echo "vm: booting under $accel (pid $(cat "$pidf")), console log in $con"
	wait_console 'hostd: ready' "${BOOT_TIMEOUT:-900}"
	grep 'hostd: ready' "$con"
	login=$("$top/scripts/config.sh" LOGIN)
	url=https://$login.42.fr
	[ "$https" = 443 ] || url=$url:$https
	echo "vm: ssh: make ssh (port $sshp); site: $url/ (with '127.0.0.1 $login.42.fr' in /etc/hosts)"
}

stop() {
	if ! running; then
		echo "vm: not running"
		return 0
	fi
	pid=$(cat "$pidf")
	monitor system_powerdown
	deadline=$(($(date +%s) + ${STOP_TIMEOUT:-60}))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "vm: still running ${STOP_TIMEOUT:-60} s after the power button; stopping QEMU" >&2
			monitor quit || kill "$pid"
			return 1
		fi
		sleep 0.1
	done
	rm -f "$pidf"
	echo "vm: powered off"
}

vmssh() {
	exec ssh -i "$out/ssh/id_ed25519" -p "$sshp" -o BatchMode=yes \
		-o StrictHostKeyChecking=accept-new \
		-o UserKnownHostsFile="$state/known_hosts" root@127.0.0.1 "$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
start) start ;;
stop) stop ;;
ssh) vmssh "$@" ;;
monitor) running && monitor "$*" ;;
status) if running; then echo "vm: running (pid $(cat "$pidf"))"; else echo "vm: not running"; exit 1; fi ;;
*) echo "usage: qemu/vm.sh start|stop|status|ssh [cmd...]|monitor CMD" >&2; exit 2 ;;
esac
