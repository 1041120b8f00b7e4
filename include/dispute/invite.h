/* One dispute's calendar invites built from values the caller gives (the dispute, its protocol, the counterpart contacts, the organizer, this database's identity and the time of export). */
#ifndef DISPUTE_INVITE_H
#define DISPUTE_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dispute/dispute.h"
#include "dispute/ics.h"
#include "dispute/layer.h"
#include "dispute/protocol.h"
#include "dispute/query.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_EXPORT | DISPUTE_LAYER_TUI | DISPUTE_LAYER_CLI)
#error "invite.h is for the exports and the front ends that call them"
#endif

/* The reminder on each invite unless the settings say otherwise: one
 * (Outlook keeps only one), at 09:00 the day before the deadline's day,
 * as a duration from that day's start. */
#define INVITE_DEFAULT_ALARMS "-PT15H"

/* Who the invites come from and how they remind; borrowed strings. */
struct invite_organizer {
	const char *name, *email, *phone;
	const char *alarms;     /* NULL: INVITE_DEFAULT_ALARMS */
};

/* What every event of one export shares.  set borrows from the organizer
 * given to invite_setup_init, and from stamp here, so it lives no longer
 * than those. */
struct invite_setup {
	struct ics_settings set;
	char stamp[17];         /* DTSTAMP */
};

/* True when the organizer can go in an invite: a name and an email
 * address fit for a mailto: URI. */
bool invite_organizer_ok(const struct invite_organizer *o);

/* Fills s: o's details (taken as they are: check them first with
 * invite_organizer_ok or ask for them) and stamp ("YYYYMMDDTHHMMSSZ", the
 * time of export).  Fails when the alarms are not RFC 5545 durations. */
enum status invite_setup_init(struct invite_setup *s, const struct invite_organizer *o, const char *stamp,
                              bool include_subject, struct error *err);

/* Writes one calendar holding the messages m[0..n) about dispute d: one
 * attendee and one method, as svc_invite_issue hands them over (METHOD
 * REQUEST or CANCEL), timed deadlines in p's time zone (PROTOCOL_TIMEZONE
 * when p is NULL).  On failure out may hold part of a calendar: build
 * into memory or a temporary file. */
enum status invite_write(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                         const struct itip_msg *m, size_t n, FILE *out, struct error *err);

/* The same into a new buffer (*out, caller frees; *len its length). */
enum status invite_build(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                         const struct itip_msg *m, size_t n, char **out, size_t *len, struct error *err);

/* The file name for the messages to m's attendee, m the first of them:
 * "D-2026-0001-stage2-seq1-zoe.obrien@csc.example.org.ics", with "-cancel"
 * before ".ics" for a CANCEL, so that each message sent has a name of its
 * own.  Addresses hold no '/' (text_email_check).  Caller frees. */
char *invite_file_name(const struct dispute *d, const struct itip_msg *m);

#endif
