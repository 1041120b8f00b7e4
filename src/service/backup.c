/* Backups and restores: a verified copy of the database while it may be in use, and a restore that keeps what it replaces. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispute/clock.h"
#include "dispute/date.h"
#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/store.h"

/* The meta key holding the day of the last backup (YYYY-MM-DD). */
#define LAST_BACKUP "last-backup"

/* Copies the database into a file beside path and renames it over path
 * once whole and, when check is given, once it verifies there. */
static enum status copy_to(struct ctx *c, const char *path, enum paths_mode mode, struct verify_result *check,
                           struct error *err)
{
	char first[256], *tmp;
	enum status rc;
	FILE *f;

	/* An empty private file beside path, which SQLite then fills. */
	if (!(f = paths_tmp_open(path, &tmp, err)))
		return ST_IO;
	fclose(f);
	rc = store_backup_to(c->store, tmp, err);
	if (rc == ST_OK && check)
		rc = svc_verify_file(tmp, check, first, err);
	if (rc == ST_OK && check && check->findings)
		rc = error_set(err, ST_REFUSED, "the copy does not verify (%s); nothing was written", first);
	if (rc == ST_OK)
		rc = paths_tmp_commit(tmp, path, mode, err);
	else
		unlink(tmp);
	free(tmp);
	return rc;
}

enum status svc_backup(struct ctx *c, const char *path, bool replace, struct verify_result *out,
                       struct error *err)
{
	enum paths_mode mode = replace ? PATHS_REPLACE : PATHS_NEW;
	char day[11];
	enum status rc;

	if (!path || !*path)
		return error_set(err, ST_USAGE, "a backup needs a file to write");
	if ((rc = paths_target_check(path, mode, err)) != ST_OK)
		return rc;
	if (strcmp(path, c->db_path) == 0)
		return error_set(err, ST_REFUSED, "%s is the database itself", path);
	/* A backup is a copy known to be good: it is checked as it lies on
	 * the disk before it takes the name. */
	rc = copy_to(c, path, mode, out, err);
	/* Only the reminder depends on this note; a database that cannot
	 * take it (read-only) still has its backup. */
	if (rc == ST_OK)
		store_meta_set(c->store, LAST_BACKUP, date_format(c->today, day), NULL);
	return rc;
}

enum status svc_backup_age(struct ctx *c, long *days, struct error *err)
{
	char *v = NULL;
	long day;
	enum status rc = store_meta_get(c->store, LAST_BACKUP, &v, err);

	*days = -1;
	if (rc == ST_OK && v && date_parse(v, &day))
		*days = c->today - day;
	free(v);
	return rc;
}

/* The words of a backup refused before anything changed. */
static void refuse_backup(struct error *err, enum status rc)
{
	char *msg = xasprintf("%s; nothing was replaced", err->msg);

	/* What would mend the database itself does not apply to a backup. */
	error_set(err, rc, "%s", msg);
	free(msg);
}

/* Removes a copy made by upgraded_copy (and what SQLite left beside it). */
static void remove_copy(char *copy)
{
	char *side;

	if (!copy)
		return;
	unlink(copy);
	side = xasprintf("%s-wal", copy);
	unlink(side);
	free(side);
	side = xasprintf("%s-shm", copy);
	unlink(side);
	free(side);
	free(copy);
}

/* A private copy of the backup at path, beside the database, brought to
 * this program's schema by the migrations an open makes. */
static enum status upgraded_copy(struct ctx *c, const char *path, char **out, struct error *err)
{
	struct store *s = NULL;
	char buf[65536], *tmp = NULL;
	enum status rc = ST_OK;
	size_t n;
	FILE *in, *f;

	*out = NULL;
	if (!(in = fopen(path, "rb")))
		return error_set(err, ST_IO, "cannot read %s: %s", path, strerror(errno));
	if (!(f = paths_tmp_open(c->db_path, &tmp, err))) {
		fclose(in);
		return ST_IO;
	}
	while (rc == ST_OK && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, f) != n)
			rc = error_set(err, ST_IO, "cannot copy %s: %s", path, strerror(errno));
	if (rc == ST_OK && ferror(in))
		rc = error_set(err, ST_IO, "cannot read %s", path);
	fclose(in);
	rc = paths_tmp_flush(f, tmp, c->db_path, rc, err);
	if (rc == ST_OK && (rc = store_open(tmp, OPEN_WRITE, &s, err)) == ST_OK)
		store_close(s);
	if (rc != ST_OK) {
		remove_copy(tmp);
		return rc;
	}
	*out = tmp;
	return ST_OK;
}

enum status svc_restore(struct ctx *c, const char *path, char **kept, struct verify_result *out,
                        struct error *err)
{
	char first[256], stamp[17], *keep, *upgraded = NULL;
	const char *from = path;
	struct store *again;
	enum status rc;

	*kept = NULL;
	if (!path || !*path)
		return error_set(err, ST_USAGE, "a restore needs the backup to restore");
	if (strcmp(path, c->db_path) == 0)
		return error_set(err, ST_REFUSED, "%s is the database itself", path);
	rc = svc_verify_file(path, out, first, err);
	/* A backup made before this program's schema is brought up to date
	 * in a copy (never the backup itself), which is then what is checked
	 * and restored. */
	if (rc != ST_OK && err->mend == MEND_UPGRADE && (rc = upgraded_copy(c, path, &upgraded, err)) == ST_OK) {
		from = upgraded;
		rc = svc_verify_file(from, out, first, err);
	}
	if (rc != ST_OK || out->findings) {
		if (rc == ST_OK)
			rc = error_set(err, ST_REFUSED, "%s does not verify (%s); nothing was replaced", path, first);
		else
			refuse_backup(err, rc);
		remove_copy(upgraded);
		return rc;
	}

	/* What is replaced is kept beside it, whole, before anything changes. */
	clock_utc_stamp(stamp);
	keep = xasprintf("%s.before-restore-%s", c->db_path, stamp);
	if ((rc = paths_target_check(keep, PATHS_NEW, err)) != ST_OK ||
	    (rc = copy_to(c, keep, PATHS_NEW, NULL, err)) != ST_OK) {
		free(keep);
		remove_copy(upgraded);
		return rc;
	}
	rc = store_restore_from(c->store, from, err);
	remove_copy(upgraded);
	/* Opened again, so the triggers and the schema are read from what is
	 * there now, and checked as a whole. */
	if (rc == ST_OK && (rc = store_open(c->db_path, OPEN_WRITE, &again, err)) == ST_OK) {
		store_close(c->store);
		c->store = again;
		rc = svc_verify(c, NULL, NULL, out, err);
	}
	if (rc != ST_OK) {
		/* Whatever went wrong, the user must know where the old one is. */
		char *msg = xasprintf("%s (the database as it was is kept in %s)", err->msg, keep);

		error_set(err, rc, "%s", msg);
		free(msg);
		free(keep);
		return rc;
	}
	*kept = keep;
	return ST_OK;
}
