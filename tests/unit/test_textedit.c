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
#include "textedit.h"
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

/* Types s, a UTF-8 string, one code point a key. */
static void type(struct textedit *t, const char *s)
{
	while (*s) {
		unsigned char c = (unsigned char)*s;
		int key, n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		key = n == 1 ? c : c & (0x7f >> n);
		for (int i = 1; i < n; i++)
			key = (key << 6) | (s[i] & 0x3f);
		assert_int_equal(textedit_key(t, key == '\n' ? K_ENTER : key, 8), 1);
		s += n;
	}
}

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

/* Undoes once and checks the text, with '|' at the cursor. */
static void undo_to(struct textedit *t, const char *want)
{
	assert_int_equal(PRESS(t, K_CTRL('z')), 1);
	assert_marked(t, want, "after undo");
	assert_wrap_agrees(t, 8);
}

/* Typing undoes a word (with the spaces after it) at a time. */
static void test_undo_typing(void **state)
{
	struct textedit t;

	(void)state;
	textedit_init(&t, true, 0);
	assert_wrap_agrees(&t, 8);
	type(&t, "The quick  brown fox");
	undo_to(&t, "The quick  brown |");
	undo_to(&t, "The quick  |");
	undo_to(&t, "The |");
	undo_to(&t, "|");
	assert_int_equal(PRESS(&t, K_CTRL('z')), 0);
	assert_marked(&t, "|", "nothing left to undo");

	/* A newline ends the step it is typed in; Ctrl-_ undoes too. */
	type(&t, "Dear " SIAN ",\n\nThanks.\n");
	assert_int_equal(PRESS(&t, K_CTRL('_')), 1);
	assert_marked(&t, "Dear " SIAN ",\n\n|", "Ctrl-_");
	undo_to(&t, "Dear " SIAN ",\n|");
	undo_to(&t, "Dear |");
	undo_to(&t, "|");

	/* A move ends the step: typing inside a word is a step of its own. */
	type(&t, "Zo's");
	PRESS(&t, K_LEFT, K_LEFT);
	type(&t, "\xC3\xAB");
	assert_marked(&t, ZOE "|'s", "typed");
	undo_to(&t, "Zo|'s");
	undo_to(&t, "|");

	/* So does another kind of change. */
	type(&t, "abc");
	PRESS(&t, K_BACKSPACE);
	type(&t, "de");
	undo_to(&t, "ab|");
	undo_to(&t, "abc|");
	undo_to(&t, "|");
	textedit_free(&t);
}

/* Backspaces (and Deletes) undo a word at a time, the cursor going back
 * to where the run began. */
static void test_undo_deleting(void **state)
{
	struct textedit t;

	(void)state;
	textedit_init(&t, true, 0);
	set_marked(&t, "The quick brown|");
	assert_wrap_agrees(&t, 8);
	for (int i = 0; i < 11; i++)
		assert_int_equal(PRESS(&t, K_BACKSPACE), 1);
	assert_marked(&t, "The |", "backspaced");
	undo_to(&t, "The quick |");
	undo_to(&t, "The quick brown|");
	assert_int_equal(PRESS(&t, K_CTRL('z')), 0);

	set_marked(&t, "|" LUKASZ " and " SIAN);
	for (int i = 0; i < 11; i++)
		assert_int_equal(PRESS(&t, K_DELETE), 1);
	assert_marked(&t, "|" SIAN, "deleted");
	undo_to(&t, "|and " SIAN);
	undo_to(&t, "|" LUKASZ " and " SIAN);

	/* A newline is a step of its own, and joins the word before it. */
	set_marked(&t, "one\ntwo.\nthree|");
	for (int i = 0; i < 11; i++)
		PRESS(&t, K_BACKSPACE);
	assert_marked(&t, "one|", "backspaced lines");
	undo_to(&t, "one\n|");
	undo_to(&t, "one\ntwo.\n|");
	undo_to(&t, "one\ntwo.\nthree|");

	/* A Backspace after a move starts a new step. */
	set_marked(&t, "abcd|");
	PRESS(&t, K_BACKSPACE, K_LEFT, K_BACKSPACE);
	assert_marked(&t, "a|c", "two runs");
	undo_to(&t, "ab|c");
	undo_to(&t, "abcd|");
	textedit_free(&t);
}

static void test_undo_kill_yank(void **state)
{
	struct textedit t;

	(void)state;
	textedit_init(&t, true, 0);
	set_marked(&t, "Notes\nMet " SIAN " at ten|");
	assert_wrap_agrees(&t, 8);
	assert_int_equal(PRESS(&t, K_CTRL('u')), 1);
	assert_marked(&t, "Notes\n|", "killed");
	undo_to(&t, "Notes\nMet " SIAN " at ten|");

	/* Each kill is a step, even when the ring joins them. */
	PRESS(&t, K_CTRL('w'), K_CTRL('w'));
	assert_marked(&t, "Notes\nMet " SIAN " |", "two kills");
	undo_to(&t, "Notes\nMet " SIAN " at |");
	undo_to(&t, "Notes\nMet " SIAN " at ten|");

	/* Yank and yank-pop are a step each. */
	set_marked(&t, "one two|");
	PRESS(&t, K_ALT(K_BACKSPACE), K_LEFT, K_ALT(K_BACKSPACE), K_END, K_CTRL('y'), K_ALT('y'));
	assert_marked(&t, " two|", "yank-popped");
	undo_to(&t, " one|");
	undo_to(&t, " |");
	undo_to(&t, "one| ");
	undo_to(&t, "one two|");
	/* Undo does not take back the ring: what was killed can still be
	 * yanked, from where Alt-y left it. */
	assert_int_equal(PRESS(&t, K_CTRL('y')), 1);
	assert_marked(&t, "one twotwo|", "yanked after undo");

	/* Ctrl-K and Alt-d. */
	set_marked(&t, "ab|cd\nef");
	PRESS(&t, K_CTRL('k'), K_CTRL('k'), K_ALT('d'));
	assert_marked(&t, "ab|", "killed forward");
	undo_to(&t, "ab|ef");
	undo_to(&t, "ab|\nef");
	undo_to(&t, "ab|cd\nef");
	textedit_free(&t);
}

static void test_undo_paste(void **state)
{
	struct textedit t;

	(void)state;
	textedit_init(&t, true, 40);
	set_marked(&t, "Call | today");
	assert_wrap_agrees(&t, 8);
	type(&t, "with");
	assert_true(textedit_insert(&t, " " SIAN " and " LUKASZ, strlen(" " SIAN " and " LUKASZ)));
	assert_marked(&t, "Call with " SIAN " and " LUKASZ "| today", "pasted");
	assert_wrap_agrees(&t, 8);
	/* Typing after a paste is a step of its own. */
	type(&t, "!");
	undo_to(&t, "Call with " SIAN " and " LUKASZ "| today");
	undo_to(&t, "Call with| today");
	undo_to(&t, "Call | today");
	assert_int_equal(PRESS(&t, K_CTRL('z')), 0);

	/* Past the limit nothing goes in and nothing is recorded. */
	assert_false(textedit_insert(&t, "012345678901234567890123456789", 30));
	assert_marked(&t, "Call | today", "refused paste");
	assert_true(textedit_insert(&t, "", 0));
	assert_int_equal(PRESS(&t, K_CTRL('z')), 0);
	assert_true(textedit_insert(&t, "01234567890123456789012345678", 29));
	assert_int_equal(t.len, 40);
	undo_to(&t, "Call | today");
	textedit_free(&t);

	/* A single-line buffer takes a paste the same way. */
	textedit_init(&t, false, 0);
	assert_true(textedit_insert(&t, ZOE, strlen(ZOE)));
	assert_int_equal(t.chars, 3);
	undo_to(&t, "|");
	textedit_free(&t);
}

/* A change of each kind, one undo step each; undone one by one the texts
 * come back in order, down to the empty text, and the kept wrap always
 * agrees with a fresh one. */
struct step_script {
	const char *typed;      /* typed, or */
	const char *paste;      /* pasted, or */
	int keys[6];            /* pressed */
};

static const struct step_script undo_steps[] = {
	{"Call ", NULL, {0}},
	{"with ", NULL, {0}},
	{NULL, SIAN " and " LUKASZ " ", {0}},
	{"at ", NULL, {0}},
	{"10:15.\n", NULL, {0}},
	{NULL, NULL, {K_BACKSPACE, K_BACKSPACE, K_BACKSPACE}},
	{NULL, NULL, {K_ALT(K_BACKSPACE)}},
	{NULL, NULL, {K_CTRL('y')}},
	{NULL, NULL, {K_HOME, K_ALT('f'), K_ALT('d')}},
	{NULL, NULL, {K_ALT('d')}},
	{NULL, NULL, {K_HOME, K_CTRL('k')}},
	{NULL, NULL, {K_CTRL('y')}},
	{NULL, NULL, {K_ALT('y')}},
	{ZOE "'s\n", NULL, {0}},
	{NULL, NULL, {K_LEFT, K_HOME, K_RIGHT, K_DELETE, K_DELETE}},
	{NULL, NULL, {K_END, K_CTRL('w')}},
	{"\t", NULL, {0}},
};

static void test_undo_levels(void **state)
{
	size_t n = N(undo_steps);
	char *texts[N(undo_steps) + 1];
	size_t curs[N(undo_steps)];
	struct textedit t;

	(void)state;
	textedit_init(&t, true, 0);
	assert_wrap_agrees(&t, 8);
	texts[0] = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		const struct step_script *st = &undo_steps[i];
		bool changed = false;

		curs[i] = t.cur;
		if (st->typed) {
			type(&t, st->typed);
			changed = true;
		} else if (st->paste) {
			assert_true(textedit_insert(&t, st->paste, strlen(st->paste)));
			changed = true;
		}
		for (size_t k = 0; k < N(st->keys) && st->keys[k]; k++) {
			size_t before = t.cur;
			int rc = textedit_key(&t, st->keys[k], 8);

			if (rc == 1 && !changed)
				curs[i] = before;
			changed |= rc == 1;
		}
		if (!changed)
			fail_msg("step %zu changed nothing", i);
		assert_wrap_agrees(&t, 8);
		texts[i + 1] = xstrdup(t.buf);
	}
	for (size_t i = n; i-- > 0;) {
		assert_int_equal(PRESS(&t, K_CTRL('z')), 1);
		if (strcmp(t.buf, texts[i]))
			fail_msg("undoing step %zu: got \"%s\", want \"%s\"", i, t.buf, texts[i]);
		assert_int_equal(t.cur, curs[i]);
		assert_wrap_agrees(&t, 8);
		free(texts[i + 1]);
	}
	free(texts[0]);
	assert_int_equal(PRESS(&t, K_CTRL('z')), 0);
	assert_string_equal(textedit_text(&t), "");
	textedit_free(&t);
}

/* Random edits of every kind, undos among them: the kept wrap agrees with
 * a fresh one after every key, and undoing everything gives back the
 * text as it was set. */
static void test_undo_random(void **state)
{
	static const int pool[] = {
		'a', 'b', 'c', ' ', ' ', 0x754c /* 界 */, 0x301 /* combining acute */, 0xe9, '.',
		K_ENTER, K_TAB, K_BACKSPACE, K_BACKSPACE, K_DELETE, K_LEFT, K_RIGHT, K_UP, K_DOWN, K_HOME, K_END,
		K_CTRL('w'), K_CTRL('u'), K_CTRL('k'), K_ALT('d'), K_ALT(K_BACKSPACE), K_ALT('b'), K_ALT('f'),
		K_CTRL('y'), K_ALT('y'), K_ALT('y'), K_CTRL('z'), K_CTRL('z'), 0 /* a paste */,
	};
	static const char start[] = "Call with " ZOE " at 10:15.\nSupercalifragilistic word.";
	unsigned x = 7;

	(void)state;
	for (int round = 0; round < 20; round++) {
		struct textedit t;
		int width = 6 + round % 7;

		textedit_init(&t, true, 400);
		textedit_set(&t, start);
		assert_wrap_agrees(&t, width);
		for (int i = 0; i < 400; i++) {
			int key;

			x = x * 1103515245u + 12345u;
			key = pool[(x >> 16) % N(pool)];
			if (key)
				textedit_key(&t, key, width);
			else
				textedit_insert(&t, LUKASZ " ", strlen(LUKASZ " "));
			assert_wrap_agrees(&t, width);
			assert_true(t.cur <= t.len);
			assert_true(t.len <= 400);
		}
		while (textedit_key(&t, K_CTRL('z'), width) == 1)
			assert_wrap_agrees(&t, width);
		assert_string_equal(textedit_text(&t), start);
		textedit_free(&t);
	}
}

/* Setting the text forgets the history. */
static void test_history_reset(void **state)
{
	struct textedit t;

	(void)state;
	textedit_init(&t, true, 0);
	type(&t, "one three");
	PRESS(&t, K_CTRL('w'));
	textedit_set(&t, "new");
	assert_int_equal(PRESS(&t, K_CTRL('z')), 0);
	assert_int_equal(PRESS(&t, K_CTRL('y')), 0);
	assert_marked(&t, "new|", "after set");
	/* And it starts again. */
	type(&t, "er");
	undo_to(&t, "new|");
	textedit_free(&t);
}

static bool load_copy(const struct textedit *a, struct textedit *b, const char *blob, size_t n);

/* A 256 KiB note killed and yanked all day keeps no more than about a
 * MiB of undo (and a MiB of ring); so do a great many small steps. */
static void test_history_bound(void **state)
{
	enum { NOTE = 256 * 1024 };
	struct textedit t;
	char *note = xmalloc(NOTE + 1);
	int undos = 0;

	(void)state;
	for (size_t i = 0; i < NOTE; i++)
		note[i] = i % 64 == 63 ? ' ' : (char)('a' + i % 26);
	note[NOTE] = '\0';
	textedit_init(&t, false, NOTE);
	textedit_set(&t, note);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(PRESS(&t, K_CTRL('u')), 1);
		assert_int_equal(PRESS(&t, K_CTRL('y')), 1);
	}
	assert_string_equal(textedit_text(&t), note);
	/* Only the newest few kills are still there to undo... */
	while (PRESS(&t, K_CTRL('z')) == 1) {
		undos++;
		assert_true(!strcmp(t.buf, "") || !strcmp(t.buf, note));
	}
	assert_true(undos >= 4);
	assert_true(undos < 10);
	textedit_free(&t);

	/* A history at the bound saves and loads. */
	textedit_init(&t, false, NOTE);
	textedit_set(&t, note);
	for (int i = 0; i < 40; i++)
		PRESS(&t, K_CTRL('u'), K_CTRL('y'));
	{
		struct textedit b;
		struct sb blob = {0};

		textedit_history_save(&t, &blob);
		assert_true(blob.len < 2 * ((size_t)1 << 20) + 1024);
		assert_true(load_copy(&t, &b, blob.s, blob.len));
		while (PRESS(&t, K_CTRL('z')) == 1) {
			assert_int_equal(PRESS(&b, K_CTRL('z')), 1);
			assert_string_equal(t.buf, b.buf);
		}
		assert_int_equal(PRESS(&b, K_CTRL('z')), 0);
		textedit_free(&b);
		free(blob.s);
	}
	textedit_free(&t);
	free(note);

	/* ...and of fifty thousand words typed, only the newest steps. */
	textedit_init(&t, false, 0);
	for (int i = 0; i < 50000; i++)
		type(&t, "w ");
	undos = 0;
	while (PRESS(&t, K_CTRL('z')) == 1)
		undos++;
	assert_true(undos >= 10000);
	assert_true(undos < 50000);
	assert_int_equal(t.len, 2 * (50000 - undos));
	textedit_free(&t);

	/* As many steps as the bound holds save and load too. */
	textedit_init(&t, false, 0);
	for (int i = 0; i < 50000; i++)
		type(&t, "w ");
	{
		struct textedit b;
		struct sb blob = {0};
		int loaded = 0;

		textedit_history_save(&t, &blob);
		assert_true(load_copy(&t, &b, blob.s, blob.len));
		while (PRESS(&b, K_CTRL('z')) == 1)
			loaded++;
		assert_int_equal(loaded, undos);
		textedit_free(&b);
		free(blob.s);
	}
	textedit_free(&t);
}

/* Builds the session of undo_steps (every kind of change, and a ring of
 * several kills) in t, wrapped at width 8. */
static void build_session(struct textedit *t)
{
	textedit_init(t, true, 0);
	assert_wrap_agrees(t, 8);
	for (size_t i = 0; i < N(undo_steps); i++) {
		const struct step_script *st = &undo_steps[i];

		if (st->typed)
			type(t, st->typed);
		else if (st->paste)
			assert_true(textedit_insert(t, st->paste, strlen(st->paste)));
		for (size_t k = 0; k < N(st->keys) && st->keys[k]; k++)
			textedit_key(t, st->keys[k], 8);
	}
	/* One more kill in a run, and a move, so the ring has some depth. */
	PRESS(t, K_CTRL('u'), K_CTRL('u'), K_HOME);
}

/* Loads blob onto a fresh buffer with a's text; returns whether it took. */
static bool load_copy(const struct textedit *a, struct textedit *b, const char *blob, size_t n)
{
	textedit_init(b, a->multiline, a->max);
	textedit_set(b, textedit_text(a));
	assert_wrap_agrees(b, 8);
	return textedit_history_load(b, blob, n);
}

static void assert_history_empty(struct textedit *t)
{
	char *before = xstrdup(textedit_text(t));

	assert_int_equal(PRESS(t, K_CTRL('z')), 0);
	assert_int_equal(PRESS(t, K_CTRL('y')), 0);
	assert_string_equal(textedit_text(t), before);
	free(before);
}

/* Saved and loaded onto the same text, the history undoes exactly as the
 * original does, step by step, and yanks the same ring. */
static void test_history_round_trip(void **state)
{
	struct textedit a, b;
	struct sb blob = {0}, again = {0};
	int steps = 0;

	(void)state;
	build_session(&a);
	textedit_history_save(&a, &blob);
	assert_true(load_copy(&a, &b, blob.s, blob.len));
	/* Saving what was loaded gives the same bytes. */
	textedit_history_save(&b, &again);
	assert_int_equal(again.len, blob.len);
	assert_memory_equal(again.s, blob.s, blob.len);
	for (;;) {
		int ra = textedit_key(&a, K_CTRL('z'), 8), rb = textedit_key(&b, K_CTRL('z'), 8);

		assert_int_equal(ra, rb);
		assert_string_equal(a.buf, b.buf);
		assert_int_equal(a.cur, b.cur);
		assert_wrap_agrees(&b, 8);
		if (ra == 0)
			break;
		steps++;
	}
	assert_true(steps > 15);
	assert_string_equal(textedit_text(&b), "");
	/* The ring, and where Ctrl-Y stands in it, came across too. */
	for (int i = 0; i < 6; i++) {
		int key = i ? K_ALT('y') : K_CTRL('y');

		assert_int_equal(textedit_key(&a, key, 8), textedit_key(&b, key, 8));
		assert_string_equal(a.buf, b.buf);
	}
	textedit_free(&a);
	textedit_free(&b);
	free(blob.s);
	free(again.s);

	/* An empty history, and one of a buffer never touched, load as empty. */
	textedit_init(&a, false, 0);
	blob = (struct sb){0};
	textedit_history_save(&a, &blob);
	assert_true(load_copy(&a, &b, blob.s, blob.len));
	assert_history_empty(&b);
	textedit_free(&b);
	textedit_set(&a, "kept");
	free(blob.s);
	blob = (struct sb){0};
	textedit_history_save(&a, &blob);
	assert_true(load_copy(&a, &b, blob.s, blob.len));
	assert_history_empty(&b);
	textedit_free(&a);
	textedit_free(&b);
	free(blob.s);
}

/* The case the saved history is for: a stray Ctrl-U just before the
 * autosave, then a crash; the draft's text and history bring it back. */
static void test_history_after_crash(void **state)
{
	static const char note[] = "Spoke to " SIAN " (school nurse): she disagrees with the threshold decision.";
	struct textedit a, b;
	struct sb blob = {0};
	char *draft;

	(void)state;
	textedit_init(&a, true, 256 * 1024);
	type(&a, note);
	/* Typing is cheap to keep: a few bytes a word. */
	textedit_history_save(&a, &blob);
	assert_true(blob.len < 4 * 12 + 32);
	free(blob.s);
	blob = (struct sb){0};
	assert_int_equal(PRESS(&a, K_CTRL('u')), 1);
	draft = xstrdup(textedit_text(&a));
	textedit_history_save(&a, &blob);
	textedit_free(&a);

	textedit_init(&b, true, 256 * 1024);
	textedit_set(&b, draft);
	assert_true(textedit_history_load(&b, blob.s, blob.len));
	assert_int_equal(PRESS(&b, K_CTRL('z')), 1);
	assert_string_equal(textedit_text(&b), note);
	textedit_free(&b);
	free(draft);
	free(blob.s);
}

/* Whatever the blob, a refused load leaves no history and never reads
 * outside the blob: truncated at every length, any byte flipped. */
static void test_history_load_damaged(void **state)
{
	static const unsigned char flips[] = {0x01, 0x80, 0xff};
	struct textedit a, b;
	struct sb blob = {0};
	char *copy;

	(void)state;
	build_session(&a);
	textedit_history_save(&a, &blob);
	for (size_t n = 0; n < blob.len; n++) {
		/* A copy of exactly n bytes, so ASan sees any read past it. */
		copy = xmalloc(n ? n : 1);
		memcpy(copy, blob.s, n);
		if (load_copy(&a, &b, copy, n))
			fail_msg("a blob cut to %zu of %zu bytes loaded", n, blob.len);
		assert_history_empty(&b);
		textedit_free(&b);
		free(copy);
	}
	copy = xmalloc(blob.len);
	for (size_t i = 0; i < blob.len; i++) {
		for (size_t f = 0; f < N(flips); f++) {
			memcpy(copy, blob.s, blob.len);
			copy[i] ^= (char)flips[f];
			if (load_copy(&a, &b, copy, blob.len))
				fail_msg("a blob with byte %zu flipped by %#x loaded", i, flips[f]);
			assert_history_empty(&b);
			textedit_free(&b);
		}
	}
	free(copy);
	assert_false(load_copy(&a, &b, NULL, 0));
	textedit_free(&b);

	/* For another text, or a buffer that takes no newlines: refused. */
	textedit_init(&b, true, 0);
	textedit_set(&b, "another text");
	assert_false(textedit_history_load(&b, blob.s, blob.len));
	assert_history_empty(&b);
	textedit_free(&b);
	textedit_init(&b, false, 0);
	textedit_set(&b, textedit_text(&a));
	assert_false(textedit_history_load(&b, blob.s, blob.len));
	assert_history_empty(&b);
	textedit_free(&b);

	/* A load over a history replaces it; a refused one leaves none. */
	assert_true(load_copy(&a, &b, blob.s, blob.len));
	assert_false(textedit_history_load(&b, blob.s, blob.len - 1));
	assert_history_empty(&b);
	textedit_free(&b);
	textedit_free(&a);
	free(blob.s);
}

/* Blobs made by hand, sealed with a correct hash, so that it is the
 * checks of lengths and offsets that must refuse them. */
static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static void put_num(struct sb *b, uint64_t v)
{
	do {
		char c = (char)(v & 0x7f);

		v >>= 7;
		if (v)
			c |= (char)0x80;
		sb_appendn(b, &c, 1);
	} while (v);
}

static void put_u64(struct sb *b, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		char c = (char)(v >> (8 * i));

		sb_appendn(b, &c, 1);
	}
}

static void put_raw(struct sb *b, const char *s, size_t n)
{
	sb_appendn(b, s, n);
}

/* What follows the header, in put_num / put_raw calls: a tiny language
 * so each case reads as the blob it is.  N(v) a number, S("..") bytes. */
enum { END, NUM, STR, RAW };
struct piece {
	int kind;
	uint64_t v;
	const char *s;
};
#define NUMP(v) {NUM, (v), NULL}
#define STRP(s) {STR, sizeof(s) - 1, (s)}
#define RAWP(s) {RAW, sizeof(s) - 1, (s)}

struct crafted {
	const char *why;
	bool ok;
	struct piece body[16];
};

static void craft(struct sb *b, const char *text, unsigned version, const struct piece *p)
{
	put_raw(b, "TEDH", 4);
	put_raw(b, (const char[]){(char)version}, 1);
	put_num(b, strlen(text));
	put_u64(b, fnv1a(text, strlen(text)));
	for (; p->kind != END; p++) {
		if (p->kind == NUM)
			put_num(b, p->v);
		else if (p->kind == STR) {
			put_num(b, p->v);
			put_raw(b, p->s, (size_t)p->v);
		} else {
			put_raw(b, p->s, (size_t)p->v);
		}
	}
	put_u64(b, fnv1a(b->s, b->len));
}

static void test_history_load_crafted(void **state)
{
	/* The text is "ab" SIAN; a step is at, ins, cur, then the deleted text. */
	static const char text[] = "ab" SIAN;
	static const struct crafted cases[] = {
		{"valid: no steps, no ring", true, {NUMP(0), NUMP(0), NUMP(0)}},
		{"valid: a kill of \"x\" at 1", true, {NUMP(1), NUMP(1), NUMP(0), NUMP(2), STRP("x"), NUMP(0), NUMP(0)}},
		{"valid: typing \"ab\"", true, {NUMP(1), NUMP(0), NUMP(2), NUMP(0), STRP(""), NUMP(0), NUMP(0)}},
		{"valid: a ring", true, {NUMP(0), NUMP(2), NUMP(1), STRP("one"), STRP(ZOE)}},
		{"a step of nothing", false, {NUMP(1), NUMP(1), NUMP(0), NUMP(1), STRP(""), NUMP(0), NUMP(0)}},
		{"valid: a kill at the end", true, {NUMP(1), NUMP(7), NUMP(0), NUMP(8), STRP("x"), NUMP(0), NUMP(0)}},
		{"at past the end", false, {NUMP(1), NUMP(8), NUMP(0), NUMP(8), STRP("x"), NUMP(0), NUMP(0)}},
		{"at + ins past the end", false, {NUMP(1), NUMP(2), NUMP(6), NUMP(0), STRP(""), NUMP(0), NUMP(0)}},
		{"at + ins wrapping round", false,
		 {NUMP(1), NUMP(2), NUMP(UINT64_MAX / 2), NUMP(0), STRP(""), NUMP(0), NUMP(0)}},
		{"a huge at", false, {NUMP(1), NUMP(UINT64_MAX), NUMP(0), NUMP(0), STRP("x"), NUMP(0), NUMP(0)}},
		{"inside a character", false, {NUMP(1), NUMP(5), NUMP(0), NUMP(5), STRP("x"), NUMP(0), NUMP(0)}},
		{"ins ending inside a character", false,
		 {NUMP(1), NUMP(2), NUMP(3), NUMP(2), STRP(""), NUMP(0), NUMP(0)}},
		{"the cursor past the end", false, {NUMP(1), NUMP(0), NUMP(0), NUMP(9), STRP("x"), NUMP(0), NUMP(0)}},
		{"the cursor inside a character", false,
		 {NUMP(1), NUMP(0), NUMP(0), NUMP(1), STRP("\xC3\xA9"), NUMP(0), NUMP(0)}},
		{"deleted text not UTF-8", false, {NUMP(1), NUMP(0), NUMP(0), NUMP(0), STRP("\xC3"), NUMP(0), NUMP(0)}},
		{"deleted text with a NUL", false, {NUMP(1), NUMP(0), NUMP(0), NUMP(0), STRP("a\0b"), NUMP(0), NUMP(0)}},
		{"deleted text with an escape", false,
		 {NUMP(1), NUMP(0), NUMP(0), NUMP(0), STRP("\x1b[2J"), NUMP(0), NUMP(0)}},
		{"deleted text with a C1 control", false,
		 {NUMP(1), NUMP(0), NUMP(0), NUMP(0), STRP("\xC2\x9B"), NUMP(0), NUMP(0)}},
		{"a huge offset", false, {NUMP(1), NUMP(1ull << 40), NUMP(0), NUMP(0), STRP("x"), NUMP(0), NUMP(0)}},
		{"a deleted length of a terabyte", false, {NUMP(1), NUMP(0), NUMP(0), NUMP(0), NUMP(1ull << 40), RAWP("x")}},
		{"a huge deleted length", false, {NUMP(1), NUMP(0), NUMP(0), NUMP(0), NUMP(UINT64_MAX), RAWP("x")}},
		{"a deleted length past the blob", false, {NUMP(1), NUMP(0), NUMP(0), NUMP(0), NUMP(50), RAWP("xyz")}},
		{"a huge step count", false, {NUMP(UINT64_MAX), NUMP(0), NUMP(0), NUMP(0), STRP("x")}},
		{"more steps than there are", false, {NUMP(3), NUMP(0), NUMP(0), NUMP(0), STRP("x"), NUMP(0), NUMP(0)}},
		{"an eleven-byte number", false, {NUMP(0), RAWP("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), NUMP(0)}},
		{"a number past 64 bits", false, {NUMP(0), RAWP("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02"), NUMP(0)}},
		{"a number not minimal", false, {RAWP("\x80\x00"), NUMP(0), NUMP(0)}},
		{"a number cut off", false, {NUMP(0), NUMP(0), RAWP("\x80")}},
		{"seventeen ring entries", false, {NUMP(0), NUMP(17), NUMP(0), STRP("a")}},
		{"a yank past the ring", false, {NUMP(0), NUMP(1), NUMP(1), STRP("a")}},
		{"a yank in an empty ring", false, {NUMP(0), NUMP(0), NUMP(1)}},
		{"an empty ring entry", false, {NUMP(0), NUMP(1), NUMP(0), STRP("")}},
		{"a ring entry not UTF-8", false, {NUMP(0), NUMP(1), NUMP(0), STRP("\xFF")}},
		{"a huge ring entry", false, {NUMP(0), NUMP(1), NUMP(0), NUMP(UINT64_MAX / 4), RAWP("a")}},
		{"bytes left over", false, {NUMP(0), NUMP(0), NUMP(0), RAWP("!")}},
		{"the ring missing", false, {NUMP(0)}},
	};
	struct textedit t;

	(void)state;
	textedit_init(&t, true, 0);
	for (size_t i = 0; i < N(cases); i++) {
		struct sb b = {0};
		char *copy;

		craft(&b, text, 1, cases[i].body);
		copy = xmalloc(b.len);
		memcpy(copy, b.s, b.len);
		textedit_set(&t, text);
		if (textedit_history_load(&t, copy, b.len) != cases[i].ok)
			fail_msg("%s: %s", cases[i].why, cases[i].ok ? "refused" : "loaded");
		if (!cases[i].ok)
			assert_history_empty(&t);
		/* Whatever loaded, undoing it stays inside valid text. */
		while (textedit_key(&t, K_CTRL('z'), 8) == 1)
			assert_true(t.cur <= t.len);
		free(copy);
		free(b.s);
	}
	/* Another version, or a newline where the buffer takes none. */
	{
		static const struct piece empty[] = {NUMP(0), NUMP(0), NUMP(0), {END, 0, NULL}};
		static const struct piece newline[] = {NUMP(1), NUMP(0), NUMP(0), NUMP(0), STRP("\n"), NUMP(0),
						       NUMP(0), {END, 0, NULL}};
		struct sb b = {0};

		craft(&b, text, 2, empty);
		textedit_set(&t, text);
		assert_false(textedit_history_load(&t, b.s, b.len));
		free(b.s);
		b = (struct sb){0};
		craft(&b, text, 1, newline);
		assert_true(textedit_history_load(&t, b.s, b.len));
		textedit_free(&t);
		textedit_init(&t, false, 0);
		textedit_set(&t, text);
		assert_false(textedit_history_load(&t, b.s, b.len));
		free(b.s);
	}
	textedit_free(&t);
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
		cmocka_unit_test(test_undo_typing),
		cmocka_unit_test(test_undo_deleting),
		cmocka_unit_test(test_undo_kill_yank),
		cmocka_unit_test(test_undo_paste),
		cmocka_unit_test(test_undo_levels),
		cmocka_unit_test(test_undo_random),
		cmocka_unit_test(test_history_reset),
		cmocka_unit_test(test_history_bound),
		cmocka_unit_test(test_history_round_trip),
		cmocka_unit_test(test_history_after_crash),
		cmocka_unit_test(test_history_load_damaged),
		cmocka_unit_test(test_history_load_crafted),
		cmocka_unit_test(test_not_editing_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
