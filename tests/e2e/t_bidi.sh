#!/bin/sh
# A right-to-left override in a stored name reaches the real terminal as "<U+202E>", never as the character itself.
. "$(dirname "$0")/lib.sh"

rlo=$(printf '\342\200\256')
cli init >/dev/null || fail_now "dispute init failed"
cli new --protocol north-wales --subject "NW-${rlo}1234" --raised-by "Ysgol y Bryn" \
	--against "Conwy ${rlo}Children" --category thresholds --opened 2026-11-24 \
	--summary "Referral ${rlo}exe.txt" >/dev/null || fail_now "dispute new failed"
start 120 40
wait_for "D-2026-0001 · NW-<U+202E>1234"
has "Conwy <U+202E>"
has "Referral <U+202E>exe.txt"
t capture-pane -e -p -t e2e | grep -qF "$rlo" && fail "the override itself reached the terminal"
finish
