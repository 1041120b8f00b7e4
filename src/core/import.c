/* The fields of an imported escalation log, the map file that names them under another header, and cells read as dates, flags, statuses and references. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "dispute/date.h"
#include "dispute/import.h"

static const char *const field_names[] = {
#define IMPORT_FIELD_NAME(name, str) str,
	IMPORT_FIELDS(IMPORT_FIELD_NAME)
#undef IMPORT_FIELD_NAME
};

static const char *const stage_field_names[] = {
#define IMPORT_STAGE_NAME(name, str) str,
	IMPORT_STAGE_FIELDS(IMPORT_STAGE_NAME)
#undef IMPORT_STAGE_NAME
};

/* What `list --json` prints that follows from the fields above. */
static const char *const derived[] = { "stage_count", "working_days_left", "stages", "spans" };
static const char *const stage_derived[] = { "number", "name", "limit", "due_time", "ended", "how", "sequence" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The fields a dispute cannot be opened without. */
static const enum import_field needed[] = { IF_PROTOCOL, IF_SUBJECT, IF_RAISED_BY, IF_AGAINST, IF_CATEGORY,
                                            IF_SUMMARY, IF_OPENED };

int import_slot_find(const char *name)
{
	char *end;
	long n;

	for (size_t i = 0; i < COUNT(field_names); i++)
		if (strcmp(name, field_names[i]) == 0)
			return (int)i;
	for (size_t i = 0; i < COUNT(derived); i++)
		if (strcmp(name, derived[i]) == 0)
			return -1;
	if (strncmp(name, "stage.", 6) != 0 || !isdigit((unsigned char)name[6]))
		return -2;
	errno = 0;
	n = strtol(name + 6, &end, 10);
	if (errno || *end != '.' || n < 1 || n > IMPORT_STAGES || (name[6] == '0'))
		return -2;
	for (size_t i = 0; i < COUNT(stage_field_names); i++)
		if (strcmp(end + 1, stage_field_names[i]) == 0)
			return import_stage_slot((int)n, (enum import_stage_field)i);
	for (size_t i = 0; i < COUNT(stage_derived); i++)
		if (strcmp(end + 1, stage_derived[i]) == 0)
			return -1;
	return -2;
}

char *import_slot_name(int slot, char *out, size_t outlen)
{
	if (slot < IF_COUNT)
		snprintf(out, outlen, "%s", field_names[slot]);
	else
		snprintf(out, outlen, "stage.%d.%s", (slot - IF_COUNT) / ISF_COUNT + 1,
		         stage_field_names[(slot - IF_COUNT) % ISF_COUNT]);
	return out;
}

void import_map_init(struct import_map *m)
{
	memset(m, 0, sizeof(*m));
}

void import_map_free(struct import_map *m)
{
	for (int i = 0; i < IMPORT_SLOTS; i++) {
		free(m->column[i]);
		free(m->dflt[i]);
	}
	for (size_t i = 0; i < m->nwords; i++)
		free(m->words[i].word);
	free(m->words);
	free(m->path);
	import_map_init(m);
}

/* ---- the map file ---- */

struct map_parse {
	struct import_map *m;
	const char *pos, *end;
	int line;
	int errline;
	char problem[512];
};

/* Hands inih one line at a time, so that every value knows its line. */
static char *map_read_line(char *buf, int size, void *stream)
{
	struct map_parse *p = stream;
	int n = 0;

	if (p->pos >= p->end)
		return NULL;
	while (p->pos < p->end && n < size - 1) {
		char ch = *p->pos++;

		buf[n++] = ch;
		if (ch == '\n')
			break;
	}
	buf[n] = '\0';
	p->line++;
	return buf;
}

/* "dd/mm/yyyy" as "D/M/Y"; false for anything else. */
static bool format_compile(const char *words, char out[16])
{
	int seen_d = 0, seen_m = 0, seen_y = 0;
	size_t o = 0;

	for (const char *s = words; *s;) {
		if (o + 1 >= 16)
			return false;
		if (strncmp(s, "yyyy", 4) == 0) {
			out[o++] = 'Y';
			seen_y++;
			s += 4;
		} else if (strncmp(s, "dd", 2) == 0 || strncmp(s, "mm", 2) == 0) {
			out[o++] = (char)toupper((unsigned char)*s);
			*s == 'd' ? seen_d++ : seen_m++;
			s += 2;
		} else if (*s == 'd' || *s == 'm') {
			out[o++] = (char)toupper((unsigned char)*s);
			*s == 'd' ? seen_d++ : seen_m++;
			s++;
		} else if (strchr("/-. ", *s)) {
			out[o++] = *s++;
		} else {
			return false;
		}
	}
	out[o] = '\0';
	return seen_d == 1 && seen_m == 1 && seen_y == 1;
}

static int map_fail(struct map_parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int map_fail(struct map_parse *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->errline) {
		p->errline = p->line;
		va_start(ap, fmt);
		vsnprintf(p->problem, sizeof(p->problem), fmt, ap);
		va_end(ap);
	}
	return 1;
}

static int map_key(void *user, const char *section, const char *key, const char *value)
{
	struct map_parse *p = user;
	struct import_map *m = p->m;
	int slot;

	if (p->errline)
		return 1;
	if (strcmp(section, "columns") == 0 || strcmp(section, "defaults") == 0) {
		bool columns = section[0] == 'c';

		slot = import_slot_find(key);
		if (slot == -1)
			return map_fail(p, "%s follows from the other fields and is not imported", key);
		if (slot < 0)
			return map_fail(p, "no field '%s' (the fields are those of 'dispute list --json')", key);
		if (!*value)
			return map_fail(p, "%s: no %s given", key, columns ? "heading" : "value");
		if (columns ? m->column[slot] != NULL : m->dflt[slot] != NULL)
			return map_fail(p, "%s is given twice in [%s]", key, section);
		if (columns) {
			m->column[slot] = xstrdup(value);
			m->column_line[slot] = p->line;
		} else {
			m->dflt[slot] = xstrdup(value);
		}
		return 1;
	}
	if (strcmp(section, "format") == 0) {
		if (strcmp(key, "date_format") != 0)
			return map_fail(p, "[format] has only date_format, not '%s'", key);
		if (strlen(value) >= sizeof(m->date_words) || !format_compile(value, m->date_format))
			return map_fail(p, "date_format '%s' is not a date format: write it with dd, mm and yyyy, "
			                "as dd/mm/yyyy or mm/dd/yyyy", value);
		snprintf(m->date_words, sizeof(m->date_words), "%s", value);
		return 1;
	}
	if (strcmp(section, "status") == 0) {
		enum dispute_status st;

		if (!dispute_status_parse(value, &st))
			return map_fail(p, "%s = %s: a status is open, resolved, withdrawn or referred", key, value);
		m->words = xrealloc(m->words, (m->nwords + 1) * sizeof(*m->words));
		m->words[m->nwords].word = xstrdup(key);
		m->words[m->nwords++].status = st;
		return 1;
	}
	return map_fail(p, "no section [%s]: a map has [columns], [defaults], [format] and [status]", section);
}

enum status import_map_parse(const char *path, const char *text, size_t len, struct import_map *m,
                             struct error *err)
{
	struct map_parse p;
	int irc;

	import_map_init(m);
	m->path = xstrdup(path);
	memset(&p, 0, sizeof(p));
	p.m = m;
	p.pos = text;
	p.end = text + len;
	if (memchr(text, '\0', len))
		return error_set(err, ST_INVALID, "%s: a NUL byte: this is not a text file", path);
	irc = ini_parse_stream(map_read_line, &p, map_key, &p);
	if (irc > 0 && (!p.errline || irc < p.errline)) {
		p.errline = irc;
		snprintf(p.problem, sizeof(p.problem), "not a 'field = heading' line or a [section]");
	}
	if (p.errline)
		return error_set(err, ST_INVALID, "%s:%d: %s", path, p.errline, p.problem);
	if (irc < 0)
		return error_set(err, ST_INVALID, "%s: cannot be read", path);
	return ST_OK;
}

/* ---- the header ---- */

void import_columns_free(struct import_columns *c)
{
	for (size_t i = 0; i < c->ncols; i++)
		free(c->heading[i]);
	free(c->heading);
	memset(c, 0, sizeof(*c));
}

/* Adds "'name'" to a list of names in sb. */
static void list_add(struct sb *sb, int *n, const char *name)
{
	if (*n)
		sb_append(sb, ", ");
	sb_printf(sb, "'%s'", name);
	(*n)++;
}

enum status import_columns_read(const struct import_map *m, char *const *cells, size_t n,
                                struct import_columns *out, struct error *err)
{
	struct sb unknown = {0}, twice = {0}, missing = {0}, absent = {0}, all = {0};
	int nunknown = 0, ntwice = 0, nmissing = 0, nabsent = 0;
	enum status rc = ST_OK;
	int order_last = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < IMPORT_SLOTS; i++) {
		out->col[i] = -1;
		out->dflt[i] = m ? m->dflt[i] : NULL;
	}
	out->heading = xcalloc(n ? n : 1, sizeof(*out->heading));
	out->ncols = n;
	for (size_t i = 0; i < n; i++)
		out->heading[i] = xstrdup(cells[i]);
	/* The map's headings first, in the map's order: they say where their
	 * fields are. */
	for (int k = 0; m && k < IMPORT_SLOTS; k++) {
		int s = -1;
		size_t i;

		for (int t = 0; t < IMPORT_SLOTS; t++)
			if (m->column[t] && m->column_line[t] > (k ? m->column_line[order_last] : 0) &&
			    (s < 0 || m->column_line[t] < m->column_line[s]))
				s = t;
		if (s < 0)
			break;
		order_last = s;
		for (i = 0; i < n; i++)
			if (ascii_casecmp(cells[i], m->column[s]) == 0)
				break;
		if (i == n) {
			sb_printf(&absent, "%s%s:%d: '%s'", nabsent++ ? "; " : "", m->path, m->column_line[s], m->column[s]);
			continue;
		}
		for (int t = 0; t < IMPORT_SLOTS; t++)
			if (out->col[t] == (int)i)
				list_add(&twice, &ntwice, cells[i]);
		out->col[s] = (int)i;
	}
	/* Then every heading that is a field's own name. */
	for (size_t i = 0; i < n; i++) {
		int slot = import_slot_find(cells[i]);
		bool mapped = false;

		for (int t = 0; m && t < IMPORT_SLOTS; t++)
			if (out->col[t] == (int)i)
				mapped = true;
		if (mapped || slot == -1)
			continue;
		if (slot < 0) {
			if (!m)
				list_add(&unknown, &nunknown, cells[i]);
			continue;
		}
		if (out->col[slot] >= 0 && !(m && m->column[slot]))
			list_add(&twice, &ntwice, cells[i]);
		else if (out->col[slot] < 0)
			out->col[slot] = (int)i;
	}
	for (size_t i = 0; i < COUNT(needed); i++)
		if (out->col[needed[i]] < 0 && !out->dflt[needed[i]] && !(m && m->column[needed[i]]))
			list_add(&missing, &nmissing, field_names[needed[i]]);
	for (int s = IF_COUNT; s < IMPORT_SLOTS; s++)
		if (out->col[s] >= 0 || out->dflt[s])
			out->top_stage = (s - IF_COUNT) / ISF_COUNT + 1;
	if (nabsent)
		sb_printf(&all, "the header has no column %s%s", absent.s, nunknown + ntwice + nmissing ? "; " : "");
	if (nunknown)
		sb_printf(&all, "%s %s %s no field of 'dispute list --json': name the fields in a map file (--map)%s",
		          nunknown > 1 ? "the columns" : "the column", unknown.s, nunknown > 1 ? "are" : "is",
		          ntwice + nmissing ? "; " : "");
	if (ntwice)
		sb_printf(&all, "the field of %s is given by another column too%s", twice.s, nmissing ? "; " : "");
	if (nmissing)
		sb_printf(&all, "no column gives %s (a dispute needs them)", missing.s);
	if (all.s) {
		rc = error_set(err, ST_INVALID, "%s", all.s);
		import_columns_free(out);
	}
	free(unknown.s);
	free(twice.s);
	free(missing.s);
	free(absent.s);
	free(all.s);
	return rc;
}

/* ---- cells ---- */

/* Reads 1 to max digits at *s; false when there is none. */
static bool digits(const char **s, int min, int max, int *out)
{
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	*out = v;
	return n >= min && !isdigit((unsigned char)**s);
}

bool import_date(const struct import_map *m, const char *s, long *out)
{
	int y = 0, mo = 0, d = 0;

	if (date_parse(s, out))
		return true;
	if (!m || !m->date_format[0])
		return false;
	for (const char *f = m->date_format; *f; f++) {
		switch (*f) {
		case 'Y':
			if (!digits(&s, 4, 4, &y))
				return false;
			break;
		case 'M':
			if (!digits(&s, 1, 2, &mo))
				return false;
			break;
		case 'D':
			if (!digits(&s, 1, 2, &d))
				return false;
			break;
		default:
			if (*s++ != *f)
				return false;
		}
	}
	return *s == '\0' && date_from_ymd(y, mo, d, out);
}

bool import_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "y", "1" }, *const no[] = { "false", "no", "n", "0" };

	for (size_t i = 0; i < COUNT(yes); i++) {
		if (ascii_casecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (ascii_casecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool import_status(const struct import_map *m, const char *s, enum dispute_status *out)
{
	static const char *const names[] = { "open", "resolved", "withdrawn", "referred" };

	for (size_t i = 0; m && i < m->nwords; i++)
		if (strcmp(s, m->words[i].word) == 0) {
			*out = m->words[i].status;
			return true;
		}
	for (size_t i = 0; i < COUNT(names); i++)
		if (ascii_casecmp(s, names[i]) == 0)
			return dispute_status_parse(names[i], out);
	return false;
}

bool import_reference_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 15 || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

bool import_reference_number(const char *s, int *year, long long *number)
{
	long long v = 0;
	int y = 0, nd = 0;

	if ((s[0] != 'D' && s[0] != 'd') || s[1] != '-')
		return false;
	s += 2;
	if (!digits(&s, 4, 4, &y) || *s++ != '-')
		return false;
	for (; isdigit((unsigned char)*s) && nd < 9; s++, nd++)
		v = v * 10 + (*s - '0');
	if (*s || nd < 1 || v < 1)
		return false;
	*year = y;
	*number = v;
	return true;
}
