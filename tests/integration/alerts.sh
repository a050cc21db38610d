#!/usr/bin/env bash
# alerts.sh — the demo catalogue evaluated end to end as at 2025-10-01 (the
# bundled data age, so the moment is fixed with --now): on track, at risk,
# off track and stale are each asserted. Then alert state across restarts:
# --once again changes nothing; a real daemon killed with -9 comes back with
# the same alerts (fingerprint, state, startsAt) and no new transition;
# `for` holds across runs; failed collections in a row raise `collect`; a
# revision raises an info alert once; a damaged alerts.json is refused.
. "$(dirname "$0")/lib.sh"
# The alert state as one document: alerts.json with alerts.log replayed.
alert_state() { /usr/bin/python3 "$SRC/tests/integration/alert_state.py" "$1"; }

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"
at=2025-10-01
echo 'language = "en"; # the alert words below are English (notify.sh checks Danish)' >>"$conf"

"$PEJLD" --once --now $at -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "demo run exited $?: $(cat "$T/log")"
row() { grep -E "^$1 " "$T/out" | grep -F "$2" | grep -qF "$3" || fail "status table: no $1 row with \"$2\" and \"$3\": $(cat "$T/out")"; }
row new_ls_companies "on track" "WARNING stale"
row clinical_trials "on track" "OK"
row ls_exports "350 in 2030" "WARNING progress"
row ls_exports "at risk" "WARNING progress"
row days_to_availability "moving away" "CRITICAL progress"
row eu_us_rd_ratio "stale" "CRITICAL progress"
row pharma_production "on track" "OK"
row ls_employment "stale" "WARNING stale"
[ -s "$state/alerts.json" ] || fail "no alert state saved"
pass "demo as at $at: on track, at risk, off track (moving away) and stale, each with its alert"

snapshot() { # fingerprint state startsAt and the number of transitions, one alert a line
    /usr/bin/python3 -c '
import json, sys
for a in sorted(json.load(sys.stdin)["alerts"], key=lambda a: a["fingerprint"]):
    print(a["fingerprint"], a["indicator"], a["rule"], a["state"], a["starts_at"], len(a["history"]))
' < <(alert_state "$state")
}
alert_state "$state" >"$T/state.json"
/usr/bin/python3 - "$T/state.json" <<'PY' || fail "alert content"
import json, sys
alerts = json.load(open(sys.argv[1]))["alerts"]
fp = [a["fingerprint"] for a in alerts]
assert len(fp) == len(set(fp)), "duplicate fingerprints"
exports = [a for a in alerts if a["indicator"] == "ls_exports" and a["rule"] == "progress" and a["labels"]["target"] == "2030"][0]
assert exports["state"] == "WARNING" and exports["labels"]["severity"] == "warning", exports
assert exports["labels"]["pejlemaerke"] == "5" and exports["starts_at"] == "2025-10-01T00:00:00Z", exports
assert "0.2 years behind the path to 350 mia. kr. (2030)" in exports["summary"], exports["summary"]
for words in ("required for the target: 9.3 %/yr", "Projection for 2030: 292", "Latest: 2024 = 189 mia. kr.", "Source: Danmarks Statistik, SITC2R4Y + SITC2R4 (illustrative data, not official statistics)"):
    assert words in exports["description"], (words, exports["description"])
PY
snapshot >"$T/before"
"$PEJLD" --once --now $at -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "second run exited $?"
! grep -q "alert .* -> " "$T/log" || fail "an unchanged condition changed an alert: $(grep 'alert ' "$T/log")"
snapshot | diff "$T/before" - >&2 || fail "the second run changed the alerts"
pass "a second run keeps every alert: same fingerprint, state and startsAt, no new transition"

# A real daemon (evaluating at the real clock), killed with -9 and restarted.
rm -rf "$state"
collected() { # every indicator collected since $1, and no alert left without data
    /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["collections"]
done = len(c) == 13 and all(r["last_success"] and r["last_success"] >= sys.argv[1] for r in c.values())
sys.exit(0 if done and all(a["state"] != "UNKNOWN" for a in d["alerts"]) else 1)
' "$1" < <(alert_state "$state") 2>/dev/null
}
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/daemon.log" &
PIDS="$!"
wait_for 30 collected "$start" || fail "the daemon did not collect everything: $(cat "$T/daemon.log")"
grep -q "alert stale OK -> WARNING" "$T/daemon.log" || fail "no stale alert raised at the real clock"
kill -9 $PIDS
wait $PIDS 2>/dev/null || true
snapshot >"$T/before"
sleep 1
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/daemon2.log" &
PIDS="$!"
wait_for 30 collected "$start" || fail "the restarted daemon did not collect: $(cat "$T/daemon2.log")"
kill -TERM $PIDS
wait $PIDS 2>/dev/null || true
! grep -q "alert .* -> " "$T/daemon2.log" || fail "the restart raised or cleared alerts: $(grep 'alert ' "$T/daemon2.log")"
snapshot | diff "$T/before" - >&2 || fail "alerts differ after kill -9 and restart"
pass "kill -9 and restart: the same alerts, no duplicate, no new transition"

# for = 2: the first run only makes the change pending; the second raises it.
mkdir -p "$T/small"
cat >"$T/small/small.conf" <<CONF
collector_dir = "$(dirname "$PEJLD")/../lib/pejl/collectors";
language = "en";
indicators = (
  { id = "days"; title = "Dage"; unit = "dage"; frequency = "annual"; interval = "1d";
    source = { collector = "csv"; url = "file:days.csv"; };
    alerts = ( { rule = "range"; warning = "~:160"; for = 2; },
               { rule = "revision"; }, { rule = "collect"; } ); }
);
CONF
cp "$T/conf/demo-data/days_to_availability.csv" "$T/small/days.csv"
small() { "$PEJLD" --once -c "$T/small/small.conf" --state-dir "$T/small/state" >"$T/out" 2>"$T/log"; }
small || fail "small run 1: $(cat "$T/log")"
grep -E "^days " "$T/out" | grep -q " OK$" || fail "for = 2 raised on the first evaluation: $(cat "$T/out")"
small || fail "small run 2: $(cat "$T/log")"
grep -q "alert range OK -> WARNING" "$T/log" || fail "for = 2 did not raise on the second evaluation: $(cat "$T/log")"
pass "for = 2 holds across runs, then raises"

sed -i 's/^2023,169,$/2023,180,/' "$T/small/days.csv"
small || fail "revision run: $(cat "$T/log")"
grep -q "alert revision OK -> WARNING (.*): days: 2023 of days revised from 169 to 180 (+6.5 %)" "$T/log" \
    || fail "revision not raised: $(cat "$T/log")"
alert_state "$T/small/state" | grep -q '"severity": "info"' || fail "a revision is not severity info"
small || fail "run after the revision: $(cat "$T/log")"
grep -q "alert revision WARNING -> OK" "$T/log" || fail "the revision alert did not clear at the next collection"
pass "a revision raises an info alert once, cleared by the next collection"

mv "$T/small/days.csv" "$T/small/days.gone"
for i in 1 2 3; do small && fail "a missing source succeeded"; done
grep -q "alert collect OK -> WARNING (.*): days: 3 collections in a row failed" "$T/log" || fail "collect not raised after 3 failures: $(cat "$T/log")"
mv "$T/small/days.gone" "$T/small/days.csv"
small || fail "recovery run: $(cat "$T/log")"
grep -q "alert collect WARNING -> OK" "$T/log" || fail "collect did not clear"
pass "three failed collections in a row (in three runs) raise collect; a success clears it"

cp "$T/small/state/alerts.json" "$T/alerts.good"
sed -i 's/"state": "OK"/"state": "FINE"/' "$T/small/state/alerts.json"
cp "$T/small/state/alerts.json" "$T/alerts.bad"
small && fail "pejld ran on a damaged alerts.json"
grep -q "$T/small/state/alerts.json: alerts\[[0-9]*\]: \"state\" must be OK, WARNING, CRITICAL or UNKNOWN; .* move it aside" "$T/log" \
    || fail "damage not explained: $(cat "$T/log")"
cmp -s "$T/small/state/alerts.json" "$T/alerts.bad" || fail "the damaged file was overwritten"
pass "a damaged alerts.json is refused with its path and what to do, and left as it was"
