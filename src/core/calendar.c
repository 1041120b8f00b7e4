/* Working-day arithmetic over bank holidays of a division and the user's closure days. */
#include <stdlib.h>
#include <string.h>

#include "dispute/calendar.h"
#include "dispute/date.h"

void calendar_init(struct calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
}

static void count_workdays(const struct calendar *cal, struct cal_division *dv);

static void division_free(struct cal_division *dv)
{
	for (size_t i = 0; i < dv->n; i++)
		free(dv->titles[i]);
	free(dv->titles);
	free(dv->days);
	free(dv->cum);
	free(dv->name);
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

		if (date_weekday(day) >= 5 || day_in(dv->days, dv->n, day) || day < dv->cum_first ||
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

static long cover_first(const struct cal_division *dv)
{
	long day = 0;

	date_from_ymd(dv->first_year, 1, 1, &day);
	return day;
}

static long cover_last(const struct cal_division *dv)
{
	long day = 0;

	date_from_ymd(dv->last_year, 12, 31, &day);
	return day;
}

bool calendar_covers(const struct calendar *cal, const char *division, long day)
{
	const struct cal_division *dv = calendar_division(cal, division);

	return dv && day != DATE_NONE && day >= cover_first(dv) && day <= cover_last(dv);
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

static bool is_workday(const struct calendar *cal, const struct cal_division *dv, long day)
{
	return date_weekday(day) < 5 && !day_in(dv->days, dv->n, day) &&
	       !day_in(cal->closures, cal->nclosures, day);
}

/* (Re)counts the division's working days over its covered years. */
static void count_workdays(const struct calendar *cal, struct cal_division *dv)
{
	long first = cover_first(dv), last = cover_last(dv);
	int total = 0;

	dv->ncum = (size_t)(last - first + 1);
	dv->cum_first = first;
	dv->cum = xrealloc(dv->cum, dv->ncum * sizeof(*dv->cum));
	for (size_t i = 0; i < dv->ncum; i++) {
		total += is_workday(cal, dv, first + (long)i);
		dv->cum[i] = total;
	}
}

/* Resolves the division and checks that day lies in its covered years. */
static enum status check_day(const struct calendar *cal, const char *division, long day,
                             const struct cal_division **dv, struct error *err)
{
	enum status rc = division_get(cal, division, dv, err);

	if (rc)
		return rc;
	if (day == DATE_NONE || day < cover_first(*dv) || day > cover_last(*dv))
		return outside(*dv, day, err);
	return ST_OK;
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
	size_t lo = 0, hi;

	if (!dv)
		return NULL;
	hi = dv->n;
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

/* The working days in [first covered day, day]: the division's count,
 * less (in a view) the view's own closure days up to day. */
static int cum_at(const struct calendar *cal, const struct cal_division *dv, long day)
{
	int n = dv->cum[day - dv->cum_first];

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

enum status workdays_add(const struct calendar *cal, const char *division,
                         long from, int n, long *out, struct error *err)
{
	const struct cal_division *dv;
	enum status rc = check_day(cal, division, from, &dv, err);
	long last;
	size_t lo, hi;
	int want;
	char a[11], b[11];

	if (rc)
		return rc;
	if (n < 0)
		return error_set(err, ST_INVALID,
		                 "cannot add a negative number of working days (%d)", n);
	last = cover_last(dv);
	want = cum_at(cal, dv, from) + n;
	if (want > cum_at(cal, dv, last))
		return error_set(err, ST_INVALID,
		                 "%d working day%s after %s falls after %s, outside the years "
		                 "with bank holiday data for %s (%d\u2013%d)",
		                 n, n == 1 ? "" : "s", date_format(from, a),
		                 date_format(last, b), dv->name, dv->first_year,
		                 dv->last_year);
	if (n == 0) {
		*out = from;
		return ST_OK;
	}
	/* The first day after from on which the count reaches want. */
	lo = (size_t)(from - dv->cum_first) + 1;
	hi = dv->ncum - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cum_at(cal, dv, dv->cum_first + (long)mid) >= want)
			hi = mid;
		else
			lo = mid + 1;
	}
	*out = dv->cum_first + (long)lo;
	return ST_OK;
}

enum status workdays_between(const struct calendar *cal, const char *division,
                             long a, long b, int *out, struct error *err)
{
	const struct cal_division *dv;
	enum status rc = check_day(cal, division, a, &dv, err);

	if (!rc)
		rc = check_day(cal, division, b, &dv, err);
	if (rc)
		return rc;
	*out = cum_at(cal, dv, b) - cum_at(cal, dv, a);
	return ST_OK;
}
