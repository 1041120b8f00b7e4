/* The SQLite store: opening, checking and migrating the one private database file, and its transactions. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dispute/date.h"
#include "dispute/journal.h"
#include "dispute/text.h"
#include "store_impl.h"

/* PRAGMA application_id: "DSPT".  Tells our files from other programs'
 * SQLite files that happen to have a user_version. */
#define APPLICATION_ID 0x44535054

/* Part of migration 1: never change it, add a migration instead. */
#define ISO_DATE "GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"

/* The triggers, each as SQLite keeps its text, so that an open can tell
 * whether they are all there as dispute made them (triggers_check). */
#define T_RECORDS_AMEND_SAME \
	"CREATE TRIGGER records_amend_same BEFORE INSERT ON records\n" \
	"WHEN NEW.amends IS NOT NULL AND NOT EXISTS\n" \
	"	(SELECT 1 FROM records WHERE id = NEW.amends AND dispute_id = NEW.dispute_id)\n" \
	"BEGIN SELECT RAISE(ABORT, 'a record can only amend a record of the same dispute'); END"
#define T_RECORDS_NO_UPDATE \
	"CREATE TRIGGER records_no_update BEFORE UPDATE ON records\n" \
	"BEGIN SELECT RAISE(ABORT, 'records are append-only: add a correcting record instead'); END"
#define T_RECORDS_NO_DELETE \
	"CREATE TRIGGER records_no_delete BEFORE DELETE ON records\n" \
	"BEGIN SELECT RAISE(ABORT, 'records are append-only: add a correcting record instead'); END"
/* Migration 6's derived columns (replaced by migration 12's: its text never changes). */
#define T_DERIVE_ON_STAGE_INSERT_6 \
	"CREATE TRIGGER disputes_derive_on_stage_insert AFTER INSERT ON stages BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET_6 " WHERE id = NEW.dispute_id;\n" \
	"END"
#define T_DERIVE_ON_STAGE_UPDATE_6 \
	"CREATE TRIGGER disputes_derive_on_stage_update AFTER UPDATE ON stages BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET_6 " WHERE id = NEW.dispute_id;\n" \
	"END"
#define T_DERIVE_ON_CLOSE_6 \
	"CREATE TRIGGER disputes_derive_on_close AFTER UPDATE OF status, closed ON disputes BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET_6 " WHERE id = NEW.id;\n" \
	"END"
/* The derived columns as migration 12 makes them: the soonest running deadline. */
#define T_DERIVE_ON_STAGE_INSERT \
	"CREATE TRIGGER disputes_derive_on_stage_insert AFTER INSERT ON stages BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET " WHERE id = NEW.dispute_id;\n" \
	"END"
#define T_DERIVE_ON_STAGE_UPDATE \
	"CREATE TRIGGER disputes_derive_on_stage_update AFTER UPDATE ON stages BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET " WHERE id = NEW.dispute_id;\n" \
	"END"
#define T_DERIVE_ON_CLOSE \
	"CREATE TRIGGER disputes_derive_on_close AFTER UPDATE OF status, closed, process_due ON disputes BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET " WHERE id = NEW.id;\n" \
	"END"
/* The derived columns as migration 13 makes them: the running stage's place too. */
#define T_DERIVE_ON_STAGE_INSERT_13 \
	"CREATE TRIGGER disputes_derive_on_stage_insert AFTER INSERT ON stages BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET_PLACE " WHERE id = NEW.dispute_id;\n" \
	"END"
#define T_DERIVE_ON_STAGE_UPDATE_13 \
	"CREATE TRIGGER disputes_derive_on_stage_update AFTER UPDATE ON stages BEGIN\n" \
	"	UPDATE disputes SET " DERIVED_SET_PLACE " WHERE id = NEW.dispute_id;\n" \
	"END"
/* INSERT OR REPLACE deletes the old row without firing a delete trigger:
 * an insert that would take a used id is refused before it can. */
#define T_RECORDS_NO_REUSE \
	"CREATE TRIGGER records_no_reuse BEFORE INSERT ON records\n" \
	"WHEN EXISTS (SELECT 1 FROM records WHERE id = NEW.id)\n" \
	"BEGIN SELECT RAISE(ABORT, 'records are append-only: a record id is never used twice'); END"
#define T_RECORDS_SEALED \
	"CREATE TRIGGER records_sealed BEFORE INSERT ON records\n" \
	"WHEN NEW.hash IS NULL OR length(NEW.hash) <> 32 OR NEW.prev IS NULL OR length(NEW.prev) <> 32\n" \
	"BEGIN SELECT RAISE(ABORT, 'a record is written sealed, by dispute'); END"
#define T_DISPUTES_NO_REUSE \
	"CREATE TRIGGER disputes_no_reuse BEFORE INSERT ON disputes\n" \
	"WHEN EXISTS (SELECT 1 FROM disputes WHERE id = NEW.id OR reference = NEW.reference)\n" \
	"BEGIN SELECT RAISE(ABORT, 'a dispute is never replaced'); END"
#define T_DISPUTES_NO_DELETE \
	"CREATE TRIGGER disputes_no_delete BEFORE DELETE ON disputes\n" \
	"BEGIN SELECT RAISE(ABORT, 'disputes are never deleted'); END"
/* UPDATE OR REPLACE deletes a row that clashes with the new key, without
 * a delete trigger: the keys of disputes and stages never change. */
#define T_DISPUTES_KEEP_KEY \
	"CREATE TRIGGER disputes_keep_key BEFORE UPDATE OF id, reference ON disputes\n" \
	"WHEN NEW.id IS NOT OLD.id OR NEW.reference IS NOT OLD.reference\n" \
	"BEGIN SELECT RAISE(ABORT, 'a dispute keeps its number and reference'); END"
#define T_STAGES_KEEP_KEY \
	"CREATE TRIGGER stages_keep_key BEFORE UPDATE OF dispute_id, number ON stages\n" \
	"WHEN NEW.dispute_id IS NOT OLD.dispute_id OR NEW.number IS NOT OLD.number\n" \
	"BEGIN SELECT RAISE(ABORT, 'a stage keeps its dispute and number'); END"
/* The invite lifecycle (migration 9): a message's SEQUENCE never goes
 * down, and a UID once cancelled for someone is never requested again. */
#define T_INVITES_FORWARD \
	"CREATE TRIGGER invites_forward BEFORE UPDATE OF uid, sequence, method ON invites\n" \
	"WHEN NEW.sequence < OLD.sequence OR (NEW.uid = OLD.uid AND OLD.method = 'CANCEL' AND NEW.method = 'REQUEST')\n" \
	"BEGIN SELECT RAISE(ABORT, 'an invite''s SEQUENCE only goes up, and a cancelled invite is not requested again'); END"
#define T_STAGES_NO_DELETE \
	"CREATE TRIGGER stages_no_delete BEFORE DELETE ON stages\n" \
	"BEGIN SELECT RAISE(ABORT, 'stages are never deleted'); END"

/* The list's counts follow every change of a list key (migration 8). */
#define T_LIST_COUNTS_ON_INSERT \
	"CREATE TRIGGER list_counts_on_insert AFTER INSERT ON disputes\n" \
	"WHEN NEW.list_key IS NOT NULL BEGIN\n" \
	"	INSERT INTO list_counts(prefix, n) VALUES (" LIST_PREFIX("NEW.list_key") ", 1)\n" \
	"		ON CONFLICT(prefix) DO UPDATE SET n = n + 1;\n" \
	"END"
#define T_LIST_COUNTS_ON_UPDATE \
	"CREATE TRIGGER list_counts_on_update AFTER UPDATE OF list_key ON disputes\n" \
	"WHEN NEW.list_key IS NOT OLD.list_key BEGIN\n" \
	"	UPDATE list_counts SET n = n - 1\n" \
	"		WHERE OLD.list_key IS NOT NULL AND prefix = " LIST_PREFIX("OLD.list_key") ";\n" \
	"	INSERT INTO list_counts(prefix, n) SELECT " LIST_PREFIX("NEW.list_key") ", 1\n" \
	"		WHERE NEW.list_key IS NOT NULL ON CONFLICT(prefix) DO UPDATE SET n = n + 1;\n" \
	"END"

/* The board's counts of deadlines by day follow every change of a running
 * deadline (migration 12): what leaves a day is taken off, what comes is
 * added, as the deadlines view lists them (a stage's while it runs; the
 * whole process and the day's `inform` while the dispute is open). */
/* A record's follow-up (#13's next action) still to do, and its dispute open. */
#define DL_NEXT_RUNNING(r) r "next IS NOT NULL AND " r "done IS NULL"
#define DL_NEXT_OPEN(r) "(SELECT status FROM disputes WHERE id = " r "dispute_id) = 'open'"
#define DL_COUNT_ADD(day, minute, kind, when) \
	"	INSERT INTO deadline_counts(day, minute, kind, n) SELECT " day ", " minute ", '" kind "', 1\n" \
	"		WHERE " when " ON CONFLICT(day, minute, kind) DO UPDATE SET n = n + 1;\n"
#define DL_COUNT_TAKE(day, minute, kind, when) \
	"	UPDATE deadline_counts SET n = n - 1\n" \
	"		WHERE " when " AND day = " day " AND minute = " minute " AND kind = '" kind "';\n"
#define T_DEADLINE_COUNTS_ON_STAGE_INSERT \
	"CREATE TRIGGER deadline_counts_on_stage_insert AFTER INSERT ON stages\n" \
	"WHEN NEW.ended IS NULL BEGIN\n" \
	DL_COUNT_ADD("NEW.due", "coalesce(NEW.due_minute, 1440)", "stage", "NEW.due IS NOT NULL") \
	DL_COUNT_ADD("NEW.follow_up", "1440", "follow-up", "NEW.due IS NULL AND NEW.follow_up IS NOT NULL") \
	DL_COUNT_ADD("NEW.response_due", "1440", "response", "NEW.response_due IS NOT NULL") \
	DL_COUNT_ADD("NEW.then_due", "coalesce(NEW.then_minute, 1440)", "then", "NEW.then_due IS NOT NULL") \
	"END"
#define T_DEADLINE_COUNTS_ON_STAGE_UPDATE \
	"CREATE TRIGGER deadline_counts_on_stage_update\n" \
	"AFTER UPDATE OF due, due_minute, follow_up, response_due, then_due, then_minute, ended ON stages BEGIN\n" \
	DL_COUNT_TAKE("OLD.due", "coalesce(OLD.due_minute, 1440)", "stage", "OLD.ended IS NULL") \
	DL_COUNT_TAKE("OLD.follow_up", "1440", "follow-up", "OLD.ended IS NULL AND OLD.due IS NULL") \
	DL_COUNT_TAKE("OLD.response_due", "1440", "response", "OLD.ended IS NULL") \
	DL_COUNT_TAKE("OLD.then_due", "coalesce(OLD.then_minute, 1440)", "then", "OLD.ended IS NULL") \
	DL_COUNT_ADD("NEW.due", "coalesce(NEW.due_minute, 1440)", "stage", "NEW.ended IS NULL AND NEW.due IS NOT NULL") \
	DL_COUNT_ADD("NEW.follow_up", "1440", "follow-up", \
	             "NEW.ended IS NULL AND NEW.due IS NULL AND NEW.follow_up IS NOT NULL") \
	DL_COUNT_ADD("NEW.response_due", "1440", "response", "NEW.ended IS NULL AND NEW.response_due IS NOT NULL") \
	DL_COUNT_ADD("NEW.then_due", "coalesce(NEW.then_minute, 1440)", "then", \
	             "NEW.ended IS NULL AND NEW.then_due IS NOT NULL") \
	"END"
#define T_DEADLINE_COUNTS_ON_DISPUTE_INSERT \
	"CREATE TRIGGER deadline_counts_on_dispute_insert AFTER INSERT ON disputes\n" \
	"WHEN NEW.status = 'open' BEGIN\n" \
	DL_COUNT_ADD("NEW.process_due", "1440", "process", "NEW.process_due IS NOT NULL") \
	DL_COUNT_ADD("NEW.inform_due", "1440", "inform", "NEW.inform_due IS NOT NULL") \
	"END"
#define T_DEADLINE_COUNTS_ON_DISPUTE_UPDATE \
	"CREATE TRIGGER deadline_counts_on_dispute_update AFTER UPDATE OF status, process_due, inform_due ON disputes\n" \
	"BEGIN\n" \
	DL_COUNT_TAKE("OLD.process_due", "1440", "process", "OLD.status = 'open'") \
	DL_COUNT_TAKE("OLD.inform_due", "1440", "inform", "OLD.status = 'open'") \
	DL_COUNT_ADD("NEW.process_due", "1440", "process", "NEW.status = 'open' AND NEW.process_due IS NOT NULL") \
	DL_COUNT_ADD("NEW.inform_due", "1440", "inform", "NEW.status = 'open' AND NEW.inform_due IS NOT NULL") \
	"	UPDATE deadline_counts SET n = n - (SELECT count(*) FROM record_details rd WHERE rd.dispute_id = NEW.id\n" \
	"		AND " DL_NEXT_RUNNING("rd.") " AND rd.next_due = deadline_counts.day)\n" \
	"		WHERE OLD.status = 'open' AND NEW.status <> 'open' AND kind = 'next' AND minute = 1440 AND day IN\n" \
	"		(SELECT rd.next_due FROM record_details rd WHERE rd.dispute_id = NEW.id AND " DL_NEXT_RUNNING("rd.") ");\n" \
	"	INSERT INTO deadline_counts(day, minute, kind, n) SELECT rd.next_due, 1440, 'next', count(*)\n" \
	"		FROM record_details rd WHERE OLD.status <> 'open' AND NEW.status = 'open' AND rd.dispute_id = NEW.id\n" \
	"		AND " DL_NEXT_RUNNING("rd.") " GROUP BY rd.next_due ON CONFLICT(day, minute, kind) DO UPDATE SET n = n + excluded.n;\n" \
	"END"
/* A record's follow-up still to do counts while its dispute is open. */
#define T_DEADLINE_COUNTS_ON_DETAIL_INSERT \
	"CREATE TRIGGER deadline_counts_on_detail_insert AFTER INSERT ON record_details\n" \
	"WHEN " DL_NEXT_RUNNING("NEW.") " AND " DL_NEXT_OPEN("NEW.") " BEGIN\n" \
	DL_COUNT_ADD("NEW.next_due", "1440", "next", "1") \
	"END"
#define T_DEADLINE_COUNTS_ON_DETAIL_UPDATE \
	"CREATE TRIGGER deadline_counts_on_detail_update AFTER UPDATE OF next, next_due, done ON record_details BEGIN\n" \
	DL_COUNT_TAKE("OLD.next_due", "1440", "next", DL_NEXT_RUNNING("OLD.") " AND " DL_NEXT_OPEN("OLD.")) \
	DL_COUNT_ADD("NEW.next_due", "1440", "next", DL_NEXT_RUNNING("NEW.") " AND " DL_NEXT_OPEN("NEW.")) \
	"END"
/* A day no deadline falls on any more is not kept. */
#define T_DEADLINE_COUNTS_DROP \
	"CREATE TRIGGER deadline_counts_drop AFTER UPDATE OF n ON deadline_counts\n" \
	"WHEN NEW.n = 0 BEGIN\n" \
	"	DELETE FROM deadline_counts WHERE day = NEW.day AND minute = NEW.minute AND kind = NEW.kind;\n" \
	"END"
/* The search index follows what it indexes within the same transaction,
 * with the values the views of migration 10 give (the same macros), from
 * which FTS5 rebuilds and checks it.  Records are only ever added; a
 * dispute's particulars and an agency's name are never changed by
 * dispute, but when they are the index follows them too: a 'delete' with
 * the values as indexed, then the new ones. */
#define T_SEARCH_RECORDS_ADD \
	"CREATE TRIGGER search_records_add AFTER INSERT ON records BEGIN\n" \
	"	INSERT INTO records_fts(rowid, text) VALUES (" SEARCH_RECORD_KEY("NEW.") ", " SEARCH_FOLD("NEW.text") ");\n" \
	"END"
#define T_SEARCH_DISPUTES_ADD \
	"CREATE TRIGGER search_disputes_add AFTER INSERT ON disputes BEGIN\n" \
	"	INSERT INTO disputes_fts(rowid, " SEARCH_DISPUTE_COLUMNS ")\n" \
	"	SELECT " SEARCH_DISPUTE_VALUES("NEW.id", "NEW.reference", "NEW.subject", "ra.name", "ag.name", "NEW.category", \
	                                  "NEW.summary", "NEW.protocol") "\n" \
	"	FROM agencies ra, agencies ag WHERE ra.id = NEW.raised_by AND ag.id = NEW.against;\n" \
	"END"
/* The 'delete' halves of the triggers that follow a change: the values
 * as they were indexed, from the OLD row (an AFTER trigger's, so that a
 * row an UPDATE OR IGNORE skips leaves the index as it was). */
#define SEARCH_DISPUTE_OUT_OLD \
	"	INSERT INTO disputes_fts(disputes_fts, rowid, " SEARCH_DISPUTE_COLUMNS ")\n" \
	"	SELECT 'delete', " SEARCH_DISPUTE_VALUES("OLD.id", "OLD.reference", "OLD.subject", "ra.name", "ag.name", \
	                                            "OLD.category", "OLD.summary", "OLD.protocol") "\n" \
	"	FROM agencies ra, agencies ag WHERE ra.id = OLD.raised_by AND ag.id = OLD.against;\n"
#define SEARCH_AGENCY_OUT_OLD \
	"	INSERT INTO disputes_fts(disputes_fts, rowid, " SEARCH_DISPUTE_COLUMNS ")\n" \
	"	SELECT 'delete', " SEARCH_DISPUTE_VALUES("d.id", "d.reference", "d.subject", \
	        "CASE WHEN d.raised_by = OLD.id THEN OLD.name ELSE ra.name END", \
	        "CASE WHEN d.against = OLD.id THEN OLD.name ELSE ag.name END", "d.category", "d.summary", "d.protocol") "\n" \
	"	FROM disputes d JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against\n" \
	"	WHERE d.raised_by = OLD.id OR d.against = OLD.id;\n"
#define SEARCH_OTHER_AGENCY_OUT_OLD \
	"	INSERT INTO others_fts(others_fts, rowid, text) SELECT 'delete', " SEARCH_OTHER_KEY("OLD.", "0") ", " \
	SEARCH_FOLD("a.name") "\n" \
	"	FROM agencies a WHERE a.id = OLD.agency_id;\n"
#define SEARCH_OTHER_SUBJECT_OUT_OLD \
	"	INSERT INTO others_fts(others_fts, rowid, text) VALUES ('delete', " SEARCH_OTHER_KEY("OLD.", "128") ", " \
	SEARCH_FOLD("OLD.subject") ");\n"
#define SEARCH_OTHER_RENAME_OUT_OLD \
	"	INSERT INTO others_fts(others_fts, rowid, text) SELECT 'delete', " SEARCH_OTHER_KEY("x.", "0") ", " \
	SEARCH_FOLD("OLD.name") "\n" \
	"	FROM dispute_agencies x WHERE x.agency_id = OLD.id;\n"
#define SEARCH_DISPUTES_CHANGE_HEAD \
	"CREATE TRIGGER search_disputes_change AFTER UPDATE OF reference, protocol, subject, raised_by, against,\n" \
	"	category, summary ON disputes BEGIN\n"
#define T_SEARCH_DISPUTES_CHANGE \
	SEARCH_DISPUTES_CHANGE_HEAD \
	SEARCH_DISPUTE_OUT_OLD \
	"	INSERT INTO disputes_fts(rowid, " SEARCH_DISPUTE_COLUMNS ")\n" \
	"	SELECT " SEARCH_DISPUTE_VALUES("NEW.id", "NEW.reference", "NEW.subject", "ra.name", "ag.name", "NEW.category", \
	                                  "NEW.summary", "NEW.protocol") "\n" \
	"	FROM agencies ra, agencies ag WHERE ra.id = NEW.raised_by AND ag.id = NEW.against;\n" \
	"END"
#define T_SEARCH_AGENCIES_RENAME \
	"CREATE TRIGGER search_agencies_rename AFTER UPDATE OF name ON agencies BEGIN\n" \
	SEARCH_AGENCY_OUT_OLD \
	"	INSERT INTO disputes_fts(rowid, " SEARCH_DISPUTE_COLUMNS ")\n" \
	"	SELECT " SEARCH_DISPUTE_VALUES("d.id", "d.reference", "d.subject", "ra.name", "ag.name", "d.category", \
	                                  "d.summary", "d.protocol") "\n" \
	"	FROM disputes d JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against\n" \
	"	WHERE d.raised_by = NEW.id OR d.against = NEW.id;\n" \
	"END"

/* The view of what is indexed of a dispute (migration 10). */
#define SEARCH_DISPUTES_VIEW \
	"CREATE VIEW search_disputes(id, " SEARCH_DISPUTE_COLUMNS ") AS\n" \
	"	SELECT " SEARCH_DISPUTE_VALUES("d.id", "d.reference", "d.subject", "ra.name", "ag.name", "d.category", \
	                                  "d.summary", "d.protocol") "\n" \
	"	FROM disputes d JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"

/* The same, as migration 14 keeps them: the values to index come from the
 * view search_disputes, read by id (the disputes' rowid: one row, looked
 * up), instead of the view's folding written out again: SQLite parses
 * the whole schema whenever a command opens the database, and the three
 * triggers above cost 2.4 M of the 23.8 M instructions of one `dispute
 * new`.  What was indexed still goes out in the same AFTER trigger, from
 * the OLD row, folded there (half the text it was): in a BEFORE trigger
 * it would be gone from the index for a row that an UPDATE OR IGNORE
 * then skips. */
#define SEARCH_DISPUTE_ROWS(where) "SELECT id, " SEARCH_DISPUTE_COLUMNS " FROM search_disputes WHERE " where
#define SEARCH_DISPUTE_IN(where) \
	"	INSERT INTO disputes_fts(rowid, " SEARCH_DISPUTE_COLUMNS ") " SEARCH_DISPUTE_ROWS(where) ";\n"
#define T_SEARCH_DISPUTES_ADD_14 \
	"CREATE TRIGGER search_disputes_add AFTER INSERT ON disputes BEGIN\n" \
	SEARCH_DISPUTE_IN("id = NEW.id") \
	"END"
#define T_SEARCH_DISPUTES_CHANGE_14 \
	SEARCH_DISPUTES_CHANGE_HEAD \
	SEARCH_DISPUTE_OUT_OLD \
	SEARCH_DISPUTE_IN("id = NEW.id") \
	"END"
#define T_SEARCH_AGENCIES_RENAME_14 \
	"CREATE TRIGGER search_agencies_rename AFTER UPDATE OF name ON agencies BEGIN\n" \
	SEARCH_AGENCY_OUT_OLD \
	SEARCH_DISPUTE_IN("id IN (SELECT id FROM disputes WHERE raised_by = NEW.id OR against = NEW.id)") \
	"END"

/* The index of a dispute's further other agencies and subjects
 * (migration 11), kept as main's indexes are: each row in, a changed name
 * or case reference out and in again. */
#define T_SEARCH_OTHERS_AGENCY_ADD \
	"CREATE TRIGGER search_others_agency_add AFTER INSERT ON dispute_agencies BEGIN\n" \
	"	INSERT INTO others_fts(rowid, text) SELECT " SEARCH_OTHER_KEY("NEW.", "0") ", " SEARCH_FOLD("a.name") "\n" \
	"	FROM agencies a WHERE a.id = NEW.agency_id;\n" \
	"END"
#define SEARCH_OTHERS_AGENCY_CHANGE_HEAD \
	"CREATE TRIGGER search_others_agency_change AFTER UPDATE OF agency_id ON dispute_agencies\n" \
	"WHEN NEW.agency_id IS NOT OLD.agency_id BEGIN\n"
#define T_SEARCH_OTHERS_AGENCY_CHANGE \
	SEARCH_OTHERS_AGENCY_CHANGE_HEAD \
	SEARCH_OTHER_AGENCY_OUT_OLD \
	"	INSERT INTO others_fts(rowid, text) SELECT " SEARCH_OTHER_KEY("NEW.", "0") ", " SEARCH_FOLD("a.name") "\n" \
	"	FROM agencies a WHERE a.id = NEW.agency_id;\n" \
	"END"
#define T_SEARCH_OTHERS_SUBJECT_ADD \
	"CREATE TRIGGER search_others_subject_add AFTER INSERT ON dispute_subjects BEGIN\n" \
	"	INSERT INTO others_fts(rowid, text) VALUES (" SEARCH_OTHER_KEY("NEW.", "128") ", " SEARCH_FOLD("NEW.subject") ");\n" \
	"END"
#define SEARCH_OTHERS_SUBJECT_CHANGE_HEAD \
	"CREATE TRIGGER search_others_subject_change AFTER UPDATE OF subject ON dispute_subjects\n" \
	"WHEN NEW.subject IS NOT OLD.subject BEGIN\n"
#define T_SEARCH_OTHERS_SUBJECT_CHANGE \
	SEARCH_OTHERS_SUBJECT_CHANGE_HEAD \
	SEARCH_OTHER_SUBJECT_OUT_OLD \
	"	INSERT INTO others_fts(rowid, text) VALUES (" SEARCH_OTHER_KEY("NEW.", "128") ", " SEARCH_FOLD("NEW.subject") ");\n" \
	"END"
#define T_SEARCH_OTHERS_RENAME \
	"CREATE TRIGGER search_others_rename AFTER UPDATE OF name ON agencies BEGIN\n" \
	SEARCH_OTHER_RENAME_OUT_OLD \
	"	INSERT INTO others_fts(rowid, text) SELECT " SEARCH_OTHER_KEY("x.", "0") ", " SEARCH_FOLD("NEW.name") "\n" \
	"	FROM dispute_agencies x WHERE x.agency_id = NEW.id;\n" \
	"END"

/* The same as migration 14 keeps them, as the particulars' are: the
 * values to index from the views search_other_agencies and
 * search_other_subjects (search_others, the index's content, is those
 * two), read by their key columns. */
#define SEARCH_OTHER_AGENCIES \
	"CREATE VIEW search_other_agencies(dispute_id, position, agency_id, key, text) AS\n" \
	"	SELECT x.dispute_id, x.position, x.agency_id, " SEARCH_OTHER_KEY("x.", "0") ", " SEARCH_FOLD("a.name") "\n" \
	"	FROM dispute_agencies x JOIN agencies a ON a.id = x.agency_id"
#define SEARCH_OTHER_SUBJECTS \
	"CREATE VIEW search_other_subjects(dispute_id, position, key, text) AS\n" \
	"	SELECT dispute_id, position, " SEARCH_OTHER_KEY("", "128") ", " SEARCH_FOLD("subject") " FROM dispute_subjects"
#define SEARCH_OTHERS_14 \
	"CREATE VIEW search_others(key, text) AS\n" \
	"	SELECT key, text FROM search_other_agencies UNION ALL SELECT key, text FROM search_other_subjects"
#define SEARCH_OTHER_IN(view, where) \
	"	INSERT INTO others_fts(rowid, text) SELECT key, text FROM " view " WHERE " where ";\n"
#define SEARCH_OTHER_AT "dispute_id = NEW.dispute_id AND position = NEW.position"
#define T_SEARCH_OTHERS_AGENCY_ADD_14 \
	"CREATE TRIGGER search_others_agency_add AFTER INSERT ON dispute_agencies BEGIN\n" \
	SEARCH_OTHER_IN("search_other_agencies", SEARCH_OTHER_AT) \
	"END"
#define T_SEARCH_OTHERS_AGENCY_CHANGE_14 \
	SEARCH_OTHERS_AGENCY_CHANGE_HEAD \
	SEARCH_OTHER_AGENCY_OUT_OLD \
	SEARCH_OTHER_IN("search_other_agencies", SEARCH_OTHER_AT) \
	"END"
#define T_SEARCH_OTHERS_SUBJECT_ADD_14 \
	"CREATE TRIGGER search_others_subject_add AFTER INSERT ON dispute_subjects BEGIN\n" \
	SEARCH_OTHER_IN("search_other_subjects", SEARCH_OTHER_AT) \
	"END"
#define T_SEARCH_OTHERS_SUBJECT_CHANGE_14 \
	SEARCH_OTHERS_SUBJECT_CHANGE_HEAD \
	SEARCH_OTHER_SUBJECT_OUT_OLD \
	SEARCH_OTHER_IN("search_other_subjects", SEARCH_OTHER_AT) \
	"END"
#define T_SEARCH_OTHERS_RENAME_14 \
	"CREATE TRIGGER search_others_rename AFTER UPDATE OF name ON agencies BEGIN\n" \
	SEARCH_OTHER_RENAME_OUT_OLD \
	SEARCH_OTHER_IN("search_other_agencies", "agency_id = NEW.id") \
	"END"

/* The triggers on new rows that a bulk change (store_begin_bulk) drops
 * and makes again, as triggers[] holds them, at deferred_flush,
 * which does their work for all the new rows at once: the search index
 * of new records and disputes (FTS5 writes out its pending words at every
 * statement); and, in a change that adds disputes (the first
 * DEFERRED_RECORDS are all the others), the derived columns of a dispute
 * as each stage comes, and the list's and the board's counts. */
static const char *const deferred[] = {
	"search_records_add", "search_disputes_add",
	"disputes_derive_on_stage_insert", "list_counts_on_insert", "list_counts_on_update",
	"deadline_counts_on_stage_insert", "deadline_counts_on_dispute_insert",
};
#define DEFERRED_RECORDS 2

/* A schema object as dispute makes it: its name and SQLite's text of it. */
struct schema_text {
	const char *name, *sql;
};

static const struct schema_text triggers[] = {
	{ "records_amend_same", T_RECORDS_AMEND_SAME },
	{ "records_no_update", T_RECORDS_NO_UPDATE },
	{ "records_no_delete", T_RECORDS_NO_DELETE },
	{ "disputes_derive_on_stage_insert", T_DERIVE_ON_STAGE_INSERT_13 },
	{ "disputes_derive_on_stage_update", T_DERIVE_ON_STAGE_UPDATE_13 },
	{ "disputes_derive_on_close", T_DERIVE_ON_CLOSE },
	{ "records_no_reuse", T_RECORDS_NO_REUSE },
	{ "records_sealed", T_RECORDS_SEALED },
	{ "disputes_no_reuse", T_DISPUTES_NO_REUSE },
	{ "disputes_no_delete", T_DISPUTES_NO_DELETE },
	{ "stages_no_delete", T_STAGES_NO_DELETE },
	{ "disputes_keep_key", T_DISPUTES_KEEP_KEY },
	{ "stages_keep_key", T_STAGES_KEEP_KEY },
	{ "list_counts_on_insert", T_LIST_COUNTS_ON_INSERT },
	{ "list_counts_on_update", T_LIST_COUNTS_ON_UPDATE },
	{ "invites_forward", T_INVITES_FORWARD },
	{ "search_records_add", T_SEARCH_RECORDS_ADD },
	{ "search_disputes_add", T_SEARCH_DISPUTES_ADD_14 },
	{ "search_disputes_change", T_SEARCH_DISPUTES_CHANGE_14 },
	{ "search_agencies_rename", T_SEARCH_AGENCIES_RENAME_14 },
	{ "search_others_agency_add", T_SEARCH_OTHERS_AGENCY_ADD_14 },
	{ "search_others_agency_change", T_SEARCH_OTHERS_AGENCY_CHANGE_14 },
	{ "search_others_subject_add", T_SEARCH_OTHERS_SUBJECT_ADD_14 },
	{ "search_others_subject_change", T_SEARCH_OTHERS_SUBJECT_CHANGE_14 },
	{ "search_others_rename", T_SEARCH_OTHERS_RENAME_14 },
	{ "deadline_counts_on_stage_insert", T_DEADLINE_COUNTS_ON_STAGE_INSERT },
	{ "deadline_counts_on_stage_update", T_DEADLINE_COUNTS_ON_STAGE_UPDATE },
	{ "deadline_counts_on_dispute_insert", T_DEADLINE_COUNTS_ON_DISPUTE_INSERT },
	{ "deadline_counts_on_dispute_update", T_DEADLINE_COUNTS_ON_DISPUTE_UPDATE },
	{ "deadline_counts_drop", T_DEADLINE_COUNTS_DROP },
	{ "deadline_counts_on_detail_insert", T_DEADLINE_COUNTS_ON_DETAIL_INSERT },
	{ "deadline_counts_on_detail_update", T_DEADLINE_COUNTS_ON_DETAIL_UPDATE },
};

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
	T_RECORDS_AMEND_SAME ";\n"
	T_RECORDS_NO_UPDATE ";\n"
	T_RECORDS_NO_DELETE ";\n"
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
	/* 6: a due date has one source, the stages.  The dispute's current
	 * stage, its running due date and the list's order key are derived
	 * from the stages and the status by triggers, for the indexes to read;
	 * nothing else writes them. */
	T_DERIVE_ON_STAGE_INSERT_6 ";\n"
	T_DERIVE_ON_STAGE_UPDATE_6 ";\n"
	T_DERIVE_ON_CLOSE_6 ";\n"
	"UPDATE disputes SET " DERIVED_SET_6 ";\n",
	/* 7: the journal as evidence.  Every record is sealed (store_chain.c)
	 * and an event carries the state it changed (journal.h); records,
	 * disputes and stages can be neither replaced nor deleted.  The
	 * records written before are sealed by chain_seal_existing, between
	 * this and migration_7_after. */
	"ALTER TABLE records ADD COLUMN state TEXT;\n"
	"ALTER TABLE records ADD COLUMN prev BLOB;\n"
	"ALTER TABLE records ADD COLUMN hash BLOB;\n"
	"CREATE UNIQUE INDEX records_hash ON records(hash);\n"
	"DROP TRIGGER records_no_update;\n",
	/* 8: how many disputes the list holds on each day of its order, kept
	 * by triggers, so the board's and the list's counts add up a few
	 * days instead of reading every open dispute (store_count). */
	"CREATE TABLE list_counts (\n"
	"	prefix TEXT PRIMARY KEY,\n"
	"	n INTEGER NOT NULL CHECK (n >= 0)\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO list_counts(prefix, n) SELECT " LIST_PREFIX("list_key") ", count(*) FROM disputes\n"
	"	WHERE list_key IS NOT NULL GROUP BY 1;\n"
	T_LIST_COUNTS_ON_INSERT ";\n"
	T_LIST_COUNTS_ON_UPDATE ";\n"
	/* The running stages with a time of day (an urgent review due at
	 * 16:30): which of a day's deadlines have passed at a given minute. */
	"CREATE INDEX stages_timed ON stages(due, due_minute) WHERE due_minute IS NOT NULL AND ended IS NULL;\n"
	/* Reports read the disputes opened in a period, in that order. */
	"CREATE INDEX disputes_opened ON disputes(opened, reference);\n",
	/* 9: the invite lifecycle: what each attendee of each stage was last
	 * sent (UID, SEQUENCE, REQUEST or CANCEL, the deadline it carried) and
	 * their last answer.  Derived from the journal: every row is the sum
	 * of the "invite." lines of the events that sent an invite or took in
	 * a reply, and verify replays it. */
	"CREATE TABLE invites (\n"
	"	dispute_id INTEGER NOT NULL REFERENCES disputes(id),\n"
	"	stage INTEGER NOT NULL CHECK (stage >= 1),\n"
	"	attendee TEXT NOT NULL COLLATE NOCASE CHECK (attendee <> ''),\n"
	"	contact_id INTEGER REFERENCES contacts(id),\n"
	"	uid TEXT NOT NULL CHECK (uid <> ''),\n"
	"	sequence INTEGER NOT NULL CHECK (sequence >= 0),\n"
	"	method TEXT NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),\n"
	"	due TEXT CHECK (due " ISO_DATE "),\n"
	"	due_minute INTEGER CHECK (due_minute BETWEEN 0 AND 1439),\n"
	"	partstat TEXT CHECK (partstat IN ('ACCEPTED', 'DECLINED', 'TENTATIVE')),\n"
	"	proposed TEXT CHECK (proposed " ISO_DATE "),\n"
	"	proposed_minute INTEGER CHECK (proposed_minute BETWEEN 0 AND 1439),\n"
	"	PRIMARY KEY (dispute_id, stage, attendee)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX invites_uid ON invites(uid);\n"
	T_INVITES_FORWARD ";\n",
	/* 10: search with an index (FTS5): the words of every record, and of
	 * each dispute's particulars, without a copy of their text (external
	 * content: the views say what is indexed, folded by SEARCH_FOLD).
	 * Built here from what is there; triggers keep it in step. */
	"CREATE VIEW search_records(key, text) AS\n"
	"	SELECT " SEARCH_RECORD_KEY("") ", " SEARCH_FOLD("text") " FROM records;\n"
	SEARCH_DISPUTES_VIEW ";\n"
	"CREATE VIRTUAL TABLE records_fts USING fts5(text, content='search_records', content_rowid='key',\n"
	"	tokenize='unicode61 remove_diacritics 2');\n"
	"CREATE VIRTUAL TABLE disputes_fts USING fts5(" SEARCH_DISPUTE_COLUMNS ", content='search_disputes',\n"
	"	content_rowid='id', tokenize='unicode61 remove_diacritics 2');\n"
	"INSERT INTO records_fts(records_fts) VALUES ('rebuild');\n"
	"INSERT INTO disputes_fts(disputes_fts) VALUES ('rebuild');\n"
	T_SEARCH_RECORDS_ADD ";\n"
	T_SEARCH_DISPUTES_ADD ";\n"
	T_SEARCH_DISPUTES_CHANGE ";\n"
	T_SEARCH_AGENCIES_RENAME ";\n",
	/* 11: what a lead needs every day.  A dispute has an owner (NULL
	 * for those opened before), further other agencies and subjects after
	 * the first, a counterpart per stage for each further agency, the
	 * checklist items done, and what a record names (the contact spoken
	 * to, a next action and its date).  All of it is journalled and
	 * replayed by verify; a database from before has none of it, so
	 * nothing is carried but the new empty tables (and no lists to read),
	 * and an empty index of the further agencies and subjects.  Closure
	 * days of one agency go beside the closures of every agency. */
	"ALTER TABLE disputes ADD COLUMN owner TEXT;\n"
	/* Whether the dispute has anything in the lists below: a list reads
	 * them only for the disputes that do. */
	"ALTER TABLE disputes ADD COLUMN lists INTEGER NOT NULL DEFAULT 0 CHECK (lists IN (0, 1));\n"
	"CREATE TABLE dispute_agencies (\n"
	"	dispute_id INTEGER NOT NULL REFERENCES disputes(id),\n"
	"	position INTEGER NOT NULL CHECK (position BETWEEN 2 AND 99),\n"
	"	agency_id INTEGER NOT NULL REFERENCES agencies(id),\n"
	"	PRIMARY KEY (dispute_id, position)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX dispute_agencies_agency ON dispute_agencies(agency_id);\n"
	"CREATE TABLE dispute_subjects (\n"
	"	dispute_id INTEGER NOT NULL REFERENCES disputes(id),\n"
	"	position INTEGER NOT NULL CHECK (position BETWEEN 2 AND 99),\n"
	"	subject TEXT NOT NULL CHECK (subject <> ''),\n"
	"	PRIMARY KEY (dispute_id, position)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE stage_counterparts (\n"
	"	dispute_id INTEGER NOT NULL,\n"
	"	stage INTEGER NOT NULL,\n"
	"	position INTEGER NOT NULL CHECK (position BETWEEN 2 AND 99),\n"
	"	contact_id INTEGER NOT NULL REFERENCES contacts(id),\n"
	"	PRIMARY KEY (dispute_id, stage, position),\n"
	"	FOREIGN KEY (dispute_id, stage) REFERENCES stages(dispute_id, number)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE actions_done (\n"
	"	dispute_id INTEGER NOT NULL REFERENCES disputes(id),\n"
	"	seq INTEGER NOT NULL CHECK (seq >= 1),\n"
	"	stage INTEGER NOT NULL CHECK (stage >= 1),\n"
	"	text TEXT NOT NULL CHECK (text <> ''),\n"
	"	done TEXT NOT NULL CHECK (done " ISO_DATE "),\n"
	"	done_by TEXT,\n"
	"	PRIMARY KEY (dispute_id, seq)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE record_details (\n"
	"	record_id INTEGER PRIMARY KEY REFERENCES records(id),\n"
	"	dispute_id INTEGER NOT NULL REFERENCES disputes(id),\n"
	"	contact_id INTEGER REFERENCES contacts(id),\n"
	"	next TEXT,\n"
	"	next_due TEXT CHECK (next_due " ISO_DATE "),\n"
	"	done TEXT CHECK (done " ISO_DATE "),\n"
	"	done_by TEXT,\n"
	"	CHECK ((next IS NULL) = (next_due IS NULL))\n"
	");\n"
	"CREATE INDEX record_details_dispute ON record_details(dispute_id, record_id);\n"
	/* The follow-ups still to do, by date, with their dispute: what the
	 * board counts and reads (store_followups_due) from the index alone. */
	"CREATE INDEX record_details_due ON record_details(next_due, dispute_id) WHERE next IS NOT NULL AND done IS NULL;\n"
	"CREATE TABLE agency_closures (\n"
	"	agency_id INTEGER NOT NULL REFERENCES agencies(id),\n"
	"	day TEXT NOT NULL CHECK (day " ISO_DATE "),\n"
	"	reason TEXT,\n"
	"	PRIMARY KEY (agency_id, day)\n"
	") WITHOUT ROWID;\n"
	/* The further other agencies and subjects are searched as the
	 * particulars are, each a row of an index of its own (a word typed
	 * finds a sibling's case reference as it finds the first's). */
	"CREATE VIEW search_others(key, text) AS\n"
	"	SELECT " SEARCH_OTHER_KEY("x.", "0") ", " SEARCH_FOLD("a.name") "\n"
	"	FROM dispute_agencies x JOIN agencies a ON a.id = x.agency_id\n"
	"	UNION ALL SELECT " SEARCH_OTHER_KEY("", "128") ", " SEARCH_FOLD("subject") " FROM dispute_subjects;\n"
	"CREATE VIRTUAL TABLE others_fts USING fts5(text, content='search_others', content_rowid='key',\n"
	"	tokenize='unicode61 remove_diacritics 2');\n"
	T_SEARCH_OTHERS_AGENCY_ADD ";\n"
	T_SEARCH_OTHERS_AGENCY_CHANGE ";\n"
	T_SEARCH_OTHERS_SUBJECT_ADD ";\n"
	T_SEARCH_OTHERS_SUBJECT_CHANGE ";\n"
	T_SEARCH_OTHERS_RENAME ";\n",
	/* 12: protocols as the partnerships wrote them.  A stage keeps the
	 * route it follows and its number on it (a dispute can change route
	 * and be reopened, so its place in the history is no longer its stage
	 * number), its second timescale, its sub-deadline and its follow-up;
	 * a dispute keeps its whole-process deadline, the day the urgent
	 * route's `inform` is due, and the day it was referred to the
	 * partnership body.  Older stages follow the dispute's route (0) at
	 * their place (0), as they always did.  The derived due date becomes
	 * the soonest running deadline, with its time of day (current_minute),
	 * and the deadlines view lists them.  The open disputes' whole process
	 * is worked out from their protocols, which the store does not read:
	 * meta 'upgrade-process' asks the service to, journalled, at its first
	 * write open (svc_upgrade in service.c). */
	"ALTER TABLE stages ADD COLUMN route INTEGER NOT NULL DEFAULT 0 CHECK (route IN (0, 1, 2));\n"
	"ALTER TABLE stages ADD COLUMN step INTEGER NOT NULL DEFAULT 0 CHECK (step BETWEEN 0 AND 99);\n"
	"ALTER TABLE stages ADD COLUMN response_due TEXT CHECK (response_due " ISO_DATE ");\n"
	"ALTER TABLE stages ADD COLUMN then_due TEXT CHECK (then_due " ISO_DATE ");\n"
	"ALTER TABLE stages ADD COLUMN then_minute INTEGER CHECK (then_minute BETWEEN 0 AND 1439);\n"
	"ALTER TABLE stages ADD COLUMN follow_up TEXT CHECK (follow_up " ISO_DATE ");\n"
	"ALTER TABLE disputes ADD COLUMN process_due TEXT CHECK (process_due " ISO_DATE ");\n"
	"ALTER TABLE disputes ADD COLUMN inform_due TEXT CHECK (inform_due " ISO_DATE ");\n"
	"ALTER TABLE disputes ADD COLUMN referred TEXT CHECK (referred " ISO_DATE ");\n"
	"ALTER TABLE disputes ADD COLUMN referred_to TEXT;\n"
	"ALTER TABLE disputes ADD COLUMN current_minute INTEGER CHECK (current_minute BETWEEN 0 AND 1439);\n"
	"DROP TRIGGER disputes_derive_on_stage_insert;\n"
	"DROP TRIGGER disputes_derive_on_stage_update;\n"
	"DROP TRIGGER disputes_derive_on_close;\n"
	T_DERIVE_ON_STAGE_INSERT ";\n"
	T_DERIVE_ON_STAGE_UPDATE ";\n"
	T_DERIVE_ON_CLOSE ";\n"
	"UPDATE disputes SET " DERIVED_SET ";\n"
	/* Each running deadline of an open dispute, as dispute_deadlines
	 * gives them (the running stage is the one not ended), and an open
	 * dispute with none as 'none', with no date. */
	"CREATE VIEW deadlines(dispute_id, kind, due, minute) AS\n"
	"	SELECT g.dispute_id, 'stage', g.due, g.due_minute FROM stages g\n"
	"		WHERE g.ended IS NULL AND g.due IS NOT NULL\n"
	"	UNION ALL SELECT g.dispute_id, 'follow-up', g.follow_up, NULL FROM stages g\n"
	"		WHERE g.ended IS NULL AND g.due IS NULL AND g.follow_up IS NOT NULL\n"
	"	UNION ALL SELECT g.dispute_id, 'response', g.response_due, NULL FROM stages g\n"
	"		WHERE g.ended IS NULL AND g.response_due IS NOT NULL\n"
	"	UNION ALL SELECT g.dispute_id, 'then', g.then_due, g.then_minute FROM stages g\n"
	"		WHERE g.ended IS NULL AND g.then_due IS NOT NULL\n"
	"	UNION ALL SELECT d.id, 'process', d.process_due, NULL FROM disputes d\n"
	"		WHERE d.status = 'open' AND d.process_due IS NOT NULL\n"
	"	UNION ALL SELECT d.id, 'inform', d.inform_due, NULL FROM disputes d\n"
	"		WHERE d.status = 'open' AND d.inform_due IS NOT NULL\n"
	"	UNION ALL SELECT d.id, 'none', NULL, NULL FROM disputes d\n"
	"		WHERE d.status = 'open' AND d.current_due IS NULL;\n"
	/* An index a kind, in the board's order: by date, a time of day
	 * before the whole day, then by dispute (the key that follows); and
	 * the open disputes whose soonest deadline has a time of day, so that
	 * those passed today are counted from it (replacing migration 8's
	 * stages_timed, which knew the stages' times alone). */
	"CREATE INDEX stages_running ON stages(due, coalesce(due_minute, 1440)) WHERE ended IS NULL;\n"
	"CREATE INDEX stages_follow_up ON stages(follow_up) WHERE ended IS NULL AND follow_up IS NOT NULL;\n"
	"CREATE INDEX stages_response ON stages(response_due) WHERE ended IS NULL AND response_due IS NOT NULL;\n"
	"CREATE INDEX stages_then ON stages(then_due, coalesce(then_minute, 1440))\n"
	"	WHERE ended IS NULL AND then_due IS NOT NULL;\n"
	"CREATE INDEX disputes_process ON disputes(process_due) WHERE status = 'open' AND process_due IS NOT NULL;\n"
	"CREATE INDEX disputes_inform ON disputes(inform_due) WHERE status = 'open' AND inform_due IS NOT NULL;\n"
	"CREATE INDEX disputes_timed ON disputes(current_due, current_minute) WHERE current_minute IS NOT NULL;\n"
	"DROP INDEX stages_timed;\n"
	/* How many running deadlines fall at each time, by kind: the day and
	 * the time of day (1440: the whole day), kept by triggers (none kept
	 * at zero); and the records' follow-ups still to do on open disputes
	 * ('next').  The board counts each of its buckets, and its follow-ups,
	 * from a few rows of it, never from every open dispute. */
	"CREATE TABLE deadline_counts (\n"
	"	day TEXT NOT NULL CHECK (day " ISO_DATE "),\n"
	"	minute INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1440),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('stage', 'follow-up', 'response', 'then', 'process', 'inform', 'next')),\n"
	"	n INTEGER NOT NULL CHECK (n >= 0),\n"
	"	PRIMARY KEY (day, minute, kind)\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO deadline_counts(day, minute, kind, n) SELECT due, coalesce(minute, 1440), kind, count(*)\n"
	"	FROM deadlines WHERE due IS NOT NULL GROUP BY 1, 2, 3;\n"
	"INSERT INTO deadline_counts(day, minute, kind, n) SELECT rd.next_due, 1440, 'next', count(*)\n"
	"	FROM record_details rd JOIN disputes d ON d.id = rd.dispute_id\n"
	"	WHERE d.status = 'open' AND " DL_NEXT_RUNNING("rd.") " GROUP BY 1;\n"
	T_DEADLINE_COUNTS_ON_STAGE_INSERT ";\n"
	T_DEADLINE_COUNTS_ON_STAGE_UPDATE ";\n"
	T_DEADLINE_COUNTS_ON_DISPUTE_INSERT ";\n"
	T_DEADLINE_COUNTS_ON_DISPUTE_UPDATE ";\n"
	T_DEADLINE_COUNTS_DROP ";\n"
	T_DEADLINE_COUNTS_ON_DETAIL_INSERT ";\n"
	T_DEADLINE_COUNTS_ON_DETAIL_UPDATE ";\n"
	"INSERT INTO meta(key, value) VALUES ('upgrade-process', 'pending');\n",
	/* 13: the running stage's step and route kept on the dispute beside
	 * its number, so that a row of the text list reads no stage. */
	"ALTER TABLE disputes ADD COLUMN current_step INTEGER;\n"
	"ALTER TABLE disputes ADD COLUMN current_route INTEGER;\n"
	"UPDATE disputes SET current_step = " DERIVED_STEP ", current_route = " DERIVED_ROUTE ";\n"
	"DROP TRIGGER disputes_derive_on_stage_insert;\n"
	"DROP TRIGGER disputes_derive_on_stage_update;\n"
	T_DERIVE_ON_STAGE_INSERT_13 ";\n"
	T_DERIVE_ON_STAGE_UPDATE_13 ";\n",
	/* 14: the triggers that keep the search indexes read what they
	 * index through views (the particulars through search_disputes, a
	 * further agency or subject through a view of its own, of which the
	 * view search_others is now made) instead of each spelling out the
	 * folding again; what was indexed goes out as before.  What the views
	 * give, and the indexes, are as they were. */
	"DROP TRIGGER search_disputes_add;\n"
	"DROP TRIGGER search_disputes_change;\n"
	"DROP TRIGGER search_agencies_rename;\n"
	T_SEARCH_DISPUTES_ADD_14 ";\n"
	T_SEARCH_DISPUTES_CHANGE_14 ";\n"
	T_SEARCH_AGENCIES_RENAME_14 ";\n"
	"DROP TRIGGER search_others_agency_add;\n"
	"DROP TRIGGER search_others_agency_change;\n"
	"DROP TRIGGER search_others_subject_add;\n"
	"DROP TRIGGER search_others_subject_change;\n"
	"DROP TRIGGER search_others_rename;\n"
	"DROP VIEW search_others;\n"
	SEARCH_OTHER_AGENCIES ";\n"
	SEARCH_OTHER_SUBJECTS ";\n"
	SEARCH_OTHERS_14 ";\n"
	T_SEARCH_OTHERS_AGENCY_ADD_14 ";\n"
	T_SEARCH_OTHERS_AGENCY_CHANGE_14 ";\n"
	T_SEARCH_OTHERS_SUBJECT_ADD_14 ";\n"
	T_SEARCH_OTHERS_SUBJECT_CHANGE_14 ";\n"
	T_SEARCH_OTHERS_RENAME_14 ";\n",
};

/* SQL run after a migration's C step (NULL: none). */
static const char migration_7_after[] =
	T_RECORDS_NO_UPDATE ";\n"
	T_RECORDS_NO_REUSE ";\n"
	T_RECORDS_SEALED ";\n"
	T_DISPUTES_NO_REUSE ";\n"
	T_DISPUTES_NO_DELETE ";\n"
	T_STAGES_NO_DELETE ";\n"
	T_DISPUTES_KEEP_KEY ";\n"
	T_STAGES_KEEP_KEY ";\n";

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

int store_schema_version(void)
{
	return SCHEMA_VERSION;
}

/* The version of the migration whose text holds what, found by what the
 * migration makes rather than by its number, which changes when
 * migrations are put in order; asked for each row read, so found once. */
static int version_making(const char *what, int *known)
{
	if (!*known) {
		*known = SCHEMA_VERSION + 1;
		for (int i = 0; i < SCHEMA_VERSION; i++)
			if (strstr(migrations[i], what)) {
				*known = i + 1;
				break;
			}
	}
	return *known;
}

int store_extras_version(void)
{
	static int known;

	return version_making("CREATE TABLE dispute_agencies", &known);
}

int store_deadlines_version(void)
{
	static int known;

	return version_making("ADD COLUMN process_due", &known);
}

int store_place_version(void)
{
	static int known;

	return version_making("ADD COLUMN current_step", &known);
}

/* ---- opening ---- */

/* DISPUTE_BUSY_MS overrides how long to wait for another program's lock,
 * in milliseconds (default 5000); the tests set it short. */

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

/* Counts each statement as it starts (the benchmark prints how many a
 * workbench action costs). */
static int count_statement(unsigned type, void *arg, void *p, void *x)
{
	struct store *s = arg;

	(void)type;
	(void)p;
	(void)x;
	s->statements++;
	return 0;
}

long long store_statements(const struct store *s)
{
	return s ? s->statements : 0;
}

/* Once, before SQLite starts (sqlite3_config is refused after): no
 * counting of SQLite's memory.  Counting takes a global mutex around every
 * allocation, and reading the schema allocates for each node it parses:
 * 4.4 M of the 28 M instructions of one `dispute new`.  Nothing here asks
 * sqlite3_memory_used() or sets a heap limit.
 *
 * And a statement's journal (the pages a change's savepoint and its
 * triggers may have to put back) stays in memory up to 16 MiB, not 64 KiB:
 * one new dispute touches some 37 pages, and past 64 KiB its journal was a
 * temporary file, made, written page by page and deleted, in every
 * command that changes a dispute. */
static void sqlite_configure(void)
{
	static bool done;

	if (!done) {
		done = true;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 16 << 20);
	}
}

static enum status connect_db(struct store *s, struct error *err)
{
	/* One connection, one thread: SQLite's own mutexes are not needed. */
	int flags = (s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
	char *name = s->path;
	int rc;

	/* A name starting "file:" would be taken as a URI where URIs are
	 * enabled by default; "./" keeps it a plain file name. */
	if (strncmp(s->path, "file:", 5) == 0)
		name = xasprintf("./%s", s->path);
	sqlite_configure();
	rc = sqlite3_open_v2(name, &s->db, flags, NULL);
	if (name != s->path)
		free(name);
	if (rc != SQLITE_OK) {
		if (!s->db)
			return error_set(err, ST_NOMEM, "cannot open %s: out of memory", s->path);
		return db_fail(s, rc, "cannot open the database", err);
	}
	sqlite3_busy_timeout(s->db, busy_timeout_ms());
	sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, count_statement, s);
	if (!s->readonly && sqlite3_db_readonly(s->db, "main") == 1)
		return error_set(err, ST_IO, "%s is read-only", s->path);
	return search_connect(s, err);
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

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
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

/* Part of migration 7: each dispute's state as it stood when the journal
 * was sealed, as an event at the end of its journal, so that replay
 * (dispute verify) has a start for disputes opened before events carried
 * their state. */
static enum status seal_baselines(struct store *s, struct error *err)
{
	sqlite3_stmt *st = NULL;
	long long *ids = NULL;
	size_t n = 0;
	enum status rc;
	int src;

	long today = DATE_NONE;

	/* The day in UTC, as the store dates what it writes itself. */
	if ((rc = db_prepare(s, "SELECT id, date('now') FROM disputes ORDER BY id", &st, err)) != ST_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		bool bad = false;

		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
		today = col_date(st, 1, &bad);
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot seal the journal", err);
	sqlite3_finalize(st);
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		struct dispute d;
		struct record r;

		dispute_init(&d);
		record_init(&r);
		rc = store_dispute_load_id(s, ids[i], &d, err);
		if (rc == ST_OK) {
			r.dispute_id = d.id;
			r.day = today;
			r.kind = RK_EVENT;
			r.stage = d.current_stage;
			r.text = xstrdup("Journal sealed: from here on each entry is chained to the one before, "
			                 "and this one holds the dispute's state as it stood.");
			r.state = journal_delta(NULL, &d);
			rc = store_record_insert(s, &r, err);
		}
		record_free(&r);
		dispute_free(&d);
	}
	free(ids);
	return rc;
}

/* The C steps of a migration, run after its SQL in the same transaction. */
static enum status migration_code(struct store *s, int version, struct error *err)
{
	enum status rc = ST_OK;

	if (version == 6) {
		if ((rc = chain_seal_existing(s, err)) == ST_OK && (rc = seal_baselines(s, err)) == ST_OK)
			rc = db_exec(s, migration_7_after, "cannot upgrade the database", err);
	}
	return rc;
}

static enum status migrate(struct store *s, struct error *err)
{
	for (;;) {
		char bump[64];
		int app, version, objects;
		enum status rc = db_exec(s, "BEGIN IMMEDIATE", "cannot upgrade the database", err);

		if (rc != ST_OK)
			return rc;
		/* Read again under the lock: another program may have migrated. */
		rc = schema_read(s, &app, &version, &objects, err);
		if (rc == ST_OK && version > SCHEMA_VERSION)
			rc = error_set(err, ST_REFUSED,
			               "%s was written by a newer dispute (schema %d; this program knows %d)",
			               s->path, version, SCHEMA_VERSION);
		if (rc == ST_OK && version == SCHEMA_VERSION) {
			s->version = version;
			return change_end(s, true, ST_OK, err);
		}
		s->version = version;
		if (rc == ST_OK)
			rc = db_exec(s, migrations[version], "cannot upgrade the database", err);
		s->version = version + 1;
		if (rc == ST_OK)
			rc = migration_code(s, version, err);
		if (rc == ST_OK) {
			snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
			rc = db_exec(s, bump, "cannot upgrade the database", err);
		}
		rc = change_end(s, true, rc, err);
		s->version = SCHEMA_VERSION;
		if (rc != ST_OK)
			return rc;
	}
}

/* The views the triggers read what they index from (migration 14): an
 * edited one would have them index something else. */
static const struct schema_text trigger_views[] = {
	{ "search_disputes", SEARCH_DISPUTES_VIEW },
	{ "search_other_agencies", SEARCH_OTHER_AGENCIES },
	{ "search_other_subjects", SEARCH_OTHER_SUBJECTS },
};

/* Whether every view in trigger_views[] is there as dispute made it. */
static enum status trigger_views_check(struct store *s, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum status rc;

	if ((rc = db_prepare(s, "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?1", &st, err)) != ST_OK)
		return rc;
	for (size_t i = 0; rc == ST_OK && !s->altered && i < sizeof(trigger_views) / sizeof(trigger_views[0]); i++) {
		int src;

		sqlite3_bind_text(st, 1, trigger_views[i].name, -1, SQLITE_STATIC);
		src = sqlite3_step(st);
		if (src == SQLITE_DONE)
			s->altered = xasprintf("the view %s is missing", trigger_views[i].name);
		else if (src != SQLITE_ROW)
			rc = db_fail(s, src, "cannot read the database", err);
		else if (!sqlite3_column_text(st, 0) ||
		         strcmp((const char *)sqlite3_column_text(st, 0), trigger_views[i].sql) != 0)
			s->altered = xasprintf("the view %s was changed", trigger_views[i].name);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether every trigger is there as dispute made it, and no other (and
 * the views they read, trigger_views_check): a dropped or edited trigger
 * means the journal could have been changed outside dispute, so nothing
 * more is written until `dispute verify` has looked.  Sets s->altered. */
static enum status triggers_check(struct store *s, struct error *err)
{
	sqlite3_stmt *st = NULL;
	bool seen[sizeof(triggers) / sizeof(triggers[0])] = {0};
	enum status rc;
	int src;

	if ((rc = db_prepare(s, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name", &st,
	                     err)) != ST_OK)
		return rc;
	while (!s->altered && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0), *sql = (const char *)sqlite3_column_text(st, 1);
		size_t i = 0;

		while (i < sizeof(triggers) / sizeof(triggers[0]) && strcmp(triggers[i].name, name ? name : ""))
			i++;
		if (i == sizeof(triggers) / sizeof(triggers[0]))
			s->altered = xasprintf("a trigger dispute did not make (%s) was added", name ? name : "?");
		else if (!sql || strcmp(sql, triggers[i].sql) != 0)
			s->altered = xasprintf("the trigger %s was changed", name);
		else
			seen[i] = true;
	}
	if (!s->altered && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot read the database", err);
	sqlite3_finalize(st);
	for (size_t i = 0; rc == ST_OK && !s->altered && i < sizeof(triggers) / sizeof(triggers[0]); i++)
		if (!seen[i])
			s->altered = xasprintf("the trigger %s is missing", triggers[i].name);
	if (rc == ST_OK && !s->altered)
		rc = trigger_views_check(s, err);
	return rc;
}

const char *store_altered(const struct store *s)
{
	return s ? s->altered : NULL;
}

static enum status pragmas(struct store *s, struct error *err)
{
	enum status rc = db_exec(s, "PRAGMA foreign_keys = ON", "cannot set up the database", err);

	if (rc != ST_OK || s->readonly)
		return rc;
	/* Not for a read-only connection: switching to WAL writes the header. */
	rc = db_exec(s, "PRAGMA journal_mode = WAL", "cannot set up the database", err);
	if (rc == ST_OK)
		rc = db_exec(s, "PRAGMA synchronous = FULL", "cannot set up the database", err);
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
		if (mode != OPEN_CREATE && mode != OPEN_INIT) {
			error_set(err, ST_NOTFOUND, "no database at %s", path);
			return error_mend(err, MEND_INIT, NULL);
		}
		if ((rc = file_create(path, err)) != ST_OK)
			return rc;
	} else if (!S_ISREG(st.st_mode)) {
		return error_set(err, ST_REFUSED, "%s is not a dispute database (not a regular file)", path);
	} else if (st.st_size == 0 && mode != OPEN_INIT) {
		/* A journal cut to nothing must not pass for a new, empty one. */
		error_set(err, ST_NOTFOUND, "no database at %s: the file is empty (if it held a journal, restore a "
		          "backup with 'dispute restore')", path);
		return error_mend(err, MEND_INIT, NULL);
	}
	if ((rc = check_header(path, err)) != ST_OK)
		return rc;

	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->readonly = mode == OPEN_READ;
	s->version = SCHEMA_VERSION;
	rc = connect_db(s, err);
	/* Nothing is written before the file has shown it is ours. */
	if (rc == ST_OK)
		rc = schema_check(s, &version, err);
	s->version = version;
	if (rc == ST_OK)
		rc = pragmas(s, err);
	if (rc == ST_OK && version < SCHEMA_VERSION) {
		/* A command that only reads never writes, not even to upgrade. */
		if (s->readonly) {
			rc = error_set(err, ST_REFUSED, "%s was written by an older dispute (schema %d of %d)", path,
			               version, SCHEMA_VERSION);
			error_mend(err, MEND_UPGRADE, NULL);
		} else {
			rc = migrate(s, err);
		}
	}
	if (rc == ST_OK)
		rc = triggers_check(s, err);
	/* Altered outside dispute: nothing at all is written through this
	 * connection (drafts, closure days, agencies included) but a restore. */
	if (rc == ST_OK && s->altered)
		rc = db_exec(s, "PRAGMA query_only = ON", "cannot open the database", err);
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
	/* Every statement is finalized where it was prepared, or kept in the
	 * cache and finalized here, so this cannot fail with SQLITE_BUSY. */
	db_cache_clear(s);
	search_disconnect(s);
	sqlite3_close(s->db);
	free(s->anchor.sig);
	free(s->path);
	free(s->altered);
	free(s);
}

enum status store_begin(struct store *s, struct error *err)
{
	/* SQLite lets a read-only connection begin; say so before any work. */
	if (s->readonly)
		return error_set(err, ST_IO, "%s is read-only; nothing was saved", s->path);
	/* BEGIN itself writes nothing, so query_only would let it through:
	 * the refusal comes before any work. */
	if (s->altered)
		return store_refuse_altered(s, err);
	return db_exec(s, "BEGIN IMMEDIATE", "cannot start a change", err);
}

/* Drops (on false) or makes again (on true) the triggers of deferred[]
 * that the change puts off. */
static enum status deferred_triggers(struct store *s, bool on, struct error *err)
{
	size_t n = s->deferred_adds ? sizeof(deferred) / sizeof(*deferred) : DEFERRED_RECORDS;
	struct sb sql = {0};
	enum status rc;

	for (size_t i = 0; i < n; i++) {
		if (!on) {
			sb_printf(&sql, "DROP TRIGGER %s;\n", deferred[i]);
			continue;
		}
		for (size_t k = 0; k < sizeof(triggers) / sizeof(*triggers); k++)
			if (!strcmp(triggers[k].name, deferred[i]))
				sb_printf(&sql, "%s;\n", triggers[k].sql);
	}
	rc = db_exec(s, sql.s, "cannot start a change", err);
	free(sql.s);
	return rc;
}

/* Inside a change: puts off the work of deferred[] on the rows added from
 * now on, until deferred_flush. */
static enum status deferred_begin(struct store *s, struct error *err)
{
	static const char sql[] = "SELECT (SELECT coalesce(max(id), 0) FROM records),"
	                          " (SELECT coalesce(max(id), 0) FROM disputes)";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	if ((src = sqlite3_step(st)) == SQLITE_ROW) {
		s->record_after = sqlite3_column_int64(st, 0);
		s->dispute_after = sqlite3_column_int64(st, 1);
	} else {
		rc = db_fail(s, src, "cannot read the journal", err);
	}
	sqlite3_finalize(st);
	if (rc == ST_OK && (rc = deferred_triggers(s, false, err)) == ST_OK)
		s->deferred = true;
	return rc;
}

/* Does what the change put off (store_commit calls it before it commits). */
static enum status deferred_flush(struct store *s, struct error *err)
{
	/* The new disputes' derived columns, as the stage triggers set them;
	 * then the counts, made again whole from what they count (the
	 * queries `verify` checks them by): whatever the change did, they
	 * come out right. */
	static const char derive_sql[] = "UPDATE disputes SET " DERIVED_SET_PLACE " WHERE id > ?1";
	static const char counts_sql[] =
		"DELETE FROM list_counts;"
		" INSERT INTO list_counts(prefix, n) SELECT " LIST_PREFIX("list_key") ", count(*) FROM disputes"
		"  WHERE list_key IS NOT NULL GROUP BY 1;"
		" DELETE FROM deadline_counts;"
		" INSERT INTO deadline_counts(day, minute, kind, n) SELECT day, minute, kind, count(*) FROM"
		"  (" DEADLINE_COUNTED ") GROUP BY 1, 2, 3;";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK;

	if (!s->deferred)
		return ST_OK;
	if ((rc = search_index_after(s, s->record_after, s->dispute_after, err)) != ST_OK)
		return rc;
	if (s->deferred_adds) {
		if ((rc = db_prepare(s, derive_sql, &st, err)) != ST_OK)
			return rc;
		bind_int(st, 1, s->dispute_after, &brc);
		rc = db_done(s, st, brc, "cannot save the change", err);
		sqlite3_finalize(st);
		if (rc != ST_OK || (rc = db_exec(s, counts_sql, "cannot save the change", err)) != ST_OK)
			return rc;
	}
	if ((rc = deferred_triggers(s, true, err)) != ST_OK)
		return rc;
	s->deferred = false;
	return ST_OK;
}

/* The end of a bulk change, committed or not: the connection's settings
 * as they were. */
static void bulk_end(struct store *s)
{
	if (!s->bulk)
		return;
	sqlite3_exec(s->db, "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
	s->bulk = false;
}

enum status store_begin_bulk(struct store *s, bool adds_disputes, struct error *err)
{
	enum status rc;

	/* Pages kept in memory until the commit are written once, not
	 * spilled into the WAL and written again; and the statement
	 * journals that the triggers need stay in memory (as temporary files
	 * they cost a million small writes for 40,000 rows).  SQLite reads
	 * temp_store when the transaction begins: so, before. */
	if (!s->readonly && !s->altered &&
	    (rc = db_exec(s, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", "cannot start a change",
	                  err)) != ST_OK)
		return rc;
	s->bulk = true;
	s->deferred_adds = adds_disputes;
	if ((rc = store_begin(s, err)) != ST_OK)
		bulk_end(s);
	else if ((rc = deferred_begin(s, err)) != ST_OK)
		store_rollback(s);
	return rc;
}

/* A failed COMMIT is rolled back here, so the caller is never left inside
 * a transaction it cannot finish; store_rollback afterwards is harmless. */
enum status store_commit(struct store *s, struct error *err)
{
	/* What a bulk change put off is done first, in the same change. */
	enum status rc = deferred_flush(s, err);

	if (rc == ST_OK)
		rc = db_exec(s, "COMMIT", "cannot save the change", err);
	if (rc != ST_OK)
		store_rollback(s);
	bulk_end(s);
	return rc;
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* The dropped triggers came back with the rollback; what the last
	 * search found may have held rows that are gone. */
	s->deferred = false;
	search_forget(s);
	bulk_end(s);
}
