/* Domain rules for disputes: opening, escalating, due dates, closing, and the journal's record kinds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/dispute.h"
#include "dispute/text.h"

static const char *const record_kind_names[] = {
#define RECORD_KIND_NAME(name, str) str,
	RECORD_KINDS(RECORD_KIND_NAME)
#undef RECORD_KIND_NAME
};

static const char *const dispute_status_names[] = { "open", "resolved", "withdrawn", "referred" };
static const char *const stage_end_names[] = { "", "escalated", "resolved", "withdrawn", "referred" };

const char *dispute_status_name(enum dispute_status s)
{
	return (unsigned)s < 4 ? dispute_status_names[s] : "?";
}

bool dispute_status_parse(const char *s, enum dispute_status *out)
{
	for (int i = 0; i < 4; i++)
		if (s && strcmp(s, dispute_status_names[i]) == 0) {
			*out = (enum dispute_status)i;
			return true;
		}
	return false;
}

const char *stage_end_name(enum stage_end e)
{
	return (unsigned)e < 5 ? stage_end_names[e] : "?";
}

bool stage_end_parse(const char *s, enum stage_end *out)
{
	*out = SE_NONE;
	if (!s)
		return true;
	for (int i = 0; i < 5; i++)
		if (strcmp(s, stage_end_names[i]) == 0) {
			*out = (enum stage_end)i;
			return true;
		}
	return false;
}

const char *record_kind_name(enum record_kind k)
{
	return (unsigned)k < RK_COUNT ? record_kind_names[k] : "?";
}

bool record_kind_parse(const char *s, enum record_kind *out)
{
	for (int i = 0; i < RK_COUNT; i++)
		if (i != RK_EVENT && s && strcmp(s, record_kind_names[i]) == 0) {
			*out = (enum record_kind)i;
			return true;
		}
	return false;
}

void dispute_init(struct dispute *d)
{
	memset(d, 0, sizeof(*d));
	d->opened = DATE_NONE;
	d->closed = DATE_NONE;
	d->challenged = DATE_NONE;
	d->process_due = DATE_NONE;
	d->inform_due = DATE_NONE;
	d->referred = DATE_NONE;
	d->status = DS_OPEN;
}

void dispute_free(struct dispute *d)
{
	free(d->protocol);
	free(d->subject);
	free(d->raised_by);
	free(d->against);
	free(d->category);
	free(d->summary);
	free(d->outcome);
	free(d->outstanding);
	free(d->referred_to);
	for (size_t i = 0; i < d->nstages; i++)
		free(d->stages[i].due_reason);
	free(d->stages);
	free(d->owner);
	for (size_t i = 0; i < d->nothers; i++)
		free(d->others[i]);
	free(d->others);
	for (size_t i = 0; i < d->nsubjects; i++)
		free(d->subjects[i]);
	free(d->subjects);
	free(d->counterparts);
	for (size_t i = 0; i < d->ndone; i++) {
		free(d->done[i].text);
		free(d->done[i].by);
	}
	free(d->done);
	for (size_t i = 0; i < d->ndetails; i++) {
		free(d->details[i].next);
		free(d->details[i].done_by);
	}
	free(d->details);
	dispute_init(d);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void dispute_copy(struct dispute *dst, const struct dispute *src)
{
	dispute_free(dst);
	*dst = *src;
	dst->protocol = dup_or_null(src->protocol);
	dst->subject = dup_or_null(src->subject);
	dst->raised_by = dup_or_null(src->raised_by);
	dst->against = dup_or_null(src->against);
	dst->category = dup_or_null(src->category);
	dst->summary = dup_or_null(src->summary);
	dst->outcome = dup_or_null(src->outcome);
	dst->outstanding = dup_or_null(src->outstanding);
	dst->referred_to = dup_or_null(src->referred_to);
	dst->stages = src->nstages ? xmalloc(src->nstages * sizeof(*dst->stages)) : NULL;
	for (size_t i = 0; i < src->nstages; i++) {
		dst->stages[i] = src->stages[i];
		dst->stages[i].due_reason = dup_or_null(src->stages[i].due_reason);
	}
	dst->owner = dup_or_null(src->owner);
	dst->others = src->nothers ? xmalloc(src->nothers * sizeof(*dst->others)) : NULL;
	for (size_t i = 0; i < src->nothers; i++)
		dst->others[i] = xstrdup(src->others[i]);
	dst->subjects = src->nsubjects ? xmalloc(src->nsubjects * sizeof(*dst->subjects)) : NULL;
	for (size_t i = 0; i < src->nsubjects; i++)
		dst->subjects[i] = xstrdup(src->subjects[i]);
	dst->counterparts = src->ncounterparts ? xmalloc(src->ncounterparts * sizeof(*dst->counterparts)) : NULL;
	if (src->ncounterparts)
		memcpy(dst->counterparts, src->counterparts, src->ncounterparts * sizeof(*dst->counterparts));
	dst->done = src->ndone ? xmalloc(src->ndone * sizeof(*dst->done)) : NULL;
	for (size_t i = 0; i < src->ndone; i++) {
		dst->done[i] = src->done[i];
		dst->done[i].text = dup_or_null(src->done[i].text);
		dst->done[i].by = dup_or_null(src->done[i].by);
	}
	dst->details = src->ndetails ? xmalloc(src->ndetails * sizeof(*dst->details)) : NULL;
	for (size_t i = 0; i < src->ndetails; i++) {
		dst->details[i] = src->details[i];
		dst->details[i].next = dup_or_null(src->details[i].next);
		dst->details[i].done_by = dup_or_null(src->details[i].done_by);
	}
}

struct stage *dispute_current(const struct dispute *d)
{
	return d->nstages ? &d->stages[d->nstages - 1] : NULL;
}

int stage_step(const struct stage *st)
{
	return st->step ? st->step : st->number;
}

bool stage_urgent(const struct dispute *d, const struct stage *st)
{
	return st->route == ROUTE_URGENT || (st->route == ROUTE_DISPUTE && d->urgent);
}

bool stage_on_own_route(const struct protocol *p, const struct dispute *d, const struct stage *st)
{
	return p && p->urgent && !p->urgent->same_stages && stage_urgent(d, st);
}

const struct stage_rule *dispute_rule(const struct protocol *p, const struct dispute *d, const struct stage *st)
{
	return st ? protocol_stage_rule(p, stage_urgent(d, st), stage_step(st)) : NULL;
}

const struct stage_rule *dispute_rules(const struct protocol *p, const struct dispute *d, size_t *n)
{
	const struct stage *cur = dispute_current(d);

	return protocol_stages(p, cur ? stage_urgent(d, cur) : d->urgent, n);
}

char *stage_label(const struct protocol *p, const struct dispute *d, const struct stage *st, char *out, size_t outlen)
{
	snprintf(out, outlen, "%sstage %d", stage_on_own_route(p, d, st) ? "urgent " : "", stage_step(st));
	return out;
}

const struct stage *dispute_stage(const struct dispute *d, int n)
{
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].number == n)
			return &d->stages[i];
	return NULL;
}

char *dispute_stage_text(const struct protocol *p, const struct dispute *d, int n, char *out, size_t outlen)
{
	const struct stage *st = dispute_stage(d, n);

	if (st)
		return stage_label(p, d, st, out, outlen);
	snprintf(out, outlen, "stage %d", n);
	return out;
}

bool dispute_asks_sooner(const struct protocol *p, const struct dispute *d)
{
	return p && d->urgent && (!p->urgent || p->urgent->same_stages);
}

/* Whether the folded words `want` stand, whole, inside the folded words of `text`. */
static bool words_within(const char *text, const char *want)
{
	size_t n = strlen(want);

	if (!n)
		return false;
	for (const char *t = text; (t = strstr(t, want)) != NULL; t++)
		if ((t == text || t[-1] == ' ') && (t[n] == '\0' || t[n] == ' '))
			return true;
	return false;
}

bool protocol_names_body(const struct protocol *p, const char *text)
{
	char *folded, *name;
	bool found = false;

	if (!p || !p->body || !text)
		return false;
	folded = text_fold_words(text);
	for (size_t i = 0; !found && i <= p->naliases; i++) {
		name = text_fold_words(i == p->naliases ? p->body : p->aliases[i]);
		/* "the SSCP (its Strategic Business Manager)" is named by its
		 * words after a leading "the" */
		found = words_within(folded, strncmp(name, "the ", 4) == 0 ? name + 4 : name);
		free(name);
	}
	free(folded);
	return found;
}

void record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->day = DATE_NONE;
	r->minute = TIME_NONE;
	r->kind = RK_NOTE;
}

void record_free(struct record *r)
{
	free(r->author);
	free(r->text);
	free(r->created);
	free(r->state);
	record_init(r);
}

long long record_corrected_by(const struct record *recs, size_t n, long long id)
{
	long long by = 0;

	for (size_t i = 0; i < n; i++)
		if (recs[i].amends == id && recs[i].id > by)
			by = recs[i].id;
	return by;
}

enum status text_check(char *text, bool multiline, size_t max, const char *field, struct error *err)
{
	size_t len, bad, i, o;
	bool blank = true;

	if (!text)
		return error_set(err, ST_INVALID, "%s is missing", field);
	len = strlen(text);
	if (len > max)
		return error_set(err, ST_INVALID, "%s is %zu bytes; the limit is %zu bytes", field, len, max);
	if (!utf8_valid(text, len, &bad))
		return error_set(err, ST_INVALID, "%s is not valid UTF-8 (bad byte 0x%02X at byte %zu)", field,
		                 (unsigned char)text[bad], bad);
	/* Normalise CRLF to LF in place, then refuse every other control
	 * character: stored text must be safe to show on any terminal. */
	for (i = o = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\r' && multiline && text[i + 1] == '\n')
			continue;
		if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\t'))) || ch == 0x7f)
			return error_set(err, ST_INVALID, "%s contains a control character (0x%02X) at byte %zu",
			                 field, ch, i);
		if (ch == 0xc2 && (unsigned char)text[i + 1] >= 0x80 && (unsigned char)text[i + 1] <= 0x9f)
			return error_set(err, ST_INVALID, "%s contains a control character (U+%04X) at byte %zu",
			                 field, (unsigned char)text[i + 1], i);
		if (ch != ' ' && ch != '\n' && ch != '\t')
			blank = false;
		text[o++] = text[i];
	}
	/* Trailing blank lines and spaces carry nothing and upset exact output. */
	while (o > 0 && (text[o - 1] == ' ' || text[o - 1] == '\n' || text[o - 1] == '\t'))
		o--;
	text[o] = '\0';
	if (blank)
		return error_set(err, ST_INVALID, "%s is empty", field);
	return ST_OK;
}

/* Copies a checked single-line or multi-line field into *dst. */
static enum status take_text(char **dst, const char *src, bool multiline, size_t max, const char *field,
                             struct error *err)
{
	char *copy;
	enum status rc;

	if (!src)
		return error_set(err, ST_INVALID, "%s is missing", field);
	if (strlen(src) > max)
		return error_set(err, ST_INVALID, "%s is %zu bytes; the limit is %zu bytes", field, strlen(src), max);
	copy = xstrdup(src);
	rc = text_check(copy, multiline, max, field, err);
	if (rc != ST_OK) {
		free(copy);
		return rc;
	}
	free(*dst);
	*dst = copy;
	return ST_OK;
}

static enum status check_day(long day, long not_before, const char *what_before, long today, const char *what,
                             struct error *err)
{
	char a[11], b[11];

	if (day > today)
		return error_set(err, ST_REFUSED, "%s %s is after today (%s)", what, date_format(day, a),
		                 date_format(today, b));
	if (not_before != DATE_NONE && day < not_before)
		return error_set(err, ST_REFUSED, "%s %s is before %s (%s)", what, date_format(day, a), what_before,
		                 date_format(not_before, b));
	return ST_OK;
}

static enum status check_open(const struct dispute *d, const char *verb, struct error *err)
{
	if (d->status != DS_OPEN)
		return error_set(err, ST_REFUSED, "%s is %s; it cannot be %s", d->reference[0] ? d->reference : "the dispute",
		                 dispute_status_name(d->status), verb);
	if (!d->nstages)
		return error_set(err, ST_REFUSED, "%s has no stage", d->reference);
	return ST_OK;
}

/* The most other agencies and subjects a dispute names (the journal
 * numbers them up to 99). */
#define MAX_AGENCIES 20
#define MAX_SUBJECTS 20

/* The calendar d's deadlines are counted in (dispute_calendar). */
#define cal_for dispute_calendar

/* Refuses an agreed day that is before the stage starts, or not a working
 * day (a weekend, a bank holiday, a closure day).  what names it ("due date"). */
static enum status check_agreed_day(const struct protocol *p, const struct calendar *cal, const char *what, long day,
                                    long started, struct error *err)
{
	char a[11], b[11];
	enum status rc;
	bool workday;

	if (day < started)
		return error_set(err, ST_REFUSED, "%s %s is before the stage starts (%s)", what, date_format(day, a),
		                 date_format(started, b));
	if (!calendar_covers(cal, p->division, day))
		return error_set(err, ST_INVALID, "%s %s is outside the years with bank holiday data", what,
		                 date_format(day, a));
	if ((rc = calendar_is_workday(cal, p->division, day, &workday, err)))
		return rc;
	if (!workday) {
		const char *holiday = calendar_holiday(cal, p->division, day);

		if (holiday)
			return error_set(err, ST_REFUSED, "%s %s is %s, a bank holiday; agree a working day", what,
			                 date_format(day, a), holiday);
		if (date_weekday(day) >= 5)
			return error_set(err, ST_REFUSED, "%s %s is a %s; agree a working day", what, date_format(day, a),
			                 date_weekday(day) == 5 ? "Saturday" : "Sunday");
		return error_set(err, ST_REFUSED, "%s %s is a closure day; agree a working day", what, date_format(day, a));
	}
	return ST_OK;
}

/* The binding span (not advisory) whose deadline is the dispute's whole
 * process, or NULL. */
static const struct span_rule *process_span(const struct protocol *p, const struct dispute *d)
{
	const struct stage *cur = dispute_current(d);

	for (size_t i = 0; p && cur && i < p->nspans; i++)
		if (!p->spans[i].advisory && stage_step(cur) >= p->spans[i].from && stage_step(cur) <= p->spans[i].to)
			return &p->spans[i];
	return NULL;
}

/* Refuses a day agreed later than `limit` (the stage's limit as the
 * protocol gives it, cut to the whole process) without a reason, saying
 * which limit it passes. */
static enum status check_later(const struct protocol *p, const struct dispute *d, const struct stage_rule *rule,
                               const char *what, long day, long limit, const char *reason, struct error *err)
{
	const struct span_rule *sp = process_span(p, d);
	char a[11], b[11], lim[64];

	if (limit == DATE_NONE || day <= limit || (reason && *reason))
		return ST_OK;
	if (sp && limit == d->process_due)
		error_set(err, ST_REFUSED, "%s %s is later than %s allows (%s, %s); give a reason", what, date_format(day, a),
		          sp->name, limit_describe(&sp->limit, lim, sizeof(lim)), date_format(limit, b));
	else
		error_set(err, ST_REFUSED, "%s %s is later than the protocol limit (%s, %s); give a reason", what,
		          date_format(day, a), date_format(limit, b), limit_describe(&rule->limit, lim, sizeof(lim)));
	return error_mend(err, MEND_REASON, NULL);
}

/* Sets the new stage's due date from the limit, or the agreed date when one
 * is given: earlier is fine, later than the protocol limit needs a reason.
 * The limit is cut to the whole process's deadline when that comes first
 * (and has not passed before the stage starts). */
static enum status stage_fix_due(struct dispute *d, struct stage *st, const struct stage_rule *rule,
                                 const struct protocol *p, const struct calendar *cal, int minute, long agreed,
                                 const char *reason, bool clocked, struct error *err)
{
	long limit_day;
	int limit_minute;
	enum status rc;

	rc = limit_due(&rule->limit, cal, p->division, st->started, minute, &limit_day, &limit_minute, err);
	if (rc != ST_OK)
		return rc;
	if (rule->timed && rule->limit.kind == LIMIT_WORKDAYS && minute != TIME_NONE)
		limit_minute = minute;
	free(st->due_reason);
	st->due_reason = NULL;
	if (!clocked) {
		/* A kind of disagreement the protocol records without a clock:
		 * no limit applies, though a date may still be agreed. */
		limit_day = DATE_NONE;
		limit_minute = TIME_NONE;
	}
	if (clocked && d->process_due != DATE_NONE && d->process_due >= st->started &&
	    (limit_day == DATE_NONE ? rule->limit.kind != LIMIT_NONE : d->process_due < limit_day)) {
		limit_day = d->process_due;
		limit_minute = TIME_NONE;
	}
	st->limit_due = limit_day;
	if (agreed == DATE_NONE) {
		st->due = limit_day;
		st->due_minute = limit_minute;
		st->due_agreed = false;
		return ST_OK;
	}
	if ((rc = check_agreed_day(p, cal, "due date", agreed, st->started, err)))
		return rc;
	/* "Without delay" has no limit of its own, but the whole process does. */
	if ((rc = check_later(p, d, rule, "due date", agreed, limit_day != DATE_NONE ? limit_day :
	                      clocked && d->process_due >= st->started ? d->process_due : DATE_NONE, reason, err)))
		return rc;
	if (reason && *reason) {
		rc = take_text(&st->due_reason, reason, false, LINE_MAX_LEN, "the reason", err);
		if (rc != ST_OK)
			return rc;
	}
	st->due = agreed;
	/* A timed stage keeps its time of day on the agreed date: a one-day
	 * urgent review agreed for Thursday is due Thursday at the hour it
	 * would have been due, not all day. */
	st->due_minute = (limit_day == agreed || rule->timed) ? limit_minute : TIME_NONE;
	st->due_agreed = true;
	return ST_OK;
}

/* What a stage's rule adds when it starts: the `then` step's sub-deadline
 * (from the end of the stage's own limit, at `minute`), the follow-up of a stage without
 * delay, the second timescale (its limit until agreed), and the formal
 * challenge of a formal stage. */
static enum status stage_start_extras(struct dispute *d, struct stage *st, const struct stage_rule *rule,
                                      const struct protocol *p, const struct calendar *cal, int minute,
                                      bool clocked, struct error *err)
{
	enum status rc;
	int m;

	st->then_due = st->follow_up = st->response_due = DATE_NONE;
	st->then_minute = TIME_NONE;
	if (rule->formal && d->challenged == DATE_NONE)
		d->challenged = st->started;
	if (!clocked)
		return ST_OK;
	if (rule->then_limit.kind != LIMIT_NONE) {
		/* The `then` step follows the stage's own limit: the line managers'
		 * 24 hours run from the end of the practitioners' working day, at
		 * the hour the stage started (09:00 when not known). */
		long base = st->limit_due != DATE_NONE ? st->limit_due : st->started;

		if ((rc = limit_due(&rule->then_limit, cal, p->division, base, minute, &st->then_due, &st->then_minute,
		                    err)))
			return rc;
		/* working days from an hour keep the hour, as a timed stage does */
		if (rule->then_limit.kind == LIMIT_WORKDAYS && minute != TIME_NONE)
			st->then_minute = minute;
	}
	if (rule->limit.kind == LIMIT_NONE && rule->follow_up.kind == LIMIT_WORKDAYS &&
	    (rc = limit_due(&rule->follow_up, cal, p->division, st->started, TIME_NONE, &st->follow_up, &m, err)))
		return rc;
	if (rule->response)
		st->response_due = st->limit_due;
	return ST_OK;
}

/* Whether stage st runs the stage clock: a kind of disagreement the
 * protocol records without one (Newcastle's conference dissent) starts
 * without it, and escalating takes it into the stages and their limits. */
static bool clocked(const struct protocol *p, const struct dispute *d, const struct stage *st)
{
	const struct category *cat = protocol_category(p, d->category);

	return !cat || !cat->unclocked || stage_step(st) != 1 || stage_on_own_route(p, d, st);
}

/* The day stage number `from` of the normal route first started, or DATE_NONE. */
static long route_start(const struct protocol *p, const struct dispute *d, int from)
{
	for (size_t i = 0; i < d->nstages; i++)
		if (!stage_on_own_route(p, d, &d->stages[i]) && stage_step(&d->stages[i]) == from &&
		    d->stages[i].started != DATE_NONE)
			return d->stages[i].started;
	return DATE_NONE;
}

bool dispute_refresh_process(struct dispute *d, const struct protocol *p, const struct calendar *cal)
{
	const struct stage *cur = dispute_current(d);
	long best = DATE_NONE, was = d->process_due;
	struct calendar view;

	cal = cal_for(cal, d, &view);
	/* Spans count the normal stages: an urgent route with stages of its
	 * own (Newcastle's) is not measured by them. */
	for (size_t i = 0; p && cur && !stage_on_own_route(p, d, cur) && i < p->nspans; i++) {
		const struct span_rule *sp = &p->spans[i];
		long start = route_start(p, d, sp->from), due;
		int m;

		if (sp->advisory || stage_step(cur) < sp->from || stage_step(cur) > sp->to || start == DATE_NONE)
			continue;
		if (limit_due(&sp->limit, cal, p->division, start, TIME_NONE, &due, &m, NULL) == ST_OK &&
		    due != DATE_NONE && (best == DATE_NONE || due < best))
			best = due;
	}
	calendar_free(&view);
	d->process_due = best;
	return best != was;
}

/* A new stage after the last, on `route` at `step` (step 0: the next place). */
static struct stage *stage_push(struct dispute *d, int route, int step)
{
	struct stage *st;

	d->stages = xrealloc(d->stages, (d->nstages + 1) * sizeof(*d->stages));
	st = &d->stages[d->nstages++];
	memset(st, 0, sizeof(*st));
	st->number = (int)d->nstages;
	st->started = st->due = st->ended = st->limit_due = DATE_NONE;
	st->response_due = st->then_due = st->follow_up = DATE_NONE;
	st->due_minute = st->then_minute = TIME_NONE;
	st->how = SE_NONE;
	st->route = route;
	/* The step is kept only where it is not the stage's place, so a
	 * dispute that never changes route journals as it always did. */
	st->step = step == st->number ? 0 : step;
	d->current_stage = st->number;
	return st;
}

/* Starts stage st on `on` at `minute`: the whole process, the due date, and
 * what the rule adds. */
static enum status stage_start(struct dispute *d, struct stage *st, const struct protocol *p,
                               const struct calendar *cal, long on, int minute, long agreed, const char *reason,
                               struct error *err)
{
	const struct stage_rule *rule = dispute_rule(p, d, st);
	bool clock = clocked(p, d, st);
	struct calendar view;
	const struct calendar *dc;
	enum status rc;
	char label[32];

	if (!rule)
		return error_set(err, ST_INVALID, "%s has no %s", p->id, stage_label(p, d, st, label, sizeof(label)));
	st->started = on;
	dispute_refresh_process(d, p, cal);
	/* the days the other agencies are all closed count for none of it */
	dc = cal_for(cal, d, &view);
	if ((rc = stage_fix_due(d, st, rule, p, dc, minute, agreed, reason, clock, err)) == ST_OK)
		rc = stage_start_extras(d, st, rule, p, dc, minute, clock, err);
	calendar_free(&view);
	return rc;
}

/* Appends a checked copy of text to the list (*v, *n), refusing one
 * already named there or in first.. (ASCII case-insensitive). */
static enum status list_take(char ***v, size_t *n, const char *text, const char *field, const char *const *first,
                             size_t nfirst, bool agency, struct error *err)
{
	char *copy = NULL;
	enum status rc = take_text(&copy, text, false, LINE_MAX_LEN, field, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < nfirst + *n; i++) {
		const char *other = i < nfirst ? first[i] : (*v)[i - nfirst];

		if (other && ascii_casecmp(other, copy) == 0) {
			rc = agency ? error_set(err, ST_REFUSED, "%s is named twice as an other agency", copy)
			            : error_set(err, ST_REFUSED, "the subject %s is given twice", copy);
			free(copy);
			return rc;
		}
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = copy;
	return ST_OK;
}

/* The further other agencies and subjects of a new dispute, and its owner. */
static enum status open_lists(struct dispute *d, const struct dispute_new *args, struct error *err)
{
	const char *agencies[2] = { d->raised_by, d->against };
	enum status rc;

	if (args->nothers + 1 > MAX_AGENCIES)
		return error_set(err, ST_REFUSED, "a dispute names at most %d other agencies", MAX_AGENCIES);
	if (args->nsubjects + 1 > MAX_SUBJECTS)
		return error_set(err, ST_REFUSED, "a dispute names at most %d subjects", MAX_SUBJECTS);
	for (size_t i = 0; i < args->nothers; i++) {
		if (args->others[i] && ascii_casecmp(args->others[i], d->raised_by) == 0)
			return error_set(err, ST_REFUSED, "the raising agency and the other agency are the same (%s)",
			                 d->raised_by);
		if ((rc = list_take(&d->others, &d->nothers, args->others[i], "the other agency", agencies, 2,
		                    true, err)))
			return rc;
	}
	for (size_t i = 0; i < args->nsubjects; i++)
		if ((rc = list_take(&d->subjects, &d->nsubjects, args->subjects[i], "the subject",
		                    (const char *const *)&d->subject, 1, false, err)))
			return rc;
	if (args->owner)
		return take_text(&d->owner, args->owner, false, LINE_MAX_LEN, "the owner", err);
	return ST_OK;
}

enum status dispute_open(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                         const struct dispute_new *args, long today, struct error *err)
{
	const struct category *cat;
	struct stage *st;
	size_t nrules;
	enum status rc;
	char a[11];

	if ((rc = take_text(&d->subject, args->subject, false, LINE_MAX_LEN, "the subject", err)) ||
	    (rc = take_text(&d->raised_by, args->raised_by, false, LINE_MAX_LEN, "the raising agency", err)) ||
	    (rc = take_text(&d->against, args->against, false, LINE_MAX_LEN, "the other agency", err)) ||
	    (rc = take_text(&d->summary, args->summary, true, TEXT_MAX, "the summary", err)))
		return rc;
	if (ascii_casecmp(d->raised_by, d->against) == 0)
		return error_set(err, ST_REFUSED, "the raising agency and the other agency are the same (%s)", d->raised_by);
	if ((rc = open_lists(d, args, err)))
		return rc;
	if (!args->category)
		return error_set(err, ST_INVALID, "the category is missing");
	if ((rc = protocol_category_find(p, args->category, &cat, err)))
		return rc;
	if (args->opened == DATE_NONE)
		return error_set(err, ST_INVALID, "the opening date is missing");
	if (args->opened > today)
		return error_set(err, ST_REFUSED, "opening date %s is after today", date_format(args->opened, a));
	protocol_stages(p, args->urgent, &nrules);
	if (!nrules)
		return error_set(err, ST_INVALID, "protocol %s has no stages", p->id);

	free(d->protocol);
	d->protocol = xstrdup(p->id);
	free(d->category);
	d->category = xstrdup(cat->key);
	d->urgent = args->urgent;
	d->opened = args->opened;
	d->status = DS_OPEN;
	if (d->urgent && p->urgent && p->urgent->inform)
		d->inform_due = d->opened;
	st = stage_push(d, ROUTE_DISPUTE, 1);
	return stage_start(d, st, p, cal, args->opened, args->minute, DATE_NONE, NULL, err);
}

enum status dispute_escalate(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                             long on, int minute, long agreed_due, const char *reason,
                             long today, struct error *err)
{
	struct stage *cur, *st;
	struct dispute saved;
	size_t nrules;
	enum status rc;

	if ((rc = check_open(d, "escalated", err)))
		return rc;
	dispute_rules(p, d, &nrules);
	cur = dispute_current(d);
	if ((size_t)stage_step(cur) >= nrules)
		return error_set(err, ST_REFUSED,
		                 "%s is at stage %d of %zu, the last stage of %s; resolve it, withdraw it or refer it on",
		                 d->reference, stage_step(cur), nrules, p->id);
	if ((rc = check_day(on, cur->started, "the current stage started", today, "escalation date", err)))
		return rc;
	dispute_init(&saved);
	dispute_copy(&saved, d);
	cur->ended = on;
	cur->how = SE_ESCALATED;
	cur->sequence++;
	st = stage_push(d, cur->route, stage_step(cur) + 1);
	rc = stage_start(d, st, p, cal, on, minute, agreed_due, reason, err);
	if (rc != ST_OK)
		dispute_copy(d, &saved);        /* leave the dispute as it was */
	dispute_free(&saved);
	return rc;
}

enum status dispute_set_due(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                            long due, const char *reason, long today, struct error *err)
{
	const struct stage_rule *rule;
	struct stage *cur, saved;
	enum status rc;

	(void)today;
	if ((rc = check_open(d, "given a new due date", err)))
		return rc;
	if (due == DATE_NONE)
		return error_set(err, ST_INVALID, "the due date is missing");
	cur = dispute_current(d);
	if (!(rule = dispute_rule(p, d, cur)))
		return error_set(err, ST_INVALID, "%s is at stage %d but %s has no such stage", d->reference,
		                 stage_step(cur), p->id);
	saved = *cur;
	saved.due_reason = xstrdup(cur->due_reason);
	/* A timed stage's limit runs from the time of day it started, which
	 * is the time of day it is due. */
	{
		struct calendar view;

		rc = stage_fix_due(d, cur, rule, p, cal_for(cal, d, &view), rule->timed ? cur->due_minute : TIME_NONE, due,
		                   reason, clocked(p, d, cur), err);
		calendar_free(&view);
	}
	if (rc != ST_OK) {
		free(cur->due_reason);
		*cur = saved;
		return rc;
	}
	free(saved.due_reason);
	cur->sequence = saved.sequence + 1;
	return ST_OK;
}

enum status dispute_set_response(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                                 long day, const char *reason, long today, struct error *err)
{
	const struct stage_rule *rule;
	struct stage *cur;
	enum status rc;
	char label[32];

	(void)today;
	if ((rc = check_open(d, "given a second timescale", err)))
		return rc;
	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "the response date is missing");
	cur = dispute_current(d);
	rule = dispute_rule(p, d, cur);
	if (!rule || !rule->response)
		return error_set(err, ST_REFUSED, "%s agrees no second timescale at %s", p->id,
		                 stage_label(p, d, cur, label, sizeof(label)));
	{
		struct calendar view;

		rc = check_agreed_day(p, cal_for(cal, d, &view), "response date", day, cur->started, err);
		calendar_free(&view);
	}
	if (rc || (rc = check_later(p, d, rule, "response date", day, cur->limit_due, reason, err)))
		return rc;
	if (reason && *reason && (rc = take_text(&cur->due_reason, reason, false, LINE_MAX_LEN, "the reason", err)))
		return rc;
	cur->response_due = day;
	cur->sequence++;
	return ST_OK;
}

enum status dispute_set_counterpart(struct dispute *d, int number, long long contact_id, struct error *err)
{
	if (number == 0)
		number = d->current_stage;
	if (number < 1 || (size_t)number > d->nstages)
		return error_set(err, ST_REFUSED, "%s has not reached stage %d", d->reference, number);
	d->stages[number - 1].contact_id = contact_id;
	return ST_OK;
}

/* Closes the dispute on `on`: the shared part of resolve, withdraw and refer. */
static enum status dispute_close(struct dispute *d, enum dispute_status status, enum stage_end how, long on,
                                 const char *text, const char *field, const char *verb, long today,
                                 struct error *err)
{
	struct stage *cur;
	enum status rc;

	if ((rc = check_open(d, verb, err)))
		return rc;
	cur = dispute_current(d);
	if ((rc = check_day(on, cur->started, "the current stage started", today, "closing date", err)))
		return rc;
	if ((rc = take_text(&d->outcome, text, true, TEXT_MAX, field, err)))
		return rc;
	d->status = status;
	d->closed = on;
	cur->ended = on;
	cur->how = how;
	cur->sequence++;
	return ST_OK;
}

enum status dispute_resolve(struct dispute *d, long on, const char *outcome, const char *outstanding,
                            long today, struct error *err)
{
	enum status rc;
	char *saved = NULL;

	if (outstanding) {
		if ((rc = take_text(&saved, outstanding, true, TEXT_MAX, "how outstanding issues are pursued", err)))
			return rc;
	}
	rc = dispute_close(d, DS_RESOLVED, SE_RESOLVED, on, outcome, "the outcome", "resolved", today, err);
	if (rc != ST_OK) {
		free(saved);
		return rc;
	}
	free(d->outstanding);
	d->outstanding = saved;
	return ST_OK;
}

enum status dispute_withdraw(struct dispute *d, long on, const char *reason, long today, struct error *err)
{
	return dispute_close(d, DS_WITHDRAWN, SE_WITHDRAWN, on, reason, "the reason", "withdrawn", today, err);
}

enum status dispute_refer(struct dispute *d, long on, const char *to, long today, struct error *err)
{
	return dispute_close(d, DS_REFERRED, SE_REFERRED, on, to, "whom it is referred to", "referred on", today, err);
}

enum status dispute_refer_partnership(struct dispute *d, const struct protocol *p, long on, const char *to,
                                      long today, struct error *err)
{
	char a[11];
	enum status rc;

	if ((rc = check_open(d, "referred", err)))
		return rc;
	if (d->referred != DATE_NONE)
		return error_set(err, ST_REFUSED, "%s was referred to %s on %s already", d->reference, p->body,
		                 date_format(d->referred, a));
	if ((rc = check_day(on, d->opened, "the dispute was opened", today, "referral date", err)))
		return rc;
	if ((rc = take_text(&d->referred_to, to, false, LINE_MAX_LEN, "whom it is referred to", err)))
		return rc;
	d->referred = on;
	return ST_OK;
}

enum status dispute_reopen(struct dispute *d, const struct protocol *p, const struct calendar *cal, long on,
                           int minute, const char *reason, long today, struct error *err)
{
	struct dispute saved;
	struct stage *last, *st;
	char *why = NULL;
	enum status rc;

	if (d->status == DS_OPEN)
		return error_set(err, ST_REFUSED, "%s is open; only a closed dispute can be reopened",
		                 d->reference[0] ? d->reference : "the dispute");
	if (!(last = dispute_current(d)))
		return error_set(err, ST_REFUSED, "%s has no stage", d->reference);
	if ((rc = take_text(&why, reason, true, TEXT_MAX, "the reason", err)))
		return rc;
	free(why);
	if ((rc = check_day(on, d->closed, "it was closed", today, "reopening date", err)))
		return rc;
	dispute_init(&saved);
	dispute_copy(&saved, d);
	d->status = DS_OPEN;
	d->closed = DATE_NONE;
	free(d->outcome);
	free(d->outstanding);
	d->outcome = d->outstanding = NULL;
	st = stage_push(d, last->route, stage_step(last));
	rc = stage_start(d, st, p, cal, on, minute, DATE_NONE, NULL, err);
	if (rc != ST_OK)
		dispute_copy(d, &saved);
	dispute_free(&saved);
	return rc;
}

enum status dispute_switch(struct dispute *d, const struct protocol *p, const struct calendar *cal, long on,
                           int minute, bool to_urgent, int step, long today, struct error *err)
{
	const struct route *r = p->urgent;
	struct dispute saved;
	struct stage *cur, *st;
	enum status rc;
	char label[32];

	if ((rc = check_open(d, to_urgent ? "made urgent" : "taken off the urgent route", err)))
		return rc;
	cur = dispute_current(d);
	if ((rc = check_day(on, cur->started, "the current stage started", today, "the date", err)))
		return rc;
	if (!r || r->same_stages) {
		/* no route of its own: the stages go on, asked for sooner dates */
		if (d->urgent == to_urgent)
			return error_set(err, ST_REFUSED, "%s is %s already", d->reference, to_urgent ? "urgent" : "not urgent");
		d->urgent = to_urgent;
		d->inform_due = to_urgent && r && r->inform ? on : DATE_NONE;
		return ST_OK;
	}
	if (to_urgent && stage_on_own_route(p, d, cur))
		return error_set(err, ST_REFUSED, "%s is on %s already, at %s", d->reference, r->name,
		                 stage_label(p, d, cur, label, sizeof(label)));
	if (!to_urgent && !stage_on_own_route(p, d, cur))
		return error_set(err, ST_REFUSED, "%s is not on %s", d->reference, r->name);
	if (!to_urgent && (!r->back_from || step < r->back_from || step > r->back_to)) {
		if (!r->back_from)
			return error_set(err, ST_REFUSED, "%s names no stage to return to from %s", p->id, r->name);
		if (r->back_from == r->back_to)
			return error_set(err, ST_REFUSED, "%s returns from %s to stage %d only", p->id, r->name, r->back_from);
		return error_set(err, ST_REFUSED, "%s returns from %s to stage %d %s %d only", p->id, r->name,
		                 r->back_from, r->back_to == r->back_from + 1 ? "or" : "to", r->back_to);
	}
	dispute_init(&saved);
	dispute_copy(&saved, d);
	/* The stages so far keep the route they followed, whatever the flag says now. */
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].route == ROUTE_DISPUTE)
			d->stages[i].route = stage_urgent(d, &d->stages[i]) ? ROUTE_URGENT : ROUTE_NORMAL;
	cur->ended = on;
	cur->how = SE_ESCALATED;
	cur->sequence++;
	if (to_urgent) {
		d->urgent = true;
		if (r->inform)
			d->inform_due = on;
	}
	st = stage_push(d, to_urgent ? ROUTE_URGENT : ROUTE_NORMAL, to_urgent ? 1 : step);
	rc = stage_start(d, st, p, cal, on, minute, DATE_NONE, NULL, err);
	if (rc != ST_OK)
		dispute_copy(d, &saved);
	dispute_free(&saved);
	return rc;
}

enum status dispute_challenge_allowed(const struct dispute *d, const struct protocol *p, struct error *err)
{
	for (size_t i = 0; p && i < p->nstages; i++)
		if (p->stages[i].formal)
			return error_set(err, ST_REFUSED, "under %s the formal challenge is stage %zu (%s): escalating to it "
			                 "sets the flag%s", p->id, i + 1, p->stages[i].name,
			                 d->challenged != DATE_NONE ? ", and it stays" : "");
	return ST_OK;
}

enum status dispute_challenge(struct dispute *d, long on, bool set, long today, struct error *err)
{
	enum status rc;
	char a[11];

	if ((rc = check_open(d, set ? "formally challenged" : "changed", err)))
		return rc;
	if (!set) {
		if (d->challenged == DATE_NONE)
			return error_set(err, ST_REFUSED, "%s has no formal challenge to clear", d->reference);
		d->challenged = DATE_NONE;
		return ST_OK;
	}
	if (d->challenged != DATE_NONE)
		return error_set(err, ST_REFUSED, "%s was already formally challenged on %s", d->reference,
		                 date_format(d->challenged, a));
	if ((rc = check_day(on, d->opened, "the dispute was opened", today, "challenge date", err)))
		return rc;
	d->challenged = on;
	return ST_OK;
}

enum status dispute_days_left(const struct dispute *d, const struct protocol *p, const struct calendar *cal,
                              long today, int *out, struct error *err)
{
	const struct stage *cur = dispute_current(d);
	struct calendar view;
	enum status rc;

	if (d->status != DS_OPEN || !cur || cur->due == DATE_NONE)
		return error_set(err, ST_NOTFOUND, "%s has no running deadline", d->reference);
	rc = workdays_between(cal_for(cal, d, &view), p->division, today, cur->due, out, err);
	calendar_free(&view);
	/* The Saturday after a missed Friday deadline has no working day in
	 * between, yet the deadline has passed: overdue is never 0. */
	if (rc == ST_OK && cur->due < today && *out == 0)
		*out = -1;
	return rc;
}

const char *dispute_stage_name(const struct protocol *p, const struct dispute *d, int number)
{
	const struct stage_rule *rule = dispute_rule(p, d, dispute_stage(d, number));

	return rule ? rule->name : NULL;
}

static const char *const deadline_names[DL_COUNT] = {
	"stage", "follow-up", "response", "then", "process", "inform", "none",
};

const char *deadline_kind_name(enum deadline_kind k)
{
	return (unsigned)k < DL_COUNT ? deadline_names[k] : "?";
}

bool deadline_kind_parse(const char *s, enum deadline_kind *out)
{
	for (int i = 0; s && i < DL_COUNT; i++)
		if (strcmp(s, deadline_names[i]) == 0) {
			*out = (enum deadline_kind)i;
			return true;
		}
	return false;
}

size_t dispute_deadlines(const struct dispute *d, struct deadline out[DL_COUNT])
{
	const struct stage *cur = dispute_current(d);
	size_t n = 0;

	if (d->status != DS_OPEN || !cur)
		return 0;
	if (cur->due != DATE_NONE)
		out[n++] = (struct deadline){ DL_STAGE, cur->due, cur->due_minute };
	else if (cur->follow_up != DATE_NONE)
		out[n++] = (struct deadline){ DL_FOLLOW_UP, cur->follow_up, TIME_NONE };
	if (cur->response_due != DATE_NONE)
		out[n++] = (struct deadline){ DL_RESPONSE, cur->response_due, TIME_NONE };
	if (cur->then_due != DATE_NONE)
		out[n++] = (struct deadline){ DL_THEN, cur->then_due, cur->then_minute };
	if (d->process_due != DATE_NONE)
		out[n++] = (struct deadline){ DL_PROCESS, d->process_due, TIME_NONE };
	if (d->inform_due != DATE_NONE)
		out[n++] = (struct deadline){ DL_INFORM, d->inform_due, TIME_NONE };
	return n;
}

char *deadline_describe(const struct protocol *p, const struct dispute *d, const struct deadline *dl, bool short_form,
                        char *out, size_t outlen)
{
	const struct stage *cur = dispute_current(d);
	const struct stage_rule *rule = dispute_rule(p, d, cur);
	const struct span_rule *sp = process_span(p, d);
	char label[32] = "stage";

	if (cur)
		stage_label(p, d, cur, label, sizeof(label));
	switch (dl->kind) {
	case DL_STAGE:
		snprintf(out, outlen, "%s", label);
		break;
	case DL_FOLLOW_UP:
		snprintf(out, outlen, short_form ? "follow up" : "follow up %s: no date agreed yet", label);
		break;
	case DL_RESPONSE:
		snprintf(out, outlen, "%s", short_form || !rule || !rule->response ? "response" : rule->response);
		break;
	case DL_THEN:
		snprintf(out, outlen, "%s", short_form || !rule || !rule->then ? "then" : rule->then);
		break;
	case DL_PROCESS:
		snprintf(out, outlen, "%s", short_form || !sp ? "process" : sp->name);
		break;
	case DL_INFORM:
		if (short_form || !p || !p->urgent || !p->urgent->inform)
			snprintf(out, outlen, "inform");
		else
			snprintf(out, outlen, "inform %s", p->urgent->inform);
		break;
	case DL_NONE:
		snprintf(out, outlen, "%s", short_form ? "" : "no limit set");
		break;
	case DL_COUNT:
	default:
		snprintf(out, outlen, "?");
		break;
	}
	return out;
}

bool deadline_passed(const struct deadline *dl, long today, int minute)
{
	return dl->due < today ||
	       (dl->due == today && dl->minute != TIME_NONE && minute != TIME_NONE && minute >= dl->minute);
}

/* The soonest running deadline that dispute_left measures (not the day's
 * `inform`), or false when there is none. */
static bool soonest(const struct dispute *d, struct deadline *out)
{
	struct deadline v[DL_COUNT];
	size_t n = dispute_deadlines(d, v);
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		int a = v[i].minute == TIME_NONE ? 24 * 60 : v[i].minute, b = out->minute == TIME_NONE ? 24 * 60 : out->minute;

		if (v[i].kind == DL_INFORM)
			continue;
		if (!found || v[i].due < out->due || (v[i].due == out->due && a < b)) {
			*out = v[i];
			found = true;
		}
	}
	return found;
}

bool dispute_overdue(const struct dispute *d, long today, int minute)
{
	struct deadline v[DL_COUNT];
	size_t n = dispute_deadlines(d, v);

	for (size_t i = 0; i < n; i++)
		if (v[i].kind != DL_INFORM && deadline_passed(&v[i], today, minute))
			return true;
	return false;
}

struct left deadline_left(const struct dispute *d, const struct protocol *p, const struct calendar *cal,
                          const struct deadline *dl, long today, int minute)
{
	struct left l = { LEFT_CLOSED, 0, dl->minute, dl->due, dl->kind };
	struct calendar view;
	enum status rc = ST_INVALID;
	int days = 0;

	if (d->status != DS_OPEN)
		return l;
	if (p)
		rc = workdays_between(cal_for(cal, d, &view), p->division, today, dl->due, &days, NULL);
	else
		calendar_init(&view);
	calendar_free(&view);
	/* Without the calendar a date still says whether it has passed. */
	if (rc != ST_OK) {
		l.kind = deadline_passed(dl, today, minute) ? LEFT_PASSED_TODAY : LEFT_UNKNOWN;
		return l;
	}
	/* The Saturday after a missed Friday deadline has no working day in
	 * between, yet the deadline has passed: overdue is never 0. */
	if (dl->due < today && days == 0)
		days = -1;
	if (days < 0) {
		l.kind = LEFT_OVERDUE;
		l.days = -days;
	} else if (deadline_passed(dl, today, minute)) {
		l.kind = LEFT_PASSED_TODAY;
	} else if (days > 0) {
		l.kind = LEFT_DAYS;
		l.days = days;
	} else {
		l.kind = dl->due > today ? LEFT_AHEAD : LEFT_TODAY;
	}
	return l;
}

struct left dispute_left(const struct dispute *d, const struct protocol *p, const struct calendar *cal, long today,
                         int minute)
{
	struct left l = { LEFT_CLOSED, 0, TIME_NONE, DATE_NONE, DL_STAGE };
	struct deadline dl;

	if (d->status != DS_OPEN)
		return l;
	if (!soonest(d, &dl)) {
		l.kind = LEFT_NO_LIMIT;
		return l;
	}
	return deadline_left(d, p, cal, &dl, today, minute);
}

bool left_days(const struct left *l, int *out)
{
	switch (l->kind) {
	case LEFT_DAYS:
		*out = l->days;
		return true;
	case LEFT_TODAY:
	case LEFT_PASSED_TODAY:
	case LEFT_AHEAD:
		*out = 0;
		return true;
	case LEFT_OVERDUE:
		*out = -l->days;
		return true;
	default:
		return false;
	}
}

char *left_text(const struct left *l, bool long_form, char *out, size_t outlen)
{
	char tm[16] = "";

	if (l->due_minute != TIME_NONE && l->due_minute >= 0)
		snprintf(tm, sizeof(tm), " %02d:%02d", l->due_minute / 60, l->due_minute % 60);
	switch (l->kind) {
	case LEFT_CLOSED:
		snprintf(out, outlen, "%s", "");
		break;
	case LEFT_NO_LIMIT:
		snprintf(out, outlen, "%s", long_form ? "no limit set" : "no limit");
		break;
	case LEFT_UNKNOWN:
		snprintf(out, outlen, "%s", "?");
		break;
	case LEFT_DAYS:
		if (long_form)
			snprintf(out, outlen, "%d working day%s left", l->days, l->days == 1 ? "" : "s");
		else
			snprintf(out, outlen, "%d wd", l->days);
		break;
	case LEFT_TODAY:
		if (long_form)
			snprintf(out, outlen, "DUE TODAY%s%s", *tm ? " by" : "", tm);
		else
			snprintf(out, outlen, "today");
		break;
	case LEFT_AHEAD:
		snprintf(out, outlen, long_form ? "due %s%s, before the next working day" : "%s%s",
		         date_weekday_name(l->due), tm);
		break;
	case LEFT_PASSED_TODAY:
		if (long_form && *tm)
			snprintf(out, outlen, "OVERDUE since%s today", tm);
		else
			snprintf(out, outlen, "%s", long_form ? "OVERDUE" : "overdue");
		break;
	case LEFT_OVERDUE:
		if (long_form)
			snprintf(out, outlen, "OVERDUE by %d working day%s", l->days, l->days == 1 ? "" : "s");
		else
			snprintf(out, outlen, "%d wd over", l->days);
		break;
	}
	return out;
}

/* The first stage of the normal route at step n that started, or with
 * last the last one; NULL when there is none. */
static const struct stage *stage_at_step(const struct protocol *p, const struct dispute *d, int n, bool last)
{
	const struct stage *found = NULL;

	for (size_t i = 0; i < d->nstages; i++)
		if (stage_step(&d->stages[i]) == n && d->stages[i].started != DATE_NONE &&
		    !stage_on_own_route(p, d, &d->stages[i]) && (!found || last))
			found = &d->stages[i];
	return found;
}

struct span dispute_span(const struct dispute *d, const struct protocol *p, const struct calendar *cal,
                         const struct span_rule *sp, long today)
{
	struct span out = { SPAN_NONE, DATE_NONE, DATE_NONE, false };
	const struct stage *from = stage_at_step(p, d, sp->from, false), *to = stage_at_step(p, d, sp->to, true);
	const struct stage *cur = dispute_current(d);
	int minute;

	/* Spans count the normal stages: an urgent route with stages of its
	 * own (Newcastle's) is not measured by them. */
	if (!p || !cur || stage_on_own_route(p, d, cur) || !from)
		return out;
	{
		struct calendar view;
		enum status rc = limit_due(&sp->limit, cal_for(cal, d, &view), p->division, from->started, TIME_NONE,
		                           &out.due, &minute, NULL);

		calendar_free(&view);
		if (rc != ST_OK || out.due == DATE_NONE) {
			out.due = DATE_NONE;
			return out;
		}
	}
	out.current = d->status == DS_OPEN && stage_step(cur) >= sp->from && stage_step(cur) <= sp->to;
	if (!out.current && to && to->ended != DATE_NONE)
		out.ended = to->ended;
	else if (d->status != DS_OPEN)
		out.ended = d->closed;
	if (out.ended != DATE_NONE)
		out.state = out.ended > out.due ? SPAN_MISSED : SPAN_MET;
	else
		out.state = out.due < today ? SPAN_PASSED : out.due == today ? SPAN_TODAY : SPAN_RUNNING;
	return out;
}

/* ---- several agencies and subjects ---- */

size_t dispute_agency_count(const struct dispute *d)
{
	return (d->against ? 1 : 0) + d->nothers;
}

const char *dispute_agency(const struct dispute *d, size_t i)
{
	if (i == 0)
		return d->against;
	return i - 1 < d->nothers ? d->others[i - 1] : NULL;
}

size_t dispute_subject_count(const struct dispute *d)
{
	return (d->subject ? 1 : 0) + d->nsubjects;
}

const char *dispute_subject(const struct dispute *d, size_t i)
{
	if (i == 0)
		return d->subject;
	return i - 1 < d->nsubjects ? d->subjects[i - 1] : NULL;
}

int dispute_party(const struct dispute *d, const char *agency)
{
	for (size_t i = 0; agency && i < dispute_agency_count(d); i++)
		if (dispute_agency(d, i) && ascii_casecmp(dispute_agency(d, i), agency) == 0)
			return (int)i + 1;
	return 0;
}

/* The started stage numbered n, or NULL. */
static struct stage *stage_of(const struct dispute *d, int n)
{
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].number == n)
			return &d->stages[i];
	return NULL;
}

long long dispute_counterpart(const struct dispute *d, int number, int party)
{
	const struct stage *st = stage_of(d, number);

	if (party == 1)
		return st ? st->contact_id : 0;
	for (size_t i = 0; i < d->ncounterparts; i++)
		if (d->counterparts[i].stage == number && d->counterparts[i].party == party)
			return d->counterparts[i].contact_id;
	return 0;
}

enum status dispute_set_party_counterpart(struct dispute *d, int number, int party, long long contact_id,
                                          struct error *err)
{
	size_t i;

	if (number == 0)
		number = d->current_stage;
	if (!stage_of(d, number))
		return error_set(err, ST_REFUSED, "%s has not reached stage %d", d->reference, number);
	if (party < 1 || (size_t)party > dispute_agency_count(d))
		return error_set(err, ST_REFUSED, "%s has no other agency %d", d->reference, party);
	if (party == 1)
		return dispute_set_counterpart(d, number, contact_id, err);
	for (i = 0; i < d->ncounterparts; i++)
		if (d->counterparts[i].stage == number && d->counterparts[i].party == party)
			break;
	if (i == d->ncounterparts) {
		/* kept in order of stage, then agency */
		for (i = 0; i < d->ncounterparts && (d->counterparts[i].stage < number ||
		                                     (d->counterparts[i].stage == number && d->counterparts[i].party < party));
		     i++)
			;
		d->counterparts = xrealloc(d->counterparts, (d->ncounterparts + 1) * sizeof(*d->counterparts));
		memmove(&d->counterparts[i + 1], &d->counterparts[i], (d->ncounterparts - i) * sizeof(*d->counterparts));
		d->ncounterparts++;
		d->counterparts[i].stage = number;
		d->counterparts[i].party = party;
	}
	d->counterparts[i].contact_id = contact_id;
	return ST_OK;
}

/* ---- checklists ---- */

/* The tick of text at stage n, or NULL. */
static const struct action_done *done_find(const struct dispute *d, int n, const char *text)
{
	for (size_t i = 0; i < d->ndone; i++)
		if (d->done[i].stage == n && d->done[i].text && strcmp(d->done[i].text, text) == 0)
			return &d->done[i];
	return NULL;
}

/* Adds an item when there is room; returns the new count. */
static size_t check_add(struct check_item *out, size_t n, size_t max, struct check_item it)
{
	if (n < max)
		out[n] = it;
	return n + 1;
}

size_t dispute_checklist(const struct protocol *p, const struct dispute *d, int number, struct check_item *out,
                         size_t max)
{
	const struct stage_rule *rule;
	const struct stage *st;
	size_t n = 0;

	if (number == 0)
		number = d->current_stage;
	/* the stage placed `number` in the history, on its route */
	st = dispute_stage(d, number);
	rule = st ? dispute_rule(p, d, st) : protocol_stage_rule(p, d->urgent, number);
	for (size_t i = 0; rule && i < rule->nactions; i++)
		n = check_add(out, n, max, (struct check_item){ rule->actions[i], false,
		                                                done_find(d, number, rule->actions[i]), NULL });
	for (size_t i = 0; p && i < p->nactions; i++) {
		/* The loader refuses an every-stage action that a stage also asks for. */
		n = check_add(out, n, max, (struct check_item){ p->actions[i], true, done_find(d, number, p->actions[i]),
		                                                NULL });
	}
	for (size_t i = 0; i < d->ndone; i++) {
		const struct action_done *a = &d->done[i];
		bool asked = false;

		if (a->stage != number || !a->text)
			continue;
		for (size_t k = 0; rule && k < rule->nactions && !asked; k++)
			asked = strcmp(rule->actions[k], a->text) == 0;
		for (size_t k = 0; p && k < p->nactions && !asked; k++)
			asked = strcmp(p->actions[k], a->text) == 0;
		if (!asked)
			n = check_add(out, n, max, (struct check_item){ a->text, false, a, NULL });
	}
	if (number == d->current_stage)
		for (size_t i = 0; i < d->ndetails; i++)
			if (d->details[i].next)
				n = check_add(out, n, max, (struct check_item){ d->details[i].next, false, NULL, &d->details[i] });
	return n < max ? n : max;
}

enum status dispute_tick(struct dispute *d, const struct protocol *p, int number, int n, long on, const char *by,
                         long today, struct error *err)
{
	struct check_item items[CHECKLIST_MAX];
	struct check_item *it;
	size_t count;
	char a[11], b[11];
	enum status rc;

	if (number == 0)
		number = d->current_stage;
	if (!stage_of(d, number))
		return error_set(err, ST_REFUSED, "%s has not reached stage %d", d->reference, number);
	count = dispute_checklist(p, d, number, items, CHECKLIST_MAX);
	if (n < 1 || (size_t)n > count) {
		if (!count)
			return error_set(err, ST_REFUSED, "stage %d of %s has nothing on its checklist", number, d->reference);
		return error_set(err, ST_REFUSED, "stage %d of %s has no item %d on its checklist (it has %zu)", number,
		                 d->reference, n, count);
	}
	it = &items[n - 1];
	if (on == DATE_NONE)
		return error_set(err, ST_INVALID, "the day it was done is missing");
	if (on > today)
		return error_set(err, ST_REFUSED, "%s is after today (%s)", date_format(on, a), date_format(today, b));
	if (on < d->opened)
		return error_set(err, ST_REFUSED, "%s is before %s was opened (%s)", date_format(on, a), d->reference,
		                 date_format(d->opened, b));
	if (it->followup) {
		struct record_detail *r = (struct record_detail *)dispute_detail(d, it->followup->record);

		if (r->done != DATE_NONE)
			return error_set(err, ST_REFUSED, "item %d of %s was done on %s by %s", n, d->reference,
			                 date_format(r->done, a), r->done_by ? r->done_by : "?");
		if ((rc = take_text(&r->done_by, by, false, LINE_MAX_LEN, "who did it", err)))
			return rc;
		r->done = on;
		return ST_OK;
	}
	if (it->done)
		return error_set(err, ST_REFUSED, "item %d of %s was done on %s by %s", n, d->reference,
		                 date_format(it->done->on, a), it->done->by ? it->done->by : "?");
	{
		struct action_done add = { number, xstrdup(it->text), on, NULL };

		if ((rc = take_text(&add.by, by, false, LINE_MAX_LEN, "who did it", err))) {
			free(add.text);
			return rc;
		}
		d->done = xrealloc(d->done, (d->ndone + 1) * sizeof(*d->done));
		d->done[d->ndone++] = add;
	}
	return ST_OK;
}

/* ---- what a record names ---- */

const struct record_detail *dispute_detail(const struct dispute *d, long long record)
{
	for (size_t i = 0; i < d->ndetails; i++)
		if (d->details[i].record == record)
			return &d->details[i];
	return NULL;
}

bool record_detail_open(const struct record_detail *r)
{
	return r && r->next && r->done == DATE_NONE;
}

enum status dispute_set_detail(struct dispute *d, long long record, long day, long long contact_id,
                               const char *next, long due, struct error *err)
{
	struct record_detail add;
	char a[11], b[11];
	enum status rc;
	size_t i;

	if (record <= 0)
		return error_set(err, ST_INVALID, "no record to add to");
	if (dispute_detail(d, record))
		return error_set(err, ST_REFUSED, "record #%lld already names its contact and next action", record);
	if ((next != NULL) != (due != DATE_NONE))
		return error_set(err, ST_INVALID, next ? "the next action needs its date" : "a follow-up date needs "
		                 "the next action it is for");
	if (!next && !contact_id)
		return error_set(err, ST_INVALID, "neither a contact nor a next action is given");
	if (due != DATE_NONE && day != DATE_NONE && due < day)
		return error_set(err, ST_REFUSED, "the follow-up date %s is before the record (%s)", date_format(due, a),
		                 date_format(day, b));
	memset(&add, 0, sizeof(add));
	add.record = record;
	add.contact_id = contact_id;
	add.due = due;
	add.done = DATE_NONE;
	if (next && (rc = take_text(&add.next, next, false, LINE_MAX_LEN, "the next action", err)))
		return rc;
	for (i = 0; i < d->ndetails && d->details[i].record < record; i++)
		;
	d->details = xrealloc(d->details, (d->ndetails + 1) * sizeof(*d->details));
	memmove(&d->details[i + 1], &d->details[i], (d->ndetails - i) * sizeof(*d->details));
	d->details[i] = add;
	d->ndetails++;
	return ST_OK;
}

/* ---- the owner ---- */

enum status dispute_set_owner(struct dispute *d, const char *owner, struct error *err)
{
	char *copy = NULL;
	enum status rc = take_text(&copy, owner, false, LINE_MAX_LEN, "the owner's name", err);

	if (rc)
		return rc;
	if (d->owner && strcmp(d->owner, copy) == 0) {
		rc = error_set(err, ST_REFUSED, "%s is held by %s already", d->reference, copy);
		free(copy);
		return rc;
	}
	free(d->owner);
	d->owner = copy;
	return ST_OK;
}

/* ---- closure days ---- */

/* Whether agency has a closure day on day (the agency closures are by day). */
static bool agency_closed(const struct calendar *cal, long day, const char *agency)
{
	for (size_t i = 0; i < cal->nagency_closures && cal->agency_closures[i].day <= day; i++)
		if (cal->agency_closures[i].day == day && ascii_casecmp(cal->agency_closures[i].agency, agency) == 0)
			return true;
	return false;
}

const struct calendar *dispute_calendar(const struct calendar *cal, const struct dispute *d, struct calendar *view)
{
	size_t n = dispute_agency_count(d);

	calendar_init(view);
	if (!cal || !cal->nagency_closures || !n)
		return cal;
	/* A deadline is the other agencies' to meet: a day they are all
	 * closed does not count; the raising agency's closures never do. */
	for (size_t i = 0; i < cal->nagency_closures; i++) {
		const struct cal_closure *c = &cal->agency_closures[i];
		bool all = ascii_casecmp(c->agency, dispute_agency(d, 0)) == 0;

		for (size_t k = 1; all && k < n; k++)
			all = agency_closed(cal, c->day, dispute_agency(d, k));
		if (!all)
			continue;
		if (!view->view)
			calendar_view(cal, view);
		calendar_add_closure(view, c->day);
	}
	return view->view ? view : cal;
}

struct left dispute_left_at(const struct dispute *d, const struct protocol *p, const struct calendar *cal, long due,
                            int due_minute, long today, int minute)
{
	struct left l = { LEFT_NO_LIMIT, 0, due_minute, due, DL_STAGE };
	bool passed = due != DATE_NONE && (due < today || (due == today && due_minute != TIME_NONE &&
	                                                   minute != TIME_NONE && minute >= due_minute));
	struct calendar view;
	enum status rc = ST_INVALID;
	int days = 0;

	if (due == DATE_NONE)
		return l;
	if (p)
		rc = workdays_between(cal_for(cal, d, &view), p->division, today, due, &days, NULL);
	else
		calendar_init(&view);
	calendar_free(&view);
	if (rc != ST_OK) {
		l.kind = passed ? LEFT_PASSED_TODAY : LEFT_UNKNOWN;
		return l;
	}
	if (due < today && days == 0)
		days = -1;
	if (days < 0) {
		l.kind = LEFT_OVERDUE;
		l.days = -days;
	} else if (passed) {
		l.kind = LEFT_PASSED_TODAY;
	} else if (days > 0) {
		l.kind = LEFT_DAYS;
		l.days = days;
	} else {
		l.kind = LEFT_TODAY;
	}
	return l;
}
