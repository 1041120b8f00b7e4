# What the seed scenarios share: the command-line helpers, a pinned day and
# hour, and the protocol's saved `protocols show` text.
. "$(dirname "$0")/../cli/lib.sh"
export DISPUTE_DB="$tmp/seed.db"

# at DATE [HH:MM]: the day (and time) the next commands run on.
at() {
	DISPUTE_TODAY=$1
	export DISPUTE_TODAY
	if [ $# -gt 1 ]; then
		DISPUTE_TIME=$2
		export DISPUTE_TIME
	else
		unset DISPUTE_TIME
	fi
}

# shows ID: protocols show ID is the saved text tests/protocols/ID.show (the
# file's path written as @DATA@).
shows() {
	run protocols show "$1"
	is "protocols show $1" "$(cat "$here/tests/protocols/$1.show")" \
		"$(printf '%s\n' "$out" | sed "s|$DISPUTE_DATADIR|@DATA@|")"
}

# verified: the journal replays to every dispute as stored.
verified() {
	run verify
	is "verify after the scenario (exit status)" 0 "$rc"
	is "verify after the scenario" "ok: the file is whole, the chain is unbroken and every dispute agrees with its journal" \
		"$(printf '%s\n' "$out" | tail -1)"
}
