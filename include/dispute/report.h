/* Reports for the partnership: statistics for a period, the learning log, the referral proforma and CSV export. */
#ifndef DISPUTE_REPORT_H
#define DISPUTE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/service.h"
#include "dispute/store_report.h"
#include "dispute/util.h"

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON, REPORT_MD };

/* Parses "text", "csv", "json", "md"; false for anything else. */
bool report_format_parse(const char *s, enum report_format *out);

/* One line of a count table: disputes per agency or category. */
struct report_count {
	char *key;              /* agency name, or category key */
	char *label;            /* category label; NULL for agencies, and for a key two protocols label differently */
	int count;
};

/* Disputes whose last started stage is `stage`, by how they stand. */
struct report_stage_row {
	int stage;
	char *name;             /* NULL when the disputes counted here follow stages of different names */
	int by_status[4];       /* indexed by enum dispute_status: open, resolved, withdrawn, referred */
	int total;
};

/* A stage that ended (or, still running, is as of today) after its due date. */
struct report_breach {
	char reference[16];
	char *protocol;
	int stage;
	char *name;             /* the stage's name, NULL when the protocol is not loaded */
	long due;
	long ended;             /* DATE_NONE: still running, measured to today */
	int days_over;          /* working days from due to ended (or today); 0 when it ended on a non-working day */
};

/* The statistics for one period.  Everything is owned by the struct; free
 * with report_stats_free.  Tables are sorted: counts most first (then by
 * name), stages by number, breaches by reference then stage. */
struct report_stats {
	long from, to;          /* the filter's period (DATE_NONE = open-ended) */
	long today;             /* running stages are measured to this day */
	char *protocol;         /* the filter's protocol id, or NULL for all */
	int disputes;
	int by_status[4];       /* indexed by enum dispute_status */
	int challenged;         /* disputes with a formal challenge */
	int urgent;
	int resolved_timed;     /* resolved disputes measured below */
	double median_days;     /* working days from opened to resolved (x.0 or x.5); 0 when none */
	int longest_days;
	char longest_reference[16];
	int breached_disputes;  /* disputes with at least one breach */
	struct report_count *raised_by, *against, *categories;
	size_t nraised_by, nagainst, ncategories;
	struct report_stage_row *stages;
	size_t nstages;
	struct report_breach *breaches;
	size_t nbreaches;
};

/* Computes the statistics of the disputes f covers, measuring working days
 * with each dispute's protocol's division and c's calendar, and running
 * stages to c->today.  This is what the workbench's report view calls.
 * out is filled (caller frees with report_stats_free, also on failure). */
enum status report_stats_build(struct ctx *c, const struct report_filter *f, struct report_stats *out,
                               struct error *err);
void report_stats_free(struct report_stats *st);

/* Appends the statistics to out as an aligned text report, as CSV
 * (section,item,label,stage,value,due,ended) or as one JSON object.
 * p is the filter's protocol (or NULL), for the heading. */
void report_stats_text(const struct report_stats *st, const struct protocol *p, struct sb *out);
void report_stats_csv(const struct report_stats *st, struct sb *out);
void report_stats_json(const struct report_stats *st, struct sb *out);

/* Appends the learning log of the disputes f covers to out in fmt (text,
 * csv or json); the subject only when include_subject. */
enum status report_learning(struct ctx *c, const struct report_filter *f, enum report_format fmt,
                            bool include_subject, struct sb *out, struct error *err);

/* Appends the referral proforma (Sunderland Appendix 1 fields) of dispute
 * ref to out, as text or md, headed with its protocol's partnership.
 * Fields the journal cannot fill are blank lines to complete by hand. */
enum status report_proforma(struct ctx *c, const char *ref, enum report_format fmt, bool include_subject,
                            struct sb *out, struct error *err);

/* The blank line a field left to be completed by hand is shown as. */
#define REPORT_BLANK "________________________________________"

/* CSV (RFC 4180): appends one field, quoted when it holds a comma, a
 * quote, CR or LF (quotes doubled); NULL is an empty field.  Text goes
 * through text_sanitize first, keeping newlines. */
void csv_field(struct sb *sb, const char *s);
/* Appends n fields separated by commas and ended by CRLF. */
void csv_row(struct sb *sb, int n, const char *const *cells);

/* Writes one CSV file per table (store_table_rows) into dir, created
 * 0700 when missing; each file is written 0600 under a temporary name, from
 * one read snapshot, and the files are renamed into place only when every
 * one was written and synced, so a failure while writing leaves the earlier
 * export as it was.  (The renames themselves are six steps: one failing,
 * which takes the directory changing underneath, is reported with the file
 * it stopped at.)  rows[t] receives the number of data rows of each table. */
enum status report_export_csv(struct ctx *c, const char *dir, bool include_subject, int rows[TABLE_COUNT],
                              struct error *err);

#endif
