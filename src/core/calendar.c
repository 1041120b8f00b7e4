/* Working-day arithmetic over bank holidays of a division and the user's closure days. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/calendar.h"
#include "dispute/date.h"

/* ---- the standing rules ---- */

/* The divisions whose bank holidays follow known standing rules. */
enum cal_rules { RULES_NONE, RULES_EW, RULES_SCOTLAND, RULES_NI };

/* At most this many holidays in a year by the rules (Scotland's nine and
 * Northern Ireland's ten, their substitutes taking their places). */
#define RULE_MAX 16

struct cal_rule_year {
	int year;
	int n;
	long days[RULE_MAX];            /* sorted */
	const char *titles[RULE_MAX];   /* static */
};

struct cal_rule_cache {
	struct cal_rule_year *v;
	size_t n;
};

static enum cal_rules rules_for(const char *name)
{
	if (!ascii_casecmp(name, "england-and-wales"))
		return RULES_EW;
	if (!ascii_casecmp(name, "scotland"))
		return RULES_SCOTLAND;
	if (!ascii_casecmp(name, "northern-ireland"))
		return RULES_NI;
	return RULES_NONE;
}

/* Easter Sunday (the anonymous Gregorian computus). */
static long easter_sunday(int y)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451, month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
	long out = 0;

	date_from_ymd(y, month, day, &out);
	return out;
}

/* The first Monday of the month, or with last, the last one. */
static long monday_of(int y, int month, bool last)
{
	long day = 0;

	if (last) {
		date_from_ymd(month == 12 ? y + 1 : y, month == 12 ? 1 : month + 1, 1, &day);
		day--;
		return day - date_weekday(day);
	}
	date_from_ymd(y, month, 1, &day);
	return day + (7 - date_weekday(day)) % 7;
}

static bool rule_taken(const struct cal_rule_year *ry, long day)
{
	for (int i = 0; i < ry->n; i++)
		if (ry->days[i] == day)
			return true;
	return false;
}

static void rule_add(struct cal_rule_year *ry, long day, const char *title)
{
	if (ry->n < RULE_MAX) {
		ry->days[ry->n] = day;
		ry->titles[ry->n++] = title;
	}
}

/* The year's holidays by the rules of r: the movable ones, the fixed dates
 * that fall on a weekday, then each fixed date on a weekend (in date order)
 * moved to the next weekday that is not already a holiday, so Christmas on
 * a Saturday and Boxing Day on the Sunday give the Monday and Tuesday. */
static void rules_compute(enum cal_rules r, int y, struct cal_rule_year *ry)
{
	static const struct {
		int month, day;
		unsigned in;            /* bit per enum cal_rules */
		const char *title, *substitute;
	} fixed[] = {
		{ 1, 1, 1u << RULES_EW | 1u << RULES_SCOTLAND | 1u << RULES_NI,
		  "New Year\u2019s Day", "New Year\u2019s Day (substitute day)" },
		{ 1, 2, 1u << RULES_SCOTLAND, "2nd January", "2nd January (substitute day)" },
		{ 3, 17, 1u << RULES_NI, "St Patrick\u2019s Day", "St Patrick\u2019s Day (substitute day)" },
		{ 7, 12, 1u << RULES_NI, "Battle of the Boyne (Orangemen\u2019s Day)",
		  "Battle of the Boyne (Orangemen\u2019s Day) (substitute day)" },
		{ 11, 30, 1u << RULES_SCOTLAND, "St Andrew\u2019s Day", "St Andrew\u2019s Day (substitute day)" },
		{ 12, 25, 1u << RULES_EW | 1u << RULES_SCOTLAND | 1u << RULES_NI,
		  "Christmas Day", "Christmas Day (substitute day)" },
		{ 12, 26, 1u << RULES_EW | 1u << RULES_SCOTLAND | 1u << RULES_NI,
		  "Boxing Day", "Boxing Day (substitute day)" },
	};
	long easter = easter_sunday(y), day;

	memset(ry, 0, sizeof(*ry));
	ry->year = y;
	rule_add(ry, easter - 2, "Good Friday");
	if (r != RULES_SCOTLAND)
		rule_add(ry, easter + 1, "Easter Monday");
	rule_add(ry, monday_of(y, 5, false), "Early May bank holiday");
	rule_add(ry, monday_of(y, 5, true), "Spring bank holiday");
	rule_add(ry, monday_of(y, 8, r != RULES_SCOTLAND), "Summer bank holiday");
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if ((fixed[i].in & 1u << r) && date_from_ymd(y, fixed[i].month, fixed[i].day, &day) &&
		    date_weekday(day) < 5)
			rule_add(ry, day, fixed[i].title);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!(fixed[i].in & 1u << r) || !date_from_ymd(y, fixed[i].month, fixed[i].day, &day) ||
		    date_weekday(day) < 5)
			continue;
		while (date_weekday(day) >= 5 || rule_taken(ry, day))
			day++;
		rule_add(ry, day, fixed[i].substitute);
	}
	/* sorted, for the titles to come out in order */
	for (int i = 1; i < ry->n; i++)
		for (int j = i; j > 0 && ry->days[j - 1] > ry->days[j]; j--) {
			long t = ry->days[j];
			const char *tt = ry->titles[j];

			ry->days[j] = ry->days[j - 1];
			ry->titles[j] = ry->titles[j - 1];
			ry->days[j - 1] = t;
			ry->titles[j - 1] = tt;
		}
}

/* The rule year y of the division, worked out once and kept. */
static const struct cal_rule_year *rule_year(const struct cal_division *dv, int y)
{
	struct cal_rule_cache *c = dv->cache;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].year == y)
			return &c->v[i];
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	rules_compute((enum cal_rules)dv->rules, y, &c->v[c->n]);
	return &c->v[c->n++];
}

static bool in_table(const struct cal_division *dv, int year)
{
	return dv->n && year >= dv->first_year && year <= dv->last_year;
}

void calendar_init(struct calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
}

static void count_workdays(const struct calendar *cal, struct cal_division *dv);
static const char *holiday_on(const struct cal_division *dv, long day);

static void division_free(struct cal_division *dv)
{
	for (size_t i = 0; i < dv->n; i++)
		free(dv->titles[i]);
	free(dv->titles);
	free(dv->days);
	free(dv->cum);
	free(dv->name);
	if (dv->cache)
		free(dv->cache->v);
	free(dv->cache);
}

void calendar_free(struct calendar *cal)
{
	if (!cal->view) {
		for (size_t i = 0; i < cal->ndiv; i++)
			division_free(&cal->div[i]);
		free(cal->div);
	}
	free(cal->closures);
	for (size_t i = 0; cal->extra && i < cal->ndiv; i++)
		free(cal->extra[i].days);
	free(cal->extra);
	for (size_t i = 0; i < cal->nagency_closures; i++)
		free(cal->agency_closures[i].agency);
	free(cal->agency_closures);
	calendar_init(cal);
}

static struct cal_division *division_find(const struct calendar *cal, const char *name)
{
	/* Spelt as the table spells it (nearly always), found at once; a
	 * list asks for each dispute it shows. */
	for (size_t i = 0; i < cal->ndiv; i++)
		if (!strcmp(cal->div[i].name, name))
			return &cal->div[i];
	for (size_t i = 0; i < cal->ndiv; i++)
		if (!ascii_casecmp(cal->div[i].name, name))
			return &cal->div[i];
	return NULL;
}

/* Appends a holiday; takes ownership of title.  Sorting waits for division_finish. */
static void division_add(struct calendar *cal, const char *name, long day, char *title)
{
	struct cal_division *dv = division_find(cal, name);

	if (!dv) {
		cal->div = xrealloc(cal->div, (cal->ndiv + 1) * sizeof(*cal->div));
		dv = &cal->div[cal->ndiv++];
		memset(dv, 0, sizeof(*dv));
		dv->name = xstrdup(name);
		dv->rules = rules_for(name);
		dv->cache = xcalloc(1, sizeof(*dv->cache));
	}
	if (dv->n == dv->cap) {
		dv->cap = dv->cap ? dv->cap * 2 : 16;
		dv->days = xrealloc(dv->days, dv->cap * sizeof(*dv->days));
		dv->titles = xrealloc(dv->titles, dv->cap * sizeof(*dv->titles));
	}
	dv->days[dv->n] = day;
	dv->titles[dv->n] = title;
	dv->n++;
}

struct holiday {
	long day;
	size_t seq;
	char *title;
};

static int holiday_cmp(const void *pa, const void *pb)
{
	const struct holiday *a = pa, *b = pb;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sorts a division's days, keeps the first title given for a repeated day,
 * and recomputes the covered years. */
static void division_finish(struct cal_division *dv)
{
	struct holiday *h = xmalloc(dv->n * sizeof(*h));
	size_t i, k = 0;
	int d;

	for (i = 0; i < dv->n; i++)
		h[i] = (struct holiday){dv->days[i], i, dv->titles[i]};
	qsort(h, dv->n, sizeof(*h), holiday_cmp);
	for (i = 0; i < dv->n; i++) {
		if (k && dv->days[k - 1] == h[i].day) {
			free(h[i].title);
			continue;
		}
		dv->days[k] = h[i].day;
		dv->titles[k++] = h[i].title;
	}
	dv->n = k;
	free(h);
	date_to_ymd(dv->days[0], &dv->first_year, &d, &d);
	date_to_ymd(dv->days[dv->n - 1], &dv->last_year, &d, &d);
}

/* Copies one CSV field starting at *p (before end) and advances past its comma.
 * A field may be double-quoted with "" standing for a quote.  Returns a new
 * string (caller frees), or NULL when a quoted field is malformed. */
static char *holiday_field(const char **p, const char *end, bool *more)
{
	const char *s = *p;
	struct sb sb = {0};

	if (s < end && *s == '"') {
		for (s++;; s++) {
			if (s >= end) {
				free(sb.s);
				return NULL;
			}
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"') {
					sb_appendn(&sb, "\"", 1);
					s++;
					continue;
				}
				s++;
				break;
			}
			sb_appendn(&sb, s, 1);
		}
		if (s < end && *s != ',') {
			free(sb.s);
			return NULL;
		}
	} else {
		const char *c = memchr(s, ',', (size_t)(end - s));
		sb_appendn(&sb, s, (size_t)((c ? c : end) - s));
		s = c ? c : end;
	}
	*more = s < end;
	*p = s < end ? s + 1 : s;
	return sb_take(&sb);
}

static enum status parse_line(struct calendar *cal, const char *s, const char *end,
                              const char *name, size_t lineno, struct error *err)
{
	static const char *const what[3] = {"date", "division", "title"};
	char *f[3] = {NULL, NULL, NULL};
	enum status rc = ST_OK;
	bool more = true;
	long day;
	int i;

	/* An unquoted title runs to the end of the line, commas and all. */
	for (i = 0; i < 3 && more; i++) {
		if (i == 2 && (s == end || *s != '"')) {
			f[i] = xstrndup(s, (size_t)(end - s));
			more = false;
		} else if (!(f[i] = holiday_field(&s, end, &more))) {
			rc = error_set(err, ST_INVALID, "%s:%zu: badly quoted %s", name,
			               lineno, what[i]);
			goto out;
		}
	}
	if (more) {
		rc = error_set(err, ST_INVALID, "%s:%zu: unexpected text after the title", name,
		               lineno);
		goto out;
	}
	for (i = 0; i < 3; i++) {
		if (!f[i] || !f[i][0]) {
			rc = error_set(err, ST_INVALID, "%s:%zu: missing %s", name, lineno, what[i]);
			goto out;
		}
	}
	if (!date_parse(f[0], &day)) {
		rc = error_set(err, ST_INVALID, "%s:%zu: bad date \"%.20s\" (want YYYY-MM-DD)",
		               name, lineno, f[0]);
		goto out;
	}
	division_add(cal, f[1], day, f[2]);
	f[2] = NULL;
out:
	for (i = 0; i < 3; i++)
		free(f[i]);
	return rc;
}

enum status calendar_load_csv(struct calendar *cal, const char *text, size_t len,
                              const char *name, struct error *err)
{
	const char *p = text, *end = text + len;
	struct calendar tmp;
	size_t lineno = 0, i;
	enum status rc = ST_OK;

	calendar_init(&tmp);
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		lineno++;
		if (eol > p && eol[-1] == '\r')
			eol--;
		if (memchr(p, '\0', (size_t)(eol - p))) {
			rc = error_set(err, ST_INVALID, "%s:%zu: NUL byte in line", name, lineno);
			goto out;
		}
		if (lineno == 1) {
			if ((size_t)(eol - p) != 19 || memcmp(p, "date,division,title", 19)) {
				rc = error_set(err, ST_INVALID,
				               "%s:1: expected the header \"date,division,title\"",
				               name);
				goto out;
			}
		} else if (eol > p) {
			rc = parse_line(&tmp, p, eol, name, lineno, err);
			if (rc)
				goto out;
		}
		p = nl ? nl + 1 : end;
	}
	if (lineno == 0) {
		rc = error_set(err, ST_INVALID, "%s: empty file", name);
		goto out;
	}
	/* Merge into cal only once the whole text parsed, so a bad file changes nothing. */
	for (i = 0; i < tmp.ndiv; i++) {
		struct cal_division *dv = &tmp.div[i];
		for (size_t j = 0; j < dv->n; j++) {
			division_add(cal, dv->name, dv->days[j], dv->titles[j]);
			dv->titles[j] = NULL;
		}
		division_finish(division_find(cal, dv->name));
	}
	for (i = 0; i < cal->ndiv; i++)
		count_workdays(cal, &cal->div[i]);
out:
	calendar_free(&tmp);
	return rc;
}

static bool day_in(const long *days, size_t n, long day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (days[mid] == day)
			return true;
		if (days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void calendar_add_closure(struct calendar *cal, long day)
{
	size_t i = 0;

	while (i < cal->nclosures && cal->closures[i] < day)
		i++;
	if (i < cal->nclosures && cal->closures[i] == day)
		return;
	if (cal->nclosures == cal->closures_cap) {
		cal->closures_cap = cal->closures_cap ? cal->closures_cap * 2 : 16;
		cal->closures = xrealloc(cal->closures, cal->closures_cap * sizeof(*cal->closures));
	}
	memmove(cal->closures + i + 1, cal->closures + i,
	        (cal->nclosures - i) * sizeof(*cal->closures));
	cal->closures[i] = day;
	cal->nclosures++;
	if (!cal->view) {
		for (size_t k = 0; k < cal->ndiv; k++)
			count_workdays(cal, &cal->div[k]);
		return;
	}
	/* A view's divisions and their counts are borrowed: the day goes
	 * among the corrections of each division that counts it. */
	for (size_t k = 0; k < cal->ndiv; k++) {
		const struct cal_division *dv = &cal->div[k];
		struct cal_extra *x = &cal->extra[k];
		size_t at = 0;

		if (date_weekday(day) >= 5 || holiday_on(dv, day) || day < dv->cum_first ||
		    day >= dv->cum_first + (long)dv->ncum)
			continue;
		while (at < x->n && x->days[at] < day)
			at++;
		if (x->n == x->cap) {
			x->cap = x->cap ? x->cap * 2 : 16;
			x->days = xrealloc(x->days, x->cap * sizeof(*x->days));
		}
		memmove(x->days + at + 1, x->days + at, (x->n - at) * sizeof(*x->days));
		x->days[at] = day;
		x->n++;
	}
}

void calendar_add_agency_closure(struct calendar *cal, long day, const char *agency)
{
	size_t i = 0;

	while (i < cal->nagency_closures && cal->agency_closures[i].day < day)
		i++;
	for (size_t j = i; j < cal->nagency_closures && cal->agency_closures[j].day == day; j++)
		if (!ascii_casecmp(cal->agency_closures[j].agency, agency))
			return;
	if (cal->nagency_closures == cal->agency_closures_cap) {
		cal->agency_closures_cap = cal->agency_closures_cap ? cal->agency_closures_cap * 2 : 16;
		cal->agency_closures = xrealloc(cal->agency_closures,
		                                cal->agency_closures_cap * sizeof(*cal->agency_closures));
	}
	memmove(cal->agency_closures + i + 1, cal->agency_closures + i,
	        (cal->nagency_closures - i) * sizeof(*cal->agency_closures));
	cal->agency_closures[i].day = day;
	cal->agency_closures[i].agency = xstrdup(agency);
	cal->nagency_closures++;
}

void calendar_view(const struct calendar *cal, struct calendar *view)
{
	calendar_init(view);
	view->view = true;
	view->div = cal->div;
	view->ndiv = cal->ndiv;
	view->extra = xcalloc(cal->ndiv ? cal->ndiv : 1, sizeof(*view->extra));
	for (size_t k = 0; cal->extra && k < cal->ndiv; k++)
		if (cal->extra[k].n) {
			struct cal_extra *x = &view->extra[k];

			x->days = xmalloc(cal->extra[k].n * sizeof(*x->days));
			memcpy(x->days, cal->extra[k].days, cal->extra[k].n * sizeof(*x->days));
			x->n = x->cap = cal->extra[k].n;
		}
	if (cal->nclosures) {
		view->closures = xmalloc(cal->nclosures * sizeof(*view->closures));
		memcpy(view->closures, cal->closures, cal->nclosures * sizeof(*view->closures));
		view->nclosures = view->closures_cap = cal->nclosures;
	}
}

const struct cal_division *calendar_division(const struct calendar *cal, const char *division)
{
	return division ? division_find(cal, division) : NULL;
}

/* The first and last day the division can count: its table's years, or
 * with standing rules every day from year 1 to 9999. */
static long cover_first(const struct cal_division *dv)
{
	long day = 0;

	date_from_ymd(dv->rules ? 1 : dv->first_year, 1, 1, &day);
	return day;
}

static long cover_last(const struct cal_division *dv)
{
	long day = 0;

	date_from_ymd(dv->rules ? 9999 : dv->last_year, 12, 31, &day);
	return day;
}

bool calendar_covers(const struct calendar *cal, const char *division, long day)
{
	const struct cal_division *dv = calendar_division(cal, division);

	return dv && day != DATE_NONE && day >= cover_first(dv) && day <= cover_last(dv);
}

bool calendar_rule_year(const struct calendar *cal, const char *division, int year)
{
	const struct cal_division *dv = calendar_division(cal, division);

	return dv && dv->rules && !in_table(dv, year) && year >= 1 && year <= 9999;
}

long calendar_rules_first(const struct calendar *cal, const char *division, long from, long to)
{
	int y0, y1, m, d;
	long first;

	if (from == DATE_NONE || to == DATE_NONE)
		return DATE_NONE;
	if (to < from) {
		long t = from;

		from = to;
		to = t;
	}
	date_to_ymd(from, &y0, &m, &d);
	date_to_ymd(to, &y1, &m, &d);
	for (int y = y0; y <= y1; y++)
		if (calendar_rule_year(cal, division, y)) {
			if (y == y0)
				return from;
			date_from_ymd(y, 1, 1, &first);
			return first;
		}
	return DATE_NONE;
}

char *calendar_rules_note(const struct calendar *cal, const char *division, long first, char *out, size_t outlen)
{
	const struct cal_division *dv = calendar_division(cal, division);
	char a[11];

	if (!dv || !dv->n)
		snprintf(out, outlen, "bank holidays from %s are worked out from the standing rules",
		         date_format(first, a));
	else
		snprintf(out, outlen, "bank holidays from %s are worked out from the standing rules (the published "
		         "table holds %d\u2013%d)", date_format(first, a), dv->first_year, dv->last_year);
	return out;
}

/* Finds the division or explains, naming the known ones. */
static enum status division_get(const struct calendar *cal, const char *division,
                                const struct cal_division **out, struct error *err)
{
	struct sb known = {0};
	enum status rc;

	*out = calendar_division(cal, division);
	if (*out)
		return ST_OK;
	for (size_t i = 0; i < cal->ndiv; i++)
		sb_printf(&known, "%s%s", i ? ", " : "", cal->div[i].name);
	rc = error_set(err, ST_INVALID, "unknown bank holiday division \"%s\" (known: %s)",
	               division ? division : "", known.s ? known.s : "none loaded");
	free(known.s);
	return rc;
}

static enum status outside(const struct cal_division *dv, long day, struct error *err)
{
	char buf[11];

	if (day == DATE_NONE)
		return error_set(err, ST_INVALID, "no date given");
	return error_set(err, ST_INVALID,
	                 "%s is outside the years with bank holiday data for %s (%d\u2013%d)",
	                 date_format(day, buf), dv->name, dv->first_year, dv->last_year);
}

/* The holiday on day in the division (its title, borrowed), or NULL: from
 * the table in its years, else from the standing rules. */
static const char *holiday_on(const struct cal_division *dv, long day)
{
	const struct cal_rule_year *ry;
	int y, m, d;
	size_t lo = 0, hi = dv->n;

	date_to_ymd(day, &y, &m, &d);
	if (!in_table(dv, y)) {
		if (!dv->rules || y < 1 || y > 9999)
			return NULL;
		ry = rule_year(dv, y);
		for (int i = 0; i < ry->n; i++)
			if (ry->days[i] == day)
				return ry->titles[i];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dv->days[mid] == day)
			return dv->titles[mid];
		if (dv->days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool is_workday(const struct calendar *cal, const struct cal_division *dv, long day)
{
	return date_weekday(day) < 5 && !holiday_on(dv, day) && !day_in(cal->closures, cal->nclosures, day);
}

/* The years either side of the table that a division with standing rules
 * keeps counted: the dates a dispute is likely to meet, at about 12,000
 * days a division; a day beyond them is counted from the rules as asked. */
#define CUM_YEARS 10

/* The first and last day kept counted: the table's years, widened by
 * CUM_YEARS for a division with rules (never past what it covers). */
static long cum_window_first(const struct cal_division *dv)
{
	long day = 0;
	int y = dv->first_year - (dv->rules ? CUM_YEARS : 0);

	date_from_ymd(y < 1 ? 1 : y, 1, 1, &day);
	return day;
}

static long cum_window_last(const struct cal_division *dv)
{
	long day = 0;
	int y = dv->last_year + (dv->rules ? CUM_YEARS : 0);

	date_from_ymd(y > 9999 ? 9999 : y, 12, 31, &day);
	return day;
}

/* Clears cum[day - first] when day lies in the window. */
static void cum_clear(struct cal_division *dv, long day)
{
	if (day >= dv->cum_first && day < dv->cum_first + (long)dv->ncum)
		dv->cum[day - dv->cum_first] = 0;
}

/* (Re)counts the division's working days over its window: the weekdays
 * marked, the holidays (the table's, or the rules' for the years the table
 * does not hold) and the closures cleared, then summed. */
static void count_workdays(const struct calendar *cal, struct cal_division *dv)
{
	long first = cum_window_first(dv), last = cum_window_last(dv);
	int wd = date_weekday(first), y0, y1, y, m, d;
	size_t i;

	dv->ncum = (size_t)(last - first + 1);
	dv->cum_first = first;
	dv->cum = xrealloc(dv->cum, dv->ncum * sizeof(*dv->cum));
	/* The weekdays marked: the first week, then copied over the window
	 * in runs of whole weeks (a window spans some 12,000 days). */
	for (i = 0; i < dv->ncum && i < 7; i++) {
		dv->cum[i] = wd < 5;
		wd = wd == 6 ? 0 : wd + 1;
	}
	while (i < dv->ncum) {
		size_t run = i < dv->ncum - i ? i : dv->ncum - i;

		memcpy(dv->cum + i, dv->cum, run * sizeof(*dv->cum));
		i += run;
	}
	for (i = 0; i < dv->n; i++)
		cum_clear(dv, dv->days[i]);
	date_to_ymd(first, &y0, &m, &d);
	date_to_ymd(last, &y1, &m, &d);
	for (y = y0; dv->rules && y <= y1; y++) {
		const struct cal_rule_year *ry;

		if (in_table(dv, y))
			continue;
		ry = rule_year(dv, y);
		for (int k = 0; k < ry->n; k++)
			cum_clear(dv, ry->days[k]);
	}
	for (i = 0; i < cal->nclosures; i++)
		cum_clear(dv, cal->closures[i]);
	for (i = 1; i < dv->ncum; i++)
		dv->cum[i] += dv->cum[i - 1];
}

/* The working days in [window's first day, day], day in the window or
 * the day before it (0): the division's count, less (in a view) the
 * view's own closure days up to day. */
static int cum_at(const struct calendar *cal, const struct cal_division *dv, long day)
{
	int n;

	if (day < dv->cum_first)
		return 0;
	n = dv->cum[day - dv->cum_first];
	if (cal->extra) {
		const struct cal_extra *x = &cal->extra[dv - cal->div];
		size_t lo = 0, hi = x->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (x->days[mid] <= day)
				lo = mid + 1;
			else
				hi = mid;
		}
		n -= (int)lo;
	}
	return n;
}

static long cum_last(const struct cal_division *dv)
{
	return dv->cum_first + (long)dv->ncum - 1;
}

/* The working days of year y, a year outside the window, worked out from
 * the rules without keeping them: the weekdays, less the rules' holidays
 * on weekdays and the closures on other weekdays. */
static int year_workdays(const struct calendar *cal, const struct cal_division *dv, int y)
{
	struct cal_rule_year ry;
	long jan1 = 0, dec31 = 0, day;
	int count, wd;
	size_t lo = 0, hi = cal->nclosures;

	date_from_ymd(y, 1, 1, &jan1);
	date_from_ymd(y, 12, 31, &dec31);
	count = (int)((dec31 - jan1 + 1) / 7) * 5;
	day = jan1 + (dec31 - jan1 + 1) / 7 * 7;
	for (wd = date_weekday(day); day <= dec31; day++, wd = wd == 6 ? 0 : wd + 1)
		count += wd < 5;
	rules_compute((enum cal_rules)dv->rules, y, &ry);
	for (int k = 0; k < ry.n; k++)
		count -= date_weekday(ry.days[k]) < 5 && (k == 0 || ry.days[k] != ry.days[k - 1]);
	/* the first closure on or after 1 January */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->closures[mid] < jan1)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < cal->nclosures && cal->closures[lo] <= dec31; lo++)
		count -= date_weekday(cal->closures[lo]) < 5 && !rule_taken(&ry, cal->closures[lo]);
	return count;
}

/* Whether day + 1 begins a year (every year outside the window is whole:
 * the window runs from a 1 January to a 31 December); *dec31 is its last. */
static bool year_starts_after(long day, long *dec31)
{
	int y, m, d;

	date_to_ymd(day + 1, &y, &m, &d);
	return m == 1 && d == 1 && date_from_ymd(y, 12, 31, dec31);
}

/* The working days in (a, b], a <= b, both covered: the window's count for
 * the part inside it; outside, a whole year at a time from the rules, and
 * the days of a year cut by a or b one by one. */
static int count_span(const struct calendar *cal, const struct cal_division *dv, long a, long b)
{
	long wl = cum_last(dv), dec31;
	int count = 0, y, m, d;

	while (a < b) {
		if (a + 1 >= dv->cum_first && a < wl) {
			long e = b < wl ? b : wl;

			count += cum_at(cal, dv, e) - cum_at(cal, dv, a);
			a = e;
		} else if (year_starts_after(a, &dec31) && dec31 <= b) {
			date_to_ymd(dec31, &y, &m, &d);
			count += year_workdays(cal, dv, y);
			a = dec31;
		} else {
			a++;
			count += is_workday(cal, dv, a);
		}
	}
	return count;
}

/* Whether the division dv can count day. */
static enum status check_covered(const struct cal_division *dv, long day, struct error *err)
{
	if (day == DATE_NONE || day < cover_first(dv) || day > cover_last(dv))
		return outside(dv, day, err);
	return ST_OK;
}

/* Resolves the division and checks that day lies in its covered years. */
static enum status check_day(const struct calendar *cal, const char *division, long day,
                             const struct cal_division **dv, struct error *err)
{
	enum status rc = division_get(cal, division, dv, err);

	return rc ? rc : check_covered(*dv, day, err);
}

enum status calendar_is_workday(const struct calendar *cal, const char *division,
                                long day, bool *out, struct error *err)
{
	const struct cal_division *dv;
	enum status rc = check_day(cal, division, day, &dv, err);

	if (rc)
		return rc;
	*out = is_workday(cal, dv, day);
	return ST_OK;
}

const char *calendar_holiday(const struct calendar *cal, const char *division, long day)
{
	const struct cal_division *dv = calendar_division(cal, division);

	return dv && day != DATE_NONE ? holiday_on(dv, day) : NULL;
}

enum status workdays_add(const struct calendar *cal, const char *division,
                         long from, int n, long *out, struct error *err)
{
	const struct cal_division *dv;
	enum status rc = check_day(cal, division, from, &dv, err);
	long day = from, last, wl, dec31;
	int left = n, y, m, d, whole;
	char a[11], b[11];

	if (rc)
		return rc;
	if (n < 0)
		return error_set(err, ST_INVALID,
		                 "cannot add a negative number of working days (%d)", n);
	last = cover_last(dv);
	wl = cum_last(dv);
	while (left > 0) {
		if (day >= last)
			return error_set(err, ST_INVALID,
			                 "%d working day%s after %s falls after %s, outside the years "
			                 "with bank holiday data for %s (%d\u2013%d)",
			                 n, n == 1 ? "" : "s", date_format(from, a),
			                 date_format(last, b), dv->name, dv->first_year,
			                 dv->last_year);
		if (day + 1 >= dv->cum_first && day < wl) {
			/* in the window: the first day after day on which the
			 * count reaches want, or on past the window */
			int want = cum_at(cal, dv, day) + left, all = cum_at(cal, dv, wl);
			size_t lo = (size_t)(day + 1 - dv->cum_first), hi = dv->ncum - 1;

			if (want > all) {
				left = want - all;
				day = wl;
				continue;
			}
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (cum_at(cal, dv, dv->cum_first + (long)mid) >= want)
					hi = mid;
				else
					lo = mid + 1;
			}
			day = dv->cum_first + (long)lo;
			break;
		}
		if (year_starts_after(day, &dec31)) {
			date_to_ymd(dec31, &y, &m, &d);
			whole = year_workdays(cal, dv, y);
			if (whole < left) {
				left -= whole;
				day = dec31;
				continue;
			}
		}
		day++;
		left -= is_workday(cal, dv, day);
	}
	*out = day;
	return ST_OK;
}

enum status workdays_between(const struct calendar *cal, const char *division,
                             long a, long b, int *out, struct error *err)
{
	const struct cal_division *dv;
	enum status rc = check_day(cal, division, a, &dv, err);

	if (!rc)
		rc = check_covered(dv, b, err);
	if (rc)
		return rc;
	*out = b < a ? -count_span(cal, dv, b, a) : count_span(cal, dv, a, b);
	return ST_OK;
}
