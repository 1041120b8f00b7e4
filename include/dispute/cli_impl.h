/* What the command modules share: parsed arguments and output helpers (only for src/cli*.c). */
#ifndef DISPUTE_CLI_IMPL_H
#define DISPUTE_CLI_IMPL_H

#include <stdbool.h>

#include "dispute/service.h"
#include "dispute/util.h"

#define MAX_OPTS 16
#define MAX_POS 8

/* One option a command accepts: "--name VALUE" or a "--name" flag. */
struct optspec {
	const char *name;
	bool has_arg;
};

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
bool cli_flag(const struct args *a, const char *name);

/* Parses the date option --name into *out (dflt when absent); prints the
 * problem and returns false when it is not a real YYYY-MM-DD date. */
bool cli_date_opt(const struct args *a, const char *name, long dflt, long *out);
/* The same for a positional argument; what names it in the message. */
bool cli_date_arg(const char *v, const char *what, long *out);

/* Prints "dispute: MESSAGE" and returns the exit code for err. */
int cli_fail(const struct error *err);

/* Prints s (sanitised) padded or cut to cols display columns; whole when cols is 0. */
void cli_put_col(const char *s, int cols);

/* JSON: a string (or null), a date (or null), a time "HH:MM" (or null). */
void cli_json_str(struct sb *sb, const char *s);
void cli_json_date(struct sb *sb, long day);
void cli_json_time(struct sb *sb, int minute);

/* Commands that live in their own files. */
int cmd_export_ics(struct ctx *c, struct args *a);
int cmd_counterpart(struct ctx *c, struct args *a);
int cmd_config(struct ctx *c, struct args *a);
int cmd_report(struct ctx *c, struct args *a);
int cmd_learning(struct ctx *c, struct args *a);
int cmd_proforma(struct ctx *c, struct args *a);
int cmd_export(struct ctx *c, struct args *a);
/* Their options, defined beside them in src/cli_report.c. */
extern const struct optspec cli_report_opts[], cli_learning_opts[], cli_proforma_opts[], cli_export_opts[];

#endif
