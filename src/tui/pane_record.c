/* The record pane: the selected dispute's particulars and its journal, newest last; a record is selected to be corrected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "editor.h"
#include "lines.h"
#include "pane.h"

static void add_record(struct lines *l, const struct detail_state *dt, const struct record *r, long long by,
                       const struct text_span *marks, size_t nmarks)
{
	const struct record_detail *rd = dispute_detail(&dt->d, r->id);
	char day[11], tm[16] = "", amends[32] = "", fixed[32] = "", head[1024], stage[32];

	if (r->day != DATE_NONE)
		date_format(r->day, day);
	else
		snprintf(day, sizeof(day), "—");
	if (r->minute != TIME_NONE && r->minute >= 0)
		snprintf(tm, sizeof(tm), " %02d:%02d", r->minute / 60, r->minute % 60);
	if (r->amends)
		snprintf(amends, sizeof(amends), " · corrects #%lld", r->amends);
	if (by)
		snprintf(fixed, sizeof(fixed), " · corrected by #%lld", by);
	/* a record keeps the stage's place; it reads as the stage's number on its route */
	dispute_stage_text(dt->p, &dt->d, r->stage, stage, sizeof(stage));
	snprintf(head, sizeof(head), "#%lld %s%s %s%s%s · %s · %s", r->id, day, tm, record_kind_name(r->kind),
	         amends, fixed, stage, r->author ? r->author : "");
	lines_add_clip(l, r->kind == RK_EVENT ? SA_DIM | SA_BOLD : SA_BOLD, 0, head);
	lines_add_marked(l, r->kind == RK_EVENT ? SA_DIM : 0, 2, 0, r->text ? r->text : "", marks, nmarks);
	/* The follow-up the record set, as it stands (whom it names is in the
	 * journal entry that follows it). */
	if (rd && rd->next) {
		char due[11], done[11];

		date_format(rd->due, due);
		if (rd->done != DATE_NONE)
			lines_addf(l, SA_DIM, 2, "→ next: %s, by %s · done %s", rd->next, due, date_format(rd->done, done));
		else
			lines_addf(l, SA_BOLD, 2, "→ next: %s, by %s", rd->next, due);
	}
}

/* The journal wrapped to width, from the cache when it still fits. Borrowed. */
static const struct lines *journal_lines(struct detail_state *dt, int width)
{
	if (width < 1)
		width = 1;
	if (dt->journal_ready && dt->journal.width == width)
		return &dt->journal;
	lines_free(&dt->journal);
	lines_init(&dt->journal, width);
	free(dt->rec_line);
	dt->rec_line = xcalloc(dt->nrecords + 1, sizeof(*dt->rec_line));
	for (size_t i = 0; i < dt->nrecords; i++) {
		dt->rec_line[i] = dt->journal.n;
		add_record(&dt->journal, dt, &dt->records[i], record_corrected_by(dt->records, dt->nrecords, dt->records[i].id),
		           dt->rec_marks ? dt->rec_marks[i] : NULL, dt->rec_nmarks ? dt->rec_nmarks[i] : 0);
	}
	dt->rec_line[dt->nrecords] = dt->journal.n;
	if (dt->nrecords == 0)
		lines_add(&dt->journal, SA_DIM, 0, 0, "No records yet. Press a to write one.");
	dt->journal_ready = true;
	return &dt->journal;
}

static void records_draw(struct app *a, struct screen *s, struct rect r, bool focused)
{
	struct detail_state *dt = &a->detail;
	const struct dispute *d = &dt->d;
	struct rect in = rect_inner(r), body;
	const struct lines *jl;
	struct lines head;
	int max, first;
	char title[64];

	if (dt->loaded && d->has_draft)
		snprintf(title, sizeof(title), "Records · %s · ✎ draft kept (a)", d->reference);
	else if (dt->loaded)
		snprintf(title, sizeof(title), "Records · %s", d->reference);
	else
		snprintf(title, sizeof(title), "Records");
	pane_frame(s, r, title, focused);
	if (!dt->loaded) {
		screen_put_fit(s, in.y, in.x + 1, in.w - 1, SA_DIM, "No dispute selected.");
		return;
	}
	in.x += 1;
	in.w -= 1;
	lines_init(&head, in.w);
	{
		struct sb against = {0};

		for (size_t i = 0; i < dispute_agency_count(d); i++)
			sb_printf(&against, "%s%s", i ? ", " : "", dispute_agency(d, i));
		lines_addf(&head, SA_BOLD, 0, "%s → %s · %s", d->raised_by ? d->raised_by : "", against.s ? against.s : "",
		           d->category ? d->category : "");
		free(against.s);
	}
	lines_add_marked(&head, 0, 0, 2, d->summary ? d->summary : "", dt->summary_marks, dt->nsummary_marks);
	if ((int)head.n > in.h / 3)
		head.n = (size_t)(in.h / 3 > 1 ? in.h / 3 : 1);
	lines_draw(&head, s, in, 0);
	body = in;
	body.y += (int)head.n;
	body.h -= (int)head.n;
	lines_free(&head);
	if (body.h < 2)
		return;
	screen_hline(s, body.y, r.x + 1, r.w - 2, SA_DIM);
	body.y++;
	body.h--;
	jl = journal_lines(dt, in.w);
	/* Newest last: the window sits at the bottom unless scrolled up. */
	max = (int)jl->n - body.h;
	if (max < 0)
		max = 0;
	if (dt->rec_follow && dt->rec_sel >= 0 && (size_t)dt->rec_sel < dt->nrecords) {
		/* Scroll just enough to show the whole selected record, its
		 * heading first when it is taller than the pane. */
		int top = (int)dt->rec_line[dt->rec_sel], end = (int)dt->rec_line[dt->rec_sel + 1];

		first = max - dt->records_scroll;
		if (end > first + body.h)
			first = end - body.h;
		if (top < first)
			first = top;
		dt->records_scroll = max - (first < max ? first : max);
		dt->rec_follow = false;
	}
	if (dt->records_scroll > max)
		dt->records_scroll = max;
	first = max - dt->records_scroll;
	lines_draw(jl, s, body, (size_t)first);
	/* The selected record's heading, marked where colour is not seen too. */
	if (focused && dt->rec_sel >= 0 && (size_t)dt->rec_sel < dt->nrecords) {
		int y = (int)dt->rec_line[dt->rec_sel] - first;

		if (y >= 0 && y < body.h) {
			screen_set_attr(s, body.y + y, body.x, body.w, SA_REVERSE | SA_COLOUR(SC_SELECT));
			screen_put(s, body.y + y, r.x + 1, 1, SA_BOLD, ">");
		}
	}
	if (first > 0)
		screen_put(s, r.y + r.h - 1, r.x + r.w - 13, 11, SA_DIM, " ↑ older ");
}

/* Moves the selection among the records (j newer, k older, by five a page). */
static bool records_move(struct detail_state *dt, enum action act)
{
	int n = (int)dt->nrecords, sel = dt->rec_sel;

	switch (act) {
	case ACT_DOWN: sel++; break;
	case ACT_UP: sel--; break;
	case ACT_PAGE_DOWN: sel += 5; break;
	case ACT_PAGE_UP: sel -= 5; break;
	case ACT_FIRST: sel = 0; break;
	case ACT_LAST: sel = n - 1; break;
	default: return false;
	}
	if (sel >= n)
		sel = n - 1;
	if (sel < 0)
		sel = n ? 0 : -1;
	dt->rec_sel = sel;
	dt->rec_follow = true;
	return true;
}

static unsigned records_action(struct app *a, enum action act)
{
	struct detail_state *dt = &a->detail;

	if (records_move(dt, act))
		return APP_REDRAW;
	switch (act) {
	case ACT_REC_WRITE:
		editor_open(a, 0);
		return APP_REDRAW;
	case ACT_AMEND:
		if (dt->rec_sel < 0 || (size_t)dt->rec_sel >= dt->nrecords) {
			app_status(a, true, "No record to correct: select one with j/k");
			return APP_REDRAW;
		}
		editor_open(a, dt->records[dt->rec_sel].id);
		return APP_REDRAW;
	default:
		return APP_BELL;
	}
}

const struct pane_ops pane_records_ops = {
	.title = "Records",
	.draw = records_draw,
	.action = records_action,
};
