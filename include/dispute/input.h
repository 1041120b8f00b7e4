/* A pure decoder of terminal input bytes into keys.h codes and bracketed pastes: no I/O, no clock. */
#ifndef DISPUTE_INPUT_H
#define DISPUTE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/layer.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_TUI | DISPUTE_LAYER_TERM)
#error "input.h belongs to the workbench and its terminal back-end"
#endif

/* The caller reads standard input itself and drives the decoder:
 *
 *	input_feed(in, buf, n);
 *	while (input_next(in, &ev))
 *		handle(&ev);
 *	if (input_pending(in))
 *		wait up to the escape delay for more bytes; if none came,
 *		input_timeout(in) and drain input_next() again.
 *
 * Choices where terminals are ambiguous:
 * - 0x7f and 0x08 are both K_BACKSPACE (Ctrl-H is not a key of its own);
 *   0x0d is K_RETURN, 0x0a K_ENTER, other C0 bytes are themselves.
 * - ESC ESC is K_ESC, then the second ESC is decoded afresh (so ESC ESC [ A
 *   is K_ESC then K_UP).
 * - ESC before a printable or UTF-8 character, or a C0 control, is K_ALT of
 *   it; ESC DEL and ESC BS are K_ALT(K_BACKSPACE), ESC CR K_ALT(K_RETURN).
 *   ESC before a byte that is not UTF-8 is K_ESC, then U+FFFD.
 *   Alt-[ and Alt-O cannot be told from the start of a sequence: when the
 *   escape delay passes right after them, ESC [ is dropped (it may be a
 *   cut sequence) and ESC O is K_ALT('O'), as it is before a control or
 *   UTF-8 byte, which no sequence has there.
 * - A modifier on a named key: Ctrl on Left/Right gives K_CLEFT/K_CRIGHT,
 *   Alt (or Meta) gives K_ALT(key), every other modifier is ignored and
 *   the plain key comes out (Shift-Up is K_UP, Ctrl-Delete is K_DELETE).
 * - The keypad in application mode (ESC O M, ESC O j..y, ESC O X) gives
 *   K_RETURN and the characters printed on it.
 * - Any other sequence, known to a terminal or not, produces no key; one
 *   cut by the escape delay is dropped; one longer than 32 bytes is dropped
 *   with the rest of its parameters, however long.
 * - Invalid UTF-8 is U+FFFD per bad byte; the bytes after it decode as usual.
 */

enum input_kind {
	INPUT_KEY,
	INPUT_PASTE
};

struct input_event {
	enum input_kind kind;
	int key;             /* INPUT_KEY: a keys.h code */
	const char *text;    /* INPUT_PASTE: the bytes between the markers, exactly */
	size_t len;          /* INPUT_PASTE: how many; text is never NULL */
};

struct input;

/* Returns a new decoder holding no bytes; the caller frees it with
 * input_free().  Aborts when out of memory, like xmalloc. */
struct input *input_new(void);

/* Frees the decoder and every byte it holds; NULL is allowed. */
void input_free(struct input *in);

/* Appends n bytes read from the terminal; the decoder copies them.  The
 * text of a paste returned earlier is no longer valid after this call. */
void input_feed(struct input *in, const char *bytes, size_t n);

/* Returns true and fills *ev with the next complete event, or returns false
 * when the bytes held do not make one yet.  A paste's text points into the
 * decoder's buffer: it is borrowed until the next call to input_feed,
 * input_next or input_free on the same decoder. */
bool input_next(struct input *in, struct input_event *ev);

/* Returns true when input_next has nothing to give but bytes are held
 * that may be the start of an escape sequence or of a UTF-8 character, or
 * a paste is open: the caller should wait the escape delay for more.
 * Meant to be asked once input_next has returned false. */
bool input_pending(const struct input *in);

/* Tells the decoder the escape delay passed with no more bytes: what it
 * holds is taken as typed (a lone ESC becomes K_ESC, a cut sequence is
 * dropped, a cut UTF-8 character becomes U+FFFD per byte) on the following
 * input_next calls.  Does nothing to an open paste, which may arrive in
 * many reads over any length of time. */
void input_timeout(struct input *in);

/* Ends an open paste early, for a terminal that never sends the end
 * marker: the next input_next returns what arrived so far as the paste,
 * and bytes fed later are decoded as typed.  Does nothing when no paste
 * is open.  The caller decides when (a size or time limit). */
/* True while a bracketed paste has begun and its end marker has not come:
 * the caller waits longer for more bytes than for an escape sequence. */
bool input_in_paste(const struct input *in);
void input_paste_abort(struct input *in);

#endif
