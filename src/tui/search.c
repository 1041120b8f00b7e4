/* The search prompt on the status line: what is typed narrows the dispute list. */
#include <stdlib.h>

#include "app.h"
#include "form.h"
#include "dispute/text.h"

static unsigned search_key(struct app *a, int key)
{
	if (key == K_ESC) {
		a->mode = MODE_NORMAL;
		app_guard(a);
		return APP_REDRAW;
	}
	if (key == K_ENTER || key == K_RETURN) {
		char *q = text_sanitize(textedit_text(&a->search), false);

		a->mode = MODE_NORMAL;
		app_guard(a);
		free(a->list.search);
		a->list.search = form_blank(q) ? NULL : q;
		if (!a->list.search)
			free(q);
		a->list.sel = a->list.top = 0;
		app_reload_list(a);
		app_list_move(a, 0);
		if (a->list.search)
			app_status(a, false, "%d %s \"%s\" (Esc clears the search)", a->list.total,
			           a->list.total == 1 ? "dispute matches" : "disputes match", a->list.search);
		return APP_REDRAW;
	}
	return textedit_key(&a->search, key, 0) < 0 ? APP_BELL : APP_REDRAW;
}

static void search_draw(struct app *a, struct screen *s)
{
	int y = a->h - 1, lw;
	const char *hint = " Enter search · Esc cancel";
	int hw = text_width(hint);

	screen_fill(s, y, 0, a->w, 0);
	lw = screen_put(s, y, 0, a->w, SA_BOLD, "Search: ");
	form_field_draw(s, y, lw, a->w - lw - hw - 1, &a->search, true);
	screen_put(s, y, a->w - hw, hw, SA_DIM, hint);
}

static struct textedit *search_field(struct app *a, bool *multiline)
{
	*multiline = false;
	return &a->search;
}

const struct mode_ops mode_search_ops = { search_key, search_draw, search_field, NULL };
