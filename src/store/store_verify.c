/* The store's part of `dispute verify`: SQLite's own checks, the walk along the hash chain, and the events to replay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

enum status store_check_file(struct store *s, finding_fn fn, void *ctx, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src, stop = 0;

	if (s->altered && (stop = finding_say(fn, ctx, FIND_SCHEMA, 0, NULL, "%s", s->altered)))
		return ST_OK;
	if ((rc = db_prepare(s, "PRAGMA integrity_check", &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		if (line && strcmp(line, "ok") != 0)
			stop = finding_say(fn, ctx, FIND_INTEGRITY, 0, NULL, "the file is damaged: %s", line);
	}
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot check the database", err);
	sqlite3_finalize(st);
	if (rc != ST_OK || stop)
		return rc;
	if ((rc = db_prepare(s, "PRAGMA foreign_key_check", &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW)
		stop = finding_say(fn, ctx, FIND_INTEGRITY, 0, NULL, "row %lld of %s refers to a missing row of %s",
		           sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 0),
		           (const char *)sqlite3_column_text(st, 2));
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot check the database", err);
	sqlite3_finalize(st);
	return rc;
}

static enum status check_lists_flag(struct store *s, finding_fn fn, void *ctx, struct error *err);

/* The disputes a list_counts prefix stands for, in words. */
static const char *prefix_words(const char *p, char *out, size_t n)
{
	long inverted;

	if (!p)
		p = "";
	if (strcmp(p, "09999-12-31") == 0)
		snprintf(out, n, "open disputes with no due date");
	else if (p[0] == '0')
		snprintf(out, n, "open disputes due %.10s", p + 1);
	else if (p[0] == '1' && strlen(p) == 9 && (inverted = 99999999 - strtol(p + 1, NULL, 10)) > 0)
		snprintf(out, n, "disputes closed on %04ld-%02ld-%02ld", inverted / 10000, inverted / 100 % 100,
		         inverted % 100);
	else
		snprintf(out, n, "disputes under '%.20s'", p);
	return out;
}

enum status store_check_derived(struct store *s, finding_fn fn, void *ctx, struct error *err)
{
	/* The columns the list and the board read, which triggers keep: one
	 * set by hand could hide an overdue dispute from both. */
	static const char sql[] =
		"SELECT reference, current_stage IS NOT " DERIVED_STAGE ", current_due IS NOT (" DERIVED_DUE "),"
		" current_minute IS NOT (" DERIVED_MINUTE "), list_key IS NOT (" DERIVED_KEY ") FROM disputes"
		" WHERE current_stage IS NOT " DERIVED_STAGE " OR current_due IS NOT (" DERIVED_DUE ")"
		" OR current_minute IS NOT (" DERIVED_MINUTE ") OR list_key IS NOT (" DERIVED_KEY ")"
		" OR current_step IS NOT " DERIVED_STEP " OR current_route IS NOT " DERIVED_ROUTE " ORDER BY id";
	static const char counts_sql[] =
		"SELECT coalesce(k.prefix, c.prefix), coalesce(k.n, 0), coalesce(c.n, 0)"
		" FROM list_counts k FULL JOIN (SELECT " LIST_PREFIX("list_key") " AS prefix, count(*) AS n"
		" FROM disputes WHERE list_key IS NOT NULL GROUP BY 1) c ON c.prefix = k.prefix"
		" WHERE coalesce(k.n, 0) <> coalesce(c.n, 0) ORDER BY 1";
	static const char deadlines_sql[] =
		"SELECT coalesce(k.day, c.day) || CASE coalesce(k.minute, c.minute) WHEN 1440 THEN '' ELSE"
		" printf(' %02d:%02d', coalesce(k.minute, c.minute) / 60, coalesce(k.minute, c.minute) % 60) END,"
		" coalesce(k.kind, c.kind), coalesce(k.n, 0), coalesce(c.n, 0)"
		" FROM deadline_counts k FULL JOIN (SELECT day, minute, kind, count(*) AS n FROM"
		" (" DEADLINE_COUNTED ") GROUP BY 1, 2, 3) c"
		" ON c.day = k.day AND c.minute = k.minute AND c.kind = k.kind"
		" WHERE coalesce(k.n, 0) <> coalesce(c.n, 0) ORDER BY 1, 2";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src, stop = 0;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ref = (const char *)sqlite3_column_text(st, 0);

		stop = finding_say(fn, ctx, FIND_REPLAY, 0, ref, "%s: its %s does not follow from its stages: the "
		                   "list and the board read it", ref ? ref : "?",
		                   sqlite3_column_int(st, 1) ? "current stage" :
		                   sqlite3_column_int(st, 2) ? "running due date" :
		                   sqlite3_column_int(st, 3) ? "running due time" :
		                   sqlite3_column_int(st, 4) ? "place in the list" : "current stage's step or route");
	}
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot check the database", err);
	sqlite3_finalize(st);
	st = NULL;
	if (stop || rc != ST_OK)
		return rc;
	/* The counts the board and the list show, against the disputes. */
	if ((rc = db_prepare(s, counts_sql, &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW) {
		char what[64];

		stop = finding_say(fn, ctx, FIND_REPLAY, 0, NULL, "the list counts %d %s, but %d are there: the "
		                   "board and the list show the count", sqlite3_column_int(st, 1),
		                   prefix_words((const char *)sqlite3_column_text(st, 0), what, sizeof(what)),
		                   sqlite3_column_int(st, 2));
	}
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot check the database", err);
	sqlite3_finalize(st);
	st = NULL;
	if (stop || rc != ST_OK)
		return rc;
	/* The board's counts of deadlines by day, against the deadlines and
	 * the records' follow-ups still to do. */
	if ((rc = db_prepare(s, deadlines_sql, &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW)
		stop = finding_say(fn, ctx, FIND_REPLAY, 0, NULL, "the board counts %d deadline%s (%s) due %s, but %d "
		                   "are there: the board shows the count", sqlite3_column_int(st, 2),
		                   sqlite3_column_int(st, 2) == 1 ? "" : "s", (const char *)sqlite3_column_text(st, 1),
		                   (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 3));
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot check the database", err);
	sqlite3_finalize(st);
	if (rc == ST_OK && !stop && s->version >= store_extras_version())
		rc = check_lists_flag(s, fn, ctx, err);
	return rc;
}

/* The flag that tells a list which disputes have lists to read: one
 * cleared by hand would hide what they hold from the list and the board
 * (replay finds it too, as the tables then disagree with the journal). */
static enum status check_lists_flag(struct store *s, finding_fn fn, void *ctx, struct error *err)
{
	static const char sql[] =
		"SELECT reference FROM disputes d WHERE lists IS NOT (EXISTS (SELECT 1 FROM dispute_agencies x WHERE"
		" x.dispute_id = d.id) OR EXISTS (SELECT 1 FROM dispute_subjects x WHERE x.dispute_id = d.id) OR EXISTS"
		" (SELECT 1 FROM stage_counterparts x WHERE x.dispute_id = d.id) OR EXISTS (SELECT 1 FROM actions_done x"
		" WHERE x.dispute_id = d.id) OR EXISTS (SELECT 1 FROM record_details x WHERE x.dispute_id = d.id))"
		" ORDER BY id";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src, stop = 0;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ref = (const char *)sqlite3_column_text(st, 0);

		stop = finding_say(fn, ctx, FIND_REPLAY, 0, ref, "%s: its mark of having lists does not follow from "
		                   "them: the list and the board read it", ref ? ref : "?");
	}
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot check the database", err);
	sqlite3_finalize(st);
	return rc;
}

/* The walk: every record's seal is taken again over its content and the
 * seal it says came before, and that must be the seal of the record
 * before it.  A record changed, one taken out, one put in or the order
 * changed each breaks a link; the first broken link is where to look. */
enum status store_check_chain(struct store *s, finding_fn fn, void *ctx, struct journal_head *head,
                              struct error *err)
{
	static const char sql[] =
		"SELECT " CHAIN_COLUMNS ", prev, hash, (SELECT reference FROM disputes d WHERE d.id = r.dispute_id)"
		" FROM records r ORDER BY id";
	unsigned char running[CHAIN_HASH_LEN] = {0}, seal[CHAIN_HASH_LEN];
	sqlite3_stmt *st = NULL;
	long long last = 0;
	bool broken = false;
	enum status rc;
	int src, stop = 0;

	memset(head, 0, sizeof(*head));
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const unsigned char *prev = sqlite3_column_blob(st, CHAIN_NCOLUMNS);
		int nprev = sqlite3_column_bytes(st, CHAIN_NCOLUMNS);
		const unsigned char *hash = sqlite3_column_blob(st, CHAIN_NCOLUMNS + 1);
		int nhash = sqlite3_column_bytes(st, CHAIN_NCOLUMNS + 1);
		const char *ref = (const char *)sqlite3_column_text(st, CHAIN_NCOLUMNS + 2);
		const char *mistyped = chain_row_types(st, 0);
		bool bad = true;

		head->records++;
		if (id != last + 1)
			stop = finding_say(fn, ctx, FIND_CHAIN, id, ref, last + 1 == id - 1 ?
			                   "record #%lld is missing: it was removed outside dispute" :
			                   "records #%lld to #%lld are missing: they were removed outside dispute",
			                   last + 1, id - 1);
		if (stop) {
			/* stopped */
		} else if (!hash || nhash != CHAIN_HASH_LEN || !prev || nprev != CHAIN_HASH_LEN) {
			stop = finding_say(fn, ctx, FIND_CHAIN, id, ref, "record #%lld has no seal: it was written outside "
			                   "dispute", id);
		} else if (id == last + 1 && memcmp(prev, running, CHAIN_HASH_LEN) != 0) {
			stop = finding_say(fn, ctx, FIND_CHAIN, id, ref, "record #%lld does not follow record #%lld: the "
			                   "chain is broken there", id, last);
		} else if (mistyped) {
			stop = finding_say(fn, ctx, FIND_CHAIN, id, ref, "record #%lld was changed after it was written: "
			                   "its %s is not of the type dispute writes", id, mistyped);
		} else if (chain_row_seal(st, 0, prev, seal), memcmp(seal, hash, CHAIN_HASH_LEN) != 0) {
			stop = finding_say(fn, ctx, FIND_CHAIN, id, ref, "record #%lld was changed after it was written: "
			                   "its content does not match its seal", id);
		} else {
			bad = false;
		}
		broken = broken || bad || id != last + 1;
		if (hash && nhash == CHAIN_HASH_LEN)
			memcpy(running, hash, CHAIN_HASH_LEN);
		/* The head is the last seal of an unbroken chain from the start. */
		if (!broken) {
			chain_hex(running, head->hash);
			head->record = id;
		}
		last = id;
	}
	head->broken = broken;
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the journal", err);
	sqlite3_finalize(st);
	return rc;
}

enum status store_head(struct store *s, struct journal_head *head, struct error *err)
{
	static const char sql[] =
		"SELECT id, lower(hex(hash)), (SELECT count(*) FROM records) FROM records ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	memset(head, 0, sizeof(*head));
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const char *hex = (const char *)sqlite3_column_text(st, 1);

		head->record = sqlite3_column_int64(st, 0);
		head->records = sqlite3_column_int64(st, 2);
		snprintf(head->hash, sizeof(head->hash), "%s", hex ? hex : "");
	} else if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot read the journal", err);
	}
	sqlite3_finalize(st);
	return rc;
}

enum status store_head_find(struct store *s, const char *hex, struct head_place *out, struct error *err)
{
	static const char sql[] =
		"SELECT id, created, (SELECT count(*) FROM records n WHERE n.id > r.id) FROM records r"
		" WHERE hash = ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	unsigned char hash[CHAIN_HASH_LEN];

	memset(out, 0, sizeof(*out));
	if (strlen(hex) != CHAIN_HEX_LEN)
		return ST_OK;
	for (int i = 0; i < CHAIN_HASH_LEN; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
			return ST_OK;
		hash[i] = (unsigned char)v;
	}
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_blob(st, 1, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	src = db_step(st, brc);
	if (src == SQLITE_ROW) {
		const char *created = (const char *)sqlite3_column_text(st, 1);

		out->found = true;
		out->record = sqlite3_column_int64(st, 0);
		snprintf(out->created, sizeof(out->created), "%s", created ? created : "");
		out->since = sqlite3_column_int64(st, 2);
	} else if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot read the journal", err);
	}
	sqlite3_finalize(st);
	return rc;
}

enum status store_events_each(struct store *s, event_fn fn, void *ctx, struct error *err)
{
	/* Per dispute, in the order they were written: the order they
	 * happened in, whatever day they are dated. */
	static const char sql[] =
		"SELECT d.id, r.id, r.state FROM disputes d LEFT JOIN records r"
		" ON r.dispute_id = d.id AND r.kind = 'event' AND r.state IS NOT NULL ORDER BY d.id, r.id";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2),
		       ctx))
			break;
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the journal", err);
	sqlite3_finalize(st);
	return rc;
}
