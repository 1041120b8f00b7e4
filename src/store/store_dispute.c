/* Disputes and their stages in the store: numbering, inserting, updating, loading and listing them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/text.h"
#include "store_impl.h"

/* ---- disputes ---- */

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

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *g = &d->stages[i];
		int brc = SQLITE_OK;

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
		if ((rc = db_done(s, st, brc, "cannot save the stages", err)) != ST_OK)
			goto out;
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
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
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
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = db_prepare(s, bump, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, lo, &brc);
	bind_int(st, 2, next + 1, &brc);
	rc = db_done(s, st, brc, "cannot number the dispute", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum status store_dispute_insert(struct store *s, struct dispute *d, struct error *err)
{
	static const char sql[] =
		"INSERT INTO disputes(reference, protocol, urgent, subject, raised_by, against, category,"
		" summary, opened, status, closed, outcome, outstanding, challenged)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
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
	    (rc = db_prepare(s, sql, &st, err)) != ST_OK)
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
	if ((rc = db_done(s, st, brc, "cannot save the dispute", err)) != ST_OK)
		goto out;
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
		" challenged = ?6 WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	bool own;
	int brc = SQLITE_OK;

	if ((rc = change_begin(s, &own, err)) != ST_OK)
		return rc;
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_int(st, 1, d->id, &brc);
	bind_text(st, 2, dispute_status_name(d->status), &brc);
	bind_date(st, 3, d->closed, &brc);
	bind_text(st, 4, d->outcome, &brc);
	bind_text(st, 5, d->outstanding, &brc);
	bind_date(st, 6, d->challenged, &brc);
	if ((rc = db_done(s, st, brc, "cannot save the dispute", err)) != ST_OK)
		goto out;
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

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
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
	    (rc = db_prepare(s, STAGES_SELECT, &sst, err)) != ST_OK)
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

/* Appends the WHERE clause for f (and the plan of its search); the SQL
 * is only ever these fixed fragments, every value is bound by
 * bind_filter. */
static void filter_where(struct sb *sql, const struct list_filter *f, const struct search_plan *plan)
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
	/* The search index: a search with no word in it finds nothing. */
	if (plan->active)
		sb_append(sql, plan->none ? " AND 0" : plan->found ? " AND " SEARCH_FOUND : " AND " SEARCH_MATCHES);
}

static int bind_filter(sqlite3_stmt *st, const struct list_filter *f, const struct search_plan *plan)
{
	int brc = SQLITE_OK;

	bind_named_date(st, ":due_before", f->due_before, &brc);
	bind_named_date(st, ":overdue_on", f->overdue_on, &brc);
	if (f->overdue_on != DATE_NONE)
		bind_minute(st, sqlite3_bind_parameter_index(st, ":overdue_minute"), f->overdue_minute, &brc);
	bind_named_text(st, ":protocol", f->protocol, &brc);
	search_plan_bind(st, plan, &brc);
	return brc;
}

/* The plan of f's search, for filter_where and bind_filter. */
static enum status filter_plan(struct store *s, const struct list_filter *f, struct search_plan *plan,
                               struct error *err)
{
	return search_plan_make(s, f->search, f->labels, f->nlabels, plan, err);
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
	struct search_plan plan;
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
	if ((rc = filter_plan(s, f, &plan, err)) != ST_OK)
		return rc;
	sb_append(&sql, "SELECT " DISPUTE_COLS DISPUTE_FROM);
	filter_where(&sql, f, &plan);
	sb_append(&sql, order_sql(f->order));
	sb_append(&sql, " LIMIT :limit OFFSET :offset");
	if ((rc = db_prepare(s, sql.s, &st, err)) != ST_OK ||
	    (rc = db_prepare(s, STAGES_SELECT, &sst, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f, &plan);
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
	search_plan_free(&plan);
	return rc;
}

enum status store_count(struct store *s, const struct list_filter *f, int *out, struct error *err)
{
	struct list_filter all;
	struct search_plan plan;
	struct sb sql = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc, src;

	*out = 0;
	if (!f) {
		list_filter_init(&all);
		f = &all;
	}
	if ((rc = filter_plan(s, f, &plan, err)) != ST_OK)
		return rc;
	sb_append(&sql, "SELECT count(*)" DISPUTE_FROM);
	filter_where(&sql, f, &plan);
	if ((rc = db_prepare(s, sql.s, &st, err)) != ST_OK)
		goto out;
	brc = bind_filter(st, f, &plan);
	src = db_step(st, brc);
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot count the disputes", err);
		goto out;
	}
	*out = sqlite3_column_int(st, 0);
out:
	sqlite3_finalize(st);
	free(sql.s);
	search_plan_free(&plan);
	return rc;
}

enum status store_list_index(struct store *s, const struct list_filter *f, const char *reference, int *out,
                             struct error *err)
{
	struct search_plan plan;
	struct sb sql = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc, src;

	*out = -1;
	if ((rc = filter_plan(s, f, &plan, err)) != ST_OK)
		return rc;
	sb_append(&sql, "SELECT rn FROM (SELECT d.reference AS ref, row_number() OVER (");
	sb_append(&sql, order_sql(f->order));
	sb_append(&sql, ") - 1 AS rn" DISPUTE_FROM);
	filter_where(&sql, f, &plan);
	sb_append(&sql, ") WHERE ref = :ref");
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
