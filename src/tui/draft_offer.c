/* The offer, at start, of a record draft kept from a workbench that closed or died while it was being typed. */
#include <stdlib.h>

#include "app.h"
#include "editor.h"
#include "form.h"
#include "dispute/text.h"

static unsigned draft_key(struct app *a, int key)
{
	struct draft_offer *o = &a->draft;

	if (key == K_ENTER || key == K_RETURN) {
		draft_free(&o->draft);
		a->mode = MODE_NORMAL;
		app_select(a, o->ref);
		if (!a->detail.loaded)
			return APP_REDRAW;
		app_list_find(a, o->ref);
		a->focus = PANE_RECORDS;
		editor_open(a, 0);
		return APP_REDRAW;
	}
	if (key == K_ESC || key == 'q') {
		a->mode = MODE_NORMAL;
		app_status(a, false, "The draft for %s is kept: press a on that dispute to finish it", o->ref);
		draft_free(&o->draft);
		return APP_REDRAW;
	}
	return APP_BELL;
}

static void draft_draw(struct app *a, struct screen *s)
{
	struct draft_offer *o = &a->draft;
	char *clean = text_sanitize(o->draft.text ? o->draft.text : "", true);
	const char *empty = "(empty: the text was deleted just before; Ctrl-Z in the editor brings it back)";
	int w = a->w - 8 < 76 ? a->w - 8 : 76, tl = form_text_lines(*clean ? clean : empty, w - 6), shown, h;
	struct rect r, in;
	int y;

	shown = tl < a->h - 14 ? tl : a->h - 14;
	if (shown < 1)
		shown = 1;
	h = shown + 8;
	r = form_box(a, s, w, h, "Unsaved record draft");
	in = rect_inner(r);
	y = in.y;
	if (o->draft.amends)
		screen_printf(s, y++, in.x + 1, in.w - 2, 0, "A correction of #%lld on %s was being written when the",
		              o->draft.amends, o->ref);
	else
		screen_printf(s, y++, in.x + 1, in.w - 2, 0, "A %s record for %s was being written when the",
		              record_kind_name(o->draft.kind), o->ref);
	screen_put_fit(s, y++, in.x + 1, in.w - 2, 0, "workbench last closed. It was kept word for word:");
	y++;
	y += form_text_draw(s, y, in.x + 3, in.w - 4, shown, *clean ? SA_BOLD : SA_DIM, *clean ? clean : empty);
	if (tl > shown)
		screen_printf(s, y - 1, in.x + in.w - 14, 12, SA_DIM, " … %d more", tl - shown);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD,
	               "Enter: continue it in the editor · Esc: later");
	free(clean);
}

const struct mode_ops mode_draft_ops = { draft_key, draft_draw, NULL, NULL };
