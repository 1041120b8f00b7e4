/* Reads protocol files (INI, see dispute-protocol(5)) with libinih and checks them line by line. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "dispute/protocol.h"
#include "dispute/text.h"

/* Numbered sections run from 1 to this. */
#define MAX_NUMBERED 99

/* A protocol file is a page or two of text; anything bigger is a mistake. */
#define MAX_FILE (1024 * 1024)

/* Keys per section, at most (the stage sections have the most). */
#define MAX_KEYS 16

/* A checklist: at most this many actions a section, each one short line. */
#define MAX_ACTIONS 20
#define ACTION_MAX 300

/* The most of a file's text a message quotes, and the room a quote takes
 * (with "..." and the NUL). */
#define QUOTE_MAX 80
#define QUOTE_SIZE (QUOTE_MAX + 4)

enum sec_kind {
	SEC_NONE,
	SEC_PROTOCOL,
	SEC_STAGE,
	SEC_SPAN,
	SEC_URGENT,
	SEC_URGENT_STAGE,
	SEC_CATEGORIES
};

enum key_type {
	K_TEXT,         /* free text into a char * */
	K_POPULATION,   /* children, adults or both */
	K_DIVISION,     /* a bank-holiday division of the calendar */
	K_TIMEZONE,     /* an IANA time zone name */
	K_NOTICES,      /* repeatable: one more general notice */
	K_LIMIT,        /* a limit phrase into a struct limit */
	K_RANGE,        /* "N" or "N-M" into a span's from and to */
	K_YESNO,        /* yes or no into a bool */
	K_ROUTE,        /* "normal" or "own" into route.same_stages */
	K_CATEGORY,     /* repeatable: "key: Label" */
	K_UNCLOCKED,    /* repeatable: the key of a category that does not run the stage clock */
	K_ALIAS,        /* repeatable: another name of the partnership body */
	K_BACK,         /* "N" or "N-M": the normal stages the urgent route returns to */
	K_ACTION        /* repeatable: one more item of the checklist */
};

struct key_def {
	const char *name;
	enum key_type type;
	size_t off;     /* where the value goes, from the section's struct */
	bool required;
};

static const struct key_def protocol_keys[] = {
	{ "title", K_TEXT, offsetof(struct protocol, title), true },
	{ "partnership", K_TEXT, offsetof(struct protocol, partnership), true },
	{ "source", K_TEXT, offsetof(struct protocol, source), true },
	{ "population", K_POPULATION, offsetof(struct protocol, population), true },
	{ "division", K_DIVISION, offsetof(struct protocol, division), true },
	{ "scope", K_TEXT, offsetof(struct protocol, scope), false },
	{ "notice", K_NOTICES, 0, false },
	{ "body", K_TEXT, offsetof(struct protocol, body), false },
	{ "alias", K_ALIAS, 0, false },
	{ "action", K_ACTION, 0, false },
	{ "timezone", K_TIMEZONE, offsetof(struct protocol, timezone), false },
	{ NULL, K_TEXT, 0, false }
};

static const struct key_def stage_keys[] = {
	{ "name", K_TEXT, offsetof(struct stage_rule, name), true },
	{ "ours", K_TEXT, offsetof(struct stage_rule, ours), false },
	{ "theirs", K_TEXT, offsetof(struct stage_rule, theirs), false },
	{ "limit", K_LIMIT, offsetof(struct stage_rule, limit), true },
	{ "then", K_TEXT, offsetof(struct stage_rule, then), false },
	{ "record", K_TEXT, offsetof(struct stage_rule, record), false },
	{ "notice", K_TEXT, offsetof(struct stage_rule, notice), false },
	{ "timed", K_YESNO, offsetof(struct stage_rule, timed), false },
	{ "parties", K_TEXT, offsetof(struct stage_rule, parties), false },
	{ "arbiter", K_TEXT, offsetof(struct stage_rule, arbiter), false },
	{ "then-limit", K_LIMIT, offsetof(struct stage_rule, then_limit), false },
	{ "follow-up", K_LIMIT, offsetof(struct stage_rule, follow_up), false },
	{ "response", K_TEXT, offsetof(struct stage_rule, response), false },
	{ "formal", K_YESNO, offsetof(struct stage_rule, formal), false },
	{ "action", K_ACTION, 0, false },
	{ NULL, K_TEXT, 0, false }
};

static const struct key_def span_keys[] = {
	{ "name", K_TEXT, offsetof(struct span_rule, name), true },
	{ "stages", K_RANGE, 0, true },
	{ "limit", K_LIMIT, offsetof(struct span_rule, limit), true },
	{ "advisory", K_YESNO, offsetof(struct span_rule, advisory), false },
	{ NULL, K_TEXT, 0, false }
};

static const struct key_def urgent_keys[] = {
	{ "name", K_TEXT, offsetof(struct route, name), true },
	{ "when", K_TEXT, offsetof(struct route, when), true },
	{ "notice", K_TEXT, offsetof(struct route, notice), false },
	{ "stages", K_ROUTE, offsetof(struct route, same_stages), false },
	{ "inform", K_TEXT, offsetof(struct route, inform), false },
	{ "return", K_BACK, 0, false },
	{ NULL, K_TEXT, 0, false }
};

static const struct key_def category_keys[] = {
	{ "category", K_CATEGORY, 0, false },
	{ "unclocked", K_UNCLOCKED, 0, false },
	{ "local", K_YESNO, offsetof(struct protocol, local_categories), false },
	{ NULL, K_TEXT, 0, false }
};

/* Where a section and its keys were seen; 0 means not seen. */
struct seen {
	int header;
	int key[MAX_KEYS];
};

enum line_kind { LINE_OTHER, LINE_KEY, LINE_CONT };

/* State shared by the line reader and the key handler.  libinih reads a
 * line through loader_read and then calls loader_key for it, so lineno
 * and kind always describe the line the handler is looking at. */
struct loader {
	const char *path;
	const struct calendar *cal;
	struct protocol *p;

	const char *pos, *end;
	int lineno;
	enum line_kind kind;
	bool prev_name;         /* mirrors libinih: a continuation needs a key before it */
	enum sec_kind sec;
	int secnum;

	struct seen protocol, urgent, categories;
	struct seen stage[MAX_NUMBERED + 1], span[MAX_NUMBERED + 1], ustage[MAX_NUMBERED + 1];

	/* The key being read: continuation lines add to it until the next key. */
	bool pending;
	enum sec_kind psec;
	int pnum;
	int pline;
	char pname[QUOTE_SIZE];
	struct sb pval;

	/* Where each action was given: [0] the protocol's (every stage), [1]
	 * the stages', [2] the urgent stages'; by section number and place. */
	int action_line[3][MAX_NUMBERED + 1][MAX_ACTIONS];

	/* The first problem by line number. */
	int errline;
	char errmsg[sizeof(((struct error *)0)->msg)];
};

static void fail(struct loader *ld, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Keeps the problem on the earliest line, so the message points at the
 * first thing to fix whatever order the checks ran in. */
static void fail(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;

	if (ld->errline && ld->errline <= line)
		return;
	ld->errline = line > 0 ? line : 1;
	va_start(ap, fmt);
	vsnprintf(ld->errmsg, sizeof(ld->errmsg), fmt, ap);
	va_end(ap);
}

/* Copies len bytes of s into buf (QUOTE_SIZE bytes) to be quoted in a
 * message: at most QUOTE_MAX of them, cut where a UTF-8 sequence starts and
 * marked "..." when cut, with TAB (the one control character a line may
 * hold) as a space.  A message goes to a terminal as it is, so what it
 * quotes must be whole characters and no controls.  Returns buf. */
static const char *quote(char *buf, const char *s, size_t len)
{
	size_t n = len;

	if (len > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? ' ' : s[i];
	memcpy(buf + n, n < len ? "..." : "", n < len ? 4 : 1);
	return buf;
}

static bool id_valid(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Checks one raw line: UTF-8, and no control characters but TAB and the
 * line end.  Returns false after recording the problem. */
static bool line_check(struct loader *ld, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + len;

	while (u < e) {
		unsigned c = *u;
		unsigned cp, need, min;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && !(c == '\r' && (u + 1 == e || u[1] == '\n')))
			    || c == 0x7F) {
				fail(ld, ld->lineno, "control character U+%04X", c);
				return false;
			}
			u++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1, cp = c & 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			fail(ld, ld->lineno, "invalid UTF-8");
			return false;
		}
		if ((size_t)(e - u) <= need) {
			fail(ld, ld->lineno, "invalid UTF-8");
			return false;
		}
		for (unsigned i = 1; i <= need; i++) {
			if ((u[i] & 0xC0) != 0x80) {
				fail(ld, ld->lineno, "invalid UTF-8");
				return false;
			}
			cp = (cp << 6) | (u[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
			fail(ld, ld->lineno, "invalid UTF-8");
			return false;
		}
		if (cp >= 0x80 && cp <= 0x9F) {
			fail(ld, ld->lineno, "control character U+%04X", cp);
			return false;
		}
		u += need + 1;
	}
	return true;
}

/* libinih's rule for where a key name or a section name ends: at one of
 * chars, or at a ';' that follows white space (an inline comment). */
static const char *find_chars_or_comment(const char *s, const char *e, const char *chars)
{
	bool was_space = false;

	for (; s < e; s++) {
		if (strchr(chars, *s) || (was_space && *s == ';'))
			return s;
		was_space = is_space(*s);
	}
	return e;
}

static const char *sec_word(enum sec_kind k)
{
	switch (k) {
	case SEC_PROTOCOL: return "protocol";
	case SEC_STAGE: return "stage";
	case SEC_SPAN: return "span";
	case SEC_URGENT: return "urgent";
	case SEC_URGENT_STAGE: return "urgent stage";
	case SEC_CATEGORIES: return "categories";
	case SEC_NONE:
	default: return "";
	}
}

/* Writes "[stage 3]" for messages. */
static const char *sec_label(enum sec_kind k, int num, char *buf, size_t len)
{
	if (k == SEC_STAGE || k == SEC_SPAN || k == SEC_URGENT_STAGE)
		snprintf(buf, len, "[%s %d]", sec_word(k), num);
	else
		snprintf(buf, len, "[%s]", sec_word(k));
	return buf;
}

static const struct key_def *sec_keys(enum sec_kind k)
{
	switch (k) {
	case SEC_PROTOCOL: return protocol_keys;
	case SEC_STAGE: return stage_keys;
	case SEC_URGENT_STAGE: return stage_keys;
	case SEC_SPAN: return span_keys;
	case SEC_URGENT: return urgent_keys;
	case SEC_CATEGORIES: return category_keys;
	case SEC_NONE:
	default: return NULL;
	}
}

static struct seen *sec_seen(struct loader *ld, enum sec_kind k, int num)
{
	switch (k) {
	case SEC_PROTOCOL: return &ld->protocol;
	case SEC_STAGE: return &ld->stage[num];
	case SEC_SPAN: return &ld->span[num];
	case SEC_URGENT: return &ld->urgent;
	case SEC_URGENT_STAGE: return &ld->ustage[num];
	case SEC_CATEGORIES: return &ld->categories;
	case SEC_NONE:
	default: return NULL;
	}
}

/* The struct that a section's keys fill in. */
static void *sec_base(struct loader *ld, enum sec_kind k, int num)
{
	switch (k) {
	case SEC_PROTOCOL: return ld->p;
	case SEC_CATEGORIES: return ld->p;
	case SEC_STAGE: return &ld->p->stages[num - 1];
	case SEC_SPAN: return &ld->p->spans[num - 1];
	case SEC_URGENT: return ld->p->urgent;
	case SEC_URGENT_STAGE: return &ld->p->urgent->stages[num - 1];
	case SEC_NONE:
	default: return NULL;
	}
}

static struct route *urgent_route(struct loader *ld)
{
	if (!ld->p->urgent)
		ld->p->urgent = xcalloc(1, sizeof(*ld->p->urgent));
	return ld->p->urgent;
}

/* Makes room for numbered section num; arrays are allocated at full size
 * and trimmed once the file is read. */
static void sec_make_room(struct loader *ld, enum sec_kind k, int num)
{
	struct protocol *p = ld->p;
	struct route *r;

	switch (k) {
	case SEC_STAGE:
		if (!p->stages)
			p->stages = xcalloc(MAX_NUMBERED, sizeof(*p->stages));
		if ((size_t)num > p->nstages)
			p->nstages = (size_t)num;
		break;
	case SEC_SPAN:
		if (!p->spans)
			p->spans = xcalloc(MAX_NUMBERED, sizeof(*p->spans));
		if ((size_t)num > p->nspans)
			p->nspans = (size_t)num;
		break;
	case SEC_URGENT_STAGE:
		r = urgent_route(ld);
		if (!r->stages)
			r->stages = xcalloc(MAX_NUMBERED, sizeof(*r->stages));
		if ((size_t)num > r->nstages)
			r->nstages = (size_t)num;
		break;
	case SEC_URGENT:
		urgent_route(ld);
		break;
	case SEC_NONE:
	case SEC_PROTOCOL:
	case SEC_CATEGORIES:
	default:
		break;
	}
}

/* Parses "N" (1..MAX_NUMBERED, digits only) from s..e. */
static int parse_number(const char *s, const char *e)
{
	int v = 0;

	if (s == e || *s == '0' || e - s > 2)
		return 0;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* A "[name]" header: names the section the following keys belong to. */
static void section_begin(struct loader *ld, const char *s, const char *e)
{
	static const struct { const char *word; enum sec_kind kind; bool numbered; } names[] = {
		{ "protocol", SEC_PROTOCOL, false },
		{ "categories", SEC_CATEGORIES, false },
		{ "urgent", SEC_URGENT, false },
		{ "urgent stage ", SEC_URGENT_STAGE, true },
		{ "stage ", SEC_STAGE, true },
		{ "span ", SEC_SPAN, true },
	};
	struct seen *seen;
	char label[32], q[QUOTE_SIZE];
	int num = 0;

	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	ld->sec = SEC_NONE;
	/* Shown as a space, a TAB would make "[stage<TAB>1]" read as right. */
	if (memchr(s, '\t', (size_t)(e - s))) {
		fail(ld, ld->lineno, "TAB inside a section name; use spaces");
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t wl = strlen(names[i].word);

		if (!names[i].numbered) {
			if ((size_t)(e - s) != wl || strncmp(s, names[i].word, wl) != 0)
				continue;
		} else {
			if ((size_t)(e - s) <= wl || strncmp(s, names[i].word, wl) != 0)
				continue;
			num = parse_number(s + wl, e);
			if (!num) {
				fail(ld, ld->lineno, "section [%s]: the number must be from 1 to %d",
				     quote(q, s, (size_t)(e - s)), MAX_NUMBERED);
				return;
			}
		}
		seen = sec_seen(ld, names[i].kind, num);
		if (seen->header) {
			fail(ld, ld->lineno, "section %s given twice (first at line %d)",
			     sec_label(names[i].kind, num, label, sizeof(label)), seen->header);
			return;
		}
		seen->header = ld->lineno;
		ld->sec = names[i].kind;
		ld->secnum = num;
		sec_make_room(ld, ld->sec, num);
		return;
	}
	fail(ld, ld->lineno, "unknown section [%s]; expected [protocol], [stage N], [span N], "
	     "[urgent], [urgent stage N] or [categories]", quote(q, s, (size_t)(e - s)));
}

/* Decides what libinih will make of a line, the same way it does: a
 * comment, a continuation of the previous key, a section or a key. */
static void classify(struct loader *ld, const char *line)
{
	const char *s = line, *e = line + strlen(line), *mark;

	ld->kind = LINE_OTHER;
	if (ld->lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF)
		s += 3;
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	if (s == e || *s == ';' || *s == '#')
		return;
	if (ld->prev_name && s > line) {
		ld->kind = LINE_CONT;
		return;
	}
	if (*s == '[') {
		mark = find_chars_or_comment(s + 1, e, "]");
		if (mark < e && *mark == ']') {
			ld->prev_name = false;
			section_begin(ld, s + 1, mark);
		} else {
			fail(ld, ld->lineno, "section header without a closing ']'");
		}
		return;
	}
	mark = find_chars_or_comment(s, e, "=:");
	if (mark < e && (*mark == '=' || *mark == ':')) {
		ld->kind = LINE_KEY;
		ld->prev_name = mark > s;
		return;
	}
	fail(ld, ld->lineno, "expected '[section]', 'key = value' or a comment");
}

/* libinih's line reader: hands out one line at a time, counting them, and
 * stops at the first problem. */
static char *loader_read(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *nl, *next;
	size_t len, body;

	if (ld->errline || ld->pos >= ld->end || num < 3)
		return NULL;
	nl = memchr(ld->pos, '\n', (size_t)(ld->end - ld->pos));
	next = nl ? nl + 1 : ld->end;
	len = (size_t)(next - ld->pos);
	body = nl ? (size_t)(nl - ld->pos) : len;
	ld->lineno++;
	if (!line_check(ld, ld->pos, len))
		return NULL;
	if (body > (size_t)num - 2) {
		fail(ld, ld->lineno, "line longer than %d bytes; continue a long value on indented lines",
		     num - 2);
		return NULL;
	}
	memcpy(str, ld->pos, len);
	str[len] = '\0';
	ld->pos = next;
	classify(ld, str);
	return str;
}

static void add_notice(struct protocol *p, const char *v)
{
	p->notices = xrealloc(p->notices, (p->nnotices + 1) * sizeof(*p->notices));
	p->notices[p->nnotices++] = xstrdup(v);
}

static void add_alias(struct protocol *p, const char *v)
{
	p->aliases = xrealloc(p->aliases, (p->naliases + 1) * sizeof(*p->aliases));
	p->aliases[p->naliases++] = xstrdup(v);
}

/* Which row of ld->action_line a section's actions are kept in. */
static int action_row(enum sec_kind k)
{
	return k == SEC_PROTOCOL ? 0 : k == SEC_STAGE ? 1 : 2;
}

/* One more item of a checklist: the protocol's (asked for at every stage)
 * or a stage's.  Each is one short line, given once in its section. */
static void add_action(struct loader *ld, void *base, const char *v)
{
	char ***list = ld->psec == SEC_PROTOCOL ? &ld->p->actions : &((struct stage_rule *)base)->actions;
	size_t *n = ld->psec == SEC_PROTOCOL ? &ld->p->nactions : &((struct stage_rule *)base)->nactions;
	int *lines = ld->action_line[action_row(ld->psec)][ld->pnum];
	char label[32], q[QUOTE_SIZE];

	if (strlen(v) > ACTION_MAX) {
		fail(ld, ld->pline, "action: longer than %d bytes; a checklist item is one short line", ACTION_MAX);
		return;
	}
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*list)[i], v) == 0) {
			fail(ld, ld->pline, "action: '%s' given twice in %s (first at line %d)", quote(q, v, strlen(v)),
			     sec_label(ld->psec, ld->pnum, label, sizeof(label)), lines[i]);
			return;
		}
	}
	if (*n == MAX_ACTIONS) {
		fail(ld, ld->pline, "action: more than %d in %s", MAX_ACTIONS,
		     sec_label(ld->psec, ld->pnum, label, sizeof(label)));
		return;
	}
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[*n] = xstrdup(v);
	lines[(*n)++] = ld->pline;
}

/* "key: Label" */
static void add_category(struct loader *ld, const char *v)
{
	struct protocol *p = ld->p;
	const char *colon = strchr(v, ':'), *ke, *ls;
	char q[QUOTE_SIZE];
	char *key;

	ke = colon;
	while (colon && ke > v && is_space(ke[-1]))
		ke--;
	ls = colon ? colon + 1 : NULL;
	while (ls && is_space(*ls))
		ls++;
	key = colon ? xstrndup(v, (size_t)(ke - v)) : NULL;
	if (!key || !id_valid(key) || !*ls) {
		fail(ld, ld->pline, "category: expected 'key: Label' with a key of lower-case letters, "
		     "digits and '-', got '%s'", quote(q, v, strlen(v)));
		free(key);
		return;
	}
	for (size_t i = 0; i < p->ncategories; i++) {
		if (strcmp(p->categories[i].key, key) == 0) {
			fail(ld, ld->pline, "category: key '%s' given twice", key);
			free(key);
			return;
		}
	}
	p->categories = xrealloc(p->categories, (p->ncategories + 1) * sizeof(*p->categories));
	p->categories[p->ncategories].key = key;
	p->categories[p->ncategories].label = xstrdup(ls);
	p->categories[p->ncategories].unclocked = false;
	p->ncategories++;
}

/* Marks a category given above as recorded but not run through the stage
 * clock (Newcastle's child protection conference disagreements). */
static void set_unclocked(struct loader *ld, const char *v)
{
	char q[QUOTE_SIZE];

	for (size_t i = 0; i < ld->p->ncategories; i++)
		if (strcmp(ld->p->categories[i].key, v) == 0) {
			if (ld->p->categories[i].unclocked)
				fail(ld, ld->pline, "unclocked: '%s' given twice", quote(q, v, strlen(v)));
			ld->p->categories[i].unclocked = true;
			return;
		}
	fail(ld, ld->pline, "unclocked: no category '%s' above this line", quote(q, v, strlen(v)));
}

/* The division must be one the calendar has, spelt as it spells it: the
 * deadlines are counted in its bank holidays, and a name it does not know
 * would load here and fail at the first dispute. */
static void set_division(struct loader *ld, char **out, const char *v)
{
	const struct calendar *cal = ld->cal;
	size_t n = cal ? cal->ndiv : 0;
	struct sb known = {0};
	char q[QUOTE_SIZE];

	for (size_t i = 0; i < n; i++) {
		if (strcmp(cal->div[i].name, v) == 0) {
			*out = xstrdup(v);
			return;
		}
	}
	for (size_t i = 0; i < n; i++)
		sb_printf(&known, "%s'%s'", i == 0 ? "" : i + 1 < n ? ", " : " or ", cal->div[i].name);
	if (n)
		fail(ld, ld->pline, "division: expected %s (the bank holiday divisions), got '%s'",
		     known.s, quote(q, v, strlen(v)));
	else
		fail(ld, ld->pline, "division: no bank holiday divisions are loaded, so '%s' cannot be "
		     "used", quote(q, v, strlen(v)));
	free(known.s);
}

/* A limit phrase.  A span's limit is a date the whole run of stages is
 * measured against: "without delay" would give it none, and nobody agrees
 * a span's timescale, so neither is taken there. */
static void set_limit(struct loader *ld, struct limit *out, const char *name, const char *v)
{
	struct error err;
	char q[QUOTE_SIZE];

	if (!limit_parse(v, out, &err)) {
		fail(ld, ld->pline, "%s: %s", name, err.msg);
		return;
	}
	if (ld->psec == SEC_SPAN && (out->kind == LIMIT_NONE || out->kind == LIMIT_AGREED))
		fail(ld, ld->pline, "%s: a span needs 'N working days', 'N hours' or 'N months', got '%s'",
		     name, quote(q, v, strlen(v)));
	/* A sub-deadline is a time to act by, counted like a stage's: never
	 * agreed, never "without delay". */
	if (strcmp(name, "then-limit") == 0 && out->kind != LIMIT_HOURS && out->kind != LIMIT_WORKDAYS)
		fail(ld, ld->pline, "%s: expected 'N hours' or 'N working days', got '%s'", name,
		     quote(q, v, strlen(v)));
	if (strcmp(name, "follow-up") == 0 && out->kind != LIMIT_WORKDAYS && out->kind != LIMIT_NONE)
		fail(ld, ld->pline, "%s: expected 'N working days' or 'none', got '%s'", name, quote(q, v, strlen(v)));
}

/* "N" or "N-M", into *lo and *hi; name is the key, for messages. */
static void set_range(struct loader *ld, const char *name, int *lo, int *hi, const char *v)
{
	const char *s = v, *a, *b;
	char q[QUOTE_SIZE];
	long from = 0, to;

	a = s;
	while (*s >= '0' && *s <= '9' && s - a < 3)
		from = from * 10 + (*s++ - '0');
	to = from;
	while (is_space(*s))
		s++;
	if (s > a && *s == '-') {
		s++;
		while (is_space(*s))
			s++;
		b = s;
		to = 0;
		while (*s >= '0' && *s <= '9' && s - b < 3)
			to = to * 10 + (*s++ - '0');
		if (s == b)
			s = a;
	}
	if (s == a || *s) {
		fail(ld, ld->pline, "%s: expected 'N' or 'N-M', got '%s'", name, quote(q, v, strlen(v)));
		return;
	}
	if (from < 1 || to < from) {
		fail(ld, ld->pline, "%s: '%s' is not a range of stages from 1 up", name, quote(q, v, strlen(v)));
		return;
	}
	*lo = (int)from;
	*hi = (int)to;
}

/* Stores one complete key = value (continuations joined) in its place. */
static void commit(struct loader *ld)
{
	const struct key_def *defs, *def = NULL;
	struct seen *seen;
	char label[32], q[QUOTE_SIZE];
	const char *v;
	char *base;
	size_t idx = 0;

	if (!ld->pending)
		return;
	ld->pending = false;
	v = ld->pval.s ? ld->pval.s : "";
	defs = sec_keys(ld->psec);
	seen = sec_seen(ld, ld->psec, ld->pnum);
	base = sec_base(ld, ld->psec, ld->pnum);
	for (idx = 0; defs && defs[idx].name; idx++) {
		if (strcmp(defs[idx].name, ld->pname) == 0) {
			def = &defs[idx];
			break;
		}
	}
	if (!def) {
		struct sb names = {0};

		for (size_t i = 0; defs && defs[i].name; i++)
			sb_printf(&names, "%s%s", i ? (defs[i + 1].name ? ", " : " or ") : "", defs[i].name);
		fail(ld, ld->pline, "unknown key '%s' in %s; expected %s", ld->pname,
		     sec_label(ld->psec, ld->pnum, label, sizeof(label)),
		     names.s ? names.s : "none");
		free(names.s);
		return;
	}
	if (seen->key[idx] && def->type != K_NOTICES && def->type != K_CATEGORY &&
	    def->type != K_UNCLOCKED && def->type != K_ALIAS && def->type != K_ACTION) {
		fail(ld, ld->pline, "%s: given twice in %s (first at line %d)", def->name,
		     sec_label(ld->psec, ld->pnum, label, sizeof(label)),
		     seen->key[idx]);
		return;
	}
	if (!seen->key[idx])
		seen->key[idx] = ld->pline;
	if (!*v) {
		fail(ld, ld->pline, "%s: empty value", def->name);
		return;
	}
	switch (def->type) {
	case K_TEXT:
		*(char **)(void *)(base + def->off) = xstrdup(v);
		break;
	case K_POPULATION:
		if (strcmp(v, "children") != 0 && strcmp(v, "adults") != 0 && strcmp(v, "both") != 0) {
			fail(ld, ld->pline, "%s: expected 'children', 'adults' or 'both', got '%s'",
			     def->name, quote(q, v, strlen(v)));
			return;
		}
		*(char **)(void *)(base + def->off) = xstrdup(v);
		break;
	case K_DIVISION:
		set_division(ld, (char **)(void *)(base + def->off), v);
		break;
	case K_TIMEZONE:
		if (!protocol_timezone_ok(v)) {
			fail(ld, ld->pline, "%s: expected a time zone name such as 'Europe/London', got '%s'", def->name,
			     quote(q, v, strlen(v)));
			return;
		}
		*(char **)(void *)(base + def->off) = xstrdup(v);
		break;
	case K_NOTICES:
		add_notice(ld->p, v);
		break;
	case K_LIMIT:
		set_limit(ld, (struct limit *)(void *)(base + def->off), def->name, v);
		break;
	case K_RANGE:
		set_range(ld, def->name, &((struct span_rule *)(void *)base)->from,
		          &((struct span_rule *)(void *)base)->to, v);
		break;
	case K_BACK:
		set_range(ld, def->name, &((struct route *)(void *)base)->back_from,
		          &((struct route *)(void *)base)->back_to, v);
		break;
	case K_ALIAS:
		add_alias(ld->p, v);
		break;
	case K_YESNO:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			fail(ld, ld->pline, "%s: expected 'yes' or 'no', got '%s'", def->name, quote(q, v, strlen(v)));
			return;
		}
		*(bool *)(void *)(base + def->off) = strcmp(v, "yes") == 0;
		break;
	case K_ROUTE:
		if (strcmp(v, "normal") != 0 && strcmp(v, "own") != 0) {
			fail(ld, ld->pline, "%s: expected 'normal' or 'own', got '%s'", def->name,
			     quote(q, v, strlen(v)));
			return;
		}
		*(bool *)(void *)(base + def->off) = strcmp(v, "normal") == 0;
		break;
	case K_CATEGORY:
		add_category(ld, v);
		break;
	case K_UNCLOCKED:
		set_unclocked(ld, v);
		break;
	case K_ACTION:
		add_action(ld, base, v);
		break;
	default:
		break;
	}
}

/* libinih's handler: called for each key line and each continuation line. */
static int loader_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	char q[QUOTE_SIZE];

	(void)section;
	if (ld->errline)
		return 1;
	/* Shown as a space, a TAB would make "na<TAB>me" read as a known key. */
	if (strchr(name, '\t')) {
		fail(ld, ld->lineno, "TAB inside a key name; use spaces");
		return 1;
	}
	if (strchr(value, '\t')) {
		fail(ld, ld->lineno, "%s: TAB inside a value; use spaces", quote(q, name, strlen(name)));
		return 1;
	}
	if (ld->kind == LINE_CONT && ld->pending) {
		sb_append(&ld->pval, " ");
		sb_append(&ld->pval, value);
		return 1;
	}
	commit(ld);
	if (ld->sec == SEC_NONE) {
		fail(ld, ld->lineno, "key '%s' before any section; start with [protocol]",
		     quote(q, name, strlen(name)));
		return 1;
	}
	ld->pending = true;
	ld->psec = ld->sec;
	ld->pnum = ld->secnum;
	ld->pline = ld->lineno;
	quote(ld->pname, name, strlen(name));
	ld->pval.len = 0;
	sb_append(&ld->pval, value);
	return 1;
}

/* The line where key was given in a section, or 0. */
static int key_line(struct loader *ld, enum sec_kind k, int num, const char *key)
{
	const struct key_def *defs = sec_keys(k);

	for (size_t i = 0; defs[i].name; i++)
		if (strcmp(defs[i].name, key) == 0)
			return sec_seen(ld, k, num)->key[i];
	return 0;
}

/* Checks a section's required keys, reporting at its header. */
static void check_required(struct loader *ld, enum sec_kind k, int num)
{
	const struct key_def *defs = sec_keys(k);
	struct seen *seen = sec_seen(ld, k, num);
	char label[32];

	for (size_t i = 0; defs[i].name; i++)
		if (defs[i].required && !seen->key[i])
			fail(ld, seen->header, "missing required key '%s' in %s", defs[i].name,
			     sec_label(k, num, label, sizeof(label)));
}

/* Numbered sections run 1..n without gaps; each has its required keys. */
static void check_numbered(struct loader *ld, enum sec_kind k, size_t n)
{
	char label[32];

	for (size_t i = 1; i <= n; i++) {
		struct seen *seen = sec_seen(ld, k, (int)i);

		if (seen->header) {
			check_required(ld, k, (int)i);
			continue;
		}
		for (size_t j = i + 1; j <= n; j++) {
			struct seen *later = sec_seen(ld, k, (int)j);

			if (later->header) {
				fail(ld, later->header, "%s is missing; %s sections are numbered from 1 "
				     "without gaps", sec_label(k, (int)i, label, sizeof(label)), sec_word(k));
				break;
			}
		}
	}
}

/* The stage clock reads 'timed' only with a limit in working days (an hour
 * limit has its time of day already), so anywhere else it would be a
 * promise the deadlines do not keep. */
static void check_timed(struct loader *ld, enum sec_kind k, const struct stage_rule *stages, size_t n)
{
	char label[32], lim[64];

	for (size_t i = 0; i < n; i++) {
		if (!stages[i].timed || stages[i].limit.kind == LIMIT_WORKDAYS)
			continue;
		fail(ld, key_line(ld, k, (int)i + 1, "timed"), "timed: only a limit in working days can be "
		     "timed, and %s has '%s'", sec_label(k, (int)i + 1, label, sizeof(label)),
		     limit_describe(&stages[i].limit, lim, sizeof(lim)));
	}
}

/* The keys a stage may hold only together, or only with some limits: each
 * refused where the key that does not fit was given.  A stage "without
 * delay" with no follow-up key comes back on the board the next working
 * day. */
static void check_stage_keys(struct loader *ld, enum sec_kind k, struct stage_rule *stages, size_t n,
                             int *formal_line)
{
	char label[32], lim[64];

	for (size_t i = 0; i < n; i++) {
		struct stage_rule *st = &stages[i];
		int num = (int)i + 1, line;

		sec_label(k, num, label, sizeof(label));
		if (st->parties && (st->ours || st->theirs))
			fail(ld, key_line(ld, k, num, "parties"), "parties: %s names the sides already with "
			     "'ours'/'theirs'; give one or the other", label);
		if (st->then_limit.kind != LIMIT_NONE && !st->then)
			fail(ld, key_line(ld, k, num, "then-limit"), "then-limit: %s has no 'then' saying who must "
			     "act within it", label);
		line = key_line(ld, k, num, "follow-up");
		if (line && st->limit.kind != LIMIT_NONE)
			fail(ld, line, "follow-up: only a stage 'without delay' has a follow-up date, and %s has '%s'",
			     label, limit_describe(&st->limit, lim, sizeof(lim)));
		else if (!line && st->limit.kind == LIMIT_NONE)
			st->follow_up = (struct limit){ LIMIT_WORKDAYS, 1 };
		if (st->formal) {
			line = key_line(ld, k, num, "formal");
			if (*formal_line)
				fail(ld, line, "formal: only one stage can be the formal challenge (line %d is already)",
				     *formal_line);
			else
				*formal_line = line;
		}
	}
}

/* A stage asking for an action the protocol asks for at every stage
 * would put it twice on one checklist. */
static void check_actions(struct loader *ld, enum sec_kind k, const struct stage_rule *stages, size_t n)
{
	char label[32], q[QUOTE_SIZE];

	for (size_t i = 0; i < n; i++)
		for (size_t a = 0; a < stages[i].nactions; a++)
			for (size_t e = 0; e < ld->p->nactions; e++)
				if (strcmp(stages[i].actions[a], ld->p->actions[e]) == 0)
					fail(ld, ld->action_line[action_row(k)][i + 1][a], "action: '%s' in %s is asked for "
					     "at every stage already ([protocol], line %d)",
					     quote(q, stages[i].actions[a], strlen(stages[i].actions[a])),
					     sec_label(k, (int)i + 1, label, sizeof(label)), ld->action_line[0][0][e]);
}

/* Shrinks an array allocated at MAX_NUMBERED entries to n. */
static void *trim(void *v, size_t n, size_t size)
{
	if (!n) {
		free(v);
		return NULL;
	}
	return xrealloc(v, n * size);
}

/* The checks that need the whole file. */
static void finish(struct loader *ld)
{
	struct protocol *p = ld->p;
	struct route *r = p->urgent;
	int head = ld->protocol.header ? ld->protocol.header : 1, formal_line = 0;

	if (!ld->protocol.header)
		fail(ld, 1, "missing [protocol] section");
	else
		check_required(ld, SEC_PROTOCOL, 0);
	if (!p->nstages)
		fail(ld, head, "no stages; a protocol needs [stage 1] at least");
	check_numbered(ld, SEC_STAGE, p->nstages);
	check_timed(ld, SEC_STAGE, p->stages, p->nstages);
	check_stage_keys(ld, SEC_STAGE, p->stages, p->nstages, &formal_line);
	if (p->naliases && !p->body)
		fail(ld, key_line(ld, SEC_PROTOCOL, 0, "alias"), "alias: names the partnership 'body', and "
		     "[protocol] has none");
	check_actions(ld, SEC_STAGE, p->stages, p->nstages);
	check_numbered(ld, SEC_SPAN, p->nspans);
	for (size_t i = 0; i < p->nspans; i++) {
		struct span_rule *sp = &p->spans[i];

		if (sp->from && (size_t)sp->to > p->nstages)
			fail(ld, key_line(ld, SEC_SPAN, (int)i + 1, "stages"), "stages: %d-%d is out of range; the protocol has "
			     "%zu stage%s", sp->from, sp->to, p->nstages, p->nstages == 1 ? "" : "s");
	}
	if (r) {
		int first = 0;

		for (size_t i = 1; !first && i <= r->nstages; i++)
			first = ld->ustage[i].header;
		if (!ld->urgent.header) {
			fail(ld, first, "[urgent stage N] needs an [urgent] section");
		} else {
			check_required(ld, SEC_URGENT, 0);
			if (r->same_stages && r->nstages)
				fail(ld, key_line(ld, SEC_URGENT, 0, "stages"), "stages: 'normal' but [urgent stage N] sections "
				     "are given too");
			else if (!r->same_stages && !r->nstages)
				fail(ld, ld->urgent.header, "[urgent] has no stages; add [urgent stage 1] "
				     "or 'stages = normal'");
		}
		check_numbered(ld, SEC_URGENT_STAGE, r->nstages);
		check_timed(ld, SEC_URGENT_STAGE, r->stages, r->nstages);
		check_stage_keys(ld, SEC_URGENT_STAGE, r->stages, r->nstages, &formal_line);
		if (r->back_from && r->same_stages)
			fail(ld, key_line(ld, SEC_URGENT, 0, "return"), "return: the route runs the normal stages, so "
			     "there is nothing to return from");
		else if (r->back_from && (size_t)r->back_to > p->nstages)
			fail(ld, key_line(ld, SEC_URGENT, 0, "return"), "return: %d-%d is out of range; the protocol "
			     "has %zu stage%s", r->back_from, r->back_to, p->nstages, p->nstages == 1 ? "" : "s");
		check_actions(ld, SEC_URGENT_STAGE, r->stages, r->nstages);
		r->stages = trim(r->stages, r->nstages, sizeof(*r->stages));
	}
	/* Every dispute is filed under a category, so a protocol without one
	 * could never be used.  Said last, and only when nothing else is wrong:
	 * the missing thing has no line of its own to compete with the others. */
	if (!ld->errline && !p->ncategories) {
		if (ld->categories.header)
			fail(ld, ld->categories.header, "[categories] has no category; a dispute needs one: "
			     "add 'category = key: Label'");
		else
			fail(ld, head, "no categories; a dispute needs one: add [categories] with "
			     "'category = key: Label'");
	}
	p->stages = trim(p->stages, p->nstages, sizeof(*p->stages));
	p->spans = trim(p->spans, p->nspans, sizeof(*p->spans));
	if (!p->timezone)
		p->timezone = xstrdup(PROTOCOL_TIMEZONE);
}

/* An id comes from a file name, which may hold any byte but '/' and NUL:
 * the message shows the name with its control characters and broken UTF-8
 * made visible, never sent to the terminal. */
static enum status refuse_id(const char *path, const char *id, struct error *err)
{
	char *shown_path = text_sanitize(path, false), *shown_id = text_sanitize(id, false);
	enum status rc = error_set(err, ST_INVALID, "%s: protocol id '%s' must be lower-case letters, "
	                           "digits and '-'", shown_path, shown_id);

	free(shown_path);
	free(shown_id);
	return rc;
}

enum status protocol_parse(const char *id, const char *path, const char *text, size_t len,
                           const struct calendar *cal, struct protocol **out, struct error *err)
{
	struct loader *ld;
	enum status rc = ST_OK;
	int irc;

	*out = NULL;
	if (!text) {
		text = "";
		len = 0;
	}
	if (!id_valid(id))
		return refuse_id(path, id, err);
	ld = xcalloc(1, sizeof(*ld));
	ld->path = path;
	ld->cal = cal;
	ld->p = xcalloc(1, sizeof(*ld->p));
	ld->pos = text;
	ld->end = text + len;
	irc = ini_parse_stream(loader_read, ld, loader_key, ld);
	commit(ld);
	if (irc > 0 && (!ld->errline || irc < ld->errline))
		fail(ld, irc, "syntax error");
	else if (irc < 0)
		fail(ld, ld->lineno + 1, "the INI reader failed (%d)", irc);
	if (!ld->errline)
		finish(ld);
	if (ld->errline) {
		rc = error_set(err, ST_INVALID, "%s:%d: %s", path, ld->errline, ld->errmsg);
		protocol_free(ld->p);
	} else {
		ld->p->id = xstrdup(id);
		ld->p->path = xstrdup(path);
		*out = ld->p;
	}
	free(ld->pval.s);
	free(ld);
	return rc;
}

static void add_problem(struct protocol_set *set, const char *msg)
{
	set->problems = xrealloc(set->problems, (set->nproblems + 1) * sizeof(*set->problems));
	set->problems[set->nproblems++] = xstrdup(msg);
}

/* Adds p to set, replacing a protocol with the same id.  Takes p. */
static void set_put(struct protocol_set *set, struct protocol *p)
{
	for (size_t i = 0; i < set->n; i++) {
		if (ascii_casecmp(set->v[i]->id, p->id) == 0) {
			protocol_free(set->v[i]);
			set->v[i] = p;
			return;
		}
	}
	set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
	set->v[set->n++] = p;
}

/* Reads a regular file of at most MAX_FILE bytes whole.  On success *out is
 * NUL-terminated and the caller frees it. */
static enum status read_whole(const char *path, char **out, size_t *len, struct error *err)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t got;
	int fd;

	*out = NULL;
	/* Every command loads the protocols, so a FIFO or a device named *.ini
	 * must be refused, not waited on: O_NONBLOCK makes the open return at
	 * once (a FIFO without a writer would block it), O_NOCTTY keeps a
	 * terminal from becoming ours, and fstat then refuses whatever is not a
	 * regular file.  A symbolic link is followed, so it is judged by what it
	 * points at. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return error_set(err, ST_IO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		error_set(err, ST_IO, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return ST_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(err, ST_IO, "%s is not a regular file", path);
	}
	if (st.st_size > MAX_FILE) {
		close(fd);
		return error_set(err, ST_IO, "%s: larger than 1 MiB", path);
	}
	buf = xmalloc(MAX_FILE + 2);
	for (;;) {
		got = read(fd, buf + n, MAX_FILE + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error_set(err, ST_IO, "%s: cannot read: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return ST_IO;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > MAX_FILE) {
			free(buf);
			close(fd);
			return error_set(err, ST_IO, "%s: larger than 1 MiB", path);
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = xrealloc(buf, n + 1);
	*len = n;
	return ST_OK;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with_ini(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".ini") == 0;
}

/* Loads one file into set, or records why not. */
static void load_file(struct protocol_set *set, const char *dir, const char *name,
                      const struct calendar *cal)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *id = xstrndup(name, strlen(name) - 4);
	struct protocol *p = NULL;
	struct error err;
	char *text = NULL;
	size_t len = 0;

	error_clear(&err);
	/* A name that is no id is refused as it stands, the file unopened. */
	if (!id_valid(id))
		refuse_id(path, id, &err);
	else if (read_whole(path, &text, &len, &err) == ST_OK)
		protocol_parse(id, path, text, len, cal, &p, &err);
	if (p)
		set_put(set, p);
	else
		add_problem(set, err.msg);
	free(text);
	free(id);
	free(path);
}

enum status protocol_set_load_dir(struct protocol_set *set, const char *dir, const struct calendar *cal,
                                  struct error *err)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	DIR *d;

	if (!dir)
		return ST_OK;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return ST_OK;
		return error_set(err, ST_IO, "%s: %s", dir, strerror(errno));
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (de->d_name[0] == '.' || !ends_with_ini(de->d_name))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	if (errno) {
		int e = errno;

		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		closedir(d);
		return error_set(err, ST_IO, "%s: %s", dir, strerror(e));
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		load_file(set, dir, names[i], cal);
		free(names[i]);
	}
	free(names);
	return ST_OK;
}
