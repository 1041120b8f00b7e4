/* Working days: weekends, bank holidays of a division, and closure days. */
#ifndef DISPUTE_CALENDAR_H
#define DISPUTE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/util.h"

/* The years a division's standing rules have been worked out for, kept
 * as they are asked for (calendar.c). */
struct cal_rule_cache;

/* One bank-holiday division ("england-and-wales", "scotland",
 * "northern-ireland"): its sorted holidays and the years they cover.  The
 * three UK divisions also know their standing rules (New Year, Easter,
 * May, August, Christmas, the substitute days and each one's own days):
 * a year outside the table is worked out from them, and the table wins
 * for the years it holds (one-off holidays, moved ones). */
struct cal_division {
	char *name;
	long *days;             /* sorted ascending, unique */
	char **titles;          /* parallel to days */
	size_t n, cap;
	int first_year, last_year;
	int rules;              /* which standing rules (calendar.c), 0 for none */
	struct cal_rule_cache *cache;   /* the rule years worked out so far (owned) */
	/* Working days counted over a window of years (the table's, and
	 * with rules some years either side of it): cum[i] is how many
	 * there are in [cum_first, cum_first + i], closure days left out,
	 * so the working days between two dates in it is one subtraction;
	 * outside it the rules are worked out a year at a time. */
	int *cum;
	long cum_first;
	size_t ncum;
};

/* A closure day of one agency (its own offices closed). */
struct cal_closure {
	long day;
	char *agency;
};

/* A view's closure days that the calendar it borrows its divisions from
 * counts as working days in one division (sorted): the borrowed cum[] counts
 * them, so the view's count up to a day is cum[] less how many of these
 * come on or before it. */
struct cal_extra {
	long *days;
	size_t n, cap;
};

/* The calendar owns everything it points at; calendar_free releases it.
 * It does no I/O: callers hand it the text of the holiday file. */
struct calendar {
	struct cal_division *div;
	size_t ndiv;
	long *closures;         /* closure days of every agency, all divisions; sorted */
	size_t nclosures, closures_cap;
	struct cal_closure *agency_closures;    /* closure days of one agency each, by day */
	size_t nagency_closures, agency_closures_cap;
	bool view;              /* div is borrowed from another calendar (calendar_view) */
	struct cal_extra *extra;        /* a view's: parallel to div; NULL otherwise */
};

void calendar_init(struct calendar *cal);
void calendar_free(struct calendar *cal);

/* Parses CSV text "date,division,title" (header line first, UTF-8, LF or
 * CRLF).  Errors name the line.  A division's covered years run from the
 * earliest to the latest year that has a holiday in it. */
enum status calendar_load_csv(struct calendar *cal, const char *text, size_t len,
                              const char *name, struct error *err);

/* Adds a closure day of every agency (no-op if already present). */
void calendar_add_closure(struct calendar *cal, long day);

/* Adds a closure day of one agency: not a working day for the deadlines
 * that agency must meet (dispute_calendar), and no other.  No-op if
 * already present (agency names compared ASCII case-insensitively). */
void calendar_add_agency_closure(struct calendar *cal, long day, const char *agency);

/* Makes view a calendar with cal's bank holidays (borrowed: cal must
 * outlive it, and get no closure days while it lives) and a copy of its
 * closure days of every agency, to which a caller adds more; no agency
 * closures.  The view keeps cal's constant-time counts and corrects them
 * for the days it adds (a binary search among those), so a view costs
 * the days it adds, not a recount of the years covered.  Free it with
 * calendar_free. */
void calendar_view(const struct calendar *cal, struct calendar *view);

/* Returns the division, or NULL if the calendar has no such division. */
const struct cal_division *calendar_division(const struct calendar *cal, const char *division);

/* Returns true when working days can be counted on day in the division:
 * a day of the years its table holds or, for a division with standing
 * rules, any day from year 1 to 9999. */
bool calendar_covers(const struct calendar *cal, const char *division, long day);

/* Whether the division's bank holidays of `year` are worked out from the
 * standing rules rather than read from the table. */
bool calendar_rule_year(const struct calendar *cal, const char *division, int year);

/* The first day of [from, to] (either order) whose year's bank holidays are
 * worked out from the standing rules, or DATE_NONE when every day of it
 * is in the table's years: what a command says once, so that nobody
 * takes a computed holiday for a published one. */
long calendar_rules_first(const struct calendar *cal, const char *division, long from, long to);

/* The words said once where a rule year is used: "bank holidays from
 * 2031-01-01 are worked out from the standing rules (the published table
 * holds 2018\u20132030)", first being calendar_rules_first's answer.
 * Returns out. */
char *calendar_rules_note(const struct calendar *cal, const char *division, long first, char *out, size_t outlen);

/* Sets *out to whether day is a working day.  Refuses (ST_INVALID) a day
 * the division cannot count (calendar_covers), or an unknown division. */
enum status calendar_is_workday(const struct calendar *cal, const char *division,
                                long day, bool *out, struct error *err);

/* Returns the holiday title for day in division, or NULL (borrowed). */
const char *calendar_holiday(const struct calendar *cal, const char *division, long day);

/* *out = the date n (>= 0) working days after from: the n-th working day
 * strictly after from.  n == 0 gives from itself.  Refuses dates whose
 * answer would leave the days the division can count. */
enum status workdays_add(const struct calendar *cal, const char *division,
                         long from, int n, long *out, struct error *err);

/* *out = the number of working days in (a, b]; negative -(working days in
 * (b, a]) when b < a.  So between(today, due) is the working days left,
 * and 0 when due is today. */
enum status workdays_between(const struct calendar *cal, const char *division,
                             long a, long b, int *out, struct error *err);

#endif
