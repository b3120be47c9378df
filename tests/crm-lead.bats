#!/usr/bin/env bats
# crm-lead.bats - leads: usage, every verb with exact output and exact files
# and logs after each change, duplicates, scoring, assignment, dedupe,
# conversion, and the importer on real-looking exports of other systems.
#
# Tests marked "# Regression:" assert what crm-lead should do and fail until it
# does.

load test_helper/common

HEADER='id,name,company,title,email,phone,source,status,score,owner,amount,next_date,next_action,last_contact,customer,opportunity,reason,created,updated'
CUST_HEADER='id,name,kind,owner,tier,tags,industry,source,phone,email,website,address,city,country,next_date,next_action,last_contact,created,updated'
CONTACT_HEADER='id,customer,name,title,email,phone,wechat,primary,created,updated'
OPP_HEADER='id,name,customer,contact,owner,pipeline,stage,amount,currency,probability,close,source,next_date,next_action,last_contact,reason,created,closed,updated'
ID_RE='^L-[0-9A-HJKMNP-TV-Z]{8}$'
IMP="$FIXTURES/import"
LEADFIX="$FIXTURES/lead"

# tests/fixtures/lead/leads.csv, one lead a line:
#   L-AAAAAAA1 Li Lei     上海银河  CEO, e-mail, phone, referral  new       alice
#   L-AAAAAAA2 Han Mei    Beta Ltd  Buyer, e-mail, web            working   bob
#   L-AAAAAAA3 Wang Fang  -         phone, referral               new       pool
#   L-AAAAAAA4 Zhao Qiang Zeta Co   VP, e-mail, score 35 already  qualified pool
#   L-AAAAAAA5 Old Lead   Gone Inc  CTO, e-mail, referral         dropped   alice
#   L-AAAAAAA6 Done Deal  Done Co   e-mail                        converted bob
# By the default rules: 75, 20, 40, 35 (the closed ones are not scored).
fixture_line() {
	sed -n "$(($1 + 1))p" "$LEADFIX/leads.csv"
}

setup() {
	new_data_dir
}

use_leads() {
	cp "$LEADFIX/$1" "$CRM_DIR/leads.csv"
}

# One leads.csv record: ID, then FIELD=VALUE for each fixed field that is
# not empty (status new, created and updated 2026-03-02 unless given;
# status= for none), then +VALUE for each custom column in order (VALUE
# already quoted as CSV where it must be).
row() {
	local -A f=([status]=new [created]=2026-03-02 [updated]=2026-03-02)
	local out=$1 kv c
	local -a custom=()
	shift
	for kv; do
		case $kv in
		+*) custom+=("${kv#+}") ;;
		*) f[${kv%%=*}]=${kv#*=} ;;
		esac
	done
	for c in name company title email phone source status score owner \
		 amount next_date next_action last_contact customer \
		 opportunity reason created updated; do
		out+=,${f[$c]}
	done
	for c in "${custom[@]}"; do
		out+=,$c
	done
	printf '%s\n' "$out"
}

# The records given (which may hold newlines), sorted as tables are.
sorted_records() {
	[ $# -gt 0 ] || return 0
	printf '%s\0' "$@" | LC_ALL=C sort -z | tr '\0' '\n'
}

# FILE is exactly HEADER and the records given, in id order.
assert_table() {
	local file=$1 header=$2
	shift 2
	diff -u <(printf '%s\n' "$header"; sorted_records "$@") "$file" ||
		fail "${file##*/} is not as expected"
}

# leads.csv is exactly $LEADS_HEADER (default $HEADER) and the records.
assert_leads() {
	assert_table "$CRM_DIR/leads.csv" "${LEADS_HEADER:-$HEADER}" "$@"
}

# FILE holds exactly the lines given (none: FILE is empty).
assert_lines_of() {
	local file=$1
	shift
	if [ $# -eq 0 ]; then
		[ ! -s "$file" ] || fail "$(printf '%s is not empty:\n%s' "$file" "$(cat "$file")")"
		return
	fi
	diff -u <(printf '%s\n' "$@") "$file" || fail "${file##*/} is not as expected"
}

assert_history() {
	assert_lines_of "$CRM_DIR/history.jsonl" "$@"
}

assert_activities() {
	assert_lines_of "$CRM_DIR/activities.jsonl" "$@"
}

# One history.jsonl line: ID FIELD FROM TO [ENTITY [DAY]] (no quotes in
# values).
hist() {
	printf '{"at":"%sT00:00:00Z","by":"tester","entity":"%s","id":"%s","field":"%s","from":"%s","to":"%s"}\n' \
		"${6:-2026-03-02}" "${5:-lead}" "$1" "$2" "$3" "$4"
}

# The history line of a record's creation: ID [ENTITY].
born() {
	hist "$1" id '' "$1" "${2:-lead}"
}

# Remember the data files, to check later that nothing was written.
snapshot() {
	SNAP="$BATS_TEST_TMPDIR/snap"
	rm -rf "$SNAP"
	mkdir "$SNAP"
	cp "$CRM_DIR"/*.csv "$CRM_DIR"/*.jsonl "$SNAP"/
}

assert_unchanged() {
	local f
	for f in "$SNAP"/*; do
		cmp "$f" "$CRM_DIR/${f##*/}" || fail "${f##*/} changed"
	done
}

# The id of the one lead so named.
id_of() {
	local id
	id=$(crm-lead list --format jsonl |
	     jq -r --arg n "$1" 'select(.name == $n) | .id')
	[[ $id =~ $ID_RE ]] || fail "no single lead named '$1': '$id'"
	printf '%s\n' "$id"
}

# The summary line of an import: FILE READ IMPORTED UPDATED DUPS REJECTED
# SKIPPED.
summary() {
	printf 'crm-lead: %s: read %s, imported %s, updated %s, duplicates %s, rejected %s, skipped %s' "$@"
}

# The last line of stderr is a summary whose counts add up: every row read
# was imported, updated, a duplicate or a reject.
assert_adds_up() {
	local last=${stderr##*$'\n'}
	local re='read ([0-9]+), imported ([0-9]+), updated ([0-9]+), duplicates ([0-9]+), rejected ([0-9]+), skipped ([0-9]+)$'
	[[ $last =~ $re ]] || fail "no summary: $last"
	local r=${BASH_REMATCH[1]} im=${BASH_REMATCH[2]} up=${BASH_REMATCH[3]}
	local du=${BASH_REMATCH[4]} rj=${BASH_REMATCH[5]}
	[ "$r" -eq $((im + up + du + rj)) ] ||
		fail "read $r != imported $im + updated $up + duplicates $du + rejected $rj"
}

assert_no_temp_files() {
	local left
	left=$(find "$@" -name '.tmp-*')
	[ -z "$left" ] || fail "temporary files left: $left"
}

# ---- usage ----------------------------------------------------------------------

@test "crm-lead --help: exits 0, usage on stdout, nothing on stderr" {
	run -0 --separate-stderr crm-lead --help
	assert_stderr ''
	assert_line --index 0 'usage: crm-lead [-C dir] [--today date] [--user name] command [args]'
	assert_line '       crm-lead dedupe [--merge] [--format format] [--output file]'
	assert_line '       crm-lead drop id --reason reason'
	assert_line '      --round-robin=USERS  owners in turn, comma-separated (assign)'
	assert_line '      --on-dup=ACTION      skip, update or create a duplicate (import;'
	assert_line 'Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.'
}

@test "crm-lead --help: works outside a data directory" {
	unset CRM_DIR
	cd "$BATS_TEST_TMPDIR"
	run -0 crm-lead --help
	assert_line --index 0 'usage: crm-lead [-C dir] [--today date] [--user name] command [args]'
}

@test "crm-lead: a bad option exits 2, stdout empty, stderr starts crm-lead:" {
	run -2 --separate-stderr crm-lead list --bogus
	assert_output ''
	[[ $stderr == 'crm-lead: '* ]] || fail "stderr: $stderr"
	assert_stderr "crm-lead: unrecognized option '--bogus'
Try 'crm-lead --help'."
}

@test "crm-lead: an option that does not apply to the verb exits 2 and changes nothing" {
	use_leads leads.csv
	snapshot
	run -2 --separate-stderr crm-lead list --reason x
	assert_output ''
	assert_stderr_first 'crm-lead: --reason does not apply to list'
	run -2 --separate-stderr crm-lead add Ann --merge
	assert_output ''
	assert_stderr_first 'crm-lead: --merge does not apply to add'
	run -2 --separate-stderr crm-lead score --to bob
	assert_output ''
	assert_stderr_first 'crm-lead: --to does not apply to score'
	run -2 --separate-stderr crm-lead drop L-AAAAAAA1 --reason x --force
	assert_output ''
	assert_stderr_first 'crm-lead: --force does not apply to drop'
	run -2 --separate-stderr crm-lead import "$IMP/tab.tsv" --owner bob
	assert_output ''
	assert_stderr_first 'crm-lead: --owner does not apply to import'
	run -2 --separate-stderr crm-lead show --where true L-AAAAAAA1
	assert_stderr_first 'crm-lead: --where does not apply to show'
	assert_unchanged
}

@test "crm-lead: no command or an unknown one exits 2 with the usage" {
	run -2 --separate-stderr crm-lead
	assert_output ''
	assert_stderr_first 'crm-lead: a command is required'
	[[ $stderr == *"Try 'crm-lead --help'." ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-lead frob
	assert_output ''
	assert_stderr_first "crm-lead: unknown command 'frob'"
}

@test "crm-lead: a ragged leads.csv exits 3 naming leads.csv:3 for every verb and stays as it is" {
	use_leads leads-ragged.csv
	snapshot
	local msg='crm-lead: leads.csv:3: row has 3 fields, header has 19'
	# a plain listing streams: the rows before the bad one may be out
	run -3 --separate-stderr crm-lead list
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead list --sort name
	assert_output ''
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead show L-AAAAAAA1
	assert_output ''
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead add Carl
	assert_output ''
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead set L-AAAAAAA1 title=CEO
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead log L-AAAAAAA1 called
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead score
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead assign --to bob L-AAAAAAA1
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead dedupe --merge
	assert_output ''
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead convert L-AAAAAAA1
	assert_output ''
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead drop L-AAAAAAA1 --reason junk
	assert_stderr "$msg"
	run -3 --separate-stderr crm-lead import "$IMP/tab.tsv"
	assert_output ''
	assert_stderr "$msg"
	assert_unchanged
	assert_no_temp_files "$CRM_DIR"
}

@test "crm-lead: an unterminated quote in leads.csv exits 3 naming leads.csv:2" {
	use_leads leads-unterminated.csv
	snapshot
	run -3 --separate-stderr crm-lead list
	assert_output ''
	assert_stderr 'crm-lead: leads.csv:2: unterminated quoted field'
	run -3 --separate-stderr crm-lead add Carl
	assert_output ''
	assert_stderr 'crm-lead: leads.csv:2: unterminated quoted field'
	assert_unchanged
}

# ---- add --------------------------------------------------------------------------

@test "crm-lead add: prints the new id; the lead is new, with one history line" {
	run -0 --separate-stderr crm-lead add 'Li Lei' --company 上海银河 \
		--title CEO --email li@x.cn --phone '+86 138-0013-8000' \
		--source referral --owner alice --set wechat=lilei
	assert_stderr ''
	[[ $output =~ $ID_RE ]] || fail "not a lead id: $output"
	local id=$output
	LEADS_HEADER="$HEADER,wechat" assert_leads \
		"$(row "$id" name='Li Lei' company=上海银河 title=CEO email=li@x.cn \
			phone='+86 138-0013-8000' source=referral owner=alice +lilei)"
	assert_history "$(born "$id")"
	assert_activities
}

@test "crm-lead add: only a name; a second lead with nothing in common is no duplicate" {
	run -0 crm-lead add Ann
	local a=$output
	run -0 --separate-stderr crm-lead add Ben
	assert_stderr ''
	local b=$output
	assert_leads "$(row "$a" name=Ann)" "$(row "$b" name=Ben)"
	assert_history "$(born "$a")" "$(born "$b")"
}

@test "crm-lead add: a duplicate by normalised e-mail is refused with exit 3 naming the other lead" {
	run -0 crm-lead add 'Li Lei' --email li@x.cn
	local first=$output
	snapshot
	run -3 --separate-stderr crm-lead add 'Lei Li' --email ' Li@X.cn '
	assert_output ''
	assert_stderr "crm-lead: duplicate of $first Li Lei (same e-mail): use --force to add it anyway"
	assert_unchanged
}

@test "crm-lead add: a duplicate by normalised phone is refused; --force adds it with a warning" {
	run -0 crm-lead add 'Li Lei' --phone '+86 138-0013-8000'
	local first=$output
	snapshot
	run -3 --separate-stderr crm-lead add 'Lei Li' --phone 13800138000
	assert_output ''
	assert_stderr "crm-lead: duplicate of $first Li Lei (same phone): use --force to add it anyway"
	assert_unchanged
	run -0 --separate-stderr crm-lead add 'Lei Li' --phone 13800138000 --force
	[[ $output =~ $ID_RE ]] || fail "not a lead id: $output"
	local second=$output
	assert_stderr "crm-lead: warning: $second looks like a duplicate of $first (same phone)"
	assert_leads "$(row "$first" name='Li Lei' phone='+86 138-0013-8000')" \
		"$(row "$second" name='Lei Li' phone=13800138000)"
	assert_history "$(born "$first")" "$(born "$second")"
}

@test "crm-lead add: no name, an empty name or two names exit 2" {
	snapshot
	run -2 --separate-stderr crm-lead add
	assert_output ''
	assert_stderr_first 'crm-lead: add takes one lead name'
	run -2 --separate-stderr crm-lead add ''
	assert_output ''
	run -2 --separate-stderr crm-lead add Ann Ben
	assert_output ''
	assert_unchanged
}

# ---- list ---------------------------------------------------------------------------

@test "crm-lead list: CSV with every record when stdout is not a terminal" {
	use_leads leads.csv
	run -0 --separate-stderr crm-lead list
	assert_stderr ''
	assert_output "$(cat "$LEADFIX/leads.csv")"
}

@test "crm-lead list: --status, --owner and --pool select" {
	use_leads leads.csv
	run -0 crm-lead list --status new
	assert_output "$HEADER
$(fixture_line 1)
$(fixture_line 3)"
	run -0 crm-lead list --owner alice
	assert_output "$HEADER
$(fixture_line 1)
$(fixture_line 5)"
	run -0 crm-lead list --pool
	assert_output "$HEADER
$(fixture_line 3)
$(fixture_line 4)"
	run -0 crm-lead list --pool --status new --format ids
	assert_output 'L-AAAAAAA3'
	run -0 crm-lead list --owner bob --status converted --format ids
	assert_output 'L-AAAAAAA6'
}

@test "crm-lead list: --owner with --pool exits 2" {
	use_leads leads.csv
	run -2 --separate-stderr crm-lead list --owner alice --pool
	assert_output ''
	assert_stderr_first 'crm-lead: --owner and --pool exclude each other'
}

@test "crm-lead list: --where takes a jq expression; a bad one exits 2" {
	use_leads leads.csv
	run -0 crm-lead list --where '.company | test("^上海")'
	assert_output "$HEADER
$(fixture_line 1)"
	run -0 crm-lead list --where '.score >= 30 and .amount == 35000' --format ids
	assert_output 'L-AAAAAAA4'
	run -2 --separate-stderr crm-lead list --where '.['
	assert_output ''
	[[ $stderr == 'crm-lead: --where: '* ]] || fail "stderr: $stderr"
}

@test "crm-lead list: nothing selected exits 1 with the header only" {
	use_leads leads.csv
	run -1 --separate-stderr crm-lead list --status nosuch
	assert_output "$HEADER"
	assert_stderr ''
	run -1 crm-lead list --owner carol --format ids
	assert_output ''
	run -1 crm-lead list --where false --format tsv
	assert_output "$(tr , '\t' <<<"$HEADER")"
	run -1 crm-lead list --status nosuch --format table
	assert_output 'id  name  company  source  status  score  owner  next_date'
}

@test "crm-lead list: an empty lead table lists nothing, exit 1" {
	run -1 crm-lead list
	assert_output "$HEADER"
}

@test "crm-lead list: every --format, and a bad one exits 2" {
	use_leads leads.csv
	run -0 crm-lead list --format csv --pool
	assert_output "$HEADER
$(fixture_line 3)
$(fixture_line 4)"
	run -0 crm-lead list --format tsv --pool
	assert_output "$(tr , '\t' <<<"$HEADER")
$(fixture_line 3 | tr , '\t')
$(fixture_line 4 | tr , '\t')"
	run -0 crm-lead list --format ids
	assert_output 'L-AAAAAAA1
L-AAAAAAA2
L-AAAAAAA3
L-AAAAAAA4
L-AAAAAAA5
L-AAAAAAA6'
	run -0 crm-lead list --format jsonl --owner bob
	assert_output '{"id":"L-AAAAAAA2","name":"Han Mei","company":"Beta Ltd","title":"Buyer","email":"han@beta.example","phone":"","source":"web","status":"working","score":null,"owner":"bob","amount":null,"next_date":"2026-03-10","next_action":"call back","last_contact":"2026-02-20","customer":"","opportunity":"","reason":"","created":"2026-02-02","updated":"2026-02-20"}
{"id":"L-AAAAAAA6","name":"Done Deal","company":"Done Co","title":"","email":"done@done.example","phone":"","source":"","status":"converted","score":null,"owner":"bob","amount":null,"next_date":"","next_action":"","last_contact":"","customer":"","opportunity":"","reason":"","created":"2026-01-06","updated":"2026-01-25"}'
	run -0 crm-lead list --format jsonl --pool
	assert_line --index 1 '{"id":"L-AAAAAAA4","name":"Zhao Qiang","company":"Zeta Co","title":"VP Sales","email":"zhao@zeta.example","phone":"","source":"","status":"qualified","score":35,"owner":"","amount":35000,"next_date":"","next_action":"","last_contact":"","customer":"","opportunity":"","reason":"","created":"2026-02-04","updated":"2026-02-04"}'
	run -0 crm-lead list --format table
	assert_output 'id          name        company   source    status     score  owner  next_date
L-AAAAAAA1  Li Lei      上海银河  referral  new               alice
L-AAAAAAA2  Han Mei     Beta Ltd  web       working           bob    2026-03-10
L-AAAAAAA3  Wang Fang             referral  new
L-AAAAAAA4  Zhao Qiang  Zeta Co             qualified     35
L-AAAAAAA5  Old Lead    Gone Inc  referral  dropped           alice
L-AAAAAAA6  Done Deal   Done Co             converted         bob'
	run -2 --separate-stderr crm-lead list --format xml
	assert_output ''
	assert_stderr_first "crm-lead: --format: 'xml' is not one of table, csv, tsv, jsonl, ids, xlsx"
}

@test "crm-lead list -: ids, CSV and JSONL on stdin give what the direct listing gives" {
	use_leads leads.csv
	local want
	want=$(crm-lead list --status new --format jsonl)
	run -0 bash -c 'crm-lead list --format ids | crm-lead list --status new --format jsonl -'
	assert_output "$want"
	run -0 bash -c 'crm-lead list | crm-lead list --status new --format jsonl -'
	assert_output "$want"
	run -0 bash -c 'crm-lead list --format jsonl | crm-lead list --status new --format jsonl -'
	assert_output "$want"
	run -0 crm-lead list --format ids - <<<$'L-AAAAAAA3\nL-AAAAAAA1'
	assert_output $'L-AAAAAAA3\nL-AAAAAAA1'
	run -3 --separate-stderr crm-lead list - <<<'L-AAAAAAA9'
	assert_output ''
	assert_stderr "crm-lead: -:1: unknown lead 'L-AAAAAAA9'"
}

@test "crm-lead list --sort -score: the ranking, highest first, unscored last" {
	use_leads leads.csv
	run -0 crm-lead score
	run -0 crm-lead list --sort -score --format ids
	assert_output 'L-AAAAAAA1
L-AAAAAAA3
L-AAAAAAA4
L-AAAAAAA2
L-AAAAAAA5
L-AAAAAAA6'
	run -0 crm-lead list --sort -score --status new --format table
	assert_output 'id          name       company   source    status  score  owner  next_date
L-AAAAAAA1  Li Lei     上海银河  referral  new        75  alice
L-AAAAAAA3  Wang Fang            referral  new        40'
}

# ---- show, set, log -------------------------------------------------------------------

@test "crm-lead show: every non-empty field, by id or unique prefix" {
	use_leads leads.csv
	run -0 --separate-stderr crm-lead show L-AAAAAAA2
	assert_stderr ''
	assert_output 'id            L-AAAAAAA2
name          Han Mei
company       Beta Ltd
title         Buyer
email         han@beta.example
source        web
status        working
owner         bob
next_date     2026-03-10
next_action   call back
last_contact  2026-02-20
created       2026-02-02
updated       2026-02-20'
	local want=$output
	run -0 crm-lead show l-aaaaaaa2
	assert_output "$want"
	run -0 crm-lead show 'Han Mei'
	assert_output "$want"
}

@test "crm-lead show: an unknown or ambiguous id exits 3; no id exits 2" {
	use_leads leads.csv
	run -3 --separate-stderr crm-lead show L-ZZZZZZZZ
	assert_output ''
	assert_stderr "crm-lead: unknown lead 'L-ZZZZZZZZ'"
	run -3 --separate-stderr crm-lead show L-AAAA
	assert_output ''
	[[ $stderr == "crm-lead: ambiguous lead id 'L-AAAA': L-AAAAAAA1, L-AAAAAAA2"* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-lead show
	assert_output ''
}

@test "crm-lead show: the lead's activities after its fields" {
	use_leads leads.csv
	run -0 crm-lead log L-AAAAAAA3 'called, no answer' --type call
	CRM_TODAY=2026-03-04 run -0 crm-lead log L-AAAAAAA3 'sent the brochure'
	run -0 crm-lead show L-AAAAAAA3
	assert_output 'id            L-AAAAAAA3
name          Wang Fang
phone         021-5555-0100
source        referral
status        working
last_contact  2026-03-04
created       2026-02-03
updated       2026-03-04

activities
  2026-03-02  call     tester   called, no answer
  2026-03-04  note     tester   sent the brochure'
}

@test "crm-lead set: fields, a custom field; values normalised and logged" {
	use_leads leads.csv
	run -0 --separate-stderr crm-lead set L-AAAAAAA3 company='Wang & Co' \
		amount=35万 next_date=2026/3/9 wechat=wf88
	assert_output ''
	assert_stderr ''
	LEADS_HEADER="$HEADER,wechat" assert_leads \
		"$(fixture_line 1)," "$(fixture_line 2)," \
		"$(row L-AAAAAAA3 name='Wang Fang' company='Wang & Co' \
			phone=021-5555-0100 source=referral amount=350000 \
			next_date=2026-03-09 created=2026-02-03 +wf88)" \
		"$(fixture_line 4)," "$(fixture_line 5)," "$(fixture_line 6),"
	assert_history \
		"$(hist L-AAAAAAA3 company '' 'Wang & Co')" \
		"$(hist L-AAAAAAA3 amount '' 350000)" \
		"$(hist L-AAAAAAA3 next_date '' 2026-03-09)" \
		"$(hist L-AAAAAAA3 wechat '' wf88)"
}

@test "crm-lead set: a bad value exits 3, a bad assignment exits 2, nothing written" {
	use_leads leads.csv
	snapshot
	run -3 --separate-stderr crm-lead set L-AAAAAAA3 title=CTO status=hot
	assert_output ''
	assert_stderr "crm-lead: L-AAAAAAA3: status 'hot' is not one of new|working|qualified|converted|dropped"
	run -3 --separate-stderr crm-lead set L-AAAAAAA3 amount=TBD
	assert_output ''
	run -2 --separate-stderr crm-lead set L-AAAAAAA3 id=L-BBBBBBBB
	assert_output ''
	assert_stderr_first "crm-lead: L-AAAAAAA3: field 'id' cannot be changed"
	run -2 --separate-stderr crm-lead set L-AAAAAAA3 title
	assert_output ''
	assert_stderr_first "crm-lead: 'title' is not FIELD=VALUE"
	run -2 --separate-stderr crm-lead set L-AAAAAAA3
	assert_output ''
	run -3 --separate-stderr crm-lead set L-ZZZZZZZZ title=CTO
	assert_stderr "crm-lead: unknown lead 'L-ZZZZZZZZ'"
	assert_unchanged
}

@test "crm-lead log: an activity line; last_contact; a new lead becomes working" {
	run -0 crm-lead add Ann
	local id=$output
	: >"$CRM_DIR/history.jsonl"
	CRM_TODAY=2026-03-05 run -0 --separate-stderr crm-lead log "$id" 'first call' --type call
	assert_output ''
	assert_stderr ''
	assert_activities '{"at":"2026-03-05T00:00:00Z","by":"tester","entity":"lead","id":"'"$id"'","type":"call","text":"first call"}'
	assert_leads "$(row "$id" name=Ann status=working last_contact=2026-03-05 updated=2026-03-05)"
	assert_history \
		"$(hist "$id" last_contact '' 2026-03-05 lead 2026-03-05)" \
		"$(hist "$id" status new working lead 2026-03-05)"
}

@test "crm-lead log --next --action: the next follow-up is set; a working lead stays working" {
	use_leads leads.csv
	run -0 --separate-stderr crm-lead log L-AAAAAAA2 'sent the quote' --next +7d --action 'call about the quote'
	assert_output ''
	assert_stderr ''
	assert_activities '{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"lead","id":"L-AAAAAAA2","type":"note","text":"sent the quote","next":"2026-03-09","action":"call about the quote"}'
	assert_leads "$(fixture_line 1)" \
		"$(row L-AAAAAAA2 name='Han Mei' company='Beta Ltd' title=Buyer \
			email=han@beta.example source=web status=working owner=bob \
			next_date=2026-03-09 next_action='call about the quote' \
			last_contact=2026-03-02 created=2026-02-02)" \
		"$(fixture_line 3)" "$(fixture_line 4)" "$(fixture_line 5)" "$(fixture_line 6)"
	assert_history \
		"$(hist L-AAAAAAA2 last_contact 2026-02-20 2026-03-02)" \
		"$(hist L-AAAAAAA2 next_date 2026-03-10 2026-03-09)" \
		"$(hist L-AAAAAAA2 next_action 'call back' 'call about the quote')"
}

@test "crm-lead log: usage errors exit 2 and write nothing" {
	use_leads leads.csv
	snapshot
	run -2 --separate-stderr crm-lead log L-AAAAAAA2 'x' --action 'call'
	assert_output ''
	assert_stderr_first 'crm-lead: --action goes with --next'
	run -2 --separate-stderr crm-lead log L-AAAAAAA2 'x' --type fax
	assert_stderr_first "crm-lead: --type: 'fax' is not one of call|visit|email|meeting|note|revisit|service"
	run -2 --separate-stderr crm-lead log L-AAAAAAA2 'x' --next someday
	assert_output ''
	run -2 --separate-stderr crm-lead log L-AAAAAAA2
	assert_output ''
	run -3 --separate-stderr crm-lead log L-ZZZZZZZZ 'x'
	assert_stderr "crm-lead: unknown lead 'L-ZZZZZZZZ'"
	assert_unchanged
}

# ---- score --------------------------------------------------------------------------------

@test "crm-lead score: open leads scored by the default rules; history for changed scores" {
	use_leads leads.csv
	run -0 --separate-stderr crm-lead score
	assert_output ''
	assert_stderr 'crm-lead: 3 leads rescored'
	# a rescored lead's updated day moves to today; L-AAAAAAA4 keeps its 35
	assert_leads \
		"$(row L-AAAAAAA1 name='Li Lei' company=上海银河 title=CEO email=li@galaxy.example \
			phone='+86 138-0013-8000' source=referral score=75 owner=alice created=2026-02-01)" \
		"$(row L-AAAAAAA2 name='Han Mei' company='Beta Ltd' title=Buyer email=han@beta.example \
			source=web status=working score=20 owner=bob next_date=2026-03-10 \
			next_action='call back' last_contact=2026-02-20 created=2026-02-02)" \
		"$(row L-AAAAAAA3 name='Wang Fang' phone=021-5555-0100 source=referral score=40 created=2026-02-03)" \
		"$(fixture_line 4)" "$(fixture_line 5)" "$(fixture_line 6)"
	assert_history \
		"$(hist L-AAAAAAA1 score '' 75)" \
		"$(hist L-AAAAAAA2 score '' 20)" \
		"$(hist L-AAAAAAA3 score '' 40)"
}

@test "crm-lead score: rescoring unchanged leads changes nothing" {
	use_leads leads.csv
	run -0 crm-lead score
	snapshot
	run -0 --separate-stderr crm-lead score
	assert_output ''
	assert_stderr 'crm-lead: 0 leads rescored'
	assert_unchanged
	run -0 crm-lead set L-AAAAAAA2 title=总经理
	: >"$CRM_DIR/history.jsonl"
	run -0 --separate-stderr crm-lead score
	assert_stderr 'crm-lead: 1 lead rescored'
	assert_history "$(hist L-AAAAAAA2 score 20 35)"
}

@test "crm-lead score: a negative rule of crm.conf counts" {
	printf '[score "no-company"]\n\twhen = .company == ""\n\tpoints = -5\n' >>"$CRM_DIR/crm.conf"
	run -0 crm-lead add Ann --phone 021-1234-5678 --source referral
	local a=$output
	run -0 crm-lead add Ben --company Bolt
	local b=$output
	: >"$CRM_DIR/history.jsonl"
	run -0 --separate-stderr crm-lead score
	assert_stderr 'crm-lead: 2 leads rescored'
	assert_leads "$(row "$a" name=Ann phone=021-1234-5678 source=referral score=35)" \
		"$(row "$b" name=Ben company=Bolt score=0)"
}

@test "crm-lead score -: only the leads whose ids are on stdin" {
	use_leads leads.csv
	run -0 --separate-stderr crm-lead score - <<<$'L-AAAAAAA3\nL-AAAAAAA5'
	assert_output ''
	assert_stderr 'crm-lead: 1 lead rescored'
	assert_history "$(hist L-AAAAAAA3 score '' 40)"
	run -0 bash -c 'crm-lead list --owner bob | crm-lead score -'
	assert_history "$(hist L-AAAAAAA3 score '' 40)" "$(hist L-AAAAAAA2 score '' 20)"
	run -0 crm-lead list --format ids --where '.score != null'
	assert_output $'L-AAAAAAA2\nL-AAAAAAA3\nL-AAAAAAA4'
}

@test "crm-lead score --explain: which rules fired, and the total" {
	use_leads leads.csv
	snapshot
	run -0 --separate-stderr crm-lead score --explain L-AAAAAAA1
	assert_stderr ''
	assert_line --index 0 'L-AAAAAAA1 Li Lei'
	assert_line --index 1 'yes   +20  has-email            .email != ""'
	assert_line --index 2 'yes   +10  has-phone            .phone != ""'
	assert_line --index 3 'yes   +30  referral             .source == "referral"'
	assert_line --index 4 'yes   +15  decision-maker       .title | test("CEO|CTO|VP|总")'
	[ "${#lines[@]}" -eq 6 ] || fail "expected 6 lines, got ${#lines[@]}"
	run -0 crm-lead score --explain L-AAAAAAA3
	assert_line --index 1 'no     +0  has-email            .email != ""'
	assert_line --index 2 'yes   +10  has-phone            .phone != ""'
	assert_line --index 4 'no     +0  decision-maker       .title | test("CEO|CTO|VP|总")'
	assert_unchanged
	run -3 --separate-stderr crm-lead score --explain L-ZZZZZZZZ
	assert_stderr "crm-lead: unknown lead 'L-ZZZZZZZZ'"
}

@test "crm-lead score --explain: the total stands under the points" {
	use_leads leads.csv
	run -0 crm-lead score --explain L-AAAAAAA3
	# Regression: the total is printed two columns right of the points column:
	# "         40  total" under "yes   +30  referral ...".
	assert_output 'L-AAAAAAA3 Wang Fang
no     +0  has-email            .email != ""
yes   +10  has-phone            .phone != ""
yes   +30  referral             .source == "referral"
no     +0  decision-maker       .title | test("CEO|CTO|VP|总")
       40  total'
}

@test "crm-lead score: a rule that does not compile exits 3 naming crm.conf:LINE" {
	use_leads leads.csv
	printf '[score "broken"]\n\twhen = .title |\n\tpoints = 5\n' >>"$CRM_DIR/crm.conf"
	local line
	line=$(grep -n 'when = .title |$' "$CRM_DIR/crm.conf" | cut -d: -f1)
	snapshot
	run -3 --separate-stderr crm-lead score
	assert_output ''
	[[ $stderr == "crm-lead: crm.conf:$line: [score \"broken\"] when:"* ]] || fail "stderr: $stderr"
	assert_unchanged
}

# ---- assign ---------------------------------------------------------------------------------

@test "crm-lead assign --to: the owner is set and logged" {
	use_leads leads.csv
	run -0 --separate-stderr crm-lead assign --to bob L-AAAAAAA3 L-AAAAAAA4
	assert_output ''
	assert_stderr ''
	assert_leads "$(fixture_line 1)" "$(fixture_line 2)" \
		"$(row L-AAAAAAA3 name='Wang Fang' phone=021-5555-0100 source=referral owner=bob created=2026-02-03)" \
		"$(row L-AAAAAAA4 name='Zhao Qiang' company='Zeta Co' title='VP Sales' email=zhao@zeta.example status=qualified score=35 owner=bob amount=35000 created=2026-02-04)" \
		"$(fixture_line 5)" "$(fixture_line 6)"
	assert_history "$(hist L-AAAAAAA3 owner '' bob)" "$(hist L-AAAAAAA4 owner '' bob)"
}

@test "crm-lead assign --round-robin: strict rotation in input order" {
	local n ids=()
	for n in 1 2 3 4 5; do
		run -0 crm-lead add "P$n"
		ids+=("$output")
	done
	: >"$CRM_DIR/history.jsonl"
	# in an order of our own, not the table's
	run -0 --separate-stderr crm-lead assign --round-robin alice,bob - \
		<<<"$(printf '%s\n' "${ids[4]}" "${ids[1]}" "${ids[3]}" "${ids[0]}" "${ids[2]}")"
	assert_output ''
	assert_stderr ''
	assert_history \
		"$(hist "${ids[4]}" owner '' alice)" \
		"$(hist "${ids[1]}" owner '' bob)" \
		"$(hist "${ids[3]}" owner '' alice)" \
		"$(hist "${ids[0]}" owner '' bob)" \
		"$(hist "${ids[2]}" owner '' alice)"
	assert_leads "$(row "${ids[0]}" name=P1 owner=bob)" \
		"$(row "${ids[1]}" name=P2 owner=bob)" \
		"$(row "${ids[2]}" name=P3 owner=alice)" \
		"$(row "${ids[3]}" name=P4 owner=alice)" \
		"$(row "${ids[4]}" name=P5 owner=alice)"
}

@test "crm-lead assign: the lead pool piped in, round-robin" {
	use_leads leads.csv
	run -0 --separate-stderr bash -c 'crm-lead list --pool --format ids | crm-lead assign --round-robin alice,bob -'
	assert_output ''
	assert_stderr ''
	assert_history "$(hist L-AAAAAAA3 owner '' alice)" "$(hist L-AAAAAAA4 owner '' bob)"
	run -1 crm-lead list --pool --format ids
	run -0 crm-lead list --owner alice --format ids
	assert_output $'L-AAAAAAA1\nL-AAAAAAA3\nL-AAAAAAA5'
}

@test "crm-lead assign --rules: the shanghai rule up to its cap of open leads; leads matching no rule with room are left and warned" {
	sed -i 's/cap = 50/cap = 2/; /^\[assign "everyone"\]/,$d' "$CRM_DIR/crm.conf"
	run -0 crm-lead add Old --company 北京 --owner alice
	local old=$output
	run -0 crm-lead add Gone --company 上海 --owner alice
	local gone=$output
	run -0 crm-lead drop "$gone" --reason junk
	local n s=()
	for n in 1 2 3; do
		run -0 crm-lead add "S$n" --company "上海$n号"
		s+=("$output")
	done
	run -0 crm-lead add X --company 深圳
	local x=$output
	: >"$CRM_DIR/history.jsonl"
	# alice holds one open lead (the dropped one does not count): room
	# for one more
	run -0 --separate-stderr crm-lead assign --rules - \
		<<<"$(printf '%s\n' "${s[0]}" "${s[1]}" "$x" "${s[2]}")"
	assert_output ''
	assert_stderr 'crm-lead: warning: 3 leads matched no [assign] rule with room left'
	assert_history "$(hist "${s[0]}" owner '' alice)"
	assert_leads "$(row "$old" name=Old company=北京 owner=alice)" \
		"$(row "$gone" name=Gone company=上海 owner=alice status=dropped reason=junk)" \
		"$(row "${s[0]}" name=S1 company=上海1号 owner=alice)" \
		"$(row "${s[1]}" name=S2 company=上海2号)" \
		"$(row "${s[2]}" name=S3 company=上海3号)" \
		"$(row "$x" name=X company=深圳)"
}

@test "crm-lead assign --rules: the default rules, shanghai to alice, the rest between alice and bob" {
	local n b=()
	for n in 1 2 3 4; do
		run -0 crm-lead add "B$n" --company "北京$n"
		b+=("$output")
	done
	run -0 crm-lead add S --company 上海银河
	local s=$output
	: >"$CRM_DIR/history.jsonl"
	run -0 --separate-stderr crm-lead assign --rules - \
		<<<"$(printf '%s\n' "${b[@]}" "$s")"
	assert_output ''
	assert_stderr ''
	assert_history "$(hist "${b[0]}" owner '' alice)" \
		"$(hist "${b[1]}" owner '' bob)" \
		"$(hist "${b[2]}" owner '' alice)" \
		"$(hist "${b[3]}" owner '' bob)" \
		"$(hist "$s" owner '' alice)"
}

@test "crm-lead assign: none or two of --to, --round-robin, --rules exit 2" {
	use_leads leads.csv
	snapshot
	run -2 --separate-stderr crm-lead assign L-AAAAAAA3
	assert_output ''
	assert_stderr_first 'crm-lead: assign needs one of --to, --round-robin, --rules'
	run -2 --separate-stderr crm-lead assign --to bob --rules L-AAAAAAA3
	assert_stderr_first 'crm-lead: assign needs one of --to, --round-robin, --rules'
	run -2 --separate-stderr crm-lead assign --to bob --round-robin alice,bob L-AAAAAAA3
	assert_stderr_first 'crm-lead: assign needs one of --to, --round-robin, --rules'
	run -2 --separate-stderr crm-lead assign --to bob
	assert_stderr_first 'crm-lead: assign takes ids, or - for stdin'
	run -2 --separate-stderr crm-lead assign --round-robin , L-AAAAAAA3
	assert_stderr_first 'crm-lead: --round-robin: no owners'
	assert_unchanged
}

@test "crm-lead assign: all or nothing, an unknown id changes no lead" {
	use_leads leads.csv
	snapshot
	run -3 --separate-stderr crm-lead assign --to bob L-AAAAAAA3 L-ZZZZZZZZ L-AAAAAAA4
	assert_output ''
	assert_stderr "crm-lead: unknown lead 'L-ZZZZZZZZ'"
	run -3 --separate-stderr crm-lead assign --round-robin alice,bob - <<<$'L-AAAAAAA3\nL-ZZZZZZZZ'
	assert_stderr "crm-lead: -:2: unknown lead 'L-ZZZZZZZZ'"
	assert_unchanged
}

# ---- dedupe ---------------------------------------------------------------------------------

# tests/fixtures/lead/dupes.csv: L-AAAAAAA1..3 one group (A1 and A2 by
# e-mail, A2 and A3 by phone), L-BBBBBBB1..2 another (same e-mail, created
# the same day), L-CCCCCCC1 (dropped) and C2 share an e-mail but a dropped
# lead is no duplicate, L-DDDDDDD1 has no keys.
DEDUPE_OUT='group,id,name,company,email,phone,created
1,L-AAAAAAA1,Ann,Acme,ann@acme.example,,2026-02-10
1,L-AAAAAAA2,Ann Li,, ANN@Acme.example ,+86 138-0013-8000,2026-02-01
1,L-AAAAAAA3,Annie,Acme Ltd,,13800138000,2026-02-20
2,L-BBBBBBB1,Bo,Bolt,bo@bolt.example,,2026-02-05
2,L-BBBBBBB2,Bo Wu,,bo@bolt.example,021-5555-0100,2026-02-05'

@test "crm-lead dedupe: groups by normalised e-mail and phone, CSV, nothing written" {
	use_leads dupes.csv
	snapshot
	run -0 --separate-stderr crm-lead dedupe
	assert_stderr ''
	assert_output "$DEDUPE_OUT"
	assert_unchanged
}

@test "crm-lead dedupe --output: the groups into a file; with --merge, an unwritable file merges nothing" {
	use_leads dupes.csv
	snapshot
	run -0 --separate-stderr crm-lead dedupe --output "$BATS_TEST_TMPDIR/dupes.csv"
	assert_output ''
	assert_stderr ''
	run cat "$BATS_TEST_TMPDIR/dupes.csv"
	assert_output "$DEDUPE_OUT"
	run -3 --separate-stderr crm-lead dedupe --merge --output "$BATS_TEST_TMPDIR/nope/dupes.csv"
	assert_output ''
	assert_regex "$stderr" "^crm-lead: cannot create $BATS_TEST_TMPDIR/nope/"
	assert_unchanged
	run -0 crm-lead dedupe --merge --output "$BATS_TEST_TMPDIR/merged.csv"
	assert_output ''
	run cat "$BATS_TEST_TMPDIR/merged.csv"
	assert_output "$DEDUPE_OUT"
	run -1 crm-lead dedupe
}

@test "crm-lead dedupe: no duplicates exits 1 with the header only" {
	use_leads leads.csv
	run -1 --separate-stderr crm-lead dedupe
	assert_output 'group,id,name,company,email,phone,created'
	assert_stderr ''
	run -1 crm-lead dedupe --merge
	assert_output 'group,id,name,company,email,phone,created'
	assert_history
}

@test "crm-lead dedupe --merge: keeps the oldest, fills its empty fields, drops the others, history kept" {
	use_leads dupes.csv
	run -0 --separate-stderr crm-lead dedupe --merge
	assert_stderr ''
	assert_output "$DEDUPE_OUT"
	# A2 is the oldest of its group; B1 and B2 were created the same day:
	# the smaller id is kept.
	assert_leads \
		"$(row L-AAAAAAA1 name=Ann company=Acme email=ann@acme.example status=dropped reason='duplicate of L-AAAAAAA2' created=2026-02-10)" \
		"$(row L-AAAAAAA2 name='Ann Li' company=Acme title=CTO email=' ANN@Acme.example ' phone='+86 138-0013-8000' source=referral owner=bob created=2026-02-01)" \
		"$(row L-AAAAAAA3 name=Annie company='Acme Ltd' phone=13800138000 source=referral status=dropped owner=bob reason='duplicate of L-AAAAAAA2' created=2026-02-20)" \
		"$(row L-BBBBBBB1 name=Bo company=Bolt email=bo@bolt.example phone=021-5555-0100 amount=5000 created=2026-02-05)" \
		"$(row L-BBBBBBB2 name='Bo Wu' email=bo@bolt.example phone=021-5555-0100 status=dropped amount=5000 reason='duplicate of L-BBBBBBB1' created=2026-02-05)" \
		"$(sed -n 7p "$LEADFIX/dupes.csv")" \
		"$(sed -n 8p "$LEADFIX/dupes.csv")" \
		"$(sed -n 9p "$LEADFIX/dupes.csv")"
	assert_history \
		"$(hist L-AAAAAAA2 company '' Acme)" \
		"$(hist L-AAAAAAA1 status new dropped)" \
		"$(hist L-AAAAAAA1 reason '' 'duplicate of L-AAAAAAA2')" \
		"$(hist L-AAAAAAA2 source '' referral)" \
		"$(hist L-AAAAAAA2 owner '' bob)" \
		"$(hist L-AAAAAAA3 status working dropped)" \
		"$(hist L-AAAAAAA3 reason '' 'duplicate of L-AAAAAAA2')" \
		"$(hist L-BBBBBBB1 phone '' 021-5555-0100)" \
		"$(hist L-BBBBBBB1 amount '' 5000)" \
		"$(hist L-BBBBBBB2 status new dropped)" \
		"$(hist L-BBBBBBB2 reason '' 'duplicate of L-BBBBBBB1')"
	run -1 crm-lead dedupe
	assert_output 'group,id,name,company,email,phone,created'
}

# ---- convert --------------------------------------------------------------------------------

@test "crm-lead convert: a new company customer and its primary contact; the lead is converted" {
	run -0 crm-lead add 'Wei Zhang' --company 'Galaxy Data' --title CTO \
		--email wei@galaxy.example --phone 138-0013-8000 --source web --owner alice
	local lead=$output
	: >"$CRM_DIR/history.jsonl"
	run -0 --separate-stderr crm-lead convert "$lead"
	assert_stderr ''
	[ "${#lines[@]}" -eq 2 ] || fail "expected 2 lines: $output"
	local cust=${lines[0]} contact=${lines[1]}
	[[ $cust =~ ^C-[0-9A-HJKMNP-TV-Z]{8}$ ]] || fail "not a customer id: $cust"
	[[ $contact =~ ^P-[0-9A-HJKMNP-TV-Z]{8}$ ]] || fail "not a contact id: $contact"
	assert_table "$CRM_DIR/customers.csv" "$CUST_HEADER" \
		"$cust,Galaxy Data,company,alice,,,,web,,,,,,,,,,2026-03-02,2026-03-02"
	assert_table "$CRM_DIR/contacts.csv" "$CONTACT_HEADER" \
		"$contact,$cust,Wei Zhang,CTO,wei@galaxy.example,138-0013-8000,,yes,2026-03-02,2026-03-02"
	assert_table "$CRM_DIR/opportunities.csv" "$OPP_HEADER"
	assert_leads "$(row "$lead" name='Wei Zhang' company='Galaxy Data' title=CTO \
		email=wei@galaxy.example phone=138-0013-8000 source=web \
		status=converted owner=alice customer="$cust")"
	assert_history "$(born "$cust" customer)" "$(born "$contact" contact)" \
		"$(hist "$lead" customer '' "$cust")" \
		"$(hist "$lead" status new converted)"
	run -0 --separate-stderr crm check
	assert_stderr ''
}

@test "crm-lead convert: a lead without a company becomes a person customer" {
	run -0 crm-lead add 'Solo Person' --email solo@example.cn
	local lead=$output
	run -0 crm-lead convert "$lead"
	local cust=${lines[0]} contact=${lines[1]}
	assert_table "$CRM_DIR/customers.csv" "$CUST_HEADER" \
		"$cust,Solo Person,person,,,,,,,,,,,,,,,2026-03-02,2026-03-02"
	assert_table "$CRM_DIR/contacts.csv" "$CONTACT_HEADER" \
		"$contact,$cust,Solo Person,,solo@example.cn,,,yes,2026-03-02,2026-03-02"
	run -0 crm check
}

@test "crm-lead convert: matches an existing customer by company name ignoring case and blanks" {
	cp "$LEADFIX/customers.csv" "$CRM_DIR/customers.csv"
	run -0 crm-lead add 'Wei Zhang' --company 'galaxy data' --email wei@galaxy.example
	local first=$output
	run -0 crm-lead add 'Ann Li' --company 'GALAXYDATA' --email ann@galaxy.example
	local second=$output
	run -0 crm-lead convert "$first"
	assert_equal "${lines[0]}" C-AAAAAAA1
	local c1=${lines[1]}
	run -0 crm-lead convert "$second"
	assert_equal "${lines[0]}" C-AAAAAAA1
	local c2=${lines[1]}
	assert_table "$CRM_DIR/customers.csv" "$CUST_HEADER" \
		"$(sed -n 2p "$LEADFIX/customers.csv")"
	assert_table "$CRM_DIR/contacts.csv" "$CONTACT_HEADER" \
		"$c1,C-AAAAAAA1,Wei Zhang,,wei@galaxy.example,,,yes,2026-03-02,2026-03-02" \
		"$c2,C-AAAAAAA1,Ann Li,,ann@galaxy.example,,,no,2026-03-02,2026-03-02"
	run -0 crm check
}

@test "crm-lead convert --customer: by id prefix or by name" {
	cp "$LEADFIX/customers.csv" "$CRM_DIR/customers.csv"
	run -0 crm-lead add 'Wei Zhang' --company 'Other Name Ltd'
	local first=$output
	run -0 crm-lead add 'Ann Li'
	local second=$output
	run -0 --separate-stderr crm-lead convert "$first" --customer c-aaaa
	assert_equal "${lines[0]}" C-AAAAAAA1
	run -0 --separate-stderr crm-lead convert "$second" --customer 'Galaxy  DATA'
	assert_equal "${lines[0]}" C-AAAAAAA1
	assert_table "$CRM_DIR/customers.csv" "$CUST_HEADER" \
		"$(sed -n 2p "$LEADFIX/customers.csv")"
	run -1 crm-lead list --where '.customer != "C-AAAAAAA1"'
}

@test "crm-lead convert --opp: an opportunity at the first stage, ids printed one a line" {
	run -0 crm-lead add 'Wei Zhang' --company 'Galaxy Data' --email wei@galaxy.example --source web --owner alice
	local lead=$output
	: >"$CRM_DIR/history.jsonl"
	run -0 --separate-stderr crm-lead convert "$lead" --opp 'Data platform' --amount 35万 --close 2026/4/30
	assert_stderr ''
	[ "${#lines[@]}" -eq 3 ] || fail "expected 3 lines: $output"
	local cust=${lines[0]} contact=${lines[1]} opp=${lines[2]}
	[[ $opp =~ ^O-[0-9A-HJKMNP-TV-Z]{8}$ ]] || fail "not an opportunity id: $opp"
	assert_leads "$(row "$lead" name='Wei Zhang' company='Galaxy Data' \
		email=wei@galaxy.example source=web status=converted owner=alice \
		customer="$cust" opportunity="$opp")"
	assert_history "$(born "$cust" customer)" "$(born "$contact" contact)" \
		"$(born "$opp" opportunity)" \
		"$(hist "$opp" stage '' lead opportunity)" \
		"$(hist "$lead" customer '' "$cust")" \
		"$(hist "$lead" opportunity '' "$opp")" \
		"$(hist "$lead" status new converted)"
	run -0 --separate-stderr crm check
	assert_stderr ''
	# Regression: the deal has no currency, where crm-opp add gives every deal
	# the [crm] currency of crm.conf (CNY).
	assert_table "$CRM_DIR/opportunities.csv" "$OPP_HEADER" \
		"$opp,Data platform,$cust,$contact,alice,new-business,lead,350000,CNY,,2026-04-30,web,,,,,2026-03-02,,2026-03-02"
}

@test "crm-lead convert: twice exits 3; --amount without --opp exits 2; an unknown --customer exits 3; nothing written" {
	run -0 crm-lead add 'Wei Zhang' --company 'Galaxy Data'
	local lead=$output
	run -0 crm-lead convert "$lead"
	snapshot
	run -3 --separate-stderr crm-lead convert "$lead"
	assert_output ''
	assert_stderr "crm-lead: $lead is already converted"
	run -0 crm-lead add 'Ann Li'
	local other=$output
	snapshot
	run -2 --separate-stderr crm-lead convert "$other" --amount 5000
	assert_output ''
	assert_stderr_first 'crm-lead: --amount and --close go with --opp'
	run -2 --separate-stderr crm-lead convert "$other" --close 2026-05-01
	assert_output ''
	run -3 --separate-stderr crm-lead convert "$other" --customer 'No Such Co'
	assert_output ''
	[[ $stderr == 'crm-lead: '*'No Such Co'* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-lead convert
	assert_output ''
	assert_unchanged
}

# ---- drop -------------------------------------------------------------------------------------

@test "crm-lead drop: --reason required; status dropped with the reason; twice exits 3" {
	use_leads leads.csv
	snapshot
	run -2 --separate-stderr crm-lead drop L-AAAAAAA3
	assert_output ''
	assert_stderr_first 'crm-lead: drop needs --reason'
	run -2 --separate-stderr crm-lead drop L-AAAAAAA3 --reason ''
	assert_stderr_first 'crm-lead: drop needs --reason'
	assert_unchanged
	run -0 --separate-stderr crm-lead drop L-AAAAAAA3 --reason 'no budget this year'
	assert_output ''
	assert_stderr ''
	assert_leads "$(fixture_line 1)" "$(fixture_line 2)" \
		"$(row L-AAAAAAA3 name='Wang Fang' phone=021-5555-0100 source=referral status=dropped reason='no budget this year' created=2026-02-03)" \
		"$(fixture_line 4)" "$(fixture_line 5)" "$(fixture_line 6)"
	assert_history "$(hist L-AAAAAAA3 status new dropped)" \
		"$(hist L-AAAAAAA3 reason '' 'no budget this year')"
	snapshot
	run -3 --separate-stderr crm-lead drop L-AAAAAAA3 --reason again
	assert_stderr 'crm-lead: L-AAAAAAA3 is already dropped'
	run -3 --separate-stderr crm-lead drop L-AAAAAAA6 --reason late
	assert_stderr 'crm-lead: L-AAAAAAA6 is already converted'
	assert_unchanged
}

@test "crm-lead drop -: ids on stdin, all or nothing; a dropped lead can't be converted" {
	use_leads leads.csv
	snapshot
	run -3 --separate-stderr crm-lead drop - --reason junk <<<$'L-AAAAAAA3\nL-AAAAAAA5'
	assert_output ''
	assert_stderr 'crm-lead: L-AAAAAAA5 is already dropped'
	assert_unchanged
	run -0 --separate-stderr bash -c 'crm-lead list --pool --format ids | crm-lead drop - --reason "cold list"'
	assert_stderr ''
	assert_history "$(hist L-AAAAAAA3 status new dropped)" \
		"$(hist L-AAAAAAA3 reason '' 'cold list')" \
		"$(hist L-AAAAAAA4 status qualified dropped)" \
		"$(hist L-AAAAAAA4 reason '' 'cold list')"
	snapshot
	run -3 --separate-stderr crm-lead convert L-AAAAAAA3
	assert_output ''
	assert_stderr 'crm-lead: L-AAAAAAA3 is already dropped'
	assert_unchanged
}

# ---- import: the export formats ---------------------------------------------------------------

@test "crm-lead import: GB18030 file with Chinese headers, a title line, CRLF and a total row" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import chinese-gb18030.csv
	assert_output ''
	assert_stderr "crm-lead: warning: chinese-gb18030.csv:5: bad e-mail 'liuyang#lianhe.example'
crm-lead: warning: chinese-gb18030.csv:8: amount 'abc' is not a number
$(summary chinese-gb18030.csv 5 3 0 0 2 2)"
	assert_adds_up
	local a b c
	a=$(id_of 张伟) b=$(id_of 王芳) c=$(id_of 陈静)
	LEADS_HEADER="$HEADER,商机名称,商机阶段,预计成交日期,notes" assert_leads \
		"$(row "$a" name=张伟 company=上海银河数据科技有限公司 email=zhangwei@galaxy.example \
			phone='138 0013 8000' source=官网 owner=李娜 amount=350000 created=2026-02-01 \
			+数据平台项目 +方案报价 +2026/4/30 +客户要求先做POC)" \
		"$(row "$b" name=王芳 company=杭州云帆科技 email=wangfang@yunfan.example \
			phone='+86 139-1234-5678' source=展会 owner=李娜 amount=120000 created=2026-02-05 \
			+BI试点 +商务谈判 +2026年5月15日 +)" \
		"$(row "$c" name=陈静 company=深圳前海物流 phone='0755-8888 1234' source=老客户 \
			owner=赵强 amount=500000 created=2026-01-15 +扩容 +赢单 +2026/2/28 \
			+$'"已签合同，\r\n首付款已到"')"
	assert_history "$(born "$a")" "$(born "$b")" "$(born "$c")"
}

@test "crm-lead import: UTF-8 BOM and semicolons, European numbers, --date-order dmy" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import bom-semicolon.csv --date-order dmy
	assert_output ''
	assert_stderr "crm-lead: warning: bom-semicolon.csv:5: date '31.02.2026' is not a date in dmy order
$(summary bom-semicolon.csv 4 3 0 0 1 0)"
	assert_adds_up
	LEADS_HEADER="$HEADER,notes" assert_leads \
		"$(row "$(id_of 'Jürgen Weiß')" name='Jürgen Weiß' company='Müller & Co. KG' \
			email=j.weiss@mueller.example phone='+49 (0)89 123456' amount=12500 \
			created=2026-03-05 '+Rückruf; nächste Woche')" \
		"$(row "$(id_of 'Élodie Martin')" name='Élodie Martin' company='Société Générale Conseil' \
			email=elodie@sgc.example phone='+33 1 23 45 67 89' amount=1234.50 \
			created=2026-02-28 +)" \
		"$(row "$(id_of 'Jan de Vries')" name='Jan de Vries' company='Van Dijk BV' \
			email=jan@vandijk.example amount=2500 created=2026-02-13 +)"
}

@test "crm-lead import: without --date-order a dotted or slashed date is a reject, never a guess" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import bom-semicolon.csv
	assert_stderr "crm-lead: warning: bom-semicolon.csv:2: date '05.03.2026' is ambiguous: use --date-order
crm-lead: warning: bom-semicolon.csv:3: date '28.02.2026' is ambiguous: use --date-order
crm-lead: warning: bom-semicolon.csv:4: date '13.02.2026' is ambiguous: use --date-order
crm-lead: warning: bom-semicolon.csv:5: date '31.02.2026' is ambiguous: use --date-order
$(summary bom-semicolon.csv 4 0 0 0 4 0)"
	assert_leads
	run -2 --separate-stderr crm-lead import bom-semicolon.csv --date-order myd
	assert_output ''
	assert_stderr_first "crm-lead: --date-order: 'myd' is not ymd, mdy or dmy"
}

@test "crm-lead import: quoted fields with embedded newlines, quotes and commas" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import embedded-newlines.csv
	assert_output ''
	assert_stderr "$(summary embedded-newlines.csv 4 4 0 0 0 0)"
	LEADS_HEADER="$HEADER,notes" assert_leads \
		"$(row "$(id_of 'Alice Wong')" name='Alice Wong' company=Acme email=alice@acme.example \
			+$'"first line\nsecond line"')" \
		"$(row "$(id_of 'Bob Stone')" name='Bob Stone' company='Stone Ltd' email=bob@stone.example \
			+$'"three\nlines\nhere"')" \
		"$(row "$(id_of 'Carol King')" name='Carol King' company='King Co' email=carol@king.example \
			'+"with ""quotes"" and, commas"')" \
		"$(row "$(id_of 'Dan Brown')" name='Dan Brown' email=dan@brown.example \
			+$'"crlf\r\ninside"')"
	run -0 crm-lead list --format jsonl --where '.name == "Bob Stone"'
	assert_output --partial '"notes":"three\nlines\nhere"'
}

@test "crm-lead import: a TAB-separated file with synonyms and a Chinese status" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import tab.tsv
	assert_output ''
	assert_stderr "$(summary tab.tsv 3 3 0 0 0 0)"
	LEADS_HEADER="$HEADER,Probability (%),country" assert_leads \
		"$(row "$(id_of 'Ravi Kumar')" name='Ravi Kumar' company='Kumar Exports' \
			email=ravi@kumar.example phone='+91 98765 43210' source=Webinar \
			status=qualified +40 +India)" \
		"$(row "$(id_of 'Mei, Ling')" name='"Mei, Ling"' company='"Ling Trading, Ltd"' \
			email=mei@ling.example phone='0086 135 0000 1111' source=Referral \
			status=qualified +0.4 +China)" \
		"$(row "$(id_of 'Omar Farouk')" name='Omar Farouk' source=Web +'' +Egypt)"
}

@test "crm-lead import: Salesforce report with footers, --date-order mdy" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import salesforce-leads.csv --date-order mdy
	assert_output ''
	assert_stderr "crm-lead: warning: salesforce-leads.csv:5: no name, company, e-mail or phone
crm-lead: warning: salesforce-leads.csv:6: bad e-mail 'tom(at)baker.example'
$(summary salesforce-leads.csv 5 3 0 0 2 7)"
	assert_adds_up
	LEADS_HEADER="$HEADER,Mobile,source_id" assert_leads \
		"$(row "$(id_of 'Wei Zhang')" name='Wei Zhang' company='Galaxy Data Tech' title=CTO \
			email=Wei.Zhang@Galaxy.example phone='+86 21 6555 1234' source=Web \
			owner='Jane Doe' created=2026-03-02 '++86 138 0013 8000' +00Q5g00000AAAA1)" \
		"$(row "$(id_of 'Anna Schmidt')" name='Anna Schmidt' company='Nordwind GmbH' \
			title='Head of IT' email=anna@nordwind.example phone='+49 30 1234567' \
			source='Trade Show' status=working owner='Jane Doe' created=2026-02-27 \
			+ +00Q5g00000AAAA2)" \
		"$(row "$(id_of 张伟)" name=张伟 company=上海联合信息 email=zhang.wei@lianhe.example \
			phone='021-5555-0100 ext. 12' source=Partner status=converted owner='Bob Li' \
			created=2026-02-15 + +00Q5g00000AAAA3)"
}

@test "crm-lead import: Salesforce without --date-order rejects every ambiguous date" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import salesforce-leads.csv
	assert_output ''
	assert_stderr "crm-lead: warning: salesforce-leads.csv:2: date '3/2/2026' is ambiguous: use --date-order
crm-lead: warning: salesforce-leads.csv:3: date '2/27/2026' is ambiguous: use --date-order
crm-lead: warning: salesforce-leads.csv:4: date '2/15/2026' is ambiguous: use --date-order
crm-lead: warning: salesforce-leads.csv:5: no name, company, e-mail or phone
crm-lead: warning: salesforce-leads.csv:6: bad e-mail 'tom(at)baker.example'
$(summary salesforce-leads.csv 5 0 0 0 5 7)"
	assert_leads
	assert_history
}

@test "crm-lead import: HubSpot contacts, bad status and Excel-mangled phone rejected" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import hubspot-contacts.csv
	assert_output ''
	assert_stderr "crm-lead: warning: hubspot-contacts.csv:4: status 'BAD_TIMING' is not one of new|working|qualified|converted|dropped
crm-lead: warning: hubspot-contacts.csv:5: no name, company, e-mail or phone
crm-lead: warning: hubspot-contacts.csv:6: phone '1.38001E+10' lost its digits in Excel (scientific notation)
$(summary hubspot-contacts.csv 5 2 0 0 3 0)"
	assert_adds_up
	LEADS_HEADER="$HEADER,source_id,Lifecycle Stage,website" assert_leads \
		"$(row "$(id_of 'Li Na')" name='Li Na' company='Hangzhou Cloud' title=Buyer \
			email=li.na@example.cn phone='+86 139 1234 5678' owner=alice created=2026-02-20 \
			+501 +lead +https://hzcloud.example)" \
		"$(row "$(id_of 'Mark Jones')" name='Mark Jones' company='Jones Inc' title=CEO \
			email=MARK@JONES.EXAMPLE phone='(415) 555-0100 x12' status=working owner=bob \
			created=2026-02-21 +502 +salesqualifiedlead +)"
}

@test "crm-lead import: Pipedrive deals export as leads, a TBD amount rejected" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import pipedrive-deals.csv
	assert_output ''
	assert_stderr "crm-lead: warning: pipedrive-deals.csv:4: amount 'TBD' is not a number
$(summary pipedrive-deals.csv 5 4 0 0 1 0)"
	assert_adds_up
	LEADS_HEADER="$HEADER,source_id,Deal - Title,Deal - Currency,Deal - Stage,Deal - Expected close date,Deal - Status" assert_leads \
		"$(row "$(id_of 'Wei Zhang')" name='Wei Zhang' company='Galaxy Data Tech' \
			email=wei@galaxy.example phone='+86 138 0013 8000' owner=alice amount=120000 \
			created=2026-02-01 +101 '+Data platform rollout' +CNY '+Proposal Made' +2026-04-30 +open)" \
		"$(row "$(id_of 'Anna Schmidt')" name='Anna Schmidt' company='Nordwind GmbH' \
			email=anna@nordwind.example owner=bob amount=15000 created=2026-02-10 \
			+102 '+BI pilot' +EUR '+Negotiations Started' +2026-03-31 +open)" \
		"$(row "$(id_of 'Tom Baker')" name='Tom Baker' company='Baker & Sons' owner=bob \
			amount=8000 reason=Price created=2025-11-01 +104 '+Old deal' +USD '+Closed Lost' \
			+2026-01-31 +lost)" \
		"$(row "$(id_of 'Ivy Chen')" name='Ivy Chen' company='Chen Co' owner=alice amount=5000 \
			created=2026-02-20 +105 '+Demo for Chen' +CNY '+Demo Scheduled' +2026-04-01 +open)"
}

@test "crm-lead import: Zoho leads, CRLF, statuses mapped" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import zoho-leads.csv
	assert_output ''
	assert_stderr "$(summary zoho-leads.csv 3 3 0 0 0 0)"
	LEADS_HEADER="$HEADER,source_id,Mobile,industry,city,country,notes" assert_leads \
		"$(row "$(id_of 'Wei Zhang')" name='Wei Zhang' company='Galaxy Data Tech' title=CTO \
			email=wei@galaxy.example source='Web Download' owner=alice created=2026-02-01 \
			+zcrm_11 ++86-138-0013-8000 +Software +Shanghai +China +)" \
		"$(row "$(id_of 'Anna Schmidt')" name='Anna Schmidt' company='Nordwind GmbH' title=CIO \
			email=anna@nordwind.example phone='+49 30 1234567' source='Trade Show' \
			status=working owner=bob created=2026-02-03 +zcrm_12 + +Manufacturing +Berlin \
			+Germany '+Met at Hannover Messe')" \
		"$(row "$(id_of 'Spam Bot')" name='Spam Bot' company='Junk Corp' email=spam@junk.example \
			source=Web status=dropped owner=bob created=2026-02-04 +zcrm_13 + + + + +)"
}

@test "crm-lead import: Zoho deals export as leads" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import zoho-deals.csv
	assert_output ''
	assert_stderr "$(summary zoho-deals.csv 4 4 0 0 0 0)"
	run -0 crm-lead list --format ids
	[ "${#lines[@]}" -eq 4 ] || fail "expected 4 leads: $output"
	run -0 crm-lead show "$(id_of 'Wei Zhang')"
	assert_output --partial 'amount        350000'
	assert_output --partial 'Deal Name     ERP upgrade'
}

@test "crm-lead import: Excel Unicode text (UTF-16, TAB)" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import excel-unicode.txt
	assert_stderr "$(summary excel-unicode.txt 2 2 0 0 0 0)"
	assert_leads \
		"$(row "$(id_of 李雷)" name=李雷 company=韩梅梅科技 email=lilei@hmm.example phone='010-6552 1234')" \
		"$(row "$(id_of 韩梅梅)" name=韩梅梅 company=韩梅梅科技 email=meimei@hmm.example)"
}

@test "crm-lead import -: the file on standard input" {
	run -0 --separate-stderr crm-lead import - <"$IMP/tab.tsv"
	assert_stderr "$(summary - 3 3 0 0 0 0)"
}

# ---- import: malformed files ------------------------------------------------------------------

@test "crm-lead import: an unterminated quote exits 3 with file:line and writes nothing" {
	run -0 crm-lead add Existing --email existing@x.cn
	snapshot
	cd "$IMP"
	run -3 --separate-stderr crm-lead import unterminated.csv --rejects "$BATS_TEST_TMPDIR/rejects.csv"
	assert_output ''
	assert_stderr 'crm-lead: unterminated.csv:3: unterminated quoted field'
	assert_unchanged
	[ ! -e "$BATS_TEST_TMPDIR/rejects.csv" ] || fail "a rejects file was written"
	assert_no_temp_files "$CRM_DIR" "$BATS_TEST_TMPDIR"
	run -3 --separate-stderr crm-lead import stray-quote.csv
	assert_stderr "crm-lead: stray-quote.csv:3: malformed quoted field: '\"' inside an unquoted field"
	assert_unchanged
}

@test "crm-lead import: an undecodable, empty or missing file exits 3" {
	snapshot
	cd "$IMP"
	run -3 --separate-stderr crm-lead import bad-gb18030.csv
	assert_output ''
	assert_stderr 'crm-lead: bad-gb18030.csv:3: not UTF-8, and byte 0xFF is not GB18030 either: use --encoding'
	run -3 --separate-stderr crm-lead import empty.csv
	assert_stderr 'crm-lead: empty.csv: no header row'
	run -3 --separate-stderr crm-lead import missing.csv
	assert_stderr 'crm-lead: cannot open missing.csv: No such file or directory'
	run -2 --separate-stderr crm-lead import
	assert_stderr_first 'crm-lead: import takes one file'
	run -2 --separate-stderr crm-lead import tab.tsv ragged.csv
	assert_stderr_first 'crm-lead: import takes one file'
	assert_unchanged
	run -0 --separate-stderr crm-lead import header-only.csv
	assert_stderr "$(summary header-only.csv 0 0 0 0 0 0)"
	assert_leads
}

@test "crm-lead import: ragged rows are rejects, the rest imports" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import ragged.csv
	assert_output ''
	assert_stderr "crm-lead: warning: ragged.csv:3: row has 3 fields, header has 4
crm-lead: warning: ragged.csv:4: row has 5 fields, header has 4
$(summary ragged.csv 5 3 0 0 2 1)"
	assert_adds_up
	assert_leads \
		"$(row "$(id_of 'Ann Lee')" name='Ann Lee' company='Lee Co' email=ann@lee.example phone=123)" \
		"$(row "$(id_of 'Dee Xu')" name='Dee Xu' company='Xu Co' email=dee@xu.example phone=789)" \
		"$(row "$(id_of 'Eve Yu')" name='Eve Yu' company='Yu Co' email=eve@yu.example phone=321)"
}

@test "crm-lead import --rejects: the source header plus a reason column, one line a reject" {
	cd "$IMP"
	run -0 --separate-stderr crm-lead import hubspot-contacts.csv --rejects "$BATS_TEST_TMPDIR/rejects.csv"
	assert_output ''
	assert_lines_of "$BATS_TEST_TMPDIR/rejects.csv" \
		'Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,Lead Status,Contact owner,Create Date,Lifecycle Stage,Website URL,_reject_reason' \
		"503,Sara,Khan,sara@khan.example,,Khan Traders,,BAD_TIMING,,2026-02-22 09:30,lead,,status 'BAD_TIMING' is not one of new|working|qualified|converted|dropped" \
		'504,,,,,,,,,,,,"no name, company, e-mail or phone"' \
		"505,Ivy,Chen,ivy@chen.example,1.38001E+10,Chen Co,,OPEN_DEAL,,2026-02-23 11:11,opportunity,,phone '1.38001E+10' lost its digits in Excel (scientific notation)"
	run -0 crm-lead import chinese-gb18030.csv --rejects "$BATS_TEST_TMPDIR/rejects-gb.csv"
	assert_lines_of "$BATS_TEST_TMPDIR/rejects-gb.csv" \
		'客户名称,联系人,手机,邮箱,线索来源,负责人,商机名称,商机阶段,预计成交金额,预计成交日期,创建时间,备注,_reject_reason' \
		"北京联合信息,刘洋,13700001111转123,liuyang#lianhe.example,转介绍,赵强,续约,需求确认,8万,2026/6/1,2026/2/10,,bad e-mail 'liuyang#lianhe.example'" \
		"广州某公司,,,,,,测试,演示,abc,2026/7/1,2026/2/20,,amount 'abc' is not a number"
	assert_no_temp_files "$BATS_TEST_TMPDIR"
}

@test "crm-lead import --rejects: a short row is padded so its reason stands in the reason column" {
	cd "$IMP"
	run -0 crm-lead import ragged.csv --rejects "$BATS_TEST_TMPDIR/rejects.csv"
	# Regression: the short row's reason lands in the phone column:
	# "Ben Ma,Ma Co,ben@ma.example,\"row has 3 fields, header has 4\"".
	assert_lines_of "$BATS_TEST_TMPDIR/rejects.csv" \
		'name,company,email,phone,_reject_reason' \
		'Ben Ma,Ma Co,ben@ma.example,,"row has 3 fields, header has 4"' \
		'Cid Wu,Wu Co,cid@wu.example,456,extra,"row has 5 fields, header has 4"'
}

@test "crm-lead import --rejects: no rejects, the header alone" {
	run -0 crm-lead import "$IMP/tab.tsv" --rejects "$BATS_TEST_TMPDIR/rejects.csv"
	assert_lines_of "$BATS_TEST_TMPDIR/rejects.csv" \
		'Full Name,Organization,E-mail Address,Mobile Phone,Lead Source,Status,Probability (%),Country,_reject_reason'
}

# ---- import: options ------------------------------------------------------------------------------

@test "crm-lead import --dry-run: the mapping and the first rows; nothing changes" {
	run -0 crm-lead add Existing --email existing@x.cn
	snapshot
	cd "$IMP"
	run -0 --separate-stderr crm-lead import chinese-gb18030.csv --dry-run
	assert_stderr ''
	assert_output "# chinese-gb18030.csv: GB18030, delimiter ','
客户名称 -> company
联系人 -> name
手机 -> phone
邮箱 -> email
线索来源 -> source
负责人 -> owner
商机名称 -> 商机名称
商机阶段 -> 商机阶段
预计成交金额 -> amount
预计成交日期 -> 预计成交日期
创建时间 -> created
备注 -> notes
chinese-gb18030.csv:3: company=上海银河数据科技有限公司 name=张伟 phone=138 0013 8000 email=zhangwei@galaxy.example source=官网 owner=李娜 商机名称=数据平台项目 商机阶段=方案报价 amount=350000 预计成交日期=2026/4/30 created=2026-02-01 notes=客户要求先做POC
chinese-gb18030.csv:4: company=杭州云帆科技 name=王芳 phone=+86 139-1234-5678 email=wangfang@yunfan.example source=展会 owner=李娜 商机名称=BI试点 商机阶段=商务谈判 amount=120000 预计成交日期=2026年5月15日 created=2026-02-05
chinese-gb18030.csv:5: reject: bad e-mail 'liuyang#lianhe.example'
chinese-gb18030.csv:6: company=深圳前海物流 name=陈静 phone=0755-8888 1234 source=老客户 owner=赵强 商机名称=扩容 商机阶段=赢单 amount=500000 预计成交日期=2026/2/28 created=2026-01-15 notes=已签合同，"$'\r\n'"首付款已到
chinese-gb18030.csv:8: reject: amount 'abc' is not a number"
	assert_unchanged
	run -0 crm-lead import tab.tsv --dry-run --rejects "$BATS_TEST_TMPDIR/rejects.csv"
	assert_line --index 0 "# tab.tsv: UTF-8, delimiter 'tab'"
	assert_unchanged
	[ ! -e "$BATS_TEST_TMPDIR/rejects.csv" ] || fail "--dry-run wrote a rejects file"
}

@test "crm-lead import --map: a source column to a field of our own choosing" {
	cd "$IMP"
	run -0 crm-lead import tab.tsv --dry-run --map 'Lead Source=title' --map 'Country=region'
	assert_output "# tab.tsv: UTF-8, delimiter 'tab'
Full Name -> name
Organization -> company
E-mail Address -> email
Mobile Phone -> phone
Lead Source -> title
Status -> status
Probability (%) -> Probability (%)
Country -> region
tab.tsv:2: name=Ravi Kumar company=Kumar Exports email=ravi@kumar.example phone=+91 98765 43210 title=Webinar status=qualified Probability (%)=40 region=India
tab.tsv:3: name=Mei, Ling company=Ling Trading, Ltd email=mei@ling.example phone=0086 135 0000 1111 title=Referral status=qualified Probability (%)=0.4 region=China
tab.tsv:5: name=Omar Farouk title=Web status=new region=Egypt"
	run -0 --separate-stderr crm-lead import tab.tsv --map 'Lead Source=title' --map 'Country=region'
	assert_stderr "$(summary tab.tsv 3 3 0 0 0 0)"
	LEADS_HEADER="$HEADER,Probability (%),region" assert_leads \
		"$(row "$(id_of 'Ravi Kumar')" name='Ravi Kumar' company='Kumar Exports' title=Webinar \
			email=ravi@kumar.example phone='+91 98765 43210' status=qualified +40 +India)" \
		"$(row "$(id_of 'Mei, Ling')" name='"Mei, Ling"' company='"Ling Trading, Ltd"' title=Referral \
			email=mei@ling.example phone='0086 135 0000 1111' status=qualified +0.4 +China)" \
		"$(row "$(id_of 'Omar Farouk')" name='Omar Farouk' title=Web +'' +Egypt)"
}

@test "crm-lead import --map: an unknown column or a bad map exits 2 and writes nothing" {
	snapshot
	cd "$IMP"
	run -2 --separate-stderr crm-lead import tab.tsv --map 'Nope=notes'
	assert_output ''
	assert_stderr_first "crm-lead: --map 'Nope=notes': tab.tsv has no column 'Nope'"
	run -2 --separate-stderr crm-lead import tab.tsv --map 'Country'
	assert_stderr_first "crm-lead: --map 'Country': not COLUMN=FIELD"
	assert_unchanged
}

@test "crm-lead import --encoding: a Windows-1252 file is refused without it and read with it" {
	cd "$IMP"
	snapshot
	run -3 --separate-stderr crm-lead import cp1252.csv
	assert_output ''
	assert_stderr 'crm-lead: cp1252.csv:2: not UTF-8, and not GB18030 either (it looks like a European code page): use --encoding, e.g. --encoding WINDOWS-1252'
	assert_unchanged
	run -2 --separate-stderr crm-lead import cp1252.csv --encoding KLINGON-8
	assert_output ''
	assert_stderr_first "crm-lead: --encoding: 'KLINGON-8' is not an encoding this system knows"
	assert_unchanged
	run -0 --separate-stderr crm-lead import cp1252.csv --encoding WINDOWS-1252
	assert_stderr "$(summary cp1252.csv 2 2 0 0 0 0)"
	LEADS_HEADER="$HEADER,city" assert_leads \
		"$(row "$(id_of 'Jürgen Weiß')" name='Jürgen Weiß' company='Müller GmbH' +München)" \
		"$(row "$(id_of 'René Dupont')" name='René Dupont' company='Société SA' +Lyon)"
}

@test "crm-lead import --encoding: GB18030 named explicitly reads as sniffed" {
	cd "$IMP"
	run -0 crm-lead import chinese-gb18030.csv --dry-run
	local sniffed=$output
	run -0 crm-lead import chinese-gb18030.csv --dry-run --encoding GB18030
	assert_output "$sniffed"
}

@test "crm-lead import --delimiter: ';' as sniffed; ',' on a semicolon file fails; a bad one exits 2" {
	cd "$IMP"
	run -0 crm-lead import bom-semicolon.csv --date-order dmy --dry-run
	local sniffed=$output
	run -0 crm-lead import bom-semicolon.csv --date-order dmy --dry-run --delimiter ';'
	assert_output "$sniffed"
	snapshot
	run -3 --separate-stderr crm-lead import bom-semicolon.csv --date-order dmy --delimiter ','
	assert_output ''
	assert_stderr "crm-lead: bom-semicolon.csv:2: malformed quoted field: '\"' inside an unquoted field"
	run -2 --separate-stderr crm-lead import bom-semicolon.csv --delimiter x
	assert_output ''
	assert_stderr_first "crm-lead: --delimiter: 'x' is not one of , ; | tab"
	assert_unchanged
	run -0 --separate-stderr crm-lead import bom-semicolon.csv --date-order dmy --delimiter ';'
	assert_stderr "crm-lead: warning: bom-semicolon.csv:5: date '31.02.2026' is not a date in dmy order
$(summary bom-semicolon.csv 4 3 0 0 1 0)"
}

# ---- import: duplicates ------------------------------------------------------------------------

@test "crm-lead import: the same file twice gives only duplicates the second time" {
	cd "$IMP"
	run -0 crm-lead import zoho-leads.csv
	snapshot
	run -0 --separate-stderr crm-lead import zoho-leads.csv
	assert_output ''
	assert_stderr "$(summary zoho-leads.csv 3 0 0 3 0 0)"
	assert_adds_up
	assert_unchanged
	run -0 crm-lead import hubspot-contacts.csv
	snapshot
	run -0 --separate-stderr crm-lead import hubspot-contacts.csv
	assert_stderr "crm-lead: warning: hubspot-contacts.csv:4: status 'BAD_TIMING' is not one of new|working|qualified|converted|dropped
crm-lead: warning: hubspot-contacts.csv:5: no name, company, e-mail or phone
crm-lead: warning: hubspot-contacts.csv:6: phone '1.38001E+10' lost its digits in Excel (scientific notation)
$(summary hubspot-contacts.csv 5 0 0 2 3 0)"
	assert_adds_up
	assert_unchanged
}

@test "crm-lead import: duplicates within the file itself, by e-mail and by phone" {
	run -0 --separate-stderr crm-lead import "$LEADFIX/dups-in-file.csv"
	assert_stderr "$(summary "$LEADFIX/dups-in-file.csv" 4 2 0 2 0 0)"
	assert_adds_up
	assert_leads \
		"$(row "$(id_of 'Ann Lee')" name='Ann Lee' email=ann@lee.example phone='138 0013 8000')" \
		"$(row "$(id_of 'Cid Wu')" name='Cid Wu' email=cid@wu.example)"
}

@test "crm-lead import: duplicates of leads already there, by normalised e-mail and phone" {
	run -0 crm-lead add 'Ann Lee' --email ' ANN@Lee.Example' --company 'Lee Co'
	local ann=$output
	run -0 crm-lead add 'Bob Ma' --phone '+86 138-0013-8000'
	local bob=$output
	snapshot
	run -0 --separate-stderr crm-lead import "$LEADFIX/dups-in-file.csv"
	assert_stderr "$(summary "$LEADFIX/dups-in-file.csv" 4 1 0 3 0 0)"
	assert_adds_up
	assert_leads "$(row "$ann" name='Ann Lee' company='Lee Co' email=' ANN@Lee.Example')" \
		"$(row "$bob" name='Bob Ma' phone='+86 138-0013-8000')" \
		"$(row "$(id_of 'Cid Wu')" name='Cid Wu' email=cid@wu.example)"
}

@test "crm-lead import --on-dup update: fills and overwrites mapped fields with history, keeps id and created" {
	run -0 crm-lead add 'Old Wei' --company 'Old Co' --title Boss \
		--email WEI@galaxy.example --phone '021 5555 0100' --owner bob \
		--set created=2026-01-05 --set color=blue
	local wei=$output
	: >"$CRM_DIR/history.jsonl"
	cd "$IMP"
	run -0 --separate-stderr crm-lead import zoho-leads.csv --on-dup update
	assert_output ''
	assert_stderr "$(summary zoho-leads.csv 3 2 1 0 0 0)"
	assert_adds_up
	local anna spam
	anna=$(id_of 'Anna Schmidt') spam=$(id_of 'Spam Bot')
	# an empty source field (Phone, Description) leaves the lead's own
	LEADS_HEADER="$HEADER,color,source_id,Mobile,industry,city,country,notes" assert_leads \
		"$(row "$wei" name='Wei Zhang' company='Galaxy Data Tech' title=CTO \
			email=wei@galaxy.example phone='021 5555 0100' source='Web Download' \
			owner=alice created=2026-01-05 +blue +zcrm_11 ++86-138-0013-8000 \
			+Software +Shanghai +China +)" \
		"$(row "$anna" name='Anna Schmidt' company='Nordwind GmbH' title=CIO \
			email=anna@nordwind.example phone='+49 30 1234567' source='Trade Show' \
			status=working owner=bob created=2026-02-03 + +zcrm_12 + +Manufacturing \
			+Berlin +Germany '+Met at Hannover Messe')" \
		"$(row "$spam" name='Spam Bot' company='Junk Corp' email=spam@junk.example \
			source=Web status=dropped owner=bob created=2026-02-04 + +zcrm_13 + + + + +)"
	assert_history \
		"$(hist "$wei" source_id '' zcrm_11)" \
		"$(hist "$wei" owner bob alice)" \
		"$(hist "$wei" company 'Old Co' 'Galaxy Data Tech')" \
		"$(hist "$wei" name 'Old Wei' 'Wei Zhang')" \
		"$(hist "$wei" title Boss CTO)" \
		"$(hist "$wei" email WEI@galaxy.example wei@galaxy.example)" \
		"$(hist "$wei" Mobile '' +86-138-0013-8000)" \
		"$(hist "$wei" source '' 'Web Download')" \
		"$(hist "$wei" industry '' Software)" \
		"$(hist "$wei" city '' Shanghai)" \
		"$(hist "$wei" country '' China)" \
		"$(born "$anna")" "$(born "$spam")"
}

# A new lead is written to a scratch file as it is read (the spool) and
# gets its id at the end; a later row of the same file that updates it
# takes it back into the table first.
@test "crm-lead import --on-dup update: a later row updates a lead the same file made" {
	printf '%s\n' 'name,email,phone,company' 'Ann,ann@x.example,,Acme' \
		'Bo,bo@x.example,123,' 'Ann Again,ANN@x.example,555,Acme Ltd' \
		'Cy,,123,Cy Co' 'Di,di@x.example,,' >"$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/in.csv" --on-dup update
	assert_stderr "$(summary "$BATS_TEST_TMPDIR/in.csv" 5 3 2 0 0 0)"
	local ann bo di
	ann=$(id_of 'Ann Again') bo=$(id_of Cy) di=$(id_of Di)
	assert_leads \
		"$(row "$ann" name='Ann Again' company='Acme Ltd' email=ANN@x.example phone=555)" \
		"$(row "$bo" name=Cy company='Cy Co' email=bo@x.example phone=123)" \
		"$(row "$di" name=Di email=di@x.example)"
	run -0 jq -r '.id + " " + .field + " " + .from + ">" + .to' "$CRM_DIR/history.jsonl"
	assert_line "$ann name Ann>Ann Again"
	assert_line "$ann company Acme>Acme Ltd"
	assert_line "$bo name Bo>Cy"
	assert_line "$di id >$di"
	[ "${#lines[@]}" -eq 9 ] || fail "$output"
	run -0 crm check
}

@test "crm-lead import --on-dup skip: the default, the lead stays as it is" {
	run -0 crm-lead add 'Old Wei' --email WEI@galaxy.example
	local wei=$output
	cd "$IMP"
	run -0 --separate-stderr crm-lead import zoho-leads.csv --on-dup skip
	assert_stderr "$(summary zoho-leads.csv 3 2 0 1 0 0)"
	run -0 crm-lead show "$wei"
	assert_line 'name          Old Wei'
	assert_line 'email         WEI@galaxy.example'
}

@test "crm-lead import --on-dup create: duplicates are imported as new leads" {
	cd "$IMP"
	run -0 crm-lead import zoho-leads.csv
	run -0 --separate-stderr crm-lead import zoho-leads.csv --on-dup create
	run -0 crm-lead list --format ids
	[ "${#lines[@]}" -eq 6 ] || fail "expected 6 leads: $output"
	# Spam Bot is dropped (Junk Lead): no duplicate
	run -0 crm-lead dedupe --format ids
	[ "${#lines[@]}" -eq 4 ] || fail "expected 2 groups of 2: $output"
	run -2 --separate-stderr crm-lead import zoho-leads.csv --on-dup merge
	assert_output ''
	assert_stderr_first "crm-lead: --on-dup: 'merge' is not skip, update or create"
}

@test "crm-lead import --on-dup create: the summary still adds up" {
	cd "$IMP"
	run -0 crm-lead import zoho-leads.csv
	run -0 --separate-stderr crm-lead import zoho-leads.csv --on-dup create
	# Regression: "read 3, imported 3, updated 0, duplicates 3, rejected 0":
	# each duplicate is counted twice, as imported and as a duplicate.
	assert_adds_up
}

# tests/fixtures/lead/match.csv against hubspot-contacts.csv's Li Na (501,
# li.na@example.cn, +86 139 1234 5678) and Mark Jones (502,
# MARK@JONES.EXAMPLE, (415) 555-0100 x12): 501 has a new e-mail and the
# same phone, 502 the same e-mail and a new phone, 503 is a new record id
# with Li Na's e-mail.
@test "crm-lead import --match: email, phone, id or both e-mail and phone" {
	run -0 crm-lead import "$IMP/hubspot-contacts.csv"
	cp "$CRM_DIR/leads.csv" "$BATS_TEST_TMPDIR/hubspot-leads.csv"
	local m
	for m in email,phone email phone id; do
		cp "$BATS_TEST_TMPDIR/hubspot-leads.csv" "$CRM_DIR/leads.csv"
		run -0 --separate-stderr crm-lead import "$LEADFIX/match.csv" --match "$m"
		case $m in
		email,phone) assert_stderr "$(summary "$LEADFIX/match.csv" 3 0 0 3 0 0)" ;;
		email) assert_stderr "$(summary "$LEADFIX/match.csv" 3 1 0 2 0 0)"
		       run -0 crm-lead list --format ids --where '.email == "li.na@new.example"' ;;
		phone) assert_stderr "$(summary "$LEADFIX/match.csv" 3 2 0 1 0 0)"
		       run -0 crm-lead list --format ids --where '.name == "Sara Khan" or .phone == "+1 415 555 0199"'
		       [ "${#lines[@]}" -eq 2 ] || fail "--match phone: $output" ;;
		id) assert_stderr "$(summary "$LEADFIX/match.csv" 3 1 0 2 0 0)"
		    run -0 crm-lead list --format ids --where '.name == "Sara Khan"' ;;
		esac
	done
}

@test "crm-lead import --match id --on-dup update: the record id finds the lead whatever its e-mail" {
	run -0 crm-lead import "$IMP/hubspot-contacts.csv"
	local li mark
	li=$(id_of 'Li Na') mark=$(id_of 'Mark Jones')
	: >"$CRM_DIR/history.jsonl"
	run -0 --separate-stderr crm-lead import "$LEADFIX/match.csv" --match id --on-dup update
	assert_stderr "$(summary "$LEADFIX/match.csv" 3 1 2 0 0 0)"
	assert_adds_up
	local sara
	sara=$(id_of 'Sara Khan')
	LEADS_HEADER="$HEADER,source_id,Lifecycle Stage,website" assert_leads \
		"$(row "$li" name='Li Na' company='Hangzhou Cloud' title=Buyer \
			email=li.na@new.example phone='+86 139 1234 5678' owner=alice created=2026-02-20 \
			+501 +lead +https://hzcloud.example)" \
		"$(row "$mark" name='Mark Jones' company='Jones Inc' title=CEO \
			email=mark@jones.example phone='+1 415 555 0199' status=working owner=bob \
			created=2026-02-21 +502 +salesqualifiedlead +)" \
		"$(row "$sara" name='Sara Khan' email=li.na@example.cn +503 + +)"
	assert_history \
		"$(hist "$li" email li.na@example.cn li.na@new.example)" \
		"$(hist "$mark" email MARK@JONES.EXAMPLE mark@jones.example)" \
		"$(hist "$mark" phone '(415) 555-0100 x12' '+1 415 555 0199')" \
		"$(born "$sara")"
}

@test "crm-lead import --match: an unknown key exits 2 and writes nothing" {
	run -0 crm-lead import "$IMP/tab.tsv"
	snapshot
	# Regression: an unknown key is accepted and turns duplicate detection off:
	# the second import of the same file imports all 3 rows again.
	run -2 --separate-stderr crm-lead import "$IMP/tab.tsv" --match mail
	assert_output ''
	[[ $stderr == "crm-lead: --match: "* ]] || fail "stderr: $stderr"
	assert_unchanged
}

# ---- leftovers ----------------------------------------------------------------------------------

@test "crm-lead: no temporary files are left behind by any verb" {
	use_leads dupes.csv
	run -0 crm-lead add Zed --email zed@x.cn
	run -0 crm-lead set L-DDDDDDD1 title=CEO
	run -0 crm-lead log L-DDDDDDD1 called --next +3d
	run -0 crm-lead score
	run -0 crm-lead assign --to bob L-CCCCCCC2
	run -0 crm-lead dedupe --merge
	run -0 crm-lead convert L-DDDDDDD1 --opp Deal --amount 100
	run -0 crm-lead drop L-CCCCCCC2 --reason junk
	run -0 crm-lead import "$IMP/hubspot-contacts.csv" --rejects "$BATS_TEST_TMPDIR/rejects.csv"
	run -3 crm-lead import "$IMP/unterminated.csv" --rejects "$BATS_TEST_TMPDIR/rejects2.csv"
	run -3 crm-lead convert L-DDDDDDD1
	assert_no_temp_files "$CRM_DIR" "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr crm check
	assert_stderr ''
}
