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

/* Reminders on each invite unless the settings say otherwise: 09:00 the
 * day before and 09:00 on the day, as durations from the deadline day's start. */
#define INVITE_DEFAULT_ALARMS "-PT15H,PT9H"

/* Who the invites come from and how they remind; borrowed strings. */
struct invite_organizer {
	const char *name, *email, *phone;
	const char *alarms;     /* NULL: INVITE_DEFAULT_ALARMS */
};

/* What every event of one export shares.  set borrows from the organizer
 * and uid given to invite_setup_init, and from stamp here, so it lives no
 * longer than those. */
struct invite_setup {
	struct ics_settings set;
	char stamp[17];         /* DTSTAMP */
};

/* True when the organizer can go in an invite: a name and an email
 * address fit for a mailto: URI. */
bool invite_organizer_ok(const struct invite_organizer *o);

/* Fills s: o's details (taken as they are: check them first with
 * invite_organizer_ok or ask for them), uid (this database's identity, or
 * NULL) and stamp ("YYYYMMDDTHHMMSSZ", the time of export).  Fails when
 * the alarms are not RFC 5545 durations. */
enum status invite_setup_init(struct invite_setup *s, const struct invite_organizer *o, const char *uid,
                              const char *stamp, bool include_subject, struct error *err);

/* The people invites may go to: contacts by id (sorted here on the way in). */
struct invite_people {
	struct contact *v;      /* borrowed; sorted by id in place by invite_people_init */
	size_t n;
};

void invite_people_init(struct invite_people *pp, struct contact *v, size_t n);

/* How many of d's stages an export covers (*n: the first n, of which the
 * last one, or all with a due date when all_stages).  A cancel covers the
 * stages that ended: refused for an open dispute unless all_stages (its
 * deadline stands), and when no stage has ended yet. */
enum status invite_scope(const struct dispute *d, bool cancel, bool all_stages, size_t *n, struct error *err);


/* Receives the reason a stage was left out of a bulk export. */
typedef void (*invite_skip_fn)(const struct error *why, void *ctx);

/* Writes the events of d's first n stages: the last one, or every one with
 * a due date when all_stages; one event for each counterpart named at a
 * stage (each other agency's).  When skip is not NULL a refused stage is
 * passed to it and left out instead of failing the export.  *written and
 * *skipped (either may be NULL) are increased by the stages written and
 * left out. */
enum status invite_dispute(struct ics_writer *w, const struct ics_settings *set, const struct dispute *d,
                           const struct protocol *p, const struct invite_people *pp, size_t n, bool all_stages,
                           invite_skip_fn skip, void *skip_ctx, int *written, int *skipped, struct error *err);

/* Builds one dispute's invites as a whole calendar (METHOD:REQUEST, or
 * METHOD:CANCEL when cancel) into out, for the stages invite_scope picks.
 * *written (may be NULL) receives the number of events.  On failure out
 * may hold part of a calendar: build into memory or a temporary file. */
enum status invite_build(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                         const struct invite_people *pp, bool cancel, bool all_stages, FILE *out, int *written,
                         struct error *err);

#endif
