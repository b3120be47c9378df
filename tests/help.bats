#!/usr/bin/env bats
# help.bats - each program's --help against its man page and completions:
# the usage lines equal the rendered SYNOPSIS, the long options are the
# same in both, the pages are mandoc-clean, and the completions know every
# command and option.

load test_helper/common

MAN_DIR="$REPO_DIR/man"
COMP_DIR="$REPO_DIR/completions"

# Whitespace runs to one space, none at the ends.
squeeze() {
	tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//'
}

# The usage lines of --help (up to the first blank line), "usage:" cut.
help_synopsis() {
	"$1" --help | awk 'NF == 0 { exit } { print }' |
		sed '1s/^usage://' | squeeze
}

# Long options anywhere in --help, one a line.
help_long_options() {
	"$1" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# One section of a rendered man page, headings excluded.  The sed is
# "col -b" (bold and underline are X-backspace-X), without needing col.
man_section() {
	mandoc -Tascii "$1" | sed 's/.\x08//g' |
		awk -v s="$2" '$0 == s { on = 1; next } /^[A-Z]/ { on = 0 } on'
}

man_synopsis() {
	man_section "$1" SYNOPSIS | squeeze
}

man_long_options() {
	man_section "$1" OPTIONS | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

need_mandoc() {
	command -v mandoc >/dev/null || fail "mandoc is not installed"
}

check_synopsis() {
	local prog=$1 page="$MAN_DIR/$1.1" want got
	need_mandoc
	[ -f "$page" ] || fail "no man page $page"
	want=$(help_synopsis "$prog")
	got=$(man_synopsis "$page")
	[ -n "$want" ] || fail "$prog --help printed no usage lines"
	[ "$got" = "$want" ] || fail "$(printf 'SYNOPSIS differs from --help\n--help:   %s\nman page: %s' "$want" "$got")"
}

check_options_in_man() {
	local prog=$1 page="$MAN_DIR/$1.1" opt missing=
	need_mandoc
	local man_opts
	man_opts=$(man_long_options "$page")
	for opt in $(help_long_options "$prog"); do
		grep -qxF -- "$opt" <<<"$man_opts" || missing+=" $opt"
	done
	[ -z "$missing" ] || fail "in --help, not in OPTIONS of $page:$missing"
}

check_man_options_in_help() {
	local prog=$1 page="$MAN_DIR/$1.1" opt extra=
	need_mandoc
	local help_opts
	help_opts=$(help_long_options "$prog")
	[ -n "$(man_long_options "$page")" ] || fail "no OPTIONS in $page"
	for opt in $(man_long_options "$page"); do
		grep -qxF -- "$opt" <<<"$help_opts" || extra+=" $opt"
	done
	[ -z "$extra" ] || fail "in OPTIONS of $page, not in --help:$extra"
}

check_help_streams() {
	run --separate-stderr "$1" --help
	assert_success
	assert_output --partial "usage: $1 "
	[ -z "$stderr" ] || fail "--help wrote to standard error: $stderr"
}

# Run bash completion function $1 on the words after it; COMPREPLY is set.
complete_bash() {
	local fn=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
}

# Fail unless every word of $1 is in COMPREPLY.
assert_offered() {
	local w r missing=
	for w in $1; do
		for r in "${COMPREPLY[@]}"; do
			[ "$r" = "$w" ] && continue 2
		done
		missing+=" $w"
	done
	[ -z "$missing" ] || fail "not offered:$missing (offered: ${COMPREPLY[*]})"
}

check_bash_completion() {
	local prog=$1 fn=$2 verbs=$3
	# shellcheck source=/dev/null
	source "$COMP_DIR/$prog.bash"
	complete -p "$prog" | grep -q -- "-F $fn " ||
		fail "$prog.bash does not register $fn for $prog"
	complete_bash "$fn" "$prog" ''
	assert_offered "$verbs"
	complete_bash "$fn" "$prog" --
	assert_offered "$(help_long_options "$prog")"
}

check_zsh_completion() {
	local prog=$1 file="$COMP_DIR/_$1" opt missing=
	[ -f "$file" ] || fail "no $file"
	head -n 1 "$file" | grep -qx "#compdef $prog" ||
		fail "$file does not start with #compdef $prog"
	for opt in $(help_long_options "$prog"); do
		grep -qE -- "(^|[^a-z-])$opt([^a-z0-9-]|\$)" "$file" ||
			missing+=" $opt"
	done
	[ -z "$missing" ] || fail "not in $file:$missing"
	if command -v zsh >/dev/null; then
		zsh -n "$file" || fail "zsh cannot parse $file"
	fi
}

# ---- crm --------------------------------------------------------------------

@test "crm --help: exits 0, usage on stdout, nothing on stderr" {
	check_help_streams crm
}

@test "crm --help: synopsis equals the man page SYNOPSIS" {
	check_synopsis crm
}

@test "crm --help: every long option is in the man page OPTIONS" {
	check_options_in_man crm
}

@test "crm man page: every option in OPTIONS is in --help" {
	check_man_options_in_help crm
}

@test "crm bash completion: offers the commands and every long option" {
	check_bash_completion crm _crm "init check git-setup sync merge-driver lead opp cust funnel remind"
}

@test "crm bash completion: each command's own options" {
	source "$COMP_DIR/crm.bash"
	complete_bash _crm crm init --
	assert_offered "--git --dir"
	complete_bash _crm crm merge-driver --
	assert_offered "--strict --log"
	complete_bash _crm crm sync --
	[[ " ${COMPREPLY[*]} " != *" --git "* ]] || fail "sync offered --git"
}

@test "crm bash completion: hands 'crm cust' over to crm-cust's" {
	# crm.bash finds crm-cust.bash beside it when nothing loaded it yet.
	source "$COMP_DIR/crm.bash"
	complete_bash _crm crm cust ''
	assert_offered "add list show set log contact"
	complete_bash _crm crm -C "$BATS_TEST_TMPDIR" cust list --format ''
	assert_offered "table csv tsv jsonl ids"
}

@test "crm bash completion: hands 'crm opp' over to crm-opp's" {
	new_data_dir
	source "$COMP_DIR/crm.bash"
	complete_bash _crm crm opp ''
	assert_offered "add list show stage set log win lose reopen assign stale import"
	complete_bash _crm crm -C "$CRM_DIR" opp stage O-1 ''
	assert_offered "lead qualified proposal negotiation"
}

@test "crm zsh completion: mentions every long option" {
	check_zsh_completion crm
}

# ---- crm-cust ---------------------------------------------------------------

@test "crm-cust --help: exits 0, usage on stdout, nothing on stderr" {
	check_help_streams crm-cust
}

@test "crm-cust --help: synopsis equals the man page SYNOPSIS" {
	check_synopsis crm-cust
}

@test "crm-cust --help: every long option is in the man page OPTIONS" {
	check_options_in_man crm-cust
}

@test "crm-cust man page: every option in OPTIONS is in --help" {
	check_man_options_in_help crm-cust
}

@test "crm-cust bash completion: offers the commands and every long option" {
	check_bash_completion crm-cust _crm_cust "add list show set log contact"
}

@test "crm-cust bash completion: option values and contact commands" {
	source "$COMP_DIR/crm-cust.bash"
	complete_bash _crm_cust crm-cust list --format ''
	assert_offered "table csv tsv jsonl ids"
	complete_bash _crm_cust crm-cust log C-1 text --type ''
	assert_offered "call visit email meeting note revisit service"
	complete_bash _crm_cust crm-cust add Acme --kind ''
	assert_offered "company person"
	complete_bash _crm_cust crm-cust contact ''
	assert_offered "add list"
	complete_bash _crm_cust crm-cust contact add C-1 Wang --
	assert_offered "--title --wechat --primary --email --phone"
}

@test "crm-cust zsh completion: mentions every long option" {
	check_zsh_completion crm-cust
}

# ---- crm-opp ----------------------------------------------------------------

@test "crm-opp --help: exits 0, usage on stdout, nothing on stderr" {
	check_help_streams crm-opp
}

@test "crm-opp --help: synopsis equals the man page SYNOPSIS" {
	check_synopsis crm-opp
}

@test "crm-opp --help: every long option is in the man page OPTIONS" {
	check_options_in_man crm-opp
}

@test "crm-opp man page: every option in OPTIONS is in --help" {
	check_man_options_in_help crm-opp
}

@test "crm-opp bash completion: offers the commands and every long option" {
	check_bash_completion crm-opp _crm_opp \
		"add list show stage set log win lose reopen assign stale import"
}

@test "crm-opp bash completion: option values and each command's options" {
	source "$COMP_DIR/crm-opp.bash"
	complete_bash _crm_opp crm-opp list --format ''
	assert_offered "table csv tsv jsonl ids"
	complete_bash _crm_opp crm-opp stale --format=''
	assert_offered "--format=table --format=csv --format=ids"
	complete_bash _crm_opp crm-opp log O-1 text --type ''
	assert_offered "call visit email meeting note revisit service"
	complete_bash _crm_opp crm-opp lose O-1 --
	assert_offered "--reason --note --date"
	complete_bash _crm_opp crm-opp list -
	assert_offered "- --open --won --lost --stage --owner"
	complete_bash _crm_opp crm-opp assign --to alice O-1 -
	assert_offered "- --to"
}

@test "crm-opp bash completion: stages, pipelines, owners, ids from the data directory" {
	new_data_dir
	local id
	crm-cust add Acme --owner alice >/dev/null
	id=$(crm-opp add Deal --customer Acme)
	source "$COMP_DIR/crm-opp.bash"
	complete_bash _crm_opp crm-opp list --stage ''
	assert_offered "lead qualified proposal negotiation won lost"
	# stage and add --stage: only open stages, from crm.conf at -C.
	cd "$BATS_TEST_TMPDIR"
	unset CRM_DIR
	complete_bash _crm_opp crm-opp -C "$BATS_TEST_TMPDIR/data" stage "$id" ''
	[ "${COMPREPLY[*]}" = "lead qualified proposal negotiation" ] ||
		fail "stage offered: ${COMPREPLY[*]}"
	complete_bash _crm_opp crm-opp --dir="$BATS_TEST_TMPDIR/data" add X --stage ''
	[ "${COMPREPLY[*]}" = "lead qualified proposal negotiation" ] ||
		fail "add --stage offered: ${COMPREPLY[*]}"
	# The nearest directory above holding crm.conf.
	mkdir -p data/sub
	cd data/sub
	complete_bash _crm_opp crm-opp add X --pipeline ''
	assert_offered "new-business"
	complete_bash _crm_opp crm-opp assign --to ''
	assert_offered "alice bob"
	complete_bash _crm_opp crm-opp show ''
	assert_offered "$id -"
}

@test "crm-opp zsh completion: mentions every long option" {
	check_zsh_completion crm-opp
}

# ---- every page ---------------------------------------------------------------

@test "man pages: mandoc -Tlint -W warning is clean" {
	need_mandoc
	local page out bad=
	for page in "$MAN_DIR"/*.[1-9]; do
		if ! out=$(mandoc -Tlint -W warning "$page" 2>&1) ||
		   [ -n "$out" ]; then
			bad+=$'\n'"$page: ${out:-mandoc failed}"
		fi
	done
	[ -z "$bad" ] || fail "mandoc:$bad"
}

@test "man pages: every section 1 page says what each exit status means" {
	need_mandoc
	local page section bad=
	for page in "$MAN_DIR"/*.1; do
		section=$(man_section "$page" "EXIT STATUS")
		for code in 0 1 2 3; do
			grep -qE "^ +$code( |$)" <<<"$section" ||
				bad+=" $(basename "$page"):$code"
		done
	done
	[ -z "$bad" ] || fail "EXIT STATUS missing or incomplete:$bad"
}

# ---- crm-funnel -------------------------------------------------------------

@test "crm-funnel --help: exits 0, usage on stdout, nothing on stderr" {
	check_help_streams crm-funnel
}

@test "crm-funnel --help: synopsis equals the man page SYNOPSIS" {
	check_synopsis crm-funnel
}

@test "crm-funnel --help: every long option is in the man page OPTIONS" {
	check_options_in_man crm-funnel
}

@test "crm-funnel man page: every option in OPTIONS is in --help" {
	check_man_options_in_help crm-funnel
}

@test "crm-funnel bash completion: offers the commands and every long option" {
	check_bash_completion crm-funnel _crm_funnel "forecast accuracy"
}

@test "crm-funnel bash completion: option values and each command's options" {
	source "$COMP_DIR/crm-funnel.bash"
	complete_bash _crm_funnel crm-funnel --by ''
	assert_offered "owner source month quarter tier pipeline"
	complete_bash _crm_funnel crm-funnel --format ''
	assert_offered "table csv jsonl svg"
	complete_bash _crm_funnel crm-funnel --format=''
	assert_offered "--format=table --format=csv --format=jsonl --format=svg"
	# forecast and accuracy: rows per owner only, and no svg.
	complete_bash _crm_funnel crm-funnel forecast --by ''
	[ "${COMPREPLY[*]}" = "owner" ] ||
		fail "forecast --by offered: ${COMPREPLY[*]}"
	complete_bash _crm_funnel crm-funnel accuracy --format ''
	[ "${COMPREPLY[*]}" = "table csv jsonl xlsx" ] ||
		fail "accuracy --format offered: ${COMPREPLY[*]}"
	complete_bash _crm_funnel crm-funnel forecast -
	assert_offered "- --months --save --owner --where --by --format"
	complete_bash _crm_funnel crm-funnel accuracy --
	assert_offered "--period --by --format"
	# Periods around today (CRM_TODAY=2026-03-02).
	complete_bash _crm_funnel crm-funnel accuracy --period ''
	assert_offered "2026-03 2026-02 2026-Q1 2025-Q4 2026 2025"
	complete_bash _crm_funnel crm-funnel - -
	[[ " ${COMPREPLY[*]} " != *" - "* ]] || fail "'-' offered twice"
}

@test "crm-funnel bash completion: owners and pipelines from the data directory" {
	new_data_dir
	source "$COMP_DIR/crm-funnel.bash"
	complete_bash _crm_funnel crm-funnel --owner ''
	assert_offered "alice bob"
	complete_bash _crm_funnel crm-funnel forecast --pipeline ''
	assert_offered "new-business"
	# -C names the directory; without [pipeline] sections it is "default".
	mkdir "$BATS_TEST_TMPDIR/plain"
	printf '[stage "open"]\n\torder = 1\n[owner "chen"]\n' \
		>"$BATS_TEST_TMPDIR/plain/crm.conf"
	complete_bash _crm_funnel crm-funnel -C "$BATS_TEST_TMPDIR/plain" --pipeline ''
	[ "${COMPREPLY[*]}" = "default" ] ||
		fail "--pipeline offered: ${COMPREPLY[*]}"
	complete_bash _crm_funnel crm-funnel --dir="$BATS_TEST_TMPDIR/plain" -o ''
	[ "${COMPREPLY[*]}" = "chen" ] || fail "-o offered: ${COMPREPLY[*]}"
}

@test "crm bash completion: hands 'crm funnel' over to crm-funnel's" {
	source "$COMP_DIR/crm.bash"
	complete_bash _crm crm funnel ''
	assert_offered "forecast accuracy"
	complete_bash _crm crm -C "$BATS_TEST_TMPDIR" funnel forecast --by ''
	assert_offered "owner"
}

@test "crm-funnel zsh completion: mentions every long option" {
	check_zsh_completion crm-funnel
}

# ---- crm-remind ---------------------------------------------------------------

@test "crm-remind --help: exits 0, usage on stdout, nothing on stderr" {
	check_help_streams crm-remind
}

@test "crm-remind --help: synopsis equals the man page SYNOPSIS" {
	check_synopsis crm-remind
}

@test "crm-remind --help: every long option is in the man page OPTIONS" {
	check_options_in_man crm-remind
}

@test "crm-remind man page: every option in OPTIONS is in --help" {
	check_man_options_in_help crm-remind
}

@test "crm-remind bash completion: offers every long option (it has no commands)" {
	check_bash_completion crm-remind _crm_remind ""
	complete_bash _crm_remind crm-remind ''
	assert_offered "$(help_long_options crm-remind)"
}

@test "crm-remind bash completion: --kind lists, --format values, --mbox files" {
	source "$COMP_DIR/crm-remind.bash"
	complete_bash _crm_remind crm-remind --kind ''
	[ "${COMPREPLY[*]}" = "followup stale new-lead close-date revisit renewal payment pool" ] ||
		fail "--kind offered: ${COMPREPLY[*]}"
	# After a comma: the kinds not in the list yet, the list kept.
	complete_bash _crm_remind crm-remind -k followup,pool,
	[ "${COMPREPLY[*]}" = "followup,pool,stale followup,pool,new-lead followup,pool,close-date followup,pool,revisit followup,pool,renewal followup,pool,payment" ] ||
		fail "-k followup,pool, offered: ${COMPREPLY[*]}"
	complete_bash _crm_remind crm-remind --kind=followup,re
	assert_offered "--kind=followup,revisit --kind=followup,renewal"
	complete_bash _crm_remind crm-remind --format ''
	[ "${COMPREPLY[*]}" = "text csv tsv jsonl xlsx mail" ] ||
		fail "--format offered: ${COMPREPLY[*]}"
	complete_bash _crm_remind crm-remind --format=''
	assert_offered "--format=text --format=csv --format=tsv --format=jsonl --format=xlsx --format=mail"
	complete_bash _crm_remind crm-remind -f m
	[ "${COMPREPLY[*]}" = "mail" ] || fail "-f m offered: ${COMPREPLY[*]}"
	touch "$BATS_TEST_TMPDIR/today.mbox"
	complete_bash _crm_remind crm-remind --format mail --mbox "$BATS_TEST_TMPDIR/tod"
	[ "${COMPREPLY[*]}" = "$BATS_TEST_TMPDIR/today.mbox" ] ||
		fail "--mbox offered: ${COMPREPLY[*]}"
	complete_bash _crm_remind crm-remind --format mail --send --
	assert_offered "--digest --once --mbox"
}

@test "crm-remind bash completion: owners from the data directory's crm.conf" {
	new_data_dir
	source "$COMP_DIR/crm-remind.bash"
	complete_bash _crm_remind crm-remind --owner ''
	assert_offered "alice bob"
	mkdir "$BATS_TEST_TMPDIR/plain"
	printf '[owner "wang"]\n\temail = wang@example.com\n[Owner "zoe"]\n' \
		>"$BATS_TEST_TMPDIR/plain/crm.conf"
	complete_bash _crm_remind crm-remind -C "$BATS_TEST_TMPDIR/plain" -o ''
	[ "${COMPREPLY[*]}" = "wang zoe" ] || fail "-o offered: ${COMPREPLY[*]}"
	complete_bash _crm_remind crm-remind --dir="$BATS_TEST_TMPDIR/plain" --owner w
	[ "${COMPREPLY[*]}" = "wang" ] || fail "--owner w offered: ${COMPREPLY[*]}"
}

@test "crm bash completion: hands 'crm remind' over to crm-remind's" {
	source "$COMP_DIR/crm.bash"
	complete_bash _crm crm remind --format ''
	assert_offered "text csv tsv jsonl mail"
	complete_bash _crm crm remind --kind close-date,
	assert_offered "close-date,followup close-date,pool"
}

@test "crm-remind zsh completion: mentions every long option" {
	check_zsh_completion crm-remind
}

# ---- crm-lead ---------------------------------------------------------------

@test "crm-lead --help: exits 0, usage on stdout, nothing on stderr" {
	check_help_streams crm-lead
}

@test "crm-lead --help: synopsis equals the man page SYNOPSIS" {
	check_synopsis crm-lead
}

@test "crm-lead --help: every long option is in the man page OPTIONS" {
	check_options_in_man crm-lead
}

@test "crm-lead man page: every option in OPTIONS is in --help" {
	check_man_options_in_help crm-lead
}

@test "crm-lead man page: IMPORT lists the recognised headers" {
	need_mandoc
	local section h missing=
	# UTF-8, not ASCII: the Chinese headers; one line: wrapped ones.
	section=$(mandoc -Tutf8 "$MAN_DIR/crm-lead.1" | sed 's/.\x08//g' |
		awk '$0 == "IMPORT" { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		squeeze)
	for h in "First Name" "Last Name" "Company / Account" "Lead Source" \
		"Lead Status" "Lead ID" 客户名称 公司名称 联系人 姓名 手机 电话 \
		邮箱 线索来源 负责人 创建时间 备注 "金额(万元)"; do
		grep -qF -- "$h" <<<"$section" || missing+=" '$h'"
	done
	[ -z "$missing" ] || fail "not in IMPORT of crm-lead.1:$missing"
}

@test "crm-lead bash completion: offers the commands and every long option" {
	check_bash_completion crm-lead _crm_lead \
		"add list show set log score assign dedupe convert drop import"
}

@test "crm-lead bash completion: option values and each command's options" {
	source "$COMP_DIR/crm-lead.bash"
	complete_bash _crm_lead crm-lead list --format ''
	assert_offered "table csv tsv jsonl ids"
	complete_bash _crm_lead crm-lead list --status=''
	assert_offered "--status=new --status=working --status=qualified --status=converted --status=dropped"
	complete_bash _crm_lead crm-lead log L-1 text --type ''
	assert_offered "call visit email meeting note revisit service"
	complete_bash _crm_lead crm-lead import x.csv --on-dup ''
	[ "${COMPREPLY[*]}" = "skip update create" ] ||
		fail "--on-dup offered: ${COMPREPLY[*]}"
	complete_bash _crm_lead crm-lead import x.csv --date-order ''
	[ "${COMPREPLY[*]}" = "ymd mdy dmy" ] ||
		fail "--date-order offered: ${COMPREPLY[*]}"
	complete_bash _crm_lead crm-lead import x.csv --match email,
	[ "${COMPREPLY[*]}" = "email,phone email,id" ] ||
		fail "--match email, offered: ${COMPREPLY[*]}"
	complete_bash _crm_lead crm-lead import x.csv --encoding ''
	assert_offered "UTF-8 GB18030 GBK UTF-16 WINDOWS-1252"
	complete_bash _crm_lead crm-lead import x.csv --delimiter ''
	assert_offered ", ; tab"
	complete_bash _crm_lead crm-lead import x.csv --
	assert_offered "--encoding --delimiter --map --date-order --match --on-dup --rejects --dry-run"
	complete_bash _crm_lead crm-lead assign --
	assert_offered "--to --round-robin --rules"
	complete_bash _crm_lead crm-lead convert L-1 --
	assert_offered "--customer --opp --amount --close"
	complete_bash _crm_lead crm-lead dedupe --
	assert_offered "--merge --format"
	complete_bash _crm_lead crm-lead list -
	assert_offered "- --where --status --owner --pool --sort --format"
	complete_bash _crm_lead crm-lead assign --to alice L-1 -
	assert_offered "- --to"
}

@test "crm-lead bash completion: files for import and --rejects, --map from the file's header" {
	source "$COMP_DIR/crm-lead.bash"
	cd "$BATS_TEST_TMPDIR"
	printf '"Lead ID","First Name",Email\n1,Ann,a@b.co\n' >export.csv
	complete_bash _crm_lead crm-lead import ex
	[ "${COMPREPLY[*]}" = "export.csv" ] ||
		fail "import offered: ${COMPREPLY[*]}"
	complete_bash _crm_lead crm-lead import export.csv --rejects ex
	[ "${COMPREPLY[*]}" = "export.csv" ] ||
		fail "--rejects offered: ${COMPREPLY[*]}"
	complete_bash _crm_lead crm-lead import export.csv --map ''
	[ "${COMPREPLY[*]}" = 'Lead\ ID= First\ Name= Email=' ] ||
		fail "--map offered: ${COMPREPLY[*]}"
}

@test "crm-lead bash completion: owners and ids from the data directory" {
	new_data_dir
	local id
	id=$(crm-lead add Ann --email ann@example.com)
	source "$COMP_DIR/crm-lead.bash"
	complete_bash _crm_lead crm-lead assign --to ''
	assert_offered "alice bob"
	complete_bash _crm_lead crm-lead assign --round-robin alice,
	[ "${COMPREPLY[*]}" = "alice,bob" ] ||
		fail "--round-robin alice, offered: ${COMPREPLY[*]}"
	complete_bash _crm_lead crm-lead show ''
	[ "${COMPREPLY[*]}" = "$id" ] || fail "show offered: ${COMPREPLY[*]}"
	complete_bash _crm_lead crm-lead drop ''
	assert_offered "$id -"
	complete_bash _crm_lead crm-lead score --explain ''
	assert_offered "$id"
	# -C names the directory, else the nearest one above with crm.conf.
	mkdir "$BATS_TEST_TMPDIR/plain"
	printf '[owner "chen"]\n[Owner "zoe"]\n' >"$BATS_TEST_TMPDIR/plain/crm.conf"
	cd "$BATS_TEST_TMPDIR"
	unset CRM_DIR
	complete_bash _crm_lead crm-lead -C "$BATS_TEST_TMPDIR/plain" list --owner ''
	[ "${COMPREPLY[*]}" = "chen zoe" ] || fail "--owner offered: ${COMPREPLY[*]}"
	mkdir -p data/sub
	cd data/sub
	complete_bash _crm_lead crm-lead add X -o ''
	assert_offered "alice bob"
}

@test "crm bash completion: hands 'crm lead' over to crm-lead's" {
	source "$COMP_DIR/crm.bash"
	complete_bash _crm crm lead ''
	assert_offered "add list show set log score assign dedupe convert drop import"
	complete_bash _crm crm -C "$BATS_TEST_TMPDIR" lead import x.csv --on-dup ''
	assert_offered "skip update create"
}

@test "crm-lead zsh completion: mentions every long option" {
	check_zsh_completion crm-lead
}
