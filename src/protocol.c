/* Protocol rules in memory: limit phrases, due dates, stage and category look-ups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/protocol.h"

/* The largest count a limit phrase may carry; anything bigger is a typo. */
#define LIMIT_MAX 999

/* When an hour limit starts on a day with no time, it starts at 09:00. */
#define DAY_START_MINUTE (9 * 60)

static const char limit_expected[] =
	"expected 'N working days', 'N hours', 'agreed, at most N working days', "
	"'N months' or 'without delay'";

/* One accepted shape: prefix, a count, then one of two suffixes. */
struct limit_form {
	const char *prefix;
	const char *plural;
	const char *singular;
	enum limit_kind kind;
};

static const struct limit_form limit_forms[] = {
	{ "", " working days", " working day", LIMIT_WORKDAYS },
	{ "", " hours", " hour", LIMIT_HOURS },
	{ "", " months", " month", LIMIT_MONTHS },
	{ "agreed, at most ", " working days", " working day", LIMIT_AGREED },
	{ "agreed at most ", " working days", " working day", LIMIT_AGREED },
};

static const char *const limit_none_words[] = {
	"without delay", "none", "no limit", "no limit (without delay)",
};

/* Copies s into out lower-cased, trimmed, with white-space runs as one
 * space.  Returns false when it does not fit. */
static bool limit_normalise(const char *s, char *out, size_t outlen)
{
	size_t n = 0;
	bool space = false;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = n > 0;
			continue;
		}
		if (space) {
			if (n + 1 >= outlen)
				return false;
			out[n++] = ' ';
			space = false;
		}
		if (n + 1 >= outlen)
			return false;
		out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	out[n] = '\0';
	return true;
}

/* Matches s against form; on a match sets *n (possibly out of range) and
 * returns true. */
static bool limit_match(const char *s, const struct limit_form *form, long *n)
{
	size_t plen = strlen(form->prefix);
	const char *p;
	long v = 0;
	int digits = 0;

	if (strncmp(s, form->prefix, plen) != 0)
		return false;
	p = s + plen;
	while (*p >= '0' && *p <= '9') {
		if (v <= LIMIT_MAX)
			v = v * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (!digits)
		return false;
	if (strcmp(p, form->plural) != 0 && strcmp(p, form->singular) != 0)
		return false;
	*n = v;
	return true;
}

/* Writes at most max bytes of s into a quoted excerpt, not splitting a
 * UTF-8 sequence. */
static void limit_excerpt(const char *s, char *out, size_t outlen)
{
	size_t max = outlen > 4 ? outlen - 4 : 0, n = strlen(s);

	if (n <= max) {
		snprintf(out, outlen, "%s", s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	snprintf(out, outlen, "%.*s...", (int)max, s);
}

bool limit_parse(const char *s, struct limit *out, struct error *err)
{
	char norm[96], shown[72];
	long n = 0;

	if (!s)
		s = "";
	if (limit_normalise(s, norm, sizeof(norm))) {
		for (size_t i = 0; i < sizeof(limit_none_words) / sizeof(limit_none_words[0]); i++) {
			if (strcmp(norm, limit_none_words[i]) == 0) {
				out->kind = LIMIT_NONE;
				out->n = 0;
				return true;
			}
		}
		for (size_t i = 0; i < sizeof(limit_forms) / sizeof(limit_forms[0]); i++) {
			if (!limit_match(norm, &limit_forms[i], &n))
				continue;
			if (n < 1 || n > LIMIT_MAX) {
				error_set(err, ST_INVALID, "the number must be from 1 to %d, got '%s'",
				          LIMIT_MAX, norm);
				return false;
			}
			out->kind = limit_forms[i].kind;
			out->n = (int)n;
			return true;
		}
	}
	limit_excerpt(s, shown, sizeof(shown));
	error_set(err, ST_INVALID, "%s, got '%s'", limit_expected, shown);
	return false;
}

char *limit_describe(const struct limit *l, char *out, size_t outlen)
{
	const char *plural = l->n == 1 ? "" : "s";

	if (!outlen)
		return out;
	switch (l->kind) {
	case LIMIT_WORKDAYS:
		snprintf(out, outlen, "%d working day%s", l->n, plural);
		break;
	case LIMIT_HOURS:
		snprintf(out, outlen, "%d hour%s", l->n, plural);
		break;
	case LIMIT_AGREED:
		snprintf(out, outlen, "agreed, at most %d working day%s", l->n, plural);
		break;
	case LIMIT_MONTHS:
		snprintf(out, outlen, "%d month%s", l->n, plural);
		break;
	case LIMIT_NONE:
	default:
		snprintf(out, outlen, "no limit (without delay)");
		break;
	}
	return out;
}

enum status limit_due(const struct limit *l, const struct calendar *cal, const char *division,
                      long start, int minute, long *due, int *due_minute, struct error *err)
{
	long total;

	*due = DATE_NONE;
	*due_minute = TIME_NONE;
	if (l->kind == LIMIT_NONE)
		return ST_OK;
	if (start == DATE_NONE)
		return error_set(err, ST_INVALID, "a due date needs a start date");
	if (minute != TIME_NONE && (minute < 0 || minute >= 24 * 60))
		return error_set(err, ST_INVALID, "time of day out of range (%d minutes)", minute);
	if (l->n < 1 || l->n > LIMIT_MAX)
		return error_set(err, ST_INVALID, "limit count out of range (%d)", l->n);
	switch (l->kind) {
	case LIMIT_WORKDAYS:
	case LIMIT_AGREED:
		if (!cal)
			return error_set(err, ST_INVALID, "working days need a calendar");
		return workdays_add(cal, division, start, l->n, due, err);
	case LIMIT_HOURS:
		total = (minute == TIME_NONE ? DAY_START_MINUTE : minute) + (long)l->n * 60;
		*due = start + total / (24 * 60);
		*due_minute = (int)(total % (24 * 60));
		return ST_OK;
	case LIMIT_MONTHS:
		*due = date_add_months(start, l->n);
		return ST_OK;
	case LIMIT_NONE:
	default:
		return ST_OK;
	}
}

static void stage_rule_free(struct stage_rule *s)
{
	free(s->name);
	free(s->ours);
	free(s->theirs);
	free(s->then);
	free(s->record);
	free(s->notice);
}

static void route_free(struct route *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->when);
	free(r->notice);
	for (size_t i = 0; i < r->nstages; i++)
		stage_rule_free(&r->stages[i]);
	free(r->stages);
	free(r);
}

void protocol_free(struct protocol *p)
{
	if (!p)
		return;
	free(p->id);
	free(p->path);
	free(p->title);
	free(p->partnership);
	free(p->source);
	free(p->population);
	free(p->division);
	free(p->scope);
	for (size_t i = 0; i < p->nstages; i++)
		stage_rule_free(&p->stages[i]);
	free(p->stages);
	for (size_t i = 0; i < p->nspans; i++)
		free(p->spans[i].name);
	free(p->spans);
	route_free(p->urgent);
	for (size_t i = 0; i < p->ncategories; i++) {
		free(p->categories[i].key);
		free(p->categories[i].label);
	}
	free(p->categories);
	for (size_t i = 0; i < p->nnotices; i++)
		free(p->notices[i]);
	free(p->notices);
	free(p);
}

void protocol_set_init(struct protocol_set *set)
{
	memset(set, 0, sizeof(*set));
}

void protocol_set_free(struct protocol_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		protocol_free(set->v[i]);
	free(set->v);
	for (size_t i = 0; i < set->nproblems; i++)
		free(set->problems[i]);
	free(set->problems);
	protocol_set_init(set);
}

const struct protocol *protocol_set_find(const struct protocol_set *set, const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (ascii_casecmp(set->v[i]->id, id) == 0)
			return set->v[i];
	return NULL;
}

const struct stage_rule *protocol_stages(const struct protocol *p, bool urgent, size_t *n)
{
	if (urgent && p->urgent && !p->urgent->same_stages) {
		*n = p->urgent->nstages;
		return p->urgent->stages;
	}
	*n = p->nstages;
	return p->stages;
}

const struct stage_rule *protocol_stage_rule(const struct protocol *p, bool urgent, int number)
{
	const struct stage_rule *rules;
	size_t n;

	if (!p)
		return NULL;
	rules = protocol_stages(p, urgent, &n);
	return number >= 1 && (size_t)number <= n ? &rules[number - 1] : NULL;
}

const struct category *protocol_category(const struct protocol *p, const char *key_or_label)
{
	if (!key_or_label)
		return NULL;
	for (size_t i = 0; i < p->ncategories; i++)
		if (ascii_casecmp(p->categories[i].key, key_or_label) == 0)
			return &p->categories[i];
	for (size_t i = 0; i < p->ncategories; i++)
		if (ascii_casecmp(p->categories[i].label, key_or_label) == 0)
			return &p->categories[i];
	return NULL;
}
