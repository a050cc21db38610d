#!/usr/bin/env bash
# notify.sh — pejld's notifications through real receivers on loopback:
# e-mail over STARTTLS with AUTH to an SMTP server (headers, UTF-8 body, the
# PNG graph attached), a webhook that checks the HMAC signature and the
# Alertmanager v4 shape and fails twice before it takes one, and a real
# Prometheus Alertmanager that lists the pushed alert and drops it once
# resolved. Then: a second run tells nothing again; SMTP down keeps mail in
# the outbox and a later run delivers it exactly once; a daemon killed with
# -9 while a webhook hangs loses nothing and duplicates at most once, with
# the same fingerprints and startsAt; bad receiver configs are refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alertmanager.sh"
. "$(dirname "$0")/sinks.sh"

demo_copy "$T/conf"
conf="$T/conf/demo.conf"
state="$T/state"
at=2025-10-01
echo 'language = "en"; # English mails first; Danish ones below' >>"$conf"
make_tls "$T/tls"
printf 'pejl:s3cret\n' >"$T/conf/smtp.cred"
printf 'hook-key\n' >"$T/conf/hook.secret"
chmod 600 "$T/conf/smtp.cred" "$T/conf/hook.secret"

sink SMTP "$T/smtp.port" smtpsink.py --dir "$T/mail" --tls-cert "$T/tls/server.crt" \
    --tls-key "$T/tls/server.key" --require-tls --auth pejl:s3cret
sink HOOK "$T/hook.port" webhooksink.py --log "$T/hook.log" --secret-file "$T/conf/hook.secret" \
    --fail-first 2 --state "$T/hook.state"
alertmanager_start

receivers() { # receivers SMTP_PORT: the notification part of the config
    cat <<CONF
http = { ca_file = "$T/tls/ca.crt"; };
external_url = "https://pejl.example.org/";
receivers = (
  { name = "ops-mail"; type = "email"; url = "smtp://127.0.0.1:$1"; starttls = true;
    from = "pejl@example.org"; to = [ "ops@example.org", "analyst@example.org" ];
    attach_graph = true; credentials_file = "smtp.cred"; },
  { name = "chat"; type = "webhook"; url = "http://127.0.0.1:$HOOK/pejl"; secret_file = "hook.secret"; },
  { name = "am"; type = "alertmanager"; url = "$AM_URL"; } );
routes = ( { receivers = [ "ops-mail" ]; match = { severity = "critical"; }; group_wait = "0s"; },
           { receivers = [ "chat", "am" ]; group_wait = "0s"; } );
outbox = { backoff = "200ms"; max_backoff = "1s"; timeout = "3s"; };
CONF
}
cp "$conf" "$T/demo.base"
receivers "$SMTP" >>"$conf"
once() { "$PEJLD" --once --now "${NOW:-$at}" -c "$conf" --state-dir "$state" >"$T/out" 2>"$T/log"; }

once || fail "first run: $(cat "$T/log")"
[ "$(ls "$T/mail"/*.json 2>/dev/null | wc -l)" -eq 2 ] || fail "expected 2 critical mails: $(ls "$T/mail"); $(grep outbox "$T/log")"
[ "$(ls "$state/outbox" | grep -c json)" -eq 0 ] || fail "the outbox is not empty: $(grep outbox "$T/log")"
/usr/bin/python3 - "$T/mail" "$state/graphs" <<'PY' || fail "the e-mail"
import email, email.policy, glob, json, sys
mails = {}
for meta in sorted(glob.glob(sys.argv[1] + "/*.json")):
    m = json.load(open(meta))
    assert m["tls"] and m["auth_user"] == "pejl", m
    assert m["mail_from"] == "pejl@example.org" and m["rcpt_tos"] == ["ops@example.org", "analyst@example.org"], m
    raw = open(meta[:-5] + ".eml", "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    mails[msg["Subject"]] = (msg, raw)
subject = "[pejl] CRITICAL eu_us_rd_ratio moving away: -2.7 %/yr over 5 years (trend up)"
assert subject in mails, list(mails)
msg, raw = mails[subject]
for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "X-Pejl-Fingerprint",
          "Auto-Submitted", "Precedence"):
    assert len(msg.get_all(h, [])) == 1, (h, msg.get_all(h))
assert msg["Auto-Submitted"] == "auto-generated" and msg["Precedence"] == "bulk", msg["Auto-Submitted"]
assert msg["Date"].datetime and msg["From"] == "pejl@example.org", (msg["Date"], msg["From"])
assert "analyst@example.org" in msg["To"] and "fc07f90b88465d18" in msg["Message-ID"], msg["Message-ID"]
assert msg.get_content_type() == "multipart/mixed", msg.get_content_type()
text, png = [p for p in msg.iter_parts()]
assert text.get_content_charset() == "utf-8"
body = text.get_content()
for words in ("Europæisk life science-F&U i forhold til USA (eu_us_rd_ratio)", "Pejlemærke:  6",
              "State:       CRITICAL since 2025-10-01T00:00:00Z", "Latest:      2022: 41.9 pct. af USA",
              "Target:      a trend up", "Growth over the last 5 years: -2.7 %/yr", "Fingerprint fc07f90b88465d18"):
    assert words in body, (words, body)
assert text["Content-Transfer-Encoding"] == "8bit" and "Graph:       attached" in body, text
assert png.get_content_type() == "image/png" and png.get_filename() == "eu_us_rd_ratio.png"
assert png.get_content_disposition() == "attachment" and png["Content-Transfer-Encoding"] == "base64"
assert png.get_content() == open(sys.argv[2] + "/eu_us_rd_ratio.png", "rb").read(), "the attachment is not the graph"
assert all(len(line) <= 998 for line in raw.split(b"\r\n")), "a line over 998 bytes"
PY
pass "e-mail over STARTTLS with AUTH: headers, UTF-8 body with the figures, the graph attached"

[ "$(wc -l <"$T/hook.log")" -eq 1 ] || fail "expected one webhook: $(cat "$T/hook.log")"
grep -q "chat failed (try 2): .*HTTP 500" "$T/log" || fail "the webhook's 500s were not retried: $(grep outbox "$T/log")"
/usr/bin/python3 - "$T/hook.log" <<'PY' || fail "the webhook"
import json, sys
req = json.loads(open(sys.argv[1]).readline())
body = req["body"]
assert body["version"] == "4" and body["status"] == "firing" and body["receiver"] == "chat", body
assert body["externalURL"] == "https://pejl.example.org/", body["externalURL"]
alerts = {(a["labels"]["indicator"], a["labels"]["rule"], a["labels"].get("target")): a for a in body["alerts"]}
exports = alerts[("ls_exports", "progress", "2030")]
assert exports["labels"]["severity"] == "warning" and exports["startsAt"] == "2025-10-01T00:00:00Z", exports
assert exports["endsAt"] == "0001-01-01T00:00:00Z" and exports["fingerprint"] == "6d598f36e5fc322e", exports
assert exports["annotations"]["target"] == "350 mia. kr. in 2030 (from 2023)", exports["annotations"]
assert exports["generatorURL"] == "https://pejl.example.org/#ls_exports", exports
assert exports["annotations"]["graph"] == "https://pejl.example.org/graphs/ls_exports.png"
assert req["headers"]["X-Pejl-Signature"].startswith("sha256=")
assert req["headers"]["X-Pejl-Timestamp"].isdigit(), req["headers"]
employment = [a for a in body["alerts"] if a["labels"]["indicator"] == "ls_employment"]
assert employment and employment[0]["annotations"]["latest"] == "2021: 63,000 personer", employment
PY
pass "webhook: retried through two 500s, signed, Alertmanager v4 with the figures"

# The webhook pejld sent, captured and sent again word for word: refused.
/usr/bin/python3 - "$T/hook.log" "$HOOK" <<'PY' || fail "a replayed webhook was not refused"
import json, sys, urllib.error, urllib.request
req = json.loads(open(sys.argv[1]).readline())
h = {k: req["headers"][k] for k in ("Content-Type", "X-Pejl-Timestamp", "X-Pejl-Signature")}
r = urllib.request.Request("http://127.0.0.1:%s%s" % (sys.argv[2], req["path"]),
                           data=req["raw"].encode(), headers=h, method="POST")
try:
    urllib.request.urlopen(r, timeout=10)
    sys.exit("the replay was accepted")
except urllib.error.HTTPError as e:
    assert e.code == 401 and b"seen before" in e.read(), e.code
PY
pass "webhook: the captured webhook sent again is refused by a receiver that checks X-Pejl-Timestamp"

am_has() { alertmanager_alerts "$@" >"$T/am.json" && [ "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/am.json")" -ge 1 ]; }
wait_for 5 am_has 'indicator="ls_exports"' 'rule="progress"' 'target="2030"' || fail "Alertmanager does not list ls_exports: $(cat "$T/am.json")"
grep -q '"severity":"warning"' "$T/am.json" || fail "Alertmanager's alert lacks its severity: $(cat "$T/am.json")"
pass "Alertmanager lists the pushed alert"

mails=$(ls "$T/mail"/*.json | wc -l)
once || fail "second run: $(cat "$T/log")"
[ "$(ls "$T/mail"/*.json | wc -l)" -eq "$mails" ] && [ "$(wc -l <"$T/hook.log")" -eq 1 ] || fail "the second run notified again"
pass "a second run tells nobody anything again"

# language = "da" now: the alerts' words change, nothing is told again.
sed -i 's/^language = "en";/language = "da";/' "$conf"
once || fail "run in Danish: $(cat "$T/log")"
[ "$(ls "$T/mail"/*.json | wc -l)" -eq "$mails" ] && [ "$(wc -l <"$T/hook.log")" -eq 1 ] ||
    fail "a change of language notified again: $(grep -i 'outbox\|deliver' "$T/log")"
alerts=$(/usr/bin/python3 "$SRC/tests/integration/alert_state.py" "$state")
echo "$alerts" | grep -q '"summary": "ls_exports i risiko: ' || fail "the summaries are not Danish: $alerts"
echo "$alerts" | /usr/bin/python3 -c '
import json, sys
alerts = json.load(sys.stdin)["alerts"]
assert [a["starts_at"] for a in alerts if a["fingerprint"] == "6d598f36e5fc322e"] == ["2025-10-01T00:00:00Z"]
assert len(alerts) == len({a["fingerprint"] for a in alerts})' || fail "ls_exports' alert lost, doubled or restarted: $alerts"
sed -i 's/^language = "da";/language = "en";/' "$conf"
pass "a change of language rewrites the alerts' words and tells nobody anything again"

# The same alerts from scratch with language = "da": Danish mails with decimal
# commas and Danish dates, Danish annotations beside unchanged labels and
# fingerprints in the webhook; the Date header as RFC 5322 has it.
ls "$T/mail"/*.json >"$T/mails.before"
cp "$T/demo.base" "$T/conf/da.conf"
sed -i 's/^language = "en";.*/language = "da";/' "$T/conf/da.conf"
receivers "$SMTP" | sed 's/"chat", "am"/"chat"/' >>"$T/conf/da.conf"
"$PEJLD" --once --now $at -c "$T/conf/da.conf" --state-dir "$T/state-da" >"$T/out" 2>"$T/log" ||
    fail "Danish run: $(cat "$T/log")"
ls "$T/mail"/*.json | grep -vxFf "$T/mails.before" >"$T/mails.da" || true
[ "$(wc -l <"$T/mails.da")" -eq 2 ] || fail "expected 2 Danish mails: $(cat "$T/mails.da")"
/usr/bin/python3 - "$T/mails.da" "$T/hook.log" <<'PY' || fail "the Danish e-mail"
import email, email.policy, email.utils, json, sys
mails = {}
for meta in open(sys.argv[1]).read().split():
    msg = email.message_from_bytes(open(meta[:-5] + ".eml", "rb").read(), policy=email.policy.default)
    mails[msg["Subject"]] = msg
subject = "[pejl] KRITISK eu_us_rd_ratio bevæger sig væk: −2,7 %/år over 5 år (stigende trend)"
assert subject in mails, list(mails)
msg = mails[subject]
assert email.utils.parsedate_to_datetime(msg["Date"]).tzinfo is not None, msg["Date"]
body = next(p for p in msg.iter_parts() if p.get_content_type() == "text/plain").get_content()
for words in ("Indikator:   Europæisk life science-F&U i forhold til USA (eu_us_rd_ratio)",
              "Pejlemærke:  6", "Regel:       progress, mål trend",
              "Tilstand:    KRITISK siden 1. oktober 2025 kl. 00.00 UTC, aktiv siden 1. oktober 2025",
              "Seneste:     2022: 41,9 pct. af USA", "Mål:         en stigende trend",
              "Vækst over de seneste 5 år: −2,7 %/år", "Graf:        vedhæftet",
              "Fingeraftryk fc07f90b88465d18."):
    assert words in body, (words, body)
for english in ("State:", "Latest:", "since", "Growth", "41.9"):
    assert english not in body, (english, body)
body = json.loads(open(sys.argv[2]).readlines()[-1])["body"]
alerts = {(a["labels"]["indicator"], a["labels"]["rule"], a["labels"].get("target")): a for a in body["alerts"]}
exports = alerts[("ls_exports", "progress", "2030")]
assert exports["fingerprint"] == "6d598f36e5fc322e" and exports["labels"]["severity"] == "warning", exports
assert exports["annotations"]["target"] == "350 mia. kr. i 2030 (fra 2023)", exports["annotations"]
assert exports["annotations"]["summary"].startswith("ls_exports i risiko: 0,2 år bag stien"), exports["annotations"]
employment = [a for a in body["alerts"] if a["labels"]["indicator"] == "ls_employment"]
assert employment[0]["annotations"]["latest"] == "2021: 63.000 personer", employment
PY
pass "language = \"da\": Danish mails (words, decimal comma, −2,7, dates), Danish webhook annotations, the same labels and fingerprints"

# A 2024 figure for days_to_availability: its stale alert resolves.
printf '2024,150,\n' >>"$T/conf/demo-data/days_to_availability.csv"
NOW=2025-10-02 once || fail "resolving run: $(cat "$T/log")"
/usr/bin/python3 - "$T/hook.log" <<'PY' || fail "no resolved webhook: $(tail -1 "$T/hook.log")"
import json, sys
body = json.loads(open(sys.argv[1]).readlines()[-1])["body"]
stale = [a for a in body["alerts"] if a["labels"]["indicator"] == "days_to_availability" and a["labels"]["rule"] == "stale"]
assert stale and stale[0]["status"] == "resolved" and stale[0]["labels"]["severity"] == "warning", body["alerts"]
assert stale[0]["startsAt"] == "2025-10-01T00:00:00Z" and stale[0]["endsAt"] == "2025-10-02T00:00:00Z", stale[0]
PY
am_gone() { alertmanager_alerts 'indicator="days_to_availability"' 'rule="stale"' >"$T/am.json" && grep -qx '\[\]' "$T/am.json"; }
wait_for 5 am_gone || fail "Alertmanager still lists the resolved alert: $(cat "$T/am.json")"
pass "a resolution reaches the webhook (with the severity it fired with) and ends the alert in Alertmanager"

# SMTP down: the mail waits in the outbox; SMTP back: delivered exactly once.
stop "$SMTP_PID"
cp "$SRC/config/demo-data/days_to_availability.csv" "$T/conf/demo-data/"
rm -rf "$state" "$T/mail"
once || fail "run with SMTP down: $(cat "$T/log")"
[ "$(ls "$state/outbox" | grep -c json)" -eq 2 ] || fail "the two mails are not in the outbox: $(ls "$state/outbox")"
grep -q "ops-mail failed (try 1)" "$T/log" || fail "no failed try logged"
cp -r "$state/outbox" "$T/outbox.kept"
sink SMTP "$T/smtp.port" smtpsink.py --dir "$T/mail" --tls-cert "$T/tls/server.crt" \
    --tls-key "$T/tls/server.key" --require-tls --auth pejl:s3cret
cp "$T/demo.base" "$conf"
receivers "$SMTP" >>"$conf"
once || fail "run with SMTP back: $(cat "$T/log")"
grep -q "outbox: 2 undelivered notifications from before; sending" "$T/log" || fail "the outbox was not picked up: $(cat "$T/log")"
[ "$(ls "$T/mail"/*.json | wc -l)" -eq 2 ] || fail "expected the 2 mails once: $(ls "$T/mail")"
/usr/bin/python3 - "$T/mail" "$T/outbox.kept" <<'PY' || fail "a mail from the outbox lost its graph"
import base64, email, email.policy, glob, json, sys
kept = {}
for entry in glob.glob(sys.argv[2] + "/*.json"):
    e = json.load(open(entry))
    kept[e["graph_name"]] = base64.b64decode(e["graph"], validate=True)
assert len(kept) == 2 and all(png.startswith(b"\x89PNG") for png in kept.values()), kept.keys()
for eml in glob.glob(sys.argv[1] + "/*.eml"):
    msg = email.message_from_bytes(open(eml, "rb").read(), policy=email.policy.default)
    text, png = msg.iter_parts()
    assert "Graph:       attached" in text.get_content(), eml
    assert png.get_content() == kept.pop(png.get_filename()), eml
assert not kept, kept.keys()
PY
once || fail "third run"
[ "$(ls "$T/mail"/*.json | wc -l)" -eq 2 ] || fail "a delivered mail was sent again"
[ "$(grep -c 'delivered id=.* receiver=ops-mail' "$state/notifications.log")" -eq 2 ] || fail "notification log: $(cat "$state/notifications.log")"
pass "SMTP down: kept in the outbox, delivered exactly once when it is back, logged"

# An e-mail queued by pejl before libcurl made the MIME goes out as queued.
old="$SRC/tests/data/outbox/before-curl-mime/1796605762-000000-18016.json"
cp "$old" "$state/outbox/"
once || fail "run with an entry from before: $(cat "$T/log")"
[ "$(ls "$T/mail"/*.json | wc -l)" -eq 3 ] || fail "the old entry was not sent once: $(ls "$T/mail")"
grep -q "delivered id=1796605762-000000-18016 receiver=ops-mail" "$state/notifications.log" ||
    fail "the old entry's delivery is not logged: $(cat "$state/notifications.log")"
/usr/bin/python3 - "$old" "$T/mail" <<'PY' || fail "the old entry was not sent as it was queued"
import glob, json, sys
payload = json.load(open(sys.argv[1]))["payload"].encode()
sent = [open(f, "rb").read() for f in glob.glob(sys.argv[2] + "/*.eml")]
assert payload in sent, "no mail is the old payload byte for byte"
PY
pass "an e-mail queued before the upgrade goes out exactly as it was queued"

# A daemon killed with -9 while the webhook hangs: nothing lost, at most one duplicate.
stop "$HOOK_PID"
: >"$T/hook.log"
sink HOOK "$T/hook.port" webhooksink.py --log "$T/hook.log" --secret-file "$T/conf/hook.secret" \
    --hang-first 1 --hang-seconds 3
cp "$T/demo.base" "$conf"
receivers "$SMTP" | sed 's/routes = ( .*/routes = ( { receivers = [ "chat" ]; group_wait = "0s"; } );/; /^           { receivers = \[ "chat", "am" \]/d' >>"$conf"
sed -i 's/timeout = "3s"/timeout = "30s"/' "$conf"
rm -rf "$state"
"$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/daemon.log" &
daemon=$!
PIDS="$PIDS $daemon"
queued() { ls "$state/outbox" 2>/dev/null | grep -q json; }
wait_for 30 queued || fail "nothing queued for the webhook: $(tail "$T/daemon.log")"
sleep 0.5 # the delivery is in flight, the sink holds it
/usr/bin/python3 -c '
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/*.json"):
    print("\n".join(json.load(open(path))["fingerprints"].split(",")))' "$state/outbox" >"$T/in-flight" \
    || fail "cannot read the outbox: $(ls "$state/outbox")"
kill -9 "$daemon"
wait "$daemon" 2>/dev/null || true
"$PEJLD" -f -c "$conf" --state-dir "$state" 2>"$T/daemon2.log" &
daemon=$!
PIDS="$PIDS $daemon"
empty() { ! queued; }
wait_for 30 empty || fail "the outbox was not emptied after the restart: $(tail -5 "$T/daemon2.log")"
kill -TERM "$daemon"
wait "$daemon" 2>/dev/null || true
sleep 3 # the hung handler answers the dead connection, and may log it
/usr/bin/python3 - "$T/hook.log" "$T/in-flight" <<'PY' || fail "webhook after kill -9: $(cat "$T/hook.log")"
import collections, json, sys
seen = collections.defaultdict(list)
for line in open(sys.argv[1]):
    for a in json.loads(line)["body"]["alerts"]:
        seen[a["fingerprint"]].append(a["startsAt"])
in_flight = open(sys.argv[2]).read().split()
assert in_flight, "nothing was in flight"
for fp in in_flight:
    assert fp in seen, ("lost", fp)
for fp, starts in seen.items():
    assert len(starts) <= 2 and len(set(starts)) == 1, (fp, starts)
PY
pass "kill -9 during a delivery: delivered after the restart, at most one identical duplicate"

# A webhook that does not answer in time: the try times out and is retried.
stop "$HOOK_PID"
: >"$T/hook.log"
sink HOOK "$T/hook.port" webhooksink.py --log "$T/hook.log" --secret-file "$T/conf/hook.secret" \
    --hang-first 1 --hang-seconds 5
cp "$T/demo.base" "$conf"
receivers "$SMTP" | sed 's/timeout = "3s"/timeout = "1s"/' >>"$conf"
rm -rf "$state"
once || fail "timeout run: $(cat "$T/log")"
grep -q "to chat failed (try 1): .*[Tt]ime" "$T/log" || fail "no timed-out try: $(grep chat "$T/log")"
grep -q "delivered to chat (2 tries)" "$T/log" || fail "not delivered on the second try: $(grep chat "$T/log")"
pass "a webhook that does not answer in time is retried"

bad() { # bad NEEDLE: the config is refused with that message
    "$PEJLD" --check-config -c "$T/bad.conf" >"$T/check" 2>&1 && fail "accepted: $1"
    grep -q "$1" "$T/check" || fail "no \"$1\": $(cat "$T/check")"
}
chmod 644 "$T/conf/smtp.cred"
cp "$T/demo.base" "$T/bad.conf"; receivers "$SMTP" >>"$T/bad.conf"
sed -i "s|credentials_file = \"smtp.cred\"|credentials_file = \"$T/conf/smtp.cred\"|" "$T/bad.conf"
bad "smtp.cred can be read by others (mode 644); chmod 600 it"
sed -i 's|smtp.cred"|gone.cred"|' "$T/bad.conf"
bad "cannot read $T/conf/gone.cred: No such file or directory"
cp "$T/demo.base" "$T/bad.conf"
printf 'receivers = ( { name = "x"; type = "webhook"; url = "http://hooks.example.org/pejl"; } );\nroutes = ( { receivers = [ "y" ]; } );\n' >>"$T/bad.conf"
bad "x: http to hooks.example.org would leave this machine in plain text"
bad 'route: receiver "y" is not defined in receivers'
pass "bad receiver configs are refused with FILE:LINE and what to do"

cp "$T/demo.base" "$conf"
printf 'receivers = ( { name = "x"; type = "webhook"; url = "http://hooks.example.org/pejl"; insecure_plaintext = true; } );\nroutes = ( { receivers = [ "x" ]; match = { team = "none"; }; } );\n' >>"$conf"
once || fail "insecure_plaintext run: $(cat "$T/log")"
grep -q "warning: receiver x: notifications to http://hooks.example.org/pejl go in plain text (insecure_plaintext = true)" "$T/log" \
    || fail "no warning for insecure_plaintext: $(head "$T/log")"
pass "insecure_plaintext is accepted, and said at start"

# Secrets in receiver URLs reach no log: user:password, a token in the path,
# one in the query; through failed tries (nothing listens), a refusal (the
# sink answers 401 to an unsigned body) and notifications.log.
dead=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp "$T/demo.base" "$conf"
cat >>"$conf" <<CONF
receivers = (
  { name = "leaky"; type = "webhook"; url = "http://hookuser:PASSWORD1@127.0.0.1:$HOOK/services/T0/TOKEN2?token=QUERY3"; },
  { name = "dead"; type = "webhook"; url = "http://hookuser:PASSWORD4@127.0.0.1:$dead/services/T0/TOKEN5?token=QUERY6"; } );
routes = ( { receivers = [ "leaky", "dead" ]; group_wait = "0s"; } );
outbox = { backoff = "100ms"; max_backoff = "200ms"; timeout = "2s"; };
CONF
rm -rf "$state"
once || fail "run with secrets in receiver URLs: $(cat "$T/log")"
grep -q "to dead failed (try 2)" "$T/log" || fail "no failed tries to dead: $(grep outbox "$T/log")"
grep -q "refused id=.* receiver=leaky .*error=" "$state/notifications.log" \
    || fail "no refusal in notifications.log: $(cat "$state/notifications.log")"
for secret in hookuser PASSWORD1 TOKEN2 QUERY3 PASSWORD4 TOKEN5 QUERY6; do
    if grep -r "$secret" "$T/log" "$state/notifications.log"; then
        fail "$secret reached a log"
    fi
done
grep -q "http://\*\*\*@127.0.0.1:$dead/services/\*\*\*?\*\*\*" "$T/log" \
    || fail "the failed tries do not name the receiver's URL, redacted: $(grep dead "$T/log")"
pass "user:password, path and query tokens of receiver URLs reach neither the log nor notifications.log"
