#!/usr/bin/env bash
# run.sh — build Sundial's codec fuzz targets (release, libFuzzer + AddressSanitizer)
# and run them.
#
#   ./run.sh TARGET SECONDS [libFuzzer flags...]   run one target for SECONDS
#   ./run.sh all SECONDS [libFuzzer flags...]      run every target in turn
#   ./run.sh list                                  print the target names
#
# Each run works on a scratch copy of corpus/TARGET (deleted afterwards), so the
# committed seeds never grow. Crash, leak, timeout and OOM inputs, and the log of the
# last run, land in artifacts/TARGET/ (git-ignored). Exits non-zero if any target
# crashed or failed to start.
set -euo pipefail
cd "$(dirname "$0")"

TARGETS=(FuzzTimestamps FuzzIntegers FuzzDoubles FuzzBooleans FuzzTagIDs FuzzStrings FuzzBlocks FuzzRoundTrip FuzzLineProtocol FuzzLog FuzzSegment FuzzSeriesLog FuzzSQL FuzzWire FuzzHTTPBody)
BUILD=(swift build -c release -Xswiftc -sanitize=fuzzer,address)

usage() {
    echo "usage: $0 TARGET|all SECONDS [libFuzzer flags...]   (targets: ${TARGETS[*]})" >&2
    exit 2
}

if [[ ${1:-} == list ]]; then printf '%s\n' "${TARGETS[@]}"; exit 0; fi
[[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || usage
what=$1
seconds=$2
shift 2
extra=("$@")

if [[ $what == all ]]; then
    selected=("${TARGETS[@]}")
else
    [[ " ${TARGETS[*]} " == *" $what "* ]] || usage
    selected=("$what")
fi

# Build (incremental: a no-op when nothing changed). The linker's
# "__asan_extra_spill_area" warning is harmless and filtered out.
mkdir -p artifacts
echo "== building: ${BUILD[*]}"
start=$(date +%s)
if ! "${BUILD[@]}" >artifacts/build.log 2>&1; then
    grep -v __asan_extra_spill_area artifacts/build.log >&2
    echo "== build failed (log: $PWD/artifacts/build.log)" >&2
    exit 1
fi
echo "== built in $(( $(date +%s) - start ))s"
bin=$("${BUILD[@]}" --show-bin-path)

# Runs one target; prints one summary line, and the report when it crashed.
run_one() {
    local target=$1 scratch log status=0
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/sundial-fuzz-$target.XXXXXX")
    cp corpus/"$target"/* "$scratch"/
    mkdir -p artifacts/"$target"
    log=artifacts/"$target"/last-run.log
    local dict=()
    [[ -f dict/$target.dict ]] && dict=(-dict="dict/$target.dict")
    SWIFT_BACKTRACE=enable=no "$bin/$target" "$scratch" ${dict[@]+"${dict[@]}"} \
        -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
        -artifact_prefix=artifacts/"$target"/ -print_final_stats=1 \
        ${extra[@]+"${extra[@]}"} >"$log" 2>&1 || status=$?
    rm -rf "$scratch"

    local runs rate final
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    if [[ $status -eq 0 ]]; then
        printf '%-15s OK     %10s runs %8s exec/s   %s\n' "$target" "${runs:-?}" "${rate:-?}" "${final:-}"
    else
        printf '%-15s FAILED (exit %d) after %s runs; log: %s\n' "$target" "$status" "${runs:-?}" "$PWD/$log"
        # libFuzzer's report: the error, the stack, the input and where it was saved.
        grep -v -E '^(#[0-9]+|INFO:|MS:|stat::)' "$log" | sed -n '1,80p'
    fi
    return "$status"
}

failed=()
for target in "${selected[@]}"; do
    run_one "$target" || failed+=("$target")
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "== crashed: ${failed[*]}" >&2
    exit 1
fi
echo "== all ${#selected[@]} target(s) ran ${seconds}s without a crash"
