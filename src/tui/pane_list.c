/* The dispute list pane: one window of the filtered, sorted list, paged from the store a screen at a time. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "pane.h"
#include "dispute/text.h"

static const char *const which_title[] = { "all", "open", "closed" };
static const char *const order_title[] = { "by due date", "by reference", "by date opened", "by agency" };

struct columns {
	int ref, agency, agency_w, category, category_w, stage, due, left, flags;
};

/* Lays out the columns in width w: the agency and category share what
 * the fixed columns leave. */
static struct columns columns_for(int w)
{
	struct columns c;
	int flex = w - (2 + 11 + 1 + 1 + 5 + 1 + 10 + 1 + 10 + 1 + 6);

	if (flex < 12)
		flex = 12;
	c.ref = 2;
	c.agency = c.ref + 12;
	c.agency_w = flex * 11 / 20;
	c.category = c.agency + c.agency_w + 1;
	c.category_w = flex - c.agency_w - 1;
	c.stage = c.category + c.category_w + 1;
	c.due = c.stage + 6;
	c.left = c.due + 11;
	c.flags = c.left + 11;
	return c;
}

static void draw_row(struct screen *s, int y, int x, int w, const struct columns *c,
                     const struct list_row *r, bool selected, bool focused)
{
	unsigned attr = app_row_attr(r);
	char buf[64];

	if (selected)
		attr = focused ? SA_REVERSE | SA_COLOUR(SC_SELECT) | (attr & SA_BOLD) : SA_REVERSE;
	screen_fill(s, y, x, w, attr);
	if (selected)
		screen_put(s, y, x, 1, attr, ">");
	/* A record is being written on it: the draft waits (a). */
	if (r->draft)
		screen_put(s, y, x + 1, 1, attr | SA_BOLD, "✎");
	screen_put_fit(s, y, x + c->ref, 11, attr, r->ref);
	app_put_agency(s, y, x + c->agency, c->agency_w, attr, r);
	screen_put_fit(s, y, x + c->category, c->category_w, attr, r->category);
	if (r->nstages > 0)
		snprintf(buf, sizeof(buf), "%d/%d", r->stage, r->nstages);
	else
		snprintf(buf, sizeof(buf), "%d", r->stage);
	screen_put_fit(s, y, x + c->stage, 5, attr, buf);
	if (r->due != DATE_NONE)
		date_format(r->due, buf);
	else
		snprintf(buf, sizeof(buf), "—");
	screen_put_fit(s, y, x + c->due, 10, attr, r->status == DS_OPEN ? buf : "");
	app_left_text(r, buf, sizeof(buf));
	screen_put_fit(s, y, x + c->left, 10, attr, buf);
	if (r->urgent)
		screen_put(s, y, x + c->flags, 3, selected ? attr : attr | SA_COLOUR(SC_URGENT) | SA_BOLD, "URG");
	if (r->challenged)
		screen_put(s, y, x + c->flags + 4, 2, attr | SA_BOLD, "FC");
}

static void list_draw(struct app *a, struct screen *s, struct rect r, bool focused)
{
	const struct list_state *l = &a->list;
	struct rect in = rect_inner(r);
	struct columns c = columns_for(in.w);
	char title[160], more[96], pos[48];
	unsigned head = SA_BOLD | SA_UNDERLINE;
	int pw = 0;

	if (l->search && l->counting)
		snprintf(title, sizeof(title), "Disputes: %s %s, matching \"%s\" (counting)", which_title[l->which],
		         order_title[l->order], l->search);
	else if (l->search)
		snprintf(title, sizeof(title), "Disputes: %s %s, matching \"%s\" (%d)", which_title[l->which],
		         order_title[l->order], l->search, l->total);
	else
		snprintf(title, sizeof(title), "Disputes: %s %s (%d)", which_title[l->which], order_title[l->order],
		         l->total);
	pane_frame(s, r, title, focused);
	if (in.h < 2)
		return;
	screen_fill(s, in.y, in.x, in.w, head);
	screen_put(s, in.y, in.x + c.ref, 11, head, "REFERENCE");
	screen_put_fit(s, in.y, in.x + c.agency, c.agency_w, head, "OTHER AGENCY");
	screen_put_fit(s, in.y, in.x + c.category, c.category_w, head, "CATEGORY");
	screen_put(s, in.y, in.x + c.stage, 5, head, "STAGE");
	screen_put(s, in.y, in.x + c.due, 10, head, "DUE");
	screen_put(s, in.y, in.x + c.left, 10, head, "LEFT");
	screen_put(s, in.y, in.x + c.flags, 6, head, "FLAGS");
	app_outside_text(a, more, sizeof(more));
	if (l->total == 0) {
		const char *msg = l->search ? "No disputes match the search; Esc clears it." :
		                  l->which == LIST_OPEN ? "No open disputes. Press n to open one." :
		                  "No disputes to show. Press f to change the filter.";
		screen_put_fit(s, in.y + 2, in.x + 2, in.w - 2, SA_DIM, msg);
		if (*more && in.h > 3)
			screen_put_fit(s, in.y + 3, in.x + 2, in.w - 2, SA_BOLD, more);
		return;
	}
	for (int i = 0; i < l->nrows && i < in.h - 1; i++) {
		const struct list_row *row = &l->rows[i];
		/* The board may have picked another dispute: highlight
		 * the row only while it is the one the other panes show. */
		bool sel = l->top + i == l->sel && a->detail.loaded &&
		           strcmp(a->detail.d.reference, row->ref) == 0;
		draw_row(s, in.y + 1 + i, in.x, in.w, &c, row, sel, focused);
	}
	if (l->total > l->page && !l->counting) {
		snprintf(pos, sizeof(pos), " %d-%d of %d ", l->top + 1, l->top + l->nrows, l->total);
		pw = text_width(pos);
		screen_put(s, r.y + r.h - 1, r.x + r.w - pw - 2, pw, SA_DIM, pos);
	}
	/* What the search finds beyond the filter: under the rows, or in the
	 * frame, beside the position, when they fill the pane. */
	if (*more && l->nrows + 1 < in.h) {
		screen_put_fit(s, in.y + 1 + l->nrows, in.x + 2, in.w - 2, SA_BOLD, more);
	} else if (*more) {
		char framed[100];

		snprintf(framed, sizeof(framed), " %s ", more);
		screen_put_fit(s, r.y + r.h - 1, r.x + 2, r.w - pw - 6, SA_BOLD, framed);
	}
}

static unsigned list_action(struct app *a, enum action act)
{
	struct list_state *l = &a->list;

	/* Coming back from the board's pick, the first move reselects the row. */
	if (l->sel - l->top < l->nrows && a->detail.loaded &&
	    strcmp(a->detail.d.reference, l->rows[l->sel - l->top].ref) != 0 &&
	    (act == ACT_DOWN || act == ACT_UP)) {
		app_select(a, l->rows[l->sel - l->top].ref);
		return APP_REDRAW;
	}
	switch (act) {
	case ACT_DOWN:
		app_list_move(a, l->sel + 1);
		break;
	case ACT_UP:
		app_list_move(a, l->sel - 1);
		break;
	case ACT_PAGE_DOWN:
		app_list_move(a, l->sel + (l->page > 1 ? l->page - 1 : 1));
		break;
	case ACT_PAGE_UP:
		app_list_move(a, l->sel - (l->page > 1 ? l->page - 1 : 1));
		break;
	case ACT_FIRST:
		app_list_move(a, 0);
		break;
	case ACT_LAST:
		app_list_move(a, l->total - 1);
		break;
	case ACT_OPEN:
		if (!a->detail.loaded)
			return APP_BELL;
		a->focus = PANE_RECORDS;
		break;
	default:
		return APP_BELL;
	}
	return APP_REDRAW;
}

const struct pane_ops pane_list_ops = {
	.title = "Disputes",
	.draw = list_draw,
	.action = list_action,
};
