/* Key codes the workbench understands and its actions, declared once so the help screen cannot drift from the bindings. */
#ifndef DISPUTE_KEYS_H
#define DISPUTE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/layer.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_TUI | DISPUTE_LAYER_TERM)
#error "keys.h belongs to the workbench and its terminal back-end"
#endif

/* Keys are Unicode code points (printable text and the C0 controls) or,
 * above the Unicode range, the named keys below.  The terminal back-end
 * translates its own key codes into these, so nothing above it knows
 * which terminal library is in use. */
enum {
	K_TAB = 9,
	K_ENTER = 10,
	K_RETURN = 13,
	K_ESC = 27,
	K_DEL = 127,
	K_SPECIAL = 0x110000,
	K_UP = K_SPECIAL,
	K_DOWN,
	K_LEFT,
	K_RIGHT,
	K_HOME,
	K_END,
	K_PGUP,
	K_PGDN,
	K_BTAB,
	K_BACKSPACE,
	K_DELETE,
	K_RESIZE,
	K_F1,
	K_F12 = K_F1 + 11,
	K_CLEFT,          /* Ctrl-Left: a word left */
	K_CRIGHT,         /* Ctrl-Right: a word right */
	K_INSERT,
	K_NONE,
	/* Added to a key when Alt (Meta) was held: the terminal sends ESC
	 * before it.  K_ALT('b') is Alt-b, K_ALT(K_BACKSPACE) Alt-Backspace. */
	K_META = 0x1000000
};

#define K_CTRL(c) ((c) & 0x1f)
#define K_F(n) (K_F1 + (n) - 1)
#define K_ALT(k) (K_META | (k))
#define K_IS_ALT(k) (((k) & K_META) != 0)

/* Where a binding applies. */
enum key_context {
	KC_MAIN,          /* the four panes */
	KC_LIST,          /* the dispute list and the deadline board */
	KC_RECORDS,       /* the records pane */
	KC_EDITOR,        /* the record editor */
	KC_TEXT,          /* editing in every text field (the editor, forms, prompts) */
	KC_FORM,          /* the new-dispute form and the prompts */
	KC_CONFIRM,       /* a confirmation: the only way anything is written */
	KC_VIEW,          /* scrolling the help, the report and the invite preview */
	KC_INVITE,        /* the calendar invite preview */
	KC_REPORT,        /* the report view */
	KC_COUNT
};

/* Every action: enum name, config name, context, keys as the help screen
 * shows them, up to three key codes (0 = none), its place on the hint line
 * (1 first; 0 not there), the hint itself, and the help text.  The hint
 * line of each context is built from this table, most important first, so
 * a narrow terminal cuts the least important; actions sharing a hint (j
 * and k) give it once. */
#define APP_ACTIONS(X) \
	X(HELP,        "help",        KC_MAIN,   "? / F1",       '?',         K_F1,       0,    1, "? help",     "Show this help") \
	X(ADD_RECORD,  "add-record",  KC_MAIN,   "a",            'a',         0,          0,    2, "a record",   "Add a record (call, meeting, email, ...)") \
	X(ESCALATE,    "escalate",    KC_MAIN,   "e",            'e',         0,          0,    3, "e escalate", "Escalate to the next stage (shows the new due date first)") \
	X(DOWN,        "down",        KC_MAIN,   "j / Down",     'j',         K_DOWN,     0,    4, "j/k move",   "Move down") \
	X(UP,          "up",          KC_MAIN,   "k / Up",       'k',         K_UP,       0,    0, "",           "Move up") \
	X(NEXT_PANE,   "next-pane",   KC_MAIN,   "Tab",          K_TAB,       0,          0,    5, "Tab pane",   "Move to the next pane") \
	X(PREV_PANE,   "prev-pane",   KC_MAIN,   "Shift-Tab",    K_BTAB,      0,          0,    0, "",           "Move to the previous pane") \
	X(PANE_LIST,   "pane-list",   KC_MAIN,   "1",            '1',         0,          0,    0, "",           "Show the dispute list") \
	X(PANE_TIME,   "pane-timeline", KC_MAIN, "2",            '2',         0,          0,    0, "",           "Show the stage timeline") \
	X(PANE_REC,    "pane-records", KC_MAIN,  "3",            '3',         0,          0,    0, "",           "Show the records") \
	X(PANE_BOARD,  "pane-board",  KC_MAIN,   "4",            '4',         0,          0,    0, "",           "Show the deadline board") \
	X(PAGE_DOWN,   "page-down",   KC_MAIN,   "PgDn / Space", K_PGDN,      ' ',        0,    0, "",           "Move down a page") \
	X(PAGE_UP,     "page-up",     KC_MAIN,   "PgUp",         K_PGUP,      0,          0,    0, "",           "Move up a page") \
	X(FIRST,       "first",       KC_MAIN,   "g / Home",     'g',         K_HOME,     0,    0, "",           "Go to the first line") \
	X(LAST,        "last",        KC_MAIN,   "G / End",      'G',         K_END,      0,    0, "",           "Go to the last line") \
	X(OPEN,        "open",        KC_LIST,   "Enter",        K_ENTER,     K_RETURN,   0,    6, "Enter open", "Open the selected dispute: its records") \
	X(REC_WRITE,   "write",       KC_RECORDS, "Enter",       K_ENTER,     K_RETURN,   0,    6, "Enter write", "Write a new record on this dispute (as a)") \
	X(AMEND,       "amend",       KC_RECORDS, "A",           'A',         0,          0,    7, "A correct",  "Correct the selected record: a new record that amends it") \
	X(DETAIL,      "record-detail", KC_RECORDS, "N",         'N',         0,          0,    0, "",           "For the selected record: the contact spoken to (or a new one) and the next action with its date") \
	X(SEARCH,      "search",      KC_MAIN,   "/",            '/',         0,          0,    8, "/ search",   "Search records and particulars, closed too") \
	X(CLEAR,       "clear-search", KC_MAIN,  "Esc",          K_ESC,       0,          0,    0, "",           "Clear the search") \
	X(NEW,         "new",         KC_MAIN,   "n",            'n',         0,          0,    9, "n new",      "Open a new dispute") \
	X(RESOLVE,     "resolve",     KC_MAIN,   "r",            'r',         0,          0,   10, "r resolve",  "Resolve: record the agreed outcome") \
	X(WITHDRAW,    "withdraw",    KC_MAIN,   "w",            'w',         0,          0,   11, "w withdraw", "Withdraw the dispute") \
	X(SET_DUE,     "set-due",     KC_MAIN,   "d",            'd',         0,          0,   12, "d due date", "Set an agreed due date for the current stage") \
	X(CHALLENGE,   "challenge",   KC_MAIN,   "c",            'c',         0,          0,   13, "c challenge", "Mark or clear a formal challenge") \
	X(REOPEN,      "reopen",      KC_MAIN,   "O",            'O',         0,          0,    0, "",           "Reopen a closed dispute, with the reason (shows what will be written first)") \
	X(INVITE,      "invite",      KC_MAIN,   "x",            'x',         0,          0,   14, "x invite",   "Calendar invite for the deadline (or its cancellation): preview, then write") \
	X(REPORT,      "report",      KC_MAIN,   "R",            'R',         0,          0,   15, "R report",   "Report: the partnership statistics for a period, as bar charts") \
	X(FILTER,      "filter",      KC_MAIN,   "f",            'f',         0,          0,   16, "f filter",   "Show open, closed or all disputes") \
	X(SORT,        "sort",        KC_MAIN,   "s",            's',         0,          0,   17, "s sort",     "Sort by due date, reference, opening date or agency") \
	X(CHECKLIST,   "checklist",   KC_MAIN,   "t",            't',         0,          0,    0, "",           "The stage's checklist and the follow-ups: tick one done (shows it first)") \
	X(OWNER,       "owner",       KC_MAIN,   "o",            'o',         0,          0,    0, "",           "Hand the dispute over to another lead") \
	X(REFRESH,     "refresh",     KC_MAIN,   "Ctrl-L",       K_CTRL('l'), 0,          0,    0, "",           "Reload and redraw") \
	X(QUIT,        "quit",        KC_MAIN,   "q / Ctrl-C",   'q',         K_CTRL('c'), 0,  18, "q quit",     "Quit (a record being typed stays as a draft)") \
	X(ED_SAVE,     "save",        KC_EDITOR, "Ctrl-S / F2",  K_CTRL('s'), K_F(2),     0,    1, "Ctrl-S save", "Save the record to the journal") \
	X(ED_CLOSE,    "close",       KC_EDITOR, "Esc / Ctrl-C", K_ESC,       K_CTRL('c'), 0,   2, "Esc close (draft kept)", "Close the editor; the draft is kept") \
	X(ED_FIELD,    "field",       KC_EDITOR, "Shift-Tab",    K_BTAB,      0,          0,    4, "Shift-Tab kind/time", "Move between kind, time and text") \
	X(ED_NEWLINE,  "newline",     KC_EDITOR, "Enter",        K_ENTER,     K_RETURN,   0,    0, "",           "New line in the text") \
	X(TX_UNDO,     "undo",        KC_TEXT,   "Ctrl-Z / Ctrl-_", K_CTRL('z'), K_CTRL('_'), 0, 3, "Ctrl-Z undo", "Undo, as many times as needed, until the record is saved") \
	X(TX_WORD_LEFT, "word-left",  KC_TEXT,   "Alt-b / Ctrl-Left", K_ALT('b'), K_CLEFT,  0,    0, "",           "A word left") \
	X(TX_WORD_RIGHT, "word-right", KC_TEXT,  "Alt-f / Ctrl-Right", K_ALT('f'), K_CRIGHT, 0,    0, "",           "A word right") \
	X(TX_LINE_START, "line-start", KC_TEXT,  "Home / Ctrl-A", K_HOME,     K_CTRL('a'), 0,   0, "",           "Start of the line") \
	X(TX_LINE_END, "line-end",    KC_TEXT,   "End / Ctrl-E", K_END,       K_CTRL('e'), 0,   0, "",           "End of the line") \
	X(TX_KILL_WORD_BACK, "kill-word-back", KC_TEXT, "Alt-Backspace / Ctrl-W", K_ALT(K_BACKSPACE), K_CTRL('w'), 0, 0, "", "Delete the word before the cursor (kept for Ctrl-Y)") \
	X(TX_KILL_WORD, "kill-word",  KC_TEXT,   "Alt-d",        K_ALT('d'),  0,          0,    0, "",           "Delete the word after the cursor (kept for Ctrl-Y)") \
	X(TX_KILL_START, "kill-line-start", KC_TEXT, "Ctrl-U",   K_CTRL('u'), 0,          0,    0, "",           "Delete back to the start of the line (kept for Ctrl-Y)") \
	X(TX_KILL_END, "kill-line-end", KC_TEXT, "Ctrl-K",       K_CTRL('k'), 0,          0,    0, "",           "Delete to the end of the line (kept for Ctrl-Y)") \
	X(TX_YANK,     "yank",        KC_TEXT,   "Ctrl-Y",       K_CTRL('y'), 0,          0,    0, "",           "Put back the text deleted last") \
	X(TX_YANK_POP, "yank-pop",    KC_TEXT,   "Alt-y",        K_ALT('y'),  0,          0,    0, "",           "Just after Ctrl-Y: put back the text deleted before that instead") \
	X(FM_NEXT,     "next-field",  KC_FORM,   "Tab / Down / Enter", K_TAB, K_DOWN,     K_ENTER, 2, "Tab/↑↓ field", "Next field") \
	X(FM_PREV,     "prev-field",  KC_FORM,   "Shift-Tab / Up", K_BTAB,    K_UP,       0,    0, "",           "Previous field") \
	X(FM_CHOOSE,   "choose",      KC_FORM,   "Left / Right", K_LEFT,      K_RIGHT,    0,    3, "←→ choose",  "Change a choice (protocol, category, urgent, kind); or type its name") \
	X(FM_SUBMIT,   "submit",      KC_FORM,   "Ctrl-S / F2",  K_CTRL('s'), K_F(2),     0,    1, "Ctrl-S save", "Save the form") \
	X(FM_CANCEL,   "cancel",      KC_FORM,   "Esc",          K_ESC,       0,          0,    4, "Esc cancel", "Cancel") \
	X(CF_CONFIRM,  "confirm",     KC_CONFIRM, "Ctrl-S / F2", K_CTRL('s'), K_F(2),     0,    1, "Ctrl-S confirm", "Write what the confirmation shows (no other key does)") \
	X(CF_CANCEL,   "cancel-confirm", KC_CONFIRM, "Esc",      K_ESC,       0,          0,    2, "Esc cancel", "Cancel: nothing is written") \
	X(VW_DOWN,     "scroll-down", KC_VIEW,   "j / Down",     'j',         K_DOWN,     0,    1, "j/k scroll", "Scroll down") \
	X(VW_UP,       "scroll-up",   KC_VIEW,   "k / Up",       'k',         K_UP,       0,    0, "",           "Scroll up") \
	X(VW_PAGE_DOWN, "scroll-page-down", KC_VIEW, "PgDn / Space", K_PGDN,  ' ',        0,    2, "PgUp/PgDn page", "Scroll down a page") \
	X(VW_PAGE_UP,  "scroll-page-up", KC_VIEW, "PgUp",        K_PGUP,      0,          0,    0, "",           "Scroll up a page") \
	X(VW_TOP,      "scroll-top",  KC_VIEW,   "g / Home",     'g',         K_HOME,     0,    3, "g/G top/end", "Go to the top") \
	X(VW_BOTTOM,   "scroll-bottom", KC_VIEW, "G / End",      'G',         K_END,      0,    0, "",           "Go to the bottom") \
	X(VW_CLOSE,    "close-view",  KC_VIEW,   "Esc / q",      K_ESC,       'q',        0,    4, "Esc close",  "Close the view") \
	X(IV_WRITE,    "invite-write", KC_INVITE, "Ctrl-S / F2", K_CTRL('s'), K_F(2),     0,    1, "Ctrl-S write", "Write the file exactly as shown (mode 0600)") \
	X(IV_PATH,     "invite-path", KC_INVITE, "p",            'p',         0,          0,    2, "p path",     "Change where the file is written") \
	X(IV_SUBJECT,  "invite-subject", KC_INVITE, "s",         's',         0,          0,    3, "s subject",  "Include the subject, or leave it out (the default)") \
	X(IV_CANCEL,   "invite-cancel", KC_INVITE, "Esc",        K_ESC,       0,          0,    4, "Esc cancel", "Close without writing anything") \
	X(IV_MAIL,     "invite-mail", KC_INVITE, "m",            'm',         0,          0,    5, "m mail",     "Send it by mail as an invitation (the mail command in the settings), or write the file") \
	X(RP_MONTH,    "report-month", KC_REPORT, "m",           'm',         0,          0,    1, "m/Q/y/a period", "This calendar month") \
	X(RP_QUARTER,  "report-quarter", KC_REPORT, "Q",         'Q',         0,          0,    0, "",           "This quarter (January, April, July, October)") \
	X(RP_YEAR,     "report-year", KC_REPORT, "y",            'y',         0,          0,    0, "",           "This calendar year (the default)") \
	X(RP_ALL,      "report-all",  KC_REPORT, "a",            'a',         0,          0,    0, "",           "All time") \
	X(RP_CUSTOM,   "report-custom", KC_REPORT, "c",          'c',         0,          0,    2, "c dates",    "Choose the dates: from and to (either may be left open)") \
	X(RP_EARLIER,  "report-earlier", KC_REPORT, "Left / [",  K_LEFT,      '[',        0,    3, "←→ earlier/later", "The month, quarter or year before") \
	X(RP_LATER,    "report-later", KC_REPORT, "Right / ]",   K_RIGHT,     ']',        0,    0, "",           "The month, quarter or year after, up to this one") \
	X(RP_CLOSE,    "report-close", KC_REPORT, "Esc / q / R", K_ESC,       'q',        'R',  4, "Esc close",  "Close the report")

enum action {
	ACT_NONE,
#define ACTION_ENUM(name, cfg, ctx, label, k1, k2, k3, prio, hint, help) ACT_##name,
	APP_ACTIONS(ACTION_ENUM)
#undef ACTION_ENUM
	ACT_COUNT
};

struct action_info {
	enum action action;
	const char *name;
	enum key_context context;
	const char *label;
	int keys[3];
	int prio;
	const char *hint;
	const char *help;
};

/* The table built from APP_ACTIONS, in declaration order; *n entries.  Static. */
const struct action_info *keys_table(int *n);

/* The action bound to key in context, or ACT_NONE. */
enum action keys_lookup(enum key_context ctx, int key);


/* A title for a context ("Panes", "Record editor", ...); static. */
const char *keys_context_name(enum key_context ctx);

/* The hint line of the contexts in ctxs (a bitmask of 1 << KC_...): their
 * hints, most important first, joined with " · ", as many whole hints as
 * fit in `cols` display columns.  Written into out (size outlen). */
void keys_hint(unsigned ctxs, int cols, char *out, size_t outlen);

#define KC_BIT(c) (1u << (c))

#endif
