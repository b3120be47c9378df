#!/usr/bin/env bats
# crm-cust-import.bats - customer and deal sheets through the shared
# importer: crm-cust import (customers and their contacts) and crm-opp
# import of combined sheets (customer, contact and deal in one row), with
# exact counts, linked records, stage mapping, rejects and re-import.

load test_helper/common

IMP="$FIXTURES/import"

setup() {
	new_data_dir
}

# The two summary lines of an import: PROG FILE READ IMPORTED UPDATED DUPS
# REJECTED SKIPPED CUST_NEW CUST_MATCHED CONTACTS_NEW CONTACTS_MATCHED.
summary() {
	printf '%s: %s: read %s, imported %s, updated %s, duplicates %s, rejected %s, skipped %s\n' "${@:1:8}"
	printf '%s: %s: customers new %s, matched %s; contacts new %s, matched %s' "$1" "$2" "${@:9:4}"
}

assert_stderr() {
	[ "$stderr" = "$1" ] || fail "$(printf 'stderr is:\n%s\nexpected:\n%s' "$stderr" "$1")"
}

# Line INDEX of stderr is TEXT.
assert_stderr_line() {
	[ "${stderr_lines[$1]}" = "$2" ] ||
		fail "$(printf 'stderr line %s is:\n%s\nexpected:\n%s' "$1" "${stderr_lines[$1]}" "$2")"
}

# Records by name, ids replaced by the names they point to, sorted.
id_names() {
	jq -s 'map({(.id): .name}) | add // {}'
}

customers_view() {
	crm-cust list --format jsonl |
		jq -r '[.name, .kind, .owner, .tier, .industry, .city, .website, .phone, .email] | join("|")' |
		LC_ALL=C sort
}

contacts_view() {
	local c
	c=$(crm-cust list --format jsonl | id_names)
	crm-cust contact list --format jsonl |
		jq -r --argjson c "$c" '[$c[.customer], .name, .title, .email, .phone, .primary] | join("|")' |
		LC_ALL=C sort
}

deals_view() {
	local c p
	c=$(crm-cust list --format jsonl | id_names)
	p=$(crm-cust contact list --format jsonl | id_names)
	crm-opp list --format jsonl |
		jq -r --argjson c "$c" --argjson p "$p" \
			'[.name, $c[.customer], ($p[.contact] // ""), .owner, .stage, (.amount // "" | tostring), .close, .closed, .reason, .created] | join("|")' |
		LC_ALL=C sort
}

# ---- crm-cust import ------------------------------------------------------------

@test "crm-cust import: customers and contacts sheet, customers matched ignoring case and spacing" {
	run -0 --separate-stderr crm-cust import "$IMP/customers-contacts.csv"
	assert_output ''
	assert_stderr "crm-cust: warning: $IMP/customers-contacts.csv:6: bad e-mail 'tom(at)baker.example'
crm-cust: warning: $IMP/customers-contacts.csv:7: no customer name
crm-cust: warning: $IMP/customers-contacts.csv:8: row has 3 fields, header has 10
$(summary crm-cust "$IMP/customers-contacts.csv" 7 2 0 2 3 0 2 2 2 1)"
	run -0 customers_view
	# Nordwind has no contact in the sheet: its e-mail and phone are its own.
	assert_output 'Galaxy Data Tech|company|alice|A|Software|Shanghai|galaxy.example||
Nordwind GmbH|company|bob|B|Logistics|Hamburg|nordwind.example|+49 40 123456|info@nordwind.example'
	run -0 contacts_view
	# "GALAXY  data tech" row 4: Wei Zhang again, matched by e-mail.
	assert_output 'Galaxy Data Tech|Li Na|Buyer|li.na@galaxy.example||no
Galaxy Data Tech|Wei Zhang|CTO|wei.zhang@galaxy.example|+86 138 0013 8000|yes'
	run -0 crm check
}

@test "crm-cust import: the same sheet twice gives only duplicates and matches the second time" {
	crm-cust import "$IMP/customers-contacts.csv" 2>/dev/null
	cp "$CRM_DIR/customers.csv" "$BATS_TEST_TMPDIR/before.csv"
	run -0 --separate-stderr crm-cust import "$IMP/customers-contacts.csv"
	assert_stderr_line 3 "$(summary crm-cust "$IMP/customers-contacts.csv" 7 0 0 4 3 0 0 4 0 3 | head -1)"
	cmp "$BATS_TEST_TMPDIR/before.csv" "$CRM_DIR/customers.csv" || fail "customers.csv changed"
	run -0 crm-cust contact list --format ids
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
}

@test "crm-cust import --on-dup update: a known customer's mapped fields overwritten with history" {
	crm-cust add 'Galaxy Data Tech' --owner carol --city Beijing >/dev/null
	printf 'Account Name,City,Industry\ngalaxy data tech,Shanghai,Software\n' >"$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr crm-cust import "$BATS_TEST_TMPDIR/in.csv" --on-dup update
	assert_stderr "$(summary crm-cust "$BATS_TEST_TMPDIR/in.csv" 1 0 1 0 0 0 0 1 0 0)"
	run -0 customers_view
	assert_output 'Galaxy Data Tech|company|carol||Software|Shanghai|||'
	run -0 bash -c "jq -r 'select(.field == \"city\") | .from + \">\" + .to' '$CRM_DIR/history.jsonl'"
	assert_output 'Beijing>Shanghai'
}

@test "crm-cust import --rejects: a fixed rejects file imports again, its reason column left out" {
	run -0 crm-cust import "$IMP/customers-contacts.csv" --rejects "$BATS_TEST_TMPDIR/rejects.csv"
	run -0 cat "$BATS_TEST_TMPDIR/rejects.csv"
	assert_output "Account Name,Industry,City,Website,Contact Name,Title,Email,Phone,Account Owner,Rating,_reject_reason
Baker & Sons,Retail,London,,Tom Baker,Owner,tom(at)baker.example,,,,bad e-mail 'tom(at)baker.example'
,,,,Nobody,,,13600001111,,,no customer name
Short Row Ltd,Retail,Paris,,,,,,,,\"row has 3 fields, header has 10\""
	sed -i 's/tom(at)baker/tom@baker/; s/^,,,,Nobody/Solo Co,,,,Nobody/' "$BATS_TEST_TMPDIR/rejects.csv"
	run -0 --separate-stderr crm-cust import "$BATS_TEST_TMPDIR/rejects.csv"
	assert_stderr "$(summary crm-cust "$BATS_TEST_TMPDIR/rejects.csv" 3 3 0 0 0 0 3 0 2 0)"
	run -0 crm-cust list --format csv
	refute_output --partial _reject_reason
	run -0 contacts_view
	assert_line 'Baker & Sons|Tom Baker|Owner|tom@baker.example||yes'
	assert_line 'Solo Co|Nobody|||13600001111|yes'
}

@test "crm-cust import: bad options exit 2, a malformed file exits 3, nothing written" {
	cp "$CRM_DIR/customers.csv" "$BATS_TEST_TMPDIR/before.csv"
	run -2 --separate-stderr crm-cust import "$IMP/customers-contacts.csv" --match email
	assert_output ''
	[[ $stderr == "crm-cust: --match: 'email' is not one of name, id"* ]] || fail "$stderr"
	run -2 --separate-stderr crm-cust import "$IMP/customers-contacts.csv" --on-dup merge
	[[ $stderr == "crm-cust: --on-dup: 'merge' is not skip, update or create"* ]] || fail "$stderr"
	run -2 --separate-stderr crm-cust import "$IMP/customers-contacts.csv" --map-stage a=b
	[[ $stderr == "crm-cust: unrecognized option '--map-stage=a=b'"* || $stderr == "crm-cust: unrecognized option '--map-stage'"* ]] || fail "$stderr"
	run -2 --separate-stderr crm-cust import
	[[ $stderr == "crm-cust: import takes one file"* ]] || fail "$stderr"
	run -3 --separate-stderr crm-cust import "$IMP/unterminated.csv"
	[[ $stderr == "crm-cust: $IMP/unterminated.csv:"* ]] || fail "$stderr"
	cmp "$BATS_TEST_TMPDIR/before.csv" "$CRM_DIR/customers.csv" || fail "customers.csv changed"
}

@test "crm-cust import --dry-run: the mapping and the first rows; nothing changes" {
	cp "$CRM_DIR/customers.csv" "$BATS_TEST_TMPDIR/before.csv"
	run -0 --separate-stderr crm-cust import "$IMP/customers-contacts.csv" --dry-run
	assert_line --index 0 "# $IMP/customers-contacts.csv: UTF-8, delimiter ','"
	assert_line --index 1 'Account Name -> name'
	assert_line --index 5 'Contact Name -> contact'
	assert_line --index 10 'Rating -> tier'
	cmp "$BATS_TEST_TMPDIR/before.csv" "$CRM_DIR/customers.csv" || fail "customers.csv changed"
	run -0 ls "$CRM_DIR"
	refute_output --partial .tmp
}

# ---- crm-opp import: combined sheets --------------------------------------------

@test "crm-opp import: GB18030 combined sheet with CRLF lands as linked customers, contacts and deals" {
	run -0 --separate-stderr crm-opp import "$IMP/opp-combined-gb18030.csv"
	assert_output ''
	assert_stderr "crm-opp: warning: $IMP/opp-combined-gb18030.csv:8: stage '演示' is not in pipeline 'new-business': use --map-stage
crm-opp: warning: $IMP/opp-combined-gb18030.csv:9: amount 'abc' is not a number
crm-opp: warning: $IMP/opp-combined-gb18030.csv:10: no customer
$(summary crm-opp "$IMP/opp-combined-gb18030.csv" 8 5 0 0 3 2 2 3 3 2)"
	run -0 customers_view
	assert_output '上海银河数据科技有限公司|company|李娜|||上海|||
杭州云帆科技|company|赵强|||杭州|||'
	run -0 contacts_view
	assert_output '上海银河数据科技有限公司|张伟||zhangwei@galaxy.example|138 0013 8000|yes
上海银河数据科技有限公司|李雷||lilei@galaxy.example|139 1111 2222|no
杭州云帆科技|王芳||wangfang@yunfan.example|+86 139-1234-5678|yes'
	run -0 deals_view
	assert_output 'BI续约|杭州云帆科技|王芳|赵强|lead|100000|2026-09-01|||2026-03-02
BI试点|杭州云帆科技|王芳|赵强|lost|500000|2026-01-31|2026-01-31|价格太高|2026-03-02
数据平台二期|上海银河数据科技有限公司|张伟|李娜|qualified|120000|2026-06-30|||2026-03-02
数据平台项目|上海银河数据科技有限公司|张伟|李娜|proposal|350000|2026-04-30|||2026-03-02
运维服务|上海银河数据科技有限公司|李雷|李娜|won|80000|2026-02-28|2026-02-28||2026-03-02'
	run -0 crm check
}

@test "crm-opp import --map-stage: an unknown stage mapped goes in; the sheet again is all duplicates" {
	crm-opp import "$IMP/opp-combined-gb18030.csv" 2>/dev/null
	run -0 --separate-stderr crm-opp import "$IMP/opp-combined-gb18030.csv" --map-stage '演示=proposal'
	assert_stderr "crm-opp: warning: $IMP/opp-combined-gb18030.csv:9: amount 'abc' is not a number
crm-opp: warning: $IMP/opp-combined-gb18030.csv:10: no customer
$(summary crm-opp "$IMP/opp-combined-gb18030.csv" 8 1 0 5 2 2 1 5 1 5)"
	run -0 deals_view
	assert_line '扩容|深圳前海物流|陈静|赵强|proposal|200000|2026-05-01|||2026-03-02'
	run -0 crm-opp list --format ids
	[ "${#lines[@]}" -eq 6 ] || fail "$output"
}

@test "crm-opp import: Salesforce opportunities, Closed Won/Lost, footer skipped, --date-order mdy" {
	run -0 --separate-stderr crm-opp import "$IMP/salesforce-opportunities.csv" --date-order mdy
	assert_stderr "crm-opp: warning: $IMP/salesforce-opportunities.csv:7: stage 'Id. Decision Makers' is not in pipeline 'new-business': use --map-stage
crm-opp: warning: $IMP/salesforce-opportunities.csv:8: no customer
$(summary crm-opp "$IMP/salesforce-opportunities.csv" 7 5 0 0 2 8 3 2 3 1)"
	run -0 deals_view
	assert_output 'Baker - Pilot|Baker & Sons|Tom Baker|Bob Li|qualified|9999|2026-05-15|||2026-02-20
Galaxy - Data Platform|Galaxy Data Tech|Wei Zhang|Jane Doe|proposal|350000|2026-04-30|||2026-01-15
Galaxy - Support|Galaxy Data Tech|Wei Zhang|Jane Doe|won|80000|2026-02-28|2026-02-28||2025-12-01
Nordwind - BI|Nordwind GmbH|Anna Schmidt|Bob Li|lost|120000|2026-02-20|2026-02-20||2025-11-03
Nordwind - Renewal|Nordwind GmbH|Anna Schmidt|Bob Li|negotiation|45500|2026-03-31|||2026-02-02'
	# the source's record id is kept, and finds the deal again
	run -0 crm-opp list --where '.source_id == "0065g00000AAAA3"' --format jsonl
	assert_output --partial '"name":"Nordwind - BI"'
	run -0 crm check
}

@test "crm-opp import: without --date-order the Salesforce dates are rejects, never guesses" {
	run -0 --separate-stderr crm-opp import "$IMP/salesforce-opportunities.csv"
	assert_stderr_line 0 "crm-opp: warning: $IMP/salesforce-opportunities.csv:2: date '4/30/2026' is ambiguous: use --date-order"
	assert_stderr_line 7 "$(summary crm-opp "$IMP/salesforce-opportunities.csv" 7 0 0 0 7 8 0 0 0 0 | head -1)"
	run -1 crm-opp list --format ids
}

@test "crm-opp import --on-dup update --match id: the source id finds the deal; its stage moves with history" {
	crm-opp import "$IMP/salesforce-opportunities.csv" --date-order mdy 2>/dev/null
	printf '%s\n' '"Account Name","Opportunity Name","Stage","Amount","Opportunity ID"' \
		'"Galaxy Data Tech","Galaxy - Data Platform (renamed)","Closed Won","$360,000.00","0065g00000AAAA1"' >"$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr crm-opp import "$BATS_TEST_TMPDIR/in.csv" --match id --on-dup update
	assert_stderr "$(summary crm-opp "$BATS_TEST_TMPDIR/in.csv" 1 0 1 0 0 0 0 1 0 0)"
	run -0 deals_view
	assert_line 'Galaxy - Data Platform (renamed)|Galaxy Data Tech|Wei Zhang|Jane Doe|won|360000|2026-04-30|||2026-01-15'
	local id
	id=$(crm-opp list --where '.source_id == "0065g00000AAAA1"' --format ids)
	run -0 bash -c "jq -r --arg id '$id' 'select(.id == \$id and .field != \"id\") | .field + \":\" + .from + \">\" + .to' '$CRM_DIR/history.jsonl'"
	assert_output 'stage:>proposal
name:Galaxy - Data Platform>Galaxy - Data Platform (renamed)
amount:350000>360000
stage:proposal>won'
}

@test "crm-opp import --pipeline: an unknown pipeline exits 2; --match takes name and id only" {
	run -2 --separate-stderr crm-opp import "$IMP/salesforce-opportunities.csv" --pipeline nope
	[[ $stderr == "crm-opp: --pipeline: unknown pipeline 'nope'"* ]] || fail "$stderr"
	run -2 --separate-stderr crm-opp import "$IMP/salesforce-opportunities.csv" --match email
	[[ $stderr == "crm-opp: --match: 'email' is not one of name, id"* ]] || fail "$stderr"
	run -2 --separate-stderr crm-opp import "$IMP/salesforce-opportunities.csv" --map-stage nothing
	[[ $stderr == "crm-opp: --map-stage 'nothing': not SOURCE=STAGE"* ]] || fail "$stderr"
	run -1 crm-opp list --format ids
}

# Records moving between data directories keep their ids (crm's own ids in
# the source's id column), so references between them still hold; the
# same records again are duplicates by that id.
@test "crm-cust and crm-opp import: crm's own records keep their ids; again, they are duplicates" {
	crm-opp import "$IMP/salesforce-opportunities.csv" --date-order mdy 2>/dev/null
	local src=$CRM_DIR
	crm-cust list --format jsonl >"$BATS_TEST_TMPDIR/cust.jsonl"
	crm-opp list --format jsonl >"$BATS_TEST_TMPDIR/opps.jsonl"
	export CRM_DIR="$BATS_TEST_TMPDIR/other"
	crm init "$CRM_DIR" 2>/dev/null
	run -0 --separate-stderr crm-cust import "$BATS_TEST_TMPDIR/cust.jsonl"
	assert_stderr "$(summary crm-cust "$BATS_TEST_TMPDIR/cust.jsonl" 3 3 0 0 0 0 3 0 0 0)"
	run -0 --separate-stderr crm-opp import - <"$BATS_TEST_TMPDIR/opps.jsonl"
	assert_stderr "$(summary crm-opp - 5 5 0 0 0 0 0 5 0 0)"
	run -0 diff <(CRM_DIR=$src crm-opp list --format csv | cut -d, -f1-3,5-8) \
		<(crm-opp list --format csv | cut -d, -f1-3,5-8)
	run -0 diff <(CRM_DIR=$src crm-cust list --format ids) <(crm-cust list --format ids)
	# the contacts were not moved: a deal's contact id not here is dropped
	run -0 crm-opp list --format jsonl
	refute_output --partial '"contact":"P-'
	run -0 --separate-stderr crm-opp import "$BATS_TEST_TMPDIR/opps.jsonl"
	assert_stderr "$(summary crm-opp "$BATS_TEST_TMPDIR/opps.jsonl" 5 0 0 5 0 0 0 5 0 0)"
	run -0 crm check
}
