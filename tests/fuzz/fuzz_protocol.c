/* libFuzzer harness: any bytes, as the text of a protocol file, through the loader's parser and the rules that read what it loads. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/calendar.h"
#include "dispute/date.h"
#include "dispute/protocol.h"
#include "dispute/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The divisions of the shipped bank-holiday data, in its order, with one
 * holiday each: the parser checks a protocol's division against them, and
 * the harness reads no file. */
static const char holidays[] =
	"date,division,title\n"
	"2026-01-01,england-and-wales,New Year's Day\n"
	"2026-01-01,northern-ireland,New Year's Day\n"
	"2026-01-01,scotland,New Year's Day\n";

#define PATH "fuzz.ini"

static struct calendar cal;
static long start_day;

/* A broken promise of the loader is a crash, so libFuzzer keeps the input. */
#define need(cond, what) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_protocol: %s (%s)\n", what, #cond); \
			abort(); \
		} \
	} while (0)

static void setup(void)
{
	static bool ready;
	struct error err;

	if (ready)
		return;
	calendar_init(&cal);
	need(calendar_load_csv(&cal, holidays, strlen(holidays), "holidays.csv", &err) == ST_OK,
	     "the harness's own holidays load");
	need(date_parse("2026-03-02", &start_day), "the start day parses");
	ready = true;
}

/* Says which promise a refusal broke, with its bytes escaped so that the
 * log shows them, and crashes. */
static void bad_message(const char *msg, const char *what)
{
	fprintf(stderr, "fuzz_protocol: %s: \"", what);
	for (const unsigned char *u = (const unsigned char *)msg; *u; u++)
		fprintf(stderr, *u >= 0x20 && *u < 0x7F && *u != '\\' ? "%c" : "\\x%02X", *u);
	fprintf(stderr, "\"\n");
	abort();
}

/* A refusal reads "fuzz.ini:LINE: reason" and is shown on a terminal as it
 * is: valid UTF-8 and no control character, whatever bytes the file held. */
static void check_message(const char *msg, size_t lines)
{
	const char *s = msg + strlen(PATH ":");
	size_t bad, line = 0, len = strlen(msg);

	if (strncmp(msg, PATH ":", strlen(PATH ":")) != 0)
		bad_message(msg, "a refusal names the file");
	while (*s >= '0' && *s <= '9' && line <= lines + 1)
		line = line * 10 + (size_t)(*s++ - '0');
	if (line < 1 || line > lines + 1)
		bad_message(msg, "a refusal names a line of the file");
	if (s[0] != ':' || s[1] != ' ' || !s[2])
		bad_message(msg, "a refusal says why after the line");
	if (!utf8_valid(msg, len, &bad))
		bad_message(msg, "a refusal is valid UTF-8");
	for (size_t i = 0; i < len;) {
		unsigned cp;

		i += utf8_decode(msg + i, len - i, &cp);
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			bad_message(msg, "a refusal holds no control character");
	}
}

/* A limit reads back from its own description, and is in range. */
static void check_limit(const struct limit *l)
{
	struct limit again;
	struct error err;
	char text[96];
	long due;
	int minute;

	need(limit_parse(limit_describe(l, text, sizeof(text)), &again, &err), "a described limit parses");
	need(again.kind == l->kind && again.n == l->n, "a limit survives its description");
	need(l->kind == LIMIT_NONE ? l->n == 0 : l->n >= 1, "a limit counts from 1");
	/* The one-year calendar may not cover the answer; a refusal is fine,
	 * anything undefined on the way is not. */
	(void)limit_due(l, &cal, "england-and-wales", start_day, 14 * 60 + 30, &due, &minute, NULL);
}

/* A checklist: at most 20 short lines, none twice, none that every stage
 * asks for already (every is NULL for those of every stage). */
static void check_actions(char *const *v, size_t n, const struct protocol *every)
{
	need(n <= 20, "a section has at most 20 actions");
	for (size_t i = 0; i < n; i++) {
		need(v[i] && *v[i] && strlen(v[i]) <= 300, "an action is a short line");
		for (size_t k = 0; k < i; k++)
			need(strcmp(v[i], v[k]) != 0, "no action twice in a section");
		for (size_t k = 0; every && k < every->nactions; k++)
			need(strcmp(v[i], every->actions[k]) != 0, "no stage asks for what every stage does");
	}
}

/* The stages of a route, as the deadlines look them up. */
static void check_stages(const struct protocol *p, bool urgent)
{
	size_t n;
	const struct stage_rule *v = protocol_stages(p, urgent, &n);

	need(n >= 1, "a route has stages");
	need(protocol_stage_rule(p, urgent, 0) == NULL, "there is no stage 0");
	need(protocol_stage_rule(p, urgent, (int)n + 1) == NULL, "there is no stage past the last");
	for (size_t i = 0; i < n; i++) {
		need(protocol_stage_rule(p, urgent, (int)i + 1) == &v[i], "a stage is found by its number");
		need(v[i].name && *v[i].name, "every stage has a name");
		need(!v[i].timed || v[i].limit.kind == LIMIT_WORKDAYS, "only working days are timed");
		check_limit(&v[i].limit);
		check_actions(v[i].actions, v[i].nactions, p);
	}
}

/* What every front end relies on in a protocol that loaded. */
static void check_protocol(const struct protocol *p)
{
	const struct category *c;
	struct error err;
	size_t n;

	need(p->title && p->partnership && p->source && p->population && p->division,
	     "the required keys of [protocol] are there");
	need(calendar_division(&cal, p->division), "the division is the calendar's");
	need(p->nstages >= 1 && p->ncategories >= 1, "a protocol has stages and categories");
	need(protocol_stages(p, false, &n) == p->stages && n == p->nstages, "the normal route is the stages");
	check_actions(p->actions, p->nactions, NULL);
	check_stages(p, false);
	if (p->urgent) {
		need(p->urgent->name && p->urgent->when, "the urgent route is named and says when");
		need(p->urgent->same_stages != (p->urgent->nstages > 0), "an urgent route has stages one way");
	}
	check_stages(p, true);
	for (size_t i = 0; i < p->nspans; i++) {
		const struct span_rule *sp = &p->spans[i];

		need(sp->name, "a span has a name");
		need(sp->from >= 1 && sp->from <= sp->to && (size_t)sp->to <= p->nstages, "a span runs over stages");
		need(sp->limit.kind != LIMIT_NONE && sp->limit.kind != LIMIT_AGREED, "a span's limit gives a date");
		check_limit(&sp->limit);
	}
	for (size_t i = 0; i < p->ncategories; i++) {
		need(protocol_category(p, p->categories[i].key) == &p->categories[i], "a key finds its category");
		need(protocol_category_find(p, p->categories[i].key, &c, &err) == ST_OK && c == &p->categories[i],
		     "a key typed finds its category");
		/* a label may be ambiguous; either answer is fine, a crash is not */
		(void)protocol_category_find(p, p->categories[i].label, &c, &err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct protocol *p = NULL;
	struct error err;
	size_t lines = 1;
	enum status rc;

	setup();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = protocol_parse("fuzz", PATH, (const char *)data, size, &cal, &p, &err);
	if (rc == ST_OK) {
		need(p != NULL, "a loaded protocol is handed out");
		check_protocol(p);
		protocol_free(p);
	} else {
		need(rc == ST_INVALID && p == NULL, "a refused file is ST_INVALID and hands out nothing");
		check_message(err.msg, lines);
	}
	return 0;
}
