#!/usr/bin/env bash
# as_of.sh — what was known then (issue 16). One annual series is collected
# three times with known vintages (pejld --once --vintage): 2022 first seen
# as 120 (V1), revised to 125 (V2), revised again to 128 with 2023 new (V3).
# pejld --status --json --as-of gives, before V1, nothing; between the
# revisions, the value of that time; after them, today's; a date means the
# end of that day. The evaluation follows the as-of moment (--now implied).
# An unknown snapshot name is refused with the snapshots file named.
# With a running pejld: pejlctl snapshot NAME, and --as-of NAME; pejlctl
# status --as-of; pejlctl revisions ID lists 2022's three values with their
# vintages and the change from the first; the report as of V2 holds the
# values of then, data/ID-vintages.csv every value with its vintage and a
# "Revisioner" section.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"

mkdir -p "$T/conf"
state="$T/state"
sock="$state/pejld.sock"
conf="$T/conf/pejld.conf"
cat >"$conf" <<CONF
collector_dir = "$(dirname "$PEJLD")/../lib/pejl/collectors";
state_dir = "$state";
control_socket = "$sock";
report = { directory = "$T/scheduled"; at = "06:00"; snapshot = true; };
indicators = (
  { id = "x"; title = "Eksport"; unit = "mia. kr."; pejlemaerke = 5; frequency = "annual";
    source = { collector = "csv"; url = "file:x.csv"; };
    target = { kind = "above_baseline"; baseline = { period = "2020"; }; year = 2030; }; }
);
CONF
V1=2025-03-01T06:00:00Z
V2=2025-06-01T06:00:00Z
V3=2025-09-01T06:00:00Z
collect() { # VINTAGE ROWS...
    local vintage=$1
    shift
    printf 'period,value,status\n' >"$T/conf/x.csv"
    printf '%s\n' "$@" >>"$T/conf/x.csv"
    "$PEJLD" --once --now "$vintage" --vintage "$vintage" -c "$conf" >/dev/null 2>>"$T/log" \
        || fail "--once at $vintage: $(cat "$T/log")"
}
collect $V1 2020,100, 2021,110, 2022,120,
collect $V2 2020,100, 2021,110, 2022,125,
collect $V3 2020,100, 2021,110, 2022,128, 2023,131,

# latest_period latest_value as of $1 (--status --json)
latest() {
    "$PEJLD" --status --json --as-of "$1" -c "$conf" >"$T/status.json" 2>"$T/err" \
        || fail "--status --json --as-of $1: $(cat "$T/err")"
    python3 -c 'import json,sys; r, = json.load(open(sys.argv[1])); print(r["latest_period"], r["latest_value"])' \
        "$T/status.json"
}
expect() { # AS_OF WANT
    local got
    got=$(latest "$1")
    [ "$got" = "$2" ] || fail "as of $1: \"$got\", expected \"$2\""
}
expect 2025-02-28 "None None"
expect 2025-03-01T06:00:00Z "2022 120.0"
expect 2025-06-01T05:59:59Z "2022 120.0"
expect 2025-06-01 "2022 125.0" # the end of that day: V2 is in
expect 2025-07-15T12:00:00+02:00 "2022 125.0"
expect 2025-09-01 "2023 131.0"
"$PEJLD" --status --json -c "$conf" >"$T/today.json" || fail "--status --json"
python3 - "$T/today.json" <<'PY' || fail "today: $(cat "$T/today.json")"
import json, sys
r, = json.load(open(sys.argv[1]))
assert (r["latest_period"], r["latest_value"]) == ("2023", 131), r
PY
pass "--status --json --as-of: nothing before the first vintage, 120 then 125 between the revisions, today's after"

# the evaluation moves with --as-of: the gap against the baseline of then
"$PEJLD" --status --as-of 2025-06-01 -c "$conf" >"$T/status.txt" || fail "--status --as-of"
head -1 "$T/status.txt" | grep -q "as known at 2025-06-01T23:59:59Z" || fail "no as-of line: $(cat "$T/status.txt")"
grep -Eq "^x +5  2022 +125" "$T/status.txt" || fail "status table as of 2025-06-01: $(cat "$T/status.txt")"
pass "--status --as-of: the table says the moment and shows 2022 at 125"

# an unknown snapshot name: a clear error that names the file
if "$PEJLD" --status --as-of board -c "$conf" >"$T/out" 2>"$T/err"; then
    fail "--as-of of an unknown snapshot succeeded"
fi
grep -q "no snapshot named \"board\" in $state/snapshots; none saved yet" "$T/err" \
    || fail "unknown snapshot: $(cat "$T/err")"
pass "--as-of NAME without such a snapshot: $(head -1 "$T/err")"

# the report as of V2: the values of then, in the table, the data and the graph
"$PEJLD" --report "$T/report" --as-of 2025-06-01 -c "$conf" >/dev/null 2>"$T/err" \
    || fail "--report --as-of: $(cat "$T/err")"
grep -q "^,2022,125,," "$T/report/data/x.csv" || fail "data/x.csv as of V2: $(cat "$T/report/data/x.csv")"
grep -q "^,2023," "$T/report/data/x.csv" && fail "data/x.csv as of V2 holds 2023, first seen at V3"
grep -q '2022: 125,0 mia. kr.' "$T/report/report.md" || fail "report.md as of V2: $(head -8 "$T/report/report.md")"
[ "$(stat -c %s "$T/report/graphs/x.png")" -gt 5000 ] || fail "no graph as of V2"
cat >"$T/want.csv" <<CSV
member,period,vintage,value,status,change_pct
,2020,$V1,100,,
,2021,$V1,110,,
,2022,$V1,120,,
,2022,$V2,125,,4.166666666666674
CSV
diff "$T/want.csv" "$T/report/data/x-vintages.csv" || fail "x-vintages.csv as of V2"
grep -q '<h2 id="revisions">Revisioner</h2>' "$T/report/index.html" || fail "no Revisioner section"
grep -q '<tr data-series="x"><td>Eksport</td><td>2022</td><td>120,0 (2025-03-01)</td><td>125,0 (2025-06-01)</td><td>+4,2 %</td></tr>' \
    "$T/report/index.html" || fail "the revision of 2022 as of V2: $(grep -A3 revisions-table "$T/report/index.html")"
pass "--report --as-of: data, report.md and graph of then; x-vintages.csv in long form; 2022 in Revisioner 120,0 → 125,0 (+4,2 %)"

# today's report: both revisions, the largest first-to-last change
"$PEJLD" --report "$T/report" -c "$conf" >/dev/null 2>"$T/err" || fail "--report: $(cat "$T/err")"
[ "$(grep -c '^,2022,' "$T/report/data/x-vintages.csv")" = 3 ] || fail "x-vintages.csv: $(cat "$T/report/data/x-vintages.csv")"
grep -q '^,2022,2025-09-01T06:00:00Z,128,,6.6666666666666' "$T/report/data/x-vintages.csv" \
    || fail "x-vintages.csv: the second revision, +6.67 % from the first: $(cat "$T/report/data/x-vintages.csv")"
grep -q '<td>2022</td><td>120,0 (2025-03-01)</td><td>128,0 (2025-09-01)</td><td>+6,7 %</td>' "$T/report/index.html" \
    || fail "Revisioner today: $(grep -A3 revisions-table "$T/report/index.html")"
pass "--report: x-vintages.csv holds 2022's three values; Revisioner 120,0 → 128,0 (+6,7 %)"

# report.snapshot = true: each report written names its moment by its date
today=$(date -u +%Y-%m-%d)
grep -q "^report-2025-06-01 2025-06-01T23:59:59Z$" "$state/snapshots" || fail "snapshots: $(cat "$state/snapshots")"
grep -q "^report-$today " "$state/snapshots" || fail "no snapshot of today's report: $(cat "$state/snapshots")"
expect report-2025-06-01 "2022 125.0"
pass "report.snapshot: report-2025-06-01 (the as-of report's moment) and report-$today saved; --as-of report-2025-06-01 reads 125"

# pejlctl, against a running pejld
"$PEJLD" -f -c "$conf" 2>>"$T/daemon.log" &
PIDS="$!"
wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/daemon.log")"
ctl() { "$PEJLCTL" "$@" --socket "$sock"; }
ctl snapshot board 2025-06-01T12:00:00Z >"$T/out" || fail "snapshot: $(cat "$T/out")"
if ctl snapshot board >"$T/out" 2>"$T/err"; then fail "a second snapshot board was saved"; fi
grep -q 'a snapshot named "board" exists already' "$T/err" || fail "duplicate snapshot: $(cat "$T/err")"
if ctl snapshot 2025-01-01 >"$T/out" 2>"$T/err"; then fail "a snapshot named like a date was saved"; fi
expect board "2022 125.0"
pass "pejlctl snapshot board TIME; a duplicate or a date-like name refused; pejld --status --as-of board"

ctl status --json --as-of board >"$T/ctl.json" || fail "pejlctl status --as-of board"
python3 -c 'import json,sys; r, = json.load(open(sys.argv[1])); assert (r["latest_period"], r["latest_value"]) == ("2022", 125), r' \
    "$T/ctl.json" || fail "pejlctl status --json --as-of board: $(cat "$T/ctl.json")"
ctl status x --as-of 2025-03-02 >"$T/ctl.txt" || fail "pejlctl status x --as-of"
grep -Eq "^x +5  2022 +120" "$T/ctl.txt" || fail "pejlctl status x --as-of 2025-03-02: $(cat "$T/ctl.txt")"
if ctl status --as-of nosuch >"$T/out" 2>"$T/err"; then fail "pejlctl status --as-of nosuch succeeded"; fi
grep -q 'no snapshot named "nosuch".*the snapshots are: report-2025-06-01 report-' "$T/err" || fail "unknown name: $(cat "$T/err")"
pass "pejlctl status --as-of: 125 as of board, 120 as of 2025-03-02; an unknown name lists the snapshots"

ctl revisions x --period 2022 >"$T/rev.txt" || fail "revisions: $(cat "$T/rev.txt")"
[ "$(grep -c '^x ' "$T/rev.txt")" = 3 ] || fail "revisions x --period 2022: $(cat "$T/rev.txt")"
grep -Eq "^x +2022 +2025-03-01T06:00:00Z +120 +- +first published" "$T/rev.txt" || fail "revisions: $(cat "$T/rev.txt")"
grep -Eq "^x +2022 +2025-06-01T06:00:00Z +125 +- +\+4\.17 %" "$T/rev.txt" || fail "revisions: $(cat "$T/rev.txt")"
grep -Eq "^x +2022 +2025-09-01T06:00:00Z +128 +- +\+6\.67 %" "$T/rev.txt" || fail "revisions: $(cat "$T/rev.txt")"
ctl revisions x --json --as-of board >"$T/rev.json" || fail "revisions --json"
python3 - "$T/rev.json" <<'PY' || fail "revisions --json --as-of board: $(cat "$T/rev.json")"
import json, sys
periods = json.load(open(sys.argv[1]))
assert [p["period"] for p in periods] == ["2020", "2021", "2022"], periods
v = periods[2]["values"]
assert [(x["vintage"], x["value"]) for x in v] == [("2025-03-01T06:00:00Z", 120), ("2025-06-01T06:00:00Z", 125)], v
assert v[0]["change_pct"] is None and round(v[1]["change_pct"], 4) == 4.1667, v
PY
pass "pejlctl revisions: 2022's three values with vintages and +4.17 %, +6.67 % from the first; --json --as-of board stops at 125"

ctl graph x --as-of board -o "$T/then.png" >/dev/null || fail "graph --as-of"
ctl graph x -o "$T/now.png" >/dev/null || fail "graph"
[ "$(head -c 8 "$T/then.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "graph --as-of: not a PNG"
cmp -s "$T/then.png" "$T/now.png" && fail "the graph as of board is today's"
ls "${TMPDIR:-/tmp}" | grep -q "^pejl-graph\.\|^pejl-as-of\." && fail "temp folders left: $(ls "${TMPDIR:-/tmp}")"
ctl report "$T/ctl-report" --as-of board >/dev/null || fail "pejlctl report --as-of: $(tail -3 "$T/daemon.log")"
grep -q "^,2022,125,," "$T/ctl-report/data/x.csv" || fail "pejlctl report --as-of board: $(cat "$T/ctl-report/data/x.csv")"
grep -q "^report-2025-06-01.2 2025-06-01T12:00:00Z$" "$state/snapshots" || fail "the report's snapshot: $(cat "$state/snapshots")"
pass "pejlctl graph --as-of (a PNG of its own) and report --as-of (2022 at 125; snapshot report-2025-06-01.2)"
