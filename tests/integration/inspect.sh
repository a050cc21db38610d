#!/usr/bin/env bash
# inspect.sh — pejlctl inspect: the dimension listing and the --flat CSV of
# two recorded responses (Statistics Denmark's JSON-stat 1.x, Eurostat's
# 2.0) exactly; CSV quoting and number formatting; --dataset for bundles;
# stdin, file: and http: (a loopback server) as sources; errors name the
# file and exit 1, usage errors exit 64. ctest passes PEJLCTL as well.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"

DATA=$SRC/tests/data/jsonstat
STRAF42=$DATA/recorded/dst/STRAF42_data_jsonstat.json
PJAN=$DATA/recorded/eurostat/demo_pjan_9geo_4years.json

# expect_output NAME COMMAND...: COMMAND's stdout must equal stdin, exit 0.
expect_output() {
    local name=$1; shift
    cat >"$T/expected"
    "$@" >"$T/got" 2>"$T/err" || fail "$name: exit $? ($(cat "$T/err"))"
    diff -u "$T/expected" "$T/got" >"$T/diff" || fail "$name differs:
$(cat "$T/diff")"
    pass "$name"
}

# expect_failure NAME CODE MESSAGE COMMAND...: exit CODE with MESSAGE on stderr.
expect_failure() {
    local name=$1 code=$2 message=$3 rc=0; shift 3
    "$@" >"$T/got" 2>"$T/err" || rc=$?
    [ "$rc" -eq "$code" ] || fail "$name: exit $rc, not $code ($(cat "$T/err"))"
    grep -qF -- "$message" "$T/err" || fail "$name: \"$message\" not in: $(cat "$T/err")"
    [ ! -s "$T/got" ] || fail "$name: wrote to stdout: $(cat "$T/got")"
    pass "$name"
}

expect_output "STRAF42 dimensions" "$PEJLCTL" inspect "$STRAF42" <<'OUT'
label     Decisions, total by national origin, Indhold and time
source    Statistics Denmark
updated   2025-03-25T07:00:00Z
cells     1: 1 with a value, 0 with a status
time      Tid (role time)

dimension HERKOMST1: size 1, label "national origin"
    00  Total

dimension ContentsCode: size 1, role metric, label "Indhold"
    STRAF42  Decisions, total

dimension Tid: size 1, role time, label "time"
    2023  2023
OUT

expect_output "STRAF42 --flat" "$PEJLCTL" inspect --flat "$STRAF42" <<'OUT'
HERKOMST1,ContentsCode,Tid,value,status
00,STRAF42,2023,233454,
OUT

expect_output "demo_pjan dimensions" "$PEJLCTL" inspect "$PJAN" <<'OUT'
label     Population on 1 January by age and sex
source    ESTAT
updated   2026-08-14T23:00:00+0200
cells     36: 33 with a value, 3 with a status
time      time (by its name)

dimension freq: size 1, label "Time frequency"
    A  Annual

dimension unit: size 1, label "Unit of measure"
    NR  Number

dimension age: size 1, label "Age class"
    TOTAL  Total

dimension sex: size 1, label "Sex"
    T  Total

dimension geo: size 9, label "Geopolitical entity (reporting)"
    BE  Belgium
    DE  Germany
    ES  Spain
    FR  France
    IT  Italy
    HU  Hungary
    NL  Netherlands
    CH  Switzerland
    UK  United Kingdom

dimension time: size 4, label "Time"
    2018  2018
    2022  2022
    2024  2024
    2025  2025
OUT

expect_output "demo_pjan --flat" "$PEJLCTL" inspect --flat "$PJAN" <<'OUT'
freq,unit,age,sex,geo,time,value,status
A,NR,TOTAL,T,BE,2018,11398589,
A,NR,TOTAL,T,BE,2022,11617623,
A,NR,TOTAL,T,BE,2024,11817096,
A,NR,TOTAL,T,BE,2025,11883495,
A,NR,TOTAL,T,DE,2018,82792351,
A,NR,TOTAL,T,DE,2022,83237124,
A,NR,TOTAL,T,DE,2024,83456045,
A,NR,TOTAL,T,DE,2025,83577140,
A,NR,TOTAL,T,ES,2018,46645070,
A,NR,TOTAL,T,ES,2022,47486843,
A,NR,TOTAL,T,ES,2024,48619695,
A,NR,TOTAL,T,ES,2025,49128297,
A,NR,TOTAL,T,FR,2018,67026224,p
A,NR,TOTAL,T,FR,2022,68091703,
A,NR,TOTAL,T,FR,2024,68669303,p
A,NR,TOTAL,T,FR,2025,68882600,p
A,NR,TOTAL,T,IT,2018,59937769,
A,NR,TOTAL,T,IT,2022,59030133,
A,NR,TOTAL,T,IT,2024,58971230,
A,NR,TOTAL,T,IT,2025,58943464,
A,NR,TOTAL,T,HU,2018,9713655,
A,NR,TOTAL,T,HU,2022,9610403,
A,NR,TOTAL,T,HU,2024,9584627,
A,NR,TOTAL,T,HU,2025,9539502,
A,NR,TOTAL,T,NL,2018,17181084,
A,NR,TOTAL,T,NL,2022,17590672,
A,NR,TOTAL,T,NL,2024,17942942,
A,NR,TOTAL,T,NL,2025,18044027,
A,NR,TOTAL,T,CH,2018,8484130,
A,NR,TOTAL,T,CH,2022,8738791,
A,NR,TOTAL,T,CH,2024,8962258,
A,NR,TOTAL,T,CH,2025,9051029,
A,NR,TOTAL,T,UK,2018,66273576,
A,NR,TOTAL,T,UK,2022,,
A,NR,TOTAL,T,UK,2024,,
A,NR,TOTAL,T,UK,2025,,
OUT

# Fields with commas, quotes and line ends are quoted; numbers are the
# shortest text that reads back as the same double.
expect_output "CSV quoting and numbers" "$PEJLCTL" inspect --flat "$DATA/codes-needing-csv-quotes.json" <<'OUT'
item,time,value,status
"a,b",2023,0.1,
"a,b",2024,1e+21,"p,e"
"q""uote",2023,,"say ""c"""
"q""uote",2024,-2.5e-07,"x
y"
OUT
"$PEJLCTL" inspect --flat "$DATA/recorded/eurostat/nama_10_gdp_DK.json" >"$T/nama.csv" \
    || fail "nama_10_gdp --flat failed"
for row in "A,CLV_I20,B1GQ,DK,2023,111.757," "A,CP_MEUR,B1GQ,DK,2023,376430," \
           "A,CP_MNAC,B1GQ,DK,2023,2804742.3," "A,CON_PPCH_PRE,B1G,DK,2023,2.62,d" \
           "A,PD_PCH_PRE_NAC,B1G,DK,2023,-3.7,"; do
    grep -qxF "$row" "$T/nama.csv" || fail "no row $row in nama_10_gdp --flat"
done
[ "$(wc -l <"$T/nama.csv")" -eq 65 ] || fail "nama_10_gdp --flat: not 64 rows"
pass "nama_10_gdp values print as published"

expect_output "--dataset picks from a bundle" "$PEJLCTL" inspect --flat --dataset exports "$DATA/bundle-1x-two-datasets.json" <<'OUT'
Tid,value,status
2021,100.25,
2022,,
2023,300,
OUT
expect_failure "a bundle without --dataset" 1 \
    "bundle-1x-two-datasets.json: a JSON-stat bundle of 2 datasets (employment, exports); which one to read is ambiguous: name it" \
    "$PEJLCTL" inspect "$DATA/bundle-1x-two-datasets.json"

"$PEJLCTL" inspect --flat - <"$STRAF42" | grep -qx "00,STRAF42,2023,233454," || fail "stdin"
"$PEJLCTL" inspect --flat "file://$STRAF42" | grep -qx "00,STRAF42,2023,233454," || fail "file://"
(cd "$DATA/recorded" && "$PEJLCTL" inspect --flat file:dst/STRAF42_data_jsonstat.json) \
    | grep -qx "00,STRAF42,2023,233454," || fail "file:relative"
pass "stdin, file:///absolute and file:relative"

expect_failure "an error body" 1 \
    "ds-999999-statistics.json: the server answered with an error instead of data: status 404, \"ERR_NOT_FOUND_4" \
    "$PEJLCTL" inspect "$DATA/recorded/eurostat/ds-999999-statistics.json"
expect_failure "a collection" 1 "collection-2.0.json: a JSON-stat collection (a list of links)" \
    "$PEJLCTL" inspect --flat "$DATA/recorded/jsonstat/collection-2.0.json"
expect_failure "an HTML page" 1 "html-server-overloaded.html: an HTML page, not JSON" \
    "$PEJLCTL" inspect "$DATA/html-server-overloaded.html"
expect_failure "a missing file" 1 "$T/nothing.json: No such file or directory" \
    "$PEJLCTL" inspect "$T/nothing.json"
expect_failure "an unknown scheme" 1 "ftp://example.org/x.json: only file:, http: and https: URLs are read" \
    "$PEJLCTL" inspect ftp://example.org/x.json

expect_failure "no file" 64 "usage: pejlctl inspect" "$PEJLCTL" inspect
expect_failure "two files" 64 "one file or URL at a time" "$PEJLCTL" inspect "$STRAF42" "$PJAN"
expect_failure "an unknown option" 64 "unknown option --wide" "$PEJLCTL" inspect --wide "$STRAF42"
expect_failure "--dataset without a name" 64 "--dataset needs a value" "$PEJLCTL" inspect "$STRAF42" --dataset
expect_failure "an unknown command" 64 "unknown command \"inspekt\"" "$PEJLCTL" inspekt "$STRAF42"
expect_failure "no command" 64 "usage: pejlctl [--socket PATH] COMMAND" "$PEJLCTL"
"$PEJLCTL" inspect --help | grep -q -- "--dataset NAME" || fail "inspect --help"
"$PEJLCTL" --help | grep -q "inspect" || fail "--help"
"$PEJLCTL" --version | grep -q "^pejlctl [0-9]" || fail "--version"
pass "--help and --version"

# http: a loopback server that answers /data with a recorded body and
# anything else with Eurostat's 404 body, and notes the User-Agent.
if command -v python3 >/dev/null; then
    python3 - "$DATA/recorded" "$T" <<'PY' &
import http.server, os, sys
root, out = sys.argv[1], sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(os.path.join(out, "user-agent"), "w") as f:
            f.write(self.headers.get("User-Agent", ""))
        name = "eurostat/demo_pjan_9geo_4years.json" if self.path == "/data" \
            else "eurostat/ds-999999-statistics.json"
        body = open(os.path.join(root, name), "rb").read()
        self.send_response(200 if self.path == "/data" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(out, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
server.serve_forever()
PY
    PIDS="$PIDS $!"
    disown "$!" # no "Killed" notice when lib.sh stops it
    wait_for 10 test -s "$T/port" || fail "the loopback server did not start"
    base="http://127.0.0.1:$(cat "$T/port")"
    "$PEJLCTL" inspect --flat "$base/data" | grep -qx "A,NR,TOTAL,T,FR,2018,67026224,p" \
        || fail "http: no FR 2018 row"
    grep -qx "pejl/[0-9].*" "$T/user-agent" || fail "User-Agent was $(cat "$T/user-agent")"
    expect_failure "an HTTP 404 with an error body" 1 \
        "$base/nothing: HTTP 404: the server answered with an error instead of data: status 404" \
        "$PEJLCTL" inspect "$base/nothing"
    pass "http: fetched with User-Agent pejl/VERSION"
else
    echo "skip - http: no python3 for a loopback server"
fi
