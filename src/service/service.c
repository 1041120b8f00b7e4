/* The actions shared by the command line and the workbench, each one transaction: load, apply a rule, journal, save. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispute/date.h"
#include "dispute/journal.h"
#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/store.h"
#include "dispute/text.h"
#include "service_impl.h"

/* Bank holiday data is small (a few hundred lines); anything larger is not ours. */
#define HOLIDAYS_MAX (1024 * 1024)

/* The author goes into every record and is shown on every screen: it comes
 * from the environment or a file, so it is cleaned like any other text.
 * Never the login name: a record signed "root" says nothing of who wrote it. */
static char *author_from(const struct config *cfg)
{
	const char *env = getenv("DISPUTE_AUTHOR");
	char *raw = env && *env ? xstrdup(env) : config_signature(cfg), *name;

	if (!raw)
		return NULL;
	name = text_sanitize(raw, false);
	free(raw);
	if (strlen(name) > LINE_MAX_LEN)
		name[LINE_MAX_LEN] = '\0';
	return name;
}

/* The user's name as a lead who holds disputes: as the author, without
 * the role (a handover names a person, not a post). */
static char *lead_from(const struct config *cfg)
{
	const char *env = getenv("DISPUTE_AUTHOR");
	const char *raw = env && *env ? env : cfg->name;
	char *name;

	if (!raw)
		return NULL;
	name = text_sanitize(raw, false);
	if (strlen(name) > LINE_MAX_LEN)
		name[LINE_MAX_LEN] = '\0';
	return name;
}

/* The settings file's modification time and size folded into one number,
 * or 0 when it does not exist. */
static long long config_stamp(const struct config *cfg)
{
	struct stat st;

	if (!cfg->path || stat(cfg->path, &st) != 0)
		return 0;
	return (long long)st.st_mtim.tv_sec * 1000003LL + st.st_mtim.tv_nsec / 1000 + (long long)st.st_size * 7;
}

static void config_read(struct ctx *c)
{
	struct error cfg_err;

	config_free(&c->config);
	free(c->config_problem);
	c->config_problem = NULL;
	/* A broken settings file must not stop the program, least of all
	 * `dispute config`, which is how it gets mended. */
	if (config_load(c->config_dir, &c->config, &cfg_err) != ST_OK)
		c->config_problem = xstrdup(cfg_err.msg);
	c->config_stamp = config_stamp(&c->config);
	free(c->author);
	c->author = author_from(&c->config);
	free(c->lead);
	c->lead = lead_from(&c->config);
}

bool ctx_config_refresh(struct ctx *c)
{
	if (!c->config.path || config_stamp(&c->config) == c->config_stamp)
		return false;
	config_read(c);
	return true;
}

enum status ctx_config_save(struct ctx *c, struct error *err)
{
	enum status rc = config_save(&c->config, err);

	if (rc == ST_OK) {
		c->config_stamp = config_stamp(&c->config);
		free(c->author);
		c->author = author_from(&c->config);
		free(c->lead);
		c->lead = lead_from(&c->config);
	}
	return rc;
}

/* The name that signs a change, read afresh when the settings changed;
 * refused while the user has not said who they are. */
enum status author_check(struct ctx *c, struct error *err)
{
	ctx_config_refresh(c);
	if (!c->author)
		return error_set(err, ST_REFUSED, "no name is set to sign the journal with: "
		                 "give your name (and role) in the settings first");
	return ST_OK;
}

enum status ctx_init(struct ctx *c, long today, int minute, struct error *err)
{
	char *path, *text = NULL;
	size_t len;
	enum status rc;

	memset(c, 0, sizeof(*c));
	protocol_set_init(&c->protocols);
	calendar_init(&c->cal);
	c->today = today;
	c->now_minute = minute;
	c->data_dir = paths_data_dir();
	c->config_dir = paths_config_dir();
	config_read(c);

	path = xasprintf("%s/bank-holidays.csv", c->data_dir);
	rc = paths_read_file(path, HOLIDAYS_MAX, &text, &len, err);
	if (rc == ST_OK)
		rc = calendar_load_csv(&c->cal, text, len, path, err);
	free(text);
	free(path);
	if (rc != ST_OK)
		return rc;

	path = xasprintf("%s/protocols", c->data_dir);
	rc = protocol_set_load_dir(&c->protocols, path, &c->cal, err);
	free(path);
	if (rc != ST_OK)
		return rc;
	if (c->config_dir) {
		path = xasprintf("%s/protocols", c->config_dir);
		rc = protocol_set_load_dir(&c->protocols, path, &c->cal, err);
		free(path);
	}
	return rc;
}

/* The ids of disputes, as collect_id gathers them. */
struct id_list {
	long long *v;
	size_t n;
};

static int collect_id(const struct dispute *d, void *ctx)
{
	struct id_list *ids = ctx;

	ids->v = xrealloc(ids->v, (ids->n + 1) * sizeof(*ids->v));
	ids->v[ids->n++] = d->id;
	return 0;
}

static int closure_add(long day, const char *reason, void *ctx)
{
	(void)reason;
	calendar_add_closure(ctx, day);
	return 0;
}

static int agency_closure_add(long day, const char *agency, const char *reason, void *ctx)
{
	(void)reason;
	calendar_add_agency_closure(ctx, day, agency);
	return 0;
}

/* What the user is told once the database is open: it is about children
 * and adults at risk, so a file others can read is said every time until
 * it is mended, and so is a schema altered outside dispute. */
static void open_warnings(struct ctx *c)
{
	struct sb sb = {0};
	struct stat st;
	const char *altered = store_altered(c->store);

	free(c->warnings);
	c->warnings = NULL;
	if (altered)
		sb_printf(&sb, "the database has been altered outside dispute (%s): nothing can be saved until "
		          "dispute verify has been run and the file restored from a backup\n", altered);
	if (stat(c->db_path, &st) == 0 && (st.st_mode & 077))
		sb_printf(&sb, "%s can be read by others (mode %04o): make it private with chmod 600 %s\n", c->db_path,
		          (unsigned)(st.st_mode & 07777), c->db_path);
	c->warnings = sb.s;
}

/* What the database upgrade left for the service, which reads the
 * protocols: each open dispute's whole-process deadline (a dispute stored
 * before it was kept), journalled, then marked done.  All or nothing; a
 * crash leaves it pending for the next open. */
static enum status upgrade_process(struct ctx *c, struct error *err)
{
	struct list_filter f;
	struct id_list ids = { NULL, 0 };
	char *pending = NULL;
	enum status rc;

	if ((rc = store_meta_get(c->store, "upgrade-process", &pending, err)) != ST_OK)
		return rc;
	if (!pending || strcmp(pending, "pending") != 0) {
		free(pending);
		return ST_OK;
	}
	free(pending);
	if ((rc = store_begin(c->store, err)) != ST_OK)
		return rc;
	list_filter_init(&f);
	f.which = LIST_OPEN;
	rc = store_list(c->store, &f, collect_id, &ids, err);
	for (size_t i = 0; rc == ST_OK && i < ids.n; i++) {
		const struct protocol *p;
		struct dispute d, before;
		const struct span_rule *sp = NULL;
		char day[11];

		dispute_init(&d);
		dispute_init(&before);
		rc = store_dispute_load_id(c->store, ids.v[i], &d, err);
		p = rc == ST_OK ? protocol_set_find(&c->protocols, d.protocol) : NULL;
		if (p)
			dispute_copy(&before, &d);
		if (p && dispute_refresh_process(&d, p, &c->cal)) {
			struct record r;

			for (size_t k = 0; !sp && k < p->nspans; k++)
				if (!p->spans[k].advisory)
					sp = &p->spans[k];
			record_init(&r);
			r.dispute_id = d.id;
			r.day = c->today;
			r.kind = RK_EVENT;
			r.stage = d.current_stage;
			r.state = journal_delta(&before, &d);
			r.text = xasprintf("%s: due %s, worked out from %s when the database was upgraded.",
			                   sp ? sp->name : "Whole process", date_format(d.process_due, day), p->id);
			rc = store_dispute_update(c->store, &d, err);
			if (rc == ST_OK)
				rc = store_record_insert(c->store, &r, err);
			record_free(&r);
		}
		dispute_free(&before);
		dispute_free(&d);
	}
	free(ids.v);
	if (rc == ST_OK)
		rc = store_meta_set(c->store, "upgrade-process", "done", err);
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc != ST_OK)
		store_rollback(c->store);
	return rc;
}

enum status ctx_open(struct ctx *c, const char *db_path, enum open_mode mode, struct error *err)
{
	enum status rc;

	free(c->db_path);
	c->db_path = db_path ? xstrdup(db_path) : paths_db_default(err);
	if (!c->db_path)
		return err ? err->code : ST_INVALID;
	/* A new database goes into a private directory, made here. */
	if ((mode == OPEN_CREATE || mode == OPEN_INIT) && access(c->db_path, F_OK) != 0) {
		char *dir = xstrdup(c->db_path), *slash = strrchr(dir, '/');

		rc = ST_OK;
		if (slash && slash != dir) {
			*slash = '\0';
			rc = paths_mkdir_private(dir, err);
		}
		free(dir);
		if (rc != ST_OK)
			return rc;
	}
	rc = store_open(c->db_path, mode, &c->store, err);
	if (rc != ST_OK)
		return rc;
	open_warnings(c);
	rc = store_closures(c->store, closure_add, &c->cal, err);
	if (rc == ST_OK)
		rc = store_agency_closures(c->store, agency_closure_add, &c->cal, err);
	/* Only a write open upgrades; an altered database takes no write. */
	if (rc == ST_OK && mode != OPEN_READ && !store_altered(c->store))
		rc = upgrade_process(c, err);
	return rc;
}

void ctx_free(struct ctx *c)
{
	store_close(c->store);
	protocol_set_free(&c->protocols);
	calendar_free(&c->cal);
	free(c->db_path);
	free(c->data_dir);
	free(c->config_dir);
	free(c->author);
	free(c->lead);
	free(c->config_problem);
	free(c->warnings);
	config_free(&c->config);
	memset(c, 0, sizeof(*c));
}

enum status ctx_protocol(const struct ctx *c, const char *id, const struct protocol **out, struct error *err)
{
	*out = protocol_set_find(&c->protocols, id);
	if (!*out) {
		error_set(err, ST_NOTFOUND, "unknown protocol '%s'", id);
		return error_mend(err, MEND_PROTOCOLS, NULL);
	}
	return ST_OK;
}

/* Appends a program-written event record at the dispute's current stage:
 * text says what happened, and the record carries what changed from
 * before (NULL: a new dispute) to d, so the journal alone replays it. */
static enum status journal_event(struct ctx *c, const struct dispute *before, const struct dispute *d, long day,
                                 char *text, struct error *err)
{
	struct record r;
	enum status rc;

	record_init(&r);
	r.state = journal_delta(before, d);
	r.dispute_id = d->id;
	r.day = day;
	r.minute = day == c->today ? c->now_minute : TIME_NONE;
	r.kind = RK_EVENT;
	r.stage = d->current_stage;
	r.author = xstrdup(c->author);
	r.text = text;
	rc = store_record_insert(c->store, &r, err);
	record_free(&r);
	return rc;
}

/* "due 2026-12-04" or "due 2026-11-28 14:30" or "no limit set". */
static void describe_due(const struct stage *st, char *out, size_t outlen)
{
	char a[17];

	if (st->due == DATE_NONE)
		snprintf(out, outlen, "no limit set");
	else
		snprintf(out, outlen, "due %s", datetime_format(st->due, st->due_minute, a));
}

/* A stage's name for the journal; "?" when the protocol has no such stage. */
static const char *stage_or_unknown(const struct protocol *p, const struct dispute *d, int number)
{
	const char *name = dispute_stage_name(p, d, number);

	return name ? name : "?";
}

/* What starting the current stage brought besides its due date, as the
 * journal says it: "; response due 2026-12-04; line managers' contact by
 * 2026-11-28 10:00; follow up 2026-12-01 until a date is agreed". */
static void describe_extras(const struct protocol *p, const struct dispute *d, struct sb *sb)
{
	const struct stage *st = dispute_current(d);
	const struct stage_rule *rule = dispute_rule(p, d, st);
	char a[17], what[512];

	if (!st || !rule)
		return;
	if (st->response_due != DATE_NONE)
		sb_printf(sb, "; %s due %s", text_in_sentence(rule->response, what, sizeof(what)),
		          date_format(st->response_due, a));
	if (st->then_due != DATE_NONE)
		sb_printf(sb, "; then by %s: %s", datetime_format(st->then_due, st->then_minute, a),
		          text_in_sentence(rule->then, what, sizeof(what)));
	if (st->due == DATE_NONE && st->follow_up != DATE_NONE)
		sb_printf(sb, "; back on the board %s until a date is agreed", date_format(st->follow_up, a));
}

/* "Escalated to stage 2 (Name), due 2026-12-04 (agreed); reason: ...; extras." */
static char *describe_start(const struct protocol *p, const struct dispute *d, const char *verb)
{
	const struct stage *st = dispute_current(d);
	struct sb sb = {0};
	char due[64], label[32];

	describe_due(st, due, sizeof(due));
	sb_printf(&sb, "%s %s (%s), %s%s%s%s", verb, stage_label(p, d, st, label, sizeof(label)),
	          stage_or_unknown(p, d, st->number), due, st->due_agreed ? " (agreed)" : "",
	          st->due_reason ? "; reason: " : "", st->due_reason ? st->due_reason : "");
	describe_extras(p, d, &sb);
	sb_append(&sb, ".");
	return sb_take(&sb);
}

char *svc_opened_text(const struct protocol *p, const struct dispute *d)
{
	struct sb sb = {0};
	char due[64];

	describe_due(&d->stages[0], due, sizeof(due));
	sb_printf(&sb, "Opened under %s%s at stage 1 (%s), %s", p->title,
	          d->urgent && p->urgent && !p->urgent->same_stages ? " on the urgent route" : "",
	          stage_or_unknown(p, d, 1), due);
	describe_extras(p, d, &sb);
	sb_append(&sb, ".");
	/* The first other agency and subject are in the dispute's own lines;
	 * the further ones are said, as every other change is. */
	for (size_t i = 0; i < d->nothers; i++)
		sb_printf(&sb, "%s%s", i ? (i + 1 < d->nothers ? ", " : " and ") : " Also against: ", d->others[i]);
	if (d->nothers)
		sb_append(&sb, ".");
	if (d->nsubjects)
		sb_printf(&sb, " %zu subjects.", dispute_subject_count(d));
	if (d->urgent && !(p->urgent && !p->urgent->same_stages))
		sb_printf(&sb, " Urgent: %s; agree a date sooner than the limit at each stage.",
		          p->urgent ? "the protocol's stages run as they are" : "the protocol names no urgent route of "
		          "its own");
	if (d->inform_due != DATE_NONE)
		sb_printf(&sb, " Inform %s today.", p->urgent->inform);
	return sb_take(&sb);
}

enum status svc_new(struct ctx *c, const char *protocol, const struct dispute_new *args, char ref[16],
                    struct dispute *out, struct error *err)
{
	const struct protocol *p;
	struct dispute d;
	enum status rc;

	struct dispute_new held;

	if ((rc = author_check(c, err)) || (rc = ctx_protocol(c, protocol, &p, err)))
		return rc;
	/* The lead who opens a dispute holds it until it is handed over. */
	held = *args;
	if (!held.owner)
		held.owner = c->lead;
	dispute_init(&d);
	rc = dispute_open(&d, p, &c->cal, &held, c->today, err);
	if (rc == ST_OK)
		rc = store_begin(c->store, err);
	if (rc != ST_OK) {
		dispute_free(&d);
		return rc;
	}
	rc = store_dispute_insert(c->store, &d, err);
	if (rc == ST_OK)
		rc = journal_event(c, NULL, &d, d.opened, svc_opened_text(p, &d), err);
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc != ST_OK) {
		store_rollback(c->store);
		dispute_free(&d);
		return rc;
	}
	memcpy(ref, d.reference, 16);
	if (out) {
		dispute_free(out);
		*out = d;
	} else {
		dispute_free(&d);
	}
	return ST_OK;
}

void svc_change_init(struct svc_change *ch, enum svc_change_kind kind)
{
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	ch->on = DATE_NONE;
	ch->due = DATE_NONE;
	ch->response = DATE_NONE;
}

/* What the journal says a record names: "Record #12: spoke to Zoë
 * O'Brien, Team Manager (Children's Social Care). Next: ..., by ...".
 * ct (or NULL) is the contact; caller frees. */
static char *detail_text(long long record, const struct contact *ct, bool new_contact, const struct record_detail *rd)
{
	struct sb text = {0};
	char a[11];

	sb_printf(&text, "Record #%lld", record);
	if (ct)
		sb_printf(&text, ": spoke to %s%s%s (%s)%s", ct->name, ct->role ? ", " : "", ct->role ? ct->role : "",
		          ct->agency, new_contact ? ", a new contact" : "");
	sb_append(&text, ".");
	if (rd && rd->next)
		sb_printf(&text, " Next: %s, by %s.", rd->next, date_format(rd->due, a));
	return sb_take(&text);
}

/* What a record written before names: its contact (one known, or one
 * added with it: added only when writing) and a follow-up. */
static char *change_detail(struct ctx *c, struct dispute *d, const struct svc_change *ch, bool writing,
                           enum status *rc, struct error *err)
{
	struct record *recs = NULL;
	struct contact ct, add;
	const struct record *r = NULL;
	long long contact = ch->contact_id;
	size_t n = 0;
	char *text = NULL;

	memset(&ct, 0, sizeof(ct));
	memset(&add, 0, sizeof(add));
	if ((*rc = store_records_load(c->store, d->id, &recs, &n, err)))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (recs[i].id == ch->record)
			r = &recs[i];
	if (!r || r->kind == RK_EVENT) {
		*rc = r ? error_set(err, ST_REFUSED, "record #%lld was written by the program: it names no contact",
		                    ch->record)
		        : error_set(err, ST_NOTFOUND, "record %lld is not a record of %s", ch->record, d->reference);
		goto out;
	}
	if (ch->new_contact) {
		if (!ch->new_contact->name || !*ch->new_contact->name || !ch->new_contact->agency ||
		    !*ch->new_contact->agency) {
			*rc = error_set(err, ST_INVALID, "a new contact needs a name and an agency");
			goto out;
		}
		add.agency = xstrdup(ch->new_contact->agency);
		add.name = xstrdup(ch->new_contact->name);
		add.role = xstrdup(ch->new_contact->role);
		add.email = xstrdup(ch->new_contact->email);
		add.phone = xstrdup(ch->new_contact->phone);
		if (writing) {
			if ((*rc = svc_contact_add(c, &add, err)))
				goto out;
			contact = add.id;
		} else if ((*rc = text_check(add.name, false, LINE_MAX_LEN, "the name", err)) ||
		           (*rc = text_check(add.agency, false, LINE_MAX_LEN, "the agency", err))) {
			/* checked as svc_contact_add will check it */
			goto out;
		}
	}
	if (contact && (*rc = store_contact_get(c->store, contact, &ct, err)))
		goto out;
	/* The preview has no id for a contact still to be added: it stands
	 * in as one (the rules only ask whether there is a contact), and the
	 * dispute shown has none. */
	if ((*rc = dispute_set_detail(d, r->id, r->day, contact ? contact : ch->new_contact ? 1 : 0, ch->text, ch->due,
	                              err)))
		goto out;
	if (!contact && ch->new_contact)
		((struct record_detail *)dispute_detail(d, r->id))->contact_id = 0;
	text = detail_text(r->id, contact ? &ct : ch->new_contact ? &add : NULL, ch->new_contact != NULL,
	                   dispute_detail(d, r->id));
out:
	for (size_t i = 0; i < n; i++)
		record_free(&recs[i]);
	free(recs);
	contact_free(&ct);
	contact_free(&add);
	return text;
}

/* An item of a checklist done: the journal says which, where and when. */
static char *change_tick(struct ctx *c, const struct protocol *p, struct dispute *d, const struct svc_change *ch,
                         long on, enum status *rc, struct error *err)
{
	struct check_item items[CHECKLIST_MAX];
	int stage = ch->stage ? ch->stage : d->current_stage;
	size_t n = dispute_checklist(p, d, stage, items, CHECKLIST_MAX);
	/* Which follow-up, if it is one: read before the tick changes d. */
	long long record = ch->item >= 1 && (size_t)ch->item <= n && items[ch->item - 1].followup ?
	                   items[ch->item - 1].followup->record : 0;
	char a[11];

	if ((*rc = dispute_tick(d, p, stage, ch->item, on, c->author, c->today, err)))
		return NULL;
	if (record)
		return xasprintf("Follow-up from #%lld done on %s: %s", record, date_format(on, a),
		                 dispute_detail(d, record)->next);
	return xasprintf("Done at stage %d on %s: %s", d->done[d->ndone - 1].stage, date_format(on, a),
	                 d->done[d->ndone - 1].text);
}

char *svc_change_text(struct ctx *c, const struct protocol *p, struct dispute *d, const struct svc_change *ch,
                      bool writing, enum status *rc, struct error *err)
{
	char a[11], due[64], label[32];
	struct stage *st;
	long on = ch->on == DATE_NONE ? c->today : ch->on;
	int minute = on == c->today ? c->now_minute : TIME_NONE;
	bool closed_seen = ch->kind == SVC_REOPEN;

	st = dispute_current(d);
	if (ch->seen_stage && (!st || stage_step(st) != ch->seen_stage || (d->status != DS_OPEN) != closed_seen ||
	                       (ch->seen_count && (size_t)ch->seen_count != d->nstages))) {
		if (d->status != DS_OPEN && !closed_seen)
			*rc = error_set(err, ST_REFUSED, "%s is now %s; nothing changed", d->reference,
			                dispute_status_name(d->status));
		else if (d->status == DS_OPEN && closed_seen)
			*rc = error_set(err, ST_REFUSED, "%s is open again; nothing changed", d->reference);
		else
			*rc = error_set(err, ST_REFUSED, "%s is now at %s; nothing changed", d->reference,
			                st ? stage_label(p, d, st, label, sizeof(label)) : "no stage");
		return NULL;
	}
	switch (ch->kind) {
	case SVC_ESCALATE:
		*rc = dispute_escalate(d, p, &c->cal, on, minute, ch->due, ch->text, c->today, err);
		if (!*rc && ch->response != DATE_NONE)
			*rc = dispute_set_response(d, p, &c->cal, ch->response, ch->text, c->today, err);
		return *rc ? NULL : describe_start(p, d, "Escalated to");
	case SVC_SET_DUE: {
		struct sb sb = {0};

		if (ch->due == DATE_NONE && ch->response == DATE_NONE) {
			*rc = error_set(err, ST_INVALID, "the due date is missing");
			return NULL;
		}
		*rc = ch->due != DATE_NONE ? dispute_set_due(d, p, &c->cal, ch->due, ch->text, c->today, err) : ST_OK;
		if (!*rc && ch->response != DATE_NONE)
			*rc = dispute_set_response(d, p, &c->cal, ch->response, ch->text, c->today, err);
		if (*rc)
			return NULL;
		st = dispute_current(d);
		describe_due(st, due, sizeof(due));
		stage_label(p, d, st, label, sizeof(label));
		label[0] = (char)(label[0] - ('a' - 'A'));
		if (ch->due != DATE_NONE)
			sb_printf(&sb, "%s deadline agreed: %s", label, due);
		if (ch->response != DATE_NONE)
		{
			char what[512];

			sb_printf(&sb, "%s%s agreed: due %s", sb.len ? "; " : "",
			          sb.len ? text_in_sentence(dispute_rule(p, d, st)->response, what, sizeof(what))
			                 : dispute_rule(p, d, st)->response, date_format(st->response_due, a));
		}
		else if (ch->due == DATE_NONE)
			sb_append(&sb, label);
		sb_printf(&sb, "%s%s.", st->due_reason ? "; reason: " : "", st->due_reason ? st->due_reason : "");
		return sb_take(&sb);
	}
	case SVC_REOPEN:
		*rc = dispute_reopen(d, p, &c->cal, on, minute, ch->text, c->today, err);
		if (*rc)
			return NULL;
		{
			char *start = describe_start(p, d, "Reopened at"), *text = xasprintf("%s Reason: %s", start, ch->text);

			free(start);
			return text;
		}
	case SVC_URGENT:
	case SVC_NORMAL: {
		bool own = p->urgent && !p->urgent->same_stages;
		struct sb sb = {0};

		*rc = dispute_switch(d, p, &c->cal, on, minute, ch->kind == SVC_URGENT, ch->stage, c->today, err);
		if (*rc)
			return NULL;
		st = dispute_current(d);
		if (own) {
			char *start = describe_start(p, d, ch->kind == SVC_URGENT ? "Switched to" : "Returned to");

			sb_printf(&sb, "%s", start);
			free(start);
			if (ch->kind == SVC_URGENT)
				sb_printf(&sb, " The urgent route: %s.", p->urgent->name);
		} else if (ch->kind == SVC_URGENT) {
			sb_printf(&sb, "Marked urgent at %s. ", stage_label(p, d, st, label, sizeof(label)));
			if (!p->urgent)
				sb_printf(&sb, "%s names no urgent route of its own: the stages go on, ", p->id);
			else
				sb_printf(&sb, "%s runs the normal stages: ", p->urgent->name);
			describe_due(st, due, sizeof(due));
			sb_printf(&sb, "agree a date sooner than the limit at each (%s is %s at the latest).",
			          label, due);
		} else {
			sb_append(&sb, "No longer urgent.");
		}
		if (d->inform_due != DATE_NONE && ch->kind == SVC_URGENT)
			sb_printf(&sb, " Inform %s today.", p->urgent->inform);
		return sb_take(&sb);
	}
	case SVC_RESOLVE:
		*rc = dispute_resolve(d, on, ch->text, ch->text2, c->today, err);
		if (*rc)
			return NULL;
		return xasprintf("Resolved at %s. Agreed: %s%s%s", stage_label(p, d, dispute_current(d), label, sizeof(label)),
		                 d->outcome,
		                 d->outstanding ? "\nOutstanding issues: " : "", d->outstanding ? d->outstanding : "");
	case SVC_WITHDRAW:
		*rc = dispute_withdraw(d, on, ch->text, c->today, err);
		return *rc ? NULL : xasprintf("Withdrawn at %s. Reason: %s",
		                              stage_label(p, d, dispute_current(d), label, sizeof(label)), d->outcome);
	case SVC_REFER:
		if (protocol_names_body(p, ch->text)) {
			*rc = dispute_refer_partnership(d, p, on, ch->text, c->today, err);
			return *rc ? NULL : xasprintf("Referred to %s on %s at %s (to: %s); it stays open while the "
			                              "partnership works towards a resolution.", p->body,
			                              date_format(on, a), stage_label(p, d, dispute_current(d), label,
			                                                              sizeof(label)), d->referred_to);
		}
		*rc = dispute_refer(d, on, ch->text, c->today, err);
		return *rc ? NULL : xasprintf("Referred on at %s to: %s",
		                              stage_label(p, d, dispute_current(d), label, sizeof(label)), d->outcome);
	case SVC_CHALLENGE:
		if ((*rc = dispute_challenge_allowed(d, p, err)))
			return NULL;
		*rc = dispute_challenge(d, on, true, c->today, err);
		return *rc ? NULL : xasprintf("Formal challenge: the protocol was formally invoked on %s.",
		                              date_format(on, a));
	case SVC_UNCHALLENGE:
		if ((*rc = dispute_challenge_allowed(d, p, err)))
			return NULL;
		*rc = dispute_challenge(d, on, false, c->today, err);
		return *rc ? NULL : xstrdup("Formal challenge flag cleared.");
	case SVC_COUNTERPART: {
		struct contact ct;
		char *text;
		int party;

		if ((*rc = store_contact_get(c->store, ch->contact_id, &ct, err)))
			return NULL;
		/* Each other agency has its counterpart: the contact's agency
		 * says whose it is (the first other agency's when it is none
		 * of them, as before there were several). */
		party = dispute_party(d, ct.agency);
		*rc = dispute_set_party_counterpart(d, ch->stage, party ? party : 1, ch->contact_id, err);
		text = *rc ? NULL : xasprintf("Counterpart manager for stage %d: %s%s%s, %s.",
		                              ch->stage ? ch->stage : d->current_stage, ct.name, ct.role ? ", " : "",
		                              ct.role ? ct.role : "", ct.agency);
		contact_free(&ct);
		return text;
	}
	case SVC_TICK:
		return change_tick(c, p, d, ch, on, rc, err);
	case SVC_DETAIL:
		return change_detail(c, d, ch, writing, rc, err);
	case SVC_OWNER: {
		char *was = d->owner ? xstrdup(d->owner) : NULL, *text;

		*rc = dispute_set_owner(d, ch->text, err);
		if (*rc)
			text = NULL;
		else if (was)
			text = xasprintf("Handed over from %s to %s.", was, d->owner);
		else
			text = xasprintf("Now held by %s.", d->owner);
		free(was);
		return text;
	}
	}
	*rc = error_set(err, ST_INVALID, "unknown change");
	return NULL;
}

/* The part svc_apply and svc_preview share (service_impl.h). */
enum status change_load(struct ctx *c, const char *ref, const struct svc_change *ch, struct dispute *d,
                        struct dispute *before, char **event, bool writing, struct error *err)
{
	const struct protocol *p;
	enum status rc = store_dispute_load(c->store, ref, d, err);

	*event = NULL;
	if (rc == ST_OK)
		rc = ctx_protocol(c, d->protocol, &p, err);
	if (rc == ST_OK && before)
		dispute_copy(before, d);
	if (rc == ST_OK)
		*event = svc_change_text(c, p, d, ch, writing, &rc, err);
	return rc;
}

enum status svc_apply(struct ctx *c, const char *ref, const struct svc_change *ch, struct dispute *out,
                      struct error *err)
{
	struct dispute d, before;
	enum status rc;
	char *event = NULL;

	if ((rc = author_check(c, err)))
		return rc;
	/* Take the write lock before reading, so two instances cannot both
	 * escalate the same stage from the same snapshot. */
	if ((rc = store_begin(c->store, err)))
		return rc;
	dispute_init(&d);
	dispute_init(&before);
	rc = change_load(c, ref, ch, &d, &before, &event, true, err);
	if (rc == ST_OK)
		rc = store_dispute_update(c->store, &d, err);
	if (rc == ST_OK) {
		rc = journal_event(c, &before, &d, ch->on == DATE_NONE ? c->today : ch->on, event, err);
		event = NULL;
	}
	free(event);
	dispute_free(&before);
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc != ST_OK)
		store_rollback(c->store);
	if (rc == ST_OK && out) {
		dispute_free(out);
		*out = d;
	} else {
		dispute_free(&d);
	}
	return rc;
}

enum status svc_preview(struct ctx *c, const char *ref, const struct svc_change *ch, char **event,
                        struct dispute *out, struct error *err)
{
	struct dispute d;
	enum status rc;

	dispute_init(&d);
	rc = change_load(c, ref, ch, &d, NULL, event, false, err);
	if (rc == ST_OK && out) {
		dispute_free(out);
		*out = d;
	} else {
		dispute_free(&d);
	}
	return rc;
}

enum status svc_counterpart(struct ctx *c, const char *ref, int stage, long long contact_id, struct dispute *out,
                            struct error *err)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_COUNTERPART);
	ch.stage = stage;
	ch.contact_id = contact_id;
	return svc_apply(c, ref, &ch, out, err);
}

/* The stage the dispute was at on `day`: the latest stage started by then. */
static int stage_on(const struct dispute *d, long day)
{
	int n = d->nstages ? d->stages[0].number : 1;

	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].started != DATE_NONE && d->stages[i].started <= day)
			n = d->stages[i].number;
	return n;
}

/* Whether x names anything. */
static bool extra_given(const struct record_extra *x)
{
	return x && (x->contact_id || x->new_contact || x->next || x->next_due != DATE_NONE);
}

/* What record r names, after r is stored: a new contact when asked, the
 * detail on d, and an event holding it, saying it in words. */
static enum status record_detail_add(struct ctx *c, struct dispute *d, const struct record *r,
                                     const struct record_extra *x, struct error *err)
{
	struct dispute before;
	struct contact ct;
	long long contact = x->contact_id;
	enum status rc = ST_OK;

	memset(&ct, 0, sizeof(ct));
	if (x->new_contact) {
		if ((rc = svc_contact_add(c, x->new_contact, err)))
			return rc;
		contact = x->new_contact->id;
	}
	if (contact && (rc = store_contact_get(c->store, contact, &ct, err)))
		return rc;
	dispute_init(&before);
	dispute_copy(&before, d);
	rc = dispute_set_detail(d, r->id, r->day, contact, x->next, x->next_due, err);
	if (rc == ST_OK)
		rc = store_dispute_update(c->store, d, err);
	if (rc == ST_OK)
		rc = journal_event(c, &before, d, r->day,
		                   detail_text(r->id, contact ? &ct : NULL, false, dispute_detail(d, r->id)), err);
	dispute_free(&before);
	contact_free(&ct);
	return rc;
}

/* svc_record and svc_record_draft: the record, what it names (x, may be
 * NULL), and the draft cleared in the same transaction when clear_draft
 * is set. */
static enum status record_add(struct ctx *c, const char *ref, long long id, struct record *r,
                              const struct record_extra *x, bool clear_draft, struct error *err)
{
	struct dispute d;
	enum status rc;

	if (r->kind == RK_EVENT || r->kind >= RK_COUNT)
		return error_set(err, ST_INVALID, "event records are written by the program only");
	if ((rc = author_check(c, err)))
		return rc;
	if ((rc = text_check(r->text, true, TEXT_MAX, "the record text", err)))
		return rc;
	if (r->day == DATE_NONE) {
		r->day = c->today;
		r->minute = c->now_minute;
	}
	if (r->day > c->today)
		return error_set(err, ST_REFUSED, "a record cannot be dated in the future");
	if ((rc = store_begin(c->store, err)))
		return rc;
	dispute_init(&d);
	rc = ref ? store_dispute_load(c->store, ref, &d, err) : store_dispute_load_id(c->store, id, &d, err);
	if (rc == ST_OK && r->day < d.opened) {
		char a[11];
		rc = error_set(err, ST_REFUSED, "a record cannot be dated before %s was opened (%s)", d.reference,
		               date_format(d.opened, a));
	}
	if (rc == ST_OK) {
		r->dispute_id = d.id;
		r->stage = stage_on(&d, r->day);
		free(r->author);
		r->author = xstrdup(c->author);
		rc = store_record_insert(c->store, r, err);
	}
	if (rc == ST_OK && extra_given(x))
		rc = record_detail_add(c, &d, r, x, err);
	if (rc == ST_OK && clear_draft)
		rc = store_draft_clear(c->store, d.id, err);
	if (rc == ST_OK)
		rc = store_commit(c->store, err);
	if (rc != ST_OK)
		store_rollback(c->store);
	dispute_free(&d);
	return rc;
}

enum status svc_record(struct ctx *c, const char *ref, struct record *r, struct error *err)
{
	return record_add(c, ref ? ref : "", 0, r, NULL, false, err);
}

enum status svc_record_draft(struct ctx *c, long long dispute_id, struct record *r, struct error *err)
{
	return record_add(c, NULL, dispute_id, r, NULL, true, err);
}

enum status svc_record_extra(struct ctx *c, const char *ref, struct record *r, const struct record_extra *x,
                             struct error *err)
{
	return record_add(c, ref ? ref : "", 0, r, x, false, err);
}

enum status svc_record_draft_extra(struct ctx *c, long long dispute_id, struct record *r,
                                   const struct record_extra *x, struct error *err)
{
	return record_add(c, NULL, dispute_id, r, x, true, err);
}
