/* Commands for calendar invites: export-ics, counterpart, and the user's settings (config). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dispute/cli.h"
#include "dispute/cli_impl.h"
#include "dispute/date.h"
#include "dispute/ics.h"
#include "dispute/text.h"

/* Asks on the terminal for a missing setting; NULL when there is no
 * terminal to ask (scripts get an error that says what to set). */
static char *ask(const char *question)
{
	char buf[512];
	size_t n;

	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return NULL;
	fprintf(stderr, "%s: ", question);
	if (!fgets(buf, sizeof(buf), stdin))
		return NULL;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n ? xstrdup(buf) : NULL;
}

/* Makes sure the organizer's name and email are known, asking once and
 * saving them when a person is at the terminal. */
static enum status organizer_ready(struct ctx *c, struct error *err)
{
	struct config *cfg = &c->config;
	bool asked = false;

	if (!cfg->name) {
		cfg->name = ask("Your name, as the organizer of invites");
		asked |= cfg->name != NULL;
	}
	if (!cfg->email || !ics_email_ok(cfg->email)) {
		char *e = ask("Your email address, where the other agency replies");
		if (e) {
			free(cfg->email);
			cfg->email = e;
			asked = true;
		}
	}
	if (!cfg->name || !cfg->email)
		return error_set(err, ST_REFUSED, "invites need your name and email: "
		                 "dispute config --name NAME --email ADDRESS");
	if (!ics_email_ok(cfg->email))
		return error_set(err, ST_INVALID, "your email address '%s' cannot go in an invite; "
		                 "set it with dispute config --email ADDRESS", cfg->email);
	if (asked && cfg->path)
		return config_save(cfg, err);
	return ST_OK;
}

/* When the export is made: DISPUTE_DTSTAMP pins it for exact tests. */
static void dtstamp_now(char out[17])
{
	const char *env = getenv("DISPUTE_DTSTAMP");
	time_t now = time(NULL);
	struct tm tm;

	if (env && strlen(env) == 16) {
		memcpy(out, env, 17);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

struct export {
	struct ctx *c;
	struct ics_writer *w;
	struct ics_settings set;
	bool all_stages, bulk;
	int written, skipped;
};

static enum status export_stage(struct export *x, const struct dispute *d, const struct stage *st,
                                struct error *err)
{
	struct ics_item it = { d, protocol_set_find(&x->c->protocols, d->protocol), st, { NULL, NULL } };
	struct contact ct = {0};
	enum status rc;

	if (st->due == DATE_NONE)
		return error_set(err, ST_REFUSED, "stage %d of %s has no due date yet (agree one with 'dispute due')",
		                 st->number, d->reference);
	if (!st->contact_id)
		return error_set(err, ST_REFUSED, "stage %d of %s has no counterpart manager; name one with "
		                 "'dispute counterpart %s CONTACT'", st->number, d->reference, d->reference);
	if ((rc = store_contact_get(x->c->store, st->contact_id, &ct, err)))
		return rc;
	it.attendee.name = ct.name;
	it.attendee.email = ct.email;
	rc = ics_event(x->w, &x->set, &it, err);
	contact_free(&ct);
	return rc;
}

/* Exports one dispute's deadlines among its first n stages: the last of
 * them, or all of them with --all-stages. */
static enum status export_dispute(struct export *x, const struct dispute *d, size_t n, struct error *err)
{
	enum status rc = ST_OK;

	for (size_t i = x->all_stages ? 0 : n - 1; i < n && rc == ST_OK; i++) {
		const struct stage *st = &d->stages[i];

		if (x->all_stages && st->due == DATE_NONE)
			continue;
		rc = export_stage(x, d, st, err);
		if (rc == ST_OK) {
			x->written++;
		} else if (x->bulk && rc == ST_REFUSED) {
			fprintf(stderr, "dispute: warning: skipped: %s\n", err->msg);
			x->skipped++;
			rc = ST_OK;
		}
	}
	return rc;
}

static int export_row(const struct dispute *d, void *arg)
{
	struct export *x = arg;
	struct error err;

	return export_dispute(x, d, d->nstages, &err) == ST_OK ? 0 : (fprintf(stderr, "dispute: %s\n", err.msg), 1);
}

/* Opens FILE.tmp (0600) to be renamed over FILE when complete. */
static FILE *open_output(const char *to, char **tmp, struct error *err)
{
	FILE *f;
	int fd;

	*tmp = xasprintf("%s.tmp", to);
	fd = open(*tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		error_set(err, ST_IO, "cannot write %s: %s", *tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return f;
}

int cmd_export_ics(struct ctx *c, struct args *a)
{
	struct export x;
	const char *to = cli_opt(a, "to");
	char stamp[17], *uid = NULL, *tmp = NULL;
	struct dispute d;
	struct error err;
	enum status rc;
	FILE *out = stdout;
	bool cancel = cli_flag(a, "cancel");

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.all_stages = cli_flag(a, "all-stages");
	x.bulk = cli_flag(a, "open");
	if ((a->npos == 1) == x.bulk) {
		fputs("dispute: export-ics needs a reference, or --open for every open dispute\n"
		      "usage: dispute export-ics REF [--to FILE] [--all-stages] [--cancel] [--include-subject] | "
		      "export-ics --open --to FILE\n", stderr);
		return EXIT_USAGE;
	}
	if (x.bulk && cancel) {
		fputs("dispute: export-ics: --cancel goes with one reference, not --open\n", stderr);
		return EXIT_USAGE;
	}
	dispute_init(&d);
	if (!x.bulk && (rc = store_dispute_load(c->store, a->pos[0], &d, &err)))
		return cli_fail(&err);
	if (!x.bulk && cancel && d.status == DS_OPEN && !x.all_stages) {
		error_set(&err, ST_REFUSED, "%s is open and its deadline stands; a moved deadline is re-sent as a "
		          "request, and a closed dispute's invites can be cancelled", d.reference);
		dispute_free(&d);
		return cli_fail(&err);
	}
	rc = organizer_ready(c, &err);
	if (rc == ST_OK)
		rc = store_meta_get(c->store, "uid", &uid, &err);
	if (rc == ST_OK && c->config.alarms)
		rc = ics_alarms_check(c->config.alarms, &err);
	if (rc != ST_OK) {
		dispute_free(&d);
		free(uid);
		return cli_fail(&err);
	}
	dtstamp_now(stamp);
	x.set.organizer.name = c->config.name;
	x.set.organizer.email = c->config.email;
	x.set.phone = c->config.phone;
	x.set.alarms = c->config.alarms ? c->config.alarms : CONFIG_DEFAULT_ALARMS;
	x.set.include_subject = cli_flag(a, "include-subject");
	x.set.dtstamp = stamp;
	x.set.uid_host = uid ? uid : "local";
	if (x.set.include_subject)
		fputs("dispute: warning: the invite names the subject; it leaves this machine with it\n", stderr);
	/* One dispute's invites are built in memory, so a refusal half way
	 * prints nothing; a bulk export streams to its file. */
	char *mem = NULL;
	size_t memlen = 0;
	if (to)
		out = open_output(to, &tmp, &err);
	else if (!x.bulk)
		out = open_memstream(&mem, &memlen);
	if (!out) {
		if (!to)
			error_set(&err, ST_NOMEM, "cannot build the invites: %s", strerror(errno));
		dispute_free(&d);
		free(uid);
		return cli_fail(&err);
	}
	rc = ics_begin(out, cancel, &x.w, &err);
	if (rc == ST_OK) {
		if (x.bulk) {
			struct list_filter f;
			list_filter_init(&f);
			f.which = LIST_OPEN;
			rc = store_list(c->store, &f, export_row, &x, &err);
			if (rc == ST_OK && x.written + x.skipped > 0 && !x.written)
				rc = error_set(&err, ST_REFUSED, "no deadline could be exported");
		} else {
			/* Cancelling an open dispute's invites only touches stages that ended. */
			size_t n = cancel && d.status == DS_OPEN ? d.nstages - 1 : d.nstages;

			rc = n ? export_dispute(&x, &d, n, &err)
			               : error_set(&err, ST_REFUSED, "%s has no ended stage to cancel", d.reference);
		}
		if (rc == ST_OK)
			rc = ics_end(x.w, &err);
		else
			ics_end(x.w, NULL);
	}
	if (tmp) {
		if (fclose(out) != 0 && rc == ST_OK)
			rc = error_set(&err, ST_IO, "cannot write %s: %s", tmp, strerror(errno));
		if (rc == ST_OK && rename(tmp, to) != 0)
			rc = error_set(&err, ST_IO, "cannot write %s: %s", to, strerror(errno));
		if (rc != ST_OK)
			unlink(tmp);
		free(tmp);
	} else if (!x.bulk) {
		fclose(out);
		if (rc == ST_OK)
			fwrite(mem, 1, memlen, stdout);
		free(mem);
	}

	if (rc == ST_OK && to)
		fprintf(stderr, "dispute: %d invite%s written to %s\n", x.written, x.written == 1 ? "" : "s", to);
	dispute_free(&d);
	free(uid);
	return rc == ST_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_counterpart(struct ctx *c, struct args *a)
{
	struct dispute d;
	struct error err;
	long long id;
	long stage = 0;
	char *end;

	errno = 0;
	id = strtoll(a->pos[1], &end, 10);
	if (errno || *end || id <= 0) {
		fprintf(stderr, "dispute: '%s' is not a contact number (see 'dispute contact list')\n", a->pos[1]);
		return EXIT_USAGE;
	}
	if (cli_opt(a, "stage")) {
		stage = strtol(cli_opt(a, "stage"), &end, 10);
		if (*end || stage < 1 || stage > 99) {
			fprintf(stderr, "dispute: --stage: '%s' is not a stage number\n", cli_opt(a, "stage"));
			return EXIT_USAGE;
		}
	}
	dispute_init(&d);
	if (svc_counterpart(c, a->pos[0], (int)stage, id, &d, &err) != ST_OK)
		return cli_fail(&err);
	printf("%s: counterpart for stage %ld is contact %lld\n", d.reference, stage ? stage : d.current_stage, id);
	dispute_free(&d);
	return EXIT_OK;
}

int cmd_config(struct ctx *c, struct args *a)
{
	static const char *const keys[] = { "name", "email", "phone", "alarms" };
	struct config *cfg = &c->config;
	char **slots[] = { &cfg->name, &cfg->email, &cfg->phone, &cfg->alarms };
	struct error err;
	bool changed = false;

	for (size_t i = 0; i < 4; i++) {
		const char *v = cli_opt(a, keys[i]);
		if (!v)
			continue;
		free(*slots[i]);
		*slots[i] = *v ? xstrdup(v) : NULL;
		changed = true;
	}
	if (cfg->email && cli_opt(a, "email") && !ics_email_ok(cfg->email)) {
		fprintf(stderr, "dispute: --email: '%s' is not an email address\n", cfg->email);
		return EXIT_REFUSED;
	}
	if (cfg->alarms && ics_alarms_check(cfg->alarms, &err) != ST_OK)
		return cli_fail(&err);
	if (changed && !cfg->path) {
		fputs("dispute: no configuration directory: set HOME or XDG_CONFIG_HOME\n", stderr);
		return EXIT_REFUSED;
	}
	if (changed && config_save(cfg, &err) != ST_OK)
		return cli_fail(&err);
	printf("name:   %s\nemail:  %s\nphone:  %s\nalarms: %s%s\n", cfg->name ? cfg->name : "(not set)",
	       cfg->email ? cfg->email : "(not set)", cfg->phone ? cfg->phone : "(not set)",
	       cfg->alarms ? cfg->alarms : CONFIG_DEFAULT_ALARMS,
	       cfg->alarms ? "" : " (default)");
	return EXIT_OK;
}
