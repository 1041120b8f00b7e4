/* Commands for calendar invites: export-ics and counterpart. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"
#include "dispute/ics.h"
#include "dispute/invite.h"
#include "dispute/paths.h"
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

/* Makes sure the organizer's name and email are known, asking once when
 * a person is at the terminal; *asked says whether anything was asked,
 * for the caller to save once the invites are written. */
static enum status organizer_ready(struct ctx *c, bool *asked, struct error *err)
{
	struct config *cfg = &c->config;

	*asked = false;
	if (!cfg->name) {
		cfg->name = ask("Your name, as the organizer of invites");
		*asked |= cfg->name != NULL;
	}
	if (!cfg->email || !text_email_ok(cfg->email)) {
		char *e = ask("Your email address, where the other agency replies");
		if (e) {
			free(cfg->email);
			cfg->email = e;
			*asked = true;
		}
	}
	if (!cfg->name || !cfg->email)
		return error_set(err, ST_REFUSED, "invites need your name and email: "
		                 "dispute config --name NAME --email ADDRESS");
	if (!text_email_ok(cfg->email))
		return error_set(err, ST_INVALID, "your email address '%s' cannot go in an invite; "
		                 "set it with dispute config --email ADDRESS", cfg->email);
	return ST_OK;
}

/* Writes the whole calendar in mem to standard output.  Returns EXIT_OK,
 * or EXIT_REFUSED after saying why (a closed pipe, a file-size limit). */
static int put_stdout(const char *mem, size_t len)
{
	int e = 0;

	if (fwrite(mem, 1, len, stdout) != len || fflush(stdout) != 0)
		e = errno;
	if (!e && !ferror(stdout))
		return EXIT_OK;
	if (e == EFBIG)
		cli_error("standard output: file too large; the invites were not all written");
	else
		cli_error("cannot write the invites to standard output: %s", e ? strerror(e) : "write error");
	return EXIT_REFUSED;
}

struct bulk {
	struct ctx *c;
	struct ics_writer *w;
	const struct ics_settings *set;
	const struct invite_people *people;
	bool all_stages;
	int written, skipped;
	enum status rc;         /* a failure that stopped the export, said in *err */
	struct error *err;
};

/* A dispute left out of a bulk export is a warning, not a failure. */
static void bulk_skip(const struct error *why, void *arg)
{
	struct sb sb = {0};

	(void)arg;
	sb_append(&sb, why->msg);
	cli_mend(why, &sb);
	cli_error("warning: skipped: %s", sb.s);
	free(sb.s);
}

/* One dispute's invites; a failure (the file cannot be written) stops the
 * export, and the caller says why once. */
static int bulk_row(const struct dispute *d, void *arg)
{
	struct bulk *b = arg;

	b->rc = invite_dispute(b->w, b->set, d, protocol_set_find(&b->c->protocols, d->protocol), b->people,
	                       d->nstages, b->all_stages, bulk_skip, NULL, &b->written, &b->skipped, b->err);
	return b->rc != ST_OK;
}

/* Every open dispute's deadline, streamed event by event into out. */
static enum status export_bulk(struct ctx *c, const struct invite_setup *s, const struct invite_people *people,
                               bool all_stages, FILE *out, int *written, struct error *err)
{
	struct bulk b = { c, NULL, &s->set, people, all_stages, 0, 0, ST_OK, err };
	struct list_filter f;
	enum status rc;

	if ((rc = ics_begin(out, false, &b.w, err)) != ST_OK)
		return rc;
	list_filter_init(&f);
	f.which = LIST_OPEN;
	rc = svc_list(c, &f, bulk_row, &b, err);
	if (rc == ST_OK)
		rc = b.rc;
	if (rc == ST_OK && b.written + b.skipped > 0 && !b.written)
		rc = error_set(err, ST_REFUSED, "no deadline could be exported");
	if (rc == ST_OK)
		rc = ics_end(b.w, err);
	else
		ics_end(b.w, NULL);
	*written = b.written;
	return rc;
}

int cmd_export_ics(struct ctx *c, struct args *a)
{
	struct invite_organizer o;
	struct invite_people people;
	struct invite_setup s;
	const char *to = cli_opt(a, "to");
	char *tmp = NULL, *mem = NULL, *uid = NULL, stamp[17];
	struct contact *contacts = NULL;
	size_t memlen = 0, n, ncontacts = 0;
	struct dispute d;
	struct error err;
	enum status rc;
	enum paths_mode mode = cli_flag(a, "force") ? PATHS_REPLACE : PATHS_NEW;
	FILE *out = NULL;
	bool cancel = cli_flag(a, "cancel"), all_stages = cli_flag(a, "all-stages"), bulk = cli_flag(a, "open");
	bool asked = false;
	int written = 0, exit_rc = EXIT_REFUSED;

	if ((a->npos == 1) == bulk) {
		fputs("dispute: export-ics needs a reference, or --open for every open dispute\n", stderr);
		fprintf(stderr, "usage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	if (bulk && cancel) {
		fputs("dispute: export-ics: --cancel goes with one reference, not --open\n", stderr);
		return EXIT_USAGE;
	}
	if (bulk && !to) {
		fputs("dispute: export-ics --open needs --to FILE (or --to - for standard output): "
		      "the calendar is written whole or not at all\n", stderr);
		return EXIT_USAGE;
	}
	/* "-" is standard output, as for most programs; a file of that name
	 * is written as ./- */
	if (to && strcmp(to, "-") == 0)
		to = NULL;
	if (cli_flag(a, "force") && !to) {
		fputs("dispute: export-ics: --force goes with --to FILE: it replaces that file\n", stderr);
		return EXIT_USAGE;
	}
	/* Refused before anything is asked or built. */
	if (to && (rc = paths_target_check(to, mode, &err)) != ST_OK)
		return cli_fail(&err);
	dispute_init(&d);
	if (!bulk && (rc = svc_load(c, a->pos[0], &d, NULL, NULL, &err)))
		return cli_fail(&err);
	if (!bulk && invite_scope(&d, cancel, all_stages, &n, &err) != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	rc = organizer_ready(c, &asked, &err);
	o = (struct invite_organizer){ c->config.name, c->config.email, c->config.phone, c->config.alarms };
	svc_stamp(c, stamp);
	/* Every contact once, looked up in memory for each invite. */
	if (rc == ST_OK)
		rc = svc_contacts(c, NULL, &contacts, &ncontacts, &err);
	if (rc == ST_OK)
		rc = svc_setting(c, "uid", &uid, &err);
	if (rc == ST_OK)
		rc = invite_setup_init(&s, &o, uid, stamp, cli_flag(a, "include-subject"), &err);
	invite_people_init(&people, contacts, ncontacts);
	if (rc == ST_OK && s.set.include_subject)
		fputs("dispute: warning: the invite names the subject; it leaves this machine with it\n", stderr);
	/* A file is written under a temporary name and put in place whole;
	 * standard output gets the calendar built in memory first, so a
	 * refusal half way prints nothing there either. */
	if (rc == ST_OK) {
		if (to) {
			out = paths_tmp_open(to, &tmp, &err);
		} else if (!(out = open_memstream(&mem, &memlen))) {
			error_set(&err, ST_NOMEM, "cannot build the invites: %s", strerror(errno));
		}
		if (!out)
			rc = err.code;
	}
	if (rc == ST_OK) {
		if (bulk)
			rc = export_bulk(c, &s, &people, all_stages, out, &written, &err);
		else
			rc = invite_build(&s, &d, protocol_set_find(&c->protocols, d.protocol), &people, cancel, all_stages, out,
			                  &written, &err);
		if (tmp) {
			rc = paths_tmp_close(out, tmp, to, mode, rc, &err);
		} else {
			if (fclose(out) != 0 && rc == ST_OK)
				rc = error_set(&err, ST_NOMEM, "cannot build the invites: %s", strerror(errno));
			if (rc == ST_OK)
				exit_rc = put_stdout(mem, memlen);
			free(mem);
		}
	}
	/* Standard output has said how it went (put_stdout); a file says it here. */
	if (rc != ST_OK) {
		exit_rc = cli_fail(&err);
	} else if (to) {
		cli_error("%d invite%s written to %s", written, written == 1 ? "" : "s", to);
		exit_rc = EXIT_OK;
	}
	/* The details asked for are kept only once the invites are out, so a
	 * refused export leaves the settings as they were. */
	if (exit_rc == EXIT_OK && asked && c->config.path && ctx_config_save(c, &err) != ST_OK)
		cli_error("warning: your details were not saved: %s", err.msg);
	for (size_t i = 0; i < ncontacts; i++)
		contact_free(&contacts[i]);
	free(contacts);
	free(uid);
	dispute_free(&d);
	return exit_rc;
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
		cli_error("'%s' is not a contact number (see 'dispute contact list')", a->pos[1]);
		return EXIT_USAGE;
	}
	if (cli_opt(a, "stage")) {
		stage = strtol(cli_opt(a, "stage"), &end, 10);
		if (*end || stage < 1 || stage > 99) {
			cli_error("--stage: '%s' is not a stage number", cli_opt(a, "stage"));
			return EXIT_USAGE;
		}
	}
	dispute_init(&d);
	if (svc_counterpart(c, a->pos[0], (int)stage, id, &d, &err) != ST_OK)
		return cli_fail(&err);
	cli_say("%s: counterpart for stage %ld is contact %lld", d.reference, stage ? stage : d.current_stage, id);
	dispute_free(&d);
	return EXIT_OK;
}
