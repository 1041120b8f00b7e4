#!/bin/sh
# Adds a multi-line UTF-8 record with the editor: the time is filled in, Ctrl-S saves.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
keys j
wait_for "Records · D-2026-0001"
keys a
wait_for "New record · D-2026-0001"
line 18 "│ D-2026-0001 · NW-4471 (T.J.)                 ││ Kind   call     At 2026-11-27 10:30  by Siân Roberts                 │"
typed "Call with Siân Jones, CSC team manager."
keys Enter
typed "Zoë and Łukasz will join the strategy meeting."
wait_for "strategy meeting."
line 20 "│   Professional Disputes                      ││ Call with Siân Jones, CSC team manager.                              │"
line 21 "│                                              ││ Zoë and Łukasz will join the strategy meeting.                       │"
keys C-s
wait_for "Saved the call record on D-2026-0001"
line 17 "┌─ Timeline ───────────────────────────────────┐┌─ Records · D-2026-0001 ──────────────────────────────────────────────┐"
line 27 "│     DUE TODAY                                ││ #7 2026-11-27 10:30 call · stage 2 · Siân Roberts                    │"
line 28 "│     limit: 5 working days                    ││   Call with Siân Jones, CSC team manager.                            │"
line 29 "│     who: The worker's supervisor or manager  ││   Zoë and Łukasz will join the strategy meeting.                     │"
line 40 "Saved the call record on D-2026-0001"
lacks "draft: saved"
finish
