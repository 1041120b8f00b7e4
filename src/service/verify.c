/* `dispute verify`: the file, the hash chain, and every dispute replayed from its journal and held against the tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/journal.h"
#include "dispute/service.h"
#include "dispute/store.h"
#include "dispute/text.h"

struct verify_walk {
	struct store *store;
	finding_fn fn;
	void *fctx;
	struct verify_result *out;
	int stop;
	/* the dispute being replayed */
	long long id;
	long long broken;       /* the record whose state could not be applied, or 0 */
	size_t events;
	struct dispute replay;
	struct itip_log invites;        /* its invite lifecycle, replayed */
};

static int count_finding(const struct finding *f, void *ctx)
{
	struct verify_walk *w = ctx;

	w->out->findings++;
	w->stop = w->fn ? w->fn(f, w->fctx) : 0;
	return w->stop;
}

/* The replayed invite lifecycle of the dispute ref against the invites table. */
static void invites_end(struct verify_walk *w, const char *ref)
{
	struct itip_log stored = { NULL, 0 };
	struct error err;
	char diff[512];
	size_t i = 0, j = 0;

	if (store_invites_load(w->store, w->id, &stored, &err) != ST_OK) {
		finding_say(count_finding, w, FIND_REPLAY, 0, ref, "%s: its invites cannot be read from the tables: %s", ref,
		            err.msg);
		return;
	}
	/* Both lists are in (stage, attendee) order. */
	while (!w->stop && (i < stored.n || j < w->invites.n)) {
		const struct itip_sent *a = i < stored.n ? &stored.v[i] : NULL, *b = j < w->invites.n ? &w->invites.v[j] : NULL;
		int cmp = !a ? 1 : !b ? -1 : a->stage != b->stage ? (a->stage < b->stage ? -1 : 1)
		                                                   : ascii_casecmp(a->attendee, b->attendee);

		if (cmp < 0) {
			finding_say(count_finding, w, FIND_REPLAY, 0, ref, "%s: the invite for stage %d to %s is in the tables "
			            "but not in the journal", ref, a->stage, a->attendee);
			i++;
		} else if (cmp > 0) {
			finding_say(count_finding, w, FIND_REPLAY, 0, ref, "%s: the invite for stage %d to %s is in the journal "
			            "but not in the tables", ref, b->stage, b->attendee);
			j++;
		} else {
			if (!journal_invite_same(a, b, "in the tables", "in the journal", diff, sizeof(diff)))
				finding_say(count_finding, w, FIND_REPLAY, 0, ref, "%s does not agree with its journal: %s", ref,
				            diff);
			i++;
			j++;
		}
	}
	itip_log_free(&stored);
}

/* The replayed state of w->id against the tables. */
static void replay_end(struct verify_walk *w)
{
	struct dispute stored;
	struct error err;
	char diff[512];

	if (!w->id)
		return;
	w->out->disputes++;
	dispute_init(&stored);
	if (store_dispute_load_id(w->store, w->id, &stored, &err) != ST_OK) {
		finding_say(count_finding, w, FIND_REPLAY, 0, NULL, "a dispute cannot be read from the tables: %s",
		            err.msg);
	} else if (!w->events) {
		finding_say(count_finding, w, FIND_REPLAY, 0, stored.reference, "%s: no event in the journal holds its "
		            "state: it was added outside dispute, or its events were removed", stored.reference);
	} else if (!w->broken && !journal_same(&stored, &w->replay, "in the tables", "in the journal", diff,
	                                       sizeof(diff))) {
		finding_say(count_finding, w, FIND_REPLAY, 0, stored.reference, "%s does not agree with its journal: %s",
		            stored.reference, diff);
	}
	if (!w->stop && !w->broken && w->events && stored.reference[0])
		invites_end(w, stored.reference);
	dispute_free(&stored);
	dispute_free(&w->replay);
	itip_log_free(&w->invites);
	w->id = 0;
}

static int replay_event(long long dispute_id, long long record, const char *state, void *ctx)
{
	struct verify_walk *w = ctx;
	struct error err;

	if (dispute_id != w->id) {
		replay_end(w);
		if (w->stop)
			return 1;
		w->id = dispute_id;
		w->broken = 0;
		w->events = 0;
		dispute_init(&w->replay);
	}
	if (!state || w->broken)
		return w->stop;
	w->events++;
	if (journal_apply(&w->replay, state, &err) != ST_OK ||
	    journal_invite_apply(&w->invites, state, &err) != ST_OK) {
		w->broken = record;
		finding_say(count_finding, w, FIND_REPLAY, record, w->replay.reference[0] ? w->replay.reference : NULL,
		           "record #%lld holds a state that cannot be replayed: %s", record, err.msg);
	}
	return w->stop;
}

/* The whole check of one open store (the database, or a backup). */
static enum status verify_store(struct store *s, finding_fn fn, void *fctx, struct verify_result *out,
                                struct error *err)
{
	struct verify_walk w;
	enum status rc;
	bool own;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.store = s;
	w.fn = fn;
	w.fctx = fctx;
	w.out = out;
	dispute_init(&w.replay);
	/* One snapshot: a program writing meanwhile cannot make a link look broken. */
	if ((rc = store_snapshot_begin(s, &own, err)) != ST_OK)
		return rc;
	rc = store_check_file(s, count_finding, &w, err);
	if (rc == ST_OK && !w.stop)
		rc = store_check_chain(s, count_finding, &w, &out->head, err);
	if (rc == ST_OK && !w.stop)
		rc = store_events_each(s, replay_event, &w, err);
	if (rc == ST_OK && !w.stop)
		replay_end(&w);
	if (rc == ST_OK && !w.stop)
		rc = store_check_derived(s, count_finding, &w, err);
	if (rc == ST_OK && !w.stop)
		rc = store_check_search(s, count_finding, &w, err);
	dispute_free(&w.replay);
	itip_log_free(&w.invites);
	store_snapshot_end(s, own);
	return rc;
}

enum status svc_verify(struct ctx *c, finding_fn fn, void *fctx, struct verify_result *out, struct error *err)
{
	return verify_store(c->store, fn, fctx, out, err);
}

/* The first finding, on one line: it goes into an error message. */
static int first_finding(const struct finding *f, void *ctx)
{
	char *line = text_sanitize(f->message, false);

	snprintf(ctx, 256, "%s", line);
	free(line);
	return 1;
}

enum status svc_verify_file(const char *path, struct verify_result *out, char first[256], struct error *err)
{
	struct store *s;
	enum status rc = store_open(path, OPEN_READ, &s, err);

	first[0] = '\0';
	if (rc != ST_OK)
		return rc;
	rc = verify_store(s, first_finding, first, out, err);
	store_close(s);
	return rc;
}

enum status svc_head(struct ctx *c, struct journal_head *head, struct error *err)
{
	return store_head(c->store, head, err);
}

enum status svc_head_find(struct ctx *c, const char *hex, struct head_place *out, struct error *err)
{
	return store_head_find(c->store, hex, out, err);
}
