/* The workbench headless, for the benchmark: opens a database, draws the first screen, then types keys, drawing after each, as the terminal would.
 *
 * usage: bench_tui [--idle] DB [KEYS [W H]]
 *
 * --idle: then nothing more is typed, and the work that waits for that (a
 * search's count, after its first page) is done and drawn, as the
 * terminal does.
 *
 * KEYS are plain characters ("jjj"); the day is pinned to 2026-11-27 09:00
 * as in the rest of the benchmark.  Prints nothing: scripts/bench times it
 * and counts its instructions with callgrind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/date.h"
#include "dispute/screen.h"
#include "dispute/service.h"
#include "dispute/tui.h"

int main(int argc, char **argv)
{
	struct ctx c;
	struct error err;
	struct screen s;
	struct app *a;
	bool idle = argc > 1 && !strcmp(argv[1], "--idle");
	const char *keys;
	int w, h;
	long today, t = 0;

	if (idle) {
		argc--;
		argv++;
	}
	keys = argc > 2 ? argv[2] : "";
	w = argc > 4 ? atoi(argv[3]) : 120;
	h = argc > 4 ? atoi(argv[4]) : 40;
	if (argc < 2 || w < 20 || h < 10) {
		fputs("usage: bench_tui [--idle] DB [KEYS [W H]]\n", stderr);
		return 2;
	}
	date_parse("2026-11-27", &today);
	if (ctx_init(&c, today, 9 * 60, &err) != ST_OK || ctx_open(&c, argv[1], OPEN_WRITE, &err) != ST_OK) {
		fprintf(stderr, "bench_tui: %s\n", err.msg);
		return 1;
	}
	screen_init(&s, w, h);
	a = app_new(&c, w, h);
	app_draw(a, &s);
	for (const char *k = keys; *k; k++) {
		app_key(a, (unsigned char)*k, t += 50);
		app_draw(a, &s);
	}
	if (idle && app_waiting(a)) {
		app_idle(a);
		app_draw(a, &s);
	}
	app_delete(a);
	screen_free(&s);
	ctx_free(&c);
	return 0;
}
