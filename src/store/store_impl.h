/* What the store's files share and nothing above the store sees: the connection, the SQL helpers, the columns a dispute is read from. */
#ifndef DISPUTE_STORE_IMPL_H
#define DISPUTE_STORE_IMPL_H

#include <stdbool.h>

#include <sqlite3.h>

#include "dispute/store.h"

#define STORE_CACHE 64

struct store {
	sqlite3 *db;
	char *path;
	bool readonly;
	long long statements;   /* SQL statements run on the connection (for the benchmark) */
	char *altered;          /* why the schema is not as dispute made it, or NULL: writes are refused */
	int version;            /* the file's schema version as it stands (rising while it migrates) */
	/* Statements run once a row (a dispute's stages, a record's insert),
	 * prepared once for the connection: db_cached, db_keep. */
	struct { const char *sql; sqlite3_stmt *st; } cache[STORE_CACHE];
	int ncache;
	/* The first row of the list's window read last (store_list), so the
	 * next window is found from it instead of from the list's start. */
	struct {
		char *sig;              /* the filter it belongs to */
		char key[48];           /* its order key */
		int at;                 /* its position */
		long long changes, version;     /* the file as it was then */
	} anchor;
	fts5_tokenizer words;   /* the search index's tokenizer (store_search.c) ... */
	Fts5Tokenizer *tokenizer;   /* ... made with the index's options, or NULL before search_connect */
	struct search_cache *search;    /* the last search: its queries, what it found (store_search.c), or NULL */
	size_t search_rows;     /* store_search_limits */
	int search_disputes;
	size_t search_few;
	bool bulk;              /* in a change begun by store_begin_bulk ... */
	bool deferred;          /* ... what new rows after these ids need waits for ... */
	bool deferred_adds;     /* ... (their derived columns and counts too: it adds disputes) */
	long long record_after, dispute_after;  /* ... deferred_flush (store.c) */
};

/* The schema version from which a dispute has an owner and its lists
 * (extras): a migration's C step run on an older file reads disputes
 * without them. */
int store_extras_version(void);

/* The schema version from which a dispute and its stages have the
 * deadlines of migration 12 (its whole process, referral, routes...): a
 * migration's C step run on an older file reads them as none. */
int store_deadlines_version(void);

/* What the derived columns of a dispute held from migration 6: the running
 * stage's due date.  Part of migration 6 (DERIVED_SET_6's text was a
 * trigger's: never change it). */
#define CURRENT_STAGE "(SELECT max(number) FROM stages g WHERE g.dispute_id = disputes.id)"
#define CURRENT_DUE_6 \
	"(SELECT due FROM stages g WHERE g.dispute_id = disputes.id ORDER BY number DESC LIMIT 1)"
#define DERIVED_STAGE "coalesce(" CURRENT_STAGE ", 1)"
#define DERIVED_DUE_6 "CASE WHEN status = 'open' THEN " CURRENT_DUE_6 " END"
#define DERIVED_KEY_6 \
	"CASE WHEN status = 'open' THEN '0' || coalesce(" CURRENT_DUE_6 ", '9999-12-31') " \
	"ELSE '1' || (99999999 - CAST(replace(closed, '-', '') AS INTEGER)) END || reference"
#define DERIVED_SET_6 \
	"current_stage = " DERIVED_STAGE ", current_due = " DERIVED_DUE_6 ", list_key = " DERIVED_KEY_6

/* What the derived columns of a dispute hold, from its stages (the last
 * started is the current one), its status and its whole-process deadline:
 * the soonest running deadline (the stage's due date, or its follow-up
 * while none is agreed, its second timescale, its sub-deadline, the whole
 * process; dispute_deadlines in C, the deadlines view in SQL, but for the
 * day's `inform`) as its date and its time of day (NULL for the whole
 * day), and the list's order: open ones by its date (none last), then
 * closed ones, most recently closed first.  The soonest is the least of
 * the deadlines as points, "YYYY-MM-DD" and the minute in four digits
 * (1440 for the whole day, after every time of it; "9999-12-321440" for
 * none).  Part of migration 12 (the triggers' text: never change it);
 * verify holds the columns against the same expressions. */
#define CURRENT_POINT \
	"(SELECT min(CASE WHEN g.due IS NOT NULL THEN g.due || printf('%04d', coalesce(g.due_minute, 1440))" \
	" ELSE coalesce(g.follow_up || '1440', '9999-12-321440') END," \
	" coalesce(g.response_due || '1440', '9999-12-321440')," \
	" coalesce(g.then_due || printf('%04d', coalesce(g.then_minute, 1440)), '9999-12-321440')," \
	" coalesce(disputes.process_due || '1440', '9999-12-321440'))" \
	" FROM stages g WHERE g.dispute_id = disputes.id ORDER BY number DESC LIMIT 1)"
#define CURRENT_DUE "nullif(substr(" CURRENT_POINT ", 1, 10), '9999-12-32')"
#define CURRENT_MINUTE "nullif(CAST(substr(" CURRENT_POINT ", 11) AS INTEGER), 1440)"
#define DERIVED_DUE "CASE WHEN status = 'open' THEN " CURRENT_DUE " END"
#define DERIVED_MINUTE "CASE WHEN status = 'open' THEN " CURRENT_MINUTE " END"
#define DERIVED_KEY \
	"CASE WHEN status = 'open' THEN '0' || coalesce(" CURRENT_DUE ", '9999-12-31') " \
	"ELSE '1' || (99999999 - CAST(replace(closed, '-', '') AS INTEGER)) END || reference"
#define DERIVED_SET \
	"current_stage = " DERIVED_STAGE ", current_due = " DERIVED_DUE ", current_minute = " DERIVED_MINUTE \
	", list_key = " DERIVED_KEY

/* Where the running stage stands on the protocol's routes, kept beside
 * its number: its step (its number on its route; 0 when that is its
 * number) and its route (stage.route), NULL for a dispute with no stage.
 * A row of the text list shows these and the soonest deadline, and so
 * reads no stage (list_filter.rows_brief).  Part of migration 13 (the
 * triggers' text: never change it); verify holds the columns against it. */
#define CURRENT_OF_STAGE(col) \
	"(SELECT " col " FROM stages g WHERE g.dispute_id = disputes.id ORDER BY number DESC LIMIT 1)"
#define DERIVED_STEP CURRENT_OF_STAGE("step")
#define DERIVED_ROUTE CURRENT_OF_STAGE("route")
#define DERIVED_SET_PLACE DERIVED_SET ", current_step = " DERIVED_STEP ", current_route = " DERIVED_ROUTE

/* The schema version from which a dispute keeps its running stage's step
 * and route (migration 13). */
int store_place_version(void);

/* The part of a list key that the list's counts are kept by
 * (list_counts, migration 8): '0' and the due date of an open dispute
 * ('09999-12-31' with none), '1' and the inverted closing date of a closed
 * one.  Every range a list filter reads (store_dispute.c, key_range) starts
 * and ends on such a prefix, so a count of the disputes in a range is a sum
 * over the days in it.  Part of migration 8: never change it. */
#define LIST_PREFIX(k) "CASE WHEN " k " < '1' THEN substr(" k ", 1, 11) ELSE substr(" k ", 1, 9) END"

#define UTC_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* What deadline_counts counts, a row a deadline (day, minute, kind): the
 * running deadlines (the view of migration 12) and the follow-ups still
 * to do of open disputes.  The triggers keep the counts; `verify` and a
 * bulk change (store.c, deferred_flush) count them from this. */
#define DEADLINE_COUNTED \
	"SELECT due AS day, coalesce(minute, 1440) AS minute, kind FROM deadlines WHERE due IS NOT NULL" \
	" UNION ALL SELECT rd.next_due, 1440, 'next' FROM record_details rd JOIN disputes d ON d.id = rd.dispute_id" \
	" WHERE d.status = 'open' AND rd.next IS NOT NULL AND rd.done IS NULL"

#define DISPUTE_COLS_BASE \
	"d.id, d.reference, d.protocol, d.urgent, d.subject, ra.name, ag.name, d.category, " \
	"d.summary, d.opened, d.status, d.closed, d.outcome, d.outstanding, d.challenged, " \
	"d.current_stage"
#define DISPUTE_DRAFT ", EXISTS (SELECT 1 FROM drafts k WHERE k.dispute_id = d.id)"
/* What schema 11 added: the owner, and whether the dispute's lists hold
 * anything (extras are read only for those that do); a file older than
 * store_extras_version, which a migration's C step may read, has neither. */
#define DISPUTE_LISTS ", d.owner, d.lists"
/* What schema 12 added (store_deadlines_version). */
#define DISPUTE_DEADLINES ", d.process_due, d.inform_due, d.referred, d.referred_to"
#define DISPUTE_COLS DISPUTE_COLS_BASE DISPUTE_DRAFT DISPUTE_LISTS DISPUTE_DEADLINES
/* The same columns for a row of a list (list_filter.rows_only), from
 * DISPUTE_FROM_ROW: NULL where a row shows nothing (the subject, the
 * raising agency, the summary, outcome and outstanding issues, the
 * owner, who it was referred to), so that they are neither read nor
 * copied. */
#define DISPUTE_COLS_ROW_WITH(draft) \
	"d.id, d.reference, d.protocol, d.urgent, NULL, NULL, ag.name, d.category, " \
	"NULL, d.opened, d.status, d.closed, NULL, NULL, d.challenged, " \
	"d.current_stage" draft ", NULL, d.lists" DISPUTE_DEADLINES_ROW
#define DISPUTE_COLS_ROW DISPUTE_COLS_ROW_WITH(DISPUTE_DRAFT)
/* A row of the text list (list_filter.rows_brief) does not show whether
 * a draft is kept, and so does not ask. */
#define DISPUTE_COLS_BRIEF DISPUTE_COLS_ROW_WITH(", 0")
#define DISPUTE_DEADLINES_ROW ", d.process_due, d.inform_due, d.referred, NULL"
#define DISPUTE_FROM_ROW " FROM disputes d JOIN agencies ag ON ag.id = d.against"
#define DISPUTE_NCOLS 23
/* A file older than either: the deadlines come after the lists, so a file
 * without the lists has neither (and no migration's C step reads a file
 * that has the one without the other). */
#define DISPUTE_COLS_BEFORE_LISTS DISPUTE_COLS_BASE DISPUTE_DRAFT ", NULL, 0, NULL, NULL, NULL, NULL"
/* The same for reads that do not ask about drafts (reports). */
#define DISPUTE_COLS_NO_DRAFT DISPUTE_COLS_BASE ", 0" DISPUTE_LISTS DISPUTE_DEADLINES
#define DISPUTE_FROM \
	" FROM disputes d JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"

#define STAGE_COLS \
	"g.number, g.started, g.due, g.due_minute, g.due_agreed, g.due_reason, g.ended, g.how, g.sequence, " \
	"coalesce(g.contact_id, 0), g.limit_due, g.route, g.step, g.response_due, g.then_due, g.then_minute, " \
	"g.follow_up"
#define STAGE_FIRST DISPUTE_NCOLS       /* the first stage column after DISPUTE_COLS */
/* STAGE_COLS for list_filter.rows_brief, from the dispute alone: the
 * running stage's place, and the soonest running deadline as its due; for
 * a dispute with no stage its number is NULL, which reads as no stage. */
#define STAGE_COLS_BRIEF \
	"CASE WHEN d.current_step IS NOT NULL THEN d.current_stage END, NULL, d.current_due, d.current_minute, 0, " \
	"NULL, NULL, NULL, 0, 0, NULL, d.current_route, d.current_step, NULL, NULL, NULL, NULL"

#define STAGES_SELECT \
	"SELECT number, started, due, due_minute, due_agreed, due_reason, ended, how, sequence, " \
	"coalesce(contact_id, 0), limit_due, route, step, response_due, then_due, then_minute, follow_up " \
	"FROM stages WHERE dispute_id = ?1 ORDER BY number"
#define STAGES_SELECT_7 \
	"SELECT number, started, due, due_minute, due_agreed, due_reason, ended, how, sequence, " \
	"coalesce(contact_id, 0), limit_due, 0, 0, NULL, NULL, NULL, NULL " \
	"FROM stages WHERE dispute_id = ?1 ORDER BY number"

/* A new dispute's row and a stage's, the same for a command and an
 * import: the statements, and what binds their values (the dispute's
 * reference ref and its agencies' ids; a stage of dispute_id). */
#define DISPUTE_INSERT \
	"INSERT INTO disputes(reference, protocol, urgent, subject, raised_by, against, category," \
	" summary, opened, status, closed, outcome, outstanding, challenged, owner, lists, process_due," \
	" inform_due, referred, referred_to)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
#define STAGE_INSERT \
	"INSERT INTO stages(dispute_id, number, started, due, due_minute, due_agreed, due_reason," \
	" ended, how, sequence, contact_id, limit_due, route, step, response_due, then_due, then_minute," \
	" follow_up)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
void dispute_bind(sqlite3_stmt *st, const struct dispute *d, const char *ref, long long raised, long long against,
                  int *brc);
void stage_bind(sqlite3_stmt *st, long long dispute_id, const struct stage *g, int *brc);

/* Steps st, a statement of DISPUTE_COLS and STAGE_COLS (or their row and
 * brief forms) ordered by dispute then stage (the binds before it gave
 * brc), handing fn each dispute with
 * its stages and its lists (with rows_only, only what a row of a list
 * shows: list_filter.rows_only), read only for a dispute that has some, a
 * batch of disputes at a time: st has read a few disputes past the one fn
 * is handed, so fn must not change the database. */
enum status disputes_stream(struct store *s, sqlite3_stmt *st, int brc, bool rows_only, dispute_fn fn, void *ctx,
                            struct error *err);

/* An SQLite result code as a status and a message naming the file; what
 * says what was being done ("cannot save the dispute"). */
enum status db_fail(struct store *s, int rc, const char *what, struct error *err);
/* The refusal of any write to a database altered outside dispute. */
enum status store_refuse_altered(struct store *s, struct error *err);
/* sqlite3_exec and sqlite3_prepare_v2 with db_fail's messages. */
enum status db_exec(struct store *s, const char *sql, const char *what, struct error *err);
enum status db_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct error *err);
/* As db_prepare, for a statement run again and again: sql must be a static
 * string (it is known by its address), and the statement is prepared once
 * for the connection (SQLITE_PREPARE_PERSISTENT) and handed out reset.
 * While it is in use a second caller gets a statement of its own.  Give
 * either back with db_keep, never sqlite3_finalize. */
enum status db_cached(struct store *s, const char *sql, sqlite3_stmt **st, struct error *err);
/* Resets a statement from db_cached (its bindings cleared) for the next
 * caller, or finalizes one that is not kept; NULL is ignored. */
void db_keep(struct store *s, sqlite3_stmt *st);
/* Finalizes every kept statement (before the connection closes). */
void db_cache_clear(struct store *s);
/* Steps st once, unless the binds before it failed (brc): SQLITE_ROW,
 * SQLITE_DONE, or the error. */
int db_step(sqlite3_stmt *st, int brc);
/* Steps a statement that returns no rows: ST_OK, or db_fail's status. */
enum status db_done(struct store *s, sqlite3_stmt *st, int brc, const char *what, struct error *err);

/* Binders that do nothing once *rc holds an error, so a run of binds is
 * checked once at the end.  NULL text and DATE_NONE / TIME_NONE bind NULL. */
void bind_text(sqlite3_stmt *st, int i, const char *v, int *rc);
void bind_int(sqlite3_stmt *st, int i, long long v, int *rc);
void bind_date(sqlite3_stmt *st, int i, long day, int *rc);
void bind_minute(sqlite3_stmt *st, int i, int minute, int *rc);
/* The same for a named parameter, when the statement has it. */
void bind_named_text(sqlite3_stmt *st, const char *name, const char *v, int *rc);
void bind_named_date(sqlite3_stmt *st, const char *name, long day, int *rc);

/* A new copy of a text column (caller frees), or NULL for SQL NULL. */
char *col_dup(sqlite3_stmt *st, int i);
/* A date column: DATE_NONE for NULL; *bad is set for text that is not a date. */
long col_date(sqlite3_stmt *st, int i, bool *bad);
/* A time-of-day column: TIME_NONE for NULL. */
int col_minute(sqlite3_stmt *st, int i);
/* Every record kind, RK_EVENT included (record_kind_parse takes only what
 * a user may type). */
bool kind_from_name(const char *s, enum record_kind *out);

/* A multi-row change: inside the caller's transaction when there is one
 * (as a savepoint, so a failure undoes only this change), else in its own
 * BEGIN IMMEDIATE; change_end commits or rolls back and returns rc (or
 * the commit's failure). */
enum status change_begin(struct store *s, bool *own, struct error *err);
enum status change_end(struct store *s, bool own, enum status rc, struct error *err);

/* ---- the journal's hash chain (store_chain.c) ---- */

#define CHAIN_HASH_LEN 32
#define CHAIN_HEX_LEN 64
/* The columns of a record that its seal covers, in the order they are
 * sealed; a record read with these columns first can be sealed again. */
#define CHAIN_COLUMNS "id, dispute_id, day, minute, kind, stage, author, text, amends, created, state"
#define CHAIN_NCOLUMNS 11

/* out = SHA-256 of the canonical form of values[] (NULL: SQL NULL) after
 * the previous record's seal prev; lengths[i] is the length of values[i]
 * (lengths NULL: each is a C string). */
void chain_seal(const unsigned char prev[CHAIN_HASH_LEN], const char *const values[CHAIN_NCOLUMNS],
                const size_t lengths[CHAIN_NCOLUMNS], unsigned char out[CHAIN_HASH_LEN]);
/* The seal of the row st holds, its CHAIN_COLUMNS from column first on. */
void chain_row_seal(sqlite3_stmt *st, int first, const unsigned char prev[CHAIN_HASH_LEN],
                    unsigned char out[CHAIN_HASH_LEN]);
/* The name of the first sealed column of the row whose value is not of
 * the type dispute writes (an integer stored as text, text as a blob, a
 * NULL where there must be a value), or NULL when all are. */
const char *chain_row_types(sqlite3_stmt *st, int first);
void chain_hex(const unsigned char hash[CHAIN_HASH_LEN], char out[CHAIN_HEX_LEN + 1]);
/* Migration 7: seals the records written before the chain. */
enum status chain_seal_existing(struct store *s, struct error *err);

/* ---- the search index (store_search.c) ---- */

/* x with the Latin letters that the index's tokenizer leaves as they are
 * spelt in plain letters: unicode61's remove_diacritics folds the letters
 * that Unicode decomposes (é, â, ŵ, Ś), not ł, ø, æ, ß, đ and their like,
 * so without this "lukasz" would not find "Łukasz".  Plain SQL, so that a
 * program writing the file without dispute keeps the index in step.  Each
 * replacement is letters for a letter, so the words of the folded text
 * are the words of x, in the same places: a match's position in the index
 * is a position among the stored text's own words.  The letters of names
 * in use; rarer ones (ŀ, ĳ, ŋ, ŧ, ĸ, ª) are left for SQLite's parser,
 * which takes only so many calls one inside another.  Part of migration 10
 * (views and triggers hold its text): never change it. */
#define SEARCH_FOLD(x) \
	"replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(" \
	"replace(replace(replace(replace(replace(replace(replace(replace(replace(" x \
	", 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th')" \
	", 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i')" \
	", 'Ł', 'l'), 'ł', 'l'), 'Œ', 'oe'), 'œ', 'oe')"

/* SEARCH_FOLD as one call of a function of this program's connections,
 * which gives the same text (each of its letters for the same plain
 * letters; none of those is in another's replacement, so in one pass or
 * nineteen it is the same) without copying the text nineteen times: for
 * this program's own reading of the words (search_index_after, the words
 * of one dispute a search spells its prefixes from).  Triggers, views
 * and migrations keep the plain SQL. */
#define SEARCH_FOLD_C(x) "dispute_fold(" x ")"

/* The key of a record in the index, from its columns (prefix "NEW." in a
 * trigger, "" in the view): the dispute's id in the high 32 bits and the
 * record's in the low ones, so that the index yields a match's dispute
 * without reading the record, and a dispute's records as one range of
 * keys.  Record ids stay below 2^32 and dispute ids below 2^31. */
#define SEARCH_RECORD_KEY(p) "((" p "dispute_id << 32) | " p "id)"
#define SEARCH_RECORD_ID_BITS 0xffffffffLL

/* The indexed values of a dispute's particulars, from expressions for
 * its id, reference, subject, agencies (raising, and disagreed with),
 * category, summary and protocol.  The reference (D-YYYY-NNNN) and the
 * category's key are the program's own words, not folded.  The last
 * column (tag) is the category as one word that only a search for its
 * label asks for: the database holds the key, the protocol files the
 * label. */
#define SEARCH_DISPUTE_COLUMNS "reference, subject, raised_by, against, category, summary, tag"
#define SEARCH_TAG(protocol, category) "hex(lower(" protocol ") || ':' || lower(" category "))"
#define SEARCH_DISPUTE_VALUES(id, ref, subject, raised, against, category, summary, protocol) \
	SEARCH_DISPUTE_VALUES_BY(SEARCH_FOLD, id, ref, subject, raised, against, category, summary, protocol)
/* The same, folded by FOLD: SEARCH_FOLD, or SEARCH_FOLD_C. */
#define SEARCH_DISPUTE_VALUES_BY(FOLD, id, ref, subject, raised, against, category, summary, protocol) \
	id ", " ref ", " FOLD(subject) ", " FOLD(raised) ", " FOLD(against) ", " category ", " FOLD(summary) ", " \
	SEARCH_TAG(protocol, category)

/* The key of a further other agency or subject in the index of those
 * (others_fts, migration 11), from its columns (prefix "NEW."/"OLD." in a
 * trigger): the dispute's id above 8 bits, 128 for a subject, then its
 * position (2..99); the value is its name or case reference, folded. */
#define SEARCH_OTHER_KEY(p, subject) "((" p "dispute_id << 8) | " subject " | " p "position)"
#define SEARCH_OTHER_BITS 8

/* Connects the connection to the search index: its tokenizer (for what a
 * user types) and the dispute_spans() function (where words matched). */
enum status search_connect(struct store *s, struct error *err);
void search_disconnect(struct store *s);
/* Drops what the last search found (a rollback may have taken rows it
 * found away). */
void search_forget(struct store *s);

/* What a list filter's search asks of the index, as its FTS5 queries (the
 * records' is also the one of the further agencies and subjects)
 * (store_search.c makes them from what the user typed; nothing typed is
 * ever passed as FTS5 syntax). */
struct search_cache;
struct search_plan {
	bool active;            /* the filter searches */
	bool none;              /* ... for nothing that is a word: it matches no dispute */
	bool found;             /* SEARCH_FOUND says which disputes it finds */
	const char *ids;        /* ... or, when they are few, SEARCH_FOUND_FEW: their ids as a JSON array
	                           (the cache's) */
	struct search_cache *cache; /* the search (store_search.c), held */
	char *records;          /* the query of records_fts */
	char *disputes;         /* the query of disputes_fts */
};

/* The plan of a search (inactive without text); `whole` when what it is
 * for needs every dispute the search finds (a count) rather than the
 * first in a list's order.  Free with search_plan_free. */
enum status search_plan_make(struct store *s, const char *text, const struct search_label *labels, size_t nlabels,
                             bool whole, struct search_plan *out, struct error *err);
/* Whether the plan's disputes have been read whole from the index, and
 * then how many there are. */
bool search_plan_whole(const struct search_plan *p, size_t *n);
void search_plan_free(struct search_plan *p);
/* The disputes the plan finds, as an SQL fragment: their ids when they
 * are few (SEARCH_FOUND_FEW, when plan.ids), the search's own
 * function (SEARCH_FOUND, when plan.found, with the parameter
 * :search_found: the disputes read whole from the index, or each looked
 * at alone until then), or "d.id IN (...)" with the parameters :search_records
 * and :search_disputes; search_plan_bind binds them. */
#define SEARCH_FOUND "dispute_found(:search_found, d.id)"
/* A few disputes found (plan.ids): the list can start from them. */
#define SEARCH_FOUND_FEW "d.id IN (SELECT value FROM json_each(:search_ids))"
#define SEARCH_MATCHES \
	"d.id IN (SELECT rowid >> 32 FROM records_fts WHERE records_fts MATCH :search_records" \
	" UNION SELECT rowid FROM disputes_fts WHERE disputes_fts MATCH :search_disputes" \
	" UNION SELECT rowid >> 8 FROM others_fts WHERE others_fts MATCH :search_records)"
void search_plan_bind(sqlite3_stmt *st, const struct search_plan *p, int *rc);

/* Indexes for search the records and disputes after those ids, one
 * statement each (a bulk change's, store.c deferred_flush). */
enum status search_index_after(struct store *s, long long record_after, long long dispute_after, struct error *err);

#endif
