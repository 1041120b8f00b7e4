/* Reports for the partnership: statistics for a period, the learning log, the referral proforma and CSV export. */
#ifndef DISPUTE_REPORT_H
#define DISPUTE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/calendar.h"
#include "dispute/dispute.h"
#include "dispute/layer.h"
#include "dispute/protocol.h"
#include "dispute/query.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_EXPORT | DISPUTE_LAYER_TUI | DISPUTE_LAYER_CLI)
#error "report.h is for the exports and the front ends that call them"
#endif

/* What a report reads besides the disputes, given by the caller: the
 * protocols (stage names, category labels, divisions), the working-day
 * calendar, and the day running stages are measured to. */
struct report_world {
	const struct protocol_set *protocols;
	const struct calendar *cal;
	long today;
};

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON, REPORT_MD };

/* Parses "text", "csv", "json", "md"; false for anything else. */
bool report_format_parse(const char *s, enum report_format *out);

/* One line of a count table: disputes per agency or category. */
struct report_count {
	char *key;              /* agency name, or category label (its key only when its protocol is not
	                           loaded): reports show what the user reads, never the key */
	char *label;            /* NULL (kept for the tables' shape) */
	int count;
};

/* Disputes whose last started stage is `stage`, by how they stand. */
struct report_stage_row {
	int stage;
	char *name;             /* NULL when the disputes counted here follow stages of different names */
	int by_status[4];       /* indexed by enum dispute_status: open, resolved, withdrawn, referred */
	int total;
};

/* A stage that ended (or, still running, is as of today) after its due
 * date, or a limit across stages (the whole process) that did. */
struct report_breach {
	char reference[16];
	char *protocol;
	int stage;              /* the stage's number on its route; 0 for a limit across stages */
	char *name;             /* the stage's (or the span's) name, NULL when the protocol is not loaded */
	long due;               /* the deadline in force: the protocol's own limit, or an earlier agreed date */
	long agreed;            /* met_late: the later date agreed (with a reason); else DATE_NONE */
	long ended;             /* DATE_NONE: still running, measured to today */
	int days_over;          /* working days from due to ended (or today); 0 when it ended on a non-working day */
};

/* An action the protocols ask for, on the stages the disputes reached. */
struct report_action {
	char *text;
	int asked;              /* stages reached whose checklist has it */
	int done;               /* of them, the stages where it was ticked done */
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
	struct report_breach *met_late;   /* stages that went past the protocol's own limit but met a later
	                                     date agreed with a reason: counted apart from the breaches */
	size_t nmet_late;
	struct report_count *raised_by, *against, *categories;
	size_t nraised_by, nagainst, ncategories;
	struct report_stage_row *stages;
	size_t nstages;
	struct report_breach *breaches;
	size_t nbreaches;
	struct report_build *build;  /* while being built: private to report.c */
	struct report_action *actions;   /* by how often asked, then by wording; the receiving agencies
	                                    above count every other agency of a dispute */
	size_t nactions;
	int actions_asked, actions_done; /* checklist items on the stages reached, and those done */
	int followups, followups_done;   /* follow-ups set on records, and those done */
};

/* The statistics are built from the disputes one at a time:
 * report_stats_begin, then report_stats_add for each dispute the filter
 * covers (a dispute_fn: the caller's read loop calls it), then
 * report_stats_end, which sorts the tables and returns the first failure
 * (rc, the read's own status, or a working-day count refused).  Working
 * days use each dispute's protocol's division; running stages are measured
 * to w->today.  w is borrowed until report_stats_end.  st is freed with
 * report_stats_free, also on failure. */
void report_stats_begin(struct report_stats *st, const struct report_filter *f, const struct report_world *w);
int report_stats_add(const struct dispute *d, void *st);
enum status report_stats_end(struct report_stats *st, enum status rc, struct error *err);
void report_stats_free(struct report_stats *st);

/* Appends the statistics to out as an aligned text report, as CSV
 * (section,item,label,stage,value,due,ended) or as one JSON object.
 * p is the filter's protocol (or NULL), for the heading. */
void report_stats_text(const struct report_stats *st, const struct protocol *p, struct sb *out);
void report_stats_csv(const struct report_stats *st, struct sb *out);
void report_stats_json(const struct report_stats *st, struct sb *out);

/* The learning log of the disputes f covers, appended to out in fmt
 * (text, csv or json); the subject only when include_subject.  As the
 * statistics: report_learning_begin, report_learning_add for each learning
 * row (a learning_fn), report_learning_end.  l is the writer's state. */
struct report_learning {
	const struct report_world *w;
	enum report_format fmt;
	bool subject;
	struct sb *sb;
	char last[16];          /* the dispute of the previous entry, for grouping the text */
	int records, disputes;
};
void report_learning_begin(struct report_learning *l, const struct report_filter *f, const struct report_world *w,
                           enum report_format fmt, bool include_subject, struct sb *out);
int report_learning_add(const struct learning_row *r, void *l);
void report_learning_end(struct report_learning *l);

/* Appends the referral proforma (Sunderland Appendix 1 fields) of dispute
 * d (p its protocol, or NULL), from its journal recs and the raising
 * agency's contacts, to out as text or md, headed with the protocol's
 * partnership.  Fields the journal cannot fill are blank lines to complete
 * by hand. */
enum status report_proforma(const struct dispute *d, const struct protocol *p, const struct record *recs,
                            size_t nrecs, const struct contact *contacts, size_t ncontacts, enum report_format fmt,
                            bool include_subject, struct sb *out, struct error *err);

/* The blank line a field left to be completed by hand is shown as. */
#define REPORT_BLANK "________________________________________"

/* CSV (RFC 4180): appends one field, quoted when it holds a comma, a
 * quote, CR or LF (quotes doubled); NULL is an empty field.  Text goes
 * through text_sanitize first, keeping newlines. */
void csv_field(struct sb *sb, const char *s);
/* Appends n fields separated by commas and ended by CRLF. */
void csv_row(struct sb *sb, int n, const char *const *cells);

#endif
