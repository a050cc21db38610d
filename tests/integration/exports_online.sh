#!/usr/bin/env bash
# exports_online.sh — the live catalogue's exports indicators, as
# config/pejld.conf has them, checked with --check-config --online against
# the recorded SITC2R4 tableinfo served on loopback: no problems, and the
# tables without recorded metadata (SITC2R4Y, SITC2R4M) are warnings that
# say they were not checked, as is the time range of the splice.
#
# The test's copy of the file holds only the exports blocks (the others
# would ask the real APIs) and points the sources at recorded files: the
# SITC2R4 sources get metadata_url; the others get a url template for
# recorded data and no metadata_url, which the statbank collector reports
# as "not checked online".
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 "$SRC/tests/integration/faultserver.py" --root "$SRC/tests/data/verify" \
    --port-file "$T/port" &
PIDS="$!"
wait_for 10 test -s "$T/port" || fail "fault server did not start"
base="http://127.0.0.1:$(cat "$T/port")"

python3 - "$SRC/config/pejld.conf" "$T/live.conf" "$base" <<'PY' || fail "could not copy the exports blocks"
import re, sys
src, dst, base = sys.argv[1:]
text = open(src, encoding="utf-8").read()

def block(start):
    """The indicator group starting at `start`, up to its closing brace."""
    depth, i, quote = 0, start, False
    while True:
        c = text[i]
        if quote:
            quote = c != '"' or text[i - 1] == "\\"
        elif c == '"':
            quote = True
        elif c == "#":
            i = text.index("\n", i)
            continue
        elif c in "{(":
            depth += 1
        elif c in "})":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1

blocks = [block(m.start()) for m in re.finditer(r'\{ id = "ls_exports[a-z_]*";', text)]
assert len(blocks) == 2, blocks
out = []
for b in blocks:
    b = b.replace('table = "SITC2R4";',
                  'table = "SITC2R4"; metadata_url = "%s/body/{table}_tableinfo_en.json";' % base)
    b = re.sub(r'table = "(SITC2R4[YM])";', r'table = "\1"; url = "file:recorded/{table}.json";', b)
    out.append(b)
open(dst, "w", encoding="utf-8").write(
    "http = { tries = 1; };\nindicators = (\n" + ",\n".join(out) + "\n);\n")
PY
out=$("$PEJLD" --check-config --online -c "$T/live.conf" 2>&1) || fail "the live exports were refused: $out"
echo "$out" | grep -qF "live.conf: OK, 2 indicators checked online" || fail "unexpected: $out"
! echo "$out" | grep -E "ls_exports[a-z_]*: " | grep -v "warning: " \
    || fail "problems in the live exports: $out"
for table in SITC2R4Y SITC2R4M; do
    echo "$out" | grep -qE "live.conf:[0-9]+: ls_exports[a-z_]*: warning: table $table not checked online" \
        || fail "no warning that $table was not checked: $out"
done
echo "$out" | grep -qF "ls_exports: warning: the time range of the 2 sources was not checked against the targets: 1 of them said" \
    || fail "no warning about the unchecked time range: $out"
curl -s "$base/log" | grep -q " /body/SITC2R4_tableinfo_en.json " \
    || fail "the SITC2R4 tableinfo was not fetched: $(curl -s "$base/log")"
pass "config/pejld.conf's exports pass --check-config --online; unverified tables are warnings"

# The exports as config/pejld.conf had them before: 774/872 and no UHBEGREB.
sed -e 's/values = \[ "54", "87" \]/values = [ "54", "774", "872" ]/' \
    -e '/code = "UHBEGREB"/d' "$T/live.conf" >"$T/old.conf"
set +e
out=$("$PEJLD" --check-config --online -c "$T/old.conf" 2>&1)
rc=$?
set -e
[ $rc -eq 78 ] || fail "the old exports codes passed: $out"
echo "$out" | grep -qF "variable SITC has no value \"774\"" || fail "774 not named: $out"
echo "$out" | grep -qF "variable UHBEGREB cannot be eliminated" || fail "UHBEGREB not named: $out"
pass "the old codes (774, 872, no UHBEGREB) fail the same check"

# Both sources checked: the targets' needs are measured against the union
# of their periods, each cut to its from/until (2022-01 on here).
cat >"$T/union.conf" <<CONF
http = { tries = 1; };
indicators = (
  { id = "spliced"; title = "Eksport"; unit = "mia. kr."; frequency = "annual";
    source = ( { collector = "statbank"; table = "SITC2R4"; until = "2022";
                 variables = ( { code = "SITC"; values = [ "54" ]; }, { code = "INDUD"; values = [ "2" ]; },
                               { code = "UHBEGREB"; values = [ "GP" ]; }, { code = "Tid"; values = [ "*" ]; } );
                 panel = "SITC"; metadata_url = "$base/body/{table}_tableinfo_en.json"; },
               { collector = "statbank"; table = "SITC2R4"; from = "2023-01";
                 variables = ( { code = "SITC"; values = [ "54" ]; }, { code = "INDUD"; values = [ "2" ]; },
                               { code = "UHBEGREB"; values = [ "GP" ]; }, { code = "Tid"; values = [ "*" ]; } );
                 panel = "SITC"; metadata_url = "$base/body/{table}_tableinfo_en.json"; } );
    derive = { annual = "sum"; combine = "sum"; };
    target = { year = 2030; value = 350.0; baseline = { period = "2020"; }; path = "cagr"; window = 3; }; }
);
CONF
set +e
out=$("$PEJLD" --check-config --online -c "$T/union.conf" 2>&1)
rc=$?
set -e
[ $rc -eq 78 ] || fail "a baseline before both sources passed: $out"
echo "$out" | grep -qF "union.conf:6: spliced: the 2030 target needs its baseline 2020 from the source, which starts in 2022-01" \
    || fail "union: $out"
sed -i 's/period = "2020"; }/period = "2022"; }/' "$T/union.conf"
out=$("$PEJLD" --check-config --online -c "$T/union.conf" 2>&1) || fail "a baseline the union covers was refused: $out"
pass "the time range of a splice is the union of its sources' periods"
