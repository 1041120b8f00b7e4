#!/bin/sh
# Killed in the middle of typing a record: the next start offers the draft back word for word.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
keys j
wait_for "Records · D-2026-0001"
keys a
wait_for "New record · D-2026-0001"
typed "Siân says the strategy meeting is at 3pm on Monday."
keys Enter
typed "Zoë attends for health, Łukasz for the police; minutes to follow."
wait_for "draft: saved" 5
kill -9 "$(pane_pid)"
tries=50
while [ "$(pane_dead)" != 1 ] && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
restart
wait_for "Unsaved record draft"
line 17 "┌─ Timeline ──────────│ A call record for D-2026-0001 was being written when the                 │─────────────────────┐"
line 20 "│                     │   Siân says the strategy meeting is at 3pm on Monday.                    │─────────────────────│"
line 21 "│ ✓ 1 Frontline practi│   Zoë attends for health, Łukasz for the police; minutes to follow.      │                     │"
line 24 "│     now: started Fri│ Enter: continue it in the editor · Esc: later                            │                     │"
keys Enter
wait_for "New record · D-2026-0001"
line 20 "│   Professional Disputes                      ││ Siân says the strategy meeting is at 3pm on Monday.                  │"
line 21 "│                                              ││ Zoë attends for health, Łukasz for the police; minutes to follow.    │"
line 38 "│ Checklist, stage 2: 0 of 2 done (t)          ││ Ctrl-S or F2 save · Esc close (draft kept)  draft: saved · 117 chars │"
# Carry on typing, save: the draft is gone and the next start offers nothing.
typed " Agreed."
keys C-s
wait_for "Saved the call record on D-2026-0001"
keys q
tries=50
while [ "$(pane_dead)" != 1 ] && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
restart
wait_for "? help"
lacks "Unsaved record draft"
finish
