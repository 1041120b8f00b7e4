/* What the partnership reports read from the store: disputes opened in a period, the learning log, whole tables for export. */
#ifndef DISPUTE_STORE_REPORT_H
#define DISPUTE_STORE_REPORT_H

#include <stdbool.h>

#include "dispute/store.h"
#include "dispute/util.h"

/* Which disputes a report covers: those opened within [from, to], both
 * inclusive; DATE_NONE leaves that end open (so both DATE_NONE is all
 * time).  protocol NULL means every protocol, else the id (any case). */
struct report_filter {
	long from, to;
	const char *protocol;
};

void report_filter_init(struct report_filter *f);

/* Starts a read transaction so that several reads see one state of the
 * file, when the connection is not already inside a transaction; *own
 * says whether store_snapshot_end must finish it. */
enum status store_snapshot_begin(struct store *s, bool *own, struct error *err);
void store_snapshot_end(struct store *s, bool own);

/* Calls fn for each dispute the filter covers (with its stages, without
 * records), oldest opening date first, then by reference; stops early when
 * fn returns non-zero.  d is borrowed for the duration of the call. */
enum status store_report_disputes(struct store *s, const struct report_filter *f, store_list_fn fn, void *ctx,
                                  struct error *err);

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

typedef int (*store_learning_fn)(const struct learning_row *r, void *ctx);

/* Calls fn for each record of kind learning of the disputes the filter
 * covers, grouped by dispute (in store_report_disputes order) and oldest
 * first within one; stops early when fn returns non-zero. */
enum status store_report_learning(struct store *s, const struct report_filter *f, store_learning_fn fn, void *ctx,
                                  struct error *err);

/* The tables `dispute export --csv` writes, one file each. */
#define STORE_TABLES(X) \
	X(AGENCIES, "agencies") \
	X(CONTACTS, "contacts") \
	X(DISPUTES, "disputes") \
	X(STAGES,   "stages") \
	X(RECORDS,  "records") \
	X(CLOSURES, "closures")

enum store_table {
#define STORE_TABLE_ENUM(name, str) TABLE_##name,
	STORE_TABLES(STORE_TABLE_ENUM)
#undef STORE_TABLE_ENUM
	TABLE_COUNT
};

/* "agencies", "contacts", ... (static). */
const char *store_table_name(enum store_table t);

/* Receives one row of a table: n cells, NULL for an SQL NULL.  Borrowed
 * for the call; return non-zero to stop. */
typedef int (*store_row_fn)(int n, const char *const *cells, void *ctx);

/* Calls fn first with the column names, then once per row in key order.
 * Every column of the table is given, whatever the schema version, then
 * the names a spreadsheet reader needs beside the ids (the dispute
 * reference of a stage or record, the agency names of a dispute or
 * contact).  The disputes' subject column is left out unless
 * include_subject. */
enum status store_table_rows(struct store *s, enum store_table t, bool include_subject, store_row_fn fn, void *ctx,
                             struct error *err);

#endif
