/* The floor for `dispute export-ics --open --to DIR`: N invites of the same shape (all-day deadline, organizer, attendee, description of the same length, a reminder) built with libical alone, one calendar file each in DIR.
 *
 * usage: ics_floor N DIR */
#include <stdio.h>
#include <stdlib.h>

#include <libical/ical.h>

static icalproperty *person(int organizer, const char *cn, const char *uri)
{
	icalproperty *p = organizer ? icalproperty_new_organizer(uri) : icalproperty_new_attendee(uri);

	icalproperty_add_parameter(p, icalparameter_new_cn(cn));
	if (!organizer) {
		icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	return p;
}

static void alarm(icalcomponent *ev, const char *text, const char *when)
{
	icalcomponent *a = icalcomponent_new_valarm();
	struct icaltriggertype trig;

	trig.time = icaltime_null_time();
	trig.duration = icaldurationtype_from_string(when);
	icalcomponent_add_property(a, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(a, icalproperty_new_description(text));
	icalcomponent_add_property(a, icalproperty_new_trigger(trig));
	icalcomponent_add_component(ev, a);
}

int main(int argc, char **argv)
{
	long n;

	if (argc != 3 || (n = atol(argv[1])) < 0) {
		fputs("usage: ics_floor N DIR\n", stderr);
		return 2;
	}
	for (long i = 0; i < n; i++) {
		FILE *out;
		char path[4096];
		icalcomponent *ev = icalcomponent_new_vevent();
		struct icaltimetype day = icaltime_null_date(), next;
		char uid[64], summary[96], desc[640];
		char *text;

		day.year = 2026;
		day.month = 11;
		day.day = 1 + (int)(i % 28);
		next = day;
		icaltime_adjust(&next, 1, 0, 0, 0);
		snprintf(uid, sizeof(uid), "D-2026-%04ld.stage1.294d10b489621c96@dispute", i);
		snprintf(summary, sizeof(summary), "D-2026-%04ld: stage 1 deadline (Preventing disputes)", i);
		snprintf(desc, sizeof(desc), "Dispute D-2026-%04ld is at stage 1 of 4 (Preventing disputes).\n"
		         "Due: 2026-11-%02d.\nTo be recorded at this stage: Agreed action, fed back immediately to the "
		         "relevant managers; the detail of the conflict and agreements reached, on the child's file.\n"
		         "Protocol: Conflict Resolution Policy (Resolving Professional Differences), Safeguarding "
		         "Children Board (not named in the source).\nAgencies: Adult Social Care and Hillside Primary.\n"
		         "Call back: Siân Roberts, sian@example.org.", i, day.day);
		icalcomponent_add_property(ev, icalproperty_new_uid(uid));
		icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_string("20261127T090000Z")));
		icalcomponent_add_property(ev, icalproperty_new_sequence(0));
		icalcomponent_add_property(ev, icalproperty_new_dtstart(day));
		icalcomponent_add_property(ev, icalproperty_new_dtend(next));
		icalcomponent_add_property(ev, icalproperty_new_summary(summary));
		icalcomponent_add_property(ev, icalproperty_new_description(desc));
		icalcomponent_add_property(ev, person(1, "Siân Roberts", "mailto:sian@example.org"));
		icalcomponent_add_property(ev, person(0, "Zoë O'Brien", "mailto:zoe@example.org"));
		icalcomponent_add_property(ev, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
		icalcomponent_add_property(ev, icalproperty_new_class(ICAL_CLASS_CONFIDENTIAL));
		icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
		alarm(ev, summary, "-PT15H");
		snprintf(path, sizeof(path), "%s/D-2026-%04ld-stage1.ics", argv[2], i);
		if (!(out = fopen(path, "w"))) {
			perror(path);
			return 1;
		}
		fputs("BEGIN:VCALENDAR\r\nPRODID:-//floor//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n"
		      "METHOD:REQUEST\r\n", out);
		text = icalcomponent_as_ical_string_r(ev);
		fputs(text, out);
		fputs("END:VCALENDAR\r\n", out);
		free(text);
		icalcomponent_free(ev);
		if (fclose(out) != 0)
			return 1;
	}
	return 0;
}
