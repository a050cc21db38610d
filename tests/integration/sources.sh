#!/usr/bin/env bash
# sources.sh — pejld --once against a loopback HTTP server that injects
# faults, and against programs run by the exec collector. Each failure is
# logged with the indicator id, fails that indicator only (exit 1), and
# leaves its stored data untouched; a 304 stores nothing new.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 "$SRC/tests/integration/faultserver.py" --root "$SRC/tests/data/http" \
    --port-file "$T/port" &
PIDS="$!"
wait_for 10 test -s "$T/port" || fail "fault server did not start"
base="http://127.0.0.1:$(cat "$T/port")"

cat >"$T/print.sh" <<'SH'
#!/bin/sh
printf 'period,value\n2023,%s\n2024,%s\n' "$1" "$2"
SH
cat >"$T/fail.sh" <<'SH'
#!/bin/sh
echo "boom: the source is down" >&2
exit 3
SH
printf '#!/bin/sh\nsleep 10\n' >"$T/slow.sh"
printf '#!/bin/sh\nhead -c 3000000 /dev/zero | tr "\\\\0" "1"\n' >"$T/huge.sh"
printf '#!/bin/sh\necho "period,value"\necho "2023,lots"\n' >"$T/bad.sh"
# exits at once, leaving a child that holds its stdout (and says who it is)
cat >"$T/orphan.sh" <<SH
#!/bin/sh
echo run >>"$T/orphan.runs"
sleep 300 &
echo \$! >>"$T/orphan.pids"
printf 'period,value\n2023,1\n'
SH
chmod +x "$T"/*.sh

write_config() { # $1: url of the indicator "down"
    cat >"$T/pejld.conf" <<CONF
http = { tries = 3; backoff = "50ms"; max_backoff = "200ms"; timeout = "3s"; max_bytes = 1000000; };
indicators = (
  { id = "exports_http"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/body/ls_exports.csv"; }; },
  { id = "flaky"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/fail/flaky/2/500/ls_exports.csv"; }; },
  { id = "down"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$1"; }; },
  { id = "html"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/html"; }; },
  { id = "exec_ok"; title = "t"; frequency = "annual"; source = { collector = "exec"; program = "$T/print.sh"; args = [ "174", "189.5" ]; }; },
  { id = "exec_fail"; title = "t"; frequency = "annual"; source = { collector = "exec"; program = "$T/fail.sh"; }; },
  { id = "exec_slow"; title = "t"; frequency = "annual"; source = { collector = "exec"; program = "$T/slow.sh"; timeout = "1s"; }; },
  { id = "exec_huge"; title = "t"; frequency = "annual"; source = { collector = "exec"; program = "$T/huge.sh"; }; },
  { id = "exec_bad"; title = "t"; frequency = "annual"; source = { collector = "exec"; program = "$T/bad.sh"; }; },
  { id = "exec_orphan"; title = "t"; frequency = "annual"; source = { collector = "exec"; program = "$T/orphan.sh"; timeout = "1s"; }; },
  { id = "exec_missing"; title = "t"; frequency = "annual"; source = { collector = "exec"; program = "$T/no-such-program"; }; },
  { id = "reset"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/reset"; }; },
  { id = "stalled"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/stall"; }; },
  { id = "truncated"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/truncated/ls_exports.csv"; }; },
  { id = "oversize"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/big/5000000"; }; },
  { id = "gzipped"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "$base/gzip/ls_exports.csv"; }; },
  { id = "bad_utf8"; title = "t"; frequency = "annual"; source = { collector = "jsonstat"; url = "$base/body/invalid-utf8.json"; }; },
  { id = "secret_url"; title = "t"; frequency = "annual"; source = { collector = "csv"; url = "http://user:PASSWD9@127.0.0.1:$(cat "$T/port")/status/404/TOKEN9?key=QUERY9"; }; }
);
CONF
}

run_once() {
    set +e
    ${PEJL_WRAP:-} "$PEJLD" --once -c "$T/pejld.conf" --state-dir "$T/state" >"$T/out" 2>"$T/log"
    rc=$?
    set -e
}

write_config "$base/body/ls_exports.csv"
run_once
[ $rc -eq 1 ] || fail "expected exit 1 (some sources fail), got $rc"
expect() { grep -qF "$1" "$T/log" || fail "log lacks: $1"$'\n'"$(cat "$T/log")"; }
expect "exports_http: 15 observations: 15 new"
expect "flaky: 15 observations: 15 new"
expect "down: 15 observations: 15 new"
expect "exec_ok: 2 observations: 2 new"
expect "html: collection failed: line 1:"
expect "exec_fail: collection failed: $T/fail.sh: exit status 3; stderr: boom: the source is down"
expect "exec_slow: collection failed: $T/slow.sh: killed after its timeout"
expect "exec_huge: collection failed: $T/huge.sh: wrote more than 1000000 bytes; killed"
expect "exec_bad: collection failed: $T/bad.sh wrote malformed CSV: line 2: \"lots\" is not a number"
expect "exec_missing: collection failed: $T/no-such-program: exit status 127; stderr: cannot run $T/no-such-program: No such file or directory"
expect "exec_orphan: collection failed: $T/orphan.sh: exited, but a process it started kept its output open past the timeout; killed"
expect "gzipped: 15 observations: 15 new"
expect "reset: collection failed: $base/reset: "
expect "stalled: collection failed: $base/stall: Operation timed out after 3"
expect "truncated: collection failed: $base/truncated/***: transfer closed with 100 bytes remaining to read (gave up after every try)"
expect "oversize: collection failed: $base/big/***: response larger than the 1000000-byte limit (http max_bytes)"
expect "bad_utf8: collection failed: $base/body/***: "
grep "bad_utf8: collection failed" "$T/log" | grep -qi "utf-8" || fail "invalid UTF-8 not named: $(grep bad_utf8 "$T/log")"
expect "secret_url: collection failed: http://***@127.0.0.1:$(cat "$T/port")/status/***?*** answered HTTP 404"
grep -E "PASSWD9|TOKEN9|QUERY9" "$T/log" && fail "a source URL's secret reached the log"
pass "faults fail their own indicator with the cause; the rest is stored"

orphans_dead() {
    local pid
    for pid in $(cat "$T/orphan.pids"); do
        [ ! -e "/proc/$pid" ] || grep -q '^[0-9]* (.*) Z' "/proc/$pid/stat" 2>/dev/null || return 1
    done
}
wait_for 5 orphans_dead || fail "the child holding exec_orphan's stdout outlived its timeout"
pass "an exec program's child holding its stdout is killed at the timeout"

journal=$(stat -c %s "$T/state/journal")
write_config "$base/status/503"
run_once
expect "down: collection failed: $base/status/***: HTTP 503 (gave up after every try)"
expect "exports_http: 15 observations: 0 new, 0 revised, 15 unchanged"
[ "$(stat -c %s "$T/state/journal")" -eq "$journal" ] || fail "a failed source changed the journal"
[ "$(grep -c "^down " "$T/state/journal")" -eq 15 ] || fail "down lost its stored data"
pass "a source that went down keeps its stored data"

curl -s "$base/log" | grep "/body/ls_exports.csv" | tail -1 | grep -q '"' \
    || fail "the second request for an unchanged body was not conditional"
pass "the second collection sent If-None-Match and was answered 304"

# The daemon collects exec_orphan again at its next interval: the first
# run ended at its timeout instead of holding the indicator forever.
rm -f "$T/orphan.runs" "$T/orphan.pids"
cat >"$T/orphan.conf" <<CONF
indicators = (
  { id = "exec_orphan"; title = "t"; frequency = "annual"; interval = "2s"; source = { collector = "exec"; program = "$T/orphan.sh"; timeout = "500ms"; }; }
);
CONF
"$PEJLD" -f -c "$T/orphan.conf" --state-dir "$T/orphan-state" 2>"$T/orphan.log" &
PIDS="$PIDS $!"
twice() { [ "$(wc -l <"$T/orphan.runs" 2>/dev/null || echo 0)" -ge 2 ]; }
wait_for 15 twice || fail "exec_orphan was not collected again: $(cat "$T/orphan.log")"
wait_for 5 orphans_dead || fail "exec_orphan's children outlived their timeouts in the daemon"
grep -q "previous collection still running" "$T/orphan.log" && fail "a run was skipped: $(cat "$T/orphan.log")"
pass "the daemon collects exec_orphan again at its next interval"
