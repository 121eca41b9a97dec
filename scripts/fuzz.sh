#!/usr/bin/env bash
# Build the libFuzzer targets (fuzz/) with clang into ./build-fuzz and run
# each for a while, one after the other.
#
# usage: scripts/fuzz.sh [--runs N | --time S] [--max-len BYTES] [--timeout S] [--no-build] [TARGET...]
#
#   --runs N      stop each target after N executions (-runs=N)
#   --time S      stop each target after S seconds (-max_total_time=S); default 60
#                 With both, whichever comes first.
#   --max-len B   largest input (default: per target, 4096 or 2048 bytes)
#   --timeout S   an input slower than S seconds is a failure (default 1); a
#                 long campaign on a busy 2-core machine needs more, or the
#                 machine's stalls end it (fuzz/regressions/*-spurious-under-load)
#   TARGET        target_parser nvmetcli_import live_tree nldev_messages nftables_json (default: all)
#
# An input slower than --timeout (1 s) is a failure, like a crash. Each run
# first replays fuzz/regressions/<target>/, then fuzzes from the seeds in
# fuzz/corpus/<target>/ plus what earlier runs found (build-fuzz/corpus/,
# not committed). A new failing input is saved to fuzz/regressions/<target>/:
# commit it with the fix. Prints, per target: executions, exec/s, wall time,
# crashes, the slowest input's time (libFuzzer's, in whole seconds, and the
# slowest input of the corpus replayed one by one, in ms). Exits non-zero
# when any target failed.
# Nice it on a shared machine: nice -n 10 scripts/fuzz.sh --runs 1000000
{
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(target_parser nvmetcli_import live_tree nldev_messages nftables_json)
runs="" seconds="" max_len="" timeout=1 build=1 targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --time) seconds=$2; shift 2 ;;
        --max-len) max_len=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,/^{$/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option: $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
[[ -n $runs || -n $seconds ]] || seconds=60

out=build-fuzz
if [[ $build -eq 1 ]]; then
    scripts/install-deps.sh build fuzz
    # Debug at -O1: assertions stay on, sanitizers stay fast enough.
    CC=clang-14 CXX=clang++-14 cmake -S . -B "$out" -DNVMETCTL_FUZZ=ON -DNVMETCTL_BUILD_TESTS=OFF \
        -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
    cmake --build "$out" -j2 --target "${targets[@]/#/fuzz_}"
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=0
summary=()
for t in "${targets[@]}"; do
    bin=$out/fuzz-$t
    [[ -x $bin ]] || { echo "no $bin (build it first)" >&2; exit 2; }
    case $t in nldev_messages) len=${max_len:-2048} ;; *) len=${max_len:-4096} ;; esac
    work=$out/corpus/$t artifacts=$out/artifacts/$t regressions=fuzz/regressions/$t
    mkdir -p "$work" "$artifacts" "$regressions"
    rm -f "$artifacts"/*
    log=$out/fuzz-$t.log
    status=0

    mapfile -t replay < <(find "$regressions" -type f ! -name '.*' | sort)
    if [[ ${#replay[@]} -gt 0 ]]; then
        if ! "$bin" -timeout="$timeout" -rss_limit_mb=2048 "${replay[@]}" >"$out/replay-$t.log" 2>&1; then
            echo "[$t] a regression input fails again: see $out/replay-$t.log" >&2
            tail -n 30 "$out/replay-$t.log" >&2
            status=1
        fi
    fi

    args=(-timeout="$timeout" -max_len="$len" -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/")
    [[ -z $runs ]] || args+=(-runs="$runs")
    [[ -z $seconds ]] || args+=(-max_total_time="$seconds")
    [[ ! -f fuzz/dict/$t.dict ]] || args+=(-dict="fuzz/dict/$t.dict")
    echo "==> fuzz-$t ${args[*]}"
    start=$(date +%s%N)
    "$bin" "${args[@]}" "$work" "fuzz/corpus/$t" >"$log" 2>&1 || status=1
    wall_ms=$((($(date +%s%N) - start) / 1000000))

    crashes=0
    for f in "$artifacts"/*; do
        [[ -f $f ]] || continue
        crashes=$((crashes + 1))
        cp "$f" "$regressions/"
        echo "[$t] new failing input: $regressions/$(basename "$f")" >&2
    done
    if [[ $status -ne 0 ]]; then
        failed=$((failed + 1))
        grep -E 'ERROR: |SUMMARY: |ALARM|runtime error' "$log" | head -n 5 >&2 || true
    fi
    stat() { sed -nE "s/^stat::$1: *([0-9.]+)/\1/p" "$log" | tail -n1; }
    # libFuzzer's slowest unit is in whole seconds: time the corpus it kept,
    # one input at a time, for milliseconds.
    slowest_ms=$(find "$work" "fuzz/corpus/$t" -type f -print0 |
        xargs -0 -r "$bin" -timeout="$timeout" -rss_limit_mb=2048 2>&1 |
        sed -nE 's/^Executed .* in ([0-9]+) ms$/\1/p' | sort -n | tail -n1)
    line=$(printf '%-16s execs %-9s exec/s %-6s wall %5d.%01ds  crashes %d  slowest %ss (corpus: %s ms)  %s' "$t" \
        "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" $((wall_ms / 1000)) $((wall_ms % 1000 / 100)) "$crashes" \
        "$(stat slowest_unit_time_sec)" "${slowest_ms:-?}" "$([[ $status -eq 0 ]] && echo ok || echo FAILED)")
    echo "$line"
    summary+=("$line")
done

echo
echo "==> summary (logs in $out/fuzz-<target>.log)"
printf '%s\n' "${summary[@]}"
[[ $failed -eq 0 ]]
exit
}
