/* The curses back-end of the workbench, the only file that talks to the terminal: keys in, the abstract screen out. */
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "dispute/app.h"
#include "dispute/clock.h"
#include "dispute/keys.h"
#include "dispute/screen.h"
#include "dispute/tui.h"

/* Idle wake-ups: often enough that a draft is stored within two seconds
 * of the last keystroke, rarely enough to cost nothing. */
#define IDLE_MS 500
/* Keys handled before the screen is drawn again, so a long paste goes in
 * at full speed rather than one redraw per character. */
#define BATCH_KEYS 16384

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
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

/* Reads one key into *key (keys.h codes); false when none came. */
static bool key_read(int *key)
{
	wint_t wc;
	int rc = get_wch(&wc);

	if (rc == ERR)
		return false;
	if (rc != KEY_CODE_YES) {
		*key = (int)wc;
		return true;
	}
	switch (wc) {
	case KEY_UP: *key = K_UP; break;
	case KEY_DOWN: *key = K_DOWN; break;
	case KEY_LEFT: *key = K_LEFT; break;
	case KEY_RIGHT: *key = K_RIGHT; break;
	case KEY_HOME: *key = K_HOME; break;
	case KEY_END: *key = K_END; break;
	case KEY_PPAGE: *key = K_PGUP; break;
	case KEY_NPAGE: *key = K_PGDN; break;
	case KEY_BTAB: *key = K_BTAB; break;
	case KEY_BACKSPACE: *key = K_BACKSPACE; break;
	case KEY_DC: *key = K_DELETE; break;
	case KEY_ENTER: *key = K_ENTER; break;
	case KEY_RESIZE: *key = K_RESIZE; break;
	default:
		if (wc >= KEY_F(1) && wc <= KEY_F(12))
			*key = K_F1 + (int)(wc - KEY_F(1));
		else
			*key = K_NONE;
		break;
	}
	return true;
}

static unsigned key_handle(struct app *a, struct screen *s, int key)
{
	int h, w;

	if (key == K_NONE)
		return APP_NONE;
	if (key == K_RESIZE) {
		getmaxyx(stdscr, h, w);
		screen_resize(s, w, h);
		clearok(curscr, TRUE);
		return app_resize(a, w, h);
	}
	return app_key(a, key);
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
}

/* Keeps "now" current in a workbench left open all day: new records get
 * the time they are typed, a timed deadline turns overdue when its hour
 * passes, and after midnight the board counts from the new day. */
static unsigned clock_tick(struct app *a)
{
	long today;
	int minute;

	if (clock_now(&today, &minute, NULL) != ST_OK)
		return APP_NONE;
	return app_clock(a, today, minute);
}

int tui_run(struct ctx *c)
{
	struct term t;
	struct app a;
	struct screen s;
	const char *cs;
	int h, w;

	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("dispute: the workbench needs a terminal; see `dispute help` for the commands\n", stderr);
		return 1;
	}
	signals_catch();
	memset(&t, 0, sizeof(t));
	cs = nl_langinfo(CODESET);
	t.utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	t.sp = newterm(NULL, stdout, stdin);
	if (!t.sp) {
		fprintf(stderr, "dispute: cannot drive terminal type \"%s\"\n", getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	set_term(t.sp);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	colours_start(&t);
	getmaxyx(stdscr, h, w);
	screen_init(&s, w, h);
	app_init(&a, c, w, h);
	present(&t, &a, &s);
	while (!got_signal) {
		unsigned r;
		int key;

		timeout(IDLE_MS);
		if (!key_read(&key)) {
			unsigned idle = app_tick(&a, now_ms()) | clock_tick(&a);

			if (idle & APP_REDRAW)
				present(&t, &a, &s);
			continue;
		}
		r = key_handle(&a, &s, key);
		timeout(0);
		for (int i = 0; i < BATCH_KEYS && !(r & APP_QUIT) && !got_signal && key_read(&key); i++)
			r |= key_handle(&a, &s, key);
		r |= app_tick(&a, now_ms());
		if (r & APP_QUIT)
			break;
		if (r & APP_REPAINT)
			clearok(curscr, TRUE);
		if (r & APP_REDRAW)
			present(&t, &a, &s);
	}
	app_flush_draft(&a);
	app_free(&a);
	screen_free(&s);
	endwin();
	delscreen(t.sp);
	return 0;
}
