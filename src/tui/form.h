/* Forms and dialogs over the panes: the new-dispute form, the flows that change a dispute, who is writing, and the drawing they share. */
#ifndef DISPUTE_FORM_H
#define DISPUTE_FORM_H

#include "app.h"
#include "dispute/screen.h"
#include "textedit.h"

/* The new-dispute form (mode_form_ops takes it from there). */
void form_new_open(struct app *a);

/* The actions that change a dispute (escalate, set due, resolve, withdraw,
 * challenge): flow_start checks the selected dispute and opens the first
 * prompt or the confirmation; mode_dialog_ops walks the steps, and only
 * Ctrl-S on the confirmation calls the service. */
unsigned flow_start(struct app *a, enum action act);
void dialog_close(struct app *a);

/* Asks who is writing (name and role), saved in the settings. */
void identity_open(struct app *a);

/* A centred box of w x h inside the body, cleared, with a title. */
struct rect form_box(struct app *a, struct screen *s, int w, int h, const char *title);

/* A one-line input field at (y, x), w columns: scrolled so the cursor
 * shows while focused (where the cursor is placed), from its start otherwise. */
void form_field_draw(struct screen *s, int y, int x, int w, const struct textedit *t, bool focused);
/* Draws text wrapped to w columns from (y, x), at most maxh lines;
 * returns the lines used. */
int form_text_draw(struct screen *s, int y, int x, int w, int maxh, unsigned attr, const char *text);
/* The lines text takes wrapped to w columns. */
int form_text_lines(const char *text, int w);
/* True when s holds nothing but spaces, tabs and newlines. */
bool form_blank(const char *s);

#endif
