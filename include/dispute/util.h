/* Status codes, the caller-owned error message, and small allocation helpers. */
#ifndef DISPUTE_UTIL_H
#define DISPUTE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "dispute/layer.h"

/* Every fallible function returns one of these; the message goes into a
 * caller-owned struct error.  The CLI maps ST_USAGE to exit 2, everything
 * else that is not ST_OK to exit 1. */
#define STATUS_CODES(X) \
	X(OK,       "ok") \
	X(USAGE,    "bad usage") \
	X(INVALID,  "invalid input") \
	X(REFUSED,  "refused") \
	X(NOTFOUND, "not found") \
	X(IO,       "input/output error") \
	X(DB,       "database error") \
	X(BUSY,     "database is locked") \
	X(NOMEM,    "out of memory")

enum status {
#define STATUS_ENUM(name, msg) ST_##name,
	STATUS_CODES(STATUS_ENUM)
#undef STATUS_ENUM
};

/* What a refusal asks the user to do, when there is a way to mend it:
 * messages below the front ends speak no front end's language, and each
 * front end says how in its own words (the CLI names its commands and
 * options, the workbench its keys). */
enum error_mend {
	MEND_NONE,
	MEND_REASON,            /* give a reason for the later date */
	MEND_PROTOCOLS,         /* see the installed protocols */
	MEND_COUNTERPART,       /* name the counterpart of a stage (ref says whose) */
	MEND_AGREE_DATE,        /* agree a due date for the stage (ref says whose) */
	MEND_INIT,              /* create the database */
	MEND_CONTACTS,          /* see the contacts */
	MEND_VERIFY,            /* the database was altered: look with verify */
	MEND_UPGRADE,           /* an older schema: a command that writes brings it up to date */
	MEND_FORCE,             /* say that the file already there is to be replaced */
	MEND_SENDMAIL,          /* name the command that sends mail, or write the message to a file */
	MEND_OWN_AGENCY         /* say which agency (the user's own is not set) */
};

struct error {
	enum status code;
	enum error_mend mend;   /* MEND_NONE unless error_mend said otherwise */
	char ref[16];           /* the dispute the mend is for, or "" */
	char msg[2048];
};

/* Returns a static description of code. */
const char *status_name(enum status code);

/* Fills err (which may be NULL) with code and a printf-style message;
 * returns code so callers can write `return error_set(err, ST_X, "...")`. */
enum status error_set(struct error *err, enum status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Says how err can be mended (for the dispute ref, or NULL); returns
 * err->code, for `return error_mend(err, MEND_X, ref)` after error_set. */
enum status error_mend(struct error *err, enum error_mend mend, const char *ref);

/* Clears err to ST_OK with an empty message. */
void error_clear(struct error *err);

/* Allocation helpers that abort with a message on exhaustion: the program
 * cannot do anything useful without memory, and checking every strdup
 * would hide the logic.  Returned memory is owned by the caller. */
/* Says "out of memory" on stderr and exits: what the x* helpers do when
 * an allocation fails. */
_Noreturn void oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);               /* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable string buffer.  sb.s is always NUL-terminated once anything
 * was appended; the caller frees it with free(sb.s) or takes it with sb_take. */
struct sb {
	char *s;
	size_t len, cap;
};
void sb_append(struct sb *sb, const char *s);
void sb_appendn(struct sb *sb, const char *s, size_t n);
void sb_printf(struct sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends v in decimal: by hand, as a journal of many disputes (an import)
 * and a long list format numbers by the hundred thousand. */
void sb_append_int(struct sb *sb, long long v);
char *sb_take(struct sb *sb);               /* never NULL; caller frees */

/* Case-insensitive ASCII comparison, for ids and keywords. */
int ascii_casecmp(const char *a, const char *b);

#endif
