/* Test helpers: one service change a function, as the tests write them (the front ends build a struct svc_change and call svc_apply). */
#ifndef DISPUTE_TEST_CHANGES_H
#define DISPUTE_TEST_CHANGES_H

#include "dispute/service.h"

static inline enum status svc_escalate(struct ctx *c, const char *ref, long on, long agreed_due, const char *reason,
                                       struct dispute *out, struct error *err)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_ESCALATE);
	ch.on = on;
	ch.due = agreed_due;
	ch.text = reason;
	return svc_apply(c, ref, &ch, out, err);
}

static inline enum status svc_set_due(struct ctx *c, const char *ref, long due, const char *reason,
                                      struct dispute *out, struct error *err)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_SET_DUE);
	ch.due = due;
	ch.text = reason;
	return svc_apply(c, ref, &ch, out, err);
}

static inline enum status svc_resolve(struct ctx *c, const char *ref, long on, const char *outcome,
                                      const char *outstanding, struct dispute *out, struct error *err)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_RESOLVE);
	ch.on = on;
	ch.text = outcome;
	ch.text2 = outstanding;
	return svc_apply(c, ref, &ch, out, err);
}

static inline enum status svc_withdraw(struct ctx *c, const char *ref, long on, const char *reason,
                                       struct dispute *out, struct error *err)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_WITHDRAW);
	ch.on = on;
	ch.text = reason;
	return svc_apply(c, ref, &ch, out, err);
}

static inline enum status svc_refer(struct ctx *c, const char *ref, long on, const char *to, struct dispute *out,
                                    struct error *err)
{
	struct svc_change ch;

	svc_change_init(&ch, SVC_REFER);
	ch.on = on;
	ch.text = to;
	return svc_apply(c, ref, &ch, out, err);
}

static inline enum status svc_challenge(struct ctx *c, const char *ref, long on, bool set, struct dispute *out,
                                        struct error *err)
{
	struct svc_change ch;

	svc_change_init(&ch, set ? SVC_CHALLENGE : SVC_UNCHALLENGE);
	ch.on = on;
	return svc_apply(c, ref, &ch, out, err);
}

/* The due date the next stage would get if d were escalated on `on`. */
static inline enum status svc_escalate_preview(struct ctx *c, const struct dispute *d, long on, long *due,
                                               int *due_minute, struct error *err)
{
	struct svc_change ch;
	struct dispute after;
	char *event = NULL;
	enum status rc;

	svc_change_init(&ch, SVC_ESCALATE);
	ch.on = on;
	dispute_init(&after);
	rc = svc_preview(c, d->reference, &ch, &event, &after, err);
	if (rc == ST_OK) {
		*due = dispute_current(&after)->due;
		*due_minute = dispute_current(&after)->due_minute;
	}
	free(event);
	dispute_free(&after);
	return rc;
}

#endif
