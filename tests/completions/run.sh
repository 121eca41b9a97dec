#!/bin/bash
# Loads the bash, zsh and fish completions for nvmetctl in their shells and
# checks what each offers: commands, options, option values, files, and
# live subsystem NQNs and port ids read from a fake configfs tree.
#
#   tests/completions/run.sh        (installs bash-completion, zsh, fish if missing)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
comp=$repo/completions

need=()
[[ -r /usr/share/bash-completion/bash_completion ]] || need+=(bash-completion)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
if ((${#need[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "installing: ${need[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
    else
        echo "missing ${need[*]} and cannot install them" >&2
        exit 1
    fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cfs=$work/cfs
mkdir -p "$cfs/nvmet/subsystems/nqn.2024-01.io.example:disk1" \
    "$cfs/nvmet/subsystems/nqn.2024-01.io.example:disk2" \
    "$cfs/nvmet/ports/1" "$cfs/nvmet/ports/42" "$work/files/sub"
touch "$work/files/target.yaml" "$work/files/other.yml" "$work/files/config.json" \
    "$work/files/notes.txt"
cd "$work/files"
unset NVMETCTL_CONFIGFS

failures=0
checks=0

offers() {  # offers SHELL LINE [SETTLE] -> candidates, one per line
    case $1 in
        bash) bash "$here/bash-complete.sh" "$comp/nvmetctl" "$2" ;;
        zsh) timeout 60 zsh -f "$here/zsh-complete.zsh" "$comp" "$2" "${3:-0.5}" ;;
        fish) fish --no-config -c "source $comp/nvmetctl.fish; complete -C '$2'" | cut -f1 ;;
    esac
}

# expect SHELL LINE [+WORD|-WORD]...: +WORD must be offered, -WORD must not.
expect() {
    local shell=$1 line=$2 got want
    shift 2
    got=$(offers "$shell" "$line" 2>&1) || true
    # A loaded machine can starve the pseudo-terminal (zsh's completion then
    # has not run when the line is cleared): retries, giving it longer each time.
    local settle
    for settle in 2 5; do
        [[ -z $got ]] || break
        got=$(offers "$shell" "$line" "$settle" 2>&1) || true
    done
    for want in "$@"; do
        checks=$((checks + 1))
        local word=${want:1}
        if [[ $want == +* ]]; then
            if ! grep -qxF -- "$word" <<<"$got" && ! grep -qxF -- "$word/" <<<"$got"; then
                echo "FAIL [$shell] '$line' does not offer '$word'; offers: $(tr '\n' ' ' <<<"$got")"
                failures=$((failures + 1))
            fi
        else
            if grep -qxF -- "$word" <<<"$got"; then
                echo "FAIL [$shell] '$line' offers '$word' but should not"
                failures=$((failures + 1))
            fi
        fi
    done
}

for sh in bash zsh fish; do
    echo "== $sh"
    expect $sh 'nvmetctl ' +validate +plan +apply +check +watch +export +clear +rollback +status +doctor +import-nvmetcli
    expect $sh 'nvmetctl pl' +plan -apply
    expect $sh 'nvmetctl --' +--help +--version +--output +--configfs +--lock-file +--debugfs +--run-dir
    expect $sh 'nvmetctl -o ' +text +json +prometheus
    expect $sh 'nvmetctl --output json ' +apply +status
    expect $sh 'nvmetctl plan --' +--detailed-exitcode +--prune +--allow-recreate +--help -dry-run
    expect $sh 'nvmetctl apply --' +--wait +--dry-run +--lock-timeout +--prune +--check +--check-timeout -detailed-exitcode
    expect $sh 'nvmetctl check --' +--timeout +--settle +--lock-timeout +--help -prune
    expect $sh 'nvmetctl check ' +target.yaml -notes.txt
    expect $sh 'nvmetctl watch --' +--repair +--prune +--drift-interval +--metrics-file +--check +--check-timeout -dry-run
    expect $sh 'nvmetctl watch ' +target.yaml -notes.txt
    expect $sh 'nvmetctl clear --' +--rdma-links +--unload-modules +--lock-timeout
    expect $sh 'nvmetctl rollback --' +--dry-run +--lock-timeout +--help -prune
    expect $sh 'nvmetctl rollback ' -target.yaml
    expect $sh 'nvmetctl export --' +--format
    expect $sh 'nvmetctl export --format ' +yaml +nvmetcli
    expect $sh 'nvmetctl status --' +--subsystem +--port
    expect $sh 'nvmetctl doctor --' +--verbose +--list +--probe +--timeout +--help -prune
    expect $sh 'nvmetctl doctor ' +target.yaml -notes.txt
    expect $sh 'nvmetctl validate ' +target.yaml +other.yml +sub -notes.txt -config.json
    expect $sh 'nvmetctl apply --prune ' +target.yaml -notes.txt
    expect $sh 'nvmetctl import-nvmetcli ' +config.json -target.yaml -notes.txt
    expect $sh 'nvmetctl import-nvmetcli --' +--key-dir
    expect $sh "nvmetctl --configfs $cfs status --subsystem " \
        +nqn.2024-01.io.example:disk1 +nqn.2024-01.io.example:disk2
    expect $sh "nvmetctl --configfs $cfs status --port " +1 +42
    expect $sh 'nvmetctl status --port ' -42
done
# The environment variable points at configfs too.
for sh in bash zsh fish; do
    echo "== $sh (NVMETCTL_CONFIGFS)"
    NVMETCTL_CONFIGFS=$cfs expect $sh 'nvmetctl status --subsystem ' +nqn.2024-01.io.example:disk2
done

echo "$checks checks, $failures failures"
((failures == 0))
