/* Forms and dialogs over the panes: the new-dispute form, confirmations and prompts, search, help and the draft offer. */
#ifndef DISPUTE_FORM_H
#define DISPUTE_FORM_H

#include "dispute/app.h"
#include "dispute/screen.h"
#include "dispute/textedit.h"

/* The new-dispute form. */
void form_new_open(struct app *a);
void form_new_free(struct app *a);
unsigned form_new_key(struct app *a, int key);
void form_new_draw(struct app *a, struct screen *s);

/* The multi-step actions (escalate, set due, resolve, withdraw,
 * challenge): flow_start checks the selected dispute and opens the first
 * dialog; dialog_key walks the steps and calls the service at the end. */
unsigned flow_start(struct app *a, enum action act);
unsigned dialog_key(struct app *a, int key);
void dialog_draw(struct app *a, struct screen *s);
void dialog_close(struct app *a);

/* The search prompt in the status line. */
unsigned search_key(struct app *a, int key);
void search_draw(struct app *a, struct screen *s);

/* The help screen, generated from the action table. */
unsigned help_key(struct app *a, int key);
void help_draw(struct app *a, struct screen *s);

/* The offer of a draft kept from a previous run. */
unsigned draft_key(struct app *a, int key);
void draft_draw(struct app *a, struct screen *s);

/* A centred box of w x h inside the body, cleared, with a title. */
struct rect form_box(struct app *a, struct screen *s, int w, int h, const char *title);

/* A one-line input field at (y, x), w columns, scrolled so the cursor
 * shows; the cursor is placed there when focused. */
void form_field_draw(struct screen *s, int y, int x, int w, const struct textedit *t, bool focused);
/* Draws text wrapped to w columns from (y, x), at most maxh lines;
 * returns the lines used. */
int form_text_draw(struct screen *s, int y, int x, int w, int maxh, unsigned attr, const char *text);
/* The lines text takes wrapped to w columns. */
int form_text_lines(const char *text, int w);
/* True when s holds nothing but spaces, tabs and newlines. */
bool form_blank(const char *s);

#endif
