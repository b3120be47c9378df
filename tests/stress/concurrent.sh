#!/bin/bash
# concurrent.sh [ROUNDS] - 8 writers of different kinds at once on one data
# directory (2 crm-opp stage, 2 crm-cust log, 2 crm-lead import, 2
# crm-cust reclaim), ROUNDS changes each (default 40).  No change lost, no
# table torn, no deadlock, every writer gets the lock within the default
# --lock-timeout; then a writer that cannot get it exits 3 and says so.
. "$(dirname "$0")/common.sh"
ROUNDS=${1:-${STRESS_ROUNDS:-40}}
fail() { echo "concurrent: FAIL: $*" >&2; exit 1; }
cust=$(crm-cust add "Busy customer" --owner alice) || exit 2
for w in 1 2; do
	opp[$w]=$(crm-opp add "deal $w" --customer "$cust" --amount 100) || exit 2
done
for n in $(seq 1 20); do crm-cust add "Idle $n" --owner bob >/dev/null; done
stages=(qualified proposal negotiation lead)

writer() {	# kind number: ROUNDS changes; "ok" a line on stdout per success
	local kind=$1 w=$2 r
	for ((r = 1; r <= ROUNDS; r++)); do
		case $kind in
		# its own user: crm check takes two equal log lines (the
		# clock is pinned) for a merge gone wrong
		stage) CRM_USER="stress-$r" crm-opp stage "${opp[$w]}" "${stages[r % 4]}" ;;
		log) crm-cust log "$cust" "writer $w round $r" ;;
		import) printf 'name,company,email\nimp-%s-%s,Co,i%s-%s@example.com\n' \
				"$w" "$r" "$w" "$r" >"$work/in-$w-$r.csv"
			crm-lead import "$work/in-$w-$r.csv" ;;
		reclaim) crm-cust reclaim ;;
		esac >/dev/null 2>>"$work/err-$kind-$w"
		case $? in 0|1) echo ok ;; *) echo "failed: $kind $w round $r" ;; esac
	done >"$work/out-$kind-$w"
}

start=$(date +%s)
for w in 1 2; do
	for kind in stage log import reclaim; do writer $kind $w & done
done
wait
secs=$(($(date +%s) - start))
for f in "$work"/out-*; do
	grep -q failed "$f" && fail "$(grep failed "$f" | head -1): $(cat "$work"/err-* | head -3)"
done
# nothing lost: each stage change in history, each log line, each lead
for w in 1 2; do
	n=$(grep -c "\"id\":\"${opp[$w]}\",\"field\":\"stage\"" "$CRM_DIR/history.jsonl")
	[ "$n" -ge "$ROUNDS" ] || fail "deal $w: $n stage changes in history, want $ROUNDS"
	n=$(grep -c "\"text\":\"writer $w round " "$CRM_DIR/activities.jsonl")
	[ "$n" = "$ROUNDS" ] || fail "writer $w: $n log lines, want $ROUNDS"
	n=$(grep -c "^L-[^,]*,imp-$w-" "$CRM_DIR/leads.csv")
	[ "$n" = "$ROUNDS" ] || fail "importer $w: $n leads, want $ROUNDS"
done
crm check >/dev/null || fail "crm check"
# the last stage each deal was moved to is its stage
for w in 1 2; do
	want=${stages[ROUNDS % 4]}
	got=$(crm-opp list --format csv --where ".id == \"${opp[$w]}\"" | cut -d, -f1- | head -2 | tail -1)
	[[ $got == *",$want,"* ]] || fail "deal $w not at $want: $got"
done
# a writer that cannot get the lock within --lock-timeout exits 3
exec 9>"$CRM_DIR/.lock"
flock 9
crm-cust log "$cust" late --lock-timeout 1 2>"$work/late"
rc=$?
exec 9>&-
[ "$rc" = 3 ] || fail "--lock-timeout: exit $rc"
grep -q "is locked by another writer (waited 1 s)" "$work/late" || fail "--lock-timeout: $(cat "$work/late")"
echo "concurrent: 8 writers x $ROUNDS changes = $((8 * ROUNDS)) in ${secs}s, none lost, crm check clean, --lock-timeout exits 3"
