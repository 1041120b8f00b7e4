/* The record pane: the selected dispute's particulars and its journal, newest last; `a` opens the editor here. */
#include <stdio.h>
#include <string.h>

#include "dispute/app.h"
#include "dispute/date.h"
#include "dispute/editor.h"
#include "dispute/lines.h"
#include "dispute/pane.h"

static void add_record(struct lines *l, const struct record *r)
{
	char day[11], tm[16] = "", amends[32] = "", head[1024];

	if (r->day != DATE_NONE)
		date_format(r->day, day);
	else
		snprintf(day, sizeof(day), "—");
	if (r->minute != TIME_NONE && r->minute >= 0)
		snprintf(tm, sizeof(tm), " %02d:%02d", r->minute / 60, r->minute % 60);
	if (r->amends)
		snprintf(amends, sizeof(amends), " · corrects #%lld", r->amends);
	snprintf(head, sizeof(head), "#%lld %s%s %s%s · stage %d · %s", r->id, day, tm, record_kind_name(r->kind),
	         amends, r->stage, r->author ? r->author : "");
	lines_add_clip(l, r->kind == RK_EVENT ? SA_DIM | SA_BOLD : SA_BOLD, 0, head);
	lines_add(l, r->kind == RK_EVENT ? SA_DIM : 0, 2, 0, r->text ? r->text : "");
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
	for (size_t i = 0; i < dt->nrecords; i++)
		add_record(&dt->journal, &dt->records[i]);
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

	if (dt->loaded)
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
	lines_addf(&head, SA_BOLD, 0, "%s → %s · %s", d->raised_by ? d->raised_by : "", d->against ? d->against : "",
	           d->category ? d->category : "");
	lines_add(&head, 0, 0, 2, d->summary ? d->summary : "");
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
	if (a->detail.records_scroll > max)
		a->detail.records_scroll = max;
	first = max - a->detail.records_scroll;
	lines_draw(jl, s, body, (size_t)first);
	if (first > 0)
		screen_put(s, r.y + r.h - 1, r.x + r.w - 13, 11, SA_DIM, " ↑ older ");
}

static unsigned records_action(struct app *a, enum action act)
{
	/* The journal is scrolled from its newest line, at the bottom. */
	if (app_scroll(&a->detail.records_scroll, act, true, 1 << 20))
		return APP_REDRAW;
	if (act != ACT_OPEN)
		return APP_BELL;
	editor_open(a, NULL, RK_CALL, false);
	return APP_REDRAW;
}

const struct pane_ops pane_records_ops = {
	.title = "Records",
	.draw = records_draw,
	.action = records_action,
};
