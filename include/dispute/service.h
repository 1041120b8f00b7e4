/* The actions both front ends share: load a dispute, apply a domain rule, journal it and save, in one transaction. */
#ifndef DISPUTE_SERVICE_H
#define DISPUTE_SERVICE_H

#include <stdbool.h>

#include "dispute/calendar.h"
#include "dispute/config.h"
#include "dispute/dispute.h"
#include "dispute/protocol.h"
#include "dispute/store.h"
#include "dispute/util.h"

/* Everything an action needs.  Owned by whoever called ctx_init; release
 * with ctx_free. */
struct ctx {
	struct protocol_set protocols;
	struct calendar cal;
	struct store *store;    /* NULL until ctx_open */
	char *db_path;
	char *data_dir;
	char *config_dir;
	long today;             /* from main: the clock, or DISPUTE_TODAY */
	int now_minute;         /* minutes since midnight, local time */
	char *author;           /* $DISPUTE_AUTHOR, else the config's name, else the login name */
	struct config config;   /* the user's settings file */
	char *config_problem;   /* why the settings file could not be read, or NULL */
};

/* Loads the shipped bank holidays and protocols, the user's settings and
 * the user's protocols from config_dir/protocols.  today/minute come from main. */
enum status ctx_init(struct ctx *c, long today, int minute, struct error *err);
/* Opens the database (db_path NULL = the default path) and loads the
 * user's closure days into the calendar. */
enum status ctx_open(struct ctx *c, const char *db_path, enum store_mode mode, struct error *err);
void ctx_free(struct ctx *c);

/* The protocol a dispute runs under, or ST_NOTFOUND naming it. */
enum status ctx_protocol(const struct ctx *c, const char *id, const struct protocol **out, struct error *err);

/* Opens a dispute; writes its reference into ref.  When out is not NULL it
 * receives the dispute as saved (dispute_init'ed and freed by the caller). */
enum status svc_new(struct ctx *c, const char *protocol, const struct dispute_new *args, char ref[16],
                    struct dispute *out, struct error *err);

/* The due date the next stage would get if escalated on `on` (for a
 * preview before confirming).  *due is DATE_NONE when that stage has no
 * limit ("without delay").  Refuses when escalation is not possible. */
enum status svc_escalate_preview(struct ctx *c, const struct dispute *d, long on, long *due, int *due_minute,
                                 struct error *err);

/* Each of these loads the dispute by reference, applies the rule, appends an
 * event record saying what happened (author c->author) and saves; all or
 * nothing.  When out is not NULL it receives the dispute as saved
 * (dispute_init'ed by the caller, freed by the caller). */
enum status svc_escalate(struct ctx *c, const char *ref, long on, long agreed_due, const char *reason,
                         struct dispute *out, struct error *err);
enum status svc_set_due(struct ctx *c, const char *ref, long due, const char *reason, struct dispute *out,
                        struct error *err);
enum status svc_resolve(struct ctx *c, const char *ref, long on, const char *outcome, const char *outstanding,
                        struct dispute *out, struct error *err);
enum status svc_withdraw(struct ctx *c, const char *ref, long on, const char *reason, struct dispute *out,
                         struct error *err);
enum status svc_refer(struct ctx *c, const char *ref, long on, const char *to, struct dispute *out,
                      struct error *err);
enum status svc_challenge(struct ctx *c, const char *ref, long on, bool set, struct dispute *out,
                          struct error *err);

/* Names contact_id as the counterpart manager for a stage (0 = current):
 * the attendee of that stage's calendar invite. */
enum status svc_counterpart(struct ctx *c, const char *ref, int stage, long long contact_id, struct dispute *out,
                            struct error *err);

/* Appends a user record to the dispute `ref`.  r->kind, r->text (checked
 * with text_check), r->day/minute (DATE_NONE = now) and r->amends are read;
 * r->id, dispute_id, stage (the stage the dispute was at on r->day), author
 * and created are filled in. */
enum status svc_record(struct ctx *c, const char *ref, struct record *r, struct error *err);

/* As svc_record, and clears the dispute's draft in the same transaction, so
 * a record saved from the workbench's editor is never offered back. */
enum status svc_record_draft(struct ctx *c, const char *ref, struct record *r, struct error *err);

#endif
