/* Unit tests for the text buffer's editing keys: word moves, kills and yanks, undo, and the saved undo history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/keys.h"
#include "dispute/textedit.h"
#include "dispute/util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SIAN "Si\xC3\xA2n"          /* Siân */
#define ZOE "Zo\xC3\xAB"            /* Zoë */
#define LUKASZ "\xC5\x81ukasz"      /* Łukasz */

/* Sets the text from s, where a '|' marks the cursor (at the end if none). */
static void set_marked(struct textedit *t, const char *s)
{
	const char *bar = strchr(s, '|');
	char *plain = xstrdup(s);

	if (bar)
		memmove(plain + (bar - s), plain + (bar - s) + 1, strlen(bar));
	textedit_set(t, plain);
	if (bar)
		t->cur = (size_t)(bar - s);
	free(plain);
}

/* The text with a '|' at the cursor; caller frees. */
static char *marked(const struct textedit *t)
{
	char *s = xmalloc(t->len + 2);

	memcpy(s, t->buf, t->cur);
	s[t->cur] = '|';
	memcpy(s + t->cur + 1, t->buf + t->cur, t->len - t->cur + 1);
	return s;
}

static void assert_marked(const struct textedit *t, const char *want, const char *what)
{
	char *got = marked(t);

	if (strcmp(got, want))
		fail_msg("%s: got \"%s\", want \"%s\"", what, got, want);
	free(got);
}

/* The kept wrap lines and character count agree with a fresh wrap. */
static void assert_wrap_agrees(struct textedit *t, int width)
{
	const struct wrap_line *kept;
	struct wrap_line *fresh;
	size_t nk = textedit_lines(t, width, &kept), nf, chars = 0;

	nf = text_wrap(t->buf, t->len, width, &fresh);
	assert_int_equal(nk, nf);
	assert_memory_equal(kept, fresh, nf * sizeof(*fresh));
	free(fresh);
	for (size_t i = 0; i < t->len; i++)
		chars += ((unsigned char)t->buf[i] & 0xc0) != 0x80;
	assert_int_equal(chars, t->chars);
	assert_int_equal(t->buf[t->len], '\0');
}

/* Presses keys (up to K_NONE) and returns what the last one returned. */
static int press_keys(struct textedit *t, const int *keys)
{
	int rc = -1;

	for (; *keys != K_NONE; keys++)
		rc = textedit_key(t, *keys, 8);
	return rc;
}
#define PRESS(t, ...) press_keys((t), (const int[]){__VA_ARGS__, K_NONE})

struct key_case {
	const char *before;     /* '|' marks the cursor */
	int key;
	int rc;
	const char *after;
};

static void run_key_cases(const struct key_case *c, size_t n, bool multiline)
{
	struct textedit t;

	textedit_init(&t, multiline, 0);
	for (size_t i = 0; i < n; i++) {
		char what[64];
		int rc;

		snprintf(what, sizeof(what), "case %zu", i);
		set_marked(&t, c[i].before);
		/* Wrapped first, so the key must keep the kept lines right. */
		assert_wrap_agrees(&t, 8);
		rc = textedit_key(&t, c[i].key, 8);
		if (rc != c[i].rc)
			fail_msg("%s: returned %d, want %d", what, rc, c[i].rc);
		assert_marked(&t, c[i].after, what);
		assert_wrap_agrees(&t, 8);
	}
	textedit_free(&t);
}

static void test_word_moves(void **state)
{
	static const struct key_case cases[] = {
		{"one two|", K_ALT('b'), 0, "one |two"},
		{"one tw|o", K_ALT('b'), 0, "one |two"},
		{"one |two", K_ALT('b'), 0, "|one two"},
		{"one   |two", K_ALT('b'), 0, "|one   two"},
		{"|one", K_ALT('b'), 0, "|one"},
		{"one two|", K_CLEFT, 0, "one |two"},
		{"one two|", K_ALT('B'), 0, "one |two"},
		{"|one two", K_ALT('f'), 0, "one| two"},
		{"one| two", K_ALT('f'), 0, "one two|"},
		{"o|ne two", K_CRIGHT, 0, "one| two"},
		{"|one two", K_ALT('F'), 0, "one| two"},
		{"one two|", K_ALT('f'), 0, "one two|"},
		{"", K_ALT('f'), 0, "|"},
		{"", K_ALT('b'), 0, "|"},
		/* Letters beyond ASCII belong to the word, whatever their bytes. */
		{"Call " SIAN "|", K_ALT('b'), 0, "Call |" SIAN},
		{"Call S|i\xC3\xA2n", K_ALT('f'), 0, "Call " SIAN "|"},
		{"|" LUKASZ " will", K_ALT('f'), 0, LUKASZ "| will"},
		{LUKASZ "|", K_CLEFT, 0, "|" LUKASZ},
		{"and " ZOE "'s|", K_ALT('b'), 0, "and " ZOE "'|s"},
		{"and " ZOE "'|s", K_ALT('b'), 0, "and |" ZOE "'s"},
		{"and |" ZOE "'s note", K_ALT('f'), 0, "and " ZOE "|'s note"},
		{"and " ZOE "|'s note", K_ALT('f'), 0, "and " ZOE "'s| note"},
		{"e\xCC\x81t\xC3\xA9|", K_ALT('b'), 0, "|e\xCC\x81t\xC3\xA9"},  /* combining acute */
		/* Punctuation and digits. */
		{"(see 10:15)|", K_ALT('b'), 0, "(see 10:|15)"},
		{"(see 10:|15)", K_ALT('b'), 0, "(see |10:15)"},
		{"|(see 10:15)", K_ALT('f'), 0, "(see| 10:15)"},
		{"a -- |b", K_ALT('b'), 0, "|a -- b"},
		{"a|.,;b", K_CRIGHT, 0, "a.,;b|"},
		/* Newlines are not words: moves cross them. */
		{"first\n\n|second", K_ALT('b'), 0, "|first\n\nsecond"},
		{"first|\n\nsecond", K_ALT('f'), 0, "first\n\nsecond|"},
		{"end.\n|", K_CLEFT, 0, "|end.\n"},
	};

	(void)state;
	run_key_cases(cases, N(cases), true);
}

static void test_kills(void **state)
{
	static const struct key_case cases[] = {
		/* Ctrl-W: back to the space before the word, punctuation and all. */
		{"one two|", K_CTRL('w'), 1, "one |"},
		{"one two  |", K_CTRL('w'), 1, "one |"},
		{"one path/to/file|", K_CTRL('w'), 1, "one |"},
		{"one tw|o", K_CTRL('w'), 1, "one |o"},
		{"a\nb|", K_CTRL('w'), 1, "a\n|"},
		{"|one", K_CTRL('w'), 0, "|one"},
		{"Call " SIAN "|", K_CTRL('w'), 1, "Call |"},
		/* Alt-Backspace: back to the start of the word. */
		{"one two|", K_ALT(K_BACKSPACE), 1, "one |"},
		{"one two.,|", K_ALT(K_BACKSPACE), 1, "one |"},
		{"one path/to/file|", K_ALT(K_DEL), 1, "one path/to/|"},
		{"Zo\xC3\xAB's|", K_ALT(K_CTRL('h')), 1, ZOE "'|"},
		{"and " LUKASZ "|", K_ALT(K_BACKSPACE), 1, "and |"},
		{"first\n|second", K_ALT(K_BACKSPACE), 1, "|second"},
		{"|one", K_ALT(K_BACKSPACE), 0, "|one"},
		/* Alt-d: forward to the end of the word. */
		{"|one two", K_ALT('d'), 1, "| two"},
		{"one| two", K_ALT('d'), 1, "one|"},
		{"o|ne two", K_ALT('d'), 1, "o| two"},
		{"|" SIAN "'s", K_ALT('d'), 1, "|'s"},
		{"a|  , two", K_ALT('d'), 1, "a|"},
		{"one|", K_ALT('d'), 0, "one|"},
		/* Ctrl-K: to the end of the line; at its end, the newline. */
		{"ab|cd\nef", K_CTRL('k'), 1, "ab|\nef"},
		{"ab|\nef", K_CTRL('k'), 1, "ab|ef"},
		{"|ab", K_CTRL('k'), 1, "|"},
		{"ab|", K_CTRL('k'), 0, "ab|"},
		/* Ctrl-U: back to the start of the line. */
		{"ab\ncd|ef", K_CTRL('u'), 1, "ab\n|ef"},
		{"abc|", K_CTRL('u'), 1, "|"},
		{"ab\n|cd", K_CTRL('u'), 0, "ab\n|cd"},
	};

	(void)state;
	run_key_cases(cases, N(cases), true);
}

struct script_case {
	const char *before;
	int keys[24];           /* up to K_NONE (or 0) */
	int rc;                 /* of the last key */
	const char *after;
};

static void run_scripts(const struct script_case *c, size_t n, size_t max)
{
	for (size_t i = 0; i < n; i++) {
		struct textedit t;
		char what[64];
		int rc = -1;

		snprintf(what, sizeof(what), "script %zu", i);
		textedit_init(&t, true, max);
		set_marked(&t, c[i].before);
		assert_wrap_agrees(&t, 8);
		for (size_t k = 0; k < N(c[i].keys) && c[i].keys[k] && c[i].keys[k] != K_NONE; k++) {
			rc = textedit_key(&t, c[i].keys[k], 8);
			assert_wrap_agrees(&t, 8);
		}
		if (rc != c[i].rc)
			fail_msg("%s: last key returned %d, want %d", what, rc, c[i].rc);
		assert_marked(&t, c[i].after, what);
		textedit_free(&t);
	}
}

static void test_kill_ring(void **state)
{
	static const struct script_case cases[] = {
		/* Kills straight after kills make one entry, in text order. */
		{"one two three|", {K_CTRL('w'), K_CTRL('w'), K_CTRL('y')}, 1, "one two three|"},
		{"one two three|", {K_CTRL('w'), K_CTRL('w'), K_END, K_CTRL('y')}, 1, "one two three|"},
		{"|one two three", {K_ALT('d'), K_ALT('d'), K_END, K_CTRL('y')}, 1, " threeone two|"},
		{"a|bc\ndef", {K_CTRL('k'), K_CTRL('k'), K_CTRL('k'), K_CTRL('y')}, 1, "abc\ndef|"},
		{"one two three|", {K_ALT(K_BACKSPACE), K_CTRL('w'), K_CTRL('y')}, 1, "one two three|"},
		/* Backward then forward: one entry, each end in its place. */
		{"ab|cd", {K_CTRL('u'), K_CTRL('k'), K_CTRL('y')}, 1, "abcd|"},
		/* Killing nothing does not break the run. */
		{"x ab|", {K_CTRL('w'), K_CTRL('k'), K_CTRL('w'), K_CTRL('y')}, 1, "x ab|"},
		/* A move in between starts a new entry: Ctrl-Y gives the last. */
		{"one two three|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_END, K_CTRL('y')}, 1, "one  two|"},
		{"one two three|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_END, K_CTRL('y'), K_ALT('y')}, 1,
		 "one  three|"},
		/* Alt-y goes round the ring. */
		{"a b c|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y')}, 1, "a|  "},
		{"a b c|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y'), K_ALT('y')}, 1, "b|  "},
		{"a b c|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y'), K_ALT('y'),
		 K_ALT('y')}, 1, "c|  "},
		{"a b c|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y'), K_ALT('y'),
		 K_ALT('y'), K_ALT('y')}, 1, "a|  "},
		/* Ctrl-Y after Alt-y yanks the entry Alt-y reached. */
		{"a b c|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y'), K_ALT('y'),
		 K_CTRL('y')}, 1, "bb|  "},
		/* A new kill brings Ctrl-Y back to the newest entry. */
		{"a b c|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y'), K_ALT('y'), K_END, K_CTRL('w'),
		 K_CTRL('y')}, 1, "a c |"},
		/* Alt-y only straight after a yank. */
		{"one two|", {K_ALT('y')}, 0, "one two|"},
		{"one two|", {K_CTRL('w'), K_ALT('y')}, 0, "one |"},
		{"a b|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y'), 'x', K_ALT('y')}, 0, "ax| "},
		{"a b|", {K_CTRL('w'), K_LEFT, K_CTRL('w'), K_CTRL('y'), K_LEFT, K_ALT('y')}, 0, "|a "},
		/* One entry: nothing to swap in. */
		{"one two|", {K_CTRL('w'), K_CTRL('y'), K_ALT('y')}, 0, "one two|"},
		/* An empty ring yanks nothing. */
		{"one|", {K_CTRL('y')}, 0, "one|"},
		/* Delete and Backspace do not kill. */
		{"ab|", {K_BACKSPACE, K_CTRL('y')}, 0, "a|"},
	};

	(void)state;
	run_scripts(cases, N(cases), 0);
}

/* The ring keeps the sixteen newest kills and goes round them. */
static void test_kill_ring_size(void **state)
{
	struct textedit t;
	struct sb all = {0};
	char want[32];

	(void)state;
	textedit_init(&t, false, 0);
	for (int i = 0; i < 20; i++)
		sb_printf(&all, "%sw%d", i ? " " : "", i);
	textedit_set(&t, all.s);
	free(all.s);
	/* Killed one by one from the end, with a move between so that each
	 * is an entry of its own: w0 is the newest. */
	for (int i = 19; i >= 0; i--) {
		assert_int_equal(PRESS(&t, K_CTRL('w')), 1);
		assert_int_equal(PRESS(&t, K_LEFT), 0);
	}
	assert_int_equal(PRESS(&t, K_CTRL('y')), 1);
	assert_string_equal(textedit_text(&t), "w0                   ");
	for (int i = 1; i < 16; i++) {
		assert_int_equal(PRESS(&t, K_ALT('y')), 1);
		snprintf(want, sizeof(want), "w%d%19s", i, "");
		assert_string_equal(textedit_text(&t), want);
	}
	assert_int_equal(PRESS(&t, K_ALT('y')), 1);
	assert_string_equal(textedit_text(&t), "w0                   ");
	textedit_free(&t);
}

/* A yank that would pass the limit is refused; Alt-y passes over it. */
static void test_yank_limit(void **state)
{
	static const struct script_case cases[] = {
		{"abcdef|", {K_CTRL('u'), 'x', 'y', 'z', K_CTRL('y')}, 0, "xyz|"},
		{"abcdef|", {K_CTRL('u'), 'a', ' ', 'b', K_CTRL('w'), K_CTRL('y'), K_CTRL('y')}, 1, "a bb|"},
		{"abcdef|", {K_CTRL('u'), 'a', ' ', 'b', K_CTRL('w'), K_LEFT, K_CTRL('w'), 'c', 'd', 'e', 'f', K_CTRL('y'),
		 K_ALT('y')}, 1, "cdefb| "},
		{"abcdef|", {K_CTRL('u'), 'a', ' ', 'b', K_CTRL('w'), K_LEFT, K_CTRL('w'), 'c', 'd', 'e', 'f', K_CTRL('y'),
		 K_ALT('y'), K_ALT('y')}, 1, "cdefa| "},
	};

	(void)state;
	run_scripts(cases, N(cases), 6);
}

/* Keys the buffer leaves to its caller. */
static void test_not_editing_keys(void **state)
{
	static const struct key_case cases[] = {
		{"ab|c", K_INSERT, -1, "ab|c"},
		{"ab|c", K_ALT('x'), -1, "ab|c"},
		{"ab|c", K_ALT(K_LEFT), -1, "ab|c"},
		{"ab|c", K_F(3), -1, "ab|c"},
		{"ab|c", K_ESC, -1, "ab|c"},
		{"ab|c", K_CTRL('s'), -1, "ab|c"},
	};

	(void)state;
	run_key_cases(cases, N(cases), true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_moves),
		cmocka_unit_test(test_kills),
		cmocka_unit_test(test_kill_ring),
		cmocka_unit_test(test_kill_ring_size),
		cmocka_unit_test(test_yank_limit),
		cmocka_unit_test(test_not_editing_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
