#!/bin/sh
# Run the libFuzzer harnesses built in BINDIR (make fuzz / make test-fuzz).
#   run.sh fuzz  BINDIR SECONDS NAME...  each harness SECONDS long; what it
#       finds goes into tests/fuzz/corpus/NAME, which is then minimised
#       (-merge=1; the bug-* inputs, kept crashes, always stay).
#   run.sh check BINDIR SECONDS NAME...  each harness over its corpus, then
#       SECONDS of fuzzing into a temporary directory (the tree is left as
#       it is). A crash, leak, sanitizer report or slow input fails.
# A failing input is saved as BINDIR/NAME-crash-... (or -leak-, -timeout-).
set -eu
mode=$1 bindir=$2 secs=$3
shift 3
corpus=tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Inputs bigger than any real one only slow a harness down.
max_len() {
	case $1 in
	ctl|compose_value) echo 600 ;;
	dfexpand|interpolate) echo 2048 ;;
	dhcp) echo 1500 ;;
	*) echo 16384 ;;
	esac
}

# run NAME: one harness; its libFuzzer output in $tmp/log.
run() {
	bin=$bindir/$1 dir=$corpus/$1 dict=tests/fuzz/$1.dict
	set -- -max_len="$(max_len "$1")" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$bindir/$1-" -print_final_stats=1 -max_total_time="$secs"
	[ -f "$dict" ] && set -- "$@" -dict="$dict"
	mkdir -p "$dir" "$tmp/out"
	if [ "$mode" = fuzz ]; then
		"$bin" "$@" "$dir" >"$tmp/log" 2>&1 || return 1
		"$bin" -merge=1 "$tmp/out" "$dir" >>"$tmp/log" 2>&1 || return 1
		for f in "$dir"/bug-*; do
			[ -e "$f" ] && cp "$f" "$tmp/out/"
		done
		rm -rf "$dir"
		mv "$tmp/out" "$dir"
	else
		"$bin" "$@" "$tmp/out" "$dir" >"$tmp/log" 2>&1 || return 1
		rm -rf "$tmp/out"
	fi
}

failed=
for name in "$@"; do
	start=$(date +%s)
	run "$name" || failed="$failed $name"
	stat() { sed -n "s/^stat::$1: *//p" "$tmp/log" | tail -n 1; }
	printf '%-14s %4ss %9s runs %7s/s %5s inputs %5s KB\n' "$name" \
		"$(($(date +%s) - start))" "$(stat number_of_executed_units)" \
		"$(stat average_exec_per_sec)" "$(ls "$corpus/$name" | wc -l)" \
		"$(($(cat "$corpus/$name"/* 2>/dev/null | wc -c) / 1024))"
	case " $failed " in
	*" $name "*) grep -E -A40 '^==[0-9]+==|runtime error|ALARM|Test unit written' \
		"$tmp/log" | head -n 60 >&2 || tail -n 30 "$tmp/log" >&2 ;;
	esac
	rm -rf "$tmp/out"
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed" >&2
	exit 1
fi
