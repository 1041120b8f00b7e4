#!/bin/sh
# Overdue shows in colour and in words; NO_COLOR removes the colour, never the words.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
has "10 wd over"
has "OVERDUE (2)"
t capture-pane -e -p -t e2e | grep -q "$(printf '\033')\[[0-9;]*31m" || fail "no red on the overdue row"
keys q
tries=50
while [ "$(pane_dead)" != 1 ] && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
restart NO_COLOR=1
wait_for "? help"
has "10 wd over"
has "OVERDUE (2)"
t capture-pane -e -p -t e2e | grep -q "$(printf '\033')\[[0-9;]*3[0-7]m" && fail "colour despite NO_COLOR"
finish
