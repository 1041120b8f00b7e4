/* The pieces of the program loaded only when first used: invites and their mail (libical, GMime) and the terminal (ncursesw). */
#ifndef DISPUTE_MODULES_H
#define DISPUTE_MODULES_H

#include <stddef.h>
#include <stdio.h>

#include "dispute/itip.h"
#include "dispute/layer.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_EXPORT | DISPUTE_LAYER_TERM | DISPUTE_LAYER_CLI)
#error "modules.h is for the modules (export, terminal) and the command line that loads them"
#endif

/* Loading libical and GMime (with ICU, GLib and GIO under them) and
 * ncursesw costs a command several milliseconds before main, most of the
 * start-up of one that needs none of them (new, record, escalate...).  So
 * the code that calls them is built as modules, calendar.so (src/export/
 * ics.c, imip.c) and terminal.so (src/term/term_curses.c), and the program
 * carries stand-ins of the same names (src/cli/modules.c) that load the
 * module the first time one is called and call through its table below.
 * The tests link the real files directly, as the program did before.
 *
 * A module only works with the build it came from: each table starts with
 * DISPUTE_ABI (the version and a hash of these headers, from the
 * Makefile), and a module whose string differs is refused. */

struct ctx;
struct dispute;
struct ics_item;
struct ics_settings;
struct ics_writer;
struct invite_setup;
struct itip_msg;
struct itip_reply;
struct protocol;

/* calendar.so: what include/dispute/ics.h and imip.h declare. */
#define CALENDAR_MODULE_SYMBOL "dispute_calendar_module"
struct calendar_module {
	const char *abi;
	enum status (*ics_alarms_check)(const char *alarms, struct error *err);
	enum status (*ics_zone_check)(const char *tzid, const char *protocol, struct error *err);
	enum status (*ics_utc_to_local)(const char *tzid, const char *utc, long *day, int *minute,
	                                struct error *err);
	enum status (*ics_begin)(FILE *out, enum itip_method method, const char *tzid, long tz_from,
	                         struct ics_writer **w, struct error *err);
	enum status (*ics_event)(struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it,
	                         struct error *err);
	enum status (*ics_end)(struct ics_writer *w, struct error *err);
	enum status (*imip_build)(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
	                          const struct itip_msg *m, size_t n, const char *calendar, size_t len, char **out,
	                          size_t *outlen, struct error *err);
	enum status (*imip_reply_read)(const char *bytes, size_t len, struct itip_reply *r, char proposed_utc[17],
	                               struct error *err);
};
extern const struct calendar_module dispute_calendar_module;

/* terminal.so: what include/dispute/term.h declares. */
#define TERMINAL_MODULE_SYMBOL "dispute_terminal_module"
struct terminal_module {
	const char *abi;
	int (*term_run)(struct ctx *c, enum status (*now)(long *today, int *minute, struct error *err));
};
extern const struct terminal_module dispute_terminal_module;

#endif
