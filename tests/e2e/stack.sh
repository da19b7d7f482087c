#!/bin/sh
# The Inception stack in the appliance, checked as an evaluator checks it,
# from outside the VM only: the forwarded https port (curl, openssl), FTPS
# on the forwarded FTP ports and ssh (hostctl). Boots the built image on a blank data disk, goes through
# every runtime rule of INCEPTION.md and every bonus (tests/e2e/bonus.sh),
# powers off, boots again and checks
# that the users, the comment and the page edit are still there; then
# changes the published port in stack/.env (of a copy of this checkout),
# rebuilds and checks that the site answers on the new port. Waits on
# events (hostd's console lines, hostctl's state), never on fixed sleeps.
# Ends with "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/out
work=$(mktemp -d "$out/e2e-stack.XXXXXX")
login=$("$top/scripts/config.sh" LOGIN)
port=$("$top/scripts/config.sh" HTTPS_PORT)
title=$("$top/scripts/config.sh" WP_TITLE)
admin=$("$top/scripts/config.sh" WP_ADMIN_USER)
user=$("$top/scripts/config.sh" WP_USER)
db=$("$top/scripts/config.sh" MYSQL_DATABASE)
domain=$login.42.fr
secrets=$top/secrets

. "$top/tests/lib.sh"
. "$top/tests/e2e/guest.sh"
export FTP_PASV=yes
guest_init 2G
guest_exit='[ -n "${srv:-}" ] && kill "$srv" 2>/dev/null'
services="mariadb wordpress nginx redis ftp static adminer monitor"
nservices=8

# The site as its users see it: https://LOGIN.42.fr (with the published
# port when it is not 443), the connection going to the forwarded port.
site_url() { if [ "$1" = 443 ]; then echo "https://$domain"; else echo "https://$domain:$1"; fi; }
url=$(site_url "$port")
get() { # get PATH [curl options]: the body on stdout
	p=$1
	shift
	curl -sk --max-time 60 --connect-to "$domain:$port:127.0.0.1:$HTTPS_FWD" "$@" "$url$p"
}
code() { get "$1" -o /dev/null -w '%{http_code}'; }
wp() { python3 "$top/tests/e2e/wpflows.py" --url "$url" --connect "127.0.0.1:$HTTPS_FWD" "$@"; }
poll_every=0.5 # (poll, tests/lib.sh) each try is an ssh or a https request
state() { on_vm "hostctl inspect --format '$2' $1"; }
tls() { # tls VERSION-FLAG [extra]: handshake with the appliance, prints the protocol
	openssl s_client -connect "127.0.0.1:$HTTPS_FWD" -servername "$domain" "$@" </dev/null 2>&1
}

echo "== boot 1: blank data disk, the stack comes up"
t0=$(date +%s)
if ! vm start >/dev/null; then
	bad "boot 1 reaches hostd's ready line"
	tail -n 30 "$con"
	summary
	exit 1
fi
ok "boot 1 reaches ready in $(($(date +%s) - t0)) s: $(grep -o 'stack: .*' "$con" | head -1)"
check "the ready line says all $nservices services are up" grep -q "hostd: ready .* stack: $nservices services up" "$con"
check "the site answers 200 at $url/" test "$(code /)" = 200

echo "== TLS: 1.2 and 1.3 only, a certificate for $domain"
check "TLS 1.2 handshake accepted" sh -c "openssl s_client -connect 127.0.0.1:$HTTPS_FWD -servername $domain -tls1_2 </dev/null 2>&1 | grep -Eq 'New, TLSv1.2, Cipher is|Protocol *: TLSv1.2'"
check "TLS 1.3 handshake accepted" sh -c "openssl s_client -connect 127.0.0.1:$HTTPS_FWD -servername $domain -tls1_3 </dev/null 2>&1 | grep -Eq 'New, TLSv1.3, Cipher is|Protocol *: TLSv1.3'"
# An OpenSSL 3 client refuses TLS 1.0/1.1 by itself: at security level 0
# it offers them, and a control server on loopback shows it really does,
# so the appliance's refusal is the server's.
cp "$secrets/tls.crt" "$work/ctl.crt" && cp "$secrets/tls.key" "$work/ctl.key"
ctlport=$(free_port)
openssl s_server -accept "127.0.0.1:$ctlport" -cert "$work/ctl.crt" -key "$work/ctl.key" \
	-cipher 'DEFAULT:@SECLEVEL=0' -tls1 -quiet -naccept 1 >/dev/null 2>&1 &
srv=$!
poll 10 sh -c "echo | openssl s_client -connect 127.0.0.1:$ctlport -tls1 -cipher 'DEFAULT:@SECLEVEL=0' 2>&1 | grep -Eq 'Protocol *: TLSv1\$'"
ctl=$?
kill "$srv" 2>/dev/null
srv=
if [ "$ctl" = 0 ]; then ok "control: this client does TLS 1.0 with a server that allows it"; else bad "control: this client does TLS 1.0 with a server that allows it"; fi
for v in tls1 tls1_1; do
	tls "-$v" -cipher 'DEFAULT:@SECLEVEL=0' >"$work/$v.log"
	if grep -q 'no protocols available' "$work/$v.log"; then
		bad "$v refused by the server (the client could not even offer it)"
	elif grep -Eq 'Protocol *: TLSv1(\.1)?$' "$work/$v.log" && grep -q 'Cipher is [A-Z]' "$work/$v.log"; then
		bad "$v refused by the server (it was accepted)"
	elif grep -Eq 'alert protocol version|unsupported protocol|wrong version number|handshake failure' "$work/$v.log"; then
		ok "$v offered at security level 0 and refused by the server ($(grep -Eo 'alert protocol version|unsupported protocol|wrong version number|handshake failure' "$work/$v.log" | head -1))"
	else
		bad "$v refused by the server"
		sed 's/^/     /' "$work/$v.log" | tail -5
	fi
done
check "the certificate is for $domain" sh -c "openssl s_client -connect 127.0.0.1:$HTTPS_FWD -servername $domain </dev/null 2>/dev/null | openssl x509 -noout -checkhost $domain | grep -q 'does match'"
# Every layer the plans use, unpacked and searched for a line of the key
# (the search is shown to work on the key file itself first).
keyline=$(sed -n 2p "$secrets/tls.key")
check "the search for the private key finds it where it is" grep -rqF "$keyline" "$secrets"
check "the private key is in no image layer" sh -c "
	for l in \$(sed -n 's|^layer /images/layers/||p' '$out'/stack/plans/*.plan | sort -u); do
		rm -rf '$work/layer' && fsck.erofs --extract='$work/layer' '${INCEPTION_CACHE:-/var/cache/inception}/layers/'\$l >/dev/null 2>&1 || exit 1
		grep -rqF '$keyline' '$work/layer' && { echo \"key found in layer \$l\"; exit 1; }
	done
	rm -rf '$work/layer'"
check "nothing listens on port 80 in the VM or in nginx's container" on_vm "! netstat -ltn | grep -q ':80 ' && ! hostctl exec nginx bash -c 'exec 3<>/dev/tcp/127.0.0.1/80' 2>/dev/null"
check "the VM listens on ssh, $port, FTP's 21 and 21000-21009 only (not 3306, 9000, 6379)" on_vm "test \"\$(netstat -ltn | awk '/LISTEN/ {print \$4}' | sort | tr '\n' ' ')\" = \"\$(for p in 22 $port 21 \$(seq 21000 21009); do echo 0.0.0.0:\$p; done | sort | tr '\n' ' ')\""
check "3306 and 9000 are not reachable on the VM's eth0 address (22 is)" on_vm "nc -w 2 10.0.2.15 22 </dev/null | grep -q SSH && ! nc -w 2 10.0.2.15 3306 </dev/null && ! nc -w 2 10.0.2.15 9000 </dev/null"

echo "== WordPress"
get / >"$work/home.html"
check "the home page is the configured site ($title)" grep -q "<title>$title" "$work/home.html"
check "its links are https://$domain" grep -q "href=\"$url/" "$work/home.html"
check "the installer says WordPress is already installed" sh -c "curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD $url/wp-admin/install.php | grep -q 'Already Installed'"
check "/license.txt is served" sh -c "curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD $url/license.txt | grep -q 'WordPress - Web publishing software'"
wp users "$secrets/wp_admin_password.txt" >"$work/users" 2>&1
check "two users: $admin (administrator) and $user (not)" sh -c "sed 's/^/     /' '$work/users' >&2; test \$(wc -l <'$work/users') = 2 && grep -qx '$admin administrator' '$work/users' && grep -q '^$user ' '$work/users' && ! grep -q '^$user administrator' '$work/users'"
check "the administrator's name has no 'admin' in any case" sh -c "! awk '\$2 == \"administrator\" {print \$1}' '$work/users' | grep -qi admin"
check "a wrong password does not log in" sh -c "echo wrong >'$work/wrong'; ! python3 '$top/tests/e2e/wpflows.py' --url '$url' --connect 127.0.0.1:$HTTPS_FWD login '$user' '$work/wrong'"
check "$user logs in through the login form" wp login "$user" "$secrets/wp_user_password.txt"
comment="e2e comment $(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
check "$user posts a comment through the comment form, and it is on the post" wp comment "$user" "$secrets/wp_user_password.txt" 1 "$comment"
edit="e2e page edit $(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
check "$admin logs in, edits the Sample Page, and the edit is on the site" wp edit-page "$admin" "$secrets/wp_admin_password.txt" 2 "$edit"
rootpw=$(tr -d '\n' <"$secrets/db_root_password.txt")
check "the database holds the wp_ tables" on_vm "hostctl exec mariadb mariadb -u root -p'$rootpw' -N -e 'show tables' $db | grep -qx wp_comments"
check "root cannot log in to MariaDB without a password" on_vm "! hostctl exec mariadb mariadb -u root -e 'select 1' && ! hostctl exec mariadb mariadb -u root -h 127.0.0.1 -e 'select 1'"

. "$top/tests/e2e/bonus.sh"

echo "== containers"
check "hostctl images: one image per service, named after it, tag not latest" on_vm "test \"\$(hostctl images --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' ')\" = \"\$(for s in $services; do echo \$s:1.0; done | sort | tr '\n' ' ')\""
for v in mariadb wordpress; do
	check "volume $v is at /home/$login/data/$v on the data disk" on_vm "test \"\$(hostctl volume inspect --format '{{.Mountpoint}}' $v)\" = /home/$login/data/$v && grep -q '^/dev/vda /home/$login/data ext4' /proc/mounts"
done
on_vm "hostctl network inspect inception" >"$work/net.json" 2>&1
check "network inception is a bridge with every container" python3 -c "
import json
n = json.load(open('$work/net.json'))[0]
assert n['Driver'] == 'bridge', n
assert sorted(n['Containers']) == sorted('$services'.split()), n"
for s in nginx:nginx wordpress:php-fpm8.2 mariadb:mariadbd redis:redis-server ftp:tini static:lighttpd adminer:php-fpm8.2 monitor:python3; do
	svc=${s%%:*} exe=${s#*:}
	check "PID 1 of $svc is $exe itself" on_vm "p=\$(hostctl inspect --format '{{.State.Pid}}' $svc); test \"\$(cat /proc/\$p/comm)\" = $exe && test \"\$(hostctl exec $svc cat /proc/1/comm)\" = $exe"
done
cat >"$work/children.sh" <<'EOF'
for f in /proc/[0-9]*/status; do grep -q '^PPid:[[:space:]]*1$' "$f" && sed -n 's/^Name:[[:space:]]*//p' "$f"; done
EOF
check "ftp: vsftpd is tini's one child (vsftpd cannot be PID 1, see its Dockerfile)" sh -c "test \"\$('$top/qemu/vm.sh' ssh 'hostctl exec -i ftp sh' <'$work/children.sh')\" = vsftpd"
check "hostctl exec runs as the image's user (root), not as mariadbd's mysql" on_vm "test \"\$(hostctl exec mariadb id -un)\" = root && test \"\$(hostctl exec mariadb sh -c 'grep ^Uid: /proc/1/status' | awk '{print \$2}')\" != 0"
check "hostctl exec has the configured environment (nginx rewrites its own)" on_vm "hostctl exec nginx env | grep -qx DOMAIN_NAME=$domain"
for s in wordpress mariadb; do
	check "no nginx in the $s container" on_vm "hostctl exec $s sh -c '! command -v nginx && ! test -e /usr/sbin/nginx && ! test -d /etc/nginx'"
done
check "no keep-alive hack in any container's process list" on_vm "for s in $services; do hostctl top \$s; done | grep -Eq 'tail -f|sleep infinity|while true' && exit 1; exit 0"

echo "== the stack's containers are confined"
check "each service's root is a VM id of a range of its own, none the VM's root" on_vm "for s in $services; do hostctl exec \$s cat /proc/self/uid_map; done | awk '{print \$1, \$2, \$3}' | sort -u >/tmp/maps; test \$(wc -l </tmp/maps) = $(echo $services | wc -w) && ! awk '\$1 != 0 || \$2 < 131072 || \$3 != 65536' /tmp/maps | grep -q ."
check "the site's files are www-data's (33) on the VM's disk, as FTP and WordPress see them" on_vm "test \$(stat -c %u /home/$login/data/wordpress/index.php) = 33 && hostctl exec ftp stat -c %u /var/www/html/index.php | grep -qx 33 && hostctl exec wordpress stat -c %U /var/www/html/index.php | grep -qx www-data"
check "MariaDB's files are mysql's on the VM's disk, as in its container" on_vm "test \"\$(stat -c %u /home/$login/data/mariadb/mysql)\" = \"\$(hostctl exec mariadb id -u mysql)\""
check "nginx's root cannot write the site (its volume is read-only)" on_vm "! hostctl exec -u 0 nginx sh -c 'echo x >>/var/www/html/index.php' 2>/dev/null"
check "no container's root can make a block device, and none is there" on_vm "for s in $services; do hostctl exec -u 0 \$s sh -c 'mknod /tmp/b b 254 0 2>/dev/null && exit 1; ls /dev | grep -Eq \"^(vd|sd|loop|mem|kmsg)\" && exit 1; exit 0' || { echo \$s; exit 1; }; done"
check "no container's root can change a kernel setting (ASLR stays on)" on_vm "for s in $services; do hostctl exec -u 0 \$s sh -c 'echo 0 >/proc/sys/kernel/randomize_va_space' 2>/dev/null && { echo \$s; exit 1; }; done; test \$(cat /proc/sys/kernel/randomize_va_space) != 0"

echo "== crashes and manual stops"
for s in $services; do
	before=$(state "$s" '{{.RestartCount}} {{.State.Pid}}')
	n0=${before% *} p0=${before#* }
	on_vm "kill -9 $p0"
	if poll 180 sh -c "test \"\$('$top/qemu/vm.sh' ssh \"hostctl inspect --format '{{.State.Status}} {{.RestartCount}}' $s\")\" = 'running $((n0 + 1))'"; then
		ok "kill -9 of $s's host pid $p0: it is back, restart count $n0 -> $((n0 + 1)), new pid $(state "$s" '{{.State.Pid}}')"
	else
		bad "kill -9 of $s's host pid $p0: it is back with restart count $((n0 + 1))"
		on_vm "hostctl ps -a"
	fi
done
check "the site serves again after the crashes" poll 240 sh -c "test \"\$(curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD -o /dev/null -w '%{http_code}' $url/)\" = 200"
n0=$(state wordpress '{{.RestartCount}}')
check "hostctl stop wordpress" on_vm "hostctl stop wordpress"
check "it is down, by hand: exited, restart count unchanged" sh -c "test \"\$('$top/qemu/vm.sh' ssh \"hostctl inspect --format '{{.State.Status}} {{.RestartCount}}' wordpress\")\" = 'exited $n0'"
check "nginx answers a gateway error (502 or 504) within seconds while wordpress is down" sh -c "c=\$(curl -sk --max-time 20 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD -o /dev/null -w '%{http_code}' $url/); echo \"got \$c\"; test \$c = 502 || test \$c = 504"
check "still down after that (a manual stop is not undone)" sh -c "test \"\$('$top/qemu/vm.sh' ssh \"hostctl inspect --format '{{.State.Status}}' wordpress\")\" = exited"
check "hostctl start wordpress" on_vm "hostctl start wordpress"
check "the site serves again" poll 240 sh -c "test \"\$(curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD -o /dev/null -w '%{http_code}' $url/)\" = 200"

echo "== power-off, boot 2: everything is still there"
vm stop >/dev/null
check "clean power-off" grep -q 'hostd: data disk unmounted cleanly' "$con"
mv "$con" "$work/console.1.log"
t0=$(date +%s)
if vm start >/dev/null; then ok "boot 2 reaches ready in $(($(date +%s) - t0)) s"; else bad "boot 2 reaches ready"; tail -n 20 "$con"; fi
check "MariaDB was not initialised again, and no 'Access denied'" on_vm "grep -q 'already initialised' /run/hostd/logs/mariadb.log && ! grep -q 'empty data directory' /run/hostd/logs/mariadb.log && ! grep -q 'Access denied' /run/hostd/logs/mariadb.log"
check "WordPress was not installed again" on_vm "grep -q 'already installed' /run/hostd/logs/wordpress.log && ! grep -Eq 'empty site volume|copying WordPress|wp-install: installed' /run/hostd/logs/wordpress.log"
check "the comment is still on the post" wp has-text '/?p=1' "$comment"
check "the page edit is still on the site" wp has-text '/?page_id=2' "$edit"
check "both users are still there" sh -c "python3 '$top/tests/e2e/wpflows.py' --url '$url' --connect 127.0.0.1:$HTTPS_FWD users '$secrets/wp_admin_password.txt' | cmp -s - '$work/users'"
check "$user still logs in" wp login "$user" "$secrets/wp_user_password.txt"
check "the file uploaded over FTPS is still served" sh -c "test \"\$(curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD $url/$ftpfile)\" = '$ftptext'"
check "every service is up again, the bonus ones included" sh -c "'$top/qemu/vm.sh' ssh 'hostctl ps --format \"{{.Names}}\"' | sort | tr '\\n' ' ' | grep -qx '$(echo $services | tr ' ' '\n' | sort | tr '\n' ' ')'"
vm stop >/dev/null
mv "$con" "$work/console.2.log"

echo "== a configuration change: the published port"
newport=8443
[ "$port" = 8443 ] && newport=9443
copy=$work/checkout
mkdir -p "$copy/out"
(cd "$top" && tar cf - --exclude=./out --exclude=./.git .) | (cd "$copy" && tar xf -)
cp -p "$out/bzImage" "$out/hostd" "$out/hostd-build" "$copy/out/"
cp -rp "$out/ssh" "$out/.deps" "$copy/out/"
sed -i "s/^HTTPS_PORT=.*/HTTPS_PORT=$newport/" "$copy/stack/.env"
t0=$(date +%s)
if make -C "$copy" "OUT=out" out/images.img out/initramfs.img >"$work/rebuild.log" 2>&1; then
	ok "stack/.env HTTPS_PORT=$newport: rebuilt in $(($(date +%s) - t0)) s ($(grep -o "built $nservices images: .* run" "$work/rebuild.log"))"
else
	bad "rebuild with HTTPS_PORT=$newport"
	tail -n 20 "$work/rebuild.log"
fi
check "the plan publishes $newport" grep -qx "publish $newport:443" "$copy/out/stack/plans/nginx.plan"
port=$newport
url=$(site_url "$port")
export OUT="$copy/out" HTTPS_FWD="$(free_port)" FTP_FWD="$(free_port)"
if "$copy/qemu/vm.sh" start >/dev/null; then ok "boot 3 (new port) reaches ready"; else bad "boot 3 (new port) reaches ready"; tail -n 20 "$con"; fi
check "the site answers 200 at $url/" test "$(code /)" = 200
get / >"$work/home3.html"
check "its links carry the new port" grep -q "href=\"$url/" "$work/home3.html"
check "the comment is still there" wp has-text '/?p=1' "$comment"
"$copy/qemu/vm.sh" stop >/dev/null

summary && rm -rf "$work"
