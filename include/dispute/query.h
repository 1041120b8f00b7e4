/* What the front ends ask of the journal, as plain values the service and the store share: list filters and orders, report periods, contacts, drafts, learning rows and exported tables. */
#ifndef DISPUTE_QUERY_H
#define DISPUTE_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/text.h"
#include "dispute/util.h"

/* How a database file is opened. */
enum open_mode {
	OPEN_READ,        /* must exist at the current schema; opened read-only, never written */
	OPEN_WRITE,       /* must exist; read-write, migrated if old */
	OPEN_CREATE,      /* as OPEN_WRITE, and created (0600, in a 0700 directory) if missing */
	OPEN_INIT         /* as OPEN_CREATE, and an empty (0-byte) file is made a database: `dispute init` */
};

/* Filters for listing disputes.  All optional. */
enum list_which { LIST_ALL, LIST_OPEN, LIST_CLOSED };
enum list_order { ORDER_DUE, ORDER_REFERENCE, ORDER_OPENED, ORDER_AGENCY };

/* A category's label as its protocol gives it.  The database holds a
 * dispute's category key ("thresholds"); a search finds the words of the
 * label ("levels of need") too, through these. */
struct search_label {
	const char *protocol, *key, *label;
};

struct list_filter {
	enum list_which which;
	long due_from;          /* open disputes due on or after this (or with no due date), or DATE_NONE */
	long due_before;        /* open disputes with current due date < this, or DATE_NONE */
	long overdue_on;        /* open disputes whose deadline has passed on this day, or DATE_NONE */
	int overdue_minute;     /* with overdue_on: the time of day, so a timed deadline earlier
	                           today counts too (TIME_NONE: dates only) */
	bool overdue_not;       /* with overdue_on: the open disputes whose deadline has not passed */
	/* What the user typed to search for, or NULL: disputes where every
	 * word (each the start of a word: "lukas" finds "Łukasz") or "quoted
	 * phrase" is in one record, or in the particulars (reference,
	 * subject, agencies, category key or label, summary); case and
	 * accents do not matter.  What is typed is never taken as FTS5
	 * syntax: NEAR, OR, '*', '-', ':' and brackets are only text. */
	const char *search;
	const struct search_label *labels;  /* the categories' labels (the service adds them) */
	size_t nlabels;
	const char *protocol;
	enum list_order order;
	int offset, limit;      /* windowed reads; limit 0 = no limit */
	const char *mine;       /* a lead's name: the disputes they hold, and those no one holds yet */
	long attention_before;  /* open disputes with a stage deadline or a follow-up still to do due
	                           before this, or DATE_NONE */
	bool rows_only;         /* read only what a row of a list shows: of a dispute's lists, its
	                           further other agencies alone (no subjects, counterparts, checklist
	                           ticks or record details), so the dispute is not one to write back */
	bool rows_brief;        /* with rows_only, of its stages only what a row of the text list shows:
	                           the running stage's number, step and route, with the dispute's soonest
	                           running deadline (what DUE and LEFT show) as its due date, read with
	                           the dispute and no stage (the kind of that deadline is not kept) */
};

void list_filter_init(struct list_filter *f);

/* Receives one dispute (with its stages, without records), borrowed for
 * the call; returns non-zero to stop. */
typedef int (*dispute_fn)(const struct dispute *d, void *ctx);

/* The running deadlines of the open disputes (dispute_deadlines), for the
 * deadline board: those due in [from, before) (DATE_NONE: no bound),
 * soonest first (a time of day before the whole day, then by dispute, in
 * the order they were entered, and kind); an `inform` only on or after
 * `today`, the day it is for.  With no `before`, the open disputes with no
 * deadline at all come last ("none").  With passed_on, only those passed
 * by passed_minute on that day (as deadline_passed says), or with
 * passed_not only those not passed.  At most limit of them (0 = no
 * limit). */
struct deadline_filter {
	long today;
	long from, before;
	long passed_on;
	int passed_minute;      /* TIME_NONE: dates only */
	bool passed_not;
	int limit;
};

void deadline_filter_init(struct deadline_filter *f, long today);

/* Receives one deadline and its dispute (with its stages), borrowed for
 * the call; returns non-zero to stop. */
typedef int (*deadline_fn)(const struct dispute *d, const struct deadline *dl, void *ctx);

/* One thing due: a dispute's stage deadline, or a follow-up set on one of
 * its records.  Borrowed for the call. */
struct due_item {
	const struct dispute *d;                /* with its stages and lists */
	long due;
	int due_minute;                         /* TIME_NONE unless the deadline is timed */
	const struct record_detail *followup;   /* the follow-up, or NULL for the stage deadline */
};

/* Receives one thing due; returns non-zero to stop. */
typedef int (*due_fn)(const struct due_item *it, void *ctx);

/* One place a search matched in a dispute: a record, or a field of the
 * dispute's particulars.  Borrowed for the call of search_hit_fn. */
struct search_hit {
	long long record;       /* the record, or 0 for a particular */
	long day;               /* the record's date and time (TIME_NONE: none), and kind */
	int minute;
	enum record_kind kind;
	const char *field;      /* a particular: "reference", "subject", "raised_by", "against",
	                           "category" or "summary"; NULL for a record */
	const char *text;       /* the record's text or the field as stored, not sanitised; for a
	                           match of the category's label, the label */
	const struct text_span *spans;    /* the matched words in text, in order, apart */
	size_t nspans;
};

/* Receives one hit; returns non-zero to stop. */
typedef int (*search_hit_fn)(const struct search_hit *h, void *ctx);

/* Which disputes a report covers: those opened within [from, to], both
 * inclusive; DATE_NONE leaves that end open (so both DATE_NONE is all
 * time).  protocol NULL means every protocol, else the id (any case). */
struct report_filter {
	long from, to;
	const char *protocol;
};

void report_filter_init(struct report_filter *f);

/* A contact at an agency.  Owned strings; free with contact_free. */
struct contact {
	long long id;
	char *agency, *name, *role, *email, *phone;
};

void contact_free(struct contact *c);

/* The record draft being typed in the workbench, one per dispute, saved as
 * the user types so that a killed terminal loses nothing.  Owned strings;
 * free with draft_free. */
struct draft {
	long long dispute_id;
	enum record_kind kind;
	char *text;
	char *at;               /* the record's time as typed in the editor, or NULL */
	long long amends;       /* the record this one will correct, or 0 */
	char *history;          /* the editor's undo history and kill ring (opaque bytes), or NULL */
	size_t history_len;
};

void draft_init(struct draft *d);
void draft_free(struct draft *d);

/* One entry of the learning log; every pointer is borrowed for the call. */
struct learning_row {
	long long id;               /* the record's number */
	const char *reference, *protocol, *subject, *raised_by, *against, *category;
	const char *author, *text;
	long day;
	int minute;                 /* TIME_NONE when only the date is known */
	int stage;                  /* the stage the dispute was at when it was written */
	long long amends;           /* the record this one corrects, or 0 */
	long long amended_by;       /* the latest record correcting this one, or 0 */
};

typedef int (*learning_fn)(const struct learning_row *r, void *ctx);

/* The tables `dispute export --csv` writes, one file each. */
#define EXPORT_TABLES(X) \
	X(AGENCIES, "agencies") \
	X(CONTACTS, "contacts") \
	X(DISPUTES, "disputes") \
	X(STAGES,   "stages") \
	X(RECORDS,  "records") \
	X(CLOSURES, "closures") \
	X(DISPUTE_AGENCIES, "dispute_agencies") \
	X(DISPUTE_SUBJECTS, "dispute_subjects") \
	X(STAGE_COUNTERPARTS, "stage_counterparts") \
	X(ACTIONS_DONE, "actions_done") \
	X(RECORD_DETAILS, "record_details")

enum export_table {
#define EXPORT_TABLE_ENUM(name, str) TABLE_##name,
	EXPORT_TABLES(EXPORT_TABLE_ENUM)
#undef EXPORT_TABLE_ENUM
	TABLE_COUNT
};

/* "agencies", "contacts", ... (static). */
const char *export_table_name(enum export_table t);

/* Receives one row of a table: n cells, NULL for an SQL NULL.  Borrowed
 * for the call; return non-zero to stop. */
typedef int (*row_fn)(int n, const char *const *cells, void *ctx);

/* What `dispute verify` can find wrong. */
enum finding_kind {
	FIND_INTEGRITY,         /* SQLite's own check of the file, or a broken reference between tables */
	FIND_SCHEMA,            /* a trigger dropped, changed or added outside dispute */
	FIND_CHAIN,             /* a record changed, removed or not sealed */
	FIND_REPLAY             /* the disputes and stages tables disagree with the journal */
};

/* One finding; borrowed for the call of finding_fn. */
struct finding {
	enum finding_kind kind;
	long long record;       /* the record it is about, or 0 */
	const char *reference;  /* the dispute it is about, or NULL */
	const char *message;
};

/* Receives one finding; return non-zero to stop looking. */
typedef int (*finding_fn)(const struct finding *f, void *ctx);

/* Formats a finding's message and hands it to fn (when given); returns
 * what fn returns (0 without fn). */
int finding_say(finding_fn fn, void *ctx, enum finding_kind kind, long long record, const char *reference,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Receives each event of each dispute in the order written: record 0 and
 * state NULL for a dispute with no event that holds state.  Borrowed for
 * the call; return non-zero to stop. */
typedef int (*event_fn)(long long dispute_id, long long record, const char *state, void *ctx);

/* The newest seal of the journal: what a copy that left the machine can
 * be checked against later. */
struct journal_head {
	char hash[65];          /* lower-case hex; "" for an empty journal */
	long long record;       /* the record it seals, 0 for an empty journal */
	long long records;      /* how many records there are */
	bool broken;            /* (verify) the chain breaks after record: hash is the last good seal */
};

/* Where a seal given to `verify --head` stands in the journal. */
struct head_place {
	bool found;
	long long record;       /* the record it seals */
	char created[32];       /* when that record was written (UTC) */
	long long since;        /* records written after it */
};

#endif
