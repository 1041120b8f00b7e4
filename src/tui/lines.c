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
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void push(struct lines *l, unsigned attr, int indent, char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct line){ attr, indent, text };
}

void lines_add(struct lines *l, unsigned attr, int indent, int hang, const char *text)
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
		push(l, attr, i == 0 ? indent : indent + hang, piece);
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

void lines_draw(const struct lines *l, struct screen *s, struct rect r, size_t first)
{
	for (int i = 0; i < r.h && first + (size_t)i < l->n; i++) {
		const struct line *ln = &l->v[first + (size_t)i];
		screen_put_fit(s, r.y + i, r.x + ln->indent, r.w - ln->indent, ln->attr, ln->text);
	}
}
