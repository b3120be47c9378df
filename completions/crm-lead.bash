# bash completion for crm-lead(1)                      -*- shell-script -*-
#
# Works with or without the bash-completion package: it reads COMP_WORDS
# itself.  Install as .../bash-completion/completions/crm-lead, or source it.

# Options taking a value; every other option is a flag.
_crm_lead_valued='-C --dir --today -u --user --lock-timeout --company
	--email --phone --source -o --owner --title -s --set -w --where
	--status --sort -f --format -t --type -n --next -a --action --explain
	--to --round-robin --customer --opp -m --amount --close -r --reason
	--encoding --delimiter --map --date-order --match --on-dup --rejects
	--sheet --output'

# The long options of each command (as crm-lead.c checks them), and those
# every command takes.
_crm_lead_common='--dir --today --user --lock-timeout --help'
_crm_lead_opts_add='--company --email --phone --source --owner --title
	--set --force'
_crm_lead_opts_list='--where --status --owner --pool --sort --format --excel
	--output'
_crm_lead_opts_log='--type --next --action'
_crm_lead_opts_score='--explain'
_crm_lead_opts_assign='--to --round-robin --rules'
_crm_lead_opts_dedupe='--merge --format --excel --output'
_crm_lead_opts_convert='--customer --opp --amount --close'
_crm_lead_opts_drop='--reason'
_crm_lead_opts_import='--sheet --encoding --delimiter --map --date-order --match
	--on-dup --rejects --dry-run'

_crm_lead_verbs=$'add\nlist\nshow\nset\nlog\nscore\nassign\ndedupe'
_crm_lead_verbs+=$'\nconvert\ndrop\nimport'

# Encodings worth offering for --encoding; iconv knows many more.
_crm_lead_encodings=$'UTF-8\nGB18030\nGBK\nBIG5\nUTF-16\nUTF-16LE'
_crm_lead_encodings+=$'\nUTF-16BE\nWINDOWS-1252\nISO-8859-1\nISO-8859-15'
_crm_lead_encodings+=$'\nSHIFT_JIS\nEUC-KR'

_crm_lead_has_value()
{
	local o
	for o in $_crm_lead_valued; do
		[[ $1 == "$o" ]] && return 0
	done
	return 1
}

# The data directory the command line names, for looking up ids, fields
# and owners: -C/--dir, else $CRM_DIR, else crm.conf here or above.
_crm_lead_datadir()
{
	local d=$_crm_lead_dir
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

# The ids of a table, from the first column of its CSV file: "L-" ids of
# leads.csv, "C-" ids of customers.csv.
_crm_lead_table_ids()
{
	local d
	d=$(_crm_lead_datadir) || return
	sed -n 's/^\([A-Z]-[0-9A-Z]*\),.*/\1/p' "$d/$1.csv" 2>/dev/null
}

_crm_lead_columns() # header of leads.csv
{
	local d line
	local -a cols
	d=$(_crm_lead_datadir) || return
	[[ -r $d/leads.csv ]] && IFS= read -r line <"$d/leads.csv" || return
	IFS=, read -ra cols <<<"${line%$'\r'}"
	printf '%s\n' "${cols[@]}"
}

# Fields set can change ("id" and "created" can't), as "field=".
_crm_lead_settable()
{
	_crm_lead_columns | sed -e '/^id$/d' -e '/^created$/d' -e 's/$/=/'
}

# Every [owner "NAME"] of crm.conf (section names ignore case).
_crm_lead_owners()
{
	local d sp='[[:space:]]'
	d=$(_crm_lead_datadir) || return
	sed -n "s/^$sp*\\[[Oo][Ww][Nn][Ee][Rr]$sp$sp*\"\\([^\"]*\\)\"$sp*\\].*/\\1/p" \
		"$d/crm.conf" 2>/dev/null
}

# The columns of the header of an import file, as "column=" for --map,
# quoted for the shell ("Lead\ ID="): the first of its first ten lines
# that has a delimiter, split at the delimiter found most in it, quotes
# and a byte order mark dropped, GB18030 read when it is not UTF-8.  (A
# guess: the importer itself knows better.)
_crm_lead_file_columns()
{
	local f=$1 line d best n max=0 i=0
	local -a cols
	[[ -r $f && -f $f ]] || return
	while ((i++ < 10)) && IFS= read -r line; do
		line=${line%$'\r'}
		line=${line#$'\xef\xbb\xbf'}
		for d in ',' ';' $'\t'; do
			n=${line//[^$d]/}
			if ((${#n} > max)); then
				max=${#n}
				best=$d
			fi
		done
		((max > 0)) && break
	done <"$f"
	((max > 0)) || return
	if ! iconv -f UTF-8 -t UTF-8 <<<"$line" >/dev/null 2>&1; then
		line=$(iconv -f GB18030 -t UTF-8 <<<"$line" 2>/dev/null) ||
			return
	fi
	IFS=$best read -ra cols <<<"$line"
	for d in "${cols[@]}"; do
		d=${d#\"}
		d=${d%\"}
		[[ -n $d ]] && printf '%q=\n' "$d"
	done
}

# Offer those of the lines of $1 that start with $cur.  (Not compgen -W,
# which would expand a '$' in a column or owner name.)
_crm_lead_reply()
{
	local w
	COMPREPLY=()
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done <<<"$1"
	return 0
}

# A comma-separated list of the words of $1 ("alice,bo" -> "alice,bob"):
# each word once.
_crm_lead_list_reply()
{
	local done=${cur%"${cur##*,}"} w words=
	compopt -o nospace 2>/dev/null || :
	while IFS= read -r w; do
		[[ -n $w && ,$done, != *",$w,"* ]] && words+="$done$w"$'\n'
	done <<<"$1"
	_crm_lead_reply "$words"
}

# The value of option $1 being typed in $cur ($verb: the command,
# $file: the file operand of import).
_crm_lead_value()
{
	case $1 in
	-C|--dir)
		compopt -o filenames 2>/dev/null || :
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	--rejects|--output)
		compopt -o filenames 2>/dev/null || :
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	-f|--format)
		_crm_lead_reply $'table\ncsv\ntsv\njsonl\nids\nxlsx' ;;
	-t|--type)
		_crm_lead_reply $'call\nvisit\nemail\nmeeting\nnote\nrevisit\nservice' ;;
	--status)
		_crm_lead_reply $'new\nworking\nqualified\nconverted\ndropped' ;;
	-o|--owner|--to)
		_crm_lead_reply "$(_crm_lead_owners)" ;;
	--round-robin)
		_crm_lead_list_reply "$(_crm_lead_owners)" ;;
	--explain)
		_crm_lead_reply "$(_crm_lead_table_ids leads)" ;;
	--customer)
		_crm_lead_reply "$(_crm_lead_table_ids customers)" ;;
	-n|--next|--close)
		_crm_lead_reply $'today\ntomorrow\n+1d\n+3d\n+1w\n+2w\n+1m' ;;
	--today)
		_crm_lead_reply $'today\nyesterday\n-1d\n-1w' ;;
	--sort)
		local cols
		cols=$(_crm_lead_columns) || :
		[[ -n $cols ]] &&
			_crm_lead_reply "$cols"$'\n'"$(sed 's/^/-/' <<<"$cols")"
		;;
	-s|--set)
		compopt -o nospace 2>/dev/null || :
		_crm_lead_reply "$(_crm_lead_settable)"
		;;
	--encoding)
		_crm_lead_reply "$_crm_lead_encodings" ;;
	--delimiter)
		_crm_lead_reply $',\n;\n|\ntab' ;;
	--map)
		compopt -o nospace 2>/dev/null || :
		[[ -n $file ]] && _crm_lead_reply "$(_crm_lead_file_columns "$file")"
		;;
	--date-order)
		_crm_lead_reply $'ymd\nmdy\ndmy' ;;
	--match)
		_crm_lead_list_reply $'email\nphone\nid' ;;
	--on-dup)
		_crm_lead_reply $'skip\nupdate\ncreate' ;;
	*)
		COMPREPLY=() ;;
	esac
	return 0
}

# The operand being typed: $n operands (the command included) are before
# it.
_crm_lead_operand()
{
	case $verb in
	'')
		_crm_lead_reply "$_crm_lead_verbs" ;;
	show|convert)
		((n == 1)) && _crm_lead_reply "$(_crm_lead_table_ids leads)" ;;
	log)
		((n == 1)) &&
			_crm_lead_reply "$(_crm_lead_table_ids leads)"$'\n-' ;;
	set)
		if ((n == 1)); then
			_crm_lead_reply "$(_crm_lead_table_ids leads)"$'\n-'
		else
			compopt -o nospace 2>/dev/null || :
			_crm_lead_reply "$(_crm_lead_settable)"
		fi ;;
	assign|drop)
		_crm_lead_reply "$(_crm_lead_table_ids leads)"$'\n-' ;;
	list|score)
		((n == 1)) && _crm_lead_reply - ;;
	import)
		if ((n == 1)); then
			compopt -o filenames 2>/dev/null || :
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			[[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
		fi ;;
	esac
	return 0
}

_crm_lead()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i w valopt= glued=
	local -a operands=()
	local _crm_lead_dir=

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
				_crm_lead_dir=$w
			valopt=
			continue
		fi
		case $w in
		--dir=*) _crm_lead_dir=${w#--dir=} ;;
		--*=*) ;;
		-) operands+=("$w") ;;
		-?*) _crm_lead_has_value "$w" && valopt=$w ;;
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
	local verb=${operands[0]:-} file=${operands[1]:-} opts
	local n=${#operands[@]}
	if [[ -n $valopt ]]; then
		_crm_lead_value "$valopt"
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
		return 0
	fi

	if [[ $cur == -* ]]; then
		case $verb in
		'') opts="$_crm_lead_common $_crm_lead_opts_add
			$_crm_lead_opts_list $_crm_lead_opts_log
			$_crm_lead_opts_score $_crm_lead_opts_assign
			$_crm_lead_opts_dedupe $_crm_lead_opts_convert
			$_crm_lead_opts_drop $_crm_lead_opts_import" ;;
		add) opts=$_crm_lead_opts_add ;;
		list) opts=$_crm_lead_opts_list ;;
		log) opts=$_crm_lead_opts_log ;;
		score) opts=$_crm_lead_opts_score ;;
		assign) opts=$_crm_lead_opts_assign ;;
		dedupe) opts=$_crm_lead_opts_dedupe ;;
		convert) opts=$_crm_lead_opts_convert ;;
		drop) opts=$_crm_lead_opts_drop ;;
		import) opts=$_crm_lead_opts_import ;;
		esac
		[[ -n $verb ]] && opts="$opts $_crm_lead_common"
		_crm_lead_reply "$(printf '%s\n' $opts | sort -u)"
		# "-": the records on standard input, where an id may go.
		if [[ $cur == - ]]; then
			case $verb in
			assign|drop) COMPREPLY+=(-) ;;
			list|score|set|log|import)
				((n == 1)) && COMPREPLY+=(-) ;;
			esac
		fi
		return 0
	fi

	_crm_lead_operand
}

complete -F _crm_lead crm-lead
