/* The four panes of the workbench, each a small table of operations over the app state. */
#ifndef DISPUTE_PANE_H
#define DISPUTE_PANE_H

#include <stdbool.h>

#include "app.h"
#include "dispute/keys.h"
#include "dispute/screen.h"

/* Like tig's view_ops: how a pane draws itself inside its box and how it
 * takes the movement actions while it has the focus. */
struct pane_ops {
	const char *title;
	/* Draws the pane's content (and box) into r. */
	void (*draw)(struct app *a, struct screen *s, struct rect r, bool focused);
	/* Handles an action; returns APP_* bits (APP_BELL when it does not apply). */
	unsigned (*action)(struct app *a, enum action act);
};

extern const struct pane_ops pane_list_ops;
extern const struct pane_ops pane_timeline_ops;
extern const struct pane_ops pane_records_ops;
extern const struct pane_ops pane_board_ops;

/* Draws the box of a pane, marking the focused one. */
void pane_frame(struct screen *s, struct rect r, const char *title, bool focused);

#endif
