#!/bin/sh
# validate: keep what hostd's compose reader accepts valid for Compose
# itself. docker-compose 1.29 (Debian's; it validates without an engine)
# must accept every fixture in valid/ and the stack, and must still reject
# every fixture in spec-only/ (forms the Compose specification allows but
# 1.29 refuses: the stack must avoid them). Given the compose-dump driver
# (make test-compose builds it), hostd's reader must accept them all too,
# and refuse each fixture in refused/ (valid for 1.29: hostd refuses it on
# purpose) with the reason on its first line.
#
#   tests/compose/validate.sh [out/build/compose-dump]
set -eu
cd "$(dirname "$0")/../.."
dump=${1:-}
command -v docker-compose >/dev/null ||
	{ echo "validate: docker-compose is missing (scripts/deps.sh installs it)" >&2; exit 1; }
failed=0

# check FILE ENVFILE accept|reject
check() {
	if out=$(docker-compose --env-file "$2" -f "$1" config -q 2>&1); then got=accept; else got=reject; fi
	if [ "$got" != "$3" ]; then
		echo "FAIL $1: docker-compose 1.29 should $3 it${out:+: $out}"
		failed=1
	elif [ "$3" = reject ]; then
		echo "ok   $1: 1.29 rejects it: $(printf '%s' "$out" | sed '/ is invalid because:$/d' | head -n 3 | tr '\n' ' ' | cut -c1-140)"
	else
		echo "ok   $1"
	fi
	if [ -n "$dump" ] && ! "$dump" -e "$2" "$1" >/dev/null 2>&1; then
		echo "FAIL $1: hostd's reader refuses it: $("$dump" -e "$2" "$1" 2>&1 >/dev/null)"
		failed=1
	fi
}

for f in tests/compose/valid/*.yml; do
	check "$f" tests/compose/valid/fixture.env accept
done
for f in tests/compose/spec-only/*.yml; do
	check "$f" tests/compose/valid/fixture.env reject
done
for f in tests/compose/refused/*.yml; do
	want=$(sed -n '1s/^# //p' "$f")
	if ! out=$(docker-compose --env-file tests/compose/valid/fixture.env -f "$f" config -q 2>&1); then
		echo "FAIL $f: docker-compose 1.29 should accept it: $out"
		failed=1
	elif [ -z "$dump" ]; then
		echo "ok   $f"
	elif got=$("$dump" -e tests/compose/valid/fixture.env "$f" 2>&1 >/dev/null); then
		echo "FAIL $f: hostd's reader should refuse it ($want)"
		failed=1
	elif ! printf '%s' "$got" | grep -qF -- "$want"; then
		echo "FAIL $f: hostd's reader refuses it, but not with '$want': $got"
		failed=1
	else
		echo "ok   $f: hostd refuses it: $want"
	fi
done
if [ -f stack/docker-compose.yml ]; then
	envf=stack/.env
	[ -f "$envf" ] || envf=stack/.env.example
	check stack/docker-compose.yml "$envf" accept
fi
[ "$failed" = 0 ] && echo "validate: all as expected"
exit "$failed"
