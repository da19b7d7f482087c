#!/bin/sh
# Build the appliance kernel from Debian's linux-source-6.1: tinyconfig plus
# our fragments in kernel-config/, everything built in. The result is cached
# by its inputs (source package version, fragments, this script), so an
# unchanged kernel is never rebuilt. Usage: scripts/kernel.sh OUT/bzImage
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${INCEPTION_CACHE:-/var/cache/inception}
src=/usr/src/linux-source-6.1.tar.xz
[ -f "$src" ] || { echo "kernel: $src missing (apt-get install linux-source-6.1)" >&2; exit 1; }

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { echo "$ver"; cat "$top"/kernel-config/*.config "$0"; } | sha256sum | cut -c1-16)
cached=$cache/kernel/$key/bzImage
if [ -f "$cached" ]; then
	echo "kernel: cached $key (linux-source-6.1 $ver)"
	cp "$cached" "$out"
	exit 0
fi

echo "kernel: building $key (linux-source-6.1 $ver); this takes about 10 minutes"
work=$cache/kernel-build.$$
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xf "$src"
k=$work/linux-source-6.1
make -C "$k" -s ARCH=x86_64 tinyconfig >/dev/null
(cd "$k" && KCONFIG_CONFIG=.config ./scripts/kconfig/merge_config.sh -m -O . .config "$top"/kernel-config/*.config >/dev/null 2>&1)
make -C "$k" -s ARCH=x86_64 olddefconfig 2>&1 | grep -v "changes choice state" || true

# Every option we asked for must have survived olddefconfig's dependency
# resolution; a silently dropped one would show up only at run time.
bad=0
for f in "$top"/kernel-config/*.config; do
	grep -E '^CONFIG_[A-Z0-9_]+=' "$f" | while IFS='=' read -r opt val; do
		case $val in
		n) if grep -q "^$opt=[ym]" "$k/.config"; then echo "kernel: $opt is set but $f asks n"; exit 1; fi ;;
		*) grep -qx "$opt=$val" "$k/.config" || { echo "kernel: $opt=$val from $(basename "$f") did not survive olddefconfig (unmet dependency)"; exit 1; } ;;
		esac
	done || bad=1
done
[ "$bad" = 0 ] || exit 1

make -C "$k" -s ARCH=x86_64 -j"$(($(nproc) + 1))" bzImage
mkdir -p "$cache/kernel/$key"
cp "$k/arch/x86/boot/bzImage" "$cached.tmp"
cp "$k/.config" "$cache/kernel/$key/config"
# For reading boot traces (initcall_debug prints addresses; nokaslr).
cp "$k/System.map" "$cache/kernel/$key/System.map"
mv "$cached.tmp" "$cached"
cp "$cached" "$out"
echo "kernel: built $key, $(stat -c %s "$cached") bytes"
