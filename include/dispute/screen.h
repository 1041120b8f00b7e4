/* An abstract terminal screen: a grid of cells the panes draw on, with no terminal library behind it. */
#ifndef DISPUTE_SCREEN_H
#define DISPUTE_SCREEN_H

#include <stdbool.h>

#include "dispute/layer.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_TUI | DISPUTE_LAYER_TERM)
#error "screen.h belongs to the workbench and its terminal back-end"
#endif

/* Attribute bits of a cell.  The semantic colour sits in bits 8..11 so the
 * terminal back-end can map it to a colour pair, or ignore it (NO_COLOR):
 * meaning is never carried by colour alone. */
enum {
	SA_BOLD = 1u << 0,
	SA_REVERSE = 1u << 1,
	SA_DIM = 1u << 2,
	SA_UNDERLINE = 1u << 3
};

enum screen_colour {
	SC_NONE,
	SC_OVERDUE,
	SC_URGENT,
	SC_OK,
	SC_HEADER,
	SC_SELECT,
	SC_MATCH,         /* a word a search matched */
	SC_COUNT
};

#define SA_COLOUR(c) ((unsigned)(c) << 8)
#define SA_COLOUR_OF(a) ((enum screen_colour)(((a) >> 8) & 0xfu))

/* One UTF-8 cluster (a base character and any combining marks) per cell.
 * A wide character occupies its cell and the next, whose ch is "". */
#define CELL_BYTES 24
struct cell {
	char ch[CELL_BYTES];
	unsigned attr;
};

struct rect {
	int y, x, h, w;
};

/* cells is owned by the screen; cur_y < 0 hides the cursor. */
struct screen {
	int w, h;
	struct cell *cells;
	int cur_y, cur_x;
};

/* Sets up a blank w x h screen (at least 1 x 1). */
void screen_init(struct screen *s, int w, int h);
void screen_free(struct screen *s);
/* Changes the size; the content is blanked. */
void screen_resize(struct screen *s, int w, int h);
/* Blanks every cell and hides the cursor. */
void screen_clear(struct screen *s);

/* Writes str at (y, x) using at most maxw columns (clipped to the screen
 * too), one cell per character, in attr.  Control characters and invalid
 * UTF-8 show as U+FFFD and bidirectional controls as "<U+202E>" (as
 * text_sanitize shows them), so nothing written here can reach a terminal raw.
 * Returns the columns used. */
int screen_put(struct screen *s, int y, int x, int maxw, unsigned attr, const char *str);
/* Like screen_put but ends the text with "…" when it does not fit. */
int screen_put_fit(struct screen *s, int y, int x, int maxw, unsigned attr, const char *str);
int screen_printf(struct screen *s, int y, int x, int maxw, unsigned attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Fills w cells from (y, x) with spaces in attr. */
void screen_fill(struct screen *s, int y, int x, int w, unsigned attr);
void screen_fill_rect(struct screen *s, struct rect r, unsigned attr);
/* Replaces the attributes of w cells from (y, x), keeping the text. */
void screen_set_attr(struct screen *s, int y, int x, int w, unsigned attr);
void screen_hline(struct screen *s, int y, int x, int w, unsigned attr);
/* A box around r with an optional title in its top edge. */
void screen_box(struct screen *s, struct rect r, unsigned attr, const char *title, unsigned title_attr);
void screen_cursor(struct screen *s, int y, int x);

/* Returns the cell at (y, x), or NULL outside the screen. Borrowed. */
const struct cell *screen_cell(const struct screen *s, int y, int x);

/* The text of the screen, one line per row with trailing spaces removed,
 * each ending in "\n".  Returns a new string the caller frees. */
char *screen_dump(const struct screen *s);

/* The inner area of a box drawn around r. */
struct rect rect_inner(struct rect r);

#endif
