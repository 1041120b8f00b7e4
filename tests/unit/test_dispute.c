/* Unit tests for the domain rules (opening, escalating, due dates, closing, refusals) over the shipped protocols and bank holidays. */
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
#include "dispute/dispute.h"
#include "dispute/journal.h"
#include "dispute/protocol.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define PROTOCOLS "data/protocols"
#define HOLIDAYS "data/bank-holidays.csv"
#define REF "D-2026-0001"

/* Every expected date below was worked out by hand and checked with
 * python3's datetime against data/bank-holidays.csv (england-and-wales):
 * 2026-12-25 Fri, 2026-12-28 Mon (Boxing Day substitute), 2027-01-01 Fri,
 * 2027-03-26 Good Friday, 2027-03-29 Easter Monday, 2027-05-03 Early May. */

struct fx {
	struct protocol_set set;
	struct calendar cal;
};

static long D(const char *s)
{
	long day = DATE_NONE;

	if (!s)
		return DATE_NONE;
	if (!date_parse(s, &day))
		fail_msg("test date %s does not parse", s);
	return day;
}

/* Compares two day numbers, printing both as dates on failure. */
#define assert_day(got, want) assert_day_at((got), (want), __FILE__, __LINE__)
static void assert_day_at(long got, long want, const char *file, int line)
{
	char a[11], b[11];

	if (got != want) {
		fail_msg("%s:%d: got date '%s' (%ld), want '%s' (%ld)", file, line, date_format(got, a), got,
		         date_format(want, b), want);
	}
}

/* Asserts rc is code and the message is exactly msg. */
#define assert_fails(rc, err, code, msg) assert_fails_at((rc), &(err), (code), (msg), __FILE__, __LINE__)
static void assert_fails_at(enum status rc, const struct error *err, enum status code, const char *msg,
                            const char *file, int line)
{
	if (rc != code)
		fail_msg("%s:%d: status %s, want %s (message: %s)", file, line, status_name(rc), status_name(code),
		         err->msg);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("%s:%d: message\n  got  \"%s\"\n  want \"%s\"", file, line, err->msg, msg);
}

#define assert_ok(rc, err) assert_ok_at((rc), &(err), __FILE__, __LINE__)
static void assert_ok_at(enum status rc, const struct error *err, const char *file, int line)
{
	if (rc != ST_OK)
		fail_msg("%s:%d: status %s: %s", file, line, status_name(rc), err->msg);
}

static int group_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct error err;
	struct sb sb = {0};
	char buf[4096];
	size_t n;
	FILE *fp;

	protocol_set_init(&f->set);
	calendar_init(&f->cal);
	fp = fopen(HOLIDAYS, "rb");
	if (!fp) {
		fprintf(stderr, "cannot open %s (run the tests from the repository root)\n", HOLIDAYS);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_appendn(&sb, buf, n);
	fclose(fp);
	if (calendar_load_csv(&f->cal, sb.s, sb.len, HOLIDAYS, &err) != ST_OK) {
		fprintf(stderr, "%s\n", err.msg);
		free(sb.s);
		return -1;
	}
	free(sb.s);
	/* After the calendar: a protocol's division is checked against it. */
	if (protocol_set_load_dir(&f->set, PROTOCOLS, &f->cal, &err) != ST_OK || f->set.n != 5 || f->set.nproblems) {
		fprintf(stderr, "cannot load %s (run the tests from the repository root)\n", PROTOCOLS);
		return -1;
	}
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fx *f = *state;

	protocol_set_free(&f->set);
	calendar_free(&f->cal);
	free(f);
	return 0;
}

static const struct protocol *proto(const struct fx *f, const char *id)
{
	const struct protocol *p = protocol_set_find(&f->set, id);

	if (!p)
		fail_msg("protocol %s is not shipped", id);
	return p;
}

/* A valid opening; tests change one field at a time. */
static struct dispute_new new_args(const char *opened, bool urgent)
{
	struct dispute_new a = {
		.subject = "Case 4711 (J.S.)",
		.raised_by = "Northgate Primary School",
		.against = "Children's Social Care",
		.category = "thresholds",
		.summary = "Referral not accepted.\nSchool thinks the threshold is met.",
		.urgent = urgent,
		.opened = D(opened),
		.minute = TIME_NONE,
	};
	return a;
}

/* Opens a dispute under protocol id and gives it a reference as the store would. */
static void open_ok(const struct fx *f, struct dispute *d, const char *id, bool urgent, const char *opened,
                    const char *today)
{
	struct dispute_new a = new_args(opened, urgent);
	struct error err;

	dispute_init(d);
	assert_ok(dispute_open(d, proto(f, id), &f->cal, &a, D(today), &err), err);
	snprintf(d->reference, sizeof(d->reference), "%s", REF);
}

/* ---- record kinds, status names ---- */

static void test_record_kind_parse(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		enum record_kind kind;
	} cases[] = {
		{ "call", true, RK_CALL },         { "meeting", true, RK_MEETING },
		{ "email", true, RK_EMAIL },       { "decision", true, RK_DECISION },
		{ "action", true, RK_ACTION },     { "outcome", true, RK_OUTCOME },
		{ "learning", true, RK_LEARNING }, { "note", true, RK_NOTE },
		{ "event", false, RK_NOTE },       { "EVENT", false, RK_NOTE },
		{ "Call", false, RK_NOTE },        { "phone", false, RK_NOTE },
		{ "", false, RK_NOTE },            { NULL, false, RK_NOTE },
		{ "note ", false, RK_NOTE },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		enum record_kind k = RK_COUNT;
		bool ok = record_kind_parse(cases[i].s, &k);

		if (ok != cases[i].ok)
			fail_msg("record_kind_parse(\"%s\") = %d", cases[i].s ? cases[i].s : "(null)", ok);
		if (ok) {
			assert_int_equal(k, cases[i].kind);
			assert_string_equal(record_kind_name(k), cases[i].s);
		} else {
			assert_int_equal(k, RK_COUNT);     /* untouched */
		}
	}
	assert_string_equal(record_kind_name(RK_EVENT), "event");
	assert_string_equal(record_kind_name(RK_COUNT), "?");
}

static void test_status_names(void **state)
{
	enum dispute_status s;
	enum stage_end e;

	(void)state;
	assert_true(dispute_status_parse("referred", &s));
	assert_int_equal(s, DS_REFERRED);
	assert_false(dispute_status_parse("closed", &s));
	assert_string_equal(dispute_status_name(DS_WITHDRAWN), "withdrawn");
	assert_true(stage_end_parse("escalated", &e));
	assert_int_equal(e, SE_ESCALATED);
	assert_true(stage_end_parse(NULL, &e));
	assert_int_equal(e, SE_NONE);
	assert_false(stage_end_parse("ended", &e));
	assert_string_equal(stage_end_name(SE_REFERRED), "referred");
}

/* ---- text_check ---- */

static void test_text_check(void **state)
{
	static const struct {
		const char *in;
		bool multiline;
		enum status rc;
		const char *out;        /* the normalised text, or the message */
	} cases[] = {
		{ "plain", false, ST_OK, "plain" },
		{ "Si\xC3\xA2n Zo\xC3\xAB \xC5\x81ukasz", false, ST_OK, "Si\xC3\xA2n Zo\xC3\xAB \xC5\x81ukasz" },
		{ "trailing spaces   ", false, ST_OK, "trailing spaces" },
		{ "line 1\r\nline 2\r\n", true, ST_OK, "line 1\nline 2" },
		{ "line 1\r\n\r\nline 3\r\n\r\n\n  \n\t\n", true, ST_OK, "line 1\n\nline 3" },
		{ "\n\n  indented\n\tand tabbed", true, ST_OK, "\n\n  indented\n\tand tabbed" },
		{ "a\rb", true, ST_INVALID, "--text contains a control character (0x0D) at byte 1" },
		{ "a\r\nb", false, ST_INVALID, "--text contains a control character (0x0D) at byte 1" },
		{ "a\nb", false, ST_INVALID, "--text contains a control character (0x0A) at byte 1" },
		{ "a\tb", false, ST_INVALID, "--text contains a control character (0x09) at byte 1" },
		{ "ab\x1b[31mred", true, ST_INVALID, "--text contains a control character (0x1B) at byte 2" },
		{ "\x07", true, ST_INVALID, "--text contains a control character (0x07) at byte 0" },
		{ "abc\x7f", true, ST_INVALID, "--text contains a control character (0x7F) at byte 3" },
		{ "\xC3\xA9\xC2\x85" "x", true, ST_INVALID, "--text contains a control character (U+0085) at byte 2" },
		{ "\xC2\x9B" "31m", false, ST_INVALID, "--text contains a control character (U+009B) at byte 0" },
		{ "\xC2\xA0nbsp is fine", false, ST_OK, "\xC2\xA0nbsp is fine" },
		{ "ab\xFF" "c", true, ST_INVALID, "--text is not valid UTF-8 (bad byte 0xFF at byte 2)" },
		{ "\xC0\xAF", true, ST_INVALID, "--text is not valid UTF-8 (bad byte 0xC0 at byte 0)" },
		{ "x\xED\xA0\x80", true, ST_INVALID, "--text is not valid UTF-8 (bad byte 0xED at byte 1)" },
		{ "cut \xE2\x80", true, ST_INVALID, "--text is not valid UTF-8 (bad byte 0xE2 at byte 4)" },
		{ "", true, ST_INVALID, "--text is empty" },
		{ " \t\n\r\n  ", true, ST_INVALID, "--text is empty" },
		{ "   ", false, ST_INVALID, "--text is empty" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char *s = xstrdup(cases[i].in);
		struct error err;
		enum status rc;

		error_clear(&err);
		rc = text_check(s, cases[i].multiline, 64, "--text", &err);
		if (rc != cases[i].rc)
			fail_msg("case %zu: status %s, want %s (%s)", i, status_name(rc), status_name(cases[i].rc), err.msg);
		if (rc == ST_OK)
			assert_string_equal(s, cases[i].out);
		else
			assert_string_equal(err.msg, cases[i].out);
		free(s);
	}
}

static void test_text_check_limits(void **state)
{
	struct error err;
	char *s = xmalloc(TEXT_MAX + 2);

	(void)state;
	assert_fails(text_check(NULL, true, TEXT_MAX, "the record text", &err), err, ST_INVALID,
	             "the record text is missing");
	memset(s, 'a', TEXT_MAX + 1);
	s[TEXT_MAX + 1] = '\0';
	assert_fails(text_check(s, true, TEXT_MAX, "the record text", &err), err, ST_INVALID,
	             "the record text is 262145 bytes; the limit is 262144 bytes");
	s[TEXT_MAX] = '\0';
	assert_ok(text_check(s, true, TEXT_MAX, "the record text", &err), err);
	assert_int_equal(strlen(s), TEXT_MAX);
	/* CRLF counts before it is normalised: the limit is on what was typed */
	memcpy(s + TEXT_MAX - 2, "\r\n", 2);
	assert_ok(text_check(s, true, TEXT_MAX, "the record text", &err), err);
	assert_int_equal(strlen(s), TEXT_MAX - 2);
	free(s);
}

/* ---- opening ---- */

static void test_open_each_protocol(void **state)
{
	static const struct {
		const char *protocol;
		bool urgent;
		const char *category;
		const char *opened, *due;
		const char *stage_name;
	} cases[] = {
		/* Tue; 25 and 28 Dec are holidays: 23, 24, 29, 30, 31 */
		{ "north-wales", false, "thresholds", "2026-12-22", "2026-12-31", "Practitioner to practitioner" },
		/* opened on a Saturday: 29, 30, 31 Dec, (1 Jan), 4, 5 Jan */
		{ "north-wales", false, "roles", "2026-12-26", "2027-01-05", "Practitioner to practitioner" },
		/* no urgent route: the normal stages */
		{ "north-wales", true, "action", "2026-12-22", "2026-12-31", "Practitioner to practitioner" },
		/* Wed: 24, 29, 30, 31 Dec, 4 Jan */
		{ "newcastle", false, "thresholds", "2026-12-23", "2027-01-04", "Reflect with co-workers" },
		/* Thu before Good Friday: 1 working day is the Tuesday after Easter */
		{ "conflict-resolution", false, "thresholds", "2027-03-25", "2027-03-30", "Preventing disputes" },
		/* Christmas Eve: 1 working day is 29 Dec */
		{ "conflict-resolution", false, "information-sharing", "2026-12-24", "2026-12-29", "Preventing disputes" },
		/* agreed, at most 5: 25 Mar, (26, 29), 30, 31 Mar, 1, 2 Apr */
		{ "sunderland", false, "service-provision", "2027-03-24", "2027-04-02", "Frontline practitioners" },
		/* Thu: (26, 29 Mar), 30, 31 Mar, 1, 2, 5 Apr */
		{ "rochdale-adults", false, "mental-capacity", "2027-03-25", "2027-04-05", "Practitioners" },
		/* Newcastle's immediate route: 1 working day over Easter */
		{ "newcastle", true, "thresholds", "2027-03-25", "2027-03-30", "Urgent review by the Service Manager" },
		{ "newcastle", true, "action", "2027-03-26", "2027-03-30", "Urgent review by the Service Manager" },
		{ "newcastle", true, "thresholds", "2026-12-24", "2026-12-29", "Urgent review by the Service Manager" },
		/* Rochdale's urgent route runs the normal stages: 4-8 Jan */
		{ "rochdale-adults", true, "action", "2026-12-31", "2027-01-08", "Practitioners" },
	};
	const struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct dispute_new a = new_args(cases[i].opened, cases[i].urgent);
		const struct protocol *p = proto(f, cases[i].protocol);
		const struct stage_rule *rules;
		struct dispute d;
		struct stage *st;
		struct error err;
		size_t n;

		a.category = cases[i].category;
		dispute_init(&d);
		assert_ok(dispute_open(&d, p, &f->cal, &a, D("2027-12-31"), &err), err);
		assert_string_equal(d.protocol, cases[i].protocol);
		assert_string_equal(d.category, cases[i].category);
		assert_int_equal(d.urgent, cases[i].urgent);
		assert_day(d.opened, D(cases[i].opened));
		assert_int_equal(d.status, DS_OPEN);
		assert_day(d.closed, DATE_NONE);
		assert_day(d.challenged, DATE_NONE);
		assert_int_equal(d.current_stage, 1);
		assert_int_equal(d.nstages, 1);
		assert_string_equal(d.reference, "");
		assert_string_equal(d.subject, "Case 4711 (J.S.)");
		assert_string_equal(d.summary, "Referral not accepted.\nSchool thinks the threshold is met.");
		st = dispute_current(&d);
		assert_non_null(st);
		assert_int_equal(st->number, 1);
		assert_day(st->started, D(cases[i].opened));
		if (st->due != D(cases[i].due))
			fail_msg("case %zu (%s%s from %s): due %ld, want %s", i, cases[i].protocol,
			         cases[i].urgent ? " urgent" : "", cases[i].opened, st->due, cases[i].due);
		assert_int_equal(st->due_minute, TIME_NONE);
		assert_false(st->due_agreed);
		assert_null(st->due_reason);
		assert_day(st->ended, DATE_NONE);
		assert_int_equal(st->how, SE_NONE);
		assert_int_equal(st->sequence, 0);
		rules = protocol_stages(p, d.urgent, &n);
		assert_string_equal(rules[0].name, cases[i].stage_name);
		dispute_free(&d);
	}
}

/* What the user typed is found as protocol_category_find finds it, and
 * the dispute keeps the key: later look-ups are by key only. */
static void test_open_category_words(void **state)
{
	static const struct { const char *protocol, *typed, *key; bool clocked; } cases[] = {
		{ "rochdale-adults", "LEVEL OF SUPPORT NEEDED", "thresholds", true },
		{ "north-wales", "levels of need", "thresholds", true },
		{ "north-wales", "Levels-of-Need", "thresholds", true },
		{ "sunderland", "levels of need", "thresholds", true },
		{ "newcastle", "Levels of Need", "thresholds", true },
		{ "sunderland", "Information Sharing", "information-sharing", true },
		{ "conflict-resolution", "INFORMATION-SHARING", "information-sharing", true },
		{ "north-wales", "r\xC3\xB4les", "roles", true },                   /* rôles */
		{ "rochdale-adults", "mental cap", "mental-capacity", true },
		{ "newcastle", "dissent", "conference-dissent", false },
		{ "newcastle", "cp conference", "cp-conference", false },
	};
	const struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct dispute_new a = new_args("2027-01-04", false);
		const struct protocol *p = proto(f, cases[i].protocol);
		struct dispute d;
		struct error err;

		a.category = cases[i].typed;
		dispute_init(&d);
		assert_ok(dispute_open(&d, p, &f->cal, &a, D("2027-01-04"), &err), err);
		if (strcmp(d.category, cases[i].key) != 0)
			fail_msg("case %zu: %s '%s' stored %s, want %s", i, cases[i].protocol, cases[i].typed,
			         d.category, cases[i].key);
		/* the stored key finds the category again, with its clock */
		assert_non_null(protocol_category(p, d.category));
		assert_int_equal(dispute_current(&d)->due != DATE_NONE, cases[i].clocked);
		dispute_free(&d);
	}
}

static void test_open_refusals(void **state)
{
	enum field { F_NONE, F_SUBJECT, F_RAISED, F_AGAINST, F_SUMMARY, F_CATEGORY, F_OPENED };
	static const struct {
		const char *protocol;
		enum field field;
		const char *value;
		enum status rc;
		const char *msg;
	} cases[] = {
		{ "north-wales", F_CATEGORY, "mental-capacity", ST_INVALID,
		  "unknown category \"mental-capacity\" in north-wales; the categories are: thresholds (Levels of need), "
		  "roles (Roles and responsibilities), action (The need for action) and information-sharing (Communication)" },
		{ "sunderland", F_CATEGORY, "", ST_INVALID,
		  "unknown category \"\" in sunderland; the categories are: thresholds (Levels of need / thresholds), "
		  "roles (Roles and responsibilities), action (The need for action), information-sharing "
		  "(Communication and information sharing) and service-provision (Service provision)" },
		{ "north-wales", F_CATEGORY, "need", ST_INVALID,
		  "category \"need\" is ambiguous in north-wales: it could be thresholds (Levels of need) or "
		  "action (The need for action); the other categories are: roles (Roles and responsibilities) "
		  "and information-sharing (Communication)" },
		{ "newcastle", F_CATEGORY, NULL, ST_INVALID, "the category is missing" },
		{ "north-wales", F_AGAINST, "Northgate Primary School", ST_REFUSED,
		  "the raising agency and the other agency are the same (Northgate Primary School)" },
		{ "north-wales", F_AGAINST, "NORTHGATE primary school  ", ST_REFUSED,
		  "the raising agency and the other agency are the same (Northgate Primary School)" },
		{ "north-wales", F_SUBJECT, "", ST_INVALID, "the subject is empty" },
		{ "north-wales", F_SUBJECT, "   ", ST_INVALID, "the subject is empty" },
		{ "north-wales", F_SUBJECT, NULL, ST_INVALID, "the subject is missing" },
		{ "north-wales", F_RAISED, "", ST_INVALID, "the raising agency is empty" },
		{ "north-wales", F_AGAINST, "\t", ST_INVALID, "the other agency contains a control character (0x09) at byte 0" },
		{ "north-wales", F_SUMMARY, "\n\r\n \n", ST_INVALID, "the summary is empty" },
		{ "north-wales", F_SUBJECT, "JS\x1b]0;pwned\x07", ST_INVALID,
		  "the subject contains a control character (0x1B) at byte 2" },
		{ "north-wales", F_SUBJECT, "J.S.\xC2\x85" "Case", ST_INVALID,
		  "the subject contains a control character (U+0085) at byte 4" },
		{ "north-wales", F_RAISED, "School\x7f", ST_INVALID,
		  "the raising agency contains a control character (0x7F) at byte 6" },
		{ "north-wales", F_SUBJECT, "Case 1\nCase 2", ST_INVALID,
		  "the subject contains a control character (0x0A) at byte 6" },
		{ "north-wales", F_SUMMARY, "ok line\n\x1b[2J", ST_INVALID,
		  "the summary contains a control character (0x1B) at byte 8" },
		{ "north-wales", F_SUMMARY, "Zo\xEB", ST_INVALID, "the summary is not valid UTF-8 (bad byte 0xEB at byte 2)" },
		{ "north-wales", F_AGAINST, "Police \xC0\x80", ST_INVALID,
		  "the other agency is not valid UTF-8 (bad byte 0xC0 at byte 7)" },
		{ "north-wales", F_OPENED, "2027-01-07", ST_REFUSED, "opening date 2027-01-07 is after today" },
		{ "north-wales", F_OPENED, NULL, ST_INVALID, "the opening date is missing" },
	};
	const struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		struct dispute_new a = new_args("2027-01-06", false);
		struct dispute d;
		struct error err;
		enum status rc;

		switch (cases[i].field) {
		case F_SUBJECT: a.subject = cases[i].value; break;
		case F_RAISED: a.raised_by = cases[i].value; break;
		case F_AGAINST: a.against = cases[i].value; break;
		case F_SUMMARY: a.summary = cases[i].value; break;
		case F_CATEGORY: a.category = cases[i].value; break;
		case F_OPENED: a.opened = D(cases[i].value); break;
		case F_NONE: break;
		}
		dispute_init(&d);
		error_clear(&err);
		rc = dispute_open(&d, proto(f, cases[i].protocol), &f->cal, &a, D("2027-01-06"), &err);
		if (rc != cases[i].rc || strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("case %zu: %s \"%s\"\n  want %s \"%s\"", i, status_name(rc), err.msg,
			         status_name(cases[i].rc), cases[i].msg);
		dispute_free(&d);
	}
}

static void test_open_length_limits(void **state)
{
	const struct fx *f = *state;
	struct dispute_new a = new_args("2027-01-06", false);
	char *line = xmalloc(LINE_MAX_LEN + 2), *text = xmalloc(TEXT_MAX + 2);
	struct dispute d;
	struct error err;

	memset(line, 'x', LINE_MAX_LEN + 1);
	line[LINE_MAX_LEN + 1] = '\0';
	memset(text, 'y', TEXT_MAX + 1);
	text[TEXT_MAX + 1] = '\0';

	dispute_init(&d);
	a.subject = line;
	assert_fails(dispute_open(&d, proto(f, "north-wales"), &f->cal, &a, D("2027-01-06"), &err), err, ST_INVALID,
	             "the subject is 1025 bytes; the limit is 1024 bytes");
	dispute_free(&d);
	line[LINE_MAX_LEN] = '\0';
	assert_ok(dispute_open(&d, proto(f, "north-wales"), &f->cal, &a, D("2027-01-06"), &err), err);
	assert_int_equal(strlen(d.subject), LINE_MAX_LEN);
	dispute_free(&d);

	a = new_args("2027-01-06", false);
	a.summary = text;
	assert_fails(dispute_open(&d, proto(f, "north-wales"), &f->cal, &a, D("2027-01-06"), &err), err, ST_INVALID,
	             "the summary is 262145 bytes; the limit is 262144 bytes");
	dispute_free(&d);
	text[TEXT_MAX] = '\0';
	assert_ok(dispute_open(&d, proto(f, "north-wales"), &f->cal, &a, D("2027-01-06"), &err), err);
	assert_int_equal(strlen(d.summary), TEXT_MAX);
	dispute_free(&d);

	a = new_args("2027-01-06", false);
	a.summary = "Rang at 9.\r\nNo answer.\r\n\r\n";
	assert_ok(dispute_open(&d, proto(f, "north-wales"), &f->cal, &a, D("2027-01-06"), &err), err);
	assert_string_equal(d.summary, "Rang at 9.\nNo answer.");
	dispute_free(&d);
	free(line);
	free(text);
}

/* ---- escalating through every stage ---- */

struct step {
	const char *on, *due;   /* due NULL: "without delay", no limit set */
};

static void test_escalate_every_stage(void **state)
{
	static const struct {
		const char *protocol;
		bool urgent;
		const char *opened, *due1;
		struct step esc[5];
		size_t nesc;
	} cases[] = {
		/* 5 working days each */
		{ "north-wales", false, "2026-12-21", "2026-12-30",
		  { { "2026-12-24", "2027-01-05" }, { "2027-01-04", "2027-01-11" }, { "2027-01-08", "2027-01-15" } }, 3 },
		/* 5, 5, 5, 5, 5, then 14 over the Early May bank holiday */
		{ "newcastle", false, "2027-03-15", "2027-03-22",
		  { { "2027-03-22", "2027-03-31" }, { "2027-03-25", "2027-04-05" }, { "2027-04-01", "2027-04-08" },
		    { "2027-04-08", "2027-04-15" }, { "2027-04-26", "2027-05-17" } }, 5 },
		/* immediate route: 1 working day, then the Head of Service without delay */
		{ "newcastle", true, "2027-03-25", "2027-03-30", { { "2027-03-30", NULL } }, 1 },
		/* 1 working day, then "without delay" */
		{ "conflict-resolution", false, "2026-12-24", "2026-12-29",
		  { { "2026-12-29", NULL }, { "2027-01-04", NULL }, { "2027-01-05", NULL } }, 3 },
		/* agreed, at most 5 working days */
		{ "sunderland", false, "2026-12-18", "2026-12-29",
		  { { "2026-12-23", "2027-01-04" }, { "2027-01-04", "2027-01-11" }, { "2027-03-22", "2027-03-31" } }, 3 },
		/* 5 working days x 6 over Easter */
		{ "rochdale-adults", false, "2027-03-19", "2027-03-30",
		  { { "2027-03-24", "2027-04-02" }, { "2027-03-31", "2027-04-07" }, { "2027-04-07", "2027-04-14" },
		    { "2027-04-14", "2027-04-21" }, { "2027-04-21", "2027-04-28" } }, 5 },
		/* the urgent route: the same six stages over Christmas */
		{ "rochdale-adults", true, "2026-12-21", "2026-12-30",
		  { { "2026-12-22", "2026-12-31" }, { "2026-12-23", "2027-01-04" }, { "2026-12-24", "2027-01-05" },
		    { "2026-12-29", "2027-01-06" }, { "2026-12-30", "2027-01-07" } }, 5 },
	};
	const struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++) {
		const struct protocol *p = proto(f, cases[i].protocol);
		size_t nrules;
		struct dispute d;
		struct error err;
		char want[256];

		protocol_stages(p, cases[i].urgent, &nrules);
		assert_int_equal(nrules, cases[i].nesc + 1);
		open_ok(f, &d, cases[i].protocol, cases[i].urgent, cases[i].opened, "2027-12-31");
		assert_day(d.stages[0].due, D(cases[i].due1));
		for (size_t k = 0; k < cases[i].nesc; k++) {
			const struct step *s = &cases[i].esc[k];
			struct stage *st;

			assert_ok(dispute_escalate(&d, p, &f->cal, D(s->on), TIME_NONE, DATE_NONE, NULL, D("2027-12-31"),
			                           &err), err);
			assert_int_equal(d.nstages, k + 2);
			assert_int_equal(d.current_stage, (int)k + 2);
			st = dispute_current(&d);
			assert_int_equal(st->number, (int)k + 2);
			assert_day(st->started, D(s->on));
			if (st->due != D(s->due))
				fail_msg("%s%s stage %zu from %s: due %ld, want %s", cases[i].protocol,
				         cases[i].urgent ? " urgent" : "", k + 2, s->on, st->due, s->due ? s->due : "none");
			assert_int_equal(st->due_minute, TIME_NONE);
			assert_false(st->due_agreed);
			assert_null(st->due_reason);
			assert_day(st->ended, DATE_NONE);
			assert_int_equal(st->how, SE_NONE);
			assert_int_equal(st->sequence, 0);
			/* the stage before ended, escalated, on the same day; its
			 * sequence moved on so its calendar invite gets updated */
			assert_day(d.stages[k].ended, D(s->on));
			assert_int_equal(d.stages[k].how, SE_ESCALATED);
			assert_int_equal(d.stages[k].sequence, 1);
		}
		/* past the last stage */
		snprintf(want, sizeof(want),
		         REF " is at stage %zu of %zu, the last stage of %s; resolve it, withdraw it or refer it on",
		         nrules, nrules, cases[i].protocol);
		assert_fails(dispute_escalate(&d, p, &f->cal, D("2027-12-31"), TIME_NONE, DATE_NONE, NULL,
		                              D("2027-12-31"), &err), err, ST_REFUSED, want);
		assert_int_equal(d.nstages, nrules);
		assert_day(dispute_current(&d)->ended, DATE_NONE);
		assert_int_equal(dispute_current(&d)->how, SE_NONE);
		dispute_free(&d);
	}
}

static void test_escalate_same_day(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales");
	struct dispute d;
	struct error err;

	/* opened and escalated twice on Christmas Eve: each stage runs 5 days from then */
	open_ok(f, &d, "north-wales", false, "2026-12-24", "2026-12-24");
	assert_day(d.stages[0].due, D("2027-01-05"));
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-12-24"), 600, DATE_NONE, NULL, D("2026-12-24"), &err), err);
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-12-24"), 600, DATE_NONE, NULL, D("2026-12-24"), &err), err);
	assert_int_equal(d.current_stage, 3);
	assert_day(d.stages[2].due, D("2027-01-05"));
	assert_int_equal(d.stages[2].due_minute, TIME_NONE);
	dispute_free(&d);
}

/* ---- agreed due dates ---- */

/* Newcastle's one-working-day urgent review is timed: a date agreed for it
 * keeps the hour it runs to, and is due at that hour on the agreed day. */
static void test_timed_agreed_due(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "newcastle");
	struct dispute_new a = new_args("2026-07-07", true);
	struct dispute d;
	struct error err;

	a.minute = 16 * 60 + 30;
	dispute_init(&d);
	assert_ok(dispute_open(&d, p, &f->cal, &a, D("2026-07-07"), &err), err);
	assert_day(d.stages[0].due, D("2026-07-08"));
	assert_int_equal(d.stages[0].due_minute, 16 * 60 + 30);
	assert_ok(dispute_set_due(&d, p, &f->cal, D("2026-07-07"), NULL, D("2026-07-07"), &err), err);
	assert_day(d.stages[0].due, D("2026-07-07"));
	assert_int_equal(d.stages[0].due_minute, 16 * 60 + 30);
	assert_true(d.stages[0].due_agreed);
	assert_int_equal(d.stages[0].sequence, 1);
	/* and once more, from the agreed date: still the same hour */
	assert_ok(dispute_set_due(&d, p, &f->cal, D("2026-07-08"), NULL, D("2026-07-07"), &err), err);
	assert_int_equal(d.stages[0].due_minute, 16 * 60 + 30);
	/* later than the limit still needs a reason */
	assert_fails(dispute_set_due(&d, p, &f->cal, D("2026-07-09"), NULL, D("2026-07-07"), &err), err, ST_REFUSED,
	             "due date 2026-07-09 is later than the protocol limit (2026-07-08, 1 working day); give a reason");
	dispute_free(&d);
}

static void test_escalate_agreed_due(void **state)
{
	const struct fx *f = *state;
	const struct protocol *sund = proto(f, "sunderland"), *cr = proto(f, "conflict-resolution");
	long today = D("2027-03-31");
	struct dispute d;
	struct error err;
	struct stage *st;

	/* Sunderland, opened Wed 2027-03-17 (limit Wed 24th); escalated on Tue 23 Mar:
	 * the limit for stage 2 is 24, 25, 30, 31 Mar, 1 Apr = 2027-04-01 */
	open_ok(f, &d, "sunderland", false, "2027-03-17", "2027-03-31");
	assert_day(d.stages[0].due, D("2027-03-24"));

	/* later than the limit without a reason: refused, and an empty reason is no reason */
	assert_fails(dispute_escalate(&d, sund, &f->cal, D("2027-03-23"), TIME_NONE, D("2027-04-02"), NULL, today,
	                              &err), err, ST_REFUSED,
	             "due date 2027-04-02 is later than the protocol limit (2027-04-01, agreed, at most 5 working days); "
	             "give a reason");
	assert_fails(dispute_escalate(&d, sund, &f->cal, D("2027-03-23"), TIME_NONE, D("2027-04-02"), "", today, &err),
	             err, ST_REFUSED,
	             "due date 2027-04-02 is later than the protocol limit (2027-04-01, agreed, at most 5 working days); "
	             "give a reason");
	/* before the stage starts */
	assert_fails(dispute_escalate(&d, sund, &f->cal, D("2027-03-23"), TIME_NONE, D("2027-03-22"), "leave", today,
	                              &err), err, ST_REFUSED, "due date 2027-03-22 is before the stage starts (2027-03-23)");
	/* a bad reason */
	assert_fails(dispute_escalate(&d, sund, &f->cal, D("2027-03-23"), TIME_NONE, D("2027-04-02"),
	                              "leave\x1b[8m", today, &err), err, ST_INVALID,
	             "the reason contains a control character (0x1B) at byte 5");
	assert_int_equal(d.nstages, 1);

	/* earlier: allowed without a reason, and marked agreed */
	assert_ok(dispute_escalate(&d, sund, &f->cal, D("2027-03-23"), TIME_NONE, D("2027-03-25"), NULL, today, &err),
	          err);
	st = dispute_current(&d);
	assert_int_equal(st->number, 2);
	assert_day(st->due, D("2027-03-25"));
	assert_true(st->due_agreed);
	assert_null(st->due_reason);
	assert_int_equal(st->sequence, 0);

	/* on the day it starts: allowed */
	assert_ok(dispute_escalate(&d, sund, &f->cal, D("2027-03-25"), TIME_NONE, D("2027-03-25"), NULL, today, &err),
	          err);
	assert_day(dispute_current(&d)->due, D("2027-03-25"));

	/* later, with a reason: allowed, reason kept (trimmed); the limit from Thu 25 Mar is 5 Apr */
	assert_ok(dispute_escalate(&d, sund, &f->cal, D("2027-03-25"), TIME_NONE, D("2027-04-09"),
	                           "Head of Service on leave until 6 April  ", today, &err), err);
	st = dispute_current(&d);
	assert_int_equal(st->number, 4);
	assert_day(st->due, D("2027-04-09"));
	assert_true(st->due_agreed);
	assert_string_equal(st->due_reason, "Head of Service on leave until 6 April");
	dispute_free(&d);

	/* exactly the limit: no reason needed */
	open_ok(f, &d, "north-wales", false, "2026-12-21", "2027-01-06");
	assert_ok(dispute_escalate(&d, proto(f, "north-wales"), &f->cal, D("2026-12-24"), TIME_NONE, D("2027-01-05"),
	                           NULL, D("2027-01-06"), &err), err);
	assert_day(dispute_current(&d)->due, D("2027-01-05"));
	assert_true(dispute_current(&d)->due_agreed);
	dispute_free(&d);

	/* "without delay": any agreed date is fine without a reason, but a working day, in any year */
	open_ok(f, &d, "conflict-resolution", false, "2026-12-24", "2027-01-06");
	assert_fails(dispute_escalate(&d, cr, &f->cal, D("2026-12-29"), TIME_NONE, D("2031-01-01"), "next decade",
	                              D("2027-01-06"), &err), err, ST_REFUSED,
	             "due date 2031-01-01 is New Year\u2019s Day, a bank holiday; agree a working day");
	assert_ok(dispute_escalate(&d, cr, &f->cal, D("2026-12-29"), TIME_NONE, D("2027-02-26"), NULL, D("2027-01-06"),
	                           &err), err);
	st = dispute_current(&d);
	assert_day(st->due, D("2027-02-26"));
	assert_true(st->due_agreed);
	assert_null(st->due_reason);
	dispute_free(&d);
}

static void test_set_due(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales"), *cr = proto(f, "conflict-resolution");
	long today = D("2027-01-06");
	struct dispute d;
	struct error err;
	struct stage *st;

	open_ok(f, &d, "north-wales", false, "2026-12-22", "2027-01-06");
	st = dispute_current(&d);
	assert_day(st->due, D("2026-12-31"));

	assert_ok(dispute_set_due(&d, p, &f->cal, D("2026-12-30"), NULL, today, &err), err);
	assert_day(st->due, D("2026-12-30"));
	assert_true(st->due_agreed);
	assert_int_equal(st->sequence, 1);

	/* refused the same way as escalate, and nothing changes */
	assert_fails(dispute_set_due(&d, p, &f->cal, D("2027-01-04"), NULL, today, &err), err, ST_REFUSED,
	             "due date 2027-01-04 is later than the protocol limit (2026-12-31, 5 working days); "
	             "give a reason");
	assert_fails(dispute_set_due(&d, p, &f->cal, D("2027-01-04"), "   ", today, &err), err, ST_INVALID,
	             "the reason is empty");
	assert_fails(dispute_set_due(&d, p, &f->cal, D("2026-12-21"), NULL, today, &err), err, ST_REFUSED,
	             "due date 2026-12-21 is before the stage starts (2026-12-22)");
	assert_fails(dispute_set_due(&d, p, &f->cal, DATE_NONE, NULL, today, &err), err, ST_INVALID,
	             "the due date is missing");
	assert_day(st->due, D("2026-12-30"));
	assert_true(st->due_agreed);
	assert_int_equal(st->sequence, 1);
	assert_null(st->due_reason);

	assert_ok(dispute_set_due(&d, p, &f->cal, D("2027-01-08"), "Manager off sick", today, &err), err);
	assert_day(st->due, D("2027-01-08"));
	assert_string_equal(st->due_reason, "Manager off sick");
	assert_int_equal(st->sequence, 2);

	/* a refused change keeps the earlier reason */
	assert_fails(dispute_set_due(&d, p, &f->cal, D("2027-01-11"), "bad\xC2\x9F", today, &err), err, ST_INVALID,
	             "the reason contains a control character (U+009F) at byte 3");
	assert_string_equal(st->due_reason, "Manager off sick");
	assert_int_equal(st->sequence, 2);

	/* back within the limit: the reason no longer applies */
	assert_ok(dispute_set_due(&d, p, &f->cal, D("2026-12-31"), NULL, today, &err), err);
	assert_null(st->due_reason);
	assert_int_equal(st->sequence, 3);
	dispute_free(&d);

	/* "without delay": no due date until one is agreed */
	open_ok(f, &d, "conflict-resolution", false, "2026-12-24", "2027-01-06");
	assert_ok(dispute_escalate(&d, cr, &f->cal, D("2026-12-29"), TIME_NONE, DATE_NONE, NULL, today, &err), err);
	st = dispute_current(&d);
	assert_day(st->due, DATE_NONE);
	assert_ok(dispute_set_due(&d, cr, &f->cal, D("2027-01-07"), NULL, today, &err), err);
	assert_day(st->due, D("2027-01-07"));
	assert_true(st->due_agreed);
	assert_int_equal(st->sequence, 1);
	dispute_free(&d);
}

/* ---- refusals leave the dispute as it was ---- */

/* The parts of a dispute a refused move must not change. */
struct snap {
	size_t nstages;
	int current;
	enum dispute_status status;
	long closed, challenged, ended, due, started;
	enum stage_end how;
	bool agreed;
	int sequence;
	bool has_outcome, has_reason;
};

static struct snap snap_take(const struct dispute *d)
{
	const struct stage *st = dispute_current(d);
	struct snap s = {
		d->nstages, d->current_stage, d->status, d->closed, d->challenged, st->ended, st->due, st->started,
		st->how, st->due_agreed, st->sequence, d->outcome != NULL, st->due_reason != NULL,
	};
	return s;
}

static void snap_check(const struct snap *a, const struct dispute *d, size_t i)
{
	struct snap b = snap_take(d);

	if (a->nstages != b.nstages || a->current != b.current || a->status != b.status || a->closed != b.closed ||
	    a->challenged != b.challenged || a->ended != b.ended || a->due != b.due || a->started != b.started ||
	    a->how != b.how || a->agreed != b.agreed || a->sequence != b.sequence || a->has_outcome != b.has_outcome ||
	    a->has_reason != b.has_reason)
		fail_msg("case %zu changed the dispute (stages %zu->%zu, current %d->%d, ended %ld->%ld, how %d->%d)", i,
		         a->nstages, b.nstages, a->current, b.current, a->ended, b.ended, (int)a->how, (int)b.how);
}

static void test_refusals_leave_dispute_unchanged(void **state)
{
	enum op { ESCALATE, SET_DUE, RESOLVE, WITHDRAW, REFER, CHALLENGE, UNCHALLENGE };
	static const struct {
		enum op op;
		const char *on, *due;
		const char *text, *text2;
		enum status rc;
		const char *msg;
	} cases[] = {
		{ ESCALATE, "2027-01-07", NULL, NULL, NULL, ST_REFUSED,
		  "escalation date 2027-01-07 is after today (2027-01-06)" },
		{ ESCALATE, "2026-12-20", NULL, NULL, NULL, ST_REFUSED,
		  "escalation date 2026-12-20 is before the current stage started (2026-12-21)" },
		{ ESCALATE, "2026-12-24", "2026-12-23", NULL, NULL, ST_REFUSED,
		  "due date 2026-12-23 is before the stage starts (2026-12-24)" },
		{ ESCALATE, "2026-12-24", "2027-01-06", NULL, NULL, ST_REFUSED,
		  "due date 2027-01-06 is later than the protocol limit (2027-01-05, 5 working days); "
		  "give a reason" },
		{ ESCALATE, "2026-12-24", "2027-01-06", "\xC2\x85", NULL, ST_INVALID,
		  "the reason contains a control character (U+0085) at byte 0" },
		{ SET_DUE, NULL, "2026-12-31", NULL, NULL, ST_REFUSED,
		  "due date 2026-12-31 is later than the protocol limit (2026-12-30, 5 working days); "
		  "give a reason" },
		{ SET_DUE, NULL, "2026-12-20", "why", NULL, ST_REFUSED,
		  "due date 2026-12-20 is before the stage starts (2026-12-21)" },
		{ RESOLVE, "2027-01-07", NULL, "Agreed", NULL, ST_REFUSED,
		  "closing date 2027-01-07 is after today (2027-01-06)" },
		{ RESOLVE, "2026-12-20", NULL, "Agreed", NULL, ST_REFUSED,
		  "closing date 2026-12-20 is before the current stage started (2026-12-21)" },
		{ RESOLVE, "2026-12-24", NULL, "", NULL, ST_INVALID, "the outcome is empty" },
		{ RESOLVE, "2026-12-24", NULL, NULL, NULL, ST_INVALID, "the outcome is missing" },
		{ RESOLVE, "2026-12-24", NULL, "Agreed", "pursue\x7f", ST_INVALID,
		  "how outstanding issues are pursued contains a control character (0x7F) at byte 6" },
		{ RESOLVE, "2026-12-24", NULL, "Agreed\xFF", "ok", ST_INVALID,
		  "the outcome is not valid UTF-8 (bad byte 0xFF at byte 6)" },
		{ WITHDRAW, "2026-12-24", NULL, " \n\t", NULL, ST_INVALID, "the reason is empty" },
		{ WITHDRAW, "2027-01-07", NULL, "No longer needed", NULL, ST_REFUSED,
		  "closing date 2027-01-07 is after today (2027-01-06)" },
		{ REFER, "2026-12-24", NULL, "\x1b" "P", NULL, ST_INVALID, "whom it is referred to contains a control character (0x1B) at byte 0" },
		{ REFER, "2026-12-20", NULL, "Partnership", NULL, ST_REFUSED,
		  "closing date 2026-12-20 is before the current stage started (2026-12-21)" },
		{ CHALLENGE, "2026-12-20", NULL, NULL, NULL, ST_REFUSED,
		  "challenge date 2026-12-20 is before the dispute was opened (2026-12-21)" },
		{ CHALLENGE, "2027-01-07", NULL, NULL, NULL, ST_REFUSED,
		  "challenge date 2027-01-07 is after today (2027-01-06)" },
		{ UNCHALLENGE, "2027-01-06", NULL, NULL, NULL, ST_REFUSED, REF " has no formal challenge to clear" },
	};
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales");
	long today = D("2027-01-06");
	struct dispute d;

	open_ok(f, &d, "north-wales", false, "2026-12-21", "2027-01-06");
	for (size_t i = 0; i < N(cases); i++) {
		struct snap before = snap_take(&d);
		long on = D(cases[i].on), due = D(cases[i].due);
		struct error err;
		enum status rc = ST_OK;

		error_clear(&err);
		switch (cases[i].op) {
		case ESCALATE:
			rc = dispute_escalate(&d, p, &f->cal, on, TIME_NONE, due, cases[i].text, today, &err);
			break;
		case SET_DUE: rc = dispute_set_due(&d, p, &f->cal, due, cases[i].text, today, &err); break;
		case RESOLVE: rc = dispute_resolve(&d, on, cases[i].text, cases[i].text2, today, &err); break;
		case WITHDRAW: rc = dispute_withdraw(&d, on, cases[i].text, today, &err); break;
		case REFER: rc = dispute_refer(&d, on, cases[i].text, today, &err); break;
		case CHALLENGE: rc = dispute_challenge(&d, on, true, today, &err); break;
		case UNCHALLENGE: rc = dispute_challenge(&d, on, false, today, &err); break;
		}
		if (rc != cases[i].rc || strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("case %zu: %s \"%s\"\n  want %s \"%s\"", i, status_name(rc), err.msg,
			         status_name(cases[i].rc), cases[i].msg);
		snap_check(&before, &d, i);
		assert_null(d.outstanding);
	}
	assert_int_equal(d.nstages, 1);
	assert_day(d.stages[0].due, D("2026-12-30"));
	dispute_free(&d);
}

static void test_failed_escalate_keeps_stages(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "newcastle");
	struct dispute d;
	struct error err;
	struct stage *st;

	/* two stages in, with an agreed date and reason on stage 2 */
	open_ok(f, &d, "newcastle", false, "2027-03-15", "2027-04-30");
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2027-03-22"), TIME_NONE, D("2027-04-02"), "Easter", D("2027-04-30"),
	                           &err), err);
	for (int i = 0; i < 3; i++) {
		enum status rc = i == 0 ? dispute_escalate(&d, p, &f->cal, D("2027-03-30"), TIME_NONE, D("2027-04-30"), NULL,
		                                           D("2027-04-30"), &err)
		               : i == 1 ? dispute_escalate(&d, p, &f->cal, D("2027-03-19"), TIME_NONE, DATE_NONE, NULL,
		                                           D("2027-04-30"), &err)
		                        : dispute_escalate(&d, p, &f->cal, D("2027-05-03"), TIME_NONE, DATE_NONE, NULL,
		                                           D("2027-04-30"), &err);
		assert_int_equal(rc, ST_REFUSED);
		assert_int_equal(d.nstages, 2);
		assert_int_equal(d.current_stage, 2);
		st = dispute_current(&d);
		assert_int_equal(st->number, 2);
		assert_day(st->ended, DATE_NONE);
		assert_int_equal(st->how, SE_NONE);
		assert_day(st->due, D("2027-04-02"));
		assert_string_equal(st->due_reason, "Easter");
		assert_day(d.stages[0].ended, D("2027-03-22"));
		assert_int_equal(d.stages[0].how, SE_ESCALATED);
	}
	assert_string_equal(err.msg, "escalation date 2027-05-03 is after today (2027-04-30)");
	/* and it still escalates normally afterwards: 31 Mar, 1, 2, 5, 6 Apr */
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2027-03-30"), TIME_NONE, DATE_NONE, NULL, D("2027-04-30"), &err),
	          err);
	assert_int_equal(d.nstages, 3);
	assert_day(dispute_current(&d)->due, D("2027-04-06"));
	assert_day(d.stages[1].ended, D("2027-03-30"));
	dispute_free(&d);
}

/* ---- closing ---- */

static void test_close(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "rochdale-adults");
	long today = D("2027-01-08");
	struct dispute d;
	struct error err;

	open_ok(f, &d, "rochdale-adults", false, "2026-12-21", "2027-01-08");
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-12-23"), TIME_NONE, DATE_NONE, NULL, today, &err), err);
	assert_ok(dispute_resolve(&d, D("2027-01-05"), "Assessment to be repeated jointly.\r\n",
	                          "Review at the next strategy meeting.", today, &err), err);
	assert_int_equal(d.status, DS_RESOLVED);
	assert_day(d.closed, D("2027-01-05"));
	assert_string_equal(d.outcome, "Assessment to be repeated jointly.");
	assert_string_equal(d.outstanding, "Review at the next strategy meeting.");
	assert_day(d.stages[1].ended, D("2027-01-05"));
	assert_int_equal(d.stages[1].how, SE_RESOLVED);
	assert_int_equal(d.stages[1].sequence, 1);
	assert_int_equal(d.stages[0].how, SE_ESCALATED);
	dispute_free(&d);

	/* the day the stage started is fine */
	open_ok(f, &d, "rochdale-adults", false, "2026-12-21", "2027-01-08");
	assert_ok(dispute_withdraw(&d, D("2026-12-21"), "Raised in error", today, &err), err);
	assert_int_equal(d.status, DS_WITHDRAWN);
	assert_string_equal(d.outcome, "Raised in error");
	assert_null(d.outstanding);
	assert_int_equal(dispute_current(&d)->how, SE_WITHDRAWN);
	dispute_free(&d);

	open_ok(f, &d, "rochdale-adults", false, "2026-12-21", "2027-01-08");
	assert_ok(dispute_refer(&d, today, "RBSAB Chair via the Business Manager", today, &err), err);
	assert_int_equal(d.status, DS_REFERRED);
	assert_day(d.closed, today);
	assert_string_equal(d.outcome, "RBSAB Chair via the Business Manager");
	assert_int_equal(dispute_current(&d)->how, SE_REFERRED);
	assert_day(dispute_current(&d)->ended, today);
	dispute_free(&d);
}

static void test_closed_refuses_everything(void **state)
{
	static const struct {
		const char *status;
	} closings[] = { { "resolved" }, { "withdrawn" }, { "referred" } };
	static const char *const verbs[] = {
		"escalated", "resolved", "withdrawn", "referred on", "given a new due date", "formally challenged",
		"changed",
	};
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales");
	long today = D("2027-01-08");

	for (size_t c = 0; c < N(closings); c++) {
		for (size_t v = 0; v < N(verbs); v++) {
			struct dispute d;
			struct error err;
			enum status rc = ST_OK;
			char want[128];
			int left = 99;

			open_ok(f, &d, "north-wales", false, "2026-12-21", "2027-01-08");
			d.challenged = v == 6 ? D("2026-12-22") : DATE_NONE;
			if (c == 0)
				assert_ok(dispute_resolve(&d, D("2027-01-04"), "Agreed", NULL, today, &err), err);
			else if (c == 1)
				assert_ok(dispute_withdraw(&d, D("2027-01-04"), "Withdrawn", today, &err), err);
			else
				assert_ok(dispute_refer(&d, D("2027-01-04"), "Board", today, &err), err);
			switch (v) {
			case 0: rc = dispute_escalate(&d, p, &f->cal, today, TIME_NONE, DATE_NONE, NULL, today, &err); break;
			case 1: rc = dispute_resolve(&d, today, "Again", NULL, today, &err); break;
			case 2: rc = dispute_withdraw(&d, today, "Again", today, &err); break;
			case 3: rc = dispute_refer(&d, today, "Again", today, &err); break;
			case 4: rc = dispute_set_due(&d, p, &f->cal, D("2026-12-24"), NULL, today, &err); break;
			case 5: rc = dispute_challenge(&d, today, true, today, &err); break;
			case 6: rc = dispute_challenge(&d, today, false, today, &err); break;
			}
			snprintf(want, sizeof(want), REF " is %s; it cannot be %s", closings[c].status, verbs[v]);
			assert_fails(rc, err, ST_REFUSED, want);
			assert_int_equal(d.nstages, 1);
			assert_day(d.closed, D("2027-01-04"));
			assert_string_equal(d.outcome, c == 0 ? "Agreed" : c == 1 ? "Withdrawn" : "Board");
			/* and a closed dispute has no running deadline */
			assert_fails(dispute_days_left(&d, p, &f->cal, today, &left, &err), err, ST_NOTFOUND,
			             REF " has no running deadline");
			assert_int_equal(left, 99);
			dispute_free(&d);
		}
	}
}

/* ---- the formal challenge flag ---- */

static void test_challenge(void **state)
{
	const struct fx *f = *state;
	long today = D("2027-01-06");
	struct dispute d;
	struct error err;

	open_ok(f, &d, "newcastle", false, "2026-12-21", "2027-01-06");
	assert_day(d.challenged, DATE_NONE);
	assert_ok(dispute_challenge(&d, D("2026-12-21"), true, today, &err), err);
	assert_day(d.challenged, D("2026-12-21"));
	assert_fails(dispute_challenge(&d, D("2027-01-05"), true, today, &err), err, ST_REFUSED,
	             REF " was already formally challenged on 2026-12-21");
	assert_day(d.challenged, D("2026-12-21"));
	assert_ok(dispute_challenge(&d, today, false, today, &err), err);
	assert_day(d.challenged, DATE_NONE);
	assert_fails(dispute_challenge(&d, today, false, today, &err), err, ST_REFUSED,
	             REF " has no formal challenge to clear");
	assert_ok(dispute_challenge(&d, today, true, today, &err), err);
	assert_day(d.challenged, today);
	dispute_free(&d);
}

/* ---- working days left ---- */

static void test_days_left(void **state)
{
	static const struct {
		const char *today;
		int left;
	} cases[] = {
		{ "2026-12-22", 5 },     /* 23, 24, 29, 30, 31 */
		{ "2026-12-24", 3 },
		{ "2026-12-25", 3 },     /* Christmas Day counts as nothing */
		{ "2026-12-27", 3 },
		{ "2026-12-28", 3 },
		{ "2026-12-30", 1 },
		{ "2026-12-31", 0 },     /* due today */
		/* past the due date but no working day since: still overdue */
		{ "2027-01-01", -1 },
		{ "2027-01-03", -1 },
		{ "2027-01-04", -1 },
		{ "2027-01-08", -5 },
		{ "2027-01-11", -6 },
	};
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales"), *cr = proto(f, "conflict-resolution");
	struct dispute d;
	struct error err;
	int left;

	open_ok(f, &d, "north-wales", false, "2026-12-22", "2026-12-22");
	assert_day(dispute_current(&d)->due, D("2026-12-31"));
	for (size_t i = 0; i < N(cases); i++) {
		assert_ok(dispute_days_left(&d, p, &f->cal, D(cases[i].today), &left, &err), err);
		if (left != cases[i].left)
			fail_msg("on %s: %d working days left, want %d", cases[i].today, left, cases[i].left);
	}
	dispute_free(&d);

	/* no due date ("without delay", nothing agreed) */
	open_ok(f, &d, "conflict-resolution", false, "2026-12-24", "2027-01-06");
	assert_ok(dispute_escalate(&d, cr, &f->cal, D("2026-12-29"), TIME_NONE, DATE_NONE, NULL, D("2027-01-06"), &err),
	          err);
	assert_fails(dispute_days_left(&d, cr, &f->cal, D("2027-01-06"), &left, &err), err, ST_NOTFOUND,
	             REF " has no running deadline");
	assert_ok(dispute_set_due(&d, cr, &f->cal, D("2027-01-08"), NULL, D("2027-01-06"), &err), err);
	assert_ok(dispute_days_left(&d, cr, &f->cal, D("2027-01-06"), &left, &err), err);
	assert_int_equal(left, 2);
	dispute_free(&d);
}

static void test_closures_move_due_dates(void **state)
{
	const struct fx *f = *state;
	struct calendar cal = f->cal;       /* shallow: only the closures are replaced */
	struct dispute_new a = new_args("2026-12-22", false);
	struct dispute d;
	struct error err;
	int left;

	/* the office closed 29-31 Dec: 23, 24 Dec, 4, 5, 6 Jan */
	cal.closures = NULL;
	cal.nclosures = cal.closures_cap = 0;
	calendar_add_closure(&cal, D("2026-12-29"));
	calendar_add_closure(&cal, D("2026-12-30"));
	calendar_add_closure(&cal, D("2026-12-31"));
	dispute_init(&d);
	assert_ok(dispute_open(&d, proto(f, "north-wales"), &cal, &a, D("2026-12-22"), &err), err);
	assert_day(dispute_current(&d)->due, D("2027-01-06"));
	assert_ok(dispute_days_left(&d, proto(f, "north-wales"), &cal, D("2026-12-24"), &left, &err), err);
	assert_int_equal(left, 3);
	dispute_free(&d);
	free(cal.closures);
}

/* ---- the journal's state lines ---- */

/* Every change, as the service journals it, replays from the lines alone:
 * opening (a summary with a newline), escalating with an agreed date and
 * a reason with a backslash in it, resolving. */
static void test_journal_replay(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales");
	struct dispute d, before, replayed;
	struct error err;
	char *lines, diff[256];

	open_ok(f, &d, "north-wales", false, "2026-11-02", "2026-11-02");
	dispute_init(&replayed);
	dispute_init(&before);
	lines = journal_delta(NULL, &d);
	assert_string_equal(lines,
		"reference=" REF "\n"
		"protocol=north-wales\n"
		"urgent=0\n"
		"subject=Case 4711 (J.S.)\n"
		"raised_by=Northgate Primary School\n"
		"against=Children's Social Care\n"
		"category=thresholds\n"
		"summary=Referral not accepted.\\nSchool thinks the threshold is met.\n"
		"opened=2026-11-02\n"
		"status=open\n"
		"stage.1.started=2026-11-02\n"
		"stage.1.due=2026-11-09\n"
		"stage.1.limit_due=2026-11-09\n"
		"stage.1.due_agreed=0\n"
		"stage.1.sequence=0\n");
	assert_ok(journal_apply(&replayed, lines, &err), err);
	free(lines);
	assert_true(journal_same(&d, &replayed, "a", "b", diff, sizeof(diff)));

	dispute_copy(&before, &d);
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-11-04"), TIME_NONE, D("2026-11-20"),
	                           "Manager away \\ back on the 16th", D("2026-11-04"), &err), err);
	lines = journal_delta(&before, &d);
	assert_string_equal(lines,
		"stage.1.ended=2026-11-04\n"
		"stage.1.how=escalated\n"
		"stage.1.sequence=1\n"
		"stage.2.started=2026-11-04\n"
		"stage.2.due=2026-11-20\n"
		"stage.2.limit_due=2026-11-11\n"
		"stage.2.due_agreed=1\n"
		"stage.2.due_reason=Manager away \\\\ back on the 16th\n"
		"stage.2.sequence=0\n");
	assert_ok(journal_apply(&replayed, lines, &err), err);
	free(lines);
	assert_true(journal_same(&d, &replayed, "a", "b", diff, sizeof(diff)));
	assert_int_equal(replayed.current_stage, 2);
	assert_string_equal(replayed.stages[1].due_reason, "Manager away \\ back on the 16th");

	dispute_copy(&before, &d);
	assert_ok(dispute_resolve(&d, D("2026-11-06"), "Agreed", NULL, D("2026-11-06"), &err), err);
	lines = journal_delta(&before, &d);
	assert_ok(journal_apply(&replayed, lines, &err), err);
	free(lines);
	assert_true(journal_same(&d, &replayed, "a", "b", diff, sizeof(diff)));

	/* What replay is for: a difference is named, with both values. */
	replayed.stages[1].due = D("2026-12-31");
	assert_false(journal_same(&d, &replayed, "in the tables", "in the journal", diff, sizeof(diff)));
	assert_string_equal(diff, "stage.2.due: 2026-11-20 in the tables, 2026-12-31 in the journal");
	free(replayed.outcome);
	replayed.outcome = NULL;
	assert_false(journal_same(&d, &replayed, "here", "there", diff, sizeof(diff)));
	assert_string_equal(diff, "outcome: Agreed here, (none) there");
	/* a stage gone, and lines that cannot be read */
	assert_ok(journal_apply(&replayed, "stage.2.gone\n", &err), err);
	assert_int_equal(replayed.nstages, 1);
	assert_int_equal(replayed.current_stage, 1);
	assert_fails(journal_apply(&replayed, "colour=red\n", &err), err, ST_INVALID,
	             "journal state line \"colour=red\": no such field");
	assert_fails(journal_apply(&replayed, "stage.1.due=tomorrow\n", &err), err, ST_INVALID,
	             "journal state line \"stage.1.due=tomorrow\": the value cannot be read");
	assert_fails(journal_apply(&replayed, "summary=a\\tb\n", &err), err, ST_INVALID,
	             "journal state line \"summary=a\\tb\": a broken escape");
	assert_fails(journal_apply(&replayed, "status=open", &err), err, ST_INVALID,
	             "journal state line \"status=open\": not ended");
	dispute_free(&d);
	dispute_free(&before);
	dispute_free(&replayed);
}


/* ---- protocols as the partnerships wrote them ---- */

/* The partnership body is named by its body or an alias, as whole words. */
static void test_names_body(void **state)
{
	static const struct {
		const char *id, *text;
		bool body;
	} cases[] = {
		{ "sunderland", "SSCP", true },
		{ "sunderland", "the SSCP Strategic Business Manager", true },
		{ "sunderland", "Sunderland Safeguarding Children Partnership", true },
		{ "sunderland", "the partnership", true },
		{ "sunderland", "Ofsted", false },
		{ "sunderland", "CQC", false },
		{ "sunderland", "SSCPs", false },
		{ "rochdale-adults", "RBSAB Business Unit", true },
		{ "rochdale-adults", "business unit", true },
		{ "rochdale-adults", "the Court of Protection", false },
		{ "newcastle", "the Partnership Coordinator", true },
		{ "newcastle", "the Local Authority Designated Officer", false },
		{ "conflict-resolution", "the Safeguarding Children Board Chair", true },
		{ "conflict-resolution", "a multi-agency case review", false },
		{ "north-wales", "NWSB", true },
		{ "north-wales", "Care Inspectorate Wales", false },
	};
	const struct fx *f = *state;

	for (size_t i = 0; i < N(cases); i++)
		if (protocol_names_body(proto(f, cases[i].id), cases[i].text) != cases[i].body)
			fail_msg("%s: \"%s\" should %sname the partnership body", cases[i].id, cases[i].text,
			         cases[i].body ? "" : "not ");
	assert_false(protocol_names_body(NULL, "SSCP"));
	assert_false(protocol_names_body(proto(f, "sunderland"), NULL));
}

/* Referral to the partnership keeps a dispute open; beyond it closes it;
 * a closed dispute reopens at its stage, afresh. */
static void test_refer_and_reopen(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "sunderland");
	struct dispute d;
	struct error err;

	open_ok(f, &d, "sunderland", false, "2026-11-02", "2026-11-02");
	assert_fails(dispute_reopen(&d, p, &f->cal, D("2026-11-03"), TIME_NONE, "why", D("2026-11-03"), &err), err,
	             ST_REFUSED, "D-2026-0001 is open; only a closed dispute can be reopened");
	assert_ok(dispute_refer_partnership(&d, p, D("2026-11-04"), "the SSCP", D("2026-11-04"), &err), err);
	assert_int_equal(d.status, DS_OPEN);
	assert_day(d.referred, D("2026-11-04"));
	assert_string_equal(d.referred_to, "the SSCP");
	assert_fails(dispute_refer_partnership(&d, p, D("2026-11-05"), "SSCP", D("2026-11-05"), &err), err, ST_REFUSED,
	             "D-2026-0001 was referred to the SSCP (its Strategic Business Manager) on 2026-11-04 already");
	assert_ok(dispute_refer(&d, D("2026-11-06"), "Ofsted", D("2026-11-06"), &err), err);
	assert_int_equal(d.status, DS_REFERRED);
	assert_fails(dispute_refer_partnership(&d, p, D("2026-11-06"), "SSCP", D("2026-11-06"), &err), err, ST_REFUSED,
	             "D-2026-0001 is referred; it cannot be referred");
	assert_fails(dispute_reopen(&d, p, &f->cal, D("2026-11-09"), TIME_NONE, " ", D("2026-11-09"), &err), err,
	             ST_INVALID, "the reason is empty");
	assert_fails(dispute_reopen(&d, p, &f->cal, D("2026-11-05"), TIME_NONE, "why", D("2026-11-09"), &err), err,
	             ST_REFUSED, "reopening date 2026-11-05 is before it was closed (2026-11-06)");
	assert_ok(dispute_reopen(&d, p, &f->cal, D("2026-11-09"), TIME_NONE, "Ofsted sent it back", D("2026-11-09"), &err),
	          err);
	assert_int_equal(d.status, DS_OPEN);
	assert_day(d.closed, DATE_NONE);
	assert_null(d.outcome);
	assert_int_equal(d.nstages, 2);
	assert_int_equal(d.stages[0].how, SE_REFERRED);
	assert_int_equal(d.stages[1].number, 2);
	assert_int_equal(stage_step(&d.stages[1]), 1);
	assert_int_equal(d.stages[1].step, 1);          /* kept: it differs from its place */
	assert_day(d.stages[1].started, D("2026-11-09"));
	assert_day(d.stages[1].due, D("2026-11-16"));
	assert_day(d.referred, D("2026-11-04"));        /* the referral stays on record */
	dispute_free(&d);
}

/* Newcastle: to the immediate route from any step, back to step 5 or 6. */
static void test_switch_route(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "newcastle");
	struct dispute d;
	struct error err;
	char label[32];

	open_ok(f, &d, "newcastle", false, "2026-11-02", "2026-11-02");
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-11-04"), TIME_NONE, DATE_NONE, NULL, D("2026-11-04"), &err), err);
	assert_fails(dispute_switch(&d, p, &f->cal, D("2026-11-05"), 600, false, 5, D("2026-11-05"), &err), err,
	             ST_REFUSED, "D-2026-0001 is not on Immediate/24-hour escalation");
	assert_ok(dispute_switch(&d, p, &f->cal, D("2026-11-05"), 14 * 60 + 30, true, 0, D("2026-11-05"), &err), err);
	assert_true(d.urgent);
	assert_int_equal(d.nstages, 3);
	/* the stages before keep the route they followed */
	assert_int_equal(d.stages[0].route, ROUTE_NORMAL);
	assert_int_equal(d.stages[1].route, ROUTE_NORMAL);
	assert_int_equal(d.stages[1].how, SE_ESCALATED);
	assert_day(d.stages[1].ended, D("2026-11-05"));
	assert_int_equal(d.stages[2].route, ROUTE_URGENT);
	assert_string_equal(stage_label(p, &d, &d.stages[2], label, sizeof(label)), "urgent stage 1");
	assert_string_equal(dispute_stage_name(p, &d, 3), "Urgent review by the Service Manager");
	assert_string_equal(dispute_stage_name(p, &d, 2), "Professional to professional");
	assert_day(d.stages[2].due, D("2026-11-06"));
	assert_int_equal(d.stages[2].due_minute, 14 * 60 + 30);
	assert_fails(dispute_switch(&d, p, &f->cal, D("2026-11-05"), 600, true, 0, D("2026-11-05"), &err), err, ST_REFUSED,
	             "D-2026-0001 is on Immediate/24-hour escalation already, at urgent stage 1");
	assert_fails(dispute_switch(&d, p, &f->cal, D("2026-11-06"), 600, false, 4, D("2026-11-06"), &err), err,
	             ST_REFUSED, "newcastle returns from Immediate/24-hour escalation to stage 5 or 6 only");
	assert_ok(dispute_switch(&d, p, &f->cal, D("2026-11-06"), 600, false, 6, D("2026-11-06"), &err), err);
	assert_int_equal(d.stages[3].route, ROUTE_NORMAL);
	assert_int_equal(stage_step(&d.stages[3]), 6);
	assert_day(d.stages[3].due, D("2026-11-26"));   /* fourteen working days */
	assert_fails(dispute_escalate(&d, p, &f->cal, D("2026-11-09"), TIME_NONE, DATE_NONE, NULL, D("2026-11-09"), &err),
	             err, ST_REFUSED,
	             "D-2026-0001 is at stage 6 of 6, the last stage of newcastle; resolve it, withdraw it or refer it on");
	dispute_free(&d);

	/* Rochdale runs its stages: urgency marks it, and the Business Unit is told that day */
	p = proto(f, "rochdale-adults");
	open_ok(f, &d, "rochdale-adults", false, "2026-11-02", "2026-11-02");
	assert_false(dispute_asks_sooner(p, &d));
	assert_ok(dispute_switch(&d, p, &f->cal, D("2026-11-03"), TIME_NONE, true, 0, D("2026-11-03"), &err), err);
	assert_true(d.urgent);
	assert_int_equal(d.nstages, 1);
	assert_day(d.inform_due, D("2026-11-03"));
	assert_true(dispute_asks_sooner(p, &d));
	assert_ok(dispute_switch(&d, p, &f->cal, D("2026-11-04"), TIME_NONE, false, 0, D("2026-11-04"), &err), err);
	assert_false(d.urgent);
	assert_day(d.inform_due, DATE_NONE);
	assert_fails(dispute_switch(&d, p, &f->cal, D("2026-11-04"), TIME_NONE, false, 0, D("2026-11-04"), &err), err,
	             ST_REFUSED, "D-2026-0001 is not urgent already");
	dispute_free(&d);
}

/* Sunderland: the month is a deadline, a stage's limit is cut to it, a
 * date beyond it needs a reason; step 2 agrees two timescales. */
static void test_process_and_response(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "sunderland");
	struct deadline v[DL_COUNT];
	struct dispute d;
	struct error err;
	struct left l;

	open_ok(f, &d, "sunderland", false, "2026-11-02", "2026-11-02");
	assert_day(d.process_due, D("2026-12-02"));
	assert_fails(dispute_set_response(&d, p, &f->cal, D("2026-11-05"), NULL, D("2026-11-02"), &err), err, ST_REFUSED,
	             "sunderland agrees no second timescale at stage 1");
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-11-04"), TIME_NONE, D("2026-11-06"), NULL, D("2026-11-04"), &err),
	          err);
	assert_day(d.stages[1].response_due, D("2026-11-11"));  /* its limit until agreed */
	assert_fails(dispute_set_response(&d, p, &f->cal, D("2026-11-12"), NULL, D("2026-11-04"), &err), err, ST_REFUSED,
	             "response date 2026-11-12 is later than the protocol limit (2026-11-11, agreed, at most 5 working "
	             "days); give a reason");
	assert_fails(dispute_set_response(&d, p, &f->cal, D("2026-11-07"), NULL, D("2026-11-04"), &err), err, ST_REFUSED,
	             "response date 2026-11-07 is a Saturday; agree a working day");
	assert_ok(dispute_set_response(&d, p, &f->cal, D("2026-11-09"), NULL, D("2026-11-04"), &err), err);
	assert_day(d.stages[1].response_due, D("2026-11-09"));
	assert_int_equal(dispute_deadlines(&d, v), 3);
	assert_int_equal(v[0].kind, DL_STAGE);
	assert_day(v[0].due, D("2026-11-06"));
	assert_int_equal(v[1].kind, DL_RESPONSE);
	assert_day(v[1].due, D("2026-11-09"));
	assert_int_equal(v[2].kind, DL_PROCESS);
	assert_day(v[2].due, D("2026-12-02"));
	/* the stage's own comes first; once it has passed, the list says so */
	l = dispute_left(&d, p, &f->cal, D("2026-11-10"), TIME_NONE);
	assert_int_equal(l.kind, LEFT_OVERDUE);
	assert_int_equal(l.what, DL_STAGE);
	assert_int_equal(l.days, 2);

	/* step 4 from 25 November: five working days run to 2 December, the month's end */
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-11-11"), TIME_NONE, DATE_NONE, NULL, D("2026-11-11"), &err), err);
	assert_fails(dispute_escalate(&d, p, &f->cal, D("2026-11-25"), TIME_NONE, D("2026-12-03"), NULL, D("2026-11-25"),
	                              &err), err, ST_REFUSED,
	             "due date 2026-12-03 is later than Whole process allows (1 month, 2026-12-02); give a reason");
	assert_int_equal(d.nstages, 3);
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-11-27"), TIME_NONE, DATE_NONE, NULL, D("2026-11-27"), &err), err);
	assert_day(d.stages[3].limit_due, D("2026-12-02"));     /* 4 December, cut to the month */
	assert_day(d.stages[3].due, D("2026-12-02"));
	/* after the month, the stage's own limit stands, the month overdue */
	l = dispute_left(&d, p, &f->cal, D("2026-12-03"), TIME_NONE);
	assert_int_equal(l.kind, LEFT_OVERDUE);
	dispute_free(&d);
}

/* The Conflict Resolution Policy: the line managers' twenty-four hours
 * after the practitioners' day; "without delay" comes back the next
 * working day; stage 3 is the formal challenge. */
static void test_then_follow_up_formal(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "conflict-resolution");
	struct dispute_new a = new_args("2026-11-26", false);
	struct deadline v[DL_COUNT];
	struct dispute d;
	struct error err;
	struct left l;
	char words[64];

	a.minute = 10 * 60 + 30;
	dispute_init(&d);
	assert_ok(dispute_open(&d, p, &f->cal, &a, D("2026-11-26"), &err), err);
	assert_day(d.stages[0].due, D("2026-11-27"));
	assert_day(d.stages[0].then_due, D("2026-11-28"));
	assert_int_equal(d.stages[0].then_minute, 10 * 60 + 30);
	assert_int_equal(dispute_deadlines(&d, v), 2);
	assert_int_equal(v[1].kind, DL_THEN);
	/* Saturday 10:30: after today, but no working day before it */
	l = deadline_left(&d, p, &f->cal, &v[1], D("2026-11-27"), 12 * 60);
	assert_int_equal(l.kind, LEFT_AHEAD);
	assert_string_equal(left_text(&l, false, words, sizeof(words)), "Sat 10:30");
	assert_fails(dispute_challenge_allowed(&d, p, &err), err, ST_REFUSED,
	             "under conflict-resolution the formal challenge is stage 3 (Formal dispute procedure (the formal "
	             "challenge)): escalating to it sets the flag");
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-11-27"), TIME_NONE, DATE_NONE, NULL, D("2026-11-27"), &err), err);
	assert_day(d.stages[1].due, DATE_NONE);
	assert_day(d.stages[1].follow_up, D("2026-11-30"));
	assert_int_equal(dispute_deadlines(&d, v), 1);
	assert_int_equal(v[0].kind, DL_FOLLOW_UP);
	l = dispute_left(&d, p, &f->cal, D("2026-12-01"), TIME_NONE);
	assert_int_equal(l.kind, LEFT_OVERDUE);
	assert_int_equal(l.what, DL_FOLLOW_UP);
	assert_ok(dispute_set_due(&d, p, &f->cal, D("2026-12-04"), NULL, D("2026-11-27"), &err), err);
	assert_int_equal(dispute_deadlines(&d, v), 1);
	assert_int_equal(v[0].kind, DL_STAGE);      /* agreed: the follow-up is done with */
	assert_day(d.challenged, DATE_NONE);
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-12-01"), TIME_NONE, DATE_NONE, NULL, D("2026-12-01"), &err), err);
	assert_day(d.challenged, D("2026-12-01"));
	dispute_free(&d);
}

/* Newcastle's conference dissent: no clock at first, the steps' limits once
 * taken further. */
static void test_unclocked_into_steps(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "newcastle");
	struct dispute_new a = new_args("2026-11-30", false);
	struct deadline v[DL_COUNT];
	struct dispute d;
	struct error err;

	a.category = "conference-dissent";
	dispute_init(&d);
	assert_ok(dispute_open(&d, p, &f->cal, &a, D("2026-11-30"), &err), err);
	assert_day(d.stages[0].due, DATE_NONE);
	assert_day(d.stages[0].follow_up, DATE_NONE);
	assert_int_equal(dispute_deadlines(&d, v), 0);
	assert_int_equal(dispute_left(&d, p, &f->cal, D("2026-12-01"), TIME_NONE).kind, LEFT_NO_LIMIT);
	assert_ok(dispute_escalate(&d, p, &f->cal, D("2026-12-02"), TIME_NONE, DATE_NONE, NULL, D("2026-12-02"), &err), err);
	assert_day(d.stages[1].due, D("2026-12-09"));
	dispute_free(&d);
}

/* Every new field is journalled and replays: a dispute taken through a
 * route change, a second timescale, a referral and a reopening is the same
 * again from its deltas alone. */
static void test_journal_new_fields(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "newcastle"), *s = proto(f, "sunderland");
	struct dispute d, before, replay;
	struct error err;
	char diff[256], *delta;

	dispute_init(&replay);
	open_ok(f, &d, "newcastle", false, "2026-11-02", "2026-11-02");
	delta = journal_delta(NULL, &d);
	assert_ok(journal_apply(&replay, delta, &err), err);
	free(delta);
	dispute_init(&before);
	dispute_copy(&before, &d);
	assert_ok(dispute_switch(&d, p, &f->cal, D("2026-11-03"), 600, true, 0, D("2026-11-03"), &err), err);
	delta = journal_delta(&before, &d);
	assert_string_equal(delta, "urgent=1\nstage.1.ended=2026-11-03\nstage.1.how=escalated\nstage.1.sequence=1\n"
	                           "stage.1.route=1\nstage.2.started=2026-11-03\nstage.2.due=2026-11-04\n"
	                           "stage.2.due_minute=600\nstage.2.limit_due=2026-11-04\nstage.2.due_agreed=0\n"
	                           "stage.2.sequence=0\nstage.2.route=2\nstage.2.step=1\n");
	assert_ok(journal_apply(&replay, delta, &err), err);
	free(delta);
	assert_true(journal_same(&d, &replay, "here", "replayed", diff, sizeof(diff)));
	dispute_free(&before);
	dispute_free(&d);
	dispute_free(&replay);

	dispute_init(&replay);
	open_ok(f, &d, "sunderland", false, "2026-11-02", "2026-11-02");
	delta = journal_delta(NULL, &d);
	assert_non_null(strstr(delta, "process_due=2026-12-02\n"));
	assert_ok(journal_apply(&replay, delta, &err), err);
	free(delta);
	dispute_init(&before);
	dispute_copy(&before, &d);
	assert_ok(dispute_escalate(&d, s, &f->cal, D("2026-11-04"), TIME_NONE, DATE_NONE, NULL, D("2026-11-04"), &err), err);
	assert_ok(dispute_set_response(&d, s, &f->cal, D("2026-11-09"), NULL, D("2026-11-04"), &err), err);
	assert_ok(dispute_refer_partnership(&d, s, D("2026-11-05"), "SSCP", D("2026-11-05"), &err), err);
	assert_ok(dispute_resolve(&d, D("2026-11-06"), "Agreed", NULL, D("2026-11-06"), &err), err);
	assert_ok(dispute_reopen(&d, s, &f->cal, D("2026-11-09"), TIME_NONE, "Not done", D("2026-11-09"), &err), err);
	delta = journal_delta(&before, &d);
	assert_non_null(strstr(delta, "referred=2026-11-05\nreferred_to=SSCP\n"));
	assert_non_null(strstr(delta, "stage.2.response_due=2026-11-09\n"));
	assert_non_null(strstr(delta, "stage.3.step=2\n"));
	assert_ok(journal_apply(&replay, delta, &err), err);
	free(delta);
	if (!journal_same(&d, &replay, "here", "replayed", diff, sizeof(diff)))
		fail_msg("%s", diff);
	dispute_free(&before);
	dispute_free(&d);
	dispute_free(&replay);
}

/* The lists a dispute holds besides its stages are state too: their lines,
 * replayed, and a difference named. */
static void test_journal_lists(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "rochdale-adults");
	static const char *const others[] = { "Northumbria Police", "Health" };
	static const char *const subjects[] = { "Case 4712 (K.S.)" };
	struct dispute_new a = new_args("2026-11-02", false);
	struct dispute d, before, replayed;
	struct error err;
	char *lines, diff[256];

	a.category = "roles";
	a.others = others;
	a.nothers = 2;
	a.subjects = subjects;
	a.nsubjects = 1;
	a.owner = "Siân Jones";
	dispute_init(&d);
	dispute_init(&before);
	dispute_init(&replayed);
	assert_ok(dispute_open(&d, p, &f->cal, &a, D("2026-11-02"), &err), err);
	snprintf(d.reference, sizeof(d.reference), "%s", REF);
	lines = journal_delta(NULL, &d);
	assert_non_null(strstr(lines, "status=open\nowner=Siân Jones\nstage.1.started=2026-11-02\n"));
	assert_non_null(strstr(lines, "stage.1.sequence=0\nagainst.2=Northumbria Police\nagainst.3=Health\n"
	                              "subject.2=Case 4712 (K.S.)\n"));
	assert_ok(journal_apply(&replayed, lines, &err), err);
	free(lines);
	assert_true(journal_same(&d, &replayed, "a", "b", diff, sizeof(diff)));
	assert_int_equal(dispute_agency_count(&replayed), 3);
	assert_string_equal(dispute_agency(&replayed, 2), "Health");
	assert_null(dispute_agency(&replayed, 3));
	assert_int_equal(dispute_party(&replayed, "health"), 3);
	assert_string_equal(dispute_subject(&replayed, 1), "Case 4712 (K.S.)");

	/* a counterpart for the second agency, a tick, a follow-up, a handover */
	dispute_copy(&before, &d);
	assert_ok(dispute_set_party_counterpart(&d, 1, 2, 17, &err), err);
	assert_ok(dispute_tick(&d, p, 1, 1, D("2026-11-03"), "Siân Jones (DSL)", D("2026-11-04"), &err), err);
	assert_ok(dispute_set_detail(&d, 12, D("2026-11-04"), 5, "TM to confirm in writing", D("2026-11-06"), &err),
	          err);
	assert_ok(dispute_set_owner(&d, "Łukasz Nowak", &err), err);
	lines = journal_delta(&before, &d);
	assert_string_equal(lines,
		"owner=Łukasz Nowak\n"
		"counterpart.1.2=17\n"
		"done.1.stage=1\n"
		"done.1.text=Record the discussions in writing on the service user's file, stating that a formal "
		"challenge has been lodged\n"
		"done.1.on=2026-11-03\n"
		"done.1.by=Siân Jones (DSL)\n"
		"record.12.contact=5\n"
		"record.12.next=TM to confirm in writing\n"
		"record.12.due=2026-11-06\n");
	assert_ok(journal_apply(&replayed, lines, &err), err);
	free(lines);
	assert_true(journal_same(&d, &replayed, "a", "b", diff, sizeof(diff)));
	assert_int_equal(dispute_counterpart(&replayed, 1, 2), 17);
	assert_int_equal(dispute_counterpart(&replayed, 1, 3), 0);

	/* the follow-up done: item 3 of the checklist (two actions, then it) */
	dispute_copy(&before, &d);
	assert_fails(dispute_tick(&d, p, 0, 1, D("2026-11-05"), "x", D("2026-11-05"), &err), err, ST_REFUSED,
	             "item 1 of " REF " was done on 2026-11-03 by Siân Jones (DSL)");
	assert_ok(dispute_tick(&d, p, 0, 3, D("2026-11-05"), "Łukasz Nowak", D("2026-11-05"), &err), err);
	assert_false(record_detail_open(dispute_detail(&d, 12)));
	lines = journal_delta(&before, &d);
	assert_string_equal(lines, "record.12.done=2026-11-05\nrecord.12.done_by=Łukasz Nowak\n");
	assert_ok(journal_apply(&replayed, lines, &err), err);
	free(lines);
	assert_true(journal_same(&d, &replayed, "a", "b", diff, sizeof(diff)));

	/* a difference is named */
	free(replayed.others[1]);
	replayed.others[1] = xstrdup("Housing");
	assert_false(journal_same(&d, &replayed, "in the tables", "in the journal", diff, sizeof(diff)));
	assert_string_equal(diff, "against.3: Health in the tables, Housing in the journal");
	assert_ok(journal_apply(&replayed, "against.3=Health\ncounterpart.1.2=18\n", &err), err);
	assert_false(journal_same(&d, &replayed, "here", "there", diff, sizeof(diff)));
	assert_string_equal(diff, "counterpart.1.2: 17 here, 18 there");
	assert_ok(journal_apply(&replayed, "counterpart.1.2=17\ndone.1.on=2026-11-04\n", &err), err);
	assert_false(journal_same(&d, &replayed, "here", "there", diff, sizeof(diff)));
	assert_string_equal(diff, "done.1.on: 2026-11-03 here, 2026-11-04 there");
	assert_ok(journal_apply(&replayed, "done.1.on=2026-11-03\nrecord.12.gone\n", &err), err);
	assert_false(journal_same(&d, &replayed, "here", "there", diff, sizeof(diff)));
	assert_string_equal(diff, "record.12: held here, not there");

	/* lines that cannot be read */
	assert_fails(journal_apply(&replayed, "against.5=Housing\n", &err), err, ST_INVALID,
	             "journal state line \"against.5=Housing\": a gap in the list");
	assert_fails(journal_apply(&replayed, "against.1=Housing\n", &err), err, ST_INVALID,
	             "journal state line \"against.1=Housing\": not a place in the list");
	assert_fails(journal_apply(&replayed, "counterpart.1.1=3\n", &err), err, ST_INVALID,
	             "journal state line \"counterpart.1.1=3\": not a stage and an agency");
	assert_fails(journal_apply(&replayed, "done.3.text=x\n", &err), err, ST_INVALID,
	             "journal state line \"done.3.text=x\": a gap in the list");
	assert_fails(journal_apply(&replayed, "record.x.next=y\n", &err), err, ST_INVALID,
	             "journal state line \"record.x.next=y\": not a number and a field");
	assert_fails(journal_apply(&replayed, "record.12.colour=red\n", &err), err, ST_INVALID,
	             "journal state line \"record.12.colour=red\": no such field");
	dispute_free(&d);
	dispute_free(&before);
	dispute_free(&replayed);
}

/* Opening with several agencies and subjects: none twice, none the
 * raising agency; a follow-up's rules. */
static void test_open_lists_refused(void **state)
{
	const struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales");
	static const char *const twice[] = { "Police", "police" };
	static const char *const raising[] = { "northgate primary school" };
	static const char *const subj[] = { "case 4711 (j.s.)" };
	struct dispute_new a = new_args("2026-11-02", false);
	struct dispute d;
	struct error err;

	dispute_init(&d);
	a.others = twice;
	a.nothers = 2;
	assert_fails(dispute_open(&d, p, &f->cal, &a, D("2026-11-02"), &err), err, ST_REFUSED,
	             "police is named twice as an other agency");
	dispute_free(&d);
	a.others = raising;
	a.nothers = 1;
	assert_fails(dispute_open(&d, p, &f->cal, &a, D("2026-11-02"), &err), err, ST_REFUSED,
	             "the raising agency and the other agency are the same (Northgate Primary School)");
	dispute_free(&d);
	a.others = NULL;
	a.nothers = 0;
	a.subjects = subj;
	a.nsubjects = 1;
	assert_fails(dispute_open(&d, p, &f->cal, &a, D("2026-11-02"), &err), err, ST_REFUSED,
	             "the subject case 4711 (j.s.) is given twice");
	dispute_free(&d);

	open_ok(f, &d, "north-wales", false, "2026-11-02", "2026-11-02");
	assert_fails(dispute_set_detail(&d, 3, D("2026-11-02"), 0, "Call back", DATE_NONE, &err), err, ST_INVALID,
	             "the next action needs its date");
	assert_fails(dispute_set_detail(&d, 3, D("2026-11-02"), 0, NULL, DATE_NONE, &err), err, ST_INVALID,
	             "neither a contact nor a next action is given");
	assert_ok(dispute_set_detail(&d, 3, D("2026-11-02"), 4, NULL, DATE_NONE, &err), err);
	assert_fails(dispute_set_detail(&d, 3, D("2026-11-02"), 4, NULL, DATE_NONE, &err), err, ST_REFUSED,
	             "record #3 already names its contact and next action");
	assert_fails(dispute_set_party_counterpart(&d, 1, 2, 9, &err), err, ST_REFUSED, REF " has no other agency 2");
	assert_fails(dispute_set_owner(&d, "", &err), err, ST_INVALID, "the owner's name is empty");
	/* the written confirmation is ticked once the dispute is closed */
	assert_ok(dispute_resolve(&d, D("2026-11-04"), "Agreed", NULL, D("2026-11-04"), &err), err);
	assert_ok(dispute_tick(&d, p, 0, 2, D("2026-11-05"), "lead", D("2026-11-05"), &err), err);
	assert_int_equal(d.ndone, 1);
	dispute_free(&d);
}

/* A closure day of one agency moves only the deadlines that agency must
 * meet: those of the disputes against it, and with several other
 * agencies only when all of them are closed. */
static void test_closures_per_agency(void **state)
{
	struct fx *f = *state;
	const struct protocol *p = proto(f, "north-wales");
	static const char *const two[] = { "Police" };
	struct dispute_new a = new_args("2027-07-21", false);
	struct calendar cal;
	struct dispute d;
	struct error err;

	calendar_init(&cal);
	calendar_view(&f->cal, &cal);
	for (long day = D("2027-07-22"); day <= D("2027-08-31"); day++)
		calendar_add_agency_closure(&cal, day, "Northgate Primary School");
	calendar_add_agency_closure(&cal, D("2027-07-22"), "children's social care");

	/* raised by the school against social care: social care's deadline */
	dispute_init(&d);
	assert_ok(dispute_open(&d, p, &cal, &a, D("2027-07-21"), &err), err);
	assert_day(d.stages[0].due, D("2027-07-29"));  /* social care closed the 22nd only */
	dispute_free(&d);
	/* raised by social care against the school: the school's own */
	a.raised_by = "Children's Social Care";
	a.against = "Northgate Primary School";
	dispute_init(&d);
	assert_ok(dispute_open(&d, p, &cal, &a, D("2027-07-21"), &err), err);
	assert_day(d.stages[0].due, D("2027-09-07"));  /* 1, 2, 3, 6, 7 September; 30 Aug a holiday */
	dispute_free(&d);
	/* against the school and the police: the police still work */
	a.others = two;
	a.nothers = 1;
	dispute_init(&d);
	assert_ok(dispute_open(&d, p, &cal, &a, D("2027-07-21"), &err), err);
	assert_day(d.stages[0].due, D("2027-07-28"));
	dispute_free(&d);
	calendar_free(&cal);
	/* the view borrowed the holidays: the calendar it came from still has them */
	assert_non_null(calendar_holiday(&f->cal, "england-and-wales", D("2027-08-30")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_kind_parse),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_text_check),
		cmocka_unit_test(test_text_check_limits),
		cmocka_unit_test(test_open_each_protocol),
		cmocka_unit_test(test_open_category_words),
		cmocka_unit_test(test_open_refusals),
		cmocka_unit_test(test_open_length_limits),
		cmocka_unit_test(test_escalate_every_stage),
		cmocka_unit_test(test_escalate_same_day),
		cmocka_unit_test(test_escalate_agreed_due),
		cmocka_unit_test(test_timed_agreed_due),
		cmocka_unit_test(test_set_due),
		cmocka_unit_test(test_refusals_leave_dispute_unchanged),
		cmocka_unit_test(test_failed_escalate_keeps_stages),
		cmocka_unit_test(test_close),
		cmocka_unit_test(test_closed_refuses_everything),
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_days_left),
		cmocka_unit_test(test_closures_move_due_dates),
		cmocka_unit_test(test_journal_replay),
		cmocka_unit_test(test_names_body),
		cmocka_unit_test(test_refer_and_reopen),
		cmocka_unit_test(test_switch_route),
		cmocka_unit_test(test_process_and_response),
		cmocka_unit_test(test_then_follow_up_formal),
		cmocka_unit_test(test_unclocked_into_steps),
		cmocka_unit_test(test_journal_new_fields),
		cmocka_unit_test(test_journal_lists),
		cmocka_unit_test(test_open_lists_refused),
		cmocka_unit_test(test_closures_per_agency),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
