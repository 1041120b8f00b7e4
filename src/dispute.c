/* Domain rules for disputes: opening, escalating, due dates, closing, and the journal's record kinds. */
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/dispute.h"
#include "dispute/text.h"

static const char *const record_kind_names[] = {
#define RECORD_KIND_NAME(name, str) str,
	RECORD_KINDS(RECORD_KIND_NAME)
#undef RECORD_KIND_NAME
};

static const char *const dispute_status_names[] = { "open", "resolved", "withdrawn", "referred" };
static const char *const stage_end_names[] = { "", "escalated", "resolved", "withdrawn", "referred" };

const char *dispute_status_name(enum dispute_status s)
{
	return (unsigned)s < 4 ? dispute_status_names[s] : "?";
}

bool dispute_status_parse(const char *s, enum dispute_status *out)
{
	for (int i = 0; i < 4; i++)
		if (s && strcmp(s, dispute_status_names[i]) == 0) {
			*out = (enum dispute_status)i;
			return true;
		}
	return false;
}

const char *stage_end_name(enum stage_end e)
{
	return (unsigned)e < 5 ? stage_end_names[e] : "?";
}

bool stage_end_parse(const char *s, enum stage_end *out)
{
	*out = SE_NONE;
	if (!s)
		return true;
	for (int i = 0; i < 5; i++)
		if (strcmp(s, stage_end_names[i]) == 0) {
			*out = (enum stage_end)i;
			return true;
		}
	return false;
}

const char *record_kind_name(enum record_kind k)
{
	return (unsigned)k < RK_COUNT ? record_kind_names[k] : "?";
}

bool record_kind_parse(const char *s, enum record_kind *out)
{
	for (int i = 0; i < RK_COUNT; i++)
		if (i != RK_EVENT && s && strcmp(s, record_kind_names[i]) == 0) {
			*out = (enum record_kind)i;
			return true;
		}
	return false;
}

void dispute_init(struct dispute *d)
{
	memset(d, 0, sizeof(*d));
	d->opened = DATE_NONE;
	d->closed = DATE_NONE;
	d->challenged = DATE_NONE;
	d->status = DS_OPEN;
}

void dispute_free(struct dispute *d)
{
	free(d->protocol);
	free(d->subject);
	free(d->raised_by);
	free(d->against);
	free(d->category);
	free(d->summary);
	free(d->outcome);
	free(d->outstanding);
	for (size_t i = 0; i < d->nstages; i++)
		free(d->stages[i].due_reason);
	free(d->stages);
	dispute_init(d);
}

struct stage *dispute_current(const struct dispute *d)
{
	return d->nstages ? &d->stages[d->nstages - 1] : NULL;
}

void record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->day = DATE_NONE;
	r->minute = TIME_NONE;
	r->kind = RK_NOTE;
}

void record_free(struct record *r)
{
	free(r->author);
	free(r->text);
	free(r->created);
	record_init(r);
}
