/* The stage timeline pane: the selected dispute's stages as they ran, its running deadlines, and the stages still to come. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "lines.h"
#include "pane.h"
#include "dispute/protocol.h"

static void time_text(int minute, char *out, size_t outlen)
{
	if (minute == TIME_NONE || minute < 0)
		out[0] = '\0';
	else
		snprintf(out, outlen, " %02d:%02d", minute / 60, minute % 60);
}

static void add_header(struct app *a, struct lines *l)
{
	const struct dispute *d = &a->detail.d;
	const struct protocol *p = a->detail.p;
	const struct stage *cur = dispute_current(d);
	char day[32], label[32];

	if (d->nsubjects) {
		struct sb all = {0};

		for (size_t i = 0; i < dispute_subject_count(d); i++)
			sb_printf(&all, "%s%s", i ? ", " : "", dispute_subject(d, i));
		lines_addf(l, SA_BOLD, 0, "%s · %s", d->reference, all.s);
		free(all.s);
	} else {
		lines_addf(l, SA_BOLD, 0, "%s · %s", d->reference, d->subject ? d->subject : "");
	}
	/* Who holds it, when it is not the lead at the keyboard. */
	if (d->owner && (!a->c->lead || strcmp(d->owner, a->c->lead) != 0))
		lines_addf(l, SA_BOLD, 0, "Held by %s", d->owner);
	if (p)
		lines_add(l, SA_DIM, 0, 2, p->title ? p->title : p->id);
	else
		lines_addf(l, SA_COLOUR(SC_OVERDUE) | SA_BOLD, 0, "Protocol %s is not installed", d->protocol);
	if (d->urgent) {
		if (p && p->urgent && !p->urgent->same_stages)
			lines_addf(l, SA_COLOUR(SC_URGENT) | SA_BOLD, 0, "URGENT · %s", p->urgent->name);
		else if (p && p->urgent)
			lines_addf(l, SA_COLOUR(SC_URGENT) | SA_BOLD, 0, "URGENT · %s: agree a sooner date at each stage",
			           p->urgent->name);
		else
			lines_add(l, SA_COLOUR(SC_URGENT) | SA_BOLD, 0, 2,
			          "URGENT · no urgent route of its own: agree a sooner date at each stage");
		if (p && p->urgent && p->urgent->notice)
			lines_add(l, SA_COLOUR(SC_URGENT), 2, 0, p->urgent->notice);
	} else if (p && p->urgent && !p->urgent->same_stages) {
		lines_addf(l, SA_DIM, 0, "Urgent route: %s", p->urgent->name);
		if (p->urgent->when)
			lines_add(l, SA_DIM, 2, 0, p->urgent->when);
	}
	if (d->status == DS_OPEN && d->inform_due != DATE_NONE && p && p->urgent && p->urgent->inform) {
		app_date_text(d->inform_due, day, sizeof(day));
		lines_addf(l, d->inform_due == a->c->today ? SA_COLOUR(SC_URGENT) | SA_BOLD : SA_DIM, 2,
		           "inform %s: %s", p->urgent->inform, d->inform_due == a->c->today ? "today" : day);
	}
	if (d->challenged != DATE_NONE) {
		app_date_text(d->challenged, day, sizeof(day));
		lines_addf(l, SA_BOLD, 0, "FORMAL CHALLENGE since %s", day);
	}
	if (d->referred != DATE_NONE) {
		app_date_text(d->referred, day, sizeof(day));
		lines_addf(l, SA_BOLD, 0, "REFERRED to %s on %s", p && p->body ? p->body : "the partnership", day);
		lines_add(l, 0, 2, 0, d->referred_to ? d->referred_to : "");
	}
	if (d->status != DS_OPEN) {
		app_date_text(d->closed, day, sizeof(day));
		lines_addf(l, SA_BOLD, 0, "%s at %s on %s", d->status == DS_RESOLVED ? "RESOLVED" :
		           d->status == DS_WITHDRAWN ? "WITHDRAWN" : "REFERRED ON",
		           cur ? stage_label(p, d, cur, label, sizeof(label)) : "stage 1", day);
		if (d->outcome)
			lines_add(l, 0, 2, 0, d->outcome);
		if (d->outstanding)
			lines_addf(l, SA_DIM, 2, "Outstanding: %s", d->outstanding);
	}
	lines_add(l, 0, 0, 0, "");
}

/* "1", or "U1" for a stage of the urgent route's own. */
static void stage_mark(const struct app *a, const struct stage *st, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%d", stage_on_own_route(a->detail.p, &a->detail.d, st) ? "U" : "", stage_step(st));
}

static void add_done(struct app *a, struct lines *l, const struct stage *st)
{
	const struct stage_rule *rule = dispute_rule(a->detail.p, &a->detail.d, st);
	char from[11] = "—", to[11] = "—", head[512], mark[32];

	stage_mark(a, st, mark, sizeof(mark));
	snprintf(head, sizeof(head), "✓ %s %s", mark, rule ? rule->name : "");
	lines_add(l, 0, 0, 4, head);
	if (st->started != DATE_NONE)
		date_format(st->started, from);
	if (st->ended != DATE_NONE)
		date_format(st->ended, to);
	lines_addf(l, SA_DIM, 4, "%s → %s · %s", from, to, st->how == SE_NONE ? "not ended" : stage_end_name(st->how));
}

/* One deadline of the current stage beside its own: due when, and how it stands. */
static void add_deadline(struct app *a, struct lines *l, const struct deadline *dl, const char *what)
{
	struct left left = deadline_left(&a->detail.d, a->detail.p, &a->c->cal, dl, a->c->today, a->c->now_minute);
	char due[32], tm[16], words[64];
	unsigned attr = 0;

	if (left.kind == LEFT_OVERDUE || left.kind == LEFT_PASSED_TODAY)
		attr = SA_COLOUR(SC_OVERDUE) | SA_BOLD;
	else if (left.kind == LEFT_TODAY)
		attr = SA_COLOUR(SC_URGENT) | SA_BOLD;
	app_date_text(dl->due, due, sizeof(due));
	time_text(dl->minute, tm, sizeof(tm));
	lines_addf(l, attr, 4, "%s: %s%s · %s", what, due, tm, left_text(&left, false, words, sizeof(words)));
}

static void add_current(struct app *a, struct lines *l, const struct stage *st)
{
	const struct dispute *d = &a->detail.d;
	const struct protocol *p = a->detail.p;
	const struct stage_rule *rule = dispute_rule(p, d, st);
	struct deadline dl = { DL_STAGE, st->due, st->due_minute };
	struct left left = deadline_left(d, p, &a->c->cal, &dl, a->c->today, a->c->now_minute);
	char from[32], due[32], tm[16], lim[96], head[512], words[64], mark[32];
	unsigned attr = SA_BOLD;

	if (left.kind == LEFT_OVERDUE || left.kind == LEFT_PASSED_TODAY)
		attr |= SA_COLOUR(SC_OVERDUE);
	else if (left.kind == LEFT_TODAY)
		attr |= SA_COLOUR(SC_URGENT);
	stage_mark(a, st, mark, sizeof(mark));
	snprintf(head, sizeof(head), "● %s %s", mark, rule ? rule->name : "");
	lines_add(l, st->due == DATE_NONE ? SA_BOLD : attr, 0, 4, head);
	app_date_text(st->started, from, sizeof(from));
	lines_addf(l, 0, 4, "now: started %s", from);
	if (st->due == DATE_NONE) {
		lines_add(l, SA_COLOUR(SC_URGENT), 4, 2, "no limit set: agree a due date (d)");
		if (st->follow_up != DATE_NONE) {
			struct deadline fu = { DL_FOLLOW_UP, st->follow_up, TIME_NONE };

			add_deadline(a, l, &fu, "follow up");
		}
	} else {
		app_date_text(st->due, due, sizeof(due));
		time_text(st->due_minute, tm, sizeof(tm));
		lines_addf(l, attr, 4, "due %s%s", due, tm);
		if (left.kind != LEFT_UNKNOWN)
			lines_add(l, attr, 4, 0, left_text(&left, true, words, sizeof(words)));
		if (st->due_agreed)
			lines_add(l, SA_DIM, 4, 2, st->due_reason ? st->due_reason : "date agreed between the agencies");
		else if (dispute_asks_sooner(p, d))
			lines_add(l, SA_COLOUR(SC_URGENT), 4, 2, "urgent: agree a sooner date (d)");
	}
	if (st->response_due != DATE_NONE) {
		struct deadline rd = { DL_RESPONSE, st->response_due, TIME_NONE };

		add_deadline(a, l, &rd, rule && rule->response ? rule->response : "response");
	}
	if (st->then_due != DATE_NONE) {
		struct deadline td = { DL_THEN, st->then_due, st->then_minute };

		add_deadline(a, l, &td, "then");
	}
	if (rule) {
		limit_describe(&rule->limit, lim, sizeof(lim));
		lines_addf(l, SA_DIM, 4, "limit: %s", lim);
		if (rule->ours && rule->theirs)
			lines_addf(l, SA_DIM, 4, "who: %s ↔ %s", rule->ours, rule->theirs);
		else if (rule->ours)
			lines_addf(l, SA_DIM, 4, "who: %s", rule->ours);
		if (rule->parties)
			lines_addf(l, SA_DIM, 4, "who: %s", rule->parties);
		if (rule->arbiter)
			lines_addf(l, SA_DIM, 4, "decides: %s", rule->arbiter);
		if (rule->then)
			lines_addf(l, SA_DIM, 4, "then: %s", rule->then);
		if (rule->notice)
			lines_add(l, SA_COLOUR(SC_URGENT), 4, 2, rule->notice);
	}
}

static void add_future(struct lines *l, const struct stage_rule *rule, const char *mark, bool closed)
{
	char lim[96], head[512];

	snprintf(head, sizeof(head), "○ %s %s", mark, rule->name);
	lines_add(l, SA_DIM, 0, 4, head);
	if (closed) {
		lines_add(l, SA_DIM, 4, 0, "not reached");
		return;
	}
	limit_describe(&rule->limit, lim, sizeof(lim));
	lines_addf(l, SA_DIM, 4, "limit: %s", lim);
}

static void add_span(struct app *a, struct lines *l, const struct span_rule *sp)
{
	struct span span = dispute_span(&a->detail.d, a->detail.p, &a->c->cal, sp, a->c->today);
	unsigned late = sp->advisory ? SA_BOLD : SA_COLOUR(SC_OVERDUE) | SA_BOLD;
	char lim[96], day[32], end[32];

	limit_describe(&sp->limit, lim, sizeof(lim));
	lines_addf(l, SA_BOLD, 0, "%s (stages %d-%d)%s", sp->name, sp->from, sp->to, sp->advisory ? " · advisory" : "");
	app_date_text(span.due, day, sizeof(day));
	app_date_text(span.ended, end, sizeof(end));
	switch (span.state) {
	case SPAN_NONE:
		lines_addf(l, SA_DIM, 4, "%s", lim);
		break;
	case SPAN_MET:
	case SPAN_MISSED:
		lines_addf(l, 0, 4, "%s: by %s", lim, day);
		/* guidance is passed, not missed: it bound nobody */
		lines_addf(l, span.state == SPAN_MISSED ? SA_BOLD : SA_DIM, 4, "%s: ended %s",
		           span.state == SPAN_MET ? "met" : sp->advisory ? "passed" : "missed", end);
		break;
	case SPAN_PASSED:
		lines_addf(l, late, 4, "%s: by %s · PASSED", lim, day);
		break;
	case SPAN_TODAY:
		lines_addf(l, SA_COLOUR(SC_URGENT) | SA_BOLD, 4, "%s: by %s · TODAY", lim, day);
		break;
	case SPAN_RUNNING:
		lines_addf(l, 0, 4, "%s: by %s", lim, day);
		break;
	}
}

/* The current stage's checklist, and the follow-ups: t ticks one. */
static void add_checklist(struct app *a, struct lines *l)
{
	const struct dispute *d = &a->detail.d;
	struct check_item items[CHECKLIST_MAX];
	size_t n = dispute_checklist(a->detail.p, d, 0, items, CHECKLIST_MAX), done = 0;
	char day[32];

	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		done += items[i].followup ? items[i].followup->done != DATE_NONE : items[i].done != NULL;
	lines_add(l, 0, 0, 0, "");
	lines_addf(l, SA_BOLD, 0, "Checklist, stage %d: %zu of %zu done (t)", d->current_stage, done, n);
	for (size_t i = 0; i < n; i++) {
		const struct check_item *it = &items[i];
		bool ticked = it->followup ? it->followup->done != DATE_NONE : it->done != NULL;
		char head[1024];

		snprintf(head, sizeof(head), "%s %zu %s", ticked ? "☑" : "☐", i + 1, it->text);
		lines_add(l, ticked ? SA_DIM : 0, 0, 4, head);
		if (ticked) {
			const char *by = it->followup ? it->followup->done_by : it->done->by;

			app_date_text(it->followup ? it->followup->done : it->done->on, day, sizeof(day));
			lines_addf(l, SA_DIM, 4, "done %s · %s", day, by ? by : "?");
		} else if (it->followup) {
			struct left left = dispute_left_at(d, a->detail.p, &a->c->cal, it->followup->due, TIME_NONE,
			                                   a->c->today, a->c->now_minute);
			char words[64];

			app_date_text(it->followup->due, day, sizeof(day));
			lines_addf(l, left.kind == LEFT_OVERDUE ? SA_COLOUR(SC_OVERDUE) | SA_BOLD :
			           left.kind == LEFT_TODAY ? SA_COLOUR(SC_URGENT) : SA_DIM, 4, "follow-up from #%lld, due %s · %s",
			           it->followup->record, day, left_text(&left, false, words, sizeof(words)));
		}
	}
}

static void add_spans(struct app *a, struct lines *l)
{
	const struct dispute *d = &a->detail.d;
	const struct protocol *p = a->detail.p;
	const struct stage *cur = dispute_current(d);

	/* Spans count the normal stages: a stage of an urgent route with
	 * stages of its own (Newcastle's) shows none of them. */
	if (!p || p->nspans == 0 || !cur || stage_on_own_route(p, d, cur))
		return;
	lines_add(l, 0, 0, 0, "");
	for (size_t i = 0; i < p->nspans; i++)
		add_span(a, l, &p->spans[i]);
}

/* Builds the whole timeline of the selected dispute into l: the stages as
 * they ran (a change of route or a reopening adds one), then the stages
 * still to come on the route the dispute is on. */
static void timeline_build(struct app *a, struct lines *l)
{
	const struct dispute *d = &a->detail.d;
	const struct protocol *p = a->detail.p;
	const struct stage *cur = dispute_current(d);
	const struct stage_rule *rules = NULL;
	size_t nrules = 0;

	add_header(a, l);
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *st = &d->stages[i];

		if (st->ended != DATE_NONE || d->status != DS_OPEN)
			add_done(a, l, st);
		else
			add_current(a, l, st);
	}
	if (p)
		rules = dispute_rules(p, d, &nrules);
	for (size_t i = cur ? (size_t)stage_step(cur) : 0; i < nrules; i++) {
		char mark[32];

		snprintf(mark, sizeof(mark), "%s%zu", cur && stage_on_own_route(p, d, cur) ? "U" : "", i + 1);
		add_future(l, &rules[i], mark, d->status != DS_OPEN);
	}
	add_spans(a, l);
	add_checklist(a, l);
}

static void timeline_draw(struct app *a, struct screen *s, struct rect r, bool focused)
{
	struct rect in = rect_inner(r);
	struct lines l;
	int max;

	pane_frame(s, r, "Timeline", focused);
	if (!a->detail.loaded) {
		screen_put_fit(s, in.y, in.x + 1, in.w - 1, SA_DIM, "No dispute selected.");
		return;
	}
	lines_init(&l, in.w - 1);
	timeline_build(a, &l);
	max = (int)l.n - in.h;
	if (max < 0)
		max = 0;
	if (a->detail.timeline_scroll > max)
		a->detail.timeline_scroll = max;
	in.x += 1;
	in.w -= 1;
	lines_draw(&l, s, in, (size_t)a->detail.timeline_scroll);
	if (max > 0)
		screen_put(s, r.y + r.h - 1, r.x + r.w - 12, 10, SA_DIM,
		           a->detail.timeline_scroll < max ? " more ↓ " : " ↑ above ");
	lines_free(&l);
}

static unsigned timeline_action(struct app *a, enum action act)
{
	if (app_scroll(&a->detail.timeline_scroll, act, false, 1 << 20))
		return APP_REDRAW;
	if (act != ACT_OPEN)
		return APP_BELL;
	a->focus = PANE_RECORDS;
	return APP_REDRAW;
}

const struct pane_ops pane_timeline_ops = {
	.title = "Timeline",
	.draw = timeline_draw,
	.action = timeline_action,
};
