/* What the command modules share: parsed arguments and output helpers (only for src/cli/). */
#ifndef DISPUTE_CLI_IMPL_H
#define DISPUTE_CLI_IMPL_H

#include <stdbool.h>

#include "dispute/service.h"
#include "dispute/util.h"

#define MAX_OPTS 64
#define MAX_POS 8

/* One option a command accepts: "--name VALUE" or a "--name" flag. */
struct optspec {
	const char *name;
	int has_arg;            /* 0 (false): a flag; 1 (true): takes a value; OPT_REPEAT: takes a value
	                           and may be given more than once (new --against, --subject) */
};

#define OPT_REPEAT 2

/* A parsed command line; every string is borrowed from argv. */
struct args {
	const char *cmd;
	const char *usage;
	const char *names[MAX_OPTS];
	const char *vals[MAX_OPTS];
	int nopts;
	char *pos[MAX_POS];
	int npos;
};

/* The value of --name, "" for a flag that was given, NULL when absent. */
const char *cli_opt(const struct args *a, const char *name);
/* The values of a repeatable --name, in the order given: *n of them, in
 * a new array the caller frees (NULL when none). */
const char **cli_opts(const struct args *a, const char *name, size_t *n);
bool cli_flag(const struct args *a, const char *name);

/* Parses the date option --name into *out (dflt when absent); prints the
 * problem and returns false when it is not a real YYYY-MM-DD date. */
bool cli_date_opt(const struct args *a, const char *name, long dflt, long *out);
/* The same for a positional argument; what names it in the message. */
bool cli_date_arg(const char *v, const char *what, long *out);

/* Prints "dispute: " and the message as one line of standard error, made
 * safe by text_sanitize: controls and invalid bytes as U+FFFD, newlines as
 * spaces, bidirectional controls as "<U+202E>".  Every message that may
 * echo what the user typed, a file name or anything stored goes through
 * here, so none of it can drive the terminal.  fmt itself holds no
 * newline: a usage line is printed after it. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for one line of standard output (the newline is added). */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "dispute: MESSAGE" with the way to mend it in the command line's
 * words ("; run 'dispute init' first"), through cli_error, and returns the
 * exit code for err. */
int cli_fail(const struct error *err);
/* cli_fail after saying how err can be mended. */
int cli_fail_mend(struct error *err, enum error_mend mend);
/* Appends the command line's words for mending err ("" when none). */
void cli_mend(const struct error *err, struct sb *out);

/* Says each of c->warnings on stderr, "dispute: warning: ...". */
void cli_put_warnings(const struct ctx *c);

/* EXIT_OK when --name was given, else says the command needs it (EXIT_USAGE). */
int cli_require(const struct args *a, const char *name);

/* Prints s (sanitised) padded or cut to cols display columns; whole when cols is 0. */
void cli_put_col(const char *s, int cols);
/* Prints "Label:           value" (value sanitised, newlines kept). */
void cli_line(const char *label, const char *value);


/* Prints the journal's head seal, as the last lines of what leaves the
 * machine (nothing for an empty journal). */
void cli_put_head(const struct journal_head *h);

/* The commands, each in the file of its kind. */
int cmd_list(struct ctx *c, struct args *a);
int cmd_show(struct ctx *c, struct args *a);
int cmd_search(struct ctx *c, struct args *a);
int cmd_new(struct ctx *c, struct args *a);
int cmd_record(struct ctx *c, struct args *a);
int cmd_escalate(struct ctx *c, struct args *a);
int cmd_due(struct ctx *c, struct args *a);
int cmd_resolve(struct ctx *c, struct args *a);
int cmd_withdraw(struct ctx *c, struct args *a);
int cmd_refer(struct ctx *c, struct args *a);
int cmd_challenge(struct ctx *c, struct args *a);
int cmd_reopen(struct ctx *c, struct args *a);
int cmd_route(struct ctx *c, struct args *a);
int cmd_init(struct ctx *c, struct args *a);
int cmd_protocols(struct ctx *c, struct args *a);
int cmd_workdays(struct ctx *c, struct args *a);
int cmd_closure(struct ctx *c, struct args *a);
int cmd_agency(struct ctx *c, struct args *a);
int cmd_contact(struct ctx *c, struct args *a);
int cmd_export_ics(struct ctx *c, struct args *a);
int cmd_counterpart(struct ctx *c, struct args *a);
int cmd_send(struct ctx *c, struct args *a);
int cmd_reply(struct ctx *c, struct args *a);
int cmd_accept(struct ctx *c, struct args *a);
/* After a change of ref: "2 invites owed: send them?" on standard error, when any are. */
void cli_owed_hint(struct ctx *c, const char *ref);
int cmd_config(struct ctx *c, struct args *a);
int cmd_report(struct ctx *c, struct args *a);
int cmd_learning(struct ctx *c, struct args *a);
int cmd_proforma(struct ctx *c, struct args *a);
int cmd_export(struct ctx *c, struct args *a);
int cmd_verify(struct ctx *c, struct args *a);
int cmd_backup(struct ctx *c, struct args *a);
int cmd_restore(struct ctx *c, struct args *a);
int cmd_action(struct ctx *c, struct args *a);
int cmd_owner(struct ctx *c, struct args *a);

/* cli_daily.c: list --due (f: the list's other filters), the stage's own
 * actions said on entering it, and what show says of the owner, the
 * agencies, subjects, counterparts, checklists and what records name. */
int cli_list_due(struct ctx *c, const struct args *a, const struct list_filter *f);
void cli_stage_actions(struct ctx *c, const struct dispute *d);
void cli_show_daily(struct ctx *c, const struct dispute *d);
void cli_show_record_detail(struct ctx *c, const struct dispute *d, const struct record *r);
void cli_json_daily(struct ctx *c, struct sb *sb, const struct dispute *d);
void cli_json_record_detail(struct sb *sb, const struct dispute *d, const struct record *r);

int cmd_import(struct ctx *c, struct args *a);
/* Their options, defined beside them in src/cli/cli_report.c. */
extern const struct optspec cli_report_opts[], cli_learning_opts[], cli_proforma_opts[], cli_export_opts[];

#endif
