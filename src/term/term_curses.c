/* The curses back-end of the workbench, the only file that talks to the terminal: keys in, the abstract screen out. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "dispute/input.h"
#include "dispute/keys.h"
#include "dispute/modules.h"
#include "dispute/screen.h"
#include "dispute/term.h"
#include "dispute/tui.h"

/* Idle wake-ups: often enough that a draft is stored within two seconds
 * of the last keystroke, rarely enough to cost nothing. */
#define IDLE_MS 500
/* How long a lone Esc waits for the rest of an escape sequence: a
 * terminal sends a sequence in one write, so a short wait never splits
 * one into Esc + letters, and Esc still closes at once to a person. */
#define ESC_MS 25
/* A paste whose end marker has not come after this long is taken as it is. */
#define PASTE_MS 3000

static volatile sig_atomic_t got_signal, got_winch;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

struct term {
	SCREEN *sp;
	bool colour;
	bool utf8;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void colours_start(struct term *t)
{
	const char *no = getenv("NO_COLOR");
	int bg = -1;

	t->colour = false;
	if ((no && *no) || !has_colors() || start_color() == ERR)
		return;
	if (use_default_colors() == ERR)
		bg = COLOR_BLACK;
	init_pair(SC_OVERDUE, COLOR_RED, (short)bg);
	init_pair(SC_URGENT, COLOR_YELLOW, (short)bg);
	init_pair(SC_OK, COLOR_GREEN, (short)bg);
	init_pair(SC_HEADER, COLOR_CYAN, (short)bg);
	init_pair(SC_SELECT, COLOR_CYAN, (short)bg);
	init_pair(SC_MATCH, COLOR_YELLOW, (short)bg);
	t->colour = true;
}

/* A stand-in for a character the terminal's locale cannot show. */
static wchar_t ascii_stand_in(const char *ch)
{
	if (!strcmp(ch, "─"))
		return L'-';
	if (!strcmp(ch, "│"))
		return L'|';
	if (!strcmp(ch, "┌") || !strcmp(ch, "┐") || !strcmp(ch, "└") || !strcmp(ch, "┘"))
		return L'+';
	if (!strcmp(ch, "…"))
		return L'~';
	if (!strcmp(ch, "◂") || !strcmp(ch, "←"))
		return L'<';
	/* The report's bars: four shapes, told apart without colour. */
	if (!strcmp(ch, "█"))
		return L'#';
	if (!strcmp(ch, "▓"))
		return L'=';
	if (!strcmp(ch, "▒"))
		return L'+';
	if (!strcmp(ch, "░"))
		return L'.';
	if (!strcmp(ch, "·"))
		return L'-';
	if (!strcmp(ch, "↑"))
		return L'^';
	if (!strcmp(ch, "↓"))
		return L'v';
	if (!strcmp(ch, "▸") || !strcmp(ch, "→"))
		return L'>';
	if (!strcmp(ch, "✎"))
		return L'*';
	return L'?';
}

static void cell_out(const struct term *t, int y, int x, const struct cell *c)
{
	wchar_t wc[CCHARW_MAX + 1];
	cchar_t cc;
	attr_t at = A_NORMAL;
	short pair = 0;
	size_t n;

	memset(wc, 0, sizeof(wc));
	if (t->utf8) {
		mbstate_t st;
		const char *src = c->ch;

		memset(&st, 0, sizeof(st));
		n = mbsrtowcs(wc, &src, CCHARW_MAX, &st);
		if (n == (size_t)-1 || n == 0)
			wc[0] = L'?';
		wc[CCHARW_MAX] = L'\0';
	} else {
		wc[0] = (unsigned char)c->ch[0] < 0x80 ? (wchar_t)c->ch[0] : ascii_stand_in(c->ch);
		wc[1] = L'\0';
	}
	if (c->attr & SA_BOLD)
		at |= A_BOLD;
	if (c->attr & SA_REVERSE)
		at |= A_REVERSE;
	if (c->attr & SA_DIM)
		at |= A_DIM;
	if (c->attr & SA_UNDERLINE)
		at |= A_UNDERLINE;
	if (t->colour)
		pair = (short)SA_COLOUR_OF(c->attr);
	setcchar(&cc, wc, at, pair, NULL);
	mvadd_wch(y, x, &cc);
}

/* Copies the abstract screen to curses; curses sends only what changed. */
static void present(const struct term *t, struct app *a, struct screen *s)
{
	app_draw(a, s);
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			const struct cell *c = screen_cell(s, y, x);
			if (c->ch[0])
				cell_out(t, y, x, c);
		}
	if (s->cur_y >= 0) {
		curs_set(1);
		move(s->cur_y, s->cur_x < s->w ? s->cur_x : s->w - 1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* The terminal changed size: curses and the app follow. */
static unsigned resized(struct app *a, struct screen *s)
{
	struct winsize ws;

	got_winch = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return APP_NONE;
	resize_term(ws.ws_row, ws.ws_col);
	screen_resize(s, ws.ws_col, ws.ws_row);
	clearok(curscr, TRUE);
	return app_resize(a, ws.ws_col, ws.ws_row);
}

/* Hands every complete key and paste the decoder holds to the app. */
static unsigned events_run(struct app *a, struct input *in)
{
	struct input_event ev;
	unsigned r = APP_NONE;

	while (!(r & APP_QUIT) && input_next(in, &ev)) {
		long t = now_ms();

		if (ev.kind == INPUT_PASTE)
			r |= app_paste(a, ev.text, ev.len, t);
		else
			r |= app_key(a, ev.key, t);
	}
	return r;
}

static void signals_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a hang-up must interrupt the wait for a key so
	 * the draft is stored before the process goes. */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
}

/* Keeps "now" current in a workbench left open all day: new records get
 * the time they are typed, a timed deadline turns overdue when its hour
 * passes, and after midnight the board counts from the new day. */
static unsigned clock_tick(struct app *a, term_clock_fn *now)
{
	long today;
	int minute;

	if (now(&today, &minute, NULL) != ST_OK)
		return APP_NONE;
	return app_clock(a, today, minute);
}

/* Keys are read from the terminal's bytes by the input decoder, not by
 * curses: a paste arrives whole (bracketed paste) and an escape sequence
 * is never split into Esc and letters.  Curses only draws. */
int term_run(struct ctx *c, term_clock_fn *now)
{
	struct term t;
	struct app *a;
	struct screen s;
	struct input *in;
	const char *cs;
	char note[512];
	long last_byte = 0;
	int h, w;

	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("dispute: the workbench needs a terminal; see `dispute help` for the commands\n", stderr);
		return 1;
	}
	memset(&t, 0, sizeof(t));
	cs = nl_langinfo(CODESET);
	t.utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	t.sp = newterm(NULL, stdout, stdin);
	if (!t.sp) {
		fprintf(stderr, "dispute: cannot drive terminal type \"%s\"\n", getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	set_term(t.sp);
	/* After newterm, so these handlers are ours and not curses' own. */
	signals_catch();
	raw();
	noecho();
	nonl();
	colours_start(&t);
	/* Bracketed paste: the terminal marks pasted text, so it is only
	 * ever text, whatever bytes it holds. */
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	in = input_new();
	getmaxyx(stdscr, h, w);
	screen_init(&s, w, h);
	a = app_new(c, w, h);
	present(&t, a, &s);
	while (!got_signal) {
		struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
		bool pending = input_pending(in);
		unsigned r = APP_NONE;
		char buf[65536];
		int ready = poll(&pfd, 1, pending ? (input_in_paste(in) ? PASTE_MS : ESC_MS) : app_waiting(a) ? 0 : IDLE_MS);

		if (ready < 0 && errno != EINTR)
			break;
		if (got_winch)
			r |= resized(a, &s);
		if (ready > 0) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				break;      /* the terminal went away: keep the draft and go */
			if (n > 0) {
				input_feed(in, buf, (size_t)n);
				last_byte = now_ms();
			}
		} else if (ready == 0 && pending) {
			/* Nothing more came: a lone Esc is Esc; a paste whose end
			 * never came is taken as it is. */
			if (!input_in_paste(in))
				input_timeout(in);
			else if (now_ms() - last_byte >= PASTE_MS)
				input_paste_abort(in);
		}
		r |= events_run(a, in);
		r |= app_tick(a, now_ms());
		if (ready == 0 && !pending)
			r |= app_idle(a) | clock_tick(a, now);
		if (r & APP_QUIT)
			break;
		if (r & APP_REPAINT)
			clearok(curscr, TRUE);
		if (r & (APP_REDRAW | APP_REPAINT))
			present(&t, a, &s);
	}
	app_flush_draft(a);
	snprintf(note, sizeof(note), "%s", app_quit_note(a));
	app_delete(a);
	input_free(in);
	screen_free(&s);
	fputs("\033[?2004l", stdout);
	fflush(stdout);
	endwin();
	delscreen(t.sp);
	if (note[0])
		fprintf(stderr, "dispute: %s\n", note);
	return 0;
}

/* What the program finds in terminal.so when it loads it (include/dispute/modules.h). */
__attribute__((visibility("default"))) const struct terminal_module dispute_terminal_module = {
	.abi = DISPUTE_ABI,
	.term_run = term_run,
};
