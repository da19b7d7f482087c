#!/bin/sh
# Assemble the initramfs: hostd as /init, static busybox with its applets,
# the host binaries listed in initramfs/binaries with their libraries, the
# skeleton files under initramfs/, the appliance configuration and root's
# authorized ssh key. Usage: scripts/initramfs.sh OUT
set -eu
mkdir -p "$1"
out=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
root=$out/initramfs
rm -rf "$root"
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin lib lib64 etc/hostd/plans root/.ssh \
	dev proc sys run tmp home var
chmod 700 root root/.ssh
chmod 1777 tmp
ln -s ../run var/run
ln -s /proc/self/mounts etc/mtab

install -m 755 "$out/hostd" init
ln -s /init usr/bin/hostctl
install -m 755 /bin/busybox bin/busybox
for app in $(bin/busybox --list-full); do
	[ -e "$app" ] || [ -L "$app" ] || ln -s /bin/busybox "$app"
done

# Host binaries and every library they load, at the same paths.
grep -v '^#' "$top/initramfs/binaries" | while read -r bin; do
	[ -n "$bin" ] || continue
	rm -f ".$bin"
	install -D -m 755 "$bin" ".$bin"
	ldd "$bin" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' |
	while read -r lib; do
		[ -e ".$lib" ] || install -D -m 755 "$lib" ".$lib"
	done
done

(cd "$top/initramfs" && find . -type f ! -name binaries) | while read -r f; do
	install -D -m 644 "$top/initramfs/$f" "./$f"
done
chmod 600 etc/shadow

# The stack, as scripts/stack.sh compiled it: plans, image configs and the
# secrets (0400, root's only; containers see them as /run/secrets/<name>).
# Its layers are on the images disk, not here.
if [ -d "$out/stack/plans" ]; then
	cp "$out"/stack/plans/*.plan etc/hostd/plans/
	mkdir -p etc/hostd/secrets etc/hostd/images
	chmod 700 etc/hostd/secrets
	cp -p "$out"/stack/secrets/* etc/hostd/secrets/
	chmod 400 etc/hostd/secrets/*
	cp "$out"/stack/images/*.json etc/hostd/images/
fi

login=$("$top/scripts/config.sh" LOGIN)
cat > etc/hostd/appliance.conf <<CONF
# Written by scripts/initramfs.sh from stack/.env; read by hostd at boot.
login $login
hostname inception
data_label inception-data
ssh_port 22
CONF

# Root logs in with a key only. Without SSH_PUBKEY, a key pair is made for
# this checkout in out/ssh/ (make ssh uses it).
key=${SSH_PUBKEY:-}
if [ -z "$key" ]; then
	key=$out/ssh/id_ed25519.pub
	if [ ! -f "$key" ]; then
		mkdir -p "$out/ssh"
		ssh-keygen -q -t ed25519 -N '' -C "inception@$(hostname)" \
			-f "$out/ssh/id_ed25519"
	fi
fi
install -m 600 "$key" root/.ssh/authorized_keys

# lz4 rather than zstd or xz: the kernel unpacks this on the boot path, and
# under software emulation lz4's faster decompression wins back ~0.2 s for
# 1.4 MB more (measured: zstd -19 2.8 MB, lz4 -9 4.2 MB, gzip -9 3.6 MB).
# The kernel reads only lz4's legacy frame format (-l).
find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet |
	lz4 -l -9 -q >"$out/initramfs.img.tmp"
mv "$out/initramfs.img.tmp" "$out/initramfs.img"
echo "initramfs: $(du -sh . | cut -f1) unpacked, $(stat -c %s "$out/initramfs.img") bytes compressed"
