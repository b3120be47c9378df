#!/usr/bin/env bats
# crm-cust-pool.bats - the public pool (公海): claim (claim-limit,
# reclaim-block-days), release, lock/unlock, reclaim (contact-days across
# month ends and leap days, per tier, deal-days, owner-since, protection by
# an open deal at protect-stage, --dry-run) and show's pool line.

load test_helper/common

HEADER='id,name,kind,owner,tier,tags,industry,source,phone,email,website,address,city,country,next_date,next_action,last_contact,created,updated'
RECLAIM_HEADER='id,name,owner,reason'

setup() {
	new_data_dir
}

# One history.jsonl line: DAY BY ENTITY ID FIELD FROM TO.
hist() {
	printf '{"at":"%sT00:00:00Z","by":"%s","entity":"%s","id":"%s","field":"%s","from":"%s","to":"%s"}\n' "$@"
}

# One activities.jsonl note: DAY BY ID TEXT.
note() {
	printf '{"at":"%sT00:00:00Z","by":"%s","entity":"customer","id":"%s","type":"note","text":"%s"}\n' "$@"
}

# A customers.csv row: ID NAME OWNER TAGS LAST_CONTACT CREATED UPDATED [TIER]
cust_row() {
	join_csv "$1" "$2" company "$3" "${8:-}" "$4" '' '' '' '' '' '' '' '' \
		'' '' "$5" "$6" "$7"
}

# Append to crm.conf: "[pool] key = value" or '[tier "A"] key = value'.
conf() {
	printf '%s\n\t%s = %s\n' "$1" "$2" "$3" >>"$CRM_DIR/crm.conf"
}

# Add a customer on day $1: NAME and add's options follow; prints its id.
add_on() {
	local day=$1
	shift
	CRM_TODAY=$day crm-cust add "$@"
}

# The pool line of show.
pool_line() {
	crm-cust show "$@" | grep '^pool '
}

# ---- claim ------------------------------------------------------------------------

@test "crm-cust claim: sets the owner to --user, one history line, prints nothing" {
	local a before
	a=$(crm-cust add Acme)
	run -0 --separate-stderr crm-cust --today 2026-03-04 claim "$a"
	assert_output ''
	assert_stderr ''
	printf '%s\n' "$HEADER" "$(cust_row "$a" Acme tester '' '' 2026-03-02 2026-03-04)" |
		diff -u - "$CRM_DIR/customers.csv"
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-04 tester customer "$a" owner '' tester)"
	[ ! -s "$CRM_DIR/activities.jsonl" ]
	# an owned customer cannot be claimed, by anyone
	before=$(sums)
	run -3 --separate-stderr crm-cust claim "$a" --to bob
	assert_output ''
	assert_stderr "crm-cust: $a is owned by tester, not in the pool"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust claim --to: claims for another user, history by the one who ran it" {
	local a
	a=$(crm-cust add Acme)
	crm-cust -u alice claim Acme --to bob
	run -0 crm-cust list --format ids --owner bob
	assert_output "$a"
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-02 alice customer "$a" owner '' bob)"
}

@test "crm-cust claim: refused once the user owns claim-limit customers; others may" {
	local a b c d before
	conf '[pool]' claim-limit 2
	a=$(crm-cust add A1 --owner alice)
	b=$(crm-cust add B1 --owner alice)
	c=$(crm-cust add C1)
	d=$(crm-cust add D1 --owner bob)
	before=$(sums)
	run -3 --separate-stderr crm-cust claim "$c" --to alice
	assert_output ''
	assert_stderr 'crm-cust: alice already owns 2 customers, the [pool] claim-limit'
	[ "$(sums)" = "$before" ] || fail "a file changed"
	run -0 crm-cust claim "$c" --to bob
	run -0 crm-cust list --owner bob --format ids
	assert_output "$(printf '%s\n' "$c" "$d" | LC_ALL=C sort)"
}

@test "crm-cust claim: claim-limit 0 is no limit; the old name max-per-owner is still read" {
	local i ids=()
	sed -i '/claim-limit/d' "$CRM_DIR/crm.conf"
	conf '[pool]' max-per-owner 1
	crm-cust add Own --owner alice >/dev/null
	ids=($(crm-cust add P1) $(crm-cust add P2) $(crm-cust add P3))
	run -3 --separate-stderr crm-cust claim "${ids[0]}" --to alice
	assert_stderr 'crm-cust: alice already owns 1 customers, the [pool] claim-limit'
	conf '[pool]' claim-limit 0
	for i in 0 1 2; do
		run -0 crm-cust claim "${ids[i]}" --to alice
	done
	[ "$(crm-cust list --owner alice --format ids | wc -l)" -eq 4 ]
}

@test "crm-cust claim: refused for reclaim-block-days after the pool took it from that user; allowed once they passed" {
	local a b
	a=$(add_on 2026-01-01 Acme --owner alice)
	b=$(add_on 2026-01-01 Beta --owner alice)
	run -0 crm-cust reclaim --format ids
	assert_output "$(printf '%s\n' "$a" "$b" | LC_ALL=C sort)"
	# someone else may claim it at once
	run -0 crm-cust --today 2026-03-03 claim "$b" --to bob
	# alice may not, for 30 days
	run -3 --separate-stderr crm-cust --today 2026-03-31 claim "$a" --to alice
	assert_output ''
	assert_stderr "crm-cust: $a went back to the pool from alice 29 days ago; alice may claim it again in 1 day"
	run -3 crm-cust --today 2026-03-31 -u alice claim "$a"
	run -0 --separate-stderr crm-cust --today 2026-04-01 claim "$a" --to alice
	assert_stderr ''
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-04-01 tester customer "$a" owner '' alice)"
}

@test "crm-cust claim: reclaim-block-days from crm.conf; a release by the owner blocks nothing" {
	local a b
	conf '[pool]' reclaim-block-days 5
	a=$(add_on 2026-01-01 Acme --owner alice)
	run -0 crm-cust reclaim --format ids
	assert_output "$a"
	run -3 crm-cust --today 2026-03-06 claim "$a" --to alice
	run -0 crm-cust --today 2026-03-07 claim "$a" --to alice
	b=$(crm-cust add Beta --owner bob)
	crm-cust release "$b" --reason 'wrong region'
	run -0 crm-cust claim "$b" --to bob
}

# ---- release ------------------------------------------------------------------------

@test "crm-cust release: needs --reason (exit 2, nothing written)" {
	local a before
	a=$(crm-cust add Acme --owner alice)
	before=$(sums)
	run -2 --separate-stderr crm-cust release "$a"
	assert_output ''
	assert_stderr_first 'crm-cust: release needs --reason'
	run -2 --separate-stderr crm-cust release "$a" --reason ''
	assert_stderr_first 'crm-cust: release needs --reason'
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust release: owner emptied, history, a note activity; last_contact unchanged" {
	local a
	a=$(add_on 2026-02-01 Acme --owner alice)
	crm-cust --today 2026-02-10 log "$a" 'call' --type call
	run -0 --separate-stderr crm-cust --today 2026-02-20 -u alice release "$a" \
		--reason 'no budget this year'
	assert_output ''
	assert_stderr ''
	printf '%s\n' "$HEADER" "$(cust_row "$a" Acme '' '' 2026-02-10 2026-02-01 2026-02-20)" |
		diff -u - "$CRM_DIR/customers.csv"
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-02-20 alice customer "$a" owner alice '')"
	run -0 tail -n 1 "$CRM_DIR/activities.jsonl"
	assert_output "$(note 2026-02-20 alice "$a" 'released to the public pool: no budget this year')"
	run -0 crm-cust list --pool --format ids
	assert_output "$a"
	# already in the pool
	run -3 --separate-stderr crm-cust release "$a" --reason again
	assert_stderr "crm-cust: $a: already in the pool"
}

# ---- lock and unlock -----------------------------------------------------------------

@test "crm-cust lock/unlock: the tag locked, history, a note with --reason" {
	local a
	a=$(crm-cust add Acme --owner alice --set tags=vip)
	run -0 --separate-stderr crm-cust lock "$a" --reason 'key account'
	assert_output ''
	assert_stderr ''
	run -0 crm-cust list --tag locked --format ids
	assert_output "$a"
	crm-cust --today 2026-03-03 unlock "$a"
	run -0 tail -n 2 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2026-03-02 tester customer "$a" tags vip 'vip locked'
		hist 2026-03-03 tester customer "$a" tags 'vip locked' vip)"
	run -0 cat "$CRM_DIR/activities.jsonl"
	assert_output "$(note 2026-03-02 tester "$a" 'locked: key account')"
	printf '%s\n' "$HEADER" "$(cust_row "$a" Acme alice vip '' 2026-03-02 2026-03-03)" |
		diff -u - "$CRM_DIR/customers.csv"
}

@test "crm-cust lock: a locked customer is never reclaimed; unlocked it is" {
	local a b
	a=$(add_on 2025-01-01 Acme --owner alice)
	b=$(add_on 2025-01-01 Beta --owner bob)
	crm-cust lock "$a"
	run -0 crm-cust reclaim --dry-run --format ids
	assert_output "$b"
	run -0 pool_line "$a"
	assert_output 'pool          locked'
	crm-cust unlock "$a"
	run -0 crm-cust reclaim --format ids
	assert_output "$(printf '%s\n' "$a" "$b" | LC_ALL=C sort)"
}

# ---- reclaim ---------------------------------------------------------------------------

@test "crm-cust reclaim --dry-run: lists what would go back, writes nothing" {
	local a b before
	a=$(add_on 2026-01-01 Acme --owner alice)
	b=$(add_on 2026-02-01 Beta --owner bob)
	before=$(sums)
	run -0 --separate-stderr crm-cust reclaim --dry-run
	assert_stderr ''
	assert_output "$(printf '%s\n' "$RECLAIM_HEADER" "$a,Acme,alice,no follow-up since 2026-01-01")"
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust reclaim: contact-days 30 across February of a leap year: 2028-01-31 is due on 2028-03-01" {
	local a b c
	a=$(add_on 2027-12-01 Acme --owner alice)
	b=$(add_on 2027-12-01 Beta --owner bob)
	c=$(add_on 2027-12-01 Gamma)
	crm-cust --today 2028-01-31 log "$a" 'call' --type call
	crm-cust --today 2028-02-01 log "$b" 'call' --type call
	crm-cust --today 2028-01-31 log "$c" 'call' --type call
	run -1 --separate-stderr crm-cust --today 2028-02-29 reclaim
	assert_output "$RECLAIM_HEADER"
	assert_stderr ''
	run -0 --separate-stderr crm-cust --today 2028-03-01 reclaim
	assert_stderr ''
	local first=$output
	{
		echo "$HEADER"
		cust_row "$a" Acme '' '' 2028-01-31 2027-12-01 2028-03-01
		cust_row "$b" Beta bob '' 2028-02-01 2027-12-01 2028-02-01
		cust_row "$c" Gamma '' '' 2028-01-31 2027-12-01 2028-01-31
	} | by_id | diff -u - "$CRM_DIR/customers.csv"
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2028-03-01 pool customer "$a" owner alice '')"
	# Beta's day comes next, across the month end
	run -0 crm-cust --today 2028-03-02 reclaim
	local second=$output
	run -0 tail -n 1 "$CRM_DIR/history.jsonl"
	assert_output "$(hist 2028-03-02 pool customer "$b" owner bob '')"
	run -1 crm-cust --today 2028-03-02 reclaim
	# the reasons say since when
	run -0 grep -c "\"id\":\"$a\",\"type\":\"note\"" "$CRM_DIR/activities.jsonl"
	assert_output 1
	run -0 echo "$first"
	assert_output "$(printf '%s\n' "$RECLAIM_HEADER" "$a,Acme,alice,no follow-up since 2028-01-31")"
	run -0 echo "$second"
	assert_output "$(printf '%s\n' "$RECLAIM_HEADER" "$b,Beta,bob,no follow-up since 2028-02-01")"
	run -0 grep "\"id\":\"$a\",\"type\":\"note\"" "$CRM_DIR/activities.jsonl"
	assert_output "$(note 2028-03-01 pool "$a" 'returned to the public pool: no follow-up since 2028-01-31')"
}

@test "crm-cust reclaim: the clock starts at the latest of last_contact, created and the day the owner got it" {
	local a b c
	a=$(add_on 2025-06-01 Acme)
	b=$(add_on 2026-02-01 Beta --owner bob)
	c=$(add_on 2025-06-01 Gamma --owner bob)
	crm-cust --today 2026-02-15 claim "$a" --to alice
	crm-cust --today 2026-01-20 log "$c" hi
	run -1 crm-cust --today 2026-02-18 reclaim
	run -0 crm-cust --today 2026-02-19 reclaim --dry-run --format ids
	assert_output "$c"
	run -0 crm-cust --today 2026-03-02 reclaim --dry-run --format ids
	assert_output "$c"
	run -0 crm-cust --today 2026-03-16 reclaim --dry-run --format ids
	assert_output "$(printf '%s\n' "$b" "$c" | LC_ALL=C sort)"
	run -0 crm-cust --today 2026-03-17 reclaim --dry-run --format ids
	assert_output "$(printf '%s\n' "$a" "$b" "$c" | LC_ALL=C sort)"
	run -0 crm-cust --today 2026-03-03 reclaim --dry-run
	assert_output "$(printf '%s\n' "$RECLAIM_HEADER" \
		"$b,Beta,bob,no follow-up since 2026-02-01" \
		"$c,Gamma,bob,no follow-up since 2026-01-20" | by_id)"
}

@test "crm-cust reclaim: [tier \"A\"] pool-contact-days overrides contact-days" {
	local a b
	conf '[tier "A"]' pool-contact-days 60
	a=$(add_on 2026-01-01 Acme --owner alice --set tier=A)
	b=$(add_on 2026-01-01 Beta --owner bob --set tier=B)
	run -0 crm-cust --today 2026-03-01 reclaim --dry-run --format ids
	assert_output "$b"
	run -0 pool_line --today 2026-03-01 "$a"
	assert_output 'pool          returns on 2026-03-02, in 1 day: no follow-up since 2026-01-01'
	run -0 crm-cust --today 2026-03-02 reclaim --dry-run --format ids
	assert_output "$(printf '%s\n' "$a" "$b" | LC_ALL=C sort)"
	run -0 crm-cust --today 2026-03-01 reclaim --dry-run
	assert_output "$(printf '%s\n' "$RECLAIM_HEADER" "$b,Beta,bob,no follow-up since 2026-01-01")"
}

@test "crm-cust reclaim: without contact-days nothing goes back; the old name days is read" {
	local a
	sed -i '/contact-days/d' "$CRM_DIR/crm.conf"
	a=$(add_on 2026-01-31 Acme --owner alice)
	run -1 crm-cust --today 2027-03-02 reclaim --dry-run --format ids
	assert_output ''
	conf '[pool]' days 45
	run -1 crm-cust --today 2026-03-16 reclaim --dry-run
	run -0 crm-cust --today 2026-03-17 reclaim --dry-run --format ids
	assert_output "$a"
}

@test "crm-cust reclaim: deal-days: no won deal for deal-days days sends it back, even if followed up" {
	local a b c o
	conf '[pool]' deal-days 200
	a=$(add_on 2025-06-01 Acme --owner alice)
	b=$(add_on 2025-06-01 Beta --owner bob)
	c=$(add_on 2025-06-01 Gamma --owner bob)
	o=$(CRM_TODAY=2025-07-01 crm-opp add 'A deal' --customer "$a" --amount 100)
	crm-opp --today 2025-08-14 win "$o"
	o=$(CRM_TODAY=2025-07-01 crm-opp add 'B deal' --customer "$b" --amount 100)
	crm-opp --today 2025-08-15 win "$o"
	for x in "$a" "$b" "$c"; do
		crm-cust --today 2026-03-01 log "$x" 'call' --type call
	done
	run -0 crm-cust reclaim
	local listed=$output
	run -0 crm-cust list --pool --format ids
	assert_output "$(printf '%s\n' "$a" "$c" | LC_ALL=C sort)"
	run -0 pool_line "$b"
	assert_output 'pool          returns on 2026-03-03, in 1 day: no won deal since 2025-08-15'
	run -0 echo "$listed"
	assert_output "$(printf '%s\n' "$RECLAIM_HEADER" \
		"$a,Acme,alice,no won deal since 2025-08-14" \
		"$c,Gamma,bob,no won deal since 2025-06-01" | by_id)"
}

@test "crm-cust reclaim: [tier \"A\"] pool-deal-days overrides deal-days" {
	local a b
	conf '[pool]' deal-days 100
	conf '[tier "A"]' pool-deal-days 400
	a=$(add_on 2025-06-01 Acme --owner alice --set tier=A)
	b=$(add_on 2025-06-01 Beta --owner bob --set tier=B)
	crm-cust --today 2026-03-01 log "$a" call
	crm-cust --today 2026-03-01 log "$b" call
	run -0 crm-cust reclaim --dry-run --format ids
	assert_output "$b"
}

@test "crm-cust reclaim: an open deal at protect-stage or later keeps the customer; an earlier or closed one does not" {
	local a b c o p
	a=$(add_on 2025-06-01 Acme --owner alice)
	b=$(add_on 2025-06-01 Beta --owner bob)
	c=$(add_on 2025-06-01 Gamma --owner bob)
	o=$(crm-opp add 'A deal' --customer "$a" --amount 100 --stage proposal)
	p=$(crm-opp add 'C deal' --customer "$c" --amount 100 --stage negotiation)
	crm-opp win "$p"
	run -0 crm-cust reclaim --dry-run --format ids
	assert_output "$(printf '%s\n' "$a" "$b" "$c" | LC_ALL=C sort)"
	crm-opp stage "$o" negotiation
	run -0 crm-cust reclaim --dry-run --format ids
	assert_output "$(printf '%s\n' "$b" "$c" | LC_ALL=C sort)"
	run -0 pool_line "$a"
	assert_output 'pool          kept by an open deal in negotiation'
	# protect-stage from crm.conf
	conf '[pool]' protect-stage proposal
	crm-opp add 'B deal' --customer "$b" --amount 1 --stage proposal >/dev/null
	run -0 crm-cust reclaim --format ids
	assert_output "$c"
	run -0 crm-cust list --pool --format ids
	assert_output "$c"
}

@test "crm-cust reclaim: none due exits 1, writes nothing" {
	local before
	crm-cust add Acme --owner alice >/dev/null
	crm-cust add Beta >/dev/null
	before=$(sums)
	run -1 --separate-stderr crm-cust reclaim
	assert_output "$RECLAIM_HEADER"
	assert_stderr ''
	run -1 crm-cust reclaim --format jsonl
	assert_output ''
	[ "$(sums)" = "$before" ] || fail "a file changed"
}

@test "crm-cust reclaim --format jsonl and table" {
	local a
	a=$(add_on 2026-01-01 Acme --owner alice)
	run -0 crm-cust reclaim --dry-run --format jsonl
	assert_output '{"id":"'"$a"'","name":"Acme","owner":"alice","reason":"no follow-up since 2026-01-01"}'
	run -0 crm-cust reclaim --dry-run --format table
	assert_output "$(printf '%-10s  %-4s  %-5s  %s\n' id name owner reason \
		"$a" Acme alice 'no follow-up since 2026-01-01')"
}

# ---- show's pool line ---------------------------------------------------------------------

@test "crm-cust show: the pool line: returns on, due back now, in the pool" {
	local a b c
	a=$(add_on 2026-02-10 Acme --owner alice)
	b=$(add_on 2026-01-01 Beta --owner bob)
	c=$(crm-cust add Gamma)
	run -0 pool_line "$a"
	assert_output 'pool          returns on 2026-03-12, in 10 days: no follow-up since 2026-02-10'
	run -0 pool_line "$b"
	assert_output 'pool          due back now (2026-01-31): no follow-up since 2026-01-01'
	run -0 pool_line "$c"
	assert_output 'pool          in the pool'
	run -0 bash -c "crm-cust show '$a' --format jsonl | jq -c .pool"
	assert_output '{"why":"no follow-up since 2026-02-10","due":"2026-03-12"}'
	run -0 bash -c "crm-cust show '$c' --format jsonl | jq -c .pool"
	assert_output '{"why":"in the pool","due":null}'
}
