#!/bin/sh
# Host mode, as root: `hostd run` makes real containers from a tiny busybox
# root on this machine. Checks isolation (pids, hostname, network, mounts),
# capabilities, no_new_privs, exit statuses and error messages.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
hostd=$top/out/hostd
work=$(mktemp -d "${TMPDIR:-/tmp}/hostd-host.XXXXXX")
. "$top/tests/lib.sh"
trap 'rm -rf "$work"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "host tests need root (namespaces, mounts)" >&2
	exit 1
fi
rfs=$work/rootfs
mkdir -p "$rfs/bin" "$rfs/mnt" "$rfs/tmp"
cp /bin/busybox "$top/out/payload" "$rfs/bin/"
for a in $("$rfs/bin/busybox" --list); do [ -e "$rfs/bin/$a" ] || ln -s busybox "$rfs/bin/$a"; done
run() { "$hostd" run --rootfs "$rfs" "$@"; }
mounts_before=$(wc -l </proc/mounts)

check "the command is PID 1 of its container" sh -c "test \"\$($hostd run --rootfs $rfs -- sh -c 'echo \$\$')\" = 1"
check "it sees only its own processes" sh -c "test \"\$($hostd run --rootfs $rfs -- ls -d /proc/[0-9]*)\" = /proc/1"
check "it has its own hostname" sh -c "test \"\$($hostd run --rootfs $rfs --hostname box -- hostname)\" = box"
check "HOSTNAME, HOME and PATH are set as Docker does" sh -c "$hostd run --rootfs $rfs --hostname box -- env | grep -qx HOSTNAME=box && $hostd run --rootfs $rfs -- env | grep -qx HOME=/root && $hostd run --rootfs $rfs -- env | grep -q '^PATH=/usr/local/sbin:'"
check "--env reaches the command" sh -c "test \"\$($hostd run --rootfs $rfs --env 'GREETING=hello world' -- sh -c 'echo \$GREETING')\" = 'hello world'"
check "its network has only loopback, and it is up" sh -c "out=\$($hostd run --rootfs $rfs -- ip -o link); test \"\$(echo \"\$out\" | wc -l)\" = 1 && echo \"\$out\" | grep -q '1: lo: <LOOPBACK,UP'"
check "--net host shares the host's interfaces" sh -c "test \"\$($hostd run --rootfs $rfs --net host -- ip -o link | wc -l)\" = \"\$(ip -o link | wc -l)\""
check "a descriptor its caller holds does not reach it (only 0-2, and ls's own)" sh -c "exec 7</etc/hostname 9</etc/hostname; test \"\$($hostd run --rootfs $rfs -- ls /proc/self/fd | tr '\n' ' ')\" = '0 1 2 3 '"
check "its root is the given directory" sh -c "echo marker >$rfs/tmp/m && test \"\$($hostd run --rootfs $rfs -- cat /tmp/m)\" = marker"
check "a minimal /dev" sh -c "test \"\$($hostd run --rootfs $rfs -- ls /dev | tr '\n' ' ')\" = 'fd full null ptmx pts random shm stderr stdin stdout tty urandom zero '"
check "/sys is read-only" sh -c "! $hostd run --rootfs $rfs -- sh -c 'echo 1 >/sys/kernel/uevent_helper' 2>/dev/null"
check "root keeps Docker's default capabilities but CAP_MKNOD" sh -c "$hostd run --rootfs $rfs -- grep -qx 'CapEff:	00000000a00425fb' /proc/self/status"
check "the bounding set is that too" sh -c "$hostd run --rootfs $rfs --user 1000:1000 -- grep -qx 'CapBnd:	00000000a00425fb' /proc/self/status"
check "--cap-add mknod gives it back, --cap-drop takes one away" sh -c "$hostd run --rootfs $rfs --cap-add mknod --cap-drop CAP_NET_RAW -- grep -qx 'CapEff:	00000000a80405fb' /proc/self/status"
check "--cap-drop all leaves none" sh -c "$hostd run --rootfs $rfs --cap-drop all -- grep -qx 'CapEff:	0000000000000000' /proc/self/status"
"$hostd" run --rootfs "$rfs" --cap-add CAP_FLY -- true 2>"$work/err"
check "an unknown capability is refused" sh -c "grep -q 'hostd run: CAP_FLY: unknown capability' $work/err"
check "a non-root user has no capabilities" sh -c "$hostd run --rootfs $rfs --user 1000:1000 -- grep -qx 'CapEff:	0000000000000000' /proc/self/status"
check "--user sets uid and gid" sh -c "test \"\$($hostd run --rootfs $rfs --user 1000:1001 -- id)\" = 'uid=1000 gid=1001'"
check "no_new_privs is set" sh -c "$hostd run --rootfs $rfs -- grep -qx 'NoNewPrivs:	1' /proc/self/status"
# seccomp, apart from capabilities: these need no capability at all, so
# only the filter can refuse them.
check "seccomp refuses add_key, keyctl, perf_event_open, bpf, userfaultfd" sh -c "test \"\$($hostd run --rootfs $rfs -- payload try add_key keyctl perf_event_open bpf userfaultfd | tr '\n' ' ')\" = 'add_key: Operation not permitted keyctl: Operation not permitted perf_event_open: Operation not permitted bpf: Operation not permitted userfaultfd: Operation not permitted '"
check "seccomp: clone3 is ENOSYS, clone with CLONE_NEWNS refused, plain clone works" sh -c "test \"\$($hostd run --rootfs $rfs -- payload try clone3 clone_newns clone_plain getpid | tr '\n' ' ')\" = 'clone3: Function not implemented clone_newns: Operation not permitted clone_plain: ok getpid: ok '"
check "the same calls work outside a container (the test can fail)" sh -c "$top/out/payload try keyctl clone_plain | grep -c ': ok' | grep -qx 2"
# Argument rules: personality for Docker's values only, socket for every
# family but AF_VSOCK and AF_ALG. Outside, the kernel may lack a family
# (EAFNOSUPPORT) but never says EPERM to root: inside, that is the filter.
check "seccomp refuses personality(ADDR_NO_RANDOMIZE), socket(AF_VSOCK) and socket(AF_ALG), not PER_LINUX or AF_INET" sh -c "test \"\$($hostd run --rootfs $rfs -- payload try persona_noaslr persona_linux vsock alg inet | tr '\n' ' ')\" = 'persona_noaslr: Operation not permitted persona_linux: ok vsock: Operation not permitted alg: Operation not permitted inet: ok '"
check "outside, personality(ADDR_NO_RANDOMIZE) works and no socket family is refused with EPERM" sh -c "out=\$($top/out/payload try persona_noaslr vsock alg); echo \"\$out\"; echo \"\$out\" | grep -qx 'persona_noaslr: ok' && ! echo \"\$out\" | grep -q 'Operation not permitted'"
check "seccomp lets root chroot: CAP_SYS_CHROOT is in Docker's set (vsftpd needs it)" sh -c "test \"\$($hostd run --rootfs $rfs -- payload try chroot)\" = 'chroot: ok'"
check "mount is refused inside" sh -c "! $hostd run --rootfs $rfs -- sh -c 'mount -t tmpfs x /mnt 2>&1; grep -q \" /mnt \" /proc/mounts'"

run -- sh -c 'exit 7' 2>/dev/null
check "the exit code comes back (7)" test $? = 7
# kill -9 from inside is ignored by the kernel for a namespace's PID 1:
# kill the host-side pid, as a crash test would.
"$hostd" run --rootfs "$rfs" -- sleep 30 &
runner=$!
i=0
until victim=$(pgrep -x -P "$runner" sleep) || [ $i -ge 50 ]; do i=$((i + 1)); sleep 0.1; done
kill -9 "$victim" 2>/dev/null
wait "$runner"
check "death by signal 9 comes back as 137" test $? = 137
run -- /no/such/command 2>"$work/err"
rc=$?
check "a missing command: 127 and the reason" sh -c "test $rc = 127 && grep -qx 'hostd run: exec /no/such/command: No such file or directory' $work/err"
run --bogus x -- true 2>"$work/err"
rc=$?
check "an unknown option: 125 and one clear line" sh -c "test $rc = 125 && head -1 $work/err | grep -qx \"hostd run: unknown option '--bogus'\""
"$hostd" run --rootfs "$work/nope" -- true 2>"$work/err"
rc=$?
check "a missing root: 125 and the path" sh -c "test $rc = 125 && head -1 $work/err | grep -q \"rootfs '$work/nope' is not a directory\""
run --user :0 -- true 2>"$work/err"
rc=$?
check "a malformed --user is refused (125)" sh -c "test $rc = 125 && head -1 $work/err | grep -qx \"hostd run: --user ':0': want USER\[:GROUP\], each a name or a number\""
run --user root -- true 2>"$work/err"
rc=$?
check "a user name in a root without /etc/passwd: 125 and why" sh -c "test $rc = 125 && grep -qx \"hostd run: resolve user 'root': no such user (the container has no /etc/passwd)\" $work/err"
# User names, resolved in the container's own /etc/passwd and /etc/group
# (here from a layer on top of the busybox root), as Docker does.
users=$work/users
mkdir -p "$users/etc"
cat >"$users/etc/passwd" <<'EOF2'
root:x:0:0:root:/root:/bin/sh
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
app:x:1000:1000:App User:/home/app:/bin/sh
EOF2
cat >"$users/etc/group" <<'EOF2'
root:x:0:
www-data:x:33:
staff:x:50:app,www-data
users:x:100:app
wheel:x:10:root
app:x:1000:
nogroup:x:65534:
EOF2
urun() { "$hostd" run --layer "$rfs" --layer "$users" "$@"; }
check "--user nobody: its uid, its passwd gid, its home" sh -c "test \"\$($hostd run --layer $rfs --layer $users --user nobody -- sh -c 'id; echo \$HOME' | tr '\n' ' ')\" = 'uid=65534(nobody) gid=65534(nogroup) /nonexistent '"
check "--user 1000:1000: named from passwd and group" sh -c "test \"\$($hostd run --layer $rfs --layer $users --user 1000:1000 -- id)\" = 'uid=1000(app) gid=1000(app)'"
check "--user www-data:users: the group given, no supplementary groups" sh -c "test \"\$($hostd run --layer $rfs --layer $users --user www-data:users -- id)\" = 'uid=33(www-data) gid=100(users)'"
check "--user www-data: supplementary groups from /etc/group" sh -c "test \"\$($hostd run --layer $rfs --layer $users --user www-data -- id)\" = 'uid=33(www-data) gid=33(www-data) groups=50(staff)'"
check "--user app:50 and 33:users mix names and numbers" sh -c "test \"\$($hostd run --layer $rfs --layer $users --user app:50 -- id)\" = 'uid=1000(app) gid=50(staff)' && test \"\$($hostd run --layer $rfs --layer $users --user 33:users -- id)\" = 'uid=33(www-data) gid=100(users)'"
check "a uid with no passwd entry: gid 0, no groups, HOME=/" sh -c "test \"\$($hostd run --layer $rfs --layer $users --user 4242 -- sh -c 'id; echo \$HOME' | tr '\n' ' ')\" = 'uid=4242 gid=0(root) / '"
check "HOME from passwd, unless the environment sets it" sh -c "test \"\$($hostd run --layer $rfs --layer $users --user app -- sh -c 'echo \$HOME')\" = /home/app && test \"\$($hostd run --layer $rfs --layer $users --user app --env HOME=/data -- sh -c 'echo \$HOME')\" = /data"
check "root gets its groups and home from the files too" sh -c "test \"\$($hostd run --layer $rfs --layer $users -- sh -c 'id; echo \$HOME' | tr '\n' ' ')\" = 'uid=0(root) gid=0(root) groups=10(wheel) /root '"
printf 'alt:x:1500:1500::/alt:/bin/sh\n' >"$work/passwd.vol"
check "a volume over /etc/passwd is what names resolve in" sh -c "test \"\$($hostd run --layer $rfs --layer $users --volume $work/passwd.vol:/etc/passwd:ro --user alt -- sh -c 'echo \$(id -u) \$HOME')\" = '1500 /alt'"
urun --user foo -- true 2>"$work/err"
rc=$?
check "an unknown user: 125 and one clear line" sh -c "test $rc = 125 && test \"\$(cat $work/err)\" = \"hostd run: resolve user 'foo': no such user in /etc/passwd\""
urun --user app:nope -- true 2>"$work/err"
rc=$?
check "an unknown group: 125 and one clear line" sh -c "test $rc = 125 && test \"\$(cat $work/err)\" = \"hostd run: resolve user 'app:nope': no such group 'nope' in /etc/group\""
mkdir -p "$work/fifo/etc" && mkfifo "$work/fifo/etc/passwd"
timeout 10 "$hostd" run --layer "$rfs" --layer "$work/fifo" --user app -- true 2>"$work/err"
rc=$?
check "a FIFO as /etc/passwd cannot stall the start: 125 and why" sh -c "test $rc = 125 && test \"\$(cat $work/err)\" = \"hostd run: resolve user 'app': /etc/passwd is not a regular file\""
run 2>"$work/err"
check "no command is refused" grep -q 'hostd run: no command: put it after --' "$work/err"
# Layers: a base with busybox and /etc/a=1, a top with /etc/a=2 and /etc/b.
l1=$work/l1
l2=$work/l2
mkdir -p "$l1/etc" "$l2/etc" "$work/vol" "$work/state"
cp -a "$rfs/bin" "$l1/"
echo 1 >"$l1/etc/a"
echo 2 >"$l2/etc/a"
echo b >"$l2/etc/b"
ln -s /etc "$l1/escape"
echo s3cret >"$work/db_password"
lay() { "$hostd" run --layer "$l1" --layer "$l2" "$@"; }
check "the upper layer wins, lower files show through" sh -c "test \"\$($hostd run --layer $l1 --layer $l2 -- cat /etc/a /etc/b | tr '\n' ' ')\" = '2 b '"
lay --state "$work/state" -- sh -c 'echo changed >/etc/a; rm /etc/b; echo new >/etc/c' >/dev/null 2>&1
check "writes go to the upper dir, layers stay as they were" sh -c "test \"\$(cat $l2/etc/a)\" = 2 && test -f $l2/etc/b && test ! -e $l2/etc/c && test \"\$(cat $work/state/upper/etc/a)\" = changed && test -c $work/state/upper/etc/b"
check "a fresh container does not see the last one's writes" sh -c "test \"\$($hostd run --layer $l1 --layer $l2 -- cat /etc/a)\" = 2"
check "an id-mapped volume is shared with the host, its owners as the container gives them" sh -c "$hostd run --layer $l1 --volume $work/vol:/data:idmap -- sh -c 'echo hi >/data/f; touch /data/u; chown 33:33 /data/u' && test \"\$(cat $work/vol/f)\" = hi && test \"\$(stat -c %u:%g $work/vol/f $work/vol/u | tr '\n' ' ')\" = '0:0 33:33 '"
check "a plain bind is the host's files as they are: its root-owned directory is not the container root's" sh -c "$hostd run --layer $l1 --volume $work/vol:/data -- sh -c 'stat -c %u /data; echo x >/data/g' >$work/out 2>&1; test \"\$(head -1 $work/out)\" = 65534 && grep -q 'Permission denied' $work/out && test ! -e $work/vol/g"
check "with --userns host the container's root is the host's" sh -c "$hostd run --userns host --layer $l1 --volume $work/vol:/data -- sh -c 'echo hi >/data/h' && test \"\$(stat -c %u $work/vol/h)\" = 0"
check "a read-only volume refuses writes" sh -c "$hostd run --layer $l1 --volume $work/vol:/data:ro -- sh -c 'echo x >/data/g' 2>&1 | grep -q 'Read-only file system' && test ! -e $work/vol/g"
check "a symlink in the image cannot send a volume to the host" sh -c "$hostd run --layer $l1 --volume $work/vol:/escape/hostd-test-vol -- true; test ! -e /etc/hostd-test-vol"
check "a secret is /run/secrets/NAME, mode 0400, read-only" sh -c "test \"\$($hostd run --layer $l1 --secret db_password:$work/db_password -- sh -c 'cat /run/secrets/db_password; stat -c %a /run/secrets/db_password; echo x >/run/secrets/db_password 2>/dev/null || echo ro' | tr '\n' ' ')\" = 's3cret 400 ro '"
lay --volume /no/such/dir:/data -- true 2>"$work/err"
rc=$?
check "a missing volume source: 125 and the path" sh -c "test $rc = 125 && grep -qx 'hostd run: volume /no/such/dir: No such file or directory' $work/err"
check "--rootfs and --layer together are refused" sh -c "! $hostd run --rootfs $rfs --layer $l1 -- true 2>&1 | grep -q . || $hostd run --rootfs $rfs --layer $l1 -- true 2>&1 | grep -q 'give either --rootfs or --layer'"
mkdir -p "$work/ero/etc" && echo from-erofs >"$work/ero/etc/a"
mkfs.erofs -zlz4hc --quiet "$work/top.erofs" "$work/ero" >/dev/null
check "an EROFS layer file is mounted read-only through a loop device" sh -c "test \"\$($hostd run --layer $l1 --layer $work/top.erofs -- cat /etc/a)\" = from-erofs"
check "its loop device is released after" sh -c "! losetup -a | grep -q '$work/top.erofs'"
check "its files belong to the container's root, through an id-mapped mount" sh -c "test \"\$($hostd run --layer $l1 --layer $work/top.erofs -- stat -c %u:%g /etc/a)\" = 0:0"
mkdir -p "$work/sq/etc" && echo from-squashfs >"$work/sq/etc/a"
mksquashfs "$work/sq" "$work/top.sqfs" -comp zstd -quiet -noappend >/dev/null
"$hostd" run --layer "$l1" --layer "$work/top.sqfs" -- true 2>"$work/err"
check "a squashfs layer is refused with a user namespace, and says why" grep -q 'top.sqfs is squashfs, which this kernel cannot id-map' "$work/err"
check "a squashfs layer works without one (--userns host)" sh -c "test \"\$($hostd run --userns host --layer $l1 --layer $work/top.sqfs -- cat /etc/a)\" = from-squashfs"
check "the temporary state directory is removed" sh -c "! ls -d /tmp/hostd-run.* 2>/dev/null"
# Bridge networking, inside a network namespace of our own so the
# machine's real network is never touched.
cat >"$work/net.sh" <<NET
ip link set lo up
r=$rfs
h=$hostd
\$h run --rootfs \$r --net hbr0 --ip 10.88.0.2/24 -- ip -o -4 addr show eth0 | grep -q 'inet 10.88.0.2/24' || { echo "eth0 address"; exit 1; }
ip -o -4 addr show hbr0 | grep -q 'inet 10.88.0.1/24' || { echo "bridge made with the gateway address"; exit 1; }
\$h run --rootfs \$r --net hbr0 --ip 10.88.0.4/24 --hostname web -- grep -qx '10.88.0.4	web' /etc/hosts || { echo "own name in /etc/hosts"; exit 1; }
\$h run --rootfs \$r --net hbr0 --ip 10.88.0.3/24 -- ip route | grep -q 'default via 10.88.0.1 dev eth0' || { echo "default route"; exit 1; }
echo from-gateway | busybox nc -l -p 9 >/dev/null &
\$h run --rootfs \$r --net hbr0 --ip 10.88.0.3/24 -- nc -w 2 10.88.0.1 9 </dev/null | grep -q from-gateway || { echo "gateway reachable"; exit 1; }
# One container serves, another reaches it by name across the bridge.
\$h run --rootfs \$r --net hbr0 --ip 10.88.0.10/24 --hostname a -- sh -c 'echo hello-from-a | nc -l -p 8080' >/dev/null &
i=0
until \$h run --rootfs \$r --net hbr0 --ip 10.88.0.11/24 --add-host a:10.88.0.10 -- nc a 8080 2>/dev/null | grep -q hello-from-a; do
	i=\$((i + 1)); [ \$i -lt 50 ] || { echo "container to container"; exit 1; }; sleep 0.1
done
wait
NET
check "bridge network: address, gateway, route, /etc/hosts, container to container by name" unshare -n sh "$work/net.sh"
"$hostd" run --rootfs "$rfs" --net hbr0 -- true 2>"$work/err"
check "a bridge without --ip is refused" grep -q 'hostd run: --ip goes with --net BRIDGE, and a bridge needs --ip' "$work/err"
check "/etc/hosts, /etc/hostname and /etc/resolv.conf are generated" sh -c "test \"\$($hostd run --rootfs $rfs --hostname web --add-host db:10.0.0.5 -- sh -c 'cat /etc/hosts /etc/hostname' | tr '\n\t' '  ')\" = '127.0.0.1 localhost 10.0.0.5 db web '"
"$hostd" run --rootfs "$rfs" --add-host db:nowhere -- true 2>"$work/err"
check "a bad --add-host is refused" grep -q "hostd run: --add-host 'db:nowhere': want NAME:A.B.C.D" "$work/err"
# hostd's log file (/run/hostd.log in the appliance) is a ring: under
# its cap, the older part in .1, the newest line kept.
"$top/out/build/logring" "$work/hostd.log" 300 20 2>/dev/null
check "the log file stays under its cap (300 bytes)" test "$(wc -c <"$work/hostd.log")" -le 300
check "its older part moved to .1, also under the cap" sh -c "test -s '$work/hostd.log.1' && test \$(wc -c <'$work/hostd.log.1') -le 300"
check "the newest line is in the log file" grep -q "ring line 19" "$work/hostd.log"
check "nothing stays mounted on the host" test "$(wc -l </proc/mounts)" = "$mounts_before"

summary
