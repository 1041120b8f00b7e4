/* `dispute import`: an escalation log kept as a spreadsheet, read as CSV, every row checked by the rules of the commands, and all of it written in one transaction with events that say where it came from, or none of it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "dispute/csvin.h"
#include "dispute/date.h"
#include "dispute/import.h"
#include "dispute/journal.h"
#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/store.h"
#include "dispute/text.h"
#include "service_impl.h"

/* A log of 100,000 disputes is some 50 MB; a file far larger is not one. */
#define IMPORT_FILE_MAX (512L * 1024 * 1024)
#define MAP_FILE_MAX (64 * 1024)
/* The events of one dispute: opened, a date agreed, each escalation, a
 * challenge, the close. */
#define STEPS_MAX (IMPORT_STAGES + 4)

/* A reference the file gives, to find it given twice. */
struct ref_seen {
	char key[16];           /* upper case */
	long line;
};

/* How the disputes opened in a year are numbered. */
struct year_next {
	int year;
	long long given_max;    /* the highest D-YYYY-N the file gives itself */
	long long first;        /* the number the store would give next, 0 until asked */
	long long next;         /* the number the next row without a reference takes */
};

enum pass { PASS_SCAN, PASS_ROWS };

struct run {
	struct ctx *c;
	const struct import_map *map;
	struct import_columns cols;
	bool have_header;
	enum pass pass;
	bool write;             /* not a dry run: good rows are written while no row has been refused */
	struct store_bulk *bulk;
	const char *path;
	char *file;             /* the file's base name, as the journal says it */
	char sha[2 * 32 + 1];
	struct ref_seen *refs;
	size_t nrefs, caprefs;
	struct year_next *years;
	size_t nyears;
	import_fn fn;
	void *arg;
	struct import_result *out;
	enum status rc;         /* a failure that stops the import (the database) */
	struct error *err;
};

/* One row being read. */
struct row {
	long line;
	const char *v[IMPORT_SLOTS];    /* the cell, or the map's default; NULL when empty */
	char *text[IMPORT_SLOTS];       /* checked copies of the text fields */
	long day[IMPORT_SLOTS];
	int problems;
};

struct step {
	long day;
	char *text;
	struct dispute after;
};

/* Says a problem of row w in slot (-1: the row as a whole) to the caller. */
static void problem(struct run *r, struct row *w, int slot, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct run *r, struct row *w, int slot, const char *fmt, ...)
{
	struct import_note n;
	char field[40], *msg;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)(len > 0 ? len : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)(len > 0 ? len : 0) + 1, fmt, ap);
	va_end(ap);
	memset(&n, 0, sizeof(n));
	n.line = w->line;
	n.refused = true;
	n.message = msg;
	if (slot >= 0) {
		n.field = import_slot_name(slot, field, sizeof(field));
		if (r->cols.dflt[slot] && w->v[slot] == r->cols.dflt[slot])
			n.from_default = true;
		else if (r->cols.col[slot] >= 0)
			n.column = r->cols.heading[r->cols.col[slot]];
	}
	w->problems++;
	r->out->problems++;
	if (r->fn)
		r->fn(&n, r->arg);
	free(msg);
}

/* ---- references ---- */

static void ref_key(const char *ref, char key[16])
{
	size_t i;

	for (i = 0; i < 15 && ref[i]; i++)
		key[i] = (ref[i] >= 'a' && ref[i] <= 'z') ? (char)(ref[i] - 'a' + 'A') : ref[i];
	key[i] = '\0';
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_seen *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The first line of the file that gives ref (the refs are sorted). */
static long ref_first_line(const struct run *r, const char *ref)
{
	struct ref_seen probe;
	size_t lo = 0, hi = r->nrefs;

	ref_key(ref, probe.key);
	probe.line = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ref_cmp(&r->refs[mid], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nrefs && strcmp(r->refs[lo].key, probe.key) == 0 ? r->refs[lo].line : 0;
}

static struct year_next *year_get(struct run *r, int year)
{
	for (size_t i = 0; i < r->nyears; i++)
		if (r->years[i].year == year)
			return &r->years[i];
	r->years = xrealloc(r->years, (r->nyears + 1) * sizeof(*r->years));
	memset(&r->years[r->nyears], 0, sizeof(r->years[0]));
	r->years[r->nyears].year = year;
	return &r->years[r->nyears++];
}

/* The next reference for a dispute opened on `opened`, after every
 * number the store has given and every one the file gives itself. */
static enum status ref_assign(struct run *r, long opened, char ref[16], struct error *err)
{
	struct year_next *y;
	char buf[48];
	int yy, mm, dd;
	enum status rc;

	date_to_ymd(opened, &yy, &mm, &dd);
	y = year_get(r, yy);
	if (!y->first) {
		if ((rc = store_bulk_reference_next(r->bulk, yy, &y->first, err)) != ST_OK)
			return rc;
		if (y->first <= y->given_max)
			y->first = y->given_max + 1;
		y->next = y->first;
	}
	if (y->next > 99999999)
		return error_set(err, ST_REFUSED, "no dispute numbers left for %04d", yy);
	snprintf(buf, sizeof(buf), "D-%04d-%04lld", yy, y->next++);
	memcpy(ref, buf, 16);
	ref[15] = '\0';
	return ST_OK;
}

/* ---- a row's cells ---- */

/* A text field checked as `new` checks it; NULL (and a problem said) when it fails. */
static void take_text(struct run *r, struct row *w, int slot, bool multiline, size_t max)
{
	struct error err;
	char *copy;

	if (!w->v[slot])
		return;
	if (strlen(w->v[slot]) > max) {
		problem(r, w, slot, "%zu bytes; the limit is %zu bytes", strlen(w->v[slot]), max);
		return;
	}
	copy = xstrdup(w->v[slot]);
	if (text_check(copy, multiline, max, "the value", &err) != ST_OK) {
		problem(r, w, slot, "%s", err.msg);
		free(copy);
		return;
	}
	w->text[slot] = copy;
}

static void take_date(struct run *r, struct row *w, int slot)
{
	w->day[slot] = DATE_NONE;
	if (!w->v[slot])
		return;
	if (import_date(r->map, w->v[slot], &w->day[slot]))
		return;
	if (r->map && r->map->date_format[0])
		problem(r, w, slot, "'%s' is not a date in %s (nor YYYY-MM-DD)", w->v[slot], r->map->date_words);
	else
		problem(r, w, slot, "'%s' is not a date: write YYYY-MM-DD, or give date_format in a map file",
		        w->v[slot]);
}

static void need(struct run *r, struct row *w, int slot, const char *what)
{
	if (!w->v[slot])
		problem(r, w, slot, "empty: a dispute needs %s", what);
}

/* The values of every slot, each read and checked alone; the problems
 * said.  *p receives the protocol when it is known. */
static void row_read(struct run *r, struct row *w, const struct protocol **p, bool *urgent,
                     enum dispute_status *status, int *stage, bool agreed[IMPORT_STAGES + 1])
{
	struct ctx *c = r->c;
	struct error err;
	const char *v;
	char a[11], b[11];
	bool status_known = true;

	*p = NULL;
	*urgent = false;
	*status = DS_OPEN;
	*stage = 0;
	need(r, w, IF_PROTOCOL, "the protocol it runs under");
	need(r, w, IF_SUBJECT, "its subject");
	need(r, w, IF_RAISED_BY, "the agency that raised it");
	need(r, w, IF_AGAINST, "the other agency");
	need(r, w, IF_CATEGORY, "its category");
	need(r, w, IF_SUMMARY, "a summary");
	need(r, w, IF_OPENED, "the date it was opened");
	if ((v = w->v[IF_REFERENCE])) {
		long first;
		bool taken = false;

		if (!import_reference_ok(v)) {
			problem(r, w, IF_REFERENCE, "'%s' cannot be a reference: 1 to 15 letters, digits, '-', '_' or '.', "
			        "starting with a letter or digit", v);
		} else if ((first = ref_first_line(r, v)) && first != w->line) {
			problem(r, w, IF_REFERENCE, "%s is the reference of line %ld too", v, first);
		} else if ((r->rc = store_bulk_reference_taken(r->bulk, v, &taken, r->err)) != ST_OK) {
			return;
		} else if (taken) {
			problem(r, w, IF_REFERENCE, "%s is already in the database", v);
		}
	}
	if ((v = w->v[IF_PROTOCOL]) && ctx_protocol(c, v, p, &err) != ST_OK)
		problem(r, w, IF_PROTOCOL, "%s (see 'dispute protocols')", err.msg);
	if ((v = w->v[IF_URGENT]) && !import_bool(v, urgent))
		problem(r, w, IF_URGENT, "'%s' is neither yes nor no (true, false, yes, no, 1, 0)", v);
	if ((v = w->v[IF_STATUS]) && !import_status(r->map, v, status)) {
		problem(r, w, IF_STATUS, "'%s' is not a status: open, resolved, withdrawn or referred%s", v,
		        r->map ? " (or a word the map's [status] gives)" : "");
		status_known = false;
	}
	take_text(r, w, IF_SUBJECT, false, LINE_MAX_LEN);
	take_text(r, w, IF_RAISED_BY, false, LINE_MAX_LEN);
	take_text(r, w, IF_AGAINST, false, LINE_MAX_LEN);
	take_text(r, w, IF_CATEGORY, false, LINE_MAX_LEN);
	take_text(r, w, IF_SUMMARY, true, TEXT_MAX);
	take_text(r, w, IF_OUTCOME, true, TEXT_MAX);
	take_text(r, w, IF_OUTSTANDING, true, TEXT_MAX);
	take_text(r, w, IF_DUE_REASON, false, LINE_MAX_LEN);
	take_text(r, w, IF_OWNER, false, LINE_MAX_LEN);
	take_text(r, w, IF_REFERRED_TO, false, LINE_MAX_LEN);
	take_date(r, w, IF_OPENED);
	take_date(r, w, IF_CLOSED);
	take_date(r, w, IF_CHALLENGED);
	take_date(r, w, IF_DUE);
	take_date(r, w, IF_REFERRED);
	if (w->v[IF_REFERRED] && !w->v[IF_REFERRED_TO])
		problem(r, w, IF_REFERRED_TO, "empty: a dispute referred to the partnership needs whom it was referred to");
	if (w->v[IF_REFERRED_TO] && !w->v[IF_REFERRED])
		problem(r, w, IF_REFERRED, "empty: a dispute referred to the partnership needs the date it was referred");
	if ((v = w->v[IF_CURRENT_STAGE])) {
		char *end;
		long n = strtol(v, &end, 10);

		if (*end || end == v || n < 1 || n > IMPORT_STAGES)
			problem(r, w, IF_CURRENT_STAGE, "'%s' is not a stage number", v);
		else
			*stage = (int)n;
	}
	for (int n = 1; n <= r->cols.top_stage; n++) {
		int s = import_stage_slot(n, ISF_DUE_AGREED);

		take_date(r, w, import_stage_slot(n, ISF_STARTED));
		take_date(r, w, import_stage_slot(n, ISF_DUE));
		take_text(r, w, import_stage_slot(n, ISF_DUE_REASON), false, LINE_MAX_LEN);
		take_date(r, w, import_stage_slot(n, ISF_RESPONSE_DUE));
		agreed[n] = false;
		if (w->v[s] && !import_bool(w->v[s], &agreed[n]))
			problem(r, w, s, "'%s' is neither yes nor no (true, false, yes, no, 1, 0)", w->v[s]);
	}
	if (*p && w->text[IF_CATEGORY]) {
		const struct category *cat;

		if (protocol_category_find(*p, w->text[IF_CATEGORY], &cat, &err) != ST_OK)
			problem(r, w, IF_CATEGORY, "%s", err.msg);
	}
	if (w->text[IF_RAISED_BY] && w->text[IF_AGAINST] && ascii_casecmp(w->text[IF_RAISED_BY], w->text[IF_AGAINST]) == 0)
		problem(r, w, IF_AGAINST, "the same agency as raised it (%s)", w->text[IF_RAISED_BY]);
	if (w->day[IF_OPENED] != DATE_NONE && w->day[IF_OPENED] > c->today)
		problem(r, w, IF_OPENED, "%s is after today (%s)", date_format(w->day[IF_OPENED], a),
		        date_format(c->today, b));
	if (!status_known) {
		/* what the closing fields need is not known */
	} else if (*status == DS_OPEN) {
		if (w->v[IF_CLOSED])
			problem(r, w, IF_CLOSED, "an open dispute has no closing date (its status is open)");
		if (w->v[IF_OUTCOME])
			problem(r, w, IF_OUTCOME, "an open dispute has no outcome yet (its status is open)");
	} else {
		static const char *const what[] = { "", "what was agreed", "why it was withdrawn", "to whom it was referred" };

		if (!w->v[IF_CLOSED])
			problem(r, w, IF_CLOSED, "empty: a %s dispute needs the date it was closed",
			        dispute_status_name(*status));
		if (!w->v[IF_OUTCOME])
			problem(r, w, IF_OUTCOME, "empty: a %s dispute needs %s", dispute_status_name(*status), what[*status]);
	}
	if (status_known && w->v[IF_OUTSTANDING] && *status != DS_RESOLVED)
		problem(r, w, IF_OUTSTANDING, "only a resolved dispute has outstanding issues");
}

/* The stage the row is at: current_stage, else the last stage with a start. */
static int row_stage(struct run *r, struct row *w, const struct protocol *p, bool urgent, int stage)
{
	size_t nrules = 0;
	int last = 1;
	long opened = w->day[IF_OPENED];
	char a[11], b[11];

	for (int n = 1; n <= r->cols.top_stage; n++)
		if (w->v[import_stage_slot(n, ISF_STARTED)])
			last = n;
	if (!stage)
		stage = last;
	else if (last > stage)
		problem(r, w, import_stage_slot(last, ISF_STARTED), "stage %d started, yet the dispute is at stage %d "
		        "(current_stage)", last, stage);
	protocol_stages(p, urgent, &nrules);
	if ((size_t)stage > nrules) {
		problem(r, w, w->v[IF_CURRENT_STAGE] ? IF_CURRENT_STAGE : import_stage_slot(stage, ISF_STARTED),
		        "stage %d: %s has %zu stages%s", stage, p->id, nrules, urgent ? " on its urgent route" : "");
		return 0;
	}
	for (int n = 2; n <= stage; n++)
		if (!w->v[import_stage_slot(n, ISF_STARTED)])
			problem(r, w, import_stage_slot(n, ISF_STARTED), "empty: the dispute is at stage %d, and stage %d "
			        "needs the date it started", stage, n);
	if (w->day[import_stage_slot(1, ISF_STARTED)] != DATE_NONE && opened != DATE_NONE &&
	    w->day[import_stage_slot(1, ISF_STARTED)] != opened)
		problem(r, w, import_stage_slot(1, ISF_STARTED), "%s: stage 1 starts on the day the dispute was opened (%s)",
		        date_format(w->day[import_stage_slot(1, ISF_STARTED)], a), date_format(opened, b));
	if (w->day[IF_DUE] != DATE_NONE && w->day[import_stage_slot(stage, ISF_DUE)] != DATE_NONE &&
	    w->day[IF_DUE] != w->day[import_stage_slot(stage, ISF_DUE)])
		problem(r, w, IF_DUE, "%s, but stage.%d.due says %s", date_format(w->day[IF_DUE], a), stage,
		        date_format(w->day[import_stage_slot(stage, ISF_DUE)], b));
	return stage;
}

/* ---- the events ---- */

static void steps_free(struct step *steps, int n)
{
	for (int i = 0; i < n; i++) {
		free(steps[i].text);
		dispute_free(&steps[i].after);
	}
}

static void step_add(struct step *steps, int *n, long day, char *text, const struct dispute *d)
{
	steps[*n].day = day;
	steps[*n].text = text;
	dispute_init(&steps[*n].after);
	dispute_copy(&steps[*n].after, d);
	(*n)++;
}

/* Applies one change as the commands would, as an event of the import;
 * a refusal is said as a problem of slot. */
static bool change(struct run *r, struct row *w, const struct protocol *p, struct dispute *d, struct svc_change *ch,
                   long day, int slot, struct step *steps, int *nsteps)
{
	struct error err;
	enum status rc = ST_OK;
	char *text = svc_change_text(r->c, p, d, ch, true, &rc, &err);

	if (!text) {
		problem(r, w, slot, "%s", err.msg);
		return false;
	}
	step_add(steps, nsteps, day, text, d);
	return true;
}

/* The stage's due date as the row gives it, or DATE_NONE. */
static long stage_due(const struct row *w, int n, int stage)
{
	long due = w->day[import_stage_slot(n, ISF_DUE)];

	return due == DATE_NONE && n == stage ? w->day[IF_DUE] : due;
}

static const char *stage_reason(const struct row *w, int n, int stage)
{
	const char *why = w->text[import_stage_slot(n, ISF_DUE_REASON)];

	return !why && n == stage ? w->text[IF_DUE_REASON] : why;
}

static int due_slot(const struct row *w, int n, int stage)
{
	return w->day[import_stage_slot(n, ISF_DUE)] == DATE_NONE && n == stage ? IF_DUE : import_stage_slot(n, ISF_DUE);
}

/* The referral to the partnership's own body the row gives (referred,
 * referred_to), as `refer` makes it: the dispute stays open.  Whom it
 * names must be that body. */
static bool refer_partnership(struct run *r, struct row *w, const struct protocol *p, struct dispute *d,
                              struct step *steps, int *nsteps)
{
	struct svc_change ch;

	if (!protocol_names_body(p, w->text[IF_REFERRED_TO])) {
		if (p->body)
			problem(r, w, IF_REFERRED_TO, "'%s' is not %s: a dispute referred anywhere else is closed (status "
			        "referred, and whom to in outcome)", w->text[IF_REFERRED_TO], p->body);
		else
			problem(r, w, IF_REFERRED_TO, "%s names no partnership body that keeps a dispute open: a referred "
			        "dispute is closed (status referred, and whom to in outcome)", p->id);
		return false;
	}
	svc_change_init(&ch, SVC_REFER);
	ch.on = w->day[IF_REFERRED];
	ch.text = w->text[IF_REFERRED_TO];
	return change(r, w, p, d, &ch, ch.on, IF_REFERRED, steps, nsteps);
}

/* The dispute of a row whose cells are all good, built through the rules
 * of `new` and the changes, one event each; false when a rule refuses. */
static bool row_build(struct run *r, struct row *w, const struct protocol *p, bool urgent, enum dispute_status status,
                      int stage, const bool agreed[IMPORT_STAGES + 1], struct dispute *d, struct step *steps,
                      int *nsteps)
{
	struct ctx *c = r->c;
	struct dispute_new a;
	struct svc_change ch;
	struct error err;
	long response;
	long challenged = w->day[IF_CHALLENGED], referred = w->day[IF_REFERRED];

	memset(&a, 0, sizeof(a));
	a.subject = w->text[IF_SUBJECT];
	a.raised_by = w->text[IF_RAISED_BY];
	a.against = w->text[IF_AGAINST];
	a.category = w->text[IF_CATEGORY];
	a.summary = w->text[IF_SUMMARY];
	a.urgent = urgent;
	a.opened = w->day[IF_OPENED];
	a.minute = TIME_NONE;
	/* Held by the lead the log names, else by the one importing it, as
	 * a dispute opened with `new` is. */
	a.owner = w->text[IF_OWNER] ? w->text[IF_OWNER] : c->lead;
	if (dispute_open(d, p, &c->cal, &a, c->today, &err) != ST_OK) {
		problem(r, w, IF_OPENED, "%s", err.msg);
		return false;
	}
	step_add(steps, nsteps, d->opened, svc_opened_text(p, d), d);
	for (int n = 1; n <= stage; n++) {
		long due = stage_due(w, n, stage);
		long started = n == 1 ? d->opened : w->day[import_stage_slot(n, ISF_STARTED)];

		/* A challenge goes in among the stages where its date falls, so
		 * its event names the stage the dispute was at. */
		if (n > 1 && challenged != DATE_NONE && challenged < started) {
			svc_change_init(&ch, SVC_CHALLENGE);
			ch.on = challenged;
			if (!change(r, w, p, d, &ch, challenged, IF_CHALLENGED, steps, nsteps))
				return false;
			challenged = DATE_NONE;
		}
		if (n > 1 && referred != DATE_NONE && referred < started) {
			if (!refer_partnership(r, w, p, d, steps, nsteps))
				return false;
			referred = DATE_NONE;
		}
		if (n > 1) {
			struct dispute trial;
			bool ok;

			/* The date alone first: a refusal then is the start's. */
			dispute_init(&trial);
			dispute_copy(&trial, d);
			ok = dispute_escalate(&trial, p, &c->cal, started, started == c->today ? c->now_minute : TIME_NONE,
			                      DATE_NONE, NULL, c->today, &err) == ST_OK;
			if (!ok)
				problem(r, w, import_stage_slot(n, ISF_STARTED), "%s", err.msg);
			else if (due == dispute_current(&trial)->due && !agreed[n])
				due = DATE_NONE;
			dispute_free(&trial);
			if (!ok)
				return false;
			svc_change_init(&ch, SVC_ESCALATE);
			ch.on = started;
			ch.due = due;
			ch.text = due == DATE_NONE ? NULL : stage_reason(w, n, stage);
			if (!change(r, w, p, d, &ch, started, due_slot(w, n, stage), steps, nsteps))
				return false;
		} else if (due != DATE_NONE && (due != d->stages[0].due || agreed[1])) {
			svc_change_init(&ch, SVC_SET_DUE);
			ch.due = due;
			ch.text = stage_reason(w, 1, stage);
			if (!change(r, w, p, d, &ch, d->opened, due_slot(w, 1, stage), steps, nsteps))
				return false;
		}
		/* A second timescale agreed other than the stage's limit. */
		response = w->day[import_stage_slot(n, ISF_RESPONSE_DUE)];
		if (response != DATE_NONE && response != dispute_current(d)->response_due) {
			svc_change_init(&ch, SVC_SET_DUE);
			ch.on = dispute_current(d)->started;
			ch.response = response;
			ch.text = stage_reason(w, n, stage);
			if (!change(r, w, p, d, &ch, ch.on, import_stage_slot(n, ISF_RESPONSE_DUE), steps, nsteps))
				return false;
		}
	}
	if (challenged != DATE_NONE) {
		svc_change_init(&ch, SVC_CHALLENGE);
		ch.on = challenged;
		if (!change(r, w, p, d, &ch, challenged, IF_CHALLENGED, steps, nsteps))
			return false;
	}
	if (referred != DATE_NONE && !refer_partnership(r, w, p, d, steps, nsteps))
		return false;
	if (status != DS_OPEN) {
		svc_change_init(&ch, status == DS_RESOLVED ? SVC_RESOLVE : status == DS_WITHDRAWN ? SVC_WITHDRAW : SVC_REFER);
		ch.on = w->day[IF_CLOSED];
		ch.text = w->text[IF_OUTCOME];
		ch.text2 = w->text[IF_OUTSTANDING];
		if (!change(r, w, p, d, &ch, ch.on, IF_CLOSED, steps, nsteps))
			return false;
		/* Referring to the partnership's own body keeps a dispute open. */
		if (d->status == DS_OPEN) {
			problem(r, w, IF_OUTCOME, "'%s' names %s: a referral there keeps the dispute open (referred, "
			        "referred_to); status referred is for one referred on beyond it", w->text[IF_OUTCOME], p->body);
			return false;
		}
	}
	return true;
}

/* Writes the dispute and its events: each event holds what changed from
 * the one before, so that verify replays the dispute from them. */
static enum status row_write(struct run *r, struct row *w, struct dispute *d, struct step *steps, int nsteps,
                             struct error *err)
{
	struct ctx *c = r->c;
	enum status rc = store_bulk_dispute(r->bulk, d, err);

	for (int i = 0; rc == ST_OK && i < nsteps; i++) {
		struct dispute *after = &steps[i].after;
		struct record rec;

		/* The stored spelling of the agencies, and the id, in every state. */
		after->id = d->id;
		free(after->raised_by);
		after->raised_by = xstrdup(d->raised_by);
		free(after->against);
		after->against = xstrdup(d->against);
		record_init(&rec);
		rec.state = journal_delta(i ? &steps[i - 1].after : NULL, after);
		rec.dispute_id = d->id;
		rec.day = steps[i].day;
		rec.minute = rec.day == c->today ? c->now_minute : TIME_NONE;
		rec.kind = RK_EVENT;
		rec.stage = after->current_stage;
		rec.author = xstrdup(c->author);
		if (i == 0)
			rec.text = xasprintf("%s\nImported from %s, line %ld (SHA-256 of the file: %s).", steps[i].text, r->file,
			                     w->line, r->sha);
		else
			rec.text = xasprintf("%s\nImported from %s, line %ld.", steps[i].text, r->file, w->line);
		rc = store_bulk_record(r->bulk, &rec, err);
		record_free(&rec);
	}
	return rc;
}

static void row_run(struct run *r, struct row *w)
{
	struct step steps[STEPS_MAX];
	const struct protocol *p;
	enum dispute_status status;
	bool urgent, agreed[IMPORT_STAGES + 1];
	int stage, nsteps = 0;
	struct dispute d;

	row_read(r, w, &p, &urgent, &status, &stage, agreed);
	if (r->rc != ST_OK)
		return;
	if (w->problems || !p)
		return;
	if (!(stage = row_stage(r, w, p, urgent, stage)) || w->problems)
		return;
	dispute_init(&d);
	if (row_build(r, w, p, urgent, status, stage, agreed, &d, steps, &nsteps)) {
		char ref[16];
		long long id;

		if (w->v[IF_REFERENCE])
			snprintf(ref, sizeof(ref), "%s", w->v[IF_REFERENCE]);
		else
			r->rc = ref_assign(r, d.opened, ref, r->err);
		if (r->rc == ST_OK) {
			memcpy(d.reference, ref, sizeof(d.reference));
			for (int i = 0; i < nsteps; i++)
				memcpy(steps[i].after.reference, ref, sizeof(ref));
			/* The agencies as they are spelt in the database already
			 * (a write takes the spelling as it adds them). */
			if (!r->write) {
				r->rc = store_bulk_agency(r->bulk, d.raised_by, false, &id, &d.raised_by, r->err);
				if (r->rc == ST_OK)
					r->rc = store_bulk_agency(r->bulk, d.against, false, &id, &d.against, r->err);
			}
		}
		/* Once a row is refused nothing more is written: the whole
		 * transaction is rolled back, the rows are only checked. */
		if (r->rc == ST_OK && r->write && !r->out->refused)
			r->rc = row_write(r, w, &d, steps, nsteps, r->err);
		if (r->rc == ST_OK) {
			r->out->created++;
			if (!r->write && r->fn) {
				struct import_note n;

				memset(&n, 0, sizeof(n));
				n.line = w->line;
				n.dispute = &d;
				r->fn(&n, r->arg);
			}
		}
	}
	steps_free(steps, nsteps);
	dispute_free(&d);
}

/* ---- the file ---- */

static int on_record(const struct csvin_record *rec, void *arg)
{
	struct run *r = arg;
	struct row w;

	if (!r->have_header) {
		/* The header is read once, by the first pass. */
		r->have_header = true;
		if (r->pass == PASS_SCAN) {
			r->rc = import_columns_read(r->map, rec->cells, rec->ncells, &r->cols, r->err);
			if (r->rc != ST_OK) {
				char *msg = xstrdup(r->err->msg);

				error_set(r->err, ST_INVALID, "%s:%ld: %s", r->path, rec->line, msg);
				free(msg);
			}
		}
		return r->rc != ST_OK;
	}
	memset(&w, 0, sizeof(w));
	w.line = rec->line;
	for (int s = 0; s < IMPORT_SLOTS; s++) {
		int col = r->cols.col[s];
		const char *v = col >= 0 && (size_t)col < rec->ncells ? rec->cells[col] : NULL;

		w.v[s] = v && *v ? v : r->cols.dflt[s];
		w.day[s] = DATE_NONE;
	}
	if (r->pass == PASS_SCAN) {
		const char *ref = w.v[IF_REFERENCE];
		int year;
		long long number;

		if (ref && import_reference_ok(ref)) {
			if (r->nrefs == r->caprefs) {
				r->caprefs = r->caprefs ? r->caprefs * 2 : 256;
				r->refs = xrealloc(r->refs, r->caprefs * sizeof(*r->refs));
			}
			ref_key(ref, r->refs[r->nrefs].key);
			r->refs[r->nrefs++].line = w.line;
			if (import_reference_number(ref, &year, &number) && year_get(r, year)->given_max < number)
				year_get(r, year)->given_max = number;
		}
		r->out->rows++;
		return 0;
	}
	if (rec->ncells > r->cols.ncols) {
		problem(r, &w, -1, "the row has %zu cells; the header has %zu", rec->ncells, r->cols.ncols);
	} else {
		row_run(r, &w);
	}
	for (int s = 0; s < IMPORT_SLOTS; s++)
		free(w.text[s]);
	if (w.problems)
		r->out->refused++;
	return r->rc != ST_OK;
}

/* One pass over the file. */
static enum status pass_run(struct run *r, enum pass pass, const char *text, size_t len)
{
	long bad_line;
	enum status rc;

	r->pass = pass;
	r->have_header = false;
	rc = csvin_read(text, len, on_record, r, &bad_line, r->err);
	if (rc != ST_OK) {
		char *msg = xstrdup(r->err->msg);

		error_set(r->err, ST_INVALID, "%s:%ld: %s", r->path, bad_line, msg);
		free(msg);
		return rc;
	}
	if (r->rc != ST_OK)
		return r->rc;
	if (!r->have_header)
		return error_set(r->err, ST_INVALID, "%s: empty: no header and no rows", r->path);
	return ST_OK;
}

static void sha256_hex(const char *text, size_t len, char out[65])
{
	struct sha256_ctx ctx;
	unsigned char md[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)text);
	sha256_digest(&ctx, sizeof(md), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Every year's counter moved past the references the import used. */
static enum status years_mark(struct run *r, struct error *err)
{
	enum status rc = ST_OK;

	for (size_t i = 0; rc == ST_OK && i < r->nyears; i++) {
		const struct year_next *y = &r->years[i];
		long long next = y->next > y->given_max ? y->next : y->given_max + 1;

		if (next > 1)
			rc = store_bulk_reference_mark(r->bulk, y->year, next, err);
	}
	return rc;
}

enum status svc_import(struct ctx *c, const char *csv_path, const char *map_path, bool dry_run, import_fn fn,
                       void *arg, struct import_result *out, struct error *err)
{
	struct import_map map;
	struct run r;
	char *text = NULL, *mtext = NULL, *name;
	const char *base = strrchr(csv_path, '/');
	size_t len, mlen;
	enum status rc;
	bool began = false;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	import_map_init(&map);
	if (!dry_run) {
		ctx_config_refresh(c);
		if (!c->author)
			return error_set(err, ST_REFUSED, "no name is set to sign the journal with: "
			                 "give your name (and role) in the settings first");
	}
	if (map_path) {
		rc = paths_read_file(map_path, MAP_FILE_MAX, &mtext, &mlen, err);
		if (rc == ST_OK)
			rc = import_map_parse(map_path, mtext, mlen, &map, err);
		free(mtext);
		if (rc != ST_OK) {
			import_map_free(&map);
			return rc;
		}
	}
	if ((rc = paths_read_file(csv_path, IMPORT_FILE_MAX, &text, &len, err)) != ST_OK) {
		import_map_free(&map);
		return rc;
	}
	r.c = c;
	r.map = map_path ? &map : NULL;
	r.path = csv_path;
	name = text_sanitize(base ? base + 1 : csv_path, false);
	r.file = name;
	sha256_hex(text, len, r.sha);
	memcpy(out->sha256, r.sha, sizeof(out->sha256));
	snprintf(out->file, sizeof(out->file), "%s", name);
	r.fn = fn;
	r.arg = arg;
	r.out = out;
	r.err = err;
	/* The write lock first (store_bulk_begin takes it), so that nothing
	 * changes between the check and the write. */
	rc = store_bulk_begin(c->store, !dry_run, &r.bulk, err);
	began = !dry_run;       /* store_rollback does nothing outside a transaction */
	if (rc != ST_OK)
		goto out;
	if ((rc = pass_run(&r, PASS_SCAN, text, len)) != ST_OK)
		goto out;
	if (r.nrefs)
		qsort(r.refs, r.nrefs, sizeof(*r.refs), ref_cmp);
	/* Each row checked, and written while every row before it was good. */
	r.write = !dry_run;
	if ((rc = pass_run(&r, PASS_ROWS, text, len)) != ST_OK)
		goto out;
	if (out->refused) {
		rc = error_set(err, ST_INVALID, "%s: %zu of %zu rows refused; nothing was %s", csv_path, out->refused,
		               out->rows, dry_run ? "written" : "imported");
		goto out;
	}
	if (dry_run)
		goto out;
	rc = years_mark(&r, err);
	store_bulk_end(r.bulk);
	r.bulk = NULL;
	if (rc == ST_OK) {
		/* A failed commit is rolled back by the store. */
		began = false;
		rc = store_commit(c->store, err);
	}
out:
	store_bulk_end(r.bulk);
	if (began)
		store_rollback(c->store);
	if (rc != ST_OK && !dry_run)
		out->created = 0;
	import_columns_free(&r.cols);
	import_map_free(&map);
	free(r.refs);
	free(r.years);
	free(name);
	free(text);
	return rc;
}
