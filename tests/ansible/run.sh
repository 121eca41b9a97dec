#!/bin/bash
# The Ansible collection (ansible/) on this machine, no kernel needed: it
# builds and installs offline with ansible-galaxy; ansible-doc renders the
# module, whose documentation names exactly the options it takes; the diff
# it returns reads exactly as `nvmetctl plan`; and the example playbook runs
# it through ansible-playbook against directories standing in for configfs
# and sysfs: check mode plans (changed, the diff has the steps, nothing is
# written), an invalid file fails with its file:line:column, and an apply
# that fails (a plain directory is no configfs) fails the task as rolled back,
# the playbook's prune/allow_recreate/check on nvmetctl's command line.
# The real kernel is tests/vm/cases/ship-ansible.sh.
#
#   tests/ansible/run.sh [path/to/nvmetctl]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$repo/build/nvmetctl}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in ansible-galaxy ansible-doc ansible-playbook; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (apt-get install ansible-core)"; exit 1; }
done

# Ansible on its own: no user configuration, collections or temporary files.
touch "$work/ansible.cfg"
export HOME=$work ANSIBLE_CONFIG=$work/ansible.cfg ANSIBLE_COLLECTIONS_PATH=$work/collections
export ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_REMOTE_TEMP=$work/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
# nvmetctl's system paths, inherited by the module under a local connection:
# nvmet and its modules as if built into the kernel, nothing else.
mkdir -p "$work"/cfs/nvmet/{hosts,ports,subsystems} "$work"/sys/module/{configfs,nvmet,nvme_loop} \
    "$work"/proc "$work"/modules "$work"/boot "$work"/run
export NVMETCTL_CONFIGFS=$work/cfs NVMETCTL_SYSFS=$work/sys NVMETCTL_PROC=$work/proc
export NVMETCTL_MODULES_DIR=$work/modules NVMETCTL_BOOT_DIR=$work/boot NVMETCTL_DEV_DIR=$work/dev
export NVMETCTL_LOCK_FILE=$work/lock NVMETCTL_RUN_DIR=$work/run
cd "$work"

checks=0 failures=0
fail() { failures=$((failures + 1)); echo "FAIL: $*"; }
# run NAME EXPECTED-STATUS CMD...: runs CMD into $work/out (stdout+stderr)
run() {
    local name=$1 want=$2 rc=0
    shift 2
    "$@" >"$work/out" 2>&1 || rc=$?
    checks=$((checks + 1))
    if [[ $rc -ne $want ]]; then
        fail "$name: exit $rc, expected $want: $*"
        sed 's/^/  | /' "$work/out" | head -40
    fi
}
# has NAME TEXT...: the last output contains each TEXT (fixed strings)
has() {
    local name=$1 text
    shift
    for text in "$@"; do
        checks=$((checks + 1))
        grep -qF -- "$text" "$work/out" || { fail "$name: '$text' not in the output"; sed 's/^/  | /' "$work/out" | head -40; }
    done
}
# recap NAME REGEX: the play recap's line for localhost matches REGEX
recap() {
    checks=$((checks + 1))
    grep -qE "^localhost +: $2" "$work/out" || { fail "$1: recap is not /$2/"; grep -E '^localhost +:' "$work/out" || true; }
}
# untouched NAME: nothing was created in the stand-in configfs
untouched() {
    checks=$((checks + 1))
    [[ -z $(find "$work/cfs/nvmet" -mindepth 2 -print -quit) ]] || { fail "$1: configfs was written:"; find "$work/cfs"; }
}

# ---------------------------------------------------------------- build, install, doc
run "collection build" 0 ansible-galaxy collection build "$repo/ansible" --output-path "$work/dist"
tarball=$(echo "$work"/dist/nvmetctl-nvmet-*.tar.gz)
run "collection contents" 0 tar tzf "$tarball"
has "collection contents" MANIFEST.json plugins/modules/target.py meta/runtime.yml README.md
# --offline: a tarball without dependencies needs no Galaxy server.
run "collection install" 0 ansible-galaxy collection install --offline "$tarball" -p "$work/collections"
installed=$work/collections/ansible_collections/nvmetctl/nvmet
run "ansible-doc" 0 ansible-doc -t module nvmetctl.nvmet.target
has "ansible-doc" "NVMETCTL.NVMET.TARGET" "- src" "- content" "- prune" "- allow_recreate" "- check" \
    "check_mode:" "diff_mode:" "RETURN VALUES:" "- report"
run "ansible-doc --json" 0 ansible-doc -t module --json nvmetctl.nvmet.target
# The documentation and the argument spec must agree: names, types, defaults.
checks=$((checks + 1))
/usr/bin/python3 - "$work/out" "$installed/plugins/modules/target.py" <<'PY' || fail "documented options differ from the argument spec"
import importlib.util, json, sys
doc = json.load(open(sys.argv[1]))["nvmetctl.nvmet.target"]["doc"]["options"]
spec = importlib.util.spec_from_file_location("target", sys.argv[2])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
args = module.argument_spec()
assert sorted(doc) == sorted(args), (sorted(doc), sorted(args))
for name, arg in args.items():
    assert doc[name]["type"] == arg["type"], (name, doc[name]["type"], arg["type"])
    assert doc[name].get("default") == arg.get("default"), (name, doc[name].get("default"), arg.get("default"))
PY

# ---------------------------------------------------------------- the diff reads as `nvmetctl plan`
sed "s|/dev/nvme0n1|$work/disk|" "$repo/examples/loop.yaml" >"$work/target.yaml"
printf 'version: 1\nports:\n  - id: 1\n    trtype: carrier-pigeon\n' >"$work/broken.yaml"
"$bin" plan "$work/target.yaml" >"$work/plan.txt"
"$bin" plan -o json "$work/target.yaml" >"$work/plan.json"
checks=$((checks + 1))
/usr/bin/python3 - "$installed/plugins/modules/target.py" "$work/plan.json" "$work/plan.txt" <<'PY' || fail "the diff differs from 'nvmetctl plan'"
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("target", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
plan = json.load(open(sys.argv[2]))["plan"]
want = open(sys.argv[3]).read()
assert plan["steps"], "no steps to compare"
got = module.render_plan(plan)
assert got == want, "render_plan:\n%s\nnvmetctl plan:\n%s" % (got, want)
PY

# ---------------------------------------------------------------- the example playbook
playbook() {  # playbook TARGET-FILE [ARGS...]
    local src=$1
    shift
    ansible-playbook -i "$repo/examples/ansible/inventory.ini" "$repo/examples/ansible/apply-nvmet-target.yml" \
        -e nvmetctl_hosts=local -e nvmetctl_bin="$bin" -e nvmetctl_target_src="$src" \
        -e nvmetctl_target_path="$work/etc/target.yaml" "$@"
}
run "check mode --diff" 0 playbook "$work/target.yaml" --check --diff
recap "check mode --diff" "ok=1 +changed=1 +unreachable=0 +failed=0 "
has "check mode --diff" "changed: [localhost]" "  +   mkdir  subsystems/nqn.2024-01.io.example:loop-disk" \
    "  +   link   ports/3/subsystems/nqn.2024-01.io.example:loop-disk -> subsystems/nqn.2024-01.io.example:loop-disk" \
    "Plan: 3 to create, 0 to change, 0 to replace, 0 to remove (8 operations, 8 in configfs)."
untouched "check mode"
checks=$((checks + 1))
[[ ! -e $work/etc/target.yaml ]] || fail "check mode kept the file"

run "invalid file" 2 playbook "$work/broken.yaml"
recap "invalid file" "ok=0 +changed=0 +unreachable=0 +failed=1 "
has "invalid file" "nvmetctl apply failed (exit 3: invalid input; nothing was changed)" \
    "$work/broken.yaml:4:13: error: ports[0].trtype: must be one of rdma, tcp, fc, loop, pci, got 'carrier-pigeon'"
untouched "invalid file"

run "invalid file, check mode" 2 playbook "$work/broken.yaml" --check
has "invalid file, check mode" "nvmetctl plan failed (exit 3" "$work/broken.yaml:4:13: error: ports[0].trtype"

# A directory has no attribute files: the first write fails, nvmetctl undoes
# the mkdir before it, and the task fails without `changed`. The options
# reach nvmetctl's command line.
run "failed apply" 2 playbook "$work/target.yaml" -e nvmetctl_prune=true -e nvmetctl_allow_recreate=true \
    -e nvmetctl_check=true -e nvmetctl_lock_timeout=5
recap "failed apply" "ok=0 +changed=0 +unreachable=0 +failed=1 "
has "failed apply" "nvmetctl apply failed (exit 4: apply failed and was rolled back; the target is as it was)" \
    '"status": "rolled-back"' '"apply", "--prune", "--allow-recreate", "--check", "--lock-timeout", "5.0", "--"'
untouched "failed apply"
checks=$((checks + 1))
[[ ! -e $work/etc/target.yaml ]] || fail "a failed apply kept the file"

# A file on the node (src), ad hoc: the report is the plan's, of that file.
run "src, check mode" 0 ansible -i localhost, -c local localhost --check -m nvmetctl.nvmet.target \
    -a "src=$work/target.yaml executable=$bin"
has "src, check mode" "localhost | CHANGED" "\"file\": \"$work/target.yaml\"" '"configfs_mutations": 8'
run "src and content" 2 ansible -i localhost, -c local localhost -m nvmetctl.nvmet.target \
    -a "src=$work/target.yaml content=x executable=$bin"
has "src and content" "parameters are mutually exclusive: src|content"
untouched "src"

# The temporary files of inline content are gone with the task.
checks=$((checks + 1))
[[ -z $(find "$work/tmp" -name 'nvmetctl-*.yaml' -print -quit 2>/dev/null) ]] || fail "inline content left behind: $(find "$work/tmp" -name 'nvmetctl-*.yaml')"

echo "$checks checks, $failures failed"
[[ $failures -eq 0 ]]
