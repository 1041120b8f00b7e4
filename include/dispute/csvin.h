/* Reading CSV (RFC 4180) held in memory: records handed over one by one with the physical line each starts on. */
#ifndef DISPUTE_CSVIN_H
#define DISPUTE_CSVIN_H

#include <stddef.h>

#include "dispute/util.h"

/* One record: its cells, each NUL-terminated, all borrowed for the call. */
struct csvin_record {
	long line;              /* the physical line of the file the record starts on, 1-based */
	size_t ncells;
	char **cells;
};

/* Returns non-zero to stop reading. */
typedef int (*csvin_fn)(const struct csvin_record *r, void *arg);

/* Reads text[0..len) as CSV: cells split by commas, a cell in double quotes
 * may hold commas, line breaks and doubled quotes; records end at LF, CRLF
 * or CR; a UTF-8 byte order mark at the start (as Excel writes it) is
 * skipped; spaces around an unquoted cell are dropped.  A record whose
 * cells are all empty (a blank line, or ",,," as spreadsheets save their
 * empty rows) is skipped.  fn receives every other record in order.
 * ST_INVALID when the text is not CSV (a quote out of place, a quoted cell
 * never closed, a NUL byte): err says why and *bad_line where. */
enum status csvin_read(const char *text, size_t len, csvin_fn fn, void *arg, long *bad_line, struct error *err);

#endif
