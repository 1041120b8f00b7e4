#!/bin/sh
# Searches record text and agencies with /, the words matched shown in reverse; Esc clears the search.
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
line 5 "│                                                                              ││ DUE TODAY (1)                        │"
line 40 "1 dispute matches \"Łukasz\"; Esc clears the search"
# The word matched, in reverse in the records pane: the terminal is sent the
# attribute right before the name, and the name alone.
t capture-pane -e -p -t e2e >"$E2E_TMP/attrs"
esc=$(printf '\033')
reverse="${esc}\[([0-9]*;)*7(;[0-9]*)*m(${esc}\[[0-9;]*m)*Łukasz${esc}"
[ "$(grep -cE "$reverse" "$E2E_TMP/attrs")" = 1 ] || fail "Łukasz is not shown in reverse, on the record's line alone"
grep -E "$reverse" "$E2E_TMP/attrs" | grep -q "Formal challenge maintained" || fail "Łukasz is shown in reverse elsewhere"
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
