#!/usr/bin/env bash
# report.sh — pejld --report on the demo as at 2025-10-01: every part of the
# folder is there (index.html, report.md, status.json, data/ID.csv, PNG and
# SVG graphs); the page opened in a real headless Chromium loads with no
# missing image, its DOM has one row per indicator and target with the right
# progress and alert, and a screenshot is kept as a test artifact; a report
# run killed in the middle leaves the previous report intact.
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
grep -q '^| Life science-eksport | 5 | 2024: 189,0 mia. kr. | - | 350 mia. kr. i 2030 | 192,3 | -1,7 % | i risiko |' "$report/report.md" \
    || fail "report.md: $(head -8 "$report/report.md")"
grep -q '](graphs/ls_exports.png)' "$report/report.md" || fail "report.md does not show the graphs"
pass "the report folder: index.html, report.md, status.json, data/*.csv, PNG, SVG and PDF graphs"

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
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-indicator" in a: self.row = [a["data-indicator"], a.get("class")]; self.rows.append(self.row)
        if tag == "td" and self.row is not None: self.cell = ""
        if tag == "img": self.imgs.append(a["src"])
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
    def handle_endtag(self, tag):
        if tag == "td" and self.row is not None: self.row.append(self.cell); self.cell = None
page = Page(); page.feed(open(sys.argv[1], encoding="utf-8").read())
assert len(page.rows) == 14, len(page.rows)
by = {}
for r in page.rows: by.setdefault(r[0], []).append(r)
expect = {"ls_exports": ("i risiko", "WARNING"), "days_to_availability": ("bevæger sig væk", "CRITICAL"),
          "clinical_trials": ("på sporet", "OK"), "new_ls_companies": ("på sporet", "WARNING"),
          "pharma_production": ("på sporet", "OK")}
for ind, (progress, alert) in expect.items():
    row = by[ind][0]
    assert row[9].startswith(progress), (ind, row)        # progress column
    assert row[12].startswith(alert), (ind, row)          # alert column
    assert row[1] == alert, (ind, row[1])                 # the row's class: its state
assert len(by["ls_exports"]) == 2, "one row per target"
assert len(page.imgs) == 13, page.imgs
for src in page.imgs:
    assert os.path.getsize(os.path.join(sys.argv[2], src)) > 10000, src
PY
pass "Chromium loads the page: no missing image, one row per indicator and target with the right states; screenshot in $artifacts/report.png"

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
