/* The invite lifecycle in the store: one row per (dispute, stage, attendee), what they were last sent and their last answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

#define INVITE_COLS \
	"stage, attendee, coalesce(contact_id, 0), uid, sequence, method, due, due_minute, partstat, proposed, " \
	"proposed_minute, dispute_id"

/* One row from INVITE_COLS into row (itip_sent_init'ed); false when a
 * column holds what dispute never writes. */
static bool invite_row(sqlite3_stmt *st, struct itip_sent *row)
{
	const char *method = (const char *)sqlite3_column_text(st, 5);
	const char *partstat = (const char *)sqlite3_column_text(st, 8);
	bool bad = false;

	row->stage = sqlite3_column_int(st, 0);
	row->attendee = col_dup(st, 1);
	row->contact_id = sqlite3_column_int64(st, 2);
	row->uid = col_dup(st, 3);
	row->sequence = sqlite3_column_int(st, 4);
	if (!itip_method_parse(method, &row->method))
		bad = true;
	row->due = col_date(st, 6, &bad);
	row->due_minute = col_minute(st, 7);
	row->partstat = ITIP_NEEDS_ACTION;
	if (partstat && !itip_partstat_parse(partstat, &row->partstat))
		bad = true;
	row->proposed = col_date(st, 9, &bad);
	row->proposed_minute = col_minute(st, 10);
	return !bad && row->attendee && row->uid;
}

enum status store_invites_load(struct store *s, long long dispute_id, struct itip_log *out, struct error *err)
{
	static const char sql[] = "SELECT " INVITE_COLS " FROM invites WHERE dispute_id = ?1 ORDER BY stage, attendee";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	out->v = NULL;
	out->n = 0;
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_int(st, 1, dispute_id, &brc);
	while ((src = db_step(st, brc)) == SQLITE_ROW) {
		struct itip_sent *row;

		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		row = &out->v[out->n++];
		itip_sent_init(row);
		if (!invite_row(st, row)) {
			rc = error_set(err, ST_DB, "an invite of stage %d in %s cannot be read", row->stage, s->path);
			break;
		}
	}
	if (rc == ST_OK && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the invites", err);
	db_keep(s, st);
	if (rc != ST_OK)
		itip_log_free(out);
	return rc;
}

enum status store_invite_find(struct store *s, const char *uid, const char *attendee, long long *dispute_id,
                              struct itip_sent *row, struct error *err)
{
	static const char sql[] = "SELECT " INVITE_COLS " FROM invites WHERE uid = ?1 AND attendee = ?2";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	*dispute_id = 0;
	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, uid, &brc);
	bind_text(st, 2, attendee, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW) {
		itip_sent_free(row);
		if (invite_row(st, row))
			*dispute_id = sqlite3_column_int64(st, 11);
		else
			rc = error_set(err, ST_DB, "the invite %s cannot be read in %s", uid, s->path);
	} else if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot read the invites", err);
	}
	db_keep(s, st);
	return rc;
}

enum status store_invite_uid_known(struct store *s, const char *uid, bool *known, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	*known = false;
	if ((rc = db_prepare(s, "SELECT 1 FROM invites WHERE uid = ?1 LIMIT 1", &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, uid, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW)
		*known = true;
	else if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the invites", err);
	sqlite3_finalize(st);
	return rc;
}

enum status store_invite_put(struct store *s, long long dispute_id, const struct itip_sent *row, struct error *err)
{
	/* An upsert, so that the trigger that keeps SEQUENCE going up sees
	 * every change as an UPDATE. */
	static const char sql[] =
		"INSERT INTO invites(dispute_id, stage, attendee, contact_id, uid, sequence, method, due, due_minute,"
		" partstat, proposed, proposed_minute) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
		" ON CONFLICT(dispute_id, stage, attendee) DO UPDATE SET contact_id = excluded.contact_id,"
		" uid = excluded.uid, sequence = excluded.sequence, method = excluded.method, due = excluded.due,"
		" due_minute = excluded.due_minute, partstat = excluded.partstat, proposed = excluded.proposed,"
		" proposed_minute = excluded.proposed_minute";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK;

	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_int(st, 1, dispute_id, &brc);
	bind_int(st, 2, row->stage, &brc);
	bind_text(st, 3, row->attendee, &brc);
	if (row->contact_id)
		bind_int(st, 4, row->contact_id, &brc);
	bind_text(st, 5, row->uid, &brc);
	bind_int(st, 6, row->sequence, &brc);
	bind_text(st, 7, itip_method_name(row->method), &brc);
	bind_date(st, 8, row->due, &brc);
	bind_minute(st, 9, row->due_minute, &brc);
	if (row->partstat != ITIP_NEEDS_ACTION)
		bind_text(st, 10, itip_partstat_name(row->partstat), &brc);
	bind_date(st, 11, row->proposed, &brc);
	bind_minute(st, 12, row->proposed_minute, &brc);
	rc = db_done(s, st, brc, "cannot save the invite", err);
	db_keep(s, st);
	return rc;
}

enum status store_invites_owed_disputes(struct store *s, long long **ids, size_t *n, struct error *err)
{
	/* Disputes with a REQUEST out for a stage that has ended, or whose
	 * current stage has a counterpart (the first other agency's, or a
	 * further one's): where something may be owed. */
	static const char sql[] =
		"SELECT DISTINCT d.id FROM disputes d WHERE EXISTS (SELECT 1 FROM invites i WHERE i.dispute_id = d.id"
		" AND i.method = 'REQUEST') OR (d.status = 'open' AND (EXISTS (SELECT 1 FROM stages g"
		" WHERE g.dispute_id = d.id AND g.number = d.current_stage AND g.contact_id IS NOT NULL)"
		" OR EXISTS (SELECT 1 FROM stage_counterparts x WHERE x.dispute_id = d.id AND x.stage = d.current_stage)))"
		" ORDER BY d.reference";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	*ids = NULL;
	*n = 0;
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot read the invites", err);
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
	return rc;
}
