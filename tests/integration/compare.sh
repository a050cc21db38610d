#!/usr/bin/env bash
# compare.sh — pejld --report --compare-to on known numbers. A state is
# collected three times with --once --now T --vintage T (evaluated and
# recorded as seen at T): on 2025-03-01, 2025-05-01 and 2025-06-01. Between the
# comparison date (2025-04-01) and now (2025-07-01) the period 2024 appeared
# (130, revised to 124), 2023 was revised twice (120 -> 121 -> 119), a range
# alert opened (2025-05-01) and closed (2025-06-01), a rank moved from 6 to 4
# and that target's progress changed. The report's first section, in
# report.md and in index.html as a real headless Chromium loads it, says
# all of that; the graphs carry the series as known then; an unknown
# snapshot name is refused with the names there are; pejlctl report
# --compare-to gives the same section from a running pejld.
. "$(dirname "$0")/lib.sh"

command -v chromium >/dev/null || fail "chromium is missing: run scripts/install-deps"
artifacts="${ARTIFACTS:-$PWD/artifacts}"
mkdir -p "$artifacts"
conf="$T/pejld.conf"
state="$T/state"
report="$T/report"
cat >"$conf" <<'CONF'
language = "da";
indicators = (
  { id = "exports"; frequency = "annual"; interval = "1d"; pejlemaerke = 5;
    title = "Eksport"; unit = "mia. kr."; source_name = "test";
    source = { collector = "csv"; url = "file:exports.csv"; };
    target = { year = 2030; value = 200.0; baseline = { period = "2020"; }; };
    alerts = ( { rule = "range"; warning = "~:125"; } );
  },
  { id = "trials_rank"; frequency = "annual"; interval = "1d"; pejlemaerke = 2;
    title = "Placering"; unit = "placering"; source_name = "test";
    source = { collector = "csv"; url = "file:rank.csv"; };
    target = { kind = "rank"; top = 5; year = 2030; };
  }
);
CONF
series() { # series FILE VALUES...: "2019,100" ... as the CSV the collector reads
    local file=$1; shift
    { echo "period,value,status"; for row in "$@"; do echo "$row,"; done; } >"$T/$file"
}
collect() {
    "$PEJLD" --once --now "$1" --vintage "$1" -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" \
        || fail "--once --now $1: $(cat "$T/log")"
}
series exports.csv 2019,100 2020,105 2021,110 2022,115 2023,120
series rank.csv 2021,7 2022,6 2023,6
collect 2025-03-01
series exports.csv 2019,100 2020,105 2021,110 2022,115 2023,121 2024,130
series rank.csv 2021,7 2022,6 2023,6 2024,4
collect 2025-05-01
grep -q "alert range OK -> WARNING" "$T/log" || fail "the range alert did not open: $(cat "$T/log")"
series exports.csv 2019,100 2020,105 2021,110 2022,115 2023,119 2024,124
collect 2025-06-01
grep -q "alert range WARNING -> OK" "$T/log" || fail "the range alert did not close: $(cat "$T/log")"

"$PEJLD" --report "$report" --compare-to 2025-04-01 --now 2025-07-01 -c "$conf" --state-dir "$state" \
    >"$T/out" 2>"$T/log" || fail "--report --compare-to: $(cat "$T/log")"
md="$report/report.md"
first=$(grep -m1 '^## ' "$md")
[ "$first" = "## Siden 1. april 2025" ] || fail "the first section is \"$first\", not the comparison: $(head -20 "$md")"
[ "$(grep -n '^## Siden' "$md" | cut -d: -f1)" -lt "$(grep -n '^## Pejlemærkerne' "$md" | cut -d: -f1)" ] \
    || fail "the comparison is not before the status table"
has() { grep -qxF "$1" "$md" || fail "report.md lacks the row \"$1\": $(sed -n '/^## Siden/,/^## Pejlemærkerne/p' "$md")"; }
has "| Eksport | 2024 | 124,0 | 0 |"                               # the period that appeared
has "| Eksport | - | 2023 | 120,0 → 119,0 | −0,8 % | 2 |"          # revised twice: then -> now
has "| Placering | 2030 | i risiko | på sporet |"                   # progress changed
has "| Placering | top 5, 2030 | 2023: 6 | 2024: 4 |"              # the rank moved
has "| Eksport | range | WARNING | 2025-05-01 | 2025-06-01 |"     # opened and closed in between
sed -n '/^## Siden/,/^## Pejlemærkerne/p' "$md" >"$T/since.md"
! grep -q "| 2024 | 130" "$T/since.md" || fail "the section shows 2024's first value, not its value now"
! grep -qE '^\| Eksport \| - \| 202[0-2] ' "$T/since.md" || fail "an unchanged period is listed as revised"
pass "report.md: the first section names the new period, the figure revised twice (120,0 → 119,0), the progress and rank that changed and the alert opened and closed in between"

# The same section in English, from the same state.
sed 's/language = "da"/language = "en"/' "$conf" >"$T/en.conf"
"$PEJLD" --report "$T/report-en" --compare-to 2025-04-01 --now 2025-07-01 -c "$T/en.conf" --state-dir "$state" \
    >/dev/null 2>"$T/log" || fail "--report in English: $(cat "$T/log")"
grep -qxF "## Since 1 April 2025" "$T/report-en/report.md" || fail "no English title: $(head -8 "$T/report-en/report.md")"
grep -qxF "| Eksport | - | 2023 | 120.0 → 119.0 | −0.8 % | 2 |" "$T/report-en/report.md" \
    || fail "no English revision row: $(sed -n '/^## Since/,/^| Indicator | PM/p' "$T/report-en/report.md")"
pass "in English: \"Since 1 April 2025\" with the English decimal mark"

# A real browser: the section comes first, its tables hold the rows.
browse() {
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$T/chromium" \
        --virtual-time-budget=5000 "$@" "file://$report/index.html" 2>>"$T/chromium.log"
}
browse --dump-dom >"$T/dom.html" || fail "chromium could not load the page: $(tail -5 "$T/chromium.log")"
browse --window-size=1240,1754 --screenshot="$artifacts/report-compare.png" >/dev/null \
    || fail "no screenshot: $(tail -5 "$T/chromium.log")"
/usr/bin/python3 - "$T/dom.html" <<'PY' || fail "the page's DOM"
import html.parser, sys
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.order = []; self.rows = {}; self.kind = None; self.row = None; self.cell = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("section", "table") and "id" in a: self.order.append(a["id"])
        if tag == "table" and "data-since" in a: self.kind = a["data-since"]
        if tag == "tr" and self.kind and "data-id" in a:
            self.row = [a["data-id"], a["data-period"]]; self.rows.setdefault(self.kind, []).append(self.row)
        if tag == "td" and self.row is not None: self.cell = ""
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
    def handle_endtag(self, tag):
        if tag == "td" and self.row is not None: self.row.append(self.cell); self.cell = None
        if tag == "table": self.kind = None; self.row = None
page = Page(); page.feed(open(sys.argv[1], encoding="utf-8").read())
assert page.order[:2] == ["since", "status"], page.order
assert ["exports", "2024", "Eksport", "2024", "124,0", "0"] in page.rows["new"], page.rows["new"]
assert page.rows["revised"] == [["exports", "2023", "Eksport", "-", "2023", "120,0 → 119,0", "−0,8 %", "2"]], page.rows["revised"]
assert page.rows["alerts"][0][2:] == ["Eksport", "range", "WARNING", "2025-05-01", "2025-06-01"], page.rows["alerts"]
assert ["trials_rank", "", "Placering", "top 5, 2030", "2023: 6", "2024: 4"] in page.rows["ranks"], page.rows["ranks"]
PY
pass "Chromium loads the page: the comparison comes before the status table, with the same rows; screenshot in $artifacts/report-compare.png"

# The graphs carry the series as known then: the same report without the
# comparison draws other pictures; the PNG is kept to look at.
cp "$report/graphs/exports.png" "$artifacts/exports-compare.png"
"$PEJLD" --report "$T/plain" --now 2025-07-01 -c "$conf" --state-dir "$state" >/dev/null 2>"$T/log" \
    || fail "--report without --compare-to: $(cat "$T/log")"
! grep -q "Siden" "$T/plain/report.md" || fail "a report without --compare-to has the section"
! cmp -s "$report/graphs/exports.png" "$T/plain/graphs/exports.png" || fail "the graph with --compare-to is the graph without"
pass "graphs with --compare-to differ from those without (the series then, dashed); $artifacts/exports-compare.png"

# A snapshot name that does not exist: a clear error, no report.
set +e
"$PEJLD" --report "$T/none" --compare-to board-meeting --now 2025-07-01 -c "$conf" --state-dir "$state" >/dev/null 2>"$T/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "an unknown snapshot gave exit $rc"
grep -q "board-meeting" "$T/err" || fail "the error does not name the snapshot: $(cat "$T/err")"
[ ! -e "$T/none" ] || fail "a report was written for an unknown snapshot"
pass "an unknown snapshot name is refused: $(head -1 "$T/err")"

# A moment after the report's own: refused, saying why, nothing written.
set +e
"$PEJLD" --report "$T/later" --compare-to 2025-08-01 --now 2025-07-01 -c "$conf" --state-dir "$state" >/dev/null 2>"$T/err"
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "is not before the report's moment" "$T/err" && [ ! -e "$T/later" ] \
    || fail "--compare-to after --now: exit $rc, $(cat "$T/err")"
pass "a comparison moment after the report's is refused"

# With --as-of (a report of what was known then: no alerts), the section
# compares with that moment's figures and says the alerts are not shown.
"$PEJLD" --report "$T/as-of" --as-of 2025-05-15 --compare-to 2025-04-01 -c "$conf" --state-dir "$state" \
    >/dev/null 2>"$T/log" || fail "--as-of --compare-to: $(cat "$T/log")"
grep -qxF "| Eksport | - | 2023 | 120,0 → 121,0 | +0,8 % | 1 |" "$T/as-of/report.md" \
    || fail "as of 2025-05-15, 2023 was 121: $(sed -n '/^## Siden/,/^## Pejlemærkerne/p' "$T/as-of/report.md")"
grep -q "^Ikke vist: en rapport pr. et tidligere tidspunkt har ingen alarmer" "$T/as-of/report.md" \
    || fail "the alerts part does not say why it is empty"
pass "--as-of with --compare-to: the figures between the two moments (2023 then 121), alerts said not shown"

# pejlctl report --compare-to, answered by a running pejld (its child reads
# the journal as known then); a snapshot name resolves; an unknown one is
# refused before anything is written.
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"
sock="$state/pejld.sock"
"$PEJLD" -f -c "$conf" --state-dir "$state" 2>>"$T/daemon.log" &
PIDS="$PIDS $!"
wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/daemon.log")"
ctl() { "$PEJLCTL" "$@" --socket "$sock"; }
ctl snapshot board-april 2025-04-01 >/dev/null || fail "snapshot: $(tail -3 "$T/daemon.log")"
ctl report "$T/ctl-report" --compare-to board-april >/dev/null 2>"$T/err" || fail "pejlctl report --compare-to: $(cat "$T/err")"
grep -qxF "## Siden board-april (øjebliksbillede, 1. april 2025)" "$T/ctl-report/report.md" \
    || fail "pejlctl's report lacks the section: $(head -5 "$T/ctl-report/report.md")"
grep -qxF "| Eksport | - | 2023 | 120,0 → 119,0 | −0,8 % | 2 |" "$T/ctl-report/report.md" \
    || fail "pejlctl's report lacks the revision: $(sed -n '/^## Siden/,/^## Pejlemærkerne/p' "$T/ctl-report/report.md")"
set +e; ctl report "$T/ctl-none" --compare-to no-such-meeting >/dev/null 2>"$T/err"; rc=$?; set -e
[ $rc -eq 1 ] && grep -q "no-such-meeting" "$T/err" && [ ! -e "$T/ctl-none" ] \
    || fail "an unknown snapshot over the socket: exit $rc, $(cat "$T/err")"
pass "pejlctl report --compare-to SNAPSHOT: the same section from the running pejld; an unknown name is refused"
