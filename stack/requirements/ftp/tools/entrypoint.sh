#!/bin/sh
# vsftpd's entrypoint, run as root at every start: makes the one FTP
# account (FTP_USER, password from the ftp_password secret) with uid and
# gid 33, those of www-data, so that what it uploads to the site volume is
# the web server's and php-fpm's like the rest of the site; lets only that
# name in (the user list); checks the TLS secrets; then execs vsftpd (under
# tini, PID 1: see the Dockerfile) with pasv_address from FTP_PASV_ADDRESS
# (default 127.0.0.1, where the published passive ports are reached) and
# fd 3 a copy of stdout, for its log (see conf/vsftpd.conf). Safe to run
# again: the account is created or brought in line with the environment
# and the secret.
set -eu
site=/var/www/html
shell=/usr/sbin/nologin
say() { echo "ftp-entrypoint: $*" >&2; }
die() { say "$*"; exit 1; }

secret_present() {
	[ -s "/run/secrets/$1" ] || die "secret $1 is missing or empty (/run/secrets/$1)"
}

user=${FTP_USER:-}
[ -n "$user" ] || die "FTP_USER is not set or empty (stack/.env)"
[ "$user" != root ] || die "FTP_USER may not be root"
case $user in
[a-z_]*) ;;
*) die "FTP_USER '$user' must start with a-z or _ (then a-z, 0-9, _ or -)" ;;
esac
case $user in
*[!a-z0-9_-]*) die "FTP_USER '$user' may hold only a-z, 0-9, _ and - (and start with a-z or _)" ;;
esac
[ ${#user} -le 32 ] || die "FTP_USER '$user' is longer than 32 characters"
if grep -qx "$user" /etc/ftpusers; then
	die "FTP_USER '$user' is a system account that /etc/ftpusers bars from FTP"
fi

secret_present ftp_password
password=$(cat /run/secrets/ftp_password)
case $password in
*'
'*) die "secret ftp_password holds more than one line" ;;
esac
[ ${#password} -le 128 ] || die "secret ftp_password is longer than 128 characters (vsftpd's limit)"
secret_present tls_cert
secret_present tls_key

addr=${FTP_PASV_ADDRESS:-127.0.0.1}
case $addr in
*[!0-9.]* | *..* | .* | *.) die "FTP_PASV_ADDRESS '$addr' is not an IPv4 address" ;;
esac
[ "$(echo "$addr" | awk -F. 'NF == 4 && $1 <= 255 && $2 <= 255 && $3 <= 255 && $4 <= 255')" ] ||
	die "FTP_PASV_ADDRESS '$addr' is not an IPv4 address"

[ -d "$site" ] || die "$site is missing (the site volume)"

# The account: uid 33 shared with www-data (-o), group www-data, the site
# as home, no shell (nologin, which the Dockerfile lists in /etc/shells for
# PAM's pam_shells). An account of the image with another uid is refused.
if entry=$(getent passwd "$user"); then
	uid=$(echo "$entry" | cut -d: -f3)
	[ "$uid" = 33 ] || die "FTP_USER '$user' is an account of the image (uid $uid); choose another name"
	case $entry in
	"$user":*:33:33:*:"$site":"$shell") ;;
	*) usermod -g 33 -d "$site" -s "$shell" "$user" ||
		die "updating the account $user failed (usermod)" ;;
	esac
else
	useradd -K UID_MIN=1 -o -u 33 -g 33 -d "$site" -M -s "$shell" -c "FTP account" "$user" ||
		die "creating the account $user failed (useradd)"
	say "created the FTP account $user (uid 33, gid 33)"
fi
# Accounts an earlier FTP_USER left (uid 33, other than www-data): gone.
awk -F: -v u="$user" '$3 == 33 && $1 != "www-data" && $1 != u { print $1 }' /etc/passwd |
while read -r old; do
	userdel "$old" || die "removing the old FTP account $old failed (userdel)"
	say "removed the old FTP account $old"
done
printf '%s:%s\n' "$user" "$password" | chpasswd || die "setting the password of $user failed (chpasswd)"
unset password
printf '%s\n' "$user" >/etc/vsftpd.userlist
chmod 644 /etc/vsftpd.userlist

[ "$(stat -c %u "$site")" = 33 ] ||
	say "warning: $site is not owned by uid 33 (www-data): uploads to its top may be refused"

mkdir -p /var/run/vsftpd/empty
chmod 755 /var/run/vsftpd/empty

# No command (a compose "entrypoint:" drops the image's CMD): vsftpd.
[ $# -gt 0 ] || set -- vsftpd /etc/vsftpd.conf
if [ "$1" = vsftpd ]; then
	set -- "$@" "-opasv_address=$addr"
	say "vsftpd: user $user, site $site, passive ports 21000-21009 at $addr"
fi
exec "$@" 3>&1
