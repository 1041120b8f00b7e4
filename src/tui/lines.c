/* Wrapped display lines for the timeline and record panes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "dispute/text.h"
#include "textedit.h"
#include "dispute/util.h"

void lines_init(struct lines *l, int width)
{
	memset(l, 0, sizeof(*l));
	l->width = width > 1 ? width : 1;
}

void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].marks);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct line *push(struct lines *l, unsigned attr, int indent, char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n] = (struct line){ attr, indent, text, NULL, 0 };
	return &l->v[l->n++];
}

/* The parts of marks that fall within text[from, from + len), relative to from. */
static void marks_within(struct line *ln, const struct text_span *marks, size_t nmarks, size_t from, size_t len)
{
	for (size_t i = 0; i < nmarks; i++) {
		size_t a = marks[i].start > from ? marks[i].start : from;
		size_t b = marks[i].end < from + len ? marks[i].end : from + len;

		if (a >= b)
			continue;
		ln->marks = xrealloc(ln->marks, (ln->nmarks + 1) * sizeof(*ln->marks));
		ln->marks[ln->nmarks++] = (struct text_span){ a - from, b - from };
	}
}

void lines_add(struct lines *l, unsigned attr, int indent, int hang, const char *text)
{
	lines_add_marked(l, attr, indent, hang, text, NULL, 0);
}

void lines_add_marked(struct lines *l, unsigned attr, int indent, int hang, const char *text,
                      const struct text_span *marks, size_t nmarks)
{
	struct wrap_line *w;
	size_t n, len = strlen(text);
	int first_w = l->width - indent, rest_w = l->width - indent - hang;

	if (first_w < 1)
		first_w = 1;
	if (rest_w < 1)
		rest_w = 1;
	/* Wrap at the narrower continuation width so every line fits. */
	n = text_wrap(text, len, hang > 0 ? rest_w : first_w, &w);
	for (size_t i = 0; i < n; i++) {
		char *piece = xstrndup(text + w[i].start, w[i].end - w[i].start);
		size_t k = strlen(piece);

		for (char *p = piece; *p; p++)
			if (*p == '\t')
				*p = ' ';
		while (k > 0 && piece[k - 1] == ' ')
			piece[--k] = '\0';
		marks_within(push(l, attr, i == 0 ? indent : indent + hang, piece), marks, nmarks, w[i].start, k);
	}
	free(w);
}

void lines_add_clip(struct lines *l, unsigned attr, int indent, const char *text)
{
	size_t cap = strlen(text) + 8;
	char *buf = xmalloc(cap);

	text_fit(text, l->width - indent > 1 ? l->width - indent : 1, buf, cap);
	push(l, attr, indent, buf);
}

void lines_addf(struct lines *l, unsigned attr, int indent, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lines_add(l, attr, indent, 0, buf);
}

/* Display columns of text[0, n). */
static int width_of(const char *text, size_t n)
{
	char *part = xstrndup(text, n);
	int w = text_width(part);

	free(part);
	return w;
}

void lines_draw(const struct lines *l, struct screen *s, struct rect r, size_t first)
{
	for (int i = 0; i < r.h && first + (size_t)i < l->n; i++) {
		const struct line *ln = &l->v[first + (size_t)i];
		int room = r.w - ln->indent;

		screen_put_fit(s, r.y + i, r.x + ln->indent, room, ln->attr, ln->text);
		/* The text is drawn as it is, then the matched words are
		 * marked by their columns: nothing in the text can make a mark. */
		for (size_t k = 0; k < ln->nmarks; k++) {
			int col = width_of(ln->text, ln->marks[k].start);
			int w = width_of(ln->text + ln->marks[k].start, ln->marks[k].end - ln->marks[k].start);

			if (col < room)
				screen_set_attr(s, r.y + i, r.x + ln->indent + col, w < room - col ? w : room - col,
				                (ln->attr & ~(SA_DIM | SA_COLOUR(0xf))) | LINES_MATCH);
		}
	}
}
