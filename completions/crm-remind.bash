# bash completion for crm-remind(1)                    -*- shell-script -*-
#
# Works with or without the bash-completion package: it reads COMP_WORDS
# itself.  Install as .../bash-completion/completions/crm-remind, or source
# it.

# Options taking a value; every other option is a flag.
_crm_remind_valued='-C --dir --today -u --user --lock-timeout -k --kind
	-o --owner --days -w --where -f --format --mbox --output'

# Every long option (crm-remind has no commands and no operands).
_crm_remind_opts='--dir --today --user --lock-timeout --kind --owner
	--days --where --format --output --excel --mbox --send --digest --once
	--help'

_crm_remind_kinds=$'followup\nstale\nnew-lead\nclose-date\nrevisit\nrenewal\npayment\npool'

_crm_remind_has_value()
{
	local o
	for o in $_crm_remind_valued; do
		[[ $1 == "$o" ]] && return 0
	done
	return 1
}

# The data directory the command line names, for looking up owners:
# -C/--dir, else $CRM_DIR, else crm.conf here or above.
_crm_remind_datadir()
{
	local d=$_crm_remind_dir
	if [[ -z $d ]]; then
		d=${CRM_DIR:-}
	fi
	if [[ -z $d ]]; then
		d=$PWD
		while [[ -n $d && ! -e $d/crm.conf ]]; do
			d=${d%/*}
		done
		[[ -e ${d:-/}/crm.conf ]] || return 1
		d=${d:-/}
	fi
	printf '%s\n' "${d/#\~/$HOME}"
}

# Every [owner "NAME"] of crm.conf (section names ignore case).
_crm_remind_owners()
{
	local d line restore
	local re='^[[:space:]]*\[owner[[:space:]]+"([^"]*)"[[:space:]]*\]'
	d=$(_crm_remind_datadir) || return
	[[ -r $d/crm.conf ]] || return
	restore=$(shopt -p nocasematch) || :
	shopt -s nocasematch
	while IFS= read -r line; do
		[[ $line =~ $re ]] && printf '%s\n' "${BASH_REMATCH[1]}"
	done 2>/dev/null <"$d/crm.conf"
	eval "$restore"
	return 0
}

# Offer those of the lines of $1 that start with $cur.  (Not compgen -W,
# which would expand a '$' in an owner's name.)
_crm_remind_reply()
{
	local w
	COMPREPLY=()
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done <<<"$1"
	return 0
}

# --kind takes a comma list: complete its last element, after the ones
# typed, offering only the kinds not in the list yet.
_crm_remind_kind_list()
{
	local done_=${cur%"${cur##*,}"} k
	local -a left=()
	local IFS=$'\n'
	for k in $_crm_remind_kinds; do
		[[ ,$done_ == *",$k,"* ]] || left+=("$done_$k")
	done
	_crm_remind_reply "${left[*]}"
	# More may follow a comma: no space after a completed kind.
	compopt -o nospace 2>/dev/null || :
}

# The value of option $1 being typed in $cur.
_crm_remind_value()
{
	case $1 in
	-C|--dir)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -d -- "$cur")) || :
		;;
	--mbox|--output)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -f -- "$cur")) || :
		;;
	-f|--format)
		_crm_remind_reply $'text\ncsv\ntsv\njsonl\nxlsx\nmail' ;;
	-k|--kind)
		_crm_remind_kind_list ;;
	-o|--owner)
		_crm_remind_reply "$(_crm_remind_owners)" ;;
	--days)
		_crm_remind_reply $'1\n3\n7\n14\n30' ;;
	--today)
		_crm_remind_reply "${CRM_TODAY:-$(date +%Y-%m-%d 2>/dev/null)}" ;;
	*)
		COMPREPLY=() ;;
	esac
	return 0
}

_crm_remind()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i w valopt= glued=
	local _crm_remind_dir=

	COMPREPLY=()
	# Walk the words before the cursor: options and their values.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		# bash splits words at '=': after "--opt" the value follows.
		if [[ $w == = ]]; then
			[[ -z $valopt ]] && glued=1
			continue
		fi
		if [[ -n $glued ]]; then
			glued=
			continue
		fi
		if [[ -n $valopt ]]; then
			[[ $valopt == -C || $valopt == --dir ]] &&
				_crm_remind_dir=$w
			valopt=
			continue
		fi
		case $w in
		--dir=*) _crm_remind_dir=${w#--dir=} ;;
		--*=*) ;;
		-?*) _crm_remind_has_value "$w" && valopt=$w ;;
		esac
	done

	# A value: "--format csv", "--format=csv" (split by bash or not).
	local prefix=
	if [[ $cur == --*=* ]]; then
		valopt=${cur%%=*}
		prefix=$valopt=
		cur=${cur#*=}
	elif [[ $cur == = && -n ${COMP_WORDS[COMP_CWORD-1]} ]]; then
		valopt=${COMP_WORDS[COMP_CWORD-1]}
		cur=
	elif [[ ${COMP_WORDS[COMP_CWORD-1]} == = ]] && ((COMP_CWORD > 1)); then
		valopt=${COMP_WORDS[COMP_CWORD-2]}
	fi
	if [[ -n $valopt ]]; then
		_crm_remind_value "$valopt"
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi

	# No operands: anything else typed is an option.
	_crm_remind_reply "$(printf '%s\n' $_crm_remind_opts)"
	return 0
}

complete -F _crm_remind crm-remind
