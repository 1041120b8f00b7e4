/* The plain values front ends and the store share: filters, contacts, drafts and the names of exported tables. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/query.h"

void list_filter_init(struct list_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->which = LIST_ALL;
	f->due_from = DATE_NONE;
	f->due_before = DATE_NONE;
	f->overdue_on = DATE_NONE;
	f->overdue_minute = TIME_NONE;
	f->order = ORDER_DUE;
	f->attention_before = DATE_NONE;
}

void deadline_filter_init(struct deadline_filter *f, long today)
{
	memset(f, 0, sizeof(*f));
	f->today = today;
	f->from = DATE_NONE;
	f->before = DATE_NONE;
	f->passed_on = DATE_NONE;
	f->passed_minute = TIME_NONE;
}

void report_filter_init(struct report_filter *f)
{
	f->from = DATE_NONE;
	f->to = DATE_NONE;
	f->protocol = NULL;
}

void contact_free(struct contact *c)
{
	free(c->agency);
	free(c->name);
	free(c->role);
	free(c->email);
	free(c->phone);
	memset(c, 0, sizeof(*c));
}

void draft_init(struct draft *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = RK_NOTE;
}

void draft_free(struct draft *d)
{
	free(d->text);
	free(d->at);
	free(d->history);
	draft_init(d);
}

const char *export_table_name(enum export_table t)
{
	static const char *const names[] = {
#define EXPORT_TABLE_NAME(name, str) str,
		EXPORT_TABLES(EXPORT_TABLE_NAME)
#undef EXPORT_TABLE_NAME
	};

	return (unsigned)t < TABLE_COUNT ? names[t] : "?";
}

int finding_say(finding_fn fn, void *ctx, enum finding_kind kind, long long record, const char *reference,
                const char *fmt, ...)
{
	struct finding f = { kind, record, reference, NULL };
	char msg[768];
	va_list ap;

	if (!fn)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f.message = msg;
	return fn(&f, ctx);
}
