/* A list of wrapped, attributed display lines that a pane builds and then shows through a scrolled window. */
#ifndef DISPUTE_LINES_H
#define DISPUTE_LINES_H

#include <stddef.h>

#include "dispute/screen.h"

struct line {
	unsigned attr;
	int indent;
	char *text;             /* owned, one display line */
};

struct lines {
	struct line *v;
	size_t n, cap;
	int width;              /* the width lines are wrapped to */
};

void lines_init(struct lines *l, int width);
void lines_free(struct lines *l);
/* Adds text (may hold newlines) wrapped to the width after indent columns;
 * continuation lines get indent + hang columns. */
void lines_add(struct lines *l, unsigned attr, int indent, int hang, const char *text);
void lines_addf(struct lines *l, unsigned attr, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds one line, cut with "…" when wider than the width. */
void lines_add_clip(struct lines *l, unsigned attr, int indent, const char *text);
/* Draws lines [first, first + r.h) into r. */
void lines_draw(const struct lines *l, struct screen *s, struct rect r, size_t first);

#endif
