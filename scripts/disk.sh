#!/bin/sh
# The one disk to hand over: out/inception.img, a raw disk that boots by
# itself (BIOS: syslinux's MBR code and its FAT installer, from Debian's
# packages). Built from files only, without mounting anything: mkfs.vfat,
# mcopy and `syslinux --install` on the boot filesystem's image, the images
# filesystem that scripts/stack.sh made, mke2fs at an offset for the data
# filesystem, each written at its partition's offset. hostd finds the
# partitions by their labels. Usage: scripts/disk.sh OUT
#   DATA_MIB   size of the data partition on a new disk (default 2048; sparse)
#
#   1  boot     FAT16 INCEPTBOOT, active: ldlinux, syslinux.cfg, bzImage, initrd
#   2  data     ext4  inception-data   (/home/<login>/data)
#   3  images   ext4  inception-images (read-only at /images), last so it can grow
#
# When out/inception.img exists with this layout, a rebuild rewrites the
# boot and images partitions and keeps the data partition as it is: the
# site's data outlives `make`. DATA_MIB applies to a new disk only.
set -eu
mkdir -p "$1"
out=$(cd "$1" && pwd)
data_mib=${DATA_MIB:-2048}
boot_mib=64
tmp=$out/build/disk
rm -rf "$tmp"
mkdir -p "$tmp"

# Never rewrite the disk under a running VM (make run uses it).
if [ -f "$out/vm/qemu.pid" ] && kill -0 "$(cat "$out/vm/qemu.pid")" 2>/dev/null &&
	grep -q "inception.img" "/proc/$(cat "$out/vm/qemu.pid")/cmdline" 2>/dev/null; then
	echo "disk: the VM is running on out/inception.img; make down first" >&2
	exit 1
fi
for f in bzImage initramfs.img images.img; do
	[ -s "$out/$f" ] || { echo "disk: $out/$f is missing (make builds it)" >&2; exit 1; }
done
mib() { echo $(( ($(stat -L -c %s "$1") + 1048575) / 1048576 )); }
if [ $(( $(mib "$out/bzImage") + $(mib "$out/initramfs.img") + 2 )) -gt "$boot_mib" ]; then
	echo "disk: bzImage and initramfs.img do not fit the ${boot_mib} MiB boot partition" >&2
	exit 1
fi

# 1: boot.
cat >"$tmp/syslinux.cfg" <<'CFG'
# Written by scripts/disk.sh. Serial and VGA; the last console= is
# /dev/console, where hostd logs.
SERIAL 0 115200
DEFAULT inception
PROMPT 0
TIMEOUT 0
LABEL inception
  KERNEL /bzImage
  INITRD /initrd.img
  APPEND console=tty0 console=ttyS0,115200 quiet panic=-1
CFG
truncate -s "${boot_mib}M" "$tmp/boot.fat"
mkfs.vfat -F 16 -n INCEPTBOOT "$tmp/boot.fat" >/dev/null
mcopy -i "$tmp/boot.fat" "$out/bzImage" ::/bzImage
mcopy -i "$tmp/boot.fat" "$out/initramfs.img" ::/initrd.img
mcopy -i "$tmp/boot.fat" "$tmp/syslinux.cfg" ::/syslinux.cfg
syslinux --install "$tmp/boot.fat"

# An existing disk of ours keeps its data partition (start and size).
img=$out/inception.img
keep=0
if [ -f "$img" ]; then
	p2=$(sfdisk -d "$img" 2>/dev/null | sed -n 's/.*img2 : start= *\([0-9]*\), size= *\([0-9]*\), type=83.*/\1 \2/p')
	if [ -n "$p2" ] && [ "${p2% *}" = $(((1 + boot_mib) * 2048)) ] &&
		[ "$(blkid -p -O $((${p2% *} * 512)) -s LABEL -o value "$img" 2>/dev/null)" = inception-data ]; then
		keep=1
		data_mib=$((${p2#* } / 2048))
	fi
fi
images_mib=$(mib "$out/images.img")
total=$((1 + boot_mib + data_mib + images_mib))
new=$out/inception.img.tmp
rm -f "$new"
if [ "$keep" = 1 ]; then
	cp --sparse=always "$img" "$new"
	truncate -s "${total}M" "$new"
else
	truncate -s "${total}M" "$new"
fi
sfdisk -q --no-reread --wipe never "$new" 2>"$tmp/sfdisk.err" <<PARTS || { cat "$tmp/sfdisk.err" >&2; exit 1; }
label: dos
start=1MiB, size=${boot_mib}MiB, type=6, bootable
size=${data_mib}MiB, type=83
size=${images_mib}MiB, type=83
PARTS
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$new" bs=440 count=1 conv=notrunc status=none
# The boot and images partitions are emptied first (holes punched): the
# sparse writes below skip zero blocks, which must not keep old bytes.
fallocate -p -o 1M -l "${boot_mib}M" "$new"
fallocate -p -o $(((1 + boot_mib + data_mib) * 1048576)) -l "${images_mib}M" "$new"
dd if="$tmp/boot.fat" of="$new" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$out/images.img" of="$new" bs=1M seek=$((1 + boot_mib + data_mib)) conv=notrunc,sparse status=none
if [ "$keep" = 0 ]; then
	# 2: data, empty, made in place: its label ties it to hostd.
	mke2fs -q -F -t ext4 -L inception-data -E offset=$(((1 + boot_mib) * 1048576)) \
		"$new" "${data_mib}M"
fi
mv "$new" "$img"
rm -rf "$tmp"
echo "disk: out/inception.img: ${total} MiB (boot ${boot_mib}, data ${data_mib}$([ "$keep" = 1 ] && echo ' kept'), images ${images_mib}), $(du -k "$img" | cut -f1) KiB used"
