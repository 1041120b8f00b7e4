/* The interactive workbench: `dispute` with no command. */
#ifndef DISPUTE_TUI_H
#define DISPUTE_TUI_H

#include "dispute/service.h"

/* Runs the workbench on an opened ctx (borrowed) until the user quits.
 * Returns the process exit code. */
int tui_run(struct ctx *c);

#endif
