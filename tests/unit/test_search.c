/* Unit tests of search in the store: what a typed search finds (accents, case, prefixes, phrases, closed disputes, labels, text that looks like search syntax), where it matched, the index kept in step by triggers, and built by migration 10 as the triggers build it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dispute/paths.h"
#include "dispute/store.h"

/* The fixture: tests/unit/fixtures/search-content as dispute 2b6e406
 * wrote it (schema 7), opened here, which builds the index (migration 10;
 * migration 11 adds the one of further agencies and subjects).
 *   0001 open       north-wales thresholds, Siân, Łukasz, Zoë, Øystein, Æthelred,
 *                   Đorđe, Straße, "the Head of Service", a correction
 *   0002 resolved   newcastle cp-conference, urgent, "strategy discussion"
 *   0003 withdrawn  rochdale-adults thresholds, Castleton, discharge, NEAR, (bracket)
 *   0004 open       sunderland information-sharing, "100% agreed; C-1234 * OR NOT; x:y {subject}" */
struct fx {
	char dir[64];
	char db[128];
	struct store *s;
};

static char *slurp(const char *path)
{
	struct error err;
	char *buf;
	size_t len;

	assert_int_equal(paths_read_file(path, 1 << 20, &buf, &len, &err), ST_OK);
	return buf;
}

static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* Every row of sql joined, columns by '|' and rows by '\n' (caller frees);
 * setup runs first on the same connection. */
static char *raw_rows(const char *path, const char *setup, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct sb sb = {0};

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (setup)
		assert_int_equal(sqlite3_exec(db, setup, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);

			sb_printf(&sb, "%s%s", i ? "|" : "", v ? v : "NULL");
		}
		sb_append(&sb, "\n");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return sb_take(&sb);
}

static void load_schema7(const char *path)
{
	char *sql = slurp("tests/unit/fixtures/schema7.sql");

	assert_int_equal(raw_exec(path, sql), SQLITE_OK);
	free(sql);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct error err;

	snprintf(f->dir, sizeof(f->dir), "/tmp/dispute-search-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/disputes.db", f->dir);
	setenv("DISPUTE_BUSY_MS", "50", 1);
	load_schema7(f->db);
	*state = f;
	return store_open(f->db, OPEN_WRITE, &f->s, &err) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	store_close(f->s);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

/* The categories' labels of the fixture's protocols, as the service adds them. */
static const struct search_label labels[] = {
	{ "north-wales", "thresholds", "Levels of need" },
	{ "north-wales", "information-sharing", "Communication" },
	{ "newcastle", "cp-conference", "Need for a Child Protection Conference" },
	{ "rochdale-adults", "thresholds", "Level of support needed" },
	{ "sunderland", "information-sharing", "Communication and information sharing" },
};

struct refs {
	struct sb sb;
};

static int collect(const struct dispute *d, void *ctx)
{
	struct refs *r = ctx;

	sb_printf(&r->sb, "%s%s", r->sb.len ? " " : "", d->reference + 7);
	return 0;
}

/* The disputes (their numbers) a search for text finds among `which`,
 * listed with the store's limits as they are. */
static char *found_once(struct store *s, const char *text, enum list_which which)
{
	struct list_filter lf;
	struct refs r = { {0} };
	struct error err;

	list_filter_init(&lf);
	lf.which = which;
	lf.order = ORDER_REFERENCE;
	lf.search = text;
	lf.labels = labels;
	lf.nlabels = sizeof(labels) / sizeof(labels[0]);
	assert_int_equal(store_list(s, &lf, collect, &r, &err), ST_OK);
	return sb_take(&r.sb);
}

/* The same, found each way a list finds them (store_search_limits): read
 * whole from the index and read by their ids; read whole and asked
 * about down the list; dispute by dispute down the whole list; dispute
 * by dispute for two disputes, then read whole; and dispute by dispute
 * once the words are in more than one record.  Each way finds the same
 * disputes. */
static char *found_in(struct store *s, const char *text, enum list_which which)
{
	static const struct { size_t rows; int disputes; size_t few; } ways[] = {
		{ STORE_SEARCH_ROWS, STORE_SEARCH_DISPUTES, 0 }, { 0, 1000, STORE_SEARCH_FEW },
		{ 0, 2, STORE_SEARCH_FEW }, { 1, 1000, STORE_SEARCH_FEW },
	};
	char *whole = found_once(s, text, which);

	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		char *got;

		store_search_limits(s, ways[i].rows, ways[i].disputes, ways[i].few);
		got = found_once(s, text, which);
		if (strcmp(got, whole) != 0)
			fail_msg("search \"%s\": read whole it finds \"%s\", another way (%zu rows, %d disputes, %zu few)"
			         " \"%s\"", text, whole, ways[i].rows, ways[i].disputes, ways[i].few, got);
		free(got);
	}
	store_search_limits(s, STORE_SEARCH_ROWS, STORE_SEARCH_DISPUTES, STORE_SEARCH_FEW);
	return whole;
}

#define assert_found(s, text, want) assert_found_in(s, text, LIST_ALL, want)

static void assert_found_in(struct store *s, const char *text, enum list_which which, const char *want)
{
	char *got = found_in(s, text, which);

	if (strcmp(got, want) != 0)
		fail_msg("search \"%s\": found \"%s\", not \"%s\"", text, got, want);
	free(got);
}

static void test_accents_and_case(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = {
		"sian", "SIAN", "Siân", "siân", "SIÂN", "zoe", "Zoë", "ZOË", "lukasz", "Łukasz", "łukasz", "ŁUKASZ",
		"LUKASZ", "oystein", "Øystein", "øystein", "aethelred", "Æthelred", "æthelred", "dorde", "Đorđe",
		"petrovic", "strasse", "Straße", "STRASSE", "o'brien", "brien",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_found(f->s, names[i], "0001");
}

static void test_prefixes_and_phrases(void **state)
{
	struct fx *f = *state;

	assert_found(f->s, "luk", "0001");             /* the start of a word */
	assert_found(f->s, "ukasz", "");               /* not the middle of one */
	assert_found(f->s, "s", "0001 0002 0003 0004");
	assert_found(f->s, "\"head of service\"", "0001");
	assert_found(f->s, "\"Head Of Service\"", "0001");
	assert_found(f->s, "\"service of head\"", "");  /* in order */
	assert_found(f->s, "\"head service\"", "");     /* next to each other */
	assert_found(f->s, "\"head of serv", "0001");  /* still being typed */
	assert_found(f->s, "\"head of serv\"", "");    /* closed: whole words */
	assert_found(f->s, "head service", "0001");    /* words apart */
	/* Every word and phrase in one record ... */
	assert_found(f->s, "siân zoë", "0001");
	assert_found(f->s, "siân straße", "");
	/* ... or all among the particulars. */
	assert_found(f->s, "castleton discharge", "0003");
	assert_found(f->s, "castleton emailed", "");
	/* Particulars: reference, subject, agencies, category key, summary. */
	assert_found(f->s, "d-2026-0003", "0003");
	assert_found(f->s, "D-2026-000", "0001 0002 0003 0004");
	assert_found(f->s, "nc-20931", "0002");
	assert_found(f->s, "\"baby m\"", "0002");
	assert_found(f->s, "ysgol", "0001");
	assert_found(f->s, "newcastle", "0002");        /* the agency, and its protocol's events */
	assert_found(f->s, "cp-conference", "0002");
	assert_found(f->s, "conference", "0002");
	assert_found(f->s, "\"joint visit\"", "0004");
	/* A correction is a record like any other. */
	assert_found(f->s, "deputy", "0001");
}

static void test_closed_disputes(void **state)
{
	struct fx *f = *state;
	struct list_filter lf;
	struct error err;
	int n;

	assert_found(f->s, "strategy", "0002");
	assert_found_in(f->s, "strategy", LIST_OPEN, "");
	assert_found_in(f->s, "strategy", LIST_CLOSED, "0002");
	assert_found(f->s, "discharge", "0003");
	assert_found(f->s, "agreed", "0001 0002 0004");
	assert_found_in(f->s, "agreed", LIST_OPEN, "0001 0004");
	assert_found_in(f->s, "agreed", LIST_CLOSED, "0002");
	list_filter_init(&lf);
	lf.search = "agreed";
	lf.which = LIST_OPEN;
	assert_int_equal(store_count(f->s, &lf, &n, &err), ST_OK);
	assert_int_equal(n, 2);
	lf.which = LIST_ALL;
	assert_int_equal(store_count(f->s, &lf, &n, &err), ST_OK);
	assert_int_equal(n, 3);
	lf.order = ORDER_DUE;
	assert_int_equal(store_list_index(f->s, &lf, "D-2026-0002", &n, &err), ST_OK);
	assert_int_equal(n, 2);         /* open ones first, by due date, then the closed one */
}

static void test_labels(void **state)
{
	struct fx *f = *state;

	/* A label's words find the disputes of that category under that
	 * protocol: the same key has other words under another. */
	assert_found(f->s, "support", "0003");
	assert_found(f->s, "levels", "0001");
	assert_found(f->s, "\"levels of need\"", "0001");
	assert_found(f->s, "\"level of need\"", "");
	assert_found(f->s, "need", "0001 0002 0003");
	assert_found(f->s, "communication", "0004");
	assert_found(f->s, "\"information sharing\"", "0004");
	assert_found(f->s, "\"protection conference\"", "0002");
	/* With the label's word, words of the particulars. */
	assert_found(f->s, "support castleton", "0003");
	assert_found(f->s, "support ysgol", "");
	/* The tag that carries the category is no word a search types. */
	assert_found(f->s, "6e6f", "");
}

static void test_typed_text_is_never_syntax(void **state)
{
	struct fx *f = *state;
	static const char *const nothing[] = {
		"\"", "\"\"", "\"\"\"", "'", "*", "-", ":", "(", ")", "^", "+", "{", "}", "%", "_", "* - : \"",
		"( )", "\" \"", "—", "\xe2\x80\xae", "\x01\x1b[\x07",
	};
	static const struct {
		const char *text, *want;
	} typed[] = {
		{ "sian\"", "0001" }, { "\"sian", "0001" }, { "sian*", "0001" }, { "*sian*", "0001" }, { "-sian", "0001" },
		{ "(sian)", "0001" }, { "sian:", "0001" }, { "^sian", "0001" }, { "+sian", "0001" }, { "\"\"sian\"\"", "0001" },
		{ "sian \"", "0001" }, { "sian ( )", "0001" }, { "{text}: sian", "" }, { "NEAR(sian zoe)", "" },
		{ "NEAR", "0003" }, { "near bracket", "0003" }, { "\"(bracket)\"", "0003" }, { "OR NOT", "0004" },
		{ "sian OR xylophone", "" }, { "sian NOT zoe", "" }, { "sian AND zoe", "0001" },  /* "and" is a word of record 2 */ { "{subject}", "0004" },
		{ "x:y", "0004" }, { "\"x y\"", "0004" }, { "100%", "0004" }, { "c-1234", "0004" }, { "\"c 1234\"", "0004" },
		{ "sian\x1b[2J", "" }, { "\x1b[2J", "" }, { "\xe2\x80\xaesian", "0001" }, { "si\xcc\x82" "an", "0001" },
	};
	struct error err;
	int n;

	for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
		assert_found(f->s, nothing[i], "");
		assert_int_equal(store_search_terms(f->s, nothing[i], &n, &err), ST_OK);
		if (n != 0)
			fail_msg("\"%s\" has %d terms", nothing[i], n);
	}
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++)
		assert_found(f->s, typed[i].text, typed[i].want);
	assert_int_equal(store_search_terms(f->s, "sian", &n, &err), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_search_terms(f->s, "\"head of\" x -- \"\" y\"", &n, &err), ST_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_search_terms(f->s, "", &n, &err), ST_OK);
	assert_int_equal(n, 0);
	/* No search and an empty one are no filter at all. */
	assert_found(f->s, NULL, "0001 0002 0003 0004");
	assert_found(f->s, "", "0001 0002 0003 0004");
	/* A long run of typing. */
	{
		struct sb sb = {0};

		for (int i = 0; i < 300; i++)
			sb_append(&sb, i % 3 ? "\"(*siân NEAR " : "OR - ");
		assert_found(f->s, sb.s, "");
		free(sb.s);
	}
}

/* The hits of a search in one dispute, as text: "#record" or the field,
 * then each span's text in brackets. */
static int hit_text(const struct search_hit *h, void *ctx)
{
	struct sb *sb = ctx;

	if (h->record)
		sb_printf(sb, "#%lld %s", h->record, record_kind_name(h->kind));
	else
		sb_printf(sb, "%s", h->field);
	for (size_t i = 0; i < h->nspans; i++) {
		assert_true(h->spans[i].start < h->spans[i].end);
		assert_true(h->spans[i].end <= strlen(h->text));
		assert_true(!i || h->spans[i].start > h->spans[i - 1].end);
		sb_printf(sb, " [%.*s]", (int)(h->spans[i].end - h->spans[i].start), h->text + h->spans[i].start);
	}
	if (!h->nspans)
		sb_printf(sb, " (%s)", h->text);
	sb_append(sb, "\n");
	return 0;
}

static void assert_hits(struct store *s, const char *text, long long dispute, const char *want)
{
	struct sb sb = {0};
	struct error err;
	char *got;

	assert_int_equal(store_search_hits(s, text, labels, sizeof(labels) / sizeof(labels[0]), dispute, hit_text, &sb,
	                                   &err), ST_OK);
	got = sb_take(&sb);
	assert_string_equal(got, want);
	free(got);
}

static int first_spans(const struct search_hit *h, void *ctx)
{
	struct sb *sb = ctx;

	for (size_t i = 0; i < h->nspans; i++)
		sb_printf(sb, "%s%zu-%zu", i ? " " : "", h->spans[i].start, h->spans[i].end);
	return 1;
}

static void test_where_it_matched(void **state)
{
	struct fx *f = *state;
	struct sb sb = {0};
	struct error err;
	char *got;

	/* The bytes of the words as stored: "Siân" is 5 bytes, "Łukasz" 7. */
	assert_int_equal(store_search_hits(f->s, "siân łukasz", NULL, 0, 1, first_spans, &sb, &err), ST_OK);
	got = sb_take(&sb);
	assert_string_equal(got, "9-14 24-31");
	free(got);
	assert_hits(f->s, "lukasz", 1, "#2 call [Łukasz]\n");
	assert_hits(f->s, "oystein", 1, "#3 meeting [Øystein]\n#4 note [Øystein] [Øystein]\n");
	/* A phrase is one span, the spaces in it too; prefixes mark whole words. */
	assert_hits(f->s, "\"head of service\" agr", 1, "#3 meeting [Agreed] [Head of Service]\n");
	/* The particulars first, each field that matched, then the records. */
	assert_hits(f->s, "discharge", 3, "summary [discharge]\n#9 email [discharge]\n#10 event [Discharge]\n");
	assert_hits(f->s, "castleton", 3, "against [Castleton]\n");
	assert_hits(f->s, "d-2026-0003", 3, "reference [D-2026-0003]\n");
	assert_hits(f->s, "\"d 2026\"", 3, "reference [D-2026]\n");
	/* A label matched is said as the label, with no span in it. */
	assert_hits(f->s, "support", 3, "category (Level of support needed)\n");
	assert_hits(f->s, "thresholds", 3, "category [thresholds]\n");
	/* Words that look like syntax are marked as words. */
	assert_hits(f->s, "NEAR \"(bracket)\"", 3, "#9 email [NEAR] [bracket]\n");
	/* Another dispute, or no match: nothing. */
	assert_hits(f->s, "lukasz", 2, "");
	assert_hits(f->s, "*", 1, "");
}

static void test_follows_changes(void **state)
{
	struct fx *f = *state;
	char *got;

	/* dispute never changes these, but the index follows any program
	 * that does, through the triggers: plain SQL, no dispute needed. */
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET summary = 'Zebra crossing at the school gate' WHERE id = 4"),
	                 SQLITE_OK);
	assert_found(f->s, "zebra", "0004");
	assert_found(f->s, "\"joint visit\"", "");
	assert_int_equal(raw_exec(f->db, "UPDATE agencies SET name = 'Quokka Trust' WHERE name = 'Castleton GP Practice'"),
	                 SQLITE_OK);
	assert_found(f->s, "quokka", "0003");
	assert_found(f->s, "castleton", "");
	assert_int_equal(raw_exec(f->db, "UPDATE agencies SET name = 'Øre Health' WHERE name = 'Health Visiting'"),
	                 SQLITE_OK);
	assert_found(f->s, "ore", "0002");
	/* A dispute against the agency that raised it, and that agency
	 * renamed: both of its fields go out of the index as they were and
	 * come in again as they are. */
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET against = raised_by WHERE id = 4;"
	                          " UPDATE agencies SET name = 'Wombat Academy' WHERE id = (SELECT raised_by FROM disputes"
	                          " WHERE id = 4)"), SQLITE_OK);
	got = raw_rows(f->db, NULL, "SELECT rowid FROM disputes_fts WHERE disputes_fts MATCH 'against:wombat'");
	assert_string_equal(got, "4\n");
	free(got);
	/* A row an UPDATE OR IGNORE skips (a name taken, a date that is not
	 * one) leaves the index as it was. */
	assert_int_equal(raw_exec(f->db, "UPDATE OR IGNORE agencies SET name = 'Quokka Trust' WHERE name = 'Wombat Academy';"
	                          " UPDATE OR IGNORE disputes SET summary = 'Never', opened = 'soon' WHERE id = 4"),
	                 SQLITE_OK);
	got = raw_rows(f->db, NULL, "SELECT rowid FROM disputes_fts WHERE disputes_fts MATCH 'against:wombat'");
	assert_string_equal(got, "4\n");
	free(got);
	assert_found(f->s, "never", "");
	assert_int_equal(raw_exec(f->db, "INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1);"
	                          " INSERT INTO disputes_fts(disputes_fts, rank) VALUES ('integrity-check', 1)"), SQLITE_OK);
	/* A record written by dispute is found at once, in the list and in
	 * its dispute, though the search was made before it was written. */
	assert_hits(f->s, "aero", 2, "");
	{
		struct record r;
		struct error err;

		record_init(&r);
		r.dispute_id = 2;
		r.day = 20000;
		r.kind = RK_NOTE;
		r.stage = 1;
		r.text = xstrdup("Ærøskøbing ferry times");
		assert_int_equal(store_record_insert(f->s, &r, &err), ST_OK);
		record_free(&r);
	}
	assert_found(f->s, "aeroskobing", "0002");
	assert_hits(f->s, "aero", 2, "#14 note [Ærøskøbing]\n");
	/* So is a change another program commits. */
	assert_hits(f->s, "zeb", 4, "summary [Zebra]\n");
	assert_int_equal(raw_exec(f->db, "UPDATE disputes SET summary = 'Zebedee at the gate' WHERE id = 4"), SQLITE_OK);
	assert_hits(f->s, "zeb", 4, "summary [Zebedee]\n");
	assert_found(f->s, "zeb", "0004");
	got = raw_rows(f->db, NULL, "SELECT rowid >> 32, rowid & 4294967295 FROM records_fts WHERE records_fts MATCH 'ferry'");
	assert_string_equal(got, "2|14\n");
	free(got);
}

/* A dispute's further other agencies and subjects (migration 11) are
 * searched as its particulars are, each on its own, and kept in step by
 * their own triggers: plain SQL again. */
static void test_further_agencies_and_subjects(void **state)
{
	struct fx *f = *state;

	assert_int_equal(raw_exec(f->db, "INSERT INTO agencies(name) VALUES ('Kestrel Housing');"
	                          " INSERT INTO dispute_agencies(dispute_id, position, agency_id)"
	                          "  SELECT 2, 2, id FROM agencies WHERE name = 'Kestrel Housing';"
	                          " INSERT INTO dispute_subjects(dispute_id, position, subject) VALUES (2, 2, 'C-4321 Łucja')"),
	                 SQLITE_OK);
	assert_found(f->s, "kestrel", "0002");
	assert_found(f->s, "lucja", "0002");
	assert_found(f->s, "\"c 4321\"", "0002");
	/* Every word in one of them: an agency and a subject together are two places. */
	assert_found(f->s, "kestrel lucja", "");
	assert_hits(f->s, "kestrel", 2, "against [Kestrel]\n");
	assert_hits(f->s, "lucja", 2, "subject [Łucja]\n");
	assert_int_equal(raw_exec(f->db, "UPDATE agencies SET name = 'Osprey Housing' WHERE name = 'Kestrel Housing';"
	                          " UPDATE dispute_subjects SET subject = 'C-5555 Marta' WHERE dispute_id = 2"), SQLITE_OK);
	assert_found(f->s, "osprey", "0002");
	assert_found(f->s, "kestrel", "");
	assert_found(f->s, "marta", "0002");
	assert_found(f->s, "lucja", "");
	/* Another agency in the same place. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO agencies(name) VALUES ('Puffin Trust');"
	                          " UPDATE dispute_agencies SET agency_id = (SELECT id FROM agencies WHERE name = 'Puffin Trust')"
	                          "  WHERE dispute_id = 2 AND position = 2"), SQLITE_OK);
	assert_found(f->s, "puffin", "0002");
	assert_found(f->s, "osprey", "");
	/* A change an UPDATE OR IGNORE skips changes nothing in the index. */
	assert_int_equal(raw_exec(f->db, "UPDATE OR IGNORE dispute_subjects SET subject = '' WHERE dispute_id = 2;"
	                          " UPDATE OR IGNORE dispute_agencies SET agency_id = NULL WHERE dispute_id = 2"), SQLITE_OK);
	assert_found(f->s, "marta", "0002");
	assert_found(f->s, "puffin", "0002");
	assert_int_equal(raw_exec(f->db, "INSERT INTO others_fts(others_fts, rank) VALUES ('integrity-check', 1)"),
	                 SQLITE_OK);
}

/* A database altered outside dispute takes no write, not even to temp:
 * searches go on, searching in each query. */
static void test_altered_database(void **state)
{
	struct fx *f = *state;
	struct error err;

	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f->db, "DROP TRIGGER stages_keep_key"), SQLITE_OK);
	assert_int_equal(store_open(f->db, OPEN_WRITE, &f->s, &err), ST_OK);
	assert_non_null(store_altered(f->s));
	assert_found(f->s, "lukasz", "0001");
	assert_found_in(f->s, "agreed", LIST_OPEN, "0001 0004");
	assert_found(f->s, "*", "");
	assert_hits(f->s, "\"head of service\" agr", 1, "#3 meeting [Agreed] [Head of Service]\n");
	assert_hits(f->s, "support", 3, "category (Level of support needed)\n");
}

static int count_finding(const struct finding *fd, void *ctx)
{
	struct sb *sb = ctx;

	sb_printf(sb, "%s\n", fd->message);
	return 0;
}

/* Every word of both indexes, in every row, at every position. */
static char *instances(const char *path)
{
	return raw_rows(path,
	                "CREATE VIRTUAL TABLE temp.r USING fts5vocab(main, records_fts, instance);"
	                "CREATE VIRTUAL TABLE temp.d USING fts5vocab(main, disputes_fts, instance);",
	                "SELECT 'r', * FROM temp.r UNION ALL SELECT 'd', * FROM temp.d ORDER BY 1, 2, 3, 4, 5");
}

static void test_migration_builds_what_triggers_build(void **state)
{
	struct fx *f = *state;
	struct store *s;
	struct error err;
	struct sb findings = {0};
	char *later = xasprintf("%s/later.db", f->dir), *copy, *a, *b;

	/* The same content written after the migration, row by row, through
	 * the triggers (the seals are the fixture's: they cover the same
	 * columns). */
	assert_int_equal(store_open(later, OPEN_CREATE, &s, &err), ST_OK);
	store_close(s);
	copy = xasprintf("ATTACH '%s' AS o; BEGIN;"
	                 " INSERT INTO agencies SELECT * FROM o.agencies ORDER BY id;"
	                 " INSERT INTO disputes SELECT * FROM o.disputes ORDER BY id;"
	                 " INSERT INTO stages SELECT * FROM o.stages ORDER BY dispute_id, number;"
	                 " INSERT INTO records SELECT * FROM o.records ORDER BY id;"
	                 " COMMIT; DETACH o;", f->db);
	assert_int_equal(raw_exec(later, copy), SQLITE_OK);
	a = instances(f->db);
	b = instances(later);
	assert_true(strlen(a) > 2000);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* The index against its content, as FTS5 checks it, both ways built. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1);"
	                          " INSERT INTO disputes_fts(disputes_fts, rank) VALUES ('integrity-check', 1)"), SQLITE_OK);
	assert_int_equal(raw_exec(later, "INSERT INTO records_fts(records_fts, rank) VALUES ('integrity-check', 1);"
	                          " INSERT INTO disputes_fts(disputes_fts, rank) VALUES ('integrity-check', 1)"), SQLITE_OK);
	/* verify's check finds both whole ... */
	assert_int_equal(store_open(later, OPEN_WRITE, &s, &err), ST_OK);
	assert_int_equal(store_check_search(f->s, count_finding, &findings, &err), ST_OK);
	assert_int_equal(store_check_search(s, count_finding, &findings, &err), ST_OK);
	assert_null(findings.s);
	assert_found(s, "lukasz", "0001");
	store_close(s);
	/* ... and a record written by a program that set the trigger aside
	 * missing from it. */
	assert_int_equal(raw_exec(later, "DROP TRIGGER search_records_add;"
	                          " INSERT INTO records SELECT id + 100, dispute_id, day, minute, kind, stage, author, text,"
	                          " NULL, created, state, prev, randomblob(32) FROM records WHERE id IN (2, 3)"), SQLITE_OK);
	assert_int_equal(store_open(later, OPEN_READ, &s, &err), ST_OK);
	assert_int_equal(store_check_search(s, count_finding, &findings, &err), ST_OK);
	assert_non_null(findings.s);
	assert_string_equal(findings.s, "the search index leaves out 2 records (the first #102): searches miss them\n");
	store_close(s);
	free(findings.s);
	free(copy);
	free(later);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accents_and_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefixes_and_phrases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_disputes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_text_is_never_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_where_it_matched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follows_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_further_agencies_and_subjects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_altered_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_builds_what_triggers_build, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
