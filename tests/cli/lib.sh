# Helpers for the command-line tests: a private temporary home, a pinned date, and exact comparisons.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
DISPUTE_BIN=${DISPUTE_BIN:-$here/dispute}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" XDG_CONFIG_HOME="$tmp/home/.config"
export DISPUTE_DB="$tmp/disputes.db" DISPUTE_TODAY=2026-11-27 DISPUTE_AUTHOR=lead
export DISPUTE_DATADIR="$here/data" TZ=UTC LC_ALL=C.UTF-8
# The schema this build makes (src/store/store.c, migrations[]): a new
# migration changes it here, deliberately.
schema=14
unset DISPUTE_TIME NO_COLOR
mkdir -p "$HOME"
npass=0 nfail=0

# run CMD...: runs dispute, leaving $out, $err and $rc.
run() {
	if [ "${DISPUTE_VALGRIND:-0}" = 1 ]; then
		out=$(valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
			"$DISPUTE_BIN" "$@" 2>"$tmp/err")
	else
		out=$("$DISPUTE_BIN" "$@" 2>"$tmp/err")
	fi
	rc=$?
	err=$(cat "$tmp/err")
}

ok() { npass=$((npass + 1)); echo "ok - $1"; }
notok() { nfail=$((nfail + 1)); echo "not ok - $1"; }

# is NAME WANT GOT: exact comparison, with a diff on failure.
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		notok "$1"
		printf '%s\n' "$2" >"$tmp/want"
		printf '%s\n' "$3" >"$tmp/got"
		diff -u "$tmp/want" "$tmp/got" | sed 's/^/#   /'
	fi
}

# expect NAME RC STDOUT [STDERR]: checks the last run.
expect() {
	is "$1 (exit status)" "$2" "$rc"
	is "$1 (output)" "$3" "$out"
	if [ $# -ge 4 ]; then is "$1 (message)" "$4" "$err"; fi
}

finish() {
	echo "# cli: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}
