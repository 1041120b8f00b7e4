/* Importing an escalation log: the fields a CSV file's columns may hold, the map file that names them in another header, and reading a cell as a value. */
#ifndef DISPUTE_IMPORT_H
#define DISPUTE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/util.h"

/* The fields of a row, named as `dispute list --json` names them.  The
 * stages of the list's "stages" array are columns of their own:
 * "stage.N.started", "stage.N.due", "stage.N.due_agreed", "stage.N.due_reason",
 * "stage.N.response_due". */
#define IMPORT_FIELDS(X) \
	X(REFERENCE,     "reference") \
	X(PROTOCOL,      "protocol") \
	X(URGENT,        "urgent") \
	X(STATUS,        "status") \
	X(SUBJECT,       "subject") \
	X(RAISED_BY,     "raised_by") \
	X(AGAINST,       "against") \
	X(CATEGORY,      "category") \
	X(SUMMARY,       "summary") \
	X(OPENED,        "opened") \
	X(CLOSED,        "closed") \
	X(OUTCOME,       "outcome") \
	X(OUTSTANDING,   "outstanding") \
	X(CHALLENGED,    "formal_challenge") \
	X(CURRENT_STAGE, "current_stage") \
	X(DUE,           "due") \
	X(DUE_REASON,    "due_reason") \
	X(OWNER,         "owner") \
	X(REFERRED,      "referred") \
	X(REFERRED_TO,   "referred_to")

#define IMPORT_STAGE_FIELDS(X) \
	X(STARTED,       "started") \
	X(DUE,           "due") \
	X(DUE_AGREED,    "due_agreed") \
	X(DUE_REASON,    "due_reason") \
	X(RESPONSE_DUE,  "response_due")

enum import_field {
#define IMPORT_FIELD_ENUM(name, str) IF_##name,
	IMPORT_FIELDS(IMPORT_FIELD_ENUM)
#undef IMPORT_FIELD_ENUM
	IF_COUNT
};

enum import_stage_field {
#define IMPORT_STAGE_ENUM(name, str) ISF_##name,
	IMPORT_STAGE_FIELDS(IMPORT_STAGE_ENUM)
#undef IMPORT_STAGE_ENUM
	ISF_COUNT
};

/* Stages a row can give (the protocols have at most six). */
#define IMPORT_STAGES 20
/* A slot is a field of the row: IF_* for the dispute's own, then
 * ISF_COUNT for each stage from 1 (import_stage_slot). */
#define IMPORT_SLOTS (IF_COUNT + IMPORT_STAGES * ISF_COUNT)

static inline int import_stage_slot(int stage, enum import_stage_field f)
{
	return IF_COUNT + (stage - 1) * ISF_COUNT + (int)f;
}

/* The slot named name; -1 for a column of `list --json` that follows from
 * the others and is read over (stage_count, working_days_left, stages,
 * spans, urgent_route, next_deadline, process_due, deadlines, stage.N.name,
 * .limit, .due_time, .ended, .how, .sequence, .number, .step, .urgent_route,
 * .then_due, .then_time, .follow_up); -2 for no such field. */
int import_slot_find(const char *name);
/* The slot's name into out ("opened", "stage.2.started"); returns out. */
char *import_slot_name(int slot, char *out, size_t outlen);

/* A map file (INI): how another header names the fields, values given
 * where the file has no column, and how its dates are written.
 *
 *     [columns]             field = the column's heading
 *     [defaults]            field = the value where the row has none
 *     [format]              date_format = dd/mm/yyyy
 *     [status]              the file's word = open|resolved|withdrawn|referred
 */
struct import_status_word {
	char *word;
	enum dispute_status status;
};

struct import_map {
	char *column[IMPORT_SLOTS];     /* the heading that holds the slot, or NULL */
	int column_line[IMPORT_SLOTS];  /* where the map says so */
	char *dflt[IMPORT_SLOTS];       /* the value where the row has none, or NULL */
	char date_format[16];           /* "D/M/Y": D, M and Y in their order and the separators; "" for ISO only */
	char date_words[16];            /* the format as the map wrote it, for messages */
	struct import_status_word *words;
	size_t nwords;
	char *path;
};

void import_map_init(struct import_map *m);
void import_map_free(struct import_map *m);

/* Reads the map file's text (path names it in messages: "PATH:LINE:
 * reason", ST_INVALID). */
enum status import_map_parse(const char *path, const char *text, size_t len, struct import_map *m,
                             struct error *err);

/* Which column of a header holds each slot, and what a row without one holds. */
struct import_columns {
	int col[IMPORT_SLOTS];          /* the column, or -1 */
	const char *dflt[IMPORT_SLOTS]; /* borrowed from the map, or NULL */
	char **heading;                 /* the header's cells (copies) */
	size_t ncols;
	int top_stage;                  /* the highest stage with a column or default */
};

/* Resolves a header (map NULL: every heading must be a field's name).
 * Refuses a heading that names no field (without a map), a field given
 * twice, a map's heading the header does not have, and a header without
 * the fields a dispute needs; err names them all (ST_INVALID). */
enum status import_columns_read(const struct import_map *m, char *const *cells, size_t n,
                                struct import_columns *out, struct error *err);
void import_columns_free(struct import_columns *c);

/* A date as ISO (YYYY-MM-DD), or as the map's date_format says; false
 * when it is neither (or not a real date). */
bool import_date(const struct import_map *m, const char *s, long *out);
/* true/false, yes/no, y/n, 1/0 in any case. */
bool import_bool(const char *s, bool *out);
/* A status name in any case, or a word the map's [status] gives. */
bool import_status(const struct import_map *m, const char *s, enum dispute_status *out);
/* Whether s can be a reference: 1 to 15 letters, digits, '-', '_' or '.',
 * starting with a letter or digit. */
bool import_reference_ok(const char *s);
/* The year and number of a reference of the form D-YYYY-NNNN, as
 * dispute numbers them; false for any other. */
bool import_reference_number(const char *s, int *year, long long *number);

#endif
