/* One dispute's calendar invites, built from the values the caller gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/invite.h"
#include "dispute/text.h"

bool invite_organizer_ok(const struct invite_organizer *o)
{
	return o->name && *o->name && text_email_ok(o->email);
}

enum status invite_setup_init(struct invite_setup *s, const struct invite_organizer *o, const char *uid,
                              const char *stamp, bool include_subject, struct error *err)
{
	enum status rc;

	memset(s, 0, sizeof(*s));
	if (o->alarms && (rc = ics_alarms_check(o->alarms, err)) != ST_OK)
		return rc;
	snprintf(s->stamp, sizeof(s->stamp), "%s", stamp);
	s->set.organizer.name = o->name;
	s->set.organizer.email = o->email;
	s->set.phone = o->phone;
	s->set.alarms = o->alarms ? o->alarms : INVITE_DEFAULT_ALARMS;
	s->set.include_subject = include_subject;
	s->set.dtstamp = s->stamp;
	s->set.uid_host = uid ? uid : "local";
	return ST_OK;
}

static int contact_id_cmp(const void *a, const void *b)
{
	long long x = ((const struct contact *)a)->id, y = ((const struct contact *)b)->id;

	return (x > y) - (x < y);
}

void invite_people_init(struct invite_people *pp, struct contact *v, size_t n)
{
	pp->v = v;
	pp->n = n;
	if (n)
		qsort(v, n, sizeof(*v), contact_id_cmp);
}

static const struct contact *invite_person(const struct invite_people *pp, long long id)
{
	struct contact key = { .id = id };

	if (!pp || !pp->n)
		return NULL;
	return bsearch(&key, pp->v, pp->n, sizeof(*pp->v), contact_id_cmp);
}

enum status invite_scope(const struct dispute *d, bool cancel, bool all_stages, size_t *n, struct error *err)
{
	*n = d->nstages;
	if (cancel && d->status == DS_OPEN && !all_stages)
		return error_set(err, ST_REFUSED, "%s is open and its deadline stands; a moved deadline is re-sent as a "
		                 "request, and a closed dispute's invites can be cancelled", d->reference);
	/* Cancelling an open dispute's invites only touches stages that ended. */
	if (cancel && d->status == DS_OPEN)
		*n = d->nstages ? d->nstages - 1 : 0;
	if (!*n)
		return error_set(err, ST_REFUSED, "%s has no ended stage to cancel", d->reference);
	return ST_OK;
}

/* One event for each counterpart named at the stage, one for each other
 * agency that has one: *written (may be NULL) counts them. */
static enum status invite_stage(struct ics_writer *w, const struct ics_settings *set, const struct dispute *d,
                         const struct protocol *p, const struct stage *st, const struct invite_people *pp,
                         int *written, struct error *err)
{
	struct ics_item it = { d, p, st, { NULL, NULL }, 1 };
	size_t parties = dispute_agency_count(d);
	const struct contact *ct;
	enum status rc = ST_OK;
	bool any = false;

	if (st->due == DATE_NONE) {
		error_set(err, ST_REFUSED, "stage %d of %s has no due date yet", st->number, d->reference);
		return error_mend(err, MEND_AGREE_DATE, d->reference);
	}
	for (size_t k = 1; k <= parties || k == 1; k++)
		any = any || dispute_counterpart(d, st->number, (int)k);
	if (!any) {
		error_set(err, ST_REFUSED, "stage %d of %s has no counterpart manager", st->number, d->reference);
		return error_mend(err, MEND_COUNTERPART, d->reference);
	}
	for (size_t k = 1; rc == ST_OK && (k <= parties || k == 1); k++) {
		long long id = dispute_counterpart(d, st->number, (int)k);

		if (!id)
			continue;
		if (!(ct = invite_person(pp, id)))
			return error_set(err, ST_NOTFOUND, "no contact %lld, the counterpart of stage %d of %s", id,
			                 st->number, d->reference);
		it.attendee.name = ct->name;
		it.attendee.email = ct->email;
		it.party = (int)k;
		if ((rc = ics_event(w, set, &it, err)) == ST_OK && written)
			(*written)++;
	}
	return rc;
}

enum status invite_dispute(struct ics_writer *w, const struct ics_settings *set, const struct dispute *d,
                           const struct protocol *p, const struct invite_people *pp, size_t n, bool all_stages,
                           invite_skip_fn skip, void *skip_ctx, int *written, int *skipped, struct error *err)
{
	enum status rc = ST_OK;

	for (size_t i = all_stages ? 0 : n - 1; i < n && rc == ST_OK; i++) {
		const struct stage *st = &d->stages[i];

		if (all_stages && st->due == DATE_NONE)
			continue;
		rc = invite_stage(w, set, d, p, st, pp, written, err);
		if (rc == ST_OK) {
			/* counted by invite_stage, one for each counterpart */
		} else if (skip && rc == ST_REFUSED) {
			skip(err, skip_ctx);
			if (skipped)
				(*skipped)++;
			rc = ST_OK;
		}
	}
	return rc;
}

enum status invite_build(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                         const struct invite_people *pp, bool cancel, bool all_stages, FILE *out, int *written,
                         struct error *err)
{
	struct ics_writer *w;
	enum status rc;
	size_t n;

	if (written)
		*written = 0;
	if ((rc = invite_scope(d, cancel, all_stages, &n, err)) != ST_OK)
		return rc;
	if ((rc = ics_begin(out, cancel, &w, err)) != ST_OK)
		return rc;
	rc = invite_dispute(w, &s->set, d, p, pp, n, all_stages, NULL, NULL, written, NULL, err);
	if (rc == ST_OK)
		rc = ics_end(w, err);
	else
		ics_end(w, NULL);
	return rc;
}
