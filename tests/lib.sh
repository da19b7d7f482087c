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
# poll SECONDS COMMAND...: run COMMAND (its output discarded) until it
# succeeds (status 0) or SECONDS have passed (status 1); every
# $poll_every seconds (default 0.1).
poll() {
	poll_end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$poll_end" ] || return 1
		sleep "${poll_every:-0.1}"
	done
}
# wait_for DESCRIPTION COMMAND...: ok when COMMAND succeeds within
# $wait_s seconds (default 15); bad otherwise, followed by the last lines
# of $wait_log when the script names one.
wait_for() {
	wait_d=$1
	shift
	if poll "${wait_s:-15}" "$@"; then
		ok "$wait_d"
		return 0
	fi
	bad "$wait_d (timed out)"
	[ -z "${wait_log:-}" ] || tail -n 20 "$wait_log" 2>/dev/null | sed 's/^/     /'
	return 1
}
