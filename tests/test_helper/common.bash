# common.bash - loaded by every bats suite: built binaries first on PATH,
# a pinned clock and a fresh data directory per test.
bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TESTS_DIR="$(cd "$(dirname "${BATS_TEST_FILENAME}")" && pwd)"
REPO_DIR="$(dirname "$TESTS_DIR")"
FIXTURES="$TESTS_DIR/fixtures"
EXAMPLES="$REPO_DIR/data-examples"
# tests/run sets CRM_BIN to the build under test (plain or sanitized).
CRM_BIN="${CRM_BIN:-$REPO_DIR/bin}"
PATH="$CRM_BIN:$PATH"
export LC_ALL=C.UTF-8 TZ=UTC CRM_TODAY=2026-03-02 CRM_USER=tester
unset CRM_DIR NO_COLOR

# A fresh data directory for every test, made with crm init.
new_data_dir() {
	export CRM_DIR="$BATS_TEST_TMPDIR/data"
	crm init "$CRM_DIR" 2>/dev/null
}

# A copy of data-examples/ to change freely.
examples_copy() {
	export CRM_DIR="$BATS_TEST_TMPDIR/examples"
	cp -r "$EXAMPLES" "$CRM_DIR"
}

# One CSV line of the arguments (values without commas or quotes).
join_csv() {
	local IFS=,
	echo "$*"
}

# The header line, then the other lines sorted as the tables are (by id).
by_id() {
	local head
	IFS= read -r head
	printf '%s\n' "$head"
	LC_ALL=C sort
}

assert_stderr() {
	[ "$stderr" = "$1" ] || fail "$(printf 'stderr is:\n%s\nexpected:\n%s' "$stderr" "$1")"
}

assert_stderr_first() {
	[ "${stderr%%$'\n'*}" = "$1" ] ||
		fail "$(printf 'first line of stderr is:\n%s\nexpected:\n%s' "${stderr%%$'\n'*}" "$1")"
}

# cksum of every file of the data directory, to prove nothing changed.
sums() {
	(cd "$CRM_DIR" && cksum ./*)
}
