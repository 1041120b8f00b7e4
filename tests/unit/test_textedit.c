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
		cmocka_unit_test(test_not_editing_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
