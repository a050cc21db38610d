#!/usr/bin/env bash
# harness_selftest.sh — checks the test harness itself, without pejld: the
# SMTP sink (STARTTLS required, AUTH over TLS only, smtps, the stored mail is
# byte for byte what was sent), the webhook sink (HMAC signature, the
# Alertmanager webhook v4 shape, injected 500s and hangs, its counter across a
# restart) and a real Alertmanager (an alert posted, read back, resolved; its
# own webhook payload passes the sink's v4 check). curl and openssl play pejld.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/alertmanager.sh"
. "$(dirname "$0")/sinks.sh"
here=$(cd "$(dirname "$0")" && pwd)

# --- a throwaway CA and a certificate for 127.0.0.1 ---
tls="$T/tls"
make_tls "$tls"

# --- SMTP: STARTTLS required, AUTH required (over TLS only) ---
mail="$T/mail"
sink SMTP "$T/smtp.port" smtpsink.py --dir "$mail" --tls-cert "$tls/server.crt" --tls-key "$tls/server.key" \
    --require-tls --auth user:pass
# CRLF line ends, a line that needs dot-stuffing, 8-bit UTF-8: all must arrive as sent.
printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: [pejl] test\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA line.\r\n.a line that starts with a dot\r\nR\xc3\xb8dgr\xc3\xb8d med fl\xc3\xb8de\r\n' >"$T/msg.eml"
send() { # send URL CURL-OPTIONS...: curl's exit status; its stderr in $T/curl.err
    local url=$1; shift
    curl -sS --max-time 10 "$url" --mail-from a@example.org --mail-rcpt b@example.org \
        -T "$T/msg.eml" "$@" 2>"$T/curl.err"
}
send "smtp://127.0.0.1:$SMTP" --ssl-reqd --cacert "$tls/ca.crt" --user user:pass \
    || fail "mail over STARTTLS: curl exited $?: $(cat "$T/curl.err")"
wait_for 5 test -e "$mail/1.json" || fail "no $mail/1.json"
cmp "$T/msg.eml" "$mail/1.eml" || fail "the stored mail differs from the one sent"
/usr/bin/python3 - "$mail/1.json" <<'PY' || fail "mail metadata: $(cat "$mail/1.json")"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["mail_from"] == "a@example.org" and m["rcpt_tos"] == ["b@example.org"], m
assert m["tls"] is True and m["auth_user"] == "user", m
PY
pass "smtpsink: a mail over STARTTLS with AUTH is stored byte for byte, with TLS recorded"

rc=0; send "smtp://127.0.0.1:$SMTP" --user user:pass || rc=$?
[ "$rc" != 0 ] || fail "a mail without STARTTLS was accepted"
grep -q 530 "$T/curl.err" || fail "without STARTTLS: expected 530, curl said: $(cat "$T/curl.err")"
rc=0; send "smtp://127.0.0.1:$SMTP" --ssl-reqd --cacert "$tls/ca.crt" || rc=$?
[ "$rc" != 0 ] && grep -q 530 "$T/curl.err" || fail "without AUTH: expected 530, curl exited $rc: $(cat "$T/curl.err")"
rc=0; send "smtp://127.0.0.1:$SMTP" --ssl-reqd --cacert "$tls/ca.crt" --user user:wrong || rc=$?
[ "$rc" = 67 ] || fail "a wrong password: expected curl 67 (login denied), got $rc: $(cat "$T/curl.err")"
rc=0; send "smtp://127.0.0.1:$SMTP" --ssl-reqd --cacert "$tls/ca.crt" --user user:pass --login-options AUTH=LOGIN || rc=$?
[ "$rc" = 0 ] || fail "AUTH LOGIN: curl exited $rc: $(cat "$T/curl.err")"
wait_for 5 test -e "$mail/2.json" || fail "no $mail/2.json after AUTH LOGIN"
[ "$(ls "$mail" | wc -l)" = 4 ] || fail "refused mails were stored: $(ls "$mail")"
stop "$SMTP_PID"
pass "smtpsink: 530 without STARTTLS or without AUTH, 535 for a wrong password, AUTH LOGIN works, SIGTERM exits 0"

sink SMTPS "$T/smtps.port" smtpsink.py --dir "$T/mail-smtps" --tls-cert "$tls/server.crt" --tls-key "$tls/server.key" \
    --smtps --auth user:pass
send "smtps://127.0.0.1:$SMTPS" --cacert "$tls/ca.crt" --user user:pass \
    || fail "mail over smtps: curl exited $?: $(cat "$T/curl.err")"
wait_for 5 test -e "$T/mail-smtps/1.json" || fail "no mail over smtps"
grep -q '"tls": true' "$T/mail-smtps/1.json" || fail "smtps not recorded as TLS: $(cat "$T/mail-smtps/1.json")"
pass "smtpsink --smtps: implicit TLS with AUTH"

# --- webhook: signature, v4 shape, injected faults ---
printf 's3cret\n\n' >"$T/secret"   # the key is the content without trailing newlines
cat >"$T/body.json" <<'EOF'
{"version":"4","groupKey":"{}:{alertname=\"PejlProgress\"}","truncatedAlerts":0,"status":"firing","receiver":"pejl","groupLabels":{"alertname":"PejlProgress"},"commonLabels":{"alertname":"PejlProgress","severity":"warning"},"commonAnnotations":{},"externalURL":"http://127.0.0.1/","alerts":[{"status":"firing","labels":{"alertname":"PejlProgress","severity":"warning","indicator":"ls_exports"},"annotations":{"summary":"0.2 years behind"},"startsAt":"2025-10-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://127.0.0.1/","fingerprint":"8f3c2a1b0d9e7f65"}]}
EOF
/usr/bin/python3 -c 'import json, sys; b = json.load(open(sys.argv[1])); del b["alerts"]; sys.stdout.write(json.dumps(b))' \
    "$T/body.json" >"$T/noalerts.json"
sig() { # sig BODYFILE [TIMESTAMP]: the signature pejld sends, over "TIMESTAMP.BODY"
    { printf '%s.' "${2:-$NOW}"; cat "$1"; } | openssl dgst -sha256 -hmac s3cret -r | cut -d' ' -f1 | sed 's/^/sha256=/'
}
NOW=$(date +%s)
post() { # post PORT BODYFILE [HEADER...]: prints the HTTP status, the answer in $T/post.out
    local port=$1 body=$2; shift 2
    local h=() x
    for x in "$@"; do h+=(-H "$x"); done
    curl -sS --max-time 10 -o "$T/post.out" -w '%{http_code}' -H 'Content-Type: application/json' \
        "${h[@]}" --data-binary "@$body" "http://127.0.0.1:$port/hook/pejl" || true
}
log="$T/webhook.log"
sink WH "$T/wh.port" webhooksink.py --log "$log" --secret-file "$T/secret" --fail-first 1
good=$(sig "$T/body.json")
[ "$(post "$WH" "$T/body.json" "X-Pejl-Timestamp: $NOW" "X-Pejl-Signature: $good")" = 500 ] || fail "the first POST was not 500: $(cat "$T/post.out")"
[ "$(post "$WH" "$T/body.json" "X-Pejl-Timestamp: $NOW" "X-Pejl-Signature: $good")" = 200 ] || fail "a signed v4 POST was not 200: $(cat "$T/post.out")"
[ "$(wc -l <"$log")" = 1 ] || fail "expected one line in the webhook log: $(cat "$log")"
/usr/bin/python3 - "$log" "$T/body.json" "$good" <<'PY' || fail "webhook log line: $(cat "$log")"
import json, sys
line = json.loads(open(sys.argv[1]).readline())
assert line["path"] == "/hook/pejl", line["path"]
assert line["body"] == json.load(open(sys.argv[2])), line["body"]
assert line["headers"]["X-Pejl-Signature"] == sys.argv[3], line["headers"]
PY
pass "webhooksink: the first POST gets the injected 500, the signed retry 200 and one log line"

bad_upper=$(echo "$good" | sed 's/^sha256=//; s/.*/\U&/; s/^/sha256=/')
[ "$(post "$WH" "$T/body.json" "X-Pejl-Timestamp: $NOW" "X-Pejl-Signature: sha256=$(printf '0%.0s' $(seq 64))")" = 401 ] || fail "a wrong signature was not 401"
[ "$(post "$WH" "$T/body.json" "X-Pejl-Timestamp: $NOW" "X-Pejl-Signature: $bad_upper")" = 401 ] || fail "an upper-case signature was not 401"
[ "$(post "$WH" "$T/body.json" "X-Pejl-Timestamp: $NOW")" = 401 ] || fail "a missing signature was not 401"
[ "$(post "$WH" "$T/body.json" "X-Pejl-Timestamp: $NOW" "X-Pejl-Signature: $good")" = 401 ] && grep -q "seen before" "$T/post.out" \
    || fail "the accepted POST sent again was not refused as a replay: $(cat "$T/post.out")"
old=$((NOW - 3600))
[ "$(post "$WH" "$T/body.json" "X-Pejl-Timestamp: $old" "X-Pejl-Signature: $(sig "$T/body.json" "$old")")" = 401 ] \
    && grep -q "more than 300 s" "$T/post.out" || fail "a rightly signed POST an hour old was not refused: $(cat "$T/post.out")"
[ "$(post "$WH" "$T/body.json" "X-Pejl-Signature: $good")" = 401 ] || fail "a POST without X-Pejl-Timestamp was not 401"
code=$(post "$WH" "$T/noalerts.json" "X-Pejl-Timestamp: $NOW" "X-Pejl-Signature: $(sig "$T/noalerts.json")")
[ "$code" = 400 ] && grep -q alerts "$T/post.out" || fail "a body without alerts: $code $(cat "$T/post.out")"
[ "$(wc -l <"$log")" = 1 ] || fail "refused POSTs were logged: $(cat "$log")"
stop "$WH_PID"
pass "webhooksink: 401 for a wrong, upper-case or missing signature, a replay, an hour-old timestamp or none, 400 naming \"alerts\" when it is missing"

sink WH "$T/wh.port" webhooksink.py --log "$T/hang.log" --hang-first 1 --hang-seconds 30
rc=0; curl -sS --max-time 1 -o /dev/null --data-binary "@$T/body.json" "http://127.0.0.1:$WH/" 2>/dev/null || rc=$?
[ "$rc" = 28 ] || fail "the first POST did not hang (curl exited $rc)"
[ "$(post "$WH" "$T/body.json")" = 200 ] || fail "the POST after a hang: $(cat "$T/post.out")"
stop "$WH_PID"
pass "webhooksink --hang-first: the first POST times out, the next is answered, SIGTERM ends a hung handler"

state="$T/wh.state"
sink WH "$T/wh.port" webhooksink.py --log "$T/state.log" --fail-first 2 --state "$state"
[ "$(post "$WH" "$T/body.json")" = 500 ] || fail "--fail-first 2: the first POST was not 500"
stop "$WH_PID"
sink WH "$T/wh.port" webhooksink.py --log "$T/state.log" --fail-first 2 --state "$state"
[ "$(post "$WH" "$T/body.json")" = 500 ] || fail "--state: the first POST after a restart was not the second 500"
[ "$(post "$WH" "$T/body.json")" = 200 ] || fail "--state: the third POST was not 200"
stop "$WH_PID"
pass "webhooksink --state: the fault counter continues across a restart"

# --- a real Alertmanager, forwarding to a webhook sink (send_resolved) ---
sink AMWH "$T/amwh.port" webhooksink.py --log "$T/am-webhook.log"
alertmanager_start "http://127.0.0.1:$AMWH/am"
started=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)
alert() { # alert [ENDSAT]
    printf '[{"labels":{"alertname":"PejlSelftest","indicator":"ls_exports","severity":"warning"},"annotations":{"summary":"harness self test"},"startsAt":"%s",%s"generatorURL":"http://127.0.0.1/pejl"}]' \
        "$started" "${1:+\"endsAt\":\"$1\",}"
}
alertmanager_post "$(alert)"
active() { alertmanager_alerts 'alertname="PejlSelftest"' >"$T/am.json" && grep -q '"state":"active"' "$T/am.json"; }
wait_for 5 active || fail "the posted alert is not listed as active: $(cat "$T/am.json")"
/usr/bin/python3 - "$T/am.json" <<'PY' || fail "alertmanager: $(cat "$T/am.json")"
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == 1, a
assert a[0]["labels"]["indicator"] == "ls_exports" and a[0]["status"]["state"] == "active", a
assert a[0]["annotations"]["summary"] == "harness self test", a
PY
pass "alertmanager: a posted alert is listed as active"

# resolve it only once the firing notification is out: Alertmanager sends no
# "resolved" for an alert it never notified as firing
firing() { grep -q '"status": "firing"' "$T/am-webhook.log"; }
wait_for 15 firing || fail "no firing notification from alertmanager: $(tail -5 "$T/am/log")"
alertmanager_post "$(alert "$(date -u -d '-1 sec' +%Y-%m-%dT%H:%M:%SZ)")"
[ "$(alertmanager_alerts)" = "[]" ] || fail "a resolved alert is still listed: $(alertmanager_alerts)"
resolved() { grep -q '"status": "resolved"' "$T/am-webhook.log"; }
wait_for 15 resolved || fail "no resolved notification from alertmanager: $(cat "$T/am-webhook.log"; tail -5 "$T/am/log")"
/usr/bin/python3 - "$T/am-webhook.log" <<'PY' || fail "alertmanager's webhooks: $(cat "$T/am-webhook.log")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["body"]["status"] for l in lines] == ["firing", "resolved"], [l["body"]["status"] for l in lines]
for l in lines:
    assert l["body"]["alerts"][0]["labels"]["alertname"] == "PejlSelftest", l
PY
pass "alertmanager: an alert posted with endsAt in the past leaves the active list; its firing and resolved webhooks pass the v4 check"

[ ! -s "$T/sinks.err" ] || fail "the sinks wrote to stderr: $(cat "$T/sinks.err")"
stop "$SMTPS_PID"
stop "$AMWH_PID"
stop "$AM_PID"
