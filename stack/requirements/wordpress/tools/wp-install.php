<?php
/*
 * The WordPress install, done once, with WordPress's own functions (there
 * is no wp-cli in Debian): wp_install() for the site and its
 * administrator, wp_insert_user() for the second user. Run by the
 * entrypoint, as www-data, on every start: an installed site is left as it
 * is ("already installed"). Everything comes from the environment, which
 * the entrypoint filled from stack/.env and /run/secrets.
 */
function fail($msg)
{
	fwrite(STDERR, "wp-install: $msg\n");
	exit(1);
}

function env($key)
{
	$v = getenv($key);
	if ($v === false || $v === '')
		fail("$key is not set (stack/.env or secrets/)");
	return $v;
}

$url = preg_replace('#:443$#', '', env('WP_URL'));
$admin = env('WP_ADMIN_USER');
$user = env('WP_USER');
$role = env('WP_USER_ROLE');
if (stripos($admin, 'admin') !== false)
	fail("WP_ADMIN_USER '$admin' contains \"admin\": the administrator's name must not");
if (strcasecmp($admin, $user) == 0)
	fail("WP_ADMIN_USER and WP_USER are the same name: two users are needed");

/* The database may still be starting: wait for it, bounded. */
mysqli_report(MYSQLI_REPORT_OFF);
$deadline = time() + 120;
for (;;) {
	$db = @mysqli_connect(env('MYSQL_HOST'), env('MYSQL_USER'), env('MYSQL_PASSWORD'),
			      env('MYSQL_DATABASE'));
	if ($db)
		break;
	if (time() >= $deadline)
		fail('no database at ' . getenv('MYSQL_HOST') . ' after 120 s: ' . mysqli_connect_error());
	sleep(1);
}
/* Installed already (the usual case, every start but the first): said
 * from one query, without loading WordPress (seconds under emulation). */
$r = @mysqli_query($db, "SELECT option_value FROM wp_options WHERE option_name = 'inception_installed'");
if ($r && ($row = mysqli_fetch_row($r))) {
	echo "wp-install: already installed (on $row[0])\n";
	exit(0);
}
mysqli_close($db);

/* What a web request would carry. */
$parts = parse_url($url);
$_SERVER['HTTP_HOST'] = $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['HTTPS'] = 'on';

define('WP_INSTALLING', true);
/* No mail leaves the VM: WordPress's "new site" e-mail is skipped. */
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password)
{
}
require '/var/www/html/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-includes/user.php';

if (is_blog_installed() && get_option('inception_installed')) {
	echo "wp-install: already installed: " . get_option('home') . "\n";
	exit(0);
}
if (!is_blog_installed()) {
	$r = wp_install(env('WP_TITLE'), $admin, env('WP_ADMIN_EMAIL'), true, '',
			wp_slash(env('WP_ADMIN_PASSWORD')));
	if (is_wp_error($r))
		fail('wp_install: ' . $r->get_error_message());
	echo "wp-install: installed $url, administrator $admin\n";
}

if (!get_role($role) || $role === 'administrator')
	fail("WP_USER_ROLE '$role' is not a WordPress role other than administrator");
if (!username_exists($user)) {
	$id = wp_insert_user(array(
		'user_login' => $user,
		'user_pass' => env('WP_USER_PASSWORD'),
		'user_email' => env('WP_USER_EMAIL'),
		'display_name' => $user,
		'role' => $role,
	));
	if (is_wp_error($id))
		fail("wp_insert_user $user: " . $id->get_error_message());
	echo "wp-install: user $user ($role) created\n";
}

/* Only registered users comment, and their comments appear at once (not
 * held until an earlier comment of theirs was approved). */
update_option('comment_registration', 1);
update_option('comment_previously_approved', 0);
update_option('inception_installed', gmdate('c'));
