/* A dispute's state as journal text: what each event changed, written so that the state can be replayed from the journal alone. */
#ifndef DISPUTE_JOURNAL_H
#define DISPUTE_JOURNAL_H

#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/itip.h"
#include "dispute/layer.h"
#include "dispute/util.h"

/* Every event record (opened, escalated, a due date agreed, closed, a flag
 * set, a counterpart named) carries the fields of the dispute that it
 * changed, one "name=value" line each, in a fixed order:
 *
 *     reference=D-2026-0001
 *     status=resolved
 *     stage.2.ended=2026-12-04
 *
 * A dispute's lists follow its stages: "against.2=Police" (the further
 * other agencies and subjects, from the second), "counterpart.3.2=17" (a
 * further agency's counterpart at a stage), "done.1.text=..." (the
 * checklist items done, in the order ticked) and "record.12.next=..."
 * (what a record names: its contact and follow-up).
 *
 * A field that became empty is written as its name alone.  In a value, a
 * backslash is written "\\" and a newline "\n".  Dates are YYYY-MM-DD,
 * times minutes since midnight, flags 0 or 1.  Derived columns (the
 * current stage, the list's order) are not state: they follow from it. */

/* Lines that start "invite." belong to the lifecycle of invites (itip.h):
 * an event that sent an invite or took in a reply names the row it
 * changed, one stage and one attendee, and then its fields:
 *
 *     invite.2.to=zoe.obrien@csc.example.org
 *     invite.2.uid=D-2026-0001.stage2.0123456789abcdef@dispute
 *     invite.2.sequence=1
 *     invite.2.method=REQUEST
 *
 * journal_apply passes over them; journal_invite_apply replays them. */

/* The lines for every field that differs between before and after
 * (before NULL: a new dispute, every field that is set).  Caller frees;
 * "" when nothing differs. */
char *journal_delta(const struct dispute *before, const struct dispute *after);

/* Applies the lines of delta to d.  ST_INVALID names the line that is not
 * a known field or whose value cannot be read. */
enum status journal_apply(struct dispute *d, const char *delta, struct error *err);

/* Whether a and b hold the same state.  When they do not, out says which
 * field differs first and both values ("stage.2.due: 2026-12-11 here,
 * 2026-12-04 in the journal"), a_name naming a and b_name b.  Returns true
 * when they are the same. */
bool journal_same(const struct dispute *a, const struct dispute *b, const char *a_name, const char *b_name,
                  char *out, size_t outlen);

/* The lines of a lifecycle row that changed from before (NULL: a new row)
 * to after: its "to" line, then each field that differs.  Caller frees. */
char *journal_invite_delta(const struct itip_sent *before, const struct itip_sent *after);

/* Applies the "invite." lines of delta to log (other lines are passed
 * over).  ST_INVALID names a line that cannot be read. */
enum status journal_invite_apply(struct itip_log *log, const char *delta, struct error *err);

/* Whether two rows of the same (stage, attendee) hold the same; as
 * journal_same. */
bool journal_invite_same(const struct itip_sent *a, const struct itip_sent *b, const char *a_name,
                         const char *b_name, char *out, size_t outlen);

#endif
