#!/usr/bin/python3
"""faultserver.py - a loopback HTTP(S) server for pejl's tests.

Serves recorded response bodies from a directory and injects the faults the
HTTP engine must survive. It listens on 127.0.0.1 on an ephemeral port and
writes that port to --port-file once it is ready. Never exposed beyond
loopback; the tests start and stop it.

Paths (NAME is a file in --root):
  /body/NAME                 200 with the file, an ETag; 304 on If-None-Match
  /fail/KEY/N/CODE/NAME      the first N requests for KEY answer CODE (503 and
                             429 with Retry-After: 1), later ones 200 + NAME
  /status/CODE               always CODE with a short body
  /reset                     closes the connection without a response
  /stall                     headers and half a body, then nothing
  /truncated/NAME            Content-Length says more than is sent
  /big/BYTES                 a 200 body of BYTES bytes
  /html                      an HTML error page with status 200
  /gzip/NAME                 the file gzip-encoded (Content-Encoding: gzip)
  /redirect/URL              302 to URL (%-encoded in the path)
  /etag/LENGTH               200 with an ETag LENGTH bytes long; 304 on If-None-Match
  /log                       one line per request so far: time path UA INM
"""
import argparse
import gzip
import hashlib
import http.server
import os
import ssl
import sys
import threading
import time
import urllib.parse

LOCK = threading.Lock()
COUNTS = {}
LOG = []


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = "."

    def log_message(self, fmt, *args):  # quiet: the test reads /log instead
        pass

    def send_body(self, code, body, ctype="application/json", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_file(self, name):
        path = os.path.join(self.root, os.path.basename(name))
        with open(path, "rb") as f:
            return f.read()

    def record(self):
        with LOCK:
            LOG.append("%.3f %s %s %s" % (time.monotonic(), self.path,
                                          self.headers.get("User-Agent", "-").replace(" ", "_"),
                                          self.headers.get("If-None-Match", "-")))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with LOCK:
            LOG.append("%.3f POST %s %s" % (time.monotonic(), self.path, body.decode("utf-8", "replace")))
        self.send_body(200, body, self.headers.get("Content-Type", "text/plain"))

    def do_GET(self):
        parts = self.path.split("/")[1:]
        if parts[0] != "log":
            self.record()
        handler = getattr(self, "get_" + parts[0].replace("-", "_"), None)
        if handler is None:
            self.send_body(404, b'{"error":"no such path"}')
            return
        handler(parts[1:])

    def get_log(self, args):
        with LOCK:
            text = "\n".join(LOG) + "\n"
        self.send_body(200, text.encode(), "text/plain")

    def get_body(self, args):
        body = self.read_file(args[0])
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(200, body, extra={"ETag": etag, "StatbankAPI-Request-Id": "test-123"})

    def get_fail(self, args):
        key, n, code, name = args[0], int(args[1]), int(args[2]), args[3]
        with LOCK:
            COUNTS[key] = COUNTS.get(key, 0) + 1
            seen = COUNTS[key]
        if seen <= n:
            extra = {"Retry-After": "1"} if code in (429, 503) else {}
            self.send_body(code, b'{"error":"injected"}', extra=extra)
        else:
            self.send_body(200, self.read_file(name))

    def get_status(self, args):
        self.send_body(int(args[0]), b'{"errorTypeCode":"EXTRACT-NOTFOUND","message":"Tabel findes ikke"}')

    def get_reset(self, args):
        self.close_connection = True
        self.connection.shutdown(2)

    def get_stall(self, args):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"x" * 500)
        self.wfile.flush()
        time.sleep(30)

    def get_truncated(self, args):
        body = self.read_file(args[0])
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) + 100))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    def get_big(self, args):
        size = int(args[0])
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"7" * 65536
        sent = 0
        try:
            while sent < size:
                n = min(len(chunk), size - sent)
                self.wfile.write(chunk[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError):
            pass

    def get_html(self, args):
        self.send_body(200, b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "text/html")

    def get_redirect(self, args):
        target = urllib.parse.unquote("/".join(args))
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def get_etag(self, args):
        etag = '"%s"' % ("e" * (int(args[0]) - 2))
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(200, b"etag body\n", "text/plain", extra={"ETag": etag})

    def get_gzip(self, args):
        body = gzip.compress(self.read_file(args[0]))
        self.send_body(200, body, extra={"Content-Encoding": "gzip"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    Handler.root = a.root
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, a.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
