/* The workbench as the terminal back-end drives it: keys and pastes in, an abstract screen out, and "what happens next" back. */
#ifndef DISPUTE_TUI_H
#define DISPUTE_TUI_H

#include <stddef.h>

#include "dispute/layer.h"
#include "dispute/screen.h"
#include "dispute/service.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_TUI | DISPUTE_LAYER_TERM)
#error "tui.h is the workbench's face to the terminal back-end"
#endif

/* What app_key and friends ask the caller to do next (a bitmask). */
enum {
	APP_NONE = 0,
	APP_REDRAW = 1u << 0,
	APP_QUIT = 1u << 1,
	APP_BELL = 1u << 2,
	APP_REPAINT = 1u << 3     /* the terminal may be garbled: repaint every cell */
};

struct app;

/* A new workbench on an opened ctx (borrowed for the app's life), w x h:
 * loads the first screen's worth of data and looks for a kept draft.
 * Free with app_delete, which stores a pending draft. */
struct app *app_new(struct ctx *c, int w, int h);
void app_delete(struct app *a);

/* The terminal is now w x h. */
unsigned app_resize(struct app *a, int w, int h);
/* Handles one key (keys.h) that arrived at now_ms (a monotonic clock in
 * milliseconds).  Returns APP_* bits. */
unsigned app_key(struct app *a, int key, long now_ms);
/* Handles a bracketed paste: the bytes as received, inserted as text into
 * the focused text field (cleaned, never cut short), or refused with a
 * word on the status line when no text field has the focus.  Returns APP_* bits. */
unsigned app_paste(struct app *a, const char *bytes, size_t n, long now_ms);
/* Called whenever the input is idle and after each batch of keys, with a
 * monotonic clock in milliseconds: stores the record draft once it has
 * been unsaved for a moment, so typing is never held up by the disk. */
unsigned app_tick(struct app *a, long now_ms);
/* Whether work waits for a moment when nothing is typed (the count of a
 * search whose first page is shown), and that work, for the terminal to
 * call when no input is pending: APP_* bits. */
bool app_waiting(const struct app *a);
unsigned app_idle(struct app *a);
/* Stores the draft now if it changed. */
void app_flush_draft(struct app *a);
/* "Now" is today at minute (the terminal loop reads the clock).  Reloads
 * what is shown when the day changes or a timed deadline on screen has
 * just passed.  Returns APP_* bits. */
unsigned app_clock(struct app *a, long today, int minute);
/* Draws everything onto s, which must be a->w x a->h. */
void app_draw(struct app *a, struct screen *s);
/* What to say on the terminal once the workbench has closed (where a kept
 * draft waits), or "".  Borrowed until app_delete. */
const char *app_quit_note(const struct app *a);

#endif
