/* Every read and write a front end makes: load a dispute, apply a domain rule, journal it and save, in one transaction; and the reads the workbench and the commands show. */
#ifndef DISPUTE_SERVICE_H
#define DISPUTE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/calendar.h"
#include "dispute/config.h"
#include "dispute/dispute.h"
#include "dispute/itip.h"
#include "dispute/layer.h"
#include "dispute/protocol.h"
#include "dispute/query.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_SERVICE | DISPUTE_LAYER_TUI | DISPUTE_LAYER_TERM | DISPUTE_LAYER_CLI)
#error "service.h is for the front ends: the core, the store and the exports take values"
#endif

struct store;

/* Everything an action needs.  Owned by whoever called ctx_init; release
 * with ctx_free. */
struct ctx {
	struct protocol_set protocols;
	struct calendar cal;
	struct store *store;    /* NULL until ctx_open; only the service looks inside */
	char *db_path;
	char *data_dir;
	char *config_dir;
	long today;             /* from main: the clock, or DISPUTE_TODAY */
	int now_minute;         /* minutes since midnight, local time */
	char *author;           /* who signs records: $DISPUTE_AUTHOR, else the settings' name (and
	                           role); NULL until the user has said who they are */
	struct config config;   /* the user's settings file */
	char *config_problem;   /* why the settings file could not be read, or NULL */
	long long config_stamp; /* the settings file's mtime and size when read, to see it change */
	char *warnings;         /* what the user should hear about the database once it is open, one
	                           line each (others can read it; it was altered), or NULL */
	char *lead;             /* the user's name as the owner of what they open and the "mine" of
	                           the list: $DISPUTE_AUTHOR, else the settings' name; NULL until set */
};

/* Loads the shipped bank holidays and protocols, the user's settings and
 * the user's protocols from config_dir/protocols.  today/minute come from main. */
enum status ctx_init(struct ctx *c, long today, int minute, struct error *err);
/* Opens the database (db_path NULL = the default path) and loads the
 * user's closure days into the calendar. */
enum status ctx_open(struct ctx *c, const char *db_path, enum open_mode mode, struct error *err);
void ctx_free(struct ctx *c);

/* Reads the settings file again when it has changed since it was read
 * (the user renamed themselves in another window), so a new name signs
 * the next record at once.  Returns true when it was read again. */
bool ctx_config_refresh(struct ctx *c);

/* Saves c->config (as changed by the caller) and takes the name in it as
 * the author from now on. */
enum status ctx_config_save(struct ctx *c, struct error *err);

/* The schema version this program writes in the database. */
int svc_schema_version(void);

/* The protocol a dispute runs under, or ST_NOTFOUND naming it. */
enum status ctx_protocol(const struct ctx *c, const char *id, const struct protocol **out, struct error *err);

/* Opens a dispute; writes its reference into ref.  When out is not NULL it
 * receives the dispute as saved (dispute_init'ed and freed by the caller). */
enum status svc_new(struct ctx *c, const char *protocol, const struct dispute_new *args, char ref[16],
                    struct dispute *out, struct error *err);


/* A change to an existing dispute, as both front ends ask for it. */
enum svc_change_kind {
	SVC_ESCALATE,
	SVC_SET_DUE,
	SVC_RESOLVE,
	SVC_WITHDRAW,
	SVC_REFER,
	SVC_CHALLENGE,
	SVC_UNCHALLENGE,
	SVC_COUNTERPART,
	SVC_TICK,               /* an item of a stage's checklist done (an action, or a follow-up) */
	SVC_OWNER,              /* handed over to another lead */
	SVC_DETAIL,             /* what a record written before names: its contact and follow-up */
	SVC_REOPEN,             /* a closed dispute open again, with a reason (text) */
	SVC_URGENT,             /* urgent: the urgent route's own stages, or marked urgent */
	SVC_NORMAL              /* back to the normal stages (at stage `stage`), or no longer urgent */
};

/* Borrowed strings.  svc_change_init fills the defaults. */
struct svc_change {
	enum svc_change_kind kind;
	int seen_stage;         /* the stage the user saw when deciding (its number on its route):
	                           refused if the dispute has moved on since (another program escalated
	                           it); 0 = no check */
	int seen_count;         /* with seen_stage: how many stages it had (a change of route or a
	                           reopening keeps the number); 0 = no check */
	long on;                /* the day it happened; DATE_NONE = today */
	long due;               /* escalate: the agreed due date or DATE_NONE; set-due: the date (or
	                           DATE_NONE with response alone) */
	long response;          /* escalate, set-due: the second timescale agreed, or DATE_NONE */
	const char *text;       /* the outcome, the reason, or whom it is referred to (the protocol's
	                           partnership body keeps it open; anyone else closes it); escalate and
	                           set-due: why the date is later than the protocol allows */
	const char *text2;      /* resolve: how outstanding issues are pursued, or NULL */
	int stage;              /* counterpart, tick: the stage (0 = the current one); normal: the
	                           stage to return to */
	long long contact_id;   /* counterpart: the contact */
	int item;               /* tick: the item, numbered as dispute_checklist numbers them; owner: -,
	                           and text is the new owner's name */
	long long record;       /* detail: the record; contact_id the contact spoken to (or 0), text the
	                           next action (or NULL) and due its date */
	const struct contact *new_contact;  /* detail: or a contact added with it (agency and name at least);
	                                       svc_preview adds nothing and says it would */
};

void svc_change_init(struct svc_change *ch, enum svc_change_kind kind);

/* Loads the dispute by reference, checks the stage the user saw, applies
 * the rule, appends an event record saying what happened (signed with the
 * user's name) and saves; all or nothing.  When out is not NULL it
 * receives the dispute as saved (dispute_init'ed and freed by the caller). */
enum status svc_apply(struct ctx *c, const char *ref, const struct svc_change *ch, struct dispute *out,
                      struct error *err);

/* Exactly what svc_apply would do now, without writing anything: *event
 * receives the text of the journal entry it would add (caller frees) and,
 * when out is not NULL, out the dispute as it would be saved.  Refuses
 * what svc_apply would refuse. */
enum status svc_preview(struct ctx *c, const char *ref, const struct svc_change *ch, char **event,
                        struct dispute *out, struct error *err);

/* Names contact_id as the counterpart manager for a stage (0 = current):
 * the attendee of that stage's calendar invite. */
enum status svc_counterpart(struct ctx *c, const char *ref, int stage, long long contact_id, struct dispute *out,
                            struct error *err);

/* Appends a user record to the dispute `ref`.  r->kind, r->text (checked
 * with text_check), r->day/minute (DATE_NONE = now) and r->amends are read;
 * r->id, dispute_id, stage (the stage the dispute was at on r->day), author
 * and created are filled in. */
enum status svc_record(struct ctx *c, const char *ref, struct record *r, struct error *err);

/* As svc_record for the dispute with this id (the workbench holds it), and
 * clears the dispute's draft in the same transaction, so a record saved
 * from the editor is never offered back. */
enum status svc_record_draft(struct ctx *c, long long dispute_id, struct record *r, struct error *err);

/* What a record names besides its text.  Borrowed. */
struct record_extra {
	long long contact_id;           /* the contact spoken to, or 0 */
	struct contact *new_contact;    /* or a contact added with the record (its id is set), or NULL */
	const char *next;               /* the next action, or NULL */
	long next_due;                  /* its date (DATE_NONE without one) */
};

/* svc_record and svc_record_draft with what the record names: the record
 * and an event holding its contact and follow-up (dispute_set_detail's
 * rules), and a new contact when asked, in one transaction.  x may be
 * NULL (or name nothing): then they are svc_record and svc_record_draft. */
enum status svc_record_extra(struct ctx *c, const char *ref, struct record *r, const struct record_extra *x,
                             struct error *err);
enum status svc_record_draft_extra(struct ctx *c, long long dispute_id, struct record *r,
                                   const struct record_extra *x, struct error *err);

/* ---- other writes, each with its one validation ---- */

/* Closure days of one agency, from `from` to `to` (DATE_NONE: the one
 * day; weekends in a run are left out): not working days for the
 * deadlines that agency must meet.  agency NULL is the user's own (the
 * settings' agency; refused with MEND_OWN_AGENCY while none is set).
 * *days receives how many were added and *whose the agency's name as
 * stored (caller frees). */
enum status svc_closure_add_for(struct ctx *c, long from, long to, const char *agency, const char *reason,
                                int *days, char **whose, struct error *err);
/* Removes agency's closure on day (agency NULL: the user's own, else the
 * closure of every agency kept from before closures had agencies). */
enum status svc_closure_remove_for(struct ctx *c, long day, const char *agency, char **whose, struct error *err);
/* Every closure day by date: agency NULL for a closure of every agency. */
enum status svc_closures_each(struct ctx *c, int (*fn)(long day, const char *agency, const char *reason, void *arg),
                              void *arg, struct error *err);

/* Closure days (offices closed): no working days, in every division. */
enum status svc_closure_add(struct ctx *c, long day, const char *reason, struct error *err);
enum status svc_closure_remove(struct ctx *c, long day, struct error *err);

/* An agency by name (created when new; the first spelling is kept). */
enum status svc_agency_add(struct ctx *c, const char *name, long long *id, struct error *err);

/* A contact at an agency: name required; role, email and phone optional.
 * Every field is checked as typed text, the email as an address an invite
 * can carry.  Sets ct->id. */
enum status svc_contact_add(struct ctx *c, struct contact *ct, struct error *err);

/* The workbench's record draft of a dispute, stored as the user types. */
enum status svc_draft_put(struct ctx *c, const struct draft *d, struct error *err);
enum status svc_draft_clear(struct ctx *c, long long dispute_id, struct error *err);

/* A setting kept in the database: "last-protocol", the protocol of the
 * last dispute opened in the workbench. */
enum status svc_setting_set(struct ctx *c, const char *key, const char *value, struct error *err);

/* ---- reads ---- */

/* The disputes f selects, in its order and window; each borrowed for the
 * call (with its stages, without its journal). */
enum status svc_list(struct ctx *c, const struct list_filter *f, dispute_fn fn, void *arg, struct error *err);
enum status svc_count(struct ctx *c, const struct list_filter *f, int *out, struct error *err);
/* The running deadlines f selects, for the board (store_deadlines). */
enum status svc_deadlines(struct ctx *c, const struct deadline_filter *f, deadline_fn fn, void *arg, struct error *err);
enum status svc_deadline_count(struct ctx *c, const struct deadline_filter *f, int *out, struct error *err);
/* The follow-ups still to do on open disputes, due before `before`:
 * *count (all of them) and the first `limit` (0: all) handed to fn,
 * soonest first.  Reads the follow-ups, not the open disputes. */
enum status svc_followups_due(struct ctx *c, long before, int limit, due_fn fn, void *arg, int *count,
                              struct error *err);
/* What is due before `before` among the disputes f selects (its which,
 * window and order are not used): open disputes' stage deadlines and the
 * follow-ups still to do, soonest first (then by reference and record). */
enum status svc_due(struct ctx *c, const struct list_filter *f, long before, due_fn fn, void *arg,
                    struct error *err);

/* The place (0-based) of dispute ref in f's list, or -1 when it is not in it. */
enum status svc_list_index(struct ctx *c, const struct list_filter *f, const char *ref, int *out,
                           struct error *err);

/* Search (f->search in the three above, and these): what the user typed
 * is searched for as list_filter.search says, among the categories'
 * labels of the loaded protocols as well.  svc_search_terms counts the
 * words and phrases in text (0: nothing a search can look for, such as
 * "*"); svc_search_hits calls fn for each place text matches in the
 * dispute dispute_id (the particulars first, then the records, oldest
 * first), with the byte ranges of the words matched. */
enum status svc_search_terms(struct ctx *c, const char *text, int *out, struct error *err);
enum status svc_search_hits(struct ctx *c, const char *text, long long dispute_id, search_hit_fn fn, void *arg,
                            struct error *err);

/* One dispute, by reference or by id, and its journal, read together
 * (recs may be NULL to skip the journal).  The caller frees d with
 * dispute_free and each record with record_free, then the array. */
enum status svc_load(struct ctx *c, const char *ref, struct dispute *d, struct record **recs, size_t *nrecs,
                     struct error *err);
enum status svc_load_id(struct ctx *c, long long id, struct dispute *d, struct record **recs, size_t *nrecs,
                        struct error *err);

/* The draft of dispute_id (d->text NULL when there is none; draft_init'ed
 * by the caller), and a dispute that has one (0: none). */
enum status svc_draft_get(struct ctx *c, long long dispute_id, struct draft *d, struct error *err);
enum status svc_draft_any(struct ctx *c, long long *dispute_id, struct error *err);

/* Contacts (of one agency, or all when agency is NULL), by agency then
 * name; one by id.  The caller frees them with contact_free. */
enum status svc_contacts(struct ctx *c, const char *agency, struct contact **out, size_t *n, struct error *err);
enum status svc_contact(struct ctx *c, long long id, struct contact *out, struct error *err);
/* The contact text names: its number, or its name (case, accents and
 * punctuation not mattering), whole or a part of it; where several are
 * called that, the one at one of d's other agencies (d may be NULL).
 * Refuses a name that could be several contacts, naming them with their
 * numbers. */
enum status svc_contact_find(struct ctx *c, const char *text, const struct dispute *d, long long *id,
                             struct error *err);

/* Agencies by name, closure days by date; each borrowed for the call. */
enum status svc_agencies(struct ctx *c, int (*fn)(const char *name, void *arg), void *arg, struct error *err);
enum status svc_closures(struct ctx *c, int (*fn)(long day, const char *reason, void *arg), void *arg,
                         struct error *err);

/* A database setting ("uid": this database's identity in invite UIDs). */
enum status svc_setting(struct ctx *c, const char *key, char **value, struct error *err);

/* The time of an export, "YYYYMMDDTHHMMSSZ" in UTC (an invite's DTSTAMP). */
void svc_stamp(struct ctx *c, char out[17]);

/* For reports: the disputes opened in f's period, oldest first, and the
 * learning records among their journals; each read in one snapshot. */
enum status svc_report_disputes(struct ctx *c, const struct report_filter *f, dispute_fn fn, void *arg,
                                struct error *err);
enum status svc_report_learning(struct ctx *c, const struct report_filter *f, learning_fn fn, void *arg,
                                struct error *err);

/* Writes every table as a file DIR/NAME.csv (0600, DIR 0700), each row
 * formatted by row() into one line; all files from one snapshot, each
 * written and synced under a temporary name, then all renamed into place,
 * so a failure leaves the earlier export as it was.  A file already there
 * is replaced only when replace is true, and only a regular file: every
 * name is checked before anything is read (paths_target_check).  rows[t]
 * receives the data rows of each table. */
enum status svc_export_tables(struct ctx *c, const char *dir, bool include_subject, bool replace,
                              void (*row)(struct sb *line, int n, const char *const *cells), int rows[TABLE_COUNT],
                              struct journal_head *head, struct error *err);

/* ---- importing an escalation log (import.c) ---- */

/* What an import says of one row: a problem (a row may have several), or
 * in a dry run the dispute it would create. */
struct import_note {
	long line;              /* the line of the file the row starts on */
	bool refused;
	const char *field;      /* refused: the field at fault ("opened", "stage.2.started"), NULL for the row */
	const char *column;     /* the heading of the column that gave it, or NULL */
	bool from_default;      /* the value came from the map's [defaults] */
	const char *message;    /* refused: why */
	const struct dispute *dispute;  /* not refused: the dispute, its reference given */
};
typedef int (*import_fn)(const struct import_note *n, void *arg);

struct import_result {
	char file[256];         /* the file's base name, as the journal gives it */
	char sha256[65];        /* of the file's bytes, in hex */
	size_t rows;            /* rows below the header (blank ones not counted) */
	size_t created;         /* disputes created (a dry run: that would be) */
	size_t refused;         /* rows refused */
	size_t problems;
};

/* Reads the CSV file at csv_path, its header naming the fields as `list
 * --json` does or as the map file at map_path (or NULL) says, checks
 * every row by the rules of `new` and of the changes, and (unless
 * dry_run) writes every dispute in one transaction, each with its events
 * (opened, escalated, ..., closed) saying that it was imported, from which
 * file (base name and SHA-256) and line; or nothing at all.  fn receives
 * each problem and, when checking, each dispute a good row gives.
 * ST_INVALID: the file was refused (its rows, header, map or CSV), err
 * saying how much; anything else: it could not be read or written. */
enum status svc_import(struct ctx *c, const char *csv_path, const char *map_path, bool dry_run, import_fn fn,
                       void *arg, struct import_result *out, struct error *err);

/* ---- calendar invites: the lifecycle (invite.c) and mail (mail.c) ---- */

/* The messages `which` (and stage, for ITIP_FOR_STAGE) asks of dispute ref
 * (itip_plan): the dispute as it stands into d (dispute_init'ed and freed
 * by the caller) and the messages into plan (itip_plan_free), read in one
 * snapshot.  Nothing is written. */
enum status svc_invite_plan(struct ctx *c, const char *ref, enum itip_which which, int stage, struct dispute *d,
                            struct itip_plan *plan, struct error *err);

/* How many messages ref's counterparts are owed (REQUESTs they have not
 * had, CANCELs of what has ended or moved to someone else). */
enum status svc_invites_owed(struct ctx *c, const char *ref, int *n, struct error *err);

/* Every dispute whose counterparts are owed messages, by reference: fn
 * receives it with what is owed (both borrowed for the call); returns
 * non-zero to stop. */
enum status svc_invites_owed_each(struct ctx *c, int (*fn)(const struct dispute *d, const struct itip_plan *plan,
                                                           void *arg),
                                  void *arg, struct error *err);

/* Delivers one group of messages (the same attendee and method: one
 * calendar, one mail) built from d: sends the mail, writes the calendar
 * where it goes.  how receives the words the journal says it with ("sent
 * by mail to", "written to d1.ics for").  ST_OK once it is out; nothing is
 * journalled for a group that fails. */
typedef enum status (*svc_deliver_fn)(void *ctx, const struct dispute *d, const struct itip_msg *m, size_t n,
                                      char *how, size_t howlen, struct error *err);

/* How a front end delivers: deliver for each group, inside the change;
 * then settle (may be NULL) once it is known whether the journal kept
 * what was delivered (kept) or not, so that a file written under a
 * temporary name is put in place, or removed, with the journal. */
struct svc_delivery {
	svc_deliver_fn deliver;
	void (*settle)(void *ctx, bool kept);
	void *ctx;
	/* May be NULL: called once everything is delivered, before the
	 * journal commits (files written without a sync each are synced
	 * here, all at once); a failure undoes the change. */
	enum status (*ready)(void *ctx, struct error *err);
};

/* Plans `which` again under the write lock (another program cannot send
 * the same SEQUENCE meanwhile), hands each group to the delivery, and
 * journals every message delivered ("Invite for stage 2 sent by mail to
 * Zoë <zoe@...>: REQUEST, sequence 1.") on its stage, with the lifecycle
 * row it changes, signed by the user.  One transaction: a failure keeps
 * what went out before it and says what did not.  With only, just the
 * group of only's attendee and method goes (the one a preview showed).
 * *done (may be NULL) receives how many messages went out; nothing to send
 * is ST_OK with 0.  A mail that went out cannot be called back: should the
 * journal fail to keep it after that, the error says so. */
enum status svc_invite_issue(struct ctx *c, const char *ref, enum itip_which which, int stage,
                             const struct itip_msg *only, const struct svc_delivery *dl, int *done,
                             struct error *err);

/* svc_invite_issue for each of n disputes (export-ics --open, --owed), in
 * one change: one commit and one settle for all.  A dispute that cannot
 * be issued (no counterpart, no due date) is handed to skipped (may be
 * NULL) and passed over; the first other failure stops the run, keeping
 * what went out before it. */
enum status svc_invite_issue_each(struct ctx *c, const char (*refs)[16], size_t n, enum itip_which which,
                                  const struct svc_delivery *dl,
                                  void (*skipped)(const char *ref, const struct error *why, void *arg), void *arg,
                                  int *done, struct error *err);

/* The dispute a reply is about, found by the UID and attendee it answers
 * (d dispute_init'ed by the caller), and the lifecycle row it answers
 * (row itip_sent_init'ed).  An unknown UID, or one that did not go to
 * that attendee, is refused with a message that says so. */
enum status svc_invite_lookup(struct ctx *c, const char *uid, const char *attendee, struct dispute *d,
                              struct itip_sent *row, struct error *err);

/* Journals a reply on the stage it answers (itip_reply_check): "Zoë
 * O'Brien <zoe@...> accepted the invite for stage 2 (sequence 1)." or the
 * counter-proposal, which stays pending until taken up.  ref and *stage
 * receive where it went. */
enum status svc_invite_reply(struct ctx *c, const struct itip_reply *r, char ref[16], int *stage,
                             struct error *err);

/* The counter-proposal pending on ref's current stage (from attendee, or
 * the only one there is) into out (itip_sent_init'ed); ST_NOTFOUND when
 * there is none. */
enum status svc_invite_proposal(struct ctx *c, const char *ref, const char *attendee, struct itip_sent *out,
                                struct error *err);

/* Takes up that proposal: its date becomes the current stage's agreed due
 * date, with every check of an agreed date (a working day; a reason when
 * it is later than the protocol allows), journalled with the proposal
 * marked as taken, in one transaction.  The updated REQUEST is then owed
 * (svc_invite_issue).  out, when given, receives the dispute as saved. */
enum status svc_invite_accept(struct ctx *c, const char *ref, const char *attendee, const char *reason,
                              struct dispute *out, struct error *err);

/* Runs the mail command of the settings (config.mail_command, through
 * /bin/sh -c) with msg on its standard input: the command finds the
 * recipients in the message ("msmtp -t", "sendmail -t").  Refused with
 * MEND_SENDMAIL when none is set; a failure quotes what it said. */
enum status svc_mail_send(struct ctx *c, const char *msg, size_t len, struct error *err);

/* ---- the journal as evidence (verify.c) ---- */

struct verify_result {
	struct journal_head head;   /* the last good seal */
	size_t disputes;            /* disputes replayed */
	size_t findings;
};

/* Checks the file (SQLite's integrity and foreign-key checks, the
 * triggers), walks the hash chain, and replays every dispute's events to
 * hold the disputes and stages tables against the journal, in one
 * snapshot.  Each finding goes to fn, when given (return non-zero to stop).  ST_OK
 * whether or not anything was found: out->findings says. */
enum status svc_verify(struct ctx *c, finding_fn fn, void *fctx, struct verify_result *out, struct error *err);
/* svc_verify of the database file at path (a backup), opened read-only;
 * first receives the first finding ("" when there is none). */
enum status svc_verify_file(const char *path, struct verify_result *out, char first[256], struct error *err);
/* The newest seal, for the foot of reports and exports. */
enum status svc_head(struct ctx *c, struct journal_head *head, struct error *err);
/* Where a seal given by a user stands in the journal. */
enum status svc_head_find(struct ctx *c, const char *hex, struct head_place *out, struct error *err);

/* ---- backups (backup.c) ---- */

/* Copies the database to path through SQLite's online backup API (a
 * consistent copy while the workbench or a script writes), private
 * (0600), checks the copy with verify, and only then puts it in place.
 * An existing path is refused (ST_REFUSED) unless replace.  The day is
 * noted in the database for the workbench's reminder. */
enum status svc_backup(struct ctx *c, const char *path, bool replace, struct verify_result *out,
                       struct error *err);
/* Checks the backup at path with verify, keeps the database as it is now
 * in *kept (caller frees: "DB.before-restore-YYYYMMDDTHHMMSS"), and then
 * copies the backup into it.  Nothing is replaced when the backup does
 * not verify. */
enum status svc_restore(struct ctx *c, const char *path, char **kept, struct verify_result *out,
                        struct error *err);
/* Days since the last backup (-1: never), for the reminder. */
enum status svc_backup_age(struct ctx *c, long *days, struct error *err);

#endif
