/* One dispute's calendar invites built from the store and the user's settings, shared by the command line and the workbench. */
#ifndef DISPUTE_INVITE_H
#define DISPUTE_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dispute/config.h"
#include "dispute/dispute.h"
#include "dispute/ics.h"
#include "dispute/service.h"
#include "dispute/util.h"

/* What every event of one export shares: the organizer and alarms from the
 * config, this database's identity for the UIDs, and the time of export.
 * set borrows from the ctx's config and from uid/stamp here, so it lives
 * no longer than both.  Free with invite_setup_free. */
struct invite_setup {
	struct ics_settings set;
	char *uid;              /* owned: the database's "uid" setting, or NULL */
	char stamp[17];         /* DTSTAMP: $DISPUTE_DTSTAMP (for exact tests), else now in UTC */
};

/* True when the config holds an organizer an invite can carry: a name and
 * an email address fit for a mailto: URI. */
bool invite_organizer_ok(const struct config *cfg);

/* Fills s for c (the organizer is taken as it is: check it first with
 * invite_organizer_ok or ask for it).  Fails when the database cannot be
 * read or the configured alarms are not RFC 5545 durations. */
enum status invite_setup_init(struct ctx *c, bool include_subject, struct invite_setup *s, struct error *err);
void invite_setup_free(struct invite_setup *s);

/* How many of d's stages an export covers (*n: the first n, of which the
 * last one, or all with a due date when all_stages).  A cancel covers the
 * stages that ended: refused for an open dispute unless all_stages (its
 * deadline stands), and when no stage has ended yet. */
enum status invite_scope(const struct dispute *d, bool cancel, bool all_stages, size_t *n, struct error *err);

/* Writes the VEVENT of one stage's deadline to w, its attendee the stage's
 * counterpart contact.  ST_REFUSED when the stage has no due date or no
 * counterpart yet. */
enum status invite_stage(struct ctx *c, struct ics_writer *w, const struct ics_settings *set,
                         const struct dispute *d, const struct stage *st, struct error *err);

/* Receives the reason a stage was left out of a bulk export. */
typedef void (*invite_skip_fn)(const char *why, void *ctx);

/* Writes the events of d's first n stages: the last one, or every one with
 * a due date when all_stages.  When skip is not NULL a refused stage is
 * passed to it and left out instead of failing the export.  *written and
 * *skipped (either may be NULL) are increased by the stages written and
 * left out. */
enum status invite_dispute(struct ctx *c, struct ics_writer *w, const struct ics_settings *set,
                           const struct dispute *d, size_t n, bool all_stages, invite_skip_fn skip, void *skip_ctx,
                           int *written, int *skipped, struct error *err);

/* Builds one dispute's invites as a whole calendar (METHOD:REQUEST, or
 * METHOD:CANCEL when cancel) into out, for the stages invite_scope picks.
 * *written (may be NULL) receives the number of events.  On failure out
 * may hold part of a calendar: build into memory or a temporary file. */
enum status invite_build(struct ctx *c, const struct invite_setup *s, const struct dispute *d, bool cancel,
                         bool all_stages, FILE *out, int *written, struct error *err);

/* Opens path + ".tmp" for writing, mode 0600.  *tmp receives that name
 * (caller passes it to invite_file_close, which frees it). */
FILE *invite_file_open(const char *path, char **tmp, struct error *err);
/* Closes f and, when rc is ST_OK and the close succeeded, renames tmp over
 * path, so a reader sees the old file or the whole new one; otherwise
 * removes tmp.  Frees tmp.  Returns rc, or the error of the close or rename. */
enum status invite_file_close(FILE *f, char *tmp, const char *path, enum status rc, struct error *err);

/* Writes text[0..len) to path as invite_file_open/close do, creating
 * path's directory (0700) when it is missing. */
enum status invite_save(const char *path, const char *text, size_t len, struct error *err);

#endif
