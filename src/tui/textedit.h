/* An editable UTF-8 text buffer with a cursor, and word wrapping into display lines. */
#ifndef DISPUTE_TEXTEDIT_H
#define DISPUTE_TEXTEDIT_H

#include <stdbool.h>
#include <stddef.h>

struct sb;
struct textedit_history;

/* One display line: bytes [start, end) of the text. */
struct wrap_line {
	size_t start, end;
};

/* buf is owned and always NUL-terminated; cur is a byte offset on a
 * character boundary.  multiline buffers accept newlines. */
struct textedit {
	char *buf;
	size_t len, cap, cur;
	bool multiline;
	size_t max;             /* largest length in bytes accepted */
	size_t chars;           /* characters (code points) in buf */
	/* The text wrapped at lines_width (0 = not wrapped yet), owned and
	 * kept up to date by every edit once textedit_lines has been asked. */
	struct wrap_line *lines;
	size_t nlines, lines_cap;
	int lines_width;
	/* The undo steps and the kill ring, owned; NULL until the first change. */
	struct textedit_history *history;
};

void textedit_init(struct textedit *t, bool multiline, size_t max);
/* Frees the text, the wrapped lines and the history. */
void textedit_free(struct textedit *t);
/* Replaces the text (NULL = empty), puts the cursor at its end and
 * forgets the undo history and the kill ring. */
void textedit_set(struct textedit *t, const char *s);
/* The text, borrowed; never NULL. */
const char *textedit_text(const struct textedit *t);

/* Handles an editing key (a code point, or K_LEFT, K_BACKSPACE, ... from
 * keys.h).  width is the display width used for wrapping, for Up/Down.
 * Alt-b / Ctrl-Left and Alt-f / Ctrl-Right move a word as readline does
 * (a word is letters and digits, any non-ASCII byte counting as a letter).
 * Kills go into a ring of 16: Ctrl-W (back to a space), Alt-Backspace
 * (back to a word's start), Alt-d (to a word's end), Ctrl-K (to the line's
 * end, or its newline), Ctrl-U (to the line's start); kills straight after
 * kills grow one entry.  Ctrl-Y yanks the entry back; Alt-y straight after
 * a yank swaps in the entry before it.  Ctrl-Z (or Ctrl-_) undoes the last
 * change and puts the cursor back where it was; typing and Backspace undo
 * a word at a time.  The history keeps about a MiB of steps, oldest
 * forgotten first.
 * Returns 1 when the text changed, 0 when only the cursor moved (or there
 * was nothing to do), -1 when the key is not an editing key. */
int textedit_key(struct textedit *t, int key, int width);

/* Inserts s[0..n) at the cursor, as one step of undo, and puts the cursor
 * after it: for a paste.  The text must be clean already (valid UTF-8,
 * sanitized; no newline in a single-line buffer); s is only read.
 * Returns false, inserting nothing, when the text would pass t->max. */
bool textedit_insert(struct textedit *t, const char *s, size_t n);

/* True when Ctrl-Z has a change to undo. */
bool textedit_can_undo(const struct textedit *t);

/* Appends to out (a caller-owned buffer; the bytes may include NULs, so
 * out->len is their end) a compact, versioned serialisation of the undo
 * steps and the kill ring, tied to the current text: for the autosaved
 * draft, so that undo survives a crash. */
void textedit_history_save(const struct textedit *t, struct sb *out);

/* Restores a history saved by textedit_history_save onto t, whose text
 * must just have been set to the text it was saved with; blob is only
 * read.  Ctrl-Z then undoes exactly as it would have where it was saved.
 * Returns false, leaving t with an empty history, when the blob is
 * malformed, of another version, for another text, or has steps that do
 * not fit this text and buffer (checked in full before anything is used). */
bool textedit_history_load(struct textedit *t, const char *blob, size_t n);

/* Wraps s[0..len) into display lines of at most width columns, breaking
 * after spaces where it can; a newline always ends a line.  Returns the
 * number of lines (at least 1) in *out, a new array the caller frees. */
size_t text_wrap(const char *s, size_t len, int width, struct wrap_line **out);

/* Display columns of s[start..end), counting a tab as one column. */
int text_span_width(const char *s, size_t start, size_t end);

/* The text wrapped into display lines of at most width columns, exactly
 * as text_wrap would; *out is borrowed until the next change.  The first
 * call (and a new width) wraps the whole text; after that each edit
 * rewraps only the lines around it, so a key costs the same in a long
 * text as in a short one. */
size_t textedit_lines(struct textedit *t, int width, const struct wrap_line **out);

/* The cursor's display line and column in the wrapped text. */
void textedit_cursor(struct textedit *t, int width, int *row, int *col);

#endif
