#!/usr/bin/env bash
# daemon_signals.sh — pejld as a daemon: collects on its schedule, refuses a
# second instance on the same state, survives a HUP with a broken config on
# the old one, picks up a good config on HUP (its language too: the same
# alerts in other words), flushes on USR1, stops cleanly
# (exit 0) on TERM. Also: journald-style <N> prefixes under JOURNAL_STREAM.
. "$(dirname "$0")/lib.sh"

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
cp "$conf" "$T/conf/good.conf"
state="$T/state"

"$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/log" &
pid=$!
PIDS="$pid"
pngs() { [ "$(ls "$state/graphs" 2>/dev/null | grep -c '\.png$')" -eq 13 ]; }
wait_for 20 pngs || fail "the daemon did not collect and graph every indicator: $(cat "$T/log")"
grep -q "running: 13 indicators" "$T/log" || fail "no start-up line"
pass "daemon collected all 13 indicators and drew their graphs"

"$PEJLD" --status -c "$conf" --state-dir "$state" >"$T/status" 2>&1 || fail "--status beside the daemon: $(cat "$T/status")"
grep -E "^ls_exports .*350 in 2030" "$T/status" | grep -q "at risk" || fail "--status: $(cat "$T/status")"
"$PEJLD" --status --json -c "$conf" --state-dir "$state" >"$T/status.json" || fail "--status --json failed"
/usr/bin/python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
exports = [r for r in rows if r["indicator"] == "ls_exports" and r["target_year"] == 2030][0]
assert exports["latest_value"] == 189 and exports["progress"] == "at risk", exports
assert abs(exports["required_growth"] - 0.0935) < 0.0005, exports  # 131 (2019) to 350 (2030)
' "$T/status.json" || fail "--status --json: unexpected figures"
pass "--status and --status --json read the state beside the running daemon"

set +e
"$PEJLD" --once -c "$conf" --state-dir "$state" 2>"$T/log2"
rc=$?
set -e
[ $rc -ne 0 ] || fail "a second pejld on the same state dir ran"
grep -q "locked (is another pejld using $state?)" "$T/log2" || fail "no lock message: $(cat "$T/log2")"
pass "a second instance on the same state is refused"

exports_alert() { # fingerprint, startsAt and summary of ls_exports' progress alert for 2030
    /usr/bin/python3 "$SRC/tests/integration/alert_state.py" "$state" | /usr/bin/python3 -c '
import json, sys
a = [a for a in json.load(sys.stdin)["alerts"] if a["indicator"] == "ls_exports" and a["rule"] == "progress"
     and a["labels"].get("target") == "2030"][0]
print(a["fingerprint"], a["starts_at"], a["summary"])'
}
exports_alert >"$T/alert.da"
grep -q " ls_exports i risiko: " "$T/alert.da" || fail "the alert is not in Danish (the default): $(cat "$T/alert.da")"
printf 'indicators = ( { id = "x"; title = 1; } );\n' >"$conf"
kill -HUP "$pid"
wait_for 5 grep -q "still running on the previous config" "$T/log" || fail "broken reload not reported: $(cat "$T/log")"
grep -q "$conf:1: x: \"title\" must be a string" "$T/log" || fail "reload problem not logged with FILE:LINE"
kill -0 "$pid" || fail "the daemon died on a broken reload"
pass "HUP with a broken config: problems logged, old config kept"

sed 's/^);$/, { id = "exports_again"; frequency = "annual"; title = "Eksport igen"; unit = "mia. kr.";\n    source = { collector = "csv"; url = "file:demo-data\/days_to_availability.csv"; }; }\n);/' \
    "$T/conf/good.conf" >"$conf"
echo 'language = "en";' >>"$conf"
"$PEJLD" --check-config -c "$conf" >/dev/null || fail "test config for the reload is invalid"
kill -HUP "$pid"
wait_for 5 grep -q "reloaded $conf: 14 indicators" "$T/log" || fail "good reload not applied: $(tail -5 "$T/log")"
wait_for 10 grep -q "exports_again: 6 observations: 6 new" "$T/log" || fail "new indicator not collected"
wait_for 10 test -s "$state/graphs/exports_again.png" || fail "new indicator not graphed: $(tail -5 "$T/log")"
pass "HUP with a good config: new indicator scheduled, collected and graphed"
english() { exports_alert >"$T/alert.en" && grep -q " ls_exports at risk: " "$T/alert.en"; }
wait_for 10 english || fail "language = \"en\" not applied by the reload: $(cat "$T/alert.en")"
[ "$(cut -d' ' -f1-2 "$T/alert.en")" = "$(cut -d' ' -f1-2 "$T/alert.da")" ] ||
    fail "the reload made a new alert of it: $(cat "$T/alert.da" "$T/alert.en")"
pass "HUP with language = \"en\": the alert's words in English, the same alert (fingerprint, startsAt)"

kill -USR1 "$pid"
wait_for 5 grep -q "flushed" "$T/log" || fail "USR1 did not flush"
pass "USR1 flushes"

kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
PIDS=""
[ $rc -eq 0 ] || fail "TERM: exit status $rc"
grep -q "Terminated received; stopping" "$T/log" || fail "no stop line"
pass "TERM stops cleanly with exit 0"

: >"$T/journal-log"
stream=$(stat -c '%d:%i' "$T/journal-log")
JOURNAL_STREAM=$stream "$PEJLD" --once -c "$T/conf/good.conf" --state-dir "$state" >/dev/null 2>>"$T/journal-log" \
    || fail "--once under JOURNAL_STREAM failed"
grep -q '^<6>ls_exports: 54 observations' "$T/journal-log" || fail "no <6> prefix: $(head -3 "$T/journal-log")"
pass "journald priority prefixes when JOURNAL_STREAM names stderr"
