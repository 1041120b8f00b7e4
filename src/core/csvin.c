/* CSV files read through libcsv, with the line each record starts on counted as the file has it (quoted line breaks included). */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "dispute/csvin.h"

struct reader {
	csvin_fn fn;
	void *arg;
	int stop;
	long line;              /* the line the parser has reached */
	bool cr_pending;        /* the last thing seen was a CR ending a line: an LF next is the same break */
	bool in_record;
	struct csvin_record rec;
	size_t cap;
	struct sb cells;        /* the record's cells, each with its NUL, one after the other */
	size_t *offsets;
};

/* Line breaks in s[0..n): LF, CRLF and a lone CR count one each. */
static long breaks(const char *s, size_t n)
{
	long count = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			count++;
	return count;
}

static void on_cell(void *s, size_t len, void *arg)
{
	struct reader *r = arg;

	if (r->stop)
		return;
	if (!r->in_record) {
		r->in_record = true;
		r->rec.line = r->line;
		r->rec.ncells = 0;
		r->cells.len = 0;
	}
	r->cr_pending = false;
	if (r->rec.ncells == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->offsets = xrealloc(r->offsets, r->cap * sizeof(*r->offsets));
		r->rec.cells = xrealloc(r->rec.cells, r->cap * sizeof(*r->rec.cells));
	}
	r->offsets[r->rec.ncells++] = r->cells.len;
	sb_appendn(&r->cells, s ? s : "", s ? len : 0);
	sb_appendn(&r->cells, "", 1);
	r->line += breaks(s ? s : "", s ? len : 0);
}

static void on_end(int c, void *arg)
{
	struct reader *r = arg;
	bool blank = true;

	if (c == '\r') {
		r->line++;
		r->cr_pending = true;
	} else if (c == '\n') {
		if (!r->cr_pending)
			r->line++;
		r->cr_pending = false;
	}
	if (!r->in_record || r->stop)
		return;
	r->in_record = false;
	for (size_t i = 0; i < r->rec.ncells; i++) {
		r->rec.cells[i] = r->cells.s + r->offsets[i];
		if (*r->rec.cells[i])
			blank = false;
	}
	if (!blank)
		r->stop = r->fn(&r->rec, r->arg);
}

enum status csvin_read(const char *text, size_t len, csvin_fn fn, void *arg, long *bad_line, struct error *err)
{
	static const char bom[] = "\xEF\xBB\xBF";
	struct csv_parser p;
	struct reader r;
	const char *nul = memchr(text, '\0', len);
	enum status rc = ST_OK;
	size_t start = 0, done;

	*bad_line = 0;
	if (nul) {
		*bad_line = 1 + breaks(text, (size_t)(nul - text));
		return error_set(err, ST_INVALID, "a NUL byte: this is not a text file");
	}
	if (len >= 3 && memcmp(text, bom, 3) == 0)
		start = 3;
	memset(&r, 0, sizeof(r));
	r.fn = fn;
	r.arg = arg;
	r.line = 1;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL) != 0)
		oom();
	done = csv_parse(&p, text + start, len - start, on_cell, on_end, &r);
	if (done < len - start) {
		if (csv_error(&p) == CSV_EPARSE) {
			*bad_line = 1 + breaks(text, start + done);
			rc = error_set(err, ST_INVALID, "a quote out of place: a cell holding a quote, comma or line break "
			               "is written in double quotes, with each quote inside doubled (\"\")");
		} else {
			oom();
		}
	} else if (csv_fini(&p, on_cell, on_end, &r) != 0) {
		*bad_line = r.in_record ? r.rec.line : r.line;
		rc = error_set(err, ST_INVALID, "a quoted cell is not closed before the end of the file");
	}
	csv_free(&p);
	free(r.cells.s);
	free(r.offsets);
	free(r.rec.cells);
	return rc;
}
