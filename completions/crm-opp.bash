# bash completion for crm-opp(1)                       -*- shell-script -*-
#
# Works with or without the bash-completion package: it reads COMP_WORDS
# itself.  Install as .../bash-completion/completions/crm-opp, or source it.

# Options taking a value; every other option is a flag.
_crm_opp_valued='-C --dir --today -u --user --lock-timeout -c --customer
	-m --amount --close -o --owner --stage --source --pipeline -s --set
	-w --where --sort -f --format --note -t --type -n --next -a --action
	-d --date -r --reason --to --encoding --delimiter --map --map-stage
	--date-order --match --on-dup --rejects --output --sheet'

# The long options of each command (as crm-opp.c checks them), and those
# every command takes.
_crm_opp_common='--dir --today --user --lock-timeout --help'
_crm_opp_opts_add='--customer --amount --close --owner --stage --source
	--pipeline --set'
_crm_opp_opts_list='--where --stage --owner --open --won --lost --sort
	--format --excel --output'
_crm_opp_opts_stage='--note'
_crm_opp_opts_log='--type --next --action'
_crm_opp_opts_win='--amount --date --contract'
_crm_opp_opts_lose='--reason --note --date'
_crm_opp_opts_assign='--to'
_crm_opp_opts_stale='--owner --format --excel --output'
_crm_opp_opts_import='--sheet --encoding --delimiter --map --map-stage --pipeline
	--date-order --match --on-dup --rejects --dry-run'

_crm_opp_verbs=$'add\nlist\nshow\nstage\nset\nlog\nwin\nlose\nreopen\nassign'
_crm_opp_verbs+=$'\nstale\nimport'

_crm_opp_has_value()
{
	local o
	for o in $_crm_opp_valued; do
		[[ $1 == "$o" ]] && return 0
	done
	return 1
}

# The data directory the command line names, for looking up ids, stages
# and owners: -C/--dir, else $CRM_DIR, else crm.conf here or above.
_crm_opp_datadir()
{
	local d=$_crm_opp_dir
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

# The ids of a table, from the first column of its CSV file: "O-" ids of
# opportunities.csv, "C-" ids of customers.csv.
_crm_opp_table_ids()
{
	local d
	d=$(_crm_opp_datadir) || return
	sed -n 's/^\([A-Z]-[0-9A-Z]*\),.*/\1/p' "$d/$1.csv" 2>/dev/null
}

_crm_opp_columns() # header of opportunities.csv
{
	local d line
	local -a cols
	d=$(_crm_opp_datadir) || return
	[[ -r $d/opportunities.csv ]] &&
		IFS= read -r line <"$d/opportunities.csv" || return
	IFS=, read -ra cols <<<"${line%$'\r'}"
	printf '%s\n' "${cols[@]}"
}

# Fields set can change (not id, created or stage), as "field=".
_crm_opp_settable()
{
	_crm_opp_columns |
		sed -e '/^id$/d' -e '/^created$/d' -e '/^stage$/d' -e 's/$/=/'
}

# The NAMEs of the [SECTION "NAME"] headers of crm.conf; $1: SECTION as
# a sed pattern (section names ignore case: '[Oo][Ww][Nn][Ee][Rr]').
_crm_opp_conf_names()
{
	local d sp='[[:space:]]'
	d=$(_crm_opp_datadir) || return
	sed -n "s/^$sp*\\[$1$sp$sp*\"\\([^\"]*\\)\"$sp*\\].*/\\1/p" \
		"$d/crm.conf" 2>/dev/null
}

# Run "$@" with =~ ignoring case, as crm.conf's section and key names do.
_crm_opp_nocase()
{
	local restore rc
	restore=$(shopt -p nocasematch) || :
	shopt -s nocasematch
	"$@"
	rc=$?
	eval "$restore"
	return $rc
}

# The [stage "NAME"]s of crm.conf; with $1 = open, only those not marked
# won or lost: where "stage" and "add --stage" may put a deal.
_crm_opp_stages()
{
	local d
	d=$(_crm_opp_datadir) || return
	[[ -r $d/crm.conf ]] || return
	_crm_opp_nocase _crm_opp_stages_in "$d/crm.conf" "$1"
}

_crm_opp_stages_in()
{
	local line name='' shut='' s='[[:space:]]'
	local header="^$s*\\[" stage="^$s*\\[stage$s+\"([^\"]*)\"$s*\\]"
	local closing="^$s*(won|lost)$s*(=$s*\"?(true|yes|1|on)\"?)?$s*([#;].*)?\$"
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		if [[ $line =~ $header ]]; then
			[[ -n $name && ( $2 != open || -z $shut ) ]] &&
				printf '%s\n' "$name"
			name='' shut=''
			[[ $line =~ $stage ]] && name=${BASH_REMATCH[1]}
		elif [[ -n $name && $line =~ $closing ]]; then
			shut=1
		fi
	done <"$1"
	[[ -n $name && ( $2 != open || -z $shut ) ]] && printf '%s\n' "$name"
	return 0
}

# The reason values of [lost-reasons] in crm.conf, quotes dropped.
_crm_opp_lost_reasons()
{
	local d
	d=$(_crm_opp_datadir) || return
	[[ -r $d/crm.conf ]] || return
	_crm_opp_nocase _crm_opp_reasons_in "$d/crm.conf"
}

_crm_opp_reasons_in()
{
	local line in='' s='[[:space:]]'
	local header="^$s*\\[" section="^$s*\\[lost-reasons\\]"
	local reason="^$s*reason$s*=$s*(.*[^[:space:]])$s*\$"
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		if [[ $line =~ $header ]]; then
			in=''
			[[ $line =~ $section ]] && in=1
		elif [[ -n $in && $line =~ $reason ]]; then
			line=${BASH_REMATCH[1]}
			[[ $line == \"*\" ]] && line=${line:1:${#line}-2}
			printf '%s\n' "$line"
		fi
	done <"$1"
	return 0
}

# Offer those of the lines of $1 that start with $cur.  (Not compgen -W,
# which would expand a '$' in a stage or owner name.)
_crm_opp_reply()
{
	local w
	COMPREPLY=()
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done <<<"$1"
	return 0
}

# The value of option $1 being typed in $cur ($verb: the command).
_crm_opp_value()
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
		_crm_opp_reply $'table\ncsv\ntsv\njsonl\nids\nxlsx' ;;
	-t|--type)
		_crm_opp_reply $'call\nvisit\nemail\nmeeting\nnote\nrevisit\nservice' ;;
	-c|--customer)
		_crm_opp_reply "$(_crm_opp_table_ids customers)" ;;
	-o|--owner|--to)
		_crm_opp_reply "$(_crm_opp_conf_names '[Oo][Ww][Nn][Ee][Rr]')" ;;
	--stage)
		if [[ $verb == add ]]; then
			_crm_opp_reply "$(_crm_opp_stages open)"
		else
			_crm_opp_reply "$(_crm_opp_stages)"
		fi ;;
	--pipeline)
		_crm_opp_reply "$(_crm_opp_conf_names \
			'[Pp][Ii][Pp][Ee][Ll][Ii][Nn][Ee]')" ;;
	-r|--reason)
		_crm_opp_reply "$(_crm_opp_lost_reasons)" ;;
	-n|--next|--close)
		_crm_opp_reply $'today\ntomorrow\n+1d\n+3d\n+1w\n+2w\n+1m' ;;
	-d|--date|--today)
		_crm_opp_reply $'today\nyesterday\n-1d\n-1w' ;;
	--sort)
		local cols
		cols=$(_crm_opp_columns) || :
		[[ -n $cols ]] &&
			_crm_opp_reply "$cols"$'\n'"$(sed 's/^/-/' <<<"$cols")"
		;;
	-s|--set)
		compopt -o nospace 2>/dev/null || :
		_crm_opp_reply "$(_crm_opp_settable)"
		;;
	--rejects)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -f -- "$cur")) || :
		;;
	--encoding)
		_crm_opp_reply $'UTF-8\nGB18030\nGBK\nBIG5\nUTF-16\nWINDOWS-1252' ;;
	--delimiter)
		_crm_opp_reply $',\n;\n|\ntab' ;;
	--map-stage)
		compopt -o nospace 2>/dev/null || :
		_crm_opp_reply $'Closed Won=\nClosed Lost=\n赢单=\n输单=' ;;
	--date-order)
		_crm_opp_reply $'ymd\nmdy\ndmy' ;;
	--match)
		_crm_opp_reply $'name,id\nname\nid' ;;
	--on-dup)
		_crm_opp_reply $'skip\nupdate\ncreate' ;;
	*)
		COMPREPLY=() ;;
	esac
	return 0
}

# The operand being typed: $n operands (the command included) are before
# it.
_crm_opp_operand()
{
	case $verb in
	'')
		_crm_opp_reply "$_crm_opp_verbs" ;;
	show|log|win|lose|reopen)
		((n == 1)) &&
			_crm_opp_reply "$(_crm_opp_table_ids opportunities)"$'\n-' ;;
	stage)
		if ((n == 1)); then
			_crm_opp_reply "$(_crm_opp_table_ids opportunities)"$'\n-'
		elif ((n == 2)); then
			_crm_opp_reply "$(_crm_opp_stages open)"
		fi ;;
	set)
		if ((n == 1)); then
			_crm_opp_reply "$(_crm_opp_table_ids opportunities)"$'\n-'
		else
			compopt -o nospace 2>/dev/null || :
			_crm_opp_reply "$(_crm_opp_settable)"
		fi ;;
	assign)
		_crm_opp_reply "$(_crm_opp_table_ids opportunities)"$'\n-' ;;
	list)
		((n == 1)) && _crm_opp_reply - ;;
	import)
		if ((n == 1)); then
			compopt -o filenames 2>/dev/null || :
			COMPREPLY=($(compgen -f -- "$cur")) || :
			[[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
		fi ;;
	esac
	return 0
}

_crm_opp()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i w valopt= glued=
	local -a operands=()
	local _crm_opp_dir=

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
				_crm_opp_dir=$w
			valopt=
			continue
		fi
		case $w in
		--dir=*) _crm_opp_dir=${w#--dir=} ;;
		--*=*) ;;
		-?*) _crm_opp_has_value "$w" && valopt=$w ;;
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
	local verb=${operands[0]:-} opts n=${#operands[@]}
	if [[ -n $valopt ]]; then
		_crm_opp_value "$valopt"
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi

	if [[ $cur == -* ]]; then
		case $verb in
		'') opts="$_crm_opp_common $_crm_opp_opts_add
			$_crm_opp_opts_list $_crm_opp_opts_stage
			$_crm_opp_opts_log $_crm_opp_opts_win
			$_crm_opp_opts_lose $_crm_opp_opts_assign
			$_crm_opp_opts_stale $_crm_opp_opts_import" ;;
		add) opts=$_crm_opp_opts_add ;;
		list) opts=$_crm_opp_opts_list ;;
		stage) opts=$_crm_opp_opts_stage ;;
		log) opts=$_crm_opp_opts_log ;;
		win) opts=$_crm_opp_opts_win ;;
		lose) opts=$_crm_opp_opts_lose ;;
		assign) opts=$_crm_opp_opts_assign ;;
		stale) opts=$_crm_opp_opts_stale ;;
		import) opts=$_crm_opp_opts_import ;;
		esac
		[[ -n $verb ]] && opts="$opts $_crm_opp_common"
		_crm_opp_reply "$(printf '%s\n' $opts | sort -u)"
		# "-": the records on standard input, where an id may go.
		if [[ $cur == - ]]; then
			case $verb in
			assign) COMPREPLY+=(-) ;;
			list|show|stage|set|log|win|lose|reopen|import)
				((n == 1)) && COMPREPLY+=(-) ;;
			esac
		fi
		return 0
	fi

	_crm_opp_operand
}

complete -F _crm_opp crm-opp
