/* copy: see copy.h. */
#include "build/copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build/path.h"
#include "common/user.h"
#include "common/util.h"

/* ---- sources ---------------------------------------------------------------- */

/* "./a//b/" -> "a/b"; "" and "/" -> ".". */
static void clean_rel(const char *in, char *out, size_t len)
{
	size_t n = 0;

	while (*in) {
		size_t l;

		while (*in == '/')
			in++;
		l = strcspn(in, "/");
		if (l == 1 && in[0] == '.') {
			in += l;
			continue;
		}
		if (l && n + l + 2 < len) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, in, l);
			n += l;
		}
		in += l;
	}
	if (!n)
		out[n++] = '.';
	out[n] = '\0';
}

/* Whether rel (clean, relative to the context) stays inside it once its
 * symlinks are resolved; -1: a path too long (reported). */
static int inside(const char *ctx_real, const char *context, const char *rel)
{
	char path[PATH_MAX], real[PATH_MAX];
	size_t l = strlen(ctx_real);

	if (pathf(path, sizeof(path), "%s/%s", context, rel) < 0)
		return -1;
	if (!realpath(path, real))
		return 0;
	return !strncmp(real, ctx_real, l) && (real[l] == '/' || real[l] == '\0');
}

static int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A source without a glob: it must exist and stay in the context. */
static int plain_source(const char *ctx_real, const char *context, const struct ignore *ig,
			const char *src, const char *rel, struct strv *out, char *err,
			size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	int in;

	if (pathf(path, sizeof(path), "%s/%s", context, rel) < 0)
		return -1;
	if ((strcmp(rel, ".") && ignore_match(ig, rel)) || lstat(path, &st) < 0) {
		snprintf(err, errlen, "%s: not found in the build context %s "
			 "(or excluded by .dockerignore)", src, context);
		return -1;
	}
	if ((in = inside(ctx_real, context, rel)) <= 0) {
		if (in == 0)
			snprintf(err, errlen, "%s: forbidden path outside the build context", src);
		return -1;
	}
	return strv_add(out, rel);
}

/* A source with a glob: what it matches (sorted), .dockerignore's
 * exclusions left out; at least one. */
static int glob_source(const char *ctx_real, const char *context, const struct ignore *ig,
		       const char *src, const char *rel, struct strv *out, char *err,
		       size_t errlen)
{
	char pat[PATH_MAX];
	glob_t g;
	size_t cl = strlen(context) + 1;
	int found = 0, r, rc = 0;

	if (pathf(pat, sizeof(pat), "%s/%s", context, rel) < 0)
		return -1;
	r = glob(pat, GLOB_NOSORT, NULL, &g);
	if (r != 0 && r != GLOB_NOMATCH) {
		snprintf(err, errlen, "%s: glob failed", src);
		return -1;
	}
	if (r == 0)
		qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), by_str);
	for (size_t k = 0; r == 0 && rc == 0 && k < g.gl_pathc; k++) {
		const char *m = g.gl_pathv[k] + cl;
		int in;

		if (ignore_match(ig, m))
			continue;
		if ((in = inside(ctx_real, context, m)) <= 0) {
			if (in == 0)
				snprintf(err, errlen, "%s: forbidden path outside the build context",
					 m);
			rc = -1;
		} else if ((rc = strv_add(out, m)) == 0) {
			found++;
		}
	}
	if (r == 0)
		globfree(&g);
	if (rc == 0 && !found) {
		snprintf(err, errlen, "%s: no source files were specified (nothing in %s "
			 "matches, or .dockerignore excludes it)", src, context);
		return -1;
	}
	return rc;
}

int copy_sources(const char *context, const struct ignore *ig, const char *const *srcs,
		 int n, struct strv *out, char *err, size_t errlen)
{
	char ctx_real[PATH_MAX], rel[PATH_MAX];

	err[0] = '\0';
	if (!realpath(context, ctx_real)) {
		snprintf(err, errlen, "build context %s: %s", context, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		clean_rel(srcs[i], rel, sizeof(rel));
		if (!strcmp(rel, "..") || !strncmp(rel, "../", 3)) {
			snprintf(err, errlen, "%s: forbidden path outside the build context", srcs[i]);
			return -1;
		}
		if ((has_glob(rel) ? glob_source : plain_source)(ctx_real, context, ig, srcs[i], rel,
								   out, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* ---- the cache key ---------------------------------------------------------- */

static int filter_entry(const struct dirent *de)
{
	return strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
}

/* rel/name, or name under the context itself ("."). */
static int sub_path(char *out, size_t len, const char *rel, const char *name)
{
	return strcmp(rel, ".") ? pathf(out, len, "%s/%s", rel, name) : pathf(out, len, "%s", name);
}

static int digest_tree(const char *context, const struct ignore *ig, const char *rel,
		       int top, struct digest *d, char *err, size_t errlen)
{
	char path[PATH_MAX], buf[PATH_MAX];
	struct stat st;

	if (pathf(path, sizeof(path), "%s/%s", context, rel) < 0) {
		err[0] = '\0';
		return -1;
	}
	if ((top ? stat(path, &st) : lstat(path, &st)) < 0) {
		snprintf(err, errlen, "stat %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s %o %lld", rel, (unsigned)st.st_mode,
		 S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL);
	digest_str(d, buf);
	if (S_ISLNK(st.st_mode)) {
		ssize_t l = readlink(path, buf, sizeof(buf) - 1);

		if (l < 0) {
			snprintf(err, errlen, "readlink %s: %s", path, strerror(errno));
			return -1;
		}
		buf[l] = '\0';
		digest_str(d, buf);
	} else if (S_ISREG(st.st_mode)) {
		char hex[65];

		if (digest_file(path, hex) < 0) {
			snprintf(err, errlen, "read %s: %s", path, strerror(errno));
			return -1;
		}
		digest_str(d, hex);
	} else if (S_ISDIR(st.st_mode)) {
		struct dirent **list;
		int n = scandir(path, &list, filter_entry, alphasort), rc = 0;

		if (n < 0) {
			snprintf(err, errlen, "read directory %s: %s", path, strerror(errno));
			return -1;
		}
		for (int i = 0; i < n; i++) {
			char sub[PATH_MAX];

			if (rc == 0 && sub_path(sub, sizeof(sub), rel, list[i]->d_name) < 0) {
				err[0] = '\0';
				rc = -1;
			}
			if (rc == 0 && !ignore_match(ig, sub))
				rc = digest_tree(context, ig, sub, 0, d, err, errlen);
			free(list[i]);
		}
		free(list);
		return rc;
	}
	return 0;
}

int copy_digest(const char *context, const struct ignore *ig, const struct strv *paths,
		struct digest *d, char *err, size_t errlen)
{
	for (int i = 0; i < paths->n; i++)
		if (digest_tree(context, ig, paths->v[i], 1, d, err, errlen) < 0)
			return -1;
	return 0;
}

/* ---- copying, in a child chrooted into the image ------------------------------ */

struct cctx {
	int ctxfd;		/* the build context, opened before chroot */
	const struct ignore *ig;
	uid_t uid;
	gid_t gid;
	int chmod_set;
	mode_t chmod;
	int errfd;
};

static void __attribute__((noreturn, format(printf, 2, 3))) cfail(const struct cctx *c,
								   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && write(c->errfd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* mkdir -p inside the image; new directories are 0755 and owned as the
 * copy is (Docker creates missing parents). */
static void mkdirs(const struct cctx *c, const char *dir)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1;; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (buf[0] && mkdir(buf, 0755) == 0) {
			if (lchown(buf, c->uid, c->gid) < 0)
				cfail(c, "chown %s in the image: %s", buf, strerror(errno));
		} else if (buf[0] && errno != EEXIST) {
			cfail(c, "mkdir %s in the image: %s", buf, strerror(errno));
		}
		if (last)
			return;
		*p = '/';
	}
}

static void set_meta(const struct cctx *c, const char *dst, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	if (lchown(dst, c->uid, c->gid) < 0)
		cfail(c, "chown %s in the image: %s", dst, strerror(errno));
	if (!S_ISLNK(st->st_mode) &&
	    chmod(dst, c->chmod_set ? c->chmod : (st->st_mode & 07777)) < 0)
		cfail(c, "chmod %s in the image: %s", dst, strerror(errno));
	if (utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW) < 0)
		cfail(c, "set times of %s in the image: %s", dst, strerror(errno));
}

static void copy_file(const struct cctx *c, const char *rel, const char *dst,
		      const struct stat *st)
{
	char buf[65536];
	ssize_t n;
	int in, out;
	struct stat dt;

	if (lstat(dst, &dt) == 0 && S_ISDIR(dt.st_mode))
		cfail(c, "cannot copy %s to %s: it is a directory in the image", rel, dst);
	if (lstat(dst, &dt) == 0 && unlink(dst) < 0)
		cfail(c, "replace %s in the image: %s", dst, strerror(errno));
	if ((in = openat(c->ctxfd, rel, O_RDONLY | O_CLOEXEC)) < 0)
		cfail(c, "open %s: %s", rel, strerror(errno));
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		cfail(c, "create %s in the image: %s", dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) < 0)
			cfail(c, "write %s in the image: %s", dst, strerror(errno));
	if (n < 0)
		cfail(c, "read %s: %s", rel, strerror(errno));
	close(in);
	if (close(out) < 0)
		cfail(c, "write %s in the image: %s", dst, strerror(errno));
	set_meta(c, dst, st);
}

static void copy_tree(const struct cctx *c, const char *rel, const char *dst, int top)
{
	struct stat st;

	if (fstatat(c->ctxfd, rel, &st, top ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
		cfail(c, "stat %s: %s", rel, strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t l = readlinkat(c->ctxfd, rel, target, sizeof(target) - 1);
		struct stat dt;

		if (l < 0)
			cfail(c, "readlink %s: %s", rel, strerror(errno));
		target[l] = '\0';
		if (lstat(dst, &dt) == 0 && !S_ISDIR(dt.st_mode) && unlink(dst) < 0)
			cfail(c, "replace %s in the image: %s", dst, strerror(errno));
		if (symlink(target, dst) < 0)
			cfail(c, "symlink %s in the image: %s", dst, strerror(errno));
		set_meta(c, dst, &st);
	} else if (S_ISREG(st.st_mode)) {
		copy_file(c, rel, dst, &st);
	} else if (S_ISDIR(st.st_mode)) {
		struct dirent **list;
		int fd = openat(c->ctxfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC), n;

		if (fd < 0)
			cfail(c, "open directory %s: %s", rel, strerror(errno));
		/* /proc is not in the image: list the directory through the fd. */
		n = 0;
		{
			DIR *d = fdopendir(fd);
			struct dirent *de;

			if (!d)
				cfail(c, "read directory %s: %s", rel, strerror(errno));
			list = NULL;
			while ((errno = 0, de = readdir(d))) {
				struct dirent **nl;

				if (!filter_entry(de))
					continue;
				nl = realloc(list, (size_t)(n + 1) * sizeof(*list));
				if (!nl || !(nl[n] = malloc(sizeof(*de))))
					cfail(c, "out of memory listing %s", rel);
				list = nl;
				memcpy(list[n++], de, sizeof(*de));
			}
			if (errno)
				cfail(c, "read directory %s: %s", rel, strerror(errno));
			closedir(d);
		}
		if (!top || strcmp(dst, "/"))
			if (mkdir(dst, 0755) < 0 && errno != EEXIST)
				cfail(c, "mkdir %s in the image: %s", dst, strerror(errno));
		for (int i = 0; i < n; i++) {
			char sub[PATH_MAX], subdst[PATH_MAX];

			if (sub_path(sub, sizeof(sub), rel, list[i]->d_name) < 0 ||
			    pathf(subdst, sizeof(subdst), "%s/%s", strcmp(dst, "/") ? dst : "",
				  list[i]->d_name) < 0)
				_exit(1);	/* reported */
			if (!ignore_match(c->ig, sub))
				copy_tree(c, sub, subdst, 0);
			free(list[i]);
		}
		free(list);
		/* A directory given as a source is not itself copied: its
		 * contents are; DEST keeps its own metadata then. */
		if (!top)
			set_meta(c, dst, &st);
	} else {
		cfail(c, "%s: not a file, directory or symlink", rel);
	}
}

/* A tar archive (plain, gzip, bzip2 or xz), by its first bytes. */
static int is_archive(int ctxfd, const char *rel)
{
	unsigned char b[512];
	ssize_t n;
	int fd = openat(ctxfd, rel, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b)
		return 1;
	if (n >= 3 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h')
		return 1;
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ", 6))
		return 1;
	return n >= 263 && !memcmp(b + 257, "ustar", 5);
}

/* ADD of an archive: the image's own tar unpacks it, inside the chroot. */
static void unpack(const struct cctx *c, const char *rel, const char *dst)
{
	char fdarg[32];
	int fd = openat(c->ctxfd, rel, O_RDONLY), status;
	pid_t pid;

	if (fd < 0)
		cfail(c, "open %s: %s", rel, strerror(errno));
	if (access("/bin/tar", X_OK) < 0)
		cfail(c, "ADD %s: unpacking an archive needs /bin/tar in the image", rel);
	mkdirs(c, dst);
	snprintf(fdarg, sizeof(fdarg), "/dev/fd/%d", fd);
	pid = fork();
	if (pid < 0)
		cfail(c, "fork tar: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(fd, 0) < 0)
			_exit(127);
		execl("/bin/tar", "tar", "-x", "-f", "-", "-C", dst, "--no-same-permissions",
		      (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		cfail(c, "ADD %s: tar could not unpack it into %s", rel, dst);
}

static int copy_child(const char *root, const struct strv *paths, const char *dest,
		      const struct copy_opts *o, struct cctx *c)
{
	size_t dl = strlen(dest);
	int dest_dir = dl && dest[dl - 1] == '/';
	struct stat st;
	char d[PATH_MAX];

	if (chroot(root) < 0 || chdir("/") < 0)
		cfail(c, "chroot %s: %s", root, strerror(errno));
	if (o->chown) {
		static char passwd[1 << 20], group[1 << 20];
		struct container_user u;
		char why[256];
		ssize_t pl = read_file("/etc/passwd", passwd, sizeof(passwd));
		ssize_t gl = read_file("/etc/group", group, sizeof(group));

		if (container_user_resolve(o->chown, pl >= 0 ? passwd : NULL, gl >= 0 ? group : NULL, &u,
				 why, sizeof(why)) < 0)
			cfail(c, "--chown=%s: %s", o->chown, why);
		c->uid = u.uid;
		c->gid = u.gid;
	}
	if (pathf(d, sizeof(d), "%.*s", (int)(dest_dir && dl > 1 ? dl - 1 : dl), dest) < 0)
		_exit(1);	/* reported */
	if (!dest_dir && stat(d, &st) == 0 && S_ISDIR(st.st_mode))
		dest_dir = 1;
	if (paths->n > 1 && !dest_dir)
		cfail(c, "with more than one source, the destination must be a directory "
		      "and end with a / (%s)", dest);
	for (int i = 0; i < paths->n; i++) {
		const char *rel = paths->v[i];
		char target[PATH_MAX];

		if (fstatat(c->ctxfd, rel, &st, 0) < 0)
			cfail(c, "stat %s: %s", rel, strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			mkdirs(c, d);
			copy_tree(c, rel, d, 1);
			continue;
		}
		if (o->add && is_archive(c->ctxfd, rel)) {
			unpack(c, rel, d);
			continue;
		}
		if (dest_dir) {
			const char *base = strrchr(rel, '/');

			mkdirs(c, d);
			if (pathf(target, sizeof(target), "%s/%s", strcmp(d, "/") ? d : "",
				  base ? base + 1 : rel) < 0)
				_exit(1);	/* reported */
		} else {
			char parent[PATH_MAX], *slash;

			snprintf(parent, sizeof(parent), "%s", d);	/* fits: d does */
			if ((slash = strrchr(parent, '/')) && slash != parent) {
				*slash = '\0';
				mkdirs(c, parent);
			}
			snprintf(target, sizeof(target), "%s", d);
		}
		copy_tree(c, rel, target, 1);
	}
	return 0;
}

int copy_into(const char *root, const char *context, const struct ignore *ig,
	      const struct strv *paths, const char *dest, const struct copy_opts *o,
	      char *err, size_t errlen)
{
	struct cctx c = {.ig = ig};
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (o->chmod) {
		char *end;
		long m = strtol(o->chmod, &end, 8);

		if (*end || m < 0 || m > 07777) {
			snprintf(err, errlen, "--chmod=%s: want an octal mode such as 0644", o->chmod);
			return -1;
		}
		c.chmod_set = 1;
		c.chmod = (mode_t)m;
	}
	if (dest[0] != '/') {
		snprintf(err, errlen, "destination %s is not absolute", dest);
		return -1;
	}
	if ((c.ctxfd = open(context, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "open build context %s: %s", context, strerror(errno));
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(c.ctxfd);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(c.ctxfd);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		c.errfd = pipefd[1];
		umask(0);
		_exit(copy_child(root, paths, dest, o, &c));
	}
	close(pipefd[1]);
	close(c.ctxfd);
	n = read(pipefd[0], err, errlen - 1);
	close(pipefd[0]);
	err[n > 0 ? n : 0] = '\0';
	if (waitpid(pid, &status, 0) < 0) {
		snprintf(err, errlen, "wait for the copy: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (!err[0])
			snprintf(err, errlen, "the copy failed (status 0x%x)", status);
		return -1;
	}
	return 0;
}
