# Shared helpers for the end-to-end tests: the workbench in a private tmux
# server at a fixed size, with the clock, zone, locale and home pinned.
# Sourced by tests/e2e/t_*.sh; each test prints "ok - NAME" or
# "not ok - NAME" and exits non-zero on failure.

E2E_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E_BIN=${DISPUTE_BIN:-$E2E_ROOT/dispute}
E2E_NAME=$(basename "$0" .sh)
E2E_NAME=e2e/${E2E_NAME#t_}
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dispute-e2e.XXXXXX")
E2E_SOCK="$E2E_TMP/tmux.sock"
E2E_FAILED=0

export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8
export HOME="$E2E_TMP/home"
export XDG_DATA_HOME="$E2E_TMP/data" XDG_CONFIG_HOME="$E2E_TMP/config"
export DISPUTE_DB="$E2E_TMP/db/disputes.db"
export DISPUTE_TODAY=2026-11-27 DISPUTE_TIME=10:30
export DISPUTE_AUTHOR="Siân Roberts"
export DISPUTE_DATADIR="$E2E_ROOT/data"
unset NO_COLOR DISPUTE_VALGRIND
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"

e2e_cleanup() {
	tmux -S "$E2E_SOCK" kill-server >/dev/null 2>&1
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT INT TERM

t() { tmux -S "$E2E_SOCK" "$@"; }

# The CLI, for setting up data.  What it says on standard error goes to
# $E2E_TMP/cli.err (the last call's), for a test to check, not to the log.
cli() { "$E2E_BIN" "$@" 2>"$E2E_TMP/cli.err"; }

# said TEXT: the last cli call said exactly TEXT on standard error.
said() {
	got=$(cat "$E2E_TMP/cli.err")
	[ "$got" = "$1" ] || { fail "the command said:"; printf '#   want: %s\n#   got:  %s\n' "$1" "$got" >&2; }
}

# The command a pane runs: the workbench, with the pinned environment
# (tmux does not pass its caller's environment to new panes).  Sanitizer
# settings pass through, so DISPUTE_BIN can be an ASan build.
e2e_cmd() {
	printf 'exec env ASAN_OPTIONS=%s UBSAN_OPTIONS=%s' "${ASAN_OPTIONS:-}" "${UBSAN_OPTIONS:-}"
	printf ' TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color HOME=%s XDG_DATA_HOME=%s XDG_CONFIG_HOME=%s DISPUTE_DB=%s DISPUTE_TODAY=%s DISPUTE_TIME=%s DISPUTE_AUTHOR="%s" DISPUTE_DATADIR=%s %s %s' \
		"$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$DISPUTE_DB" "$DISPUTE_TODAY" "$DISPUTE_TIME" \
		"$DISPUTE_AUTHOR" "$DISPUTE_DATADIR" "${1:-}" "$E2E_BIN"
}

# start W H [ENV=VALUE ...]: a new session of W x H running the workbench.
start() {
	w=$1 h=$2
	shift 2
	t -f /dev/null new-session -d -s e2e -x "$w" -y "$h" "$(e2e_cmd "$*")" || fail_now "tmux would not start"
	t set-option -g remain-on-exit on >/dev/null
	t set-option -g window-size manual >/dev/null
	t resize-window -t e2e -x "$w" -y "$h" >/dev/null
	wait_for "? help"
}

# restart: the pane runs the workbench again (after it died or quit).
restart() {
	t respawn-pane -k -t e2e "$(e2e_cmd "$*")"
}

keys() { t send-keys -t e2e "$@"; }
# typed TEXT: sends TEXT literally (UTF-8 included).
typed() { t send-keys -t e2e -l "$1"; }

screen() { t capture-pane -p -t e2e; }

pane_pid() { t display-message -p -t e2e '#{pane_pid}'; }
pane_dead() { t display-message -p -t e2e '#{pane_dead}'; }

fail() {
	echo "# $E2E_NAME: $*" >&2
	E2E_FAILED=1
}

fail_now() {
	fail "$@"
	echo "not ok - $E2E_NAME"
	exit 1
}

# wait_for TEXT [SECONDS]: until TEXT is on the screen.
wait_for() {
	tries=$(( ${2:-10} * 10 ))
	while [ "$tries" -gt 0 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	fail "timed out waiting for: $1"
	screen | sed 's/^/#   | /' >&2
	return 1
}

# wait_gone TEXT: until TEXT has left the screen.
wait_gone() {
	tries=100
	while [ "$tries" -gt 0 ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	fail "still on screen: $1"
	return 1
}

# line N EXPECTED: screen line N (1-based) is exactly EXPECTED.
line() {
	got=$(screen | sed -n "${1}p")
	if [ "$got" != "$2" ]; then
		fail "line $1:"
		printf '#   want: %s\n#   got:  %s\n' "$2" "$got" >&2
	fi
}

# has TEXT: TEXT is somewhere on the screen.
has() {
	screen | grep -qF -- "$1" || { fail "not on screen: $1"; screen | sed 's/^/#   | /' >&2; }
}

# lacks TEXT
lacks() {
	! screen | grep -qF -- "$1" || fail "unexpectedly on screen: $1"
}

finish() {
	if [ "$E2E_FAILED" -eq 0 ]; then
		echo "ok - $E2E_NAME"
		exit 0
	fi
	echo "not ok - $E2E_NAME"
	exit 1
}

[ -x "$E2E_BIN" ] || fail_now "no binary at $E2E_BIN (make first)"
command -v tmux >/dev/null 2>&1 || fail_now "tmux is not installed"

# journal: the journal, disputes and stages tables, row by row, as text:
# compared before and after to show that nothing was written.
journal() {
	sqlite3 -readonly "$DISPUTE_DB" "SELECT * FROM records ORDER BY id; SELECT '--';
		SELECT * FROM disputes ORDER BY id; SELECT '--'; SELECT * FROM stages ORDER BY dispute_id, number;"
}

# unchanged BEFORE: the tables are byte for byte what BEFORE holds.
unchanged() {
	journal >"$E2E_TMP/after.txt"
	cmp -s "$1" "$E2E_TMP/after.txt" || { fail "the journal changed:"; diff "$1" "$E2E_TMP/after.txt" | sed 's/^/#   /' >&2; }
}

# paste FILE: the file's bytes as a bracketed paste (tmux sends the markers
# because the workbench asked for them).
paste_file() {
	t load-buffer -b p "$1"
	t paste-buffer -p -b p -t e2e
}

# fixture: three open disputes made with the command line.
fixture() {
	: >"$E2E_TMP/fixture.err"
	fx() { cli "$@"; rc=$?; cat "$E2E_TMP/cli.err" >>"$E2E_TMP/fixture.err"; return $rc; }
	fx init >/dev/null || fail_now "dispute init failed"
	fx new --protocol north-wales --subject "NW-4471 (T.J.)" --raised-by "Ysgol y Bryn" \
		--against "Conwy Children's Services" --category thresholds --opened 2026-11-16 \
		--summary "Referral closed at the front door as below threshold" >/dev/null
	fx escalate D-2026-0001 --on 2026-11-20 >/dev/null
	fx new --protocol sunderland --subject "SU-1188 (A.K.)" --raised-by "Northumbria Police" \
		--against "Together for Children" --category roles --opened 2026-11-02 \
		--summary "Who leads the joint visit" >/dev/null
	fx escalate D-2026-0002 --on 2026-11-06 >/dev/null
	fx record D-2026-0002 --kind decision --at 2026-11-13T16:45 \
		--text "Formal challenge maintained. Łukasz to write to the Head of Service." >/dev/null
	fx new --protocol rochdale-adults --subject "RB-3302 (Mr D.)" --raised-by "Rochdale Adult Care" \
		--against "Castleton GP Practice" --category mental-capacity --opened 2026-11-24 \
		--summary "Capacity assessment on discharge disputed" >/dev/null || fail_now "fixture failed"
	# What the commands said on the way: the protocols' notices, and nothing else.
	cp "$E2E_TMP/fixture.err" "$E2E_TMP/cli.err"
	said "dispute: notice: Disparity in perceived status or experience may inhibit some workers from resolving the disagreement without support.
dispute: notice: In some VCF organisations a member of the management committee takes the Senior Manager role."
}
