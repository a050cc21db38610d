#!/usr/bin/python3
"""notifysock.py SOCKET LOG - plays systemd's side of sd_notify for the tests.

Binds a unix datagram socket at SOCKET and appends every message it gets
to LOG, one message per line (newlines inside a message become ' | ').
Runs until SIGTERM.
"""
import os
import signal
import socket
import sys

path, log = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
with open(log, "a", buffering=1) as out:
    while True:
        data = sock.recv(65536).decode("utf-8", "replace")
        out.write(data.strip().replace("\n", " | ") + "\n")
