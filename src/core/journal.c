/* A dispute's state as journal lines: the fields an event changed, applied again in order to replay the state from the journal alone. */
#include <errno.h>
#include <stddef.h>
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

/* Appends v in decimal: by hand, as a journal of many disputes (an
 * import) formats numbers by the hundred thousand. */
static void put_int(struct sb *out, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	sb_appendn(out, p, (size_t)(buf + sizeof(buf) - p));
}

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
		put_int(out, m);
		return true;
	}
	case F_INT:
		put_int(out, *(const int *)(const void *)p);
		return true;
	case F_NUM: {
		int v = *(const int *)(const void *)p;
		if (!v)
			return false;
		put_int(out, v);
		return true;
	}
	case F_ID: {
		long long id = *(const long long *)(const void *)p;
		if (!id)
			return false;
		put_int(out, id);
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

static enum status apply_line(struct dispute *d, char *line, struct error *err)
{
	char *eq = strchr(line, '='), *value = eq ? eq + 1 : NULL, *name = line;
	size_t len = eq ? (size_t)(eq - line) : strlen(line);
	const struct field *f;
	void *base = d;

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
	return true;
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
