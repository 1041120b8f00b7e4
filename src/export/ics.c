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

enum status ics_begin(FILE *out, bool cancel, struct ics_writer **w, struct error *err)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	char *text, *end;

	icalcomponent_add_property(cal, icalproperty_new_prodid("-//dispute//dispute " DISPUTE_VERSION "//EN"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));
	text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	/* Write the calendar's head now and its tail at the end, with the
	 * events streamed in between: one tree per event, not per export. */
	end = text ? strstr(text, "END:VCALENDAR") : NULL;
	if (!end) {
		free(text);
		return error_set(err, ST_NOMEM, "libical could not build the calendar");
	}
	*w = xcalloc(1, sizeof(**w));
	(*w)->out = out;
	(*w)->cancel = cancel;
	(*w)->tail = xstrdup(end);
	fwrite(text, 1, (size_t)(end - text), out);
	free(text);
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

/* A local wall-clock time as UTC, as the calendar's TZ rules say. */
static struct icaltimetype ical_local_as_utc(long day, int minute)
{
	struct tm tm = {0};
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_isdst = -1;
	return icaltime_from_timet_with_zone(mktime(&tm), 0, icaltimezone_get_utc_timezone());
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

struct alarm_ctx {
	icalcomponent *event;
	const char *text;
};

static enum status alarm_add(const char *item, void *arg)
{
	struct alarm_ctx *a = arg;
	struct icaltriggertype trig;
	icalcomponent *alarm = icalcomponent_new_valarm();

	trig.time = icaltime_null_time();
	trig.duration = icaldurationtype_from_string(item);
	icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(alarm, icalproperty_new_description(a->text));
	icalcomponent_add_property(alarm, icalproperty_new_trigger(trig));
	icalcomponent_add_component(a->event, alarm);
	return ST_OK;
}

static const struct stage_rule *stage_rule_of(const struct ics_item *it)
{
	return protocol_stage_rule(it->p, it->d->urgent, it->st->number);
}

/* The stage's name (or NULL) and how many stages the route has. */
static const char *stage_title(const struct ics_item *it, size_t *nstages)
{
	*nstages = 0;
	if (it->p)
		protocol_stages(it->p, it->d->urgent, nstages);
	return dispute_stage_name(it->p, it->d, it->st->number);
}

/* The words of the invite: reference, protocol, stage, what is due, who
 * to call back.  Never the subject (unless asked) and never record text. */
static char *description(const struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it)
{
	const struct dispute *d = it->d;
	const struct stage *st = it->st;
	const struct stage_rule *rule = stage_rule_of(it);
	struct sb sb = {0};
	size_t nstages;
	const char *title = stage_title(it, &nstages);
	char due[17], a[11];

	datetime_format(st->due, st->due_minute, due);
	if (w->cancel) {
		sb_printf(&sb, "The deadline for stage %d of dispute %s (due %s) no longer applies: ", st->number,
		          d->reference, due);
		if (d->status != DS_OPEN && st->how != SE_ESCALATED)
			sb_printf(&sb, "the dispute was %s on %s.\n", dispute_status_name(d->status),
			          date_format(d->closed, a));
		else if (st->how == SE_ESCALATED)
			sb_printf(&sb, "the dispute moved to stage %d on %s.\n", st->number + 1, date_format(st->ended, a));
		else
			sb_append(&sb, "it was withdrawn by the sender.\n");
	} else {
		sb_printf(&sb, "Dispute %s is at stage %d", d->reference, st->number);
		if (nstages)
			sb_printf(&sb, " of %zu", nstages);
		if (title)
			sb_printf(&sb, " (%s)", title);
		sb_append(&sb, ".\n");
		sb_printf(&sb, "Due: %s%s.\n", due, st->due_agreed ? ", as agreed" : "");
		if (rule && rule->record)
			sb_printf(&sb, "To be recorded at this stage: %s\n", rule->record);
	}
	if (it->p)
		sb_printf(&sb, "Protocol: %s, %s.\n", it->p->title, it->p->partnership);
	sb_printf(&sb, "Agencies: %s", d->raised_by);
	for (size_t i = 0; i < dispute_agency_count(d); i++)
		sb_printf(&sb, "%s%s", i + 1 < dispute_agency_count(d) ? ", " : " and ", dispute_agency(d, i));
	sb_append(&sb, ".\n");
	sb_printf(&sb, "Call back: %s", set->organizer.name ? set->organizer.name : set->organizer.email);
	sb_printf(&sb, ", %s", set->organizer.email);
	if (set->phone && *set->phone)
		sb_printf(&sb, ", %s", set->phone);
	sb_append(&sb, ".");
	if (set->include_subject)
		sb_printf(&sb, "\nSubject: %s", d->subject);
	return sb_take(&sb);
}

enum status ics_event(struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it,
                      struct error *err)
{
	const struct stage *st = it->st;
	icalcomponent *ev;
	char *uid, *summary, *desc, *text, *alarm_text;
	size_t nstages;
	const char *title = stage_title(it, &nstages);
	struct alarm_ctx actx;
	enum status rc = ST_OK;

	if (st->due == DATE_NONE)
		return error_set(err, ST_REFUSED, "stage %d of %s has no due date to send", st->number, it->d->reference);
	if (!text_email_ok(set->organizer.email))
		return error_set(err, ST_INVALID, "your email address '%s' cannot go in an invite",
		                 set->organizer.email ? set->organizer.email : "");
	if (!text_email_ok(it->attendee.email))
		return error_set(err, ST_INVALID, "the counterpart for stage %d of %s has no usable email address",
		                 st->number, it->d->reference);

	ev = icalcomponent_new_vevent();
	/* The first other agency's counterpart keeps the UID invites had
	 * before there were several: a calendar that has it updates it. */
	if (it->party > 1)
		uid = xasprintf("%s.stage%d.agency%d.%s@dispute", it->d->reference, st->number, it->party, set->uid_host);
	else
		uid = xasprintf("%s.stage%d.%s@dispute", it->d->reference, st->number, set->uid_host);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_string(set->dtstamp)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(st->sequence));
	if (st->due_minute == TIME_NONE) {
		/* A working-day deadline is the whole day; DTEND is exclusive. */
		icalcomponent_add_property(ev, icalproperty_new_dtstart(ical_date(st->due)));
		icalcomponent_add_property(ev, icalproperty_new_dtend(ical_date(st->due + 1)));
	} else {
		struct icaltimetype start = ical_local_as_utc(st->due, st->due_minute);
		icalcomponent_add_property(ev, icalproperty_new_dtstart(start));
		icaltime_adjust(&start, 0, 0, 15, 0);
		icalcomponent_add_property(ev, icalproperty_new_dtend(start));
	}
	summary = xasprintf("%s%s: stage %d deadline%s%s%s", w->cancel ? "Cancelled: " : "", it->d->reference,
	                    st->number, title ? " (" : "", title ? title : "", title ? ")" : "");
	text = clean(summary, false);
	icalcomponent_add_property(ev, icalproperty_new_summary(text));
	free(text);
	desc = description(w, set, it);
	text = clean(desc, true);
	icalcomponent_add_property(ev, icalproperty_new_description(text));
	free(text);
	icalcomponent_add_property(ev, person(true, &set->organizer));
	icalcomponent_add_property(ev, person(false, &it->attendee));
	icalcomponent_add_property(ev, icalproperty_new_status(w->cancel ? ICAL_STATUS_CANCELLED
	                                                                 : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_class(ICAL_CLASS_CONFIDENTIAL));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	if (!w->cancel && set->alarms && *set->alarms) {
		alarm_text = xasprintf("%s: stage %d deadline", it->d->reference, st->number);
		actx.event = ev;
		actx.text = alarm_text;
		rc = alarms_each(set->alarms, alarm_add, &actx);
		free(alarm_text);
	}
	if (rc == ST_OK) {
		text = icalcomponent_as_ical_string_r(ev);
		if (!text || fputs(text, w->out) == EOF)
			rc = error_set(err, ST_IO, "cannot write the invite: %s", strerror(errno));
		free(text);
	}
	icalcomponent_free(ev);
	free(summary);
	free(desc);
	free(uid);
	return rc;
}

enum status ics_end(struct ics_writer *w, struct error *err)
{
	enum status rc = ST_OK;

	fputs(w->tail, w->out);
	if (fflush(w->out) != 0 || ferror(w->out))
		rc = error_set(err, ST_IO, "cannot write the invites: %s", strerror(errno));
	free(w->tail);
	free(w);
	return rc;
}
