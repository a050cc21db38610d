#!/usr/bin/env bash
# check_config.sh — pejld --check-config: exit 0 on the demo, 78 with every
# problem as FILE:LINE: message on a broken file; --probe prints CSV and
# stores nothing; usage errors exit 64.
. "$(dirname "$0")/lib.sh"

out=$("$PEJLD" --check-config -c "$SRC/config/demo.conf" 2>&1) || fail "demo.conf rejected: $out"
echo "$out" | grep -q "demo.conf: OK, 13 indicators" || fail "unexpected: $out"
out=$("$PEJLD" --check-config -c "$SRC/config/pejld.conf" 2>&1) || fail "pejld.conf rejected: $out"
echo "$out" | grep -q "pejld.conf: OK, 16 indicators" || fail "unexpected: $out"
echo "$out" | grep -q "warning: .*pejld.conf: alerts are kept and shown (pejlctl alerts) but sent nowhere: there are no receivers" \
    || fail "no warning that the shipped config sends alerts nowhere: $out"
# Its commented examples, uncommented, are a valid config that routes alerts.
mkdir -p "$T/routed"
sed -e 's/^# \(external_url\|receivers\|routes\|  { \|    \|);\)/\1/' "$SRC/config/pejld.conf" >"$T/routed/pejld.conf"
printf 'u:p\n' >"$T/routed/mail.cred"; printf 's3cret\n' >"$T/routed/webhook.secret"; chmod 600 "$T/routed/"*.cred "$T/routed/"*.secret
sed -i "s|/etc/pejl/|$T/routed/|" "$T/routed/pejld.conf"
cp -r "$SRC/config/manual" "$T/routed/"
out=$("$PEJLD" --check-config -c "$T/routed/pejld.conf" 2>&1) || fail "the shipped receiver examples, uncommented: $out"
! echo "$out" | grep -q "sent nowhere" || fail "a routed config still warned: $out"
pass "demo.conf and the live catalogue pejld.conf are valid; the shipped one says alerts go nowhere, and its examples route them"

# The live catalogue's manual series (config/manual, /etc/pejl/manual when
# installed): a missing or header-only file is a problem at the url's line.
mkdir -p "$T/live/manual"
cp "$SRC/config/pejld.conf" "$T/live/"
cp "$SRC/config/manual/"*.csv "$T/live/manual/"
rm "$T/live/manual/wait-share.csv"
grep -v '^20' "$SRC/config/manual/wait-days.csv" >"$T/live/manual/wait-days.csv"
set +e
out=$("$PEJLD" --check-config -c "$T/live/pejld.conf" 2>&1)
rc=$?
set -e
[ $rc -eq 78 ] || fail "a missing manual file: exit $rc: $out"
line=$(grep -n 'url = "file:manual/wait-share.csv"' "$T/live/pejld.conf" | cut -d: -f1)
echo "$out" | grep -qF "$T/live/pejld.conf:$line: share_available: manual series file $T/live/manual/wait-share.csv is missing: put the figures there as CSV" \
    || fail "missing manual file not named: $out"
echo "$out" | grep -qF "days_to_availability: manual series file $T/live/manual/wait-days.csv has a header but no rows" \
    || fail "header-only manual file not named: $out"
[ "$(echo "$out" | grep -c 'manual series file')" -eq 2 ] || fail "other manual files reported: $out"
pass "a missing or header-only manual series file is a problem naming the path and what to put there"

cat >"$T/bad.conf" <<'CONF'
log_level = "chatty";
indicators = (
  { id = "ls_exports"; title = "Eksport"; frequency = "annual";
    source = { collector = "csv"; url = "file:x.csv"; }; },
  { id = "ls_exports"; title = "Eksport igen"; frequency = "annualy";
    source = { collector = "csv"; }; }
);
CONF
set +e
out=$("$PEJLD" --check-config -c "$T/bad.conf" 2>&1)
rc=$?
set -e
[ $rc -eq 78 ] || fail "--check-config on a broken file exited $rc, not 78"
for expect in "$T/bad.conf:1: log_level \"chatty\" unknown" \
              "$T/bad.conf:5: ls_exports: frequency \"annualy\" unknown" \
              "$T/bad.conf:6: ls_exports: csv source needs url" \
              "$T/bad.conf:5: indicator id \"ls_exports\" is already used on line 3"; do
    echo "$out" | grep -qF "$expect" || fail "missing \"$expect\" in: $out"
done
pass "every problem reported as FILE:LINE, exit 78"

set +e
"$PEJLD" --once -c "$T/bad.conf" --state-dir "$T/state" 2>/dev/null
rc=$?
set -e
[ $rc -eq 78 ] || fail "--once with a broken config exited $rc"
[ ! -e "$T/state" ] || fail "a broken config still created the state dir"
pass "a broken config starts nothing"

out=$("$PEJLD" --probe days_to_availability -c "$SRC/config/demo.conf" --state-dir "$T/probe-state" 2>"$T/log") \
    || fail "--probe failed: $(cat "$T/log")"
[ "$(echo "$out" | head -1)" = "period,value,status" ] || fail "no CSV header: $out"
echo "$out" | grep -qx "2023,169," || fail "2023 missing: $out"
[ "$(echo "$out" | wc -l)" -eq 7 ] || fail "expected 6 rows: $out"
out=$("$PEJLD" --probe ls_exports -c "$SRC/config/demo.conf" 2>"$T/log") || fail "--probe ls_exports failed"
[ "$(echo "$out" | head -1)" = "member,period,value,status" ] || fail "no panel header: $out"
echo "$out" | grep -qx ",2023,174," || fail "the basket's 2023 sum is not 174: $out"
echo "$out" | grep -qx "54,2023,149.64," || fail "SITC 54 in 2023 missing: $out"
[ ! -e "$T/probe-state" ] || fail "--probe created state"
set +e
"$PEJLD" --probe nosuch -c "$SRC/config/demo.conf" >/dev/null 2>&1
rc=$?
"$PEJLD" --once --probe x >/dev/null 2>&1
rc2=$?
set -e
[ $rc -eq 1 ] || fail "--probe of an unknown id exited $rc"
[ $rc2 -eq 64 ] || fail "conflicting options exited $rc2, not 64"
pass "--probe prints CSV and stores nothing"

# Without a network (a name under .invalid never resolves): said plainly,
# and tried twice however patient http.tries and backoff are.
cat >"$T/offline.conf" <<'CONF'
http = { tries = 5; backoff = "30s"; };
indicators = ( { id = "x"; title = "X"; frequency = "annual"; interval = "1d";
  source = { collector = "csv"; url = "https://pejl-test.invalid/x.csv"; }; } );
CONF
set +e
"$PEJLD" --probe x -c "$T/offline.conf" >/dev/null 2>"$T/log"
rc=$?
set -e
[ $rc -eq 1 ] || fail "--probe of an unreachable source exited $rc: $(cat "$T/log")"
grep -q "no network or no DNS" "$T/log" || fail "--probe did not say there is no network: $(cat "$T/log")"
grep -q "try 2 of 2" "$T/log" && ! grep -q "try 3" "$T/log" || fail "--probe did not stop after 2 tries: $(cat "$T/log")"
pass "--probe without a network says so after 2 tries"

"$PEJLD" --version | grep -q "^pejld [0-9]" || fail "--version"
"$PEJLD" --help | grep -q -- "--check-config" || fail "--help"
pass "--version and --help"
