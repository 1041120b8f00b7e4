#!/bin/sh
# Escalates: the confirmation shows the next stage, its due date and the exact journal entry; y, n and Enter change nothing, Esc cancels, Ctrl-S escalates.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
keys j
wait_for "Records · D-2026-0001"
keys e
wait_for "Escalate D-2026-0001?"
line 14 "│                     ┌─ Escalate D-2026-0001? ──────────────────────────────────────────────────┐                     │"
line 15 "│                     │ D-2026-0001 is at stage 2 of 4: Line manager to line manager.            │                     │"
line 18 "│ D-2026-0001 · NW-447│ New due date: Fri 2026-12-04 (5 working days).                           │holds                │"
line 21 "│                     │ Ctrl-S writes this to the journal of D-2026-0001, signed Siân Roberts:   │                     │"
line 22 "│ ✓ 1 Practitioner to │   Escalated to stage 3 (Named or designated safeguarding leads, or       │ofessional Disputes  │"
line 25 "│     now: started Fri│ Ctrl-S escalate · Esc cancel                                             │ager), due           │"
keys y n Enter
wait_for "Only Ctrl-S escalates (Esc cancels); nothing is written until then"
keys Escape
wait_for "Cancelled: nothing changed"
line 5 "│> D-2026-0001 Conwy Children… thresholds    2/4   2026-11-27 today            ││  D-2026-0002 response Tog… 10 wd over│"
sleep 1.1
keys e
wait_for "Escalate D-2026-0001?"
keys C-s
wait_for "Escalated D-2026-0001"
line 1 " dispute  Fri 2026-11-27 · 3 open · 1 overdue · 0 due today                                              ? help  q quit"
line 6 "│> D-2026-0001 Conwy Children… thresholds    3/4   2026-12-04 5 wd             ││ DUE TODAY (0)                        │"
line 24 "│ ✓ 2 Line manager to line manager             ││ #2 2026-11-20 event · stage 2 · Siân Roberts                         │"
line 25 "│     2026-11-20 → 2026-11-27 · escalated      ││   Escalated to stage 2 (Line manager to line manager), due           │"
line 26 "│ ● 3 Named or designated safeguarding         ││   2026-11-27.                                                        │"
line 28 "│     now: started Fri 2026-11-27              ││   Escalated to stage 3 (Named or designated safeguarding leads, or   │"
line 29 "│     due Fri 2026-12-04                       ││   senior operational managers), due 2026-12-04.                      │"
line 40 "Escalated D-2026-0001: stage 3 due Fri 2026-12-04"
finish
