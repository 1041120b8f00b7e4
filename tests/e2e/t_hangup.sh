#!/bin/sh
# The terminal closes (SIGHUP) a moment after the last keystroke: the draft is stored on the way out.
. "$(dirname "$0")/lib.sh"

fixture
start 120 40
keys a
wait_for "New record · D-2026-0002"
typed "Łukasz rang back: the Head of Service will reply by Tuesday."
wait_for "by Tuesday."
kill -HUP "$(pane_pid)"
tries=50
while [ "$(pane_dead)" != 1 ] && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
[ "$(pane_dead)" = 1 ] || fail "still running after SIGHUP"
restart
wait_for "Unsaved record draft"
line 20 "│                     │   Łukasz rang back: the Head of Service will reply by Tuesday.           │─────────────────────│"
finish
