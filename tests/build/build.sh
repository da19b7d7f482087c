#!/bin/sh
# The image builder and compose compiler on a small stack (tests/build/stack):
# a build from the shared cache, the plans it writes, the images run by
# `hostd daemon` (whiteouts, opaque directories, COPY --chown, .dockerignore,
# ARG/ENV, USER, WORKDIR, HEALTHCHECK, a local base image, the published
# port, a secret, a volume), then the layer cache: a rebuild with nothing
# changed runs no step, and one changed COPY source reruns only what follows.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
hostd=$top/out/hostd
build=$top/out/hostd-build
cache=${INCEPTION_CACHE:-/var/cache/inception}
work=$(mktemp -d "${TMPDIR:-/tmp}/hostd-build-test.XXXXXX")
. "$top/tests/lib.sh"
stack=$work/stack
cp -a "$top/tests/build/stack" "$stack"
mkdir -p "$work/data/site"
export DATA=$work/data
export HOSTD_SOCKET=$work/state/hostd.sock
cleanup() {
	[ -n "${dpid:-}" ] && kill -9 "$dpid" 2>/dev/null
	pkill -9 -f "busybox httpd -f -p 8080 -h /srv/www" 2>/dev/null
	pkill -9 -f "exec busybox sleep 100000" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
run_build() { # run_build LOG
	"$build" --out "$work/out" --layers-at "$cache/layers" --secrets-at "$work/out/secrets" \
		"$stack/docker-compose.yml" >"$1" 2>&1
}

rm "$stack/token.txt"
check "--check validates the compose file without building" sh -c "'$build' --check '$stack/docker-compose.yml' | grep -q 'valid'"
if run_build "$work/build1.log"; then ok "the stack builds"; else bad "the stack builds"; sed 's/^/     /' "$work/build1.log" | tail -20; fi
check "a missing secret file is generated (32 characters, 0600), its value not printed" sh -c "test \$(tr -d '\n' <'$stack/token.txt' | wc -c) = 32 && test \"\$(stat -c %a '$stack/token.txt')\" = 600 && grep -q 'generated secret token in $stack/token.txt' '$work/build1.log' && ! grep -qF \"\$(cat '$stack/token.txt')\" '$work/build1.log'"
check "one progress line per step, with its cache state" grep -Eq '^\[web 4/16\] (built|cached) +RUN apt-get update' "$work/build1.log"
check "a summary at the end" grep -Eq '^built 2 images: 21 steps' "$work/build1.log"
p=$work/out/plans
check "plan: ENTRYPOINT and CMD in exec form" sh -c "grep -x 'entrypoint busybox' $p/web.plan && grep -x 'cmd /srv/www' $p/web.plan"
check "plan: build arg from compose reaches ENV" grep -qx 'env GREETING=hello-from-compose' "$p/web.plan"
check "plan: compose environment, user, workdir, stop signal" sh -c "grep -qx 'env FROM_COMPOSE=yes' $p/web.plan && grep -qx 'user www-data' $p/web.plan && grep -qx 'workdir /srv/www' $p/web.plan && grep -qx 'stop_signal SIGINT' $p/web.plan"
check "plan: the named volume at its driver_opts device" grep -qx "volume site $DATA/site:/srv/data" "$p/web.plan"
check "plan: network address, published port, restart, compose healthcheck" sh -c "grep -qx 'network inner 172.18.0.2/16' $p/web.plan && grep -qx 'publish 18081:8080' $p/web.plan && grep -qx 'restart always' $p/web.plan && grep -qx 'health_shell test -f /srv/www/index.html' $p/web.plan && grep -qx 'health_interval 1000' $p/web.plan"
check "plan: app on web's layers plus its own, healthy dependency, limits" sh -c "test \$(grep -c '^layer ' $p/app.plan) = \$((\$(grep -c '^layer ' $p/web.plan) + 1)) && grep -qx 'depends_on web service_healthy' $p/app.plan && grep -qx 'memory_max 67108864' $p/app.plan && grep -qx 'pids_max 50' $p/app.plan"
check "plan: ENTRYPOINT [] in app clears web's entrypoint" sh -c "! grep -q '^entrypoint' $p/app.plan"
check "the secret is copied for the appliance, 0400" sh -c "test \"\$(stat -c %a $work/out/secrets/token)\" = 400 && cmp -s $work/out/secrets/token $stack/token.txt"
check "each image's config is written as JSON" python3 -c "
import json
c = json.load(open('$work/out/images/web:1.0.json'))['Config']
assert c['User'] == 'www-data' and c['ExposedPorts'] == ['8080/tcp'] and c['StopSignal'] == 'SIGINT', c
assert 'org.example.test=builder fixture' in c['Labels'] and c['Healthcheck']['Kind'] == 'CMD-SHELL', c
"
check "no secret in any layer (each unpacked)" sh -c "for l in \$(sed -n 's/^layer //p' $p/app.plan); do rm -rf $work/x && fsck.erofs --extract=$work/x \$l >/dev/null || exit 1; ls -R $work/x | grep -q token && exit 1; test -e $work/x/srv/www/secret.txt && exit 1; done; rm -rf $work/x"

unshare -n "$hostd" daemon --plans "$p" --state "$work/state" >"$work/daemon.log" 2>&1 &
dpid=$!
wait_log="$work/daemon.log"
ctl() { "$hostd" ctl "$@"; }
wait_for "web becomes healthy (the compose healthcheck)" sh -c "'$hostd' ctl ps | grep '^web ' | grep -q '(healthy)'"
wait_for "app starts after it" sh -c "'$hostd' ctl ps | grep -q '^app '"
check "the RUN-installed busybox serves the COPY'd site on the published port" sh -c "nsenter -t $dpid -n ip link set lo up; nsenter -t $dpid -n busybox wget -qO- http://127.0.0.1:18081/ | grep -q 'built by hostd-build'"
check "PID 1 of web is the daemon, as the image's user" sh -c "test \"\$('$hostd' ctl exec web cat /proc/1/cmdline | tr '\\0' ' ')\" = 'busybox httpd -f -p 8080 -h /srv/www ' && test \"\$('$hostd' ctl exec web id -un)\" = www-data"
check "a file removed by a RUN step is gone (whiteout)" sh -c "! '$hostd' ctl exec web test -e /etc/debian_version"
check "a directory replaced by a RUN step holds only the new file (opaque)" sh -c "test \"\$('$hostd' ctl exec web ls /usr/share/doc)\" = only"
check "COPY --chown: owned by www-data" sh -c "test \"\$('$hostd' ctl exec web stat -c %U:%G /srv/www/index.html)\" = www-data:www-data"
check ".dockerignore kept secret.txt and *.swp out" sh -c "! '$hostd' ctl exec web test -e /srv/www/secret.txt && ! '$hostd' ctl exec web test -e /srv/www/index.html.swp"
check "COPY with a glob into a new directory" sh -c "test \"\$('$hostd' ctl exec web ls /etc/web)\" = \"\$(printf 'other.conf\\nweb.conf')\""
check "RUN saw the build arg" sh -c "test \"\$('$hostd' ctl exec web cat /srv/greeting)\" = hello-from-compose"
check "the secret is in /run/secrets, root's only (0400)" sh -c "pid=\$('$hostd' ctl inspect --format '{{.State.Pid}}' web); cmp -s /proc/\$pid/root/run/secrets/token $stack/token.txt && test \"\$(stat -c %a /proc/\$pid/root/run/secrets/token)\" = 400"
check "the volume is shared with the host" sh -c "echo hi >$DATA/site/f && test \"\$('$hostd' ctl exec web cat /srv/data/f)\" = hi"
check "app, FROM web:1.0, has both layers and reaches web by name" sh -c "grep -qx 'app on top of web' $work/state/logs/app.log && '$hostd' ctl exec app busybox wget -qO- http://web:8080/ | grep -q 'built by hostd-build'"
kill -TERM "$dpid"
wait_for "the stack stops" sh -c "! kill -0 $dpid"
dpid=

if run_build "$work/build2.log"; then ok "a rebuild with nothing changed"; else bad "a rebuild with nothing changed"; fi
check "... runs no step" grep -Eq '^built 2 images: 21 steps, 0 run' "$work/build2.log"
echo "listen = 8081 # $(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" >"$stack/web/conf/web.conf"	# new content, whatever the shared cache holds
if run_build "$work/build3.log"; then ok "a rebuild after one config file changed"; else bad "a rebuild after one config file changed"; fi
check "... runs that COPY and what follows it only (web: COPY conf, RUN echo; app: RUN)" sh -c "grep -Eq '^built 2 images: 21 steps, 3 run' '$work/build3.log' && grep -Eq '^\[web 4/16\] cached' '$work/build3.log' && grep -Eq '^\[web 7/16\] cached' '$work/build3.log' && grep -Eq '^\[web 8/16\] built' '$work/build3.log'"
# A .env value with a line break, interpolated into a command, would be a
# plan line of its own (volume /:/hostroot): the build is refused with the
# service and the key named, and no plan is written or changed.
printf 'ATTACK="x\\nvolume /:/hostroot"\n' >"$stack/attack.env"
sed 's|^    pids_limit: 50$|&\n    command: ["busybox", "${ATTACK}"]|' "$stack/docker-compose.yml" >"$stack/attack.yml"
at=$(grep -n 'command: \["busybox", "${ATTACK}"\]' "$stack/attack.yml" | cut -d: -f1)
cp -a "$p" "$work/plans.before"
attack() { # attack OUT LOG
	"$build" --out "$1" --layers-at "$cache/layers" --secrets-at "$1/secrets" \
		--env "$stack/attack.env" "$stack/attack.yml" >"$2" 2>&1
}
attack "$work/out" "$work/attack1.log"
check "a line break from .env in a command: refused, the service and the key named" sh -c "test $? != 0 && grep -qxF 'hostd-build: $stack/attack.yml:$at: service app: command[1]: a line break cannot be carried in a plan value' '$work/attack1.log'"
check "... the last build's plans kept as they were" sh -c "diff -r '$work/plans.before' '$p' && ! grep -rq hostroot '$p'"
attack "$work/out-fresh" "$work/attack2.log"
check "... and into a new directory, no plan written" sh -c "test $? != 0 && grep -q 'service app: command\[1\]: a line break' '$work/attack2.log' && ! ls '$work/out-fresh/plans'/*.plan 2>/dev/null"
echo 'RUN true' >>"$stack/web/Dockerfile"
echo 'FROBNICATE x' >>"$stack/web/Dockerfile"
"$build" --out "$work/out" "$stack/docker-compose.yml" >"$work/bad.log" 2>&1
check "an unknown instruction: file:line, nothing built" sh -c "test $? != 0 && grep -q 'web/Dockerfile:25: unknown instruction: FROBNICATE' '$work/bad.log'"
summary
