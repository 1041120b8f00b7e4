/* The store's SQL helpers: binding values, reading columns, one way to fail, and transactions that never leave half a change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/text.h"
#include "store_impl.h"

/* Turns an SQLite result code into a status and a message naming the file.
 * what says what was being done ("cannot save the dispute"). */
enum status db_fail(struct store *s, int rc, const char *what, struct error *err)
{
	const char *msg = sqlite3_errmsg(s->db);

	/* query_only (store_open) makes every write of an altered database
	 * fail here, whatever store function attempted it. */
	if (s->altered && (rc & 0xff) == SQLITE_READONLY)
		return store_refuse_altered(s, err);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return error_set(err, ST_BUSY, "%s is locked by another program; try again", s->path);
	case SQLITE_FULL:
		return error_set(err, ST_IO, "%s: disk full; nothing was saved", s->path);
	case SQLITE_IOERR:
		/* A write refused by the system: a full disk reported late, a
		 * file-size limit, a failing device. */
		if (sqlite3_extended_errcode(s->db) == SQLITE_IOERR_WRITE ||
		    sqlite3_extended_errcode(s->db) == SQLITE_IOERR_FSYNC)
			return error_set(err, ST_IO, "%s: the disk refused the write (full, or over a size limit); "
			                 "nothing was saved", s->path);
		return error_set(err, ST_IO, "%s: input/output error (%s); nothing was saved", s->path, msg);
	case SQLITE_READONLY:
		return error_set(err, ST_IO, "%s is read-only; nothing was saved", s->path);
	case SQLITE_CANTOPEN:
		return error_set(err, ST_IO, "%s: cannot open the database (%s)", s->path, msg);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return error_set(err, ST_DB, "%s is damaged and cannot be read (%s)", s->path, msg);
	case SQLITE_NOMEM:
		return error_set(err, ST_NOMEM, "%s: out of memory", what);
	default:
		return error_set(err, ST_DB, "%s: %s: %s", s->path, what, msg);
	}
}

enum status store_refuse_altered(struct store *s, struct error *err)
{
	error_set(err, ST_REFUSED, "the database has been altered outside dispute (%s); nothing was saved", s->altered);
	return error_mend(err, MEND_VERIFY, NULL);
}

enum status db_exec(struct store *s, const char *sql, const char *what, struct error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? ST_OK : db_fail(s, rc, what, err);
}

enum status db_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct error *err)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? ST_OK : db_fail(s, rc, "cannot read the database", err);
}

enum status db_cached(struct store *s, const char *sql, sqlite3_stmt **st, struct error *err)
{
	int rc;

	for (int i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql) {
			if (sqlite3_stmt_busy(s->cache[i].st))
				break;      /* in use further up: this caller gets its own */
			*st = s->cache[i].st;
			return ST_OK;
		}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, rc, "cannot read the database", err);
	for (int i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql)
			return ST_OK;
	if (s->ncache < STORE_CACHE) {
		s->cache[s->ncache].sql = sql;
		s->cache[s->ncache++].st = *st;
	}
	return ST_OK;
}

void db_keep(struct store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < s->ncache; i++)
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

void db_cache_clear(struct store *s)
{
	for (int i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	s->ncache = 0;
}

int db_step(sqlite3_stmt *st, int brc)
{
	return brc == SQLITE_OK ? sqlite3_step(st) : brc;
}

enum status db_done(struct store *s, sqlite3_stmt *st, int brc, const char *what, struct error *err)
{
	int rc = db_step(st, brc);

	return rc == SQLITE_DONE ? ST_OK : db_fail(s, rc, what, err);
}

/* Binders that do nothing once *rc holds an error, so a run of binds is
 * checked once at the end. */
void bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

void bind_int(sqlite3_stmt *st, int i, long long v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = sqlite3_bind_int64(st, i, v);
}

void bind_date(sqlite3_stmt *st, int i, long day, int *rc)
{
	char buf[11];

	if (*rc != SQLITE_OK)
		return;
	if (day == DATE_NONE)
		*rc = sqlite3_bind_null(st, i);
	else
		*rc = sqlite3_bind_text(st, i, date_format(day, buf), -1, SQLITE_TRANSIENT);
}

void bind_minute(sqlite3_stmt *st, int i, int minute, int *rc)
{
	if (*rc != SQLITE_OK)
		return;
	*rc = minute == TIME_NONE ? sqlite3_bind_null(st, i) : sqlite3_bind_int(st, i, minute);
}

/* Binds a named parameter when the statement has it. */
void bind_named_text(sqlite3_stmt *st, const char *name, const char *v, int *rc)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		bind_text(st, i, v, rc);
}

void bind_named_date(sqlite3_stmt *st, const char *name, long day, int *rc)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		bind_date(st, i, day, rc);
}

/* A new copy of a text column (caller frees), or NULL for SQL NULL. */
char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* A date column: DATE_NONE for NULL; *bad is set for text that is not a date. */
long col_date(sqlite3_stmt *st, int i, bool *bad)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	long day;

	if (!t)
		return DATE_NONE;
	if (!date_parse(t, &day)) {
		*bad = true;
		return DATE_NONE;
	}
	return day;
}

int col_minute(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? TIME_NONE : sqlite3_column_int(st, i);
}

/* Every kind, RK_EVENT included: record_kind_parse only takes what a user may type. */
bool kind_from_name(const char *s, enum record_kind *out)
{
	for (int i = 0; i < RK_COUNT; i++)
		if (s && strcmp(s, record_kind_name((enum record_kind)i)) == 0) {
			*out = (enum record_kind)i;
			return true;
		}
	return false;
}

/* Multi-row changes run inside the caller's transaction when there is one
 * (as a savepoint, so a failure undoes only this change) and in their own
 * BEGIN IMMEDIATE otherwise, so nothing is ever half-written. */
static const char begin_sql[] = "BEGIN IMMEDIATE", savepoint_sql[] = "SAVEPOINT store_change",
	commit_sql[] = "COMMIT", release_sql[] = "RELEASE store_change";

/* One statement of a change's frame, kept prepared: a bulk change makes
 * thousands of changes, each in its savepoint. */
static enum status frame_exec(struct store *s, const char *sql, const char *what, struct error *err)
{
	sqlite3_stmt *st;
	enum status rc = ST_OK;
	int src;

	/* Said as what the frame was for, not as a read. */
	if (db_cached(s, sql, &st, err) != ST_OK)
		return db_fail(s, sqlite3_errcode(s->db), what, err);
	src = sqlite3_step(st);
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, what, err);
	db_keep(s, st);
	return rc;
}

enum status change_begin(struct store *s, bool *own, struct error *err)
{
	*own = sqlite3_get_autocommit(s->db) != 0;
	return frame_exec(s, *own ? begin_sql : savepoint_sql, "cannot start a change", err);
}

enum status change_end(struct store *s, bool own, enum status rc, struct error *err)
{
	if (rc == ST_OK)
		rc = frame_exec(s, own ? commit_sql : release_sql, "cannot save the change", err);
	if (rc == ST_OK)
		return ST_OK;
	/* These may fail when SQLite already rolled back (disk full, I/O
	 * error); the first error is the one worth reporting. */
	if (own) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	} else {
		sqlite3_exec(s->db, "ROLLBACK TO store_change; RELEASE store_change", NULL, NULL, NULL);
	}
	return rc;
}
