/* Which layer a file belongs to, so that a header can refuse to be included where the layering says it must not be. */
#ifndef DISPUTE_LAYER_H
#define DISPUTE_LAYER_H

/* The Makefile compiles each file with -DDISPUTE_LAYER=DISPUTE_LAYER_<its
 * folder>; the tests are DISPUTE_LAYER_TEST.  A header that belongs to
 * some layers only checks DISPUTE_LAYER against them and stops the build
 * with #error otherwise: a wrong include cannot compile. */
#define DISPUTE_LAYER_CORE    0x01    /* src/core: domain rules and working days, no I/O, no clock */
#define DISPUTE_LAYER_STORE   0x02    /* src/store: the SQLite file, the only SQL */
#define DISPUTE_LAYER_SERVICE 0x04    /* src/service: every read and write a front end makes */
#define DISPUTE_LAYER_EXPORT  0x08    /* src/export: values in, iCalendar / CSV / reports out */
#define DISPUTE_LAYER_TUI     0x10    /* src/tui: the workbench on an abstract screen */
#define DISPUTE_LAYER_TERM    0x20    /* src/term: the only curses file */
#define DISPUTE_LAYER_CLI     0x40    /* src/cli: commands and main */
#define DISPUTE_LAYER_TEST    0x80    /* tests/: may look at any layer */

#ifndef DISPUTE_LAYER
#error "compile with -DDISPUTE_LAYER=DISPUTE_LAYER_<folder> (the Makefile does): headers check the layering"
#endif

/* True when the file being compiled is in one of the layers of mask. */
#define DISPUTE_LAYER_IN(mask) ((DISPUTE_LAYER) & ((mask) | DISPUTE_LAYER_TEST))

#endif
