#!/usr/bin/env bats
# crm-cust-tier.bats - tiers (客户分层) by the Pareto cut points of won
# revenue, tags and list --tag/--tier, dedupe and merge, show --format
# jsonl.

load test_helper/common

HEADER='id,name,kind,owner,tier,tags,industry,source,phone,email,website,address,city,country,next_date,next_action,last_contact,created,updated'
TIER_HEADER='id,name,revenue,from,to'
DEDUPE_HEADER='group,id,name,owner,phone,email,created'

setup() {
	new_data_dir
}

# One history.jsonl line: DAY ENTITY ID FIELD FROM TO, by tester.
hist() {
	printf '{"at":"%sT00:00:00Z","by":"tester","entity":"%s","id":"%s","field":"%s","from":"%s","to":"%s"}\n' "$@"
}

# A customers.csv row: ID NAME TIER [TAGS] [UPDATED]
cust_row() {
	join_csv "$1" "$2" company '' "$3" "${4:-}" '' '' '' '' '' '' '' '' '' \
		'' '' 2026-03-02 "${5:-2026-03-02}"
}

# Six customers with fixed ids, so that ties by id are known.
six_customers() {
	{
		echo "$HEADER"
		cust_row C-AAAAAAA1 Alpha ''
		cust_row C-AAAAAAA2 Bravo ''
		cust_row C-AAAAAAA3 Charlie ''
		cust_row C-AAAAAAA4 Delta ''
		cust_row C-AAAAAAA5 Echo ''
		cust_row C-AAAAAAA6 Foxtrot A
	} >"$CRM_DIR/customers.csv"
}

# A deal of CUSTOMER for AMOUNT won on DAY.
won() {
	local o
	o=$(crm-opp add "deal $1 $2" --customer "$1" --amount "$2") &&
		crm-opp win "$o" --date "$3" >/dev/null
}

# Revenue in the year up to 2026-03-02 (since 2025-03-02): Alpha 750,
# Bravo 100 and Charlie 100 (a tie), Delta 50, Echo and Foxtrot none;
# total 1000.  Deals outside the window, lost, open or won later than
# today do not count.
six_with_deals() {
	six_customers
	won C-AAAAAAA1 750 2026-01-10
	won C-AAAAAAA2 100 2025-03-02
	won C-AAAAAAA3 100 2026-03-02
	won C-AAAAAAA4 50 2025-06-01
	won C-AAAAAAA4 1000 2025-03-01
	won C-AAAAAAA5 400 2026-03-03
	local o
	o=$(crm-opp add lost --customer C-AAAAAAA5 --amount 500)
	crm-opp lose "$o" --reason price >/dev/null
	crm-opp add open --customer C-AAAAAAA6 --amount 300 --stage negotiation >/dev/null
}

# ---- tier -------------------------------------------------------------------------

@test "crm-cust tier: A/B/C by the Pareto cut points, a tie broken by id, no revenue C; the changes listed highest first" {
	six_with_deals
	run -0 --separate-stderr crm-cust tier
	assert_stderr ''
	# above Alpha 0% -> A; above Bravo 75% < 80 -> A; above Charlie
	# 85% < 95 -> B; above Delta 95% -> C; Echo, Foxtrot no revenue -> C
	assert_output "$(printf '%s\n' "$TIER_HEADER" \
		C-AAAAAAA1,Alpha,750,,A \
		C-AAAAAAA2,Bravo,100,,A \
		C-AAAAAAA3,Charlie,100,,B \
		C-AAAAAAA4,Delta,50,,C \
		C-AAAAAAA5,Echo,0,,C \
		C-AAAAAAA6,Foxtrot,0,A,C)"
	{
		echo "$HEADER"
		cust_row C-AAAAAAA1 Alpha A
		cust_row C-AAAAAAA2 Bravo A
		cust_row C-AAAAAAA3 Charlie B
		cust_row C-AAAAAAA4 Delta C
		cust_row C-AAAAAAA5 Echo C
		cust_row C-AAAAAAA6 Foxtrot C
	} | diff -u - "$CRM_DIR/customers.csv"
	run -0 grep '"field":"tier"' "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-02 customer C-AAAAAAA1 tier '' A
		hist 2026-03-02 customer C-AAAAAAA2 tier '' A
		hist 2026-03-02 customer C-AAAAAAA3 tier '' B
		hist 2026-03-02 customer C-AAAAAAA4 tier '' C
		hist 2026-03-02 customer C-AAAAAAA5 tier '' C
		hist 2026-03-02 customer C-AAAAAAA6 tier A C)"
}

@test "crm-cust tier: a second run changes nothing: exit 1, nothing written" {
	local before
	six_with_deals
	crm-cust tier >/dev/null
	before=$(sums)
	run -1 --separate-stderr crm-cust tier --format jsonl
	assert_output ''
	assert_stderr ''
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust tier: nothing changes: csv keeps its header, as every listing" {
	six_with_deals
	crm-cust tier >/dev/null
	run -1 --separate-stderr crm-cust tier
	assert_output "$TIER_HEADER"
}

@test "crm-cust tier --dry-run: prints the changes, writes nothing" {
	local before
	six_with_deals
	before=$(sums)
	run -0 crm-cust tier --dry-run --format jsonl
	assert_output "$(cat <<'EOF'
{"id":"C-AAAAAAA1","name":"Alpha","revenue":750,"from":"","to":"A"}
{"id":"C-AAAAAAA2","name":"Bravo","revenue":100,"from":"","to":"A"}
{"id":"C-AAAAAAA3","name":"Charlie","revenue":100,"from":"","to":"B"}
{"id":"C-AAAAAAA4","name":"Delta","revenue":50,"from":"","to":"C"}
{"id":"C-AAAAAAA5","name":"Echo","revenue":0,"from":"","to":"C"}
{"id":"C-AAAAAAA6","name":"Foxtrot","revenue":0,"from":"A","to":"C"}
EOF
)"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust tier --since: a wider window counts Delta's older deal" {
	six_with_deals
	crm-cust tier >/dev/null
	# total 2000: Delta 1050 -> A; Alpha above 52.5% -> A; Bravo above
	# 90% -> B; Charlie above 95% -> C
	run -0 crm-cust tier --since 2025-03-01 --format tsv
	assert_output "$(printf '%s\t%s\t%s\t%s\t%s\n' id name revenue from to \
		C-AAAAAAA4 Delta 1050 C A \
		C-AAAAAAA2 Bravo 100 A B \
		C-AAAAAAA3 Charlie 100 B C)"
	run -0 crm-cust list --tier A --format ids
	assert_output "$(printf '%s\n' C-AAAAAAA1 C-AAAAAAA4)"
	# a window with no revenue at all: everyone C
	run -0 crm-cust --today 2026-03-02 tier --since 2026-03-03 --format ids
	assert_output "$(printf '%s\n' C-AAAAAAA1 C-AAAAAAA2 C-AAAAAAA4)"
}

@test "crm-cust tier: [tiers] a and b from crm.conf" {
	six_with_deals
	printf '[tiers]\n\ta = 50\n\tb = 30\n' >>"$CRM_DIR/crm.conf"
	run -0 crm-cust tier --dry-run
	assert_output "$(printf '%s\n' "$TIER_HEADER" \
		C-AAAAAAA1,Alpha,750,,A \
		C-AAAAAAA2,Bravo,100,,B \
		C-AAAAAAA3,Charlie,100,,C \
		C-AAAAAAA4,Delta,50,,C \
		C-AAAAAAA5,Echo,0,,C \
		C-AAAAAAA6,Foxtrot,0,A,C)"
}

@test "crm-cust tier: the default window is 12 months back from --today" {
	six_customers
	won C-AAAAAAA1 100 2025-02-28
	won C-AAAAAAA2 100 2025-03-01
	run -0 crm-cust --today 2026-02-28 tier --dry-run
	assert_output "$(printf '%s\n' "$TIER_HEADER" \
		C-AAAAAAA1,Alpha,100,,A C-AAAAAAA2,Bravo,100,,A \
		C-AAAAAAA3,Charlie,0,,C C-AAAAAAA4,Delta,0,,C \
		C-AAAAAAA5,Echo,0,,C C-AAAAAAA6,Foxtrot,0,A,C)"
	run -0 crm-cust --today 2026-03-01 tier --dry-run --format ids
	assert_output "$(printf '%s\n' C-AAAAAAA2 C-AAAAAAA1 C-AAAAAAA3 \
		C-AAAAAAA4 C-AAAAAAA5 C-AAAAAAA6)"
	run -0 crm-cust --today 2026-03-01 tier --dry-run
	assert_line --index 1 C-AAAAAAA2,Bravo,100,,A
	assert_line --index 2 C-AAAAAAA1,Alpha,0,,C
}

# ---- tags -------------------------------------------------------------------------

@test "crm-cust tag: +a -b adds and removes, without '--', history line, prints nothing" {
	local a
	a=$(crm-cust add Acme --set 'tags=churn-risk new')
	run -0 --separate-stderr crm-cust tag "$a" +vip +大客户 -churn-risk -absent
	assert_output ''
	assert_stderr ''
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-02 customer "$a" tags 'churn-risk new' 'new vip 大客户')"
	printf '%s\n' "$HEADER" "$(cust_row "$a" Acme '' 'new vip 大客户')" |
		diff -u - "$CRM_DIR/customers.csv"
	# adding one it has already changes nothing
	crm-cust tag "$a" +vip
	[ "$(crm-cust list --format jsonl | jq -r .tags)" = 'new vip 大客户' ]
}

@test "crm-cust tag: a tag that looks like an option is a tag, after global options too" {
	local a
	a=$(crm-cust add Acme --set 'tags=a t vip x')
	crm-cust tag "$a" -a
	crm-cust --today 2026-03-05 -u bob tag "$a" -t -vip
	run -0 crm-cust list --format jsonl
	assert_output --partial '"tags":"x",'
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output '{"at":"2026-03-05T00:00:00Z","by":"bob","entity":"customer","id":"'"$a"'","field":"tags","from":"t vip x","to":"x"}'
}

@test "crm-cust tag: commas written by hand read as separators, written back as spaces" {
	printf '%s\n' "$HEADER" "$(cust_row C-AAAAAAA1 Acme '' '"vip,new"')" \
		>"$CRM_DIR/customers.csv"
	crm-cust tag C-AAAAAAA1 +won
	printf '%s\n' "$HEADER" "$(cust_row C-AAAAAAA1 Acme '' 'vip new won')" |
		diff -u - "$CRM_DIR/customers.csv"
	run -0 crm-cust list --tag new --format ids
	assert_output C-AAAAAAA1
}

@test "crm-cust tag -: ids or a listing on standard input" {
	local a b c
	a=$(crm-cust add Acme --set tags=vip)
	b=$(crm-cust add Beta --set tags=vip)
	c=$(crm-cust add Gamma)
	crm-cust list --tag vip --format ids | crm-cust tag - +renew
	run -0 crm-cust list --tag renew --format ids
	assert_output "$(printf '%s\n' "$a" "$b" | LC_ALL=C sort)"
	crm-cust list --where '.name == "Gamma"' | crm-cust tag - +renew -x
	run -0 crm-cust list --tag renew --format ids
	assert_output "$(printf '%s\n' "$a" "$b" "$c" | LC_ALL=C sort)"
	crm-cust list --tag renew --format jsonl | crm-cust tag - -vip
	run -1 crm-cust list --tag vip --format ids
	assert_output ''
	run -0 bash -c 'crm-cust list --format jsonl | jq -r .tags'
	assert_output "$(printf '%s\n' renew renew renew)"
}

@test "crm-cust tag: a word without + or -, or a tag with a blank or comma, is a usage error" {
	local a before
	a=$(crm-cust add Acme)
	before=$(sums)
	run -2 --separate-stderr crm-cust tag "$a" vip
	assert_output ''
	assert_stderr_first "crm-cust: 'vip' is not +TAG or -TAG"
	run -2 --separate-stderr crm-cust tag "$a" '+a b'
	assert_stderr_first "crm-cust: tag 'a b' may not hold blanks, commas or quotes"
	run -2 --separate-stderr crm-cust tag "$a" +a,b
	assert_stderr_first "crm-cust: tag 'a,b' may not hold blanks, commas or quotes"
	run -2 --separate-stderr crm-cust tag "$a"
	assert_stderr_first 'crm-cust: tag takes an id and +TAG or -TAG...'
	run -3 --separate-stderr crm-cust tag C-ZZZ +vip
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust list --tag (all must match, whole tags only) and --tier" {
	local a b c
	a=$(crm-cust add Acme --set 'tags=vip renew' --set tier=A)
	b=$(crm-cust add Beta --set tags=vip --set tier=B)
	c=$(crm-cust add Gamma --set tags=vip2 --set tier=A)
	run -0 crm-cust list --tag vip --format ids
	assert_output "$(printf '%s\n' "$a" "$b" | LC_ALL=C sort)"
	run -0 crm-cust list --tag vip --tag renew --format ids
	assert_output "$a"
	run -0 crm-cust list --tier A --format ids
	assert_output "$(printf '%s\n' "$a" "$c" | LC_ALL=C sort)"
	run -0 crm-cust list --tier A --tag vip --format ids
	assert_output "$a"
	run -1 crm-cust list --tier C --format ids
	assert_output ''
}

# ---- dedupe ---------------------------------------------------------------------

# The groups of a dedupe listing, order-free: each group's rows without
# the group number, sorted by id; the groups sorted by their first id.
groups_of() {
	crm-cust dedupe --format jsonl |
		jq -sc 'group_by(.group) | map(map(del(.group)) | sort_by(.id)) | sort_by(.[0].id)'
}

# The same for rows given as "id name owner phone email" (| separated).
want_groups() {
	local g
	for g in "$@"; do
		tr '|' '\n' <<<"$g" | jq -Rc 'split(";") | {id: .[0], name: .[1], owner: .[2], phone: .[3], email: .[4], created: "2026-03-02"}' |
			jq -sc 'sort_by(.id)'
	done | jq -sc 'sort_by(.[0].id)'
}

@test "crm-cust dedupe: company suffixes, case and punctuation ignored; same phone; same company mail domain" {
	local s1 s2 a1 a2 p1 p2 m1 m2
	s1=$(crm-cust add 上海晨光有限公司)
	s2=$(crm-cust add 上海晨光 --owner bob)
	a1=$(crm-cust add 'Acme Co., Ltd')
	a2=$(crm-cust add ACME --owner alice)
	p1=$(crm-cust add Foo --phone '+86 21 5555 0101')
	p2=$(crm-cust add Bar --phone '+86-21-55550101')
	m1=$(crm-cust add Corp1 --email a@corp1.cn)
	m2=$(crm-cust add 'Corp One' --email b@CORP1.cn)
	# not duplicates: common mail providers, persons' mail domains
	crm-cust add G1 --email a@gmail.com >/dev/null
	crm-cust add G2 --email b@gmail.com >/dev/null
	crm-cust add Q1 --email a@qq.com >/dev/null
	crm-cust add Q2 --email b@qq.com >/dev/null
	crm-cust add P1 --kind person --email x@corp9.cn >/dev/null
	crm-cust add P2 --kind person --email y@corp9.cn >/dev/null
	crm-cust add 'Acme Labs' >/dev/null
	run -0 --separate-stderr crm-cust dedupe
	assert_stderr ''
	assert_line --index 0 "$DEDUPE_HEADER"
	[ "${#lines[@]}" -eq 9 ] || fail "$output"
	# group numbers are 1..4, each on two consecutive rows
	run -0 bash -c "crm-cust dedupe | tail -n +2 | cut -d, -f1 | tr '\n' ' '"
	assert_output '1 1 2 2 3 3 4 4 '
	run -0 groups_of
	assert_output "$(want_groups \
		"$s1;上海晨光有限公司;;;|$s2;上海晨光;bob;;" \
		"$a1;Acme Co., Ltd;;;|$a2;ACME;alice;;" \
		"$p1;Foo;;+86 21 5555 0101;|$p2;Bar;;+86-21-55550101;" \
		"$m1;Corp1;;;a@corp1.cn|$m2;Corp One;;;b@CORP1.cn")"
}

@test "crm-cust dedupe: none exits 1; a group joins through different keys" {
	local a b c
	a=$(crm-cust add Acme --phone 555-0101)
	b=$(crm-cust add Beta --email x@beta.de)
	run -1 --separate-stderr crm-cust dedupe --format ids
	assert_output ''
	assert_stderr ''
	c=$(crm-cust add 'Beta GmbH' --phone 5550101)
	run -0 groups_of
	assert_output "$(want_groups \
		"$a;Acme;;555-0101;|$b;Beta;;;x@beta.de|$c;Beta GmbH;;5550101;")"
}

# ---- merge ------------------------------------------------------------------------

@test "crm-cust merge: DUP's contacts, deals, contracts, payments and leads move; KEEP filled; tags united; DUP gone" {
	local k d pk pd o kk y l
	k=$(crm-cust add 上海晨光有限公司 --city 上海 --set tags=vip)
	d=$(crm-cust add 上海晨光 --owner bob --phone 123 --city Shanghai \
		--email info@chenguang.cn --set 'tags=new vip')
	pk=$(crm-cust contact add "$k" Li)
	pd=$(crm-cust contact add "$d" Wang)
	o=$(crm-opp add Deal --customer "$d" --amount 10)
	kk=$(crm-cust contract add "$d" --amount 10 --start 2026-01-01 --end 2026-12-31)
	y=$(crm-cust pay plan "$kk" --due 2026-04-01 --amount 10)
	l=$(crm-lead add Zhao --company 上海晨光)
	crm-lead convert "$l" --customer "$d" >/dev/null
	crm-cust log "$d" 'dup call' --type call
	run -0 --separate-stderr crm-cust --today 2026-03-03 merge "$k" "$d"
	assert_stderr ''
	assert_output "$k"
	printf '%s\n' "$HEADER" "$(join_csv "$k" 上海晨光有限公司 company bob '' \
		'vip new' '' '' 123 info@chenguang.cn '' '' 上海 '' '' '' \
		2026-03-02 2026-03-02 2026-03-03)" | diff -u - "$CRM_DIR/customers.csv"
	run -0 bash -c 'crm-cust contact list --format jsonl | jq -sc "sort_by(.name) | map({name,customer,primary})"'
	assert_output "[{\"name\":\"Li\",\"customer\":\"$k\",\"primary\":\"yes\"},{\"name\":\"Wang\",\"customer\":\"$k\",\"primary\":\"no\"},{\"name\":\"Zhao\",\"customer\":\"$k\",\"primary\":\"no\"}]"
	run -0 grep -F "\"id\":\"$pd\",\"field\":\"customer\"" "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-03 contact "$pd" customer "$d" "$k")"
	[ "$(crm-opp list --format jsonl | jq -r .customer)" = "$k" ]
	[ "$(crm-cust contract list --format jsonl | jq -r .customer)" = "$k" ]
	[ "$(crm-cust pay list --format jsonl | jq -r .customer)" = "$k" ]
	[ "$(crm-lead list --format jsonl | jq -r .customer)" = "$k" ]
	run -0 grep -F "\"id\":\"$d\",\"field\":\"merged_into\"" "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-03 customer "$d" merged_into '' "$k")"
	run -0 grep -F "\"id\":\"$o\",\"field\":\"customer\"" "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-03 opportunity "$o" customer "$d" "$k")"
	run -0 grep -F "\"id\":\"$y\",\"field\":\"customer\"" "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-03 payment "$y" customer "$d" "$k")"
	run -0 grep -F "\"id\":\"$k\",\"field\":\"tags\"" "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-03 customer "$k" tags vip 'vip new')"
	run -3 --separate-stderr crm-cust show "$d"
	assert_stderr "crm-cust: unknown customer '$d'"
	run -0 --separate-stderr crm check
	assert_stderr ''
}

@test "crm-cust merge: DUP's activities show in KEEP's timeline" {
	local k d o
	k=$(crm-cust add Acme)
	d=$(crm-cust add 'Acme Ltd')
	o=$(crm-opp add Deal --customer "$d" --amount 10)
	crm-cust --today 2026-03-01 log "$k" 'keep call' --type call
	crm-cust --today 2026-03-02 log "$d" 'dup visit' --type visit
	crm-opp --today 2026-03-02 log "$o" 'deal note'
	crm-cust --today 2026-03-03 merge Acme 'Acme Ltd' >/dev/null
	run -0 bash -c "crm-cust --today 2026-03-03 show '$k' | sed -n '/^activities/,\$p'"
	assert_output "$(cat <<EOF
activities (newest first)
  2026-03-02  note     tester   $o deal note
  2026-03-02  visit    tester   dup visit
  2026-03-01  call     tester   keep call
EOF
)"
	run -0 bash -c "crm-cust show '$k' --format jsonl | jq -c '.activities | map(.text)'"
	assert_output '["deal note","dup visit","keep call"]'
}

@test "crm-cust merge: a customer merged with itself, or an unknown one, changes nothing" {
	local a before
	a=$(crm-cust add Acme)
	crm-cust add Beta >/dev/null
	before=$(sums)
	run -2 --separate-stderr crm-cust merge "$a" Acme
	assert_output ''
	assert_stderr_first "crm-cust: Acme is the customer kept"
	run -3 --separate-stderr crm-cust merge "$a" Beta C-ZZZ
	assert_output ''
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
	run -2 --separate-stderr crm-cust merge "$a"
	assert_stderr_first 'crm-cust: merge takes the customer to keep and its duplicates'
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

# ---- show --format jsonl ------------------------------------------------------------

@test "crm-cust show --format jsonl: one object with every part of the customer" {
	local a p o k y1 y2 r
	a=$(CRM_TODAY=2026-01-05 crm-cust add Acme --owner alice --set tier=A)
	crm-cust add Other >/dev/null
	p=$(crm-cust contact add "$a" Wang --title CEO)
	o=$(crm-opp add Deal --customer "$a" --amount 300 --stage proposal)
	k=$(crm-cust contract add "$a" --amount 300 --start 2026-01-01 --end 2026-12-31)
	run -0 crm-cust pay plan "$k" --due 2026-02-01 --amount 100 --due 2026-05-01 --amount 200
	y1=${lines[0]} y2=${lines[1]}
	r=$(crm-cust pay record "$k" --amount 40 --plan "$y1")
	crm-cust --today 2026-02-20 log "$a" 'revisited' --type revisit
	run -0 --separate-stderr crm-cust show "$a" --format jsonl
	assert_stderr ''
	[ "${#lines[@]}" -eq 1 ] || fail "not one line: $output"
	local json=$output
	run -0 jq -c 'keys' <<<"$json"
	assert_output '["activities","contacts","contracts","customer","next_revisit","opportunities","payments","pool"]'
	run -0 jq -c '[.customer.id, .customer.tier, .customer.last_contact]' <<<"$json"
	assert_output "[\"$a\",\"A\",\"2026-02-20\"]"
	run -0 jq -c '[.contacts[] | {id, name, title}]' <<<"$json"
	assert_output "[{\"id\":\"$p\",\"name\":\"Wang\",\"title\":\"CEO\"}]"
	run -0 jq -c '[.opportunities[] | {id, stage, amount}]' <<<"$json"
	assert_output "[{\"id\":\"$o\",\"stage\":\"proposal\",\"amount\":300}]"
	run -0 jq -c '[.contracts[] | {id, amount, start, "end": .["end"], status}]' <<<"$json"
	assert_output "[{\"id\":\"$k\",\"amount\":300,\"start\":\"2026-01-01\",\"end\":\"2026-12-31\",\"status\":\"active\"}]"
	run -0 jq -c '[.payments[] | {id, date, amount, paid, outstanding, status, days_overdue}]' <<<"$json"
	assert_output "[{\"id\":\"$y1\",\"date\":\"2026-02-01\",\"amount\":100,\"paid\":40,\"outstanding\":60,\"status\":\"overdue\",\"days_overdue\":29},{\"id\":\"$y2\",\"date\":\"2026-05-01\",\"amount\":200,\"paid\":0,\"outstanding\":200,\"status\":\"open\",\"days_overdue\":null}]"
	# revisit (tier A: every 30 days) and pool clock from the last contact
	run -0 jq -c '[.next_revisit, .pool]' <<<"$json"
	assert_output '["2026-03-22",{"why":"no follow-up since 2026-02-20","due":"2026-03-22"}]'
	run -0 jq -c '[.activities[] | {type, text}]' <<<"$json"
	assert_output '[{"type":"revisit","text":"revisited"}]'
	# the receipt is not a plan line
	run -0 jq -c "[.payments[].id] | index(\"$r\")" <<<"$json"
	assert_output null
}

@test "crm-cust show: next revisit from the tier's revisit-days, else created" {
	local a
	a=$(crm-cust add Acme --owner alice --set tier=B)
	run -0 bash -c "crm-cust show '$a' | grep '^next revisit'"
	assert_output 'next revisit  2026-05-01 (tier B: every 60 days)'
	run -0 bash -c "crm-cust show '$a' --format jsonl | jq -c .next_revisit"
	assert_output '"2026-05-01"'
	crm-cust set "$a" tier=
	run -0 bash -c "crm-cust show '$a' --format jsonl | jq -c .next_revisit"
	assert_output null
}

@test "crm-cust show: the text timeline holds the last 20 activities, newest first; jsonl all" {
	local a i
	a=$(CRM_TODAY=2026-01-01 crm-cust add Acme)
	for i in $(seq -w 1 22); do
		crm-cust --today "2026-01-$i" log "$a" "call $i" --type call
	done
	run -0 bash -c "crm-cust show '$a' | sed -n '/^activities/,\$p'"
	assert_output "$(echo 'activities (newest first)'
		for i in $(seq -w 22 -1 3); do
			printf '  2026-01-%s  call     tester   call %s\n' "$i" "$i"
		done)"
	run -0 bash -c "crm-cust show '$a' --format jsonl | jq -c '.activities | [length, .[0].text, .[21].text]'"
	assert_output '[22,"call 22","call 01"]'
}
