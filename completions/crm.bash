# bash completion for crm(1)                           -*- shell-script -*-
#
# Completes crm's options and commands; after "crm TOOL" it hands over to
# the completion of crm-TOOL (loading it through bash-completion when it is
# not loaded yet), as if "crm-TOOL ..." had been typed.  Install as
# .../bash-completion/completions/crm, or source it.

# Where this file is: the tools' completion files may be beside it, as
# crm-TOOL (installed) or crm-TOOL.bash (in the source tree).
_crm_compdir=.
[[ ${BASH_SOURCE[0]} == */* ]] && _crm_compdir=${BASH_SOURCE[0]%/*}

_crm_commands=$'init\ncheck\ngit-setup\nsync\nmerge-driver\nlead\nopp\ncust\nfunnel\nremind'
_crm_options=$'--dir\n--today\n--user\n--help'
# Options of one command only.
_crm_init_options=$'--git'
_crm_merge_options=$'--strict\n--log'

# Offer those of the lines of $1 that start with $cur.
_crm_reply()
{
	local w
	COMPREPLY=()
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done <<<"$1"
	return 0
}

# Set _crm_fn to the function completing command $1, loading its
# completion first if need be (in this shell, not a subshell).
_crm_completer()
{
	local spec f
	_crm_fn=
	spec=$(complete -p "$1" 2>/dev/null) || spec=
	if [[ -z $spec ]]; then
		if declare -F __load_completion >/dev/null; then
			__load_completion "$1" >/dev/null 2>&1 || :
		elif declare -F _completion_loader >/dev/null; then
			_completion_loader "$1" >/dev/null 2>&1 || :
		fi
		spec=$(complete -p "$1" 2>/dev/null) || spec=
	fi
	if [[ -z $spec ]]; then
		for f in "$_crm_compdir/$1.bash" "$_crm_compdir/$1"; do
			if [[ -f $f ]]; then
				# shellcheck source=/dev/null
				source "$f" >/dev/null 2>&1 || :
				break
			fi
		done
		spec=$(complete -p "$1" 2>/dev/null) || spec=
	fi
	[[ $spec =~ [[:space:]]-F[[:space:]]+([^[:space:]]+) ]] || return 1
	_crm_fn=${BASH_REMATCH[1]}
}

# Complete "crm ... TOOL args" as "crm-TOOL args"; $1: index of TOOL.
_crm_delegate()
{
	local at=$1 prog=crm-${COMP_WORDS[$1]} fn i _crm_fn
	_crm_completer "$prog" || :
	fn=$_crm_fn
	if [[ -z $fn ]]; then
		compopt -o default 2>/dev/null || :
		COMPREPLY=()
		return 0
	fi
	# The line from the tool's word on, with crm-TOOL in its place.
	local line=$COMP_LINE point=$COMP_POINT
	for ((i = 0; i < at; i++)); do
		while [[ -n $line && $line != "${COMP_WORDS[i]}"* ]]; do
			line=${line:1}
			point=$((point - 1))
		done
		line=${line#"${COMP_WORDS[i]}"}
		point=$((point - ${#COMP_WORDS[i]}))
	done
	while [[ $line == [[:space:]]* ]]; do
		line=${line:1}
		point=$((point - 1))
	done
	line=crm-${line}
	point=$((point + 4))

	local -a COMP_WORDS=("$prog" "${COMP_WORDS[@]:at+1}")
	local COMP_CWORD=$((COMP_CWORD - at)) COMP_LINE=$line COMP_POINT=$point
	# What -C DIR said before the tool reaches it as $CRM_DIR, as with crm.
	[[ -n $dir ]] && local -x CRM_DIR=$dir
	"$fn" "$prog" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD-1]}"
	return 0
}

_crm()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev i w valopt= dir= tool=

	COMPREPLY=()
	# crm's own options come before the command; find the command.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		[[ $w == = ]] && continue
		if [[ -n $valopt ]]; then
			[[ $valopt == -C || $valopt == --dir ]] && dir=$w
			valopt=
			continue
		fi
		case $w in
		-C|--dir|--today|-u|--user) valopt=$w ;;
		--dir=*) dir=${w#--dir=} ;;
		-*) ;;
		*) tool=$i; break ;;
		esac
	done

	if [[ -n $tool ]]; then
		case ${COMP_WORDS[tool]} in
		init)
			if [[ $cur == -* ]]; then
				_crm_reply "$_crm_options"$'\n'"$_crm_init_options"
			else
				compopt -o filenames 2>/dev/null || :
				COMPREPLY=($(compgen -d -- "$cur")) || :
			fi ;;
		check|git-setup|sync)
			[[ $cur == -* ]] && _crm_reply "$_crm_options" ;;
		merge-driver)
			if [[ $cur == -* ]]; then
				_crm_reply "$_crm_options"$'\n'"$_crm_merge_options"
			else
				compopt -o filenames 2>/dev/null || :
				COMPREPLY=($(compgen -f -- "$cur")) || :
			fi ;;
		*)
			_crm_delegate "$tool" ;;
		esac
		return 0
	fi

	prev=${COMP_WORDS[COMP_CWORD-1]}
	[[ $prev == = ]] && ((COMP_CWORD > 1)) &&
		prev=${COMP_WORDS[COMP_CWORD-2]}
	[[ $cur == = ]] && cur=
	case $prev in
	-C|--dir)
		compopt -o filenames 2>/dev/null || :
		COMPREPLY=($(compgen -d -- "$cur")) || :
		return 0 ;;
	--today)
		_crm_reply "$(date +%Y-%m-%d 2>/dev/null)"
		return 0 ;;
	-u|--user)
		return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		_crm_reply "$_crm_options"$'\n'"$_crm_init_options"$'\n'"$_crm_merge_options"
	else
		_crm_reply "$_crm_commands"
	fi
	return 0
}

complete -F _crm crm
