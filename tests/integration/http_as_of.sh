#!/usr/bin/env bash
# http_as_of.sh — ?as_of= on pejld's HTTP API, and as-of reads that never
# stall the loop (issues 16 and 18). One annual series collected with known
# vintages (as as_of.sh does). /api/v1/status?as_of=T is the document of
# pejld --status --json --as-of T, for a date, an RFC 3339 time and a
# snapshot's name; /api/v1/indicators/ID?as_of=T that of pejlctl status ID
# --json --as-of T; a bad as_of is 400 with the reason pejlctl gives.
#
# As-of reads run in children: PEJL_TEST_OFFLOAD_HOLD (core/offload.h)
# makes each child wait until a file exists — in the child only — so the
# test holds two reads running (one HTTP request, one pejlctl revisions)
# without timing anything, and shows meanwhile that /healthz, /api/v1/status
# and pejlctl status answer, that a third read is refused as busy (503 /
# "busy"), and that a pejlctl client that hangs up has its child killed. Released,
# the held request gets its document; no child, zombie or descriptor is
# left. A TERM while a request is held ends pejld cleanly (exit 0; under
# the sanitizers nothing leaked).
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"
client() { /usr/bin/python3 "$SRC/tests/integration/httpclient.py" "$@"; }

mkdir -p "$T/conf"
state="$T/state"
sock="$state/pejld.sock"
conf="$T/conf/pejld.conf"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$conf" <<CONF
listen = "127.0.0.1:$port";
collector_dir = "$(dirname "$PEJLD")/../lib/pejl/collectors";
state_dir = "$state";
control_socket = "$sock";
indicators = (
  { id = "x"; title = "Eksport"; unit = "mia. kr."; pejlemaerke = 5; frequency = "annual";
    source = { collector = "csv"; url = "file:x.csv"; };
    target = { kind = "above_baseline"; baseline = { period = "2020"; }; year = 2030; }; }
);
CONF
collect() { # VINTAGE ROWS...
    local vintage=$1
    shift
    printf 'period,value,status\n' >"$T/conf/x.csv"
    printf '%s\n' "$@" >>"$T/conf/x.csv"
    "$PEJLD" --once --now "$vintage" --vintage "$vintage" -c "$conf" >/dev/null 2>>"$T/log" \
        || fail "--once at $vintage: $(cat "$T/log")"
}
collect 2025-03-01T06:00:00Z 2020,100, 2021,110, 2022,120,
collect 2025-06-01T06:00:00Z 2020,100, 2021,110, 2022,125,
collect 2025-09-01T06:00:00Z 2020,100, 2021,110, 2022,128, 2023,131,

hold="$T/go"
touch "$hold" # reads run at once until the file goes
PEJL_TEST_OFFLOAD_HOLD="$hold" "$PEJLD" -f -c "$conf" 2>>"$T/daemon.log" &
daemon=$!
PIDS="$daemon"
ctl() { "$PEJLCTL" "$@" --socket "$sock"; }
healthy() { [ "$(client get "$port" /healthz)" = "200 text/plain; charset=utf-8" ]; }
children() { ps --ppid "$daemon" -o pid= | wc -l; }
no_children() { [ "$(children)" -eq 0 ]; }
wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/daemon.log")"
wait_for 10 healthy || fail "no /healthz: $(tail -3 "$T/daemon.log")"
wait_for 30 test -s "$state/graphs/x.png" || fail "x was not collected: $(tail -3 "$T/daemon.log")"
wait_for 10 no_children || fail "the first graph's child did not end"
ctl snapshot board 2025-06-01T12:00:00Z >/dev/null || fail "snapshot board"

# (a) the documents of pejld --status --json --as-of and pejlctl status --as-of
for when in 2025-02-01 2025-06-01 2025-06-01T07:00:00%2B02:00 2025-06-01T07:00:00+02:00 board 2025-10-01; do
    plain=${when//%2B/+}
    [ "$(client get "$port" "/api/v1/status?as_of=$when" GET "$T/api.json")" = "200 application/json" ] \
        || fail "/api/v1/status?as_of=$when: $(cat "$T/api.json")"
    "$PEJLD" --status --json --as-of "$plain" -c "$conf" >"$T/cli.json" 2>"$T/err" \
        || fail "--status --json --as-of $plain: $(cat "$T/err")"
    cmp -s "$T/api.json" "$T/cli.json" \
        || fail "as_of=$when: the API and pejld --status --json --as-of differ: $(diff "$T/api.json" "$T/cli.json" | head -5)"
    [ "$(client get "$port" "/api/v1/indicators/x?as_of=$when" GET "$T/api-x.json")" = "200 application/json" ] \
        || fail "/api/v1/indicators/x?as_of=$when: $(cat "$T/api-x.json")"
    ctl status x --json --as-of "$plain" >"$T/ctl-x.json" || fail "pejlctl status x --as-of $plain"
    python3 -c 'import json,sys; a, b = (json.load(open(p)) for p in sys.argv[1:]); assert a == b, (a, b)' \
        "$T/api-x.json" "$T/ctl-x.json" || fail "as_of=$when: /api/v1/indicators/x and pejlctl status x differ"
done
python3 -c 'import json,sys; r, = json.load(open(sys.argv[1])); assert (r["latest_period"], r["latest_value"]) == ("2022", 125), r' \
    <(client get "$port" "/api/v1/status?as_of=board" GET /dev/stdout | head -n -1) \
    || fail "as_of=board is not 2022 at 125"
pass "/api/v1/status?as_of= is pejld --status --json --as-of byte for byte, /api/v1/indicators/x?as_of= is pejlctl status x --json --as-of (a date, an RFC 3339 time, a snapshot, before and after the vintages)"

# (b) a bad as_of: 400 and the reason, as pejlctl gives it
bad() { # QUERY WANT: the error begins with WANT
    [ "$(client get "$port" "/api/v1/status?$1" GET "$T/bad.json")" = "400 application/json" ] \
        || fail "?$1 was not refused: $(cat "$T/bad.json")"
    python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["error"]; assert e.startswith(sys.argv[2]), e' \
        "$T/bad.json" "$2" || fail "?$1: $(cat "$T/bad.json")"
}
if ctl status --as-of nosuch >/dev/null 2>"$T/ctl-err"; then fail "pejlctl status --as-of nosuch succeeded"; fi
why=$(sed -n 's/.*as-of \(no snapshot named.*\)/\1/p' "$T/ctl-err")
[ -n "$why" ] || fail "pejlctl's reason: $(cat "$T/ctl-err")"
bad as_of=nosuch "as_of $why"
bad as_of=2025-13-45 "as_of "
grep -q 2025-13-45 "$T/bad.json" || fail "as_of=2025-13-45 is not named: $(cat "$T/bad.json")"
bad as_of= "as_of needs a value: a date"
bad as_of "as_of needs a value: a date"
[ "$(client get "$port" "/api/v1/indicators/x?as_of=1.1.2025" GET "$T/bad.json")" = "400 application/json" ] \
    || fail "indicators/x?as_of=1.1.2025: $(cat "$T/bad.json")"
[ "$(client get "$port" "/api/v1/alerts?as_of=board" GET "$T/bad.json")" = "400 application/json" ] \
    && grep -q "as_of is for /api/v1/status and /api/v1/indicators/ID" "$T/bad.json" \
    || fail "alerts?as_of: $(cat "$T/bad.json")"
pass "a bad as_of (unknown snapshot, bad date, empty, 1.1.2025) is 400 with the reason pejlctl gives; alerts?as_of is 400 and says why"

# (c) two reads held in their children: the loop goes on answering
fds() { ls "/proc/$daemon/fd" | wc -l; }
fds_before=$(fds)
rm "$hold"
client get "$port" "/api/v1/status?as_of=board" GET "$T/held.json" >"$T/held.status" &
held=$!
"$PEJLCTL" revisions x --json --socket "$sock" >"$T/held-rev" 2>&1 & # not ctl: a subshell would take the kill
held_ctl=$!
two() { [ "$(children)" -eq 2 ]; }
wait_for 10 two || fail "the two reads did not start: $(children) children"
healthy || fail "/healthz while two as-of reads run"
[ "$(client get "$port" /api/v1/status GET "$T/now.json")" = "200 application/json" ] || fail "/api/v1/status while reads run"
ctl status >"$T/ctl-now" || fail "pejlctl status while reads run"
grep -Eq "^x +5  2023 +131" "$T/ctl-now" || fail "pejlctl status: $(cat "$T/ctl-now")"
[ "$(client get "$port" "/api/v1/indicators/x?as_of=board" GET "$T/busy.json")" = "503 application/json" ] \
    && grep -q '"error": "busy: 2 as-of reads run already; try again shortly"' "$T/busy.json" \
    || fail "a third read: $(cat "$T/busy.json")"
if ctl status --as-of board >/dev/null 2>"$T/busy-ctl"; then fail "a third read over the control socket was not refused"; fi
grep -q "busy: 2 as-of reads run already" "$T/busy-ctl" || fail "pejlctl's third read: $(cat "$T/busy-ctl")"
kill -0 "$held" 2>/dev/null || fail "the held request was answered before its read ended: $(cat "$T/held.status")"
kill "$held_ctl" # pejlctl hangs up while its read runs: its child goes, its slot is free
wait "$held_ctl" 2>/dev/null || true
one() { [ "$(children)" -eq 1 ]; }
wait_for 10 one || fail "the hung-up client's read still runs: $(children) children"
pass "while two as-of reads run: /healthz, /api/v1/status and pejlctl status answer; a third read is 503/busy; the held request waits; a pejlctl that hangs up has its read killed"

touch "$hold"
wait "$held" || fail "the held request: $(cat "$T/held.status")"
[ "$(cat "$T/held.status")" = "200 application/json" ] || fail "the held request: $(cat "$T/held.status")"
"$PEJLD" --status --json --as-of board -c "$conf" | cmp -s - "$T/held.json" || fail "the held request's document: $(cat "$T/held.json")"
wait_for 10 no_children || fail "children left: $(ps --ppid "$daemon" -o pid=,stat=,args=)"
settled() { [ "$(fds)" -eq "$fds_before" ]; }
wait_for 10 settled || fail "descriptors: $fds_before before, $(fds) after: $(ls -l "/proc/$daemon/fd")"
ctl status --as-of 2025-03-02 >"$T/after" || fail "pejlctl status --as-of after the hang-up"
grep -Eq "^x +5  2022 +120" "$T/after" || fail "after: $(cat "$T/after")"
pass "released: the held request gets pejld --status --json --as-of's document; no child or zombie left, $fds_before descriptors as before"

# TERM while a request is held: pejld ends cleanly, the client is let go
rm "$hold"
client get "$port" "/api/v1/status?as_of=board" GET "$T/cut.json" >"$T/cut.status" &
cut=$!
wait_for 10 one || fail "the read did not start"
kill -TERM "$daemon"
wait "$daemon" || fail "pejld exited with $? on TERM with a read held: $(grep -m3 -i 'sanitizer\|error' "$T/daemon.log")"
wait "$cut" || true
[ "$(cat "$T/cut.status")" != "200 application/json" ] || fail "the cut request was answered as if read"
pass "TERM with an as-of request held: pejld exits 0, the request is closed ($(cat "$T/cut.status"))"
