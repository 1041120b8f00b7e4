/* Partnership statistics and the learning log: computed from the disputes the caller reads, written as aligned text, RFC 4180 CSV or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/report.h"
#include "dispute/text.h"

/* What a report's division falls back to when a dispute's protocol file is
 * no longer loaded: every shipped protocol counts in England and Wales. */
#define DEFAULT_DIVISION "england-and-wales"

bool report_format_parse(const char *s, enum report_format *out)
{
	static const struct { const char *name; enum report_format f; } names[] = {
		{ "text", REPORT_TEXT }, { "csv", REPORT_CSV }, { "json", REPORT_JSON }, { "md", REPORT_MD },
	};

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].f;
			return true;
		}
	return false;
}

/* ---- output helpers ---- */

void csv_field(struct sb *sb, const char *s)
{
	char *clean;
	bool quote;

	if (!s) {
		sb_appendn(sb, "", 0);
		return;
	}
	clean = text_sanitize(s, true);
	/* A cell a spreadsheet would run as a formula ("=HYPERLINK(...)",
	 * "+cmd", "@SUM") starts with an apostrophe instead; numbers such as
	 * "-3" stay numbers. */
	if (clean[0] == '=' || clean[0] == '+' || clean[0] == '@' ||
	    (clean[0] == '-' && !(clean[1] >= '0' && clean[1] <= '9'))) {
		char *guarded = xasprintf("'%s", clean);
		free(clean);
		clean = guarded;
	}
	quote = strpbrk(clean, ",\"\r\n") != NULL;
	if (!quote) {
		sb_append(sb, clean);
		free(clean);
		return;
	}
	sb_append(sb, "\"");
	for (const char *p = clean; *p; p++) {
		if (*p == '"')
			sb_append(sb, "\"");
		sb_appendn(sb, p, 1);
	}
	sb_append(sb, "\"");
	free(clean);
}

void csv_row(struct sb *sb, int n, const char *const *cells)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_append(sb, ",");
		csv_field(sb, cells[i]);
	}
	sb_append(sb, "\r\n");
}

/* s on one line, made safe for a terminal. */
static void put_line(struct sb *sb, const char *s)
{
	text_column(sb, s, 0);
}

/* "4", "4.5": a median is always a whole or a half number of days. */
static char *median_format(double m, char out[32])
{
	long twice = (long)(m * 2.0 + 0.5);

	if (twice % 2)
		snprintf(out, 32, "%ld.5", twice / 2);
	else
		snprintf(out, 32, "%ld", twice / 2);
	return out;
}

/* "disputes opened 2026-07-01 to 2026-09-30", "... on or after ...", "all time". */
static char *period_describe(long from, long to, char *out, size_t outlen)
{
	char a[11], b[11];

	if (from == DATE_NONE && to == DATE_NONE)
		snprintf(out, outlen, "all disputes (all time)");
	else if (to == DATE_NONE)
		snprintf(out, outlen, "disputes opened on or after %s", date_format(from, a));
	else if (from == DATE_NONE)
		snprintf(out, outlen, "disputes opened on or before %s", date_format(to, b));
	else
		snprintf(out, outlen, "disputes opened %s to %s", date_format(from, a), date_format(to, b));
	return out;
}

static void heading(struct sb *sb, const char *title, const struct report_filter *f, const struct protocol *p)
{
	char period[96];

	sb_printf(sb, "%s\n", title);
	sb_printf(sb, "Period:    %s\n", period_describe(f->from, f->to, period, sizeof(period)));
	sb_append(sb, "Protocol:  ");
	if (p) {
		put_line(sb, p->title);
		sb_append(sb, " (");
		put_line(sb, p->id);
		sb_append(sb, "), ");
		put_line(sb, p->partnership);
	} else if (f->protocol) {
		put_line(sb, f->protocol);
	} else {
		sb_append(sb, "all protocols");
	}
	sb_append(sb, "\n");
}

static void json_period(struct sb *sb, long from, long to, const char *protocol)
{
	sb_append(sb, "\"period\":{\"from\":");
	text_json_date(sb, from);
	sb_append(sb, ",\"to\":");
	text_json_date(sb, to);
	sb_append(sb, "},\"protocol\":");
	text_json(sb, protocol);
}

/* ---- computing the statistics ---- */

struct report_build {
	const struct report_world *w;
	int *days;              /* working days to resolution, one per resolved dispute */
	size_t ndays;
	enum status rc;
	struct error err;
};

void report_stats_free(struct report_stats *st)
{
	if (st->build) {
		free(st->build->days);
		free(st->build);
	}
	struct report_count *tables[] = { st->raised_by, st->against, st->categories };
	size_t sizes[] = { st->nraised_by, st->nagainst, st->ncategories };

	for (size_t t = 0; t < 3; t++) {
		for (size_t i = 0; i < sizes[t]; i++) {
			free(tables[t][i].key);
			free(tables[t][i].label);
		}
		free(tables[t]);
	}
	for (size_t i = 0; i < st->nstages; i++)
		free(st->stages[i].name);
	free(st->stages);
	for (size_t i = 0; i < st->nbreaches; i++) {
		free(st->breaches[i].protocol);
		free(st->breaches[i].name);
	}
	free(st->breaches);
	for (size_t i = 0; i < st->nmet_late; i++) {
		free(st->met_late[i].protocol);
		free(st->met_late[i].name);
	}
	free(st->met_late);
	free(st->protocol);
	for (size_t i = 0; i < st->nactions; i++)
		free(st->actions[i].text);
	free(st->actions);
	memset(st, 0, sizeof(*st));
}

static void count_add(struct report_count **v, size_t *n, const char *key, const char *label)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0) {
			/* One key, labelled differently by two protocols: show the key. */
			if ((*v)[i].label && (!label || strcmp((*v)[i].label, label) != 0)) {
				free((*v)[i].label);
				(*v)[i].label = NULL;
			}
			(*v)[i].count++;
			return;
		}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].key = xstrdup(key);
	(*v)[*n].label = xstrdup(label);
	(*v)[*n].count = 1;
	(*n)++;
}

static int count_cmp(const void *a, const void *b)
{
	const struct report_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int stage_cmp(const void *a, const void *b)
{
	const struct report_stage_row *x = a, *y = b;

	return (x->stage > y->stage) - (x->stage < y->stage);
}

static int breach_cmp(const void *a, const void *b)
{
	const struct report_breach *x = a, *y = b;
	int c = strcmp(x->reference, y->reference);

	return c ? c : (x->stage > y->stage) - (x->stage < y->stage);
}

static int action_cmp(const void *a, const void *b)
{
	const struct report_action *x = a, *y = b;

	if (x->asked != y->asked)
		return x->asked > y->asked ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* The checklists of every stage d reached: each action asked for, and
 * whether it was done; and the follow-ups set on its records. */
static void actions_add(struct report_stats *st, const struct dispute *d, const struct protocol *p)
{
	struct check_item items[CHECKLIST_MAX];

	for (size_t s = 0; s < d->nstages; s++) {
		size_t n = dispute_checklist(p, d, d->stages[s].number, items, CHECKLIST_MAX);

		for (size_t i = 0; i < n; i++) {
			struct report_action *a = NULL;

			if (items[i].followup)
				continue;
			for (size_t k = 0; k < st->nactions && !a; k++)
				if (strcmp(st->actions[k].text, items[i].text) == 0)
					a = &st->actions[k];
			if (!a) {
				st->actions = xrealloc(st->actions, (st->nactions + 1) * sizeof(*st->actions));
				a = &st->actions[st->nactions++];
				a->text = xstrdup(items[i].text);
				a->asked = a->done = 0;
			}
			a->asked++;
			st->actions_asked++;
			if (items[i].done) {
				a->done++;
				st->actions_done++;
			}
		}
	}
	for (size_t i = 0; i < d->ndetails; i++)
		if (d->details[i].next) {
			st->followups++;
			st->followups_done += d->details[i].done != DATE_NONE;
		}
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The name of stage `number` on the route the dispute follows, or NULL. */

static void stage_add(struct report_stats *st, const struct dispute *d, const char *name)
{
	struct report_stage_row *row = NULL;

	const struct stage *cur = dispute_current(d);
	int step = cur ? stage_step(cur) : d->current_stage;

	for (size_t i = 0; i < st->nstages; i++)
		if (st->stages[i].stage == step)
			row = &st->stages[i];
	if (!row) {
		st->stages = xrealloc(st->stages, (st->nstages + 1) * sizeof(*st->stages));
		row = &st->stages[st->nstages++];
		memset(row, 0, sizeof(*row));
		row->stage = step;
		row->name = xstrdup(name);
	} else if (row->name && (!name || strcmp(row->name, name) != 0)) {
		free(row->name);
		row->name = NULL;
	}
	row->by_status[d->status]++;
	row->total++;
}

/* Appends one row to *v. */
static struct report_breach *breach_push(struct report_breach **v, size_t *n, const struct dispute *d, int stage,
                                         const char *name, long due, long ended, int over)
{
	struct report_breach *br;

	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	br = &(*v)[(*n)++];
	memset(br, 0, sizeof(*br));
	memcpy(br->reference, d->reference, sizeof(br->reference));
	br->protocol = xstrdup(d->protocol);
	br->stage = stage;
	br->name = xstrdup(name);
	br->due = due;
	br->agreed = DATE_NONE;
	br->ended = ended;
	br->days_over = over;
	return br;
}

/* Adds the dispute's breached stages, and its limits across stages
 * (the whole process) gone past; a stage that went past the protocol's
 * own limit but met a later date agreed with a reason is met_late, not a
 * breach.  Returns the status of the working-day count. */
static enum status breaches_add(struct report_stats *st, const struct dispute *d, const struct protocol *p,
                                const char *division, bool *any)
{
	struct report_build *b = st->build;
	enum status rc;
	int over;

	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *g = &d->stages[i];
		long end = g->ended != DATE_NONE ? g->ended : d->status == DS_OPEN ? b->w->today : DATE_NONE;
		/* The stage's deadline: the protocol's own, or an agreed earlier
		 * date; agreeing a later date does not undo a breach, but meeting
		 * it is told apart. */
		long due = g->limit_due != DATE_NONE && (g->due == DATE_NONE || g->limit_due < g->due) ? g->limit_due
		                                                                                      : g->due;
		/* met: ended, within the later date agreed; while it runs past the
		 * protocol's limit it is a breach, whatever was agreed */
		bool met_agreed = g->due_agreed && g->limit_due != DATE_NONE && g->due > g->limit_due &&
		                  g->ended != DATE_NONE && g->ended <= g->due;

		if (g->started == DATE_NONE || due == DATE_NONE || end == DATE_NONE || end <= due)
			continue;
		{
			struct calendar view;

			/* Counted in the days the dispute's other agencies work. */
			rc = workdays_between(dispute_calendar(b->w->cal, d, &view), division, due, end, &over, &b->err);
			calendar_free(&view);
		}
		if (rc != ST_OK)
			return rc;
		if (met_agreed) {
			breach_push(&st->met_late, &st->nmet_late, d, stage_step(g), dispute_stage_name(p, d, g->number), due,
			            g->ended, over)->agreed = g->due;
			continue;
		}
		breach_push(&st->breaches, &st->nbreaches, d, stage_step(g), dispute_stage_name(p, d, g->number), due,
		            g->ended, over);
		*any = true;
	}
	for (size_t i = 0; p && i < p->nspans; i++) {
		const struct span_rule *sp = &p->spans[i];
		struct span span = dispute_span(d, p, b->w->cal, sp, b->w->today);
		long end = span.state == SPAN_PASSED ? b->w->today : span.ended;
		struct calendar view;
		char *name;

		if (sp->advisory || (span.state != SPAN_PASSED && span.state != SPAN_MISSED))
			continue;
		rc = workdays_between(dispute_calendar(b->w->cal, d, &view), division, span.due, end, &over, &b->err);
		calendar_free(&view);
		if (rc != ST_OK)
			return rc;
		name = xasprintf("%s (stages %d-%d)", sp->name, sp->from, sp->to);
		breach_push(&st->breaches, &st->nbreaches, d, 0, name, span.due,
		            span.state == SPAN_PASSED ? DATE_NONE : span.ended, over);
		free(name);
		*any = true;
	}
	return ST_OK;
}

int report_stats_add(const struct dispute *d, void *arg)
{
	struct report_stats *st = arg;
	struct report_build *b = st->build;
	const struct protocol *p = protocol_set_find(b->w->protocols, d->protocol);
	const char *division = p ? p->division : DEFAULT_DIVISION;
	const struct category *cat = p && d->category ? protocol_category(p, d->category) : NULL;
	bool breached = false;

	st->disputes++;
	if ((unsigned)d->status < 4)
		st->by_status[d->status]++;
	if (d->challenged != DATE_NONE)
		st->challenged++;
	if (d->urgent)
		st->urgent++;
	count_add(&st->raised_by, &st->nraised_by, d->raised_by ? d->raised_by : "", NULL);
	/* A dispute with several other agencies counts once for each. */
	count_add(&st->against, &st->nagainst, d->against ? d->against : "", NULL);
	for (size_t i = 0; i < d->nothers; i++)
		count_add(&st->against, &st->nagainst, d->others[i], NULL);
	actions_add(st, d, p);
	/* by what the user reads: the label (the key only when the protocol is gone) */
	count_add(&st->categories, &st->ncategories, cat ? cat->label : d->category ? d->category : "", NULL);
	stage_add(st, d, dispute_stage_name(p, d, d->current_stage));
	if (d->status == DS_RESOLVED && d->closed != DATE_NONE) {
		struct calendar view;
		int days;

		b->rc = workdays_between(dispute_calendar(b->w->cal, d, &view), division, d->opened, d->closed, &days,
		                         &b->err);
		calendar_free(&view);
		if (b->rc != ST_OK)
			return 1;
		b->days = xrealloc(b->days, (b->ndays + 1) * sizeof(*b->days));
		b->days[b->ndays++] = days;
		if (b->ndays == 1 || days > st->longest_days) {
			st->longest_days = days;
			memcpy(st->longest_reference, d->reference, sizeof(st->longest_reference));
		}
	}
	if ((b->rc = breaches_add(st, d, p, division, &breached)) != ST_OK)
		return 1;
	if (breached)
		st->breached_disputes++;
	return 0;
}

void report_stats_begin(struct report_stats *out, const struct report_filter *f, const struct report_world *w)
{
	memset(out, 0, sizeof(*out));
	out->from = f->from;
	out->to = f->to;
	out->today = w->today;
	out->protocol = xstrdup(f->protocol);
	out->build = xcalloc(1, sizeof(*out->build));
	out->build->w = w;
	error_clear(&out->build->err);
}

enum status report_stats_end(struct report_stats *out, enum status rc, struct error *err)
{
	struct report_build *b = out->build;

	if (!b)
		return rc;
	/* A working-day count refused inside the loop stopped it: its reason
	 * is the one to give. */
	if (b->rc != ST_OK) {
		rc = b->rc;
		if (err)
			*err = b->err;
	}
	if (rc == ST_OK && b->ndays) {
		qsort(b->days, b->ndays, sizeof(*b->days), int_cmp);
		out->resolved_timed = (int)b->ndays;
		out->median_days = b->ndays % 2 ? b->days[b->ndays / 2]
		                                : (b->days[b->ndays / 2 - 1] + b->days[b->ndays / 2]) / 2.0;
	}
	free(b->days);
	free(b);
	out->build = NULL;
	if (rc != ST_OK)
		return rc;
	/* qsort must not be handed a NULL array, even of no elements. */
	if (out->nraised_by)
		qsort(out->raised_by, out->nraised_by, sizeof(*out->raised_by), count_cmp);
	if (out->nagainst)
		qsort(out->against, out->nagainst, sizeof(*out->against), count_cmp);
	if (out->ncategories)
		qsort(out->categories, out->ncategories, sizeof(*out->categories), count_cmp);
	if (out->nstages)
		qsort(out->stages, out->nstages, sizeof(*out->stages), stage_cmp);
	if (out->nbreaches)
		qsort(out->breaches, out->nbreaches, sizeof(*out->breaches), breach_cmp);
	if (out->nmet_late)
		qsort(out->met_late, out->nmet_late, sizeof(*out->met_late), breach_cmp);
	if (out->nactions)
		qsort(out->actions, out->nactions, sizeof(*out->actions), action_cmp);
	return ST_OK;
}

/* ---- writing the statistics ---- */

/* Status columns in the order the report shows them. */
static const enum dispute_status status_order[] = { DS_RESOLVED, DS_WITHDRAWN, DS_REFERRED, DS_OPEN };

/* Count tables put the numbers first and the name last, so that no name
 * is ever cut to fit a column. */
static void text_counts(struct sb *sb, const char *title, const char *column, const struct report_count *v,
                        size_t n)
{
	sb_printf(sb, "\n%s\n  DISPUTES  %s\n", title, column);
	if (!n)
		sb_append(sb, "  (none)\n");
	for (size_t i = 0; i < n; i++) {
		sb_printf(sb, "  %8d  ", v[i].count);
		put_line(sb, v[i].label ? v[i].label : v[i].key);
		sb_append(sb, "\n");
	}
}

/* Ends a table row with its name column, leaving no trailing blanks. */
static void name_last(struct sb *sb, const char *name)
{
	if (name) {
		sb_append(sb, "  ");
		put_line(sb, name);
	}
	sb_append(sb, "\n");
}

static void text_summary_line(struct sb *sb, const char *label, const char *value, const char *note)
{
	sb_append(sb, "  ");
	text_column(sb, label, 38);
	/* The note can be a stored reference: shown as any stored text is. */
	sb_printf(sb, "%6s%s", value, note ? "  " : "");
	if (note)
		put_line(sb, note);
	sb_append(sb, "\n");
}

void report_stats_text(const struct report_stats *st, const struct protocol *p, struct sb *sb)
{
	struct report_filter f = { st->from, st->to, st->protocol };
	char v[32], note[64], a[11], b[11];

	heading(sb, "Disputes report", &f, p);
	sb_printf(sb, "As at:     %s\n", date_format(st->today, a));

	sb_append(sb, "\nSummary\n");
	snprintf(v, sizeof(v), "%d", st->disputes);
	text_summary_line(sb, "Disputes", v, NULL);
	for (size_t i = 0; i < 4; i++) {
		static const char *const labels[] = { "Resolved", "Withdrawn", "Referred on", "Open" };
		snprintf(v, sizeof(v), "%d", st->by_status[status_order[i]]);
		text_summary_line(sb, labels[i], v, NULL);
	}
	snprintf(v, sizeof(v), "%d", st->challenged);
	text_summary_line(sb, "Formal challenges", v, NULL);
	snprintf(v, sizeof(v), "%d", st->urgent);
	text_summary_line(sb, "Urgent", v, NULL);
	text_summary_line(sb, "Working days to resolution, median",
	                  st->resolved_timed ? median_format(st->median_days, v) : "-", NULL);
	snprintf(v, sizeof(v), "%d", st->longest_days);
	text_summary_line(sb, "Working days to resolution, longest", st->resolved_timed ? v : "-",
	                  st->resolved_timed ? st->longest_reference : NULL);
	snprintf(v, sizeof(v), "%zu", st->nbreaches);
	snprintf(note, sizeof(note), "in %d dispute%s", st->breached_disputes, st->breached_disputes == 1 ? "" : "s");
	text_summary_line(sb, "Protocol limits breached", v, st->nbreaches ? note : NULL);
	snprintf(v, sizeof(v), "%zu", st->nmet_late);
	text_summary_line(sb, "Met by an agreed later date", v, NULL);
	snprintf(v, sizeof(v), "%d", st->actions_done);
	snprintf(note, sizeof(note), "of %d asked for", st->actions_asked);
	text_summary_line(sb, "Checklist actions done", v, note);
	snprintf(v, sizeof(v), "%d", st->followups_done);
	snprintf(note, sizeof(note), "of %d set", st->followups);
	text_summary_line(sb, "Follow-ups done", v, note);

	text_counts(sb, "By raising agency", "AGENCY", st->raised_by, st->nraised_by);
	text_counts(sb, "By receiving agency", "AGENCY", st->against, st->nagainst);
	text_counts(sb, "By category", "CATEGORY", st->categories, st->ncategories);

	sb_append(sb, "\nStage reached and outcome\n"
	              "  STAGE  RESOLVED  WITHDRAWN  REFERRED  OPEN  TOTAL  NAME\n");
	if (!st->nstages)
		sb_append(sb, "  (none)\n");
	for (size_t i = 0; i < st->nstages; i++) {
		const struct report_stage_row *r = &st->stages[i];
		sb_printf(sb, "  %5d  %8d  %9d  %8d  %4d  %5d", r->stage, r->by_status[DS_RESOLVED],
		          r->by_status[DS_WITHDRAWN], r->by_status[DS_REFERRED], r->by_status[DS_OPEN], r->total);
		name_last(sb, r->name);
	}

	sb_append(sb, "\nChecklist actions on the stages reached\n  ASKED  DONE  ACTION\n");
	if (!st->nactions)
		sb_append(sb, "  (none)\n");
	for (size_t i = 0; i < st->nactions; i++) {
		sb_printf(sb, "  %5d  %4d  ", st->actions[i].asked, st->actions[i].done);
		put_line(sb, st->actions[i].text);
		sb_append(sb, "\n");
	}

	sb_append(sb, "\nProtocol limits breached (LATE: working days after the limit, or an earlier agreed date;"
	              " to today while running)\n"
	              "  REFERENCE    STAGE  DUE         ENDED       LATE  NAME\n");
	if (!st->nbreaches)
		sb_append(sb, "  (none)\n");
	for (size_t i = 0; i < st->nbreaches; i++) {
		const struct report_breach *r = &st->breaches[i];
		sb_append(sb, "  ");
		text_column(sb, r->reference, 13);
		if (r->stage)
			sb_printf(sb, "%5d", r->stage);
		else
			sb_append(sb, "  all");
		sb_printf(sb, "  %s  %-10s  %4d", date_format(r->due, a),
		          r->ended == DATE_NONE ? "running" : date_format(r->ended, b), r->days_over);
		name_last(sb, r->name);
	}
	sb_append(sb, "\nMet by an agreed later date (past the protocol's limit by LATE working days, within a date"
	              " agreed with a reason)\n"
	              "  REFERENCE    STAGE  LIMIT       AGREED      ENDED       LATE  NAME\n");
	if (!st->nmet_late)
		sb_append(sb, "  (none)\n");
	for (size_t i = 0; i < st->nmet_late; i++) {
		const struct report_breach *r = &st->met_late[i];
		char c[11];

		sb_append(sb, "  ");
		text_column(sb, r->reference, 13);
		sb_printf(sb, "%5d  %s  %s  %-10s  %4d", r->stage, date_format(r->due, a), date_format(r->agreed, c),
		          r->ended == DATE_NONE ? "running" : date_format(r->ended, b), r->days_over);
		name_last(sb, r->name);
	}
}

/* One CSV line of the long table: section,item,label,stage,value,due,ended. */
static void csv_line(struct sb *sb, const char *section, const char *item, const char *label, int stage,
                     const char *value, long due, long ended)
{
	char s[16], a[11], b[11];
	const char *cells[7];

	if (stage > 0)
		snprintf(s, sizeof(s), "%d", stage);
	cells[0] = section;
	cells[1] = item;
	cells[2] = label;
	cells[3] = stage > 0 ? s : NULL;
	cells[4] = value;
	cells[5] = due == DATE_NONE ? NULL : date_format(due, a);
	cells[6] = ended == DATE_NONE ? NULL : date_format(ended, b);
	csv_row(sb, 7, cells);
}

static void csv_int(struct sb *sb, const char *section, const char *item, const char *label, int stage, int value)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", value);
	csv_line(sb, section, item, label, stage, v, DATE_NONE, DATE_NONE);
}

void report_stats_csv(const struct report_stats *st, struct sb *sb)
{
	static const char *const header[] = { "section", "item", "label", "stage", "value", "due", "ended" };
	char v[32], a[11];

	csv_row(sb, 7, header);
	csv_line(sb, "period", "from", "Disputes opened on or after", 0,
	         st->from == DATE_NONE ? NULL : date_format(st->from, a), DATE_NONE, DATE_NONE);
	csv_line(sb, "period", "to", "Disputes opened on or before", 0,
	         st->to == DATE_NONE ? NULL : date_format(st->to, a), DATE_NONE, DATE_NONE);
	csv_line(sb, "period", "as_at", "Running stages measured to", 0, date_format(st->today, a), DATE_NONE,
	         DATE_NONE);
	csv_line(sb, "period", "protocol", "Protocol", 0, st->protocol ? st->protocol : "all", DATE_NONE, DATE_NONE);
	csv_int(sb, "summary", "disputes", "Disputes", 0, st->disputes);
	csv_int(sb, "summary", "resolved", "Resolved", 0, st->by_status[DS_RESOLVED]);
	csv_int(sb, "summary", "withdrawn", "Withdrawn", 0, st->by_status[DS_WITHDRAWN]);
	csv_int(sb, "summary", "referred", "Referred on", 0, st->by_status[DS_REFERRED]);
	csv_int(sb, "summary", "open", "Open", 0, st->by_status[DS_OPEN]);
	csv_int(sb, "summary", "formal_challenges", "Formal challenges", 0, st->challenged);
	csv_int(sb, "summary", "urgent", "Urgent", 0, st->urgent);
	csv_int(sb, "summary", "resolved_timed", "Resolved disputes timed", 0, st->resolved_timed);
	csv_line(sb, "summary", "median_working_days", "Working days to resolution, median", 0,
	         st->resolved_timed ? median_format(st->median_days, v) : NULL, DATE_NONE, DATE_NONE);
	snprintf(v, sizeof(v), "%d", st->longest_days);
	csv_line(sb, "summary", "longest_working_days", "Working days to resolution, longest", 0,
	         st->resolved_timed ? v : NULL, DATE_NONE, DATE_NONE);
	csv_line(sb, "summary", "longest_reference", "The dispute that took longest", 0,
	         st->resolved_timed ? st->longest_reference : NULL, DATE_NONE, DATE_NONE);
	csv_int(sb, "summary", "breaches", "Protocol limits breached", 0, (int)st->nbreaches);
	csv_int(sb, "summary", "breached_disputes", "Disputes with a deadline breached", 0, st->breached_disputes);
	csv_int(sb, "summary", "met_late", "Met by an agreed later date", 0, (int)st->nmet_late);
	csv_int(sb, "summary", "actions_asked", "Checklist actions asked for", 0, st->actions_asked);
	csv_int(sb, "summary", "actions_done", "Checklist actions done", 0, st->actions_done);
	csv_int(sb, "summary", "followups", "Follow-ups set", 0, st->followups);
	csv_int(sb, "summary", "followups_done", "Follow-ups done", 0, st->followups_done);
	for (size_t i = 0; i < st->nraised_by; i++)
		csv_int(sb, "raised_by", st->raised_by[i].key, NULL, 0, st->raised_by[i].count);
	for (size_t i = 0; i < st->nagainst; i++)
		csv_int(sb, "against", st->against[i].key, NULL, 0, st->against[i].count);
	for (size_t i = 0; i < st->ncategories; i++)
		csv_int(sb, "category", st->categories[i].key, NULL, 0, st->categories[i].count);
	for (size_t i = 0; i < st->nstages; i++)
		for (size_t j = 0; j < 4; j++)
			csv_int(sb, "stage_outcome", dispute_status_name(status_order[j]), st->stages[i].name,
			        st->stages[i].stage, st->stages[i].by_status[status_order[j]]);
	for (size_t i = 0; i < st->nbreaches; i++) {
		const struct report_breach *r = &st->breaches[i];
		snprintf(v, sizeof(v), "%d", r->days_over);
		csv_line(sb, "breach", r->reference, r->name, r->stage, v, r->due, r->ended);
	}
	/* the value is the working days past the protocol's limit (due); the
	 * agreed date itself is in the text export of the stages */
	for (size_t i = 0; i < st->nmet_late; i++) {
		const struct report_breach *r = &st->met_late[i];
		snprintf(v, sizeof(v), "%d", r->days_over);
		csv_line(sb, "met_late", r->reference, r->name, r->stage, v, r->due, r->ended);
	}
	for (size_t i = 0; i < st->nactions; i++) {
		csv_int(sb, "action_asked", st->actions[i].text, NULL, 0, st->actions[i].asked);
		csv_int(sb, "action_done", st->actions[i].text, NULL, 0, st->actions[i].done);
	}
}

static void json_counts(struct sb *sb, const char *name, const char *keyname, const struct report_count *v,
                        size_t n)
{
	sb_printf(sb, ",\n\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		sb_printf(sb, "%s{\"%s\":", i ? "," : "", keyname);
		text_json(sb, v[i].key);
		if (v[i].label) {
			sb_append(sb, ",\"label\":");
			text_json(sb, v[i].label);
		}
		sb_printf(sb, ",\"count\":%d}", v[i].count);
	}
	sb_append(sb, "]");
}

void report_stats_json(const struct report_stats *st, struct sb *sb)
{
	char v[32];

	sb_append(sb, "{");
	json_period(sb, st->from, st->to, st->protocol);
	sb_append(sb, ",\"as_at\":");
	text_json_date(sb, st->today);
	sb_printf(sb, ",\n\"disputes\":%d,\"resolved\":%d,\"withdrawn\":%d,\"referred\":%d,\"open\":%d,"
	          "\"formal_challenges\":%d,\"urgent\":%d,", st->disputes, st->by_status[DS_RESOLVED],
	          st->by_status[DS_WITHDRAWN], st->by_status[DS_REFERRED], st->by_status[DS_OPEN], st->challenged,
	          st->urgent);
	sb_printf(sb, "\n\"working_days_to_resolution\":{\"resolved\":%d,\"median\":", st->resolved_timed);
	if (st->resolved_timed) {
		sb_printf(sb, "%s,\"longest\":%d,\"longest_reference\":", median_format(st->median_days, v),
		          st->longest_days);
		text_json(sb, st->longest_reference);
		sb_append(sb, "}");
	} else
		sb_append(sb, "null,\"longest\":null,\"longest_reference\":null}");
	json_counts(sb, "raised_by", "agency", st->raised_by, st->nraised_by);
	json_counts(sb, "against", "agency", st->against, st->nagainst);
	json_counts(sb, "categories", "label", st->categories, st->ncategories);
	sb_append(sb, ",\n\"stages\":[");
	for (size_t i = 0; i < st->nstages; i++) {
		const struct report_stage_row *r = &st->stages[i];
		sb_printf(sb, "%s{\"stage\":%d,\"name\":", i ? "," : "", r->stage);
		text_json(sb, r->name);
		sb_printf(sb, ",\"resolved\":%d,\"withdrawn\":%d,\"referred\":%d,\"open\":%d,\"total\":%d}",
		          r->by_status[DS_RESOLVED], r->by_status[DS_WITHDRAWN], r->by_status[DS_REFERRED],
		          r->by_status[DS_OPEN], r->total);
	}
	sb_printf(sb, "],\n\"breached_disputes\":%d,\"breaches\":[", st->breached_disputes);
	for (size_t i = 0; i < st->nbreaches; i++) {
		const struct report_breach *r = &st->breaches[i];
		sb_printf(sb, "%s\n{\"reference\":", i ? "," : "");
		text_json(sb, r->reference);
		sb_append(sb, ",\"protocol\":");
		text_json(sb, r->protocol);
		sb_printf(sb, ",\"stage\":%d,\"name\":", r->stage);
		text_json(sb, r->name);
		sb_append(sb, ",\"due\":");
		text_json_date(sb, r->due);
		sb_append(sb, ",\"ended\":");
		text_json_date(sb, r->ended);
		sb_printf(sb, ",\"running\":%s,\"working_days_over\":%d}", r->ended == DATE_NONE ? "true" : "false",
		          r->days_over);
	}
	sb_append(sb, "],\n\"met_by_agreed_later_date\":[");
	for (size_t i = 0; i < st->nmet_late; i++) {
		const struct report_breach *r = &st->met_late[i];
		sb_printf(sb, "%s\n{\"reference\":", i ? "," : "");
		text_json(sb, r->reference);
		sb_append(sb, ",\"protocol\":");
		text_json(sb, r->protocol);
		sb_printf(sb, ",\"stage\":%d,\"name\":", r->stage);
		text_json(sb, r->name);
		sb_append(sb, ",\"limit\":");
		text_json_date(sb, r->due);
		sb_append(sb, ",\"agreed\":");
		text_json_date(sb, r->agreed);
		sb_append(sb, ",\"ended\":");
		text_json_date(sb, r->ended);
		sb_printf(sb, ",\"running\":%s,\"working_days_past_limit\":%d}", r->ended == DATE_NONE ? "true" : "false",
		          r->days_over);
	}
	sb_printf(sb, "],\n\"actions_asked\":%d,\"actions_done\":%d,\"followups\":%d,\"followups_done\":%d,"
	          "\"actions\":[", st->actions_asked, st->actions_done, st->followups, st->followups_done);
	for (size_t i = 0; i < st->nactions; i++) {
		sb_append(sb, i ? ",\n{\"action\":" : "\n{\"action\":");
		text_json(sb, st->actions[i].text);
		sb_printf(sb, ",\"asked\":%d,\"done\":%d}", st->actions[i].asked, st->actions[i].done);
	}
	sb_append(sb, "]}\n");
}

/* ---- the learning log ---- */

static const char *category_label(const struct report_world *w, const char *protocol, const char *key)
{
	const struct protocol *p = protocol ? protocol_set_find(w->protocols, protocol) : NULL;
	const struct category *cat = p && key ? protocol_category(p, key) : NULL;

	return cat ? cat->label : key;
}

static void learning_text(struct report_learning *l, const struct learning_row *r)
{
	struct sb *sb = l->sb;
	char when[17];
	char *clean, *line, *save = NULL;

	if (strcmp(l->last, r->reference) != 0) {
		sb_append(sb, "\n");
		put_line(sb, r->reference);
		sb_append(sb, "  ");
		put_line(sb, r->raised_by);
		sb_append(sb, " with ");
		put_line(sb, r->against);
		sb_append(sb, ", ");
		put_line(sb, category_label(l->w, r->protocol, r->category));
		sb_append(sb, "\n");
		if (l->subject) {
			sb_append(sb, "  Subject: ");
			put_line(sb, r->subject);
			sb_append(sb, "\n");
		}
	}
	sb_printf(sb, "  #%lld %s, stage %d, ", r->id, datetime_format(r->day, r->minute, when), r->stage);
	put_line(sb, r->author);
	if (r->amends)
		sb_printf(sb, ", amends #%lld", r->amends);
	if (r->amended_by)
		sb_printf(sb, ", amended by #%lld", r->amended_by);
	sb_append(sb, "\n");
	clean = text_sanitize(r->text, true);
	for (line = strtok_r(clean, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		sb_printf(sb, "      %s\n", line);
	free(clean);
}

static void learning_csv(struct report_learning *l, const struct learning_row *r)
{
	char id[24], stage[16], day[11], hhmm[16], amends[24], amended[24];
	const char *cells[16];
	int n = 0;

	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(stage, sizeof(stage), "%d", r->stage);
	snprintf(amends, sizeof(amends), "%lld", r->amends);
	snprintf(amended, sizeof(amended), "%lld", r->amended_by);
	if (r->minute != TIME_NONE)
		snprintf(hhmm, sizeof(hhmm), "%02d:%02d", r->minute / 60, r->minute % 60);
	cells[n++] = id;
	cells[n++] = r->reference;
	if (l->subject)
		cells[n++] = r->subject;
	cells[n++] = r->protocol;
	cells[n++] = r->raised_by;
	cells[n++] = r->against;
	cells[n++] = r->category;
	cells[n++] = category_label(l->w, r->protocol, r->category);
	cells[n++] = stage;
	cells[n++] = date_format(r->day, day);
	cells[n++] = r->minute != TIME_NONE ? hhmm : NULL;
	cells[n++] = r->author;
	cells[n++] = r->amends ? amends : NULL;
	cells[n++] = r->amended_by ? amended : NULL;
	cells[n++] = r->text;
	csv_row(l->sb, n, cells);
}

static void learning_json(struct report_learning *l, const struct learning_row *r)
{
	struct sb *sb = l->sb;

	sb_printf(sb, "%s\n{\"record\":%lld,\"reference\":", l->records ? "," : "", r->id);
	text_json(sb, r->reference);
	if (l->subject) {
		sb_append(sb, ",\"subject\":");
		text_json(sb, r->subject);
	}
	sb_append(sb, ",\"protocol\":");
	text_json(sb, r->protocol);
	sb_append(sb, ",\"raised_by\":");
	text_json(sb, r->raised_by);
	sb_append(sb, ",\"against\":");
	text_json(sb, r->against);
	sb_append(sb, ",\"category\":");
	text_json(sb, r->category);
	sb_append(sb, ",\"category_label\":");
	text_json(sb, category_label(l->w, r->protocol, r->category));
	sb_printf(sb, ",\"stage\":%d,\"date\":", r->stage);
	text_json_date(sb, r->day);
	sb_append(sb, ",\"time\":");
	if (r->minute == TIME_NONE)
		sb_append(sb, "null");
	else
		sb_printf(sb, "\"%02d:%02d\"", r->minute / 60, r->minute % 60);
	sb_append(sb, ",\"author\":");
	text_json(sb, r->author);
	sb_append(sb, ",\"amends\":");
	text_json_id(sb, r->amends);
	sb_append(sb, ",\"amended_by\":");
	text_json_id(sb, r->amended_by);
	sb_append(sb, ",\"text\":");
	text_json(sb, r->text);
	sb_append(sb, "}");
}

int report_learning_add(const struct learning_row *r, void *arg)
{
	struct report_learning *l = arg;

	if (l->fmt == REPORT_CSV)
		learning_csv(l, r);
	else if (l->fmt == REPORT_JSON)
		learning_json(l, r);
	else
		learning_text(l, r);
	if (strcmp(l->last, r->reference) != 0)
		l->disputes++;
	snprintf(l->last, sizeof(l->last), "%s", r->reference);
	l->records++;
	return 0;
}

void report_learning_begin(struct report_learning *l, const struct report_filter *f, const struct report_world *w,
                           enum report_format fmt, bool include_subject, struct sb *out)
{
	memset(l, 0, sizeof(*l));
	l->w = w;
	l->fmt = fmt;
	l->subject = include_subject;
	l->sb = out;
	if (fmt == REPORT_CSV) {
		static const char *const head[] = {
			"record", "reference", "subject", "protocol", "raised_by", "against", "category",
			"category_label", "stage", "date", "time", "author", "amends", "amended_by", "text" };
		const char *cells[15];
		int n = 0;
		for (size_t i = 0; i < 15; i++)
			if (include_subject || strcmp(head[i], "subject") != 0)
				cells[n++] = head[i];
		csv_row(out, n, cells);
	} else if (fmt == REPORT_JSON) {
		sb_append(out, "{");
		json_period(out, f->from, f->to, f->protocol);
		sb_append(out, ",\"records\":[");
	} else {
		heading(out, "Learning log", f, f->protocol ? protocol_set_find(w->protocols, f->protocol) : NULL);
	}
}

void report_learning_end(struct report_learning *l)
{
	struct sb *out = l->sb;

	if (l->fmt == REPORT_JSON)
		sb_append(out, l->records ? "\n]}\n" : "]}\n");
	else if (l->fmt == REPORT_TEXT && !l->records)
		sb_append(out, "\nNo learning recorded for these disputes.\n");
	else if (l->fmt == REPORT_TEXT)
		sb_printf(out, "\n%d learning record%s from %d dispute%s.\n", l->records, l->records == 1 ? "" : "s",
		          l->disputes, l->disputes == 1 ? "" : "s");
}
