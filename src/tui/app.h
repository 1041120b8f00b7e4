/* The workbench's state and its reducer: keys in, "what happens next" out, with no terminal library involved. */
#ifndef DISPUTE_APP_H
#define DISPUTE_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "dispute/dispute.h"
#include "dispute/tui.h"
#include "dispute/keys.h"
#include "lines.h"
#include "dispute/screen.h"
#include "dispute/service.h"
#include "textedit.h"


/* The smallest terminal the workbench draws in, and the size from which
 * all four panes are shown side by side. */
#define APP_MIN_W 80
#define APP_MIN_H 24
#define APP_WIDE_W 110
#define APP_WIDE_H 30

enum pane_id {
	PANE_LIST,
	PANE_TIMELINE,
	PANE_RECORDS,
	PANE_BOARD,
	PANE_COUNT
};

enum app_mode {
	MODE_NORMAL,
	MODE_HELP,
	MODE_SEARCH,
	MODE_FORM,        /* new dispute */
	MODE_EDITOR,      /* new record */
	MODE_DIALOG,      /* confirmation or prompt */
	MODE_DRAFT,       /* a kept draft offered back at start */
	MODE_INVITE,      /* a calendar invite: details asked for, then the preview */
	MODE_REPORT,      /* the statistics view */
	MODE_IDENTITY,    /* who is writing: asked once, before anything is signed */
	MODE_COUNT
};

/* How a mode takes keys and pastes and draws itself over the panes: one
 * table instead of a switch in every dispatcher (tig's view_ops). */
struct app;
struct mode_ops {
	unsigned (*key)(struct app *a, int key);
	/* Draws the mode over the panes; NULL draws nothing more. */
	void (*draw)(struct app *a, struct screen *s);
	/* The text field that has the focus (a paste goes there), or NULL;
	 * *multiline says whether it takes newlines. */
	struct textedit *(*field)(struct app *a, bool *multiline);
	/* The contexts whose hints the status line shows (KC_BIT mask); NULL
	 * or 0 = the focused pane's. */
	unsigned (*hints)(const struct app *a);
};

extern const struct mode_ops mode_normal_ops, mode_help_ops, mode_search_ops, mode_form_ops, mode_editor_ops,
	mode_dialog_ops, mode_draft_ops, mode_invite_ops, mode_report_ops, mode_identity_ops;

/* One line of the dispute list or the deadline board, copied out of the
 * store's borrowed dispute and already made safe to show. */
struct list_row {
	long long id;
	char ref[16];
	char *against;
	char *category;
	int stage, nstages;
	long due;
	int due_minute;
	struct left left;       /* where its deadline stands (dispute_left) when loaded */
	enum deadline_kind what;    /* the board: which of the dispute's deadlines this row is */
	char what_text[24];     /* ... in a word or two ("response", "process"); "" for its stage's */
	bool urgent;
	bool challenged;
	bool draft;             /* a record draft is kept for it */
	enum dispute_status status;
	long long record;       /* a follow-up on the board: the record that set it, else 0 */
	char *next;             /* ... and its next action (sanitised, owned), else NULL */
	int nagainst;           /* how many other agencies the dispute has */
};

/* The dispute list: a window of rows [top, top + nrows) of total. */
struct list_state {
	struct list_row *rows;
	int nrows;
	int top, sel, total;
	int page;               /* rows that fit in the pane */
	enum list_which which;
	enum list_order order;
	char *search;           /* owned, or NULL */
	int outside;            /* with a search: the disputes it finds that the filter leaves out */
	bool counting;          /* a search's first page is shown; total and outside wait for app_idle */
};

enum board_bucket {
	BOARD_OVERDUE,
	BOARD_TODAY,
	BOARD_WEEK,
	BOARD_LATER,
	BOARD_FOLLOWUP,         /* follow-ups due today or before: shown after DUE TODAY, when there are any */
	BOARD_COUNT
};

struct board_state {
	int count[BOARD_COUNT];
	struct list_row *rows[BOARD_COUNT];
	int nrows[BOARD_COUNT];
	int sel;                /* index into the items as drawn */
	int open_total;
	int overdue, due_today; /* open disputes with a deadline passed, and with one due later today */
};

/* The selected dispute, loaded in full with its journal (sanitized). */
struct detail_state {
	bool loaded;
	struct dispute d;
	const struct protocol *p;
	struct record *records;
	size_t nrecords;
	int timeline_scroll;
	int records_scroll;     /* display lines from the bottom */
	int rec_sel;            /* the selected record (index into records), for a correction */
	bool rec_follow;        /* scroll the journal to show rec_sel at the next draw */
	size_t *rec_line;       /* first journal line of each record, kept with journal */
	/* With a search: the words it matched in each record's text and in
	 * the summary, as sanitised (rec_marks[i] for records[i]; owned). */
	struct text_span **rec_marks;
	size_t *rec_nmarks;
	struct text_span *summary_marks;
	size_t nsummary_marks;
	/* The journal wrapped for the record pane, kept until the dispute is
	 * loaded again or the pane's width changes: a key that only moves
	 * around does not rewrap a long journal. */
	struct lines journal;
	bool journal_ready;
};

struct editor_state {
	long long dispute_id;
	char ref[16];
	enum record_kind kind;
	struct textedit when;   /* the record's time: when the note was started, editable */
	struct textedit text;
	int field;              /* 0 kind, 1 when, 2 text */
	bool dirty;             /* changed since the draft was last stored */
	bool stored;            /* a draft is in the database */
	long dirty_since;       /* ms, or -1 until app_tick sees it */
	int width;              /* text width at the last draw, for Up/Down */
	int scroll;
	long long amends;       /* the record being corrected, or 0 */
	char *quote;            /* that record's heading and text (sanitised, owned), or NULL */
};

#define FORM_FIELDS 8

struct form_state {
	int field;
	size_t protocol;        /* index into ctx->protocols */
	size_t category;
	bool urgent;
	struct textedit text[FORM_FIELDS];
	struct textedit category_typed;  /* words typed on the category field, matched as typed */
	bool dirty;             /* the user has typed or chosen something */
	bool discard;           /* Esc pressed on a dirty form: asking before throwing it away */
	char msg[sizeof(((struct error *)0)->msg)];   /* a refusal, whole: it may list the categories */
};

enum dialog_step {
	DLG_NONE,
	DLG_ESCALATE_DUE,       /* escalate into a stage whose date is agreed: the date */
	DLG_ESCALATE_RESPONSE,  /* ... the stage's second timescale, when it has one */
	DLG_ESCALATE_REASON,    /* ... and why, when it is later than the protocol allows */
	DLG_DUE_DATE,
	DLG_DUE_RESPONSE,
	DLG_DUE_REASON,
	DLG_REOPEN_REASON,
	DLG_RESOLVE_OUTCOME,
	DLG_RESOLVE_OUTSTANDING,
	DLG_WITHDRAW_REASON,
	DLG_TICK_ITEM,          /* the checklist shown: which item is done */
	DLG_TICK_DAY,           /* ... and on which day */
	DLG_OWNER_NAME,         /* the lead it is handed to */
	DLG_DETAIL_CONTACT,     /* a record's contact: a number from the list, or a new one */
	DLG_DETAIL_NEXT,        /* ... its next action */
	DLG_DETAIL_DUE,         /* ... and that action's date */
	DLG_CONFIRM             /* what will be written, waiting for Ctrl-S */
};

#define DIALOG_LINES 16

struct dialog_state {
	enum dialog_step step;
	bool prompt;            /* has an input line; otherwise a confirmation */
	bool optional;          /* the input may be left empty */
	char title[64];
	char *lines[DIALOG_LINES];
	int nlines;
	char label[64];
	char hint[256];         /* a dim line under the input, or "" */
	char verb[32];          /* what Ctrl-S does: "escalate", "resolve", ... */
	char done[80];          /* what the status line says once it is done: "Escalated D-2026-0001" */
	struct textedit input;
	char ref[16];
	struct svc_change ch;   /* the change being put together; its strings point into answer[] */
	char *answer[2];        /* answers of earlier steps, owned */
	long limit_due;         /* DLG_ESCALATE_DUE: the latest date the protocol allows, or DATE_NONE */
	const char *response;   /* the stage's second timescale (its rule's words), asked for next, or NULL */
	struct contact contact; /* DLG_DETAIL_*: a contact added with the record's detail (owned), or none */
	long proposed;          /* set-due: a counterpart's counter-proposal for the stage, or DATE_NONE */
	char proposer[256];     /* whose it is (their address) */
};

struct draft_offer {
	char ref[16];
	struct draft draft;     /* owned; draft.text NULL when none is offered */
};

/* Who is writing: the first start without a name asks for it once. */
struct identity_state {
	struct textedit name, role;
	int field;
	char msg[sizeof(((struct error *)0)->msg)];
};

/* The states of the two full views, owned by view_invite.c and
 * view_report.c; NULL while the view is closed. */
struct invite_view;
struct report_view;

struct app {
	struct ctx *c;
	int w, h;
	bool wide;
	struct rect pane_rect[PANE_COUNT];
	struct rect body;
	enum pane_id focus;
	enum app_mode mode;
	enum app_mode mode_before_help;
	struct list_state list;
	struct board_state board;
	struct detail_state detail;
	struct editor_state ed;
	struct form_state form;
	struct dialog_state dlg;
	struct draft_offer draft;
	struct identity_state who;
	struct textedit search;
	struct invite_view *invite;
	struct report_view *report;
	int help_scroll;
	char status[2048];
	bool status_error;
	/* Keys that come in a burst just after a text field closed are the
	 * rest of a sentence, not commands: they are dropped until a pause. */
	long now_ms;            /* when the key being handled arrived (monotonic) */
	bool guard;             /* dropping the rest of a burst */
	long guard_last;        /* when the last key of the burst came */
	int guard_dropped;
	char quit_note[256];    /* said on the terminal after the workbench closes */
};

/* A key that follows the one before it by less than this is part of the
 * same burst of typing. */
#define APP_BURST_MS 1000

/* app_new and app_delete in place: sets up an app the caller holds, and
 * stores a pending draft and frees everything it owns. */
void app_init(struct app *a, struct ctx *c, int w, int h);
void app_free(struct app *a);

/* A text field just closed: keys still coming in the same burst are dropped. */
void app_guard(struct app *a);


/* Shared by the panes and forms. */
/* Applies a movement action (line, page, first, last; in the panes or the
 * read-only views) to *scroll, the lines scrolled from the top, or from
 * the bottom when from_bottom; `end` is the far position (the drawing
 * clamps it).  Returns false when act is not a movement. */
bool app_scroll(int *scroll, enum action act, bool from_bottom, int end);

void app_status(struct app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_error(struct app *a, const struct error *err);
/* Reloads the list window, the board and the selected dispute. */
void app_reload(struct app *a);
void app_reload_list(struct app *a);
/* "3 more in closed disputes (f shows them)": what a search finds that
 * the filter leaves out, or "" when it leaves out nothing. */
void app_outside_text(const struct app *a, char *out, size_t outlen);
/* Loads the dispute ref as the selected one (NULL clears the selection). */
void app_select(struct app *a, const char *ref);
/* Searches the list for q (owned; NULL or blank: no search): its first
 * page at once, with the selected dispute's matches marked, its count at
 * the next idle moment (app_idle), and says so on the status line
 * (app_search_status, again once counted). */
void app_search(struct app *a, char *q);
void app_search_status(struct app *a);
/* A record was saved on dispute_id: its journal (and only that) is read
 * again, and its draft mark cleared. */
void app_journal_saved(struct app *a, long long dispute_id);
/* Selects the record with this id in the journal and scrolls to it. */
void app_select_record(struct app *a, long long id);
/* Reloads everything after a change to dispute ref (a save, a refusal that
 * found it moved on) and keeps it selected, in the list too. */
void app_changed(struct app *a, const char *ref);
/* Puts the list selection on ref when it is in the loaded window. */
void app_list_find(struct app *a, const char *ref);
/* Moves the list selection to index i (clamped), paging the window. */
void app_list_move(struct app *a, int i);

/* A row's other agency in w columns at (y, x): the first, cut to fit,
 * and "+N" for the N others a dispute has besides it. */
void app_put_agency(struct screen *s, int y, int x, int w, unsigned attr, const struct list_row *r);

/* A row's LEFT column: dispute_left's words, or the status once closed. */
void app_left_text(const struct list_row *r, char *out, size_t outlen);
/* "Fri 2026-11-27" or "—". */
void app_date_text(long day, char *out, size_t outlen);
/* Display attribute for a row: overdue and urgent colours. */
unsigned app_row_attr(const struct list_row *r);

#endif
