#!/bin/sh
# make demo: the toolkit on data-examples/ as of its "today", read-only.
cd "$(dirname "$0")/.." || exit 2
PATH="$PWD/bin:$PATH"
CRM_DIR="$PWD/data-examples" CRM_TODAY=2026-03-02
export PATH CRM_DIR CRM_TODAY

say() { printf '\n$ %s\n' "$*"; }

say crm check
crm check && echo "(clean)"
say crm cust list --format table
crm cust list --format table
say "crm cust list --pool --format table      # the public pool (公海)"
crm cust list --pool --format table
say "crm cust list --where '.tier == \"A\"' --sort name --format ids | head -1"
top=$(crm cust list --where '.tier == "A"' --sort name --format ids | head -1)
echo "$top"
say crm cust show "$top"
crm cust show "$top"
say "crm cust pay list --overdue --format table     # 回款: money that is late"
crm cust pay list --overdue --format table
say "crm cust contract list --expiring 60 --format table     # renewals coming up"
crm cust contract list --expiring 60 --format table
say "crm cust reclaim --dry-run --format table     # who goes back to the pool tonight"
crm cust reclaim --dry-run --format table
say "crm cust tier --dry-run --format table     # 客户分层 by the last 12 months' won revenue"
crm cust tier --dry-run --format table
say "crm opp stale --format table        # deals nobody has touched for too long"
crm opp stale --format table
say crm funnel --format table
crm funnel --format table
say crm funnel forecast --format table
crm funnel forecast --format table
say "crm remind --format text --owner alice      # what alice must do today"
crm remind --format text --owner alice
say "crm remind --format mail --owner alice | head -12     # the mail cron sends her"
crm remind --format mail --owner alice | head -12
