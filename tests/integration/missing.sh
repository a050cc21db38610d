#!/usr/bin/env bash
# missing.sh — a missing cell is not a value, and a provisional figure growing
# is not a revision. The demo on a fresh state directory journals no NaN,
# logs no "revised from nan" and exports no `nan` (report CSV, status JSON);
# a CSV source whose provisional current-year figure changes between two
# collections raises no revision alert (it is counted in the status), a
# final figure revised does, and a rule with provisional = true alerts on
# the provisional one too.
. "$(dirname "$0")/lib.sh"

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"
at=2025-10-01
for run in 1 2; do
    "$PEJLD" --once --now $at -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log$run" \
        || fail "demo run $run: $(cat "$T/log$run")"
done
nan_records=$(grep -c -E '^[^ ]+ [^ ]+ nan ' "$state/journal" || true)
[ "$nan_records" -eq 0 ] || fail "$nan_records NaN records journaled: $(grep ' nan ' "$state/journal" | head -3)"
from_nan=$(cat "$T/log1" "$T/log2" | grep -c "revised from nan" || true)
[ "$from_nan" -eq 0 ] || fail "$from_nan \"revised from nan\" lines: $(grep -m3 'revised from nan' "$T/log1" "$T/log2")"
grep -q "pharma_production: 57 observations: 56 new, 0 revised, 0 unchanged, 1 missing" "$T/log1" \
    || fail "the demo's empty 2025-09 cell is not counted as missing: $(grep pharma_production: "$T/log1")"
"$PEJLD" --report "$T/report" --now $at -c "$conf" --state-dir "$state" >/dev/null 2>"$T/log" \
    || fail "--report: $(cat "$T/log")"
! grep -rli nan "$T/report/data" "$T/report/status.json" || fail "the report exports nan"
"$PEJLD" --status --json --now $at -c "$conf" --state-dir "$state" >"$T/status.json" 2>"$T/log" \
    || fail "--status --json: $(cat "$T/log")"
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]), parse_constant=lambda c: sys.exit("JSON has " + c))' \
    "$T/status.json" || fail "status JSON is not strict JSON"
pass "a fresh demo run: no NaN journaled, no revision from nan, no nan in CSV or JSON"

# The issue's 64: the population is not there at the first collection (a
# source down), so clinical_trials' per-million figures are all missing; they
# were journaled as NaN and revised "from nan" once the population came.
demo_copy "$T/conf2"
mv "$T/conf2/demo-data/worldbank-population-1.json" "$T/population.json"
"$PEJLD" --once --now $at -c "$T/conf2/demo.conf" --state-dir "$T/state2" >"$T/out" 2>"$T/log1" \
    && fail "a run without the population source succeeded"
grep -q "clinical_trials: 64 observations: 0 new, 0 revised, 0 unchanged, 64 missing" "$T/log1" \
    || fail "per-million figures without a population are not missing: $(grep clinical_trials: "$T/log1")"
mv "$T/population.json" "$T/conf2/demo-data/worldbank-population-1.json"
"$PEJLD" --once --now $at -c "$T/conf2/demo.conf" --state-dir "$T/state2" >"$T/out" 2>"$T/log2" \
    || fail "the run with the population back: $(cat "$T/log2")"
from_nan=$(cat "$T/log1" "$T/log2" | grep -c "revised from nan" || true)
[ "$from_nan" -eq 0 ] || fail "$from_nan \"revised from nan\" lines once the population came"
grep -q "clinical_trials: 68 observations: 68 new, 0 revised" "$T/log2" \
    || fail "clinical_trials after the population came: $(grep clinical_trials: "$T/log2")"
! grep -q -E '^[^ ]+ [^ ]+ nan ' "$T/state2/journal" || fail "NaN journaled while the population was missing"
pass "per-million figures without a population: missing, then new, never revised from nan"

# The cell missing in a later collection keeps the value seen before.
sed -i 's/^2023,169,$/2023,,/' "$T/conf/demo-data/days_to_availability.csv"
"$PEJLD" --once --now $at -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "gap run: $(cat "$T/log")"
grep -q "days_to_availability: 6 observations: 0 new, 0 revised, 5 unchanged, 1 missing" "$T/log" \
    || fail "a gap is not counted as missing: $(grep days_to_availability: "$T/log")"
grep -E "^days_to_availability " "$T/out" | grep -q " 2023 .* 169.0 " || fail "the gap retracted 169: $(cat "$T/out")"
pass "a period missing from a later collection keeps its earlier value"

# A provisional current-year figure and a final one, in a CSV source.
mkdir -p "$T/p"
cat >"$T/p/p.conf" <<CONF
collector_dir = "$(dirname "$PEJLD")/../lib/pejl/collectors";
language = "en"; # the alerts' words are checked in English
indicators = (
  { id = "trials"; title = "Forsøg"; unit = "antal"; frequency = "annual"; interval = "1d";
    source = { collector = "csv"; url = "file:trials.csv"; };
    alerts = ( { rule = "revision"; } ); },
  { id = "trials_all"; title = "Forsøg"; unit = "antal"; frequency = "annual"; interval = "1d";
    source = { collector = "csv"; url = "file:trials.csv"; };
    alerts = ( { rule = "revision"; provisional = true; } ); }
);
CONF
printf 'period,value,status\n2023,100,\n2024,110,\n2025,40,p\n' >"$T/p/trials.csv"
prun() { "$PEJLD" --once --now $at -c "$T/p/p.conf" --state-dir "$T/p/state" >"$T/out" 2>"$T/log"; }
prun || fail "provisional run 1: $(cat "$T/log")"
sed -i 's/^2025,40,p$/2025,55,p/' "$T/p/trials.csv"
prun || fail "provisional run 2: $(cat "$T/log")"
grep -q "trials: 3 observations: 0 new, 0 revised, 2 unchanged, 1 provisional updated" "$T/log" \
    || fail "the provisional update is not counted apart: $(cat "$T/log")"
! grep -q "alert revision OK -> .*trials: " "$T/log" || fail "a provisional update raised the revision alert: $(cat "$T/log")"
! grep -q "revised from 40" "$T/log" || fail "a provisional update logged as a revision at info: $(cat "$T/log")"
grep -q "alert revision OK -> WARNING (.*): trials_all: 2025 of trials_all updated from 40 to 55 (+37.5 %, provisional)" "$T/log" \
    || fail "provisional = true did not alert: $(cat "$T/log")"
"$PEJLD" --status --json --now $at -c "$T/p/p.conf" --state-dir "$T/p/state" >"$T/p/status.json" 2>"$T/log" \
    || fail "status: $(cat "$T/log")"
/usr/bin/python3 -c '
import json, sys
rows = {r["indicator"]: r for r in json.load(open(sys.argv[1]))}
assert rows["trials"]["provisional_updates"] == 1, rows["trials"]
' "$T/p/status.json" || fail "--status --json does not count the provisional update"
"$PEJLD" --status --now $at -c "$T/p/p.conf" --state-dir "$T/p/state" >"$T/out" 2>"$T/log" || fail "status table"
grep -q "trials: 1 update of a provisional figure" "$T/out" || fail "the status table has no note: $(cat "$T/out")"
pass "a provisional figure updated: counted in the status, alerted only with provisional = true"

sed -i 's/^2024,110,$/2024,121,/' "$T/p/trials.csv"
prun || fail "final revision run: $(cat "$T/log")"
grep -q "alert revision OK -> WARNING (.*): trials: 2024 of trials revised from 110 to 121 (+10.0 %)" "$T/log" \
    || fail "a final figure revised raised no alert: $(cat "$T/log")"
pass "a final figure revised raises the revision alert"
