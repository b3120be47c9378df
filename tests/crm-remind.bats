#!/usr/bin/env bats
# crm-remind.bats - what is due, on the hand-made data directory
# tests/fixtures/remind with today pinned: every kind with its due date and
# days overdue worked out by hand, --kind/--owner/--days/--where, month
# ends and a leap day, the text, csv, tsv and jsonl listings, and the mail:
# headers, RFC 2047 words, base64 bodies, an mbox, a fake sendmail that
# keeps what it is given, --digest, --once, and records that try to
# become headers.
#
# Today is Monday 2026-03-02.  The fixture's crm.conf: rot-days lead 14,
# qualified 14, proposal 10, negotiation 7; [pool] days 45, notify-days 7;
# [remind] new-lead-hours 24, renewal-days 60, payment-days 7; tier
# revisit-days A 30, B 60, C 90; owners alice, bob and wang (王丽), and the
# manager boss@example.com.

load test_helper/common

HEADER='kind,owner,entity,id,name,due,overdue,reason'

# Every item due on 2026-03-02, one CSV row each, in the order crm-remind
# lists them (owner, most overdue first, then kind, then id).
#
# C-0000000E: a pool customer (no owner) whose next_date 2026-02-20 has
# come: 10 days overdue, mailed to the manager.
R_CE='followup,,customer,C-0000000E,无主客户有限公司,2026-02-20,10,认领'
# O-0000000F: proposal (rot-days 10), last touched 2026-02-10: stale since
# 2026-02-20, 20 days untouched.
R_OF='stale,alice,opportunity,O-0000000F,Old proposal,2026-02-20,10,"no follow-up in proposal since 2026-02-10 (20 days, rot-days 10)"'
# Y-0000001A: 100000 due 2026-02-20, 40000 paid by a receipt naming it.
R_YA='payment,alice,payment,Y-0000001A,数据中台 合同,2026-02-20,10,"60000 of 100000 outstanding, due 2026-02-20"'
# C-0000000D: the customer whose name holds "\nBcc: x@evil"; next_date
# 2026-03-01.
R_CD='followup,alice,customer,C-0000000D,"Evil Corp
Bcc: x@evil",2026-03-01,1,call back'
# O-0000000A: next_date today.
R_OA='followup,alice,opportunity,O-0000000A,数据平台 Data platform,2026-03-02,0,Send proposal v2'
# C-0000000A: tier A, last contact 2026-01-31 + 30 days = today.
R_CA='revisit,alice,customer,C-0000000A,上海晨曦精密机械有限公司,2026-03-02,0,tier A revisit every 30 days; last contact 2026-01-31'
# Y-0000001B: 50000 due 2026-03-06, within payment-days 7.
R_YB='payment,alice,payment,Y-0000001B,数据中台 合同,2026-03-06,-4,"50000 of 50000 outstanding, due 2026-03-06"'
# O-0000000B: negotiation (rot-days 7), last contact 2026-02-16.
R_OB='stale,bob,opportunity,O-0000000B,Stale deal,2026-02-23,7,"no follow-up in negotiation since 2026-02-16 (14 days, rot-days 7)"'
# L-0000000B: new, owned, never contacted, created 2026-02-26 + 24 hours.
R_LB='new-lead,bob,lead,L-0000000B,Baker Foods,2026-02-27,3,new lead from website not contacted since 2026-02-26'
# C-0000000B: last contact 2026-01-20 + 45 = 2026-03-06, warned 7 days
# before.
R_CB='pool,bob,customer,C-0000000B,Pool Risk GmbH,2026-03-06,-4,returns to the public pool: no follow-up since 2026-01-20'
# K-0000000A: no owner of its own (its customer's: bob), ends 2026-04-15,
# within renewal-days 60.
R_KA='renewal,bob,contract,K-0000000A,Acme 年度订阅 2025,2026-04-15,-44,contract ends 2026-04-15 (renewal auto)'
# L-0000000A: a lead's next_date 2026-02-27.
R_LA='followup,wang,lead,L-0000000A,张伟,2026-02-27,3,回电确认需求'
# O-0000000C: open, expected to close 2026-02-27.
R_OC='close-date,wang,opportunity,O-0000000C,物流看板,2026-02-27,3,"expected to close 2026-02-27, still in qualified"'
# C-0000000C: a customer's next_date 2026-02-28.
R_CC='followup,wang,customer,C-0000000C,北京华夏物流有限公司,2026-02-28,2,寄送报价单'
# Y-0000001E: 80000.50 due 2026-02-28; the receipt naming no plan line
# (100000) pays Y-0000001D (80000.50, due earlier) and 19999.50 of this.
R_YE='payment,wang,payment,Y-0000001E,物流数据平台 合同,2026-02-28,2,"60001 of 80000.50 outstanding, due 2026-02-28"'

# The lines given, one a line.
lines() {
	printf '%s\n' "$@"
}

setup() {
	export CRM_DIR="$BATS_TEST_TMPDIR/data"
	cp -r "$FIXTURES/remind" "$CRM_DIR"
	SENT="$BATS_TEST_TMPDIR/sent"
	FAKESEND="$BATS_TEST_TMPDIR/fakesend"
	# A sendmail that keeps each call's arguments (one a line) and message
	# in sent/N.args and sent/N.msg, and fails for the address $FAIL_FOR.
	cat >"$FAKESEND" <<-'EOF'
	#!/bin/sh
	dir=${0%/*}/sent
	mkdir -p "$dir"
	n=1
	while [ -e "$dir/$n.args" ]; do n=$((n + 1)); done
	printf '%s\n' "$@" >"$dir/$n.args"
	cat >"$dir/$n.msg"
	for a; do last=$a; done
	[ "$last" != "${FAIL_FOR:-}" ]
	EOF
	chmod +x "$FAKESEND"
	set_conf sendmail "$FAKESEND -i"
	unset FAIL_FOR
}

# Replace the value of [remind] KEY in the copy's crm.conf.
set_conf() {
	sed -i "s|^\t$1 = .*|\t$1 = $2|" "$CRM_DIR/crm.conf"
}

# Append lines to crm.conf.
add_conf() {
	printf '%s\n' "$@" >>"$CRM_DIR/crm.conf"
}

# Append rows to TABLE.csv.
add_rows() {
	local table=$1
	shift
	printf '%s\n' "$@" >>"$CRM_DIR/$table.csv"
}

# How many times the fake sendmail ran.
sends() {
	local n=0
	while [ -e "$SENT/$((n + 1)).args" ]; do n=$((n + 1)); done
	echo "$n"
}

# Message N (1 the first) of the mbox on standard input, its "From " line
# dropped (the blank line ending it kept).
nth_message() {
	awk -v n="$1" '/^From crm-remind / { i++; next } i == n'
}

count_messages() {
	grep -c '^From crm-remind ' || :
}

# The value of header $1 of the message on standard input, its
# continuation lines joined.
header() {
	awk -v h="$1" '
		NF == 0 { exit }
		/^[ \t]/ { if (on) v = v $0; next }
		{ on = index($0, h ": ") == 1; if (on) v = substr($0, length(h) + 3) }
		END { print v }'
}

# The names of the headers, in order.
header_names() {
	awk 'NF == 0 { exit } /^[^ \t]/ { sub(/:.*/, ""); print }'
}

# The text on standard input with its RFC 2047 UTF-8 "B" words decoded
# (white space between two words is not part of the text).
unword() {
	local s out= w
	IFS= read -r s
	s=$(sed -E 's/\?=[[:space:]]+=\?/?==?/g' <<<"$s")
	while [[ $s == *'=?UTF-8?B?'* ]]; do
		out+=${s%%'=?UTF-8?B?'*}
		s=${s#*'=?UTF-8?B?'}
		w=${s%%'?='*}
		s=${s#*'?='}
		out+=$(printf '%s' "$w" | base64 -d)
	done
	printf '%s\n' "$out$s"
}

# The body of the message on standard input, base64-decoded.
body() {
	awk 'b; NF == 0 { b = 1 }' | base64 -d
}

# The mail of a run, into $MBOX.
mail_run() {
	MBOX="$BATS_TEST_TMPDIR/out.mbox"
	crm-remind --format mail "$@" >"$MBOX"
}

# As a mail program reads an address list: "name <address>" a line.
parse_addresses() {
	command -v python3 >/dev/null || skip "python3 is not installed"
	python3 -c '
import sys, email.utils, email.header
for name, addr in email.utils.getaddresses([sys.argv[1]]):
    name = str(email.header.make_header(email.header.decode_header(name)))
    print(name + " <" + addr + ">")' "$1"
}

assert_stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "$(printf 'stderr is:\n%s\nexpected it to hold:\n%s' "$stderr" "$1")"
}

# ---- usage ----------------------------------------------------------------------

@test "crm-remind --help: exits 0, usage on stdout, nothing on stderr" {
	run -0 --separate-stderr crm-remind --help
	assert_stderr ''
	assert_line --index 0 'usage: crm-remind [-C dir] [--today date] [--kind kinds] [--owner user] [--days n] [--where expr] [--format format] [--output file]'
	assert_line '       crm-remind --format mail [--mbox file | --send] [--digest] [--once]'
	assert_line '      --once               mail an item at most once a day (reminders.jsonl)'
}

@test "crm-remind: a bad option exits 2, stdout empty, stderr starts 'crm-remind: '" {
	run -2 --separate-stderr crm-remind --bogus
	assert_output ''
	assert_stderr "$(lines "crm-remind: unrecognized option '--bogus'" \
		"Try 'crm-remind --help'.")"
}

@test "crm-remind: an operand exits 2" {
	run -2 --separate-stderr crm-remind today
	assert_output ''
	[[ $stderr == "crm-remind: unexpected operand 'today'"* ]] || fail "$stderr"
}

@test "crm-remind --kind: an unknown kind, or an empty one in the list, exits 2" {
	run -2 --separate-stderr crm-remind --kind followup,bogus
	assert_output ''
	[[ $stderr == "crm-remind: --kind: 'bogus' is not one of followup, stale, new-lead, close-date, revisit, renewal, payment, pool"$'\n'* ]] ||
		fail "$stderr"
	assert_stderr_has "Try 'crm-remind --help'."
	run -2 --separate-stderr crm-remind --kind followup,,stale
	assert_output ''
	[[ $stderr == "crm-remind: --kind: '' is not one of"* ]] || fail "$stderr"
}

@test "crm-remind --days: not a number, negative or over ten years exits 2" {
	local d
	for d in x 3d -1 3651 ''; do
		run -2 --separate-stderr crm-remind --days "$d"
		assert_output ''
		[[ $stderr == "crm-remind: --days: '$d' is not a number of days"* ]] ||
			fail "--days '$d': $stderr"
	done
	run -0 crm-remind --days 3650
}

@test "crm-remind --format: table, ids and unknown formats exit 2" {
	local f
	for f in table ids xml; do
		run -2 --separate-stderr crm-remind --format "$f"
		assert_output ''
		[[ $stderr == "crm-remind: --format: '$f' is not one of text, csv, tsv, jsonl, xlsx, mail"* ]] ||
			fail "--format $f: $stderr"
	done
}

@test "crm-remind: --send, --mbox, --digest and --once without --format mail exit 2 and send nothing" {
	local o
	for o in --send --digest --once "--mbox=$BATS_TEST_TMPDIR/x.mbox"; do
		run -2 --separate-stderr crm-remind "$o"
		assert_output ''
		[[ $stderr == 'crm-remind: --mbox, --send, --digest and --once go with --format mail'* ]] ||
			fail "$o: $stderr"
		run -2 --separate-stderr crm-remind --format csv "$o"
		assert_output ''
	done
	[ "$(sends)" = 0 ] || fail "sendmail ran"
	[ ! -e "$BATS_TEST_TMPDIR/x.mbox" ] || fail "the mbox was written"
	[ ! -e "$CRM_DIR/reminders.jsonl" ] || fail "reminders.jsonl was written"
}

@test "crm-remind: --mbox with --send exits 2, nothing sent or written" {
	run -2 --separate-stderr crm-remind --format mail --send \
		--mbox "$BATS_TEST_TMPDIR/x.mbox"
	assert_output ''
	[[ $stderr == 'crm-remind: --mbox and --send exclude each other'$'\n'* ]] ||
		fail "$stderr"
	[ "$(sends)" = 0 ] || fail "sendmail ran"
	[ ! -e "$BATS_TEST_TMPDIR/x.mbox" ] || fail "the mbox was written"
}

@test "crm-remind --where: a jq expression that does not compile exits 2" {
	run -2 --separate-stderr crm-remind --where '.overdue >'
	assert_output ''
	[[ $stderr == 'crm-remind: --where: '* ]] || fail "$stderr"
}

@test "crm-remind: no data directory exits 3" {
	run -3 --separate-stderr crm-remind -C "$BATS_TEST_TMPDIR/nowhere"
	assert_output ''
	[[ $stderr == 'crm-remind: '* ]] || fail "$stderr"
}

# ---- what is due: every kind ----------------------------------------------------

@test "crm-remind: every item due today as CSV (the default on a pipe), exact" {
	run -0 crm-remind
	assert_output "$(lines "$HEADER" "$R_CE" "$R_OF" "$R_YA" "$R_CD" "$R_OA" \
		"$R_CA" "$R_YB" "$R_OB" "$R_LB" "$R_CB" "$R_KA" "$R_LA" "$R_OC" \
		"$R_CC" "$R_YE")"
	local csv=$output
	run -0 crm-remind --format csv
	assert_output "$csv"
	run -0 crm-remind --today 2026-03-02
	assert_output "$csv"
}

@test "crm-remind --kind followup: a lead, a deal and customers whose next date has come" {
	# Not: converted lead L-0000000E (next_date 2026-02-01), won deal
	# O-0000000D (2026-02-01), O-0000000E (2026-03-04, still ahead).
	run -0 crm-remind --kind followup
	assert_output "$(lines "$HEADER" "$R_CE" "$R_CD" "$R_OA" "$R_LA" "$R_CC")"
}

@test "crm-remind --kind stale: open deals past their stage's rot-days" {
	# O-0000000E was last contacted 2026-01-01, but moved to qualified on
	# 2026-02-20 (history.jsonl): 10 days, within 14.
	run -0 crm-remind --kind stale
	assert_output "$(lines "$HEADER" "$R_OF" "$R_OB")"
	# Without that stage change it is 60 days untouched: due 2026-01-15.
	: >"$CRM_DIR/history.jsonl"
	run -0 crm-remind --kind stale --owner bob
	assert_output "$(lines "$HEADER" \
		'stale,bob,opportunity,O-0000000E,Moved on,2026-01-15,46,"no follow-up in qualified since 2026-01-01 (60 days, rot-days 14)"' \
		"$R_OB")"
}

@test "crm-remind --kind new-lead: owned new leads never contacted, by new-lead-hours" {
	# Not: L-0000000D (no owner), L-0000000F (contacted), L-0000000C
	# (created today: due tomorrow), L-0000000E (converted).
	run -0 crm-remind --kind new-lead
	assert_output "$(lines "$HEADER" "$R_LB")"
	run -0 crm-remind --kind new-lead --days 1
	assert_output "$(lines "$HEADER" \
		'new-lead,alice,lead,L-0000000C,杭州云帆数据有限公司,2026-03-03,-1,new lead from 展会 not contacted since 2026-03-02' \
		"$R_LB")"
	# Hours round up to whole days: 36 hours are 2 days, 0 the same day.
	add_conf '[remind]' '	new-lead-hours = 36'
	run -0 crm-remind --kind new-lead
	assert_output "$(lines "$HEADER" \
		'new-lead,bob,lead,L-0000000B,Baker Foods,2026-02-28,2,new lead from website not contacted since 2026-02-26')"
	add_conf '[remind]' '	new-lead-hours = 0'
	run -0 crm-remind --kind new-lead
	assert_output "$(lines "$HEADER" \
		'new-lead,alice,lead,L-0000000C,杭州云帆数据有限公司,2026-03-02,0,new lead from 展会 not contacted since 2026-03-02' \
		'new-lead,bob,lead,L-0000000B,Baker Foods,2026-02-26,4,new lead from website not contacted since 2026-02-26')"
}

@test "crm-remind --kind close-date: open deals whose expected close date has passed" {
	# Not: won O-0000000D (close 2026-01-15); O-0000000B closes 2026-03-20.
	run -0 crm-remind --kind close-date
	assert_output "$(lines "$HEADER" "$R_OC")"
	# Passed by the last day looked at: 2026-03-20 is before 03-21, not
	# before 03-20.
	run -0 crm-remind --kind close-date --days 18
	assert_output "$(lines "$HEADER" "$R_OC")"
	run -0 crm-remind --kind close-date --days 19
	assert_output "$(lines "$HEADER" \
		'close-date,bob,opportunity,O-0000000B,Stale deal,2026-03-20,-18,"expected to close 2026-03-20, still in negotiation"' \
		"$R_OC")"
}

@test "crm-remind --kind revisit: by tier's revisit-days after the last contact" {
	# Not: C-0000000E, tier B but no owner; C-0000000B, tier C, is due
	# 2026-01-20 + 90 = 2026-04-20.
	run -0 crm-remind --kind revisit
	assert_output "$(lines "$HEADER" "$R_CA")"
	run -0 crm-remind --kind revisit --days 49
	assert_output "$(lines "$HEADER" "$R_CA" \
		'revisit,bob,customer,C-0000000B,Pool Risk GmbH,2026-04-20,-49,tier C revisit every 90 days; last contact 2026-01-20')"
	run -1 crm-remind --kind revisit --owner bob --days 48
}

@test "crm-remind --kind revisit,pool: a customer never contacted counts from its creation" {
	# C-0000000A created 2025-06-01: revisit 2025-07-01, pool 2025-07-16.
	sed -i 's/^\(C-0000000A,.*\),2026-01-31,2025-06-01,/\1,,2025-06-01,/' \
		"$CRM_DIR/customers.csv"
	run -0 crm-remind --kind revisit,pool --owner alice
	assert_output "$(lines "$HEADER" \
		'revisit,alice,customer,C-0000000A,上海晨曦精密机械有限公司,2025-07-01,244,tier A revisit every 30 days; last contact 2025-06-01' \
		'pool,alice,customer,C-0000000A,上海晨曦精密机械有限公司,2025-07-16,229,returns to the public pool: no follow-up since 2025-06-01')"
}

@test "crm-remind --kind renewal: active contracts ending within renewal-days" {
	# Not: K-0000000B (ends 2026-06-30), K-0000000C (renewal none),
	# K-0000000D (ended), K-0000000P/Q (renewal none).
	run -0 crm-remind --kind renewal
	assert_output "$(lines "$HEADER" "$R_KA")"
	run -0 crm-remind --kind renewal --days 60
	assert_output "$(lines "$HEADER" \
		'renewal,alice,contract,K-0000000B,晨曦 维保 2026,2026-06-30,-120,contract ends 2026-06-30 (renewal manual)' \
		"$R_KA")"
	add_conf '[remind]' '	renewal-days = 30'
	run -1 crm-remind --kind renewal
}

@test "crm-remind --kind payment: due soon, overdue, partly paid by named and unnamed receipts" {
	# Not: Y-0000001C (2026-06-01), Y-0000001D (paid by the unnamed
	# receipt, earliest line of its contract first).
	run -0 crm-remind --kind payment
	assert_output "$(lines "$HEADER" "$R_YA" "$R_YB" "$R_YE")"
	# payment-days 3: 2026-03-06 is 4 days ahead; 4 takes it in again.
	add_conf '[remind]' '	payment-days = 3'
	run -0 crm-remind --kind payment
	assert_output "$(lines "$HEADER" "$R_YA" "$R_YE")"
	add_conf '[remind]' '	payment-days = 4'
	run -0 crm-remind --kind payment
	assert_output "$(lines "$HEADER" "$R_YA" "$R_YB" "$R_YE")"
}

@test "crm-remind --kind payment: a receipt paying the whole line ends its reminders" {
	add_rows payments \
		'Y-0000002C,K-0000000P,C-0000000A,receipt,Y-0000001A,2026-03-01,60000,CNY,transfer,,2026-03-01,2026-03-01'
	run -0 crm-remind --kind payment
	assert_output "$(lines "$HEADER" "$R_YB" "$R_YE")"
}

@test "crm-remind --kind pool: owned customers about to return to the pool" {
	run -0 crm-remind --kind pool
	assert_output "$(lines "$HEADER" "$R_CB")"
	# C-0000000A: 2026-01-31 + 45 = 2026-03-17, warned from 2026-03-10.
	run -0 crm-remind --kind pool --days 8
	assert_output "$(lines "$HEADER" \
		'pool,alice,customer,C-0000000A,上海晨曦精密机械有限公司,2026-03-17,-15,returns to the public pool: no follow-up since 2026-01-31' \
		"$R_CB")"
	run -0 crm-remind --kind pool --days 7
	assert_output "$(lines "$HEADER" "$R_CB")"
}

@test "crm-remind --kind pool: contact-days wins over days; no days, no pool" {
	add_conf '[pool]' '	contact-days = 40'
	run -0 crm-remind --kind pool
	assert_output "$(lines "$HEADER" \
		'pool,bob,customer,C-0000000B,Pool Risk GmbH,2026-03-01,1,returns to the public pool: no follow-up since 2026-01-20')"
	sed -i '/days = 45/d; /contact-days = 40/d' "$CRM_DIR/crm.conf"
	run -1 crm-remind --kind pool --days 365
	assert_output "$HEADER"
}

@test "crm-remind --kind: a comma list takes each kind named" {
	run -0 crm-remind --kind stale,pool
	assert_output "$(lines "$HEADER" "$R_OF" "$R_OB" "$R_CB")"
	run -0 crm-remind -k pool,stale
	assert_output "$(lines "$HEADER" "$R_OF" "$R_OB" "$R_CB")"
}

# ---- selecting -------------------------------------------------------------------

@test "crm-remind --owner: one owner's items; '' the unassigned ones" {
	run -0 crm-remind --owner wang
	assert_output "$(lines "$HEADER" "$R_LA" "$R_OC" "$R_CC" "$R_YE")"
	run -0 crm-remind -o ''
	assert_output "$(lines "$HEADER" "$R_CE")"
	run -0 crm-remind --owner bob --kind renewal,new-lead
	assert_output "$(lines "$HEADER" "$R_LB" "$R_KA")"
}

@test "crm-remind --days 3: what falls due by 2026-03-05 too" {
	# L-0000000C (new lead, due 03-03) and O-0000000E's next step (03-04).
	run -0 crm-remind --days 3
	assert_output "$(lines "$HEADER" "$R_CE" "$R_OF" "$R_YA" "$R_CD" "$R_OA" \
		"$R_CA" \
		'new-lead,alice,lead,L-0000000C,杭州云帆数据有限公司,2026-03-03,-1,new lead from 展会 not contacted since 2026-03-02' \
		"$R_YB" "$R_OB" "$R_LB" \
		'followup,bob,opportunity,O-0000000E,Moved on,2026-03-04,-2,Demo' \
		"$R_CB" "$R_KA" "$R_LA" "$R_OC" "$R_CC" "$R_YE")"
}

@test "crm-remind --where: a jq expression on the items" {
	run -0 crm-remind --where '.overdue > 3'
	assert_output "$(lines "$HEADER" "$R_CE" "$R_OF" "$R_YA" "$R_OB")"
	run -0 crm-remind -w '.entity == "lead"'
	assert_output "$(lines "$HEADER" "$R_LB" "$R_LA")"
	run -0 crm-remind --where '.due == "2026-03-02" and .kind == "revisit"'
	assert_output "$(lines "$HEADER" "$R_CA")"
	run -0 crm-remind --kind payment --where '.overdue < 0'
	assert_output "$(lines "$HEADER" "$R_YB")"
}

@test "crm-remind: nothing due exits 1 in every format" {
	run -1 --separate-stderr crm-remind --owner nobody
	assert_output "$HEADER"
	assert_stderr ''
	run -1 crm-remind --owner nobody --format text
	assert_output ''
	run -1 crm-remind --owner nobody --format jsonl
	assert_output ''
	run -1 crm-remind --where 'false' --format mail
	assert_output ''
	run -1 crm-remind --owner nobody --format mail --send --digest
	assert_output ''
	[ "$(sends)" = 0 ] || fail "sendmail ran"
}

# ---- month ends -----------------------------------------------------------------

@test "crm-remind: on 2026-02-28 --days 1 reaches into March" {
	CRM_TODAY=2026-02-28 run -0 crm-remind --kind followup --days 1
	assert_output "$(lines "$HEADER" \
		'followup,,customer,C-0000000E,无主客户有限公司,2026-02-20,8,认领' \
		'followup,alice,customer,C-0000000D,"Evil Corp
Bcc: x@evil",2026-03-01,-1,call back' \
		'followup,wang,lead,L-0000000A,张伟,2026-02-27,1,回电确认需求' \
		'followup,wang,customer,C-0000000C,北京华夏物流有限公司,2026-02-28,0,寄送报价单')"
	CRM_TODAY=2026-02-28 run -0 crm-remind --kind stale
	assert_output "$(lines "$HEADER" \
		'stale,alice,opportunity,O-0000000F,Old proposal,2026-02-20,8,"no follow-up in proposal since 2026-02-10 (18 days, rot-days 10)"' \
		'stale,bob,opportunity,O-0000000B,Stale deal,2026-02-23,5,"no follow-up in negotiation since 2026-02-16 (12 days, rot-days 7)"')"
}

@test "crm-remind: on 2026-03-31 --days 1 reaches into April" {
	add_rows customers \
		'C-0000000G,月末客户,company,carol,A,,,,,,,,,,2026-04-01,季度回顾,2026-03-30,2026-01-01,2026-03-30' \
		'C-0000000H,Later Co,company,carol,,,,,,,,,,,2026-04-02,call,2026-03-30,2026-01-01,2026-03-30'
	add_rows opportunities \
		'O-0000000G,月底签约,C-0000000G,,carol,new-business,negotiation,10000,CNY,,2026-03-31,,,,2026-03-30,,2026-03-01,,2026-03-30'
	CRM_TODAY=2026-03-31 run -1 crm-remind --owner carol
	assert_output "$HEADER"
	CRM_TODAY=2026-03-31 run -0 crm-remind --owner carol --days 1
	assert_output "$(lines "$HEADER" \
		'close-date,carol,opportunity,O-0000000G,月底签约,2026-03-31,0,"expected to close 2026-03-31, still in negotiation"' \
		'followup,carol,customer,C-0000000G,月末客户,2026-04-01,-1,季度回顾')"
}

@test "crm-remind: leap day 2028-02-29, and --days 1 into March" {
	add_rows customers \
		'C-0000000J,闰日客户,company,carol,A,,,,,,,,,,2028-03-01,回访,2028-01-30,2027-06-01,2028-01-30'
	add_rows contracts \
		'K-0000000L,C-0000000J,,闰年 合同,50000,CNY,2028-01-01,2028-01-01,2028-12-31,none,active,carol,2028-01-01,2028-01-01'
	add_rows payments \
		'Y-0000001L,K-0000000L,C-0000000J,plan,,2028-02-29,50000,CNY,,全款,2028-01-01,2028-01-01'
	add_rows leads \
		'L-0000000L,Leap Lead,Leap Ltd,,,,website,new,0,carol,,,,,,,,2028-02-28,2028-02-28'
	# 2028-01-30 + 30 days is 2028-02-29; 2028-02-28 + 24 hours too.
	CRM_TODAY=2028-02-29 run -0 crm-remind --owner carol
	assert_output "$(lines "$HEADER" \
		'new-lead,carol,lead,L-0000000L,Leap Ltd,2028-02-29,0,new lead from website not contacted since 2028-02-28' \
		'revisit,carol,customer,C-0000000J,闰日客户,2028-02-29,0,tier A revisit every 30 days; last contact 2028-01-30' \
		'payment,carol,payment,Y-0000001L,闰年 合同,2028-02-29,0,"50000 of 50000 outstanding, due 2028-02-29"')"
	CRM_TODAY=2028-02-29 run -0 crm-remind --owner carol --days 1 --kind followup
	assert_output "$(lines "$HEADER" \
		'followup,carol,customer,C-0000000J,闰日客户,2028-03-01,-1,回访')"
	CRM_TODAY=2028-02-28 run -1 crm-remind --owner carol --kind revisit
}

# ---- listings -----------------------------------------------------------------------

@test "crm-remind --format text: grouped by owner, most overdue first" {
	run -0 crm-remind --format text
	assert_output "$(cat <<-'EOF'
	(no owner) (1)
	  10 days overdue  followup   C-0000000E  无主客户有限公司
	      认领

	alice (6)
	  10 days overdue  stale      O-0000000F  Old proposal
	      no follow-up in proposal since 2026-02-10 (20 days, rot-days 10)
	  10 days overdue  payment    Y-0000001A  数据中台 合同
	      60000 of 100000 outstanding, due 2026-02-20
	  1 day overdue    followup   C-0000000D  Evil Corp
	    Bcc: x@evil
	      call back
	  due today        followup   O-0000000A  数据平台 Data platform
	      Send proposal v2
	  due today        revisit    C-0000000A  上海晨曦精密机械有限公司
	      tier A revisit every 30 days; last contact 2026-01-31
	  in 4 days        payment    Y-0000001B  数据中台 合同
	      50000 of 50000 outstanding, due 2026-03-06

	bob (4)
	  7 days overdue   stale      O-0000000B  Stale deal
	      no follow-up in negotiation since 2026-02-16 (14 days, rot-days 7)
	  3 days overdue   new-lead   L-0000000B  Baker Foods
	      new lead from website not contacted since 2026-02-26
	  in 4 days        pool       C-0000000B  Pool Risk GmbH
	      returns to the public pool: no follow-up since 2026-01-20
	  in 44 days       renewal    K-0000000A  Acme 年度订阅 2025
	      contract ends 2026-04-15 (renewal auto)

	wang (4)
	  3 days overdue   followup   L-0000000A  张伟
	      回电确认需求
	  3 days overdue   close-date O-0000000C  物流看板
	      expected to close 2026-02-27, still in qualified
	  2 days overdue   followup   C-0000000C  北京华夏物流有限公司
	      寄送报价单
	  2 days overdue   payment    Y-0000001E  物流数据平台 合同
	      60001 of 80000.50 outstanding, due 2026-02-28
	EOF
	)"
}

@test "crm-remind --format text: one day ahead is 'in 1 day'" {
	run -0 crm-remind --format text --kind new-lead --owner alice --days 1
	assert_output "$(lines 'alice (1)' \
		'  in 1 day         new-lead   L-0000000C  杭州云帆数据有限公司' \
		'      new lead from 展会 not contacted since 2026-03-02')"
}

@test "crm-remind --format jsonl: one object an item, overdue a number" {
	run -0 crm-remind --format jsonl --owner bob
	assert_output "$(cat <<-'EOF'
	{"kind":"stale","owner":"bob","entity":"opportunity","id":"O-0000000B","name":"Stale deal","due":"2026-02-23","overdue":7,"reason":"no follow-up in negotiation since 2026-02-16 (14 days, rot-days 7)"}
	{"kind":"new-lead","owner":"bob","entity":"lead","id":"L-0000000B","name":"Baker Foods","due":"2026-02-27","overdue":3,"reason":"new lead from website not contacted since 2026-02-26"}
	{"kind":"pool","owner":"bob","entity":"customer","id":"C-0000000B","name":"Pool Risk GmbH","due":"2026-03-06","overdue":-4,"reason":"returns to the public pool: no follow-up since 2026-01-20"}
	{"kind":"renewal","owner":"bob","entity":"contract","id":"K-0000000A","name":"Acme 年度订阅 2025","due":"2026-04-15","overdue":-44,"reason":"contract ends 2026-04-15 (renewal auto)"}
	EOF
	)"
	run -0 crm-remind --format jsonl --owner alice --kind followup
	assert_line --index 0 '{"kind":"followup","owner":"alice","entity":"customer","id":"C-0000000D","name":"Evil Corp\nBcc: x@evil","due":"2026-03-01","overdue":1,"reason":"call back"}'
}

@test "crm-remind --format tsv: the same columns, tab-separated" {
	run -0 crm-remind --format tsv --kind payment
	assert_output "$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		kind owner entity id name due overdue reason \
		payment alice payment Y-0000001A '数据中台 合同' 2026-02-20 10 '60000 of 100000 outstanding, due 2026-02-20' \
		payment alice payment Y-0000001B '数据中台 合同' 2026-03-06 -4 '50000 of 50000 outstanding, due 2026-03-06' \
		payment wang payment Y-0000001E '物流数据平台 合同' 2026-02-28 2 '60001 of 80000.50 outstanding, due 2026-02-28')"
}

# ---- mail -----------------------------------------------------------------------------

@test "crm-remind --format mail: one message per owner, unassigned items to the manager" {
	mail_run
	[ "$(count_messages <"$MBOX")" = 4 ] || fail "$(cat "$MBOX")"
	[ "$(nth_message 1 <"$MBOX" | header To)" = '<boss@example.com>' ]
	[ "$(nth_message 2 <"$MBOX" | header To)" = 'Alice Wang <alice@example.com>' ]
	[ "$(nth_message 3 <"$MBOX" | header To)" = 'Bob Li <bob@example.com>' ]
	[ "$(nth_message 4 <"$MBOX" | header To | unword)" = '王丽 <wang@example.com>' ]
	local n
	for n in 1 2 3 4; do
		[ "$(nth_message "$n" <"$MBOX" | header From)" = crm@example.com ]
	done
}

@test "crm-remind --format mail: mbox From lines and the headers, in order" {
	mail_run
	run grep '^From ' "$MBOX"
	assert_output "$(lines 'From crm-remind Mon Mar  2 00:00:00 2026' \
		'From crm-remind Mon Mar  2 00:00:00 2026' \
		'From crm-remind Mon Mar  2 00:00:00 2026' \
		'From crm-remind Mon Mar  2 00:00:00 2026')"
	run header_names < <(nth_message 3 <"$MBOX")
	assert_output "$(lines From To Date Message-ID Subject MIME-Version \
		Content-Type Content-Transfer-Encoding)"
	local msg
	msg=$(nth_message 3 <"$MBOX")
	[ "$(header MIME-Version <<<"$msg")" = 1.0 ]
	[ "$(header Content-Type <<<"$msg")" = 'text/plain; charset=UTF-8' ]
	[ "$(header Content-Transfer-Encoding <<<"$msg")" = base64 ]
	# Messages are separated by one blank line, the last one ends with one.
	[ -z "$(tail -n 1 "$MBOX")" ]
	[ "$(grep -c '^$' "$MBOX")" = 8 ]
}

@test "crm-remind --format mail: Date and Message-ID exact with today pinned" {
	mail_run --owner bob
	[ "$(header Date <"$MBOX")" = 'Mon, 02 Mar 2026 00:00:00 +0000' ]
	[ "$(header Message-ID <"$MBOX")" = '<20260302000000.626f62.crm-remind@example.com>' ]
	# A pinned moment with its zone.
	CRM_TODAY=2026-03-02T07:30:05+08:00 mail_run --owner wang
	[ "$(head -n 1 "$MBOX")" = 'From crm-remind Mon Mar  2 07:30:05 2026' ]
	[ "$(header Date < <(nth_message 1 <"$MBOX"))" = 'Mon, 02 Mar 2026 07:30:05 +0800' ]
	[ "$(header Message-ID < <(nth_message 1 <"$MBOX"))" = '<20260302073005.77616e67.crm-remind@example.com>' ]
}

@test "crm-remind --format mail: Date at month ends and on a leap day" {
	local day want
	for day in '2026-02-28 Sat, 28 Feb 2026' '2026-03-31 Tue, 31 Mar 2026' \
		   '2028-02-29 Tue, 29 Feb 2028' '2027-01-01 Fri, 01 Jan 2027'; do
		want="${day#* } 00:00:00 +0000"
		CRM_TODAY=${day%% *} mail_run --owner bob --kind renewal,stale,pool --days 400
		[ "$(nth_message 1 <"$MBOX" | header Date)" = "$want" ] ||
			fail "$day: $(nth_message 1 <"$MBOX" | header Date)"
	done
	[ "$(head -n 1 "$MBOX")" = 'From crm-remind Fri Jan  1 00:00:00 2027' ]
}

@test "crm-remind --format mail: the Subject counts the kinds, RFC 2047-encoded" {
	mail_run
	[ "$(nth_message 1 <"$MBOX" | header Subject | unword)" = '1 个跟进到期 — 2026-03-02' ]
	[ "$(nth_message 2 <"$MBOX" | header Subject | unword)" = '2 个跟进到期 · 1 stale deal · 1 revisit · 2 payments — 2026-03-02' ]
	[ "$(nth_message 3 <"$MBOX" | header Subject | unword)" = '1 stale deal · 1 new lead · 1 renewal · 1 pool warning — 2026-03-02' ]
	[ "$(nth_message 4 <"$MBOX" | header Subject | unword)" = '2 个跟进到期 · 1 close date passed · 1 payment — 2026-03-02' ]
	mail_run --owner alice --kind followup,stale
	[ "$(header Subject <"$MBOX" | unword)" = '2 个跟进到期 · 1 stale deal — 2026-03-02' ]
	# Encoded: the header itself is ASCII.
	run grep -n $'[^\t -~]' < <(awk 'NF == 0 { exit } 1' "$MBOX")
	assert_failure
}

@test "crm-remind --format mail: every encoded word is whole UTF-8 on its own" {
	add_conf '[owner "alice"]' '	name = 上海星河数智科技有限公司华东区销售总监王丽娜'
	mail_run
	local words w
	words=$(awk 'NF == 0 { h = 0 } /^From crm-remind / { h = 1 } h' "$MBOX" |
		grep -o '=?UTF-8?B?[A-Za-z0-9+/=]*?=')
	[ -n "$words" ]
	for w in $words; do
		w=${w#=?UTF-8?B?}
		w=${w%?=}
		printf '%s' "$w" | base64 -d | iconv -f UTF-8 -t UTF-8 >/dev/null ||
			fail "'$w' is not whole UTF-8"
	done
	[ "$(nth_message 2 <"$MBOX" | header To | unword)" = '上海星河数智科技有限公司华东区销售总监王丽娜 <alice@example.com>' ]
}

@test "crm-remind --format mail: Chinese owner name, To decodes back to 王丽" {
	mail_run --owner wang
	run header To <"$MBOX"
	assert_output '=?UTF-8?B?546L5Li9?= <wang@example.com>'
	[ "$(unword <<<"$output")" = '王丽 <wang@example.com>' ]
}

@test "crm-remind --format mail: the body is base64 UTF-8 text of the owner's items" {
	mail_run
	awk '/^From crm-remind / { b = 0 } b && length($0) > 76 { bad = 1 }
		NF == 0 { b = 1 } END { exit bad }' "$MBOX" ||
		fail "a body line is longer than 76"
	run body < <(nth_message 3 <"$MBOX")
	assert_output "$(cat <<-'EOF'
	bob: what is due (4)

	  7 days overdue   stale      O-0000000B  Stale deal
	      no follow-up in negotiation since 2026-02-16 (14 days, rot-days 7)
	  3 days overdue   new-lead   L-0000000B  Baker Foods
	      new lead from website not contacted since 2026-02-26
	  in 4 days        pool       C-0000000B  Pool Risk GmbH
	      returns to the public pool: no follow-up since 2026-01-20
	  in 44 days       renewal    K-0000000A  Acme 年度订阅 2025
	      contract ends 2026-04-15 (renewal auto)
	EOF
	)"
	run body < <(nth_message 1 <"$MBOX")
	assert_output "$(lines 'unassigned: what is due (1)' '' \
		'  10 days overdue  followup   C-0000000E  无主客户有限公司' \
		'      认领')"
}

@test "crm-remind --format mail: a record named 'Evil Corp\\nBcc: x@evil' never makes a header" {
	mail_run
	run grep -ci '^bcc:' "$MBOX"
	assert_output 0
	# The whole message's headers are the eight expected ones.
	run header_names < <(nth_message 2 <"$MBOX")
	assert_output "$(lines From To Date Message-ID Subject MIME-Version \
		Content-Type Content-Transfer-Encoding)"
	# The name is in the body, its second line indented as in --format text.
	local text
	text=$(nth_message 2 <"$MBOX" | body)
	[[ $text == *$'Evil Corp\n    Bcc: x@evil\n      call back'* ]] ||
		fail "the name is not in the body: $text"
	# Sent: the recipient is alice's address alone.
	run -0 crm-remind --format mail --send --owner alice
	[ "$(cat "$SENT/1.args")" = "$(lines -i -- alice@example.com)" ]
	run grep -ci '^bcc:' "$SENT/1.msg"
	assert_output 0
}

@test "crm-remind --format mail: control characters in a display name are stripped" {
	# \n and \t are crm.conf escapes; the CR is a raw byte.
	add_conf '[owner "bob"]' $'\tname = "Bob\\nBcc: x@evil\r\\tLi"'
	mail_run --owner bob
	run grep -ci '^bcc:' "$MBOX"
	assert_output 0
	[ "$(header To <"$MBOX")" = '"BobBcc: x@evil Li" <bob@example.com>' ]
}

@test "crm-remind --format mail: a display name with a comma stays one address" {
	# Regression: the display name goes into To unquoted, so "Wang, Li" reads as
	# two addresses; RFC 5322 wants it quoted ("Wang, Li") or encoded.
	add_conf '[owner "alice"]' '	name = Wang, Li'
	mail_run --owner alice
	run parse_addresses "$(header To <"$MBOX")"
	assert_output 'Wang, Li <alice@example.com>'
}

@test "crm-remind --format mail: addresses are checked, an owner without one is reported" {
	add_rows leads \
		'L-0000000G,Zoe Lead,Zoe Co,,,,website,working,0,carol,,2026-03-01,call,2026-02-20,,,,2026-02-01,2026-02-20'
	run -3 --separate-stderr crm-remind --format mail
	assert_stderr 'crm-remind: warning: owner carol has no e-mail address in crm.conf: 1 item not mailed'
	# The others still go.
	[ "$(count_messages <<<"$output")" = 4 ]
	run -3 --separate-stderr crm-remind --format mail --send
	assert_output ''
	assert_stderr 'crm-remind: warning: owner carol has no e-mail address in crm.conf: 1 item not mailed'
	[ "$(sends)" = 4 ]
	run cat "$SENT"/*.args
	refute_output --partial carol
	# Nothing is guessed from the owner's name, and a bad one is refused.
	local bad
	for bad in carol 'carol@localhost' '"carol@example.com\nBcc: x@evil"' \
		   '"Carol <carol@example.com>"' 'carol@example.com,x@evil.com'; do
		add_conf '[owner "carol"]' "	email = $bad"
		run -3 --separate-stderr crm-remind --format mail --owner carol
		assert_output ''
		assert_stderr 'crm-remind: warning: owner carol has no valid e-mail address in crm.conf: 1 item not mailed'
	done
}

@test "crm-remind --format mail: unassigned items without a manager are reported" {
	sed -i '/manager = /d' "$CRM_DIR/crm.conf"
	run -3 --separate-stderr crm-remind --format mail
	assert_stderr 'crm-remind: warning: the [remind] manager has no e-mail address in crm.conf: 1 item not mailed'
	[ "$(count_messages <<<"$output")" = 3 ]
}

@test "crm-remind --format mail: no [remind] from exits 3 before anything is written" {
	sed -i '/from = /d' "$CRM_DIR/crm.conf"
	run -3 --separate-stderr crm-remind --format mail --send
	assert_output ''
	assert_stderr 'crm-remind: crm.conf: [remind] from is not an e-mail address'
	[ "$(sends)" = 0 ]
	add_conf '[remind]' '	from = "crm@example.com\nBcc: x@evil"'
	run -3 --separate-stderr crm-remind --format mail
	assert_output ''
	assert_stderr_has '[remind] from is not an e-mail address'
}

@test "crm-remind --format mail: Message-IDs are valid and unique" {
	# Regression: the manager's message (unassigned items, owner '') gets
	# <20260302000000..crm-remind@example.com>: ".." is no dot-atom.
	mail_run --digest
	local atext="[A-Za-z0-9!#\$%&'*+/=?^_\`{|}~-]+"
	run grep '^Message-ID: ' "$MBOX"
	[ "${#lines[@]}" = 5 ]
	local id
	for id in "${lines[@]}"; do
		[[ ${id#Message-ID: } =~ ^\<$atext(\.$atext)*@$atext(\.$atext)*\>$ ]] ||
			fail "not a msg-id: $id"
	done
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" = 5 ]
}

@test "crm-remind --format mail: a header line with encoded words is at most 76 characters" {
	# Regression: RFC 2047 section 2 limits such lines to 76 characters; the
	# Subject's first line is 77 ("Subject: " and a 68-character word).
	mail_run
	run awk 'NF == 0 { h = 0 } /^From crm-remind / { h = 1; next }
		h && /=\?/ && length($0) > 76 { print length($0) ": " $0 }' "$MBOX"
	assert_output ''
}

# ---- --mbox ----------------------------------------------------------------------------

@test "crm-remind --mbox: the file is written whole, the same as standard output" {
	run -0 crm-remind --format mail --digest
	local want=$output
	echo old >"$BATS_TEST_TMPDIR/out.mbox"
	run -0 --separate-stderr crm-remind --format mail --digest \
		--mbox "$BATS_TEST_TMPDIR/out.mbox"
	assert_output ''
	assert_stderr ''
	[ "$(cat "$BATS_TEST_TMPDIR/out.mbox")" = "$want" ]
	[ "$(count_messages <"$BATS_TEST_TMPDIR/out.mbox")" = 5 ]
	# No temporary file is left beside it.
	[ "$(ls -A "$BATS_TEST_TMPDIR" | grep -c tmp)" = 0 ] ||
		fail "$(ls -A "$BATS_TEST_TMPDIR")"
	[ "$(sends)" = 0 ]
}

@test "crm-remind --mbox: a file that cannot be made exits 3" {
	run -3 --separate-stderr crm-remind --format mail \
		--mbox "$BATS_TEST_TMPDIR/no/such/dir/out.mbox"
	assert_output ''
	[[ $stderr == 'crm-remind: '* ]] || fail "$stderr"
}

# ---- --send ----------------------------------------------------------------------------

@test "crm-remind --send: each message to [remind] sendmail, recipient after --, never -t" {
	run -0 --separate-stderr crm-remind --format mail --send
	assert_output ''
	assert_stderr ''
	[ "$(sends)" = 4 ]
	[ "$(cat "$SENT/1.args")" = "$(lines -i -- boss@example.com)" ]
	[ "$(cat "$SENT/2.args")" = "$(lines -i -- alice@example.com)" ]
	[ "$(cat "$SENT/3.args")" = "$(lines -i -- bob@example.com)" ]
	[ "$(cat "$SENT/4.args")" = "$(lines -i -- wang@example.com)" ]
	run grep -x -- -t "$SENT"/*.args
	assert_failure
	# Each is the message --format mail writes, without the mbox line.
	mail_run
	local n
	for n in 1 2 3 4; do
		diff <(nth_message "$n" <"$MBOX") <(cat "$SENT/$n.msg"; echo) ||
			fail "message $n differs"
		[ "$(header To <"$SENT/$n.msg" | unword)" != '' ]
	done
	[ "$(header To <"$SENT/4.msg" | unword)" = '王丽 <wang@example.com>' ]
}

@test "crm-remind --send: a failed send is reported, the others still go, exit 3" {
	export FAIL_FOR=bob@example.com
	run -3 --separate-stderr crm-remind --format mail --send
	assert_output ''
	[[ $stderr == 'crm-remind: sending to bob@example.com failed'* ]] ||
		fail "$stderr"
	[ "$(grep -c . <<<"$stderr")" = 1 ] || fail "$stderr"
	[ "$(sends)" = 4 ]
	[ "$(tail -n 1 "$SENT/4.args")" = wang@example.com ]
	[ -s "$SENT/4.msg" ]
}

@test "crm-remind --send: a sendmail that cannot run fails every send, exit 3" {
	# BUG (fails now and then): the child's exec fails at once and
	# closes the pipe; when that happens before crm-remind writes the
	# message, SIGPIPE kills crm-remind (status 141); see the next test.
	set_conf sendmail "$BATS_TEST_TMPDIR/no-sendmail -i"
	run -3 --separate-stderr crm-remind --format mail --send
	assert_output ''
	[ "$(grep -c '^crm-remind: sending to .* failed' <<<"$stderr")" = 4 ] ||
		fail "$stderr"
}

@test "crm-remind --send: a sendmail that fails without reading a big message does not stop the others" {
	# Regression: crm-remind keeps SIGPIPE's default and writes the message
	# after forking: when sendmail exits before reading a message bigger
	# than the pipe (64 KiB), crm-remind dies of SIGPIPE (status 141) and
	# the owners after it get nothing.
	cat >"$BATS_TEST_TMPDIR/failfast" <<-'EOF'
	#!/bin/sh
	for a; do last=$a; done
	[ "$last" = bob@example.com ] && exit 1
	mkdir -p "${0%/*}/sent"
	cat >"${0%/*}/sent/$last"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/failfast"
	set_conf sendmail "$BATS_TEST_TMPDIR/failfast"
	seq 1000 2499 | awk '{ printf "L-%08d,Person %d with a long name for a big mail,Company %d,,,,web,working,0,bob,,2026-02-01,call them back about the offer,2026-02-01,,,,2026-01-01,2026-01-01\n", $1, $1, $1 }' \
		>>"$CRM_DIR/leads.csv"
	run -3 --separate-stderr crm-remind --format mail --send
	[[ $stderr == *'sending to bob@example.com failed'* ]] || fail "$stderr"
	[ -s "$SENT/wang@example.com" ] || fail "wang got nothing"
}

@test "crm-remind --digest: one more message, to the manager, with counts per owner and kind" {
	run -0 crm-remind --format mail --send --digest
	[ "$(sends)" = 5 ]
	[ "$(cat "$SENT/5.args")" = "$(lines -i -- boss@example.com)" ]
	[ "$(header To <"$SENT/5.msg")" = '<boss@example.com>' ]
	[ "$(header Subject <"$SENT/5.msg" | unword)" = 'crm reminders: 15 items — 2026-03-02' ]
	[ "$(header Message-ID <"$SENT/5.msg")" = '<20260302000000.646967657374.crm-remind@example.com>' ]
	run body <"$SENT/5.msg"
	assert_output "$(lines \
		'(no owner)      1  followup 1' \
		'alice           6  followup 2 stale 1 revisit 1 payment 2' \
		'bob             4  stale 1 new-lead 1 renewal 1 pool 1' \
		'wang            4  followup 2 close-date 1 payment 1')"
}

@test "crm-remind --digest: without a manager address it is reported, exit 3" {
	sed -i '/manager = /d' "$CRM_DIR/crm.conf"
	run -3 --separate-stderr crm-remind --format mail --send --digest --owner bob
	assert_stderr 'crm-remind: warning: no valid [remind] manager address: no digest'
	[ "$(sends)" = 1 ]
}

# ---- --once ------------------------------------------------------------------------------

@test "crm-remind --once: a second run the same day sends nothing and exits 1" {
	run -0 crm-remind --format mail --send --once --digest
	[ "$(sends)" = 5 ]
	run cat "$CRM_DIR/reminders.jsonl"
	assert_output "$(cat <<-'EOF'
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"","kind":"followup","id":"C-0000000E"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"alice","kind":"stale","id":"O-0000000F"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"alice","kind":"payment","id":"Y-0000001A"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"alice","kind":"followup","id":"C-0000000D"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"alice","kind":"followup","id":"O-0000000A"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"alice","kind":"revisit","id":"C-0000000A"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"alice","kind":"payment","id":"Y-0000001B"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"bob","kind":"stale","id":"O-0000000B"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"bob","kind":"new-lead","id":"L-0000000B"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"bob","kind":"pool","id":"C-0000000B"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"bob","kind":"renewal","id":"K-0000000A"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"wang","kind":"followup","id":"L-0000000A"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"wang","kind":"close-date","id":"O-0000000C"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"wang","kind":"followup","id":"C-0000000C"}
	{"at":"2026-03-02T00:00:00Z","by":"tester","day":"2026-03-02","owner":"wang","kind":"payment","id":"Y-0000001E"}
	EOF
	)"
	local before
	before=$(cksum <"$CRM_DIR/reminders.jsonl")
	run -1 --separate-stderr crm-remind --format mail --send --once --digest
	assert_output ''
	assert_stderr ''
	[ "$(sends)" = 5 ]
	[ "$(cksum <"$CRM_DIR/reminders.jsonl")" = "$before" ]
	# The mbox way too.
	run -1 crm-remind --format mail --once
	assert_output ''
}

@test "crm-remind --once: only what is new is mailed; the next day all again" {
	run -0 crm-remind --format mail --send --once
	add_rows leads \
		'L-0000000G,New One,Fresh Co,,,,website,new,0,alice,,,,,,,,2026-02-27,2026-02-27'
	run -0 crm-remind --format mail --send --once
	[ "$(sends)" = 5 ]
	[ "$(cat "$SENT/5.args")" = "$(lines -i -- alice@example.com)" ]
	[ "$(header Subject <"$SENT/5.msg" | unword)" = '1 new lead — 2026-03-02' ]
	run body <"$SENT/5.msg"
	assert_output "$(lines 'alice: what is due (1)' '' \
		'  2 days overdue   new-lead   L-0000000G  Fresh Co' \
		'      new lead from website not contacted since 2026-02-27')"
	[ "$(wc -l <"$CRM_DIR/reminders.jsonl")" = 16 ]
	CRM_TODAY=2026-03-03 run -0 crm-remind --format mail --send --once
	[ "$(sends)" = 9 ]
	[ "$(grep -c '"day":"2026-03-03"' "$CRM_DIR/reminders.jsonl")" = 17 ]
}

@test "crm-remind --once: what failed to go is not remembered, and goes next time" {
	export FAIL_FOR=bob@example.com
	run -3 crm-remind --format mail --send --once
	[ "$(sends)" = 4 ]
	run grep -c '"owner":"bob"' "$CRM_DIR/reminders.jsonl"
	assert_output 0
	[ "$(wc -l <"$CRM_DIR/reminders.jsonl")" = 11 ]
	unset FAIL_FOR
	run -0 crm-remind --format mail --send --once
	[ "$(sends)" = 5 ]
	[ "$(cat "$SENT/5.args")" = "$(lines -i -- bob@example.com)" ]
	[ "$(wc -l <"$CRM_DIR/reminders.jsonl")" = 15 ]
	run -1 crm-remind --format mail --send --once
}

@test "crm-remind --once: the lock held past --lock-timeout exits 3, nothing sent" {
	flock "$CRM_DIR/.lock" sleep 5 >/dev/null 2>&1 3>&- &
	local holder=$!
	while flock -n "$CRM_DIR/.lock" true; do
		sleep 0.02
	done
	run -3 --separate-stderr crm-remind --format mail --send --once \
		--lock-timeout 0.2
	kill "$holder" 2>/dev/null || :
	wait "$holder" 2>/dev/null || :
	assert_output ''
	[[ $stderr == 'crm-remind: '* ]] || fail "$stderr"
	[ "$(sends)" = 0 ]
	[ ! -s "$CRM_DIR/reminders.jsonl" ]
}

@test "crm-remind --once: who sent is in reminders.jsonl" {
	# Regression: --help says --user (or $CRM_USER) is "who sends, for
	# reminders.jsonl", but its lines have no "by" (history.jsonl's do).
	run -0 crm-remind --format mail --once --owner bob --user alice
	run jq -r .by "$CRM_DIR/reminders.jsonl"
	assert_output "$(lines alice alice alice alice)"
}

# ---- bad data and settings ---------------------------------------------------------

@test "crm-remind: a next_date that is no date exits 3 naming file:line" {
	# Regression: date_field() makes 2026-02-30 "no date", and the follow-up is
	# silently never reminded; crm-cust list and crm check report
	# "customers.csv:4: next_date '2026-02-30' is not a date".
	sed -i 's/,2026-02-28,寄送报价单,/,2026-02-30,寄送报价单,/' "$CRM_DIR/customers.csv"
	run -3 --separate-stderr crm-remind --kind followup
	assert_stderr_has 'customers.csv:4'
	assert_stderr_has 'next_date'
}

@test "crm-remind: a negative number of days in crm.conf exits 3 with a message" {
	# Regression: conf_days() returns the -5 it read, the caller takes it for its
	# error and prints "crm-remind: " with no message.
	add_conf '[remind]' '	new-lead-hours = -5'
	run -3 --separate-stderr crm-remind
	assert_output ''
	assert_stderr_has 'new-lead-hours'
}

@test "crm-remind: a word that is not a number in crm.conf exits 3 naming it" {
	add_conf '[remind]' '	renewal-days = soon'
	run -3 --separate-stderr crm-remind
	assert_output ''
	assert_stderr_has 'renewal-days'
}

@test "crm-remind --days: a deal that goes stale within the days looked ahead is listed" {
	# Regression: stale ignores --days (stale_deals() looks at today only), while
	# every other kind takes what falls due in the next N days.  O-0000000E
	# was last touched 2026-02-20 (qualified, rot-days 14): stale from
	# 2026-03-07, inside --days 6.
	run -0 crm-remind --kind stale --owner bob --days 6
	assert_line --index 1 "$R_OB"
	assert_line --index 2 --partial 'stale,bob,opportunity,O-0000000E,Moved on,2026-03-06,-4,'
}
