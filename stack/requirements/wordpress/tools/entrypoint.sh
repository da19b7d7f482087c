#!/bin/sh
# WordPress's entrypoint, run as root: puts the site files into the site
# volume on the first start, refreshes wp-config.php (which holds no
# password), installs WordPress once (tools/wp-install.php, as www-data),
# puts the Redis object cache in place, then execs php-fpm in the
# foreground as PID 1. The passwords are read here from /run/secrets
# (0400 root) before php-fpm drops to www-data.
set -eu
site=/var/www/html
say() { echo "wordpress-entrypoint: $*" >&2; }
die() { say "$*"; exit 1; }
secret() {
	[ -s "/run/secrets/$1" ] || die "secret $1 is missing or empty (/run/secrets/$1)"
	tr -d '\n' <"/run/secrets/$1"
}

MYSQL_PASSWORD=$(secret db_password)
export MYSQL_PASSWORD

# The copy is complete only once the marker is written, after a sync: a
# power cut in the middle (or before the page cache reached the disk)
# means copying again on the next start, not a site of empty files.
if [ ! -f "$site/.inception-copied" ]; then
	if [ -f "$site/wp-includes/version.php" ]; then
		say "site volume without its copy marker: copying WordPress's files again"
	else
		say "empty site volume: copying WordPress into $site"
	fi
	cp -a /usr/src/wordpress/. "$site/"
	chown -R www-data:www-data "$site"
	sync
	touch "$site/.inception-copied"
	sync
fi
install -o root -g www-data -m 0644 /usr/src/wordpress/wp-config.php "$site/wp-config.php"
if [ ! -s "$site/wp-salts.php" ]; then
	php -r 'echo "<?php\n"; foreach (["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY",
		"NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"] as $k)
		printf("define(%s, %s);\n", var_export($k, true), var_export(base64_encode(random_bytes(48)), true));' \
		>"$site/wp-salts.php.new"
	chown root:www-data "$site/wp-salts.php.new"
	chmod 0640 "$site/wp-salts.php.new"
	mv "$site/wp-salts.php.new" "$site/wp-salts.php"
	sync
fi

# The object cache: our drop-in, replaced at every start (an image update
# brings its new version), talking to the redis service with the password
# from the redis_password secret. Without that secret there is no cache
# and WordPress runs on the database alone.
if [ -s /run/secrets/redis_password ]; then
	REDIS_PASSWORD=$(secret redis_password)
	export REDIS_PASSWORD
	install -o www-data -g www-data -m 0644 /usr/local/lib/inception/object-cache.php \
		"$site/wp-content/object-cache.php"
else
	say "no redis_password secret: the Redis object cache is off"
	rm -f "$site/wp-content/object-cache.php"
fi

WP_ADMIN_PASSWORD=$(secret wp_admin_password) \
WP_USER_PASSWORD=$(secret wp_user_password) \
	setpriv --reuid=www-data --regid=www-data --init-groups \
	php /usr/local/lib/inception/wp-install.php || die "the WordPress install failed"

mkdir -p /run/php
exec "$@"
