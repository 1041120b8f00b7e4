/* UTF-8 helpers: validation, display width, and making stored text safe to show. */
#ifndef DISPUTE_TEXT_H
#define DISPUTE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true when s[0..len) is valid UTF-8 (no overlongs, no surrogates).
 * On false, *bad (if not NULL) is the byte offset of the first bad byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad);

/* Decodes one code point at s (valid UTF-8 assumed, len > 0); returns its
 * byte length and sets *cp.  Invalid bytes decode as U+FFFD, length 1. */
size_t utf8_decode(const char *s, size_t len, unsigned *cp);

/* Returns a new string (caller frees) with every C0/C1 control character
 * and DEL replaced by a visible stand-in (U+FFFD), invalid UTF-8 bytes by
 * U+FFFD, every bidirectional control by its code point as
 * text_bidi_shown writes it, and, unless keep_newlines, newlines and tabs
 * by a space.  This is what every piece of stored text, and every echo of
 * what the user typed, goes through before it reaches a terminal or an
 * export: the one sanitiser. */
char *text_sanitize(const char *s, bool keep_newlines);

/* The bytes [start, end) of a piece of a text (a word a search matched). */
struct text_span {
	size_t start, end;
};

/* text_sanitize(s, keep_newlines) with the spans of s carried over:
 * out[0..*nout) (room for n) receives where the text of spans[0..n) lands
 * in the returned string, which the caller frees.  A span out of order,
 * overlapping the one before, past the end or not on a character
 * boundary is left out. */
char *text_sanitize_spans(const char *s, bool keep_newlines, const struct text_span *spans, size_t n,
                          struct text_span *out, size_t *nout);

/* The bidirectional overrides and isolates, U+202A-U+202E and
 * U+2066-U+2069, reorder the text around them wherever they are obeyed: a
 * reference or a name could be made to read as another.  They are never
 * passed on; each is shown as its code point, "<U+202E>" (TEXT_BIDI_SHOWN
 * bytes and columns).  Writes that into out and returns true for those
 * code points; returns false, out untouched, for any other.  text_sanitize,
 * text_width, text_fit and the workbench's screen all show them so. */
#define TEXT_BIDI_SHOWN 8
bool text_bidi_shown(unsigned cp, char out[TEXT_BIDI_SHOWN + 1]);

/* Returns a new string (caller frees, never NULL) of the n pasted bytes at s
 * made fit for a text field: CRLF and lone CR become LF; every other C0
 * control, DEL and C1 control (U+0080-U+009F) is dropped, except tab and
 * newline, which are kept when multiline and become spaces otherwise;
 * invalid UTF-8 bytes become U+FFFD each; NUL bytes are dropped; nothing is
 * ever truncated.  Unlike text_sanitize, controls vanish instead of showing:
 * a paste is new text the user meant to type, not stored text to display. */
char *text_clean_paste(const char *s, size_t n, bool multiline);

/* Returns a new string (caller frees): s lower-cased for matching without
 * regard to case, in ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic,
 * so that "łukasz" matches "Łukasz".  Other characters are kept.  (Search
 * has its own folding, in the store's index.) */
char *text_fold(const char *s);

/* Returns a new string (caller frees): s reduced to its words for loose
 * matching of names and labels.  Letters are lower-cased as by text_fold
 * and Latin letters lose their accents (é, ô, ŵ, ẁ -> e, o, w, w; ß -> ss,
 * æ -> ae, ł -> l); combining marks and apostrophes are dropped, so
 * "Children's" is "childrens"; every run of spaces, punctuation and symbols
 * becomes one space, none leading or trailing.  "Levels of need / thresholds"
 * gives "levels of need thresholds"; NULL or text with no letters or digits
 * gives "".  text_fold is left as it is. */
char *text_fold_words(const char *s);

/* Appends s as a JSON string ("null" for NULL): sanitised as by
 * text_sanitize(s, true), then every quote, backslash and control
 * character escaped, so the output parses whatever the database holds. */
struct sb;
void text_json(struct sb *sb, const char *s);
/* A JSON date "YYYY-MM-DD", time "HH:MM" or record number, or null for
 * DATE_NONE, TIME_NONE or 0. */
void text_json_date(struct sb *sb, long day);
void text_json_time(struct sb *sb, int minute);
void text_json_id(struct sb *sb, long long id);

/* Appends s made safe for one line of a terminal, padded with spaces or
 * cut with "…" to cols display columns (whole when cols is 0): the one
 * column helper of every text table. */
void text_column(struct sb *sb, const char *s, int cols);

/* Display columns of s (wide characters count 2, combining marks 0, a
 * bidirectional control TEXT_BIDI_SHOWN for its "<U+202E>"). */
int text_width(const char *s);

/* Copies into out (size outlen) as much of s as fits in `cols` display
 * columns, ending with "…" if cut; controls become U+FFFD and
 * bidirectional controls "<U+202E>", as text_sanitize shows them.
 * Returns the columns used. */
int text_fit(const char *s, int cols, char *out, size_t outlen);

/* True when email is an address an invite and a mail can carry: an
 * RFC 5322 addr-spec in its dot-atom form (no quoted local part, comment
 * or domain literal), ASCII only (internationalised addresses, RFC 6531,
 * are refused: the ASCII form is asked for), at most 254 bytes (64 before
 * the '@'), a domain of letter-digit-hyphen labels, and no character that
 * a mailto: URI (RFC 6068) would have to escape: never '?', '#', '%',
 * spaces or controls.  When it is not, why (may be NULL) receives the
 * reason ("'?' cannot go in an invite's mailto: address"). */
bool text_email_check(const char *email, char *why, size_t whylen);
bool text_email_ok(const char *email);

#endif
