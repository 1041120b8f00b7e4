/* The record editor: kind, time and multi-line text of a new journal record (or a correction), stored as a draft while typed. */
#ifndef DISPUTE_EDITOR_H
#define DISPUTE_EDITOR_H

#include "app.h"
#include "dispute/screen.h"

/* Opens the editor on the selected dispute: its kept draft when there is
 * one, else a new record, or a correction of record `amends` (0: none).
 * Refuses (status line) a correction while a different draft is kept. */
void editor_open(struct app *a, long long amends);
void editor_draw(struct app *a, struct screen *s, struct rect r);
/* The text changed (a key or a paste): the draft is stored soon. */
void editor_changed(struct app *a);
/* Stores the draft (or clears it when the text is empty) if it changed. */
void editor_keep_draft(struct app *a);

#endif
