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
wait_for "Resolve D-2026-0002?"
line 18 "│ D-2026-0002 · SU-118│ Close D-2026-0002 as resolved at stage 2 today.                          │es                   │"
line 19 "│ Dispute Resolution P│ Outcome: Police lead the joint visit; Zoë from health attends.           │                     │"
line 20 "│                     │ Outstanding: Review at the strategy meeting on Monday                    │─────────────────────│"
line 23 "│ ● 2 Line manager to │ y resolve · n or Esc cancel                                              │                     │"
keys y
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
