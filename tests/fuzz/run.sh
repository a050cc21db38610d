#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS — runs each libFuzzer target of a clang build
# configured with -DPEJL_FUZZ=ON for SECONDS, on a copy of its seed corpus
# in a temp dir (tests/fuzz/corpus is only read), and prints one line per
# target. Exits 1 if a target is missing or crashed; a crash's reproducer
# and log are kept in BUILD_DIR/tests/fuzz/crashes/.
#
#     cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DPEJL_FUZZ=ON
#     cmake --build build-fuzz -j && tests/fuzz/run.sh build-fuzz 60
set -euo pipefail

if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -eq 0 ]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 64
fi
build=$(cd "$1" && pwd)
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pejl-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failed=0
passed=0
crashed=0
for target in jsonstat csv period thresholds alert_ledger control journal outbox worldbank ctgov statbank eurostat http_cache tableinfo snapshots; do
    bin=$build/tests/fuzz/fuzz_$target
    if [ ! -x "$bin" ]; then
        echo "fuzz_$target: not built (configure with -DCMAKE_C_COMPILER=clang -DPEJL_FUZZ=ON)"
        failed=1
        crashed=$((crashed + 1))
        continue
    fi
    work=$tmp/$target
    mkdir -p "$work/corpus" "$work/artifacts"
    cp "$here/corpus/$target/"* "$work/corpus/"
    seeds=$(find "$work/corpus" -type f | wc -l)
    dict=()
    [ -f "$here/$target.dict" ] && dict=(-dict="$here/$target.dict")
    rc=0
    "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1 \
        "${dict[@]}" -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
    corpus=$(find "$work/corpus" -type f | wc -l)
    if [ "$rc" -ne 0 ]; then
        keep=$build/tests/fuzz/crashes/$target-$(date +%Y%m%d-%H%M%S)
        mkdir -p "$keep"
        cp "$work/log" "$work/artifacts/"* "$keep/" 2>/dev/null || true
        echo "fuzz_$target: CRASHED (exit $rc) after ${execs:-?} execs; reproducer and log in $keep"
        failed=1
        crashed=$((crashed + 1))
    else
        echo "fuzz_$target: ${execs:-?} execs in ${seconds} s (${rate:-?}/s), no crash; corpus $seeds -> $corpus inputs"
        passed=$((passed + 1))
    fi
done
echo "fuzz: $passed passed, $crashed failed"
exit $failed
