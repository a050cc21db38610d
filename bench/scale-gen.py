#!/usr/bin/env python3
"""scale-gen.py — the inputs of bench/scale for N indicators, deterministic.

    scale-gen.py N MONTHS DIR

writes DIR/data/sNNNNN.csv (MONTHS monthly values from 2005-01, period,value),
DIR/pejld.conf (one CSV indicator per file, a trend target each, so four
default alert rules each) and DIR/rrdtool.cmd: what a user scripting the
rrdtool command line would feed one `rrdtool -` process for the same job —
per series a `create` with rrd/rrdview.c's layout for a monthly indicator,
one `update` with every point (stamped at its month's end, 00:00 UTC, where
pejl puts it) and one `graph` of the series, 900x360; and
DIR/rrdtool-zoom2.cmd, the same job with the graphs at pejl's default size
and scale (graph.width 500, 2/5 of it high, graph.scale 2: --zoom 2), so
about as many pixels to encode per graph as pejl's (pejl's legend lines
aside).
"""
import calendar
import os
import sys

FIRST_YEAR = 2005
STEP = 86400  # rrdview.h RRD_STEP
MAX_DAYS = 31  # period_kind_max_days(monthly)
DS = "DS:value:GAUGE:%d:U:U" % ((MAX_DAYS + 2) * STEP)
LAST = "RRA:LAST:0.5:1:14612"  # RRD_LAST_ROWS
AVERAGE = "RRA:AVERAGE:0.5:30:488"  # RRD_AVERAGE_STEPS, RRD_AVERAGE_ROWS


def month_end(month):
    """The end of month `month` (0 = 2005-01): the next month's first day."""
    year, index = FIRST_YEAR + (month + 1) // 12, (month + 1) % 12 + 1
    return calendar.timegm((year, index, 1, 0, 0, 0))


def value(series, month):
    """Different for every series and month; a trend, with a wobble."""
    return 100.0 + (series % 97) + month * 0.25 + ((series * 7 + month * 3) % 11) * 0.5


def main():
    n, months, top = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(os.path.join(top, "data"), exist_ok=True)
    os.makedirs(os.path.join(top, "rrd"), exist_ok=True)
    os.makedirs(os.path.join(top, "png"), exist_ok=True)
    ids = ["s%05d" % i for i in range(n)]
    for i, ident in enumerate(ids):
        with open(os.path.join(top, "data", ident + ".csv"), "w") as f:
            f.write("period,value\n")
            for m in range(months):
                f.write("%04d-%02d,%.3f\n" % (FIRST_YEAR + m // 12, m % 12 + 1, value(i, m)))
    with open(os.path.join(top, "pejld.conf"), "w") as f:
        f.write('log_level = "info";\nindicators = (\n')
        for i, ident in enumerate(ids):
            f.write('  { id = "%s"; frequency = "monthly"; interval = "1d";\n'
                    '    title = "Serie %d"; unit = "indeks";\n'
                    '    source = { collector = "csv"; url = "file:data/%s.csv"; };\n'
                    '    target = { kind = "trend"; direction = "up"; }; }%s\n'
                    % (ident, i, ident, "," if i + 1 < n else ""))
        f.write(");\n")
    start = month_end(0) - (MAX_DAYS + 1) * STEP
    end = month_end(months - 1)
    write_job(os.path.join(top, "rrdtool.cmd"), top, "rrd", "png", n, months, start, end,
              "--width 900 --height 360")
    write_job(os.path.join(top, "rrdtool-zoom2.cmd"), top, "rrd2", "png2", n, months, start, end,
              "--width 500 --height 200 --zoom 2")


def write_job(path, top, rrds, pngs, n, months, start, end, size):
    """The rrdtool script into `path`: RRD files in DIR/rrds, graphs of
    `size` in DIR/pngs."""
    os.makedirs(os.path.join(top, rrds), exist_ok=True)
    os.makedirs(os.path.join(top, pngs), exist_ok=True)
    ids = ["s%05d" % i for i in range(n)]
    with open(path, "w") as f:
        for i, ident in enumerate(ids):
            rrd = os.path.join(top, rrds, ident + ".rrd")
            f.write("create %s --start %d --step %d %s %s %s\n" % (rrd, start, STEP, DS, LAST, AVERAGE))
            f.write("update %s %s\n" % (rrd, " ".join(
                "%d:%.3f" % (month_end(m), value(i, m)) for m in range(months))))
        for i, ident in enumerate(ids):
            rrd = os.path.join(top, rrds, ident + ".rrd")
            png = os.path.join(top, pngs, ident + ".png")
            f.write("graph %s --start %d --end %d %s "
                    "--font DEFAULT:11:DejaVu --title Serie_%d --disable-rrdtool-tag "
                    "DEF:v=%s:value:LAST LINE2:v#1f77b4:%s\n" % (png, start, end + STEP, size, i, rrd, ident))

if __name__ == "__main__":
    main()
