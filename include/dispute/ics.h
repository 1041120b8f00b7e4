/* Calendar invites (RFC 5545 with RFC 5546 REQUEST/CANCEL) for stage deadlines, built with libical and streamed. */
#ifndef DISPUTE_ICS_H
#define DISPUTE_ICS_H

#include <stdbool.h>
#include <stdio.h>

#include "dispute/dispute.h"
#include "dispute/itip.h"
#include "dispute/protocol.h"
#include "dispute/util.h"

#include "dispute/layer.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_EXPORT | DISPUTE_LAYER_TUI | DISPUTE_LAYER_CLI)
#error "ics.h is for the exports and the front ends that call them"
#endif

struct ics_person {
	const char *name;
	const char *email;
};

/* How every event of one export is made.  Borrowed strings. */
struct ics_settings {
	struct ics_person organizer;   /* the user */
	const char *phone;             /* the user's callback number, or NULL */
	const char *alarms;            /* comma-separated durations from the start of the deadline's day */
	bool include_subject;          /* put the subject's case reference in the description */
	const char *dtstamp;           /* "YYYYMMDDTHHMMSSZ", UTC: when the export is made */
};

/* One message about one stage deadline.  Borrowed. */
struct ics_item {
	const struct dispute *d;
	const struct protocol *p;      /* may be NULL if the protocol file is gone */
	const struct stage *st;
	const struct itip_msg *m;      /* UID, SEQUENCE, the attendee and the deadline it carries */
};

struct ics_writer;

/* Checks an alarms setting ("-PT15H,PT9H"); ST_INVALID names the bad part. */
enum status ics_alarms_check(const char *alarms, struct error *err);

/* Whether libical's zone data (the system's tzdata) knows the zone; when
 * it does not, err says so, naming the protocol. */
enum status ics_zone_check(const char *tzid, const char *protocol, struct error *err);

/* The wall-clock day and minute in zone tzid of the UTC time utc
 * ("YYYYMMDDTHHMMSSZ" as libical reads it). */
enum status ics_utc_to_local(const char *tzid, const char *utc, long *day, int *minute, struct error *err);

/* Starts a calendar on out with METHOD:REQUEST or METHOD:CANCEL.  Timed
 * deadlines are written in the zone tzid (an IANA name: "Europe/London"),
 * whose VTIMEZONE libical builds from its zone data, from the year of
 * tz_from (the earliest timed deadline of the calendar) on; DATE_NONE when
 * the calendar has no timed deadline and needs no VTIMEZONE.  The file is
 * the same whatever the machine's TZ.  *w is freed by ics_end.  Nothing
 * is buffered beyond one event, so an export of any size runs in constant
 * memory. */
enum status ics_begin(FILE *out, enum itip_method method, const char *tzid, long tz_from, struct ics_writer **w,
                      struct error *err);

/* Writes one VEVENT for the item: its message's UID, SEQUENCE, attendee
 * and deadline.  Refuses a message without a due date or a person without
 * a usable email address. */
enum status ics_event(struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it,
                      struct error *err);

/* Ends the calendar, flushes, reports any write error, and frees w. */
enum status ics_end(struct ics_writer *w, struct error *err);

/* "2026-07-08 16:30 Europe/London (UTC+01:00)", or the date alone for a
 * whole day: a deadline as the people reading it elsewhere need it.  Into
 * out (at least 80 bytes). */
void ics_due_text(const char *tzid, long day, int minute, char *out, size_t outlen);

#endif
