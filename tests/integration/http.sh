#!/usr/bin/env bash
# http.sh — pejld's read-only HTTP endpoint (listen = "127.0.0.1:PORT") on
# loopback: /metrics passes promtool's check and carries the figures;
# the JSON API gives the documents pejlctl and --status --json give;
# the report folder is served with its content types and nothing outside
# it (no .., no links, no hidden files, no listing); malformed requests,
# methods other than GET/HEAD, slow clients and 1,000 connections at once
# are refused or dropped while the daemon keeps collecting, and /healthz
# answers after. Without listen there is no endpoint.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"
client() { /usr/bin/python3 "$SRC/tests/integration/httpclient.py" "$@"; }

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"
sock="$state/pejld.sock"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listen = "127.0.0.1:%s";\nreport = { directory = "report"; at = "06:00"; };\n' "$port" >"$T/head"
cat "$T/head" "$conf" >"$T/conf/with-listen.conf"
mv "$T/conf/with-listen.conf" "$conf"
"$PEJLD" -f -c "$conf" --state-dir "$state" 2>>"$T/log" &
daemon=$!
PIDS="$PIDS $daemon"
ctl() { "$PEJLCTL" "$@" --socket "$sock"; }
# TERM, and it must exit 0 (under the sanitizers: nothing leaked, nothing found)
stop_daemon() {
    kill -TERM "$daemon"
    wait "$daemon" || fail "pejld exited with $? on TERM: $(grep -m3 -i 'sanitizer\|error' "$T/log")"
}
healthy() { [ "$(client get "$port" /healthz)" = "200 text/plain; charset=utf-8" ]; }
wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/log")"
wait_for 10 healthy || fail "no /healthz: $(tail -3 "$T/log")"
grep -q "http endpoint on 127.0.0.1:$port" "$T/log" || fail "the endpoint is not logged"
collected() { [ "$(ls "$state/graphs" 2>/dev/null | grep -c png)" -eq 13 ]; }
wait_for 30 collected || fail "the daemon did not collect: $(tail -3 "$T/log")"
pass "listen = \"127.0.0.1:$port\" opens the endpoint; /healthz says ok"

# a second pejld (its own state) on the same address does not start
set +e; "$PEJLD" -f -c "$conf" --state-dir "$T/state2" >/dev/null 2>"$T/log2"; rc=$?; set -e
[ $rc -eq 1 ] && grep -q "listen 127.0.0.1:$port: cannot listen there: Address already in use" "$T/log2" \
    || fail "a second pejld on the same address: exit $rc, $(cat "$T/log2")"
pass "a second pejld on the address: \"$(grep -o 'cannot listen there: .*' "$T/log2")\", exit 1"

# /metrics: Prometheus' own check, and the figures the issue names
[ "$(client get "$port" /metrics GET "$T/metrics")" = "200 text/plain; version=0.0.4; charset=utf-8" ] \
    || fail "/metrics: $(head -3 "$T/metrics")"
promtool check metrics <"$T/metrics" >"$T/promtool" 2>&1 || fail "promtool check metrics: $(cat "$T/promtool")"
for want in 'pejl_indicator_value{indicator="ls_exports",pejlemaerke="5",unit="mia. kr."} 189' \
    'pejl_target_progress{indicator="ls_exports",pejlemaerke="5",target="2030",category="at risk"} 1' \
    'pejl_target_progress{indicator="ls_exports",pejlemaerke="5",target="2030",category="on track"} 0' \
    'pejl_indicator_latest_period_end_timestamp_seconds{indicator="ls_exports",pejlemaerke="5"} 1735689600' \
    'pejl_indicator_stale{indicator="ls_employment",pejlemaerke="0"} 1' \
    'pejl_outbox_pending 0' 'pejl_collections_failed_total 0'; do
    grep -qxF "$want" "$T/metrics" || fail "/metrics lacks $want"
done
for family in pejl_target_path_value pejl_target_gap_percent pejl_target_compared_value \
    pejl_published_value pejl_target_rank pejl_target_rank_top pejl_member_value \
    pejl_indicator_members pejl_indicator_age_seconds pejl_alert_state pejl_alert_silenced pejl_alerts \
    pejl_collection_consecutive_failures pejl_collection_last_success_timestamp_seconds \
    pejl_last_collection_timestamp_seconds pejl_journal_bytes pejl_journal_records; do
    grep -q "^$family[{ ]" "$T/metrics" || fail "/metrics has no $family"
done
ctl metrics | grep -v '_seconds\|_age_' >"$T/ctl-metrics"
grep -v '_seconds\|_age_' "$T/metrics" | cmp -s - "$T/ctl-metrics" || fail "pejlctl metrics and /metrics differ"
# the shipped scrape config and dashboard: valid, and only metrics pejld serves
promtool check config "$SRC/docs/prometheus-scrape.yml" >"$T/promtool" 2>&1 || fail "docs/prometheus-scrape.yml: $(cat "$T/promtool")"
/usr/bin/python3 - "$SRC/docs/grafana-pejl.json" "$T/metrics" <<'PY' || fail "docs/grafana-pejl.json"
import json, re, sys
dash = json.load(open(sys.argv[1]))
served = set(re.findall(r"^(pejl_[a-z_]+)[{ ]", open(sys.argv[2]).read(), re.M))
used = set()
for panel in dash["panels"]:
    for target in panel["targets"]:
        used |= set(re.findall(r"pejl_[a-z_]+", target["expr"]))
assert used and not used - served, sorted(used - served)
PY
client keepalive "$port" 3 >/dev/null || fail "a scraper's connection is not kept open"
pass "/metrics: promtool check metrics passes; value with unit, progress as a state set, period end, staleness, ranks, members, alerts, journal, outbox; kept-alive connections; the same generator as pejlctl metrics; docs' scrape config and dashboard valid and using served metrics"

# the JSON API: the same documents as pejlctl and pejld --status --json
client get "$port" /api/v1/alerts GET "$T/alerts" >"$T/st" && ctl alerts --json >"$T/ctl-alerts"
[ "$(cat "$T/st")" = "200 application/json" ] && cmp -s "$T/alerts" "$T/ctl-alerts" || fail "/api/v1/alerts: $(cat "$T/st")"
client get "$port" /api/v1/indicators/ls_exports GET "$T/one" >/dev/null && ctl status ls_exports --json >"$T/ctl-one"
# the same but for days_since_period_end, which moves between two readings
same_rows() {
    /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for row in a + b:
    row.pop("days_since_period_end")
assert a == b and len(a) >= int(sys.argv[3]), (len(a), len(b))
PY
}
same_rows "$T/one" "$T/ctl-one" 2 || fail "/api/v1/indicators/ls_exports differs from pejlctl status ls_exports --json"
client get "$port" /api/v1/status GET "$T/status" >/dev/null
"$PEJLD" --status --json -c "$conf" --state-dir "$state" >"$T/cli-status"
same_rows "$T/status" "$T/cli-status" 10 || fail "/api/v1/status differs from pejld --status --json"
[ "$(client get "$port" /api/v1/indicators/nosuch)" = "404 application/json" ] || fail "an unknown indicator"
[ "$(client get "$port" '/api/v1/status?as_of=2025-13-01')" = "400 application/json" ] || fail "a bad as_of"
[ "$(client get "$port" /api/v2/status)" = "404 application/json" ] || fail "an unknown API path"
pass "/api/v1/status, /alerts, /indicators/ID: the documents of --status --json and pejlctl; unknown ID 404, a bad as_of 400 (http_as_of.sh tests ?as_of=)"

# the report folder
ctl report "$T/conf/report" >/dev/null || fail "pejlctl report"
[ "$(client get "$port" / GET "$T/index")" = "200 text/html; charset=utf-8" ] || fail "/ is not the report's index"
cmp -s "$T/index" "$T/conf/report/index.html" || fail "/ is not index.html"
[ "$(client get "$port" /graphs/ls_exports.png GET "$T/png")" = "200 image/png" ] || fail "a graph"
cmp -s "$T/png" "$T/conf/report/graphs/ls_exports.png" || fail "the graph's bytes"
[ "$(client get "$port" /status.json)" = "200 application/json" ] || fail "status.json"
[ "$(client get "$port" /data/ls_exports.csv)" = "200 text/csv; charset=utf-8" ] || fail "a CSV"
[ "$(client get "$port" / HEAD "$T/head-body")" = "200 text/html; charset=utf-8" ] && [ ! -s "$T/head-body" ] \
    || fail "HEAD / has a body"
ln -s "$conf" "$T/conf/report/leak.html"
ln -s /etc "$T/conf/report/etc"
for path in /leak.html /etc/passwd /graphs /graphs/ /.pejl-report /../demo.conf /nosuch.html; do
    [ "$(client get "$port" "$path" | cut -d' ' -f1)" = 404 ] || fail "$path is served"
done
pass "/ serves the report: index.html, graphs, CSV, JSON with their types, HEAD without a body; links, directories, hidden files and .. are 404"

# malformed requests, other methods: refused, never taken
client malformed "$port" >"$T/malformed" || fail "a malformed request was taken: $(cat "$T/malformed")"
grep -qx "POST: 405" "$T/malformed" && grep -qx "100 KB header: 431" "$T/malformed" \
    && grep -qx "no host in 1.1: 400" "$T/malformed" || fail "$(cat "$T/malformed")"
pass "malformed requests refused ($(grep -c . "$T/malformed") kinds: 400, 405, 413, 414, 431, 505 or closed)"

# slow clients and a flood while the daemon collects a changed figure
echo "2024,150" >>"$T/conf/demo-data/days_to_availability.csv"
client slow "$port" 40 20 >"$T/slow" &
slow=$!
wait_for 10 grep -q "^open 40" "$T/slow" || fail "slow clients: $(cat "$T/slow")"
healthy || fail "/healthz with 40 slow clients"
client flood "$port" 1000 >"$T/flood" || fail "1000 connections: $(cat "$T/flood")"
ctl collect days_to_availability >"$T/collect" || fail "collect during the storm: $(cat "$T/collect")"
wait "$slow" || fail "slow clients"
grep -qx "closed 40" "$T/slow" || fail "idle slow clients were not dropped: $(cat "$T/slow")"
healthy || fail "/healthz after the storm"
client get "$port" /metrics GET "$T/metrics" >/dev/null
grep -qxF 'pejl_indicator_value{indicator="days_to_availability",pejlemaerke="3",unit="dage"} 150' "$T/metrics" \
    || fail "the new figure is not in /metrics: $(grep 'value{indicator="days_to_availability"' "$T/metrics")"
kill -0 "$daemon" || fail "pejld died"
pass "40 slow clients dropped when idle; 1000 connections ($(cat "$T/flood")); collected meanwhile; /healthz ok after"

# /healthz says 503 and why while the journal cannot be written
stop_daemon
cat >"$T/failsync.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
int fdatasync(int fd)
{
    const char *flag = getenv("PEJL_FAIL_SYNC");
    if (flag && access(flag, F_OK) == 0) {
        errno = EIO;
        return -1;
    }
    return ((int (*)(int))dlsym(RTLD_NEXT, "fdatasync"))(fd);
}
C
"${CC:-cc}" -shared -fPIC -o "$T/failsync.so" "$T/failsync.c" -ldl || fail "cannot build the fdatasync shim"
LD_PRELOAD="$T/failsync.so" PEJL_FAIL_SYNC="$T/failsync" "$PEJLD" -f -c "$conf" --state-dir "$state" 2>>"$T/log" &
daemon=$!
PIDS="$PIDS $daemon"
wait_for 10 healthy || fail "no /healthz with the shim: $(tail -3 "$T/log")"
echo "2025,140" >>"$T/conf/demo-data/days_to_availability.csv"
touch "$T/failsync"
ctl collect days_to_availability >/dev/null 2>&1 || true
[ "$(client get "$port" /healthz GET "$T/why")" = "503 text/plain; charset=utf-8" ] || fail "/healthz with a failed commit: $(cat "$T/why")"
grep -q "journal .* cannot be written: Input/output error" "$T/why" || fail "/healthz does not say why: $(cat "$T/why")"
rm "$T/failsync"
ctl collect days_to_availability >/dev/null || fail "collect once the disk is back"
healthy || fail "/healthz after a commit succeeded again"
pass "/healthz: 503 \"$(cat "$T/why")\" while a commit fails, 200 once one succeeds"

# off unless configured
stop_daemon
tail -n +3 "$conf" >"$T/conf/off.conf"
"$PEJLD" -f -c "$T/conf/off.conf" --state-dir "$state" 2>>"$T/log-off" &
daemon=$!
PIDS="$PIDS $daemon"
wait_for 10 test -S "$sock" || fail "no control socket without listen"
! client get "$port" /healthz 2>/dev/null || fail "an endpoint without listen"
! grep -q "http endpoint" "$T/log-off" || fail "an endpoint is logged without listen"
stop_daemon
pass "without listen, no endpoint"
