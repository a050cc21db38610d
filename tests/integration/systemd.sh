#!/usr/bin/env bash
# systemd.sh — the unit file and pejld's side of Type=notify: the unit
# passes `systemd-analyze verify` and scores an exposure of at most 2.0 in
# `systemd-analyze security --offline=true` (the score is printed); pejld
# says READY=1 once its state is restored, a STATUS= line with its alerts,
# WATCHDOG=1 from its loop at once and within 3/4 WatchdogSec, RELOADING=1 and READY=1
# around a HUP, and STOPPING=1 on TERM. The sd_notify socket is played by
# notifysock.py.
. "$(dirname "$0")/lib.sh"

unit="$T/pejld.service"
sed "s|/usr/sbin/pejld|$PEJLD|g" "$SRC/systemd/pejld.service" >"$unit"
systemd-analyze verify --man=no "$unit" >"$T/verify" 2>&1 || fail "systemd-analyze verify: $(cat "$T/verify")"
systemd-analyze security --offline=true "$unit" >"$T/security" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for pejld.service: \([0-9.]*\).*/\1/p' "$T/security")
[ -n "$score" ] || fail "no exposure score: $(tail -3 "$T/security")"
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure $score is above 2.0: $(grep '✗' "$T/security")"
pass "the unit verifies; systemd-analyze security --offline: exposure $score"
for key in MemoryMax TasksMax; do
    grep -q "^$key=[0-9]" "$unit" || fail "the unit does not bound pejld with $key="
done
pass "MemoryMax= and TasksMax= bound what pejld may use"

demo_copy "$T/conf"
/usr/bin/python3 "$SRC/tests/integration/notifysock.py" "$T/notify.sock" "$T/notify.log" &
PIDS="$!"
wait_for 5 test -S "$T/notify.sock" || fail "no notify socket"
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=1000000 "$PEJLD" -f -c "$T/conf/demo.conf" \
    --state-dir "$T/state" 2>"$T/log" &
pid=$!
PIDS="$PIDS $pid"
said() { grep -q "$1" "$T/notify.log" 2>/dev/null; }
wait_for 10 said "^READY=1" || fail "no READY=1: $(cat "$T/notify.log" 2>/dev/null)"
wait_for 10 said "^STATUS=13 indicators; alerts: " || fail "no STATUS=: $(cat "$T/notify.log")"
sleep 1.2
[ "$(grep -c '^WATCHDOG=1' "$T/notify.log")" -ge 2 ] || fail "too few WATCHDOG=1 pings: $(cat "$T/notify.log")"
pass "READY=1, STATUS= and WATCHDOG=1 at once and again within 3/4 WatchdogSec"

kill -HUP "$pid"
wait_for 5 said "^RELOADING=1" || fail "no RELOADING=1"
ready_again() { [ "$(grep -c '^READY=1' "$T/notify.log")" -ge 2 ]; }
wait_for 5 ready_again || fail "no READY=1 after the reload: $(cat "$T/notify.log")"
kill -TERM "$pid"
wait "$pid" || fail "TERM: exit status $?: $(tail -30 "$T/log")"
said "^STOPPING=1" || fail "no STOPPING=1: $(cat "$T/notify.log")"
grep "^STATUS=" "$T/notify.log" | tail -1 | sed 's/^/  /'
pass "RELOADING=1 and READY=1 around a HUP, STOPPING=1 on TERM, exit 0"
