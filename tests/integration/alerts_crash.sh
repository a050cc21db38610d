#!/usr/bin/env bash
# alerts_crash.sh — kill -9 while the alert state is being written. A
# fresh daemon on 40 generated indicators raises its alerts and compacts its
# alert log while collecting; it is killed at growing moments of that
# (until a compaction has happened, at least four times), restarted each
# time. After every kill the committed state reads
# back (alerts.json + alerts.log, torn tail dropped) and every alert that
# fired before the kill fires still, with the same state and startsAt; no
# restart logs a transition of such an alert; a last run to the end and a
# kill -9 after it change nothing.
. "$(dirname "$0")/lib.sh"

"$SRC/bench/gen-catalogue.sh" 40 "$T/cat" "$(dirname "$PEJLD")/../lib/pejl/collectors"
conf="$T/cat/catalogue.conf"
state="$T/state"
sed -i 's/log_level = "warning"/log_level = "info"/' "$conf"
firing() { # fingerprint state startsAt of every alert away from OK, sorted
    /usr/bin/python3 "$SRC/tests/integration/alert_state.py" "$state" >"$T/merged.json" || return 2
    /usr/bin/python3 -c '
import json, sys
for a in sorted(json.load(open(sys.argv[1]))["alerts"], key=lambda a: a["fingerprint"]):
    if a["state"] != "OK":
        print(a["fingerprint"], a["state"], a["starts_at"])
' "$T/merged.json"
}
generation() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("generation", 0))' "$state/alerts.json" 2>/dev/null || echo 0; }
all_collected() {
    firing >/dev/null && /usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["collections"]
sys.exit(0 if len(c) == 40 and all(r["last_success"] for r in c.values()) else 1)' "$T/merged.json"
}

: >"$T/before"
kills=0
for delay in 0.3 0.6 1.0 1.5 2.0 2.5 3.0 3.5 4.0; do
    "$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/run.log" &
    PIDS="$!"
    sleep "$delay"
    kill -9 $PIDS
    wait $PIDS 2>/dev/null || true
    firing >"$T/after" || fail "after a kill at ${delay}s the alert state does not read back: $(cat "$T/run.log")"
    # what fired before still fires, the same
    missing=$(comm -23 "$T/before" "$T/after")
    [ -z "$missing" ] || fail "kill at ${delay}s lost or changed alerts: $missing"
    for fp in $(cut -d' ' -f1 "$T/before"); do
        ! grep -q "alert .* -> .* ($fp)" "$T/run.log" || fail "a restart changed firing alert $fp: $(grep "$fp" "$T/run.log")"
    done
    cp "$T/after" "$T/before"
    kills=$((kills + 1))
    [ "$kills" -lt 4 ] || [ "$(generation)" -lt 2 ] || break
done
[ "$(generation)" -ge 2 ] || fail "no compaction happened while the daemon was being killed (generation $(generation))"
pass "$kills kill -9 while raising alerts and compacting: every committed alert back as it was"

"$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/run.log" &
PIDS="$!"
wait_for 60 all_collected || fail "the daemon did not collect everything: $(tail -5 "$T/run.log")"
kill -9 $PIDS
wait $PIDS 2>/dev/null || true
firing >"$T/before"
"$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/run2.log" &
PIDS="$!"
sleep 3 # its start-up evaluation and a few passes
kill -TERM $PIDS
wait $PIDS 2>/dev/null || true
! grep -q "alert .* -> " "$T/run2.log" || fail "the restart raised or cleared alerts: $(grep 'alert ' "$T/run2.log")"
firing | diff "$T/before" - >&2 || fail "alerts differ after kill -9 and restart"
pass "kill -9 after all alerts fired, restart: the same alerts, no new one"
