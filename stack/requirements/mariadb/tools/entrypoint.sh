#!/bin/sh
# MariaDB's entrypoint, run as root: reads the passwords from
# /run/secrets (0400 root), makes sure the data directory holds the
# system tables, the WordPress database and its user, with the passwords
# the secrets give, then execs mariadbd as PID 1 (it drops to the mysql
# user itself). Safe to run on every start: an initialised directory is
# never initialised again; the accounts are brought in line with the
# secrets in a server that has no network and no socket (--bootstrap).
set -eu
datadir=/var/lib/mysql
say() { echo "mariadb-entrypoint: $*" >&2; }
die() { say "$*"; exit 1; }

secret() {
	[ -s "/run/secrets/$1" ] || die "secret $1 is missing or empty (/run/secrets/$1)"
	tr -d '\n' <"/run/secrets/$1"
}
# SQL string literal contents: backslash and quote escaped.
sql_quote() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }

: "${MYSQL_DATABASE:?MYSQL_DATABASE is not set (stack/.env)}"
: "${MYSQL_USER:?MYSQL_USER is not set (stack/.env)}"
case $MYSQL_DATABASE$MYSQL_USER in
*[!A-Za-z0-9_]*) die "MYSQL_DATABASE and MYSQL_USER may hold only A-Z, a-z, 0-9 and _" ;;
esac
root_pw=$(sql_quote "$(secret db_root_password)")
user_pw=$(sql_quote "$(secret db_password)")

mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld "$datadir"

if [ ! -d "$datadir/mysql" ]; then
	say "empty data directory: creating the system tables"
	mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
		--auth-root-authentication-method=normal >/dev/null ||
		die "mariadb-install-db failed"
	first=1
else
	first=0
fi

# Accounts, every start: root only with its password, over the socket
# and over loopback TCP alike (no unix_socket login, no anonymous or
# remote root), the WordPress user on its database,
# and mysql@localhost, with no privilege, for the OS user mysql over the
# local socket only: the health check's "mariadb-admin ping" runs as that
# user and so logs in without a password and without an "Access denied".
mariadbd --user=mysql --datadir="$datadir" --bootstrap --skip-networking \
	>/dev/null <<SQL || die "setting up the accounts failed (mariadbd --bootstrap)"
FLUSH PRIVILEGES;
DELETE FROM mysql.global_priv WHERE User = '';
DELETE FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost', '127.0.0.1', '::1');
ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$root_pw');
ALTER USER IF EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$root_pw';
ALTER USER IF EXISTS 'root'@'::1' IDENTIFIED BY '$root_pw';
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'%' IDENTIFIED BY '$user_pw';
ALTER USER '$MYSQL_USER'@'%' IDENTIFIED BY '$user_pw';
GRANT ALL PRIVILEGES ON \`$MYSQL_DATABASE\`.* TO '$MYSQL_USER'@'%';
CREATE USER IF NOT EXISTS 'mysql'@'localhost' IDENTIFIED VIA unix_socket;
ALTER USER 'mysql'@'localhost' IDENTIFIED VIA unix_socket;
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'mysql'@'localhost';
FLUSH PRIVILEGES;
SQL
unset root_pw user_pw
if [ "$first" = 1 ]; then
	say "initialised: database $MYSQL_DATABASE, user $MYSQL_USER"
else
	say "data directory already initialised; accounts checked"
fi

exec "$@"
