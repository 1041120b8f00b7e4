/* Disputes and their stages in the store: numbering, inserting, updating, loading and listing them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/text.h"
#include "store_impl.h"

/* ---- disputes ---- */

void stage_bind(sqlite3_stmt *st, long long dispute_id, const struct stage *g, int *brc)
{
	bind_int(st, 1, dispute_id, brc);
	bind_int(st, 2, g->number, brc);
	bind_date(st, 3, g->started, brc);
	bind_date(st, 4, g->due, brc);
	bind_minute(st, 5, g->due_minute, brc);
	bind_int(st, 6, g->due_agreed, brc);
	bind_text(st, 7, g->due_reason, brc);
	bind_date(st, 8, g->ended, brc);
	bind_text(st, 9, g->how == SE_NONE ? NULL : stage_end_name(g->how), brc);
	bind_int(st, 10, g->sequence, brc);
	if (g->contact_id)
		bind_int(st, 11, g->contact_id, brc);
	else if (*brc == SQLITE_OK)
		*brc = sqlite3_bind_null(st, 11);
	bind_date(st, 12, g->limit_due, brc);
	bind_int(st, 13, g->route, brc);
	bind_int(st, 14, g->step, brc);
	bind_date(st, 15, g->response_due, brc);
	bind_date(st, 16, g->then_due, brc);
	bind_minute(st, 17, g->then_minute, brc);
	bind_date(st, 18, g->follow_up, brc);
}

/* Inserts the dispute's stages, or updates the ones already stored. */
static enum status stages_write(struct store *s, const struct dispute *d, struct error *err)
{
	static const char sql[] = STAGE_INSERT
		" ON CONFLICT(dispute_id, number) DO UPDATE SET started = excluded.started,"
		" due = excluded.due, due_minute = excluded.due_minute, due_agreed = excluded.due_agreed,"
		" due_reason = excluded.due_reason, ended = excluded.ended, how = excluded.how,"
		" sequence = excluded.sequence, contact_id = excluded.contact_id, limit_due = excluded.limit_due,"
		" route = excluded.route, step = excluded.step, response_due = excluded.response_due,"
		" then_due = excluded.then_due, then_minute = excluded.then_minute, follow_up = excluded.follow_up";
	sqlite3_stmt *st = NULL;
	enum status rc;

	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		goto out;
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *g = &d->stages[i];
		int brc = SQLITE_OK;

		sqlite3_reset(st);
		stage_bind(st, d->id, g, &brc);
		if ((rc = db_done(s, st, brc, "cannot save the stages", err)) != ST_OK)
			goto out;
	}
out:
	db_keep(s, st);
	return rc;
}

/* ---- what a dispute holds besides its row and its stages ---- */

/* Whether d has anything in its lists (the flag that spares a list the
 * reads of those that have none). */
static bool dispute_has_lists(const struct dispute *d)
{
	return d->nothers || d->nsubjects || d->ncounterparts || d->ndone || d->ndetails;
}

/* Every list of several disputes in one statement, one row an item: the
 * dispute's place in ?1 (a JSON array of dispute ids), which list (k), its
 * numbers (a, b, c) and texts (t1..t4), each dispute's items together and
 * each list in the order it is kept.  One statement for a batch of
 * disputes: a statement a dispute cost more in setting up its sorter and
 * cursors than in reading the items.  others_sql: the further other
 * agencies alone, all a row of a list shows. */
#define EXTRAS_OTHERS \
	"SELECT j.key, 1 AS k, x.position AS a, 0 AS b, 0 AS c, a.name AS t1, NULL AS t2, NULL AS t3, NULL AS t4" \
	" FROM json_each(?1) j JOIN dispute_agencies x ON x.dispute_id = j.value" \
	" JOIN agencies a ON a.id = x.agency_id"
static const char extras_sql[] =
	EXTRAS_OTHERS
	" UNION ALL SELECT j.key, 2, position, 0, 0, subject, NULL, NULL, NULL"
	" FROM json_each(?1) j JOIN dispute_subjects x ON x.dispute_id = j.value"
	" UNION ALL SELECT j.key, 3, stage, position, contact_id, NULL, NULL, NULL, NULL"
	" FROM json_each(?1) j JOIN stage_counterparts x ON x.dispute_id = j.value"
	" UNION ALL SELECT j.key, 4, seq, stage, 0, text, done, done_by, NULL"
	" FROM json_each(?1) j JOIN actions_done x ON x.dispute_id = j.value"
	" UNION ALL SELECT j.key, 5, record_id, 0, coalesce(contact_id, 0), next, next_due, done, done_by"
	" FROM json_each(?1) j JOIN record_details x ON x.dispute_id = j.value"
	" ORDER BY 1, 2, 3, 4";
static const char others_sql[] = EXTRAS_OTHERS " ORDER BY 1, 2, 3, 4";

/* Adds the item of the row st holds (extras_sql) to d; false for a value
 * that cannot be read. */
static bool extras_item(sqlite3_stmt *st, struct dispute *d)
{
	bool bad = false;

	switch (sqlite3_column_int(st, 1)) {
	case 1:
	case 2: {
		bool others = sqlite3_column_int(st, 1) == 1;
		char ***v = others ? &d->others : &d->subjects;
		size_t *n = others ? &d->nothers : &d->nsubjects;
		char *text = col_dup(st, 5);

		if (!text)
			return false;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = text;
		break;
	}
	case 3: {
		struct counterpart *c;

		d->counterparts = xrealloc(d->counterparts, (d->ncounterparts + 1) * sizeof(*d->counterparts));
		c = &d->counterparts[d->ncounterparts++];
		c->stage = sqlite3_column_int(st, 2);
		c->party = sqlite3_column_int(st, 3);
		c->contact_id = sqlite3_column_int64(st, 4);
		break;
	}
	case 4: {
		struct action_done *a;

		d->done = xrealloc(d->done, (d->ndone + 1) * sizeof(*d->done));
		a = &d->done[d->ndone++];
		a->stage = sqlite3_column_int(st, 3);
		a->text = col_dup(st, 5);
		a->on = col_date(st, 6, &bad);
		a->by = col_dup(st, 7);
		break;
	}
	default: {
		struct record_detail *r;

		d->details = xrealloc(d->details, (d->ndetails + 1) * sizeof(*d->details));
		r = &d->details[d->ndetails++];
		r->record = sqlite3_column_int64(st, 2);
		r->contact_id = sqlite3_column_int64(st, 4);
		r->next = col_dup(st, 5);
		r->due = col_date(st, 6, &bad);
		r->done = col_date(st, 7, &bad);
		r->done_by = col_dup(st, 8);
		break;
	}
	}
	return !bad;
}

/* How many disputes a stream reads ahead, to read their lists in one
 * statement: few enough that the first of them comes at once. */
#define STREAM_BATCH 64

/* Reads the lists of the n (at most STREAM_BATCH) disputes v[0..n) (their
 * ids and has_lists read with DISPUTE_COLS) into them, in one statement
 * (with others_only, the further other agencies alone): nothing for those
 * whose flag says their lists are empty (most), nor on a file older than
 * store_extras_version, which has none.  The statement is prepared at the
 * first batch that needs it and kept. */
static enum status extras_load(struct store *s, struct dispute *v, size_t n, bool others_only, struct error *err)
{
	struct dispute *with[STREAM_BATCH];     /* those with lists: the places in ?1 */
	struct sb ids = {0};
	sqlite3_stmt *st = NULL;
	const char *bad = NULL;
	enum status rc = ST_OK;
	size_t nwith = 0;
	int brc = SQLITE_OK, src = SQLITE_DONE;

	if (s->version < store_extras_version())
		return ST_OK;
	for (size_t i = 0; i < n; i++)
		if (v[i].has_lists) {
			sb_append(&ids, nwith ? "," : "[");
			sb_append_int(&ids, v[i].id);
			with[nwith++] = &v[i];
		}
	if (!nwith)
		return ST_OK;
	sb_append(&ids, "]");
	if ((rc = db_cached(s, others_only ? others_sql : extras_sql, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, ids.s, &brc);
	while (!bad && (src = brc == SQLITE_OK ? sqlite3_step(st) : brc) == SQLITE_ROW) {
		struct dispute *d = with[sqlite3_column_int(st, 0)];

		if (!extras_item(st, d))
			bad = d->reference;
	}
	if (bad)
		rc = error_set(err, ST_DB, "%s: %s holds a value this program cannot read", s->path, bad);
	else if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the dispute", err);
out:
	db_keep(s, st);
	free(ids.s);
	return rc;
}

/* Writes what a dispute holds besides its row and its stages: every list
 * as it is in memory (they only grow: nothing is taken out of them).  The
 * other agencies take their names as stored. */
static enum status extras_write(struct store *s, struct dispute *d, struct error *err)
{
	static const char *const sql[] = {
		"INSERT INTO dispute_agencies(dispute_id, position, agency_id) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(dispute_id, position) DO UPDATE SET agency_id = excluded.agency_id",
		"INSERT INTO dispute_subjects(dispute_id, position, subject) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(dispute_id, position) DO UPDATE SET subject = excluded.subject",
		"INSERT INTO stage_counterparts(dispute_id, stage, position, contact_id) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(dispute_id, stage, position) DO UPDATE SET contact_id = excluded.contact_id",
		"INSERT INTO actions_done(dispute_id, seq, stage, text, done, done_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT(dispute_id, seq) DO UPDATE SET stage = excluded.stage, text = excluded.text,"
		" done = excluded.done, done_by = excluded.done_by",
		"INSERT INTO record_details(record_id, dispute_id, contact_id, next, next_due, done, done_by)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(record_id) DO UPDATE SET"
		" contact_id = excluded.contact_id, next = excluded.next, next_due = excluded.next_due,"
		" done = excluded.done, done_by = excluded.done_by",
	};
	size_t counts[5] = { d->nothers, d->nsubjects, d->ncounterparts, d->ndone, d->ndetails };
	sqlite3_stmt *st = NULL;
	enum status rc = ST_OK;

	for (int k = 0; k < 5 && rc == ST_OK; k++) {
		if (!counts[k])
			continue;
		if ((rc = db_prepare(s, sql[k], &st, err)) != ST_OK)
			break;
		for (size_t i = 0; i < counts[k] && rc == ST_OK; i++) {
			int brc = SQLITE_OK;
			long long agency;

			sqlite3_reset(st);
			switch (k) {
			case 0:
				if ((rc = store_agency_ensure(s, d->others[i], &agency, &d->others[i], err)) != ST_OK)
					continue;
				bind_int(st, 1, d->id, &brc);
				bind_int(st, 2, (long long)i + 2, &brc);
				bind_int(st, 3, agency, &brc);
				break;
			case 1:
				bind_int(st, 1, d->id, &brc);
				bind_int(st, 2, (long long)i + 2, &brc);
				bind_text(st, 3, d->subjects[i], &brc);
				break;
			case 2:
				bind_int(st, 1, d->id, &brc);
				bind_int(st, 2, d->counterparts[i].stage, &brc);
				bind_int(st, 3, d->counterparts[i].party, &brc);
				bind_int(st, 4, d->counterparts[i].contact_id, &brc);
				break;
			case 3:
				bind_int(st, 1, d->id, &brc);
				bind_int(st, 2, (long long)i + 1, &brc);
				bind_int(st, 3, d->done[i].stage, &brc);
				bind_text(st, 4, d->done[i].text, &brc);
				bind_date(st, 5, d->done[i].on, &brc);
				bind_text(st, 6, d->done[i].by, &brc);
				break;
			default:
				bind_int(st, 1, d->details[i].record, &brc);
				bind_int(st, 2, d->id, &brc);
				if (d->details[i].contact_id)
					bind_int(st, 3, d->details[i].contact_id, &brc);
				else if (brc == SQLITE_OK)
					brc = sqlite3_bind_null(st, 3);
				bind_text(st, 4, d->details[i].next, &brc);
				bind_date(st, 5, d->details[i].due, &brc);
				bind_date(st, 6, d->details[i].done, &brc);
				bind_text(st, 7, d->details[i].done_by, &brc);
				break;
			}
			rc = db_done(s, st, brc, "cannot save the dispute", err);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
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
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, lo, &brc);
	bind_text(st, 2, hi, &brc);
	src = db_step(st, brc);
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
	db_keep(s, st);
	st = NULL;
	if ((rc = db_cached(s, bump, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, lo, &brc);
	bind_int(st, 2, next + 1, &brc);
	rc = db_done(s, st, brc, "cannot number the dispute", err);
out:
	db_keep(s, st);
	return rc;
}

void dispute_bind(sqlite3_stmt *st, const struct dispute *d, const char *ref, long long raised, long long against,
                  int *brc)
{
	bind_text(st, 1, ref, brc);
	bind_text(st, 2, d->protocol, brc);
	bind_int(st, 3, d->urgent, brc);
	bind_text(st, 4, d->subject, brc);
	bind_int(st, 5, raised, brc);
	bind_int(st, 6, against, brc);
	bind_text(st, 7, d->category, brc);
	bind_text(st, 8, d->summary, brc);
	bind_date(st, 9, d->opened, brc);
	bind_text(st, 10, dispute_status_name(d->status), brc);
	bind_date(st, 11, d->closed, brc);
	bind_text(st, 12, d->outcome, brc);
	bind_text(st, 13, d->outstanding, brc);
	bind_date(st, 14, d->challenged, brc);
	bind_text(st, 15, d->owner, brc);
	bind_int(st, 16, dispute_has_lists(d), brc);
	bind_date(st, 17, d->process_due, brc);
	bind_date(st, 18, d->inform_due, brc);
	bind_date(st, 19, d->referred, brc);
	bind_text(st, 20, d->referred_to, brc);
}

enum status store_dispute_insert(struct store *s, struct dispute *d, struct error *err)
{
	static const char sql[] = DISPUTE_INSERT;
	sqlite3_stmt *st = NULL;
	long long raised, against, saved_id = d->id;
	char ref[16];
	enum status rc;
	bool own;
	int brc = SQLITE_OK;

	if (d->opened == DATE_NONE || !d->protocol || !d->subject)
		return error_set(err, ST_INVALID, "a dispute needs an opening date, a protocol and a subject");
	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	/* The dispute takes the agencies' names as stored, so that what is
	 * journalled of it is what a load gives back. */
	if ((rc = store_agency_ensure(s, d->raised_by, &raised, &d->raised_by, err)) != ST_OK ||
	    (rc = store_agency_ensure(s, d->against, &against, &d->against, err)) != ST_OK ||
	    (rc = next_reference(s, d->opened, ref, err)) != ST_OK ||
	    (rc = db_cached(s, sql, &st, err)) != ST_OK)
		goto out;
	dispute_bind(st, d, ref, raised, against, &brc);
	if ((rc = db_done(s, st, brc, "cannot save the dispute", err)) != ST_OK)
		goto out;
	d->id = sqlite3_last_insert_rowid(s->db);
	rc = stages_write(s, d, err);
	if (rc == ST_OK)
		rc = extras_write(s, d, err);
out:
	db_keep(s, st);
	rc = change_end(s, own, rc, err);
	if (rc == ST_OK)
		memcpy(d->reference, ref, sizeof(d->reference));
	else
		d->id = saved_id;
	return rc;
}

enum status store_dispute_update(struct store *s, struct dispute *d, struct error *err)
{
	static const char sql[] =
		"UPDATE disputes SET status = ?2, closed = ?3, outcome = ?4, outstanding = ?5,"
		" challenged = ?6, owner = ?7, lists = ?8, urgent = ?9, process_due = ?10, inform_due = ?11,"
		" referred = ?12, referred_to = ?13 WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	bool own;
	int brc = SQLITE_OK;

	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, d->id, &brc);
	bind_text(st, 2, dispute_status_name(d->status), &brc);
	bind_date(st, 3, d->closed, &brc);
	bind_text(st, 4, d->outcome, &brc);
	bind_text(st, 5, d->outstanding, &brc);
	bind_date(st, 6, d->challenged, &brc);
	bind_text(st, 7, d->owner, &brc);
	bind_int(st, 8, dispute_has_lists(d), &brc);
	bind_int(st, 9, d->urgent, &brc);
	bind_date(st, 10, d->process_due, &brc);
	bind_date(st, 11, d->inform_due, &brc);
	bind_date(st, 12, d->referred, &brc);
	bind_text(st, 13, d->referred_to, &brc);
	if ((rc = db_done(s, st, brc, "cannot save the dispute", err)) != ST_OK)
		goto out;
	if (sqlite3_changes(s->db) != 1) {
		rc = error_set(err, ST_NOTFOUND, "no dispute %s", d->reference[0] ? d->reference : "with that id");
		goto out;
	}
	rc = stages_write(s, d, err);
	if (rc == ST_OK)
		rc = extras_write(s, d, err);
out:
	db_keep(s, st);
	return change_end(s, own, rc, err);
}

/* Fills d from a row of DISPUTE_COLS. */
static enum status dispute_from_row(struct store *s, sqlite3_stmt *st, struct dispute *d, struct error *err)
{
	const char *ref = (const char *)sqlite3_column_text(st, 1);
	const char *status = (const char *)sqlite3_column_text(st, 10);
	bool bad = false;
	size_t len;

	d->id = sqlite3_column_int64(st, 0);
	/* Copied by hand rather than snprintf: a list reads them by the
	 * hundred thousand. */
	len = ref ? (size_t)sqlite3_column_bytes(st, 1) : 0;
	if (len >= sizeof(d->reference))
		len = sizeof(d->reference) - 1;
	memcpy(d->reference, ref ? ref : "", len);
	d->reference[len] = '\0';
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
	d->owner = col_dup(st, 17);
	d->has_lists = sqlite3_column_int(st, 18) != 0;
	d->process_due = col_date(st, 19, &bad);
	d->inform_due = col_date(st, 20, &bad);
	d->referred = col_date(st, 21, &bad);
	d->referred_to = col_dup(st, 22);
	if (bad)
		return error_set(err, ST_DB, "%s: dispute %s holds a value this program cannot read", s->path,
		                 d->reference);
	return ST_OK;
}

/* STAGES_SELECT as one string, known by its address to db_cached; and
 * as migration 7's C step reads the stages, before migration 12. */
static const char stages_select[] = STAGES_SELECT;
static const char stages_select_7[] = STAGES_SELECT_7;

/* Fills g from the stage columns of a row, starting at column c. */
static bool stage_from_row(sqlite3_stmt *st, int c, struct stage *g)
{
	bool bad = false;

	g->number = sqlite3_column_int(st, c);
	g->started = col_date(st, c + 1, &bad);
	g->due = col_date(st, c + 2, &bad);
	g->due_minute = col_minute(st, c + 3);
	g->due_agreed = sqlite3_column_int(st, c + 4) != 0;
	g->due_reason = col_dup(st, c + 5);
	g->ended = col_date(st, c + 6, &bad);
	if (!stage_end_parse((const char *)sqlite3_column_text(st, c + 7), &g->how))
		bad = true;
	g->sequence = sqlite3_column_int(st, c + 8);
	g->contact_id = sqlite3_column_int64(st, c + 9);
	g->limit_due = col_date(st, c + 10, &bad);
	g->route = sqlite3_column_int(st, c + 11);
	g->step = sqlite3_column_int(st, c + 12);
	g->response_due = col_date(st, c + 13, &bad);
	g->then_due = col_date(st, c + 14, &bad);
	g->then_minute = col_minute(st, c + 15);
	g->follow_up = col_date(st, c + 16, &bad);
	return !bad;
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

		d->stages = xrealloc(d->stages, (d->nstages + 1) * sizeof(*d->stages));
		g = &d->stages[d->nstages++];
		if (!stage_from_row(st, 0, g)) {
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

	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		goto out;
	if (key_text)
		bind_text(st, 1, key_text, &brc);
	else
		bind_int(st, 1, key_id, &brc);
	src = db_step(st, brc);
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
	    (rc = db_cached(s, s->version < store_deadlines_version() ? stages_select_7 : stages_select, &sst, err)) !=
	    ST_OK)
		goto out;
	if ((rc = stages_load(s, sst, d, err)) == ST_OK)
		rc = extras_load(s, d, 1, false, err);
out:
	db_keep(s, sst);
	db_keep(s, st);
	if (rc != ST_OK)
		dispute_free(d);
	return rc;
}

/* The loads, each one string known by its address to db_cached; a file
 * older than store_deadlines_version (read by a migration's C step) has no
 * deadlines, nor (being older than store_extras_version too) an owner or
 * lists, to read. */
static const char load_ref_sql[] = "SELECT " DISPUTE_COLS DISPUTE_FROM " WHERE d.reference = ?1";
static const char load_id_sql[] = "SELECT " DISPUTE_COLS DISPUTE_FROM " WHERE d.id = ?1";
static const char load_ref_old_sql[] = "SELECT " DISPUTE_COLS_BEFORE_LISTS DISPUTE_FROM " WHERE d.reference = ?1";
static const char load_id_old_sql[] = "SELECT " DISPUTE_COLS_BEFORE_LISTS DISPUTE_FROM " WHERE d.id = ?1";

enum status store_dispute_load(struct store *s, const char *reference, struct dispute *d, struct error *err)
{
	return dispute_load_by(s, s->version < store_deadlines_version() ? load_ref_old_sql : load_ref_sql,
	                       reference ? reference : "", 0, d, err);
}

enum status store_dispute_load_id(struct store *s, long long id, struct dispute *d, struct error *err)
{
	return dispute_load_by(s, s->version < store_deadlines_version() ? load_id_old_sql : load_id_sql, NULL, id, d,
	                       err);
}

/* ---- listing ---- */

/* Every filter on a dispute's status and running due date is a slice
 * [lo, hi) of the list's order key (disputes.list_key: '0' and the due date
 * for open ones, none last; '1' and the inverted closing date for closed
 * ones), so a page of the list or the board reads one slice of the index
 * disputes_list, in order, and stops at its LIMIT. */
struct key_range {
	char lo[16], hi[16];
};

static void range_raise(char *lo, const char *v)
{
	if (strcmp(v, lo) > 0)
		snprintf(lo, 16, "%s", v);
}

static void range_lower(char *hi, const char *v)
{
	if (strcmp(v, hi) < 0)
		snprintf(hi, 16, "%s", v);
}

static void range_day(char out[16], long day)
{
	char d[11];

	snprintf(out, 16, "0%s", date_format(day, d));
}

static void key_range(const struct list_filter *f, struct key_range *r)
{
	char b[16];

	snprintf(r->lo, sizeof(r->lo), "0");
	snprintf(r->hi, sizeof(r->hi), "2");
	if (f->which == LIST_OPEN || f->due_from != DATE_NONE || f->due_before != DATE_NONE ||
	    f->overdue_on != DATE_NONE || f->attention_before != DATE_NONE)
		range_lower(r->hi, "1");
	if (f->which == LIST_CLOSED)
		range_raise(r->lo, "1");
	if (f->due_from != DATE_NONE) {
		range_day(b, f->due_from);
		range_raise(r->lo, b);
	}
	if (f->due_before != DATE_NONE) {
		range_day(b, f->due_before);
		range_lower(r->hi, b);
	}
	if (f->overdue_on != DATE_NONE && !f->overdue_not) {
		range_day(b, f->overdue_on + 1);
		range_lower(r->hi, b);
	}
}

/* Whether the filter needs the agencies' names (the agency order). */
static bool needs_agencies(const struct list_filter *f)
{
	return f->order == ORDER_AGENCY;
}

/* Appends the WHERE clause for f on disputes d (and the plan of its
 * search); the SQL is only ever these fixed fragments, every value is
 * bound by bind_filter.  filter_where: with the FROM clause it needs. */
static void filter_cond(struct sb *sql, const struct list_filter *f, const struct search_plan *plan)
{
	sb_append(sql, " WHERE d.list_key >= :lo AND d.list_key < :hi");
	/* A timed deadline earlier on the day has passed too (an urgent
	 * review due at 09:00, the line managers' 24 hours of a `then`
	 * step): the soonest deadline's time of day, kept beside its date. */
	if (f->overdue_on != DATE_NONE)
		sb_append(sql, f->overdue_not ? " AND NOT" : " AND");
	if (f->overdue_on != DATE_NONE)
		sb_append(sql, " (d.list_key < :overdue_key OR (d.current_due = :overdue_on"
		          " AND coalesce(d.current_minute, 1440) <= coalesce(:overdue_minute, -1)))");
	/* A stage deadline before the day (the key says so, from the index),
	 * or a follow-up still to do before it (from the index of those). */
	if (f->attention_before != DATE_NONE)
		sb_append(sql, " AND (d.list_key < :attention_key OR d.id IN (SELECT rd.dispute_id FROM record_details rd"
		          " WHERE rd.next IS NOT NULL AND rd.done IS NULL AND rd.next_due < :attention_before))");
	if (f->protocol)
		sb_append(sql, " AND d.protocol = :protocol COLLATE NOCASE");
	/* A dispute opened before owners were kept is no one's yet: it
	 * shows for every lead until one takes it. */
	if (f->mine)
		sb_append(sql, " AND (d.owner IS NULL OR d.owner = :mine COLLATE NOCASE)");
	/* The search index: a search with no word in it finds nothing. */
	if (plan->active)
		sb_append(sql, plan->none ? " AND 0" : plan->ids ? " AND " SEARCH_FOUND_FEW : plan->found ?
		          " AND " SEARCH_FOUND : " AND " SEARCH_MATCHES);
}

static void filter_where(struct sb *sql, const struct list_filter *f, const struct search_plan *plan)
{
	sb_append(sql, needs_agencies(f) ? DISPUTE_FROM : " FROM disputes d");
	filter_cond(sql, f, plan);
}

static int bind_filter(sqlite3_stmt *st, const struct list_filter *f, const struct search_plan *plan)
{
	struct key_range r;
	int brc = SQLITE_OK;

	key_range(f, &r);
	bind_named_text(st, ":lo", r.lo, &brc);
	bind_named_text(st, ":hi", r.hi, &brc);
	bind_named_date(st, ":overdue_on", f->overdue_on, &brc);
	if (f->overdue_on != DATE_NONE) {
		char key[16];

		/* Due before the day: the key alone says so, from the index. */
		range_day(key, f->overdue_on);
		bind_named_text(st, ":overdue_key", key, &brc);
		bind_minute(st, sqlite3_bind_parameter_index(st, ":overdue_minute"), f->overdue_minute, &brc);
	}
	if (f->attention_before != DATE_NONE) {
		char key[16];

		range_day(key, f->attention_before);
		bind_named_text(st, ":attention_key", key, &brc);
		bind_named_date(st, ":attention_before", f->attention_before, &brc);
	}
	bind_named_text(st, ":protocol", f->protocol, &brc);
	bind_named_text(st, ":mine", f->mine, &brc);
	search_plan_bind(st, plan, &brc);
	return brc;
}

/* The plan of f's search, for filter_where and bind_filter: `whole` for a
 * count, which needs every dispute the search finds; a list needs the
 * first in its order. */
static enum status filter_plan(struct store *s, const struct list_filter *f, bool whole, struct search_plan *plan,
                               struct error *err)
{
	return search_plan_make(s, f->search, f->labels, f->nlabels, whole, plan, err);
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

/* What identifies a filter's list, for the anchor: the same text, the same
 * list. */
static char *filter_sig(const struct list_filter *f)
{
	return xasprintf("%d %ld %ld %ld %d %d %d %ld %d%s %s %s", (int)f->which, f->due_from, f->due_before,
	                 f->overdue_on, f->overdue_minute, (int)f->overdue_not, (int)f->order, f->attention_before,
	                 f->mine != NULL, f->mine ? f->mine : "", f->protocol ? f->protocol : "",
	                 f->search ? f->search : "");
}

/* Whether nothing has been written to the file since the anchor was set,
 * by this connection or another: positions in the list are as they were. */
static bool anchor_valid(struct store *s, const char *sig)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *st = NULL;
	struct error ignored;
	long long version = -1;

	if (!s->anchor.sig || strcmp(s->anchor.sig, sig) != 0 ||
	    s->anchor.changes != sqlite3_total_changes64(s->db))
		return false;
	if (db_cached(s, sql, &st, &ignored) != ST_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	db_keep(s, st);
	return version == s->anchor.version;
}

static void anchor_set(struct store *s, char *sig, const char *key, int at)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *st = NULL;
	struct error ignored;

	free(s->anchor.sig);
	s->anchor.sig = sig;
	snprintf(s->anchor.key, sizeof(s->anchor.key), "%s", key);
	s->anchor.at = at;
	s->anchor.changes = sqlite3_total_changes64(s->db);
	s->anchor.version = -1;
	if (db_cached(s, sql, &st, &ignored) == ST_OK && sqlite3_step(st) == SQLITE_ROW)
		s->anchor.version = sqlite3_column_int64(st, 0);
	db_keep(s, st);
}

/* The order key of the dispute at position `at` of f's list (sorted by
 * due date), counted from the nearer of the list's start and the anchor
 * (the first row of the window read last, when nothing has been written
 * since): a move through the list costs the rows moved over, read from
 * the index alone, not every row before them.  *key is "" when there is
 * no such row. */
static enum status window_start(struct store *s, const struct list_filter *f, const struct search_plan *plan, int at,
                                char key[48], struct error *err)
{
	struct sb sql = {0};
	sqlite3_stmt *st = NULL;
	char *sig = filter_sig(f);
	const char *from = NULL;
	enum status rc = ST_OK;
	int skip = at, brc, src;
	bool back = false;

	key[0] = '\0';
	if (anchor_valid(s, sig) && abs(at - s->anchor.at) < at) {
		from = s->anchor.key;
		back = at < s->anchor.at;
		skip = back ? s->anchor.at - at - 1 : at - s->anchor.at;
	}
	sb_append(&sql, "SELECT d.list_key");
	filter_where(&sql, f, plan);
	if (from)
		sb_append(&sql, back ? " AND d.list_key < :from ORDER BY d.list_key DESC"
		                     : " AND d.list_key >= :from ORDER BY d.list_key");
	else
		sb_append(&sql, " ORDER BY d.list_key");
	sb_append(&sql, " LIMIT 1 OFFSET :skip");
	if ((rc = db_prepare(s, sql.s, &st, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f, plan);
	bind_named_text(st, ":from", from, &brc);
	bind_int(st, sqlite3_bind_parameter_index(st, ":skip"), skip, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW) {
		snprintf(key, 48, "%s", (const char *)sqlite3_column_text(st, 0));
		anchor_set(s, sig, key, at);
		sig = NULL;
	} else if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot list the disputes", err);
	}
out:
	sqlite3_finalize(st);
	free(sql.s);
	free(sig);
	return rc;
}


/* Reads the lists of the n disputes of v (with rows_only, what a row
 * shows), hands fn each in turn and frees them all; *stop says whether fn
 * asked to stop. */
static enum status stream_hand(struct store *s, struct dispute *v, size_t n, bool rows_only, dispute_fn fn,
                               void *ctx, bool *stop, struct error *err)
{
	enum status rc = extras_load(s, v, n, rows_only, err);

	for (size_t i = 0; i < n; i++) {
		if (rc == ST_OK && !*stop)
			*stop = fn(&v[i], ctx) != 0;
		dispute_free(&v[i]);
	}
	return rc;
}

/* Steps st, a statement of DISPUTE_COLS (or DISPUTE_COLS_ROW) and
 * STAGE_COLS (or STAGE_COLS_BRIEF: the one stage a row of the text list
 * shows), the binds before it having given brc, handing fn each dispute
 * with its stages and its lists (with rows_only, what a row of a list
 * shows): the rows of a dispute come together, one a stage (or one with
 * NULL stage columns); the lists are read apart, a batch of disputes at a
 * time, only for those that have some. */
enum status disputes_stream(struct store *s, sqlite3_stmt *st, int brc, bool rows_only, dispute_fn fn, void *ctx,
                            struct error *err)
{
	struct dispute v[STREAM_BATCH];
	enum status rc = ST_OK;
	bool stop = false;
	size_t n = 0;       /* read into v; the last may have more stages to come */
	int src;

	while ((src = brc == SQLITE_OK ? sqlite3_step(st) : brc) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		struct dispute *d = n ? &v[n - 1] : NULL;

		if (!d || id != d->id) {
			if (n == STREAM_BATCH) {
				rc = stream_hand(s, v, n, rows_only, fn, ctx, &stop, err);
				n = 0;
				if (rc != ST_OK || stop)
					goto out;
			}
			d = &v[n++];
			dispute_init(d);
			if ((rc = dispute_from_row(s, st, d, err)) != ST_OK)
				goto out;
		}
		if (sqlite3_column_type(st, STAGE_FIRST) != SQLITE_NULL) {
			struct stage *g;

			d->stages = xrealloc(d->stages, (d->nstages + 1) * sizeof(*d->stages));
			g = &d->stages[d->nstages++];
			if (!stage_from_row(st, STAGE_FIRST, g)) {
				rc = error_set(err, ST_DB, "%s: stage %d of %s holds a value this program cannot read",
				               s->path, g->number, d->reference);
				goto out;
			}
		}
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot list the disputes", err);
		goto out;
	}
	rc = stream_hand(s, v, n, rows_only, fn, ctx, &stop, err);
	n = 0;
out:
	while (n)
		dispute_free(&v[--n]);
	return rc;
}

/* The disputes of f with their stages, in one read: each row is a dispute
 * with one of its stages (or none), in the list's order, then by stage;
 * with f->rows_brief, a dispute with the one stage its derived columns
 * describe (STAGE_COLS_BRIEF), so that no stage is read. */
enum status store_list(struct store *s, const struct list_filter *f, dispute_fn fn, void *ctx,
                       struct error *err)
{
	struct list_filter all;
	struct search_plan plan;
	struct sb sql = {0};
	sqlite3_stmt *st = NULL;
	char start[48] = "";
	enum status rc = ST_OK;
	bool windowed, keyed, row, brief;
	int brc;

	if (!f) {
		list_filter_init(&all);
		f = &all;
	}
	if ((rc = filter_plan(s, f, false, &plan, err)) != ST_OK)
		return rc;
	windowed = f->limit > 0 || f->offset > 0;
	keyed = f->order == ORDER_DUE && f->offset > 0;
	if (keyed) {
		if ((rc = window_start(s, f, &plan, f->offset, start, err)) != ST_OK)
			goto out;
		if (!*start)
			goto out;       /* past the end */
	}
	/* A row of a list leaves out what only the dispute itself shows (the
	 * raising agency's name unless the list is in the agencies' order). */
	row = f->rows_only && f->order != ORDER_AGENCY;
	brief = row && f->rows_brief && s->version >= store_place_version();
	sb_append(&sql, brief ? "SELECT " DISPUTE_COLS_BRIEF ", " STAGE_COLS_BRIEF : row ? "SELECT " DISPUTE_COLS_ROW ", "
	          STAGE_COLS : "SELECT " DISPUTE_COLS ", " STAGE_COLS);
	if (windowed) {
		/* The window's disputes first, from the index (order and
		 * LIMIT there), then their names and stages. */
		sb_append(&sql, " FROM (SELECT d.id");
		filter_where(&sql, f, &plan);
		if (keyed)
			sb_append(&sql, " AND d.list_key >= :start");
		sb_append(&sql, order_sql(f->order));
		sb_append(&sql, keyed ? " LIMIT :limit) w" : " LIMIT :limit OFFSET :offset) w");
		sb_append(&sql, row ? " JOIN disputes d ON d.id = w.id JOIN agencies ag ON ag.id = d.against"
		          : " JOIN disputes d ON d.id = w.id JOIN agencies ra ON ra.id = d.raised_by"
		          " JOIN agencies ag ON ag.id = d.against");
	} else {
		sb_append(&sql, row ? DISPUTE_FROM_ROW : DISPUTE_FROM);
	}
	if (!brief)
		sb_append(&sql, " LEFT JOIN stages g ON g.dispute_id = d.id");
	if (!windowed)
		filter_cond(&sql, f, &plan);
	/* The order's keys are unique, but the index cannot tell the planner
	 * so: without the id after them it sorts each dispute's stages. */
	sb_append(&sql, order_sql(f->order));
	sb_append(&sql, brief ? ", d.id" : ", d.id, g.number");
	if ((rc = db_prepare(s, sql.s, &st, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f, &plan);
	bind_named_text(st, ":start", keyed ? start : NULL, &brc);
	if (windowed)
		bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit > 0 ? f->limit : -1, &brc);
	if (windowed && !keyed)
		bind_int(st, sqlite3_bind_parameter_index(st, ":offset"), f->offset > 0 ? f->offset : 0, &brc);
	rc = disputes_stream(s, st, brc, f->rows_only, fn, ctx, err);
out:
	sqlite3_finalize(st);
	free(sql.s);
	search_plan_free(&plan);
	return rc;
}

/* Whether f asks for what the list key does not say: a protocol, an
 * owner, what needs attention (follow-ups included).  Its status and due
 * dates are ranges of the key; a count of those is kept. */
static bool filter_off_keys(const struct list_filter *f)
{
	return f->protocol || f->mine || f->attention_before != DATE_NONE;
}

/* Counts f's disputes from the index. */
static enum status count_index(struct store *s, const struct list_filter *f, int *out, struct error *err)
{
	struct search_plan plan;
	struct sb sql = {0};
	size_t found;
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc, src;

	if ((rc = filter_plan(s, f, true, &plan, err)) != ST_OK)
		return rc;
	/* A search of every dispute: as many as it found. */
	if (search_plan_whole(&plan, &found) && !filter_off_keys(f) && f->which == LIST_ALL &&
	    f->due_from == DATE_NONE && f->due_before == DATE_NONE && f->overdue_on == DATE_NONE) {
		*out += (int)found;
		goto out;
	}
	sb_append(&sql, "SELECT count(*)");
	filter_where(&sql, f, &plan);
	if ((rc = db_prepare(s, sql.s, &st, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f, &plan);
	src = db_step(st, brc);
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot count the disputes", err);
		goto out;
	}
	*out += sqlite3_column_int(st, 0);
out:
	sqlite3_finalize(st);
	free(sql.s);
	search_plan_free(&plan);
	return rc;
}

/* Steps st, a cached count with its values bound (brc), and adds its
 * count to *out. */
static enum status count_add(struct store *s, sqlite3_stmt *st, int brc, int *out, const char *what,
                             struct error *err)
{
	enum status rc = ST_OK;
	int src = db_step(st, brc);

	if (src == SQLITE_ROW)
		*out += sqlite3_column_int(st, 0);
	else
		rc = db_fail(s, src, what, err);
	db_keep(s, st);
	return rc;
}

/* Adds the disputes whose list key is in [lo, hi), from the kept counts. */
static enum status count_kept(struct store *s, const char *lo, const char *hi, int *out, struct error *err)
{
	static const char sql[] = "SELECT coalesce(sum(n), 0) FROM list_counts WHERE prefix >= ?1 AND prefix < ?2";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK;

	if (strcmp(lo, hi) >= 0)
		return ST_OK;
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, lo, &brc);
	bind_text(st, 2, hi, &brc);
	return count_add(s, st, brc, out, "cannot count the disputes", err);
}

/* The open disputes whose soonest deadline is on `day` at a time of day
 * that has come by minute (TIME_NONE: none), from the index of them. */
static enum status count_passed(struct store *s, long day, int minute, int *out, struct error *err)
{
	static const char sql[] = "SELECT count(*) FROM disputes WHERE current_minute IS NOT NULL AND current_due = ?1"
	                          " AND current_minute <= ?2";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK;

	*out = 0;
	if (minute == TIME_NONE)
		return ST_OK;
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_date(st, 1, day, &brc);
	bind_minute(st, 2, minute, &brc);
	return count_add(s, st, brc, out, "cannot count the disputes", err);
}

/* A filter on status and due date alone is counted from list_counts, a
 * few rows a day of the range, whatever the number of disputes; on the
 * overdue day itself the disputes whose soonest deadline's time has come
 * are counted from their own small index.  A protocol, a search, an owner
 * or what needs attention (follow-ups included) reads the index. */
enum status store_count(struct store *s, const struct list_filter *f, int *out, struct error *err)
{
	struct list_filter all;
	struct key_range r;
	char okey[16], onext[16], a[16], b[16];
	enum status rc;
	int passed = 0, day;

	*out = 0;
	if (!f) {
		list_filter_init(&all);
		f = &all;
	}
	if (filter_off_keys(f) || (f->search && *f->search))
		return count_index(s, f, out, err);
	key_range(f, &r);
	if (f->overdue_on == DATE_NONE)
		return count_kept(s, r.lo, r.hi, out, err);
	range_day(okey, f->overdue_on);
	range_day(onext, f->overdue_on + 1);
	/* Before the day: overdue.  After it: not.  On it: as the time says. */
	snprintf(a, sizeof(a), "%s", f->overdue_not ? onext : r.lo);
	snprintf(b, sizeof(b), "%s", f->overdue_not ? r.hi : okey);
	if (f->overdue_not)
		range_raise(a, r.lo);
	else
		range_lower(b, r.hi);
	if ((rc = count_kept(s, a, b, out, err)) != ST_OK)
		return rc;
	snprintf(a, sizeof(a), "%s", okey);
	snprintf(b, sizeof(b), "%s", onext);
	range_raise(a, r.lo);
	range_lower(b, r.hi);
	if (strcmp(a, b) >= 0)
		return ST_OK;           /* the day itself is outside the filter */
	if ((rc = count_passed(s, f->overdue_on, f->overdue_minute, &passed, err)) != ST_OK)
		return rc;
	if (!f->overdue_not) {
		*out += passed;
		return ST_OK;
	}
	day = 0;
	if ((rc = count_kept(s, a, b, &day, err)) != ST_OK)
		return rc;
	*out += day - passed;
	return ST_OK;
}

/* The position of reference in f's list: in the due order, the disputes
 * of the list before its key, counted from the index; in the others, its
 * row number. */
enum status store_list_index(struct store *s, const struct list_filter *f, const char *reference, int *out,
                             struct error *err)
{
	struct search_plan plan;
	struct sb sql = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc, src;

	*out = -1;
	if ((rc = filter_plan(s, f, true, &plan, err)) != ST_OK)
		return rc;
	if (f->order == ORDER_DUE) {
		sb_append(&sql, "SELECT (SELECT count(*)");
		filter_where(&sql, f, &plan);
		sb_append(&sql, " AND d.list_key < x.list_key) FROM disputes x WHERE x.reference = :ref"
		          " AND x.id IN (SELECT d.id");
		filter_where(&sql, f, &plan);
		sb_append(&sql, " AND d.list_key = x.list_key)");
	} else {
		sb_append(&sql, "SELECT rn FROM (SELECT d.reference AS ref, row_number() OVER (");
		sb_append(&sql, order_sql(f->order));
		sb_append(&sql, ") - 1 AS rn");
		filter_where(&sql, f, &plan);
		sb_append(&sql, ") WHERE ref = :ref");
	}
	if ((rc = db_prepare(s, sql.s, &st, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f, &plan);
	bind_named_text(st, ":ref", reference, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	else if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot list the disputes", err);
out:
	sqlite3_finalize(st);
	free(sql.s);
	search_plan_free(&plan);
	return rc;
}

/* ---- follow-ups due ---- */

enum status store_followups_due(struct store *s, long before, int limit, due_fn fn, void *ctx, int *count,
                                struct error *err)
{
	/* The partial index record_details_due holds the follow-ups still to
	 * do, by date, with their dispute: the range before `before` is read
	 * from it, in its order, and only its disputes are looked at (CROSS
	 * JOIN keeps the planner from walking the open disputes instead). */
	/* How many: from the counts kept by day (deadline_counts, 'next'). */
	static const char count_sql[] =
		"SELECT coalesce(sum(n), 0) FROM deadline_counts WHERE day < ?1 AND kind = 'next'";
	static const char sql[] =
		"SELECT rd.record_id, rd.dispute_id FROM record_details rd CROSS JOIN disputes d ON d.id = rd.dispute_id"
		" WHERE rd.next IS NOT NULL AND rd.done IS NULL AND rd.next_due < ?1 AND d.status = 'open'"
		" ORDER BY rd.next_due, d.reference, rd.record_id LIMIT ?2";
	struct { long long record, dispute; } *v = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	enum status rc;
	int brc = SQLITE_OK, src;

	*count = 0;
	if (s->version < store_extras_version())
		return ST_OK;
	if ((rc = db_cached(s, count_sql, &st, err)) != ST_OK)
		return rc;
	bind_date(st, 1, before, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW)
		*count = sqlite3_column_int(st, 0);
	else
		rc = db_fail(s, src, "cannot read the follow-ups", err);
	db_keep(s, st);
	st = NULL;
	if (rc != ST_OK || !*count)
		return rc;
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_date(st, 1, before, &brc);
	bind_int(st, 2, limit > 0 ? limit : -1, &brc);
	/* The ids first: each dispute is then read as a load reads it. */
	while ((src = brc == SQLITE_OK ? sqlite3_step(st) : brc) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].record = sqlite3_column_int64(st, 0);
		v[n++].dispute = sqlite3_column_int64(st, 1);
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the follow-ups", err);
	db_keep(s, st);
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		const struct record_detail *r;
		struct dispute d;

		dispute_init(&d);
		rc = store_dispute_load_id(s, v[i].dispute, &d, err);
		if (rc == ST_OK && (r = dispute_detail(&d, v[i].record))) {
			struct due_item it = { &d, r->due, TIME_NONE, r };

			if (fn(&it, ctx))
				n = i + 1;
		}
		dispute_free(&d);
	}
	free(v);
	return rc;
}

/* ---- the deadline board ---- */

/* A deadline of the board is a point in time: its day and its time of
 * day, the whole day counting as 1440 (after every time of it).  A filter
 * is a span of such points, [lo, hi): what has passed by 09:00 today is
 * everything before (today, 541).  Only one day is ever cut at a time of
 * day (passed_on): a filter is whole days and, on that day, a span of
 * minutes.  The dates are bound as :from and :before (a kind without a
 * time of day is all of the cut day or none of it: 1440 is never before
 * the cut, and always from it); the whole days of a timed kind as :tfrom
 * and :before, the cut day as :cut with its minutes [:cut_lo, :cut_hi).
 *
 * Each kind of running deadline is read in the order of the board (by that
 * point, then by dispute) from the partial index of its kind, which holds
 * that order (named: the planner would take an index of every open
 * dispute for some): at most :limit of them, so a bucket's first rows cost
 * the same however many open disputes there are. */
#define DL_DAYS(due) due " >= :from AND " due " < :before"
#define DL_TIMED_DAYS(due) due " >= :tfrom AND " due " < :before"
#define DL_TIMED_CUT(due, minute) \
	due " = :cut AND coalesce(" minute ", 1440) >= :cut_lo AND coalesce(" minute ", 1440) < :cut_hi"
#define DL_ARM(kind, id, due, minute, from, running, span, order) \
	"SELECT * FROM (SELECT " id " AS id, '" kind "' AS kind, " due " AS due, " minute " AS minute," \
	" NULL AS ref FROM " from " WHERE " running " AND " span " AND ('" kind "' <> 'inform' OR " due " >= :today)" \
	" ORDER BY " order " LIMIT :limit)"
#define DL_STAGES(index) "stages g INDEXED BY " index
#define DL_DISPUTES(index) "disputes d INDEXED BY " index
#define DL_STAGE_ARM(span) \
	DL_ARM("stage", "g.dispute_id", "g.due", "g.due_minute", DL_STAGES("stages_running"), \
	       "g.ended IS NULL AND g.due IS NOT NULL", span, "g.due, coalesce(g.due_minute, 1440), g.dispute_id")
#define DL_THEN_ARM(span) \
	DL_ARM("then", "g.dispute_id", "g.then_due", "g.then_minute", DL_STAGES("stages_then"), \
	       "g.ended IS NULL AND g.then_due IS NOT NULL", span, \
	       "g.then_due, coalesce(g.then_minute, 1440), g.dispute_id")

/* The deadlines view, kind by kind (the store's migration 12 lists the
 * same), and the open disputes with none (by reference); then the dispute
 * of each. */
static const char deadlines_sql[] =
	"SELECT " DISPUTE_COLS ", x.kind, x.due, x.minute FROM ("
	DL_STAGE_ARM(DL_TIMED_DAYS("g.due"))
	" UNION ALL " DL_STAGE_ARM(DL_TIMED_CUT("g.due", "g.due_minute"))
	" UNION ALL " DL_ARM("follow-up", "g.dispute_id", "g.follow_up", "NULL", DL_STAGES("stages_follow_up"),
	                     "g.ended IS NULL AND g.follow_up IS NOT NULL AND g.due IS NULL", DL_DAYS("g.follow_up"),
	                     "g.follow_up, g.dispute_id")
	" UNION ALL " DL_ARM("response", "g.dispute_id", "g.response_due", "NULL", DL_STAGES("stages_response"),
	                     "g.ended IS NULL AND g.response_due IS NOT NULL", DL_DAYS("g.response_due"),
	                     "g.response_due, g.dispute_id")
	" UNION ALL " DL_THEN_ARM(DL_TIMED_DAYS("g.then_due"))
	" UNION ALL " DL_THEN_ARM(DL_TIMED_CUT("g.then_due", "g.then_minute"))
	" UNION ALL " DL_ARM("process", "d.id", "d.process_due", "NULL", DL_DISPUTES("disputes_process"),
	                     "d.status = 'open' AND d.process_due IS NOT NULL", DL_DAYS("d.process_due"),
	                     "d.process_due, d.id")
	" UNION ALL " DL_ARM("inform", "d.id", "d.inform_due", "NULL", DL_DISPUTES("disputes_inform"),
	                     "d.status = 'open' AND d.inform_due IS NOT NULL", DL_DAYS("d.inform_due"),
	                     "d.inform_due, d.id")
	" UNION ALL SELECT * FROM (SELECT d.id, 'none', NULL, NULL, d.list_key FROM disputes d"
	" WHERE :none AND d.list_key >= '09999-12-31' AND d.list_key < '09999-12-32' ORDER BY d.list_key LIMIT :limit)"
	") x JOIN disputes d ON d.id = x.id JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"
	/* soonest first; at one time, the order dispute_deadlines gives */
	" ORDER BY x.due IS NULL, x.due, coalesce(x.minute, 1440), x.ref, x.id, CASE x.kind"
	" WHEN 'stage' THEN 0 WHEN 'follow-up' THEN 1 WHEN 'response' THEN 2 WHEN 'then' THEN 3"
	" WHEN 'process' THEN 4 WHEN 'inform' THEN 5 ELSE 6 END LIMIT :limit";

/* The span of f: [lo, hi) as dates, the whole days of a timed kind from
 * *tfrom, and the cut day (DATE_NONE: none) with its minutes [*cut_lo,
 * *cut_hi). */
struct dl_span {
	char from[11], tfrom[11], before[11];
	long cut;
	int cut_lo, cut_hi;
};

static void deadline_span(const struct deadline_filter *f, struct dl_span *sp)
{
	long from = f->from, before = f->before;
	int minute = f->passed_minute == TIME_NONE ? 0 : f->passed_minute + 1;

	sp->cut = DATE_NONE;
	sp->cut_lo = 0;
	sp->cut_hi = 1441;
	/* Passed by then: before the day, and on it before the minute after;
	 * not passed: the rest. */
	if (f->passed_on != DATE_NONE && f->passed_not && (from == DATE_NONE || from <= f->passed_on)) {
		from = f->passed_on;
		sp->cut = minute > 0 ? f->passed_on : DATE_NONE;
		sp->cut_lo = minute;
	} else if (f->passed_on != DATE_NONE && !f->passed_not && (before == DATE_NONE || before > f->passed_on)) {
		before = f->passed_on;
		sp->cut = minute > 0 ? f->passed_on : DATE_NONE;
		sp->cut_hi = minute;
	}
	if (from != DATE_NONE)
		date_format(from, sp->from);
	else
		snprintf(sp->from, sizeof(sp->from), "0000-01-01");
	if (before != DATE_NONE)
		date_format(before, sp->before);
	else
		snprintf(sp->before, sizeof(sp->before), "9999-12-32");
	if (sp->cut != DATE_NONE && sp->cut == from)
		date_format(from + 1, sp->tfrom);
	else
		snprintf(sp->tfrom, sizeof(sp->tfrom), "%s", sp->from);
	if (sp->cut != DATE_NONE && (strcmp(sp->from, sp->before) > 0 || (f->from != DATE_NONE && f->from > sp->cut) ||
	                             (f->before != DATE_NONE && f->before <= sp->cut)))
		sp->cut = DATE_NONE;
}

/* Whether f takes the open disputes with no deadline: they have no date,
 * so they come after every date, and none of them has passed. */
static bool deadline_none(const struct deadline_filter *f)
{
	return f->before == DATE_NONE && (f->passed_on == DATE_NONE || f->passed_not);
}

enum status store_deadlines(struct store *s, const struct deadline_filter *f, deadline_fn fn, void *ctx,
                            struct error *err)
{
	sqlite3_stmt *st = NULL, *sst = NULL;
	struct dispute d;
	struct dl_span sp;
	enum status rc;
	int brc = SQLITE_OK, src;

	dispute_init(&d);
	if ((rc = db_cached(s, deadlines_sql, &st, err)) != ST_OK ||
	    (rc = db_cached(s, stages_select, &sst, err)) != ST_OK)
		goto out;
	deadline_span(f, &sp);
	bind_named_text(st, ":from", sp.from, &brc);
	bind_named_text(st, ":tfrom", sp.tfrom, &brc);
	bind_named_text(st, ":before", sp.before, &brc);
	bind_named_date(st, ":cut", sp.cut, &brc);
	bind_int(st, sqlite3_bind_parameter_index(st, ":cut_lo"), sp.cut_lo, &brc);
	bind_int(st, sqlite3_bind_parameter_index(st, ":cut_hi"), sp.cut_hi, &brc);
	bind_named_date(st, ":today", f->today, &brc);
	bind_int(st, sqlite3_bind_parameter_index(st, ":none"), deadline_none(f), &brc);
	bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit > 0 ? f->limit : -1, &brc);
	while ((src = brc == SQLITE_OK ? sqlite3_step(st) : brc) == SQLITE_ROW) {
		struct deadline dl;
		bool bad = false;
		int stop;

		if (!deadline_kind_parse((const char *)sqlite3_column_text(st, DISPUTE_NCOLS), &dl.kind))
			bad = true;
		dl.due = col_date(st, DISPUTE_NCOLS + 1, &bad);
		bad |= dl.due == DATE_NONE && dl.kind != DL_NONE;
		dl.minute = col_minute(st, DISPUTE_NCOLS + 2);
		if (bad) {
			rc = error_set(err, ST_DB, "%s: a deadline holds a value this program cannot read", s->path);
			goto out;
		}
		if ((rc = dispute_from_row(s, st, &d, err)) != ST_OK || (rc = stages_load(s, sst, &d, err)) != ST_OK ||
		    (rc = extras_load(s, &d, 1, false, err)) != ST_OK)
			goto out;
		stop = fn(&d, &dl, ctx);
		dispute_free(&d);
		if (stop)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the deadlines", err);
out:
	dispute_free(&d);
	db_keep(s, sst);
	db_keep(s, st);
	return rc;
}

/* The deadlines f selects, from those kept by day and time of day (an
 * `inform` only from `today`): the whole days, and the minutes of the cut
 * day.  A few rows a day; never the deadlines themselves. */
enum status store_deadline_count(struct store *s, const struct deadline_filter *f, int *out, struct error *err)
{
	static const char sql[] =
		"SELECT (SELECT coalesce(sum(n), 0) FROM deadline_counts WHERE day >= ?1 AND day < ?2"
		" AND kind <> 'next' AND (kind <> 'inform' OR day >= ?6)) + (SELECT coalesce(sum(n), 0)"
		" FROM deadline_counts WHERE day = ?3 AND minute >= ?4 AND minute < ?5 AND kind <> 'next'"
		" AND (kind <> 'inform' OR day >= ?6))";
	sqlite3_stmt *st = NULL;
	struct dl_span sp;
	enum status rc;
	int brc = SQLITE_OK;

	*out = 0;
	if (deadline_none(f) && (rc = count_kept(s, "09999-12-31", "09999-12-32", out, err)) != ST_OK)
		return rc;
	deadline_span(f, &sp);
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	/* whole days: from the day after a cut at the start */
	bind_text(st, 1, sp.tfrom, &brc);
	bind_text(st, 2, sp.before, &brc);
	bind_date(st, 3, sp.cut, &brc);
	bind_int(st, 4, sp.cut_lo, &brc);
	bind_int(st, 5, sp.cut_hi, &brc);
	bind_date(st, 6, f->today, &brc);
	return count_add(s, st, brc, out, "cannot count the deadlines", err);
}
