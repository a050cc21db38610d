#!/usr/bin/python3
"""webhooksink.py - a loopback HTTP server that receives pejld's webhooks.

pejld POSTs Prometheus Alertmanager's webhook JSON (version "4") signed with
  X-Pejl-Timestamp: <unix seconds when sent>
  X-Pejl-Signature: sha256=<lower-case hex HMAC-SHA256 of "TIMESTAMP." + raw body>
keyed with the content of the secret file minus its trailing newlines. This
sink checks both, as a receiver should, and records what it accepted, so a
test can assert on it.

Each POST (any path) is answered, in this order:
  1. fault injection, by POST number k = 1, 2, ... (counted across restarts
     when --state is given): k <= --hang-first reads the request, then waits
     --hang-seconds (30) before answering 504, to trip client timeouts; the
     next --fail-first POSTs answer 500. Neither is logged.
  2. with --secret-file: 401 unless X-Pejl-Timestamp is a time within
     --max-age seconds (300) of now, X-Pejl-Signature is exactly "sha256=" +
     lower-case hex HMAC of "TIMESTAMP." + body, and that signature was not
     accepted before (a captured webhook sent again is refused).
  3. 400 unless the body is JSON in Alertmanager webhook v4 shape (the
     message names the first missing or wrong field, e.g. "alerts[0].endsAt").
  4. 200, and one JSON line appended to --log:
     {"path": ..., "headers": {...}, "body": <the parsed JSON>, "raw": <the body as sent>}
Anything but POST gets 405. Request bodies may be sent with Content-Length or
chunked.

Options: --port N (0, the default, picks a free port), --port-file FILE (the
port, written atomically once listening), --log FILE (required),
--secret-file FILE, --max-age S, --fail-first N, --hang-first N, --hang-seconds S,
--state FILE (a JSON file holding the POST counter).

Runs until SIGTERM or SIGINT, then exits 0. Prints nothing unless something
goes wrong (to stderr). Never listens beyond loopback.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time

LOCK = threading.Lock()
SEEN = set()  # signatures accepted: a second POST with one is a replay
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def write_atomic(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Counter:
    """The number of POSTs seen, optionally kept in a state file."""

    def __init__(self, path):
        self.path = path
        self.posts = 0
        if path and os.path.exists(path):
            with open(path) as f:
                self.posts = int(json.load(f).get("posts", 0))

    def next(self):
        with LOCK:
            self.posts += 1
            if self.path:
                write_atomic(self.path, (json.dumps({"posts": self.posts}) + "\n").encode())
            return self.posts


def check_v4(body):
    """None if body has the Alertmanager webhook v4 shape, else what is wrong."""
    def string_map(v):
        return isinstance(v, dict) and all(isinstance(x, str) for x in v.values())

    if not isinstance(body, dict):
        return "body: not a JSON object"
    top = [("version", lambda v: v == "4", 'not "4"'),
           ("status", lambda v: v in ("firing", "resolved"), 'not "firing" or "resolved"'),
           ("receiver", lambda v: isinstance(v, str), "not a string"),
           ("groupLabels", string_map, "not an object of strings"),
           ("commonLabels", string_map, "not an object of strings"),
           ("commonAnnotations", string_map, "not an object of strings"),
           ("externalURL", lambda v: isinstance(v, str), "not a string"),
           ("groupKey", lambda v: isinstance(v, str), "not a string"),
           ("truncatedAlerts", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            "not a non-negative integer"),
           ("alerts", lambda v: isinstance(v, list) and len(v) > 0, "not a non-empty array")]
    for name, ok, what in top:
        if name not in body:
            return "missing field: " + name
        if not ok(body[name]):
            return "bad field: %s: %s" % (name, what)
    time_ok = lambda v: isinstance(v, str) and RFC3339.fullmatch(v) is not None
    each = [("status", lambda v: v in ("firing", "resolved"), 'not "firing" or "resolved"'),
            ("labels", string_map, "not an object of strings"),
            ("annotations", string_map, "not an object of strings"),
            ("startsAt", time_ok, "not an RFC 3339 time"),
            ("endsAt", time_ok, "not an RFC 3339 time"),
            ("generatorURL", lambda v: isinstance(v, str), "not a string"),
            ("fingerprint", lambda v: isinstance(v, str) and v != "", "not a non-empty string")]
    for i, alert in enumerate(body["alerts"]):
        if not isinstance(alert, dict):
            return "bad field: alerts[%d]: not an object" % i
        for name, ok, what in each:
            if name not in alert:
                return "missing field: alerts[%d].%s" % (i, name)
            if not ok(alert[name]):
                return "bad field: alerts[%d].%s: %s" % (i, name, what)
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    opts = None
    secret = None
    counter = None

    def log_message(self, fmt, *args):  # quiet: the test reads --log instead
        pass

    def answer(self, code, text):
        body = (text + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        return self.rfile.read(int(length))

    def do_POST(self):
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            self.answer(400, "bad chunked encoding or Content-Length")
            return
        if body is None:
            self.close_connection = True
            self.answer(411, "Content-Length required")
            return
        o = self.opts
        k = self.counter.next()
        if k <= o.hang_first:
            time.sleep(o.hang_seconds)
            self.close_connection = True
            try:
                self.answer(504, "hung on purpose (request %d)" % k)
            except OSError:
                pass  # the client gave up, as intended
            return
        if k <= o.hang_first + o.fail_first:
            self.answer(500, "failing on purpose (request %d)" % k)
            return
        if self.secret is not None:
            problem = self.check_signature(body)
            if problem:
                self.answer(401, problem)
                return
        try:
            parsed = json.loads(body)
        except ValueError as e:  # includes UnicodeDecodeError
            self.answer(400, "body is not JSON: %s" % e)
            return
        problem = check_v4(parsed)
        if problem:
            self.answer(400, problem)
            return
        line = json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                           "body": parsed, "raw": body.decode()}, sort_keys=True) + "\n"
        with LOCK:
            with open(o.log, "a") as f:
                f.write(line)
        self.answer(200, "ok")

    def check_signature(self, body):
        """None when the timestamp is fresh and the signature right and new."""
        stamp = self.headers.get("X-Pejl-Timestamp")
        got = self.headers.get("X-Pejl-Signature")
        if stamp is None or not re.fullmatch(r"[0-9]{1,12}", stamp):
            return "missing or malformed X-Pejl-Timestamp"
        if abs(time.time() - int(stamp)) > self.opts.max_age:
            return "X-Pejl-Timestamp is more than %g s from now (replayed?)" % self.opts.max_age
        if got is None:
            return "missing X-Pejl-Signature"
        want = "sha256=" + hmac.new(self.secret, stamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
        if not hmac.compare_digest(got.encode("latin-1"), want.encode()):
            return "wrong X-Pejl-Signature"
        with LOCK:
            if want in SEEN:
                return "X-Pejl-Signature seen before (replayed)"
            SEEN.add(want)
        return None

    def not_allowed(self):
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_DELETE = do_PATCH = not_allowed

    def do_HEAD(self):
        self.not_allowed()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that hangs up (e.g. on timeout) is expected here, not an error.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret-file")
    ap.add_argument("--max-age", type=float, default=300.0)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--hang-first", type=int, default=0)
    ap.add_argument("--hang-seconds", type=float, default=30.0)
    ap.add_argument("--state")
    a = ap.parse_args()

    Handler.opts = a
    if a.secret_file:
        with open(a.secret_file, "rb") as f:
            Handler.secret = f.read().rstrip(b"\r\n")
    Handler.counter = Counter(a.state)
    open(a.log, "a").close()

    try:
        server = Server(("127.0.0.1", a.port), Handler)
    except OSError as e:
        print("webhooksink: cannot listen on 127.0.0.1:%d: %s" % (a.port, e), file=sys.stderr)
        return 1

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if a.port_file:
        write_atomic(a.port_file, b"%d\n" % server.server_address[1])
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
