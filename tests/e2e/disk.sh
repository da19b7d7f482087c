#!/bin/sh
# The disk to hand over, as an evaluator receives it: a copy of
# out/inception.img booted alone by QEMU (no -kernel, no second disk) with
# VirtualBox's default devices (PIIX3 chipset, AHCI SATA, e1000), reached
# only through forwarded ports: the site over https, ssh login; the ACPI
# power button powers it off cleanly; a rebuild of the disk keeps what the
# data partition holds. Then the exports: qcow2, VMDK and VDI readable by
# qemu-img, and the OVA's structure (the OVF first, a manifest whose SHA256
# sums match, the OVF 1.0 elements VirtualBox needs). Waits on console
# lines and processes, bounded. Ends with "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/out
work=$(mktemp -d "$out/e2e-disk.XXXXXX")
login=$("$top/scripts/config.sh" LOGIN)
port=$("$top/scripts/config.sh" HTTPS_PORT)
domain=$login.42.fr
url=https://$domain
[ "$port" = 443 ] || url=$url:$port
. "$top/tests/lib.sh"

fwd=$(free_port)
sshp=$(free_port)
disk=$work/inception.img
con=$work/console.log
cleanup() {
	[ -f "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null
	return 0
}
trap cleanup EXIT
cp --sparse=always "$out/inception.img" "$disk"

boot() { # boot: QEMU as VirtualBox's defaults, in the background
	rm -f "$con"
	qemu-system-x86_64 -M pc -accel tcg -m 1024 -smp 2 -nodefaults -display none \
		-no-reboot -daemonize -pidfile "$work/qemu.pid" -serial "file:$con" \
		-monitor "unix:$work/monitor.sock,server,nowait" \
		-drive "file=$disk,format=raw,if=none,id=d0" -device ahci,id=ahci \
		-device ide-hd,drive=d0,bus=ahci.0 \
		-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$fwd-:$port,hostfwd=tcp:127.0.0.1:$sshp-:22" \
		-device e1000,netdev=n0
}
wait_console() { # wait_console PATTERN SECONDS
	deadline=$(($(date +%s) + $2))
	until grep -q "$1" "$con" 2>/dev/null; do
		kill -0 "$(cat "$work/qemu.pid" 2>/dev/null)" 2>/dev/null || return 1
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}
on_vm() {
	ssh -i "$out/ssh/id_ed25519" -p "$sshp" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@127.0.0.1 "$@"
}
code() { curl -sk --max-time 60 --connect-to "$domain:$port:127.0.0.1:$fwd" -o /dev/null -w '%{http_code}' "$url/"; }
power_off() { # ACPI power button through QEMU's monitor; QEMU must exit
	# $work has qemu/vm.sh's layout (qemu.pid, monitor.sock): its monitor
	# command talks to this QEMU.
	VM_STATE=$work "$top/qemu/vm.sh" monitor system_powerdown
	pid=$(cat "$work/qemu.pid")
	deadline=$(($(date +%s) + 90))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			kill "$pid"
			rm -f "$work/qemu.pid"
			return 1
		fi
		sleep 0.2
	done
	rm -f "$work/qemu.pid"
}

echo "== boot 1: the disk alone (AHCI, e1000, BIOS)"
t0=$(date +%s)
boot
if wait_console 'hostd: ready' 900; then
	ok "boots by itself to hostd's ready line in $(($(date +%s) - t0)) s"
else
	bad "boots by itself to hostd's ready line"
	tail -n 20 "$con"
	summary
	exit 1
fi
nsvc=$(ls "$out"/stack/plans/*.plan | wc -l)
check "the ready line says the stack's $nsvc services are up" grep -q "hostd: ready .* stack: $nsvc services up" "$con"
check "the kernel came from the boot partition (syslinux)" on_vm 'grep -q "BOOT_IMAGE=/bzImage .*initrd=/initrd.img" /proc/cmdline'
check "data and images partitions found by label on the SATA disk" sh -c "grep -q 'data disk /dev/sda2 mounted on /home/$login/data' '$con' && grep -q 'images disk /dev/sda3 mounted read-only on /images' '$con'"
check "the site answers 200 at $url/ through the e1000 NIC" test "$(code)" = 200
check "ssh login works (key only), hostctl ps: $nsvc healthy" on_vm "hostctl ps | grep -c '(healthy)' | grep -qx $nsvc"
token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
check "a file written to the data partition" on_vm "echo $token >/home/$login/data/disk-marker && sync"
if power_off && grep -q 'hostd: data disk unmounted cleanly' "$con"; then
	ok "the ACPI power button powers it off cleanly"
else
	bad "the ACPI power button powers it off cleanly"
	tail -n 10 "$con"
fi

echo "== a rebuild of the disk keeps its data partition"
mkdir -p "$work/out"
for f in bzImage initramfs.img images.img; do ln -s "$out/$f" "$work/out/$f"; done
mv "$disk" "$work/out/inception.img"
check "scripts/disk.sh rebuilds it, keeping the data partition" sh -c "'$top/scripts/disk.sh' '$work/out' | grep -q 'data 2048 kept'"
check "its images partition is the images filesystem, whole" sh -c "start=\$(sfdisk -d '$work/out/inception.img' | sed -n 's/.*img3 : start= *\\([0-9]*\\), size= *\\([0-9]*\\).*/\\1/p'); dd if='$work/out/inception.img' bs=512 skip=\$start count=\$((\$(stat -c %s '$out/images.img') / 512)) status=none | cmp -s - '$out/images.img'"
mv "$work/out/inception.img" "$disk"
boot
if wait_console 'hostd: ready' 900; then ok "boot 2 reaches ready"; else bad "boot 2 reaches ready"; tail -n 20 "$con"; fi
check "the file is still there" on_vm "test \"\$(cat /home/$login/data/disk-marker)\" = $token"
check "the site still answers 200" test "$(code)" = 200
check "WordPress was not installed again" on_vm "grep -q 'already installed' /run/hostd/logs/wordpress.log"
power_off >/dev/null || bad "power-off 2"

echo "== the exports"
check "qcow2 is a valid qcow2 of the same size" sh -c "qemu-img check -q '$out/inception.qcow2' && qemu-img info --output=json '$out/inception.qcow2' | python3 -c 'import json,sys,os; i=json.load(sys.stdin); assert i[\"format\"]==\"qcow2\" and i[\"virtual-size\"]==os.path.getsize(\"$out/inception.img\"), i'"
check "VMDK and VDI are what they say" sh -c "qemu-img info '$out/inception.vmdk' | grep -q 'file format: vmdk' && qemu-img info '$out/inception.vdi' | grep -q 'file format: vdi'"
check "the qcow2 and the OVA carry no empty space (smaller than the raw disk's allocated blocks + 10%)" sh -c "used=\$(du -k '$out/inception.img' | cut -f1); test \$(du -k '$out/inception.qcow2' | cut -f1) -lt \$((used * 11 / 10)) && test \$(du -k '$out/inception.ova' | cut -f1) -lt \$((used * 11 / 10))"
mkdir -p "$work/ova"
tar -xf "$out/inception.ova" -C "$work/ova"
check "the OVA is ustar, the OVF first, then the disk and the manifest" sh -c "test \"\$(tar -tf '$out/inception.ova' | tr '\n' ' ')\" = 'inception.ovf inception-disk1.vmdk inception.mf ' && head -c 512 '$out/inception.ova' | cut -b258-263 | grep -q ustar"
check "the manifest's SHA256 sums match the members" sh -c "cd '$work/ova' && test \$(wc -l <inception.mf) = 2 && while read -r l; do f=\${l#SHA256(}; f=\${f%%)*}; test \"\${l##*= }\" = \"\$(sha256sum \"\$f\" | cut -d' ' -f1)\" || exit 1; done <inception.mf"
check "the OVF 1.0 descriptor has what VirtualBox needs" python3 - "$work/ova/inception.ovf" "$work/ova/inception-disk1.vmdk" "$port" <<'PY'
import os, sys, xml.etree.ElementTree as ET
ovf, vmdk, port = sys.argv[1], sys.argv[2], sys.argv[3]
O = "{http://schemas.dmtf.org/ovf/envelope/1}"
R = "{http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData}"
V = "{http://www.virtualbox.org/ovf/machine}"
env = ET.parse(ovf).getroot()
assert env.tag == O + "Envelope" and env.get(O + "version") == "1.0", env.tag
f = env.find(O + "References/" + O + "File")
assert f.get(O + "href") == "inception-disk1.vmdk" and int(f.get(O + "size")) == os.path.getsize(vmdk)
d = env.find(O + "DiskSection/" + O + "Disk")
assert d.get(O + "fileRef") == f.get(O + "id") and int(d.get(O + "capacity")) > 0
assert d.get(O + "format").endswith("#streamOptimized")
assert env.find(O + "DiskSection/" + O + "Info") is not None
assert env.find(O + "NetworkSection/" + O + "Network").get(O + "name") == "NAT"
vs = env.find(O + "VirtualSystem")
assert vs.get(O + "id") and vs.find(O + "Info") is not None
hw = vs.find(O + "VirtualHardwareSection")
assert hw.find(O + "Info") is not None and hw.find(O + "System") is not None
items = {i.find(R + "ResourceType").text: i for i in hw.findall(O + "Item")}
for i in hw.findall(O + "Item"):
    assert i.find(R + "InstanceID") is not None and i.find(R + "ElementName") is not None
assert items["20"].find(R + "ResourceSubType").text == "AHCI"
assert items["10"].find(R + "ResourceSubType").text == "E1000"
assert items["10"].find(R + "Connection").text == "NAT"
disk = items["17"]
assert disk.find(R + "HostResource").text.endswith("/disk/" + d.get(O + "diskId"))
assert disk.find(R + "Parent").text == items["20"].find(R + "InstanceID").text
assert 512 <= int(items["4"].find(R + "VirtualQuantity").text) <= 2048
m = vs.find(V + "Machine")
# vbox:Machine's children are unprefixed, so in the default namespace.
fw = {x.get("name"): x for x in m.iterfind(".//{*}Forwarding")}
assert fw["https"].get("hostport") == port and fw["https"].get("guestport") == port
assert fw["ssh"].get("guestport") == "22"
img = m.find(".//{*}Image")
assert img.get("uuid").strip("{}") == d.get(V + "uuid"), (img.get("uuid"), d.get(V + "uuid"))
PY

summary && rm -rf "$work"
