/* The workbench state: windowed loading from the store, layout, key dispatch and drawing of the whole screen. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "editor.h"
#include "form.h"
#include "pane.h"
#include "dispute/protocol.h"
#include "dispute/text.h"
#include "view_invite.h"
#include "view_report.h"

static const struct pane_ops *const panes[PANE_COUNT] = {
	&pane_list_ops,
	&pane_timeline_ops,
	&pane_records_ops,
	&pane_board_ops,
};

void app_status(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
	a->status_error = error;
}

void app_error(struct app *a, const struct error *err)
{
	app_status(a, true, "%s%s", err->msg[0] ? err->msg : status_name(err->code),
	           err->mend == MEND_VERIFY ? ": run dispute verify in a shell"
	           : err->mend == MEND_SENDMAIL ? ": set one with dispute config --sendmail 'msmtp -t', or w writes files"
	           : "");
}

static const struct protocol *app_protocol(struct app *a, const char *id)
{
	return id ? protocol_set_find(&a->c->protocols, id) : NULL;
}

/* Replaces *field with its sanitized copy. */
static void sanitize_field(char **field, bool keep_newlines)
{
	char *clean;

	if (!*field)
		return;
	clean = text_sanitize(*field, keep_newlines);
	free(*field);
	*field = clean;
}

static void row_free(struct list_row *r)
{
	free(r->against);
	free(r->category);
	free(r->next);
	memset(r, 0, sizeof(*r));
}

static void rows_free(struct list_row *rows, int n)
{
	for (int i = 0; i < n; i++)
		row_free(&rows[i]);
	free(rows);
}

static void row_fill(struct app *a, struct list_row *r, const struct dispute *d)
{
	const struct protocol *p = app_protocol(a, d->protocol);
	const struct stage *st = dispute_current(d);
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	r->id = d->id;
	snprintf(r->ref, sizeof(r->ref), "%s", d->reference);
	r->against = text_sanitize(d->against ? d->against : "", false);
	r->category = text_sanitize(d->category ? d->category : "", false);
	if (p)
		dispute_rules(p, d, &n);
	r->stage = st ? stage_step(st) : d->current_stage;
	r->nstages = (int)n;
	r->urgent = d->urgent;
	r->challenged = d->challenged != DATE_NONE;
	r->draft = d->has_draft;
	r->status = d->status;
	/* the soonest of its deadlines: the stage's, or whichever comes first */
	r->left = dispute_left(d, p, &a->c->cal, a->c->today, a->c->now_minute);
	r->what = r->left.what;
	r->due = d->status == DS_OPEN ? r->left.due : DATE_NONE;
	r->due_minute = d->status == DS_OPEN ? r->left.due_minute : TIME_NONE;
	r->nagainst = (int)dispute_agency_count(d);
}

/* A row of the board: one deadline of the dispute. */
static void row_fill_deadline(struct app *a, struct list_row *r, const struct dispute *d, const struct deadline *dl)
{
	const struct protocol *p = app_protocol(a, d->protocol);

	row_fill(a, r, d);
	if (dl->kind == DL_NONE)
		return;         /* no limit set: as the list says it */
	r->what = dl->kind;
	r->due = dl->due;
	r->due_minute = dl->minute;
	r->left = deadline_left(d, p, &a->c->cal, dl, a->c->today, a->c->now_minute);
	if (dl->kind != DL_STAGE)
		deadline_describe(p, d, dl, true, r->what_text, sizeof(r->what_text));
}

/* A follow-up on the board: its dispute's row, with the follow-up's date,
 * where it stands and what it is. */
static int followup_collect(const struct due_item *it, void *ctx)
{
	struct app *a = ctx;
	struct board_state *b = &a->board;
	const struct protocol *p;
	struct list_row *r;

	if (!it->followup)
		return 0;
	b->rows[BOARD_FOLLOWUP] = xrealloc(b->rows[BOARD_FOLLOWUP],
	                                   (size_t)(b->nrows[BOARD_FOLLOWUP] + 1) * sizeof(*b->rows[BOARD_FOLLOWUP]));
	r = &b->rows[BOARD_FOLLOWUP][b->nrows[BOARD_FOLLOWUP]++];
	row_fill(a, r, it->d);
	p = app_protocol(a, it->d->protocol);
	r->due = it->due;
	r->due_minute = TIME_NONE;
	r->left = dispute_left_at(it->d, p, &a->c->cal, it->due, TIME_NONE, a->c->today, a->c->now_minute);
	r->record = it->followup->record;
	r->next = text_sanitize(it->followup->next, false);
	return 0;
}

struct row_sink {
	struct app *a;
	struct list_row *rows;
	int n, cap;
};

static int row_collect(const struct dispute *d, void *ctx)
{
	struct row_sink *k = ctx;

	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->rows = xrealloc(k->rows, (size_t)k->cap * sizeof(*k->rows));
	}
	row_fill(k->a, &k->rows[k->n++], d);
	return 0;
}

/* Lists f into a new array of rows; on error the status line says why. */
static int rows_load(struct app *a, const struct list_filter *f, struct list_row **out)
{
	struct row_sink k = { a, NULL, 0, 0 };
	struct error err;

	error_clear(&err);
	if (svc_list(a->c, f, row_collect, &k, &err) != ST_OK)
		app_error(a, &err);
	*out = k.rows;
	return k.n;
}

static void list_filter_fill(struct app *a, struct list_filter *f)
{
	list_filter_init(f);
	f->which = a->list.which;
	f->order = a->list.order;
	f->search = a->list.search;
}

/* Loads the window [top, top + page) of the list. */
static void list_load_page(struct app *a)
{
	struct list_filter f;

	rows_free(a->list.rows, a->list.nrows);
	a->list.rows = NULL;
	a->list.nrows = 0;
	if (a->list.page <= 0)
		return;
	list_filter_fill(a, &f);
	f.offset = a->list.top;
	f.limit = a->list.page;
	f.rows_only = true;     /* row_fill reads no more */
	a->list.nrows = rows_load(a, &f, &a->list.rows);
}

static void list_clamp(struct app *a)
{
	struct list_state *l = &a->list;

	if (l->sel >= l->total)
		l->sel = l->total - 1;
	if (l->sel < 0)
		l->sel = 0;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->page > 0 && l->sel >= l->top + l->page)
		l->top = l->sel - l->page + 1;
	if (l->page > 0 && l->top > l->total - l->page)
		l->top = l->total - l->page;
	if (l->top < 0)
		l->top = 0;
}

/* Counts the list, and with a search what the filter leaves out of what
 * it finds. */
static void list_count(struct app *a)
{
	struct list_filter f;
	struct error err;
	int total = 0, all = 0;

	error_clear(&err);
	list_filter_fill(a, &f);
	a->list.counting = false;
	if (svc_count(a->c, &f, &total, &err) != ST_OK)
		app_error(a, &err);
	a->list.total = total;
	/* A search covers closed disputes too: what the filter hides of
	 * what it finds is counted, for the list to say. */
	a->list.outside = 0;
	if (a->list.search && f.which != LIST_ALL) {
		f.which = LIST_ALL;
		if (svc_count(a->c, &f, &all, &err) != ST_OK)
			app_error(a, &err);
		a->list.outside = all > total ? all - total : 0;
	}
}

void app_reload_list(struct app *a)
{
	list_count(a);
	list_clamp(a);
	list_load_page(a);
}

/* The count a search's first page went without, now: at the first moment
 * nothing is typed (app_idle), or before a key that may need it. */
static void list_count_now(struct app *a)
{
	if (!a->list.counting)
		return;
	list_count(a);
	list_clamp(a);
	if (a->list.search)
		app_search_status(a);
}

bool app_waiting(const struct app *a)
{
	return a->list.counting;
}

unsigned app_idle(struct app *a)
{
	if (!a->list.counting)
		return APP_NONE;
	list_count_now(a);
	return APP_REDRAW;
}

void app_outside_text(const struct app *a, char *out, size_t outlen)
{
	*out = '\0';
	if (a->list.search && a->list.outside > 0)
		snprintf(out, outlen, "%d more in %s disputes (f shows them)", a->list.outside,
		         a->list.which == LIST_OPEN ? "closed" : "open");
}

/* Puts the board's deadlines into their bucket as they are read. */
struct board_sink {
	struct app *a;
	int bucket;
};

/* The running deadlines of one bucket of the board, as a filter: passed
 * (a timed deadline earlier today included), due today and not yet
 * passed, due in the next seven days, later (and the open disputes with no
 * limit).  The store counts each from its kept counts by day and reads its
 * first rows from the indexes of each kind of deadline. */
static void board_filter(struct app *a, int bucket, struct deadline_filter *f)
{
	long today = a->c->today;

	deadline_filter_init(f, today);
	switch (bucket) {
	case BOARD_OVERDUE:
		f->before = today + 1;
		f->passed_on = today;
		f->passed_minute = a->c->now_minute;
		break;
	case BOARD_TODAY:
		f->from = today;
		f->before = today + 1;
		f->passed_on = today;
		f->passed_minute = a->c->now_minute;
		f->passed_not = true;
		break;
	case BOARD_WEEK:
		f->from = today + 1;
		f->before = today + 8;
		break;
	default:
		f->from = today + 8;
		break;
	}
}

static int board_collect(const struct dispute *d, const struct deadline *dl, void *ctx)
{
	struct board_sink *k = ctx;
	struct board_state *b = &k->a->board;

	b->rows[k->bucket] = xrealloc(b->rows[k->bucket], (size_t)(b->nrows[k->bucket] + 1) * sizeof(**b->rows));
	row_fill_deadline(k->a, &b->rows[k->bucket][b->nrows[k->bucket]++], d, dl);
	return 0;
}

/* The board: each running deadline of the open disputes (a stage's due
 * date, a second timescale, a sub-deadline, a follow-up, the whole
 * process, the day's `inform`), in buckets by when it falls; the header
 * counts the disputes.  Every count comes from kept counts and small
 * indexes, and no more rows are read than the pane shows: the first
 * screen reads the same whatever the number of open disputes. */
static void app_reload_board(struct app *a)
{
	struct board_state *b = &a->board;
	long today = a->c->today;
	int want = a->pane_rect[PANE_BOARD].h > 0 ? a->pane_rect[PANE_BOARD].h : 20;
	struct list_filter open;
	struct error err;

	error_clear(&err);
	list_filter_init(&open);
	open.which = LIST_OPEN;
	if (svc_count(a->c, &open, &b->open_total, &err) != ST_OK)
		app_error(a, &err);
	open.overdue_on = today;
	open.overdue_minute = a->c->now_minute;
	if (svc_count(a->c, &open, &b->overdue, &err) != ST_OK)
		app_error(a, &err);
	list_filter_init(&open);
	open.due_before = today + 1;
	if (svc_count(a->c, &open, &b->due_today, &err) != ST_OK)
		app_error(a, &err);
	b->due_today -= b->overdue;
	for (int i = 0; i < BOARD_COUNT; i++) {
		rows_free(b->rows[i], b->nrows[i]);
		b->rows[i] = NULL;
		b->nrows[i] = 0;
		b->count[i] = 0;
	}
	for (int i = 0; i < BOARD_FOLLOWUP; i++) {
		struct deadline_filter f;
		struct board_sink k = { a, i };

		board_filter(a, i, &f);
		error_clear(&err);
		if (svc_deadline_count(a->c, &f, &b->count[i], &err) != ST_OK)
			app_error(a, &err);
		if (b->count[i] == 0)
			continue;
		/* No more rows than the pane can show. */
		f.limit = want;
		error_clear(&err);
		if (svc_deadlines(a->c, &f, board_collect, &k, &err) != ST_OK)
			app_error(a, &err);
	}
	/* Follow-ups due today or before, in their own section: counted and
	 * read from the index of the follow-ups still to do, never from the
	 * open disputes. */
	error_clear(&err);
	if (svc_followups_due(a->c, a->c->today + 1, want, followup_collect, a, &b->count[BOARD_FOLLOWUP], &err) !=
	    ST_OK)
		app_error(a, &err);
}

static void detail_free(struct detail_state *dt)
{
	if (dt->loaded)
		dispute_free(&dt->d);
	for (size_t i = 0; i < dt->nrecords; i++) {
		record_free(&dt->records[i]);
		if (dt->rec_marks)
			free(dt->rec_marks[i]);
	}
	free(dt->records);
	free(dt->rec_marks);
	free(dt->rec_nmarks);
	free(dt->summary_marks);
	free(dt->rec_line);
	lines_free(&dt->journal);
	memset(dt, 0, sizeof(*dt));
	dispute_init(&dt->d);
}

static void detail_fill(struct app *a, struct dispute *d, struct record *recs, size_t n);

void app_select(struct app *a, const char *ref)
{
	struct detail_state *dt = &a->detail;
	struct dispute d;
	struct record *recs = NULL;
	size_t n = 0;
	struct error err;
	char keep[16];

	if (ref)
		snprintf(keep, sizeof(keep), "%s", ref);
	detail_free(dt);
	if (!ref || !*keep)
		return;
	error_clear(&err);
	dispute_init(&d);
	if (svc_load(a->c, keep, &d, &recs, &n, &err) != ST_OK) {
		dispute_free(&d);
		app_error(a, &err);
		return;
	}
	detail_fill(a, &d, recs, n);
}

/* Where the search matched in the selected dispute, as stored. */
struct marks_sink {
	struct detail_state *dt;        /* its records not yet sanitised */
	struct text_span **rec;         /* per record */
	size_t *nrec;
	struct text_span *summary;
	size_t nsummary;
};

static struct text_span *spans_copy(const struct search_hit *h)
{
	struct text_span *v = xmalloc((h->nspans + 1) * sizeof(*v));

	memcpy(v, h->spans, h->nspans * sizeof(*v));
	return v;
}

static int marks_collect(const struct search_hit *h, void *ctx)
{
	struct marks_sink *k = ctx;

	if (!h->nspans)
		return 0;
	if (!h->record) {
		if (h->field && !strcmp(h->field, "summary") && !k->summary) {
			k->summary = spans_copy(h);
			k->nsummary = h->nspans;
		}
		return 0;
	}
	for (size_t i = 0; i < k->dt->nrecords; i++)
		if (k->dt->records[i].id == h->record && !k->rec[i]) {
			k->rec[i] = spans_copy(h);
			k->nrec[i] = h->nspans;
		}
	return 0;
}

/* *field sanitised as sanitize_field does, with the spans carried over
 * into *marks (owned; NULL when there are none). */
static void sanitize_marked(char **field, bool keep_newlines, struct text_span *spans, size_t n,
                            struct text_span **marks, size_t *nmarks)
{
	char *clean;

	*marks = NULL;
	*nmarks = 0;
	if (!*field || !spans) {
		sanitize_field(field, keep_newlines);
		return;
	}
	*marks = xmalloc((n + 1) * sizeof(**marks));
	clean = text_sanitize_spans(*field, keep_newlines, spans, n, *marks, nmarks);
	free(*field);
	*field = clean;
}

/* Makes d and its journal (taken over) the selected dispute, sanitized;
 * with a search, the words it matched are marked, and the newest record
 * it matched is selected. */
static void detail_fill(struct app *a, struct dispute *d, struct record *recs, size_t n)
{
	struct detail_state *dt = &a->detail;
	struct marks_sink k = { dt, NULL, NULL, NULL, 0 };
	struct error err;
	int last = -1;

	dt->d = *d;
	dt->records = recs;
	dt->nrecords = n;
	dt->loaded = true;
	dt->p = app_protocol(a, dt->d.protocol);
	k.rec = xcalloc(n + 1, sizeof(*k.rec));
	k.nrec = xcalloc(n + 1, sizeof(*k.nrec));
	error_clear(&err);
	if (a->list.search && svc_search_hits(a->c, a->list.search, dt->d.id, marks_collect, &k, &err) != ST_OK)
		app_error(a, &err);
	sanitize_field(&dt->d.subject, false);
	sanitize_field(&dt->d.raised_by, false);
	sanitize_field(&dt->d.against, false);
	sanitize_field(&dt->d.category, false);
	sanitize_marked(&dt->d.summary, false, k.summary, k.nsummary, &dt->summary_marks, &dt->nsummary_marks);
	sanitize_field(&dt->d.outcome, false);
	sanitize_field(&dt->d.outstanding, false);
	sanitize_field(&dt->d.owner, false);
	for (size_t i = 0; i < dt->d.nothers; i++)
		sanitize_field(&dt->d.others[i], false);
	for (size_t i = 0; i < dt->d.nsubjects; i++)
		sanitize_field(&dt->d.subjects[i], false);
	for (size_t i = 0; i < dt->d.ndone; i++) {
		sanitize_field(&dt->d.done[i].text, false);
		sanitize_field(&dt->d.done[i].by, false);
	}
	for (size_t i = 0; i < dt->d.ndetails; i++) {
		sanitize_field(&dt->d.details[i].next, false);
		sanitize_field(&dt->d.details[i].done_by, false);
	}
	for (size_t i = 0; i < dt->d.nstages; i++)
		sanitize_field(&dt->d.stages[i].due_reason, false);
	dt->rec_marks = xcalloc(n + 1, sizeof(*dt->rec_marks));
	dt->rec_nmarks = xcalloc(n + 1, sizeof(*dt->rec_nmarks));
	for (size_t i = 0; i < dt->nrecords; i++) {
		sanitize_marked(&dt->records[i].text, true, k.rec[i], k.nrec[i], &dt->rec_marks[i], &dt->rec_nmarks[i]);
		sanitize_field(&dt->records[i].author, false);
		if (dt->rec_nmarks[i])
			last = (int)i;
		free(k.rec[i]);
	}
	free(k.rec);
	free(k.nrec);
	free(k.summary);
	/* The newest record is selected and shown: the newest the search
	 * matched, when it matched one. */
	dt->rec_sel = last >= 0 ? last : dt->nrecords ? (int)dt->nrecords - 1 : -1;
	dt->rec_follow = true;
}

void app_search(struct app *a, char *q)
{
	char ref[16] = "";

	if (q && form_blank(q)) {
		free(q);
		q = NULL;
	}
	if (a->detail.loaded)
		snprintf(ref, sizeof(ref), "%s", a->detail.d.reference);
	free(a->list.search);
	a->list.search = q;
	a->list.sel = a->list.top = 0;
	if (q) {
		/* The first page first: a word in most records is found
		 * dispute by dispute down the list, and the count that needs
		 * every one of them follows when nothing is typed. */
		a->list.counting = true;
		a->list.outside = 0;
		list_load_page(a);
		a->list.total = a->list.nrows;
	} else {
		app_reload_list(a);
	}
	app_list_move(a, 0);
	/* Still the dispute shown: read again, for the marks. */
	if (*ref && a->detail.loaded && !strcmp(a->detail.d.reference, ref))
		app_select(a, ref);
	app_search_status(a);
}

void app_search_status(struct app *a)
{
	char more[96];

	if (!a->list.search)
		return;
	if (a->list.counting) {
		app_status(a, false, "Searching for \"%s\": counting the disputes that match; Esc clears the search",
		           a->list.search);
		return;
	}
	app_outside_text(a, more, sizeof(more));
	app_status(a, false, "%d %s \"%s\"%s%s; Esc clears the search", a->list.total,
	           a->list.total == 1 ? "dispute matches" : "disputes match", a->list.search, *more ? "; " : "", more);
}

void app_journal_saved(struct app *a, long long dispute_id)
{
	struct detail_state *dt = &a->detail;
	struct dispute d;
	struct record *recs = NULL;
	size_t n = 0;
	struct error err;

	error_clear(&err);
	dispute_init(&d);
	if (svc_load_id(a->c, dispute_id, &d, &recs, &n, &err) != ST_OK) {
		dispute_free(&d);
		app_error(a, &err);
		return;
	}
	detail_free(dt);
	detail_fill(a, &d, recs, n);
	/* Its draft is gone: the list's mark goes with it. */
	for (int i = 0; i < a->list.nrows; i++)
		if (a->list.rows[i].id == dispute_id)
			a->list.rows[i].draft = false;
}

void app_select_record(struct app *a, long long id)
{
	struct detail_state *dt = &a->detail;

	for (size_t i = 0; i < dt->nrecords; i++)
		if (dt->records[i].id == id) {
			dt->rec_sel = (int)i;
			dt->rec_follow = true;
		}
}

void app_list_move(struct app *a, int i)
{
	struct list_state *l = &a->list;
	int top = l->top;

	l->sel = i;
	list_clamp(a);
	if (l->top != top || !l->rows)
		list_load_page(a);
	if (l->sel - l->top < l->nrows) {
		const struct list_row *r = &l->rows[l->sel - l->top];
		if (!a->detail.loaded || strcmp(a->detail.d.reference, r->ref) != 0)
			app_select(a, r->ref);
	}
}

void app_list_find(struct app *a, const char *ref)
{
	for (int i = 0; i < a->list.nrows; i++)
		if (strcmp(a->list.rows[i].ref, ref) == 0) {
			a->list.sel = a->list.top + i;
			return;
		}
}

void app_reload(struct app *a)
{
	char ref[16] = "";

	if (a->detail.loaded)
		snprintf(ref, sizeof(ref), "%s", a->detail.d.reference);
	app_reload_list(a);
	app_reload_board(a);
	if (*ref) {
		app_select(a, ref);
		app_list_find(a, ref);
	} else if (a->list.nrows > 0)
		app_list_move(a, a->list.sel);
}

/* Works out where the panes go for the current size. */
static void app_layout(struct app *a)
{
	int body_y, body_h;

	memset(a->pane_rect, 0, sizeof(a->pane_rect));
	a->wide = a->w >= APP_WIDE_W && a->h >= APP_WIDE_H;
	if (a->w < APP_MIN_W || a->h < APP_MIN_H) {
		a->list.page = 0;
		a->body = (struct rect){ 0, 0, 0, 0 };
		return;
	}
	if (a->wide) {
		int top_h, list_w, time_w;

		body_y = 1;
		body_h = a->h - 2;
		top_h = body_h * 2 / 5;
		list_w = a->w * 2 / 3;
		time_w = a->w * 2 / 5;
		a->pane_rect[PANE_LIST] = (struct rect){ body_y, 0, top_h, list_w };
		a->pane_rect[PANE_BOARD] = (struct rect){ body_y, list_w, top_h, a->w - list_w };
		a->pane_rect[PANE_TIMELINE] = (struct rect){ body_y + top_h, 0, body_h - top_h, time_w };
		a->pane_rect[PANE_RECORDS] = (struct rect){ body_y + top_h, time_w, body_h - top_h, a->w - time_w };
	} else {
		body_y = 2;
		body_h = a->h - 3;
		for (int i = 0; i < PANE_COUNT; i++)
			a->pane_rect[i] = (struct rect){ body_y, 0, body_h, a->w };
	}
	a->body = (struct rect){ body_y, 0, body_h, a->w };
	a->list.page = a->pane_rect[PANE_LIST].h - 3;
	if (a->list.page < 1)
		a->list.page = 1;
}

/* Looks for a record draft kept from an earlier run and offers it back. */
static void app_find_draft(struct app *a)
{
	struct draft_offer *o = &a->draft;
	struct dispute d;
	struct error err;
	long long id = 0;

	error_clear(&err);
	if (svc_draft_any(a->c, &id, &err) != ST_OK) {
		app_error(a, &err);
		return;
	}
	if (!id)
		return;
	dispute_init(&d);
	if (svc_load_id(a->c, id, &d, NULL, NULL, &err) != ST_OK ||
	    svc_draft_get(a->c, id, &o->draft, &err) != ST_OK) {
		dispute_free(&d);
		draft_free(&o->draft);
		app_error(a, &err);
		return;
	}
	if (o->draft.text) {
		snprintf(o->ref, sizeof(o->ref), "%s", d.reference);
		if (a->mode == MODE_NORMAL)
			a->mode = MODE_DRAFT;
	}
	dispute_free(&d);
}

/* The journal lives in one file on one machine: the workbench says when
 * it has not been copied for longer than the settings allow. */
static void backup_remind(struct app *a)
{
	int after = config_backup_days(&a->c->config);
	long days;
	struct error err;

	if (after <= 0 || a->list.nrows == 0 || svc_backup_age(a->c, &days, &err) != ST_OK)
		return;
	if (days < 0)
		app_status(a, false, "No backup of this database yet: dispute backup FILE makes a checked copy");
	else if (days > after)
		app_status(a, false, "Last backup %ld days ago: dispute backup FILE makes a checked copy", days);
}

void app_init(struct app *a, struct ctx *c, int w, int h)
{
	memset(a, 0, sizeof(*a));
	a->c = c;
	a->w = w;
	a->h = h;
	a->list.which = LIST_OPEN;
	a->list.order = ORDER_DUE;
	dispute_init(&a->detail.d);
	textedit_init(&a->search, false, LINE_MAX_LEN);
	textedit_init(&a->ed.text, true, TEXT_MAX);
	textedit_init(&a->ed.when, false, 32);
	textedit_init(&a->dlg.input, false, LINE_MAX_LEN);
	for (int i = 0; i < FORM_FIELDS; i++)
		textedit_init(&a->form.text[i], false, LINE_MAX_LEN);
	textedit_init(&a->form.category_typed, false, 128);
	textedit_init(&a->who.name, false, 256);
	textedit_init(&a->who.role, false, 256);
	draft_init(&a->draft.draft);
	a->ed.dirty_since = -1;
	app_layout(a);
	app_reload_list(a);
	app_reload_board(a);
	if (a->list.nrows > 0)
		app_list_move(a, 0);
	/* Before anything can be signed, the user says who they are. */
	if (!a->c->author)
		identity_open(a);
	app_find_draft(a);
	/* What the command line says on stderr, the workbench says first. */
	if (a->c->warnings) {
		size_t len = strcspn(a->c->warnings, "\n");

		app_status(a, true, "%.*s", (int)len, a->c->warnings);
	} else {
		backup_remind(a);
	}
}

struct app *app_new(struct ctx *c, int w, int h)
{
	struct app *a = xmalloc(sizeof(*a));

	app_init(a, c, w, h);
	return a;
}

void app_delete(struct app *a)
{
	if (!a)
		return;
	app_free(a);
	free(a);
}

const char *app_quit_note(const struct app *a)
{
	return a->quit_note;
}

void app_free(struct app *a)
{
	if (a->mode == MODE_EDITOR)
		app_flush_draft(a);
	rows_free(a->list.rows, a->list.nrows);
	free(a->list.search);
	for (int i = 0; i < BOARD_COUNT; i++)
		rows_free(a->board.rows[i], a->board.nrows[i]);
	detail_free(&a->detail);
	dispute_free(&a->detail.d);
	dialog_close(a);
	invite_close(a);
	report_close(a);
	textedit_free(&a->search);
	textedit_free(&a->ed.text);
	textedit_free(&a->ed.when);
	textedit_free(&a->dlg.input);
	for (int i = 0; i < FORM_FIELDS; i++)
		textedit_free(&a->form.text[i]);
	textedit_free(&a->form.category_typed);
	textedit_free(&a->who.name);
	textedit_free(&a->who.role);
	draft_free(&a->draft.draft);
	free(a->ed.quote);
	memset(a, 0, sizeof(*a));
}

unsigned app_resize(struct app *a, int w, int h)
{
	int page = a->list.page;

	list_count_now(a);
	a->w = w;
	a->h = h;
	app_layout(a);
	if (a->list.page != page) {
		list_clamp(a);
		list_load_page(a);
		app_reload_board(a);
		/* Started too small, nothing was selected yet. */
		if (!a->detail.loaded && a->list.nrows > 0)
			app_list_move(a, a->list.sel);
	}
	return APP_REDRAW;
}

/* True when a row's timed deadline today has passed by `minute` since it was loaded. */
static bool rows_passed(const struct list_row *rows, int n, long today, int minute)
{
	for (int i = 0; i < n; i++)
		if (rows[i].left.kind == LEFT_TODAY && rows[i].due == today && rows[i].due_minute != TIME_NONE &&
		    minute != TIME_NONE && minute >= rows[i].due_minute)
			return true;
	return false;
}

unsigned app_clock(struct app *a, long today, int minute)
{
	struct ctx *c = a->c;
	const struct detail_state *dt = &a->detail;
	bool reload = today != c->today, redraw;

	redraw = dt->loaded && dispute_overdue(&dt->d, today, minute) != dispute_overdue(&dt->d, c->today,
	                                                                                  c->now_minute);
	if (!reload)
		reload = rows_passed(a->list.rows, a->list.nrows, today, minute) ||
		         rows_passed(a->board.rows[BOARD_TODAY], a->board.nrows[BOARD_TODAY], today, minute);
	c->today = today;
	c->now_minute = minute;
	/* A name changed in the settings from another window shows (and
	 * signs) at once. */
	if (ctx_config_refresh(c))
		redraw = true;
	if (reload)
		app_reload(a);
	return reload || redraw ? APP_REDRAW : APP_NONE;
}

void app_flush_draft(struct app *a)
{
	if (a->mode == MODE_EDITOR || a->ed.dirty)
		editor_keep_draft(a);
}

unsigned app_tick(struct app *a, long now_ms)
{
	struct editor_state *e = &a->ed;

	if (a->mode != MODE_EDITOR || !e->dirty)
		return APP_NONE;
	if (e->dirty_since < 0) {
		e->dirty_since = now_ms;
		return APP_NONE;
	}
	if (now_ms - e->dirty_since < 1000)
		return APP_NONE;
	editor_keep_draft(a);
	/* The editor's footer says whether the draft is safe. */
	return APP_REDRAW;
}

static const char *const which_names[] = { "all", "open", "closed" };
static const char *const order_names[] = { "due date", "reference", "date opened", "agency" };

/* The list in a new order or filter, with the selection kept on the same
 * dispute while it is still in the list. */
static void list_reorder(struct app *a)
{
	char ref[16] = "";
	int at = -1;

	if (a->detail.loaded)
		snprintf(ref, sizeof(ref), "%s", a->detail.d.reference);
	if (*ref) {
		struct list_filter f;
		struct error err;

		error_clear(&err);
		list_filter_fill(a, &f);
		if (svc_list_index(a->c, &f, ref, &at, &err) != ST_OK)
			app_error(a, &err);
	}
	a->list.sel = at >= 0 ? at : 0;
	a->list.top = 0;
	app_reload_list(a);
	app_list_move(a, a->list.sel);
}

/* On the way out: where a kept draft waits, said once the terminal is back. */
static void quit_note(struct app *a)
{
	struct dispute d;
	struct error err;
	long long id = 0;

	error_clear(&err);
	if (svc_draft_any(a->c, &id, &err) != ST_OK || !id)
		return;
	dispute_init(&d);
	if (svc_load_id(a->c, id, &d, NULL, NULL, &err) == ST_OK)
		snprintf(a->quit_note, sizeof(a->quit_note),
		         "the unsaved record draft for %s is kept in %s; press a on %s to finish it", d.reference,
		         a->c->db_path ? a->c->db_path : "the database", d.reference);
	dispute_free(&d);
}

/* The actions that work on whichever pane has the focus. */
static unsigned app_action(struct app *a, enum action act)
{
	switch (act) {
	case ACT_NEXT_PANE:
		a->focus = (a->focus + 1) % PANE_COUNT;
		return APP_REDRAW;
	case ACT_PREV_PANE:
		a->focus = (a->focus + PANE_COUNT - 1) % PANE_COUNT;
		return APP_REDRAW;
	case ACT_PANE_LIST:
	case ACT_PANE_TIME:
	case ACT_PANE_REC:
	case ACT_PANE_BOARD:
		a->focus = (enum pane_id)(act - ACT_PANE_LIST);
		return APP_REDRAW;
	case ACT_SEARCH:
		textedit_set(&a->search, a->list.search);
		a->mode = MODE_SEARCH;
		return APP_REDRAW;
	case ACT_CLEAR:
		if (!a->list.search)
			return panes[a->focus]->action(a, act);
		free(a->list.search);
		a->list.search = NULL;
		list_reorder(a);
		/* The marks go with the search. */
		if (a->detail.loaded) {
			char ref[16];

			snprintf(ref, sizeof(ref), "%s", a->detail.d.reference);
			app_select(a, ref);
		}
		app_status(a, false, "Search cleared");
		return APP_REDRAW;
	case ACT_FILTER:
		a->list.which = a->list.which == LIST_OPEN ? LIST_CLOSED :
		                a->list.which == LIST_CLOSED ? LIST_ALL : LIST_OPEN;
		list_reorder(a);
		app_status(a, false, "Showing %s disputes", which_names[a->list.which]);
		return APP_REDRAW;
	case ACT_SORT:
		a->list.order = (enum list_order)((a->list.order + 1) % 4);
		list_reorder(a);
		app_status(a, false, "Sorted by %s", order_names[a->list.order]);
		return APP_REDRAW;
	case ACT_NEW:
		form_new_open(a);
		return APP_REDRAW;
	case ACT_ADD_RECORD:
		if (!a->detail.loaded) {
			app_status(a, true, "Select a dispute first (j/k in the list)");
			return APP_REDRAW;
		}
		editor_open(a, 0);
		return APP_REDRAW;
	case ACT_ESCALATE:
	case ACT_SET_DUE:
	case ACT_RESOLVE:
	case ACT_WITHDRAW:
	case ACT_REOPEN:
	case ACT_CHALLENGE:
	case ACT_CHECKLIST:
	case ACT_OWNER:
	case ACT_DETAIL:
		return flow_start(a, act);
	case ACT_INVITE:
		return invite_open(a);
	case ACT_REPORT:
		return report_open(a);
	case ACT_REFRESH:
		app_reload(a);
		return APP_REDRAW | APP_REPAINT;
	case ACT_HELP:
		a->mode_before_help = a->mode;
		a->mode = MODE_HELP;
		a->help_scroll = 0;
		return APP_REDRAW;
	case ACT_QUIT:
		quit_note(a);
		return APP_QUIT;
	default:
		return panes[a->focus]->action(a, act);
	}
}

/* The key bindings of the focused pane, then those of every pane. */
static enum action pane_lookup(const struct app *a, int key)
{
	enum action act = ACT_NONE;

	if (a->focus == PANE_LIST || a->focus == PANE_BOARD)
		act = keys_lookup(KC_LIST, key);
	else if (a->focus == PANE_RECORDS)
		act = keys_lookup(KC_RECORDS, key);
	return act != ACT_NONE ? act : keys_lookup(KC_MAIN, key);
}

static unsigned normal_key(struct app *a, int key)
{
	enum action act = pane_lookup(a, key);

	a->status[0] = '\0';
	a->status_error = false;
	if (act == ACT_NONE) {
		if (K_IS_ALT(key))
			app_status(a, false, "Alt keys edit text; in the panes they do nothing");
		return APP_BELL | APP_REDRAW;
	}
	return app_action(a, act) | APP_REDRAW;
}

const struct mode_ops mode_normal_ops = { normal_key, NULL, NULL, NULL };

static const struct mode_ops *const modes[MODE_COUNT] = {
	[MODE_NORMAL] = &mode_normal_ops,
	[MODE_HELP] = &mode_help_ops,
	[MODE_SEARCH] = &mode_search_ops,
	[MODE_FORM] = &mode_form_ops,
	[MODE_EDITOR] = &mode_editor_ops,
	[MODE_DIALOG] = &mode_dialog_ops,
	[MODE_DRAFT] = &mode_draft_ops,
	[MODE_INVITE] = &mode_invite_ops,
	[MODE_REPORT] = &mode_report_ops,
	[MODE_IDENTITY] = &mode_identity_ops,
};

static bool too_small(const struct app *a)
{
	return a->w < APP_MIN_W || a->h < APP_MIN_H;
}

void app_guard(struct app *a)
{
	a->guard = true;
	a->guard_last = a->now_ms;
	a->guard_dropped = 0;
}

/* True when key is the rest of a burst of typing that began in a text
 * field now closed: dropped, with a word on the status line. */
static bool guard_drops(struct app *a)
{
	if (!a->guard)
		return false;
	if (a->now_ms - a->guard_last >= APP_BURST_MS) {
		a->guard = false;
		if (a->guard_dropped) {
			a->status[0] = '\0';
			a->status_error = false;
		}
		return false;
	}
	a->guard_last = a->now_ms;
	a->guard_dropped++;
	app_status(a, false, "%d key%s typed straight after the text closed %s ignored: pause, then press a key",
	           a->guard_dropped, a->guard_dropped == 1 ? "" : "s", a->guard_dropped == 1 ? "was" : "were");
	return true;
}

unsigned app_key(struct app *a, int key, long now_ms)
{
	a->now_ms = now_ms;
	/* What a key does may need the whole list's count. */
	list_count_now(a);
	/* The terminal sends CR for Enter; one code for both below here. */
	if (key == K_RETURN)
		key = K_ENTER;
	if (key == K_RESIZE)
		return APP_REDRAW;
	/* Nothing typed on the "too small" screen reaches a mode drawn
	 * nowhere (an editor, a dialog): only q leaves. */
	if (too_small(a))
		return keys_lookup(KC_MAIN, key) == ACT_QUIT ? APP_QUIT : APP_REDRAW;
	if (a->mode == MODE_NORMAL && guard_drops(a))
		return APP_REDRAW;
	return modes[a->mode]->key(a, key);
}

unsigned app_paste(struct app *a, const char *bytes, size_t n, long now_ms)
{
	struct textedit *t;
	bool multiline = false;
	char *clean;

	a->now_ms = now_ms;
	t = too_small(a) || !modes[a->mode]->field ? NULL : modes[a->mode]->field(a, &multiline);
	if (!t) {
		app_status(a, true, "The paste was not used: paste into the record editor (a) or a field");
		return APP_REDRAW | APP_BELL;
	}
	clean = text_clean_paste(bytes, n, multiline);
	if (!textedit_insert(t, clean, strlen(clean))) {
		app_status(a, true, "The paste is %zu bytes: it does not fit (at most %zu); nothing was inserted",
		           strlen(clean), t->max);
		free(clean);
		return APP_REDRAW | APP_BELL;
	}
	free(clean);
	if (a->mode == MODE_EDITOR)
		editor_changed(a);
	else if (a->mode == MODE_FORM)
		a->form.dirty = true;
	return APP_REDRAW;
}

void app_changed(struct app *a, const char *ref)
{
	char keep[16];

	snprintf(keep, sizeof(keep), "%s", ref);
	app_reload_list(a);
	app_reload_board(a);
	app_select(a, keep);
	app_list_find(a, keep);
}

void app_date_text(long day, char *out, size_t outlen)
{
	char buf[11];

	if (day == DATE_NONE)
		snprintf(out, outlen, "—");
	else
		snprintf(out, outlen, "%s %s", date_weekday_name(day), date_format(day, buf));
}

void app_left_text(const struct list_row *r, char *out, size_t outlen)
{
	if (r->status != DS_OPEN)
		snprintf(out, outlen, "%s", dispute_status_name(r->status));
	else
		left_text(&r->left, false, out, outlen);
}

unsigned app_row_attr(const struct list_row *r)
{
	if (r->status != DS_OPEN)
		return SA_DIM;
	if (r->left.kind == LEFT_OVERDUE || r->left.kind == LEFT_PASSED_TODAY)
		return SA_COLOUR(SC_OVERDUE) | SA_BOLD;
	if (r->urgent || r->left.kind == LEFT_TODAY)
		return SA_COLOUR(SC_URGENT);
	return 0;
}

void app_put_agency(struct screen *s, int y, int x, int w, unsigned attr, const struct list_row *r)
{
	char more[16];
	int mw;

	if (r->nagainst <= 1) {
		screen_put_fit(s, y, x, w, attr, r->against);
		return;
	}
	mw = snprintf(more, sizeof(more), " +%d", r->nagainst - 1);
	if (mw >= w) {
		screen_put_fit(s, y, x, w, attr, r->against);
		return;
	}
	screen_put_fit(s, y, x, w - mw, attr, r->against);
	screen_put(s, y, x + w - mw, mw, attr, more);
}

static void draw_header(struct app *a, struct screen *s)
{
	unsigned attr = SA_COLOUR(SC_HEADER) | SA_REVERSE;
	char day[32], right[64];
	int col;

	screen_fill(s, 0, 0, a->w, attr);
	app_date_text(a->c->today, day, sizeof(day));
	col = screen_put(s, 0, 1, a->w - 1, attr | SA_BOLD, "dispute");
	col += 1 + screen_printf(s, 0, col + 3, a->w - col - 3, attr, "%s · %d open · %d overdue · %d due today",
	                         day, a->board.open_total, a->board.overdue, a->board.due_today);
	if (a->board.count[BOARD_FOLLOWUP])
		col += screen_printf(s, 0, col + 2, a->w - col - 2, attr, " · %d follow-up%s due",
		                     a->board.count[BOARD_FOLLOWUP], a->board.count[BOARD_FOLLOWUP] == 1 ? "" : "s") + 1;
	snprintf(right, sizeof(right), "? help  q quit ");
	if (col + 6 + text_width(right) < a->w)
		screen_put(s, 0, a->w - text_width(right), text_width(right), attr, right);
}

static void draw_tabs(struct app *a, struct screen *s)
{
	int col = 1;
	enum pane_id shown = a->mode == MODE_EDITOR ? PANE_RECORDS : a->focus;

	for (int i = 0; i < PANE_COUNT; i++) {
		unsigned attr = i == (int)shown ? SA_REVERSE | SA_BOLD : 0;
		char label[48];

		snprintf(label, sizeof(label), " %d %s ", i + 1, panes[i]->title);
		col += screen_put(s, 1, col, a->w - col, attr, label);
		col += screen_put(s, 1, col, a->w - col, SA_DIM, " ");
	}
	screen_put(s, 1, col + 1, a->w - col - 1, SA_DIM, "Tab/1-4: switch");
}

/* The status line's hint: the keys of the mode, or of the focused pane. */
static void mode_hint(struct app *a, char *out, size_t outlen)
{
	unsigned ctxs = modes[a->mode]->hints ? modes[a->mode]->hints(a) : 0;

	if (!ctxs)
		ctxs = KC_BIT(KC_MAIN) | (a->focus == PANE_LIST || a->focus == PANE_BOARD ? KC_BIT(KC_LIST) :
		                          a->focus == PANE_RECORDS ? KC_BIT(KC_RECORDS) : 0);
	keys_hint(ctxs, a->w, out, outlen);
}

static void draw_status(struct app *a, struct screen *s)
{
	int y = a->h - 1;

	screen_fill(s, y, 0, a->w, 0);
	if (a->status[0]) {
		if (a->status_error) {
			int col = screen_put(s, y, 0, a->w, SA_COLOUR(SC_OVERDUE) | SA_BOLD, "Error: ");
			screen_put_fit(s, y, col, a->w - col, SA_COLOUR(SC_OVERDUE) | SA_BOLD, a->status);
		} else {
			screen_put_fit(s, y, 0, a->w, SA_BOLD, a->status);
		}
		return;
	}
	{
		char hint[512];

		mode_hint(a, hint, sizeof(hint));
		screen_put(s, y, 0, a->w, SA_DIM, hint);
	}
}

static void draw_too_small(struct app *a, struct screen *s)
{
	char line[128];
	int y = a->h / 2 - 1;

	if (y < 0)
		y = 0;
	snprintf(line, sizeof(line), "Terminal too small: %dx%d", a->w, a->h);
	screen_put_fit(s, y, (a->w - text_width(line)) / 2 > 0 ? (a->w - text_width(line)) / 2 : 0, a->w,
	               SA_BOLD, line);
	snprintf(line, sizeof(line), "Please enlarge the terminal to at least %dx%d", APP_MIN_W, APP_MIN_H);
	screen_put_fit(s, y + 1, (a->w - text_width(line)) / 2 > 0 ? (a->w - text_width(line)) / 2 : 0, a->w,
	               0, line);
	snprintf(line, sizeof(line), "(q quits)");
	screen_put_fit(s, y + 2, (a->w - text_width(line)) / 2 > 0 ? (a->w - text_width(line)) / 2 : 0, a->w,
	               SA_DIM, line);
}

void pane_frame(struct screen *s, struct rect r, const char *title, bool focused)
{
	unsigned attr = focused ? SA_BOLD : SA_DIM;

	screen_box(s, r, attr, title, focused ? SA_REVERSE | SA_BOLD : SA_BOLD);
}

void app_draw(struct app *a, struct screen *s)
{
	screen_clear(s);
	if (too_small(a)) {
		draw_too_small(a, s);
		return;
	}
	draw_header(a, s);
	if (a->wide) {
		for (int i = 0; i < PANE_COUNT; i++) {
			if (i == PANE_RECORDS && a->mode == MODE_EDITOR)
				editor_draw(a, s, a->pane_rect[i]);
			else
				panes[i]->draw(a, s, a->pane_rect[i], a->focus == (enum pane_id)i);
		}
	} else {
		draw_tabs(a, s);
		if (a->mode == MODE_EDITOR)
			editor_draw(a, s, a->body);
		else
			panes[a->focus]->draw(a, s, a->pane_rect[a->focus], true);
	}
	draw_status(a, s);
	if (modes[a->mode]->draw)
		modes[a->mode]->draw(a, s);
}

bool app_scroll(int *scroll, enum action act, bool from_bottom, int end)
{
	int step;

	switch (act) {
	case ACT_DOWN: case ACT_VW_DOWN:
		step = 1;
		break;
	case ACT_UP: case ACT_VW_UP:
		step = -1;
		break;
	case ACT_PAGE_DOWN: case ACT_VW_PAGE_DOWN:
		step = 10;
		break;
	case ACT_PAGE_UP: case ACT_VW_PAGE_UP:
		step = -10;
		break;
	case ACT_FIRST: case ACT_VW_TOP:
		*scroll = from_bottom ? end : 0;
		return true;
	case ACT_LAST: case ACT_VW_BOTTOM:
		*scroll = from_bottom ? 0 : end;
		return true;
	default:
		return false;
	}
	/* A pane that counts from the bottom (the journal, newest last)
	 * scrolls the other way. */
	*scroll += from_bottom ? -step : step;
	if (*scroll < 0)
		*scroll = 0;
	return true;
}
