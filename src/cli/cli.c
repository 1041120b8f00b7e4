/* The command line: parses subcommands and their options, runs the shared actions, prints text or JSON. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/clock.h"
#include "dispute/date.h"
#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/text.h"
#include "dispute/term.h"

/* What a command needs of the database. */
enum db_need {
	DB_NONE,
	DB_READ,
	DB_WRITE,
	DB_SIGN,          /* writes the journal: needs the user's name as well */
	DB_CREATE,
	DB_IF_EXISTS,
	DB_SIGN_IF_ARGS   /* reads with one argument, writes and signs with more (action REF [done N]) */
};

struct command {
	const char *name;
	int (*run)(struct ctx *c, struct args *a);
	enum db_need db;
	const struct optspec *opts;
	int min_pos, max_pos;
	const char *usage;
	const char *help;
};

static const char *db_opt;

void cli_mend(const struct error *err, struct sb *out)
{
	/* The command line's words for each way to mend a refusal. */
	static const char *const words[] = {
		[MEND_NONE] = "",
		[MEND_REASON] = " with --reason",
		[MEND_PROTOCOLS] = " (see 'dispute protocols')",
		[MEND_AGREE_DATE] = " (agree one with 'dispute due')",
		[MEND_INIT] = "; run 'dispute init' first",
		[MEND_CONTACTS] = " (see 'dispute contact list')",
		[MEND_VERIFY] = ": run 'dispute verify'",
		[MEND_UPGRADE] = ": run 'dispute init' to bring it up to date",
		[MEND_FORCE] = ": add --force to replace it",
		[MEND_SENDMAIL] = ": dispute config --sendmail 'msmtp -t' (or write it with --eml FILE)",
		[MEND_OWN_AGENCY] = ": name it with --agency, or set yours once with 'dispute config --agency AGENCY'",
	};

	if (err->mend == MEND_COUNTERPART)
		sb_printf(out, "; name one with 'dispute counterpart %s CONTACT'", err->ref);
	else if ((size_t)err->mend < sizeof(words) / sizeof(words[0]) && words[err->mend])
		sb_append(out, words[err->mend]);
}

void cli_put_warnings(const struct ctx *c)
{
	for (const char *w = c->warnings; w && *w;) {
		const char *nl = strchr(w, '\n');
		int len = nl ? (int)(nl - w) : (int)strlen(w);

		cli_error("warning: %.*s", len, w);
		w += len + (nl != NULL);
	}
}

/* Prints "PREFIX" then the formatted text, sanitised, on one line of out. */
static void put_clean_line(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
	char *raw, *clean;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	raw = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	vsnprintf(raw, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	if (n <= 0)
		raw[0] = '\0';
	clean = text_sanitize(raw, false);
	fprintf(out, "%s%s\n", prefix, clean);
	free(clean);
	free(raw);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_clean_line(stderr, "dispute: ", fmt, ap);
	va_end(ap);
}

void cli_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_clean_line(stdout, "", fmt, ap);
	va_end(ap);
}

int cli_fail(const struct error *err)
{
	struct sb sb = {0};

	sb_append(&sb, err->msg);
	cli_mend(err, &sb);
	cli_error("%s", sb.s);
	free(sb.s);
	return err->code == ST_USAGE ? EXIT_USAGE : EXIT_REFUSED;
}

int cli_fail_mend(struct error *err, enum error_mend mend)
{
	error_mend(err, mend, NULL);
	return cli_fail(err);
}

/* After a problem with the command line: the command's usage, or where to find the commands. */
static int usage_after(const struct command *cmd)
{
	if (cmd)
		fprintf(stderr, "usage: dispute %s\n", cmd->usage);
	else
		fputs("Try 'dispute --help'.\n", stderr);
	return EXIT_USAGE;
}

static int usage_error(const struct command *cmd, const char *problem, const char *what)
{
	cli_error("%s '%s'", problem, what);
	return usage_after(cmd);
}

const char *cli_opt(const struct args *a, const char *name)
{
	for (int i = 0; i < a->nopts; i++)
		if (strcmp(a->names[i], name) == 0)
			return a->vals[i];
	return NULL;
}

const char **cli_opts(const struct args *a, const char *name, size_t *n)
{
	const char **v = NULL;

	*n = 0;
	for (int i = 0; i < a->nopts; i++)
		if (strcmp(a->names[i], name) == 0) {
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = a->vals[i];
		}
	return v;
}

bool cli_flag(const struct args *a, const char *name)
{
	return cli_opt(a, name) != NULL;
}

static const struct optspec *spec_find(const struct optspec *spec, const char *name, size_t len)
{
	static const struct optspec global[] = { { "db", true }, { "help", false }, { NULL, false } };

	for (const struct optspec *s = spec; s && s->name; s++)
		if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
			return s;
	for (const struct optspec *s = global; s->name; s++)
		if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
			return s;
	return NULL;
}

/* The value of the option at argv[*i] (arg, its name `len` bytes after
 * the "--"): what follows '=' when there is one, else the next word, which
 * *i then moves past.  A next word that starts with "--" is taken for the
 * option it looks like, never as the value: `new --subject --urgent` is a
 * forgotten subject, not a subject called "--urgent".  Such a value is
 * written with '='.  NULL when there is no value (message printed). */
static const char *option_value(const struct command *cmd, int argc, char **argv, int *i, size_t len)
{
	const char *arg = argv[*i], *eq = arg[2 + len] == '=' ? arg + 2 + len : NULL, *next;

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		usage_error(cmd, "this option needs a value:", arg);
		return NULL;
	}
	next = argv[*i + 1];
	if (strncmp(next, "--", 2) == 0) {
		cli_error("%s needs a value, and '%s' looks like an option; a value that starts with \"--\" is "
		          "written %s=%s", arg, next, arg, next);
		usage_after(cmd);
		return NULL;
	}
	++*i;
	return next;
}

/* Parses argv into a; returns EXIT_OK or EXIT_USAGE (message printed). */
static int args_parse(const struct command *cmd, int argc, char **argv, struct args *a)
{
	bool only_pos = false;

	for (int i = 0; i < argc; i++) {
		char *arg = argv[i];
		const struct optspec *s;
		const char *eq, *val = "";
		size_t len;

		if (only_pos || arg[0] != '-' || arg[1] != '-' || (arg[0] == '-' && arg[1] == '\0')) {
			if (!only_pos && arg[0] == '-' && arg[1] != '\0' && arg[1] != '-')
				return usage_error(cmd, "unknown option", arg);
			if (a->npos >= MAX_POS || a->npos >= cmd->max_pos)
				return usage_error(cmd, "unexpected argument", arg);
			a->pos[a->npos++] = arg;
			continue;
		}
		if (arg[2] == '\0') {
			only_pos = true;
			continue;
		}
		eq = strchr(arg + 2, '=');
		len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		s = spec_find(cmd->opts, arg + 2, len);
		if (!s)
			return usage_error(cmd, "unknown option", arg);
		if (s->has_arg) {
			if (!(val = option_value(cmd, argc, argv, &i, len)))
				return EXIT_USAGE;
		} else if (eq) {
			return usage_error(cmd, "this option takes no value:", arg);
		}
		if (a->nopts >= MAX_OPTS)
			return usage_error(cmd, "too many options at", arg);
		for (int j = 0; j < a->nopts && s->has_arg != OPT_REPEAT; j++)
			if (strcmp(a->names[j], s->name) == 0)
				return usage_error(cmd, "this option is given twice:", arg);
		a->names[a->nopts] = s->name;
		a->vals[a->nopts++] = val;
	}
	if (cli_flag(a, "help"))
		return EXIT_OK;
	if (a->npos < cmd->min_pos)
		return usage_error(cmd, "not enough arguments for", cmd->name);
	return EXIT_OK;
}

/* Parses a date option; DATE_NONE with *ok true when absent. */
bool cli_date_opt(const struct args *a, const char *name, long dflt, long *out)
{
	const char *v = cli_opt(a, name);

	*out = dflt;
	if (!v)
		return true;
	if (!date_parse(v, out)) {
		cli_error("--%s: '%s' is not a date; use YYYY-MM-DD (a real date, e.g. 2026-11-27)", name, v);
		return false;
	}
	return true;
}

bool cli_date_arg(const char *v, const char *what, long *out)
{
	if (!date_parse(v, out)) {
		cli_error("%s: '%s' is not a date; use YYYY-MM-DD (a real date, e.g. 2026-11-27)", what, v);
		return false;
	}
	return true;
}

int cli_require(const struct args *a, const char *name)
{
	if (cli_opt(a, name))
		return EXIT_OK;
	fprintf(stderr, "dispute: %s needs --%s\nusage: dispute %s\n", a->cmd, name, a->usage);
	return EXIT_USAGE;
}

void cli_put_col(const char *s, int cols)
{
	struct sb sb = {0};

	text_column(&sb, s, cols);
	if (sb.s)
		fputs(sb.s, stdout);
	free(sb.s);
}

void cli_line(const char *label, const char *value)
{
	char *clean = text_sanitize(value ? value : "", true);

	printf("%-17s %s\n", label, clean);
	free(clean);
}

static const struct optspec o_none[] = { { NULL, false } };
static const struct optspec o_new[] = {
	{ "protocol", true }, { "subject", OPT_REPEAT }, { "raised-by", true }, { "against", OPT_REPEAT },
	{ "category", true }, { "summary", true }, { "urgent", false }, { "opened", true }, { NULL, false } };
static const struct optspec o_list[] = {
	{ "open", false }, { "closed", false }, { "overdue", false }, { "due-before", true },
	{ "json", false }, { "search", true }, { "protocol", true }, { "due", false }, { "before", true },
	{ "mine", false }, { NULL, false } };
static const struct optspec o_show[] = { { "json", false }, { NULL, false } };
static const struct optspec o_search[] = {
	{ "open", false }, { "closed", false }, { "protocol", true }, { "json", false }, { NULL, false } };
static const struct optspec o_record[] = {
	{ "kind", true }, { "text", true }, { "at", true }, { "amends", true }, { "contact", true }, { "next", true },
	{ "next-due", true }, { NULL, false } };
static const struct optspec o_action[] = { { "on", true }, { "stage", true }, { "json", false }, { NULL, false } };
static const struct optspec o_escalate[] = {
	{ "on", true }, { "due", true }, { "response", true }, { "reason", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_due[] = { { "response", true }, { "reason", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_reopen[] = { { "reason", true }, { "on", true }, { NULL, false } };
static const struct optspec o_route[] = { { "stage", true }, { "on", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_resolve[] = {
	{ "outcome", true }, { "outstanding", true }, { "on", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_withdraw[] = { { "reason", true }, { "on", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_refer[] = { { "to", true }, { "on", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_challenge[] = { { "on", true }, { "clear", false }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_workdays[] = { { "division", true }, { NULL, false } };
static const struct optspec o_closure[] = { { "reason", true }, { "to", true }, { "agency", true }, { NULL, false } };
static const struct optspec o_export_ics[] = {
	{ "to", true }, { "all-stages", false }, { "cancel", false }, { "include-subject", false }, { "open", false },
	{ "owed", false }, { "force", false }, { NULL, false } };
static const struct optspec o_send[] = {
	{ "stage", true }, { "eml", true }, { "force", false }, { "include-subject", false }, { NULL, false } };
static const struct optspec o_accept[] = {
	{ "from", true }, { "reason", true }, { "eml", true }, { "force", false }, { NULL, false } };
static const struct optspec o_counterpart[] = { { "stage", true }, { NULL, false } };
static const struct optspec o_config[] = {
	{ "name", true }, { "role", true }, { "email", true }, { "phone", true }, { "protocol", true },
	{ "alarms", true }, { "backup-days", true }, { "sendmail", true }, { "agency", true }, { NULL, false } };
static const struct optspec o_verify[] = { { "json", false }, { "head", true }, { NULL, false } };
static const struct optspec o_backup[] = { { "force", false }, { NULL, false } };
static const struct optspec o_import[] = { { "csv", true }, { "map", true }, { "dry-run", false }, { NULL, false } };
static const struct optspec o_contact[] = {
	{ "agency", true }, { "name", true }, { "role", true }, { "email", true }, { "phone", true }, { NULL, false } };

static const struct command commands[] = {
	{ "init", cmd_init, DB_CREATE, o_none, 0, 0, "init", "create the database (mode 0600) if it does not exist" },
	{ "new", cmd_new, DB_SIGN, o_new, 0, 0,
	  "new --protocol ID --subject REF [--subject REF ...] --raised-by AGENCY --against AGENCY "
	  "[--against AGENCY ...] --category CAT --summary TEXT [--urgent] [--opened DATE]",
	  "open a dispute; prints its reference" },
	{ "list", cmd_list, DB_READ, o_list, 0, 0,
	  "list [--open|--closed|--overdue|--due-before DATE] [--mine] [--search TEXT] [--protocol ID] [--json] | "
	  "list --due [--before DATE] [--mine] [--json]",
	  "list disputes, soonest deadline first; or what is due: deadlines and follow-ups" },
	{ "show", cmd_show, DB_READ, o_show, 1, 1, "show REF [--json]", "show a dispute, its stages and its records" },
	{ "search", cmd_search, DB_READ, o_search, 1, MAX_POS, "search WORDS... [--open|--closed] [--protocol ID] [--json]",
	  "find disputes by words in their records and particulars (\"a phrase\" in quotes)" },
	{ "record", cmd_record, DB_SIGN, o_record, 1, 1,
	  "record REF --kind call|meeting|email|decision|action|outcome|learning|note --text TEXT|- "
	  "[--at DATETIME] [--amends N] [--contact N] [--next TEXT --next-due DATE]",
	  "add a record to the journal (--text - reads standard input): whom you spoke to, what is next" },
	{ "action", cmd_action, DB_SIGN_IF_ARGS, o_action, 1, 3, "action REF [--stage N] [--json] | action REF done N [--on DATE] "
	  "[--stage N]",
	  "the stage's checklist: what the protocol asks for, and the follow-ups; tick one done" },
	{ "owner", cmd_owner, DB_SIGN, o_none, 2, 2, "owner REF NAME", "hand the dispute over to another lead" },
	{ "escalate", cmd_escalate, DB_SIGN, o_escalate, 1, 1,
	  "escalate REF [--on DATE] [--due DATE] [--response DATE] [--reason TEXT] [--from-stage N]",
	  "move to the next stage; its due date comes from the protocol" },
	{ "due", cmd_due, DB_SIGN, o_due, 1, 2, "due REF [DATE] [--response DATE] [--reason TEXT] [--from-stage N]",
	  "record an agreed due date (or second timescale) for the current stage" },
	{ "resolve", cmd_resolve, DB_SIGN, o_resolve, 1, 1, "resolve REF --outcome TEXT [--outstanding TEXT] [--on DATE] [--from-stage N]",
	  "close the dispute as resolved" },
	{ "withdraw", cmd_withdraw, DB_SIGN, o_withdraw, 1, 1, "withdraw REF --reason TEXT [--on DATE] [--from-stage N]",
	  "close the dispute as withdrawn" },
	{ "refer", cmd_refer, DB_SIGN, o_refer, 1, 1, "refer REF --to TEXT [--on DATE] [--from-stage N]",
	  "refer to the partnership (it stays open) or beyond it (inspectorate, case review: it closes)" },
	{ "reopen", cmd_reopen, DB_SIGN, o_reopen, 1, 1, "reopen REF --reason TEXT [--on DATE]",
	  "open a closed dispute again, at the stage it closed at" },
	{ "route", cmd_route, DB_SIGN, o_route, 2, 2, "route REF urgent|normal [--stage N] [--on DATE] [--from-stage N]",
	  "make a dispute urgent (its protocol's urgent route), or take it back to the normal stages" },
	{ "challenge", cmd_challenge, DB_SIGN, o_challenge, 1, 1, "challenge REF [--on DATE] [--clear] [--from-stage N]",
	  "set (or clear) the formal-challenge flag" },
	{ "protocols", cmd_protocols, DB_NONE, o_none, 0, 2, "protocols [show ID]", "list protocols, or show one's stages" },
	{ "workdays", cmd_workdays, DB_IF_EXISTS, o_workdays, 3, 3,
	  "workdays add DATE N [--division D] | workdays between DATE DATE [--division D]",
	  "working-day arithmetic with bank holidays and closure days" },
	{ "closure", cmd_closure, DB_WRITE, o_closure, 1, 2,
	  "closure add DATE [--to DATE] [--agency A] [--reason TEXT] | closure remove DATE [--agency A] | closure list",
	  "closure days of an agency (yours unless --agency): not working days for its deadlines" },
	{ "agency", cmd_agency, DB_WRITE, o_none, 1, 2, "agency add NAME | agency list", "agencies" },
	{ "contact", cmd_contact, DB_WRITE, o_contact, 1, 1,
	  "contact add --agency A --name N [--role R] [--email E] [--phone P] | contact list [--agency A]",
	  "contacts in other agencies" },
	{ "counterpart", cmd_counterpart, DB_SIGN, o_counterpart, 2, 2, "counterpart REF CONTACT [--stage N]",
	  "name the counterpart manager for a stage (the invite's attendee): a contact's number or name" },
	{ "export-ics", cmd_export_ics, DB_SIGN, o_export_ics, 0, 1,
	  "export-ics REF [--to FILE|DIR|-] [--force] [--all-stages|--cancel|--owed] [--include-subject] | "
	  "export-ics --open|--owed --to DIR [--force]",
	  "calendar invites for stage deadlines (iCalendar REQUEST or CANCEL), journalled" },
	{ "send", cmd_send, DB_SIGN, o_send, 1, 1, "send REF [--stage N] [--eml FILE [--force]] [--include-subject]",
	  "send the invites owed (or the current one again) by mail, as invitations (RFC 6047)" },
	{ "reply", cmd_reply, DB_SIGN, o_none, 1, 1, "reply FILE|-",
	  "take in a counterpart's answer to an invite (.ics or .eml): accepted, declined, or a new date proposed" },
	{ "accept", cmd_accept, DB_SIGN, o_accept, 1, 1, "accept REF [--from ADDRESS] [--reason TEXT] [--eml FILE [--force]]",
	  "agree the date a counterpart proposed, and send the updated invite" },
	{ "config", cmd_config, DB_NONE, o_config, 0, 0, "config [--name NAME] [--role ROLE] [--email ADDRESS] [--phone NUMBER] [--protocol ID] "
	  "[--alarms DURATIONS] [--backup-days N] [--sendmail COMMAND] [--agency AGENCY]",
	  "show or set your name and role (they sign the journal), email, phone, agency, usual protocol, reminders "
	  "and the mail command" },
	{ "report", cmd_report, DB_READ, cli_report_opts, 0, 0,
	  "report [--from DATE] [--to DATE] [--protocol ID] [--format text|csv|json]",
	  "statistics for the partnership: disputes opened in a period" },
	{ "learning", cmd_learning, DB_READ, cli_learning_opts, 0, 0,
	  "learning [--from DATE] [--to DATE] [--protocol ID] [--format text|csv|json] [--include-subject]",
	  "the learning log: every learning record, with its dispute" },
	{ "proforma", cmd_proforma, DB_READ, cli_proforma_opts, 1, 1, "proforma REF [--format text|md] [--include-subject]",
	  "the referral proforma (Appendix 1) filled from the journal" },
	{ "verify", cmd_verify, DB_READ, o_verify, 0, 0, "verify [--head SEAL] [--json]",
	  "check the file, the journal's hash chain, and every dispute against its journal" },
	{ "backup", cmd_backup, DB_WRITE, o_backup, 1, 1, "backup FILE [--force]",
	  "copy the database to FILE (0600) while it may be in use, and check the copy with verify" },
	{ "restore", cmd_restore, DB_CREATE, o_none, 1, 1, "restore FILE",
	  "check the backup FILE with verify, keep the database beside it, and put the backup in its place" },
	{ "export", cmd_export, DB_READ, cli_export_opts, 0, 0, "export --csv DIR [--force] [--include-subject]",
	  "one CSV file per table, for spreadsheets" },
	{ "import", cmd_import, DB_SIGN, o_import, 0, 0, "import --csv FILE [--map MAPFILE] [--dry-run]",
	  "bring in an escalation log saved as CSV: every row, or none (--dry-run: say what it would do)" },
	{ NULL, NULL, DB_NONE, NULL, 0, 0, NULL, NULL }
};

static void print_help(void)
{
	printf("usage: dispute [--db FILE] [COMMAND [OPTIONS]]\n\n"
	       "Track professional disagreements between safeguarding agencies, stage by stage.\n"
	       "With no command, opens the workbench.\n\nCommands:\n");
	for (const struct command *cmd = commands; cmd->name; cmd++)
		printf("  %-12s %s\n", cmd->name, cmd->help);
	printf("\nOptions:\n"
	       "  --db FILE    the database (default $DISPUTE_DB, else $XDG_DATA_HOME/dispute/disputes.db)\n"
	       "  --help       this help; 'dispute COMMAND --help' for a command's options\n"
	       "  --version    print the version\n\n"
	       "An option takes its value as --name VALUE or --name=VALUE, and is given once.  A separate\n"
	       "VALUE that starts with \"--\" is refused as a forgotten value: write --text=--urgent.\n"
	       "After a lone \"--\" following the command, every word is an argument (such as -1).\n"
	       "--to FILE writes a new file, or with --force replaces a regular one; never a device,\n"
	       "a directory or a FIFO.  --to - is standard output.\n\n"
	       "Exit status: 0 done, 1 refused or failed (nothing changed), 2 bad command line,\n"
	       "3 an import's file refused (nothing changed).\n"
	       "See dispute(1) and dispute-protocol(5).\n");
}

/* Says that nothing is written without the user's name, and how to give
 * it; returns EXIT_REFUSED. */
static int cli_no_author(void)
{
	fputs("dispute: no name is set to sign the journal with; set yours once with\n"
	      "  dispute config --name \"YOUR NAME\" --role \"YOUR ROLE\"\n"
	      "(or set DISPUTE_AUTHOR); nothing was changed\n", stderr);
	return EXIT_REFUSED;
}

static int run_command(const struct command *cmd, int argc, char **argv, long today, int minute)
{
	struct args a;
	struct ctx c;
	struct error err;
	enum db_need need = cmd->db;
	int rc;

	memset(&a, 0, sizeof(a));
	a.cmd = cmd->name;
	a.usage = cmd->usage;
	if ((rc = args_parse(cmd, argc, argv, &a)))
		return rc;
	if (need == DB_SIGN_IF_ARGS)
		need = a.npos > 1 ? DB_SIGN : DB_READ;
	if (cli_flag(&a, "help")) {
		printf("usage: dispute %s\n  %s\n", cmd->usage, cmd->help);
		return EXIT_OK;
	}
	if (cli_opt(&a, "db")) {
		if (db_opt)
			return usage_error(cmd, "this option is given twice:", "--db");
		db_opt = cli_opt(&a, "db");
	}
	if (ctx_init(&c, today, minute, &err) != ST_OK) {
		ctx_free(&c);
		return cli_fail(&err);
	}
	if (c.config_problem)
		cli_error("warning: %s (settings ignored; 'dispute config' rewrites the file)", c.config_problem);
	/* A dry run writes nothing: it reads the database and signs nothing. */
	if (need == DB_SIGN && cli_flag(&a, "dry-run"))
		need = DB_READ;
	if (need == DB_SIGN && !c.author) {
		ctx_free(&c);
		return cli_no_author();
	}
	if (need != DB_NONE) {
		enum open_mode mode = need == DB_READ ? OPEN_READ : need == DB_CREATE ? OPEN_INIT :
		                       need == DB_IF_EXISTS ? OPEN_READ : OPEN_WRITE;
		enum status st = ctx_open(&c, db_opt, mode, &err);
		/* workdays works without a database: without one, no closure days. */
		if (st != ST_OK && !(st == ST_NOTFOUND && need == DB_IF_EXISTS)) {
			ctx_free(&c);
			return cli_fail(&err);
		}
		cli_put_warnings(&c);
	}
	rc = cmd->run(&c, &a);
	ctx_free(&c);
	return rc;
}

int cli_main(int argc, char **argv, long today, int minute)
{
	int i = 1;

	/* Global options before the command, read as a command's are. */
	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help();
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("dispute %s\n", DISPUTE_VERSION);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--db") == 0 || strncmp(argv[i], "--db=", 5) == 0) {
			/* Given twice, which was meant is anyone's guess: the last
			 * one silently winning could write to the wrong journal. */
			if (db_opt)
				return usage_error(NULL, "this option is given twice:", argv[i]);
			if (!(db_opt = option_value(NULL, argc, argv, &i, 2)))
				return EXIT_USAGE;
			i++;
		} else {
			return usage_error(NULL, "unknown option", argv[i]);
		}
	}
	if (i < argc && strcmp(argv[i], "-h") == 0) {
		print_help();
		return EXIT_OK;
	}
	if (i == argc) {
		struct ctx c;
		struct error err;
		int rc;

		/* Before anything is opened or created: a script that runs bare
		 * `dispute` gets a message, not a new database. */
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fputs("dispute: the workbench needs a terminal; see `dispute help` for the commands\n", stderr);
			return EXIT_USAGE;
		}

		if (ctx_init(&c, today, minute, &err) != ST_OK || ctx_open(&c, db_opt, OPEN_CREATE, &err) != ST_OK) {
			ctx_free(&c);
			return cli_fail(&err);
		}
		rc = term_run(&c, clock_now);
		ctx_free(&c);
		return rc;
	}
	if (strcmp(argv[i], "help") == 0) {
		print_help();
		return EXIT_OK;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (strcmp(cmd->name, argv[i]) == 0)
			return run_command(cmd, argc - i - 1, argv + i + 1, today, minute);
	return usage_error(NULL, "unknown command", argv[i]);
}
