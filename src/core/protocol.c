/* Protocol rules in memory: limit phrases, due dates, stage look-ups, and finding a category from what a person typed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/protocol.h"
#include "dispute/text.h"

/* The largest count of each unit a limit may carry.  A protocol's stages
 * take days or weeks and its spans a month; beyond a year of working days
 * (52 weeks of five), a week of hours or a year of months a number is a typo,
 * and one that loaded would only fail later, at a deadline counted past the
 * years the bank-holiday data covers. */
#define MAX_WORKDAYS 260
#define MAX_HOURS 168
#define MAX_MONTHS 12

/* Digits beyond this are not accumulated, so a long run cannot overflow. */
#define DIGITS_CAP 100000

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

/* The largest count of a kind, and the unit it counts (for messages). */
static int limit_max(enum limit_kind kind, const char **unit)
{
	switch (kind) {
	case LIMIT_WORKDAYS:
	case LIMIT_AGREED:
		*unit = "working days";
		return MAX_WORKDAYS;
	case LIMIT_HOURS:
		*unit = "hours";
		return MAX_HOURS;
	case LIMIT_MONTHS:
		*unit = "months";
		return MAX_MONTHS;
	case LIMIT_NONE:
	default:
		*unit = "";
		return 0;
	}
}

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
		if (v < DIGITS_CAP)
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
	const char *unit;
	long n = 0;
	int max;

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
			max = limit_max(limit_forms[i].kind, &unit);
			if (n < 1 || n > max) {
				error_set(err, ST_INVALID, "the number of %s must be from 1 to %d, got '%s'",
				          unit, max, norm);
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
	const char *unit;
	int max = limit_max(l->kind, &unit);
	long total;

	*due = DATE_NONE;
	*due_minute = TIME_NONE;
	if (l->kind == LIMIT_NONE)
		return ST_OK;
	if (start == DATE_NONE)
		return error_set(err, ST_INVALID, "a due date needs a start date");
	if (minute != TIME_NONE && (minute < 0 || minute >= 24 * 60))
		return error_set(err, ST_INVALID, "time of day out of range (%d minutes)", minute);
	if (l->n < 1 || l->n > max)
		return error_set(err, ST_INVALID, "limit count out of range (%d %s)", l->n, unit);
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
	case LIMIT_MONTHS: {
		/* The same date n months on (the month's last day where there is
		 * no such date); a day that is not a working day gives way to the
		 * working day before it (DOMAIN.md, Sunderland's month). */
		bool work = false;
		enum status rc;

		*due = date_add_months(start, l->n);
		if (!cal)
			return ST_OK;
		while ((rc = calendar_is_workday(cal, division, *due, &work, err)) == ST_OK && !work && *due > start)
			(*due)--;
		return rc;
	}
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
	free(s->parties);
	free(s->arbiter);
	free(s->response);
	for (size_t i = 0; i < s->nactions; i++)
		free(s->actions[i]);
	free(s->actions);
}

static void route_free(struct route *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->when);
	free(r->notice);
	free(r->inform);
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
	free(p->timezone);
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
	free(p->body);
	for (size_t i = 0; i < p->naliases; i++)
		free(p->aliases[i]);
	free(p->aliases);
	for (size_t i = 0; i < p->nactions; i++)
		free(p->actions[i]);
	free(p->actions);
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

bool protocol_timezone_ok(const char *name)
{
	const char *part = name;

	if (!name || !*name || strlen(name) > 64)
		return false;
	for (const char *p = name;; p++) {
		if (*p == '/' || !*p) {
			/* No empty part, and none that could be "." or ".." of a path. */
			if (p == part || *part == '.' || *part == '-')
				return false;
			if (!*p)
				return true;
			part = p + 1;
		} else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		             *p == '_' || *p == '-' || *p == '+' || *p == '.')) {
			return false;
		}
	}
}

const struct protocol *protocol_set_find(const struct protocol_set *set, const char *id)
{
	if (!id)
		return NULL;
	/* Spelt as the file spells it (nearly always), found at once; a list
	 * asks for each dispute it shows. */
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->id, id) == 0)
			return set->v[i];
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

const struct category *protocol_category(const struct protocol *p, const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < p->ncategories; i++)
		if (ascii_casecmp(p->categories[i].key, key) == 0)
			return &p->categories[i];
	return NULL;
}

/* A prefix stands for a word only from this many letters: "act" finds
 * "action", but "a" or "of" must be whole words. */
#define CATEGORY_PREFIX_MIN 3

/* How many bytes of what was typed a refusal quotes. */
#define CATEGORY_QUOTE_MAX 60

/* The rules of protocol_category_find, in the order they are tried. */
enum category_rule {
	CR_KEY,          /* the text, run together, is a key run together */
	CR_LABEL,        /* ... is a label run together */
	CR_WORDS,        /* every word of the text is a word of the key or label */
	CR_PREFIXES,     /* ... or the start of one */
	CR_COUNT
};

/* One category's key and label as text_fold_words gives them. */
struct category_folded {
	char *key, *label;  /* "information sharing", "communication and information sharing" */
	char *key_run, *label_run;  /* the same without spaces */
	char *words;        /* key and label together */
};

/* Returns a new copy of s without its spaces. */
static char *run_together(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s; s++)
		if (*s != ' ')
			*o++ = *s;
	*o = '\0';
	return out;
}

static void category_fold(const struct category *c, struct category_folded *f)
{
	f->key = text_fold_words(c->key);
	f->label = text_fold_words(c->label);
	f->key_run = run_together(f->key);
	f->label_run = run_together(f->label);
	f->words = xasprintf("%s %s", f->key, f->label);
}

static void category_folded_free(struct category_folded *f)
{
	free(f->key);
	free(f->label);
	free(f->key_run);
	free(f->label_run);
	free(f->words);
}

/* Characters, not bytes, in s[0..n): a Welsh or Greek prefix counts its letters. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	return chars;
}

/* Whether word[0..n) is one of the space-separated words, or, with prefix,
 * the start of one. */
static bool words_have(const char *words, const char *word, size_t n, bool prefix)
{
	for (const char *w = words; *w;) {
		size_t len = strcspn(w, " ");

		if ((len == n || (prefix && len > n)) && memcmp(w, word, n) == 0)
			return true;
		w += len;
		w += *w == ' ';
	}
	return false;
}

/* Whether every word of want is a word of words (or, with prefix, the start
 * of one, for words of CATEGORY_PREFIX_MIN letters or more). */
static bool words_all(const char *words, const char *want, bool prefix)
{
	for (const char *w = want; *w;) {
		size_t n = strcspn(w, " ");

		if (!words_have(words, w, n, prefix && utf8_chars(w, n) >= CATEGORY_PREFIX_MIN))
			return false;
		w += n;
		w += *w == ' ';
	}
	return true;
}

/* Whether the category folded as f matches the folded text under rule. */
static bool category_rule_matches(enum category_rule rule, const struct category_folded *f,
                                  const char *want, const char *want_run)
{
	switch (rule) {
	case CR_KEY:
		return strcmp(f->key_run, want_run) == 0;
	case CR_LABEL:
		return strcmp(f->label_run, want_run) == 0;
	case CR_WORDS:
		return words_all(f->words, want, false);
	case CR_PREFIXES:
		return words_all(f->words, want, true);
	case CR_COUNT:
	default:
		return false;
	}
}

/* Appends "key (Label), key (Label)<last>key (Label)" for the categories
 * marked in mark (or, with unmarked, those not marked; all when mark is
 * NULL), keeping sb within limit bytes: a protocol with very many
 * categories ends with "and N more". */
static void category_list(struct sb *sb, const struct protocol *p, const bool *mark, bool unmarked,
                          const char *last, size_t limit)
{
	size_t total = 0, shown = 0;

	for (size_t i = 0; i < p->ncategories; i++)
		total += !mark || mark[i] != unmarked;
	for (size_t i = 0; i < p->ncategories && shown < total; i++) {
		const struct category *c = &p->categories[i];
		const char *sep = shown == 0 ? "" : shown + 1 == total ? last : ", ";

		if (mark && mark[i] == unmarked)
			continue;
		/* room for this one and for a closing " and N more" */
		if (sb->len + strlen(sep) + strlen(c->key) + strlen(c->label) + 3 + 32 > limit) {
			sb_printf(sb, " and %zu more", total - shown);
			return;
		}
		sb_printf(sb, "%s%s (%s)", sep, c->key, c->label);
		shown++;
	}
}

/* Fills err with the refusal for text: ambiguous between the categories
 * marked in hit (nhit of them), or unknown when nhit is 0. */
static enum status category_refuse(const struct protocol *p, const char *text, const bool *hit,
                                   size_t nhit, struct error *err)
{
	char *clean = text_sanitize(text, false);
	size_t len = strlen(clean), limit = sizeof(err->msg) - 1;
	struct sb sb = {0}, quote = {0};

	/* A long paste is quoted in part, cut between characters. */
	if (len > CATEGORY_QUOTE_MAX) {
		len = CATEGORY_QUOTE_MAX;
		while (len > 0 && ((unsigned char)clean[len] & 0xC0) == 0x80)
			len--;
	}
	sb_printf(&quote, "\"%.*s%s\"", (int)len, clean, clean[len] ? "..." : "");
	/* Every category is named once, so the user can pick from the message. */
	if (nhit) {
		sb_printf(&sb, "category %s is ambiguous in %s: it could be ", quote.s, p->id);
		category_list(&sb, p, hit, false, " or ", limit / 2);
		if (nhit < p->ncategories) {
			sb_append(&sb, "; the other categories are: ");
			category_list(&sb, p, hit, true, " and ", limit);
		}
	} else if (p->ncategories) {
		sb_printf(&sb, "unknown category %s in %s; the categories are: ", quote.s, p->id);
		category_list(&sb, p, NULL, false, " and ", limit);
	} else {
		sb_printf(&sb, "unknown category %s: %s has no categories", quote.s, p->id);
	}
	error_set(err, ST_INVALID, "%s", sb.s);
	free(sb.s);
	free(quote.s);
	free(clean);
	return ST_INVALID;
}

enum status protocol_category_find(const struct protocol *p, const char *text,
                                   const struct category **out, struct error *err)
{
	const struct category *exact = protocol_category(p, text);
	struct category_folded *f;
	char *want, *want_run;
	bool *hit;
	size_t nhit = 0, found = 0;
	enum status rc;

	*out = NULL;
	if (!text)
		text = "";
	/* A key as stored always finds its own category, even if another key
	 * runs together the same ("a-b" and "ab"). */
	if (exact) {
		*out = exact;
		return ST_OK;
	}
	want = text_fold_words(text);
	want_run = run_together(want);
	f = xcalloc(p->ncategories + 1, sizeof(*f));
	hit = xcalloc(p->ncategories + 1, sizeof(*hit));
	for (size_t i = 0; i < p->ncategories; i++)
		category_fold(&p->categories[i], &f[i]);
	/* Text with no letters or digits would match every category's words. */
	for (enum category_rule r = 0; *want && r < CR_COUNT && !nhit; r++) {
		for (size_t i = 0; i < p->ncategories; i++) {
			hit[i] = category_rule_matches(r, &f[i], want, want_run);
			if (hit[i]) {
				nhit++;
				found = i;
			}
		}
	}
	if (nhit == 1) {
		*out = &p->categories[found];
		rc = ST_OK;
	} else {
		rc = category_refuse(p, text, hit, nhit, err);
	}
	for (size_t i = 0; i < p->ncategories; i++)
		category_folded_free(&f[i]);
	free(f);
	free(hit);
	free(want);
	free(want_run);
	return rc;
}
