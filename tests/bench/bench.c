/* Benchmark driver: fills a database for scripts/bench, and times two inner functions (working days, invite streaming). */
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

/* A small deterministic generator, so every run fills the same database. */
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A record as a lead writes one after a call: about 540 bytes, names with
 * accents, and once in 20,000 records the word "quinquennial" (the rare
 * word the search figures look for; "referral" is in most). */
static char *record_text(long i)
{
	static const char *const who[] = { "Siân Roberts", "Zoë O'Brien", "Łukasz Nowak", "Gruffydd Jones",
	                                   "Aoife Byrne", "Chloé Martin", "Mohammed Rahman", "Bethan Hughes" };
	static const char *const said[] = {
		" (duty team manager) about the referral that was closed at the front door. ",
		" said the threshold decision was made on the information held at the time of the referral. ",
		": left a message asking for the strategy discussion notes and a call back before 4pm. ",
		" agreed to review the case with the Service Manager and to confirm the outcome in writing. ",
		" met us: the school's welfare log was shared and the concerns about neglect were discussed. ",
		" confirmed that the police protection notification had not reached the MASH until the next day. ",
		" is the line manager now; we disagree about whether section 47 enquiries are needed. ",
		" emailed: the health visitor's chronology will be sent once the consent issue is resolved. ",
	};
	struct sb sb = {0};

	while (sb.len < 480) {
		sb_append(&sb, who[pick(8)]);
		sb_append(&sb, said[pick(8)]);
	}
	if (i % 20000 == 7)
		sb_append(&sb, "The quinquennial review of the protocol was mentioned. ");
	sb_append(&sb, "Next step agreed.");
	return sb_take(&sb);
}

/* N disputes over five protocols and five years, about one in seven still
 * open (opened in the last five weeks, so deadlines fall on every side of
 * today), the others escalated up to twice and then resolved, withdrawn or
 * referred; R records spread over them; a counterpart named for each open
 * one, and a follow-up set on the last record of every other one. */
static void fill(const char *db, long n, long nrec)
{
	static const char *const protos[] = { "north-wales", "newcastle", "conflict-resolution", "sunderland",
	                                      "rochdale-adults" };
	static const char *const agencies[] = { "Hillside Primary", "Northumbria Police", "Children's Social Care",
	                                        "Royal Hospital", "Adult Social Care", "Ysgol y Bryn" };
	long long contacts[6];
	struct ctx c;
	struct error err;
	long written = 0;
	double t0 = now_ms();

	ctx_up(&c, db, OPEN_CREATE);
	if (store_begin(c.store, &err))
		die(&err);
	for (int k = 0; k < 6; k++) {
		struct contact ct = { 0, (char *)agencies[k], "Zoë O'Brien", "Team manager", "zoe@example.org", NULL };

		if (store_contact_insert(c.store, &ct, &err))
			die(&err);
		contacts[k] = ct.id;
	}
	for (long i = 0; i < n; i++) {
		const struct protocol *p = protocol_set_find(&c.protocols, protos[i % 5]);
		bool open = i % 7 == 0;
		struct dispute d;
		struct dispute_new a = {0};
		char subject[32], summary[128];
		long recs = nrec / n + (i < nrec % n ? 1 : 0), on;
		int against = (int)((i + 2) % 6);

		snprintf(subject, sizeof(subject), "C-%06ld", i);
		snprintf(summary, sizeof(summary), "Disagreement %ld about a referral: threshold not met, Siân to review", i);
		a.subject = subject;
		a.raised_by = agencies[i % 6];
		a.against = agencies[against];
		a.category = p->categories[i % p->ncategories].key;
		a.summary = summary;
		a.opened = open ? c.today - (i * 31) % 25 : c.today - 1825 + (i * 7919) % 1700;
		a.minute = TIME_NONE;
		dispute_init(&d);
		if (dispute_open(&d, p, &c.cal, &a, c.today, &err))
			die(&err);
		on = a.opened;
		for (int k = 0; k < (int)(i % 3) && !open; k++) {
			on += 5;
			if (dispute_escalate(&d, p, &c.cal, on, TIME_NONE, DATE_NONE, NULL, c.today, &err))
				die(&err);
		}
		if (open)
			dispute_set_counterpart(&d, 0, contacts[against], &err);
		else if (i % 10 < 7)
			dispute_resolve(&d, on + 3, "Agreed after the managers met", NULL, c.today, &err);
		else if (i % 10 < 9)
			dispute_withdraw(&d, on + 3, "New information came to light", c.today, &err);
		else
			dispute_refer(&d, on + 3, "the partnership", c.today, &err);
		if (store_dispute_insert(c.store, &d, &err))
			die(&err);
		for (long k = 0; k < recs; k++) {
			struct record r;

			record_init(&r);
			r.dispute_id = d.id;
			r.day = d.opened + k % 5;
			r.minute = (int)(540 + k * 17 % 480);
			r.kind = RK_CALL;
			r.stage = 1;
			r.author = xstrdup("Siân Roberts (Designated Safeguarding Lead)");
			r.text = record_text(written++);
			if (store_record_insert(c.store, &r, &err))
				die(&err);
			/* Every other open dispute's last call set a follow-up, due
			 * from that day to three weeks on: most are due by today. */
			if (open && i % 2 == 0 && k == recs - 1 &&
			    (dispute_set_detail(&d, r.id, r.day, 0, "TM to confirm in writing", r.day + i % 21, &err) ||
			     store_dispute_update(c.store, &d, &err)))
				die(&err);
			record_free(&r);
		}
		dispute_free(&d);
		/* A transaction every 5,000 disputes: the journal is not one
		 * huge write. */
		if (i % 5000 == 4999 && (store_commit(c.store, &err) || store_begin(c.store, &err)))
			die(&err);
	}
	if (store_commit(c.store, &err))
		die(&err);
	printf("fill: %ld disputes, %ld records in %.0f ms\n", n, written, now_ms() - t0);
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
	                            false, "20261127T090000Z" };
	struct itip_msg m;
	struct dispute d;
	struct stage st;
	struct ics_writer *w;
	struct error err;
	FILE *out = fopen("/dev/null", "w");
	long before = maxrss_kb();
	double t0 = now_ms();
	char uid[80];

	dispute_init(&d);
	d.raised_by = "Hillside Primary";
	d.against = "Children's Social Care";
	memset(&st, 0, sizeof(st));
	st.number = 1;
	st.due_minute = TIME_NONE;
	date_parse("2026-12-04", &st.due);
	memset(&m, 0, sizeof(m));
	m.method = ITIP_REQUEST;
	m.name = "Zoë O'Brien";
	m.email = "zoe@example.org";
	m.uid = uid;
	m.due = st.due;
	m.due_minute = TIME_NONE;
	if (!out || ics_begin(out, ITIP_REQUEST, PROTOCOL_TIMEZONE, DATE_NONE, &w, &err))
		die(&err);
	for (int i = 0; i < n; i++) {
		struct ics_item it = { &d, NULL, &st, &m };

		snprintf(d.reference, sizeof(d.reference), "D-2026-%04d", i % 10000);
		st.number = m.stage = 1 + i / 10000;
		snprintf(uid, sizeof(uid), "%s.stage%d.0123456789abcdef@dispute", d.reference, st.number);
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
	if (argc == 5 && strcmp(argv[1], "fill") == 0)
		fill(argv[2], atol(argv[3]), atol(argv[4]));
	else if (argc == 3 && strcmp(argv[1], "workdays") == 0)
		workdays(atoi(argv[2]));
	else if (argc == 3 && strcmp(argv[1], "ics") == 0)
		ics(atoi(argv[2]));
	else {
		fputs("usage: bench fill DB DISPUTES RECORDS | workdays N | ics N\n", stderr);
		return 2;
	}
	return 0;
}
