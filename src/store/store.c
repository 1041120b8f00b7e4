/* The SQLite store: opening and migrating the one private database file, and reading and writing its rows. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dispute/date.h"
#include "dispute/text.h"
#include "dispute/store.h"
#include "store_impl.h"

struct store {
	sqlite3 *db;
	char *path;
	bool readonly;
};

/* PRAGMA application_id: "DSPT".  Tells our files from other programs'
 * SQLite files that happen to have a user_version. */
#define APPLICATION_ID 0x44535054

/* Part of migration 1: never change it, add a migration instead. */
#define ISO_DATE "GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"

/* The schema, one migration per version: migrations[i] takes version i to
 * i + 1.  Each runs in its own transaction together with the user_version
 * bump.  A migration is never edited once released; a change is a new entry. */
static const char *const migrations[] = {
	/* 1: the first schema. */
	"PRAGMA application_id = 1146310740;\n"
	"CREATE TABLE agencies (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> '')\n"
	");\n"
	"CREATE TABLE contacts (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	agency_id INTEGER NOT NULL REFERENCES agencies(id),\n"
	"	name TEXT NOT NULL CHECK (name <> ''),\n"
	"	role TEXT,\n"
	"	email TEXT,\n"
	"	phone TEXT\n"
	");\n"
	"CREATE INDEX contacts_agency ON contacts(agency_id);\n"
	"CREATE TABLE disputes (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	reference TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"	protocol TEXT NOT NULL,\n"
	"	urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),\n"
	"	subject TEXT NOT NULL,\n"
	"	raised_by INTEGER NOT NULL REFERENCES agencies(id),\n"
	"	against INTEGER NOT NULL REFERENCES agencies(id),\n"
	"	category TEXT,\n"
	"	summary TEXT,\n"
	"	opened TEXT NOT NULL CHECK (opened " ISO_DATE "),\n"
	"	status TEXT NOT NULL DEFAULT 'open'\n"
	"		CHECK (status IN ('open', 'resolved', 'withdrawn', 'referred')),\n"
	"	closed TEXT CHECK (closed " ISO_DATE "),\n"
	"	outcome TEXT,\n"
	"	outstanding TEXT,\n"
	"	challenged TEXT CHECK (challenged " ISO_DATE "),\n"
	"	current_stage INTEGER NOT NULL DEFAULT 1 CHECK (current_stage >= 0),\n"
	/* The running stage's due date, NULL when closed or none is set: a
	 * copy kept here so that the list orders on one indexed column. */
	"	current_due TEXT CHECK (current_due " ISO_DATE "),\n"
	"	CHECK ((status = 'open') = (closed IS NULL))\n"
	");\n"
	"CREATE INDEX disputes_due ON disputes(status, current_due, reference);\n"
	"CREATE INDEX disputes_closed ON disputes(status, closed);\n"
	"CREATE TABLE stages (\n"
	"	dispute_id INTEGER NOT NULL REFERENCES disputes(id),\n"
	"	number INTEGER NOT NULL CHECK (number >= 1),\n"
	"	started TEXT CHECK (started " ISO_DATE "),\n"
	"	due TEXT CHECK (due " ISO_DATE "),\n"
	"	due_minute INTEGER CHECK (due_minute BETWEEN 0 AND 1439),\n"
	"	due_agreed INTEGER NOT NULL DEFAULT 0 CHECK (due_agreed IN (0, 1)),\n"
	"	due_reason TEXT,\n"
	"	ended TEXT CHECK (ended " ISO_DATE "),\n"
	"	how TEXT CHECK (how IN ('escalated', 'resolved', 'withdrawn', 'referred')),\n"
	"	sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),\n"
	"	PRIMARY KEY (dispute_id, number)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE records (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	dispute_id INTEGER NOT NULL REFERENCES disputes(id),\n"
	"	day TEXT NOT NULL CHECK (day " ISO_DATE "),\n"
	"	minute INTEGER CHECK (minute BETWEEN 0 AND 1439),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'decision', 'action',\n"
	"		'outcome', 'learning', 'note', 'event')),\n"
	"	stage INTEGER NOT NULL,\n"
	"	author TEXT,\n"
	"	text TEXT NOT NULL,\n"
	"	amends INTEGER REFERENCES records(id),\n"
	"	created TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX records_dispute ON records(dispute_id, day, minute, id);\n"
	"CREATE TRIGGER records_amend_same BEFORE INSERT ON records\n"
	"WHEN NEW.amends IS NOT NULL AND NOT EXISTS\n"
	"	(SELECT 1 FROM records WHERE id = NEW.amends AND dispute_id = NEW.dispute_id)\n"
	"BEGIN SELECT RAISE(ABORT, 'a record can only amend a record of the same dispute'); END;\n"
	"CREATE TRIGGER records_no_update BEFORE UPDATE ON records\n"
	"BEGIN SELECT RAISE(ABORT, 'records are append-only: add a correcting record instead'); END;\n"
	"CREATE TRIGGER records_no_delete BEFORE DELETE ON records\n"
	"BEGIN SELECT RAISE(ABORT, 'records are append-only: add a correcting record instead'); END;\n"
	"CREATE TABLE closures (\n"
	"	day TEXT PRIMARY KEY CHECK (day " ISO_DATE "),\n"
	"	reason TEXT\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE drafts (\n"
	"	dispute_id INTEGER PRIMARY KEY REFERENCES disputes(id),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'decision', 'action',\n"
	"		'outcome', 'learning', 'note', 'event')),\n"
	"	text TEXT NOT NULL,\n"
	"	updated TEXT NOT NULL\n"
	");\n",
	/* 2: calendar invites need a per-database identity for stable UIDs
	 * and the counterpart manager each stage's invite goes to. */
	"CREATE TABLE meta (\n"
	"	key TEXT PRIMARY KEY,\n"
	"	value TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO meta(key, value) VALUES ('uid', lower(hex(randomblob(8))));\n"
	"ALTER TABLE stages ADD COLUMN contact_id INTEGER REFERENCES contacts(id);\n",
	/* 3: the list's order as one indexed key, so a page of the list reads
	 * one page of the index instead of sorting every dispute: open ones by
	 * due date (none last), then closed ones, most recently closed first.
	 * list_key() in C computes the same key. */
	"ALTER TABLE disputes ADD COLUMN list_key TEXT;\n"
	"UPDATE disputes SET list_key = CASE WHEN status = 'open'\n"
	"	THEN '0' || coalesce(current_due, '9999-12-31')\n"
	"	ELSE '1' || (99999999 - CAST(replace(closed, '-', '') AS INTEGER)) END || reference;\n"
	"CREATE INDEX disputes_list ON disputes(list_key);\n",
	/* 4: the protocol's own deadline of each stage, kept when a later date
	 * is agreed; for older stages only the unagreed due date is known. */
	"ALTER TABLE stages ADD COLUMN limit_due TEXT CHECK (limit_due " ISO_DATE ");\n"
	"UPDATE stages SET limit_due = due WHERE due_agreed = 0;\n",
	/* 5: a draft remembers the time the note was started, the record it
	 * corrects, and the editor's undo history, so a crash freezes no loss
	 * that undo could have reversed. */
	"ALTER TABLE drafts ADD COLUMN at TEXT;\n"
	"ALTER TABLE drafts ADD COLUMN amends INTEGER REFERENCES records(id);\n"
	"ALTER TABLE drafts ADD COLUMN history BLOB;\n",
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

#define UTC_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

#define DISPUTE_COLS \
	"d.id, d.reference, d.protocol, d.urgent, d.subject, ra.name, ag.name, d.category, " \
	"d.summary, d.opened, d.status, d.closed, d.outcome, d.outstanding, d.challenged, " \
	"d.current_stage, EXISTS (SELECT 1 FROM drafts k WHERE k.dispute_id = d.id)"
#define DISPUTE_FROM \
	" FROM disputes d JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"

#define STAGES_SELECT \
	"SELECT number, started, due, due_minute, due_agreed, due_reason, ended, how, sequence, " \
	"coalesce(contact_id, 0), limit_due " \
	"FROM stages WHERE dispute_id = ?1 ORDER BY number"

int store_schema_version(void)
{
	return SCHEMA_VERSION;
}

/* Turns an SQLite result code into a status and a message naming the file.
 * what says what was being done ("cannot save the dispute"). */
static enum status db_fail(struct store *s, int rc, const char *what, struct error *err)
{
	const char *msg = sqlite3_errmsg(s->db);

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

static enum status exec(struct store *s, const char *sql, const char *what, struct error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? ST_OK : db_fail(s, rc, what, err);
}

static enum status prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct error *err)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? ST_OK : db_fail(s, rc, "cannot read the database", err);
}

/* Binders that do nothing once *rc holds an error, so a run of binds is
 * checked once at the end. */
static void bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static void bind_int(sqlite3_stmt *st, int i, long long v, int *rc)
{
	if (*rc == SQLITE_OK)
		*rc = sqlite3_bind_int64(st, i, v);
}

static void bind_date(sqlite3_stmt *st, int i, long day, int *rc)
{
	char buf[11];

	if (*rc != SQLITE_OK)
		return;
	if (day == DATE_NONE)
		*rc = sqlite3_bind_null(st, i);
	else
		*rc = sqlite3_bind_text(st, i, date_format(day, buf), -1, SQLITE_TRANSIENT);
}

static void bind_minute(sqlite3_stmt *st, int i, int minute, int *rc)
{
	if (*rc != SQLITE_OK)
		return;
	*rc = minute == TIME_NONE ? sqlite3_bind_null(st, i) : sqlite3_bind_int(st, i, minute);
}

/* Binds a named parameter when the statement has it. */
static void bind_named_text(sqlite3_stmt *st, const char *name, const char *v, int *rc)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		bind_text(st, i, v, rc);
}

static void bind_named_date(sqlite3_stmt *st, const char *name, long day, int *rc)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		bind_date(st, i, day, rc);
}

/* A new copy of a text column (caller frees), or NULL for SQL NULL. */
static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* A date column: DATE_NONE for NULL; *bad is set for text that is not a date. */
static long col_date(sqlite3_stmt *st, int i, bool *bad)
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

static int col_minute(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? TIME_NONE : sqlite3_column_int(st, i);
}

/* Every kind, RK_EVENT included: record_kind_parse only takes what a user may type. */
static bool kind_from_name(const char *s, enum record_kind *out)
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
static enum status change_begin(struct store *s, bool *own, struct error *err)
{
	*own = sqlite3_get_autocommit(s->db) != 0;
	return exec(s, *own ? "BEGIN IMMEDIATE" : "SAVEPOINT store_change", "cannot start a change", err);
}

static enum status change_end(struct store *s, bool own, enum status rc, struct error *err)
{
	if (rc == ST_OK)
		rc = exec(s, own ? "COMMIT" : "RELEASE store_change", "cannot save the change", err);
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

/* ---- opening ---- */

/* DISPUTE_BUSY_MS overrides how long to wait for another program's lock,
 * in milliseconds (default 5000); the tests set it short. */
static void sql_fold(sqlite3_context *cx, int argc, sqlite3_value **argv);

static int busy_timeout_ms(void)
{
	const char *v = getenv("DISPUTE_BUSY_MS");
	char *end;
	long ms;

	if (!v || !*v)
		return 5000;
	errno = 0;
	ms = strtol(v, &end, 10);
	if (errno || *end || ms < 0 || ms > 600000)
		return 5000;
	return (int)ms;
}

/* Creates the file for OPEN_CREATE (its directory is the caller's to
 * make).  The file is made here with mode 0600 rather than by SQLite, whose
 * mode follows the umask. */
static enum status file_create(const char *path, struct error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 && errno != EEXIST)
		return error_set(err, ST_IO, "cannot create %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ST_OK;
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* Refuses, before SQLite is allowed anywhere near it, a non-empty file that
 * does not start with the SQLite magic, and one whose header names another
 * application or a newer schema: opening even those read-only would leave
 * -wal and -shm files beside a WAL database.  schema_check confirms what
 * the header says once SQLite has the file. */
static enum status check_header(const char *path, struct error *err)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char buf[100];
	unsigned long version, app;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return error_set(err, ST_IO, "cannot open %s: %s", path, strerror(errno));
	while (got < sizeof(buf)) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return error_set(err, ST_IO, "cannot read %s: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == 0)
		return ST_OK;
	if (got < sizeof(magic) || memcmp(buf, magic, sizeof(magic)) != 0)
		return error_set(err, ST_REFUSED, "%s is not a dispute database (not an SQLite file)", path);
	if (got < sizeof(buf))
		return error_set(err, ST_DB, "%s is damaged and cannot be read (it is cut short)", path);
	/* The header keeps user_version at offset 60 and application_id at 68. */
	version = be32(buf + 60);
	app = be32(buf + 68);
	if ((version || app) && app != APPLICATION_ID)
		return error_set(err, ST_REFUSED, "%s is an SQLite database but not a dispute database", path);
	if (version > (unsigned long)SCHEMA_VERSION)
		return error_set(err, ST_REFUSED,
		                 "%s was written by a newer dispute (schema %lu; this program knows %d)",
		                 path, version, SCHEMA_VERSION);
	return ST_OK;
}

static enum status connect_db(struct store *s, struct error *err)
{
	int flags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	char *name = s->path;
	int rc;

	/* A name starting "file:" would be taken as a URI where URIs are
	 * enabled by default; "./" keeps it a plain file name. */
	if (strncmp(s->path, "file:", 5) == 0)
		name = xasprintf("./%s", s->path);
	rc = sqlite3_open_v2(name, &s->db, flags, NULL);
	if (name != s->path)
		free(name);
	if (rc != SQLITE_OK) {
		if (!s->db)
			return error_set(err, ST_NOMEM, "cannot open %s: out of memory", s->path);
		return db_fail(s, rc, "cannot open the database", err);
	}
	sqlite3_busy_timeout(s->db, busy_timeout_ms());
	rc = sqlite3_create_function_v2(s->db, "dispute_fold", 1,
	                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_fold,
	                                NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, rc, "cannot set up the database", err);
	if (!s->readonly && sqlite3_db_readonly(s->db, "main") == 1)
		return error_set(err, ST_IO, "%s is read-only", s->path);
	return ST_OK;
}

/* Reads what the file says it is, without writing: application id, schema
 * version, and how many schema objects it has. */
static enum status schema_read(struct store *s, int *app, int *version, int *objects, struct error *err)
{
	static const char sql[] =
		"SELECT (SELECT application_id FROM pragma_application_id),"
		" (SELECT user_version FROM pragma_user_version),"
		" (SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\')";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot read the database", err);
		goto out;
	}
	*app = sqlite3_column_int(st, 0);
	*version = sqlite3_column_int(st, 1);
	*objects = sqlite3_column_int(st, 2);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum status schema_check(struct store *s, int *version, struct error *err)
{
	int app, objects;
	enum status rc = schema_read(s, &app, version, &objects, err);

	if (rc != ST_OK)
		return rc;
	if (*version == 0 && objects == 0)
		return ST_OK;       /* an empty database: migration 1 makes it ours */
	if (*version == 0 || app != APPLICATION_ID)
		return error_set(err, ST_REFUSED, "%s is an SQLite database but not a dispute database", s->path);
	if (*version > SCHEMA_VERSION)
		return error_set(err, ST_REFUSED,
		                 "%s was written by a newer dispute (schema %d; this program knows %d)",
		                 s->path, *version, SCHEMA_VERSION);
	return ST_OK;
}

static enum status migrate(struct store *s, struct error *err)
{
	for (;;) {
		char bump[64];
		int app, version, objects;
		enum status rc = exec(s, "BEGIN IMMEDIATE", "cannot upgrade the database", err);

		if (rc != ST_OK)
			return rc;
		/* Read again under the lock: another program may have migrated. */
		rc = schema_read(s, &app, &version, &objects, err);
		if (rc == ST_OK && version > SCHEMA_VERSION)
			rc = error_set(err, ST_REFUSED,
			               "%s was written by a newer dispute (schema %d; this program knows %d)",
			               s->path, version, SCHEMA_VERSION);
		if (rc == ST_OK && version == SCHEMA_VERSION)
			return change_end(s, true, ST_OK, err);
		if (rc == ST_OK)
			rc = exec(s, migrations[version], "cannot upgrade the database", err);
		if (rc == ST_OK) {
			snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
			rc = exec(s, bump, "cannot upgrade the database", err);
		}
		rc = change_end(s, true, rc, err);
		if (rc != ST_OK)
			return rc;
	}
}

static enum status pragmas(struct store *s, struct error *err)
{
	enum status rc = exec(s, "PRAGMA foreign_keys = ON", "cannot set up the database", err);

	if (rc != ST_OK || s->readonly)
		return rc;
	/* Not for a read-only connection: switching to WAL writes the header. */
	rc = exec(s, "PRAGMA journal_mode = WAL", "cannot set up the database", err);
	if (rc == ST_OK)
		rc = exec(s, "PRAGMA synchronous = FULL", "cannot set up the database", err);
	return rc;
}

enum status store_open(const char *path, enum open_mode mode, struct store **out, struct error *err)
{
	struct store *s;
	struct stat st;
	enum status rc;
	int version = 0;

	*out = NULL;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return error_set(err, ST_IO, "cannot open %s: %s", path, strerror(errno));
		if (mode != OPEN_CREATE) {
			error_set(err, ST_NOTFOUND, "no database at %s", path);
			return error_mend(err, MEND_INIT, NULL);
		}
		if ((rc = file_create(path, err)) != ST_OK)
			return rc;
	} else if (!S_ISREG(st.st_mode)) {
		return error_set(err, ST_REFUSED, "%s is not a dispute database (not a regular file)", path);
	}
	if ((rc = check_header(path, err)) != ST_OK)
		return rc;

	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->readonly = mode == OPEN_READ;
	rc = connect_db(s, err);
	/* Nothing is written before the file has shown it is ours. */
	if (rc == ST_OK)
		rc = schema_check(s, &version, err);
	if (rc == ST_OK)
		rc = pragmas(s, err);
	if (rc == ST_OK && version < SCHEMA_VERSION) {
		if (s->readonly) {
			/* An older (or empty) file is upgraded once through a
			 * writable connection, then opened for reading again. */
			struct store *w;

			store_close(s);
			if ((rc = store_open(path, OPEN_WRITE, &w, err)) != ST_OK)
				return rc;
			store_close(w);
			return store_open(path, OPEN_READ, out, err);
		}
		rc = migrate(s, err);
	}
	if (rc != ST_OK) {
		store_close(s);
		return rc;
	}
	*out = s;
	return ST_OK;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	/* Every statement is finalized where it was prepared, so this cannot
	 * fail with SQLITE_BUSY. */
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

enum status store_begin(struct store *s, struct error *err)
{
	/* SQLite lets a read-only connection begin; say so before any work. */
	if (s->readonly)
		return error_set(err, ST_IO, "%s is read-only; nothing was saved", s->path);
	return exec(s, "BEGIN IMMEDIATE", "cannot start a change", err);
}

/* A failed COMMIT is rolled back here, so the caller is never left inside
 * a transaction it cannot finish; store_rollback afterwards is harmless. */
enum status store_commit(struct store *s, struct error *err)
{
	enum status rc = exec(s, "COMMIT", "cannot save the change", err);

	if (rc != ST_OK)
		store_rollback(s);
	return rc;
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- agencies and contacts ---- */

enum status store_agency_ensure(struct store *s, const char *name, long long *id, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if (!name || !*name)
		return error_set(err, ST_INVALID, "an agency needs a name");
	/* OR IGNORE keeps the first spelling: the column collates NOCASE. */
	if ((rc = prepare(s, "INSERT OR IGNORE INTO agencies(name) VALUES (?1)", &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, name, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot save the agency", err);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = prepare(s, "SELECT id FROM agencies WHERE name = ?1", &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, name, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_ROW) {
		rc = src == SQLITE_DONE ? error_set(err, ST_NOTFOUND, "agency %s vanished while being saved", name)
		                        : db_fail(s, src, "cannot read the agency", err);
		goto out;
	}
	*id = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return rc;
}

/* name is borrowed for the call. */
enum status store_agencies(struct store *s, int (*fn)(const char *name, void *ctx), void *ctx,
                           struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	if ((rc = prepare(s, "SELECT name FROM agencies ORDER BY name, id", &st, err)) != ST_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char *name = col_dup(st, 0);
		int stop = fn(name ? name : "", ctx);

		free(name);
		if (stop)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the agencies", err);
out:
	sqlite3_finalize(st);
	return rc;
}


/* Sets c->id.  The agency is created when new. */
enum status store_contact_insert(struct store *s, struct contact *c, struct error *err)
{
	static const char sql[] =
		"INSERT INTO contacts(agency_id, name, role, email, phone) VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = NULL;
	long long agency;
	enum status rc;
	bool own;
	int brc = SQLITE_OK, src;

	if (!c->name || !*c->name)
		return error_set(err, ST_INVALID, "a contact needs a name");
	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = store_agency_ensure(s, c->agency, &agency, err)) != ST_OK)
		goto out;
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, agency, &brc);
	bind_text(st, 2, c->name, &brc);
	bind_text(st, 3, c->role, &brc);
	bind_text(st, 4, c->email, &brc);
	bind_text(st, 5, c->phone, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot save the contact", err);
		goto out;
	}
	c->id = sqlite3_last_insert_rowid(s->db);
out:
	sqlite3_finalize(st);
	rc = change_end(s, own, rc, err);
	if (rc != ST_OK)
		c->id = 0;
	return rc;
}

/* *out is a new array of *n contacts, by agency then name (caller frees
 * each with contact_free, then the array; NULL when there are none). */
enum status store_contacts_load(struct store *s, const char *agency, struct contact **out, size_t *n,
                                struct error *err)
{
	static const char sql[] =
		"SELECT c.id, a.name, c.name, c.role, c.email, c.phone"
		" FROM contacts c JOIN agencies a ON a.id = c.agency_id"
		" WHERE ?1 IS NULL OR a.name = ?1"
		" ORDER BY a.name, c.name COLLATE NOCASE, c.id";
	sqlite3_stmt *st = NULL;
	struct contact *v = NULL;
	size_t count = 0;
	enum status rc;
	int brc = SQLITE_OK, src;

	*out = NULL;
	*n = 0;
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, agency, &brc);
	if (brc != SQLITE_OK) {
		rc = db_fail(s, brc, "cannot read the contacts", err);
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct contact *c;

		v = xrealloc(v, (count + 1) * sizeof(*v));
		c = &v[count++];
		c->id = sqlite3_column_int64(st, 0);
		c->agency = col_dup(st, 1);
		c->name = col_dup(st, 2);
		c->role = col_dup(st, 3);
		c->email = col_dup(st, 4);
		c->phone = col_dup(st, 5);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot read the contacts", err);
		goto out;
	}
	*out = v;
	*n = count;
	v = NULL;
	count = 0;
out:
	for (size_t i = 0; i < count; i++)
		contact_free(&v[i]);
	free(v);
	sqlite3_finalize(st);
	return rc;
}

/* ---- disputes ---- */

/* The due date the list orders by: the running stage's, none once closed. */
static long running_due(const struct dispute *d)
{
	const struct stage *cur = dispute_current(d);

	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].number == d->current_stage)
			cur = &d->stages[i];
	return d->status == DS_OPEN && cur ? cur->due : DATE_NONE;
}

/* The list's order key (see migration 3): "0" + due date + reference for
 * open disputes, "1" + (99999999 - closed as yyyymmdd) + reference for closed. */
static void list_key(const struct dispute *d, const char *reference, char out[40])
{
	char day[11];
	long due = running_due(d);
	int y, m, dd;

	if (d->status == DS_OPEN) {
		snprintf(out, 40, "0%s%s", due == DATE_NONE ? "9999-12-31" : date_format(due, day), reference);
	} else {
		date_to_ymd(d->closed, &y, &m, &dd);
		snprintf(out, 40, "1%08ld%s", 99999999L - (y * 10000L + m * 100L + dd), reference);
	}
}

/* Inserts the dispute's stages, or updates the ones already stored. */
static enum status stages_write(struct store *s, const struct dispute *d, struct error *err)
{
	static const char sql[] =
		"INSERT INTO stages(dispute_id, number, started, due, due_minute, due_agreed, due_reason,"
		" ended, how, sequence, contact_id, limit_due)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
		" ON CONFLICT(dispute_id, number) DO UPDATE SET started = excluded.started,"
		" due = excluded.due, due_minute = excluded.due_minute, due_agreed = excluded.due_agreed,"
		" due_reason = excluded.due_reason, ended = excluded.ended, how = excluded.how,"
		" sequence = excluded.sequence, contact_id = excluded.contact_id, limit_due = excluded.limit_due";
	sqlite3_stmt *st = NULL;
	enum status rc;

	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *g = &d->stages[i];
		int brc = SQLITE_OK, src;

		sqlite3_reset(st);
		bind_int(st, 1, d->id, &brc);
		bind_int(st, 2, g->number, &brc);
		bind_date(st, 3, g->started, &brc);
		bind_date(st, 4, g->due, &brc);
		bind_minute(st, 5, g->due_minute, &brc);
		bind_int(st, 6, g->due_agreed, &brc);
		bind_text(st, 7, g->due_reason, &brc);
		bind_date(st, 8, g->ended, &brc);
		bind_text(st, 9, g->how == SE_NONE ? NULL : stage_end_name(g->how), &brc);
		bind_int(st, 10, g->sequence, &brc);
		if (g->contact_id)
			bind_int(st, 11, g->contact_id, &brc);
		else if (brc == SQLITE_OK)
			brc = sqlite3_bind_null(st, 11);
		bind_date(st, 12, g->limit_due, &brc);
		src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
		if (src != SQLITE_DONE) {
			rc = db_fail(s, src, "cannot save the stages", err);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* The next reference number in the opening year: max + 1, read inside the
 * change's transaction so two programs cannot take the same one. */
static enum status next_reference(struct store *s, long opened, char ref[16], struct error *err)
{
	/* The year's counter lives in meta ("next-YYYY"); a year without one
	 * (a database from before schema 3) starts from the highest number used.
	 * Both are read and written inside the caller's transaction. */
	static const char sql[] =
		"SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next-' || substr(?1, 3, 4)),"
		" (SELECT coalesce(max(CAST(substr(reference, 8) AS INTEGER)), 0) + 1 FROM disputes"
		"  WHERE reference >= ?1 AND reference < ?2))";
	static const char bump[] =
		"INSERT INTO meta(key, value) VALUES ('next-' || substr(?1, 3, 4), ?2)"
		" ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st = NULL;
	char lo[16], hi[16];
	enum status rc;
	long long next;
	int y, m, dd, brc = SQLITE_OK, src;

	date_to_ymd(opened, &y, &m, &dd);
	snprintf(lo, sizeof(lo), "D-%04d-", y);
	snprintf(hi, sizeof(hi), "D-%04d.", y);       /* '.' sorts just after '-' */
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, lo, &brc);
	bind_text(st, 2, hi, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot number the dispute", err);
		goto out;
	}
	next = sqlite3_column_int64(st, 0);
	if (next < 1 || next > 99999999) {
		rc = error_set(err, ST_REFUSED, "%s: no dispute numbers left for %04d", s->path, y);
		goto out;
	}
	snprintf(ref, 16, "D-%04d-%04lld", y, next);
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = prepare(s, bump, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, lo, &brc);
	bind_int(st, 2, next + 1, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot number the dispute", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum status store_dispute_insert(struct store *s, struct dispute *d, struct error *err)
{
	static const char sql[] =
		"INSERT INTO disputes(reference, protocol, urgent, subject, raised_by, against, category,"
		" summary, opened, status, closed, outcome, outstanding, challenged, current_stage,"
		" current_due, list_key)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
	sqlite3_stmt *st = NULL;
	long long raised, against, saved_id = d->id;
	char ref[16], key[40];
	enum status rc;
	bool own;
	int brc = SQLITE_OK, src;

	if (d->opened == DATE_NONE || !d->protocol || !d->subject)
		return error_set(err, ST_INVALID, "a dispute needs an opening date, a protocol and a subject");
	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = store_agency_ensure(s, d->raised_by, &raised, err)) != ST_OK ||
	    (rc = store_agency_ensure(s, d->against, &against, err)) != ST_OK ||
	    (rc = next_reference(s, d->opened, ref, err)) != ST_OK ||
	    (rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, ref, &brc);
	bind_text(st, 2, d->protocol, &brc);
	bind_int(st, 3, d->urgent, &brc);
	bind_text(st, 4, d->subject, &brc);
	bind_int(st, 5, raised, &brc);
	bind_int(st, 6, against, &brc);
	bind_text(st, 7, d->category, &brc);
	bind_text(st, 8, d->summary, &brc);
	bind_date(st, 9, d->opened, &brc);
	bind_text(st, 10, dispute_status_name(d->status), &brc);
	bind_date(st, 11, d->closed, &brc);
	bind_text(st, 12, d->outcome, &brc);
	bind_text(st, 13, d->outstanding, &brc);
	bind_date(st, 14, d->challenged, &brc);
	bind_int(st, 15, d->current_stage, &brc);
	bind_date(st, 16, running_due(d), &brc);
	list_key(d, ref, key);
	bind_text(st, 17, key, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot save the dispute", err);
		goto out;
	}
	d->id = sqlite3_last_insert_rowid(s->db);
	rc = stages_write(s, d, err);
out:
	sqlite3_finalize(st);
	rc = change_end(s, own, rc, err);
	if (rc == ST_OK)
		memcpy(d->reference, ref, sizeof(d->reference));
	else
		d->id = saved_id;
	return rc;
}

enum status store_dispute_update(struct store *s, const struct dispute *d, struct error *err)
{
	static const char sql[] =
		"UPDATE disputes SET status = ?2, closed = ?3, outcome = ?4, outstanding = ?5,"
		" challenged = ?6, current_stage = ?7, current_due = ?8,"
		" list_key = ?9 || reference WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	bool own;
	int brc = SQLITE_OK, src;
	char key[40];

	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, d->id, &brc);
	bind_text(st, 2, dispute_status_name(d->status), &brc);
	bind_date(st, 3, d->closed, &brc);
	bind_text(st, 4, d->outcome, &brc);
	bind_text(st, 5, d->outstanding, &brc);
	bind_date(st, 6, d->challenged, &brc);
	bind_int(st, 7, d->current_stage, &brc);
	bind_date(st, 8, running_due(d), &brc);
	list_key(d, "", key);
	bind_text(st, 9, key, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot save the dispute", err);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		rc = error_set(err, ST_NOTFOUND, "no dispute %s", d->reference[0] ? d->reference : "with that id");
		goto out;
	}
	rc = stages_write(s, d, err);
out:
	sqlite3_finalize(st);
	return change_end(s, own, rc, err);
}

/* Fills d from a row of DISPUTE_COLS. */
static enum status dispute_from_row(struct store *s, sqlite3_stmt *st, struct dispute *d, struct error *err)
{
	const char *ref = (const char *)sqlite3_column_text(st, 1);
	const char *status = (const char *)sqlite3_column_text(st, 10);
	bool bad = false;

	d->id = sqlite3_column_int64(st, 0);
	snprintf(d->reference, sizeof(d->reference), "%s", ref ? ref : "");
	if (!dispute_status_parse(status, &d->status))
		bad = true;
	d->protocol = col_dup(st, 2);
	d->urgent = sqlite3_column_int(st, 3) != 0;
	d->subject = col_dup(st, 4);
	d->raised_by = col_dup(st, 5);
	d->against = col_dup(st, 6);
	d->category = col_dup(st, 7);
	d->summary = col_dup(st, 8);
	d->opened = col_date(st, 9, &bad);
	d->closed = col_date(st, 11, &bad);
	d->outcome = col_dup(st, 12);
	d->outstanding = col_dup(st, 13);
	d->challenged = col_date(st, 14, &bad);
	d->current_stage = sqlite3_column_int(st, 15);
	d->has_draft = sqlite3_column_int(st, 16) != 0;
	if (bad)
		return error_set(err, ST_DB, "%s: dispute %s holds a value this program cannot read", s->path,
		                 d->reference);
	return ST_OK;
}

/* Loads d's stages with st, a prepared STAGES_SELECT reused across calls. */
static enum status stages_load(struct store *s, sqlite3_stmt *st, struct dispute *d, struct error *err)
{
	enum status rc = ST_OK;
	int brc = SQLITE_OK, src;

	sqlite3_reset(st);
	bind_int(st, 1, d->id, &brc);
	while ((src = brc == SQLITE_OK ? sqlite3_step(st) : brc) == SQLITE_ROW) {
		struct stage *g;
		const char *how = (const char *)sqlite3_column_text(st, 7);
		bool bad = false;

		d->stages = xrealloc(d->stages, (d->nstages + 1) * sizeof(*d->stages));
		g = &d->stages[d->nstages++];
		g->number = sqlite3_column_int(st, 0);
		g->started = col_date(st, 1, &bad);
		g->due = col_date(st, 2, &bad);
		g->due_minute = col_minute(st, 3);
		g->due_agreed = sqlite3_column_int(st, 4) != 0;
		g->due_reason = col_dup(st, 5);
		g->ended = col_date(st, 6, &bad);
		if (!stage_end_parse(how, &g->how))
			bad = true;
		g->sequence = sqlite3_column_int(st, 8);
		g->contact_id = sqlite3_column_int64(st, 9);
		g->limit_due = col_date(st, 10, &bad);
		if (bad) {
			rc = error_set(err, ST_DB, "%s: stage %d of %s holds a value this program cannot read",
			               s->path, g->number, d->reference);
			break;
		}
	}
	if (rc == ST_OK && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the stages", err);
	sqlite3_reset(st);
	return rc;
}

/* Loads the one dispute selected by sql with ?1 bound to key (text when
 * key_text is not NULL, else key_id). */
static enum status dispute_load_by(struct store *s, const char *sql, const char *key_text, long long key_id,
                                   struct dispute *d, struct error *err)
{
	sqlite3_stmt *st = NULL, *sst = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	if (key_text)
		bind_text(st, 1, key_text, &brc);
	else
		bind_int(st, 1, key_id, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src == SQLITE_DONE) {
		rc = key_text ? error_set(err, ST_NOTFOUND, "no dispute %s", key_text)
		              : error_set(err, ST_NOTFOUND, "no dispute with id %lld", key_id);
		goto out;
	}
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot read the dispute", err);
		goto out;
	}
	if ((rc = dispute_from_row(s, st, d, err)) != ST_OK ||
	    (rc = prepare(s, STAGES_SELECT, &sst, err)) != ST_OK)
		goto out;
	rc = stages_load(s, sst, d, err);
out:
	sqlite3_finalize(sst);
	sqlite3_finalize(st);
	if (rc != ST_OK)
		dispute_free(d);
	return rc;
}

enum status store_dispute_load(struct store *s, const char *reference, struct dispute *d, struct error *err)
{
	return dispute_load_by(s, "SELECT " DISPUTE_COLS DISPUTE_FROM " WHERE d.reference = ?1",
	                       reference ? reference : "", 0, d, err);
}

enum status store_dispute_load_id(struct store *s, long long id, struct dispute *d, struct error *err)
{
	return dispute_load_by(s, "SELECT " DISPUTE_COLS DISPUTE_FROM " WHERE d.id = ?1", NULL, id, d, err);
}

/* ---- listing ---- */


/* Appends the WHERE clause for f; the SQL is only ever these fixed
 * fragments, every value is bound by bind_filter. */
static void filter_where(struct sb *sql, const struct list_filter *f)
{
	sb_append(sql, " WHERE 1");
	if (f->which == LIST_OPEN)
		sb_append(sql, " AND d.status = 'open'");
	else if (f->which == LIST_CLOSED)
		sb_append(sql, " AND d.status <> 'open'");
	if (f->due_before != DATE_NONE)
		sb_append(sql, " AND d.status = 'open' AND d.current_due < :due_before");
	if (f->overdue_on != DATE_NONE)
		sb_append(sql, " AND d.status = 'open' AND (d.current_due < :overdue_on OR (d.current_due = :overdue_on"
		          " AND EXISTS (SELECT 1 FROM stages g WHERE g.dispute_id = d.id AND g.number = d.current_stage"
		          " AND g.due_minute <= :overdue_minute)))");
	if (f->protocol)
		sb_append(sql, " AND d.protocol = :protocol COLLATE NOCASE");
	/* instr() on case-folded text: a plain substring match, so "50%"
	 * means 50%, and "łukasz" finds "Łukasz" (LIKE folds ASCII only). */
	if (f->search && *f->search)
		sb_append(sql, " AND (instr(dispute_fold(d.reference), :pat) OR instr(dispute_fold(ra.name), :pat)"
		          " OR instr(dispute_fold(ag.name), :pat) OR instr(dispute_fold(d.category), :pat)"
		          " OR instr(dispute_fold(d.summary), :pat)"
		          " OR EXISTS (SELECT 1 FROM records r WHERE r.dispute_id = d.id"
		          " AND instr(dispute_fold(r.text), :pat)))");
}

/* SQL function dispute_fold(text): text_fold for searches. */
static void sql_fold(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const unsigned char *v;
	char *folded;

	(void)argc;
	v = sqlite3_value_text(argv[0]);
	if (!v) {
		sqlite3_result_null(cx);
		return;
	}
	folded = text_fold((const char *)v);
	sqlite3_result_text(cx, folded, -1, free);
}

static int bind_filter(sqlite3_stmt *st, const struct list_filter *f)
{
	int brc = SQLITE_OK;

	bind_named_date(st, ":due_before", f->due_before, &brc);
	bind_named_date(st, ":overdue_on", f->overdue_on, &brc);
	if (f->overdue_on != DATE_NONE)
		bind_minute(st, sqlite3_bind_parameter_index(st, ":overdue_minute"), f->overdue_minute, &brc);
	bind_named_text(st, ":protocol", f->protocol, &brc);
	if (f->search && *f->search) {
		char *pat = text_fold(f->search);

		bind_named_text(st, ":pat", pat, &brc);
		free(pat);
	}
	return brc;
}

static const char *order_sql(enum list_order order)
{
	switch (order) {
	case ORDER_REFERENCE:
		return " ORDER BY d.reference";
	case ORDER_OPENED:      /* newest first */
		return " ORDER BY d.opened DESC, d.reference DESC";
	case ORDER_AGENCY:      /* the agency disagreed with, then the one raising it */
		return " ORDER BY ag.name, ra.name, d.reference";
	case ORDER_DUE:
	default:
		/* Open ones by due date, no due date last; then closed ones,
		 * most recently closed first.  current_due is NULL once closed. */
		return " ORDER BY d.list_key";
	}
}

enum status store_list(struct store *s, const struct list_filter *f, dispute_fn fn, void *ctx,
                       struct error *err)
{
	struct list_filter all;
	struct sb sql = {0};
	sqlite3_stmt *st = NULL, *sst = NULL;
	struct dispute d;
	enum status rc;
	int brc, src;

	if (!f) {
		list_filter_init(&all);
		f = &all;
	}
	dispute_init(&d);
	sb_append(&sql, "SELECT " DISPUTE_COLS DISPUTE_FROM);
	filter_where(&sql, f);
	sb_append(&sql, order_sql(f->order));
	sb_append(&sql, " LIMIT :limit OFFSET :offset");
	if ((rc = prepare(s, sql.s, &st, err)) != ST_OK ||
	    (rc = prepare(s, STAGES_SELECT, &sst, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f);
	bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit > 0 ? f->limit : -1, &brc);
	bind_int(st, sqlite3_bind_parameter_index(st, ":offset"), f->offset > 0 ? f->offset : 0, &brc);
	while ((src = brc == SQLITE_OK ? sqlite3_step(st) : brc) == SQLITE_ROW) {
		int stop;

		if ((rc = dispute_from_row(s, st, &d, err)) != ST_OK ||
		    (rc = stages_load(s, sst, &d, err)) != ST_OK)
			goto out;
		stop = fn(&d, ctx);
		dispute_free(&d);
		if (stop)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot list the disputes", err);
out:
	dispute_free(&d);
	sqlite3_finalize(sst);
	sqlite3_finalize(st);
	free(sql.s);
	return rc;
}

enum status store_count(struct store *s, const struct list_filter *f, int *out, struct error *err)
{
	struct list_filter all;
	struct sb sql = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc, src;

	*out = 0;
	if (!f) {
		list_filter_init(&all);
		f = &all;
	}
	sb_append(&sql, "SELECT count(*)" DISPUTE_FROM);
	filter_where(&sql, f);
	if ((rc = prepare(s, sql.s, &st, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot count the disputes", err);
		goto out;
	}
	*out = sqlite3_column_int(st, 0);
out:
	sqlite3_finalize(st);
	free(sql.s);
	return rc;
}

enum status store_list_index(struct store *s, const struct list_filter *f, const char *reference, int *out,
                             struct error *err)
{
	struct sb sql = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc, src;

	*out = -1;
	sb_append(&sql, "SELECT rn FROM (SELECT d.reference AS ref, row_number() OVER (");
	sb_append(&sql, order_sql(f->order));
	sb_append(&sql, ") - 1 AS rn" DISPUTE_FROM);
	filter_where(&sql, f);
	sb_append(&sql, ") WHERE ref = :ref");
	if ((rc = prepare(s, sql.s, &st, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f);
	bind_named_text(st, ":ref", reference, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	else if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot list the disputes", err);
out:
	sqlite3_finalize(st);
	free(sql.s);
	return rc;
}

/* ---- the journal ---- */

enum status store_record_insert(struct store *s, struct record *r, struct error *err)
{
	/* One read: the dispute's reference (is there such a dispute?),
	 * whether the amended record is one of its records, and the time. */
	static const char check_sql[] =
		"SELECT d.reference, ?2 IS NULL OR EXISTS (SELECT 1 FROM records r"
		" WHERE r.id = ?2 AND r.dispute_id = d.id), " UTC_NOW " FROM disputes d WHERE d.id = ?1";
	static const char insert_sql[] =
		"INSERT INTO records(dispute_id, day, minute, kind, stage, author, text, amends, created)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt *st = NULL;
	char *created = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if (r->day == DATE_NONE || !r->text || (unsigned)r->kind >= RK_COUNT)
		return error_set(err, ST_INVALID, "a record needs a date, a kind and some text");
	if ((rc = prepare(s, check_sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, r->dispute_id, &brc);
	if (r->amends)
		bind_int(st, 2, r->amends, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src == SQLITE_DONE) {
		rc = error_set(err, ST_NOTFOUND, "no dispute with id %lld", r->dispute_id);
		goto out;
	}
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot check the record", err);
		goto out;
	}
	if (!sqlite3_column_int(st, 1)) {
		rc = error_set(err, ST_NOTFOUND, "record %lld is not a record of %s", r->amends,
		               (const char *)sqlite3_column_text(st, 0));
		goto out;
	}
	created = col_dup(st, 2);
	sqlite3_finalize(st);
	st = NULL;

	if ((rc = prepare(s, insert_sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, r->dispute_id, &brc);
	bind_date(st, 2, r->day, &brc);
	bind_minute(st, 3, r->minute, &brc);
	bind_text(st, 4, record_kind_name(r->kind), &brc);
	bind_int(st, 5, r->stage, &brc);
	bind_text(st, 6, r->author, &brc);
	bind_text(st, 7, r->text, &brc);
	if (r->amends)
		bind_int(st, 8, r->amends, &brc);
	bind_text(st, 9, created, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot save the record", err);
		goto out;
	}
	r->id = sqlite3_last_insert_rowid(s->db);
	free(r->created);
	r->created = created;
	created = NULL;
out:
	sqlite3_finalize(st);
	free(created);
	return rc;
}

/* Oldest first: by the day and time the entry is about, then by the order
 * it was written (an entry without a time comes first on its day). */
enum status store_records_load(struct store *s, long long dispute_id, struct record **out, size_t *n,
                               struct error *err)
{
	static const char sql[] =
		"SELECT id, dispute_id, day, minute, kind, stage, author, text, amends, created"
		" FROM records WHERE dispute_id = ?1 ORDER BY day, minute, id";
	sqlite3_stmt *st = NULL;
	struct record *v = NULL;
	size_t count = 0;
	enum status rc;
	int brc = SQLITE_OK, src;

	*out = NULL;
	*n = 0;
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, dispute_id, &brc);
	while ((src = brc == SQLITE_OK ? sqlite3_step(st) : brc) == SQLITE_ROW) {
		struct record *r;
		bool bad = false;

		v = xrealloc(v, (count + 1) * sizeof(*v));
		r = &v[count++];
		record_init(r);
		r->id = sqlite3_column_int64(st, 0);
		r->dispute_id = sqlite3_column_int64(st, 1);
		r->day = col_date(st, 2, &bad);
		r->minute = col_minute(st, 3);
		if (!kind_from_name((const char *)sqlite3_column_text(st, 4), &r->kind))
			bad = true;
		r->stage = sqlite3_column_int(st, 5);
		r->author = col_dup(st, 6);
		r->text = col_dup(st, 7);
		r->amends = sqlite3_column_int64(st, 8);
		r->created = col_dup(st, 9);
		if (bad) {
			rc = error_set(err, ST_DB, "%s: record %lld holds a value this program cannot read",
			               s->path, r->id);
			goto out;
		}
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot read the records", err);
		goto out;
	}
	*out = v;
	*n = count;
	v = NULL;
	count = 0;
out:
	for (size_t i = 0; i < count; i++)
		record_free(&v[i]);
	free(v);
	sqlite3_finalize(st);
	return rc;
}

/* ---- closure days ---- */

/* Adding a day that is already closed replaces its reason. */
enum status store_closure_add(struct store *s, long day, const char *reason, struct error *err)
{
	static const char sql[] =
		"INSERT INTO closures(day, reason) VALUES (?1, ?2)"
		" ON CONFLICT(day) DO UPDATE SET reason = excluded.reason";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "a closure needs a date");
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_date(st, 1, day, &brc);
	bind_text(st, 2, reason, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot save the closure day", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum status store_closure_remove(struct store *s, long day, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char buf[11];
	enum status rc;
	int brc = SQLITE_OK, src;

	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "a closure needs a date");
	if ((rc = prepare(s, "DELETE FROM closures WHERE day = ?1", &st, err)) != ST_OK)
		goto out;
	bind_date(st, 1, day, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot remove the closure day", err);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0)
		rc = error_set(err, ST_NOTFOUND, "%s is not a closure day", date_format(day, buf));
out:
	sqlite3_finalize(st);
	return rc;
}

/* reason is borrowed for the call and may be NULL. */
enum status store_closures(struct store *s, int (*fn)(long day, const char *reason, void *ctx), void *ctx,
                           struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	if ((rc = prepare(s, "SELECT day, reason FROM closures ORDER BY day", &st, err)) != ST_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		bool bad = false;
		long day = col_date(st, 0, &bad);
		char *reason;
		int stop;

		if (bad) {
			rc = error_set(err, ST_DB, "%s: a closure day holds a value this program cannot read",
			               s->path);
			goto out;
		}
		reason = col_dup(st, 1);
		stop = fn(day, reason, ctx);
		free(reason);
		if (stop)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the closure days", err);
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- drafts ---- */



enum status store_draft_put(struct store *s, const struct draft *d, struct error *err)
{
	static const char sql[] =
		"INSERT INTO drafts(dispute_id, kind, text, updated, at, amends, history)"
		" VALUES (?1, ?2, ?3, " UTC_NOW ", ?4, ?5, ?6)"
		" ON CONFLICT(dispute_id) DO UPDATE SET kind = excluded.kind, text = excluded.text,"
		" updated = excluded.updated, at = excluded.at, amends = excluded.amends, history = excluded.history";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, d->dispute_id, &brc);
	bind_text(st, 2, record_kind_name(d->kind), &brc);
	bind_text(st, 3, d->text ? d->text : "", &brc);
	bind_text(st, 4, d->at, &brc);
	if (d->amends)
		bind_int(st, 5, d->amends, &brc);
	if (brc == SQLITE_OK && d->history && d->history_len)
		brc = sqlite3_bind_blob(st, 6, d->history, (int)d->history_len, SQLITE_TRANSIENT);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot save the draft", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum status store_draft_get(struct store *s, long long dispute_id, struct draft *d, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	draft_free(d);
	d->dispute_id = dispute_id;
	if ((rc = prepare(s, "SELECT kind, text, at, coalesce(amends, 0), history FROM drafts WHERE dispute_id = ?1",
	                  &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, dispute_id, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src == SQLITE_DONE)
		goto out;
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot read the draft", err);
		goto out;
	}
	if (!kind_from_name((const char *)sqlite3_column_text(st, 0), &d->kind))
		d->kind = RK_NOTE;
	d->text = col_dup(st, 1);
	d->at = col_dup(st, 2);
	d->amends = sqlite3_column_int64(st, 3);
	if (sqlite3_column_type(st, 4) == SQLITE_BLOB && sqlite3_column_bytes(st, 4) > 0) {
		d->history_len = (size_t)sqlite3_column_bytes(st, 4);
		d->history = xmalloc(d->history_len);
		memcpy(d->history, sqlite3_column_blob(st, 4), d->history_len);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum status store_draft_clear(struct store *s, long long dispute_id, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = prepare(s, "DELETE FROM drafts WHERE dispute_id = ?1", &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, dispute_id, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot clear the draft", err);
out:
	sqlite3_finalize(st);
	return rc;
}

/* The most recently saved draft wins when several are pending. */
enum status store_draft_any(struct store *s, long long *dispute_id, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	*dispute_id = 0;
	if ((rc = prepare(s, "SELECT dispute_id FROM drafts ORDER BY updated DESC, dispute_id DESC LIMIT 1",
	                  &st, err)) != ST_OK)
		goto out;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*dispute_id = sqlite3_column_int64(st, 0);
	else if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the drafts", err);
out:
	sqlite3_finalize(st);
	return rc;
}

/* *value is a new string (caller frees), or NULL when key is not set. */
enum status store_meta_get(struct store *s, const char *key, char **value, struct error *err)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	*value = NULL;
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, key, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src == SQLITE_ROW)
		*value = col_dup(st, 0);
	else if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the database settings", err);
	sqlite3_finalize(st);
	return rc;
}

/* Fills *c (caller frees with contact_free); ST_NOTFOUND names the id. */
enum status store_contact_get(struct store *s, long long id, struct contact *c, struct error *err)
{
	static const char sql[] =
		"SELECT c.id, a.name, c.name, c.role, c.email, c.phone"
		" FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE c.id = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	memset(c, 0, sizeof(*c));
	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_int(st, 1, id, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->agency = col_dup(st, 1);
		c->name = col_dup(st, 2);
		c->role = col_dup(st, 3);
		c->email = col_dup(st, 4);
		c->phone = col_dup(st, 5);
	} else if (src == SQLITE_DONE) {
		error_set(err, ST_NOTFOUND, "no contact %lld", id);
		rc = error_mend(err, MEND_CONTACTS, NULL);
	} else {
		rc = db_fail(s, src, "cannot read the contact", err);
	}
	sqlite3_finalize(st);
	return rc;
}

enum status store_meta_set(struct store *s, const char *key, const char *value, struct error *err)
{
	static const char sql[] =
		"INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, key, &brc);
	bind_text(st, 2, value, &brc);
	src = brc == SQLITE_OK ? sqlite3_step(st) : brc;
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot save a database setting", err);
	sqlite3_finalize(st);
	return rc;
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}
