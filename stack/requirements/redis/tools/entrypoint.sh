#!/bin/sh
# Redis's entrypoint, run as root: writes the runtime configuration with
# the password from /run/secrets/redis_password (0400 root) into
# /run/redis/redis.conf, readable by the redis user only, then runs
# redis-server in the foreground as PID 1 under that user.
set -eu
say() { echo "redis-entrypoint: $*" >&2; }
die() { say "$*"; exit 1; }

secret=/run/secrets/redis_password
[ -s "$secret" ] || die "secret redis_password is missing or empty ($secret)"
password=$(tr -d '\n' <"$secret")
# Redis's configuration syntax quotes values; a password of these
# characters needs none (hostd-build generates letters and digits).
case $password in
*[!A-Za-z0-9._~+/=-]*) die "the redis_password secret may hold only letters, digits and ._~+/=-" ;;
esac
[ ${#password} -ge 16 ] || die "the redis_password secret is shorter than 16 characters"

mkdir -p /run/redis
chown redis:redis /run/redis
chmod 0700 /run/redis
umask 077
{
	echo "include /etc/redis/inception.conf"
	echo "requirepass $password"
} >/run/redis/redis.conf.new
chown redis:redis /run/redis/redis.conf.new
mv /run/redis/redis.conf.new /run/redis/redis.conf
# For the health check (redis-cli reads REDISCLI_AUTH from its
# environment): the same password, a file only root and redis can read.
printf '%s' "$password" >/run/redis/auth
chown redis:redis /run/redis/auth

exec setpriv --reuid=redis --regid=redis --init-groups "$@"
