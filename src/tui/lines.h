/* A list of wrapped, attributed display lines that a pane builds and then shows through a scrolled window. */
#ifndef DISPUTE_LINES_H
#define DISPUTE_LINES_H

#include <stddef.h>

#include "dispute/screen.h"
#include "dispute/text.h"

/* How a word a search matched is shown: in reverse, in its own colour, so
 * that it stands out without colour too. */
#define LINES_MATCH (SA_REVERSE | SA_BOLD | SA_COLOUR(SC_MATCH))

struct line {
	unsigned attr;
	int indent;
	char *text;             /* owned, one display line */
	struct text_span *marks;    /* owned: the bytes of text shown as a search's match */
	size_t nmarks;
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
/* The same, with the byte ranges marks[0..nmarks) of text (in order,
 * apart) shown as LINES_MATCH wherever the wrapping puts them. */
void lines_add_marked(struct lines *l, unsigned attr, int indent, int hang, const char *text,
                      const struct text_span *marks, size_t nmarks);
void lines_addf(struct lines *l, unsigned attr, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds one line, cut with "…" when wider than the width. */
void lines_add_clip(struct lines *l, unsigned attr, int indent, const char *text);
/* Draws lines [first, first + r.h) into r. */
void lines_draw(const struct lines *l, struct screen *s, struct rect r, size_t first);

#endif
