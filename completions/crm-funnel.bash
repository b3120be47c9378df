# bash completion for crm-funnel(1)                    -*- shell-script -*-
#
# Works with or without the bash-completion package: it reads COMP_WORDS
# itself.  Install as .../bash-completion/completions/crm-funnel, or source
# it.

# Options taking a value; every other option is a flag.
_crm_funnel_valued='-C --dir --today -u --user --lock-timeout --created
	--closed -o --owner --source --pipeline -w --where -b --by --months
	--period -f --format --output'

# The long options of each command (as crm-funnel.c checks them), and
# those every command takes.  No command is the funnel.
_crm_funnel_common='--dir --today --user --lock-timeout --help'
_crm_funnel_opts_scope='--created --closed --owner --source --pipeline
	--where'
_crm_funnel_opts_funnel="$_crm_funnel_opts_scope --by --format --excel --output"
_crm_funnel_opts_forecast="$_crm_funnel_opts_scope --by --months --save
	--format --excel --output"
_crm_funnel_opts_accuracy='--period --by --format --excel --output'

_crm_funnel_has_value()
{
	local o
	for o in $_crm_funnel_valued; do
		[[ $1 == "$o" ]] && return 0
	done
	return 1
}

# The data directory the command line names, for looking up owners and
# pipelines: -C/--dir, else $CRM_DIR, else crm.conf here or above.
_crm_funnel_datadir()
{
	local d=$_crm_funnel_dir
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

# The NAMEs of crm.conf's [$1 "NAME"] headers (section names ignore
# case, as in crm.conf).
_crm_funnel_conf_names()
{
	local d line restore re
	d=$(_crm_funnel_datadir) || return
	[[ -r $d/crm.conf ]] || return
	re="^[[:space:]]*\\[$1[[:space:]]+\"([^\"]*)\"[[:space:]]*\\]"
	restore=$(shopt -p nocasematch) || :
	shopt -s nocasematch
	while IFS= read -r line; do
		[[ $line =~ $re ]] && printf '%s\n' "${BASH_REMATCH[1]}"
	done 2>/dev/null <"$d/crm.conf"
	eval "$restore"
	return 0
}

_crm_funnel_owners()     # every [owner "NAME"] of crm.conf
{
	_crm_funnel_conf_names owner
}

# Every [pipeline "NAME"] of crm.conf; without any, the stages form one
# pipeline called "default".
_crm_funnel_pipelines()
{
	local p
	p=$(_crm_funnel_conf_names pipeline) || return
	printf '%s\n' "${p:-default}"
}

# Periods around today ($CRM_TODAY when it is set): this month, the last
# one, this quarter, the last one, this year and the last one.
_crm_funnel_periods()
{
	local today=${CRM_TODAY:-} y m q py pm pq
	[[ $today =~ ^([0-9]{4})-([0-9]{2}) ]] ||
		today=$(date +%Y-%m 2>/dev/null) || return
	[[ $today =~ ^([0-9]{4})-([0-9]{2}) ]] || return
	y=${BASH_REMATCH[1]}
	m=$((10#${BASH_REMATCH[2]}))
	q=$(((m + 2) / 3))
	py=$y pm=$((m - 1)) pq=$((q - 1))
	((pm == 0)) && pm=12 py=$((y - 1))
	printf '%04d-%02d\n%04d-%02d\n' "$y" "$m" "$py" "$pm"
	if ((pq == 0)); then
		printf '%04d-Q%d\n%04d-Q4\n' "$y" "$q" $((y - 1))
	else
		printf '%04d-Q%d\n%04d-Q%d\n' "$y" "$q" "$y" "$pq"
	fi
	printf '%04d\n%04d\n' "$y" $((y - 1))
}

# Offer those of the lines of $1 that start with $cur.  (Not compgen -W,
# which would expand a '$' in an owner or pipeline name.)
_crm_funnel_reply()
{
	local w
	COMPREPLY=()
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done <<<"$1"
	return 0
}

# The value of option $1 being typed in $cur ($verb: the command).
_crm_funnel_value()
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
		if [[ -z $verb ]]; then
			_crm_funnel_reply $'table\ncsv\njsonl\nsvg\nxlsx'
		else
			_crm_funnel_reply $'table\ncsv\njsonl\nxlsx'
		fi ;;
	-b|--by)
		if [[ -z $verb ]]; then
			_crm_funnel_reply \
				$'owner\nsource\nmonth\nquarter\ntier\npipeline'
		else
			_crm_funnel_reply owner
		fi ;;
	-o|--owner)
		_crm_funnel_reply "$(_crm_funnel_owners)" ;;
	--pipeline)
		_crm_funnel_reply "$(_crm_funnel_pipelines)" ;;
	--created|--closed|--period)
		_crm_funnel_reply "$(_crm_funnel_periods)" ;;
	--months)
		_crm_funnel_reply $'1\n3\n6\n12' ;;
	--today)
		_crm_funnel_reply $'today\nyesterday' ;;
	*)
		COMPREPLY=() ;;
	esac
	return 0
}

_crm_funnel()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i w valopt= glued=
	local -a operands=()
	local _crm_funnel_dir=

	COMPREPLY=()
	# Walk the words before the cursor: options, their values, operands.
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
				_crm_funnel_dir=$w
			valopt=
			continue
		fi
		case $w in
		--dir=*) _crm_funnel_dir=${w#--dir=} ;;
		--*=*) ;;
		-?*) _crm_funnel_has_value "$w" && valopt=$w ;;
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
	# The command: forecast or accuracy, else the funnel (a leading "-"
	# is the funnel's records on standard input).
	local verb= opts n=${#operands[@]}
	case ${operands[0]:-} in
	forecast|accuracy) verb=${operands[0]} ;;
	esac
	if [[ -n $valopt ]]; then
		_crm_funnel_value "$valopt"
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi

	if [[ $cur == -* ]]; then
		case $verb in
		'') opts="$_crm_funnel_opts_funnel $_crm_funnel_opts_forecast
			$_crm_funnel_opts_accuracy" ;;
		forecast) opts=$_crm_funnel_opts_forecast ;;
		accuracy) opts=$_crm_funnel_opts_accuracy ;;
		esac
		opts="$opts $_crm_funnel_common"
		_crm_funnel_reply "$(printf '%s\n' $opts | sort -u)"
		# "-": the records on standard input, once, not for accuracy.
		for w in "${operands[@]}"; do
			[[ $w == - ]] && return 0
		done
		[[ $cur == - && $verb != accuracy ]] && COMPREPLY+=(-)
		return 0
	fi

	# The command comes first; nothing else is typed bare.
	[[ -z $verb ]] && ((n == 0)) && _crm_funnel_reply $'forecast\naccuracy'
	return 0
}

complete -F _crm_funnel crm-funnel
