#!/usr/bin/env bash
# Run the real-kernel test cases (tests/vm/cases/*.sh), each in its own fresh
# guest, on every selected kernel.
#
# usage: tests/vm/run-suite.sh [--kernel K]... [--jobs N] [--timeout S] [PATTERN...]
#
#   --kernel K    6.1, 6.12 or a full version; repeatable (default: 6.1 and 6.12)
#   --jobs N      guests run in parallel (default: $NVMETCTL_VM_JOBS or nproc, max 4)
#   --smp N       vCPUs per guest (default: $NVMETCTL_VM_SMP, else nproc / jobs,
#                 at least 1: TCG guests whose vCPUs outnumber the host's cores
#                 burn CPU spinning on each other; measured on 2 cores, 2 guests
#                 with 1 vCPU each ran the suite 2x faster than 1 guest with 2,
#                 and 2 guests with 2 vCPUs each were slower than 1 guest)
#   --timeout S   per-guest hard timeout (default: $NVMETCTL_VM_TIMEOUT or 300);
#                 a case can ask for another with a "# timeout: S" header line
#   --list        print the selected case/kernel pairs and exit
#   PATTERN       shell glob(s) on case names, e.g. 'manual-*' (default: all)
#
# Case headers (comment lines near the top of a case):
#   # requires-kernel: 6.12   skip the case on kernels older than 6.12
#   # timeout: 600            hard timeout for this case's guest
#
# A case passes with exit status 0, is skipped with 77 and fails otherwise
# (a guest killed by the timeout is a failure). Logs of every run are kept
# in tests/vm/logs/<kver>/<case>/. Prints one line per finished case, a
# summary, and finally "N passed, N failed, N skipped"; exits non-zero if
# anything failed.
# The whole script is one compound command, so bash parses it completely
# before running it: editing the file (git pull) while it runs is safe.
{
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap 'echo "run-suite.sh: unexpected failure at line $LINENO: $BASH_COMMAND" >&2' ERR

kernels=()
jobs=${NVMETCTL_VM_JOBS:-}
smp=${NVMETCTL_VM_SMP:-}
timeout_s=${NVMETCTL_VM_TIMEOUT:-300}
list_only=0
patterns=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kernel)    kernels+=("$2"); shift 2 ;;
        --kernel=*)  kernels+=("${1#*=}"); shift ;;
        --jobs|-j)   jobs=$2; shift 2 ;;
        --jobs=*)    jobs=${1#*=}; shift ;;
        --smp)       smp=$2; shift 2 ;;
        --smp=*)     smp=${1#*=}; shift ;;
        --timeout)   timeout_s=$2; shift 2 ;;
        --timeout=*) timeout_s=${1#*=}; shift ;;
        --list)      list_only=1; shift ;;
        -h|--help)   sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        -*)          vm_die "unknown option $1" ;;
        *)           patterns+=("$1"); shift ;;
    esac
done
[[ ${#kernels[@]} -gt 0 ]] || kernels=("${VM_SERIES[@]}")
[[ ${#patterns[@]} -gt 0 ]] || patterns=('*')
if [[ -z $jobs ]]; then
    jobs=$(nproc)
    ((jobs <= 4)) || jobs=4
fi
if [[ -z $smp ]]; then
    smp=$(($(nproc) / jobs))
    ((smp >= 1)) || smp=1
    ((smp <= 2)) || smp=2
fi

# Resolve the kernels (fetching what is missing) and prepare their boot files
# once, before guests run in parallel.
declare -A label_of=()
kvers=()
series_wanted=()
for k in "${kernels[@]}"; do
    case "$k" in 6.1|6.12) series_wanted+=("$k") ;; esac
done
declare -A series_kver=()
if [[ ${#series_wanted[@]} -gt 0 ]]; then
    while read -r s v; do series_kver[$s]=$v; done < <("$VM_DIR/fetch-kernels.sh" "${series_wanted[@]}")
fi
for k in "${kernels[@]}"; do
    case "$k" in
        6.1|6.12) v=${series_kver[$k]:-} ;;
        *) v=$k ;;
    esac
    [[ -n $v && -e $VM_CACHE/kernels/$v/.ready ]] || vm_die "kernel $k is not available"
    kvers+=("$v")
    label_of[$v]=$(vm_kver_series "$v")
    vm_build_initramfs "$v" >/dev/null
    vm_kernel_image "$v" >/dev/null
done
vm_nvme_image >/dev/null

# Select the cases.
cases=()
for f in "$VM_DIR"/cases/*.sh; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .sh)
    for p in "${patterns[@]}"; do
        # shellcheck disable=SC2053
        if [[ $name == $p ]]; then cases+=("$f"); break; fi
    done
done
[[ ${#cases[@]} -gt 0 ]] || vm_die "no test case matches: ${patterns[*]}"

header() { sed -n "1,25{s/^#[[:space:]]*$1:[[:space:]]*\\([^[:space:]]*\\).*/\\1/p;T;q}" "$2"; }

# Job list: case-major so that parallel guests tend to run different kernels.
job_case=() job_kver=() job_timeout=()
skipped_lines=()
n_skipped=0
for f in "${cases[@]}"; do
    req=$(header requires-kernel "$f")
    to=$(header timeout "$f")
    for v in "${kvers[@]}"; do
        if [[ -n $req ]] && ! vm_version_ge "${v%%-*}" "$req"; then
            skipped_lines+=("[${label_of[$v]}] $(basename "$f" .sh) ... SKIP (requires kernel $req)")
            n_skipped=$((n_skipped + 1))
            continue
        fi
        job_case+=("$f") job_kver+=("$v") job_timeout+=("${to:-$timeout_s}")
    done
done

# Longest first, so a slow case does not run alone at the end: order by the
# duration of the last run on this machine (tests/vm/logs/.../seconds), else
# by the case's timeout header (a long timeout hints at a long case).
order=()
while read -r _ i; do order+=("$i"); done < <(
    for i in "${!job_case[@]}"; do
        f=$VM_LOGS/${job_kver[$i]}/$(basename "${job_case[$i]}" .sh)/seconds
        if [[ -r $f ]]; then w=$(<"$f"); else w=${job_timeout[$i]}; fi
        [[ $w =~ ^[0-9]+$ ]] || w=0
        echo "$w $i"
    done | sort -s -k1,1nr)

if [[ $list_only -eq 1 ]]; then
    for i in "${order[@]}"; do echo "[${label_of[${job_kver[$i]}]}] $(basename "${job_case[$i]}" .sh)"; done
    printf '%s\n' "${skipped_lines[@]}"
    exit 0
fi

echo "Real-kernel suite: ${#cases[@]} case(s) on ${kvers[*]}; ${#job_case[@]} guest(s), $jobs in parallel, $smp vCPU(s) each"
for l in "${skipped_lines[@]}"; do echo "$l"; done

n_passed=0 n_failed=0
failed_names=()
declare -A pid_job=() start_of=()
suite_start=$SECONDS

finish() {
    local pid=$1 rc=$2 i=${pid_job[$1]} label name dir secs result
    unset "pid_job[$pid]"
    name=$(basename "${job_case[$i]}" .sh)
    label=${label_of[${job_kver[$i]}]}
    dir=$VM_LOGS/${job_kver[$i]}/$name
    secs=$((SECONDS - ${start_of[$i]}))
    [[ $rc -eq 124 ]] || echo "$secs" >"$dir/seconds" 2>/dev/null || true
    case $rc in
        0)  result=PASS; n_passed=$((n_passed + 1)) ;;
        77) result=SKIP; n_skipped=$((n_skipped + 1)) ;;
        124) result="FAIL (timeout)"; n_failed=$((n_failed + 1)); failed_names+=("[$label] $name") ;;
        *)  result=FAIL; n_failed=$((n_failed + 1)); failed_names+=("[$label] $name") ;;
    esac
    local boot=""
    [[ -r $dir/boot-seconds ]] && boot=", boot $(<"$dir/boot-seconds")s"
    echo "[$label] $name ... $result (${secs}s$boot)"
    if [[ $result == FAIL* ]]; then
        echo "----- [$label] $name: output -----"
        cat "$dir/run.log" 2>/dev/null || true
        echo "----- [$label] $name: end (logs in ${dir#"$REPO_ROOT"/}) -----"
    fi
}

stop_all() {
    local p
    for p in "${!pid_job[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap 'stop_all; echo "interrupted" >&2; exit 130' INT TERM HUP

for i in "${order[@]}"; do
    while ((${#pid_job[@]} >= jobs)); do
        rc=0; wait -n -p done_pid "${!pid_job[@]}" || rc=$?  # a failed case is no failure of the runner
        finish "$done_pid" "$rc"
    done
    name=$(basename "${job_case[$i]}" .sh)
    dir=$VM_LOGS/${job_kver[$i]}/$name
    mkdir -p "$dir"
    start_of[$i]=$SECONDS
    NVMETCTL_VM_NO_FETCH=1 "$VM_DIR/run-guest.sh" --quiet --kernel "${job_kver[$i]}" --smp "$smp" \
        --timeout "${job_timeout[$i]}" --log-dir "$dir" "${job_case[$i]}" >"$dir/run.log" 2>&1 &
    pid_job[$!]=$i
done
while ((${#pid_job[@]} > 0)); do
    rc=0; wait -n -p done_pid "${!pid_job[@]}" || rc=$?  # a failed case is no failure of the runner
    finish "$done_pid" "$rc"
done

total=$((SECONDS - suite_start))
echo
echo "Real-kernel suite finished in $((total / 60))m$((total % 60))s on ${kvers[*]}"
if [[ $n_failed -gt 0 ]]; then
    echo "Failed:"
    printf '  %s\n' "${failed_names[@]}"
fi
if [[ $n_skipped -gt 0 ]]; then
    echo "$n_passed passed, $n_failed failed, $n_skipped skipped"
else
    echo "$n_passed passed, $n_failed failed"
fi
[[ $n_failed -eq 0 ]]
exit
}
