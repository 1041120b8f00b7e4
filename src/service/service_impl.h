/* What the service's own files share, below the front ends: the shared steps of a change. */
#ifndef DISPUTE_SERVICE_IMPL_H
#define DISPUTE_SERVICE_IMPL_H

#include "dispute/service.h"

/* Refuses a change while the user has not said who signs it (the settings
 * are read again first). */
enum status author_check(struct ctx *c, struct error *err);

/* Loads ref and applies ch to it in memory, as svc_apply and svc_preview
 * do: *event is the journal text (caller frees); before, when given,
 * receives the dispute as it was. */
enum status change_load(struct ctx *c, const char *ref, const struct svc_change *ch, struct dispute *d,
                        struct dispute *before, char **event, struct error *err);

#endif
