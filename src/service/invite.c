/* The invite lifecycle as the front ends use it: what a dispute's counterparts are owed, issuing messages (each journalled with the row it changes), replies and counter-proposals taken in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/journal.h"
#include "dispute/service.h"
#include "dispute/store.h"
#include "dispute/text.h"
#include "service_impl.h"

/* The contacts a plan names, read from the store once each. */
struct people {
	struct ctx *c;
	struct contact *v;
	size_t n;
};

static bool person_find(long long id, struct itip_person *out, void *arg)
{
	struct people *pp = arg;
	struct contact ct;
	struct error err;

	for (size_t i = 0; i < pp->n; i++)
		if (pp->v[i].id == id)
			goto found;
	if (store_contact_get(pp->c->store, id, &ct, &err) != ST_OK)
		return false;
	pp->v = xrealloc(pp->v, (pp->n + 1) * sizeof(*pp->v));
	pp->v[pp->n++] = ct;
	id = ct.id;
found:
	for (size_t i = 0; i < pp->n; i++) {
		if (pp->v[i].id != id)
			continue;
		out->contact_id = id;
		out->name = pp->v[i].name;
		out->email = pp->v[i].email;
		return true;
	}
	return false;
}

static void people_free(struct people *pp)
{
	for (size_t i = 0; i < pp->n; i++)
		contact_free(&pp->v[i]);
	free(pp->v);
	pp->v = NULL;
	pp->n = 0;
}

/* Loads ref (or the dispute with id, when ref is NULL) and its lifecycle,
 * and plans `which`. */
static enum status plan_load(struct ctx *c, const char *ref, long long id, enum itip_which which, int stage,
                             struct dispute *d, struct itip_log *log, struct itip_plan *plan, struct error *err)
{
	struct people pp = { c, NULL, 0 };
	char *uid_host = NULL;
	enum status rc;

	rc = ref ? store_dispute_load(c->store, ref, d, err) : store_dispute_load_id(c->store, id, d, err);
	if (rc == ST_OK)
		rc = store_invites_load(c->store, d->id, log, err);
	if (rc == ST_OK)
		rc = store_meta_get(c->store, "uid", &uid_host, err);
	if (rc == ST_OK)
		rc = itip_plan(d, log, uid_host, which, stage, person_find, &pp, plan, err);
	free(uid_host);
	people_free(&pp);
	return rc;
}

enum status svc_invite_plan(struct ctx *c, const char *ref, enum itip_which which, int stage, struct dispute *d,
                            struct itip_plan *plan, struct error *err)
{
	struct itip_log log = { NULL, 0 };
	bool own;
	enum status rc;

	plan->v = NULL;
	plan->n = 0;
	if ((rc = store_snapshot_begin(c->store, &own, err)) != ST_OK)
		return rc;
	rc = plan_load(c, ref, 0, which, stage, d, &log, plan, err);
	store_snapshot_end(c->store, own);
	itip_log_free(&log);
	return rc;
}

enum status svc_invites_owed(struct ctx *c, const char *ref, int *n, struct error *err)
{
	struct dispute d;
	struct itip_plan plan;
	enum status rc;

	dispute_init(&d);
	rc = svc_invite_plan(c, ref, ITIP_FOR_OWED, 0, &d, &plan, err);
	*n = rc == ST_OK ? (int)plan.n : 0;
	itip_plan_free(&plan);
	dispute_free(&d);
	return rc;
}

enum status svc_invites_owed_each(struct ctx *c, int (*fn)(const struct dispute *d, const struct itip_plan *plan,
                                                           void *arg),
                                  void *arg, struct error *err)
{
	long long *ids = NULL;
	size_t n = 0;
	bool own;
	enum status rc;

	if ((rc = store_snapshot_begin(c->store, &own, err)) != ST_OK)
		return rc;
	rc = store_invites_owed_disputes(c->store, &ids, &n, err);
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		struct dispute d;
		struct itip_log log = { NULL, 0 };
		struct itip_plan plan = { NULL, 0 };
		int stop = 0;

		dispute_init(&d);
		rc = plan_load(c, NULL, ids[i], ITIP_FOR_OWED, 0, &d, &log, &plan, err);
		if (rc == ST_OK && plan.n)
			stop = fn(&d, &plan, arg);
		itip_plan_free(&plan);
		itip_log_free(&log);
		dispute_free(&d);
		if (stop)
			break;
	}
	free(ids);
	store_snapshot_end(c->store, own);
	return rc;
}

/* Appends the event saying that m went out (how: "sent by mail to",
 * "written to d1.ics for"), with the row it changes. */
static enum status issued_record(struct ctx *c, const struct dispute *d, const struct itip_log *log,
                                 const struct itip_msg *m, const char *how, struct itip_sent *after,
                                 struct error *err)
{
	static const char *const why_words[] = {
		[ITIP_NEW] = "", [ITIP_CHANGED] = " (the deadline moved)", [ITIP_RENEWED] = " (a new invite: the last one "
		"to them was cancelled)", [ITIP_AGAIN] = " (sent again)", [ITIP_ENDED] = " (the stage ended)",
		[ITIP_CLOSED] = " (the dispute was closed)", [ITIP_REPLACED] = " (another counterpart was named)",
	};
	const struct itip_sent *before = itip_log_find(log, m->stage, m->email);
	struct record r;
	enum status rc;
	char *who = *m->name ? xasprintf("%s <%s>", m->name, m->email) : xstrdup(m->email);

	itip_after_send(log, m, after);
	record_init(&r);
	r.state = journal_invite_delta(before, after);
	r.dispute_id = d->id;
	r.day = c->today;
	r.minute = c->now_minute;
	r.kind = RK_EVENT;
	r.stage = m->stage;
	r.author = xstrdup(c->author);
	r.text = xasprintf("%s for stage %d %s %s: %s, sequence %d%s.", m->method == ITIP_CANCEL ? "Cancellation"
	                   : "Invite", m->stage, how, who, itip_method_name(m->method), m->sequence, why_words[m->why]);
	rc = store_record_insert(c->store, &r, err);
	if (rc == ST_OK)
		rc = store_invite_put(c->store, d->id, after, err);
	record_free(&r);
	free(who);
	return rc;
}

/* The end of the run of plan->v[from..] with the same attendee and method. */
static size_t group_end(const struct itip_plan *plan, size_t from)
{
	size_t to = from + 1;

	while (to < plan->n && plan->v[to].method == plan->v[from].method &&
	       ascii_casecmp(plan->v[to].email, plan->v[from].email) == 0)
		to++;
	return to;
}

/* The plan in groups: messages of one attendee and method side by side,
 * in the order their first message comes. */
static void plan_group(struct itip_plan *plan)
{
	for (size_t i = 0; i < plan->n; i = group_end(plan, i)) {
		size_t end = group_end(plan, i);

		for (size_t j = end; j < plan->n; j++) {
			if (plan->v[j].method != plan->v[i].method || ascii_casecmp(plan->v[j].email, plan->v[i].email))
				continue;
			struct itip_msg m = plan->v[j];

			memmove(&plan->v[end + 1], &plan->v[end], (j - end) * sizeof(*plan->v));
			plan->v[end++] = m;
		}
	}
}

/* Plans and delivers `which` of ref inside the caller's change, and
 * journals what went out (svc_invite_issue).  *sent counts the messages
 * journalled; a delivery that fails after some went out leaves rc ST_OK
 * with the failure in *keep_rc and *keep, so what went out is kept. */
static enum status issue_one(struct ctx *c, const char *ref, enum itip_which which, int stage,
                             const struct itip_msg *only, const struct svc_delivery *dl, int *sent,
                             enum status *keep_rc, struct error *keep, struct error *err)
{
	struct dispute d;
	struct itip_log log = { NULL, 0 };
	struct itip_plan plan = { NULL, 0 };
	enum status rc;

	dispute_init(&d);
	rc = plan_load(c, ref, 0, which, stage, &d, &log, &plan, err);
	if (rc == ST_OK)
		plan_group(&plan);
	for (size_t i = 0; rc == ST_OK && i < plan.n;) {
		size_t end = group_end(&plan, i);
		char how[512] = "";

		if (only && (only->method != plan.v[i].method || ascii_casecmp(only->email, plan.v[i].email) != 0)) {
			i = end;
			continue;
		}
		rc = dl->deliver(dl->ctx, &d, &plan.v[i], end - i, how, sizeof(how), err);
		if (rc != ST_OK && *sent) {
			/* What went out before stays journalled; the error says what did not. */
			*keep_rc = rc;
			*keep = *err;
			rc = ST_OK;
			break;
		}
		for (; rc == ST_OK && i < end; i++) {
			struct itip_sent after;

			itip_sent_init(&after);
			rc = issued_record(c, &d, &log, &plan.v[i], how, &after, err);
			if (rc == ST_OK) {
				/* The log as it stands now, for the next message's delta. */
				struct itip_sent *row = itip_log_get(&log, plan.v[i].stage, plan.v[i].email);

				itip_sent_free(row);
				*row = after;
				++*sent;
			} else {
				char why[sizeof(err->msg)];

				itip_sent_free(&after);
				snprintf(why, sizeof(why), "%s", err->msg);
				error_set(err, rc, "the journal could not record the invite to %s (a mail already sent cannot be "
				          "called back; a file is not kept): %s", plan.v[i].email, why);
			}
		}
	}
	itip_plan_free(&plan);
	itip_log_free(&log);
	dispute_free(&d);
	return rc;
}

/* Ends the change of an issue: ready, commit, settle; a failure of a
 * delivery kept for after the commit is the one reported. */
static enum status issue_end(struct ctx *c, const struct svc_delivery *dl, enum status rc, int *sent,
                             enum status keep_rc, const struct error *keep, struct error *err)
{
	if (rc == ST_OK && dl->ready)
		rc = dl->ready(dl->ctx, err);
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc != ST_OK) {
		store_rollback(c->store);
		*sent = 0;
	}
	if (dl->settle)
		dl->settle(dl->ctx, rc == ST_OK);
	if (rc == ST_OK && keep_rc != ST_OK) {
		*err = *keep;
		rc = keep_rc;
	}
	return rc;
}

enum status svc_invite_issue(struct ctx *c, const char *ref, enum itip_which which, int stage,
                             const struct itip_msg *only, const struct svc_delivery *dl, int *done,
                             struct error *err)
{
	enum status rc, keep_rc = ST_OK;
	struct error keep;
	int sent = 0;

	if (done)
		*done = 0;
	if ((rc = author_check(c, err)) != ST_OK)
		return rc;
	/* Planned under the write lock, so two programs cannot both send
	 * sequence 1 for the same change. */
	if ((rc = store_begin(c->store, err)) != ST_OK)
		return rc;
	rc = issue_one(c, ref, which, stage, only, dl, &sent, &keep_rc, &keep, err);
	rc = issue_end(c, dl, rc, &sent, keep_rc, &keep, err);
	if (done)
		*done = sent;
	return rc;
}

enum status svc_invite_issue_each(struct ctx *c, const char (*refs)[16], size_t n, enum itip_which which,
                                  const struct svc_delivery *dl,
                                  void (*skipped)(const char *ref, const struct error *why, void *arg), void *arg,
                                  int *done, struct error *err)
{
	enum status rc = ST_OK, keep_rc = ST_OK;
	struct error keep;
	int sent = 0;

	if (done)
		*done = 0;
	if ((rc = author_check(c, err)) != ST_OK)
		return rc;
	/* A record each, for many disputes. */
	if ((rc = store_begin_bulk(c->store, false, err)) != ST_OK)
		return rc;
	for (size_t i = 0; rc == ST_OK && keep_rc == ST_OK && i < n; i++) {
		rc = issue_one(c, refs[i], which, 0, NULL, dl, &sent, &keep_rc, &keep, err);
		/* A dispute that cannot be issued (no counterpart, no due date)
		 * is passed over, with what it lacks; nothing of it was written. */
		if (rc == ST_REFUSED || rc == ST_INVALID) {
			if (skipped)
				skipped(refs[i], err, arg);
			rc = ST_OK;
		}
	}
	rc = issue_end(c, dl, rc, &sent, keep_rc, &keep, err);
	if (done)
		*done = sent;
	return rc;
}

/* ---- replies ---- */

enum status svc_invite_lookup(struct ctx *c, const char *uid, const char *attendee, struct dispute *d,
                              struct itip_sent *row, struct error *err)
{
	long long id = 0;
	bool own, known = false;
	enum status rc;

	if ((rc = store_snapshot_begin(c->store, &own, err)) != ST_OK)
		return rc;
	rc = store_invite_find(c->store, uid ? uid : "", attendee ? attendee : "", &id, row, err);
	if (rc == ST_OK && !id) {
		rc = store_invite_uid_known(c->store, uid ? uid : "", &known, err);
		if (rc == ST_OK && known)
			rc = error_set(err, ST_REFUSED, "the invite %s did not go to %s: the reply is not journalled", uid,
			               attendee && *attendee ? attendee : "(no attendee named)");
		else if (rc == ST_OK)
			rc = error_set(err, ST_REFUSED, "no invite with UID %s was sent from this database: the reply is not "
			               "journalled", uid && *uid ? uid : "(none)");
	}
	if (rc == ST_OK)
		rc = store_dispute_load_id(c->store, id, d, err);
	store_snapshot_end(c->store, own);
	return rc;
}

/* "zoe@x" or "Zoë O'Brien <zoe@x>". */
static char *who_of(const struct itip_reply *r)
{
	return r->name && *r->name ? xasprintf("%s <%s>", r->name, r->attendee) : xstrdup(r->attendee);
}

enum status svc_invite_reply(struct ctx *c, const struct itip_reply *r, char ref[16], int *stage, struct error *err)
{
	struct dispute d;
	struct itip_sent row, after;
	struct record rec;
	enum status rc;
	char due[17], *who, *comment = NULL;

	if ((rc = author_check(c, err)) != ST_OK)
		return rc;
	if ((rc = store_begin(c->store, err)) != ST_OK)
		return rc;
	dispute_init(&d);
	itip_sent_init(&row);
	itip_sent_init(&after);
	record_init(&rec);
	rc = svc_invite_lookup(c, r->uid, r->attendee, &d, &row, err);
	if (rc == ST_OK)
		rc = itip_reply_check(&row, r, d.reference, &after, err);
	if (rc == ST_OK && r->comment && *r->comment) {
		char *clean = text_sanitize(r->comment, false);

		comment = xasprintf(" They wrote: \"%s\"", clean);
		free(clean);
	}
	if (rc == ST_OK) {
		who = who_of(r);
		rec.state = journal_invite_delta(&row, &after);
		rec.dispute_id = d.id;
		rec.day = c->today;
		rec.minute = c->now_minute;
		rec.kind = RK_EVENT;
		rec.stage = row.stage;
		rec.author = xstrdup(c->author);
		if (r->counter)
			rec.text = xasprintf("%s proposed %s as the deadline of stage %d (sequence %d).%s", who,
			                     datetime_format(r->proposed, r->proposed_minute, due), row.stage, r->sequence,
			                     comment ? comment : "");
		else
			rec.text = xasprintf("%s %s the invite for stage %d (sequence %d).%s", who,
			                     r->partstat == ITIP_ACCEPTED ? "accepted" : r->partstat == ITIP_DECLINED
			                     ? "declined" : "tentatively accepted", row.stage, r->sequence,
			                     comment ? comment : "");
		free(who);
		rc = store_record_insert(c->store, &rec, err);
	}
	if (rc == ST_OK)
		rc = store_invite_put(c->store, d.id, &after, err);
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc != ST_OK)
		store_rollback(c->store);
	if (rc == ST_OK) {
		memcpy(ref, d.reference, 16);
		*stage = row.stage;
	}
	free(comment);
	record_free(&rec);
	itip_sent_free(&row);
	itip_sent_free(&after);
	dispute_free(&d);
	return rc;
}

/* The proposal on d's current stage (from attendee, or the only one). */
static enum status proposal_find(const struct dispute *d, const struct itip_log *log, const char *attendee,
                                 const struct itip_sent **out, struct error *err)
{
	int found = 0;

	*out = NULL;
	for (size_t i = 0; i < log->n; i++) {
		const struct itip_sent *row = &log->v[i];

		if (row->stage != d->current_stage || row->proposed == DATE_NONE)
			continue;
		if (attendee && ascii_casecmp(attendee, row->attendee) != 0)
			continue;
		*out = row;
		found++;
	}
	if (found > 1)
		return error_set(err, ST_REFUSED, "%s has %d proposals for stage %d: say whose to take", d->reference, found,
		                 d->current_stage);
	if (!found)
		return error_set(err, ST_NOTFOUND, "%s has no counter-proposal for stage %d%s%s", d->reference,
		                 d->current_stage, attendee ? " from " : "", attendee ? attendee : "");
	return ST_OK;
}

enum status svc_invite_proposal(struct ctx *c, const char *ref, const char *attendee, struct itip_sent *out,
                                struct error *err)
{
	struct dispute d;
	struct itip_log log = { NULL, 0 };
	const struct itip_sent *row;
	bool own;
	enum status rc;

	if ((rc = store_snapshot_begin(c->store, &own, err)) != ST_OK)
		return rc;
	dispute_init(&d);
	rc = store_dispute_load(c->store, ref, &d, err);
	if (rc == ST_OK)
		rc = store_invites_load(c->store, d.id, &log, err);
	if (rc == ST_OK)
		rc = proposal_find(&d, &log, attendee, &row, err);
	if (rc == ST_OK)
		itip_sent_copy(out, row);
	store_snapshot_end(c->store, own);
	itip_log_free(&log);
	dispute_free(&d);
	return rc;
}

enum status svc_invite_accept(struct ctx *c, const char *ref, const char *attendee, const char *reason,
                              struct dispute *out, struct error *err)
{
	struct dispute d, before;
	struct itip_log log = { NULL, 0 };
	const struct itip_sent *row = NULL;
	struct itip_sent after;
	struct svc_change ch;
	struct record rec;
	char *event = NULL, *lines;
	enum status rc;

	if ((rc = author_check(c, err)) != ST_OK)
		return rc;
	if ((rc = store_begin(c->store, err)) != ST_OK)
		return rc;
	dispute_init(&d);
	dispute_init(&before);
	itip_sent_init(&after);
	record_init(&rec);
	rc = store_dispute_load(c->store, ref, &d, err);
	if (rc == ST_OK)
		rc = store_invites_load(c->store, d.id, &log, err);
	if (rc == ST_OK)
		rc = proposal_find(&d, &log, attendee, &row, err);
	if (rc == ST_OK) {
		/* The date as an agreed due date, with every check `dispute due` makes. */
		svc_change_init(&ch, SVC_SET_DUE);
		ch.seen_stage = row->stage;
		ch.due = row->proposed;
		ch.text = reason;
		dispute_free(&d);
		dispute_init(&d);
		rc = change_load(c, ref, &ch, &d, &before, &event, true, err);
	}
	if (rc == ST_OK)
		rc = store_dispute_update(c->store, &d, err);
	if (rc == ST_OK) {
		itip_sent_copy(&after, row);
		after.proposed = DATE_NONE;
		after.proposed_minute = TIME_NONE;
		rec.state = journal_delta(&before, &d);
		lines = journal_invite_delta(row, &after);
		rec.state = xrealloc(rec.state, strlen(rec.state) + strlen(lines) + 1);
		strcat(rec.state, lines);
		free(lines);
		rec.dispute_id = d.id;
		rec.day = c->today;
		rec.minute = c->now_minute;
		rec.kind = RK_EVENT;
		rec.stage = d.current_stage;
		rec.author = xstrdup(c->author);
		rec.text = xasprintf("%s Proposed by %s.", event, row->attendee);
		rc = store_record_insert(c->store, &rec, err);
	}
	if (rc == ST_OK)
		rc = store_invite_put(c->store, d.id, &after, err);
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc != ST_OK)
		store_rollback(c->store);
	if (rc == ST_OK && out) {
		dispute_free(out);
		*out = d;
		dispute_init(&d);
	}
	free(event);
	record_free(&rec);
	itip_sent_free(&after);
	itip_log_free(&log);
	dispute_free(&before);
	dispute_free(&d);
	return rc;
}
