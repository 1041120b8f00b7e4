/* Unit tests for the shared actions (service layer) on a real database in a temporary directory, run from the repo root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dispute/date.h"
#include "dispute/dispute.h"
#include "dispute/service.h"
#include "../support/changes.h"
#include "dispute/store.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "2027-01-15"      /* a Friday */
#define NOW (10 * 60 + 30)      /* 10:30 */

/* Expected dates were worked out by hand and checked with python3's
 * datetime against data/bank-holidays.csv (england-and-wales): 2026-12-25,
 * 2026-12-28 and 2027-01-01 are bank holidays. */

/* A user protocol with an hour limit, so that the preview is compared with
 * escalation where the time of day matters. */
static const char timed_ini[] =
	"[protocol]\n"
	"title = Timed test protocol\n"
	"partnership = Test partnership\n"
	"source = Written for the unit tests\n"
	"population = children\n"
	"division = england-and-wales\n"
	"[stage 1]\n"
	"name = First\n"
	"limit = 5 working days\n"
	"[stage 2]\n"
	"name = Within a day\n"
	"limit = 24 hours\n"
	"[categories]\n"
	"category = thresholds: Levels of need\n";

struct fx {
	char dir[64];
	char db[128];
	struct ctx c;
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

#define assert_day(got, want) assert_day_at((got), (want), __FILE__, __LINE__)
static void assert_day_at(long got, long want, const char *file, int line)
{
	char a[11], b[11];

	if (got != want)
		fail_msg("%s:%d: got date '%s', want '%s'", file, line, date_format(got, a), date_format(want, b));
}

#define assert_ok(rc, err) assert_ok_at((rc), &(err), __FILE__, __LINE__)
static void assert_ok_at(enum status rc, const struct error *err, const char *file, int line)
{
	if (rc != ST_OK)
		fail_msg("%s:%d: status %s: %s", file, line, status_name(rc), err->msg);
}

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

static void rm_rf(const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *dir;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	dir = opendir(path);
	while (dir && (e = readdir(dir))) {
		char *sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = xasprintf("%s/%s", path, e->d_name);
		rm_rf(sub);
		free(sub);
	}
	if (dir)
		closedir(dir);
	rmdir(path);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* ctx_init + ctx_open with the fixture's environment. */
static int fx_open(struct fx *f)
{
	struct error err;

	if (ctx_init(&f->c, D(TODAY), NOW, &err) != ST_OK || ctx_open(&f->c, f->db, OPEN_CREATE, &err) != ST_OK) {
		fprintf(stderr, "cannot set up: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char cwd[PATH_MAX], *path;

	snprintf(f->dir, sizeof(f->dir), "/tmp/dispute-svc-XXXXXX");
	if (!mkdtemp(f->dir) || !getcwd(cwd, sizeof(cwd)))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/disputes.db", f->dir);
	path = xasprintf("%s/data", cwd);
	setenv("DISPUTE_DATADIR", path, 1);
	free(path);
	setenv("XDG_CONFIG_HOME", f->dir, 1);
	setenv("XDG_DATA_HOME", f->dir, 1);
	setenv("HOME", f->dir, 1);
	setenv("DISPUTE_AUTHOR", "tester", 1);
	setenv("DISPUTE_BUSY_MS", "50", 1);
	unsetenv("DISPUTE_DB");
	path = xasprintf("%s/dispute", f->dir);
	mkdir(path, 0700);
	free(path);
	path = xasprintf("%s/dispute/protocols", f->dir);
	mkdir(path, 0700);
	free(path);
	path = xasprintf("%s/dispute/protocols/timed.ini", f->dir);
	if (write_text(path, timed_ini) != 0) {
		free(path);
		return -1;
	}
	free(path);
	*state = f;
	return fx_open(f);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ctx_free(&f->c);
	rm_rf(f->dir);
	free(f);
	return 0;
}

static struct dispute_new new_args(const char *opened, bool urgent)
{
	struct dispute_new a = {
		.subject = "Case 0042 (A.B.)",
		.raised_by = "St Mary's Primary",
		.against = "Children's Social Care",
		.category = "thresholds",
		.summary = "Referral not accepted.",
		.urgent = urgent,
		.opened = D(opened),
		.minute = TIME_NONE,
	};
	return a;
}

/* Opens a dispute through the service; returns its reference in ref. */
static void new_ok(struct fx *f, const char *protocol, bool urgent, const char *opened, char ref[16])
{
	struct dispute_new a = new_args(opened, urgent);
	struct error err;

	assert_ok(svc_new(&f->c, protocol, &a, ref, NULL, &err), err);
}

static void load_ok(struct fx *f, const char *ref, struct dispute *d)
{
	struct error err;

	dispute_init(d);
	assert_ok(store_dispute_load(f->c.store, ref, d, &err), err);
}

/* Loads a dispute's records (free with records_free). */
static struct record *records_of(struct fx *f, const char *ref, size_t *n)
{
	struct dispute d;
	struct record *r = NULL;
	struct error err;

	load_ok(f, ref, &d);
	assert_ok(store_records_load(f->c.store, d.id, &r, n, &err), err);
	dispute_free(&d);
	return r;
}

static void records_free(struct record *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(&r[i]);
	free(r);
}

static size_t record_count(struct fx *f, const char *ref)
{
	size_t n;
	struct record *r = records_of(f, ref, &n);

	records_free(r, n);
	return n;
}

static int dispute_count(struct fx *f)
{
	struct error err;
	int n = -1;

	assert_ok(store_count(f->c.store, NULL, &n, &err), err);
	return n;
}

/* ---- context ---- */

static void test_ctx(void **state)
{
	struct fx *f = *state;
	char cwd[PATH_MAX], want[PATH_MAX + 8];
	const struct protocol *p;
	struct error err;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/data", cwd);
	assert_string_equal(f->c.data_dir, want);
	assert_string_equal(f->c.author, "tester");
	assert_int_equal(f->c.protocols.n, 6);
	assert_int_equal(f->c.protocols.nproblems, 0);
	assert_ok(ctx_protocol(&f->c, "timed", &p, &err), err);
	assert_string_equal(p->title, "Timed test protocol");
	assert_fails(ctx_protocol(&f->c, "leeds", &p, &err), err, ST_NOTFOUND,
	             "unknown protocol 'leeds'");
	/* The front ends say how to mend it, each in its own words. */
	assert_int_equal(err.mend, MEND_PROTOCOLS);
}

/* A new database goes into private directories (0700) the service makes,
 * whatever the umask. */
static void test_ctx_open_creates(void **state)
{
	struct fx *f = *state;
	struct ctx c;
	struct error err;
	struct stat st;
	char *a = xasprintf("%s/new", f->dir), *b = xasprintf("%s/new/place", f->dir);
	char *path = xasprintf("%s/new/place/d.db", f->dir);
	mode_t old = umask(022);

	assert_ok(ctx_init(&c, D(TODAY), TIME_NONE, &err), err);
	assert_ok(ctx_open(&c, path, OPEN_CREATE, &err), err);
	umask(old);
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(b, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	ctx_free(&c);
	free(a);
	free(b);
	free(path);
}

/* ---- opening ---- */

static void test_new(void **state)
{
	struct fx *f = *state;
	struct dispute_new a;
	struct dispute d;
	struct record *r;
	struct error err;
	char ref[16];
	size_t n;

	new_ok(f, "north-wales", false, "2026-12-22", ref);
	assert_string_equal(ref, "D-2026-0001");
	load_ok(f, ref, &d);
	assert_string_equal(d.protocol, "north-wales");
	assert_string_equal(d.subject, "Case 0042 (A.B.)");
	assert_string_equal(d.raised_by, "St Mary's Primary");
	assert_string_equal(d.against, "Children's Social Care");
	assert_day(d.opened, D("2026-12-22"));
	assert_int_equal(d.nstages, 1);
	assert_day(d.stages[0].due, D("2026-12-31"));   /* 23, 24, 29, 30, 31 Dec */
	dispute_free(&d);

	r = records_of(f, ref, &n);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].kind, RK_EVENT);
	assert_day(r[0].day, D("2026-12-22"));
	assert_int_equal(r[0].minute, TIME_NONE);       /* not today: no time of day */
	assert_int_equal(r[0].stage, 1);
	assert_string_equal(r[0].author, "tester");
	assert_int_equal(r[0].amends, 0);
	assert_non_null(r[0].created);
	assert_string_equal(r[0].text, "Opened under Protocol for the Resolution of Professional Disputes at stage 1 "
	                               "(Practitioner to practitioner), due 2026-12-31.");
	records_free(r, n);

	new_ok(f, "sunderland", false, "2026-12-31", ref);
	assert_string_equal(ref, "D-2026-0002");
	r = records_of(f, ref, &n);
	assert_int_equal(n, 1);
	/* agreed, at most 5: 4-8 Jan */
	assert_string_equal(r[0].text, "Opened under Dispute Resolution Protocol at stage 1 (Frontline practitioners), "
	                               "due 2027-01-08.");
	records_free(r, n);

	/* opened today on Newcastle's immediate route: Friday + 1 working day = Monday */
	new_ok(f, "newcastle", true, TODAY, ref);
	assert_string_equal(ref, "D-2027-0001");
	load_ok(f, ref, &d);
	assert_true(d.urgent);
	assert_day(d.stages[0].due, D("2027-01-18"));
	dispute_free(&d);
	r = records_of(f, ref, &n);
	assert_int_equal(n, 1);
	assert_day(r[0].day, D(TODAY));
	assert_int_equal(r[0].minute, NOW);
	assert_string_equal(r[0].text, "Opened under Resolving Multi Agency Professional Disagreements and Escalation "
	                               "on the urgent route at stage 1 (Urgent review by the Service Manager), "
	                               "due 2027-01-18.");
	records_free(r, n);

	/* refused openings store nothing and leave ref alone */
	memcpy(ref, "unchanged", 10);
	a = new_args("2026-12-22", false);
	a.category = "mental-capacity";
	assert_fails(svc_new(&f->c, "newcastle", &a, ref, NULL, &err), err, ST_INVALID,
	             "unknown category \"mental-capacity\" in newcastle; the categories are: "
	             "thresholds (Levels of need / thresholds), referral-criteria (A referral (criteria for referrals)), "
	             "assessment-plan (An assessment (outcome, adequacy of the plan)), enquiry (An enquiry (such as a "
	             "Section 47 Enquiry)), action (Decisions, actions or "
	             "lack of action (the need for action)), cp-conference (Need for a Child Protection Conference) "
	             "and conference-dissent (Dissent at a Child Protection Conference)");
	a = new_args("2027-01-18", false);
	assert_fails(svc_new(&f->c, "newcastle", &a, ref, NULL, &err), err, ST_REFUSED, "opening date 2027-01-18 is after today");
	a = new_args("2026-12-22", false);
	a.against = "ST MARY'S PRIMARY";
	assert_fails(svc_new(&f->c, "rochdale-adults", &a, ref, NULL, &err), err, ST_REFUSED,
	             "the raising agency and the other agency are the same (St Mary's Primary)");
	a = new_args("2026-12-22", false);
	assert_fails(svc_new(&f->c, "leeds", &a, ref, NULL, &err), err, ST_NOTFOUND,
	             "unknown protocol 'leeds'");
	assert_string_equal(ref, "unchanged");
	assert_int_equal(dispute_count(f), 3);

	/* numbering carries on after refusals */
	new_ok(f, "rochdale-adults", false, "2026-12-30", ref);
	assert_string_equal(ref, "D-2026-0003");
}

/* ---- the journal of each action ---- */

static void test_event_texts(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *day;
		int minute;
		int stage;
		const char *text;
	} want[] = {
		{ "2026-12-22", TIME_NONE, 1,
		  "Opened under Protocol for the Resolution of Professional Disputes at stage 1 "
		  "(Practitioner to practitioner), due 2026-12-31." },
		/* 4-8 Jan */
		{ "2026-12-31", TIME_NONE, 2, "Escalated to stage 2 (Line manager to line manager), due 2027-01-08." },
		{ "2027-01-05", TIME_NONE, 2, "Formal challenge: the protocol was formally invoked on 2027-01-05." },
		/* the limit from Fri 15 Jan is Fri 22 Jan */
		{ TODAY, NOW, 3,
		  "Escalated to stage 3 (Named or designated safeguarding leads, or senior operational managers), "
		  "due 2027-01-29 (agreed); reason: Named nurse on leave." },
		{ TODAY, NOW, 3, "Stage 3 deadline agreed: due 2027-01-20." },
		{ TODAY, NOW, 3, "Stage 3 deadline agreed: due 2027-01-27; reason: Half term." },
		{ TODAY, NOW, 3, "Formal challenge flag cleared." },
		{ TODAY, NOW, 3,
		  "Resolved at stage 3. Agreed: Joint assessment.\nOutstanding issues: Review at the core group." },
	};
	struct dispute d, out;
	struct record *r;
	struct error err;
	char ref[16];
	size_t n;

	new_ok(f, "north-wales", false, "2026-12-22", ref);
	dispute_init(&out);
	assert_ok(svc_escalate(&f->c, ref, D("2026-12-31"), DATE_NONE, NULL, &out, &err), err);
	assert_int_equal(out.current_stage, 2);
	assert_day(dispute_current(&out)->due, D("2027-01-08"));
	assert_ok(svc_challenge(&f->c, ref, D("2027-01-05"), true, &out, &err), err);
	assert_day(out.challenged, D("2027-01-05"));
	assert_ok(svc_escalate(&f->c, ref, D(TODAY), D("2027-01-29"), "Named nurse on leave", &out, &err), err);
	assert_int_equal(out.current_stage, 3);
	assert_string_equal(dispute_current(&out)->due_reason, "Named nurse on leave");
	assert_ok(svc_set_due(&f->c, ref, D("2027-01-20"), NULL, &out, &err), err);
	assert_int_equal(dispute_current(&out)->sequence, 1);
	assert_ok(svc_set_due(&f->c, ref, D("2027-01-27"), "Half term", &out, &err), err);
	assert_int_equal(dispute_current(&out)->sequence, 2);
	assert_ok(svc_challenge(&f->c, ref, D(TODAY), false, &out, &err), err);
	assert_day(out.challenged, DATE_NONE);
	assert_ok(svc_resolve(&f->c, ref, D(TODAY), "Joint assessment.\r\n", "Review at the core group.", &out, &err),
	          err);
	assert_int_equal(out.status, DS_RESOLVED);

	/* what was saved is what out said */
	load_ok(f, ref, &d);
	assert_int_equal(d.status, DS_RESOLVED);
	assert_day(d.closed, D(TODAY));
	assert_string_equal(d.outcome, "Joint assessment.");
	assert_string_equal(d.outstanding, "Review at the core group.");
	assert_int_equal(d.nstages, 3);
	assert_day(d.stages[0].ended, D("2026-12-31"));
	assert_int_equal(d.stages[1].how, SE_ESCALATED);
	assert_day(d.stages[2].due, D("2027-01-27"));
	assert_true(d.stages[2].due_agreed);
	assert_string_equal(d.stages[2].due_reason, "Half term");
	assert_int_equal(d.stages[2].sequence, 3);      /* two agreed dates, then closed */
	assert_int_equal(d.stages[2].how, SE_RESOLVED);
	assert_int_equal(out.id, d.id);
	assert_day(out.stages[2].due, d.stages[2].due);
	dispute_free(&d);
	dispute_free(&out);

	r = records_of(f, ref, &n);
	assert_int_equal(n, N(want));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(r[i].kind, RK_EVENT);
		assert_string_equal(r[i].author, "tester");
		assert_day(r[i].day, D(want[i].day));
		assert_int_equal(r[i].minute, want[i].minute);
		assert_int_equal(r[i].stage, want[i].stage);
		if (strcmp(r[i].text, want[i].text) != 0)
			fail_msg("record %zu:\n  got  \"%s\"\n  want \"%s\"", i, r[i].text, want[i].text);
	}
	records_free(r, n);
}

static void test_close_event_texts(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *protocol;
		int action;             /* 0 withdraw, 1 refer, 2 escalate */
		const char *on, *text;
		const char *event;
	} cases[] = {
		{ "rochdale-adults", 0, "2027-01-04", "Raised in error", "Withdrawn at stage 1. Reason: Raised in error" },
		/* beyond the partnership: closed */
		{ "sunderland", 1, "2027-01-06", "Ofsted", "Referred on at stage 1 to: Ofsted" },
		{ "conflict-resolution", 2, "2026-12-29", NULL,
		  "Escalated to stage 2 (Informal dispute procedure), no limit set; back on the board 2026-12-30 until a "
		  "date is agreed." },
		{ "newcastle", 2, "2027-01-04", NULL, "Escalated to stage 2 (Professional to professional), due 2027-01-11." },
	};

	for (size_t i = 0; i < N(cases); i++) {
		struct dispute out;
		struct record *r;
		struct error err;
		char ref[16];
		size_t n;
		enum status rc;

		new_ok(f, cases[i].protocol, false, "2026-12-24", ref);
		dispute_init(&out);
		if (cases[i].action == 0)
			rc = svc_withdraw(&f->c, ref, D(cases[i].on), cases[i].text, &out, &err);
		else if (cases[i].action == 1)
			rc = svc_refer(&f->c, ref, D(cases[i].on), cases[i].text, &out, &err);
		else
			rc = svc_escalate(&f->c, ref, D(cases[i].on), DATE_NONE, NULL, &out, &err);
		assert_ok(rc, err);
		r = records_of(f, ref, &n);
		assert_int_equal(n, 2);
		assert_day(r[1].day, D(cases[i].on));
		assert_string_equal(r[1].text, cases[i].event);
		records_free(r, n);
		if (cases[i].action < 2) {
			assert_int_equal(out.status, cases[i].action == 0 ? DS_WITHDRAWN : DS_REFERRED);
			assert_string_equal(out.outcome, cases[i].text);
		}
		dispute_free(&out);
	}
}

/* ---- the preview is what escalating does ---- */

static void test_preview_matches_escalate(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *protocol;
		bool urgent;
		const char *opened, *on;
		const char *due;        /* NULL: no limit */
		int due_minute;
	} cases[] = {
		{ "north-wales", false, "2026-12-22", "2026-12-24", "2027-01-05", TIME_NONE },
		{ "rochdale-adults", true, "2026-12-21", "2026-12-23", "2027-01-04", TIME_NONE },
		{ "sunderland", false, "2027-01-04", TODAY, "2027-01-22", TIME_NONE },
		{ "conflict-resolution", false, "2026-12-24", "2026-12-29", NULL, TIME_NONE },
		{ "newcastle", true, "2027-01-13", "2027-01-14", NULL, TIME_NONE },
		/* 24 clock hours: from 09:00 when escalated on an earlier day, from now when today */
		{ "timed", false, "2027-01-11", "2027-01-13", "2027-01-14", 9 * 60 },
		{ "timed", false, "2027-01-11", TODAY, "2027-01-16", NOW },
	};

	for (size_t i = 0; i < N(cases); i++) {
		struct dispute d, out;
		struct error err;
		char ref[16];
		long due = 0;
		int minute = -2;
		size_t before;

		new_ok(f, cases[i].protocol, cases[i].urgent, cases[i].opened, ref);
		load_ok(f, ref, &d);
		before = record_count(f, ref);
		assert_ok(svc_escalate_preview(&f->c, &d, D(cases[i].on), &due, &minute, &err), err);
		/* the preview changes nothing, in memory or on disk */
		assert_int_equal(d.nstages, 1);
		assert_int_equal(d.current_stage, 1);
		assert_day(d.stages[0].ended, DATE_NONE);
		assert_int_equal(d.stages[0].how, SE_NONE);
		assert_int_equal(record_count(f, ref), before);

		dispute_init(&out);
		assert_ok(svc_escalate(&f->c, ref, D(cases[i].on), DATE_NONE, NULL, &out, &err), err);
		if (due != dispute_current(&out)->due || minute != dispute_current(&out)->due_minute)
			fail_msg("case %zu (%s on %s): preview %ld at %d, escalate %ld at %d", i, cases[i].protocol,
			         cases[i].on, due, minute, dispute_current(&out)->due, dispute_current(&out)->due_minute);
		assert_day(due, D(cases[i].due));
		assert_int_equal(minute, cases[i].due_minute);
		dispute_free(&out);
		dispute_free(&d);
	}
}

static void test_preview_refuses_like_escalate(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *protocol;
		bool urgent;
		const char *esc;        /* escalated once on this day first, or NULL */
		const char *on;
		const char *msg;
	} cases[] = {
		{ "newcastle", true, "2027-01-14", TODAY,
		  "D-2027-0001 is at stage 2 of 2, the last stage of newcastle; resolve it, withdraw it or refer it on" },
		{ "north-wales", false, NULL, "2027-01-16", "escalation date 2027-01-16 is after today (2027-01-15)" },
		{ "north-wales", false, "2027-01-14", "2027-01-13",
		  "escalation date 2027-01-13 is before the current stage started (2027-01-14)" },
	};

	for (size_t i = 0; i < N(cases); i++) {
		struct dispute d, after;
		struct error err;
		char ref[16];
		long due = 12345;
		int minute = 12345;
		size_t before;

		new_ok(f, cases[i].protocol, cases[i].urgent, "2027-01-13", ref);
		if (cases[i].esc)
			assert_ok(svc_escalate(&f->c, ref, D(cases[i].esc), DATE_NONE, NULL, NULL, &err), err);
		load_ok(f, ref, &d);
		before = record_count(f, ref);
		assert_fails(svc_escalate_preview(&f->c, &d, D(cases[i].on), &due, &minute, &err), err, ST_REFUSED,
		             cases[i].msg);
		assert_int_equal(due, 12345);
		assert_int_equal(minute, 12345);
		assert_fails(svc_escalate(&f->c, ref, D(cases[i].on), DATE_NONE, NULL, NULL, &err), err, ST_REFUSED,
		             cases[i].msg);
		assert_int_equal(record_count(f, ref), before);
		load_ok(f, ref, &after);
		assert_int_equal(after.nstages, d.nstages);
		assert_day(dispute_current(&after)->ended, DATE_NONE);
		assert_int_equal(dispute_current(&after)->how, SE_NONE);
		dispute_free(&after);
		dispute_free(&d);
	}
}

/* ---- all or nothing ---- */

/* The parts of a stored dispute that a refused action must leave alone. */
static void assert_same_dispute(const struct dispute *a, const struct dispute *b, size_t i)
{
	bool same = a->status == b->status && a->closed == b->closed && a->challenged == b->challenged &&
	            a->current_stage == b->current_stage && a->nstages == b->nstages && !a->outcome == !b->outcome &&
	            !a->outstanding == !b->outstanding;

	for (size_t k = 0; same && k < a->nstages; k++) {
		const struct stage *x = &a->stages[k], *y = &b->stages[k];

		same = x->started == y->started && x->due == y->due && x->due_minute == y->due_minute &&
		       x->due_agreed == y->due_agreed && !x->due_reason == !y->due_reason && x->ended == y->ended &&
		       x->how == y->how && x->sequence == y->sequence;
	}
	if (!same)
		fail_msg("case %zu changed the stored dispute", i);
}

static void test_refused_writes_nothing(void **state)
{
	struct fx *f = *state;
	enum op { ESCALATE, SET_DUE, RESOLVE, WITHDRAW, REFER, CHALLENGE, UNCHALLENGE, RECORD };
	static const struct {
		enum op op;
		const char *on, *due, *text;
		enum status rc;
		const char *msg;
	} cases[] = {
		{ ESCALATE, "2027-01-16", NULL, NULL, ST_REFUSED, "escalation date 2027-01-16 is after today (2027-01-15)" },
		{ ESCALATE, "2026-12-21", NULL, NULL, ST_REFUSED,
		  "escalation date 2026-12-21 is before the current stage started (2026-12-22)" },
		/* the limit from 24 Dec is 5 Jan */
		{ ESCALATE, "2026-12-24", "2027-01-06", NULL, ST_REFUSED,
		  "due date 2027-01-06 is later than the protocol limit (2027-01-05, 5 working days); "
		  "give a reason" },
		{ ESCALATE, "2026-12-24", "2027-01-06", "on leave\x1b[0m", ST_INVALID,
		  "the reason contains a control character (0x1B) at byte 8" },
		{ SET_DUE, NULL, "2027-01-04", NULL, ST_REFUSED,
		  "due date 2027-01-04 is later than the protocol limit (2026-12-31, 5 working days); "
		  "give a reason" },
		{ SET_DUE, NULL, "2026-12-21", "x", ST_REFUSED, "due date 2026-12-21 is before the stage starts (2026-12-22)" },
		{ RESOLVE, TODAY, NULL, "", ST_INVALID, "the outcome is empty" },
		{ RESOLVE, "2027-01-16", NULL, "Agreed", ST_REFUSED, "closing date 2027-01-16 is after today (2027-01-15)" },
		{ WITHDRAW, "2026-12-21", NULL, "Not needed", ST_REFUSED,
		  "closing date 2026-12-21 is before the current stage started (2026-12-22)" },
		{ REFER, TODAY, NULL, "Board\xC2\x85", ST_INVALID, "whom it is referred to contains a control character (U+0085) at byte 5" },
		{ CHALLENGE, "2026-12-21", NULL, NULL, ST_REFUSED,
		  "challenge date 2026-12-21 is before the dispute was opened (2026-12-22)" },
		{ UNCHALLENGE, TODAY, NULL, NULL, ST_REFUSED, "D-2026-0001 has no formal challenge to clear" },
		{ RECORD, TODAY, NULL, " \r\n", ST_INVALID, "the record text is empty" },
		{ RECORD, TODAY, NULL, "ok\x7f", ST_INVALID, "the record text contains a control character (0x7F) at byte 2" },
		{ RECORD, "2027-01-16", NULL, "Tomorrow", ST_REFUSED, "a record cannot be dated in the future" },
		{ RECORD, "2026-12-21", NULL, "Before", ST_REFUSED,
		  "a record cannot be dated before D-2026-0001 was opened (2026-12-22)" },
	};
	struct dispute before;
	struct error err;
	char ref[16];

	new_ok(f, "north-wales", false, "2026-12-22", ref);
	load_ok(f, ref, &before);
	for (size_t i = 0; i < N(cases); i++) {
		struct dispute after;
		struct record r;
		enum status rc = ST_OK;
		long on = D(cases[i].on), due = D(cases[i].due);

		error_clear(&err);
		switch (cases[i].op) {
		case ESCALATE: rc = svc_escalate(&f->c, ref, on, due, cases[i].text, NULL, &err); break;
		case SET_DUE: rc = svc_set_due(&f->c, ref, due, cases[i].text, NULL, &err); break;
		case RESOLVE: rc = svc_resolve(&f->c, ref, on, cases[i].text, NULL, NULL, &err); break;
		case WITHDRAW: rc = svc_withdraw(&f->c, ref, on, cases[i].text, NULL, &err); break;
		case REFER: rc = svc_refer(&f->c, ref, on, cases[i].text, NULL, &err); break;
		case CHALLENGE: rc = svc_challenge(&f->c, ref, on, true, NULL, &err); break;
		case UNCHALLENGE: rc = svc_challenge(&f->c, ref, on, false, NULL, &err); break;
		case RECORD:
			record_init(&r);
			r.kind = RK_NOTE;
			r.day = on;
			r.text = xstrdup(cases[i].text);
			rc = svc_record(&f->c, ref, &r, &err);
			record_free(&r);
			break;
		}
		if (rc != cases[i].rc || strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("case %zu: %s \"%s\"\n  want %s \"%s\"", i, status_name(rc), err.msg,
			         status_name(cases[i].rc), cases[i].msg);
		assert_int_equal(record_count(f, ref), 1);
		load_ok(f, ref, &after);
		assert_same_dispute(&before, &after, i);
		dispute_free(&after);
	}
	dispute_free(&before);

	assert_fails(svc_escalate(&f->c, "D-2026-0099", D(TODAY), DATE_NONE, NULL, NULL, &err), err, ST_NOTFOUND,
	             "no dispute D-2026-0099");
	assert_int_equal(dispute_count(f), 1);
}

/* Makes the database refuse journal records whose text starts with prefix,
 * so that the domain rule succeeds and the journal write fails. */
static void journal_sabotage(struct fx *f, const char *prefix)
{
	sqlite3 *db;
	char *sql;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sql = sqlite3_mprintf("DROP TRIGGER IF EXISTS test_sabotage;"
	                      "CREATE TRIGGER test_sabotage BEFORE INSERT ON records WHEN NEW.text LIKE '%q%%'"
	                      " BEGIN SELECT RAISE(ABORT, 'sabotaged by the test'); END;", prefix);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_all_or_nothing(void **state)
{
	struct fx *f = *state;
	struct dispute before, after, out;
	struct dispute_new a = new_args("2026-12-22", false);
	struct error err;
	char ref[16];
	size_t i = 0;

	new_ok(f, "north-wales", false, "2026-12-22", ref);
	load_ok(f, ref, &before);
	dispute_init(&out);

	journal_sabotage(f, "Escalated");
	assert_int_not_equal(svc_escalate(&f->c, ref, D("2026-12-31"), DATE_NONE, NULL, &out, &err), ST_OK);
	assert_non_null(strstr(err.msg, "sabotaged by the test"));
	assert_null(out.protocol);              /* out is only filled on success */
	load_ok(f, ref, &after);
	assert_same_dispute(&before, &after, i++);
	dispute_free(&after);
	assert_int_equal(record_count(f, ref), 1);

	journal_sabotage(f, "Resolved");
	assert_int_not_equal(svc_resolve(&f->c, ref, D(TODAY), "Agreed", NULL, NULL, &err), ST_OK);
	load_ok(f, ref, &after);
	assert_same_dispute(&before, &after, i++);
	assert_null(after.outcome);
	dispute_free(&after);

	journal_sabotage(f, "Formal challenge");
	assert_int_not_equal(svc_challenge(&f->c, ref, D(TODAY), true, NULL, &err), ST_OK);
	load_ok(f, ref, &after);
	assert_same_dispute(&before, &after, i++);
	dispute_free(&after);

	journal_sabotage(f, "Stage 1 deadline");
	assert_int_not_equal(svc_set_due(&f->c, ref, D("2026-12-30"), NULL, NULL, &err), ST_OK);
	load_ok(f, ref, &after);
	assert_same_dispute(&before, &after, i++);
	dispute_free(&after);
	assert_int_equal(record_count(f, ref), 1);

	/* a new dispute whose opening event cannot be written is not stored */
	journal_sabotage(f, "Opened");
	assert_int_not_equal(svc_new(&f->c, "north-wales", &a, ref, NULL, &err), ST_OK);
	assert_int_equal(dispute_count(f), 1);

	/* and with the sabotage gone everything works, numbering included */
	journal_sabotage(f, "\x01never");
	assert_ok(svc_escalate(&f->c, "D-2026-0001", D("2026-12-31"), DATE_NONE, NULL, &out, &err), err);
	assert_int_equal(out.current_stage, 2);
	new_ok(f, "north-wales", false, "2026-12-22", ref);
	assert_string_equal(ref, "D-2026-0002");
	dispute_free(&out);
	dispute_free(&before);
}

/* ---- user records ---- */

static void test_record(void **state)
{
	struct fx *f = *state;
	struct record r, *all;
	struct dispute d;
	struct error err;
	char ref[16], other[16];
	long long first_id, other_id;
	size_t n;

	new_ok(f, "north-wales", false, "2026-12-22", ref);
	assert_ok(svc_escalate(&f->c, ref, D("2026-12-31"), DATE_NONE, NULL, NULL, &err), err);
	load_ok(f, ref, &d);

	/* undated: now; the author is always the context's */
	record_init(&r);
	r.kind = RK_CALL;
	r.text = xstrdup("Rang the duty manager.\r\nNo answer.\r\n\r\n");
	r.author = xstrdup("someone else");
	assert_ok(svc_record(&f->c, ref, &r, &err), err);
	assert_true(r.id > 0);
	assert_int_equal(r.dispute_id, d.id);
	assert_day(r.day, D(TODAY));
	assert_int_equal(r.minute, NOW);
	assert_int_equal(r.stage, 2);
	assert_string_equal(r.author, "tester");
	assert_string_equal(r.text, "Rang the duty manager.\nNo answer.");
	assert_non_null(r.created);
	first_id = r.id;
	record_free(&r);

	/* dated in the past, during stage 1, amending the call */
	record_init(&r);
	r.kind = RK_MEETING;
	r.day = D("2026-12-23");
	r.minute = 14 * 60 + 5;
	r.amends = first_id;
	r.text = xstrdup("Correction: the call was on 23 December.");
	assert_ok(svc_record(&f->c, ref, &r, &err), err);
	assert_day(r.day, D("2026-12-23"));
	assert_int_equal(r.minute, 14 * 60 + 5);
	assert_int_equal(r.stage, 1);   /* filed under the stage of its date */
	record_free(&r);

	/* on the opening day itself */
	record_init(&r);
	r.kind = RK_NOTE;
	r.day = D("2026-12-22");
	r.text = xstrdup("Raised at the morning meeting.");
	assert_ok(svc_record(&f->c, ref, &r, &err), err);
	assert_int_equal(r.minute, TIME_NONE);
	record_free(&r);

	/* in date order: opened and the note (22 Dec, no time, in the order
	 * written), the meeting (23 Dec), escalated (31 Dec), the call (today) */
	all = records_of(f, ref, &n);
	assert_int_equal(n, 5);
	assert_int_equal(all[0].kind, RK_EVENT);
	assert_int_equal(all[1].kind, RK_NOTE);
	assert_int_equal(all[1].stage, 1);
	assert_int_equal(all[2].kind, RK_MEETING);
	assert_int_equal(all[2].amends, first_id);
	assert_day(all[2].day, D("2026-12-23"));
	assert_int_equal(all[2].minute, 14 * 60 + 5);
	assert_int_equal(all[3].kind, RK_EVENT);
	assert_int_equal(all[4].kind, RK_CALL);
	assert_int_equal(all[4].id, first_id);
	assert_string_equal(all[4].text, "Rang the duty manager.\nNo answer.");
	assert_string_equal(all[4].author, "tester");
	records_free(all, n);

	/* amending another dispute's record is refused */
	new_ok(f, "sunderland", false, "2026-12-22", other);
	all = records_of(f, other, &n);
	other_id = all[0].id;
	records_free(all, n);
	record_init(&r);
	r.kind = RK_NOTE;
	r.amends = other_id;
	r.text = xstrdup("Wrong dispute.");
	assert_int_equal(svc_record(&f->c, ref, &r, &err), ST_NOTFOUND);
	{
		char want[128];

		snprintf(want, sizeof(want), "record %lld is not a record of %s", other_id, ref);
		assert_string_equal(err.msg, want);
	}
	record_free(&r);

	record_init(&r);
	r.kind = RK_NOTE;
	r.text = xstrdup("Nobody here.");
	assert_fails(svc_record(&f->c, "D-2030-0001", &r, &err), err, ST_NOTFOUND, "no dispute D-2030-0001");
	record_free(&r);

	assert_int_equal(record_count(f, ref), 5);
	assert_int_equal(record_count(f, other), 1);
	dispute_free(&d);
}

/* ---- closure days ---- */

static void test_closures(void **state)
{
	struct fx *f = *state;
	struct dispute d, out;
	struct record *r;
	struct error err;
	char ref[16], ref2[16];
	long due;
	int minute;
	size_t n;

	new_ok(f, "north-wales", false, "2026-12-22", ref);
	load_ok(f, ref, &d);
	assert_ok(svc_escalate_preview(&f->c, &d, D("2026-12-31"), &due, &minute, &err), err);
	assert_day(due, D("2027-01-08"));      /* 4-8 Jan */

	/* closures are read when the database is opened */
	assert_ok(store_closure_add(f->c.store, D("2027-01-06"), "Office move", &err), err);
	assert_ok(svc_escalate_preview(&f->c, &d, D("2026-12-31"), &due, &minute, &err), err);
	assert_day(due, D("2027-01-08"));
	dispute_free(&d);

	ctx_free(&f->c);
	assert_int_equal(fx_open(f), 0);
	load_ok(f, ref, &d);
	assert_ok(svc_escalate_preview(&f->c, &d, D("2026-12-31"), &due, &minute, &err), err);
	assert_day(due, D("2027-01-11"));      /* 4, 5, 7, 8, 11 Jan */
	dispute_init(&out);
	assert_ok(svc_escalate(&f->c, ref, D("2026-12-31"), DATE_NONE, NULL, &out, &err), err);
	assert_day(dispute_current(&out)->due, D("2027-01-11"));
	assert_day(out.stages[0].due, D("2026-12-31"));   /* a fixed due date does not move */
	dispute_free(&out);
	dispute_free(&d);
	r = records_of(f, ref, &n);
	assert_int_equal(n, 2);
	assert_string_equal(r[1].text, "Escalated to stage 2 (Line manager to line manager), due 2027-01-11.");
	records_free(r, n);

	/* and new disputes: 5, 7, 8, 11, 12 Jan */
	new_ok(f, "rochdale-adults", false, "2027-01-04", ref2);
	load_ok(f, ref2, &d);
	assert_day(d.stages[0].due, D("2027-01-12"));
	dispute_free(&d);
}



/* ---- the deadline board ---- */

struct deadline_seen {
	char lines[2048];
};

static int deadline_line(const struct dispute *d, const struct deadline *dl, void *ctx)
{
	struct deadline_seen *k = ctx;
	size_t len = strlen(k->lines);
	char a[11];

	snprintf(k->lines + len, sizeof(k->lines) - len, "%s %s %s %d\n", d->reference, deadline_kind_name(dl->kind),
	         dl->due == DATE_NONE ? "-" : date_format(dl->due, a), dl->minute);
	return 0;
}

/* The store's deadlines view lists what dispute_deadlines gives, soonest
 * first, each `inform` only from its day, and an open dispute with none as
 * "none"; the derived due date is the soonest of them. */
static void test_deadlines_view(void **state)
{
	struct fx *f = *state;
	struct deadline_filter df;
	struct deadline_seen seen = { "" };
	struct dispute d;
	struct error err;
	char ref[16];
	int n;

	new_ok(f, "sunderland", false, "2027-01-04", ref);                 /* D-2027-0001 */
	assert_ok(svc_escalate(&f->c, ref, D("2027-01-06"), DATE_NONE, NULL, NULL, &err), err);
	new_ok(f, "rochdale-adults", true, "2027-01-15", ref);             /* D-2027-0002: inform today */
	new_ok(f, "conflict-resolution", false, "2027-01-13", ref);        /* D-2027-0003 */
	assert_ok(svc_escalate(&f->c, ref, D("2027-01-14"), DATE_NONE, NULL, NULL, &err), err);
	{
		struct dispute_new a = new_args("2027-01-15", false);

		a.category = "cp-conference";
		assert_ok(svc_new(&f->c, "newcastle", &a, ref, NULL, &err), err);   /* D-2027-0004: none */
	}
	deadline_filter_init(&df, D(TODAY));
	assert_ok(svc_deadlines(&f->c, &df, deadline_line, &seen, &err), err);
	assert_string_equal(seen.lines,
	                    "D-2027-0001 stage 2027-01-13 -1\n"
	                    "D-2027-0001 response 2027-01-13 -1\n"
	                    "D-2027-0002 inform 2027-01-15 -1\n"
	                    "D-2027-0003 follow-up 2027-01-15 -1\n"
	                    "D-2027-0002 stage 2027-01-22 -1\n"
	                    "D-2027-0001 process 2027-02-04 -1\n"
	                    "D-2027-0004 none - -1\n");
	/* sorted as dispute_deadlines orders one dispute's */
	load_ok(f, "D-2027-0001", &d);
	{
		struct deadline v[DL_COUNT];

		assert_int_equal(dispute_deadlines(&d, v), 3);
		assert_int_equal(v[0].kind, DL_STAGE);
		assert_int_equal(v[1].kind, DL_RESPONSE);
		assert_int_equal(v[2].kind, DL_PROCESS);
	}
	dispute_free(&d);
	df.before = D(TODAY);
	assert_ok(svc_deadline_count(&f->c, &df, &n, &err), err);
	assert_int_equal(n, 2);
	/* the day after, the inform is gone from the board */
	deadline_filter_init(&df, D("2027-01-18"));
	assert_ok(svc_deadline_count(&f->c, &df, &n, &err), err);
	assert_int_equal(n, 6);
}

/* The references of the disputes a list holds, one a line. */
static int ref_line(const struct dispute *d, void *ctx)
{
	struct deadline_seen *k = ctx;
	size_t len = strlen(k->lines);

	snprintf(k->lines + len, sizeof(k->lines) - len, "%s\n", d->reference);
	return 0;
}

/* The board's buckets as the workbench asks for them (app.c, board_filter)
 * at `minute` today: how many, and which. */
static void board_bucket(struct fx *f, bool passed, int minute, int *n, struct deadline_seen *seen)
{
	struct deadline_filter df;
	struct error err;

	deadline_filter_init(&df, D(TODAY));
	if (!passed)
		df.from = D(TODAY);
	df.before = D(TODAY) + 1;
	df.passed_on = D(TODAY);
	df.passed_minute = minute;
	df.passed_not = !passed;
	seen->lines[0] = '\0';
	assert_ok(svc_deadline_count(&f->c, &df, n, &err), err);
	assert_ok(svc_deadlines(&f->c, &df, deadline_line, seen, &err), err);
}

/* The Conflict Resolution Policy's line managers' 24 hours, passed earlier
 * today while the stage's own date is later (agreed): the dispute is
 * overdue in the board's count and its rows, in the header's count of
 * overdue disputes and in list --overdue; before that time it is due today
 * in all of them. */
static void test_then_passed_today(void **state)
{
	struct fx *f = *state;
	struct dispute_new a = new_args("2027-01-13", false);
	struct deadline_seen seen = { "" };
	struct list_filter lf;
	struct dispute d;
	struct error err;
	char ref[16];
	int n;

	a.minute = 9 * 60;
	assert_ok(svc_new(&f->c, "conflict-resolution", &a, ref, NULL, &err), err);
	assert_ok(svc_set_due(&f->c, ref, D("2027-01-20"), "Both managers on leave", NULL, &err), err);
	load_ok(f, ref, &d);
	assert_day(d.stages[0].due, D("2027-01-20"));
	assert_day(d.stages[0].then_due, D(TODAY));
	assert_int_equal(d.stages[0].then_minute, 9 * 60);
	dispute_free(&d);

	/* 10:30: passed */
	board_bucket(f, true, NOW, &n, &seen);
	assert_int_equal(n, 1);
	assert_string_equal(seen.lines, "D-2027-0001 then 2027-01-15 540\n");
	board_bucket(f, false, NOW, &n, &seen);
	assert_int_equal(n, 0);
	assert_string_equal(seen.lines, "");
	list_filter_init(&lf);
	lf.which = LIST_OPEN;
	lf.overdue_on = D(TODAY);
	lf.overdue_minute = NOW;
	assert_ok(svc_count(&f->c, &lf, &n, &err), err);
	assert_int_equal(n, 1);
	seen.lines[0] = '\0';
	assert_ok(svc_list(&f->c, &lf, ref_line, &seen, &err), err);
	assert_string_equal(seen.lines, "D-2027-0001\n");
	lf.overdue_not = true;
	assert_ok(svc_count(&f->c, &lf, &n, &err), err);
	assert_int_equal(n, 0);

	/* 08:30: due today, not yet passed */
	board_bucket(f, true, 8 * 60 + 30, &n, &seen);
	assert_int_equal(n, 0);
	assert_string_equal(seen.lines, "");
	board_bucket(f, false, 8 * 60 + 30, &n, &seen);
	assert_int_equal(n, 1);
	assert_string_equal(seen.lines, "D-2027-0001 then 2027-01-15 540\n");
	lf.overdue_minute = 8 * 60 + 30;
	assert_ok(svc_count(&f->c, &lf, &n, &err), err);
	assert_int_equal(n, 1);
	lf.overdue_not = false;
	assert_ok(svc_count(&f->c, &lf, &n, &err), err);
	assert_int_equal(n, 0);
	seen.lines[0] = '\0';
	assert_ok(svc_list(&f->c, &lf, ref_line, &seen, &err), err);
	assert_string_equal(seen.lines, "");
}

/* ---- databases from earlier releases ---- */

/* Replaces the fixture's database with the SQL dump at path (a database as
 * an earlier release wrote it) and opens it as the program does. */
static void open_old(struct fx *f, const char *path)
{
	FILE *in = fopen(path, "rb");
	struct sb sql = {0};
	char buf[4096];
	size_t n;
	sqlite3 *db;
	struct error err;

	assert_non_null(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		sb_appendn(&sql, buf, n);
	fclose(in);
	ctx_free(&f->c);
	unlink(f->db);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql.s, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(sql.s);
	chmod(f->db, 0600);
	assert_ok(ctx_init(&f->c, D(TODAY), NOW, &err), err);
	assert_ok(ctx_open(&f->c, f->db, OPEN_WRITE, &err), err);
}

static int sql_int(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A database written by the release at schema `from` (4: commit 5f06e5b,
 * 7: 2b6e406; tests/unit/fixtures/make-old-db made both) comes forward
 * whole: every dispute, stage, record, contact and closure as it was, the
 * journal verifying, the older stages following the route they always did,
 * and the open Sunderland dispute's month worked out from its protocol,
 * journalled once. */
static void migrate_from(struct fx *f, const char *fixture, int records_before)
{
	struct verify_result vr;
	struct dispute d;
	struct record *r;
	struct error err;
	size_t n;

	open_old(f, fixture);
	assert_int_equal(sql_int(f, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(dispute_count(f), 5);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM stages"), 8);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM contacts"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM closures WHERE day = '2026-12-24'"), 1);
	/* the records kept, the schema-7 baselines where the release had none, and one upgrade event */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records"), records_before + 1);

	/* Sunderland, open at step 2: its month, from its protocol, journalled */
	load_ok(f, "D-2026-0001", &d);
	assert_int_equal(d.nstages, 2);
	assert_day(d.stages[1].due, D("2026-11-11"));
	assert_day(d.stages[1].limit_due, D("2026-11-13"));
	assert_true(d.stages[1].due_agreed);
	assert_int_equal(stage_step(&d.stages[1]), 2);
	assert_day(d.process_due, D("2026-12-02"));
	assert_day(d.stages[1].response_due, DATE_NONE);
	dispute_free(&d);
	r = records_of(f, "D-2026-0001", &n);
	assert_string_equal(r[n - 1].text, "Whole process: due 2026-12-02, worked out from sunderland when the database "
	                                   "was upgraded.");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records WHERE state = 'process_due=2026-12-02' || char(10)"), 1);
	assert_day(r[n - 1].day, D(TODAY));
	records_free(r, n);

	/* Newcastle's immediate route, to the hour: still its own route */
	load_ok(f, "D-2026-0002", &d);
	assert_true(d.urgent);
	assert_day(d.stages[0].due, D("2026-11-10"));
	assert_int_equal(d.stages[0].due_minute, 615);
	assert_int_equal(d.stages[0].route, ROUTE_DISPUTE);
	assert_true(stage_on_own_route(protocol_set_find(&f->c.protocols, "newcastle"), &d, &d.stages[0]));
	assert_day(d.process_due, DATE_NONE);
	dispute_free(&d);

	/* the closed ones as they were */
	load_ok(f, "D-2026-0004", &d);
	assert_int_equal(d.status, DS_RESOLVED);
	assert_string_equal(d.stages[0].due_reason, "Manager on leave");
	assert_string_equal(d.outstanding, "Review at the next meeting");
	dispute_free(&d);
	load_ok(f, "D-2026-0005", &d);
	assert_int_equal(d.status, DS_REFERRED);
	assert_string_equal(d.outcome, "RBSAB Safeguarding Business Unit");
	assert_day(d.challenged, D("2026-11-04"));
	dispute_free(&d);

	assert_ok(svc_verify(&f->c, NULL, NULL, &vr, &err), err);
	assert_int_equal(vr.findings, 0);
	assert_int_equal(vr.disputes, 5);

	/* opened again, nothing more is worked out */
	ctx_free(&f->c);
	assert_ok(ctx_init(&f->c, D(TODAY), NOW, &err), err);
	assert_ok(ctx_open(&f->c, f->db, OPEN_WRITE, &err), err);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records"), records_before + 1);

	/* and the old disputes take the new changes: the immediate route's
	 * second stage, and a reopening */
	assert_ok(svc_escalate(&f->c, "D-2026-0002", D(TODAY), DATE_NONE, NULL, &d, &err), err);
	assert_int_equal(stage_step(dispute_current(&d)), 2);
	assert_string_equal(dispute_stage_name(protocol_set_find(&f->c.protocols, "newcastle"), &d, d.current_stage),
	                    "Head of Service");
	dispute_free(&d);
	{
		struct svc_change ch;

		svc_change_init(&ch, SVC_REOPEN);
		ch.text = "Referred back by the Business Unit";
		dispute_init(&d);
		assert_ok(svc_apply(&f->c, "D-2026-0005", &ch, &d, &err), err);
		assert_int_equal(d.status, DS_OPEN);
		assert_int_equal(d.nstages, 3);
		assert_int_equal(stage_step(&d.stages[2]), 2);
		assert_day(d.stages[2].due, D("2027-01-22"));
		dispute_free(&d);
	}
	assert_ok(svc_verify(&f->c, NULL, NULL, &vr, &err), err);
	assert_int_equal(vr.findings, 0);
}

/* Collects what svc_due hands out as "REF:record:due" words. */
static int due_words(const struct due_item *it, void *arg)
{
	struct sb *sb = arg;
	char a[11];

	sb_printf(sb, "%s%s:%lld:%s", sb->len ? " " : "", it->d->reference, it->followup ? it->followup->record : 0LL,
	          date_format(it->due, a));
	return 0;
}

/* What a record names, set with it or afterwards: a preview adds no
 * contact, the write does; follow-ups and deadlines come out of svc_due
 * soonest first; a closure of the user's own agency needs that agency. */
static void test_daily(void **state)
{
	struct fx *f = *state;
	struct record_extra x = { 0, NULL, "TM to confirm in writing", D("2027-01-20") };
	struct contact fresh = { 0, (char *)"Children's Social Care", (char *)"Ffion Lloyd", NULL, NULL, NULL };
	struct contact *all = NULL;
	struct svc_change ch;
	struct dispute d;
	struct record r;
	struct error err;
	struct sb sb = {0};
	char ref[16], ref2[16], *event = NULL, *whose = NULL;
	size_t n = 0;
	int days;

	new_ok(f, "north-wales", false, "2027-01-11", ref);     /* due 2027-01-18 */
	new_ok(f, "north-wales", false, "2027-01-13", ref2);    /* due 2027-01-20 */
	record_init(&r);
	r.kind = RK_CALL;
	r.text = xstrdup("Spoke to the team manager");
	assert_ok(svc_record_extra(&f->c, ref, &r, &x, &err), err);
	assert_int_equal(r.id, 3);
	record_free(&r);

	/* due before 2027-01-21: both deadlines and the follow-up, soonest first */
	assert_ok(svc_due(&f->c, NULL, D("2027-01-21"), due_words, &sb, &err), err);
	assert_string_equal(sb.s, "D-2027-0001:0:2027-01-18 D-2027-0001:3:2027-01-20 D-2027-0002:0:2027-01-20");
	sb.len = 0;
	sb.s[0] = '\0';
	assert_ok(svc_due(&f->c, NULL, D("2027-01-20"), due_words, &sb, &err), err);
	assert_string_equal(sb.s, "D-2027-0001:0:2027-01-18");

	/* a record of the other dispute: its contact someone new, previewed, then written */
	record_init(&r);
	r.kind = RK_NOTE;
	r.text = xstrdup("Left a message");
	assert_ok(svc_record(&f->c, ref2, &r, &err), err);
	svc_change_init(&ch, SVC_DETAIL);
	ch.record = r.id;
	ch.new_contact = &fresh;
	assert_ok(svc_preview(&f->c, ref2, &ch, &event, NULL, &err), err);
	assert_string_equal(event, "Record #5: spoke to Ffion Lloyd (Children's Social Care), a new contact.");
	free(event);
	assert_ok(svc_contacts(&f->c, NULL, &all, &n, &err), err);
	assert_int_equal(n, 0);     /* the preview added no one */
	free(all);
	assert_ok(svc_apply(&f->c, ref2, &ch, NULL, &err), err);
	assert_ok(svc_contacts(&f->c, NULL, &all, &n, &err), err);
	assert_int_equal(n, 1);
	assert_string_equal(all[0].name, "Ffion Lloyd");
	load_ok(f, ref2, &d);
	assert_int_equal(dispute_detail(&d, r.id)->contact_id, all[0].id);
	dispute_free(&d);
	contact_free(&all[0]);
	free(all);
	assert_fails(svc_apply(&f->c, ref2, &ch, NULL, &err), err, ST_REFUSED,
	             "record #5 already names its contact and next action");
	ch.record = 4;
	assert_fails(svc_apply(&f->c, ref2, &ch, NULL, &err), err, ST_NOTFOUND, "record 4 is not a record of D-2027-0002");
	ch.record = 1;
	assert_fails(svc_apply(&f->c, ref, &ch, NULL, &err), err, ST_REFUSED,
	             "record #1 was written by the program: it names no contact");
	record_free(&r);

	/* the user's own agency, or the one named */
	assert_fails(svc_closure_add_for(&f->c, D("2027-02-15"), D("2027-02-19"), NULL, "Half term", &days, &whose,
	                                 &err), err, ST_REFUSED, "whose closure is it? your own agency is not set");
	assert_int_equal(err.mend, MEND_OWN_AGENCY);
	f->c.config.agency = xstrdup("St Mary's Primary");
	assert_ok(svc_closure_add_for(&f->c, D("2027-02-13"), D("2027-02-19"), NULL, "Half term", &days, &whose, &err),
	          err);
	assert_int_equal(days, 5);          /* the weekend of the 13th and 14th left out */
	assert_string_equal(whose, "St Mary's Primary");
	free(whose);
	free(sb.s);
}

/* ---- invites: issuing, replies, counter-proposals ---- */

/* A delivery that records what it was handed and fails on demand. */
struct hand {
	int calls, fail_at;     /* fail the fail_at'th group (1-based; 0: never) */
	char groups[4][160];
	int settled;            /* 0 not yet, 1 kept, 2 dropped */
};

static enum status hand_over(void *ctx, const struct dispute *d, const struct itip_msg *m, size_t n, char *how,
                             size_t howlen, struct error *err)
{
	struct hand *h = ctx;

	(void)d;
	if (++h->calls == h->fail_at)
		return error_set(err, ST_IO, "the printer jammed");
	if (h->calls <= 4)
		snprintf(h->groups[h->calls - 1], sizeof(h->groups[0]), "%s %s %zu seq %d", itip_method_name(m[0].method),
		         m[0].email, n, m[0].sequence);
	snprintf(how, howlen, "handed to");
	return ST_OK;
}

static void hand_settle(void *ctx, bool kept)
{
	((struct hand *)ctx)->settled = kept ? 1 : 2;
}

static int count_sql(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

static void test_invite_issue(void **state)
{
	struct fx *f = *state;
	struct contact zoe = { 0, "Children's Social Care", "Zo\xC3\xAB O'Brien", NULL, "zoe@csc.example.org", NULL };
	struct contact bob = { 0, "Children's Social Care", "Bob Ndlovu", NULL, "bob@csc.example.org", NULL };
	struct hand h = { 0, 0, { "" }, 0 };
	struct svc_delivery dl = { hand_over, hand_settle, &h, NULL };
	struct verify_result vr;
	struct error err;
	char ref[16];
	long long id;
	int owed, done;

	new_ok(f, "north-wales", false, "2027-01-11", ref);
	assert_ok(svc_contact_add(&f->c, &zoe, &err), err);
	assert_ok(svc_contact_add(&f->c, &bob, &err), err);
	/* A contact by name: whole, or an unambiguous part. */
	assert_ok(svc_contact_find(&f->c, "zoe", NULL, &id, &err), err);
	assert_int_equal(id, zoe.id);
	assert_ok(svc_contact_find(&f->c, "NDLOVU", NULL, &id, &err), err);
	assert_int_equal(id, bob.id);
	assert_fails(svc_contact_find(&f->c, "o", NULL, &id, &err), err, ST_NOTFOUND, "no contact is called 'o'");
	assert_fails(svc_contact_find(&f->c, "3x", NULL, &id, &err), err, ST_USAGE, "'3x' is not a contact number or name");

	assert_ok(svc_counterpart(&f->c, ref, 0, zoe.id, NULL, &err), err);
	assert_ok(svc_invites_owed(&f->c, ref, &owed, &err), err);
	assert_int_equal(owed, 1);
	/* A delivery that fails: nothing journalled, the file dropped. */
	h.fail_at = 1;
	assert_fails(svc_invite_issue(&f->c, ref, ITIP_FOR_OWED, 0, NULL, &dl, &done, &err), err, ST_IO,
	             "the printer jammed");
	assert_int_equal(done, 0);
	assert_int_equal(h.settled, 2);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM invites"), 0);
	h = (struct hand){ 0, 0, { "" }, 0 };
	assert_ok(svc_invite_issue(&f->c, ref, ITIP_FOR_OWED, 0, NULL, &dl, &done, &err), err);
	assert_int_equal(done, 1);
	assert_int_equal(h.settled, 1);
	assert_string_equal(h.groups[0], "REQUEST zoe@csc.example.org 1 seq 0");
	assert_int_equal(count_sql(f, "SELECT count(*) FROM records WHERE stage = 1 AND text = 'Invite for stage 1 "
	                              "handed to Zoë O''Brien <zoe@csc.example.org>: REQUEST, sequence 0.'"), 1);

	/* Bob instead: two groups; the second fails, the first stays journalled. */
	assert_ok(svc_counterpart(&f->c, ref, 0, bob.id, NULL, &err), err);
	h = (struct hand){ 0, 2, { "" }, 0 };
	assert_fails(svc_invite_issue(&f->c, ref, ITIP_FOR_OWED, 0, NULL, &dl, &done, &err), err, ST_IO,
	             "the printer jammed");
	assert_int_equal(done, 1);
	assert_int_equal(h.settled, 1);
	assert_string_equal(h.groups[0], "REQUEST bob@csc.example.org 1 seq 1");
	assert_ok(svc_invites_owed(&f->c, ref, &owed, &err), err);
	assert_int_equal(owed, 1);
	h = (struct hand){ 0, 0, { "" }, 0 };
	assert_ok(svc_invite_issue(&f->c, ref, ITIP_FOR_OWED, 0, NULL, &dl, &done, &err), err);
	assert_string_equal(h.groups[0], "CANCEL zoe@csc.example.org 1 seq 2");

	/* Bob proposes a date; taking it up agrees it, and the updated invite is owed. */
	{
		struct itip_reply r;
		struct itip_sent row;
		struct dispute d;
		char at[16];
		int stage;

		itip_reply_init(&r);
		itip_sent_init(&row);
		r.counter = true;
		r.uid = xasprintf("%s.stage1.", ref);
		dispute_init(&d);
		assert_fails(svc_invite_lookup(&f->c, r.uid, "bob@csc.example.org", &d, &row, &err), err, ST_REFUSED,
		             "no invite with UID D-2027-0001.stage1. was sent from this database: the reply is not journalled");
		free(r.uid);
		assert_int_equal(store_meta_get(f->c.store, "uid", &r.uid, &err), ST_OK);
		{
			char *uid = xasprintf("%s.stage1.%s@dispute", ref, r.uid);

			free(r.uid);
			r.uid = uid;
		}
		r.attendee = xstrdup("bob@csc.example.org");
		r.sequence = 1;
		r.proposed = D("2027-01-20");
		assert_ok(svc_invite_reply(&f->c, &r, at, &stage, &err), err);
		assert_string_equal(at, ref);
		assert_int_equal(stage, 1);
		assert_ok(svc_invite_proposal(&f->c, ref, NULL, &row, &err), err);
		assert_day(row.proposed, D("2027-01-20"));
		/* Every check of an agreed date: a later one needs a reason. */
		assert_fails(svc_invite_accept(&f->c, ref, NULL, NULL, &d, &err), err, ST_REFUSED,
		             "due date 2027-01-20 is later than the protocol limit (2027-01-18, 5 working days); give a reason");
		assert_ok(svc_invite_accept(&f->c, ref, "bob@csc.example.org", "The panel sits on the 20th", &d, &err), err);
		assert_day(d.stages[0].due, D("2027-01-20"));
		assert_true(d.stages[0].due_agreed);
		assert_fails(svc_invite_proposal(&f->c, ref, NULL, &row, &err), err, ST_NOTFOUND,
		             "D-2027-0001 has no counter-proposal for stage 1");
		assert_ok(svc_invites_owed(&f->c, ref, &owed, &err), err);
		assert_int_equal(owed, 1);
		itip_reply_free(&r);
		itip_sent_free(&row);
		dispute_free(&d);
	}
	/* The lifecycle replays from the journal alone. */
	assert_ok(svc_verify(&f->c, NULL, NULL, &vr, &err), err);
	assert_int_equal(vr.findings, 0);
}

static void test_migrate_from_4(void **state)
{
	/* 15 records, and migration 7's five baselines */
	migrate_from(*state, "tests/unit/fixtures/schema4.sql", 15 + 5);
}

static void test_migrate_from_7(void **state)
{
	migrate_from(*state, "tests/unit/fixtures/schema7-release.sql", 15);
}

/* A database written by the last release before migration 14 (schema 13,
 * commit 734f1f1; tests/unit/fixtures/make-old-db, with a dispute that
 * has a further agency and subject) comes forward with nothing written
 * to its journal: its search indexes and derived columns as they were,
 * verify finding nothing, and the triggers of migration 14 keeping the
 * indexes in step from then on (plain SQL renames here). */
static void test_migrate_from_13(void **state)
{
	struct fx *f = *state;
	struct verify_result vr;
	struct error err;
	sqlite3 *db;

	open_old(f, "tests/unit/fixtures/schema13-release.sql");
	assert_int_equal(sql_int(f, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(dispute_count(f), 6);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records"), 16);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master WHERE type = 'view'"
	                         " AND name IN ('search_other_agencies', 'search_other_subjects')"), 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
	                         " AND sql LIKE '%FROM search_disputes WHERE%'"), 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
	                         " AND sql LIKE '%FROM search_other_%'"), 5);
	assert_int_equal(sql_int(f, "SELECT rowid >> 32 FROM records_fts WHERE records_fts MATCH 'zoe'"), 1);
	assert_int_equal(sql_int(f, "SELECT rowid FROM disputes_fts WHERE disputes_fts MATCH 'against:together'"), 1);
	assert_int_equal(sql_int(f, "SELECT rowid >> 8 FROM others_fts WHERE others_fts MATCH 'betsi'"), 6);
	assert_int_equal(sql_int(f, "SELECT rowid >> 8 FROM others_fts WHERE others_fts MATCH 'lucja'"), 6);
	assert_ok(svc_verify(&f->c, NULL, NULL, &vr, &err), err);
	assert_int_equal(vr.findings, 0);
	assert_int_equal(vr.disputes, 6);

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE agencies SET name = 'Wombat Trust' WHERE name = 'Together for Children';"
	                              " UPDATE agencies SET name = 'Quokka Health' WHERE name LIKE 'Betsi%';"
	                              " UPDATE dispute_subjects SET subject = 'C-23 Marta' WHERE dispute_id = 6;"
	                              " INSERT INTO disputes_fts(disputes_fts, rank) VALUES ('integrity-check', 1);"
	                              " INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1);"
	                              " INSERT INTO others_fts(others_fts, rank) VALUES ('integrity-check', 1)",
	                              NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(sql_int(f, "SELECT rowid FROM disputes_fts WHERE disputes_fts MATCH 'against:wombat'"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM disputes_fts WHERE disputes_fts MATCH 'against:together'"), 0);
	assert_int_equal(sql_int(f, "SELECT rowid >> 8 FROM others_fts WHERE others_fts MATCH 'quokka'"), 6);
	assert_int_equal(sql_int(f, "SELECT rowid >> 8 FROM others_fts WHERE others_fts MATCH 'marta'"), 6);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM others_fts WHERE others_fts MATCH 'betsi OR lucja'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invite_issue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_open_creates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_event_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_matches_escalate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_refuses_like_escalate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_then_passed_today, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_7, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_13, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daily, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
