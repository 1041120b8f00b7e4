/* Builds one dispute's calendar invites from the store and the user's settings, and writes invite files privately. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dispute/date.h"
#include "dispute/clock.h"
#include "dispute/invite.h"
#include "dispute/paths.h"
#include "dispute/store.h"

bool invite_organizer_ok(const struct config *cfg)
{
	return cfg->name && *cfg->name && ics_email_ok(cfg->email);
}

enum status invite_setup_init(struct ctx *c, bool include_subject, struct invite_setup *s, struct error *err)
{
	enum status rc;

	memset(s, 0, sizeof(*s));
	rc = store_meta_get(c->store, "uid", &s->uid, err);
	if (rc == ST_OK && c->config.alarms)
		rc = ics_alarms_check(c->config.alarms, err);
	if (rc != ST_OK)
		return rc;
	clock_utc_stamp(s->stamp);
	s->set.organizer.name = c->config.name;
	s->set.organizer.email = c->config.email;
	s->set.phone = c->config.phone;
	s->set.alarms = c->config.alarms ? c->config.alarms : CONFIG_DEFAULT_ALARMS;
	s->set.include_subject = include_subject;
	s->set.dtstamp = s->stamp;
	s->set.uid_host = s->uid ? s->uid : "local";
	return ST_OK;
}

void invite_setup_free(struct invite_setup *s)
{
	free(s->uid);
	memset(s, 0, sizeof(*s));
}

enum status invite_scope(const struct dispute *d, bool cancel, bool all_stages, size_t *n, struct error *err)
{
	*n = d->nstages;
	if (cancel && d->status == DS_OPEN && !all_stages)
		return error_set(err, ST_REFUSED, "%s is open and its deadline stands; a moved deadline is re-sent as a "
		                 "request, and a closed dispute's invites can be cancelled", d->reference);
	/* Cancelling an open dispute's invites only touches stages that ended. */
	if (cancel && d->status == DS_OPEN)
		*n = d->nstages ? d->nstages - 1 : 0;
	if (!*n)
		return error_set(err, ST_REFUSED, "%s has no ended stage to cancel", d->reference);
	return ST_OK;
}

enum status invite_stage(struct ctx *c, struct ics_writer *w, const struct ics_settings *set,
                         const struct dispute *d, const struct stage *st, struct error *err)
{
	struct ics_item it = { d, protocol_set_find(&c->protocols, d->protocol), st, { NULL, NULL } };
	struct contact ct = {0};
	enum status rc;

	if (st->due == DATE_NONE)
		return error_set(err, ST_REFUSED, "stage %d of %s has no due date yet (agree one with 'dispute due')",
		                 st->number, d->reference);
	if (!st->contact_id)
		return error_set(err, ST_REFUSED, "stage %d of %s has no counterpart manager; name one with "
		                 "'dispute counterpart %s CONTACT'", st->number, d->reference, d->reference);
	if ((rc = store_contact_get(c->store, st->contact_id, &ct, err)))
		return rc;
	it.attendee.name = ct.name;
	it.attendee.email = ct.email;
	rc = ics_event(w, set, &it, err);
	contact_free(&ct);
	return rc;
}

enum status invite_dispute(struct ctx *c, struct ics_writer *w, const struct ics_settings *set,
                           const struct dispute *d, size_t n, bool all_stages, invite_skip_fn skip, void *skip_ctx,
                           int *written, int *skipped, struct error *err)
{
	enum status rc = ST_OK;

	for (size_t i = all_stages ? 0 : n - 1; i < n && rc == ST_OK; i++) {
		const struct stage *st = &d->stages[i];

		if (all_stages && st->due == DATE_NONE)
			continue;
		rc = invite_stage(c, w, set, d, st, err);
		if (rc == ST_OK) {
			if (written)
				(*written)++;
		} else if (skip && rc == ST_REFUSED) {
			skip(err->msg, skip_ctx);
			if (skipped)
				(*skipped)++;
			rc = ST_OK;
		}
	}
	return rc;
}

enum status invite_build(struct ctx *c, const struct invite_setup *s, const struct dispute *d, bool cancel,
                         bool all_stages, FILE *out, int *written, struct error *err)
{
	struct ics_writer *w;
	enum status rc;
	size_t n;

	if (written)
		*written = 0;
	if ((rc = invite_scope(d, cancel, all_stages, &n, err)) != ST_OK)
		return rc;
	if ((rc = ics_begin(out, cancel, &w, err)) != ST_OK)
		return rc;
	rc = invite_dispute(c, w, &s->set, d, n, all_stages, NULL, NULL, written, NULL, err);
	if (rc == ST_OK)
		rc = ics_end(w, err);
	else
		ics_end(w, NULL);
	return rc;
}

FILE *invite_file_open(const char *path, char **tmp, struct error *err)
{
	return paths_tmp_open(path, tmp, err);
}

enum status invite_file_close(FILE *f, char *tmp, const char *path, enum status rc, struct error *err)
{
	return paths_tmp_close(f, tmp, path, rc, err);
}

enum status invite_save(const char *path, const char *text, size_t len, struct error *err)
{
	const char *slash = strrchr(path, '/');
	char *tmp;
	FILE *f;
	enum status rc = ST_OK;

	if (!*path || (slash && !slash[1]))
		return error_set(err, ST_INVALID, "'%s' is not a file name", path);
	if (slash && slash != path) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		rc = paths_mkdir_private(dir, err);
		free(dir);
	}
	if (rc != ST_OK)
		return rc;
	if (!(f = invite_file_open(path, &tmp, err)))
		return ST_IO;
	if (fwrite(text, 1, len, f) != len)
		rc = error_set(err, ST_IO, "cannot write %s: %s", path, strerror(errno));
	return invite_file_close(f, tmp, path, rc, err);
}
