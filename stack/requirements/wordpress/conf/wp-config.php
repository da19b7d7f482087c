<?php
/*
 * WordPress's configuration in the Inception stack, copied into the site
 * volume on every start of the wordpress container. It holds no password:
 * the database password reaches php-fpm as an environment variable that
 * the entrypoint read from /run/secrets/db_password. The salts are made
 * once, on the first start, in wp-salts.php beside this file.
 */
define('DB_NAME', getenv('MYSQL_DATABASE'));
define('DB_USER', getenv('MYSQL_USER'));
define('DB_PASSWORD', getenv('MYSQL_PASSWORD'));
define('DB_HOST', getenv('MYSQL_HOST'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');

/* https://LOGIN.42.fr, with the port when it is not 443 (stack/.env). */
$inception_url = preg_replace('#:443$#', '', (string) getenv('WP_URL'));
define('WP_HOME', $inception_url);
define('WP_SITEURL', $inception_url);
define('FORCE_SSL_ADMIN', true);

/* The VM reaches nothing outside: no update checks, no feeds, no HTTP to
 * other hosts, and no loopback request per page for WordPress's cron
 * (that would wait on a name the container cannot resolve). */
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
define('WP_DEBUG', false);

require __DIR__ . '/wp-salts.php';

$table_prefix = 'wp_';

if (!defined('ABSPATH'))
	define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
