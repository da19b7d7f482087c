#!/bin/sh
# Read one KEY from stack/.env, creating stack/.env from stack/.env.example
# first when it is missing. Usage: scripts/config.sh KEY
# A malformed line is an error naming the file and line; nothing changes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
env=$top/stack/.env
if [ ! -f "$env" ]; then
	cp "$top/stack/.env.example" "$env.new"
	chmod 600 "$env.new"
	mv "$env.new" "$env"
	echo "config: created stack/.env from stack/.env.example" >&2
fi
awk -v key="$1" -v file="stack/.env" '
	/^[ \t]*(#|$)/ { next }
	!/^[A-Za-z_][A-Za-z0-9_]*=/ {
		printf "%s:%d: not KEY=VALUE: %s\n", file, NR, $0 > "/dev/stderr"; bad = 1; exit 1
	}
	{
		k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
		if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
		if (k == key) { val = v; found = 1; line = NR }
	}
	END {
		if (bad) exit 1
		if (!found) { printf "%s: %s is not set\n", file, key > "/dev/stderr"; exit 1 }
		if (key == "LOGIN" && (val !~ /^[a-z0-9_][a-z0-9_-]*$/ || length(val) > 32)) {
			printf "%s:%d: LOGIN must be 1-32 characters of a-z, 0-9, _ or -\n", file, line > "/dev/stderr"; exit 1
		}
		print val
	}' "$env"
