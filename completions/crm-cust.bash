# bash completion for crm-cust(1)                      -*- shell-script -*-
#
# Works with or without the bash-completion package: it reads COMP_WORDS
# itself.  Install as .../bash-completion/completions/crm-cust, or source it.

# Options taking a value; every other option is a flag.
_crm_cust_valued='-C --dir --today -u --user --lock-timeout -k --kind
	-o --owner --source --industry --phone --email --city --country
	-s --set -w --where --sort -f --format -t --type -n --next
	-a --action --title --wechat'

# The long options of each command (as crm-cust.c checks them), and those
# every command takes.
_crm_cust_common='--dir --today --user --lock-timeout --help'
_crm_cust_opts_add='--kind --owner --source --industry --phone --email
	--city --country --set'
_crm_cust_opts_list='--where --owner --pool --sort --format'
_crm_cust_opts_log='--type --next --action'
_crm_cust_opts_contact_add='--title --email --phone --wechat --primary'
_crm_cust_opts_contact_list='--where --format --sort'

_crm_cust_has_value()
{
	local o
	for o in $_crm_cust_valued; do
		[[ $1 == "$o" ]] && return 0
	done
	return 1
}

# The data directory the command line names, for looking up ids, fields
# and owners: -C/--dir, else $CRM_DIR, else crm.conf here or above.
_crm_cust_datadir()
{
	local d=$_crm_cust_dir
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

_crm_cust_ids()     # every customer id
{
	local d
	d=$(_crm_cust_datadir) || return
	command crm-cust -C "$d" list --format ids 2>/dev/null
}

_crm_cust_columns() # header of customers.csv, or of contacts.csv
{
	local d line
	local -a cols
	d=$(_crm_cust_datadir) || return
	[[ -r $d/${1:-customers}.csv ]] &&
		IFS= read -r line <"$d/${1:-customers}.csv" || return
	IFS=, read -ra cols <<<"${line%$'\r'}"
	printf '%s\n' "${cols[@]}"
}

# Fields set can change ("id" and "created" can't), as "field=".
_crm_cust_settable()
{
	_crm_cust_columns | sed -e '/^id$/d' -e '/^created$/d' -e 's/$/=/'
}

_crm_cust_owners()  # every [owner "NAME"] of crm.conf
{
	local d line
	d=$(_crm_cust_datadir) || return
	while IFS= read -r line; do
		if [[ $line =~ ^[[:space:]]*\[owner[[:space:]]+\"([^\"]*)\"\] ]]
		then
			printf '%s\n' "${BASH_REMATCH[1]}"
		fi
	done 2>/dev/null <"$d/crm.conf"
}

# Offer those of the lines of $1 that start with $cur.  (Not compgen -W,
# which would expand a '$' in a column or owner name.)
_crm_cust_reply()
{
	local w
	COMPREPLY=()
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done <<<"$1"
	return 0
}

# The value of option $1 being typed in $cur ($verb: the command).
_crm_cust_value()
{
	case $1 in
	-C|--dir)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -d -- "$cur")) || :
		;;
	-f|--format)
		_crm_cust_reply $'table\ncsv\ntsv\njsonl\nids' ;;
	-t|--type)
		_crm_cust_reply $'call\nvisit\nemail\nmeeting\nnote\nrevisit\nservice' ;;
	-k|--kind)
		_crm_cust_reply $'company\nperson' ;;
	-o|--owner)
		_crm_cust_reply "$(_crm_cust_owners)" ;;
	-n|--next|--today)
		_crm_cust_reply $'today\ntomorrow\n+1d\n+3d\n+1w\n+2w\n+1m' ;;
	--sort)
		local cols table=customers
		[[ $verb == contact ]] && table=contacts
		cols=$(_crm_cust_columns "$table") || :
		[[ -n $cols ]] &&
			_crm_cust_reply "$cols"$'\n'"$(sed 's/^/-/' <<<"$cols")"
		;;
	-s|--set)
		compopt -o nospace 2>/dev/null || :
		_crm_cust_reply "$(_crm_cust_settable)"
		;;
	*)
		COMPREPLY=() ;;
	esac
	return 0
}

_crm_cust()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i w valopt= glued=
	local -a operands=()
	local _crm_cust_dir=

	COMPREPLY=()
	# Walk the words before the cursor: options, their values, operands.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		# bash splits words at '=': after "--opt" the value follows,
		# after anything else ("field=value") the rest of that word.
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
				_crm_cust_dir=$w
			valopt=
			continue
		fi
		case $w in
		--dir=*) _crm_cust_dir=${w#--dir=} ;;
		--*=*) ;;
		-?*) _crm_cust_has_value "$w" && valopt=$w ;;
		*) operands+=("$w") ;;
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
	local verb=${operands[0]:-} sub=${operands[1]:-} opts
	if [[ -n $valopt ]]; then
		_crm_cust_value "$valopt"
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi

	if [[ $cur == -* ]]; then
		case $verb in
		'') opts="$_crm_cust_common $_crm_cust_opts_add
			$_crm_cust_opts_list $_crm_cust_opts_log
			$_crm_cust_opts_contact_add $_crm_cust_opts_contact_list" ;;
		add) opts=$_crm_cust_opts_add ;;
		list) opts=$_crm_cust_opts_list ;;
		log) opts=$_crm_cust_opts_log ;;
		contact)
			case $sub in
			add) opts=$_crm_cust_opts_contact_add ;;
			list) opts=$_crm_cust_opts_contact_list ;;
			*) opts="$_crm_cust_opts_contact_add
				$_crm_cust_opts_contact_list" ;;
			esac ;;
		esac
		[[ -n $verb ]] && opts="$opts $_crm_cust_common"
		_crm_cust_reply "$(printf '%s\n' $opts | sort -u)"
		[[ $cur == - ]] && [[ $verb == list || $verb == contact ]] &&
			COMPREPLY+=(-)
		return 0
	fi

	local n=${#operands[@]}
	case $verb in
	'')
		_crm_cust_reply $'add\nlist\nshow\nset\nlog\ncontact' ;;
	show|log)
		((n == 1)) && _crm_cust_reply "$(_crm_cust_ids)" ;;
	set)
		if ((n == 1)); then
			_crm_cust_reply "$(_crm_cust_ids)"
		else
			compopt -o nospace 2>/dev/null || :
			_crm_cust_reply "$(_crm_cust_settable)"
		fi ;;
	list)
		((n == 1)) && _crm_cust_reply - ;;
	contact)
		case $sub in
		'') _crm_cust_reply $'add\nlist' ;;
		add) ((n == 2)) && _crm_cust_reply "$(_crm_cust_ids)" ;;
		list) ((n == 2)) && _crm_cust_reply "$(_crm_cust_ids)"$'\n-' ;;
		esac ;;
	esac
	return 0
}

complete -F _crm_cust crm-cust
