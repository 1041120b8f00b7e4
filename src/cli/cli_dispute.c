/* The commands that change a dispute: new, record, escalate, due, resolve, withdraw, refer and challenge, each through the service in one transaction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"
#include "dispute/text.h"

/* Reads all of standard input for "--text -"; refuses more than max bytes,
 * and a NUL byte anywhere: the text would end at it when stored, and what
 * holds one is a binary file piped in by mistake, not a note. */
static char *cli_read_stdin(size_t max, struct error *err)
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
	if (sb.len && memchr(sb.s, '\0', sb.len)) {
		free(sb.s);
		error_set(err, ST_INVALID, "standard input holds a NUL byte: not text; nothing was saved");
		return NULL;
	}
	return sb_take(&sb);
}

static void print_saved(struct ctx *c, const struct dispute *d)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage *cur = dispute_current(d);
	char a[17], label[32];

	stage_label(p, d, cur, label, sizeof(label));
	if (d->status != DS_OPEN)
		cli_say("%s %s at %s", d->reference, dispute_status_name(d->status), label);
	else if (cur->due == DATE_NONE)
		cli_say("%s at %s, no limit set", d->reference, label);
	else
		cli_say("%s at %s, due %s", d->reference, label, datetime_format(cur->due, cur->due_minute, a));
	if (d->status == DS_OPEN && cur->response_due != DATE_NONE) {
		const struct stage_rule *rule = dispute_rule(p, d, cur);

		cli_say("%s: due %s", rule && rule->response ? rule->response : "second timescale",
		        date_format(cur->response_due, a));
	}
}

/* An urgent dispute under a protocol with no shorter limits: a sooner date. */
static void print_sooner(const struct protocol *p, const struct dispute *d)
{
	const struct stage *cur = dispute_current(d);
	char a[17], label[32];

	if (dispute_asks_sooner(p, d) && cur && cur->due != DATE_NONE && !cur->due_agreed)
		cli_error("notice: urgent: agree a date sooner than %s for %s (the protocol's limit stays the outer bound) "
		          "with 'dispute due %s DATE'", datetime_format(cur->due, cur->due_minute, a),
		          stage_label(p, d, cur, label, sizeof(label)), d->reference);
}

/* What becoming urgent asks (at opening, or marked later): the route's
 * notice, sooner dates where the protocol sets no shorter limits, and who
 * is told today. */
static void print_urgent(const struct protocol *p, const struct dispute *d, long today)
{
	if (p->urgent && p->urgent->notice)
		cli_error("notice: %s", p->urgent->notice);
	if (!p->urgent)
		cli_error("notice: %s has no urgent route of its own: %s is marked urgent and follows its stages",
		          p->id, d->reference);
	print_sooner(p, d);
	if (d->inform_due == today && p->urgent && p->urgent->inform)
		cli_error("notice: inform %s today", p->urgent->inform);
}

/* What the protocol says must happen on entering the current stage (and,
 * for a new urgent dispute, at once): Rochdale's Business Unit, say. */
static void print_notices(struct ctx *c, const struct dispute *d, bool opening)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct stage_rule *rule;
	const struct stage *cur;
	char a[11], label[32];

	if (!p)
		return;
	cur = dispute_current(d);
	if (opening && d->urgent)
		print_urgent(p, d, c->today);
	rule = dispute_rule(p, d, cur);
	if (rule && rule->notice)
		cli_error("notice: %s", rule->notice);
	/* "Without delay": the protocol sets no limit, so ask for the date the
	 * parties agree (DOMAIN.md); a kind recorded without a clock is left be. */
	if (rule && rule->limit.kind == LIMIT_NONE && cur && cur->due == DATE_NONE && cur->follow_up != DATE_NONE)
		cli_error("notice: %s has no time limit in the protocol (\"without delay\"); record the date you agree "
		          "with 'dispute due %s DATE' (it is back on the deadline board on %s until then)",
		          stage_label(p, d, cur, label, sizeof(label)), d->reference, date_format(cur->follow_up, a));
	else if (rule && rule->limit.kind == LIMIT_NONE && cur && cur->due == DATE_NONE && cur->number > 1)
		cli_error("notice: %s has no time limit in the protocol (\"without delay\"); "
		          "record the date you agree with 'dispute due %s DATE'",
		          stage_label(p, d, cur, label, sizeof(label)), d->reference);
	else if (!opening)
		print_sooner(p, d);
}

static void print_category_taken(struct ctx *c, const char *typed, const struct dispute *d)
{
	const struct protocol *p = protocol_set_find(&c->protocols, d->protocol);
	const struct category *cat = p ? protocol_category(p, d->category) : NULL;

	if (!cat || !typed || ascii_casecmp(typed, cat->key) == 0)
		return;
	cli_error("category \"%s\" taken as %s (%s)", typed, cat->key, cat->label);
}

int cmd_new(struct ctx *c, struct args *a)
{
	static const char *const need[] = { "protocol", "subject", "raised-by", "against", "category", "summary" };
	struct dispute_new n = {0};
	struct dispute d;
	struct error err;
	char ref[16];
	int rc;

	const char **against, **subjects;
	size_t nagainst, nsubjects;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if ((rc = cli_require(a, need[i])))
			return rc;
	/* --against and --subject may be given again: the first is the
	 * dispute's first other agency and subject, the rest follow it. */
	against = cli_opts(a, "against", &nagainst);
	subjects = cli_opts(a, "subject", &nsubjects);
	n.subject = subjects[0];
	n.subjects = subjects + 1;
	n.nsubjects = nsubjects - 1;
	n.raised_by = cli_opt(a, "raised-by");
	n.against = against[0];
	n.others = against + 1;
	n.nothers = nagainst - 1;
	n.category = cli_opt(a, "category");
	n.summary = cli_opt(a, "summary");
	n.urgent = cli_flag(a, "urgent");
	rc = EXIT_OK;
	if (!cli_date_opt(a, "opened", c->today, &n.opened))
		rc = EXIT_USAGE;
	n.minute = n.opened == c->today ? c->now_minute : TIME_NONE;
	dispute_init(&d);
	if (rc == EXIT_OK && svc_new(c, cli_opt(a, "protocol"), &n, ref, &d, &err) != ST_OK)
		rc = cli_fail(&err);
	free(against);
	free(subjects);
	if (rc != EXIT_OK)
		return rc;
	cli_say("%s", ref);
	print_category_taken(c, n.category, &d);
	print_notices(c, &d, true);
	cli_stage_actions(c, &d);
	dispute_free(&d);
	return EXIT_OK;
}

int cmd_record(struct ctx *c, struct args *a)
{
	struct record r;
	struct record_extra x = { 0, NULL, NULL, DATE_NONE };
	struct error err;
	const char *kind = cli_opt(a, "kind"), *text = cli_opt(a, "text"), *at = cli_opt(a, "at"), *amends = cli_opt(a, "amends");
	const char *contact = cli_opt(a, "contact");
	enum status rc;

	if (!kind || !text) {
		fprintf(stderr, "dispute: record needs --kind and --text\nusage: dispute record REF --kind KIND --text TEXT|-\n");
		return EXIT_USAGE;
	}
	record_init(&r);
	if (!record_kind_parse(kind, &r.kind)) {
		cli_error("--kind: '%s' is not a record kind; use call, meeting, email, decision, "
		          "action, outcome, learning or note", kind);
		return EXIT_USAGE;
	}
	if (at && !datetime_parse(at, &r.day, &r.minute)) {
		cli_error("--at: '%s' is not a date or date and time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM", at);
		return EXIT_USAGE;
	}
	if (amends) {
		char *end;
		errno = 0;
		r.amends = strtoll(amends, &end, 10);
		if (errno || *end || end == amends || r.amends <= 0) {
			cli_error("--amends: '%s' is not a record number", amends);
			return EXIT_USAGE;
		}
	}
	if (contact) {
		char *end;
		errno = 0;
		x.contact_id = strtoll(contact, &end, 10);
		if (errno || *end || end == contact || x.contact_id <= 0) {
			cli_error("--contact: '%s' is not a contact number (see 'dispute contact list')", contact);
			return EXIT_USAGE;
		}
	}
	x.next = cli_opt(a, "next");
	if (!cli_date_opt(a, "next-due", DATE_NONE, &x.next_due))
		return EXIT_USAGE;
	if ((x.next != NULL) != (x.next_due != DATE_NONE)) {
		fputs(x.next ? "dispute: record: --next needs --next-due, the day it is due\n"
		             : "dispute: record: --next-due goes with --next, what is to be done\n", stderr);
		return EXIT_USAGE;
	}
	if (strcmp(text, "-") == 0) {
		r.text = cli_read_stdin(TEXT_MAX, &err);
		if (!r.text)
			return cli_fail(&err);
	} else {
		r.text = xstrdup(text);
	}
	rc = svc_record_extra(c, a->pos[0], &r, &x, &err);
	if (rc == ST_OK)
		cli_say("record #%lld added to %s", r.id, a->pos[0]);
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
		cli_error("--from-stage: '%s' is not a stage number", v);
		return false;
	}
	ch->seen_stage = (int)n;
	return true;
}

/* Applies the change and says what was saved; after an escalation, also
 * what the new stage asks for (notices). */
static int apply_print(struct ctx *c, const char *ref, const struct svc_change *ch, bool notices)
{
	struct dispute d;
	struct error err;

	dispute_init(&d);
	if (svc_apply(c, ref, ch, &d, &err) != ST_OK)
		return cli_fail(&err);
	print_saved(c, &d);
	if (notices) {
		print_notices(c, &d, false);
		cli_stage_actions(c, &d);
	}
	cli_owed_hint(c, d.reference);
	dispute_free(&d);
	return EXIT_OK;
}

int cmd_escalate(struct ctx *c, struct args *a)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_ESCALATE);
	if (!cli_date_opt(a, "on", c->today, &ch.on) || !cli_date_opt(a, "due", DATE_NONE, &ch.due) ||
	    !cli_date_opt(a, "response", DATE_NONE, &ch.response) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	if (cli_opt(a, "reason") && ch.due == DATE_NONE && ch.response == DATE_NONE) {
		fputs("dispute: escalate: --reason goes with --due or --response\n", stderr);
		return EXIT_USAGE;
	}
	ch.text = cli_opt(a, "reason");
	return apply_print(c, a->pos[0], &ch, true);
}

int cmd_due(struct ctx *c, struct args *a)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_SET_DUE);
	if ((a->npos > 1 && !cli_date_arg(a->pos[1], "due date", &ch.due)) ||
	    !cli_date_opt(a, "response", DATE_NONE, &ch.response) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	if (ch.due == DATE_NONE && ch.response == DATE_NONE) {
		fprintf(stderr, "dispute: due needs a DATE or --response DATE\nusage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	ch.text = cli_opt(a, "reason");
	return apply_print(c, a->pos[0], &ch, false);
}

int cmd_reopen(struct ctx *c, struct args *a)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_REOPEN);
	if (cli_require(a, "reason") != EXIT_OK)
		return EXIT_USAGE;
	if (!cli_date_opt(a, "on", c->today, &ch.on))
		return EXIT_USAGE;
	ch.text = cli_opt(a, "reason");
	return apply_print(c, a->pos[0], &ch, true);
}

int cmd_route(struct ctx *c, struct args *a)
{
	const char *to = a->pos[1], *step = cli_opt(a, "stage");
	struct svc_change ch;
	struct dispute d;
	struct error err;
	const struct protocol *p;
	char *end;
	long n = 0;

	if (strcmp(to, "urgent") != 0 && strcmp(to, "normal") != 0) {
		cli_error("route: '%s' is not a route; use urgent or normal", to);
		return EXIT_USAGE;
	}
	if (step) {
		errno = 0;
		n = strtol(step, &end, 10);
		if (errno || *end || end == step || n < 1 || n > 99 || strcmp(to, "urgent") == 0) {
			cli_error(strcmp(to, "urgent") == 0 ? "--stage: the urgent route starts at its own first stage"
			                                    : "--stage: '%s' is not a stage number", step);
			return EXIT_USAGE;
		}
	}
	svc_change_init(&ch, strcmp(to, "urgent") == 0 ? SVC_URGENT : SVC_NORMAL);
	ch.stage = (int)n;
	if (!cli_date_opt(a, "on", c->today, &ch.on) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK)
		return cli_fail(&err);
	print_saved(c, &d);
	p = protocol_set_find(&c->protocols, d.protocol);
	if (p && ch.kind == SVC_URGENT)
		print_urgent(p, &d, c->today);
	else if (p && !d.urgent)
		cli_error("notice: %s is no longer urgent", d.reference);
	dispute_free(&d);
	return EXIT_OK;
}

/* resolve, withdraw and refer differ only in the option that carries the text. */
static int close_common(struct ctx *c, struct args *a, enum svc_change_kind kind, const char *textopt)
{
	struct svc_change ch;

	svc_change_init(&ch, kind);
	if (cli_require(a, textopt) != EXIT_OK)
		return EXIT_USAGE;
	if (!cli_date_opt(a, "on", c->today, &ch.on) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	ch.text = cli_opt(a, textopt);
	ch.text2 = cli_opt(a, "outstanding");
	return apply_print(c, a->pos[0], &ch, false);
}

int cmd_resolve(struct ctx *c, struct args *a)
{
	return close_common(c, a, SVC_RESOLVE, "outcome");
}

int cmd_withdraw(struct ctx *c, struct args *a)
{
	return close_common(c, a, SVC_WITHDRAW, "reason");
}

int cmd_refer(struct ctx *c, struct args *a)
{
	const struct protocol *p;
	struct svc_change ch;
	struct dispute d;
	struct error err;
	char day[11];

	svc_change_init(&ch, SVC_REFER);
	if (cli_require(a, "to") != EXIT_OK)
		return EXIT_USAGE;
	if (!cli_date_opt(a, "on", c->today, &ch.on) || !from_stage_opt(a, &ch))
		return EXIT_USAGE;
	ch.text = cli_opt(a, "to");
	dispute_init(&d);
	if (svc_apply(c, a->pos[0], &ch, &d, &err) != ST_OK)
		return cli_fail(&err);
	p = protocol_set_find(&c->protocols, d.protocol);
	/* Say which it was: the partnership keeps it open, anyone else closes it. */
	if (d.status == DS_OPEN)
		cli_say("%s referred to %s on %s: it stays open while the partnership works towards a resolution",
		        d.reference, p && p->body ? p->body : "the partnership", date_format(d.referred, day));
	else
		cli_say("%s referred on beyond the partnership, to %s: closed on %s", d.reference, d.outcome,
		        date_format(d.closed, day));
	print_saved(c, &d);
	dispute_free(&d);
	return EXIT_OK;
}

int cmd_challenge(struct ctx *c, struct args *a)
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
		cli_say("%s: formal challenge cleared", d.reference);
	else
		cli_say("%s: formally challenged on %s", d.reference, date_format(d.challenged, day));
	dispute_free(&d);
	return EXIT_OK;
}
