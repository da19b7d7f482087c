#!/bin/sh
# Host mode, as root: `hostctl exec` against a `hostd daemon` stack: the
# user it runs as (the container's, groups included), -i as before, and
# -t/-it: a terminal of the container's own (its devpts), the window size
# and its changes, keys and ctrl-C reaching the command, the exit status,
# TERM, and our terminal's settings put back afterwards, also when hostctl
# is killed. The terminal comes from python3's pty module (the driver,
# pty.py, is written into the scratch directory); every wait is bounded.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
hostd=$top/out/hostd
work=$(mktemp -d "${TMPDIR:-/tmp}/hostd-exec.XXXXXX")
. "$top/tests/lib.sh"
export HOSTD_SOCKET=$work/state/hostd.sock
ctl() { "$hostd" ctl "$@"; }
cleanup() {
	[ -n "${dpid:-}" ] && kill -9 "$dpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "host tests need root (namespaces, mounts)" >&2
	exit 1
fi
rfs=$work/rootfs
mkdir -p "$rfs/bin" "$rfs/tmp" "$rfs/etc" "$work/plans"
cp /bin/busybox "$top/out/payload" "$rfs/bin/"
for a in $("$rfs/bin/busybox" --list); do [ -e "$rfs/bin/$a" ] || ln -s busybox "$rfs/bin/$a"; done
cat >"$rfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:App User:/home/app:/bin/sh
EOF
cat >"$rfs/etc/group" <<'EOF'
root:x:0:
wheel:x:10:root
staff:x:50:app
app:x:1000:
EOF
plan() { # plan NAME LINES...
	n=$1
	shift
	{ printf 'version 1\nservice %s\nimage %s:1.0\nlayer %s\n' "$n" "$n" "$rfs"; printf '%s\n' "$@"; } >"$work/plans/$n.plan"
}
plan box "cmd payload" "cmd wait" "cmd hostd-exec-test" "stop_grace 2000"
plan appbox "cmd payload" "cmd wait" "cmd hostd-exec-test" "user app" "env TERM=from-image" "stop_grace 2000"

# pty.py [--size R C] [STEP...] -- CMD...: runs CMD on a new pty of that
# size as its controlling terminal. Steps, in order: expect REGEX (wait
# for the output to match, 10 s at most), send TEXT (backslash escapes),
# resize R C, signal NAME (to CMD). Then waits (10 s at most) and prints
# the output without \r, "exit=N" and "restored=yes|no" (were the pty's
# settings the same afterwards as before?).
cat >"$work/pty.py" <<'EOF'
import fcntl, os, re, select, signal, struct, subprocess, sys, termios, time

args = sys.argv[1:]
cut = args.index("--")
steps, cmd = args[:cut], args[cut + 1:]
master, slave = os.openpty()

def winsize(r, c):
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", int(r), int(c), 0, 0))

winsize(24, 80)
if steps[:1] == ["--size"]:
    winsize(steps[1], steps[2])
    steps = steps[3:]
before = termios.tcgetattr(slave)
p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
out = b""

def pump(until, pattern=None):
    global out
    while time.monotonic() < until:
        if pattern and re.search(pattern, out.decode(errors="replace")):
            return True
        if pattern is None and p.poll() is not None:
            r, _, _ = select.select([master], [], [], 0.2)
            if not r:
                return True
        else:
            r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                out += os.read(master, 65536)
            except OSError:
                pass
    return False

ok = True
i = 0
while i < len(steps):
    op = steps[i]
    if op == "expect":
        if not pump(time.monotonic() + 10, steps[i + 1].encode().decode("unicode_escape")):
            print("TIMEOUT waiting for %r" % steps[i + 1])
            ok = False
            break
        i += 2
    elif op == "send":
        os.write(master, steps[i + 1].encode().decode("unicode_escape").encode())
        i += 2
    elif op == "resize":
        winsize(steps[i + 1], steps[i + 2])
        i += 3
    elif op == "signal":
        p.send_signal(getattr(signal, "SIG" + steps[i + 1]))
        i += 2
    else:
        sys.exit("pty.py: unknown step " + op)
if not pump(time.monotonic() + 10):
    print("TIMEOUT waiting for the command to end")
    p.kill()
rc = p.wait()
text = out.decode(errors="replace").replace("\r", "")
sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))
print("exit=%d" % (128 - rc if rc < 0 else rc))
print("restored=%s" % ("yes" if termios.tcgetattr(slave) == before else "no"))
sys.exit(0 if ok else 1)
EOF
tty() { python3 "$work/pty.py" "$@"; }

unshare -n "$hostd" daemon --plans "$work/plans" --state "$work/state" >"$work/daemon.log" 2>&1 &
dpid=$!
wait_log="$work/daemon.log"
wait_for "box and appbox run" sh -c "'$hostd' ctl ps | grep -q '^box ' && '$hostd' ctl ps | grep -q '^appbox '"
wait_for "both are ready" sh -c "grep -q 'ready hostd-exec-test' '$work/state/logs/box.log' && grep -q 'ready hostd-exec-test' '$work/state/logs/appbox.log'"

# The user: the container's, as its PID 1 runs, supplementary groups too.
check "exec runs as the container's user, with its groups (root)" sh -c "test \"\$('$hostd' ctl exec box id)\" = 'uid=0(root) gid=0(root) groups=10(wheel)'"
check "exec runs as the container's user (a name in the plan: user app)" sh -c "test \"\$('$hostd' ctl exec appbox id)\" = 'uid=1000(app) gid=1000(app) groups=50(staff)'"
check "exec: the same user as PID 1" sh -c "test \"\$('$hostd' ctl exec appbox sh -c 'grep -E \"^(Uid|Gid|Groups):\" /proc/1/status')\" = \"\$('$hostd' ctl exec appbox sh -c 'grep -E \"^(Uid|Gid|Groups):\" /proc/self/status')\""
check "exec: HOME from the container's passwd, as PID 1 got it" sh -c "test \"\$('$hostd' ctl exec box sh -c 'echo \$HOME')\" = /root && test \"\$('$hostd' ctl exec appbox sh -c 'echo \$HOME')\" = /home/app"
check "exec -u 0 overrides the configured user" sh -c "test \"\$('$hostd' ctl exec -u 0 appbox id -u)\" = 0 && test \"\$('$hostd' ctl exec --user=app box id -un)\" = app"
check "exec -u with an unknown user: one line naming it, status 1" sh -c "out=\$('$hostd' ctl exec -u nosuch box true 2>&1); test \$? = 1 && test \"\$out\" = 'hostctl: user nosuch: no such user in /etc/passwd'"
check "exec -i passes stdin on, as before" sh -c "test \"\$(echo hello | '$hostd' ctl exec -i box cat)\" = hello"
check "exec without -i gives the command no input (EOF), as docker exec" sh -c "test -z \"\$(echo hello | '$hostd' ctl exec box cat)\""

# -t without a terminal: one line, status 1, as Docker.
ctl exec -it box sh </dev/null >"$work/out" 2>&1
rc=$?
check "exec -it without a terminal: one line, exit 1" sh -c "test $rc = 1 && test \"\$(cat $work/out)\" = 'hostctl: exec -t: the input device is not a TTY'"
ctl exec -t box true </dev/null >"$work/out" 2>&1
rc=$?
check "exec -t without a terminal too" sh -c "test $rc = 1 && grep -qx 'hostctl: exec -t: the input device is not a TTY' $work/out"
ctl exec -x box true 2>"$work/out"
rc=$?
check "an unknown exec option is refused" sh -c "test $rc = 2 && grep -qx \"hostctl: exec: unknown option '-x'\" $work/out"

# With a terminal.
tty -- "$hostd" ctl exec -it box tty >"$work/out" 2>&1
check "exec -it: the command's stdin is a pty of the container's own" sh -c "grep -qx '/dev/pts/[0-9]*' $work/out && grep -qx exit=0 $work/out && grep -qx restored=yes $work/out"
tty -- "$hostd" ctl exec -it box sh -c 'ls -l /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2' >"$work/out" 2>&1
check "stdin, stdout and stderr are that pty" sh -c "test \$(grep -c -- '-> /dev/pts/[0-9]*\$' $work/out) = 3"
tty --size 33 77 -- "$hostd" ctl exec -it box stty size >"$work/out" 2>&1
check "the window size is ours (33 77)" sh -c "grep -qx '33 77' $work/out && grep -qx exit=0 $work/out"
tty -- "$hostd" ctl exec -it box sh -c 'exit 7' >"$work/out" 2>&1
check "the command's exit status comes back (7)" sh -c "grep -qx exit=7 $work/out && grep -qx restored=yes $work/out"
tty -- "$hostd" ctl exec -it box /no/such/command >"$work/out" 2>&1
check "a missing command: 127 and why, through the terminal" sh -c "grep -qx exit=127 $work/out && grep -q 'hostctl: exec /no/such/command: No such file or directory' $work/out && grep -qx restored=yes $work/out"
tty expect '/ # ' send 'echo $((6 * 7)) $PPID\n' expect '42 0' send 'exit 5\n' -- "$hostd" ctl exec -it box sh >"$work/out" 2>&1
check "keys reach an interactive shell; its exit status comes back (5)" sh -c "grep -q '^42 0' $work/out && grep -qx exit=5 $work/out && grep -qx restored=yes $work/out"
tty expect 'armed' resize 40 100 expect '40 100' send '\x03' -- "$hostd" ctl exec -it box sh -c 'trap "stty size" WINCH; echo armed; while :; do sleep 0.1; done' >"$work/out" 2>&1
check "a resize follows (SIGWINCH); ctrl-C interrupts the command, not hostctl (130)" sh -c "grep -qx '40 100' $work/out && grep -qx exit=130 $work/out && grep -qx restored=yes $work/out || { cat -A $work/out; exit 1; }"
tty -- env TERM=vt220 "$hostd" ctl exec -it box sh -c 'echo TERM=$TERM' >"$work/out" 2>&1
check "TERM comes from hostctl's environment" grep -qx TERM=vt220 "$work/out"
tty -- env -u TERM "$hostd" ctl exec -it box sh -c 'echo TERM=$TERM' >"$work/out" 2>&1
check "else it is xterm" grep -qx TERM=xterm "$work/out"
tty -- env -u TERM "$hostd" ctl exec -it appbox sh -c 'echo TERM=$TERM' >"$work/out" 2>&1
check "or the container's own when it sets one" grep -qx TERM=from-image "$work/out"
tty -- "$hostd" ctl exec -it appbox sh -c 'id; tty; stat -c %u $(tty); echo hi >$(tty)' >"$work/out" 2>&1
check "as the container's user, who owns the pty" sh -c "grep -qx 'uid=1000(app) gid=1000(app) groups=50(staff)' $work/out && grep -qx '/dev/pts/[0-9]*' $work/out && grep -qx 1000 $work/out && grep -qx hi $work/out && grep -qx exit=0 $work/out"
tty -- "$hostd" ctl exec -t box sh -c 'tty; read -t 1 x || echo no-input' >"$work/out" 2>&1
check "exec -t alone: a terminal, but no input from ours" sh -c "grep -qx '/dev/pts/[0-9]*' $work/out && grep -qx no-input $work/out && grep -qx exit=0 $work/out"
tty expect 'sleeping' signal TERM -- "$hostd" ctl exec -it box sh -c 'echo sleeping; exec sleep 60' >"$work/out" 2>&1
check "hostctl killed (TERM): our terminal restored, exit 143" sh -c "grep -qx exit=143 $work/out && grep -qx restored=yes $work/out"
wait_for "and the command is hung up, not left running" sh -c "! '$hostd' ctl exec box pgrep -x sleep"
tty -- "$hostd" ctl exec -it box sh -c 'ls /dev/pts; stat -c dev=%d /dev/pts' >"$work/out" 2>&1
check "its devpts is its own instance, holding its own pty only" sh -c "grep -qx '0 *ptmx' $work/out && grep -q '^dev=' $work/out && ! grep -qx \"dev=\$(stat -c %d /dev/pts)\" $work/out"

kill -TERM "$dpid"
wait_for "hostd stops the stack and exits" sh -c "! kill -0 $dpid"
wait "$dpid"
dpid=
check "no container process is left" sh -c "! pgrep -f 'payload wai[t] hostd-exec-test'"
check "no mount is left" sh -c "! grep -q '$work' /proc/mounts"

summary
