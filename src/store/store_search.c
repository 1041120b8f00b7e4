/* Search in the store: the full-text index (FTS5) over the journal and the disputes' particulars, what a user types made into its queries, and where the words matched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "store_impl.h"

/* The tokenizer the index was made with (migration 10). */
static const char *const tokenizer_args[] = { "remove_diacritics", "2" };

/* The columns of disputes_fts a word typed is looked for in: all but the
 * tag, which only a category's label finds. */
#define TYPED_COLUMNS "{reference subject raised_by against category summary}"

/* ---- the connection ---- */

/* The fts5_api of the connection, through SQLite's documented handshake. */
static fts5_api *fts5_of(struct store *s)
{
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL) == SQLITE_OK)
		sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

/* A growing list of byte ranges. */
struct spans {
	struct text_span *v;
	size_t n, cap;
};

static void spans_add(struct spans *sp, size_t start, size_t end)
{
	/* Words of one phrase, or phrases that touch, are one range. */
	if (sp->n && sp->v[sp->n - 1].end >= start) {
		if (end > sp->v[sp->n - 1].end)
			sp->v[sp->n - 1].end = end;
		return;
	}
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 8;
		sp->v = xrealloc(sp->v, sp->cap * sizeof(*sp->v));
	}
	sp->v[sp->n++] = (struct text_span){ start, end };
}

/* dispute_spans(): the tokens matched, by position, and the ranges found. */
enum { HIT_FIRST = 1, HIT_NEXT = 2 };   /* a phrase's first word, and the words after it */

struct spans_walk {
	unsigned char *hit;         /* hit[i]: how the i-th word of the column matched, or 0 */
	int nhit;
	int at;                     /* the position of the next word */
	bool last;                  /* the word before it matched */
	struct spans out;
};

static int spans_token(void *ctx, int flags, const char *token, int ntoken, int start, int end)
{
	struct spans_walk *w = ctx;
	unsigned char how;

	(void)token;
	(void)ntoken;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	how = w->at < w->nhit ? w->hit[w->at] : 0;
	if (how && start >= 0 && end >= start) {
		/* A phrase is one range, the spaces between its words with it. */
		if (!(how & HIT_FIRST) && w->last && w->out.n)
			w->out.v[w->out.n - 1].end = (size_t)end;
		else
			spans_add(&w->out, (size_t)start, (size_t)end);
	}
	w->last = how != 0;
	w->at++;
	return SQLITE_OK;
}

/* The auxiliary function dispute_spans(fts, column, text): the byte
 * ranges, as "start end start end ...", of the words the query matched in
 * that column of the current row, found in text.  text is the column as
 * stored, before SEARCH_FOLD: the index holds positions among words, and
 * the fold leaves the words where they are, so the ranges are ranges of
 * the stored text, whatever it holds: no marker is ever put into it. */
static void spans_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *cx, int nval,
                     sqlite3_value **val)
{
	struct spans_walk w;
	struct sb sb = {0};
	const char *text;
	int col, ninst = 0, rc, text_len;

	memset(&w, 0, sizeof(w));
	if (nval != 2) {
		sqlite3_result_error(cx, "dispute_spans: expects a column and its text", -1);
		return;
	}
	col = sqlite3_value_int(val[0]);
	text = (const char *)sqlite3_value_text(val[1]);
	text_len = sqlite3_value_bytes(val[1]);
	if (!text) {
		sqlite3_result_text(cx, "", 0, SQLITE_STATIC);
		return;
	}
	if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK) {
		sqlite3_result_error_code(cx, rc);
		return;
	}
	for (int i = 0; i < ninst; i++) {
		int phrase, icol, off, size;

		if ((rc = api->xInst(fts, i, &phrase, &icol, &off)) != SQLITE_OK)
			break;
		size = api->xPhraseSize(fts, phrase);
		/* A text of n bytes has fewer than n words: an index that says
		 * otherwise (edited by another program) marks nothing. */
		if (icol != col || off < 0 || size <= 0 || off >= text_len || size > text_len - off)
			continue;
		if (off + size > w.nhit) {
			w.hit = xrealloc(w.hit, (size_t)(off + size));
			memset(w.hit + w.nhit, 0, (size_t)(off + size - w.nhit));
			w.nhit = off + size;
		}
		w.hit[off] |= HIT_FIRST;
		for (int k = 1; k < size; k++)
			w.hit[off + k] |= HIT_NEXT;
	}
	if (rc == SQLITE_OK && w.nhit)
		rc = api->xTokenize(fts, text, text_len, &w, spans_token);
	free(w.hit);
	if (rc != SQLITE_OK) {
		free(w.out.v);
		sqlite3_result_error_code(cx, rc);
		return;
	}
	for (size_t i = 0; i < w.out.n; i++)
		sb_printf(&sb, "%s%zu %zu", i ? " " : "", w.out.v[i].start, w.out.v[i].end);
	free(w.out.v);
	sqlite3_result_text(cx, sb.s ? sb.s : "", -1, SQLITE_TRANSIENT);
	free(sb.s);
}

/* dispute_fold(x): SEARCH_FOLD(x) in one pass (SEARCH_FOLD_C).  The
 * letters as SQLite's replace() finds them, byte for byte: Æ æ Ð ð Ø ø Þ
 * þ ß ẞ Đ đ Ħ ħ ı Ł ł Œ œ. */
static void fold_fn(sqlite3_context *cx, int nval, sqlite3_value **val)
{
	static const struct {
		const char *from, *to;
	} letters[] = {
		{ "Æ", "ae" }, { "æ", "ae" }, { "Ð", "d" }, { "ð", "d" }, { "Ø", "o" }, { "ø", "o" }, { "Þ", "th" },
		{ "þ", "th" }, { "ß", "ss" }, { "ẞ", "ss" }, { "Đ", "d" }, { "đ", "d" }, { "Ħ", "h" }, { "ħ", "h" },
		{ "ı", "i" }, { "Ł", "l" }, { "ł", "l" }, { "Œ", "oe" }, { "œ", "oe" },
	};
	const unsigned char *x;
	struct sb sb = {0};
	size_t n, done = 0;

	if (nval != 1 || sqlite3_value_type(val[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	x = sqlite3_value_text(val[0]);
	n = (size_t)sqlite3_value_bytes(val[0]);
	if (!x) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		/* Every letter is two bytes led by C3, C4 or C5, or ẞ: E1 BA 9E. */
		if (x[i] < 0xc3 || (x[i] > 0xc5 && x[i] != 0xe1))
			continue;
		for (size_t k = 0; k < sizeof(letters) / sizeof(*letters); k++) {
			size_t len = strlen(letters[k].from);

			if (i + len <= n && !memcmp(x + i, letters[k].from, len)) {
				sb_appendn(&sb, (const char *)x + done, i - done);
				sb_append(&sb, letters[k].to);
				i += len - 1;
				done = i + 1;
				break;
			}
		}
	}
	if (!done) {
		sqlite3_result_value(cx, val[0]);
		return;
	}
	sb_appendn(&sb, (const char *)x + done, n - done);
	sqlite3_result_text64(cx, sb.s, sb.len, free, SQLITE_UTF8);
}

static void found_fn(sqlite3_context *cx, int nval, sqlite3_value **val);
static void found_add_fn(sqlite3_context *cx, int nval, sqlite3_value **val);

enum status search_connect(struct store *s, struct error *err)
{
	fts5_api *api = fts5_of(s);
	void *ud = NULL;
	int rc;

	if (!api || api->iVersion < 2)
		return error_set(err, ST_DB, "%s: this SQLite library has no full-text search (FTS5)", s->path);
	s->search_rows = STORE_SEARCH_ROWS;
	s->search_disputes = STORE_SEARCH_DISPUTES;
	s->search_few = STORE_SEARCH_FEW;
	rc = api->xCreateFunction(api, "dispute_spans", NULL, spans_fn, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(s->db, "dispute_found", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, found_fn,
		                             NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(s->db, "dispute_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC |
		                             SQLITE_DIRECTONLY, NULL, fold_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(s->db, "dispute_found_add", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
		                             found_add_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = api->xFindTokenizer(api, "unicode61", &ud, &s->words);
	if (rc == SQLITE_OK)
		rc = s->words.xCreate(ud, (const char **)tokenizer_args, 2, &s->tokenizer);
	if (rc != SQLITE_OK) {
		s->tokenizer = NULL;
		return db_fail(s, rc, "cannot set up search", err);
	}
	return ST_OK;
}

struct search_cache;
static void cache_unref(struct search_cache *c);

void search_forget(struct store *s)
{
	cache_unref(s->search);
	s->search = NULL;
}

void search_disconnect(struct store *s)
{
	if (s->tokenizer)
		s->words.xDelete(s->tokenizer);
	s->tokenizer = NULL;
	search_forget(s);
}

/* ---- what a user types, as FTS5 queries ---- */

/* The words of a text as the index's tokenizer sees them. */
struct words {
	char **v;
	size_t n, cap;
};

static int words_token(void *ctx, int flags, const char *token, int ntoken, int start, int end)
{
	struct words *w = ctx;

	(void)start;
	(void)end;
	if (flags & FTS5_TOKEN_COLOCATED || ntoken <= 0)
		return SQLITE_OK;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = xstrndup(token, (size_t)ntoken);
	return SQLITE_OK;
}

static int word_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static void words_of(struct store *s, const char *text, size_t len, struct words *out)
{
	memset(out, 0, sizeof(*out));
	if (len > 0 && len < 0x7fffffff)
		s->words.xTokenize(s->tokenizer, out, FTS5_TOKENIZE_QUERY, text, (int)len, words_token);
}

/* One term of a search: the words of a bare word typed (its last word a
 * prefix) or of a "quoted phrase" (whole words; a phrase whose closing
 * quote is not typed yet ends in a prefix too). */
struct term {
	struct words words;
	bool prefix;
};

struct terms {
	struct term *v;
	size_t n;
};

static void terms_free(struct terms *t)
{
	for (size_t i = 0; i < t->n; i++)
		words_free(&t->v[i].words);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* Splits folded text into terms; pieces with no word in them (a lone "-",
 * "*", a quote) are left out. */
static void terms_split(struct store *s, const char *text, struct terms *out)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *start, *end;
		bool phrase = false, closed = false;
		struct term t;

		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		if (*p == '"') {
			phrase = true;
			start = ++p;
			end = strchr(p, '"');
			closed = end != NULL;
			if (!end)
				end = p + strlen(p);
			p = closed ? end + 1 : end;
		} else {
			start = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '"')
				p++;
			end = p;
		}
		words_of(s, start, (size_t)(end - start), &t.words);
		t.prefix = !phrase || !closed;
		if (!t.words.n) {
			words_free(&t.words);
			continue;
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = t;
	}
}

/* Whether the words of term t run, in order, among words (the last one as
 * the start of a word when t is a prefix). */
static bool term_in(const struct term *t, const struct words *words)
{
	for (size_t i = 0; i + t->words.n <= words->n; i++) {
		size_t k = 0;

		for (; k < t->words.n; k++) {
			const char *want = t->words.v[k], *have = words->v[i + k];
			bool last = k + 1 == t->words.n;

			if (last && t->prefix ? strncmp(have, want, strlen(want)) != 0 : strcmp(have, want) != 0)
				break;
		}
		if (k == t->words.n)
			return true;
	}
	return false;
}

/* Appends the term as one FTS5 phrase: its words in double quotes (the
 * tokenizer's words hold no quote, but one would be doubled), then '*'
 * for a prefix. */
static void phrase_append(struct sb *sb, const struct term *t)
{
	sb_append(sb, "\"");
	for (size_t i = 0; i < t->words.n; i++) {
		const char *w = t->words.v[i];

		if (i)
			sb_append(sb, " ");
		for (; *w; w++)
			sb_append(sb, *w == '"' ? "\"\"" : (char[2]){ *w, '\0' });
	}
	sb_append(sb, t->prefix ? "\"*" : "\"");
}

/* The tag of a category as SEARCH_TAG writes it (the tokenizer lowers it). */
static void tag_append(struct sb *sb, const char *protocol, const char *key)
{
	static const char hex[] = "0123456789abcdef";
	char *joined = xasprintf("%s:%s", protocol, key);

	sb_append(sb, "\"");
	for (const unsigned char *c = (const unsigned char *)joined; *c; c++) {
		unsigned char v = *c >= 'A' && *c <= 'Z' ? (unsigned char)(*c + 32) : *c;
		char two[3] = { hex[v >> 4], hex[v & 15], '\0' };

		sb_append(sb, two);
	}
	sb_append(sb, "\"");
	free(joined);
}

/* Text and labels through SEARCH_FOLD in one statement: joined by a byte
 * that is in none of them, then split again.  *folded (caller frees)
 * holds them one after another, each ending in '\0'. */
static enum status fold_all(struct store *s, const char *text, const struct search_label *labels, size_t nlabels,
                            char **folded, struct error *err)
{
	static const char sql[] = "SELECT " SEARCH_FOLD("?1");
	struct sb joined = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	*folded = NULL;
	/* A control character is no part of a word: a space does as well. */
	for (const char *p = text; *p; p++)
		sb_appendn(&joined, (unsigned char)*p < 0x20 ? " " : p, 1);
	for (size_t i = 0; i < nlabels; i++) {
		sb_append(&joined, "\x1f");
		for (const char *p = labels[i].label ? labels[i].label : ""; *p; p++)
			sb_appendn(&joined, (unsigned char)*p < 0x20 ? " " : p, 1);
	}
	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		goto out;
	bind_text(st, 1, joined.s ? joined.s : "", &brc);
	src = db_step(st, brc);
	if (src != SQLITE_ROW) {
		rc = db_fail(s, src, "cannot search", err);
		goto out;
	}
	*folded = col_dup(st, 0);
	for (char *p = *folded; p && *p; p++)
		if (*p == '\x1f')
			*p = '\0';
out:
	sqlite3_finalize(st);
	free(joined.s);
	return rc;
}

/* The terms of text, and for each term the categories whose label holds
 * it (as an FTS5 expression on the tag column, or NULL). */
static enum status terms_make(struct store *s, const char *text, const struct search_label *labels, size_t nlabels,
                              struct terms *out, char ***tags, struct error *err)
{
	char *folded = NULL;
	const char *label;
	struct words *label_words;
	enum status rc;

	memset(out, 0, sizeof(*out));
	*tags = NULL;
	if ((rc = fold_all(s, text ? text : "", labels, nlabels, &folded, err)) != ST_OK)
		return rc;
	terms_split(s, folded, out);
	*tags = xcalloc(out->n + 1, sizeof(**tags));
	label_words = xcalloc(nlabels + 1, sizeof(*label_words));
	label = folded + strlen(folded) + 1;
	for (size_t i = 0; i < nlabels; i++) {
		words_of(s, label, strlen(label), &label_words[i]);
		label += strlen(label) + 1;
	}
	for (size_t t = 0; t < out->n; t++) {
		struct sb sb = {0};
		size_t n = 0;

		for (size_t i = 0; i < nlabels; i++) {
			if (!labels[i].protocol || !labels[i].key || !term_in(&out->v[t], &label_words[i]))
				continue;
			sb_append(&sb, n++ ? " OR " : "tag : (");
			tag_append(&sb, labels[i].protocol, labels[i].key);
		}
		if (n) {
			sb_append(&sb, ")");
			(*tags)[t] = sb.s;
		}
	}
	for (size_t i = 0; i < nlabels; i++)
		words_free(&label_words[i]);
	free(label_words);
	free(folded);
	return ST_OK;
}

static void tags_free(char **tags, size_t n)
{
	for (size_t i = 0; tags && i < n; i++)
		free(tags[i]);
	free(tags);
}

/* ---- the queries of a search, kept ---- */

/* A prefix query makes FTS5 gather every row of every word with that
 * prefix before it can look at one dispute's rows: for a common word, a
 * whole pass over the index for each dispute.  For the rows of one
 * dispute, each prefix is spelt out as the words of that dispute's own
 * texts that start with it (up to SEEK_WORDS; more, and it stays a
 * prefix), which FTS5 can seek to. */
#define SEEK_WORDS 64
/* How many disputes' queries a search keeps (by id, one a slot): more
 * than a list reads ahead (store_dispute.c, STREAM_BATCH). */
#define SEEK_KEPT 256

/* A search's queries and what they find, kept from one call to the next
 * while the text, the labels and the database stay the same: the
 * workbench counts, pages and marks with the same search, and a list of
 * disputes asks for the hits of each in turn.  Held by the store and by
 * each plan made from it (a list's statement may outlive the next search).
 *
 * Which disputes it finds: the ids read whole from the index, once
 * (found_make: a pass over every row the words are in); or, until then,
 * each dispute a list asks about looked at alone (probe_one: its own
 * rows, a few seeks) and remembered.  A list's first page asks about a
 * few dozen disputes and needs no whole pass; a count needs it. */
struct search_cache {
	int refs;
	struct store *s;
	char *key;              /* the text and the labels */
	sqlite3_int64 changes;  /* this connection's changes when checked (sqlite3_total_changes64) */
	int version;            /* PRAGMA data_version (other connections' commits) when made */
	struct terms terms;     /* what the text asks for ... */
	char **tags;            /* ... and, for each term, the labels' tags that hold it */
	char *records, *disputes;   /* the list's queries */
	char *whole_words;      /* the records' query with each word whole (no prefix), or NULL: the same */
	long long *found;       /* the disputes found, ascending ... */
	size_t nfound, capfound;
	size_t budget, seen;    /* ... read from at most `budget` rows of the index (0: all); rows read */
	bool whole;             /* found holds every dispute the search finds */
	bool tried;             /* the index was read, in part or whole */
	bool failed;            /* ... and could not be: lists search in each query (SEARCH_MATCHES) */
	unsigned char *probed;  /* by dispute id: 0 not looked at, 1 not found, 2 found */
	size_t nprobed;
	int probes;             /* disputes looked at alone */
	/* The queries for one dispute's rows (seek_make), kept by its id: a
	 * list looks at disputes a batch ahead of the one whose hits it
	 * shows. */
	struct {
		long long id;   /* 0: none */
		char *records, *disputes;
	} seek[SEEK_KEPT];
	char *ids;              /* found as a JSON array, when few (SEARCH_FOUND_FEW), or NULL */
};

static void cache_unref(struct search_cache *c)
{
	if (!c || --c->refs > 0)
		return;
	free(c->key);
	tags_free(c->tags, c->terms.n);
	terms_free(&c->terms);
	free(c->records);
	free(c->disputes);
	free(c->whole_words);
	free(c->found);
	free(c->probed);
	for (size_t i = 0; i < SEEK_KEPT; i++) {
		free(c->seek[i].records);
		free(c->seek[i].disputes);
	}
	free(c->ids);
	free(c);
}

/* The key of a search in the cache: its text and the labels. */
static char *cache_key(const char *text, const struct search_label *labels, size_t nlabels)
{
	struct sb sb = {0};

	sb_append(&sb, text);
	for (size_t i = 0; i < nlabels; i++)
		sb_printf(&sb, "\x1e%s\x1f%s\x1f%s", labels[i].protocol ? labels[i].protocol : "",
		          labels[i].key ? labels[i].key : "", labels[i].label ? labels[i].label : "");
	return sb_take(&sb);
}

static int data_version(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The search for text, from the cache or made now (borrowed from s until
 * the next search for another text). */
static enum status cache_get(struct store *s, const char *text, const struct search_label *labels, size_t nlabels,
                             struct search_cache **out, struct error *err)
{
	struct search_cache *c = s->search;
	char *key = cache_key(text, labels, nlabels);
	int version = data_version(s);
	struct sb rq = {0}, dq = {0}, wq = {0};
	enum status rc;

	if (c && !strcmp(c->key, key) && c->changes == sqlite3_total_changes64(s->db) && c->version == version) {
		free(key);
		*out = c;
		return ST_OK;
	}
	cache_unref(s->search);
	s->search = NULL;
	c = xcalloc(1, sizeof(*c));
	c->refs = 1;
	c->s = s;
	c->key = key;
	c->version = version;
	if ((rc = terms_make(s, text, labels, nlabels, &c->terms, &c->tags, err)) != ST_OK) {
		cache_unref(c);
		return rc;
	}
	/* Every term in one record, or every term among the particulars. */
	for (size_t i = 0; i < c->terms.n; i++) {
		struct term whole = c->terms.v[i];

		sb_append(&rq, i ? " AND " : "");
		phrase_append(&rq, &c->terms.v[i]);
		whole.prefix = false;
		sb_append(&wq, i ? " AND " : "");
		phrase_append(&wq, &whole);
		sb_append(&dq, i ? " AND (" TYPED_COLUMNS " : " : "(" TYPED_COLUMNS " : ");
		phrase_append(&dq, &c->terms.v[i]);
		if (c->tags[i]) {
			sb_append(&dq, " OR ");
			sb_append(&dq, c->tags[i]);
		}
		sb_append(&dq, ")");
	}
	c->records = rq.s;
	c->disputes = dq.s;
	if (wq.s && rq.s && strcmp(wq.s, rq.s) != 0)
		c->whole_words = sb_take(&wq);
	free(wq.s);
	c->changes = sqlite3_total_changes64(s->db);
	s->search = c;
	*out = c;
	return ST_OK;
}

/* The defaults: a list's first read of a search goes through at most
 * STORE_SEARCH_ROWS rows of the index (about 2 ms of reading) to find
 * every dispute it finds; a word in more rows is looked for dispute by
 * dispute until a count needs it whole, or a list has looked at
 * STORE_SEARCH_DISPUTES disputes alone.  Up to STORE_SEARCH_FEW disputes
 * found, a list starts from them (SEARCH_FOUND_FEW). */
void store_search_limits(struct store *s, size_t rows, int disputes, size_t few)
{
	s->search_rows = rows;
	s->search_disputes = disputes > 0 ? disputes : 1;
	s->search_few = few;
	/* What the last search found was found with the limits before. */
	search_forget(s);
}

/* dispute_found_add(search, id): adds the dispute id to the search's found
 * disputes (found_make binds the search) unless it is the last one added,
 * and is false: the query that calls it for each row it finds returns no
 * row, and costs no more than counting them.  Past the search's budget
 * of rows it stops the query with an error. */
static void found_add_fn(sqlite3_context *cx, int nval, sqlite3_value **val)
{
	struct search_cache *c = nval == 2 ? sqlite3_value_pointer(val[0], "dispute_found_add") : NULL;
	long long id = nval == 2 ? sqlite3_value_int64(val[1]) : 0;

	if (!c) {
		sqlite3_result_error(cx, "dispute_found_add: no search", -1);
		return;
	}
	if (c->budget && ++c->seen > c->budget) {
		sqlite3_result_error(cx, "dispute_found_add: past the budget", -1);
		return;
	}
	if (!c->nfound || c->found[c->nfound - 1] != id) {
		if (c->nfound == c->capfound) {
			c->capfound = c->capfound ? c->capfound * 2 : 256;
			c->found = xrealloc(c->found, c->capfound * sizeof(*c->found));
		}
		c->found[c->nfound++] = id;
	}
	sqlite3_result_int(cx, 0);
}

/* Merges the two sorted runs of c's found disputes, [0, mid) and
 * [mid, nfound), into one sorted run of each id once. */
static void found_merge(struct search_cache *c, size_t mid)
{
	long long *v = xmalloc(c->nfound * sizeof(*v));
	size_t i = 0, j = mid, k = 0;

	while (i < mid || j < c->nfound) {
		long long x = j == c->nfound || (i < mid && c->found[i] <= c->found[j]) ? c->found[i++] : c->found[j++];

		if (!k || v[k - 1] != x)
			v[k++] = x;
	}
	free(c->found);
	c->found = v;
	c->capfound = c->nfound;
	c->nfound = k;
}

/* Reads every dispute c finds from the three indexes, through at most
 * `budget` rows of them (0: no limit): each yields its rows in key order,
 * and a key starts with the dispute's id, so the ids come sorted and a
 * dispute's many records are one id.  Nothing is written, not even to
 * temp: a read-only connection searches the same way.  Sets c->whole
 * when it read them all; c->failed when the index cannot be read (the
 * list then searches in each query, SEARCH_MATCHES). */
static void found_make(struct store *s, struct search_cache *c, size_t budget)
{
	static const char *const sql[] = {
		"SELECT 1 FROM records_fts WHERE records_fts MATCH ?1 AND dispute_found_add(?2, rowid >> 32)"
		" ORDER BY rowid",
		"SELECT 1 FROM disputes_fts WHERE disputes_fts MATCH ?1 AND dispute_found_add(?2, rowid) ORDER BY rowid",
		"SELECT 1 FROM others_fts WHERE others_fts MATCH ?1 AND dispute_found_add(?2, rowid >> 8)"
		" ORDER BY rowid",
	};
	bool ok = true;

	c->tried = true;
	c->nfound = 0;
	c->budget = budget;
	c->seen = 0;
	for (size_t i = 0; ok && i < sizeof(sql) / sizeof(*sql); i++) {
		sqlite3_stmt *st = NULL;
		struct error ignored;
		size_t first = c->nfound;
		int brc = SQLITE_OK;

		if (db_cached(s, sql[i], &st, &ignored) != ST_OK) {
			ok = false;
			break;
		}
		bind_text(st, 1, i == 1 ? c->disputes : c->records, &brc);
		if (brc == SQLITE_OK)
			brc = sqlite3_bind_pointer(st, 2, c, "dispute_found_add", NULL);
		ok = db_step(st, brc) == SQLITE_DONE;
		db_keep(s, st);
		/* Each list is sorted: the lists are merged. */
		if (ok && first && c->nfound > first)
			found_merge(c, first);
	}
	c->whole = ok;
	c->failed = !ok && !(budget && c->seen > budget);
	if (!ok)
		c->nfound = 0;
}

/* The words of one dispute's indexed texts (its records, its particulars,
 * its further agencies and subjects, folded as the index folds them),
 * sorted, each once. */
static void dispute_words(struct store *s, long long id, struct words *out)
{
	static const char sql[] =
		"SELECT " SEARCH_FOLD_C("text") " FROM records WHERE dispute_id = ?1"
		" UNION ALL SELECT " SEARCH_FOLD_C("coalesce(d.subject, '')") " || ' ' || " SEARCH_FOLD_C("ra.name")
		" || ' ' || " SEARCH_FOLD_C("ag.name") " || ' ' || " SEARCH_FOLD_C("coalesce(d.summary, '')")
		" || ' ' || d.reference"
		"  || ' ' || coalesce(d.category, '') FROM disputes d JOIN agencies ra ON ra.id = d.raised_by"
		"  JOIN agencies ag ON ag.id = d.against WHERE d.id = ?1"
		" UNION ALL SELECT " SEARCH_FOLD_C("a.name") " FROM dispute_agencies x JOIN agencies a ON a.id = x.agency_id"
		"  WHERE x.dispute_id = ?1"
		" UNION ALL SELECT " SEARCH_FOLD_C("subject") " FROM dispute_subjects WHERE dispute_id = ?1";
	sqlite3_stmt *st = NULL;
	struct error ignored;
	int brc = SQLITE_OK;
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	if (db_cached(s, sql, &st, &ignored) != ST_OK)
		return;
	bind_int(st, 1, id, &brc);
	while (db_step(st, brc) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		int len = sqlite3_column_bytes(st, 0);

		if (text && len > 0)
			s->words.xTokenize(s->tokenizer, out, FTS5_TOKENIZE_DOCUMENT, text, len, words_token);
	}
	db_keep(s, st);
	qsort(out->v, out->n, sizeof(*out->v), word_cmp);
	for (size_t i = 0; i < out->n; i++) {
		if (k && !strcmp(out->v[k - 1], out->v[i]))
			free(out->v[i]);
		else
			out->v[k++] = out->v[i];
	}
	out->n = k;
}

/* Appends term t as one FTS5 expression for the rows of a dispute whose
 * words (sorted) are `have`: its phrase, or the phrases with its last
 * word spelt out.  Returns false when no word of the dispute could
 * complete it. */
static bool term_seek(const struct words *have, const struct term *t, struct sb *sb)
{
	const char *prefix = t->words.v[t->words.n - 1];
	size_t len = strlen(prefix), lo = 0, hi = have->n, end;
	struct term one = *t;
	char **v;

	if (!t->prefix) {
		phrase_append(sb, t);
		return true;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(have->v[mid], prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < have->n && !strncmp(have->v[end], prefix, len); end++)
		;
	if (end == lo)
		return false;
	if (end - lo > SEEK_WORDS) {
		phrase_append(sb, t);
		return true;
	}
	v = xmalloc(t->words.n * sizeof(*v));
	memcpy(v, t->words.v, t->words.n * sizeof(*v));
	one.words.v = v;
	one.prefix = false;
	sb_append(sb, "(");
	for (size_t i = lo; i < end; i++) {
		v[t->words.n - 1] = have->v[i];
		sb_append(sb, i > lo ? " OR " : "");
		phrase_append(sb, &one);
	}
	sb_append(sb, ")");
	free(v);
	return true;
}

/* c's queries for the rows of one dispute, its prefixes spelt out from
 * the dispute's own words; NULL: none of its rows there can match. */
static void seek_make(struct store *s, const struct search_cache *c, long long id, char **one_records,
                      char **one_disputes)
{
	struct sb rq = {0}, dq = {0};
	struct words have;
	bool records = c->terms.n > 0, disputes = c->terms.n > 0;

	dispute_words(s, id, &have);
	for (size_t i = 0; i < c->terms.n; i++) {
		const struct term *t = &c->terms.v[i];
		struct sb typed = {0};

		sb_append(&rq, i ? " AND " : "");
		records = records && term_seek(&have, t, &rq);
		if (term_seek(&have, t, &typed)) {
			sb_append(&dq, i ? " AND (" TYPED_COLUMNS " : " : "(" TYPED_COLUMNS " : ");
			sb_append(&dq, typed.s);
			sb_append(&dq, c->tags[i] ? " OR " : ")");
		} else {
			sb_append(&dq, i ? " AND (" : "(");
			disputes = disputes && c->tags[i];
		}
		if (c->tags[i]) {
			sb_append(&dq, c->tags[i]);
			sb_append(&dq, ")");
		}
		free(typed.s);
	}
	*one_records = records ? sb_take(&rq) : NULL;
	*one_disputes = disputes ? sb_take(&dq) : NULL;
	free(rq.s);
	free(dq.s);
	words_free(&have);
}

/* Whether c's words, each taken whole, are in more records than the
 * budget (store_search_limits): then a list is better served dispute by
 * dispute.  A prefix makes FTS5 gather every row of every word it starts
 * before the first row comes, so the budget cannot stop that read: the
 * words whole, which are in no more rows than their prefixes, can be. */
static bool found_broad(struct store *s, struct search_cache *c)
{
	static const char sql[] =
		"SELECT 1 FROM records_fts WHERE records_fts MATCH ?1 AND dispute_found_add(?2, rowid >> 32)";
	sqlite3_stmt *st = NULL;
	struct error ignored;
	int brc = SQLITE_OK;
	bool broad;

	if (!c->whole_words || db_cached(s, sql, &st, &ignored) != ST_OK)
		return false;
	c->budget = s->search_rows;
	c->seen = 0;
	c->nfound = 0;
	bind_text(st, 1, c->whole_words, &brc);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_pointer(st, 2, c, "dispute_found_add", NULL);
	db_step(st, brc);
	db_keep(s, st);
	broad = c->seen > c->budget;
	c->nfound = 0;
	c->budget = 0;
	return broad;
}

/* c's queries for the rows of dispute id (seek_make), kept for the next
 * call about the same dispute: a list looks at a dispute, then, once it
 * has read its batch, shows its hits. */
static void seek_get(struct store *s, struct search_cache *c, long long id, const char **one_records,
                     const char **one_disputes)
{
	size_t k = (size_t)id % SEEK_KEPT;

	if (c->seek[k].id != id || !id) {
		free(c->seek[k].records);
		free(c->seek[k].disputes);
		seek_make(s, c, id, &c->seek[k].records, &c->seek[k].disputes);
		c->seek[k].id = id;
	}
	*one_records = c->seek[k].records;
	*one_disputes = c->seek[k].disputes;
}

/* Whether the query finds a row of `index` whose key is in [lo, hi]; -1
 * when it cannot be read. */
static int seek_any(struct store *s, const char *sql, const char *query, long long lo, long long hi)
{
	sqlite3_stmt *st = NULL;
	struct error ignored;
	int brc = SQLITE_OK, src;

	if (!query)
		return 0;
	if (db_cached(s, sql, &st, &ignored) != ST_OK)
		return -1;
	bind_text(st, 1, query, &brc);
	bind_int(st, 2, lo, &brc);
	bind_int(st, 3, hi, &brc);
	src = db_step(st, brc);
	db_keep(s, st);
	return src == SQLITE_ROW ? 1 : src == SQLITE_DONE ? 0 : -1;
}

/* Whether c finds dispute id, from its own rows alone (its prefixes spelt
 * out from its own words, so that each query is a few seeks): 1, 0, or -1
 * when the index cannot be read. */
static int probe_one(struct store *s, struct search_cache *c, long long id)
{
	static const char records_sql[] =
		"SELECT 1 FROM records_fts WHERE records_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 LIMIT 1";
	static const char disputes_sql[] =
		"SELECT 1 FROM disputes_fts WHERE disputes_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 LIMIT 1";
	static const char others_sql[] =
		"SELECT 1 FROM others_fts WHERE others_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 LIMIT 1";
	const char *rq, *dq;
	int r;

	if (id <= 0 || id > 0x7fffffffLL)
		return 0;
	seek_get(s, c, id, &rq, &dq);
	if ((r = seek_any(s, records_sql, rq, id << 32, (id << 32) | SEARCH_RECORD_ID_BITS)) != 0)
		return r;
	if ((r = seek_any(s, disputes_sql, dq, id, id)) != 0)
		return r;
	return seek_any(s, others_sql, rq, id << SEARCH_OTHER_BITS, (id << SEARCH_OTHER_BITS) | 255);
}

static int id_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* dispute_found(search, id): whether the search (a pointer bound by
 * search_plan_bind) finds the dispute id: from the disputes read whole
 * from the index when they have been; until then, from the dispute's own
 * rows, remembered, and after so many disputes (store_search_limits)
 * from a whole read after all. */
static void found_fn(sqlite3_context *cx, int nval, sqlite3_value **val)
{
	struct search_cache *c = nval == 2 ? sqlite3_value_pointer(val[0], "dispute_found") : NULL;
	long long id = nval == 2 ? sqlite3_value_int64(val[1]) : 0;
	int r;

	if (!c) {
		sqlite3_result_error(cx, "dispute_found: no search", -1);
		return;
	}
	if (!c->whole && !c->failed && c->probes >= c->s->search_disputes)
		found_make(c->s, c, 0);
	if (!c->whole) {
		if (id > 0 && (size_t)id < c->nprobed && c->probed[id]) {
			sqlite3_result_int(cx, c->probed[id] == 2);
			return;
		}
		if ((r = probe_one(c->s, c, id)) < 0) {
			sqlite3_result_error(cx, "dispute_found: cannot read the search index", -1);
			return;
		}
		c->probes++;
		if (id > 0 && id <= 0x7fffffffLL) {
			if ((size_t)id >= c->nprobed) {
				size_t n = c->nprobed ? c->nprobed : 1024;

				while (n <= (size_t)id)
					n *= 2;
				c->probed = xrealloc(c->probed, n);
				memset(c->probed + c->nprobed, 0, n - c->nprobed);
				c->nprobed = n;
			}
			c->probed[id] = r ? 2 : 1;
		}
		sqlite3_result_int(cx, r);
		return;
	}
	sqlite3_result_int(cx, c->nfound && bsearch(&id, c->found, c->nfound, sizeof(*c->found), id_cmp) != NULL);
}

enum status search_plan_make(struct store *s, const char *text, const struct search_label *labels, size_t nlabels,
                             bool whole, struct search_plan *out, struct error *err)
{
	struct search_cache *c;
	enum status rc;

	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return ST_OK;
	out->active = true;
	if ((rc = cache_get(s, text, labels, nlabels, &c, err)) != ST_OK)
		return rc;
	out->none = c->terms.n == 0;
	if (!out->none && !c->tried) {
		if (!whole && (!s->search_rows || found_broad(s, c)))
			c->tried = true;        /* dispute by dispute */
		else
			found_make(s, c, whole ? 0 : s->search_rows);
	}
	if (!out->none && whole && !c->whole && !c->failed)
		found_make(s, c, 0);
	out->found = !out->none && !c->failed;
	out->cache = c;
	c->refs++;
	/* A rare word's few disputes: a list reads them by their ids rather
	 * than asking of every dispute in its range whether it is one. */
	if (out->found && c->whole && c->nfound <= s->search_few) {
		if (!c->ids) {
			struct sb ids = {0};

			sb_append(&ids, "[");
			for (size_t i = 0; i < c->nfound; i++) {
				if (i)
					sb_append(&ids, ",");
				sb_append_int(&ids, c->found[i]);
			}
			sb_append(&ids, "]");
			c->ids = sb_take(&ids);
		}
		out->ids = c->ids;
	}
	out->records = xstrdup(c->records ? c->records : "");
	out->disputes = xstrdup(c->disputes ? c->disputes : "");
	return ST_OK;
}

bool search_plan_whole(const struct search_plan *p, size_t *n)
{
	*n = p->cache && p->cache->whole ? p->cache->nfound : 0;
	return p->cache && p->cache->whole;
}

void search_plan_free(struct search_plan *p)
{
	cache_unref(p->cache);
	free(p->records);
	free(p->disputes);
	memset(p, 0, sizeof(*p));
}

void search_plan_bind(sqlite3_stmt *st, const struct search_plan *p, int *rc)
{
	if (!p->active || p->none)
		return;
	bind_named_text(st, ":search_records", p->records, rc);
	bind_named_text(st, ":search_disputes", p->disputes, rc);
	bind_named_text(st, ":search_ids", p->ids, rc);
	if (p->found && *rc == SQLITE_OK) {
		int i = sqlite3_bind_parameter_index(st, ":search_found");

		if (i > 0)
			*rc = sqlite3_bind_pointer(st, i, p->cache, "dispute_found", NULL);
	}
}

enum status store_search_terms(struct store *s, const char *text, int *out, struct error *err)
{
	enum status rc = ST_OK;
	struct terms terms;
	char **tags = NULL;

	*out = 0;
	if (text && *text && (rc = terms_make(s, text, NULL, 0, &terms, &tags, err)) == ST_OK) {
		*out = (int)terms.n;
		tags_free(tags, terms.n);
		terms_free(&terms);
	}
	return rc;
}

/* ---- where a search matched ---- */

/* The ranges dispute_spans() gave, kept to those that lie within a text of
 * len bytes, in order and apart. */
static void spans_parse(const char *list, size_t len, struct spans *out)
{
	const char *p = list ? list : "";

	out->n = 0;
	while (*p) {
		char *end;
		unsigned long long a = strtoull(p, &end, 10), b;

		if (end == p)
			break;
		p = end;
		b = strtoull(p, &end, 10);
		if (end == p)
			break;
		p = end;
		if (a < b && b <= len && (!out->n || a >= out->v[out->n - 1].end))
			spans_add(out, (size_t)a, (size_t)b);
	}
}

/* The particulars of the dispute that matched: one hit per field. */
static enum status hits_particulars(struct store *s, const char *query, const struct search_label *labels,
                                    size_t nlabels, long long id, search_hit_fn fn, void *ctx, int *stop,
                                    struct error *err)
{
	static const char *const fields[] = { "reference", "subject", "raised_by", "against", "category", "summary" };
	static const char sql[] =
		"SELECT d.reference, d.subject, ra.name, ag.name, d.category, d.summary, d.protocol,"
		" dispute_spans(disputes_fts, 0, d.reference), dispute_spans(disputes_fts, 1, d.subject),"
		" dispute_spans(disputes_fts, 2, ra.name), dispute_spans(disputes_fts, 3, ag.name),"
		" dispute_spans(disputes_fts, 4, d.category), dispute_spans(disputes_fts, 5, d.summary),"
		" dispute_spans(disputes_fts, 6, " SEARCH_TAG("d.protocol", "d.category") ")"
		" FROM disputes_fts JOIN disputes d ON d.id = disputes_fts.rowid"
		" JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"
		" WHERE disputes_fts MATCH ?1 AND disputes_fts.rowid = ?2";
	struct spans sp = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, query, &brc);
	bind_int(st, 2, id, &brc);
	src = db_step(st, brc);
	if (src == SQLITE_ROW) {
		for (int i = 0; i < 7 && !*stop; i++) {
			const char *text = (const char *)sqlite3_column_text(st, i == 6 ? 4 : i);
			struct search_hit h = { 0, DATE_NONE, TIME_NONE, RK_NOTE, fields[i == 6 ? 4 : i], text, NULL, 0 };

			const char *list = (const char *)sqlite3_column_text(st, 7 + i);

			spans_parse(list, text ? strlen(text) : 0, &sp);
			if (i == 6) {
				/* The label matched: the hit is the label, as the protocol gives it. */
				const char *protocol = (const char *)sqlite3_column_text(st, 6);

				if (!list || !*list || !text || !protocol)
					continue;
				for (size_t k = 0; k < nlabels; k++)
					if (labels[k].protocol && labels[k].key && labels[k].label &&
					    !sqlite3_stricmp(labels[k].protocol, protocol) && !sqlite3_stricmp(labels[k].key, text))
						h.text = labels[k].label;
				sp.n = 0;
			} else if (!sp.n) {
				continue;
			}
			h.spans = sp.v;
			h.nspans = sp.n;
			*stop = fn(&h, ctx);
		}
	} else if (src != SQLITE_DONE) {
		rc = db_fail(s, src, "cannot search", err);
	}
	free(sp.v);
	db_keep(s, st);
	return rc;
}

/* The further other agencies and subjects of the dispute that matched,
 * each a particular of its own ("against", "subject"), in their order. */
static enum status hits_others(struct store *s, const char *query, long long id, search_hit_fn fn, void *ctx,
                               int *stop, struct error *err)
{
	static const char sql[] =
		"SELECT o.rowid & 128, w.text, dispute_spans(others_fts, 0, w.text) FROM others_fts o"
		" JOIN (SELECT " SEARCH_OTHER_KEY("x.", "0") " AS key, a.name AS text FROM dispute_agencies x"
		"  JOIN agencies a ON a.id = x.agency_id WHERE x.dispute_id = ?2"
		"  UNION ALL SELECT " SEARCH_OTHER_KEY("", "128") ", subject FROM dispute_subjects WHERE dispute_id = ?2) w"
		" ON w.key = o.rowid"
		" WHERE others_fts MATCH ?1 AND o.rowid BETWEEN ?2 << 8 AND (?2 << 8) | 255 ORDER BY o.rowid";
	struct spans sp = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src = SQLITE_DONE;

	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, query, &brc);
	bind_int(st, 2, id, &brc);
	while (!*stop && (src = db_step(st, brc)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 1);
		struct search_hit h = { 0, DATE_NONE, TIME_NONE, RK_NOTE, sqlite3_column_int(st, 0) ? "subject" : "against",
		                        text, NULL, 0 };

		spans_parse((const char *)sqlite3_column_text(st, 2), text ? strlen(text) : 0, &sp);
		if (!sp.n)
			continue;
		h.spans = sp.v;
		h.nspans = sp.n;
		*stop = fn(&h, ctx);
	}
	if (!*stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot search", err);
	free(sp.v);
	db_keep(s, st);
	return rc;
}

/* The records of the dispute that matched, oldest first. */
static enum status hits_records(struct store *s, const char *query, long long id, search_hit_fn fn, void *ctx,
                                int *stop, struct error *err)
{
	static const char sql[] =
		"SELECT r.id, r.day, r.minute, r.kind, r.text, dispute_spans(records_fts, 0, r.text)"
		" FROM records_fts JOIN records r ON r.id = records_fts.rowid & 4294967295"
		" WHERE records_fts MATCH ?1 AND records_fts.rowid BETWEEN ?2 AND ?3 ORDER BY records_fts.rowid";
	struct spans sp = {0};
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK, src;

	if ((rc = db_cached(s, sql, &st, err)) != ST_OK)
		return rc;
	bind_text(st, 1, query, &brc);
	bind_int(st, 2, id << 32, &brc);
	bind_int(st, 3, (id << 32) | SEARCH_RECORD_ID_BITS, &brc);
	while (!*stop && (src = db_step(st, brc)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 4);
		struct search_hit h = { sqlite3_column_int64(st, 0), DATE_NONE, col_minute(st, 2), RK_NOTE, NULL, text,
		                        NULL, 0 };
		bool bad = false;

		h.day = col_date(st, 1, &bad);
		if (!kind_from_name((const char *)sqlite3_column_text(st, 3), &h.kind))
			bad = true;
		if (bad) {
			rc = error_set(err, ST_DB, "%s: record %lld holds a value this program cannot read", s->path, h.record);
			break;
		}
		spans_parse((const char *)sqlite3_column_text(st, 5), text ? strlen(text) : 0, &sp);
		h.spans = sp.v;
		h.nspans = sp.n;
		*stop = fn(&h, ctx);
	}
	if (rc == ST_OK && !*stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot search", err);
	free(sp.v);
	db_keep(s, st);
	return rc;
}

enum status store_search_hits(struct store *s, const char *text, const struct search_label *labels, size_t nlabels,
                              long long dispute_id, search_hit_fn fn, void *ctx, struct error *err)
{
	struct search_cache *c;
	const char *one_records = NULL, *one_disputes = NULL;
	enum status rc;
	int stop = 0;
	bool own = false;

	if (!text || !*text)
		return ST_OK;
	/* One snapshot for the queries, the particulars and the records. */
	if ((rc = store_snapshot_begin(s, &own, err)) != ST_OK)
		return rc;
	rc = cache_get(s, text, labels, nlabels, &c, err);
	if (rc == ST_OK)
		seek_get(s, c, dispute_id, &one_records, &one_disputes);
	if (rc == ST_OK && one_disputes)
		rc = hits_particulars(s, one_disputes, labels, nlabels, dispute_id, fn, ctx, &stop, err);
	if (rc == ST_OK && !stop && c->records && *c->records)
		rc = hits_others(s, c->records, dispute_id, fn, ctx, &stop, err);
	if (rc == ST_OK && !stop && one_records)
		rc = hits_records(s, one_records, dispute_id, fn, ctx, &stop, err);
	store_snapshot_end(s, own);
	return rc;
}

/* ---- verify ---- */

enum status store_check_search(struct store *s, finding_fn fn, void *ctx, struct error *err)
{
	/* Which rows the index holds (its docsize table has one for each)
	 * against the rows it should: the keys only, so no text is folded. */
	static const char sql[] =
		"SELECT 'record', 0, count(*), min(k) & 4294967295 FROM (SELECT " SEARCH_RECORD_KEY("") " AS k"
		"  FROM records EXCEPT SELECT id FROM records_fts_docsize)"
		" UNION ALL SELECT 'record', 1, count(*), min(k) & 4294967295 FROM (SELECT id AS k FROM records_fts_docsize"
		"  EXCEPT SELECT " SEARCH_RECORD_KEY("") " FROM records)"
		" UNION ALL SELECT 'dispute', 0, count(*), min(k) FROM (SELECT d.id AS k FROM disputes d"
		"  JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"
		"  EXCEPT SELECT id FROM disputes_fts_docsize)"
		" UNION ALL SELECT 'dispute', 1, count(*), min(k) FROM (SELECT id AS k FROM disputes_fts_docsize"
		"  EXCEPT SELECT d.id FROM disputes d JOIN agencies ra ON ra.id = d.raised_by"
		"  JOIN agencies ag ON ag.id = d.against)"
		/* A dispute's further other agencies and subjects (migration 11). */
		" UNION ALL SELECT 'other', 0, count(*), min(k) FROM (SELECT key AS k FROM search_others"
		"  EXCEPT SELECT id FROM others_fts_docsize)"
		" UNION ALL SELECT 'other', 1, count(*), min(k) FROM (SELECT id AS k FROM others_fts_docsize"
		"  EXCEPT SELECT key FROM search_others)";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int src, stop = 0;

	if ((rc = db_prepare(s, sql, &st, err)) != ST_OK)
		return rc;
	while (!stop && (src = sqlite3_step(st)) == SQLITE_ROW) {
		bool record = !strcmp((const char *)sqlite3_column_text(st, 0), "record");
		bool other = !strcmp((const char *)sqlite3_column_text(st, 0), "other");
		bool extra = sqlite3_column_int(st, 1) != 0;
		long long n = sqlite3_column_int64(st, 2), first = sqlite3_column_int64(st, 3);
		const char *what = record ? (n == 1 ? "record" : "records") : other ? (n == 1 ? "further agency or subject"
		                   : "further agencies or subjects") : n == 1 ? "dispute" : "disputes";

		if (!n)
			continue;
		if (record && !extra)
			stop = finding_say(fn, ctx, FIND_INTEGRITY, first, NULL, "the search index leaves out %lld record%s "
			                   "(the first #%lld): searches miss them", n, n == 1 ? "" : "s", first);
		else
			stop = finding_say(fn, ctx, FIND_INTEGRITY, 0, NULL, extra ? "the search index holds %lld %s that "
			                   "%s not have" : "the search index leaves out %lld %s: %s miss them", n, what,
			                   extra ? (record ? "the journal does" : "the tables do") : "searches");
	}
	if (!stop && src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot check the search index", err);
	sqlite3_finalize(st);
	return rc;
}

enum status search_index_after(struct store *s, long long record_after, long long dispute_after, struct error *err)
{
	static const char records_sql[] =
		"INSERT INTO records_fts(rowid, text) SELECT " SEARCH_RECORD_KEY("") ", " SEARCH_FOLD_C("text")
		" FROM records WHERE id > ?1";
	static const char disputes_sql[] =
		"INSERT INTO disputes_fts(rowid, " SEARCH_DISPUTE_COLUMNS ") SELECT "
		SEARCH_DISPUTE_VALUES_BY(SEARCH_FOLD_C, "d.id", "d.reference", "d.subject", "ra.name", "ag.name",
		                         "d.category", "d.summary", "d.protocol")
		" FROM disputes d JOIN agencies ra ON ra.id = d.raised_by JOIN agencies ag ON ag.id = d.against"
		" WHERE d.id > ?1";
	sqlite3_stmt *st = NULL;
	enum status rc;
	int brc = SQLITE_OK;

	if ((rc = db_prepare(s, records_sql, &st, err)) != ST_OK)
		return rc;
	bind_int(st, 1, record_after, &brc);
	rc = db_done(s, st, brc, "cannot index the search", err);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != ST_OK || (rc = db_prepare(s, disputes_sql, &st, err)) != ST_OK)
		return rc;
	bind_int(st, 1, dispute_after, &brc);
	rc = db_done(s, st, brc, "cannot index the search", err);
	sqlite3_finalize(st);
	return rc;
}
