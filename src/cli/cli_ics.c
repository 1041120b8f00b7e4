/* Commands for calendar invites: export-ics, send, reply, accept and counterpart; every invite that leaves is journalled with its place in the lifecycle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/date.h"
#include "dispute/ics.h"
#include "dispute/imip.h"
#include "dispute/invite.h"
#include "dispute/paths.h"
#include "dispute/text.h"

/* Largest reply file read: a calendar or a mail with one, attachments included. */
#define REPLY_MAX (4 * 1024 * 1024)

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
	char why[256];

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
	if (!text_email_check(cfg->email, why, sizeof(why)))
		return error_set(err, ST_INVALID, "your email address '%s' cannot go in an invite (%s); "
		                 "set it with dispute config --email ADDRESS", cfg->email, why);
	return ST_OK;
}

/* Where the messages of one command go. */
enum target_kind {
	TO_STDOUT,      /* the calendar on standard output */
	TO_FILE,        /* the calendar in one file */
	TO_DIR,         /* one calendar file per attendee and method, in a directory */
	TO_MAIL,        /* a mail through the mail command */
	TO_EML          /* a mail in one .eml file */
};

/* A file written under a temporary name, put in place once the journal
 * has kept it. */
struct pending {
	char *tmp, *path;
};

struct target {
	struct ctx *c;
	enum target_kind kind;
	const char *path;           /* TO_FILE, TO_DIR, TO_EML */
	enum paths_mode mode;
	struct invite_setup setup;
	int groups;                 /* calendars written or mails sent, in all */
	int messages;               /* events in them */
	int round, round_messages;  /* the same for the dispute being issued, until it is journalled */
	bool say_each;              /* print a line for each message (send) */
	struct pending *pending;    /* files of the dispute being issued */
	size_t npending;
	struct sb said;             /* the lines of the dispute being issued, printed once it is journalled */
	struct error settled;       /* a file that could not be put in place, or ST_OK */
};

/* The day and time now, against which a deadline has passed. */
static bool due_passed(const struct ctx *c, long day, int minute)
{
	return day < c->today || (day == c->today && minute != TIME_NONE && minute <= c->now_minute);
}

/* A request for a deadline that has already passed goes out all the
 * same, with a warning: the counterpart's calendar will show it late. */
static void warn_passed(const struct target *t, const struct dispute *d, const struct itip_msg *m, size_t n)
{
	char due[17];

	for (size_t i = 0; i < n; i++)
		if (m[i].method == ITIP_REQUEST && due_passed(t->c, m[i].due, m[i].due_minute))
			cli_error("warning: the deadline of stage %d of %s (%s) has already passed", m[i].stage, d->reference,
			          datetime_format(m[i].due, m[i].due_minute, due));
}

/* Writes bytes to a new private temporary file beside path, synced: it
 * becomes path when the journal has kept it (settle). */
static enum status write_pending(struct target *t, const char *path, const char *bytes, size_t len,
                                 struct error *err)
{
	char *tmp = NULL;
	FILE *f;
	enum status rc;

	if ((rc = paths_target_check(path, t->mode, err)) != ST_OK)
		return rc;
	if (!(f = paths_tmp_open(path, &tmp, err)))
		return err->code;
	if (fwrite(bytes, 1, len, f) != len)
		rc = error_set(err, ST_IO, "cannot write %s: %s", path, strerror(errno));
	/* A directory of files is synced once, all together (ready). */
	rc = t->kind == TO_DIR ? paths_tmp_flush(f, tmp, path, rc, err) : paths_tmp_sync(f, tmp, path, rc, err);
	if (rc != ST_OK) {
		free(tmp);
		return rc;
	}
	t->pending = xrealloc(t->pending, (t->npending + 1) * sizeof(*t->pending));
	t->pending[t->npending].tmp = tmp;
	t->pending[t->npending++].path = xstrdup(path);
	return ST_OK;
}

/* The delivery's settle: the files written are put in place when the
 * journal kept them, removed when it did not; what was said is printed. */
static void settle(void *arg, bool kept)
{
	struct target *t = arg;

	for (size_t i = 0; i < t->npending; i++) {
		struct error err;

		if (!kept)
			unlink(t->pending[i].tmp);
		else if (paths_tmp_place(t->pending[i].tmp, t->pending[i].path, t->mode, &err) != ST_OK &&
		         t->settled.code == ST_OK)
			t->settled = err;
	}
	/* The new names reach the disk with their directory (one for all). */
	if (kept && t->npending)
		paths_dir_sync(t->pending[0].path);
	for (size_t i = 0; i < t->npending; i++) {
		free(t->pending[i].tmp);
		free(t->pending[i].path);
	}
	free(t->pending);
	t->pending = NULL;
	t->npending = 0;
	if (kept && t->said.s)
		fputs(t->said.s, stdout);
	free(t->said.s);
	memset(&t->said, 0, sizeof(t->said));
	if (kept) {
		t->groups += t->round;
		t->messages += t->round_messages;
	}
	t->round = t->round_messages = 0;
}

/* The delivery's ready: a directory's files, written without a sync
 * each, reach the disk together before the journal says they were written. */
static enum status ready(void *arg, struct error *err)
{
	struct target *t = arg;

	return t->kind == TO_DIR && t->npending ? paths_sync_all(t->path, err) : ST_OK;
}

static enum status put_stdout(const char *bytes, size_t len, struct error *err)
{
	int e = 0;

	if (fwrite(bytes, 1, len, stdout) != len || fflush(stdout) != 0)
		e = errno;
	if (!e && !ferror(stdout))
		return ST_OK;
	if (e == EFBIG)
		return error_set(err, ST_IO, "standard output: file too large; the invites were not all written");
	return error_set(err, ST_IO, "cannot write the invites to standard output: %s", e ? strerror(e) : "write error");
}

/* svc_deliver_fn: one calendar (or mail) for messages to one attendee. */
static enum status deliver(void *arg, const struct dispute *d, const struct itip_msg *m, size_t n, char *how,
                           size_t howlen, struct error *err)
{
	struct target *t = arg;
	const struct protocol *p = protocol_set_find(&t->c->protocols, d->protocol);
	char *cal = NULL, *mail = NULL, *path = NULL;
	size_t len = 0, mlen = 0;
	enum status rc;

	if (t->round && (t->kind == TO_STDOUT || t->kind == TO_FILE || t->kind == TO_EML))
		return error_set(err, ST_REFUSED, "%s: the invites to %s cannot share a file with the others; write them "
		                 "into a directory with --owed --to DIR", d->reference, m[0].email);
	if ((rc = invite_build(&t->setup, d, p, m, n, &cal, &len, err)) != ST_OK)
		return rc;
	if (t->kind == TO_MAIL || t->kind == TO_EML)
		rc = imip_build(&t->setup, d, p, m, n, cal, len, &mail, &mlen, err);
	if (rc == ST_OK) {
		switch (t->kind) {
		case TO_STDOUT:
			rc = put_stdout(cal, len, err);
			snprintf(how, howlen, "written to standard output for");
			break;
		case TO_FILE:
			rc = write_pending(t, t->path, cal, len, err);
			snprintf(how, howlen, "written to %s for", t->path);
			break;
		case TO_DIR: {
			char *name = invite_file_name(d, &m[0]);

			path = xasprintf("%s/%s", t->path, name);
			free(name);
			rc = write_pending(t, path, cal, len, err);
			snprintf(how, howlen, "written to %s for", path);
			break;
		}
		case TO_MAIL:
			rc = svc_mail_send(t->c, mail, mlen, err);
			snprintf(how, howlen, "sent by mail to");
			break;
		case TO_EML:
			rc = write_pending(t, t->path, mail, mlen, err);
			snprintf(how, howlen, "written as a mail to %s for", t->path);
			break;
		}
	}
	if (rc == ST_OK) {
		warn_passed(t, d, m, n);
		t->round++;
		t->round_messages += (int)n;
		for (size_t i = 0; t->say_each && i < n; i++) {
			char *who = *m[i].name ? xasprintf("%s <%s>", m[i].name, m[i].email) : xstrdup(m[i].email);
			char *line = xasprintf("%s: %s for stage %d %s %s (%s, sequence %d)", d->reference,
			                       m[i].method == ITIP_CANCEL ? "cancellation" : "invite", m[i].stage, how, who,
			                       itip_method_name(m[i].method), m[i].sequence);
			char *clean = text_sanitize(line, false);

			sb_printf(&t->said, "%s\n", clean);
			free(clean);
			free(line);
			free(who);
		}
	}
	free(path);
	free(cal);
	free(mail);
	return rc;
}

/* The user as organizer, checked (asked for at a terminal), and the
 * setup every message of the command shares. */
static enum status target_ready(struct ctx *c, struct target *t, bool include_subject, bool *asked,
                                struct error *err)
{
	struct invite_organizer o;
	char stamp[17];
	enum status rc = organizer_ready(c, asked, err);

	if (rc != ST_OK)
		return rc;
	o = (struct invite_organizer){ c->config.name, c->config.email, c->config.phone, c->config.alarms };
	svc_stamp(c, stamp);
	t->c = c;
	return invite_setup_init(&t->setup, &o, stamp, include_subject, err);
}

/* The number of calendars plan's messages make: one per attendee and method. */
static int plan_groups(const struct itip_plan *plan)
{
	int n = 0;

	for (size_t i = 0; i < plan->n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = plan->v[j].method == plan->v[i].method && ascii_casecmp(plan->v[j].email, plan->v[i].email) == 0;
		n += !seen;
	}
	return n;
}

/* Refuses, before anything is written or journalled, a plan of several
 * calendars for a target that holds one. */
static enum status target_fits(const struct target *t, const char *ref, const struct itip_plan *plan,
                               struct error *err)
{
	int groups = plan_groups(plan);

	if (groups > 1 && t->kind == TO_EML)
		return error_set(err, ST_REFUSED, "%s: these %zu invites go to %d people or are both requests and "
		                 "cancellations, so they cannot share one mail: send them without --eml, or one stage at "
		                 "a time with --stage N", ref, plan->n, groups);
	if (groups > 1 && (t->kind == TO_STDOUT || t->kind == TO_FILE))
		return error_set(err, ST_REFUSED, "%s: these %zu invites go to %d people or are both requests and "
		                 "cancellations, so they cannot share one file: write those owed with --owed --to DIR, or "
		                 "send them with 'dispute send %s'", ref, plan->n, groups, ref);
	return ST_OK;
}

/* "2 invites owed: send them?" after a change, on standard error. */
void cli_owed_hint(struct ctx *c, const char *ref)
{
	struct error err;
	int n = 0;

	if (svc_invites_owed(c, ref, &n, &err) != ST_OK || n == 0)
		return;
	cli_error("%s: %d invite%s owed: send %s? 'dispute send %s' (or 'dispute export-ics %s --owed --to DIR')", ref,
	          n, n == 1 ? "" : "s", n == 1 ? "it" : "them", ref, ref);
}

/* The references fn collects: svc_list and svc_invites_owed_each read in
 * a snapshot, and each dispute is then issued in a change of its own. */
struct refs {
	char (*v)[16];
	size_t n;
};

static int ref_add(const struct dispute *d, void *arg)
{
	struct refs *r = arg;

	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	memcpy(r->v[r->n++], d->reference, 16);
	return 0;
}

static int ref_add_owed(const struct dispute *d, const struct itip_plan *plan, void *arg)
{
	(void)plan;
	return ref_add(d, arg);
}

/* A dispute passed over (no counterpart, no due date): a warning. */
static void skipped(const char *ref, const struct error *why, void *arg)
{
	struct sb sb = {0};

	(void)ref;
	(void)arg;
	sb_append(&sb, why->msg);
	cli_mend(why, &sb);
	cli_error("warning: skipped: %s", sb.s);
	free(sb.s);
}

/* Issues `which` for every dispute of refs into t, in one change (one
 * commit, the files synced together); a dispute refused (no counterpart,
 * no due date) is a warning, not a failure.  The first failure (a file,
 * a mail, the journal) stops the run: what went out before it is
 * journalled and in place. */
static enum status issue_each(struct ctx *c, struct target *t, const struct refs *refs, enum itip_which which,
                              struct error *err)
{
	struct svc_delivery dl = { deliver, settle, t, ready };
	enum status rc = svc_invite_issue_each(c, (const char (*)[16])refs->v, refs->n, which, &dl, skipped, NULL,
	                                       NULL, err);

	if (rc != ST_OK && t->messages)
		cli_error("%d invite%s written before this; the disputes after it were not", t->messages,
		          t->messages == 1 ? " was" : "s were");
	return rc;
}

int cmd_export_ics(struct ctx *c, struct args *a)
{
	struct target t;
	const char *to = cli_opt(a, "to"), *ref = a->npos ? a->pos[0] : NULL;
	bool cancel = cli_flag(a, "cancel"), all_stages = cli_flag(a, "all-stages"), open = cli_flag(a, "open");
	bool owed = cli_flag(a, "owed"), asked = false;
	struct dispute d;
	struct itip_plan plan = { NULL, 0 };
	struct refs refs = { NULL, 0 };
	struct error err;
	enum itip_which which = cancel ? ITIP_FOR_CANCEL : all_stages ? ITIP_FOR_LIVE : ITIP_FOR_CURRENT;
	enum status rc = ST_OK;
	int exit_rc = EXIT_REFUSED;

	memset(&t, 0, sizeof(t));
	t.mode = cli_flag(a, "force") ? PATHS_REPLACE : PATHS_NEW;
	if (open + owed + cancel > 1 || (open && ref)) {
		fputs("dispute: export-ics takes one of --open, --owed and --cancel, and --open no reference\n", stderr);
		fprintf(stderr, "usage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	if (!ref && !open && !owed) {
		fputs("dispute: export-ics needs a reference, --open for every open dispute, or --owed\n", stderr);
		fprintf(stderr, "usage: dispute %s\n", a->usage);
		return EXIT_USAGE;
	}
	if ((open || owed) && (!to || strcmp(to, "-") == 0)) {
		fprintf(stderr, "dispute: export-ics --%s needs --to DIR: one file for each dispute and attendee, so no "
		        "calendar mixes agencies\n", open ? "open" : "owed");
		return EXIT_USAGE;
	}
	if (owed)
		which = ITIP_FOR_OWED;
	/* "-" is standard output, as for most programs; a file of that name
	 * is written as ./- */
	if (to && strcmp(to, "-") == 0)
		to = NULL;
	if (cli_flag(a, "force") && !to) {
		fputs("dispute: export-ics: --force goes with --to FILE: it replaces that file\n", stderr);
		return EXIT_USAGE;
	}
	if (!to)
		t.kind = TO_STDOUT;
	else if (open || owed)
		t.kind = TO_DIR;
	else
		t.kind = TO_FILE;
	t.path = to;
	/* Refused before anything is asked or built. */
	if (t.kind == TO_FILE && (rc = paths_target_check(to, t.mode, &err)) != ST_OK)
		return cli_fail(&err);
	if (t.kind == TO_DIR && (rc = paths_mkdir_private(to, &err)) != ST_OK)
		return cli_fail(&err);
	dispute_init(&d);
	rc = target_ready(c, &t, cli_flag(a, "include-subject"), &asked, &err);
	if (rc != ST_OK)
		return cli_fail(&err);
	if (ref) {
		rc = svc_invite_plan(c, ref, which, 0, &d, &plan, &err);
		if (rc == ST_OK)
			rc = target_fits(&t, d.reference, &plan, &err);
		if (rc != ST_OK) {
			itip_plan_free(&plan);
			dispute_free(&d);
			return cli_fail(&err);
		}
		if (!plan.n) {
			cli_error("%s: no invites are owed", d.reference);
			itip_plan_free(&plan);
			dispute_free(&d);
			return EXIT_OK;
		}
	}
	itip_plan_free(&plan);
	if (t.setup.set.include_subject)
		fputs("dispute: warning: the invite names the subject; it leaves this machine with it\n", stderr);
	if (rc == ST_OK && ref) {
		struct svc_delivery dl = { deliver, settle, &t, ready };

		rc = svc_invite_issue(c, d.reference, which, 0, NULL, &dl, NULL, &err);
	} else if (rc == ST_OK) {
		struct list_filter f;

		list_filter_init(&f);
		f.which = LIST_OPEN;
		rc = open ? svc_list(c, &f, ref_add, &refs, &err) : svc_invites_owed_each(c, ref_add_owed, &refs, &err);
		if (rc == ST_OK)
			rc = issue_each(c, &t, &refs, which, &err);
		if (rc == ST_OK && open && !t.messages && refs.n)
			rc = error_set(&err, ST_REFUSED, "no deadline could be exported");
	}
	if (rc != ST_OK) {
		exit_rc = cli_fail(&err);
	} else if (!ref && !t.messages) {
		cli_error("no invites %s", open ? "to write: no dispute is open" : "are owed");
		exit_rc = EXIT_OK;
	} else if (to) {
		if (t.kind == TO_DIR)
			cli_error("%d invite%s written to %s (%d file%s)", t.messages, t.messages == 1 ? "" : "s", to, t.groups,
			          t.groups == 1 ? "" : "s");
		else
			cli_error("%d invite%s written to %s", t.messages, t.messages == 1 ? "" : "s", to);
		exit_rc = EXIT_OK;
	} else {
		exit_rc = EXIT_OK;
	}
	/* The details asked for are kept only once the invites are out, so a
	 * refused export leaves the settings as they were. */
	if (exit_rc == EXIT_OK && asked && c->config.path && ctx_config_save(c, &err) != ST_OK)
		cli_error("warning: your details were not saved: %s", err.msg);
	free(refs.v);
	dispute_free(&d);
	return exit_rc;
}

int cmd_send(struct ctx *c, struct args *a)
{
	struct target t;
	const char *eml = cli_opt(a, "eml"), *stage_opt = cli_opt(a, "stage");
	struct dispute d;
	struct itip_plan plan = { NULL, 0 };
	struct error err;
	enum itip_which which = ITIP_FOR_OWED;
	enum status rc;
	bool asked = false;
	long stage = 0;
	int owed = 0;
	char *end;

	memset(&t, 0, sizeof(t));
	t.mode = cli_flag(a, "force") ? PATHS_REPLACE : PATHS_NEW;
	t.kind = eml ? TO_EML : TO_MAIL;
	t.path = eml;
	t.say_each = true;
	if (cli_flag(a, "force") && !eml) {
		fputs("dispute: send: --force goes with --eml FILE: it replaces that file\n", stderr);
		return EXIT_USAGE;
	}
	if (stage_opt) {
		stage = strtol(stage_opt, &end, 10);
		if (*end || stage < 1 || stage > 99) {
			cli_error("--stage: '%s' is not a stage number", stage_opt);
			return EXIT_USAGE;
		}
		which = ITIP_FOR_STAGE;
	}
	if (eml && (rc = paths_target_check(eml, t.mode, &err)) != ST_OK)
		return cli_fail(&err);
	if (!eml && (!c->config.mail_command || !*c->config.mail_command)) {
		error_set(&err, ST_REFUSED, "no mail command is set to send it with");
		return cli_fail_mend(&err, MEND_SENDMAIL);
	}
	/* What is owed, else the current stage's invite again. */
	if (!stage && (rc = svc_invites_owed(c, a->pos[0], &owed, &err)) != ST_OK)
		return cli_fail(&err);
	if (!stage && !owed)
		which = ITIP_FOR_CURRENT;
	dispute_init(&d);
	rc = target_ready(c, &t, cli_flag(a, "include-subject"), &asked, &err);
	if (rc == ST_OK)
		rc = svc_invite_plan(c, a->pos[0], which, (int)stage, &d, &plan, &err);
	if (rc == ST_OK)
		rc = target_fits(&t, d.reference, &plan, &err);
	itip_plan_free(&plan);
	if (rc == ST_OK && t.setup.set.include_subject)
		fputs("dispute: warning: the invite names the subject; it leaves this machine with it\n", stderr);
	if (rc == ST_OK) {
		struct svc_delivery dl = { deliver, settle, &t, ready };

		rc = svc_invite_issue(c, d.reference, which, (int)stage, NULL, &dl, NULL, &err);
	}
	dispute_free(&d);
	if (rc != ST_OK)
		return cli_fail(&err);
	if (asked && c->config.path && ctx_config_save(c, &err) != ST_OK)
		cli_error("warning: your details were not saved: %s", err.msg);
	return EXIT_OK;
}

/* Reads FILE, or standard input for "-", whole. */
static enum status read_reply(const char *path, char **text, size_t *len, struct error *err)
{
	struct sb sb = {0};
	char buf[8192];
	size_t n;

	if (strcmp(path, "-") != 0)
		return paths_read_file(path, REPLY_MAX, text, len, err);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (sb.len + n > REPLY_MAX) {
			free(sb.s);
			return error_set(err, ST_INVALID, "standard input: more than %d bytes; not a reply", REPLY_MAX);
		}
		sb_appendn(&sb, buf, n);
	}
	if (ferror(stdin)) {
		free(sb.s);
		return error_set(err, ST_IO, "cannot read standard input");
	}
	*len = sb.len;
	*text = sb.s ? sb.s : xstrdup("");
	return ST_OK;
}

int cmd_reply(struct ctx *c, struct args *a)
{
	struct itip_reply r;
	struct itip_sent row;
	struct dispute d;
	struct error err;
	char *text = NULL, utc[17], ref[16], when[17], *shown;
	size_t len = 0;
	enum status rc;
	int stage = 0;

	itip_reply_init(&r);
	itip_sent_init(&row);
	dispute_init(&d);
	rc = read_reply(a->pos[0], &text, &len, &err);
	if (rc == ST_OK && (rc = imip_reply_read(text, len, &r, utc, &err)) != ST_OK) {
		char why[sizeof(err.msg)];

		snprintf(why, sizeof(why), "%s", err.msg);
		shown = text_sanitize(a->pos[0], false);
		error_set(&err, rc, "%s is not a reply to an invite: %s", shown, why);
		free(shown);
	}
	/* A proposal that names its zone is read in the protocol's. */
	if (rc == ST_OK)
		rc = svc_invite_lookup(c, r.uid, r.attendee, &d, &row, &err);
	if (rc == ST_OK && utc[0]) {
		const struct protocol *p = protocol_set_find(&c->protocols, d.protocol);

		rc = ics_utc_to_local(p ? p->timezone : PROTOCOL_TIMEZONE, utc, &r.proposed, &r.proposed_minute, &err);
	}
	if (rc == ST_OK)
		rc = svc_invite_reply(c, &r, ref, &stage, &err);
	if (rc == ST_OK && r.counter) {
		cli_say("%s: %s proposed %s for stage %d; take it as the agreed date with 'dispute accept %s'", ref,
		        r.attendee, datetime_format(r.proposed, r.proposed_minute, when), stage, ref);
	} else if (rc == ST_OK) {
		cli_say("%s: %s %s the invite for stage %d (sequence %d)", ref, r.attendee,
		        r.partstat == ITIP_ACCEPTED ? "accepted" : r.partstat == ITIP_DECLINED ? "declined"
		        : "tentatively accepted", stage, r.sequence);
	}
	free(text);
	itip_reply_free(&r);
	itip_sent_free(&row);
	dispute_free(&d);
	return rc == ST_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_accept(struct ctx *c, struct args *a)
{
	struct target t;
	struct dispute d;
	struct error err;
	const char *eml = cli_opt(a, "eml");
	const struct stage *st;
	enum status rc;
	bool asked = false;
	char due[17];

	memset(&t, 0, sizeof(t));
	t.mode = cli_flag(a, "force") ? PATHS_REPLACE : PATHS_NEW;
	t.kind = eml ? TO_EML : TO_MAIL;
	t.path = eml;
	t.say_each = true;
	if (eml && (rc = paths_target_check(eml, t.mode, &err)) != ST_OK)
		return cli_fail(&err);
	if (!eml && (!c->config.mail_command || !*c->config.mail_command)) {
		error_set(&err, ST_REFUSED, "no mail command is set to send the updated invite with");
		return cli_fail_mend(&err, MEND_SENDMAIL);
	}
	/* Everything the sending needs is checked before the date is agreed. */
	if ((rc = target_ready(c, &t, false, &asked, &err)) != ST_OK)
		return cli_fail(&err);
	dispute_init(&d);
	if ((rc = svc_invite_accept(c, a->pos[0], cli_opt(a, "from"), cli_opt(a, "reason"), &d, &err)) != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	st = dispute_current(&d);
	cli_say("%s: stage %d due %s, as proposed (recorded in the journal)", d.reference, st->number,
	        datetime_format(st->due, st->due_minute, due));
	{
		struct svc_delivery dl = { deliver, settle, &t, ready };

		rc = svc_invite_issue(c, d.reference, ITIP_FOR_OWED, 0, NULL, &dl, NULL, &err);
	}
	if (rc != ST_OK) {
		cli_fail(&err);
		cli_error("%s: the date is agreed, but the updated invite did not go: send it with 'dispute send %s'",
		          d.reference, d.reference);
		dispute_free(&d);
		return EXIT_REFUSED;
	}
	if (asked && c->config.path && ctx_config_save(c, &err) != ST_OK)
		cli_error("warning: your details were not saved: %s", err.msg);
	dispute_free(&d);
	return EXIT_OK;
}

int cmd_counterpart(struct ctx *c, struct args *a)
{
	struct dispute d;
	struct contact ct;
	struct error err;
	long long id;
	long stage = 0;
	char *end;

	if (cli_opt(a, "stage")) {
		stage = strtol(cli_opt(a, "stage"), &end, 10);
		if (*end || stage < 1 || stage > 99) {
			cli_error("--stage: '%s' is not a stage number", cli_opt(a, "stage"));
			return EXIT_USAGE;
		}
	}
	dispute_init(&d);
	/* A name is looked for first among the dispute's other agencies. */
	if (svc_load(c, a->pos[0], &d, NULL, NULL, &err) != ST_OK)
		return cli_fail(&err);
	if (svc_contact_find(c, a->pos[1], &d, &id, &err) != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	if (svc_counterpart(c, a->pos[0], (int)stage, id, &d, &err) != ST_OK) {
		dispute_free(&d);
		return cli_fail(&err);
	}
	if (svc_contact(c, id, &ct, &err) == ST_OK) {
		cli_say("%s: counterpart for stage %ld is contact %lld (%s)", d.reference, stage ? stage : d.current_stage, id,
		        ct.name);
		contact_free(&ct);
	}
	cli_owed_hint(c, d.reference);
	dispute_free(&d);
	return EXIT_OK;
}
