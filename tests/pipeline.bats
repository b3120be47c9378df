#!/usr/bin/env bats
# pipeline.bats - programs composed through pipes, tested by equivalence:
# "list | list --where X -" equals "list --where X", every output format
# that carries records reads back as the same records, JSON Lines is
# valid JSON, and a listing cut short by head ends quietly.

load test_helper/common

CJK='上海"晨光", Ltd'

# Customers with owners, cities, a custom column and ugly names.
setup() {
	new_data_dir
	crm-cust add "$CJK" --owner alice --city 上海 --set employees=300 \
		--set next_date=2026-03-09 >/dev/null
	crm-cust add Acme --owner bob --city Berlin --set employees=12 >/dev/null
	crm-cust add $'Multi\nLine, "Co"' --city 北京 >/dev/null
	crm-cust add 'Tab	Back\slash' --owner alice >/dev/null
	crm-cust add '  spaced  ' --kind person >/dev/null
}

# Run a shell pipeline; status and output as run gives them.
pipe() {
	run --separate-stderr bash -c "$1"
}

# "list | list --where X -" against "list --where X", in one format.
check_where_equivalence() {
	local where=$1 fmt=${2:-csv} want
	run -0 crm-cust list --where "$where" --format "$fmt"
	want=$output
	[ -n "$want" ] || fail "nothing selected by $where"
	run -0 --separate-stderr bash -c \
		'crm-cust list | crm-cust list --where "$1" --format "$2" -' _ \
		"$where" "$fmt"
	assert_output "$want"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "pipeline: list | list --where X - equals list --where X" {
	check_where_equivalence '.owner == "alice"'
	check_where_equivalence '.city == "上海"'
	check_where_equivalence '.employees == "300"'
	check_where_equivalence '.name | test("\n")'
	check_where_equivalence '.owner == ""' jsonl
	check_where_equivalence '.kind == "person"' table
}

@test "pipeline: the same through jsonl and through bare ids" {
	local where='.owner == "alice"' want
	want=$(crm-cust list --where "$where")
	pipe 'crm-cust list --format jsonl | crm-cust list --where ".owner == \"alice\"" -'
	assert_output "$want"
	pipe 'crm-cust list --format ids | crm-cust list --where ".owner == \"alice\"" -'
	assert_output "$want"
}

@test "pipeline: list --where X | list --where Y - equals list --where 'X and Y'" {
	run -0 crm-cust list --where '.owner == "alice" and .city == "上海"'
	local want=$output
	pipe 'crm-cust list --where ".owner == \"alice\"" |
		crm-cust list --where ".city == \"上海\"" -'
	[ "$status" -eq 0 ]
	assert_output "$want"
}

@test "pipeline: list | list - gives back list, in every record format" {
	run -0 crm-cust list
	local want=$output fmt
	for fmt in csv jsonl ids; do
		run -0 bash -c 'crm-cust list --format "$1" | crm-cust list -' _ "$fmt"
		assert_output "$want"
	done
}

@test "pipeline: list --format ids | list --sort name - equals list --sort name" {
	run -0 crm-cust list --sort name
	local want=$output
	pipe 'crm-cust list --format ids | crm-cust list --sort name -'
	[ "$status" -eq 0 ]
	assert_output "$want"
}

@test "pipeline: list | list --owner bob - equals list --owner bob" {
	run -0 crm-cust list --owner bob
	local want=$output
	pipe 'crm-cust list | crm-cust list --owner bob -'
	assert_output "$want"
	run -0 crm-cust list --pool
	want=$output
	pipe 'crm-cust list --format jsonl | crm-cust list --pool -'
	assert_output "$want"
}

@test "pipeline: crm cust list equals crm-cust list" {
	run -0 crm-cust list --format jsonl
	local want=$output
	pipe 'crm cust list --format jsonl'
	assert_output "$want"
	pipe 'crm cust list | crm-cust list --format jsonl -'
	assert_output "$want"
}

@test "pipeline: an empty selection flows on as an empty result (exit 1)" {
	pipe 'crm-cust list --owner nobody | crm-cust list -'
	[ "$status" -eq 1 ] || fail "status $status: $stderr"
	assert_output "$(head -n 1 "$CRM_DIR/customers.csv")"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	pipe 'crm-cust list --owner nobody --format jsonl | crm-cust list --format ids -'
	[ "$status" -eq 1 ]
	assert_output ''
}

@test "pipeline: every jsonl line is valid JSON for jq -c ." {
	run -0 crm-cust list --format jsonl
	local want=$output
	pipe 'crm-cust list --format jsonl | jq -c .'
	[ "$status" -eq 0 ] || fail "jq: $stderr"
	assert_output "$want"
	[ "$(crm-cust list --format jsonl | wc -l)" -eq 5 ]
}

@test "pipeline: names round-trip through jsonl and jq" {
	run -0 bash -c 'crm-cust list --format jsonl | jq -r .name | LC_ALL=C sort'
	assert_output "$(printf '%s\n' "$CJK" $'Multi\nLine, "Co"' \
		'Tab	Back\slash' '  spaced  ' Acme | LC_ALL=C sort)"
}

@test "pipeline: custom columns stay strings in jsonl" {
	run -0 bash -c 'crm-cust list --format jsonl | jq -r "[.name, (.employees | type), .employees] | @tsv" | LC_ALL=C sort'
	assert_output "$(printf '%s\t%s\t%s\n' \
		'  spaced  ' string '' \
		Acme string 12 \
		'Multi\nLine, "Co"' string '' \
		'Tab\tBack\\slash' string '' \
		"$CJK" string 300 | LC_ALL=C sort)"
}

@test "pipeline: jq can select ids that crm-cust list - reads back" {
	run -0 crm-cust list --where '.employees != ""'
	local want=$output
	pipe 'crm-cust list --format jsonl | jq -r "select(.employees != \"\") | .id" | crm-cust list -'
	assert_output "$want"
}

@test "pipeline: tsv has one line a record and the header's field count" {
	run -0 bash -c 'crm-cust list --format tsv | awk -F "\t" "{ print NF }" | sort -u'
	assert_output 20
	[ "$(crm-cust list --format tsv | wc -l)" -eq 6 ]
}

@test "pipeline: csv output is the stored table, byte for byte" {
	crm-cust list | cmp - "$CRM_DIR/customers.csv"
}

# ---- cut short -------------------------------------------------------------------

# A table far bigger than a pipe buffer, written directly.
many_customers() {
	awk -v h="$(head -n 1 "$CRM_DIR/customers.csv" | cut -d, -f1-19)" 'BEGIN {
		print h
		for (i = 0; i < 30000; i++)
			printf "C-%08d,Customer %d,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02\n", i, i
	}' >"$CRM_DIR/customers.csv"
}

@test "pipeline: list --format ids | head -1 ends quietly" {
	pipe 'crm-cust list --format ids | head -1'
	[ "$status" -eq 0 ]
	assert_output "$(crm-cust list --format ids | sed -n 1p)"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "pipeline: a long listing cut by head -1 ends quietly, killed by SIGPIPE" {
	many_customers
	pipe 'crm-cust list --format ids | head -1'
	[ "$status" -eq 0 ]
	assert_output C-00000000
	[ -z "$stderr" ] || fail "stderr: $stderr"
	pipe 'crm-cust list --format ids | head -1; exit ${PIPESTATUS[0]}'
	[ "$status" -eq 141 ] || fail "crm-cust exited $status, not by SIGPIPE"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "pipeline: every format and sorted listings end quietly under head" {
	many_customers
	local fmt
	for fmt in csv tsv jsonl table; do
		pipe "crm-cust list --format $fmt | head -n 2 >/dev/null"
		[ "$status" -eq 0 ] || fail "$fmt: status $status"
		[ -z "$stderr" ] || fail "$fmt: stderr: $stderr"
	done
	pipe 'crm-cust list --sort -name --format ids | head -n 1'
	assert_output C-00009999
	[ -z "$stderr" ] || fail "stderr: $stderr"
	pipe 'crm-cust list --format ids | crm-cust list - | head -n 1'
	assert_output "$(head -n 1 "$CRM_DIR/customers.csv")"
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "pipeline: a hundred deals on stdin come back in stdin's order; a short id and an unknown one among them" {
	examples_copy
	local n first short
	n=$(crm-opp list --format ids | wc -l)
	[ "$n" -gt 100 ] || fail "data-examples has $n deals"
	run -0 crm-opp list --format ids --sort name
	local want=$output
	pipe 'crm-opp list --format csv --sort name | crm-opp list --format ids -'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	assert_output "$want"
	# a prefix is still found by the long way round
	first=$(crm-opp list --format ids | head -1)
	short=${first:0:7}
	pipe "{ crm-opp list --format ids; echo $short; } | crm-opp list --format ids - | tail -1"
	assert_output "$first"
	pipe "{ crm-opp list --format ids; echo O-ZZZZZZZZ; } | crm-opp list --format ids -"
	[ "$status" -eq 3 ] || fail "status $status"
	[ "$stderr" = "crm-opp: -:$((n + 1)): unknown opportunity 'O-ZZZZZZZZ'" ] ||
		fail "stderr: $stderr"
}
