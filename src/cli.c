/* The command line: parses subcommands and their options, runs the shared actions, prints text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispute/cli.h"
#include "dispute/cli_impl.h"
#include "dispute/date.h"
#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/text.h"
#include "dispute/tui.h"


/* What a command needs of the database. */
enum db_need {
	DB_NONE,
	DB_READ,
	DB_WRITE,
	DB_SIGN,          /* writes the journal: needs the user's name as well */
	DB_CREATE,
	DB_IF_EXISTS
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

int cli_fail(const struct error *err)
{
	fprintf(stderr, "dispute: %s\n", err->msg);
	return err->code == ST_USAGE ? EXIT_USAGE : EXIT_REFUSED;
}

static int usage_error(const struct command *cmd, const char *problem, const char *what)
{
	fprintf(stderr, "dispute: %s '%s'", problem, what);
	if (cmd)
		fprintf(stderr, "\nusage: dispute %s\n", cmd->usage);
	else
		fputs("\nTry 'dispute --help'.\n", stderr);
	return EXIT_USAGE;
}

const char *cli_opt(const struct args *a, const char *name)
{
	for (int i = 0; i < a->nopts; i++)
		if (strcmp(a->names[i], name) == 0)
			return a->vals[i];
	return NULL;
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
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return usage_error(cmd, "this option needs a value:", arg);
		} else if (eq) {
			return usage_error(cmd, "this option takes no value:", arg);
		}
		if (a->nopts >= MAX_OPTS)
			return usage_error(cmd, "too many options at", arg);
		for (int j = 0; j < a->nopts; j++)
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
		fprintf(stderr, "dispute: --%s: '%s' is not a date; use YYYY-MM-DD (a real date, e.g. 2026-11-27)\n",
		        name, v);
		return false;
	}
	return true;
}

bool cli_date_arg(const char *v, const char *what, long *out)
{
	if (!date_parse(v, out)) {
		fprintf(stderr, "dispute: %s: '%s' is not a date; use YYYY-MM-DD (a real date, e.g. 2026-11-27)\n",
		        what, v);
		return false;
	}
	return true;
}

static int require(const struct args *a, const char *name)
{
	if (cli_opt(a, name))
		return EXIT_OK;
	fprintf(stderr, "dispute: %s needs --%s\nusage: dispute %s\n", a->cmd, name, a->usage);
	return EXIT_USAGE;
}

/* Reads all of standard input for "--text -"; refuses more than max bytes. */
static char *read_stdin(size_t max, struct error *err)
{
	struct sb sb = {0};
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		sb_appendn(&sb, buf, n);
		if (sb.len > max) {
			free(sb.s);
			error_set(err, ST_INVALID, "the text on standard input is over %zu bytes; nothing was saved", max);
			return NULL;
		}
	}
	if (ferror(stdin)) {
		free(sb.s);
		error_set(err, ST_IO, "reading standard input: %s", strerror(errno));
		return NULL;
	}
	return sb_take(&sb);
}

void cli_json_str(struct sb *sb, const char *s)
{
	text_json(sb, s);
}

void cli_json_date(struct sb *sb, long day)
{
	char a[11];

	if (day == DATE_NONE)
		sb_append(sb, "null");
	else
		sb_printf(sb, "\"%s\"", date_format(day, a));
}

void cli_json_time(struct sb *sb, int minute)
{
	if (minute == TIME_NONE)
		sb_append(sb, "null");
	else
		sb_printf(sb, "\"%02d:%02d\"", minute / 60, minute % 60);
}

static const char *stage_rule_name(const struct protocol *p, const struct dispute *d, int number,
                                   const struct stage_rule **rule)
{
	*rule = protocol_stage_rule(p, d->urgent, number);
	return *rule ? (*rule)->name : "?";
}

/* When a limit across stages falls due for this dispute: from the day its
 * first stage started.  DATE_NONE when that stage has not started, or the
 * dispute follows an urgent route with stages of its own. */
static long span_due(struct ctx *c, const struct protocol *p, const struct dispute *d, const struct span_rule *sp)
{
	long due = DATE_NONE;
	int minute;

	if ((d->urgent && p->urgent && !p->urgent->same_stages) || sp->from < 1 || (size_t)sp->from > d->nstages)
		return DATE_NONE;
	if (limit_due(&sp->limit, &c->cal, p->division, d->stages[sp->from - 1].started, TIME_NONE, &due, &minute,
	              NULL) != ST_OK)
		return DATE_NONE;
	return due;
}

/* Whether the dispute is still inside the span (open, at one of its stages). */
static bool span_running(const struct dispute *d, const struct span_rule *sp)
{
	return d->status == DS_OPEN && d->current_stage >= sp->from && d->current_stage <= sp->to;
}

static void json_dispute(struct ctx *c, struct sb *sb, const struct dispute *d, const struct record *recs,
                         size_t nrecs)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage_rule *rule;
	const struct stage *cur = dispute_current(d);
	size_t nrules = 0;
	int left;
	char lim[80];

	if (p)
		protocol_stages(p, d->urgent, &nrules);
	sb_append(sb, "{\"reference\":");
	cli_json_str(sb, d->reference);
	sb_append(sb, ",\"protocol\":");
	cli_json_str(sb, d->protocol);
	sb_printf(sb, ",\"urgent\":%s,\"status\":", d->urgent ? "true" : "false");
	cli_json_str(sb, dispute_status_name(d->status));
	sb_append(sb, ",\"subject\":");
	cli_json_str(sb, d->subject);
	sb_append(sb, ",\"raised_by\":");
	cli_json_str(sb, d->raised_by);
	sb_append(sb, ",\"against\":");
	cli_json_str(sb, d->against);
	sb_append(sb, ",\"category\":");
	cli_json_str(sb, d->category);
	sb_append(sb, ",\"summary\":");
	cli_json_str(sb, d->summary);
	sb_append(sb, ",\"opened\":");
	cli_json_date(sb, d->opened);
	sb_append(sb, ",\"closed\":");
	cli_json_date(sb, d->closed);
	sb_append(sb, ",\"outcome\":");
	cli_json_str(sb, d->outcome);
	sb_append(sb, ",\"outstanding\":");
	cli_json_str(sb, d->outstanding);
	sb_append(sb, ",\"formal_challenge\":");
	cli_json_date(sb, d->challenged);
	sb_printf(sb, ",\"current_stage\":%d,\"stage_count\":%zu,\"due\":", d->current_stage, nrules);
	cli_json_date(sb, d->status == DS_OPEN && cur ? cur->due : DATE_NONE);
	sb_append(sb, ",\"working_days_left\":");
	if (p && dispute_days_left(d, p, &c->cal, c->today, &left, NULL) == ST_OK)
		sb_printf(sb, "%d", left);
	else
		sb_append(sb, "null");
	sb_append(sb, ",\"stages\":[");
	for (size_t i = 0; i < d->nstages; i++) {
		const struct stage *st = &d->stages[i];
		sb_printf(sb, "%s{\"number\":%d,\"name\":", i ? "," : "", st->number);
		cli_json_str(sb, stage_rule_name(p, d, st->number, &rule));
		sb_append(sb, ",\"limit\":");
		cli_json_str(sb, rule ? limit_describe(&rule->limit, lim, sizeof(lim)) : NULL);
		sb_append(sb, ",\"started\":");
		cli_json_date(sb, st->started);
		sb_append(sb, ",\"due\":");
		cli_json_date(sb, st->due);
		sb_append(sb, ",\"due_time\":");
		cli_json_time(sb, st->due_minute);
		sb_printf(sb, ",\"due_agreed\":%s,\"due_reason\":", st->due_agreed ? "true" : "false");
		cli_json_str(sb, st->due_reason);
		sb_append(sb, ",\"ended\":");
		cli_json_date(sb, st->ended);
		sb_append(sb, ",\"how\":");
		cli_json_str(sb, st->how == SE_NONE ? NULL : stage_end_name(st->how));
		sb_printf(sb, ",\"sequence\":%d}", st->sequence);
	}
	sb_append(sb, "],\"spans\":[");
	for (size_t i = 0; p && i < p->nspans; i++) {
		const struct span_rule *sp = &p->spans[i];

		sb_append(sb, i ? ",{\"name\":" : "{\"name\":");
		cli_json_str(sb, sp->name);
		sb_printf(sb, ",\"from\":%d,\"to\":%d,\"limit\":", sp->from, sp->to);
		cli_json_str(sb, limit_describe(&sp->limit, lim, sizeof(lim)));
		sb_printf(sb, ",\"advisory\":%s,\"due\":", sp->advisory ? "true" : "false");
		cli_json_date(sb, span_due(c, p, d, sp));
		sb_printf(sb, ",\"running\":%s}", span_running(d, sp) ? "true" : "false");
	}
	sb_append(sb, "]");
	if (recs) {
		sb_append(sb, ",\"records\":[");
		for (size_t i = 0; i < nrecs; i++) {
			const struct record *r = &recs[i];
			sb_printf(sb, "%s{\"id\":%lld,\"date\":", i ? "," : "", r->id);
			cli_json_date(sb, r->day);
			sb_append(sb, ",\"time\":");
			cli_json_time(sb, r->minute);
			sb_append(sb, ",\"kind\":");
			cli_json_str(sb, record_kind_name(r->kind));
			sb_printf(sb, ",\"stage\":%d,\"author\":", r->stage);
			cli_json_str(sb, r->author);
			sb_append(sb, ",\"text\":");
			cli_json_str(sb, r->text);
			sb_append(sb, ",\"amends\":");
			if (r->amends)
				sb_printf(sb, "%lld", r->amends);
			else
				sb_append(sb, "null");
			sb_append(sb, ",\"corrected_by\":");
			if (record_corrected_by(recs, nrecs, r->id))
				sb_printf(sb, "%lld", record_corrected_by(recs, nrecs, r->id));
			else
				sb_append(sb, "null");
			sb_append(sb, ",\"created\":");
			cli_json_str(sb, r->created);
			sb_append(sb, "}");
		}
		sb_append(sb, "]");
	}
	sb_append(sb, "}");
}

/* Prints s padded with spaces to `cols` display columns (cut with "…"). */
void cli_put_col(const char *s, int cols)
{
	char buf[512];
	char *clean = text_sanitize(s ? s : "", false);
	int w;

	if (cols <= 0) {
		fputs(clean, stdout);
		free(clean);
		return;
	}
	w = text_fit(clean, cols, buf, sizeof(buf));
	fputs(buf, stdout);
	for (; w < cols; w++)
		putchar(' ');
	free(clean);
}

/* "5", "today", "3 overdue", "overdue", "no limit", "-" for closed. */
static void left_phrase(struct ctx *c, const struct dispute *d, char *out, size_t outlen)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage *cur = dispute_current(d);
	int left;

	if (d->status != DS_OPEN)
		snprintf(out, outlen, "-");
	else if (!cur || cur->due == DATE_NONE)
		snprintf(out, outlen, "no limit");
	else if (!p || dispute_days_left(d, p, &c->cal, c->today, &left, NULL) != ST_OK)
		snprintf(out, outlen, "?");
	else if (dispute_overdue(d, c->today, c->now_minute) && left < 0)
		snprintf(out, outlen, "%d overdue", -left);
	else if (dispute_overdue(d, c->today, c->now_minute))
		snprintf(out, outlen, "overdue");   /* a timed deadline earlier today */
	else if (cur->due == c->today)
		snprintf(out, outlen, "today");
	else
		snprintf(out, outlen, "%d", left);
}

/* Column widths of the text list, shared by the header and the rows. */
static const int list_widths[] = { 13, 10, 6, 11, 11, 6, 26 };

struct list_ctx {
	struct ctx *c;
	struct sb json;
	bool as_json;
	int n;
};

static int list_row(const struct dispute *d, void *arg)
{
	struct list_ctx *l = arg;
	const struct protocol *p = protocol_set_find(&l->c->protocols, d->protocol);
	const struct stage *cur = dispute_current(d);
	size_t nrules = 0;
	char stage[16], due[17], left[32], flags[16];

	if (l->as_json) {
		sb_append(&l->json, l->n ? ",\n" : "\n");
		json_dispute(l->c, &l->json, d, NULL, 0);
		l->n++;
		return 0;
	}
	if (p)
		protocol_stages(p, d->urgent, &nrules);
	snprintf(stage, sizeof(stage), "%d/%zu", d->current_stage, nrules);
	if (d->status == DS_OPEN && cur && cur->due != DATE_NONE)
		date_format(cur->due, due);
	else
		snprintf(due, sizeof(due), "-");
	left_phrase(l->c, d, left, sizeof(left));
	snprintf(flags, sizeof(flags), "%s%s", d->urgent ? "U" : "", d->challenged != DATE_NONE ? "F" : "");
	cli_put_col(d->reference, list_widths[0]);
	cli_put_col(dispute_status_name(d->status), list_widths[1]);
	cli_put_col(stage, list_widths[2]);
	cli_put_col(due, list_widths[3]);
	cli_put_col(left, list_widths[4]);
	cli_put_col(flags, list_widths[5]);
	cli_put_col(d->against, list_widths[6]);
	cli_put_col(d->category, 0);
	putchar('\n');
	l->n++;
	return 0;
}

static void list_header(void)
{
	static const char *const head[] = { "REFERENCE", "STATUS", "STAGE", "DUE", "LEFT", "FLAGS", "AGAINST" };

	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		cli_put_col(head[i], list_widths[i]);
	puts("CATEGORY");
}

static int cmd_list(struct ctx *c, struct args *a)
{
	struct list_filter f;
	struct list_ctx l = { c, {0}, cli_flag(a, "json"), 0 };
	struct error err;

	list_filter_init(&f);
	if (cli_flag(a, "open"))
		f.which = LIST_OPEN;
	if (cli_flag(a, "closed"))
		f.which = LIST_CLOSED;
	if (cli_flag(a, "open") + cli_flag(a, "closed") + cli_flag(a, "overdue") + (cli_opt(a, "due-before") != NULL) > 1) {
		fputs("dispute: list: give at most one of --open, --closed, --overdue, --due-before\n", stderr);
		return EXIT_USAGE;
	}
	if (cli_flag(a, "overdue")) {
		f.which = LIST_OPEN;
		f.overdue_on = c->today;
		f.overdue_minute = c->now_minute;
	}
	if (!cli_date_opt(a, "due-before", DATE_NONE, &f.due_before))
		return EXIT_USAGE;
	if (f.due_before != DATE_NONE)
		f.which = LIST_OPEN;
	f.search = cli_opt(a, "search");
	f.protocol = cli_opt(a, "protocol");
	if (!l.as_json)
		list_header();
	if (store_list(c->store, &f, list_row, &l, &err) != ST_OK) {
		free(l.json.s);
		return cli_fail(&err);
	}
	if (l.as_json) {
		fputs("[", stdout);
		if (l.json.s)
			fputs(l.json.s, stdout);
		fputs(l.n ? "\n]\n" : "]\n", stdout);
		free(l.json.s);
	} else if (!l.n) {
		fputs("no disputes\n", stderr);
	}
	return EXIT_OK;
}

static void show_line(const char *label, const char *value)
{
	char *clean = text_sanitize(value ? value : "", true);

	printf("%-17s %s\n", label, clean);
	free(clean);
}

static int cmd_show(struct ctx *c, struct args *a)
{
	struct dispute d;
	struct record *recs = NULL;
	size_t nrecs = 0, nrules = 0;
	const struct protocol *p;
	const struct stage_rule *rules = NULL;
	struct error err;
	enum status rc;
	char buf[256], a1[17], a2[11], a3[11], lim[80];

	dispute_init(&d);
	rc = store_dispute_load(c->store, a->pos[0], &d, &err);
	if (rc == ST_OK)
		rc = store_records_load(c->store, d.id, &recs, &nrecs, &err);
	if (rc != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	p = protocol_set_find(&c->protocols, d.protocol);
	if (p)
		rules = protocol_stages(p, d.urgent, &nrules);
	if (cli_flag(a, "json")) {
		struct sb sb = {0};
		json_dispute(c, &sb, &d, recs, nrecs);
		puts(sb.s);
		free(sb.s);
	} else {
		printf("%s  %s%s\n", d.reference, dispute_status_name(d.status), d.urgent ? "  URGENT" : "");
		snprintf(buf, sizeof(buf), "%s (%s)", p ? p->title : "unknown protocol", d.protocol);
		show_line("Protocol:", buf);
		show_line("Subject:", d.subject);
		show_line("Raised by:", d.raised_by);
		show_line("Against:", d.against);
		{
			const struct category *cat = p ? protocol_category(p, d.category) : NULL;
			show_line("Category:", cat ? cat->label : d.category);
		}
		show_line("Summary:", d.summary);
		show_line("Opened:", date_format(d.opened, a2));
		show_line("Formal challenge:", d.challenged == DATE_NONE ? "no" : date_format(d.challenged, a3));
		if (d.status != DS_OPEN) {
			show_line("Closed:", date_format(d.closed, a2));
			show_line(d.status == DS_RESOLVED ? "Outcome:" : d.status == DS_WITHDRAWN ? "Reason:" : "Referred to:",
			          d.outcome);
			if (d.outstanding)
				show_line("Outstanding:", d.outstanding);
		} else {
			char left[32];
			left_phrase(c, &d, left, sizeof(left));
			const struct stage *cur = dispute_current(&d);
			if (cur->due == DATE_NONE)
				snprintf(buf, sizeof(buf), "stage %d of %zu, no limit set (agree a date with 'dispute due')",
				         d.current_stage, nrules);
			else
				snprintf(buf, sizeof(buf), "stage %d of %zu, due %s (%s%s)", d.current_stage, nrules,
				         datetime_format(cur->due, cur->due_minute, a1), left,
				         strcmp(left, "today") == 0 || strstr(left, "overdue") ? "" :
				         strcmp(left, "1") == 0 ? " working day left" : " working days left");
			show_line("Now:", buf);
		}
		puts("\nStages");
		for (size_t i = 0; i < nrules; i++) {
			const struct stage *st = i < d.nstages ? &d.stages[i] : NULL;
			char what[160];

			if (!st)
				snprintf(what, sizeof(what), "limit %s", limit_describe(&rules[i].limit, lim, sizeof(lim)));
			else if (st->ended != DATE_NONE)
				snprintf(what, sizeof(what), "%s to %s, %s", date_format(st->started, a2),
				         date_format(st->ended, a3), stage_end_name(st->how));
			else if (st->due == DATE_NONE)
				snprintf(what, sizeof(what), "started %s, no limit set", date_format(st->started, a2));
			else
				snprintf(what, sizeof(what), "started %s, due %s%s", date_format(st->started, a2),
				         datetime_format(st->due, st->due_minute, a1), st->due_agreed ? " (agreed)" : "");
			printf("  %c %zu  ", st && st->ended == DATE_NONE && d.status == DS_OPEN ? '>' : ' ', i + 1);
			cli_put_col(rules[i].name, 48);
			printf(" %s\n", what);
		}
		for (size_t i = 0; p && i < p->nspans; i++) {
			const struct span_rule *sp = &p->spans[i];
			long due = span_due(c, p, &d, sp);

			if (i == 0)
				puts("\nLimits across stages");
			printf("  stages %d-%d  %s: %s%s", sp->from, sp->to, sp->name,
			       limit_describe(&sp->limit, lim, sizeof(lim)), sp->advisory ? " (advisory)" : "");
			if (due != DATE_NONE)
				printf(", due %s%s", date_format(due, a2),
				       span_running(&d, sp) && due < c->today ? " (passed)" : "");
			putchar('\n');
		}
		puts("\nRecords");
		if (!nrecs)
			puts("  (none)");
		for (size_t i = 0; i < nrecs; i++) {
			char *clean = text_sanitize(recs[i].text, true);
			long long by = record_corrected_by(recs, nrecs, recs[i].id);
			char *line, *save = NULL;

			printf("  #%lld %s [stage %d] %s, ", recs[i].id, datetime_format(recs[i].day, recs[i].minute, a1),
			       recs[i].stage, record_kind_name(recs[i].kind));
			cli_put_col(recs[i].author, 0);
			if (recs[i].amends)
				printf(", corrects #%lld", recs[i].amends);
			if (by)
				printf(", corrected by #%lld", by);
			fputs(":\n", stdout);
			for (line = strtok_r(clean, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				printf("      %s\n", line);
			free(clean);
		}
	}
	for (size_t i = 0; i < nrecs; i++)
		record_free(&recs[i]);
	free(recs);
	dispute_free(&d);
	return EXIT_OK;
}

static int print_saved(const struct dispute *d)
{
	const struct stage *cur = dispute_current(d);
	char a[17];

	if (d->status != DS_OPEN)
		printf("%s %s at stage %d\n", d->reference, dispute_status_name(d->status), d->current_stage);
	else if (cur->due == DATE_NONE)
		printf("%s at stage %d, no limit set\n", d->reference, cur->number);
	else
		printf("%s at stage %d, due %s\n", d->reference, cur->number, datetime_format(cur->due, cur->due_minute, a));
	return EXIT_OK;
}

/* What the protocol says must happen on entering the current stage (and,
 * for a new urgent dispute, at once): Rochdale's Business Unit, say. */
static void print_notices(struct ctx *c, const struct dispute *d, bool opening)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage_rule *rule;
	const struct category *cat;
	const struct stage *cur;

	if (!p)
		return;
	if (opening && d->urgent && p->urgent && p->urgent->notice)
		fprintf(stderr, "dispute: notice: %s\n", p->urgent->notice);
	rule = protocol_stage_rule(p, d->urgent, d->current_stage);
	if (rule && rule->notice)
		fprintf(stderr, "dispute: notice: %s\n", rule->notice);
	/* "Without delay": the protocol sets no limit, so ask for the date the
	 * parties agree (DOMAIN.md); a kind recorded without a clock is left be. */
	cat = protocol_category(p, d->category);
	cur = dispute_current(d);
	if (rule && rule->limit.kind == LIMIT_NONE && cur && cur->due == DATE_NONE && !(cat && cat->unclocked))
		fprintf(stderr, "dispute: notice: stage %d has no time limit in the protocol (\"without delay\"); "
		        "record the date you agree with 'dispute due %s DATE'\n", d->current_stage, d->reference);
}

/* Says which category the words given were taken as, unless they were its
 * key: "need for action" could have been meant otherwise, and the user
 * should see what it became. */
static void print_category_taken(struct ctx *c, const char *typed, const struct dispute *d)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct category *cat = p ? protocol_category(p, d->category) : NULL;
	char *shown;

	if (!cat || !typed || ascii_casecmp(typed, cat->key) == 0)
		return;
	shown = text_sanitize(typed, false);
	fprintf(stderr, "dispute: category \"%s\" taken as %s (%s)\n", shown, cat->key, cat->label);
	free(shown);
}

static int cmd_new(struct ctx *c, struct args *a)
{
	static const char *const need[] = { "protocol", "subject", "raised-by", "against", "category", "summary" };
	struct dispute_new n = {0};
	struct dispute d;
	struct error err;
	char ref[16];
	int rc;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if ((rc = require(a, need[i])))
			return rc;
	n.subject = cli_opt(a, "subject");
	n.raised_by = cli_opt(a, "raised-by");
	n.against = cli_opt(a, "against");
	n.category = cli_opt(a, "category");
	n.summary = cli_opt(a, "summary");
	n.urgent = cli_flag(a, "urgent");
	if (!cli_date_opt(a, "opened", c->today, &n.opened))
		return EXIT_USAGE;
	n.minute = n.opened == c->today ? c->now_minute : TIME_NONE;
	dispute_init(&d);
	if (svc_new(c, cli_opt(a, "protocol"), &n, ref, &d, &err) != ST_OK)
		return cli_fail(&err);
	puts(ref);
	print_category_taken(c, n.category, &d);
	print_notices(c, &d, true);
	dispute_free(&d);
	return EXIT_OK;
}

static int cmd_record(struct ctx *c, struct args *a)
{
	struct record r;
	struct error err;
	const char *kind = cli_opt(a, "kind"), *text = cli_opt(a, "text"), *at = cli_opt(a, "at"), *amends = cli_opt(a, "amends");
	enum status rc;

	if (!kind || !text) {
		fprintf(stderr, "dispute: record needs --kind and --text\nusage: dispute record REF --kind KIND --text TEXT|-\n");
		return EXIT_USAGE;
	}
	record_init(&r);
	if (!record_kind_parse(kind, &r.kind)) {
		fprintf(stderr, "dispute: --kind: '%s' is not a record kind; use call, meeting, email, decision, "
		        "action, outcome, learning or note\n", kind);
		return EXIT_USAGE;
	}
	if (at && !datetime_parse(at, &r.day, &r.minute)) {
		fprintf(stderr, "dispute: --at: '%s' is not a date or date and time; use YYYY-MM-DD or "
		        "YYYY-MM-DDTHH:MM\n", at);
		return EXIT_USAGE;
	}
	if (amends) {
		char *end;
		errno = 0;
		r.amends = strtoll(amends, &end, 10);
		if (errno || *end || end == amends || r.amends <= 0) {
			fprintf(stderr, "dispute: --amends: '%s' is not a record number\n", amends);
			return EXIT_USAGE;
		}
	}
	if (strcmp(text, "-") == 0) {
		r.text = read_stdin(TEXT_MAX, &err);
		if (!r.text)
			return cli_fail(&err);
	} else {
		r.text = xstrdup(text);
	}
	rc = svc_record(c, a->pos[0], &r, &err);
	if (rc == ST_OK)
		printf("record #%lld added to %s\n", r.id, a->pos[0]);
	record_free(&r);
	return rc == ST_OK ? EXIT_OK : cli_fail(&err);
}

/* --from-stage N: the change applies only while the dispute is still at
 * stage N, so a script (or two people at once) cannot skip stages. */
static bool from_stage_opt(const struct args *a, struct svc_change *ch)
{
	const char *v = cli_opt(a, "from-stage");
	char *end;
	long n;

	if (!v)
		return true;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > 99) {
		fprintf(stderr, "dispute: --from-stage: '%s' is not a stage number\n", v);
		return false;
	}
	ch->seen_stage = (int)n;
	return true;
}

static int cmd_escalate(struct ctx *c, struct args *a)
{
	struct svc_change ch;
	struct dispute d;
	struct error err;
	int rc;

	svc_change_init(&ch, SVC_ESCALATE);
	if (!cli_date_opt(a, "on", c->today, &ch.on) || !cli_date_opt(a, "due", DATE_NONE, &ch.due) ||
	    !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	if (cli_opt(a, "reason") && ch.due == DATE_NONE) {
		fputs("dispute: escalate: --reason goes with --due\n", stderr);
		return EXIT_USAGE;
	}
	ch.text = cli_opt(a, "reason");
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK)
		return cli_fail(&err);
	rc = print_saved(&d);
	print_notices(c, &d, false);
	dispute_free(&d);
	return rc;
}

static int cmd_due(struct ctx *c, struct args *a)
{
	struct svc_change ch;
	struct dispute d;
	struct error err;
	int rc;

	svc_change_init(&ch, SVC_SET_DUE);
	if (!cli_date_arg(a->pos[1], "due date", &ch.due) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	ch.text = cli_opt(a, "reason");
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK)
		return cli_fail(&err);
	rc = print_saved(&d);
	dispute_free(&d);
	return rc;
}

/* resolve, withdraw and refer differ only in the option that carries the text. */
static int close_common(struct ctx *c, struct args *a, enum svc_change_kind kind, const char *textopt)
{
	struct svc_change ch;
	struct dispute d;
	struct error err;

	svc_change_init(&ch, kind);
	if (require(a, textopt) != EXIT_OK)
		return EXIT_USAGE;
	if (!cli_date_opt(a, "on", c->today, &ch.on) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	ch.text = cli_opt(a, textopt);
	ch.text2 = cli_opt(a, "outstanding");
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK)
		return cli_fail(&err);
	print_saved(&d);
	dispute_free(&d);
	return EXIT_OK;
}

static int cmd_resolve(struct ctx *c, struct args *a)
{
	return close_common(c, a, SVC_RESOLVE, "outcome");
}

static int cmd_withdraw(struct ctx *c, struct args *a)
{
	return close_common(c, a, SVC_WITHDRAW, "reason");
}

static int cmd_refer(struct ctx *c, struct args *a)
{
	return close_common(c, a, SVC_REFER, "to");
}

static int cmd_challenge(struct ctx *c, struct args *a)
{
	struct svc_change ch;
	struct dispute d;
	struct error err;
	char day[11];

	svc_change_init(&ch, cli_flag(a, "clear") ? SVC_UNCHALLENGE : SVC_CHALLENGE);
	if (!cli_date_opt(a, "on", c->today, &ch.on) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK)
		return cli_fail(&err);
	if (d.challenged == DATE_NONE)
		printf("%s: formal challenge cleared\n", d.reference);
	else
		printf("%s: formally challenged on %s\n", d.reference, date_format(d.challenged, day));
	dispute_free(&d);
	return EXIT_OK;
}

static int cmd_init(struct ctx *c, struct args *a)
{
	(void)a;
	printf("database ready: %s (schema %d)\n", c->db_path, store_schema_version());
	return EXIT_OK;
}

static int cmd_protocols(struct ctx *c, struct args *a)
{
	const struct protocol *p;
	char lim[80];

	for (size_t i = 0; i < c->protocols.nproblems; i++)
		fprintf(stderr, "dispute: warning: %s\n", c->protocols.problems[i]);
	if (a->npos == 0) {
		for (size_t i = 0; i < c->protocols.n; i++) {
			p = c->protocols.v[i];
			cli_put_col(p->id, 22);
			printf("%2zu stages  ", p->nstages);
			cli_put_col(p->population, 9);
			printf("%s\n", p->title);
		}
		return EXIT_OK;
	}
	if (strcmp(a->pos[0], "show") != 0 || a->npos != 2) {
		fputs("dispute: usage: dispute protocols [show ID]\n", stderr);
		return EXIT_USAGE;
	}
	p = protocol_set_find(&c->protocols, a->pos[1]);
	if (!p) {
		fprintf(stderr, "dispute: unknown protocol '%s' (see 'dispute protocols')\n", a->pos[1]);
		return EXIT_REFUSED;
	}
	printf("%s (%s)\n", p->title, p->id);
	show_line("Partnership:", p->partnership);
	show_line("Source:", p->source);
	show_line("For:", p->population);
	show_line("Working days:", p->division);
	show_line("File:", p->path);
	if (p->scope)
		show_line("Out of scope:", p->scope);
	puts("\nStages");
	for (size_t i = 0; i < p->nstages; i++) {
		const struct stage_rule *s = &p->stages[i];
		printf("  %zu  ", i + 1);
		cli_put_col(s->name, 50);
		printf(" %s\n", limit_describe(&s->limit, lim, sizeof(lim)));
		if (s->ours)
			printf("       raising agency: %s\n", s->ours);
		if (s->theirs)
			printf("       other agency:   %s\n", s->theirs);
		if (s->then)
			printf("       then:           %s\n", s->then);
		if (s->record)
			printf("       record:         %s\n", s->record);
		if (s->notice)
			printf("       notice:         %s\n", s->notice);
	}
	if (p->nspans)
		puts("\nLimits across stages");
	for (size_t i = 0; i < p->nspans; i++)
		printf("  stages %d-%d  %s: %s%s\n", p->spans[i].from, p->spans[i].to, p->spans[i].name,
		       limit_describe(&p->spans[i].limit, lim, sizeof(lim)), p->spans[i].advisory ? " (advisory)" : "");
	if (p->urgent) {
		printf("\nUrgent route: %s\n", p->urgent->name);
		if (p->urgent->when)
			printf("  when:   %s\n", p->urgent->when);
		if (p->urgent->notice)
			printf("  notice: %s\n", p->urgent->notice);
		if (p->urgent->same_stages)
			puts("  runs the normal stages");
		for (size_t i = 0; !p->urgent->same_stages && i < p->urgent->nstages; i++) {
			printf("  %zu  ", i + 1);
			cli_put_col(p->urgent->stages[i].name, 50);
			printf(" %s\n", limit_describe(&p->urgent->stages[i].limit, lim, sizeof(lim)));
		}
	}
	puts("\nCategories");
	for (size_t i = 0; i < p->ncategories; i++) {
		printf("  ");
		cli_put_col(p->categories[i].key, 22);
		printf("%s%s\n", p->categories[i].label, p->categories[i].unclocked ? " (no stage clock)" : "");
	}
	if (p->nnotices)
		puts("\nNotices");
	for (size_t i = 0; i < p->nnotices; i++)
		printf("  - %s\n", p->notices[i]);
	return EXIT_OK;
}

static int cmd_workdays(struct ctx *c, struct args *a)
{
	const char *division = cli_opt(a, "division") ? cli_opt(a, "division") : "england-and-wales";
	struct error err;
	long from, to;
	int n;
	char *end, day[11];

	if (a->npos != 3 || (strcmp(a->pos[0], "add") != 0 && strcmp(a->pos[0], "between") != 0)) {
		fputs("dispute: usage: dispute workdays add DATE N [--division D] | workdays between DATE DATE\n", stderr);
		return EXIT_USAGE;
	}
	if (!cli_date_arg(a->pos[1], "date", &from))
		return EXIT_USAGE;
	if (strcmp(a->pos[0], "add") == 0) {
		long v;
		errno = 0;
		v = strtol(a->pos[2], &end, 10);
		if (errno || *end || end == a->pos[2] || v < 0 || v > 3650) {
			fprintf(stderr, "dispute: '%s' is not a number of working days (0 to 3650)\n", a->pos[2]);
			return EXIT_USAGE;
		}
		if (workdays_add(&c->cal, division, from, (int)v, &to, &err) != ST_OK)
			return cli_fail(&err);
		puts(date_format(to, day));
		return EXIT_OK;
	}
	if (!cli_date_arg(a->pos[2], "date", &to))
		return EXIT_USAGE;
	if (workdays_between(&c->cal, division, from, to, &n, &err) != ST_OK)
		return cli_fail(&err);
	printf("%d\n", n);
	return EXIT_OK;
}

static int closure_print(long day, const char *reason, void *ctx)
{
	char a[11];

	(void)ctx;
	printf("%s %s  ", date_format(day, a), date_weekday_name(day));
	cli_put_col(reason, 0);
	putchar('\n');
	return 0;
}

static int cmd_closure(struct ctx *c, struct args *a)
{
	struct error err;
	const char *sub = a->pos[0];
	long day;
	enum status rc;

	if (strcmp(sub, "list") == 0 && a->npos == 1)
		return store_closures(c->store, closure_print, NULL, &err) ? cli_fail(&err) : EXIT_OK;
	if ((strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0) || a->npos != 2) {
		fputs("dispute: usage: dispute closure add DATE [--reason TEXT] | closure remove DATE | closure list\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (!cli_date_arg(a->pos[1], "date", &day))
		return EXIT_USAGE;
	if (strcmp(sub, "add") == 0) {
		char *reason = cli_opt(a, "reason") ? xstrdup(cli_opt(a, "reason")) : NULL;
		rc = reason ? text_check(reason, false, LINE_MAX_LEN, "--reason", &err) : ST_OK;
		if (rc == ST_OK)
			rc = store_closure_add(c->store, day, reason, &err);
		free(reason);
	} else {
		rc = store_closure_remove(c->store, day, &err);
	}
	if (rc == ST_OK)
		printf("%s %s: %s\n", a->pos[1], date_weekday_name(day),
		       strcmp(sub, "add") == 0 ? "closed, not a working day" : "a working day again");
	return rc == ST_OK ? EXIT_OK : cli_fail(&err);
}

static int agency_print(const char *name, void *ctx)
{
	char *clean = text_sanitize(name, false);

	(void)ctx;
	puts(clean);
	free(clean);
	return 0;
}

static int cmd_agency(struct ctx *c, struct args *a)
{
	struct error err;
	long long id;

	if (strcmp(a->pos[0], "list") == 0 && a->npos == 1)
		return store_agencies(c->store, agency_print, NULL, &err) ? cli_fail(&err) : EXIT_OK;
	if (strcmp(a->pos[0], "add") == 0 && a->npos == 2) {
		char *name = xstrdup(a->pos[1]);
		enum status rc = text_check(name, false, LINE_MAX_LEN, "the agency name", &err);
		if (rc == ST_OK)
			rc = store_agency_ensure(c->store, name, &id, &err);
		if (rc == ST_OK)
			printf("agency #%lld\n", id);
		free(name);
		return rc == ST_OK ? EXIT_OK : cli_fail(&err);
	}
	fputs("dispute: usage: dispute agency add NAME | agency list\n", stderr);
	return EXIT_USAGE;
}

static int cmd_contact(struct ctx *c, struct args *a)
{
	static const char *const fields[] = { "agency", "name", "role", "email", "phone" };
	struct contact ct = {0}, *list = NULL;
	char **slot[] = { &ct.agency, &ct.name, &ct.role, &ct.email, &ct.phone };
	struct error err;
	enum status rc = ST_OK;
	size_t n = 0;

	if (strcmp(a->pos[0], "list") == 0) {
		if (store_contacts_load(c->store, cli_opt(a, "agency"), &list, &n, &err) != ST_OK)
			return cli_fail(&err);
		for (size_t i = 0; i < n; i++) {
			printf("%-5lld ", list[i].id);
			cli_put_col(list[i].name, 24);
			cli_put_col(list[i].role, 28);
			cli_put_col(list[i].agency, 28);
			cli_put_col(list[i].email, 30);
			cli_put_col(list[i].phone, 0);
			putchar('\n');
			contact_free(&list[i]);
		}
		free(list);
		return EXIT_OK;
	}
	if (strcmp(a->pos[0], "add") != 0 || !cli_opt(a, "agency") || !cli_opt(a, "name")) {
		fputs("dispute: usage: dispute contact add --agency A --name N [--role R] [--email E] [--phone P] | "
		      "contact list [--agency A]\n", stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < 5 && rc == ST_OK; i++) {
		if (!cli_opt(a, fields[i]))
			continue;
		*slot[i] = xstrdup(cli_opt(a, fields[i]));
		char field[16];
		snprintf(field, sizeof(field), "--%s", fields[i]);
		rc = text_check(*slot[i], false, LINE_MAX_LEN, field, &err);
	}
	if (rc == ST_OK)
		rc = store_contact_insert(c->store, &ct, &err);
	if (rc == ST_OK)
		printf("contact #%lld added\n", ct.id);
	contact_free(&ct);
	return rc == ST_OK ? EXIT_OK : cli_fail(&err);
}


static const struct optspec o_none[] = { { NULL, false } };
static const struct optspec o_new[] = {
	{ "protocol", true }, { "subject", true }, { "raised-by", true }, { "against", true },
	{ "category", true }, { "summary", true }, { "urgent", false }, { "opened", true }, { NULL, false } };
static const struct optspec o_list[] = {
	{ "open", false }, { "closed", false }, { "overdue", false }, { "due-before", true },
	{ "json", false }, { "search", true }, { "protocol", true }, { NULL, false } };
static const struct optspec o_show[] = { { "json", false }, { NULL, false } };
static const struct optspec o_record[] = {
	{ "kind", true }, { "text", true }, { "at", true }, { "amends", true }, { NULL, false } };
static const struct optspec o_escalate[] = {
	{ "on", true }, { "due", true }, { "reason", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_due[] = { { "reason", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_resolve[] = {
	{ "outcome", true }, { "outstanding", true }, { "on", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_withdraw[] = { { "reason", true }, { "on", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_refer[] = { { "to", true }, { "on", true }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_challenge[] = { { "on", true }, { "clear", false }, { "from-stage", true }, { NULL, false } };
static const struct optspec o_workdays[] = { { "division", true }, { NULL, false } };
static const struct optspec o_closure[] = { { "reason", true }, { NULL, false } };
static const struct optspec o_export_ics[] = {
	{ "to", true }, { "all-stages", false }, { "cancel", false }, { "include-subject", false }, { "open", false },
	{ NULL, false } };
static const struct optspec o_counterpart[] = { { "stage", true }, { NULL, false } };
static const struct optspec o_config[] = {
	{ "name", true }, { "role", true }, { "email", true }, { "phone", true }, { "protocol", true },
	{ "alarms", true }, { NULL, false } };
static const struct optspec o_contact[] = {
	{ "agency", true }, { "name", true }, { "role", true }, { "email", true }, { "phone", true }, { NULL, false } };

static const struct command commands[] = {
	{ "init", cmd_init, DB_CREATE, o_none, 0, 0, "init", "create the database (mode 0600) if it does not exist" },
	{ "new", cmd_new, DB_SIGN, o_new, 0, 0,
	  "new --protocol ID --subject REF --raised-by AGENCY --against AGENCY --category CAT --summary TEXT "
	  "[--urgent] [--opened DATE]",
	  "open a dispute; prints its reference" },
	{ "list", cmd_list, DB_READ, o_list, 0, 0,
	  "list [--open|--closed|--overdue|--due-before DATE] [--search TEXT] [--protocol ID] [--json]",
	  "list disputes, soonest deadline first" },
	{ "show", cmd_show, DB_READ, o_show, 1, 1, "show REF [--json]", "show a dispute, its stages and its records" },
	{ "record", cmd_record, DB_SIGN, o_record, 1, 1,
	  "record REF --kind call|meeting|email|decision|action|outcome|learning|note --text TEXT|- "
	  "[--at DATETIME] [--amends N]",
	  "add a record to the journal (--text - reads standard input)" },
	{ "escalate", cmd_escalate, DB_SIGN, o_escalate, 1, 1, "escalate REF [--on DATE] [--due DATE --reason TEXT] [--from-stage N]",
	  "move to the next stage; its due date comes from the protocol" },
	{ "due", cmd_due, DB_SIGN, o_due, 2, 2, "due REF DATE [--reason TEXT] [--from-stage N]",
	  "record an agreed due date for the current stage" },
	{ "resolve", cmd_resolve, DB_SIGN, o_resolve, 1, 1, "resolve REF --outcome TEXT [--outstanding TEXT] [--on DATE] [--from-stage N]",
	  "close the dispute as resolved" },
	{ "withdraw", cmd_withdraw, DB_SIGN, o_withdraw, 1, 1, "withdraw REF --reason TEXT [--on DATE] [--from-stage N]",
	  "close the dispute as withdrawn" },
	{ "refer", cmd_refer, DB_SIGN, o_refer, 1, 1, "refer REF --to TEXT [--on DATE] [--from-stage N]",
	  "close the dispute as referred on (partnership, inspectorate, case review)" },
	{ "challenge", cmd_challenge, DB_SIGN, o_challenge, 1, 1, "challenge REF [--on DATE] [--clear] [--from-stage N]",
	  "set (or clear) the formal-challenge flag" },
	{ "protocols", cmd_protocols, DB_NONE, o_none, 0, 2, "protocols [show ID]", "list protocols, or show one's stages" },
	{ "workdays", cmd_workdays, DB_IF_EXISTS, o_workdays, 3, 3,
	  "workdays add DATE N [--division D] | workdays between DATE DATE [--division D]",
	  "working-day arithmetic with bank holidays and closure days" },
	{ "closure", cmd_closure, DB_WRITE, o_closure, 1, 2, "closure add DATE [--reason TEXT] | closure remove DATE | closure list",
	  "closure days that are not working days" },
	{ "agency", cmd_agency, DB_WRITE, o_none, 1, 2, "agency add NAME | agency list", "agencies" },
	{ "contact", cmd_contact, DB_WRITE, o_contact, 1, 1,
	  "contact add --agency A --name N [--role R] [--email E] [--phone P] | contact list [--agency A]",
	  "contacts in other agencies" },
	{ "counterpart", cmd_counterpart, DB_SIGN, o_counterpart, 2, 2, "counterpart REF CONTACT [--stage N]",
	  "name the counterpart manager for a stage (the invite's attendee)" },
	{ "export-ics", cmd_export_ics, DB_READ, o_export_ics, 0, 1,
	  "export-ics REF [--to FILE] [--all-stages] [--cancel] [--include-subject] | export-ics --open --to FILE",
	  "calendar invites for stage deadlines (iCalendar REQUEST or CANCEL)" },
	{ "config", cmd_config, DB_NONE, o_config, 0, 0, "config [--name NAME] [--role ROLE] [--email ADDRESS] [--phone NUMBER] [--protocol ID] "
	  "[--alarms DURATIONS]",
	  "show or set your name and role (they sign the journal), email, phone, usual protocol and reminders" },
	{ "report", cmd_report, DB_READ, cli_report_opts, 0, 0,
	  "report [--from DATE] [--to DATE] [--protocol ID] [--format text|csv|json]",
	  "statistics for the partnership: disputes opened in a period" },
	{ "learning", cmd_learning, DB_READ, cli_learning_opts, 0, 0,
	  "learning [--from DATE] [--to DATE] [--protocol ID] [--format text|csv|json] [--include-subject]",
	  "the learning log: every learning record, with its dispute" },
	{ "proforma", cmd_proforma, DB_READ, cli_proforma_opts, 1, 1, "proforma REF [--format text|md] [--include-subject]",
	  "the referral proforma (Appendix 1) filled from the journal" },
	{ "export", cmd_export, DB_READ, cli_export_opts, 0, 0, "export --csv DIR [--include-subject]",
	  "one CSV file per table, for spreadsheets" },
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
	       "Exit status: 0 done, 1 refused or failed (nothing changed), 2 bad command line.\n"
	       "See dispute(1) and dispute-protocol(5).\n");
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
	if (cli_flag(&a, "help")) {
		printf("usage: dispute %s\n  %s\n", cmd->usage, cmd->help);
		return EXIT_OK;
	}
	if (cli_opt(&a, "db"))
		db_opt = cli_opt(&a, "db");
	if (ctx_init(&c, today, minute, &err) != ST_OK) {
		ctx_free(&c);
		return cli_fail(&err);
	}
	if (c.config_problem)
		fprintf(stderr, "dispute: warning: %s (settings ignored; 'dispute config' rewrites the file)\n",
		        c.config_problem);
	if (need == DB_SIGN && !c.author) {
		fputs("dispute: no name is set to sign the journal with; set yours once with\n"
		      "  dispute config --name \"YOUR NAME\" --role \"YOUR ROLE\"\n"
		      "(or set DISPUTE_AUTHOR); nothing was changed\n", stderr);
		ctx_free(&c);
		return EXIT_REFUSED;
	}
	if (need != DB_NONE) {
		enum store_mode mode = need == DB_READ ? STORE_READ : need == DB_CREATE ? STORE_CREATE :
		                       need == DB_IF_EXISTS ? STORE_READ : STORE_WRITE;
		enum status st = ctx_open(&c, db_opt, mode, &err);
		if (st == ST_NOTFOUND && need == DB_IF_EXISTS) {
			store_close(c.store);
			c.store = NULL;
		} else if (st != ST_OK) {
			ctx_free(&c);
			return cli_fail(&err);
		}
	}
	rc = cmd->run(&c, &a);
	ctx_free(&c);
	return rc;
}

int cli_main(int argc, char **argv, long today, int minute)
{
	int i = 1;

	/* Global options before the command. */
	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help();
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("dispute %s\n", DISPUTE_VERSION);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db_opt = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			db_opt = argv[i] + 5;
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

		if (ctx_init(&c, today, minute, &err) != ST_OK || ctx_open(&c, db_opt, STORE_CREATE, &err) != ST_OK) {
			ctx_free(&c);
			return cli_fail(&err);
		}
		rc = tui_run(&c);
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
