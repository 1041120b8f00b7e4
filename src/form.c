/* Forms and dialogs: the new-dispute form, the confirm-and-prompt flows for closing and escalating, search, help and the draft offer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/app.h"
#include "dispute/date.h"
#include "dispute/editor.h"
#include "dispute/form.h"
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
	while (text_span_width(buf, start, t->cur) >= w) {
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
	"Case reference and at most initials; your case system holds the identity.",
	"The agency raising the disagreement.",
	"The agency whose decision is disputed.",
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
	f->field = F_PROTOCOL;
	f->category = 0;
	f->urgent = false;
	f->msg[0] = '\0';
	if (f->protocol >= a->c->protocols.n)
		f->protocol = 0;
	a->mode = MODE_FORM;
}

void form_new_free(struct app *a)
{
	a->mode = MODE_NORMAL;
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
		break;
	case F_URGENT:
		f->urgent = !f->urgent;
		break;
	case F_CATEGORY:
		p = form_protocol(a);
		n = p ? p->ncategories : 0;
		if (n)
			f->category = (f->category + n + (size_t)(dir + (int)n)) % n;
		break;
	default:
		break;
	}
}

static unsigned form_submit(struct app *a)
{
	struct form_state *f = &a->form;
	const struct protocol *p = form_protocol(a);
	struct dispute_new args;
	struct error err;
	char ref[16] = "", due[32];
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
	args.subject = textedit_text(&f->text[F_SUBJECT]);
	args.raised_by = textedit_text(&f->text[F_RAISED_BY]);
	args.against = textedit_text(&f->text[F_AGAINST]);
	args.summary = textedit_text(&f->text[F_SUMMARY]);
	args.category = p->categories[f->category].key;
	args.urgent = f->urgent;
	args.opened = opened;
	args.minute = opened == a->c->today ? a->c->now_minute : TIME_NONE;
	error_clear(&err);
	if (svc_new(a->c, p->id, &args, ref, NULL, &err) != ST_OK) {
		snprintf(f->msg, sizeof(f->msg), "%s", err.msg[0] ? err.msg : status_name(err.code));
		return APP_REDRAW;
	}
	a->mode = MODE_NORMAL;
	app_reload_list(a);
	app_reload_board(a);
	app_select(a, ref);
	app_list_find(a, ref);
	if (a->detail.loaded && dispute_current(&a->detail.d) &&
	    dispute_current(&a->detail.d)->due != DATE_NONE) {
		app_date_text(dispute_current(&a->detail.d)->due, due, sizeof(due));
		app_status(a, false, "Opened %s under %s: stage 1 due %s", ref, p->id, due);
	} else {
		app_status(a, false, "Opened %s under %s", ref, p->id);
	}
	return APP_REDRAW;
}

unsigned form_new_key(struct app *a, int key)
{
	struct form_state *f = &a->form;
	enum action act = keys_lookup(KC_FORM, key);

	f->msg[0] = '\0';
	if (act == ACT_FM_CANCEL) {
		a->mode = MODE_NORMAL;
		app_status(a, false, "New dispute cancelled");
		return APP_REDRAW;
	}
	if (act == ACT_FM_SUBMIT)
		return form_submit(a);
	if (act == ACT_FM_NEXT || ((key == K_ENTER || key == K_RETURN) && f->field < F_OPENED)) {
		f->field = (f->field + 1) % FORM_FIELDS;
		return APP_REDRAW;
	}
	if (key == K_ENTER || key == K_RETURN)
		return form_submit(a);
	if (act == ACT_FM_PREV) {
		f->field = (f->field + FORM_FIELDS - 1) % FORM_FIELDS;
		return APP_REDRAW;
	}
	if (is_choice(f->field)) {
		if (act == ACT_FM_CHOOSE || key == ' ') {
			form_choose(a, key == K_LEFT ? -1 : 1);
			return APP_REDRAW;
		}
		if (f->field == F_URGENT && (key == 'y' || key == 'n')) {
			f->urgent = key == 'y';
			return APP_REDRAW;
		}
		return APP_BELL;
	}
	return textedit_key(&f->text[f->field], key, 0) < 0 ? APP_BELL : APP_REDRAW;
}

void form_new_draw(struct app *a, struct screen *s)
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
			value = p->categories[f->category].label;
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
	} else {
		form_text_draw(s, y, in.x + 1, in.w - 2, 2, SA_DIM, form_hints[f->field]);
	}
	y += 2;
	if (f->msg[0])
		form_text_draw(s, y, in.x + 1, in.w - 2, 1, SA_COLOUR(SC_OVERDUE) | SA_BOLD, f->msg);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_DIM,
	               "Tab/↑↓ field · ←→ choose · Ctrl-S or F2 open the dispute · Esc cancel");
}

/* ---- dialogs: confirmations and prompts ---- */

void dialog_close(struct app *a)
{
	struct dialog_state *d = &a->dlg;

	for (int i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	for (int i = 0; i < 2; i++)
		free(d->answer[i]);
	d->nlines = 0;
	d->answer[0] = d->answer[1] = NULL;
	d->step = DLG_NONE;
	if (a->mode == MODE_DIALOG)
		a->mode = MODE_NORMAL;
}

static void dialog_line(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void dialog_line(struct app *a, const char *fmt, ...)
{
	struct dialog_state *d = &a->dlg;
	char buf[1024];
	va_list ap;

	if (d->nlines >= DIALOG_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->lines[d->nlines++] = xstrdup(buf);
}

/* Starts a dialog step, keeping the answers of earlier steps. */
static void dialog_step(struct app *a, enum dialog_step step, bool prompt, bool optional, const char *title,
                        const char *label)
{
	struct dialog_state *d = &a->dlg;

	for (int i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	d->nlines = 0;
	d->step = step;
	d->prompt = prompt;
	d->optional = optional;
	snprintf(d->title, sizeof(d->title), "%s", title);
	snprintf(d->label, sizeof(d->label), "%s", label ? label : "");
	d->hint[0] = '\0';
	textedit_set(&d->input, NULL);
	a->mode = MODE_DIALOG;
}

/* Opens the escalate confirmation for the selected dispute.  A stage whose
 * date the agencies agree (no protocol limit, or "agreed, at most n") asks
 * for that date; any other shows the due date the protocol gives.  Returns
 * false, with the reason in the status line, when it cannot be escalated. */
static bool escalate_open(struct app *a)
{
	const struct dispute *d = &a->detail.d;
	const struct protocol *p = a->detail.p;
	const struct stage_rule *rules, *rule;
	char day[32], due[32], lim[96], title[64], tm[16] = "", iso[11];
	struct error err;
	size_t n;
	long next_due;
	int next, due_minute;
	bool agreed;

	error_clear(&err);
	if (!p) {
		app_status(a, true, "Protocol %s is not installed", d->protocol);
		return false;
	}
	if (svc_escalate_preview(a->c, d, a->c->today, &next_due, &due_minute, &err) != ST_OK) {
		app_error(a, &err);
		return false;
	}
	rules = protocol_stages(p, d->urgent, &n);
	next = d->current_stage + 1;
	rule = (size_t)next <= n ? &rules[next - 1] : NULL;
	agreed = rule && (rule->limit.kind == LIMIT_NONE || rule->limit.kind == LIMIT_AGREED);
	snprintf(title, sizeof(title), "Escalate %s?", d->reference);
	if (agreed) {
		dialog_step(a, DLG_ESCALATE_DUE, true, true, title, "Agreed due date (YYYY-MM-DD)");
		a->dlg.limit_due = next_due;
		/* The protocol's latest date stands in the field, to be kept or
		 * brought forward. */
		textedit_set(&a->dlg.input, date_format(next_due, iso));
	} else {
		dialog_step(a, DLG_ESCALATE, false, false, title, NULL);
	}
	app_date_text(a->c->today, day, sizeof(day));
	if (d->current_stage >= 1 && (size_t)d->current_stage <= n)
		dialog_line(a, "%s is at stage %d of %zu: %s.", d->reference, d->current_stage, n,
		            rules[d->current_stage - 1].name);
	if (!rule) {
		dialog_line(a, "Escalating today (%s) starts stage %d.", day, next);
		return true;
	}
	dialog_line(a, "Escalating today (%s) ends it and starts stage %d of %zu: %s.", day, next, n, rule->name);
	limit_describe(&rule->limit, lim, sizeof(lim));
	if (agreed && next_due == DATE_NONE) {
		dialog_line(a, "New due date: to be agreed between the agencies; the protocol says %s.", lim);
		snprintf(a->dlg.hint, sizeof(a->dlg.hint),
		         "Leave it empty if no date is agreed yet: the stage shows \"no limit set\" until one is "
		         "set with d.");
	} else if (agreed) {
		app_date_text(next_due, due, sizeof(due));
		dialog_line(a, "New due date: %s at the latest (%s).", due, lim);
		snprintf(a->dlg.hint, sizeof(a->dlg.hint),
		         "Keep %s, or type the earlier date the agencies agree; a later date needs a reason.", due);
	} else if (next_due == DATE_NONE) {
		dialog_line(a, "New due date: none set, the protocol says %s; agree one with d afterwards.", lim);
	} else {
		app_date_text(next_due, due, sizeof(due));
		if (due_minute != TIME_NONE && due_minute >= 0)
			snprintf(tm, sizeof(tm), " %02d:%02d", due_minute / 60, due_minute % 60);
		dialog_line(a, "New due date: %s%s (%s).", due, tm, lim);
	}
	if (rule->ours && rule->theirs)
		dialog_line(a, "Who: %s with %s.", rule->ours, rule->theirs);
	if (rule->notice)
		dialog_line(a, "%s", rule->notice);
	return true;
}

unsigned flow_start(struct app *a, enum action act)
{
	const struct dispute *d = &a->detail.d;
	const struct stage *st;
	char title[64], day[32];

	if (!a->detail.loaded) {
		app_status(a, true, "Select a dispute first (j/k in the list)");
		return APP_REDRAW;
	}
	if (act != ACT_CHALLENGE && d->status != DS_OPEN) {
		app_status(a, true, "%s is %s already: it cannot be changed", d->reference,
		           dispute_status_name(d->status));
		return APP_REDRAW;
	}
	dialog_close(a);
	snprintf(a->dlg.ref, sizeof(a->dlg.ref), "%s", d->reference);
	switch (act) {
	case ACT_ESCALATE:
		escalate_open(a);
		break;
	case ACT_SET_DUE:
		snprintf(title, sizeof(title), "Agreed due date for %s", d->reference);
		dialog_step(a, DLG_DUE_DATE, true, false, title, "Due date (YYYY-MM-DD)");
		dialog_line(a, "The agencies may agree a date for stage %d earlier than the protocol's limit; "
		            "a later one needs a reason.", d->current_stage);
		st = dispute_current(d);
		if (st && st->due != DATE_NONE) {
			app_date_text(st->due, day, sizeof(day));
			dialog_line(a, "Currently due: %s.", day);
		}
		break;
	case ACT_RESOLVE:
		snprintf(title, sizeof(title), "Resolve %s", d->reference);
		dialog_step(a, DLG_RESOLVE_OUTCOME, true, false, title, "Outcome");
		dialog_line(a, "What was agreed? This goes into the written confirmation of the outcome.");
		break;
	case ACT_WITHDRAW:
		snprintf(title, sizeof(title), "Withdraw %s", d->reference);
		dialog_step(a, DLG_WITHDRAW_REASON, true, false, title, "Reason");
		dialog_line(a, "Why is the disagreement withdrawn?");
		break;
	case ACT_CHALLENGE:
		app_date_text(a->c->today, day, sizeof(day));
		if (d->challenged != DATE_NONE) {
			char since[32];
			app_date_text(d->challenged, since, sizeof(since));
			snprintf(title, sizeof(title), "Clear the formal challenge on %s?", d->reference);
			dialog_step(a, DLG_CHALLENGE, false, false, title, NULL);
			dialog_line(a, "A formal challenge was recorded on %s. Clear it today (%s)?", since, day);
		} else {
			snprintf(title, sizeof(title), "Formal challenge on %s?", d->reference);
			dialog_step(a, DLG_CHALLENGE, false, false, title, NULL);
			dialog_line(a, "Record that %s formally invokes the protocol today (%s)?",
			            d->raised_by ? d->raised_by : "the raising agency", day);
		}
		break;
	default:
		return APP_BELL;
	}
	return APP_REDRAW;
}

/* The agreed date was refused (a weekend, a bank holiday, ...): the dialog
 * stays open on the date, as typed, with the reason in the status line, so
 * it can be corrected.  A reason already typed is kept for the next try. */
static unsigned escalate_refused(struct app *a, const struct error *err)
{
	struct dialog_state *dl = &a->dlg;
	char iso[11];
	long date = dl->date;

	if (dl->step == DLG_ESCALATE_REASON) {
		if (!escalate_open(a)) {
			dialog_close(a);
			return APP_REDRAW;
		}
		textedit_set(&dl->input, date_format(date, iso));
	}
	app_error(a, err);
	return APP_REDRAW;
}

/* Runs the service call the dialog was leading to. */
static unsigned dialog_finish(struct app *a)
{
	struct dialog_state *dl = &a->dlg;
	struct error err;
	enum status rc = ST_OK;
	char ref[16], msg[160] = "";
	long today = a->c->today;
	bool set = !(a->detail.loaded && a->detail.d.challenged != DATE_NONE);

	snprintf(ref, sizeof(ref), "%s", dl->ref);
	error_clear(&err);
	switch (dl->step) {
	case DLG_ESCALATE:
		rc = svc_escalate(a->c, ref, today, DATE_NONE, NULL, NULL, &err);
		snprintf(msg, sizeof(msg), "Escalated %s", ref);
		break;
	case DLG_ESCALATE_DUE:
	case DLG_ESCALATE_REASON:
		rc = svc_escalate(a->c, ref, today, dl->date, dl->answer[0], NULL, &err);
		if (rc != ST_OK)
			return escalate_refused(a, &err);
		snprintf(msg, sizeof(msg), "Escalated %s", ref);
		break;
	case DLG_DUE_REASON:
		rc = svc_set_due(a->c, ref, dl->date, dl->answer[0], NULL, &err);
		snprintf(msg, sizeof(msg), "New due date set on %s", ref);
		break;
	case DLG_RESOLVE_CONFIRM:
		rc = svc_resolve(a->c, ref, today, dl->answer[0], dl->answer[1], NULL, &err);
		snprintf(msg, sizeof(msg), "Resolved %s", ref);
		break;
	case DLG_WITHDRAW_CONFIRM:
		rc = svc_withdraw(a->c, ref, today, dl->answer[0], NULL, &err);
		snprintf(msg, sizeof(msg), "Withdrew %s", ref);
		break;
	case DLG_CHALLENGE:
		rc = svc_challenge(a->c, ref, today, set, NULL, &err);
		snprintf(msg, sizeof(msg), set ? "Formal challenge recorded on %s" : "Formal challenge cleared on %s",
		         ref);
		break;
	default:
		break;
	}
	dialog_close(a);
	if (rc != ST_OK) {
		app_error(a, &err);
		return APP_REDRAW;
	}
	app_reload_list(a);
	app_reload_board(a);
	app_select(a, ref);
	app_list_find(a, ref);
	if (a->detail.loaded && a->detail.d.status == DS_OPEN && dispute_current(&a->detail.d)) {
		const struct stage *st = dispute_current(&a->detail.d);
		char due[32];

		app_date_text(st->due, due, sizeof(due));
		if (st->due == DATE_NONE)
			app_status(a, false, "%s: stage %d has no limit set (d sets the date once agreed)", msg, st->number);
		else
			app_status(a, false, "%s: stage %d due %s", msg, st->number, due);
	} else {
		app_status(a, false, "%s", msg);
	}
	return APP_REDRAW;
}

/* The agreed date typed in the escalate dialog ("" = none agreed yet):
 * escalates with it, or asks why when it is later than the protocol
 * allows.  A malformed date, or one before the stage starts, keeps the
 * dialog open with the reason in the status line. */
static unsigned escalate_date(struct app *a, const char *value)
{
	struct dialog_state *dl = &a->dlg;
	char day[32], title[64], limit[32];

	dl->date = DATE_NONE;
	if (*value && !date_parse(value, &dl->date)) {
		app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04, or leave it empty");
		return APP_REDRAW;
	}
	if (dl->date != DATE_NONE && dl->date < a->c->today) {
		app_date_text(a->c->today, day, sizeof(day));
		app_status(a, true, "The agreed date cannot be before today (%s), when the stage starts", day);
		return APP_REDRAW;
	}
	/* The protocol's own latest date, kept as offered, is its limit rather
	 * than a date the agencies agreed. */
	if (dl->date == dl->limit_due)
		dl->date = DATE_NONE;
	if (dl->date == DATE_NONE || dl->limit_due == DATE_NONE || dl->date < dl->limit_due) {
		free(dl->answer[0]);
		dl->answer[0] = NULL;
		return dialog_finish(a);
	}
	app_date_text(dl->date, day, sizeof(day));
	app_date_text(dl->limit_due, limit, sizeof(limit));
	snprintf(title, sizeof(title), "Escalate %s?", dl->ref);
	dialog_step(a, DLG_ESCALATE_REASON, true, false, title, "Reason");
	dialog_line(a, "%s is later than the protocol allows for this stage (%s at the latest).", day, limit);
	dialog_line(a, "Why did the agencies agree a later date? The reason goes into the journal.");
	textedit_set(&dl->input, dl->answer[0]);
	return APP_REDRAW;
}

/* Moves a prompt on to its next step with the typed value. */
static unsigned dialog_next(struct app *a, const char *value)
{
	struct dialog_state *dl = &a->dlg;
	char title[64];

	switch (dl->step) {
	case DLG_ESCALATE_DUE:
		return escalate_date(a, value);
	case DLG_ESCALATE_REASON:
		free(dl->answer[0]);
		dl->answer[0] = xstrdup(value);
		return dialog_finish(a);
	case DLG_DUE_DATE:
		if (!date_parse(value, &dl->date)) {
			app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04");
			return APP_REDRAW;
		}
		snprintf(title, sizeof(title), "Agreed due date for %s", dl->ref);
		dialog_step(a, DLG_DUE_REASON, true, true, title, "Reason");
		dialog_line(a, "Why this date? Needed when it is later than the protocol's limit; "
		            "Enter alone to skip.");
		return APP_REDRAW;
	case DLG_DUE_REASON:
		free(dl->answer[0]);
		dl->answer[0] = *value ? xstrdup(value) : NULL;
		return dialog_finish(a);
	case DLG_RESOLVE_OUTCOME:
		free(dl->answer[0]);
		dl->answer[0] = xstrdup(value);
		snprintf(title, sizeof(title), "Resolve %s", dl->ref);
		dialog_step(a, DLG_RESOLVE_OUTSTANDING, true, true, title, "Outstanding");
		dialog_line(a, "How will outstanding issues be pursued? Enter alone if there are none.");
		return APP_REDRAW;
	case DLG_RESOLVE_OUTSTANDING:
		free(dl->answer[1]);
		dl->answer[1] = *value ? xstrdup(value) : NULL;
		snprintf(title, sizeof(title), "Resolve %s?", dl->ref);
		dialog_step(a, DLG_RESOLVE_CONFIRM, false, false, title, NULL);
		dialog_line(a, "Close %s as resolved at stage %d today.", dl->ref, a->detail.d.current_stage);
		dialog_line(a, "Outcome: %s", dl->answer[0]);
		dialog_line(a, "Outstanding: %s", dl->answer[1] ? dl->answer[1] : "none");
		dialog_line(a, "Nothing is deleted: the journal stays and records can still be added.");
		return APP_REDRAW;
	case DLG_WITHDRAW_REASON:
		free(dl->answer[0]);
		dl->answer[0] = xstrdup(value);
		snprintf(title, sizeof(title), "Withdraw %s?", dl->ref);
		dialog_step(a, DLG_WITHDRAW_CONFIRM, false, false, title, NULL);
		dialog_line(a, "Close %s as withdrawn at stage %d today.", dl->ref, a->detail.d.current_stage);
		dialog_line(a, "Reason: %s", dl->answer[0]);
		dialog_line(a, "Nothing is deleted: the journal stays and records can still be added.");
		return APP_REDRAW;
	default:
		return dialog_finish(a);
	}
}

unsigned dialog_key(struct app *a, int key)
{
	struct dialog_state *dl = &a->dlg;
	enum action act = keys_lookup(KC_FORM, key);

	a->status[0] = '\0';
	if (act == ACT_FM_CANCEL || (!dl->prompt && (key == 'n' || key == 'N'))) {
		dialog_close(a);
		app_status(a, false, "Cancelled: nothing changed");
		return APP_REDRAW;
	}
	if (!dl->prompt)
		return key == 'y' || key == 'Y' ? dialog_finish(a) : APP_BELL;
	if (key == K_ENTER || key == K_RETURN || act == ACT_FM_SUBMIT) {
		char *value = text_sanitize(textedit_text(&dl->input), false);
		unsigned rc;

		if (form_blank(value) && !dl->optional) {
			app_status(a, true, "%s cannot be empty (Esc cancels)", dl->label);
			free(value);
			return APP_REDRAW;
		}
		rc = dialog_next(a, form_blank(value) ? "" : value);
		free(value);
		return rc;
	}
	return textedit_key(&dl->input, key, 0) < 0 ? APP_BELL : APP_REDRAW;
}

void dialog_draw(struct app *a, struct screen *s)
{
	struct dialog_state *dl = &a->dlg;
	int w = a->w - 8 < 76 ? a->w - 8 : 76, h = 0, y;
	struct rect r, in;

	for (int i = 0; i < dl->nlines; i++)
		h += form_text_lines(dl->lines[i], w - 4);
	h += 4 + (dl->prompt ? 2 : 0);
	if (dl->prompt && dl->hint[0])
		h += form_text_lines(dl->hint, w - 4);
	r = form_box(a, s, w, h, dl->title);
	in = rect_inner(r);
	y = in.y;
	for (int i = 0; i < dl->nlines; i++)
		y += form_text_draw(s, y, in.x + 1, in.w - 2, in.y + in.h - y, i == 0 ? 0 : SA_BOLD, dl->lines[i]);
	y++;
	if (dl->prompt) {
		int lw = screen_put(s, y, in.x + 1, in.w - 2, SA_BOLD, dl->label);
		form_field_draw(s, y, in.x + 2 + lw, in.w - 3 - lw, &dl->input, true);
		if (dl->hint[0])
			form_text_draw(s, y + 1, in.x + 1, in.w - 2, in.y + in.h - 1 - (y + 1), SA_DIM, dl->hint);
		if (dl->step == DLG_ESCALATE_DUE || dl->step == DLG_ESCALATE_REASON)
			screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD, "Enter escalate · Esc cancel");
		else
			screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_DIM,
			               dl->optional ? "Enter continue (may be empty) · Esc cancel" :
			                              "Enter continue · Esc cancel");
	} else {
		const char *verb = dl->step == DLG_ESCALATE ? "escalate" :
		                   dl->step == DLG_RESOLVE_CONFIRM ? "resolve" :
		                   dl->step == DLG_WITHDRAW_CONFIRM ? "withdraw" : "confirm";
		screen_printf(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD, "y %s · n or Esc cancel", verb);
	}
}

/* ---- search ---- */

unsigned search_key(struct app *a, int key)
{
	if (key == K_ESC) {
		a->mode = MODE_NORMAL;
		return APP_REDRAW;
	}
	if (key == K_ENTER || key == K_RETURN) {
		char *q = text_sanitize(textedit_text(&a->search), false);

		a->mode = MODE_NORMAL;
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

void search_draw(struct app *a, struct screen *s)
{
	int y = a->h - 1, lw = screen_put(s, y, 0, a->w, SA_BOLD, "Search: ");
	const char *hint = " Enter search · Esc cancel";
	int hw = text_width(hint);

	form_field_draw(s, y, lw, a->w - lw - hw - 1, &a->search, true);
	screen_put(s, y, a->w - hw, hw, SA_DIM, hint);
}

/* ---- help ---- */

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

unsigned help_key(struct app *a, int key)
{
	switch (key) {
	case 'j':
	case K_DOWN:
		a->help_scroll++;
		return APP_REDRAW;
	case 'k':
	case K_UP:
		if (a->help_scroll > 0)
			a->help_scroll--;
		return APP_REDRAW;
	case ' ':
	case K_PGDN:
		a->help_scroll += 10;
		return APP_REDRAW;
	case K_PGUP:
		a->help_scroll = a->help_scroll > 10 ? a->help_scroll - 10 : 0;
		return APP_REDRAW;
	case K_ESC:
	case 'q':
	case '?':
	case K_F1:
	case K_ENTER:
	case K_RETURN:
		a->mode = a->mode_before_help == MODE_HELP ? MODE_NORMAL : a->mode_before_help;
		return APP_REDRAW;
	default:
		return APP_BELL;
	}
}

void help_draw(struct app *a, struct screen *s)
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
			screen_put_fit(s, y, in.x + 3, 16, SA_BOLD, t[i].label);
			screen_put_fit(s, y, in.x + 21, in.w - 22, 0, t[i].help);
		}
	}
}

/* ---- the draft offer ---- */

unsigned draft_key(struct app *a, int key)
{
	struct draft_offer *o = &a->draft;

	if (key == K_ENTER || key == K_RETURN) {
		char *text = o->text;

		o->text = NULL;
		a->mode = MODE_NORMAL;
		app_select(a, o->ref);
		if (!a->detail.loaded) {
			free(text);
			return APP_REDRAW;
		}
		app_list_find(a, o->ref);
		a->focus = PANE_RECORDS;
		editor_open(a, text, o->kind, true);
		free(text);
		return APP_REDRAW;
	}
	if (key == K_ESC || key == 'q') {
		a->mode = MODE_NORMAL;
		app_status(a, false, "The draft for %s is kept: press a on that dispute to finish it", o->ref);
		free(o->text);
		o->text = NULL;
		return APP_REDRAW;
	}
	return APP_BELL;
}

void draft_draw(struct app *a, struct screen *s)
{
	struct draft_offer *o = &a->draft;
	char *clean = text_sanitize(o->text ? o->text : "", true);
	int w = a->w - 8 < 76 ? a->w - 8 : 76, tl = form_text_lines(clean, w - 6), shown, h;
	struct rect r, in;
	int y;

	shown = tl < a->h - 14 ? tl : a->h - 14;
	if (shown < 1)
		shown = 1;
	h = shown + 8;
	r = form_box(a, s, w, h, "Unsaved record draft");
	in = rect_inner(r);
	y = in.y;
	screen_printf(s, y++, in.x + 1, in.w - 2, 0, "A %s record for %s was being written when the", record_kind_name(o->kind),
	              o->ref);
	screen_put_fit(s, y++, in.x + 1, in.w - 2, 0, "workbench last closed. It was kept word for word:");
	y++;
	y += form_text_draw(s, y, in.x + 3, in.w - 4, shown, SA_BOLD, clean);
	if (tl > shown)
		screen_printf(s, y - 1, in.x + in.w - 14, 12, SA_DIM, " … %d more", tl - shown);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD,
	               "Enter: continue it in the editor · Esc: later");
	free(clean);
}
