/* Headless screen tests: keystroke scripts driven through the app and compared with saved screens, no terminal involved.
 *
 * usage: screen_test [--update] SCRIPT.keys...
 *
 * A script is a list of directives, one a line:
 *   size W H                 terminal size (before start: initial; after: a resize)
 *   today YYYY-MM-DD         the pinned date (before start)
 *   time HH:MM               the pinned time of day (before start; after
 *                            start the clock moves on to HH:MM)
 *   new P | SUBJ | RAISED | AGAINST | CAT | SUMMARY | OPENED [| urgent]
 *                            OPENED is YYYY-MM-DD or YYYY-MM-DDTHH:MM; the
 *                            texts take escapes as record's TEXT does
 *   escalate REF DATE        (and: challenge REF DATE)
 *   record REF KIND YYYY-MM-DDTHH:MM [xN] | TEXT
 *                            (TEXT takes "\e" ESC, "\a" BEL, "\n" LF, "\xHH" a byte)
 *   followup REF KIND YYYY-MM-DDTHH:MM | TEXT | NEXT | DUE
 *                            a record that sets a follow-up NEXT due on DUE
 *   resolve REF DATE | OUTCOME        withdraw REF DATE | REASON
 *   draft REF KIND [xN] | TEXT    a draft left by an earlier run
 *                            (xN: TEXT N times over; "\\n" in TEXT is a newline)
 *   contact AGENCY | NAME | ROLE | EMAIL    a contact at another agency
 *   counterpart REF ID       names contact ID the current stage's counterpart
 *   config NAME | EMAIL [| PHONE [| MAILCMD]]  the user's settings (saved)
 *   uid VALUE                pins the database identity in invite UIDs
 *   issued REF               the invites owed for REF, journalled as handed
 *                            over by hand (nothing written)
 *   counter REF EMAIL DATE   EMAIL's counter-proposal of DATE for REF's
 *                            current stage, answering what they were sent
 *   sql STATEMENT            runs STATEMENT on the database from another
 *                            connection (a trigger that makes a write fail)
 *   file PATH MODE           PATH (under the run's directory: home/..., config/...)
 *                            exists with octal MODE
 *   mkfile PATH | TEXT       makes PATH (and its directories) holding TEXT
 *                            (escapes as record's TEXT)
 *   mkdir PATH               makes the directory PATH (and those above it)
 *   filetext PATH | TEXT     PATH holds exactly TEXT (escapes as record's TEXT)
 *   filehas PATH | TEXT      PATH holds TEXT somewhere
 *   start                    starts the app
 *   keys TEXT                types TEXT; <Tab> <BTab> <Enter> <Esc> <Up> <Down>
 *                            <Left> <Right> <Home> <End> <PgUp> <PgDn> <BS> <Del>
 *                            <F1>..<F12> <C-x> <M-x> (Alt-x) <M-BS> <C-Left>
 *                            <C-Right> <lt> name keys; each key comes 50 ms
 *                            after the one before; then nothing more is
 *                            typed, and the work that waits for that (a
 *                            search's count) is done
 *   ahead TEXT               as keys, with more keys still to come: nothing
 *                            waits for a pause
 *   pause MS                 MS milliseconds pass with no key
 *   bytes TEXT               TEXT's bytes as the terminal sends them, through
 *                            the input decoder ("\e" ESC, "\r" CR, "\n" LF,
 *                            "\0" NUL, "\xHH" any byte); then the escape
 *                            delay passes
 *   paste TEXT               TEXT (escaped as for bytes) as a bracketed paste
 *   unset NAME               removes an environment variable (before anything
 *                            opens the database: "unset DISPUTE_AUTHOR")
 *   statements LABEL         prints LABEL and the SQL statements run on the app's
 *                            connection since the last "statements" (or start)
 *   snapshot                 remembers the journal, disputes and stages tables
 *   unchanged                those tables are byte for byte as remembered
 *   corpus FILE FOCUS MS [PAUSE]  types FILE (beside the script) with the
 *                            pane FOCUS (1-4) focused, a key every MS ms and a
 *                            PAUSE ms pause after each sentence; Esc and the
 *                            focus key again whenever a mode opened
 *   typed TEXT               as keys, drawing the screen after every key as
 *                            the terminal does when keys come one at a time
 *   edits SEED N             N random editing keys in the open record editor
 *                            (words, spaces, newlines, tabs, wide and combining
 *                            characters, deletions, cursor moves), drawn after
 *                            each; after each the editor's kept lines and count
 *                            must match a fresh wrap of the whole text
 *   tick                     lets the idle timer store the draft
 *   crash                    the process dies: nothing is flushed; then restarts
 *   restart                  a clean quit and a new start
 *   screen NAME              compares the screen with tests/screen/NAME.screen
 *   marked NAME              the same, each line holding a word marked as a
 *                            search's match followed by a line with '^'
 *                            under each column of the marked words
 *   expect TEXT              the screen contains TEXT somewhere
 *   quit                     the last key must have asked to quit
 *   include FILE             reads directives from FILE (beside the script)
 * Prints "ok - NAME" or "not ok - NAME" per script; exits 1 on any failure. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "app.h"
#include "dispute/date.h"
#include "dispute/input.h"
#include "dispute/keys.h"
#include "dispute/paths.h"
#include "dispute/screen.h"
#include "dispute/service.h"
#include "../support/changes.h"
#include "dispute/store.h"

struct run {
	const char *script;
	const char *dir;        /* where the .screen files live */
	char tmpdir[64];
	char db[128];
	int w, h;
	long today;
	int minute;
	struct ctx c;
	bool ctx_ready;
	struct app a;
	bool started;
	struct screen s;
	unsigned last;
	long clock_ms;
	char *snapshot;         /* the tables as "snapshot" found them, or NULL */
	long long statements;   /* the store's count at the last "statements" */
	bool update;
	int failures;
	int lineno;
};

static void fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", r->script, r->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->failures++;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Splits s at '|' into at most max trimmed fields. */
static int split(char *s, char **f, int max)
{
	int n = 0;

	while (n < max) {
		char *bar = strchr(s, '|');
		if (bar)
			*bar = '\0';
		f[n++] = trim(s);
		if (!bar)
			break;
		s = bar + 1;
	}
	return n;
}

static bool ctx_ready(struct run *r)
{
	struct error err;

	if (r->ctx_ready)
		return true;
	error_clear(&err);
	if (ctx_init(&r->c, r->today, r->minute, &err) != ST_OK ||
	    ctx_open(&r->c, r->db, OPEN_CREATE, &err) != ST_OK) {
		fail(r, "cannot set up: %s", err.msg);
		ctx_free(&r->c);
		return false;
	}
	r->ctx_ready = true;
	return true;
}

static void check(struct run *r, enum status rc, const struct error *err)
{
	if (rc != ST_OK)
		fail(r, "%s", err->msg);
}

static void app_start(struct run *r)
{
	if (!ctx_ready(r))
		return;
	screen_init(&r->s, r->w, r->h);
	app_init(&r->a, &r->c, r->w, r->h);
	r->started = true;
}

static void app_stop(struct run *r)
{
	if (!r->started)
		return;
	app_free(&r->a);
	screen_free(&r->s);
	r->started = false;
}

static const struct {
	const char *name;
	int key;
} named[] = {
	{ "Tab", K_TAB }, { "BTab", K_BTAB }, { "Enter", K_ENTER }, { "Esc", K_ESC },
	{ "Up", K_UP }, { "Down", K_DOWN }, { "Left", K_LEFT }, { "Right", K_RIGHT },
	{ "Home", K_HOME }, { "End", K_END }, { "PgUp", K_PGUP }, { "PgDn", K_PGDN },
	{ "BS", K_BACKSPACE }, { "Del", K_DELETE }, { "lt", '<' }, { "CR", K_RETURN }, { "Space", ' ' },
};

static void press(struct run *r, int key, bool draw)
{
	if (!r->started) {
		fail(r, "keys before start");
		return;
	}
	r->clock_ms += 50;
	r->last = app_key(&r->a, key, r->clock_ms);
	app_tick(&r->a, r->clock_ms);
	if (draw)
		app_draw(&r->a, &r->s);
}

/* Nothing more is typed: the work that waits for that moment is done, as
 * the terminal does it (app_idle). */
static void settle(struct run *r)
{
	if (r->started && app_waiting(&r->a)) {
		r->last = app_idle(&r->a);
		app_tick(&r->a, r->clock_ms);
	}
}

static void type(struct run *r, const char *s, bool draw)
{
	while (*s) {
		const char *gt;
		unsigned char c = (unsigned char)*s;
		int key = -1, len = 1;

		if (c == '<' && (gt = strchr(s, '>')) && gt - s > 1 && gt - s < 12) {
			char name[12];
			size_t n = (size_t)(gt - s - 1);

			memcpy(name, s + 1, n);
			name[n] = '\0';
			for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
				if (!strcmp(name, named[i].name))
					key = named[i].key;
			if (key < 0 && name[0] == 'F' && atoi(name + 1) >= 1 && atoi(name + 1) <= 12)
				key = K_F(atoi(name + 1));
			if (key < 0 && !strcmp(name, "C-Left"))
				key = K_CLEFT;
			if (key < 0 && !strcmp(name, "C-Right"))
				key = K_CRIGHT;
			if (key < 0 && !strcmp(name, "M-BS"))
				key = K_ALT(K_BACKSPACE);
			if (key < 0 && name[0] == 'C' && name[1] == '-' && name[2] && !name[3])
				key = K_CTRL(name[2]);
			if (key < 0 && name[0] == 'M' && name[1] == '-' && name[2] && !name[3])
				key = K_ALT(name[2]);
			if (key >= 0) {
				press(r, key, draw);
				s = gt + 1;
				continue;
			}
		}
		if (c < 0x80) {
			key = c;
		} else if ((c & 0xe0) == 0xc0 && s[1]) {
			key = ((c & 0x1f) << 6) | (s[1] & 0x3f);
			len = 2;
		} else if ((c & 0xf0) == 0xe0 && s[1] && s[2]) {
			key = ((c & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
			len = 3;
		} else if (s[1] && s[2] && s[3]) {
			key = ((c & 0x07) << 18) | ((s[1] & 0x3f) << 12) | ((s[2] & 0x3f) << 6) | (s[3] & 0x3f);
			len = 4;
		}
		press(r, key, draw);
		s += len;
	}
}

/* The record editor's kept lines, cursor and character count against a
 * fresh wrap of its whole text.  Returns false after reporting a mismatch. */
static bool wrap_agrees(struct run *r)
{
	struct textedit *t = &r->a.ed.text;
	const struct wrap_line *kept;
	struct wrap_line *fresh;
	size_t nk = textedit_lines(t, r->a.ed.width, &kept), nf, chars = 0, row = 0;
	int krow, kcol;
	bool same;

	nf = text_wrap(t->buf, t->len, r->a.ed.width, &fresh);
	same = nk == nf && memcmp(kept, fresh, nf * sizeof(*fresh)) == 0;
	for (size_t i = 0; i < nf; i++)
		if (fresh[i].start <= t->cur)
			row = i;
	free(fresh);
	for (size_t i = 0; i < t->len; i++)
		chars += ((unsigned char)t->buf[i] & 0xc0) != 0x80;
	textedit_cursor(t, r->a.ed.width, &krow, &kcol);
	if (same && chars == t->chars && (size_t)krow == row)
		return true;
	fail(r, "editor lines %s (%zu kept, %zu fresh), %zu chars counted as %zu, cursor row %d not %zu in:\n%s",
	     same ? "agree" : "differ", nk, nf, chars, t->chars, krow, row, t->buf);
	return false;
}

/* N random editing keys from seed, each checked with wrap_agrees. */
static void random_edits(struct run *r, unsigned seed, int n)
{
	static const int pool[] = {
		'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', ' ', ' ', ' ', ' ', 0x754c /* 界 */, 0x301 /* combining acute */,
		0xe9, K_ENTER, K_TAB, K_BACKSPACE, K_BACKSPACE, K_DELETE, K_LEFT, K_RIGHT, K_UP, K_DOWN, K_HOME, K_END,
		K_CTRL('w'), K_CTRL('u'),
	};
	unsigned x = seed ? seed : 1;

	if (!r->started || r->a.mode != MODE_EDITOR) {
		fail(r, "edits needs the record editor open");
		return;
	}
	for (int i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		press(r, pool[(x >> 16) % (sizeof(pool) / sizeof(pool[0]))], true);
		/* Up on the first line moves to the time field: back to the text. */
		r->a.ed.field = 2;
		if (!wrap_agrees(r))
			return;
	}
}

static char *slurp(const char *path);

/* Script text with "\\e", "\\r", "\\n", "\\t", "\\0" and "\\xHH" made
 * into bytes; *n is the length (NUL bytes may be inside).  Caller frees. */
static char *bytes_of(const char *s, size_t *n)
{
	struct sb sb = {0};

	for (; *s; s++) {
		char c = *s;

		if (s[0] == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 'e': c = 0x1b; break;
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '0': c = '\0'; break;
			case 'x':
				if (s[1] && s[2]) {
					char hex[3] = { s[1], s[2], 0 };
					c = (char)strtol(hex, NULL, 16);
					s += 2;
				}
				break;
			default: c = *s; break;
			}
		}
		sb_appendn(&sb, &c, 1);
	}
	*n = sb.len;
	return sb.s ? sb.s : xstrdup("");
}

/* Feeds bytes through the decoder as the terminal loop does: every
 * complete event to the app, then the escape delay. */
static void feed(struct run *r, const char *bytes, size_t n)
{
	struct input *in = input_new();
	struct input_event ev;

	if (!r->started) {
		fail(r, "bytes before start");
		input_free(in);
		return;
	}
	input_feed(in, bytes, n);
	for (int pass = 0; pass < 2; pass++) {
		while (input_next(in, &ev)) {
			r->clock_ms += 50;
			if (ev.kind == INPUT_PASTE)
				r->last = app_paste(&r->a, ev.text, ev.len, r->clock_ms);
			else
				r->last = app_key(&r->a, ev.key, r->clock_ms);
			app_tick(&r->a, r->clock_ms);
		}
		input_timeout(in);
	}
	input_free(in);
}

/* The journal, disputes and stages tables as text, row by row. */
static char *tables_dump(struct run *r)
{
	static const char *const q[] = {
		"SELECT * FROM records ORDER BY id",
		"SELECT * FROM disputes ORDER BY id",
		"SELECT * FROM stages ORDER BY dispute_id, number",
	};
	sqlite3 *db = NULL;
	struct sb sb = {0};

	if (sqlite3_open_v2(r->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fail(r, "cannot open the database: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return xstrdup("");
	}
	sqlite3_busy_timeout(db, 2000);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(db, q[i], -1, &st, NULL) != SQLITE_OK) {
			fail(r, "%s: %s", q[i], sqlite3_errmsg(db));
			continue;
		}
		sb_printf(&sb, "-- %s\n", q[i]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);
				sb_append(&sb, c ? "|" : "");
				sb_appendn(&sb, v ? (const char *)v : "NULL", v ? (size_t)sqlite3_column_bytes(st, c) : 4);
			}
			sb_append(&sb, "\n");
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return sb_take(&sb);
}

/* Types a file of English into a pane: every printable character, Enter
 * at each line end, with the app restarted whenever it quits (q) and Esc
 * and the focus key pressed again at each line start, so every line is
 * typed with the pane itself focused. */
static void corpus(struct run *r, const char *file, int focus, int gap, int pause)
{
	char path[512], *text, *p;
	int words = 0;

	snprintf(path, sizeof(path), "%s/%s", r->dir, file);
	if (!(text = slurp(path))) {
		fail(r, "cannot read %s", path);
		return;
	}
	p = text;
	while (*p) {
		char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		bool inword = false;

		/* Back to the panes with the pane focused, as after a pause. */
		r->clock_ms += APP_BURST_MS + 1;
		for (int i = 0; i < 3 && r->a.mode != MODE_NORMAL; i++) {
			r->clock_ms += 50;
			app_key(&r->a, K_ESC, r->clock_ms);
			r->clock_ms += APP_BURST_MS + 1;
		}
		if (r->a.mode != MODE_NORMAL) {
			fail(r, "corpus: cannot get back to the panes");
			break;
		}
		r->clock_ms += 50;
		app_key(&r->a, '0' + focus, r->clock_ms);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];
			unsigned cp = c;
			size_t k = 1;

			if (c >= 0x80) {
				k = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
				cp = c & (k == 2 ? 0x1f : k == 3 ? 0x0f : 0x07);
				for (size_t j = 1; j < k && i + j < len; j++)
					cp = (cp << 6) | ((unsigned char)p[i + j] & 0x3f);
			}
			r->clock_ms += gap;
			r->last = app_key(&r->a, (int)cp, r->clock_ms);
			if (r->last & APP_QUIT) {
				app_stop(r);
				app_start(r);
			}
			if ((c == '.' || c == '?' || c == '!') && pause)
				r->clock_ms += pause;
			words += c == ' ' && inword;
			inword = c != ' ';
			i += k - 1;
		}
		words += inword;
		r->clock_ms += gap;
		r->last = app_key(&r->a, K_ENTER, r->clock_ms);
		if (r->last & APP_QUIT) {
			app_stop(r);
			app_start(r);
		}
		app_draw(&r->a, &r->s);
		if (!eol)
			break;
		p = eol + 1;
	}
	if (words < 5000)
		fail(r, "corpus %s has %d words: at least 5000 are wanted", file, words);
	free(text);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct sb sb = {0};
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_appendn(&sb, buf, n);
	fclose(f);
	return sb_take(&sb);
}

/* Prints the first differing lines of two screen texts. */
static void show_diff(const char *want, const char *got)
{
	int line = 1, shown = 0;

	while ((*want || *got) && shown < 6) {
		const char *we = strchr(want, '\n'), *ge = strchr(got, '\n');
		size_t wl = we ? (size_t)(we - want) : strlen(want), gl = ge ? (size_t)(ge - got) : strlen(got);

		if (wl != gl || memcmp(want, got, wl) != 0) {
			fprintf(stderr, "  line %d\n    want: %.*s\n    got:  %.*s\n", line, (int)wl, want, (int)gl, got);
			shown++;
		}
		want += wl + (we ? 1 : 0);
		got += gl + (ge ? 1 : 0);
		line++;
	}
}

/* screen_dump with a line of '^' under each line's marked columns. */
static char *marked_dump(const struct screen *s)
{
	char *plain = screen_dump(s), *line = plain;
	struct sb sb = {0};

	for (int y = 0; y < s->h; y++) {
		char *nl = strchr(line, '\n');
		size_t start, keep;

		sb_appendn(&sb, line, (size_t)(nl - line) + 1);
		line = nl + 1;
		start = sb.len;
		for (int x = 0; x < s->w; x++)
			sb_append(&sb, SA_COLOUR_OF(screen_cell(s, y, x)->attr) == SC_MATCH ? "^" : " ");
		keep = sb.len;
		while (keep > start && sb.s[keep - 1] == ' ')
			keep--;
		sb.len = keep;
		sb.s[keep] = '\0';
		if (keep > start)
			sb_append(&sb, "\n");
	}
	free(plain);
	return sb_take(&sb);
}

static void screen_check(struct run *r, const char *name, bool marked)
{
	char path[512];
	char *got, *want;

	if (!r->started) {
		fail(r, "screen before start");
		return;
	}
	app_draw(&r->a, &r->s);
	got = marked ? marked_dump(&r->s) : screen_dump(&r->s);
	snprintf(path, sizeof(path), "%s/%s.screen", r->dir, name);
	want = slurp(path);
	if (r->update) {
		FILE *f = fopen(path, "wb");
		if (!f || fputs(got, f) < 0 || fclose(f) != 0)
			fail(r, "cannot write %s", path);
	} else if (!want) {
		fail(r, "no saved screen %s (run with --update to create it); got:\n%s", path, got);
	} else if (strcmp(want, got) != 0) {
		fail(r, "screen %s differs", name);
		show_diff(want, got);
	}
	free(got);
	free(want);
}

static void expect_text(struct run *r, const char *text)
{
	char *got;

	app_draw(&r->a, &r->s);
	got = screen_dump(&r->s);
	if (!strstr(got, text))
		fail(r, "screen lacks \"%s\":\n%s", text, got);
	free(got);
}

static bool parse_date(struct run *r, const char *s, long *out)
{
	if (date_parse(s, out))
		return true;
	fail(r, "bad date %s", s);
	return false;
}

static void run_file(struct run *r, const char *path);
static char *slurp(const char *path);

/* The database's identity is random; pin it so invite UIDs are exact. */
static void pin_uid(struct run *r, const char *uid)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	if (!ctx_ready(r))
		return;
	if (sqlite3_open_v2(r->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 2000) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE meta SET value = ?1 WHERE key = 'uid'", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_changes(db) != 1)
		fail(r, "cannot pin the uid: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Runs one SQL statement on the test database beside the app's own
 * connection, as another program on the machine might. */
static void run_sql(struct run *r, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (!ctx_ready(r))
		return;
	if (sqlite3_open_v2(r->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 2000) != SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail(r, "sql: %s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
}

/* "\\e" in script text stands for ESC, to plant escape sequences;
 * "\\n" for a newline. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 'e' || s[1] == 'a' || s[1] == 'n')) {
			*o++ = s[1] == 'e' ? 0x1b : s[1] == 'a' ? 0x07 : '\n';
			s++;
		} else if (s[0] == '\\' && s[1] == 'x' && isxdigit((unsigned char)s[2]) && isxdigit((unsigned char)s[3])) {
			char hex[3] = { s[2], s[3], '\0' };

			*o++ = (char)strtol(hex, NULL, 16);
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* text, or text N times over when the directive's head ends in "xN".
 * A new string the caller frees. */
static char *text_times(const char *head, const char *text)
{
	const char *x = strrchr(head, ' ');
	struct sb sb = {0};
	int n = x && x[1] == 'x' && atoi(x + 2) > 0 ? atoi(x + 2) : 1;

	for (int i = 0; i < n; i++)
		sb_append(&sb, text);
	return sb_take(&sb);
}

/* svc_deliver_fn for "issued": nothing leaves the test. */
static enum status by_hand(void *ctx, const struct dispute *d, const struct itip_msg *m, size_t n, char *how,
                           size_t howlen, struct error *err)
{
	(void)ctx;
	(void)d;
	(void)m;
	(void)n;
	(void)err;
	snprintf(how, howlen, "handed over for");
	return ST_OK;
}

static void directive(struct run *r, char *line)
{
	char *arg = strchr(line, ' '), *f[8];
	struct error err;
	char ref[16];
	long day;
	int n;

	if (arg)
		*arg++ = '\0';
	else
		arg = line + strlen(line);
	error_clear(&err);
	if (!strcmp(line, "size")) {
		if (sscanf(arg, "%d %d", &r->w, &r->h) != 2)
			fail(r, "size W H");
		if (r->started) {
			screen_resize(&r->s, r->w, r->h);
			r->last = app_resize(&r->a, r->w, r->h);
		}
	} else if (!strcmp(line, "today")) {
		parse_date(r, arg, &r->today);
	} else if (!strcmp(line, "time")) {
		int hh, mm;
		if (sscanf(arg, "%d:%d", &hh, &mm) == 2)
			r->minute = hh * 60 + mm;
		if (r->started)
			r->last = app_clock(&r->a, r->today, r->minute);
	} else if (!strcmp(line, "new")) {
		struct dispute_new a = {0};
		n = split(arg, f, 8);
		if (n < 7 || !ctx_ready(r) || !datetime_parse(f[6], &a.opened, &a.minute)) {
			fail(r, "new needs 7 fields, the last a date");
			return;
		}
		for (int i = 1; i < 6; i++)
			unescape(f[i]);
		a.subject = f[1];
		a.raised_by = f[2];
		a.against = f[3];
		a.category = f[4];
		a.summary = f[5];
		a.urgent = n > 7 && !strcmp(f[7], "urgent");
		check(r, svc_new(&r->c, f[0], &a, ref, NULL, &err), &err);
	} else if (!strcmp(line, "escalate") || !strcmp(line, "challenge")) {
		char which[16], date[16];
		if (sscanf(arg, "%15s %15s", which, date) != 2 || !ctx_ready(r) || !parse_date(r, date, &day))
			return;
		if (line[0] == 'e')
			check(r, svc_escalate(&r->c, which, day, DATE_NONE, NULL, NULL, &err), &err);
		else
			check(r, svc_challenge(&r->c, which, day, true, NULL, &err), &err);
	} else if (!strcmp(line, "resolve") || !strcmp(line, "withdraw")) {
		char which[16], date[16];
		n = split(arg, f, 2);
		if (n != 2 || sscanf(f[0], "%15s %15s", which, date) != 2 || !ctx_ready(r) ||
		    !parse_date(r, date, &day)) {
			fail(r, "%s REF DATE | TEXT", line);
			return;
		}
		if (line[0] == 'r')
			check(r, svc_resolve(&r->c, which, day, f[1], NULL, NULL, &err), &err);
		else
			check(r, svc_withdraw(&r->c, which, day, f[1], NULL, &err), &err);
	} else if (!strcmp(line, "record")) {
		char which[16], kind[16], when[32];
		struct record rec;
		n = split(arg, f, 2);
		if (n != 2 || sscanf(f[0], "%15s %15s %31s", which, kind, when) != 3 || !ctx_ready(r)) {
			fail(r, "record REF KIND WHEN | TEXT");
			return;
		}
		record_init(&rec);
		if (!record_kind_parse(kind, &rec.kind) || !datetime_parse(when, &rec.day, &rec.minute)) {
			fail(r, "bad record kind or time");
			return;
		}
		unescape(f[1]);
		rec.text = text_times(f[0], f[1]);
		check(r, svc_record(&r->c, which, &rec, &err), &err);
		record_free(&rec);
	} else if (!strcmp(line, "followup")) {
		char which[16], kind[16], when[32];
		struct record rec;
		struct record_extra x = { 0, NULL, NULL, DATE_NONE };
		n = split(arg, f, 4);
		if (n != 4 || sscanf(f[0], "%15s %15s %31s", which, kind, when) != 3 || !ctx_ready(r) ||
		    !date_parse(f[3], &x.next_due)) {
			fail(r, "followup REF KIND WHEN | TEXT | NEXT | DUE");
			return;
		}
		record_init(&rec);
		if (!record_kind_parse(kind, &rec.kind) || !datetime_parse(when, &rec.day, &rec.minute)) {
			fail(r, "bad record kind or time");
			return;
		}
		unescape(f[1]);
		rec.text = xstrdup(f[1]);
		x.next = f[2];
		check(r, svc_record_extra(&r->c, which, &rec, &x, &err), &err);
		record_free(&rec);
	} else if (!strcmp(line, "draft")) {
		char which[16], kind[16], *text;
		struct dispute d;
		enum record_kind k;
		n = split(arg, f, 2);
		if (n != 2 || sscanf(f[0], "%15s %15s", which, kind) != 2 || !ctx_ready(r) ||
		    !record_kind_parse(kind, &k)) {
			fail(r, "draft REF KIND | TEXT");
			return;
		}
		unescape(f[1]);
		text = text_times(f[0], f[1]);
		dispute_init(&d);
		if (store_dispute_load(r->c.store, which, &d, &err) == ST_OK) {
			struct draft dr;

			draft_init(&dr);
			dr.dispute_id = d.id;
			dr.kind = k;
			dr.text = text;
			check(r, store_draft_put(r->c.store, &dr, &err), &err);
		} else
			check(r, err.code, &err);
		dispute_free(&d);
		free(text);
	} else if (!strcmp(line, "contact")) {
		struct contact ct = {0};
		n = split(arg, f, 4);
		if (n != 4 || !ctx_ready(r)) {
			fail(r, "contact AGENCY | NAME | ROLE | EMAIL");
			return;
		}
		ct.agency = f[0];
		ct.name = f[1];
		ct.role = *f[2] ? f[2] : NULL;
		ct.email = *f[3] ? f[3] : NULL;
		check(r, store_contact_insert(r->c.store, &ct, &err), &err);
	} else if (!strcmp(line, "counterpart")) {
		char which[16];
		long long id;
		if (sscanf(arg, "%15s %lld", which, &id) != 2 || !ctx_ready(r)) {
			fail(r, "counterpart REF ID");
			return;
		}
		check(r, svc_counterpart(&r->c, which, 0, id, NULL, &err), &err);
	} else if (!strcmp(line, "config")) {
		struct config *cfg = &r->c.config;
		n = split(arg, f, 4);
		if (n < 2 || !ctx_ready(r)) {
			fail(r, "config NAME | EMAIL [| PHONE [| MAILCMD]]");
			return;
		}
		free(cfg->name);
		free(cfg->email);
		free(cfg->phone);
		free(cfg->mail_command);
		cfg->name = xstrdup(f[0]);
		cfg->email = xstrdup(f[1]);
		cfg->phone = n > 2 && *f[2] ? xstrdup(f[2]) : NULL;
		cfg->mail_command = n > 3 && *f[3] ? xstrdup(f[3]) : NULL;
		check(r, ctx_config_save(&r->c, &err), &err);
	} else if (!strcmp(line, "uid")) {
		pin_uid(r, arg);
	} else if (!strcmp(line, "issued")) {
		struct svc_delivery dl = { by_hand, NULL, NULL, NULL };
		if (!ctx_ready(r))
			return;
		check(r, svc_invite_issue(&r->c, arg, ITIP_FOR_OWED, 0, NULL, &dl, NULL, &err), &err);
	} else if (!strcmp(line, "counter")) {
		char which[16], email[256], date[16];
		struct dispute d;
		struct itip_log log = { NULL, 0 };
		struct itip_reply rep;
		const struct itip_sent *row;
		int stage;
		if (sscanf(arg, "%15s %255s %15s", which, email, date) != 3 || !ctx_ready(r)) {
			fail(r, "counter REF EMAIL DATE");
			return;
		}
		dispute_init(&d);
		itip_reply_init(&rep);
		if (store_dispute_load(r->c.store, which, &d, &err) != ST_OK ||
		    store_invites_load(r->c.store, d.id, &log, &err) != ST_OK) {
			check(r, err.code, &err);
		} else if (!(row = itip_log_find(&log, d.current_stage, email))) {
			fail(r, "counter: nothing went to %s for stage %d", email, d.current_stage);
		} else {
			rep.counter = true;
			rep.uid = xstrdup(row->uid);
			rep.sequence = row->sequence;
			rep.attendee = xstrdup(email);
			parse_date(r, date, &rep.proposed);
			check(r, svc_invite_reply(&r->c, &rep, which, &stage, &err), &err);
		}
		itip_reply_free(&rep);
		itip_log_free(&log);
		dispute_free(&d);
	} else if (!strcmp(line, "sql")) {
		run_sql(r, arg);
	} else if (!strcmp(line, "file")) {
		char rel[256], path[512];
		unsigned mode;
		struct stat st;
		if (sscanf(arg, "%255s %o", rel, &mode) != 2) {
			fail(r, "file PATH MODE");
			return;
		}
		snprintf(path, sizeof(path), "%s/%s", r->tmpdir, rel);
		if (stat(path, &st) != 0)
			fail(r, "%s: %s", rel, strerror(errno));
		else if ((st.st_mode & 07777) != mode)
			fail(r, "%s: mode %o, not %o", rel, (unsigned)(st.st_mode & 07777), mode);
	} else if (!strcmp(line, "mkfile") || !strcmp(line, "mkdir")) {
		char path[512], *slash;
		FILE *fp;
		bool dir = line[2] == 'd';
		n = split(arg, f, 2);
		if (dir ? n != 1 : n != 2) {
			fail(r, dir ? "mkdir PATH" : "mkfile PATH | TEXT");
			return;
		}
		snprintf(path, sizeof(path), "%s/%s", r->tmpdir, f[0]);
		for (slash = strchr(path + strlen(r->tmpdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			mkdir(path, 0700);
			*slash = '/';
		}
		if (dir) {
			if (mkdir(path, 0700) != 0)
				fail(r, "mkdir %s: %s", f[0], strerror(errno));
			return;
		}
		unescape(f[1]);
		if (!(fp = fopen(path, "w")) || fputs(f[1], fp) == EOF || fclose(fp) != 0)
			fail(r, "mkfile %s: %s", f[0], strerror(errno));
	} else if (!strcmp(line, "filetext") || !strcmp(line, "filehas")) {
		char path[512];
		struct error ferr;
		char *text = NULL;
		size_t len;
		n = split(arg, f, 2);
		if (n != 2) {
			fail(r, "%s PATH | TEXT", line);
			return;
		}
		unescape(f[1]);
		snprintf(path, sizeof(path), "%s/%s", r->tmpdir, f[0]);
		if (paths_read_file(path, 1 << 20, &text, &len, &ferr) != ST_OK)
			fail(r, "%s: %s", f[0], ferr.msg);
		else if (line[4] == 't' ? strcmp(text, f[1]) != 0 : !strstr(text, f[1]))
			fail(r, "%s holds:\n%s", f[0], text);
		free(text);
	} else if (!strcmp(line, "pause")) {
		r->clock_ms += atol(arg);
		if (r->started)
			app_tick(&r->a, r->clock_ms);
		settle(r);
	} else if (!strcmp(line, "bytes") || !strcmp(line, "paste")) {
		size_t len;
		char *b = bytes_of(arg, &len);
		if (line[0] == 'p') {
			struct sb sb = {0};
			sb_appendn(&sb, "\x1b[200~", 6);
			sb_appendn(&sb, b, len);
			sb_appendn(&sb, "\x1b[201~", 6);
			feed(r, sb.s, sb.len);
			free(sb.s);
		} else {
			feed(r, b, len);
		}
		free(b);
		settle(r);
	} else if (!strcmp(line, "unset")) {
		unsetenv(arg);
		/* The author is read when the program starts: as if it started now. */
		if (r->ctx_ready && !strcmp(arg, "DISPUTE_AUTHOR")) {
			free(r->c.author);
			r->c.author = config_signature(&r->c.config);
		}
	} else if (!strcmp(line, "statements")) {
		long long now = r->ctx_ready ? store_statements(r->c.store) : 0;

		if (*arg)
			printf("  %-44s %15lld SQL statements\n", arg, now - r->statements);
		r->statements = now;
	} else if (!strcmp(line, "snapshot")) {
		free(r->snapshot);
		r->snapshot = ctx_ready(r) ? tables_dump(r) : NULL;
	} else if (!strcmp(line, "unchanged")) {
		char *now = tables_dump(r);
		if (!r->snapshot)
			fail(r, "unchanged before snapshot");
		else if (strcmp(now, r->snapshot) != 0)
			fail(r, "the journal, disputes or stages changed:\n%s", now);
		free(now);
	} else if (!strcmp(line, "corpus")) {
		char file[256];
		int focus, gap, pause = 0;
		if (sscanf(arg, "%255s %d %d %d", file, &focus, &gap, &pause) < 3 || focus < 1 || focus > 4)
			fail(r, "corpus FILE FOCUS MS [PAUSE]");
		else if (!r->started)
			fail(r, "corpus before start");
		else
			corpus(r, file, focus, gap, pause);
	} else if (!strcmp(line, "start")) {
		app_start(r);
	} else if (!strcmp(line, "keys")) {
		type(r, arg, false);
		settle(r);
	} else if (!strcmp(line, "ahead")) {
		/* Keys with more still to come: nothing waits for a pause. */
		type(r, arg, false);
	} else if (!strcmp(line, "typed")) {
		type(r, arg, true);
		settle(r);
	} else if (!strcmp(line, "edits")) {
		unsigned seed;
		if (sscanf(arg, "%u %d", &seed, &n) != 2)
			fail(r, "edits SEED N");
		else
			random_edits(r, seed, n);
	} else if (!strcmp(line, "tick")) {
		r->clock_ms += 5000;
		app_tick(&r->a, r->clock_ms);
		r->clock_ms += 5000;
		app_tick(&r->a, r->clock_ms);
	} else if (!strcmp(line, "crash")) {
		/* A kill -9: whatever app_tick has not stored is lost. */
		r->a.ed.dirty = false;
		r->a.mode = MODE_NORMAL;
		app_stop(r);
		app_start(r);
	} else if (!strcmp(line, "restart")) {
		app_stop(r);
		app_start(r);
	} else if (!strcmp(line, "screen") || !strcmp(line, "marked")) {
		screen_check(r, arg, line[0] == 'm');
	} else if (!strcmp(line, "expect")) {
		expect_text(r, arg);
	} else if (!strcmp(line, "include")) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", r->dir, arg);
		run_file(r, path);
	} else if (!strcmp(line, "quit")) {
		if (!(r->last & APP_QUIT))
			fail(r, "the app did not ask to quit");
	} else {
		fail(r, "unknown directive %s", line);
	}
}

static void run_file(struct run *r, const char *path)
{
	FILE *f = fopen(path, "r");
	const char *keep = r->script;
	int keep_line = r->lineno;
	char line[8192];

	if (!f) {
		fail(r, "cannot read %s", path);
		return;
	}
	r->script = path;
	r->lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		char *l = trim(line);
		r->lineno++;
		if (*l && *l != '#')
			directive(r, l);
	}
	fclose(f);
	r->script = keep;
	r->lineno = keep_line;
}

/* Removes path and, for a directory, everything in it (no symlinks followed). */
static void remove_tree(const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((dir = opendir(path))) {
		while ((e = readdir(dir))) {
			char *sub;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			sub = xasprintf("%s/%s", path, e->d_name);
			remove_tree(sub);
			free(sub);
		}
		closedir(dir);
	}
	rmdir(path);
}

static int run_script(const char *script, bool update)
{
	struct run r;
	FILE *f = fopen(script, "r");
	char *slash, name[256], home[96], config[96];
	const char *base;

	memset(&r, 0, sizeof(r));
	r.script = script;
	r.update = update;
	r.w = 120;
	r.h = 40;
	r.minute = 9 * 60 + 30;
	date_parse("2026-11-27", &r.today);
	slash = strrchr(script, '/');
	base = slash ? slash + 1 : script;
	snprintf(name, sizeof(name), "%s", base);
	if (strchr(name, '.'))
		*strchr(name, '.') = '\0';
	r.dir = slash ? xstrndup(script, (size_t)(slash - script)) : xstrdup(".");
	snprintf(r.tmpdir, sizeof(r.tmpdir), "/tmp/dispute-screen.XXXXXX");
	if (!f || !mkdtemp(r.tmpdir)) {
		fprintf(stderr, "%s: %s\n", script, strerror(errno));
		printf("not ok - %s\n", name);
		free((char *)r.dir);
		if (f)
			fclose(f);
		return 1;
	}
	snprintf(r.db, sizeof(r.db), "%s/test.db", r.tmpdir);
	fclose(f);
	/* A private home and settings directory per script: invites and
	 * saved settings land there and go with it. */
	snprintf(home, sizeof(home), "%s/home", r.tmpdir);
	snprintf(config, sizeof(config), "%s/config", r.tmpdir);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", config, 1);
	run_file(&r, script);
	app_stop(&r);
	if (r.ctx_ready)
		ctx_free(&r.c);
	free(r.snapshot);
	remove_tree(r.tmpdir);
	/* The next script signs as the fixed author again. */
	setenv("DISPUTE_AUTHOR", "Test Lead", 1);
	free((char *)r.dir);
	printf("%s - screen/%s\n", r.failures ? "not ok" : "ok", name);
	return r.failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	bool update = false;
	int rc = 0;

	/* The shipped data, no user protocols, a fixed author. */
	setenv("DISPUTE_DATADIR", "data", 0);
	setenv("DISPUTE_AUTHOR", "Test Lead", 1);
	/* Invites are stamped and timed the same on every run. */
	setenv("DISPUTE_DTSTAMP", "20261127T093000Z", 1);
	setenv("TZ", "UTC", 1);
	tzset();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--update")) {
			update = true;
			continue;
		}
		rc |= run_script(argv[i], update);
	}
	return rc;
}
