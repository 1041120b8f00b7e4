/* The invite lifecycle: which REQUESTs and CANCELs each counterpart is owed, numbered so that SEQUENCE only goes up and a cancelled UID never comes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/itip.h"
#include "dispute/text.h"

static const char *const method_names[] = { "REQUEST", "CANCEL" };
static const char *const partstat_names[] = { "NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE" };

const char *itip_method_name(enum itip_method m)
{
	return (size_t)m < sizeof(method_names) / sizeof(method_names[0]) ? method_names[m] : "?";
}

bool itip_method_parse(const char *s, enum itip_method *out)
{
	for (size_t i = 0; s && i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (strcmp(s, method_names[i]) == 0) {
			*out = (enum itip_method)i;
			return true;
		}
	return false;
}

const char *itip_partstat_name(enum itip_partstat p)
{
	return (size_t)p < sizeof(partstat_names) / sizeof(partstat_names[0]) ? partstat_names[p] : "?";
}

bool itip_partstat_parse(const char *s, enum itip_partstat *out)
{
	for (size_t i = 0; s && i < sizeof(partstat_names) / sizeof(partstat_names[0]); i++)
		if (ascii_casecmp(s, partstat_names[i]) == 0) {
			*out = (enum itip_partstat)i;
			return true;
		}
	return false;
}

void itip_sent_init(struct itip_sent *s)
{
	memset(s, 0, sizeof(*s));
	s->due = s->proposed = DATE_NONE;
	s->due_minute = s->proposed_minute = TIME_NONE;
}

void itip_sent_free(struct itip_sent *s)
{
	free(s->attendee);
	free(s->uid);
	itip_sent_init(s);
}

void itip_sent_copy(struct itip_sent *dst, const struct itip_sent *src)
{
	itip_sent_free(dst);
	*dst = *src;
	dst->attendee = xstrdup(src->attendee);
	dst->uid = xstrdup(src->uid);
}

void itip_log_free(struct itip_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		itip_sent_free(&log->v[i]);
	free(log->v);
	log->v = NULL;
	log->n = 0;
}

/* (stage, attendee) order, the attendee without regard to ASCII case. */
static int row_cmp(int stage, const char *attendee, const struct itip_sent *row)
{
	if (stage != row->stage)
		return stage < row->stage ? -1 : 1;
	return ascii_casecmp(attendee, row->attendee ? row->attendee : "");
}

struct itip_sent *itip_log_find(const struct itip_log *log, int stage, const char *attendee)
{
	for (size_t i = 0; log && attendee && i < log->n; i++)
		if (row_cmp(stage, attendee, &log->v[i]) == 0)
			return &log->v[i];
	return NULL;
}

struct itip_sent *itip_log_get(struct itip_log *log, int stage, const char *attendee)
{
	size_t at = 0;
	struct itip_sent *row;

	while (at < log->n && row_cmp(stage, attendee, &log->v[at]) > 0)
		at++;
	if (at < log->n && row_cmp(stage, attendee, &log->v[at]) == 0)
		return &log->v[at];
	log->v = xrealloc(log->v, (log->n + 1) * sizeof(*log->v));
	memmove(&log->v[at + 1], &log->v[at], (log->n - at) * sizeof(*log->v));
	log->n++;
	row = &log->v[at];
	itip_sent_init(row);
	row->stage = stage;
	row->attendee = xstrdup(attendee);
	return row;
}

void itip_plan_free(struct itip_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->v[i].name);
		free(plan->v[i].email);
		free(plan->v[i].uid);
	}
	free(plan->v);
	plan->v = NULL;
	plan->n = 0;
}

char *itip_uid(const char *ref, int stage, int party, const char *uid_host)
{
	const char *host = uid_host && *uid_host ? uid_host : "local";

	/* The first other agency's counterpart keeps the UID invites had
	 * before a dispute could have several: a calendar that has it
	 * updates it. */
	if (party > 1)
		return xasprintf("%s.stage%d.agency%d.%s@dispute", ref, stage, party, host);
	return xasprintf("%s.stage%d.%s@dispute", ref, stage, host);
}

/* The highest SEQUENCE sent under uid to anyone, or -1. */
static int uid_max(const struct itip_log *log, const char *uid)
{
	int max = -1;

	for (size_t i = 0; log && i < log->n; i++)
		if (log->v[i].uid && strcmp(log->v[i].uid, uid) == 0 && log->v[i].sequence > max)
			max = log->v[i].sequence;
	return max;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

/* The next SEQUENCE under uid: above everything sent under it, and never
 * below the stage's own count of changes. */
static int next_sequence(const struct itip_log *log, const char *uid, const struct stage *st)
{
	int max = uid_max(log, uid);

	return max < 0 ? st->sequence : imax(st->sequence, max + 1);
}

static struct itip_msg *plan_add(struct itip_plan *plan, const struct stage *st, enum itip_method method,
                                 enum itip_why why, long long contact_id, const char *name, const char *email)
{
	struct itip_msg *m;

	plan->v = xrealloc(plan->v, (plan->n + 1) * sizeof(*plan->v));
	m = &plan->v[plan->n++];
	memset(m, 0, sizeof(*m));
	m->stage = st->number;
	m->method = method;
	m->why = why;
	m->contact_id = contact_id;
	m->name = xstrdup(name ? name : "");
	m->email = xstrdup(email);
	m->due = st->due;
	m->due_minute = st->due_minute;
	return m;
}

/* Whether a stage's invite runs: the stage has not ended and the dispute is open. */
static bool stage_live(const struct dispute *d, const struct stage *st)
{
	return d->status == DS_OPEN && st->how == SE_NONE && st->ended == DATE_NONE;
}

/* A counterpart of a stage: who, and whose (the agency's place among
 * the dispute's other agencies, which names their UID). */
struct party {
	struct itip_person who;
	int party;
};

/* The counterparts of a stage, one for each other agency that has one,
 * checked as an invite needs them: *out (caller frees) and *n.  Passes
 * over one an invite cannot reach when that is allowed (quiet: what is
 * owed passes over a request it cannot send, and the cancellations still
 * go), else refuses: a stage with no counterpart at all, a contact not
 * found, an address an invite cannot carry.  Two counterparts at one
 * address are one attendee. */
static enum status counterparts_of(const struct dispute *d, const struct stage *st, itip_person_fn person, void *ctx,
                                   bool quiet, struct party **out, size_t *n, struct error *err)
{
	size_t parties = dispute_agency_count(d);
	bool any = false;
	char why[256];

	*out = xcalloc(parties ? parties : 1, sizeof(**out));
	*n = 0;
	for (size_t k = 1; k <= parties || k == 1; k++) {
		long long id = dispute_counterpart(d, st->number, (int)k);
		struct party *p = &(*out)[*n];
		bool twice = false;

		if (!id)
			continue;
		any = true;
		memset(p, 0, sizeof(*p));
		if (!person || !person(id, &p->who, ctx)) {
			if (quiet)
				continue;
			free(*out);
			*out = NULL;
			return error_set(err, ST_NOTFOUND, "no contact %lld, the counterpart of stage %d of %s", id, st->number,
			                 d->reference);
		}
		if (!text_email_check(p->who.email, why, sizeof(why))) {
			if (quiet)
				continue;
			char *name = text_sanitize(p->who.name ? p->who.name : "", false);

			error_set(err, ST_INVALID, "the counterpart for stage %d of %s (%s) has no email address an invite can "
			          "carry: %s", st->number, d->reference, name, why);
			free(name);
			free(*out);
			*out = NULL;
			return ST_INVALID;
		}
		for (size_t i = 0; i < *n; i++)
			twice |= ascii_casecmp((*out)[i].who.email, p->who.email) == 0;
		if (twice)
			continue;
		p->party = (int)k;
		++*n;
	}
	if (!any && !quiet) {
		free(*out);
		*out = NULL;
		error_set(err, ST_REFUSED, "stage %d of %s has no counterpart manager", st->number, d->reference);
		return error_mend(err, MEND_COUNTERPART, d->reference);
	}
	return ST_OK;
}

/* Whether email is one of the n counterparts'. */
static bool party_has(const struct party *v, size_t n, const char *email)
{
	for (size_t i = 0; i < n; i++)
		if (ascii_casecmp(v[i].who.email, email ? email : "") == 0)
			return true;
	return false;
}

/* The REQUEST for a running stage to one of its counterparts. */
static void plan_request(struct itip_plan *plan, const struct dispute *d, const struct itip_log *log,
                         const char *uid_host, const struct stage *st, const struct party *to)
{
	const struct itip_person *who = &to->who;
	const struct itip_sent *row = itip_log_find(log, st->number, who->email);
	struct itip_msg *m;
	char *base = itip_uid(d->reference, st->number, to->party, uid_host);

	if (row && row->method == ITIP_CANCEL) {
		/* Cancelled once, their calendar has dropped that UID for good:
		 * a new one, numbered on from the old. */
		const char *host = uid_host && *uid_host ? uid_host : "local";

		m = plan_add(plan, st, ITIP_REQUEST, ITIP_RENEWED, who->contact_id, who->name, who->email);
		m->sequence = imax(row->sequence + 1, st->sequence);
		if (to->party > 1)
			m->uid = xasprintf("%s.stage%d.agency%d-%d.%s@dispute", d->reference, st->number, to->party,
			                   m->sequence, host);
		else
			m->uid = xasprintf("%s.stage%d-%d.%s@dispute", d->reference, st->number, m->sequence, host);
		m->owed = true;
	} else if (row && row->due == st->due && row->due_minute == st->due_minute && row->sequence >= st->sequence) {
		m = plan_add(plan, st, ITIP_REQUEST, ITIP_AGAIN, who->contact_id, who->name, who->email);
		m->uid = xstrdup(row->uid);
		m->sequence = row->sequence;
	} else {
		m = plan_add(plan, st, ITIP_REQUEST, row ? ITIP_CHANGED : ITIP_NEW, who->contact_id, who->name, who->email);
		m->uid = xstrdup(row && row->uid ? row->uid : base);
		m->sequence = next_sequence(log, m->uid, st);
		m->owed = true;
	}
	free(base);
}

/* The CANCEL of row (the attendee's last message for st). */
static void plan_cancel(struct itip_plan *plan, const struct dispute *d, const struct itip_log *log,
                        const struct stage *st, const struct itip_sent *row, enum itip_why why, const char *name)
{
	struct itip_msg *m = plan_add(plan, st, ITIP_CANCEL, why, row->contact_id, name, row->attendee);

	(void)d;
	m->uid = xstrdup(row->uid);
	m->due = row->due;
	m->due_minute = row->due_minute;
	if (row->method == ITIP_CANCEL) {
		m->why = ITIP_AGAIN;
		m->sequence = row->sequence;
	} else {
		m->sequence = next_sequence(log, row->uid, st);
		m->owed = true;
	}
}

static enum itip_why ended_why(const struct dispute *d, const struct stage *st)
{
	return st->how == SE_ESCALATED || d->status == DS_OPEN ? ITIP_ENDED : ITIP_CLOSED;
}

/* What plan_stage adds. */
enum {
	PS_REQUEST = 1,         /* the REQUEST of a running stage to its counterpart */
	PS_CANCELS = 2,         /* the CANCELs of everyone else who had a REQUEST for it */
	PS_OWED = 4,            /* only what is owed */
	PS_STRICT = 8           /* a running stage with no due date or counterpart is refused */
};

/* The messages one stage needs, as flags say. */
static enum status plan_stage(struct itip_plan *plan, const struct dispute *d, const struct itip_log *log,
                              const char *uid_host, const struct stage *st, itip_person_fn person, void *ctx,
                              unsigned flags, struct error *err)
{
	struct party *who = NULL;
	size_t nwho = 0;
	bool live = stage_live(d, st), strict = flags & PS_STRICT;
	enum status rc;
	size_t first = plan->n;

	if (live) {
		if (st->due == DATE_NONE) {
			if (strict) {
				error_set(err, ST_REFUSED, "stage %d of %s has no due date yet", st->number, d->reference);
				return error_mend(err, MEND_AGREE_DATE, d->reference);
			}
		} else if ((rc = counterparts_of(d, st, person, ctx, !strict, &who, &nwho, err)) != ST_OK) {
			return rc;
		}
		/* One REQUEST for each counterpart: each other agency's. */
		for (size_t i = 0; (flags & PS_REQUEST) && i < nwho; i++)
			plan_request(plan, d, log, uid_host, st, &who[i]);
	}
	for (size_t i = 0; (flags & PS_CANCELS) && log && i < log->n; i++) {
		const struct itip_sent *row = &log->v[i];
		struct itip_person p = {0};

		if (row->stage != st->number)
			continue;
		if (live && party_has(who, nwho, row->attendee))
			continue;
		/* A CANCEL already sent is sent again only when asked for by stage. */
		if (row->method == ITIP_CANCEL && (flags & PS_OWED))
			continue;
		if (row->contact_id && person && !person(row->contact_id, &p, ctx))
			memset(&p, 0, sizeof(p));
		plan_cancel(plan, d, log, st, row, live ? ITIP_REPLACED : ended_why(d, st), p.name);
	}
	if (flags & PS_OWED) {
		size_t keep = first;

		for (size_t i = first; i < plan->n; i++) {
			if (plan->v[i].owed) {
				plan->v[keep++] = plan->v[i];
				continue;
			}
			free(plan->v[i].name);
			free(plan->v[i].email);
			free(plan->v[i].uid);
		}
		plan->n = keep;
	}
	free(who);
	return ST_OK;
}

/* An ended stage with nothing on record: a CANCEL to each of its
 * counterparts all the same (invites written before the lifecycle was
 * kept), or the reason there is none. */
static enum status plan_unrecorded_cancel(struct itip_plan *plan, const struct dispute *d,
                                          const struct itip_log *log, const char *uid_host, const struct stage *st,
                                          itip_person_fn person, void *ctx, struct error *err)
{
	struct party *who = NULL;
	size_t nwho = 0;
	enum status rc;

	if (st->due == DATE_NONE)
		return error_set(err, ST_REFUSED, "stage %d of %s had no due date, so no invite to cancel", st->number,
		                 d->reference);
	if ((rc = counterparts_of(d, st, person, ctx, false, &who, &nwho, err)) != ST_OK) {
		if (rc == ST_REFUSED && err && err->mend == MEND_COUNTERPART)
			error_set(err, ST_REFUSED, "stage %d of %s had no counterpart, so no invite to cancel", st->number,
			          d->reference);
		return rc;
	}
	for (size_t i = 0; i < nwho; i++) {
		struct itip_msg *m = plan_add(plan, st, ITIP_CANCEL, ended_why(d, st), who[i].who.contact_id,
		                              who[i].who.name, who[i].who.email);

		m->uid = itip_uid(d->reference, st->number, who[i].party, uid_host);
		m->sequence = next_sequence(log, m->uid, st);
	}
	free(who);
	return ST_OK;
}

static const struct stage *stage_numbered(const struct dispute *d, int number)
{
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].number == number)
			return &d->stages[i];
	return NULL;
}

enum status itip_plan(const struct dispute *d, const struct itip_log *log, const char *uid_host,
                      enum itip_which which, int stage, itip_person_fn person, void *ctx, struct itip_plan *out,
                      struct error *err)
{
	const struct stage *st = dispute_current(d);
	enum status rc = ST_OK;
	size_t before;
	bool last_has;

	out->v = NULL;
	out->n = 0;
	if (!st)
		return error_set(err, ST_REFUSED, "%s has no stage", d->reference);
	switch (which) {
	case ITIP_FOR_CURRENT:
		if (d->status != DS_OPEN)
			return error_set(err, ST_REFUSED, "%s is %s: a closed dispute's invites are cancelled, never sent "
			                 "again as requests", d->reference, dispute_status_name(d->status));
		rc = plan_stage(out, d, log, uid_host, st, person, ctx, PS_REQUEST | PS_STRICT, err);
		break;
	case ITIP_FOR_LIVE:
		if (d->status != DS_OPEN)
			return error_set(err, ST_REFUSED, "%s is %s: a closed dispute's invites are cancelled, never sent "
			                 "again as requests", d->reference, dispute_status_name(d->status));
		for (size_t i = 0; rc == ST_OK && i < d->nstages; i++)
			if (stage_live(d, &d->stages[i]))
				rc = plan_stage(out, d, log, uid_host, &d->stages[i], person, ctx,
				                PS_REQUEST | (&d->stages[i] == st ? PS_STRICT : 0), err);
		break;
	case ITIP_FOR_STAGE:
		if (!(st = stage_numbered(d, stage)))
			return error_set(err, ST_REFUSED, "%s has not reached stage %d", d->reference, stage);
		if (stage_live(d, st)) {
			rc = plan_stage(out, d, log, uid_host, st, person, ctx, PS_REQUEST | PS_STRICT, err);
			break;
		}
		rc = plan_stage(out, d, log, uid_host, st, person, ctx, PS_CANCELS, err);
		if (rc == ST_OK && !out->n)
			rc = plan_unrecorded_cancel(out, d, log, uid_host, st, person, ctx, err);
		break;
	case ITIP_FOR_CANCEL:
		if (d->status == DS_OPEN)
			return error_set(err, ST_REFUSED, "%s is open and its deadline stands; a moved deadline is re-sent as "
			                 "a request, and a closed dispute's invites can be cancelled", d->reference);
		for (size_t i = 0; rc == ST_OK && i < d->nstages; i++)
			rc = plan_stage(out, d, log, uid_host, &d->stages[i], person, ctx, PS_CANCELS | PS_OWED, err);
		last_has = false;
		for (size_t i = 0; i < out->n; i++)
			last_has |= out->v[i].stage == st->number;
		/* The last stage's own CANCEL, sent again when it went before, or
		 * sent to its counterpart when nothing is on record. */
		if (rc == ST_OK && !last_has) {
			before = out->n;
			rc = plan_stage(out, d, log, uid_host, st, person, ctx, PS_CANCELS, err);
			if (rc == ST_OK && before == out->n)
				rc = plan_unrecorded_cancel(out, d, log, uid_host, st, person, ctx, err);
		}
		break;
	case ITIP_FOR_OWED:
		for (size_t i = 0; rc == ST_OK && i < d->nstages; i++)
			rc = plan_stage(out, d, log, uid_host, &d->stages[i], person, ctx,
			                PS_REQUEST | PS_CANCELS | PS_OWED, err);
		break;
	}
	if (rc != ST_OK)
		itip_plan_free(out);
	return rc;
}

void itip_after_send(const struct itip_log *log, const struct itip_msg *m, struct itip_sent *after)
{
	const struct itip_sent *row = itip_log_find(log, m->stage, m->email);

	itip_sent_free(after);
	if (row)
		itip_sent_copy(after, row);
	else {
		after->stage = m->stage;
		after->attendee = xstrdup(m->email);
	}
	if (!row || row->sequence != m->sequence || row->method != m->method || !row->uid ||
	    strcmp(row->uid, m->uid) != 0) {
		/* A new message: earlier answers and proposals were about the old one. */
		after->partstat = ITIP_NEEDS_ACTION;
		after->proposed = DATE_NONE;
		after->proposed_minute = TIME_NONE;
	}
	if (m->contact_id)
		after->contact_id = m->contact_id;
	free(after->uid);
	after->uid = xstrdup(m->uid);
	after->sequence = m->sequence;
	after->method = m->method;
	after->due = m->due;
	after->due_minute = m->due_minute;
}

void itip_reply_init(struct itip_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->proposed = DATE_NONE;
	r->proposed_minute = TIME_NONE;
}

void itip_reply_free(struct itip_reply *r)
{
	free(r->uid);
	free(r->attendee);
	free(r->name);
	free(r->comment);
	itip_reply_init(r);
}

enum status itip_reply_check(const struct itip_sent *row, const struct itip_reply *r, const char *ref,
                             struct itip_sent *after, struct error *err)
{
	if (!row)
		return error_set(err, ST_REFUSED, "no invite %s went to %s: the reply is not journalled", r->uid,
		                 r->attendee ? r->attendee : "(no attendee)");
	if (row->method == ITIP_CANCEL)
		return error_set(err, ST_REFUSED, "the invite %s to %s was cancelled (sequence %d): a reply to it is not "
		                 "journalled", r->uid, row->attendee, row->sequence);
	if (r->sequence != row->sequence)
		return error_set(err, ST_REFUSED, "the reply answers sequence %d of %s's invite for stage %d, but "
		                 "sequence %d went to %s %s; it is not journalled", r->sequence, ref, row->stage,
		                 row->sequence, row->attendee, r->sequence < row->sequence ? "since" : "last");
	if (r->counter && r->proposed == DATE_NONE)
		return error_set(err, ST_INVALID, "the counter-proposal for %s stage %d proposes no date", ref, row->stage);
	if (!r->counter && r->partstat == ITIP_NEEDS_ACTION)
		return error_set(err, ST_INVALID, "the reply for %s stage %d neither accepts, declines nor tentatively "
		                 "accepts", ref, row->stage);
	itip_sent_copy(after, row);
	if (r->counter) {
		after->proposed = r->proposed;
		after->proposed_minute = r->proposed_minute;
	} else {
		after->partstat = r->partstat;
	}
	return ST_OK;
}
