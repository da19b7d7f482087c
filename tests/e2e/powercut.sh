#!/bin/sh
# A power cut at the worst time: the appliance boots on a blank data disk
# (MariaDB initialises, WordPress copies and installs itself, the bonus
# services start), and the moment hostd says ready QEMU is killed — no
# shutdown, no sync; whatever the guest had only in its page cache is
# gone. Then it boots again on that disk and must come up whole: the
# filesystem recovered, no reinstall, no re-copy, the site and the
# administrator's login working. (Found by hand once: the site copy was
# still in the page cache, and the next boot served empty PHP files.)
# From outside only; bounded waits on console lines; "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/out
work=$(mktemp -d "$out/e2e-powercut.XXXXXX")
login=$("$top/scripts/config.sh" LOGIN)
port=$("$top/scripts/config.sh" HTTPS_PORT)
title=$("$top/scripts/config.sh" WP_TITLE)
admin=$("$top/scripts/config.sh" WP_ADMIN_USER)
domain=$login.42.fr
. "$top/tests/lib.sh"
. "$top/tests/e2e/guest.sh"
guest_init 2G
if [ "$port" = 443 ]; then url=https://$domain; else url=https://$domain:$port; fi
code() { curl -sk --max-time 60 --connect-to "$domain:$port:127.0.0.1:$HTTPS_FWD" -o /dev/null -w '%{http_code}' "$url$1"; }

echo "== boot 1 on a blank disk, then the plug pulled at ready"
if ! "$top/qemu/vm.sh" start >/dev/null; then
	bad "boot 1 reaches ready"
	tail -n 20 "$con"
	summary
	exit 1
fi
ok "boot 1 reaches ready: $(grep -o 'stack: .*' "$con" | tail -1)"
pid=$(cat "$work/qemu.pid")
kill -9 "$pid"
check "QEMU killed at once (no shutdown, no sync)" sh -c "i=0; while kill -0 $pid 2>/dev/null; do i=\$((i+1)); [ \$i -lt 50 ] || exit 1; sleep 0.1; done; ! grep -q 'unmounted cleanly' '$con'"
rm -f "$work/qemu.pid"
mv "$con" "$work/console.1.log"

echo "== boot 2 on the same disk"
if "$top/qemu/vm.sh" start >/dev/null; then
	ok "boot 2 reaches ready: $(grep -o 'stack: .*' "$con" | tail -1)"
else
	bad "boot 2 reaches ready"
	tail -n 30 "$con"
fi
check "the data filesystem was checked and mounted read-write" on_vm "grep -q '^/dev/vda /home/$login/data ext4 rw' /proc/mounts"
check "WordPress was not copied or installed again" on_vm "grep -q 'already installed' /run/hostd/logs/wordpress.log && ! grep -Eq 'copying|empty site volume|wp-install: installed' /run/hostd/logs/wordpress.log"
check "no empty PHP file in the site (the copy reached the disk)" on_vm "test -z \"\$(find /home/$login/data/wordpress -name '*.php' -size 0 | head -3)\""
check "MariaDB found its data ready, no corruption reported" on_vm "grep -q 'already initialised' /run/hostd/logs/mariadb.log && ! grep -Eqi 'corrupt|\\[ERROR\\]' /run/hostd/logs/mariadb.log"
check "the site answers 200" test "$(code /)" = 200
check "its home page is the configured site" sh -c "curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD $url/ | grep -q '<title>$title'"
check "$admin logs in" python3 "$top/tests/e2e/wpflows.py" --url "$url" --connect "127.0.0.1:$HTTPS_FWD" login "$admin" "$top/secrets/wp_admin_password.txt"
check "every service is up and healthy" on_vm "test \$(hostctl ps | grep -c '(healthy)') = \$(ls /etc/hostd/plans/*.plan | wc -l)"
"$top/qemu/vm.sh" stop >/dev/null

summary && rm -rf "$work"
