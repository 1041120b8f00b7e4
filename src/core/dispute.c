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

/* Sets the new stage's due date from the limit, or the agreed date when one
 * is given: earlier is fine, later than the protocol limit needs a reason. */
static enum status stage_fix_due(struct stage *st, const struct stage_rule *rule, const struct protocol *p,
                                 const struct calendar *cal, int minute, long agreed, const char *reason,
                                 bool clocked, struct error *err)
{
	long limit_day;
	int limit_minute;
	char a[11], b[11], lim[64];
	enum status rc;
	bool workday;

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
	st->limit_due = limit_day;
	if (agreed == DATE_NONE) {
		st->due = limit_day;
		st->due_minute = limit_minute;
		st->due_agreed = false;
		return ST_OK;
	}
	if (agreed < st->started)
		return error_set(err, ST_REFUSED, "due date %s is before the stage starts (%s)", date_format(agreed, a),
		                 date_format(st->started, b));
	if (!calendar_covers(cal, p->division, agreed))
		return error_set(err, ST_INVALID, "due date %s is outside the years with bank holiday data",
		                 date_format(agreed, a));
	if ((rc = calendar_is_workday(cal, p->division, agreed, &workday, err)))
		return rc;
	if (!workday) {
		const char *holiday = calendar_holiday(cal, p->division, agreed);

		if (holiday)
			return error_set(err, ST_REFUSED, "due date %s is %s, a bank holiday; agree a working day",
			                 date_format(agreed, a), holiday);
		if (date_weekday(agreed) >= 5)
			return error_set(err, ST_REFUSED, "due date %s is a %s; agree a working day", date_format(agreed, a),
			                 date_weekday(agreed) == 5 ? "Saturday" : "Sunday");
		return error_set(err, ST_REFUSED, "due date %s is a closure day; agree a working day",
		                 date_format(agreed, a));
	}
	if (limit_day != DATE_NONE && agreed > limit_day && (!reason || !*reason)) {
		error_set(err, ST_REFUSED, "due date %s is later than the protocol limit (%s, %s); give a reason",
		          date_format(agreed, a), date_format(limit_day, b), limit_describe(&rule->limit, lim, sizeof(lim)));
		return error_mend(err, MEND_REASON, NULL);
	}
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

/* Whether the dispute's kind of disagreement runs through the stage clock. */
static bool clocked(const struct protocol *p, const struct dispute *d)
{
	const struct category *cat = protocol_category(p, d->category);

	return !cat || !cat->unclocked;
}

static struct stage *stage_push(struct dispute *d)
{
	struct stage *st;

	d->stages = xrealloc(d->stages, (d->nstages + 1) * sizeof(*d->stages));
	st = &d->stages[d->nstages++];
	memset(st, 0, sizeof(*st));
	st->number = (int)d->nstages;
	st->started = st->due = st->ended = st->limit_due = DATE_NONE;
	st->due_minute = TIME_NONE;
	st->how = SE_NONE;
	d->current_stage = st->number;
	return st;
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
	const struct stage_rule *rules;
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
	rules = protocol_stages(p, args->urgent, &nrules);
	if (!nrules)
		return error_set(err, ST_INVALID, "protocol %s has no stages", p->id);

	free(d->protocol);
	d->protocol = xstrdup(p->id);
	free(d->category);
	d->category = xstrdup(cat->key);
	d->urgent = args->urgent;
	d->opened = args->opened;
	d->status = DS_OPEN;
	st = stage_push(d);
	st->started = args->opened;
	{
		struct calendar view;

		rc = stage_fix_due(st, &rules[0], p, cal_for(cal, d, &view), args->minute, DATE_NONE, NULL,
		                   !cat->unclocked, err);
		calendar_free(&view);
	}
	return rc;
}

enum status dispute_escalate(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                             long on, int minute, long agreed_due, const char *reason,
                             long today, struct error *err)
{
	const struct stage_rule *rules;
	struct stage *cur, *st;
	size_t nrules;
	enum status rc;

	if ((rc = check_open(d, "escalated", err)))
		return rc;
	rules = protocol_stages(p, d->urgent, &nrules);
	cur = dispute_current(d);
	if ((size_t)cur->number >= nrules)
		return error_set(err, ST_REFUSED,
		                 "%s is at stage %d of %zu, the last stage of %s; resolve it, withdraw it or refer it on",
		                 d->reference, cur->number, nrules, p->id);
	if ((rc = check_day(on, cur->started, "the current stage started", today, "escalation date", err)))
		return rc;
	cur->ended = on;
	cur->how = SE_ESCALATED;
	cur->sequence++;
	st = stage_push(d);
	st->started = on;
	{
		struct calendar view;

		rc = stage_fix_due(st, &rules[st->number - 1], p, cal_for(cal, d, &view), minute, agreed_due, reason,
		                   clocked(p, d), err);
		calendar_free(&view);
	}
	if (rc != ST_OK) {
		/* leave the dispute as it was */
		free(st->due_reason);
		d->nstages--;
		d->current_stage = (int)d->nstages;
		cur = dispute_current(d);
		cur->ended = DATE_NONE;
		cur->how = SE_NONE;
		cur->sequence--;
	}
	return rc;
}

enum status dispute_set_due(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                            long due, const char *reason, long today, struct error *err)
{
	const struct stage_rule *rules;
	struct stage *cur, saved;
	size_t nrules;
	enum status rc;

	(void)today;
	if ((rc = check_open(d, "given a new due date", err)))
		return rc;
	if (due == DATE_NONE)
		return error_set(err, ST_INVALID, "the due date is missing");
	rules = protocol_stages(p, d->urgent, &nrules);
	cur = dispute_current(d);
	if ((size_t)cur->number > nrules)
		return error_set(err, ST_INVALID, "%s is at stage %d but %s has %zu stages", d->reference, cur->number,
		                 p->id, nrules);
	saved = *cur;
	saved.due_reason = xstrdup(cur->due_reason);
	/* A timed stage's limit runs from the time of day it started, which
	 * is the time of day it is due. */
	{
		struct calendar view;

		rc = stage_fix_due(cur, &rules[cur->number - 1], p, cal_for(cal, d, &view),
		                   rules[cur->number - 1].timed ? cur->due_minute : TIME_NONE, due, reason, clocked(p, d),
		                   err);
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

bool dispute_overdue(const struct dispute *d, long today, int minute)
{
	const struct stage *cur = dispute_current(d);

	if (d->status != DS_OPEN || !cur || cur->due == DATE_NONE)
		return false;
	return cur->due < today ||
	       (cur->due == today && cur->due_minute != TIME_NONE && minute != TIME_NONE && minute >= cur->due_minute);
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
	const struct stage_rule *rule = protocol_stage_rule(p, d->urgent, number);

	return rule ? rule->name : NULL;
}

struct left dispute_left(const struct dispute *d, const struct protocol *p, const struct calendar *cal, long today,
                         int minute)
{
	const struct stage *cur = dispute_current(d);
	struct left l = { LEFT_CLOSED, 0, TIME_NONE };
	int days;

	if (d->status != DS_OPEN)
		return l;
	if (!cur || cur->due == DATE_NONE) {
		l.kind = LEFT_NO_LIMIT;
		return l;
	}
	l.due_minute = cur->due_minute;
	if (!p || dispute_days_left(d, p, cal, today, &days, NULL) != ST_OK) {
		/* Without the calendar a date still says whether it has passed. */
		l.kind = dispute_overdue(d, today, minute) ? LEFT_PASSED_TODAY : LEFT_UNKNOWN;
		return l;
	}
	if (days < 0) {
		l.kind = LEFT_OVERDUE;
		l.days = -days;
	} else if (dispute_overdue(d, today, minute)) {
		l.kind = LEFT_PASSED_TODAY;
	} else if (days > 0) {
		l.kind = LEFT_DAYS;
		l.days = days;
	} else {
		l.kind = LEFT_TODAY;
	}
	return l;
}

bool left_days(const struct left *l, int *out)
{
	switch (l->kind) {
	case LEFT_DAYS:
		*out = l->days;
		return true;
	case LEFT_TODAY:
	case LEFT_PASSED_TODAY:
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

/* The stage numbered n, when it has started; NULL otherwise. */
static const struct stage *stage_numbered(const struct dispute *d, int n)
{
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].number == n && d->stages[i].started != DATE_NONE)
			return &d->stages[i];
	return NULL;
}

struct span dispute_span(const struct dispute *d, const struct protocol *p, const struct calendar *cal,
                         const struct span_rule *sp, long today)
{
	struct span out = { SPAN_NONE, DATE_NONE, DATE_NONE, false };
	const struct stage *from = stage_numbered(d, sp->from), *to = stage_numbered(d, sp->to);
	int minute;

	/* Spans count the normal stages: an urgent route with stages of its
	 * own (Newcastle's) is not measured by them. */
	if (!p || (d->urgent && p->urgent && !p->urgent->same_stages) || !from)
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
	out.current = d->status == DS_OPEN && d->current_stage >= sp->from && d->current_stage <= sp->to;
	if (to && to->ended != DATE_NONE)
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
	size_t n = 0;

	if (number == 0)
		number = d->current_stage;
	rule = protocol_stage_rule(p, d->urgent, number);
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
	struct left l = { LEFT_NO_LIMIT, 0, due_minute };
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
