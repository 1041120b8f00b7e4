/* Every read a front end makes, and the small writes that are not changes to a dispute: lists, a dispute with its journal, drafts, contacts, agencies, closure days, settings. */
#include <stdlib.h>
#include <string.h>

#include "dispute/clock.h"
#include "dispute/date.h"
#include "dispute/service.h"
#include "dispute/store.h"
#include "dispute/text.h"

int svc_schema_version(void)
{
	return store_schema_version();
}

/* ---- lists and search ---- */

/* Every category label of the loaded protocols, for a search to find (a
 * new array the caller frees; the strings are the protocols'). */
static struct search_label *labels_of(const struct ctx *c, size_t *n)
{
	struct search_label *v = NULL;

	*n = 0;
	for (size_t i = 0; i < c->protocols.n; i++) {
		const struct protocol *p = c->protocols.v[i];

		for (size_t k = 0; k < p->ncategories; k++) {
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = (struct search_label){ p->id, p->categories[k].key, p->categories[k].label };
		}
	}
	return v;
}

/* f with the labels added when it searches: *copy is what to pass on. */
static const struct list_filter *with_labels(const struct ctx *c, const struct list_filter *f,
                                             struct list_filter *copy, struct search_label **labels)
{
	*labels = NULL;
	if (!f || !f->search)
		return f;
	*copy = *f;
	*labels = labels_of(c, &copy->nlabels);
	copy->labels = *labels;
	return copy;
}

enum status svc_list(struct ctx *c, const struct list_filter *f, dispute_fn fn, void *arg, struct error *err)
{
	struct list_filter copy;
	struct search_label *labels;
	enum status rc = store_list(c->store, with_labels(c, f, &copy, &labels), fn, arg, err);

	free(labels);
	return rc;
}

enum status svc_count(struct ctx *c, const struct list_filter *f, int *out, struct error *err)
{
	struct list_filter copy;
	struct search_label *labels;
	enum status rc = store_count(c->store, with_labels(c, f, &copy, &labels), out, err);

	free(labels);
	return rc;
}

enum status svc_deadlines(struct ctx *c, const struct deadline_filter *f, deadline_fn fn, void *arg, struct error *err)
{
	return store_deadlines(c->store, f, fn, arg, err);
}

enum status svc_deadline_count(struct ctx *c, const struct deadline_filter *f, int *out, struct error *err)
{
	return store_deadline_count(c->store, f, out, err);
}

enum status svc_followups_due(struct ctx *c, long before, int limit, due_fn fn, void *arg, int *count,
                              struct error *err)
{
	return store_followups_due(c->store, before, limit, fn, arg, count, err);
}

enum status svc_list_index(struct ctx *c, const struct list_filter *f, const char *ref, int *out,
                           struct error *err)
{
	struct list_filter copy;
	struct search_label *labels;
	enum status rc = store_list_index(c->store, with_labels(c, f, &copy, &labels), ref, out, err);

	free(labels);
	return rc;
}

enum status svc_search_terms(struct ctx *c, const char *text, int *out, struct error *err)
{
	return store_search_terms(c->store, text, out, err);
}

enum status svc_search_hits(struct ctx *c, const char *text, long long dispute_id, search_hit_fn fn, void *arg,
                            struct error *err)
{
	size_t n;
	struct search_label *labels = labels_of(c, &n);
	enum status rc = store_search_hits(c->store, text, labels, n, dispute_id, fn, arg, err);

	free(labels);
	return rc;
}

/* ---- what is due ---- */

struct due_collect {
	long before;
	struct dispute *d;          /* the disputes read, owned */
	size_t nd;
	struct due_slot {
		size_t dispute;     /* index into d */
		char reference[16];
		long due;
		int due_minute;
		long long record;   /* the follow-up's record, 0 for the stage deadline */
	} *v;
	size_t n;
};

static void due_push(struct due_collect *dc, size_t dispute, long due, int minute, long long record)
{
	struct due_slot *slot;

	dc->v = xrealloc(dc->v, (dc->n + 1) * sizeof(*dc->v));
	slot = &dc->v[dc->n++];
	slot->dispute = dispute;
	memcpy(slot->reference, dc->d[dispute].reference, sizeof(slot->reference));
	slot->due = due;
	slot->due_minute = minute;
	slot->record = record;
}

static int due_take(const struct dispute *d, void *arg)
{
	struct due_collect *dc = arg;
	const struct stage *cur = dispute_current(d);
	size_t at = dc->nd;

	dc->d = xrealloc(dc->d, (dc->nd + 1) * sizeof(*dc->d));
	dispute_init(&dc->d[dc->nd]);
	dispute_copy(&dc->d[dc->nd++], d);
	if (cur && cur->due != DATE_NONE && cur->due < dc->before)
		due_push(dc, at, cur->due, cur->due_minute, 0);
	for (size_t i = 0; i < d->ndetails; i++)
		if (record_detail_open(&d->details[i]) && d->details[i].due < dc->before)
			due_push(dc, at, d->details[i].due, TIME_NONE, d->details[i].record);
	return 0;
}

/* Soonest first; a day's timed deadline before its all-day ones; then by
 * reference, the stage deadline before the follow-ups, and by record. */
static int due_cmp(const void *pa, const void *pb)
{
	const struct due_slot *a = pa, *b = pb;
	int c;

	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if (a->due_minute != b->due_minute)
		return a->due_minute == TIME_NONE ? 1 : b->due_minute == TIME_NONE ? -1 : a->due_minute - b->due_minute;
	if ((c = strcmp(a->reference, b->reference)))
		return c;
	return (a->record > b->record) - (a->record < b->record);
}

enum status svc_due(struct ctx *c, const struct list_filter *f, long before, due_fn fn, void *arg,
                    struct error *err)
{
	struct due_collect dc = { before, NULL, 0, NULL, 0 };
	struct list_filter lf;
	enum status rc;

	list_filter_init(&lf);
	if (f) {
		lf.search = f->search;
		lf.protocol = f->protocol;
		lf.mine = f->mine;
	}
	lf.which = LIST_OPEN;
	lf.attention_before = before;
	rc = store_list(c->store, &lf, due_take, &dc, err);
	if (rc == ST_OK && dc.n)
		qsort(dc.v, dc.n, sizeof(*dc.v), due_cmp);
	for (size_t i = 0; rc == ST_OK && i < dc.n; i++) {
		const struct dispute *d = &dc.d[dc.v[i].dispute];
		struct due_item it = { d, dc.v[i].due, dc.v[i].due_minute,
		                       dc.v[i].record ? dispute_detail(d, dc.v[i].record) : NULL };

		if (fn(&it, arg))
			break;
	}
	for (size_t i = 0; i < dc.nd; i++)
		dispute_free(&dc.d[i]);
	free(dc.d);
	free(dc.v);
	return rc;
}

/* ---- one dispute ---- */

/* The dispute (by reference, or by id when ref is NULL) and its journal,
 * from one snapshot of the file. */
static enum status load(struct ctx *c, const char *ref, long long id, struct dispute *d, struct record **recs,
                        size_t *nrecs, struct error *err)
{
	enum status rc;
	bool own = false;

	if (recs) {
		*recs = NULL;
		*nrecs = 0;
	}
	if ((rc = store_snapshot_begin(c->store, &own, err)) != ST_OK)
		return rc;
	rc = ref ? store_dispute_load(c->store, ref, d, err) : store_dispute_load_id(c->store, id, d, err);
	if (rc == ST_OK && recs)
		rc = store_records_load(c->store, d->id, recs, nrecs, err);
	store_snapshot_end(c->store, own);
	return rc;
}

enum status svc_load(struct ctx *c, const char *ref, struct dispute *d, struct record **recs, size_t *nrecs,
                     struct error *err)
{
	return load(c, ref ? ref : "", 0, d, recs, nrecs, err);
}

enum status svc_load_id(struct ctx *c, long long id, struct dispute *d, struct record **recs, size_t *nrecs,
                        struct error *err)
{
	return load(c, NULL, id, d, recs, nrecs, err);
}

/* ---- drafts ---- */

enum status svc_draft_get(struct ctx *c, long long dispute_id, struct draft *d, struct error *err)
{
	return store_draft_get(c->store, dispute_id, d, err);
}

enum status svc_draft_any(struct ctx *c, long long *dispute_id, struct error *err)
{
	return store_draft_any(c->store, dispute_id, err);
}

enum status svc_draft_put(struct ctx *c, const struct draft *d, struct error *err)
{
	return store_draft_put(c->store, d, err);
}

enum status svc_draft_clear(struct ctx *c, long long dispute_id, struct error *err)
{
	return store_draft_clear(c->store, dispute_id, err);
}

/* ---- contacts, agencies, closure days ---- */

enum status svc_contacts(struct ctx *c, const char *agency, struct contact **out, size_t *n, struct error *err)
{
	return store_contacts_load(c->store, agency, out, n, err);
}

enum status svc_contact(struct ctx *c, long long id, struct contact *out, struct error *err)
{
	return store_contact_get(c->store, id, out, err);
}

/* Whether the words of `want` (text_fold_words) are the words of `name`,
 * or (loose) a run of them within it. */
static bool name_matches(const char *name, const char *want, bool loose)
{
	char *have = text_fold_words(name);
	size_t n = strlen(want);
	bool ok = strcmp(have, want) == 0;

	for (const char *p = have; loose && !ok && (p = strstr(p, want)); p++)
		ok = (p == have || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || n >= 3);
	free(have);
	return ok;
}

enum status svc_contact_find(struct ctx *c, const char *text, const struct dispute *d, long long *id,
                             struct error *err)
{
	struct contact *v = NULL;
	size_t n = 0;
	char *want = NULL, *end;
	enum status rc;
	long long num;

	*id = 0;
	if (text && *text >= '0' && *text <= '9') {
		struct contact ct;

		num = strtoll(text, &end, 10);
		if (*end || num <= 0) {
			error_set(err, ST_USAGE, "'%s' is not a contact number or name", text);
			return error_mend(err, MEND_CONTACTS, NULL);
		}
		if ((rc = store_contact_get(c->store, num, &ct, err)) != ST_OK)
			return rc;
		contact_free(&ct);
		*id = num;
		return ST_OK;
	}
	want = text_fold_words(text ? text : "");
	if (!*want) {
		free(want);
		return error_set(err, ST_USAGE, "'%s' is not a contact number or name", text ? text : "");
	}
	if ((rc = store_contacts_load(c->store, NULL, &v, &n, err)) != ST_OK) {
		free(want);
		return rc;
	}
	/* The whole name first, then a part of it; at either step, where
	 * several match, those at one of the dispute's other agencies. */
	for (int loose = 0; loose < 2 && !*id && rc == ST_OK; loose++) {
		long long found = 0, at_agency = 0;
		int count = 0, count_agency = 0;
		struct sb names = {0};

		for (size_t i = 0; i < n; i++) {
			if (!name_matches(v[i].name, want, loose))
				continue;
			count++;
			found = v[i].id;
			if (d && v[i].agency && dispute_party(d, v[i].agency) > 0) {
				count_agency++;
				at_agency = v[i].id;
			}
			sb_printf(&names, "%s%lld (%s, %s)", names.len ? ", " : "", v[i].id, v[i].name, v[i].agency);
		}
		if (count == 1)
			*id = found;
		else if (count > 1 && count_agency == 1)
			*id = at_agency;
		else if (count > 1)
			rc = error_set(err, ST_REFUSED, "'%s' could be any of contacts %s: give the contact's number", text,
			               names.s);
		free(names.s);
	}
	if (rc == ST_OK && !*id) {
		error_set(err, ST_NOTFOUND, "no contact is called '%s'", text);
		rc = error_mend(err, MEND_CONTACTS, NULL);
	}
	for (size_t i = 0; i < n; i++)
		contact_free(&v[i]);
	free(v);
	free(want);
	return rc;
}

/* A field as typed: checked, and copied into *slot (NULL stays NULL). */
static enum status field_take(char **slot, const char *v, const char *what, struct error *err)
{
	enum status rc;

	*slot = NULL;
	if (!v)
		return ST_OK;
	*slot = xstrdup(v);
	if ((rc = text_check(*slot, false, LINE_MAX_LEN, what, err)) != ST_OK) {
		free(*slot);
		*slot = NULL;
	}
	return rc;
}

enum status svc_contact_add(struct ctx *c, struct contact *ct, struct error *err)
{
	struct contact clean = {0};
	enum status rc;
	char why[256];

	if ((rc = field_take(&clean.agency, ct->agency, "the agency", err)) ||
	    (rc = field_take(&clean.name, ct->name, "the name", err)) ||
	    (rc = field_take(&clean.role, ct->role, "the role", err)) ||
	    (rc = field_take(&clean.email, ct->email, "the email address", err)) ||
	    (rc = field_take(&clean.phone, ct->phone, "the phone number", err)))
		goto out;
	if (!clean.agency || !clean.name) {
		rc = error_set(err, ST_INVALID, "a contact needs an agency and a name");
		goto out;
	}
	if (clean.email && !text_email_check(clean.email, why, sizeof(why))) {
		rc = error_set(err, ST_INVALID, "'%s' is not an email address an invite can carry: %s", clean.email, why);
		goto out;
	}
	rc = store_contact_insert(c->store, &clean, err);
	ct->id = clean.id;
out:
	contact_free(&clean);
	return rc;
}

enum status svc_agency_add(struct ctx *c, const char *name, long long *id, struct error *err)
{
	char *clean = NULL;
	enum status rc = field_take(&clean, name ? name : "", "the agency name", err);

	if (rc == ST_OK)
		rc = store_agency_ensure(c->store, clean, id, NULL, err);
	free(clean);
	return rc;
}

enum status svc_agencies(struct ctx *c, int (*fn)(const char *name, void *arg), void *arg, struct error *err)
{
	return store_agencies(c->store, fn, arg, err);
}

enum status svc_closure_add(struct ctx *c, long day, const char *reason, struct error *err)
{
	char *clean = NULL;
	enum status rc = field_take(&clean, reason, "the reason", err);

	if (rc == ST_OK)
		rc = store_closure_add(c->store, day, clean, err);
	free(clean);
	return rc;
}

enum status svc_closure_remove(struct ctx *c, long day, struct error *err)
{
	return store_closure_remove(c->store, day, err);
}

enum status svc_closures(struct ctx *c, int (*fn)(long day, const char *reason, void *arg), void *arg,
                         struct error *err)
{
	return store_closures(c->store, fn, arg, err);
}

/* The agency a closure is for: the one named, or the user's own. */
static enum status closure_agency(struct ctx *c, const char *agency, char **out, struct error *err)
{
	if (!agency) {
		agency = c->config.agency;
		if (!agency) {
			error_set(err, ST_REFUSED, "whose closure is it? your own agency is not set");
			return error_mend(err, MEND_OWN_AGENCY, NULL);
		}
	}
	return field_take(out, agency, "the agency", err);
}

enum status svc_closure_add_for(struct ctx *c, long from, long to, const char *agency, const char *reason,
                                int *days, char **whose, struct error *err)
{
	char *name = NULL, *why = NULL, a[11], b[11];
	enum status rc;
	bool own = false;

	*days = 0;
	if (to == DATE_NONE)
		to = from;
	if (from == DATE_NONE)
		return error_set(err, ST_INVALID, "a closure needs a date");
	if (to < from)
		return error_set(err, ST_INVALID, "the closure ends (%s) before it starts (%s)", date_format(to, a),
		                 date_format(from, b));
	if (to - from > 366)
		return error_set(err, ST_INVALID, "a closure of more than a year (%s to %s) is taken for a typo",
		                 date_format(from, a), date_format(to, b));
	if ((rc = closure_agency(c, agency, &name, err)) || (rc = field_take(&why, reason, "the reason", err)))
		goto out;
	if (!name) {
		rc = error_set(err, ST_INVALID, "the agency is missing");
		goto out;
	}
	if ((rc = store_begin(c->store, err)))
		goto out;
	own = true;
	/* In a run of days the weekends are not working days anyway. */
	for (long day = from; rc == ST_OK && day <= to; day++)
		if (from == to || date_weekday(day) < 5) {
			rc = store_agency_closure_add(c->store, day, name, why, whose, err);
			++*days;
		}
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc == ST_OK)
		for (long day = from; day <= to; day++)
			if (from == to || date_weekday(day) < 5)
				calendar_add_agency_closure(&c->cal, day, *whose);
out:
	if (rc != ST_OK && own)
		store_rollback(c->store);
	if (rc != ST_OK)
		*days = 0;
	free(name);
	free(why);
	return rc;
}

enum status svc_closure_remove_for(struct ctx *c, long day, const char *agency, char **whose, struct error *err)
{
	char *name = NULL;
	enum status rc;

	/* A closure kept from before closures had agencies is every agency's:
	 * removed when the user names none and has none of their own that day. */
	if (!agency && !c->config.agency) {
		if ((rc = store_closure_remove(c->store, day, err)) == ST_OK) {
			free(*whose);
			*whose = NULL;
		}
		return rc;
	}
	if ((rc = closure_agency(c, agency, &name, err)))
		return rc;
	rc = store_agency_closure_remove(c->store, day, name, whose, err);
	if (rc == ST_NOTFOUND && !agency && store_closure_remove(c->store, day, NULL) == ST_OK) {
		free(*whose);
		*whose = NULL;
		rc = ST_OK;
	}
	free(name);
	return rc;
}

struct closure_merge {
	int (*fn)(long day, const char *agency, const char *reason, void *arg);
	void *arg;
	long *days;             /* the closures of every agency, with their reasons */
	char **reasons;
	size_t n, at;
	int stop;
};

static int closure_every(long day, const char *reason, void *arg)
{
	struct closure_merge *m = arg;

	m->days = xrealloc(m->days, (m->n + 1) * sizeof(*m->days));
	m->reasons = xrealloc(m->reasons, (m->n + 1) * sizeof(*m->reasons));
	m->days[m->n] = day;
	m->reasons[m->n++] = reason ? xstrdup(reason) : NULL;
	return 0;
}

/* Those of every agency come first on their day. */
static int closure_one(long day, const char *agency, const char *reason, void *arg)
{
	struct closure_merge *m = arg;

	while (!m->stop && m->at < m->n && m->days[m->at] <= day) {
		m->stop = m->fn(m->days[m->at], NULL, m->reasons[m->at], m->arg);
		m->at++;
	}
	if (!m->stop)
		m->stop = m->fn(day, agency, reason, m->arg);
	return m->stop;
}

enum status svc_closures_each(struct ctx *c, int (*fn)(long day, const char *agency, const char *reason, void *arg),
                              void *arg, struct error *err)
{
	struct closure_merge m = { fn, arg, NULL, NULL, 0, 0, 0 };
	enum status rc = store_closures(c->store, closure_every, &m, err);

	if (rc == ST_OK)
		rc = store_agency_closures(c->store, closure_one, &m, err);
	while (rc == ST_OK && !m.stop && m.at < m.n) {
		m.stop = fn(m.days[m.at], NULL, m.reasons[m.at], arg);
		m.at++;
	}
	for (size_t i = 0; i < m.n; i++)
		free(m.reasons[i]);
	free(m.reasons);
	free(m.days);
	return rc;
}

/* ---- settings kept in the database ---- */

enum status svc_setting(struct ctx *c, const char *key, char **value, struct error *err)
{
	return store_meta_get(c->store, key, value, err);
}

enum status svc_setting_set(struct ctx *c, const char *key, const char *value, struct error *err)
{
	return store_meta_set(c->store, key, value, err);
}

void svc_stamp(struct ctx *c, char out[17])
{
	(void)c;
	clock_utc_stamp(out);
}

/* ---- reports ---- */

enum status svc_report_disputes(struct ctx *c, const struct report_filter *f, dispute_fn fn, void *arg,
                                struct error *err)
{
	return store_report_disputes(c->store, f, fn, arg, err);
}

enum status svc_report_learning(struct ctx *c, const struct report_filter *f, learning_fn fn, void *arg,
                                struct error *err)
{
	return store_report_learning(c->store, f, fn, arg, err);
}
