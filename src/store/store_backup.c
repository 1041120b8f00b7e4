/* Whole-file copies through SQLite's online backup API: a consistent copy while another program writes, and a restore into the open file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

/* Copies src's main database into dst's in one step: one read snapshot,
 * which in WAL mode holds no writer up, and which a write elsewhere cannot
 * restart (a copy in small steps would start again at every write, and
 * under a steady writer never finish). */
static int copy_db(sqlite3 *dst, sqlite3 *src)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc, waited = 0;

	if (!b)
		return sqlite3_errcode(dst);
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			/* Another program holds a lock: wait for it, as long as
			 * the store waits for any lock. */
			if (waited > 5000)
				break;
			sqlite3_sleep(20);
			waited += 20;
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum status store_backup_to(struct store *s, const char *path, struct error *err)
{
	sqlite3 *dst = NULL;
	enum status rc = ST_OK;
	int src;

	src = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (src == SQLITE_OK)
		src = copy_db(dst, s->db);
	/* One self-contained file: no -wal beside it to lose on the way. */
	if (src == SQLITE_OK)
		src = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	if (src == SQLITE_FULL || (src & 0xff) == SQLITE_IOERR)
		rc = error_set(err, ST_IO, "%s: the disk refused the copy (full, or over a size limit)", path);
	else if (src != SQLITE_OK)
		rc = error_set(err, ST_IO, "cannot copy the database to %s: %s", path,
		               dst ? sqlite3_errmsg(dst) : sqlite3_errstr(src));
	if (sqlite3_close(dst) != SQLITE_OK && rc == ST_OK)
		rc = error_set(err, ST_IO, "cannot finish %s", path);
	return rc;
}

enum status store_restore_from(struct store *s, const char *path, struct error *err)
{
	sqlite3 *src = NULL;
	enum status rc = ST_OK;
	int r;

	if (s->readonly)
		return error_set(err, ST_IO, "%s is read-only; nothing was restored", s->path);
	/* A restore is how an altered database is mended: the guard that
	 * stops every other write is lifted for it. */
	if (s->altered && (rc = db_exec(s, "PRAGMA query_only = OFF", "cannot restore the database", err)) != ST_OK)
		return rc;
	r = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	if (r == SQLITE_OK)
		r = copy_db(s->db, src);
	if (r != SQLITE_OK)
		rc = db_fail(s, r, "cannot restore the database", err);
	sqlite3_close(src);
	return rc;
}
