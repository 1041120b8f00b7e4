/* Invitations as mail (RFC 6047 iMIP), built and read with GMime: the message for a calendar of invites, and the counterpart's reply read back. */
#ifndef DISPUTE_IMIP_H
#define DISPUTE_IMIP_H

#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/invite.h"
#include "dispute/itip.h"
#include "dispute/layer.h"
#include "dispute/protocol.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_EXPORT | DISPUTE_LAYER_TUI | DISPUTE_LAYER_CLI)
#error "imip.h is for the exports and the front ends that call them"
#endif

/* The mail for the messages m[0..n) (one attendee, one method) whose
 * calendar is calendar[0..len) (invite_build's): From the organizer, To
 * the attendee, a Subject with the dispute's reference and the deadline
 * (never the subject's case reference), Date from the setup's stamp, and
 * a multipart/alternative body of a plain-text part a person can read
 * (the invite's own description) and the calendar as
 * "text/calendar; method=REQUEST|CANCEL; charset=UTF-8".  *out is a new
 * buffer (caller frees) of *outlen bytes, lines ending in LF as a
 * sendmail command and a .eml file want them. */
enum status imip_build(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                       const struct itip_msg *m, size_t n, const char *calendar, size_t len, char **out,
                       size_t *outlen, struct error *err);

/* Reads a reply the counterpart sent: an iCalendar file (METHOD:REPLY or
 * METHOD:COUNTER) or a mail (.eml) carrying one as a text/calendar or
 * application/ics part.  Fills r (itip_reply_init'ed by the caller).  A
 * COUNTER's proposed start goes into r->proposed (and proposed_minute)
 * when it is a date or a time with no zone, or into proposed_utc
 * ("YYYYMMDDTHHMMSSZ") when it names its zone, to be read in the
 * protocol's zone (ics_utc_to_local) once the dispute is known; "" when
 * not.  Refuses anything else with a message that names it. */
enum status imip_reply_read(const char *bytes, size_t len, struct itip_reply *r, char proposed_utc[17],
                            struct error *err);

#endif
