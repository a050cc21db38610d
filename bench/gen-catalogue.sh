#!/usr/bin/env bash
# gen-catalogue.sh N DIR COLLECTOR_DIR — writes DIR/catalogue.conf with N
# CSV indicators of 240 monthly points each (2005-01 .. 2024-12), each with
# a trend target, so four default alert rules each; data in DIR/data/.
# For measuring how pejld grows with the catalogue (issue 15).
set -euo pipefail
n=$1 dir=$2 collectors=$3
mkdir -p "$dir/data"
awk -v n="$n" -v dir="$dir" -v collectors="$collectors" 'BEGIN {
    conf = dir "/catalogue.conf"
    printf "collector_dir = \"%s\";\nlog_level = \"warning\";\nindicators = (\n", collectors > conf
    for (i = 0; i < n; i++) {
        csv = sprintf("%s/data/ind%05d.csv", dir, i)
        print "period,value,status" > csv
        for (m = 0; m < 240; m++)
            printf "%d-%02d,%.2f,\n", 2005 + int(m / 12), m % 12 + 1, 100 + i % 50 + m * 0.1 + (m * 7 + i) % 13 > csv
        close(csv)
        printf "  { id = \"ind%05d\"; frequency = \"monthly\"; interval = \"1d\"; title = \"Indikator %d\"; unit = \"stk.\";\n", i, i > conf
        printf "    source = { collector = \"csv\"; url = \"file:data/ind%05d.csv\"; };\n", i > conf
        printf "    target = { kind = \"trend\"; direction = \"up\"; }; }%s\n", (i < n - 1 ? "," : "") > conf
    }
    print ");" > conf
}'
