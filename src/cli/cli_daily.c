/* What a lead needs every day on the command line: the checklist (action), handovers (owner), what is due (list --due), and the parts of show that say them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"
#include "dispute/text.h"

/* The words after an item: when a follow-up is due, when and by whom it
 * was done, that the protocol asks for it at every stage. */
static void item_note(const struct check_item *it, struct sb *sb)
{
	char a[11], b[11];

	if (it->followup) {
		sb_printf(sb, " (follow-up from #%lld, due %s", it->followup->record, date_format(it->followup->due, a));
		if (it->followup->done != DATE_NONE)
			sb_printf(sb, "; done %s by %s", date_format(it->followup->done, b),
			          it->followup->done_by ? it->followup->done_by : "?");
		sb_append(sb, ")");
		return;
	}
	if (it->every_stage)
		sb_append(sb, " (every stage)");
	if (it->done)
		sb_printf(sb, ": done %s by %s", date_format(it->done->on, a), it->done->by ? it->done->by : "?");
}

static bool item_done(const struct check_item *it)
{
	return it->followup ? it->followup->done != DATE_NONE : it->done != NULL;
}

/* Prints "  N [x] TEXT (...)" for every item of d's checklist at stage
 * number; returns how many there are. */
static size_t print_checklist(const struct protocol *p, const struct dispute *d, int number, const char *indent)
{
	struct check_item items[CHECKLIST_MAX];
	size_t n = dispute_checklist(p, d, number, items, CHECKLIST_MAX);
	struct sb sb = {0};

	for (size_t i = 0; i < n; i++) {
		sb.len = 0;
		sb_printf(&sb, "%s%zu [%c] %s", indent, i + 1, item_done(&items[i]) ? 'x' : ' ', items[i].text);
		item_note(&items[i], &sb);
		cli_say("%s", sb.s);
	}
	free(sb.s);
	return n;
}

static void json_checklist(struct sb *sb, const struct protocol *p, const struct dispute *d, int number)
{
	struct check_item items[CHECKLIST_MAX];
	size_t n = dispute_checklist(p, d, number, items, CHECKLIST_MAX);

	sb_append(sb, "[");
	for (size_t i = 0; i < n; i++) {
		const struct check_item *it = &items[i];

		sb_printf(sb, "%s{\"item\":%zu,\"text\":", i ? "," : "", i + 1);
		text_json(sb, it->text);
		sb_printf(sb, ",\"every_stage\":%s,\"followup_of\":", it->every_stage ? "true" : "false");
		text_json_id(sb, it->followup ? it->followup->record : 0);
		sb_append(sb, ",\"due\":");
		text_json_date(sb, it->followup ? it->followup->due : DATE_NONE);
		sb_append(sb, ",\"done\":");
		text_json_date(sb, it->followup ? it->followup->done : it->done ? it->done->on : DATE_NONE);
		sb_append(sb, ",\"by\":");
		text_json(sb, it->followup ? it->followup->done_by : it->done ? it->done->by : NULL);
		sb_append(sb, "}");
	}
	sb_append(sb, "]");
}

/* --stage N, 0 when absent; -1 (message printed) when it is not a stage. */
static int stage_opt(const struct args *a)
{
	const char *v = cli_opt(a, "stage");
	char *end;
	long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > 99) {
		cli_error("--stage: '%s' is not a stage number", v);
		return -1;
	}
	return (int)n;
}

int cmd_action(struct ctx *c, struct args *a)
{
	const struct protocol *p;
	struct svc_change ch;
	struct dispute d;
	struct error err;
	int stage = stage_opt(a);
	long n;
	char *end;

	if (stage < 0)
		return EXIT_USAGE;
	if (a->npos == 1) {
		struct sb sb = {0};
		const char *name;

		if (cli_opt(a, "on")) {
			fputs("dispute: action: --on goes with 'done N'\n", stderr);
			return EXIT_USAGE;
		}
		dispute_init(&d);
		if (svc_load(c, a->pos[0], &d, NULL, NULL, &err) != ST_OK) {
			dispute_free(&d);
			return cli_fail(&err);
		}
		if (stage > d.current_stage) {
			error_set(&err, ST_REFUSED, "%s has not reached stage %d", d.reference, stage);
			dispute_free(&d);
			return cli_fail(&err);
		}
		p = protocol_set_find(&c->protocols, d.protocol);
		stage = stage ? stage : d.current_stage;
		if (cli_flag(a, "json")) {
			json_checklist(&sb, p, &d, stage);
			puts(sb.s);
			free(sb.s);
			dispute_free(&d);
			return EXIT_OK;
		}
		name = dispute_stage_name(p, &d, stage);
		cli_say("%s stage %d%s%s%s: the checklist", d.reference, stage, name ? " (" : "", name ? name : "",
		        name ? ")" : "");
		if (!print_checklist(p, &d, stage, "  "))
			puts("  (nothing on it)");
		dispute_free(&d);
		return EXIT_OK;
	}
	if (a->npos != 3 || strcmp(a->pos[1], "done") != 0) {
		fprintf(stderr, "dispute: usage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	errno = 0;
	n = strtol(a->pos[2], &end, 10);
	if (errno || *end || end == a->pos[2] || n < 1 || n > CHECKLIST_MAX) {
		cli_error("'%s' is not an item of the checklist (its number, as 'dispute action %s' shows it)", a->pos[2],
		          a->pos[0]);
		return EXIT_USAGE;
	}
	if (cli_flag(a, "json")) {
		fputs("dispute: action: --json goes with the list, not with 'done N'\n", stderr);
		return EXIT_USAGE;
	}
	svc_change_init(&ch, SVC_TICK);
	ch.stage = stage;
	ch.item = (int)n;
	if (!cli_date_opt(a, "on", c->today, &ch.on))
		return EXIT_USAGE;
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	{
		struct check_item items[CHECKLIST_MAX];
		char day[11];

		p = protocol_set_find(&c->protocols, d.protocol);
		stage = stage ? stage : d.current_stage;
		if (dispute_checklist(p, &d, stage, items, CHECKLIST_MAX) >= (size_t)n)
			cli_say("%s stage %d, item %ld done on %s: %s", d.reference, stage, n, date_format(ch.on, day),
			        items[n - 1].text);
	}
	dispute_free(&d);
	return EXIT_OK;
}

int cmd_owner(struct ctx *c, struct args *a)
{
	struct svc_change ch;
	struct dispute d;
	struct error err;

	svc_change_init(&ch, SVC_OWNER);
	ch.text = a->pos[1];
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	cli_say("%s: now held by %s", d.reference, d.owner);
	dispute_free(&d);
	return EXIT_OK;
}

void cli_stage_actions(struct ctx *c, const struct dispute *d)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage_rule *rule = p ? dispute_rule(p, d, dispute_current(d)) : NULL;

	/* The stage's own actions (on the route it is on); those of every stage are the same at each
	 * and 'dispute action' lists them. */
	for (size_t i = 0; rule && i < rule->nactions; i++)
		cli_error("action %zu: %s (when done: dispute action %s done %zu)", i + 1, rule->actions[i], d->reference,
		          i + 1);
}

/* ---- list --due ---- */

struct due_ctx {
	struct ctx *c;
	bool as_json;
	int n;
	struct sb line;
};

static int due_row(const struct due_item *it, void *arg)
{
	struct due_ctx *dc = arg;
	const struct dispute *d = it->d;
	const struct protocol *p = protocol_set_find(&dc->c->protocols, d->protocol);
	struct left left = dispute_left_at(d, p, &dc->c->cal, it->due, it->due_minute, dc->c->today, dc->c->now_minute);
	const char *name = dispute_stage_name(p, d, d->current_stage);
	char due[17], words[48];
	int days;

	dc->line.len = 0;
	if (dc->as_json) {
		sb_append(&dc->line, dc->n ? ",\n{\"reference\":" : "\n{\"reference\":");
		text_json(&dc->line, d->reference);
		sb_printf(&dc->line, ",\"kind\":\"%s\",\"due\":", it->followup ? "follow-up" : "stage");
		text_json_date(&dc->line, it->due);
		sb_append(&dc->line, ",\"due_time\":");
		text_json_time(&dc->line, it->due_minute);
		sb_append(&dc->line, ",\"working_days_left\":");
		if (left_days(&left, &days))
			sb_printf(&dc->line, "%d", days);
		else
			sb_append(&dc->line, "null");
		sb_printf(&dc->line, ",\"stage\":%d,\"record\":", d->current_stage);
		text_json_id(&dc->line, it->followup ? it->followup->record : 0);
		sb_append(&dc->line, ",\"text\":");
		text_json(&dc->line, it->followup ? it->followup->next : name);
		sb_append(&dc->line, "}");
		fputs(dc->line.s, stdout);
		dc->n++;
		return 0;
	}
	left.due_minute = TIME_NONE;    /* the time is in the date column */
	cli_put_col(datetime_format(it->due, it->due_minute, due), 17);
	cli_put_col(left_text(&left, false, words, sizeof(words)), 11);
	cli_put_col(d->reference, 13);
	if (it->followup)
		sb_printf(&dc->line, "follow-up from #%lld: %s", it->followup->record, it->followup->next);
	else
		sb_printf(&dc->line, "stage %d deadline%s%s", d->current_stage, name ? ": " : "", name ? name : "");
	cli_say("%s", dc->line.s);
	dc->n++;
	return 0;
}

int cli_list_due(struct ctx *c, const struct args *a, const struct list_filter *f)
{
	struct due_ctx dc = { c, cli_flag(a, "json"), 0, {0} };
	struct error err;
	enum status rc;
	long before;

	/* Without --before: what is due today or is overdue. */
	if (!cli_date_opt(a, "before", c->today + 1, &before))
		return EXIT_USAGE;
	if (dc.as_json) {
		fputs("[", stdout);
	} else {
		cli_put_col("DUE", 17);
		cli_put_col("LEFT", 11);
		cli_put_col("REFERENCE", 13);
		puts("WHAT");
	}
	rc = svc_due(c, f, before, due_row, &dc, &err);
	free(dc.line.s);
	if (rc != ST_OK)
		return cli_fail(&err);
	if (dc.as_json)
		fputs(dc.n ? "\n]\n" : "]\n", stdout);
	else if (!dc.n)
		fputs("nothing due\n", stderr);
	return EXIT_OK;
}

/* ---- what show says of them ---- */

/* The counterparts: contact names from the contacts. */
static const struct contact *contact_of(const struct contact *v, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

void cli_show_daily(struct ctx *c, const struct dispute *d)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	struct contact *people = NULL;
	size_t npeople = 0;
	struct error err;
	bool any = false;

	for (size_t i = 0; i < d->nstages; i++)
		for (size_t k = 0; k < dispute_agency_count(d); k++)
			any = any || dispute_counterpart(d, d->stages[i].number, (int)k + 1);
	if (any && svc_contacts(c, NULL, &people, &npeople, &err) == ST_OK) {
		puts("\nCounterparts");
		for (size_t i = 0; i < d->nstages; i++)
			for (size_t k = 0; k < dispute_agency_count(d); k++) {
				long long id = dispute_counterpart(d, d->stages[i].number, (int)k + 1);
				const struct contact *ct = contact_of(people, npeople, id);

				if (id)
					cli_say("  stage %d  %s: %s (contact %lld)", d->stages[i].number, dispute_agency(d, k),
					        ct ? ct->name : "?", id);
			}
	}
	for (size_t i = 0; i < npeople; i++)
		contact_free(&people[i]);
	free(people);
	if (d->nstages) {
		const char *name = dispute_stage_name(p, d, d->current_stage);

		putchar('\n');
		cli_say("Checklist, stage %d%s%s%s", d->current_stage, name ? " (" : "", name ? name : "", name ? ")" : "");
		if (!print_checklist(p, d, d->current_stage, "  "))
			puts("  (nothing on it)");
	}
	/* What was done at the stages before. */
	for (size_t i = 0; i < d->ndone; i++)
		if (d->done[i].stage != d->current_stage) {
			char a[11];

			cli_say("  done at stage %d on %s by %s: %s", d->done[i].stage, date_format(d->done[i].on, a),
			        d->done[i].by ? d->done[i].by : "?", d->done[i].text);
		}
}

void cli_show_record_detail(struct ctx *c, const struct dispute *d, const struct record *r)
{
	const struct record_detail *rd = dispute_detail(d, r->id);
	char a[11], b[11];

	if (!rd)
		return;
	if (rd->contact_id) {
		struct contact ct;
		struct error err;

		memset(&ct, 0, sizeof(ct));
		if (svc_contact(c, rd->contact_id, &ct, &err) == ST_OK)
			cli_say("      spoke to: %s%s%s (%s)", ct.name, ct.role ? ", " : "", ct.role ? ct.role : "", ct.agency);
		else
			cli_say("      spoke to: contact %lld", rd->contact_id);
		contact_free(&ct);
	}
	if (rd->next) {
		if (rd->done != DATE_NONE)
			cli_say("      next: %s, by %s (done %s by %s)", rd->next, date_format(rd->due, a),
			        date_format(rd->done, b), rd->done_by ? rd->done_by : "?");
		else
			cli_say("      next: %s, by %s", rd->next, date_format(rd->due, a));
	}
}

void cli_json_daily(struct ctx *c, struct sb *sb, const struct dispute *d)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);

	sb_append(sb, ",\"owner\":");
	text_json(sb, d->owner);
	sb_append(sb, ",\"against_all\":[");
	for (size_t i = 0; i < dispute_agency_count(d); i++) {
		sb_append(sb, i ? "," : "");
		text_json(sb, dispute_agency(d, i));
	}
	sb_append(sb, "],\"subjects\":[");
	for (size_t i = 0; i < dispute_subject_count(d); i++) {
		sb_append(sb, i ? "," : "");
		text_json(sb, dispute_subject(d, i));
	}
	sb_append(sb, "],\"counterparts\":[");
	{
		bool first = true;

		for (size_t i = 0; i < d->nstages; i++)
			for (size_t k = 0; k < dispute_agency_count(d); k++) {
				long long id = dispute_counterpart(d, d->stages[i].number, (int)k + 1);

				if (!id)
					continue;
				sb_printf(sb, "%s{\"stage\":%d,\"agency\":", first ? "" : ",", d->stages[i].number);
				text_json(sb, dispute_agency(d, k));
				sb_printf(sb, ",\"contact\":%lld}", id);
				first = false;
			}
	}
	sb_append(sb, "],\"checklist\":");
	json_checklist(sb, p, d, d->current_stage);
	sb_append(sb, ",\"actions_done\":[");
	for (size_t i = 0; i < d->ndone; i++) {
		sb_printf(sb, "%s{\"stage\":%d,\"text\":", i ? "," : "", d->done[i].stage);
		text_json(sb, d->done[i].text);
		sb_append(sb, ",\"done\":");
		text_json_date(sb, d->done[i].on);
		sb_append(sb, ",\"by\":");
		text_json(sb, d->done[i].by);
		sb_append(sb, "}");
	}
	sb_append(sb, "]");
}

void cli_json_record_detail(struct sb *sb, const struct dispute *d, const struct record *r)
{
	const struct record_detail *rd = dispute_detail(d, r->id);

	sb_append(sb, ",\"contact\":");
	text_json_id(sb, rd ? rd->contact_id : 0);
	sb_append(sb, ",\"next\":");
	text_json(sb, rd ? rd->next : NULL);
	sb_append(sb, ",\"next_due\":");
	text_json_date(sb, rd ? rd->due : DATE_NONE);
	sb_append(sb, ",\"next_done\":");
	text_json_date(sb, rd ? rd->done : DATE_NONE);
}
