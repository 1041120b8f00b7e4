/* What the service's own files share and the front ends do not see: the steps of a change, and its journal texts so an import words them as the commands do (only for src/service/). */
#ifndef DISPUTE_SERVICE_IMPL_H
#define DISPUTE_SERVICE_IMPL_H

#include "dispute/service.h"

/* Applies ch to d in memory (the rule of the domain, under p); returns the
 * journal text saying what happened (caller frees), or NULL with *rc and
 * err set.  Counterparts and records read the store; writing says the
 * change is to be written (a new contact a record names is added to the
 * store then, and only then: a preview adds nothing). */
char *svc_change_text(struct ctx *c, const struct protocol *p, struct dispute *d, const struct svc_change *ch,
                      bool writing, enum status *rc, struct error *err);

/* The journal text of a dispute just opened under p (caller frees). */
char *svc_opened_text(const struct protocol *p, const struct dispute *d);

/* Refuses a change while the user has not said who signs it (the settings
 * are read again first). */
enum status author_check(struct ctx *c, struct error *err);

/* Loads ref and applies ch to it in memory, as svc_apply and svc_preview
 * do: *event is the journal text (caller frees); before, when given,
 * receives the dispute as it was; writing as svc_change_text. */
enum status change_load(struct ctx *c, const char *ref, const struct svc_change *ch, struct dispute *d,
                        struct dispute *before, char **event, bool writing, struct error *err);

#endif
