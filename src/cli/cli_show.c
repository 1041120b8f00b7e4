/* The reading commands: list (text or JSON, streamed as read) and show (a dispute, its stages, its limits across stages and its journal). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"
#include "dispute/text.h"

/* One dispute as a JSON object; with its journal when recs is not NULL. */
static void json_dispute(struct ctx *c, struct sb *sb, const struct dispute *d, const struct record *recs,
                         size_t nrecs)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage *cur = dispute_current(d);
	struct left left = dispute_left(d, p, &c->cal, c->today, c->now_minute);
	size_t nrules = 0;
	int days;
	char lim[80];

	if (p)
		dispute_rules(p, d, &nrules);
	sb_append(sb, "{\"reference\":");
	text_json(sb, d->reference);
	sb_append(sb, ",\"protocol\":");
	text_json(sb, d->protocol);
	sb_printf(sb, ",\"urgent\":%s,\"status\":", d->urgent ? "true" : "false");
	text_json(sb, dispute_status_name(d->status));
	sb_append(sb, ",\"subject\":");
	text_json(sb, d->subject);
	sb_append(sb, ",\"raised_by\":");
	text_json(sb, d->raised_by);
	sb_append(sb, ",\"against\":");
	text_json(sb, d->against);
	sb_append(sb, ",\"category\":");
	text_json(sb, d->category);
	sb_append(sb, ",\"summary\":");
	text_json(sb, d->summary);
	sb_append(sb, ",\"opened\":");
	text_json_date(sb, d->opened);
	sb_append(sb, ",\"closed\":");
	text_json_date(sb, d->closed);
	sb_append(sb, ",\"outcome\":");
	text_json(sb, d->outcome);
	sb_append(sb, ",\"outstanding\":");
	text_json(sb, d->outstanding);
	sb_append(sb, ",\"formal_challenge\":");
	text_json_date(sb, d->challenged);
	cli_json_daily(c, sb, d);
	sb_printf(sb, ",\"current_stage\":%d,\"urgent_route\":%s,\"stage_count\":%zu,\"due\":",
	          cur ? stage_step(cur) : d->current_stage, cur && stage_on_own_route(p, d, cur) ? "true" : "false", nrules);
	text_json_date(sb, d->status == DS_OPEN && cur ? cur->due : DATE_NONE);
	sb_append(sb, ",\"next_deadline\":");
	text_json_date(sb, left.due);
	sb_append(sb, ",\"process_due\":");
	text_json_date(sb, d->process_due);
	sb_append(sb, ",\"referred\":");
	text_json_date(sb, d->referred);
	sb_append(sb, ",\"referred_to\":");
	text_json(sb, d->referred_to);
	sb_append(sb, ",\"working_days_left\":");
	if (left_days(&left, &days))
		sb_printf(sb, "%d", days);
	else
		sb_append(sb, "null");
	sb_append(sb, ",\"deadlines\":[");
	{
		struct deadline v[DL_COUNT];
		size_t n = dispute_deadlines(d, v);
		char what[512];

		for (size_t i = 0; i < n; i++) {
			sb_append(sb, i ? ",{\"kind\":" : "{\"kind\":");
			text_json(sb, deadline_kind_name(v[i].kind));
			sb_append(sb, ",\"what\":");
			text_json(sb, deadline_describe(p, d, &v[i], false, what, sizeof(what)));
			sb_append(sb, ",\"due\":");
			text_json_date(sb, v[i].due);
			sb_append(sb, ",\"time\":");
			text_json_time(sb, v[i].minute);
			sb_append(sb, "}");
		}
	}
	sb_append(sb, "],\"stages\":[");
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *st = &d->stages[i];
		const struct stage_rule *rule = dispute_rule(p, d, st);

		sb_printf(sb, "%s{\"number\":%d,\"step\":%d,\"urgent_route\":%s,\"name\":", i ? "," : "", st->number,
		          stage_step(st), stage_on_own_route(p, d, st) ? "true" : "false");
		text_json(sb, rule ? rule->name : "?");
		sb_append(sb, ",\"limit\":");
		text_json(sb, rule ? limit_describe(&rule->limit, lim, sizeof(lim)) : NULL);
		sb_append(sb, ",\"started\":");
		text_json_date(sb, st->started);
		sb_append(sb, ",\"due\":");
		text_json_date(sb, st->due);
		sb_append(sb, ",\"due_time\":");
		text_json_time(sb, st->due_minute);
		sb_printf(sb, ",\"due_agreed\":%s,\"due_reason\":", st->due_agreed ? "true" : "false");
		text_json(sb, st->due_reason);
		sb_append(sb, ",\"ended\":");
		text_json_date(sb, st->ended);
		sb_append(sb, ",\"how\":");
		text_json(sb, st->how == SE_NONE ? NULL : stage_end_name(st->how));
		sb_append(sb, ",\"response_due\":");
		text_json_date(sb, st->response_due);
		sb_append(sb, ",\"then_due\":");
		text_json_date(sb, st->then_due);
		sb_append(sb, ",\"then_time\":");
		text_json_time(sb, st->then_minute);
		sb_append(sb, ",\"follow_up\":");
		text_json_date(sb, st->follow_up);
		sb_printf(sb, ",\"sequence\":%d}", st->sequence);
	}
	sb_append(sb, "],\"spans\":[");
	for (size_t i = 0; p && i < p->nspans; i++) {
		const struct span_rule *sp = &p->spans[i];
		struct span span = dispute_span(d, p, &c->cal, sp, c->today);

		sb_append(sb, i ? ",{\"name\":" : "{\"name\":");
		text_json(sb, sp->name);
		sb_printf(sb, ",\"from\":%d,\"to\":%d,\"limit\":", sp->from, sp->to);
		text_json(sb, limit_describe(&sp->limit, lim, sizeof(lim)));
		sb_printf(sb, ",\"advisory\":%s,\"due\":", sp->advisory ? "true" : "false");
		text_json_date(sb, span.due);
		sb_printf(sb, ",\"running\":%s,\"passed\":%s}", span.current ? "true" : "false",
		          span.state == SPAN_PASSED || span.state == SPAN_MISSED ? "true" : "false");
	}
	sb_append(sb, "]");
	if (recs) {
		sb_append(sb, ",\"records\":[");
		for (size_t i = 0; i < nrecs; i++) {
			const struct record *r = &recs[i];
			long long by = record_corrected_by(recs, nrecs, r->id);

			sb_printf(sb, "%s{\"id\":%lld,\"date\":", i ? "," : "", r->id);
			text_json_date(sb, r->day);
			sb_append(sb, ",\"time\":");
			text_json_time(sb, r->minute);
			sb_append(sb, ",\"kind\":");
			text_json(sb, record_kind_name(r->kind));
			sb_printf(sb, ",\"stage\":%d,\"author\":", r->stage);
			text_json(sb, r->author);
			sb_append(sb, ",\"text\":");
			text_json(sb, r->text);
			sb_append(sb, ",\"amends\":");
			text_json_id(sb, r->amends);
			sb_append(sb, ",\"corrected_by\":");
			text_json_id(sb, by);
			sb_append(sb, ",\"created\":");
			text_json(sb, r->created);
			cli_json_record_detail(sb, d, r);
			sb_append(sb, "}");
		}
		sb_append(sb, "]");
	}
	sb_append(sb, "}");
}

/* Column widths of the text list, shared by the header and the rows. */
static const int list_widths[] = { 13, 10, 6, 11, 11, 6, 26 };

struct list_ctx {
	struct ctx *c;
	struct sb line;         /* one row at a time: each is printed as it is read */
	struct sb cell;         /* its STAGE cell ("U1/4"), made in place */
	bool as_json;
	int n;
};

static int list_row(const struct dispute *d, void *arg)
{
	struct list_ctx *l = arg;
	const struct protocol *p = protocol_set_find(&l->c->protocols, d->protocol);
	const struct stage *cur = dispute_current(d);
	struct left left = dispute_left(d, p, &l->c->cal, l->c->today, l->c->now_minute);
	size_t nrules = 0;
	char due[17], words[48], flags[4], *fl = flags;

	if (l->as_json) {
		l->line.len = 0;
		sb_append(&l->line, l->n ? ",\n" : "\n");
		json_dispute(l->c, &l->line, d, NULL, 0);
		fputs(l->line.s, stdout);
		l->n++;
		return 0;
	}
	if (p)
		dispute_rules(p, d, &nrules);
	/* The cells are made by hand rather than with snprintf: a list
	 * makes them by the hundred thousand. */
	l->cell.len = 0;
	sb_append(&l->cell, cur && stage_on_own_route(p, d, cur) ? "U" : "");
	sb_append_int(&l->cell, cur ? stage_step(cur) : d->current_stage);
	sb_append(&l->cell, "/");
	sb_append_int(&l->cell, (long long)nrules);
	/* the soonest running deadline, as LEFT measures it */
	if (d->status == DS_OPEN && left.due != DATE_NONE)
		date_format(left.due, due);
	else
		snprintf(due, sizeof(due), "-");
	left_text(&left, false, words, sizeof(words));
	if (d->urgent)
		*fl++ = 'U';
	if (d->challenged != DATE_NONE)
		*fl++ = 'F';
	if (d->referred != DATE_NONE)
		*fl++ = 'R';
	*fl = '\0';
	/* One line built in one buffer, written once. */
	l->line.len = 0;
	text_column(&l->line, d->reference, list_widths[0]);
	text_column(&l->line, dispute_status_name(d->status), list_widths[1]);
	text_column(&l->line, l->cell.s, list_widths[2]);
	text_column(&l->line, due, list_widths[3]);
	text_column(&l->line, *words ? words : "-", list_widths[4]);
	text_column(&l->line, flags, list_widths[5]);
	text_column(&l->line, d->against, list_widths[6]);
	text_column(&l->line, d->category, 0);
	/* Further other agencies follow the row, whole, where no column cuts them. */
	for (size_t i = 0; i < d->nothers; i++) {
		sb_append(&l->line, i ? ", " : "  also against: ");
		text_column(&l->line, d->others[i], 0);
	}
	sb_append(&l->line, "\n");
	fputs(l->line.s, stdout);
	l->n++;
	return 0;
}

static void list_header(void)
{
	static const char *const head[] = { "REFERENCE", "STATUS", "STAGE", "DUE", "LEFT", "FLAGS", "AGAINST" };

	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		cli_put_col(head[i], list_widths[i]);
	puts("CATEGORY");
}

int cmd_list(struct ctx *c, struct args *a)
{
	struct list_filter f;
	struct list_ctx l = { c, {0}, {0}, cli_flag(a, "json"), 0 };
	struct error err;
	enum status rc;

	list_filter_init(&f);
	f.search = cli_opt(a, "search");
	f.protocol = cli_opt(a, "protocol");
	if (cli_flag(a, "mine")) {
		if (!c->lead) {
			fputs("dispute: list --mine: your name is not set (dispute config --name, or DISPUTE_AUTHOR)\n",
			      stderr);
			return EXIT_REFUSED;
		}
		f.mine = c->lead;
	}
	if (cli_flag(a, "due")) {
		if (cli_flag(a, "open") || cli_flag(a, "closed") || cli_flag(a, "overdue") || cli_opt(a, "due-before")) {
			fputs("dispute: list --due lists what is due; it takes --before DATE, not --open, --closed, "
			      "--overdue or --due-before\n", stderr);
			return EXIT_USAGE;
		}
		return cli_list_due(c, a, &f);
	}
	if (cli_opt(a, "before")) {
		fputs("dispute: list: --before goes with --due\n", stderr);
		return EXIT_USAGE;
	}
	if (cli_flag(a, "open"))
		f.which = LIST_OPEN;
	if (cli_flag(a, "closed"))
		f.which = LIST_CLOSED;
	if (cli_flag(a, "open") + cli_flag(a, "closed") + cli_flag(a, "overdue") + (cli_opt(a, "due-before") != NULL) > 1) {
		fputs("dispute: list: give at most one of --open, --closed, --overdue, --due-before\n", stderr);
		return EXIT_USAGE;
	}
	if (cli_flag(a, "overdue")) {
		f.which = LIST_OPEN;
		f.overdue_on = c->today;
		f.overdue_minute = c->now_minute;
	}
	if (!cli_date_opt(a, "due-before", DATE_NONE, &f.due_before))
		return EXIT_USAGE;
	if (f.due_before != DATE_NONE)
		f.which = LIST_OPEN;
	/* A row shows no more than its dispute's further other agencies of
	 * what it holds in lists; the JSON gives them all. */
	f.rows_only = !l.as_json;
	f.rows_brief = f.rows_only;
	if (l.as_json)
		fputs("[", stdout);
	else
		list_header();
	rc = svc_list(c, &f, list_row, &l, &err);
	free(l.line.s);
	free(l.cell.s);
	if (rc != ST_OK)
		return cli_fail(&err);
	if (l.as_json)
		fputs(l.n ? "\n]\n" : "]\n", stdout);
	else if (!l.n)
		fputs("no disputes\n", stderr);
	return EXIT_OK;
}

/* ---- search ---- */

/* The hits of one dispute, as the search gives them. */
struct hit_copy {
	long long record;
	long day;
	int minute;
	enum record_kind kind;
	char *field, *text;
	struct text_span *spans;
	size_t nspans;
};

struct search_ctx {
	struct list_ctx list;
	const char *query;
	struct hit_copy *hits;
	size_t nhits;
	enum status rc;
	struct error err;
};

static int hit_keep(const struct search_hit *h, void *arg)
{
	struct search_ctx *sc = arg;
	struct hit_copy *c;

	sc->hits = xrealloc(sc->hits, (sc->nhits + 1) * sizeof(*sc->hits));
	c = &sc->hits[sc->nhits++];
	c->record = h->record;
	c->day = h->day;
	c->minute = h->minute;
	c->kind = h->kind;
	c->field = h->field ? xstrdup(h->field) : NULL;
	c->text = xstrdup(h->text ? h->text : "");
	c->spans = xmalloc((h->nspans + 1) * sizeof(*c->spans));
	if (h->nspans)
		memcpy(c->spans, h->spans, h->nspans * sizeof(*c->spans));
	c->nspans = h->nspans;
	return 0;
}

static void hits_clear(struct search_ctx *sc)
{
	for (size_t i = 0; i < sc->nhits; i++) {
		free(sc->hits[i].field);
		free(sc->hits[i].text);
		free(sc->hits[i].spans);
	}
	free(sc->hits);
	sc->hits = NULL;
	sc->nhits = 0;
}

/* Characters (code points) in s[0, n). */
static size_t chars_in(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* The byte at which the character `chars` characters after s[from] starts
 * (or before it, for a negative count), within s[0, len). */
static size_t chars_step(const char *s, size_t len, size_t from, long chars)
{
	while (chars > 0 && from < len) {
		from++;
		while (from < len && ((unsigned char)s[from] & 0xC0) == 0x80)
			from++;
		chars--;
	}
	while (chars < 0 && from > 0) {
		from--;
		while (from > 0 && ((unsigned char)s[from] & 0xC0) == 0x80)
			from--;
		chars++;
	}
	return from;
}

/* One line of what matched: the text on one line, sanitised, cut to about
 * SNIPPET_CHARS characters around the first word matched. */
#define SNIPPET_CHARS 100
#define SNIPPET_BEFORE 30
static void snippet_print(const char *label, const struct hit_copy *h)
{
	size_t nout = 0, len, from = 0, to;
	struct text_span *out = xmalloc((h->nspans + 1) * sizeof(*out));
	char *clean = text_sanitize_spans(h->text, false, h->spans, h->nspans, out, &nout);

	len = strlen(clean);
	to = len;
	if (chars_in(clean, len) > SNIPPET_CHARS) {
		if (nout && chars_in(clean, out[0].start) > SNIPPET_BEFORE) {
			from = chars_step(clean, len, out[0].start, -SNIPPET_BEFORE);
			/* From the start of a word, when one is near. */
			for (size_t i = from; i < out[0].start && i < from + 12; i++)
				if (clean[i] == ' ') {
					from = i + 1;
					break;
				}
		}
		to = chars_step(clean, len, from, SNIPPET_CHARS);
	}
	printf("    %s: %s%.*s%s\n", label, from ? "…" : "", (int)(to - from), clean + from, to < len ? "…" : "");
	free(clean);
	free(out);
}

/* The hits as text: the particulars that matched, then the first records. */
#define SEARCH_RECORDS_SHOWN 3
static void hits_print(const struct search_ctx *sc, const char *reference)
{
	size_t shown = 0, records = 0;

	for (size_t i = 0; i < sc->nhits; i++) {
		const struct hit_copy *h = &sc->hits[i];
		char label[64], when[17];

		if (!h->record) {
			snprintf(label, sizeof(label), "%s", h->field);
			for (char *p = label; *p; p++)
				if (*p == '_')
					*p = ' ';
			snippet_print(label, h);
			continue;
		}
		records++;
		if (shown++ >= SEARCH_RECORDS_SHOWN)
			continue;
		snprintf(label, sizeof(label), "#%lld %s %s", h->record, datetime_format(h->day, h->minute, when),
		         record_kind_name(h->kind));
		snippet_print(label, h);
	}
	if (records > SEARCH_RECORDS_SHOWN)
		cli_say("    and %zu more records ('dispute show %s')", records - SEARCH_RECORDS_SHOWN, reference);
}

/* The hits as a JSON array: each text whole, sanitised, with its spans
 * in characters (code points) of that text. */
static void hits_json(const struct search_ctx *sc, struct sb *sb)
{
	sb_append(sb, "[");
	for (size_t i = 0; i < sc->nhits; i++) {
		const struct hit_copy *h = &sc->hits[i];
		size_t nout = 0;
		struct text_span *out = xmalloc((h->nspans + 1) * sizeof(*out));
		char *clean = text_sanitize_spans(h->text, true, h->spans, h->nspans, out, &nout);

		sb_append(sb, i ? ",{" : "{");
		if (h->record) {
			sb_printf(sb, "\"record\":%lld,\"date\":", h->record);
			text_json_date(sb, h->day);
			sb_append(sb, ",\"time\":");
			text_json_time(sb, h->minute);
			sb_append(sb, ",\"kind\":");
			text_json(sb, record_kind_name(h->kind));
		} else {
			sb_append(sb, "\"field\":");
			text_json(sb, h->field);
		}
		sb_append(sb, ",\"text\":");
		text_json(sb, clean);
		sb_append(sb, ",\"spans\":[");
		for (size_t k = 0; k < nout; k++)
			sb_printf(sb, "%s[%zu,%zu]", k ? "," : "", chars_in(clean, out[k].start), chars_in(clean, out[k].end));
		sb_append(sb, "]}");
		free(clean);
		free(out);
	}
	sb_append(sb, "]");
}

static int search_row(const struct dispute *d, void *arg)
{
	struct search_ctx *sc = arg;
	struct list_ctx *l = &sc->list;

	hits_clear(sc);
	if ((sc->rc = svc_search_hits(l->c, sc->query, d->id, hit_keep, sc, &sc->err)) != ST_OK)
		return 1;
	if (l->as_json) {
		l->line.len = 0;
		sb_append(&l->line, l->n ? ",\n" : "\n");
		json_dispute(l->c, &l->line, d, NULL, 0);
		/* The dispute's object, with what matched in it last. */
		l->line.s[--l->line.len] = '\0';
		sb_append(&l->line, ",\"matches\":");
		hits_json(sc, &l->line);
		sb_append(&l->line, "}");
		fputs(l->line.s, stdout);
		l->n++;
		return 0;
	}
	if (!l->n)
		list_header();
	list_row(d, l);
	hits_print(sc, d->reference);
	return 0;
}

int cmd_search(struct ctx *c, struct args *a)
{
	struct list_filter f;
	struct search_ctx sc;
	struct sb query = {0};
	enum list_which which = cli_flag(a, "open") ? LIST_OPEN : cli_flag(a, "closed") ? LIST_CLOSED : LIST_ALL;
	enum status rc;
	int terms = 0, all = 0, code = EXIT_OK;

	memset(&sc, 0, sizeof(sc));
	sc.list.c = c;
	sc.list.as_json = cli_flag(a, "json");
	if (cli_flag(a, "open") && cli_flag(a, "closed")) {
		fputs("dispute: search: give at most one of --open, --closed\n", stderr);
		return EXIT_USAGE;
	}
	/* The words may come as one argument or several. */
	for (int i = 0; i < a->npos; i++)
		sb_printf(&query, "%s%s", i ? " " : "", a->pos[i]);
	sc.query = query.s;
	if ((rc = svc_search_terms(c, sc.query, &terms, &sc.err)) != ST_OK) {
		free(query.s);
		return cli_fail(&sc.err);
	}
	if (!terms) {
		cli_error("search: nothing to search for in '%s': give a word or a number", sc.query);
		free(query.s);
		return EXIT_USAGE;
	}
	list_filter_init(&f);
	f.which = which;
	f.search = sc.query;
	f.protocol = cli_opt(a, "protocol");
	if (sc.list.as_json)
		fputs("[", stdout);
	rc = svc_list(c, &f, search_row, &sc, &sc.err);
	if (rc == ST_OK)
		rc = sc.rc;
	/* What the filter left out is said, on standard error: the output
	 * stays the rows (or the JSON) alone. */
	if (rc == ST_OK && which != LIST_ALL) {
		f.which = LIST_ALL;
		rc = svc_count(c, &f, &all, &sc.err);
	}
	if (rc != ST_OK) {
		if (sc.list.as_json)
			fputs("]\n", stdout);
		code = cli_fail(&sc.err);
	} else {
		const char *shown = which == LIST_OPEN ? "open" : "closed", *other = which == LIST_OPEN ? "closed" : "open";
		int outside = all > sc.list.n ? all - sc.list.n : 0;

		if (sc.list.as_json)
			fputs(sc.list.n ? "\n]\n" : "]\n", stdout);
		if (!sc.list.n && outside)
			cli_error("no %s dispute matches '%s'; %d %s dispute%s %s (leave out --%s)", shown, sc.query, outside,
			          other, outside == 1 ? "" : "s", outside == 1 ? "does" : "do", shown);
		else if (!sc.list.n)
			cli_error("no %sdispute matches '%s'", which == LIST_ALL ? "" : which == LIST_OPEN ? "open " :
			          "closed ", sc.query);
		else if (outside)
			cli_error("%d more in %s disputes (leave out --%s)", outside, other, shown);
		code = sc.list.n ? EXIT_OK : EXIT_REFUSED;
	}
	hits_clear(&sc);
	free(sc.list.line.s);
	free(sc.list.cell.s);
	free(query.s);
	return code;
}

/* "Now:" of an open dispute: its stage and where its deadline stands; then
 * each other running deadline on a line of its own. */
static void show_now(struct ctx *c, const struct dispute *d, const struct protocol *p, size_t nrules)
{
	const struct stage *cur = dispute_current(d);
	struct deadline v[DL_COUNT];
	size_t n = dispute_deadlines(d, v);
	char buf[512], when[17], words[80], label[32], what[512];

	stage_label(p, d, cur, label, sizeof(label));
	if (!cur || cur->due == DATE_NONE) {
		snprintf(buf, sizeof(buf), "%s of %zu, no limit set (agree a date with 'dispute due')", label, nrules);
	} else {
		struct deadline dl = { DL_STAGE, cur->due, cur->due_minute };
		struct left left = deadline_left(d, p, &c->cal, &dl, c->today, c->now_minute);

		left.due_minute = TIME_NONE;    /* the time is in the date already */
		snprintf(buf, sizeof(buf), "%s of %zu, due %s (%s)", label, nrules,
		         datetime_format(cur->due, cur->due_minute, when), left_text(&left, true, words, sizeof(words)));
	}
	cli_line("Now:", buf);
	for (size_t i = 0; i < n; i++) {
		struct left left;

		if (v[i].kind == DL_STAGE || (v[i].kind == DL_INFORM && v[i].due != c->today))
			continue;
		left = deadline_left(d, p, &c->cal, &v[i], c->today, c->now_minute);
		left.due_minute = TIME_NONE;
		snprintf(buf, sizeof(buf), "%s: %s (%s)", deadline_describe(p, d, &v[i], false, what, sizeof(what)),
		         datetime_format(v[i].due, v[i].minute, when), left_text(&left, true, words, sizeof(words)));
		cli_line("Also due:", buf);
	}
}

/* One line of the stages: "> 2  Name   started ..., due ..." */
static void show_stage(const struct protocol *p, const struct dispute *d, const struct stage *st,
                       const struct stage_rule *rule, const char *mark, char current)
{
	char what[240], a1[17], a2[11], a3[11], lim[80];

	if (!st && rule->limit.kind == LIMIT_NONE)
		snprintf(what, sizeof(what), "without delay");
	else if (!st)
		snprintf(what, sizeof(what), "limit %s", limit_describe(&rule->limit, lim, sizeof(lim)));
	else if (st->ended != DATE_NONE)
		snprintf(what, sizeof(what), "%s to %s, %s", date_format(st->started, a2), date_format(st->ended, a3),
		         stage_end_name(st->how));
	else if (st->due == DATE_NONE)
		snprintf(what, sizeof(what), "started %s, no limit set", date_format(st->started, a2));
	else
		snprintf(what, sizeof(what), "started %s, due %s%s", date_format(st->started, a2),
		         datetime_format(st->due, st->due_minute, a1), st->due_agreed ? " (agreed)" : "");
	printf("  %c %-3s ", current, mark);
	cli_put_col(rule ? rule->name : "?", 48);
	printf(" %s\n", what);
	if (st && st->response_due != DATE_NONE && rule && rule->response) {
		printf("         ");
		cli_put_col(rule->response, 48);
		printf(" due %s\n", date_format(st->response_due, a2));
	}
	(void)p;
	(void)d;
}

static void show_text(struct ctx *c, const struct dispute *d, const struct record *recs, size_t nrecs)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage_rule *rules = NULL;
	const struct category *cat = p ? protocol_category(p, d->category) : NULL;
	const struct stage *cur = dispute_current(d);
	size_t nrules = 0;
	char buf[512], a1[17], a2[11], a3[11], lim[80], mark[32];

	if (p)
		rules = dispute_rules(p, d, &nrules);
	cli_put_col(d->reference, 0);
	printf("  %s%s\n", dispute_status_name(d->status), d->urgent ? "  URGENT" : "");
	snprintf(buf, sizeof(buf), "%s (%s)", p ? p->title : "unknown protocol", d->protocol);
	cli_line("Protocol:", buf);
	for (size_t i = 0; i < dispute_subject_count(d); i++)
		cli_line(i ? "" : dispute_subject_count(d) > 1 ? "Subjects:" : "Subject:", dispute_subject(d, i));
	cli_line("Raised by:", d->raised_by);
	for (size_t i = 0; i < dispute_agency_count(d); i++)
		cli_line(i ? "" : "Against:", dispute_agency(d, i));
	if (d->owner)
		cli_line("Held by:", d->owner);
	cli_line("Category:", cat ? cat->label : d->category);
	cli_line("Summary:", d->summary);
	cli_line("Opened:", date_format(d->opened, a2));
	cli_line("Formal challenge:", d->challenged == DATE_NONE ? "no" : date_format(d->challenged, a3));
	if (d->referred != DATE_NONE) {
		snprintf(buf, sizeof(buf), "%s on %s (to: %s)", p && p->body ? p->body : "the partnership",
		         date_format(d->referred, a2), d->referred_to ? d->referred_to : "");
		cli_line("Referred:", buf);
	}
	if (d->status != DS_OPEN) {
		cli_line("Closed:", date_format(d->closed, a2));
		cli_line(d->status == DS_RESOLVED ? "Outcome:" : d->status == DS_WITHDRAWN ? "Reason:" : "Referred on to:",
		          d->outcome);
		if (d->outstanding)
			cli_line("Outstanding:", d->outstanding);
	} else {
		show_now(c, d, p, nrules);
	}
	/* The stages as they ran (a change of route or a reopening adds one),
	 * then those still to come on the route the dispute is on. */
	puts("\nStages");
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *st = &d->stages[i];

		snprintf(mark, sizeof(mark), "%s%d", stage_on_own_route(p, d, st) ? "U" : "", stage_step(st));
		show_stage(p, d, st, dispute_rule(p, d, st), mark,
		           st->ended == DATE_NONE && d->status == DS_OPEN ? '>' : ' ');
	}
	for (size_t i = cur ? (size_t)stage_step(cur) : 0; rules && i < nrules; i++) {
		snprintf(mark, sizeof(mark), "%s%zu", cur && stage_on_own_route(p, d, cur) ? "U" : "", i + 1);
		show_stage(p, d, NULL, &rules[i], mark, ' ');
	}
	for (size_t i = 0; p && i < p->nspans; i++) {
		const struct span_rule *sp = &p->spans[i];
		struct span span = dispute_span(d, p, &c->cal, sp, c->today);
		bool passed = span.state == SPAN_PASSED || span.state == SPAN_MISSED;

		if (i == 0)
			puts("\nLimits across stages");
		if (span.due != DATE_NONE)
			snprintf(buf, sizeof(buf), ", due %s%s", date_format(span.due, a2),
			         passed ? (sp->advisory ? " (passed)" : span.state == SPAN_MISSED ? " (missed)" : " (overdue)")
			                : span.state == SPAN_MET ? " (met)" : "");
		else
			buf[0] = '\0';
		cli_say("  stages %d-%d  %s: %s%s%s", sp->from, sp->to, sp->name, limit_describe(&sp->limit, lim, sizeof(lim)),
		        sp->advisory ? " (advisory)" : "", buf);
	}
	cli_show_daily(c, d);
	puts("\nRecords");
	if (!nrecs)
		puts("  (none)");
	for (size_t i = 0; i < nrecs; i++) {
		char *clean = text_sanitize(recs[i].text, true);
		long long by = record_corrected_by(recs, nrecs, recs[i].id);
		char *line, *save = NULL;

		printf("  #%lld %s [%s] %s, ", recs[i].id, datetime_format(recs[i].day, recs[i].minute, a1),
		       dispute_stage_text(p, d, recs[i].stage, mark, sizeof(mark)), record_kind_name(recs[i].kind));
		cli_put_col(recs[i].author, 0);
		if (recs[i].amends)
			printf(", corrects #%lld", recs[i].amends);
		if (by)
			printf(", corrected by #%lld", by);
		fputs(":\n", stdout);
		for (line = strtok_r(clean, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			printf("      %s\n", line);
		free(clean);
		cli_show_record_detail(c, d, &recs[i]);
	}
}

int cmd_show(struct ctx *c, struct args *a)
{
	struct dispute d;
	struct record *recs = NULL;
	size_t nrecs = 0;
	struct error err;

	dispute_init(&d);
	if (svc_load(c, a->pos[0], &d, &recs, &nrecs, &err) != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	if (cli_flag(a, "json")) {
		struct sb sb = {0};

		json_dispute(c, &sb, &d, recs, nrecs);
		puts(sb.s);
		free(sb.s);
	} else {
		show_text(c, &d, recs, nrecs);
	}
	for (size_t i = 0; i < nrecs; i++)
		record_free(&recs[i]);
	free(recs);
	dispute_free(&d);
	return EXIT_OK;
}
