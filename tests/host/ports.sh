#!/bin/sh
# Host mode, as root: published ports (proxy.c) seen from outside. hostd
# daemon runs in a network namespace of its own (the VM); a second one
# (a machine on the VM's network) reaches it over a veth, as clients reach
# the appliance's eth0. Checks what daemon.sh does not: bulk data both ways
# intact, a half-close passed on, TCP urgent data, many connections at once
# and past the pool, a reset while the service is down, UDP through a
# published port, and that nothing else of a container is reachable.
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
# Outside: a namespace of its own on a veth to the VM, with a route to the
# containers' network through the VM, should the VM forward anything.
unshare -n sleep 600 &
outpid=$!
i=0
until [ "$(readlink /proc/$dpid/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
	[ "$(readlink /proc/$outpid/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "ports: namespaces never appeared" >&2; exit 1; }
	sleep 0.05
done
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
outside ip link set ext1 up
outside ip route add 10.78.0.0/24 via $host_ip

cat >"$work/cli.py" <<'EOF'
"""The clients, run outside (or in the VM): cli.py VERB HOST PORT [ARG]."""
import hashlib, os, signal, socket, sys, time

signal.alarm(60)

verb, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
arg = sys.argv[4] if len(sys.argv) > 4 else None


def dial(timeout=5):
    return socket.create_connection((host, port), timeout=timeout)


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
    socks = [dial(10) for _ in range(n)]
    data = [os.urandom(65536) for _ in range(n)]
    for s, d in zip(socks, data):
        s.sendall(d)
        s.shutdown(socket.SHUT_WR)
    good = sum(read_all(s) == d for s, d in zip(socks, data))
    print("%d of %d" % (good, n))
elif verb == "pool":  # N idle connections at once: how many are served?
    n = int(arg)
    socks = []
    for _ in range(n):
        try:
            socks.append(dial(10))
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
# wait_for DESCRIPTION COMMAND: poll (bounded, 15 s) until COMMAND succeeds.
wait_for() {
	d=$1
	shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 150 ] || { bad "$d (timed out)"; return 1; }
		sleep 0.1
	done
	ok "$d"
}
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
out=$(cli outside parallel $host_ip 17002 100)
check "100 connections at once, each echoed intact ($out)" test "$out" = "100 of 100"
out=$(cli outside pool $host_ip 17002 140)
check "past the pool (128), further connections are reset, not left hanging ($out)" test "$out" = "128 served"
out=$(cli outside parallel $host_ip 17002 120)
check "the pool is whole again once they are closed ($out)" test "$out" = "120 of 120"
n=$(grep -c 'connections already; refusing one' "$work/daemon.log")
check "hostd said so, once a second at most ($n)" test "$n" -ge 1 -a "$n" -le 5
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
[ "$fail" = 0 ] || { echo "--- the end of hostd's log"; tail -25 "$work/daemon.log"; }
summary
