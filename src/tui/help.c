/* The help screen, generated from the action table so that it cannot drift from the bindings. */
#include "app.h"
#include "form.h"

static int help_lines(void)
{
	int n = 0, nact;
	const struct action_info *t = keys_table(&nact);

	for (int c = 0; c < KC_COUNT; c++) {
		n += 2;
		for (int i = 0; i < nact; i++)
			n += t[i].context == (enum key_context)c;
	}
	return n;
}

static unsigned help_key(struct app *a, int key)
{
	enum action act = keys_lookup(KC_VIEW, key);

	if (act == ACT_VW_CLOSE || key == '?' || key == K_F1 || key == K_ENTER || key == K_RETURN) {
		a->mode = a->mode_before_help == MODE_HELP ? MODE_NORMAL : a->mode_before_help;
		return APP_REDRAW;
	}
	/* The drawing clamps the scroll to the help's length. */
	if (app_scroll(&a->help_scroll, act, false, help_lines()))
		return APP_REDRAW;
	return APP_BELL;
}

static void help_draw(struct app *a, struct screen *s)
{
	struct rect r = a->body, in;
	int nact, line = 0, total = help_lines(), max;
	const struct action_info *t = keys_table(&nact);

	screen_fill_rect(s, r, 0);
	screen_box(s, r, SA_BOLD, "Keys (Esc closes)", SA_BOLD | SA_REVERSE);
	in = rect_inner(r);
	max = total - in.h;
	if (a->help_scroll > (max > 0 ? max : 0))
		a->help_scroll = max > 0 ? max : 0;
	for (int c = 0; c < KC_COUNT; c++) {
		for (int i = -2; i < nact; i++) {
			int y = in.y + line - a->help_scroll;

			if (i >= 0 && t[i].context != (enum key_context)c)
				continue;
			line++;
			if (y < in.y || y >= in.y + in.h || i == -2)
				continue;
			if (i == -1) {
				screen_put_fit(s, y, in.x + 1, in.w - 2, SA_BOLD | SA_UNDERLINE, keys_context_name(c));
				continue;
			}
			screen_put_fit(s, y, in.x + 3, 22, SA_BOLD, t[i].label);
			screen_put_fit(s, y, in.x + 26, in.w - 27, 0, t[i].help);
		}
	}
	if (max > 0)
		screen_put(s, r.y + r.h - 1, r.x + r.w - 12, 10, SA_DIM,
		           a->help_scroll < max ? " more ↓ " : " ↑ above ");
}

static unsigned help_hints(const struct app *a)
{
	(void)a;
	return KC_BIT(KC_VIEW);
}

const struct mode_ops mode_help_ops = { help_key, help_draw, NULL, help_hints };
