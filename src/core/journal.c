/* A dispute's state as journal lines: the fields an event changed, applied again in order to replay the state from the journal alone. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/itip.h"
#include "dispute/journal.h"

enum field_type {
	F_TEXT,         /* char *, NULL when not set */
	F_REF,          /* char[16] */
	F_BOOL,
	F_DATE,         /* long, DATE_NONE when not set */
	F_MINUTE,       /* int, TIME_NONE when not set */
	F_INT,
	F_ID,           /* long long, 0 when not set */
	F_STATUS,       /* enum dispute_status */
	F_HOW,          /* enum stage_end, SE_NONE while running */
	F_METHOD,       /* enum itip_method */
	F_PARTSTAT,     /* enum itip_partstat, ITIP_NEEDS_ACTION when not answered */
	F_NUM           /* int, 0 when not set (a stage's route and step) */
};

struct field {
	const char *name;
	enum field_type type;
	size_t offset;
};

/* The order of these tables is the order of the lines: never reorder
 * them, or old journals would replay the same but read differently. */
static const struct field dispute_fields[] = {
	{ "reference",   F_REF,    offsetof(struct dispute, reference) },
	{ "protocol",    F_TEXT,   offsetof(struct dispute, protocol) },
	{ "urgent",      F_BOOL,   offsetof(struct dispute, urgent) },
	{ "subject",     F_TEXT,   offsetof(struct dispute, subject) },
	{ "raised_by",   F_TEXT,   offsetof(struct dispute, raised_by) },
	{ "against",     F_TEXT,   offsetof(struct dispute, against) },
	{ "category",    F_TEXT,   offsetof(struct dispute, category) },
	{ "summary",     F_TEXT,   offsetof(struct dispute, summary) },
	{ "opened",      F_DATE,   offsetof(struct dispute, opened) },
	{ "status",      F_STATUS, offsetof(struct dispute, status) },
	{ "closed",      F_DATE,   offsetof(struct dispute, closed) },
	{ "outcome",     F_TEXT,   offsetof(struct dispute, outcome) },
	{ "outstanding", F_TEXT,   offsetof(struct dispute, outstanding) },
	{ "challenged",  F_DATE,   offsetof(struct dispute, challenged) },
	{ "owner",       F_TEXT,   offsetof(struct dispute, owner) },
	{ "process_due", F_DATE,   offsetof(struct dispute, process_due) },
	{ "inform_due",  F_DATE,   offsetof(struct dispute, inform_due) },
	{ "referred",    F_DATE,   offsetof(struct dispute, referred) },
	{ "referred_to", F_TEXT,   offsetof(struct dispute, referred_to) },
};

static const struct field stage_fields[] = {
	{ "started",     F_DATE,   offsetof(struct stage, started) },
	{ "due",         F_DATE,   offsetof(struct stage, due) },
	{ "due_minute",  F_MINUTE, offsetof(struct stage, due_minute) },
	{ "limit_due",   F_DATE,   offsetof(struct stage, limit_due) },
	{ "due_agreed",  F_BOOL,   offsetof(struct stage, due_agreed) },
	{ "due_reason",  F_TEXT,   offsetof(struct stage, due_reason) },
	{ "ended",       F_DATE,   offsetof(struct stage, ended) },
	{ "how",         F_HOW,    offsetof(struct stage, how) },
	{ "sequence",    F_INT,    offsetof(struct stage, sequence) },
	{ "contact",     F_ID,     offsetof(struct stage, contact_id) },
	{ "route",       F_NUM,    offsetof(struct stage, route) },
	{ "step",        F_NUM,    offsetof(struct stage, step) },
	{ "response_due", F_DATE,  offsetof(struct stage, response_due) },
	{ "then_due",    F_DATE,   offsetof(struct stage, then_due) },
	{ "then_minute", F_MINUTE, offsetof(struct stage, then_minute) },
	{ "follow_up",   F_DATE,   offsetof(struct stage, follow_up) },
};

/* An invite sent or answered: the row of the lifecycle it changed (one
 * stage, one attendee), after its "invite.N.to=ADDRESS" line. */
static const struct field invite_fields[] = {
	{ "contact",         F_ID,       offsetof(struct itip_sent, contact_id) },
	{ "uid",             F_TEXT,     offsetof(struct itip_sent, uid) },
	{ "sequence",        F_INT,      offsetof(struct itip_sent, sequence) },
	{ "method",          F_METHOD,   offsetof(struct itip_sent, method) },
	{ "due",             F_DATE,     offsetof(struct itip_sent, due) },
	{ "due_minute",      F_MINUTE,   offsetof(struct itip_sent, due_minute) },
	{ "partstat",        F_PARTSTAT, offsetof(struct itip_sent, partstat) },
	{ "proposed",        F_DATE,     offsetof(struct itip_sent, proposed) },
	{ "proposed_minute", F_MINUTE,   offsetof(struct itip_sent, proposed_minute) },
};

#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* Writes the field's value into out (as text, unescaped); returns false
 * when the field holds nothing (NULL, DATE_NONE, ...). */
static bool field_get(const struct field *f, const void *base, struct sb *out)
{
	const char *p = (const char *)base + f->offset;
	char a[11];

	switch (f->type) {
	case F_TEXT: {
		const char *s = *(char *const *)(const void *)p;
		if (!s)
			return false;
		sb_append(out, s);
		return true;
	}
	case F_REF:
		sb_append(out, p);
		return true;
	case F_BOOL:
		sb_append(out, *(const bool *)(const void *)p ? "1" : "0");
		return true;
	case F_DATE: {
		long day = *(const long *)(const void *)p;
		if (day == DATE_NONE)
			return false;
		sb_append(out, date_format(day, a));
		return true;
	}
	case F_MINUTE: {
		int m = *(const int *)(const void *)p;
		if (m == TIME_NONE)
			return false;
		sb_append_int(out, m);
		return true;
	}
	case F_INT:
		sb_append_int(out, *(const int *)(const void *)p);
		return true;
	case F_NUM: {
		int v = *(const int *)(const void *)p;
		if (!v)
			return false;
		sb_append_int(out, v);
		return true;
	}
	case F_ID: {
		long long id = *(const long long *)(const void *)p;
		if (!id)
			return false;
		sb_append_int(out, id);
		return true;
	}
	case F_STATUS:
		sb_append(out, dispute_status_name(*(const enum dispute_status *)(const void *)p));
		return true;
	case F_HOW: {
		enum stage_end e = *(const enum stage_end *)(const void *)p;
		if (e == SE_NONE)
			return false;
		sb_append(out, stage_end_name(e));
		return true;
	}
	case F_METHOD:
		sb_append(out, itip_method_name(*(const enum itip_method *)(const void *)p));
		return true;
	case F_PARTSTAT: {
		enum itip_partstat ps = *(const enum itip_partstat *)(const void *)p;
		if (ps == ITIP_NEEDS_ACTION)
			return false;
		sb_append(out, itip_partstat_name(ps));
		return true;
	}
	}
	return false;
}

static bool parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (!*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Sets the field from value (NULL: the field holds nothing).  Returns
 * false when the value cannot be read. */
static bool field_set(const struct field *f, void *base, const char *value)
{
	char *p = (char *)base + f->offset;
	long long n;
	long day;

	switch (f->type) {
	case F_TEXT: {
		char **s = (char **)(void *)p;
		free(*s);
		*s = value ? xstrdup(value) : NULL;
		return true;
	}
	case F_REF:
		if (!value || strlen(value) >= 16)
			return false;
		memcpy(p, value, strlen(value) + 1);
		return true;
	case F_BOOL:
		if (!value || (strcmp(value, "0") && strcmp(value, "1")))
			return false;
		*(bool *)(void *)p = value[0] == '1';
		return true;
	case F_DATE:
		if (!value) {
			*(long *)(void *)p = DATE_NONE;
			return true;
		}
		if (!date_parse(value, &day))
			return false;
		*(long *)(void *)p = day;
		return true;
	case F_MINUTE:
		if (!value) {
			*(int *)(void *)p = TIME_NONE;
			return true;
		}
		if (!parse_int(value, 0, 1439, &n))
			return false;
		*(int *)(void *)p = (int)n;
		return true;
	case F_INT:
		if (!value || !parse_int(value, 0, 1000000, &n))
			return false;
		*(int *)(void *)p = (int)n;
		return true;
	case F_NUM:
		if (!value) {
			*(int *)(void *)p = 0;
			return true;
		}
		if (!parse_int(value, 1, 99, &n))
			return false;
		*(int *)(void *)p = (int)n;
		return true;
	case F_ID:
		if (!value) {
			*(long long *)(void *)p = 0;
			return true;
		}
		return parse_int(value, 1, (long long)9e18, (long long *)(void *)p);
	case F_STATUS:
		return value && dispute_status_parse(value, (enum dispute_status *)(void *)p);
	case F_HOW:
		if (!value) {
			*(enum stage_end *)(void *)p = SE_NONE;
			return true;
		}
		return stage_end_parse(value, (enum stage_end *)(void *)p) && *(enum stage_end *)(void *)p != SE_NONE;
	case F_METHOD:
		return value && itip_method_parse(value, (enum itip_method *)(void *)p);
	case F_PARTSTAT:
		if (!value) {
			*(enum itip_partstat *)(void *)p = ITIP_NEEDS_ACTION;
			return true;
		}
		return itip_partstat_parse(value, (enum itip_partstat *)(void *)p) &&
		       *(enum itip_partstat *)(void *)p != ITIP_NEEDS_ACTION;
	}
	return false;
}

static void put_escaped(struct sb *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sb_append(out, "\\\\");
		else if (*s == '\n')
			sb_append(out, "\\n");
		else
			sb_appendn(out, s, 1);
	}
}

/* One line for field f of base when it differs from the same field of
 * old (old NULL: when it is set, or always when force). */
static void delta_field(struct sb *out, const char *prefix, const struct field *f, const void *old,
                        const void *base, bool force)
{
	struct sb a = {0}, b = {0};
	bool has_a = old ? field_get(f, old, &a) : false;
	bool has_b = field_get(f, base, &b);

	if (old ? (has_a != has_b || (has_b && strcmp(a.s, b.s) != 0)) : (has_b || force)) {
		sb_printf(out, "%s%s", prefix, f->name);
		if (has_b) {
			sb_append(out, "=");
			put_escaped(out, b.s);
		}
		sb_append(out, "\n");
	}
	free(a.s);
	free(b.s);
}

static const struct stage *stage_find(const struct dispute *d, int number)
{
	for (size_t i = 0; d && i < d->nstages; i++)
		if (d->stages[i].number == number)
			return &d->stages[i];
	return NULL;
}

/* ---- the lists a dispute holds besides its stages ----
 *
 *     against.2=Northumbria Police        the further other agencies, from the second
 *     subject.2=C-1235 (B.K.)             the further subjects, from the second
 *     counterpart.3.2=17                  the counterpart of agency 2 at stage 3 (no value: none)
 *     done.1.stage=3                      the checklist items done, in the order ticked,
 *     done.1.text=Make the ... aware      each with its stage, wording, day and who
 *     record.12.contact=5                 what record 12 names: the contact spoken to,
 *     record.12.next=TM to confirm        the next action, its date, and when it was done
 */

static const struct field done_fields[] = {
	{ "stage",       F_INT,    offsetof(struct action_done, stage) },
	{ "text",        F_TEXT,   offsetof(struct action_done, text) },
	{ "on",          F_DATE,   offsetof(struct action_done, on) },
	{ "by",          F_TEXT,   offsetof(struct action_done, by) },
};

static const struct field detail_fields[] = {
	{ "contact",     F_ID,     offsetof(struct record_detail, contact_id) },
	{ "next",        F_TEXT,   offsetof(struct record_detail, next) },
	{ "due",         F_DATE,   offsetof(struct record_detail, due) },
	{ "done",        F_DATE,   offsetof(struct record_detail, done) },
	{ "done_by",     F_TEXT,   offsetof(struct record_detail, done_by) },
};

/* A list of elements with fields, each known by a number: its place
 * (done.N, from 1) or a number it holds (record.ID). */
struct keyed_list {
	const char *prefix;
	const struct field *fields;
	size_t nfields;
	size_t size;
	size_t off_v, off_n;        /* the array and its count in struct dispute */
	bool by_place;              /* the number is the place, from 1 */
	size_t off_key;             /* otherwise: where the long long number is */
	void (*blank)(void *e);     /* an element holding nothing */
	void (*drop)(void *e);      /* frees what an element owns */
};

static void done_blank(void *e)
{
	struct action_done *a = e;

	memset(a, 0, sizeof(*a));
	a->on = DATE_NONE;
}

static void done_drop(void *e)
{
	struct action_done *a = e;

	free(a->text);
	free(a->by);
}

static void detail_blank(void *e)
{
	struct record_detail *r = e;

	memset(r, 0, sizeof(*r));
	r->due = r->done = DATE_NONE;
}

static void detail_drop(void *e)
{
	struct record_detail *r = e;

	free(r->next);
	free(r->done_by);
}

static const struct keyed_list keyed_lists[] = {
	{ "done", done_fields, NFIELDS(done_fields), sizeof(struct action_done), offsetof(struct dispute, done),
	  offsetof(struct dispute, ndone), true, 0, done_blank, done_drop },
	{ "record", detail_fields, NFIELDS(detail_fields), sizeof(struct record_detail),
	  offsetof(struct dispute, details), offsetof(struct dispute, ndetails), false,
	  offsetof(struct record_detail, record), detail_blank, detail_drop },
};

static char **list_array(const struct keyed_list *kl, const struct dispute *d)
{
	return (char **)(void *)((char *)(uintptr_t)d + kl->off_v);
}

static size_t *list_count(const struct keyed_list *kl, const struct dispute *d)
{
	return (size_t *)(void *)((char *)(uintptr_t)d + kl->off_n);
}

static void *list_elem(const struct keyed_list *kl, const struct dispute *d, size_t i)
{
	return *list_array(kl, d) + i * kl->size;
}

static long long list_key(const struct keyed_list *kl, const struct dispute *d, size_t i)
{
	if (kl->by_place)
		return (long long)i + 1;
	return *(const long long *)(const void *)((const char *)list_elem(kl, d, i) + kl->off_key);
}

/* The place of the element numbered key, or -1. */
static long list_find(const struct keyed_list *kl, const struct dispute *d, long long key)
{
	size_t n = d ? *list_count(kl, d) : 0;

	if (kl->by_place)
		return key >= 1 && (size_t)key <= n ? (long)key - 1 : -1;
	for (size_t i = 0; i < n; i++)
		if (list_key(kl, d, i) == key)
			return (long)i;
	return -1;
}

/* The element numbered key, made (blank) when there is none; kept in
 * order of number.  NULL for a place that would leave a gap. */
static void *list_get(const struct keyed_list *kl, struct dispute *d, long long key)
{
	long at = list_find(kl, d, key);
	size_t n = *list_count(kl, d), i = n;
	char **v = list_array(kl, d);

	if (at >= 0)
		return list_elem(kl, d, (size_t)at);
	if (kl->by_place && (size_t)key != n + 1)
		return NULL;
	if (!kl->by_place)
		for (i = 0; i < n && list_key(kl, d, i) < key; i++)
			;
	*v = xrealloc(*v, (n + 1) * kl->size);
	memmove(*v + (i + 1) * kl->size, *v + i * kl->size, (n - i) * kl->size);
	kl->blank(*v + i * kl->size);
	if (!kl->by_place)
		*(long long *)(void *)(*v + i * kl->size + kl->off_key) = key;
	(*list_count(kl, d))++;
	return *v + i * kl->size;
}

static void list_remove(const struct keyed_list *kl, struct dispute *d, long long key)
{
	long at = list_find(kl, d, key);
	size_t *n = list_count(kl, d);
	char **v = list_array(kl, d);

	if (at < 0)
		return;
	kl->drop(*v + (size_t)at * kl->size);
	memmove(*v + (size_t)at * kl->size, *v + ((size_t)at + 1) * kl->size, (*n - (size_t)at - 1) * kl->size);
	(*n)--;
}

static void delta_lists(struct sb *out, const struct dispute *before, const struct dispute *after)
{
	char prefix[48];

	for (size_t l = 0; l < NFIELDS(keyed_lists); l++) {
		const struct keyed_list *kl = &keyed_lists[l];
		size_t n = *list_count(kl, after);

		for (size_t i = 0; i < n; i++) {
			long long key = list_key(kl, after, i);
			long at = list_find(kl, before, key);
			const void *was = at >= 0 ? list_elem(kl, before, (size_t)at) : NULL;

			snprintf(prefix, sizeof(prefix), "%s.%lld.", kl->prefix, key);
			for (size_t f = 0; f < kl->nfields; f++)
				delta_field(out, prefix, &kl->fields[f], was, list_elem(kl, after, i), !was && f == 0);
		}
		for (size_t i = 0; before && i < *list_count(kl, before); i++)
			if (list_find(kl, after, list_key(kl, before, i)) < 0)
				sb_printf(out, "%s.%lld.gone\n", kl->prefix, list_key(kl, before, i));
	}
}

/* against.N and subject.N: the strings of a list from its second. */
static void delta_strings(struct sb *out, const char *name, char *const *was, size_t nwas, char *const *now,
                          size_t nnow)
{
	for (size_t i = 0; i < nnow; i++) {
		if (i < nwas && strcmp(was[i], now[i]) == 0)
			continue;
		sb_printf(out, "%s.%zu=", name, i + 2);
		put_escaped(out, now[i]);
		sb_append(out, "\n");
	}
	if (nwas > nnow)
		sb_printf(out, "%s.%zu\n", name, nnow + 2);
}

static const struct counterpart *counterpart_find(const struct dispute *d, int stage, int party)
{
	for (size_t i = 0; d && i < d->ncounterparts; i++)
		if (d->counterparts[i].stage == stage && d->counterparts[i].party == party)
			return &d->counterparts[i];
	return NULL;
}

static void delta_counterparts(struct sb *out, const struct dispute *before, const struct dispute *after)
{
	for (size_t i = 0; i < after->ncounterparts; i++) {
		const struct counterpart *now = &after->counterparts[i];
		const struct counterpart *was = counterpart_find(before, now->stage, now->party);

		if (!was || was->contact_id != now->contact_id)
			sb_printf(out, "counterpart.%d.%d=%lld\n", now->stage, now->party, now->contact_id);
	}
	for (size_t i = 0; before && i < before->ncounterparts; i++) {
		const struct counterpart *was = &before->counterparts[i];

		if (!counterpart_find(after, was->stage, was->party))
			sb_printf(out, "counterpart.%d.%d\n", was->stage, was->party);
	}
}

char *journal_delta(const struct dispute *before, const struct dispute *after)
{
	struct sb out = {0};
	char prefix[32];

	for (size_t i = 0; i < NFIELDS(dispute_fields); i++)
		delta_field(&out, "", &dispute_fields[i], before, after, false);
	for (size_t s = 0; s < after->nstages; s++) {
		const struct stage *now = &after->stages[s], *was = stage_find(before, now->number);

		snprintf(prefix, sizeof(prefix), "stage.%d.", now->number);
		/* A new stage always has its first line, so that it exists
		 * after replay even when every field is empty. */
		for (size_t i = 0; i < NFIELDS(stage_fields); i++)
			delta_field(&out, prefix, &stage_fields[i], was, now, !was && i == 0);
	}
	for (size_t s = 0; before && s < before->nstages; s++)
		if (!stage_find(after, before->stages[s].number))
			sb_printf(&out, "stage.%d.gone\n", before->stages[s].number);
	delta_strings(&out, "against", before ? before->others : NULL, before ? before->nothers : 0, after->others,
	              after->nothers);
	delta_strings(&out, "subject", before ? before->subjects : NULL, before ? before->nsubjects : 0,
	              after->subjects, after->nsubjects);
	delta_counterparts(&out, before, after);
	delta_lists(&out, before, after);
	return sb_take(&out);
}

static const struct field *field_find(const struct field *t, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && memcmp(t[i].name, name, len) == 0)
			return &t[i];
	return NULL;
}

/* The stage numbered n, made (empty) when there is none yet, with the
 * stages kept in order of number. */
static struct stage *stage_get(struct dispute *d, int n)
{
	size_t at = 0;

	while (at < d->nstages && d->stages[at].number < n)
		at++;
	if (at < d->nstages && d->stages[at].number == n)
		return &d->stages[at];
	d->stages = xrealloc(d->stages, (d->nstages + 1) * sizeof(*d->stages));
	memmove(&d->stages[at + 1], &d->stages[at], (d->nstages - at) * sizeof(*d->stages));
	d->nstages++;
	memset(&d->stages[at], 0, sizeof(d->stages[at]));
	d->stages[at].number = n;
	d->stages[at].started = d->stages[at].due = d->stages[at].limit_due = d->stages[at].ended = DATE_NONE;
	d->stages[at].response_due = d->stages[at].then_due = d->stages[at].follow_up = DATE_NONE;
	d->stages[at].due_minute = d->stages[at].then_minute = TIME_NONE;
	d->stages[at].how = SE_NONE;
	return &d->stages[at];
}

static void stage_remove(struct dispute *d, int n)
{
	for (size_t i = 0; i < d->nstages; i++) {
		if (d->stages[i].number != n)
			continue;
		free(d->stages[i].due_reason);
		memmove(&d->stages[i], &d->stages[i + 1], (d->nstages - i - 1) * sizeof(*d->stages));
		d->nstages--;
		return;
	}
}

/* Undoes put_escaped in place; false for a lone or unknown escape. */
static bool unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		s++;
		if (*s == '\\')
			*w++ = '\\';
		else if (*s == 'n')
			*w++ = '\n';
		else
			return false;
	}
	*w = '\0';
	return true;
}

/* Reads a number of a state line's name from *p up to the next '.' or
 * lim, the end of the name; moves *p past it (and past the '.'). */
static bool name_number(const char **p, const char *lim, long long lo, long long hi, long long *out)
{
	const char *s = *p;
	long long v = 0;

	if (s >= lim || *s < '0' || *s > '9' || (*s == '0' && s + 1 < lim && s[1] != '.'))
		return false;
	for (; s < lim && *s >= '0' && *s <= '9'; s++) {
		if (v > (hi - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v < lo || (s < lim && *s != '.'))
		return false;
	*out = v;
	*p = s < lim ? s + 1 : s;
	return true;
}

/* against.N / subject.N: sets the string at place N (from 2), the next
 * one or one already there; no value ends the list before it. */
static bool apply_string(char ***v, size_t *n, long long place, const char *value)
{
	size_t i = (size_t)place - 2;

	if (!value) {
		if (i > *n)
			return false;
		while (*n > i)
			free((*v)[--*n]);
		return true;
	}
	if (i > *n)
		return false;
	if (i == *n) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = NULL;
	}
	free((*v)[i]);
	(*v)[i] = xstrdup(value);
	return true;
}

static bool apply_counterpart(struct dispute *d, long long stage, long long party, const char *value)
{
	long long id;
	size_t i;

	for (i = 0; i < d->ncounterparts; i++)
		if (d->counterparts[i].stage == stage && d->counterparts[i].party == party)
			break;
	if (!value) {
		if (i < d->ncounterparts) {
			memmove(&d->counterparts[i], &d->counterparts[i + 1],
			        (d->ncounterparts - i - 1) * sizeof(*d->counterparts));
			d->ncounterparts--;
		}
		return true;
	}
	if (!parse_int(value, 1, (long long)9e18, &id))
		return false;
	if (i == d->ncounterparts) {
		for (i = 0; i < d->ncounterparts && (d->counterparts[i].stage < stage ||
		                                     (d->counterparts[i].stage == stage && d->counterparts[i].party < party));
		     i++)
			;
		d->counterparts = xrealloc(d->counterparts, (d->ncounterparts + 1) * sizeof(*d->counterparts));
		memmove(&d->counterparts[i + 1], &d->counterparts[i], (d->ncounterparts - i) * sizeof(*d->counterparts));
		d->ncounterparts++;
		d->counterparts[i].stage = (int)stage;
		d->counterparts[i].party = (int)party;
	}
	d->counterparts[i].contact_id = id;
	return true;
}

/* A line of one of the lists, or ST_NOTFOUND when name is not one. */
static enum status apply_list_line(struct dispute *d, const char *line, const char *name, size_t len,
                                   const char *value, struct error *err)
{
	const char *p;
	long long a, b;

	if (!memchr(name, '.', len))
		return ST_NOTFOUND;
	if (strncmp(name, "against.", 8) == 0 || strncmp(name, "subject.", 8) == 0) {
		bool others = name[0] == 'a';

		p = name + 8;
		if (!name_number(&p, name + len, 2, 99, &a) || p != name + len)
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": not a place in the list", line);
		if (!(others ? apply_string(&d->others, &d->nothers, a, value)
		             : apply_string(&d->subjects, &d->nsubjects, a, value)))
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": a gap in the list", line);
		return ST_OK;
	}
	if (strncmp(name, "counterpart.", 12) == 0) {
		p = name + 12;
		if (!name_number(&p, name + len, 1, 99, &a) || !name_number(&p, name + len, 2, 99, &b) || p != name + len)
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": not a stage and an agency", line);
		if (!apply_counterpart(d, a, b, value))
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": the value cannot be read", line);
		return ST_OK;
	}
	for (size_t l = 0; l < NFIELDS(keyed_lists); l++) {
		const struct keyed_list *kl = &keyed_lists[l];
		size_t plen = strlen(kl->prefix);
		const struct field *f;
		void *e;

		if (len <= plen || strncmp(name, kl->prefix, plen) != 0 || name[plen] != '.')
			continue;
		p = name + plen + 1;
		if (!name_number(&p, name + len, 1, (long long)9e18, &a) || p >= name + len)
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": not a number and a field", line);
		if (!value && (size_t)(name + len - p) == 4 && memcmp(p, "gone", 4) == 0) {
			list_remove(kl, d, a);
			return ST_OK;
		}
		if (!(f = field_find(kl->fields, kl->nfields, p, (size_t)(name + len - p))))
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": no such field", line);
		if (!(e = list_get(kl, d, a)))
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": a gap in the list", line);
		if (!field_set(f, e, value))
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": the value cannot be read", line);
		return ST_OK;
	}
	return ST_NOTFOUND;
}

static enum status apply_line(struct dispute *d, char *line, struct error *err)
{
	char *eq = strchr(line, '='), *value = eq ? eq + 1 : NULL, *name = line;
	size_t len = eq ? (size_t)(eq - line) : strlen(line);
	const struct field *f;
	void *base = d;
	enum status rc;

	if (value && !unescape(value))
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": a broken escape", line);
	/* The lifecycle of invites has a replay of its own (journal_invite_apply). */
	if (strncmp(name, "invite.", 7) == 0)
		return ST_OK;
	if (strncmp(name, "stage.", 6) == 0) {
		char *end;
		long n;

		errno = 0;
		n = strtol(name + 6, &end, 10);
		if (errno || end == name + 6 || *end != '.' || n < 1 || n > 99)
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": not a stage", line);
		len -= (size_t)(end + 1 - name);
		name = end + 1;
		if (!value && len == 4 && memcmp(name, "gone", 4) == 0) {
			stage_remove(d, (int)n);
			return ST_OK;
		}
		if (!(f = field_find(stage_fields, NFIELDS(stage_fields), name, len)))
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": no such field", line);
		base = stage_get(d, (int)n);
	} else if ((rc = apply_list_line(d, line, name, len, value, err)) != ST_NOTFOUND) {
		return rc;
	} else if (!(f = field_find(dispute_fields, NFIELDS(dispute_fields), name, len))) {
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": no such field", line);
	}
	if (!field_set(f, base, value))
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": the value cannot be read", line);
	return ST_OK;
}

enum status journal_apply(struct dispute *d, const char *delta, struct error *err)
{
	char *copy = xstrdup(delta), *line = copy, *nl;
	enum status rc = ST_OK;

	for (; rc == ST_OK && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n'))) {
			rc = error_set(err, ST_INVALID, "journal state line \"%.40s\": not ended", line);
			break;
		}
		*nl = '\0';
		rc = apply_line(d, line, err);
	}
	free(copy);
	if (rc == ST_OK)
		d->current_stage = d->nstages ? d->stages[d->nstages - 1].number : 1;
	return rc;
}

/* Compares one field; on a difference writes it to out and returns false. */
static bool same_field(const char *prefix, const struct field *f, const void *a, const void *b, const char *a_name,
                       const char *b_name, char *out, size_t outlen)
{
	struct sb va = {0}, vb = {0};
	bool ha = field_get(f, a, &va), hb = field_get(f, b, &vb);
	bool same = ha == hb && (!ha || strcmp(va.s, vb.s) == 0);

	if (!same)
		snprintf(out, outlen, "%s%s: %s %s, %s %s", prefix, f->name, ha ? va.s : "(none)", a_name,
		         hb ? vb.s : "(none)", b_name);
	free(va.s);
	free(vb.s);
	return same;
}

static bool same_strings(const char *name, char *const *a, size_t na, char *const *b, size_t nb, const char *a_name,
                         const char *b_name, char *out, size_t outlen)
{
	for (size_t i = 0; i < na || i < nb; i++) {
		const char *va = i < na ? a[i] : NULL, *vb = i < nb ? b[i] : NULL;

		if (va && vb && strcmp(va, vb) == 0)
			continue;
		snprintf(out, outlen, "%s.%zu: %s %s, %s %s", name, i + 2, va ? va : "(none)", a_name, vb ? vb : "(none)",
		         b_name);
		return false;
	}
	return true;
}

static bool same_counterparts(const struct dispute *a, const struct dispute *b, const char *a_name, const char *b_name,
                              char *out, size_t outlen)
{
	const struct dispute *both[2] = { a, b };

	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < both[k]->ncounterparts; i++) {
			const struct counterpart *c = &both[k]->counterparts[i];
			const struct counterpart *ca = counterpart_find(a, c->stage, c->party);
			const struct counterpart *cb = counterpart_find(b, c->stage, c->party);
			char va[24] = "(none)", vb[24] = "(none)";

			if (ca && cb && ca->contact_id == cb->contact_id)
				continue;
			if (ca)
				snprintf(va, sizeof(va), "%lld", ca->contact_id);
			if (cb)
				snprintf(vb, sizeof(vb), "%lld", cb->contact_id);
			snprintf(out, outlen, "counterpart.%d.%d: %s %s, %s %s", c->stage, c->party, va, a_name, vb, b_name);
			return false;
		}
	}
	return true;
}

static bool same_lists(const struct dispute *a, const struct dispute *b, const char *a_name, const char *b_name,
                       char *out, size_t outlen)
{
	char prefix[48];

	for (size_t l = 0; l < NFIELDS(keyed_lists); l++) {
		const struct keyed_list *kl = &keyed_lists[l];
		size_t na = *list_count(kl, a), nb = *list_count(kl, b);

		for (size_t i = 0; i < na || i < nb; i++) {
			long long ka = i < na ? list_key(kl, a, i) : -1, kb = i < nb ? list_key(kl, b, i) : -1;

			if (ka != kb) {
				bool in_a = ka >= 0 && (kb < 0 || ka < kb);

				snprintf(out, outlen, "%s.%lld: held %s, not %s", kl->prefix, in_a ? ka : kb,
				         in_a ? a_name : b_name, in_a ? b_name : a_name);
				return false;
			}
			snprintf(prefix, sizeof(prefix), "%s.%lld.", kl->prefix, ka);
			for (size_t f = 0; f < kl->nfields; f++)
				if (!same_field(prefix, &kl->fields[f], list_elem(kl, a, i), list_elem(kl, b, i), a_name, b_name,
				                out, outlen))
					return false;
		}
	}
	return true;
}

bool journal_same(const struct dispute *a, const struct dispute *b, const char *a_name, const char *b_name,
                  char *out, size_t outlen)
{
	char prefix[32];

	for (size_t i = 0; i < NFIELDS(dispute_fields); i++)
		if (!same_field("", &dispute_fields[i], a, b, a_name, b_name, out, outlen))
			return false;
	for (size_t s = 0; s < a->nstages || s < b->nstages; s++) {
		const struct stage *sa = s < a->nstages ? &a->stages[s] : NULL;
		const struct stage *sb = s < b->nstages ? &b->stages[s] : NULL;

		if (!sa || !sb || sa->number != sb->number) {
			int n = sa && sb ? (sa->number < sb->number ? sa->number : sb->number) : sa ? sa->number : sb->number;
			bool in_a = stage_find(a, n) != NULL;

			snprintf(out, outlen, "stage %d: %s %s, %s %s", n, in_a ? "started" : "not started", a_name,
			         in_a ? "not started" : "started", b_name);
			return false;
		}
		snprintf(prefix, sizeof(prefix), "stage.%d.", sa->number);
		for (size_t i = 0; i < NFIELDS(stage_fields); i++)
			if (!same_field(prefix, &stage_fields[i], sa, sb, a_name, b_name, out, outlen))
				return false;
	}
	if (a->current_stage != b->current_stage) {
		snprintf(out, outlen, "current stage: %d %s, %d %s", a->current_stage, a_name, b->current_stage, b_name);
		return false;
	}
	return same_strings("against", a->others, a->nothers, b->others, b->nothers, a_name, b_name, out, outlen) &&
	       same_strings("subject", a->subjects, a->nsubjects, b->subjects, b->nsubjects, a_name, b_name, out,
	                    outlen) &&
	       same_counterparts(a, b, a_name, b_name, out, outlen) && same_lists(a, b, a_name, b_name, out, outlen);
}

/* ---- the invite lifecycle ---- */

char *journal_invite_delta(const struct itip_sent *before, const struct itip_sent *after)
{
	struct sb out = {0};
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "invite.%d.", after->stage);
	sb_printf(&out, "%sto=", prefix);
	put_escaped(&out, after->attendee ? after->attendee : "");
	sb_append(&out, "\n");
	for (size_t i = 0; i < NFIELDS(invite_fields); i++)
		delta_field(&out, prefix, &invite_fields[i], before, after, false);
	return sb_take(&out);
}

/* Applies one "invite.N.name[=value]" line; *row is the row its "to" line
 * chose, NULL before one. */
static enum status invite_line(struct itip_log *log, struct itip_sent **row, char *line, struct error *err)
{
	char *eq = strchr(line, '='), *value = eq ? eq + 1 : NULL, *name, *end;
	size_t len;
	const struct field *f;
	long n;

	if (value && !unescape(value))
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": a broken escape", line);
	errno = 0;
	n = strtol(line + 7, &end, 10);
	if (errno || end == line + 7 || *end != '.' || n < 1 || n > 99)
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": not a stage", line);
	name = end + 1;
	len = eq ? (size_t)(eq - name) : strlen(name);
	if (len == 2 && memcmp(name, "to", 2) == 0) {
		if (!value || !*value)
			return error_set(err, ST_INVALID, "journal state line \"%.40s\": no attendee", line);
		*row = itip_log_get(log, (int)n, value);
		return ST_OK;
	}
	if (!*row || (*row)->stage != n)
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": no invite.%ld.to line before it", line, n);
	if (!(f = field_find(invite_fields, NFIELDS(invite_fields), name, len)))
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": no such field", line);
	if (!field_set(f, *row, value))
		return error_set(err, ST_INVALID, "journal state line \"%.40s\": the value cannot be read", line);
	return ST_OK;
}

enum status journal_invite_apply(struct itip_log *log, const char *delta, struct error *err)
{
	char *copy = xstrdup(delta), *line = copy, *nl;
	struct itip_sent *row = NULL;
	enum status rc = ST_OK;

	for (; rc == ST_OK && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n'))) {
			rc = error_set(err, ST_INVALID, "journal state line \"%.40s\": not ended", line);
			break;
		}
		*nl = '\0';
		if (strncmp(line, "invite.", 7) == 0)
			rc = invite_line(log, &row, line, err);
	}
	free(copy);
	return rc;
}

bool journal_invite_same(const struct itip_sent *a, const struct itip_sent *b, const char *a_name,
                         const char *b_name, char *out, size_t outlen)
{
	char prefix[300];

	snprintf(prefix, sizeof(prefix), "invite for stage %d to %s: ", a->stage, a->attendee ? a->attendee : "?");
	for (size_t i = 0; i < NFIELDS(invite_fields); i++)
		if (!same_field(prefix, &invite_fields[i], a, b, a_name, b_name, out, outlen))
			return false;
	return true;
}
