/* The deadline board pane: the open disputes' running deadlines overdue, due today, due this week and later, with counts. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "pane.h"

static const char *const bucket_names[BOARD_COUNT] = {
	"OVERDUE", "DUE TODAY", "DUE THIS WEEK (next 7 days)", "LATER OR NO LIMIT", "FOLLOW-UPS DUE",
};

/* The order the sections are shown in: follow-ups due come after the
 * deadlines due today. */
static const enum board_bucket board_order[BOARD_COUNT] = {
	BOARD_OVERDUE, BOARD_TODAY, BOARD_FOLLOWUP, BOARD_WEEK, BOARD_LATER,
};

/* Whether a section is shown: the follow-ups only when there are some. */
static bool bucket_shown(const struct board_state *b, int i)
{
	return i != BOARD_FOLLOWUP || b->count[i] > 0;
}

/* How many items of each bucket fit in h lines, and whether a "… and N
 * more" line follows.  Lines are dealt out in turn, overdue first, so a
 * long overdue list never hides that something is due today. */
static void board_fit(const struct app *a, int h, int shown[BOARD_COUNT], bool more[BOARD_COUNT])
{
	const struct board_state *b = &a->board;
	int avail = h, lines[BOARD_COUNT] = { 0 }, have[BOARD_COUNT];
	bool dealt = true;

	for (int i = 0; i < BOARD_COUNT; i++) {
		have[i] = b->nrows[i] < b->count[i] ? b->nrows[i] : b->count[i];
		avail -= bucket_shown(b, i);
	}
	while (avail > 0 && dealt) {
		dealt = false;
		for (int k = 0; k < BOARD_COUNT && avail > 0; k++) {
			int i = board_order[k];

			if (lines[i] < b->count[i] && lines[i] < have[i] + 1) {
				lines[i]++;
				avail--;
				dealt = true;
			}
		}
	}
	for (int i = 0; i < BOARD_COUNT; i++) {
		/* A bucket cut short gives its last line to "… and N more". */
		more[i] = lines[i] < b->count[i] || have[i] < b->count[i];
		shown[i] = more[i] && lines[i] > 0 ? lines[i] - 1 : lines[i];
		if (shown[i] > have[i])
			shown[i] = have[i];
		if (lines[i] == 0)
			more[i] = false;
	}
}

/* How many items are shown in h lines (as board_fit), and their total. */
static int board_items(const struct app *a, int h, int shown[BOARD_COUNT], bool more[BOARD_COUNT])
{
	int total = 0;

	board_fit(a, h, shown, more);
	for (int i = 0; i < BOARD_COUNT; i++)
		total += shown[i];
	return total;
}

static void board_draw(struct app *a, struct screen *s, struct rect r, bool focused)
{
	const struct board_state *b = &a->board;
	struct rect in = rect_inner(r);
	int shown[BOARD_COUNT], y = in.y, item = 0, total;
	bool more[BOARD_COUNT];
	bool dates = in.w >= 60;

	pane_frame(s, r, "Deadlines", focused);
	total = board_items(a, in.h, shown, more);
	if (a->board.sel >= total)
		a->board.sel = total > 0 ? total - 1 : 0;
	for (int o = 0; o < BOARD_COUNT && y < in.y + in.h; o++) {
		int i = board_order[o];
		unsigned head = SA_BOLD;

		if (!bucket_shown(b, i))
			continue;
		if ((i == BOARD_OVERDUE || i == BOARD_FOLLOWUP) && b->count[i] > 0)
			head |= SA_COLOUR(SC_OVERDUE);
		else if (i == BOARD_TODAY && b->count[i] > 0)
			head |= SA_COLOUR(SC_URGENT);
		screen_printf(s, y++, in.x + 1, in.w - 1, head, "%s (%d)", bucket_names[i], b->count[i]);
		for (int k = 0; k < shown[i] && y < in.y + in.h; k++, item++) {
			const struct list_row *row = &b->rows[i][k];
			bool sel = focused && item == a->board.sel;
			unsigned attr = sel ? SA_REVERSE | SA_COLOUR(SC_SELECT) : app_row_attr(row);
			char left[32], due[16];
			int x = in.x + 1, right;

			screen_fill(s, y, in.x, in.w, attr);
			if (sel)
				screen_put(s, y, in.x, 1, attr, ">");
			app_left_text(row, left, sizeof(left));
			right = in.x + in.w - 10;
			x += screen_put(s, y, x + 1, 11, attr, row->ref) + 2;
			if (row->urgent)
				x += screen_put(s, y, x, 4, sel ? attr : attr | SA_COLOUR(SC_URGENT) | SA_BOLD, "URG") + 1;
			if (row->next) {
				/* A follow-up: the record it was set on and what is to be done. */
				char what[32];

				snprintf(what, sizeof(what), "#%lld", row->record);
				x += screen_put(s, y, x, 8, attr | SA_BOLD, what) + 1;
				screen_put_fit(s, y, x, right - 1 - x, attr, row->next);
			} else {
				/* a deadline beside the stage's says which it is */
				if (row->what_text[0])
					x += screen_put(s, y, x, right - 2 - x, sel ? attr : attr | SA_BOLD, row->what_text) + 1;
				if (dates && row->due != DATE_NONE) {
					date_format(row->due, due);
					screen_put(s, y, right - 11, 10, attr, due);
					app_put_agency(s, y, x, right - 12 - x, attr, row);
				} else {
					app_put_agency(s, y, x, right - 1 - x, attr, row);
				}
			}
			screen_put(s, y, right, 10, attr, left);
			y++;
		}
		if (more[i] && y < in.y + in.h)
			screen_printf(s, y++, in.x + 3, in.w - 3, SA_DIM, "… and %d more", b->count[i] - shown[i]);
	}
}

/* The dispute under the board's cursor, or NULL. */
static const struct list_row *board_selected(struct app *a)
{
	int shown[BOARD_COUNT], item = a->board.sel;
	bool more[BOARD_COUNT];

	board_items(a, rect_inner(a->pane_rect[PANE_BOARD]).h, shown, more);
	for (int o = 0; o < BOARD_COUNT; o++) {
		int i = board_order[o];

		if (item < shown[i])
			return &a->board.rows[i][item];
		item -= shown[i];
	}
	return NULL;
}

static unsigned board_action(struct app *a, enum action act)
{
	int shown[BOARD_COUNT];
	bool more[BOARD_COUNT];
	int total = board_items(a, rect_inner(a->pane_rect[PANE_BOARD]).h, shown, more);
	const struct list_row *row;

	switch (act) {
	case ACT_DOWN:
		if (a->board.sel + 1 < total)
			a->board.sel++;
		break;
	case ACT_UP:
		if (a->board.sel > 0)
			a->board.sel--;
		break;
	case ACT_FIRST:
	case ACT_PAGE_UP:
		a->board.sel = 0;
		break;
	case ACT_LAST:
	case ACT_PAGE_DOWN:
		a->board.sel = total > 0 ? total - 1 : 0;
		break;
	case ACT_OPEN:
		row = board_selected(a);
		if (!row)
			return APP_BELL;
		app_select(a, row->ref);
		a->focus = PANE_TIMELINE;
		break;
	default:
		return APP_BELL;
	}
	row = board_selected(a);
	if (row && act != ACT_OPEN && a->wide)
		app_select(a, row->ref);
	return APP_REDRAW;
}

const struct pane_ops pane_board_ops = {
	.title = "Deadlines",
	.draw = board_draw,
	.action = board_action,
};
