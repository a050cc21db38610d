#!/usr/bin/env python3
"""asof-gen.py — the journal of bench/asof: N series x MONTHS periods x
VINTAGES vintages, deterministic.

    asof-gen.py DIR N MONTHS VINTAGES FIRST_VINTAGE STEP_S

DIR holds bench/scale-gen.py's pejld.conf (indicators s00000..); this writes
DIR/state/journal in the journal's format 2 (daemon/store/journal.h): one
commit per vintage, vintage k stamped FIRST_VINTAGE + k * STEP_S, every
value of every series in it revised: scale-gen's value times (1 + k/100).
What pejld would have written had it collected a source that revised all
its figures VINTAGES times; written directly because pejld --once, which
also draws every graph, would take minutes per vintage on a loaded machine.
"""
import os
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

scale = import_module("scale-gen")


def record(line):
    """A journal line: the text, a space, its CRC-32 in 8 hex digits."""
    return "%s %08x\n" % (line, zlib.crc32(line.encode()))


def main():
    top, n, months, vintages, first, step = sys.argv[1], *map(int, sys.argv[2:7])
    os.makedirs(os.path.join(top, "state"), exist_ok=True)
    with open(os.path.join(top, "state", "journal"), "w") as f:
        f.write("pejl-journal 2\n")
        for k in range(vintages):
            vintage = first + k * step
            for i in range(n):
                for m in range(months):
                    period = "%04d-%02d" % (scale.FIRST_YEAR + m // 12, m % 12 + 1)
                    value = round(scale.value(i, m) * (1 + k / 100), 6)
                    f.write(record("s%05d %s %r - %d" % (i, period, value, vintage)))
            f.write(record("@commit %d" % (n * months)))


if __name__ == "__main__":
    main()
