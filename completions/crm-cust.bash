# bash completion for crm-cust(1)                      -*- shell-script -*-
#
# Works with or without the bash-completion package: it reads COMP_WORDS
# itself.  Install as .../bash-completion/completions/crm-cust, or source it.

# Options taking a value; every other option is a flag.
_crm_cust_valued='-C --dir --today -u --user --lock-timeout -k --kind
	-o --owner --source --industry --phone --email --city --country
	-s --set -w --where --tag --tier --sort -f --format -t --type
	-n --next -a --action --since --to -r --reason --title --wechat
	--amount --currency --start --end --opp --renewal --expiring --due
	--split --every --date --plan --method --customer --encoding
	--delimiter --map --date-order --match --on-dup --rejects --output
	--sheet'

# The commands, and the long options of each (as crm-cust.c checks them),
# and those every command takes.
_crm_cust_verbs=$'add\nlist\nshow\nset\nlog\ntag\ntier\nclaim\nrelease
reclaim\nlock\nunlock\ndedupe\nmerge\ncontact\ncontract\npay\nimport'
_crm_cust_common='--dir --today --user --lock-timeout --help'
_crm_cust_opts_add='--kind --owner --source --industry --phone --email
	--city --country --set'
_crm_cust_opts_list='--where --owner --pool --tag --tier --sort --format --excel
	--output'
_crm_cust_opts_show='--format --excel'
_crm_cust_opts_set=''
_crm_cust_opts_log='--type --next --action'
_crm_cust_opts_tag=''
_crm_cust_opts_tier='--since --dry-run --format --excel --output'
_crm_cust_opts_claim='--to'
_crm_cust_opts_release='--reason'
_crm_cust_opts_reclaim='--dry-run --format --excel --output'
_crm_cust_opts_lock='--reason'
_crm_cust_opts_unlock='--reason'
_crm_cust_opts_dedupe='--format --excel --output'
_crm_cust_opts_merge=''
_crm_cust_opts_contact_add='--title --email --phone --wechat --primary'
_crm_cust_opts_contact_list='--where --format --excel --sort --output'
_crm_cust_opts_contract_add='--amount --start --end --opp --renewal
	--title --currency'
_crm_cust_opts_contract_list='--expiring --where --sort --format --excel
	--output'
_crm_cust_opts_pay_plan='--due --amount --split --every'
_crm_cust_opts_pay_record='--amount --date --plan --method'
_crm_cust_opts_pay_list='--customer --overdue --format --excel
	--output'
_crm_cust_opts_import='--sheet --encoding --delimiter --map --date-order --match
	--on-dup --rejects --dry-run'

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

_crm_cust_contract_ids()  # every contract id, from contracts.csv
{
	local d
	d=$(_crm_cust_datadir) || return
	command crm-cust -C "$d" contract list --format ids 2>/dev/null
}

_crm_cust_plan_ids()  # the plan lines of contract $1 (all: no $1)
{
	local d
	d=$(_crm_cust_datadir) || return
	command crm-cust -C "$d" pay list ${1:+"$1"} --format ids 2>/dev/null
}

# The ids of a table, from the first column of its CSV file.
_crm_cust_table_ids()
{
	local d
	d=$(_crm_cust_datadir) || return
	sed -n 's/^\([A-Z]-[0-9A-Z]*\),.*/\1/p' "$d/$1.csv" 2>/dev/null
}

_crm_cust_columns() # header of customers.csv, contacts.csv, contracts.csv
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
	_crm_cust_sections owner
}

# The names of the [$1 "NAME"] sections of crm.conf.
_crm_cust_sections()
{
	local d line
	d=$(_crm_cust_datadir) || return
	while IFS= read -r line; do
		if [[ $line =~ ^[[:space:]]*\[$1[[:space:]]+\"([^\"]*)\"\] ]]
		then
			printf '%s\n' "${BASH_REMATCH[1]}"
		fi
	done 2>/dev/null <"$d/crm.conf"
}

_crm_cust_tiers()   # the [tier "X"] of crm.conf, else A B C
{
	local t
	t=$(_crm_cust_sections tier)
	[[ -n $t ]] || t=$'A\nB\nC'
	printf '%s\n' "$t"
}

# Every tag in the tags column of customers.csv (blank or comma apart).
_crm_cust_tags()
{
	local d
	d=$(_crm_cust_datadir) || return
	command crm-cust -C "$d" list --format tsv 2>/dev/null | awk -F '\t' '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tags") c = i
			  next }
		c { n = split($c, t, /[ ,]+/)
		    for (i = 1; i <= n; i++) if (t[i] != "") print t[i] }' |
		sort -u
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

_crm_cust_dates=$'today\ntomorrow\n+1d\n+3d\n+1w\n+2w\n+1m'

# The value of option $1 being typed in $cur ($verb, $sub: the command;
# $operands: the words that are not options).
_crm_cust_value()
{
	case $1 in
	-C|--dir)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -d -- "$cur")) || :
		;;
	--output)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -f -- "$cur")) || :
		;;
	-f|--format)
		if [[ $verb == show ]]; then
			_crm_cust_reply $'text\njsonl'
		else
			_crm_cust_reply $'table\ncsv\ntsv\njsonl\nids\nxlsx'
		fi ;;
	-t|--type)
		_crm_cust_reply $'call\nvisit\nemail\nmeeting\nnote\nrevisit\nservice' ;;
	-k|--kind)
		_crm_cust_reply $'company\nperson' ;;
	-o|--owner|--to)
		_crm_cust_reply "$(_crm_cust_owners)" ;;
	--tag)
		_crm_cust_reply "$(_crm_cust_tags)" ;;
	--tier)
		_crm_cust_reply "$(_crm_cust_tiers)" ;;
	-n|--next|--today|--due|--date|--start|--end)
		_crm_cust_reply "$_crm_cust_dates" ;;
	--since)
		_crm_cust_reply $'-3m\n-6m\n-1y\n-2y' ;;
	--renewal)
		_crm_cust_reply $'auto\nmanual\nnone' ;;
	--every)
		_crm_cust_reply $'1m\n3m\n6m\n1y\n1w\n2w\n30d' ;;
	--split)
		_crm_cust_reply $'2\n3\n4\n6\n12' ;;
	--expiring)
		_crm_cust_reply $'30\n60\n90\n180' ;;
	--currency)
		_crm_cust_reply $'CNY\nUSD\nEUR\nHKD\nJPY' ;;
	--method)
		_crm_cust_reply $'transfer\ncash\ncard\ncheque' ;;
	--customer)
		_crm_cust_reply "$(_crm_cust_ids)" ;;
	--opp)
		_crm_cust_reply "$(_crm_cust_table_ids opportunities)" ;;
	--plan)
		_crm_cust_reply "$(_crm_cust_plan_ids "${operands[2]:-}")" ;;
	--sort)
		local cols table=customers
		[[ $verb == contact ]] && table=contacts
		[[ $verb == contract ]] && table=contracts
		cols=$(_crm_cust_columns "$table") || :
		[[ -n $cols ]] &&
			_crm_cust_reply "$cols"$'\n'"$(sed 's/^/-/' <<<"$cols")"
		;;
	-s|--set)
		compopt -o nospace 2>/dev/null || :
		_crm_cust_reply "$(_crm_cust_settable)"
		;;
	--rejects)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -f -- "$cur")) || :
		;;
	--encoding)
		_crm_cust_reply $'UTF-8\nGB18030\nGBK\nBIG5\nUTF-16\nWINDOWS-1252' ;;
	--delimiter)
		_crm_cust_reply $',\n;\n|\ntab' ;;
	--date-order)
		_crm_cust_reply $'ymd\nmdy\ndmy' ;;
	--match)
		_crm_cust_reply $'name,id\nname\nid' ;;
	--on-dup)
		_crm_cust_reply $'skip\nupdate\ncreate' ;;
	*)
		COMPREPLY=() ;;
	esac
	return 0
}

# The long options of the command in $verb (and $sub), in $opts.
_crm_cust_verb_opts()
{
	local v
	opts=$_crm_cust_common
	[[ $verb == *[!a-z]* ]] && return
	case $verb in
	'')
		opts=$_crm_cust_common
		for v in ${!_crm_cust_opts_*}; do
			opts+=" ${!v}"
		done
		return ;;
	contact|contract|pay)
		v=_crm_cust_opts_${verb}_$sub
		if [[ -n $sub && $sub != *[!a-z]* && -n ${!v+x} ]]; then
			opts=${!v}
		else
			opts=
			for v in $(compgen -v "_crm_cust_opts_${verb}_"); do
				opts+=" ${!v}"
			done
		fi ;;
	*)
		v=_crm_cust_opts_$verb
		opts=${!v-}
	esac
	opts="$opts $_crm_cust_common"
}

# "tag ID|- +TAG|-TAG...": every word after "tag" is an operand.
_crm_cust_tag_words()
{
	local tags
	if ((${#operands[@]} == 1)); then
		_crm_cust_reply "$(_crm_cust_ids)"$'\n-'
		return
	fi
	tags=$(_crm_cust_tags)
	case $cur in
	+*) _crm_cust_reply "$(sed 's/^/+/' <<<"$tags")" ;;
	-*) _crm_cust_reply "$(sed 's/^/-/' <<<"$tags")" ;;
	*) _crm_cust_reply $'+\n-'
	   compopt -o nospace 2>/dev/null || : ;;
	esac
}

# Operands: ids of customers, contracts, and the sub-commands.
_crm_cust_operand()
{
	local n=${#operands[@]}
	case $verb in
	'')
		_crm_cust_reply "$_crm_cust_verbs" ;;
	show|log|claim|release|lock|unlock)
		((n == 1)) && _crm_cust_reply "$(_crm_cust_ids)" ;;
	merge)
		_crm_cust_reply "$(_crm_cust_ids)" ;;
	set)
		if ((n == 1)); then
			_crm_cust_reply "$(_crm_cust_ids)"
		else
			compopt -o nospace 2>/dev/null || :
			_crm_cust_reply "$(_crm_cust_settable)"
		fi ;;
	list)
		((n == 1)) && _crm_cust_reply - ;;
	import)
		if ((n == 1)); then
			compopt -o filenames 2>/dev/null || :
			COMPREPLY=($(compgen -f -- "$cur")) || :
			[[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
		fi ;;
	contact)
		case $sub in
		'') _crm_cust_reply $'add\nlist' ;;
		add) ((n == 2)) && _crm_cust_reply "$(_crm_cust_ids)" ;;
		list) ((n == 2)) && _crm_cust_reply "$(_crm_cust_ids)"$'\n-' ;;
		esac ;;
	contract)
		case $sub in
		'') _crm_cust_reply $'add\nlist' ;;
		add|list) ((n == 2)) && _crm_cust_reply "$(_crm_cust_ids)" ;;
		esac ;;
	pay)
		case $sub in
		'') _crm_cust_reply $'plan\nrecord\nlist' ;;
		plan|record|list)
			((n == 2)) &&
				_crm_cust_reply "$(_crm_cust_contract_ids)" ;;
		esac ;;
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
		# After "tag" every word is an operand, "-churn-risk" too.
		if [[ ${operands[0]:-} == tag ]]; then
			operands+=("$w")
			continue
		fi
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

	local verb=${operands[0]:-} sub=${operands[1]:-} opts
	if [[ $verb == tag ]]; then
		_crm_cust_tag_words
		return 0
	fi

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
		_crm_cust_value "$valopt"
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi

	if [[ $cur == -* ]]; then
		_crm_cust_verb_opts
		_crm_cust_reply "$(printf '%s\n' $opts | sort -u)"
		[[ $cur == - ]] &&
			[[ $verb == list || ($verb == contact && $sub == list) ]] &&
			COMPREPLY+=(-)
		return 0
	fi
	_crm_cust_operand
}

complete -F _crm_cust crm-cust
