#!/usr/bin/env bash
# splice.sh — an exports series spliced across the 2022 table break, on the
# demo's files in Statistics Denmark's format: the annual SITC2R4Y until
# 2021 and the monthly SITC2R4 (summed to whole years) from 2022-01. The
# series runs from 2007, 2022 carries the break status b and the seam is
# logged once; 2023 is the published 174 bn. When both tables give 2022,
# the later source wins and --probe prints each one's value and the
# difference in %.
. "$(dirname "$0")/lib.sh"

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
"$PEJLD" --probe ls_exports -c "$conf" >"$T/out" 2>"$T/err" || fail "--probe exited $?: $(cat "$T/err")"
sums=$(grep '^,' "$T/out")
[ "$(echo "$sums" | head -1)" = ",2007,50," ] || fail "the series does not start in 2007: $sums"
echo "$sums" | grep -qx ",2021,151," || fail "2021 (SITC2R4Y) missing or marked: $sums"
echo "$sums" | grep -qx ",2022,163,b" || fail "2022 is not the break: $sums"
echo "$sums" | grep -qx ",2023,174," || fail "2023 is not the published 174 bn: $sums"
! echo "$sums" | grep -q ",2025," || fail "2025 (January-August) summed as a whole year: $sums"
grep -qx "54,2022,140.18,b" "$T/out" || fail "the break is not in the members: $(cat "$T/out")"
[ "$(grep -c 'spliced: source 2 (Danmarks Statistik, SITC2R4) from 2022 on, in 2 series; marked as a break (b)' "$T/err")" -eq 1 ] \
    || fail "the seam is not logged once: $(cat "$T/err")"
! grep -q "sources overlap" "$T/err" || fail "an overlap where the ranges do not meet: $(cat "$T/err")"
pass "spliced exports run from 2007, 2022 marked b, the seam logged once, 2023 = 174"

# SITC2R4Y also gives 2022 (a hand-made cell) and its until moves to 2022:
# both tables give 2022, SITC2R4 wins, the overlap is printed.
python3 - "$T/conf/demo-data/statbank-SITC2R4Y.json" <<'PY'
import json, sys
path = sys.argv[1]
doc = json.load(open(path))
ds = doc["dataset"]
tid = ds["dimension"]["Tid"]["category"]
n = len(tid["index"])
tid["index"]["2022"] = n
tid["label"]["2022"] = "2022"
ds["dimension"]["size"][-1] = n + 1
values = ds["value"]
ds["value"] = values[:n] + [150000000] + values[n:] + [20000000]
json.dump(doc, open(path, "w"))
PY
sed -i 's/panel = "SITC"; until = "2021"; }/panel = "SITC"; until = "2022"; }/' "$conf"
grep -q 'until = "2022"' "$conf" || fail "could not move until in the demo config"
"$PEJLD" --probe ls_exports -c "$conf" >"$T/out" 2>"$T/err" || fail "--probe exited $?: $(cat "$T/err")"
grep -qx ",2022,163,b" "$T/out" || fail "the later source did not win 2022: $(cat "$T/out")"
grep -qF "ls_exports: sources overlap (the later one is kept):" "$T/err" || fail "no overlap: $(cat "$T/err")"
grep -qx "member,period,\"Danmarks Statistik, SITC2R4Y\",\"Danmarks Statistik, SITC2R4\",difference %" "$T/err" \
    || fail "overlap header: $(cat "$T/err")"
grep -qx "54,2022,150,140.18,-6.5" "$T/err" || fail "overlap of 54 in 2022: $(cat "$T/err")"
grep -qx "87,2022,20,22.82,+14.1" "$T/err" || fail "overlap of 87 in 2022: $(cat "$T/err")"
pass "where both tables give 2022 the later wins and --probe prints each value and the difference"
