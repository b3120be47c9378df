#!/usr/bin/env bats
# crm.bats - the front door: --help and usage errors, crm init, crm check
# (clean and broken data directories), and "crm TOOL" running crm-TOOL.

load test_helper/common

# The header line of each table, as crm init writes it.
CUSTOMERS_HEADER='id,name,kind,owner,tier,tags,industry,source,phone,email,website,address,city,country,next_date,next_action,last_contact,created,updated'
CONTACTS_HEADER='id,customer,name,title,email,phone,wechat,primary,created,updated'
LEADS_HEADER='id,name,company,title,email,phone,source,status,score,owner,amount,next_date,next_action,last_contact,customer,opportunity,reason,created,updated'
OPPORTUNITIES_HEADER='id,name,customer,contact,owner,pipeline,stage,amount,currency,probability,close,source,next_date,next_action,last_contact,reason,created,closed,updated'
CONTRACTS_HEADER='id,customer,opportunity,title,amount,currency,signed,start,end,renewal,status,owner,created,updated'
PAYMENTS_HEADER='id,contract,customer,kind,plan,date,amount,currency,method,note,created,updated'

# Every file of a directory (dot files too) with its checksum, one a line.
dir_sums() {
	(cd "$1" && find . -type f | LC_ALL=C sort | xargs cksum)
}

# ---- usage --------------------------------------------------------------------

@test "crm --help: exits 0, usage on stdout, nothing on stderr" {
	run -0 --separate-stderr crm --help
	[ -z "$stderr" ] || fail "stderr: $stderr"
	assert_line --index 0 'usage: crm [-C dir] [--today date] [--user name] command [args]'
	assert_line --index 1 '       crm init [--git] [dir]'
	assert_line --index 2 '       crm check'
	assert_line '  -C, --dir=DIR            use the data directory DIR'
	assert_line --partial 'Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.'
}

@test "crm -h: same as --help" {
	run -0 crm -h
	local short=$output
	run -0 crm --help
	assert_output "$short"
}

@test "crm: a bad option exits 2, stdout empty, stderr starts 'crm: '" {
	run -2 --separate-stderr crm --bogus check
	assert_output ''
	[ "${stderr%%$'\n'*}" = "crm: unrecognized option '--bogus'" ] ||
		fail "stderr: $stderr"
	[ "${stderr##*$'\n'}" = "Try 'crm --help'." ] || fail "stderr: $stderr"
}

@test "crm: no command exits 2 with the synopsis on stderr" {
	run -2 --separate-stderr crm
	assert_output ''
	[ "$stderr" = "$(printf '%s\n' 'crm: a command is required' \
		'usage: crm [-C dir] [--today date] [--user name] command [args]' \
		'       crm init [--git] [dir]' '       crm check' \
		'       crm git-setup' '       crm sync' \
		'       crm merge-driver [--strict | --log] base ours theirs path' \
		'       crm tool [args ...]' "Try 'crm --help'.")" ] ||
		fail "stderr: $stderr"
}

@test "crm nosuchtool: exits 2 naming the command" {
	run -2 --separate-stderr crm nosuchtool list
	assert_output ''
	[ "$stderr" = "crm: 'nosuchtool' is not a crm command (no crm-nosuchtool)" ] ||
		fail "stderr: $stderr"
}

# ---- init -----------------------------------------------------------------------

@test "crm init: creates exactly crm.conf, six tables and two empty logs" {
	local d="$BATS_TEST_TMPDIR/new"
	run -0 --separate-stderr crm init "$d"
	assert_output ''
	[ "$stderr" = "crm: initialised data directory $d" ] ||
		fail "stderr: $stderr"
	run -0 ls -A "$d"
	assert_output "$(printf '%s\n' activities.jsonl contacts.csv \
		contracts.csv crm.conf customers.csv history.jsonl leads.csv \
		opportunities.csv payments.csv)"
}

@test "crm init: each table is exactly its header line" {
	local d="$BATS_TEST_TMPDIR/new"
	crm init "$d" 2>/dev/null
	printf '%s\n' "$CUSTOMERS_HEADER" | diff -u - "$d/customers.csv"
	printf '%s\n' "$CONTACTS_HEADER" | diff -u - "$d/contacts.csv"
	printf '%s\n' "$LEADS_HEADER" | diff -u - "$d/leads.csv"
	printf '%s\n' "$OPPORTUNITIES_HEADER" | diff -u - "$d/opportunities.csv"
	printf '%s\n' "$CONTRACTS_HEADER" | diff -u - "$d/contracts.csv"
	printf '%s\n' "$PAYMENTS_HEADER" | diff -u - "$d/payments.csv"
}

@test "crm init: the logs are empty and crm.conf is a commented default" {
	local d="$BATS_TEST_TMPDIR/new"
	crm init "$d" 2>/dev/null
	[ -f "$d/history.jsonl" ] && [ ! -s "$d/history.jsonl" ]
	[ -f "$d/activities.jsonl" ] && [ ! -s "$d/activities.jsonl" ]
	run -0 head -n 1 "$d/crm.conf"
	assert_output '# crm.conf - the settings of this crm data directory'
	grep -q '^\[stage "lead"\]$' "$d/crm.conf"
}

@test "crm init: two directories get the same crm.conf" {
	crm init "$BATS_TEST_TMPDIR/a" 2>/dev/null
	crm init "$BATS_TEST_TMPDIR/b" 2>/dev/null
	cmp "$BATS_TEST_TMPDIR/a/crm.conf" "$BATS_TEST_TMPDIR/b/crm.conf"
}

@test "crm init: without a directory initialises the working directory" {
	mkdir "$BATS_TEST_TMPDIR/here"
	cd "$BATS_TEST_TMPDIR/here"
	run -0 --separate-stderr crm init
	[ "$stderr" = "crm: initialised data directory ." ] ||
		fail "stderr: $stderr"
	[ -f crm.conf ] && [ -f customers.csv ]
}

@test "crm init: into an existing empty directory" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	run -0 crm init "$BATS_TEST_TMPDIR/empty"
	[ -f "$BATS_TEST_TMPDIR/empty/crm.conf" ]
}

@test "crm init: refuses an existing data directory, exit 3, nothing changed" {
	new_data_dir
	crm-cust add Acme >/dev/null
	local before
	before=$(dir_sums "$CRM_DIR")
	run -3 --separate-stderr crm init "$CRM_DIR"
	assert_output ''
	[ "$stderr" = "crm: $CRM_DIR: already holds crm.conf: refusing to touch it" ] ||
		fail "stderr: $stderr"
	[ "$(dir_sums "$CRM_DIR")" = "$before" ] || fail "the directory changed"
}

@test "crm init: refuses a directory holding just a table, creates nothing" {
	local d="$BATS_TEST_TMPDIR/half"
	mkdir "$d"
	printf 'id,name\nC-AAAAAAA1,Acme\n' >"$d/customers.csv"
	run -3 --separate-stderr crm init "$d"
	[ "$stderr" = "crm: $d: already holds customers.csv: refusing to touch it" ] ||
		fail "stderr: $stderr"
	run -0 ls -A "$d"
	assert_output 'customers.csv'
}

@test "crm init: two directories is a usage error" {
	run -2 --separate-stderr crm init "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_output ''
	[ "${stderr%%$'\n'*}" = "crm: init takes at most one directory" ] ||
		fail "stderr: $stderr"
	[ ! -e "$BATS_TEST_TMPDIR/a" ]
}

# ---- check: clean -------------------------------------------------------------------

@test "crm check: a new data directory is clean (exit 0, no output)" {
	new_data_dir
	run -0 --separate-stderr crm check
	assert_output ''
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "crm check: clean after adding customers, contacts and follow-ups" {
	new_data_dir
	local id
	id=$(crm-cust add '上海"晨光", Ltd' --set employees=300)
	crm-cust contact add "$id" 'Wang Wei' >/dev/null
	crm-cust log "$id" 'first call' --type call --next +7d >/dev/null
	crm-cust set "$id" tier=A >/dev/null
	run -0 --separate-stderr crm check
	assert_output ''
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "crm check: the log lines of a customer merged away are its story, not dangling" {
	local a b
	new_data_dir
	a=$(crm cust add Acme)
	b=$(crm cust add 'ACME Co., Ltd.')
	crm cust log "$b" 'first call' >/dev/null
	run -0 crm cust merge "$a" "$b"
	assert_output "$a"
	run -0 --separate-stderr crm check
	assert_output ''
	[ -z "$stderr" ] || fail "stderr: $stderr"
	# an id that never existed still is dangling
	printf '{"at":"2026-03-02T10:00:00Z","by":"x","entity":"customer","id":"C-ZZZZZZZZ","type":"note","text":"?"}\n' \
		>>"$CRM_DIR/activities.jsonl"
	run -3 --separate-stderr crm check
	assert_output 'activities.jsonl:2: customer C-ZZZZZZZZ does not exist'
	[ "$stderr" = 'crm: 1 problem' ] || fail "stderr: $stderr"
}

@test "crm check: found from the working directory as git finds .git" {
	new_data_dir
	mkdir "$CRM_DIR/sub"
	cd "$CRM_DIR/sub"
	unset CRM_DIR
	run -0 --separate-stderr crm check
	assert_output ''
}

@test "crm check: outside any data directory exits 3" {
	cd "$BATS_TEST_TMPDIR"
	run -3 --separate-stderr crm check
	assert_output ''
	[ "$stderr" = "crm: not in a crm data directory (no crm.conf here or above; use -C DIR or crm init)" ] ||
		fail "stderr: $stderr"
}

@test "crm check: an operand is a usage error" {
	new_data_dir
	run -2 --separate-stderr crm check customers.csv
	assert_output ''
	[ "${stderr%%$'\n'*}" = "crm: check takes no operands" ] ||
		fail "stderr: $stderr"
}

@test "crm check: data-examples is clean" {
	[ -f "$EXAMPLES/crm.conf" ] || skip "data-examples/crm.conf not there yet"
	examples_copy
	run -0 --separate-stderr crm check
	assert_output ''
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

# ---- check: each problem on its own line ------------------------------------------

@test "crm check: an unterminated quote names customers.csv and its line" {
	new_data_dir
	cp "$FIXTURES/customers-unterminated.csv" "$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm check
	assert_output 'customers.csv:3: unterminated quoted field'
	[ "$stderr" = "crm: 1 problem" ] || fail "stderr: $stderr"
}

@test "crm check: a ragged row names the line it starts on" {
	new_data_dir
	cp "$FIXTURES/customers-ragged.csv" "$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm check
	assert_output 'customers.csv:5: row has 20 fields, header has 19'
}

@test "crm check: an id three times names the line before each; a malformed id too" {
	new_data_dir
	{
		echo "$CUSTOMERS_HEADER"
		echo 'C-AAAAAAA1,Acme,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
		echo 'c-1,Beta,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
		echo 'C-AAAAAAA1,Gamma,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
		echo 'c-1,Delta,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
		echo 'C-AAAAAAA1,Epsilon,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
	} >"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm check
	assert_output "$(printf '%s\n' \
		'customers.csv:4: duplicate id C-AAAAAAA1 (also on line 2)' \
		'customers.csv:5: duplicate id c-1 (also on line 3)' \
		'customers.csv:6: duplicate id C-AAAAAAA1 (also on line 4)' \
		"customers.csv:3: id 'c-1' is not a customer id" \
		"customers.csv:5: id 'c-1' is not a customer id")"
}

@test "crm check: repeated log lines, each named with the first of its kind, in line order" {
	new_data_dir
	local a='{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"customer","id":"C-AAAAAAA1","field":"id","from":"","to":"C-AAAAAAA1"}'
	local b='{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"customer","id":"C-AAAAAAA1","field":"name","from":"","to":"Acme"}'
	local c='{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"customer","id":"C-AAAAAAA1","field":"tier","from":"","to":"A"}'
	{
		echo "$CUSTOMERS_HEADER"
		echo 'C-AAAAAAA1,Acme,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
	} >"$CRM_DIR/customers.csv"
	printf '%s\n' "$a" "$b" "$a" "$c" "$b" "" "$a" >"$CRM_DIR/history.jsonl"
	run -3 --separate-stderr crm check
	assert_output "$(printf '%s\n' \
		'history.jsonl:3: same line as line 1' \
		'history.jsonl:5: same line as line 2' \
		'history.jsonl:7: same line as line 1')"
}

@test "crm check: a duplicate id names both lines" {
	new_data_dir
	{
		echo "$CUSTOMERS_HEADER"
		echo 'C-AAAAAAA1,Acme,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
		echo 'C-AAAAAAA2,Beta,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
		echo 'C-AAAAAAA1,Gamma,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02'
	} >"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm check
	assert_output 'customers.csv:4: duplicate id C-AAAAAAA1 (also on line 2)'
	[ "$stderr" = "crm: 1 problem" ] || fail "stderr: $stderr"
}

@test "crm check: a contact whose customer does not exist" {
	new_data_dir
	{
		echo "$CONTACTS_HEADER"
		echo 'P-AAAAAAA1,C-AAAAAAA9,Ghost,,,,,yes,2026-03-02,2026-03-02'
	} >"$CRM_DIR/contacts.csv"
	run -3 --separate-stderr crm check
	assert_output 'contacts.csv:2: customer C-AAAAAAA9 does not exist'
}

@test "crm check: an unknown stage in opportunities.csv" {
	new_data_dir
	{
		echo "$OPPORTUNITIES_HEADER"
		echo 'O-AAAAAAA1,Deal,,,,,dreaming,12,CNY,,,,,,,,2026-03-02,,2026-03-02'
	} >"$CRM_DIR/opportunities.csv"
	run -3 --separate-stderr crm check
	assert_output "opportunities.csv:2: unknown stage 'dreaming' (not in pipeline 'new-business' of crm.conf)"
}

@test "crm check: an unknown pipeline in opportunities.csv" {
	new_data_dir
	{
		echo "$OPPORTUNITIES_HEADER"
		echo 'O-AAAAAAA1,Deal,,,,nosuch,lead,12,CNY,,,,,,,,2026-03-02,,2026-03-02'
		echo 'O-AAAAAAA2,Deal two,,,,new-business,won,12,CNY,,,,,,,,2026-03-02,2026-03-02,2026-03-02'
	} >"$CRM_DIR/opportunities.csv"
	run -3 --separate-stderr crm check
	assert_output "opportunities.csv:2: unknown pipeline 'nosuch' (not in crm.conf)"
}

@test "crm check: a bad date" {
	new_data_dir
	{
		echo "$CUSTOMERS_HEADER"
		echo 'C-AAAAAAA1,Acme,company,,,,,,,,,,,,2026-02-30,,,2026-03-02,2026-03-02'
		echo 'C-AAAAAAA2,Beta,company,,,,,,,,,,,,2026/3/5,,,2026-03-02,2026-03-02'
	} >"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm check
	assert_output "$(printf '%s\n' \
		"customers.csv:2: next_date '2026-02-30' is not a date (YYYY-MM-DD)" \
		"customers.csv:3: next_date '2026/3/5' is not a date (YYYY-MM-DD)")"
	[ "$stderr" = "crm: 2 problems" ] || fail "stderr: $stderr"
}

@test "crm check: a bad amount, and one not in plain form" {
	new_data_dir
	{
		echo "$OPPORTUNITIES_HEADER"
		echo 'O-AAAAAAA1,Deal,,,,,lead,"12,3x",CNY,,,,,,,,2026-03-02,,2026-03-02'
		echo 'O-AAAAAAA2,Deal two,,,,,lead,"1,200",CNY,,,,,,,,2026-03-02,,2026-03-02'
		echo 'O-AAAAAAA3,Deal three,,,,,lead,1200.50,CNY,,,,,,,,2026-03-02,,2026-03-02'
	} >"$CRM_DIR/opportunities.csv"
	run -3 --separate-stderr crm check
	assert_output "$(printf '%s\n' \
		"opportunities.csv:2: amount '12,3x' is not a number" \
		"opportunities.csv:3: amount '1,200' is not a plain decimal (write 1200)")"
}

@test "crm check: a bad log line in history.jsonl" {
	new_data_dir
	printf '%s\n' 'not json' >"$CRM_DIR/history.jsonl"
	run -3 --separate-stderr crm check
	assert_output --regexp '^history\.jsonl:1: .+$'
	[ "${#lines[@]}" -eq 1 ] || fail "one problem expected"
}

@test "crm check: log entries with a bad timestamp, a missing key, an unknown id or type" {
	new_data_dir
	local a='"at":"2026-03-02T00:00:00Z","by":"tester","entity":"customer"'
	{
		echo '{"at":"yesterday","by":"tester","entity":"customer","id":"C-AAAAAAA1","field":"id","from":"","to":"C-AAAAAAA1"}'
		echo "{$a,\"id\":\"C-AAAAAAA1\",\"field\":\"tier\"}"
	} >"$CRM_DIR/history.jsonl"
	echo "{$a,\"id\":\"C-AAAAAAA1\",\"type\":\"dance\",\"text\":\"x\"}" \
		>"$CRM_DIR/activities.jsonl"
	run -3 --separate-stderr crm check
	assert_output "$(printf '%s\n' \
		'activities.jsonl:1: customer C-AAAAAAA1 does not exist' \
		"activities.jsonl:1: unknown activity type 'dance'" \
		"history.jsonl:1: at 'yesterday' is not an ISO 8601 timestamp" \
		'history.jsonl:1: customer C-AAAAAAA1 does not exist' \
		'history.jsonl:2: missing "from"')"
}

@test "crm check: a broken directory reports every problem, file:line each" {
	new_data_dir
	cp "$FIXTURES"/check-broken/* "$CRM_DIR/"
	run -3 --separate-stderr crm check
	assert_output "$(cat <<'EOF'
customers.csv:4: duplicate id C-AAAAAAA1 (also on line 2)
customers.csv:2: next_date '2026-02-30' is not a date (YYYY-MM-DD)
contacts.csv:2: customer C-AAAAAAA9 does not exist
opportunities.csv:2: unknown stage 'dreaming' (not in pipeline 'new-business' of crm.conf)
opportunities.csv:3: amount '12,3x' is not a number
history.jsonl:2: invalid JSON: invalid numeric literal at line 1, column 4
EOF
)"
	[ "$stderr" = "crm: 6 problems" ] || fail "stderr: $stderr"
}

@test "crm check: changes nothing in a broken directory" {
	new_data_dir
	cp "$FIXTURES"/check-broken/* "$CRM_DIR/"
	local before
	before=$(dir_sums "$CRM_DIR")
	run -3 crm check
	[ "$(dir_sums "$CRM_DIR")" = "$before" ] || fail "the directory changed"
}

# ---- running a tool -------------------------------------------------------------------

@test "crm cust list: runs crm-cust list" {
	new_data_dir
	crm-cust add Acme >/dev/null
	crm-cust add Beta >/dev/null
	run -0 crm-cust list
	local want=$output
	run -0 --separate-stderr crm cust list
	assert_output "$want"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "crm -C dir cust list: passes the directory on" {
	new_data_dir
	local dir=$CRM_DIR id
	id=$(crm-cust add Acme)
	unset CRM_DIR
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr crm -C "$dir" cust list --format ids
	assert_output "$id"
}

@test "crm -C dir: beats \$CRM_DIR" {
	new_data_dir
	local dir=$CRM_DIR id
	id=$(crm-cust add Acme)
	crm init "$BATS_TEST_TMPDIR/other" 2>/dev/null
	CRM_DIR="$BATS_TEST_TMPDIR/other" run -0 crm -C "$dir" cust list --format ids
	assert_output "$id"
}

@test "crm --today --user cust add: passes today and the user on" {
	new_data_dir
	local id
	id=$(crm --today 2026-04-01 --user bob cust add Acme)
	assert_regex "$id" '^C-[0-9A-HJKMNP-TV-Z]{8}$'
	run -0 cat "$CRM_DIR/history.jsonl"
	assert_output "{\"at\":\"2026-04-01T00:00:00Z\",\"by\":\"bob\",\"entity\":\"customer\",\"id\":\"$id\",\"field\":\"id\",\"from\":\"\",\"to\":\"$id\"}"
	run -0 crm-cust list --format ids --where '.created == "2026-04-01"'
	assert_output "$id"
}

@test "crm cust: the tool's exit status and streams come through" {
	new_data_dir
	run -3 --separate-stderr crm cust show C-ZZZ
	assert_output ''
	[ "$stderr" = "crm-cust: unknown customer 'C-ZZZ'" ] ||
		fail "stderr: $stderr"
	run -1 --separate-stderr crm cust list --format ids
	assert_output ''
	run -2 --separate-stderr crm cust list --bogus
	assert_output ''
}

@test "crm check -C dir: options after check work too" {
	new_data_dir
	local dir=$CRM_DIR
	unset CRM_DIR
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr crm check -C "$dir"
	assert_output ''
	[ -z "$stderr" ] || fail "stderr: $stderr"
}
