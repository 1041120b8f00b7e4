/* Unit tests of the SQLite store and of paths: real files in a temporary directory, since modes matter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dispute/date.h"
#include "dispute/dispute.h"
#include "dispute/journal.h"
#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/store.h"

struct fx {
	char dir[64];
	char db[128];
	struct store *s;
};

static long day_of(const char *iso)
{
	long d;

	assert_true(date_parse(iso, &d));
	return d;
}

static void rm_rf(const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
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
	} else {
		unlink(path);
	}
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/dispute-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/disputes.db", f->dir);
	setenv("DISPUTE_BUSY_MS", "50", 1);
	*state = f;
	return 0;
}

static int setup_open(void **state)
{
	struct error err;
	struct fx *f;

	if (setup(state) != 0)
		return -1;
	f = *state;
	return store_open(f->db, OPEN_CREATE, &f->s, &err) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* A whole file's bytes (caller frees). */
static char *slurp(const char *path, size_t *len)
{
	struct error err;
	char *buf;

	assert_int_equal(paths_read_file(path, 64 << 20, &buf, len, &err), ST_OK);
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Runs sql on a second, raw connection; returns the SQLite result and
 * copies the error text into msg. */
static int raw_exec(const char *path, const char *sql, char *msg, size_t msglen)
{
	sqlite3 *db;
	char *e = NULL;
	int rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &e);
	if (msg)
		snprintf(msg, msglen, "%s", e ? e : "");
	sqlite3_free(e);
	sqlite3_close(db);
	return rc;
}

static int raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The first column of the first row of sql, as new text (caller frees). */
static char *raw_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(sqlite3_column_text(st, 0));
	v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The first column of the first row of sql, as text, is want. */
static void assert_string_equal_raw(const char *path, const char *sql, const char *want)
{
	char *got = raw_text(path, sql);

	assert_string_equal(got, want);
	free(got);
}

/* A dispute at stage 1, opened on `opened`, stage 1 due on `due` (or none). */
static void dispute_fill(struct dispute *d, const char *opened, const char *raised, const char *against,
                         const char *due)
{
	dispute_init(d);
	d->protocol = xstrdup("north-wales");
	d->subject = xstrdup("CR-1234 A.B.");
	d->raised_by = xstrdup(raised);
	d->against = xstrdup(against);
	d->category = xstrdup("roles");
	d->summary = xstrdup("Referral not accepted");
	d->opened = day_of(opened);
	d->current_stage = 1;
	d->stages = xcalloc(1, sizeof(*d->stages));
	d->nstages = 1;
	d->stages[0].number = 1;
	d->stages[0].started = d->opened;
	d->stages[0].due = due ? day_of(due) : DATE_NONE;
	d->stages[0].due_minute = TIME_NONE;
	d->stages[0].ended = DATE_NONE;
	d->stages[0].how = SE_NONE;
	d->stages[0].response_due = d->stages[0].then_due = d->stages[0].follow_up = DATE_NONE;
	d->stages[0].then_minute = TIME_NONE;
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static void insert_simple(struct store *s, const char *opened, const char *raised, const char *against,
                          const char *due, char ref[16])
{
	struct dispute d;
	struct error err;

	dispute_fill(&d, opened, raised, against, due);
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	if (ref)
		memcpy(ref, d.reference, 16);
	dispute_free(&d);
}

/* ---- opening and creating ---- */

static void test_create_modes(void **state)
{
	struct fx *f = *state;
	struct store *s = NULL;
	struct error err;
	struct stat st;
	char *path = xasprintf("%s/a/b/disputes.db", f->dir);
	char *a = xasprintf("%s/a", f->dir), *b = xasprintf("%s/a/b", f->dir);
	char *missing = xasprintf("%s/none.db", f->dir), *want;

	/* The directory is the service's to make (test_service); the store
	 * makes the file, 0600 whatever the umask. */
	assert_int_equal(store_open(path, OPEN_CREATE, &s, &err), ST_IO);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(b, 0700), 0);
	umask(022);
	assert_int_equal(store_open(path, OPEN_CREATE, &s, &err), ST_OK);
	store_close(s);
	umask(077);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(store_schema_version(), 14);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), store_schema_version());
	assert_int_equal(raw_int(path, "PRAGMA application_id"), 0x44535054);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'disputes'"), 1);

	assert_int_equal(store_open(path, OPEN_WRITE, &s, &err), ST_OK);
	store_close(s);
	assert_int_equal(store_open(path, OPEN_READ, &s, &err), ST_OK);
	store_close(s);
	assert_int_equal(store_open(path, OPEN_CREATE, &s, &err), ST_OK);
	store_close(s);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	s = (struct store *)&err;
	assert_int_equal(store_open(missing, OPEN_WRITE, &s, &err), ST_NOTFOUND);
	assert_null(s);
	want = xasprintf("no database at %s", missing);
	assert_string_equal(err.msg, want);
	assert_int_equal(store_open(missing, OPEN_READ, &s, &err), ST_NOTFOUND);
	assert_false(exists(missing));

	free(want);
	free(missing);
	free(a);
	free(b);
	free(path);
}

static void test_wal_and_foreign_keys(void **state)
{
	struct fx *f = *state;
	struct dispute d;
	struct error err;

	assert_int_equal(store_open(f->db, OPEN_CREATE, &f->s, &err), ST_OK);
	dispute_fill(&d, "2026-03-02", "School", "Police", "2026-03-09");
	assert_int_equal(store_dispute_insert(f->s, &d, &err), ST_OK);
	dispute_free(&d);
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	/* Updating a dispute that was never stored is refused, stages and all. */
	dispute_init(&d);
	d.id = 999;
	d.current_stage = 1;
	d.stages = xcalloc(1, sizeof(*d.stages));
	d.nstages = 1;
	d.stages[0].number = 1;
	d.stages[0].started = d.stages[0].due = d.stages[0].ended = DATE_NONE;
	d.stages[0].due_minute = TIME_NONE;
	assert_int_equal(store_dispute_update(f->s, &d, &err), ST_NOTFOUND);
	dispute_free(&d);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM stages"), 1);
	/* Foreign keys are enforced on the store's connection. */
	assert_int_equal(store_draft_put(f->s, &(struct draft){ .dispute_id = 999, .kind = RK_NOTE, .text = (char *)"orphan" },
	                                 &err), ST_DB);
	assert_non_null(strstr(err.msg, "FOREIGN KEY constraint failed"));
}

/* ---- disputes ---- */

static void test_dispute_roundtrip(void **state)
{
	struct fx *f = *state;
	struct dispute d, got;
	struct error err;
	struct stage *g;

	dispute_init(&d);
	d.protocol = xstrdup("newcastle");
	d.urgent = true;
	d.subject = xstrdup("CR-77 J.S.");
	d.raised_by = xstrdup("Riverside Primary School");
	d.against = xstrdup("Children's Social Care");
	d.category = xstrdup("thresholds");
	d.summary = xstrdup("Referral judged below threshold");
	d.opened = day_of("2026-03-02");
	d.challenged = day_of("2026-03-04");
	d.current_stage = 2;
	d.stages = xcalloc(2, sizeof(*d.stages));
	d.nstages = 2;
	d.stages[0] = (struct stage){ .number = 1, .started = day_of("2026-03-02"), .due = day_of("2026-03-09"),
	                              .due_minute = TIME_NONE, .ended = day_of("2026-03-05"),
	                              .how = SE_ESCALATED, .sequence = 0, .response_due = DATE_NONE, .then_due = DATE_NONE, .then_minute = TIME_NONE, .follow_up = DATE_NONE };
	d.stages[1] = (struct stage){ .number = 2, .started = day_of("2026-03-05"), .due = day_of("2026-03-10"),
	                              .due_minute = 600, .due_agreed = true,
	                              .due_reason = xstrdup("agreed on the call"), .ended = DATE_NONE,
	                              .how = SE_NONE, .sequence = 2, .response_due = DATE_NONE, .then_due = DATE_NONE, .then_minute = TIME_NONE, .follow_up = DATE_NONE };
	assert_int_equal(store_dispute_insert(f->s, &d, &err), ST_OK);
	assert_true(d.id > 0);
	assert_string_equal(d.reference, "D-2026-0001");

	dispute_init(&got);
	assert_int_equal(store_dispute_load(f->s, "d-2026-0001", &got, &err), ST_OK);
	assert_int_equal(got.id, d.id);
	assert_string_equal(got.reference, "D-2026-0001");
	assert_string_equal(got.protocol, "newcastle");
	assert_true(got.urgent);
	assert_string_equal(got.subject, "CR-77 J.S.");
	assert_string_equal(got.raised_by, "Riverside Primary School");
	assert_string_equal(got.against, "Children's Social Care");
	assert_string_equal(got.category, "thresholds");
	assert_string_equal(got.summary, "Referral judged below threshold");
	assert_int_equal(got.opened, day_of("2026-03-02"));
	assert_int_equal(got.status, DS_OPEN);
	assert_int_equal(got.closed, DATE_NONE);
	assert_null(got.outcome);
	assert_null(got.outstanding);
	assert_int_equal(got.challenged, day_of("2026-03-04"));
	assert_int_equal(got.current_stage, 2);
	assert_int_equal(got.nstages, 2);
	g = &got.stages[0];
	assert_int_equal(g->number, 1);
	assert_int_equal(g->started, day_of("2026-03-02"));
	assert_int_equal(g->due, day_of("2026-03-09"));
	assert_int_equal(g->due_minute, TIME_NONE);
	assert_false(g->due_agreed);
	assert_null(g->due_reason);
	assert_int_equal(g->ended, day_of("2026-03-05"));
	assert_int_equal(g->how, SE_ESCALATED);
	assert_int_equal(g->sequence, 0);
	g = &got.stages[1];
	assert_int_equal(g->number, 2);
	assert_int_equal(g->started, day_of("2026-03-05"));
	assert_int_equal(g->due, day_of("2026-03-10"));
	assert_int_equal(g->due_minute, 600);
	assert_true(g->due_agreed);
	assert_string_equal(g->due_reason, "agreed on the call");
	assert_int_equal(g->ended, DATE_NONE);
	assert_int_equal(g->how, SE_NONE);
	assert_int_equal(g->sequence, 2);
	dispute_free(&got);

	assert_int_equal(store_dispute_load_id(f->s, d.id, &got, &err), ST_OK);
	assert_string_equal(got.reference, "D-2026-0001");
	assert_int_equal(got.nstages, 2);
	dispute_free(&got);

	assert_int_equal(store_dispute_load(f->s, "D-2026-0099", &got, &err), ST_NOTFOUND);
	assert_string_equal(err.msg, "no dispute D-2026-0099");
	assert_int_equal(store_dispute_load_id(f->s, 4242, &got, &err), ST_NOTFOUND);
	assert_string_equal(err.msg, "no dispute with id 4242");

	/* A dispute without a subject is refused before anything is written. */
	free(d.subject);
	d.subject = NULL;
	assert_int_equal(store_dispute_insert(f->s, &d, &err), ST_INVALID);
	dispute_free(&d);
}

static void test_references(void **state)
{
	struct fx *f = *state;
	struct error err;
	char ref[16];

	insert_simple(f->s, "2026-01-05", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2026-0001");
	insert_simple(f->s, "2026-12-31", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2026-0002");
	insert_simple(f->s, "2027-01-01", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2027-0001");
	insert_simple(f->s, "2026-06-01", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2026-0003");

	/* Inside the caller's transaction: numbers follow on, and a rollback
	 * gives them back. */
	assert_int_equal(store_begin(f->s, &err), ST_OK);
	insert_simple(f->s, "2026-07-01", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2026-0004");
	insert_simple(f->s, "2026-07-01", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2026-0005");
	store_rollback(f->s);
	insert_simple(f->s, "2027-02-01", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2027-0002");
	insert_simple(f->s, "2026-07-01", "School", "Police", NULL, ref);
	assert_string_equal(ref, "D-2026-0004");

	assert_int_equal(store_begin(f->s, &err), ST_OK);
	insert_simple(f->s, "2026-08-01", "School", "Police", NULL, ref);
	assert_int_equal(store_commit(f->s, &err), ST_OK);
	assert_string_equal(ref, "D-2026-0005");
}

static void test_update(void **state)
{
	struct fx *f = *state;
	struct dispute d, got;
	struct error err;

	dispute_fill(&d, "2026-03-02", "School", "Police", "2026-03-09");
	assert_int_equal(store_dispute_insert(f->s, &d, &err), ST_OK);

	/* Escalate to stage 2, then resolve there. */
	d.stages[0].ended = day_of("2026-03-06");
	d.stages[0].how = SE_ESCALATED;
	d.stages = xrealloc(d.stages, 2 * sizeof(*d.stages));
	d.nstages = 2;
	d.stages[1] = (struct stage){ .number = 2, .started = day_of("2026-03-06"), .due = day_of("2026-03-13"),
	                              .due_minute = TIME_NONE, .ended = DATE_NONE, .how = SE_NONE, .response_due = DATE_NONE, .then_due = DATE_NONE, .then_minute = TIME_NONE, .follow_up = DATE_NONE };
	d.current_stage = 2;
	assert_int_equal(store_dispute_update(f->s, &d, &err), ST_OK);
	assert_int_equal(raw_int(f->db, "SELECT current_due = '2026-03-13' FROM disputes"), 1);

	d.stages[1].due = day_of("2026-03-12");
	d.stages[1].due_agreed = true;
	d.stages[1].sequence = 1;
	d.stages[1].ended = day_of("2026-03-11");
	d.stages[1].how = SE_RESOLVED;
	d.status = DS_RESOLVED;
	d.closed = day_of("2026-03-11");
	set_str(&d.outcome, "Referral accepted for assessment");
	set_str(&d.outstanding, "Review at the core group");
	d.challenged = day_of("2026-03-07");
	assert_int_equal(store_dispute_update(f->s, &d, &err), ST_OK);
	assert_int_equal(raw_int(f->db, "SELECT current_due IS NULL FROM disputes"), 1);

	dispute_init(&got);
	assert_int_equal(store_dispute_load(f->s, d.reference, &got, &err), ST_OK);
	assert_int_equal(got.status, DS_RESOLVED);
	assert_int_equal(got.closed, day_of("2026-03-11"));
	assert_string_equal(got.outcome, "Referral accepted for assessment");
	assert_string_equal(got.outstanding, "Review at the core group");
	assert_int_equal(got.challenged, day_of("2026-03-07"));
	assert_int_equal(got.current_stage, 2);
	assert_int_equal(got.nstages, 2);
	assert_int_equal(got.stages[0].ended, day_of("2026-03-06"));
	assert_int_equal(got.stages[0].how, SE_ESCALATED);
	assert_int_equal(got.stages[1].due, day_of("2026-03-12"));
	assert_true(got.stages[1].due_agreed);
	assert_int_equal(got.stages[1].sequence, 1);
	assert_int_equal(got.stages[1].ended, day_of("2026-03-11"));
	assert_int_equal(got.stages[1].how, SE_RESOLVED);
	dispute_free(&got);

	/* A closed status without a closing date breaks the schema's rule;
	 * the stage changes made in the same call are undone with it. */
	d.closed = DATE_NONE;
	d.stages[1].sequence = 7;
	assert_int_equal(store_dispute_update(f->s, &d, &err), ST_DB);
	assert_non_null(strstr(err.msg, "CHECK constraint failed"));
	assert_int_equal(raw_int(f->db, "SELECT max(sequence) FROM stages"), 1);

	d.id = 12345;
	d.closed = day_of("2026-03-11");
	assert_int_equal(store_dispute_update(f->s, &d, &err), ST_NOTFOUND);
	dispute_free(&d);
}

/* ---- listing ---- */

struct refs {
	char ref[16][16];
	int n, stop_after;
	size_t stages;
};

static int collect(const struct dispute *d, void *ctx)
{
	struct refs *r = ctx;

	if (r->n < 16)
		memcpy(r->ref[r->n], d->reference, 16);
	r->n++;
	r->stages += d->nstages;
	return r->stop_after && r->n >= r->stop_after;
}

/* The references listed under f, joined with spaces. */
static char *list_refs(struct store *s, const struct list_filter *f)
{
	struct refs r = {0};
	struct sb sb = {0};
	struct error err;

	assert_int_equal(store_list(s, f, collect, &r, &err), ST_OK);
	for (int i = 0; i < r.n && i < 16; i++) {
		if (i)
			sb_append(&sb, " ");
		sb_append(&sb, r.ref[i] + 7);   /* the number is enough */
	}
	return sb_take(&sb);
}

static void assert_list(struct store *s, const struct list_filter *f, const char *want)
{
	char *got = list_refs(s, f);

	assert_string_equal(got, want);
	free(got);
}

static void list_fixture(struct store *s)
{
	struct dispute d;
	struct record r;
	struct error err;

	/* 0001 open, due 03-10 */
	dispute_fill(&d, "2026-03-02", "School", "Police", "2026-03-10");
	set_str(&d.summary, "Threshold for referral");
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	dispute_free(&d);
	/* 0002 open, due 03-05, newcastle, a literal % in the summary */
	dispute_fill(&d, "2026-03-01", "Health", "Children's Social Care", "2026-03-05");
	set_str(&d.protocol, "newcastle");
	set_str(&d.category, "thresholds");
	set_str(&d.summary, "Information not 100% shared");
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	dispute_free(&d);
	/* 0003 open, no due date, newcastle; its only distinctive word is in a record */
	dispute_fill(&d, "2026-03-03", "School", "Health", NULL);
	set_str(&d.protocol, "newcastle");
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	record_init(&r);
	r.dispute_id = d.id;
	r.day = day_of("2026-03-03");
	r.kind = RK_CALL;
	r.stage = 1;
	r.text = xstrdup("Spoke to Mr Xylophone, duty manager");
	assert_int_equal(store_record_insert(s, &r, &err), ST_OK);
	record_free(&r);
	dispute_free(&d);
	/* 0004 resolved on 03-20 */
	dispute_fill(&d, "2026-02-10", "School", "police", "2026-02-17");
	d.status = DS_RESOLVED;
	d.closed = day_of("2026-03-20");
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	dispute_free(&d);
	/* 0005 withdrawn on 03-25 */
	dispute_fill(&d, "2026-02-15", "School", "Adult Social Care", "2026-02-22");
	d.status = DS_WITHDRAWN;
	d.closed = day_of("2026-03-25");
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	dispute_free(&d);
	/* 0006 open, due 03-05 like 0002 */
	dispute_fill(&d, "2026-03-01", "Police", "Health", "2026-03-05");
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	dispute_free(&d);
}

/* Every reference under f in order, each as its number ("0042"), into
 * out[]; returns how many. */
static int list_all(struct store *s, const struct list_filter *f, char out[][16], int max)
{
	struct refs r = {0};
	struct error err;
	struct list_filter g = *f;
	int n = 0;

	/* collect keeps 16 at a time: read the whole list in windows of 16
	 * from the start each time, the way OFFSET alone would. */
	for (;;) {
		memset(&r, 0, sizeof(r));
		g.offset = n;
		g.limit = 16;
		assert_int_equal(store_list(s, &g, collect, &r, &err), ST_OK);
		for (int i = 0; i < r.n && n < max; i++)
			memcpy(out[n++], r.ref[i], 16);
		if (r.n < 16)
			return n;
	}
}

/* Windows of the due-date list read at positions in any order, each found
 * from the window read before (the anchor): the same rows as the whole
 * list's slice, and after a write the list as it now is. */
static void test_list_windows(void **state)
{
	struct fx *f = *state;
	static char all[160][16];
	static const int at[] = { 0, 16, 17, 40, 39, 38, 1, 100, 140, 141, 3, 90, 89, 150, 0, 125 };
	struct list_filter lf;
	struct error err;
	char ref[16], day[11];
	int n, idx;

	for (int i = 0; i < 150; i++) {
		struct dispute d;

		date_format(day_of("2026-03-02") + (i * 37) % 61, day);
		dispute_fill(&d, "2026-03-01", "School", i % 3 ? "Police" : "Health", i % 11 ? day : NULL);
		if (i % 7 == 0) {
			d.status = DS_RESOLVED;
			d.closed = day_of("2026-03-20") + i % 5;
		}
		assert_int_equal(store_dispute_insert(f->s, &d, &err), ST_OK);
		dispute_free(&d);
	}
	list_filter_init(&lf);
	n = list_all(f->s, &lf, all, 160);
	assert_int_equal(n, 150);
	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		struct refs r = {0};

		lf.offset = at[k];
		lf.limit = 16;
		assert_int_equal(store_list(f->s, &lf, collect, &r, &err), ST_OK);
		assert_int_equal(r.n, at[k] + 16 <= n ? 16 : n - at[k]);
		for (int i = 0; i < r.n; i++)
			assert_string_equal(r.ref[i], all[at[k] + i]);
	}
	/* The position of a dispute is its place in the list. */
	for (int i = 0; i < n; i += 13) {
		assert_int_equal(store_list_index(f->s, &lf, all[i], &idx, &err), ST_OK);
		assert_int_equal(idx, i);
	}
	/* A write between two windows: the next window is read afresh. */
	lf.offset = 40;
	{
		struct refs r = {0};
		struct dispute d;

		assert_int_equal(store_list(f->s, &lf, collect, &r, &err), ST_OK);
		dispute_fill(&d, "2026-03-01", "School", "Police", "2026-01-05");
		assert_int_equal(store_dispute_insert(f->s, &d, &err), ST_OK);
		snprintf(ref, sizeof(ref), "%s", d.reference);
		dispute_free(&d);
		memset(&r, 0, sizeof(r));
		lf.offset = 41;
		assert_int_equal(store_list(f->s, &lf, collect, &r, &err), ST_OK);
		assert_string_equal(r.ref[0], all[40]);
		lf.offset = 0;
		memset(&r, 0, sizeof(r));
		assert_int_equal(store_list(f->s, &lf, collect, &r, &err), ST_OK);
		assert_string_equal(r.ref[0], ref);
	}
	/* The open ones only, and the board's slices: they add up. */
	{
		int open, a, b, c, dd, e;

		list_filter_init(&lf);
		lf.which = LIST_OPEN;
		assert_int_equal(store_count(f->s, &lf, &open, &err), ST_OK);
		assert_int_equal(open, 151 - 22);
		list_filter_init(&lf);
		lf.overdue_on = day_of("2026-03-20");
		lf.overdue_minute = 600;
		assert_int_equal(store_count(f->s, &lf, &a, &err), ST_OK);
		lf.overdue_not = true;
		lf.due_from = day_of("2026-03-20");
		lf.due_before = day_of("2026-03-21");
		assert_int_equal(store_count(f->s, &lf, &b, &err), ST_OK);
		list_filter_init(&lf);
		lf.due_from = day_of("2026-03-21");
		lf.due_before = day_of("2026-03-28");
		assert_int_equal(store_count(f->s, &lf, &c, &err), ST_OK);
		list_filter_init(&lf);
		lf.due_from = day_of("2026-03-28");
		assert_int_equal(store_count(f->s, &lf, &dd, &err), ST_OK);
		list_filter_init(&lf);
		lf.which = LIST_OPEN;
		lf.due_from = day_of("2026-03-02");
		lf.due_before = day_of("2026-03-03");
		assert_int_equal(store_count(f->s, &lf, &e, &err), ST_OK);
		assert_int_equal(a + b + c + dd, open);
		/* Due 2026-03-02: i * 37 % 61 == 0, so i = 0 (closed), 61 and 122 (open). */
		assert_int_equal(e, 2);
		assert_true(b > 0 && c > 0 && dd > 0 && a > 0);
	}
	/* A timed deadline on the day: due today until its minute, then
	 * overdue, in the counts and in the rows alike. */
	{
		struct dispute d;
		int before[2], after[2];

		for (int k = 0; k < 2; k++) {
			list_filter_init(&lf);
			lf.overdue_on = day_of("2026-03-20");
			lf.overdue_minute = k ? 630 : 629;
			assert_int_equal(store_count(f->s, &lf, &before[k], &err), ST_OK);
			lf.overdue_not = true;
			lf.due_from = day_of("2026-03-20");
			lf.due_before = day_of("2026-03-21");
			assert_int_equal(store_count(f->s, &lf, &after[k], &err), ST_OK);
		}
		dispute_fill(&d, "2026-03-19", "School", "Police", "2026-03-20");
		d.stages[0].due_minute = 630;
		assert_int_equal(store_dispute_insert(f->s, &d, &err), ST_OK);
		snprintf(ref, sizeof(ref), "%s", d.reference);
		dispute_free(&d);
		for (int k = 0; k < 2; k++) {
			struct refs r = {0};
			bool listed = false;
			int now;

			list_filter_init(&lf);
			lf.overdue_on = day_of("2026-03-20");
			lf.overdue_minute = k ? 630 : 629;
			assert_int_equal(store_count(f->s, &lf, &now, &err), ST_OK);
			assert_int_equal(now, before[k] + k);
			lf.offset = now - 1;
			lf.limit = 16;
			assert_int_equal(store_list(f->s, &lf, collect, &r, &err), ST_OK);
			for (int i = 0; i < r.n; i++)
				listed |= strcmp(r.ref[i], ref) == 0;
			assert_int_equal(listed, k == 1);
			lf.offset = 0;
			lf.limit = 0;
			lf.overdue_not = true;
			lf.due_from = day_of("2026-03-20");
			lf.due_before = day_of("2026-03-21");
			assert_int_equal(store_count(f->s, &lf, &now, &err), ST_OK);
			assert_int_equal(now, after[k] + 1 - k);
			memset(&r, 0, sizeof(r));
			assert_int_equal(store_list(f->s, &lf, collect, &r, &err), ST_OK);
			assert_int_equal(r.n, now);
		}
	}
}

static void test_list(void **state)
{
	struct fx *f = *state;
	struct list_filter lf;
	struct refs r = {0};
	struct error err;
	int n;

	list_fixture(f->s);
	list_filter_init(&lf);
	assert_list(f->s, &lf, "0002 0006 0001 0003 0005 0004");
	assert_list(f->s, NULL, "0002 0006 0001 0003 0005 0004");
	lf.which = LIST_OPEN;
	assert_list(f->s, &lf, "0002 0006 0001 0003");
	lf.which = LIST_CLOSED;
	assert_list(f->s, &lf, "0005 0004");

	list_filter_init(&lf);
	lf.due_before = day_of("2026-03-10");
	assert_list(f->s, &lf, "0002 0006");
	list_filter_init(&lf);
	lf.overdue_on = day_of("2026-03-06");
	assert_list(f->s, &lf, "0002 0006");
	lf.overdue_on = day_of("2026-03-05");
	assert_list(f->s, &lf, "");

	list_filter_init(&lf);
	lf.protocol = "NEWCASTLE";
	assert_list(f->s, &lf, "0002 0003");

	list_filter_init(&lf);
	lf.offset = 1;
	lf.limit = 2;
	assert_list(f->s, &lf, "0006 0001");
	lf.offset = 5;
	lf.limit = 0;
	assert_list(f->s, &lf, "0004");
	lf.offset = 9;
	assert_list(f->s, &lf, "");

	list_filter_init(&lf);
	lf.search = "police";          /* an agency, either side */
	assert_list(f->s, &lf, "0006 0001 0004");
	lf.search = "d-2026-000";
	assert_list(f->s, &lf, "0002 0006 0001 0003 0005 0004");
	lf.search = "THRESHOLD";       /* category of 0002, summary of 0001 */
	assert_list(f->s, &lf, "0002 0001");
	lf.search = "xylophone";       /* only in a record's text */
	assert_list(f->s, &lf, "0003");
	lf.search = "100%";            /* the word "100"; the % is no word */
	assert_list(f->s, &lf, "0002");
	lf.search = "%";               /* no word at all: nothing matches */
	assert_list(f->s, &lf, "");
	lf.search = "_";
	assert_list(f->s, &lf, "");
	lf.search = "";
	assert_list(f->s, &lf, "0002 0006 0001 0003 0005 0004");
	lf.search = "police";
	lf.which = LIST_OPEN;
	assert_int_equal(store_count(f->s, &lf, &n, &err), ST_OK);
	assert_int_equal(n, 2);

	list_filter_init(&lf);
	lf.order = ORDER_REFERENCE;
	assert_list(f->s, &lf, "0001 0002 0003 0004 0005 0006");
	lf.order = ORDER_OPENED;
	assert_list(f->s, &lf, "0003 0001 0006 0002 0005 0004");
	lf.order = ORDER_AGENCY;
	assert_list(f->s, &lf, "0005 0002 0006 0003 0001 0004");

	list_filter_init(&lf);
	assert_int_equal(store_count(f->s, &lf, &n, &err), ST_OK);
	assert_int_equal(n, 6);
	lf.which = LIST_OPEN;
	lf.limit = 1;
	lf.offset = 1;
	assert_int_equal(store_count(f->s, &lf, &n, &err), ST_OK);
	assert_int_equal(n, 4);

	/* Every row comes with its stages; the callback can stop early. */
	r.stop_after = 2;
	assert_int_equal(store_list(f->s, NULL, collect, &r, &err), ST_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.stages, 2);
}

/* ---- a dispute's lists in a list ---- */

#define LISTS_N 150     /* disputes: more than two of the batches a list reads lists in */

/* Dispute i of test_list_lists: every third has lists, given out of their
 * order where the store keeps an order of its own (counterparts by stage
 * and party, record details by record). */
static bool lists_has(int i)
{
	return i % 3 == 0;
}

static void lists_insert(struct store *s, int i, const long long contact[2])
{
	struct dispute d;
	struct record r;
	struct error err;
	long long rec[2];
	char due[11];

	dispute_fill(&d, "2026-03-02", "Riverside School", "Police",
	             date_format(day_of("2026-04-01") + (i * 7) % LISTS_N, due));
	free(d.subject);
	d.subject = xasprintf("CR-%d", i);
	if (lists_has(i)) {
		d.nothers = 2;
		d.others = xcalloc(2, sizeof(*d.others));
		d.others[0] = xasprintf("Housing %d", i);
		d.others[1] = xstrdup("Health Visiting");
		d.nsubjects = 2;
		d.subjects = xcalloc(2, sizeof(*d.subjects));
		d.subjects[0] = xstrdup("CR-9 Z.");
		d.subjects[1] = xstrdup("CR-1 A.");
		d.ncounterparts = 2;
		d.counterparts = xcalloc(2, sizeof(*d.counterparts));
		d.counterparts[0] = (struct counterpart){ 1, 3, contact[1] };
		d.counterparts[1] = (struct counterpart){ 1, 2, contact[0] };
		d.ndone = 2;
		d.done = xcalloc(2, sizeof(*d.done));
		d.done[0] = (struct action_done){ 1, xstrdup("Strategy meeting booked"), day_of("2026-03-04"),
		                                  xstrdup("J. Lead") };
		d.done[1] = (struct action_done){ 1, xstrdup("Chronology shared"), day_of("2026-03-03"), NULL };
	}
	assert_int_equal(store_dispute_insert(s, &d, &err), ST_OK);
	if (lists_has(i)) {
		for (int k = 0; k < 2; k++) {
			record_init(&r);
			r.dispute_id = d.id;
			r.day = day_of("2026-03-03");
			r.kind = RK_CALL;
			r.stage = 1;
			r.text = xasprintf("Call %d", k + 1);
			assert_int_equal(store_record_insert(s, &r, &err), ST_OK);
			rec[k] = r.id;
			record_free(&r);
		}
		d.ndetails = 2;
		d.details = xcalloc(2, sizeof(*d.details));
		d.details[0] = (struct record_detail){ rec[1], 0, xasprintf("Chase %d", i), day_of("2026-03-10"),
		                                       DATE_NONE, NULL };
		d.details[1] = (struct record_detail){ rec[0], contact[0], NULL, DATE_NONE, DATE_NONE, NULL };
		assert_int_equal(store_dispute_update(s, &d, &err), ST_OK);
	}
	dispute_free(&d);
}

/* d holds dispute i's lists, in their order, or none; with rows_only its
 * further other agencies alone. */
static void lists_assert(const struct dispute *d, int i, bool rows_only, const long long contact[2])
{
	char want[32];

	if (!lists_has(i)) {
		assert_int_equal(d->nothers + d->nsubjects + d->ncounterparts + d->ndone + d->ndetails, 0);
		return;
	}
	snprintf(want, sizeof(want), "Housing %d", i);
	assert_int_equal(d->nothers, 2);
	assert_string_equal(d->others[0], want);
	assert_string_equal(d->others[1], "Health Visiting");
	if (rows_only) {
		assert_int_equal(d->nsubjects + d->ncounterparts + d->ndone + d->ndetails, 0);
		return;
	}
	assert_int_equal(d->nsubjects, 2);
	assert_string_equal(d->subjects[0], "CR-9 Z.");
	assert_string_equal(d->subjects[1], "CR-1 A.");
	assert_int_equal(d->ncounterparts, 2);
	assert_int_equal(d->counterparts[0].party, 2);
	assert_int_equal(d->counterparts[0].contact_id, contact[0]);
	assert_int_equal(d->counterparts[1].party, 3);
	assert_int_equal(d->counterparts[1].contact_id, contact[1]);
	assert_int_equal(d->ndone, 2);
	assert_string_equal(d->done[0].text, "Strategy meeting booked");
	assert_string_equal(d->done[0].by, "J. Lead");
	assert_int_equal(d->done[0].on, day_of("2026-03-04"));
	assert_string_equal(d->done[1].text, "Chronology shared");
	assert_null(d->done[1].by);
	assert_int_equal(d->ndetails, 2);
	assert_true(d->details[0].record < d->details[1].record);
	assert_int_equal(d->details[0].contact_id, contact[0]);
	assert_null(d->details[0].next);
	snprintf(want, sizeof(want), "Chase %d", i);
	assert_string_equal(d->details[1].next, want);
	assert_int_equal(d->details[1].due, day_of("2026-03-10"));
}

struct lists_seen {
	struct dispute d[LISTS_N];
	int n, stop_after;
};

static int lists_take(const struct dispute *d, void *ctx)
{
	struct lists_seen *l = ctx;

	assert_true(l->n < LISTS_N);
	dispute_init(&l->d[l->n]);
	dispute_copy(&l->d[l->n++], d);
	return l->stop_after && l->n >= l->stop_after;
}

/* Lists every dispute under f (stopping after stop_after, 0: none) and
 * checks the lists each comes with; returns how many came. */
static int lists_check(struct store *s, const struct list_filter *f, int stop_after, const long long contact[2])
{
	struct lists_seen *l = xcalloc(1, sizeof(*l));
	struct error err;
	int n, i;

	l->stop_after = stop_after;
	assert_int_equal(store_list(s, f, lists_take, l, &err), ST_OK);
	for (int k = 0; k < l->n; k++) {
		struct dispute one;

		/* Which dispute it is, by its subject (a row of a list leaves
		 * the subject out); and as a dispute loaded alone has them. */
		dispute_init(&one);
		assert_int_equal(store_dispute_load_id(s, l->d[k].id, &one, &err), ST_OK);
		assert_int_equal(sscanf(one.subject, "CR-%d", &i), 1);
		if (f->rows_only)
			assert_null(l->d[k].subject);
		lists_assert(&l->d[k], i, f->rows_only, contact);
		lists_assert(&one, i, false, contact);
		dispute_free(&one);
		dispute_free(&l->d[k]);
	}
	n = l->n;
	free(l);
	return n;
}

/* A list reads the disputes' lists a batch at a time: each dispute comes
 * with its own lists, in their order, whether or not its neighbours have
 * any, in any order of the list and however early the caller stops; a
 * list of rows (rows_only) with its further other agencies alone. */
static void test_list_lists(void **state)
{
	struct fx *f = *state;
	struct list_filter lf;
	struct contact k;
	struct error err;
	long long contact[2];

	k = (struct contact){ .agency = (char *)"Housing 0", .name = (char *)"A. Officer" };
	assert_int_equal(store_contact_insert(f->s, &k, &err), ST_OK);
	contact[0] = k.id;
	k = (struct contact){ .agency = (char *)"Health Visiting", .name = (char *)"B. Visitor" };
	assert_int_equal(store_contact_insert(f->s, &k, &err), ST_OK);
	contact[1] = k.id;
	for (int i = 0; i < LISTS_N; i++)
		lists_insert(f->s, i, contact);

	list_filter_init(&lf);
	assert_int_equal(lists_check(f->s, &lf, 0, contact), LISTS_N);
	assert_int_equal(lists_check(f->s, &lf, 100, contact), 100);
	lf.order = ORDER_REFERENCE;
	assert_int_equal(lists_check(f->s, &lf, 0, contact), LISTS_N);
	lf.order = ORDER_AGENCY;
	lf.offset = 60;
	lf.limit = 30;
	assert_int_equal(lists_check(f->s, &lf, 0, contact), 30);
	list_filter_init(&lf);
	lf.search = "housing";
	assert_int_equal(lists_check(f->s, &lf, 0, contact), LISTS_N / 3);
	/* What a row shows: the further other agencies alone. */
	list_filter_init(&lf);
	lf.rows_only = true;
	assert_int_equal(lists_check(f->s, &lf, 0, contact), LISTS_N);
}

/* What a row of the text list shows of a dispute's stages: whether it
 * has one, the running one's number, step and route, and its soonest
 * running deadline (as LEFT measures it, here without a calendar). */
struct brief_row {
	long long id;
	size_t nstages;
	bool staged;
	int number, step, route;
	struct left left;
};

struct brief_seen {
	struct brief_row v[16];
	int n;
};

static int brief_take(const struct dispute *d, void *ctx)
{
	struct brief_seen *b = ctx;
	const struct stage *cur = dispute_current(d);
	struct brief_row *r = &b->v[b->n++];

	assert_true(b->n <= 16);
	r->id = d->id;
	r->nstages = d->nstages;
	r->staged = cur != NULL;
	r->number = cur ? cur->number : 0;
	r->step = cur ? stage_step(cur) : 0;
	r->route = cur ? cur->route : -1;
	r->left = dispute_left(d, NULL, NULL, day_of("2026-11-25"), 600);
	return 0;
}

/* Keeps the findings' messages, one a line. */
static int brief_finding(const struct finding *fd, void *ctx)
{
	sb_printf(ctx, "%s\n", fd->message);
	return 0;
}

/* Lists the disputes (from offset, at most limit of them: 0 for all) as
 * rows with their stages and as brief rows, and checks that both show the
 * same; returns how many stages the full rows came with. */
static size_t brief_compare(struct store *s, int want, int offset, int limit)
{
	struct brief_seen full = { .n = 0 }, brief = { .n = 0 };
	struct list_filter lf;
	struct error err;
	size_t stages = 0;

	list_filter_init(&lf);
	lf.rows_only = true;
	lf.offset = offset;
	lf.limit = limit;
	assert_int_equal(store_list(s, &lf, brief_take, &full, &err), ST_OK);
	lf.rows_brief = true;
	assert_int_equal(store_list(s, &lf, brief_take, &brief, &err), ST_OK);
	assert_int_equal(full.n, want);
	assert_int_equal(brief.n, want);
	for (int i = 0; i < want; i++) {
		assert_int_equal(brief.v[i].id, full.v[i].id);
		/* the brief row has the running stage alone */
		assert_int_equal(brief.v[i].nstages, 1);
		stages += full.v[i].nstages;
		assert_int_equal(brief.v[i].staged, full.v[i].staged);
		assert_int_equal(brief.v[i].number, full.v[i].number);
		assert_int_equal(brief.v[i].step, full.v[i].step);
		assert_int_equal(brief.v[i].route, full.v[i].route);
		assert_int_equal(brief.v[i].left.kind, full.v[i].left.kind);
		assert_int_equal(brief.v[i].left.due, full.v[i].left.due);
		assert_int_equal(brief.v[i].left.due_minute, full.v[i].left.due_minute);
	}
	return stages;
}

/* A row of the text list (rows_brief) reads no stage: the running stage's
 * place and the soonest deadline come from the dispute's derived columns,
 * and say what the stages say, whichever deadline is the soonest, on
 * either route, open or closed; verify holds the place to the stages. */
static void test_list_brief(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct error err;
	struct sb said = {0};
	char ref[16];

	assert_int_equal(store_open(f->db, OPEN_CREATE, &s, &err), ST_OK);
	for (int i = 0; i < 9; i++)
		insert_simple(s, "2026-11-02", "Hillside Primary", "Police", "2026-11-27", ref);
	assert_int_equal(brief_compare(s, 9, 0, 0), 9);
	assert_int_equal(raw_exec(f->db,
		/* 1: escalated to the urgent route's own first stage, timed */
		"INSERT INTO stages(dispute_id, number, started, due, due_minute, route, step)"
		" VALUES (1, 2, '2026-11-10', '2026-11-26', 540, 2, 1);"
		"UPDATE stages SET ended = '2026-11-10', how = 'escalated' WHERE dispute_id = 1 AND number = 1;"
		/* 2: a follow-up, no due date agreed yet */
		"UPDATE stages SET due = NULL, follow_up = '2026-11-24' WHERE dispute_id = 2;"
		/* 3: the second timescale first */
		"UPDATE stages SET response_due = '2026-11-20' WHERE dispute_id = 3;"
		/* 4: the sub-deadline first, at a time of day */
		"UPDATE stages SET then_due = '2026-11-25', then_minute = 570 WHERE dispute_id = 4;"
		/* 5: the whole process first */
		"UPDATE disputes SET process_due = '2026-11-23' WHERE id = 5;"
		/* 6: who must be told: not a deadline a row measures */
		"UPDATE disputes SET inform_due = '2026-11-21' WHERE id = 6;"
		/* 7: closed */
		"UPDATE stages SET ended = '2026-11-20', how = 'resolved' WHERE dispute_id = 7;"
		"UPDATE disputes SET status = 'resolved', closed = '2026-11-20', outcome = 'Agreed' WHERE id = 7;"
		/* 8: the dispute's route, no date at all */
		"UPDATE stages SET due = NULL, route = 1 WHERE dispute_id = 8;", NULL, 0), SQLITE_OK);
	/* dispute 1 has two stages; its brief row the second alone */
	assert_int_equal(brief_compare(s, 9, 0, 0), 10);
	/* a window of the list: the third to the sixth, dispute 1 among them */
	assert_int_equal(brief_compare(s, 4, 2, 4), 5);
	assert_string_equal_raw(f->db, "SELECT group_concat(id || ':' || current_step || '/' || current_route, ' ')"
	                        " FROM disputes", "1:1/2 2:0/0 3:0/0 4:0/0 5:0/0 6:0/0 7:0/0 8:0/1 9:0/0");
	assert_int_equal(store_check_derived(s, brief_finding, &said, &err), ST_OK);
	assert_null(said.s);
	/* A place set by hand is a finding. */
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET current_step = 3 WHERE id = 9", NULL, 0), SQLITE_OK);
	assert_int_equal(store_check_derived(s, brief_finding, &said, &err), ST_OK);
	assert_string_equal(said.s, "D-2026-0009: its current stage's step or route does not follow from its stages: "
	                    "the list and the board read it\n");
	free(said.s);
	store_close(s);
}

/* ---- the journal ---- */

static void test_records(void **state)
{
	struct fx *f = *state;
	struct dispute x, y;
	struct record r, *v;
	struct error err;
	size_t n;
	long long ids[4], other;
	char msg[256];

	dispute_fill(&x, "2026-03-01", "School", "Police", "2026-03-06");
	assert_int_equal(store_dispute_insert(f->s, &x, &err), ST_OK);
	dispute_fill(&y, "2026-03-01", "School", "Health", "2026-03-06");
	assert_int_equal(store_dispute_insert(f->s, &y, &err), ST_OK);

	record_init(&r);
	r.dispute_id = x.id;
	r.day = day_of("2026-03-02");
	r.minute = 10 * 60;
	r.kind = RK_CALL;
	r.stage = 1;
	r.author = xstrdup("J. Lead");
	r.text = xstrdup("Called the duty sergeant.\nNo answer.");
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
	ids[0] = r.id;
	assert_true(r.id > 0);
	assert_non_null(r.created);
	assert_int_equal(strlen(r.created), 20);
	assert_true(r.created[4] == '-' && r.created[10] == 'T' && r.created[19] == 'Z');
	record_free(&r);

	record_init(&r);
	r.dispute_id = x.id;
	r.day = day_of("2026-03-02");
	r.kind = RK_NOTE;
	r.stage = 1;
	r.text = xstrdup("Date-only note");
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
	ids[1] = r.id;
	record_free(&r);

	record_init(&r);
	r.dispute_id = x.id;
	r.day = day_of("2026-03-01");
	r.kind = RK_EVENT;
	r.stage = 1;
	r.text = xstrdup("Opened");
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
	ids[2] = r.id;
	record_free(&r);

	/* A correction of the first record. */
	record_init(&r);
	r.dispute_id = x.id;
	r.day = day_of("2026-03-03");
	r.kind = RK_NOTE;
	r.stage = 1;
	r.amends = ids[0];
	r.text = xstrdup("The call was at 10:30, not 10:00.");
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
	ids[3] = r.id;
	record_free(&r);

	/* A record of the other dispute. */
	record_init(&r);
	r.dispute_id = y.id;
	r.day = day_of("2026-03-02");
	r.kind = RK_EMAIL;
	r.stage = 1;
	r.text = xstrdup("Emailed the health visitor");
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
	other = r.id;
	record_free(&r);

	assert_int_equal(store_records_load(f->s, x.id, &v, &n, &err), ST_OK);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].id, ids[2]);
	assert_int_equal(v[0].kind, RK_EVENT);
	assert_string_equal(v[0].text, "Opened");
	assert_int_equal(v[1].id, ids[1]);
	assert_int_equal(v[1].minute, TIME_NONE);
	assert_null(v[1].author);
	assert_int_equal(v[2].id, ids[0]);
	assert_int_equal(v[2].day, day_of("2026-03-02"));
	assert_int_equal(v[2].minute, 600);
	assert_int_equal(v[2].kind, RK_CALL);
	assert_int_equal(v[2].stage, 1);
	assert_int_equal(v[2].dispute_id, x.id);
	assert_string_equal(v[2].author, "J. Lead");
	assert_string_equal(v[2].text, "Called the duty sergeant.\nNo answer.");
	assert_int_equal(v[2].amends, 0);
	assert_int_equal(v[3].id, ids[3]);
	assert_int_equal(v[3].amends, ids[0]);
	assert_non_null(v[3].created);
	for (size_t i = 0; i < n; i++)
		record_free(&v[i]);
	free(v);

	assert_int_equal(store_records_load(f->s, 999, &v, &n, &err), ST_OK);
	assert_int_equal(n, 0);
	assert_null(v);

	/* Amending another dispute's record, or no record at all, is refused. */
	record_init(&r);
	r.dispute_id = x.id;
	r.day = day_of("2026-03-03");
	r.kind = RK_NOTE;
	r.text = xstrdup("Wrong dispute");
	r.amends = other;
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_NOTFOUND);
	snprintf(msg, sizeof(msg), "record %lld is not a record of D-2026-0001", other);
	assert_string_equal(err.msg, msg);
	r.amends = 9999;
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_NOTFOUND);
	r.amends = 0;
	r.dispute_id = 9999;
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_NOTFOUND);
	assert_string_equal(err.msg, "no dispute with id 9999");
	record_free(&r);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM records"), 5);

	dispute_free(&x);
	dispute_free(&y);
}

static void test_records_append_only(void **state)
{
	struct fx *f = *state;
	struct record r;
	struct error err;
	char msg[256], sql[320];
	char ref[16];
	struct dispute d;

	insert_simple(f->s, "2026-03-01", "School", "Police", NULL, ref);
	insert_simple(f->s, "2026-03-01", "School", "Health", NULL, ref);
	record_init(&r);
	r.dispute_id = 1;
	r.day = day_of("2026-03-01");
	r.text = xstrdup("A note");
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
	record_free(&r);

	assert_int_equal(raw_exec(f->db, "UPDATE records SET text = 'rewritten'", msg, sizeof(msg)),
	                 SQLITE_CONSTRAINT);
	assert_string_equal(msg, "records are append-only: add a correcting record instead");
	assert_int_equal(raw_exec(f->db, "DELETE FROM records", msg, sizeof(msg)), SQLITE_CONSTRAINT);
	assert_string_equal(msg, "records are append-only: add a correcting record instead");
	/* A record is only written sealed. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO records(dispute_id, day, kind, stage, text, created)"
	                          " VALUES (1, '2026-03-02', 'note', 1, 'x', 'now')", msg, sizeof(msg)),
	                 SQLITE_CONSTRAINT);
	assert_string_equal(msg, "a record is written sealed, by dispute");
	/* REPLACE would delete the old row without the delete trigger. */
	assert_int_equal(raw_exec(f->db, "INSERT OR REPLACE INTO records(id, dispute_id, day, kind, stage, text,"
	                          " created, prev, hash) SELECT id, dispute_id, day, kind, stage, 'rewritten', created,"
	                          " prev, randomblob(32) FROM records WHERE id = 1", msg, sizeof(msg)),
	                 SQLITE_CONSTRAINT);
	assert_string_equal(msg, "records are append-only: a record id is never used twice");
	assert_int_equal(raw_exec(f->db, "REPLACE INTO disputes SELECT * FROM disputes WHERE id = 1", msg, sizeof(msg)),
	                 SQLITE_CONSTRAINT);
	assert_string_equal(msg, "a dispute is never replaced");
	assert_int_equal(raw_exec(f->db, "DELETE FROM disputes WHERE id = 2", msg, sizeof(msg)), SQLITE_CONSTRAINT);
	assert_string_equal(msg, "disputes are never deleted");
	assert_int_equal(raw_exec(f->db, "DELETE FROM stages", msg, sizeof(msg)), SQLITE_CONSTRAINT);
	assert_string_equal(msg, "stages are never deleted");
	/* The schema itself keeps amendments within their dispute. */
	snprintf(sql, sizeof(sql), "INSERT INTO records(dispute_id, day, kind, stage, text, amends, created, prev, hash)"
	         " VALUES (2, '2026-03-02', 'note', 1, 'x', 1, 'now', randomblob(32), randomblob(32))");
	assert_int_equal(raw_exec(f->db, sql, msg, sizeof(msg)), SQLITE_CONSTRAINT);
	assert_string_equal(msg, "a record can only amend a record of the same dispute");
	/* And the kinds. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO records(dispute_id, day, kind, stage, text, created, prev, hash)"
	                          " VALUES (1, '2026-03-02', 'gossip', 1, 'x', 'now', randomblob(32), randomblob(32))",
	                          msg, sizeof(msg)),
	                 SQLITE_CONSTRAINT);

	dispute_init(&d);
	assert_int_equal(store_dispute_load_id(f->s, 1, &d, &err), ST_OK);
	dispute_free(&d);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM records WHERE text = 'A note'"), 1);
}

/* ---- drafts, closures, agencies, contacts ---- */

/* A draft to store, its strings borrowed. */
static struct draft draft_of(long long id, enum record_kind kind, const char *text, const char *at, long long amends,
                             const char *hist, size_t hlen)
{
	struct draft d;

	draft_init(&d);
	d.dispute_id = id;
	d.kind = kind;
	d.text = (char *)text;
	d.at = (char *)at;
	d.amends = amends;
	d.history = (char *)hist;
	d.history_len = hlen;
	return d;
}

static void test_drafts(void **state)
{
	struct fx *f = *state;
	struct error err;
	struct draft got, put;
	struct record r;
	long long any;
	char ref[16];
	static const char blob[] = { 'T', 'E', 0, 'D', (char)0xff, 'H' };

	draft_init(&got);
	insert_simple(f->s, "2026-03-01", "School", "Police", NULL, ref);
	assert_int_equal(store_draft_get(f->s, 1, &got, &err), ST_OK);
	assert_null(got.text);
	assert_int_equal(store_draft_any(f->s, &any, &err), ST_OK);
	assert_int_equal(any, 0);

	put = draft_of(1, RK_CALL, "Typing during the call", "2026-03-02 10:05", 0, NULL, 0);
	assert_int_equal(store_draft_put(f->s, &put, &err), ST_OK);
	assert_int_equal(store_draft_get(f->s, 1, &got, &err), ST_OK);
	assert_int_equal(got.kind, RK_CALL);
	assert_string_equal(got.text, "Typing during the call");
	assert_string_equal(got.at, "2026-03-02 10:05");
	assert_int_equal(got.amends, 0);
	assert_null(got.history);
	/* The editor's history is kept byte for byte, NUL bytes and all. */
	record_init(&r);
	r.dispute_id = 1;
	assert_true(date_parse("2026-03-01", &r.day));
	r.kind = RK_NOTE;
	r.stage = 1;
	r.text = xstrdup("The note to correct");
	assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
	put = draft_of(1, RK_MEETING, "Typing during the call, more", NULL, r.id, blob, sizeof(blob));
	assert_int_equal(store_draft_put(f->s, &put, &err), ST_OK);
	assert_int_equal(store_draft_get(f->s, 1, &got, &err), ST_OK);
	assert_int_equal(got.kind, RK_MEETING);
	assert_string_equal(got.text, "Typing during the call, more");
	assert_null(got.at);
	assert_int_equal(got.amends, r.id);
	assert_int_equal(got.history_len, sizeof(blob));
	assert_memory_equal(got.history, blob, sizeof(blob));
	record_free(&r);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM drafts"), 1);
	assert_int_equal(store_draft_any(f->s, &any, &err), ST_OK);
	assert_int_equal(any, 1);

	/* A draft needs a stored dispute. */
	put = draft_of(77, RK_NOTE, "orphan", NULL, 0, NULL, 0);
	assert_int_equal(store_draft_put(f->s, &put, &err), ST_DB);

	assert_int_equal(store_draft_clear(f->s, 1, &err), ST_OK);
	assert_int_equal(store_draft_get(f->s, 1, &got, &err), ST_OK);
	assert_null(got.text);
	assert_int_equal(store_draft_any(f->s, &any, &err), ST_OK);
	assert_int_equal(any, 0);
	draft_free(&got);
}

struct closure_log {
	struct sb sb;
};

static int log_closure(long day, const char *reason, void *ctx)
{
	struct closure_log *l = ctx;
	char buf[11];

	sb_printf(&l->sb, "%s=%s;", date_format(day, buf), reason ? reason : "-");
	return 0;
}

static void test_closures(void **state)
{
	struct fx *f = *state;
	struct closure_log l = {{0}};
	struct error err;

	assert_int_equal(store_closure_add(f->s, day_of("2026-12-29"), "Office closed", &err), ST_OK);
	assert_int_equal(store_closure_add(f->s, day_of("2026-04-07"), NULL, &err), ST_OK);
	assert_int_equal(store_closure_add(f->s, day_of("2026-12-29"), "Christmas closure", &err), ST_OK);
	assert_int_equal(store_closures(f->s, log_closure, &l, &err), ST_OK);
	assert_string_equal(l.sb.s, "2026-04-07=-;2026-12-29=Christmas closure;");
	free(l.sb.s);
	l.sb = (struct sb){0};

	assert_int_equal(store_closure_remove(f->s, day_of("2026-04-07"), &err), ST_OK);
	assert_int_equal(store_closure_remove(f->s, day_of("2026-04-07"), &err), ST_NOTFOUND);
	assert_string_equal(err.msg, "2026-04-07 is not a closure day");
	assert_int_equal(store_closures(f->s, log_closure, &l, &err), ST_OK);
	assert_string_equal(l.sb.s, "2026-12-29=Christmas closure;");
	free(l.sb.s);
	assert_int_equal(store_closure_add(f->s, DATE_NONE, "x", &err), ST_INVALID);
}

static int log_agency(const char *name, void *ctx)
{
	struct sb *sb = ctx;

	sb_printf(sb, "%s;", name);
	return 0;
}

static void test_agencies_contacts(void **state)
{
	struct fx *f = *state;
	struct error err;
	long long a, b, c;
	struct sb sb = {0};
	struct contact k, *v;
	size_t n;

	assert_int_equal(store_agency_ensure(f->s, "Police", &a, NULL, &err), ST_OK);
	{
		char *spelling = NULL;

		/* The first spelling is kept and handed back. */
		assert_int_equal(store_agency_ensure(f->s, "POLICE", &b, &spelling, &err), ST_OK);
		assert_string_equal(spelling, "Police");
		free(spelling);
	}
	assert_int_equal(a, b);
	assert_int_equal(store_agency_ensure(f->s, "Children's Social Care", &c, NULL, &err), ST_OK);
	assert_true(c != a);
	assert_int_equal(store_agency_ensure(f->s, "", &c, NULL, &err), ST_INVALID);
	assert_int_equal(store_agency_ensure(f->s, NULL, &c, NULL, &err), ST_INVALID);
	assert_int_equal(store_agencies(f->s, log_agency, &sb, &err), ST_OK);
	assert_string_equal(sb.s, "Children's Social Care;Police;");
	free(sb.s);

	k = (struct contact){ .agency = (char *)"police", .name = (char *)"DS Smith", .role = (char *)"Sergeant",
	                      .email = (char *)"ds.smith@police.example", .phone = (char *)"01632 960001" };
	assert_int_equal(store_contact_insert(f->s, &k, &err), ST_OK);
	assert_true(k.id > 0);
	k = (struct contact){ .agency = (char *)"Riverside School", .name = (char *)"Mrs Head" };
	assert_int_equal(store_contact_insert(f->s, &k, &err), ST_OK);
	k = (struct contact){ .agency = (char *)"Police", .name = (char *)"" };
	assert_int_equal(store_contact_insert(f->s, &k, &err), ST_INVALID);

	assert_int_equal(store_contacts_load(f->s, NULL, &v, &n, &err), ST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].agency, "Police");
	assert_string_equal(v[0].name, "DS Smith");
	assert_string_equal(v[0].role, "Sergeant");
	assert_string_equal(v[0].email, "ds.smith@police.example");
	assert_string_equal(v[0].phone, "01632 960001");
	assert_string_equal(v[1].agency, "Riverside School");
	assert_null(v[1].role);
	for (size_t i = 0; i < n; i++)
		contact_free(&v[i]);
	free(v);

	assert_int_equal(store_contacts_load(f->s, "RIVERSIDE SCHOOL", &v, &n, &err), ST_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Mrs Head");
	contact_free(&v[0]);
	free(v);
	assert_int_equal(store_contacts_load(f->s, "Nobody", &v, &n, &err), ST_OK);
	assert_int_equal(n, 0);
}

/* ---- refusals ---- */

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Opens path in every mode and checks each is refused with the message
 * path + tail, leaving the file and its directory as they were. */
static void assert_refused(const char *path, enum status code, const char *tail)
{
	static const enum open_mode modes[] = { OPEN_READ, OPEN_WRITE, OPEN_CREATE };
	char *before, *after, *want = xasprintf("%s%s", path, tail);
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	char *journal = xasprintf("%s-journal", path);
	size_t blen, alen;

	before = slurp(path, &blen);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct store *s = NULL;
		struct error err;

		assert_int_equal(store_open(path, modes[i], &s, &err), code);
		assert_null(s);
		assert_string_equal(err.msg, want);
		after = slurp(path, &alen);
		assert_int_equal(alen, blen);
		assert_memory_equal(after, before, blen);
		free(after);
		assert_false(exists(wal));
		assert_false(exists(shm));
		assert_false(exists(journal));
	}
	free(before);
	free(want);
	free(wal);
	free(shm);
	free(journal);
}

/* A schema-1 database (tests/unit/fixtures/schema1.sql) is brought up to
 * date on open, its data kept and the new columns filled in. */
static int count_findings(const struct finding *f, void *ctx)
{
	(void)f;
	(*(int *)ctx)++;
	return 0;
}

static void test_migrate_from_1(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct list_filter lf;
	struct dispute d;
	struct error err;
	char *sql, ref[16], *uid = NULL;
	size_t len;

	sql = slurp("tests/unit/fixtures/schema1.sql", &len);
	assert_int_equal(raw_exec(f->db, sql, NULL, 0), SQLITE_OK);
	free(sql);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 1);

	assert_int_equal(store_open(f->db, OPEN_WRITE, &s, &err), ST_OK);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), store_schema_version());
	dispute_init(&d);
	assert_int_equal(store_dispute_load(s, "D-2026-0007", &d, &err), ST_OK);
	assert_int_equal(d.nstages, 2);
	assert_int_equal(d.stages[1].due, day_of("2026-11-13"));
	assert_int_equal(d.stages[0].limit_due, day_of("2026-11-09"));   /* migration 4 */
	assert_int_equal(d.stages[1].contact_id, 0);                      /* migration 2 */
	dispute_free(&d);
	assert_int_equal(store_meta_get(s, "uid", &uid, &err), ST_OK);
	assert_non_null(uid);
	assert_int_equal(strlen(uid), 16);
	free(uid);
	/* migration 3's order key: the open dispute first, then the closed one */
	list_filter_init(&lf);
	assert_list(s, &lf, "0007 0003");
	/* migration 7: the record written before is sealed, then each dispute
	 * has its state as it stood, sealed after it; the chain walks clean */
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM records WHERE length(hash) = 32 AND length(prev) = 32"), 3);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM records WHERE prev = zeroblob(32)"), 1);
	assert_string_equal_raw(f->db, "SELECT group_concat(dispute_id || ':' || kind || ':' || (state IS NOT NULL), ' ')"
	                        " FROM (SELECT * FROM records ORDER BY id)", "1:event:0 1:event:1 2:event:1");
	{
		struct journal_head head;
		int nfound = 0;

		assert_int_equal(store_check_chain(s, count_findings, &nfound, &head, &err), ST_OK);
		assert_int_equal(nfound, 0);
		assert_int_equal(head.records, 3);
		assert_int_equal(head.record, 3);
		assert_int_equal(strlen(head.hash), 64);
	}
	/* ...and the state it holds is the dispute's */
	{
		struct dispute replayed, stored;
		char *ev = raw_text(f->db, "SELECT state FROM records WHERE id = 2"), diff[256];

		dispute_init(&replayed);
		dispute_init(&stored);
		assert_int_equal(journal_apply(&replayed, ev, &err), ST_OK);
		assert_int_equal(store_dispute_load_id(s, 1, &stored, &err), ST_OK);
		assert_true(journal_same(&stored, &replayed, "stored", "replayed", diff, sizeof(diff)));
		dispute_free(&replayed);
		dispute_free(&stored);
		free(ev);
	}
	/* numbering carries on from the highest reference of the year */
	insert_simple(s, "2026-11-20", "Hillside Primary", "Police", "2026-11-27", ref);
	assert_string_equal(ref, "D-2026-0008");
	insert_simple(s, "2026-11-20", "Hillside Primary", "Police", "2026-11-27", ref);
	assert_string_equal(ref, "D-2026-0009");
	store_close(s);
}

/* Every row of table with the columns it has now, one line each in key
 * order: what a migration must carry forward.  Caller frees. */
static char *table_rows(const char *path, const char *table, const char *columns)
{
	struct sb expr = {0};
	char *cols = xstrdup(columns), *save = NULL, *sql, *got;

	for (char *c = strtok_r(cols, ",", &save); c; c = strtok_r(NULL, ",", &save))
		sb_printf(&expr, "%squote(%s)", expr.s ? " || ',' || " : "", c);
	sql = xasprintf("SELECT coalesce(group_concat(r, char(10)), '') FROM (SELECT %s AS r FROM %s ORDER BY 1)",
	                expr.s, table);
	got = raw_text(path, sql);
	free(sql);
	free(expr.s);
	free(cols);
	return got;
}

/* A schema-7 database written by the release before (the fixture is its
 * dump, tests/unit/fixtures/schema7-daily.sql) is carried forward whole: every
 * row of every table as it was, the journal still sealed and replayed,
 * the new lists empty (tests/cli/daily goes on to use them). */
static void test_migrate_from_7(void **state)
{
	static const char *const tables[] = { "agencies", "contacts", "disputes", "stages", "records", "closures",
	                                      "drafts", "meta" };
	struct fx *f = *state;
	char *before[8], *columns[8], *sql, first[256];
	struct verify_result vr;
	struct store *s;
	struct dispute d;
	struct error err;
	size_t len;

	sql = slurp("tests/unit/fixtures/schema7-daily.sql", &len);
	assert_int_equal(raw_exec(f->db, sql, NULL, 0), SQLITE_OK);
	free(sql);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 7);
	for (size_t i = 0; i < 8; i++) {
		sql = xasprintf("SELECT group_concat(name, ',') FROM pragma_table_info('%s')", tables[i]);
		columns[i] = raw_text(f->db, sql);
		free(sql);
		before[i] = table_rows(f->db, tables[i], columns[i]);
	}
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM records"), 16);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM disputes"), 4);

	assert_int_equal(store_open(f->db, OPEN_WRITE, &s, &err), ST_OK);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), store_schema_version());
	for (size_t i = 0; i < 8; i++) {
		/* meta gains one row: the store asks the service to work out
		 * the open disputes' whole process (protocols' migration) */
		char *after = table_rows(f->db, strcmp(tables[i], "meta") ? tables[i] :
		                         "meta WHERE key <> 'upgrade-process'", columns[i]);

		if (strcmp(before[i], after) != 0)
			fail_msg("%s changed in the migration:\nbefore: %s\nafter:  %s", tables[i], before[i], after);
		free(after);
	}
	assert_string_equal_raw(f->db, "SELECT value FROM meta WHERE key = 'upgrade-process'", "pending");
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM disputes WHERE owner IS NOT NULL"), 0);
	assert_int_equal(raw_int(f->db, "SELECT (SELECT count(*) FROM dispute_agencies) + (SELECT count(*) FROM "
	                         "dispute_subjects) + (SELECT count(*) FROM stage_counterparts) + (SELECT count(*) FROM "
	                         "actions_done) + (SELECT count(*) FROM record_details) + (SELECT count(*) FROM "
	                         "agency_closures)"), 0);

	/* The old disputes load as they were, with nothing of the new. */
	dispute_init(&d);
	assert_int_equal(store_dispute_load(s, "D-2026-0001", &d, &err), ST_OK);
	assert_int_equal(d.nstages, 2);
	assert_int_equal(d.stages[0].contact_id, 1);
	assert_int_equal(d.challenged, day_of("2026-11-06"));
	assert_null(d.owner);
	assert_int_equal(dispute_agency_count(&d), 1);
	assert_int_equal(dispute_subject_count(&d), 1);
	assert_int_equal(d.ndone + d.ndetails + d.ncounterparts, 0);
	dispute_free(&d);
	store_close(s);

	/* verify walks the chain sealed before and replays every dispute */
	assert_int_equal(svc_verify_file(f->db, &vr, first, &err), ST_OK);
	assert_string_equal(first, "");
	assert_int_equal(vr.findings, 0);
	assert_int_equal(vr.disputes, 4);
	assert_int_equal(vr.head.records, 16);
	for (size_t i = 0; i < 8; i++) {
		free(before[i]);
		free(columns[i]);
	}
}

/* A due date has one source, the stages: the dispute's current stage, its
 * running due date and the list's order key follow them, whoever writes
 * the stages, and the store never writes those columns itself. */
/* The list's kept counts, day by day, leaving out days no dispute is on. */
#define COUNTS "SELECT group_concat(prefix || '=' || n, ' ') FROM (SELECT * FROM list_counts WHERE n > 0 ORDER BY prefix)"
/* The board's kept counts of deadlines by day, time of day (the whole day
 * left out) and kind; none kept at zero. */
#define DL_COUNTS "SELECT coalesce(group_concat(day || CASE minute WHEN 1440 THEN '' ELSE ' ' || minute END" \
	" || ' ' || kind || '=' || n, ' '), '') FROM (SELECT * FROM deadline_counts ORDER BY day, minute, kind)"

static void test_derived_from_stages(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct dispute d;
	struct error err;
	char ref[16];

	assert_int_equal(store_open(f->db, OPEN_CREATE, &s, &err), ST_OK);
	insert_simple(s, "2026-11-02", "Hillside Primary", "Police", "2026-11-09", ref);
	assert_int_equal(raw_int(f->db, "SELECT current_stage FROM disputes"), 1);
	assert_string_equal_raw(f->db, "SELECT current_due || ' ' || list_key FROM disputes",
	                        "2026-11-09 02026-11-09D-2026-0001");
	assert_string_equal_raw(f->db, COUNTS, "02026-11-09=1");
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-11-09 stage=1");
	/* A second stage (as escalating writes it): current stage and due follow. */
	dispute_init(&d);
	assert_int_equal(store_dispute_load(s, ref, &d, &err), ST_OK);
	d.stages[0].ended = day_of("2026-11-06");
	d.stages[0].how = SE_ESCALATED;
	d.stages = xrealloc(d.stages, 2 * sizeof(*d.stages));
	d.nstages = 2;
	d.current_stage = 2;
	memset(&d.stages[1], 0, sizeof(d.stages[1]));
	d.stages[1].number = 2;
	d.stages[1].started = day_of("2026-11-06");
	d.stages[1].due = day_of("2026-11-13");
	d.stages[1].limit_due = day_of("2026-11-13");
	d.stages[1].due_minute = TIME_NONE;
	d.stages[1].ended = DATE_NONE;
	d.stages[1].response_due = d.stages[1].then_due = d.stages[1].follow_up = DATE_NONE;
	d.stages[1].then_minute = TIME_NONE;
	assert_int_equal(store_dispute_update(s, &d, &err), ST_OK);
	assert_int_equal(raw_int(f->db, "SELECT current_stage FROM disputes"), 2);
	assert_string_equal_raw(f->db, "SELECT current_due || ' ' || list_key FROM disputes",
	                        "2026-11-13 02026-11-13D-2026-0001");
	assert_string_equal_raw(f->db, COUNTS, "02026-11-13=1");
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-11-13 stage=1");
	/* Closing it: no running due date, and the closed part of the order. */
	d.status = DS_RESOLVED;
	d.closed = day_of("2026-11-10");
	d.outcome = xstrdup("Agreed");
	d.stages[1].ended = d.closed;
	d.stages[1].how = SE_RESOLVED;
	assert_int_equal(store_dispute_update(s, &d, &err), ST_OK);
	assert_int_equal(raw_int(f->db, "SELECT current_due IS NULL FROM disputes"), 1);
	assert_string_equal_raw(f->db, "SELECT list_key FROM disputes", "179738889D-2026-0001");
	assert_string_equal_raw(f->db, COUNTS, "179738889=1");
	assert_string_equal_raw(f->db, DL_COUNTS, "");
	dispute_free(&d);
	/* Another program's change to a stage carries through too. */
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET status = 'open', closed = NULL, outcome = NULL;"
	                          "UPDATE stages SET due = '2026-12-01', ended = NULL, how = NULL WHERE number = 2",
	                          NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, "SELECT current_due FROM disputes", "2026-12-01");
	assert_string_equal_raw(f->db, COUNTS, "02026-12-01=1");
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-12-01 stage=1");
	/* Each kind of deadline counts on its day, a dispute's while it is open. */
	assert_int_equal(raw_exec(f->db, "UPDATE stages SET then_due = '2026-11-30', then_minute = 600 WHERE number = 2;"
	                          "UPDATE disputes SET process_due = '2026-12-04', inform_due = '2026-11-27'",
	                          NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, DL_COUNTS,
	                        "2026-11-27 inform=1 2026-11-30 600 then=1 2026-12-01 stage=1 2026-12-04 process=1");
	/* the soonest, with its time of day (the inform is the board's alone) */
	assert_string_equal_raw(f->db, "SELECT current_due || ' ' || current_minute FROM disputes", "2026-11-30 600");
	assert_int_equal(raw_exec(f->db, "UPDATE stages SET due = '2026-11-30', due_minute = 540 WHERE number = 2",
	                          NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, "SELECT current_due || ' ' || current_minute FROM disputes", "2026-11-30 540");
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-11-27 inform=1 2026-11-30 540 stage=1 2026-11-30 600 then=1 "
	                        "2026-12-04 process=1");
	assert_int_equal(raw_exec(f->db, "UPDATE stages SET due = '2026-12-01', due_minute = NULL WHERE number = 2",
	                          NULL, 0), SQLITE_OK);
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET inform_due = NULL; UPDATE stages SET then_due = NULL,"
	                          " then_minute = NULL, due = NULL, follow_up = '2026-11-28' WHERE number = 2",
	                          NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-11-28 follow-up=1 2026-12-04 process=1");
	assert_string_equal_raw(f->db, "SELECT current_due || ' ' || coalesce(current_minute, 'all day') FROM disputes",
	                        "2026-11-28 all day");
	assert_int_equal(raw_exec(f->db, "UPDATE stages SET due = '2026-12-01', follow_up = NULL WHERE number = 2;"
	                          "UPDATE disputes SET process_due = NULL", NULL, 0), SQLITE_OK);
	/* A second dispute due the same day counts on the same day. */
	insert_simple(s, "2026-11-24", "Hillside Primary", "Police", "2026-12-01", ref);
	assert_string_equal_raw(f->db, COUNTS, "02026-12-01=2");
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-12-01 stage=2");
	/* A record's follow-up still to do counts while its dispute is open:
	 * set, moved, its dispute closed and opened again, then done. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO record_details(record_id, dispute_id, next, next_due)"
	                          " VALUES (1, 1, 'Call back', '2026-11-30')", NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-11-30 next=1 2026-12-01 stage=2");
	assert_int_equal(raw_exec(f->db, "UPDATE record_details SET next_due = '2026-12-02'", NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-12-01 stage=2 2026-12-02 next=1");
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET status = 'withdrawn', closed = '2026-11-27',"
	                          " outcome = 'x' WHERE id = 1", NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-12-01 stage=2");
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET status = 'open', closed = NULL, outcome = NULL WHERE id = 1",
	                          NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-12-01 stage=2 2026-12-02 next=1");
	assert_int_equal(raw_exec(f->db, "UPDATE record_details SET done = '2026-11-27'", NULL, 0), SQLITE_OK);
	assert_string_equal_raw(f->db, DL_COUNTS, "2026-12-01 stage=2");
	store_close(s);
}

static void test_refuse_text_file(void **state)
{
	struct fx *f = *state;
	static const char text[] = "date,division,title\n2026-01-01,england-and-wales,New Year\n";

	write_file(f->db, text, sizeof(text) - 1);
	assert_refused(f->db, ST_REFUSED, " is not a dispute database (not an SQLite file)");
	write_file(f->db, "SQLite", 6);
	assert_refused(f->db, ST_REFUSED, " is not a dispute database (not an SQLite file)");
}

static void test_refuse_directory(void **state)
{
	struct fx *f = *state;
	struct store *s = NULL;
	struct error err;

	assert_int_equal(store_open(f->dir, OPEN_CREATE, &s, &err), ST_REFUSED);
	assert_non_null(strstr(err.msg, "not a regular file"));
}

static void test_refuse_foreign(void **state)
{
	struct fx *f = *state;

	assert_int_equal(raw_exec(f->db, "CREATE TABLE notes(x); INSERT INTO notes VALUES ('mine')", NULL, 0),
	                 SQLITE_OK);
	assert_refused(f->db, ST_REFUSED, " is an SQLite database but not a dispute database");
	/* Another program's file with a schema version of its own. */
	assert_int_equal(raw_exec(f->db, "PRAGMA user_version = 1", NULL, 0), SQLITE_OK);
	assert_refused(f->db, ST_REFUSED, " is an SQLite database but not a dispute database");
}

static void test_refuse_newer(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct error err;
	char *tail;

	assert_int_equal(store_open(f->db, OPEN_CREATE, &s, &err), ST_OK);
	store_close(s);
	assert_int_equal(raw_exec(f->db, "PRAGMA user_version = 99", NULL, 0), SQLITE_OK);
	tail = xasprintf(" was written by a newer dispute (schema 99; this program knows %d)",
	                 store_schema_version());

	assert_refused(f->db, ST_REFUSED, tail);
	free(tail);
}

static void test_refuse_corrupt(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct error err;
	char *buf;
	size_t len;

	/* A real dispute database (in rollback mode, so that nothing but the
	 * file is involved) with everything after its 100-byte header lost. */
	assert_int_equal(store_open(f->db, OPEN_CREATE, &s, &err), ST_OK);
	store_close(s);
	assert_int_equal(raw_exec(f->db, "PRAGMA journal_mode = DELETE", NULL, 0), SQLITE_OK);
	buf = slurp(f->db, &len);
	assert_true(len > 1024);
	memset(buf + 100, 0xAB, len - 100);
	write_file(f->db, buf, len);
	free(buf);
	assert_refused(f->db, ST_DB, " is damaged and cannot be read (database disk image is malformed)");

	/* Cut short inside the header. */
	write_file(f->db, "SQLite format 3\0\1\0", 18);
	assert_refused(f->db, ST_DB, " is damaged and cannot be read (it is cut short)");
}

/* A journal cut to 0 bytes must not pass for a new, empty database: only
 * `dispute init` makes an empty file a database. */
static void test_empty_file(void **state)
{
	static const enum open_mode refused[] = { OPEN_READ, OPEN_WRITE, OPEN_CREATE };
	struct fx *f = *state;
	struct store *s;
	struct error err;
	struct stat st;
	char *want = xasprintf("no database at %s: the file is empty (if it held a journal, restore a backup with "
	                       "'dispute restore')", f->db);

	write_file(f->db, "", 0);
	chmod(f->db, 0640);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		s = NULL;
		assert_int_equal(store_open(f->db, refused[i], &s, &err), ST_NOTFOUND);
		assert_null(s);
		assert_string_equal(err.msg, want);
		assert_int_equal(err.mend, MEND_INIT);
		assert_int_equal(stat(f->db, &st), 0);
		assert_int_equal(st.st_size, 0);
	}
	assert_int_equal(store_open(f->db, OPEN_INIT, &s, &err), ST_OK);
	store_close(s);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), store_schema_version());
	/* The permissions of an existing file are the user's business (the
	 * service warns about them). */
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	free(want);
}

/* A command that only reads never writes the file, not even to upgrade it. */
static void test_read_never_migrates(void **state)
{
	struct fx *f = *state;
	struct store *s = NULL;
	struct error err;
	char *sql, *want;
	size_t len;

	sql = slurp("tests/unit/fixtures/schema1.sql", &len);
	assert_int_equal(raw_exec(f->db, sql, NULL, 0), SQLITE_OK);
	free(sql);
	want = xasprintf("%s was written by an older dispute (schema 1 of %d)", f->db, store_schema_version());
	assert_int_equal(store_open(f->db, OPEN_READ, &s, &err), ST_REFUSED);
	assert_null(s);
	assert_string_equal(err.msg, want);
	assert_int_equal(err.mend, MEND_UPGRADE);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 1);
	free(want);
}

static void test_read_only(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct dispute d;
	struct error err;
	long long id;
	char ref[16], *want;

	assert_int_equal(store_open(f->db, OPEN_CREATE, &s, &err), ST_OK);
	insert_simple(s, "2026-03-01", "School", "Police", NULL, ref);
	store_close(s);

	assert_int_equal(store_open(f->db, OPEN_READ, &s, &err), ST_OK);
	dispute_init(&d);
	assert_int_equal(store_dispute_load(s, "D-2026-0001", &d, &err), ST_OK);
	want = xasprintf("%s is read-only; nothing was saved", f->db);
	assert_int_equal(store_agency_ensure(s, "Health", &id, NULL, &err), ST_IO);
	assert_string_equal(err.msg, want);
	assert_int_equal(store_dispute_update(s, &d, &err), ST_IO);
	assert_string_equal(err.msg, want);
	assert_int_equal(store_begin(s, &err), ST_IO);
	assert_string_equal(err.msg, want);
	dispute_free(&d);
	store_close(s);
	free(want);

	/* Root writes through file modes; anyone else meets them on open. */
	if (geteuid() != 0) {
		chmod(f->db, 0400);
		want = xasprintf("%s is read-only", f->db);
		assert_int_equal(store_open(f->db, OPEN_WRITE, &s, &err), ST_IO);
		assert_string_equal(err.msg, want);
		free(want);
	}
}

static void test_locked(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct error err;
	sqlite3 *db;
	long long id;
	char *want = xasprintf("%s is locked by another program; try again", f->db);

	assert_int_equal(store_open(f->db, OPEN_CREATE, &s, &err), ST_OK);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_agency_ensure(s, "Police", &id, NULL, &err), ST_BUSY);
	assert_string_equal(err.msg, want);
	assert_int_equal(store_begin(s, &err), ST_BUSY);
	assert_string_equal(err.msg, want);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_agency_ensure(s, "Police", &id, NULL, &err), ST_OK);
	store_close(s);
	sqlite3_close(db);

	/* A database still in rollback mode, locked while being set up. */
	unlink(f->db);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE; CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	s = NULL;
	assert_int_equal(store_open(f->db, OPEN_INIT, &s, &err), ST_BUSY);
	assert_null(s);
	assert_string_equal(err.msg, want);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	free(want);
}

/* ---- paths ---- */

static void test_paths_read_file(void **state)
{
	struct fx *f = *state;
	struct error err;
	char *path = xasprintf("%s/holidays.csv", f->dir), *buf;
	size_t len;

	write_file(path, "a,b\n1,2\n", 8);
	assert_int_equal(paths_read_file(path, 8, &buf, &len, &err), ST_OK);
	assert_int_equal(len, 8);
	assert_string_equal(buf, "a,b\n1,2\n");
	free(buf);
	assert_int_equal(paths_read_file(path, 7, &buf, &len, &err), ST_INVALID);
	assert_null(buf);
	assert_non_null(strstr(err.msg, "is too large"));
	assert_int_equal(paths_read_file(f->dir, 100, &buf, &len, &err), ST_INVALID);
	assert_non_null(strstr(err.msg, "is not a regular file"));
	write_file(path, "", 0);
	assert_int_equal(paths_read_file(path, 100, &buf, &len, &err), ST_OK);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	unlink(path);
	assert_int_equal(paths_read_file(path, 100, &buf, &len, &err), ST_NOTFOUND);
	free(path);
}

/* Entries in dir, "." and ".." left out. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* What --to may write over: a new name always; a regular file only when
 * told to replace it; never a directory, a FIFO or a symbolic link.  The
 * user's own settings (PATHS_OWN) are replaced as they are. */
static void test_paths_target(void **state)
{
	struct fx *f = *state;
	struct error err;
	char *file = xasprintf("%s/d1.ics", f->dir), *fresh = xasprintf("%s/new.ics", f->dir);
	char *fifo = xasprintf("%s/fifo", f->dir), *link = xasprintf("%s/link.ics", f->dir);
	char *under = xasprintf("%s/d1.ics/x.ics", f->dir), *tmp, *text;
	size_t len;
	FILE *fp;

	write_file(file, "keep me", 7);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink(file, link), 0);

	assert_int_equal(paths_target_check(fresh, PATHS_NEW, &err), ST_OK);
	assert_int_equal(paths_target_check(fresh, PATHS_REPLACE, &err), ST_OK);
	error_clear(&err);
	assert_int_equal(paths_target_check(file, PATHS_NEW, &err), ST_REFUSED);
	assert_int_equal(err.mend, MEND_FORCE);
	assert_non_null(strstr(err.msg, "d1.ics exists"));
	assert_int_equal(paths_target_check(file, PATHS_REPLACE, &err), ST_OK);
	for (int mode = PATHS_NEW; mode <= PATHS_REPLACE; mode++) {
		const char *not_files[] = { f->dir, fifo, link, "/dev/null" };

		for (size_t i = 0; i < sizeof(not_files) / sizeof(not_files[0]); i++) {
			error_clear(&err);
			assert_int_equal(paths_target_check(not_files[i], (enum paths_mode)mode, &err), ST_INVALID);
			assert_non_null(strstr(err.msg, "is not a regular file; nothing was written"));
			assert_int_equal(err.mend, MEND_NONE);
		}
	}
	assert_int_equal(paths_target_check(under, PATHS_NEW, &err), ST_IO);
	assert_int_equal(paths_target_check(f->dir, PATHS_OWN, &err), ST_OK);

	/* A file that takes the name between the check and the commit is
	 * kept: the new one is not linked over it, and goes. */
	assert_non_null(fp = paths_tmp_open(fresh, &tmp, &err));
	fputs("the invite", fp);
	write_file(fresh, "made meanwhile", 14);
	error_clear(&err);
	assert_int_equal(paths_tmp_close(fp, tmp, fresh, PATHS_NEW, ST_OK, &err), ST_REFUSED);
	assert_int_equal(err.mend, MEND_FORCE);
	assert_int_equal(paths_read_file(fresh, 100, &text, &len, &err), ST_OK);
	assert_string_equal(text, "made meanwhile");
	free(text);
	/* Written with PATHS_REPLACE it is replaced, whole. */
	assert_int_equal(paths_write_private(fresh, "the invite", 10, PATHS_REPLACE, &err), ST_OK);
	assert_int_equal(paths_read_file(fresh, 100, &text, &len, &err), ST_OK);
	assert_string_equal(text, "the invite");
	free(text);
	/* And a FIFO is never replaced, nor waited on. */
	assert_int_equal(paths_write_private(fifo, "x", 1, PATHS_REPLACE, &err), ST_INVALID);
	/* No temporary file is left of any of it: d1.ics, fifo, link.ics, new.ics. */
	assert_int_equal(count_entries(f->dir), 4);
	free(file);
	free(fresh);
	free(fifo);
	free(link);
	free(under);
}

static void test_paths_dirs(void **state)
{
	struct fx *f = *state;
	struct error err;
	struct stat st;
	char *p, *deep = xasprintf("%s/x//y/z/", f->dir), *file = xasprintf("%s/plain", f->dir);
	char *under_file = xasprintf("%s/plain/sub", f->dir);

	assert_int_equal(paths_mkdir_private(deep, &err), ST_OK);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(paths_mkdir_private(deep, &err), ST_OK);
	write_file(file, "x", 1);
	assert_int_equal(paths_mkdir_private(under_file, &err), ST_IO);

	unsetenv("DISPUTE_DB");
	unsetenv("XDG_CONFIG_HOME");
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	p = paths_db_default(&err);
	assert_string_equal(p, "/xdg/data/dispute/disputes.db");
	free(p);
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/home/lead", 1);
	p = paths_db_default(&err);
	assert_string_equal(p, "/home/lead/.local/share/dispute/disputes.db");
	free(p);
	setenv("DISPUTE_DB", "/srv/d.db", 1);
	p = paths_db_default(&err);
	assert_string_equal(p, "/srv/d.db");
	free(p);
	unsetenv("DISPUTE_DB");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_null(paths_db_default(&err));
	assert_int_equal(err.code, ST_USAGE);
	assert_null(paths_config_dir());
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	p = paths_config_dir();
	assert_string_equal(p, "/xdg/config/dispute");
	free(p);
	unsetenv("XDG_CONFIG_HOME");

	setenv("DISPUTE_DATADIR", "/opt/dispute-data", 1);
	p = paths_data_dir();
	assert_string_equal(p, "/opt/dispute-data");
	free(p);
	unsetenv("DISPUTE_DATADIR");
	p = paths_data_dir();
	assert_non_null(p);
	free(p);

	free(deep);
	free(file);
	free(under_file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_7, setup, teardown),
		cmocka_unit_test_setup_teardown(test_derived_from_stages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_and_foreign_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dispute_roundtrip, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_references, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_update, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_list_windows, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_list_lists, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_list_brief, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_records_append_only, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_drafts, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_closures, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_agencies_contacts, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_text_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_never_migrates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_read_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_dirs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
