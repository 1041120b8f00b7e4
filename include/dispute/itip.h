/* The invite lifecycle (RFC 5546 iTIP): what each counterpart of each stage was last sent, what is owed them now, and what their replies say. */
#ifndef DISPUTE_ITIP_H
#define DISPUTE_ITIP_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/util.h"

enum itip_method {
	ITIP_REQUEST,
	ITIP_CANCEL
};

/* An attendee's answer (PARTSTAT of a REPLY); ITIP_NEEDS_ACTION until one comes. */
enum itip_partstat {
	ITIP_NEEDS_ACTION,
	ITIP_ACCEPTED,
	ITIP_DECLINED,
	ITIP_TENTATIVE
};

const char *itip_method_name(enum itip_method m);           /* "REQUEST", "CANCEL" */
bool itip_method_parse(const char *s, enum itip_method *out);
const char *itip_partstat_name(enum itip_partstat p);       /* "NEEDS-ACTION", "ACCEPTED", ... */
bool itip_partstat_parse(const char *s, enum itip_partstat *out);

/* What one attendee of one stage of a dispute was last sent, and their
 * last answer: a row of the lifecycle, kept per (dispute, stage,
 * attendee).  Owned strings; free with itip_sent_free. */
struct itip_sent {
	int stage;
	char *attendee;         /* the address it went to */
	long long contact_id;   /* the contact it was, or 0 */
	char *uid;
	int sequence;           /* only ever goes up */
	enum itip_method method;
	long due;               /* the deadline the message carried */
	int due_minute;
	enum itip_partstat partstat;
	long proposed;          /* a counter-proposal not yet taken up, or DATE_NONE */
	int proposed_minute;
};

void itip_sent_init(struct itip_sent *s);
void itip_sent_free(struct itip_sent *s);
void itip_sent_copy(struct itip_sent *dst, const struct itip_sent *src);

/* One dispute's lifecycle: its rows in (stage, attendee) order. */
struct itip_log {
	struct itip_sent *v;
	size_t n;
};

void itip_log_free(struct itip_log *log);
/* The row of (stage, attendee), attendee compared without regard to case,
 * or NULL.  Borrowed. */
struct itip_sent *itip_log_find(const struct itip_log *log, int stage, const char *attendee);
/* That row, added (empty, with DATE_NONE dates) when there is none;
 * borrowed until the log changes. */
struct itip_sent *itip_log_get(struct itip_log *log, int stage, const char *attendee);

/* A counterpart an invite can go to. */
struct itip_person {
	long long contact_id;
	const char *name, *email;   /* borrowed */
};

/* Finds contact id; false when there is no such contact. */
typedef bool (*itip_person_fn)(long long contact_id, struct itip_person *out, void *ctx);

/* Why a message is in a plan. */
enum itip_why {
	ITIP_NEW,               /* a REQUEST the counterpart has never had */
	ITIP_CHANGED,           /* a REQUEST for a deadline that moved since they had it */
	ITIP_RENEWED,           /* a REQUEST to someone whose invite for the stage was cancelled: a new UID */
	ITIP_AGAIN,             /* the same message as last time, sent again (nothing changed) */
	ITIP_ENDED,             /* a CANCEL: the stage ended (escalated) */
	ITIP_CLOSED,            /* a CANCEL: the dispute was closed */
	ITIP_REPLACED           /* a CANCEL: another counterpart was named for the stage */
};

/* One message: a VEVENT for one stage, to one attendee.  Owned strings;
 * freed with the plan. */
struct itip_msg {
	int stage;
	enum itip_method method;
	enum itip_why why;
	bool owed;              /* the counterpart does not have it yet */
	long long contact_id;
	char *name, *email;
	char *uid;
	int sequence;
	long due;               /* the deadline it carries: a REQUEST the stage's, a CANCEL the one
	                           the attendee was last sent */
	int due_minute;
};

struct itip_plan {
	struct itip_msg *v;
	size_t n;
};

void itip_plan_free(struct itip_plan *plan);

/* Which messages a plan holds. */
enum itip_which {
	ITIP_FOR_CURRENT,       /* the current stage's REQUEST (refused once the dispute is closed) */
	ITIP_FOR_LIVE,          /* every stage that has not ended (the current and any to come) */
	ITIP_FOR_STAGE,         /* one stage: a REQUEST while it runs, a CANCEL once it has ended */
	ITIP_FOR_CANCEL,        /* a closed dispute: every CANCEL owed, and the last stage's */
	ITIP_FOR_OWED           /* every message owed, REQUESTs and CANCELs */
};

/* The UID of stage `stage` of dispute ref in the database uid_host for
 * the counterpart of the dispute's other agency `party` (1, or 0, the
 * first; 2.. a further one): "D-2026-0001.stage2.HOST@dispute", and
 * "D-2026-0001.stage2.agency3.HOST@dispute" for the third.  Caller frees. */
char *itip_uid(const char *ref, int stage, int party, const char *uid_host);

/* Works out the messages `which` (and `stage`, for ITIP_FOR_STAGE) asks for,
 * from the dispute and what was sent before (log), each with the UID and
 * SEQUENCE the lifecycle allows:
 *   - a REQUEST goes to each counterpart of a stage that runs (has not
 *     ended, in an open dispute) with a due date, one for each other
 *     agency that has one (dispute_counterpart), each with a UID of its
 *     own (itip_uid) and its own row of the log; it is owed unless the
 *     counterpart had a REQUEST for that deadline, and then it is the same
 *     message again (same SEQUENCE);
 *   - a CANCEL is owed to everyone who had a REQUEST for a stage that has
 *     ended, or who is no longer its counterpart;
 *   - SEQUENCE only goes up: a new message is numbered above everything
 *     sent under its UID, and never below the stage's own sequence;
 *   - a UID once cancelled for someone is never sent as a REQUEST again:
 *     naming them again takes a new UID.
 * Refusals name the dispute and the stage: no due date (MEND_AGREE_DATE),
 * no counterpart (MEND_COUNTERPART), an address an invite cannot carry, a
 * closed dispute's REQUEST.  *out is the caller's (itip_plan_free); it
 * may be empty for ITIP_FOR_OWED. */
enum status itip_plan(const struct dispute *d, const struct itip_log *log, const char *uid_host,
                      enum itip_which which, int stage, itip_person_fn person, void *ctx, struct itip_plan *out,
                      struct error *err);

/* The row of the log after m was sent: a new sequence or method resets
 * the answer and any proposal.  after is itip_sent_init'ed by the caller
 * (freed first when it holds a row). */
void itip_after_send(const struct itip_log *log, const struct itip_msg *m, struct itip_sent *after);

/* A reply the counterpart sent back (iTIP REPLY or COUNTER), as read from
 * their .ics or .eml.  Owned strings; free with itip_reply_free. */
struct itip_reply {
	bool counter;           /* a COUNTER: a proposed new deadline */
	char *uid;
	int sequence;
	char *attendee;         /* who answers (their ATTENDEE address) */
	char *name;             /* their CN, or NULL */
	enum itip_partstat partstat;   /* REPLY */
	long proposed;          /* COUNTER: the proposed day, in the protocol's time zone */
	int proposed_minute;    /* TIME_NONE for a whole day */
	char *comment;          /* their COMMENT, or NULL */
};

void itip_reply_init(struct itip_reply *r);
void itip_reply_free(struct itip_reply *r);

/* Checks a reply against the row it answers (row NULL: no message with its
 * UID went to that attendee) and fills after with the row as it becomes:
 * the answer, or the proposal.  Refused, with what does not match: an
 * unknown UID or attendee, another SEQUENCE than the last one sent (an
 * answer to an older message), an answer to a CANCEL. */
enum status itip_reply_check(const struct itip_sent *row, const struct itip_reply *r, const char *ref,
                             struct itip_sent *after, struct error *err);

#endif
