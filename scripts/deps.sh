#!/bin/sh
# Install the Debian packages the build and the tests need, from the host's
# own apt sources. Quiet when everything is already there.
set -eu
pkgs="make build-essential bc flex bison libelf-dev libssl-dev linux-source-6.1
musl-tools linux-libc-dev busybox-static dropbear-bin e2fsprogs cpio lz4 zstd crun runc squashfs-tools erofs-utils
iproute2 procps util-linux kmod nftables docker-compose libyaml-dev mmdebstrap
qemu-system-x86 qemu-utils openssh-client python3 openssl curl wrk
syslinux syslinux-common mtools dosfstools fdisk
clang libclang-rt-14-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
