#!/usr/bin/env bash
# graph_words.sh — the drawn graphs read right, checked on the words and
# their boxes in the PDF graphs (librrd's PDF keeps each word with its box;
# `pdftotext -bbox` lists them) of the demo, as at 2025-10-01:
#   - a rank graph reads like a league table: its place labels are whole
#     numbers 1..N, rank 1 at the top, one per place, in order downwards;
#   - Danish number forms: a figure of millions reads 5.900.000 or "mio.",
#     never "M" or "k"; the status line writes a decimal comma;
#   - no word of any graph lies past the image's edge.
. "$(dirname "$0")/lib.sh"
command -v pdftotext >/dev/null || fail "pdftotext (poppler-utils) is needed"

state="$T/state"
"$PEJLD" --once --now 2025-10-01 -c "$SRC/config/demo.conf" --state-dir "$state" >/dev/null 2>"$T/log" ||
    fail "--once: $(cat "$T/log")"
"$PEJLD" --report "$T/report" --pdf --now 2025-10-01 -c "$SRC/config/demo.conf" --state-dir "$state" \
    >/dev/null 2>"$T/log" || fail "--report: $(cat "$T/log")"
g="$T/report/graphs"

# words FILE: "xMin yMin xMax yMax pageWidth pageHeight word" per word.
words() {
    pdftotext -bbox "$1" - | awk '
        /<page / { match($0, /width="[0-9.]+"/); w = substr($0, RSTART + 7, RLENGTH - 8)
                   match($0, /height="[0-9.]+"/); h = substr($0, RSTART + 8, RLENGTH - 9) }
        /<word / { line = $0; n = split(line, f, "\"")
                   t = line; sub(/.*">/, "", t); sub(/<\/word>.*/, "", t)
                   print f[2], f[4], f[6], f[8], w, h, t }'
}

# The rank graph's place labels: the words right of the plot area that are
# whole numbers, top to bottom.
for id in clinical_trials new_ls_companies; do
    words "$g/$id.pdf" >"$T/$id.words"
    # the right axis' labels: whole numbers right of the plot, left-aligned at one x
    x=$(awk '$1 > $5 * 0.8 && $7 ~ /^[0-9]+$/ { print $1 }' "$T/$id.words" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
    places=$(awk -v x="$x" '$7 ~ /^[0-9]+$/ && $1 - x < 0.5 && x - $1 < 0.5 { print $2, $7 }' "$T/$id.words" |
        sort -n | awk '{ print $2 }' | tr '\n' ' ')
    n=$(echo $places | wc -w)
    [ "$n" -ge 10 ] || fail "$id: $n place labels at the right edge: $places"
    [ "$places" = "$(seq 1 "$n" | tr '\n' ' ')" ] ||
        fail "$id: place labels top to bottom are '$places', not 1..$n"
    if awk '$7 ~ /^[0-9]+[.,][0-9]+$/ && $1 < $5 * 0.2' "$T/$id.words" | grep -q .; then
        fail "$id: a place written with decimals: $(awk '$7 ~ /^[0-9]+[.,][0-9]+$/' "$T/$id.words" | head -3)"
    fi
done
pass "rank graphs: places 1..N from the top, whole numbers"

# A rank kept by hand (no panel to rank among, a trend target) is a league
# table too: its place labels, the whole numbers in the axis' column, run
# upwards to 1 at the top.
words "$g/days_to_availability_rank.pdf" >"$T/manual.words"
places=$(awk '$7 ~ /^[0-9]+$/ && ($1 < $5 * 0.2 || $1 > $5 * 0.8) { print $1 }' "$T/manual.words" |
    sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }' | { read -r x
    awk -v x="$x" '$7 ~ /^[0-9]+$/ && $1 == x { print $2, $7 }' "$T/manual.words"; } |
    sort -n | awk '{ print $2 }' | tr '\n' ' ')
n=$(echo $places | wc -w)
[ "$n" -ge 3 ] && [ "$places" = "$(seq 1 "$n" | tr '\n' ' ')" ] ||
    fail "days_to_availability_rank: place labels top to bottom are '$places', not 1..N"
pass "a rank kept by hand: rank 1 at the top"

# The latest places named at the right edge: right of the place labels, each
# country's code on the row of its place as the legend gives it ("3 DK"), in
# the order of the places, one per member.
for id in clinical_trials new_ls_companies; do
    out=$(awk '
        { x[NR] = $1; y[NR] = ($2 + $4) / 2; t[NR] = $7; w = $5 }
        END {
            for (i = 1; i <= NR; i++)   # the place labels: whole numbers at one x right of the plot
                if (t[i] ~ /^[0-9]+$/ && x[i] > w * 0.8 && ++at[x[i]] > at[px]) px = x[i]
            for (i = 1; i <= NR; i++)
                if (t[i] ~ /^[0-9]+$/ && x[i] == px) { placey[t[i]] = y[i]; low = y[i] > low ? y[i] : low }
            for (i = 1; i < NR; i++)    # the legend: "3" "DK", below the plot
                if (y[i] > low + 5 && t[i] ~ /^[0-9]+$/ && t[i + 1] ~ /^[A-Z][A-Z]$/) legend[t[i + 1]] = t[i]
            n = 0
            for (i = 1; i <= NR; i++) {
                if (t[i] !~ /^[A-Z][A-Z]$/ || x[i] <= px + 3 || y[i] > low + 5) continue
                n++
                if (!(t[i] in legend)) { print "no legend place for " t[i]; continue }
                d = y[i] - placey[legend[t[i]]]
                if (d > 3 || d < -3) print t[i] " (place " legend[t[i]] ") is " d " pt off its row"
            }
            if (n < 10) print n " codes at the right edge"
        }' "$T/$id.words")
    [ -z "$out" ] || fail "$id: $out"
done
pass "rank graphs: each country's code at the right edge, on the row of its latest place"

# The same in the PNG: Denmark's code in the strong colour right of the plot
# area (only black place labels were there before).
for id in clinical_trials new_ls_companies; do
    n=$(python3 "$SRC/tests/integration/png_colour.py" "$state/graphs/$id.png" 0072B2 0.9) ||
        fail "$id.png: cannot read it"
    [ "$n" -ge 50 ] || fail "$id.png: $n pixels of Denmark's colour right of the plot"
done
pass "rank graphs: Denmark's code drawn in its colour at the right edge of the PNG"

words "$g/population.pdf" >"$T/population.words"
awk '$1 < $5 * 0.2 { print $7 }' "$T/population.words" | grep -Eq '^[0-9]{1,3}(\.[0-9]{3})+$|^mio\.$' ||
    fail "population: no Danish figure of millions on the axis: $(awk '$1 < $5 * 0.2 { print $7 }' "$T/population.words" | tr '\n' ' ')"
if awk '{ print $7 }' "$T/population.words" | grep -Eq '^[0-9.,]+[kM]$|^[kM]$'; then
    fail "population: an axis in k or M"
fi
words "$g/ls_exports.pdf" >"$T/exports.words"
grep -Eq ' 292,0$' "$T/exports.words" || fail "ls_exports: the projection is not written 292,0"
pass "Danish number forms on axes and the status line"

for pdf in "$g"/*.pdf; do
    # a word's box is the font's (ascent included), not its ink: 3 points of slack
    out=$(words "$pdf" | awk '$1 < -3 || $2 < -3 || $3 > $5 + 3 || $4 > $6 + 3')
    [ -z "$out" ] || fail "$(basename "$pdf"): words past the edge: $(echo "$out" | head -3)"
done
pass "no word past the edge of any graph"

# --scale: the report's graphs at zoom 1 are half as wide as at the default 2
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }
"$PEJLD" --report "$T/report1" --scale 1 --now 2025-10-01 -c "$SRC/config/demo.conf" --state-dir "$state" \
    >/dev/null 2>"$T/log" || fail "--report --scale 1: $(cat "$T/log")"
w2=$(png_width "$g/ls_exports.png") w1=$(png_width "$T/report1/graphs/ls_exports.png")
[ $((w1 * 2 - w2)) -ge -2 ] && [ $((w1 * 2 - w2)) -le 2 ] || fail "--scale 1: $w1 px wide, at 2: $w2 px"
"$PEJLD" --report "$T/report2" --scale 9 -c "$SRC/config/demo.conf" --state-dir "$state" 2>"$T/log" &&
    fail "--scale 9 accepted"
grep -q "write a zoom from 0.5 to 4" "$T/log" || fail "--scale 9: $(cat "$T/log")"
pass "--scale N draws the graphs at zoom N"
