<?php
/*
 * WordPress's persistent object cache in the Inception stack, kept in the
 * redis container through the php-redis extension. The entrypoint copies
 * it to wp-content/object-cache.php, where WordPress loads it in place of
 * its own per-request cache (wp-includes/class-wp-object-cache.php), whose
 * behaviour it keeps: a per-request array in front, Redis behind it.
 *
 * Keys in Redis: PREFIX[BLOG:]GROUP:KEY, PREFIX being WP_CACHE_KEY_SALT
 * (when defined) or "wp:", and BLOG the blog's id for all but the global
 * groups. Integers are stored as plain numbers (incr and decr run in Redis,
 * in one Lua script), every other value as PHP's serialize() of it.
 *
 * Redis is optional: when it cannot be reached, or fails mid-request, the
 * request goes on with the per-request array alone and never fails. One
 * line goes to php-fpm's log, and a marker file in the temporary directory
 * keeps the next requests, for 2 s, from waiting on a connect of their own.
 * Writes that could not reach Redis leave another marker: the first
 * request that connects again flushes our keys, which may be out of date.
 */

/* WordPress's API: each function hands over to the method of the same
 * name of $wp_object_cache, made by wp_cache_init(). */
function wp_cache_init()
{
	$GLOBALS['wp_object_cache'] = new WP_Object_Cache();
}

function wp_cache_add($key, $data, $group = '', $expire = 0)
{
	return $GLOBALS['wp_object_cache']->add($key, $data, $group, (int) $expire);
}

function wp_cache_add_multiple(array $data, $group = '', $expire = 0)
{
	return $GLOBALS['wp_object_cache']->add_multiple($data, $group, (int) $expire);
}

function wp_cache_replace($key, $data, $group = '', $expire = 0)
{
	return $GLOBALS['wp_object_cache']->replace($key, $data, $group, (int) $expire);
}

function wp_cache_set($key, $data, $group = '', $expire = 0)
{
	return $GLOBALS['wp_object_cache']->set($key, $data, $group, (int) $expire);
}

function wp_cache_set_multiple(array $data, $group = '', $expire = 0)
{
	return $GLOBALS['wp_object_cache']->set_multiple($data, $group, (int) $expire);
}

function wp_cache_get($key, $group = '', $force = false, &$found = null)
{
	return $GLOBALS['wp_object_cache']->get($key, $group, $force, $found);
}

function wp_cache_get_multiple($keys, $group = '', $force = false)
{
	return $GLOBALS['wp_object_cache']->get_multiple($keys, $group, $force);
}

function wp_cache_delete($key, $group = '')
{
	return $GLOBALS['wp_object_cache']->delete($key, $group);
}

function wp_cache_delete_multiple(array $keys, $group = '')
{
	return $GLOBALS['wp_object_cache']->delete_multiple($keys, $group);
}

function wp_cache_incr($key, $offset = 1, $group = '')
{
	return $GLOBALS['wp_object_cache']->incr($key, $offset, $group);
}

function wp_cache_decr($key, $offset = 1, $group = '')
{
	return $GLOBALS['wp_object_cache']->decr($key, $offset, $group);
}

function wp_cache_flush()
{
	return $GLOBALS['wp_object_cache']->flush();
}

function wp_cache_flush_runtime()
{
	return $GLOBALS['wp_object_cache']->flush_runtime();
}

function wp_cache_flush_group($group)
{
	return $GLOBALS['wp_object_cache']->flush_group($group);
}

function wp_cache_supports($feature)
{
	return in_array($feature, array('add_multiple', 'set_multiple', 'get_multiple',
					'delete_multiple', 'flush_runtime', 'flush_group'), true);
}

function wp_cache_close()
{
	return $GLOBALS['wp_object_cache']->close();
}

function wp_cache_add_global_groups($groups)
{
	$GLOBALS['wp_object_cache']->add_global_groups($groups);
}

function wp_cache_add_non_persistent_groups($groups)
{
	$GLOBALS['wp_object_cache']->add_non_persistent_groups($groups);
}

function wp_cache_switch_to_blog($blog_id)
{
	$GLOBALS['wp_object_cache']->switch_to_blog($blog_id);
}

function wp_cache_reset()
{
	if (function_exists('_deprecated_function'))
		_deprecated_function(__FUNCTION__, '3.5.0', 'wp_cache_switch_to_blog()');
	$GLOBALS['wp_object_cache']->reset();
}

#[AllowDynamicProperties]
class WP_Object_Cache
{
	const DOWN_MARKER = 'inception-redis-down';	/* mtime: last failure */
	const STALE_MARKER = 'inception-redis-stale';	/* writes Redis missed */
	const DOWN_SECONDS = 2;

	/* Adds ARGV[1] to an existing number, never going below 0 and keeping
	 * the key's time to live; a value that is no number counts as 0 (as
	 * in core). Returns nil for a missing key. */
	const INCR_LUA = <<<'LUA'
local v = redis.call('GET', KEYS[1])
if not v then return false end
local s = string.match(v, '^(-?%d+)$') or string.match(v, '^s:%d+:"(-?%d+)%.?%d*";$')
	or string.match(v, '^d:(-?%d+)%.?%d*;$')
local n = (s and tonumber(s) or 0) + tonumber(ARGV[1])
if n < 0 then n = 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
	redis.call('SET', KEYS[1], string.format('%d', n), 'PX', ttl)
else
	redis.call('SET', KEYS[1], string.format('%d', n))
end
return n
LUA;

	public $cache_hits = 0;
	public $cache_misses = 0;

	/* The per-request cache: $cache[group][id] = value, id = [BLOG:]KEY. */
	private $cache = array();
	protected $global_groups = array();
	protected $non_persistent_groups = array();
	private $blog_id;
	private $prefix;
	private $host;
	private $port;
	/* null: not tried yet; false: unavailable for the rest of this request. */
	private $redis = null;
	private $stale_marked = false;

	public function __construct()
	{
		$this->blog_id = (int) get_current_blog_id();
		$this->prefix = defined('WP_CACHE_KEY_SALT') && WP_CACHE_KEY_SALT !== ''
			? rtrim(WP_CACHE_KEY_SALT, ':') . ':' : 'wp:';
		$host = getenv('REDIS_HOST');
		$port = (int) getenv('REDIS_PORT');
		$this->host = $host !== false && $host !== '' ? $host : 'redis';
		$this->port = $port > 0 ? $port : 6379;
	}

	public function add($key, $data, $group = 'default', $expire = 0)
	{
		if ((function_exists('wp_suspend_cache_addition') && wp_suspend_cache_addition())
		    || !$this->valid($key))
			return false;
		$group = self::group($group);
		list($id, $rkey) = $this->locate($key, $group);
		if ($this->exists($id, $group))
			return false;
		if ($this->persistent($group)) {
			$raw = self::encode($data);
			$opts = $expire > 0 ? array('nx', 'ex' => (int) $expire) : array('nx');
			/* false: the key is in Redis already; null: no Redis. */
			if ($raw !== null && $this->run(function ($r) use ($rkey, $raw, $opts) {
				return $r->set($rkey, $raw, $opts);
			}, true) === false)
				return false;
		}
		$this->store($id, $group, $data);
		return true;
	}

	public function add_multiple(array $data, $group = '', $expire = 0)
	{
		$values = array();
		foreach ($data as $key => $value)
			$values[$key] = $this->add($key, $value, $group, $expire);
		return $values;
	}

	public function replace($key, $data, $group = 'default', $expire = 0)
	{
		if (!$this->valid($key))
			return false;
		$group = self::group($group);
		list($id, $rkey) = $this->locate($key, $group);
		if ($this->exists($id, $group))
			return $this->set($key, $data, $group, $expire);
		if (!$this->persistent($group) || ($raw = self::encode($data)) === null)
			return false;
		$opts = $expire > 0 ? array('xx', 'ex' => (int) $expire) : array('xx');
		if (!$this->run(function ($r) use ($rkey, $raw, $opts) {
			return $r->set($rkey, $raw, $opts);
		}, true))
			return false;
		$this->store($id, $group, $data);
		return true;
	}

	public function set($key, $data, $group = 'default', $expire = 0)
	{
		if (!$this->valid($key))
			return false;
		return (bool) $this->set_multiple(array($key => $data), $group, $expire)[$key];
	}

	public function set_multiple(array $data, $group = '', $expire = 0)
	{
		$group = self::group($group);
		$expire = max(0, (int) $expire);
		$values = $writes = array();
		foreach ($data as $key => $value) {
			if (!($values[$key] = $this->valid($key)))
				continue;
			list($id, $rkey) = $this->locate($key, $group);
			$this->store($id, $group, $value);
			/* A value serialize() refuses (a closure) stays in this
			 * request and leaves no older copy in Redis. */
			$writes[$rkey] = self::encode($value);
		}
		if ($writes && $this->persistent($group))
			$this->run(function ($r) use ($writes, $expire) {
				$r->multi(Redis::PIPELINE);
				foreach ($writes as $rkey => $raw) {
					if ($raw === null)
						$r->del($rkey);
					elseif ($expire > 0)
						$r->setex($rkey, $expire, $raw);
					else
						$r->set($rkey, $raw);
				}
				return $r->exec();
			}, true);
		return $values;
	}

	public function get($key, $group = 'default', $force = false, &$found = null)
	{
		$found = false;
		if (!$this->valid($key))
			return false;
		return $this->get_multiple(array($key), $group, $force, $found)[$key];
	}

	/* $found (not in core's signature) tells get() whether its one key was
	 * found. */
	public function get_multiple($keys, $group = 'default', $force = false, &$found = null)
	{
		$group = self::group($group);
		$ids = $load = array();
		foreach ($keys as $key) {
			if (!$this->valid($key))
				continue;
			list($id, $rkey) = $this->locate($key, $group);
			$ids[$key] = $id;
			if ($force || !$this->exists($id, $group))
				$load[$id] = $rkey;
		}
		if ($load && $this->persistent($group))
			$this->load($load, $group);
		$values = array();
		foreach ($keys as $key) {
			$found = isset($ids[$key]) && $this->exists($ids[$key], $group);
			if (!isset($ids[$key])) {	/* not a key: no miss, as in core */
				$values[$key] = false;
				continue;
			}
			if (!$found) {
				$this->cache_misses++;
				$values[$key] = false;
				continue;
			}
			$this->cache_hits++;
			$value = $this->cache[$group][$ids[$key]];
			$values[$key] = is_object($value) ? clone $value : $value;
		}
		return $values;
	}

	public function delete($key, $group = 'default', $deprecated = false)
	{
		if (!$this->valid($key))
			return false;
		return $this->delete_multiple(array($key), $group)[$key];
	}

	public function delete_multiple(array $keys, $group = '')
	{
		$group = self::group($group);
		$values = $rkeys = array();
		foreach ($keys as $key) {
			if (!$this->valid($key)) {
				$values[$key] = false;
				continue;
			}
			list($id, $rkeys[$key]) = $this->locate($key, $group);
			$values[$key] = $this->exists($id, $group);
			unset($this->cache[$group][$id]);
		}
		if ($rkeys && $this->persistent($group)) {
			$deleted = $this->run(function ($r) use ($rkeys) {
				$r->multi(Redis::PIPELINE);
				foreach ($rkeys as $rkey)
					$r->del($rkey);
				return array_combine(array_keys($rkeys), $r->exec());
			}, true);
			foreach ((array) $deleted as $key => $n)
				$values[$key] = $values[$key] || $n > 0;
		}
		return $values;
	}

	public function incr($key, $offset = 1, $group = 'default')
	{
		if (!$this->valid($key))
			return false;
		$group = self::group($group);
		list($id, $rkey) = $this->locate($key, $group);
		if ($this->persistent($group)) {
			$n = $this->run(function ($r) use ($rkey, $offset) {
				return $r->eval(self::INCR_LUA, array($rkey, (int) $offset), 1);
			}, true);
			if (is_int($n))
				return $this->cache[$group][$id] = $n;
			if ($n === false) {	/* not in Redis (expired, evicted) */
				unset($this->cache[$group][$id]);
				return false;
			}
		}
		/* A group kept in memory, or no Redis: core's way. */
		if (!$this->exists($id, $group))
			return false;
		$value = $this->cache[$group][$id];
		$value = (is_numeric($value) ? $value : 0) + (int) $offset;
		return $this->cache[$group][$id] = $value < 0 ? 0 : $value;
	}

	public function decr($key, $offset = 1, $group = 'default')
	{
		return $this->incr($key, -(int) $offset, $group);
	}

	/* Empties this request's cache and, in Redis, our keys only (SCAN for
	 * the prefix, then UNLINK): the database may hold other data. False
	 * when Redis could not be reached (its copy is flushed when it is back). */
	public function flush()
	{
		$this->cache = array();
		return $this->run(function ($r) {
			return $this->unlink_matching($r, self::glob($this->prefix) . '*');
		}, true) !== null;
	}

	public function flush_runtime()
	{
		$this->cache = array();
		return true;
	}

	/* A group's keys, of every blog for a group that is not global. */
	public function flush_group($group)
	{
		$group = self::group($group);
		unset($this->cache[$group]);
		if (!$this->persistent($group))
			return true;
		if (isset($this->global_groups[$group])) {
			$pattern = self::glob($this->prefix . $group . ':') . '*';
			$regex = null;
		} else {
			$pattern = self::glob($this->prefix) . '*:' . self::glob($group . ':') . '*';
			$regex = '/^' . preg_quote($this->prefix, '/') . '\d+:' . preg_quote($group . ':', '/') . '/';
		}
		return $this->run(function ($r) use ($pattern, $regex) {
			return $this->unlink_matching($r, $pattern, $regex);
		}, true) !== null;
	}

	public function close()
	{
		if ($this->redis) {
			try {
				$this->redis->close();
			} catch (Throwable $e) {
			}
		}
		$this->redis = null;
		return true;
	}

	public function add_global_groups($groups)
	{
		$this->global_groups = array_merge($this->global_groups, array_fill_keys((array) $groups, true));
	}

	public function add_non_persistent_groups($groups)
	{
		$this->non_persistent_groups = array_merge($this->non_persistent_groups,
							   array_fill_keys((array) $groups, true));
	}

	public function switch_to_blog($blog_id)
	{
		$this->blog_id = (int) $blog_id;
	}

	/* Deprecated since 3.5.0: forgets this request's groups that are not
	 * global (Redis keeps them, under the blog's id). */
	public function reset()
	{
		if (function_exists('_deprecated_function'))
			_deprecated_function(__FUNCTION__, '3.5.0', 'WP_Object_Cache::switch_to_blog()');
		foreach (array_keys($this->cache) as $group)
			if (!isset($this->global_groups[$group]))
				unset($this->cache[$group]);
	}

	public function stats()
	{
		echo '<p><strong>Cache Hits:</strong> ' . $this->cache_hits . '<br />';
		echo '<strong>Cache Misses:</strong> ' . $this->cache_misses . '<br />';
		echo '<strong>Redis:</strong> ' . htmlspecialchars($this->host . ':' . $this->port)
			. ($this->redis ? ', connected' : ($this->redis === false ? ', unavailable' : ', not used yet'))
			. '</p><ul>';
		foreach ($this->cache as $group => $cache)
			echo '<li><strong>Group:</strong> ' . htmlspecialchars($group) . ' - ( '
				. number_format(strlen(serialize($cache)) / 1024, 2) . 'k )</li>';
		echo '</ul>';
	}

	/* Core's rule: an integer, or a string that is not blank. */
	private function valid($key)
	{
		if (is_int($key) || (is_string($key) && trim($key) !== ''))
			return true;
		if (function_exists('_doing_it_wrong'))
			_doing_it_wrong(__CLASS__ . '::' . debug_backtrace(DEBUG_BACKTRACE_IGNORE_ARGS, 2)[1]['function'],
					'Cache key must be an integer or a non-empty string.', '6.1.0');
		return false;
	}

	private static function group($group)
	{
		return empty($group) ? 'default' : $group;
	}

	private function persistent($group)
	{
		return !isset($this->non_persistent_groups[$group]);
	}

	/* The key's id in $cache[$group] and its name in Redis. */
	private function locate($key, $group)
	{
		$blog = isset($this->global_groups[$group]) ? '' : $this->blog_id . ':';
		return array($blog . $key, $this->prefix . $blog . $group . ':' . $key);
	}

	private function exists($id, $group)
	{
		return isset($this->cache[$group]) && array_key_exists($id, $this->cache[$group]);
	}

	/* A copy: changing the caller's object must not change the cache. */
	private function store($id, $group, $data)
	{
		$this->cache[$group][$id] = is_object($data) ? clone $data : $data;
	}

	/* Reads $rkeys (id => Redis key) into $cache[$group] with one MGET;
	 * a key Redis does not hold leaves the request's cache too. */
	private function load(array $rkeys, $group)
	{
		$raw = $this->run(function ($r) use ($rkeys) {
			return $r->mget(array_values($rkeys));
		});
		if (!is_array($raw))
			return;
		foreach (array_keys($rkeys) as $i => $id) {
			if ($raw[$i] !== false && self::decode($raw[$i], $value))
				$this->cache[$group][$id] = $value;
			else
				unset($this->cache[$group][$id]);
		}
	}

	private static function encode($data)
	{
		if (is_int($data))
			return (string) $data;
		try {
			return serialize($data);
		} catch (Throwable $e) {
			return null;
		}
	}

	private static function decode($raw, &$value)
	{
		if (preg_match('/^-?\d+$/D', $raw))
			$value = (int) $raw;
		else
			$value = @unserialize($raw);
		return $value !== false || $raw === 'b:0;';
	}

	/* A string matched literally by SCAN's MATCH. */
	private static function glob($s)
	{
		return addcslashes($s, '*?[]\\');
	}

	private function unlink_matching($r, $pattern, $regex = null)
	{
		$n = 0;
		$it = null;
		while (($keys = $r->scan($it, $pattern, 1000)) !== false) {
			if ($regex !== null)
				$keys = preg_grep($regex, $keys);
			if ($keys)
				$n += $r->unlink(array_values($keys));
		}
		return $n;
	}

	/* Runs $fn with the connection. null when Redis is unavailable or
	 * fails: the request then goes on without it. A write that Redis
	 * missed marks its keys as possibly out of date. */
	private function run($fn, $write = false)
	{
		$r = $this->connect();
		if ($r) {
			try {
				return $fn($r);
			} catch (Throwable $e) {
				$this->down($e->getMessage());
			}
		}
		if ($write && !$this->stale_marked) {
			$this->stale_marked = true;
			self::touch(self::STALE_MARKER);
		}
		return null;
	}

	/* Once per request, and not while another request's failure is recent. */
	private function connect()
	{
		if ($this->redis !== null)
			return $this->redis ?: null;
		$this->redis = false;
		if (self::recent_failure())
			return null;
		try {
			if (!class_exists('Redis'))
				throw new RuntimeException('the php-redis extension is not loaded');
			$r = new Redis();
			if (!$r->connect($this->host, $this->port, 0.25, null, 0, 1.0))
				throw new RuntimeException('connect failed');
			$password = getenv('REDIS_PASSWORD');
			if ($password !== false && $password !== '' && !$r->auth($password))
				throw new RuntimeException('AUTH refused');
			$r->setOption(Redis::OPT_SCAN, Redis::SCAN_RETRY);
			$this->redis = $r;
			/* Some writes missed Redis: our keys there may be out of
			 * date. unlink() lets one request only do the flush. */
			$stale = sys_get_temp_dir() . '/' . self::STALE_MARKER;
			if (is_file($stale) && @unlink($stale)) {
				$n = $this->unlink_matching($r, self::glob($this->prefix) . '*');
				error_log("object-cache: Redis at {$this->host}:{$this->port} is back; it missed"
					  . " some writes, so our $n keys there were flushed");
			}
			return $r;
		} catch (Throwable $e) {
			$this->down($e->getMessage());
			return null;
		}
	}

	private function down($why)
	{
		$this->close();
		$this->redis = false;
		if (self::recent_failure())
			return;	/* another request said it already */
		self::touch(self::DOWN_MARKER);
		error_log("object-cache: Redis at {$this->host}:{$this->port}: $why; "
			  . 'caching in memory only, connects again after ' . self::DOWN_SECONDS . ' s');
	}

	/* The marker's mtime has whole seconds: "<=" waits 2 s at least. */
	private static function recent_failure()
	{
		$marker = sys_get_temp_dir() . '/' . self::DOWN_MARKER;
		clearstatcache(true, $marker);
		return is_file($marker) && time() - filemtime($marker) <= self::DOWN_SECONDS;
	}

	/* Writable by all: php-fpm's www-data and a root's php alike. */
	private static function touch($name)
	{
		$path = sys_get_temp_dir() . '/' . $name;
		if (@touch($path))
			@chmod($path, 0666);
	}
}
