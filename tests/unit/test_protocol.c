/* Unit tests for protocol rules: the shipped protocol files, limit phrases, due dates and loader errors. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dispute/calendar.h"
#include "dispute/date.h"
#include "dispute/dispute.h"
#include "dispute/journal.h"
#include "dispute/protocol.h"
#include "dispute/text.h"

#define SHIPPED "data/protocols"
#define HOLIDAYS "data/bank-holidays.csv"
#define EW "england-and-wales"

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct sb sb = {0};
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_appendn(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return sb_take(&sb);
}

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	write_file(dir, name, text, strlen(text));
}

static char *make_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/dispute-protocol-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_tree(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d)) != NULL) {
			char *path;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			path = xasprintf("%s/%s", dir, de->d_name);
			if (unlink(path) != 0)
				rmdir(path);
			free(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

static long day_of(const char *iso)
{
	long d;

	assert_true(date_parse(iso, &d));
	return d;
}

static void load_calendar(struct calendar *cal)
{
	struct error err;
	size_t len = 0;
	char *text = slurp(HOLIDAYS, &len);

	if (!text)
		fail_msg("%s is missing: run the tests from the repository root", HOLIDAYS);
	calendar_init(cal);
	if (calendar_load_csv(cal, text, len, HOLIDAYS, &err) != ST_OK)
		fail_msg("%s", err.msg);
	free(text);
}

/* ---- the shipped protocols ---- */

struct want_stage {
	const char *name;
	enum limit_kind kind;
	int n;
};

struct want_protocol {
	const char *id;
	const char *population;
	const char *partnership;
	size_t nstages;
	struct want_stage stages[8];
	size_t ncategories;
	const char *categories[12];
};

static const struct want_protocol shipped[] = {
	{ "north-wales", "both", "North Wales Safeguarding Board (NWSB)", 4, {
		{ "Practitioner to practitioner", LIMIT_WORKDAYS, 5 },
		{ "Line manager to line manager", LIMIT_WORKDAYS, 5 },
		{ "Named or designated safeguarding leads, or senior operational managers", LIMIT_WORKDAYS, 5 },
		{ "Meeting chaired by a Board member", LIMIT_WORKDAYS, 5 },
	}, 4, { "thresholds", "roles", "action", "information-sharing" } },
	{ "newcastle", "children", "Newcastle Safeguarding Children Partnership", 6, {
		{ "Reflect with co-workers", LIMIT_WORKDAYS, 5 },
		{ "Professional to professional", LIMIT_WORKDAYS, 5 },
		{ "Line manager or agency safeguarding lead", LIMIT_WORKDAYS, 5 },
		{ "Service Manager", LIMIT_WORKDAYS, 5 },
		{ "Assistant Director", LIMIT_WORKDAYS, 5 },
		{ "Safeguarding Children Partnership Coordinator", LIMIT_WORKDAYS, 14 },
	}, 7, { "thresholds", "referral-criteria", "assessment-plan", "enquiry", "action", "cp-conference",
	        "conference-dissent" } },
	{ "conflict-resolution", "children", "Safeguarding Children Board (not named in the source)", 4, {
		{ "Preventing disputes", LIMIT_WORKDAYS, 1 },
		{ "Informal dispute procedure", LIMIT_NONE, 0 },
		{ "Formal dispute procedure (the formal challenge)", LIMIT_NONE, 0 },
		{ "Where disagreements remain", LIMIT_NONE, 0 },
	}, 7, { "thresholds", "referral-criteria", "child-protection", "police-response",
	        "information-sharing", "service-provision", "assessment-plan" } },
	{ "sunderland", "children", "Sunderland Safeguarding Children Partnership (SSCP)", 4, {
		{ "Frontline practitioners", LIMIT_AGREED, 5 },
		{ "Line manager to line manager", LIMIT_AGREED, 5 },
		{ "Line management hierarchies", LIMIT_AGREED, 5 },
		{ "Head of Service and referral to the SSCP", LIMIT_AGREED, 5 },
	}, 5, { "thresholds", "roles", "action", "information-sharing", "service-provision" } },
	{ "rochdale-adults", "adults", "Rochdale Borough Safeguarding Adults Board (RBSAB)", 6, {
		{ "Practitioners", LIMIT_WORKDAYS, 5 },
		{ "First line managers", LIMIT_WORKDAYS, 5 },
		{ "Head of Service or equivalent", LIMIT_WORKDAYS, 5 },
		{ "Safeguarding Lead and Service Manager", LIMIT_WORKDAYS, 5 },
		{ "Heads of Service", LIMIT_WORKDAYS, 5 },
		{ "Board member and RBSAB Chair", LIMIT_WORKDAYS, 5 },
	}, 8, { "referral-criteria", "assessment-plan", "roles", "service-provision",
	        "information-sharing", "thresholds", "action", "mental-capacity" } },
};

#define NSHIPPED (sizeof(shipped) / sizeof(shipped[0]))

static struct protocol_set set;

/* The shipped bank holidays: their divisions are the ones a protocol may name. */
static struct calendar shipped_cal;

static int load_shipped(void **state)
{
	struct error err;

	(void)state;
	load_calendar(&shipped_cal);
	protocol_set_init(&set);
	if (protocol_set_load_dir(&set, SHIPPED, &shipped_cal, &err) != ST_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int free_shipped(void **state)
{
	(void)state;
	protocol_set_free(&set);
	calendar_free(&shipped_cal);
	return 0;
}

static const struct protocol *get(const char *id)
{
	const struct protocol *p = protocol_set_find(&set, id);

	if (!p)
		fail_msg("protocol %s did not load", id);
	return p;
}

static void test_shipped_all_load(void **state)
{
	(void)state;
	for (size_t i = 0; i < set.nproblems; i++)
		fprintf(stderr, "problem: %s\n", set.problems[i]);
	assert_int_equal(set.nproblems, 0);
	assert_int_equal(set.n, NSHIPPED);
	/* name order */
	assert_string_equal(set.v[0]->id, "conflict-resolution");
	assert_string_equal(set.v[1]->id, "newcastle");
	assert_string_equal(set.v[2]->id, "north-wales");
	assert_string_equal(set.v[3]->id, "rochdale-adults");
	assert_string_equal(set.v[4]->id, "sunderland");
}

static void test_shipped_stages(void **state)
{
	(void)state;
	for (size_t i = 0; i < NSHIPPED; i++) {
		const struct want_protocol *w = &shipped[i];
		const struct protocol *p = get(w->id);

		assert_string_equal(p->id, w->id);
		assert_non_null(strstr(p->path, w->id));
		assert_non_null(p->title);
		assert_non_null(p->source);
		assert_string_equal(p->population, w->population);
		assert_string_equal(p->partnership, w->partnership);
		assert_string_equal(p->division, EW);
		assert_string_equal(p->timezone, "Europe/London");
		assert_true(p->nnotices > 0);
		assert_int_equal(p->nstages, w->nstages);
		for (size_t j = 0; j < w->nstages; j++) {
			const struct stage_rule *s = &p->stages[j];

			assert_string_equal(s->name, w->stages[j].name);
			assert_int_equal(s->limit.kind, w->stages[j].kind);
			assert_int_equal(s->limit.n, w->stages[j].n);
			/* every stage says who acts: the two sides, or who decides */
			assert_true(s->ours != NULL || s->parties != NULL || s->arbiter != NULL);
		}
		assert_int_equal(p->ncategories, w->ncategories);
		for (size_t j = 0; j < w->ncategories; j++) {
			assert_string_equal(p->categories[j].key, w->categories[j]);
			assert_true(strlen(p->categories[j].label) > 0);
		}
	}
}

static void test_north_wales(void **state)
{
	const struct protocol *p = get("north-wales");

	(void)state;
	/* no fixed urgent route: a sooner date agreed at each stage */
	assert_non_null(p->urgent);
	assert_true(p->urgent->same_stages);
	assert_null(p->urgent->inform);
	assert_int_equal(p->nspans, 0);
	assert_non_null(strstr(p->scope, "Child Protection Conference appeals"));
	assert_non_null(strstr(p->scope, "whistle-blowing"));
	/* The Board member to chair the meeting is asked for: an action; and
	 * the uninvolved Board member decides there. */
	assert_null(p->stages[3].notice);
	assert_int_equal(p->stages[3].nactions, 1);
	assert_non_null(strstr(p->stages[3].actions[0], "uninvolved agency"));
	assert_non_null(strstr(p->stages[3].arbiter, "uninvolved agency"));
	assert_non_null(strstr(p->stages[3].record, "written confirmation"));
	assert_int_equal(p->nactions, 2);
	assert_string_equal(p->actions[1], "Confirm in writing the agreed outcome and how any outstanding issues will "
	                    "be pursued");
	/* the seed's own words at stage 1, nothing added */
	assert_string_equal(p->stages[0].notice, "Disparity in perceived status or experience may inhibit some "
	                    "workers from resolving the disagreement without support.");
	assert_string_equal(p->body, "the North Wales Safeguarding Board");
}

static void test_newcastle(void **state)
{
	const struct protocol *p = get("newcastle");
	const struct route *r = p->urgent;

	(void)state;
	assert_int_equal(p->nspans, 1);
	assert_string_equal(p->spans[0].name, "Usual process, steps 1-5");
	assert_int_equal(p->spans[0].from, 1);
	assert_int_equal(p->spans[0].to, 5);
	assert_int_equal(p->spans[0].limit.kind, LIMIT_WORKDAYS);
	assert_int_equal(p->spans[0].limit.n, 5);
	assert_true(p->spans[0].advisory);
	assert_non_null(strstr(p->stages[1].record, "formal challenge"));

	assert_non_null(r);
	assert_string_equal(r->name, "Immediate/24-hour escalation");
	assert_false(r->same_stages);
	assert_non_null(strstr(r->when, "significant risk"));
	assert_int_equal(r->nstages, 2);
	assert_string_equal(r->stages[0].name, "Urgent review by the Service Manager");
	assert_string_equal(r->stages[0].theirs, "The relevant Service Manager");
	assert_int_equal(r->stages[0].limit.kind, LIMIT_WORKDAYS);
	assert_int_equal(r->stages[0].limit.n, 1);
	assert_true(r->stages[0].timed);
	assert_false(p->stages[0].timed);
	assert_string_equal(r->stages[1].name, "Head of Service");
	assert_int_equal(r->stages[1].limit.kind, LIMIT_NONE);
	assert_int_equal(r->stages[1].follow_up.kind, LIMIT_WORKDAYS);
	assert_int_equal(r->stages[1].follow_up.n, 1);
	/* back from the Service Manager's review to step 5 or 6 */
	assert_int_equal(r->back_from, 5);
	assert_int_equal(r->back_to, 6);
	/* step 4: referring up the line management structure is the challenging agency's */
	assert_non_null(strstr(p->stages[3].ours, "refers up their own agency's line management structure"));
	assert_string_equal(p->stages[3].theirs, "The relevant Service Manager");
	assert_non_null(strstr(p->stages[5].arbiter, "Coordinator"));
	assert_null(p->stages[5].theirs);
	/* nothing out of scope that the guidance does not put there */
	assert_null(p->scope);
	assert_string_equal(protocol_category(p, "enquiry")->label, "An enquiry (such as a Section 47 Enquiry)");
	assert_string_equal(p->body, "the Safeguarding Children Partnership (its Coordinator)");

	assert_string_equal(protocol_category(p, "cp-conference")->label,
	                    "Need for a Child Protection Conference");
	assert_string_equal(protocol_category(p, "conference-dissent")->label,
	                    "Dissent at a Child Protection Conference");
}

static void test_conflict_resolution(void **state)
{
	const struct protocol *p = get("conflict-resolution");

	(void)state;
	assert_null(p->urgent);
	assert_int_equal(p->nspans, 0);
	assert_non_null(strstr(p->stages[0].then, "line managers"));
	assert_int_equal(p->stages[0].then_limit.kind, LIMIT_HOURS);
	assert_int_equal(p->stages[0].then_limit.n, 24);
	assert_null(p->stages[1].then);
	assert_non_null(strstr(p->stages[1].notice, "CAF/TAC Implementation Officer"));
	for (size_t i = 1; i < 4; i++) {
		assert_int_equal(p->stages[i].follow_up.kind, LIMIT_WORKDAYS);
		assert_int_equal(p->stages[i].follow_up.n, 1);
	}
	/* stage 3: the Head of Service is social care's, whichever side raised it;
	 * it is the formal challenge */
	assert_null(p->stages[2].ours);
	assert_null(p->stages[2].theirs);
	assert_non_null(strstr(p->stages[2].parties, "whichever agency raised the dispute"));
	assert_true(p->stages[2].formal);
	/* stage 4: the Head of Safeguarding decides, neither side */
	assert_non_null(strstr(p->stages[3].arbiter, "Head of Safeguarding"));
	assert_null(p->stages[3].theirs);
	assert_non_null(strstr(p->scope, "Initial Child Protection Conference"));
	assert_non_null(strstr(p->source, "not named"));
}

static void test_sunderland(void **state)
{
	const struct protocol *p = get("sunderland");
	bool inspectorate = false;

	(void)state;
	assert_null(p->urgent);
	assert_true(p->local_categories);
	assert_string_equal(p->stages[1].response, "The other line manager's response");
	assert_string_equal(p->body, "the SSCP (its Strategic Business Manager)");
	assert_int_equal(p->nspans, 1);
	assert_string_equal(p->spans[0].name, "Whole process");
	assert_int_equal(p->spans[0].from, 1);
	assert_int_equal(p->spans[0].to, 4);
	assert_int_equal(p->spans[0].limit.kind, LIMIT_MONTHS);
	assert_int_equal(p->spans[0].limit.n, 1);
	assert_false(p->spans[0].advisory);
	assert_non_null(strstr(p->stages[3].notice, "Ofsted, CQC or HMICFRS"));
	assert_non_null(strstr(p->stages[3].then, "Independent Scrutineer"));
	assert_non_null(strstr(p->stages[3].record, "Appendix 1"));
	for (size_t i = 0; i < p->nnotices; i++)
		inspectorate |= strstr(p->notices[i], "inspectorate") != NULL;
	assert_true(inspectorate);
}

static void test_rochdale(void **state)
{
	const struct protocol *p = get("rochdale-adults");
	const struct stage_rule *rules;
	bool capacity = false, views = false;
	size_t n;

	(void)state;
	assert_int_equal(p->nspans, 0);
	assert_non_null(p->urgent);
	assert_true(p->urgent->same_stages);
	assert_int_equal(p->urgent->nstages, 0);
	assert_non_null(strstr(p->urgent->when, "life-threatening episode"));
	assert_non_null(strstr(p->urgent->notice, "Business Unit"));
	assert_string_equal(p->urgent->inform, "the RBSAB Business Unit");
	/* stage 6: the escalating agency's own Board member */
	assert_string_equal(p->stages[5].ours, "Your agency's Board member");
	assert_null(p->stages[5].theirs);
	/* The Business Unit is told once senior officers are involved: from
	 * stage 3 an action on the checklist, no longer a notice only. */
	assert_int_equal(p->stages[0].nactions, 0);
	assert_int_equal(p->stages[1].nactions, 0);
	assert_int_equal(p->stages[2].nactions, 2);
	assert_string_equal(p->stages[2].actions[0], "Tell the other agency first that you intend to escalate to this "
	                    "level");
	assert_string_equal(p->stages[2].actions[1], "Make the RBSAB Safeguarding Business Unit aware");
	for (size_t i = 3; i < 6; i++) {
		assert_int_equal(p->stages[i].nactions, 1);
		assert_string_equal(p->stages[i].actions[0], "Make sure the RBSAB Safeguarding Business Unit is aware");
	}
	for (size_t i = 0; i < 6; i++)
		assert_null(p->stages[i].notice ? strstr(p->stages[i].notice, "Business Unit") : NULL);
	assert_int_equal(p->nactions, 2);
	assert_non_null(strstr(p->actions[0], "formal challenge has been lodged"));
	for (size_t i = 0; i < p->nnotices; i++) {
		capacity |= strstr(p->notices[i], "Court of Protection") != NULL;
		views |= strstr(p->notices[i], "views, wishes and feelings") != NULL;
	}
	assert_true(capacity);
	assert_true(views);
	rules = protocol_stages(p, true, &n);
	assert_ptr_equal(rules, p->stages);
	assert_int_equal(n, 6);
}

static void test_stages_and_lookups(void **state)
{
	const struct protocol *p = get("newcastle");
	const struct stage_rule *rules;
	size_t n;

	(void)state;
	rules = protocol_stages(p, false, &n);
	assert_ptr_equal(rules, p->stages);
	assert_int_equal(n, 6);
	rules = protocol_stages(p, true, &n);
	assert_ptr_equal(rules, p->urgent->stages);
	assert_int_equal(n, 2);
	rules = protocol_stages(get("north-wales"), true, &n);
	assert_int_equal(n, 4);
	rules = protocol_stages(get("sunderland"), true, &n);
	assert_int_equal(n, 4);

	assert_ptr_equal(protocol_set_find(&set, "NORTH-Wales"), get("north-wales"));
	assert_null(protocol_set_find(&set, "north"));
	assert_null(protocol_set_find(&set, NULL));

	/* keys only: what a person types goes through protocol_category_find */
	assert_string_equal(protocol_category(p, "THRESHOLDS")->key, "thresholds");
	assert_string_equal(protocol_category(p, "conference-dissent")->key, "conference-dissent");
	assert_null(protocol_category(p, "Dissent at a Child Protection Conference"));
	assert_null(protocol_category(p, "conference dissent"));
	assert_null(protocol_category(p, "mental-capacity"));
	assert_null(protocol_category(p, NULL));
}

/* ---- limit phrases ---- */

static void test_limit_parse_accepts(void **state)
{
	static const struct { const char *in; enum limit_kind kind; int n; const char *out; } ok[] = {
		{ "5 working days", LIMIT_WORKDAYS, 5, "5 working days" },
		{ "1 working day", LIMIT_WORKDAYS, 1, "1 working day" },
		{ "14 working days", LIMIT_WORKDAYS, 14, "14 working days" },
		{ "  5   Working\tDays ", LIMIT_WORKDAYS, 5, "5 working days" },
		{ "24 hours", LIMIT_HOURS, 24, "24 hours" },
		{ "1 hour", LIMIT_HOURS, 1, "1 hour" },
		{ "agreed, at most 5 working days", LIMIT_AGREED, 5, "agreed, at most 5 working days" },
		{ "Agreed at most 1 working day", LIMIT_AGREED, 1, "agreed, at most 1 working day" },
		{ "1 month", LIMIT_MONTHS, 1, "1 month" },
		{ "3 months", LIMIT_MONTHS, 3, "3 months" },
		{ "without delay", LIMIT_NONE, 0, "no limit (without delay)" },
		{ "Without Delay", LIMIT_NONE, 0, "no limit (without delay)" },
		{ "none", LIMIT_NONE, 0, "no limit (without delay)" },
		{ "no limit (without delay)", LIMIT_NONE, 0, "no limit (without delay)" },
		{ "168 hours", LIMIT_HOURS, 168, "168 hours" },
		{ "260 working days", LIMIT_WORKDAYS, 260, "260 working days" },
		{ "agreed, at most 260 working days", LIMIT_AGREED, 260, "agreed, at most 260 working days" },
		{ "12 months", LIMIT_MONTHS, 12, "12 months" },
	};
	struct limit l, again;
	struct error err;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!limit_parse(ok[i].in, &l, &err))
			fail_msg("'%s' rejected: %s", ok[i].in, err.msg);
		assert_int_equal(l.kind, ok[i].kind);
		assert_int_equal(l.n, ok[i].n);
		assert_string_equal(limit_describe(&l, buf, sizeof(buf)), ok[i].out);
		/* what limit_describe writes reads back the same */
		assert_true(limit_parse(buf, &again, &err));
		assert_int_equal(again.kind, l.kind);
		assert_int_equal(again.n, l.n);
	}
}

static void test_limit_parse_rejects(void **state)
{
	static const char expected[] = "expected 'N working days', 'N hours', 'agreed, at most N working "
	                               "days', 'N months' or 'without delay', got '";
	static const char *const bad[] = {
		"five days", "5 days", "", "5", "working days", "5 working days extra", "agreed",
		"-1 working days", "5working days", "5 working days,", "at most 5 working days",
		"1.5 hours", "5 weeks", "5 calendar days", "asap",
	};
	struct limit l;
	struct error err;
	char want[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (limit_parse(bad[i], &l, &err))
			fail_msg("'%s' accepted", bad[i]);
		snprintf(want, sizeof(want), "%s%s'", expected, bad[i]);
		assert_string_equal(err.msg, want);
		assert_int_equal(err.code, ST_INVALID);
	}
	/* zero, and more than a year (or a week of hours), are typos */
	assert_false(limit_parse("0 working days", &l, &err));
	assert_string_equal(err.msg, "the number of working days must be from 1 to 260, got '0 working days'");
	assert_false(limit_parse("261 working days", &l, &err));
	assert_string_equal(err.msg, "the number of working days must be from 1 to 260, got '261 working days'");
	assert_false(limit_parse("Agreed, at most 0 working days", &l, &err));
	assert_string_equal(err.msg, "the number of working days must be from 1 to 260, got "
	                    "'agreed, at most 0 working days'");
	assert_false(limit_parse("agreed at most 999 working days", &l, &err));
	assert_string_equal(err.msg, "the number of working days must be from 1 to 260, got "
	                    "'agreed at most 999 working days'");
	assert_false(limit_parse("169 hours", &l, &err));
	assert_string_equal(err.msg, "the number of hours must be from 1 to 168, got '169 hours'");
	assert_false(limit_parse("0 hours", &l, &err));
	assert_string_equal(err.msg, "the number of hours must be from 1 to 168, got '0 hours'");
	assert_false(limit_parse("13 months", &l, &err));
	assert_string_equal(err.msg, "the number of months must be from 1 to 12, got '13 months'");
	assert_false(limit_parse("0 months", &l, &err));
	assert_string_equal(err.msg, "the number of months must be from 1 to 12, got '0 months'");
	/* a run of digits cannot overflow into something in range */
	assert_false(limit_parse("18446744073709551621 working days", &l, &err));
	assert_string_equal(err.msg, "the number of working days must be from 1 to 260, got "
	                    "'18446744073709551621 working days'");
	assert_true(limit_parse("00000000000000000005 working days", &l, &err));
	assert_int_equal(l.n, 5);
	assert_false(limit_parse(NULL, &l, &err));
}

static void test_limit_describe(void **state)
{
	static const struct { struct limit l; const char *want; } cases[] = {
		{ { LIMIT_WORKDAYS, 5 }, "5 working days" },
		{ { LIMIT_WORKDAYS, 1 }, "1 working day" },
		{ { LIMIT_HOURS, 24 }, "24 hours" },
		{ { LIMIT_HOURS, 1 }, "1 hour" },
		{ { LIMIT_AGREED, 5 }, "agreed, at most 5 working days" },
		{ { LIMIT_MONTHS, 1 }, "1 month" },
		{ { LIMIT_MONTHS, 2 }, "2 months" },
		{ { LIMIT_NONE, 0 }, "no limit (without delay)" },
	};
	char buf[64], tiny[6];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(limit_describe(&cases[i].l, buf, sizeof(buf)), cases[i].want);
	assert_string_equal(limit_describe(&cases[0].l, tiny, sizeof(tiny)), "5 wor");
}

/* ---- due dates ---- */

static void test_limit_due(void **state)
{
	static const struct {
		enum limit_kind kind;
		int n;
		const char *start;
		int minute;
		const char *due;
		int due_minute;
	} cases[] = {
		/* Christmas Day and the Boxing Day substitute (Monday 28th) are skipped */
		{ LIMIT_WORKDAYS, 5, "2026-12-18", TIME_NONE, "2026-12-29", TIME_NONE },
		{ LIMIT_WORKDAYS, 14, "2026-12-18", TIME_NONE, "2027-01-12", TIME_NONE },
		{ LIMIT_WORKDAYS, 1, "2026-12-24", TIME_NONE, "2026-12-29", TIME_NONE },
		/* Good Friday and Easter Monday */
		{ LIMIT_WORKDAYS, 1, "2026-04-02", TIME_NONE, "2026-04-07", TIME_NONE },
		/* a start at the weekend counts from the next working day */
		{ LIMIT_WORKDAYS, 1, "2026-11-28", TIME_NONE, "2026-11-30", TIME_NONE },
		{ LIMIT_WORKDAYS, 5, "2026-11-27", 14 * 60 + 30, "2026-12-04", TIME_NONE },
		{ LIMIT_AGREED, 5, "2026-12-18", TIME_NONE, "2026-12-29", TIME_NONE },
		{ LIMIT_AGREED, 1, "2026-11-27", TIME_NONE, "2026-11-30", TIME_NONE },
		/* hours are clock hours, weekends included */
		{ LIMIT_HOURS, 24, "2026-11-27", 14 * 60 + 30, "2026-11-28", 14 * 60 + 30 },
		{ LIMIT_HOURS, 24, "2026-11-27", TIME_NONE, "2026-11-28", 9 * 60 },
		{ LIMIT_HOURS, 1, "2026-11-27", 23 * 60 + 30, "2026-11-28", 30 },
		{ LIMIT_HOURS, 48, "2026-12-31", 0, "2027-01-02", 0 },
		{ LIMIT_MONTHS, 1, "2026-12-18", TIME_NONE, "2027-01-18", TIME_NONE },
		/* the month ends on the same date, or the month's last day; on a day that is
		 * not a working day, the working day before it (Sunderland's month) */
		{ LIMIT_MONTHS, 1, "2026-01-31", TIME_NONE, "2026-02-27", TIME_NONE },
		{ LIMIT_MONTHS, 1, "2026-11-28", TIME_NONE, "2026-12-24", TIME_NONE },
		{ LIMIT_MONTHS, 1, "2026-10-31", TIME_NONE, "2026-11-30", TIME_NONE },
		{ LIMIT_MONTHS, 1, "2026-11-02", TIME_NONE, "2026-12-02", TIME_NONE },
		{ LIMIT_MONTHS, 1, "2030-12-01", TIME_NONE, "2030-12-31", TIME_NONE },
		{ LIMIT_MONTHS, 1, "2031-03-31", TIME_NONE, "2031-04-30", TIME_NONE },
		/* 14 April 2031 is Easter Monday, by the rules: back past Good Friday */
		{ LIMIT_MONTHS, 1, "2031-03-14", TIME_NONE, "2031-04-10", TIME_NONE },
		{ LIMIT_MONTHS, 1, "2028-01-31", 600, "2028-02-29", TIME_NONE },
	};
	struct calendar cal;
	struct error err;
	struct limit l;
	long due;
	int due_minute;
	char got[11];

	(void)state;
	load_calendar(&cal);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		l.kind = cases[i].kind;
		l.n = cases[i].n;
		if (limit_due(&l, &cal, EW, day_of(cases[i].start), cases[i].minute, &due, &due_minute,
		              &err) != ST_OK)
			fail_msg("case %zu: %s", i, err.msg);
		assert_string_equal(date_format(due, got), cases[i].due);
		assert_int_equal(due_minute, cases[i].due_minute);
	}

	l.kind = LIMIT_NONE;
	l.n = 0;
	assert_int_equal(limit_due(&l, &cal, EW, day_of("2026-12-18"), 600, &due, &due_minute, &err), ST_OK);
	assert_true(due == DATE_NONE);
	assert_int_equal(due_minute, TIME_NONE);

	/* beyond the published table: the standing rules (Spring bank holiday 2035 is 28 May) */
	l.kind = LIMIT_WORKDAYS;
	l.n = 5;
	assert_int_equal(limit_due(&l, &cal, EW, day_of("2035-05-25"), TIME_NONE, &due, &due_minute,
	                           &err), ST_OK);
	assert_string_equal(date_format(due, got), "2035-06-04");
	assert_int_equal(limit_due(&l, &cal, "atlantis", day_of("2026-06-01"), TIME_NONE, &due,
	                           &due_minute, &err), ST_INVALID);
	assert_int_equal(limit_due(&l, NULL, EW, day_of("2026-06-01"), TIME_NONE, &due, &due_minute,
	                           &err), ST_INVALID);
	assert_int_equal(limit_due(&l, &cal, EW, DATE_NONE, TIME_NONE, &due, &due_minute, &err),
	                 ST_INVALID);
	l.kind = LIMIT_HOURS;
	assert_int_equal(limit_due(&l, &cal, EW, day_of("2026-06-01"), 24 * 60, &due, &due_minute, &err),
	                 ST_INVALID);
	calendar_free(&cal);
}

/* Every shipped stage gets a due date from a working Monday. */
static void test_limit_due_shipped(void **state)
{
	struct calendar cal;
	struct error err;
	long start = day_of("2026-06-01"), due;
	int due_minute;

	(void)state;
	load_calendar(&cal);
	for (size_t i = 0; i < set.n; i++) {
		const struct protocol *p = set.v[i];

		for (size_t j = 0; j < p->nstages; j++) {
			const struct limit *l = &p->stages[j].limit;

			if (limit_due(l, &cal, p->division, start, TIME_NONE, &due, &due_minute, &err) != ST_OK)
				fail_msg("%s stage %zu: %s", p->id, j + 1, err.msg);
			if (l->kind == LIMIT_NONE)
				assert_true(due == DATE_NONE);
			else
				assert_true(due > start);
		}
	}
	calendar_free(&cal);
}

/* ---- loading errors ---- */

#define HEAD "[protocol]\n"                      /* 1 */ \
             "title = T\n"                       /* 2 */ \
             "partnership = P\n"                 /* 3 */ \
             "source = S\n"                      /* 4 */ \
             "population = children\n"           /* 5 */ \
             "division = england-and-wales\n"    /* 6 */
#define STAGE1 "[stage 1]\n"                     /* 7 */ \
               "name = One\n"                    /* 8 */ \
               "limit = 5 working days\n"        /* 9 */
/* Appended last, so that it moves no line number of a message. */
#define CATS "[categories]\n" \
             "category = c: A category\n"

/* A protocol that names no time zone is in PROTOCOL_TIMEZONE's; one that does, in its own. */
static void test_timezone_key(void **state)
{
	struct protocol *p = NULL;
	struct error err;
	const char *text = HEAD STAGE1 CATS, *tokyo = HEAD "timezone = Asia/Tokyo\n" STAGE1 CATS;

	(void)state;
	assert_int_equal(protocol_parse("x", "x.ini", text, strlen(text), &shipped_cal, &p, &err), ST_OK);
	assert_string_equal(p->timezone, "Europe/London");
	protocol_free(p);
	assert_int_equal(protocol_parse("x", "x.ini", tokyo, strlen(tokyo), &shipped_cal, &p, &err), ST_OK);
	assert_string_equal(p->timezone, "Asia/Tokyo");
	protocol_free(p);
}

/* Parses text as x.ini and returns the message (static), or "ok". */
static const char *parse_msg(const char *text)
{
	static char msg[sizeof(((struct error *)0)->msg)];
	struct protocol *p = NULL;
	struct error err;
	const char *prefix = "x.ini:";

	if (protocol_parse("x", "x.ini", text, strlen(text), &shipped_cal, &p, &err) == ST_OK) {
		assert_non_null(p);
		protocol_free(p);
		return "ok";
	}
	assert_null(p);
	assert_int_equal(err.code, ST_INVALID);
	assert_memory_equal(err.msg, prefix, strlen(prefix));
	snprintf(msg, sizeof(msg), "%s", err.msg + strlen(prefix));
	return msg;
}

static void test_parse_errors(void **state)
{
	static char long_line[400];
	static const struct { const char *text; const char *want; } cases[] = {
		{ HEAD STAGE1 CATS, "ok" },
		{ HEAD "timezone = America/Argentina/Buenos_Aires\n" STAGE1 CATS, "ok" },
		{ HEAD "timezone = ../../etc/passwd\n" STAGE1 CATS,
		  "7: timezone: expected a time zone name such as 'Europe/London', got '../../etc/passwd'" },
		{ HEAD "timezone = Europe/London\ntimezone = UTC\n" STAGE1 CATS,
		  "8: timezone: given twice in [protocol] (first at line 7)" },
		{ HEAD "[stage 1]\nname = One\nlimit = five days\n",
		  "9: limit: expected 'N working days', 'N hours', 'agreed, at most N working days', "
		  "'N months' or 'without delay', got 'five days'" },
		{ HEAD "[stage 1]\nname = One\nlimit = 0 working days\n",
		  "9: limit: the number of working days must be from 1 to 260, got '0 working days'" },
		{ HEAD "[stage 1]\nname = One\nlimit = -5 working days\n",
		  "9: limit: expected 'N working days', 'N hours', 'agreed, at most N working days', "
		  "'N months' or 'without delay', got '-5 working days'" },
		{ HEAD "[stage 1]\nname = One\nlimit = 9999 working days\n",
		  "9: limit: the number of working days must be from 1 to 260, got '9999 working days'" },
		{ HEAD "[stage 1]\nname = One\nlimit = 1000 hours\n",
		  "9: limit: the number of hours must be from 1 to 168, got '1000 hours'" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 1\nlimit = 120 months\n",
		  "13: limit: the number of months must be from 1 to 12, got '120 months'" },
		{ HEAD "[stages 1]\nname = One\n",
		  "7: unknown section [stages 1]; expected [protocol], [stage N], [span N], [urgent], "
		  "[urgent stage N] or [categories]" },
		{ HEAD STAGE1 "colour = red\n",
		  "10: unknown key 'colour' in [stage 1]; expected name, ours, theirs, limit, then, "
		  "record, notice, timed, parties, arbiter, then-limit, follow-up, response, formal or action" },
		{ HEAD "scope = a\nscope = b\n" STAGE1,
		  "8: scope: given twice in [protocol] (first at line 7)" },
		{ "[protocol]\ntitle = T\n" STAGE1, "1: missing required key 'partnership' in [protocol]" },
		{ "; nothing\n[protocol]\ntitle = T\npartnership = P\nsource = S\npopulation = both\n"
		  "[stage 1]\nname = x\nlimit = none\n",
		  "2: missing required key 'division' in [protocol]" },
		{ "[stage 1]\nname = One\nlimit = none\n", "1: missing [protocol] section" },
		{ HEAD, "1: no stages; a protocol needs [stage 1] at least" },
		{ HEAD "[stage 1]\nname = One\n", "7: missing required key 'limit' in [stage 1]" },
		{ HEAD STAGE1 "[stage 3]\nname = Three\nlimit = none\n",
		  "10: [stage 2] is missing; stage sections are numbered from 1 without gaps" },
		{ HEAD "[stage 2]\nname = Two\nlimit = none\n",
		  "7: [stage 1] is missing; stage sections are numbered from 1 without gaps" },
		{ HEAD STAGE1 "[stage 1]\n", "10: section [stage 1] given twice (first at line 7)" },
		{ HEAD STAGE1 "[stage 100]\n", "10: section [stage 100]: the number must be from 1 to 99" },
		{ HEAD STAGE1 "[stage 01]\n", "10: section [stage 01]: the number must be from 1 to 99" },
		{ "[protocol]\ntitle = T\npartnership = P\nsource = S\npopulation = kids\n",
		  "5: population: expected 'children', 'adults' or 'both', got 'kids'" },
		{ "[protocol]\ndivision = England and Wales\n",
		  "2: division: expected 'england-and-wales', 'northern-ireland' or 'scotland' (the bank "
		  "holiday divisions), got 'England and Wales'" },
		{ "[protocol]\ndivision = mars\n",
		  "2: division: expected 'england-and-wales', 'northern-ireland' or 'scotland' (the bank "
		  "holiday divisions), got 'mars'" },
		{ "[protocol]\ndivision = Scotland\n",
		  "2: division: expected 'england-and-wales', 'northern-ireland' or 'scotland' (the bank "
		  "holiday divisions), got 'Scotland'" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 1-7\nlimit = 1 month\n",
		  "12: stages: 1-7 is out of range; the protocol has 1 stage" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 2\nlimit = 1 month\n",
		  "12: stages: 2-2 is out of range; the protocol has 1 stage" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 1 to 2\nlimit = 1 month\n",
		  "12: stages: expected 'N' or 'N-M', got '1 to 2'" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 0-1\nlimit = 1 month\n",
		  "12: stages: '0-1' is not a range of stages from 1 up" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 1\nlimit = 1 month\nadvisory = maybe\n",
		  "14: advisory: expected 'yes' or 'no', got 'maybe'" },
		{ HEAD STAGE1 "[span 2]\nname = S\nstages = 1\nlimit = 1 month\n",
		  "10: [span 1] is missing; span sections are numbered from 1 without gaps" },
		{ HEAD STAGE1 "[span 1]\nname = S\nlimit = 1 month\n",
		  "10: missing required key 'stages' in [span 1]" },
		{ HEAD "[stage 1]\nname = O\xff" "ne\nlimit = none\n", "8: invalid UTF-8" },
		{ HEAD "[stage 1]\nname = O\xc3\n", "8: invalid UTF-8" },
		{ HEAD "[stage 1]\nname = \xc0\xaf\n", "8: invalid UTF-8" },
		{ HEAD "[stage 1]\nname = \xed\xa0\x80\n", "8: invalid UTF-8" },
		{ HEAD "[stage 1]\nname = O\x07ne\nlimit = none\n", "8: control character U+0007" },
		{ HEAD "[stage 1]\nname = O\x1b[0mne\nlimit = none\n", "8: control character U+001B" },
		{ HEAD "[stage 1]\nname = O\xc2\x9bne\nlimit = none\n", "8: control character U+009B" },
		{ HEAD "[stage 1]\nname = O\rne\nlimit = none\n", "8: control character U+000D" },
		{ HEAD "[stage 1]\nname = O\tne\nlimit = none\n", "8: name: TAB inside a value; use spaces" },
		/* a TAB shown as a space would make a wrong name read as right */
		{ HEAD "[stage 1]\nna\tme = One\nlimit = none\n", "8: TAB inside a key name; use spaces" },
		{ HEAD "[stage\t1]\nname = One\nlimit = none\n", "7: TAB inside a section name; use spaces" },
		{ HEAD "[stage 1]\nname One\n", "8: expected '[section]', 'key = value' or a comment" },
		{ HEAD "[stage 1\nname = One\n", "7: section header without a closing ']'" },
		{ "title = T\n" HEAD STAGE1, "1: key 'title' before any section; start with [protocol]" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\n",
		  "10: [urgent] has no stages; add [urgent stage 1] or 'stages = normal'" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\nstages = normal\n[urgent stage 1]\nname = A\n"
		  "limit = 1 hour\n",
		  "13: stages: 'normal' but [urgent stage N] sections are given too" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\nstages = sometimes\n",
		  "13: stages: expected 'normal' or 'own', got 'sometimes'" },
		{ HEAD STAGE1 "[urgent stage 1]\nname = A\nlimit = 1 hour\n",
		  "10: [urgent stage N] needs an [urgent] section" },
		{ HEAD STAGE1 "[urgent]\nname = U\nstages = normal\n",
		  "10: missing required key 'when' in [urgent]" },
		{ HEAD STAGE1 "[categories]\ncategory = Bad Key: x\n",
		  "11: category: expected 'key: Label' with a key of lower-case letters, digits and '-', "
		  "got 'Bad Key: x'" },
		{ HEAD STAGE1 "[categories]\ncategory = no-label:\n",
		  "11: category: expected 'key: Label' with a key of lower-case letters, digits and '-', "
		  "got 'no-label:'" },
		{ HEAD STAGE1 "[categories]\ncategory = a: x\ncategory = a: y\n",
		  "12: category: key 'a' given twice" },
		{ HEAD STAGE1 "[categories]\nlabel = x\n",
		  "11: unknown key 'label' in [categories]; expected category, unclocked or local" },
		{ HEAD "[stage 1]\nname =\nlimit = none\n", "8: name: empty value" },
		{ HEAD "notice =\n" STAGE1 CATS, "7: notice: empty value" },
		/* timed runs a working-day limit from the hour; any other limit cannot be */
		{ HEAD "[stage 1]\nname = One\nlimit = 1 working day\ntimed = yes\n" CATS, "ok" },
		{ HEAD "[stage 1]\nname = One\nlimit = 24 hours\ntimed = no\n" CATS, "ok" },
		{ HEAD "[stage 1]\nname = One\nlimit = 1 working day\ntimed = sometimes\n",
		  "10: timed: expected 'yes' or 'no', got 'sometimes'" },
		{ HEAD "[stage 1]\nname = One\ntimed = yes\nlimit = 24 hours\n" CATS,
		  "9: timed: only a limit in working days can be timed, and [stage 1] has '24 hours'" },
		{ HEAD STAGE1 "[stage 2]\nname = Two\nlimit = agreed, at most 5 working days\ntimed = yes\n" CATS,
		  "13: timed: only a limit in working days can be timed, and [stage 2] has "
		  "'agreed, at most 5 working days'" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\n[urgent stage 1]\nname = A\nlimit = without delay\n"
		  "timed = yes\n" CATS,
		  "16: timed: only a limit in working days can be timed, and [urgent stage 1] has "
		  "'no limit (without delay)'" },
		/* a span is measured against a date: it needs a limit that gives one */
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 1\nlimit = without delay\n",
		  "13: limit: a span needs 'N working days', 'N hours' or 'N months', got 'without delay'" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 1\nlimit = agreed, at most 5 working days\n",
		  "13: limit: a span needs 'N working days', 'N hours' or 'N months', got "
		  "'agreed, at most 5 working days'" },
		{ HEAD STAGE1 "[span 1]\nname = S\nstages = 1\nlimit = 72 hours\n" CATS, "ok" },
		/* every dispute has a category, so a protocol needs one */
		{ HEAD STAGE1, "1: no categories; a dispute needs one: add [categories] with "
		  "'category = key: Label'" },
		{ HEAD STAGE1 "[categories]\n; none yet\n",
		  "10: [categories] has no category; a dispute needs one: add 'category = key: Label'" },
		{ HEAD STAGE1 "[categories]\nunclocked = a\ncategory = a: A\n",
		  "11: unclocked: no category 'a' above this line" },
		{ HEAD STAGE1 "[categories]\ncategory = a: A\nunclocked = a\nunclocked = a\n",
		  "13: unclocked: 'a' given twice" },
		/* the sides named by their agencies, or as raising and other: not both */
		{ HEAD STAGE1 "parties = Social care and the other agency\narbiter = The Head of Safeguarding\n" CATS,
		  "ok" },
		{ HEAD STAGE1 "ours = Us\nparties = Social care and the other agency\n" CATS,
		  "11: parties: [stage 1] names the sides already with 'ours'/'theirs'; give one or the other" },
		/* a sub-deadline of the `then` step: in hours or working days, with the step it times */
		{ HEAD STAGE1 "then = Line managers review\nthen-limit = 24 hours\n" CATS, "ok" },
		{ HEAD STAGE1 "then-limit = 24 hours\n" CATS,
		  "10: then-limit: [stage 1] has no 'then' saying who must act within it" },
		{ HEAD STAGE1 "then = Line managers review\nthen-limit = without delay\n" CATS,
		  "11: then-limit: expected 'N hours' or 'N working days', got 'without delay'" },
		{ HEAD STAGE1 "then = Line managers review\nthen-limit = agreed, at most 2 working days\n" CATS,
		  "11: then-limit: expected 'N hours' or 'N working days', got 'agreed, at most 2 working days'" },
		/* a follow-up date is for a stage "without delay" */
		{ HEAD "[stage 1]\nname = One\nlimit = without delay\nfollow-up = 2 working days\n" CATS, "ok" },
		{ HEAD "[stage 1]\nname = One\nlimit = without delay\nfollow-up = none\n" CATS, "ok" },
		{ HEAD STAGE1 "follow-up = 2 working days\n" CATS,
		  "10: follow-up: only a stage 'without delay' has a follow-up date, and [stage 1] has "
		  "'5 working days'" },
		{ HEAD "[stage 1]\nname = One\nlimit = without delay\nfollow-up = 1 month\n" CATS,
		  "10: follow-up: expected 'N working days' or 'none', got '1 month'" },
		/* one stage is the formal challenge, at most */
		{ HEAD STAGE1 "formal = yes\n" CATS, "ok" },
		{ HEAD STAGE1 "formal = yes\n[stage 2]\nname = Two\nlimit = none\nformal = yes\n" CATS,
		  "14: formal: only one stage can be the formal challenge (line 10 is already)" },
		{ HEAD STAGE1 "response = The other side's answer\n" CATS, "ok" },
		/* the partnership body and its other names */
		{ HEAD "body = the SSCP\nalias = SSCP\nalias = partnership\n" STAGE1 CATS, "ok" },
		{ HEAD "alias = SSCP\n" STAGE1 CATS, "7: alias: names the partnership 'body', and [protocol] has none" },
		/* the urgent route: who is told, and where it returns to */
		{ HEAD STAGE1 "[stage 2]\nname = Two\nlimit = none\n[urgent]\nname = U\nwhen = W\ninform = the Unit\n"
		  "return = 2\n[urgent stage 1]\nname = A\nlimit = 1 working day\n" CATS, "ok" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\nstages = normal\nreturn = 1\n" CATS,
		  "14: return: the route runs the normal stages, so there is nothing to return from" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\nreturn = 2-3\n[urgent stage 1]\nname = A\n"
		  "limit = 1 working day\n" CATS,
		  "13: return: 2-3 is out of range; the protocol has 1 stage" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\nreturn = soon\n[urgent stage 1]\nname = A\n"
		  "limit = 1 working day\n" CATS,
		  "13: return: expected 'N' or 'N-M', got 'soon'" },
		{ HEAD STAGE1 "[categories]\nlocal = yes\ncategory = c: C\n", "ok" },
		/* the earliest problem is the one reported */
		{ HEAD "[stage 1]\nname = One\nlimit = 5 days\ncolour = red\n",
		  "9: limit: expected 'N working days', 'N hours', 'agreed, at most N working days', "
		  "'N months' or 'without delay', got '5 days'" },
		{ HEAD "[stage 1]\nlimit = 5 days\n[stage 1]\n",
		  "8: limit: expected 'N working days', 'N hours', 'agreed, at most N working days', "
		  "'N months' or 'without delay', got '5 days'" },
		/* a continuation belongs to the key above it: the message points there */
		{ HEAD "[stage 1]\nname = One\nlimit = 5 working\n  weeks\n",
		  "9: limit: expected 'N working days', 'N hours', 'agreed, at most N working days', "
		  "'N months' or 'without delay', got '5 working weeks'" },
		{ long_line, "8: line longer than 198 bytes; continue a long value on indented lines" },
	};

	(void)state;
	snprintf(long_line, sizeof(long_line), HEAD "[stage 1]\nname = %0199d\nlimit = none\n", 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = parse_msg(cases[i].text);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, got, cases[i].want);
	}
	assert_int_equal(protocol_parse("Bad_Id", "b.ini", HEAD STAGE1, strlen(HEAD STAGE1),
	                                &shipped_cal, &(struct protocol *){NULL}, &(struct error){0}), ST_INVALID);
}

/* A checklist is actions, each one short line given once: in a stage, or
 * in [protocol] for every stage, never both. */
static void test_parse_actions(void **state)
{
	static char too_long[600], too_many[1200];
	static const struct { const char *text; const char *want; } cases[] = {
		{ HEAD "action = Tell the Unit\n" STAGE1 "action = Write it down\naction = Phone them\n" CATS, "ok" },
		{ HEAD STAGE1 "action = Phone them\naction = Phone them\n",
		  "11: action: 'Phone them' given twice in [stage 1] (first at line 10)" },
		{ HEAD "action = Tell the Unit\naction = Tell the Unit\n" STAGE1,
		  "8: action: 'Tell the Unit' given twice in [protocol] (first at line 7)" },
		{ HEAD "action = Tell the Unit\n" STAGE1 "action = Tell the Unit\n" CATS,
		  "11: action: 'Tell the Unit' in [stage 1] is asked for at every stage already ([protocol], line 7)" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\n[urgent stage 1]\nname = One\nlimit = 1 working day\n"
		  "action = Tell the Unit\n" CATS, "ok" },
		{ HEAD "action = Tell the Unit\n" STAGE1 "[urgent]\nname = U\nwhen = W\n[urgent stage 1]\nname = One\n"
		  "limit = 1 working day\naction = Tell the Unit\n" CATS,
		  "17: action: 'Tell the Unit' in [urgent stage 1] is asked for at every stage already ([protocol], "
		  "line 7)" },
		{ HEAD STAGE1 "[urgent]\nname = U\nwhen = W\nstages = normal\naction = Tell the Unit\n",
		  "14: unknown key 'action' in [urgent]; expected name, when, notice, stages, inform or return" },
		{ HEAD STAGE1 "action =\n", "10: action: empty value" },
		{ too_long, "10: action: longer than 300 bytes; a checklist item is one short line" },
		{ too_many, "30: action: more than 20 in [stage 1]" },
	};
	struct sb sb = {0};

	(void)state;
	/* 301 bytes over three lines: continuations join with one space */
	snprintf(too_long, sizeof(too_long), HEAD STAGE1 "action = %0100d\n  %0100d\n  %099d\n", 1, 2, 3);
	sb_append(&sb, HEAD STAGE1);
	for (int i = 1; i <= 21; i++)
		sb_printf(&sb, "action = Item %d\n", i);
	snprintf(too_many, sizeof(too_many), "%s", sb.s);
	free(sb.s);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = parse_msg(cases[i].text);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, got, cases[i].want);
	}
}

/* The checklist a stage shows: its own actions, then those of every stage. */
static void test_checklist(void **state)
{
	const char *text = HEAD "action = Record it on the file\n" STAGE1 "action = Tell the Unit\n"
	                   "[stage 2]\nname = Two\nlimit = 5 working days\n" CATS;
	struct protocol *p = NULL;
	struct check_item items[CHECKLIST_MAX];
	struct dispute d;
	struct error err;

	(void)state;
	assert_int_equal(protocol_parse("x", "x.ini", text, strlen(text), &shipped_cal, &p, &err), ST_OK);
	dispute_init(&d);
	assert_int_equal(journal_apply(&d, "reference=D-2026-0001\nopened=2026-11-02\nstage.1.started=2026-11-02\n"
	                               "stage.2.started=2026-11-04\n", &err), ST_OK);
	assert_int_equal(dispute_checklist(p, &d, 1, items, CHECKLIST_MAX), 2);
	assert_string_equal(items[0].text, "Tell the Unit");
	assert_false(items[0].every_stage);
	assert_string_equal(items[1].text, "Record it on the file");
	assert_true(items[1].every_stage);
	assert_int_equal(dispute_checklist(p, &d, 2, items, CHECKLIST_MAX), 1);
	assert_string_equal(items[0].text, "Record it on the file");
	dispute_free(&d);
	protocol_free(p);
}

static void test_parse_syntax(void **state)
{
	struct protocol *p = NULL;
	struct error err;
	const char *text =
		"\xef\xbb\xbf; a comment\r\n"
		"# another\r\n"
		"[protocol]\r\n"
		"title = A title ; an inline comment\r\n"
		"partnership: The board\r\n"
		"source = Part one,\r\n"
		"  part two\r\n"
		"\r\n"
		"\tpart three\r\n"
		"population = both\r\n"
		"division = england-and-wales\r\n"
		"notice = first\r\n"
		"notice = second;still second\r\n"
		"[ stage 1 ]\r\n"
		"  name = Indented after a header is a key\r\n"
		"limit = 24 hours\r\n"
		"[categories]\r\n"
		"category = k1: Label: with colon\r\n"
		"category = k2 :  Spaced\r\n";

	(void)state;
	if (protocol_parse("syntax", "syntax.ini", text, strlen(text), &shipped_cal, &p, &err) != ST_OK)
		fail_msg("%s", err.msg);
	assert_string_equal(p->id, "syntax");
	assert_string_equal(p->path, "syntax.ini");
	assert_string_equal(p->title, "A title");
	assert_string_equal(p->partnership, "The board");
	assert_string_equal(p->source, "Part one, part two part three");
	assert_int_equal(p->nnotices, 2);
	assert_string_equal(p->notices[0], "first");
	assert_string_equal(p->notices[1], "second;still second");
	assert_null(p->scope);
	assert_null(p->urgent);
	assert_int_equal(p->nstages, 1);
	assert_string_equal(p->stages[0].name, "Indented after a header is a key");
	assert_int_equal(p->stages[0].limit.kind, LIMIT_HOURS);
	assert_int_equal(p->stages[0].limit.n, 24);
	assert_null(p->stages[0].ours);
	assert_int_equal(p->ncategories, 2);
	assert_string_equal(p->categories[0].key, "k1");
	assert_string_equal(p->categories[0].label, "Label: with colon");
	assert_string_equal(p->categories[1].key, "k2");
	assert_string_equal(p->categories[1].label, "Spaced");
	protocol_free(p);
}

/* What a message quotes from the file is at most 80 bytes, cut between
 * characters and marked when cut: a message goes to the terminal as it is. */
static void test_parse_quotes(void **state)
{
	static const struct { const char *text; const char *want; } cases[] = {
		/* 79 bytes, then a character of two bytes across the 80th */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xC3\xA9" "b = x\n",
		  "1: key 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' before "
		  "any section; start with [protocol]" },
		/* exactly 80 bytes ending in a whole character: no mark */
		{ HEAD STAGE1 "[categories]\ncategory = "
		  "Bad Key \xF0\x9F\x98\x80 cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\xE2\x80\x99\n",
		  "11: category: expected 'key: Label' with a key of lower-case letters, digits and '-', got "
		  "'Bad Key \xF0\x9F\x98\x80 cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
		  "\xE2\x80\x99'" },
		/* a character of four bytes across the 80th */
		{ HEAD STAGE1 "[categories]\ncategory = "
		  "Bad Key ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\xF0\x9F\x98\x80 x\n",
		  "11: category: expected 'key: Label' with a key of lower-case letters, digits and '-', got "
		  "'Bad Key ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc...'" },
		{ "[\xE2\x80\x99sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss\xE2\x80\x99]\n",
		  "1: unknown section [\xE2\x80\x99sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"
		  "ssssssss...]; expected [protocol], [stage N], [span N], [urgent], [urgent stage N] or [categories]" },
		{ HEAD "[stage 1]\nname = One\nlimit = 5 working days\nkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
		  "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\xC3\xA9 = x\n",
		  "10: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' in "
		  "[stage 1]; expected name, ours, theirs, limit, then, record, notice, timed, parties, "
		  "arbiter, then-limit, follow-up, response, formal or action" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = parse_msg(cases[i].text);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, got, cases[i].want);
	}
}

/* The divisions a protocol may name are the calendar's, whatever they are. */
static void test_parse_division(void **state)
{
	static const char *const ok[] = { "england-and-wales", "scotland", "northern-ireland" };
	static const char csv[] = "date,division,title\n2026-01-01,isle-of-man,New Year's Day\n";
	struct protocol *p = NULL;
	struct calendar one;
	struct error err;
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "[protocol]\ntitle = T\npartnership = P\nsource = S\n"
		         "population = both\ndivision = %s\n" STAGE1 CATS, ok[i]);
		if (protocol_parse("d", "d.ini", text, strlen(text), &shipped_cal, &p, &err) != ST_OK)
			fail_msg("%s: %s", ok[i], err.msg);
		assert_string_equal(p->division, ok[i]);
		protocol_free(p);
	}

	calendar_init(&one);
	assert_int_equal(calendar_load_csv(&one, csv, strlen(csv), "one.csv", &err), ST_OK);
	assert_int_equal(protocol_parse("d", "d.ini", HEAD STAGE1 CATS, strlen(HEAD STAGE1 CATS), &one, &p, &err),
	                 ST_INVALID);
	assert_string_equal(err.msg, "d.ini:6: division: expected 'isle-of-man' (the bank holiday divisions), "
	                    "got 'england-and-wales'");
	calendar_free(&one);

	assert_int_equal(protocol_parse("d", "d.ini", HEAD STAGE1 CATS, strlen(HEAD STAGE1 CATS), NULL, &p, &err),
	                 ST_INVALID);
	assert_null(p);
	assert_string_equal(err.msg, "d.ini:6: division: no bank holiday divisions are loaded, so "
	                    "'england-and-wales' cannot be used");
}

/* The parser reads len bytes and not one more: what follows is not seen,
 * and a NUL inside is a problem of its line rather than the end. */
/* The keys of the partnership body, the sides, the sub-deadlines, the
 * second timescale, the formal stage and the urgent route's return, read
 * into their places; a stage "without delay" comes back the next working
 * day unless its file says otherwise. */
static void test_parse_new_keys(void **state)
{
	static const char text[] =
		HEAD
		"body = the SSCP\n"
		"alias = SSCP\n"
		"alias = partnership\n"
		"[stage 1]\n"
		"name = One\n"
		"limit = 1 working day\n"
		"then = Line managers review\n"
		"then-limit = 24 hours\n"
		"[stage 2]\n"
		"name = Two\n"
		"limit = agreed, at most 5 working days\n"
		"response = The other line manager's response\n"
		"[stage 3]\n"
		"name = Three\n"
		"limit = without delay\n"
		"parties = The Head of Service in social care, and the equivalent in the other agency\n"
		"formal = yes\n"
		"[stage 4]\n"
		"name = Four\n"
		"limit = without delay\n"
		"arbiter = The Head of Safeguarding\n"
		"follow-up = 3 working days\n"
		"[stage 5]\n"
		"name = Five\n"
		"limit = without delay\n"
		"follow-up = none\n"
		"[urgent]\n"
		"name = U\n"
		"when = W\n"
		"inform = the Business Unit\n"
		"return = 4-5\n"
		"[urgent stage 1]\n"
		"name = Review\n"
		"limit = 1 working day\n"
		"[categories]\n"
		"local = yes\n"
		"category = c: C\n";
	struct protocol *p = NULL;
	struct error err;

	(void)state;
	if (protocol_parse("x", "x.ini", text, strlen(text), &shipped_cal, &p, &err) != ST_OK)
		fail_msg("%s", err.msg);
	assert_string_equal(p->body, "the SSCP");
	assert_int_equal(p->naliases, 2);
	assert_string_equal(p->aliases[0], "SSCP");
	assert_string_equal(p->aliases[1], "partnership");
	assert_int_equal(p->stages[0].then_limit.kind, LIMIT_HOURS);
	assert_int_equal(p->stages[0].then_limit.n, 24);
	assert_int_equal(p->stages[0].follow_up.kind, LIMIT_NONE);
	assert_string_equal(p->stages[1].response, "The other line manager's response");
	assert_null(p->stages[0].response);
	assert_string_equal(p->stages[2].parties,
	                    "The Head of Service in social care, and the equivalent in the other agency");
	assert_true(p->stages[2].formal);
	assert_false(p->stages[1].formal);
	assert_int_equal(p->stages[2].follow_up.kind, LIMIT_WORKDAYS);      /* the default */
	assert_int_equal(p->stages[2].follow_up.n, 1);
	assert_string_equal(p->stages[3].arbiter, "The Head of Safeguarding");
	assert_int_equal(p->stages[3].follow_up.kind, LIMIT_WORKDAYS);
	assert_int_equal(p->stages[3].follow_up.n, 3);
	assert_int_equal(p->stages[4].follow_up.kind, LIMIT_NONE);          /* "none" */
	assert_string_equal(p->urgent->inform, "the Business Unit");
	assert_int_equal(p->urgent->back_from, 4);
	assert_int_equal(p->urgent->back_to, 5);
	assert_int_equal(p->urgent->stages[0].follow_up.kind, LIMIT_NONE);  /* it has a limit */
	assert_true(p->local_categories);
	protocol_free(p);
}

static void test_parse_length(void **state)
{
	static const char nul[] = HEAD STAGE1 "[stage 2]\nname = Tw\0o\nlimit = none\n";
	const char *text = HEAD STAGE1 CATS "colour = red\n";
	struct protocol *p = NULL;
	struct error err;

	(void)state;
	if (protocol_parse("cut", "cut.ini", text, strlen(HEAD STAGE1 CATS), &shipped_cal, &p, &err) != ST_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(p->nstages, 1);
	protocol_free(p);
	assert_int_equal(protocol_parse("cut", "cut.ini", text, strlen(text), &shipped_cal, &p, &err), ST_INVALID);
	assert_null(p);
	assert_string_equal(err.msg, "cut.ini:12: unknown key 'colour' in [categories]; expected category, "
	                    "unclocked or local");
	assert_int_equal(protocol_parse("nul", "nul.ini", nul, sizeof(nul) - 1, &shipped_cal, &p, &err), ST_INVALID);
	assert_string_equal(err.msg, "nul.ini:11: control character U+0000");
	assert_int_equal(protocol_parse("empty", "empty.ini", NULL, 0, &shipped_cal, &p, &err), ST_INVALID);
	assert_string_equal(err.msg, "empty.ini:1: missing [protocol] section");
}

/* A bad file is reported and the others still load; a later directory
 * overrides an earlier one by id. */
static void test_load_dir(void **state)
{
	static const char nul_text[] = HEAD "[stage 1]\nname = O\0ne\n";
	char *shipped_dir = make_tmpdir(), *user_dir = make_tmpdir();
	struct protocol_set s;
	struct error err;
	char want[1024];
	char *big;
	const struct protocol *p;

	(void)state;
	write_text(shipped_dir, "a-good.ini", HEAD STAGE1 CATS);
	write_text(shipped_dir, "b-bad.ini", HEAD "[stage 1]\nname = One\nlimit = five days\n");
	write_text(shipped_dir, "c-good.ini", HEAD STAGE1 "[stage 2]\nname = Two\nlimit = 1 month\n" CATS);
	write_text(shipped_dir, "Bad_Name.ini", HEAD STAGE1 CATS);
	write_text(shipped_dir, "notes.txt", "not a protocol");
	write_text(shipped_dir, ".hidden.ini", "[broken");
	write_file(shipped_dir, "d-nul.ini", nul_text, sizeof(nul_text) - 1);
	big = xmalloc(1024 * 1024 + 2);
	memset(big, ';', 1024 * 1024 + 1);
	big[1024 * 1024 + 1] = '\n';
	write_file(shipped_dir, "e-big.ini", big, 1024 * 1024 + 2);
	free(big);

	protocol_set_init(&s);
	assert_int_equal(protocol_set_load_dir(&s, shipped_dir, &shipped_cal, &err), ST_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0]->id, "a-good");
	assert_string_equal(s.v[1]->id, "c-good");
	assert_int_equal(s.v[1]->nstages, 2);
	assert_int_equal(s.nproblems, 4);
	snprintf(want, sizeof(want), "%s/Bad_Name.ini: protocol id 'Bad_Name' must be lower-case "
	         "letters, digits and '-'", shipped_dir);
	assert_string_equal(s.problems[0], want);
	snprintf(want, sizeof(want), "%s/b-bad.ini:9: limit: expected 'N working days', 'N hours', "
	         "'agreed, at most N working days', 'N months' or 'without delay', got 'five days'",
	         shipped_dir);
	assert_string_equal(s.problems[1], want);
	snprintf(want, sizeof(want), "%s/d-nul.ini:8: control character U+0000", shipped_dir);
	assert_string_equal(s.problems[2], want);
	snprintf(want, sizeof(want), "%s/e-big.ini: larger than 1 MiB", shipped_dir);
	assert_string_equal(s.problems[3], want);

	/* the user's directory: one override, one new, one broken override */
	write_text(user_dir, "a-good.ini", "[protocol]\ntitle = Mine\npartnership = P\nsource = S\n"
	           "population = adults\ndivision = england-and-wales\n[stage 1]\nname = Only\n"
	           "limit = 2 working days\n" CATS);
	write_text(user_dir, "c-good.ini", "[protocol]\n");
	write_text(user_dir, "z-new.ini", HEAD STAGE1 CATS);
	assert_int_equal(protocol_set_load_dir(&s, user_dir, &shipped_cal, &err), ST_OK);
	assert_int_equal(s.n, 3);
	p = protocol_set_find(&s, "a-good");
	assert_non_null(p);
	assert_string_equal(p->title, "Mine");
	assert_string_equal(p->population, "adults");
	assert_non_null(strstr(p->path, user_dir));
	assert_int_equal(p->stages[0].limit.n, 2);
	p = protocol_set_find(&s, "c-good");
	assert_non_null(strstr(p->path, shipped_dir));
	assert_int_equal(p->nstages, 2);
	assert_non_null(protocol_set_find(&s, "z-new"));
	assert_int_equal(s.nproblems, 5);
	snprintf(want, sizeof(want), "%s/c-good.ini:1: missing required key 'title' in [protocol]",
	         user_dir);
	assert_string_equal(s.problems[4], want);
	protocol_set_free(&s);
	assert_int_equal(s.n, 0);

	/* a missing directory is not an error; a file where a directory should be is */
	protocol_set_init(&s);
	assert_int_equal(protocol_set_load_dir(&s, "/nonexistent/dispute/protocols", &shipped_cal, &err), ST_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.nproblems, 0);
	snprintf(want, sizeof(want), "%s/notes.txt", shipped_dir);
	assert_int_equal(protocol_set_load_dir(&s, want, &shipped_cal, &err), ST_IO);
	protocol_set_free(&s);

	remove_tree(shipped_dir);
	remove_tree(user_dir);
}

/* Only regular files are read: a FIFO, a device or a directory named *.ini
 * is refused at once, not waited on; a symbolic link is judged by what it
 * points at. */
static void test_load_dir_not_regular(void **state)
{
	char *dir = make_tmpdir(), *elsewhere = make_tmpdir();
	char *fifo = xasprintf("%s/b-fifo.ini", dir), *target = xasprintf("%s/real.ini", elsewhere);
	char *link_fifo = xasprintf("%s/c-to-fifo.ini", dir), *link_good = xasprintf("%s/d-to-file.ini", dir);
	char *link_null = xasprintf("%s/e-to-null.ini", dir), *sub = xasprintf("%s/f-dir.ini", dir);
	char want[1024];
	struct protocol_set s;
	struct error err;

	(void)state;
	write_text(dir, "a-good.ini", HEAD STAGE1 CATS);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink(fifo, link_fifo), 0);
	write_text(elsewhere, "real.ini", HEAD STAGE1 CATS);
	assert_int_equal(symlink(target, link_good), 0);
	assert_int_equal(symlink("/dev/null", link_null), 0);
	assert_int_equal(mkdir(sub, 0700), 0);

	protocol_set_init(&s);
	/* Were the FIFO opened blocking, the load would never return: the alarm
	 * turns that into a failure instead of a hung test run. */
	alarm(10);
	assert_int_equal(protocol_set_load_dir(&s, dir, &shipped_cal, &err), ST_OK);
	alarm(0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0]->id, "a-good");
	assert_string_equal(s.v[1]->id, "d-to-file");
	assert_int_equal(s.nproblems, 4);
	snprintf(want, sizeof(want), "%s is not a regular file", fifo);
	assert_string_equal(s.problems[0], want);
	snprintf(want, sizeof(want), "%s is not a regular file", link_fifo);
	assert_string_equal(s.problems[1], want);
	snprintf(want, sizeof(want), "%s is not a regular file", link_null);
	assert_string_equal(s.problems[2], want);
	snprintf(want, sizeof(want), "%s is not a regular file", sub);
	assert_string_equal(s.problems[3], want);
	protocol_set_free(&s);

	free(fifo);
	free(target);
	free(link_fifo);
	free(link_good);
	free(link_null);
	free(sub);
	remove_tree(dir);
	remove_tree(elsewhere);
}

/* A file name that is no id is refused as it stands, unopened (a FIFO
 * with such a name is not waited on), and the message shows its control
 * characters as U+FFFD rather than sending them to the terminal. */
static void test_load_dir_bad_names(void **state)
{
	char *dir = make_tmpdir(), *fifo = xasprintf("%s/Bad\x1b[2J.ini", dir);
	char want[1024];
	struct protocol_set s;
	struct error err;

	(void)state;
	write_text(dir, "a-good.ini", HEAD STAGE1 CATS);
	write_text(dir, "title\x1b]0;owned\x07.ini", HEAD STAGE1 CATS);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	protocol_set_init(&s);
	alarm(10);
	assert_int_equal(protocol_set_load_dir(&s, dir, &shipped_cal, &err), ST_OK);
	alarm(0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.nproblems, 2);
	snprintf(want, sizeof(want), "%s/Bad\xEF\xBF\xBD[2J.ini: protocol id 'Bad\xEF\xBF\xBD[2J' must be "
	         "lower-case letters, digits and '-'", dir);
	assert_string_equal(s.problems[0], want);
	snprintf(want, sizeof(want), "%s/title\xEF\xBF\xBD]0;owned\xEF\xBF\xBD.ini: protocol id "
	         "'title\xEF\xBF\xBD]0;owned\xEF\xBF\xBD' must be lower-case letters, digits and '-'", dir);
	assert_string_equal(s.problems[1], want);
	protocol_set_free(&s);
	free(fifo);
	remove_tree(dir);
}

/* Shipped files then a user directory, as the program does. */
static void test_user_override_shipped(void **state)
{
	char *user_dir = make_tmpdir();
	struct protocol_set s;
	struct error err;
	const struct protocol *p;

	(void)state;
	write_text(user_dir, "north-wales.ini", "[protocol]\ntitle = Local copy\npartnership = NWSB\n"
	           "source = local\npopulation = both\ndivision = england-and-wales\n"
	           "[stage 1]\nname = Only stage\nlimit = 3 working days\n" CATS);
	protocol_set_init(&s);
	assert_int_equal(protocol_set_load_dir(&s, SHIPPED, &shipped_cal, &err), ST_OK);
	assert_int_equal(protocol_set_load_dir(&s, user_dir, &shipped_cal, &err), ST_OK);
	assert_int_equal(s.n, NSHIPPED);
	assert_int_equal(s.nproblems, 0);
	p = protocol_set_find(&s, "north-wales");
	assert_string_equal(p->title, "Local copy");
	assert_int_equal(p->nstages, 1);
	assert_int_equal(p->stages[0].limit.n, 3);
	assert_int_equal(protocol_set_find(&s, "newcastle")->nstages, 6);
	protocol_set_free(&s);
	remove_tree(user_dir);
}

/* ---- finding a category from what a person typed ---- */

#define NW_ALL "thresholds (Levels of need), roles (Roles and responsibilities), " \
               "action (The need for action) and information-sharing (Communication)"

/* Categories whose keys and labels collide in the ways the rules must settle. */
#define TIES HEAD STAGE1 "[categories]\n" \
	"category = roles: Roles and responsibilities\n" \
	"category = other: Roles\n" \
	"category = a-b: First\n" \
	"category = ab: Second\n" \
	"category = x-y: Something\n" \
	"category = z: X Y\n" \
	"category = same: Same label\n" \
	"category = twin: Same-label\n" \
	"category = cafe: Caf\xC3\xA9 soci\xC3\xA9t\xC3\xA9\n"

#define TIES_ALL "roles (Roles and responsibilities), other (Roles), a-b (First), ab (Second), " \
                 "x-y (Something), z (X Y), same (Same label), twin (Same-label) and cafe (Caf\xC3\xA9 soci\xC3\xA9t\xC3\xA9)"

static void test_category_find(void **state)
{
	static const struct {
		const char *protocol;   /* NULL: TIES */
		const char *text;
		const char *key;        /* NULL: refused */
		const char *msg;        /* the refusal, whole */
	} cases[] = {
		/* 1: a key as stored, in any case */
		{ "north-wales", "thresholds", "thresholds", NULL },
		{ "north-wales", "Thresholds", "thresholds", NULL },
		{ "north-wales", "THRESHOLDS", "thresholds", NULL },
		{ "north-wales", "information-sharing", "information-sharing", NULL },
		/* 2: a key with its spaces and punctuation not mattering */
		{ "north-wales", "information sharing", "information-sharing", NULL },
		{ "north-wales", "INFORMATION-SHARING ", "information-sharing", NULL },
		{ "north-wales", "Information/Sharing", "information-sharing", NULL },
		{ "north-wales", "informationsharing", "information-sharing", NULL },
		{ "north-wales", " thresholds. ", "thresholds", NULL },
		{ "sunderland", "information sharing", "information-sharing", NULL },
		{ "rochdale-adults", "information sharing", "information-sharing", NULL },
		{ "conflict-resolution", "information sharing", "information-sharing", NULL },
		{ "newcastle", "cp conference", "cp-conference", NULL },
		/* 3: a label, likewise */
		{ "north-wales", "levels of need", "thresholds", NULL },
		{ "north-wales", "Levels-of-Need", "thresholds", NULL },
		{ "north-wales", "  LEVELS   of need. ", "thresholds", NULL },
		{ "north-wales", "levelsofneed", "thresholds", NULL },
		{ "north-wales", "Communication", "information-sharing", NULL },
		{ "newcastle", "Levels of need / thresholds", "thresholds", NULL },
		{ "newcastle", "dissent at a child protection conference", "conference-dissent", NULL },
		{ "rochdale-adults", "LEVEL OF SUPPORT NEEDED", "thresholds", NULL },
		/* accents and apostrophes */
		{ "north-wales", "R\xC3\xB4les and r\xC3\xA9sp\xC3\xB8nsibilities", "roles", NULL },  /* Rôles, résp∅nsibilities */
		{ "north-wales", "C\xC3\x94MMUNIC\xC3\x82TION", "information-sharing", NULL },         /* CÔMMUNICÂTION */
		{ "north-wales", "\xC3\x8Fnformation sh\xC3\xA2ring", "information-sharing", NULL },    /* Ïnformation shâring */
		{ "north-wales", "Levels of ne\xCC\x82" "ed", "thresholds", NULL },                     /* combining ^ */
		{ "rochdale-adults", "\xC5\xB5orkers", "roles", NULL },                                  /* ŵorkers */
		{ "rochdale-adults", "\xE1\xBA\x83ORKERS", "roles", NULL },                              /* ẃORKERS */
		{ "conflict-resolution", "childrens social care want", "referral-criteria", NULL },
		{ "conflict-resolution", "Children\xE2\x80\x99s social care want", "referral-criteria", NULL },
		/* 4: whole words of the key or label, in any order */
		{ "newcastle", "levels of need", "thresholds", NULL },
		{ "newcastle", "need thresholds", "thresholds", NULL },
		{ "sunderland", "levels of need", "thresholds", NULL },
		{ "sunderland", "Levels-of-Need", "thresholds", NULL },
		{ "newcastle", "dissent", "conference-dissent", NULL },
		{ "newcastle", "cp", "cp-conference", NULL },
		{ "north-wales", "responsibilities", "roles", NULL },
		{ "north-wales", "THE NEED", "action", NULL },
		{ "rochdale-adults", "capacity", "mental-capacity", NULL },
		{ "conflict-resolution", "police", "police-response", NULL },
		/* ... and a whole word wins over the start of one: "needed" is not "need" */
		{ "rochdale-adults", "need", "action", NULL },
		/* 5: the start of a word, from three letters */
		{ "north-wales", "thresh", "thresholds", NULL },
		{ "north-wales", "info shar", "information-sharing", NULL },
		{ "north-wales", "level of need", "thresholds", NULL },
		{ "north-wales", "resp", "roles", NULL },
		{ "rochdale-adults", "mental cap", "mental-capacity", NULL },
		{ "rochdale-adults", "support need", "thresholds", NULL },
		{ "newcastle", "confer diss", "conference-dissent", NULL },
		/* ambiguous: the first rule that matches decides, and it matches two */
		{ "north-wales", "need", NULL,
		  "category \"need\" is ambiguous in north-wales: it could be thresholds (Levels of need) or "
		  "action (The need for action); the other categories are: roles (Roles and responsibilities) "
		  "and information-sharing (Communication)" },
		{ "sunderland", "Need", NULL,
		  "category \"Need\" is ambiguous in sunderland: it could be thresholds (Levels of need / thresholds) "
		  "or action (The need for action); the other categories are: roles (Roles and responsibilities), "
		  "information-sharing (Communication and information sharing) and service-provision (Service provision)" },
		{ "newcastle", "child protection conference", NULL,
		  "category \"child protection conference\" is ambiguous in newcastle: it could be "
		  "cp-conference (Need for a Child Protection Conference) or conference-dissent "
		  "(Dissent at a Child Protection Conference); the other categories are: "
		  "thresholds (Levels of need / thresholds), referral-criteria (A referral (criteria for referrals)), "
		  "assessment-plan (An assessment (outcome, adequacy of the plan)), "
		  "enquiry (An enquiry (such as a Section 47 Enquiry)) and "
		  "action (Decisions, actions or lack of action (the need for action))" },
		{ "rochdale-adults", "asse", NULL,
		  "category \"asse\" is ambiguous in rochdale-adults: it could be assessment-plan (Outcomes of assessments) "
		  "or mental-capacity (Mental capacity assessment); the other categories are: "
		  "referral-criteria (Criteria for referrals), roles (Roles and responsibilities of workers), "
		  "service-provision (Service provision), information-sharing (Information sharing and communication), "
		  "thresholds (Level of support needed) and action (The need for action)" },
		/* unknown */
		{ "north-wales", "nonsense", NULL,
		  "unknown category \"nonsense\" in north-wales; the categories are: " NW_ALL },
		{ "north-wales", "mental-capacity", NULL,
		  "unknown category \"mental-capacity\" in north-wales; the categories are: " NW_ALL },
		{ "north-wales", "levels of need now", NULL,
		  "unknown category \"levels of need now\" in north-wales; the categories are: " NW_ALL },
		{ "north-wales", "co", NULL,      /* too short to be the start of "communication" */
		  "unknown category \"co\" in north-wales; the categories are: " NW_ALL },
		{ "rochdale-adults", "levels", NULL,   /* "level" does not start with "levels" */
		  "unknown category \"levels\" in rochdale-adults; the categories are: referral-criteria "
		  "(Criteria for referrals), assessment-plan (Outcomes of assessments), roles (Roles and "
		  "responsibilities of workers), service-provision (Service provision), information-sharing "
		  "(Information sharing and communication), thresholds (Level of support needed), action "
		  "(The need for action) and mental-capacity (Mental capacity assessment)" },
		{ "north-wales", "", NULL, "unknown category \"\" in north-wales; the categories are: " NW_ALL },
		{ "north-wales", " / - ", NULL, "unknown category \" / - \" in north-wales; the categories are: " NW_ALL },
		{ "north-wales", "need\x1b[2J", NULL,
		  "unknown category \"need\xEF\xBF\xBD[2J\" in north-wales; the categories are: " NW_ALL },
		{ "north-wales", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC3\xA9\xC3\xA9xxxxxxxxxx", NULL,
		  "unknown category \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC3\xA9...\" "
		  "in north-wales; the categories are: " NW_ALL },
		/* ties between rules: a key as stored, then keys, then labels */
		{ NULL, "roles", "roles", NULL },
		{ NULL, "ROLES.", "roles", NULL },
		{ NULL, "other", "other", NULL },
		{ NULL, "a-b", "a-b", NULL },
		{ NULL, "AB", "ab", NULL },
		{ NULL, "a b", NULL,
		  "category \"a b\" is ambiguous in ties: it could be a-b (First) or ab (Second); the other "
		  "categories are: roles (Roles and responsibilities), other (Roles), x-y (Something), z (X Y), "
		  "same (Same label), twin (Same-label) and cafe (Caf\xC3\xA9 soci\xC3\xA9t\xC3\xA9)" },
		{ NULL, "x y", "x-y", NULL },
		{ NULL, "same label", NULL,
		  "category \"same label\" is ambiguous in ties: it could be same (Same label) or twin (Same-label); "
		  "the other categories are: roles (Roles and responsibilities), other (Roles), a-b (First), "
		  "ab (Second), x-y (Something), z (X Y) and cafe (Caf\xC3\xA9 soci\xC3\xA9t\xC3\xA9)" },
		{ NULL, "CAFE SOCIETE", "cafe", NULL },
		{ NULL, "soc", "cafe", NULL },
		{ NULL, "sec", "ab", NULL },
		{ NULL, "label", NULL,
		  "category \"label\" is ambiguous in ties: it could be same (Same label) or twin (Same-label); "
		  "the other categories are: roles (Roles and responsibilities), other (Roles), a-b (First), "
		  "ab (Second), x-y (Something), z (X Y) and cafe (Caf\xC3\xA9 soci\xC3\xA9t\xC3\xA9)" },
		{ NULL, "nothing", NULL, "unknown category \"nothing\" in ties; the categories are: " TIES_ALL },
	};
	struct protocol *ties = NULL;
	struct error err;

	(void)state;
	if (protocol_parse("ties", "ties.ini", TIES, strlen(TIES), &shipped_cal, &ties, &err) != ST_OK)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct protocol *p = cases[i].protocol ? get(cases[i].protocol) : ties;
		const struct category *c = (const struct category *)&err;   /* must be reset */
		enum status rc = protocol_category_find(p, cases[i].text, &c, &err);

		if (cases[i].key) {
			if (rc != ST_OK)
				fail_msg("case %zu (%s): '%s' refused: %s", i, p->id, cases[i].text, err.msg);
			if (strcmp(c->key, cases[i].key) != 0)
				fail_msg("case %zu (%s): '%s' found %s, want %s", i, p->id, cases[i].text, c->key,
				         cases[i].key);
			continue;
		}
		if (rc != ST_INVALID)
			fail_msg("case %zu (%s): '%s' found %s, want a refusal", i, p->id, cases[i].text,
			         rc == ST_OK ? c->key : status_name(rc));
		assert_null(c);
		assert_int_equal(err.code, ST_INVALID);
		if (strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("case %zu (%s): '%s' refused with\n  %s\nwant\n  %s", i, p->id, cases[i].text,
			         err.msg, cases[i].msg);
		assert_null(strstr(err.msg, "--"));
	}
	/* NULL is nothing typed */
	assert_int_equal(protocol_category_find(ties, NULL, &(const struct category *){NULL}, &err), ST_INVALID);
	assert_string_equal(err.msg, "unknown category \"\" in ties; the categories are: " TIES_ALL);
	protocol_free(ties);
}

/* Whether word is c's key or label, run together after folding. */
static bool names_whole(const struct category *c, const char *word)
{
	const char *texts[] = { c->key, c->label };
	bool yes = false;

	for (size_t i = 0; i < 2 && !yes; i++) {
		char *f = text_fold_words(texts[i]), *o = f;

		for (const char *q = f; *q; q++)
			if (*q != ' ')
				*o++ = *q;
		*o = '\0';
		yes = strcmp(f, word) == 0;
		free(f);
	}
	return yes;
}

/* Every category of every shipped protocol is found by its key and its
 * label however they are typed, and each word of them either finds it or
 * is refused as ambiguous with it among those named. */
static void test_category_find_shipped_reachable(void **state)
{
	struct error err;

	(void)state;
	for (size_t i = 0; i < set.n; i++) {
		const struct protocol *p = set.v[i];

		for (size_t j = 0; j < p->ncategories; j++) {
			const struct category *want = &p->categories[j], *c;
			char *spaced = xstrdup(want->key), *upper = xstrdup(want->label);
			char *words = xasprintf("%s %s", want->key, want->label);
			const char *forms[] = { want->key, want->label, spaced, upper };
			char *folded;

			for (char *q = spaced; *q; q++)
				*q = *q == '-' ? ' ' : *q;
			for (char *q = upper; *q; q++)
				*q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
			for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
				if (protocol_category_find(p, forms[k], &c, &err) != ST_OK)
					fail_msg("%s: '%s' refused: %s", p->id, forms[k], err.msg);
				if (c != want)
					fail_msg("%s: '%s' found %s, want %s", p->id, forms[k], c->key, want->key);
			}
			folded = text_fold_words(words);
			for (char *w = strtok(folded, " "); w; w = strtok(NULL, " ")) {
				char *named, *end;

				if (protocol_category_find(p, w, &c, &err) == ST_OK) {
					/* another category only when the word is all of its key
					 * or label: "communication" is north-wales's information-sharing */
					if (c != want && !names_whole(c, w))
						fail_msg("%s: '%s' found %s, not %s", p->id, w, c->key, want->key);
					continue;
				}
				if (strncmp(err.msg, "category \"", 10) != 0 || !strstr(err.msg, "ambiguous"))
					fail_msg("%s: '%s' refused: %s", p->id, w, err.msg);
				/* among the categories it could be */
				end = strstr(err.msg, "; the other categories");
				if (end)
					*end = '\0';
				named = xasprintf(" %s (", want->key);
				if (!strstr(err.msg, named))
					fail_msg("%s: '%s' does not name %s: %s", p->id, w, want->key, err.msg);
				free(named);
			}
			free(folded);
			free(words);
			free(spaced);
			free(upper);
		}
	}
}

/* A protocol with very many long categories still gets a refusal that fits,
 * cut between entries. */
static void test_category_find_many(void **state)
{
	struct sb text = {0};
	struct protocol *p = NULL;
	const struct category *c;
	struct error err;

	(void)state;
	sb_append(&text, HEAD STAGE1 "[categories]\n");
	for (int i = 0; i < 60; i++)
		sb_printf(&text, "category = c%02d: A long label about disagreement number %02d, "
		          "with enough words in it to fill a line of a terminal \xE2\x80\x94 %02d\n", i, i, i);
	if (protocol_parse("many", "many.ini", text.s, text.len, &shipped_cal, &p, &err) != ST_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(protocol_category_find(p, "nothing", &c, &err), ST_INVALID);
	assert_true(strlen(err.msg) < sizeof(err.msg) - 1);
	assert_true(utf8_valid(err.msg, strlen(err.msg), NULL));
	assert_non_null(strstr(err.msg, "c00 (A long label"));
	assert_non_null(strstr(err.msg, " more"));
	assert_int_equal(protocol_category_find(p, "disagreement", &c, &err), ST_INVALID);
	assert_true(strlen(err.msg) < sizeof(err.msg) - 1);
	assert_true(utf8_valid(err.msg, strlen(err.msg), NULL));
	assert_non_null(strstr(err.msg, "ambiguous"));
	assert_non_null(strstr(err.msg, " more"));
	assert_int_equal(protocol_category_find(p, "c42", &c, &err), ST_OK);
	assert_string_equal(c->key, "c42");
	assert_int_equal(protocol_category_find(p, "disagreement number 42", &c, &err), ST_OK);
	assert_string_equal(c->key, "c42");
	protocol_free(p);
	free(text.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_all_load),
		cmocka_unit_test(test_shipped_stages),
		cmocka_unit_test(test_parse_actions),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_north_wales),
		cmocka_unit_test(test_newcastle),
		cmocka_unit_test(test_conflict_resolution),
		cmocka_unit_test(test_sunderland),
		cmocka_unit_test(test_rochdale),
		cmocka_unit_test(test_stages_and_lookups),
		cmocka_unit_test(test_limit_parse_accepts),
		cmocka_unit_test(test_limit_parse_rejects),
		cmocka_unit_test(test_limit_describe),
		cmocka_unit_test(test_limit_due),
		cmocka_unit_test(test_limit_due_shipped),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_timezone_key),
		cmocka_unit_test(test_parse_syntax),
		cmocka_unit_test(test_parse_new_keys),
		cmocka_unit_test(test_parse_length),
		cmocka_unit_test(test_parse_division),
		cmocka_unit_test(test_parse_quotes),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_load_dir_not_regular),
		cmocka_unit_test(test_load_dir_bad_names),
		cmocka_unit_test(test_user_override_shipped),
		cmocka_unit_test(test_category_find),
		cmocka_unit_test(test_category_find_shipped_reachable),
		cmocka_unit_test(test_category_find_many),
	};

	return cmocka_run_group_tests(tests, load_shipped, free_shipped);
}
