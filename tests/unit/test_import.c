/* Unit tests for reading CSV (cells, line numbers, refusals) and the import's fields, map files, headers, dates and references. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/csvin.h"
#include "dispute/date.h"
#include "dispute/import.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every record as "LINE:cell|cell|...\n", a cell's line breaks as \n. */
static int collect(const struct csvin_record *r, void *arg)
{
	struct sb *sb = arg;

	sb_printf(sb, "%ld:", r->line);
	for (size_t i = 0; i < r->ncells; i++) {
		if (i)
			sb_append(sb, "|");
		for (const char *c = r->cells[i]; *c; c++)
			sb_append(sb, *c == '\n' ? "\\n" : *c == '\r' ? "\\r" : (char[]){ *c, 0 });
	}
	sb_append(sb, "\n");
	return 0;
}

static void test_csv_records(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a,b\nc,d\n", "1:a|b\n2:c|d\n" },
		{ "a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n" },
		{ "a,b\rc,d", "1:a|b\n2:c|d\n" },
		{ "a,b", "1:a|b\n" },
		{ "\xEF\xBB\xBFref,x\n1,2\n", "1:ref|x\n2:1|2\n" },
		{ "\"a,b\",\"say \"\"hi\"\"\"\n", "1:a,b|say \"hi\"\n" },
		{ "\"two\nlines\",x\nnext,y\n", "1:two\\nlines|x\n3:next|y\n" },
		{ "\"two\r\nlines\",x\r\nnext,y\r\n", "1:two\\r\\nlines|x\n3:next|y\n" },
		{ "a\n\n\nb\n", "1:a\n4:b\n" },
		{ "a\r\n\r\n,,,\r\nb\r\n", "1:a\n4:b\n" },
		{ "  padded  , \"kept \" \n", "1:padded|kept \n" },
		{ "a,,c\n", "1:a||c\n" },
		{ "", "" },
		{ "\xEF\xBB\xBF", "" },
		{ "Siân,Łukasz,Zoë\n", "1:Siân|Łukasz|Zoë\n" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct sb sb = {0};
		struct error err;
		long line = -1;

		assert_int_equal(csvin_read(cases[i].in, strlen(cases[i].in), collect, &sb, &line, &err), ST_OK);
		assert_string_equal(sb.s ? sb.s : "", cases[i].want);
		free(sb.s);
	}
}

static void test_csv_refused(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		long line;
		const char *msg;
	} cases[] = {
		{ "a,b\nc,d\"e\n", 0, 2, "a quote out of place" },
		{ "a,\"b\"c\n", 0, 1, "a quote out of place" },
		{ "a\n\"b\nc\nd", 0, 2, "a quoted cell is not closed" },
		{ "a,\"b\n\nc", 0, 1, "a quoted cell is not closed" },
		{ "a\nb\0c\n", 6, 2, "a NUL byte" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct sb sb = {0};
		struct error err;
		long line = -1;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);

		assert_int_equal(csvin_read(cases[i].in, len, collect, &sb, &line, &err), ST_INVALID);
		assert_int_equal(line, cases[i].line);
		assert_non_null(strstr(err.msg, cases[i].msg));
		free(sb.s);
	}
}

static int stop_after_one(const struct csvin_record *r, void *arg)
{
	(void)r;
	++*(int *)arg;
	return 1;
}

static void test_csv_stop(void **state)
{
	struct error err;
	long line;
	int n = 0;

	(void)state;
	assert_int_equal(csvin_read("a\nb\nc\n", 6, stop_after_one, &n, &line, &err), ST_OK);
	assert_int_equal(n, 1);
}

static void test_slots(void **state)
{
	char buf[40];

	(void)state;
	assert_int_equal(import_slot_find("reference"), IF_REFERENCE);
	assert_int_equal(import_slot_find("formal_challenge"), IF_CHALLENGED);
	assert_int_equal(import_slot_find("stage.2.started"), import_stage_slot(2, ISF_STARTED));
	assert_int_equal(import_slot_find("stage.20.due_reason"), import_stage_slot(20, ISF_DUE_REASON));
	assert_int_equal(import_slot_find("working_days_left"), -1);
	assert_int_equal(import_slot_find("stages"), -1);
	assert_int_equal(import_slot_find("stage.3.sequence"), -1);
	assert_int_equal(import_slot_find("stage.21.started"), -2);
	assert_int_equal(import_slot_find("stage.0.started"), -2);
	assert_int_equal(import_slot_find("stage.02.started"), -2);
	assert_int_equal(import_slot_find("stage.2.begun"), -2);
	assert_int_equal(import_slot_find("Reference"), -2);
	assert_string_equal(import_slot_name(import_stage_slot(3, ISF_DUE_AGREED), buf, sizeof(buf)), "stage.3.due_agreed");
	assert_string_equal(import_slot_name(IF_OPENED, buf, sizeof(buf)), "opened");
}

static enum status map(const char *text, struct import_map *m, struct error *err)
{
	return import_map_parse("m.map", text, strlen(text), m, err);
}

static void test_map(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "[columns]\nrefrence = Ref\n", "m.map:2: no field 'refrence'" },
		{ "[columns]\nworking_days_left = Left\n", "m.map:2: working_days_left follows from the other fields" },
		{ "[columns]\nopened = A\nopened = B\n", "m.map:3: opened is given twice in [columns]" },
		{ "[columns]\nopened =\n", "m.map:2: opened: no heading given" },
		{ "[format]\ndate_format = dd/mm/yy\n", "m.map:2: date_format 'dd/mm/yy' is not a date format" },
		{ "[format]\ndate_format = dd/dd/yyyy\n", "m.map:2: date_format 'dd/dd/yyyy' is not a date format" },
		{ "[format]\nzone = UTC\n", "m.map:2: [format] has only date_format, not 'zone'" },
		{ "[status]\nClosed = done\n", "m.map:2: Closed = done: a status is open, resolved" },
		{ "\n[sheet]\na = b\n", "m.map:3: no section [sheet]" },
		{ "[columns]\njust words\n", "m.map:2: not a 'field = heading' line or a [section]" },
	};
	struct import_map m;
	struct error err;

	(void)state;
	assert_int_equal(map("# a comment\n[columns]\nreference = Ref No\nstage.2.started = Escalated: stage 2\n"
	                     "[defaults]\nprotocol = north-wales\n[format]\ndate_format = dd/mm/yyyy\n"
	                     "[status]\nClosed - agreed = resolved\n", &m, &err), ST_OK);
	assert_string_equal(m.column[IF_REFERENCE], "Ref No");
	assert_int_equal(m.column_line[IF_REFERENCE], 3);
	assert_string_equal(m.column[import_stage_slot(2, ISF_STARTED)], "Escalated: stage 2");
	assert_string_equal(m.dflt[IF_PROTOCOL], "north-wales");
	assert_string_equal(m.date_format, "D/M/Y");
	assert_int_equal(m.nwords, 1);
	assert_string_equal(m.words[0].word, "Closed - agreed");
	import_map_free(&m);
	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(map(bad[i].text, &m, &err), ST_INVALID);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("map %zu: got \"%s\", want \"%s...\"", i, err.msg, bad[i].msg);
		import_map_free(&m);
	}
}

static void test_header(void **state)
{
	char *plain[] = { "reference", "protocol", "subject", "raised_by", "against", "category", "summary", "opened",
	                  "stage_count", "stage.3.started" };
	char *sheet[] = { "Ref No", "Date raised", "RAG", "subject", "raised_by", "against", "category", "summary" };
	char *unknown[] = { "Ref No", "protocol", "protocol" };
	struct import_columns c;
	struct import_map m;
	struct error err;

	(void)state;
	assert_int_equal(import_columns_read(NULL, plain, N(plain), &c, &err), ST_OK);
	assert_int_equal(c.col[IF_REFERENCE], 0);
	assert_int_equal(c.col[IF_OPENED], 7);
	assert_int_equal(c.col[import_stage_slot(3, ISF_STARTED)], 9);
	assert_int_equal(c.col[IF_CLOSED], -1);
	assert_int_equal(c.top_stage, 3);
	import_columns_free(&c);

	assert_int_equal(map("[columns]\nreference = ref no\nopened = Date raised\n[defaults]\nprotocol = sunderland\n",
	                     &m, &err), ST_OK);
	assert_int_equal(import_columns_read(&m, sheet, N(sheet), &c, &err), ST_OK);
	assert_int_equal(c.col[IF_REFERENCE], 0);
	assert_int_equal(c.col[IF_OPENED], 1);
	assert_int_equal(c.col[IF_PROTOCOL], -1);
	assert_string_equal(c.dflt[IF_PROTOCOL], "sunderland");
	import_columns_free(&c);
	import_map_free(&m);

	assert_int_equal(import_columns_read(NULL, unknown, N(unknown), &c, &err), ST_INVALID);
	assert_string_equal(err.msg, "the column 'Ref No' is no field of 'dispute list --json': name the fields in a map "
	                    "file (--map); the field of 'protocol' is given by another column too; no column gives "
	                    "'subject', 'raised_by', 'against', 'category', 'summary', 'opened' (a dispute needs them)");
}

static void test_values(void **state)
{
	static const struct {
		const char *format, *in, *want;
	} dates[] = {
		{ NULL, "2027-01-22", "2027-01-22" }, { NULL, "22/01/2027", NULL }, { NULL, "2027-02-29", NULL },
		{ "dd/mm/yyyy", "22/01/2027", "2027-01-22" }, { "dd/mm/yyyy", "2/1/2027", "2027-01-02" },
		{ "dd/mm/yyyy", "2027-01-22", "2027-01-22" }, { "dd/mm/yyyy", "31/02/2027", NULL },
		{ "dd/mm/yyyy", "22/01/27", NULL }, { "dd/mm/yyyy", "22/01/2027 00:00", NULL },
		{ "dd/mm/yyyy", "22-01-2027", NULL }, { "dd/mm/yyyy", "122/01/2027", NULL },
		{ "mm/dd/yyyy", "01/22/2027", "2027-01-22" }, { "dd.mm.yyyy", "22.01.2027", "2027-01-22" },
		{ "yyyy/mm/dd", "2027/01/22", "2027-01-22" },
	};
	struct import_map m;
	struct error err;
	enum dispute_status st;
	long long number;
	char buf[11];
	long day;
	bool b;
	int year;

	(void)state;
	for (size_t i = 0; i < N(dates); i++) {
		char text[64];
		bool ok;

		import_map_init(&m);
		if (dates[i].format) {
			snprintf(text, sizeof(text), "[format]\ndate_format = %s\n", dates[i].format);
			assert_int_equal(map(text, &m, &err), ST_OK);
		}
		ok = import_date(dates[i].format ? &m : NULL, dates[i].in, &day);
		if (ok != (dates[i].want != NULL))
			fail_msg("%s as %s: %s", dates[i].in, dates[i].format ? dates[i].format : "ISO", ok ? "read" : "refused");
		if (ok)
			assert_string_equal(date_format(day, buf), dates[i].want);
		import_map_free(&m);
	}
	assert_true(import_bool("Yes", &b) && b);
	assert_true(import_bool("FALSE", &b) && !b);
	assert_true(import_bool("0", &b) && !b);
	assert_false(import_bool("maybe", &b));
	assert_int_equal(map("[status]\nClosed = resolved\n", &m, &err), ST_OK);
	assert_true(import_status(&m, "Closed", &st) && st == DS_RESOLVED);
	assert_true(import_status(&m, "Withdrawn", &st) && st == DS_WITHDRAWN);
	assert_false(import_status(&m, "closed", &st));
	assert_false(import_status(NULL, "Closed", &st));
	import_map_free(&m);
	assert_true(import_reference_ok("HP-01"));
	assert_true(import_reference_ok("D-2026-0001"));
	assert_true(import_reference_ok("a.b_c"));
	assert_false(import_reference_ok(""));
	assert_false(import_reference_ok("-x"));
	assert_false(import_reference_ok("PD/2024/017"));
	assert_false(import_reference_ok("1234567890123456"));
	assert_false(import_reference_ok("Siân"));
	assert_true(import_reference_number("D-2026-0042", &year, &number) && year == 2026 && number == 42);
	assert_true(import_reference_number("d-2025-12345", &year, &number) && year == 2025 && number == 12345);
	assert_false(import_reference_number("D-2026-0042a", &year, &number));
	assert_false(import_reference_number("D-26-0042", &year, &number));
	assert_false(import_reference_number("HP-01", &year, &number));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_records),
		cmocka_unit_test(test_csv_refused),
		cmocka_unit_test(test_csv_stop),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
