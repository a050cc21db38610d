#!/usr/bin/env bash
# inspect_flat.sh — `pejlctl inspect --flat` against an independent reader
# (tests/tools/jsonstat_flat.py, written from the JSON-stat format and the
# reference toolkit, not from the C decoder) on every JSON-stat document in
# tests/data/jsonstat, the recorded real ones and the hand-made ones: where
# one reads a document the other must read it too, and print the same cells
# in the same order with the same codes, values and statuses; where one
# refuses it, so must the other. Then every real document that is read is
# rewritten in each liberal form the toolkit reads (tests/tools/
# jsonstat_variants.py: sizes and positions as strings, label-only
# categories, wrapped statuses, values as strings, no size, 1.x, embedded in
# a collection) and must give the very same cells. ctest passes PEJLCTL too.
. "$(dirname "$0")/lib.sh"
: "${PEJLCTL:?PEJLCTL must point at the built pejlctl}"
command -v python3 >/dev/null || fail "python3 is needed"

READER=$SRC/tests/tools/jsonstat_flat.py
DATA=$SRC/tests/data/jsonstat
mapfile -d '' files < <(find "$DATA" -name '*.json' -print0 | sort -z)
mkdir "$T/py"
python3 "$READER" --each "$T/py" "${files[@]}" || fail "the reader crashed"

read_both=0
refused_both=0
n=0
for file in "${files[@]}"; do
    n=$((n + 1))
    name=${file#"$DATA"/}
    c_rc=0
    "$PEJLCTL" inspect --flat "$file" >"$T/c.csv" 2>"$T/c.err" || c_rc=$?
    if [ -f "$T/py/$n.refused" ]; then
        [ "$c_rc" -ne 0 ] || fail "$name: pejlctl read what the reader refuses: $(cat "$T/py/$n.refused")"
        refused_both=$((refused_both + 1))
        continue
    fi
    [ "$c_rc" -eq 0 ] || fail "$name: pejlctl refused what the reader reads: $(cat "$T/c.err")"
    diff -u "$T/py/$n.csv" "$T/c.csv" >"$T/diff" || fail "$name: cells differ (- reader, + pejlctl):
$(head -40 "$T/diff")"
    read_both=$((read_both + 1))
done

# Every real document that is read, rewritten in each liberal form the
# toolkit reads, gives the very same cells.
variants=0
real=()
for file in "${files[@]}"; do
    case $file in */recorded/*) ;; *) continue ;; esac
    "$PEJLCTL" inspect --flat "$file" >/dev/null 2>&1 && real+=("$file")
done
python3 "$SRC/tests/tools/jsonstat_variants.py" "$T/variants" "${real[@]}" ||
    fail "the variants could not be written"
n=0
for file in "${real[@]}"; do
    n=$((n + 1))
    "$PEJLCTL" inspect --flat "$file" >"$T/original.csv"
    while read -r form; do
        "$PEJLCTL" inspect --flat "$T/variants/$n/$form.json" >"$T/c.csv" 2>"$T/c.err" ||
            fail "${file#"$DATA"/} as $form: refused: $(cat "$T/c.err")"
        diff -u "$T/original.csv" "$T/c.csv" >"$T/diff" ||
            fail "${file#"$DATA"/} as $form: cells differ (- as recorded, + as $form):
$(head -40 "$T/diff")"
        variants=$((variants + 1))
    done <"$T/variants/$n/forms"
done
[ "$variants" -ge 60 ] || fail "only $variants variants of real documents read"
pass "$variants variants of the real documents in liberal forms give the recorded cells"

# A bundle with the dataset named.
python3 "$READER" --dataset exports "$DATA/bundle-1x-two-datasets.json" >"$T/py.csv" ||
    fail "the reader refused the named dataset"
"$PEJLCTL" inspect --flat --dataset exports "$DATA/bundle-1x-two-datasets.json" >"$T/c.csv" ||
    fail "pejlctl refused the named dataset"
diff -u "$T/py.csv" "$T/c.csv" || fail "bundle --dataset exports: cells differ"

# Not vacuous: the real documents and every liberal form were read.
for must in recorded/eurostat/demo_pjan_9geo_4years.json recorded/eurostat/nama_10_gdp_DK.json \
    recorded/jsonstat/galicia-1.x-dataset-wrapped.json recorded/dst/STRAF42_data_jsonstat.json \
    liberal-status-value-and-category.json liberal-label-only-categories.json \
    liberal-size-and-index-as-strings.json liberal-values-as-strings.json; do
    "$PEJLCTL" inspect --flat "$DATA/$must" >/dev/null 2>&1 || fail "$must not read"
done
[ "$read_both" -ge 20 ] || fail "only $read_both documents read by both"
pass "pejlctl inspect --flat agrees with an independent reader: $read_both documents read alike, $refused_both refused by both"
