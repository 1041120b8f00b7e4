/* The domain: disputes, their stages and journal records, and the rules for moving them on. */
#ifndef DISPUTE_DISPUTE_H
#define DISPUTE_DISPUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/calendar.h"
#include "dispute/protocol.h"
#include "dispute/util.h"

/* Largest text accepted in any single field (a record's text included).
 * A note typed during a long call fits many times over; a 1 MB paste does not. */
#define TEXT_MAX (256 * 1024)
/* Largest one-line field (names, references, summaries). */
#define LINE_MAX_LEN 1024

enum dispute_status {
	DS_OPEN,
	DS_RESOLVED,
	DS_WITHDRAWN,
	DS_REFERRED
};

/* How a stage ended. */
enum stage_end {
	SE_NONE,          /* still running */
	SE_ESCALATED,
	SE_RESOLVED,
	SE_WITHDRAWN,
	SE_REFERRED
};

#define RECORD_KINDS(X) \
	X(CALL,     "call") \
	X(MEETING,  "meeting") \
	X(EMAIL,    "email") \
	X(DECISION, "decision") \
	X(ACTION,   "action") \
	X(OUTCOME,  "outcome") \
	X(LEARNING, "learning") \
	X(NOTE,     "note") \
	X(EVENT,    "event")     /* written by the program: opened, escalated, ... */

enum record_kind {
#define RECORD_KIND_ENUM(name, str) RK_##name,
	RECORD_KINDS(RECORD_KIND_ENUM)
#undef RECORD_KIND_ENUM
	RK_COUNT
};

const char *dispute_status_name(enum dispute_status s);   /* "open", "resolved", ... */
bool dispute_status_parse(const char *s, enum dispute_status *out);
const char *stage_end_name(enum stage_end e);              /* "", "escalated", ... */
bool stage_end_parse(const char *s, enum stage_end *out);
const char *record_kind_name(enum record_kind k);
/* Only the kinds a user may write (not RK_EVENT) parse. */
bool record_kind_parse(const char *s, enum record_kind *out);

/* Which stages a stage of a dispute follows. */
enum stage_route {
	ROUTE_DISPUTE,          /* the route the dispute's urgent flag gives (every stage of a dispute
	                           that never changed route) */
	ROUTE_NORMAL,           /* the protocol's normal stages */
	ROUTE_URGENT            /* the urgent route's own stages */
};

struct stage {
	int number;             /* 1-based: its place in the dispute's history (reopening or changing
	                           route adds a stage); the journal and the store key it */
	long started;           /* DATE_NONE until started */
	long due;               /* DATE_NONE when no limit is set yet */
	long limit_due;         /* the protocol's own deadline, kept when a later date is agreed, so a
	                           breach stays a breach; DATE_NONE when the protocol sets none */
	int due_minute;         /* TIME_NONE unless the limit is in hours */
	bool due_agreed;        /* the due date was agreed rather than the protocol limit */
	char *due_reason;       /* why the due date differs from the limit, or NULL */
	long ended;             /* DATE_NONE while running */
	enum stage_end how;
	int sequence;           /* bumped whenever the deadline changes or ends (calendar invite SEQUENCE) */
	long long contact_id;   /* the counterpart manager for this stage, or 0 */
	int route;              /* enum stage_route */
	int step;               /* its stage number on its route (what the user reads as "stage 3");
	                           0: the same as number */
	long response_due;      /* the second timescale agreed at the stage (the other line manager's
	                           response), or DATE_NONE */
	long then_due;          /* the `then` step's sub-deadline (the line managers' 24 hours), or DATE_NONE */
	int then_minute;        /* its time of day, or TIME_NONE */
	long follow_up;         /* a stage "without delay": back on the board this day until a date is
	                           agreed, or DATE_NONE */
};

/* One item of a stage's checklist that was done: an action the protocol
 * asks for at that stage ("make the Business Unit aware"), with when and by
 * whom.  The text is kept as the protocol worded it, so the journal says
 * what was done whatever becomes of the protocol file. */
struct action_done {
	int stage;              /* the stage whose checklist it is on */
	char *text;
	long on;                /* the day it was done */
	char *by;               /* who ticked it (the journal's signature) */
};

/* What a record names besides its text: the contact spoken to, and the
 * next action with its date (a follow-up), until it is done. */
struct record_detail {
	long long record;       /* the record it belongs to */
	long long contact_id;   /* the contact spoken to, or 0 */
	char *next;             /* the next action, or NULL */
	long due;               /* its date (DATE_NONE without a next action) */
	long done;              /* the day the follow-up was done, DATE_NONE until then */
	char *done_by;
};

/* The counterpart of one of the further other agencies at a stage (the
 * first other agency's is the stage's contact_id). */
struct counterpart {
	int stage;
	int party;              /* 2.. : the agency's place among the other agencies */
	long long contact_id;
};

/* A dispute and its started stages, in memory.  Owned strings; free with
 * dispute_free.  id 0 means "not stored yet". */
struct dispute {
	long long id;
	char reference[16];     /* "D-2026-0001" */
	char *protocol;         /* protocol id */
	bool urgent;
	char *subject;          /* case reference and at most initials */
	char *raised_by;        /* agency names */
	char *against;
	char *category;         /* category key */
	char *summary;
	long opened;
	enum dispute_status status;
	long closed;            /* DATE_NONE while open */
	char *outcome;          /* resolved: what was agreed; referred: to whom; withdrawn: why */
	char *outstanding;      /* how outstanding issues are pursued (resolved) */
	long challenged;        /* formal challenge date, DATE_NONE when not set */
	int current_stage;      /* 1-based; the last started stage */
	bool has_draft;         /* a record is being written in the workbench (a kept draft) */
	struct stage *stages;   /* stages[0..nstages) = stages 1..nstages that were started */
	size_t nstages;
	char *owner;            /* the lead who holds it, or NULL (opened before owners were kept) */
	char **others;          /* further other agencies, after `against` (the second is others[0]) */
	size_t nothers;
	char **subjects;        /* further subjects, after `subject` (a sibling group) */
	size_t nsubjects;
	struct counterpart *counterparts;   /* by stage, then party */
	size_t ncounterparts;
	struct action_done *done;           /* checklist items done, in the order they were ticked */
	size_t ndone;
	struct record_detail *details;      /* by record */
	size_t ndetails;
	bool has_lists;         /* as read: the store holds some of the lists above for it */
	long process_due;       /* the protocol's limit across the stages it is at (Sunderland's month),
	                           a deadline as a stage's is; DATE_NONE when none runs */
	long inform_due;        /* the day the urgent route says who must be told (Rochdale's Business
	                           Unit), or DATE_NONE */
	long referred;          /* the day the information was passed to the partnership body (the
	                           dispute stays open), or DATE_NONE */
	char *referred_to;      /* to whom, as the user wrote it, or NULL */
};

void dispute_init(struct dispute *d);
void dispute_free(struct dispute *d);
/* Makes dst (dispute_init'ed or holding a dispute, which is freed) a deep
 * copy of src. */
void dispute_copy(struct dispute *dst, const struct dispute *src);
/* The current (last started) stage, or NULL if none. Borrowed. */
struct stage *dispute_current(const struct dispute *d);

/* A stage's number on its route: what the user reads as "stage 3". */
int stage_step(const struct stage *st);
/* Whether st follows the urgent route (as protocol_stages takes it: a
 * protocol whose urgent route runs the normal stages gives them anyway). */
bool stage_urgent(const struct dispute *d, const struct stage *st);
/* Whether st runs the urgent route's own stages (Newcastle's immediate route). */
bool stage_on_own_route(const struct protocol *p, const struct dispute *d, const struct stage *st);
/* The rule st follows, or NULL when p is NULL or has no such stage.  Borrowed from p. */
const struct stage_rule *dispute_rule(const struct protocol *p, const struct dispute *d, const struct stage *st);
/* The stages of the route d's current stage follows; *n of them.  Borrowed from p. */
const struct stage_rule *dispute_rules(const struct protocol *p, const struct dispute *d, size_t *n);
/* "stage 3" or "urgent stage 1" for st; returns out. */
char *stage_label(const struct protocol *p, const struct dispute *d, const struct stage *st, char *out, size_t outlen);
/* The stage numbered (placed) n, or NULL. Borrowed. */
const struct stage *dispute_stage(const struct dispute *d, int n);
/* stage_label of the stage placed n (a record's stage), or "stage n" when
 * there is none; returns out. */
char *dispute_stage_text(const struct protocol *p, const struct dispute *d, int n, char *out, size_t outlen);

/* An urgent dispute under a protocol with no urgent limits of its own (an
 * urgent route that runs the normal stages, or none): it is asked for an
 * agreed date sooner than each stage's limit, which stays the outer bound. */
bool dispute_asks_sooner(const struct protocol *p, const struct dispute *d);

/* Whether text names the protocol's partnership body: its body or an
 * alias as whole words, case and accents set aside.  False when p has no body. */
bool protocol_names_body(const struct protocol *p, const char *text);

/* A journal entry.  Owned strings; free with record_free. */
struct record {
	long long id;
	long long dispute_id;
	long day;
	int minute;             /* TIME_NONE when only the date is known */
	enum record_kind kind;
	int stage;              /* the stage the dispute was at */
	char *author;
	char *text;
	long long amends;       /* id of the record this corrects, or 0 */
	char *created;          /* when it was written (UTC, ISO 8601), set by the store */
	char *state;            /* an event's change of state (journal.h), NULL for what a person wrote */
};

void record_init(struct record *r);
void record_free(struct record *r);

/* The latest of recs[0..n) that corrects record id (amends it), or 0. */
long long record_corrected_by(const struct record *recs, size_t n, long long id);

/* Checks text a user typed.  Valid UTF-8 only; no control characters
 * except, when multiline, newline and tab; CRLF is normalised to LF in
 * place.  Empty text and text over max bytes are refused.  field names the
 * field in the message ("the record text contains a control character (0x1B) at byte 12"). */
enum status text_check(char *text, bool multiline, size_t max, const char *field, struct error *err);

/* What opening a dispute needs.  Borrowed strings. */
struct dispute_new {
	const char *subject, *raised_by, *against, *category, *summary;
	bool urgent;
	long opened;            /* the date it was raised */
	int minute;             /* time of day, or TIME_NONE */
	const char *const *others;      /* further other agencies, or NULL */
	size_t nothers;
	const char *const *subjects;    /* further subjects, or NULL */
	size_t nsubjects;
	const char *owner;              /* who holds it, or NULL */
};

/* Fills d (which must be dispute_init'ed) as a new dispute under protocol
 * p, with stage 1 started on args->opened and its due date fixed.  Every
 * other agency must differ from the raising agency and from each other,
 * and no subject may be given twice.
 * args->category is what the user typed, found as protocol_category_find
 * finds it; d->category gets that category's key.  Refuses an unknown or
 * ambiguous category, a date after today, text that fails text_check.
 * The reference is left for the store to assign. */
enum status dispute_open(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                         const struct dispute_new *args, long today, struct error *err);

/* Ends the current stage as escalated on `on` and starts the next one.
 * agreed_due (or DATE_NONE) sets an agreed due date: earlier than the
 * limit is allowed; later needs a reason; before `on` is refused.
 * Refuses escalating a closed dispute or past the last stage. */
enum status dispute_escalate(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                             long on, int minute, long agreed_due, const char *reason,
                             long today, struct error *err);

/* Sets an agreed due date on the current stage (same rules as escalate's
 * agreed_due); bumps the stage's sequence. */
enum status dispute_set_due(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                            long due, const char *reason, long today, struct error *err);

/* Names the counterpart manager (a contact id) for stage `number` (0 = the
 * current stage).  Refuses a stage that has not started. */
enum status dispute_set_counterpart(struct dispute *d, int number, long long contact_id, struct error *err);

/* Closes the dispute.  outcome is required; outstanding may be NULL. */
enum status dispute_resolve(struct dispute *d, long on, const char *outcome, const char *outstanding,
                            long today, struct error *err);
enum status dispute_withdraw(struct dispute *d, long on, const char *reason, long today, struct error *err);
/* Refers the dispute on beyond the partnership (inspectorate, case review)
 * and closes it: to says where. */
enum status dispute_refer(struct dispute *d, long on, const char *to, long today, struct error *err);

/* Refers the dispute to the protocol's partnership body (protocol_names_body
 * says to does): the date the information was passed is recorded and the
 * dispute stays open at its stage.  Refused when it is closed or already
 * referred there. */
enum status dispute_refer_partnership(struct dispute *d, const struct protocol *p, long on, const char *to,
                                      long today, struct error *err);

/* Reopens a closed dispute on `on` (not before it closed): it is open again
 * at the stage it closed at, started afresh with its limit.  reason must be
 * text (text_check); it goes into the journal, not the dispute. */
enum status dispute_reopen(struct dispute *d, const struct protocol *p, const struct calendar *cal, long on,
                           int minute, const char *reason, long today, struct error *err);

/* Makes the dispute urgent (to_urgent) or takes it back, on `on` at `minute`.
 * Under a protocol with an urgent route of its own, to_urgent ends the
 * current stage and starts the route's first stage (from any stage of the
 * normal route), and back ends the route's stage and starts normal stage
 * `step`, one the route may return to (route.back_from..back_to).
 * Elsewhere the stages go on as they are: the dispute is marked urgent (or
 * not), and asks for sooner agreed dates.  The day urgency begins, the
 * route's `inform` is due (inform_due). */
enum status dispute_switch(struct dispute *d, const struct protocol *p, const struct calendar *cal, long on,
                           int minute, bool to_urgent, int step, long today, struct error *err);

/* Agrees the current stage's second timescale (its rule's `response`):
 * the same rules as an agreed due date. */
enum status dispute_set_response(struct dispute *d, const struct protocol *p, const struct calendar *cal,
                                 long day, const char *reason, long today, struct error *err);

/* Works out the dispute's whole-process deadline again (the binding spans
 * of p running at its current stage): for a dispute stored before it was
 * kept.  Returns true when it changed. */
bool dispute_refresh_process(struct dispute *d, const struct protocol *p, const struct calendar *cal);

/* Sets (set=true) or clears the formal-challenge flag. */
enum status dispute_challenge(struct dispute *d, long on, bool set, long today, struct error *err);
/* Refuses the flag set or cleared by hand under a protocol whose formal
 * challenge is a stage (rule.formal): entering that stage sets it. */
enum status dispute_challenge_allowed(const struct dispute *d, const struct protocol *p, struct error *err);

/* One running deadline of an open dispute. */
enum deadline_kind {
	DL_STAGE,               /* the current stage's due date */
	DL_FOLLOW_UP,           /* a stage without delay, no date agreed yet: back on the board */
	DL_RESPONSE,            /* the stage's second agreed timescale */
	DL_THEN,                /* the `then` step's sub-deadline */
	DL_PROCESS,             /* the limit across the stages (the whole process) */
	DL_INFORM,              /* who the urgent route tells, the day urgency began */
	DL_NONE,                /* (the board) an open dispute with none of the above running */
	DL_COUNT
};

struct deadline {
	enum deadline_kind kind;
	long due;
	int minute;             /* TIME_NONE: the whole day */
};

/* "stage", "follow-up", "response", "then", "process", "inform", "none":
 * as the store's deadlines view names them. */
const char *deadline_kind_name(enum deadline_kind k);
bool deadline_kind_parse(const char *s, enum deadline_kind *out);

/* The running deadlines of d (none once closed), in kind order; returns how many. */
size_t dispute_deadlines(const struct dispute *d, struct deadline out[DL_COUNT]);

/* What a deadline is, in the protocol's words where it has them:
 * "stage 2", "follow up stage 3", "the other line manager's response",
 * "line managers' contact", "Whole process", "inform the RBSAB Business
 * Unit".  Short (for the board: "response", "then", "process", "inform")
 * when short is set.  Returns out. */
char *deadline_describe(const struct protocol *p, const struct dispute *d, const struct deadline *dl, bool short_form,
                        char *out, size_t outlen);

/* True when one of the open dispute's running deadlines (as dispute_left
 * measures them) has passed at `minute` (TIME_NONE = any time) on `today`:
 * a date before today, or today at a time already gone for a timed one. */
bool dispute_overdue(const struct dispute *d, long today, int minute);
/* The same for one deadline. */
bool deadline_passed(const struct deadline *dl, long today, int minute);

/* The rule's name of stage `number` of d on its route, or NULL when p is
 * NULL or has no such stage.  Borrowed from p. */
const char *dispute_stage_name(const struct protocol *p, const struct dispute *d, int number);

/* Where an open dispute's soonest running deadline (the stage's, or its
 * second timescale, sub-deadline, follow-up or whole process, whichever
 * comes first; not the day's `inform`) stands on `today` at `minute`: the
 * one answer behind every "5 wd", "today" and "overdue" that the workbench
 * and the commands show. */
enum left_kind {
	LEFT_CLOSED,            /* the dispute is closed */
	LEFT_NO_LIMIT,          /* no due date set (a stage "without delay") */
	LEFT_UNKNOWN,           /* the protocol is not installed: working days cannot be counted */
	LEFT_DAYS,              /* days working days left */
	LEFT_AHEAD,             /* after today, but no working day before it (a deadline in hours that
	                           falls on a Saturday) */
	LEFT_TODAY,             /* due today (at due_minute, when timed) */
	LEFT_PASSED_TODAY,      /* a timed deadline earlier today has passed */
	LEFT_OVERDUE            /* days working days overdue (at least 1) */
};

struct left {
	enum left_kind kind;
	int days;               /* LEFT_DAYS: left; LEFT_OVERDUE: over */
	int due_minute;         /* the deadline's time of day, or TIME_NONE */
	long due;               /* the deadline measured (the soonest running one), or DATE_NONE */
	enum deadline_kind what;
};

struct left dispute_left(const struct dispute *d, const struct protocol *p, const struct calendar *cal, long today,
                         int minute);
/* Where one deadline of d stands (the same words as dispute_left's). */
struct left deadline_left(const struct dispute *d, const struct protocol *p, const struct calendar *cal,
                          const struct deadline *dl, long today, int minute);

/* The working days left as one signed number (negative when overdue, 0
 * due today), as in JSON; false when there is none (closed, no limit, unknown). */
bool left_days(const struct left *l, int *out);

/* The words for l: short ("5 wd", "today", "overdue", "2 wd over", "no
 * limit", "?", "" when closed) for lists and the board, or long ("5 working
 * days left", "DUE TODAY by 16:30", "OVERDUE since 09:00 today", "OVERDUE by
 * 2 working days", "no limit set") for the timeline and `show`.  Returns out. */
char *left_text(const struct left *l, bool long_form, char *out, size_t outlen);

/* A limit across stages (Sunderland's month, Newcastle's advisory five
 * days) as it stands for one dispute on `today`. */
enum span_state {
	SPAN_NONE,              /* not measured: its first stage has not started, the dispute follows
	                           an urgent route with stages of its own, or the limit gives no date */
	SPAN_RUNNING,           /* running, due later */
	SPAN_TODAY,             /* running, due today */
	SPAN_PASSED,            /* running, and the date has passed */
	SPAN_MET,               /* over (its last stage ended, or the dispute closed) by the date */
	SPAN_MISSED             /* over, after the date */
};

struct span {
	enum span_state state;
	long due;               /* DATE_NONE with SPAN_NONE */
	long ended;             /* SPAN_MET / SPAN_MISSED: when it was over */
	bool current;           /* the dispute is open at one of the span's stages */
};

struct span dispute_span(const struct dispute *d, const struct protocol *p, const struct calendar *cal,
                         const struct span_rule *sp, long today);

/* Working days from today to the current stage's due date: 0 on the due
 * day, negative when overdue (at least -1 once the due date has passed, even
 * on a weekend).  Returns ST_NOTFOUND when there is no due date. */
enum status dispute_days_left(const struct dispute *d, const struct protocol *p, const struct calendar *cal,
                              long today, int *out, struct error *err);

/* ---- several agencies and subjects, counterparts, checklists, follow-ups, the owner ---- */

/* The other agencies: `against` first, then others[]; i from 0.  NULL past
 * the last.  Borrowed. */
size_t dispute_agency_count(const struct dispute *d);
const char *dispute_agency(const struct dispute *d, size_t i);
/* The subjects: `subject` first, then subjects[]. */
size_t dispute_subject_count(const struct dispute *d);
const char *dispute_subject(const struct dispute *d, size_t i);
/* The place (1 = against) among the other agencies of the agency named
 * agency (ASCII case-insensitive, as the store matches names), or 0. */
int dispute_party(const struct dispute *d, const char *agency);

/* The counterpart (a contact id) of party (1 = against) at stage number,
 * or 0 when none is named. */
long long dispute_counterpart(const struct dispute *d, int number, int party);
/* Names contact_id as party's counterpart at stage number (0 = the
 * current stage); party 1 is the stage's contact_id.  Refuses a stage that
 * has not started and a party the dispute does not have. */
enum status dispute_set_party_counterpart(struct dispute *d, int number, int party, long long contact_id,
                                          struct error *err);

/* The most items a checklist holds (a protocol's stage and every-stage
 * actions, ticks whose wording the protocol no longer has, follow-ups). */
#define CHECKLIST_MAX 128

/* One item of a stage's checklist: an action the protocol asks for, or a
 * follow-up set on a record.  Everything is borrowed from the protocol
 * and the dispute. */
struct check_item {
	const char *text;
	bool every_stage;                       /* an action asked for at every stage */
	const struct action_done *done;         /* an action done, or NULL */
	const struct record_detail *followup;   /* a follow-up, or NULL for an action */
};

/* The checklist of stage `number` (0 = the current one) as `dispute
 * action` numbers it: the stage's own actions, then those the protocol
 * asks for at every stage, then actions ticked there whose wording the
 * protocol no longer has (p NULL: only those); and for the current stage,
 * the dispute's follow-ups in the order they were set.  Fills out[0..max)
 * and returns how many items there are. */
size_t dispute_checklist(const struct protocol *p, const struct dispute *d, int number, struct check_item *out,
                         size_t max);

/* Ticks item n (1-based, numbered as dispute_checklist numbers them) of
 * stage `number` (0 = current) as done on `on` by `by`: an action becomes
 * an action_done, a follow-up is marked done.  Refuses an item that is not
 * there or already done, a day after today or before the dispute opened
 * (or, for a follow-up, before its record), and a stage not reached. */
enum status dispute_tick(struct dispute *d, const struct protocol *p, int number, int n, long on, const char *by,
                         long today, struct error *err);

/* The detail of record id, or NULL.  Borrowed. */
const struct record_detail *dispute_detail(const struct dispute *d, long long record);
/* True for a follow-up still to do. */
bool record_detail_open(const struct record_detail *r);
/* What record `record` (dated day) names: the contact spoken to (0:
 * none) and a next action with its date (NULL and DATE_NONE: none); the
 * next action and its date come together, and the date is not before the
 * record's day.  Refuses a record that has a detail already. */
enum status dispute_set_detail(struct dispute *d, long long record, long day, long long contact_id,
                               const char *next, long due, struct error *err);

/* Hands the dispute to owner (a lead's name, checked as one line of
 * text); refuses the owner it has already. */
enum status dispute_set_owner(struct dispute *d, const char *owner, struct error *err);

/* Where a date of d other than its stage deadline stands (a follow-up's):
 * dispute_left's answer for due (and due_minute) on `today` at `minute`,
 * counted in d's calendar; LEFT_NO_LIMIT when due is DATE_NONE. */
struct left dispute_left_at(const struct dispute *d, const struct protocol *p, const struct calendar *cal, long due,
                            int due_minute, long today, int minute);

/* The calendar d's deadlines are counted in: cal, and the closure days of
 * the agencies that must act on them, the other agencies (a day when every
 * one of them is closed).  Returns cal itself when no such day adds to it
 * (most disputes), else view made into that calendar; view is
 * calendar_init'ed either way and calendar_free'd by the caller.  A view
 * borrows cal's bank holidays, so cal must outlive it. */
const struct calendar *dispute_calendar(const struct calendar *cal, const struct dispute *d, struct calendar *view);

#endif
