#!/usr/bin/env bash
# report.sh — pejld --report on the demo as at 2025-10-01: every part of the
# folder is there (index.html, report.md, status.json, status-excel.csv,
# data/ID.csv, PNG and SVG graphs); the words and numbers are the analyst's
# (a dated Danish title, "63.000", "3. plads", progress in words before the
# alert, pejlemærker before context series, a method and a sources section);
# the page opened in a real headless Chromium loads with no missing image,
# its DOM has one row per indicator and target with the right progress and
# alert, and a screenshot is kept as a test artifact; printed to PDF it has
# a bounded page count, no figure split over two pages and no text past the
# right margin; a report run killed in the middle leaves the previous
# report intact.
. "$(dirname "$0")/lib.sh"

command -v chromium >/dev/null || fail "chromium is missing: run scripts/install-deps"
demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"
report="$T/report"
at=2025-10-01
artifacts="${ARTIFACTS:-$PWD/artifacts}"
mkdir -p "$artifacts"

"$PEJLD" --once --now $at -c "$conf" --state-dir "$state" >/dev/null 2>"$T/log" || fail "demo run: $(cat "$T/log")"
"$PEJLD" --report "$report" --svg --pdf --now $at -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log" \
    || fail "--report: $(cat "$T/log")"
grep -q "report written to $report" "$T/out" || fail "no confirmation: $(cat "$T/out")"
for id in $DEMO_IDS; do
    png="$report/graphs/$id.png"
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$id.png is not a PNG"
    [ "$(stat -c %s "$png")" -gt 10000 ] || fail "$id.png is suspiciously small"
    grep -q "<svg" "$report/graphs/$id.svg" || fail "$id.svg is not SVG"
    [ "$(head -c 5 "$report/graphs/$id.pdf")" = "%PDF-" ] || fail "$id.pdf is not PDF"
    head -1 "$report/data/$id.csv" | grep -qx "member,period,value,status,vintage" || fail "$id.csv has no header"
    [ "$(wc -l <"$report/data/$id.csv")" -gt 1 ] || fail "$id.csv has no rows"
done
grep -q "^,2023,174,,20" "$report/data/ls_exports.csv" || fail "ls_exports.csv lacks the published 2023 figure: $(head "$report/data/ls_exports.csv")"
/usr/bin/python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); assert len(rows)==14, len(rows)' "$report/status.json" \
    || fail "status.json"
grep -q '^| 5 | Life science-eksport | 2024: 189,0 mia. kr. | – | 350 mia. kr. i 2030 | 192,3 | −1,7 % | i risiko | −0,2 | 292,0 | Advarsel: fremdrift |$' "$report/report.md" \
    || fail "report.md: $(head -12 "$report/report.md")"
grep -q '](graphs/ls_exports.png)' "$report/report.md" || fail "report.md does not show the graphs"
[ "$(grep -c '](graphs/[a-z0-9_-]*\.png)' "$report/report.md")" -eq 13 ] || fail "report.md shows $(grep -c '](graphs/' "$report/report.md") graphs, not 13"
for ref in $(grep -o '](\(graphs\|data\)/[a-z0-9_-]*\.\(png\|csv\))' "$report/report.md" | tr -d '])('); do
    [ -s "$report/$ref" ] || fail "report.md refers to $ref, which is not there"
done
pass "the report folder: index.html, report.md, status.json, data/*.csv, PNG, SVG and PDF graphs"

# The words and numbers of a briefing, in Danish.
html="$report/index.html" md="$report/report.md"
grep -qF '<h1>Status for pejlemærkerne, 1. oktober 2025</h1>' "$html" || fail "the title: $(grep -o '<h1>.*</h1>' "$html")"
grep -qx '# Status for pejlemærkerne, 1. oktober 2025' "$md" || fail "report.md's title: $(head -1 "$md")"
! grep -q 'T00:00:00Z\|WARNING\|CRITICAL [a-z]' "$md" || fail "a timestamp or an English alert in report.md: $(grep 'T00:00:00Z\|WARNING\|CRITICAL' "$md" | head -3)"
for words in "2021: 63.000 personer" "2025-Q3: 6.044.961 indbyggere" "2024: 3. plads" "2023: 4. plads" \
    "| 2021 | 63.000 | 63.000 | 0,0 % |" \
    "Fremskrivning til 2030: 292,0 mia. kr. (80 %-interval " \
    "; sandsynlighed for at nå 350 mia. kr. i 2030 ved samme trend: under 1 %" "80 %-prædiktionsinterval"; do
    grep -qF -- "$words" "$md" || fail "report.md lacks '$words'"
done
! grep -qE '(^|[ |(])[0-9]{5}|[0-9],0 placering| -[0-9]' "$md" || fail "a figure without separators, a rank with decimals or a hyphen minus: $(grep -E '(^|[ |(])[0-9]{5}|[0-9],0 placering| -[0-9]' "$md" | head -3)"
grep -q '^## Metode$' "$md" && grep -q '^\*\*Fremdrift.\*\* Som i Eurostats' "$md" || fail "report.md has no method section"
grep -q '^## Kilder$' "$md" && grep -qF '| Life science-eksport | Danmarks Statistik, SITC2R4Y + SITC2R4 | 2024 |' "$md" \
    || fail "report.md has no sources section"
# pejlemærker first, in order, then the context series in their own section
/usr/bin/python3 - "$md" <<'PY' || fail "report.md's order"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
heads = re.findall(r"^(##+) (.*)$", text, re.M)
names = [h for _, h in heads]
assert names.index("Pejlemærkerne") < names.index("Kontekstserier") < names.index("Metode") < names.index("Kilder"), names
pms = [int(m) for m in re.findall(r"^### Pejlemærke (\d)", text, re.M)]
assert pms == sorted(pms) and len(pms) == 9 and pms[0] == 1 and pms[-1] == 6, pms
context = text[text.index("## Kontekstserier"):text.index("## Metode")]
assert "### Befolkning, Danmark" in context and "Pejlemærke" not in context, context[:400]
PY
# A figure fetched after the status date is never shown as fetched then.
grep -q '<p class="note" id="fetched">Tallene er hentet senest .*, efter statusdatoen 1. oktober 2025' "$html" \
    || fail "no note that the figures were fetched after the status date"
! grep -q '<table id="status">.*<th>Sidst hentet</th>' "$html" || fail "a 'Sidst hentet' column of dates after the status date"
# the Danish-Excel CSV: BOM, ';', decimal comma, an ASCII minus
[ "$(head -c 3 "$report/status-excel.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "status-excel.csv has no BOM"
head -1 "$report/status-excel.csv" | grep -q "^$(printf '\357\273\277')Pejlemærke;Indikator;Enhed;Seneste periode;Seneste værdi;" \
    || fail "status-excel.csv's header: $(head -1 "$report/status-excel.csv")"
grep -qE '^5;Life science-eksport;mia. kr.;2024;189;350 mia. kr. i 2030;192,[0-9]+;-1,7[0-9]*;i risiko;292,[0-9]+;' "$report/status-excel.csv" \
    || fail "status-excel.csv's exports row: $(grep eksport "$report/status-excel.csv")"
# The status table (English, for the operator): thousands separated.
"$PEJLD" --status --now $at -c "$conf" --state-dir "$state" >"$T/status" 2>"$T/log" || fail "--status: $(cat "$T/log")"
grep -Eq '^population +0  2025-Q3 +6,044,961.0 ' "$T/status" && grep -Eq '^ls_employment +0  2021 +63,000.0 ' "$T/status" \
    || fail "status table: $(grep '^population \|^ls_employment ' "$T/status")"

# In English, drawn for today (after the fetch): the fetch dates are shown.
sed 's/^log_level = "info";$/&\nlanguage = "en";/' "$conf" >"$T/conf/en.conf"
"$PEJLD" --report "$T/report-en" -c "$T/conf/en.conf" --state-dir "$state" >/dev/null 2>"$T/log" \
    || fail "--report in English: $(cat "$T/log")"
for words in "2021: 63,000 personer" "2025-Q3: 6,044,961 indbyggere" "2024: 3rd place" "## Method" "## Sources" \
    "| 5 | Life science-eksport | 2024: 189.0 mia. kr. | – | 350 mia. kr. in 2030 |" "| Alert | Last collected |" \
    "Projection to 2030: " "% interval " "probability of reaching 350 mia. kr. in 2030 at this trend: "; do
    grep -qF -- "$words" "$T/report-en/report.md" || fail "the English report.md lacks '$words'"
done
grep -Eq '^# Status of the targets, [0-9]{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) 20[0-9]{2}$' "$T/report-en/report.md" \
    && grep -Eq '^\| 5 \| Life science-eksport \|.*\| [0-9]{1,2} [A-Z][a-z]+ 20[0-9]{2} \|$' "$T/report-en/report.md" \
    || fail "the English report for today: $(grep '^# \|eksport' "$T/report-en/report.md" | head -3)"
grep -q "^$(printf '\357\273\277')Target (pejlemærke),Indicator,Unit,.*,Source" "$T/report-en/status-excel.csv" || fail "English status-excel.csv: $(head -1 "$T/report-en/status-excel.csv")"
pass "a briefing's words: dated title, Danish numbers (63.000, 6.044.961, 3. plads, −1,7 %), pejlemærker then context series, method and sources, the projection's 80 % interval and probability, no fetch after the status date, a CSV for Danish Excel; the same in English"

# A real browser: no missing image, one row per indicator and target, a screenshot.
browse() {
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$T/chromium" \
        --virtual-time-budget=5000 "$@" "file://$report/index.html" 2>>"$T/chromium.log"
}
browse --dump-dom >"$T/dom.html" || fail "chromium could not load the page: $(tail -5 "$T/chromium.log")"
browse --window-size=1240,1754 --screenshot="$artifacts/report.png" >/dev/null \
    || fail "no screenshot: $(tail -5 "$T/chromium.log")"
[ -s "$artifacts/report.png" ] || fail "empty screenshot"
/usr/bin/python3 - "$T/dom.html" "$report" <<'PY' || fail "the page's DOM"
import html.parser, os, sys
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.rows = []; self.imgs = []; self.cell = None; self.row = None
        self.table = None; self.classes = []; self.links = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table": self.table = a.get("id")
        if tag == "tr" and "data-indicator" in a and self.table in ("status", "context"):
            self.row = [a["data-indicator"], a.get("class")]; self.rows.append(self.row); self.classes.append([])
        if tag == "td" and self.row is not None: self.cell = ""; self.classes[-1].append(a.get("class"))
        if tag == "img": self.imgs.append(a["src"]); assert a.get("width") == "605", a
        if tag == "a": self.links.append(a["href"])
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
    def handle_endtag(self, tag):
        if tag == "td" and self.row is not None: self.row.append(self.cell); self.cell = None
        if tag == "tr": self.row = None
page = Page(); page.feed(open(sys.argv[1], encoding="utf-8").read())
assert len(page.rows) == 14, len(page.rows)
by = {}
for r in page.rows: by.setdefault(r[0], []).append(r)
# PM, indicator, latest, 12-mo mean, target, path, gap, progress (coloured words), ..., alert (secondary)
expect = {"ls_exports": ("i risiko", "Advarsel: fremdrift", "WARNING", "p2"),
          "days_to_availability": ("bevæger sig væk", "Kritisk: fremdrift", "CRITICAL", "p4"),
          "clinical_trials": ("på sporet", "OK", "OK", "p1"),
          "new_ls_companies": ("på sporet", "Advarsel: forældet", "WARNING", "p1"),
          "pharma_production": ("på sporet", "OK", "OK", "p1")}
for ind, (progress, alert, state, colour) in expect.items():
    row = by[ind][0]
    assert row[9].startswith(progress), (ind, row)        # progress column
    assert row[12] == alert, (ind, row)                   # alert column
    assert row[1] == state, (ind, row[1])                 # the row's class: its state
    i = page.rows.index(row)
    assert page.classes[i][7] == "progress " + colour and page.classes[i][10] == "alert", page.classes[i]
assert len(by["ls_exports"]) == 2, "one row per target"
pms = [int(r[2]) for r in page.rows if r[2].isdigit()]
assert pms == sorted(pms) and len(pms) == 10, pms     # pejlemærker in order; context apart
assert by["population"][0][2] == "Befolkning, Danmark", by["population"]
assert len(page.imgs) == 13, page.imgs
for src in page.imgs + page.links:                   # every graph and data file referenced
    assert os.path.getsize(os.path.join(sys.argv[2], src)) > (10000 if src.endswith(".png") else 10), src
PY
pass "Chromium loads the page: no missing image, one row per indicator and target with the right states; screenshot in $artifacts/report.png"

# Printed on A4: a bounded number of pages, every figure whole on one page
# with its caption (a raster split over two pages would be listed on both),
# and no word past the right margin (15 mm; borders are inside the boxes).
browse --no-pdf-header-footer --print-to-pdf="$artifacts/report.pdf" >/dev/null \
    || fail "no PDF: $(tail -5 "$T/chromium.log")"
pages=$(pdfinfo "$artifacts/report.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" -ge 5 ] && [ "$pages" -le 17 ] || fail "the printed report has $pages pages (13 figures, at most one page each, and the tables)"
pdfimages -list "$artifacts/report.pdf" | awk 'NR > 2 {print $1}' >"$T/image-pages"
pdftotext -bbox "$artifacts/report.pdf" "$T/words.html"
/usr/bin/python3 - "$T/image-pages" "$T/dom.html" "$T/words.html" <<'PY' || fail "the printed report"
import re, sys
images = [int(l) for l in open(sys.argv[1])]
words = open(sys.argv[3], encoding="utf-8").read()
captions = {}    # the pages each caption's data/ID.csv is printed on
for page, text in enumerate(words.split("<page ")[1:], 1):
    for name in re.findall(r'>(data/[a-z0-9_-]+\.csv)<', text):
        captions.setdefault(name, []).append(page)
figures = re.findall(r'<figure id="([a-z0-9_-]+)"', open(sys.argv[2], encoding="utf-8").read())
assert len(images) == len(figures) == 13, (images, figures)    # no image printed twice (split)
for image_page, fig in zip(images, figures):
    assert captions.get("data/%s.csv" % fig) == [image_page], (fig, image_page, captions.get("data/%s.csv" % fig))
width = float(re.search(r'<page width="([\d.]+)"', words).group(1))
margin = 15 / 25.4 * 72
past = [(float(x), w) for x, w in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)<', words) if float(x) > width - margin + 1]
assert not past, past[:5]
PY
pass "printed on A4: $pages pages, every figure whole on the page of its caption, no text past the margin; PDF in $artifacts/report.pdf"

# Killed in the middle: the previous report stays whole.
sum_before=$(find "$report" -type f -exec md5sum {} + | sort | md5sum)
"$PEJLD" --report "$report" --svg --now $at -c "$conf" --state-dir "$state" >/dev/null 2>&1 &
pid=$!
PIDS="$PIDS $pid"
started() { ls -d "$report".tmp-* >/dev/null 2>&1; }
wait_for 10 started || fail "the report run never started its temp folder"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[ "$(find "$report" -type f -exec md5sum {} + | sort | md5sum)" = "$sum_before" ] || fail "the killed run changed the report"
"$PEJLD" --report "$report" --now $at -c "$conf" --state-dir "$state" >/dev/null 2>"$T/log" || fail "the next run: $(cat "$T/log")"
! ls -d "$report".tmp-* >/dev/null 2>&1 || fail "a temp folder was left: $(ls -d "$report".tmp-*)"
[ ! -e "$report/graphs/ls_exports.svg" ] || fail "the new report is not the one in place (it has no SVGs)"
pass "a report run killed in the middle leaves the previous report intact; the next run replaces it whole"

# Where a report may not go: it replaces its folder whole, so a folder that
# is, holds or lies in pejl's own data, or holds anything pejl did not
# write, is refused with a message, and everything in it stays.
fingerprint() { (cd "$1" && find . -printf '%p %y %s\n' | sort && find . -type f -exec md5sum {} + | sort) | md5sum; }
state_sum=$(fingerprint "$state")
refused() { # refused DIR WORDS: --report DIR exits 1 and its message says WORDS
    set +e
    "$PEJLD" --report "$1" --now $at -c "$conf" --state-dir "$state" >/dev/null 2>"$T/err"
    local rc=$?
    set -e
    [ $rc -eq 1 ] && grep -q "$2" "$T/err" || fail "--report $1: exit $rc, $(cat "$T/err")"
    [ "$(fingerprint "$state")" = "$state_sum" ] || fail "--report $1 changed the state directory"
}
refused "$state" "is the state directory"
[ -f "$state/journal" ] || fail "the journal is gone"
refused "$state/journal" "lies in the state directory"
refused "$state/rrd" "lies in the state directory"
refused "$state/graphs/" "lies in the state directory"
refused "$state/report" "lies in the state directory"
refused "$T" "holds the state directory"
ln -s "$state" "$T/to-state"
ln -s "$state/journal" "$T/to-journal"
refused "$T/to-state" "is the state directory"
refused "$T/to-journal" "lies in the state directory"
[ -L "$T/to-state" ] && [ -L "$T/to-journal" ] || fail "a symlink was replaced"
mkdir "$T/mine"
echo "my notes" >"$T/mine/notes.txt"
refused "$T/mine" "notes.txt.*not a pejl report"
[ "$(cat "$T/mine/notes.txt")" = "my notes" ] || fail "the user's file did not survive"
echo "a file" >"$T/afile"
refused "$T/afile" "not a folder"
[ "$(cat "$T/afile")" = "a file" ] || fail "the user's file did not survive"
cp -r "$report" "$T/extra"
echo "mine" >"$T/extra/graphs/notes.txt"
refused "$T/extra" "graphs/notes.txt.*not a pejl report"
[ -f "$T/extra/graphs/notes.txt" ] || fail "a file put into a report did not survive"
pass "refused, with everything kept: the state dir, its journal, RRD and graph dirs, a folder inside it, its parent, symlinks into it, a folder or report holding a user's file, a file"

# other RRD and graph directories than the state dir's
sed "s|^log_level.*|&\nrrd_dir = \"$T/elsewhere/rrd\";\ngraph_dir = \"$T/elsewhere/graphs\";|" "$conf" >"$T/conf/elsewhere.conf"
for dir in "$T/elsewhere/rrd" "$T/elsewhere/graphs/sub" "$T/elsewhere"; do
    set +e
    "$PEJLD" --report "$dir" --now $at -c "$T/conf/elsewhere.conf" --state-dir "$state" >/dev/null 2>"$T/err"; rc=$?
    set -e
    [ $rc -eq 1 ] && grep -q "the \(RRD\|graph\) directory" "$T/err" || fail "--report $dir with its own rrd_dir and graph_dir: exit $rc, $(cat "$T/err")"
done
cp "$conf" "$T/conf/inside.conf"
printf 'report = { directory = "%s/report"; at = "06:00"; };\n' "$state" >>"$T/conf/inside.conf"
set +e; "$PEJLD" --check-config -c "$T/conf/inside.conf" --state-dir "$state" >/dev/null 2>"$T/err"; rc=$?; set -e
[ $rc -ne 0 ] && grep -q "inside.conf:[0-9]*:.*report.*lies in the state directory" "$T/err" || fail "--check-config with report.directory in the state dir: exit $rc, $(cat "$T/err")"
sed -i "s|$state/report|$T/daily|" "$T/conf/inside.conf"
"$PEJLD" --check-config -c "$T/conf/inside.conf" --state-dir "$state" >/dev/null 2>"$T/err" || fail "--check-config with report.directory beside the state dir: $(cat "$T/err")"
pass "the RRD and graph directories are refused too; --check-config refuses report.directory in the state dir, with file and line"

# What may be replaced: an earlier report (with its marker, or as the previous
# version wrote it), an empty folder, a folder reached through a symlink; a
# folder beside it named like a temp folder of a report run is not touched.
mkdir "$T/report.tmp-999999" "$T/empty"
echo "mine" >"$T/report.tmp-999999/notes.txt"
ln -s "$T/report" "$T/to-report"
run_report() { "$PEJLD" --report "$1" --now $at -c "$conf" --state-dir "$state" >/dev/null 2>"$T/err" || fail "--report $1: $(cat "$T/err")"; }
run_report "$T/report"
grep -q "pejl report" "$T/report/.pejl-report" || fail "no marker in the report"
run_report "$T/to-report"
[ -L "$T/to-report" ] && [ -f "$T/report/index.html" ] || fail "the report through a symlink"
[ -f "$T/report.tmp-999999/notes.txt" ] || fail "a user's folder named like a temp folder was removed"
run_report "$T/empty"
[ -f "$T/empty/index.html" ] || fail "an empty folder"
rm "$T/report/.pejl-report"
run_report "$T/report"
[ -f "$T/report/.pejl-report" ] || fail "a report of the previous version (no marker) is not replaced"
! ls -d "$T"/*.tmp-* 2>/dev/null | grep -v 999999 || fail "temp folders left behind"
pass "an earlier report (marked or not), an empty folder and a symlinked one are replaced; a user's DIR.tmp-* folder is kept"
