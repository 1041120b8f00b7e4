/* What the service's files share and the front ends do not see: the journal texts of the changes, so an import words them as the commands do (only for src/service/). */
#ifndef DISPUTE_SERVICE_IMPL_H
#define DISPUTE_SERVICE_IMPL_H

#include "dispute/service.h"

/* Applies ch to d in memory (the rule of the domain, under p); returns the
 * journal text saying what happened (caller frees), or NULL with *rc and
 * err set.  Counterparts read the store. */
char *svc_change_text(struct ctx *c, const struct protocol *p, struct dispute *d, const struct svc_change *ch,
                      enum status *rc, struct error *err);

/* The journal text of a dispute just opened under p (caller frees). */
char *svc_opened_text(const struct protocol *p, const struct dispute *d);

#endif
