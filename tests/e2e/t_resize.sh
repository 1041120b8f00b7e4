#!/bin/sh
# Resizing redraws: four panes at 120x40, one at a time at 80x24, a clear message below that.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
wait_for "┌─ Timeline"
line 17 "┌─ Timeline ───────────────────────────────────┐┌─ Records · D-2026-0002 ──────────────────────────────────────────────┐"
t resize-window -t e2e -x 80 -y 24
wait_for "Tab/1-4: switch"
line 1 " dispute  Fri 2026-11-27 · 3 open · 1 overdue · 1 due today      ? help  q quit"
line 2 "  1 Disputes   2 Timeline   3 Records   4 Deadlines   Tab/1-4: switch"
line 5 "│> D-2026-0002 Together for C… roles         2/4   2026-11-13 10 wd over       │"
line 23 "└──────────────────────────────────────────────────────────────────────────────┘"
keys 2
wait_for "┌─ Timeline"
line 4 "│ D-2026-0002 · SU-1188 (A.K.)                                                 │"
t resize-window -t e2e -x 70 -y 20
wait_for "Terminal too small"
line 10 "                      Terminal too small: 70x20"
line 11 "            Please enlarge the terminal to at least 80x24"
t resize-window -t e2e -x 120 -y 40
wait_for "┌─ Deadlines"
line 2 "┌─ Disputes: open by due date (3) ─────────────────────────────────────────────┐┌─ Deadlines ──────────────────────────┐"
line 17 "┌─ Timeline ───────────────────────────────────┐┌─ Records · D-2026-0002 ──────────────────────────────────────────────┐"
line 40 "? help · a record · e escalate · j/k move · Tab pane · / search · n new · r resolve · w withdraw · d due date"
finish
