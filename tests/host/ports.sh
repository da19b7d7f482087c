#!/bin/sh
# Host mode, as root: published ports (proxy.c) seen from outside. hostd
# daemon runs in a network namespace of its own (the VM); a second one
# (a machine on the VM's network) reaches it over a veth, as clients reach
# the appliance's eth0. Checks what daemon.sh does not: bulk data both ways
# intact, a half-close passed on, TCP urgent data, many connections at once,
# past one address's cap and past the pool, other clients served while one
# or two addresses hold hundreds of idle connections (and hostd's CPU and
# warnings bounded meanwhile), a reset while the service is down, UDP
# through a published port, and that nothing else of a container is
# reachable; then, on a second hostd with the idle limits shortened, that
# idle connections are reset when they should be and not before.
# HOSTD=PATH tests another build.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
hostd=${HOSTD:-$top/out/hostd}
work=$(mktemp -d "${TMPDIR:-/tmp}/hostd-ports.XXXXXX")
. "$top/tests/lib.sh"
export HOSTD_SOCKET=$work/state/hostd.sock
host_ip=192.168.78.1
host_ip2=192.168.78.10
out_ip=192.168.78.2
# More machines outside: the flooding addresses.
out_a=192.168.78.3
out_b=192.168.78.4
tcp_ip=10.78.0.2
udp_ip=10.78.0.3
cleanup() {
	[ -n "${dpid:-}" ] && kill -TERM "$dpid" 2>/dev/null
	i=0
	while [ -n "${dpid:-}" ] && kill -0 "$dpid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "${dpid:-}" ] && kill -9 "$dpid" 2>/dev/null
	[ -n "${dpid2:-}" ] && kill -9 "$dpid2" 2>/dev/null
	for p in ${holds:-}; do kill -9 "$p" 2>/dev/null; done
	[ -n "${outpid:-}" ] && kill -9 "$outpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "host tests need root (namespaces, mounts)" >&2
	exit 1
fi
for tool in musl-gcc python3 ip nsenter unshare; do
	command -v $tool >/dev/null || { echo "ports: $tool missing (scripts/deps.sh)" >&2; exit 1; }
done

# The container side: busybox with its nc -ll -e servers, and portsrv: a
# TCP echo with a listen backlog fit for many connections at once (nc's is
# 2) and a UDP echo that says whom it saw.
rfs=$work/rootfs
mkdir -p "$rfs/bin" "$rfs/tmp" "$work/plans"
cp /bin/busybox "$rfs/bin/"
for a in $("$rfs/bin/busybox" --list); do [ -e "$rfs/bin/$a" ] || ln -s busybox "$rfs/bin/$a"; done
cat >"$work/portsrv.c" <<'EOF'
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void bye(int s) { (void)s; _exit(0); }
int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET}, from;
	int udp = argc == 3 && !strcmp(argv[1], "udp"), one = 1, fd;
	static char in[65536], out[66000];
	if (argc != 3 || (!udp && strcmp(argv[1], "echo"))) {
		fprintf(stderr, "usage: portsrv echo|udp PORT\n");
		return 2;
	}
	signal(SIGTERM, bye);
	signal(SIGCHLD, SIG_IGN);
	sa.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || (!udp && listen(fd, 256) < 0)) {
		perror("portsrv");
		return 1;
	}
	for (;;) {
		socklen_t fl = sizeof(from);
		ssize_t n;
		int c, m;
		if (udp) {
			n = recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&from, &fl);
			if (n < 0)
				continue;
			m = snprintf(out, sizeof(out), "%s:%u %.*s", inet_ntoa(from.sin_addr),
				     ntohs(from.sin_port), (int)n, in);
			if (sendto(fd, out, (size_t)m, 0, (struct sockaddr *)&from, fl) < 0)
				perror("portsrv: sendto");
			continue;
		}
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (fork() == 0) {
			while ((n = read(c, in, sizeof(in))) > 0)
				if (write(c, in, (size_t)n) != n)
					_exit(1);
			_exit(0);
		}
		close(c);
	}
}
EOF
musl-gcc -static -O2 -Wall -Wextra -Werror -o "$rfs/bin/portsrv" "$work/portsrv.c" || exit 1
head -c 33554432 /dev/urandom >"$rfs/big"
plan() { # plan NAME LINES...
	n=$1
	shift
	{ printf 'version 1\nservice %s\nimage %s:1.0\nlayer %s\n' "$n" "$n" "$rfs"; printf '%s\n' "$@"; } >"$work/plans/$n.plan"
}
# 7000: sha256 of what the client sends, once it is done sending; 7001: the
# 32 MiB file; 7002: echo; 7009: a port the service has but does not
# publish.
plan tcp "cmd sh" "cmd -c" \
	"cmd nc -ll -p 7000 -e sha256sum & nc -ll -p 7001 -e cat /big & nc -ll -p 7009 -e echo secret & exec portsrv echo 7002" \
	"network ports $tcp_ip/24" "publish 17000:7000" "publish 17001:7001" "publish 17002:7002" \
	"stop_grace 2000"
plan udp "cmd portsrv" "cmd udp" "cmd 9000" "network ports $udp_ip/24" "publish 19000:9000/udp" "stop_grace 2000"

# The VM: hostd's namespace. Forwarding stays off, as in the appliance.
unshare -n "$hostd" daemon --plans "$work/plans" --state "$work/state" >"$work/daemon.log" 2>&1 &
dpid=$!
wait_log="$work/daemon.log"
# Outside: a namespace of its own on a veth to the VM, with a route to the
# containers' network through the VM, should the VM forward anything.
unshare -n sleep 600 &
outpid=$!
poll 10 sh -c "[ \"\$(readlink /proc/$dpid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ] &&
	[ \"\$(readlink /proc/$outpid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" ||
	{ echo "ports: namespaces never appeared" >&2; exit 1; }
vm() { nsenter -t "$dpid" -n "$@"; }
outside() { nsenter -t "$outpid" -n "$@"; }
vm ip link set lo up
ip link add ext0 netns "$dpid" type veth peer name ext1 netns "$outpid" ||
	{ echo "ports: cannot make the veth pair" >&2; exit 1; }
vm ip addr add $host_ip/24 dev ext0
vm ip addr add $host_ip2/24 dev ext0
vm ip link set ext0 up
outside ip link set lo up
outside ip addr add $out_ip/24 dev ext1
outside ip addr add $out_a/24 dev ext1
outside ip addr add $out_b/24 dev ext1
outside ip link set ext1 up
outside ip route add 10.78.0.0/24 via $host_ip

cat >"$work/cli.py" <<'EOF'
"""The clients, run outside (or in the VM): cli.py [-s SRC[,SRC...]] VERB
HOST PORT [ARG]. With -s, connection i leaves from SRC number i (round
robin): clients at several addresses."""
import hashlib, os, signal, socket, sys, time

signal.alarm(60)

args = sys.argv[1:]
srcs = []
if args[0] == "-s":
    srcs, args = args[1].split(","), args[2:]
verb, host, port = args[0], args[1], int(args[2])
arg = args[3] if len(args) > 3 else None


def dial(timeout=5, i=0, to=None):
    src = (srcs[i % len(srcs)], 0) if srcs else None
    return socket.create_connection((host, to or port), timeout=timeout, source_address=src)


def ended(s, limit=12):
    """Wait (at most limit s) for s to be reset or closed by the other end;
    say which and after how long, or that it is still open."""
    t0 = time.monotonic()
    s.settimeout(limit)
    try:
        while s.recv(4096):
            pass
        how = "closed"
    except ConnectionResetError:
        how = "reset"
    except socket.timeout:
        return "still open after %d s" % limit
    return "%s after %.2f s" % (how, time.monotonic() - t0)


def read_all(s):
    chunks = []
    while True:
        b = s.recv(1 << 16)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


if verb == "sum":  # send FILE, half-close, print the answer
    with dial(20) as s, open(arg, "rb") as f:
        s.sendall(f.read())
        s.shutdown(socket.SHUT_WR)
        print(read_all(s).decode().split()[0])
elif verb == "get":  # print the sha256 of all the server sends
    with dial(20) as s:
        print(hashlib.sha256(read_all(s)).hexdigest())
elif verb == "urgent":  # a byte sent as TCP urgent data arrives inline
    with dial(10) as s:
        s.sendall(b"abc")
        time.sleep(0.1)
        s.send(b"!", socket.MSG_OOB)
        time.sleep(0.1)
        s.sendall(b"def")
        s.shutdown(socket.SHUT_WR)
        got = read_all(s).decode().split()[0]
        print("inline" if got == hashlib.sha256(b"abc!def").hexdigest() else got)
elif verb == "parallel":  # N echo connections, all open at once
    n = int(arg)
    socks = [dial(10, i) for i in range(n)]
    data = [os.urandom(65536) for _ in range(n)]
    for s, d in zip(socks, data):
        s.sendall(d)
        s.shutdown(socket.SHUT_WR)
    good = sum(read_all(s) == d for s, d in zip(socks, data))
    print("%d of %d" % (good, n))
elif verb == "pool":  # N idle connections at once: how many are served?
    n = int(arg)
    socks = []
    for i in range(n):
        try:
            socks.append(dial(10, i))
        except ConnectionResetError:  # reset before connect() returned
            pass
    served = 0
    for s in socks:
        try:
            s.sendall(b"x")
            s.settimeout(3)
            served += s.recv(1) == b"x"
        except OSError:
            pass
    for s in socks:
        s.close()
    print("%d served" % served)
elif verb in ("hold", "churn"):
    # hold: N connections, each echoes a byte, then nothing until SIGUSR1.
    # churn: the same, then on until SIGUSR1: another connection as soon
    # as the last is answered or reset, the oldest closed past N.
    stop, socks, count, t0 = [], [], [0, 0], time.monotonic()
    signal.signal(signal.SIGUSR1, lambda *_: stop.append(1))
    signal.alarm(120)
    n = int(arg)

    def one():
        count[0] += 1
        try:
            s = dial(5)
        except OSError:  # reset before connect() returned
            return
        socks.append(s)
        try:
            s.sendall(b"x")
            count[1] += s.recv(1) == b"x"
        except OSError:  # reset: refused by the relay
            pass

    for _ in range(n):
        one()
    print("%d tried in %.1f s: %d connected, %d answered" % (
        n, time.monotonic() - t0, len(socks), count[1]), flush=True)
    t1 = time.monotonic()
    while not stop:
        # Ready once the connections have been at it (idle, or churning)
        # for a while.
        if t1 and time.monotonic() - t1 >= 1.5:
            print("ready", flush=True)
            t1 = 0
        if verb == "hold":
            time.sleep(0.05)
            continue
        one()
        while len(socks) > n:
            socks.pop(0).close()
    if verb == "churn":
        print("%d tried in all in %.1f s, %d answered" % (count[0], time.monotonic() - t0,
                                                          count[1]))
    alive = 0
    for s in socks:
        try:
            s.settimeout(2)
            s.sendall(b"y")
            alive += s.recv(1) == b"y"
        except OSError:
            pass
    print("%d alive" % alive)
elif verb == "request":  # a 64 KiB request and its answer, timed; ARG: echo|sha
    data, t0 = os.urandom(65536), time.monotonic()
    try:
        with dial(10) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            got = read_all(s)
        good = got == data if arg == "echo" else \
            got.split()[:1] == [hashlib.sha256(data).hexdigest().encode()]
        print("%s in %.3f s" % ("answered" if good else "wrong", time.monotonic() - t0))
    except OSError as e:
        print("%s after %.3f s" % (type(e).__name__, time.monotonic() - t0))
elif verb == "silent":  # a connection that never carries a byte
    with dial() as s:
        print(ended(s))
elif verb == "idle":  # one byte each way, then nothing
    with dial() as s:
        s.sendall(b"x")
        s.recv(1)
        print(ended(s))
elif verb == "sibling":  # idle on PORT while a sibling on port ARG is busy for 6 s
    with dial() as a, dial(to=int(arg)) as b:
        a.sendall(b"x")
        a.recv(1)
        t0 = time.monotonic()
        for _ in range(12):
            time.sleep(0.5)
            b.sendall(b"z")
            b.recv(1)
        busy = time.monotonic() - t0
        b.close()
        got = ended(a)
        print("%s, the sibling busy for %.1f s before" % (got, busy))
elif verb == "done":  # the server has closed its side; the client keeps its own open
    with dial() as s:
        read_all(s)
        t0 = time.monotonic()
        # TCP_INFO's first byte is the state: 7 is CLOSE (reset), 8 CLOSE_WAIT.
        while s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] == 8:
            if time.monotonic() - t0 > 12:
                break
            time.sleep(0.05)
        state = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
        print("reset after %.2f s" % (time.monotonic() - t0) if state == 7 else
              "still open after 12 s (state %d)" % state)
elif verb == "down":  # what a client gets from a port whose service is down
    try:
        with dial(15) as s:
            s.settimeout(15)
            s.sendall(b"hello\n")
            print("data" if s.recv(100) else "eof")
    except ConnectionResetError:
        print("reset")
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout")
elif verb == "reach":  # can a TCP connection be made at all? (2 s)
    try:
        with dial(2) as s:
            s.settimeout(2)
            print("open: %s" % s.recv(100).decode().strip())
    except ConnectionRefusedError:
        print("refused")
    except (socket.timeout, OSError) as e:
        print("unreachable: %s" % e)
elif verb == "udp":  # send ARG from one socket, print the answer and its source
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for msg in arg.split(","):
            s.sendto(msg.encode(), (host, port))
            try:
                b, src = s.recvfrom(4096)
                print("%s from %s:%d" % (b.decode(), src[0], src[1]))
            except socket.timeout:
                print("no answer")
EOF
cli() { where=$1; shift; $where python3 "$work/cli.py" "$@"; }
sum_of() { sha256sum <"$1" | cut -d' ' -f1; }
big_sum=$(sum_of "$rfs/big")
: >"$work/empty"
empty_sum=$(sum_of "$work/empty")
answers() { test "$(cli "$@")" = "$expect"; }

expect=$empty_sum
wait_for "the published ports answer from outside" answers outside sum $host_ip 17000 "$work/empty"
out=$(cli outside get $host_ip 17001)
check "32 MiB out of the container arrive intact" test "$out" = "$big_sum"
out=$(cli outside sum $host_ip 17000 "$rfs/big")
check "32 MiB into it arrive intact, the half-close after them" test "$out" = "$big_sum"
out=$(cli outside sum $host_ip 17000 "$work/empty")
check "an empty upload: the half-close alone goes through" test "$out" = "$empty_sum"
out=$(cli outside urgent $host_ip 17000)
check "TCP urgent data arrives inline, and hostd does not spin on it" test "$out" = inline
out=$(cli outside -s $out_ip,$out_a parallel $host_ip 17002 100)
check "100 connections at once from two addresses, each echoed intact ($out)" test "$out" = "100 of 100"
out=$(cli outside pool $host_ip 17002 100)
check "one address past its cap (64): its further connections are reset, not left hanging ($out)" test "$out" = "64 served"
out=$(cli outside -s $out_ip,$out_a,$out_b pool $host_ip 17002 140)
check "three addresses past the pool (128): further connections are reset ($out)" test "$out" = "128 served"
out=$(cli outside -s $out_ip,$out_a parallel $host_ip 17002 120)
check "the pool is whole again once they are closed ($out)" test "$out" = "120 of 120"
n=$(grep -c 'refusing one' "$work/daemon.log")
check "hostd said so, once a second at most ($n)" test "$n" -ge 1 -a "$n" -le 5

# Many idle connections from one address (hold: each echoes a byte, then
# nothing), and meanwhile other clients. hold_start NAME hold|churn SRC N:
# in the background, back once its connections have been open a while
# (bounded).
holds=
hold_start() {
	# Not through outside(): $! must be python itself (nsenter execs it),
	# which hold_stop signals.
	nsenter -t "$outpid" -n python3 "$work/cli.py" -s "$3" "$2" $host_ip 17002 "$4" \
		>"$work/hold.$1" 2>&1 &
	eval "hold_$1=\$!"
	holds="$holds $!"
	i=0
	until grep -q '^ready' "$work/hold.$1"; do
		i=$((i + 1))
		[ $i -lt 300 ] || { bad "hold $1: not ready in 30 s"; return 1; }
		sleep 0.1
	done
}
# hold_stop NAME: close them; the last line of hold.NAME says how many
# were still open.
hold_stop() {
	eval "p=\$hold_$1"
	kill -USR1 "$p"
	wait "$p"
	# Waited for: its pid may be anyone's now, cleanup must not kill it.
	holds=$(echo " $holds " | sed "s/ $p / /")
}
# le A B [C D]: A <= B (and C <= D), as numbers with decimals.
le() { awk -v a="$1" -v b="$2" -v c="${3:-0}" -v d="${4:-0}" 'BEGIN { exit !(a <= b && c <= d) }'; }
# hostd's CPU time so far, in ms (utime + stime, 100 ticks a second).
cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$dpid/stat"; }
# served OUTPUT LIMIT: the request was answered, in LIMIT seconds at most.
served() { echo "$1" | { read -r how _ t _; [ "$how" = answered ] && le "$t" "$2"; }; }
# warnings_since UPTIME: hostd's warnings logged since then (its log's
# clock is the boot time, as /proc/uptime's).
warnings_since() { awk -v t="$1" '/ warn: / { if (substr($1 $2, 2) + 0 >= t) n++ } END { print n + 0 }' "$work/daemon.log"; }
up0=$(cut -d' ' -f1 /proc/uptime)
cpu0=$(cpu_ms)
hold_start a hold $out_a 300
read -r n _ _ t _ <"$work/hold.a"
check "one address opens 300 connections within seconds ($(head -1 "$work/hold.a"))" \
	le 300 "$n" "$t" 5
out=$(cli outside request $host_ip 17002 echo)
check "meanwhile another address is served at once ($out)" served "$out" 2
out=$(cli outside request $host_ip 17000 sha)
check "and on a second published port too ($out)" served "$out" 2
hold_start b hold $out_b 300
out=$(cli outside request $host_ip 17002 echo)
check "with the pool full (two addresses at their cap), a third is still served ($out)" served "$out" 2
out=$(cli outside request $host_ip 17000 sha)
check "on the second port too ($out)" served "$out" 2
out=$(cli outside -s $out_a request $host_ip 17002 echo)
check "and so is a new connection from a flooding address itself, as behind a NAT ($out)" served "$out" 2
cpu1=$(cpu_ms)
sleep 1
cpu=$(($(cpu_ms) - cpu1))
check "128 idle connections held cost hostd no CPU: no polling ($cpu ms in 1 s)" test "$cpu" -le 20
cpu=$((cpu1 - cpu0))
check "hostd's CPU for the 600 connections tried and the requests: $cpu ms" test "$cpu" -lt 1000
hold_stop a
hold_stop b
a=$(sed -n 's/ alive$//p' "$work/hold.a")
b=$(sed -n 's/ alive$//p' "$work/hold.b")
check "neither flooding address ever held more than its cap ($a and $b of 300 still open)" \
	test "$a" -le 64 -a "$a" -ge 60 -a "$b" -le 64 -a "$b" -ge 60
# Two addresses that never stop opening connections: at their cap, each
# new one of theirs takes the place of their own oldest, and none of
# theirs is idle for long.
cpu0=$(cpu_ms)
hold_start a churn $out_a 300
hold_start b churn $out_b 300
out=$(cli outside request $host_ip 17002 echo)
check "with two addresses opening connections without a pause, a third is still served ($out)" \
	served "$out" 2
out=$(cli outside request $host_ip 17000 sha)
check "on the second port too ($out)" served "$out" 2
hold_stop a
hold_stop b
cpu=$(($(cpu_ms) - cpu0))
a=$(sed -n 's/ alive$//p' "$work/hold.a")
b=$(sed -n 's/ alive$//p' "$work/hold.b")
tried=$(awk '/ tried in all / { n += $1 } END { print n + 0 }' "$work/hold.a" "$work/hold.b")
check "neither churning address held more than its cap ($tried connections tried; $a and $b still open)" \
	test "$a" -le 64 -a "$b" -le 64
check "hostd's CPU stays in proportion: $cpu ms for those $tried, $((cpu * 1000 / tried)) us each" \
	test $((cpu * 1000 / tried)) -lt 200
up1=$(cut -d' ' -f1 /proc/uptime)
n=$(warnings_since "$up0")
check "its warnings stay at one a second at most ($n in $up0..$up1 s)" \
	awk -v n="$n" -v a="$up0" -v b="$up1" 'BEGIN { exit !(n <= b - a + 1) }'
out=$(cli outside -s $out_a,$out_b parallel $host_ip 17002 120)
check "the pool is whole again once they are gone ($out)" test "$out" = "120 of 120"
out=$(cli vm sum 127.0.0.1 17000 "$work/empty")
check "the published port works from the VM itself too (loopback)" test "$out" = "$empty_sum"

# Nothing else of a container is reachable from outside.
out=$(cli outside reach $host_ip 7009)
check "an unpublished port, on the VM's address: refused ($out)" test "$out" = refused
out=$(cli outside reach $tcp_ip 7009)
check "an unpublished port, on the container's address: not reached ($out)" test "${out%%:*}" = unreachable
out=$(cli outside reach $tcp_ip 7000)
check "a published port, on the container's address: not reached either ($out)" test "${out%%:*}" = unreachable
out=$(cli vm reach $tcp_ip 7009)
check "the port is there all the same, from the VM ($out)" test "$out" = "open: secret"

if grep -q 'publish 19000/udp: only TCP is published so far' "$work/daemon.log"; then
	echo "skip UDP checks: this hostd does not publish UDP (supervise.c does not call proxy_publish_udp)"
else
	udp_ok() { cli outside udp $host_ip 19000 ping | grep -q " ping from $host_ip:19000\$"; }
	wait_for "UDP: a request through the published port gets its answer" udp_ok
	out=$(cli outside udp $host_ip 19000 one,two)
	flows=$(echo "$out" | cut -d' ' -f1 | sort -u | wc -l)
	check "UDP: one client keeps one flow ($(echo $out))" test "$(echo "$out" | grep -c ' from ')" = 2 -a "$flows" = 1
	out2=$(cli outside udp $host_ip 19000 three)
	check "UDP: another client gets a flow of its own ($out2)" test "${out2%% *}" != "${out%% *}" -a "${out2#* }" = "three from $host_ip:19000"
	out=$(cli outside udp $host_ip2 19000 second)
	check "UDP: answers leave from the address the client sent to ($out)" test "${out#* }" = "second from $host_ip2:19000"
	out=$(cli vm udp 127.0.0.1 19000 lo)
	check "UDP: through loopback in the VM too ($out)" test "${out#* }" = "lo from 127.0.0.1:19000"
	out=$(cli outside udp $udp_ip 9000 direct)
	check "UDP: the container's address is not reached from outside" test "$out" = "no answer"
	out=$(cli outside udp $host_ip 9000 other)
	check "UDP: a port not published gets no answer" test "$out" = "no answer"
fi

# While the service is down, a connection is reset, not accepted and left
# hanging; then the port serves again.
check "hostctl stop tcp" "$hostd" ctl stop tcp
wait_for "tcp is stopped" sh -c "'$hostd' ctl ps -a | grep '^tcp ' | grep -q Exited"
out=$(cli outside down $host_ip 17002)
check "while the service is down, a client is reset ($out)" test "$out" = reset
check "and hostd names what failed" grep -q "tcp: port 17002: connect to $tcp_ip:7002: " "$work/daemon.log"
check "hostctl start tcp" "$hostd" ctl start tcp
expect=$empty_sum
wait_for "the port serves again once the service is back" answers outside sum $host_ip 17000 "$work/empty"
check "no error from the proxy in hostd's log" sh -c "! grep -E 'error: .*(port|pipe|splice|epoll)' '$work/daemon.log'"
kill -TERM "$dpid"
wait_for "SIGTERM: hostd stops the stack and exits" sh -c "! kill -0 $dpid"
wait "$dpid"
dpid=
[ "$fail" = 0 ] || { echo "--- the end of hostd's log"; tail -25 "$work/daemon.log"; }

# The idle limits, shortened through HOSTD_PROXY_TIMEOUTS (ms: a connection
# that never carried a byte, one idle both ways, one the container has
# finished with), on a second hostd of its own: the production limits are
# minutes. 7003 says hello and closes; 18003 is a second way to the echo.
plans2=$work/plans2
mkdir -p "$plans2"
plan short "cmd sh" "cmd -c" "cmd nc -ll -p 7003 -e echo hello & exec portsrv echo 7002" \
	"network ports $tcp_ip/24" "publish 18002:7002" "publish 18003:7002" "publish 18004:7003" \
	"stop_grace 2000"
mv "$work/plans/short.plan" "$plans2/"
unshare -n env HOSTD_PROXY_TIMEOUTS=1000,3000,1000 "$hostd" daemon --plans "$plans2" \
	--state "$work/state2" >"$work/daemon2.log" 2>&1 &
dpid2=$!
i=0
until [ "$(readlink /proc/$dpid2/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "ports: namespace never appeared" >&2; exit 1; }
	sleep 0.05
done
h2=192.168.79.1
nsenter -t "$dpid2" -n ip link set lo up
ip link add ext2 netns "$dpid2" type veth peer name ext3 netns "$outpid" ||
	{ echo "ports: cannot make the second veth pair" >&2; exit 1; }
nsenter -t "$dpid2" -n ip addr add $h2/24 dev ext2
nsenter -t "$dpid2" -n ip link set ext2 up
for a in 2 3 4 5 6; do outside ip addr add 192.168.79.$a/24 dev ext3; done
outside ip link set ext3 up
answered() { cli outside request $h2 18002 echo | grep -q '^answered'; }
wait_for "a second hostd, with limits of 1 s, 3 s and 1 s, answers" answered
# Each client from an address of its own, all at once: a sibling's bytes
# keep the other connections of its address alive.
jobs=
short() { name=$1; shift; outside python3 "$work/cli.py" "$@" >"$work/t.$name" 2>&1 & jobs="$jobs $!"; }
short silent -s 192.168.79.2 silent $h2 18002
short idle -s 192.168.79.3 idle $h2 18002
short sibling -s 192.168.79.4 sibling $h2 18002 18003
short same -s 192.168.79.5 sibling $h2 18002 18002
short done -s 192.168.79.6 done $h2 18004
# shellcheck disable=SC2086
wait $jobs
# after FILE LOW HIGH: the connection was reset after LOW to HIGH seconds.
after() { read -r how _ t _ <"$work/t.$1"; [ "$how" = reset ] && le "$2" "$t" "$t" "$3"; }
check "a connection that never carries a byte is reset after 1 s ($(cat "$work/t.silent"))" after silent 0.9 2.5
check "one idle after a byte each way, after 3 s ($(cat "$work/t.idle"))" after idle 2.9 4.5
check "one the container has finished with, after 1 s ($(cat "$work/t.done"))" after done 0.9 2.5
check "one idle while its address is busy on another port of the container stays, then goes 3 s after ($(cat "$work/t.sibling"))" \
	after sibling 2.5 4.5
check "but not for a sibling on the same port ($(cat "$work/t.same"))" after same 0 0.5
kill -TERM "$dpid2"
wait_for "the second hostd exits" sh -c "! kill -0 $dpid2"
wait "$dpid2"
dpid2=
[ "$fail" = 0 ] || { echo "--- the end of the second hostd's log"; tail -15 "$work/daemon2.log"; }
summary
