#!/usr/bin/env bash
# provenance.sh — every output of the demo says where its figures come from
# and that they are made up: the status table and its JSON, the report (a
# banner at the top, the source under each graph, a list of sources) and
# each graph (drawn as PDF and read with pdftotext: the mark in the plot
# area, the source line, no fetch date after the status day). Without
# `illustrative = true` the status has no mark.
. "$(dirname "$0")/lib.sh"
command -v pdftotext >/dev/null || fail "pdftotext missing (poppler-utils; scripts/install-deps installs it)"

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"
mark_da="Illustrative tal — ikke officiel statistik"
mark_en="Illustrative data — not official statistics"

"$PEJLD" --once --now 2025-10-01 -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" || fail "--once exited $?: $(tail -5 "$T/log")"
"$PEJLD" --status --now 2025-10-01 -c "$conf" --state-dir "$state" >"$T/status" 2>>"$T/log" || fail "--status failed"
grep -qF "$mark_en / $mark_da: every indicator above" "$T/status" || fail "no mark under the status table: $(tail -14 "$T/status")"
grep -qE '^  ls_exports +Danmarks Statistik, SITC2R4Y \+ SITC2R4$' "$T/status" || fail "no source for ls_exports: $(tail -14 "$T/status")"
grep -qE '^  fdi_life_science +Danmarks Nationalbank, DNFDIINI$' "$T/status" || fail "the config's source_name is not used"
"$PEJLD" --status --json --now 2025-10-01 -c "$conf" --state-dir "$state" >"$T/status.json" 2>>"$T/log" || fail "--status --json failed"
python3 - "$T/status.json" <<'PY' || fail "status JSON: source or illustrative wrong"
import json, sys
rows = json.load(open(sys.argv[1]))
by = {r["indicator"]: r for r in rows}
assert by["ls_exports"]["source"] == "Danmarks Statistik, SITC2R4Y + SITC2R4", by["ls_exports"]
assert by["pharma_production"]["source"] == "Eurostat, sts_inpr_m"
assert by["clinical_trials"]["source"] == "ClinicalTrials.gov"
assert by["population_panel"]["source"] == "Verdensbanken/World Bank, SP.POP.TOTL"
assert all(r["illustrative"] is True for r in rows)
PY
pass "status table and JSON: each indicator's source, and the illustrative mark"

"$PEJLD" --report "$T/report" --pdf --now 2025-10-01 -c "$conf" --state-dir "$state" >>"$T/out" 2>>"$T/log" || fail "--report failed: $(tail -5 "$T/log")"
html="$T/report/index.html"
banner=$(grep -n "<p class=\"illustrative\" role=\"note\"><strong>$mark_da</strong></p>" "$html" | cut -d: -f1)
table=$(grep -n '<table id="status">' "$html" | cut -d: -f1)
[ -n "$banner" ] && [ -n "$table" ] && [ "$banner" -lt "$table" ] || fail "no banner above the status table"
grep -qF '<figcaption>Kilde: Danmarks Statistik, SITC2R4Y + SITC2R4 · <a href="data/ls_exports.csv">' "$html" || fail "no source under the exports graph"
grep -qF '<tr data-indicator="ls_exports"><td>Life science-eksport</td><td>Danmarks Statistik, SITC2R4Y + SITC2R4</td><td>2024</td>' "$html" || fail "no sources table"
grep -qF "> **$mark_da**" "$T/report/report.md" || fail "no banner in report.md"
pass "report: the banner at the top, the source under each graph and a list of sources"

# pdftotext -bbox: the mark's words lie between the title and the time
# axis' labels, and between the first and the last of those: in the plot area.
check_pdf() { # FILE: the mark inside the plot area
    pdftotext -bbox "$1" - | python3 -c '
import re, sys
words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
         re.findall(r"xMin=\"([\d.]+)\" yMin=\"([\d.]+)\" xMax=\"([\d.]+)\" yMax=\"([\d.]+)\">([^<]*)<", sys.stdin.read())]
text = " ".join(w[4] for w in words)
mark = "Illustrative tal — ikke officiel statistik".split()
at = [i for i in range(len(words)) if [w[4] for w in words[i:i + len(mark)]] == mark]
assert at, "no mark in: " + text[:300]
m = words[at[0]:at[0] + len(mark)]
years = [w for w in words if re.fullmatch(r"(19|20)\d\d", w[4])]
rows = {}
for w in years:
    rows.setdefault(w[1], []).append(w)
axis = max(rows.values(), key=len)  # the time axis: the row with most years
axis_y = axis[0][1]
assert all(w[3] < axis_y for w in m), "mark below the time axis"
assert all(w[1] > 30 for w in m), "mark in the title"
xs = sorted(w[0] for w in axis)  # the plot reaches up to one label step past the outer labels
slack = max(80, xs[1] - xs[0] if len(xs) > 1 else 0)  # 40 px at scale 1; graphs are drawn at 2
assert min(w[0] for w in m) > xs[0] - slack and max(w[2] for w in m) < max(w[2] for w in axis) + slack, "mark beside the plot"
' || fail "$1: the mark is not in the plot area"
}
for id in $DEMO_IDS; do
    check_pdf "$T/report/graphs/$id.pdf"
done
pdftotext -layout "$T/report/graphs/ls_exports.pdf" "$T/exports.txt"
grep -qF "Kilde: Danmarks Statistik, SITC2R4Y + SITC2R4" "$T/exports.txt" || fail "no source line: $(cat "$T/exports.txt")"
grep -qF "Data til og med 2024 · status pr. 2025-10-01" "$T/exports.txt" || fail "no as-at date: $(tail -3 "$T/exports.txt")"
! grep -q "hentet 2026\|hentet 2025-1[0-2]-\|hentet 2025-10-0[2-9]" "$T/exports.txt" || fail "a fetch date after the status day"
pass "every graph carries the mark in its plot area; the source and the status day under it"

sed -i 's/^illustrative = true;$//' "$conf"
"$PEJLD" --status --now 2025-10-01 -c "$conf" --state-dir "$state" >"$T/status" || fail "--status failed"
! grep -q "not official" "$T/status" || fail "a status mark without illustrative = true"
"$PEJLD" --status --json --now 2025-10-01 -c "$conf" --state-dir "$state" | grep -q '"illustrative": false' || fail "JSON illustrative not false"
pass "without illustrative = true: no mark in the status (the graph plan's is tested in test_graph)"
