#!/usr/bin/env bash
# verify.sh — pejld --check-config --online and pejlctl verify: sources
# checked against their own metadata, served on loopback (the recorded
# SITC2R4 tableinfo over HTTP) and from files (metadata_url = "file:…";
# hand-written Eurostat and World Bank answers). A wrong SITC code, an
# unpinned non-eliminable variable and a table too short for a baseline are
# each named with FILE:LINE and exit 78; a correct config exits 0; pejlctl
# verify asks a running pejld the same and exits 1 on problems.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"

/usr/bin/python3 "$SRC/tests/integration/faultserver.py" --root "$SRC/tests/data/verify" \
    --port-file "$T/port" &
PIDS="$!"
wait_for 10 test -s "$T/port" || fail "fault server did not start"
base="http://127.0.0.1:$(cat "$T/port")"
cp -r "$SRC/tests/data/verify/eurostat" "$SRC/tests/data/verify/wb" "$T/"

# ls_exports as config/pejld.conf had it: SITC 774 (SITC2R4 has 2-digit
# groups only), no UHBEGREB, and a 2020 baseline the table cannot give.
cat >"$T/bad.conf" <<CONF
state_dir = "$T/state";
indicators = (
  { id = "ls_exports"; title = "Eksport"; unit = "mia. kr."; pejlemaerke = 5; frequency = "annual";
    source = { collector = "statbank"; table = "SITC2R4";
               variables = ( { code = "SITC"; values = [ "54", "774" ]; },
                             { code = "INDUD"; values = [ "2" ]; },
                             { code = "LAND"; values = [ "W1" ]; },
                             { code = "Tid"; values = [ "*" ]; } );
               panel = "SITC"; url = "file:data/{table}.json";
               metadata_url = "$base/body/{table}_tableinfo_en.json"; };
    derive = { combine = "sum"; annual = "sum"; };
    target = { year = 2030; value = 350.0; baseline = { period = "2020"; }; path = "cagr"; }; },
  { id = "pharma_production"; title = "Produktion"; unit = "indeks"; frequency = "monthly";
    source = { collector = "eurostat"; dataset = "sts_inpr_m";
               filters = { geo = [ "DK" ]; nace_r2 = [ "C2l" ]; unit = [ "I21" ]; };
               url = "file:eurostat/{dataset}-data.json";
               metadata_url = "file:eurostat/{dataset}-codes.json"; }; },
  { id = "population_panel"; title = "Befolkning"; unit = "personer"; frequency = "annual";
    source = { collector = "worldbank"; indicator = "SP.POP.TOTL";
               countries = [ "DK", "XX" ];
               metadata_url = "file:wb/{path}.json"; }; }
);
CONF
set +e
out=$("$PEJLD" --check-config --online -c "$T/bad.conf" 2>&1)
rc=$?
set -e
[ $rc -eq 78 ] || fail "--check-config --online on wrong codes exited $rc, not 78: $out"
for expect in "$T/bad.conf:5: ls_exports: table SITC2R4, variable SITC has no value \"774\"; nearest: 77, 74" \
              "$T/bad.conf:4: ls_exports: table SITC2R4, variable UHBEGREB cannot be eliminated" \
              "$T/bad.conf:8: ls_exports: the 2030 target needs its baseline 2020 from the source, which starts in 2022-01" \
              "$T/bad.conf:8: ls_exports: the 2030 target measures progress over 5 years" \
              "$T/bad.conf:15: pharma_production: dataset sts_inpr_m, dimension nace_r2 has no code \"C2l\"; nearest: C21" \
              "$T/bad.conf:14: pharma_production: dataset sts_inpr_m, dimension s_adj has 3 codes and no filter" \
              "$T/bad.conf:20: population_panel: the World Bank API does not know country \"XX\"" \
              "bad.conf: 7 problem(s) against the sources' metadata"; do
    echo "$out" | grep -qF "$expect" || fail "missing \"$expect\" in: $out"
done
curl -s "$base/log" | grep -q " /body/SITC2R4_tableinfo_en.json pejl/" \
    || fail "the tableinfo was not fetched over HTTP: $(curl -s "$base/log")"
pass "wrong codes, an unpinned variable and too short a table: FILE:LINE each, exit 78"

# The same catalogue, corrected: UHBEGREB pinned, 2-digit groups, a
# baseline with its published value and a window the table covers.
sed -e 's/"54", "774"/"54", "87"/' \
    -e 's/{ code = "INDUD"; values = \[ "2" \]; },/{ code = "INDUD"; values = [ "2" ]; }, { code = "UHBEGREB"; values = [ "GP" ]; },/' \
    -e 's/baseline = { period = "2020"; }; path = "cagr";/baseline = { period = "2023"; value = 174.0; }; path = "cagr"; window = 3;/' \
    -e 's/"C2l" \]; unit/"C21" ]; s_adj = [ "SCA" ]; unit/' \
    -e 's/\[ "DK", "XX" \]/[ "DK" ]/' "$T/bad.conf" >"$T/good.conf"
out=$("$PEJLD" --check-config --online -c "$T/good.conf" 2>&1) || fail "a correct config was refused: $out"
echo "$out" | grep -qF "good.conf: OK, 3 indicators checked online" || fail "unexpected: $out"
pass "a correct config passes, exit 0"

# Unverifiable sources say so as warnings, and do not fail the check.
cat >"$T/manual.conf" <<'CONF'
indicators = (
  { id = "wait_days"; title = "W.A.I.T."; unit = "dage"; frequency = "annual";
    source = { collector = "csv"; url = "file:wait.csv"; }; },
  { id = "exports_recorded"; title = "Eksport"; unit = "kr."; frequency = "monthly";
    source = { collector = "statbank"; table = "SITC2R4"; url = "file:data/{table}.json"; }; }
);
CONF
printf 'period,value\n2023,169\n' >"$T/wait.csv" # --check-config wants the manual file
out=$("$PEJLD" --check-config --online -c "$T/manual.conf" 2>&1) || fail "warnings failed the check: $out"
echo "$out" | grep -qF "manual.conf:2: wait_days: warning: not checked online: the csv collector" \
    || fail "no warning for csv: $out"
echo "$out" | grep -qF "manual.conf:5: exports_recorded: warning: table SITC2R4 not checked online: url is a template" \
    || fail "no warning for a template without metadata_url: $out"
pass "what cannot be checked is a warning that says why"

# metadata_url in a scheme pejld does not fetch metadata by: refused offline.
for bad in 'ftp://mirror.example/{table}' 'exec:'; do
    sed -e "s|$base/body/{table}_tableinfo_en.json|$bad|" "$T/good.conf" >"$T/scheme.conf"
    set +e
    out=$("$PEJLD" --check-config -c "$T/scheme.conf" 2>&1)
    rc=$?
    set -e
    [ $rc -eq 78 ] && echo "$out" | grep -qF "scheme.conf:10: ls_exports: metadata url" \
        || fail "metadata_url = \"$bad\": exit $rc, $out"
done
pass "a metadata_url in another scheme is refused by --check-config"

# Malformed metadata over HTTP: a clear error, exit 78.
sed -e "s|$base/body/{table}_tableinfo_en.json|$base/truncated/{table}_tableinfo_en.json|" \
    -e '1i http = { tries = 1; };' "$T/good.conf" >"$T/truncated.conf"
set +e
out=$("$PEJLD" --check-config --online -c "$T/truncated.conf" 2>&1)
rc=$?
set -e
[ $rc -eq 78 ] || fail "truncated metadata exited $rc: $out"
echo "$out" | grep -qF "truncated.conf:4: ls_exports: metadata not fetched: http://127.0.0.1:" \
    || fail "truncated metadata: $out"
pass "truncated metadata is a problem naming the indicator"

# pejlctl verify against a running pejld: the same checks, over the socket.
state="$T/state"
sock="$state/pejld.sock"
"$PEJLD" -f -c "$T/bad.conf" 2>>"$T/log" &
daemon=$!
PIDS="$PIDS $daemon"
wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/log")"
ctl() { "$PEJLCTL" "$@" --socket "$sock"; }
set +e
ctl verify ls_exports >"$T/out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "pejlctl verify on wrong codes exited $rc: $(cat "$T/out")"
grep -qF "$T/bad.conf:5: ls_exports: table SITC2R4, variable SITC has no value \"774\"" "$T/out" \
    || fail "pejlctl verify: $(cat "$T/out")"
grep -q "^problems: 4$" "$T/out" || fail "pejlctl verify: $(cat "$T/out")"
! grep -q pharma_production "$T/out" || fail "verify ls_exports checked others: $(cat "$T/out")"
set +e
ctl verify >"$T/out" 2>&1
rc=$?
ctl verify nosuch 2>"$T/err"
rc2=$?
set -e
[ $rc -eq 1 ] && grep -q "^problems: 7$" "$T/out" || fail "pejlctl verify (all): $rc $(cat "$T/out")"
[ $rc2 -eq 1 ] && grep -q "no indicator nosuch" "$T/err" || fail "verify nosuch: $rc2 $(cat "$T/err")"
ctl status >/dev/null || fail "the daemon does not answer after verify"
kill -TERM "$daemon"
wait "$daemon" 2>/dev/null || true
"$PEJLD" -f -c "$T/good.conf" 2>>"$T/log" &
daemon=$!
PIDS="$PIDS $daemon"
wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/log")"
ctl verify >"$T/out" || fail "pejlctl verify on a correct config: $(cat "$T/out")"
grep -q "^verified, no problems$" "$T/out" || fail "pejlctl verify: $(cat "$T/out")"
pass "pejlctl verify: problems exit 1 with FILE:LINE, a correct config exits 0"
