/* "Now" for the program: the only place that reads the clock. */
#ifndef DISPUTE_CLOCK_H
#define DISPUTE_CLOCK_H

#include "dispute/layer.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_SERVICE | DISPUTE_LAYER_CLI)
#error "clock.h belongs to the service and main: the core, the workbench and the terminal are handed \"now\", so they can be tested at any date"
#endif

/* Sets *today and *minute (minutes since local midnight) from the local
 * clock, or from DISPUTE_TODAY=YYYY-MM-DD (time 09:00) and
 * DISPUTE_TIME=HH:MM when set, so tests and back-dated entry are exact.
 * ST_USAGE names a malformed override. */
enum status clock_now(long *today, int *minute, struct error *err);

/* Writes the current UTC time as "YYYYMMDDTHHMMSSZ" (17 bytes), the
 * DTSTAMP of calendar invites; DISPUTE_DTSTAMP, when it has that form,
 * pins it for exact tests. */
void clock_utc_stamp(char out[17]);

#endif
