#!/bin/sh
# Resolves: outcome, outstanding issues, a confirmation; the dispute leaves the open list.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
keys r
wait_for "Resolve D-2026-0002"
typed "Police lead the joint visit; Zoë from health attends."
keys Enter
wait_for "Outstanding"
typed "Review at the strategy meeting on Monday"
keys Enter
wait_for "Ctrl-S resolve · Esc cancel"
line 17 "┌─ Timeline ──────────│ D-2026-0002 closes as resolved at stage 2 today (Fri 2026-11-27).        │─────────────────────┐"
line 19 "│ Dispute Resolution P│ Ctrl-S writes this to the journal of D-2026-0002, signed Siân Roberts:   │                     │"
line 20 "│                     │   Resolved at stage 2. Agreed: Police lead the joint visit; Zoë from     │─────────────────────│"
line 21 "│ ✓ 1 Frontline practi│   health attends.                                                        │                     │"
line 22 "│     2026-11-02 → 202│   Outstanding issues: Review at the strategy meeting on Monday           │age 1 (Frontline     │"
keys y Enter
wait_for "Only Ctrl-S resolves (Esc cancels); nothing is written until then"
keys C-s
wait_for "Resolved D-2026-0002"
line 1 " dispute  Fri 2026-11-27 · 2 open · 0 overdue · 1 due today                                              ? help  q quit"
line 2 "┌─ Disputes: open by due date (2) ─────────────────────────────────────────────┐┌─ Deadlines ──────────────────────────┐"
line 4 "│  D-2026-0001 Conwy Children… thresholds    2/4   2026-11-27 today            ││ DUE TODAY (1)                        │"
line 20 "│ RESOLVED at stage 2 on Fri 2026-11-27        ││──────────────────────────────────────────────────────────────────────│"
line 29 "│     2026-11-06 → 2026-11-27 · resolved       ││   Service.                                                           │"
line 40 "Resolved D-2026-0002"
keys f
wait_for "Showing closed disputes"
line 4 "│> D-2026-0002 Together for C… roles         2/4              resolved         ││ DUE TODAY (1)                        │"
finish
