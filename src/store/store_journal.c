/* The journal in the store: appending records (never changing one) and reading them back, and the workbench's drafts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "store_impl.h"

/* ---- the journal ---- */

enum status store_record_insert(struct store *s, struct record *r, struct error *err)
{
	/* One read: the dispute's reference (is there such a dispute?),
	 * whether the amended record is one of its records, the time, and
	 * the chain's tip: the id this record takes (ids follow one another,
	 * so a gap is a removed record) and the seal it follows. */
	static const char check_sql[] =
		"SELECT d.reference, ?2 IS NULL OR EXISTS (SELECT 1 FROM records r"
		" WHERE r.id = ?2 AND r.dispute_id = d.id), " UTC_NOW ","
		" coalesce((SELECT max(id) FROM records), 0) + 1, (SELECT hash FROM records ORDER BY id DESC LIMIT 1)"
		" FROM disputes d WHERE d.id = ?1";
	static const char insert_sql[] =
		"INSERT INTO records(id, dispute_id, day, minute, kind, stage, author, text, amends, created, state,"
		" prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
	unsigned char prev[CHAIN_HASH_LEN], hash[CHAIN_HASH_LEN];
	char id[24], dispute[24], day[11], minute[8], stage[12], amends[24];
	const char *values[CHAIN_NCOLUMNS];
	sqlite3_stmt *st = NULL;
	char *created = NULL;
	long long next;
	enum status rc;
	int brc = SQLITE_OK, src;
	bool own;

	if (r->day == DATE_NONE || !r->text || (unsigned)r->kind >= RK_COUNT)
		return error_set(err, ST_INVALID, "a record needs a date, a kind and some text");
	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = db_cached(s, check_sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, r->dispute_id, &brc);
	if (r->amends)
		bind_int(st, 2, r->amends, &brc);
	src = db_step(st, brc);
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
	next = sqlite3_column_int64(st, 3);
	memset(prev, 0, sizeof(prev));
	if (sqlite3_column_bytes(st, 4) == CHAIN_HASH_LEN) {
		memcpy(prev, sqlite3_column_blob(st, 4), CHAIN_HASH_LEN);
	} else if (next > 1) {
		rc = error_set(err, ST_DB, "%s: the last record of the journal has no seal; the database has been "
		               "altered outside dispute", s->path);
		error_mend(err, MEND_VERIFY, NULL);
		goto out;
	}
	db_keep(s, st);
	st = NULL;

	/* The seal covers the values exactly as SQLite will give them back. */
	snprintf(id, sizeof(id), "%lld", next);
	snprintf(dispute, sizeof(dispute), "%lld", r->dispute_id);
	snprintf(minute, sizeof(minute), "%d", r->minute);
	snprintf(stage, sizeof(stage), "%d", r->stage);
	snprintf(amends, sizeof(amends), "%lld", r->amends);
	values[0] = id;
	values[1] = dispute;
	values[2] = date_format(r->day, day);
	values[3] = r->minute == TIME_NONE ? NULL : minute;
	values[4] = record_kind_name(r->kind);
	values[5] = stage;
	values[6] = r->author;
	values[7] = r->text;
	values[8] = r->amends ? amends : NULL;
	values[9] = created;
	values[10] = r->state;
	chain_seal(prev, values, NULL, hash);

	if ((rc = db_cached(s, insert_sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, next, &brc);
	bind_int(st, 2, r->dispute_id, &brc);
	bind_date(st, 3, r->day, &brc);
	bind_minute(st, 4, r->minute, &brc);
	bind_text(st, 5, record_kind_name(r->kind), &brc);
	bind_int(st, 6, r->stage, &brc);
	bind_text(st, 7, r->author, &brc);
	bind_text(st, 8, r->text, &brc);
	if (r->amends)
		bind_int(st, 9, r->amends, &brc);
	bind_text(st, 10, created, &brc);
	bind_text(st, 11, r->state, &brc);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_blob(st, 12, prev, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_blob(st, 13, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	if ((rc = db_done(s, st, brc, "cannot save the record", err)) != ST_OK)
		goto out;
	r->id = next;
	free(r->created);
	r->created = created;
	created = NULL;
out:
	db_keep(s, st);
	free(created);
	return change_end(s, own, rc, err);
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
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
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
	int brc = SQLITE_OK;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, d->dispute_id, &brc);
	bind_text(st, 2, record_kind_name(d->kind), &brc);
	bind_text(st, 3, d->text ? d->text : "", &brc);
	bind_text(st, 4, d->at, &brc);
	if (d->amends)
		bind_int(st, 5, d->amends, &brc);
	if (brc == SQLITE_OK && d->history && d->history_len)
		brc = sqlite3_bind_blob(st, 6, d->history, (int)d->history_len, SQLITE_TRANSIENT);
	rc = db_done(s, st, brc, "cannot save the draft", err);
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
	if ((rc = db_prepare(s, "SELECT kind, text, at, coalesce(amends, 0), history FROM drafts WHERE dispute_id = ?1",
	                  &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, dispute_id, &brc);
	src = db_step(st, brc);
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
	int brc = SQLITE_OK;

	if ((rc = db_prepare(s, "DELETE FROM drafts WHERE dispute_id = ?1", &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, dispute_id, &brc);
	rc = db_done(s, st, brc, "cannot clear the draft", err);
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
	if ((rc = db_prepare(s, "SELECT dispute_id FROM drafts ORDER BY updated DESC, dispute_id DESC LIMIT 1",
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
