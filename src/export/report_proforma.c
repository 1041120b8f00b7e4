/* The referral proforma (Sunderland Appendix 1) filled from a dispute's journal, as text or Markdown, never invented. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/report.h"
#include "dispute/text.h"

/* Writes the proforma's pieces in one of two notations, so the text and
 * the Markdown forms cannot list different fields. */
struct pf {
	struct sb *sb;
	bool md;
	int depth;              /* text indentation level: 1 under a section, 2 under a subsection */
	bool in_list;           /* Markdown: inside a list, whose items follow without a blank line */
};

/* Width of the labels of "Label: value" lines in text. */
#define PF_LABEL_COLS 18

/* Appends one line of stored text: sanitised, and in Markdown with the
 * characters that would start markup escaped. */
static void pf_inline(struct pf *f, const char *s)
{
	char *clean = text_sanitize(s ? s : "", false);
	const char *p = clean;

	if (!f->md) {
		sb_append(f->sb, clean);
		free(clean);
		return;
	}
	/* At the start of a line, list markers, numbered lists, setext
	 * underlines and block quotes would turn the text into markup. */
	if (*p == '-' || *p == '+' || *p == '=' || *p == '>') {
		sb_append(f->sb, "\\");
	} else {
		const char *q = p;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q != p && (*q == '.' || *q == ')')) {
			sb_appendn(f->sb, p, (size_t)(q - p));
			sb_append(f->sb, "\\");
			p = q;
		}
	}
	for (; *p; p++) {
		if (strchr("\\`*_[]<>#|~&", *p))
			sb_append(f->sb, "\\");
		sb_appendn(f->sb, p, 1);
	}
	free(clean);
}

/* Markdown blocks are separated by exactly one blank line; list items
 * (list true) follow each other directly. */
static void pf_block(struct pf *f, bool list)
{
	if (!f->md)
		return;
	if (!(list && f->in_list) && f->sb->len && !(f->sb->len >= 2 && strcmp(f->sb->s + f->sb->len - 2, "\n\n") == 0))
		sb_append(f->sb, "\n");
	f->in_list = list;
}

static void pf_indent(struct pf *f)
{
	for (int i = 0; !f->md && i < f->depth; i++)
		sb_append(f->sb, "  ");
}

static void pf_heading(struct pf *f, const char *md_mark, int depth, const char *title)
{
	pf_block(f, false);
	if (f->md) {
		sb_append(f->sb, md_mark);
	} else {
		if (depth < 2)
			sb_append(f->sb, f->sb->len ? "\n" : "");
		f->depth = depth - 1;
		pf_indent(f);
	}
	pf_inline(f, title);
	sb_append(f->sb, "\n");
	f->depth = depth;
}

static void pf_title(struct pf *f, const char *title)
{
	pf_heading(f, "# ", 0, title);
}

static void pf_section(struct pf *f, const char *title)
{
	pf_heading(f, "## ", 1, title);
}

static void pf_subsection(struct pf *f, const char *title)
{
	pf_heading(f, "### ", 2, title);
}

/* The line a field left to complete by hand is shown as (in Markdown
 * escaped, or it would be a horizontal rule). */
static void pf_blank_inline(struct pf *f)
{
	if (!f->md) {
		sb_append(f->sb, REPORT_BLANK);
		return;
	}
	for (const char *p = REPORT_BLANK; *p; p++) {
		sb_append(f->sb, "\\");
		sb_appendn(f->sb, p, 1);
	}
}

static void pf_blank(struct pf *f)
{
	pf_block(f, false);
	pf_indent(f);
	pf_blank_inline(f);
	sb_append(f->sb, "\n");
}

/* "Label: value", or "Label: ____" when value is NULL. */
static void pf_field(struct pf *f, const char *label, const char *value)
{
	pf_block(f, true);
	pf_indent(f);
	if (f->md) {
		sb_append(f->sb, "- **");
		pf_inline(f, label);
		sb_append(f->sb, ":** ");
	} else {
		pf_inline(f, label);
		sb_append(f->sb, ":");
		for (int w = text_width(label) + 1; w < PF_LABEL_COLS; w++)
			sb_append(f->sb, " ");
	}
	if (value)
		pf_inline(f, value);
	else
		pf_blank_inline(f);
	sb_append(f->sb, "\n");
}

/* Stored text, kept on its lines: a paragraph, or (item) a list entry
 * whose first line is its heading.  In text, the lines after the first
 * of an item are indented under it. */
static void pf_lines(struct pf *f, const char *text, bool item)
{
	char *copy = xstrdup(text ? text : ""), *line, *save = NULL;
	bool first = true;

	pf_block(f, item);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!first)
			sb_append(f->sb, f->md ? "  \n" : "\n");
		pf_indent(f);
		if (f->md && item)
			sb_append(f->sb, first ? "- " : "  ");
		else if (!f->md && item && !first)
			sb_append(f->sb, "  ");
		pf_inline(f, line);
		first = false;
	}
	sb_append(f->sb, "\n");
	free(copy);
}

static void pf_text(struct pf *f, const char *text)
{
	pf_lines(f, text, false);
}

static void pf_item(struct pf *f, const char *text)
{
	pf_lines(f, text, true);
}

/* The journal facts the proforma is filled from. */
struct journal {
	const struct dispute *d;
	const struct protocol *p;
	const struct record *recs;
	size_t nrecs;
	const struct contact *referrer;  /* the raising agency's contact named like the opening author, or NULL */
	const char *opened_by;           /* author of the opening event, or NULL */
};

/* The raising agency's contact whose name is the opening event's author,
 * compared without regard to case; NULL when there is none.  Only that
 * match says who the referrer is: any other contact would be a guess. */
static const struct contact *referrer_find(const struct contact *v, size_t n, const char *author)
{
	char *want = author ? text_fold(author) : NULL;
	const struct contact *found = NULL;

	for (size_t i = 0; want && !found && i < n; i++) {
		char *name = text_fold(v[i].name ? v[i].name : "");
		if (strcmp(name, want) == 0)
			found = &v[i];
		free(name);
	}
	free(want);
	return found;
}

/* "#4 2026-11-03 10:15 call, lead" (+ ", amends #2"), then the record's
 * text on the lines below.  Caller frees. */
static char *record_entry(const struct record *r)
{
	char when[17], *t;

	datetime_format(r->day, r->minute, when);
	if ((t = strchr(when, 'T')))
		*t = ' ';
	if (r->amends)
		return xasprintf("#%lld %s %s, %s, amends #%lld\n%s", r->id, when, record_kind_name(r->kind),
		                 r->author ? r->author : "unknown", r->amends, r->text ? r->text : "");
	return xasprintf("#%lld %s %s, %s\n%s", r->id, when, record_kind_name(r->kind),
	                 r->author ? r->author : "unknown", r->text ? r->text : "");
}

/* The follow-up a record set, on the line below its text. */
static char *record_followup(const struct dispute *d, const struct record *r)
{
	const struct record_detail *rd = dispute_detail(d, r->id);
	char a[11], b[11];

	if (!rd || !rd->next)
		return NULL;
	if (rd->done != DATE_NONE)
		return xasprintf("Next: %s, by %s (done %s by %s)", rd->next, date_format(rd->due, a),
		                 date_format(rd->done, b), rd->done_by ? rd->done_by : "?");
	return xasprintf("Next: %s, by %s", rd->next, date_format(rd->due, a));
}

/* Lists the records of the given kinds written at the stage placed
 * `number` in the dispute's history; returns how many. */
static int stage_records(struct pf *f, const struct journal *j, int number, const enum record_kind *kinds,
                         size_t nkinds)
{
	int n = 0;

	for (size_t i = 0; i < j->nrecs; i++) {
		const struct record *r = &j->recs[i];
		bool want = false;

		for (size_t k = 0; k < nkinds; k++)
			want |= r->kind == kinds[k];
		if (!want || r->stage != number)
			continue;
		char *entry = record_entry(r), *next = record_followup(j->d, r);

		if (next) {
			char *both = xasprintf("%s\n%s", entry, next);

			free(entry);
			entry = both;
		}
		pf_item(f, entry);
		free(entry);
		free(next);
		n++;
	}
	return n;
}

/* What ended the stage, from the stage and the dispute; NULL while it runs. Caller frees. */
static char *stage_ending(const struct dispute *d, const struct stage *g)
{
	char a[11];
	const char *day = date_format(g->ended, a);

	const struct stage *next = dispute_stage(d, g->number + 1);

	switch (g->how) {
	case SE_ESCALATED:
		return xasprintf("Not resolved at this step: escalated to step %d on %s.", next ? stage_step(next) :
		                 stage_step(g) + 1, day);
	case SE_RESOLVED:
		return xasprintf("Resolved on %s. Agreed: %s%s%s", day, d->outcome ? d->outcome : "",
		                 d->outstanding ? "\nOutstanding issues: " : "", d->outstanding ? d->outstanding : "");
	case SE_WITHDRAWN:
		return xasprintf("Withdrawn on %s. Reason: %s", day, d->outcome ? d->outcome : "");
	case SE_REFERRED:
		return xasprintf("Referred on %s to: %s", day, d->outcome ? d->outcome : "");
	case SE_NONE:
		break;
	}
	return NULL;
}

/* The step's checklist: what the protocol asks for there, done (when and
 * by whom) or not. */
static void step_checklist(struct pf *f, const struct journal *j, int number)
{
	struct check_item items[CHECKLIST_MAX];
	size_t n = dispute_checklist(j->p, j->d, number, items, CHECKLIST_MAX);
	char a[11];

	for (size_t i = 0; i < n; i++) {
		char *line;

		if (items[i].followup)
			continue;
		if (items[i].done)
			line = xasprintf("Done %s by %s: %s", date_format(items[i].done->on, a),
			                 items[i].done->by ? items[i].done->by : "?", items[i].text);
		else
			line = xasprintf("Not done: %s", items[i].text);
		pf_item(f, line);
		free(line);
	}
}

/* The day the information went to the Strategic Business Manager: the
 * day that checklist item was done (Sunderland asks for it at step 4), or
 * DATE_NONE. */
static long passed_to_manager(const struct dispute *d)
{
	for (size_t i = 0; i < d->ndone; i++)
		if (d->done[i].text && strstr(d->done[i].text, "Strategic Business Manager"))
			return d->done[i].on;
	return DATE_NONE;
}

/* One step: the stage g as it ran (its records are those written at its
 * place), or, g NULL, step `number` of the route (urgent: the urgent
 * route's own) not reached. */
static void step_write(struct pf *f, const struct journal *j, const struct stage *g, int number, const char *name,
                       bool urgent)
{
	static const enum record_kind actions[] = { RK_CALL, RK_MEETING, RK_EMAIL, RK_ACTION, RK_NOTE };
	static const enum record_kind outcomes[] = { RK_DECISION, RK_OUTCOME };
	static const enum record_kind learning[] = { RK_LEARNING };
	const struct stage_rule *rule;
	const char *route = (g ? stage_on_own_route(j->p, j->d, g) : urgent) ? "Urgent step" : "Step";
	char a[11], b[11], c[17];
	char *title, *line;
	int n;

	if (!g) {
		title = xasprintf("%s %d - %s: not reached", route, number, name ? name : "?");
		pf_section(f, title);
		free(title);
		return;
	}
	number = stage_step(g);
	name = dispute_stage_name(j->p, j->d, g->number);
	if (g->ended != DATE_NONE)
		title = xasprintf("%s %d - %s (%s to %s, %s)", route, number, name ? name : "?", date_format(g->started, a),
		                  date_format(g->ended, b), stage_end_name(g->how));
	else
		title = xasprintf("%s %d - %s (from %s, %s)", route, number, name ? name : "?", date_format(g->started, a),
		                  j->d->status == DS_OPEN ? "current" : "closed");
	pf_section(f, title);
	free(title);

	pf_subsection(f, "Actions taken");
	rule = dispute_rule(j->p, j->d, g);
	/* A step that agrees two timescales (Sunderland's step 2) says whose is which. */
	if (g->due == DATE_NONE)
		line = xstrdup("No timescale agreed.");
	else
		line = xasprintf("%s: due %s (%s)%s%s", rule && rule->response ? "Timescale agreed with the practitioner"
		                 : "Timescale", datetime_format(g->due, g->due_minute, c),
		                 g->due_agreed ? "agreed" : "protocol limit", g->due_reason ? "; reason: " : "",
		                 g->due_reason ? g->due_reason : "");
	pf_item(f, line);
	free(line);
	if (rule && rule->response) {
		char what[512];

		text_in_sentence(rule->response, what, sizeof(what));
		if (g->response_due == DATE_NONE)
			line = xasprintf("Timescale for %s: not agreed.", what);
		else
			line = xasprintf("Timescale for %s: due %s (%s)", what, date_format(g->response_due, c),
			                 g->limit_due != DATE_NONE && g->response_due == g->limit_due ? "protocol limit" : "agreed");
		pf_item(f, line);
		free(line);
	}
	step_checklist(f, j, g->number);
	stage_records(f, j, g->number, actions, sizeof(actions) / sizeof(actions[0]));

	pf_subsection(f, "Outcome");
	n = stage_records(f, j, g->number, outcomes, sizeof(outcomes) / sizeof(outcomes[0]));
	line = stage_ending(j->d, g);
	if (line) {
		pf_item(f, line);
		n++;
	}
	free(line);
	if (!n)
		pf_blank(f);

	pf_subsection(f, "Has any learning been identified?");
	if (!stage_records(f, j, g->number, learning, 1))
		pf_blank(f);
}

static void proforma_write(struct pf *f, const struct journal *j, bool include_subject)
{
	const struct dispute *d = j->d;
	const struct protocol *p = j->p;
	const struct category *cat = p && d->category ? protocol_category(p, d->category) : NULL;
	char a[11], b[11];
	char *s;
	size_t nrules = 0;
	const struct stage_rule *rules = p ? dispute_rules(p, d, &nrules) : NULL;
	const struct stage *cur = dispute_current(d);
	int last = cur ? stage_step(cur) : d->current_stage;

	s = xasprintf("Dispute resolution: referral to %s", p && p->partnership ? p->partnership : "the partnership");
	pf_title(f, s);
	free(s);
	s = p ? xasprintf("%s (%s)%s", p->title, p->id, d->urgent ? ", urgent route" : "")
	      : xasprintf("%s (not loaded)", d->protocol);
	pf_field(f, "Protocol", s);
	free(s);
	pf_field(f, "Dispute", d->reference);
	for (size_t i = 0; include_subject && i < dispute_subject_count(d); i++)
		pf_field(f, "Subject", dispute_subject(d, i));
	pf_field(f, "Raised by", d->raised_by);
	{
		struct sb with = {0};

		for (size_t i = 0; i < dispute_agency_count(d); i++)
			sb_printf(&with, "%s%s", i ? ", " : "", dispute_agency(d, i));
		pf_field(f, "With", with.s);
		free(with.s);
	}
	pf_field(f, "Opened", date_format(d->opened, a));
	if (d->status == DS_OPEN)
		s = xasprintf("open at step %d", last);
	else
		s = xasprintf("%s at step %d on %s", dispute_status_name(d->status), last, date_format(d->closed, b));
	pf_field(f, "Status", s);
	free(s);

	pf_section(f, "Name and designation of referrer");
	pf_field(f, "Name", j->referrer ? j->referrer->name : j->opened_by);
	pf_field(f, "Designation", j->referrer ? j->referrer->role : NULL);

	pf_section(f, "Contact details of referrer");
	if (j->referrer && (j->referrer->email || j->referrer->phone)) {
		if (j->referrer->email)
			pf_field(f, "Email", j->referrer->email);
		if (j->referrer->phone)
			pf_field(f, "Phone", j->referrer->phone);
	} else {
		pf_blank(f);
	}

	pf_section(f, "Date information passed to the partnership's strategic business manager");
	if (d->referred != DATE_NONE) {
		s = xasprintf("%s (referred to: %s)", date_format(d->referred, a), d->referred_to ? d->referred_to : "");
		pf_text(f, s);
		free(s);
	} else if (d->status == DS_REFERRED) {
		/* referred and closed, as a dispute referred before the partnership kept it open */
		s = xasprintf("%s (referred to: %s)", date_format(d->closed, a), d->outcome ? d->outcome : "");
		pf_text(f, s);
		free(s);
	} else if (passed_to_manager(d) != DATE_NONE) {
		pf_text(f, date_format(passed_to_manager(d), a));
	} else {
		pf_blank(f);
	}

	pf_section(f, "Reason for implementing the protocol");
	pf_field(f, "Category", cat ? cat->label : d->category);
	pf_field(f, "Summary", d->summary);
	pf_field(f, "Formal challenge", d->challenged == DATE_NONE ? "not recorded" : date_format(d->challenged, a));

	/* the steps as they ran, then those of its route not reached */
	for (size_t i = 0; i < d->nstages; i++)
		step_write(f, j, &d->stages[i], 0, NULL, false);
	for (int i = last + 1; rules && i <= (int)nrules; i++)
		step_write(f, j, NULL, i, rules[i - 1].name, cur && stage_on_own_route(p, d, cur));

	pf_section(f, "Date complete");
	if (d->status == DS_OPEN)
		pf_blank(f);
	else
		pf_text(f, date_format(d->closed, a));
	pf_section(f, "Signed");
	pf_blank(f);
}

enum status report_proforma(const struct dispute *d, const struct protocol *p, const struct record *recs,
                            size_t nrecs, const struct contact *contacts, size_t ncontacts, enum report_format fmt,
                            bool include_subject, struct sb *out, struct error *err)
{
	struct journal j = {0};
	struct pf f = { out, fmt == REPORT_MD, 0, false };
	long long first = 0;

	if (fmt != REPORT_TEXT && fmt != REPORT_MD)
		return error_set(err, ST_USAGE, "the proforma is written as text or md");
	j.d = d;
	j.p = p;
	j.recs = recs;
	j.nrecs = nrecs;
	/* The program writes the opening event before any other record (the
	 * lowest id); its author opened the dispute. */
	for (size_t i = 0; i < nrecs; i++)
		if (recs[i].kind == RK_EVENT && (!first || recs[i].id < first)) {
			first = recs[i].id;
			j.opened_by = recs[i].author;
		}
	j.referrer = referrer_find(contacts, ncontacts, j.opened_by);
	proforma_write(&f, &j, include_subject);
	return ST_OK;
}
