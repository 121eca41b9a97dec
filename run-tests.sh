#!/usr/bin/env bash
# Set everything up and run every test: the unit tests (ctest), the command
# line, man page, completion, .deb and Ansible collection checks, the unit
# tests again under ASan/UBSan with every fuzz target for a bounded time, and
# the real-kernel suite (tests/vm/cases/*.sh in QEMU guests) on both kernels.
#
# usage: ./run-tests.sh [--unit-only | --vm-only] [--kernel K]... [CASE-GLOB...]
#
# Installs its own packages (apt), configures and builds into ./build,
# downloads the kernels into tests/vm/cache. Running it again is fast and
# changes nothing. Exits non-zero if the build or any test fails. This is
# what CI runs (.ci/run).
# The whole script is one compound command, so bash parses it completely
# before running it: editing the file (git pull) while it runs is safe.
{
set -euo pipefail
cd "$(dirname "$0")"

run_unit=1 run_vm=1
suite_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --unit-only) run_vm=0; shift ;;
        --vm-only)   run_unit=0; shift ;;
        --kernel)    suite_args+=(--kernel "$2"); shift 2 ;;
        --kernel=*)  suite_args+=("$1"); shift ;;
        -h|--help)   sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        -*)          echo "unknown option: $1" >&2; exit 2 ;;
        *)           suite_args+=("$1"); shift ;;
    esac
done

t0=$SECONDS
banner() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)) "$*"; }

banner "Installing packages"
scripts/install-deps.sh

banner "Configuring and building (./build)"
# A unity build (16 sources per unit) compiles in under half the time on 2
# cores; developers' builds stay file by file (the default).
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16
if ! cmake --build build -j2; then
    echo "BUILD FAILED" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

unit_status=0 vm_status=0
passed=0 failed=0 skipped=0
if [[ $run_unit -eq 1 ]]; then
    banner "Unit tests (ctest)"
    set +e
    (cd build && ctest --output-on-failure) | tee build/ctest-summary.log
    unit_status=${PIPESTATUS[0]}
    set -e
    # "100% tests passed, 0 tests failed out of 57"
    if read -r total fails < <(sed -nE 's/.*tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2 \1/p' build/ctest-summary.log | tail -n1); then
        passed=$((passed + total - fails)) failed=$((failed + fails))
    fi
    if [[ $unit_status -ne 0 && $failed -eq 0 ]]; then failed=$((failed + 1)); fi
fi

if [[ $run_unit -eq 1 ]]; then
    # The command line, man pages, completions, the .deb and the Ansible
    # collection, checked on this machine.
    for check in "tests/cli/run.sh build/nvmetctl" "tests/package/check-man.sh build/nvmetctl" tests/completions/run.sh \
        tests/package/test-deb.sh "tests/ansible/run.sh build/nvmetctl"; do
        banner "Checking: $check"
        if $check >build/ship-check.log 2>&1; then
            passed=$((passed + 1))
            tail -n 3 build/ship-check.log
        else
            failed=$((failed + 1)) unit_status=1
            cat build/ship-check.log
            echo "FAILED: $check"
        fi
    done
fi

if [[ $run_unit -eq 1 ]]; then
    # One clang build with ASan + UBSan + libFuzzer: the unit tests under the
    # sanitizers, then each fuzz target for a bounded time and its regressions.
    banner "Sanitizers and fuzzing (tests/fuzz/run-ci.sh)"
    set +e
    tests/fuzz/run-ci.sh 2>&1 | tee build/fuzz-summary.log
    fuzz_status=${PIPESTATUS[0]}
    set -e
    fuzz_failed=0
    if read -r p f < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' build/fuzz-summary.log | tail -n1); then
        passed=$((passed + p)) failed=$((failed + f)) fuzz_failed=$f
    fi
    if [[ $fuzz_status -ne 0 ]]; then
        unit_status=1
        [[ $fuzz_failed -gt 0 ]] || failed=$((failed + 1))
    fi
fi

if [[ $run_vm -eq 1 ]]; then
    banner "Fetching kernels"
    tests/vm/fetch-kernels.sh >/dev/null
    banner "Test-bed self-test (timeouts, crashes, exit status, kmod indexes)"
    set +e
    tests/vm/selftest.sh | tee build/vm-selftest.log
    self_status=${PIPESTATUS[0]}
    set -e
    passed=$((passed + $(grep -c ' \.\.\. ok$' build/vm-selftest.log || true)))
    failed=$((failed + $(grep -c ' \.\.\. FAILED' build/vm-selftest.log || true)))
    if [[ $self_status -ne 0 ]]; then
        vm_status=1
        [[ $(grep -c ' \.\.\. FAILED' build/vm-selftest.log || true) -gt 0 ]] || failed=$((failed + 1))
    fi
    banner "Real-kernel suite"
    set +e
    tests/vm/run-suite.sh "${suite_args[@]}" | tee build/vm-suite-summary.log
    [[ ${PIPESTATUS[0]} -eq 0 ]] || vm_status=1
    set -e
    if read -r p f s < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/p' build/vm-suite-summary.log | tail -n1); then
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
    fi
    if [[ $vm_status -ne 0 && $failed -eq 0 ]]; then failed=$((failed + 1)); fi
fi

banner "Done"
[[ $run_unit -eq 0 ]] || echo "unit tests:        $([[ $unit_status -eq 0 ]] && echo ok || echo FAILED)"
[[ $run_vm -eq 0 ]] || echo "real-kernel suite: $([[ $vm_status -eq 0 ]] && echo ok || echo FAILED)"
if [[ $skipped -gt 0 ]]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[[ $unit_status -eq 0 && $vm_status -eq 0 ]]
exit
}
