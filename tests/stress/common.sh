# common.sh - sourced by the stress scripts: the built programs first on
# PATH, a pinned clock, and a fresh data directory in $work (removed at
# exit) as $CRM_DIR.
set -u
cd "$(dirname "$0")/../.." || exit 2
BIN=${CRM_BIN:-$PWD/bin}
export PATH="$BIN:$PATH" LC_ALL=C.UTF-8 TZ=UTC CRM_TODAY=2026-03-02 CRM_USER=stress
unset NO_COLOR
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
export CRM_DIR="$work/data"
crm init "$CRM_DIR" 2>/dev/null || exit 2
