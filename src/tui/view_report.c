/* The report view: the statistics of `dispute report` for a month, quarter, year, all time or chosen dates, as horizontal bar charts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dispute/date.h"
#include "form.h"
#include "dispute/report.h"
#include "dispute/text.h"
#include "textedit.h"
#include "view_report.h"

enum report_period {
	PERIOD_MONTH,
	PERIOD_QUARTER,
	PERIOD_YEAR,
	PERIOD_ALL,
	PERIOD_CUSTOM
};

/* How far back Left may go: a hundred years of months. */
#define REPORT_BACK_MAX 1200

struct report_view {
	enum report_period period;
	int back;                   /* how many months, quarters or years before the current one */
	long from, to;              /* the filter (DATE_NONE = open-ended) */
	bool have;                  /* stats holds the statistics of [from, to] */
	struct report_stats stats;
	char error[sizeof(((struct error *)0)->msg)];
	int scroll;
	int prompt;                 /* 0, or 1 / 2 while asking for the custom from / to date */
	struct textedit input;
	long custom_from;
	struct report_world world;  /* what the statistics are measured with */
};

/* ---- the period ---- */

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	"November", "December",
};

/* Sets from/to for a month, quarter or year period, `back` periods ago;
 * the current one runs to today. */
static void period_range(struct report_view *v, long today)
{
	int y, m, d, months = v->period == PERIOD_MONTH ? 1 : v->period == PERIOD_QUARTER ? 3 : 12;
	long first;

	if (v->period == PERIOD_ALL) {
		v->from = v->to = DATE_NONE;
		return;
	}
	if (v->period == PERIOD_CUSTOM)
		return;
	date_to_ymd(today, &y, &m, &d);
	m = v->period == PERIOD_MONTH ? m : v->period == PERIOD_QUARTER ? (m - 1) / 3 * 3 + 1 : 1;
	if (!date_from_ymd(y, m, 1, &first))
		first = today;
	first = date_add_months(first, -v->back * months);
	v->from = first;
	v->to = v->back == 0 ? today : date_add_months(first, months) - 1;
}

/* "This year (2026)", "Q3 2026", "All time", ... */
static void period_name(const struct report_view *v, char *out, size_t outlen)
{
	int y, m, d;

	if (v->period == PERIOD_ALL) {
		snprintf(out, outlen, "All time");
		return;
	}
	if (v->period == PERIOD_CUSTOM) {
		snprintf(out, outlen, "Chosen dates");
		return;
	}
	date_to_ymd(v->from, &y, &m, &d);
	if (v->period == PERIOD_MONTH)
		snprintf(out, outlen, "%s%s %d%s", v->back ? "" : "This month (", month_names[m - 1], y,
		         v->back ? "" : ")");
	else if (v->period == PERIOD_QUARTER)
		snprintf(out, outlen, "%sQ%d %d%s", v->back ? "" : "This quarter (", (m - 1) / 3 + 1, y,
		         v->back ? "" : ")");
	else
		snprintf(out, outlen, "%s%d%s", v->back ? "" : "This year (", y, v->back ? "" : ")");
}

/* "disputes opened 2026-01-01 to 2026-11-27", "... on or after ...", "every dispute". */
static void period_span(const struct report_view *v, char *out, size_t outlen)
{
	char a[11], b[11];

	if (v->from == DATE_NONE && v->to == DATE_NONE)
		snprintf(out, outlen, "every dispute");
	else if (v->to == DATE_NONE)
		snprintf(out, outlen, "disputes opened on or after %s", date_format(v->from, a));
	else if (v->from == DATE_NONE)
		snprintf(out, outlen, "disputes opened on or before %s", date_format(v->to, b));
	else
		snprintf(out, outlen, "disputes opened %s to %s", date_format(v->from, a), date_format(v->to, b));
}

/* Computes the statistics for the view's period. */
static void report_load(struct app *a)
{
	struct report_view *v = a->report;
	struct report_filter f;
	struct error err;

	if (v->have)
		report_stats_free(&v->stats);
	v->have = false;
	v->error[0] = '\0';
	v->scroll = 0;
	report_filter_init(&f);
	f.from = v->from;
	f.to = v->to;
	error_clear(&err);
	v->world = (struct report_world){ &a->c->protocols, &a->c->cal, a->c->today };
	report_stats_begin(&v->stats, &f, &v->world);
	if (report_stats_end(&v->stats, svc_report_disputes(a->c, &f, report_stats_add, &v->stats, &err), &err) != ST_OK) {
		report_stats_free(&v->stats);
		snprintf(v->error, sizeof(v->error), "%s", err.msg[0] ? err.msg : status_name(err.code));
		app_error(a, &err);
		return;
	}
	v->have = true;
}

void report_close(struct app *a)
{
	struct report_view *v = a->report;

	if (!v)
		return;
	if (v->have)
		report_stats_free(&v->stats);
	textedit_free(&v->input);
	free(v);
	a->report = NULL;
	if (a->mode == MODE_REPORT)
		a->mode = MODE_NORMAL;
}

unsigned report_open(struct app *a)
{
	struct report_view *v;

	report_close(a);
	v = xcalloc(1, sizeof(*v));
	textedit_init(&v->input, false, 32);
	v->period = PERIOD_YEAR;
	a->report = v;
	a->mode = MODE_REPORT;
	period_range(v, a->c->today);
	report_load(a);
	return APP_REDRAW;
}

/* ---- keys ---- */

static unsigned period_set(struct app *a, enum report_period p)
{
	struct report_view *v = a->report;

	v->period = p;
	v->back = 0;
	period_range(v, a->c->today);
	report_load(a);
	return APP_REDRAW;
}

static unsigned period_step(struct app *a, int dir)
{
	struct report_view *v = a->report;

	if (v->period == PERIOD_ALL || v->period == PERIOD_CUSTOM || v->back + dir < 0 ||
	    v->back + dir > REPORT_BACK_MAX)
		return APP_BELL;
	v->back += dir;
	period_range(v, a->c->today);
	report_load(a);
	return APP_REDRAW;
}

static void prompt_start(struct report_view *v, int which, long preset)
{
	char day[11];

	v->prompt = which;
	textedit_set(&v->input, preset != DATE_NONE ? date_format(preset, day) : NULL);
}

/* The custom dates: From, then To; either may be left empty (open-ended). */
static unsigned prompt_key(struct app *a, int key)
{
	struct report_view *v = a->report;
	char *value;
	long day = DATE_NONE;
	char x[11], y[11];

	if (key == K_ESC) {
		v->prompt = 0;
		app_status(a, false, "The period is unchanged");
		return APP_REDRAW;
	}
	if (key != K_ENTER && key != K_RETURN)
		return textedit_key(&v->input, key, 0) < 0 ? APP_BELL : APP_REDRAW;
	value = text_sanitize(textedit_text(&v->input), false);
	if (!form_blank(value) && !date_parse(value, &day)) {
		app_status(a, true, "Type the date as YYYY-MM-DD, e.g. 2026-04-01, or leave it empty");
		free(value);
		return APP_REDRAW;
	}
	free(value);
	if (v->prompt == 1) {
		v->custom_from = day;
		prompt_start(v, 2, v->period == PERIOD_CUSTOM ? v->to : a->c->today);
		return APP_REDRAW;
	}
	if (v->custom_from != DATE_NONE && day != DATE_NONE && v->custom_from > day) {
		app_status(a, true, "From %s is after to %s", date_format(v->custom_from, x), date_format(day, y));
		return APP_REDRAW;
	}
	v->prompt = 0;
	v->period = PERIOD_CUSTOM;
	v->back = 0;
	v->from = v->custom_from;
	v->to = day;
	report_load(a);
	return APP_REDRAW;
}

static unsigned report_key(struct app *a, int key)
{
	struct report_view *v = a->report;

	if (!v) {
		a->mode = MODE_NORMAL;
		return APP_REDRAW;
	}
	a->status[0] = '\0';
	a->status_error = false;
	if (v->prompt)
		return prompt_key(a, key);
	/* The drawing clamps the scroll to the report's length. */
	if (app_scroll(&v->scroll, keys_lookup(KC_VIEW, key), false, 1 << 20))
		return APP_REDRAW;
	switch (keys_lookup(KC_REPORT, key)) {
	case ACT_RP_MONTH:
		return period_set(a, PERIOD_MONTH);
	case ACT_RP_QUARTER:
		return period_set(a, PERIOD_QUARTER);
	case ACT_RP_YEAR:
		return period_set(a, PERIOD_YEAR);
	case ACT_RP_ALL:
		return period_set(a, PERIOD_ALL);
	case ACT_RP_CUSTOM:
		prompt_start(v, 1, v->from);
		return APP_REDRAW;
	case ACT_RP_EARLIER:
		return period_step(a, 1);
	case ACT_RP_LATER:
		return period_step(a, -1);
	case ACT_RP_CLOSE:
		report_close(a);
		return APP_REDRAW;
	default:
		return APP_BELL;
	}
}

/* ---- the charts ---- */

enum row_kind {
	ROW_TEXT,         /* a heading, a note or a blank line */
	ROW_BAR           /* label, count and a bar of up to four stacked parts */
};

/* The glyphs of the stacked parts: told apart by shape, so the charts
 * read the same without colour. */
static const char *const glyphs[4] = { "█", "▓", "▒", "░" };

struct row {
	enum row_kind kind;
	unsigned attr;
	int indent;
	char *text;                 /* owned: the text, or the bar's label */
	int part[4];                /* the bar's parts, drawn with glyphs[i] */
	unsigned part_attr[4];
	int value;                  /* the number shown before the bar */
	int pct;                    /* its share of the disputes in per cent, or -1 */
	int scale;                  /* the value a full-width bar stands for */
};

struct rows {
	struct row *v;
	size_t n;
};

static struct row *row_push(struct rows *r, enum row_kind kind, unsigned attr, int indent, const char *text)
{
	struct row *w;

	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	w = &r->v[r->n++];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->attr = attr;
	w->indent = indent;
	w->text = text_sanitize(text ? text : "", false);
	return w;
}

static void row_text(struct rows *r, unsigned attr, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void row_text(struct rows *r, unsigned attr, int indent, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	row_push(r, ROW_TEXT, attr, indent, buf);
}

/* Adds text wrapped to width - indent columns, one row a line. */
static void row_wrap(struct rows *r, unsigned attr, int indent, int width, const char *text)
{
	struct wrap_line *wl;
	size_t n = text_wrap(text, strlen(text), width - indent > 8 ? width - indent : 8, &wl);

	for (size_t i = 0; i < n; i++) {
		char *piece = xstrndup(text + wl[i].start, wl[i].end - wl[i].start);
		size_t k = strlen(piece);

		while (k > 0 && piece[k - 1] == ' ')
			piece[--k] = '\0';
		row_text(r, attr, indent, "%s", piece);
		free(piece);
	}
	free(wl);
}

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].text);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static void heading(struct rows *r, const char *title)
{
	if (r->n)
		row_text(r, 0, 0, "%s", "");
	row_text(r, SA_BOLD | SA_UNDERLINE, 1, "%s", title);
}

/* A count's share of all the period's disputes, in per cent. */
static int percent(int count, int total)
{
	return total > 0 ? (int)(((long)count * 100 + total / 2) / total) : 0;
}

/* Bars are scaled to the chart's largest count, so the longest one fills
 * the width; the share of all disputes is written beside each. */
static void count_chart(struct rows *r, const char *title, const struct report_count *v, size_t n, int total)
{
	int scale = 0;

	heading(r, title);
	if (!n)
		row_text(r, SA_DIM, 3, "(none)");
	for (size_t i = 0; i < n; i++)
		scale = v[i].count > scale ? v[i].count : scale;
	for (size_t i = 0; i < n; i++) {
		struct row *w = row_push(r, ROW_BAR, 0, 3, v[i].label ? v[i].label : v[i].key);

		w->value = v[i].count;
		w->pct = percent(v[i].count, total);
		w->part[0] = v[i].count;
		w->part_attr[0] = SA_COLOUR(SC_HEADER);
		w->scale = scale;
	}
}

/* A headline cell: label and value in fixed columns. */
static void cell_add(char *line, size_t cap, const char *label, const char *value)
{
	size_t len = strlen(line);

	snprintf(line + len, cap - len, "%-18s%4s   ", label, value);
}

static void summary(struct rows *r, const struct report_stats *st, int width)
{
	static const char *const labels[] = {
		"Disputes", "Open", "Resolved", "Withdrawn", "Referred on", "Urgent", "Formal challenges",
		"Breached deadlines", "Median days", "Longest days",
	};
	char values[10][32], line[512] = "";
	int per = width / 25, n = (int)(sizeof(labels) / sizeof(labels[0]));
	long twice = (long)(st->median_days * 2.0 + 0.5);

	if (per < 1)
		per = 1;
	snprintf(values[0], 32, "%d", st->disputes);
	snprintf(values[1], 32, "%d", st->by_status[DS_OPEN]);
	snprintf(values[2], 32, "%d", st->by_status[DS_RESOLVED]);
	snprintf(values[3], 32, "%d", st->by_status[DS_WITHDRAWN]);
	snprintf(values[4], 32, "%d", st->by_status[DS_REFERRED]);
	snprintf(values[5], 32, "%d", st->urgent);
	snprintf(values[6], 32, "%d", st->challenged);
	snprintf(values[7], 32, "%zu", st->nbreaches);
	if (!st->resolved_timed)
		snprintf(values[8], 32, "-");
	else if (twice % 2)
		snprintf(values[8], 32, "%ld.5", twice / 2);
	else
		snprintf(values[8], 32, "%ld", twice / 2);
	if (st->resolved_timed)
		snprintf(values[9], 32, "%d", st->longest_days);
	else
		snprintf(values[9], 32, "-");
	heading(r, "Summary");
	for (int i = 0; i < n; i++) {
		cell_add(line, sizeof(line), labels[i], values[i]);
		if ((i + 1) % per == 0 || i == n - 1) {
			size_t k = strlen(line);
			while (k > 0 && line[k - 1] == ' ')
				line[--k] = '\0';
			row_text(r, 0, 3, "%s", line);
			line[0] = '\0';
		}
	}
	if (st->resolved_timed) {
		snprintf(line, sizeof(line), "Days are working days from opening to resolution, over %d resolved "
		         "dispute%s; the longest was %s.", st->resolved_timed, st->resolved_timed == 1 ? "" : "s",
		         st->longest_reference);
		row_wrap(r, SA_DIM, 3, width, line);
	}
	if (st->nbreaches) {
		snprintf(line, sizeof(line), "Breached deadlines: %zu stage deadline%s passed, in %d dispute%s.",
		         st->nbreaches, st->nbreaches == 1 ? "" : "s", st->breached_disputes,
		         st->breached_disputes == 1 ? "" : "s");
		row_wrap(r, SA_DIM, 3, width, line);
	}
}

static void stage_chart(struct rows *r, const struct report_stats *st)
{
	static const enum dispute_status order[4] = { DS_RESOLVED, DS_WITHDRAWN, DS_REFERRED, DS_OPEN };
	static const unsigned colours[4] = { SA_COLOUR(SC_OK), 0, SA_COLOUR(SC_HEADER), SA_COLOUR(SC_URGENT) };
	int scale = 0;

	heading(r, "Stage reached and outcome");
	if (!st->nstages) {
		row_text(r, SA_DIM, 3, "(none)");
		return;
	}
	row_text(r, SA_DIM, 3, "%s resolved %d · %s withdrawn %d · %s referred on %d · %s open %d", glyphs[0],
	         st->by_status[DS_RESOLVED], glyphs[1], st->by_status[DS_WITHDRAWN], glyphs[2],
	         st->by_status[DS_REFERRED], glyphs[3], st->by_status[DS_OPEN]);
	for (size_t i = 0; i < st->nstages; i++)
		scale = st->stages[i].total > scale ? st->stages[i].total : scale;
	for (size_t i = 0; i < st->nstages; i++) {
		const struct report_stage_row *s = &st->stages[i];
		char label[512];
		struct row *w;

		snprintf(label, sizeof(label), "%d %s", s->stage, s->name ? s->name : "(names differ)");
		w = row_push(r, ROW_BAR, 0, 3, label);
		w->value = s->total;
		w->pct = percent(s->total, st->disputes);
		w->scale = scale;
		for (int k = 0; k < 4; k++) {
			w->part[k] = s->by_status[order[k]];
			w->part_attr[k] = colours[k];
		}
	}
}

static void breach_chart(struct rows *r, const struct report_stats *st)
{
	int scale = 0;

	heading(r, "Breached deadlines: working days late");
	if (!st->nbreaches) {
		row_text(r, SA_DIM, 3, "(none)");
		return;
	}
	row_text(r, SA_DIM, 3, "%s ended late · %s still running, counted to today", glyphs[0], glyphs[3]);
	for (size_t i = 0; i < st->nbreaches; i++)
		scale = st->breaches[i].days_over > scale ? st->breaches[i].days_over : scale;
	for (size_t i = 0; i < st->nbreaches; i++) {
		const struct report_breach *b = &st->breaches[i];
		char label[64];
		struct row *w;
		int k = b->ended == DATE_NONE ? 3 : 0;

		if (b->stage)
			snprintf(label, sizeof(label), "%s stage %d", b->reference, b->stage);
		else
			snprintf(label, sizeof(label), "%s whole process", b->reference);
		w = row_push(r, ROW_BAR, 0, 3, label);
		w->value = b->days_over;
		w->pct = -1;
		w->scale = scale;
		w->part[k] = b->days_over;
		w->part_attr[k] = SA_COLOUR(SC_OVERDUE);
	}
}

static void rows_build(const struct report_view *v, struct rows *r, int width)
{
	const struct report_stats *st = &v->stats;

	summary(r, st, width);
	count_chart(r, "By raising agency", st->raised_by, st->nraised_by, st->disputes);
	count_chart(r, "By receiving agency", st->against, st->nagainst, st->disputes);
	count_chart(r, "By category", st->categories, st->ncategories, st->disputes);
	stage_chart(r, st);
	breach_chart(r, st);
}

/* Columns of the bar rows for an inner width w. */
struct bar_cols {
	int label_w, value_x, bar_x, bar_w;
};

static struct bar_cols bar_cols_for(int w)
{
	struct bar_cols c;

	c.label_w = w * 3 / 10;
	if (c.label_w < 16)
		c.label_w = 16;
	if (c.label_w > 34)
		c.label_w = 34;
	c.value_x = 3 + c.label_w + 1;
	c.bar_x = c.value_x + 11;
	c.bar_w = w - c.bar_x - 1;
	if (c.bar_w < 1)
		c.bar_w = 1;
	return c;
}

/* Draws the bar's parts: each part's share of the width, a part with any
 * count at least one cell, so a single dispute never disappears. */
static void bar_draw(struct screen *s, int y, int x, int w, const struct row *row)
{
	int len[4], total = 0;
	long cum = 0;

	if (row->scale <= 0)
		return;
	/* Each part ends where the running total does, rounded, so that
	 * parts adding up to the scale fill the width exactly. */
	for (int k = 0; k < 4; k++) {
		cum += row->part[k];
		len[k] = (int)((cum * w + row->scale / 2) / row->scale) - total;
		if (row->part[k] > 0 && len[k] < 1)
			len[k] = 1;
		if (row->part[k] <= 0)
			len[k] = 0;
		total += len[k];
	}
	/* Rounding up small parts may overflow the width: take it back from the largest. */
	while (total > w) {
		int big = 0;
		for (int k = 1; k < 4; k++)
			if (len[k] > len[big])
				big = k;
		len[big]--;
		total--;
	}
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < len[k]; i++)
			x += screen_put(s, y, x, 1, row->part_attr[k], glyphs[k]);
}

static void row_draw(struct screen *s, int y, struct rect in, const struct bar_cols *c, const struct row *row)
{
	char num[16];

	if (row->kind == ROW_TEXT) {
		screen_put_fit(s, y, in.x + row->indent, in.w - row->indent, row->attr, row->text);
		return;
	}
	screen_put_fit(s, y, in.x + row->indent, c->label_w, row->attr, row->text);
	snprintf(num, sizeof(num), "%5d", row->value);
	screen_put(s, y, in.x + c->value_x, 5, SA_BOLD, num);
	if (row->pct >= 0) {
		snprintf(num, sizeof(num), "%3d%%", row->pct);
		screen_put(s, y, in.x + c->value_x + 6, 4, SA_DIM, num);
	}
	bar_draw(s, y, in.x + c->bar_x, c->bar_w, row);
}

static void report_draw(struct app *a, struct screen *s)
{
	struct report_view *v = a->report;
	struct rect r = a->body, in, body;
	struct bar_cols c;
	struct rows rows = { NULL, 0 };
	char name[64], span[128], line[256], day[32];
	int max;

	if (!v)
		return;
	screen_fill_rect(s, r, 0);
	screen_box(s, r, SA_BOLD, "Report", SA_BOLD | SA_REVERSE);
	in = rect_inner(r);
	period_name(v, name, sizeof(name));
	period_span(v, span, sizeof(span));
	app_date_text(a->c->today, day, sizeof(day));
	snprintf(line, sizeof(line), "%s: %s · as at %s", name, span, day);
	if (text_width(line) > in.w - 2)
		snprintf(line, sizeof(line), "%s: %s", name, span);
	screen_put_fit(s, in.y, in.x + 1, in.w - 2, SA_BOLD, line);
	screen_hline(s, in.y + 1, in.x, in.w, SA_DIM);
	body = (struct rect){ in.y + 2, in.x, in.h - 4, in.w };
	screen_hline(s, in.y + in.h - 2, in.x, in.w, SA_DIM);
	if (v->prompt) {
		int lw = screen_put(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD,
		                    v->prompt == 1 ? "From (YYYY-MM-DD, empty: no start): "
		                                   : "To (YYYY-MM-DD, empty: no end): ");
		form_field_draw(s, in.y + in.h - 1, in.x + 1 + lw, 12, &v->input, true);
		screen_put_fit(s, in.y + in.h - 1, in.x + 15 + lw, in.w - 16 - lw, SA_DIM, "Enter next · Esc cancel");
	} else {
		screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_DIM,
		               "m month · Q quarter · y year · a all time · c dates · ←→ step · Esc close");
	}
	if (!v->have) {
		form_text_draw(s, body.y + 1, body.x + 1, body.w - 2, body.h - 1, SA_COLOUR(SC_OVERDUE) | SA_BOLD,
		               v->error[0] ? v->error : "No statistics");
		return;
	}
	rows_build(v, &rows, in.w);
	c = bar_cols_for(in.w);
	max = (int)rows.n - body.h;
	if (max < 0)
		max = 0;
	if (v->scroll > max)
		v->scroll = max;
	for (int i = 0; i < body.h && (size_t)(v->scroll + i) < rows.n; i++)
		row_draw(s, body.y + i, body, &c, &rows.v[v->scroll + i]);
	if (v->scroll < max)
		screen_put(s, in.y + in.h - 2, in.x + in.w - 10, 8, SA_DIM, " more ↓ ");
	else if (v->scroll > 0)
		screen_put(s, in.y + in.h - 2, in.x + in.w - 11, 9, SA_DIM, " ↑ above ");
	rows_free(&rows);
}

static struct textedit *report_field(struct app *a, bool *multiline)
{
	*multiline = false;
	return a->report && a->report->prompt ? &a->report->input : NULL;
}

static unsigned report_hints(const struct app *a)
{
	(void)a;
	return KC_BIT(KC_REPORT) | KC_BIT(KC_VIEW);
}

const struct mode_ops mode_report_ops = { report_key, report_draw, report_field, report_hints };
