#!/usr/bin/zsh -f
# Prints, one per line, what zsh's completion for nvmetctl offers for a
# command line: zsh-complete.zsh COMPLETIONS_DIR 'nvmetctl plan --' [SETTLE]
# SETTLE: seconds completion gets after <Tab> before the line is cleared
# (0.5; the runner retries with more on a loaded machine).
# Runs an interactive zsh on a pseudo-terminal, loads compinit with the
# completion directory first in $fpath, and records every match compadd
# is given while <Tab> is pressed at the end of the line.
zmodload zsh/zpty || exit 2
local dir=$1 line=$2 settle=${3:-0.5}

zpty -b compl zsh -f -i
zpty -w compl 'PROMPT= RPROMPT= PS2= ; unsetopt zle_bracketed_paste 2>/dev/null'
# compinit replaces its dump file by rename even with -D: never name /dev/null
# here (that turned the host's /dev/null into a regular file).
local dump=${TMPDIR:-/tmp}/nvmetctl-zcompdump.$$
zpty -w compl "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D -d ${(q)dump}"
zpty -w compl 'zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" select-prompt ""'
# Record matches, then let completion go on as usual.
zpty -w compl 'compadd() {
  local -a __seen
  builtin compadd -O __seen "$@"
  local m; for m in $__seen; do print -rn -- "<<M>>$m<</M>>" >/dev/tty; done
  builtin compadd "$@"
}'
zpty -w compl 'print -- "<<READY>>"'
local out
# Wait for the output line itself, not the echo of the typed command, so
# compinit is done before the line is typed.
zpty -r -m compl out "*"$'\n'"<<READY>>*" || exit 3
# Type the line and press Tab, then mark the end.
zpty -w -n compl "$line"$'\t'
sleep $settle
zpty -w -n compl $'\C-u'
zpty -w compl 'print -- "<<DONE>>"'
local all=""
while zpty -r -t compl out 2>/dev/null || sleep 0.1; do
  all+=$out
  [[ $all == *'<<DONE>>'*'<<DONE>>'* || $all == *$'\n<<DONE>>'* ]] && break
  (( SECONDS > 60 )) && break
done
zpty -d compl
rm -f -- $dump $dump.zwc
print -r -- "$all" | grep -o '<<M>>[^<]*<</M>>' | sed -e 's/<<M>>//' -e 's/<<\/M>>//' | sort -u
