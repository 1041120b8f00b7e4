/* Escalation protocols: stages, limits, urgent routes and categories, loaded from data files. */
#ifndef DISPUTE_PROTOCOL_H
#define DISPUTE_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/calendar.h"
#include "dispute/util.h"

enum limit_kind {
	LIMIT_NONE,       /* "without delay": no protocol limit; a date must be agreed */
	LIMIT_WORKDAYS,   /* n working days */
	LIMIT_HOURS,      /* n hours (timed) */
	LIMIT_AGREED,     /* agreed between the parties, at most n working days */
	LIMIT_MONTHS      /* n calendar months (used for spans) */
};

struct limit {
	enum limit_kind kind;
	int n;
};

/* Parses a limit phrase: "5 working days", "1 working day", "24 hours",
 * "agreed, at most 5 working days", "1 month", "none", "without delay".
 * Returns false (with a reason in err) for anything else. */
bool limit_parse(const char *s, struct limit *out, struct error *err);

/* Writes a human phrase for the limit ("5 working days", "24 hours",
 * "agreed, at most 5 working days", "no limit (without delay)"). Returns out. */
char *limit_describe(const struct limit *l, char *out, size_t outlen);

struct stage_rule {
	char *name;       /* short title, e.g. "Line manager to line manager" */
	char *ours;       /* who acts in the raising agency */
	char *theirs;     /* who they deal with in the other agency */
	struct limit limit;
	char *then;       /* optional second step inside the stage, e.g. "line managers review within 24 hours" */
	char *record;     /* what must be recorded at this stage */
	char *notice;     /* something the user must be told on entering the stage */
	bool timed;       /* a working-day limit runs from the time of day the stage starts
	                     (Newcastle's one-working-day urgent review), not from the date */
	char *parties;    /* the two sides named by their agencies rather than as raising and
	                     other (the Head of Service in children's social care, whichever agency
	                     raised it), instead of ours and theirs; or NULL */
	char *arbiter;    /* who decides at this stage, neither side (the Head of Safeguarding), or NULL */
	struct limit then_limit;  /* the `then` step's own limit, from when the stage starts (the line
	                             managers' 24 hours): a timed sub-deadline; LIMIT_NONE when none */
	struct limit follow_up;   /* a stage "without delay": when it comes back on the board until a
	                             date is agreed (the next working day unless the file says); LIMIT_NONE
	                             when it has none */
	char *response;   /* a second timescale agreed at this stage, and what it is for (the other
	                     line manager's response), or NULL: a deadline beside the stage's own */
	bool formal;      /* entering this stage is the formal challenge (it sets the flag) */
	char **actions;   /* what must be done at this stage: the stage's checklist */
	size_t nactions;
};

/* A limit that runs across several stages (Sunderland's month for the whole
 * process; Newcastle's advisory five days for the usual process). */
struct span_rule {
	char *name;
	int from, to;     /* 1-based stage numbers, inclusive */
	struct limit limit;
	bool advisory;
};

/* The urgent route.  When same_stages is set the route runs the normal
 * stages (Rochdale); otherwise it has stages of its own (Newcastle). */
struct route {
	char *name;
	char *when;       /* when the route applies */
	char *notice;     /* what must happen at once */
	char *inform;     /* who is told the day a dispute becomes urgent (Rochdale's Business
	                     Unit): on the board that day; or NULL */
	bool same_stages;
	struct stage_rule *stages;
	size_t nstages;
	int back_from, back_to;   /* the normal stages a dispute may return to from the route's own
	                             (Newcastle's steps 5-6 after the Service Manager's review); 0 none */
};

struct category {
	char *key;        /* "thresholds" */
	char *label;      /* "Levels of need / thresholds" */
	bool unclocked;   /* recorded, but not run through the stage clock: no due dates */
};

struct protocol {
	char *id;         /* file name without .ini, e.g. "north-wales" */
	char *path;       /* where it was loaded from */
	char *title;
	char *partnership;/* the board or partnership that issued it */
	char *source;     /* where the text comes from */
	char *population; /* "children", "adults" or "both" */
	char *division;   /* bank holiday division */
	char *scope;      /* optional: what is out of scope */
	struct stage_rule *stages;
	size_t nstages;
	struct span_rule *spans;
	size_t nspans;
	struct route *urgent;   /* NULL when the protocol has no urgent route */
	struct category *categories;
	size_t ncategories;
	bool local_categories;  /* the categories are the file's, not the protocol's: it names none */
	char **notices;         /* general notices (complaints, learning, ...) */
	size_t nnotices;
	char *body;             /* the partnership body a dispute is referred to, staying open (the
	                           SSCP); NULL when referring always closes a dispute */
	char **aliases;         /* other names of that body ("SSCP", "partnership") */
	size_t naliases;
	char **actions;         /* what must be done at every stage: on every stage's checklist */
	size_t nactions;
	char *timezone;         /* the jurisdiction's time zone (IANA name) that timed deadlines are
	                           kept in and invites written in; PROTOCOL_TIMEZONE unless the file
	                           names one */
};

/* The time zone of a protocol that names none. */
#define PROTOCOL_TIMEZONE "Europe/London"

/* Whether name has the form of an IANA time zone name ("Europe/London",
 * "America/Argentina/Buenos_Aires", "UTC"): parts of letters, digits, '_',
 * '-' and '+', joined by '/', none starting with '.', at most 64 bytes.
 * Whether the zone exists is for the zone data to say, when an invite is
 * written. */
bool protocol_timezone_ok(const char *name);

/* A set of loaded protocols.  Protocol files that fail to load are left out
 * and their errors ("file:line: reason") kept in problems. */
struct protocol_set {
	struct protocol **v;
	size_t n;
	char **problems;
	size_t nproblems;
};

void protocol_set_init(struct protocol_set *set);
void protocol_set_free(struct protocol_set *set);

/* Parses one protocol file's text: len bytes, which need not end in a NUL
 * and may be any bytes at all (a NUL or a control character is reported,
 * not read past); a NULL text is an empty one.  This is the whole loader without the file system; the
 * fuzz harness drives it.  id is the protocol id, path is used in
 * messages.  cal is the bank-holiday calendar, borrowed while parsing: its
 * divisions are the ones a protocol may name, so a division the deadlines
 * could not be counted in is refused here rather than at the first dispute
 * (NULL is a calendar with none).  On success *out is a new protocol the
 * caller frees with protocol_free.  Errors read "path:line: reason". */
enum status protocol_parse(const char *id, const char *path, const char *text, size_t len,
                           const struct calendar *cal, struct protocol **out, struct error *err);
void protocol_free(struct protocol *p);

/* Loads every *.ini in dir into set, in name order, each parsed as by
 * protocol_parse against cal.  A protocol whose id is already in set
 * replaces it (a user's file overrides a shipped one).  A missing directory
 * is not an error.  Returns ST_IO only if dir exists but cannot be read;
 * bad files, and names that are not regular files, go to set->problems. */
enum status protocol_set_load_dir(struct protocol_set *set, const char *dir, const struct calendar *cal,
                                  struct error *err);

/* Returns the protocol with this id (ASCII case-insensitive), or NULL. Borrowed. */
const struct protocol *protocol_set_find(const struct protocol_set *set, const char *id);

/* The stages a dispute follows on the normal or urgent route. Borrowed. */
const struct stage_rule *protocol_stages(const struct protocol *p, bool urgent, size_t *n);

/* The rule for stage `number` (1-based) on the normal or urgent route, or
 * NULL when p is NULL or the route has no such stage.  Borrowed. */
const struct stage_rule *protocol_stage_rule(const struct protocol *p, bool urgent, int number);

/* Returns the category whose key is key (ASCII case-insensitive), or NULL;
 * borrowed from p.  For keys as stored with a dispute; what a person types
 * goes through protocol_category_find. */
const struct category *protocol_category(const struct protocol *p, const char *key);

/* Finds the category a person means by text (NULL counts as ""): its key,
 * its label, or some of their words, with case, accents, spaces and
 * punctuation not mattering (the folding of text_fold_words).  The rules,
 * tried in order until one matches any category:
 *   1. text is a key, as stored;
 *   2. text run together ("Levels-of-Need" -> "levelsofneed") is a key run
 *      together ("information sharing" finds information-sharing);
 *   3. text run together is a label run together ("levels of need");
 *   4. every word of text is a word of the category's key or label, in any
 *      order ("need thresholds");
 *   5. every word of text is a word of the key or label or, when it has 3
 *      letters or more, the start of one ("info shar", "level of need").
 * Words of fewer than 3 letters ("of", "a") must be whole.  When the rule
 * that matches finds one category, returns ST_OK with *out borrowed from
 * p.  When it finds several, returns ST_INVALID, naming them ('category
 * "need" is ambiguous in north-wales: it could be ...'); when no rule
 * matches, ST_INVALID ('unknown category "x" in north-wales').  Both
 * refusals go on to list every category of p as "key (Label)", and name
 * no front end's option, so the CLI and the workbench can show them as
 * they are.  *out is NULL unless ST_OK. */
enum status protocol_category_find(const struct protocol *p, const char *text,
                                   const struct category **out, struct error *err);

/* Computes the due date for a stage starting on day `start` (at `minute`,
 * or TIME_NONE) under limit l.  Working-day limits count from the start
 * date; hour limits give a due day and *due_minute; LIMIT_AGREED gives the
 * maximum; LIMIT_NONE gives DATE_NONE.  *due_minute is TIME_NONE unless
 * the limit is in hours. */
enum status limit_due(const struct limit *l, const struct calendar *cal, const char *division,
                      long start, int minute, long *due, int *due_minute, struct error *err);

#endif
