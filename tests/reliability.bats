#!/usr/bin/env bats
# reliability.bats - nothing lost, nothing let in: hostile files, a full
# disk, a read-only directory, torn logs, interrupted commits, the lock,
# formula injection, mail header injection, odd paths and the umask.
# The long runs (SIGKILL, 8 writers, fuzzing) are in make stress / fuzz.

load test_helper/common

setup() {
	new_data_dir
	MOUNTS=()
}

teardown() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || :
	done
}

# Every file of the data directory (the lock file aside, which any
# writer may create empty) with its checksum: equal sums, equal bytes.
dir_sum() {
	(cd "${1:-$CRM_DIR}" && find . -type f ! -name .lock | LC_ALL=C sort |
		xargs -d '\n' sha256sum)
}

# A tmpfs at $1 of size $2, or skip when this machine lets us mount none.
tmpfs_at() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null ||
		skip "cannot mount a tmpfs here (needs root)"
	MOUNTS+=("$1")
}

# customers.csv made of the bytes printf makes of $1; then a writer
# must fail with exactly message $2, exit 3, and change no byte.
hostile_table() {
	printf "$1" >"$CRM_DIR/customers.csv"
	local before
	before=$(dir_sum)
	run -3 --separate-stderr crm-cust add Newco
	[ -z "$output" ]
	[ "$stderr" = "$2" ] || fail "stderr: $stderr"
	[ "$(dir_sum)" = "$before" ]
	run -3 --separate-stderr crm-cust list
	[ "$stderr" = "$2" ] || fail "stderr: $stderr"
}

# ---- hostile tables: an error naming file:line, exit 3, nothing changed --

@test "reliability: a table with an unterminated quote" {
	hostile_table 'id,name\nC-00000001,"Acme\nC-00000002,Beta\n' \
		'crm-cust: customers.csv:2: unterminated quoted field'
}

@test "reliability: a table with a NUL byte" {
	hostile_table 'id,name\nC-00000001,Ac\0me\n' \
		'crm-cust: customers.csv:2: NUL byte in data'
}

@test "reliability: a table with invalid UTF-8" {
	hostile_table 'id,name\nC-00000001,Ac\xffme\n' \
		'crm-cust: customers.csv:2: invalid UTF-8 in field 2'
}

@test "reliability: a table with a ragged row" {
	hostile_table 'id,name\nC-00000001,Acme\nC-00000002,Beta,extra\n' \
		'crm-cust: customers.csv:3: row has 3 fields, header has 2'
}

@test "reliability: a table with a duplicate header" {
	hostile_table 'id,name,name\nC-00000001,A,B\n' \
		"crm-cust: customers.csv:1: duplicate column 'name'"
}

@test "reliability: a table with a 10 MB field" {
	{ printf 'id,name\nC-00000001,'; head -c 10485760 /dev/zero | tr '\0' a
	  printf '\n'; } >"$CRM_DIR/customers.csv"
	local before
	before=$(dir_sum)
	run -3 --separate-stderr crm-cust add Newco
	[ "$stderr" = 'crm-cust: customers.csv:2: field longer than 1048576 bytes' ]
	[ "$(dir_sum)" = "$before" ]
}

@test "reliability: an empty table file and a header-only one are empty tables" {
	: >"$CRM_DIR/customers.csv"
	run -1 crm-cust list --format ids
	[ -z "$output" ]
	printf 'id,name\n' >"$CRM_DIR/customers.csv"
	run -1 crm-cust list --format ids
	run -0 crm-cust add Newco
	run -0 crm-cust list --format csv
	[ "${lines[0]%%,kind*}" = "id,name" ]
	[ "${#lines[@]}" = 2 ]
}

@test "reliability: a lone CR ends a record; a BOM before a quoted header is skipped" {
	printf 'id,name\rC-00000001,Acme\r' >"$CRM_DIR/customers.csv"
	run -0 crm-cust list --format ids
	[ "$output" = C-00000001 ]
	printf '\xef\xbb\xbf"id","name"\nC-00000002,Beta\n' >"$CRM_DIR/customers.csv"
	run -0 crm-cust list --format tsv
	[ "${lines[1]:0:15}" = "$(printf 'C-00000002\tBeta')" ]
	run -0 crm-cust add Newco
	# written back without the BOM, as every table is
	[ "$(head -c 3 "$CRM_DIR/customers.csv")" = "id," ]
}

# ---- hostile imports ---------------------------------------------------------

# crm-lead import of the bytes of $1: exit 3, message $2, nothing changed.
hostile_import() {
	printf "$1" >"$BATS_TEST_TMPDIR/in.csv"
	local before
	before=$(dir_sum)
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "crm-lead: $BATS_TEST_TMPDIR/in.csv$2" ] ||
		fail "stderr: $stderr"
	[ "$(dir_sum)" = "$before" ]
}

@test "reliability: import of an unterminated quote, a NUL, an empty file" {
	hostile_import 'name,email\n"Acme,a@x.com\n' ':2: unterminated quoted field'
	hostile_import 'name,email\nAc\0me,a@x.com\n' ':2: NUL byte in data'
	hostile_import '' ': no header row'
}

@test "reliability: import of a 10 MB field" {
	{ printf 'name,email\n'; head -c 10485760 /dev/zero | tr '\0' a
	  printf ',a@b.c\n'; } >"$BATS_TEST_TMPDIR/in.csv"
	local before
	before=$(dir_sum)
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "crm-lead: $BATS_TEST_TMPDIR/in.csv:2: field longer than 1048576 bytes" ]
	[ "$(dir_sum)" = "$before" ]
}

@test "reliability: import of a header-only file imports nothing and changes nothing" {
	printf 'name,email\n' >"$BATS_TEST_TMPDIR/in.csv"
	local before
	before=$(dir_sum)
	run -0 crm-lead import "$BATS_TEST_TMPDIR/in.csv"
	[ "$(dir_sum)" = "$before" ]
}

# ---- a full disk, a file size limit, a read-only directory -------------------

@test "reliability: a full disk fails the write, says so, and leaves every file as it was" {
	tmpfs_at "$BATS_TEST_TMPDIR/small" 256k
	export CRM_DIR="$BATS_TEST_TMPDIR/small/data"
	crm init "$CRM_DIR" 2>/dev/null
	for i in 1 2 3 4 5 6; do crm-lead add "Lead $i" --company "Co $i" >/dev/null; done
	local lead
	lead=$(crm-lead list --format ids | head -1)
	# fill what is left of the disk
	dd if=/dev/zero of="$BATS_TEST_TMPDIR/small/filler" bs=4k 2>/dev/null || :
	local before
	before=$(dir_sum)
	run -3 --separate-stderr crm-lead convert "$lead" --opp "Big deal" --amount 1000
	[[ $stderr == *"No space left on device"* ]] || fail "stderr: $stderr"
	[ "$(dir_sum)" = "$before" ]
	run -3 --separate-stderr crm-cust add Newco
	[[ $stderr == *"No space left on device"* ]]
	[ "$(dir_sum)" = "$before" ]
	run -0 crm check
	# room again: the next writer works and no temp file is left
	rm "$BATS_TEST_TMPDIR/small/filler"
	run -0 crm-lead convert "$lead" --opp "Big deal" --amount 1000
	run -0 crm check
	[ -z "$(find "$CRM_DIR" -name '.tmp-*')" ]
}

@test "reliability: a table over the file size limit (ulimit -f) fails like a full disk" {
	# long names: the table outgrows the limit before the log does
	local long
	long=$(printf 'n%.0s' $(seq 1 300))
	for i in $(seq 1 10); do crm-cust add "Customer $i $long" >/dev/null; done
	[ "$(stat -c %s "$CRM_DIR/customers.csv")" -gt 3072 ]
	[ "$(stat -c %s "$CRM_DIR/history.jsonl")" -lt 2048 ]
	local before
	before=$(dir_sum)
	run -3 --separate-stderr bash -c 'ulimit -f 3; exec crm-cust add "One too many"'
	[ "$stderr" = "crm-cust: cannot write $CRM_DIR/customers.csv: File too large" ] ||
		fail "stderr: $stderr"
	[ "$(dir_sum)" = "$before" ]
	[ -z "$(find "$CRM_DIR" -name '.tmp-*')" ]
}

@test "reliability: a read-only data directory: reads work, a write exits 3 and changes nothing" {
	crm-cust add Acme >/dev/null
	: >"$CRM_DIR/.lock"
	local before
	before=$(dir_sum)
	mount --bind "$CRM_DIR" "$CRM_DIR" 2>/dev/null || skip "cannot bind-mount here"
	MOUNTS+=("$CRM_DIR")
	mount -o remount,bind,ro "$CRM_DIR" || skip "cannot remount read-only"
	run -0 crm-cust list --format ids
	run -3 --separate-stderr crm-cust add Newco
	[ "$stderr" = "crm-cust: cannot open $CRM_DIR/.lock: Read-only file system" ]
	[ "$(dir_sum)" = "$before" ]
}

# ---- crashes: torn log lines, interrupted commits, leftover temp files --------

@test "reliability: a torn last log line is skipped by readers and cut by the next writer" {
	crm-cust add Acme >/dev/null
	local good
	good=$(cat "$CRM_DIR/history.jsonl")
	printf '{"at":"2026-03-02T00:00:00Z","by":"x","enti' >>"$CRM_DIR/history.jsonl"
	run -0 crm check
	crm-cust add Beta >/dev/null
	run -0 crm check
	# the torn bytes are gone, every whole line is kept
	[ "$(head -n 1 "$CRM_DIR/history.jsonl")" = "$good" ]
	run -1 grep -c enti\$ "$CRM_DIR/history.jsonl"
	[ "$(wc -l <"$CRM_DIR/history.jsonl")" = 2 ]
}

@test "reliability: a change of several tables interrupted between renames is finished by the next run" {
	crm-cust add Acme >/dev/null
	cd "$CRM_DIR"
	# what a killed writer leaves: new tables in temp files, the journal
	printf 'id,name\nC-00000001,New\n' >.tmp-customers.csv.AAAAAA
	printf 'id,name,customer\nO-00000001,Deal,C-00000001\n' >.tmp-opportunities.csv.BBBBBB
	printf 'T .tmp-customers.csv.AAAAAA\tcustomers.csv\nT .tmp-opportunities.csv.BBBBBB\topportunities.csv\n' >.commit
	# and the log lines, the second already half appended
	local size
	size=$(stat -c %s history.jsonl)
	printf '{"a":"cut' >>history.jsonl
	printf 'L history.jsonl\t%s\t11\n{"a":"new"}' "$size" >>.commit
	printf 'L activities.jsonl\t0\t13\n{"a":"note"}\n' >>.commit
	run -0 crm-opp list --format ids
	[ "$output" = O-00000001 ]
	[ ! -e .commit ]
	[ -z "$(find . -name '.tmp-*')" ]
	run -0 crm-cust list --format ids
	[ "$output" = C-00000001 ]
	[ "$(tail -c 11 history.jsonl)" = '{"a":"new"}' ]
	[ "$(stat -c %s history.jsonl)" = $((size + 11)) ]
	[ "$(cat activities.jsonl)" = '{"a":"note"}' ]
}

@test "reliability: a commit journal carried out already is just removed" {
	crm-cust add Acme >/dev/null
	local before
	before=$(dir_sum)
	local size
	size=$(stat -c %s "$CRM_DIR/history.jsonl")
	{ printf 'T .tmp-customers.csv.AAAAAA\tcustomers.csv\nL history.jsonl\t%s\t20\n' \
		$((size - 20)); tail -c 20 "$CRM_DIR/history.jsonl"; } >"$CRM_DIR/.commit"
	run -0 crm-cust list --format ids
	[ ! -e "$CRM_DIR/.commit" ]
	[ "$(dir_sum)" = "$before" ]
}

@test "reliability: a damaged or planted journal touches nothing and says so" {
	crm-cust add Acme >/dev/null
	cp "$CRM_DIR/crm.conf" "$CRM_DIR/.tmp-evil"
	local j before
	for j in 'T .tmp-evil\tcrm.conf\n' 'T customers.csv\tleads.csv\n' \
		'L crm.conf\t0\t3\nxyz' 'L history.jsonl\t0\t99\nshort' 'garbage\n'; do
		printf "$j" >"$CRM_DIR/.commit"
		before=$(dir_sum)
		run -3 --separate-stderr crm-cust add Newco
		[ "$stderr" = "crm-cust: .commit: a damaged journal of an unfinished change; if none was being made, remove it" ] ||
			fail "$j: $stderr"
		[ "$(dir_sum)" = "$before" ]
	done
	rm "$CRM_DIR/.commit" "$CRM_DIR/.tmp-evil"
	run -0 crm-cust add Newco
	run -0 crm check
}

# ---- the lock ------------------------------------------------------------------

@test "reliability: a writer that cannot get the lock within --lock-timeout exits 3 and says so" {
	crm-cust add Acme >/dev/null
	local before
	before=$(dir_sum)
	exec 9>"$CRM_DIR/.lock"
	flock 9
	run -3 --separate-stderr crm-cust add Newco --lock-timeout 0.2
	exec 9>&-
	[ "$stderr" = "crm-cust: $CRM_DIR/.lock is locked by another writer (waited 0.2 s)" ]
	[ "$(dir_sum)" = "$before" ]
	run -0 crm-cust add Newco --lock-timeout 0.2
}

@test "reliability: --lock-timeout takes seconds, not words" {
	run -2 --separate-stderr crm-opp list --lock-timeout soon
	[ "${stderr%%$'\n'*}" = "crm-opp: --lock-timeout: 'soon' is not a number of seconds" ]
}

# ---- formula injection: --excel --------------------------------------------------

@test "reliability: --format csv --excel writes a BOM and quotes formulas, not numbers" {
	crm-lead add '=HYPERLINK("http://x","y")' --company '@SUM(A1)' >/dev/null
	crm-lead add --company '+cmd' --phone +8613800000000 -- '-2+3' >/dev/null
	crm-lead add "'=already" --company "plain" >/dev/null
	crm-lead list --format csv --excel --sort name >"$BATS_TEST_TMPDIR/x.csv"
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/x.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
	[ "$(tail -c +4 "$BATS_TEST_TMPDIR/x.csv" | cut -d, -f2-3 | sed -n '2,4p')" = "$(printf '%s\n' \
		"''=already,plain" "'-2+3,'+cmd" "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")" ]
	run -0 crm-lead list --format csv --excel --where '.name == "-2+3"'
	[[ $output == *",+8613800000000,"* ]]
	# without --excel the values are as they are
	run -0 crm-lead list --format csv --sort name
	[ "$(cut -d, -f2 <<<"$output" | sed -n 2p)" = "'=already" ]
}

@test "reliability: an --excel export imports back as the values it came from" {
	crm-lead add '=1+2' --company '@evil' --email a@x.com >/dev/null
	crm-lead add --company '+plus' --title $'\ttab' -- '-lead' >/dev/null
	crm-lead add "'=kept" --company "-5" >/dev/null
	crm-lead list --format csv --excel >"$BATS_TEST_TMPDIR/export.csv"
	local orig
	orig=$(crm-lead list --format csv --sort name | cut -d, -f2-4)
	crm init "$BATS_TEST_TMPDIR/other" 2>/dev/null
	run -0 crm-lead -C "$BATS_TEST_TMPDIR/other" import "$BATS_TEST_TMPDIR/export.csv"
	run -0 crm-lead -C "$BATS_TEST_TMPDIR/other" list --format csv --sort name
	[ "$(cut -d, -f2-4 <<<"$output")" = "$orig" ]
}

@test "reliability: crm-opp import takes back the quotes of an --excel export" {
	crm-cust add Acme >/dev/null
	crm-opp add '=2*3' --customer Acme --amount 100 >/dev/null
	crm-opp list --format csv --excel >"$BATS_TEST_TMPDIR/export.csv"
	grep -q "'=2\*3" "$BATS_TEST_TMPDIR/export.csv"
	cut -d, -f2- "$BATS_TEST_TMPDIR/export.csv" >"$BATS_TEST_TMPDIR/noid.csv"
	run -0 crm-opp import --on-dup create "$BATS_TEST_TMPDIR/noid.csv"
	run -0 crm-opp list --format csv --where '.name == "=2*3"' --format ids
	[ "${#lines[@]}" = 2 ]
}

@test "reliability: crm-funnel --format csv --excel quotes a formula-like owner" {
	crm-cust add Acme >/dev/null
	crm-opp add Deal --customer Acme --amount 100 --owner '=evil()' >/dev/null
	crm-funnel --format csv --excel --by owner >"$BATS_TEST_TMPDIR/f.csv"
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/f.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
	grep -q "^'=evil(),stage," "$BATS_TEST_TMPDIR/f.csv"
	run -1 grep -q "^=evil" "$BATS_TEST_TMPDIR/f.csv"
}

@test "reliability: --excel applies to listings only" {
	run -2 --separate-stderr crm-cust add Acme --excel
	[ "${stderr%%$'\n'*}" = "crm-cust: --excel does not apply to add" ]
}

# ---- output files that must not be data files ----------------------------------

@test "reliability: --rejects and --mbox refuse the data directory's files, links to them too" {
	printf 'name,email\nAcme,not-an-email\n' >"$BATS_TEST_TMPDIR/in.csv"
	crm-cust add Acme >/dev/null
	local before
	before=$(dir_sum)
	run -2 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/in.csv" --rejects "$CRM_DIR/customers.csv"
	[ "${stderr%%$'\n'*}" = "crm-lead: --rejects: '$CRM_DIR/customers.csv' is a file of the data directory" ]
	ln -s "$CRM_DIR/history.jsonl" "$BATS_TEST_TMPDIR/innocent.mbox"
	run -2 --separate-stderr crm-remind --format mail --mbox "$BATS_TEST_TMPDIR/innocent.mbox"
	[ "${stderr%%$'\n'*}" = "crm-remind: --mbox: '$BATS_TEST_TMPDIR/innocent.mbox' is a file of the data directory" ]
	run -2 crm-remind --format mail --mbox "$CRM_DIR/contracts.csv"
	run -2 crm-remind --format mail --mbox "$CRM_DIR/.lock"
	[ "$(dir_sum)" = "$before" ]
	# anywhere else, even in the data directory under another name, is fine
	run -0 crm-lead import "$BATS_TEST_TMPDIR/in.csv" --rejects "$CRM_DIR/rejects.csv"
	[ -s "$CRM_DIR/rejects.csv" ]
}

# ---- mail: no record content adds a header or a recipient -----------------------

# A random string of letters, spaces, colons, CR, LF, angle brackets and
# header-looking words, from bash's seeded $RANDOM.
random_text() {
	local parts=(a b Z ' ' : $'\r' $'\n' $'\r\n' '<' '>' @ , ';' '"' 'To: ' 'Bcc: x@evil.example' 'Subject: hi' $'\nCc: y@evil.example' '=?UTF-8?B?' 上 ' : ')
	local s= n=$((RANDOM % 12 + 1))
	while ((n-- > 0)); do s+=${parts[RANDOM % ${#parts[@]}]}; done
	printf '%s' "$s"
}

@test "reliability: mail header injection: random names and notes with CR, LF and colons add no header or recipient" {
	RANDOM=9
	local i id name who
	# owners' display names are hostile too (crm.conf escapes: \n, \")
	for who in alice bob; do
		printf '[owner "%s"]\n\tname = "%s"\n\temail = %s@example.com\n' "$who" \
			"$(random_text | sed 's/\r//g; s/\\/\\\\/g; s/"/\\"/g' | sed ':a;N;$!ba;s/\n/\\n/g')" "$who"
	done >>"$CRM_DIR/crm.conf"
	for i in $(seq 1 30); do
		name="$(random_text)x$i"
		who=$( ((i % 2)) && echo alice || echo bob)
		id=$(crm-cust add --owner "$who" -- "$name") || fail "add $i"
		crm-cust log "$id" "$(random_text)" --next today --action "$(random_text)" >/dev/null
		crm-lead add "$(random_text)L$i" --owner bob >/dev/null
	done
	# a NUL cannot get in at all: the table reader refuses it
	run -0 crm-remind --format mail --mbox "$BATS_TEST_TMPDIR/out.mbox"
	local mbox="$BATS_TEST_TMPDIR/out.mbox" n
	n=$(grep -c '^From crm-remind ' "$mbox")
	[ "$n" = 2 ]
	command -v python3 >/dev/null || skip "python3 is not installed"
	# every message has exactly these headers, in this order, and one
	# recipient, a configured address, as a mail program parses it
	python3 - "$mbox" <<-'EOF'
	import sys, mailbox, email.utils
	want = ["From", "To", "Date", "Message-ID", "Subject", "MIME-Version",
	        "Content-Type", "Content-Transfer-Encoding"]
	ok = {"alice@example.com", "bob@example.com"}
	for i, m in enumerate(mailbox.mbox(sys.argv[1])):
	    assert m.keys() == want, (i, m.keys())
	    to = email.utils.getaddresses(m.get_all("To"))
	    assert len(to) == 1 and to[0][1] in ok, (i, to)
	    assert m.get("Cc") is None and m.get("Bcc") is None
	EOF
}

# ---- paths and permissions ------------------------------------------------------

@test "reliability: a data directory path with spaces, quotes and non-ASCII works" {
	local dir="$BATS_TEST_TMPDIR/it's a \"crm\" 数据 dir"
	crm init "$dir" 2>/dev/null
	run -0 crm-cust -C "$dir" add "Acme"
	run -0 crm-cust -C "$dir" list --format ids
	[ "${#lines[@]}" = 1 ]
	CRM_DIR="$dir" run -0 crm check
	cd "$dir" && unset CRM_DIR
	run -0 crm-lead add "Lead"
	run -0 crm check
}

@test "reliability: -C into a symlink writes through it and keeps the link" {
	ln -s "$CRM_DIR" "$BATS_TEST_TMPDIR/link"
	run -0 crm-cust -C "$BATS_TEST_TMPDIR/link" add Acme
	[ -L "$BATS_TEST_TMPDIR/link" ]
	grep -q ',Acme,' "$CRM_DIR/customers.csv"
	run -0 crm-cust -C "$BATS_TEST_TMPDIR/link" list --format ids
	[ "$output" = "$(crm-cust list --format ids)" ]
}

@test "reliability: new and rewritten files get the user's umask" {
	umask 027
	export CRM_DIR="$BATS_TEST_TMPDIR/private"
	crm init "$CRM_DIR" 2>/dev/null
	crm-cust add Acme >/dev/null
	[ "$(stat -c %a "$CRM_DIR/customers.csv")" = 640 ]
	[ "$(stat -c %a "$CRM_DIR/history.jsonl")" = 640 ]
	[ "$(stat -c %a "$CRM_DIR/crm.conf")" = 640 ]
	umask 022
	crm-cust add Beta >/dev/null
	[ "$(stat -c %a "$CRM_DIR/customers.csv")" = 644 ]
}
