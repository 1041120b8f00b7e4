/* The workbench's report view (`R`): the partnership statistics for a chosen period, drawn as bar charts. */
#ifndef DISPUTE_VIEW_REPORT_H
#define DISPUTE_VIEW_REPORT_H

#include "app.h"
#include "dispute/screen.h"

/* Opens the view on this calendar year to today.  Returns APP_* bits. */
unsigned report_open(struct app *a);
/* Frees the view and returns to the panes. */
void report_close(struct app *a);

#endif
