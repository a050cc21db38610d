#!/usr/bin/env bash
# demo_once.sh — pejld --once on the bundled demo: an RRD file and a PNG per
# indicator; a second run stores nothing new; a revised figure is logged and
# rebuilds the RRD; a deleted RRD comes back; a broken source fails alone.
. "$(dirname "$0")/lib.sh"

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"

"$PEJLD" --once -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "first run exited $?: $(cat "$T/log")"
grep -q "RRD files in $state/rrd, graphs in $state/graphs" "$T/out" || fail "no summary line: $(cat "$T/out")"
for id in $DEMO_IDS; do
    # an indicator's own series, or for a panel its members (population_panel.DK.rrd)
    [ -s "$state/rrd/$id.rrd" ] || ls "$state/rrd/$id".*.rrd >/dev/null 2>&1 || fail "no RRD for $id"
    png="$state/graphs/$id.png"
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$id.png is not a PNG"
    [ "$(stat -c %s "$png")" -gt 5000 ] || fail "$id.png is suspiciously small"
done
grep -q "ls_exports: 54 observations: 54 new, 0 revised, 0 unchanged" "$T/log" || fail "ls_exports not stored (2 SITC groups and their sum, 2007-2024)"
grep -q "ls_exports: spliced: source 2 (Danmarks Statistik, SITC2R4) from 2022 on, in 2 series; marked as a break (b)" "$T/log" || fail "the seam at 2022 was not logged"
[ -s "$state/rrd/clinical_trials.DK.rrd" ] && [ -s "$state/rrd/clinical_trials.rrd" ] || fail "panel RRDs missing"
grep -q "clinical_trials: 68 observations: 68 new" "$T/log" || fail "clinical trials: 64 members + 4 ranks expected"
rank=$(rrdtool fetch "$state/rrd/clinical_trials.rrd" LAST -s $((1704067200 - 86400)) -e 1704067200 | awk '$1 == "1704067200:" {print $2}')
[ "$rank" = "3.0000000000e+00" ] || fail "Denmark's 2023 rank is $rank, not 3 (BE 82, CH 79 per million ahead)"
row() { grep -E "^$1 " "$T/out" | grep -F "$2" || fail "status table: no $1 row with \"$2\": $(cat "$T/out")"; }
row ls_exports "350 in 2030"
row ls_exports "at risk"
row clinical_trials "on track"
row eu_us_rd_ratio "moving away"
row pharma_production "> 2024 level, 2030"
pass "first run: an RRD file and a PNG for each of the 13 indicators, and the status table"

journal_size=$(stat -c %s "$state/journal")
"$PEJLD" --once -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "second run exited $?"
[ "$(grep -c ': 0 new, 0 revised' "$T/log")" -eq 13 ] || fail "second run changed something: $(cat "$T/log")"
[ "$(stat -c %s "$state/journal")" -eq "$journal_size" ] || fail "an unchanged value grew the journal"
pass "second run: nothing new, journal unchanged"

value=$(rrdtool fetch "$state/rrd/ls_exports.rrd" LAST -s $((1704067200 - 86400)) -e 1704067200 | awk '$1 == "1704067200:" {print $2}')
[ "$value" = "1.7400000000e+02" ] || fail "2023 exports are $value, not the published 174 bn DKK"

sed -i 's/^2023,169,$/2023,171.5,/' "$T/conf/demo-data/days_to_availability.csv"
"$PEJLD" --once -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "revision run exited $?"
grep -q "days_to_availability: 2023 revised from 169 to 171.5" "$T/log" || fail "revision not logged: $(cat "$T/log")"
value=$(rrdtool fetch "$state/rrd/days_to_availability.rrd" LAST -s $((1704067200 - 86400)) -e 1704067200 | awk '$1 == "1704067200:" {print $2}')
[ "$value" = "1.7150000000e+02" ] || fail "RRD holds $value for 2023 after the revision"
pass "revision logged and written to the RRD"

rm "$state/rrd/population.rrd"
truncate -s 1000 "$state/rrd/days_to_availability.rrd"
"$PEJLD" --once -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "rebuild run exited $?"
grep -q "population: RRD file does not match the journal" "$T/log" || fail "missing RRD not noticed"
grep -q "days_to_availability: RRD file does not match the journal" "$T/log" || fail "truncated RRD not noticed"
rrdtool last "$state/rrd/population.rrd" >/dev/null || fail "population.rrd not rebuilt"
rrdtool last "$state/rrd/days_to_availability.rrd" >/dev/null || fail "days_to_availability.rrd not rebuilt"
pass "deleted and truncated RRD files rebuilt from the journal"

journal_size=$(stat -c %s "$state/journal")
csv="$T/conf/demo-data/days_to_availability.csv"
bad_line=$(( $(wc -l <"$csv") + 1 ))
printf '2024,not a number,\n' >>"$csv"
set +e
"$PEJLD" --once -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log"
rc=$?
set -e
[ $rc -eq 1 ] || fail "a failed collection should exit 1, not $rc"
grep -q "days_to_availability: collection failed: line $bad_line: \"not a number\" is not a number; its stored data is kept" "$T/log" \
    || fail "failure not named: $(grep days_to "$T/log")"
[ "$(grep -c ': 0 new, 0 revised' "$T/log")" -eq 12 ] || fail "the other indicators were not processed"
[ "$(stat -c %s "$state/journal")" -eq "$journal_size" ] || fail "a failed collection changed the journal"
[ -s "$state/graphs/days_to_availability.png" ] || fail "the failed indicator lost its graph"
pass "a broken source fails alone, exit 1, stored data kept"
