/* Calendar invites (RFC 5545 with RFC 5546 REQUEST/CANCEL) for stage deadlines, built with libical and streamed. */
#ifndef DISPUTE_ICS_H
#define DISPUTE_ICS_H

#include <stdbool.h>
#include <stdio.h>

#include "dispute/dispute.h"
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
	const char *alarms;            /* comma-separated durations from the deadline's start */
	bool include_subject;          /* put the subject's case reference in the description */
	const char *dtstamp;           /* "YYYYMMDDTHHMMSSZ", UTC: when the export is made */
	const char *uid_host;          /* this database's identity, so UIDs never collide */
};

/* One stage deadline.  Borrowed. */
struct ics_item {
	const struct dispute *d;
	const struct protocol *p;      /* may be NULL if the protocol file is gone */
	const struct stage *st;
	struct ics_person attendee;    /* the counterpart manager */
	int party;                     /* whose counterpart: 1 (or 0) the first other agency; from 2 a
	                                  further one, whose event has a UID of its own */
};

struct ics_writer;

/* Checks an alarms setting ("-PT15H,PT9H"); ST_INVALID names the bad part. */
enum status ics_alarms_check(const char *alarms, struct error *err);


/* Starts a calendar on out with METHOD:REQUEST, or METHOD:CANCEL when
 * cancel.  *w is freed by ics_end.  Nothing is buffered beyond one event,
 * so an export of any size runs in constant memory. */
enum status ics_begin(FILE *out, bool cancel, struct ics_writer **w, struct error *err);

/* Writes one VEVENT for the item's stage deadline.  The UID is stable per
 * dispute and stage; SEQUENCE is the stage's sequence.  Refuses a stage
 * without a due date or a person without a usable email address. */
enum status ics_event(struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it,
                      struct error *err);

/* Ends the calendar, flushes, reports any write error, and frees w. */
enum status ics_end(struct ics_writer *w, struct error *err);

#endif
