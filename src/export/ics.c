/* Builds calendar invites for stage deadlines with libical, one VEVENT at a time. */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include <libical/ical.h>

#include "dispute/date.h"
#include "dispute/ics.h"
#include "dispute/text.h"

struct ics_writer {
	FILE *out;
	bool cancel;
	icaltimezone *zone; /* the zone of timed deadlines (libical's, not to be freed) */
	char *tzid;         /* its IANA name */
	char *tail;         /* "END:VCALENDAR\r\n" as libical wrote it */
};

/* Stored text is already free of control characters, but libical passes
 * TAB and C0 characters through raw, so everything that goes into a
 * property is cleaned again here: newlines kept only where asked. */
static char *clean(const char *s, bool keep_newlines)
{
	char *t = text_sanitize(s ? s : "", keep_newlines);

	for (char *p = t; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return t;
}

/* Splits "a, b" on commas; calls fn for each trimmed item until it fails. */
static enum status alarms_each(const char *alarms, enum status (*fn)(const char *item, void *ctx), void *ctx)
{
	char *copy = xstrdup(alarms), *save = NULL, *item;
	enum status rc = ST_OK;

	for (item = strtok_r(copy, ",", &save); item && rc == ST_OK; item = strtok_r(NULL, ",", &save)) {
		char *end;

		while (*item == ' ')
			item++;
		end = item + strlen(item);
		while (end > item && end[-1] == ' ')
			*--end = '\0';
		rc = fn(item, ctx);
	}
	free(copy);
	return rc;
}

static enum status alarm_check_one(const char *item, void *ctx)
{
	struct icaldurationtype dur = icaldurationtype_from_string(item);

	if (!*item || icaldurationtype_is_bad_duration(dur))
		return error_set(ctx, ST_INVALID,
		                 "alarm '%s' is not an RFC 5545 duration (e.g. -PT15H for 09:00 the day before, PT9H "
		                 "for 09:00 on the day)", item);
	return ST_OK;
}

enum status ics_alarms_check(const char *alarms, struct error *err)
{
	/* libical reports a bad duration through its global errno too; clear
	 * it so a later call does not see a stale error. */
	enum status rc = alarms_each(alarms, alarm_check_one, err);

	icalerror_clear_errno();
	return rc;
}

/* Text that libical made once and that many calendars of one process
 * repeat: kept while what it was made from (its key) stays the same, so
 * that an export of thousands of invites builds each part only when it
 * changes.  Kept for the life of the process, in the module. */
struct kept {
	char *key;
	char *text;
};

/* Whether k holds the text for key; when not, forgets what it holds and
 * takes key, for the caller to fill in k->text. */
static bool kept_has(struct kept *k, const char *key)
{
	if (k->key && strcmp(k->key, key) == 0)
		return k->text != NULL;
	free(k->key);
	free(k->text);
	k->key = xstrdup(key);
	k->text = NULL;
	return false;
}

/* libical's lines for p (NULL when it could not make them); frees p. */
static char *prop_text(icalproperty *p)
{
	char *text = p ? icalproperty_as_ical_string_r(p) : NULL;

	if (p)
		icalproperty_free(p);
	return text;
}

/* Appends libical's lines for p to sb, and frees p. */
static bool put_prop(struct sb *sb, icalproperty *p)
{
	char *text = prop_text(p);

	if (!text)
		return false;
	sb_append(sb, text);
	free(text);
	return true;
}

/* Appends the lines kept in k for key, making them with make(arg) when
 * the key has changed. */
static bool put_kept(struct sb *sb, struct kept *k, const char *key, char *(*make)(const void *arg),
                     const void *arg)
{
	if (!kept_has(k, key))
		k->text = make(arg);
	if (!k->text)
		return false;
	sb_append(sb, k->text);
	return true;
}

/* The zone tzid as libical's zone data has it (the system's tzdata):
 * NULL when it does not know it.  "UTC" is libical's own zone.  libical
 * looks a name up among all its zones, so the last one is kept. */
static icaltimezone *zone_get(const char *tzid)
{
	static char *last;
	static icaltimezone *last_zone;

	if (!tzid || !*tzid)
		tzid = PROTOCOL_TIMEZONE;
	if (strcmp(tzid, "UTC") == 0)
		return icaltimezone_get_utc_timezone();
	if (!last || strcmp(last, tzid) != 0) {
		free(last);
		last = xstrdup(tzid);
		last_zone = icaltimezone_get_builtin_timezone(tzid);
	}
	return last_zone;
}

static bool zone_is_utc(const icaltimezone *z)
{
	return z == icaltimezone_get_utc_timezone();
}

enum status ics_zone_check(const char *tzid, const char *protocol, struct error *err)
{
	icaltimezone *z = zone_get(tzid);

	icalerror_clear_errno();
	if (!z || (!zone_is_utc(z) && !icaltimezone_get_component(z)))
		return error_set(err, ST_INVALID, "protocol %s: time zone '%s' is not in the system's time zone data "
		                 "(tzdata)", protocol ? protocol : "?", tzid ? tzid : "");
	return ST_OK;
}

/* The VTIMEZONE of z for events from the year of `from` on: libical's
 * own, under the plain IANA name as its TZID (libical's prefix would make
 * it a name no other program knows), cut to what those years need so
 * that it does not carry two centuries of history. */
static icalcomponent *zone_component(icaltimezone *z, const char *tzid, long from)
{
	icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(z));
	icalproperty *id = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	struct icaltimetype start = icaltime_null_time();
	int y, m, d;

	date_to_ymd(from, &y, &m, &d);
	start.year = y;
	start.month = 1;
	start.day = 1;
	start.zone = icaltimezone_get_utc_timezone();
	icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 1);
	if (id)
		icalproperty_set_tzid(id, tzid);
	else
		icalcomponent_add_property(vtz, icalproperty_new_tzid(tzid));
	return vtz;
}

/* The calendar's head as libical writes it, up to its events, and its
 * tail ("END:VCALENDAR"); kept, since every calendar of one method and
 * zone from one year has the same. */
static enum status head_make(struct kept *k, enum itip_method method, icaltimezone *zone, const char *tzid,
                             long tz_from, struct error *err)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	char *text;

	icalcomponent_add_property(cal, icalproperty_new_prodid("-//dispute//dispute " DISPUTE_VERSION "//EN"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(method == ITIP_CANCEL ? ICAL_METHOD_CANCEL
	                                                                              : ICAL_METHOD_REQUEST));
	if (tz_from != DATE_NONE && !zone_is_utc(zone))
		icalcomponent_add_component(cal, zone_component(zone, tzid, tz_from));
	text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!text || !strstr(text, "END:VCALENDAR")) {
		free(text);
		return error_set(err, ST_NOMEM, "libical could not build the calendar");
	}
	k->text = text;
	return ST_OK;
}

enum status ics_begin(FILE *out, enum itip_method method, const char *tzid, long tz_from, struct ics_writer **w,
                      struct error *err)
{
	static struct kept head;
	icaltimezone *zone = zone_get(tzid);
	char *key;
	const char *end;
	int year = 0, month, day;
	enum status rc;

	if (!tzid || !*tzid)
		tzid = PROTOCOL_TIMEZONE;
	if ((rc = ics_zone_check(tzid, NULL, err)) != ST_OK)
		return error_set(err, ST_INVALID, "time zone '%s' is not in the system's time zone data (tzdata)", tzid);
	/* The zone's rules are cut from the first of January of tz_from's year. */
	if (tz_from != DATE_NONE)
		date_to_ymd(tz_from, &year, &month, &day);
	key = xasprintf("%d %d %s", (int)method, year, tzid);
	rc = kept_has(&head, key) ? ST_OK : head_make(&head, method, zone, tzid, tz_from, err);
	free(key);
	if (rc != ST_OK)
		return rc;
	/* Write the calendar's head now and its tail at the end, with the
	 * events streamed in between: one tree per event, not per export. */
	end = strstr(head.text, "END:VCALENDAR");
	*w = xcalloc(1, sizeof(**w));
	(*w)->out = out;
	(*w)->cancel = method == ITIP_CANCEL;
	(*w)->zone = zone;
	(*w)->tzid = xstrdup(tzid);
	(*w)->tail = xstrdup(end);
	fwrite(head.text, 1, (size_t)(end - head.text), out);
	return ST_OK;
}

static struct icaltimetype ical_date(long day)
{
	struct icaltimetype t = icaltime_null_date();
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.is_date = 1;
	return t;
}

/* A wall-clock time in zone: what the deadline says, whatever the TZ of
 * the machine writing it. */
static struct icaltimetype ical_local(long day, int minute, icaltimezone *zone)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = minute / 60;
	t.minute = minute % 60;
	t.zone = zone;
	return t;
}

/* DTSTART or DTEND of a timed deadline: TZID=zone, or UTC ("Z") when the
 * zone is UTC. */
static icalproperty *timed_prop(bool start, struct icaltimetype t, const struct ics_writer *w)
{
	icalproperty *p = start ? icalproperty_new_dtstart(t) : icalproperty_new_dtend(t);

	if (!zone_is_utc(w->zone))
		icalproperty_add_parameter(p, icalparameter_new_tzid(w->tzid));
	return p;
}

void ics_due_text(const char *tzid, long day, int minute, char *out, size_t outlen)
{
	icaltimezone *zone = zone_get(tzid);
	char when[17];

	datetime_format(day, minute, when);
	if (when[10] == 'T')
		when[10] = ' ';
	if (minute == TIME_NONE) {
		snprintf(out, outlen, "%s", when);
	} else if (!zone || zone_is_utc(zone)) {
		snprintf(out, outlen, "%s %s", when, tzid && *tzid ? tzid : "UTC");
	} else {
		struct icaltimetype t = ical_local(day, minute, zone);
		int daylight = 0, off = icaltimezone_get_utc_offset(zone, &t, &daylight), a = off < 0 ? -off : off;

		snprintf(out, outlen, "%s %s (UTC%c%02d:%02d)", when, tzid, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
	}
}

enum status ics_utc_to_local(const char *tzid, const char *utc, long *day, int *minute, struct error *err)
{
	icaltimezone *zone = zone_get(tzid);
	struct icaltimetype t = icaltime_from_string(utc);

	icalerror_clear_errno();
	if (!zone || icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
		return error_set(err, ST_INVALID, "'%s' is not a time in zone %s", utc, tzid ? tzid : "?");
	t = icaltime_convert_to_zone(t, zone);
	if (!date_from_ymd(t.year, t.month, t.day, day))
		return error_set(err, ST_INVALID, "'%s' is not a date", utc);
	*minute = t.hour * 60 + t.minute;
	return ST_OK;
}

static icalproperty *person(bool organizer, const struct ics_person *who)
{
	char *uri = xasprintf("mailto:%s", who->email);
	icalproperty *p = organizer ? icalproperty_new_organizer(uri) : icalproperty_new_attendee(uri);

	free(uri);
	if (who->name && *who->name) {
		char *cn = clean(who->name, false);
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		free(cn);
	}
	if (!organizer) {
		icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	return p;
}

/* A person's key in what is kept: name and address (neither has a
 * newline). */
static char *person_key(const struct ics_person *who)
{
	struct sb sb = {0};

	sb_append(&sb, who->name ? who->name : "");
	sb_append(&sb, "\n");
	sb_append(&sb, who->email);
	return sb_take(&sb);
}

/* "D-2026-0001: stage 2 deadline", with what comes before and after. */
static char *deadline_words(const char *before, const struct ics_item *it, const char *title)
{
	struct sb sb = {0};

	sb_append(&sb, before);
	sb_append(&sb, it->d->reference);
	sb_append(&sb, ": stage ");
	sb_append_int(&sb, stage_step(it->st));
	sb_append(&sb, " deadline");
	if (title) {
		sb_append(&sb, " (");
		sb_append(&sb, title);
		sb_append(&sb, ")");
	}
	return sb_take(&sb);
}

static char *organizer_make(const void *arg)
{
	return prop_text(person(true, arg));
}

static char *attendee_make(const void *arg)
{
	return prop_text(person(false, arg));
}

static char *dtstamp_make(const void *arg)
{
	return prop_text(icalproperty_new_dtstamp(icaltime_from_string(arg)));
}

/* STATUS, CLASS and TRANSP: the same for every request, and for every
 * cancellation. */
static char *closing_make(const void *arg)
{
	bool cancel = *(const bool *)arg;
	struct sb sb = {0};
	bool ok = put_prop(&sb, icalproperty_new_status(cancel ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED)) &&
	          put_prop(&sb, icalproperty_new_class(ICAL_CLASS_CONFIDENTIAL)) &&
	          put_prop(&sb, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	char *text = sb_take(&sb);

	if (!ok) {
		free(text);
		return NULL;
	}
	return text;
}

struct alarm_ctx {
	struct sb *out;
	const char *text;
	int due_minute;         /* a timed deadline's time of day, or TIME_NONE */
	bool ok;
};

static char *action_make(const void *arg)
{
	(void)arg;
	return prop_text(icalproperty_new_action(ICAL_ACTION_DISPLAY));
}

/* One reminder.  The setting counts from the start of the deadline's day;
 * a TRIGGER counts from DTSTART, which for a timed deadline is its time
 * of day, so the two differ by that time.  A reminder that would come at
 * or after a timed deadline comes an hour before it instead. */
static enum status alarm_add(const char *item, void *arg)
{
	static struct kept action;
	struct alarm_ctx *a = arg;
	struct icaltriggertype trig;

	trig.time = icaltime_null_time();
	trig.duration = icaldurationtype_from_string(item);
	if (a->due_minute != TIME_NONE) {
		int from_start = icaldurationtype_as_int(trig.duration) - a->due_minute * 60;

		trig.duration = icaldurationtype_from_int(from_start < 0 ? from_start : -3600);
	}
	sb_append(a->out, "BEGIN:VALARM\r\n");
	a->ok = a->ok && put_kept(a->out, &action, "DISPLAY", action_make, NULL) &&
	        put_prop(a->out, icalproperty_new_description(a->text)) && put_prop(a->out, icalproperty_new_trigger(trig));
	sb_append(a->out, "END:VALARM\r\n");
	return ST_OK;
}

static const struct stage_rule *stage_rule_of(const struct ics_item *it)
{
	return dispute_rule(it->p, it->d, it->st);
}

/* The stage's name (or NULL) and how many stages the route has. */
static const char *stage_title(const struct ics_item *it, size_t *nstages)
{
	*nstages = 0;
	if (it->p)
		protocol_stages(it->p, stage_urgent(it->d, it->st), nstages);
	return dispute_stage_name(it->p, it->d, it->st->number);
}

/* Why a CANCEL is sent, in the words of its description. */
static void cancel_reason(struct sb *sb, const struct ics_item *it)
{
	const struct dispute *d = it->d;
	const struct stage *st = it->st;
	char a[11];

	if (it->m->why == ITIP_REPLACED)
		sb_append(sb, "another counterpart was named for the stage.\n");
	else if (st->how == SE_ESCALATED)
		sb_printf(sb, "the dispute moved to stage %d on %s.\n", dispute_stage(d, st->number + 1) ?
		          stage_step(dispute_stage(d, st->number + 1)) : stage_step(st) + 1, date_format(st->ended, a));
	else if (d->status != DS_OPEN)
		sb_printf(sb, "the dispute was %s on %s.\n", dispute_status_name(d->status), date_format(d->closed, a));
	else
		sb_append(sb, "it was withdrawn by the sender.\n");
}

/* The words of the invite: reference, protocol, stage, what is due and
 * when, in which zone, who to call back.  Never the subject (unless
 * asked) and never record text. */
static char *description(const struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it)
{
	const struct dispute *d = it->d;
	const struct stage *st = it->st;
	const struct stage_rule *rule = stage_rule_of(it);
	struct sb sb = {0};
	size_t nstages;
	const char *title = stage_title(it, &nstages);
	char due[96];

	/* Put together piece by piece: an export writes thousands of these. */
	ics_due_text(w->tzid, it->m->due, it->m->due_minute, due, sizeof(due));
	if (w->cancel) {
		sb_append(&sb, "The deadline for stage ");
		sb_append_int(&sb, stage_step(st));
		sb_append(&sb, " of dispute ");
		sb_append(&sb, d->reference);
		sb_append(&sb, " (due ");
		sb_append(&sb, due);
		sb_append(&sb, ") no longer applies: ");
		cancel_reason(&sb, it);
	} else {
		sb_append(&sb, "Dispute ");
		sb_append(&sb, d->reference);
		sb_append(&sb, " is at stage ");
		sb_append_int(&sb, stage_step(st));
		if (nstages) {
			sb_append(&sb, " of ");
			sb_append_int(&sb, (long long)nstages);
		}
		if (title) {
			sb_append(&sb, " (");
			sb_append(&sb, title);
			sb_append(&sb, ")");
		}
		sb_append(&sb, ".\nDue: ");
		sb_append(&sb, due);
		sb_append(&sb, st->due_agreed ? ", as agreed.\n" : ".\n");
		if (rule && rule->record) {
			sb_append(&sb, "To be recorded at this stage: ");
			sb_append(&sb, rule->record);
			sb_append(&sb, "\n");
		}
	}
	if (it->p) {
		sb_append(&sb, "Protocol: ");
		sb_append(&sb, it->p->title);
		sb_append(&sb, ", ");
		sb_append(&sb, it->p->partnership);
		sb_append(&sb, ".\n");
	}
	sb_append(&sb, "Agencies: ");
	sb_append(&sb, d->raised_by);
	for (size_t i = 0; i < dispute_agency_count(d); i++) {
		sb_append(&sb, i + 1 < dispute_agency_count(d) ? ", " : " and ");
		sb_append(&sb, dispute_agency(d, i));
	}
	sb_append(&sb, ".\nCall back: ");
	sb_append(&sb, set->organizer.name ? set->organizer.name : set->organizer.email);
	sb_append(&sb, ", ");
	sb_append(&sb, set->organizer.email);
	if (set->phone && *set->phone) {
		sb_append(&sb, ", ");
		sb_append(&sb, set->phone);
	}
	sb_append(&sb, ".");
	if (set->include_subject) {
		sb_append(&sb, "\nSubject: ");
		sb_append(&sb, d->subject);
	}
	return sb_take(&sb);
}

/* The event is written as libical writes a VEVENT: its properties in
 * order, then its alarms, each as libical writes that property.  Those
 * that are the same for many events (the stamp, the organizer, the
 * attendee, the closing three) are made once and kept. */
enum status ics_event(struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it,
                      struct error *err)
{
	static struct kept stamp, organizer, attendee_kept, closing;
	const struct stage *st = it->st;
	const struct itip_msg *m = it->m;
	struct ics_person attendee = { m->name, m->email };
	struct sb ev = {0};
	char *summary, *desc, *text, *alarm_text, *key;
	size_t nstages;
	const char *title = stage_title(it, &nstages);
	bool ok;
	enum status rc = ST_OK;

	if (m->due == DATE_NONE)
		return error_set(err, ST_REFUSED, "stage %d of %s has no due date to send", st->number, it->d->reference);
	if (!text_email_ok(set->organizer.email))
		return error_set(err, ST_INVALID, "your email address '%s' cannot go in an invite",
		                 set->organizer.email ? set->organizer.email : "");
	if (!text_email_ok(m->email))
		return error_set(err, ST_INVALID, "the counterpart for stage %d of %s has no usable email address",
		                 st->number, it->d->reference);

	sb_append(&ev, "BEGIN:VEVENT\r\n");
	ok = put_prop(&ev, icalproperty_new_uid(m->uid)) && put_kept(&ev, &stamp, set->dtstamp, dtstamp_make, set->dtstamp) &&
	     put_prop(&ev, icalproperty_new_sequence(m->sequence));
	if (m->due_minute == TIME_NONE) {
		/* A working-day deadline is the whole day; DTEND is exclusive. */
		ok = ok && put_prop(&ev, icalproperty_new_dtstart(ical_date(m->due))) &&
		     put_prop(&ev, icalproperty_new_dtend(ical_date(m->due + 1)));
	} else {
		struct icaltimetype start = ical_local(m->due, m->due_minute, w->zone);

		ok = ok && put_prop(&ev, timed_prop(true, start, w));
		icaltime_adjust(&start, 0, 0, 15, 0);
		ok = ok && put_prop(&ev, timed_prop(false, start, w));
	}
	summary = deadline_words(w->cancel ? "Cancelled: " : "", it, title);
	text = clean(summary, false);
	ok = ok && put_prop(&ev, icalproperty_new_summary(text));
	free(text);
	desc = description(w, set, it);
	text = clean(desc, true);
	ok = ok && put_prop(&ev, icalproperty_new_description(text));
	free(text);
	key = person_key(&set->organizer);
	ok = ok && put_kept(&ev, &organizer, key, organizer_make, &set->organizer);
	free(key);
	key = person_key(&attendee);
	ok = ok && put_kept(&ev, &attendee_kept, key, attendee_make, &attendee) &&
	     put_kept(&ev, &closing, w->cancel ? "cancel" : "request", closing_make, &w->cancel);
	free(key);
	if (ok && !w->cancel && set->alarms && *set->alarms) {
		struct alarm_ctx actx = { &ev, NULL, m->due_minute, true };

		alarm_text = deadline_words("", it, NULL);
		actx.text = alarm_text;
		rc = alarms_each(set->alarms, alarm_add, &actx);
		ok = actx.ok;
		free(alarm_text);
	}
	sb_append(&ev, "END:VEVENT\r\n");
	text = sb_take(&ev);
	if (rc == ST_OK && !ok)
		rc = error_set(err, ST_NOMEM, "libical could not build the invite");
	else if (rc == ST_OK && fputs(text, w->out) == EOF)
		rc = error_set(err, ST_IO, "cannot write the invite: %s", strerror(errno));
	free(text);
	free(summary);
	free(desc);
	return rc;
}

enum status ics_end(struct ics_writer *w, struct error *err)
{
	enum status rc = ST_OK;

	fputs(w->tail, w->out);
	if (fflush(w->out) != 0 || ferror(w->out))
		rc = error_set(err, ST_IO, "cannot write the invites: %s", strerror(errno));
	free(w->tail);
	free(w->tzid);
	free(w);
	return rc;
}
