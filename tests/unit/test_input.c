/* Unit tests for the terminal input decoder: keys, escape sequences, Alt chords, the escape delay and bracketed pastes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/input.h"
#include "dispute/keys.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define B(lit) lit, sizeof(lit) - 1          /* bytes of a literal, NULs and all */

enum { EV_END = 100, EV_TIMEOUT };

struct ev {
	int kind;             /* INPUT_KEY, INPUT_PASTE, EV_TIMEOUT or EV_END */
	int key;
	const char *text;
	size_t len;
};

#define K(k) { INPUT_KEY, (k), NULL, 0 }
#define P(lit) { INPUT_PASTE, 0, B(lit) }
/* Here every byte so far has been fed: input_pending() must be true, and
 * input_timeout() is called (the escape delay passed). */
#define TIMEOUT { EV_TIMEOUT, 0, NULL, 0 }
#define END { EV_END, 0, NULL, 0 }
#define FFFD 0xFFFD

#define D40 "1111111111222222222233333333334444444444"

struct row {
	const char *name;
	const char *in;
	size_t n;
	struct ev ev[16];     /* ends with END */
	const char *after;    /* fed after the TIMEOUT, if any */
	size_t after_n;
	bool pending;         /* input_pending() at the end: a paste is still open */
};

/* A row: its name, the bytes fed, and the events they give, ending with END. */
#define R(nm, lit, ...) { .name = nm, .in = lit, .n = sizeof(lit) - 1, .ev = { __VA_ARGS__ } }
/* A row whose `after` bytes are fed once the escape delay has passed. */
#define RA(nm, lit, aft, ...) \
	{ .name = nm, .in = lit, .n = sizeof(lit) - 1, .after = aft, .after_n = sizeof(aft) - 1, \
	  .ev = { __VA_ARGS__ } }
/* A row that ends with a paste still open. */
#define RP(nm, lit, ...) \
	{ .name = nm, .in = lit, .n = sizeof(lit) - 1, .pending = true, .ev = { __VA_ARGS__ } }

static const struct row rows[] = {
	/* Text and C0 controls. */
	R("ascii", "ab Z~", K('a'), K('b'), K(' '), K('Z'), K('~'), END),
	R("utf8", "\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80", K(0xE9), K(0x65E5), K(0x1F600), END),
	R("controls", "\x01\x09\x13\x0d\x0a\x00\x1f\x03",
	  K(K_CTRL('a')), K(K_TAB), K(K_CTRL('s')), K(K_RETURN), K(K_ENTER), K(0), K(0x1f),
	  K(K_CTRL('c')), END),
	R("backspace", "\x7f\x08", K(K_BACKSPACE), K(K_BACKSPACE), END),
	R("invalid byte", "a\xFF" "b", K('a'), K(FFFD), K('b'), END),
	R("stray continuations", "\x80\xBF" "c", K(FFFD), K(FFFD), K('c'), END),
	R("cut character then valid", "\xE2\x82" "a\xE2\x82\xAC", K(FFFD), K(FFFD), K('a'), K(0x20AC), END),
	R("overlong", "\xC0\xAF", K(FFFD), K(FFFD), END),
	R("surrogate", "\xED\xA0\x80" "x", K(FFFD), K(FFFD), K(FFFD), K('x'), END),
	R("above U+10FFFF", "\xF4\x90\x80\x80", K(FFFD), K(FFFD), K(FFFD), K(FFFD), END),
	R("character cut at the end", "a\xE2\x82", K('a'), TIMEOUT, K(FFFD), K(FFFD), END),
	R("lead byte at the end", "\xF0", TIMEOUT, K(FFFD), END),
	R("lead byte then ESC", "\xC3\x1b", K(FFFD), TIMEOUT, K(K_ESC), END),

	/* Cursor and editing keys as xterm, tmux and the Linux console send them. */
	R("CSI arrows", "\x1b[A\x1b[B\x1b[C\x1b[D", K(K_UP), K(K_DOWN), K(K_RIGHT), K(K_LEFT), END),
	R("SS3 arrows", "\x1bOA\x1bOB\x1bOC\x1bOD", K(K_UP), K(K_DOWN), K(K_RIGHT), K(K_LEFT), END),
	R("home and end", "\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[7~\x1b[4~\x1b[8~",
	  K(K_HOME), K(K_END), K(K_HOME), K(K_END), K(K_HOME), K(K_HOME), K(K_END), K(K_END), END),
	R("insert delete pages", "\x1b[2~\x1b[3~\x1b[5~\x1b[6~",
	  K(K_INSERT), K(K_DELETE), K(K_PGUP), K(K_PGDN), END),
	R("shift-tab", "\x1b[Z", K(K_BTAB), END),
	R("F1-F4 SS3", "\x1bOP\x1bOQ\x1bOR\x1bOS", K(K_F(1)), K(K_F(2)), K(K_F(3)), K(K_F(4)), END),
	R("F1-F5 tilde", "\x1b[11~\x1b[12~\x1b[13~\x1b[14~\x1b[15~",
	  K(K_F(1)), K(K_F(2)), K(K_F(3)), K(K_F(4)), K(K_F(5)), END),
	R("F6-F12", "\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~",
	  K(K_F(6)), K(K_F(7)), K(K_F(8)), K(K_F(9)), K(K_F(10)), K(K_F(11)), K(K_F(12)), END),
	R("Linux console F1-F5", "\x1b[[A\x1b[[B\x1b[[C\x1b[[D\x1b[[E",
	  K(K_F(1)), K(K_F(2)), K(K_F(3)), K(K_F(4)), K(K_F(5)), END),
	R("keypad in application mode", "\x1bOM\x1bOj\x1bOp\x1bOy\x1bOX",
	  K(K_RETURN), K('*'), K('0'), K('9'), K('='), END),

	/* Modifiers: 1 + shift 1 + alt 2 + ctrl 4 (+ meta 8). */
	R("ctrl-left and right", "\x1b[1;5D\x1b[1;5C", K(K_CLEFT), K(K_CRIGHT), END),
	R("ctrl-shift-left", "\x1b[1;6D", K(K_CLEFT), END),
	R("alt-arrows", "\x1b[1;3A\x1b[1;3D", K(K_ALT(K_UP)), K(K_ALT(K_LEFT)), END),
	R("ctrl-alt-right", "\x1b[1;7C", K(K_ALT(K_CRIGHT)), END),
	R("meta-down", "\x1b[1;9B", K(K_ALT(K_DOWN)), END),
	R("shift and ctrl on up and down", "\x1b[1;2A\x1b[1;5B\x1b[1;6A", K(K_UP), K(K_DOWN), K(K_UP), END),
	R("modified home", "\x1b[1;3H\x1b[1;5F", K(K_ALT(K_HOME)), K(K_END), END),
	R("modified tilde keys", "\x1b[3;5~\x1b[3;3~\x1b[5;2~\x1b[15;3~",
	  K(K_DELETE), K(K_ALT(K_DELETE)), K(K_PGUP), K(K_ALT(K_F(5))), END),
	R("modified F1", "\x1b[1;2P\x1b[1;3Q", K(K_F(1)), K(K_ALT(K_F(2))), END),
	R("older modifier forms", "\x1b[5D\x1bO5C\x1bO3A", K(K_CLEFT), K(K_CRIGHT), K(K_ALT(K_UP)), END),
	R("empty first parameter", "\x1b[;5D", K(K_CLEFT), END),
	R("modifier no terminal sends", "\x1b[1;99A\x1b[1;0A", K(K_UP), END),

	/* Other sequences are swallowed whole. */
	R("device attributes reply", "a\x1b[?1;2c" "b", K('a'), K('b'), END),
	R("SGR mouse", "\x1b[<0;12;5M\x1b[<0;12;5m", END),
	R("focus in and out", "\x1b[I\x1b[O", END),
	R("unknown tilde", "\x1b[99~\x1b[9~\x1b[~", END),
	R("modifyOtherKeys", "\x1b[27;5;13~x", K('x'), END),
	R("intermediate byte", "\x1b[2 q\x1b[0$y", END),
	R("keypad 5", "\x1b[E\x1b[G\x1bOE", END),
	R("a lone modifier, three parameters", "\x1b[2A\x1b[1;2;3A", K(K_UP), END),
	R("stray paste end", "\x1b[201~z", K('z'), END),
	R("unknown SS3", "\x1bOz!", K('!'), END),
	R("Linux console other", "\x1b[[Zq\x1b[[\x03", K('q'), K(K_CTRL('c')), END),
	R("cut CSI, then a control", "\x1b[1;\x03x", K(K_CTRL('c')), K('x'), END),
	R("cut CSI, then a sequence", "\x1b[12\x1b[A", K(K_UP), END),
	R("cut CSI, then text", "\x1b[1\xC3\xA9", K(0xE9), END),
	R("overlong CSI", "\x1b[" D40 D40 "mx", K('x'), END),
	R("overlong CSI ended by a control", "\x1b[" D40 "\x01y", K(K_CTRL('a')), K('y'), END),
	R("overlong CSI with intermediates", "\x1b[" D40 " !~x", K('x'), END),

	/* Alt chords: ESC before a key. */
	R("alt-letters", "\x1b" "b\x1b" "B\x1b" "1\x1b ",
	  K(K_ALT('b')), K(K_ALT('B')), K(K_ALT('1')), K(K_ALT(' ')), END),
	R("alt-backspace", "\x1b\x7f\x1b\x08", K(K_ALT(K_BACKSPACE)), K(K_ALT(K_BACKSPACE)), END),
	R("alt-controls", "\x1b\x01\x1b\r\x1b\n\x1b\t",
	  K(K_ALT(K_CTRL('a'))), K(K_ALT(K_RETURN)), K(K_ALT(K_ENTER)), K(K_ALT(K_TAB)), END),
	R("alt-utf8", "\x1b\xC3\xA9\x1b\xC5\x82\x1b\xE6\x97\xA5\x1b\xF0\x9F\x98\x80",
	  K(K_ALT(0xE9)), K(K_ALT(0x142)), K(K_ALT(0x65E5)), K(K_ALT(0x1F600)), END),
	R("alt-invalid", "\x1b\xFF" "a", K(K_ESC), K(FFFD), K('a'), END),
	R("esc esc", "\x1b\x1b", K(K_ESC), TIMEOUT, K(K_ESC), END),
	R("esc, then up", "\x1b\x1b[A", K(K_ESC), K(K_UP), END),
	R("esc, then alt-b", "\x1b\x1b" "b", K(K_ESC), K(K_ALT('b')), END),

	/* The escape delay. */
	R("lone ESC", "\x1b", TIMEOUT, K(K_ESC), END),
	R("ESC after text", "a\x1b", K('a'), TIMEOUT, K(K_ESC), END),
	RA("ESC, delay, then b", "\x1b", "b", TIMEOUT, K(K_ESC), K('b'), END),
	RA("ESC, delay, then up", "\x1b", "\x1b[A", TIMEOUT, K(K_ESC), K(K_UP), END),
	R("ESC and half a character", "\x1b\xC3", TIMEOUT, K(K_ESC), K(FFFD), END),
	R("cut ESC [", "\x1b[", TIMEOUT, END),
	R("cut ESC [ 1", "\x1b[1", TIMEOUT, END),
	R("cut ESC [ 1 ; 5", "x\x1b[1;5", K('x'), TIMEOUT, END),
	R("cut ESC [ [", "\x1b[[", TIMEOUT, END),
	R("cut ESC [ 2 0 0", "\x1b[200", TIMEOUT, END),
	RA("cut CSI, delay, then a sequence", "\x1b[1", "\x1b[A", TIMEOUT, K(K_UP), END),
	/* What comes after the delay is typed: the rest of a cut sequence
	 * cannot be told from keys (a terminal sends a sequence in one write). */
	RA("cut CSI, delay, then its end", "\x1b[1;5", "D", TIMEOUT, K('D'), END),
	R("ESC O at the delay is Alt-O", "\x1bO", TIMEOUT, K(K_ALT('O')), END),
	R("ESC O before a non-sequence byte", "\x1bO\x03\x1bO\xC3\xA9",
	  K(K_ALT('O')), K(K_CTRL('c')), K(K_ALT('O')), K(0xE9), END),

	/* Bracketed paste. */
	R("paste", "\x1b[200~hello\x1b[201~", P("hello"), END),
	R("empty paste", "\x1b[200~\x1b[201~", P(""), END),
	R("paste of everything", "\x1b[200~a\x1b\0\x1b[A\x01\x7f\x08\xFF\r\n\x13\x1b[1;5D\xC3\xA9z\x1b[201~",
	 P("a\x1b\0\x1b[A\x01\x7f\x08\xFF\r\n\x13\x1b[1;5D\xC3\xA9z"), END),
	R("keys around a paste", "x\x1b[A\x1b[200~p\x1b[201~y\x1b" "b",
	  K('x'), K(K_UP), P("p"), K('y'), K(K_ALT('b')), END),
	R("a start marker inside a paste", "\x1b[200~a\x1b[200~b\x1b[201~", P("a\x1b[200~b"), END),
	R("near misses of the end marker", "\x1b[200~a\x1b[201b\x1b[20\x1b[2011~\x1b\x1b[201~",
	 P("a\x1b[201b\x1b[20\x1b[2011~\x1b"), END),
	R("two pastes", "\x1b[200~a\x1b[201~\x1b[200~b\x1b[201~", P("a"), P("b"), END),
	R("paste then ESC", "\x1b[200~a\x1b[201~\x1b", P("a"), TIMEOUT, K(K_ESC), END),
	RP("open paste", "\x1b[200~abc", TIMEOUT, END),
	RA("open paste, delay, rest", "\x1b[200~abc\x1b", "def\x1b[201~g",
	   TIMEOUT, P("abc\x1b" "def"), K('g'), END),
};

/* Names a key or event for failure messages. */
static void ev_name(char *out, size_t size, int kind, int key, const char *text, size_t len)
{
	if (kind == INPUT_PASTE)
		snprintf(out, size, "paste of %zu bytes \"%.*s\"", len, (int)(len > 40 ? 40 : len), text);
	else if (kind == INPUT_KEY)
		snprintf(out, size, "key 0x%x", (unsigned)key);
	else if (kind == EV_TIMEOUT)
		snprintf(out, size, "the escape delay");
	else
		snprintf(out, size, "no more events");
}

struct run {
	const struct row *row;
	const char *mode;
	size_t at;            /* the next expected event */
};

static void check_event(struct run *r, const struct input_event *ev)
{
	const struct ev *want = &r->row->ev[r->at];
	char got[128], exp[128];

	ev_name(got, sizeof(got), ev->kind, ev->key, ev->text, ev->len);
	ev_name(exp, sizeof(exp), want->kind, want->key, want->text, want->len);
	if (ev->kind == INPUT_PASTE ? want->kind != INPUT_PASTE || ev->len != want->len ||
	                              !ev->text || memcmp(ev->text, want->text, ev->len)
	                            : want->kind != INPUT_KEY || ev->key != want->key || ev->text)
		fail_msg("%s (fed %s): event %zu is %s, want %s", r->row->name, r->mode, r->at, got, exp);
	r->at++;
}

static void drain(struct input *in, struct run *r)
{
	struct input_event ev;

	while (input_next(in, &ev))
		check_event(r, &ev);
}

/* Feeds s[0..n): whole (cut 0), a byte at a time (cut SIZE_MAX), or in
 * two parts cut at `cut`, taking every event that becomes complete. */
static void feed(struct input *in, struct run *r, const char *s, size_t n, size_t cut)
{
	if (cut == SIZE_MAX) {
		for (size_t i = 0; i < n; i++) {
			input_feed(in, s + i, 1);
			drain(in, r);
		}
	} else if (cut > 0 && cut < n) {
		input_feed(in, s, cut);
		drain(in, r);
		input_feed(in, s + cut, n - cut);
		drain(in, r);
	} else {
		input_feed(in, s, n);
		drain(in, r);
	}
}

static void run_row(const struct row *row, const char *mode, size_t cut)
{
	struct input *in = input_new();
	struct run r = {row, mode, 0};
	char exp[128];

	feed(in, &r, row->in, row->n, cut);
	if (row->ev[r.at].kind == EV_TIMEOUT) {
		if (!input_pending(in))
			fail_msg("%s (fed %s): not pending before the escape delay", row->name, mode);
		r.at++;
		input_timeout(in);
		drain(in, &r);
		feed(in, &r, row->after ? row->after : "", row->after_n, cut == SIZE_MAX ? cut : 0);
	}
	if (row->ev[r.at].kind != EV_END) {
		ev_name(exp, sizeof(exp), row->ev[r.at].kind, row->ev[r.at].key, row->ev[r.at].text,
		        row->ev[r.at].len);
		fail_msg("%s (fed %s): no event %zu, want %s", row->name, mode, r.at, exp);
	}
	if (input_pending(in) != row->pending)
		fail_msg("%s (fed %s): input_pending is %d at the end", row->name, mode, !row->pending);
	/* Nothing is hidden behind a later delay either. */
	input_timeout(in);
	drain(in, &r);
	input_free(in);
}

/* Every row gives the same events fed at once, a byte at a time, and cut
 * in two at every place (so every paste is split inside its markers). */
static void test_table(void **state)
{
	char mode[32];

	(void)state;
	for (size_t i = 0; i < N(rows); i++) {
		run_row(&rows[i], "at once", 0);
		run_row(&rows[i], "a byte at a time", SIZE_MAX);
		for (size_t cut = 1; cut < rows[i].n; cut++) {
			snprintf(mode, sizeof(mode), "cut at %zu", cut);
			run_row(&rows[i], mode, cut);
		}
	}
}

/* Takes the next event, failing when there is none. */
static struct input_event next(struct input *in)
{
	struct input_event ev;

	if (!input_next(in, &ev))
		fail_msg("no event");
	return ev;
}

static void test_pending(void **state)
{
	struct input *in = input_new();
	struct input_event ev;

	(void)state;
	assert_false(input_pending(in));
	assert_false(input_next(in, &ev));
	input_timeout(in);                          /* nothing held: nothing happens */
	assert_false(input_next(in, &ev));
	input_feed(in, "x", 0);
	assert_false(input_pending(in));

	/* An event ready is not a reason to wait. */
	input_feed(in, "a\x1b", 2);
	assert_false(input_pending(in));
	assert_int_equal(next(in).key, 'a');
	assert_true(input_pending(in));
	assert_false(input_next(in, &ev));
	assert_true(input_pending(in));

	/* The delay covers the bytes held when it passed, not later ones. */
	input_timeout(in);
	assert_false(input_pending(in));
	input_feed(in, "[A", 2);
	assert_int_equal(next(in).key, K_ESC);
	assert_int_equal(next(in).key, '[');
	assert_int_equal(next(in).key, 'A');
	assert_false(input_next(in, &ev));
	assert_false(input_pending(in));

	input_feed(in, "\xE2\x82", 2);
	assert_false(input_next(in, &ev));
	assert_true(input_pending(in));
	input_feed(in, "\xAC", 1);
	assert_false(input_pending(in));
	assert_int_equal(next(in).key, 0x20AC);
	input_free(in);
	input_free(NULL);
}

/* Fills p[0..n) with every byte value, ESC often, never the end marker. */
static void fill_noise(char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (seed >> 16) % 7 == 0 ? '\x1b' : (char)(seed >> 8);
		if (i >= 5 && !memcmp(p + i - 5, "\x1b[201~", 6))
			p[i] = 'x';
	}
}

/* A 1 MiB paste of every byte value, fed in 4 KiB reads with the escape
 * delay passing between them, comes out once, exactly. */
static void test_paste_big(void **state)
{
	enum { SIZE = 1 << 20, CHUNK = 4096 };
	size_t total = 6 + SIZE + 6 + 2;
	char *all = malloc(total);
	struct input *in = input_new();
	struct input_event ev;

	(void)state;
	assert_non_null(all);
	memcpy(all, "\x1b[200~", 6);
	fill_noise(all + 6, SIZE, 99);
	memcpy(all + 6 + SIZE, "\x1b[201~q\x1b", 8);
	for (size_t off = 0; off < total; off += CHUNK) {
		size_t n = total - off < CHUNK ? total - off : CHUNK;
		input_feed(in, all + off, n);
		if (off + n < 6 + SIZE + 6) {
			assert_false(input_next(in, &ev));
			assert_true(input_pending(in));
			input_timeout(in);
			input_timeout(in);
			assert_false(input_next(in, &ev));
		}
	}
	ev = next(in);
	assert_int_equal(ev.kind, INPUT_PASTE);
	assert_int_equal(ev.len, SIZE);
	assert_memory_equal(ev.text, all + 6, SIZE);
	assert_int_equal(next(in).key, 'q');
	assert_false(input_next(in, &ev));
	assert_true(input_pending(in));
	input_timeout(in);
	assert_int_equal(next(in).key, K_ESC);
	assert_false(input_next(in, &ev));

	/* The decoder carries on as before once the paste has gone. */
	input_feed(in, "\x1b[B", 3);
	assert_int_equal(next(in).key, K_DOWN);
	input_free(in);
	free(all);
}

/* A byte at a time, a paste still takes time linear in its length: a
 * rescan of what arrived for each byte would not finish. */
static void test_paste_bytewise(void **state)
{
	enum { SIZE = 256 * 1024 };
	char *body = malloc(SIZE);
	struct input *in = input_new();
	struct input_event ev;

	(void)state;
	assert_non_null(body);
	fill_noise(body, SIZE, 5);
	input_feed(in, "\x1b[200~", 6);
	for (size_t i = 0; i < SIZE; i++) {
		input_feed(in, body + i, 1);
		assert_false(input_next(in, &ev));
	}
	for (size_t i = 0; i < 6; i++) {
		assert_false(input_next(in, &ev));
		input_feed(in, "\x1b[201~" + i, 1);
	}
	ev = next(in);
	assert_int_equal(ev.kind, INPUT_PASTE);
	assert_int_equal(ev.len, SIZE);
	assert_memory_equal(ev.text, body, SIZE);
	assert_false(input_next(in, &ev));
	assert_false(input_pending(in));
	input_free(in);
	free(body);
}

/* The end marker split at each of its bytes, in separate reads. */
static void test_paste_split_marker(void **state)
{
	static const char end[] = "\x1b[201~";

	(void)state;
	for (size_t k = 1; k < 6; k++) {
		struct input *in = input_new();
		struct input_event ev;

		input_feed(in, B("\x1b[200~line\r\n"));
		input_feed(in, end, k);
		assert_false(input_next(in, &ev));
		assert_true(input_pending(in));
		input_timeout(in);
		assert_false(input_next(in, &ev));
		input_feed(in, end + k, 6 - k);
		ev = next(in);
		assert_int_equal(ev.kind, INPUT_PASTE);
		assert_int_equal(ev.len, 6);
		assert_memory_equal(ev.text, "line\r\n", 6);
		assert_false(input_next(in, &ev));
		assert_false(input_pending(in));
		input_free(in);
	}
}

static void test_paste_abort(void **state)
{
	struct input *in = input_new();
	struct input_event ev;

	(void)state;
	input_paste_abort(in);                      /* no paste open: nothing */
	assert_false(input_next(in, &ev));

	input_feed(in, B("k\x1b[200~abc\x1b[20"));
	assert_int_equal(next(in).key, 'k');
	assert_false(input_next(in, &ev));
	input_paste_abort(in);
	assert_false(input_pending(in));
	/* Bytes fed after the abort are not part of the paste. */
	input_feed(in, B("1~x\x1b[A"));
	ev = next(in);
	assert_int_equal(ev.kind, INPUT_PASTE);
	assert_int_equal(ev.len, 7);
	assert_memory_equal(ev.text, "abc\x1b[20", 7);
	assert_int_equal(next(in).key, '1');
	assert_int_equal(next(in).key, '~');
	assert_int_equal(next(in).key, 'x');
	assert_int_equal(next(in).key, K_UP);
	assert_false(input_next(in, &ev));

	/* An aborted paste with nothing in it yet. */
	input_feed(in, B("\x1b[200~"));
	assert_false(input_next(in, &ev));
	input_paste_abort(in);
	input_paste_abort(in);
	ev = next(in);
	assert_int_equal(ev.kind, INPUT_PASTE);
	assert_int_equal(ev.len, 0);
	assert_non_null(ev.text);
	assert_false(input_next(in, &ev));
	assert_false(input_pending(in));
	input_free(in);
}

/* A long session: many reads of keys and pastes, drained as they come,
 * with sequences cut between reads; nothing is lost or left over. */
static void test_long_session(void **state)
{
	static const char chunk[] = "ab\x1b[A\x1b[200~p\x1b[201~\xC3\xA9\x1b" "b";
	struct input *in = input_new();
	struct input_event ev;
	size_t keys = 0, pastes = 0, cut = 0;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		/* Reads of varying length, so the cuts fall everywhere. */
		size_t n = (size_t)(i % 7) + 1;
		for (size_t done = 0; done < n; done++) {
			input_feed(in, chunk + cut, 1);
			cut = (cut + 1) % (sizeof(chunk) - 1);
		}
		while (input_next(in, &ev)) {
			if (ev.kind == INPUT_PASTE) {
				assert_int_equal(ev.len, 1);
				pastes++;
			} else {
				keys++;
			}
		}
	}
	/* 20000 reads of 1..7 bytes are 79997 bytes: 3636 whole chunks of 22
	 * (five keys and a paste each), then "ab\x1b[A". */
	assert_int_equal(sizeof(chunk) - 1, 22);
	assert_int_equal(cut, 5);
	assert_int_equal(pastes, 3636);
	assert_int_equal(keys, 5 * 3636 + 3);
	input_free(in);
}

/* Any byte stream gives the same events however it is cut into reads,
 * when no delay passes in between. */
static void test_chunking_random(void **state)
{
	static const char *const tokens[] = {
		"\x1b", "[", "O", "1", ";", "5", "~", "A", "D", "P", "2", "0", "200~", "201~",
		"\x1b[200~", "\x1b[201~", "a", "\xC3", "\xA9", "\xE2\x82", "\xFF", "\x7f", "\r", "\0",
		"[", "\x1b[1;5C",
	};
	unsigned seed = 4242;
	char stream[512];

	(void)state;
	for (int round = 0; round < 3000; round++) {
		struct input *whole = input_new(), *parts = input_new();
		struct input_event a, b;
		size_t n = 0, off = 0;
		int want[600], wn = 0, got = 0;

		while (n < sizeof(stream) - 16) {
			seed = seed * 1103515245u + 12345u;
			const char *t = tokens[(seed >> 16) % N(tokens)];
			size_t tl = t[0] ? strlen(t) : 1;
			memcpy(stream + n, t, tl);
			n += tl;
			if ((seed >> 8) % 40 == 0)
				break;
		}
		input_feed(whole, stream, n);
		while (input_next(whole, &a) && wn < 600)
			want[wn++] = a.kind == INPUT_PASTE ? -(int)a.len - 1 : a.key;
		while (off < n) {
			seed = seed * 1103515245u + 12345u;
			size_t k = (seed >> 16) % 9 + 1;
			if (k > n - off)
				k = n - off;
			input_feed(parts, stream + off, k);
			off += k;
			while (input_next(parts, &b)) {
				int v = b.kind == INPUT_PASTE ? -(int)b.len - 1 : b.key;
				if (got >= wn || want[got] != v)
					fail_msg("round %d: event %d differs", round, got);
				got++;
			}
		}
		assert_int_equal(got, wn);
		assert_int_equal(input_pending(whole), input_pending(parts));
		input_paste_abort(whole);
		input_paste_abort(parts);
		input_timeout(whole);
		input_timeout(parts);
		while (input_next(whole, &a)) {
			if (!input_next(parts, &b))
				fail_msg("round %d: a held event is missing", round);
			assert_int_equal(a.kind, b.kind);
			assert_int_equal(a.key, b.key);
			assert_int_equal(a.len, b.len);
		}
		assert_false(input_next(parts, &b));
		input_free(whole);
		input_free(parts);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_paste_big),
		cmocka_unit_test(test_paste_bytewise),
		cmocka_unit_test(test_paste_split_marker),
		cmocka_unit_test(test_paste_abort),
		cmocka_unit_test(test_long_session),
		cmocka_unit_test(test_chunking_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
