/* The record editor: kind, time and multi-line text of a new journal record, stored as a draft while typed. */
#ifndef DISPUTE_EDITOR_H
#define DISPUTE_EDITOR_H

#include "dispute/app.h"
#include "dispute/screen.h"

/* Opens the editor on the selected dispute.  text (may be NULL) is a draft
 * to continue; otherwise the dispute's stored draft, if any, is loaded. */
void editor_open(struct app *a, const char *text, enum record_kind kind, bool have_kind);
unsigned editor_key(struct app *a, int key);
void editor_draw(struct app *a, struct screen *s, struct rect r);
/* Stores the draft (or clears it when the text is empty) if it changed. */
void editor_store_draft(struct app *a);
/* Closes the editor, keeping the draft. */
void editor_close(struct app *a);

#endif
