/* Unit tests for day numbers, weekdays, month arithmetic and strict date parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/date.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static long D(const char *s)
{
	long day = DATE_NONE;

	if (!date_parse(s, &day))
		fail_msg("test date %s does not parse", s);
	return day;
}

static void test_day_numbers(void **state)
{
	static const struct {
		int y, m, d;
		long day;
	} cases[] = {
		{1970, 1, 1, 0}, {1970, 1, 2, 1}, {1969, 12, 31, -1}, {2000, 3, 1, 11017},
		{2026, 12, 18, 20805}, {1, 1, 1, -719162}, {9999, 12, 31, 2932896},
		{2024, 2, 29, 19782}, {1600, 2, 29, -135081},
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		long day;
		int y, m, d;
		assert_true(date_from_ymd(cases[i].y, cases[i].m, cases[i].d, &day));
		assert_int_equal(day, cases[i].day);
		date_to_ymd(day, &y, &m, &d);
		assert_int_equal(y, cases[i].y);
		assert_int_equal(m, cases[i].m);
		assert_int_equal(d, cases[i].d);
	}
}

static void test_day_numbers_exhaustive(void **state)
{
	long first, last, prev;
	int y, m, d, wd;

	(void)state;
	assert_true(date_from_ymd(1600, 1, 1, &first));
	assert_true(date_from_ymd(2400, 12, 31, &last));
	prev = first - 1;
	wd = date_weekday(first);
	for (y = 1600; y <= 2400; y++) {
		for (m = 1; m <= 12; m++) {
			for (d = 1; d <= 31; d++) {
				long day;
				int yy, mm, dd;
				if (!date_from_ymd(y, m, d, &day))
					continue;
				assert_int_equal(day, prev + 1);
				date_to_ymd(day, &yy, &mm, &dd);
				assert_true(yy == y && mm == m && dd == d);
				assert_int_equal(date_weekday(day), wd);
				wd = (wd + 1) % 7;
				prev = day;
			}
		}
	}
	assert_int_equal(prev, last);
}

static void test_from_ymd_rejects(void **state)
{
	static const int bad[][3] = {
		{2026, 2, 29}, {2100, 2, 29}, {2026, 4, 31}, {2026, 13, 1}, {2026, 0, 1},
		{2026, 1, 0}, {2026, 1, 32}, {0, 1, 1}, {10000, 1, 1}, {-5, 1, 1},
	};
	long day = 42;

	(void)state;
	for (size_t i = 0; i < N(bad); i++)
		assert_false(date_from_ymd(bad[i][0], bad[i][1], bad[i][2], &day));
	assert_int_equal(day, 42);
	assert_true(date_from_ymd(2000, 2, 29, &day));
}

static void test_parse_format_round_trip(void **state)
{
	static const char *const ok[] = {
		"1970-01-01", "2026-02-28", "2024-02-29", "2000-02-29", "0001-01-01",
		"9999-12-31", "2030-12-31",
	};
	char buf[11];

	(void)state;
	for (size_t i = 0; i < N(ok); i++) {
		long day;
		assert_true(date_parse(ok[i], &day));
		assert_string_equal(date_format(day, buf), ok[i]);
	}
	assert_string_equal(date_format(DATE_NONE, buf), "");
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"2026-02-30", "yesterday", "2026-2-3", "2026-02-03x", "", "2026-02-3",
		"2026/02/03", " 2026-02-03", "2026-02-03 ", "20260203", "2026-13-01",
		"2026-00-10", "0000-01-01", "+026-02-03", "2026-02-+3", "2100-02-29",
		"2026-02-03T10:00", "２０２６-02-03",
	};
	long day = 7;

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		if (date_parse(bad[i], &day))
			fail_msg("date_parse accepted \"%s\"", bad[i]);
	}
	assert_false(date_parse(NULL, &day));
	assert_int_equal(day, 7);
}

static void test_datetime(void **state)
{
	static const struct {
		const char *in;
		const char *date;
		int minute;
		const char *out;
	} ok[] = {
		{"2026-03-04", "2026-03-04", TIME_NONE, "2026-03-04"},
		{"2026-03-04T00:00", "2026-03-04", 0, "2026-03-04T00:00"},
		{"2026-03-04T09:05", "2026-03-04", 9 * 60 + 5, "2026-03-04T09:05"},
		{"2026-03-04 23:59", "2026-03-04", 23 * 60 + 59, "2026-03-04T23:59"},
	};
	static const char *const bad[] = {
		"2026-03-04T24:00", "2026-03-04T12:60", "2026-03-04T9:05", "2026-03-04t09:05",
		"2026-03-04T09:05:00", "2026-03-04T09:05Z", "2026-02-30T09:05", "2026-03-04T",
		"2026-03-04  09:05", "2026-03-04T0905", "2026-03-04T-1:00",
	};
	char buf[17];

	(void)state;
	for (size_t i = 0; i < N(ok); i++) {
		long day;
		int minute;
		assert_true(datetime_parse(ok[i].in, &day, &minute));
		assert_int_equal(day, D(ok[i].date));
		assert_int_equal(minute, ok[i].minute);
		assert_string_equal(datetime_format(day, minute, buf), ok[i].out);
	}
	for (size_t i = 0; i < N(bad); i++) {
		long day;
		int minute;
		if (datetime_parse(bad[i], &day, &minute))
			fail_msg("datetime_parse accepted \"%s\"", bad[i]);
	}
}

static void test_weekday(void **state)
{
	static const struct {
		const char *date;
		int wd;
		const char *name;
	} cases[] = {
		{"1970-01-01", 3, "Thu"}, {"1969-12-31", 2, "Wed"}, {"2000-01-01", 5, "Sat"},
		{"2026-12-18", 4, "Fri"}, {"2026-12-20", 6, "Sun"}, {"2026-12-21", 0, "Mon"},
		{"2020-12-25", 4, "Fri"}, {"2022-09-19", 0, "Mon"}, {"1900-01-01", 0, "Mon"},
		{"0001-01-01", 0, "Mon"}, {"2030-12-31", 1, "Tue"},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		assert_int_equal(date_weekday(D(cases[i].date)), cases[i].wd);
		assert_string_equal(date_weekday_name(D(cases[i].date)), cases[i].name);
	}
}

static void test_add_months(void **state)
{
	static const struct {
		const char *from;
		int n;
		const char *to;
	} cases[] = {
		{"2026-01-31", 1, "2026-02-28"}, {"2028-01-31", 1, "2028-02-29"},
		{"2026-03-31", -1, "2026-02-28"}, {"2026-03-31", 1, "2026-04-30"},
		{"2026-12-15", 1, "2027-01-15"}, {"2026-01-15", -1, "2025-12-15"},
		{"2026-05-20", 12, "2027-05-20"}, {"2026-05-20", -13, "2025-04-20"},
		{"2024-02-29", 12, "2025-02-28"}, {"2024-02-29", 48, "2028-02-29"},
		{"2026-08-31", 0, "2026-08-31"}, {"2026-10-31", 4, "2027-02-28"},
		{"2000-01-01", -24, "1998-01-01"}, {"2026-01-30", 1, "2026-02-28"},
	};
	char buf[11];

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		assert_string_equal(date_format(date_add_months(D(cases[i].from), cases[i].n), buf),
		                    cases[i].to);
	assert_true(date_add_months(DATE_NONE, 1) == DATE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_day_numbers_exhaustive),
		cmocka_unit_test(test_from_ymd_rejects),
		cmocka_unit_test(test_parse_format_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_datetime),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_add_months),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
