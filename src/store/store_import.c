/* Many disputes written in one transaction, each statement prepared once and reused row after row: what an import of an escalation log needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "store_impl.h"

enum bulk_stmt {
	B_AGENCY_GET,
	B_AGENCY_ADD,
	B_REF_TAKEN,
	B_REF_NEXT,
	B_DISPUTE,
	B_STAGE,
	B_RECORD,
	B_META,
	B_COUNT
};

static const char *const bulk_sql[B_COUNT] = {
	[B_AGENCY_GET] = "SELECT id, name FROM agencies WHERE name = ?1",
	[B_AGENCY_ADD] = "INSERT INTO agencies(name) VALUES (?1)",
	[B_REF_TAKEN] = "SELECT 1 FROM disputes WHERE reference = ?1",
	/* As next_reference numbers a year (store_dispute.c). */
	[B_REF_NEXT] = "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next-' || substr(?1, 3, 4)),"
	               " (SELECT coalesce(max(CAST(substr(reference, 8) AS INTEGER)), 0) + 1 FROM disputes"
	               "  WHERE reference >= ?1 AND reference < ?2))",
	[B_DISPUTE] = DISPUTE_INSERT,
	[B_STAGE] = STAGE_INSERT,
	[B_RECORD] = "INSERT INTO records(id, dispute_id, day, minute, kind, stage, author, text, amends, created, state,"
	             " prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	/* The year's counter only ever moves on. */
	[B_META] = "INSERT INTO meta(key, value) VALUES ('next-' || ?1, ?2) ON CONFLICT(key) DO UPDATE"
	           " SET value = excluded.value WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)",
};

struct store_bulk {
	struct store *s;
	bool write;
	sqlite3_stmt *st[B_COUNT];
	/* the chain's tip, kept here from one record to the next */
	long long next_id;
	unsigned char prev[CHAIN_HASH_LEN];
	char *created;
};

/* The statement k, prepared on first use and reset for the next. */
static enum status stmt(struct store_bulk *b, enum bulk_stmt k, sqlite3_stmt **out, struct error *err)
{
	enum status rc = ST_OK;

	if (!b->st[k])
		rc = db_prepare(b->s, bulk_sql[k], &b->st[k], err);
	else
		sqlite3_reset(b->st[k]);
	if (rc == ST_OK)
		sqlite3_clear_bindings(b->st[k]);
	*out = b->st[k];
	return rc;
}

enum status store_bulk_begin(struct store *s, bool write, struct store_bulk **out, struct error *err)
{
	static const char tip_sql[] =
		"SELECT coalesce(max(id), 0) + 1, (SELECT hash FROM records ORDER BY id DESC LIMIT 1), " UTC_NOW
		" FROM records";
	struct store_bulk *b = xcalloc(1, sizeof(*b));
	sqlite3_stmt *st = NULL;
	enum status rc = ST_OK;
	int src;

	b->s = s;
	b->write = write;
	*out = b;
	if (!write)
		return ST_OK;
	/* One transaction of many rows; the search index takes them at the end. */
	if ((rc = store_begin_bulk(s, true, err)) != ST_OK)
		return rc;
	if ((rc = db_prepare(s, tip_sql, &st, err)) != ST_OK)
		goto out;
	if ((src = sqlite3_step(st)) != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot read the journal", err);
		goto out;
	}
	b->next_id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == CHAIN_HASH_LEN) {
		memcpy(b->prev, sqlite3_column_blob(st, 1), CHAIN_HASH_LEN);
	} else if (b->next_id > 1) {
		rc = error_set(err, ST_DB, "%s: the last record of the journal has no seal; the database has been "
		               "altered outside dispute", s->path);
		error_mend(err, MEND_VERIFY, NULL);
		goto out;
	}
	b->created = col_dup(st, 2);
out:
	sqlite3_finalize(st);
	return rc;
}

void store_bulk_end(struct store_bulk *b)
{
	if (!b)
		return;
	for (int i = 0; i < B_COUNT; i++)
		sqlite3_finalize(b->st[i]);
	free(b->created);
	free(b);
}

enum status store_bulk_agency(struct store_bulk *b, const char *name, bool add, long long *id, char **spelling,
                              struct error *err)
{
	sqlite3_stmt *st;
	enum status rc;
	int brc = SQLITE_OK, src;

	*id = 0;
	if ((rc = stmt(b, B_AGENCY_GET, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, name, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (spelling) {
			free(*spelling);
			*spelling = col_dup(st, 1);
		}
		sqlite3_reset(st);
		return ST_OK;
	}
	if (src != SQLITE_DONE)
		return db_fail(b->s, src, "cannot read the agency", err);
	if (!add)
		return ST_OK;
	if ((rc = stmt(b, B_AGENCY_ADD, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, name, &brc);
	if ((rc = db_done(b->s, st, brc, "cannot save the agency", err)) != ST_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(b->s->db);
	return ST_OK;
}

enum status store_bulk_reference_taken(struct store_bulk *b, const char *ref, bool *taken, struct error *err)
{
	sqlite3_stmt *st;
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = stmt(b, B_REF_TAKEN, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, ref, &brc);
	src = db_step(st, brc);
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		return db_fail(b->s, src, "cannot read the disputes", err);
	*taken = src == SQLITE_ROW;
	sqlite3_reset(st);
	return ST_OK;
}

enum status store_bulk_reference_next(struct store_bulk *b, int year, long long *next, struct error *err)
{
	sqlite3_stmt *st;
	char lo[16], hi[16];
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = stmt(b, B_REF_NEXT, &st, err)) != ST_OK)
		return rc;
	snprintf(lo, sizeof(lo), "D-%04d-", year);
	snprintf(hi, sizeof(hi), "D-%04d.", year);
	bind_text(st, 1, lo, &brc);
	bind_text(st, 2, hi, &brc);
	src = db_step(st, brc);
	if (src != SQLITE_ROW)
		return db_fail(b->s, src, "cannot number the disputes", err);
	*next = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ST_OK;
}

enum status store_bulk_reference_mark(struct store_bulk *b, int year, long long next, struct error *err)
{
	sqlite3_stmt *st;
	char y[8];
	enum status rc;
	int brc = SQLITE_OK;

	if ((rc = stmt(b, B_META, &st, err)) != ST_OK)
		return rc;
	snprintf(y, sizeof(y), "%04d", year);
	bind_text(st, 1, y, &brc);
	bind_int(st, 2, next, &brc);
	return db_done(b->s, st, brc, "cannot number the disputes", err);
}

enum status store_bulk_dispute(struct store_bulk *b, struct dispute *d, struct error *err)
{
	long long raised, against;
	sqlite3_stmt *st;
	enum status rc;
	int brc = SQLITE_OK;

	if ((rc = store_bulk_agency(b, d->raised_by, true, &raised, &d->raised_by, err)) != ST_OK ||
	    (rc = store_bulk_agency(b, d->against, true, &against, &d->against, err)) != ST_OK ||
	    (rc = stmt(b, B_DISPUTE, &st, err)) != ST_OK)
		return rc;
	/* An imported dispute has its owner and none of the lists (several
	 * agencies, checklists): its lists mark is 0. */
	dispute_bind(st, d, d->reference, raised, against, &brc);
	if ((rc = db_done(b->s, st, brc, "cannot save the dispute", err)) != ST_OK)
		return rc;
	d->id = sqlite3_last_insert_rowid(b->s->db);
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *g = &d->stages[i];

		if ((rc = stmt(b, B_STAGE, &st, err)) != ST_OK)
			return rc;
		stage_bind(st, d->id, g, &brc);
		if ((rc = db_done(b->s, st, brc, "cannot save the stages", err)) != ST_OK)
			return rc;
	}
	return ST_OK;
}

enum status store_bulk_record(struct store_bulk *b, struct record *r, struct error *err)
{
	unsigned char hash[CHAIN_HASH_LEN];
	char id[24], dispute[24], day[11], minute[8], stage[12];
	const char *values[CHAIN_NCOLUMNS];
	sqlite3_stmt *st;
	enum status rc;
	int brc = SQLITE_OK;

	if (!b->write)
		return error_set(err, ST_INVALID, "the import was begun without writing");
	if (r->day == DATE_NONE || !r->text || (unsigned)r->kind >= RK_COUNT || r->amends)
		return error_set(err, ST_INVALID, "an imported event needs a date, a kind and some text");
	/* The seal covers the values exactly as SQLite will give them back
	 * (store_record_insert does the same one record at a time). */
	snprintf(id, sizeof(id), "%lld", b->next_id);
	snprintf(dispute, sizeof(dispute), "%lld", r->dispute_id);
	snprintf(minute, sizeof(minute), "%d", r->minute);
	snprintf(stage, sizeof(stage), "%d", r->stage);
	values[0] = id;
	values[1] = dispute;
	values[2] = date_format(r->day, day);
	values[3] = r->minute == TIME_NONE ? NULL : minute;
	values[4] = record_kind_name(r->kind);
	values[5] = stage;
	values[6] = r->author;
	values[7] = r->text;
	values[8] = NULL;
	values[9] = b->created;
	values[10] = r->state;
	chain_seal(b->prev, values, NULL, hash);

	if ((rc = stmt(b, B_RECORD, &st, err)) != ST_OK)
		return rc;
	bind_int(st, 1, b->next_id, &brc);
	bind_int(st, 2, r->dispute_id, &brc);
	bind_date(st, 3, r->day, &brc);
	bind_minute(st, 4, r->minute, &brc);
	bind_text(st, 5, record_kind_name(r->kind), &brc);
	bind_int(st, 6, r->stage, &brc);
	bind_text(st, 7, r->author, &brc);
	bind_text(st, 8, r->text, &brc);
	bind_text(st, 10, b->created, &brc);
	bind_text(st, 11, r->state, &brc);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_blob(st, 12, b->prev, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_blob(st, 13, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	if ((rc = db_done(b->s, st, brc, "cannot save the record", err)) != ST_OK)
		return rc;
	r->id = b->next_id++;
	memcpy(b->prev, hash, CHAIN_HASH_LEN);
	free(r->created);
	r->created = xstrdup(b->created);
	return ST_OK;
}
