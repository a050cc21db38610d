#!/usr/bin/env bash
# latest_value.sh — one monthly series against a baseline year through all
# five outputs: the status table, --status --json, the report (index.html,
# report.md, status.csv), the graph's status line (the words of the PDF
# graph, by pdftotext) and pejlctl metrics. Each must give the newest month's
# own figure as the latest value (162.6 for 2025-08) and, labelled apart,
# the 12-month mean the level target compares (2024-09..2025-08). The same
# series has a published figure for 2024 (100.0) that pejl's 2024 mean
# (105.5) misses by 5.5 %: each output shows both, and reconcile warns.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"
command -v pdftotext >/dev/null || fail "pdftotext is missing: run scripts/install-deps"

mkdir -p "$T/conf"
{
    echo "period,value,status"
    for i in $(seq 0 18); do # 2024-01 .. 2025-07: 100, 101, ..., 118
        printf '%d-%02d,%d,\n' $((2024 + i / 12)) $((i % 12 + 1)) $((100 + i))
    done
    echo "2025-08,162.6,"
} >"$T/conf/m.csv"
state="$T/state"
sock="$state/pejld.sock"
cat >"$T/conf/pejld.conf" <<CONF
collector_dir = "$(dirname "$PEJLD")/../lib/pejl/collectors";
state_dir = "$state";
indicators = (
  { id = "m"; title = "Produktion"; unit = "indeks"; pejlemaerke = 4; frequency = "monthly";
    source = { collector = "csv"; url = "file:m.csv"; };
    target = { kind = "above_baseline"; baseline = { period = "2024"; }; year = 2030; };
    published = ( { period = "2024"; value = 100.0; source = "Statistikbanken (2025)"; } ); }
);
CONF
conf="$T/conf/pejld.conf"
at=2025-10-01
latest=162.6
# the mean of 2024-09 .. 2025-08: 108 .. 118 and 162.6
mean=$(python3 -c 'print(round((sum(range(108, 119)) + 162.6) / 12, 1))')
mean_da=${mean/./,}

"$PEJLD" --once --now $at -c "$conf" >"$T/out" 2>"$T/log" || fail "--once: $(cat "$T/log")"

# 1. the status table: latest, and the 12-month mean in its own column
"$PEJLD" --status --now $at -c "$conf" >"$T/status" || fail "--status"
head -1 "$T/status" | grep -q " value 12-mo mean " || fail "no 12-mo mean column: $(head -1 "$T/status")"
grep -Eq "^m +4  2025-08 +$latest +$mean  " "$T/status" || fail "status table: $(cat "$T/status")"
grep -q "published 2024: 100.0, pejl 105.5 (+5.5 %) · Statistikbanken (2025)" "$T/status" \
    || fail "status table: no published line: $(cat "$T/status")"
grep -Eq "^m .*WARNING reconcile" "$T/status" || fail "no reconcile warning: $(cat "$T/status")"
pass "status table: latest 2025-08 $latest, 12-mo mean $mean, the published 2024 figure beside pejl's, reconcile WARNING"

# 2. --status --json
"$PEJLD" --status --json --now $at -c "$conf" >"$T/status.json" || fail "--status --json"
python3 - "$T/status.json" "$latest" "$mean" <<'PY' || fail "status JSON: $(cat "$T/status.json")"
import json, sys
row, = json.load(open(sys.argv[1]))
assert row["latest_period"] == "2025-08" and row["latest_value"] == float(sys.argv[2]), row
assert round(row["compared_value"], 1) == float(sys.argv[3]), row
assert row["compared_period"] == {"from": "2024-09", "to": "2025-08"}, row
assert round(row["gap_pct"], 6) == round((row["compared_value"] / 105.5 - 1) * 100, 6), row
p, = row["published"]
assert p["period"] == "2024" and p["value"] == 100 and p["source"] == "Statistikbanken (2025)", p
assert p["pejl_value"] == 105.5 and round(p["diff_pct"], 6) == 5.5, p
PY
pass "status JSON: latest_value, compared_value with compared_period, published with pejl_value and diff_pct"

# 3. the report: the table's columns, the text under the graph, the CSVs
"$PEJLD" --report "$T/report" --pdf --now $at -c "$conf" >/dev/null 2>"$T/log" || fail "--report: $(cat "$T/log")"
python3 - "$T/report/index.html" "$latest" "$mean" <<'PY' || fail "index.html"
import html.parser, sys
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.tables = []; self.cell = None; self.ps = []; self.p = None
    def handle_starttag(self, tag, attrs):
        if tag == "table": self.tables.append([])
        if tag == "tr": self.tables[-1].append([])
        if tag in ("td", "th"): self.cell = ""
        if tag == "p": self.p = ""
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
        if self.p is not None: self.p += d
    def handle_endtag(self, tag):
        if tag in ("td", "th"): self.tables[-1][-1].append(self.cell); self.cell = None
        if tag == "p": self.ps.append(self.p); self.p = None
page = Page(); page.feed(open(sys.argv[1], encoding="utf-8").read())
latest, mean = sys.argv[2].replace(".", ","), sys.argv[3].replace(".", ",")
status = dict(zip(page.tables[0][0], page.tables[0][1]))
assert status["Seneste"] == f"2025-08: {latest} indeks", status
assert status["12 mdr. gns."] == f"{mean} (2024-09–2025-08)", status
assert f"Seneste 2025-08: {latest} indeks · 12 mdr. gns.: {mean} (2024-09–2025-08), sammenlignet med basisår 2024" in page.ps, page.ps
published = dict(zip(page.tables[1][0], page.tables[1][1]))
assert published == {"Periode": "2024", "Offentliggjort": "100,0", "pejl": "105,5", "Forskel": "+5,5 %",
                     "Kilde": "Statistikbanken (2025)"}, published
PY
grep -q "| 4 | Produktion | 2025-08: ${latest/./,} indeks | $mean_da (2024-09–2025-08) |" "$T/report/report.md" \
    || fail "report.md: $(cat "$T/report/report.md")"
grep -qx "m,2030,2025-08,$latest,2024-09,2025-08,$mean[0-9]*,105.5,,[0-9.]*,on track" "$T/report/status.csv" \
    || fail "status.csv: $(cat "$T/report/status.csv")"
grep -Eqx 'm,2024,100,105.5,5.(5|49999[0-9]*),"Statistikbanken \(2025\)"' "$T/report/published.csv" \
    || fail "published.csv: $(cat "$T/report/published.csv")"
pass "report: Seneste $latest and 12 mdr. gns. $mean_da in the table, the text and status.csv; the published table and published.csv"

# 4. the graph's status line, as drawn (the words of the PDF graph)
pdftotext -layout "$T/report/graphs/m.pdf" "$T/graph.txt" || fail "pdftotext"
tr -s ' \n' ' ' <"$T/graph.txt" >"$T/graph.words"
grep -q "Seneste 2025-08: $latest · 12 mdr. gns. 2024-09–2025-08: $mean_da" "$T/graph.words" \
    || fail "graph status line: $(cat "$T/graph.words")"
pass "graph: the status line says Seneste 2025-08: $latest · 12 mdr. gns. 2024-09–2025-08: $mean_da"

# 5. pejlctl metrics from the running daemon
"$PEJLD" -f -c "$conf" 2>>"$T/daemon.log" &
PIDS="$PIDS $!"
wait_for 10 test -S "$sock" || fail "no control socket: $(tail -3 "$T/daemon.log")"
"$PEJLCTL" metrics --socket "$sock" >"$T/metrics" || fail "metrics"
grep -qx "pejl_indicator_value{indicator=\"m\",pejlemaerke=\"4\",unit=\"indeks\"} $latest" "$T/metrics" || fail "metrics: $(cat "$T/metrics")"
grep -q "^pejl_target_compared_value{indicator=\"m\",pejlemaerke=\"4\",target=\"2030\",unit=\"indeks\"} $mean" "$T/metrics" \
    || fail "no compared value: $(cat "$T/metrics")"
grep -qx 'pejl_published_value{indicator="m",pejlemaerke="4",period="2024",unit="indeks"} 100' "$T/metrics" || fail "no published value"
grep -Eqx 'pejl_published_diff_ratio\{indicator="m",pejlemaerke="4",period="2024"\} 0.05(5|49999[0-9]*)' "$T/metrics" \
    || fail "no published diff: $(grep published "$T/metrics")"
pass "metrics: pejl_indicator_value $latest, pejl_target_compared_value $mean, the published figure and its difference"
