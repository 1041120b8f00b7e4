/* The in-memory screen: clipped UTF-8 text, lines and boxes on a grid of cells, and a text dump for tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/screen.h"
#include "dispute/text.h"
#include "dispute/util.h"

static const char replacement[] = "\xef\xbf\xbd";   /* U+FFFD */

void screen_init(struct screen *s, int w, int h)
{
	s->w = w > 0 ? w : 1;
	s->h = h > 0 ? h : 1;
	s->cells = xcalloc((size_t)s->w * (size_t)s->h, sizeof(*s->cells));
	screen_clear(s);
}

void screen_free(struct screen *s)
{
	free(s->cells);
	s->cells = NULL;
	s->w = s->h = 0;
}

void screen_resize(struct screen *s, int w, int h)
{
	screen_free(s);
	screen_init(s, w, h);
}

static struct cell *cell_at(struct screen *s, int y, int x)
{
	if (y < 0 || x < 0 || y >= s->h || x >= s->w)
		return NULL;
	return &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
}

const struct cell *screen_cell(const struct screen *s, int y, int x)
{
	if (y < 0 || x < 0 || y >= s->h || x >= s->w)
		return NULL;
	return &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
}

static void cell_set(struct cell *c, const char *bytes, size_t n, unsigned attr)
{
	if (n >= CELL_BYTES)
		n = CELL_BYTES - 1;
	memcpy(c->ch, bytes, n);
	c->ch[n] = '\0';
	c->attr = attr;
}

void screen_clear(struct screen *s)
{
	for (int i = 0; i < s->w * s->h; i++)
		cell_set(&s->cells[i], " ", 1, 0);
	s->cur_y = -1;
	s->cur_x = 0;
}

/* Before overwriting (y, x), break up a wide character it is half of, so
 * no half of a wide character is left dangling. */
static void cell_unwide(struct screen *s, int y, int x)
{
	struct cell *c = cell_at(s, y, x), *n;

	if (!c)
		return;
	if (c->ch[0] == '\0') {
		struct cell *left = cell_at(s, y, x - 1);
		if (left)
			cell_set(left, " ", 1, left->attr);
	} else if ((n = cell_at(s, y, x + 1)) && n->ch[0] == '\0') {
		cell_set(n, " ", 1, n->attr);
	}
}

static bool is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* Display width of one code point, as text.h measures it (a bidirectional
 * control never gets here: screen_put shows it itself). */
static int cp_width(const char *bytes, size_t n)
{
	char buf[8];
	int w;

	if (n >= sizeof(buf))
		return 1;
	memcpy(buf, bytes, n);
	buf[n] = '\0';
	w = text_width(buf);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

int screen_put(struct screen *s, int y, int x, int maxw, unsigned attr, const char *str)
{
	int col = x, limit;
	size_t len;
	const char *p;

	if (!str || y < 0 || y >= s->h || x >= s->w || maxw <= 0)
		return 0;
	limit = x + maxw;
	if (limit > s->w)
		limit = s->w;
	len = strlen(str);
	p = str;
	while (p < str + len && col < limit) {
		unsigned cp;
		size_t n = utf8_decode(p, (size_t)(str + len - p), &cp);
		const char *bytes = p;
		char shown[TEXT_BIDI_SHOWN + 1];
		int w;

		if (n == 0)
			n = 1;
		p += n;
		if (text_bidi_shown(cp, shown)) {
			/* Shown as "<U+202E>", a cell a character, never sent to the
			 * terminal to turn the rest of the line around. */
			for (const char *c = shown; *c && col < limit; c++, col++) {
				if (col < 0)
					continue;
				cell_unwide(s, y, col);
				cell_set(cell_at(s, y, col), c, 1, attr);
			}
			continue;
		}
		if (is_control(cp) || cp == 0xfffd) {
			bytes = replacement;
			n = sizeof(replacement) - 1;
			w = 1;
		} else {
			w = cp_width(bytes, n);
		}
		if (w == 0) {
			/* A combining mark joins the character before it. */
			struct cell *prev = cell_at(s, y, col - 1);
			if (col > x && prev) {
				if (prev->ch[0] == '\0')
					prev = cell_at(s, y, col - 2);
				if (prev && strlen(prev->ch) + n < CELL_BYTES)
					strncat(prev->ch, bytes, n);
			}
			continue;
		}
		if (col < 0) {
			col += w;
			continue;
		}
		if (col + w > limit) {
			/* A wide character that does not fit leaves a blank. */
			cell_unwide(s, y, col);
			cell_set(cell_at(s, y, col), " ", 1, attr);
			col++;
			break;
		}
		cell_unwide(s, y, col);
		cell_set(cell_at(s, y, col), bytes, n, attr);
		if (w == 2) {
			cell_unwide(s, y, col + 1);
			cell_set(cell_at(s, y, col + 1), "", 0, attr);
		}
		col += w;
	}
	return col - x;
}

int screen_put_fit(struct screen *s, int y, int x, int maxw, unsigned attr, const char *str)
{
	char buf[4096];

	if (!str || maxw <= 0)
		return 0;
	if (x + maxw > s->w)
		maxw = s->w - x;
	if (maxw <= 0)
		return 0;
	if (strlen(str) >= sizeof(buf) / 2 || text_width(str) > maxw) {
		text_fit(str, maxw, buf, sizeof(buf));
		return screen_put(s, y, x, maxw, attr, buf);
	}
	return screen_put(s, y, x, maxw, attr, str);
}

int screen_printf(struct screen *s, int y, int x, int maxw, unsigned attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return screen_put_fit(s, y, x, maxw, attr, buf);
}

void screen_fill(struct screen *s, int y, int x, int w, unsigned attr)
{
	for (int i = 0; i < w; i++) {
		struct cell *c = cell_at(s, y, x + i);
		if (!c)
			continue;
		cell_unwide(s, y, x + i);
		cell_set(c, " ", 1, attr);
	}
}

void screen_fill_rect(struct screen *s, struct rect r, unsigned attr)
{
	for (int i = 0; i < r.h; i++)
		screen_fill(s, r.y + i, r.x, r.w, attr);
}

void screen_set_attr(struct screen *s, int y, int x, int w, unsigned attr)
{
	for (int i = 0; i < w; i++) {
		struct cell *c = cell_at(s, y, x + i);
		if (c)
			c->attr = attr;
	}
}

void screen_hline(struct screen *s, int y, int x, int w, unsigned attr)
{
	for (int i = 0; i < w; i++)
		screen_put(s, y, x + i, 1, attr, "─");
}

static void vline(struct screen *s, int y, int x, int h, unsigned attr)
{
	for (int i = 0; i < h; i++)
		screen_put(s, y + i, x, 1, attr, "│");
}

void screen_box(struct screen *s, struct rect r, unsigned attr, const char *title, unsigned title_attr)
{
	if (r.w < 2 || r.h < 2)
		return;
	screen_hline(s, r.y, r.x + 1, r.w - 2, attr);
	screen_hline(s, r.y + r.h - 1, r.x + 1, r.w - 2, attr);
	vline(s, r.y + 1, r.x, r.h - 2, attr);
	vline(s, r.y + 1, r.x + r.w - 1, r.h - 2, attr);
	screen_put(s, r.y, r.x, 1, attr, "┌");
	screen_put(s, r.y, r.x + r.w - 1, 1, attr, "┐");
	screen_put(s, r.y + r.h - 1, r.x, 1, attr, "└");
	screen_put(s, r.y + r.h - 1, r.x + r.w - 1, 1, attr, "┘");
	if (title && *title && r.w > 6) {
		int used = screen_put(s, r.y, r.x + 2, 1, attr, " ");
		used += screen_put_fit(s, r.y, r.x + 3, r.w - 6, title_attr, title);
		screen_put(s, r.y, r.x + 3 + used - 1, 1, attr, " ");
	}
}

void screen_cursor(struct screen *s, int y, int x)
{
	s->cur_y = y;
	s->cur_x = x;
}

char *screen_dump(const struct screen *s)
{
	struct sb sb = {0};

	for (int y = 0; y < s->h; y++) {
		size_t start = sb.len, keep;
		for (int x = 0; x < s->w; x++)
			sb_append(&sb, s->cells[(size_t)y * (size_t)s->w + (size_t)x].ch);
		keep = sb.len;
		while (keep > start && sb.s[keep - 1] == ' ')
			keep--;
		sb.len = keep;
		sb_append(&sb, "\n");
	}
	return sb_take(&sb);
}

struct rect rect_inner(struct rect r)
{
	struct rect in = { r.y + 1, r.x + 1, r.h - 2, r.w - 2 };

	if (in.h < 0)
		in.h = 0;
	if (in.w < 0)
		in.w = 0;
	return in;
}
