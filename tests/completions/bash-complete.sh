#!/bin/bash
# Prints, one per line, what bash's completion for nvmetctl offers for a
# command line: bash-complete.sh COMPLETION_FILE 'nvmetctl plan --'
# Loads bash-completion when installed (as an interactive shell would),
# then the nvmetctl completion, and calls it as readline does for <Tab>
# at the end of the line.
completion=$1
line=$2
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
    # bash_completion expects an interactive-like shell; ignore its status.
    source /usr/share/bash-completion/bash_completion >/dev/null 2>&1 || true
fi
source "$completion"
# Split like readline would (COMP_WORDBREAKS aside: no quoting in tests).
read -r -a COMP_WORDS <<<"$line"
if [[ $line == *' ' ]]; then
    COMP_WORDS+=("")
fi
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMP_TYPE=9
COMP_KEY=9
spec=$(complete -p nvmetctl) || exit 2
func=${spec#*-F }
func=${func%% *}
"$func" nvmetctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}" | sort -u | sed '/^$/d'
