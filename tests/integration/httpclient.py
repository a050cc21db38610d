#!/usr/bin/env python3
"""httpclient.py — raw-socket HTTP client for http.sh (pejld's HTTP endpoint).

  get PORT PATH [METHOD] [OUT]  one request; prints "STATUS content-type", body to OUT
  malformed PORT                requests no server should take; each must be refused
                                with a 4xx/5xx status or a closed connection, never 2xx,
                                never a hang
  slow PORT N SECONDS           N slowloris clients: half a request, then silence; prints
                                how many the server closed within SECONDS
  flood PORT N                  N connections at once, each asking /healthz; prints
                                answered/refused counts (a refused one is closed unanswered)
  keepalive PORT N              N requests for /metrics on one connection (a scraper's);
                                exits 0 when each was answered 200 on it

Plain sockets (no http.client) so that malformed bytes reach the server as written.
Every socket has a timeout: a hang fails the test instead of stalling it.
"""
import resource
import selectors
import socket
import sys
import time

TIMEOUT = 10


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return s


def read_all(s):
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def request(port, raw):
    """Sends raw bytes, returns the whole answer (b"" when closed unanswered)."""
    s = connect(port)
    try:
        s.sendall(raw)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    data = read_all(s)
    s.close()
    return data


def status_of(answer):
    line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def get(port, path, method="GET", out=None):
    answer = request(port, f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                     .encode("latin-1"))
    head, _, body = answer.partition(b"\r\n\r\n")
    ctype = ""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-type":
            ctype = value.strip()
    if out:
        with open(out, "wb") as f:
            f.write(body)
    print(status_of(answer), ctype)


MALFORMED = [
    ("garbage", b"\x00\x01\x02 hello\r\n\r\n"),
    ("no version", b"GET /\r\n\r\n"),
    ("bad version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
    ("header without colon", b"GET / HTTP/1.1\r\nHost x\r\n\r\n"),
    ("no host in 1.1", b"GET /healthz HTTP/1.1\r\n\r\n"),
    ("100 KB header", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"),
    ("100 KB path", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("1000 headers", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 5000 + b"\r\n"),
    ("POST", b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
    ("PUT", b"PUT /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"),
    ("DELETE", b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("GET with a body", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
    ("huge body", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n" + b"x" * 65536),
    ("bad chunked", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    ("dot-dot", b"GET /../demo.conf HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("escaped dot-dot", b"GET /%2e%2e/demo.conf HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("escaped slash", b"GET /graphs%2f..%2f..%2fdemo.conf HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("absolute", b"GET //etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("NUL in path", b"GET /index.html%00.png HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("hidden marker", b"GET /.pejl-report HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("directory", b"GET /graphs/ HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("half a request, closed", b"GET /metr"),
]


def malformed(port):
    bad = 0
    for name, raw in MALFORMED:
        try:
            answer = request(port, raw)
        except socket.timeout:
            print(f"{name}: no answer within {TIMEOUT} s")
            bad += 1
            continue
        code = status_of(answer)
        print(f"{name}: {code or 'closed'}")
        if 200 <= code < 300:
            bad += 1
    sys.exit(1 if bad else 0)


def slow(port, n, seconds):
    socks = []
    for _ in range(n):
        s = connect(port)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(s)
    print(f"open {len(socks)}", flush=True)
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    closed, deadline = 0, time.monotonic() + seconds
    while closed < n and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            try:
                data = key.fileobj.recv(65536)
            except (ConnectionResetError, BlockingIOError):
                data = b""
            if not data:
                sel.unregister(key.fileobj)
                key.fileobj.close()
                closed += 1
    print(f"closed {closed}")


def flood(port, n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))
    sel = selectors.DefaultSelector()
    answered = refused = 0
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, b"")
    deadline = time.monotonic() + 60
    pending = n
    while pending and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=1):
            s = key.fileobj
            if ev & selectors.EVENT_WRITE:
                try:
                    s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    sel.modify(s, selectors.EVENT_READ, b"")
                except OSError:
                    sel.unregister(s)
                    s.close()
                    refused += 1
                    pending -= 1
                continue
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            got = key.data + data
            if data:
                sel.modify(s, selectors.EVENT_READ, got)
                continue
            sel.unregister(s)
            s.close()
            pending -= 1
            if status_of(got) == 200:
                answered += 1
            else:
                refused += 1
    print(f"answered {answered} refused {refused} unfinished {pending}")
    sys.exit(1 if pending else 0)


def keepalive(port, n):
    s = connect(port)
    buf = b""
    for i in range(n):
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit(f"request {i + 1}: the connection was closed")
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        while len(buf) < length:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit(f"request {i + 1}: closed inside the body")
            buf += chunk
        buf = buf[length:]
        if status_of(head) != 200 or length == 0:
            sys.exit(f"request {i + 1}: {head[:40]!r}, {length} bytes")
    s.close()
    print(f"{n} answered on one connection")


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "get":
        get(port, sys.argv[3], *(sys.argv[4:6]))
    elif mode == "malformed":
        malformed(port)
    elif mode == "slow":
        slow(port, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "flood":
        flood(port, int(sys.argv[3]))
    elif mode == "keepalive":
        keepalive(port, int(sys.argv[3]))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
