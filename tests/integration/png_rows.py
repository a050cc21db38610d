#!/usr/bin/env python3
"""png_rows.py PNG... — prints, per file, how many rows use each PNG row
filter (0 none, 1 sub, 2 up, 3 average, 4 Paeth), after checking the file
is a whole PNG: signature, IHDR, IDAT that inflates to exactly height rows
of (width x bytes per pixel + 1) bytes, IEND. Exit 1 on a bad file."""
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    pos, idat, header, ended = 8, b"", None, False
    while pos + 12 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            raise ValueError("bad CRC in %s" % kind.decode())
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            ended = True
        pos += 12 + n
    if not header or not ended:
        raise ValueError("no IHDR or no IEND")
    width, height, depth, colour = header
    stride = width * CHANNELS[colour] * depth // 8 + 1
    raw = zlib.decompress(idat)
    if len(raw) != stride * height:
        raise ValueError("%d bytes of rows, not %d" % (len(raw), stride * height))
    counts = {}
    for r in range(height):
        counts[raw[r * stride]] = counts.get(raw[r * stride], 0) + 1
    return counts


status = 0
for path in sys.argv[1:]:
    try:
        counts = rows(path)
        print(path, " ".join("%d:%d" % kv for kv in sorted(counts.items())))
    except (OSError, ValueError, KeyError, zlib.error) as e:
        print("%s: %s" % (path, e))
        status = 1
sys.exit(status)
