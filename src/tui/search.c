/* The search prompt on the status line: what is typed narrows the dispute list to what the search index finds. */
#include <stdio.h>
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
		struct error err;
		int terms = 1;

		a->mode = MODE_NORMAL;
		app_guard(a);
		error_clear(&err);
		/* "*" or "-" alone is nothing to look for: said, the list kept. */
		if (!form_blank(q) && svc_search_terms(a->c, q, &terms, &err) == ST_OK && terms == 0) {
			app_status(a, true, "Nothing to search for in \"%s\": type a word or a number", q);
			free(q);
			return APP_REDRAW;
		}
		app_search(a, q);
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
