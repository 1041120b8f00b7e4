/* The flows that change a dispute (escalate, agree a date, resolve, withdraw, challenge): prompts, then a confirmation that only Ctrl-S accepts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "form.h"
#include "dispute/protocol.h"
#include "dispute/text.h"
#include "view_invite.h"

void dialog_close(struct app *a)
{
	struct dialog_state *d = &a->dlg;

	for (int i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	for (int i = 0; i < 2; i++)
		free(d->answer[i]);
	d->nlines = 0;
	d->answer[0] = d->answer[1] = NULL;
	contact_free(&d->contact);
	memset(&d->contact, 0, sizeof(d->contact));
	d->step = DLG_NONE;
	if (a->mode == MODE_DIALOG)
		a->mode = MODE_NORMAL;
}

static void dialog_line(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void dialog_line(struct app *a, const char *fmt, ...)
{
	struct dialog_state *d = &a->dlg;
	char buf[2048];
	va_list ap;

	if (d->nlines >= DIALOG_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->lines[d->nlines++] = xstrdup(buf);
}

/* Starts a dialog step, keeping the answers of earlier steps. */
static void dialog_step(struct app *a, enum dialog_step step, bool prompt, bool optional, const char *label)
{
	struct dialog_state *d = &a->dlg;

	for (int i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	d->nlines = 0;
	d->step = step;
	d->prompt = prompt;
	d->optional = optional;
	snprintf(d->label, sizeof(d->label), "%s", label ? label : "");
	d->hint[0] = '\0';
	textedit_set(&d->input, NULL);
	a->mode = MODE_DIALOG;
}

/* "D-2026-0001 is at stage 2 of 4: Line manager to line manager." */
static void stage_line(struct app *a)
{
	const struct dispute *d = &a->detail.d;
	const struct stage *cur = dispute_current(d);
	const struct stage_rule *rule = dispute_rule(a->detail.p, d, cur);
	size_t n = 0;
	char label[32];

	if (a->detail.p)
		dispute_rules(a->detail.p, d, &n);
	if (rule)
		dialog_line(a, "%s %s %s of %zu: %s.", d->reference, d->status == DS_OPEN ? "is at" : "closed at",
		            stage_label(a->detail.p, d, cur, label, sizeof(label)), n, rule->name);
}

static unsigned escalate_open(struct app *a);
static unsigned escalate_dates_done(struct app *a);

/* Moves to the confirmation: what the service would write, exactly, from
 * its own preview.  A refusal keeps a prompt open with the reason in the
 * status line, so the answer can be corrected; otherwise the flow ends. */
static unsigned confirm_open(struct app *a, void (*describe)(struct app *a, const struct dispute *after))
{
	struct dialog_state *dl = &a->dlg;
	struct dispute after;
	struct error err;
	char *event = NULL;

	error_clear(&err);
	dispute_init(&after);
	if (svc_preview(a->c, dl->ref, &dl->ch, &event, &after, &err) != ST_OK) {
		dispute_free(&after);
		if (dl->step == DLG_ESCALATE_REASON) {
			/* A later date refused (a weekend, a holiday): back to the
			 * date as typed, the reason kept for the next try. */
			char iso[11];
			long date = dl->ch.due;

			escalate_open(a);
			if (a->mode == MODE_DIALOG)
				textedit_set(&dl->input, date_format(date, iso));
		} else if (!dl->prompt) {
			dialog_close(a);
			app_changed(a, dl->ref);
		}
		app_error(a, &err);
		return APP_REDRAW;
	}
	dialog_step(a, DLG_CONFIRM, false, false, NULL);
	if (describe)
		describe(a, &after);
	dialog_line(a, "Ctrl-S writes this to the journal of %s, signed %s:", dl->ref, a->c->author ? a->c->author : "");
	{
		char *clean = text_sanitize(event, true);

		dialog_line(a, "%s", clean);
		free(clean);
	}
	free(event);
	dispute_free(&after);
	return APP_REDRAW;
}

/* ---- escalate ---- */

static void escalate_describe(struct app *a, const struct dispute *after)
{
	const struct stage *st = dispute_current(after);
	const struct stage_rule *rule = dispute_rule(a->detail.p, after, st);
	char day[32], due[32], lim[96], label[32];
	size_t n = 0;

	stage_line(a);
	app_date_text(a->c->today, day, sizeof(day));
	if (!st || !rule)
		return;
	dispute_rules(a->detail.p, after, &n);
	dialog_line(a, "Escalating today (%s) ends it and starts %s of %zu: %s.", day,
	            stage_label(a->detail.p, after, st, label, sizeof(label)), n, rule->name);
	limit_describe(&rule->limit, lim, sizeof(lim));
	if (st->due == DATE_NONE) {
		dialog_line(a, "New due date: none set, the protocol says %s; agree one with d afterwards.", lim);
	} else {
		char tm[16] = "";

		app_date_text(st->due, due, sizeof(due));
		if (st->due_minute != TIME_NONE && st->due_minute >= 0)
			snprintf(tm, sizeof(tm), " %02d:%02d", st->due_minute / 60, st->due_minute % 60);
		dialog_line(a, "New due date: %s%s (%s%s).", due, tm, st->due_agreed ? "agreed; the protocol says " : "",
		            lim);
	}
	if (st->response_due != DATE_NONE) {
		app_date_text(st->response_due, due, sizeof(due));
		dialog_line(a, "%s: due %s.", rule->response, due);
	}
	if (rule->ours && rule->theirs)
		dialog_line(a, "Who: %s with %s.", rule->ours, rule->theirs);
	else if (rule->parties)
		dialog_line(a, "Who: %s.", rule->parties);
	if (rule->arbiter)
		dialog_line(a, "Decides: %s.", rule->arbiter);
	if (rule->notice)
		dialog_line(a, "%s", rule->notice);
}

/* Opens the escalate flow.  A stage whose date the agencies agree (no
 * protocol limit, or "agreed, at most n"), or any stage of an urgent
 * dispute whose protocol sets no shorter limits, asks for that date first
 * (and a second timescale, when the stage agrees one); any other goes
 * straight to the confirmation with the protocol's due date. */
static unsigned escalate_open(struct app *a)
{
	struct dialog_state *dl = &a->dlg;
	const struct dispute *d = &a->detail.d;
	const struct stage_rule *rule;
	const struct stage *st;
	struct svc_change plain = dl->ch;
	struct dispute after;
	struct error err;
	char *event = NULL, iso[11], due[32], lim[96], day[32], label[32];
	size_t n = 0;

	if (!a->detail.p) {
		app_status(a, true, "Protocol %s is not installed", d->protocol);
		return APP_REDRAW;
	}
	error_clear(&err);
	dispute_init(&after);
	/* The stage as the protocol alone would start it. */
	plain.due = DATE_NONE;
	plain.response = DATE_NONE;
	plain.text = NULL;
	if (svc_preview(a->c, dl->ref, &plain, &event, &after, &err) != ST_OK) {
		dispute_free(&after);
		app_error(a, &err);
		return APP_REDRAW;
	}
	free(event);
	st = dispute_current(&after);
	rule = dispute_rule(a->detail.p, &after, st);
	if (!rule || (rule->limit.kind != LIMIT_NONE && rule->limit.kind != LIMIT_AGREED && !rule->response &&
	              !dispute_asks_sooner(a->detail.p, &after))) {
		dispute_free(&after);
		return confirm_open(a, escalate_describe);
	}
	dialog_step(a, DLG_ESCALATE_DUE, true, true, "Agreed due date (YYYY-MM-DD)");
	dl->limit_due = st->limit_due;
	dl->response = rule->response;
	stage_line(a);
	app_date_text(a->c->today, day, sizeof(day));
	dispute_rules(a->detail.p, &after, &n);
	dialog_line(a, "Escalating today (%s) ends it and starts %s of %zu: %s.", day,
	            stage_label(a->detail.p, &after, st, label, sizeof(label)), n, rule->name);
	if (dispute_asks_sooner(a->detail.p, &after))
		dialog_line(a, "Urgent: agree a date sooner than the protocol's limit, which stays the outer bound.");
	limit_describe(&rule->limit, lim, sizeof(lim));
	if (st->limit_due == DATE_NONE) {
		dialog_line(a, "New due date: to be agreed between the agencies; the protocol says %s.", lim);
		snprintf(dl->hint, sizeof(dl->hint),
		         "Leave it empty if no date is agreed yet: the stage shows \"no limit set\" until one is "
		         "set with d.");
	} else {
		app_date_text(st->limit_due, due, sizeof(due));
		dialog_line(a, "New due date: %s at the latest (%s).", due, lim);
		snprintf(dl->hint, sizeof(dl->hint),
		         "Keep %s, or type the earlier date the agencies agree; a later date needs a reason.", due);
		/* The protocol's latest date stands in the field, to be kept or
		 * brought forward. */
		textedit_set(&dl->input, date_format(st->limit_due, iso));
	}
	dispute_free(&after);
	return APP_REDRAW;
}

/* The agreed date typed in the escalate dialog ("" = none agreed yet). */
static unsigned escalate_date(struct app *a, const char *value)
{
	struct dialog_state *dl = &a->dlg;
	char day[32], limit[32];
	long date = DATE_NONE;

	if (*value && !date_parse(value, &date)) {
		app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04, or leave it empty");
		return APP_REDRAW;
	}
	/* The protocol's own latest date, kept as offered, is its limit rather
	 * than a date the agencies agreed. */
	dl->ch.due = date == dl->limit_due ? DATE_NONE : date;
	dl->ch.text = NULL;
	if (dl->response) {
		char iso[11];

		dialog_step(a, DLG_ESCALATE_RESPONSE, true, true, "Response date (YYYY-MM-DD)");
		dialog_line(a, "The stage agrees a second timescale: %s.", dl->response);
		if (dl->limit_due != DATE_NONE) {
			app_date_text(dl->limit_due, limit, sizeof(limit));
			snprintf(dl->hint, sizeof(dl->hint), "Keep %s, or type the earlier date agreed; a later date needs "
			         "a reason.", limit);
			textedit_set(&dl->input, date_format(dl->limit_due, iso));
		}
		(void)day;
		return APP_REDRAW;
	}
	return escalate_dates_done(a);
}

/* The agreed dates are in: a reason when one is later than the limit. */
static unsigned escalate_dates_done(struct app *a)
{
	struct dialog_state *dl = &a->dlg;
	long later = dl->ch.due != DATE_NONE && dl->ch.due > dl->limit_due ? dl->ch.due : dl->ch.response;
	char day[32], limit[32];

	if (later == DATE_NONE || dl->limit_due == DATE_NONE || later <= dl->limit_due)
		return confirm_open(a, escalate_describe);
	app_date_text(later, day, sizeof(day));
	app_date_text(dl->limit_due, limit, sizeof(limit));
	dialog_step(a, DLG_ESCALATE_REASON, true, false, "Reason");
	dialog_line(a, "%s is later than the protocol allows for this stage (%s at the latest).", day, limit);
	dialog_line(a, "Why did the agencies agree a later date? The reason goes into the journal.");
	textedit_set(&dl->input, dl->answer[0]);
	return APP_REDRAW;
}

/* The second timescale typed in the escalate dialog ("" = the limit). */
static unsigned escalate_response(struct app *a, const char *value)
{
	struct dialog_state *dl = &a->dlg;
	long date = DATE_NONE;

	if (*value && !date_parse(value, &date)) {
		app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04, or leave it empty");
		return APP_REDRAW;
	}
	dl->ch.response = date == dl->limit_due ? DATE_NONE : date;
	return escalate_dates_done(a);
}

/* ---- the other flows ---- */

static void due_describe(struct app *a, const struct dispute *after)
{
	const struct stage *st = dispute_current(after);
	const struct stage_rule *rule = dispute_rule(a->detail.p, after, st);
	char day[32], label[32];

	stage_line(a);
	if (st) {
		app_date_text(st->due, day, sizeof(day));
		stage_label(a->detail.p, after, st, label, sizeof(label));
		label[0] = (char)(label[0] - 'a' + 'A');
		dialog_line(a, "%s will be due %s.", label, day);
		if (rule && rule->response && st->response_due != DATE_NONE) {
			app_date_text(st->response_due, day, sizeof(day));
			dialog_line(a, "%s: due %s.", rule->response, day);
		}
	}
}

static void reopen_describe(struct app *a, const struct dispute *after)
{
	const struct stage *st = dispute_current(after);
	const struct stage_rule *rule = dispute_rule(a->detail.p, after, st);
	char day[32], due[32], label[32];

	stage_line(a);
	app_date_text(a->c->today, day, sizeof(day));
	if (!st || !rule)
		return;
	dialog_line(a, "%s opens again today (%s), at %s: %s, started afresh.", after->reference, day,
	            stage_label(a->detail.p, after, st, label, sizeof(label)), rule->name);
	if (st->due == DATE_NONE) {
		dialog_line(a, "New due date: none set; agree one with d afterwards.");
	} else {
		app_date_text(st->due, due, sizeof(due));
		dialog_line(a, "New due date: %s.", due);
	}
	dialog_line(a, "What was recorded when it closed stays in the journal.");
}

static void close_describe(struct app *a, const struct dispute *after)
{
	char day[32];

	app_date_text(a->c->today, day, sizeof(day));
	char label[32];

	dialog_line(a, "%s closes as %s at %s today (%s).", after->reference, dispute_status_name(after->status),
	            dispute_stage_text(a->detail.p, after, after->current_stage, label, sizeof(label)), day);
	dialog_line(a, "Nothing is deleted: the journal stays and records can still be added.");
}

static void challenge_describe(struct app *a, const struct dispute *after)
{
	char day[32];

	app_date_text(a->c->today, day, sizeof(day));
	if (after->challenged != DATE_NONE)
		dialog_line(a, "%s formally invokes the protocol today (%s).",
		            after->raised_by ? after->raised_by : "The raising agency", day);
	else
		dialog_line(a, "The formal challenge recorded on %s is cleared today (%s).",
		            a->detail.d.reference, day);
}

/* ---- the checklist, the owner, what a record names ---- */

/* The checklist of the current stage, numbered, into the dialog's lines. */
static size_t tick_lines(struct app *a)
{
	const struct dispute *d = &a->detail.d;
	struct check_item items[CHECKLIST_MAX];
	size_t n = dispute_checklist(a->detail.p, d, 0, items, CHECKLIST_MAX);
	const char *name = dispute_stage_name(a->detail.p, d, d->current_stage);
	char day[32];

	dialog_line(a, "%s stage %d%s%s%s: the checklist", d->reference, d->current_stage, name ? " (" : "",
	            name ? name : "", name ? ")" : "");
	for (size_t i = 0; i < n; i++) {
		const struct check_item *it = &items[i];
		long done = it->followup ? it->followup->done : it->done ? it->done->on : DATE_NONE;
		const char *by = it->followup ? it->followup->done_by : it->done ? it->done->by : NULL;

		if (done != DATE_NONE) {
			app_date_text(done, day, sizeof(day));
			dialog_line(a, "%zu ☑ %s — done %s by %s", i + 1, it->text, day, by ? by : "?");
		} else if (it->followup) {
			app_date_text(it->followup->due, day, sizeof(day));
			dialog_line(a, "%zu ☐ %s — follow-up from #%lld, due %s", i + 1, it->text, it->followup->record, day);
		} else {
			dialog_line(a, "%zu ☐ %s%s", i + 1, it->text, it->every_stage ? " (every stage)" : "");
		}
	}
	return n;
}

static unsigned tick_open(struct app *a)
{
	struct dialog_state *dl = &a->dlg;

	dialog_step(a, DLG_TICK_ITEM, true, false, "Item done");
	if (!tick_lines(a)) {
		dialog_close(a);
		app_status(a, false, "Stage %d of %s has nothing on its checklist", a->detail.d.current_stage, dl->ref);
		return APP_REDRAW;
	}
	snprintf(dl->hint, sizeof(dl->hint), "Type the number of the item that was done; the day it was done comes "
	         "next. Esc closes the checklist.");
	return APP_REDRAW;
}

static void tick_describe(struct app *a, const struct dispute *after)
{
	(void)after;
	dialog_line(a, "Item %d of the checklist of stage %d is ticked done, with the day and your name.",
	            a->dlg.ch.item, a->detail.d.current_stage);
}

static void owner_describe(struct app *a, const struct dispute *after)
{
	dialog_line(a, "%s is handed to %s: their list of their own disputes (dispute list --mine) shows it.",
	            after->reference, after->owner ? after->owner : "");
}

static void detail_describe(struct app *a, const struct dispute *after)
{
	(void)after;
	dialog_line(a, "Record #%lld keeps its text; an entry in the journal adds what it names.", a->dlg.ch.record);
	if (a->dlg.ch.text)
		dialog_line(a, "The follow-up is on the deadline board on its day, and in the checklist (t).");
}

/* The contacts of the dispute's other agencies, numbered as the contact
 * list numbers them, into the dialog's lines. */
static void detail_contacts(struct app *a)
{
	const struct dispute *d = &a->detail.d;
	struct contact *v = NULL;
	struct error err;
	size_t n = 0, shown = 0;

	error_clear(&err);
	for (size_t k = 0; k < dispute_agency_count(d) && a->dlg.nlines < DIALOG_LINES - 1; k++) {
		if (svc_contacts(a->c, dispute_agency(d, k), &v, &n, &err) != ST_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			char *line = text_sanitize(v[i].name, false);

			dialog_line(a, "%lld %s%s%s (%s)", v[i].id, line, v[i].role ? ", " : "", v[i].role ? v[i].role : "",
			            v[i].agency);
			free(line);
			contact_free(&v[i]);
			shown++;
		}
		free(v);
		v = NULL;
	}
	if (!shown)
		dialog_line(a, "No contacts at %s yet.", d->against ? d->against : "the other agency");
}

static unsigned detail_open(struct app *a)
{
	struct detail_state *dt = &a->detail;
	struct dialog_state *dl = &a->dlg;
	const struct record *r;

	if (dt->rec_sel < 0 || (size_t)dt->rec_sel >= dt->nrecords) {
		dialog_close(a);
		app_status(a, true, "No record selected: select one with j/k");
		return APP_REDRAW;
	}
	r = &dt->records[dt->rec_sel];
	if (r->kind == RK_EVENT || dispute_detail(&dt->d, r->id)) {
		dialog_close(a);
		app_status(a, true, r->kind == RK_EVENT ? "Record #%lld was written by the program: select one you wrote"
		                                        : "Record #%lld names its contact and next action already",
		           r->id);
		return APP_REDRAW;
	}
	dl->ch.record = r->id;
	dialog_step(a, DLG_DETAIL_CONTACT, true, true, "Spoke to");
	dialog_line(a, "Record #%lld (%s): whom did you speak to? The contacts at the other agencies:", r->id,
	            record_kind_name(r->kind));
	detail_contacts(a);
	snprintf(dl->hint, sizeof(dl->hint), "A contact's number; or someone new as Name, Agency; or Enter for "
	         "nobody in particular.");
	return APP_REDRAW;
}

/* The contact typed: a number, "Name, Agency" for a new one, or nothing. */
static unsigned detail_contact(struct app *a, const char *value)
{
	struct dialog_state *dl = &a->dlg;
	const char *comma = strchr(value, ',');
	char *end;

	contact_free(&dl->contact);
	memset(&dl->contact, 0, sizeof(dl->contact));
	dl->ch.contact_id = 0;
	dl->ch.new_contact = NULL;
	if (*value && value[strspn(value, "0123456789")] == '\0') {
		dl->ch.contact_id = strtoll(value, &end, 10);
	} else if (comma) {
		const char *agency = comma + 1;

		while (*agency == ' ')
			agency++;
		dl->contact.name = xstrndup(value, (size_t)(comma - value));
		dl->contact.agency = xstrdup(agency);
		while (*dl->contact.name && dl->contact.name[strlen(dl->contact.name) - 1] == ' ')
			dl->contact.name[strlen(dl->contact.name) - 1] = '\0';
		if (!*dl->contact.name || !*dl->contact.agency) {
			app_status(a, true, "A new contact is Name, Agency (Esc cancels)");
			return APP_REDRAW;
		}
		dl->ch.new_contact = &dl->contact;
	} else if (*value) {
		app_status(a, true, "Type a contact's number, or someone new as Name, Agency (Esc cancels)");
		return APP_REDRAW;
	}
	dialog_step(a, DLG_DETAIL_NEXT, true, true, "Next action");
	dialog_line(a, "What is to happen next, and by whom? (\"TM to confirm in writing\")");
	snprintf(dl->hint, sizeof(dl->hint), "Its date comes next; Enter alone when there is nothing to follow up.");
	return APP_REDRAW;
}

/* A counter-proposal pending on the current stage stands in the date
 * field, to be taken with Enter (or replaced). */
static void proposal_offer(struct app *a)
{
	struct dialog_state *dl = &a->dlg;
	struct itip_sent row;
	struct error err;
	char iso[11], *who;

	itip_sent_init(&row);
	if (svc_invite_proposal(a->c, dl->ref, NULL, &row, &err) == ST_OK) {
		dl->proposed = row.proposed;
		snprintf(dl->proposer, sizeof(dl->proposer), "%s", row.attendee);
		who = text_sanitize(row.attendee, false);
		snprintf(dl->hint, sizeof(dl->hint), "%s proposed %s (a counter-proposal): Enter takes it, and the "
		         "updated invite is then owed to them.", who, date_format(row.proposed, iso));
		free(who);
		textedit_set(&dl->input, iso);
	}
	itip_sent_free(&row);
}

unsigned flow_start(struct app *a, enum action act)
{
	struct dialog_state *dl = &a->dlg;
	const struct dispute *d = &a->detail.d;
	const struct stage *st;
	char day[32];

	if (!a->detail.loaded) {
		app_status(a, true, "Select a dispute first (j/k in the list)");
		return APP_REDRAW;
	}
	/* A closed dispute still has its written confirmation to tick, its
	 * records to complete, a lead who holds it, and its reopening. */
	if (d->status != DS_OPEN && act != ACT_REOPEN && act != ACT_CHECKLIST && act != ACT_OWNER && act != ACT_DETAIL) {
		app_status(a, true, "%s is %s already: it cannot be changed (O reopens it)", d->reference,
		           dispute_status_name(d->status));
		return APP_REDRAW;
	}
	if (d->status == DS_OPEN && act == ACT_REOPEN) {
		app_status(a, true, "%s is open: only a closed dispute can be reopened", d->reference);
		return APP_REDRAW;
	}
	dialog_close(a);
	snprintf(dl->ref, sizeof(dl->ref), "%s", d->reference);
	dl->limit_due = DATE_NONE;
	dl->proposed = DATE_NONE;
	dl->proposer[0] = '\0';
	switch (act) {
	case ACT_ESCALATE:
		svc_change_init(&dl->ch, SVC_ESCALATE);
		snprintf(dl->title, sizeof(dl->title), "Escalate %s?", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "escalate");
		snprintf(dl->done, sizeof(dl->done), "Escalated %s", d->reference);
		break;
	case ACT_SET_DUE:
		svc_change_init(&dl->ch, SVC_SET_DUE);
		snprintf(dl->title, sizeof(dl->title), "Agreed due date for %s", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "set the date");
		snprintf(dl->done, sizeof(dl->done), "New due date set on %s", d->reference);
		break;
	case ACT_RESOLVE:
		svc_change_init(&dl->ch, SVC_RESOLVE);
		snprintf(dl->title, sizeof(dl->title), "Resolve %s", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "resolve");
		snprintf(dl->done, sizeof(dl->done), "Resolved %s", d->reference);
		break;
	case ACT_WITHDRAW:
		svc_change_init(&dl->ch, SVC_WITHDRAW);
		snprintf(dl->title, sizeof(dl->title), "Withdraw %s", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "withdraw");
		snprintf(dl->done, sizeof(dl->done), "Withdrew %s", d->reference);
		break;
	case ACT_REOPEN:
		svc_change_init(&dl->ch, SVC_REOPEN);
		snprintf(dl->title, sizeof(dl->title), "Reopen %s", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "reopen");
		snprintf(dl->done, sizeof(dl->done), "Reopened %s", d->reference);
		break;
	case ACT_CHALLENGE:
		svc_change_init(&dl->ch, d->challenged != DATE_NONE ? SVC_UNCHALLENGE : SVC_CHALLENGE);
		snprintf(dl->title, sizeof(dl->title), d->challenged != DATE_NONE ? "Clear the formal challenge on %s?" :
		         "Formal challenge on %s?", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), d->challenged != DATE_NONE ? "clear it" : "record it");
		snprintf(dl->done, sizeof(dl->done), d->challenged != DATE_NONE ? "Formal challenge cleared on %s" :
		         "Formal challenge recorded on %s", d->reference);
		break;
	case ACT_CHECKLIST:
		svc_change_init(&dl->ch, SVC_TICK);
		snprintf(dl->title, sizeof(dl->title), "Checklist of %s", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "tick");
		snprintf(dl->done, sizeof(dl->done), "Ticked on %s", d->reference);
		break;
	case ACT_OWNER:
		svc_change_init(&dl->ch, SVC_OWNER);
		snprintf(dl->title, sizeof(dl->title), "Hand %s over", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "transfer");
		snprintf(dl->done, sizeof(dl->done), "Handed over %s", d->reference);
		break;
	case ACT_DETAIL:
		svc_change_init(&dl->ch, SVC_DETAIL);
		snprintf(dl->title, sizeof(dl->title), "Contact and next action, %s", d->reference);
		snprintf(dl->verb, sizeof(dl->verb), "add");
		snprintf(dl->done, sizeof(dl->done), "Added to a record of %s", d->reference);
		break;
	default:
		return APP_BELL;
	}
	/* The stage the user sees now: if another program moves the dispute on
	 * before Ctrl-S, the service refuses rather than act on a stage the
	 * user never saw (a closed dispute stays where it is, but for its
	 * reopening). */
	st = dispute_current(d);
	if (d->status == DS_OPEN || act == ACT_REOPEN) {
		dl->ch.seen_stage = st ? stage_step(st) : d->current_stage;
		dl->ch.seen_count = (int)d->nstages;
	}
	dl->ch.on = a->c->today;
	dl->response = NULL;
	switch (act) {
	case ACT_ESCALATE:
		return escalate_open(a);
	case ACT_SET_DUE: {
		const struct stage_rule *rule = dispute_rule(a->detail.p, d, st);
		char label[32];

		dialog_step(a, DLG_DUE_DATE, true, false, "Due date (YYYY-MM-DD)");
		dialog_line(a, "The agencies may agree a date for %s earlier than the protocol's limit; "
		            "a later one needs a reason.", stage_label(a->detail.p, d, st, label, sizeof(label)));
		if (st && st->due != DATE_NONE) {
			app_date_text(st->due, day, sizeof(day));
			dialog_line(a, "Currently due: %s.", day);
		}
		if (dispute_asks_sooner(a->detail.p, d))
			dialog_line(a, "Urgent: a sooner date than the protocol's limit.");
		dl->response = rule ? rule->response : NULL;
		proposal_offer(a);
		break;
	}
	case ACT_REOPEN:
		dialog_step(a, DLG_REOPEN_REASON, true, false, "Reason");
		dialog_line(a, "Why is %s reopened? The reason goes into the journal.", d->reference);
		break;
	case ACT_RESOLVE:
		dialog_step(a, DLG_RESOLVE_OUTCOME, true, false, "Outcome");
		dialog_line(a, "What was agreed? This goes into the written confirmation of the outcome.");
		break;
	case ACT_WITHDRAW:
		dialog_step(a, DLG_WITHDRAW_REASON, true, false, "Reason");
		dialog_line(a, "Why is the disagreement withdrawn?");
		break;
	case ACT_CHECKLIST:
		return tick_open(a);
	case ACT_DETAIL:
		return detail_open(a);
	case ACT_OWNER:
		dialog_step(a, DLG_OWNER_NAME, true, false, "Hand to");
		if (d->owner)
			dialog_line(a, "%s is held by %s.", d->reference, d->owner);
		else
			dialog_line(a, "%s is held by no one yet.", d->reference);
		dialog_line(a, "Who takes it over? Their name, as it signs their records, without the role.");
		break;
	default:
		return confirm_open(a, challenge_describe);
	}
	return APP_REDRAW;
}

/* Keeps the typed value as answer i (NULL when empty). */
static const char *answer_keep(struct dialog_state *dl, int i, const char *value)
{
	free(dl->answer[i]);
	dl->answer[i] = *value ? xstrdup(value) : NULL;
	return dl->answer[i];
}

/* Moves a prompt on to its next step with the typed value. */
static unsigned dialog_next(struct app *a, const char *value)
{
	struct dialog_state *dl = &a->dlg;

	switch (dl->step) {
	case DLG_ESCALATE_DUE:
		return escalate_date(a, value);
	case DLG_ESCALATE_RESPONSE:
		return escalate_response(a, value);
	case DLG_REOPEN_REASON:
		dl->ch.text = answer_keep(dl, 0, value);
		return confirm_open(a, reopen_describe);
	case DLG_ESCALATE_REASON:
		dl->ch.text = answer_keep(dl, 0, value);
		return confirm_open(a, escalate_describe);
	case DLG_DUE_DATE:
		if (!date_parse(value, &dl->ch.due)) {
			app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04");
			return APP_REDRAW;
		}
		if (dl->response) {
			dialog_step(a, DLG_DUE_RESPONSE, true, true, "Response date (YYYY-MM-DD)");
			dialog_line(a, "The stage agrees a second timescale too: %s. Enter alone to leave it as it is.",
			            dl->response);
			return APP_REDRAW;
		}
		dialog_step(a, DLG_DUE_REASON, true, true, "Reason");
		dialog_line(a, "Why this date? Needed when it is later than the protocol's limit; "
		            "Enter alone to skip.");
		return APP_REDRAW;
	case DLG_DUE_RESPONSE:
		if (*value && !date_parse(value, &dl->ch.response)) {
			app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04, or leave it empty");
			return APP_REDRAW;
		}
		dialog_step(a, DLG_DUE_REASON, true, true, "Reason");
		dialog_line(a, "Why these dates? Needed when one is later than the protocol's limit; "
		            "Enter alone to skip.");
		return APP_REDRAW;
	case DLG_DUE_REASON:
		dl->ch.text = answer_keep(dl, 0, value);
		return confirm_open(a, due_describe);
	case DLG_RESOLVE_OUTCOME:
		dl->ch.text = answer_keep(dl, 0, value);
		dialog_step(a, DLG_RESOLVE_OUTSTANDING, true, true, "Outstanding");
		dialog_line(a, "How will outstanding issues be pursued? Enter alone if there are none.");
		return APP_REDRAW;
	case DLG_RESOLVE_OUTSTANDING:
		dl->ch.text2 = answer_keep(dl, 1, value);
		return confirm_open(a, close_describe);
	case DLG_WITHDRAW_REASON:
		dl->ch.text = answer_keep(dl, 0, value);
		return confirm_open(a, close_describe);
	case DLG_TICK_ITEM: {
		char *end, iso[11];
		long n = strtol(value, &end, 10);

		if (*end || end == value || n < 1 || n > CHECKLIST_MAX) {
			app_status(a, true, "Type the number of an item of the checklist (Esc closes it)");
			return APP_REDRAW;
		}
		dl->ch.item = (int)n;
		dialog_step(a, DLG_TICK_DAY, true, false, "Done on");
		tick_lines(a);
		dialog_line(a, "On which day was item %ld done?", n);
		textedit_set(&dl->input, date_format(a->c->today, iso));
		return APP_REDRAW;
	}
	case DLG_TICK_DAY:
		if (!date_parse(value, &dl->ch.on)) {
			app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04");
			return APP_REDRAW;
		}
		return confirm_open(a, tick_describe);
	case DLG_OWNER_NAME:
		dl->ch.text = answer_keep(dl, 0, value);
		return confirm_open(a, owner_describe);
	case DLG_DETAIL_CONTACT:
		return detail_contact(a, value);
	case DLG_DETAIL_NEXT:
		dl->ch.text = answer_keep(dl, 0, value);
		dl->ch.due = DATE_NONE;
		if (dl->ch.text) {
			dialog_step(a, DLG_DETAIL_DUE, true, false, "By (YYYY-MM-DD)");
			dialog_line(a, "Next: %s", dl->ch.text);
			dialog_line(a, "By when? The follow-up comes onto the deadline board on that day.");
			return APP_REDRAW;
		}
		if (!dl->ch.contact_id && !dl->ch.new_contact) {
			dialog_close(a);
			app_status(a, false, "Nothing to add: no contact and no next action");
			return APP_REDRAW;
		}
		return confirm_open(a, detail_describe);
	case DLG_DETAIL_DUE:
		if (!date_parse(value, &dl->ch.due)) {
			app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-12-04");
			return APP_REDRAW;
		}
		return confirm_open(a, detail_describe);
	default:
		return APP_REDRAW;
	}
}

/* Ctrl-S on the confirmation: the one place the flow writes. */
static unsigned dialog_finish(struct app *a)
{
	struct dialog_state *dl = &a->dlg;
	struct error err;
	char ref[16], done[80];
	enum status rc;

	enum svc_change_kind kind = dl->ch.kind;

	snprintf(ref, sizeof(ref), "%s", dl->ref);
	snprintf(done, sizeof(done), "%s", dl->done);
	error_clear(&err);
	/* The date a counterpart proposed, taken up: the proposal is marked as
	 * taken in the same journal entry. */
	if (dl->ch.kind == SVC_SET_DUE && dl->proposed != DATE_NONE && dl->ch.due == dl->proposed &&
	    dl->ch.response == DATE_NONE)
		rc = svc_invite_accept(a->c, ref, dl->proposer, dl->ch.text, NULL, &err);
	else
		rc = svc_apply(a->c, ref, &dl->ch, NULL, &err);
	dialog_close(a);
	app_changed(a, ref);
	if (rc != ST_OK) {
		app_error(a, &err);
		return APP_REDRAW;
	}
	/* What moves no deadline says only what was done. */
	if (kind == SVC_TICK || kind == SVC_OWNER || kind == SVC_DETAIL) {
		app_status(a, false, "%s", done);
	} else if (a->detail.loaded && a->detail.d.status == DS_OPEN && dispute_current(&a->detail.d)) {
		const struct stage *st = dispute_current(&a->detail.d);
		char due[32], label[32];

		app_date_text(st->due, due, sizeof(due));
		stage_label(a->detail.p, &a->detail.d, st, label, sizeof(label));
		if (st->due == DATE_NONE)
			app_status(a, false, "%s: %s has no limit set (d sets the date once agreed)", done, label);
		else
			app_status(a, false, "%s: %s due %s", done, label, due);
	} else {
		app_status(a, false, "%s", done);
	}
	/* What the change leaves owed to the counterparts is asked at once. */
	invite_owed_ask(a, ref);
	return APP_REDRAW;
}

static unsigned dialog_cancel(struct app *a)
{
	dialog_close(a);
	app_guard(a);
	app_status(a, false, "Cancelled: nothing changed");
	return APP_REDRAW;
}

static unsigned dialog_key(struct app *a, int key)
{
	struct dialog_state *dl = &a->dlg;
	enum action act;

	if (!dl->prompt) {
		act = keys_lookup(KC_CONFIRM, key);
		if (act == ACT_CF_CONFIRM)
			return dialog_finish(a);
		if (act == ACT_CF_CANCEL)
			return dialog_cancel(a);
		/* Typing (y, Enter, a sentence) never confirms: say what does. */
		app_status(a, false, "Only Ctrl-S %ss (Esc cancels); nothing is written until then", dl->verb);
		return APP_REDRAW;
	}
	act = keys_lookup(KC_FORM, key);
	a->status[0] = '\0';
	a->status_error = false;
	if (act == ACT_FM_CANCEL)
		return dialog_cancel(a);
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

static void dialog_draw(struct app *a, struct screen *s)
{
	struct dialog_state *dl = &a->dlg;
	int w = a->w - 8 < 76 ? a->w - 8 : 76, h = 0, y;
	struct rect r, in;

	for (int i = 0; i < dl->nlines; i++)
		h += form_text_lines(dl->lines[i], i == dl->nlines - 1 && !dl->prompt ? w - 6 : w - 4);
	h += 4 + (dl->prompt ? 2 : 0);
	if (dl->prompt && dl->hint[0])
		h += form_text_lines(dl->hint, w - 4);
	r = form_box(a, s, w, h, dl->title);
	in = rect_inner(r);
	y = in.y;
	for (int i = 0; i < dl->nlines; i++) {
		/* The journal text itself, indented, under its heading. */
		bool event = !dl->prompt && i == dl->nlines - 1;

		y += form_text_draw(s, y, in.x + (event ? 3 : 1), in.w - (event ? 4 : 2), in.y + in.h - 1 - y,
		                    i == 0 || event ? 0 : SA_BOLD, dl->lines[i]);
	}
	y++;
	if (dl->prompt) {
		int lw = screen_put(s, y, in.x + 1, in.w - 2, SA_BOLD, dl->label);

		form_field_draw(s, y, in.x + 2 + lw, in.w - 3 - lw, &dl->input, true);
		if (dl->hint[0])
			form_text_draw(s, y + 1, in.x + 1, in.w - 2, in.y + in.h - 1 - (y + 1), SA_DIM, dl->hint);
		screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_DIM,
		               dl->optional ? "Enter continue (may be empty) · Esc cancel" : "Enter continue · Esc cancel");
	} else {
		screen_printf(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD, "Ctrl-S %s · Esc cancel", dl->verb);
	}
}

static struct textedit *dialog_field(struct app *a, bool *multiline)
{
	*multiline = false;
	return a->dlg.prompt ? &a->dlg.input : NULL;
}

static unsigned dialog_hints(const struct app *a)
{
	return a->dlg.prompt ? KC_BIT(KC_TEXT) : KC_BIT(KC_CONFIRM);
}

const struct mode_ops mode_dialog_ops = { dialog_key, dialog_draw, dialog_field, dialog_hints };
