/* The workbench's calendar invite (`x`): asks for what is missing, previews exactly what will leave the machine, then writes the file. */
#ifndef DISPUTE_VIEW_INVITE_H
#define DISPUTE_VIEW_INVITE_H

#include "app.h"
#include "dispute/screen.h"

/* Starts on the selected dispute: a request for its current deadline, or
 * for a closed dispute the cancellation of its last stage's invite.  Asks
 * for the user's details and the stage's counterpart when missing, then
 * shows the preview.  A refusal closes the view with a message in the
 * status line.  Returns APP_* bits. */
unsigned invite_open(struct app *a);
/* After a change of ref: when invites are owed, asks "2 invites owed:
 * send them?" (Ctrl-S sends them by mail, x shows them one by one, Esc
 * leaves them).  Returns false, and changes nothing, when none are. */
bool invite_owed_ask(struct app *a, const char *ref);
/* Frees the view and returns to the panes; nothing is written. */
void invite_close(struct app *a);

#endif
