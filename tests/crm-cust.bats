#!/usr/bin/env bats
# crm-cust.bats - customers and contacts: usage, add/list/show/set/log and
# contacts with exact files and logs after each change, id lookup, ugly
# customers.csv files, records on standard input, and safe writing
# (concurrent writers, temp files, the lock).

load test_helper/common

HEADER='id,name,kind,owner,tier,tags,industry,source,phone,email,website,address,city,country,next_date,next_action,last_contact,created,updated'
CONTACTS_HEADER='id,customer,name,title,email,phone,wechat,primary,created,updated'
CJK='上海"晨光", Ltd'
CJK_CSV='"上海""晨光"", Ltd"'
ID_RE='^C-[0-9A-HJKMNP-TV-Z]{8}$'

setup() {
	new_data_dir
}

# A customers.csv row of the fixed columns: ID NAME OWNER CREATED.
cust_row() {
	join_csv "$1" "$2" company "$3" '' '' '' '' '' '' '' '' '' '' '' '' \
		'' "${4:-2026-03-02}" "${4:-2026-03-02}"
}

# customers.csv written by hand, the header then the rows given.
write_customers() {
	{
		echo "$HEADER"
		printf '%s\n' "$@"
	} >"$CRM_DIR/customers.csv"
}

# Four customers with fixed ids, owners and creation dates.
four_customers() {
	write_customers \
		"$(cust_row C-AAAAAAA1 Acme alice 2026-01-10)" \
		"$(cust_row C-AAAAAAA2 Beta '' 2026-02-01)" \
		"$(cust_row C-BBBBBBB1 Gamma bob 2025-12-31)" \
		"$(cust_row C-BBBBBBB2 Delta alice 2026-02-15)"
}

# The id of the customer / contact named $1, read from the data (not
# from what add printed: see the add tests).
id_of() {
	crm-cust list --format jsonl |
		jq -r --arg n "$1" 'select(.name == $n) | .id'
}
contact_id_of() {
	crm-cust contact list --format jsonl |
		jq -r --arg n "$1" 'select(.name == $n) | .id'
}

# Add a customer (name first, then options) and print its id.
add_customer() {
	crm-cust add "$@" >/dev/null && id_of "$1"
}

# One history.jsonl line: ENTITY ID FIELD FROM TO (no quotes in values).
hist() {
	printf '{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"%s","id":"%s","field":"%s","from":"%s","to":"%s"}\n' "$@"
}

sum_of() {
	cksum <"$1"
}

# The two customers of the issue's proof: A is the Chinese name with
# quotes and a comma, and a custom column; B is plain.
two_customers() {
	A=$(add_customer "$CJK" --owner alice --city 上海 --set employees=300 \
		--set next_date=2026-03-09)
	B=$(add_customer Acme --city Berlin)
}

# Hold the data directory's lock for $1 seconds in the background; return
# once it is held.  $HOLDER is the holder's pid.
hold_lock() {
	flock "$CRM_DIR/.lock" sleep "$1" >/dev/null 2>&1 3>&- &
	HOLDER=$!
	while flock -n "$CRM_DIR/.lock" true; do
		sleep 0.02
	done
}

# ---- usage ----------------------------------------------------------------------

@test "crm-cust --help: exits 0, usage on stdout, nothing on stderr" {
	run -0 --separate-stderr crm-cust --help
	assert_stderr ''
	assert_line --index 0 'usage: crm-cust [-C dir] [--today date] [--user name] command [args]'
	assert_line '       crm-cust set id field=value ...'
	assert_line '  -w, --where=EXPR         only records for which the jq expression is true'
	assert_line 'Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.'
}

@test "crm-cust --help: works outside a data directory" {
	unset CRM_DIR
	cd "$BATS_TEST_TMPDIR"
	run -0 crm-cust --help
	assert_line --index 0 --partial 'usage: crm-cust '
}

@test "crm-cust: the man page exists and is crm-cust(1)" {
	local page="$REPO_DIR/man/crm-cust.1"
	[ -f "$page" ] || fail "no $page"
	grep -qx '.Dt CRM-CUST 1' "$page"
	grep -qx '.Nm crm-cust' "$page"
}

@test "crm-cust: a bad option exits 2, stdout empty, stderr starts 'crm-cust: '" {
	run -2 --separate-stderr crm-cust list --bogus
	assert_output ''
	assert_stderr "$(printf '%s\n' "crm-cust: unrecognized option '--bogus'" \
		"Try 'crm-cust --help'.")"
}

@test "crm-cust: an option missing its value exits 2" {
	run -2 --separate-stderr crm-cust list --format
	assert_output ''
	assert_stderr_first "crm-cust: option '--format' requires an argument"
}

@test "crm-cust add: an option of another verb exits 2 and adds nothing" {
	run -2 --separate-stderr crm-cust add Acme --where '.owner == ""'
	assert_output ''
	assert_stderr_first 'crm-cust: --where does not apply to add'
	[ "${stderr##*$'\n'}" = "Try 'crm-cust --help'." ] || fail "$stderr"
	echo "$HEADER" | diff -u - "$CRM_DIR/customers.csv"
	[ ! -s "$CRM_DIR/history.jsonl" ]
}

@test "crm-cust show: --format is text or jsonl" {
	run -2 --separate-stderr crm-cust show C-AAAAAAA1 --format csv
	assert_output ''
	assert_stderr_first "crm-cust: --format: 'csv' is not text or jsonl"
}

@test "crm-cust contact add: --pool does not apply" {
	run -2 --separate-stderr crm-cust contact add Acme Wang --pool
	assert_output ''
	assert_stderr_first 'crm-cust: --pool does not apply to contact'
}

@test "crm-cust: no command, or an unknown one, exits 2" {
	run -2 --separate-stderr crm-cust
	assert_output ''
	assert_stderr_first 'crm-cust: a command is required'
	run -2 --separate-stderr crm-cust frobnicate
	assert_output ''
	assert_stderr_first "crm-cust: unknown command 'frobnicate'"
	run -2 --separate-stderr crm-cust contact frobnicate
	assert_stderr_first "crm-cust: unknown command 'frobnicate'"
}

@test "crm-cust: outside a data directory exits 3" {
	unset CRM_DIR
	cd "$BATS_TEST_TMPDIR"
	run -3 --separate-stderr crm-cust list
	assert_output ''
	assert_stderr 'crm-cust: not in a crm data directory (no crm.conf here or above; use -C DIR or crm init)'
}

@test "crm-cust -C dir: names the data directory" {
	local dir=$CRM_DIR
	crm-cust add Acme >/dev/null
	unset CRM_DIR
	cd "$BATS_TEST_TMPDIR"
	run -0 crm-cust -C "$dir" list --format tsv
	assert_line --index 1 --regexp '^C-[0-9A-Z]{8}	Acme	company	'
}

@test "crm-cust --today: a bad date exits 2" {
	run -2 --separate-stderr crm-cust --today 2026-02-30 list
	assert_output ''
	assert_stderr_first "crm-cust: --today: date '2026-02-30' has no such day"
}

# ---- add ------------------------------------------------------------------------

@test "crm-cust add: prints the new id alone" {
	run -0 --separate-stderr crm-cust add "$CJK"
	assert_stderr ''
	assert_regex "$output" "$ID_RE"
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "$(id_of "$CJK")" ] || fail "printed $output, stored $(id_of "$CJK")"
}

# Regression (fixed in ae92791): add printed t->rows[r][0] after the save
# had sorted the rows by id, i.e. the id of some other customer.
@test "crm-cust add: the id printed is the new customer's, wherever it sorts" {
	local i id bad=
	for i in $(seq 12); do
		id=$(crm-cust add "c$i")
		[ "$(id_of "c$i")" = "$id" ] ||
			bad+=" c$i:printed=$id,stored=$(id_of "c$i")"
	done
	[ -z "$bad" ] || fail "wrong ids printed:$bad"
}

# Regression (fixed in ae92791): contact add printed another contact's id.
@test "crm-cust contact add: the id printed is the new contact's, wherever it sorts" {
	local c i id bad=
	c=$(add_customer Acme)
	for i in $(seq 12); do
		id=$(crm-cust contact add "$c" "p$i")
		[ "$(contact_id_of "p$i")" = "$id" ] ||
			bad+=" p$i:printed=$id,stored=$(contact_id_of "p$i")"
	done
	[ -z "$bad" ] || fail "wrong ids printed:$bad"
}

@test "crm-cust add: customers.csv holds exactly the new record, custom column last" {
	local a
	a=$(crm-cust add "$CJK" --owner alice --city 上海 --set employees=300)
	{
		echo "$HEADER,employees"
		join_csv "$a" "$CJK_CSV" company alice '' '' '' '' '' '' '' '' 上海 \
			'' '' '' '' 2026-03-02 2026-03-02 300
	} | diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust add: every option lands in its column" {
	local a
	a=$(crm-cust add 'Li Lei' --kind person --owner bob --source fair \
		--industry retail --phone '+86 21 5555' --email li@x.cn \
		--city Suzhou --country CN --set tier=B --set tags=vip)
	{
		echo "$HEADER"
		join_csv "$a" 'Li Lei' person bob B vip retail fair '+86 21 5555' \
			li@x.cn '' '' Suzhou CN '' '' '' 2026-03-02 2026-03-02
	} | diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust add: history gets the one id line of the creation" {
	local a
	a=$(crm-cust add "$CJK" --owner alice --set employees=300)
	hist customer "$a" id '' "$a" | diff -u - "$CRM_DIR/history.jsonl"
	[ ! -s "$CRM_DIR/activities.jsonl" ]
}

@test "crm-cust add: --set of a date is normalised" {
	local a
	a=$(crm-cust add Acme --set next_date=2026/3/5)
	run -0 crm-cust list --format ids --where '.next_date == "2026-03-05"'
	assert_output "$a"
}

@test "crm-cust add: a second customer of the same name is refused, exit 3" {
	crm-cust add Acme >/dev/null
	local before
	before=$(sum_of "$CRM_DIR/customers.csv")
	run -3 --separate-stderr crm-cust add Acme
	assert_output ''
	assert_stderr "crm-cust: a customer named 'Acme' already exists"
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
	[ "$(wc -l <"$CRM_DIR/history.jsonl")" -eq 1 ]
}

@test "crm-cust add: an empty name, or no name, is a usage error" {
	run -2 --separate-stderr crm-cust add ''
	assert_output ''
	assert_stderr_first 'crm-cust: the customer name is empty'
	run -2 --separate-stderr crm-cust add
	assert_stderr_first 'crm-cust: add takes one customer name'
	run -2 --separate-stderr crm-cust add Acme Beta
	assert_stderr_first 'crm-cust: add takes one customer name'
	echo "$HEADER" | diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust add: a bad --kind is a data error that adds nothing" {
	run -3 --separate-stderr crm-cust add Acme --kind robot
	assert_output ''
	assert_stderr "crm-cust: kind 'robot' is not one of company|person"
	echo "$HEADER" | diff -u - "$CRM_DIR/customers.csv"
	[ ! -s "$CRM_DIR/history.jsonl" ]
}

@test "crm-cust add: --set id= is refused" {
	run -2 --separate-stderr crm-cust add Acme --set id=C-AAAAAAA1
	assert_output ''
	assert_stderr_first "crm-cust: field 'id' cannot be changed"
	echo "$HEADER" | diff -u - "$CRM_DIR/customers.csv"
}

# ---- list in every format (the issue's proof) ------------------------------------

@test "crm-cust list: csv, exact bytes, with the name quoted" {
	two_customers
	run -0 --separate-stderr crm-cust list
	assert_stderr ''
	assert_output "$({
		echo "$HEADER,employees"
		join_csv "$A" "$CJK_CSV" company alice '' '' '' '' '' '' '' '' 上海 \
			'' 2026-03-09 '' '' 2026-03-02 2026-03-02 300
		join_csv "$B" Acme company '' '' '' '' '' '' '' '' '' Berlin \
			'' '' '' '' 2026-03-02 2026-03-02 ''
	} | by_id)"
	# and the file holds the very same bytes
	crm-cust list | cmp - "$CRM_DIR/customers.csv"
}

@test "crm-cust list --format csv: same as the default on a pipe" {
	two_customers
	run -0 crm-cust list
	local want=$output
	run -0 crm-cust list --format csv
	assert_output "$want"
}

@test "crm-cust list --format tsv: exact" {
	two_customers
	local t=$'\t'
	run -0 crm-cust list --format tsv
	assert_output "$({
		echo "${HEADER//,/$t}${t}employees"
		printf '%s\t' "$A" "$CJK" company alice '' '' '' '' '' '' '' '' \
			上海 '' 2026-03-09 '' '' 2026-03-02 2026-03-02
		echo 300
		printf '%s\t' "$B" Acme company '' '' '' '' '' '' '' '' '' \
			Berlin '' '' '' '' 2026-03-02 2026-03-02
		echo
	} | by_id)"
}

@test "crm-cust list --format jsonl: exact lines" {
	two_customers
	run -0 crm-cust list --format jsonl
	assert_output "$({
		echo
		echo '{"id":"'"$A"'","name":"上海\"晨光\", Ltd","kind":"company","owner":"alice","tier":"","tags":"","industry":"","source":"","phone":"","email":"","website":"","address":"","city":"上海","country":"","next_date":"2026-03-09","next_action":"","last_contact":"","created":"2026-03-02","updated":"2026-03-02","employees":"300"}'
		echo '{"id":"'"$B"'","name":"Acme","kind":"company","owner":"","tier":"","tags":"","industry":"","source":"","phone":"","email":"","website":"","address":"","city":"Berlin","country":"","next_date":"","next_action":"","last_contact":"","created":"2026-03-02","updated":"2026-03-02","employees":""}'
	} | by_id | tail -n +2)"
}

@test "crm-cust list --format ids: one id a line, in id order" {
	two_customers
	run -0 crm-cust list --format ids
	assert_output "$(printf '%s\n' "$A" "$B" | LC_ALL=C sort)"
}

@test "crm-cust list --format table: CJK counts double width, columns aligned" {
	two_customers
	run -0 crm-cust list --format table
	# 上海"晨光", Ltd is 15 columns (19 bytes); 上海 is 4 columns.
	assert_output "$({
		printf '%-10s  %-15s  %-5s  %-4s  %-8s  %-6s  %-10s  %s\n' id \
			name owner tier industry city next_date last_contact
		printf '%s  %s  %-5s  %-4s  %-8s  %s  %s\n' "$A" "$CJK" alice \
			'' '' '上海  ' 2026-03-09
		printf '%s  %-15s  %-5s  %-4s  %-8s  %s\n' "$B" Acme '' '' '' \
			Berlin
	} | by_id)"
}

@test "crm-cust show: every non-empty field, custom ones too" {
	two_customers
	run -0 --separate-stderr crm-cust show "$A"
	assert_stderr ''
	assert_output "$(cat <<EOF
id            $A
name          $CJK
kind          company
owner         alice
city          上海
next_date     2026-03-09
created       2026-03-02
updated       2026-03-02
employees     300

pool          returns on 2026-04-01, in 30 days: no follow-up since 2026-03-02
EOF
)"
}

@test "crm-cust show: contacts and activities, newest first" {
	local a p q
	a=$(add_customer Acme)
	crm-cust contact add "$a" 'Wang Wei' --title CEO --email w@x.cn >/dev/null
	p=$(contact_id_of 'Wang Wei')
	crm-cust log "$a" 'first call' --type call >/dev/null
	crm-cust --user bob log "$a" 'went there' --type visit >/dev/null
	run -0 crm-cust show "$a"
	assert_output "$(cat <<EOF
id            $a
name          Acme
kind          company
last_contact  2026-03-02
created       2026-03-02
updated       2026-03-02

contacts
  $p Wang Wei CEO w@x.cn

pool          in the pool

activities (newest first)
  2026-03-02  visit    bob      went there
  2026-03-02  call     tester   first call
EOF
)"
}

# ---- set -----------------------------------------------------------------------------

@test "crm-cust set: customers.csv after a sequence of changes, custom columns kept in place" {
	two_customers
	crm-cust set "$A" tier=A >/dev/null
	crm-cust set "$A" region=华东 >/dev/null
	crm-cust set "$A" employees=350 >/dev/null
	crm-cust log "$A" 'visited, "good"' --type visit --next 2026/3/19 \
		--action 'send quote' >/dev/null
	crm-cust set "$B" owner=bob city= >/dev/null
	{
		echo "$HEADER,employees,region"
		join_csv "$A" "$CJK_CSV" company alice A '' '' '' '' '' '' '' 上海 \
			'' 2026-03-19 'send quote' 2026-03-02 2026-03-02 2026-03-02 \
			350 华东
		join_csv "$B" Acme company bob '' '' '' '' '' '' '' '' '' '' '' \
			'' '' 2026-03-02 2026-03-02 '' ''
	} | by_id | diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust set: history.jsonl gets exactly one line a changed field" {
	two_customers
	crm-cust set "$A" tier=A employees=350 >/dev/null
	crm-cust set "$A" tier=A >/dev/null		# no change, no line
	crm-cust set "$B" owner=bob >/dev/null
	crm-cust set "$B" owner= >/dev/null
	{
		hist customer "$A" id '' "$A"
		hist customer "$B" id '' "$B"
		hist customer "$A" tier '' A
		hist customer "$A" employees 300 350
		hist customer "$B" owner '' bob
		hist customer "$B" owner bob ''
	} | diff -u - "$CRM_DIR/history.jsonl"
}

@test "crm-cust set: prints nothing on success" {
	two_customers
	run -0 --separate-stderr crm-cust set "$A" tier=A
	assert_output ''
	assert_stderr ''
}

@test "crm-cust set: a date field is normalised" {
	local a
	a=$(add_customer Acme)
	crm-cust set "$a" next_date=2026/3/5
	run -0 crm-cust list --format tsv
	assert_line --index 1 --partial $'\t2026-03-05\t'
	crm-cust set "$a" next_date=2026年3月6日
	[ "$(crm-cust list --format jsonl | jq -r .next_date)" = 2026-03-06 ]
	crm-cust set "$a" next_date=+5d
	[ "$(crm-cust list --format jsonl | jq -r .next_date)" = 2026-03-07 ]
	crm-cust set "$a" next_date=today
	[ "$(crm-cust list --format jsonl | jq -r .next_date)" = 2026-03-02 ]
	run -0 grep -c '"field":"next_date"' "$CRM_DIR/history.jsonl"
	assert_output 4
}

@test "crm-cust set: a bad date is a data error naming the value, nothing changes" {
	local a before hist_before
	a=$(add_customer Acme)
	before=$(sum_of "$CRM_DIR/customers.csv")
	hist_before=$(sum_of "$CRM_DIR/history.jsonl")
	run -3 --separate-stderr crm-cust set "$a" tier=A next_date=2026-13-45
	assert_output ''
	assert_stderr "crm-cust: date '2026-13-45' has no such month"
	run -3 --separate-stderr crm-cust set "$a" next_date=someday
	assert_stderr "crm-cust: date 'someday' is not a date (use YYYY-MM-DD)"
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
	[ "$(sum_of "$CRM_DIR/history.jsonl")" = "$hist_before" ]
}

@test "crm-cust set: a bad kind is a data error, nothing changes" {
	local a before
	a=$(add_customer Acme)
	before=$(sum_of "$CRM_DIR/customers.csv")
	run -3 --separate-stderr crm-cust set "$a" kind=robot
	assert_stderr "crm-cust: kind 'robot' is not one of company|person"
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
}

@test "crm-cust set: id and created cannot be changed" {
	local a before
	a=$(add_customer Acme)
	before=$(sum_of "$CRM_DIR/customers.csv")
	run -2 --separate-stderr crm-cust set "$a" id=C-AAAAAAA1
	assert_output ''
	assert_stderr_first "crm-cust: field 'id' cannot be changed"
	run -2 --separate-stderr crm-cust set "$a" created=2020-01-01
	assert_stderr_first "crm-cust: field 'created' cannot be changed"
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
}

@test "crm-cust set: not FIELD=VALUE, or a field name CSV cannot hold, is a usage error" {
	local a before
	a=$(add_customer Acme)
	before=$(sum_of "$CRM_DIR/customers.csv")
	run -2 --separate-stderr crm-cust set "$a" tier
	assert_stderr_first "crm-cust: 'tier' is not FIELD=VALUE"
	run -2 --separate-stderr crm-cust set "$a" =x
	assert_stderr_first "crm-cust: '=x' is not FIELD=VALUE"
	run -2 --separate-stderr crm-cust set "$a" 'a,b=x'
	assert_stderr_first "crm-cust: 'a,b' is not a field name"
	run -2 --separate-stderr crm-cust set "$a"
	assert_stderr_first 'crm-cust: set takes an id and FIELD=VALUE...'
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
}

@test "crm-cust set: an unknown customer exits 3" {
	add_customer Acme >/dev/null
	run -3 --separate-stderr crm-cust set C-ZZZ tier=A
	assert_output ''
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
}

@test "crm-cust set: by exact name" {
	local a
	a=$(add_customer "$CJK")
	crm-cust set "$CJK" tier=A
	run -0 crm-cust list --format ids --where '.tier == "A"'
	assert_output "$a"
}

@test "crm-cust set: on another day updates 'updated', not 'created'" {
	local a
	a=$(add_customer Acme)
	crm-cust --today 2026-03-05 set "$a" tier=A
	run -0 crm-cust list --format jsonl
	assert_output --partial '"created":"2026-03-02","updated":"2026-03-05"}'
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output '{"at":"2026-03-05T00:00:00Z","by":"tester","entity":"customer","id":"'"$a"'","field":"tier","from":"","to":"A"}'
}

@test "crm-cust set: owner= puts a customer in the public pool" {
	local a b
	a=$(add_customer Acme --owner alice)
	b=$(add_customer Beta --owner bob)
	run -1 crm-cust list --pool --format ids
	crm-cust set "$b" owner=
	run -0 crm-cust list --pool --format ids
	assert_output "$b"
}

# Regression: set once let two customers share a name (add refuses it),
# after which neither could be named any more.
@test "crm-cust set: renaming to another customer's name is refused like add" {
	local a b before
	a=$(add_customer Acme)
	b=$(add_customer Beta)
	before=$(sum_of "$CRM_DIR/customers.csv")
	run -3 --separate-stderr crm-cust set "$b" name=Acme
	assert_stderr "crm-cust: a customer named 'Acme' already exists"
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
}

# ---- log ---------------------------------------------------------------------------------

@test "crm-cust log: --type --next --action append the exact activity and update the customer" {
	two_customers
	run -0 --separate-stderr crm-cust log "$A" 'visited, "good"' \
		--type visit --next 2026/3/19 --action 'send quote'
	assert_output ''
	assert_stderr ''
	echo '{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"customer","id":"'"$A"'","type":"visit","text":"visited, \"good\"","next":"2026-03-19","action":"send quote"}' |
		diff -u - "$CRM_DIR/activities.jsonl"
	{
		hist customer "$A" id '' "$A"
		hist customer "$B" id '' "$B"
		hist customer "$A" last_contact '' 2026-03-02
		hist customer "$A" next_date 2026-03-09 2026-03-19
		hist customer "$A" next_action '' 'send quote'
	} | diff -u - "$CRM_DIR/history.jsonl"
	run -0 crm-cust list --format jsonl --where ".id == \"$A\""
	assert_output --partial '"next_date":"2026-03-19","next_action":"send quote","last_contact":"2026-03-02",'
}

@test "crm-cust log: short options -t -n -a" {
	local a
	a=$(add_customer Acme)
	crm-cust log "$a" hi -t call -n +7d -a demo
	run -0 cat "$CRM_DIR/activities.jsonl"
	assert_output '{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"customer","id":"'"$a"'","type":"call","text":"hi","next":"2026-03-09","action":"demo"}'
}

@test "crm-cust log: a note by default, no next or action keys, next_date untouched" {
	two_customers
	crm-cust log "$A" $'two\nlines\tand \\ back'
	run -0 cat "$CRM_DIR/activities.jsonl"
	assert_output '{"at":"2026-03-02T00:00:00Z","by":"tester","entity":"customer","id":"'"$A"'","type":"note","text":"two\nlines\tand \\ back"}'
	run -0 jq -r .text "$CRM_DIR/activities.jsonl"
	assert_output $'two\nlines\tand \\ back'
	run -0 crm-cust list --format jsonl --where ".id == \"$A\""
	assert_output --partial '"next_date":"2026-03-09","next_action":"","last_contact":"2026-03-02",'
}

@test "crm-cust log: every activity type is accepted" {
	local a t
	a=$(add_customer Acme)
	for t in call visit email meeting note revisit service; do
		crm-cust log "$a" "$t" --type "$t"
	done
	run -0 jq -r '.type' "$CRM_DIR/activities.jsonl"
	assert_output "$(printf '%s\n' call visit email meeting note revisit service)"
}

@test "crm-cust log: a bad --type exits 2, nothing appended" {
	local a before
	a=$(add_customer Acme)
	before=$(sum_of "$CRM_DIR/customers.csv")
	run -2 --separate-stderr crm-cust log "$a" hi --type dance
	assert_output ''
	assert_stderr_first "crm-cust: --type: 'dance' is not one of call|visit|email|meeting|note|revisit|service"
	[ ! -s "$CRM_DIR/activities.jsonl" ]
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
}

@test "crm-cust log: a bad --next exits 2, nothing appended" {
	local a
	a=$(add_customer Acme)
	run -2 --separate-stderr crm-cust log "$a" hi --next soon
	assert_output ''
	assert_stderr_first "crm-cust: --next: date 'soon' is not a date (use YYYY-MM-DD)"
	[ ! -s "$CRM_DIR/activities.jsonl" ]
}

@test "crm-cust log: an unknown customer exits 3, nothing appended" {
	add_customer Acme >/dev/null
	run -3 --separate-stderr crm-cust log C-ZZZ hi
	assert_output ''
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
	[ ! -s "$CRM_DIR/activities.jsonl" ]
	[ "$(wc -l <"$CRM_DIR/history.jsonl")" -eq 1 ]
}

@test "crm-cust log: needs an id and one text" {
	run -2 --separate-stderr crm-cust log C-AAAAAAA1
	assert_stderr_first 'crm-cust: log takes an id and a text'
	run -2 --separate-stderr crm-cust log C-AAAAAAA1 a b
	assert_stderr_first 'crm-cust: log takes an id and a text'
}

# ---- contacts ------------------------------------------------------------------------------

@test "crm-cust contact add: by id prefix and by exact name; the first is primary" {
	local a b p q r
	a=$(add_customer "$CJK")
	b=$(add_customer Acme)
	crm-cust contact add "${a:0:6}" 'Wang Wei' --title CEO --email w@x.cn \
		--phone 138 --wechat ww >/dev/null
	crm-cust contact add "$CJK" Zhao >/dev/null
	crm-cust contact add Acme Li >/dev/null
	p=$(contact_id_of 'Wang Wei')
	q=$(contact_id_of Zhao)
	r=$(contact_id_of Li)
	{
		echo "$CONTACTS_HEADER"
		join_csv "$p" "$a" 'Wang Wei' CEO w@x.cn 138 ww yes 2026-03-02 2026-03-02
		join_csv "$q" "$a" Zhao '' '' '' '' no 2026-03-02 2026-03-02
		join_csv "$r" "$b" Li '' '' '' '' yes 2026-03-02 2026-03-02
	} | by_id | diff -u - "$CRM_DIR/contacts.csv"
}

@test "crm-cust contact add: prints the new id alone" {
	local a
	a=$(add_customer Acme)
	run -0 --separate-stderr crm-cust contact add "$a" Wang
	assert_stderr ''
	assert_regex "$output" '^P-[0-9A-HJKMNP-TV-Z]{8}$'
	assert_output "$(contact_id_of Wang)"
}

@test "crm-cust contact add: --primary moves the mark, and history says so" {
	local a p q
	a=$(add_customer Acme)
	crm-cust contact add "$a" Wang >/dev/null
	crm-cust contact add "$a" Zhao --primary >/dev/null
	p=$(contact_id_of Wang)
	q=$(contact_id_of Zhao)
	run -0 crm-cust contact list "$a" --format tsv
	assert_output "$({
		echo "${CONTACTS_HEADER//,/$'\t'}"
		printf '%s\t%s\tWang\t\t\t\t\tno\t2026-03-02\t2026-03-02\n' "$p" "$a"
		printf '%s\t%s\tZhao\t\t\t\t\tyes\t2026-03-02\t2026-03-02\n' "$q" "$a"
	} | by_id)"
	{
		hist customer "$a" id '' "$a"
		hist contact "$p" id '' "$p"
		hist contact "$q" id '' "$q"
		hist contact "$p" primary yes no
	} | diff -u - "$CRM_DIR/history.jsonl"
}

@test "crm-cust contact list CUSTOMER: only that customer's contacts" {
	local a b
	a=$(add_customer Acme)
	b=$(add_customer Beta)
	crm-cust contact add "$a" Wang >/dev/null
	crm-cust contact add "$b" Li >/dev/null
	run -0 crm-cust contact list Beta --format ids
	assert_output "$(contact_id_of Li)"
	run -0 crm-cust contact list --format ids
	assert_output "$(printf '%s\n' "$(contact_id_of Wang)" "$(contact_id_of Li)" | LC_ALL=C sort)"
}

@test "crm-cust contact list: table view" {
	local a p
	a=$(add_customer Acme)
	crm-cust contact add "$a" 'Wang Wei' --title 总经理 --email w@x.cn >/dev/null
	p=$(contact_id_of 'Wang Wei')
	run -0 crm-cust contact list --format table
	assert_output "$(printf '%-10s  %-10s  %-8s  %-6s  %-6s  %-5s  %s\n' \
		id customer name title email phone primary
	printf '%s  %s  %s  %s  %s  %-5s  %s\n' "$p" "$a" 'Wang Wei' 总经理 \
		w@x.cn '' yes)"
}

@test "crm-cust contact list: a customer without contacts selects nothing, exit 1" {
	add_customer Acme >/dev/null
	run -1 --separate-stderr crm-cust contact list Acme
	assert_output "$CONTACTS_HEADER"
	assert_stderr ''
}

@test "crm-cust contact add: an unknown customer exits 3, contacts.csv unchanged" {
	add_customer Acme >/dev/null
	run -3 --separate-stderr crm-cust contact add C-ZZZ Wang
	assert_output ''
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
	run -3 --separate-stderr crm-cust contact list Nobody
	assert_stderr "crm-cust: unknown customer 'Nobody'"
	echo "$CONTACTS_HEADER" | diff -u - "$CRM_DIR/contacts.csv"
}

# ---- finding a customer ------------------------------------------------------------------------

@test "crm-cust show: a unique prefix, in any case, names a customer" {
	four_customers
	run -0 crm-cust show C-BBBBBBB1
	assert_line --index 1 'name          Gamma'
	run -0 crm-cust show c-bbbbbbb1
	assert_line --index 1 'name          Gamma'
	run -0 crm-cust show C-AAAAAAA2
	assert_line --index 1 'name          Beta'
	# Crockford: l reads as 1
	run -0 crm-cust show C-BBBBBBBl
	assert_line --index 1 'name          Gamma'
	write_customers "$(cust_row C-AAAAAAA1 Acme alice)" \
		"$(cust_row C-BBBBBBB2 Delta alice)"
	run -0 crm-cust show C-B
	assert_line --index 1 'name          Delta'
}

@test "crm-cust show: an ambiguous prefix exits 3 listing the candidates" {
	four_customers
	run -3 --separate-stderr crm-cust show C-AAAA
	assert_output ''
	assert_stderr "crm-cust: ambiguous customer id 'C-AAAA': C-AAAAAAA1, C-AAAAAAA2"
}

@test "crm-cust show: an unknown id exits 3" {
	four_customers
	run -3 --separate-stderr crm-cust show C-ZZZ
	assert_output ''
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
}

@test "crm-cust show: by exact name, not by part of it" {
	four_customers
	run -0 crm-cust show Gamma
	assert_line --index 0 'id            C-BBBBBBB1'
	run -3 --separate-stderr crm-cust show Gam
	assert_stderr "crm-cust: unknown customer 'Gam'"
}

# Regression: a key starting "C-" was only ever taken for an id prefix, so
# a customer named "C-Suite Partners" could be added but never named again.
@test "crm-cust show: a name that starts like an id still finds its customer" {
	local a
	a=$(add_customer 'C-Suite Partners')
	run -0 --separate-stderr crm-cust show 'C-Suite Partners'
	assert_line --index 0 "id            $a"
}

# ---- list: selecting and sorting ---------------------------------------------------------------

@test "crm-cust list --owner: only that owner's customers" {
	four_customers
	run -0 crm-cust list --owner alice --format ids
	assert_output "$(printf '%s\n' C-AAAAAAA1 C-BBBBBBB2)"
	run -0 crm-cust list -o bob --format ids
	assert_output C-BBBBBBB1
}

@test "crm-cust list --pool: only customers without an owner" {
	four_customers
	run -0 crm-cust list --pool --format ids
	assert_output C-AAAAAAA2
}

@test "crm-cust list --sort name" {
	four_customers
	run -0 crm-cust list --sort name --format tsv
	assert_output "$(printf '%s\n' "${HEADER//,/$'\t'}" \
		"$(cust_row C-AAAAAAA1 Acme alice 2026-01-10 | tr , '\t')" \
		"$(cust_row C-AAAAAAA2 Beta '' 2026-02-01 | tr , '\t')" \
		"$(cust_row C-BBBBBBB2 Delta alice 2026-02-15 | tr , '\t')" \
		"$(cust_row C-BBBBBBB1 Gamma bob 2025-12-31 | tr , '\t')")"
}

@test "crm-cust list --sort -created: newest first" {
	four_customers
	run -0 crm-cust list --sort -created --format ids
	assert_output "$(printf '%s\n' C-BBBBBBB2 C-AAAAAAA2 C-AAAAAAA1 C-BBBBBBB1)"
}

@test "crm-cust list: --owner, --where and --sort together" {
	four_customers
	run -0 crm-cust list --owner alice --sort -name --format ids
	assert_output "$(printf '%s\n' C-BBBBBBB2 C-AAAAAAA1)"
	run -0 crm-cust list --where '.owner == "alice" and .created > "2026-02-01"' --format ids
	assert_output C-BBBBBBB2
	run -0 crm-cust list -w '.name | test("^[AB]")' --sort -id --format ids
	assert_output "$(printf '%s\n' C-AAAAAAA2 C-AAAAAAA1)"
}

@test "crm-cust list: an empty result exits 1 with the csv header only" {
	four_customers
	run -1 --separate-stderr crm-cust list --owner nobody
	assert_output "$HEADER"
	assert_stderr ''
	run -1 --separate-stderr crm-cust list --where 'false' --format tsv
	assert_output "${HEADER//,/$'\t'}"
	run -1 --separate-stderr crm-cust list --owner nobody --format ids
	assert_output ''
	run -1 --separate-stderr crm-cust list --owner nobody --format jsonl
	assert_output ''
	run -1 --separate-stderr crm-cust list --owner nobody --sort name
	assert_output "$HEADER"
}

@test "crm-cust list: an empty table exits 1 with the header only" {
	run -1 --separate-stderr crm-cust list
	assert_output "$HEADER"
	assert_stderr ''
	run -1 crm-cust list --format table
	assert_output 'id  name  owner  tier  industry  city  next_date  last_contact'
}

@test "crm-cust list --where: a compile error exits 2, message '--where: ...'" {
	four_customers
	run -2 --separate-stderr crm-cust list --where '.owner =='
	assert_output ''
	[[ "${stderr%%$'\n'*}" == "crm-cust: --where: "?* ]] ||
		fail "stderr: $stderr"
	[ "${stderr##*$'\n'}" = "Try 'crm-cust --help'." ] || fail "$stderr"
}

@test "crm-cust list --where: a runtime error exits 3 naming the record" {
	four_customers
	run -3 --separate-stderr crm-cust list --where 'error("boom")' --format ids
	assert_output ''
	assert_stderr 'crm-cust: --where: boom (record C-AAAAAAA1)'
}

@test "crm-cust list: a bad --format, --sort field or operand exits 2" {
	four_customers
	run -2 --separate-stderr crm-cust list --format xml
	assert_output ''
	assert_stderr_first "crm-cust: --format: 'xml' is not one of table, csv, tsv, jsonl, ids"
	run -2 --separate-stderr crm-cust list --sort nosuch
	assert_output ''
	assert_stderr_first "crm-cust: --sort: no field 'nosuch'"
	run -2 --separate-stderr crm-cust list customers.csv
	assert_output ''
	assert_stderr_first "crm-cust: unexpected operand 'customers.csv'"
}

# ---- ugly customers.csv ------------------------------------------------------------------------

@test "crm-cust list: a malformed customers.csv exits 3 naming file:line" {
	cp "$FIXTURES/customers-unterminated.csv" "$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list --format ids
	assert_stderr 'crm-cust: customers.csv:3: unterminated quoted field'
	run -3 --separate-stderr crm-cust show C-AAAAAAA1
	assert_output ''
	assert_stderr 'crm-cust: customers.csv:3: unterminated quoted field'
}

@test "crm-cust add: a malformed customers.csv exits 3 and is left as it is" {
	cp "$FIXTURES/customers-unterminated.csv" "$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust add Delta
	assert_output ''
	assert_stderr 'crm-cust: customers.csv:3: unterminated quoted field'
	cmp "$FIXTURES/customers-unterminated.csv" "$CRM_DIR/customers.csv"
	[ ! -s "$CRM_DIR/history.jsonl" ]
}

@test "crm-cust list: a ragged row exits 3 naming the line the record starts on" {
	cp "$FIXTURES/customers-ragged.csv" "$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list --sort name
	assert_output ''
	assert_stderr 'crm-cust: customers.csv:5: row has 20 fields, header has 19'
	write_customers "$(cust_row C-AAAAAAA1 Acme alice)" 'C-AAAAAAA2,Beta,company'
	run -3 --separate-stderr crm-cust list --sort name
	assert_stderr 'crm-cust: customers.csv:3: row has 3 fields, header has 19'
}

@test "crm-cust list: CRLF line ends read like LF, and are written back as LF" {
	printf '%s\r\n' "$HEADER" "$(cust_row C-AAAAAAA1 Acme alice)" \
		"$(cust_row C-AAAAAAA2 Beta '')" >"$CRM_DIR/customers.csv"
	run -0 crm-cust list
	assert_output "$(printf '%s\n' "$HEADER" "$(cust_row C-AAAAAAA1 Acme alice)" \
		"$(cust_row C-AAAAAAA2 Beta '')")"
	crm-cust set C-AAAAAAA2 tier=B
	printf '%s\n' "$HEADER" "$(cust_row C-AAAAAAA1 Acme alice)" \
		"$(join_csv C-AAAAAAA2 Beta company '' B '' '' '' '' '' '' '' '' '' '' \
			'' '' 2026-03-02 2026-03-02)" | diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust list: a UTF-8 BOM is skipped, the first column is still 'id'" {
	printf '\xef\xbb\xbf%s\n%s\n' "$HEADER" "$(cust_row C-AAAAAAA1 Acme alice)" \
		>"$CRM_DIR/customers.csv"
	run -0 crm-cust list
	assert_output "$(printf '%s\n' "$HEADER" "$(cust_row C-AAAAAAA1 Acme alice)")"
	run -0 crm-cust list --format ids
	assert_output C-AAAAAAA1
	run -0 crm-cust show C-AAAAAAA1
	assert_line --index 0 'id            C-AAAAAAA1'
}

@test "crm-cust list: a newline inside a quoted field, in every format" {
	write_customers "$(join_csv C-AAAAAAA1 '"Acme
GmbH"' company alice '' '' '' '' '' '' '' '' '' '' '' '' '' 2026-03-02 2026-03-02)" \
		"$(cust_row C-AAAAAAA2 Beta '')"
	run -0 crm-cust list
	cmp <(crm-cust list) "$CRM_DIR/customers.csv"
	run -0 crm-cust list --format jsonl
	assert_line --index 0 --partial '"name":"Acme\nGmbH",'
	run -0 crm-cust list --format tsv
	assert_line --index 1 --partial $'C-AAAAAAA1\tAcme\\nGmbH\tcompany'
	run -0 crm-cust list --format table
	assert_line --index 1 'C-AAAAAAA1  Acme GmbH  alice'
	crm-cust set C-AAAAAAA2 tier=B
	run -0 crm-cust list --format jsonl --where '.id == "C-AAAAAAA1"'
	assert_output --partial '"name":"Acme\nGmbH",'
}

@test "crm-cust list: a missing fixed column reads as empty, and comes back on write" {
	printf 'id,name,region,kind\nC-AAAAAAA1,Acme,East,company\n' \
		>"$CRM_DIR/customers.csv"
	run -0 crm-cust list
	assert_output "$(printf '%s\n' "$HEADER,region" \
		"$(join_csv C-AAAAAAA1 Acme company '' '' '' '' '' '' '' '' '' '' '' '' '' '' '' '' East)")"
	crm-cust set C-AAAAAAA1 tier=A
	printf '%s\n' "$HEADER,region" \
		"$(join_csv C-AAAAAAA1 Acme company '' A '' '' '' '' '' '' '' '' '' '' '' '' '' 2026-03-02 East)" |
		diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust list: an empty customers.csv (0 bytes) is an empty table" {
	: >"$CRM_DIR/customers.csv"
	run -1 --separate-stderr crm-cust list
	assert_output "$HEADER"
	assert_stderr ''
	local a
	a=$(add_customer Acme)
	printf '%s\n' "$HEADER" "$(cust_row "$a" Acme '')" |
		diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust list: a missing customers.csv is an empty table" {
	rm "$CRM_DIR/customers.csv"
	run -1 --separate-stderr crm-cust list
	assert_output "$HEADER"
	assert_stderr ''
}

@test "crm-cust list: a 2 MB field exits 3 naming its line; 500 KB is fine" {
	local big
	big=$(head -c 2097152 /dev/zero | tr '\0' x)
	write_customers "$(cust_row C-AAAAAAA1 Acme alice)" \
		"$(cust_row C-AAAAAAA2 "$big" '')"
	run -3 --separate-stderr crm-cust list --sort name
	assert_output ''
	assert_stderr 'crm-cust: customers.csv:3: field longer than 1048576 bytes'
	big=${big:0:512000}
	write_customers "$(cust_row C-AAAAAAA1 Acme alice)" \
		"$(cust_row C-AAAAAAA2 "$big" '')"
	run -0 crm-cust list --format ids
	assert_output "$(printf '%s\n' C-AAAAAAA1 C-AAAAAAA2)"
	crm-cust set C-AAAAAAA1 tier=A
	[ "$(crm-cust list --format jsonl | jq -r '.name | length' | tail -n 1)" -eq 512000 ]
}

@test "crm-cust list: invalid UTF-8 exits 3" {
	write_customers "$(cust_row C-AAAAAAA1 Acme alice)" \
		"$(cust_row C-AAAAAAA2 $'Bad\xff\xfe' '')"
	run -3 --separate-stderr crm-cust list --sort name
	assert_output ''
	assert_stderr 'crm-cust: customers.csv:3: invalid UTF-8 in field 2'
}

@test "crm-cust list: GBK bytes are invalid UTF-8, exit 3" {
	write_customers "$(cust_row C-AAAAAAA1 Acme alice)"
	cust_row C-AAAAAAA2 上海晨光 '' | iconv -f UTF-8 -t GBK >>"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list --sort name
	assert_output ''
	assert_stderr 'crm-cust: customers.csv:3: invalid UTF-8 in field 2'
}

@test "crm-cust list: a NUL byte exits 3" {
	write_customers "$(cust_row C-AAAAAAA1 Acme alice)"
	printf 'C-AAAAAAA2,A\0B,company,,,,,,,,,,,,,,,2026-03-02,2026-03-02\n' \
		>>"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list --sort name
	assert_stderr 'crm-cust: customers.csv:3: NUL byte in data'
}

@test "crm-cust list: stray quotes exit 3 saying what is wrong" {
	printf 'id,name\nC-AAAAAAA1,"Acme" GmbH\n' >"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list
	assert_stderr 'crm-cust: customers.csv:2: malformed quoted field: text after the closing quote'
	printf 'id,name\nC-AAAAAAA1,Ac"me\n' >"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list
	assert_stderr "crm-cust: customers.csv:2: malformed quoted field: '\"' inside an unquoted field"
}

@test "crm-cust list: a duplicate or nameless header column exits 3" {
	printf 'id,name,name\nC-AAAAAAA1,Acme,x\n' >"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list
	assert_output ''
	assert_stderr "crm-cust: customers.csv:1: duplicate column 'name'"
	printf 'id,name,\nC-AAAAAAA1,Acme,x\n' >"$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-cust list
	assert_stderr 'crm-cust: customers.csv:1: column 3 has no name'
}

# ---- records on standard input -------------------------------------------------------------------

@test "crm-cust list -: ids from list --format ids give back list" {
	two_customers
	run -0 crm-cust list
	local want=$output
	run -0 bash -c 'crm-cust list --format ids | crm-cust list -'
	assert_output "$want"
}

@test "crm-cust list -: CSV, JSONL and bare ids on stdin give the same output" {
	two_customers
	local want csv jsonl ids
	want=$(crm-cust list --format jsonl)
	csv=$(crm-cust list | crm-cust list --format jsonl -)
	jsonl=$(crm-cust list --format jsonl | crm-cust list --format jsonl -)
	ids=$(crm-cust list --format ids | crm-cust list --format jsonl -)
	[ "$csv" = "$want" ] || fail "csv on stdin: $csv"
	[ "$jsonl" = "$want" ] || fail "jsonl on stdin: $jsonl"
	[ "$ids" = "$want" ] || fail "ids on stdin: $ids"
}

@test "crm-cust list -: records keep the order of standard input" {
	four_customers
	run -0 crm-cust list --format ids - <<<$'C-BBBBBBB1\nC-AAAAAAA1'
	assert_output "$(printf '%s\n' C-BBBBBBB1 C-AAAAAAA1)"
	run -0 crm-cust list --format ids --sort name - <<<$'C-BBBBBBB1\nC-AAAAAAA1'
	assert_output "$(printf '%s\n' C-AAAAAAA1 C-BBBBBBB1)"
}

@test "crm-cust list -: bare ids may be prefixes, with CRLF and blank lines" {
	four_customers
	run -0 crm-cust list --format ids - < <(printf 'C-BBBBBBB2\r\n\r\nc-aaaaaaa2\r\n')
	assert_output "$(printf '%s\n' C-BBBBBBB2 C-AAAAAAA2)"
}

@test "crm-cust list -: an unknown id on stdin exits 3 naming its line" {
	four_customers
	run -3 --separate-stderr crm-cust list - <<<$'C-AAAAAAA1\nC-ZZZ'
	assert_output ''
	assert_stderr "crm-cust: -:2: unknown customer 'C-ZZZ'"
	run -3 --separate-stderr crm-cust list - <<<'C-AAAA'
	assert_stderr "crm-cust: -:1: ambiguous customer id 'C-AAAA': C-AAAAAAA1, C-AAAAAAA2"
}

@test "crm-cust list -: empty standard input selects nothing, exit 1" {
	four_customers
	run -1 --separate-stderr bash -c 'crm-cust list --owner nobody --format ids | crm-cust list -'
	assert_output "$HEADER"
	assert_stderr ''
}

@test "crm-cust list -: CSV records without an id column exit 3" {
	four_customers
	run -3 --separate-stderr crm-cust list - <<<$'name,owner\nAcme,alice'
	assert_output ''
	assert_stderr 'crm-cust: -:2: records on standard input have no id'
}

# ---- safe writing ---------------------------------------------------------------------------------

@test "crm-cust add: 8 writers adding 25 customers each at once lose nothing" {
	local i
	for i in $(seq 8); do
		(for j in $(seq 25); do
			crm-cust add "c$i-$j" >>"$BATS_TEST_TMPDIR/printed" ||
				echo FAIL
		done) >>"$BATS_TEST_TMPDIR/fails" 2>&1 &
	done
	wait
	[ ! -s "$BATS_TEST_TMPDIR/fails" ] || fail "$(cat "$BATS_TEST_TMPDIR/fails")"
	[ "$(tail -n +2 "$CRM_DIR/customers.csv" | wc -l)" -eq 200 ]
	[ "$(crm-cust list --format ids | sort -u | wc -l)" -eq 200 ]
	[ "$(crm-cust list --format jsonl | jq -r .name | sort -u | wc -l)" -eq 200 ]
	[ "$(grep -c '"field":"id"' "$CRM_DIR/history.jsonl")" -eq 200 ]
	[ "$(wc -l <"$CRM_DIR/history.jsonl")" -eq 200 ]
	run -0 --separate-stderr crm check
	assert_output ''
	run -0 ls -A "$CRM_DIR"
	refute_output --partial .tmp-
}

# Regression (fixed in ae92791): printed ids were not the new rows'.
@test "crm-cust add: concurrent writers print 200 distinct ids, all stored" {
	local i
	for i in $(seq 8); do
		(for j in $(seq 25); do
			crm-cust add "c$i-$j" >>"$BATS_TEST_TMPDIR/printed.$i"
		done) &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/printed.* | sort >"$BATS_TEST_TMPDIR/printed"
	[ "$(sort -u "$BATS_TEST_TMPDIR/printed" | wc -l)" -eq 200 ]
	crm-cust list --format ids | sort | diff -u - "$BATS_TEST_TMPDIR/printed"
}

@test "crm-cust: no .tmp-* file is left after any change" {
	local a
	a=$(add_customer Acme)
	crm-cust set "$a" tier=A >/dev/null
	crm-cust log "$a" hi --next +1d >/dev/null
	crm-cust contact add "$a" Wang >/dev/null
	crm-cust contact add "$a" Li --primary >/dev/null
	run -3 crm-cust set "$a" next_date=never
	run -0 ls -A "$CRM_DIR"
	assert_output "$(printf '%s\n' .lock activities.jsonl contacts.csv \
		contracts.csv crm.conf customers.csv history.jsonl leads.csv \
		opportunities.csv payments.csv)"
}

@test "crm-cust: a crashed writer's temp file is cleaned by the next writer" {
	echo torn >"$CRM_DIR/.tmp-customers.csv.AbC123"
	run -1 crm-cust list --format ids
	[ -e "$CRM_DIR/.tmp-customers.csv.AbC123" ]	# readers leave it
	add_customer Acme >/dev/null
	[ ! -e "$CRM_DIR/.tmp-customers.csv.AbC123" ]
}

@test "crm-cust: a change refused for a data error leaves every file byte for byte" {
	local a before
	a=$(add_customer Acme)
	crm-cust contact add "$a" Wang >/dev/null
	crm-cust log "$a" hi >/dev/null
	before=$(cd "$CRM_DIR" && cksum ./*)
	run -3 crm-cust set "$a" tier=A next_date=2026-02-30
	run -3 crm-cust set C-ZZZ tier=A
	run -3 crm-cust add Acme
	run -3 crm-cust add Beta --kind robot
	run -3 crm-cust log C-ZZZ hi
	run -3 crm-cust contact add C-ZZZ Li
	[ "$(cd "$CRM_DIR" && cksum ./*)" = "$before" ] || fail "a file changed"
}

@test "crm-cust: a held lock makes a writer give up (exit 3), the table unchanged" {
	local before
	add_customer Acme >/dev/null
	before=$(sum_of "$CRM_DIR/customers.csv")
	hold_lock 1
	SECONDS=0
	run -3 --separate-stderr crm-cust --lock-timeout 0.2 add X
	local took=$SECONDS
	wait "$HOLDER"
	assert_output ''
	[[ "$stderr" == "crm-cust: "*lock* ]] || fail "stderr: $stderr"
	[ "$took" -lt 2 ] || fail "waited ${took}s for a 0.2 s timeout"
	[ "$(sum_of "$CRM_DIR/customers.csv")" = "$before" ]
	[ "$(wc -l <"$CRM_DIR/history.jsonl")" -eq 1 ]
}

# Regression: the message once rounded the timeout: "(waited 0 s)" for 0.2.
@test "crm-cust: the lock message says how long it waited" {
	hold_lock 1
	run -3 --separate-stderr crm-cust --lock-timeout 0.2 add X
	wait "$HOLDER"
	assert_stderr "crm-cust: $CRM_DIR/.lock is locked by another writer (waited 0.2 s)"
}

@test "crm-cust: readers do not wait for the lock" {
	add_customer Acme >/dev/null
	hold_lock 1
	run -0 crm-cust --lock-timeout 0 list --format ids
	wait "$HOLDER"
	assert_output "$(id_of Acme)"
}

@test "crm-cust: a writer waits for a lock that is let go in time" {
	hold_lock 0.5
	run -0 crm-cust --lock-timeout 5 add Acme
	wait "$HOLDER"
	assert_regex "$output" "$ID_RE"
}

@test "crm-cust --lock-timeout: not a number exits 2" {
	run -2 --separate-stderr crm-cust --lock-timeout soon add Acme
	assert_output ''
	assert_stderr_first "crm-cust: --lock-timeout: 'soon' is not a number of seconds"
}
