/* The terminal back-end: `dispute` with no command runs the workbench in the terminal. */
#ifndef DISPUTE_TERM_H
#define DISPUTE_TERM_H

#include "dispute/layer.h"
#include "dispute/service.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_TERM | DISPUTE_LAYER_CLI)
#error "term.h is for the command line, which starts the workbench"
#endif

/* Runs the workbench on an opened ctx (borrowed) until the user quits.
 * Returns the process exit code. */
int term_run(struct ctx *c);

#endif
