#!/bin/sh
# Host mode, as root: `hostd daemon` runs a small stack from plans, and
# hostctl drives it: start order, restart policies after kill -9 of the
# host pid, a manual stop that stays down, on-failure's retry budget, logs,
# a bad plan and a missing dependency disabling only their service, garbage
# on the control socket, and an ordered shutdown that leaves nothing behind.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
hostd=$top/out/hostd
tag=hostd-daemon-test-$$	# this run's containers, told apart from any other run's
work=$(mktemp -d "${TMPDIR:-/tmp}/hostd-daemon.XXXXXX")
. "$top/tests/lib.sh"
export HOSTD_SOCKET=$work/state/hostd.sock
ctl() { "$hostd" ctl "$@"; }
cleanup() {
	[ -n "${dpid:-}" ] && kill -9 "$dpid" 2>/dev/null
	pkill -9 -f "payload wait $tag" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

rfs=$work/rootfs
mkdir -p "$rfs/bin" "$rfs/tmp" "$work/plans"
cp /bin/busybox "$top/out/payload" "$rfs/bin/"
for a in $("$rfs/bin/busybox" --list); do [ -e "$rfs/bin/$a" ] || ln -s busybox "$rfs/bin/$a"; done
plan() { # plan NAME LINES...
	n=$1
	shift
	{ printf 'version 1\nservice %s\nimage %s:1.0\nlayer %s\n' "$n" "$n" "$rfs"; printf '%s\n' "$@"; } >"$work/plans/$n.plan"
}
plan db "cmd payload" "cmd wait" "cmd $tag" "restart always" "stop_grace 3000" \
	"network teststack 10.77.0.2/24"
mkdir -p "$work/vol" "$work/bind"
echo "from the host" >"$work/bind/note"
plan web "cmd payload" "cmd wait" "cmd $tag" "restart unless-stopped" "depends_on db service_started" \
	"network teststack 10.77.0.3/24" "volume webdata $work/vol:/data" "volume $work/bind:/bind:ro"
plan crash "cmd sh" "cmd -c" "cmd echo crashing; exit 3" "restart on-failure:2"
plan orphan "cmd payload" "cmd wait" "depends_on nowhere service_started"
printf 'version 1\nservice bad\nbogus 1\n' >"$work/plans/bad.plan"
plan slowdb "cmd sh" "cmd -c" "cmd sleep 1; touch /tmp/ready; exec payload wait $tag" \
	"restart always" "health_shell test -e /tmp/ready && echo ready-check" "health_interval 200" "health_retries 3" "stop_grace 3000"
plan app "cmd payload" "cmd wait" "cmd $tag" "depends_on slowdb service_healthy" "stop_grace 3000" \
	"userns host"
plan keeper "cmd payload" "cmd wait" "cmd $tag" "restart unless-stopped" "stop_grace 3000" \
	"cap_add SYS_NICE" "cap_drop NET_RAW"
plan nohc "cmd payload" "cmd wait" "depends_on web service_healthy"
mkdir -p "$rfs/www"
echo "hello through the published port" >"$rfs/www/index.html"
dd if=/dev/urandom of="$rfs/www/big" bs=1024 count=2048 status=none
plan site "cmd httpd" "cmd -f" "cmd -p" "cmd 80" "cmd -h" "cmd /www" "restart always" \
	"network teststack 10.77.0.5/24" "publish 18080:80" "publish 18081:81" "publish 18082:82" \
	"publish 18090:91"

# In a network namespace of its own: the stack's bridge never touches the
# machine's real network.
metrics=$work/metrics/metrics.sock
unshare -n "$hostd" daemon --plans "$work/plans" --state "$work/state" --keep "$work/keep" --metrics "$metrics" >"$work/daemon.log" 2>&1 &
dpid=$!
wait_log="$work/daemon.log"
status_of() { ctl ps -a | awk -v n="$1" '$1 == n { $1 = ""; $2 = ""; print }'; }
pid_of() { ctl inspect --format '{{.State.Pid}}' "$1"; }
# scrape [JUNK]: the metrics socket's text (after sending JUNK, if given).
scrape() {
	python3 - "$metrics" "${1:-}" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
if sys.argv[2]:
    s.sendall(sys.argv[2].encode())
    s.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())
PY
}
# kill_host_pid NAME: kill -9 the service's host pid; never "kill -9 0".
kill_host_pid() {
	victim=$(pid_of "$1")
	case $victim in
	'' | 0) bad "$1 has no running pid to kill"; ctl ps -a; return 1 ;;
	esac
	kill -9 "$victim"
}

wait_for "db and web come up" sh -c "ctl() { '$hostd' ctl \"\$@\"; }; ctl ps | grep -q '^db ' && ctl ps | grep -q '^web '"
check "a bad plan is reported with file and line" grep -q "bad.plan:3: unknown key 'bogus'; that service is disabled" "$work/daemon.log"
check "a missing dependency disables only that service" grep -q 'stack: orphan depends on nowhere, which is not in the stack; orphan is disabled' "$work/daemon.log"
check "db starts before web (depends_on)" sh -c "grep -n 'started, pid' '$work/daemon.log' | grep -E 'db|web' | head -1 | grep -q 'db started'"
wait_for "slowdb becomes healthy" sh -c "'$hostd' ctl ps | grep '^slowdb ' | grep -q '(healthy)'"
wait_for "app starts once slowdb is healthy" sh -c "'$hostd' ctl ps | grep -q '^app '"
check "and not before" sh -c "grep -n 'slowdb is healthy\|app started' '$work/daemon.log' | head -1 | grep -q 'slowdb is healthy'"
check "waiting on a service with no health check is refused" grep -q 'nohc waits for web to be healthy, but web has no health check' "$work/daemon.log"
check "a failing check makes it unhealthy" "$hostd" ctl exec slowdb rm /tmp/ready
wait_for "ps says (unhealthy), inspect counts the streak" sh -c "'$hostd' ctl ps | grep '^slowdb ' | grep -q '(unhealthy)' && '$hostd' ctl inspect slowdb | grep -q '\"Health\": {\"Status\": \"unhealthy\", \"FailingStreak\": [3-9]'"
check "service output goes to its log" grep -qx "ready $tag" "$work/state/logs/db.log"
old=$(pid_of db)
kill_host_pid db
# One inspect for both conditions: two could straddle the restart.
wait_for "kill -9 of db's host pid: it comes back" sh -c "j=\$('$hostd' ctl inspect db); echo \"\$j\" | grep -q '\"Running\": true' && ! echo \"\$j\" | grep -q '\"Pid\": $old,'"
check "its restart count went up" sh -c "'$hostd' ctl inspect db | grep -q '\"RestartCount\": 1' || { '$hostd' ctl inspect db; cat $work/daemon.log; exit 1; }"
scrape >"$work/m1"
check "the metrics socket gives Prometheus text" "$top/tests/promcheck.py" "$work/m1"
check "with db running, its restart counted" sh -c "test \"\$('$top/tests/promcheck.py' '$work/m1' 'hostd_container_running{name=\"db\"}' 'hostd_container_restarts_total{name=\"db\"}' | tr '\n' ' ')\" = '1 1 '"
check "a line per container, with state and health" sh -c "grep -q '^hostd_container_info{name=\"slowdb\",image=\"slowdb:1.0\",state=\"running\",health=\"unhealthy\"} 1' '$work/m1' && test \"\$(sed -n 's/^hostd_container_running{name=\"\\([a-z]*\\)\"} .*/\\1/p' '$work/m1' | sort | tr '\\n' ' ')\" = \"\$('$hostd' ctl ps -a --format '{{.Names}}' | sort | tr '\\n' ' ')\""
scrape "hostctl stop db
stop db" >"$work/m2"
check "what is sent to it is never read: same answer, db still up" sh -c "'$top/tests/promcheck.py' '$work/m2' 'hostd_container_running{name=\"db\"}' | grep -qx 1 && '$hostd' ctl ps | grep -q '^db '"
check "the metrics socket is open to every user, in a 755 directory" sh -c "test \"\$(stat -c %a '$metrics' '$work/metrics' | tr '\n' ' ')\" = '666 755 '"
check "hostctl logs shows a service's output" sh -c "'$hostd' ctl logs db | grep -qx 'ready $tag'"
check "hostctl logs --tail 1" sh -c "test \"\$('$hostd' ctl logs --tail 1 db)\" = 'ready $tag'"
check "hostctl exec runs in the container (hostname, PID 1)" sh -c "test \"\$('$hostd' ctl exec db hostname)\" = db && '$hostd' ctl exec db cat /proc/1/cmdline | tr '\\0' ' ' | grep -q '^payload wait $tag'"
check "hostctl exec: none of hostctl's own descriptors (only 0-2, and ls's own)" sh -c "exec 7</etc/hostname; test \"\$('$hostd' ctl exec db ls /proc/self/fd | tr '\n' ' ')\" = '0 1 2 3 '"
check "hostctl exec: the container's own processes only" sh -c "test \"\$('$hostd' ctl exec db sh -c 'ls -d /proc/[0-9]* | wc -l')\" -le 4"
"$hostd" ctl exec db sh -c 'exit 5' 2>/dev/null
check "hostctl exec returns the command's status" test $? = 5
check "hostctl exec -t without a terminal says so" sh -c "'$hostd' ctl exec -t db sh </dev/null 2>&1 | grep -qx 'hostctl: exec -t: the input device is not a TTY'"
"$hostd" ctl logs -f db >"$work/follow" 2>&1 &
follower=$!
wait_for "logs -f prints the current log" grep -q "ready $tag" "$work/follow"
kill_host_pid db
wait_for "logs -f prints new lines as they come (db restarted)" sh -c "test \$(grep -c 'ready $tag' '$work/follow') -ge 2"
kill "$follower"
wait_for "db runs again" sh -c "j=\$('$hostd' ctl inspect db); echo \"\$j\" | grep -q '\"Running\": true' && ! echo \"\$j\" | grep -q '\"Pid\": $victim,'"
check "inspect --format reads one field, as docker inspect -f" sh -c "test \"\$('$hostd' ctl inspect --format 'up={{.State.Running}} image={{.Config.Image}}' db)\" = 'up=true image=db:1.0'"
check "inspect --format with a field that does not exist says so" sh -c "'$hostd' ctl inspect --format '{{.Nope}}' db 2>&1 | grep -q \"hostctl: template: cannot evaluate '{{.Nope}}'\""
check "hostctl images lists each image once" sh -c "out=\$('$hostd' ctl images); echo \"\$out\" | head -1 | grep -q '^REPOSITORY *TAG *LAYERS *SIZE' && test \$(echo \"\$out\" | grep -c '^db  *1.0 ') = 1"
check "hostctl network ls shows the stack's bridge" sh -c "'$hostd' ctl network ls | grep -q '^teststack *hd-teststack *bridge *10.77.0.0/24'"
check "hostctl network inspect lists its containers" sh -c "'$hostd' ctl network inspect teststack | grep -q '\"db\": {\"IPv4Address\": \"10.77.0.2/24\"' && '$hostd' ctl network inspect teststack | grep -q '\"Gateway\": \"10.77.0.1\"'"
check "a named volume: what the container writes is in its source" sh -c "'$hostd' ctl exec web sh -c 'echo written > /data/f' && test \"\$(cat $work/vol/f)\" = written"
check "a read-only bind mount is there and read-only" sh -c "test \"\$('$hostd' ctl exec web cat /bind/note)\" = 'from the host' && ! '$hostd' ctl exec web sh -c 'echo x > /bind/note' 2>/dev/null"
check "inspect .Mounts shows the volume and the bind" sh -c "m=\$('$hostd' ctl inspect --format '{{json .Mounts}}' web); echo \"\$m\" | grep -q '{\"Type\": \"volume\", \"Name\": \"webdata\", \"Driver\": \"local\", \"Source\": \"$work/vol\", \"Destination\": \"/data\", \"Mode\": \"rw\", \"RW\": true}' && echo \"\$m\" | grep -q '\"Type\": \"bind\", \"Source\": \"$work/bind\", \"Destination\": \"/bind\", \"Mode\": \"ro\", \"RW\": false'"
check "hostctl volume ls" sh -c "'$hostd' ctl volume ls | grep -q '^local *webdata *$work/vol\$'"
check "hostctl volume inspect --format {{.Mountpoint}}" sh -c "test \"\$('$hostd' ctl volume inspect --format '{{.Mountpoint}}' webdata)\" = '$work/vol'"
check "hostctl volume inspect: options and users" sh -c "'$hostd' ctl volume inspect webdata | grep -q '\"Options\": {\"type\": \"none\", \"o\": \"bind\", \"device\": \"$work/vol\"}, \"Scope\": \"local\", \"UsedBy\": \[{\"Container\": \"web\", \"Destination\": \"/data\"}\]'"
"$hostd" ctl volume inspect nope 2>"$work/err"
check "an unknown volume: one line, exit 1" sh -c "test $? = 1 && test \"\$(cat $work/err)\" = 'hostctl: no such volume: nope'"
check "inspect .NetworkSettings: address on its network, published ports" sh -c "test \"\$('$hostd' ctl inspect --format '{{.NetworkSettings.Networks.teststack.IPAddress}}/{{.NetworkSettings.IPPrefixLen}}' db)\" = 10.77.0.2/24 && '$hostd' ctl inspect site | grep -q '\"Ports\": {\"80/tcp\": \[{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"18080\"}\], \"81/tcp\": \[{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"18081\"}\], \"82/tcp\": \[{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"18082\"}\], \"91/tcp\": \[{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"18090\"}\]}'"
check "every inspect is valid JSON with Docker's shape" sh -c "for n in db web site slowdb crash; do '$hostd' ctl inspect \$n; done | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)[0]
    assert isinstance(o[\"State\"][\"Pid\"], int) and isinstance(o[\"RestartCount\"], int)
    assert o[\"Config\"][\"Image\"].endswith(\":1.0\") and isinstance(o[\"Mounts\"], list)
    assert \"Networks\" in o[\"NetworkSettings\"] and o[\"HostConfig\"][\"RestartPolicy\"][\"Name\"]
'"
check "the health log keeps the last 5 checks: output, exit code, times" sh -c "'$hostd' ctl inspect --format '{{json .State.Health.Log}}' slowdb | python3 -c 'import json, sys; l = json.load(sys.stdin); assert len(l) == 5 and all(e[\"ExitCode\"] in (0, 1) and (e[\"ExitCode\"] == 0) == (e[\"Output\"] == \"ready-check\\n\") and e[\"Start\"] <= e[\"End\"] for e in l), l'"
check "ps --format TEMPLATE, one line per container" sh -c "'$hostd' ctl ps --format '{{.Names}}={{.State}}' | grep -qx 'db=running'"
check "ps --format json: one JSON object per line" sh -c "'$hostd' ctl ps -a --format json | python3 -c 'import json, sys; rows = [json.loads(l) for l in sys.stdin]; assert {\"db\", \"web\", \"crash\"} <= {r[\"Names\"] for r in rows}, rows'"
check "ps --format 'table ...': titles, aligned columns, port runs as ranges" sh -c "out=\$('$hostd' ctl ps --format 'table {{.Names}}\\t{{.Ports}}'); echo \"\$out\" | head -1 | grep -q '^NAMES  *PORTS\$' && echo \"\$out\" | grep -q '^site  *0.0.0.0:18080-18082->80-82/tcp, 0.0.0.0:18090->91/tcp\$'"
check "ps -q: names only" sh -c "'$hostd' ctl ps -q | grep -qx db"
check "cap_add and cap_drop: in inspect as Docker shows them, and in the process's sets" sh -c "test \"\$('$hostd' ctl inspect --format '{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}}' keeper)\" = '[\"CAP_SYS_NICE\"] [\"CAP_NET_RAW\"]' && grep -qx 'CapBnd:	00000000a08405fb' /proc/\$('$hostd' ctl inspect --format '{{.State.Pid}}' keeper)/status"
check "each service has a VM range of its own; userns host has none (UsernsMode host)" sh -c "test \"\$('$hostd' ctl inspect --format '{{.HostConfig.UsernsMode}}' app)\" = host && test \"\$('$hostd' ctl exec app cat /proc/self/uid_map | tr -s ' ')\" = ' 0 0 4294967295' && test \"\$('$hostd' ctl exec db cat /proc/self/uid_map | awk '{print \$2}')\" != \"\$('$hostd' ctl exec web cat /proc/self/uid_map | awk '{print \$2}')\""
check "images --format and network ls --format" sh -c "'$hostd' ctl images --format '{{.Repository}}:{{.Tag}}' | grep -qx db:1.0 && test \"\$('$hostd' ctl network ls --format '{{.Subnet}}')\" = 10.77.0.0/24"
"$hostd" ctl ps --bogus 2>"$work/err"
check "a wrong option: one line, exit 2" sh -c "test $? = 2 && test \"\$(cat $work/err)\" = \"hostctl: ps: unknown option '--bogus'\""
wait_for "one service reaches another by name on the network" sh -c "'$hostd' ctl exec web sh -c 'printf \"GET / HTTP/1.0\\r\\n\\r\\n\" | nc -w 2 site 80' | grep -qx 'hello through the published port'"
# The published port, from the daemon's own network namespace (the VM's
# side, in the appliance).
nsenter -t "$dpid" -n ip link set lo up
wait_for "a published port reaches the service" sh -c "nsenter -t $dpid -n /bin/busybox wget -qO- http://127.0.0.1:18080/ | grep -qx 'hello through the published port'"
check "2 MiB through the published port arrive intact" sh -c "test \"\$(nsenter -t $dpid -n /bin/busybox wget -qO- http://127.0.0.1:18080/big | sha256sum)\" = \"\$(sha256sum <$rfs/www/big)\""
check "ten connections at once" sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do nsenter -t $dpid -n /bin/busybox wget -qO- http://127.0.0.1:18080/ >$work/par.\$i & done; wait; test \$(cat $work/par.* | grep -c 'hello through') = 10"
check "an unpublished port is not published" sh -c "! nsenter -t $dpid -n /bin/busybox wget -qO- -T 2 http://127.0.0.1:80/ 2>/dev/null"
check "hostctl top lists the container's processes by host pid and VM uid (its root is a VM id from 131072)" sh -c "'$hostd' ctl top db | grep -E \"^\$('$hostd' ctl inspect db | sed -n 's/.*\\\"Pid\\\": \\([0-9]*\\).*/\\1/p') +[0-9]{6,} +payload wait $tag\""
check "hostctl stats --no-stream has a row per running container" sh -c "out=\$('$hostd' ctl stats --no-stream); echo \"\$out\" | head -1 | grep -q 'NAME.*CPU %.*MEM USAGE / LIMIT' && echo \"\$out\" | grep -q '^db ' && echo \"\$out\" | grep -q '^web '"
check "hostctl stats --format json: Docker's field names" sh -c "'$hostd' ctl stats --no-stream --format json | python3 -c 'import json, sys; r = {o[\"Name\"]: o for o in map(json.loads, sys.stdin)}; assert {\"CPUPerc\", \"MemUsage\", \"MemPerc\", \"PIDs\", \"NetIO\"} <= set(r[\"db\"]), r'"
before=$(pid_of web)
check "hostctl restart web" ctl restart web
wait_for "web comes back with a new pid" sh -c "j=\$('$hostd' ctl inspect web); echo \"\$j\" | grep -q '\"Running\": true' && ! echo \"\$j\" | grep -q '\"Pid\": $before,'"
check "hostctl kill -s HUP: the signal reaches PID 1, the policy restarts it" ctl kill -s HUP db
wait_for "db restarted after the HUP" sh -c "j=\$('$hostd' ctl inspect db); echo \"\$j\" | grep -q '\"RestartCount\": [2-9]' && echo \"\$j\" | grep -q '\"Running\": true'"
check "hostctl kill with a bad signal is refused" sh -c "'$hostd' ctl kill -s BOGUS db 2>&1 | grep -q 'optional signal'"
check "hostctl stop web" ctl stop web
wait_for "web is stopped" sh -c "'$hostd' ctl ps -a | grep '^web ' | grep -q 'Exited (0)'"
sleep 1.5	# longer than the first restart pause: it must not come back
check "a manual stop stays down" sh -c "'$hostd' ctl ps -a | grep '^web ' | grep -q 'Exited (0)'"
check "hostctl start web" ctl start web
wait_for "web runs again" sh -c "'$hostd' ctl ps | grep -q '^web '"
wait_for "on-failure:2 gives up after two restarts" sh -c "'$hostd' ctl ps -a | grep '^crash ' | grep -q 'Exited (3)' && '$hostd' ctl inspect crash | grep -q '\"RestartCount\": 2'"
ctl stop nope 2>"$work/err"
rc=$?
check "an unknown container: one line, exit 1" sh -c "test $rc = 1 && test \"\$(cat $work/err)\" = 'hostctl: no such container: nope'"
ctl frobnicate 2>"$work/err"
check "an unknown verb is refused" grep -q "hostctl: unknown request 'frobnicate'" "$work/err"
python3 - "$HOSTD_SOCKET" >"$work/garbage" <<'PY'
import socket, sys
for junk in (b"\x00\xff\xfe garbage\n", b"x" * 4000, b"ps -a -a -a\n"):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(junk)
    s.shutdown(socket.SHUT_WR)
    print(s.recv(200).decode(errors="replace").replace("\n", "|"))
PY
check "garbage on the control socket gets errors" sh -c "test \"\$(grep -c '^1|' $work/garbage)\" = 3"
check "and hostd still answers" sh -c "ctl() { '$hostd' ctl \"\$@\"; }; ctl ps | grep -q '^db '"
check "the control socket is not open to others" sh -c "test \"\$(stat -c %a $HOSTD_SOCKET)\" = 600"
check "stop keeper (unless-stopped) and site (always) by hand before hostd ends" sh -c "'$hostd' ctl stop keeper && '$hostd' ctl stop site"
kill -TERM "$dpid"
wait_for "SIGTERM: hostd stops the stack and exits" sh -c "! kill -0 $dpid"
wait "$dpid"
check "it exited 0" test $? = 0
dpid=
check "web was stopped before db, app before slowdb (reverse order)" sh -c "w=\$(grep -n 'web stopped (' '$work/daemon.log' | tail -1 | cut -d: -f1); d=\$(grep -n 'db stopped (' '$work/daemon.log' | grep -v slowdb | tail -1 | cut -d: -f1); a=\$(grep -n 'app stopped (' '$work/daemon.log' | tail -1 | cut -d: -f1); s=\$(grep -n 'slowdb stopped (' '$work/daemon.log' | tail -1 | cut -d: -f1); test \"\$w\" -lt \"\$d\" && test \"\$a\" -lt \"\$s\""
check "no container process is left" sh -c "! pgrep -f 'payload wai[t] $tag'"
check "no mount is left" sh -c "! grep -q '$work' /proc/mounts"
check "the control socket is removed" test ! -e "$HOSTD_SOCKET"
check "so is the metrics socket" test ! -e "$metrics"

# hostd again, as after a reboot: a manual stop of an unless-stopped
# service is remembered (--keep), one of an `always` service is not.
unshare -n "$hostd" daemon --plans "$work/plans" --state "$work/state2" --keep "$work/keep" >"$work/daemon2.log" 2>&1 &
dpid=$!
export HOSTD_SOCKET=$work/state2/hostd.sock
wait_for "after a restart of hostd, site (always, stopped by hand) runs again" sh -c "'$hostd' ctl ps | grep -q '^site '"
check "keeper (unless-stopped, stopped by hand) stays down, and the log says why" sh -c "! '$hostd' ctl ps | grep -q '^keeper ' && grep -q 'keeper stays stopped: it was stopped by hand (restart: unless-stopped)' '$work/daemon2.log'"
check "hostctl start keeper starts it and forgets the stop" sh -c "'$hostd' ctl start keeper && test ! -e '$work/keep/keeper.stopped'"
wait_for "keeper runs" sh -c "'$hostd' ctl ps | grep -q '^keeper '"
kill -TERM "$dpid"
wait_for "the second hostd stops and exits" sh -c "! kill -0 $dpid"
wait "$dpid"
dpid=
check "nothing left after the second run" sh -c "! pgrep -f 'payload wai[t] $tag' && ! grep -q '$work' /proc/mounts"

summary
