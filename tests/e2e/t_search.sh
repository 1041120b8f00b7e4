#!/bin/sh
# Searches record text and agencies with /; Esc clears the search.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
keys /
wait_for "Search:"
typed "Łukasz"
keys Enter
wait_for "1 dispute matches"
line 2 "┌─ Disputes: open by due date, matching \"Łukasz\" (1) ──────────────────────────┐┌─ Deadlines ──────────────────────────┐"
line 4 "│> D-2026-0002 Together for C… roles         2/4   2026-11-13 10 wd over       ││  D-2026-0002 Together for… 10 wd over│"
line 5 "│                                                                              ││  D-2026-0002 response Tog… 10 wd over│"
line 40 "1 dispute matches \"Łukasz\" (Esc clears the search)"
# Keys straight after the search line closes are dropped as the end of the typing.
sleep 1.1
keys Escape
wait_for "Search cleared"
line 2 "┌─ Disputes: open by due date (3) ─────────────────────────────────────────────┐┌─ Deadlines ──────────────────────────┐"
keys /
typed "castleton"
keys Enter
wait_for "1 dispute matches"
line 4 "│> D-2026-0003 Castleton GP P… mental-capac… 1/6   2026-12-01 2 wd             ││  D-2026-0002 Together for… 10 wd over│"
line 18 "│ D-2026-0003 · RB-3302 (Mr D.)                ││ Rochdale Adult Care → Castleton GP Practice · mental-capacity        │"
finish
