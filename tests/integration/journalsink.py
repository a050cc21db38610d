#!/usr/bin/python3
"""journalsink.py - a stand-in for systemd-journald's native socket.

Binds a datagram Unix socket at PATH (journald's is
/run/systemd/journal/socket) and appends each entry it receives to LOG as
one JSON object per line, {FIELD: value}. Reads journald's native protocol:
"FIELD=value\\n" lines, and "FIELD\\n" + 64-bit little-endian length + bytes
+ "\\n" for values holding newlines. Entries passed as a memfd (over ~200 KB)
are read from the descriptor. Runs until SIGTERM; prints nothing unless
something goes wrong.

Usage: journalsink.py PATH LOG
"""
import array
import json
import os
import signal
import socket
import struct
import sys


def parse(data):
    entry, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            i = nl + 1
        else:
            key = line
            (size,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            value = data[nl + 9:nl + 9 + size]
            i = nl + 9 + size + 1
        entry[key.decode()] = value.decode("utf-8", "replace")
    return entry


def main():
    path, log = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        fds = array.array("i")
        data, anc, _, _ = s.recvmsg(1 << 20, socket.CMSG_LEN(4))
        for level, kind, raw in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(raw[:4])
        if fds:
            with os.fdopen(fds[0], "rb") as f:
                data = f.read()
        with open(log, "a") as f:
            f.write(json.dumps(parse(data), sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
