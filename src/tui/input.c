/* Terminal input decoding: bytes in, keys and bracketed pastes out, with no I/O and no clock. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/input.h"
#include "dispute/keys.h"
#include "dispute/text.h"
#include "dispute/util.h"

enum {
	SEQ_MAX = 32,          /* longest escape sequence taken whole; longer is an attack or noise */
	BUF_MIN = 4096,
	BUF_KEEP = 65536,      /* a bigger buffer (left by a big paste) is given back once drained */
	NUM_MAX = 100000,      /* parameters are clamped: no key needs more, and no overflow */
};

static const char paste_end[] = "\x1b[201~";
#define PASTE_END_LEN (sizeof(paste_end) - 1)

struct input {
	char *buf;
	size_t start, len, cap;     /* the bytes held are buf[start..len) */
	bool timed_out;             /* buf[start..final_end) is complete as it is */
	size_t final_end;
	bool skipping;              /* inside an overlong sequence: its remaining bytes are dropped */
	bool paste_open;            /* the open paste's bytes begin at buf[start] */
	size_t paste_scanned;       /* bytes of the open paste already known not to start the end marker */
	bool paste_ready;           /* aborted: buf[start..start + paste_len) is the paste */
	size_t paste_len;
};

/* What the bytes at the front make. */
enum step {
	STEP_MORE,       /* maybe the start of something longer: wait */
	STEP_KEY,        /* a key, from `used` bytes */
	STEP_DROP,       /* `used` bytes that make no key */
	STEP_SKIP,       /* `used` bytes of an overlong sequence, whose rest is dropped as it comes */
	STEP_PASTE,      /* `used` bytes that open a bracketed paste */
};

/* A complete CSI or SS3 sequence, with up to two numeric parameters. */
struct seq {
	unsigned char fin;     /* the final byte */
	int np;                /* parameters given; -1 when they are not plain numbers */
	int p[2];              /* 0 where a parameter was left empty */
};

/* True when s[0..n) is a proper prefix of a well-formed UTF-8 character,
 * so the bytes that complete it may still be on their way. */
static bool utf8_is_prefix(const unsigned char *s, size_t n)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t want;

	if (c >= 0xC2 && c <= 0xDF)
		want = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		want = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		want = 4;
	else
		return false;
	if (n >= want)
		return false;
	/* The second byte's range rules out overlongs, surrogates and values
	 * above U+10FFFF, exactly as utf8_decode will. */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (size_t i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return false;
		lo = 0x80;
		hi = 0xBF;
	}
	return true;
}

/* A character at s (s[0] >= 0x80): its code point, or U+FFFD for one bad byte. */
static enum step decode_char(const unsigned char *s, size_t n, bool final, int *key, size_t *used)
{
	unsigned cp;

	if (!final && utf8_is_prefix(s, n))
		return STEP_MORE;
	*used = utf8_decode((const char *)s, n, &cp);
	*key = (int)cp;
	return STEP_KEY;
}

/* Reads parameters, intermediates and the final byte of a sequence whose
 * body starts at s[i].  Returns STEP_KEY when it is complete (its length
 * in *used, its meaning in *q); otherwise what to do with the bytes. */
static enum step seq_scan(const unsigned char *s, size_t n, size_t i, bool final, struct seq *q,
                          size_t *used)
{
	size_t body = i;

	for (; i < n && i < SEQ_MAX; i++) {
		if (s[i] >= 0x20 && s[i] <= 0x3F)
			continue;
		*used = i;
		if (s[i] < 0x40 || s[i] > 0x7E)
			return STEP_DROP;   /* not a sequence byte: the sequence was cut */
		*used = i + 1;
		break;
	}
	if (i == n) {
		*used = n;
		return final ? STEP_DROP : STEP_MORE;
	}
	if (i == SEQ_MAX) {
		*used = SEQ_MAX;
		return STEP_SKIP;
	}
	q->fin = s[i];
	q->np = 0;
	q->p[0] = q->p[1] = 0;
	if (i > body)
		q->np = 1;
	for (size_t j = body; j < i; j++) {
		if (s[j] == ';') {
			if (++q->np > 2)
				break;
		} else if (s[j] >= '0' && s[j] <= '9') {
			int *p = &q->p[q->np - 1];
			*p = *p * 10 + (s[j] - '0');
			if (*p > NUM_MAX)
				*p = NUM_MAX;
		} else {
			q->np = -1;   /* private markers, colons, intermediates: not a key */
			break;
		}
	}
	if (q->np > 2)
		q->np = -1;
	return STEP_KEY;
}

/* Applies an xterm modifier parameter (1 + shift 1 + alt 2 + ctrl 4 + meta 8);
 * returns 0 for a value no terminal sends. */
static int key_modify(int key, int mod)
{
	int bits;

	if (mod == 0)
		mod = 1;
	if (mod < 1 || mod > 16)
		return 0;
	bits = mod - 1;
	if ((bits & 4) && key == K_LEFT)
		key = K_CLEFT;
	else if ((bits & 4) && key == K_RIGHT)
		key = K_CRIGHT;
	if (bits & (2 | 8))
		key = K_ALT(key);
	return key;
}

/* The key of a letter-final sequence, CSI or SS3, or 0. */
static int key_letter(unsigned char fin)
{
	switch (fin) {
	case 'A': return K_UP;
	case 'B': return K_DOWN;
	case 'C': return K_RIGHT;
	case 'D': return K_LEFT;
	case 'H': return K_HOME;
	case 'F': return K_END;
	case 'Z': return K_BTAB;
	case 'P': case 'Q': case 'R': case 'S': return K_F(fin - 'P' + 1);
	default: return 0;
	}
}

/* The key of `ESC [ n ~`, or 0. */
static int key_tilde(int n)
{
	switch (n) {
	case 1: case 7: return K_HOME;
	case 2: return K_INSERT;
	case 3: return K_DELETE;
	case 4: case 8: return K_END;
	case 5: return K_PGUP;
	case 6: return K_PGDN;
	case 11: case 12: case 13: case 14: case 15: return K_F(n - 10);
	case 17: case 18: case 19: case 20: case 21: return K_F(n - 11);
	case 23: case 24: return K_F(n - 12);
	default: return 0;
	}
}

/* The key of a letter-final sequence with its parameters: none, `1;m`, or
 * a lone `m` (xterm's older modifyCursorKeys forms). */
static int key_letter_mod(int key, const struct seq *q)
{
	if (!key || q->np < 0)
		return 0;
	if (q->np == 2 && q->p[0] > 1)
		return 0;
	return key_modify(key, q->np == 2 ? q->p[1] : q->p[0]);
}

/* ESC [ ...: a named key, the start of a paste, or nothing. */
static enum step decode_csi(const unsigned char *s, size_t n, bool final, int *key, size_t *used)
{
	struct seq q;
	enum step st;

	if (n >= 3 && s[2] == '[') {
		/* The Linux console's F1-F5 are ESC [ [ A..E; another final
		 * byte after ESC [ [ is taken as an unknown key of its kind. */
		if (n == 3) {
			*used = 3;
			return final ? STEP_DROP : STEP_MORE;
		}
		if (s[3] >= 'A' && s[3] <= 'E') {
			*key = K_F(s[3] - 'A' + 1);
			*used = 4;
			return STEP_KEY;
		}
		*used = s[3] >= 0x40 && s[3] <= 0x7E ? 4 : 3;
		return STEP_DROP;
	}
	st = seq_scan(s, n, 2, final, &q, used);
	if (st != STEP_KEY)
		return st;
	if (q.fin == '~' && q.np == 1 && q.p[0] == 200)
		return STEP_PASTE;
	if (q.fin == '~')
		*key = q.np >= 1 && key_tilde(q.p[0]) ? key_modify(key_tilde(q.p[0]), q.p[1]) : 0;
	else
		*key = key_letter_mod(key_letter(q.fin), &q);
	return *key ? STEP_KEY : STEP_DROP;
}

/* The key of an SS3 final byte: the cursor and F1-F4 keys, and the
 * keypad in application mode (Enter, digits, operators), or 0. */
static int key_ss3(unsigned char fin)
{
	if (fin == 'M')
		return K_RETURN;
	if (fin == 'X')
		return '=';
	if (fin >= 'j' && fin <= 'y')
		return "*+,-./0123456789"[fin - 'j'];
	return key_letter(fin);
}

/* ESC O ...: SS3.  Every terminal sends exactly one printable byte after
 * the O (or modifier digits, then one), so anything else means Alt-O. */
static enum step decode_ss3(const unsigned char *s, size_t n, bool final, int *key, size_t *used)
{
	struct seq q;
	enum step st;

	if (n == 2 && !final)
		return STEP_MORE;
	if (n == 2 || s[2] < 0x20 || s[2] > 0x7E) {
		*key = K_ALT('O');
		*used = 2;
		return STEP_KEY;
	}
	st = seq_scan(s, n, 2, final, &q, used);
	if (st != STEP_KEY)
		return st;
	*key = key_letter_mod(key_ss3(q.fin), &q);
	return *key ? STEP_KEY : STEP_DROP;
}

/* ESC and what follows it. */
static enum step decode_esc(const unsigned char *s, size_t n, bool final, int *key, size_t *used)
{
	unsigned c, cp;
	size_t len;

	*used = 1;
	if (n == 1) {
		*key = K_ESC;
		return final ? STEP_KEY : STEP_MORE;
	}
	c = s[1];
	if (c == '[')
		return decode_csi(s, n, final, key, used);
	if (c == 'O')
		return decode_ss3(s, n, final, key, used);
	if (c == K_ESC) {
		/* Esc pressed twice, or Esc before a key's sequence: the
		 * second ESC starts afresh. */
		*key = K_ESC;
		return STEP_KEY;
	}
	*used = 2;
	if (c == 0x7f || c == 0x08) {
		*key = K_ALT(K_BACKSPACE);
		return STEP_KEY;
	}
	if (c < 0x80) {
		*key = K_ALT((int)c);
		return STEP_KEY;
	}
	if (!final && utf8_is_prefix(s + 1, n - 1))
		return STEP_MORE;
	len = utf8_decode((const char *)s + 1, n - 1, &cp);
	if (len == 1) {
		/* Not a character: Esc, then the bad byte on its own. */
		*key = K_ESC;
		*used = 1;
		return STEP_KEY;
	}
	*key = K_ALT((int)cp);
	*used = 1 + len;
	return STEP_KEY;
}

/* What the n bytes at s (n > 0) begin with; final when no more will come
 * to complete them. */
static enum step decode(const unsigned char *s, size_t n, bool final, int *key, size_t *used)
{
	*used = 1;
	if (s[0] == K_ESC)
		return decode_esc(s, n, final, key, used);
	if (s[0] == 0x7f || s[0] == 0x08) {
		*key = K_BACKSPACE;
		return STEP_KEY;
	}
	if (s[0] < 0x80) {
		/* Text and C0 controls are their own codes: CR is K_RETURN,
		 * LF is K_ENTER, Tab is K_TAB, Ctrl-A is 1. */
		*key = s[0];
		return STEP_KEY;
	}
	return decode_char(s, n, final, key, used);
}

struct input *input_new(void)
{
	return xcalloc(1, sizeof(struct input));
}

void input_free(struct input *in)
{
	if (!in)
		return;
	free(in->buf);
	free(in);
}

/* Makes room for `need` bytes, doubling to keep feeding linear, and
 * shrinks a buffer a big paste left far larger than what is held. */
static void buf_fit(struct input *in, size_t need)
{
	size_t cap = BUF_MIN;

	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > in->cap || (in->cap > BUF_KEEP && cap <= in->cap / 4)) {
		in->buf = xrealloc(in->buf, cap);
		in->cap = cap;
	}
}

void input_feed(struct input *in, const char *bytes, size_t n)
{
	size_t held = in->len - in->start;

	if (!n)
		return;
	/* Consumed bytes go: a session of any length holds only what is
	 * undecoded.  An open paste is moved at most once, as it starts at
	 * buf[0] from then on. */
	if (in->start) {
		memmove(in->buf, in->buf + in->start, held);
		if (in->timed_out)
			in->final_end -= in->start;
		in->start = 0;
		in->len = held;
	}
	buf_fit(in, n > SIZE_MAX - held ? SIZE_MAX : held + n);
	memcpy(in->buf + in->len, bytes, n);
	in->len += n;
}

static void consume(struct input *in, size_t n)
{
	in->start += n;
	if (in->timed_out && in->start >= in->final_end)
		in->timed_out = false;
}

/* Returns the paste of the n bytes at the front, and drops `marker` more. */
static bool paste_emit(struct input *in, struct input_event *ev, size_t n, size_t marker)
{
	ev->kind = INPUT_PASTE;
	ev->key = 0;
	ev->text = n ? in->buf + in->start : "";
	ev->len = n;
	consume(in, n + marker);
	return true;
}

/* The first end marker in p[0..n), or NULL. */
static const char *paste_end_find(const char *p, size_t n)
{
	const char *end = p + n;

	/* The marker starts with ESC, which is rare in pasted text. */
	while ((p = memchr(p, paste_end[0], (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) < PASTE_END_LEN)
			return NULL;
		if (!memcmp(p, paste_end, PASTE_END_LEN))
			return p;
		p++;
	}
	return NULL;
}

/* Looks for the end marker only in bytes not searched before, so a paste
 * arriving in many reads costs time linear in its length. */
static bool paste_find(struct input *in, struct input_event *ev)
{
	size_t held = in->len - in->start;
	const char *p = in->buf + in->start, *hit = NULL;

	if (held > in->paste_scanned)
		hit = paste_end_find(p + in->paste_scanned, held - in->paste_scanned);
	if (!hit) {
		/* The last bytes may be the start of a marker cut by the read. */
		if (held >= PASTE_END_LEN)
			in->paste_scanned = held - (PASTE_END_LEN - 1);
		return false;
	}
	in->paste_open = false;
	return paste_emit(in, ev, (size_t)(hit - p), PASTE_END_LEN);
}

bool input_next(struct input *in, struct input_event *ev)
{
	for (;;) {
		const unsigned char *s;
		size_t avail, used = 0;
		int key = 0;
		enum step st;

		if (in->paste_ready) {
			in->paste_ready = false;
			return paste_emit(in, ev, in->paste_len, 0);
		}
		if (in->paste_open)
			return paste_find(in, ev);
		if (in->start == in->len) {
			in->start = in->len = 0;
			if (in->cap > BUF_KEEP) {
				free(in->buf);
				in->buf = NULL;
				in->cap = 0;
			}
			return false;
		}
		s = (const unsigned char *)in->buf + in->start;
		if (in->skipping) {
			if (*s >= 0x20 && *s <= 0x7E) {
				in->skipping = *s < 0x40;   /* a final byte ends it */
				consume(in, 1);
				continue;
			}
			in->skipping = false;
		}
		avail = (in->timed_out ? in->final_end : in->len) - in->start;
		st = decode(s, avail, in->timed_out, &key, &used);
		if (st == STEP_MORE)
			return false;
		consume(in, used);
		switch (st) {
		case STEP_KEY:
			ev->kind = INPUT_KEY;
			ev->key = key;
			ev->text = NULL;
			ev->len = 0;
			return true;
		case STEP_SKIP:
			in->skipping = true;
			break;
		case STEP_PASTE:
			in->paste_open = true;
			in->paste_scanned = 0;
			break;
		default:
			break;
		}
	}
}

bool input_pending(const struct input *in)
{
	size_t used;
	int key;

	if (in->paste_open)
		return true;
	if (in->paste_ready || in->timed_out || in->skipping || in->start == in->len)
		return false;
	return decode((const unsigned char *)in->buf + in->start, in->len - in->start, false, &key,
	              &used) == STEP_MORE;
}

void input_timeout(struct input *in)
{
	if (in->paste_open)
		return;
	/* A sequence is sent in one write; a pause inside it means it was cut. */
	in->skipping = false;
	if (in->start < in->len) {
		in->timed_out = true;
		in->final_end = in->len;
	}
}

bool input_in_paste(const struct input *in)
{
	return in->paste_open;
}

void input_paste_abort(struct input *in)
{
	if (!in->paste_open)
		return;
	in->paste_open = false;
	in->paste_ready = true;
	in->paste_len = in->len - in->start;
}
