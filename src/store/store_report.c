/* The store's reads for partnership reports: disputes opened in a period, learning records, whole tables for CSV. */
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "store_impl.h"

enum status store_snapshot_begin(struct store *s, bool *own, struct error *err)
{
	sqlite3 *db = s->db;
	int rc;

	*own = sqlite3_get_autocommit(db) != 0;
	if (!*own)
		return ST_OK;
	rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*own = false;
		return db_fail(s, rc, "cannot read the database", err);
	}
	return ST_OK;
}

void store_snapshot_end(struct store *s, bool own)
{
	sqlite3 *db = s->db;

	/* Nothing was written, so ending the read cannot lose anything. */
	if (own && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* Binds the filter to ?1 (from), ?2 (to), ?3 (protocol): an open end of
 * the period as a date before or after any, so the period is always a
 * range of the index on the opening date; protocol NULL leaves that
 * condition out.  Returns an SQLite code. */
static int bind_filter(sqlite3_stmt *st, const struct report_filter *f)
{
	char a[11], b[11];
	int rc = sqlite3_bind_text(st, 1, f->from == DATE_NONE ? "0000-00-00" : date_format(f->from, a), -1,
	                           SQLITE_TRANSIENT);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, f->to == DATE_NONE ? "9999-99-99" : date_format(f->to, b), -1,
		                       SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = f->protocol ? sqlite3_bind_text(st, 3, f->protocol, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 3);
	return rc;
}

/* The period and protocol condition, on disputes aliased d.  Dates are
 * stored as ISO 8601 text, so text order is date order. */
#define FILTER_WHERE \
	" WHERE d.opened >= ?1 AND d.opened <= ?2 AND (?3 IS NULL OR d.protocol = ?3 COLLATE NOCASE)"

enum status store_report_disputes(struct store *s, const struct report_filter *f, dispute_fn fn, void *ctx,
                                  struct error *err)
{
	static const char sql[] =
		"SELECT " DISPUTE_COLS_NO_DRAFT ", " STAGE_COLS DISPUTE_FROM " LEFT JOIN stages g ON g.dispute_id = d.id"
		FILTER_WHERE " ORDER BY d.opened, d.reference, g.number";
	sqlite3_stmt *st = NULL;
	enum status rc;
	bool own;

	if ((rc = store_snapshot_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = db_prepare(s, sql, &st, err)) == ST_OK)
		rc = disputes_stream(s, st, bind_filter(st, f), false, fn, ctx, err);
	sqlite3_finalize(st);
	store_snapshot_end(s, own);
	return rc;
}

/* A text column, borrowed until the next step. */
static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

enum status store_report_learning(struct store *s, const struct report_filter *f, learning_fn fn, void *ctx,
                                  struct error *err)
{
	static const char sql[] =
		"SELECT r.id, d.reference, d.protocol, d.subject, ra.name, ag.name, d.category, r.author, r.text,"
		" r.day, r.minute, r.stage, coalesce(r.amends, 0),"
		" coalesce((SELECT max(c.id) FROM records c WHERE c.amends = r.id), 0)"
		" FROM records r JOIN disputes d ON d.id = r.dispute_id"
		" JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"
		FILTER_WHERE " AND r.kind = 'learning'"
		" ORDER BY d.opened, d.reference, r.day, r.minute, r.id";
	sqlite3 *db = s->db;
	sqlite3_stmt *st = NULL;
	enum status rc = ST_OK;
	int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (src == SQLITE_OK)
		src = bind_filter(st, f);
	while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		struct learning_row r;

		src = SQLITE_OK;
		r.id = sqlite3_column_int64(st, 0);
		r.reference = col_text(st, 1);
		r.protocol = col_text(st, 2);
		r.subject = col_text(st, 3);
		r.raised_by = col_text(st, 4);
		r.against = col_text(st, 5);
		r.category = col_text(st, 6);
		r.author = col_text(st, 7);
		r.text = col_text(st, 8);
		if (!r.text || !date_parse(col_text(st, 9) ? col_text(st, 9) : "", &r.day)) {
			rc = error_set(err, ST_DB, "record %lld holds a value this program cannot read", r.id);
			break;
		}
		r.minute = sqlite3_column_type(st, 10) == SQLITE_NULL ? TIME_NONE : sqlite3_column_int(st, 10);
		r.stage = sqlite3_column_int(st, 11);
		r.amends = sqlite3_column_int64(st, 12);
		r.amended_by = sqlite3_column_int64(st, 13);
		if (fn(&r, ctx))
			break;
	}
	if (rc == ST_OK && src != SQLITE_OK && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the learning records", err);
	sqlite3_finalize(st);
	return rc;
}

/* An event's state with its "subject=" line left out (journal.h), for
 * exports that do not carry the subject; NULL stays NULL. */
static char *state_without_subject(const char *state)
{
	struct sb out = {0};

	if (!state)
		return NULL;
	for (const char *line = state; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);

		if (strncmp(line, "subject=", 8) != 0 && strncmp(line, "subject\n", 8) != 0)
			sb_appendn(&out, line, len);
		line += len;
	}
	return sb_take(&out);
}

enum status store_table_rows(struct store *s, enum export_table t, bool include_subject, row_fn fn, void *ctx,
                             struct error *err)
{
	/* `t.*` follows the schema as migrations add columns; the names
	 * after it are for people reading the file without a database. */
	static const char *const sql[] = {
		[TABLE_AGENCIES] = "SELECT t.* FROM agencies t ORDER BY t.id",
		[TABLE_CONTACTS] = "SELECT t.*, a.name AS agency FROM contacts t JOIN agencies a ON a.id = t.agency_id"
		                   " ORDER BY t.id",
		[TABLE_DISPUTES] = "SELECT t.*, ra.name AS raised_by_agency, ag.name AS against_agency FROM disputes t"
		                   " JOIN agencies ra ON ra.id = t.raised_by JOIN agencies ag ON ag.id = t.against"
		                   " ORDER BY t.id",
		[TABLE_STAGES] = "SELECT t.*, d.reference FROM stages t JOIN disputes d ON d.id = t.dispute_id"
		                 " ORDER BY t.dispute_id, t.number",
		/* The seals in hex, so a copy can be held against the database
		 * (dispute verify --head). */
		[TABLE_RECORDS] = "SELECT t.id, t.dispute_id, t.day, t.minute, t.kind, t.stage, t.author, t.text,"
		                  " t.amends, t.created, t.state, lower(hex(t.prev)) AS prev, lower(hex(t.hash)) AS hash,"
		                  " d.reference FROM records t JOIN disputes d ON d.id = t.dispute_id ORDER BY t.id",
		/* The closures of every agency (agency empty), then of one. */
		[TABLE_CLOSURES] = "SELECT t.day, t.reason, NULL AS agency FROM closures t UNION ALL"
		                   " SELECT t.day, t.reason, a.name FROM agency_closures t JOIN agencies a"
		                   " ON a.id = t.agency_id ORDER BY 1, 3",
		[TABLE_DISPUTE_AGENCIES] = "SELECT t.*, d.reference, a.name AS agency FROM dispute_agencies t"
		                           " JOIN disputes d ON d.id = t.dispute_id JOIN agencies a ON a.id = t.agency_id"
		                           " ORDER BY t.dispute_id, t.position",
		[TABLE_DISPUTE_SUBJECTS] = "SELECT t.*, d.reference FROM dispute_subjects t JOIN disputes d"
		                           " ON d.id = t.dispute_id ORDER BY t.dispute_id, t.position",
		[TABLE_STAGE_COUNTERPARTS] = "SELECT t.*, d.reference FROM stage_counterparts t JOIN disputes d"
		                             " ON d.id = t.dispute_id ORDER BY t.dispute_id, t.stage, t.position",
		[TABLE_ACTIONS_DONE] = "SELECT t.*, d.reference FROM actions_done t JOIN disputes d ON d.id = t.dispute_id"
		                       " ORDER BY t.dispute_id, t.seq",
		[TABLE_RECORD_DETAILS] = "SELECT t.*, d.reference FROM record_details t JOIN disputes d"
		                         " ON d.id = t.dispute_id ORDER BY t.record_id",
	};
	sqlite3 *db = s->db;
	sqlite3_stmt *st = NULL;
	const char **cells = NULL;
	enum status rc = ST_OK;
	int src, ncols, n = 0, state = -1;
	bool *omit = NULL;      /* the columns the file leaves out */
	char *redacted = NULL;

	if ((unsigned)t >= TABLE_COUNT)
		return error_set(err, ST_INVALID, "no such table");
	src = sqlite3_prepare_v2(db, sql[t], -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = db_fail(s, src, "cannot read the database", err);
		goto out;
	}
	ncols = sqlite3_column_count(st);
	cells = xcalloc((size_t)ncols + 1, sizeof(*cells));
	omit = xcalloc((size_t)ncols + 1, sizeof(*omit));
	for (int i = 0; i < ncols; i++) {
		const char *name = sqlite3_column_name(st, i);
		/* The subject unless asked for; the list's order key, whether
		 * the list tables hold anything, and the running stage's step
		 * and route (the stages file has them): kept for the list,
		 * internal. */
		omit[i] = ((t == TABLE_DISPUTES || t == TABLE_DISPUTE_SUBJECTS) && !include_subject && name &&
		           strcmp(name, "subject") == 0) ||
		          (t == TABLE_DISPUTES && name && (strcmp(name, "list_key") == 0 || strcmp(name, "lists") == 0 ||
		                                           strcmp(name, "current_step") == 0 ||
		                                           strcmp(name, "current_route") == 0));
		if (!omit[i])
			cells[n++] = name;
		if (t == TABLE_RECORDS && !include_subject && name && strcmp(name, "state") == 0)
			state = i;      /* an opening event's state names the subject */
	}
	if (fn(n, cells, ctx))
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		n = 0;
		for (int i = 0; i < ncols; i++)
			if (!omit[i])
				cells[n++] = col_text(st, i);
		if (state >= 0) {
			free(redacted);
			redacted = state_without_subject(col_text(st, state));
			cells[state] = redacted;
		}
		if (fn(n, cells, ctx))
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the database", err);
out:
	free(redacted);
	free(cells);
	free(omit);
	sqlite3_finalize(st);
	return rc;
}
