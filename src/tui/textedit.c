/* Text editing for the record editor, the form fields and the prompts: cursor moves, wrapping, kills, yanks and undo. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/keys.h"
#include "dispute/text.h"
#include "textedit.h"
#include "dispute/util.h"

/* Readline keeps ten kills; sixteen leaves room for a call's worth. */
enum { RING_SIZE = 16 };

/* The history's memory is bounded, so that a long note edited all day
 * cannot grow it without limit: past this many bytes the oldest undo
 * steps, and apart from that the oldest kills, are forgotten. */
#define HISTORY_MAX ((size_t)1 << 20)

/* What an undo step costs besides its text, counted so that a day of
 * one-letter edits is bounded as well as one huge kill.  A fixed figure
 * rather than sizeof, so a saved history means the same on any machine. */
#define STEP_COST 48

/* What the previous key did, for the keys whose meaning depends on it:
 * typing, Backspace and Delete go on growing one undo step, a kill after
 * a kill grows the same ring entry, and Alt-y only follows a yank. */
enum last_key { LAST_NONE, LAST_TYPE, LAST_BACKSPACE, LAST_DELETE, LAST_KILL, LAST_YANK };

struct ring_entry {
	char *s;
	size_t n;
};

/* One undo step: bytes [at, at + ins) of the text replaced del[0..ndel).
 * Undoing it puts del back and the cursor at cur, where it was before. */
struct undo_step {
	size_t at, ins, cur, ndel;
	char *del;      /* owned; NULL when ndel is 0 */
};

struct textedit_history {
	struct ring_entry ring[RING_SIZE];      /* oldest first */
	size_t nring, ring_bytes;
	size_t yank;                            /* the entry Ctrl-Y inserts */
	size_t yank_at, yank_len;               /* where the last yank put it */
	/* steps[first, end), oldest first: dropping the oldest only moves
	 * first, and the array is compacted when it has to grow. */
	struct undo_step *steps;
	size_t first, end, steps_cap;
	size_t undo_bytes;                      /* ndel + STEP_COST each */
	enum last_key last;
};

static struct textedit_history *history_get(struct textedit *t)
{
	if (!t->history)
		t->history = xcalloc(1, sizeof(*t->history));
	return t->history;
}

bool textedit_can_undo(const struct textedit *t)
{
	return t->history && t->history->end > t->history->first;
}

static void history_reset(struct textedit *t)
{
	struct textedit_history *h = t->history;

	if (!h)
		return;
	for (size_t i = 0; i < h->nring; i++)
		free(h->ring[i].s);
	for (size_t i = h->first; i < h->end; i++)
		free(h->steps[i].del);
	free(h->steps);
	memset(h, 0, sizeof(*h));
}

static void ring_drop_oldest(struct textedit_history *h)
{
	h->ring_bytes -= h->ring[0].n;
	free(h->ring[0].s);
	memmove(h->ring, h->ring + 1, (h->nring - 1) * sizeof(*h->ring));
	h->nring--;
}

/* Puts killed text in the ring: a new entry (how = 0), or, when the key
 * before was a kill too, onto the newest entry's end (how > 0, a forward
 * kill) or its start (how < 0, a backward kill), as readline does, so
 * Ctrl-W Ctrl-W yanks back as the two words it killed. */
static void ring_add(struct textedit_history *h, const char *s, size_t n, int how)
{
	struct ring_entry *e;

	if (how == 0 || h->nring == 0) {
		if (h->nring == RING_SIZE)
			ring_drop_oldest(h);
		e = &h->ring[h->nring++];
		e->s = xmalloc(n ? n : 1);
		memcpy(e->s, s, n);
		e->n = n;
	} else {
		e = &h->ring[h->nring - 1];
		e->s = xrealloc(e->s, e->n + n);
		if (how < 0) {
			memmove(e->s + n, e->s, e->n);
			memcpy(e->s, s, n);
		} else {
			memcpy(e->s + e->n, s, n);
		}
		e->n += n;
	}
	h->ring_bytes += n;
	while (h->ring_bytes > HISTORY_MAX && h->nring > 1)
		ring_drop_oldest(h);
	h->yank = h->nring - 1;
}

static struct undo_step *step_newest(struct textedit_history *h)
{
	return h->end > h->first ? &h->steps[h->end - 1] : NULL;
}

/* The newest step is always kept, however big: it is no bigger than
 * the text, and the change just made must be undoable. */
static void steps_trim(struct textedit_history *h)
{
	while (h->undo_bytes > HISTORY_MAX && h->end - h->first > 1) {
		struct undo_step *s = &h->steps[h->first++];

		h->undo_bytes -= s->ndel + STEP_COST;
		free(s->del);
	}
}

/* Adds a step, copying del, however big the history is. */
static void step_append(struct textedit_history *h, size_t at, size_t ins, const char *del, size_t ndel,
			size_t cur)
{
	struct undo_step *s;

	if (h->end == h->steps_cap) {
		if (h->first >= h->steps_cap / 2 && h->first > 0) {
			memmove(h->steps, h->steps + h->first, (h->end - h->first) * sizeof(*h->steps));
			h->end -= h->first;
			h->first = 0;
		} else {
			h->steps_cap = h->steps_cap ? h->steps_cap * 2 : 16;
			h->steps = xrealloc(h->steps, h->steps_cap * sizeof(*h->steps));
		}
	}
	s = &h->steps[h->end++];
	s->at = at;
	s->ins = ins;
	s->cur = cur;
	s->ndel = ndel;
	s->del = NULL;
	if (ndel) {
		s->del = xmalloc(ndel);
		memcpy(s->del, del, ndel);
	}
	h->undo_bytes += ndel + STEP_COST;
}

/* step_append, then the oldest steps go if the history is over its bound. */
static void step_push(struct textedit_history *h, size_t at, size_t ins, const char *del, size_t ndel,
		      size_t cur)
{
	step_append(h, at, ins, del, ndel, cur);
	steps_trim(h);
}

/* Adds s[0..n), just deleted, to a step's deleted text: at its front for
 * a Backspace (the step then starts at the deleted text), at its end for
 * a Delete. */
static void step_grow(struct textedit_history *h, struct undo_step *step, const char *s, size_t n, bool front)
{
	step->del = xrealloc(step->del, step->ndel + n);
	if (front) {
		memmove(step->del + n, step->del, step->ndel);
		memcpy(step->del, s, n);
		step->at -= n;
	} else {
		memcpy(step->del + step->ndel, s, n);
	}
	step->ndel += n;
	h->undo_bytes += n;
	steps_trim(h);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Whether x followed by y in the text stay in one step of typing (or of
 * Backspaces): a step is a word with the spaces after it, and a newline
 * ends one, so undo takes back a word or a line end at a time. */
static bool same_step(char x, char y)
{
	return x != '\n' && (!is_space(x) || is_space(y));
}

void textedit_init(struct textedit *t, bool multiline, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->multiline = multiline;
	t->max = max;
	t->cap = 64;
	t->buf = xcalloc(t->cap, 1);
}

void textedit_free(struct textedit *t)
{
	history_reset(t);
	free(t->history);
	t->history = NULL;
	free(t->buf);
	free(t->lines);
	t->buf = NULL;
	t->lines = NULL;
	t->len = t->cap = t->cur = t->chars = t->nlines = t->lines_cap = 0;
	t->lines_width = 0;
}

/* Code points in s[0..n): every byte that does not continue a sequence. */
static size_t count_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static void grow(struct textedit *t, size_t extra)
{
	if (t->len + extra + 1 <= t->cap)
		return;
	while (t->len + extra + 1 > t->cap)
		t->cap *= 2;
	t->buf = xrealloc(t->buf, t->cap);
}

void textedit_set(struct textedit *t, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	t->len = 0;
	grow(t, n);
	if (n)
		memcpy(t->buf, s, n);
	t->len = n;
	t->buf[n] = '\0';
	t->cur = n;
	t->chars = count_chars(t->buf, n);
	t->lines_width = 0;     /* wrapped afresh when next asked */
	/* Undoing into the text that was there before would be a surprise. */
	history_reset(t);
}

const char *textedit_text(const struct textedit *t)
{
	return t->buf ? t->buf : "";
}

/* Width of the code point at s[i..), with tab as one column and control
 * characters as the one-column stand-in the screen shows. */
static int char_width(const char *s, size_t i, size_t len, size_t *n)
{
	unsigned cp;
	char buf[8];
	int w;

	*n = utf8_decode(s + i, len - i, &cp);
	if (*n == 0)
		*n = 1;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1;
	if (*n >= sizeof(buf))
		return 1;
	memcpy(buf, s + i, *n);
	buf[*n] = '\0';
	w = text_width(buf);
	return w < 0 ? 1 : w;
}

int text_span_width(const char *s, size_t start, size_t end)
{
	int w = 0;
	size_t n;

	for (size_t i = start; i < end; i += n)
		w += char_width(s, i, end, &n);
	return w;
}

/* Wraps the one display line that starts at `start`: sets *end, and
 * *next to where the following line starts.  Returns false when this is
 * the text's last line.  A line starts afresh (column 0, no break point
 * yet), so wrapping from any line start gives the same lines after it as
 * wrapping from the top: what lets an edit rewrap only near itself. */
static bool wrap_next(const char *s, size_t len, size_t start, int width, size_t *end, size_t *next)
{
	size_t i = start, brk = 0;
	int col = 0;

	while (i < len) {
		size_t n;
		int w;

		if (s[i] == '\n') {
			*end = i;
			*next = i + 1;
			return true;
		}
		w = char_width(s, i, len, &n);
		if (col + w > width && i > start) {
			*end = *next = brk > start ? brk : i;
			return true;
		}
		col += w;
		i += n;
		if (s[i - n] == ' ')
			brk = i;
	}
	*end = len;
	*next = len;
	return false;
}

static void push_line(struct wrap_line **v, size_t *n, size_t *cap, size_t start, size_t end)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = (struct wrap_line){ start, end };
}

size_t text_wrap(const char *s, size_t len, int width, struct wrap_line **out)
{
	size_t cap = 0, nl = 0, start = 0, end, next;
	struct wrap_line *v = NULL;
	bool more;

	if (width < 1)
		width = 1;
	do {
		more = wrap_next(s, len, start, width, &end, &next);
		push_line(&v, &nl, &cap, start, end);
		start = next;
	} while (more);
	*out = v;
	return nl;
}

/* Index of the last line starting at or before pos. */
static size_t line_at(const struct wrap_line *v, size_t n, size_t pos)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].start <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

size_t textedit_lines(struct textedit *t, int width, const struct wrap_line **out)
{
	if (width < 1)
		width = 1;
	if (t->lines_width != width) {
		free(t->lines);
		t->nlines = text_wrap(textedit_text(t), t->len, width, &t->lines);
		t->lines_cap = t->nlines;
		t->lines_width = width;
	}
	*out = t->lines;
	return t->nlines;
}

/* Brings the wrapped lines up to date after bytes [at, at + removed) of
 * the old text became [at, at + inserted).  A line's start depends on the
 * text up to at most the first word of the line after it, so the lines two
 * before the edit's line still stand; rewrapping goes from there until a
 * new line starts where an old one (past the edit) started, shifted: from
 * then on the old lines hold, moved by the size of the change. */
static void lines_edit(struct textedit *t, size_t at, size_t removed, size_t inserted)
{
	struct wrap_line *v = t->lines, *fresh = NULL;
	size_t n = t->nlines, c, k, j, keep = n, start, end, next, nfresh = 0, cap = 0;
	bool more;

	if (t->lines_width <= 0)
		return;
	c = line_at(v, n, at);
	k = c >= 2 ? c - 2 : 0;
	start = v[k].start;
	j = c;
	while (j < n && v[j].start < at + removed)
		j++;
	do {
		more = wrap_next(t->buf, t->len, start, t->lines_width, &end, &next);
		push_line(&fresh, &nfresh, &cap, start, end);
		start = next;
		if (!more || start < at + inserted)
			continue;
		while (j < n && v[j].start - removed + inserted < start)
			j++;
		if (j < n && v[j].start - removed + inserted == start) {
			keep = j;
			break;
		}
	} while (more);
	if (!more)
		keep = n;
	/* lines [0, k) + fresh + old lines [keep, n) shifted */
	if (k + nfresh + (n - keep) > t->lines_cap) {
		t->lines_cap = k + nfresh + (n - keep);
		t->lines = v = xrealloc(v, t->lines_cap * sizeof(*v));
	}
	memmove(v + k + nfresh, v + keep, (n - keep) * sizeof(*v));
	memcpy(v + k, fresh, nfresh * sizeof(*v));
	t->nlines = k + nfresh + (n - keep);
	for (size_t i = k + nfresh; i < t->nlines; i++) {
		v[i].start = v[i].start - removed + inserted;
		v[i].end = v[i].end - removed + inserted;
	}
	free(fresh);
}

void textedit_cursor(struct textedit *t, int width, int *row, int *col)
{
	const struct wrap_line *lines;
	size_t n = textedit_lines(t, width, &lines);
	/* The cursor belongs to the last line that starts at or before it. */
	size_t r = line_at(lines, n, t->cur);

	*row = (int)r;
	*col = text_span_width(t->buf, lines[r].start, t->cur < lines[r].end ? t->cur : lines[r].end);
}

static size_t next_char(const struct textedit *t, size_t i)
{
	unsigned cp;
	size_t n;

	if (i >= t->len)
		return t->len;
	n = utf8_decode(t->buf + i, t->len - i, &cp);
	i += n ? n : 1;
	/* Skip combining marks so the cursor never lands inside a cluster. */
	while (i < t->len) {
		size_t m;
		if (char_width(t->buf, i, t->len, &m) != 0)
			break;
		i += m;
	}
	return i;
}

static size_t prev_char(const struct textedit *t, size_t i)
{
	while (i > 0) {
		size_t m;
		i--;
		while (i > 0 && ((unsigned char)t->buf[i] & 0xc0) == 0x80)
			i--;
		if (t->buf[i] == '\n' || char_width(t->buf, i, t->len, &m) != 0)
			break;
	}
	return i;
}

/* Inserts s[0..n) at the cursor and moves the cursor past it, whatever the limit. */
static void put(struct textedit *t, const char *s, size_t n)
{
	if (n == 0)
		return;
	grow(t, n);
	memmove(t->buf + t->cur + n, t->buf + t->cur, t->len - t->cur + 1);
	memcpy(t->buf + t->cur, s, n);
	t->len += n;
	t->chars += count_chars(s, n);
	lines_edit(t, t->cur, 0, n);
	t->cur += n;
}

static bool insert(struct textedit *t, const char *s, size_t n)
{
	if (t->max && t->len + n > t->max)
		return false;
	put(t, s, n);
	return true;
}

static void erase(struct textedit *t, size_t from, size_t to)
{
	if (from == to) {
		t->cur = from;
		return;
	}
	t->chars -= count_chars(t->buf + from, to - from);
	memmove(t->buf + from, t->buf + to, t->len - to + 1);
	t->len -= to - from;
	t->cur = from;
	lines_edit(t, from, to - from, 0);
}

static size_t encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Letters and digits make words; every byte of a multi-byte character
 * counts as a letter, so Siân, Zoë and Łukasz are one word each and a
 * word stop never falls inside a character. */
static bool word_byte(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

/* The start of the word before i (readline's backward-word). */
static size_t word_back(const struct textedit *t, size_t i)
{
	while (i > 0 && !word_byte(t->buf[i - 1]))
		i--;
	while (i > 0 && word_byte(t->buf[i - 1]))
		i--;
	return i;
}

/* The end of the word after i (readline's forward-word). */
static size_t word_forward(const struct textedit *t, size_t i)
{
	while (i < t->len && !word_byte(t->buf[i]))
		i++;
	while (i < t->len && word_byte(t->buf[i]))
		i++;
	return i;
}

/* Moves the cursor one display line up (dir -1) or down (+1), keeping the column. */
static void move_line(struct textedit *t, int dir, int width)
{
	const struct wrap_line *lines;
	size_t n, i;
	int row, col;

	textedit_cursor(t, width, &row, &col);
	n = textedit_lines(t, width, &lines);
	if ((dir < 0 && row == 0) || (dir > 0 && (size_t)row + 1 >= n)) {
		t->cur = dir < 0 ? 0 : t->len;
		return;
	}
	row += dir;
	i = lines[row].start;
	while (i < lines[row].end) {
		size_t nx = next_char(t, i);
		if (text_span_width(t->buf, lines[row].start, nx) > col)
			break;
		i = nx;
	}
	t->cur = i;
}

/* Kills [from, to) into the ring; backward says which end of a growing
 * entry it joins.  Returns 1, or 0 when there was nothing to kill. */
static int kill_text(struct textedit *t, size_t from, size_t to, bool backward, enum last_key prev)
{
	struct textedit_history *h;

	if (from == to) {
		/* Killing nothing neither starts nor breaks a run of kills. */
		if (t->history)
			t->history->last = prev == LAST_KILL ? LAST_KILL : LAST_NONE;
		return 0;
	}
	h = history_get(t);
	ring_add(h, t->buf + from, to - from, prev != LAST_KILL ? 0 : backward ? -1 : 1);
	step_push(h, from, 0, t->buf + from, to - from, t->cur);
	erase(t, from, to);
	h->last = LAST_KILL;
	return 1;
}

/* Ctrl-Y: the ring's current entry at the cursor. */
static int yank(struct textedit *t)
{
	struct textedit_history *h = t->history;
	size_t at = t->cur;

	if (!h || h->nring == 0 || !insert(t, h->ring[h->yank].s, h->ring[h->yank].n))
		return 0;
	step_push(h, at, h->ring[h->yank].n, NULL, 0, at);
	h->yank_at = at;
	h->yank_len = h->ring[h->yank].n;
	h->last = LAST_YANK;
	return 1;
}

/* Alt-y straight after a yank: the text just yanked becomes the ring's
 * entry before it, going round; entries too long for the limit are
 * passed over. */
static int yank_pop(struct textedit *t, enum last_key prev)
{
	struct textedit_history *h = t->history;

	if (!h || prev != LAST_YANK || t->cur != h->yank_at + h->yank_len)
		return 0;
	h->last = LAST_YANK;
	for (size_t back = 1; back < h->nring; back++) {
		size_t i = (h->yank + h->nring - back) % h->nring;
		const struct ring_entry *e = &h->ring[i];

		if (t->max && t->len - h->yank_len + e->n > t->max)
			continue;
		step_push(h, h->yank_at, e->n, t->buf + h->yank_at, h->yank_len, t->cur);
		erase(t, h->yank_at, h->yank_at + h->yank_len);
		put(t, e->s, e->n);
		h->yank = i;
		h->yank_len = e->n;
		return 1;
	}
	return 0;
}

/* Inserts a typed character (or newline, or tab), growing the step the
 * typing before it began while the word goes on. */
static int type_text(struct textedit *t, const char *s, size_t n, enum last_key prev)
{
	struct textedit_history *h;
	struct undo_step *step;
	size_t at = t->cur;

	if (!insert(t, s, n))
		return 0;
	h = history_get(t);
	step = step_newest(h);
	if (prev == LAST_TYPE && step && step->ndel == 0 && step->ins > 0 && step->at + step->ins == at &&
	    same_step(t->buf[at - 1], t->buf[at]))
		step->ins += n;
	else
		step_push(h, at, n, NULL, 0, at);
	h->last = LAST_TYPE;
	return 1;
}

/* Backspace or Delete of [from, to), one character: a run of either
 * grows one step, a word at a time, as typing does. */
static int delete_char(struct textedit *t, size_t from, size_t to, enum last_key kind, enum last_key prev)
{
	struct textedit_history *h = history_get(t);
	struct undo_step *step = step_newest(h);
	bool run = prev == kind && step && step->ins == 0 && step->ndel > 0;

	if (run && kind == LAST_BACKSPACE && step->at == to && same_step(t->buf[from], step->del[0]))
		step_grow(h, step, t->buf + from, to - from, true);
	else if (run && kind == LAST_DELETE && step->at == from && same_step(step->del[step->ndel - 1], t->buf[from]))
		step_grow(h, step, t->buf + from, to - from, false);
	else
		step_push(h, from, 0, t->buf + from, to - from, t->cur);
	erase(t, from, to);
	h->last = kind;
	return 1;
}

/* Takes back the newest step.  Returns 1, or 0 when there is none. */
static int undo(struct textedit *t)
{
	struct textedit_history *h = t->history;
	struct undo_step *s = h ? step_newest(h) : NULL;

	if (!s)
		return 0;
	erase(t, s->at, s->at + s->ins);
	put(t, s->del, s->ndel);
	t->cur = s->cur;
	h->undo_bytes -= s->ndel + STEP_COST;
	free(s->del);
	if (--h->end == h->first)
		h->first = h->end = 0;
	return 1;
}

bool textedit_insert(struct textedit *t, const char *s, size_t n)
{
	size_t at = t->cur;

	if (!insert(t, s, n))
		return false;
	if (n)
		step_push(history_get(t), at, n, NULL, 0, at);
	/* A paste is a step of its own: typing after it starts another. */
	if (t->history)
		t->history->last = LAST_NONE;
	return true;
}

int textedit_key(struct textedit *t, int key, int width)
{
	enum last_key prev = t->history ? t->history->last : LAST_NONE;
	char enc[4];

	if (t->history)
		t->history->last = LAST_NONE;
	switch (key) {
	case K_LEFT:
		t->cur = prev_char(t, t->cur);
		return 0;
	case K_RIGHT:
		t->cur = next_char(t, t->cur);
		return 0;
	case K_CLEFT:
	case K_ALT('b'):
	case K_ALT('B'):
		t->cur = word_back(t, t->cur);
		return 0;
	case K_CRIGHT:
	case K_ALT('f'):
	case K_ALT('F'):
		t->cur = word_forward(t, t->cur);
		return 0;
	case K_HOME:
	case K_CTRL('a'):
		while (t->cur > 0 && t->buf[t->cur - 1] != '\n')
			t->cur--;
		return 0;
	case K_END:
	case K_CTRL('e'):
		while (t->cur < t->len && t->buf[t->cur] != '\n')
			t->cur++;
		return 0;
	case K_UP:
	case K_DOWN:
		if (!t->multiline)
			return -1;
		move_line(t, key == K_UP ? -1 : 1, width);
		return 0;
	case K_BACKSPACE:
	case K_DEL:
	case K_CTRL('h'):
		if (t->cur == 0)
			return 0;
		return delete_char(t, prev_char(t, t->cur), t->cur, LAST_BACKSPACE, prev);
	case K_DELETE:
		if (t->cur >= t->len)
			return 0;
		return delete_char(t, t->cur, next_char(t, t->cur), LAST_DELETE, prev);
	case K_CTRL('z'):
	case K_CTRL('_'):
		return undo(t);
	case K_CTRL('u'): {
		size_t from = t->cur;
		while (from > 0 && t->buf[from - 1] != '\n')
			from--;
		return kill_text(t, from, t->cur, true, prev);
	}
	case K_CTRL('w'): {
		/* unix-word-rubout: back to the space, not the punctuation. */
		size_t from = t->cur;
		while (from > 0 && t->buf[from - 1] == ' ')
			from--;
		while (from > 0 && t->buf[from - 1] != ' ' && t->buf[from - 1] != '\n')
			from--;
		return kill_text(t, from, t->cur, true, prev);
	}
	case K_ALT(K_BACKSPACE):
	case K_ALT(K_DEL):
	case K_ALT(K_CTRL('h')):
		return kill_text(t, word_back(t, t->cur), t->cur, true, prev);
	case K_ALT('d'):
		return kill_text(t, t->cur, word_forward(t, t->cur), false, prev);
	case K_CTRL('k'): {
		size_t to = t->cur;
		while (to < t->len && t->buf[to] != '\n')
			to++;
		/* At the end of a line, the newline: lines join. */
		if (to == t->cur && to < t->len)
			to++;
		return kill_text(t, t->cur, to, false, prev);
	}
	case K_CTRL('y'):
		return yank(t);
	case K_ALT('y'):
		return yank_pop(t, prev);
	case K_ENTER:
	case K_RETURN:
		if (!t->multiline)
			return -1;
		return type_text(t, "\n", 1, prev);
	case K_TAB:
		if (!t->multiline)
			return -1;
		return type_text(t, "\t", 1, prev);
	default:
		break;
	}
	if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0) || key >= K_SPECIAL ||
	    (key >= 0xd800 && key < 0xe000))
		return -1;
	return type_text(t, enc, encode((unsigned)key, enc), prev);
}

/* The saved history, version 1.  Numbers are unsigned LEB128 (7 bits a
 * byte, low first, minimal); hashes are FNV-1a 64, 8 bytes little-endian.
 *
 *   "TEDH" 0x01                  magic and version
 *   len, hash                    the text the history belongs to
 *   nsteps, then each step oldest first:
 *     at, ins, cur, ndel, del[ndel]
 *   nring, yank, then each ring entry oldest first:
 *     n, s[n]
 *   hash                         of every byte before it
 *
 * The trailing hash turns a torn or corrupted draft into a refusal
 * rather than a wrong undo; the checks on load keep a blob made by hand
 * from reaching outside the text. */
static const char HISTORY_MAGIC[4] = {'T', 'E', 'D', 'H'};
enum { HISTORY_VERSION = 1 };

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static void save_num(struct sb *out, uint64_t v)
{
	char b[10];
	size_t n = 0;

	do {
		b[n] = (char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= (char)0x80;
		n++;
	} while (v);
	sb_appendn(out, b, n);
}

static void save_u64(struct sb *out, uint64_t v)
{
	char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (char)(v >> (8 * i) & 0xff);
	sb_appendn(out, b, 8);
}

void textedit_history_save(const struct textedit *t, struct sb *out)
{
	const struct textedit_history *h = t->history;
	size_t start = out->len;

	sb_appendn(out, HISTORY_MAGIC, sizeof(HISTORY_MAGIC));
	sb_appendn(out, (const char[]){HISTORY_VERSION}, 1);
	save_num(out, t->len);
	save_u64(out, fnv1a(textedit_text(t), t->len));
	save_num(out, h ? h->end - h->first : 0);
	for (size_t i = h ? h->first : 0; h && i < h->end; i++) {
		const struct undo_step *s = &h->steps[i];

		save_num(out, s->at);
		save_num(out, s->ins);
		save_num(out, s->cur);
		save_num(out, s->ndel);
		if (s->ndel)
			sb_appendn(out, s->del, s->ndel);
	}
	save_num(out, h ? h->nring : 0);
	save_num(out, h ? h->yank : 0);
	for (size_t i = 0; h && i < h->nring; i++) {
		save_num(out, h->ring[i].n);
		sb_appendn(out, h->ring[i].s, h->ring[i].n);
	}
	save_u64(out, fnv1a(out->s + start, out->len - start));
}

/* Reading a blob: every read checks what is left, and a failed read
 * sets bad and returns zeros, so the parser can read on and check once. */
struct reader {
	const char *p;
	size_t left;
	bool bad;
};

static uint64_t load_num(struct reader *r)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char c;

		if (r->left == 0)
			break;
		c = (unsigned char)*r->p++;
		r->left--;
		/* The tenth byte has room for one bit. */
		if (shift == 63 && c > 1)
			break;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (c == 0 && shift > 0)
				break;          /* not minimal */
			return v;
		}
	}
	r->bad = true;
	return 0;
}

/* A number that must fit in memory: a length or an offset. */
static size_t load_size(struct reader *r)
{
	uint64_t v = load_num(r);

	if (v > SIZE_MAX / 2) {
		r->bad = true;
		return 0;
	}
	return (size_t)v;
}

static uint64_t load_u64(struct reader *r)
{
	uint64_t v = 0;

	if (r->left < 8) {
		r->bad = true;
		return 0;
	}
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)(unsigned char)r->p[i] << (8 * i);
	r->p += 8;
	r->left -= 8;
	return v;
}

/* n bytes, borrowed from the blob; NULL (and bad) when fewer are left. */
static const char *load_bytes(struct reader *r, size_t n)
{
	const char *p = r->p;

	if (n > r->left) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

/* Whether s[0..n) could have been cut from this buffer's text: valid
 * UTF-8 with no control characters but newline and tab, and those only
 * where the buffer takes them; text that undo or a yank puts back goes
 * round the sanitizer, so it is held to what the sanitizer lets through. */
static bool load_text_ok(const struct textedit *t, const char *s, size_t n)
{
	if (!utf8_valid(s, n, NULL))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(t->multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0)
			return false;   /* a C1 control */
	}
	return true;
}

/* The text as undoing step after step would leave it, for checking a
 * loaded history without touching the buffer: a gap buffer, b[0, gap) +
 * b[gap_end, cap), since steps are mostly near the one before. */
struct scratch {
	char *b;
	size_t cap, gap, gap_end;
};

static size_t scratch_len(const struct scratch *x)
{
	return x->cap - (x->gap_end - x->gap);
}

/* Whether a character starts at p (or p is the end). */
static bool scratch_boundary(const struct scratch *x, size_t p)
{
	if (p >= scratch_len(x))
		return p == scratch_len(x);
	if (p >= x->gap)
		p += x->gap_end - x->gap;
	return ((unsigned char)x->b[p] & 0xc0) != 0x80;
}

/* [at, at + ins) becomes del[0..ndel); the caller made the room. */
static void scratch_replace(struct scratch *x, size_t at, size_t ins, const char *del, size_t ndel)
{
	if (at < x->gap) {
		memmove(x->b + x->gap_end - (x->gap - at), x->b + at, x->gap - at);
		x->gap_end -= x->gap - at;
	} else {
		memmove(x->b + x->gap, x->b + x->gap_end, at - x->gap);
		x->gap_end += at - x->gap;
	}
	x->gap = at;
	x->gap_end += ins;
	if (ndel)
		memcpy(x->b + x->gap, del, ndel);
	x->gap += ndel;
}

/* Undoes every step, newest first, on a copy of the text, checking that
 * each lands inside the text and on character boundaries as it would
 * have in the session that made it. */
static bool steps_fit(const struct textedit *t, const struct textedit_history *h)
{
	struct scratch x;
	size_t room = t->len + 1;
	bool ok = true;

	for (size_t i = h->first; i < h->end; i++)
		room += h->steps[i].ndel;
	x.cap = room;
	x.b = xmalloc(room);
	x.gap = 0;
	x.gap_end = room - t->len;
	memcpy(x.b + x.gap_end, t->buf, t->len);
	for (size_t i = h->end; ok && i-- > h->first;) {
		const struct undo_step *s = &h->steps[i];
		size_t len = scratch_len(&x);

		ok = (s->ins || s->ndel) && s->at <= len && s->ins <= len - s->at &&
		     scratch_boundary(&x, s->at) && scratch_boundary(&x, s->at + s->ins) &&
		     load_text_ok(t, s->del, s->ndel);
		if (!ok)
			break;
		scratch_replace(&x, s->at, s->ins, s->del, s->ndel);
		ok = scratch_boundary(&x, s->cur);
	}
	free(x.b);
	return ok;
}

/* Parses the blob's body into h (which is empty). */
static bool history_parse(struct textedit *t, struct textedit_history *h, struct reader *r)
{
	size_t len = load_size(r), nsteps;
	uint64_t hash = load_u64(r);

	if (r->bad || len != t->len || hash != fnv1a(textedit_text(t), t->len))
		return false;
	nsteps = load_size(r);
	for (size_t i = 0; i < nsteps && !r->bad; i++) {
		size_t at = load_size(r), ins = load_size(r), cur = load_size(r), ndel = load_size(r);
		const char *del = load_bytes(r, ndel);

		if (r->bad)
			return false;
		step_append(h, at, ins, del, ndel, cur);
		/* A session never keeps more than the bound (but the newest
		 * step): checked as it grows, so a blob cannot make it big. */
		if (h->undo_bytes > HISTORY_MAX && i > 0)
			return false;
	}
	if (r->bad)
		return false;
	h->nring = load_size(r);
	h->yank = load_size(r);
	if (r->bad || h->nring > RING_SIZE || (h->nring ? h->yank >= h->nring : h->yank != 0)) {
		h->nring = 0;
		return false;
	}
	for (size_t i = 0; i < h->nring; i++) {
		size_t n = load_size(r);
		const char *s = load_bytes(r, n);

		if (r->bad || n == 0 || !load_text_ok(t, s, n)) {
			h->nring = i;
			return false;
		}
		h->ring[i].s = xmalloc(n);
		memcpy(h->ring[i].s, s, n);
		h->ring[i].n = n;
		h->ring_bytes += n;
	}
	if (r->left != 0 || (h->ring_bytes > HISTORY_MAX && h->nring > 1))
		return false;
	return steps_fit(t, h);
}

bool textedit_history_load(struct textedit *t, const char *blob, size_t n)
{
	struct reader r;
	size_t head = sizeof(HISTORY_MAGIC) + 1;

	history_reset(t);
	if (!blob || n < head + 8 || memcmp(blob, HISTORY_MAGIC, sizeof(HISTORY_MAGIC)) ||
	    blob[sizeof(HISTORY_MAGIC)] != HISTORY_VERSION)
		return false;
	r = (struct reader){blob + n - 8, 8, false};
	if (load_u64(&r) != fnv1a(blob, n - 8))
		return false;
	r = (struct reader){blob + head, n - head - 8, false};
	if (!history_parse(t, history_get(t), &r)) {
		history_reset(t);
		return false;
	}
	return true;
}
