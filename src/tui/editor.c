/* The record editor: typing a journal record (or a correction of one) during a call, with the draft kept in the database as it grows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "editor.h"
#include "form.h"
#include "dispute/text.h"

enum { FIELD_KIND, FIELD_WHEN, FIELD_TEXT };

/* The lines of the quoted original shown above a correction. */
#define QUOTE_LINES 4

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

/* The record with this id in the loaded journal, or NULL. */
static const struct record *record_find(const struct app *a, long long id)
{
	for (size_t i = 0; i < a->detail.nrecords; i++)
		if (a->detail.records[i].id == id)
			return &a->detail.records[i];
	return NULL;
}

/* "#5 2026-11-13 16:45 decision · Łukasz Nowak" and the text, quoted. */
static char *quote_of(const struct record *r)
{
	char when[17];

	datetime_format(r->day, r->minute, when);
	if (when[10] == 'T')
		when[10] = ' ';
	return xasprintf("#%lld %s %s · %s\n%s", r->id, when,
	                 record_kind_name(r->kind), r->author ? r->author : "", r->text ? r->text : "");
}

void editor_open(struct app *a, long long amends)
{
	struct editor_state *e = &a->ed;
	const struct dispute *d = &a->detail.d;
	const struct record *orig;
	struct draft kept;
	struct error err;
	char *clean;

	if (!a->detail.loaded)
		return;
	error_clear(&err);
	draft_init(&kept);
	if (svc_draft_get(a->c, d->id, &kept, &err) != ST_OK)
		app_error(a, &err);
	if (kept.text && amends && kept.amends != amends) {
		app_status(a, true, "A draft is kept for %s: press a to finish it (or empty it) before correcting a record",
		           d->reference);
		draft_free(&kept);
		return;
	}
	if (kept.text)
		amends = kept.amends;
	orig = amends ? record_find(a, amends) : NULL;
	if (amends && !orig) {
		app_status(a, true, "Record #%lld is not in the journal of %s", amends, d->reference);
		draft_free(&kept);
		return;
	}
	e->dispute_id = d->id;
	snprintf(e->ref, sizeof(e->ref), "%s", d->reference);
	e->amends = amends;
	free(e->quote);
	e->quote = orig ? quote_of(orig) : NULL;
	e->stored = kept.text != NULL;
	e->kind = kept.text && kept.kind != RK_EVENT && kept.kind < RK_COUNT ? kept.kind :
	          orig ? (orig->kind != RK_EVENT ? orig->kind : RK_NOTE) : RK_CALL;
	/* A kept draft is the user's own typing, but it came from the
	 * database: it goes through the same sanitizer as everything else. */
	clean = text_sanitize(kept.text ? kept.text : "", true);
	textedit_set(&e->text, clean);
	free(clean);
	/* Undo reaches back past the autosave: the history came with the draft. */
	if (kept.text && kept.history)
		textedit_history_load(&e->text, kept.history, kept.history_len);
	/* The record's time is when the note was started, kept with the draft. */
	if (kept.text && kept.at) {
		clean = text_sanitize(kept.at, false);
		textedit_set(&e->when, clean);
		free(clean);
	} else {
		when_now(a);
	}
	if (kept.text)
		app_status(a, false, "Continuing the draft kept for %s", e->ref);
	draft_free(&kept);
	e->field = FIELD_TEXT;
	e->dirty = false;
	e->dirty_since = -1;
	e->scroll = 0;
	a->mode = MODE_EDITOR;
}

void editor_changed(struct app *a)
{
	a->ed.dirty = true;
}

/* Stores the draft; an empty text is stored too while undo could bring
 * text back (a stray Ctrl-U just before the autosave), unless the user is
 * closing the editor on purpose. */
static void draft_store(struct app *a, bool closing)
{
	struct editor_state *e = &a->ed;
	struct error err;
	const char *text = textedit_text(&e->text);
	enum status rc;

	if (!e->dirty || !e->dispute_id)
		return;
	error_clear(&err);
	if (*text || (!closing && textedit_can_undo(&e->text))) {
		struct draft d;
		struct sb hist = {0};

		draft_init(&d);
		d.dispute_id = e->dispute_id;
		d.kind = e->kind;
		d.text = (char *)text;
		d.at = (char *)textedit_text(&e->when);
		d.amends = e->amends;
		textedit_history_save(&e->text, &hist);
		d.history = hist.s;
		d.history_len = hist.len;
		rc = svc_draft_put(a->c, &d, &err);
		free(hist.s);
		e->stored = rc == ST_OK;
	} else {
		rc = svc_draft_clear(a->c, e->dispute_id, &err);
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

void editor_keep_draft(struct app *a)
{
	draft_store(a, false);
}

static void editor_close(struct app *a)
{
	struct editor_state *e = &a->ed;

	draft_store(a, true);
	a->mode = MODE_NORMAL;
	/* The rest of a sentence typed after Esc must not run as commands. */
	app_guard(a);
	if (e->stored) {
		app_status(a, false, "Draft kept for %s: press a on it to carry on", e->ref);
		app_select(a, e->ref);
	} else {
		app_status(a, false, "Editor closed; nothing was written");
	}
}

static unsigned editor_save(struct app *a)
{
	struct editor_state *e = &a->ed;
	struct record r;
	struct error err;
	long day;
	int minute;

	if (form_blank(textedit_text(&e->text))) {
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
	r.amends = e->amends;
	error_clear(&err);
	/* The record and the draft's removal are one transaction: a crash
	 * between the two would otherwise offer the saved record back. */
	if (svc_record_draft(a->c, e->dispute_id, &r, &err) != ST_OK) {
		record_free(&r);
		/* Keep everything typed: the draft is stored and the editor stays. */
		e->dirty = true;
		editor_keep_draft(a);
		app_error(a, &err);
		return APP_REDRAW;
	}
	e->stored = false;
	e->dirty = false;
	textedit_set(&e->text, NULL);
	a->mode = MODE_NORMAL;
	app_guard(a);
	/* A record changes the journal and clears the draft, nothing the list
	 * orders by or the board counts: the journal is read again, by id. */
	app_journal_saved(a, e->dispute_id);
	/* A back-dated record lands among the older ones: show it there. */
	app_select_record(a, r.id);
	if (!a->status_error) {
		if (e->amends)
			app_status(a, false, "Saved #%lld on %s: it corrects #%lld", r.id, e->ref, e->amends);
		else
			app_status(a, false, "Saved the %s record on %s", record_kind_name(e->kind), e->ref);
	}
	record_free(&r);
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

static unsigned editor_key(struct app *a, int key)
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
		if (key == K_TAB || key == K_DOWN || key == K_ENTER) {
			e->field = FIELD_TEXT;
			return APP_REDRAW;
		}
		if (key == K_UP) {
			e->field = FIELD_KIND;
			return APP_REDRAW;
		}
		rc = textedit_key(&e->when, key, 0);
		if (rc > 0)
			e->dirty = true;
		return rc < 0 ? APP_BELL : APP_REDRAW;
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
	if (rc < 0) {
		/* An Alt chord that is not an editing key must not close the
		 * editor nor leak its letter: it is simply not taken. */
		if (K_IS_ALT(key))
			app_status(a, false, "That Alt key does nothing here; Esc closes the editor (the draft is kept)");
		return APP_BELL | APP_REDRAW;
	}
	if (rc > 0)
		e->dirty = true;
	return APP_REDRAW;
}

/* Draws the quoted original of a correction; returns the lines used. */
static int quote_draw(struct app *a, struct screen *s, struct rect in)
{
	struct editor_state *e = &a->ed;
	int used;

	if (!e->quote)
		return 0;
	screen_put_fit(s, in.y, in.x + 1, in.w - 2, SA_BOLD, "Correcting (the original stays in the journal):");
	used = 1 + form_text_draw(s, in.y + 1, in.x + 3, in.w - 4, QUOTE_LINES, SA_DIM, e->quote);
	screen_hline(s, in.y + used, in.x, in.w, SA_DIM);
	return used + 1;
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

	if (e->amends)
		snprintf(title, sizeof(title), "Correction of #%lld · %s", e->amends, e->ref);
	else
		snprintf(title, sizeof(title), "New record · %s", e->ref);
	screen_fill_rect(s, r, 0);
	screen_box(s, r, SA_BOLD, title, SA_BOLD | SA_REVERSE);
	if (in.h < 5 || in.w < 20)
		return;
	if (e->quote && in.h >= 5 + QUOTE_LINES + 2) {
		int q = quote_draw(a, s, in);

		in.y += q;
		in.h -= q;
	}
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
	screen_put_fit(s, y, x + 3, in.x + in.w - x - 3, SA_DIM, a->c->author ? a->c->author : "(no name set)");
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
		               e->amends ? "Type the correction. Enter: new line. Kept as a draft as you type." :
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

static struct textedit *editor_field(struct app *a, bool *multiline)
{
	switch (a->ed.field) {
	case FIELD_TEXT:
		*multiline = true;
		return &a->ed.text;
	case FIELD_WHEN:
		*multiline = false;
		return &a->ed.when;
	default:
		return NULL;
	}
}

static unsigned editor_hints(const struct app *a)
{
	(void)a;
	return KC_BIT(KC_EDITOR) | KC_BIT(KC_TEXT);
}

const struct mode_ops mode_editor_ops = { editor_key, NULL, editor_field, editor_hints };
