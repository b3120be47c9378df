#!/usr/bin/env bats
# crm-cust-money.bats - contracts and payments (回款): contract add and
# list, pay plan (pairs and --split, month ends and leap days), pay record
# (partial, by plan line, spent on the earliest lines, overpayment) and pay
# list (rows, status, days overdue, filters, formats, totals in cents).

load test_helper/common

K_HEADER='id,customer,opportunity,title,amount,currency,signed,start,end,renewal,status,owner,created,updated'
PAY_HEADER='id,contract,customer,kind,plan,date,amount,currency,method,note,created,updated'
LIST_HEADER='id,contract,customer,due,amount,paid,outstanding,days_overdue,status'
K_RE='^K-[0-9A-HJKMNP-TV-Z]{8}$'
Y_RE='^Y-[0-9A-HJKMNP-TV-Z]{8}$'

setup() {
	new_data_dir
}

# One history.jsonl line: DAY ENTITY ID FIELD FROM TO, by tester.
hist() {
	printf '{"at":"%sT00:00:00Z","by":"tester","entity":"%s","id":"%s","field":"%s","from":"%s","to":"%s"}\n' "$@"
}

# A contract row as contract add writes it with the defaults:
# ID CUSTOMER TITLE AMOUNT START END OWNER [SIGNED] [CURRENCY] [OPP] [RENEWAL]
k_row() {
	join_csv "$1" "$2" "${10:-}" "$3" "$4" "${9:-CNY}" "${8:-2026-03-02}" \
		"$5" "$6" "${11:-manual}" active "$7" "${8:-2026-03-02}" \
		"${8:-2026-03-02}"
}

# A plan line row: ID CONTRACT CUSTOMER DUE AMOUNT NOTE
plan_row() {
	join_csv "$1" "$2" "$3" plan '' "$4" "$5" CNY '' "$6" 2026-03-02 2026-03-02
}

# A receipt row: ID CONTRACT CUSTOMER PLAN DATE AMOUNT METHOD
receipt_row() {
	join_csv "$1" "$2" "$3" receipt "$4" "$5" "$6" CNY "$7" '' 2026-03-02 \
		2026-03-02
}

# Acme (owner alice) and its contract of 100000 from 2026-01-01: $C $K.
acme_contract() {
	C=$(crm-cust add Acme --owner alice)
	K=$(crm-cust contract add "$C" --amount "${1:-100000}" \
		--start "${2:-2026-01-01}" --end 2026-12-31)
}

# ---- contract add ------------------------------------------------------------------

@test "crm-cust contract add: prints the new id; defaults: active, manual, the customer's owner, signed today, crm.conf's currency" {
	local c k
	sed -i 's/currency = CNY/currency = EUR/' "$CRM_DIR/crm.conf"
	c=$(crm-cust add Acme --owner alice)
	run -0 --separate-stderr crm-cust --today 2026-03-05 contract add "$c" \
		--amount 120000 --start 2026-04-01 --end 2027-03-31
	assert_stderr ''
	assert_regex "$output" "$K_RE"
	k=$output
	printf '%s\n' "$K_HEADER" \
		"$(k_row "$k" "$c" contract 120000 2026-04-01 2027-03-31 alice 2026-03-05 EUR)" |
		diff -u - "$CRM_DIR/contracts.csv"
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-05 contract "$k" id '' "$k")"
	[ ! -s "$CRM_DIR/activities.jsonl" ]
}

@test "crm-cust contract add: a customer in the pool gives a contract with no owner; one-day contract is fine" {
	local c k
	c=$(crm-cust add Acme)
	k=$(crm-cust contract add Acme --amount 1,200.5 --start 2026/3/2 \
		--end 2026-03-02 --renewal none --title 'trial' --currency USD)
	printf '%s\n' "$K_HEADER" \
		"$(k_row "$k" "$c" trial 1200.50 2026-03-02 2026-03-02 '' '' USD '' none)" |
		diff -u - "$CRM_DIR/contracts.csv"
}

@test "crm-cust contract add --opp: title and currency default to the deal's" {
	local c o k
	c=$(crm-cust add Acme --owner bob)
	o=$(crm-opp add 'ERP rollout' --customer "$c" --amount 80000)
	crm-opp set "$o" currency=USD
	k=$(crm-cust contract add "$c" --amount 80000 --start 2026-03-01 \
		--end 2027-02-28 --opp "$o" --renewal auto)
	printf '%s\n' "$K_HEADER" \
		"$(k_row "$k" "$c" 'ERP rollout' 80000 2026-03-01 2027-02-28 bob '' USD "$o" auto)" |
		diff -u - "$CRM_DIR/contracts.csv"
}

@test "crm-cust contract add --opp: a deal of another customer is refused, nothing written" {
	local a b o before
	a=$(crm-cust add Acme --owner alice)
	b=$(crm-cust add Beta)
	o=$(crm-opp add 'Beta deal' --customer "$b" --amount 5)
	before=$(sums)
	run -3 --separate-stderr crm-cust contract add "$a" --amount 5 \
		--start 2026-03-01 --end 2026-12-31 --opp "$o"
	assert_output ''
	assert_stderr "crm-cust: $o is a deal of $b, not of $a"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust contract add: --end before --start is refused, nothing written" {
	local c before
	c=$(crm-cust add Acme)
	before=$(sums)
	run -2 --separate-stderr crm-cust contract add "$c" --amount 5 \
		--start 2026-01-31 --end 2026-01-30
	assert_output ''
	assert_stderr_first 'crm-cust: the contract would end 2026-01-30, before it starts 2026-01-31'
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust contract add: a bad --renewal is an error (exit 3), nothing written" {
	local c before
	c=$(crm-cust add Acme)
	before=$(sums)
	run -3 --separate-stderr crm-cust contract add "$c" --amount 5 \
		--start 2026-01-01 --end 2026-12-31 --renewal yearly
	assert_output ''
	assert_stderr_first "crm-cust: renewal 'yearly' is not one of auto|manual|none"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust contract add: missing --amount, --start or --end, or a bad amount, exit 2" {
	local c before
	c=$(crm-cust add Acme)
	before=$(sums)
	run -2 --separate-stderr crm-cust contract add "$c" --start 2026-01-01 --end 2026-12-31
	assert_stderr_first 'crm-cust: contract add needs --amount'
	run -2 --separate-stderr crm-cust contract add "$c" --amount 5 --end 2026-12-31
	assert_stderr_first 'crm-cust: contract add needs --start and --end'
	run -2 --separate-stderr crm-cust contract add "$c" --amount 0 --start 2026-01-01 --end 2026-12-31
	assert_stderr_first "crm-cust: --amount: '0' is not more than zero"
	run -3 --separate-stderr crm-cust contract add C-ZZZ --amount 5 --start 2026-01-01 --end 2026-12-31
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-opp win --contract: a contract of the deal's amount for 12 months less a day from the day won" {
	local c o k
	c=$(crm-cust add Acme --owner alice)
	o=$(crm-opp add 'ERP' --customer "$c" --amount 50000 --stage negotiation)
	run -0 crm-opp win "$o" --contract --date 2026-01-31
	k=$output
	assert_regex "$k" "$K_RE"
	printf '%s\n' "$K_HEADER" \
		"$(k_row "$k" "$c" ERP 50000 2026-01-31 2027-01-30 alice '' CNY "$o")" |
		diff -u - "$CRM_DIR/contracts.csv"
}

# ---- contract list -----------------------------------------------------------------

@test "crm-cust contract list --expiring: active contracts ending today..today+DAYS, across a month end" {
	local a b k1 k2 k3 k4 k5 k6
	export CRM_TODAY=2026-01-25
	a=$(crm-cust add Acme --owner alice)
	b=$(crm-cust add Beta)
	k1=$(crm-cust contract add "$a" --amount 10 --start 2025-01-01 --end 2026-01-24)
	k2=$(crm-cust contract add "$a" --amount 20 --start 2025-01-01 --end 2026-01-25)
	k3=$(crm-cust contract add "$a" --amount 30 --start 2025-01-01 --end 2026-02-04)
	k4=$(crm-cust contract add "$a" --amount 40 --start 2025-01-01 --end 2026-02-05)
	k5=$(crm-cust contract add "$b" --amount 50 --start 2025-01-01 --end 2026-01-31)
	k6=$(crm-cust contract add "$b" --amount 60 --start 2025-01-01 --end 2026-01-30)
	# a contract that has ended by hand (status ended) is not expiring
	sed -i "/^$k6,/s/,active,/,ended,/" "$CRM_DIR/contracts.csv"
	run -0 --separate-stderr crm-cust contract list --expiring 10
	assert_stderr ''
	assert_output "$({
		echo "$K_HEADER"
		k_row "$k2" "$a" contract 20 2025-01-01 2026-01-25 alice 2026-01-25
		k_row "$k3" "$a" contract 30 2025-01-01 2026-02-04 alice 2026-01-25
		k_row "$k5" "$b" contract 50 2025-01-01 2026-01-31 '' 2026-01-25
	} | by_id)"
	run -0 crm-cust contract list "$a" --expiring 10 --format ids
	assert_output "$(printf '%s\n' "$k2" "$k3" | LC_ALL=C sort)"
	run -0 crm-cust contract list --expiring 0 --format ids
	assert_output "$k2"
	run -0 crm-cust contract list --format ids
	assert_output "$(printf '%s\n' "$k1" "$k2" "$k3" "$k4" "$k5" "$k6" | LC_ALL=C sort)"
	run -1 crm-cust --today 2026-02-06 contract list --expiring 30 --format ids
	assert_output ''
}

@test "crm-cust contract list CUSTOMER: only its contracts; none exits 1 with the header" {
	local a b k
	a=$(crm-cust add Acme --owner alice)
	b=$(crm-cust add Beta)
	k=$(crm-cust contract add "$a" --amount 10 --start 2026-01-01 --end 2026-12-31)
	run -0 crm-cust contract list Acme
	assert_output "$(printf '%s\n' "$K_HEADER" \
		"$(k_row "$k" "$a" contract 10 2026-01-01 2026-12-31 alice)")"
	run -1 --separate-stderr crm-cust contract list "$b"
	assert_output "$K_HEADER"
	assert_stderr ''
	run -2 --separate-stderr crm-cust contract list --expiring soon
	assert_output ''
	assert_stderr_first "crm-cust: --expiring: 'soon' is not a number of days"
}

# ---- pay plan ------------------------------------------------------------------------

@test "crm-cust pay plan --due --amount pairs: one line a pair, ids printed in order" {
	local y1 y2
	acme_contract
	run -0 --separate-stderr crm-cust pay plan "$K" --due 2026-07-01 \
		--amount 70000 --due 2026/4/1 --amount 30,000.00
	assert_stderr ''
	[ "${#lines[@]}" -eq 2 ] || fail "printed: $output"
	y1=${lines[0]} y2=${lines[1]}
	assert_regex "$y1" "$Y_RE"
	assert_regex "$y2" "$Y_RE"
	{
		echo "$PAY_HEADER"
		plan_row "$y1" "$K" "$C" 2026-07-01 70000 'instalment 1 of 2'
		plan_row "$y2" "$K" "$C" 2026-04-01 30000 'instalment 2 of 2'
	} | by_id | diff -u - "$CRM_DIR/payments.csv"
	run -0 tail -n 2 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-02 payment "$y1" id '' "$y1"
		hist 2026-03-02 payment "$y2" id '' "$y2")"
}

@test "crm-cust pay plan: a --due without its --amount is a usage error, nothing written" {
	local before
	acme_contract
	before=$(sums)
	run -2 --separate-stderr crm-cust pay plan "$K" --due 2026-07-01 \
		--amount 70000 --due 2026-04-01
	assert_output ''
	assert_stderr_first 'crm-cust: pay plan needs one --amount for every --due, or --split'
	run -2 --separate-stderr crm-cust pay plan "$K" --split 2
	assert_stderr_first 'crm-cust: --split needs --every'
	run -2 --separate-stderr crm-cust pay plan "$K" --split 2 --every 1q
	assert_stderr_first "crm-cust: --every: '1q' is not Nd, Nw, Nm or Ny"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust pay plan --split 3 --every 1m: 100000.00 in cents, odd cent first, Jan 31 -> Feb 28 -> Mar 31" {
	local c k y1 y2 y3
	c=$(crm-cust add Acme)
	k=$(crm-cust contract add "$c" --amount 100000.00 --start 2026-01-31 \
		--end 2027-01-30)
	run -0 crm-cust pay plan "$k" --split 3 --every 1m
	[ "${#lines[@]}" -eq 3 ] || fail "printed: $output"
	y1=${lines[0]} y2=${lines[1]} y3=${lines[2]}
	{
		echo "$PAY_HEADER"
		plan_row "$y1" "$k" "$c" 2026-01-31 33333.34 'instalment 1 of 3'
		plan_row "$y2" "$k" "$c" 2026-02-28 33333.33 'instalment 2 of 3'
		plan_row "$y3" "$k" "$c" 2026-03-31 33333.33 'instalment 3 of 3'
	} | by_id | diff -u - "$CRM_DIR/payments.csv"
}

@test "crm-cust pay plan --split --every 1y from 2028-02-29: 2029-02-28, 2030-02-28" {
	local c k
	c=$(crm-cust add Acme)
	k=$(crm-cust contract add "$c" --amount 300 --start 2028-02-29 \
		--end 2031-02-28)
	run -0 crm-cust pay plan "$k" --split 3 --every 1y
	local y1=${lines[0]} y2=${lines[1]} y3=${lines[2]}
	run -0 crm-cust --today 2028-01-01 pay list "$k"
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$y1,$k,$c,2028-02-29,100,0,100,,open" \
		"$y2,$k,$c,2029-02-28,100,0,100,,open" \
		"$y3,$k,$c,2030-02-28,100,0,100,,open")"
}

@test "crm-cust pay plan --split --every 2m --due 2027-12-31 --amount 100.00: 2028-02-29, 2028-04-30" {
	local c k
	c=$(crm-cust add Acme)
	k=$(crm-cust contract add "$c" --amount 500 --start 2027-12-01 \
		--end 2028-11-30)
	run -0 crm-cust pay plan "$k" --split 3 --every 2m --due 2027-12-31 \
		--amount 100.00
	{
		echo "$PAY_HEADER"
		plan_row "${lines[0]}" "$k" "$c" 2027-12-31 33.34 'instalment 1 of 3'
		plan_row "${lines[1]}" "$k" "$c" 2028-02-29 33.33 'instalment 2 of 3'
		plan_row "${lines[2]}" "$k" "$c" 2028-04-30 33.33 'instalment 3 of 3'
	} | by_id | diff -u - "$CRM_DIR/payments.csv"
}

@test "crm-cust pay plan --split: the default total is what is left to plan, the first due the contract start" {
	local y0 y1 y2 before
	acme_contract 100000 2026-01-15
	y0=$(crm-cust pay plan "$K" --due 2026-01-10 --amount 60000)
	run -0 crm-cust pay plan "$K" --split 2 --every 2w
	y1=${lines[0]} y2=${lines[1]}
	run -0 crm-cust pay list "$K" --format csv
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$y0,$K,$C,2026-01-10,60000,0,60000,51,overdue" \
		"$y1,$K,$C,2026-01-15,20000,0,20000,46,overdue" \
		"$y2,$K,$C,2026-01-29,20000,0,20000,32,overdue")"
	before=$(sums)
	run -3 --separate-stderr crm-cust pay plan "$K" --split 2 --every 1m
	assert_output ''
	assert_stderr 'crm-cust: nothing left to plan: the contract amount is planned already'
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust pay plan: a plan over the contract amount is refused, nothing written" {
	local before
	acme_contract
	crm-cust pay plan "$K" --due 2026-04-01 --amount 60000 >/dev/null
	before=$(sums)
	run -3 --separate-stderr crm-cust pay plan "$K" --due 2026-07-01 \
		--amount 30000 --due 2026-10-01 --amount 10000.01
	assert_output ''
	assert_stderr "crm-cust: $K: the plan would total 100000.01, more than the contract's 100000"
	run -3 --separate-stderr crm-cust pay plan "$K" --split 4 --every 1m \
		--amount 40000.04
	assert_stderr "crm-cust: $K: the plan would total 100000.04, more than the contract's 100000"
	[ "$(sums)" = "$before" ] || fail "a file changed"
	# exactly the rest is fine
	run -0 crm-cust pay plan "$K" --due 2026-07-01 --amount 39999.99 \
		--due 2026-10-01 --amount 0.01
	[ "$(crm-cust pay list "$K" --format jsonl | jq -s 'map(.amount * 100) | add')" = 10000000 ]
}

# ---- pay record --------------------------------------------------------------------

# $K with two plan lines: $Y1 30000 due 2026-02-01, $Y2 70000 due 2026-04-01.
two_lines() {
	acme_contract
	run -0 crm-cust pay plan "$K" --due 2026-02-01 --amount 30000 \
		--due 2026-04-01 --amount 70000
	Y1=${lines[0]} Y2=${lines[1]}
}

@test "crm-cust pay record --plan: a partial receipt, the rest outstanding" {
	local r
	two_lines
	run -0 --separate-stderr crm-cust pay record "$K" --amount 10000 \
		--plan "$Y2" --date 2026/2/10 --method transfer
	assert_stderr ''
	assert_regex "$output" "$Y_RE"
	r=$output
	{
		echo "$PAY_HEADER"
		plan_row "$Y1" "$K" "$C" 2026-02-01 30000 'instalment 1 of 2'
		plan_row "$Y2" "$K" "$C" 2026-04-01 70000 'instalment 2 of 2'
		receipt_row "$r" "$K" "$C" "$Y2" 2026-02-10 10000 transfer
	} | by_id | diff -u - "$CRM_DIR/payments.csv"
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-02 payment "$r" id '' "$r")"
	run -0 crm-cust pay list "$K"
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$Y1,$K,$C,2026-02-01,30000,0,30000,29,overdue" \
		"$Y2,$K,$C,2026-04-01,70000,10000,60000,,partial")"
}

@test "crm-cust pay record: without --plan the money goes to the earliest lines first; --date defaults to today" {
	local r
	two_lines
	r=$(crm-cust pay record "$K" --amount 45000.5)
	run -0 grep "^$r," "$CRM_DIR/payments.csv"
	assert_output "$(receipt_row "$r" "$K" "$C" '' 2026-03-02 45000.50 '')"
	run -0 crm-cust pay list "$K"
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$Y1,$K,$C,2026-02-01,30000,30000,0,,paid" \
		"$Y2,$K,$C,2026-04-01,70000,15000.50,54999.50,,partial")"
	# the rest of the contract, to the cent, settles everything
	crm-cust pay record "$K" --amount 54999.50 >/dev/null
	run -0 crm-cust pay list "$K"
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$Y1,$K,$C,2026-02-01,30000,30000,0,,paid" \
		"$Y2,$K,$C,2026-04-01,70000,70000,0,,paid")"
}

@test "crm-cust pay record: an overpayment is refused (exit 3), every file byte for byte unchanged" {
	local before
	two_lines
	crm-cust pay record "$K" --amount 10000 --plan "$Y1" >/dev/null
	before=$(sums)
	run -3 --separate-stderr crm-cust pay record "$K" --amount 20000.01 --plan "$Y1"
	assert_output ''
	assert_stderr "crm-cust: $Y1: 20000.01 would overpay it, 20000 is outstanding"
	run -3 --separate-stderr crm-cust pay record "$K" --amount 90000.01
	assert_output ''
	assert_stderr "crm-cust: $K: 90000.01 would overpay it, 90000 is outstanding"
	[ "$(sums)" = "$before" ] || fail "a file changed"
	# exactly the outstanding is fine
	run -0 crm-cust pay record "$K" --amount 20000 --plan "$Y1"
}

@test "crm-cust pay record: a contract with no plan takes up to its amount" {
	local before r
	acme_contract 500
	r=$(crm-cust pay record "$K" --amount 499.99 --date 2026-02-27)
	before=$(sums)
	run -3 --separate-stderr crm-cust pay record "$K" --amount 0.02
	assert_stderr "crm-cust: $K: 0.02 would overpay it, 0.01 is outstanding"
	[ "$(sums)" = "$before" ] || fail "a file changed"
	run -1 crm-cust pay list "$K"
	assert_output "$LIST_HEADER"
	printf '%s\n' "$PAY_HEADER" "$(receipt_row "$r" "$K" "$C" '' 2026-02-27 499.99 '')" |
		diff -u - "$CRM_DIR/payments.csv"
}

@test "crm-cust pay record --plan: a line of another contract, or a receipt, is refused" {
	local c2 k2 y r before
	two_lines
	c2=$(crm-cust add Beta)
	k2=$(crm-cust contract add "$c2" --amount 10 --start 2026-01-01 --end 2026-12-31)
	y=$(crm-cust pay plan "$k2" --due 2026-05-01 --amount 10)
	r=$(crm-cust pay record "$K" --amount 1 --plan "$Y1")
	before=$(sums)
	run -3 --separate-stderr crm-cust pay record "$K" --amount 1 --plan "$y"
	assert_stderr "crm-cust: $y is not a plan line of $K"
	run -3 --separate-stderr crm-cust pay record "$K" --amount 1 --plan "$r"
	assert_stderr "crm-cust: $r is not a plan line of $K"
	run -2 --separate-stderr crm-cust pay record "$K" --plan "$Y1"
	assert_stderr_first 'crm-cust: pay record needs --amount'
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

# ---- pay list ------------------------------------------------------------------------

# Acme: $K with $Y1 (2026-02-01, 30000), $Y2 (2026-04-01, 70000), and a
# receipt of 10000 on $Y1; Beta: $K2 with $Z1 due today 2026-03-02 and $Z2
# due 2026-02-28 (500.10 each), 0.15 received on $Z2.
two_customers_plans() {
	two_lines
	crm-cust pay record "$K" --amount 10000 --plan "$Y1" >/dev/null
	C2=$(crm-cust add Beta --owner bob)
	K2=$(crm-cust contract add "$C2" --amount 1000.20 --start 2026-01-01 --end 2026-12-31)
	run -0 crm-cust pay plan "$K2" --due 2026-03-02 --amount 500.10 \
		--due 2026-02-28 --amount 500.10
	Z1=${lines[0]} Z2=${lines[1]}
	crm-cust pay record "$K2" --amount 0.15 --plan "$Z2" >/dev/null
}

@test "crm-cust pay list: one row a plan line sorted by due date, paid, outstanding, days overdue, status" {
	two_customers_plans
	run -0 --separate-stderr crm-cust pay list
	assert_stderr ''
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$Y1,$K,$C,2026-02-01,30000,10000,20000,29,overdue" \
		"$Z2,$K2,$C2,2026-02-28,500.10,0.15,499.95,2,overdue" \
		"$Z1,$K2,$C2,2026-03-02,500.10,0,500.10,,open" \
		"$Y2,$K,$C,2026-04-01,70000,0,70000,,open")"
	# the same listing on another day
	run -0 crm-cust --today 2026-04-02 pay list "$K"
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$Y1,$K,$C,2026-02-01,30000,10000,20000,60,overdue" \
		"$Y2,$K,$C,2026-04-01,70000,0,70000,1,overdue")"
}

@test "crm-cust pay list --overdue and --customer" {
	two_customers_plans
	run -0 crm-cust pay list --overdue --format ids
	assert_output "$(printf '%s\n' "$Y1" "$Z2")"
	run -0 crm-cust pay list --customer Beta --format ids
	assert_output "$(printf '%s\n' "$Z2" "$Z1")"
	run -0 crm-cust pay list --customer "$C2" --overdue
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$Z2,$K2,$C2,2026-02-28,500.10,0.15,499.95,2,overdue")"
	run -1 --separate-stderr crm-cust --today 2026-01-01 pay list --overdue
	assert_output "$LIST_HEADER"
	assert_stderr ''
	run -3 --separate-stderr crm-cust pay list --customer C-ZZZ
	assert_stderr "crm-cust: unknown customer 'C-ZZZ'"
	run -3 --separate-stderr crm-cust pay list K-ZZZ
	assert_stderr "crm-cust: unknown contract 'K-ZZZ'"
}

@test "crm-cust pay list --format jsonl: numbers typed, no total line" {
	two_customers_plans
	run -0 crm-cust pay list --format jsonl
	assert_output "$(cat <<EOF
{"id":"$Y1","contract":"$K","customer":"$C","due":"2026-02-01","amount":30000,"paid":10000,"outstanding":20000,"days_overdue":29,"status":"overdue"}
{"id":"$Z2","contract":"$K2","customer":"$C2","due":"2026-02-28","amount":500.10,"paid":0.15,"outstanding":499.95,"days_overdue":2,"status":"overdue"}
{"id":"$Z1","contract":"$K2","customer":"$C2","due":"2026-03-02","amount":500.10,"paid":0,"outstanding":500.10,"days_overdue":null,"status":"open"}
{"id":"$Y2","contract":"$K","customer":"$C","due":"2026-04-01","amount":70000,"paid":0,"outstanding":70000,"days_overdue":null,"status":"open"}
EOF
)"
	run -0 bash -c 'crm-cust pay list --format jsonl | jq -c "[.amount, .paid, .days_overdue] | map(type)" | sort -u'
	assert_output "$(printf '%s\n' '["number","number","null"]' '["number","number","number"]')"
}

@test "crm-cust pay list --format table: aligned, and a last line totalling amount, paid, outstanding exactly" {
	two_customers_plans
	run -0 crm-cust pay list --format table
	assert_output "$(
		f='%-10s  %-10s  %-10s  %-10s  %9s  %8s  %11s  %12s  %s\n'
		printf "$f" id contract customer due amount paid outstanding days_overdue status
		printf "$f" "$Y1" "$K" "$C" 2026-02-01 30000 10000 20000 29 overdue
		printf "$f" "$Z2" "$K2" "$C2" 2026-02-28 500.10 0.15 499.95 2 overdue
		printf "$f" "$Z1" "$K2" "$C2" 2026-03-02 500.10 0 500.10 '' open
		printf "$f" "$Y2" "$K" "$C" 2026-04-01 70000 0 70000 '' open
		printf "$f" total '' '' '' 101000.20 10000.15 91000.05 '' '' | sed 's/ *$//'
	)"
	run -0 bash -c "crm-cust pay list --format table | tail -n 1 | tr -s ' '"
	assert_output 'total 101000.20 10000.15 91000.05'
	# csv and tsv have no total line
	run -1 bash -c 'crm-cust pay list --format tsv | grep -c total'
	assert_output 0
}

@test "crm-cust pay list: totals add up in cents, not in floating point" {
	local c k
	c=$(crm-cust add Acme)
	k=$(crm-cust contract add "$c" --amount 0.30 --start 2026-01-01 --end 2026-12-31)
	run -0 crm-cust pay plan "$k" --due 2026-04-01 --amount 0.10 \
		--due 2026-05-01 --amount 0.10 --due 2026-06-01 --amount 0.10
	local y1=${lines[0]} y2=${lines[1]} y3=${lines[2]}
	crm-cust pay record "$k" --amount 0.1 >/dev/null
	crm-cust pay record "$k" --amount 0.2 >/dev/null
	run -0 bash -c "crm-cust pay list --format table | tail -n 1 | tr -s ' '"
	assert_output 'total 0.30 0.30 0'
	run -0 crm-cust pay list --format csv
	assert_output "$(printf '%s\n' "$LIST_HEADER" \
		"$y1,$k,$c,2026-04-01,0.10,0.10,0,,paid" \
		"$y2,$k,$c,2026-05-01,0.10,0.10,0,,paid" \
		"$y3,$k,$c,2026-06-01,0.10,0.10,0,,paid")"
	run -3 crm-cust pay record "$k" --amount 0.01
}

@test "crm-cust show: contracts and payment lines with paid, outstanding and totals" {
	two_customers_plans
	run -0 crm-cust show "$C"
	assert_output "$(cat <<EOF
id            $C
name          Acme
kind          company
owner         alice
created       2026-03-02
updated       2026-03-02

contracts
  $K contract 100000 CNY 2026-01-01 2026-12-31 manual active

payments (due, amount, paid, outstanding)
  $Y1  2026-02-01  30000  10000  20000  overdue 29 days
  $Y2  2026-04-01  70000  0  70000  open
  total amount 100000, paid 10000, outstanding 90000

pool          returns on 2026-04-01, in 30 days: no follow-up since 2026-03-02
EOF
)"
}
