#!/bin/bash
# idle.sh — what pejld costs while it waits: starts the built daemon on the
# demo config in a temp state dir, waits until it has collected and drawn
# its graphs, then measures it over an idle window (IDLE_SECONDS, default
# 60) next to a baseline, an idle rrdcached started the same way: resident
# memory (VmRSS, VmHWM), threads, CPU time (utime+stime) and wake-ups
# (voluntary context switches, summed over all threads) in that window.
# Aim per the issue: pejld <= 8 MB RSS, 1 thread, no busy wake-ups.
#
#     bench/idle.sh [BUILD_DIR [BASE_BUILD_DIR]]   (default: build, relative to the repo)
#
# With BASE_BUILD_DIR (an earlier build, e.g. of the commit before a change),
# that build's pejld runs too, on a state dir of its own, and is measured in
# the same window as row "pejld-base": before and after in one run.
#
# Everything it starts is stopped and its temp dir removed on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
pejld=$build/sbin/pejld
base=${2:-}
case $base in /* | '') ;; *) base=$root/$base ;; esac
base_pejld=${base:+$base/sbin/pejld}
config=$root/config/demo.conf
seconds=${IDLE_SECONDS:-60}
settle_limit=10
aim_rss_kb=$((8 * 1024))

[ -x "$pejld" ] || { echo "idle.sh: $pejld not built" >&2; exit 1; }
[ -z "$base" ] || [ -x "$base_pejld" ] || { echo "idle.sh: $base_pejld not built" >&2; exit 1; }
command -v rrdcached >/dev/null || { echo "idle.sh: rrdcached not installed" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/pejl-idle.XXXXXX")
pejld_pid=
base_pid=
rrdcached_pid=

cleanup() {
    for pid in $pejld_pid $base_pid $rrdcached_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $pejld_pid $base_pid $rrdcached_pid; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "idle.sh: failed at line $LINENO" >&2' ERR
trap 'exit 130' INT TERM

# utime + stime of the whole process, in clock ticks (fields 14 and 15 of
# /proc/PID/stat; counted after the ") " that ends the command name).
cpu_ticks() {
    sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# Context switches of KIND (voluntary or nonvoluntary), summed over threads:
# /proc/PID/status alone counts the main thread only.
switches() {
    cat "/proc/$1"/task/*/status 2>/dev/null | awk -v key="$2_ctxt_switches:" '$1 == key { n += $2 } END { print n + 0 }'
}

status_field() {
    awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"
}

alive() {
    kill -0 "$1" 2>/dev/null
}

start_daemons() {
    mkdir -p "$tmp/pejl" "$tmp/rrdcached"
    "$pejld" -f -c "$config" --state-dir "$tmp/pejl" >"$tmp/pejld.log" 2>&1 &
    pejld_pid=$!
    if [ -n "$base" ]; then
        mkdir -p "$tmp/pejl-base"
        "$base_pejld" -f -c "$config" --state-dir "$tmp/pejl-base" >"$tmp/pejld-base.log" 2>&1 &
        base_pid=$!
    fi
    rrdcached -g -l "unix:$tmp/rrdcached/sock" -b "$tmp/rrdcached" -B \
        -p "$tmp/rrdcached.pid" >"$tmp/rrdcached.log" 2>&1 &
    rrdcached_pid=$!
}

# Waits until pejld NAME (pid, state dir STATE) has drawn a graph per
# indicator, or settle_limit seconds.
wait_for_graphs() {
    local name=$1 pid=$2 state=$3 want have=0 waited=0
    want=$(grep -c '{ *id *=' "$config")
    while [ "$waited" -lt $((settle_limit * 10)) ]; do
        alive "$pid" || { echo "idle.sh: $name exited:" >&2; tail -20 "$tmp/$name.log" >&2; exit 1; }
        have=$({ find "$state/graphs" -name '*.png' 2>/dev/null || true; } | wc -l)
        [ "$have" -ge "$want" ] && break
        sleep 0.1
        waited=$((waited + 1))
    done
    echo "$name collected: $have of $want graphs drawn after $((waited / 10)).$((waited % 10)) s"
}

# Prints "ticks voluntary nonvoluntary" for a pid.
sample() {
    echo "$(cpu_ticks "$1") $(switches "$1" voluntary) $(switches "$1" nonvoluntary)"
}

report_row() {
    local name=$1 pid=$2 before=$3 after=$4 hz rss hwm threads t0 v0 n0 t1 v1 n1
    hz=$(getconf CLK_TCK)
    rss=$(status_field "$pid" VmRSS)
    hwm=$(status_field "$pid" VmHWM)
    threads=$(status_field "$pid" Threads)
    read -r t0 v0 n0 <<<"$before"
    read -r t1 v1 n1 <<<"$after"
    awk -v name="$name" -v rss="$rss" -v hwm="$hwm" -v th="$threads" -v hz="$hz" \
        -v cpu=$((t1 - t0)) -v vol=$((v1 - v0)) -v inv=$((n1 - n0)) -v s="$seconds" \
        'BEGIN { printf "%-10s %9.1f %9.1f %8d %8d %9d %10.2f %12d\n",
                 name, rss / 1024, hwm / 1024, th, cpu * 1000 / hz, vol, vol / s, inv }'
    echo "$name $rss $threads $((v1 - v0))" >>"$tmp/rows"
}

verdict() {
    if [ "$1" = 1 ]; then echo met; else echo MISSED; fi
}

report_aim() {
    local rss threads wakeups
    read -r _ rss threads wakeups < <(grep '^pejld ' "$tmp/rows")
    echo "aim (pejld): RSS <= 8 MB: $(verdict $((rss <= aim_rss_kb))) ($((rss / 1024)).$(((rss % 1024) * 10 / 1024)) MB);" \
        "1 thread: $(verdict $((threads == 1))) ($threads);" \
        "no busy wake-ups (< 1/s): $(verdict $((wakeups < seconds))) ($wakeups in $seconds s)"
}

# pejld's resident memory by mapping: where it goes. "dirty" is Private_Dirty:
# pages only pejld can have (heap, relocated library data); the rest of RSS is
# file pages that other processes mapping the same libraries share.
report_mappings() {
    local smaps=$tmp/smaps
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = NF >= 6 ? $6 : "[anon]"; n = split(name, p, "/"); name = p[n]; next }
         $1 == "Rss:" { rss[name] += $2 }
         $1 == "Private_Dirty:" { dirty[name] += $2 }
         END { for (k in rss) if (rss[k] > 0) printf "%8d %8d  %s\n", rss[k], dirty[k], k }' \
        "/proc/$pejld_pid/smaps" | sort -rn >"$smaps"
    echo
    echo "pejld resident memory by kind (kB):"
    awk '{ kind = $3 ~ /\.so/ ? "shared libraries" : $3 ~ /^\[(heap|anon)\]$/ ? "heap + anonymous" : "other (" $3 ")"
           rss[kind] += $1; dirty[kind] += $2; n[kind]++; trss += $1; tdirty += $2 }
         END { printf "%8s %8s  %s\n", "rss", "dirty", "kind"
               for (k in rss) printf "%8d %8d  %s (%d)\n", rss[k], dirty[k], k, n[k]
               printf "%8d %8d  total\n", trss, tdirty }' "$smaps"
    echo
    echo "pejld's largest mappings (top 12; kB):"
    printf "%8s %8s  %s\n" rss dirty mapping
    head -12 "$smaps"
}

main() {
    start_daemons
    wait_for_graphs pejld "$pejld_pid" "$tmp/pejl"
    [ -z "$base" ] || wait_for_graphs pejld-base "$base_pid" "$tmp/pejl-base"
    sleep 1 # let the last graph's work finish before the window opens
    alive "$rrdcached_pid" || { echo "idle.sh: rrdcached exited:" >&2; cat "$tmp/rrdcached.log" >&2; exit 1; }
    local p0 r0 p1 r1 b0 b1
    p0=$(sample "$pejld_pid")
    [ -z "$base" ] || b0=$(sample "$base_pid")
    r0=$(sample "$rrdcached_pid")
    echo "idle window: $seconds s (IDLE_SECONDS); baseline: rrdcached -g -B, idle, same window"
    [ -z "$base" ] || echo "pejld-base: $base_pejld, same window"
    sleep "$seconds"
    alive "$pejld_pid" || { echo "idle.sh: pejld exited during the window" >&2; exit 1; }
    [ -z "$base" ] || alive "$base_pid" || { echo "idle.sh: pejld-base exited during the window" >&2; exit 1; }
    p1=$(sample "$pejld_pid")
    [ -z "$base" ] || b1=$(sample "$base_pid")
    r1=$(sample "$rrdcached_pid")
    echo
    printf "%-10s %9s %9s %8s %8s %9s %10s %12s\n" process VmRSS_MB VmHWM_MB threads cpu_ms \
        wakeups wakeups/s involuntary
    report_row pejld "$pejld_pid" "$p0" "$p1"
    [ -z "$base" ] || report_row pejld-base "$base_pid" "$b0" "$b1"
    report_row rrdcached "$rrdcached_pid" "$r0" "$r1"
    echo
    report_aim
    report_mappings
}

main
