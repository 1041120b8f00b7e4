/* The store: one private file holding agencies, contacts, disputes, stages and the append-only journal; only the service uses it. */
#ifndef DISPUTE_STORE_H
#define DISPUTE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/itip.h"
#include "dispute/layer.h"
#include "dispute/query.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_STORE | DISPUTE_LAYER_SERVICE)
#error "store.h belongs to the store and the service: a front end reads and writes through service.h"
#endif

/* Nothing here names SQLite: another backend can stand behind the same
 * functions. */

struct store;

/* Opens the database at path.  A file that is not a dispute database
 * (not SQLite, or SQLite without our schema and not empty) is refused and
 * never written.  A newer schema than this program knows is refused.
 * On success *out is owned by the caller; close with store_close. */
enum status store_open(const char *path, enum open_mode mode, struct store **out, struct error *err);
void store_close(struct store *s);

/* SQL statements run on the connection since it was opened: what a
 * workbench action costs, for the benchmark. */
long long store_statements(const struct store *s);

/* The schema version this program writes (PRAGMA user_version). */
int store_schema_version(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Every change below that writes more
 * than one row runs inside a transaction the caller opens, so a failure
 * leaves nothing half-written. */
/* Why the schema is not as dispute made it (a trigger dropped, changed
 * or added outside dispute), or NULL.  While it is set, every write is
 * refused with MEND_VERIFY; reads go on. */
const char *store_altered(const struct store *s);
enum status store_begin(struct store *s, struct error *err);
/* Begins a change that writes many rows (an import, invites in bulk), as
 * store_begin: with room to hold the whole change in memory, so that
 * pages are written once, at the commit, not spilled and written again;
 * and the search index taking the new records and disputes once, at the
 * commit, rather than a statement each (FTS5 writes out its pending words
 * at every statement).  With adds_disputes, also their derived columns
 * and the list's and board's counts, once.  Until the commit a search in
 * the same change does not find the new rows.  In such a change, stages
 * are added only to the disputes it adds, and nothing is renamed or
 * edited: it adds. */
enum status store_begin_bulk(struct store *s, bool adds_disputes, struct error *err);
enum status store_commit(struct store *s, struct error *err);
void store_rollback(struct store *s);

/* Inserts a new dispute with its stages; assigns d->id and d->reference
 * ("D-YYYY-NNNN", numbered within the year it was opened).  Agencies are
 * matched case-insensitively and created when new. */
enum status store_dispute_insert(struct store *s, struct dispute *d, struct error *err);

/* Writes back the dispute's mutable columns (status, closed, outcome,
 * outstanding, challenged, owner) and its stages (inserting new ones,
 * updating ended/how/due of existing ones), and its lists (other
 * agencies, which take their names as stored, subjects, counterparts,
 * checklist items done, what records name). */
enum status store_dispute_update(struct store *s, struct dispute *d, struct error *err);

/* Loads a dispute by reference (case-insensitive) into d (dispute_init'ed;
 * caller frees with dispute_free).  ST_NOTFOUND names the reference. */
enum status store_dispute_load(struct store *s, const char *reference, struct dispute *d, struct error *err);
enum status store_dispute_load_id(struct store *s, long long id, struct dispute *d, struct error *err);

/* Appends a journal record.  Sets r->id and r->created.  An amends id must
 * name a record of the same dispute. */
enum status store_record_insert(struct store *s, struct record *r, struct error *err);

/* Loads a dispute's records, oldest first, into a new array *out of *n
 * records (caller frees each with record_free, then the array). */
enum status store_records_load(struct store *s, long long dispute_id, struct record **out, size_t *n,
                               struct error *err);

/* Calls fn for each dispute matching f, in order; stops early when fn
 * returns non-zero.  d is borrowed for the duration of the call. */
enum status store_list(struct store *s, const struct list_filter *f, dispute_fn fn, void *ctx,
                       struct error *err);
/* Sets *out to the place (0-based) of the dispute `reference` in the list
 * f gives (offset/limit ignored), or -1 when it is not in it. */
enum status store_list_index(struct store *s, const struct list_filter *f, const char *reference, int *out,
                             struct error *err);
/* Counts the disputes matching f (offset/limit ignored). */
enum status store_count(struct store *s, const struct list_filter *f, int *out, struct error *err);

/* Calls fn for each running deadline f selects, in its order, at most
 * f->limit (as the deadlines view lists them, each kind read from its own
 * index); stops early when fn returns non-zero. */
enum status store_deadlines(struct store *s, const struct deadline_filter *f, deadline_fn fn, void *ctx,
                            struct error *err);
/* Counts them (limit ignored), from the counts kept by day and the
 * indexes of timed deadlines: never every open dispute. */
enum status store_deadline_count(struct store *s, const struct deadline_filter *f, int *out, struct error *err);

/* The follow-ups still to do on open disputes, due before `before`,
 * soonest first (then by reference and record), from the index of those
 * still to do: *count receives how many there are, and fn each of the
 * first `limit` (0: all) with its dispute (stages and lists). */
enum status store_followups_due(struct store *s, long before, int limit, due_fn fn, void *ctx, int *count,
                                struct error *err);
/* ---- search (store_search.c) ---- */

/* How many words and phrases the search text holds (0: nothing a search
 * can look for, such as "*" or "-"). */
enum status store_search_terms(struct store *s, const char *text, int *out, struct error *err);
/* How a list finds the disputes a search finds (store_search.c): read
 * whole from the index at once when the words are in at most `rows`
 * records (0: never); else looked at dispute by dispute down the list,
 * for at most `disputes` of them before it is read whole after all (a
 * count always reads it whole).  Read whole, at most `few` of them are
 * read by their ids; more are asked about dispute by dispute down the
 * list.  The defaults (STORE_SEARCH_ROWS, _DISPUTES and _FEW) suit a
 * partnership's register; tests set others to take each way. */
#define STORE_SEARCH_ROWS 20000
#define STORE_SEARCH_DISPUTES 256
#define STORE_SEARCH_FEW 4096
void store_search_limits(struct store *s, size_t rows, int disputes, size_t few);
/* Calls fn for each place the search text (with the categories' labels)
 * matches in the dispute dispute_id: the fields of its particulars first,
 * then its records, oldest first.  Stops early when fn returns non-zero. */
enum status store_search_hits(struct store *s, const char *text, const struct search_label *labels, size_t nlabels,
                              long long dispute_id, search_hit_fn fn, void *ctx, struct error *err);

/* Returns the agency's id, creating it if new (case-insensitive match). */
/* The agency's id, adding it when there is none of that name (matched
 * without regard to case); *spelling (when given; freed first) receives
 * the name as stored, the first spelling given. */
enum status store_agency_ensure(struct store *s, const char *name, long long *id, char **spelling,
                                struct error *err);
/* Calls fn(name, ctx) for each agency, by name. */
enum status store_agencies(struct store *s, int (*fn)(const char *name, void *ctx), void *ctx,
                           struct error *err);
enum status store_contact_insert(struct store *s, struct contact *c, struct error *err);
/* Loads all contacts (of one agency when agency is not NULL) into *out. */
enum status store_contacts_load(struct store *s, const char *agency, struct contact **out, size_t *n,
                                struct error *err);

/* Loads one contact by id (caller frees with contact_free); ST_NOTFOUND if none. */
enum status store_contact_get(struct store *s, long long id, struct contact *c, struct error *err);

/* Reads a database setting ("uid": this database's random identity, used
 * in calendar invite UIDs; "last-protocol": the protocol of the last dispute
 * opened in the workbench).  *value is a new string or NULL (caller frees). */
enum status store_meta_get(struct store *s, const char *key, char **value, struct error *err);

/* Closure days added by the user (offices closed), applied to every division. */
enum status store_closure_add(struct store *s, long day, const char *reason, struct error *err);
enum status store_closure_remove(struct store *s, long day, struct error *err);
/* Calls fn(day, reason, ctx) for each closure day in date order. */
enum status store_closures(struct store *s, int (*fn)(long day, const char *reason, void *ctx), void *ctx,
                           struct error *err);

/* Closure days of one agency (the agency is created when new): not working
 * days for the deadlines that agency must meet.  *spelling (when given;
 * freed first) receives the agency's name as stored. */
enum status store_agency_closure_add(struct store *s, long day, const char *agency, const char *reason,
                                     char **spelling, struct error *err);
enum status store_agency_closure_remove(struct store *s, long day, const char *agency, char **spelling,
                                        struct error *err);
/* Calls fn(day, agency, reason, ctx) for each, by day then agency. */
enum status store_agency_closures(struct store *s, int (*fn)(long day, const char *agency, const char *reason,
                                                               void *ctx),
                                  void *ctx, struct error *err);

enum status store_draft_put(struct store *s, const struct draft *d, struct error *err);
/* Fills *d (draft_init'ed by the caller) with the draft of dispute_id;
 * d->text stays NULL when there is none. */
enum status store_draft_get(struct store *s, long long dispute_id, struct draft *d, struct error *err);
enum status store_draft_clear(struct store *s, long long dispute_id, struct error *err);
/* Sets *dispute_id to a dispute with a pending draft, or 0 if none. */
enum status store_draft_any(struct store *s, long long *dispute_id, struct error *err);

/* Reads and writes a database setting (meta table).  *value is a new
 * string or NULL (caller frees). */
enum status store_meta_set(struct store *s, const char *key, const char *value, struct error *err);

/* ---- many disputes at once (store_import.c) ---- */

/* Statements prepared once and reused for every row of an import.  With
 * write, the transaction begins here (as store_begin_bulk, adding
 * disputes) and the journal's tip is read in it: records follow it one by
 * one; the caller commits (which does what the bulk change put off) or
 * rolls back after store_bulk_end (store_rollback, also when
 * store_bulk_begin failed). */
struct store_bulk;
enum status store_bulk_begin(struct store *s, bool write, struct store_bulk **out, struct error *err);
void store_bulk_end(struct store_bulk *b);
/* The agency's id and stored spelling (*spelling freed first, when
 * given); with add, a new agency is added; without, *id is 0 for one
 * not there. */
enum status store_bulk_agency(struct store_bulk *b, const char *name, bool add, long long *id, char **spelling,
                              struct error *err);
/* Whether a dispute has the reference (case-insensitive). */
enum status store_bulk_reference_taken(struct store_bulk *b, const char *ref, bool *taken, struct error *err);
/* The number the next dispute opened in year would take (D-YYYY-NNNN). */
enum status store_bulk_reference_next(struct store_bulk *b, int year, long long *next, struct error *err);
/* Moves the year's counter on to next when it is behind, so that a
 * dispute opened later does not take an imported reference. */
enum status store_bulk_reference_mark(struct store_bulk *b, int year, long long next, struct error *err);
/* Inserts d with the reference it holds and its stages; sets d->id and
 * takes the agencies' stored spelling (added when new). */
enum status store_bulk_dispute(struct store_bulk *b, struct dispute *d, struct error *err);
/* Appends an event record (no amends) to the chain; sets r->id and r->created. */
enum status store_bulk_record(struct store_bulk *b, struct record *r, struct error *err);

/* ---- the invite lifecycle (store_invite.c) ---- */

/* The rows of one dispute, by stage then attendee, into out (the caller
 * frees it with itip_log_free). */
enum status store_invites_load(struct store *s, long long dispute_id, struct itip_log *out, struct error *err);
/* The row that sent uid to attendee, into row (itip_sent_init'ed; freed
 * first), and its dispute; *dispute_id is 0 when there is none. */
enum status store_invite_find(struct store *s, const char *uid, const char *attendee, long long *dispute_id,
                              struct itip_sent *row, struct error *err);
/* Whether any invite went out under uid. */
enum status store_invite_uid_known(struct store *s, const char *uid, bool *known, struct error *err);
/* Writes row as the (dispute, stage, attendee) row, new or changed. */
enum status store_invite_put(struct store *s, long long dispute_id, const struct itip_sent *row, struct error *err);
/* The disputes where an invite may be owed (a REQUEST out, or a current
 * stage with a counterpart), by reference: a new array (caller frees). */
enum status store_invites_owed_disputes(struct store *s, long long **ids, size_t *n, struct error *err);

/* ---- reads for reports ---- */

/* Starts a read transaction so that several reads see one state of the
 * file, when the connection is not already inside a transaction; *own
 * says whether store_snapshot_end must finish it. */
enum status store_snapshot_begin(struct store *s, bool *own, struct error *err);
void store_snapshot_end(struct store *s, bool own);

/* Calls fn for each dispute the filter covers (with its stages, without
 * records), oldest opening date first, then by reference; stops early when
 * fn returns non-zero.  d is borrowed for the duration of the call. */
enum status store_report_disputes(struct store *s, const struct report_filter *f, dispute_fn fn, void *ctx,
                                  struct error *err);

/* Calls fn for each record of kind learning of the disputes the filter
 * covers, grouped by dispute (in store_report_disputes order) and oldest
 * first within one; stops early when fn returns non-zero. */
enum status store_report_learning(struct store *s, const struct report_filter *f, learning_fn fn, void *ctx,
                                  struct error *err);

/* Calls fn first with the column names, then once per row in key order.
 * Every column of the table is given, whatever the schema version, then
 * the names a spreadsheet reader needs beside the ids (the dispute
 * reference of a stage or record, the agency names of a dispute or
 * contact).  The disputes' subject column is left out unless
 * include_subject. */
enum status store_table_rows(struct store *s, enum export_table t, bool include_subject, row_fn fn, void *ctx,
                             struct error *err);

/* ---- verification (store_verify.c) ---- */

/* SQLite's integrity and foreign-key checks, and the schema's triggers
 * (store_altered): one finding each. */
enum status store_check_file(struct store *s, finding_fn fn, void *ctx, struct error *err);
/* Walks the hash chain from the first record, one finding per broken
 * link; head is the last good seal and how many records there are. */
enum status store_check_chain(struct store *s, finding_fn fn, void *ctx, struct journal_head *head,
                              struct error *err);
/* The newest record's seal, without walking the chain. */
enum status store_head(struct store *s, struct journal_head *head, struct error *err);
/* Where the seal hex (64 hex digits) stands; out->found is false when no
 * record has it (or hex is not a seal). */
enum status store_head_find(struct store *s, const char *hex, struct head_place *out, struct error *err);
/* The columns kept from the stages for the list and the board (current
 * stage, running due date, order key): one finding per dispute where they
 * do not follow. */
enum status store_check_derived(struct store *s, finding_fn fn, void *ctx, struct error *err);
/* The search index against what it indexes: one finding for a record or
 * dispute it leaves out or holds and should not (the index is kept by
 * triggers; a file written by a program that dropped them falls behind). */
enum status store_check_search(struct store *s, finding_fn fn, void *ctx, struct error *err);
/* Every dispute's events that hold state, per dispute in the order written. */
enum status store_events_each(struct store *s, event_fn fn, void *ctx, struct error *err);

/* ---- whole-file copies (store_backup.c) ---- */

/* Copies the database into the empty file at path (the caller makes it,
 * 0600, so that its mode does not follow the umask), as one consistent
 * snapshot, in rollback-journal mode so that it
 * is one self-contained file. */
enum status store_backup_to(struct store *s, const char *path, struct error *err);
/* Replaces the open database's content with the database at path. */
enum status store_restore_from(struct store *s, const char *path, struct error *err);

#endif
