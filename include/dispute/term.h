/* The terminal back-end: `dispute` with no command runs the workbench in the terminal. */
#ifndef DISPUTE_TERM_H
#define DISPUTE_TERM_H

#include "dispute/layer.h"
#include "dispute/service.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_TERM | DISPUTE_LAYER_CLI)
#error "term.h is for the command line, which starts the workbench"
#endif

/* "Now" as the program reads it (clock_now, which the terminal does not
 * include): asked while idle, so a workbench left open all day moves on
 * with the clock. */
typedef enum status term_clock_fn(long *today, int *minute, struct error *err);

/* Runs the workbench on an opened ctx (borrowed) until the user quits.
 * Returns the process exit code. */
int term_run(struct ctx *c, term_clock_fn *now);

#endif
