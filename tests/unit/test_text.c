/* Unit tests for UTF-8 validation, sanitizing, paste cleaning, folding for matching, display width and fitting text to columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FFFD "\xEF\xBF\xBD"
#define NAMES "Si\xC3\xA2n Zo\xC3\xAB \xC5\x81ukasz"  /* Siân Zoë Łukasz */

static void test_utf8_valid(void **state)
{
	static const struct {
		const char *s;
		size_t len;       /* 0: strlen */
		bool ok;
		size_t bad;
	} cases[] = {
		{"", 0, true, 0},
		{"plain ASCII", 0, true, 0},
		{NAMES, 0, true, 0},
		{"\xE6\x97\xA5\xE6\x9C\xAC", 0, true, 0},             /* 日本 */
		{"\xF0\x9F\x98\x80", 0, true, 0},                     /* U+1F600 */
		{"\xEF\xBF\xBF", 0, true, 0},                         /* U+FFFF */
		{"\xF4\x8F\xBF\xBF", 0, true, 0},                     /* U+10FFFF */
		{"a\0b", 3, true, 0},
		{"\xC0\xAF", 0, false, 0},                            /* overlong '/' */
		{"\xC1\xBF", 0, false, 0},
		{"\xE0\x80\xAF", 0, false, 0},
		{"a\xE0\x9F\xBF", 0, false, 1},                       /* overlong U+07FF */
		{"\xF0\x80\x80\xAF", 0, false, 0},
		{"\xF0\x8F\xBF\xBF", 0, false, 0},                    /* overlong U+FFFF */
		{"\xED\xA0\x80", 0, false, 0},                        /* surrogate U+D800 */
		{"ab\xED\xBF\xBF", 0, false, 2},                      /* surrogate U+DFFF */
		{"abc\xE2\x82", 0, false, 3},                         /* truncated */
		{"\xF0\x9F\x98", 0, false, 0},
		{"x\xC3", 0, false, 1},
		{"\xE2\x82\xAC", 2, false, 0},                        /* cut by len */
		{"a\x80" "b", 0, false, 1},                           /* stray continuation */
		{"\xE2\x28\xA1", 0, false, 0},                        /* interrupted */
		{"\xF4\x90\x80\x80", 0, false, 0},                    /* above U+10FFFF */
		{"\xF5\x80\x80\x80", 0, false, 0},
		{"ok\xFF", 0, false, 2},
		{"\xFE", 0, false, 0},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
		size_t bad = 999;
		if (utf8_valid(cases[i].s, len, &bad) != cases[i].ok)
			fail_msg("case %zu: want %s", i, cases[i].ok ? "valid" : "invalid");
		if (!cases[i].ok && bad != cases[i].bad)
			fail_msg("case %zu: bad offset %zu, want %zu", i, bad, cases[i].bad);
		assert_int_equal(utf8_valid(cases[i].s, len, NULL), cases[i].ok);
	}
}

static void test_utf8_decode(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		unsigned cp;
		size_t n;
	} cases[] = {
		{"A", 1, 0x41, 1},
		{"\xC3\xA9", 2, 0xE9, 2},
		{"\xE2\x82\xAC" "x", 4, 0x20AC, 3},
		{"\xF0\x9F\x98\x80", 4, 0x1F600, 4},
		{"\xC0\xAF", 2, 0xFFFD, 1},
		{"\xE2\x82\xAC", 2, 0xFFFD, 1},
		{"\xED\xA0\x80", 3, 0xFFFD, 1},
		{"\x80", 1, 0xFFFD, 1},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		unsigned cp = 0;
		assert_int_equal(utf8_decode(cases[i].s, cases[i].len, &cp), cases[i].n);
		assert_int_equal(cp, cases[i].cp);
	}
}

static void test_sanitize(void **state)
{
	static const struct {
		const char *in;
		bool keep;
		const char *out;
	} cases[] = {
		{"\x1b[31mred\x1b[0m", false, FFFD "[31mred" FFFD "[0m"},
		{"\x1b[31mred", true, FFFD "[31mred"},
		{"\x1b]0;title\x07", false, FFFD "]0;title" FFFD},
		{"a\x07" "b\x7f", false, "a" FFFD "b" FFFD},
		{"x\xC2\x9B" "31m", false, "x" FFFD "31m"},           /* C1 CSI */
		{"\xC2\x85\xC2\x80\xC2\x9F", true, FFFD FFFD FFFD},  /* C1 NEL, U+0080, U+009F */
		{"\xC2\xA0" "nbsp", false, "\xC2\xA0" "nbsp"},        /* U+00A0 is not C1 */
		{NAMES, false, NAMES},
		{NAMES, true, NAMES},
		{"line1\nline2\tx", true, "line1\nline2\tx"},
		{"line1\nline2\tx", false, "line1 line2 x"},
		{"a\r\nb", true, "a\nb"},
		{"a\r\nb", false, "a b"},
		{"a\rb", true, "a\nb"},
		{"a\rb", false, "a b"},
		{"\x01\x1f\x0b\x0c", true, FFFD FFFD FFFD FFFD},
		{"ab\xFF" "c", false, "ab" FFFD "c"},
		{"\xC0\xAF", false, FFFD FFFD},
		{"\xE2\x82", false, FFFD FFFD},
		{"\xED\xA0\x80", false, FFFD FFFD FFFD},
		{"", false, ""},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char *out = text_sanitize(cases[i].in, cases[i].keep);
		if (strcmp(out, cases[i].out))
			fail_msg("case %zu: got \"%s\"", i, out);
		free(out);
	}
	{
		char *out = text_sanitize(NULL, false);
		assert_string_equal(out, "");
		free(out);
	}
}

/* Whatever bytes go in, what comes out is valid UTF-8 with no controls. */
static void test_sanitize_random(void **state)
{
	unsigned seed = 12345;
	char in[64];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 63);
		bool keep = round & 1;
		char *out;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (char)((seed >> 16) % 255 + 1);  /* no NUL */
		}
		in[len] = '\0';
		out = text_sanitize(in, keep);
		assert_true(utf8_valid(out, strlen(out), NULL));
		for (size_t i = 0; out[i];) {
			unsigned cp;
			i += utf8_decode(out + i, strlen(out + i), &cp);
			if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
				assert_true(keep && (cp == '\n' || cp == '\t'));
		}
		free(out);
	}
}

static void test_clean_paste(void **state)
{
#define B(lit) lit, sizeof(lit) - 1
	/* ESC, NUL, Ctrl-A, BS, 0xFF, CRLF and a tab in one paste. */
#define MIXED B("a\x1b[31mb\0c\x01" "d\x08" "e\xFF" "f\r\ng\th")
	static const struct {
		const char *in;
		size_t n;
		bool multiline;
		const char *out;
	} cases[] = {
		{MIXED, true, "a[31mbcde" FFFD "f\ng\th"},
		{MIXED, false, "a[31mbcde" FFFD "f g h"},
		{B("one\r\ntwo\rthree\nfour"), true, "one\ntwo\nthree\nfour"},
		{B("one\r\ntwo\rthree\nfour"), false, "one two three four"},
		{B("\r\r\n\n"), true, "\n\n\n"},                  /* CR, CRLF, LF */
		{B("end\r"), true, "end\n"},                         /* CR as the last byte */
		{B("end\r"), false, "end "},
		{B("\t\t"), false, "  "},
		{B("\0\0x\0"), true, "x"},
		{B("a\x7f" "b"), true, "ab"},                         /* DEL */
		{B("\x1f\x0b\x0c\x1b"), true, ""},
		{B("x\xC2\x9B" "31m\xC2\x85\xC2\x80\xC2\x9F"), true, "x31m"},  /* C1 */
		{B("\xC2\xA0" NAMES), false, "\xC2\xA0" NAMES},        /* U+00A0 stays */
		{B("\x80\x9B"), true, FFFD FFFD},                     /* raw C1 bytes are invalid UTF-8 */
		{B("\xE2\x82" "a"), true, FFFD FFFD "a"},              /* cut, then valid */
		{B("\xED\xA0\x80"), true, FFFD FFFD FFFD},            /* surrogate */
		{B("\xF0\x9F\x98"), true, FFFD FFFD FFFD},            /* cut at the end */
		{B("\xF0\x9F\x98\x80"), false, "\xF0\x9F\x98\x80"},
		{B(""), false, ""},
	};
#undef MIXED

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char *out = text_clean_paste(cases[i].in, cases[i].n, cases[i].multiline);
		if (strcmp(out, cases[i].out))
			fail_msg("case %zu: got \"%s\"", i, out);
		free(out);
	}
	{
		char *out = text_clean_paste(NULL, 0, true);
		assert_string_equal(out, "");
		free(out);
	}
}

/* Nothing is truncated: a long paste comes out whole, and whatever goes in,
 * what comes out is valid UTF-8 whose only controls are the allowed ones. */
static void test_clean_paste_random(void **state)
{
	enum { BIG = 300000 };
	unsigned seed = 777;
	char in[80];
	char *big = malloc(BIG), *out;

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < BIG; i++)
		big[i] = "abc\xC3\xA9\n"[i % 6];
	out = text_clean_paste(big, BIG, true);
	assert_int_equal(strlen(out), BIG);
	assert_memory_equal(out, big, BIG);
	free(out);
	free(big);

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 80);
		bool multi = round & 1;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (char)(seed >> 16);
		}
		out = text_clean_paste(in, len, multi);
		assert_true(utf8_valid(out, strlen(out), NULL));
		for (size_t i = 0; out[i];) {
			unsigned cp;
			i += utf8_decode(out + i, strlen(out + i), &cp);
			if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
				assert_true(multi && (cp == '\n' || cp == '\t'));
		}
		free(out);
	}
#undef B
}

static void test_width(void **state)
{
	static const struct {
		const char *s;
		int w;
	} cases[] = {
		{"", 0},
		{"abc", 3},
		{NAMES, 15},
		{"e\xCC\x81", 1},                                     /* e + U+0301 */
		{"a\xCC\x81\xCC\xA3" "b", 2},                         /* two marks on a */
		{"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 6},          /* 日本語 */
		{"\xED\x95\x9C\xEA\xB5\xAD", 4},                      /* 한국 */
		{"\xEF\xBC\xA1", 2},                                  /* fullwidth A */
		{"\xEF\xBD\xB1", 1},                                  /* halfwidth katakana */
		{"\xE3\x80\x80", 2},                                  /* ideographic space */
		{"\xF0\x9F\x98\x80", 2},                              /* U+1F600 */
		{"\xF0\xA0\x80\x80", 2},                              /* U+20000 */
		{"a\xE2\x80\x8B" "b", 2},                             /* zero width space */
		{"\xD7\xA9\xD7\x81", 1},                              /* Hebrew shin + dot */
		{"\xD9\x85\xD9\x8E", 1},                              /* Arabic meem + fatha */
		{"x\xFF", 2},                                         /* invalid byte shows as U+FFFD */
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		if (text_width(cases[i].s) != cases[i].w)
			fail_msg("case %zu: width %d, want %d", i, text_width(cases[i].s),
			         cases[i].w);
	}
	assert_int_equal(text_width(NULL), 0);
}

static void test_fit(void **state)
{
	static const struct {
		const char *s;
		int cols;
		size_t outlen;
		const char *out;
		int used;
	} cases[] = {
		{"hello", 10, 64, "hello", 5},
		{"hello", 5, 64, "hello", 5},
		{"hello world", 8, 64, "hello w\xE2\x80\xA6", 8},
		{"hello", 4, 64, "hel\xE2\x80\xA6", 4},
		{"hello", 1, 64, "\xE2\x80\xA6", 1},
		{"hello", 0, 64, "", 0},
		{"hello", -3, 64, "", 0},
		{"", 5, 64, "", 0},
		{NAMES, 4, 64, "Si\xC3\xA2\xE2\x80\xA6", 4},
		{NAMES, 7, 64, "Si\xC3\xA2n Z\xE2\x80\xA6", 7},
		{NAMES, 8, 64, "Si\xC3\xA2n Zo\xE2\x80\xA6", 8},
		{"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 4, 64, "\xE6\x97\xA5\xE2\x80\xA6", 3},
		{"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 5, 64,
		 "\xE6\x97\xA5\xE6\x9C\xAC\xE2\x80\xA6", 5},
		{"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 6, 64,
		 "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 6},
		{"e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 2, 64, "e\xCC\x81\xE2\x80\xA6", 2},
		{"e\xCC\x81" "e\xCC\x81", 2, 64, "e\xCC\x81" "e\xCC\x81", 2},
		/* the byte budget cuts too: "ÉÉÉÉ" in 6 bytes */
		{"\xC3\x89\xC3\x89\xC3\x89\xC3\x89", 10, 6, "\xC3\x89\xE2\x80\xA6", 2},
		{"\xC3\x89\xC3\x89", 10, 5, "\xC3\x89\xC3\x89", 2},
		{"abcdef", 10, 3, "ab", 2},                           /* no room for "…" */
		{"abcdef", 10, 1, "", 0},
		{"a\x1b[b", 10, 64, "a" FFFD "[b", 4},
		{"a\xFF" "b", 10, 64, "a" FFFD "b", 3},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char out[64];
		int used;
		memset(out, 'X', sizeof(out));
		used = text_fit(cases[i].s, cases[i].cols, out, cases[i].outlen);
		if (strcmp(out, cases[i].out) || used != cases[i].used)
			fail_msg("case %zu: got \"%s\" (%d), want \"%s\" (%d)", i, out, used,
			         cases[i].out, cases[i].used);
	}
	assert_int_equal(text_fit("abc", 5, NULL, 0), 0);
}

/* Every cut is valid UTF-8, within both budgets, and exact when the text fits. */
static void test_fit_exhaustive(void **state)
{
	static const char *const texts[] = {
		NAMES, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E abc",
		"e\xCC\x81t\xC3\xA9 \xF0\x9F\x98\x80!", "plain",
	};

	(void)state;
	for (size_t t = 0; t < N(texts); t++) {
		int full = text_width(texts[t]);
		size_t bytes = strlen(texts[t]);
		for (int cols = 0; cols <= full + 2; cols++) {
			for (size_t outlen = 1; outlen <= bytes + 4; outlen++) {
				char *out = malloc(outlen);
				int used;
				assert_non_null(out);
				used = text_fit(texts[t], cols, out, outlen);
				assert_true(strlen(out) < outlen);
				assert_true(utf8_valid(out, strlen(out), NULL));
				assert_int_equal(text_width(out), used);
				assert_true(used <= cols);
				if (full <= cols && bytes < outlen)
					assert_string_equal(out, texts[t]);
				free(out);
			}
		}
	}
}

#define RLO "\xE2\x80\xAE"          /* U+202E RIGHT-TO-LEFT OVERRIDE */
#define LRI "\xE2\x81\xA6"          /* U+2066 LEFT-TO-RIGHT ISOLATE */
#define PDI "\xE2\x81\xA9"          /* U+2069 POP DIRECTIONAL ISOLATE */

/* UTF-8 of cp into buf (at least 5 bytes). */
static void utf8_put(unsigned cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp, buf[1] = '\0';
	} else if (cp < 0x800) {
		buf[0] = (char)(0xC0 | cp >> 6), buf[1] = (char)(0x80 | (cp & 0x3F)), buf[2] = '\0';
	} else if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | cp >> 12), buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F)), buf[3] = '\0';
	} else {
		buf[0] = (char)(0xF0 | cp >> 18), buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), buf[3] = (char)(0x80 | (cp & 0x3F)), buf[4] = '\0';
	}
}

/* Exactly the nine overrides and isolates are shown by their code point,
 * by text_sanitize, text_width and text_fit alike; every other code point
 * (the marks LRM, RLM and ALM among them, which reorder nothing around
 * them) is left to the other rules. */
static void test_bidi_every_code_point(void **state)
{
	static const unsigned bidi[] = { 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069 };
	size_t found = 0;

	(void)state;
	for (unsigned cp = 1; cp <= 0x10FFFF; cp++) {
		char shown[TEXT_BIDI_SHOWN + 1] = "none", want[16];
		bool is = false;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		for (size_t i = 0; i < N(bidi); i++)
			is |= bidi[i] == cp;
		if (text_bidi_shown(cp, shown) != is)
			fail_msg("U+%04X: text_bidi_shown says %s", cp, is ? "no" : "yes");
		if (!is) {
			assert_string_equal(shown, "none");
			continue;
		}
		found++;
		snprintf(want, sizeof(want), "<U+%04X>", cp);
		assert_string_equal(shown, want);
		{
			char in[8], *out;

			utf8_put(cp, in);
			out = text_sanitize(in, true);
			assert_string_equal(out, want);
			free(out);
			assert_int_equal(text_width(in), TEXT_BIDI_SHOWN);
		}
	}
	assert_int_equal(found, N(bidi));
}

static void test_bidi_sanitize(void **state)
{
	static const struct {
		const char *in;
		bool keep;
		const char *out;
	} cases[] = {
		/* "txt.exe" dressed up as "exe.txt": shown as it is stored */
		{"invoice" RLO "txt.exe", false, "invoice<U+202E>txt.exe"},
		{RLO "D-2026-0001", false, "<U+202E>D-2026-0001"},
		{"a" LRI "b" PDI "c", true, "a<U+2066>b<U+2069>c"},
		{"\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD", false, "<U+202A><U+202B><U+202C><U+202D>"},
		{"\xE2\x81\xA7\xE2\x81\xA8", false, "<U+2067><U+2068>"},
		/* the marks are kept: they only nudge neutral characters */
		{"\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", false, "\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C"},
		/* a control and an override together, each by its own rule */
		{"\x1b[2J" RLO "x\ny", false, FFFD "[2J<U+202E>x y"},
		{"\x1b[2J" RLO "x\ny", true, FFFD "[2J<U+202E>x\ny"},
		/* the text already shown comes out the same: sanitising twice is harmless */
		{"<U+202E>", false, "<U+202E>"},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char *out = text_sanitize(cases[i].in, cases[i].keep), *again;

		if (strcmp(out, cases[i].out))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, cases[i].out);
		again = text_sanitize(out, cases[i].keep);
		assert_string_equal(again, out);
		free(again);
		free(out);
	}
}

/* A line with an override is measured and cut as it is shown: the
 * override is eight columns, never half of them. */
static void test_bidi_fit(void **state)
{
	static const struct {
		const char *s;
		int cols;
		const char *out;
		int used;
	} cases[] = {
		{"ab" RLO "cd", 12, "ab<U+202E>cd", 12},
		{"ab" RLO "cd", 11, "ab<U+202E>\xE2\x80\xA6", 11},
		{"ab" RLO "cd", 10, "ab\xE2\x80\xA6", 3},
		{"ab" RLO "cd", 3, "ab\xE2\x80\xA6", 3},
		{RLO, 8, "<U+202E>", 8},
		{RLO, 7, "\xE2\x80\xA6", 1},
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		int used = text_fit(cases[i].s, cases[i].cols, out, sizeof(out));

		if (strcmp(out, cases[i].out) || used != cases[i].used)
			fail_msg("case %zu: got \"%s\" (%d), want \"%s\" (%d)", i, out, used, cases[i].out, cases[i].used);
		assert_int_equal(text_width(out), used);
	}
	assert_int_equal(text_width("ab" RLO "cd"), 12);
	/* the byte budget counts the eight bytes shown, not the three stored */
	assert_int_equal(text_fit("ab" RLO "cd", 20, out, 11), 3);
	assert_string_equal(out, "ab\xE2\x80\xA6");
}

/* Whatever goes in, no override or isolate comes out of the sanitiser. */
static void test_bidi_random(void **state)
{
	static const char *const pieces[] = { RLO, LRI, PDI, "\xE2\x80\xAA", "a", "\xC3\xA9", "\x1b", "\n", "<", "+" };
	unsigned seed = 4242;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		char in[128] = "", *out;
		int n = round % 30;

		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			strcat(in, pieces[(seed >> 16) % N(pieces)]);
		}
		out = text_sanitize(in, round & 1);
		for (size_t i = 0; out[i];) {
			unsigned cp;
			char shown[TEXT_BIDI_SHOWN + 1];

			i += utf8_decode(out + i, strlen(out + i), &cp);
			if (text_bidi_shown(cp, shown))
				fail_msg("round %d: U+%04X came through", round, cp);
		}
		assert_int_equal(text_width(out), text_width(in));
		free(out);
	}
}

/* The spans of a search's matches land on the same text after the
 * sanitiser has turned controls into U+FFFD and overrides into
 * "<U+202E>"; spans that do not fall on characters are left out. */
static void test_sanitize_spans(void **state)
{
	/* "a\x1b[1mSi\xc3\xa2n\tb \xe2\x80\xaeZo\xc3\xab\nend" */
	static const char in[] = "a\x1b[1mSi\xc3\xa2n\tb \xe2\x80\xaeZo\xc3\xab\nend";
	const struct text_span spans[] = { { 5, 10 }, { 16, 20 }, { 21, 24 } };      /* Siân, Zoë, end */
	const struct text_span bad[] = { { 5, 10 }, { 8, 9 }, { 16, 19 }, { 14, 16 }, { 20, 20 }, { 22, 40 }, { 21, 24 } };
	struct text_span out[7];
	size_t n;
	char *clean;

	(void)state;
	clean = text_sanitize_spans(in, false, spans, 3, out, &n);
	assert_string_equal(clean, "a\xef\xbf\xbd[1mSi\xc3\xa2n b <U+202E>Zo\xc3\xab end");
	assert_int_equal(n, 3);
	assert_int_equal(out[0].start, 7);         /* Siân, after U+FFFD for ESC */
	assert_int_equal(out[0].end, 12);
	assert_int_equal(out[1].start, 23);        /* Zoë, after the override shown */
	assert_int_equal(out[1].end, 27);
	assert_int_equal(out[2].start, 28);        /* end, after the newline made a space */
	assert_int_equal(out[2].end, 31);
	free(clean);
	clean = text_sanitize_spans(in, true, spans, 3, out, &n);
	assert_string_equal(clean, "a\xef\xbf\xbd[1mSi\xc3\xa2n\tb <U+202E>Zo\xc3\xab\nend");
	assert_int_equal(n, 3);
	free(clean);
	/* Overlapping, ending or starting inside a character, empty, past
	 * the end: left out. */
	clean = text_sanitize_spans(in, false, bad, 7, out, &n);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].start, 7);
	assert_int_equal(out[1].start, 28);
	free(clean);
	clean = text_sanitize_spans(NULL, false, NULL, 0, out, &n);
	assert_string_equal(clean, "");
	assert_int_equal(n, 0);
	free(clean);
}

/* text_fold lower-cases names (the proforma matches an author with it);
 * text_fold_words must not change it. */
static void test_fold(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{"", ""},
		{NAMES, "si\xC3\xA2n zo\xC3\xAB \xC5\x82ukasz"},
		{"SI\xC3\x82N ZO\xC3\x8B", "si\xC3\xA2n zo\xC3\xAB"},            /* SIÂN ZOË: accents kept */
		{"Levels-of-Need / X", "levels-of-need / x"},                        /* punctuation kept */
		{"Stra\xC3\x9F" "e", "stra\xC3\x9F" "e"},                             /* ß kept */
		{"\xC5\xB4\xC5\xB6", "\xC5\xB5\xC5\xB7"},                             /* ŴŶ -> ŵŷ */
		{"\xCE\x91\xCE\x92 \xD0\x9F\xD0\x81", "\xCE\xB1\xCE\xB2 \xD0\xBF\xD1\x91"}, /* ΑΒ ПЁ */
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char *got = text_fold(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s' folds to '%s', want '%s'", i, cases[i].in, got, cases[i].want);
		free(got);
	}
}

static void test_fold_words(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{NULL, ""},
		{"", ""},
		{" / - , . ", ""},
		{"thresholds", "thresholds"},
		{"Levels of need / thresholds", "levels of need thresholds"},
		{"Levels-of-Need", "levels of need"},
		{"  INFORMATION-SHARING\t", "information sharing"},
		{"Decisions, actions or lack of action (the need for action)",
		 "decisions actions or lack of action the need for action"},
		{"Children's social care", "childrens social care"},
		{"Children\xE2\x80\x99s", "childrens"},                             /* ’ */
		{"'need'", "need"},
		{NAMES, "sian zoe lukasz"},
		{"Gw\xC5\xB5yl D\xC5\xB7 \xC5\xB4\xC5\xB6", "gwwyl dy wy"},        /* Gwŵyl Dŷ ŴŶ */
		{"\xE1\xBA\x80\xE1\xBA\x81 \xE1\xBA\x83\xE1\xBA\x85 \xE1\xBB\xB3", "ww ww y"},   /* Ẁẁ ẃẅ ỳ */
		{"\xC3\xA2 \xC3\xAA \xC3\xAE \xC3\xB4 \xC3\xBB", "a e i o u"},   /* â ê î ô û */
		{"Stra\xC3\x9F" "e \xE1\xBA\x9E", "strasse ss"},                     /* Straße ẞ */
		{"\xC3\x86sir \xC5\x92uvre \xC3\x9E\xC3\xB3r \xC3\x98rsted", "aesir oeuvre thor orsted"},
		{"\xC4\x8C\xC5\xA0\xC5\xBD \xC4\x8D\xC5\xA1\xC5\xBE \xC4\x85\xC4\x99\xC5\x82", "csz csz ael"},
		{"\xC5\x90\xC5\xB1 \xC8\x98\xC8\x9B \xC4\xB0stanbul \xC4\xB1", "ou st istanbul i"},
		{"\xC3\x87" "a \xC3\x91" "o \xC3\xBF", "ca no y"},
		{"e\xCC\x81te\xCC\x81", "ete"},                                   /* decomposed été */
		{"a\xE2\x80\x94" "b\xE2\x80\xA6" "c \xC2\xAB" "d\xC2\xBB e\xC2\xB7" "f", "a b c d e f"},
		{"a\xC2\xA0" "b 2\xC3\x97" "3 4\xC3\xB7" "5", "a b 2 3 4 5"},        /* nbsp, ×, ÷ */
		{"Stage 2/3", "stage 2 3"},
		{"\xCE\x91\xCE\x92\xCE\x93 \xD0\x9F\xD1\x80\xD0\xB8", "\xCE\xB1\xCE\xB2\xCE\xB3 \xD0\xBF\xD1\x80\xD0\xB8"},
		{"a\xFF" "b", "a b"},                                                /* invalid byte */
		{"\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC"},           /* 日本 kept */
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char *got = text_fold_words(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s' gives '%s', want '%s'", i, cases[i].in ? cases[i].in : "(null)",
			         got, cases[i].want);
		free(got);
	}
}

/* Every letter of Latin-1 and Latin Extended-A (where the European and
 * Welsh letters are) comes out as plain lower-case ASCII letters, and no
 * code point at all gives invalid UTF-8, upper-case ASCII or stray spaces. */
static void test_fold_words_every_code_point(void **state)
{
	(void)state;
	for (unsigned cp = 1; cp <= 0x2FFFF; cp++) {
		char in[8], buf[16], *got;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		/* a letter on either side shows whether cp joins or separates */
		if (cp < 0x80) {
			in[0] = (char)cp, in[1] = '\0';
		} else if (cp < 0x800) {
			in[0] = (char)(0xC0 | cp >> 6), in[1] = (char)(0x80 | (cp & 0x3F)), in[2] = '\0';
		} else if (cp < 0x10000) {
			in[0] = (char)(0xE0 | cp >> 12), in[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			in[2] = (char)(0x80 | (cp & 0x3F)), in[3] = '\0';
		} else {
			in[0] = (char)(0xF0 | cp >> 18), in[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
			in[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), in[3] = (char)(0x80 | (cp & 0x3F)), in[4] = '\0';
		}
		snprintf(buf, sizeof(buf), "x%sx", in);
		got = text_fold_words(buf);
		if (!utf8_valid(got, strlen(got), NULL) || got[0] != 'x' || got[strlen(got) - 1] != 'x' ||
		    strstr(got, "  "))
			fail_msg("U+%04X gives '%s'", cp, got);
		for (const char *p = got; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				fail_msg("U+%04X gives '%s', with a capital", cp, got);
		if (cp >= 0xC0 && cp <= 0x17F && cp != 0xD7 && cp != 0xF7) {
			if (strlen(got) < 3)
				fail_msg("U+%04X is dropped: '%s'", cp, got);
			for (const char *p = got; *p; p++)
				if (*p < 'a' || *p > 'z')
					fail_msg("U+%04X gives '%s', not plain letters", cp, got);
		}
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_sanitize_random),
		cmocka_unit_test(test_clean_paste),
		cmocka_unit_test(test_clean_paste_random),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_exhaustive),
		cmocka_unit_test(test_bidi_every_code_point),
		cmocka_unit_test(test_bidi_sanitize),
		cmocka_unit_test(test_bidi_fit),
		cmocka_unit_test(test_bidi_random),
		cmocka_unit_test(test_sanitize_spans),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_words),
		cmocka_unit_test(test_fold_words_every_code_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
