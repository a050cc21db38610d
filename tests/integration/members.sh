#!/usr/bin/env bash
# members.sh — real category codes as panel members: a JSON-stat panel read
# from file: with members M+K, D+E, K64.2, ../x, PC_EU27_2020_MEUR_CP, a
# 64-byte code, a UTF-8 one, a comma and a pair that must not collide (a.b,
# a_b). pejld --once journals them, gives each its own escaped RRD file
# inside the RRD dir and nothing outside the state dir, draws the graph;
# a second run replays the journal and finds every figure unchanged;
# --report and --probe write the codes as one CSV field each.
. "$(dirname "$0")/lib.sh"

long=$(printf 'C%.0s' $(seq 64))
/usr/bin/python3 - "$T/panel.json" "$long" <<'PY'
import json, sys
codes = ["M+K", "D+E", "K64.2", "../x", "PC_EU27_2020_MEUR_CP", "a.b", "a_b", "%41", "A",
         "KØBENHAVN", "A,B", sys.argv[2]]
doc = {"class": "dataset", "id": ["sex", "time"], "size": [len(codes), 2],
       "value": [float(10 * i + t) for i in range(len(codes)) for t in range(2)],
       "dimension": {"time": {"category": {"index": ["2022", "2023"]}},
                     "sex": {"category": {"index": codes}}}}
json.dump(doc, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
cat >"$T/pejld.conf" <<'CONF'
indicators = (
  { id = "codes"; title = "Codes"; frequency = "annual";
    source = { collector = "jsonstat"; url = "file:panel.json"; panel = "sex"; }; }
);
CONF
state="$T/state"
run_once() {
    ${PEJL_WRAP:-} "$PEJLD" --once -c "$T/pejld.conf" --state-dir "$state" >"$T/out" 2>"$T/log" \
        || fail "pejld --once exited $?: $(cat "$T/log")"
}
expect() { grep -qF "$1" "$T/log" || fail "log lacks: $1"$'\n'"$(cat "$T/log")"; }

run_once
expect "codes: 24 observations: 24 new, 0 revised, 0 unchanged"
for key in "codes.M+K" "codes.../x" "codes.K64.2" "codes.KØBENHAVN" "codes.A,B" "codes.$long"; do
    grep -qF "$key 2023 " "$state/journal" || fail "journal lacks $key: $(cat "$state/journal")"
done
pass "members M+K, ../x, K64.2, a UTF-8 and a 64-byte code are collected and journaled"

rrd="$state/rrd"
for name in "codes.M%2BK" "codes.D%2BE" "codes.K64%2E2" "codes.%2E%2E%2Fx" "codes.PC_EU27_2020_MEUR_CP" \
    "codes.a%2Eb" "codes.a_b" "codes.%2541" "codes.A" "codes.K%C3%98BENHAVN" "codes.A%2CB" "codes.$long"; do
    [ -s "$rrd/$name.rrd" ] || fail "no $name.rrd: $(ls "$rrd")"
done
[ "$(find "$rrd" -name '*.rrd' | wc -l)" -eq 12 ] || fail "not one RRD file per member: $(ls "$rrd")"
stray=$(find "$T" -path "$state" -prune -o -type f -print | grep -v -e "/panel.json$" -e "/pejld.conf$" \
    -e "/out$" -e "/log$" || true)
[ -z "$stray" ] || fail "files outside the state dir: $stray"
[ -z "$(find "$state" -name '*.rrd*' -not -path "$rrd/*")" ] || fail "RRD files outside $rrd"
[ -z "$(find "$rrd" -mindepth 1 -type d)" ] || fail "directories made in $rrd"
v=$(rrdtool fetch "$rrd/codes.%2E%2E%2Fx.rrd" LAST -s $((1704067200 - 86400)) -e 1704067200 \
    | awk '$1 == "1704067200:" {print $2}')
[ "$v" = "3.1000000000e+01" ] || fail "../x's 2023 value in its RRD file is $v, not 31"
png="$state/graphs/codes.png"
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "codes.png is not a PNG"
pass "each member has its own escaped RRD file in the RRD dir, nothing leaves the state dir, graphed"

run_once
expect "codes: 24 observations: 0 new, 0 revised, 24 unchanged"
pass "a restart replays the members from the journal: nothing new, nothing revised"

"$PEJLD" --report "$T/report" --now 2024-06-01 -c "$T/pejld.conf" --state-dir "$state" >/dev/null 2>"$T/log" \
    || fail "--report: $(cat "$T/log")"
csv="$T/report/data/codes.csv"
grep -q '^"A,B",2023,101,' "$csv" || fail "report CSV: $(cat "$csv")"
grep -q '^\.\./x,2023,31,' "$csv" && grep -q '^KØBENHAVN,2022,90,' "$csv" || fail "report CSV: $(cat "$csv")"
"$PEJLD" --probe codes -c "$T/pejld.conf" --state-dir "$state" >"$T/probe" 2>"$T/log" || fail "--probe: $(cat "$T/log")"
grep -q '^"A,B",2022,100,' "$T/probe" && grep -q '^M+K,2023,1,' "$T/probe" || fail "--probe CSV: $(cat "$T/probe")"
pass "report data and --probe write each code as one CSV field"

# A 64-character id and 64-byte codes of escaped bytes: names over 247
# bytes are cut and hashed, still one file each, none over NAME_MAX.
id64=$(printf 'i%.0s' $(seq 64))
/usr/bin/python3 - "$T/long.json" <<'PY'
import json, sys
codes = ["." * 64, "." * 63 + "+", "\u00d8" * 32]
doc = {"class": "dataset", "id": ["sex", "time"], "size": [3, 1], "value": [1.0, 2.0, 3.0],
       "dimension": {"time": {"category": {"index": ["2023"]}}, "sex": {"category": {"index": codes}}}}
json.dump(doc, open(sys.argv[1], "w"))
PY
cat >"$T/long.conf" <<CONF
indicators = ( { id = "$id64"; title = "Long"; frequency = "annual";
  source = { collector = "jsonstat"; url = "file:long.json"; panel = "sex"; }; } );
CONF
"$PEJLD" --once -c "$T/long.conf" --state-dir "$T/state-long" >"$T/out" 2>"$T/log" || fail "long: $(cat "$T/log")"
expect "$id64: 3 observations: 3 new"
[ "$(find "$T/state-long/rrd" -name "$id64.*~*.rrd" | wc -l)" -eq 3 ] || fail "long names: $(ls "$T/state-long/rrd")"
longest=$(ls "$T/state-long/rrd" | awk '{ if (length($0) > n) n = length($0) } END { print n }')
[ "$longest" -le 251 ] || fail "a file name of $longest bytes"
pass "names too long to keep whole are cut and hashed: one file per member, none over 251 bytes"

# Through rrdcached: the escaped names travel its line protocol unharmed.
command -v rrdcached >/dev/null || fail "rrdcached is needed"
sock="$T/rrdcached.sock"
mkdir -p "$T/rrdcached-journal"
rrdcached -g -l "unix:$sock" -b "$T" -p "$T/rrdcached.pid" -j "$T/rrdcached-journal" -w 3600 -f 7200 \
    >"$T/rrdcached.log" 2>&1 &
cached_pid=$!
trap 'kill "$cached_pid" 2>/dev/null; wait "$cached_pid" 2>/dev/null; cleanup' EXIT
wait_for 5 test -S "$sock" || fail "rrdcached did not start: $(cat "$T/rrdcached.log")"
echo "rrdcached = \"unix:$sock\";" >>"$T/pejld.conf"
state="$T/state-cached"
run_once
expect "codes: 24 observations: 24 new, 0 revised, 0 unchanged"
v=$(rrdtool fetch --daemon "unix:$sock" "$state/rrd/codes.%2E%2E%2Fx.rrd" LAST -s $((1704067200 - 86400)) \
    -e 1704067200 | awk '$1 == "1704067200:" {print $2}')
[ "$v" = "3.1000000000e+01" ] || fail "through rrdcached, ../x's 2023 value is $v, not 31"
[ "$(find "$state/rrd" -name '*.rrd' | wc -l)" -eq 12 ] || fail "through rrdcached: $(ls "$state/rrd")"
pass "through rrdcached too"
