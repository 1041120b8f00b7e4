/* The new-dispute form, and the drawing helpers every form and dialog shares. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "editor.h"
#include "form.h"
#include "dispute/protocol.h"
#include "dispute/text.h"

/* ---- shared drawing ---- */

struct rect form_box(struct app *a, struct screen *s, int w, int h, const char *title)
{
	struct rect r;

	if (w > a->w - 2)
		w = a->w - 2;
	if (h > a->h - 2)
		h = a->h - 2;
	r.w = w;
	r.h = h;
	r.x = (a->w - w) / 2;
	r.y = (a->h - h) / 2;
	if (r.y < 1)
		r.y = 1;
	screen_fill_rect(s, r, 0);
	screen_box(s, r, SA_BOLD, title, SA_BOLD | SA_REVERSE);
	return r;
}

/* Draws a one-line input field, scrolled so the cursor shows. */
void form_field_draw(struct screen *s, int y, int x, int w, const struct textedit *t, bool focused)
{
	const char *buf = textedit_text(t);
	size_t start = 0;
	unsigned attr = focused ? SA_UNDERLINE | SA_BOLD : SA_UNDERLINE;

	if (w < 2)
		return;
	/* A field without the focus shows its start, not where the cursor was. */
	while (focused && text_span_width(buf, start, t->cur) >= w) {
		unsigned cp;
		start += utf8_decode(buf + start, t->len - start, &cp);
	}
	screen_fill(s, y, x, w, attr);
	screen_put(s, y, x, w, attr, buf + start);
	if (focused)
		screen_cursor(s, y, x + text_span_width(buf, start, t->cur));
}

/* Draws wrapped text into r from its top; returns the lines used. */
int form_text_draw(struct screen *s, int y, int x, int w, int maxh, unsigned attr, const char *text)
{
	struct wrap_line *wl;
	size_t n = text_wrap(text, strlen(text), w, &wl);
	int used = 0;

	for (size_t i = 0; i < n && used < maxh; i++, used++) {
		char *piece = xstrndup(text + wl[i].start, wl[i].end - wl[i].start);
		screen_put_fit(s, y + used, x, w, attr, piece);
		free(piece);
	}
	free(wl);
	return used;
}

int form_text_lines(const char *text, int w)
{
	struct wrap_line *wl;
	size_t n = text_wrap(text, strlen(text), w, &wl);

	free(wl);
	return (int)n;
}

bool form_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return false;
	return true;
}

/* ---- the new-dispute form ---- */

enum {
	F_PROTOCOL,
	F_URGENT,
	F_SUBJECT,
	F_RAISED_BY,
	F_AGAINST,
	F_CATEGORY,
	F_SUMMARY,
	F_OPENED
};

static const char *const form_labels[FORM_FIELDS] = {
	"Protocol", "Urgent", "Subject", "Raised by", "Against", "Category", "Summary", "Opened",
};

static const char *const form_hints[FORM_FIELDS] = {
	"The local protocol the disagreement runs under.",
	"Significant or immediate risk: the protocol's urgent route applies where it has one.",
	"Case reference and at most initials; your case system holds the identity. Several (siblings): "
	"separate them with ;",
	"The agency raising the disagreement.",
	"The agency whose decision is disputed; several: separate them with ;",
	"What the disagreement is about, from the protocol's list.",
	"One line: which decision is disputed, and why.",
	"The date the disagreement was raised (YYYY-MM-DD).",
};

static bool is_choice(int field)
{
	return field == F_PROTOCOL || field == F_URGENT || field == F_CATEGORY;
}

static const struct protocol *form_protocol(struct app *a)
{
	const struct protocol_set *set = &a->c->protocols;

	return a->form.protocol < set->n ? set->v[a->form.protocol] : NULL;
}

/* The protocol the form starts on: the one named in the settings, else the
 * one last used to open a dispute, else the first. */
static size_t form_first_protocol(struct app *a)
{
	const struct protocol_set *set = &a->c->protocols;
	char *last = NULL;
	struct error err;
	size_t at = 0;
	const char *want = a->c->config.protocol;

	if (!want && svc_setting(a->c, "last-protocol", &last, &err) == ST_OK)
		want = last;
	for (size_t i = 0; want && i < set->n; i++)
		if (ascii_casecmp(set->v[i]->id, want) == 0)
			at = i;
	free(last);
	return at;
}

void form_new_open(struct app *a)
{
	struct form_state *f = &a->form;
	char day[11];

	if (a->c->protocols.n == 0) {
		app_status(a, true, "No protocols are installed, so no dispute can be opened");
		return;
	}
	/* The agency raising is usually the user's own: keep it. */
	for (int i = 0; i < FORM_FIELDS; i++)
		if (i != F_RAISED_BY)
			textedit_set(&f->text[i], NULL);
	textedit_set(&f->text[F_OPENED], date_format(a->c->today, day));
	textedit_set(&f->category_typed, NULL);
	f->field = F_PROTOCOL;
	f->category = 0;
	f->urgent = false;
	f->dirty = false;
	f->discard = false;
	f->msg[0] = '\0';
	f->protocol = form_first_protocol(a);
	a->mode = MODE_FORM;
}

static void form_leave(struct app *a, const char *why)
{
	a->mode = MODE_NORMAL;
	a->form.discard = false;
	app_guard(a);
	app_status(a, false, "%s", why);
}

/* A letter on the protocol field jumps to the next protocol whose id
 * starts with it. */
static bool protocol_jump(struct app *a, int key)
{
	struct form_state *f = &a->form;
	size_t n = a->c->protocols.n;

	if (key >= 0x80 || key < 0x20)
		return false;
	for (size_t k = 1; k <= n; k++) {
		size_t i = (f->protocol + k) % n;
		const char *id = a->c->protocols.v[i]->id;

		if ((id[0] | 0x20) == (key | 0x20)) {
			f->protocol = i;
			f->category = 0;
			textedit_set(&f->category_typed, NULL);
			return true;
		}
	}
	return false;
}

/* Words typed on the category field pick the category they name. */
static unsigned category_typed(struct app *a, int key)
{
	struct form_state *f = &a->form;
	const struct protocol *p = form_protocol(a);
	const struct category *cat = NULL;
	struct error err;

	if (!p || textedit_key(&f->category_typed, key, 0) < 0)
		return APP_BELL;
	if (!*textedit_text(&f->category_typed))
		return APP_REDRAW;
	error_clear(&err);
	if (protocol_category_find(p, textedit_text(&f->category_typed), &cat, &err) == ST_OK) {
		f->category = (size_t)(cat - p->categories);
		f->msg[0] = '\0';
	} else {
		snprintf(f->msg, sizeof(f->msg), "%s", err.msg);
	}
	return APP_REDRAW;
}

static void form_choose(struct app *a, int dir)
{
	struct form_state *f = &a->form;
	const struct protocol *p;
	size_t n;

	switch (f->field) {
	case F_PROTOCOL:
		n = a->c->protocols.n;
		f->protocol = (f->protocol + n + (size_t)(dir + (int)n)) % n;
		f->category = 0;
		textedit_set(&f->category_typed, NULL);
		break;
	case F_URGENT:
		f->urgent = !f->urgent;
		break;
	case F_CATEGORY:
		p = form_protocol(a);
		n = p ? p->ncategories : 0;
		if (n)
			f->category = (f->category + n + (size_t)(dir + (int)n)) % n;
		textedit_set(&f->category_typed, NULL);
		break;
	default:
		break;
	}
}

/* The pieces of a field that takes several values separated by ';',
 * trimmed, empty ones left out: *out is a new array of new strings (the
 * caller frees both).  Returns how many. */
static size_t form_split(const char *text, char ***out)
{
	size_t n = 0;

	*out = NULL;
	while (text && *text) {
		const char *semi = strchr(text, ';'), *end = semi ? semi : text + strlen(text), *s = text;

		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > s) {
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = xstrndup(s, (size_t)(end - s));
		}
		text = semi ? semi + 1 : NULL;
	}
	return n;
}

static void form_split_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static unsigned form_submit(struct app *a)
{
	struct form_state *f = &a->form;
	const struct protocol *p = form_protocol(a);
	struct dispute_new args;
	struct error err;
	char ref[16] = "", due[32], **subjects = NULL, **against = NULL;
	size_t nsubjects = 0, nagainst = 0;
	enum status rc;
	long opened;

	for (int i = F_SUBJECT; i < FORM_FIELDS; i++) {
		if (is_choice(i) || !form_blank(textedit_text(&f->text[i])))
			continue;
		snprintf(f->msg, sizeof(f->msg), "%s is empty", form_labels[i]);
		f->field = i;
		return APP_REDRAW;
	}
	if (!p || p->ncategories == 0) {
		snprintf(f->msg, sizeof(f->msg), "The protocol has no categories to choose from");
		return APP_REDRAW;
	}
	if (!date_parse(textedit_text(&f->text[F_OPENED]), &opened)) {
		snprintf(f->msg, sizeof(f->msg), "Opened must be a date like 2026-11-27");
		f->field = F_OPENED;
		return APP_REDRAW;
	}
	memset(&args, 0, sizeof(args));
	/* Several subjects or other agencies are separated by ';'. */
	nsubjects = form_split(textedit_text(&f->text[F_SUBJECT]), &subjects);
	nagainst = form_split(textedit_text(&f->text[F_AGAINST]), &against);
	args.subject = nsubjects ? subjects[0] : textedit_text(&f->text[F_SUBJECT]);
	args.subjects = nsubjects > 1 ? (const char *const *)subjects + 1 : NULL;
	args.nsubjects = nsubjects > 1 ? nsubjects - 1 : 0;
	args.raised_by = textedit_text(&f->text[F_RAISED_BY]);
	args.against = nagainst ? against[0] : textedit_text(&f->text[F_AGAINST]);
	args.others = nagainst > 1 ? (const char *const *)against + 1 : NULL;
	args.nothers = nagainst > 1 ? nagainst - 1 : 0;
	args.summary = textedit_text(&f->text[F_SUMMARY]);
	args.category = p->categories[f->category].key;
	args.urgent = f->urgent;
	args.opened = opened;
	args.minute = opened == a->c->today ? a->c->now_minute : TIME_NONE;
	error_clear(&err);
	rc = svc_new(a->c, p->id, &args, ref, NULL, &err);
	form_split_free(subjects, nsubjects);
	form_split_free(against, nagainst);
	if (rc != ST_OK) {
		snprintf(f->msg, sizeof(f->msg), "%s", err.msg[0] ? err.msg : status_name(err.code));
		return APP_REDRAW;
	}
	/* The next new dispute starts on this protocol. */
	if (svc_setting_set(a->c, "last-protocol", p->id, &err) != ST_OK)
		error_clear(&err);
	a->mode = MODE_NORMAL;
	app_guard(a);
	app_changed(a, ref);
	if (a->detail.loaded && dispute_current(&a->detail.d) &&
	    dispute_current(&a->detail.d)->due != DATE_NONE) {
		app_date_text(dispute_current(&a->detail.d)->due, due, sizeof(due));
		app_status(a, false, "Opened %s under %s: stage 1 due %s", ref, p->id, due);
	} else {
		app_status(a, false, "Opened %s under %s", ref, p->id);
	}
	return APP_REDRAW;
}

static unsigned form_new_key(struct app *a, int key)
{
	struct form_state *f = &a->form;
	enum action act = keys_lookup(KC_FORM, key);
	int rc;

	f->msg[0] = '\0';
	if (f->discard) {
		/* Esc twice throws the form away; any other key goes back to it. */
		if (act == ACT_FM_CANCEL) {
			form_leave(a, "New dispute discarded: nothing was saved");
			return APP_REDRAW;
		}
		f->discard = false;
		return APP_REDRAW;
	}
	if (act == ACT_FM_CANCEL) {
		if (!f->dirty) {
			form_leave(a, "New dispute cancelled");
			return APP_REDRAW;
		}
		f->discard = true;
		return APP_REDRAW;
	}
	/* Only Ctrl-S opens the dispute: Enter moves on, even on the last field. */
	if (act == ACT_FM_SUBMIT)
		return form_submit(a);
	if (act == ACT_FM_NEXT) {
		f->field = (f->field + 1) % FORM_FIELDS;
		return APP_REDRAW;
	}
	if (act == ACT_FM_PREV) {
		f->field = (f->field + FORM_FIELDS - 1) % FORM_FIELDS;
		return APP_REDRAW;
	}
	if (is_choice(f->field)) {
		if (act == ACT_FM_CHOOSE || (key == ' ' && f->field != F_CATEGORY)) {
			form_choose(a, key == K_LEFT ? -1 : 1);
			f->dirty = true;
			return APP_REDRAW;
		}
		if (f->field == F_URGENT && (key == 'y' || key == 'n')) {
			f->urgent = key == 'y';
			f->dirty = true;
			return APP_REDRAW;
		}
		if (f->field == F_PROTOCOL)
			return protocol_jump(a, key) ? APP_REDRAW : APP_BELL;
		if (f->field == F_CATEGORY) {
			f->dirty = true;
			return category_typed(a, key);
		}
		return APP_BELL;
	}
	rc = textedit_key(&f->text[f->field], key, 0);
	if (rc > 0)
		f->dirty = true;
	return rc < 0 ? APP_BELL : APP_REDRAW;
}

static void form_new_draw(struct app *a, struct screen *s)
{
	struct form_state *f = &a->form;
	const struct protocol *p = form_protocol(a);
	struct rect r = form_box(a, s, 90, FORM_FIELDS + 8, "New dispute");
	struct rect in = rect_inner(r);
	int fx = in.x + 13, fw = in.w - 14, y = in.y;
	char buf[512];

	for (int i = 0; i < FORM_FIELDS; i++, y++) {
		bool focus = f->field == i;
		const char *value = NULL;

		screen_put(s, y, in.x + 1, 11, focus ? SA_REVERSE | SA_BOLD : SA_BOLD, form_labels[i]);
		if (!is_choice(i)) {
			form_field_draw(s, y, fx + 2, fw - 4, &f->text[i], focus);
			continue;
		}
		if (i == F_PROTOCOL && p) {
			snprintf(buf, sizeof(buf), "%s: %s", p->id, p->title ? p->title : "");
			value = buf;
		} else if (i == F_URGENT) {
			value = f->urgent ? "yes" : "no";
		} else if (i == F_CATEGORY && p && f->category < p->ncategories) {
			if (focus && *textedit_text(&f->category_typed))
				snprintf(buf, sizeof(buf), "%s  (typed: %s)", p->categories[f->category].label,
				         textedit_text(&f->category_typed));
			else
				snprintf(buf, sizeof(buf), "%s", p->categories[f->category].label);
			value = buf;
		}
		screen_put(s, y, fx, 2, focus ? SA_BOLD : SA_DIM, focus ? "◂" : " ");
		screen_put_fit(s, y, fx + 2, fw - 4, focus ? SA_BOLD : 0, value ? value : "—");
		if (focus) {
			screen_put(s, y, fx + fw - 1, 1, SA_BOLD, "▸");
			screen_cursor(s, y, fx + 2);
		}
	}
	y++;
	if (f->field == F_PROTOCOL && p) {
		size_t n;
		protocol_stages(p, false, &n);
		snprintf(buf, sizeof(buf), "%zu stages; %s; %s", n,
		         p->population ? p->population : "", p->urgent ? "has an urgent route" : "no urgent route");
		form_text_draw(s, y, in.x + 1, in.w - 2, 2, SA_DIM, buf);
	} else if (f->field == F_URGENT && p && p->urgent) {
		snprintf(buf, sizeof(buf), "%s Urgent route: %s.", form_hints[F_URGENT], p->urgent->name);
		form_text_draw(s, y, in.x + 1, in.w - 2, 2, SA_DIM, buf);
	} else if ((f->field == F_SUBJECT || f->field == F_AGAINST) && strchr(textedit_text(&f->text[f->field]), ';')) {
		/* What the dispute will hold, as the ';' split it. */
		char **v;
		size_t n = form_split(textedit_text(&f->text[f->field]), &v);
		struct sb sb = {0};

		sb_printf(&sb, "%zu %s: ", n, f->field == F_SUBJECT ? "subjects" : "other agencies");
		for (size_t i = 0; i < n; i++)
			sb_printf(&sb, "%s%s", i ? " · " : "", v[i]);
		form_text_draw(s, y, in.x + 1, in.w - 2, 2, SA_BOLD, sb.s);
		free(sb.s);
		form_split_free(v, n);
	} else {
		form_text_draw(s, y, in.x + 1, in.w - 2, 2, SA_DIM, form_hints[f->field]);
	}
	y += 2;
	if (f->discard)
		form_text_draw(s, y, in.x + 1, in.w - 2, 2, SA_COLOUR(SC_OVERDUE) | SA_BOLD,
		               "Throw this new dispute away? Esc again discards it; any other key goes back to the form.");
	else if (f->msg[0])
		form_text_draw(s, y, in.x + 1, in.w - 2, 2, SA_COLOUR(SC_OVERDUE) | SA_BOLD, f->msg);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_DIM,
	               "Tab/Enter/↑↓ field · ←→ or type to choose · Ctrl-S or F2 open the dispute · Esc cancel");
}

static struct textedit *form_field(struct app *a, bool *multiline)
{
	*multiline = false;
	return is_choice(a->form.field) ? NULL : &a->form.text[a->form.field];
}

static unsigned form_hint_keys(const struct app *a)
{
	(void)a;
	return KC_BIT(KC_FORM);
}

const struct mode_ops mode_form_ops = { form_new_key, form_new_draw, form_field, form_hint_keys };

