#!/usr/bin/env bash
# graph_redraw.sh — graphs are drawn only when what they show changed: a
# second --once on the same data draws none (every PNG keeps its mtime), new
# data for one indicator redraws that one only, a corrupt key file or a
# PNG removed by hand gets its graph drawn again; the daemon draws its
# start-up graphs in one child per batch window, not one per collection,
# and a drawing process killed is replaced once (with PEJLCTL); two drawing
# processes take a batch's graphs in turn, so one held up holds up no other.
. "$(dirname "$0")/lib.sh"

ids="alpha beta gamma delta epsilon zeta"
mkdir -p "$T/conf/data"
conf="$T/conf/pejld.conf"
state="$T/state"
{
    echo 'indicators = ('
    sep=
    for id in $ids; do
        printf '%s  { id = "%s"; frequency = "monthly"; interval = "1d"; title = "Serie %s"; unit = "indeks";\n' "$sep" "$id" "$id"
        printf '    source = { collector = "csv"; url = "file:data/%s.csv"; };\n' "$id"
        printf '    target = { kind = "trend"; direction = "up"; }; }\n'
        sep=,
    done
    echo ');'
} >"$conf"
for id in $ids; do
    { echo period,value; for m in 01 02 03 04 05 06 07 08 09 10 11 12; do echo "2024-$m,1${#id}$m"; done; } \
        >"$T/conf/data/$id.csv"
done

once() {
    "$PEJLD" --once --now 2025-06-01 -c "$conf" --state-dir "$state" >/dev/null 2>"$T/log" \
        || fail "--once: $(cat "$T/log")"
}
mtimes() {
    for id in $ids; do echo "$id $(stat -c %y "$state/graphs/$id.png")"; done
}
# changed BEFORE AFTER: the ids whose PNG's mtime differs.
changed() {
    join "$1" "$2" | awk '$2 " " $3 " " $4 != $5 " " $6 " " $7 { print $1 }' | tr '\n' ' ' | sed 's/ $//'
}

once
mtimes >"$T/m1"
[ "$(wc -l <"$T/m1")" -eq 6 ] || fail "the first --once drew $(wc -l <"$T/m1") graphs"
sleep 0.05 # so a redraw would get another mtime
once
mtimes >"$T/m2"
[ -z "$(changed "$T/m1" "$T/m2")" ] || fail "a second --once on the same data redrew: $(changed "$T/m1" "$T/m2")"
grep -q "graphs: 0 drawn, 6 unchanged" "$T/log" || fail "no word of the unchanged graphs: $(grep graphs: "$T/log")"
pass "a second --once on the same data draws no graph"

# Written with no row filter (rrd/png_rows.c): every row of every graph is
# filter 0, and each file is a whole PNG (CRCs, rows inflate to the size).
filters=$(python3 "$SRC/tests/integration/png_rows.py" "$state"/graphs/*.png) \
    || fail "a graph is not a whole PNG: $filters"
bad=$(echo "$filters" | grep -v ' 0:[0-9]*$' || true)
[ -z "$bad" ] || fail "graphs written with row filters (pejld's png_set_write_fn not in effect): $bad"
pass "graphs are whole PNGs written with no row filter"

# Evaluated at the clock (no --now), each graph's span ends "now": the same
# day's second run still draws nothing (unless midnight passed between).
day=$(date -u +%F)
for run in 1 2; do
    "$PEJLD" --once -c "$conf" --state-dir "$T/clock" >/dev/null 2>"$T/clog" || fail "--once: $(cat "$T/clog")"
done
[ "$(date -u +%F)" != "$day" ] || grep -q "graphs: 0 drawn, 6 unchanged" "$T/clog" \
    || fail "a second --once at the clock redrew: $(grep graphs: "$T/clog")"
pass "a second --once at the clock, the same day, draws no graph"

# --report copies a PNG whose key says it is current instead of drawing it
# again (seen by a PNG changed behind its key's back: size and mtime kept),
# and draws one whose key is gone.
rstate=$T/rstate
"$PEJLD" --once --now 2025-06-01 -c "$conf" --state-dir "$rstate" >/dev/null 2>"$T/rlog" \
    || fail "--once: $(cat "$T/rlog")"
png=$rstate/graphs/alpha.png
mtime=$(stat -c %y "$png")
printf 'pejl-copied' | dd of="$png" bs=1 seek=200 conv=notrunc status=none
touch -d "$mtime" "$png"
"$PEJLD" --report "$T/report1" --now 2025-06-01 -c "$conf" --state-dir "$rstate" >/dev/null 2>"$T/rlog" \
    || fail "--report: $(cat "$T/rlog")"
cmp -s "$png" "$T/report1/graphs/alpha.png" || fail "--report drew alpha's current graph again"
cmp -s "$rstate/graphs/beta.png" "$T/report1/graphs/beta.png" || fail "--report's beta is not the daemon's"
rm "$rstate/graphs/.alpha.png.key"
"$PEJLD" --report "$T/report2" --now 2025-06-01 -c "$conf" --state-dir "$rstate" >/dev/null 2>"$T/rlog" \
    || fail "--report: $(cat "$T/rlog")"
! cmp -s "$png" "$T/report2/graphs/alpha.png" || fail "--report copied alpha's graph without its key"
cmp -s "$T/report1/graphs/beta.png" "$T/report2/graphs/beta.png" || fail "--report 2 differs for beta"
pass "--report copies graphs whose keys are current and draws the others"

# A batch of 16 graphs or more is shared by two drawing processes where
# there are two CPUs: each logs its share, together all of them.
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
    many=$T/many
    mkdir -p "$many/data"
    {
        echo 'indicators = ('
        for i in $(seq 1 20); do
            [ "$i" -eq 1 ] || echo ,
            printf '{ id = "m%s"; frequency = "monthly"; interval = "1d"; title = "M %s"; unit = "indeks";
' "$i" "$i"
            printf '  source = { collector = "csv"; url = "file:data/m%s.csv"; }; }
' "$i"
            { echo period,value; echo "2024-01,$i"; echo "2024-02,$((i + 1))"; } >"$many/data/m$i.csv"
        done
        echo ');'
    } >"$many/pejld.conf"
    "$PEJLD" --once --now 2025-06-01 -c "$many/pejld.conf" --state-dir "$many/state" >/dev/null 2>"$T/mlog" \
        || fail "--once: $(cat "$T/mlog")"
    [ "$(find "$many/state/graphs" -name 'm*.png' | wc -l)" -eq 20 ] || fail "not 20 graphs drawn"
    shares=$(grep -o 'pejld\[[0-9]*\]: info: graphs: [0-9]* drawn' "$T/mlog")
    [ "$(echo "$shares" | cut -d'[' -f2 | cut -d']' -f1 | sort -u | wc -l)" -eq 2 ] \
        || fail "20 graphs not shared by two drawing processes: $(grep graphs: "$T/mlog")"
    [ "$(echo "$shares" | awk '{ n += $(NF - 1) } END { print n }')" -eq 20 ] \
        || fail "the shares do not add up to 20: $(grep graphs: "$T/mlog")"
    pass "a batch of 20 graphs is drawn by two processes"

    # The two take the batch's graphs in turn, not every other one each: a
    # graph held up (m1's image is a FIFO no one reads, so drawing it hangs
    # opening it) leaves the other process to draw the other 19.
    slow=$many/slow
    mkdir -p "$slow/graphs"
    mkfifo "$slow/graphs/m1.png.tmp"
    "$PEJLD" --once --now 2025-06-01 -c "$many/pejld.conf" --state-dir "$slow" >/dev/null 2>"$T/slog" &
    once_pid=$!
    PIDS="$PIDS $once_pid"
    nineteen() { [ "$(find "$slow/graphs" -name 'm*.png' | wc -l)" -eq 19 ]; }
    wait_for 60 nineteen \
        || fail "with m1 held up, $(find "$slow/graphs" -name 'm*.png' | wc -l) of the other 19 graphs drawn: $(grep graphs: "$T/slog")"
    pass "a graph held up does not hold up the other drawing process's graphs"
    # ... and SIGTERM stops pejld at once, the hung drawing process with it
    # (which had inherited the loop's blocked SIGTERM, and was waited for).
    kill -TERM "$once_pid"
    gone() { ! kill -0 "$once_pid" 2>/dev/null; }
    wait_for 10 gone || fail "pejld did not stop on SIGTERM while a drawing process hung"
    wait "$once_pid" || true
    rm -f "$slow/graphs/m1.png.tmp"
    pass "SIGTERM stops pejld and its hung drawing process"
fi

echo "2025-01,150" >>"$T/conf/data/beta.csv"
once
mtimes >"$T/m3"
[ "$(changed "$T/m2" "$T/m3")" = beta ] || fail "new data for beta redrew: '$(changed "$T/m2" "$T/m3")'"
pass "new data for one indicator redraws its graph only"

echo "pejl-graph-key 1 0123" >"$state/graphs/.gamma.png.key"
rm "$state/graphs/delta.png"
once
[ -s "$state/graphs/delta.png" ] || fail "a removed PNG was not drawn again"
mtimes >"$T/m4"
[ "$(changed "$T/m3" "$T/m4")" = "gamma delta" ] || fail "after a corrupt key and a removed PNG: '$(changed "$T/m3" "$T/m4")'"
pass "a corrupt key file or a PNG removed by hand: drawn again, the rest not"

# How graphs are drawn is part of their key: a new graph.scale redraws all.
cp "$conf" "$T/conf.saved"
sed -i '1i graph = { scale = 1; };' "$conf"
sleep 0.05
once
mtimes >"$T/m5"
[ "$(changed "$T/m4" "$T/m5" | wc -w)" -eq 6 ] || fail "graph.scale changed, redrawn: '$(changed "$T/m4" "$T/m5")'"
cp "$T/conf.saved" "$conf"
once
pass "a changed graph.scale redraws every graph"

# The daemon on a fresh state: six first collections spread over 5 s, their
# graphs drawn by one child per 2 s window: at least two graphs share a
# child (six children would need five gaps of 2 s between collections).
unset RUNTIME_DIRECTORY
"$PEJLD" -f -c "$conf" --state-dir "$T/daemon" 2>"$T/dlog" &
pid=$!
PIDS="$pid"
pngs() { [ "$(ls "$T/daemon/graphs" 2>/dev/null | grep -c '\.png$')" -eq 6 ]; }
wait_for 30 pngs || fail "the daemon did not draw every graph: $(cat "$T/dlog")"
sleep 0.5 # the last child's summary
forks=$(grep -c "graphs: [0-9]* to draw in process" "$T/dlog" || true)
drawn=$(grep -o "graphs: [0-9]* drawn" "$T/dlog" | awk '{ n += $2 } END { print n + 0 }')
[ "$forks" -ge 1 ] && [ "$forks" -lt 6 ] && [ "$drawn" -eq 6 ] \
    || fail "6 graphs ($drawn drawn) in $forks drawing processes: $(grep graphs: "$T/dlog")"
pass "the daemon drew its 6 start-up graphs in $forks drawing process(es)"

# A drawing process that dies is replaced once, not forever: beta's next
# image is a FIFO no one reads, so its child hangs opening it; killed twice.
if [ -n "${PEJLCTL:-}" ]; then
    sock="$T/daemon/pejld.sock"
    mkfifo "$T/daemon/graphs/beta.png.tmp"
    echo "2025-02,151" >>"$T/conf/data/beta.csv"
    "$PEJLCTL" collect --socket "$sock" beta >/dev/null || fail "pejlctl collect beta"
    child() { grep -o "graphs: [0-9]* to draw in process [0-9]*" "$T/dlog" | sed -n "$1p" | awk '{ print $NF }'; }
    has_child() { [ -n "$(child "$1")" ]; }
    failures() { [ "$(grep -c 'drawing process failed (signal 9)' "$T/dlog")" -eq "$1" ]; }
    redrawn() { [ "$(stat -c %y "$T/daemon/graphs/beta.png")" != "$1" ]; }
    for n in 1 2; do
        wait_for 10 has_child $((forks + n)) || fail "no drawing process $n for beta: $(grep graphs: "$T/dlog")"
        kill -9 "$(child $((forks + n)))"
        wait_for 5 failures $n \
            || fail "the killed drawing process $n went unnoticed: $(tail -5 "$T/dlog")"
    done
    sleep 2.5 # the window: no third process
    [ "$(grep -c 'to draw in process' "$T/dlog")" -eq $((forks + 2)) ] \
        || fail "a drawing process killed twice was started again: $(grep graphs: "$T/dlog")"
    rm "$T/daemon/graphs/beta.png.tmp"
    echo "2025-03,152" >>"$T/conf/data/beta.csv"
    before=$(stat -c %y "$T/daemon/graphs/beta.png")
    "$PEJLCTL" collect --socket "$sock" beta >/dev/null || fail "pejlctl collect beta"
    wait_for 10 redrawn "$before" \
        || fail "beta not drawn after its drawing processes were killed: $(grep graphs: "$T/dlog")"
    pass "a killed drawing process is replaced once, then drawing goes on with the next data"
fi
kill -TERM "$pid"
wait "$pid" || fail "the daemon did not stop cleanly: $(tail -5 "$T/dlog")"
