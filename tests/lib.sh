# Shared by the shell test tiers: counters, checks and the closing line
# "N passed, M failed". Source it; set $work to a scratch directory first.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# check DESCRIPTION COMMAND...: passes when COMMAND exits 0; shows its
# output when it does not.
check() {
	d=$1
	shift
	if "$@" >"$work/last" 2>&1; then ok "$d"; else bad "$d"; sed 's/^/     /' "$work/last"; fi
}
# summary: print the closing line; exit status 0 only if nothing failed.
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
