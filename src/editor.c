/* The record editor: typing a journal record during a call, with the draft kept in the database as it grows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/app.h"
#include "dispute/date.h"
#include "dispute/editor.h"
#include "dispute/text.h"

enum { FIELD_KIND, FIELD_WHEN, FIELD_TEXT };

static void when_now(struct app *a)
{
	char day[11], buf[32];
	int m = a->c->now_minute;

	date_format(a->c->today, day);
	if (m >= 0 && m < 24 * 60)
		snprintf(buf, sizeof(buf), "%s %02d:%02d", day, m / 60, m % 60);
	else
		snprintf(buf, sizeof(buf), "%s", day);
	textedit_set(&a->ed.when, buf);
}

void editor_open(struct app *a, const char *text, enum record_kind kind, bool have_kind)
{
	struct editor_state *e = &a->ed;
	const struct dispute *d = &a->detail.d;
	struct error err;
	char *stored = NULL, *clean;
	enum record_kind stored_kind = RK_CALL;

	if (!a->detail.loaded)
		return;
	error_clear(&err);
	e->dispute_id = d->id;
	snprintf(e->ref, sizeof(e->ref), "%s", d->reference);
	e->stored = false;
	if (!text) {
		if (store_draft_get(a->c->store, d->id, &stored_kind, &stored, &err) != ST_OK)
			app_error(a, &err);
		if (stored) {
			text = stored;
			kind = stored_kind;
			have_kind = true;
			e->stored = true;
			app_status(a, false, "Continuing the draft kept for %s", e->ref);
		}
	} else {
		e->stored = true;
	}
	e->kind = have_kind && kind != RK_EVENT && kind < RK_COUNT ? kind : RK_CALL;
	/* A kept draft is the user's own typing, but it came from the
	 * database: it goes through the same sanitizer as everything else. */
	clean = text_sanitize(text ? text : "", true);
	textedit_set(&e->text, clean);
	free(clean);
	free(stored);
	when_now(a);
	e->field = FIELD_TEXT;
	e->dirty = false;
	e->dirty_since = -1;
	e->scroll = 0;
	a->mode = MODE_EDITOR;
}

void editor_store_draft(struct app *a)
{
	struct editor_state *e = &a->ed;
	struct error err;
	const char *text = textedit_text(&e->text);
	enum status rc;

	if (!e->dirty || !e->dispute_id)
		return;
	error_clear(&err);
	if (*text) {
		rc = store_draft_put(a->c->store, e->dispute_id, e->kind, text, &err);
		e->stored = rc == ST_OK;
	} else {
		rc = store_draft_clear(a->c->store, e->dispute_id, &err);
		if (rc == ST_OK)
			e->stored = false;
	}
	if (rc != ST_OK) {
		app_error(a, &err);
		return;
	}
	e->dirty = false;
	e->dirty_since = -1;
}

void editor_close(struct app *a)
{
	struct editor_state *e = &a->ed;

	editor_store_draft(a);
	a->mode = MODE_NORMAL;
	if (e->stored)
		app_status(a, false, "Draft kept for %s: press a on it to carry on", e->ref);
	else
		app_status(a, false, "Editor closed; nothing was written");
}

static bool text_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\t')
			return false;
	return true;
}

static unsigned editor_save(struct app *a)
{
	struct editor_state *e = &a->ed;
	struct record r;
	struct error err;
	long day;
	int minute;

	if (text_blank(textedit_text(&e->text))) {
		app_status(a, true, "The record is empty: type what was said or done");
		return APP_REDRAW;
	}
	if (!datetime_parse(textedit_text(&e->when), &day, &minute)) {
		app_status(a, true, "The time should read YYYY-MM-DD HH:MM");
		e->field = FIELD_WHEN;
		return APP_REDRAW;
	}
	record_init(&r);
	r.kind = e->kind;
	r.text = xstrdup(textedit_text(&e->text));
	r.day = day;
	r.minute = minute;
	error_clear(&err);
	/* The record and the draft's removal are one transaction: a crash
	 * between the two would otherwise offer the saved record back. */
	if (svc_record_draft(a->c, e->ref, &r, &err) != ST_OK) {
		record_free(&r);
		/* Keep everything typed: the draft is stored and the editor stays. */
		e->dirty = true;
		editor_store_draft(a);
		app_error(a, &err);
		return APP_REDRAW;
	}
	record_free(&r);
	e->stored = false;
	e->dirty = false;
	textedit_set(&e->text, NULL);
	a->mode = MODE_NORMAL;
	app_select(a, e->ref);
	if (!a->status_error)
		app_status(a, false, "Saved the %s record on %s", record_kind_name(e->kind), e->ref);
	return APP_REDRAW;
}

static void kind_step(struct editor_state *e, int dir)
{
	int k = (int)e->kind;

	do
		k = (k + dir + RK_COUNT) % RK_COUNT;
	while (k == RK_EVENT);
	e->kind = (enum record_kind)k;
	e->dirty = true;
}

static unsigned kind_key(struct editor_state *e, int key)
{
	switch (key) {
	case K_LEFT:
		kind_step(e, -1);
		return APP_REDRAW;
	case K_RIGHT:
	case ' ':
		kind_step(e, 1);
		return APP_REDRAW;
	case K_TAB:
	case K_DOWN:
	case K_ENTER:
	case K_RETURN:
		e->field = FIELD_WHEN;
		return APP_REDRAW;
	default:
		break;
	}
	/* A letter picks the first kind starting with it. */
	for (int k = 0; k < RK_COUNT; k++)
		if (k != RK_EVENT && key < 0x80 && record_kind_name((enum record_kind)k)[0] == key) {
			e->kind = (enum record_kind)k;
			e->dirty = true;
			return APP_REDRAW;
		}
	return APP_BELL;
}

unsigned editor_key(struct app *a, int key)
{
	struct editor_state *e = &a->ed;
	enum action act = keys_lookup(KC_EDITOR, key);
	int rc, row, col;

	if (!a->status_error)
		a->status[0] = '\0';
	if (act == ACT_ED_SAVE)
		return editor_save(a);
	if (act == ACT_ED_CLOSE) {
		editor_close(a);
		return APP_REDRAW;
	}
	if (act == ACT_ED_FIELD) {
		e->field = (e->field + 2) % 3;
		return APP_REDRAW;
	}
	a->status[0] = '\0';
	a->status_error = false;
	switch (e->field) {
	case FIELD_KIND:
		return kind_key(e, key);
	case FIELD_WHEN:
		if (key == K_TAB || key == K_DOWN || key == K_ENTER || key == K_RETURN) {
			e->field = FIELD_TEXT;
			return APP_REDRAW;
		}
		if (key == K_UP) {
			e->field = FIELD_KIND;
			return APP_REDRAW;
		}
		return textedit_key(&e->when, key, 0) < 0 ? APP_BELL : APP_REDRAW;
	default:
		break;
	}
	if (key == K_UP) {
		textedit_cursor(&e->text, e->width, &row, &col);
		if (row == 0) {
			e->field = FIELD_WHEN;
			return APP_REDRAW;
		}
	}
	rc = textedit_key(&e->text, key, e->width);
	if (rc < 0)
		return APP_BELL;
	if (rc > 0)
		e->dirty = true;
	return APP_REDRAW;
}

void editor_draw(struct app *a, struct screen *s, struct rect r)
{
	struct editor_state *e = &a->ed;
	struct rect in = rect_inner(r);
	const struct wrap_line *wl;
	char title[64], foot[128];
	const char *buf = textedit_text(&e->text);
	int x, y, row, col, th;
	size_t n;

	snprintf(title, sizeof(title), "New record · %s", e->ref);
	screen_fill_rect(s, r, 0);
	screen_box(s, r, SA_BOLD, title, SA_BOLD | SA_REVERSE);
	if (in.h < 5 || in.w < 20)
		return;
	x = in.x + 1;
	y = in.y;
	x += screen_put(s, y, x, in.w, e->field == FIELD_KIND ? SA_REVERSE | SA_BOLD : SA_BOLD, "Kind");
	x += 1;
	if (e->field == FIELD_KIND) {
		screen_cursor(s, y, x + 2);
		x += screen_printf(s, y, x, in.w - x, SA_BOLD, "◂ %s ▸", record_kind_name(e->kind));
	} else {
		x += screen_printf(s, y, x, in.w - x, 0, "  %s  ", record_kind_name(e->kind));
	}
	x += 3;
	x += screen_put(s, y, x, in.x + in.w - x, e->field == FIELD_WHEN ? SA_REVERSE | SA_BOLD : SA_BOLD, "At") + 1;
	screen_fill(s, y, x, 16, SA_UNDERLINE);
	screen_put(s, y, x, 16, SA_UNDERLINE | (e->field == FIELD_WHEN ? SA_BOLD : 0), textedit_text(&e->when));
	if (e->field == FIELD_WHEN)
		screen_cursor(s, y, x + text_span_width(e->when.buf, 0, e->when.cur));
	x += 18;
	screen_put_fit(s, y, x, in.x + in.w - x, SA_DIM, "by");
	screen_put_fit(s, y, x + 3, in.x + in.w - x - 3, SA_DIM, a->c->author ? a->c->author : "");
	screen_hline(s, in.y + 1, r.x + 1, r.w - 2, SA_DIM);
	screen_hline(s, in.y + in.h - 2, r.x + 1, r.w - 2, SA_DIM);

	/* The text area, scrolled to keep the cursor in view.  The wrapped
	 * lines are kept by the text itself: drawing after a key costs the
	 * lines shown, not the whole text (a note may run to 256 KiB). */
	e->width = in.w - 2;
	th = in.h - 4;
	n = textedit_lines(&e->text, e->width, &wl);
	textedit_cursor(&e->text, e->width, &row, &col);
	if (row < e->scroll)
		e->scroll = row;
	if (row >= e->scroll + th)
		e->scroll = row - th + 1;
	for (int i = 0; i < th && (size_t)(e->scroll + i) < n; i++) {
		const struct wrap_line *l = &wl[e->scroll + i];
		char *piece = xstrndup(buf + l->start, l->end - l->start);

		for (char *p = piece; *p; p++)
			if (*p == '\t')
				*p = ' ';
		screen_put(s, in.y + 2 + i, in.x + 1, e->width, 0, piece);
		free(piece);
	}
	if (e->text.len == 0)
		screen_put_fit(s, in.y + 2, in.x + 1, e->width, SA_DIM,
		               "Type the record. Enter: new line. Kept as a draft as you type.");
	if (e->field == FIELD_TEXT)
		screen_cursor(s, in.y + 2 + row - e->scroll, in.x + 1 + (col < e->width ? col : e->width - 1));

	snprintf(foot, sizeof(foot), "%s · %zu chars", e->dirty ? "draft: typing" : e->stored ? "draft: saved" :
	         "draft: empty", e->text.chars);
	{
		const char *keys = "Ctrl-S or F2 save · Esc close (draft kept)";
		int fw = text_width(foot), kw = text_width(keys);

		if (kw + fw + 3 <= in.w)
			screen_put(s, in.y + in.h - 1, in.x + 1, kw, SA_BOLD, keys);
		else
			screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - fw - 3, SA_BOLD, "Ctrl-S/F2 save · Esc close");
		screen_put(s, in.y + in.h - 1, in.x + in.w - fw - 1, fw, SA_DIM, foot);
	}
}
