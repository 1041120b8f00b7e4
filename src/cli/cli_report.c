/* The report commands: report, learning, proforma and export, for the partnership's quarterly return. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"
#include "dispute/report.h"

const struct optspec cli_report_opts[] = {
	{ "from", true }, { "to", true }, { "protocol", true }, { "format", true }, { NULL, false } };
const struct optspec cli_learning_opts[] = {
	{ "from", true }, { "to", true }, { "protocol", true }, { "format", true }, { "include-subject", false },
	{ NULL, false } };
const struct optspec cli_proforma_opts[] = { { "format", true }, { "include-subject", false }, { NULL, false } };
const struct optspec cli_export_opts[] = {
	{ "csv", true }, { "include-subject", false }, { "force", false }, { NULL, false } };

/* Reads --format; allowed lists the formats this command writes, in the
 * order the message names them.  Prints the problem and returns false. */
static bool format_opt(const struct args *a, const char *allowed, enum report_format dflt, enum report_format *out)
{
	const char *v = cli_opt(a, "format");
	char *list, *word, *save = NULL;
	bool ok = false;

	*out = dflt;
	if (!v)
		return true;
	list = xstrdup(allowed);
	for (word = strtok_r(list, "|", &save); word && !ok; word = strtok_r(NULL, "|", &save))
		ok = strcmp(word, v) == 0 && report_format_parse(v, out);
	free(list);
	if (!ok)
		cli_error("--format: '%s' is not a format of %s; use %s", v, a->cmd, allowed);
	return ok;
}

/* Reads --from, --to and --protocol into f.  Returns EXIT_OK, or the exit
 * code after printing the problem. */
static int filter_opts(struct ctx *c, const struct args *a, struct report_filter *f)
{
	const struct protocol *p;
	struct error err;
	char x[11], y[11];

	report_filter_init(f);
	if (!cli_date_opt(a, "from", DATE_NONE, &f->from) || !cli_date_opt(a, "to", DATE_NONE, &f->to))
		return EXIT_USAGE;
	if (f->from != DATE_NONE && f->to != DATE_NONE && f->from > f->to) {
		fprintf(stderr, "dispute: %s: --from %s is after --to %s\n", a->cmd, date_format(f->from, x),
		        date_format(f->to, y));
		return EXIT_USAGE;
	}
	f->protocol = cli_opt(a, "protocol");
	if (f->protocol) {
		if (ctx_protocol(c, f->protocol, &p, &err) != ST_OK)
			return cli_fail(&err);
		f->protocol = p->id;
	}
	return EXIT_OK;
}

/* The privacy rule: subject identifiers leave the program only when asked for, and never silently. */
static bool include_subject(const struct args *a)
{
	if (!cli_flag(a, "include-subject"))
		return false;
	fputs("dispute: warning: --include-subject: this output names the subject of each dispute; "
	      "keep it within your agency's secure systems\n", stderr);
	return true;
}

/* Prints a report, and under one meant for people the journal's head
 * seal, so that a copy that has left the machine can be checked against
 * the database later. */
static int put_sb_head(struct ctx *c, struct sb *sb, enum report_format fmt)
{
	struct journal_head head;
	struct error err;

	if (sb->s)
		fputs(sb->s, stdout);
	free(sb->s);
	if (fmt != REPORT_TEXT && fmt != REPORT_MD)
		return EXIT_OK;
	if (svc_head(c, &head, &err) != ST_OK)
		return cli_fail(&err);
	cli_put_head(&head);
	return EXIT_OK;
}

/* --format and the filter options report and learning share; EXIT_OK or
 * the exit code of what was wrong (already said). */
static int period_opts(struct ctx *c, struct args *a, enum report_format *fmt, struct report_filter *f)
{
	if (!format_opt(a, "text|csv|json", REPORT_TEXT, fmt))
		return EXIT_USAGE;
	return filter_opts(c, a, f);
}

int cmd_report(struct ctx *c, struct args *a)
{
	struct report_filter f;
	struct report_stats st;
	struct sb sb = {0};
	enum report_format fmt;
	struct error err;
	int rc;

	if ((rc = period_opts(c, a, &fmt, &f)) != EXIT_OK)
		return rc;
	report_stats_begin(&st, &f, &(struct report_world){ &c->protocols, &c->cal, c->today });
	if (report_stats_end(&st, svc_report_disputes(c, &f, report_stats_add, &st, &err), &err) != ST_OK) {
		report_stats_free(&st);
		return cli_fail(&err);
	}
	if (fmt == REPORT_CSV)
		report_stats_csv(&st, &sb);
	else if (fmt == REPORT_JSON)
		report_stats_json(&st, &sb);
	else
		report_stats_text(&st, f.protocol ? protocol_set_find(&c->protocols, f.protocol) : NULL, &sb);
	report_stats_free(&st);
	return put_sb_head(c, &sb, fmt);
}

int cmd_learning(struct ctx *c, struct args *a)
{
	struct report_filter f;
	struct sb sb = {0};
	enum report_format fmt;
	struct error err;
	int rc;

	if ((rc = period_opts(c, a, &fmt, &f)) != EXIT_OK)
		return rc;
	{
		struct report_world w = { &c->protocols, &c->cal, c->today };
		struct report_learning l;

		report_learning_begin(&l, &f, &w, fmt, include_subject(a), &sb);
		if (svc_report_learning(c, &f, report_learning_add, &l, &err) != ST_OK) {
			free(sb.s);
			return cli_fail(&err);
		}
		report_learning_end(&l);
	}
	return put_sb_head(c, &sb, fmt);
}

int cmd_proforma(struct ctx *c, struct args *a)
{
	struct sb sb = {0};
	enum report_format fmt;
	struct error err;

	struct dispute d;
	struct record *recs = NULL;
	struct contact *contacts = NULL;
	size_t nrecs = 0, ncontacts = 0;
	enum status rc;

	if (!format_opt(a, "text|md", REPORT_TEXT, &fmt))
		return EXIT_USAGE;
	dispute_init(&d);
	rc = svc_load(c, a->pos[0], &d, &recs, &nrecs, &err);
	if (rc == ST_OK)
		rc = svc_contacts(c, d.raised_by, &contacts, &ncontacts, &err);
	if (rc == ST_OK)
		rc = report_proforma(&d, protocol_set_find(&c->protocols, d.protocol), recs, nrecs, contacts, ncontacts,
		                     fmt, include_subject(a), &sb, &err);
	for (size_t i = 0; i < nrecs; i++)
		record_free(&recs[i]);
	free(recs);
	for (size_t i = 0; i < ncontacts; i++)
		contact_free(&contacts[i]);
	free(contacts);
	dispute_free(&d);
	if (rc != ST_OK) {
		free(sb.s);
		return cli_fail(&err);
	}
	return put_sb_head(c, &sb, fmt);
}

int cmd_export(struct ctx *c, struct args *a)
{
	const char *dir = cli_opt(a, "csv");
	int rows[TABLE_COUNT] = {0};
	struct journal_head head;
	struct error err;

	if (!dir || !*dir) {
		fprintf(stderr, "dispute: export needs --csv DIR\nusage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	/* "-" is standard output elsewhere; six files cannot go there, and a
	 * directory called "-" is never what was meant. */
	if (strcmp(dir, "-") == 0) {
		fprintf(stderr, "dispute: export --csv writes one file per table into a directory, not to standard "
		        "output\nusage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	if (svc_export_tables(c, dir, include_subject(a), cli_flag(a, "force"), csv_row, rows, &head, &err) != ST_OK)
		return cli_fail(&err);
	for (int t = 0; t < TABLE_COUNT; t++)
		cli_say("%s/%s.csv  %d row%s", dir, export_table_name((enum export_table)t), rows[t],
		        rows[t] == 1 ? "" : "s");
	cli_put_head(&head);
	/* The export is the whole journal, for the agency's own use: say so,
	 * because notes can name people even when the subject column is left out. */
	fputs("dispute: notice: records.csv and disputes.csv hold the journal's text as it was typed; "
	      "keep the files as safe as the database\n", stderr);
	return EXIT_OK;
}
