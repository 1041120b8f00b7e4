/* Agencies, contacts, closure days and the database's own settings in the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "store_impl.h"

/* ---- agencies and contacts ---- */

enum status store_agency_ensure(struct store *s, const char *name, long long *id, char **spelling,
                                struct error *err)
{
	static const char agency_insert[] = "INSERT OR IGNORE INTO agencies(name) VALUES (?1)";
	static const char agency_select[] = "SELECT id, name FROM agencies WHERE name = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if (!name || !*name)
		return error_set(err, ST_INVALID, "an agency needs a name");
	/* OR IGNORE keeps the first spelling: the column collates NOCASE. */
	if ((rc = db_cached(s, agency_insert, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, name, &brc);
	if ((rc = db_done(s, st, brc, "cannot save the agency", err)) != ST_OK)
		goto out;
	db_keep(s, st);
	st = NULL;
	if ((rc = db_cached(s, agency_select, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, name, &brc);
	src = db_step(st, brc);
	if (src != SQLITE_ROW) {
		rc = src == SQLITE_DONE ? error_set(err, ST_NOTFOUND, "agency %s vanished while being saved", name)
		                        : db_fail(s, src, "cannot read the agency", err);
		goto out;
	}
	*id = sqlite3_column_int64(st, 0);
	if (spelling) {
		free(*spelling);
		*spelling = col_dup(st, 1);
	}
out:
	db_keep(s, st);
	return rc;
}

/* name is borrowed for the call. */
enum status store_agencies(struct store *s, int (*fn)(const char *name, void *ctx), void *ctx,
                           struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	if ((rc = db_prepare(s, "SELECT name FROM agencies ORDER BY name, id", &st, err)) != ST_OK)
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
	int brc = SQLITE_OK;

	if (!c->name || !*c->name)
		return error_set(err, ST_INVALID, "a contact needs a name");
	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = store_agency_ensure(s, c->agency, &agency, NULL, err)) != ST_OK)
		goto out;
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, agency, &brc);
	bind_text(st, 2, c->name, &brc);
	bind_text(st, 3, c->role, &brc);
	bind_text(st, 4, c->email, &brc);
	bind_text(st, 5, c->phone, &brc);
	if ((rc = db_done(s, st, brc, "cannot save the contact", err)) != ST_OK)
		goto out;
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
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
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
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_int(st, 1, id, &brc);
	src = db_step(st, brc);
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
	db_keep(s, st);
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
	int brc = SQLITE_OK;

	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "a closure needs a date");
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_date(st, 1, day, &brc);
	bind_text(st, 2, reason, &brc);
	rc = db_done(s, st, brc, "cannot save the closure day", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum status store_closure_remove(struct store *s, long day, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char buf[11];
	enum status rc;
	int brc = SQLITE_OK;

	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "a closure needs a date");
	if ((rc = db_prepare(s, "DELETE FROM closures WHERE day = ?1", &st, err)) != ST_OK)
		goto out;
	bind_date(st, 1, day, &brc);
	if ((rc = db_done(s, st, brc, "cannot remove the closure day", err)) != ST_OK)
		goto out;
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

	if ((rc = db_prepare(s, "SELECT day, reason FROM closures ORDER BY day", &st, err)) != ST_OK)
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

/* *value is a new string (caller frees), or NULL when key is not set. */
enum status store_meta_get(struct store *s, const char *key, char **value, struct error *err)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	*value = NULL;
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, key, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW)
		*value = col_dup(st, 0);
	else if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the database settings", err);
	db_keep(s, st);
	return rc;
}

enum status store_meta_set(struct store *s, const char *key, const char *value, struct error *err)
{
	static const char sql[] =
		"INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, key, &brc);
	bind_text(st, 2, value, &brc);
	rc = db_done(s, st, brc, "cannot save a database setting", err);
	sqlite3_finalize(st);
	return rc;
}

/* ---- closure days of one agency ---- */

/* Adding a day that is already closed replaces its reason. */
enum status store_agency_closure_add(struct store *s, long day, const char *agency, const char *reason,
                                     char **spelling, struct error *err)
{
	static const char sql[] =
		"INSERT INTO agency_closures(agency_id, day, reason) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(agency_id, day) DO UPDATE SET reason = excluded.reason";
	sqlite3_stmt *st = NULL;
	long long id;
	enum status rc;
	int brc = SQLITE_OK;

	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "a closure needs a date");
	if ((rc = store_agency_ensure(s, agency, &id, spelling, err)) != ST_OK ||
	    (rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, id, &brc);
	bind_date(st, 2, day, &brc);
	bind_text(st, 3, reason, &brc);
	rc = db_done(s, st, brc, "cannot save the closure day", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum status store_agency_closure_remove(struct store *s, long day, const char *agency, char **spelling,
                                        struct error *err)
{
	static const char sql[] =
		"DELETE FROM agency_closures WHERE day = ?1 AND agency_id = (SELECT id FROM agencies WHERE name = ?2)";
	sqlite3_stmt *st = NULL;
	char buf[11];
	enum status rc;
	int brc = SQLITE_OK;

	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "a closure needs a date");
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_date(st, 1, day, &brc);
	bind_text(st, 2, agency, &brc);
	if ((rc = db_done(s, st, brc, "cannot remove the closure day", err)) != ST_OK)
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		rc = error_set(err, ST_NOTFOUND, "%s is not a closure day of %s", date_format(day, buf), agency);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (spelling && (rc = db_prepare(s, "SELECT name FROM agencies WHERE name = ?1", &st, err)) == ST_OK) {
		bind_text(st, 1, agency, &brc);
		if (db_step(st, brc) == SQLITE_ROW) {
			free(*spelling);
			*spelling = col_dup(st, 0);
		}
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* agency and reason are borrowed for the call; reason may be NULL. */
enum status store_agency_closures(struct store *s, int (*fn)(long day, const char *agency, const char *reason,
                                                               void *ctx),
                                  void *ctx, struct error *err)
{
	static const char sql[] =
		"SELECT c.day, a.name, c.reason FROM agency_closures c JOIN agencies a ON a.id = c.agency_id"
		" ORDER BY c.day, a.name";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		bool bad = false;
		long day = col_date(st, 0, &bad);
		char *agency, *reason;
		int stop;

		if (bad) {
			rc = error_set(err, ST_DB, "%s: a closure day holds a value this program cannot read", s->path);
			goto out;
		}
		agency = col_dup(st, 1);
		reason = col_dup(st, 2);
		stop = fn(day, agency ? agency : "", reason, ctx);
		free(agency);
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
