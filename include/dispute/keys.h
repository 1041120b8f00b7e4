/* Key codes the workbench understands and its actions, declared once so the help screen cannot drift from the bindings. */
#ifndef DISPUTE_KEYS_H
#define DISPUTE_KEYS_H

#include <stdbool.h>

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
	KC_EDITOR,        /* the record editor */
	KC_FORM,          /* the new-dispute form and the prompts */
	KC_VIEW,          /* scrolling the report and the invite preview */
	KC_INVITE,        /* the calendar invite preview */
	KC_REPORT,        /* the report view */
	KC_COUNT
};

/* Every action: enum name, config name, context, keys as the help screen
 * shows them, up to three key codes (0 = none), and the help text. */
#define APP_ACTIONS(X) \
	X(NEXT_PANE,   "next-pane",   KC_MAIN,   "Tab",          K_TAB,       0,          0,   "Move to the next pane") \
	X(PREV_PANE,   "prev-pane",   KC_MAIN,   "Shift-Tab",    K_BTAB,      0,          0,   "Move to the previous pane") \
	X(PANE_LIST,   "pane-list",   KC_MAIN,   "1",            '1',         0,          0,   "Show the dispute list") \
	X(PANE_TIME,   "pane-timeline", KC_MAIN, "2",            '2',         0,          0,   "Show the stage timeline") \
	X(PANE_REC,    "pane-records", KC_MAIN,  "3",            '3',         0,          0,   "Show the records") \
	X(PANE_BOARD,  "pane-board",  KC_MAIN,   "4",            '4',         0,          0,   "Show the deadline board") \
	X(DOWN,        "down",        KC_MAIN,   "j / Down",     'j',         K_DOWN,     0,   "Move down") \
	X(UP,          "up",          KC_MAIN,   "k / Up",       'k',         K_UP,       0,   "Move up") \
	X(PAGE_DOWN,   "page-down",   KC_MAIN,   "PgDn / Space", K_PGDN,      ' ',        0,   "Move down a page") \
	X(PAGE_UP,     "page-up",     KC_MAIN,   "PgUp",         K_PGUP,      0,          0,   "Move up a page") \
	X(FIRST,       "first",       KC_MAIN,   "g / Home",     'g',         K_HOME,     0,   "Go to the first line") \
	X(LAST,        "last",        KC_MAIN,   "G / End",      'G',         K_END,      0,   "Go to the last line") \
	X(OPEN,        "open",        KC_MAIN,   "Enter",        K_ENTER,     K_RETURN,   0,   "Open the selected dispute") \
	X(SEARCH,      "search",      KC_MAIN,   "/",            '/',         0,          0,   "Search references, agencies and record text") \
	X(CLEAR,       "clear-search", KC_MAIN,  "Esc",          K_ESC,       0,          0,   "Clear the search") \
	X(FILTER,      "filter",      KC_MAIN,   "f",            'f',         0,          0,   "Show open, closed or all disputes") \
	X(SORT,        "sort",        KC_MAIN,   "s",            's',         0,          0,   "Sort by due date, reference, opening date or agency") \
	X(NEW,         "new",         KC_MAIN,   "n",            'n',         0,          0,   "Open a new dispute") \
	X(ADD_RECORD,  "add-record",  KC_MAIN,   "a",            'a',         0,          0,   "Add a record (call, meeting, email, ...)") \
	X(ESCALATE,    "escalate",    KC_MAIN,   "e",            'e',         0,          0,   "Escalate to the next stage (shows the new due date)") \
	X(SET_DUE,     "set-due",     KC_MAIN,   "d",            'd',         0,          0,   "Set an agreed due date for the current stage") \
	X(RESOLVE,     "resolve",     KC_MAIN,   "r",            'r',         0,          0,   "Resolve: record the agreed outcome") \
	X(WITHDRAW,    "withdraw",    KC_MAIN,   "w",            'w',         0,          0,   "Withdraw the dispute") \
	X(CHALLENGE,   "challenge",   KC_MAIN,   "c",            'c',         0,          0,   "Mark or clear a formal challenge") \
	X(INVITE,      "invite",      KC_MAIN,   "x",            'x',         0,          0,   "Calendar invite for the deadline (or its cancellation): preview, then write") \
	X(REPORT,      "report",      KC_MAIN,   "R",            'R',         0,          0,   "Report: the partnership statistics for a period, as bar charts") \
	X(REFRESH,     "refresh",     KC_MAIN,   "Ctrl-L",       K_CTRL('l'), 0,          0,   "Reload and redraw") \
	X(HELP,        "help",        KC_MAIN,   "? / F1",       '?',         K_F1,       0,   "Show this help") \
	X(QUIT,        "quit",        KC_MAIN,   "q / Ctrl-C",   'q',         K_CTRL('c'), 0,  "Quit (a record being typed stays as a draft)") \
	X(ED_SAVE,     "save",        KC_EDITOR, "Ctrl-S / F2",  K_CTRL('s'), K_F(2),     0,   "Save the record") \
	X(ED_CLOSE,    "close",       KC_EDITOR, "Esc / Ctrl-C", K_ESC,       K_CTRL('c'), 0,  "Close the editor; the draft is kept") \
	X(ED_FIELD,    "field",       KC_EDITOR, "Shift-Tab",    K_BTAB,      0,          0,   "Move between kind, time and text") \
	X(ED_NEWLINE,  "newline",     KC_EDITOR, "Enter",        K_ENTER,     K_RETURN,   0,   "New line in the text") \
	X(FM_NEXT,     "next-field",  KC_FORM,   "Tab / Down",   K_TAB,       K_DOWN,     0,   "Next field") \
	X(FM_PREV,     "prev-field",  KC_FORM,   "Shift-Tab / Up", K_BTAB,    K_UP,       0,   "Previous field") \
	X(FM_CHOOSE,   "choose",      KC_FORM,   "Left / Right", K_LEFT,      K_RIGHT,    0,   "Change a choice (protocol, category, urgent, kind)") \
	X(FM_SUBMIT,   "submit",      KC_FORM,   "Ctrl-S / F2",  K_CTRL('s'), K_F(2),     0,   "Submit the form") \
	X(FM_CANCEL,   "cancel",      KC_FORM,   "Esc",          K_ESC,       0,          0,   "Cancel") \
	X(VW_DOWN,     "scroll-down", KC_VIEW,   "j / Down",     'j',         K_DOWN,     0,   "Scroll down") \
	X(VW_UP,       "scroll-up",   KC_VIEW,   "k / Up",       'k',         K_UP,       0,   "Scroll up") \
	X(VW_PAGE_DOWN, "scroll-page-down", KC_VIEW, "PgDn / Space", K_PGDN,  ' ',        0,   "Scroll down a page") \
	X(VW_PAGE_UP,  "scroll-page-up", KC_VIEW, "PgUp",        K_PGUP,      0,          0,   "Scroll up a page") \
	X(VW_TOP,      "scroll-top",  KC_VIEW,   "g / Home",     'g',         K_HOME,     0,   "Go to the top") \
	X(VW_BOTTOM,   "scroll-bottom", KC_VIEW, "G / End",      'G',         K_END,      0,   "Go to the bottom") \
	X(IV_WRITE,    "invite-write", KC_INVITE, "y / Enter",   'y',         K_ENTER,    K_RETURN, "Write the file exactly as shown (mode 0600)") \
	X(IV_PATH,     "invite-path", KC_INVITE, "p",            'p',         0,          0,   "Change where the file is written") \
	X(IV_SUBJECT,  "invite-subject", KC_INVITE, "s",         's',         0,          0,   "Include the subject, or leave it out (the default)") \
	X(IV_CANCEL,   "invite-cancel", KC_INVITE, "n / Esc",    'n',         K_ESC,      0,   "Close without writing anything") \
	X(RP_MONTH,    "report-month", KC_REPORT, "m",           'm',         0,          0,   "This calendar month") \
	X(RP_QUARTER,  "report-quarter", KC_REPORT, "Q",         'Q',         0,          0,   "This quarter (January, April, July, October)") \
	X(RP_YEAR,     "report-year", KC_REPORT, "y",            'y',         0,          0,   "This calendar year (the default)") \
	X(RP_ALL,      "report-all",  KC_REPORT, "a",            'a',         0,          0,   "All time") \
	X(RP_CUSTOM,   "report-custom", KC_REPORT, "c",          'c',         0,          0,   "Choose the dates: from and to (either may be left open)") \
	X(RP_EARLIER,  "report-earlier", KC_REPORT, "Left / [",  K_LEFT,      '[',        0,   "The month, quarter or year before") \
	X(RP_LATER,    "report-later", KC_REPORT, "Right / ]",   K_RIGHT,     ']',        0,   "The month, quarter or year after, up to this one") \
	X(RP_CLOSE,    "report-close", KC_REPORT, "Esc / q / R", K_ESC,       'q',        'R', "Close the report")

enum action {
	ACT_NONE,
#define ACTION_ENUM(name, cfg, ctx, label, k1, k2, k3, help) ACT_##name,
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
	const char *help;
};

/* The table built from APP_ACTIONS, in declaration order; *n entries.  Static. */
const struct action_info *keys_table(int *n);

/* The action bound to key in context, or ACT_NONE. */
enum action keys_lookup(enum key_context ctx, int key);

/* The help label of an action ("Ctrl-S / F2"); static. */
const char *keys_label(enum action act);

/* A title for a context ("Panes", "Record editor", ...); static. */
const char *keys_context_name(enum key_context ctx);

#endif
