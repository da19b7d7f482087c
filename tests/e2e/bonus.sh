# The bonus services, checked from outside the VM (https through the
# forwarded port, FTPS through the forwarded 21 and passive ports, ssh for
# hostctl). Sourced by tests/e2e/stack.sh while boot 1 runs, after the
# WordPress checks; uses its helpers (get, code, on_vm, state, poll from tests/lib.sh)
# and counters. Sets $ftpfile and $ftptext for the checks after reboot.

echo "== bonus: Redis object cache"
redispw=$(tr -d '\n' <"$secrets/redis_password.txt")
# INFO's keyspace_hits, read in the redis container with the password.
hits() { on_vm "hostctl exec redis sh -c 'REDISCLI_AUTH=\$(cat /run/secrets/redis_password) redis-cli info stats'" | tr -d '\r' | sed -n 's/^keyspace_hits://p'; }
check "redis-cli with the password: PONG" sh -c "test \"\$('$top/qemu/vm.sh' ssh \"hostctl exec redis sh -c 'REDISCLI_AUTH=\\\$(cat /run/secrets/redis_password) redis-cli ping'\" | tr -d '\r')\" = PONG"
check "redis-cli without it: NOAUTH, no answer" sh -c "'$top/qemu/vm.sh' ssh 'hostctl exec redis redis-cli ping' 2>&1 | grep -q NOAUTH"
# Over the stack's network, from the wordpress container (bash's
# /dev/tcp: the wordpress image has no Redis client).
cat >"$work/resp.sh" <<EOF
exec 3<>/dev/tcp/redis/6379
printf 'GET wp:anything\r\n' >&3; read -r a <&3
printf 'AUTH %s\r\nPING\r\n' '$redispw' >&3; read -r b <&3; read -r c <&3
echo "\$a|\$b|\$c" | tr -d '\r'
EOF
on_vm "hostctl exec -i wordpress bash" <"$work/resp.sh" >"$work/resp" 2>&1
check "over the network, from wordpress: refused before AUTH, PONG after" grep -qx -- '-NOAUTH Authentication required.|+OK|+PONG' "$work/resp"
check "Redis is not reachable on the VM's address (only on the stack's network)" on_vm "! nc -w 2 10.0.2.15 6379 </dev/null && ! netstat -ltn | grep -q ':6379 '"
check "the object-cache drop-in is ours and in wp-content" on_vm "hostctl exec wordpress grep -q 'Inception' /var/www/html/wp-content/object-cache.php"
h0=$(hits)
for i in 1 2 3; do get / -o /dev/null; done
h1=$(hits)
check "keyspace hits grow with page views ($h0 -> $h1 after 3 pages)" sh -c "test -n '$h0' && test -n '$h1' && test '$h1' -gt '$h0'"
on_vm "hostctl exec redis sh -c 'REDISCLI_AUTH=\$(cat /run/secrets/redis_password) redis-cli --scan --pattern \"wp:*\"'" >"$work/keys" 2>&1
check "WordPress's keys are in Redis ($(wc -l <"$work/keys") keys, its options among them)" grep -q '^wp:1:options:alloptions$' "$work/keys"
check "hostctl stop redis" on_vm "hostctl stop redis"
get / >"$work/noredis.html"
check "with Redis down, WordPress still serves its pages" grep -q "<title>$title" "$work/noredis.html"
check "and its log names the unreachable redis:6379" on_vm "grep -q 'redis:6379' /run/hostd/logs/wordpress.log"
check "hostctl start redis" on_vm "hostctl start redis"
check "redis is healthy again" poll 120 sh -c "test \"\$('$top/qemu/vm.sh' ssh \"hostctl inspect --format '{{.State.Health.Status}}' redis\")\" = healthy"
h2=$(hits)
# The cache starts empty (Redis keeps no snapshot): the first pages fill
# it, the next ones hit it. The drop-in waits 2-3 s after a failure
# before it connects again.
poll 30 sh -c "curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD -o /dev/null $url/; test \"\$('$top/qemu/vm.sh' ssh \"hostctl exec redis sh -c 'REDISCLI_AUTH=\\\$(cat /run/secrets/redis_password) redis-cli dbsize'\" | tr -d '\r')\" -gt 0"
for i in 1 2; do get / -o /dev/null; done
h3=$(hits)
check "WordPress uses it again once it is back (hits $h2 -> $h3)" sh -c "test -n '$h2' && test -n '$h3' && test '$h3' -gt '$h2'"

echo "== bonus: FTPS on the WordPress files"
ftpuser=$("$top/scripts/config.sh" FTP_USER)
ftppw=$(tr -d '\n' <"$secrets/ftp_password.txt")
ftp() { curl -sS --max-time 60 "$@"; }
ftpurl=ftp://127.0.0.1:$FTP_FWD
ftpfile=e2e-ftp-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ').txt
ftptext="uploaded over FTPS $(date -u +%FT%TZ)"
printf '%s\n' "$ftptext" >"$work/$ftpfile"
ftp --ssl-reqd -k --user "$ftpuser:$ftppw" -T "$work/$ftpfile" "$ftpurl/" -v >"$work/ftp-up.log" 2>&1
check "$ftpuser uploads $ftpfile over explicit TLS (AUTH on port 21, passive mode)" sh -c "grep -Eq '^> AUTH (TLS|SSL)' '$work/ftp-up.log' && grep -q '^< 234' '$work/ftp-up.log' && grep -Eq '^> (EPSV|PASV)' '$work/ftp-up.log' && grep -Eq 'SSL connection using TLSv1\.[23]' '$work/ftp-up.log' && grep -Eq '^< 226' '$work/ftp-up.log' || { tail -n 15 '$work/ftp-up.log'; exit 1; }"
check "the upload is served by the site over https" sh -c "test \"\$(curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD $url/$ftpfile)\" = '$ftptext'"
check "it belongs to www-data, like the rest of the site" on_vm "hostctl exec wordpress stat -c %U /var/www/html/$ftpfile | grep -qx www-data"
ftp --ssl-reqd -k --user "$ftpuser:$ftppw" --list-only "$ftpurl/" >"$work/ftp-ls" 2>&1
check "the listing is the WordPress site (wp-config.php, $ftpfile)" sh -c "grep -qx wp-config.php '$work/ftp-ls' && grep -qx '$ftpfile' '$work/ftp-ls'"
ftp --ssl-reqd -k --user anonymous:e2e@example.org "$ftpurl/" >"$work/ftp-anon" 2>&1
check "anonymous login is refused" sh -c "grep -Eq 'Access denied: 530|Login denied|530' '$work/ftp-anon'"
ftp --user "$ftpuser:$ftppw" "$ftpurl/" >"$work/ftp-plain" 2>&1
check "$ftpuser without TLS is refused" sh -c "grep -Eq '530' '$work/ftp-plain'"
ftp --ssl-reqd -k --user "$ftpuser:wrong-password" "$ftpurl/" >"$work/ftp-wrong" 2>&1
check "a wrong password is refused" sh -c "grep -Eq '530' '$work/ftp-wrong'"
ftp --ssl-reqd -k --user "root:$ftppw" "$ftpurl/" >"$work/ftp-root" 2>&1
check "root cannot log in over FTP" sh -c "grep -Eq '530' '$work/ftp-root'"

echo "== bonus: the static site"
get /static/ -D "$work/static.h" >"$work/static.html"
check "/static/ answers 200 with HTML" sh -c "head -1 '$work/static.h' | grep -q ' 200' && grep -qi '^content-type: text/html' '$work/static.h' && grep -qi '<!doctype html>' '$work/static.html'"
check "/static redirects to /static/ (a relative Location)" sh -c "curl -sk --max-time 30 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD -D - -o /dev/null $url/static | grep -qi '^location: /static/'"
# Every asset the page links to, fetched through nginx.
for a in $(grep -Eo '(href|src)="[^"#:]+"' "$work/static.html" | sed 's/^[a-z]*="//; s/"$//' | grep -v '^\.\./' | sort -u); do
	get "/static/$a" -D "$work/asset.h" -o "$work/asset" >/dev/null
	check "/static/$a answers 200 ($(sed -n 's/^[Cc]ontent-[Tt]ype: \([^;\r]*\).*/\1/p' "$work/asset.h"))" sh -c "head -1 '$work/asset.h' | grep -q ' 200'"
	cat "$work/asset.h" "$work/asset" >>"$work/static.all"
done
cat "$work/static.h" "$work/static.html" >>"$work/static.all"
get /static/no-such-page -D "$work/static404.h" >"$work/static404.html"
cat "$work/static404.h" "$work/static404.html" >>"$work/static.all"
check "a missing page is a 404" sh -c "head -1 '$work/static404.h' | grep -q ' 404'"
check "no PHP anywhere in its responses (headers, pages, assets)" sh -c "! grep -qi 'php' '$work/static.all'"
check "no PHP in its image: no interpreter, no .php file" on_vm "hostctl exec static sh -c '! command -v php && ! ls /usr/bin/php* /usr/sbin/php-fpm* 2>/dev/null && test -z \"\$(find / -xdev -name \"*.php\" 2>/dev/null | head -1)\"'"

echo "== bonus: Adminer"
check "/adminer/ shows Adminer's login form" sh -c "curl -sk --max-time 60 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD $url/adminer/ | grep -q 'name=\"auth\[username\]\"'"
dbuser=$("$top/scripts/config.sh" MYSQL_USER)
adminer_login() { # adminer_login PASSWORD OUT: log in as the WordPress database user
	rm -f "$work/jar"
	curl -sk --max-time 60 --connect-to "$domain:$port:127.0.0.1:$HTTPS_FWD" -c "$work/jar" -o /dev/null "$url/adminer/"
	curl -sk --max-time 120 --connect-to "$domain:$port:127.0.0.1:$HTTPS_FWD" -b "$work/jar" -c "$work/jar" -L \
		--data-urlencode 'auth[driver]=server' --data-urlencode 'auth[server]=mariadb' \
		--data-urlencode "auth[username]=$dbuser" --data-urlencode "auth[password]=$1" \
		--data-urlencode "auth[db]=$db" "$url/adminer/" >"$2"
}
adminer_login "$(tr -d '\n' <"$secrets/db_password.txt")" "$work/adminer.html"
check "$dbuser logs in to mariadb through Adminer and sees the wp_ tables" sh -c "grep -q 'wp_posts' '$work/adminer.html' && grep -q 'wp_users' '$work/adminer.html' && grep -q 'wp_options' '$work/adminer.html'"
adminer_login wrong-password "$work/adminer-bad.html"
check "a wrong password gets Access denied, no tables" sh -c "grep -q 'Access denied' '$work/adminer-bad.html' && ! grep -q 'wp_posts' '$work/adminer-bad.html'"

echo "== bonus: the monitor"
get /monitor/ >"$work/monitor.html"
check "/monitor/ is the live page (it polls metrics, a relative URL)" sh -c "grep -qi '<!doctype html>' '$work/monitor.html' && grep -q 'metrics' '$work/monitor.html' && ! grep -Eq '(src|href)=\"(https?:)?//' '$work/monitor.html'"
get /monitor/metrics -D "$work/metrics.h" >"$work/metrics"
check "/monitor/metrics is Prometheus text" sh -c "grep -qi '^content-type: text/plain; version=0.0.4' '$work/metrics.h' && '$top/tests/promcheck.py' '$work/metrics'"
services="mariadb wordpress nginx redis ftp static adminer monitor"
for s in $services; do
	check "metrics: $s running, with CPU, memory, pids and network figures" "$top/tests/promcheck.py" "$work/metrics" \
		"hostd_container_running{name=\"$s\"}" "container_cpu_usage_seconds_total{name=\"$s\"}" \
		"container_memory_usage_bytes{name=\"$s\"}" "container_pids{name=\"$s\"}" \
		"container_network_receive_bytes_total{name=\"$s\",interface=\"eth0\"}"
done
check "a line per container, each running" sh -c "test \"\$(grep '^hostd_container_running{' '$work/metrics' | sort | tr '\n' ' ')\" = \"\$(for s in $services; do echo \"hostd_container_running{name=\\\"\$s\\\"} 1\"; done | sort | tr '\n' ' ')\""
r0=$("$top/tests/promcheck.py" "$work/metrics" 'hostd_container_restarts_total{name="static"}')
p0=$(state static '{{.State.Pid}}')
on_vm "kill -9 $p0"
check "kill -9 of static: its restart count in /monitor/metrics goes $r0 -> $((r0 + 1))" poll 120 sh -c "curl -sk --max-time 30 --connect-to $domain:$port:127.0.0.1:$HTTPS_FWD $url/monitor/metrics | '$top/tests/promcheck.py' - 'hostd_container_restarts_total{name=\"static\"}' 'hostd_container_running{name=\"static\"}' | tr '\n' ' ' | grep -qx '$((r0 + 1)) 1 '"
check "hostd's control socket is in no container; the metrics one is read-only in the monitor" on_vm "for s in $services; do hostctl exec \$s sh -c 'test ! -e /run/hostd/hostd.sock' || exit 1; done; hostctl exec monitor sh -c 'test -S /run/hostd-metrics/metrics.sock && ! touch /run/hostd-metrics/x 2>/dev/null && ! mkdir /run/hostd-metrics/y 2>/dev/null'"
check "only the monitor has the metrics socket" on_vm "for s in mariadb wordpress nginx redis ftp static adminer; do hostctl exec \$s sh -c 'test ! -e /run/hostd-metrics' || exit 1; done"
