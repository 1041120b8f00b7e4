#!/bin/sh
# A long paste (250 lines, 20 250 characters, UTF-8) goes in whole and quickly, and is saved whole.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
keys a
wait_for "New record · D-2026-0002"
para="Siân, Zoë and Łukasz met the Service Manager about the joint visit and the plan."
i=0
while [ $i -lt 250 ]; do printf '%s\n' "$para"; i=$((i + 1)); done >"$E2E_TMP/paste.txt"
start_s=$(date +%s)
t load-buffer -b paste "$E2E_TMP/paste.txt"
t paste-buffer -b paste -t e2e
wait_for "· 20250 chars" 20
took=$(( $(date +%s) - start_s ))
[ "$took" -le 10 ] || fail "the paste took ${took}s"
keys C-s
wait_for "Saved the call record on D-2026-0002"
cli show D-2026-0002 >"$E2E_TMP/show.txt" 2>&1 || fail "dispute show failed"
n=$(grep -c "Siân, Zoë and Łukasz met the Service Manager" "$E2E_TMP/show.txt")
[ "$n" -eq 250 ] || fail "show has $n of the 250 pasted lines"
finish
