#!/usr/bin/env bash
# limits.sh — pejld --once against bodies that would cost more than they are
# worth, made here and never committed: a panel of more members than
# max_members allows, and a World Bank page of 400,000 empty rows. Each is
# refused whole, with the limit and the key that raises it, and leaves what
# was stored before untouched.
. "$(dirname "$0")/lib.sh"

# panel N FILE: a JSON-stat panel of N geo codes with one value each, 2023.
panel() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
geo = ",".join('"G%d"' % i for i in range(n))
values = ",".join(str(i) for i in range(n))
with open(path, "w") as f:
    f.write('{"class":"dataset","id":["geo","time"],"size":[%d,1],"value":[%s],'
            '"dimension":{"time":{"category":{"index":["2023"]}},'
            '"geo":{"category":{"index":[%s]}}}}' % (n, values, geo))
PY
}
/usr/bin/python3 - "$T/wb-1.json" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('[{"page":1,"pages":1,"per_page":50,"total":0},[' + ",".join(["[]"] * 400000) + "]]")
PY

write_config() { # $1: extra keys of indicator "panel"
    cat >"$T/pejld.conf" <<CONF
indicators = (
  { id = "panel"; title = "t"; frequency = "annual"; $1
    source = { collector = "jsonstat"; url = "file:panel.json"; panel = "geo"; }; },
  { id = "wb"; title = "t"; frequency = "annual";
    source = { collector = "worldbank"; indicator = "SP.POP.TOTL"; countries = [ "DK" ];
               url = "file:wb-{page}.json"; }; }
);
CONF
}

run_once() {
    set +e
    ${PEJL_WRAP:-} "$PEJLD" --once -c "$T/pejld.conf" --state-dir "$T/state" >"$T/out" 2>"$T/log"
    rc=$?
    set -e
}
expect() { grep -qF "$1" "$T/log" || fail "log lacks: $1"$'\n'"$(cat "$T/log")"; }
rrd_files() { find "$T/state" -name '*.rrd' | wc -l; }

panel 3 "$T/panel.json"
write_config ""
run_once
[ $rc -eq 1 ] || fail "expected exit 1 (wb fails), got $rc"
expect "panel: 3 observations: 3 new"
expect "wb: collection failed: more than 250000 JSON elements (values and member names) in the response; if that is what the source really sends, raise max_elements in the source"
pass "a World Bank page over the element budget is refused with the key to raise"

stored=$(rrd_files)
journal=$(stat -c %s "$T/state/journal")
panel 301 "$T/panel.json"
run_once
expect "panel: collection failed: more than 300 panel members in one collection (max_members = 300: an RRD file each); if the source really has that many, raise max_members of the indicator"
[ "$(rrd_files)" -eq "$stored" ] || fail "a refused panel made RRD files: $(rrd_files), was $stored"
[ "$(stat -c %s "$T/state/journal")" -eq "$journal" ] || fail "a refused panel changed the journal"
pass "301 members are refused whole: no RRD file, no journal entry"

write_config "max_members = 301;"
run_once
expect "panel: 301 observations: 298 new, 0 revised, 3 unchanged"
[ "$(rrd_files)" -gt "$stored" ] || fail "no RRD files for the new members"
pass "max_members = 301 lets them in"
