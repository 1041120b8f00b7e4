/* UTF-8 validation and decoding, terminal-safe sanitizing, folding for matching, and display width. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/text.h"
#include "dispute/util.h"

#define REPLACEMENT "\xEF\xBF\xBD"      /* U+FFFD in UTF-8 */

struct range {
	unsigned lo, hi;
};

/* Combining marks, format characters and Hangul medial jamo: zero columns.
 * The scripts a UK caseload is likely to carry, not all of Unicode. */
static const struct range zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
	{0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
	{0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC},
	{0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
	{0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x08CA, 0x08E1}, {0x08E3, 0x0902},
	{0x093A, 0x093A}, {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D},
	{0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0981}, {0x09BC, 0x09BC},
	{0x09C1, 0x09C4}, {0x09CD, 0x09CD}, {0x09E2, 0x09E3}, {0x0A01, 0x0A02},
	{0x0A3C, 0x0A3C}, {0x0A41, 0x0A42}, {0x0A47, 0x0A48}, {0x0A4B, 0x0A4D},
	{0x0A51, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75}, {0x0A81, 0x0A82},
	{0x0ABC, 0x0ABC}, {0x0AC1, 0x0AC5}, {0x0AC7, 0x0AC8}, {0x0ACD, 0x0ACD},
	{0x0AE2, 0x0AE3}, {0x0B82, 0x0B82}, {0x0BC0, 0x0BC0}, {0x0BCD, 0x0BCD},
	{0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1160, 0x11FF},
	{0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E},
	{0x2060, 0x206F}, {0x20D0, 0x20F0}, {0x302A, 0x302D}, {0x3099, 0x309A},
	{0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0001, 0xE0001},
	{0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};

/* East Asian wide and fullwidth characters, and the emoji blocks: two columns. */
static const struct range double_width[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
	{0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
	{0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
	{0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
	{0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
	{0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x303E},
	{0x3041, 0x33FF}, {0x3400, 0x9FFF}, {0xA000, 0xA4CF},
	{0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19},
	{0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE3},
	{0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
	{0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B},
	{0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F320},
	{0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
	{0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
	{0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
	{0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
	{0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
	{0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
	{0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
	{0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static bool in_table(unsigned cp, const struct range *t, size_t n)
{
	size_t lo = 0, hi = n;

	if (cp < t[0].lo || cp > t[n - 1].hi)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp > t[mid].hi)
			lo = mid + 1;
		else if (cp < t[mid].lo)
			hi = mid;
		else
			return true;
	}
	return false;
}

static bool is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

bool text_bidi_shown(unsigned cp, char out[TEXT_BIDI_SHOWN + 1])
{
	static const char hex[] = "0123456789ABCDEF";

	if (!((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)))
		return false;
	memcpy(out, "<U+", 3);
	for (int i = 0; i < 4; i++)
		out[3 + i] = hex[(cp >> (12 - 4 * i)) & 0xF];
	out[7] = '>';
	out[8] = '\0';
	return true;
}

/* Returns the length of the well-formed sequence at s, or 0 if there is none. */
static size_t decode_one(const char *str, size_t len, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0], v, min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

bool utf8_valid(const char *s, size_t len, size_t *bad)
{
	unsigned cp;

	for (size_t i = 0; i < len;) {
		size_t n = decode_one(s + i, len - i, &cp);
		if (!n) {
			if (bad)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

size_t utf8_decode(const char *s, size_t len, unsigned *cp)
{
	size_t n = decode_one(s, len, cp);

	if (n)
		return n;
	*cp = 0xFFFD;
	return 1;
}

/* A byte that is a printable ASCII character, one column wide. */
static bool ascii_printable(char c)
{
	return (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f;
}

char *text_sanitize(const char *s, bool keep_newlines)
{
	struct sb sb = {0};
	size_t len = s ? strlen(s) : 0;
	char shown[TEXT_BIDI_SHOWN + 1];

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n;

		/* A run of printable ASCII, most text, is kept as it is. */
		if (ascii_printable(s[i])) {
			size_t j = i + 1;

			while (j < len && ascii_printable(s[j]))
				j++;
			sb_appendn(&sb, s + i, j - i);
			i = j;
			continue;
		}
		n = decode_one(s + i, len - i, &cp);
		if (!n) {
			sb_append(&sb, REPLACEMENT);
			i++;
			continue;
		}
		if (cp == '\r' && s[i + 1] == '\n') {
			/* CRLF is one line break. */
		} else if (cp == '\n' || cp == '\r') {
			sb_append(&sb, keep_newlines ? "\n" : " ");
		} else if (cp == '\t') {
			sb_append(&sb, keep_newlines ? "\t" : " ");
		} else if (is_control(cp)) {
			sb_append(&sb, REPLACEMENT);
		} else if (text_bidi_shown(cp, shown)) {
			sb_append(&sb, shown);
		} else {
			sb_appendn(&sb, s + i, n);
		}
		i += n;
	}
	return sb_take(&sb);
}

/* text_sanitize of s[from, to), appended to sb. */
static void sanitize_piece(struct sb *sb, const char *s, size_t from, size_t to, bool keep_newlines)
{
	char *piece = xstrndup(s + from, to - from), *clean = text_sanitize(piece, keep_newlines);

	sb_append(sb, clean);
	free(clean);
	free(piece);
}

char *text_sanitize_spans(const char *s, bool keep_newlines, const struct text_span *spans, size_t n,
                          struct text_span *out, size_t *nout)
{
	struct sb sb = {0};
	size_t len = s ? strlen(s) : 0, at = 0;

	*nout = 0;
	/* text_sanitize works a character at a time, so the text of a span
	 * sanitised on its own is what it becomes within the whole. */
	for (size_t i = 0; i < n; i++) {
		size_t a = spans[i].start, b = spans[i].end;

		if (a < at || a >= b || b > len || (s[a] & 0xC0) == 0x80 || (b < len && (s[b] & 0xC0) == 0x80))
			continue;
		sanitize_piece(&sb, s, at, a, keep_newlines);
		out[*nout].start = sb.len;
		sanitize_piece(&sb, s, a, b, keep_newlines);
		out[(*nout)++].end = sb.len;
		at = b;
	}
	sanitize_piece(&sb, s ? s : "", at, len, keep_newlines);
	return sb_take(&sb);
}

char *text_clean_paste(const char *s, size_t n, bool multiline)
{
	struct sb sb = {0};

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = decode_one(s + i, n - i, &cp);

		if (!len) {
			sb_append(&sb, REPLACEMENT);
			i++;
			continue;
		}
		if (cp == '\r') {
			/* A paste from Windows or an old Mac: both ends of line are one. */
			if (i + 1 < n && s[i + 1] == '\n')
				len++;
			cp = '\n';
		}
		if (cp == '\n' || cp == '\t')
			sb_appendn(&sb, multiline ? (cp == '\n' ? "\n" : "\t") : " ", 1);
		else if (!is_control(cp))
			sb_appendn(&sb, s + i, len);
		i += len;
	}
	return sb_take(&sb);
}

/* Columns of one code point; controls and invalid bytes show as U+FFFD,
 * a bidirectional control as its "<U+202E>". */
static int cp_width(unsigned cp)
{
	char shown[TEXT_BIDI_SHOWN + 1];

	if (cp < 0x300)
		return 1;
	if (text_bidi_shown(cp, shown))
		return TEXT_BIDI_SHOWN;
	if (in_table(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_table(cp, double_width, sizeof(double_width) / sizeof(double_width[0])))
		return 2;
	return 1;
}

int text_width(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	int w = 0;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		i += utf8_decode(s + i, len - i, &cp);
		w += cp_width(cp);
	}
	return w;
}

/* Appends whole characters of s to out[*o..] while they fit in cols columns
 * and room bytes.  Returns the offset in s where it stopped. */
static size_t fit_span(const char *s, size_t len, int cols, size_t room, char *out,
                       size_t *o, int *w)
{
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n;
		char shown[TEXT_BIDI_SHOWN + 1];

		if (ascii_printable(s[i])) {
			if (*w + 1 > cols || *o + 1 > room)
				break;
			out[(*o)++] = s[i++];
			++*w;
			continue;
		}
		n = decode_one(s + i, len - i, &cp);
		bool replace = !n || is_control(cp), bidi = !replace && text_bidi_shown(cp, shown);
		size_t bytes = replace ? 3 : bidi ? TEXT_BIDI_SHOWN : n;
		int cw = replace ? 1 : cp_width(cp);

		if (*w + cw > cols || *o + bytes > room)
			break;
		memcpy(out + *o, replace ? REPLACEMENT : bidi ? shown : s + i, bytes);
		*o += bytes;
		*w += cw;
		i += n ? n : 1;
	}
	return i;
}

int text_fit(const char *s, int cols, char *out, size_t outlen)
{
	size_t len, o = 0;
	int w = 0;

	if (!outlen)
		return 0;
	out[0] = '\0';
	if (!s || cols <= 0)
		return 0;
	len = strlen(s);
	if (fit_span(s, len, cols, outlen - 1, out, &o, &w) < len && outlen > 3) {
		/* Cut: start again leaving a column and three bytes for the ellipsis. */
		o = 0;
		w = 0;
		fit_span(s, len, cols - 1, outlen - 4, out, &o, &w);
		memcpy(out + o, "\xE2\x80\xA6", 3);
		o += 3;
		w++;
	}
	out[o] = '\0';
	return w;
}

/* Lower case of one code point in the scripts our users' names come from. */
static unsigned fold_cp(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
	    (cp >= 0x410 && cp <= 0x42F))
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 80;
	if (cp == 0x178)
		return 0xFF;
	/* Latin Extended-A pairs capital/small: even/odd, except in
	 * U+0139..U+0148 and U+0179..U+017E, where they are odd/even. */
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return cp % 2 ? cp + 1 : cp;
	if (cp >= 0x100 && cp <= 0x177 && cp != 0x130 && cp != 0x138)
		return cp % 2 ? cp : cp + 1;
	return cp;
}

static void put_utf8(struct sb *sb, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sb_appendn(sb, b, n);
}

char *text_fold(const char *s)
{
	struct sb sb = {0};
	size_t len = strlen(s), i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (cp < 0x80 || (cp >= 0xC0 && cp <= 0x42F))
			put_utf8(&sb, fold_cp(cp));
		else
			sb_appendn(&sb, s + i, n);
		i += n;
	}
	return sb_take(&sb);
}

/* The base letters of accented Latin letters, lower-cased: Latin-1,
 * Latin Extended-A (Welsh ŵ and ŷ among them), Romanian ș and ț, the Irish
 * dotted consonants and Welsh ẁ ẃ ẅ ỳ.  Sorted, for a binary search. */
static const struct latin_base {
	unsigned lo, hi;
	char base[3];
} latin_bases[] = {
	{0x00AA, 0x00AA, "a"}, {0x00BA, 0x00BA, "o"},
	{0x00C0, 0x00C5, "a"}, {0x00C6, 0x00C6, "ae"}, {0x00C7, 0x00C7, "c"}, {0x00C8, 0x00CB, "e"},
	{0x00CC, 0x00CF, "i"}, {0x00D0, 0x00D0, "d"}, {0x00D1, 0x00D1, "n"}, {0x00D2, 0x00D6, "o"},
	{0x00D8, 0x00D8, "o"}, {0x00D9, 0x00DC, "u"}, {0x00DD, 0x00DD, "y"}, {0x00DE, 0x00DE, "th"},
	{0x00DF, 0x00DF, "ss"},
	{0x00E0, 0x00E5, "a"}, {0x00E6, 0x00E6, "ae"}, {0x00E7, 0x00E7, "c"}, {0x00E8, 0x00EB, "e"},
	{0x00EC, 0x00EF, "i"}, {0x00F0, 0x00F0, "d"}, {0x00F1, 0x00F1, "n"}, {0x00F2, 0x00F6, "o"},
	{0x00F8, 0x00F8, "o"}, {0x00F9, 0x00FC, "u"}, {0x00FD, 0x00FD, "y"}, {0x00FE, 0x00FE, "th"},
	{0x00FF, 0x00FF, "y"},
	{0x0100, 0x0105, "a"}, {0x0106, 0x010D, "c"}, {0x010E, 0x0111, "d"}, {0x0112, 0x011B, "e"},
	{0x011C, 0x0123, "g"}, {0x0124, 0x0127, "h"}, {0x0128, 0x0131, "i"}, {0x0132, 0x0133, "ij"},
	{0x0134, 0x0135, "j"}, {0x0136, 0x0138, "k"}, {0x0139, 0x0142, "l"}, {0x0143, 0x014B, "n"},
	{0x014C, 0x0151, "o"}, {0x0152, 0x0153, "oe"}, {0x0154, 0x0159, "r"}, {0x015A, 0x0161, "s"},
	{0x0162, 0x0167, "t"}, {0x0168, 0x0173, "u"}, {0x0174, 0x0175, "w"}, {0x0176, 0x0178, "y"},
	{0x0179, 0x017E, "z"}, {0x017F, 0x017F, "s"},
	{0x0218, 0x0219, "s"}, {0x021A, 0x021B, "t"},
	{0x1E02, 0x1E03, "b"}, {0x1E0A, 0x1E0B, "d"}, {0x1E1E, 0x1E1F, "f"}, {0x1E40, 0x1E41, "m"},
	{0x1E56, 0x1E57, "p"}, {0x1E60, 0x1E61, "s"}, {0x1E6A, 0x1E6B, "t"}, {0x1E80, 0x1E85, "w"},
	{0x1E9E, 0x1E9E, "ss"}, {0x1EF2, 0x1EF3, "y"},
};

static const char *latin_base(unsigned cp)
{
	size_t lo = 0, hi = sizeof(latin_bases) / sizeof(latin_bases[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp > latin_bases[mid].hi)
			lo = mid + 1;
		else if (cp < latin_bases[mid].lo)
			hi = mid;
		else
			return latin_bases[mid].base;
	}
	return NULL;
}

/* Combining diacritical marks: "e" followed by U+0301 is "é" decomposed. */
static bool is_diacritic(unsigned cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	       (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	       (cp >= 0xFE20 && cp <= 0xFE2F);
}

/* Punctuation, spaces and symbols: what separates words.  Anything else
 * outside ASCII is taken for a letter of some script. */
static bool is_separator(unsigned cp)
{
	if (cp < 0x80)
		return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'));
	return (cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) || cp == 0xD7 || cp == 0xF7 ||
	       (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
	       (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
	       cp == 0xFFFD || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

char *text_fold_words(const char *s)
{
	struct sb sb = {0};
	size_t len = s ? strlen(s) : 0;
	bool gap = false;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		const char *base;

		i += utf8_decode(s + i, len - i, &cp);
		/* An apostrophe joins ("children's" is one word, as people type it
		 * with or without one); a mark belongs to the letter before it. */
		if (cp == '\'' || cp == 0x2019 || cp == 0x02BC || is_diacritic(cp))
			continue;
		if (is_separator(cp)) {
			gap = sb.len > 0;
			continue;
		}
		if (gap)
			sb_append(&sb, " ");
		gap = false;
		if ((base = latin_base(cp)))
			sb_append(&sb, base);
		else
			put_utf8(&sb, fold_cp(cp));
	}
	return sb_take(&sb);
}

void text_json(struct sb *sb, const char *s)
{
	char *clean;

	if (!s) {
		sb_append(sb, "null");
		return;
	}
	clean = text_sanitize(s, true);
	sb_append(sb, "\"");
	for (const char *p = clean; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			sb_printf(sb, "\\%c", ch);
		else if (ch == '\n')
			sb_append(sb, "\\n");
		else if (ch == '\t')
			sb_append(sb, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			sb_printf(sb, "\\u%04x", ch);
		else
			sb_appendn(sb, p, 1);
	}
	sb_append(sb, "\"");
	free(clean);
}

void text_json_date(struct sb *sb, long day)
{
	char a[11];

	if (day == DATE_NONE)
		sb_append(sb, "null");
	else
		sb_printf(sb, "\"%s\"", date_format(day, a));
}

void text_json_time(struct sb *sb, int minute)
{
	if (minute == TIME_NONE)
		sb_append(sb, "null");
	else
		sb_printf(sb, "\"%02d:%02d\"", minute / 60, minute % 60);
}

void text_json_id(struct sb *sb, long long id)
{
	if (id)
		sb_append_int(sb, id);
	else
		sb_append(sb, "null");
}

/* Appends the spaces that take a column w wide to cols. */
static void column_pad(struct sb *sb, int w, int cols)
{
	static const char spaces[] = "                                ";

	while (w < cols) {
		int k = cols - w < (int)sizeof(spaces) - 1 ? cols - w : (int)sizeof(spaces) - 1;

		sb_appendn(sb, spaces, (size_t)k);
		w += k;
	}
}

void text_column(struct sb *sb, const char *s, int cols)
{
	char *clean, *buf;
	size_t len = s ? strlen(s) : 0, i = 0;
	int w;

	/* Printable ASCII that fits, most of a list: as it is. */
	while (i < len && ascii_printable(s[i]))
		i++;
	if (i == len && (cols <= 0 || len <= (size_t)cols)) {
		sb_appendn(sb, s ? s : "", len);
		column_pad(sb, (int)len, cols);
		return;
	}
	clean = text_sanitize(s ? s : "", false);

	if (cols <= 0) {
		sb_append(sb, clean);
		free(clean);
		return;
	}
	buf = xmalloc(strlen(clean) + 8);
	w = text_fit(clean, cols, buf, strlen(clean) + 8);
	sb_append(sb, buf);
	column_pad(sb, w, cols);
	free(buf);
	free(clean);
}

/* What a character of the local part (RFC 5322 atext) needs in a mailto:
 * URI (RFC 6068): NULL when it goes in as it is, else why it is refused.
 * These are legal in an address but would have to be percent-encoded in
 * the URI, and calendar programs decode that unevenly: one of them
 * ('?', '#') would otherwise turn the rest into a query or a fragment. */
static const char *local_char_problem(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    strchr("!$'*+-._~", ch))
		return NULL;
	if (strchr("#%&/=?^`{|}", ch))
		return "cannot go in an invite's mailto: address";
	return "is not allowed in an email address";
}

bool text_email_check(const char *email, char *why, size_t whylen)
{
	const unsigned char *p, *at, *label;
	size_t local_len, len;

#define EMAIL_NO(...) do { if (why && whylen) snprintf(why, whylen, __VA_ARGS__); return false; } while (0)
	if (!email || !*email)
		EMAIL_NO("no address is given");
	len = strlen(email);
	if (len > 254)
		EMAIL_NO("it is longer than 254 characters");
	for (p = (const unsigned char *)email; *p; p++) {
		if (*p >= 0x80)
			EMAIL_NO("it has a character beyond ASCII: internationalised addresses (RFC 6531) are not "
			         "supported; give the ASCII address (a domain in its xn-- form)");
		if (*p <= ' ' || *p == 0x7f)
			EMAIL_NO("it has a space or a control character");
		if (*p == '"' || *p == '(' || *p == '[' || *p == '<' || *p == '\\')
			EMAIL_NO("quoted local parts, comments, domain literals and display names are not supported: "
			         "give the plain address, name@example.org");
	}
	at = (const unsigned char *)strrchr(email, '@');
	if (!at || (const char *)at == email || !at[1])
		EMAIL_NO("it is not of the form name@domain");
	local_len = (size_t)(at - (const unsigned char *)email);
	if (local_len > 64)
		EMAIL_NO("the part before '@' is longer than 64 characters");
	for (p = (const unsigned char *)email; p < at; p++) {
		const char *problem = *p == '@' ? "appears twice" : local_char_problem(*p);

		if (problem)
			EMAIL_NO("'%c' %s", *p, problem);
		if (*p == '.' && (p == (const unsigned char *)email || p + 1 == at || p[1] == '.'))
			EMAIL_NO("a dot cannot start or end the part before '@', or follow another dot");
	}
	/* The domain: dot-separated labels of letters, digits and hyphens. */
	for (label = at + 1, p = at + 1;; p++) {
		if (*p == '.' || !*p) {
			size_t n = (size_t)(p - label);

			if (n == 0)
				EMAIL_NO("the domain has an empty part");
			if (n > 63)
				EMAIL_NO("a part of the domain is longer than 63 characters");
			if (*label == '-' || p[-1] == '-')
				EMAIL_NO("a part of the domain starts or ends with '-'");
			if (!*p)
				break;
			label = p + 1;
		} else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		             *p == '-')) {
			EMAIL_NO("'%c' is not allowed in the domain", *p);
		}
	}
#undef EMAIL_NO
	return true;
}

bool text_email_ok(const char *email)
{
	return text_email_check(email, NULL, 0);
}

char *text_in_sentence(const char *s, char *out, size_t outlen)
{
	if (!outlen)
		return out;
	snprintf(out, outlen, "%s", s ? s : "");
	if (out[0] >= 'A' && out[0] <= 'Z' && out[1] >= 'a' && out[1] <= 'z')
		out[0] = (char)(out[0] - 'A' + 'a');
	return out;
}
