/* Text editing for the record editor, the form fields and the prompts: insertion, cursor moves and wrapping. */
#include <stdlib.h>
#include <string.h>

#include "dispute/keys.h"
#include "dispute/text.h"
#include "dispute/textedit.h"
#include "dispute/util.h"

void textedit_init(struct textedit *t, bool multiline, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->multiline = multiline;
	t->max = max;
	t->cap = 64;
	t->buf = xcalloc(t->cap, 1);
}

void textedit_free(struct textedit *t)
{
	free(t->buf);
	t->buf = NULL;
	t->len = t->cap = t->cur = 0;
}

static void grow(struct textedit *t, size_t extra)
{
	if (t->len + extra + 1 <= t->cap)
		return;
	while (t->len + extra + 1 > t->cap)
		t->cap *= 2;
	t->buf = xrealloc(t->buf, t->cap);
}

void textedit_set(struct textedit *t, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	t->len = 0;
	grow(t, n);
	if (n)
		memcpy(t->buf, s, n);
	t->len = n;
	t->buf[n] = '\0';
	t->cur = n;
}

const char *textedit_text(const struct textedit *t)
{
	return t->buf ? t->buf : "";
}

/* Width of the code point at s[i..), with tab as one column and control
 * characters as the one-column stand-in the screen shows. */
static int char_width(const char *s, size_t i, size_t len, size_t *n)
{
	unsigned cp;
	char buf[8];
	int w;

	*n = utf8_decode(s + i, len - i, &cp);
	if (*n == 0)
		*n = 1;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1;
	if (*n >= sizeof(buf))
		return 1;
	memcpy(buf, s + i, *n);
	buf[*n] = '\0';
	w = text_width(buf);
	return w < 0 ? 1 : w;
}

int text_span_width(const char *s, size_t start, size_t end)
{
	int w = 0;
	size_t n;

	for (size_t i = start; i < end; i += n)
		w += char_width(s, i, end, &n);
	return w;
}

size_t text_wrap(const char *s, size_t len, int width, struct wrap_line **out)
{
	size_t cap = 16, nl = 0, start = 0, i = 0, brk = 0;
	struct wrap_line *v = xmalloc(cap * sizeof(*v));
	int col = 0;

	if (width < 1)
		width = 1;
	while (i < len) {
		size_t n;
		int w;

		if (s[i] == '\n') {
			if (nl == cap)
				v = xrealloc(v, (cap *= 2) * sizeof(*v));
			v[nl++] = (struct wrap_line){ start, i };
			start = ++i;
			col = 0;
			brk = 0;
			continue;
		}
		w = char_width(s, i, len, &n);
		if (col + w > width && i > start) {
			size_t end = i, next = i;
			if (brk > start) {
				end = brk;
				next = brk;
			}
			if (nl == cap)
				v = xrealloc(v, (cap *= 2) * sizeof(*v));
			v[nl++] = (struct wrap_line){ start, end };
			start = next;
			brk = 0;
			col = text_span_width(s, start, i);
			continue;
		}
		col += w;
		i += n;
		if (s[i - n] == ' ')
			brk = i;
	}
	if (nl == cap)
		v = xrealloc(v, (cap *= 2) * sizeof(*v));
	v[nl++] = (struct wrap_line){ start, len };
	*out = v;
	return nl;
}

void textedit_cursor(const struct textedit *t, int width, int *row, int *col)
{
	struct wrap_line *lines;
	size_t n = text_wrap(t->buf, t->len, width, &lines), r = 0;

	/* The cursor belongs to the last line that starts at or before it. */
	for (size_t i = 0; i < n; i++)
		if (lines[i].start <= t->cur)
			r = i;
	*row = (int)r;
	*col = text_span_width(t->buf, lines[r].start, t->cur < lines[r].end ? t->cur : lines[r].end);
	free(lines);
}

static size_t next_char(const struct textedit *t, size_t i)
{
	unsigned cp;
	size_t n;

	if (i >= t->len)
		return t->len;
	n = utf8_decode(t->buf + i, t->len - i, &cp);
	i += n ? n : 1;
	/* Skip combining marks so the cursor never lands inside a cluster. */
	while (i < t->len) {
		size_t m;
		if (char_width(t->buf, i, t->len, &m) != 0)
			break;
		i += m;
	}
	return i;
}

static size_t prev_char(const struct textedit *t, size_t i)
{
	while (i > 0) {
		size_t m;
		i--;
		while (i > 0 && ((unsigned char)t->buf[i] & 0xc0) == 0x80)
			i--;
		if (t->buf[i] == '\n' || char_width(t->buf, i, t->len, &m) != 0)
			break;
	}
	return i;
}

static bool insert(struct textedit *t, const char *s, size_t n)
{
	if (t->max && t->len + n > t->max)
		return false;
	grow(t, n);
	memmove(t->buf + t->cur + n, t->buf + t->cur, t->len - t->cur + 1);
	memcpy(t->buf + t->cur, s, n);
	t->len += n;
	t->cur += n;
	return true;
}

static void erase(struct textedit *t, size_t from, size_t to)
{
	memmove(t->buf + from, t->buf + to, t->len - to + 1);
	t->len -= to - from;
	t->cur = from;
}

static size_t encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Moves the cursor one display line up (dir -1) or down (+1), keeping the column. */
static void move_line(struct textedit *t, int dir, int width)
{
	struct wrap_line *lines;
	size_t n = text_wrap(t->buf, t->len, width, &lines), i;
	int row, col;

	textedit_cursor(t, width, &row, &col);
	if ((dir < 0 && row == 0) || (dir > 0 && (size_t)row + 1 >= n)) {
		t->cur = dir < 0 ? 0 : t->len;
		free(lines);
		return;
	}
	row += dir;
	i = lines[row].start;
	while (i < lines[row].end) {
		size_t nx = next_char(t, i);
		if (text_span_width(t->buf, lines[row].start, nx) > col)
			break;
		i = nx;
	}
	t->cur = i;
	free(lines);
}

int textedit_key(struct textedit *t, int key, int width)
{
	char enc[4];

	switch (key) {
	case K_LEFT:
		t->cur = prev_char(t, t->cur);
		return 0;
	case K_RIGHT:
		t->cur = next_char(t, t->cur);
		return 0;
	case K_HOME:
	case K_CTRL('a'):
		while (t->cur > 0 && t->buf[t->cur - 1] != '\n')
			t->cur--;
		return 0;
	case K_END:
	case K_CTRL('e'):
		while (t->cur < t->len && t->buf[t->cur] != '\n')
			t->cur++;
		return 0;
	case K_UP:
	case K_DOWN:
		if (!t->multiline)
			return -1;
		move_line(t, key == K_UP ? -1 : 1, width);
		return 0;
	case K_BACKSPACE:
	case K_DEL:
	case K_CTRL('h'):
		if (t->cur == 0)
			return 0;
		erase(t, prev_char(t, t->cur), t->cur);
		return 1;
	case K_DELETE:
		if (t->cur >= t->len)
			return 0;
		erase(t, t->cur, next_char(t, t->cur));
		return 1;
	case K_CTRL('u'): {
		size_t from = t->cur;
		while (from > 0 && t->buf[from - 1] != '\n')
			from--;
		if (from == t->cur)
			return 0;
		erase(t, from, t->cur);
		return 1;
	}
	case K_CTRL('w'): {
		size_t from = t->cur;
		while (from > 0 && t->buf[from - 1] == ' ')
			from--;
		while (from > 0 && t->buf[from - 1] != ' ' && t->buf[from - 1] != '\n')
			from--;
		if (from == t->cur)
			return 0;
		erase(t, from, t->cur);
		return 1;
	}
	case K_ENTER:
	case K_RETURN:
		if (!t->multiline)
			return -1;
		return insert(t, "\n", 1) ? 1 : 0;
	case K_TAB:
		if (!t->multiline)
			return -1;
		return insert(t, "\t", 1) ? 1 : 0;
	default:
		break;
	}
	if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0) || key >= K_SPECIAL ||
	    (key >= 0xd800 && key < 0xe000))
		return -1;
	return insert(t, enc, encode((unsigned)key, enc)) ? 1 : 0;
}
