#!/bin/bash
# The command line as users and scripts type it, on this machine against an
# empty configfs directory (no kernel needed): global options before and
# after the subcommand, exit 64 for a bad command line, --version.
#
#   tests/cli/run.sh [path/to/nvmetctl]
set -euo pipefail
bin=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/nvmetctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cfs"
export NVMETCTL_LOCK_FILE=$work/lock
# udev links of this machine must not change what the tests print.
export NVMETCTL_DEV_DIR=$work/dev
cat >"$work/target.yaml" <<'YAML'
version: 1
subsystems:
  - nqn: nqn.2024-01.io.example:cli
    allow_any_host: true
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [nqn.2024-01.io.example:cli]}
YAML
checks=0 failures=0
check() {  # check NAME EXPECTED-STATUS CMD...: runs CMD, compares its exit status
    local name=$1 want=$2 rc=0
    shift 2
    "$@" >"$work/out" 2>"$work/err" || rc=$?
    checks=$((checks + 1))
    if [[ $rc -ne $want ]]; then
        failures=$((failures + 1))
        echo "FAIL: $name: exit $rc, expected $want: $*"
        sed 's/^/  | /' "$work/err" "$work/out" | head -20
    fi
}
same_output() {  # same_output NAME CMD-A -- CMD-B: both succeed and print the same
    local name=$1 a=() b=()
    shift
    while [[ $1 != -- ]]; do a+=("$1"); shift; done
    shift
    b=("$@")
    check "$name (before)" 0 "${a[@]}"; cp "$work/out" "$work/a"
    check "$name (after)" 0 "${b[@]}"; cp "$work/out" "$work/b"
    checks=$((checks + 1))
    if ! cmp -s "$work/a" "$work/b"; then
        failures=$((failures + 1))
        echo "FAIL: $name: output differs"; diff "$work/a" "$work/b" | head -10
    fi
}
json() {  # json NAME: the last output is one JSON document
    checks=$((checks + 1))
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out" ||
        { failures=$((failures + 1)); echo "FAIL: $1: not one JSON document"; head -5 "$work/out"; }
}

check "--version" 0 "$bin" --version
[[ $(tail -c1 "$work/out" | od -An -c | tr -d ' ') == '\n' ]] || { failures=$((failures + 1)); echo "FAIL: --version does not end with a newline"; }
checks=$((checks + 1))
grep -qx 'nvmetctl [0-9][0-9.]*' "$work/out" || { failures=$((failures + 1)); echo "FAIL: --version prints $(cat "$work/out")"; }

# Libraries only some runs need are opened then (util/shared_library), not
# mapped by the dynamic loader at every start (issue 16).
for lib in libkmod libnftables libsystemd libcrypto libnvme libkeyutils libz.; do
    checks=$((checks + 1))
    if readelf -d "$bin" | grep NEEDED | grep -qF "[$lib"; then
        failures=$((failures + 1)); echo "FAIL: $bin links $lib at start: $(readelf -d "$bin" | grep NEEDED | grep -F "[$lib")"
    fi
done

cfs=(--configfs "$work/cfs")
same_output "status -o json" "$bin" -o json "${cfs[@]}" status -- "$bin" status -o json "${cfs[@]}"
json "status -o json"
check "status -o prometheus" 0 "$bin" status -o prometheus "${cfs[@]}"
checks=$((checks + 1))
/usr/bin/python3 - "$work/out" <<'PY' || { failures=$((failures + 1)); echo "FAIL: status -o prometheus does not parse as the text format"; }
import sys
from prometheus_client.parser import text_string_to_metric_families
samples = {s.name: s.value for f in text_string_to_metric_families(open(sys.argv[1]).read()) for s in f.samples}
assert samples["nvmetctl_nvmet_loaded"] == 0, samples
assert samples["nvmetctl_subsystems"] == 0, samples
PY
check "-o prometheus on another command" 64 "$bin" validate -o prometheus "$work/target.yaml"
same_output "validate -o json" "$bin" -o json validate "$work/target.yaml" -- "$bin" validate "$work/target.yaml" -o json
json "validate -o json"
same_output "export" "$bin" "${cfs[@]}" export -- "$bin" export "${cfs[@]}"
cp "$work/out" "$work/export-stdout"
check "export --output" 0 "$bin" export "${cfs[@]}" --output "$work/saved.yaml"
checks=$((checks + 1))
if ! cmp -s "$work/export-stdout" "$work/saved.yaml" || [[ $(stat -c %a "$work/saved.yaml") != 600 ]]; then
    failures=$((failures + 1)); echo "FAIL: export --output: not the export, or not mode 600"
fi
check "export --output into a missing directory" 1 "$bin" export "${cfs[@]}" --output "$work/no/such/dir/x.yaml"
# No modules under --modules-dir: the plan is printed and blocked (exit 3), not a usage error (64).
check "plan FILE --configfs DIR" 3 "$bin" plan "$work/target.yaml" "${cfs[@]}" --modules-dir "$work/none"
grep -q 'mkdir  ports/1' "$work/out" || { failures=$((failures + 1)); echo "FAIL: plan printed no steps"; }
check "doctor -o json" 7 "$bin" doctor -o json "${cfs[@]}" --proc "$work/none" --sysfs "$work/none"
json "doctor -o json"
check "clear --dry-run" 0 "$bin" clear --dry-run "${cfs[@]}"
grep -q 'Nothing to clear' "$work/out" || { failures=$((failures + 1)); echo "FAIL: clear --dry-run: $(cat "$work/out")"; }
mkdir -p "$work/cfs/nvmet/hosts/nqn.cli-host" "$work/cfs/nvmet/subsystems" "$work/cfs/nvmet/ports"
check "clear --dry-run -o json" 0 "$bin" clear --dry-run -o json "${cfs[@]}"
json "clear --dry-run -o json"
grep -q '"rmdir"' "$work/out" || { failures=$((failures + 1)); echo "FAIL: clear --dry-run plans no rmdir: $(cat "$work/out")"; }
[[ -d $work/cfs/nvmet/hosts/nqn.cli-host ]] || { failures=$((failures + 1)); echo "FAIL: clear --dry-run removed the host"; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
check "import-nvmetcli -o json" 0 "$bin" import-nvmetcli "$repo/tests/unit/data/nvmetcli/full.json" -o json
json "import-nvmetcli -o json"
check "import-nvmetcli of no JSON, -o json" 3 "$bin" import-nvmetcli -o json "$work/target.yaml"
json "import-nvmetcli of no JSON, -o json"

# check: an invalid file is exit 3 before anything is loaded; without host
# modules (none under --modules-dir) nothing could be checked: not checkable,
# and the check's own problem (exit 8: it proved nothing).
printf 'version: 1\nports: [{id: 70000}]\n' >"$work/bad.yaml"
check "check of an invalid file" 3 "$bin" check "$work/bad.yaml" "${cfs[@]}"
check "check -o json without host modules" 8 "$bin" check -o json "$work/target.yaml" "${cfs[@]}" --modules-dir "$work/none"
json "check -o json without host modules"
grep -q '"verdict": "not-checkable"' "$work/out" || { failures=$((failures + 1)); echo "FAIL: check without host modules: $(cat "$work/out")"; }
check "check --timeout 0" 64 "$bin" check --timeout 0 "$work/target.yaml"
check "apply --check-timeout -1" 64 "$bin" apply --check --check-timeout -1 "$work/target.yaml"

# Only the command the line names is built (cli/main.cpp named_command): a
# global option's value that is a command's name is still its value, the
# app's help lists every command, and a command's help is its own.
check "a global option's value named like a command" 0 "$bin" --run-dir plan -o json validate "$work/target.yaml"
json "a global option's value named like a command"
check "--configfs=DIR status" 0 "$bin" --configfs="$work/cfs" status
check "--help" 0 "$bin" --help
for command in validate plan apply export clear rollback doctor import-nvmetcli status check watch; do
    checks=$((checks + 1))
    grep -q "^  $command " "$work/out" || { failures=$((failures + 1)); echo "FAIL: --help does not list $command"; }
done
check "--help before a command" 0 "$bin" --help export  # CLI11: the command's help
grep -q -- "--stable-paths" "$work/out" || { failures=$((failures + 1)); echo "FAIL: --help export: $(head -3 "$work/out")"; }
check "a command's --help" 0 "$bin" export --help
grep -q -- "--output" "$work/out" || { failures=$((failures + 1)); echo "FAIL: export --help: $(head -3 "$work/out")"; }

check "an unknown subcommand" 64 "$bin" frobnicate
check "an unknown option" 64 "$bin" status --frobnicate
check "no subcommand" 64 "$bin"
check "-o with a bad format" 64 "$bin" status -o yaml
check "a missing argument" 64 "$bin" validate

echo "$((checks - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
