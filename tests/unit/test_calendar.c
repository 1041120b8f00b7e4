/* Unit tests for working days over the shipped UK bank holiday data (run from the repo root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/calendar.h"
#include "dispute/date.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define EW "england-and-wales"
#define SC "scotland"
#define NI "northern-ireland"
#define HOLIDAYS "data/bank-holidays.csv"

static long D(const char *s)
{
	long day = DATE_NONE;

	if (!date_parse(s, &day))
		fail_msg("test date %s does not parse", s);
	return day;
}

/* Loads the shipped holiday file into a new calendar (caller frees). */
static struct calendar *load_shipped(void)
{
	struct calendar *cal = malloc(sizeof(*cal));
	struct error err;
	FILE *f = fopen(HOLIDAYS, "rb");
	char *text;
	long len;

	assert_non_null(cal);
	if (!f)
		fail_msg("cannot open %s: run the tests from the repository root", HOLIDAYS);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	text = malloc((size_t)len);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	calendar_init(cal);
	error_clear(&err);
	if (calendar_load_csv(cal, text, (size_t)len, HOLIDAYS, &err) != ST_OK)
		fail_msg("%s", err.msg);
	free(text);
	return cal;
}

static void free_shipped(struct calendar *cal)
{
	calendar_free(cal);
	free(cal);
}

static int group_setup(void **state)
{
	*state = load_shipped();
	return 0;
}

static int group_teardown(void **state)
{
	free_shipped(*state);
	return 0;
}

static void test_shipped_divisions(void **state)
{
	static const struct {
		const char *name;
		size_t n;
	} divs[] = {{EW, 107}, {NI, 133}, {SC, 121}};
	const struct calendar *cal = *state;

	assert_int_equal(cal->ndiv, 3);
	for (size_t i = 0; i < N(divs); i++) {
		const struct cal_division *dv = calendar_division(cal, divs[i].name);
		assert_non_null(dv);
		assert_int_equal(dv->n, divs[i].n);
		assert_int_equal(dv->first_year, 2018);
		assert_int_equal(dv->last_year, 2030);
		for (size_t j = 1; j < dv->n; j++)
			assert_true(dv->days[j - 1] < dv->days[j]);
	}
	assert_ptr_equal(calendar_division(cal, "Scotland"), calendar_division(cal, SC));
	assert_null(calendar_division(cal, "wales"));
	assert_null(calendar_division(cal, NULL));
}

static void test_holiday_titles(void **state)
{
	static const struct {
		const char *div, *date, *title;
	} cases[] = {
		{EW, "2020-12-25", "Christmas Day"},
		{EW, "2020-12-28", "Boxing Day (substitute day)"},
		{EW, "2021-12-27", "Christmas Day (substitute day)"},
		{EW, "2021-12-28", "Boxing Day (substitute day)"},
		{EW, "2022-01-03", "New Year\u2019s Day (substitute day)"},
		{EW, "2022-12-26", "Boxing Day"},
		{EW, "2022-12-27", "Christmas Day (substitute day)"},
		{EW, "2027-12-27", "Christmas Day (substitute day)"},
		{EW, "2027-12-28", "Boxing Day (substitute day)"},
		{EW, "2028-01-03", "New Year\u2019s Day (substitute day)"},
		{EW, "2019-04-19", "Good Friday"},
		{EW, "2019-04-22", "Easter Monday"},
		{EW, "2024-03-29", "Good Friday"},
		{EW, "2024-04-01", "Easter Monday"},
		{EW, "2026-04-03", "Good Friday"},
		{EW, "2026-04-06", "Easter Monday"},
		{EW, "2029-03-30", "Good Friday"},
		{EW, "2030-04-22", "Easter Monday"},
		{EW, "2020-05-08", "Early May bank holiday (VE day)"},
		{EW, "2022-06-02", "Spring bank holiday"},
		{EW, "2022-06-03", "Platinum Jubilee bank holiday"},
		{EW, "2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"},
		{EW, "2023-05-08", "Bank holiday for the coronation of King Charles III"},
		{SC, "2026-01-02", "2nd January"},
		{SC, "2026-11-30", "St Andrew\u2019s Day"},
		{SC, "2030-12-02", "St Andrew\u2019s Day (substitute day)"},
		{NI, "2026-03-17", "St Patrick\u2019s Day"},
		{NI, "2029-03-19", "St Patrick\u2019s Day (substitute day)"},
		{NI, "2026-07-13", "Battle of the Boyne (Orangemen\u2019s Day) (substitute day)"},
	};
	const struct calendar *cal = *state;

	for (size_t i = 0; i < N(cases); i++) {
		const char *t = calendar_holiday(cal, cases[i].div, D(cases[i].date));
		bool work = true;
		if (!t || strcmp(t, cases[i].title))
			fail_msg("%s %s: got \"%s\", want \"%s\"", cases[i].div, cases[i].date,
			         t ? t : "(none)", cases[i].title);
		assert_int_equal(calendar_is_workday(cal, cases[i].div, D(cases[i].date), &work,
		                                     NULL), ST_OK);
		assert_false(work);
	}
	assert_null(calendar_holiday(cal, EW, D("2026-01-02")));
	assert_null(calendar_holiday(cal, "wales", D("2026-12-25")));
}

static void test_is_workday(void **state)
{
	static const struct {
		const char *div, *date;
		bool work;
	} cases[] = {
		{EW, "2026-12-18", true},   /* Friday */
		{EW, "2026-12-19", false},  /* Saturday */
		{EW, "2026-12-20", false},  /* Sunday */
		{EW, "2020-05-04", true},   /* early May moved to VE day */
		{EW, "2022-05-30", true},   /* spring bank moved to the jubilee */
		{EW, "2026-01-02", true},
		{SC, "2026-01-02", false},
		{EW, "2026-03-17", true},
		{NI, "2026-03-17", false},
		{EW, "2026-04-06", false},
		{SC, "2026-04-06", true},   /* no Easter Monday in Scotland */
		{EW, "2026-08-03", true},
		{SC, "2026-08-03", false},  /* Scottish summer holiday is early August */
		{EW, "2026-08-31", false},
		{SC, "2026-08-31", true},
		{EW, "2026-07-13", true},
		{NI, "2026-07-13", false},
		{EW, "2018-01-01", false},
		{EW, "2018-01-02", true},
		{EW, "2030-12-31", true},
	};
	const struct calendar *cal = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct error err;
		bool work = !cases[i].work;
		error_clear(&err);
		if (calendar_is_workday(cal, cases[i].div, D(cases[i].date), &work, &err))
			fail_msg("%s %s: %s", cases[i].div, cases[i].date, err.msg);
		if (work != cases[i].work)
			fail_msg("%s %s: want %s", cases[i].div, cases[i].date,
			         cases[i].work ? "working day" : "not a working day");
	}
}

static void test_workdays_add(void **state)
{
	static const struct {
		const char *div, *from;
		int n;
		const char *to;
	} cases[] = {
		{EW, "2026-12-18", 5, "2026-12-29"},
		{EW, "2026-12-18", 0, "2026-12-18"},
		{EW, "2026-12-19", 0, "2026-12-19"},  /* n == 0 is from itself, even a Saturday */
		{EW, "2026-12-19", 1, "2026-12-21"},
		{EW, "2020-12-24", 1, "2020-12-29"},
		{EW, "2021-12-24", 1, "2021-12-29"},
		{EW, "2022-12-23", 1, "2022-12-28"},
		{EW, "2023-12-22", 2, "2023-12-28"},
		{EW, "2019-04-18", 1, "2019-04-23"},
		{EW, "2020-05-07", 1, "2020-05-11"},
		{EW, "2022-05-27", 1, "2022-05-30"},
		{EW, "2022-06-01", 1, "2022-06-06"},
		{EW, "2022-09-16", 1, "2022-09-20"},
		{EW, "2023-05-05", 1, "2023-05-09"},
		{EW, "2025-12-31", 1, "2026-01-02"},
		{SC, "2025-12-31", 1, "2026-01-05"},
		{NI, "2026-03-16", 1, "2026-03-18"},
		{EW, "2026-04-02", 1, "2026-04-07"},
		{SC, "2026-04-02", 1, "2026-04-06"},
		{NI, "2026-07-10", 1, "2026-07-14"},
		{SC, "2026-11-27", 1, "2026-12-01"},
		{EW, "2018-01-01", 1, "2018-01-02"},
		{SC, "2018-01-01", 1, "2018-01-03"},
		{EW, "2028-12-22", 10, "2029-01-10"},
		{SC, "2028-12-22", 10, "2029-01-11"},
		{NI, "2028-12-22", 10, "2029-01-10"},
		{EW, "2026-01-01", 250, "2026-12-24"},
		{EW, "2030-12-23", 3, "2030-12-30"},
		{EW, "2030-12-23", 4, "2030-12-31"},
	};
	const struct calendar *cal = *state;
	char buf[11];

	for (size_t i = 0; i < N(cases); i++) {
		struct error err;
		long out = DATE_NONE;
		error_clear(&err);
		if (workdays_add(cal, cases[i].div, D(cases[i].from), cases[i].n, &out, &err))
			fail_msg("%s %s + %d: %s", cases[i].div, cases[i].from, cases[i].n, err.msg);
		if (out != D(cases[i].to))
			fail_msg("%s %s + %d: got %s, want %s", cases[i].div, cases[i].from,
			         cases[i].n, date_format(out, buf), cases[i].to);
	}
}

static void test_workdays_between(void **state)
{
	static const struct {
		const char *div, *a, *b;
		int n;
	} cases[] = {
		{EW, "2026-12-18", "2026-12-29", 5},
		{EW, "2026-12-29", "2026-12-18", -5},
		{EW, "2026-12-18", "2026-12-18", 0},
		{EW, "2026-12-18", "2026-12-19", 0},
		{EW, "2026-12-19", "2026-12-21", 1},
		{EW, "2026-12-21", "2026-12-19", -1},
		{EW, "2026-12-24", "2026-12-28", 0},
		{EW, "2026-01-01", "2026-12-31", 253},
		{EW, "2018-01-01", "2030-12-31", 3285},
		{SC, "2018-01-01", "2030-12-31", 3271},
		{NI, "2018-01-01", "2030-12-31", 3259},
		{NI, "2030-12-31", "2018-01-01", -3259},
	};
	const struct calendar *cal = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct error err;
		int n = -999;
		error_clear(&err);
		if (workdays_between(cal, cases[i].div, D(cases[i].a), D(cases[i].b), &n, &err))
			fail_msg("%s %s..%s: %s", cases[i].div, cases[i].a, cases[i].b, err.msg);
		if (n != cases[i].n)
			fail_msg("%s %s..%s: got %d, want %d", cases[i].div, cases[i].a, cases[i].b,
			         n, cases[i].n);
	}
}

/* between(d, add(d, n)) == n for every covered day, and add lands on a working day. */
static void test_add_between_agree(void **state)
{
	static const char *const divs[] = {EW, SC, NI};
	static const int ns[] = {1, 2, 5, 14, 20};
	const struct calendar *cal = *state;
	long first = D("2018-01-01"), last = D("2030-11-15");

	for (size_t k = 0; k < N(divs); k++) {
		for (long day = first; day <= last; day++) {
			for (size_t j = 0; j < N(ns); j++) {
				long to;
				int back;
				bool work;
				assert_int_equal(workdays_add(cal, divs[k], day, ns[j], &to, NULL), ST_OK);
				assert_int_equal(calendar_is_workday(cal, divs[k], to, &work, NULL), ST_OK);
				assert_true(work);
				assert_int_equal(workdays_between(cal, divs[k], day, to, &back, NULL),
				                 ST_OK);
				assert_int_equal(back, ns[j]);
				assert_int_equal(workdays_between(cal, divs[k], to, day, &back, NULL),
				                 ST_OK);
				assert_int_equal(back, -ns[j]);
			}
		}
	}
}

static void test_closures(void **state)
{
	struct calendar *cal = load_shipped();
	long out;
	int n;
	bool work;

	(void)state;
	calendar_add_closure(cal, D("2026-12-31"));
	calendar_add_closure(cal, D("2026-12-24"));
	calendar_add_closure(cal, D("2026-12-24"));
	calendar_add_closure(cal, D("2026-12-30"));
	assert_int_equal(cal->nclosures, 3);
	assert_true(cal->closures[0] == D("2026-12-24"));
	assert_true(cal->closures[1] == D("2026-12-30"));
	assert_true(cal->closures[2] == D("2026-12-31"));

	assert_int_equal(workdays_add(cal, EW, D("2026-12-18"), 4, &out, NULL), ST_OK);
	assert_true(out == D("2026-12-29"));
	assert_int_equal(workdays_add(cal, EW, D("2026-12-18"), 5, &out, NULL), ST_OK);
	assert_true(out == D("2027-01-04"));
	assert_int_equal(workdays_between(cal, SC, D("2026-12-23"), D("2027-01-06"), &n, NULL),
	                 ST_OK);
	/* 29 Dec, 5 and 6 Jan: the closures count in Scotland too, and 4 Jan is
	 * Scotland's substitute for 2 January. */
	assert_int_equal(n, 3);
	assert_int_equal(calendar_is_workday(cal, NI, D("2026-12-24"), &work, NULL), ST_OK);
	assert_false(work);
	/* The counts kept for constant-time answers follow the closures:
	 * every span around them agrees with a count day by day. */
	for (long a = D("2026-12-01"); a <= D("2027-01-15"); a++)
		for (long b = a; b <= D("2027-01-15"); b += 3) {
			int want = 0;

			for (long d = a + 1; d <= b; d++) {
				assert_int_equal(calendar_is_workday(cal, EW, d, &work, NULL), ST_OK);
				want += work;
			}
			assert_int_equal(workdays_between(cal, EW, a, b, &n, NULL), ST_OK);
			assert_int_equal(n, want);
		}
	free_shipped(cal);
}

/* A view (one dispute's calendar: the closure days of the agencies that
 * must meet its deadlines added) borrows the divisions and their counts
 * and corrects them for its own days: its answers agree with a count day
 * by day, and the calendar it came from is left as it was. */
static void test_closures_view(void **state)
{
	struct calendar *cal = load_shipped();
	struct calendar view, nested;
	long out, want_day;
	int n, base_n;
	bool work;

	(void)state;
	calendar_add_closure(cal, D("2026-12-24"));
	assert_int_equal(workdays_between(cal, EW, D("2026-12-18"), D("2027-01-15"), &base_n, NULL), ST_OK);
	calendar_view(cal, &view);
	assert_true(view.view);
	/* a school's closure over the new year; a Saturday and Boxing Day change nothing */
	for (long day = D("2026-12-21"); day <= D("2027-01-05"); day++)
		calendar_add_closure(&view, day);
	calendar_add_closure(&view, D("2027-01-12"));
	assert_int_equal(workdays_add(&view, EW, D("2026-12-18"), 1, &out, NULL), ST_OK);
	assert_true(out == D("2027-01-06"));
	assert_int_equal(workdays_add(&view, EW, D("2026-12-18"), 5, &out, NULL), ST_OK);
	assert_true(out == D("2027-01-13"));  /* 6, 7, 8, 11 and 13 January: the 12th closed */
	assert_int_equal(workdays_between(&view, SC, D("2026-12-23"), D("2027-01-07"), &n, NULL), ST_OK);
	assert_int_equal(n, 2);  /* 6 and 7 January */
	for (long a = D("2026-12-01"); a <= D("2027-01-20"); a++)
		for (long b = a; b <= D("2027-01-20"); b += 2) {
			int want = 0;

			for (long d = a + 1; d <= b; d++) {
				assert_int_equal(calendar_is_workday(&view, EW, d, &work, NULL), ST_OK);
				want += work;
			}
			assert_int_equal(workdays_between(&view, EW, a, b, &n, NULL), ST_OK);
			assert_int_equal(n, want);
			assert_int_equal(workdays_between(&view, EW, b, a, &n, NULL), ST_OK);
			assert_int_equal(n, -want);
		}
	for (long a = D("2026-12-01"); a <= D("2027-01-10"); a++)
		for (int k = 0; k <= 12; k++) {
			int left = k;

			want_day = a;
			while (left > 0) {
				want_day++;
				assert_int_equal(calendar_is_workday(&view, EW, want_day, &work, NULL), ST_OK);
				left -= work;
			}
			assert_int_equal(workdays_add(&view, EW, a, k, &out, NULL), ST_OK);
			assert_true(out == want_day);
		}
	/* a view of a view keeps the first one's days and adds its own */
	calendar_view(&view, &nested);
	calendar_add_closure(&nested, D("2027-01-13"));
	assert_int_equal(workdays_add(&nested, EW, D("2026-12-18"), 5, &out, NULL), ST_OK);
	assert_true(out == D("2027-01-14"));
	assert_int_equal(workdays_add(&view, EW, D("2026-12-18"), 5, &out, NULL), ST_OK);
	assert_true(out == D("2027-01-13"));
	calendar_free(&nested);
	calendar_free(&view);
	/* the calendar the views came from counts as before */
	assert_int_equal(workdays_between(cal, EW, D("2026-12-18"), D("2027-01-15"), &n, NULL), ST_OK);
	assert_int_equal(n, base_n);
	assert_int_equal(workdays_add(cal, EW, D("2026-12-18"), 1, &out, NULL), ST_OK);
	assert_true(out == D("2026-12-21"));
	free_shipped(cal);
}

static void assert_invalid(enum status rc, const struct error *err, const char *want)
{
	assert_int_equal(rc, ST_INVALID);
	assert_int_equal(err->code, ST_INVALID);
	if (!strstr(err->msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, want);
}

/* Beyond the table's years the standing rules give the holidays: no date
 * of a UK division is refused for want of data any more. */
static void test_beyond_the_table(void **state)
{
	const struct calendar *cal = *state;
	struct error err;
	bool work;
	long out;
	int n;

	assert_true(calendar_covers(cal, EW, D("2018-01-01")));
	assert_true(calendar_covers(cal, SC, D("2030-12-31")));
	assert_true(calendar_covers(cal, EW, D("2017-12-31")));
	assert_true(calendar_covers(cal, NI, D("2031-01-01")));
	assert_true(calendar_covers(cal, NI, D("9999-12-31")));
	assert_false(calendar_covers(cal, "wales", D("2026-01-01")));
	assert_false(calendar_covers(cal, EW, DATE_NONE));
	assert_false(calendar_rule_year(cal, EW, 2018));
	assert_false(calendar_rule_year(cal, EW, 2030));
	assert_true(calendar_rule_year(cal, EW, 2031));
	assert_true(calendar_rule_year(cal, SC, 2017));
	assert_false(calendar_rule_year(cal, "wales", 2031));

	assert_int_equal(calendar_is_workday(cal, EW, D("2017-12-26"), &work, &err), ST_OK);
	assert_false(work);
	assert_string_equal(calendar_holiday(cal, EW, D("2017-12-25")), "Christmas Day");
	assert_int_equal(calendar_is_workday(cal, SC, D("2031-01-02"), &work, &err), ST_OK);
	assert_false(work);
	assert_int_equal(calendar_is_workday(cal, EW, D("2031-01-02"), &work, &err), ST_OK);
	assert_true(work);
	/* Christmas week 2030 into New Year's Day 2031, worked out */
	assert_int_equal(workdays_add(cal, EW, D("2030-12-23"), 5, &out, &err), ST_OK);
	assert_int_equal(out, D("2031-01-02"));
	assert_int_equal(workdays_add(cal, EW, D("2031-01-02"), 0, &out, &err), ST_OK);
	assert_int_equal(out, D("2031-01-02"));
	assert_int_equal(workdays_between(cal, EW, D("2030-12-01"), D("2031-01-02"), &n, &err), ST_OK);
	assert_int_equal(n, 21);
	assert_int_equal(workdays_between(cal, NI, D("2017-12-29"), D("2018-01-05"), &n, &err), ST_OK);
	assert_int_equal(n, 4);
	assert_invalid(workdays_add(cal, EW, DATE_NONE, 1, &out, &err), &err, "no date");
	assert_invalid(workdays_add(cal, EW, D("9999-12-31"), 1, &out, &err), &err,
	               "1 working day after 9999-12-31 falls after 9999-12-31");

	/* the first date of a range that is worked out from the rules */
	assert_int_equal(calendar_rules_first(cal, EW, D("2030-12-20"), D("2031-01-07")), D("2031-01-01"));
	assert_int_equal(calendar_rules_first(cal, EW, D("2031-01-07"), D("2030-12-20")), D("2031-01-01"));
	assert_int_equal(calendar_rules_first(cal, SC, D("2032-03-01"), D("2032-04-01")), D("2032-03-01"));
	assert_int_equal(calendar_rules_first(cal, NI, D("2017-12-29"), D("2018-01-03")), D("2017-12-29"));
	assert_int_equal(calendar_rules_first(cal, EW, D("2018-01-01"), D("2030-12-31")), DATE_NONE);
	assert_int_equal(calendar_rules_first(cal, "wales", D("2031-01-01"), D("2031-01-02")), DATE_NONE);
}

/* Each division's rules, year by year, beyond the table. */
static void test_rule_holidays(void **state)
{
	static const struct {
		const char *division, *day, *title;
	} want[] = {
		{ EW, "2031-01-01", "New Year\u2019s Day" },
		{ EW, "2031-04-11", "Good Friday" },
		{ EW, "2031-04-14", "Easter Monday" },
		{ EW, "2031-05-05", "Early May bank holiday" },
		{ EW, "2031-05-26", "Spring bank holiday" },
		{ EW, "2031-08-25", "Summer bank holiday" },
		{ EW, "2031-12-25", "Christmas Day" },
		{ EW, "2031-12-26", "Boxing Day" },
		{ EW, "2032-12-27", "Christmas Day (substitute day)" },
		{ EW, "2032-12-28", "Boxing Day (substitute day)" },
		{ EW, "2033-01-03", "New Year\u2019s Day (substitute day)" },
		{ SC, "2031-01-02", "2nd January" },
		{ SC, "2031-08-04", "Summer bank holiday" },
		{ SC, "2031-12-01", "St Andrew\u2019s Day (substitute day)" },
		{ SC, "2033-01-03", "New Year\u2019s Day (substitute day)" },
		{ SC, "2033-01-04", "2nd January (substitute day)" },
		{ NI, "2031-03-17", "St Patrick\u2019s Day" },
		{ NI, "2031-07-14", "Battle of the Boyne (Orangemen\u2019s Day) (substitute day)" },
		{ NI, "2031-08-25", "Summer bank holiday" },
		{ NI, "2040-04-02", "Easter Monday" },
	};
	static const struct {
		const char *division, *day;
	} workday[] = {
		{ SC, "2031-04-14" },       /* no Easter Monday in Scotland */
		{ EW, "2031-08-04" },       /* nor its first Monday of August elsewhere */
		{ SC, "2031-08-25" },
		{ EW, "2031-12-01" },       /* St Andrew's Day is Scotland's */
		{ EW, "2031-03-17" },       /* St Patrick's and the Boyne are Northern Ireland's */
		{ SC, "2031-07-14" },
		{ EW, "2033-01-04" },       /* 2 January is Scotland's */
	};
	const struct calendar *cal = *state;
	struct error err;
	bool work;

	for (size_t i = 0; i < N(want); i++) {
		const char *t = calendar_holiday(cal, want[i].division, D(want[i].day));

		if (!t || strcmp(t, want[i].title) != 0)
			fail_msg("%s %s: want \"%s\", got \"%s\"", want[i].division, want[i].day, want[i].title,
			         t ? t : "(a working day)");
		assert_int_equal(calendar_is_workday(cal, want[i].division, D(want[i].day), &work, &err), ST_OK);
		assert_false(work);
	}
	for (size_t i = 0; i < N(workday); i++) {
		assert_null(calendar_holiday(cal, workday[i].division, D(workday[i].day)));
		assert_int_equal(calendar_is_workday(cal, workday[i].division, D(workday[i].day), &work, &err), ST_OK);
		assert_true(work);
	}
}

/* The rules give the table's own years back, but for the one-off changes
 * the table holds: worked out for 2018-2030 (a table of one year long ago
 * makes them rule years) and compared day by day with the shipped file. */
static void test_rules_agree_with_table(void **state)
{
	static const char text[] = "date,division,title\n1990-01-01,england-and-wales,New Year\n"
	                           "1990-01-01,scotland,New Year\n1990-01-01,northern-ireland,New Year\n";
	static const struct {
		const char *division, *day;
	} one_off[] = {
		/* VE day moved the early May holiday; two in 2022 for the
		 * Jubilee (spring moved too), the Queen's funeral, the
		 * coronation, and Scotland's World Cup holiday */
		{ EW, "2020-05-04" }, { EW, "2020-05-08" }, { EW, "2022-05-30" }, { EW, "2022-06-02" },
		{ EW, "2022-06-03" }, { EW, "2022-09-19" }, { EW, "2023-05-08" },
		{ NI, "2020-05-04" }, { NI, "2020-05-08" }, { NI, "2022-05-30" }, { NI, "2022-06-02" },
		{ NI, "2022-06-03" }, { NI, "2022-09-19" }, { NI, "2023-05-08" },
		{ SC, "2020-05-04" }, { SC, "2020-05-08" }, { SC, "2022-05-30" }, { SC, "2022-06-02" },
		{ SC, "2022-06-03" }, { SC, "2022-09-19" }, { SC, "2023-05-08" }, { SC, "2026-06-15" },
	};
	const struct calendar *shipped = *state;
	static const char *const divs[] = { EW, SC, NI };
	struct calendar rules;
	struct error err;
	long first = D("2018-01-01"), last = D("2030-12-31");
	size_t differ = 0;

	calendar_init(&rules);
	assert_int_equal(calendar_load_csv(&rules, text, strlen(text), "one.csv", &err), ST_OK);
	for (size_t k = 0; k < N(divs); k++) {
		for (long day = first; day <= last; day++) {
			bool a = calendar_holiday(shipped, divs[k], day) != NULL;
			bool b = calendar_holiday(&rules, divs[k], day) != NULL;
			bool expected = false;
			char iso[11];

			if (a == b)
				continue;
			date_format(day, iso);
			for (size_t i = 0; i < N(one_off); i++)
				expected |= !strcmp(one_off[i].division, divs[k]) && !strcmp(one_off[i].day, iso);
			if (!expected)
				fail_msg("%s %s: the table says %s, the rules %s", divs[k], iso, a ? "holiday" : "working day",
				         b ? "holiday" : "working day");
			differ++;
		}
	}
	assert_int_equal(differ, N(one_off));
	calendar_free(&rules);
}

/* A division without standing rules still counts only its table's years. */
static void test_out_of_range(void **state)
{
	static const char text[] = "date,division,title\n2026-12-25,mars,Landing Day\n";
	struct calendar cal;
	struct error err;
	bool work;
	long out;

	(void)state;
	calendar_init(&cal);
	assert_int_equal(calendar_load_csv(&cal, text, strlen(text), "mars.csv", &err), ST_OK);
	assert_true(calendar_covers(&cal, "mars", D("2026-01-01")));
	assert_false(calendar_covers(&cal, "mars", D("2027-01-01")));
	assert_false(calendar_rule_year(&cal, "mars", 2027));
	assert_invalid(calendar_is_workday(&cal, "mars", D("2027-01-01"), &work, &err), &err,
	               "2027-01-01 is outside the years with bank holiday data for mars (2026\u20132026)");
	assert_invalid(workdays_add(&cal, "mars", D("2026-12-23"), 6, &out, &err), &err,
	               "6 working days after 2026-12-23 falls after 2026-12-31, outside the "
	               "years with bank holiday data for mars (2026\u20132026)");
	calendar_free(&cal);
}

static void test_unknown_division(void **state)
{
	const struct calendar *cal = *state;
	struct error err;
	bool work;
	long out;
	int n;

	assert_invalid(calendar_is_workday(cal, "wales", D("2026-01-05"), &work, &err), &err,
	               "unknown bank holiday division \"wales\" (known: england-and-wales, "
	               "northern-ireland, scotland)");
	assert_invalid(workdays_add(cal, "", D("2026-01-05"), 1, &out, &err), &err,
	               "unknown bank holiday division \"\"");
	assert_invalid(workdays_between(cal, "ireland", D("2026-01-05"), D("2026-01-06"), &n,
	                                &err), &err, "\"ireland\"");
}

static void test_negative_add(void **state)
{
	const struct calendar *cal = *state;
	struct error err;
	long out;

	assert_invalid(workdays_add(cal, EW, D("2026-01-05"), -1, &out, &err), &err,
	               "negative");
}

static void test_load_variants(void **state)
{
	/* BOM, CRLF, unsorted, a duplicate, a quoted title with a comma, no final newline. */
	static const char text[] =
		"\xEF\xBB\xBF" "date,division,title\r\n"
		"2026-12-25,test,Christmas Day\r\n"
		"\r\n"
		"2025-01-01,test,\"New Year, \"\"observed\"\"\"\r\n"
		"2026-12-25,test,Duplicate\r\n"
		"2026-05-04,other,Title, with comma";
	struct calendar cal;
	struct error err;
	const struct cal_division *dv;

	(void)state;
	calendar_init(&cal);
	if (calendar_load_csv(&cal, text, sizeof(text) - 1, "v.csv", &err))
		fail_msg("%s", err.msg);
	dv = calendar_division(&cal, "test");
	assert_non_null(dv);
	assert_int_equal(dv->n, 2);
	assert_true(dv->days[0] == D("2025-01-01") && dv->days[1] == D("2026-12-25"));
	assert_string_equal(dv->titles[0], "New Year, \"observed\"");
	assert_string_equal(dv->titles[1], "Christmas Day");
	assert_int_equal(dv->first_year, 2025);
	assert_int_equal(dv->last_year, 2026);
	assert_string_equal(calendar_holiday(&cal, "other", D("2026-05-04")), "Title, with comma");
	assert_true(calendar_covers(&cal, "other", D("2026-01-01")));
	assert_false(calendar_covers(&cal, "other", D("2025-12-31")));
	calendar_free(&cal);
}

static void test_load_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"date,division,title\n2026-01-01,x,New Year\n2026-02-30,x,Bad\n",
		 "t.csv:3: bad date \"2026-02-30\" (want YYYY-MM-DD)"},
		{"date,division,title\r\n2026-01-01,x,A\r\n\r\n01/02/2026,x,B\r\n",
		 "t.csv:4: bad date \"01/02/2026\" (want YYYY-MM-DD)"},
		{"date,division,title\n2026-01-01,x\n", "t.csv:2: missing title"},
		{"date,division,title\n2026-01-01,x,\n", "t.csv:2: missing title"},
		{"date,division,title\n2026-01-01\n", "t.csv:2: missing division"},
		{"date,division,title\n,x,A\n", "t.csv:2: missing date"},
		{"date,division,title\n2026-01-01,x,\"A\n", "t.csv:2: badly quoted title"},
		{"date,division,title\n\"2026-01-01\"x,x,A\n", "t.csv:2: badly quoted date"},
		{"date,division,title\n2026-01-01,x,\"A\",B\n",
		 "t.csv:2: unexpected text after the title"},
		{"date,division\n2026-01-01,x\n",
		 "t.csv:1: expected the header \"date,division,title\""},
		{"", "t.csv: empty file"},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct calendar cal;
		struct error err;
		calendar_init(&cal);
		error_clear(&err);
		assert_int_equal(calendar_load_csv(&cal, cases[i].text, strlen(cases[i].text),
		                                   "t.csv", &err), ST_INVALID);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(cal.ndiv, 0);  /* a bad file changes nothing */
		calendar_free(&cal);
	}
}

static void test_load_merges(void **state)
{
	static const char more[] = "date,division,title\n2031-01-01,england-and-wales,New Year\n";
	struct calendar *cal = load_shipped();
	const struct cal_division *dv;
	long out;

	(void)state;
	assert_int_equal(calendar_load_csv(cal, more, sizeof(more) - 1, "more.csv", NULL), ST_OK);
	dv = calendar_division(cal, EW);
	assert_int_equal(dv->n, 108);
	assert_int_equal(dv->last_year, 2031);
	assert_int_equal(workdays_add(cal, EW, D("2030-12-31"), 1, &out, NULL), ST_OK);
	assert_true(out == D("2031-01-02"));
	free_shipped(cal);
}

/* Working days counted day by day with calendar_is_workday, in (a, b]. */
static int count_by_day(const struct calendar *cal, const char *division, long a, long b)
{
	int want = 0;
	bool work;

	for (long d = a + 1; d <= b; d++) {
		assert_int_equal(calendar_is_workday(cal, division, d, &work, NULL), ST_OK);
		want += work;
	}
	return want;
}

/* The running count is kept for a window of years around the table (a
 * few thousand days a division, not the 3.65 million its rules cover);
 * beyond it the rules are worked out a year at a time.  Across the
 * window's edges, far beyond them and with closures out there, between
 * and add agree with a count day by day. */
static void test_window(void **state)
{
	static const char *const divisions[] = { EW, SC, NI };
	static const struct {
		const char *a, *b;
	} spans[] = {
		{ "2007-11-20", "2008-02-10" },     /* into the window from before it */
		{ "2040-11-20", "2041-02-10" },     /* out of it after */
		{ "2039-12-20", "2043-01-10" },     /* whole years beyond it */
		{ "1990-03-01", "2026-06-30" },     /* from far before into the table */
		{ "2026-01-02", "2400-12-31" },     /* centuries on */
		{ "9990-01-01", "9999-12-31" },     /* to the last day covered */
		{ "0001-01-01", "0003-06-30" },     /* from the first */
	};
	struct calendar *cal = load_shipped();
	struct calendar view;
	long out;
	int n;

	(void)state;
	calendar_add_closure(cal, D("2045-06-01"));      /* a Thursday */
	calendar_add_closure(cal, D("2045-06-03"));      /* a Saturday */
	calendar_add_closure(cal, D("2045-12-25"));      /* Christmas Day */
	calendar_add_closure(cal, D("2003-03-04"));      /* a Tuesday */
	for (size_t i = 0; i < N(divisions); i++) {
		const struct cal_division *dv = calendar_division(cal, divisions[i]);

		assert_non_null(dv);
		assert_true(dv->ncum <= 33 * 366);
		for (size_t k = 0; k < N(spans); k++) {
			long a = D(spans[k].a), b = D(spans[k].b), last = b;
			int want = count_by_day(cal, divisions[i], a, b);
			bool work = false;

			assert_int_equal(workdays_between(cal, divisions[i], a, b, &n, NULL), ST_OK);
			if (n != want)
				fail_msg("%s %s to %s: %d working days, by day %d", divisions[i], spans[k].a, spans[k].b, n,
				         want);
			assert_int_equal(workdays_between(cal, divisions[i], b, a, &n, NULL), ST_OK);
			assert_int_equal(n, -want);
			/* add lands on the last working day on or before b */
			while (calendar_is_workday(cal, divisions[i], last, &work, NULL) == ST_OK && !work)
				last--;
			assert_int_equal(workdays_add(cal, divisions[i], a, want, &out, NULL), ST_OK);
			if (want > 0 && out != last)
				fail_msg("%s %s + %d: got day %ld, want %ld", divisions[i], spans[k].a, want, out, last);
		}
	}
	/* the closures beyond the window count */
	assert_int_equal(workdays_between(cal, EW, D("2045-05-31"), D("2045-06-05"), &n, NULL), ST_OK);
	assert_int_equal(n, 2);
	assert_int_equal(workdays_add(cal, EW, D("2045-05-31"), 2, &out, NULL), ST_OK);
	assert_int_equal(out, D("2045-06-05"));
	/* A view's own closures: on a rule year's bank holiday in the window
	 * (nothing changes), on a working day of it, and beyond the window. */
	calendar_view(cal, &view);
	calendar_add_closure(&view, D("2035-08-27"));    /* Summer bank holiday, worked out */
	calendar_add_closure(&view, D("2035-08-28"));
	calendar_add_closure(&view, D("2045-06-06"));
	assert_int_equal(workdays_between(&view, EW, D("2035-08-24"), D("2035-08-29"), &n, NULL), ST_OK);
	assert_int_equal(n, 1);
	for (size_t k = 0; k < N(spans); k++) {
		long a = D(spans[k].a), b = D(spans[k].b);

		assert_int_equal(workdays_between(&view, EW, a, b, &n, NULL), ST_OK);
		assert_int_equal(n, count_by_day(&view, EW, a, b));
	}
	assert_int_equal(workdays_add(&view, EW, D("2045-06-02"), 2, &out, NULL), ST_OK);
	assert_int_equal(out, D("2045-06-07"));
	assert_int_equal(workdays_add(&view, EW, D("2035-08-24"), 2, &out, NULL), ST_OK);
	assert_int_equal(out, D("2035-08-30"));
	calendar_free(&view);
	free_shipped(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_divisions),
		cmocka_unit_test(test_holiday_titles),
		cmocka_unit_test(test_is_workday),
		cmocka_unit_test(test_workdays_add),
		cmocka_unit_test(test_workdays_between),
		cmocka_unit_test(test_add_between_agree),
		cmocka_unit_test(test_closures),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_beyond_the_table),
		cmocka_unit_test(test_rule_holidays),
		cmocka_unit_test(test_rules_agree_with_table),
		cmocka_unit_test(test_closures_view),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_unknown_division),
		cmocka_unit_test(test_negative_add),
		cmocka_unit_test(test_load_variants),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_merges),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
