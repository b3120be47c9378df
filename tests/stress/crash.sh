#!/bin/bash
# crash.sh [KILLS] - kill writers with SIGKILL at random moments, KILLS
# times (default 300).  After each kill: every table parses, crm check is
# clean, and every change whose command had returned success is there.
# Leftover temp files must be gone after the next writer.  Prints one
# figure line at the end: "crash: N kills (M mid-run), K changes kept".
. "$(dirname "$0")/common.sh"
KILLS=${1:-${STRESS_KILLS:-300}}
expect="$work/expect"    # names whose command returned 0
: >"$expect"
cust=$(crm-cust add "Seed customer") || exit 2
opp=$(crm-opp add "Seed deal" --customer "$cust" --amount 1000) || exit 2
stages=(lead qualified proposal negotiation)
RANDOM=${STRESS_SEED:-1}
fail() { echo "crash: FAIL after kill $i: $*" >&2; exit 1; }

# One random change; prints the name it adds (if any) on fd 3.
change() {
	local n=$1
	case $((RANDOM % 7)) in
	0) echo "cust-$n" >&3; exec crm-cust add "cust-$n" --owner alice ;;
	1) echo "deal-$n" >&3; exec crm-opp add "deal-$n" --customer "$cust" --amount "$n" ;;
	2) # its own user: crm check takes two equal log lines for a bad merge
	   CRM_USER="stress-$n" exec crm-opp stage "$opp" "${stages[RANDOM % 4]}" ;;
	3) printf 'name,company,email\nlead-%s,Co %s,l%s@example.com\n' "$n" "$n" "$n" >"$work/in-$n.csv"
	   echo "lead-$n" >&3; exec crm-lead import "$work/in-$n.csv" ;;
	4) echo "conv-$n" >&3
	   l=$(crm-lead add "conv-$n" --company "Conv $n") || exit 3
	   exec crm-lead convert "$l" --opp "conv-deal-$n" --amount 5 ;;
	5) exec crm-cust log "$cust" "note $n" --next +3d ;;
	6) echo "dup-$n" >&3	# a merge: customers, deals, logs at once
	   a=$(crm-cust add "dup-$n") && b=$(crm-cust add "dup-$n" --city X) &&
		crm-opp add "dup-deal-$n" --customer "$b" >/dev/null || exit 3
	   exec crm-cust merge "$a" "$b" ;;
	esac
}

mid=0
for ((i = 1; i <= KILLS; i++)); do
	(change "$i" 3>"$work/name") >/dev/null 2>"$work/err" &
	pid=$!
	sleep "0.0$(printf %02d $((RANDOM % 40)))"
	if kill -9 "$pid" 2>/dev/null; then mid=$((mid + 1)); fi
	wait "$pid" 2>/dev/null
	rc=$?
	if [ "$rc" = 0 ] && [ -s "$work/name" ]; then
		cat "$work/name" >>"$expect"
		case $(cat "$work/name") in
		conv-*) echo "conv-deal-$i" >>"$expect" ;;
		dup-*) echo "dup-deal-$i" >>"$expect" ;;
		esac
	fi
	# every table parses, the directory is consistent
	for t in "crm-cust list" "crm-opp list" "crm-lead list"; do
		$t --format csv >/dev/null 2>"$work/err"
		case $? in 0|1) ;; *) fail "$t: $(cat "$work/err")" ;; esac
	done
	crm check >"$work/err" 2>&1 || { cp -r "$CRM_DIR" "${STRESS_KEEP:-/tmp}/crash-failed.$$"; fail "crm check: $(cat "$work/err") (directory kept in ${STRESS_KEEP:-/tmp}/crash-failed.$$)"; }
	# every change that returned success is there
	cat "$CRM_DIR"/*.csv >"$work/all"
	while read -r name; do
		grep -q -- ",$name," "$work/all" || fail "lost: $name"
	done <"$expect"
done
# the next writer cleans what the killed ones left
crm-cust add "after" >/dev/null || fail "writer after the kills"
left=$(find "$CRM_DIR" -name '.tmp-*' -o -name .commit | wc -l)
[ "$left" = 0 ] || fail "$left temp files left after a writer"
echo "crash: $KILLS kills ($mid mid-run), $(wc -l <"$expect") changes kept, crm check clean"
