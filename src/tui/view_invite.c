/* The workbench's calendar invite: the user's details and the counterpart asked for when missing, a preview of the exact message, then a private write or a mail; and the question of the invites a change has left owed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "dispute/config.h"
#include "dispute/date.h"
#include "form.h"
#include "dispute/ics.h"
#include "dispute/imip.h"
#include "dispute/invite.h"
#include "dispute/text.h"
#include "dispute/paths.h"
#include "view_invite.h"

enum invite_step {
	IS_ORGANIZER,     /* the user's name, email and phone, saved to the config */
	IS_PICK,          /* choose the counterpart among the other agency's contacts */
	IS_CONTACT,       /* add a contact at the other agency */
	IS_PREVIEW,       /* the calendar text as it will be written */
	IS_PATH,          /* editing the file name under the preview */
	IS_REPLACE,       /* a file of that name exists: only Ctrl-S replaces it */
	IS_PASSED,        /* the deadline has passed: only Ctrl-S sends the invite all the same */
	IS_OWED           /* after a change: "2 invites owed: send them?" */
};

#define INVITE_FIELDS 3

struct invite_view {
	enum invite_step step;
	char ref[16];
	int stage;
	bool cancel;                    /* the message shown is a CANCEL */
	bool include_subject;
	bool mail;                      /* Ctrl-S sends it by mail rather than writing the file */
	bool passed_ok;                 /* the user said to send a passed deadline's invite all the same */
	enum paths_mode pending;        /* IS_PASSED: how the file is to be written once confirmed */
	enum itip_which which;          /* what the preview shows: the first group of these */
	struct itip_plan group;         /* the messages of the preview: one attendee, one method */
	int owed;                       /* how many messages are owed in all */
	char stamp[17];                 /* the DTSTAMP of the preview, so what is sent is what was shown */
	char *agency;                   /* the other agency, owned */
	struct contact *contacts;       /* IS_PICK: the other agency's contacts, owned */
	size_t ncontacts;
	int sel, top;
	struct textedit field[INVITE_FIELDS];
	int focus;
	char msg[sizeof(((struct error *)0)->msg)];  /* a problem shown inside the form or list */
	struct textedit path;           /* where the file goes; "~/" is the home directory */
	char **owed_lines;              /* IS_OWED: one line per message owed */
	size_t nowed_lines;
	char *path_before;              /* IS_PATH: the path to go back to on Esc */
	char *text;                     /* the calendar exactly as it will be written */
	size_t len;
	char **lines;                   /* text split at CRLF for display */
	size_t nlines;
	char attendee[600];             /* "Name <email>" */
	int scroll;
};

static const char *const organizer_labels[INVITE_FIELDS] = { "Name", "Email", "Phone" };
static const char *const organizer_hints[INVITE_FIELDS] = {
	"Shown as the organizer of the invite and in \"call back\".",
	"Where the other agency's reply goes: it must be a real address.",
	"Optional: the callback number written in the invite.",
};
static const char *const contact_labels[INVITE_FIELDS] = { "Name", "Role", "Email" };
static const char *const contact_hints[INVITE_FIELDS] = {
	"The manager at the other agency who deals with this stage.",
	"Optional: their role, e.g. Team manager.",
	"The invite is addressed to them here.",
};

static void lines_clear(struct invite_view *v)
{
	for (size_t i = 0; i < v->nlines; i++)
		free(v->lines[i]);
	free(v->lines);
	v->lines = NULL;
	v->nlines = 0;
}

static void contacts_clear(struct invite_view *v)
{
	for (size_t i = 0; i < v->ncontacts; i++)
		contact_free(&v->contacts[i]);
	free(v->contacts);
	v->contacts = NULL;
	v->ncontacts = 0;
}

static void owed_clear(struct invite_view *v)
{
	for (size_t i = 0; i < v->nowed_lines; i++)
		free(v->owed_lines[i]);
	free(v->owed_lines);
	v->owed_lines = NULL;
	v->nowed_lines = 0;
}

void invite_close(struct app *a)
{
	struct invite_view *v = a->invite;

	if (!v)
		return;
	lines_clear(v);
	contacts_clear(v);
	owed_clear(v);
	itip_plan_free(&v->group);
	for (int i = 0; i < INVITE_FIELDS; i++)
		textedit_free(&v->field[i]);
	textedit_free(&v->path);
	free(v->path_before);
	free(v->agency);
	free(v->text);
	free(v);
	a->invite = NULL;
	if (a->mode == MODE_INVITE)
		a->mode = MODE_NORMAL;
}

/* Closes the view with err in the status line. */
static unsigned invite_fail(struct app *a, const struct error *err)
{
	invite_close(a);
	app_error(a, err);
	return APP_REDRAW;
}

static unsigned invite_refuse(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static unsigned invite_refuse(struct app *a, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	invite_close(a);
	app_status(a, true, "%s", buf);
	return APP_REDRAW;
}

/* A new copy of the field's text, cleaned and without surrounding blanks. */
static char *field_value(const struct textedit *t)
{
	char *v = text_sanitize(textedit_text(t), false), *start = v, *end;

	while (*start == ' ')
		start++;
	end = start + strlen(start);
	while (end > start && end[-1] == ' ')
		*--end = '\0';
	memmove(v, start, strlen(start) + 1);
	return v;
}

static void fields_set(struct invite_view *v, const char *a, const char *b, const char *c)
{
	textedit_set(&v->field[0], a);
	textedit_set(&v->field[1], b);
	textedit_set(&v->field[2], c);
	v->focus = 0;
}

/* Splits the built calendar into display lines at its CRLF line ends. */
static void lines_split(struct invite_view *v)
{
	const char *p = v->text, *end = v->text + v->len;

	lines_clear(v);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		v->lines = xrealloc(v->lines, (v->nlines + 1) * sizeof(*v->lines));
		v->lines[v->nlines++] = xstrndup(p, n);
		p = nl ? nl + 1 : end;
	}
}

/* The user as the organizer of invites, from the settings (borrowed). */
static struct invite_organizer organizer_of(const struct config *cfg)
{
	struct invite_organizer o = { cfg->name, cfg->email, cfg->phone, cfg->alarms };

	return o;
}

/* The setup of the preview's messages, with the settings as they are now. */
static enum status setup_of(struct app *a, struct invite_setup *s, struct error *err)
{
	struct invite_organizer o = organizer_of(&a->c->config);

	return invite_setup_init(s, &o, a->invite->stamp, a->invite->include_subject, err);
}

/* Builds the calendar of the group of d into v->text. */
static enum status preview_build(struct app *a, const struct dispute *d, struct error *err)
{
	struct invite_view *v = a->invite;
	struct invite_setup s;
	char *mem = NULL;
	size_t len = 0;
	enum status rc;

	if ((rc = setup_of(a, &s, err)) != ST_OK)
		return rc;
	rc = invite_build(&s, d, protocol_set_find(&a->c->protocols, d->protocol), v->group.v, v->group.n, &mem, &len,
	                  err);
	if (rc != ST_OK)
		return rc;
	free(v->text);
	v->text = mem;
	v->len = len;
	lines_split(v);
	return ST_OK;
}

/* Opens the list of the other agency's contacts, or the form for a new
 * one when there are none. */
static unsigned pick_open(struct app *a, const char *why)
{
	struct invite_view *v = a->invite;
	struct error err;

	contacts_clear(v);
	error_clear(&err);
	if (svc_contacts(a->c, v->agency, &v->contacts, &v->ncontacts, &err) != ST_OK)
		return invite_fail(a, &err);
	v->sel = v->top = 0;
	if (v->ncontacts == 0) {
		v->step = IS_CONTACT;
		fields_set(v, NULL, NULL, NULL);
		snprintf(v->msg, sizeof(v->msg), "%s", why ? why : "");
		return APP_REDRAW;
	}
	v->step = IS_PICK;
	snprintf(v->msg, sizeof(v->msg), "%s", why ? why : "");
	return APP_REDRAW;
}

/* Keeps the first group of plan (one attendee, one method) as the preview's. */
static void group_take(struct invite_view *v, struct itip_plan *plan)
{
	size_t keep = 0;

	itip_plan_free(&v->group);
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->v[i].method == plan->v[0].method && ascii_casecmp(plan->v[i].email, plan->v[0].email) == 0) {
			plan->v[keep++] = plan->v[i];
			continue;
		}
		free(plan->v[i].name);
		free(plan->v[i].email);
		free(plan->v[i].uid);
	}
	plan->n = keep;
	v->group = *plan;
	plan->v = NULL;
	plan->n = 0;
}

/* Works out what the invite still needs and moves to that step: the
 * user's details, a counterpart, or (everything known) the preview of the
 * next message: the first of those owed, else the current stage's invite
 * again (its cancellation, for a closed dispute). */
static unsigned invite_advance(struct app *a)
{
	struct invite_view *v = a->invite;
	struct dispute d;
	struct itip_plan plan = { NULL, 0 };
	struct error err;
	unsigned rc = APP_REDRAW;
	enum status st;

	error_clear(&err);
	dispute_init(&d);
	v->msg[0] = '\0';
	if (!invite_organizer_ok(&(struct invite_organizer){ a->c->config.name, a->c->config.email, NULL, NULL })) {
		const struct config *cfg = &a->c->config;
		v->step = IS_ORGANIZER;
		fields_set(v, cfg->name, cfg->email, cfg->phone);
		return APP_REDRAW;
	}
	if (svc_invites_owed(a->c, v->ref, &v->owed, &err) != ST_OK)
		return invite_fail(a, &err);
	if (svc_load(a->c, v->ref, &d, NULL, NULL, &err) != ST_OK)
		return invite_fail(a, &err);
	v->which = v->owed ? ITIP_FOR_OWED : d.status == DS_OPEN ? ITIP_FOR_CURRENT : ITIP_FOR_CANCEL;
	free(v->agency);
	v->agency = xstrdup(d.against ? d.against : "");
	dispute_free(&d);
	dispute_init(&d);
	st = svc_invite_plan(a->c, v->ref, v->which, 0, &d, &plan, &err);
	if (st != ST_OK && v->which == ITIP_FOR_CURRENT && (err.mend == MEND_COUNTERPART || st == ST_INVALID)) {
		/* No counterpart yet, or one an invite cannot reach: choose one. */
		v->stage = d.current_stage;
		rc = pick_open(a, st == ST_INVALID ? "The counterpart named for this stage has no usable email address: "
		                                    "choose or add another." : NULL);
	} else if (st != ST_OK && err.mend == MEND_AGREE_DATE) {
		rc = invite_refuse(a, "%s stage %d has no due date yet: agree one with d first", d.reference,
		                   d.current_stage);
	} else if (st != ST_OK) {
		rc = invite_fail(a, &err);
	} else if (!plan.n) {
		rc = invite_refuse(a, "%s: no invite to write", d.reference);
	} else {
		char *name;

		group_take(v, &plan);
		v->stage = v->group.v[0].stage;
		v->cancel = v->group.v[0].method == ITIP_CANCEL;
		name = text_sanitize(v->group.v[0].name, false);
		if (*name)
			snprintf(v->attendee, sizeof(v->attendee), "%s <%s>", name, v->group.v[0].email);
		else
			snprintf(v->attendee, sizeof(v->attendee), "%s", v->group.v[0].email);
		free(name);
		if (preview_build(a, &d, &err) != ST_OK) {
			rc = invite_fail(a, &err);
		} else {
			if (v->step != IS_PREVIEW && v->step != IS_PATH) {
				char *path = xasprintf("~/dispute-invites/%s-stage%d%s.ics", d.reference, v->stage,
				                       v->cancel ? "-cancel" : "");
				textedit_set(&v->path, path);
				free(path);
				v->scroll = 0;
			}
			v->step = IS_PREVIEW;
		}
	}
	itip_plan_free(&plan);
	dispute_free(&d);
	return rc;
}

/* A new view on dispute ref, in no step yet. */
static struct invite_view *view_new(struct app *a, const char *ref)
{
	struct invite_view *v;

	invite_close(a);
	v = xcalloc(1, sizeof(*v));
	for (int i = 0; i < INVITE_FIELDS; i++)
		textedit_init(&v->field[i], false, LINE_MAX_LEN);
	textedit_init(&v->path, false, 4096);
	v->step = IS_ORGANIZER;
	snprintf(v->ref, sizeof(v->ref), "%s", ref);
	svc_stamp(a->c, v->stamp);
	a->invite = v;
	a->mode = MODE_INVITE;
	return v;
}

bool invite_owed_ask(struct app *a, const char *ref)
{
	struct invite_view *v;
	struct dispute d;
	struct itip_plan plan = { NULL, 0 };
	struct error err;

	dispute_init(&d);
	if (svc_invite_plan(a->c, ref, ITIP_FOR_OWED, 0, &d, &plan, &err) != ST_OK || !plan.n) {
		itip_plan_free(&plan);
		dispute_free(&d);
		return false;
	}
	v = view_new(a, ref);
	v->step = IS_OWED;
	v->owed = (int)plan.n;
	for (size_t i = 0; i < plan.n; i++) {
		const struct itip_msg *m = &plan.v[i];
		char due[17], *line;

		line = xasprintf("%s stage %d (%s) to %s%s%s%s: sequence %d", m->method == ITIP_CANCEL ? "Cancel" : "Invite",
		                 m->stage, datetime_format(m->due, m->due_minute, due), *m->name ? m->name : "",
		                 *m->name ? " <" : "", m->email, *m->name ? ">" : "", m->sequence);
		v->owed_lines = xrealloc(v->owed_lines, (v->nowed_lines + 1) * sizeof(*v->owed_lines));
		v->owed_lines[v->nowed_lines++] = text_sanitize(line, false);
		free(line);
	}
	itip_plan_free(&plan);
	dispute_free(&d);
	return true;
}

unsigned invite_open(struct app *a)
{
	if (!a->detail.loaded) {
		app_status(a, true, "Select a dispute first (j/k in the list)");
		return APP_REDRAW;
	}
	view_new(a, a->detail.d.reference);
	return invite_advance(a);
}

/* ---- the user's details ---- */

static unsigned organizer_submit(struct app *a)
{
	struct invite_view *v = a->invite;
	struct config *cfg = &a->c->config;
	char *name = field_value(&v->field[0]), *email = field_value(&v->field[1]), *phone = field_value(&v->field[2]);
	char *old[3] = { cfg->name, cfg->email, cfg->phone };
	struct error err;

	error_clear(&err);
	if (!*name) {
		snprintf(v->msg, sizeof(v->msg), "Your name is needed: the invite shows it as the organizer");
		v->focus = 0;
	} else if (!text_email_ok(email)) {
		snprintf(v->msg, sizeof(v->msg), *email ? "That is not an email address an invite can carry"
		                                        : "Your email address is needed: replies go to it");
		v->focus = 1;
	} else if (!cfg->path) {
		snprintf(v->msg, sizeof(v->msg), "There is nowhere to save your details: set HOME or XDG_CONFIG_HOME");
	} else {
		cfg->name = name;
		cfg->email = email;
		cfg->phone = *phone ? phone : NULL;
		if (ctx_config_save(a->c, &err) == ST_OK) {
			free(old[0]);
			free(old[1]);
			free(old[2]);
			if (!*phone)
				free(phone);
			app_status(a, false, "Your details are saved in your settings for every invite");
			return invite_advance(a);
		}
		/* Nothing half-saved: the settings stay as they were. */
		cfg->name = old[0];
		cfg->email = old[1];
		cfg->phone = old[2];
		snprintf(v->msg, sizeof(v->msg), "%s", err.msg);
	}
	free(name);
	free(email);
	free(phone);
	return APP_REDRAW;
}

/* ---- the counterpart ---- */

/* Names contact id as the stage's counterpart (journalled), then goes on. */
static unsigned counterpart_set(struct app *a, long long id, const char *name)
{
	struct invite_view *v = a->invite;
	struct error err;
	char *shown;

	error_clear(&err);
	if (svc_counterpart(a->c, v->ref, v->stage, id, NULL, &err) != ST_OK)
		return invite_fail(a, &err);
	app_reload(a);
	shown = text_sanitize(name ? name : "", false);
	app_status(a, false, "%s is the counterpart for stage %d of %s (recorded in the journal)", shown, v->stage,
	           v->ref);
	free(shown);
	return invite_advance(a);
}

static unsigned contact_submit(struct app *a)
{
	struct invite_view *v = a->invite;
	struct contact ct = {0};
	struct error err;
	unsigned rc = APP_REDRAW;

	error_clear(&err);
	ct.name = field_value(&v->field[0]);
	ct.role = field_value(&v->field[1]);
	ct.email = field_value(&v->field[2]);
	if (!*ct.name) {
		snprintf(v->msg, sizeof(v->msg), "The contact needs a name");
		v->focus = 0;
	} else if (!text_email_ok(ct.email)) {
		snprintf(v->msg, sizeof(v->msg), *ct.email ? "That is not an email address an invite can carry"
		                                           : "The invite needs their email address");
		v->focus = 2;
	} else {
		if (!*ct.role) {
			free(ct.role);
			ct.role = NULL;
		}
		ct.agency = xstrdup(v->agency);
		/* The same checks as `dispute contact add`: the service's. */
		if (svc_contact_add(a->c, &ct, &err) != ST_OK)
			snprintf(v->msg, sizeof(v->msg), "%s", err.msg);
		else
			rc = counterpart_set(a, ct.id, ct.name);
	}
	contact_free(&ct);
	return rc;
}

static unsigned pick_choose(struct app *a)
{
	struct invite_view *v = a->invite;
	const struct contact *ct;

	if ((size_t)v->sel >= v->ncontacts) {
		v->step = IS_CONTACT;
		v->msg[0] = '\0';
		fields_set(v, NULL, NULL, NULL);
		return APP_REDRAW;
	}
	ct = &v->contacts[v->sel];
	if (!text_email_ok(ct->email)) {
		snprintf(v->msg, sizeof(v->msg), "No usable email address for this contact: choose or add another.");
		return APP_REDRAW;
	}
	return counterpart_set(a, ct->id, ct->name);
}

/* ---- keys ---- */

static unsigned form_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;
	enum action act = keys_lookup(KC_FORM, key);

	if (act == ACT_FM_CANCEL) {
		invite_close(a);
		app_guard(a);
		app_status(a, false, "Invite cancelled: nothing was written");
		return APP_REDRAW;
	}
	/* Only Ctrl-S saves: Enter moves on, even from the last field. */
	if (act == ACT_FM_SUBMIT)
		return v->step == IS_ORGANIZER ? organizer_submit(a) : contact_submit(a);
	if (act == ACT_FM_NEXT) {
		v->focus = (v->focus + 1) % INVITE_FIELDS;
		return APP_REDRAW;
	}
	if (act == ACT_FM_PREV) {
		v->focus = (v->focus + INVITE_FIELDS - 1) % INVITE_FIELDS;
		return APP_REDRAW;
	}
	return textedit_key(&v->field[v->focus], key, 0) < 0 ? APP_BELL : APP_REDRAW;
}

static unsigned pick_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;
	enum action act = keys_lookup(KC_FORM, key);
	int items = (int)v->ncontacts + 1;

	if (act == ACT_FM_CANCEL) {
		invite_close(a);
		app_status(a, false, "Invite cancelled: nothing was written");
		return APP_REDRAW;
	}
	/* Naming the counterpart is journalled: Ctrl-S, never Enter.  Enter on
	 * "add a contact" only opens that form. */
	if (act == ACT_FM_SUBMIT || (key == K_ENTER && (size_t)v->sel >= v->ncontacts))
		return pick_choose(a);
	if (key == K_ENTER) {
		app_status(a, false, "Ctrl-S names %s the counterpart (it is journalled); Esc cancels",
		           v->contacts[v->sel].name);
		return APP_REDRAW;
	}
	if (act == ACT_FM_NEXT || key == 'j') {
		v->sel = (v->sel + 1) % items;
	} else if (act == ACT_FM_PREV || key == 'k') {
		v->sel = (v->sel + items - 1) % items;
	} else if (key == 'a') {
		v->sel = items - 1;
		return pick_choose(a);
	} else {
		return APP_BELL;
	}
	v->msg[0] = '\0';
	return APP_REDRAW;
}

/* Where the file goes: "~/" is the home directory.  A new string, or NULL
 * with the reason in the status line. */
static char *path_expand(struct app *a, const char *path)
{
	struct error err;
	char *full;

	if (form_blank(path)) {
		app_status(a, true, "Give the file a name first (p)");
		return NULL;
	}
	full = paths_expand_home(path, &err);
	if (!full)
		app_status(a, true, "%s (press p)", err.msg);
	return full;
}

/* Shows err in the status line with the path as the user typed it
 * ("~/..."), where the message names it as it was written (full). */
static void path_error(struct app *a, const struct error *err, const char *full, const char *typed)
{
	const char *at = strstr(err->msg, full);
	char *shown;

	if (!at) {
		app_error(a, err);
		return;
	}
	shown = text_sanitize(typed, false);
	app_status(a, true, "%.*s%s%s", (int)(at - err->msg), err->msg, shown, at + strlen(full));
	free(shown);
}

/* How the workbench delivers what it shows. */
struct delivery {
	struct app *a;
	const char *full;               /* the file, or NULL for a mail */
	const char *typed;              /* the file as the user typed it ("~/..."), for the journal */
	enum paths_mode mode;
	bool shown;                     /* only the group of the preview, exactly as shown */
	int sent;
	char *tmp;                      /* the file under its temporary name, until the journal keeps it */
	struct error settled;           /* the file could not be put in place, or ST_OK */
};

/* Writes text to a private temporary file beside full (its folder made
 * 0700 when missing), synced; *tmp is its name. */
static enum status file_pending(const char *full, const char *text, size_t len, enum paths_mode mode, char **tmp,
                                struct error *err)
{
	char *dir = xstrdup(full), *slash = strrchr(dir, '/');
	enum status rc = ST_OK;
	FILE *f;

	if (slash && slash != dir) {
		*slash = '\0';
		rc = paths_mkdir_private(dir, err);
	}
	free(dir);
	if (rc == ST_OK)
		rc = paths_target_check(full, mode, err);
	if (rc != ST_OK)
		return rc;
	if (!(f = paths_tmp_open(full, tmp, err)))
		return err->code;
	if (fwrite(text, 1, len, f) != len)
		rc = error_set(err, ST_IO, "cannot write %s", full);
	if ((rc = paths_tmp_sync(f, *tmp, full, rc, err)) != ST_OK) {
		free(*tmp);
		*tmp = NULL;
	}
	return rc;
}

/* The file goes in place once the journal has kept it, and only then. */
static void tui_settle(void *arg, bool kept)
{
	struct delivery *dl = arg;

	if (!dl->tmp)
		return;
	if (!kept)
		unlink(dl->tmp);
	else
		paths_tmp_commit(dl->tmp, dl->full, dl->mode, &dl->settled);
	free(dl->tmp);
	dl->tmp = NULL;
}

/* Whether the group handed over is the one the preview showed: the same
 * stages, people, UIDs, SEQUENCEs and method. */
static bool group_same(const struct itip_plan *shown, const struct itip_msg *m, size_t n)
{
	if (shown->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (shown->v[i].stage != m[i].stage || shown->v[i].method != m[i].method ||
		    shown->v[i].sequence != m[i].sequence || strcmp(shown->v[i].uid, m[i].uid) != 0 ||
		    ascii_casecmp(shown->v[i].email, m[i].email) != 0)
			return false;
	return true;
}

/* svc_deliver_fn: the file as previewed, or the mail around it. */
static enum status tui_deliver(void *arg, const struct dispute *d, const struct itip_msg *m, size_t n, char *how,
                               size_t howlen, struct error *err)
{
	struct delivery *dl = arg;
	struct invite_view *v = dl->a->invite;
	const struct protocol *p = protocol_set_find(&dl->a->c->protocols, d->protocol);
	struct invite_setup s;
	char *cal = NULL, *mail = NULL;
	size_t len = 0, mlen = 0;
	enum status rc;

	if (dl->shown && !group_same(&v->group, m, n))
		return error_set(err, ST_REFUSED, "%s changed since the preview; nothing was sent: press x to see it again",
		                 d->reference);
	if ((rc = setup_of(dl->a, &s, err)) != ST_OK)
		return rc;
	if (dl->shown) {
		cal = xstrndup(v->text, v->len);
		len = v->len;
	} else if ((rc = invite_build(&s, d, p, m, n, &cal, &len, err)) != ST_OK) {
		return rc;
	}
	if (dl->full) {
		rc = file_pending(dl->full, cal, len, dl->mode, &dl->tmp, err);
		snprintf(how, howlen, "written to %s for", dl->typed);
	} else {
		rc = imip_build(&s, d, p, m, n, cal, len, &mail, &mlen, err);
		if (rc == ST_OK)
			rc = svc_mail_send(dl->a->c, mail, mlen, err);
		snprintf(how, howlen, "sent by mail to");
	}
	if (rc == ST_OK)
		dl->sent += (int)n;
	free(cal);
	free(mail);
	return rc;
}

/* Whether the preview holds a request for a deadline already gone. */
static bool preview_passed(const struct app *a, char *due, size_t duelen)
{
	const struct invite_view *v = a->invite;

	for (size_t i = 0; i < v->group.n; i++) {
		const struct itip_msg *m = &v->group.v[i];

		if (m->method == ITIP_REQUEST && (m->due < a->c->today || (m->due == a->c->today && m->due_minute != TIME_NONE &&
		                                                           m->due_minute <= a->c->now_minute))) {
			char when[17];

			snprintf(due, duelen, "%s", datetime_format(m->due, m->due_minute, when));
			return true;
		}
	}
	return false;
}

/* Sends what the preview shows: the file (as a new one, PATHS_NEW, or
 * over the one there once the user has said so, PATHS_REPLACE) or the
 * mail, journalled.  A passed deadline asks first; a file already there
 * turns the preview into the question; anything else that is not a
 * regular file (a directory, a device, a FIFO) is refused with the reason. */
static unsigned preview_write(struct app *a, enum paths_mode mode)
{
	struct invite_view *v = a->invite;
	struct delivery dl = { a, NULL, NULL, mode, true, 0, NULL, { ST_OK, MEND_NONE, "", "" } };
	struct svc_delivery how = { tui_deliver, tui_settle, &dl, NULL };
	char *full = NULL, *shown = NULL, due[17];
	struct error err;
	int stage = v->stage, more;
	bool cancel = v->cancel, mail = v->mail;
	char ref[16], to[600];

	v->step = IS_PREVIEW;
	if (!v->passed_ok && preview_passed(a, due, sizeof(due))) {
		v->pending = mode;
		v->step = IS_PASSED;
		return APP_REDRAW;
	}
	if (!mail && !(full = path_expand(a, textedit_text(&v->path))))
		return APP_REDRAW;
	dl.full = full;
	dl.typed = textedit_text(&v->path);
	error_clear(&err);
	if (svc_invite_issue(a->c, v->ref, v->which, 0, &v->group.v[0], &how, NULL, &err) != ST_OK) {
		if (err.mend == MEND_FORCE)
			v->step = IS_REPLACE;
		else if (full)
			path_error(a, &err, full, textedit_text(&v->path));
		else
			app_error(a, &err);
		free(full);
		app_changed(a, v->ref);
		return APP_REDRAW;
	}
	free(full);
	if (dl.settled.code != ST_OK) {
		app_changed(a, v->ref);
		app_error(a, &dl.settled);
		return APP_REDRAW;
	}
	if (!mail)
		shown = text_sanitize(textedit_text(&v->path), false);
	snprintf(ref, sizeof(ref), "%s", v->ref);
	snprintf(to, sizeof(to), "%s", v->attendee);
	more = v->owed - (int)v->group.n;
	invite_close(a);
	app_changed(a, ref);
	if (mail)
		app_status(a, false, "%s for %s stage %d sent by mail to %s (journalled)%s", cancel ? "Cancellation" : "Invite",
		           ref, stage, to, more > 0 ? "; more invites owed: x shows the next" : "");
	else
		app_status(a, false, "%s for %s stage %d written to %s: send it to %s%s", cancel ? "Cancellation" : "Invite",
		           ref, stage, shown, to, more > 0 ? "; more invites owed: x shows the next" : "");
	free(shown);
	return APP_REDRAW;
}

/* The deadline has passed: Ctrl-S sends the invite all the same. */
static unsigned passed_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;

	switch (keys_lookup(KC_CONFIRM, key)) {
	case ACT_CF_CONFIRM:
		v->passed_ok = true;
		return preview_write(a, v->pending);
	case ACT_CF_CANCEL:
		v->step = IS_PREVIEW;
		app_status(a, false, "Nothing was %s", v->mail ? "sent" : "written");
		return APP_REDRAW;
	default:
		app_status(a, false, "Only Ctrl-S %s it all the same (Esc goes back); nothing is %s until then",
		           v->mail ? "sends" : "writes", v->mail ? "sent" : "written");
		return APP_REDRAW;
	}
}

/* "2 invites owed: send them?": Ctrl-S sends them all by mail; x shows
 * them one by one, to write or send each; Esc leaves them for later. */
static unsigned owed_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;
	struct delivery dl = { a, NULL, NULL, PATHS_NEW, false, 0, NULL, { ST_OK, MEND_NONE, "", "" } };
	struct svc_delivery how = { tui_deliver, tui_settle, &dl, NULL };
	struct error err;
	char ref[16];

	snprintf(ref, sizeof(ref), "%s", v->ref);
	if (key == 'x') {
		owed_clear(v);
		v->step = IS_ORGANIZER;
		return invite_advance(a);
	}
	switch (keys_lookup(KC_CONFIRM, key)) {
	case ACT_CF_CONFIRM:
		if (!invite_organizer_ok(&(struct invite_organizer){ a->c->config.name, a->c->config.email, NULL, NULL })) {
			owed_clear(v);
			v->step = IS_ORGANIZER;
			return invite_advance(a);
		}
		error_clear(&err);
		svc_stamp(a->c, v->stamp);
		if (svc_invite_issue(a->c, ref, ITIP_FOR_OWED, 0, NULL, &how, NULL, &err) != ST_OK) {
			invite_close(a);
			app_changed(a, ref);
			if (dl.sent)
				app_status(a, true, "%d invite%s of %s sent by mail; the rest were not: %s", dl.sent,
				           dl.sent == 1 ? "" : "s", ref, err.msg);
			else
				app_error(a, &err);
			return APP_REDRAW;
		}
		invite_close(a);
		app_changed(a, ref);
		app_status(a, false, "%d invite%s of %s sent by mail (journalled)", dl.sent, dl.sent == 1 ? "" : "s", ref);
		return APP_REDRAW;
	case ACT_CF_CANCEL:
		invite_close(a);
		app_status(a, false, "Invites for %s left owed: x shows them", ref);
		return APP_REDRAW;
	default:
		app_status(a, false, "Ctrl-S sends them by mail, x shows them one by one, Esc leaves them for later");
		return APP_REDRAW;
	}
}

static unsigned preview_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;
	enum action act = keys_lookup(KC_VIEW, key);

	if (app_scroll(&v->scroll, act, false, (int)v->nlines))
		return APP_REDRAW;
	switch (keys_lookup(KC_INVITE, key)) {
	case ACT_IV_WRITE:
		return preview_write(a, PATHS_NEW);
	case ACT_IV_PATH:
		free(v->path_before);
		v->path_before = xstrdup(textedit_text(&v->path));
		v->step = IS_PATH;
		return APP_REDRAW;
	case ACT_IV_SUBJECT:
		v->include_subject = !v->include_subject;
		app_status(a, false, "%s", v->include_subject
		           ? "The subject is now in the invite: it leaves this machine with it"
		           : "The subject is left out of the invite again");
		return invite_advance(a);
	case ACT_IV_MAIL:
		if (!v->mail && (!a->c->config.mail_command || !*a->c->config.mail_command)) {
			app_status(a, true, "No mail command is set: dispute config --sendmail 'msmtp -t' in a shell");
			return APP_REDRAW;
		}
		v->mail = !v->mail;
		app_status(a, false, "%s", v->mail ? "Ctrl-S now sends it by mail, as an invitation"
		                                   : "Ctrl-S now writes the file");
		return APP_REDRAW;
	case ACT_IV_CANCEL:
		invite_close(a);
		app_status(a, false, "Invite cancelled: nothing was written");
		return APP_REDRAW;
	default:
		app_status(a, false, "Only Ctrl-S %s (Esc cancels)", v->mail ? "sends the mail" : "writes the file");
		return APP_REDRAW;
	}
}

/* The file exists: Ctrl-S replaces it, as every confirmation in the
 * workbench is given; Esc goes back to the preview with it untouched. */
static unsigned replace_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;
	char *shown = text_sanitize(textedit_text(&v->path), false);
	unsigned rc = APP_REDRAW;

	switch (keys_lookup(KC_CONFIRM, key)) {
	case ACT_CF_CONFIRM:
		rc = preview_write(a, PATHS_REPLACE);
		break;
	case ACT_CF_CANCEL:
		v->step = IS_PREVIEW;
		app_status(a, false, "Nothing was written: %s is kept as it was (p writes elsewhere)", shown);
		break;
	default:
		app_status(a, false, "Only Ctrl-S replaces %s (Esc keeps it); nothing is written until then", shown);
		break;
	}
	free(shown);
	return rc;
}

static unsigned path_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;

	if (key == K_ESC) {
		textedit_set(&v->path, v->path_before);
		v->step = IS_PREVIEW;
		return APP_REDRAW;
	}
	if (key == K_ENTER) {
		v->step = IS_PREVIEW;
		return APP_REDRAW;
	}
	return textedit_key(&v->path, key, 0) < 0 ? APP_BELL : APP_REDRAW;
}

static unsigned invite_key(struct app *a, int key)
{
	struct invite_view *v = a->invite;

	if (!v) {
		a->mode = MODE_NORMAL;
		return APP_REDRAW;
	}
	a->status[0] = '\0';
	a->status_error = false;
	switch (v->step) {
	case IS_ORGANIZER:
	case IS_CONTACT:
		return form_key(a, key);
	case IS_PICK:
		return pick_key(a, key);
	case IS_PREVIEW:
		return preview_key(a, key);
	case IS_PATH:
		return path_key(a, key);
	case IS_REPLACE:
		return replace_key(a, key);
	case IS_PASSED:
		return passed_key(a, key);
	case IS_OWED:
		return owed_key(a, key);
	}
	return APP_BELL;
}

/* ---- drawing ---- */

static void form_draw(struct app *a, struct screen *s)
{
	struct invite_view *v = a->invite;
	bool org = v->step == IS_ORGANIZER;
	const char *const *labels = org ? organizer_labels : contact_labels;
	const char *const *hints = org ? organizer_hints : contact_hints;
	char title[160], intro[512];
	struct rect r, in;
	int y, w = a->w - 8 < 76 ? a->w - 8 : 76, introh;

	if (org) {
		snprintf(title, sizeof(title), "Your details for invites");
		snprintf(intro, sizeof(intro), "Invites name you as the organizer: the other agency replies to your "
		         "email address. They are saved to your settings, so this is asked once.");
	} else {
		snprintf(title, sizeof(title), "New contact at %s", v->agency);
		snprintf(intro, sizeof(intro), "Stage %d of %s has no counterpart manager yet. Add the manager at %s "
		         "who receives the invite; naming them is recorded in the journal.", v->stage, v->ref, v->agency);
	}
	introh = form_text_lines(intro, w - 4);
	r = form_box(a, s, w, introh + INVITE_FIELDS + 8, title);
	in = rect_inner(r);
	y = in.y;
	y += form_text_draw(s, y, in.x + 1, in.w - 2, introh, 0, intro) + 1;
	for (int i = 0; i < INVITE_FIELDS; i++, y++) {
		bool focus = v->focus == i;
		screen_put(s, y, in.x + 1, 8, focus ? SA_REVERSE | SA_BOLD : SA_BOLD, labels[i]);
		form_field_draw(s, y, in.x + 10, in.w - 11, &v->field[i], focus);
	}
	y++;
	form_text_draw(s, y++, in.x + 1, in.w - 2, 1, SA_DIM, hints[v->focus]);
	if (v->msg[0])
		form_text_draw(s, y, in.x + 1, in.w - 2, 1, SA_COLOUR(SC_OVERDUE) | SA_BOLD, v->msg);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_DIM,
	               "Tab/↑↓ field · Enter next · Ctrl-S or F2 save · Esc cancel");
}

static void pick_draw(struct app *a, struct screen *s)
{
	struct invite_view *v = a->invite;
	int items = (int)v->ncontacts + 1, w = a->w - 8 < 76 ? a->w - 8 : 76, shown, introh, y;
	char title[160], intro[512];
	struct rect r, in;

	snprintf(title, sizeof(title), "Counterpart for %s stage %d", v->ref, v->stage);
	snprintf(intro, sizeof(intro), "Stage %d has no counterpart manager yet. Who at %s receives the invite? "
	         "Your choice is recorded in the journal.", v->stage, v->agency);
	introh = form_text_lines(intro, w - 4);
	shown = items < a->h - introh - 14 ? items : a->h - introh - 14;
	if (shown < 1)
		shown = 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + shown)
		v->top = v->sel - shown + 1;
	r = form_box(a, s, w, introh + shown + 7, title);
	in = rect_inner(r);
	y = in.y;
	y += form_text_draw(s, y, in.x + 1, in.w - 2, introh, 0, intro) + 1;
	for (int i = v->top; i < v->top + shown && i < items; i++, y++) {
		bool sel = i == v->sel;
		unsigned attr = sel ? SA_REVERSE | SA_COLOUR(SC_SELECT) : 0;
		char line[1024];

		if ((size_t)i < v->ncontacts) {
			const struct contact *ct = &v->contacts[i];
			bool usable = text_email_ok(ct->email);
			char *clean;

			snprintf(line, sizeof(line), "%s%s%s · %s", ct->name ? ct->name : "", ct->role ? " · " : "",
			         ct->role ? ct->role : "", usable ? ct->email : "no email address");
			clean = text_sanitize(line, false);
			if (!usable && !sel)
				attr |= SA_DIM;
			screen_fill(s, y, in.x + 1, in.w - 2, attr);
			screen_put(s, y, in.x + 1, 2, attr, sel ? ">" : " ");
			screen_put_fit(s, y, in.x + 3, in.w - 4, attr, clean);
			free(clean);
		} else {
			snprintf(line, sizeof(line), "+ Add a contact at %s", v->agency);
			screen_fill(s, y, in.x + 1, in.w - 2, attr | SA_BOLD);
			screen_put(s, y, in.x + 1, 2, attr | SA_BOLD, sel ? ">" : " ");
			screen_put_fit(s, y, in.x + 3, in.w - 4, attr | SA_BOLD, line);
		}
	}
	y++;
	if (v->msg[0])
		form_text_draw(s, y, in.x + 1, in.w - 2, 1, SA_COLOUR(SC_OVERDUE) | SA_BOLD, v->msg);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_DIM, "↑↓ choose · Enter use · a add · Esc cancel");
}

static void preview_draw(struct app *a, struct screen *s)
{
	struct invite_view *v = a->invite;
	struct rect r = a->body, in, text;
	char title[160], line[1024];
	int foot = 3 + (v->include_subject ? 1 : 0), max, y;
	char *clean;

	if (v->owed > 1)
		snprintf(title, sizeof(title), "%s for %s stage %d (1 of %d owed)", v->cancel ? "Cancel the invite"
		         : "Calendar invite", v->ref, v->stage, v->owed);
	else
		snprintf(title, sizeof(title), "%s for %s stage %d", v->cancel ? "Cancel the invite" : "Calendar invite",
		         v->ref, v->stage);
	screen_fill_rect(s, r, 0);
	screen_box(s, r, SA_BOLD, title, SA_BOLD | SA_REVERSE);
	in = rect_inner(r);
	snprintf(line, sizeof(line), "To: %s", v->attendee);
	clean = text_sanitize(line, false);
	screen_put_fit(s, in.y, in.x + 1, in.w - 2, SA_BOLD, clean);
	free(clean);
	text = (struct rect){ in.y + 3, in.x + 1, in.h - 3 - foot, in.w - 2 };
	if (text.h < 1)
		text.h = 1;
	max = (int)v->nlines - text.h;
	if (max < 0)
		max = 0;
	if (v->scroll > max)
		v->scroll = max;
	screen_put_fit(s, in.y + 1, in.x + 1, in.w - 2, 0, v->mail
	               ? "Nothing has left this machine. The mail will carry exactly this invitation:"
	               : "Nothing has left this machine. The file will hold exactly this:");
	screen_hline(s, in.y + 2, in.x, in.w, SA_DIM);
	for (int i = 0; i < text.h && (size_t)(v->scroll + i) < v->nlines; i++)
		screen_put_fit(s, text.y + i, text.x, text.w, 0, v->lines[v->scroll + i]);
	y = in.y + in.h - foot;
	screen_hline(s, y++, in.x, in.w, SA_DIM);
	if (max > 0) {
		int pw;

		snprintf(line, sizeof(line), " lines %d-%d of %zu %s ", v->scroll + 1, v->scroll + text.h, v->nlines,
		         v->scroll < max ? "↓" : "↑");
		pw = text_width(line);
		screen_put(s, y - 1, in.x + in.w - pw - 2, pw, SA_DIM, line);
	}
	if (v->include_subject)
		screen_put_fit(s, y++, in.x + 1, in.w - 2, SA_COLOUR(SC_OVERDUE) | SA_BOLD,
		               "WARNING: the subject is in the description: it leaves this machine with the invite.");
	if (v->mail) {
		int lw = screen_put(s, y, in.x + 1, in.w - 2, SA_BOLD, "Mail: ");

		clean = text_sanitize(a->c->config.mail_command ? a->c->config.mail_command : "", false);
		screen_printf(s, y, in.x + 1 + lw, in.w - 2 - lw, 0, "to %s, through %s", v->attendee, clean);
		free(clean);
	} else {
		int lw = screen_put(s, y, in.x + 1, in.w - 2, SA_BOLD, "File: ");
		if (v->step == IS_PATH) {
			form_field_draw(s, y, in.x + 1 + lw, in.w - 2 - lw, &v->path, true);
		} else {
			clean = text_sanitize(textedit_text(&v->path), false);
			lw += screen_put_fit(s, y, in.x + 1 + lw, in.w - 2 - lw - 12, 0, clean);
			screen_put(s, y, in.x + 2 + lw, in.w - 3 - lw, SA_DIM, "(mode 0600)");
			free(clean);
		}
	}
	y++;
	if (v->step == IS_PATH) {
		screen_put_fit(s, y, in.x + 1, in.w - 2, SA_BOLD, "Enter use this path · Esc keep the old one");
	} else if (v->step == IS_REPLACE) {
		clean = text_sanitize(textedit_text(&v->path), false);
		screen_printf(s, y, in.x + 1, in.w - 2, SA_COLOUR(SC_OVERDUE) | SA_BOLD,
		              "%s exists. Ctrl-S replaces it · Esc keeps it", clean);
		free(clean);
	} else if (v->step == IS_PASSED) {
		char due[17];

		preview_passed(a, due, sizeof(due));
		screen_printf(s, y, in.x + 1, in.w - 2, SA_COLOUR(SC_OVERDUE) | SA_BOLD,
		              "The deadline (%s) has already passed. Ctrl-S %s it all the same · Esc goes back", due,
		              v->mail ? "sends" : "writes");
	} else if (v->mail) {
		screen_printf(s, y, in.x + 1, in.w - 2, SA_BOLD, "Ctrl-S send · m write a file instead · s subject: %s · "
		              "j/k scroll · Esc cancel", v->include_subject ? "IN" : "left out");
	} else {
		screen_printf(s, y, in.x + 1, in.w - 2, SA_BOLD, "Ctrl-S write · p path · s subject: %s · j/k scroll · "
		              "Esc cancel", v->include_subject ? "IN" : "left out");
	}
}

/* "2 invites owed: send them?" with what each one is. */
static void owed_draw(struct app *a, struct screen *s)
{
	struct invite_view *v = a->invite;
	int w = a->w - 8 < 76 ? a->w - 8 : 76, shown = (int)v->nowed_lines, y;
	bool mail = a->c->config.mail_command && *a->c->config.mail_command;
	char title[160], intro[256];
	struct rect r, in;

	if (shown > a->h - 14)
		shown = a->h - 14 > 1 ? a->h - 14 : 1;
	snprintf(title, sizeof(title), "Invites owed for %s", v->ref);
	snprintf(intro, sizeof(intro), "%d invite%s owed: send %s?", v->owed, v->owed == 1 ? "" : "s",
	         v->owed == 1 ? "it" : "them");
	r = form_box(a, s, w, shown + 7, title);
	in = rect_inner(r);
	y = in.y;
	screen_put_fit(s, y++, in.x + 1, in.w - 2, SA_BOLD, intro);
	y++;
	for (int i = 0; i < shown; i++)
		screen_put_fit(s, y++, in.x + 3, in.w - 4, 0, v->owed_lines[i]);
	screen_put_fit(s, in.y + in.h - 1, in.x + 1, in.w - 2, SA_BOLD, mail
	               ? "Ctrl-S send them by mail · x one by one · Esc later"
	               : "x show them one by one (no mail command is set) · Esc later");
}

static void invite_draw(struct app *a, struct screen *s)
{
	struct invite_view *v = a->invite;

	if (!v)
		return;
	switch (v->step) {
	case IS_ORGANIZER:
	case IS_CONTACT:
		form_draw(a, s);
		break;
	case IS_PICK:
		pick_draw(a, s);
		break;
	case IS_PREVIEW:
	case IS_PATH:
	case IS_REPLACE:
	case IS_PASSED:
		preview_draw(a, s);
		break;
	case IS_OWED:
		owed_draw(a, s);
		break;
	}
}

static struct textedit *invite_field(struct app *a, bool *multiline)
{
	struct invite_view *v = a->invite;

	*multiline = false;
	if (!v)
		return NULL;
	if (v->step == IS_ORGANIZER || v->step == IS_CONTACT)
		return &v->field[v->focus];
	return v->step == IS_PATH ? &v->path : NULL;
}

static unsigned invite_hints(const struct app *a)
{
	const struct invite_view *v = a->invite;

	if (v && v->step == IS_PREVIEW)
		return KC_BIT(KC_INVITE) | KC_BIT(KC_VIEW);
	if (v && (v->step == IS_REPLACE || v->step == IS_PASSED || v->step == IS_OWED))
		return KC_BIT(KC_CONFIRM);
	return KC_BIT(KC_FORM);
}

const struct mode_ops mode_invite_ops = { invite_key, invite_draw, invite_field, invite_hints };
