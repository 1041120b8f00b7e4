#!/bin/sh
# x on a dispute: the preview shows the exact calendar text; Ctrl-S writes it 0600, byte for byte what the CLI exports, and libical parses it; a file already there is replaced only after a second Ctrl-S.
. "$(dirname "$0")/lib.sh"

icscheck="$E2E_ROOT/build/tests/icscheck"
[ -x "$icscheck" ] || fail_now "no $icscheck (make build/tests/icscheck)"
export DISPUTE_DTSTAMP=20261127T103000Z
fixture
cli config --name "Siân Roberts" --email sian.roberts@ysgol.example.org >/dev/null || fail_now "config failed"
cli contact add --agency "Conwy Children's Services" --name "O'Brien, Zoë" --role "Team manager" \
	--email zoe.obrien@conwy.example.org >/dev/null || fail_now "contact failed"
cli counterpart D-2026-0001 1 >/dev/null || fail_now "counterpart failed"
start 120 40 DISPUTE_DTSTAMP=$DISPUTE_DTSTAMP
keys j
wait_for "Records · D-2026-0001"
keys x
wait_for "Calendar invite for D-2026-0001 stage 2"
line 3 "│ To: O'Brien, Zoë <zoe.obrien@conwy.example.org>                                                                      │"
line 4 "│ Nothing has left this machine. The file will hold exactly this:                                                      │"
line 6 "│ BEGIN:VCALENDAR                                                                                                      │"
line 10 "│ METHOD:REQUEST                                                                                                       │"
line 17 "│ SUMMARY:D-2026-0001: stage 2 deadline (Line manager to line manager)                                                 │"
line 37 "│ File: ~/dispute-invites/D-2026-0001-stage2.ics (mode 0600)                                                           │"
lacks "NW-4471"
[ ! -e "$HOME/dispute-invites" ] || fail "something was written before the confirmation"
keys y Enter
wait_for "Only Ctrl-S writes the file (Esc cancels)"
[ ! -e "$HOME/dispute-invites" ] || fail "y or Enter wrote the file"
keys C-s
wait_for "Invite for D-2026-0001 stage 2 written to ~/dispute-invites/D-2026-0001-stage2.ics"
file="$HOME/dispute-invites/D-2026-0001-stage2.ics"
if [ -f "$file" ]; then
	mode=$(stat -c %a "$file")
	[ "$mode" = 600 ] || fail "invite file mode $mode, not 600"
	mode=$(stat -c %a "$HOME/dispute-invites")
	[ "$mode" = 700 ] || fail "invite directory mode $mode, not 700"
	r=$("$icscheck" "$file" 2>&1) || fail "icscheck: $r"
	cli export-ics D-2026-0001 >"$E2E_TMP/cli.ics" 2>/dev/null || fail "the CLI export failed"
	cmp -s "$file" "$E2E_TMP/cli.ics" || fail "the workbench's invite differs from the CLI's"
	grep -q 'NW-4471' "$file" && fail "the subject left the machine"
else
	fail "no file at $file"
fi
# A file already there: Ctrl-S asks, Esc keeps it, Ctrl-S on the question replaces it.
printf 'sent on Monday, keep me\n' >"$file"
keys x
wait_for "Calendar invite for D-2026-0001 stage 2"
keys C-s
wait_for "~/dispute-invites/D-2026-0001-stage2.ics exists. Ctrl-S replaces it · Esc keeps it"
keys y Enter
wait_for "Only Ctrl-S replaces ~/dispute-invites/D-2026-0001-stage2.ics (Esc keeps it)"
keys Escape
wait_for "Nothing was written: ~/dispute-invites/D-2026-0001-stage2.ics is kept as it was"
[ "$(cat "$file")" = "sent on Monday, keep me" ] || fail "the file was replaced without Ctrl-S on the question"
keys C-s
wait_for "exists. Ctrl-S replaces it"
keys C-s
wait_for "Invite for D-2026-0001 stage 2 written to ~/dispute-invites/D-2026-0001-stage2.ics"
cmp -s "$file" "$E2E_TMP/cli.ics" || fail "Ctrl-S on the question did not replace the file"
finish
