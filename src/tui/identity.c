/* Who is writing: the first workbench without a name in the settings asks for the user's name and role once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "dispute/text.h"

void identity_open(struct app *a)
{
	struct identity_state *w = &a->who;

	textedit_set(&w->name, a->c->config.name);
	textedit_set(&w->role, a->c->config.role);
	w->field = 0;
	w->msg[0] = '\0';
	a->mode = MODE_IDENTITY;
}

/* A field's text with its ends trimmed, or NULL when blank (caller frees). */
static char *field_value(const struct textedit *t)
{
	char *v = text_sanitize(textedit_text(t), false), *p = v, *e;

	while (*p == ' ')
		p++;
	e = p + strlen(p);
	while (e > p && e[-1] == ' ')
		*--e = '\0';
	if (!*p) {
		free(v);
		return NULL;
	}
	memmove(v, p, strlen(p) + 1);
	return v;
}

static unsigned identity_save(struct app *a)
{
	struct identity_state *w = &a->who;
	struct config *cfg = &a->c->config;
	char *name = field_value(&w->name), *role = field_value(&w->role), *old_name = cfg->name,
	     *old_role = cfg->role;
	struct error err;

	if (!name) {
		free(role);
		snprintf(w->msg, sizeof(w->msg), "Your name is needed: it signs every record");
		w->field = 0;
		return APP_REDRAW;
	}
	if (!cfg->path) {
		free(name);
		free(role);
		snprintf(w->msg, sizeof(w->msg), "There is nowhere to save it: set HOME or XDG_CONFIG_HOME");
		return APP_REDRAW;
	}
	cfg->name = name;
	cfg->role = role;
	error_clear(&err);
	if (ctx_config_save(a->c, &err) != ST_OK) {
		cfg->name = old_name;
		cfg->role = old_role;
		free(name);
		free(role);
		snprintf(w->msg, sizeof(w->msg), "%s", err.msg);
		return APP_REDRAW;
	}
	free(old_name);
	free(old_role);
	a->mode = a->draft.draft.text ? MODE_DRAFT : MODE_NORMAL;
	app_guard(a);
	app_status(a, false, "Records are signed %s from now on (settings: %s)", a->c->author, cfg->path);
	return APP_REDRAW;
}

static unsigned identity_key(struct app *a, int key)
{
	struct identity_state *w = &a->who;
	enum action act = keys_lookup(KC_FORM, key);

	w->msg[0] = '\0';
	if (act == ACT_FM_SUBMIT)
		return identity_save(a);
	if (act == ACT_FM_CANCEL) {
		a->mode = a->draft.draft.text ? MODE_DRAFT : MODE_NORMAL;
		app_guard(a);
		app_status(a, true, "No name is set: nothing can be written until you give one (asked again at start)");
		return APP_REDRAW;
	}
	if (act == ACT_FM_NEXT || act == ACT_FM_PREV) {
		w->field = !w->field;
		return APP_REDRAW;
	}
	return textedit_key(w->field ? &w->role : &w->name, key, 0) < 0 ? APP_BELL : APP_REDRAW;
}

static void identity_draw(struct app *a, struct screen *s)
{
	struct identity_state *w = &a->who;
	struct rect r = form_box(a, s, 76, 12, "Who is writing?");
	struct rect in = rect_inner(r);
	int y = in.y;

	y += form_text_draw(s, y, in.x + 1, in.w - 2, 3, 0,
	                    "Every record and every change is signed with your name, and your role if you give it. "
	                    "It is asked once and kept in your settings.");
	y++;
	screen_put(s, y, in.x + 1, 8, w->field == 0 ? SA_REVERSE | SA_BOLD : SA_BOLD, "Name");
	form_field_draw(s, y, in.x + 10, in.w - 12, &w->name, w->field == 0);
	y += 2;
	screen_put(s, y, in.x + 1, 8, w->field == 1 ? SA_REVERSE | SA_BOLD : SA_BOLD, "Role");
	form_field_draw(s, y, in.x + 10, in.w - 12, &w->role, w->field == 1);
	y += 2;
	if (w->msg[0])
		form_text_draw(s, y, in.x + 1, in.w - 2, 1, SA_COLOUR(SC_OVERDUE) | SA_BOLD, w->msg);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD, "Tab field · Ctrl-S save · Esc later");
}

static struct textedit *identity_field(struct app *a, bool *multiline)
{
	*multiline = false;
	return a->who.field ? &a->who.role : &a->who.name;
}

static unsigned identity_hints(const struct app *a)
{
	(void)a;
	return KC_BIT(KC_TEXT);
}

const struct mode_ops mode_identity_ops = { identity_key, identity_draw, identity_field, identity_hints };
