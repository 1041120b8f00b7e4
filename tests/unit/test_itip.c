/* Unit tests for the invite lifecycle (what is owed, UIDs and SEQUENCEs), replies, its journal lines, email addresses and time zone names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/date.h"
#include "dispute/itip.h"
#include "dispute/journal.h"
#include "dispute/protocol.h"
#include "dispute/text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HOST "0123456789abcdef"

static long D(const char *s)
{
	long day;

	assert_true(date_parse(s, &day));
	return day;
}

/* Two counterparts at the other agency: 1 Zoë, 2 Bob, 3 one no invite can
 * reach; and at further agencies, 4 DS Grey (police), 5 Ann (health
 * visiting), and 6 Zoë again under another contact. */
static bool person(long long id, struct itip_person *out, void *ctx)
{
	static const struct itip_person people[] = {
		{ 1, "Zo\xC3\xAB O'Brien", "zoe@csc.example.org" },
		{ 2, "Bob Ndlovu", "bob@csc.example.org" },
		{ 3, "Query", "a?body=x@csc.example.org" },
		{ 4, "DS Grey", "grey@police.example.org" },
		{ 5, "Ann Hale", "ann@hv.example.org" },
		{ 6, "Zo\xC3\xAB O'Brien (police liaison)", "ZOE@csc.example.org" },
	};

	(void)ctx;
	for (size_t i = 0; i < N(people); i++)
		if (people[i].contact_id == id) {
			*out = people[i];
			return true;
		}
	return false;
}

/* An open dispute at stage 1, due 2026-11-30, counterpart Zoë. */
static void dispute_make(struct dispute *d)
{
	struct stage *st;

	dispute_init(d);
	d->id = 1;
	snprintf(d->reference, sizeof(d->reference), "D-2026-0001");
	d->status = DS_OPEN;
	d->opened = D("2026-11-23");
	d->stages = calloc(4, sizeof(*d->stages));
	d->nstages = 1;
	d->current_stage = 1;
	st = &d->stages[0];
	st->number = 1;
	st->started = D("2026-11-23");
	st->due = D("2026-11-30");
	st->limit_due = st->due;
	st->due_minute = TIME_NONE;
	st->ended = DATE_NONE;
	st->how = SE_NONE;
	st->contact_id = 1;
}

/* Stage 1 ends as escalated on 2026-11-27; stage 2 runs, due 2026-12-04. */
static void escalate(struct dispute *d, long long contact)
{
	struct stage *st = &d->stages[d->nstages];

	d->stages[d->nstages - 1].ended = D("2026-11-27");
	d->stages[d->nstages - 1].how = SE_ESCALATED;
	d->stages[d->nstages - 1].sequence++;
	memset(st, 0, sizeof(*st));
	st->number = (int)++d->nstages;
	st->started = D("2026-11-27");
	st->due = D("2026-12-04");
	st->limit_due = st->due;
	st->due_minute = TIME_NONE;
	st->ended = DATE_NONE;
	st->how = SE_NONE;
	st->contact_id = contact;
	d->current_stage = st->number;
}

/* What the plan says, one line a message: "REQUEST 1 zoe@… seq 0 uid-tail why owed". */
static char *plan_text(const struct itip_plan *plan)
{
	static const char *const whys[] = { "new", "changed", "renewed", "again", "ended", "closed", "replaced" };
	struct sb sb = {0};

	for (size_t i = 0; i < plan->n; i++) {
		const struct itip_msg *m = &plan->v[i];
		const char *tail = strstr(m->uid, ".stage");

		sb_printf(&sb, "%s %d %s seq %d %s %s%s\n", itip_method_name(m->method), m->stage, m->email, m->sequence,
		          tail ? tail + 1 : m->uid, whys[m->why], m->owed ? " owed" : "");
	}
	return sb_take(&sb);
}

/* Plans `which` and compares the lines; want NULL: refused with msg. */
static void plan_is(const struct dispute *d, const struct itip_log *log, enum itip_which which, int stage,
                    const char *want, const char *msg)
{
	struct itip_plan plan;
	struct error err;
	enum status rc = itip_plan(d, log, HOST, which, stage, person, NULL, &plan, &err);

	if (!want) {
		assert_int_not_equal(rc, ST_OK);
		assert_string_equal(err.msg, msg);
		assert_int_equal(plan.n, 0);
		return;
	}
	assert_int_equal(rc, ST_OK);
	{
		char *got = plan_text(&plan);

		assert_string_equal(got, want);
		free(got);
	}
	itip_plan_free(&plan);
}

/* Sends everything `which` plans: the log as it is afterwards. */
static void send_all(const struct dispute *d, struct itip_log *log, enum itip_which which)
{
	struct itip_plan plan;
	struct error err;

	assert_int_equal(itip_plan(d, log, HOST, which, 0, person, NULL, &plan, &err), ST_OK);
	for (size_t i = 0; i < plan.n; i++) {
		struct itip_sent after, *row;

		itip_sent_init(&after);
		itip_after_send(log, &plan.v[i], &after);
		row = itip_log_get(log, plan.v[i].stage, plan.v[i].email);
		itip_sent_free(row);
		*row = after;
	}
	itip_plan_free(&plan);
}

static void test_lifecycle(void **state)
{
	struct dispute d;
	struct itip_log log = { NULL, 0 };

	(void)state;
	dispute_make(&d);
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "REQUEST 1 zoe@csc.example.org seq 0 stage1." HOST "@dispute new owed\n", NULL);
	send_all(&d, &log, ITIP_FOR_OWED);
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "", NULL);
	/* Exported again: the same message, the same SEQUENCE. */
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0, "REQUEST 1 zoe@csc.example.org seq 0 stage1." HOST "@dispute again\n", NULL);

	/* A new date: the same UID, the next SEQUENCE (and never below the stage's own). */
	d.stages[0].due = D("2026-11-26");
	d.stages[0].sequence = 1;
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "REQUEST 1 zoe@csc.example.org seq 1 stage1." HOST "@dispute changed owed\n",
	        NULL);
	send_all(&d, &log, ITIP_FOR_OWED);

	/* Escalated: stage 1's invite is cancelled; stage 2 has no counterpart yet. */
	escalate(&d, 0);
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "CANCEL 1 zoe@csc.example.org seq 2 stage1." HOST "@dispute ended owed\n", NULL);
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0, NULL, "stage 2 of D-2026-0001 has no counterpart manager");
	send_all(&d, &log, ITIP_FOR_OWED);
	/* A cancelled stage is never requested again: stage 1 now gives its CANCEL, as sent. */
	plan_is(&d, &log, ITIP_FOR_STAGE, 1, "CANCEL 1 zoe@csc.example.org seq 2 stage1." HOST "@dispute again\n", NULL);

	/* Zoë for stage 2, then Bob instead: she gets a CANCEL, he the REQUEST, under one UID going up. */
	d.stages[1].contact_id = 1;
	send_all(&d, &log, ITIP_FOR_OWED);
	d.stages[1].contact_id = 2;
	plan_is(&d, &log, ITIP_FOR_OWED, 0,
	        "REQUEST 2 bob@csc.example.org seq 1 stage2." HOST "@dispute new owed\n"
	        "CANCEL 2 zoe@csc.example.org seq 1 stage2." HOST "@dispute replaced owed\n", NULL);
	send_all(&d, &log, ITIP_FOR_OWED);
	/* Zoë named again: her old UID was cancelled, so a new one. */
	d.stages[1].contact_id = 1;
	plan_is(&d, &log, ITIP_FOR_OWED, 0,
	        "REQUEST 2 zoe@csc.example.org seq 2 stage2-2." HOST "@dispute renewed owed\n"
	        "CANCEL 2 bob@csc.example.org seq 2 stage2." HOST "@dispute replaced owed\n", NULL);
	d.stages[1].contact_id = 2;

	/* Closed: no request at all; the live invite is cancelled. */
	d.status = DS_RESOLVED;
	d.closed = D("2026-11-27");
	d.stages[1].ended = d.closed;
	d.stages[1].how = SE_RESOLVED;
	d.stages[1].sequence = 1;
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0, NULL,
	        "D-2026-0001 is resolved: a closed dispute's invites are cancelled, never sent again as requests");
	plan_is(&d, &log, ITIP_FOR_LIVE, 0, NULL,
	        "D-2026-0001 is resolved: a closed dispute's invites are cancelled, never sent again as requests");
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "CANCEL 2 bob@csc.example.org seq 2 stage2." HOST "@dispute closed owed\n",
	        NULL);
	send_all(&d, &log, ITIP_FOR_OWED);
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "", NULL);
	plan_is(&d, &log, ITIP_FOR_CANCEL, 0, "CANCEL 2 bob@csc.example.org seq 2 stage2." HOST "@dispute again\n"
	        "CANCEL 2 zoe@csc.example.org seq 1 stage2." HOST "@dispute again\n", NULL);
	itip_log_free(&log);
	dispute_free(&d);
}

static void test_refusals(void **state)
{
	struct dispute d;
	struct itip_log log = { NULL, 0 };

	(void)state;
	dispute_make(&d);
	d.stages[0].contact_id = 3;
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0, NULL,
	        "the counterpart for stage 1 of D-2026-0001 (Query) has no email address an invite can carry: '?' "
	        "cannot go in an invite's mailto: address");
	/* What is owed passes over a stage it cannot reach, quietly. */
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "", NULL);
	d.stages[0].contact_id = 9;
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0, NULL, "no contact 9, the counterpart of stage 1 of D-2026-0001");
	d.stages[0].contact_id = 1;
	d.stages[0].due = DATE_NONE;
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0, NULL, "stage 1 of D-2026-0001 has no due date yet");
	plan_is(&d, &log, ITIP_FOR_STAGE, 3, NULL, "D-2026-0001 has not reached stage 3");
	plan_is(&d, &log, ITIP_FOR_CANCEL, 0, NULL, "D-2026-0001 is open and its deadline stands; a moved deadline is "
	        "re-sent as a request, and a closed dispute's invites can be cancelled");
	/* A closed dispute with nothing on record: its last stage's counterpart, all the same. */
	d.stages[0].due = D("2026-11-30");
	d.status = DS_WITHDRAWN;
	d.closed = D("2026-11-27");
	d.stages[0].ended = d.closed;
	d.stages[0].how = SE_WITHDRAWN;
	d.stages[0].sequence = 1;
	plan_is(&d, &log, ITIP_FOR_CANCEL, 0, "CANCEL 1 zoe@csc.example.org seq 1 stage1." HOST "@dispute closed\n", NULL);
	dispute_free(&d);
}

/* A dispute with three other agencies: each agency's counterpart of a stage
 * gets a message of their own, with a UID of their own (the first keeps the
 * stage's), and their own row of the lifecycle. */
static void test_several_counterparts(void **state)
{
	static char *others[] = { "Police", "Health Visiting" };
	struct counterpart cps[2] = { { 1, 2, 4 }, { 1, 3, 5 } };
	struct dispute d;
	struct itip_log log = { NULL, 0 };

	(void)state;
	dispute_make(&d);
	d.against = strdup("Children's Social Care");
	d.others = malloc(sizeof(others));
	d.others[0] = strdup(others[0]);
	d.others[1] = strdup(others[1]);
	d.nothers = 2;
	d.counterparts = malloc(sizeof(cps));
	memcpy(d.counterparts, cps, sizeof(cps));
	d.ncounterparts = 2;
	plan_is(&d, &log, ITIP_FOR_OWED, 0,
	        "REQUEST 1 zoe@csc.example.org seq 0 stage1." HOST "@dispute new owed\n"
	        "REQUEST 1 grey@police.example.org seq 0 stage1.agency2." HOST "@dispute new owed\n"
	        "REQUEST 1 ann@hv.example.org seq 0 stage1.agency3." HOST "@dispute new owed\n", NULL);
	send_all(&d, &log, ITIP_FOR_OWED);
	assert_int_equal(log.n, 3);
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "", NULL);
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0,
	        "REQUEST 1 zoe@csc.example.org seq 0 stage1." HOST "@dispute again\n"
	        "REQUEST 1 grey@police.example.org seq 0 stage1.agency2." HOST "@dispute again\n"
	        "REQUEST 1 ann@hv.example.org seq 0 stage1.agency3." HOST "@dispute again\n", NULL);

	/* Health visiting names Bob instead: he gets its UID (its SEQUENCE going up),
	 * Ann a CANCEL; the others nothing. */
	d.counterparts[1].contact_id = 2;
	plan_is(&d, &log, ITIP_FOR_OWED, 0,
	        "REQUEST 1 bob@csc.example.org seq 1 stage1.agency3." HOST "@dispute new owed\n"
	        "CANCEL 1 ann@hv.example.org seq 1 stage1.agency3." HOST "@dispute replaced owed\n", NULL);
	send_all(&d, &log, ITIP_FOR_OWED);
	/* A second contact at an address already invited is the same attendee: one message. */
	d.counterparts[0].contact_id = 6;
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0,
	        "REQUEST 1 zoe@csc.example.org seq 0 stage1." HOST "@dispute again\n"
	        "REQUEST 1 bob@csc.example.org seq 1 stage1.agency3." HOST "@dispute again\n", NULL);
	d.counterparts[0].contact_id = 4;
	/* No counterpart for the first agency: the further ones still go. */
	d.stages[0].contact_id = 0;
	plan_is(&d, &log, ITIP_FOR_OWED, 0, "CANCEL 1 zoe@csc.example.org seq 1 stage1." HOST "@dispute replaced owed\n",
	        NULL);
	d.stages[0].contact_id = 1;

	/* Escalated: stage 1 is cancelled to each of them that holds a request
	 * (Ann has hers already); stage 2 has no counterpart at all. */
	escalate(&d, 0);
	plan_is(&d, &log, ITIP_FOR_OWED, 0,
	        "CANCEL 1 bob@csc.example.org seq 2 stage1.agency3." HOST "@dispute ended owed\n"
	        "CANCEL 1 grey@police.example.org seq 1 stage1.agency2." HOST "@dispute ended owed\n"
	        "CANCEL 1 zoe@csc.example.org seq 1 stage1." HOST "@dispute ended owed\n", NULL);
	plan_is(&d, &log, ITIP_FOR_CURRENT, 0, NULL, "stage 2 of D-2026-0001 has no counterpart manager");
	itip_log_free(&log);

	/* Closed with nothing on record: a CANCEL to each counterpart of the last stage, under its UID. */
	d.status = DS_WITHDRAWN;
	d.closed = D("2026-11-27");
	d.stages[1].ended = d.closed;
	d.stages[1].how = SE_WITHDRAWN;
	d.stages[1].sequence = 1;
	plan_is(&d, &log, ITIP_FOR_CANCEL, 0, NULL, "stage 2 of D-2026-0001 had no counterpart, so no invite to cancel");
	d.stages[1].contact_id = 1;
	d.counterparts[0].stage = 2;
	plan_is(&d, &log, ITIP_FOR_CANCEL, 0,
	        "CANCEL 2 zoe@csc.example.org seq 1 stage2." HOST "@dispute closed\n"
	        "CANCEL 2 grey@police.example.org seq 1 stage2.agency2." HOST "@dispute closed\n", NULL);
	dispute_free(&d);
}

static void test_reply(void **state)
{
	struct itip_sent row, after;
	struct itip_reply r;
	struct error err;

	(void)state;
	itip_sent_init(&row);
	itip_sent_init(&after);
	itip_reply_init(&r);
	row.stage = 2;
	row.attendee = strdup("zoe@csc.example.org");
	row.uid = strdup("D-2026-0001.stage2." HOST "@dispute");
	row.sequence = 3;
	row.method = ITIP_REQUEST;
	r.uid = strdup(row.uid);
	r.attendee = strdup("ZOE@csc.example.org");
	r.sequence = 2;
	r.partstat = ITIP_ACCEPTED;
	assert_int_equal(itip_reply_check(&row, &r, "D-2026-0001", &after, &err), ST_REFUSED);
	assert_string_equal(err.msg, "the reply answers sequence 2 of D-2026-0001's invite for stage 2, but sequence 3 "
	                    "went to zoe@csc.example.org since; it is not journalled");
	r.sequence = 3;
	assert_int_equal(itip_reply_check(&row, &r, "D-2026-0001", &after, &err), ST_OK);
	assert_int_equal(after.partstat, ITIP_ACCEPTED);
	r.counter = true;
	assert_int_equal(itip_reply_check(&row, &r, "D-2026-0001", &after, &err), ST_INVALID);
	r.proposed = D("2026-12-02");
	assert_int_equal(itip_reply_check(&row, &r, "D-2026-0001", &after, &err), ST_OK);
	assert_int_equal(after.proposed, D("2026-12-02"));
	assert_int_equal(after.partstat, ITIP_NEEDS_ACTION);
	row.method = ITIP_CANCEL;
	assert_int_equal(itip_reply_check(&row, &r, "D-2026-0001", &after, &err), ST_REFUSED);
	assert_string_equal(err.msg, "the invite D-2026-0001.stage2." HOST "@dispute to zoe@csc.example.org was "
	                    "cancelled (sequence 3): a reply to it is not journalled");
	assert_int_equal(itip_reply_check(NULL, &r, "D-2026-0001", &after, &err), ST_REFUSED);
	itip_reply_free(&r);
	itip_sent_free(&row);
	itip_sent_free(&after);
}

/* The journal's invite lines: written, replayed, and passed over by the dispute's own replay. */
static void test_journal_lines(void **state)
{
	struct itip_sent a, b;
	struct itip_log log = { NULL, 0 };
	struct dispute d;
	struct error err;
	char *lines, diff[512];

	(void)state;
	itip_sent_init(&a);
	a.stage = 2;
	a.attendee = strdup("zoe@csc.example.org");
	a.contact_id = 4;
	a.uid = strdup("D-2026-0001.stage2." HOST "@dispute");
	a.sequence = 1;
	a.method = ITIP_REQUEST;
	a.due = D("2026-12-04");
	lines = journal_invite_delta(NULL, &a);
	assert_string_equal(lines, "invite.2.to=zoe@csc.example.org\ninvite.2.contact=4\n"
	                    "invite.2.uid=D-2026-0001.stage2." HOST "@dispute\ninvite.2.sequence=1\n"
	                    "invite.2.method=REQUEST\ninvite.2.due=2026-12-04\n");
	assert_int_equal(journal_invite_apply(&log, lines, &err), ST_OK);
	free(lines);
	itip_sent_init(&b);
	itip_sent_copy(&b, &a);
	b.sequence = 2;
	b.method = ITIP_CANCEL;
	b.partstat = ITIP_DECLINED;
	lines = journal_invite_delta(&a, &b);
	assert_string_equal(lines, "invite.2.to=zoe@csc.example.org\ninvite.2.sequence=2\ninvite.2.method=CANCEL\n"
	                    "invite.2.partstat=DECLINED\n");
	/* The dispute's replay passes over them, beside its own lines. */
	dispute_init(&d);
	assert_int_equal(journal_apply(&d, "reference=D-2026-0001\n", &err), ST_OK);
	assert_int_equal(journal_apply(&d, lines, &err), ST_OK);
	assert_string_equal(d.reference, "D-2026-0001");
	assert_int_equal(journal_invite_apply(&log, "reference=D-2026-0001\n", &err), ST_OK);
	assert_int_equal(journal_invite_apply(&log, lines, &err), ST_OK);
	free(lines);
	assert_int_equal(log.n, 1);
	assert_true(journal_invite_same(&log.v[0], &b, "here", "there", diff, sizeof(diff)));
	assert_false(journal_invite_same(&log.v[0], &a, "in the tables", "in the journal", diff, sizeof(diff)));
	assert_string_equal(diff, "invite for stage 2 to zoe@csc.example.org: sequence: 2 in the tables, 1 in the journal");
	/* A field line with no "to" line before it cannot be placed. */
	assert_int_equal(journal_invite_apply(&log, "invite.3.sequence=1\n", &err), ST_INVALID);
	assert_string_equal(err.msg, "journal state line \"invite.3.sequence=1\": no invite.3.to line before it");
	assert_int_equal(journal_invite_apply(&log, "invite.2.to=x@y.org\ninvite.2.method=MAYBE\n", &err), ST_INVALID);
	itip_log_free(&log);
	itip_sent_free(&a);
	itip_sent_free(&b);
	dispute_free(&d);
}

static void test_email(void **state)
{
	static const struct { const char *email; const char *why; } cases[] = {
		{ "zoe.obrien@csc.example.org", NULL },
		{ "duty.desk+cp@xn--polica-9ta.example.org", NULL },
		{ "o'brien@csc.example.org", NULL },
		{ "a!$*~_-@x.org", NULL },
		{ "user@localhost", NULL },
		{ "", "no address is given" },
		{ "zo\xC3\xAB@csc.example.org", "it has a character beyond ASCII: internationalised addresses (RFC 6531) are "
		  "not supported; give the ASCII address (a domain in its xn-- form)" },
		{ "zoe@b\xC3\xBCro.de", "it has a character beyond ASCII: internationalised addresses (RFC 6531) are not "
		  "supported; give the ASCII address (a domain in its xn-- form)" },
		{ "a?body=hi%20x@csc.example.org", "'?' cannot go in an invite's mailto: address" },
		{ "team#1@csc.example.org", "'#' cannot go in an invite's mailto: address" },
		{ "a%b@csc.example.org", "'%' cannot go in an invite's mailto: address" },
		{ "a&b=c@csc.example.org", "'&' cannot go in an invite's mailto: address" },
		{ "a b@csc.example.org", "it has a space or a control character" },
		{ "a\tb@csc.example.org", "it has a space or a control character" },
		{ "ab@csc.example.org\n", "it has a space or a control character" },
		{ "\"a b\"@csc.example.org", "quoted local parts, comments, domain literals and display names are not "
		  "supported: give the plain address, name@example.org" },
		{ "Zoe <zoe@csc.example.org>", "it has a space or a control character" },
		{ "zoe@[192.0.2.1]", "quoted local parts, comments, domain literals and display names are not supported: "
		  "give the plain address, name@example.org" },
		{ "zoe", "it is not of the form name@domain" },
		{ "@csc.example.org", "it is not of the form name@domain" },
		{ "zoe@", "it is not of the form name@domain" },
		{ "a@b@csc.example.org", "'@' appears twice" },
		{ ".zoe@csc.example.org", "a dot cannot start or end the part before '@', or follow another dot" },
		{ "zo..e@csc.example.org", "a dot cannot start or end the part before '@', or follow another dot" },
		{ "zoe.@csc.example.org", "a dot cannot start or end the part before '@', or follow another dot" },
		{ "zoe@csc..example.org", "the domain has an empty part" },
		{ "zoe@csc.example.org.", "the domain has an empty part" },
		{ "zoe@-csc.example.org", "a part of the domain starts or ends with '-'" },
		{ "zoe@csc_x.example.org", "'_' is not allowed in the domain" },
		{ "zoe/x@csc.example.org", "'/' cannot go in an invite's mailto: address" },
		{ "zo,e@csc.example.org", "',' is not allowed in an email address" },
	};
	char why[256];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		bool ok = text_email_check(cases[i].email, why, sizeof(why));

		if (ok != !cases[i].why)
			fail_msg("%s: want %s", cases[i].email, cases[i].why ? cases[i].why : "ok");
		if (!ok && strcmp(why, cases[i].why) != 0)
			fail_msg("%s: why '%s', want '%s'", cases[i].email, why, cases[i].why);
		assert_int_equal(text_email_ok(cases[i].email), ok);
	}
	assert_false(text_email_ok(NULL));
}

static void test_timezone_names(void **state)
{
	static const struct { const char *name; bool ok; } cases[] = {
		{ "Europe/London", true }, { "UTC", true }, { "America/Argentina/Buenos_Aires", true },
		{ "Etc/GMT+5", true }, { "America/Port-au-Prince", true },
		{ "", false }, { "/Europe/London", false }, { "Europe//London", false }, { "Europe/London/", false },
		{ "../etc/passwd", false }, { "Europe/.London", false }, { "Europe/Lon don", false },
		{ "Europe/London\n", false }, { "Europe\\London", false }, { "-Europe", false },
		{ "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		if (protocol_timezone_ok(cases[i].name) != cases[i].ok)
			fail_msg("'%s': want %s", cases[i].name, cases[i].ok ? "ok" : "refused");
	assert_false(protocol_timezone_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_several_counterparts),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_journal_lines),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_timezone_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
