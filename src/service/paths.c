/* Where the database, the config and the shipped data live, and careful whole-file reading. */
/* syncfs(2): one sync for a directory of files written at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispute/paths.h"

#ifndef DISPUTE_DATADIR
#define DISPUTE_DATADIR "/usr/local/share/dispute"
#endif
#ifndef DISPUTE_LIBDIR
#define DISPUTE_LIBDIR "/usr/local/lib/dispute"
#endif

/* An environment variable that is set and not empty, or NULL. */
static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The XDG spec says relative values are to be ignored. */
static const char *env_xdg(const char *name)
{
	const char *v = env_nonempty(name);

	return v && v[0] == '/' ? v : NULL;
}

char *paths_db_default(struct error *err)
{
	const char *v;

	if ((v = env_nonempty("DISPUTE_DB")))
		return xstrdup(v);
	if ((v = env_xdg("XDG_DATA_HOME")))
		return xasprintf("%s/dispute/disputes.db", v);
	if ((v = env_nonempty("HOME")))
		return xasprintf("%s/.local/share/dispute/disputes.db", v);
	error_set(err, ST_USAGE, "cannot find a place for the database: neither XDG_DATA_HOME nor HOME is set; "
	          "use --db PATH or set DISPUTE_DB");
	return NULL;
}

char *paths_config_dir(void)
{
	const char *v;

	if ((v = env_xdg("XDG_CONFIG_HOME")))
		return xasprintf("%s/dispute", v);
	if ((v = env_nonempty("HOME")))
		return xasprintf("%s/.config/dispute", v);
	return NULL;
}

/* DIR/rel, where DIR is the running executable's directory, when it is a
 * regular file (a new string, caller frees); else NULL.  This is how a
 * build tree finds its own data and modules without installing. */
static char *beside_exe(const char *rel)
{
	char exe[4096], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	path = xasprintf("%s/%s", exe, rel);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(path);
		return NULL;
	}
	return path;
}

char *paths_data_dir(void)
{
	const char *v = env_nonempty("DISPUTE_DATADIR");
	char *probe;

	if (v)
		return xstrdup(v);
	/* data/ beside the executable when it holds bank-holidays.csv. */
	if ((probe = beside_exe("data/bank-holidays.csv"))) {
		*strrchr(probe, '/') = '\0';
		return probe;
	}
	return xstrdup(DISPUTE_DATADIR);
}

char *paths_module(const char *name)
{
	char *rel = xasprintf("build/%s.so", name), *path = beside_exe(rel);

	free(rel);
	return path ? path : xasprintf("%s/%s.so", DISPUTE_LIBDIR, name);
}

enum status paths_read_file(const char *path, size_t max, char **out, size_t *len, struct error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t used = 0, cap;
	enum status rc = ST_OK;
	int fd;

	*out = NULL;
	*len = 0;
	/* O_NONBLOCK so that a FIFO named by mistake is refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return error_set(err, ST_NOTFOUND, "%s: no such file", path);
		return error_set(err, ST_IO, "cannot open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		rc = error_set(err, ST_IO, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = error_set(err, ST_INVALID, "%s is not a regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		rc = error_set(err, ST_INVALID, "%s is too large (%lld bytes; at most %zu)", path,
		               (long long)st.st_size, max);
		goto out;
	}
	/* The size is only a hint: the file may grow while it is read, so the
	 * limit is enforced on what is actually read. */
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n;

		if (used == cap) {
			if (cap > max) {
				rc = error_set(err, ST_INVALID, "%s is too large (more than %zu bytes)", path, max);
				goto out;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = error_set(err, ST_IO, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		rc = error_set(err, ST_INVALID, "%s is too large (more than %zu bytes)", path, max);
		goto out;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

enum status paths_mkdir_private(const char *dir, struct error *err)
{
	char *copy = xstrdup(dir);
	enum status rc = ST_OK;
	size_t n = strlen(copy);
	struct stat st;

	if (n == 0) {
		free(copy);
		return ST_OK;
	}
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	/* Create each prefix in turn; the leading '/' of an absolute path is
	 * skipped so that "/" itself is never made. */
	for (char *p = copy + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			rc = error_set(err, ST_IO, "cannot create directory %s: %s", copy, strerror(errno));
			break;
		}
		if (stat(copy, &st) != 0 || !S_ISDIR(st.st_mode)) {
			rc = error_set(err, ST_IO, "%s exists and is not a directory", copy);
			break;
		}
		if (last)
			break;
		*p = '/';
		while (p[1] == '/')
			p++;
	}
	free(copy);
	return rc;
}

FILE *paths_tmp_open(const char *path, char **tmp, struct error *err)
{
	FILE *f;
	int fd;

	*tmp = xasprintf("%s.XXXXXX", path);
	fd = mkstemp(*tmp);     /* O_EXCL, mode 0600: never someone else's file */
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		error_set(err, ST_IO, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return f;
}

/* stdio keeps no record of why a write failed once it has dropped what
 * it could not write, and errno has moved on since.  The temporary file
 * is ours and about to go, so one more byte at its end asks the system
 * again: a size limit or a full disk fails the same way (main ignores
 * SIGXFSZ, so a limit fails the write rather than ending the program).
 * 0 when it does not fail. */
static int errno_again(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0)
		return errno;
	if (pwrite(fd, "", 1, end) < 0)
		return errno;
	return 0;
}

/* The refusal for a write to path that failed with errno e (0: unknown). */
static enum status write_failed(const char *path, int e, struct error *err)
{
	/* A file-size limit (ulimit -f) or the file system's own. */
	if (e == EFBIG)
		return error_set(err, ST_IO, "%s: file too large; nothing was saved", path);
	if (e)
		return error_set(err, ST_IO, "cannot write %s: %s; nothing was changed", path, strerror(e));
	return error_set(err, ST_IO, "cannot write %s; nothing was changed", path);
}

/* paths_tmp_sync, with or without the sync. */
static enum status tmp_finish(FILE *f, const char *tmp, const char *path, enum status rc, bool sync,
                              struct error *err)
{
	if (ferror(f))
		rc = write_failed(path, errno_again(fileno(f)), err);
	else if (rc == ST_OK && (fflush(f) != 0 || (sync && fsync(fileno(f)) != 0)))
		rc = write_failed(path, errno, err);
	if (fclose(f) != 0 && rc == ST_OK)
		rc = write_failed(path, errno, err);
	if (rc != ST_OK)
		unlink(tmp);
	return rc;
}

enum status paths_tmp_sync(FILE *f, const char *tmp, const char *path, enum status rc, struct error *err)
{
	return tmp_finish(f, tmp, path, rc, true, err);
}

enum status paths_tmp_flush(FILE *f, const char *tmp, const char *path, enum status rc, struct error *err)
{
	return tmp_finish(f, tmp, path, rc, false, err);
}

enum status paths_sync_all(const char *dir, struct error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	enum status rc = ST_OK;

	if (fd < 0 || syncfs(fd) != 0)
		rc = error_set(err, ST_IO, "cannot write the files in %s to the disk: %s; nothing was changed", dir,
		               strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

enum status paths_target_check(const char *path, enum paths_mode mode, struct error *err)
{
	struct stat st;

	if (mode == PATHS_OWN)
		return ST_OK;
	/* lstat: a symbolic link is not followed, and rename would replace
	 * the link itself, so it is refused like any other non-file. */
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return ST_OK;
		return error_set(err, ST_IO, "cannot write %s: %s; nothing was written", path, strerror(errno));
	}
	/* A device node, a directory or a FIFO is never replaced by a file:
	 * as root, rename would swap /dev/null for a regular file. */
	if (!S_ISREG(st.st_mode))
		return error_set(err, ST_INVALID, "%s is not a regular file; nothing was written", path);
	if (mode == PATHS_NEW) {
		error_set(err, ST_REFUSED, "%s exists", path);
		return error_mend(err, MEND_FORCE, NULL);
	}
	return ST_OK;
}

enum status paths_tmp_commit(const char *tmp, const char *path, enum paths_mode mode, struct error *err)
{
	enum status rc = paths_tmp_place(tmp, path, mode, err);

	if (rc == ST_OK)
		paths_dir_sync(path);
	return rc;
}

void paths_dir_sync(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int dfd;

	/* The new name reaches the disk with the directory. */
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if ((dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

enum status paths_tmp_place(const char *tmp, const char *path, enum paths_mode mode, struct error *err)
{
	enum status rc;

	if (mode == PATHS_NEW) {
		/* link fails when anything has taken the name since it was
		 * checked, so a file another program made meanwhile is never
		 * replaced unasked. */
		if (link(tmp, path) == 0) {
			unlink(tmp);
			goto placed;
		}
		if (errno == EEXIST) {
			unlink(tmp);
			rc = paths_target_check(path, PATHS_NEW, err);
			return rc != ST_OK ? rc : error_set(err, ST_REFUSED, "%s exists", path);
		}
		/* A file system without hard links (FAT, some network shares)
		 * falls back on the check just below and a rename. */
		if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS) {
			rc = write_failed(path, errno, err);
			unlink(tmp);
			return rc;
		}
	}
	/* Checked again just before the rename: what was a file when the
	 * export began may not be one now. */
	if ((rc = paths_target_check(path, mode, err)) != ST_OK) {
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path) != 0) {
		rc = write_failed(path, errno, err);
		unlink(tmp);
		return rc;
	}
placed:
	return ST_OK;
}

enum status paths_tmp_close(FILE *f, char *tmp, const char *path, enum paths_mode mode, enum status rc,
                            struct error *err)
{
	rc = paths_tmp_sync(f, tmp, path, rc, err);
	if (rc == ST_OK)
		rc = paths_tmp_commit(tmp, path, mode, err);
	free(tmp);
	return rc;
}

enum status paths_write_private(const char *path, const char *text, size_t len, enum paths_mode mode,
                                struct error *err)
{
	const char *slash = strrchr(path, '/');
	enum status rc = ST_OK;
	char *tmp;
	FILE *f;

	if (!*path || (slash && !slash[1]))
		return error_set(err, ST_INVALID, "'%s' is not a file name", path);
	if ((rc = paths_target_check(path, mode, err)) != ST_OK)
		return rc;
	if (slash && slash != path) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		rc = paths_mkdir_private(dir, err);
		free(dir);
	}
	if (rc != ST_OK)
		return rc;
	if (!(f = paths_tmp_open(path, &tmp, err)))
		return ST_IO;
	/* A short write leaves the stream's error set: paths_tmp_sync says why. */
	fwrite(text, 1, len, f);
	return paths_tmp_close(f, tmp, path, mode, rc, err);
}

char *paths_expand_home(const char *path, struct error *err)
{
	const char *home = env_nonempty("HOME");

	if (strncmp(path, "~/", 2) != 0)
		return xstrdup(path);
	if (!home) {
		error_set(err, ST_INVALID, "HOME is not set: give the full path instead of %s", path);
		return NULL;
	}
	return xasprintf("%s/%s", home, path + 2);
}
