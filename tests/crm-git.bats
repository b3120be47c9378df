#!/usr/bin/env bats
# crm-git.bats - a data directory in git: crm init --git and git-setup,
# crm merge-driver (tables by record id, logs by union) with its exact
# outcomes on conflicts, crm sync, and three clones making hundreds of
# random changes that all merge.

load test_helper/common

setup() {
	command -v git >/dev/null || fail "git is not installed"
	# No one's git settings leak in; every repository sets its user.
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$BATS_TEST_TMPDIR/gitconfig"
	printf '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n' \
		>"$GIT_CONFIG_GLOBAL"
	cd "$BATS_TEST_TMPDIR"
}

git_user() {
	git config user.name "$1"
	git config user.email "$1@example.com"
}

# A bare origin.git holding a data directory with one customer, Acme,
# and one deal, Deal (its id in $DEAL); then a clone for each name given,
# set up with crm git-setup, as each salesperson's.
team() {
	git init -q --bare origin.git
	git clone -q origin.git seed 2>/dev/null
	(
		cd seed && git_user seed
		crm init --git . 2>/dev/null
		crm-cust add Acme >/dev/null
		crm-opp add Deal --customer Acme --amount 100 >"$BATS_TEST_TMPDIR/deal"
		git add -A && git commit -qm seed && git push -q origin HEAD
	)
	DEAL=$(cat "$BATS_TEST_TMPDIR/deal")
	local u
	for u in "$@"; do
		git clone -q origin.git "$u"
		(cd "$u" && git_user "$u" && crm git-setup 2>/dev/null)
	done
}

# Commit what changed and share it: pull (merging), then push.
share() {
	(cd "$1" && git add -A && { git diff --cached --quiet ||
		git commit -qm "$1's changes"; } &&
		git pull -q --no-rebase --no-edit && git push -q)
}

# ---- setting up --------------------------------------------------------------

@test "crm init --git: a git repository with the attributes, ignores and merge drivers" {
	run -0 --separate-stderr crm init --git data
	[ "$stderr" = "$(printf '%s\n' 'crm: initialised data directory data' \
		'crm: git merges of data go through crm merge-driver')" ] ||
		fail "stderr: $stderr"
	cd data
	[ "$(git rev-parse --is-inside-work-tree)" = true ]
	[ "$(cat .gitattributes)" = "$(printf '%s\n' \
		'# crm: tables merge by record, logs by union' \
		'customers.csv merge=crm' 'contacts.csv merge=crm' \
		'leads.csv merge=crm' 'opportunities.csv merge=crm' \
		'contracts.csv merge=crm' 'payments.csv merge=crm' \
		'activities.jsonl merge=crm-log' 'history.jsonl merge=crm-log' \
		'forecasts.jsonl merge=crm-log' 'reminders.jsonl merge=crm-log')" ] ||
		fail ".gitattributes: $(cat .gitattributes)"
	[ "$(cat .gitignore)" = "$(printf '%s\n' '# crm: local files' \
		conflicts.jsonl .lock .commit '.tmp-*')" ] || fail ".gitignore: $(cat .gitignore)"
	[ "$(git config merge.crm.driver)" = 'crm merge-driver %O %A %B %P' ]
	[ "$(git config merge.crm-log.driver)" = 'crm merge-driver --log %O %A %B %P' ]
	[ "$(git check-attr merge opportunities.csv)" = 'opportunities.csv: merge: crm' ]
	[ "$(git check-attr merge history.jsonl)" = 'history.jsonl: merge: crm-log' ]
	crm check
}

@test "crm git-setup: in a repository above the data directory, twice, keeping what is there" {
	git init -q repo
	crm init repo/sales 2>/dev/null
	printf '*.pdf binary\n' >repo/sales/.gitattributes
	cd repo/sales
	run -0 --separate-stderr crm git-setup
	[ "$stderr" = "crm: git merges of $PWD go through crm merge-driver" ] ||
		fail "stderr: $stderr"
	[ ! -d .git ] || fail "a second repository was made inside the first"
	local attrs
	attrs=$(cat .gitattributes)
	[ "$(head -n 2 .gitattributes)" = "$(printf '%s\n' '*.pdf binary' \
		'# crm: tables merge by record, logs by union')" ] ||
		fail ".gitattributes: $attrs"
	run -0 crm git-setup
	[ "$(cat .gitattributes)" = "$attrs" ] || fail "a second run changed .gitattributes"
	[ "$(grep -c conflicts.jsonl .gitignore)" = 1 ]
	[ "$(git -C .. check-attr merge sales/payments.csv)" = 'sales/payments.csv: merge: crm' ]
}

@test "crm merge-driver: usage errors exit 2, an unknown table exits 3" {
	run -2 --separate-stderr crm merge-driver a b c
	assert_output ''
	[ "${stderr%%$'\n'*}" = 'crm: merge-driver takes base, ours, theirs and the path' ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr crm merge-driver --strict --log a b c d.csv
	[ "${stderr%%$'\n'*}" = 'crm: --strict and --log exclude each other' ] ||
		fail "stderr: $stderr"
	run -2 --separate-stderr crm check --git
	[ "${stderr%%$'\n'*}" = 'crm: --git is not an option of check' ] ||
		fail "stderr: $stderr"
	touch a b c
	run -3 --separate-stderr crm merge-driver a b c notes.csv
	[ "$stderr" = 'crm: notes.csv: not a crm table' ] || fail "stderr: $stderr"
}

# ---- merging ----------------------------------------------------------------

@test "crm merge-driver: edits of different fields and records merge by themselves" {
	team alice bob
	(cd alice && crm-opp set "$DEAL" amount=200 && crm-opp add Second --customer Acme >/dev/null)
	(cd bob && crm-opp stage "$DEAL" proposal && crm-opp set "$DEAL" region=north)
	share alice
	run -0 --separate-stderr share bob
	[ "$(grep -c '^<<<<<<<' bob/opportunities.csv)" = 0 ]
	cd bob
	run -0 crm-opp list --format tsv --sort name
	[ "$(cut -f 2,7,8,20 <<<"$output")" = "$(printf '%s\t%s\t%s\t%s\n' \
		name stage amount region Deal proposal 200 north Second lead '' '')" ] ||
		fail "list: $output"
	[ ! -e conflicts.jsonl ]
	crm check
}

@test "crm merge-driver: the same field changed two ways keeps the later change and lists it" {
	team alice bob
	(cd alice && CRM_TODAY=2026-03-02T11:00:00Z crm-opp stage "$DEAL" proposal)
	(cd bob && CRM_TODAY=2026-03-02T10:00:00Z crm-opp stage "$DEAL" negotiation &&
		crm-opp set "$DEAL" amount=300)
	share alice
	run -0 --separate-stderr share bob
	[ "${stderr%%$'\n'*}" = "crm: warning: opportunities.csv: $DEAL stage changed both ways, 'negotiation' (ours) and 'proposal' (theirs): kept 'proposal', the later change" ] ||
		fail "stderr: $stderr"
	cd bob
	[ "$(crm-opp list --format tsv | cut -f 7,8 | tail -n 1)" = "$(printf 'proposal\t300')" ]
	[ "$(cat conflicts.jsonl)" = "{\"at\":\"2026-03-02T00:00:00Z\",\"by\":\"tester\",\"file\":\"opportunities.csv\",\"id\":\"$DEAL\",\"conflict\":\"field\",\"field\":\"stage\",\"base\":\"lead\",\"ours\":\"negotiation\",\"theirs\":\"proposal\",\"ours_at\":\"2026-03-02T10:00:00Z\",\"theirs_at\":\"2026-03-02T11:00:00Z\",\"kept\":\"theirs\"}" ] ||
		fail "conflicts.jsonl: $(cat conflicts.jsonl)"
	run -3 --separate-stderr crm check
	assert_output "conflicts.jsonl:1: opportunities.csv $DEAL stage: changed both ways, 'negotiation' (ours) and 'proposal' (theirs): kept 'proposal'"
	[ "$stderr" = 'crm: 1 problem' ]
	# conflicts.jsonl is local: git ignores it
	[ -z "$(git status --porcelain)" ] || fail "git status: $(git status --porcelain)"
	rm conflicts.jsonl
	crm check
}

@test "crm merge-driver: in git pull --rebase, the later change is kept too" {
	team alice bob
	(cd alice && CRM_TODAY=2026-03-02T10:00:00Z crm-opp stage "$DEAL" proposal)
	(cd bob && CRM_TODAY=2026-03-02T11:00:00Z crm-opp stage "$DEAL" negotiation)
	share alice
	cd bob
	git add -A && git commit -qm "bob's changes"
	# a rebase replays bob's commit onto alice's: that is "theirs"
	run -0 --separate-stderr git pull -q --rebase
	[ "${stderr%%$'\n'*}" = "crm: warning: opportunities.csv: $DEAL stage changed both ways, 'proposal' (ours) and 'negotiation' (theirs): kept 'negotiation', the later change" ] ||
		fail "stderr: $stderr"
	[ "$(crm-opp list --format tsv | cut -f 7 | tail -n 1)" = negotiation ]
}

@test "crm merge-driver --strict: the same field changed two ways is left between git's markers" {
	team alice bob
	(cd bob && git config merge.crm.driver 'crm merge-driver --strict %O %A %B %P')
	(cd alice && crm-opp set "$DEAL" amount=200 name=Big)
	(cd bob && crm-opp set "$DEAL" amount=300)
	share alice
	run -1 share bob
	cd bob
	local tail="Acme,,,new-business,lead"
	local id=$DEAL cust
	cust=$(cut -d, -f1 customers.csv | tail -n 1)
	[ "$(tail -n 5 opportunities.csv)" = "$(printf '%s\n' '<<<<<<< ours' \
		"$id,Big,$cust,,,new-business,lead,300,CNY,,,,,,,,2026-03-02,,2026-03-02" \
		'=======' \
		"$id,Big,$cust,,,new-business,lead,200,CNY,,,,,,,,2026-03-02,,2026-03-02" \
		'>>>>>>> theirs')" ] || fail "opportunities.csv: $(cat opportunities.csv)"
	[ "$(git diff --name-only --diff-filter=U)" = opportunities.csv ]
	grep -q '"kept":""}$' conflicts.jsonl
	run -3 crm check
	assert_line "conflicts.jsonl:1: opportunities.csv $id amount: changed both ways, '300' (ours) and '200' (theirs): left as a conflict"
}

@test "crm merge-driver: a record deleted on one side and changed on the other keeps the change" {
	team alice bob
	(cd alice && crm-cust add Other >/dev/null && git add -A && git commit -qm other && git push -q)
	(cd bob && git pull -q --no-rebase)
	local other
	other=$(cd alice && crm-cust list --format ids --where '.name == "Other"')
	# alice removes the customer by hand; bob changes it
	(cd alice && grep -v "^$other," customers.csv >c.tmp && mv c.tmp customers.csv)
	(cd bob && crm-cust set "$other" city=Shanghai)
	share alice
	run -0 --separate-stderr share bob
	[ "${stderr%%$'\n'*}" = "crm: warning: customers.csv: $other deleted by theirs but changed by ours: the change kept" ] ||
		fail "stderr: $stderr"
	cd bob
	[ "$(crm-cust show "$other" | grep -c Shanghai)" = 1 ]
	run -3 --separate-stderr crm check
	assert_output "conflicts.jsonl:1: customers.csv $other: deleted on one side, changed on the other (ours): the change kept"
	# deleted on one side, unchanged on the other: gone
	(cd ../alice && git pull -q --no-rebase && grep -v "^$other," customers.csv >c.tmp &&
		mv c.tmp customers.csv)
	share ../alice
	git pull -q --no-rebase
	[ "$(grep -c "^$other," customers.csv)" = 0 ]
}

@test "crm merge-driver: custom columns added on either side are both kept" {
	team alice bob
	(cd alice && crm-opp set "$DEAL" region=north)
	(cd bob && crm-opp set "$DEAL" size=big && crm-cust set Acme vip=yes)
	share alice
	share bob
	cd bob
	# ours' columns (bob's), then theirs' new ones
	[ "$(head -n 1 opportunities.csv)" = 'id,name,customer,contact,owner,pipeline,stage,amount,currency,probability,close,source,next_date,next_action,last_contact,reason,created,closed,updated,size,region' ] ||
		fail "header: $(head -n 1 opportunities.csv)"
	[ "$(tail -n 1 opportunities.csv | cut -d, -f 20,21)" = 'big,north' ]
	[ "$(head -n 1 customers.csv | cut -d, -f 20)" = vip ]
	crm check
}

@test "crm merge-driver --log: union of two logs, ours first, no line twice" {
	printf 'a\nb\nc\n' >ours
	printf 'a\nb\nd\nc\ne' >theirs
	run -0 crm merge-driver --log base ours theirs history.jsonl
	[ "$(cat ours)" = "$(printf 'a\nb\nc\nd\ne')" ]
}

@test "crm merge-driver: log lines that reach a clone twice are there once" {
	team alice bob carol
	(cd alice && crm-opp log "$DEAL" 'called them' --type call)
	share alice
	# bob and carol both have alice's lines, and add their own
	(cd bob && git pull -q --no-rebase && crm-opp log "$DEAL" 'sent the quote')
	(cd carol && git pull -q --no-rebase && crm-opp log "$DEAL" 'met them' --type meeting)
	share bob
	share carol
	share alice
	cd alice
	[ "$(cut -d, -f 5- activities.jsonl | sort | uniq -d)" = '' ]
	[ "$(grep -o '"text":"[^"]*"' activities.jsonl)" = "$(printf '%s\n' \
		'"text":"called them"' '"text":"met them"' '"text":"sent the quote"')" ] ||
		fail "activities: $(cat activities.jsonl)"
	crm check
	# a log line twice is what crm check flags
	tail -n 1 history.jsonl >>history.jsonl
	run -3 --separate-stderr crm check
	assert_output "history.jsonl:$(wc -l <history.jsonl): same line as line $(($(wc -l <history.jsonl) - 1))"
}

# ---- sync ---------------------------------------------------------------------

@test "crm sync: commits, pulls, pushes, and lists the deals and stage moves that came in" {
	team alice bob
	(cd alice && CRM_USER=alice crm-opp stage "$DEAL" qualified &&
		CRM_USER=alice crm-opp add Second --customer Acme >"$BATS_TEST_TMPDIR/second" &&
		CRM_USER=alice crm-opp log "$DEAL" 'called' && crm sync 2>/dev/null)
	cd bob
	run -0 --separate-stderr crm sync
	assert_output "$(printf '%s\n' \
		"stage     $DEAL  Deal  lead -> qualified  (alice)" \
		"new deal  $(cat "$BATS_TEST_TMPDIR/second")  Second  (alice)")"
	[ "${stderr##*$'\n'}" = 'crm: came in: 1 new deal, 1 stage move, 1 other change, 1 activity' ] ||
		fail "stderr: $stderr"
	[ "$(git log -1 --format=%s origin/main)" = 'crm sync: changes by alice' ] ||
		[ "$(git log -1 --format=%s origin/main)" = 'crm sync: changes by tester' ]
	run -0 --separate-stderr crm sync
	assert_output ''
	[ "${stderr##*$'\n'}" = 'crm: nothing came in' ] || fail "stderr: $stderr"
}

@test "crm sync: what came in fits one screen" {
	team alice bob
	(cd alice && { echo name,customer; for i in $(seq 25); do echo "d$i,Acme"; done; } |
		crm-opp import - 2>/dev/null && crm sync 2>/dev/null)
	cd bob
	run -0 --separate-stderr crm sync
	[ "${#lines[@]}" = 21 ] || fail "$output"
	[ "${lines[20]}" = '... and 5 more' ]
	[ "${stderr##*$'\n'}" = 'crm: came in: 25 new deals, 0 stage moves, 0 other changes, 0 activities' ] ||
		fail "stderr: $stderr"
}

@test "crm sync: without crm git-setup in the clone exits 3 saying so" {
	team
	git clone -q origin.git fresh
	cd fresh
	run -3 --separate-stderr crm sync
	[ "$stderr" = "crm: this clone has no crm merge driver: run 'crm git-setup' first" ] ||
		fail "stderr: $stderr"
}

@test "crm sync: without a remote commits here only" {
	crm init --git data 2>/dev/null
	cd data && git_user solo
	crm-cust add Acme >/dev/null
	run -0 --separate-stderr crm sync
	[ "$stderr" = 'crm: no git remote: changes committed here only' ] ||
		fail "stderr: $stderr"
	[ -z "$(git status --porcelain)" ]
	[ "$(git log --format=%s)" = 'crm sync: changes by tester' ]
}

# ---- three clones, hundreds of random changes ------------------------------------

# Random numbers from a seed of our own: bash reseeds $RANDOM in every
# subshell, so it can't replay a run.  rnd N sets R to 0..N-1.
rnd() {
	SEEDSTATE=$(((SEEDSTATE * 1103515245 + 12345) % 2147483648))
	R=$(((SEEDSTATE / 65536) % $1))
}

# PICKED: up to $2 random seed deals, those clone $1 may move (every third
# from its offset), or with "any" all of them.
pick() {
	local i
	local -a from
	if [ "$1" = any ]; then
		from=("${SEED[@]}")
	else
		for ((i = $1; i < ${#SEED[@]}; i += 3)); do
			from+=("${SEED[i]}")
		done
	fi
	PICKED=()
	for ((i = 0; i < $2; i++)); do
		rnd ${#from[@]}
		[[ " ${PICKED[*]} " == *" ${from[R]} "* ]] || PICKED+=("${from[R]}")
	done
}

# One round of clone $1 (index $2, day $3, round $4): 20 new deals, stage
# moves of its own deals, edits of its own field of any deal, follow-ups
# on any deal.  What it expects to see at the end goes to $EXPECT.
work() {
	local u=$1 k=$2 round=$4 stage field value i before
	local fields=(amount close region)
	export CRM_TODAY=$3 CRM_USER=$u
	SEEDSTATE=$((20260302 + 10 * round + k))
	cd "$BATS_TEST_TMPDIR/$u"
	before=$(wc -l <history.jsonl)
	{
		echo name,customer,amount
		for ((i = 1; i <= 20; i++)); do
			rnd 900
			echo "$u-$round-$i,Acme,$((R + 100))"
			echo "$u-$round-$i" >>"$NAMES"
		done
	} | crm-opp import - 2>/dev/null
	for stage in qualified proposal negotiation; do
		pick "$k" 6
		printf '%s\n' "${PICKED[@]}" | crm-opp stage - "$stage"
		for i in "${PICKED[@]}"; do echo "$i stage $stage"; done >>"$EXPECT"
	done
	field=${fields[k]}
	rnd 9000
	case $field in
	amount) value=$((R + 1000)) ;;
	close) value=2026-0$((R % 9 + 1))-1$((R % 7)) ;;
	region) value=r$R ;;
	esac
	pick any 12
	printf '%s\n' "${PICKED[@]}" | crm-opp set - "$field=$value"
	for i in "${PICKED[@]}"; do echo "$i $field $value"; done >>"$EXPECT"
	pick any 12
	printf '%s\n' "${PICKED[@]}" | crm-opp log - "$u $round"
	for i in "${PICKED[@]}"; do
		echo "$i last_contact $CRM_TODAY" >>"$EXPECT"
		echo "$i $u $round" >>"$ACTS"
	done
	echo $(($(wc -l <history.jsonl) - before)) >>"$HIST"
	git add -A && git commit -qm "$u round $round"
}

# Every clone, in an order shuffled by the seed, pulls and pushes.
share_all() {
	local -a order=(alice bob carol)
	local i t
	for i in 2 1; do
		rnd $((i + 1))
		t=${order[i]} order[i]=${order[R]} order[R]=$t
	done
	for t in "${order[@]}"; do
		(cd "$BATS_TEST_TMPDIR/$t" && git pull -q --no-rebase --no-edit &&
			git push -q) || return 1
	done
}

@test "crm merge-driver: three clones make hundreds of random changes that all merge, each once" {
	SEEDSTATE=20260302
	team alice bob carol
	EXPECT=$BATS_TEST_TMPDIR/expect NAMES=$BATS_TEST_TMPDIR/names
	ACTS=$BATS_TEST_TMPDIR/acts HIST=$BATS_TEST_TMPDIR/hist
	: >"$EXPECT" >"$NAMES" >"$ACTS" >"$HIST"
	# 30 seed deals everyone works on
	(cd seed && { echo name,customer; for i in $(seq 30); do echo "seed-$i,Acme"; done; } |
		crm-opp import - 2>/dev/null && git add -A && git commit -qm deals && git push -q)
	share_all
	local -a SEED
	SEED=($(cd alice && crm-opp list --format ids --where '.name | startswith("seed-")'))
	[ "${#SEED[@]}" = 30 ]
	local hist0 round
	hist0=$(wc -l <alice/history.jsonl)
	for round in 1 2 3; do
		# each round later than the last, as days go
		(work alice 0 2026-0$((2 + round))-10 "$round")
		(work bob 1 2026-0$((2 + round))-11 "$round")
		(work carol 2 2026-0$((2 + round))-12 "$round")
		share_all
	done
	share_all
	cd alice
	# every clone ends with the same data, and nothing is left over
	[ "$(git rev-parse HEAD^{tree})" = "$(git -C ../bob rev-parse HEAD^{tree})" ]
	[ "$(git rev-parse HEAD^{tree})" = "$(git -C ../carol rev-parse HEAD^{tree})" ]
	[ -z "$(git status --porcelain)" ]
	[ ! -e conflicts.jsonl ] && [ ! -e ../bob/conflicts.jsonl ] && [ ! -e ../carol/conflicts.jsonl ]
	# every new deal once
	[ "$(crm-opp list --format tsv | cut -f 2 | grep -E '^(alice|bob|carol)-' | sort)" = "$(sort "$NAMES")" ]
	[ "$(wc -l <"$NAMES")" = 180 ]
	# every field the last value its clone gave it (last_contact: the latest)
	local want got
	want=$(awk '$2 == "last_contact" { if ($3 > v[$1 " " $2]) v[$1 " " $2] = $3; next }
		{ v[$1 " " $2] = $3 } END { for (k in v) print k, v[k] }' "$EXPECT" | sort)
	got=$(crm-opp list --format tsv | awk -F '\t' '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["name"] ~ /^seed-/ {
		  split("stage amount close region last_contact", f, " ")
		  for (j in f) if ($c[f[j]] != "" && ($c[f[j]] != "lead"))
			print $1, f[j], $c[f[j]] }' | sort)
	[ "$want" = "$got" ] || fail "$(diff <(echo "$want") <(echo "$got") | head -20)"
	# every follow-up once, every history line once
	[ "$(sed -E 's/.*"id":"([^"]*)","type":"note","text":"([^"]*)".*/\1 \2/' activities.jsonl | sort)" = "$(sort "$ACTS")" ]
	[ "$(wc -l <history.jsonl)" = "$((hist0 + $(paste -sd+ "$HIST")))" ]
	run -0 crm check
	[ "$(wc -l <"$EXPECT")" -gt 300 ]
}
