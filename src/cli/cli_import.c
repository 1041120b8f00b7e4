/* `dispute import`: an escalation log brought in from a CSV file, every row or none, with each problem named by line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"

struct import_say {
	struct ctx *c;
	const char *path;
	bool dry_run;
};

/* "Ref No (reference)", "reference", or "reference (the map's default)". */
static void say_where(struct sb *sb, const struct import_note *n)
{
	if (!n->field)
		return;
	if (n->column && strcmp(n->column, n->field) != 0)
		sb_printf(sb, "%s (%s): ", n->column, n->field);
	else if (n->from_default)
		sb_printf(sb, "%s (the map's default): ", n->field);
	else
		sb_printf(sb, "%s: ", n->field);
}

static int import_note(const struct import_note *n, void *arg)
{
	struct import_say *s = arg;
	struct sb sb = {0};

	if (n->refused) {
		sb_printf(&sb, "%s:%ld: %s", s->path, n->line, s->dry_run ? "refused: " : "");
		say_where(&sb, n);
		sb_append(&sb, n->message);
		if (s->dry_run)
			cli_say("%s", sb.s);
		else
			cli_error("%s", sb.s);
	} else if (s->dry_run) {
		const struct dispute *d = n->dispute;
		const struct protocol *p = protocol_set_find(&s->c->protocols, d->protocol);
		const struct stage *cur = dispute_current(d);
		size_t nrules = 0;
		char a[17];

		if (p)
			protocol_stages(p, d->urgent, &nrules);
		sb_printf(&sb, "%s:%ld: would create %s: %s, stage %d of %zu, ", s->path, n->line, d->reference,
		          d->protocol, d->current_stage, nrules);
		if (d->status != DS_OPEN)
			sb_printf(&sb, "%s %s", dispute_status_name(d->status), date_format(d->closed, a));
		else if (cur && cur->due != DATE_NONE)
			sb_printf(&sb, "open, due %s", datetime_format(cur->due, cur->due_minute, a));
		else
			sb_append(&sb, "open, no limit set");
		cli_say("%s", sb.s);
	}
	free(sb.s);
	return 0;
}

int cmd_import(struct ctx *c, struct args *a)
{
	struct import_say say = { c, cli_opt(a, "csv"), cli_flag(a, "dry-run") };
	struct import_result res;
	struct error err;
	enum status rc;
	int ec;

	if ((ec = cli_require(a, "csv")))
		return ec;
	rc = svc_import(c, say.path, cli_opt(a, "map"), say.dry_run, import_note, &say, &res, &err);
	if (rc == ST_INVALID) {
		if (say.dry_run && res.refused)
			cli_say("dry run: %zu dispute%s would be created, %zu row%s refused; nothing was written",
			        res.created, res.created == 1 ? "" : "s", res.refused, res.refused == 1 ? "" : "s");
		else
			cli_error("%s", err.msg);
		return EXIT_INPUT;
	}
	if (rc != ST_OK)
		return cli_fail(&err);
	if (say.dry_run)
		cli_say("dry run: %zu dispute%s would be created, 0 rows refused; nothing was written", res.created,
		        res.created == 1 ? "" : "s");
	else
		cli_say("imported %zu dispute%s from %s (SHA-256 %s)", res.created, res.created == 1 ? "" : "s",
		        res.file, res.sha256);
	return EXIT_OK;
}
