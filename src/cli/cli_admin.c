/* The commands around the disputes: init, protocols, workdays, closure days, agencies, contacts and the settings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"
#include "dispute/ics.h"
#include "dispute/invite.h"
#include "dispute/text.h"

int cmd_init(struct ctx *c, struct args *a)
{
	(void)a;
	cli_say("database ready: %s (schema %d)", c->db_path, svc_schema_version());
	return EXIT_OK;
}

/* The lines of one stage rule under its heading. */
static void stage_print(const struct stage_rule *s)
{
	char lim[80];

	if (s->ours)
		cli_say("       raising agency: %s", s->ours);
	if (s->theirs)
		cli_say("       other agency:   %s", s->theirs);
	if (s->parties)
		cli_say("       parties:        %s", s->parties);
	if (s->arbiter)
		cli_say("       decides:        %s", s->arbiter);
	if (s->then && s->then_limit.kind != LIMIT_NONE)
		cli_say("       then:           %s (within %s of the end of the stage's own limit)", s->then,
		        limit_describe(&s->then_limit, lim, sizeof(lim)));
	else if (s->then)
		cli_say("       then:           %s", s->then);
	if (s->response)
		cli_say("       second timescale: %s (agreed too, at most the stage's limit)", s->response);
	if (s->limit.kind == LIMIT_NONE && s->follow_up.kind != LIMIT_NONE)
		cli_say("       follow up:      %s after the stage starts, until a date is agreed",
		        limit_describe(&s->follow_up, lim, sizeof(lim)));
	if (s->formal)
		puts("       formal:         entering this stage is the formal challenge");
	if (s->timed)
		puts("       timed:          due at the hour the stage started");
	if (s->record)
		cli_say("       record:         %s", s->record);
	if (s->notice)
		cli_say("       notice:         %s", s->notice);
	for (size_t i = 0; i < s->nactions; i++)
		cli_say("       action:         %s", s->actions[i]);
}

static void stages_print(const struct stage_rule *v, size_t n, bool details)
{
	char lim[80];

	for (size_t i = 0; i < n; i++) {
		printf("  %zu  ", i + 1);
		cli_put_col(v[i].name, 50);
		printf(" %s\n", limit_describe(&v[i].limit, lim, sizeof(lim)));
		if (details)
			stage_print(&v[i]);
	}
}

/* `protocols show ID`: every rule of the file as the program reads it. */
static void protocol_print(struct ctx *c, const struct protocol *p)
{
	const struct cal_division *dv = calendar_division(&c->cal, p->division);
	struct sb sb = {0};
	char lim[80], note[256];
	long first;

	cli_say("%s (%s)", p->title, p->id);
	cli_line("Partnership:", p->partnership);
	cli_line("Source:", p->source);
	cli_line("For:", p->population);
	/* Said once: where the standing rules take over from the published table. */
	first = DATE_NONE;
	if (dv && dv->n)
		date_from_ymd(dv->last_year + 1, 1, 1, &first);
	if (first != DATE_NONE && calendar_rule_year(&c->cal, p->division, dv->last_year + 1)) {
		sb_printf(&sb, "%s; %s", p->division, calendar_rules_note(&c->cal, p->division, first, note, sizeof(note)));
		cli_line("Working days:", sb.s);
	} else {
		cli_line("Working days:", p->division);
	}
	cli_line("File:", p->path);
	if (p->scope)
		cli_line("Out of scope:", p->scope);
	if (p->body) {
		sb.len = 0;
		sb_append(&sb, p->body);
		for (size_t i = 0; i < p->naliases; i++)
			sb_printf(&sb, "%s%s", i ? ", " : " (also named ", p->aliases[i]);
		sb_append(&sb, p->naliases ? "): a dispute referred there stays open; referred anywhere else, it closes"
		                           : ": a dispute referred there stays open; referred anywhere else, it closes");
		cli_line("Referral:", sb.s);
	}
	free(sb.s);
	puts("\nStages");
	stages_print(p->stages, p->nstages, true);
	if (p->nspans)
		puts("\nLimits across stages");
	for (size_t i = 0; i < p->nspans; i++)
		cli_say("  stages %d-%d  %s: %s%s", p->spans[i].from, p->spans[i].to, p->spans[i].name,
		        limit_describe(&p->spans[i].limit, lim, sizeof(lim)),
		        p->spans[i].advisory ? " (advisory)" : " (a deadline, as a stage's is)");
	putchar('\n');
	if (!p->urgent) {
		puts("Urgent route: none: an urgent dispute follows the stages above, asked for a sooner agreed date "
		     "at each");
	} else {
		cli_say("Urgent route: %s", p->urgent->name);
		if (p->urgent->when)
			cli_say("  when:   %s", p->urgent->when);
		if (p->urgent->notice)
			cli_say("  notice: %s", p->urgent->notice);
		if (p->urgent->inform)
			cli_say("  inform: %s, the day a dispute becomes urgent", p->urgent->inform);
		if (p->urgent->same_stages)
			puts("  runs the normal stages, asked for a sooner agreed date at each");
		else
			puts("  a dispute may switch to it at any stage");
		if (p->urgent->back_from == p->urgent->back_to && p->urgent->back_from)
			printf("  return: after the route's stages, back to stage %d\n", p->urgent->back_from);
		else if (p->urgent->back_from)
			printf("  return: after the route's stages, back to stage %d %s %d\n", p->urgent->back_from,
			       p->urgent->back_to == p->urgent->back_from + 1 ? "or" : "to", p->urgent->back_to);
		if (!p->urgent->same_stages)
			stages_print(p->urgent->stages, p->urgent->nstages, true);
	}
	puts(p->local_categories ? "\nCategories (the file's own: the protocol names none)" : "\nCategories");
	for (size_t i = 0; i < p->ncategories; i++) {
		printf("  ");
		cli_put_col(p->categories[i].key, 22);
		cli_say("%s%s", p->categories[i].label,
		        p->categories[i].unclocked ? " (no stage clock until escalated)" : "");
	}
	if (p->nactions)
		puts("\nActions (on every stage's checklist)");
	for (size_t i = 0; i < p->nactions; i++)
		cli_say("  - %s", p->actions[i]);
	if (p->nnotices)
		puts("\nNotices");
	for (size_t i = 0; i < p->nnotices; i++)
		cli_say("  - %s", p->notices[i]);
}

int cmd_protocols(struct ctx *c, struct args *a)
{
	const struct protocol *p;

	for (size_t i = 0; i < c->protocols.nproblems; i++)
		cli_error("warning: %s", c->protocols.problems[i]);
	if (a->npos == 0) {
		for (size_t i = 0; i < c->protocols.n; i++) {
			p = c->protocols.v[i];
			cli_put_col(p->id, 22);
			printf("%2zu stages  ", p->nstages);
			cli_put_col(p->population, 9);
			cli_say("%s", p->title);
		}
		return EXIT_OK;
	}
	if (strcmp(a->pos[0], "show") != 0 || a->npos != 2) {
		fputs("dispute: usage: dispute protocols [show ID]\n", stderr);
		return EXIT_USAGE;
	}
	p = protocol_set_find(&c->protocols, a->pos[1]);
	if (!p) {
		struct error err;

		error_set(&err, ST_NOTFOUND, "unknown protocol '%s'", a->pos[1]);
		return cli_fail_mend(&err, MEND_PROTOCOLS);
	}
	/* A protocol is a file anyone may edit: every word of it is shown
	 * as stored text is, through the one sanitiser. */
	protocol_print(c, p);
	return EXIT_OK;
}

/* Says once, when a day counted lies in a year the published table does
 * not hold, that its bank holidays were worked out from the rules. */
static void workdays_note(struct ctx *c, const char *division, long from, long to)
{
	long first = calendar_rules_first(&c->cal, division, from, to);
	char note[256];

	if (first != DATE_NONE)
		cli_error("note: %s", calendar_rules_note(&c->cal, division, first, note, sizeof(note)));
}

int cmd_workdays(struct ctx *c, struct args *a)
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
			cli_error("'%s' is not a number of working days (0 to 3650)", a->pos[2]);
			return EXIT_USAGE;
		}
		if (workdays_add(&c->cal, division, from, (int)v, &to, &err) != ST_OK)
			return cli_fail(&err);
		puts(date_format(to, day));
		workdays_note(c, division, from, to);
		return EXIT_OK;
	}
	if (!cli_date_arg(a->pos[2], "date", &to))
		return EXIT_USAGE;
	if (workdays_between(&c->cal, division, from, to, &n, &err) != ST_OK)
		return cli_fail(&err);
	printf("%d\n", n);
	workdays_note(c, division, from, to);
	return EXIT_OK;
}

static int closure_print(long day, const char *agency, const char *reason, void *ctx)
{
	char iso[11];

	(void)ctx;
	cli_say("%s %s  %s%s%s", date_format(day, iso), date_weekday_name(day), agency ? agency : "every agency",
	        reason ? ": " : "", reason ? reason : "");
	return 0;
}

int cmd_closure(struct ctx *c, struct args *a)
{
	struct error err;
	const char *sub = a->pos[0];
	char iso[11], iso2[11], *whose = NULL;
	long day, to;
	int days = 0;
	enum status rc;

	if (strcmp(sub, "list") == 0 && a->npos == 1)
		return svc_closures_each(c, closure_print, NULL, &err) ? cli_fail(&err) : EXIT_OK;
	if ((strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0) || a->npos != 2) {
		fprintf(stderr, "dispute: usage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	if (!cli_date_arg(a->pos[1], "date", &day) || !cli_date_opt(a, "to", DATE_NONE, &to))
		return EXIT_USAGE;
	if (strcmp(sub, "remove") == 0 && (cli_opt(a, "to") || cli_opt(a, "reason"))) {
		fputs("dispute: closure remove takes one DATE (and --agency)\n", stderr);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "add") == 0)
		rc = svc_closure_add_for(c, day, to, cli_opt(a, "agency"), cli_opt(a, "reason"), &days, &whose, &err);
	else
		rc = svc_closure_remove_for(c, day, cli_opt(a, "agency"), &whose, &err);
	if (rc == ST_OK && strcmp(sub, "remove") == 0)
		cli_say("%s %s: %s open, a working day again", date_format(day, iso), date_weekday_name(day),
		        whose ? whose : "every agency");
	else if (rc == ST_OK && (to == DATE_NONE || to == day))
		cli_say("%s %s: %s closed, not a working day for its deadlines", date_format(day, iso),
		        date_weekday_name(day), whose);
	else if (rc == ST_OK)
		cli_say("%s to %s: %s closed on %d day%s (weekends left out), not working days for its deadlines",
		        date_format(day, iso), date_format(to, iso2), whose, days, days == 1 ? "" : "s");
	free(whose);
	return rc == ST_OK ? EXIT_OK : cli_fail(&err);
}

static int agency_print(const char *name, void *ctx)
{
	(void)ctx;
	cli_say("%s", name);
	return 0;
}

int cmd_agency(struct ctx *c, struct args *a)
{
	struct error err;
	long long id;

	if (strcmp(a->pos[0], "list") == 0 && a->npos == 1)
		return svc_agencies(c, agency_print, NULL, &err) ? cli_fail(&err) : EXIT_OK;
	if (strcmp(a->pos[0], "add") == 0 && a->npos == 2) {
		if (svc_agency_add(c, a->pos[1], &id, &err) != ST_OK)
			return cli_fail(&err);
		printf("agency #%lld\n", id);
		return EXIT_OK;
	}
	fputs("dispute: usage: dispute agency add NAME | agency list\n", stderr);
	return EXIT_USAGE;
}

int cmd_contact(struct ctx *c, struct args *a)
{
	struct contact ct = {0}, *list = NULL;
	struct error err;
	size_t n = 0;

	if (strcmp(a->pos[0], "list") == 0) {
		if (svc_contacts(c, cli_opt(a, "agency"), &list, &n, &err) != ST_OK)
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
	/* Borrowed from argv: the service checks and copies each field. */
	ct.agency = (char *)cli_opt(a, "agency");
	ct.name = (char *)cli_opt(a, "name");
	ct.role = (char *)cli_opt(a, "role");
	ct.email = (char *)cli_opt(a, "email");
	ct.phone = (char *)cli_opt(a, "phone");
	if (svc_contact_add(c, &ct, &err) != ST_OK)
		return cli_fail(&err);
	printf("contact #%lld added\n", ct.id);
	return EXIT_OK;
}

int cmd_config(struct ctx *c, struct args *a)
{
	static const char *const keys[] = { "name", "role", "email", "phone", "protocol", "alarms", "backup-days",
	                                    "sendmail", "agency" };
	struct config *cfg = &c->config;
	char **slots[] = { &cfg->name, &cfg->role, &cfg->email, &cfg->phone, &cfg->protocol, &cfg->alarms,
	                   &cfg->backup_days, &cfg->mail_command, &cfg->agency };
	struct error err;
	char why[256];
	bool changed = false;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = cli_opt(a, keys[i]);
		if (!v)
			continue;
		free(*slots[i]);
		*slots[i] = *v ? xstrdup(v) : NULL;
		changed = true;
	}
	if (cfg->email && cli_opt(a, "email") && !text_email_check(cfg->email, why, sizeof(why))) {
		cli_error("--email: '%s' is not an email address an invite can carry: %s", cfg->email, why);
		return EXIT_REFUSED;
	}
	if (cfg->alarms && ics_alarms_check(cfg->alarms, &err) != ST_OK)
		return cli_fail(&err);
	if (cfg->protocol && cli_opt(a, "protocol") && !protocol_set_find(&c->protocols, cfg->protocol)) {
		cli_error("--protocol: unknown protocol '%s' (see 'dispute protocols')", cfg->protocol);
		return EXIT_REFUSED;
	}
	if (config_backup_days(cfg) < 0) {
		cli_error("--backup-days: '%s' is not a number of days from 0 to 3650", cfg->backup_days);
		return EXIT_USAGE;
	}
	if (changed && !cfg->path) {
		fputs("dispute: no configuration directory: set HOME or XDG_CONFIG_HOME\n", stderr);
		return EXIT_REFUSED;
	}
	if (changed && ctx_config_save(c, &err) != ST_OK)
		return cli_fail(&err);
	{
		const char *labels[] = { "name:     ", "role:     ", "email:    ", "phone:    ", "protocol: " };

		for (size_t i = 0; i < 5; i++) {
			fputs(labels[i], stdout);
			cli_put_col(*slots[i] ? *slots[i] : "(not set)", 0);
			putchar('\n');
		}
		cli_say("alarms:   %s%s", cfg->alarms ? cfg->alarms : INVITE_DEFAULT_ALARMS, cfg->alarms ? "" : " (default)");
		if (config_backup_days(cfg) == 0)
			printf("backup:   no reminder%s\n", cfg->backup_days ? "" : " (default)");
		else
			printf("backup:   remind after %d days without one%s\n", config_backup_days(cfg),
			       cfg->backup_days ? "" : " (default)");
		fputs("sendmail: ", stdout);
		cli_put_col(cfg->mail_command ? cfg->mail_command : "(not set: dispute send needs one, or --eml FILE)", 0);
		putchar('\n');
		/* Said once set: closure days without --agency are its own. */
		if (cfg->agency)
			cli_say("agency:   %s", cfg->agency);
	}
	return EXIT_OK;
}
