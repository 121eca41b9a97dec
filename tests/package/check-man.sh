#!/bin/bash
# The man pages render without warnings (mandoc -T lint, groff -ww) and
# nvmetctl.yaml(5) documents every key of the attribute table and every
# command nvmetctl --help lists. Installs mandoc and groff when missing.
#   tests/package/check-man.sh [NVMETCTL_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:-$repo/build/nvmetctl}
failures=0
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }

need=()
command -v mandoc >/dev/null || need+=(mandoc)
command -v groff >/dev/null || need+=(groff)
if ((${#need[@]})); then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

for page in "$repo"/man/nvmetctl.8 "$repo"/man/nvmetctl.yaml.5; do
    out=$(mandoc -T lint -W style "$page" 2>&1) || true
    [[ -z $out ]] || bad "mandoc -T lint $page: $out"
    out=$(groff -ww -man -z "$page" 2>&1) || true
    [[ -z $out ]] || bad "groff -ww $page: $out"
done

# Every YAML key of the attribute table, as a bold term of the file format page.
yaml5=$(mandoc -T utf8 "$repo/man/nvmetctl.yaml.5" | col -bx)
keys=$(grep -oE 'attr\(K::[A-Za-z]+, "[a-z_0-9]+"' "$repo/src/core/model/attribute_table.cpp" | sed 's/.*"\(.*\)"/\1/' | sort -u)
[[ -n $keys ]] || bad "no keys found in the attribute table"
for key in $keys version modules rdma_links hosts subsystems ports nqn nsid namespaces allowed_hosts passthru \
    referrals ana_groups id name type netdev; do
    grep -qE "(^| )$key( |,|$)" <<<"$yaml5" || bad "nvmetctl.yaml(5) does not document '$key'"
done

# Every command of the binary, in nvmetctl(8).
if [[ -x $bin ]]; then
    page8=$(mandoc -T utf8 "$repo/man/nvmetctl.8" | col -bx)
    commands=$("$bin" --help | awk '/^Subcommands:/{f=1;next} f && /^  [a-z]/{print $1} f && /^$/{f=0}')
    for c in $commands; do
        grep -qE "^   $c( |$)" <<<"$page8" || bad "nvmetctl(8) has no section for command '$c'"
    done
    for c in $commands; do
        for opt in $("$bin" "$c" --help | grep -oE '^  +--[a-z-]+' | tr -d ' ' | sort -u); do
            [[ $opt == --help ]] && continue
            grep -qF -- "$opt" <<<"$page8" || bad "nvmetctl(8) does not mention $c $opt"
        done
    done
else
    echo "note: $bin not built; commands not cross-checked"
fi
((failures == 0)) && echo "man pages OK"
((failures == 0))
