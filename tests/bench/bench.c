/* Benchmark driver: fills a database, then times the windowed list, search, working days and invite streaming. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dispute/date.h"
#include "dispute/ics.h"
#include "dispute/invite.h"
#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/store.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void die(const struct error *err)
{
	fprintf(stderr, "bench: %s\n", err->msg);
	exit(1);
}

static void ctx_up(struct ctx *c, const char *db, enum open_mode mode)
{
	struct error err;
	long today;

	date_parse("2026-11-27", &today);
	if (ctx_init(c, today, 9 * 60, &err) != ST_OK || ctx_open(c, db, mode, &err) != ST_OK)
		die(&err);
}

/* N disputes spread over five protocols and two years, three records each. */
static void fill(const char *db, int n)
{
	static const char *const protos[] = { "north-wales", "newcastle", "conflict-resolution", "sunderland",
	                                      "rochdale-adults" };
	static const char *const agencies[] = { "Hillside Primary", "Northumbria Police", "Children's Social Care",
	                                        "Royal Hospital", "Adult Social Care", "Ysgol y Bryn" };
	struct ctx c;
	struct error err;
	double t0 = now_ms();

	ctx_up(&c, db, OPEN_CREATE);
	if (store_begin(c.store, &err))
		die(&err);
	for (int i = 0; i < n; i++) {
		const struct protocol *p = protocol_set_find(&c.protocols, protos[i % 5]);
		struct dispute d;
		struct dispute_new a = {0};
		char subject[32], summary[96];

		snprintf(subject, sizeof(subject), "C-%05d", i);
		snprintf(summary, sizeof(summary), "Disagreement number %d about a referral", i);
		a.subject = subject;
		a.raised_by = agencies[i % 6];
		a.against = agencies[(i + 2) % 6];
		a.category = p->categories[i % p->ncategories].key;
		a.summary = summary;
		a.opened = c.today - 700 + (i * 7) % 700;
		a.minute = TIME_NONE;
		dispute_init(&d);
		if (dispute_open(&d, p, &c.cal, &a, c.today, &err) || store_dispute_insert(c.store, &d, &err))
			die(&err);
		for (int k = 0; k < 3; k++) {
			struct record r;

			record_init(&r);
			r.dispute_id = d.id;
			r.day = d.opened;
			r.kind = RK_NOTE;
			r.stage = 1;
			r.author = xstrdup("bench");
			r.text = xasprintf("Call %d with the other agency about case %d; agreed to review.", k, i);
			if (store_record_insert(c.store, &r, &err))
				die(&err);
			record_free(&r);
		}
		dispute_free(&d);
	}
	if (store_commit(c.store, &err))
		die(&err);
	printf("fill: %d disputes, %d records in %.0f ms\n", n, 3 * n, now_ms() - t0);
	ctx_free(&c);
}

static int count_row(const struct dispute *d, void *ctx)
{
	(void)d;
	++*(int *)ctx;
	return 0;
}

/* One screen's worth of the list, at the top and at the bottom, as the workbench asks for it. */
static void list(const char *db, int pages)
{
	struct ctx c;
	struct list_filter f;
	struct error err;
	int total = 0, rows = 0;
	double t0;

	ctx_up(&c, db, OPEN_READ);
	list_filter_init(&f);
	f.limit = 30;
	t0 = now_ms();
	if (store_count(c.store, &f, &total, &err))
		die(&err);
	for (int i = 0; i < pages; i++) {
		f.offset = (i * 30) % (total > 30 ? total - 30 : 1);
		if (store_list(c.store, &f, count_row, &rows, &err))
			die(&err);
	}
	printf("list: %d pages of 30 rows out of %d disputes in %.1f ms (%.2f ms a page)\n", pages, total,
	       now_ms() - t0, (now_ms() - t0) / pages);
	ctx_free(&c);
}

static void search(const char *db, const char *text)
{
	struct ctx c;
	struct list_filter f;
	struct error err;
	int rows = 0;
	double t0;

	ctx_up(&c, db, OPEN_READ);
	list_filter_init(&f);
	f.search = text;
	f.limit = 30;
	t0 = now_ms();
	if (store_list(c.store, &f, count_row, &rows, &err))
		die(&err);
	printf("search '%s' over disputes and records: first %d hits in %.1f ms\n", text, rows, now_ms() - t0);
	ctx_free(&c);
}

static void workdays(int n)
{
	struct ctx c;
	struct error err;
	long start, out, sum = 0;
	double t0;

	memset(&c, 0, sizeof(c));
	date_parse("2026-11-27", &start);
	if (ctx_init(&c, start, 0, &err))
		die(&err);
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		if (workdays_add(&c.cal, "england-and-wales", start - 700 + i % 1400, 5 + i % 10, &out, &err))
			die(&err);
		sum += out;
	}
	printf("workdays: %d additions of 5-14 working days in %.1f ms (checksum %ld)\n", n, now_ms() - t0, sum % 1000);
	ctx_free(&c);
}

/* n invites streamed to /dev/null: memory stays flat however many there are. */
static void ics(int n)
{
	struct ics_settings set = { { "Siân Jones", "sian@example.org" }, "01234 567890", INVITE_DEFAULT_ALARMS,
	                            false, "20261127T090000Z", "0123456789abcdef" };
	struct dispute d;
	struct stage st;
	struct ics_writer *w;
	struct error err;
	FILE *out = fopen("/dev/null", "w");
	long before = maxrss_kb();
	double t0 = now_ms();

	dispute_init(&d);
	d.raised_by = "Hillside Primary";
	d.against = "Children's Social Care";
	memset(&st, 0, sizeof(st));
	st.number = 1;
	st.due_minute = TIME_NONE;
	date_parse("2026-12-04", &st.due);
	if (!out || ics_begin(out, false, &w, &err))
		die(&err);
	for (int i = 0; i < n; i++) {
		struct ics_item it = { &d, NULL, &st, { "Zoë O'Brien", "zoe@example.org" }, 1 };

		snprintf(d.reference, sizeof(d.reference), "D-2026-%04d", i % 10000);
		st.number = 1 + i / 10000;
		if (ics_event(w, &set, &it, &err))
			die(&err);
	}
	if (ics_end(w, &err))
		die(&err);
	fclose(out);
	printf("ics: %d invites streamed in %.0f ms; peak memory %ld KiB (%ld KiB before)\n", n, now_ms() - t0,
	       maxrss_kb(), before);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "fill") == 0)
		fill(argv[2], atoi(argv[3]));
	else if (argc == 4 && strcmp(argv[1], "list") == 0)
		list(argv[2], atoi(argv[3]));
	else if (argc == 4 && strcmp(argv[1], "search") == 0)
		search(argv[2], argv[3]);
	else if (argc == 3 && strcmp(argv[1], "workdays") == 0)
		workdays(atoi(argv[2]));
	else if (argc == 3 && strcmp(argv[1], "ics") == 0)
		ics(atoi(argv[2]));
	else {
		fputs("usage: bench fill DB N | list DB PAGES | search DB TEXT | workdays N | ics N\n", stderr);
		return 2;
	}
	return 0;
}
