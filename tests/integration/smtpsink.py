#!/usr/bin/python3
"""smtpsink.py - a loopback SMTP server that keeps every mail, for pejl's tests.

pejld sends alert e-mail through libcurl (smtp:// with STARTTLS required, or
smtps://). This sink is what it talks to in the integration tests: an
aiosmtpd server on 127.0.0.1 that stores each accepted message in --dir as

  <n>.eml   the message data exactly as received (CRLF line ends kept; only
            the SMTP dot-stuffing is undone, as RFC 5321 4.5.2 says)
  <n>.json  {"mail_from", "rcpt_tos", "tls", "auth_user", "peer", "helo",
             "mail_options", "rcpt_options", "size"}

n counts 1, 2, ... (continuing after the highest n already in --dir). Both
files are written atomically, .eml first: once <n>.json exists the mail is
complete, so tests wait for the .json.

Options:
  --port N               0 (the default) picks a free port
  --port-file FILE       the port, written atomically once listening
  --dir DIR              where mail goes (created if missing)
  --tls-cert C --tls-key K   offer STARTTLS with that certificate
  --require-tls          MAIL (anything but EHLO/HELO/NOOP/RSET/QUIT/STARTTLS)
                         before STARTTLS gets "530 Must issue a STARTTLS
                         command first"
  --smtps                implicit TLS on the whole listener instead of
                         STARTTLS (for smtps:// URLs); needs the certificate
  --auth USER:PASSWORD   require AUTH (PLAIN or LOGIN) before MAIL; AUTH is
                         only advertised and accepted over TLS (538 before)

Runs until SIGTERM or SIGINT, then exits 0. Prints nothing unless something
goes wrong (to stderr). Never listens beyond loopback.
"""
import argparse
import asyncio
import json
import logging
import os
import re
import signal
import socket
import ssl
import sys
import tempfile
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def write_atomic(path, data):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
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


class Store:
    """aiosmtpd handler: one .eml + one .json per accepted message."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        taken = [int(m.group(1)) for m in
                 (re.fullmatch(r"(\d+)\.(eml|json)", f) for f in os.listdir(directory)) if m]
        self.n = max(taken, default=0)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            n = self.n
        transport = server.transport
        tls = session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None)
        login = getattr(session.auth_data, "login", None)
        auth_user = login.decode("utf-8", "replace") if login is not None else None
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "tls": bool(tls),
            "auth_user": auth_user,
            "peer": list(session.peer) if session.peer else None,
            "helo": session.host_name,
            "mail_options": list(envelope.mail_options),
            "rcpt_options": list(envelope.rcpt_options),
            "size": len(envelope.original_content),
        }
        try:
            write_atomic(os.path.join(self.dir, "%d.eml" % n), envelope.original_content)
            write_atomic(os.path.join(self.dir, "%d.json" % n),
                         (json.dumps(meta, indent=1) + "\n").encode())
        except OSError as e:
            print("smtpsink: cannot store message %d: %s" % (n, e), file=sys.stderr)
            return "451 4.3.0 cannot store the message"
        return "250 2.0.0 OK stored as %d" % n


class BoundController(Controller):
    """A Controller on a socket bound beforehand, so that port 0 works (the
    stock Controller needs to know the port to trigger its lazy start)."""

    def __init__(self, handler, sock, **kw):
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1], **kw)
        self._sock = sock

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock,
                                       ssl=self.ssl_context)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--require-tls", action="store_true")
    ap.add_argument("--smtps", action="store_true")
    ap.add_argument("--auth", metavar="USER:PASSWORD")
    a = ap.parse_args()

    if bool(a.tls_cert) != bool(a.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    if (a.require_tls or a.smtps or a.auth) and not a.tls_cert:
        ap.error("--require-tls, --smtps and --auth need --tls-cert/--tls-key")
    if a.auth and ":" not in a.auth:
        ap.error("--auth wants USER:PASSWORD")

    # aiosmtpd logs to "mail.log"; only real errors should reach stderr.
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    ctx = None
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)  # CERT_NONE, no hostname check
        ctx.load_cert_chain(a.tls_cert, a.tls_key)

    kw = {}
    if a.smtps:
        # The listener itself is TLS. aiosmtpd only counts STARTTLS as "TLS"
        # for AUTH, so AUTH would be refused with 538 unless told otherwise.
        # (it then warns per connection that AUTH does not require TLS: it does.)
        kw.update(ssl_context=ctx, auth_require_tls=False)
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    elif ctx:
        kw.update(tls_context=ctx, require_starttls=a.require_tls)
    if a.auth:
        user, password = a.auth.split(":", 1)
        user, password = user.encode(), password.encode()

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (getattr(auth_data, "login", None) == user
                  and getattr(auth_data, "password", None) == password)
            if ok:
                return AuthResult(success=True, auth_data=auth_data)
            # handled=False makes aiosmtpd answer 535; its default (handled=True)
            # means "already answered" and leaves the client waiting forever.
            return AuthResult(success=False, handled=False)

        kw.update(authenticator=authenticator, auth_required=True)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", a.port))
    except OSError as e:
        print("smtpsink: cannot listen on 127.0.0.1:%d: %s" % (a.port, e), file=sys.stderr)
        return 1
    port = sock.getsockname()[1]

    stop = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.set())

    controller = BoundController(Store(a.dir), sock, **kw)
    controller.start()
    if a.port_file:
        write_atomic(a.port_file, b"%d\n" % port)
    while not stop.wait(3600):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
