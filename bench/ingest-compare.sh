#!/bin/bash
# ingest-compare.sh — bench_ingest of two builds in one run: an earlier
# build's (BASE_BUILD_DIR, e.g. of the commit before a change) and this
# one's, invoked alternately (base, build, base, build, ...) with one
# repetition each, so that drift in the machine's load falls on both alike.
# Each invocation also runs its own bare librrd loop; the table gives, per
# N and variant, the median wall time and ratio to that bare loop over the
# rounds, for the base and for the build.
#
#     bench/ingest-compare.sh BASE_BUILD_DIR [BUILD_DIR] [-- BENCH_INGEST_ARGS...]
#     COMPARE_ROUNDS=3 bench/ingest-compare.sh /tmp/before/build -- -n 1000 -V bare,pejl
#
# BUILD_DIR defaults to build; rounds (COMPARE_ROUNDS) to 2; the bench_ingest
# arguments to its defaults (-r is always 1: the rounds are the repetitions).
# Every invocation's full output is kept in $TMPDIR (else /var/tmp) while
# this runs, and printed when an invocation fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ] || [ "$1" = -- ]; then
    sed -n '10,11p' "$0" >&2
    exit 64
fi
base=$1
shift
build=build
if [ $# -gt 0 ] && [ "$1" != -- ]; then
    build=$1
    shift
fi
[ $# -eq 0 ] || shift # the --
rounds=${COMPARE_ROUNDS:-2}

absolute() {
    case $1 in /*) echo "$1" ;; *) echo "$root/$1" ;; esac
}
base_bench=$(absolute "$base")/bench/bench_ingest
build_bench=$(absolute "$build")/bench/bench_ingest
for b in "$base_bench" "$build_bench"; do
    [ -x "$b" ] || { echo "ingest-compare.sh: $b not built (target bench_ingest)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/pejl-ingest-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Runs one invocation; its rows go to $tmp/rows as "WHO ROUND N VARIANT WALL RATIO".
run_one() {
    local who=$1 bench=$2 round=$3 out=$tmp/$1-$3.out
    shift 3
    echo "round $round: $who ($bench)"
    if ! "$bench" -r 1 "$@" >"$out" 2>&1; then
        cat "$out" >&2
        echo "ingest-compare.sh: $who's bench_ingest failed (round $round)" >&2
        exit 1
    fi
    awk -v who="$who" -v round="$round" '
        /^[0-9]+ +[0-9]+ +(bare|pejl|rrdtool)/ {
            variant = $3 " " $4; i = 5
            if ($4 ~ /^\(/ && $5 ~ /\)$/) { variant = variant " " $5; i = 6 }
            printf "%s %s %s %s|%s|%s\n", who, round, $1, variant, $i, $(i + 4)
        }' "$out" >>"$tmp/rows"
}

main() {
    local args=("$@")
    for round in $(seq "$rounds"); do
        run_one base "$base_bench" "$round" "${args[@]}"
        run_one build "$build_bench" "$round" "${args[@]}"
    done
    echo
    head -1 "$tmp/build-1.out"
    echo "base = $base_bench; build = $build_bench; $rounds rounds, alternating"
    echo
    printf "%-6s %-17s %12s %12s %9s %11s %11s\n" N variant base_wall_s build_wall_s build/base \
        base_vs_bare build_vs_bare
    sed -E 's/^([a-z]+) ([0-9]+) ([0-9]+) ([^|]+)\|([^|]+)\|(.*)$/\1|\3|\4|\5|\6/' "$tmp/rows" |
        awk -F'|' '
        function median(list,    n, a, i, j, t) {
            n = split(list, a, " ")
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        { key = $2 "|" $3; if (!(key in seen)) { seen[key] = 1; order[++k] = key }
          wall[$1, key] = wall[$1, key] " " $4; ratio[$1, key] = ratio[$1, key] " " $5 }
        END {
            for (i = 1; i <= k; i++) {
                split(order[i], p, "|")
                bw = median(wall["base", order[i]]); nw = median(wall["build", order[i]])
                printf "%-6s %-17s %12.2f %12.2f %9.2f %11.2f %11.2f\n", p[1], p[2], bw, nw,
                       (bw > 0 ? nw / bw : 0), median(ratio["base", order[i]]), median(ratio["build", order[i]])
            }
        }'
}

main "$@"
