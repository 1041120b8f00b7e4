#!/bin/sh
# The live call: Alt chords in the editor, pastes anywhere and a stale escalate
# dialog never change the journal, at 120x40 and at 80x24.
. "$(dirname "$0")/lib.sh"

fixture
journal >"$E2E_TMP/before.txt"
printf 'notes\033ey' >"$E2E_TMP/esc.txt"
printf 'ESC\033[2J NUL\000 CtrlA\001 BS\010 bad\377 rest of the paste\n' >"$E2E_TMP/bytes.txt"

for run in "120 40 j D-2026-0001 2 3" "80 24 j D-2026-0003 1 2"; do
	set -- $run
	size="$1 $2" move=$3 ref=$4 from=$5 now=$6
	# shellcheck disable=SC2086
	start $size
	# 1. Alt chords in the editor do not close it: the rest is text.
	keys a
	wait_for "New record · D-2026-0002"
	keys C-u
	typed "Spoke to the manager"
	keys M-BSpace M-b M-f M-e
	typed " and they said no"
	wait_for "Spoke to the and they said no"
	has "New record · D-2026-0002"
	lacks "Escalate D-2026-0002"
	keys Escape
	wait_for "Draft kept for D-2026-0002"
	# What Esc closed: the rest of a sentence typed at once is dropped.
	typed "ey"
	wait_for "typed straight after the text closed"
	lacks "Escalate D-2026-0002"
	unchanged "$E2E_TMP/before.txt"
	# 2. A paste with an ESC byte while the list has the focus: nothing.
	sleep 1.1
	keys 1
	paste_file "$E2E_TMP/esc.txt"
	wait_for "The paste was not used"
	lacks "Escalate D-2026-0002"
	unchanged "$E2E_TMP/before.txt"
	# The same paste, and one with ESC, NUL, Ctrl-A, Backspace and an
	# invalid byte, into the editor: text, whole.
	keys a
	wait_for "New record · D-2026-0002"
	keys C-u
	paste_file "$E2E_TMP/esc.txt"
	wait_for "notesey"
	paste_file "$E2E_TMP/bytes.txt"
	wait_for "rest of the paste"
	has "noteseyESC[2J NUL CtrlA BS bad� rest of the paste"
	lacks "Escalate D-2026-0002"
	unchanged "$E2E_TMP/before.txt"
	keys Escape
	# 3. The escalate dialog goes stale: another program escalates first.
	sleep 1.1
	keys 1 $move
	keys e
	wait_for "Escalate $ref?"
	has "$ref is at stage $from of"
	cli escalate "$ref" >/dev/null || fail "the CLI escalation failed"
	# Rochdale's second stage tells the user what must happen; North Wales's third says nothing.
	case $ref in
	D-2026-0003) said "dispute: notice: If the adult is at immediate or significant risk, use the urgent route." ;;
	*) said "" ;;
	esac
	journal >"$E2E_TMP/moved.txt"
	keys y Enter
	wait_for "Only Ctrl-S escalates"
	keys C-s
	wait_for "$ref is now at stage $now; nothing changed"
	unchanged "$E2E_TMP/moved.txt"
	keys q
	# Leaving with a draft kept says where it waits.
	said=no
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		if t capture-pane -p -S -20 -t e2e | tr -d '\n' | grep -qF \
			"the unsaved record draft for D-2026-0002 is kept in $DISPUTE_DB; press a on D-2026-0002 to finish it"; then
			said=yes
			break
		fi
		sleep 0.1
	done
	[ $said = yes ] || { fail "leaving did not say where the draft is kept"; t capture-pane -p -t e2e | sed 's/^/#   | /' >&2; }
	# The drafts typed here are not the journal; the next size starts without.
	sleep 0.3
	sqlite3 "$DISPUTE_DB" "DELETE FROM drafts" || fail "cannot clear the drafts"
	# Back where we started for the next size: that escalation stands, so
	# the next run measures from it.
	cp "$E2E_TMP/moved.txt" "$E2E_TMP/before.txt"
	t kill-server >/dev/null 2>&1
	sleep 0.2
done
finish
