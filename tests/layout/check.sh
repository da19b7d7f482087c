#!/bin/sh
# The tree keeps its shape (DEV_DOC, "The tree"):
#  1. includes go one way only: init -> ctl -> supervise -> runtime -> common,
#     build -> build/dockerfile, build/compose -> common; nothing includes a
#     header from a folder above its own, and the appliance nothing of build/;
#  2. the same at the symbol level: no object of hostd references a symbol
#     that an object under build/ defines;
#  3. a file that says it is pure (" * pure:" in its header comment) calls
#     nothing but other pure files and libc's computation (no system call);
#  4. no .c file over 800 lines, no function over 120.
# Usage: check.sh OBJDIR  (the Makefile's $(OUT)/build/obj, objects built)
set -u
cd "$(dirname "$0")/../.."
obj=${1:?usage: check.sh OBJDIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tests/lib.sh

# The folders a folder may include from (besides itself).
allowed() {
	case $1 in
	init) echo "ctl supervise runtime common" ;;
	ctl) echo "supervise runtime common" ;;
	supervise) echo "runtime common" ;;
	runtime) echo "common" ;;
	common) echo "" ;;
	build) echo "build/dockerfile build/compose common" ;;
	build/dockerfile | build/compose) echo "common" ;;
	*) echo "?" ;;
	esac
}

# 1. Includes.
: >"$work/inc"
for f in $(find hostd -name '*.[ch]' | sort); do
	dir=${f#hostd/}
	dir=${dir%/*}
	ok_dirs="$dir $(allowed "$dir")"
	if [ "$(allowed "$dir")" = "?" ]; then
		echo "$f: a folder the direction does not name ($dir)" >>"$work/inc"
		continue
	fi
	grep -n '^#include "' "$f" | while IFS= read -r line; do
		h=$(echo "$line" | sed 's/.*#include "\([^"]*\)".*/\1/')
		hd=${h%/*}
		[ "$hd" = "$h" ] && { echo "$f:${line%%:*}: \"$h\" names no folder" >>"$work/inc"; continue; }
		case " $ok_dirs " in
		*" $hd "*) [ -f "hostd/$h" ] || echo "$f:${line%%:*}: \"$h\" does not exist" >>"$work/inc" ;;
		*) echo "$f:${line%%:*}: includes $h (a $dir file may include from: $ok_dirs)" >>"$work/inc" ;;
		esac
	done
done
check "every include goes the allowed way (init -> ctl -> supervise -> runtime -> common; build -> common)" \
	sh -c "cat '$work/inc'; test ! -s '$work/inc'"

# 2. Symbols: what the build wing defines, nothing in hostd references.
defined_by() { nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
undefined_in() { nm -u "$@" 2>/dev/null | awk '{ print $NF }' | sort -u; }
hostd_objs=$(find "$obj/hostd" -name '*.o' | sort)
build_wing=$(find "$obj/build/build" -name '*.o' | sort)
if [ -z "$hostd_objs" ] || [ -z "$build_wing" ]; then
	bad "objects to check in $obj (build out/hostd and out/hostd-build first)"
else
	defined_by $build_wing >"$work/bdef"
	undefined_in $hostd_objs >"$work/hund"
	comm -12 "$work/bdef" "$work/hund" >"$work/leak"
	check "hostd's objects reference no symbol defined under build/ ($(wc -l <"$work/bdef") symbols)" \
		sh -c "cat '$work/leak'; test ! -s '$work/leak'"
fi

# 3. Pure files: computation only.
pure=$(grep -rl '^ \* pure:' hostd --include='*.c' | sort)
# libc's computation: no descriptor, no process, no clock, no syscall().
libc='^(mem(chr|cmp|cpy|move|set|rchr|mem)|str(chr|rchr|cmp|ncmp|casecmp|ncasecmp|len|nlen|spn|cspn|pbrk|str|dup|ndup|tok_r|to[a-z]*|ncat|error)|__isoc99_sscanf|sscanf|v?sn?printf|malloc|calloc|realloc|free|qsort|bsearch|abort|__errno_location|__ctype_[a-z_]*|to(upper|lower)|is[a-z]*|inet_(pton|ntop|ntoa|aton)|ntohs|htons|ntohl|htonl|fnmatch|yaml_[a-z_]*|_GLOBAL_OFFSET_TABLE_|__stack_chk_fail|memcpy_chk|__[a-z_]*_chk)$'
: >"$work/impure"
pure_objs=""
for f in $pure; do
	case $f in
	hostd/build/*) o="$obj/build/${f#hostd/}"; o=${o%.c}.o ;;
	*) o="$obj/hostd/${f#hostd/}"; o=${o%.c}.o ;;
	esac
	[ -f "$o" ] || { echo "$f: no object $o" >>"$work/impure"; continue; }
	pure_objs="$pure_objs $o"
done
if [ -n "$pure_objs" ]; then
	defined_by $pure_objs >"$work/pdef"
	for o in $pure_objs; do
		undefined_in "$o" | grep -Ev "$libc" | comm -23 - "$work/pdef" |
			sed "s|^|$o: calls |" >>"$work/impure"
	done
fi
check "the $(echo "$pure" | wc -w) files that say they are pure call only pure files and libc's computation" \
	sh -c "cat '$work/impure'; test ! -s '$work/impure'"

# 4. Sizes.
find hostd -name '*.c' -exec wc -l {} + | awk '$2 != "total" && $1 > 800 { print $2 ": " $1 " lines" }' >"$work/big"
check "no .c file over 800 lines" sh -c "cat '$work/big'; test ! -s '$work/big'"
# A function: from a line that starts a name at column 0 and ends in ')'
# or '(' ... to the '}' at column 0 that closes it.
for f in $(find hostd -name '*.c' | sort); do
	awk -v f="$f" '
		/^[a-zA-Z_].*\(/ && !/;[ \t]*$/ && !/^#/ { name = $0; start = NR }
		/^\{/ && name != "" { open = NR }
		/^\}/ && open { n = NR - open + 1; if (n > 120) { sub(/\(.*/, "", name); printf "%s:%d: %s is %d lines\n", f, start, name, n } open = 0; name = "" }
	' "$f"
done >"$work/long"
check "no function over 120 lines" sh -c "cat '$work/long'; test ! -s '$work/long'"
summary
