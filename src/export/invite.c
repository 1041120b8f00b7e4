/* One dispute's calendar invites, built from the values the caller gives: one calendar for the messages to one attendee. */
#include <errno.h>
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

enum status invite_setup_init(struct invite_setup *s, const struct invite_organizer *o, const char *stamp,
                              bool include_subject, struct error *err)
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
	return ST_OK;
}

static const struct stage *stage_of(const struct dispute *d, int number)
{
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].number == number)
			return &d->stages[i];
	return NULL;
}

enum status invite_write(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                         const struct itip_msg *m, size_t n, FILE *out, struct error *err)
{
	struct ics_writer *w;
	enum status rc;
	long tz_from = DATE_NONE;

	if (!n)
		return error_set(err, ST_REFUSED, "%s: no invite to write", d->reference);
	if (p && (rc = ics_zone_check(p->timezone, p->id, err)) != ST_OK)
		return rc;
	/* The zone's rules are written from the year of the first timed deadline on. */
	for (size_t i = 0; i < n; i++)
		if (m[i].due_minute != TIME_NONE && m[i].due != DATE_NONE && (tz_from == DATE_NONE || m[i].due < tz_from))
			tz_from = m[i].due;
	if ((rc = ics_begin(out, m[0].method, p ? p->timezone : PROTOCOL_TIMEZONE, tz_from, &w, err)) != ST_OK)
		return rc;
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		struct ics_item it = { d, p, stage_of(d, m[i].stage), &m[i] };

		if (!it.st)
			rc = error_set(err, ST_NOTFOUND, "%s has no stage %d", d->reference, m[i].stage);
		else if (m[i].method != m[0].method || ascii_casecmp(m[i].email, m[0].email) != 0)
			rc = error_set(err, ST_INVALID, "%s: one calendar holds messages to one person with one method",
			               d->reference);
		else
			rc = ics_event(w, &s->set, &it, err);
	}
	if (rc == ST_OK)
		rc = ics_end(w, err);
	else
		ics_end(w, NULL);
	return rc;
}

enum status invite_build(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                         const struct itip_msg *m, size_t n, char **out, size_t *len, struct error *err)
{
	FILE *f;
	enum status rc;

	*out = NULL;
	*len = 0;
	if (!(f = open_memstream(out, len)))
		return error_set(err, ST_NOMEM, "cannot build the invite: %s", strerror(errno));
	rc = invite_write(s, d, p, m, n, f, err);
	if (fclose(f) != 0 && rc == ST_OK)
		rc = error_set(err, ST_NOMEM, "cannot build the invite: %s", strerror(errno));
	if (rc != ST_OK) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return rc;
}

char *invite_file_name(const struct dispute *d, const struct itip_msg *m)
{
	return xasprintf("%s-stage%d-seq%d-%s%s.ics", d->reference, m->stage, m->sequence, m->email,
	                 m->method == ITIP_CANCEL ? "-cancel" : "");
}
