#!/usr/bin/env bash
# CI: the unit tests under ASan + UBSan, and every fuzz target for a bounded
# time plus its regression inputs, from one sanitized clang build.
#
# usage: tests/fuzz/run-ci.sh            (from anywhere; run as root for apt)
#   NVMETCTL_FUZZ_SECONDS  seconds per fuzz target (default 60)
#   NVMETCTL_CI_JOBS       build and ctest parallelism (default 2)
#
# Builds ./build-sanitize (clang-14, Debug -O1, NVMETCTL_SANITIZE and
# NVMETCTL_FUZZ: one build serves both). A crash, a sanitizer report, a leak
# or an input slower than 1 s fails the target; its input is kept in
# build-sanitize/fuzz-artifacts/<target>/ (copy it to fuzz/regressions/).
# Ends with "N passed, M failed" (unit tests + fuzz targets).
{
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${NVMETCTL_FUZZ_SECONDS:-60}
jobs=${NVMETCTL_CI_JOBS:-2}
out=build-sanitize
targets=(target_parser nvmetcli_import live_tree nldev_messages nftables_json)
t0=$SECONDS
banner() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)) "$*"; }

banner "Installing packages"
scripts/install-deps.sh build fuzz

banner "Configuring and building ($out: clang, ASan + UBSan + libFuzzer, Debug -O1)"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$out" -DNVMETCTL_SANITIZE=ON -DNVMETCTL_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 >/dev/null
if ! cmake --build "$out" -j"$jobs" --target nvmetctl_unit_tests "${targets[@]/#/fuzz_}"; then
    echo "BUILD FAILED" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
passed=0 failed=0

banner "Unit tests under ASan + UBSan (ctest)"
set +e
(cd "$out" && ctest --output-on-failure -j"$jobs") | tee "$out/ctest-summary.log"
unit_status=${PIPESTATUS[0]}
set -e
if read -r total fails < <(sed -nE 's/.*tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2 \1/p' "$out/ctest-summary.log" | tail -n1); then
    passed=$((passed + total - fails)) failed=$((failed + fails))
fi
if [[ $unit_status -ne 0 && $failed -eq 0 ]]; then failed=$((failed + 1)); fi

# A timeout on a loaded 2-core machine need not mean a slow input: it counts
# only if the input is slow again when replayed alone, three times.
only_spurious_timeouts() {
    local bin=$1 dir=$2 input found=0
    for input in "$dir"/*; do
        [[ -e $input ]] || continue
        [[ $(basename "$input") == timeout-* ]] || return 1
        found=1
        for _ in 1 2 3; do
            "$bin" -timeout=1 -rss_limit_mb=2048 "$input" >/dev/null 2>&1 || return 1
        done
    done
    [[ $found -eq 1 ]]
}

for t in "${targets[@]}"; do
    banner "Fuzzing $t: regression inputs, then ${seconds}s"
    bin=$out/fuzz-$t work=$out/fuzz-corpus/$t artifacts=$out/fuzz-artifacts/$t
    rm -rf "$work" "$artifacts"
    mkdir -p "$work" "$artifacts"
    ok=1
    mapfile -t replay < <(find "fuzz/regressions/$t" -type f ! -name '.*' 2>/dev/null | sort)
    if [[ ${#replay[@]} -gt 0 ]]; then
        if "$bin" -timeout=1 -rss_limit_mb=2048 "${replay[@]}" >"$out/fuzz-replay-$t.log" 2>&1; then
            echo "${#replay[@]} regression inputs: ok"
        else
            ok=0
            tail -n 40 "$out/fuzz-replay-$t.log"
            echo "FAILED: a regression input of $t fails again"
        fi
    fi
    case $t in nldev_messages) len=2048 ;; *) len=4096 ;; esac
    args=(-timeout=1 -max_len=$len -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1
          -artifact_prefix="$artifacts/")
    [[ ! -f fuzz/dict/$t.dict ]] || args+=(-dict="fuzz/dict/$t.dict")
    if "$bin" "${args[@]}" "$work" "fuzz/corpus/$t" >"$out/fuzz-$t.log" 2>&1; then
        sed -nE 's/^stat::(number_of_executed_units|average_exec_per_sec|slowest_unit_time_sec): */  \1 /p' "$out/fuzz-$t.log"
    elif only_spurious_timeouts "$bin" "$artifacts"; then
        echo "  a 1 s timeout whose input runs fast alone: the machine was busy, not nvmetctl slow (kept in $artifacts/)"
    else
        ok=0
        tail -n 60 "$out/fuzz-$t.log"
        echo "FAILED: fuzz-$t (input kept in $artifacts/)"
    fi
    if [[ $ok -eq 1 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

banner "Done"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
exit
}
